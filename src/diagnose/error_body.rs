//! What an AWS error answer says, whatever its shape: [`ErrorBody`] parses it and never panics.
//!
//! The shapes: API Gateway and awsJson (`{"message": ..., "__type": ...}`), Neptune (`code`,
//! `detailedMessage`), S3 and query-protocol XML (`<Error><Code>`, `<Message>`,
//! `<CanonicalRequest>`, `<StringToSign>` and their `...Bytes` hex dumps in AWS's and
//! LocalStack's layouts), or plain text.
//!
//! JSON is read with `serde_json` and XML with `quick-xml` (entities, CDATA, malformed input);
//! the code here only picks the fields and decodes what no library knows: S3's byte dumps and
//! API Gateway's canonical block inside its message.

use crate::prelude::*;

/// The parts of an error answer that matter for a signing failure.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ErrorBody {
    /// The error code: XML `<Code>` (or the root element), JSON `__type` / `code` with any
    /// `prefix#` removed.
    pub code: Option<String>,
    /// The message, with the canonical block (if any) still in it.
    pub message: Option<String>,
    /// The server's canonical request, from API Gateway's message or S3's
    /// `<CanonicalRequestBytes>` / `<CanonicalRequest>`.
    pub canonical_request: Option<String>,
    /// The server's string to sign.
    pub string_to_sign: Option<String>,
    /// S3's `<ServerTime>`.
    pub server_time: Option<String>,
    /// S3's `<RequestTime>`.
    pub request_time: Option<String>,
    /// S3's `<Region>` (the region the bucket expects).
    pub region: Option<String>,
    /// S3's `<HeadersNotSigned>`.
    pub headers_not_signed: Option<String>,
}

/// Introduces the canonical request in API Gateway's mismatch message.
const CANONICAL_INTRO: &str = "The Canonical String for this request should have been\n'";
/// Between the canonical request and the string to sign.
const STS_INTRO: &str = crate::verify::aws_response::STRING_TO_SIGN_INTRO;

impl ErrorBody {
    /// Parses an error body of any known shape; unknown shapes give the text as the message.
    pub fn parse(body: &[u8]) -> Self {
        let text = String::from_utf8_lossy(body);
        let trimmed = text.trim_start_matches('\u{feff}').trim();
        let mut out = if trimmed.starts_with('{') {
            parse_json(trimmed)
        } else if trimmed.starts_with('<') {
            parse_xml(trimmed)
        } else {
            Self {
                message: (!trimmed.is_empty()).then(|| trimmed.to_string()),
                ..Self::default()
            }
        };
        if out.canonical_request.is_none()
            && let Some((creq, sts)) = out.message.as_deref().and_then(split_canonical_block)
        {
            out.canonical_request = Some(creq);
            out.string_to_sign = sts;
        }
        out
    }

    /// The message without API Gateway's canonical block.
    pub fn sentence(&self) -> Option<&str> {
        let m = self.message.as_deref()?;
        Some(match m.find(CANONICAL_INTRO) {
            Some(i) => m[..i].trim_end(),
            None => m,
        })
    }
}

/// Cuts API Gateway's `The Canonical String ... should have been\n'...'\n\nThe String-to-Sign
/// should have been\n'...'\n` out of a message, by its fixed delimiters (the quoted text may
/// itself hold quotes).
fn split_canonical_block(message: &str) -> Option<(String, Option<String>)> {
    let start = message.find(CANONICAL_INTRO)? + CANONICAL_INTRO.len();
    let rest = &message[start..];
    match rest.find(STS_INTRO) {
        Some(end) => {
            let sts = &rest[end + STS_INTRO.len()..];
            let sts = sts.rfind('\'').map_or(sts, |q| &sts[..q]);
            Some((rest[..end].to_string(), Some(sts.to_string())))
        }
        None => Some((rest.trim_end_matches(['\n', '\'']).to_string(), None)),
    }
}

