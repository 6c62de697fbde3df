//! The error-body parser, clock-offset extraction and the whole diagnosis on arbitrary bodies.
#![no_main]

use std::sync::OnceLock;

use awssig::{Credentials, ErrorBody, Explanation, Payload, Signer};
use libfuzzer_sys::fuzz_target;

fn local() -> &'static Explanation {
    static LOCAL: OnceLock<Explanation> = OnceLock::new();
    LOCAL.get_or_init(|| {
        let signer = Signer::new(
            Credentials::new("AKIDEXAMPLE", "secret"),
            "us-east-1",
            "execute-api",
        );
        let req = http::Request::get(
            "https://abc.execute-api.us-east-1.amazonaws.com/prod/a%20b?q=a%2Bb",
        )
        .header("content-type", "application/json")
        .body(())
        .expect("a valid request");
        signer
            .explain_at(&req, Payload::Bytes(b""), time::OffsetDateTime::UNIX_EPOCH)
            .expect("explainable")
    })
}

fuzz_target!(|data: &[u8]| {
    let _ = ErrorBody::parse(data);
    let headers = http::HeaderMap::new();
    let _ = awssig::clock_offset(&headers, data, time::OffsetDateTime::UNIX_EPOCH);
    let d = awssig::diagnose(http::StatusCode::FORBIDDEN, &headers, data, local());
    let _ = d.to_string();
});
