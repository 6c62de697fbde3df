//! The project's own vectors (`testdata/vectors.json`): requests the AWS suites do not cover
//! (S3 single encoding, presigning with tokens, unsigned and precomputed payloads, API Gateway,
//! Lambda URLs, custom hosts, query edge cases, Unicode), with expected values produced by
//! botocore and `@smithy/signature-v4` through `testdata/generate/generate.sh`.

use crate::common;

use std::collections::BTreeMap;
use std::time::Duration;

use awssig::{
    Credentials, PathNormalization, Payload, Settings, SignableRequest, Signer, UriEncoding,
};
use base64::Engine;
use serde::Deserialize;

#[derive(Deserialize)]
struct File {
    oracles: serde_json::Value,
    vectors: Vec<Vector>,
}

#[derive(Deserialize)]
struct Vector {
    name: String,
    request: Request,
    signing: Signing,
    expected: Expected,
    oracles: Oracles,
    expected_wire: Wire,
    agreement: String,
    note: String,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body_base64: String,
}

#[derive(Deserialize)]
struct Signing {
    access_key_id: String,
    secret_access_key: String,
    session_token: Option<String>,
    region: String,
    service: String,
    timestamp: String,
    mode: String,
    uri_encoding: String,
    path_normalization: String,
    payload: PayloadSpec,
    payload_hash_header: bool,
    sign_session_token: bool,
    excluded_headers: Vec<String>,
    expires_seconds: Option<u64>,
}

#[derive(Deserialize)]
struct PayloadSpec {
    kind: String,
    sha256: Option<String>,
}

#[derive(Deserialize, PartialEq, Debug)]
struct Expected {
    canonical_request: String,
    string_to_sign: String,
    signature: String,
}

/// What botocore sent besides the signature: the headers it set (header mode, lowercase names)
/// or the `X-Amz-*` parameters of the URL, raw (query mode).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire {
    #[serde(default)]
    headers: Option<BTreeMap<String, String>>,
    #[serde(default)]
    query: Option<BTreeMap<String, String>>,
}

/// The headers a signer adds in header mode, and the parameters of a presigned URL.
const WIRE_HEADERS: [&str; 4] = [
    "x-amz-date",
    "x-amz-security-token",
    "x-amz-content-sha256",
    "authorization",
];
const WIRE_PARAMS: [&str; 7] = [
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
];

/// SigV4's unreserved set: everything else is percent-encoded in a query value.
const UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

#[derive(Deserialize)]
struct Oracles {
    botocore: Expected,
    smithy: Option<Expected>,
}

fn load() -> File {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/vectors.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn signer(s: &Signing) -> Signer {
    let mut creds = Credentials::new(&s.access_key_id, &s.secret_access_key);
    if let Some(t) = &s.session_token {
        creds = creds.with_session_token(t);
    }
    let mut settings = Settings::default()
        .with_uri_encoding(match s.uri_encoding.as_str() {
            "double" => UriEncoding::Double,
            "single" => UriEncoding::Single,
            other => panic!("unknown uri_encoding {other}"),
        })
        .with_path_normalization(match s.path_normalization.as_str() {
            "enabled" => PathNormalization::Enabled,
            "disabled" => PathNormalization::Disabled,
            other => panic!("unknown path_normalization {other}"),
        })
        .with_payload_hash_header(if s.payload_hash_header {
            awssig::PayloadHashHeader::Always
        } else {
            awssig::PayloadHashHeader::WhenUnsigned
        })
        .with_session_token_signing(if s.sign_session_token {
            awssig::SessionTokenSigning::Signed
        } else {
            awssig::SessionTokenSigning::AppendedAfterSigning
        });
    for h in &s.excluded_headers {
        settings = settings.with_excluded_header(h);
    }
    Signer::new(creds, &s.region, &s.service).with_settings(settings)
}

fn payload<'a>(spec: &PayloadSpec, body: &'a [u8]) -> Payload<'a> {
    match spec.kind.as_str() {
        "bytes" => Payload::Bytes(body),
        "unsigned" => Payload::Unsigned,
        "precomputed" => {
            let mut h = [0u8; 32];
            hex::decode_to_slice(spec.sha256.as_deref().unwrap(), &mut h).unwrap();
            Payload::Precomputed(h)
        }
        other => panic!("unknown payload kind {other}"),
    }
}

