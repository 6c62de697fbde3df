//! The gateway's request handling on arbitrary method, path, headers and body: an answer, never
//! a panic or a hang. Half the inputs are first signed (so the verified path, the JSON echo, is
//! reached too); the gateway's clock is set to the signing time. No upstream: nothing leaves the
//! process.
#![no_main]

use std::sync::OnceLock;
use std::time::{Duration, SystemTime};

use awssig::gateway::{Gateway, GatewayConfig};
use awssig::{Credentials, Payload, Signer, Verifier};
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;

/// The suite's clock, 2015-08-30T12:36:00Z.
const SIGNED_AT: u64 = 1_440_938_160;

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
}

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .expect("a current-thread runtime")
    })
}

/// A gateway whose clock reads [`SIGNED_AT`] now (made per input, so a long run does not drift
/// out of the skew window).
fn gateway() -> Gateway {
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    let offset = time::Duration::seconds(SIGNED_AT as i64 - now);
    let verifier = Verifier::new(creds(), "us-east-1", "execute-api");
    // The gateway's HTTP client wants a runtime context when it is made.
    let _guard = runtime().enter();
    Gateway::new(
        GatewayConfig::new(verifier)
            .with_clock_offset(offset)
            .with_body_limit(1024),
    )
}

fuzz_target!(|data: &[u8]| {
    // Fields separated by NUL: flags, method, target, then header name/value pairs; the bytes
    // after a 0xff byte are the body.
    let (head, body) = match data.iter().position(|&b| b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let fields: Vec<&[u8]> = head.split(|&b| b == 0).collect();
    let field = |i: usize| fields.get(i).copied().unwrap_or_default();
    let flags = field(0).first().copied().unwrap_or(0);
    let Ok(method) = http::Method::from_bytes(field(1)) else {
        return;
    };
    let Ok(uri) = http::Uri::try_from(field(2)) else {
        return;
    };
    let mut req = http::Request::new(Bytes::copy_from_slice(body));
    *req.method_mut() = method;
    *req.uri_mut() = uri;
    for pair in fields.get(3..).unwrap_or_default().chunks_exact(2) {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(pair[0]),
            http::HeaderValue::from_bytes(pair[1]),
        ) {
            req.headers_mut().append(n, v);
        }
    }
    if flags & 1 != 0 {
        let time = SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNED_AT);
        let signer = Signer::new(creds(), "us-east-1", "execute-api");
        let body = req.body().clone();
        if flags & 2 != 0 {
            if let Ok(uri) = signer.presign_payload_at(
                &req,
                Payload::Bytes(&body),
                Duration::from_secs(60),
                time,
            ) {
                *req.uri_mut() = uri;
            }
        } else {
            let _ = signer.sign_payload_at(&mut req, Payload::Bytes(&body), time);
        }
    }
    let gw = &gateway();
    let now = time::OffsetDateTime::from_unix_timestamp(SIGNED_AT as i64)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let checked = gw.check(&req, now).is_ok();
    // handle() with no upstream answers in memory; a timeout turns a hang into a crash.
    let res = runtime()
        .block_on(async { tokio::time::timeout(Duration::from_secs(5), gw.handle(req)).await });
    let res = res.expect("Gateway::handle did not answer within 5 s");
    // handle() forwards only what check() accepted; it may still refuse (400) a verified
    // request whose path it will not forward (a dot segment left after normalisation).
    let status = res.status();
    if status == http::StatusCode::OK {
        assert!(checked, "handle answered 200 to a request check refused");
    }
    if checked {
        assert!(
            status == http::StatusCode::OK || status == http::StatusCode::BAD_REQUEST,
            "check accepted a request that handle answered {status}"
        );
    }
});
