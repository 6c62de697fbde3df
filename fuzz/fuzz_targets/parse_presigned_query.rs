//! The presigned-query parser, then the whole verifier, on arbitrary query strings.
#![no_main]

use awssig::{Credentials, Payload, PresignedQuery, SignableRequest, Verifier};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(query) = std::str::from_utf8(data) else {
        return;
    };
    let _ = PresignedQuery::parse(query);
    let target = format!("/path?{query}");
    let verifier = Verifier::new(
        Credentials::new("AKIDEXAMPLE", "secret"),
        "us-east-1",
        "service",
    );
    let req = SignableRequest::new("GET", &target).header("host", "example.amazonaws.com");
    let now = time::OffsetDateTime::from_unix_timestamp(1_440_938_160)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    let _ = verifier.verify_request_at(&req, Payload::Unsigned, now);
    let _ = verifier.server_view_at(&req, Payload::Unsigned);
});