/// Checks one vector through the lower-level entry and, where `http` can carry the request,
/// through the `http::Request` layer. Returns how far down it was checked, or what differed.
fn check(v: &Vector) -> Result<Layer, String> {
    let s = &v.signing;
    let signer = signer(s);
    let body = base64::engine::general_purpose::STANDARD
        .decode(&v.request.body_base64)
        .unwrap();
    let time = common::parse_timestamp(&s.timestamp);
    let mut req = SignableRequest::new(&v.request.method, &v.request.url);
    for (n, val) in &v.request.headers {
        req.push_header(n, val.as_bytes());
    }
    let payload = payload(&s.payload, &body);
    let got = match s.mode.as_str() {
        "header" => signer.explain_request_at(&req, payload, time),
        "query" => signer.explain_presign_request_at(
            &req,
            payload,
            Duration::from_secs(s.expires_seconds.unwrap()),
            time,
        ),
        other => panic!("unknown mode {other}"),
    }
    .map_err(|e| format!("signing failed: {e}"))?;
    let got = Expected {
        canonical_request: got.canonical_request().to_string(),
        string_to_sign: got.string_to_sign().to_string(),
        signature: got.signature().to_string(),
    };
    if got != v.expected {
        return Err(format!(
            "explanation differs\n--- expected\n{:#?}\n--- got\n{got:#?}",
            v.expected
        ));
    }

    // The signing entry points give the same signature as the explanation, and send what
    // botocore sends.
    match s.mode.as_str() {
        "header" => {
            let out = signer
                .sign_request_at(&req, payload, time)
                .map_err(|e| e.to_string())?;
            if out.signature().to_string() != v.expected.signature {
                return Err("sign_request_at differs from explain_request_at".into());
            }
            // The request as sent: its headers, with the signer's replacing any of that name.
            let mut sent: BTreeMap<String, String> = v
                .request
                .headers
                .iter()
                .map(|(n, val)| (n.to_ascii_lowercase(), val.clone()))
                .collect();
            for (n, val) in out.headers() {
                sent.insert(n.to_string(), val.to_string());
            }
            check_headers(v, "sign_request_at", |n| sent.get(n).cloned())?;
            match to_http(&v.request, &body) {
                Some(mut http_req) => {
                    signer
                        .sign_payload_at(&mut http_req, payload, time)
                        .map_err(|e| e.to_string())?;
                    check_headers(v, "the http::Request layer", |n| {
                        http_req
                            .headers()
                            .get(n)
                            .map(|h| h.to_str().unwrap().to_string())
                    })?;
                    return Ok(Layer::Http);
                }
                None => return Ok(Layer::SkippedHttp),
            }
        }
        _ => {
            let expires = Duration::from_secs(s.expires_seconds.unwrap());
            let target = signer
                .presign_request_at(&req, payload, expires, time)
                .map_err(|e| e.to_string())?;
            let query = target.split_once('?').map_or("", |(_, q)| q);
            let mut params: BTreeMap<&str, &str> = BTreeMap::new();
            for piece in query.split('&') {
                let (k, val) = piece.split_once('=').unwrap_or((piece, ""));
                if WIRE_PARAMS.contains(&k) && params.insert(k, val).is_some() {
                    return Err(format!("presigned target {target} repeats {k}"));
                }
            }
            let mut want = v.expected_wire.query.clone().ok_or("no expected query")?;
            if let (Some(t), false) = (&s.session_token, s.sign_session_token) {
                // Appended after signing: not botocore's to add (it signs without the token).
                want.insert(
                    "X-Amz-Security-Token".into(),
                    percent_encoding::utf8_percent_encode(t, UNRESERVED).to_string(),
                );
            }
            let got: BTreeMap<String, String> = params
                .into_iter()
                .map(|(k, val)| (k.to_string(), val.to_string()))
                .collect();
            if got != want {
                return Err(format!(
                    "presigned parameters differ\n--- expected\n{want:#?}\n--- got\n{got:#?}"
                ));
            }
        }
    }
    Ok(Layer::Lower)
}

