//! The `Authorization` header parser, then the whole verifier, on arbitrary header values. What
//! parses, written back in the canonical form (`AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
//! Signature=...`, or `AWS4-ECDSA-P256-SHA256 ...` for SigV4a), parses to the same value.
#![no_main]

use awssig::{Credentials, Payload, SignableRequest, Verifier, verify::{AuthorizationHeader, Credential}};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(value) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(parsed) = AuthorizationHeader::parse(value) {
        let written = format!(
            "{} Credential={}, SignedHeaders={}, Signature={}",
            parsed.algorithm(),
            parsed.credential(),
            parsed.signed_headers().join(";"),
            parsed.signature()
        );
        let again = AuthorizationHeader::parse(&written).unwrap_or_else(|e| {
            panic!("{written:?} (written from {value:?}) does not parse: {e:?}")
        });
        assert_eq!(
            again, parsed,
            "{value:?} -> {written:?} parses to another value"
        );
        // `Credential::parse` reads SigV4's five-part credential (SigV4a's has no region).
        if parsed.algorithm() == awssig::spec::Algorithm::HmacSha256 {
            assert_eq!(
                Credential::parse(&parsed.credential().to_string()).as_ref(),
                Ok(parsed.credential()),
                "a credential does not survive Display -> parse"
            );
        }
    }
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
