//! Why did AWS answer 403: [`diagnose`] compares what the server says it computed with what we signed and names the likely cause.
//!
//! The causes: a signed header dropped or rewritten in transit, a different host, single vs
//! double path encoding, query encoding, the body hash, the session token, the scope, or the
//! clock. The error texts it reads are AWS's own (API Gateway's and S3's answers, as the AWS
//! documentation and the tests quote them).

mod clock;
mod error_body;

pub use clock::{ClockOffset, ClockSource, clock_offset};
pub use error_body::ErrorBody;

use std::fmt;

use crate::credentials::REDACTED;
use crate::explain::Explanation;

/// Headers that proxies, CDNs and AWS front doors add to or rewrite.
fn is_proxy_header(name: &str) -> bool {
    matches!(
        name,
        "x-forwarded-for"
            | "x-forwarded-proto"
            | "x-forwarded-port"
            | "x-forwarded-host"
            | "via"
            | "forwarded"
            | "x-real-ip"
    ) || name.starts_with("cf-")
        || name.starts_with("x-amzn-")
        || name.starts_with("cloudfront-")
}

/// One part of the canonical request.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Part {
    /// Line 1.
    Method,
    /// Line 2.
    Path,
    /// Line 3.
    Query,
    /// A `name:value` line.
    Header(String),
    /// The `SignedHeaders` line.
    SignedHeaders,
    /// The last line.
    PayloadHash,
    /// A line of the string to sign (0-based).
    StringToSign(usize),
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Part::Method => f.write_str("method"),
            Part::Path => f.write_str("path"),
            Part::Query => f.write_str("query"),
            Part::Header(n) => write!(f, "header {n}"),
            Part::SignedHeaders => f.write_str("signed headers"),
            Part::PayloadHash => f.write_str("payload hash"),
            Part::StringToSign(i) => write!(f, "string-to-sign line {}", i + 1),
        }
    }
}

/// One difference between our canonical request and the server's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// Which part.
    pub part: Part,
    /// Our value (`None`: we had no such line).
    pub local: Option<String>,
    /// The server's value (`None`: it had no such line).
    pub server: Option<String>,
}

