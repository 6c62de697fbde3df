//! The readable, allocating views of a signature, with session tokens redacted: [`Explanation`] (what we signed: print it when AWS answers 403) and [`ServerView`] (what a verifier computed).

use std::fmt;

use crate::time::AmzDate;

pub(crate) use crate::credentials::REDACTED;

/// Replaces session-token values in canonical text (an `x-amz-security-token:` header line or an
/// `X-Amz-Security-Token=` query parameter) with `<redacted>`, for printing.
pub(crate) fn redact_tokens(text: &str) -> String {
    const HEADER: &str = "x-amz-security-token:";
    const PARAM: &str = "X-Amz-Security-Token=";
    let mut out = String::with_capacity(text.len());
    for (k, line) in text.split('\n').enumerate() {
        if k > 0 {
            out.push('\n');
        }
        // Compared as bytes: the line may hold UTF-8 (header values, or a server's quoted text)
        // with a character across byte 21. A match is ASCII, so it ends on a char boundary.
        let prefix = line.as_bytes().get(..HEADER.len());
        if prefix.is_some_and(|p| p.eq_ignore_ascii_case(HEADER.as_bytes())) {
            out.push_str(&line[..HEADER.len()]);
            out.push_str(REDACTED);
            continue;
        }
        let mut rest = line;
        while let Some(i) = rest.find(PARAM) {
            let value_start = i + PARAM.len();
            out.push_str(&rest[..value_start]);
            out.push_str(REDACTED);
            rest = rest[value_start..]
                .find('&')
                .map_or("", |j| &rest[value_start + j..]);
        }
        out.push_str(rest);
    }
    out
}

/// The intermediate values of one signature, as strings.
///
/// `Debug` shows the canonical request with any session token redacted; print
/// [`Explanation::canonical_request_redacted`] rather than the exact text where logs may be read
/// by others.
#[derive(Clone, PartialEq, Eq)]
pub struct Explanation {
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
    pub(crate) signature: String,
    pub(crate) signed_headers: String,
    pub(crate) authorization: Option<String>,
    pub(crate) amz_date: AmzDate,
}

impl Explanation {
    /// The canonical request (stage ①), exactly as hashed. It contains the session token of
    /// temporary credentials: print [`Explanation::canonical_request_redacted`] instead.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The canonical request with the session token (header or query) shown as `<redacted>`.
    pub fn canonical_request_redacted(&self) -> String {
        redact_tokens(&self.canonical_request)
    }

    /// The string to sign (stage ②).
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature, 64 lowercase hex digits.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The `SignedHeaders` list.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The `Authorization` header value (header signing only).
    pub fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }

    /// The signing time.
    pub fn amz_date(&self) -> AmzDate {
        self.amz_date
    }
}

impl fmt::Debug for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Explanation")
            .field("canonical_request", &self.canonical_request_redacted())
            .field("string_to_sign", &self.string_to_sign)
            .field("signature", &self.signature)
            .field("signed_headers", &self.signed_headers)
            .field("amz_date", &self.amz_date)
            .finish_non_exhaustive()
    }
}

/// The canonical request and string to sign the verifier computes from a request's claims:
/// what API Gateway quotes in its signature-mismatch answer.
///
/// The canonical request holds the client's session token. `Debug` and the 403 text built from
/// a view ([`VerifyError::api_gateway_message`](crate::VerifyError::api_gateway_message)) show it as `<redacted>` unless the view was
/// made with [`TokenDisplay::Shown`] (for local debugging only: answers and logs are read by
/// proxies and people the token must not reach).
#[derive(Clone, PartialEq, Eq)]
pub struct ServerView {
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
    pub(crate) token_display: TokenDisplay,
}

/// Whether text meant for people (a 403 answer, a log line) shows a session token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TokenDisplay {
    /// The token is written as `<redacted>`.
    #[default]
    Redacted,
    /// The token is written as received: for debugging on your own machine only.
    Shown,
}

/// Whether a signature-mismatch answer quotes the server's canonical request and string to
/// sign after AWS's sentence, as API Gateway REST APIs do (Lambda function URLs do not).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum CanonicalDisplay {
    /// The canonical request (token redacted unless [`TokenDisplay::Shown`]) and string to sign
    /// follow the sentence.
    #[default]
    Quoted,
    /// The sentence alone.
    Omitted,
}

impl ServerView {
    /// The canonical request, exactly as hashed (it holds the session token of temporary
    /// credentials: print [`ServerView::canonical_request_redacted`] instead).
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The canonical request with the session token (header or query) shown as `<redacted>`.
    pub fn canonical_request_redacted(&self) -> String {
        redact_tokens(&self.canonical_request)
    }

    /// The canonical request as this view shows it to people: redacted unless
    /// [`TokenDisplay::Shown`] was chosen.
    pub fn canonical_request_for_display(&self) -> std::borrow::Cow<'_, str> {
        match self.token_display {
            TokenDisplay::Redacted => self.canonical_request_redacted().into(),
            TokenDisplay::Shown => self.canonical_request.as_str().into(),
        }
    }

    /// The string to sign.
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// Chooses whether this view's text for people shows the session token (default
    /// [`TokenDisplay::Redacted`]).
    #[must_use]
    pub fn with_token_display(mut self, display: TokenDisplay) -> Self {
        self.token_display = display;
        self
    }

    /// Whether this view's text for people shows the session token.
    pub fn token_display(&self) -> TokenDisplay {
        self.token_display
    }
}

impl fmt::Debug for ServerView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerView")
            .field("canonical_request", &self.canonical_request_for_display())
            .field("string_to_sign", &self.string_to_sign)
            .field("token_display", &self.token_display)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::redact_tokens;

    #[test]
    fn session_tokens_are_redacted_in_header_and_query_form() {
        let creq = "GET\n/\na=1&X-Amz-Security-Token=SECRET%2Ftok&b=2\nhost:h\nX-Amz-Security-Token:SECRET\n\nhost\nUNSIGNED-PAYLOAD";
        let shown = redact_tokens(creq);
        assert!(!shown.contains("SECRET"), "{shown}");
        assert_eq!(
            shown,
            "GET\n/\na=1&X-Amz-Security-Token=<redacted>&b=2\nhost:h\nX-Amz-Security-Token:<redacted>\n\nhost\nUNSIGNED-PAYLOAD"
        );
    }

    #[test]
    fn redaction_keeps_lines_with_multibyte_characters_at_any_offset() {
        // A two-byte and a four-byte character placed across every byte offset near the
        // header prefix's length (21 bytes), in lines that are and are not token lines.
        for pad in 0..30 {
            for ch in ["é", "𝄞"] {
                let line = format!("{}{ch}tail", "x".repeat(pad));
                assert_eq!(redact_tokens(&line), line);
                let token_line = format!("x-amz-security-token:{line}");
                assert_eq!(
                    redact_tokens(&token_line),
                    "x-amz-security-token:<redacted>"
                );
                let param = format!("{line}&X-Amz-Security-Token={ch}{ch}&b={ch}");
                assert_eq!(
                    redact_tokens(&param),
                    format!("{line}&X-Amz-Security-Token=<redacted>&b={ch}")
                );
            }
        }
    }
}
