//! The local gateway over a real socket: signed requests are echoed or forwarded, and failures
//! get API Gateway's status, `x-amzn-ErrorType` and JSON bodies (as quoted in public bug reports, named where used).

use crate::common;

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
    // The byte count AWS sends (`Content-Length: 42`, as in aws/chalice#12).
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
    assert_eq!(
        sentence,
        awssig::VerifyError::SignatureMismatch.aws_message()
    );
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
    let offset = awssig::diagnose::clock_offset(&res.headers, &res.body, skewed.into()).unwrap();
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

/// A local upstream on 127.0.0.1 that records the request line of every request it receives and
/// answers each with 200 `ok`; stopped (and its thread joined) when dropped.
struct Upstream {
    addr: std::net::SocketAddr,
    seen: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Upstream {
    fn spawn() -> Self {
        use std::io::{Read, Write};
        use std::sync::atomic::Ordering;
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (log, halt) = (seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for stream in listener.incoming() {
                if halt.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(mut s) = stream else { continue };
                s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => break,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let text = String::from_utf8_lossy(&buf);
                let line = text.split("\r\n").next().unwrap_or("").to_string();
                log.lock().unwrap().push(line);
                let _ = s.write_all(
                    b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                );
            }
        });
        Self {
            addr,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Upstream {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = std::net::TcpStream::connect(self.addr);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Signs `GET {gw}{target}` with `signer` and sends it exactly as written (dot segments and all).
fn signed_get(gw: &awssig::gateway::GatewayHandle, signer: &Signer, target: &str) -> Response {
    let mut req = http::Request::get(format!("{}{target}", gw.url()))
        .body(Vec::new())
        .unwrap();
    signer.sign(&mut req).unwrap();
    assert_eq!(req.uri().path_and_query().unwrap().as_str(), target);
    send(gw.addr(), &req)
}

#[test]
fn upstream_receives_the_normalised_path_that_was_verified_never_dot_segments() {
    let up = Upstream::spawn();
    let verifier = Verifier::new(creds(), "us-east-1", "execute-api");
    let gw = Gateway::spawn(
        GatewayConfig::new(verifier)
            .with_upstream(format!("http://{}/base", up.addr).parse().unwrap()),
    )
    .unwrap();
    // Each verifies as the normalised path; the upstream must get that path (and the query as
    // sent), not the raw one.
    for (target, forwarded) in [
        (
            "/internal/../public/report?x=1",
            "GET /base/public/report?x=1 HTTP/1.1",
        ),
        ("/public/./report", "GET /base/public/report HTTP/1.1"),
        ("/public//report/", "GET /base/public/report/ HTTP/1.1"),
        ("/a/../../../etc/passwd", "GET /base/etc/passwd HTTP/1.1"),
    ] {
        let res = signed_get(&gw, &signer(), target);
        assert_eq!(res.status, 200, "{target}: {}", res.text());
        assert_eq!(
            up.seen().last().map(String::as_str),
            Some(forwarded),
            "{target}"
        );
    }
    // Encoded dot segments are not dot segments to SigV4, but an upstream may decode them:
    // refused, and the upstream never hears of them.
    let before = up.seen().len();
    for target in [
        "/public/%2e%2e/internal/report",
        "/public/%2E./internal",
        "/public/.%2e/internal",
        "/public/%2e/report",
        "/public/..%2finternal",
        "/public/%252e%252e/internal",
    ] {
        let res = signed_get(&gw, &signer(), target);
        assert_eq!(res.status, 400, "{target}: {}", res.text());
        assert!(message(&res).contains("dot segment"), "{}", res.text());
    }
    assert_eq!(up.seen().len(), before, "{:?}", up.seen());
    // Names that merely contain dots are paths like any other.
    let res = signed_get(&gw, &signer(), "/files/..hidden/a.b/...");
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(
        up.seen().last().map(String::as_str),
        Some("GET /base/files/..hidden/a.b/... HTTP/1.1")
    );
}

#[test]
fn with_s3_rules_the_raw_path_is_forwarded_and_dot_segments_are_refused() {
    let up = Upstream::spawn();
    let verifier = Verifier::new(creds(), "us-east-1", "s3").with_settings(awssig::Settings::s3());
    let gw = Gateway::spawn(
        GatewayConfig::new(verifier).with_upstream(format!("http://{}/", up.addr).parse().unwrap()),
    )
    .unwrap();
    let s3 = Signer::new(creds(), "us-east-1", "s3").with_settings(awssig::Settings::s3());
    // S3 signs the path as sent, so an empty segment is part of the key and is kept.
    let res = signed_get(&gw, &s3, "/bucket//key?versionId=1");
    assert_eq!(res.status, 200, "{}", res.text());
    assert_eq!(up.seen(), ["GET /bucket//key?versionId=1 HTTP/1.1"]);
    // A dot segment was verified as it is; forwarding it would let the upstream resolve it.
    for target in [
        "/bucket/../other/key",
        "/bucket/./key",
        "/bucket/%2E%2E/key",
    ] {
        let res = signed_get(&gw, &s3, target);
        assert_eq!(res.status, 400, "{target}: {}", res.text());
    }
    assert_eq!(up.seen().len(), 1, "{:?}", up.seen());
}

/// How long a test waits for an answer that should come at once.
const PATIENCE: Duration = Duration::from_secs(5);

#[test]
fn requests_the_headers_condemn_get_403_without_the_body_being_read() {
    let verifier = Verifier::new(creds(), "us-east-1", "execute-api");
    let gw = Gateway::spawn(GatewayConfig::new(verifier)).unwrap();
    let url = format!("{}/prod/items", gw.url());
    let post = || {
        http::Request::post(&url)
            .header("content-type", "application/json")
            .body(Vec::new())
            .unwrap()
    };
    let anonymous = post();
    let mut unknown_key = post();
    Signer::new(
        Credentials::new("AKIDUNKNOWN", SECRET),
        "us-east-1",
        "execute-api",
    )
    .sign(&mut unknown_key)
    .unwrap();
    let mut wrong_region = post();
    Signer::new(creds(), "eu-west-1", "execute-api")
        .sign(&mut wrong_region)
        .unwrap();
    let mut stale = post();
    signer()
        .sign_at(&mut stale, SystemTime::now() - Duration::from_secs(3600))
        .unwrap();
    for (case, req, error_type) in [
        (
            "anonymous",
            anonymous,
            "MissingAuthenticationTokenException",
        ),
        ("unknown key", unknown_key, "UnrecognizedClientException"),
        ("wrong region", wrong_region, "InvalidSignatureException"),
        ("stale date", stale, "InvalidSignatureException"),
    ] {
        // 10 MB declared (under the 10 MiB limit) and never sent.
        let head = common::client::head_with_length(gw.addr(), &req, 10_000_000);
        let got = common::client::exchange(gw.addr(), &head, b"", Duration::ZERO, PATIENCE)
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(got.response.status, 403, "{case}: {}", got.response.text());
        assert_eq!(
            got.response.header("x-amzn-errortype"),
            Some(error_type),
            "{case}"
        );
    }
}

#[test]
fn a_signed_request_whose_body_stalls_or_crawls_gets_408_within_the_body_timeout() {
    let verifier = Verifier::new(creds(), "us-east-1", "execute-api");
    let timeout = Duration::from_millis(300);
    let gw = Gateway::spawn(GatewayConfig::new(verifier).with_body_timeout(timeout)).unwrap();
    let mut req = http::Request::post(format!("{}/prod/items", gw.url()))
        .body(b"hello world".to_vec())
        .unwrap();
    signer().sign(&mut req).unwrap();
    let head = common::client::head_with_length(gw.addr(), &req, 11);
    // Stalled: five of the eleven bytes, then nothing.
    let mut stalled = head.clone();
    stalled.extend_from_slice(b"hello");
    // Crawling: one byte every 100 ms, 1.1 s in all.
    for (case, head, trickle) in [
        ("stalled", stalled, &b""[..]),
        ("crawling", head.clone(), &b"hello world"[..]),
    ] {
        let got = common::client::exchange(
            gw.addr(),
            &head,
            trickle,
            Duration::from_millis(100),
            PATIENCE,
        )
        .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(got.response.status, 408, "{case}: {}", got.response.text());
        assert!(got.elapsed >= timeout, "{case}: {:?}", got.elapsed);
        assert!(got.elapsed < PATIENCE, "{case}: {:?}", got.elapsed);
        assert!(
            message(&got.response).contains("body"),
            "{}",
            got.response.text()
        );
    }
    // The whole body in time is verified as before.
    let mut whole = head;
    whole.extend_from_slice(b"hello world");
    let got = common::client::exchange(gw.addr(), &whole, b"", Duration::ZERO, PATIENCE).unwrap();
    assert_eq!(got.response.status, 200, "{}", got.response.text());
}

#[test]
fn a_signed_request_declaring_a_body_over_the_limit_gets_413_without_the_body_being_read() {
    let verifier = Verifier::new(creds(), "us-east-1", "execute-api");
    let gw = Gateway::spawn(GatewayConfig::new(verifier).with_body_limit(8)).unwrap();
    let mut req = http::Request::post(format!("{}/prod/items", gw.url()))
        .body(b"0123456789".to_vec())
        .unwrap();
    signer().sign(&mut req).unwrap();
    // Ten bytes declared, none sent: the length alone says no.
    let head = common::client::head_with_length(gw.addr(), &req, 10);
    let got = common::client::exchange(gw.addr(), &head, b"", Duration::ZERO, PATIENCE).unwrap();
    assert_eq!(got.response.status, 413, "{}", got.response.text());
}