/// How far down a vector was checked.
#[derive(PartialEq)]
enum Layer {
    /// A presigned vector: the lower-level entry only.
    Lower,
    /// A header vector, also through the `http::Request` layer.
    Http,
    /// A header vector `http` cannot carry (its URL or a header value).
    SkippedHttp,
}

/// Compares the headers the signer sets, as `get` reads them off the signed request, with
/// botocore's.
fn check_headers(
    v: &Vector,
    entry: &str,
    get: impl Fn(&str) -> Option<String>,
) -> Result<(), String> {
    let s = &v.signing;
    let mut want = v
        .expected_wire
        .headers
        .clone()
        .ok_or("no expected headers")?;
    if let (Some(t), false) = (&s.session_token, s.sign_session_token) {
        // Appended after signing: not botocore's to add (it signs without the token).
        want.insert("x-amz-security-token".into(), t.clone());
    }
    for name in WIRE_HEADERS {
        let got = get(name);
        if got.as_ref() != want.get(name) {
            return Err(format!(
                "{entry}: header {name} is {got:?}, botocore sends {:?}",
                want.get(name)
            ));
        }
    }
    Ok(())
}

fn to_http(r: &Request, body: &[u8]) -> Option<http::Request<Vec<u8>>> {
    let mut b = http::Request::builder()
        .method(r.method.as_str())
        .uri(r.url.parse::<http::Uri>().ok()?);
    for (n, v) in &r.headers {
        b = b.header(n.as_str(), http::HeaderValue::from_str(v).ok()?);
    }
    b.body(body.to_vec()).ok()
}

#[test]
fn every_project_vector_matches_botocore_and_smithy() {
    let file = load();
    assert!(
        file.vectors.len() >= 300,
        "only {} vectors",
        file.vectors.len()
    );
    assert!(file.oracles["botocore"].is_string());
    let mut failures = Vec::new();
    let (mut header, mut http, mut skipped) = (0, 0, Vec::new());
    for v in &file.vectors {
        match check(v) {
            Ok(layer) => {
                header += usize::from(layer != Layer::Lower);
                http += usize::from(layer == Layer::Http);
                if layer == Layer::SkippedHttp {
                    skipped.push(v.name.as_str());
                }
            }
            Err(e) => failures.push(format!("{}: {e}", v.name)),
        }
    }
    println!(
        "http::Request layer: {http} of {header} header-mode vectors; skipped: {} (http cannot carry them)",
        if skipped.is_empty() {
            "none".to_string()
        } else {
            skipped.join(", ")
        }
    );
    assert!(
        failures.is_empty(),
        "{} of {} vectors fail:\n{}",
        failures.len(),
        file.vectors.len(),
        failures.join("\n\n")
    );
    // A vector that silently stops reaching the http::Request layer fails here.
    assert_eq!(
        skipped, EXPECTED_HTTP_SKIPS,
        "the header-mode vectors http::Request cannot carry changed"
    );
}

/// Header-mode vectors whose URL or header values `http` refuses, so only the lower-level
/// entry checks them.
const EXPECTED_HTTP_SKIPS: &[&str] = &[];

/// The expected values are the oracles' own: botocore's always, and smithy's wherever both ran
/// and agreed; a disagreement must say which one AWS follows.
#[test]
fn expected_values_come_from_the_oracles() {
    for v in load().vectors {
        match v.agreement.as_str() {
            "both" => {
                assert_eq!(v.expected, v.oracles.botocore, "{}", v.name);
                assert_eq!(Some(&v.expected), v.oracles.smithy.as_ref(), "{}", v.name);
            }
            "botocore-only" => {
                assert_eq!(v.expected, v.oracles.botocore, "{}", v.name);
                assert!(
                    v.oracles.smithy.is_none() && !v.note.is_empty(),
                    "{}",
                    v.name
                );
            }
            "disagree" => assert!(
                !v.note.is_empty(),
                "{}: a disagreement needs a reason",
                v.name
            ),
            other => panic!("{}: unknown agreement {other}", v.name),
        }
    }
}