// ---- JSON --------------------------------------------------------------------------------

fn parse_json(text: &str) -> ErrorBody {
    // serde_json refuses nesting deeper than 128 levels (an error, not a stack overflow); any
    // body it cannot read is kept as the message.
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(text)
    else {
        return ErrorBody {
            message: Some(text.to_string()),
            ..ErrorBody::default()
        };
    };
    let string = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let field = |names: &[&str]| names.iter().find_map(|n| fields.get(*n).and_then(string));
    let nested_message = || {
        ["error", "Error"].iter().find_map(|k| {
            let inner = fields.get(*k)?.as_object()?;
            ["message", "Message"]
                .iter()
                .find_map(|m| inner.get(*m).and_then(string))
        })
    };
    let code = field(&["__type", "code", "Code"]).map(|c| strip_code(&c));
    ErrorBody {
        code,
        message: field(&["message", "Message", "detailedMessage", "errorMessage"])
            .or_else(nested_message),
        ..ErrorBody::default()
    }
}

/// `com.amazon.coral.service#InvalidSignatureException` → `InvalidSignatureException`;
/// `#SignatureDoesNotMatch` → `SignatureDoesNotMatch`; `X:http://...` → `X`.
pub(crate) fn strip_code(code: &str) -> String {
    let c = code.rsplit('#').next().unwrap_or(code);
    let c = c.split(':').next().unwrap_or(c);
    c.trim().to_string()
}

// ---- XML ---------------------------------------------------------------------------------

/// The unescaped text (entities resolved, CDATA kept verbatim) of the first element named by
/// each of `tags`, and the first element's name that is not `Error` or `ErrorResponse`, read
/// with `quick-xml`. Reading stops at the first malformed part; what was read by then counts.
pub(crate) struct XmlFields {
    pub(crate) values: Vec<Option<String>>,
    pub(crate) root: Option<String>,
}