/// A likely cause of the rejection, with what to do about it (its `Display`).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Cause {
    /// A signed header reached the server empty or not at all.
    HeaderDropped {
        /// The header.
        name: String,
    },
    /// A signed header that proxies rewrite (`x-forwarded-for`, `via`, `x-amzn-*`, `cf-*`, ...).
    ProxyRewrittenHeader {
        /// The header.
        name: String,
    },
    /// A signed header arrived with another value.
    HeaderChanged {
        /// The header.
        name: String,
    },
    /// The server saw another host (custom domain, VPC endpoint, proxy).
    HostMismatch {
        /// What we signed (`None` in a checklist).
        local: Option<String>,
        /// What the server saw.
        server: Option<String>,
    },
    /// The server encodes the path twice (every service but S3); we encoded it once.
    PathNeedsDoubleEncoding,
    /// The server encodes the path once (S3); we encoded it twice.
    PathNeedsSingleEncoding,
    /// The paths differ otherwise (normalisation, a rewritten base path).
    PathChanged,
    /// The query string was left in the path (`%3F` signed as part of the path).
    QueryInPath,
    /// The query parameters are the same once decoded: `+`, `%20`, `%2B` or a pre-encoded value
    /// were encoded differently.
    QueryEncoding,
    /// The query parameters differ.
    QueryChanged,
    /// The method differs.
    MethodChanged,
    /// The body hash differs: the body was changed in transit (base64, re-serialised JSON, a
    /// dropped DELETE body) or the hash was computed over other bytes.
    PayloadHash,
    /// The signed-header lists differ.
    SignedHeadersDiffer,
    /// Same canonical request and string to sign, different signature: the secret key is
    /// wrong (or key and secret come from two credential generations).
    SecretKey,
    /// Same canonical request but another scope or date in the string to sign.
    ScopeOrDate,
    /// The clock is off by this much (server minus local).
    ClockSkew {
        /// Server time minus local time.
        offset: time::Duration,
    },
    /// The scope names a region the server does not accept.
    WrongRegion {
        /// The region signed.
        given: Option<String>,
        /// The region expected, when the server said.
        expected: Option<String>,
    },
    /// The scope names the wrong service (signing name).
    WrongService {
        /// The service expected, when the server said.
        expected: Option<String>,
    },
    /// The session token is missing, expired or not the one issued with the key (or the access
    /// key id is unknown).
    SessionToken {
        /// Whether we sent a token.
        sent: bool,
    },
    /// The temporary credentials have expired.
    ExpiredToken,
    /// The request was not signed, or the route, stage or method does not exist.
    MissingAuthentication,
    /// The `Authorization` header is not SigV4 or lacks parameters (an app's own bearer token?).
    IncompleteSignature,
    /// An `x-amz-*` header was sent without being signed.
    HeadersNotSigned,
    /// A presigned URL has expired.
    PresignExpired,
    /// The service does not accept `UNSIGNED-PAYLOAD` (Lambda function URLs).
    UnsignedPayloadRejected,
    /// The signature was fine; an IAM or resource policy denied the call.
    AccessDenied,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cause::HeaderDropped { name } if name == "content-type" || name == "content-length" => write!(
                f,
                "`{name}` was signed but did not reach the server: HTTP clients and proxies drop it on requests without a body (axios does on GET); do not sign it, or send it as signed"
            ),
            Cause::HeaderDropped { name } => write!(
                f,
                "`{name}` was signed but did not reach the server: something between you and AWS removed it; stop signing it (Settings::exclude_header) or make sure it is sent"
            ),
            Cause::ProxyRewrittenHeader { name } => write!(
                f,
                "`{name}` is rewritten by proxies and AWS front doors; never sign it: drop it before signing or exclude it (Settings::with_excluded_header(\"{name}\"))"
            ),
            Cause::HeaderChanged { name } if name == "x-amz-security-token" => f.write_str(
                "the session token that arrived is not the one signed (a placeholder or `undefined` sent instead?): send x-amz-security-token from the same credentials you sign with",
            ),
            Cause::HeaderChanged { name } => write!(
                f,
                "`{name}` arrived with a different value than was signed: set it before signing and let nothing change it afterwards"
            ),
            Cause::HostMismatch { local: Some(l), server: Some(s) } => write!(
                f,
                "the server saw host `{s}` but `{l}` was signed: sign the host the server receives (behind a custom domain, CloudFront or a VPC endpoint, set the `host` header you sign to that name)"
            ),
            Cause::HostMismatch { .. } => f.write_str(
                "check the host: behind a custom domain, CloudFront, a proxy or a VPC endpoint the server may see another host than the one signed",
            ),
            Cause::PathNeedsDoubleEncoding => f.write_str(
                "the server encodes the path twice (every service but S3: `%20` is signed as `%2520`): use UriEncoding::Double (Settings::default())",
            ),
            Cause::PathNeedsSingleEncoding => f.write_str(
                "the server encodes the path once (S3): use Settings::s3() (UriEncoding::Single, no path normalisation)",
            ),
            Cause::PathChanged => f.write_str(
                "the server saw another path: a base-path mapping, stage prefix or path normalisation differs from what was signed; sign the full path the server receives",
            ),
            Cause::QueryInPath => f.write_str(
                "the query string was signed as part of the path (`?` became `%3F`): pass it as the URI's query, not inside the path",
            ),
            Cause::QueryEncoding => f.write_str(
                "the query values are encoded differently (`+` vs `%20` vs `%2B`, or a value encoded twice): send the query in the canonical encoding the signer produced",
            ),
            Cause::QueryChanged => f.write_str(
                "the server saw other query parameters than were signed: sign the exact query string sent",
            ),
            Cause::MethodChanged => f.write_str(
                "the server saw another HTTP method than was signed (a redirect or proxy changed it)",
            ),
            Cause::PayloadHash => f.write_str(
                "the body hash differs: the body changed on the way (base64 by CloudFront/Lambda@Edge, re-serialised JSON, a DELETE body dropped) or was hashed from other bytes; hash the exact bytes sent",
            ),
            Cause::SignedHeadersDiffer => f.write_str(
                "the server's SignedHeaders list differs from ours: the Authorization header was altered in transit",
            ),
            Cause::SecretKey => f.write_str(
                "the secret access key does not belong to the access key id (or the two come from different credential generations: read key id, secret and token together)",
            ),
            Cause::ScopeOrDate => f.write_str(
                "the date or the credential scope in the string to sign differs from the server's: check the region, the service name and the clock",
            ),
            Cause::ClockSkew { offset } => write!(
                f,
                "this machine's clock is off by {} s from the server's: fix the clock, or sign with Signer::with_clock_offset(time::Duration::seconds({}))",
                offset.whole_seconds(),
                offset.whole_seconds()
            ),
            Cause::WrongRegion { given, expected } => {
                f.write_str("the credential scope names the wrong region")?;
                if let Some(g) = given {
                    write!(f, " (`{g}`")?;
                    if let Some(e) = expected {
                        write!(f, ", expected `{e}`")?;
                    }
                    f.write_str(")")?;
                }
                f.write_str(": sign for the region of the endpoint (the region is not taken from the host)")
            }
            Cause::WrongService { expected } => {
                f.write_str("the credential scope names the wrong service")?;
                if let Some(e) = expected {
                    write!(f, ": sign with service `{e}`")?;
                }
                f.write_str(" (API Gateway is `execute-api`, Lambda function URLs are `lambda`)")
            }
            Cause::SessionToken { sent: true } => f.write_str(
                "the session token was rejected: it expired or belongs to other credentials; refresh the temporary credentials and sign with all three values from one set",
            ),
            Cause::SessionToken { sent: false } => f.write_str(
                "the access key id is unknown, or it is a temporary key (ASIA...) sent without its session token: add the token (Credentials::with_session_token)",
            ),
            Cause::ExpiredToken => f.write_str(
                "the temporary credentials have expired: refresh them (a presigned URL dies with its session token)",
            ),
            Cause::MissingAuthentication => f.write_str(
                "the server found no signature: the request was not signed, or the resource, stage or method does not exist (API Gateway answers the same for a wrong path)",
            ),
            Cause::IncompleteSignature => f.write_str(
                "the Authorization header is not a complete SigV4 header (another scheme such as Bearer, or missing parameters, or no X-Amz-Date)",
            ),
            Cause::HeadersNotSigned => f.write_str(
                "an x-amz-* header was sent without being signed: sign every x-amz-* header (add it before signing)",
            ),
            Cause::PresignExpired => f.write_str(
                "the presigned URL has expired: presign again (with role credentials, it also dies when the session token expires)",
            ),
            Cause::UnsignedPayloadRejected => f.write_str(
                "this service does not accept UNSIGNED-PAYLOAD (Lambda function URLs): sign the SHA-256 of the exact body in x-amz-content-sha256",
            ),
            Cause::AccessDenied => f.write_str(
                "the signature was accepted but a policy denied the call: check the IAM policy, the resource policy or the function URL's auth type",
            ),
        }
    }
}

