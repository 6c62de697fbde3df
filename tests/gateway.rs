//! The local gateway over a real socket: signed requests are echoed or forwarded, and failures
//! get API Gateway's status, `x-amzn-ErrorType` and JSON bodies (field notes, section 4).
#![allow(clippy::unwrap_used)] // test helpers outside #[test] fns
#![cfg(feature = "gateway")]

mod common;

use std::time::{Duration, SystemTime};

use awssig::gateway::{Gateway, GatewayConfig};
use awssig::{Credentials, Signer, Verifier};
use common::client::{Response, send};
use serde_json::Value;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET)
}

fn gateway() -> awssig::gateway::GatewayHandle {
    let verifier =
        Verifier::new(creds(), "us-east-1", "execute-api").with_max_skew(Duration::from_secs(300));
    Gateway::spawn(GatewayConfig::new(verifier)).expect("gateway starts")
}

fn signer() -> Signer {
    Signer::new(creds(), "us-east-1", "execute-api")
}

fn message(res: &Response) -> String {
    let v: Value =
        serde_json::from_slice(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.text()));
    v["message"].as_str().expect("message").to_string()
}

#[test]
fn signed_post_is_echoed_with_what_was_verified() {
    let gw = gateway();
    let mut req = http::Request::post(format!("{}/prod/items?b=2&a=1", gw.url()))
        .header("content-type", "application/json")
        .body(b"{\"x\":1}".to_vec())
        .unwrap();
    signer().sign(&mut req).unwrap();
    let res = send(gw.addr(), &req);
    assert_eq!(res.status, 200, "{}", res.text());
    let v: Value = serde_json::from_slice(&res.body).unwrap();
    assert_eq!(v["accessKeyId"], AKID);
    assert_eq!(v["method"], "POST");
    assert_eq!(v["path"], "/prod/items");
    assert_eq!(v["query"], "b=2&a=1");
    assert_eq!(v["service"], "execute-api");
    assert_eq!(
        v["signedHeaders"],
        serde_json::json!(["content-type", "host", "x-amz-date"])
    );
    assert_eq!(v["bodyLength"], 7);
}

#[test]
fn unsigned_request_gets_missing_authentication_token_in_42_bytes() {
    let gw = gateway();
    let req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    let res = send(gw.addr(), &req);
    assert_eq!(res.status, 403);
    assert_eq!(
        res.header("x-amzn-errortype"),
        Some("MissingAuthenticationTokenException")
    );
    // The byte count AWS sends (field notes: Content-Length: 42).
    assert_eq!(res.text(), r#"{"message":"Missing Authentication Token"}"#);
    assert_eq!(res.body.len(), 42);
}

#[test]
fn tampered_request_gets_the_mismatch_message_with_canonical_string_and_string_to_sign() {
    let gw = gateway();
    let mut req = http::Request::get(format!("{}/prod/items?limit=10", gw.url()))
        .header("content-type", "application/json")
        .body(Vec::new())
        .unwrap();
    signer().sign(&mut req).unwrap();
    // A proxy drops the content-type of a GET (axios/axios#755).
    req.headers_mut().remove("content-type");
    let res = send(gw.addr(), &req);
    assert_eq!(res.status, 403);
    assert_eq!(
        res.header("x-amzn-errortype"),
        Some("InvalidSignatureException")
    );
    let m = message(&res);
    let (sentence, rest) = m
        .split_once("\n\nThe Canonical String for this request should have been\n'")
        .unwrap();
    assert_eq!(sentence, awssig::SIGNATURE_MISMATCH_MESSAGE);
    let (creq, sts) = rest
        .split_once("'\n\nThe String-to-Sign should have been\n'")
        .unwrap();
    assert!(
        creq.starts_with("GET\n/prod/items\nlimit=10\ncontent-type:\nhost:127.0.0.1:"),
        "{creq}"
    );
    assert!(creq.ends_with("\n\ncontent-type;host;x-amz-date\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    assert!(sts.starts_with("AWS4-HMAC-SHA256\n"));
    assert!(sts.ends_with("'\n"));
}

#[test]
fn stale_clock_gets_signature_expired_and_the_offset_fixes_it() {
    let gw = gateway();
    let skewed = SystemTime::now() - Duration::from_secs(3600);
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    signer().sign_at(&mut req, skewed).unwrap();
    let res = send(gw.addr(), &req);
    assert_eq!(res.status, 403);
    assert_eq!(
        res.header("x-amzn-errortype"),
        Some("InvalidSignatureException")
    );
    let m = message(&res);
    assert!(m.starts_with("Signature expired: "), "{m}");
    assert!(m.ends_with(" - 5 min.)"), "{m}");
    let offset = awssig::clock_offset(&res.headers, &res.body, skewed.into()).unwrap();
    assert!(
        (offset.offset - time::Duration::hours(1)).abs() < time::Duration::seconds(5),
        "{offset:?}"
    );
    let mut again = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    signer()
        .with_clock_offset(offset.offset)
        .sign_at(&mut again, skewed)
        .unwrap();
    assert_eq!(send(gw.addr(), &again).status, 200);
}

#[test]
fn wrong_scope_gets_the_scope_messages() {
    let gw = gateway();
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    Signer::new(creds(), "eu-west-1", "execute-api")
        .sign(&mut req)
        .unwrap();
    let res = send(gw.addr(), &req);
    assert_eq!(
        message(&res),
        "Credential should be scoped to a valid region, not 'eu-west-1'. "
    );
    let mut req = http::Request::get(format!("{}/prod", gw.url()))
        .body(Vec::new())
        .unwrap();
    Signer::new(creds(), "us-east-1", "apigateway")
        .sign(&mut req)
        .unwrap();
    let res = send(gw.addr(), &req);
    assert_eq!(
        res.header("x-amzn-errortype"),
        Some("InvalidSignatureException")
    );
    // ex-aws/ex_aws#701: the body is 77 bytes.
    assert_eq!(
        res.text(),
        r#"{"message":"Credential should be scoped to correct service: 'execute-api'. "}"#
    );
    assert_eq!(res.body.len(), 77);
}

#[test]
fn upstream_receives_the_verified_request() {
    // A one-shot upstream that records the request it receives.
    let upstream = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let up_addr = upstream.local_addr().unwrap();
    let server = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let (mut s, _) = upstream.accept().unwrap();
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
            let n = s.read(&mut chunk).unwrap();
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        let body = b"upstream says hi";
        write!(
            s,
            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            body.len()
        )
        .unwrap();
        s.write_all(body).unwrap();
        String::from_utf8_lossy(&buf).into_owned()
    });
    let verifier = Verifier::new(creds(), "us-east-1", "execute-api");
    let gw = Gateway::spawn(
        GatewayConfig::new(verifier)
            .with_upstream(format!("http://{up_addr}/base").parse().unwrap()),
    )
    .unwrap();
    let mut req = http::Request::get(format!("{}/prod/x?q=1", gw.url()))
        .body(Vec::new())
        .unwrap();
    signer().sign(&mut req).unwrap();
    let res = send(gw.addr(), &req);
    assert_eq!(res.status, 200);
    assert_eq!(res.text(), "upstream says hi");
    let seen = server.join().unwrap();
    assert!(
        seen.starts_with("GET /base/prod/x?q=1 HTTP/1.1\r\n"),
        "{seen}"
    );
    assert!(
        seen.contains("x-awssig-access-key-id: AKIDEXAMPLE\r\n"),
        "{seen}"
    );
}
