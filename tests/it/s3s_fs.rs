//! Against a real, independent S3 verifier: s3s-fs 0.14.1 (crates.io) with `--access-key` and
//! `--secret-key`, on 127.0.0.1. Header-signed PUT/GET, a presigned GET and UNSIGNED-PAYLOAD are
//! accepted; tampered requests are rejected.

use crate::common;

use std::time::{Duration, SystemTime};

use awssig::{Credentials, Payload, Settings, Signer};
use common::client::{Response, send};
use common::servers;

const AK: &str = "AKIAS3SFSEXAMPLE";
const SK: &str = "s3s-fs/secret+key=EXAMPLE";

fn signer() -> Signer {
    Signer::new(Credentials::new(AK, SK), "us-east-1", "s3").with_settings(Settings::s3())
}

fn signed(method: &str, url: &str, body: &[u8]) -> http::Request<Vec<u8>> {
    let mut req = http::Request::builder()
        .method(method)
        .uri(url)
        .body(body.to_vec())
        .unwrap();
    signer().sign(&mut req).unwrap();
    req
}

fn ok(res: &Response, what: &str) {
    assert!(
        (200..300).contains(&res.status),
        "{what}: {} {}",
        res.status,
        res.text()
    );
}

fn rejected(res: &Response, what: &str) {
    assert_eq!(res.status, 403, "{what}: {}", res.text());
    assert!(
        res.text().contains("SignatureDoesNotMatch"),
        "{what}: {}",
        res.text()
    );
}

fn with_bucket(server: &servers::Server) -> String {
    let bucket = format!("{}/bucket", server.url());
    ok(
        &send(server.addr, &signed("PUT", &bucket, b"")),
        "create bucket",
    );
    bucket
}

#[test]
fn header_signed_put_then_get_round_trips_a_key_with_special_characters() {
    let server = servers::s3s_fs(AK, SK);
    let bucket = with_bucket(&server);
    // Spaces, `+`, `=` and UTF-8, encoded once as S3 requires.
    let key = format!("{bucket}/dir/my%20file%2B1%3D%C3%A4.txt");
    ok(
        &send(server.addr, &signed("PUT", &key, b"hello s3s")),
        "put object",
    );
    let got = send(server.addr, &signed("GET", &key, b""));
    ok(&got, "get object");
    assert_eq!(got.body, b"hello s3s");
}

#[test]
fn presigned_get_is_accepted_and_a_tampered_one_rejected() {
    let server = servers::s3s_fs(AK, SK);
    let bucket = with_bucket(&server);
    let key = format!("{bucket}/presigned.txt");
    ok(
        &send(server.addr, &signed("PUT", &key, b"via presign")),
        "put object",
    );
    let req = http::Request::get(&key).body(()).unwrap();
    let url = signer()
        .presign_at(&req, Duration::from_secs(300), SystemTime::now())
        .unwrap();
    let got = send(
        server.addr,
        &http::Request::get(url.clone()).body(Vec::new()).unwrap(),
    );
    ok(&got, "presigned get");
    assert_eq!(got.body, b"via presign");
    let tampered: http::Uri = url
        .to_string()
        .replace("presigned.txt", "presigned.txu")
        .parse()
        .unwrap();
    rejected(
        &send(
            server.addr,
            &http::Request::get(tampered).body(Vec::new()).unwrap(),
        ),
        "tampered presigned get",
    );
}

#[test]
fn unsigned_payload_put_is_accepted() {
    let server = servers::s3s_fs(AK, SK);
    let bucket = with_bucket(&server);
    let mut req = http::Request::put(format!("{bucket}/unsigned.bin"))
        .body(b"streamed".to_vec())
        .unwrap();
    signer()
        .sign_payload_at(&mut req, Payload::Unsigned, SystemTime::now())
        .unwrap();
    assert_eq!(req.headers()["x-amz-content-sha256"], "UNSIGNED-PAYLOAD");
    ok(&send(server.addr, &req), "unsigned-payload put");
    let got = send(
        server.addr,
        &signed("GET", &format!("{bucket}/unsigned.bin"), b""),
    );
    assert_eq!(got.body, b"streamed");
}

#[test]
fn tampered_header_signed_requests_are_rejected() {
    let server = servers::s3s_fs(AK, SK);
    let bucket = with_bucket(&server);
    // Another key than the one signed.
    let mut req = signed("PUT", &format!("{bucket}/a.txt"), b"x");
    *req.uri_mut() = format!("{bucket}/b.txt").parse().unwrap();
    rejected(&send(server.addr, &req), "path changed");
    // A signed header changed.
    let mut req = http::Request::put(format!("{bucket}/c.txt"))
        .header("x-amz-meta-colour", "blue")
        .body(b"x".to_vec())
        .unwrap();
    signer().sign(&mut req).unwrap();
    req.headers_mut()
        .insert("x-amz-meta-colour", "red".parse().unwrap());
    rejected(&send(server.addr, &req), "signed header changed");
    // The wrong secret.
    let mut req = http::Request::get(format!("{bucket}/c.txt"))
        .body(Vec::new())
        .unwrap();
    Signer::new(Credentials::new(AK, "wrong"), "us-east-1", "s3")
        .with_settings(Settings::s3())
        .sign(&mut req)
        .unwrap();
    rejected(&send(server.addr, &req), "wrong secret");
}