/// What backs the causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Evidence {
    /// The server's canonical request was compared with ours.
    CanonicalRequest,
    /// The server's message names the problem.
    Message,
    /// Neither: a checklist ordered by likelihood for this request.
    Checklist,
}

/// The report on one rejected request. `Display` writes it for a person.
#[derive(Debug, Clone)]
pub struct Diagnosis {
    status: http::StatusCode,
    error_type: Option<String>,
    body: ErrorBody,
    differences: Vec<Difference>,
    causes: Vec<Cause>,
    evidence: Evidence,
    clock_offset: Option<ClockOffset>,
}

impl Diagnosis {
    /// The HTTP status.
    pub fn status(&self) -> http::StatusCode {
        self.status
    }

    /// AWS's error code (`x-amzn-ErrorType`, or the body's code), the counterpart of
    /// [`VerifyError::aws_code`](crate::VerifyError::aws_code) on the answering side.
    pub fn aws_code(&self) -> Option<&str> {
        self.error_type.as_deref()
    }

    /// The parsed error body.
    pub fn body(&self) -> &ErrorBody {
        &self.body
    }

    /// The server's canonical request, when it sent one.
    pub fn server_canonical_request(&self) -> Option<&str> {
        self.body.canonical_request.as_deref()
    }

    /// The server's string to sign, when it sent one.
    pub fn server_string_to_sign(&self) -> Option<&str> {
        self.body.string_to_sign.as_deref()
    }

    /// Where our canonical request and string to sign differ from the server's.
    pub fn differences(&self) -> &[Difference] {
        &self.differences
    }

