//! The `Authorization` header parser, then the whole verifier, on arbitrary header values.
#![no_main]

use awssig::{AuthorizationHeader, Credentials, Payload, SignableRequest, Verifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    let _ = AuthorizationHeader::parse(value);
    let verifier = Verifier::new(
        Credentials::new("AKIDEXAMPLE", "secret"),
        "us-east-1",
        "service",
    );
    let req = SignableRequest::new("GET", "/")
        .header("host", "example.amazonaws.com")
        .header("x-amz-date", "20150830T123600Z")
        .header("authorization", value);
    let now = time::OffsetDateTime::from_unix_timestamp(1_440_938_160)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let _ = verifier.verify_request_at(&req, Payload::Bytes(b""), now);
    let _ = verifier.server_view_at(&req, Payload::Bytes(b""));
});
