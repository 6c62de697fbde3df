//! The project's own vectors (`testdata/vectors.json`): requests the AWS suites do not cover
//! (S3 single encoding, presigning with tokens, unsigned and precomputed payloads, API Gateway,
//! Lambda URLs, custom hosts, query edge cases, Unicode), with expected values produced by
//! botocore and `@smithy/signature-v4` through `testdata/generate/generate.sh`.
#![allow(clippy::unwrap_used)] // tests fail loudly by design

mod common;

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
        .uri_encoding(match s.uri_encoding.as_str() {
            "double" => UriEncoding::Double,
            "single" => UriEncoding::Single,
            other => panic!("unknown uri_encoding {other}"),
        })
        .path_normalization(match s.path_normalization.as_str() {
            "enabled" => PathNormalization::Enabled,
            "disabled" => PathNormalization::Disabled,
            other => panic!("unknown path_normalization {other}"),
        })
        .payload_hash_header(s.payload_hash_header)
        .sign_session_token(s.sign_session_token);
    for h in &s.excluded_headers {
        settings = settings.exclude_header(h);
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
/// through the `http::Request` layer. Returns what differed.
fn check(v: &Vector) -> Result<(), String> {
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

    // The signing entry points give the same signature as the explanation.
    match s.mode.as_str() {
        "header" => {
            let out = signer
                .sign_request_at(&req, payload, time)
                .map_err(|e| e.to_string())?;
            if out.signature().to_string() != v.expected.signature {
                return Err("sign_request_at differs from explain_request_at".into());
            }
            if let Some(mut http_req) = to_http(&v.request, &body) {
                signer
                    .sign_payload_at(&mut http_req, payload, time)
                    .map_err(|e| e.to_string())?;
                let auth = http_req.headers()["authorization"].to_str().unwrap();
                if !auth.ends_with(&format!("Signature={}", v.expected.signature)) {
                    return Err(format!("http::Request layer gave {auth}"));
                }
            }
        }
        _ => {
            let expires = Duration::from_secs(s.expires_seconds.unwrap());
            let target = signer
                .presign_request_at(&req, payload, expires, time)
                .map_err(|e| e.to_string())?;
            if !target.contains(&format!("X-Amz-Signature={}", v.expected.signature)) {
                return Err(format!("presigned target {target} lacks the signature"));
            }
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
    for v in &file.vectors {
        if let Err(e) = check(v) {
            failures.push(format!("{}: {e}", v.name));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} vectors fail:\n{}",
        failures.len(),
        file.vectors.len(),
        failures.join("\n\n")
    );
}

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