    /// The likely causes, most likely first.
    pub fn causes(&self) -> &[Cause] {
        &self.causes
    }

    /// What the causes rest on.
    pub fn evidence(&self) -> Evidence {
        self.evidence
    }

    /// The server's clock offset, when the answer reveals it.
    pub fn clock_offset(&self) -> Option<ClockOffset> {
        self.clock_offset
    }
}

/// Explains a rejected request: `status`, `headers` and `body` as the server answered,
/// `local` as [`Signer::explain_at`](crate::Signer::explain_at) describes the request sent.
///
/// ```
/// let signer = awssig::Signer::new(
///     awssig::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
///     "us-east-1",
///     "execute-api",
/// );
/// let req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod").body(())?;
/// let local = signer.explain_at(&req, awssig::Payload::Bytes(b""), time::OffsetDateTime::UNIX_EPOCH)?;
/// let body = br#"{"message":"Credential should be scoped to correct service: 'execute-api'. "}"#;
/// let d = awssig::diagnose::diagnose(http::StatusCode::FORBIDDEN, &http::HeaderMap::new(), body, &local);
/// assert!(matches!(d.causes()[0], awssig::diagnose::Cause::WrongService { .. }));
/// println!("{d}");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn diagnose(
    status: http::StatusCode,
    headers: &http::HeaderMap,
    body: &[u8],
    local: &Explanation,
) -> Diagnosis {
    let parsed = ErrorBody::parse(body);
    let error_type = headers
        .get("x-amzn-errortype")
        .and_then(|v| v.to_str().ok())
        .map(crate::diagnose::error_body::strip_code)
        .or_else(|| parsed.code.clone());
    let sent_at = local
        .amz_date()
        .to_offset_date_time()
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let clock_offset = clock::clock_offset(headers, body, sent_at);
    let mut d = Diagnosis {
        status,
        error_type,
        body: parsed,
        differences: Vec::new(),
        causes: Vec::new(),
        evidence: Evidence::Message,
        clock_offset,
    };
    let message = d.body.message.clone().unwrap_or_default();
    let kind = d.error_type.clone().unwrap_or_default();
    let has = |s: &str| message.contains(s);
    let local_parts = CanonicalParts::parse(local.canonical_request());
    let sent_token = local_parts.header("x-amz-security-token").is_some()
        || local.canonical_request().contains("X-Amz-Security-Token=");

    // Messages that name the problem outright.
    let clock_cause = clock_offset
        .filter(|c| {
            c.source != clock::ClockSource::DateHeader || c.offset.whole_seconds().abs() >= 300
        })
        .map(|c| Cause::ClockSkew { offset: c.offset });
    if has("Signature expired")
        || has("Signature not yet current")
        || kind == "RequestTimeTooSkewed"
        || has("Request is not yet valid")
    {
        d.causes.extend(clock_cause.clone());
    } else if let Some(region) = quoted_after(
        &message,
        "Credential should be scoped to a valid region, not '",
    ) {
        d.causes.push(Cause::WrongRegion {
            given: Some(region),
            expected: None,
        });
    } else if let Some(service) = quoted_after(
        &message,
        "Credential should be scoped to correct service: '",
    ) {
        d.causes.push(Cause::WrongService {
            expected: Some(service),
        });
    } else if kind == "AuthorizationHeaderMalformed" && has("the region '") {
        d.causes.push(Cause::WrongRegion {
            given: quoted_after(&message, "the region '"),
            expected: d
                .body
                .region
                .clone()
                .or_else(|| quoted_after(&message, "expecting '")),
        });
    } else if kind == "ExpiredToken"
        || kind == "ExpiredTokenException"
        || has("The provided token has expired")
    {
        d.causes.push(Cause::ExpiredToken);
    } else if has("The security token included in the request is invalid")
        || kind == "InvalidClientTokenId"
        || kind == "UnrecognizedClientException"
    {
        d.causes.push(Cause::SessionToken { sent: sent_token });
    } else if has("Missing Authentication Token") || kind == "MissingAuthenticationTokenException" {
        d.causes.push(Cause::MissingAuthentication);
    } else if kind == "IncompleteSignatureException"
        || kind == "IncompleteSignature"
        || has("Authorization header requires")
    {
        d.causes.push(Cause::IncompleteSignature);
    } else if has("headers present in the request which were not signed") {
        d.causes.push(Cause::HeadersNotSigned);
    } else if has("Request has expired") {
        d.causes.push(Cause::PresignExpired);
    } else if kind == "AccessDeniedException" && !has("signature") {
        d.causes.push(Cause::AccessDenied);
    }
    if !d.causes.is_empty() {
        return d;
    }

    // A signature mismatch: compare with the server's canonical request when it sent one.
    if let Some(server_creq) = d.body.canonical_request.clone() {
        d.evidence = Evidence::CanonicalRequest;
        let server_parts = CanonicalParts::parse(&server_creq);
        d.differences = local_parts.diff(&server_parts);
        if let Some(sts) = d.body.string_to_sign.as_deref() {
            for (i, (l, s)) in lines_zip(local.string_to_sign(), sts).enumerate() {
                // Line 4 is the hash of the canonical request: it differs whenever that does.
                if l != s && (i != 3 || d.differences.is_empty()) {
                    d.differences.push(Difference {
                        part: Part::StringToSign(i),
                        local: l.map(str::to_string),
                        server: s.map(str::to_string),
                    });
                }
            }
        }
        d.causes = causes_from_differences(&d.differences, &local_parts, &server_parts);
        if d.causes.is_empty() {
            d.causes.push(Cause::SecretKey);
        }
        return d;
    }

    // No canonical block: a checklist for this request, most likely first.
    d.evidence = Evidence::Checklist;
    d.causes = checklist(&local_parts, local);
    d.causes.extend(clock_cause);
    d
}

