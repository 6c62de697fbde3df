//! AWS's answer to a rejected request, written once: API Gateway's wire texts, its `{"message": ...}` body and the 403 response the gateway and `tower::VerifyLayer` both send.

use std::fmt::Write as _;

use super::error::VerifyError;
use crate::explain::ServerView;

/// Before API Gateway's canonical request, after a signature-mismatch sentence.
pub(crate) const CANONICAL_STRING_INTRO: &str =
    "\n\nThe Canonical String for this request should have been\n'";
/// Between the canonical request and the string to sign.
pub(crate) const STRING_TO_SIGN_INTRO: &str = "'\n\nThe String-to-Sign should have been\n'";
/// After the string to sign.
pub(crate) const STRING_TO_SIGN_OUTRO: &str = "'\n";

impl VerifyError {
    /// The `message` API Gateway answers with: [`aws_message`](Self::aws_message), followed (for a signature
    /// mismatch, when the server shows it) by the canonical request and string to sign it
    /// computed. The session token in that canonical request is `<redacted>` unless the view
    /// was made with [`TokenDisplay::Shown`](crate::verify::TokenDisplay::Shown).
    pub fn api_gateway_message(&self, view: Option<&ServerView>) -> String {
        let mut message = self.aws_message();
        if let Some(view) = view {
            message.push_str(CANONICAL_STRING_INTRO);
            message.push_str(&view.canonical_request_for_display());
            message.push_str(STRING_TO_SIGN_INTRO);
            message.push_str(view.string_to_sign());
            message.push_str(STRING_TO_SIGN_OUTRO);
        }
        message
    }

    /// API Gateway's JSON body for this error: `{"message":"..."}`.
    pub fn api_gateway_body(&self, view: Option<&ServerView>) -> String {
        json_message(&self.api_gateway_message(view))
    }
}

/// `{"message":"..."}` with `message` escaped as a JSON string.
pub(crate) fn json_message(message: &str) -> String {
    let mut body = String::with_capacity(message.len() + 16);
    body.push_str("{\"message\":");
    json_string(&mut body, message);
    body.push('}');
    body
}

/// Appends `s` as a JSON string literal.
pub(crate) fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// API Gateway's JSON answer: `status`, `content-type: application/json`, `x-amzn-errortype`
/// when `error_type` is given, and `{"message": ...}` (feature `gateway` or `tower`).
#[cfg(any(feature = "gateway", feature = "tower"))]
pub(crate) fn json_answer<B: From<bytes::Bytes>>(
    status: http::StatusCode,
    error_type: Option<&str>,
    message: &str,
) -> http::Response<B> {
    let body = json_message(message);
    let mut res = http::Response::new(B::from(bytes::Bytes::from(body)));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    if let Some(t) = error_type.and_then(|t| http::HeaderValue::from_str(t).ok()) {
        headers.insert("x-amzn-errortype", t);
    }
    res
}

/// The answer API Gateway gives for `error`: its status, `x-amzn-ErrorType` and message, and
/// after a signature mismatch (when `view` is given) the canonical request and string to sign.
#[cfg(any(feature = "gateway", feature = "tower"))]
pub(crate) fn rejection<B: From<bytes::Bytes>>(
    error: &VerifyError,
    view: Option<&ServerView>,
) -> http::Response<B> {
    let message = error.api_gateway_message(view);
    let status = http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::FORBIDDEN);
    json_answer(status, Some(error.aws_code()), &message)
}
