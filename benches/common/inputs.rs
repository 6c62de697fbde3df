//! The requests and credentials the benches sign and verify, built outside the timed sections.

use std::time::{Duration, SystemTime};

use awssig::{Credentials, Signer};

pub(crate) const AKID: &str = "AKIDEXAMPLE";
pub(crate) const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub(crate) const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
/// 2015-08-30T12:36:00Z, the SigV4 test suite's clock.
pub(crate) const SUITE_TIME: u64 = 1_440_938_160;
/// 2013-05-24T00:00:00Z, the clock of the S3 presigned-URL example in the AWS documentation.
pub(crate) const S3_EXAMPLE_TIME: u64 = 1_369_353_600;

pub(crate) fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

/// The suite's get-vanilla request, as the suite's http form has it: absolute URI, `host` header.
pub(crate) fn get_vanilla() -> http::Request<&'static [u8]> {
    http::Request::get("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .body(&b""[..])
        .expect("valid request")
}

pub(crate) fn json_1kib() -> Vec<u8> {
    let mut body = String::from("{\"items\":[");
    let mut i = 0;
    while body.len() < 1000 {
        body.push_str(&format!("{{\"id\":{i},\"name\":\"item-{i}\"}},"));
        i += 1;
    }
    body.pop();
    body.push_str("]}");
    while body.len() < 1024 {
        body.insert(1, ' ');
    }
    body.into_bytes()
}

/// An API Gateway POST: 1 KiB of JSON, two query parameters (signed with a session token).
pub(crate) fn api_gateway_post(body: &[u8]) -> http::Request<&[u8]> {
    http::Request::post(
        "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?limit=10&sort=asc",
    )
    .header("content-type", "application/json")
    .body(body)
    .expect("valid request")
}

/// The object of the AWS documentation's presigned-URL example.
pub(crate) fn s3_get() -> http::Request<&'static [u8]> {
    http::Request::get("https://examplebucket.s3.amazonaws.com/test.txt")
        .body(&b""[..])
        .expect("valid request")
}

pub(crate) fn big_put(body: &[u8]) -> http::Request<&[u8]> {
    http::Request::put("https://examplebucket.s3.amazonaws.com/big.bin")
        .body(body)
        .expect("valid request")
}

pub(crate) fn signer(token: Option<&str>, service: &str) -> Signer {
    let mut creds = Credentials::new(AKID, SECRET);
    if let Some(t) = token {
        creds = creds.with_session_token(t);
    }
    Signer::new(creds, "us-east-1", service)
}

pub(crate) fn signature_of<B>(req: &http::Request<B>) -> String {
    let auth = req.headers()["authorization"].to_str().expect("ASCII");
    auth.rsplit_once("Signature=")
        .expect("signature")
        .1
        .to_string()
}

pub(crate) fn query_signature(uri: &http::Uri) -> String {
    let q = uri.query().expect("query");
    q.split('&')
        .find_map(|p| p.strip_prefix("X-Amz-Signature="))
        .expect("X-Amz-Signature")
        .to_string()
}

/// An S3 GET of an object, path-style (the bucket in the path), as a verifier behind a fixed
/// endpoint receives it: `host` and, once signed under `Settings::s3()`, `x-amz-date` and
/// `x-amz-content-sha256`.
pub(crate) fn s3_get_object() -> http::Request<&'static [u8]> {
    http::Request::get("https://s3.us-east-1.amazonaws.com/examplebucket/test.txt")
        .header("host", "s3.us-east-1.amazonaws.com")
        .body(&b""[..])
        .expect("valid request")
}

/// An S3 PUT of the 1 KiB JSON object, path-style, with its length (signed with a session token).
pub(crate) fn s3_put_object(body: &[u8]) -> http::Request<&[u8]> {
    http::Request::put("https://s3.us-east-1.amazonaws.com/examplebucket/items.json")
        .header("host", "s3.us-east-1.amazonaws.com")
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .body(body)
        .expect("valid request")
}

/// `req` signed at the suite's clock by `signer`.
pub(crate) fn signed<'b>(
    signer: &Signer,
    mut req: http::Request<&'b [u8]>,
) -> http::Request<&'b [u8]> {
    signer.sign_at(&mut req, at(SUITE_TIME)).expect("signed");
    req
}