/// The `'...'` value after `marker`.
fn quoted_after(message: &str, marker: &str) -> Option<String> {
    let start = message.find(marker)? + marker.len();
    let len = message[start..].find('\'')?;
    Some(message[start..start + len].to_string())
}

fn lines_zip<'a>(
    a: &'a str,
    b: &'a str,
) -> impl Iterator<Item = (Option<&'a str>, Option<&'a str>)> {
    let (va, vb): (Vec<&str>, Vec<&str>) = (a.split('\n').collect(), b.split('\n').collect());
    let n = va.len().max(vb.len());
    (0..n).map(move |i| (va.get(i).copied(), vb.get(i).copied()))
}

/// A canonical request split into its parts.
#[derive(Debug, Default)]
struct CanonicalParts {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    signed: String,
    payload: String,
}

impl CanonicalParts {
    fn parse(creq: &str) -> Self {
        let lines: Vec<&str> = creq.split('\n').collect();
        let get = |i: usize| lines.get(i).copied().unwrap_or("").to_string();
        let mut p = CanonicalParts {
            method: get(0),
            path: get(1),
            query: get(2),
            ..Self::default()
        };
        let mut i = 3;
        while let Some(line) = lines.get(i).filter(|l| !l.is_empty()) {
            let (n, v) = line.split_once(':').unwrap_or((line, ""));
            p.headers.push((n.to_ascii_lowercase(), v.to_string()));
            i += 1;
        }
        p.signed = get(i + 1);
        p.payload = lines
            .get(i + 2..)
            .map(|rest| rest.join("\n"))
            .unwrap_or_default();
        p
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    fn diff(&self, server: &Self) -> Vec<Difference> {
        fn put(out: &mut Vec<Difference>, part: Part, l: Option<&str>, s: Option<&str>) {
            if l != s {
                out.push(Difference {
                    part,
                    local: l.map(str::to_string),
                    server: s.map(str::to_string),
                });
            }
        }
        let mut out = Vec::new();
        put(
            &mut out,
            Part::Method,
            Some(&self.method),
            Some(&server.method),
        );
        put(&mut out, Part::Path, Some(&self.path), Some(&server.path));
        // A server that redacts the session token (awssig's gateway does by default) shows
        // `<redacted>` where the token was: compare ours redacted the same way there.
        let server_redacts = server
            .query
            .contains(&format!("X-Amz-Security-Token={REDACTED}"));
        let local_query = if server_redacts {
            crate::explain::redact_tokens(&self.query)
        } else {
            self.query.clone()
        };
        put(
            &mut out,
            Part::Query,
            Some(&local_query),
            Some(&server.query),
        );
        let mut names: Vec<&str> = self
            .headers
            .iter()
            .chain(&server.headers)
            .map(|(n, _)| n.as_str())
            .collect();
        names.sort_unstable();
        names.dedup();
        for name in names {
            let server_value = server.header(name);
            if name == "x-amz-security-token" && server_value == Some(REDACTED) {
                continue; // the server does not show it: nothing to compare
            }
            put(
                &mut out,
                Part::Header(name.to_string()),
                self.header(name),
                server_value,
            );
        }
        put(
            &mut out,
            Part::SignedHeaders,
            Some(&self.signed),
            Some(&server.signed),
        );
        put(
            &mut out,
            Part::PayloadHash,
            Some(&self.payload),
            Some(&server.payload),
        );
        out
    }
}

/// `bytes` percent-encoded as SigV4 does, `/` kept.
fn encode_path(path: &str) -> String {
    let mut v: Vec<u8> = Vec::new();
    crate::sign::encode::encode_into(&mut v, path.as_bytes(), true);
    String::from_utf8_lossy(&v).into_owned()
}

/// The query's parameters, percent-decoded (`+` as itself), sorted.
fn decoded_params(q: &str) -> Vec<String> {
    let mut v: Vec<String> = q
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut once = percent_encoding::percent_decode_str(p)
                .decode_utf8_lossy()
                .into_owned();
            // Undo a second encoding too: `%2520` and `%20` name the same value.
            for _ in 0..2 {
                if once.contains('%') {
                    once = percent_encoding::percent_decode_str(&once)
                        .decode_utf8_lossy()
                        .into_owned();
                }
            }
            once.replace('+', " ")
        })
        .collect();
    v.sort();
    v
}

