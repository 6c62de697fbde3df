//! Each cause in the catalogue, produced for real: a request is signed, changed the way a
//! proxy, client or mis-configuration would change it, sent to the local gateway, and the
//! gateway's 403 is diagnosed against the local `Explanation`. The report must name that cause
//! first.

use crate::common;

use std::time::{Duration, SystemTime};

use awssig::gateway::{Gateway, GatewayConfig, GatewayHandle};
use awssig::{
    Credentials, Payload, Settings, SignableRequest, Signer, UriEncoding, Verifier,
    diagnose::{Cause, Evidence, diagnose},
};
use common::client::{Response, send, send_raw};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET)
}

fn gateway_with(verifier: Verifier) -> GatewayHandle {
    Gateway::spawn(GatewayConfig::new(verifier)).unwrap()
}

fn gateway() -> GatewayHandle {
    gateway_with(
        Verifier::new(creds(), "us-east-1", "execute-api").with_max_skew(Duration::from_secs(300)),
    )
}

fn signer() -> Signer {
    Signer::new(creds(), "us-east-1", "execute-api")
}

/// Signs `req` at `now` with `signer` and returns the local explanation of what was signed.
fn sign(signer: &Signer, req: &mut http::Request<Vec<u8>>, now: SystemTime) -> awssig::Explanation {
    let body = req.body().clone();
    let local = signer.explain_at(req, Payload::Bytes(&body), now).unwrap();
    signer.sign_at(req, now).unwrap();
    local
}

fn first_cause(
    res: &Response,
    local: &awssig::Explanation,
) -> (Cause, awssig::diagnose::Diagnosis) {
    assert_eq!(res.status, 403, "{}", res.text());
    let d = diagnose(http::StatusCode::FORBIDDEN, &res.headers, &res.body, local);
    (
        d.causes()
            .first()
            .cloned()
            .unwrap_or_else(|| panic!("no cause: {d}")),
        d,
    )
}

#[test]
fn content_type_dropped_from_a_get() {
    let gw = gateway();
    let mut req = http::Request::get(format!("{}/prod/items", gw.url()))
        .header("content-type", "application/json")
        .body(Vec::new())
        .unwrap();
    let local = sign(&signer(), &mut req, SystemTime::now());
    req.headers_mut().remove("content-type");
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(d.evidence(), Evidence::CanonicalRequest);
    assert_eq!(
        cause,
        Cause::HeaderDropped {
            name: "content-type".into()
        },
        "{d}"
    );
}

#[test]
fn x_forwarded_for_rewritten_by_a_proxy() {
    let gw = gateway();
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .header("x-forwarded-for", "203.0.113.7")
        .body(Vec::new())
        .unwrap();
    // Signed as botocore and aws-sigv4 sign it (awssig leaves it out by default).
    let signs_it =
        signer().with_settings(Settings::default().with_signed_header("x-forwarded-for"));
    let local = sign(&signs_it, &mut req, SystemTime::now());
    req.headers_mut()
        .insert("x-forwarded-for", "203.0.113.7, 10.0.0.1".parse().unwrap());
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(
        cause,
        Cause::ProxyRewrittenHeader {
            name: "x-forwarded-for".into()
        },
        "{d}"
    );
}

#[test]
fn via_added_by_a_proxy_to_a_signed_via() {
    let gw = gateway();
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .header("via", "1.1 a")
        .body(Vec::new())
        .unwrap();
    // Signed as botocore and aws-sigv4 sign it (awssig leaves it out by default).
    let signs_it = signer().with_settings(Settings::default().with_signed_header("via"));
    let local = sign(&signs_it, &mut req, SystemTime::now());
    req.headers_mut()
        .insert("via", "1.1 a, 1.1 cloudfront".parse().unwrap());
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(
        cause,
        Cause::ProxyRewrittenHeader { name: "via".into() },
        "{d}"
    );
}

#[test]
fn host_of_a_custom_domain_signed_but_another_received() {
    let gw = gateway();
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .header("host", "api.example.com")
        .body(Vec::new())
        .unwrap();
    let local = sign(&signer(), &mut req, SystemTime::now());
    req.headers_mut()
        .insert("host", gw.addr().to_string().parse().unwrap());
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(
        cause,
        Cause::HostMismatch {
            local: Some("api.example.com".into()),
            server: Some(gw.addr().to_string())
        },
        "{d}"
    );
}