pub(crate) fn xml_fields(text: &str, tags: &[&str]) -> XmlFields {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut out = XmlFields {
        values: vec![None; tags.len()],
        root: None,
    };
    // The field being read (its index in `tags`) and its text so far.
    let mut open: Option<(usize, String)> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).into_owned();
                if out.root.is_none() && name != "Error" && name != "ErrorResponse" {
                    out.root = Some(name.clone());
                }
                if open.is_none()
                    && let Some(i) = tags.iter().position(|t| *t == name)
                    && out.values[i].is_none()
                {
                    open = Some((i, String::new()));
                }
            }
            Ok(Event::Text(t)) => {
                if let Some((_, buf)) = open.as_mut() {
                    match t.decode() {
                        Ok(raw) => buf.push_str(&unescape_or_keep(&raw)),
                        Err(_) => buf.push_str(&String::from_utf8_lossy(&t)),
                    }
                }
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some((_, buf)) = open.as_mut() {
                    let name = String::from_utf8_lossy(&r).into_owned();
                    buf.push_str(&unescape_or_keep(&format!("&{name};")));
                }
            }
            Ok(Event::CData(c)) => {
                if let Some((_, buf)) = open.as_mut() {
                    buf.push_str(&String::from_utf8_lossy(&c));
                }
            }
            Ok(Event::End(e)) => {
                if let Some((i, buf)) = open.take() {
                    if tags[i].as_bytes() == e.name().as_ref() {
                        out.values[i] = Some(buf);
                    } else {
                        open = Some((i, buf));
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    out
}

/// Text with its XML entities resolved, or as it is when one is not a known entity.
fn unescape_or_keep(raw: &str) -> String {
    match quick_xml::escape::unescape(raw) {
        Ok(text) => text.into_owned(),
        Err(_) => raw.to_string(),
    }
}

/// Decodes a byte dump: hex groups separated by whitespace, one byte per group (AWS, lowercase)
/// or two (LocalStack, uppercase). `None` if any group is not whole bytes of hex.
pub(crate) fn decode_byte_dump(dump: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(dump.len() / 3 + 1);
    for group in dump.split_ascii_whitespace() {
        if group.len() % 2 != 0 {
            return None;
        }
        let mut bytes = vec![0u8; group.len() / 2];
        hex::decode_to_slice(group, &mut bytes).ok()?;
        out.extend_from_slice(&bytes);
    }
    (!out.is_empty()).then_some(out)
}

fn parse_xml(text: &str) -> ErrorBody {
    const TAGS: [&str; 10] = [
        "Code",
        "Message",
        "CanonicalRequestBytes",
        "CanonicalRequest",
        "StringToSignBytes",
        "StringToSign",
        "ServerTime",
        "RequestTime",
        "Region",
        "HeadersNotSigned",
    ];
    let XmlFields { values, root } = xml_fields(text, &TAGS);
    let [
        code,
        message,
        creq_dump,
        creq,
        sts_dump,
        sts,
        server_time,
        request_time,
        region,
        headers_not_signed,
    ] = <[Option<String>; 10]>::try_from(values).unwrap_or_default();
    let from_dump = |dump: Option<String>| {
        dump.and_then(|d| decode_byte_dump(&d))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    ErrorBody {
        code: code.or(root).map(|c| strip_code(&c)),
        message,
        canonical_request: from_dump(creq_dump).or(creq),
        string_to_sign: from_dump(sts_dump).or(sts),
        server_time,
        request_time,
        region,
        headers_not_signed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_escapes_and_surrogates_decode() {
        let b = ErrorBody::parse(br#"{"message":"a\nb\u00e9\ud83d\ude00\"q\"","__type":"com.amazon#InvalidSignatureException"}"#);
        assert_eq!(b.message.as_deref(), Some("a\nbé😀\"q\""));
        assert_eq!(b.code.as_deref(), Some("InvalidSignatureException"));
    }

    #[test]
    fn deep_or_broken_json_does_not_panic_and_keeps_the_text() {
        let deep = "[".repeat(10_000);
        let b = ErrorBody::parse(format!("{{\"a\":{deep}").as_bytes());
        assert!(b.message.is_some());
        for bad in ["{", "{\"message\":", "{\"message\":\"\\u12", "{\"m\":tru"] {
            let _ = ErrorBody::parse(bad.as_bytes());
        }
    }

    #[test]
    fn xml_entities_and_cdata_unescape() {
        let body = "<Error><Message>a&lt;b&gt;&amp;&quot;&apos;&#65;&#x42;</Message>\
                    <Code><![CDATA[x<y]]>z</Code></Error>";
        let b = ErrorBody::parse(body.as_bytes());
        assert_eq!(b.message.as_deref(), Some("a<b>&\"'AB"));
        assert_eq!(b.code.as_deref(), Some("x<yz"));
    }

    #[test]
    fn broken_xml_keeps_what_was_read_before_it_broke() {
        let b =
            ErrorBody::parse(b"<Error><Code>SignatureDoesNotMatch</Code><Message>bad &bogus; <");
        assert_eq!(b.code.as_deref(), Some("SignatureDoesNotMatch"));
        // A body with no <Error> wrapper: the first element names the error.
        let b = ErrorBody::parse(
            b"<InvalidSignatureException><Message>m</Message></InvalidSignatureException>",
        );
        assert_eq!(b.code.as_deref(), Some("InvalidSignatureException"));
        assert_eq!(b.message.as_deref(), Some("m"));
    }

    #[test]
    fn byte_dumps_decode_in_both_layouts() {
        assert_eq!(decode_byte_dump("47 45 54 0a").unwrap(), b"GET\n");
        assert_eq!(decode_byte_dump("4745 540A").unwrap(), b"GET\n");
        assert!(decode_byte_dump("474").is_none());
        assert!(decode_byte_dump("zz").is_none());
    }
}