fn causes_from_differences(
    diffs: &[Difference],
    local: &CanonicalParts,
    server: &CanonicalParts,
) -> Vec<Cause> {
    let mut causes = Vec::new();
    let mut push = |c: Cause| {
        if !causes.contains(&c) {
            causes.push(c);
        }
    };
    for d in diffs {
        let (l, s) = (d.local.as_deref(), d.server.as_deref());
        match &d.part {
            Part::Method => push(Cause::MethodChanged),
            Part::Path => {
                let (l, s) = (l.unwrap_or(""), s.unwrap_or(""));
                if l.contains("%3F") && !server.query.is_empty() && local.query.is_empty() {
                    push(Cause::QueryInPath);
                } else if encode_path(l) == s {
                    push(Cause::PathNeedsDoubleEncoding);
                } else if encode_path(s) == l {
                    push(Cause::PathNeedsSingleEncoding);
                } else {
                    push(Cause::PathChanged);
                }
            }
            Part::Query => {
                let (lq, sq) = (l.unwrap_or(""), s.unwrap_or(""));
                if local.path.contains("%3F") && lq.is_empty() {
                    push(Cause::QueryInPath);
                } else if decoded_params(lq) == decoded_params(sq) {
                    push(Cause::QueryEncoding);
                } else {
                    push(Cause::QueryChanged);
                }
            }
            Part::Header(name) if name == "host" => push(Cause::HostMismatch {
                local: l.map(str::to_string),
                server: s.map(str::to_string),
            }),
            Part::Header(name) if is_proxy_header(name) => {
                push(Cause::ProxyRewrittenHeader { name: name.clone() })
            }
            Part::Header(name) => match (l, s) {
                (Some(lv), None | Some("")) if !lv.is_empty() => {
                    push(Cause::HeaderDropped { name: name.clone() })
                }
                _ => push(Cause::HeaderChanged { name: name.clone() }),
            },
            Part::SignedHeaders => push(Cause::SignedHeadersDiffer),
            Part::PayloadHash => {
                if l == Some("UNSIGNED-PAYLOAD") || s == Some("UNSIGNED-PAYLOAD") {
                    push(Cause::UnsignedPayloadRejected);
                } else {
                    push(Cause::PayloadHash);
                }
            }
            Part::StringToSign(1 | 2) => push(Cause::ScopeOrDate),
            Part::StringToSign(_) => {}
        }
    }
    causes
}