#[test]
fn path_encoded_once_for_a_service_that_encodes_twice() {
    let gw = gateway();
    let mut req = http::Request::get(format!("{}/prod/my%20file", gw.url()))
        .body(Vec::new())
        .unwrap();
    let single = signer().with_settings(Settings::default().with_uri_encoding(UriEncoding::Single));
    let local = sign(&single, &mut req, SystemTime::now());
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::PathNeedsDoubleEncoding, "{d}");
}

#[test]
fn path_encoded_twice_for_s3() {
    let gw = gateway_with(Verifier::new(creds(), "us-east-1", "s3").with_settings(Settings::s3()));
    let mut req = http::Request::get(format!("{}/bucket/my%20file", gw.url()))
        .body(Vec::new())
        .unwrap();
    // A generic signer (double encoding) used against S3.
    let generic = Signer::new(creds(), "us-east-1", "s3").with_settings(
        Settings::default().with_payload_hash_header(awssig::PayloadHashHeader::Always),
    );
    let local = sign(&generic, &mut req, SystemTime::now());
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::PathNeedsSingleEncoding, "{d}");
}

#[test]
fn plus_signed_as_a_literal_plus_but_read_as_a_space() {
    let gw = gateway();
    // The client signed `q=a%2Bb` but sent `q=a+b`, which the server reads as `a b`.
    let mut req = http::Request::get(format!("{}/prod?q=a%2Bb", gw.url()))
        .body(Vec::new())
        .unwrap();
    let local = sign(&signer(), &mut req, SystemTime::now());
    *req.uri_mut() = format!("{}/prod?q=a+b", gw.url()).parse().unwrap();
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::QueryEncoding, "{d}");
}

#[test]
fn pre_encoded_query_value_encoded_a_second_time() {
    let gw = gateway();
    // awscurl#216: the client signed `k=v%253Dw` (its pre-encoded `%3D` encoded again) and sent
    // `k=v%3Dw`.
    let mut req = http::Request::get(format!("{}/prod?k=v%253Dw", gw.url()))
        .body(Vec::new())
        .unwrap();
    let local = sign(&signer(), &mut req, SystemTime::now());
    *req.uri_mut() = format!("{}/prod?k=v%3Dw", gw.url()).parse().unwrap();
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::QueryEncoding, "{d}");
}

#[test]
fn query_left_inside_the_path() {
    let gw = gateway();
    let now = SystemTime::now();
    // A signer handed `/prod/items?limit=10` as the path (aws-sdk-js-v3#6870): it signs `%3F`.
    let host = gw.addr().to_string();
    let signable = SignableRequest::new("GET", "/prod/items%3Flimit=10").header("host", &host);
    let s = signer().with_settings(Settings::default().with_uri_encoding(UriEncoding::Single));
    let local = s
        .explain_request_at(&signable, Payload::Bytes(b""), now)
        .unwrap();
    let out = s
        .sign_request_at(&signable, Payload::Bytes(b""), now)
        .unwrap();
    let mut raw = format!("GET /prod/items?limit=10 HTTP/1.1\r\nhost: {host}\r\n");
    for (n, v) in out.headers() {
        raw.push_str(&format!("{n}: {v}\r\n"));
    }
    raw.push_str("connection: close\r\n\r\n");
    let (cause, d) = first_cause(&send_raw(gw.addr(), raw.as_bytes()), &local);
    assert_eq!(cause, Cause::QueryInPath, "{d}");
}

#[test]
fn body_changed_after_signing() {
    let gw = gateway();
    let mut req = http::Request::post(format!("{}/prod", gw.url()))
        .body(b"{\"a\":1}".to_vec())
        .unwrap();
    let local = sign(&signer(), &mut req, SystemTime::now());
    *req.body_mut() = b"{\"a\": 1}".to_vec();
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::PayloadHash, "{d}");
}

#[test]
fn method_changed_by_a_redirect() {
    let gw = gateway();
    let mut req = http::Request::post(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    let local = sign(&signer(), &mut req, SystemTime::now());
    *req.method_mut() = http::Method::GET;
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::MethodChanged, "{d}");
}

