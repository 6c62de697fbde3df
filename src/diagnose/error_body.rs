//! What an AWS error answer says, whatever its shape: [`ErrorBody`] parses it and never panics.
//!
//! The shapes: API Gateway and awsJson (`{"message": ..., "__type": ...}`), Neptune (`code`,
//! `detailedMessage`), S3 and query-protocol XML (`<Error><Code>`, `<Message>`,
//! `<CanonicalRequest>`, `<StringToSign>` and their `...Bytes` hex dumps in AWS's and
//! LocalStack's layouts), or plain text.

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

/// The deepest JSON nesting looked into.
const MAX_DEPTH: usize = 32;

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

/// A JSON value, keeping only what an error body needs.
#[derive(Debug)]
enum Json {
    Str(String),
    Obj(Vec<(String, Json)>),
    Other,
}

struct JsonParser<'a> {
    s: &'a [u8],
    i: usize,
}

impl JsonParser<'_> {
    fn ws(&mut self) {
        while self
            .s
            .get(self.i)
            .is_some_and(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        self.ws();
        (self.s.get(self.i) == Some(&b)).then(|| self.i += 1)
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match *self.s.get(self.i)? {
            b'"' => self.string().map(Json::Str),
            b'{' => {
                self.i += 1;
                let mut fields = Vec::new();
                if self.eat(b'}').is_some() {
                    return Some(Json::Obj(fields));
                }
                loop {
                    self.ws();
                    let key = self.string()?;
                    self.eat(b':')?;
                    let v = self.value(depth + 1)?;
                    fields.push((key, v));
                    if self.eat(b',').is_some() {
                        continue;
                    }
                    self.eat(b'}')?;
                    return Some(Json::Obj(fields));
                }
            }
            b'[' => {
                self.i += 1;
                if self.eat(b']').is_some() {
                    return Some(Json::Other);
                }
                loop {
                    self.value(depth + 1)?;
                    if self.eat(b',').is_some() {
                        continue;
                    }
                    self.eat(b']')?;
                    return Some(Json::Other);
                }
            }
            _ => {
                let start = self.i;
                while self
                    .s
                    .get(self.i)
                    .is_some_and(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.'))
                {
                    self.i += 1;
                }
                (self.i > start).then_some(Json::Other)
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let digits = self.s.get(self.i..self.i + 4)?;
        let text = std::str::from_utf8(digits).ok()?;
        let v = u32::from_str_radix(text, 16).ok()?;
        self.i += 4;
        Some(v)
    }

    fn string(&mut self) -> Option<String> {
        if self.s.get(self.i) != Some(&b'"') {
            return None;
        }
        self.i += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let b = *self.s.get(self.i)?;
            self.i += 1;
            match b {
                b'"' => return Some(String::from_utf8_lossy(&out).into_owned()),
                b'\\' => {
                    let e = *self.s.get(self.i)?;
                    self.i += 1;
                    let c = match e {
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'/' => '/',
                        b'\\' => '\\',
                        b'"' => '"',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi)
                                && self.s.get(self.i..self.i + 2) == Some(b"\\u")
                            {
                                self.i += 2;
                                let lo = self.hex4()?;
                                if (0xDC00..0xE000).contains(&lo) {
                                    0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                                } else {
                                    0xFFFD
                                }
                            } else {
                                hi
                            };
                            char::from_u32(code).unwrap_or('\u{FFFD}')
                        }
                        _ => return None,
                    };
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                b => out.push(b),
            }
        }
    }
}

fn parse_json(text: &str) -> ErrorBody {
    let mut p = JsonParser {
        s: text.as_bytes(),
        i: 0,
    };
    let Some(Json::Obj(fields)) = p.value(0) else {
        return ErrorBody {
            message: Some(text.to_string()),
            ..ErrorBody::default()
        };
    };
    let field = |names: &[&str]| {
        names.iter().find_map(|n| {
            fields.iter().find_map(|(k, v)| match v {
                Json::Str(s) if k == n => Some(s.clone()),
                _ => None,
            })
        })
    };
    let nested_message = || {
        fields.iter().find_map(|(k, v)| match v {
            Json::Obj(inner) if k == "error" || k == "Error" => {
                inner.iter().find_map(|(k, v)| match v {
                    Json::Str(s) if k == "message" || k == "Message" => Some(s.clone()),
                    _ => None,
                })
            }
            _ => None,
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

/// The text of the first `<tag>...</tag>`, unescaped (CDATA kept verbatim).
fn xml_field(text: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let start = text.find(&open)? + open.len();
    let len = text[start..].find(&close)?;
    Some(xml_unescape(&text[start..start + len]))
}

/// Resolves `&lt; &gt; &amp; &quot; &apos; &#N; &#xN;` and unwraps `<![CDATA[...]]>`.
pub(crate) fn xml_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix("<![CDATA[") {
            let end = after.find("]]>").unwrap_or(after.len());
            out.push_str(&after[..end]);
            rest = after.get(end + 3..).unwrap_or("");
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if c == '&'
            && let Some(semi) = rest[1..].find(';').filter(|&n| n <= 10)
        {
            let entity = &rest[1..=semi];
            let decoded = match entity {
                "lt" => Some('<'),
                "gt" => Some('>'),
                "amp" => Some('&'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                e => e
                    .strip_prefix("#x")
                    .or_else(|| e.strip_prefix("#X"))
                    .map(|h| u32::from_str_radix(h, 16))
                    .or_else(|| e.strip_prefix('#').map(str::parse::<u32>))
                    .and_then(Result::ok)
                    .and_then(char::from_u32),
            };
            if let Some(d) = decoded {
                out.push(d);
                rest = &rest[semi + 2..];
                continue;
            }
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
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
    let from_dump = |tag: &str| {
        xml_field(text, tag)
            .and_then(|d| decode_byte_dump(&d))
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    };
    let code = xml_field(text, "Code")
        .or_else(|| root_element(text))
        .map(|c| strip_code(&c));
    ErrorBody {
        code,
        message: xml_field(text, "Message"),
        canonical_request: from_dump("CanonicalRequestBytes")
            .or_else(|| xml_field(text, "CanonicalRequest")),
        string_to_sign: from_dump("StringToSignBytes").or_else(|| xml_field(text, "StringToSign")),
        server_time: xml_field(text, "ServerTime"),
        request_time: xml_field(text, "RequestTime"),
        region: xml_field(text, "Region"),
        headers_not_signed: xml_field(text, "HeadersNotSigned"),
    }
}

/// The name of the first element that is not the XML declaration, `Error` or `ErrorResponse`
/// (AGCOD answers `<InvalidSignatureException><Message>...`).
fn root_element(text: &str) -> Option<String> {
    let mut rest = text;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'))
            .collect();
        if !name.is_empty() && name != "Error" && name != "ErrorResponse" {
            return Some(name);
        }
    }
    None
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
        assert_eq!(
            xml_unescape("a&lt;b&gt;&amp;&quot;&apos;&#65;&#x42;&bogus;"),
            "a<b>&\"'AB&bogus;"
        );
        assert_eq!(xml_unescape("<![CDATA[x<y]]>z"), "x<yz");
    }

    #[test]
    fn byte_dumps_decode_in_both_layouts() {
        assert_eq!(decode_byte_dump("47 45 54 0a").unwrap(), b"GET\n");
        assert_eq!(decode_byte_dump("4745 540A").unwrap(), b"GET\n");
        assert!(decode_byte_dump("474").is_none());
        assert!(decode_byte_dump("zz").is_none());
    }
}