/// What to check when the server says only "does not match", most likely first for this
/// request.
fn checklist(local: &CanonicalParts, explanation: &Explanation) -> Vec<Cause> {
    let mut out = Vec::new();
    let bodyless = local.payload.as_bytes() == crate::spec::EMPTY_SHA256
        || matches!(local.method.as_str(), "GET" | "HEAD" | "DELETE" | "OPTIONS");
    for (name, _) in &local.headers {
        if bodyless && (name == "content-type" || name == "content-length") {
            out.push(Cause::HeaderDropped { name: name.clone() });
        }
    }
    for (name, _) in &local.headers {
        if is_proxy_header(name) {
            out.push(Cause::ProxyRewrittenHeader { name: name.clone() });
        }
    }
    let scope_service = explanation
        .string_to_sign()
        .split('\n')
        .nth(2)
        .and_then(|s| s.split('/').nth(2))
        .unwrap_or("");
    // Only S3 accepts UNSIGNED-PAYLOAD in header auth: anywhere else (Lambda function URLs
    // refuse it outright) it is the first suspect. Read from our own request's parts, not from
    // the words of the answer.
    if local.payload == "UNSIGNED-PAYLOAD" && scope_service != "s3" {
        out.push(Cause::UnsignedPayloadRejected);
    }
    if local.path.contains("%3F") {
        out.push(Cause::QueryInPath);
    }
    let host = local.header("host").unwrap_or("");
    let aws_host = host.ends_with(".amazonaws.com")
        || host.ends_with(".on.aws")
        || host.ends_with(".amazonaws.com.cn");
    if !aws_host {
        out.push(Cause::HostMismatch {
            local: None,
            server: None,
        });
    }
    if local.payload.as_bytes() != crate::spec::EMPTY_SHA256 && local.payload != "UNSIGNED-PAYLOAD"
    {
        out.push(Cause::PayloadHash);
    }
    if local.query.contains("%2B") || local.query.contains("%25") || local.query.contains("%20") {
        out.push(Cause::QueryEncoding);
    }
    if local.path.contains('%') {
        out.push(if scope_service == "s3" {
            Cause::PathNeedsSingleEncoding
        } else {
            Cause::PathNeedsDoubleEncoding
        });
    }
    if aws_host {
        out.push(Cause::HostMismatch {
            local: None,
            server: None,
        });
    }
    out.push(Cause::ScopeOrDate);
    out.push(Cause::SecretKey);
    out
}

impl fmt::Display for Diagnosis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}",
            self.status.as_u16(),
            self.status.canonical_reason().unwrap_or("")
        )?;
        if let Some(t) = &self.error_type {
            write!(f, " ({t})")?;
        }
        if let Some(s) = self.body.sentence() {
            write!(f, ": {s}")?;
        }
        f.write_str("\n")?;
        if !self.differences.is_empty() {
            f.write_str("\nThe server's canonical request differs from ours:\n")?;
            for d in &self.differences {
                writeln!(f, "  {}:", d.part)?;
                // A session token is a secret: say that it differs, never what it is.
                let token = matches!(&d.part, Part::Header(n) if n.eq_ignore_ascii_case("x-amz-security-token"));
                let show = |v: Option<&str>| match v {
                    None => "(absent)".to_string(),
                    Some(_) if token => "<redacted>".to_string(),
                    Some(v) => format!("{:?}", crate::explain::redact_tokens(v)),
                };
                writeln!(f, "    - ours:   {}", show(d.local.as_deref()))?;
                writeln!(f, "    + server: {}", show(d.server.as_deref()))?;
            }
        } else if self.evidence == Evidence::CanonicalRequest {
            f.write_str(
                "\nThe server's canonical request and string to sign are the same as ours.\n",
            )?;
        }
        match self.evidence {
            Evidence::Checklist => f.write_str(
                "\nThe answer does not say what the server computed. Check, most likely first:\n",
            )?,
            Evidence::CanonicalRequest | Evidence::Message => {
                f.write_str("\nLikely cause:\n")?;
            }
        }
        for (i, c) in self.causes.iter().enumerate() {
            writeln!(f, "  {}. {c}", i + 1)?;
        }
        if let Some(o) = self.clock_offset
            && !self
                .causes
                .iter()
                .any(|c| matches!(c, Cause::ClockSkew { .. }))
            && o.offset.whole_seconds() != 0
        {
            writeln!(
                f,
                "\nThe server's clock is {} s from ours ({:?}).",
                o.offset.whole_seconds(),
                o.source
            )?;
        }
        Ok(())
    }
}