#[test]
fn wrong_secret_key() {
    let gw = gateway();
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    let wrong = Signer::new(
        Credentials::new(AKID, "not-the-secret"),
        "us-east-1",
        "execute-api",
    );
    let local = sign(&wrong, &mut req, SystemTime::now());
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::SecretKey, "{d}");
    assert!(d.differences().is_empty(), "{d}");
}

#[test]
fn session_token_missing_or_stale() {
    let issued = creds().with_session_token("token-2");
    let gw = gateway_with(Verifier::new(issued, "us-east-1", "execute-api"));
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    let local = sign(&signer(), &mut req, SystemTime::now());
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::SessionToken { sent: false }, "{d}");
    let stale = Signer::new(
        creds().with_session_token("token-1"),
        "us-east-1",
        "execute-api",
    );
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    let local = sign(&stale, &mut req, SystemTime::now());
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::SessionToken { sent: true }, "{d}");
}

#[test]
fn wrong_region_and_wrong_service() {
    let gw = gateway();
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    let local = sign(
        &Signer::new(creds(), "eu-west-1", "execute-api"),
        &mut req,
        SystemTime::now(),
    );
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(
        cause,
        Cause::WrongRegion {
            given: Some("eu-west-1".into()),
            expected: None
        },
        "{d}"
    );
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    let local = sign(
        &Signer::new(creds(), "us-east-1", "apigateway"),
        &mut req,
        SystemTime::now(),
    );
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(
        cause,
        Cause::WrongService {
            expected: Some("execute-api".into())
        },
        "{d}"
    );
}

#[test]
fn clock_behind_by_ten_minutes() {
    let gw = gateway();
    let behind = SystemTime::now() - Duration::from_secs(600);
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    let local = sign(&signer(), &mut req, behind);
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    let Cause::ClockSkew { offset } = cause else {
        panic!("{d}")
    };
    assert!(
        (offset - time::Duration::minutes(10)).abs() <= time::Duration::seconds(5),
        "{d}"
    );
}

#[test]
fn unsigned_request_and_bearer_token() {
    let gw = gateway();
    let local = signer()
        .explain_at(
            &http::Request::get(format!("{}/prod", gw.url()))
                .body(())
                .unwrap(),
            Payload::Bytes(b""),
            SystemTime::now(),
        )
        .unwrap();
    let plain = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    assert_eq!(
        first_cause(&send(gw.addr(), &plain), &local).0,
        Cause::MissingAuthentication
    );
    let bearer = http::Request::get(format!("{}/prod", gw.url()))
        .header("authorization", "Bearer eyJ")
        .body(Vec::new())
        .unwrap();
    assert_eq!(
        first_cause(&send(gw.addr(), &bearer), &local).0,
        Cause::IncompleteSignature
    );
}

#[test]
fn unsigned_payload_to_a_service_that_refuses_it() {
    let gw = gateway_with(Verifier::new(creds(), "us-east-1", "lambda"));
    let mut req = http::Request::post(format!("{}/", gw.url()))
        .body(b"x".to_vec())
        .unwrap();
    let s = Signer::new(creds(), "us-east-1", "lambda");
    let local = s
        .explain_at(&req, Payload::Unsigned, SystemTime::now())
        .unwrap();
    s.sign_payload_at(&mut req, Payload::Unsigned, SystemTime::now())
        .unwrap();
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(cause, Cause::UnsignedPayloadRejected, "{d}");
}

#[test]
fn without_a_canonical_block_the_checklist_starts_with_the_likely_trap() {
    let verifier = Verifier::new(creds(), "us-east-1", "lambda");
    let gw = Gateway::spawn(
        GatewayConfig::new(verifier)
            .with_canonical_display(awssig::verify::CanonicalDisplay::Omitted),
    )
    .unwrap();
    let mut req = http::Request::get(format!("{}/page", gw.url()))
        .header("content-type", "text/plain")
        .body(Vec::new())
        .unwrap();
    let local = sign(
        &Signer::new(creds(), "us-east-1", "lambda"),
        &mut req,
        SystemTime::now(),
    );
    req.headers_mut().remove("content-type");
    let (cause, d) = first_cause(&send(gw.addr(), &req), &local);
    assert_eq!(d.evidence(), Evidence::Checklist);
    assert_eq!(
        cause,
        Cause::HeaderDropped {
            name: "content-type".into()
        },
        "{d}"
    );
}
