//! Heap allocations per signature, counted exactly. `allocation-counter` is the global allocator
//! of this test binary only, and counts the allocations of the current thread only, so other
//! tests running in parallel do not disturb the counts.
//!
//! Header signing of an `http::Request` allocates once per header value it writes (the bytes of
//! each `http::HeaderValue`) and nothing else: the session token's value is made once per
//! `Signer` and shared. [`Signer::sign_into`] allocates nothing. A verification with a cached
//! key allocates nothing when its credential and `SignedHeaders` list are the ones the key was
//! cached with (`Verified` shares the cache's string), else the one string `Verified` keeps.

// The integration binary's shared helpers (tests/it/common.rs and tests/it/common/), reached the
// way tests/it/main.rs declares them.
mod it {
    pub mod common;
}
use it::common;

use awssig::{Credentials, Payload, SignableRequest, Signer};
use time::OffsetDateTime;

fn count(f: impl FnOnce()) -> u64 {
    allocation_counter::measure(f).count_total
}

fn time() -> OffsetDateTime {
    common::suite_time()
}

fn signer() -> Signer {
    Signer::new(
        Credentials::new(common::AKID, common::SECRET),
        "us-east-1",
        "service",
    )
}

fn token_signer() -> Signer {
    let creds = Credentials::new(common::AKID, common::SECRET).with_session_token("session-token");
    Signer::new(creds, "us-east-1", "execute-api")
}

/// Signs once so that the key is cached and this thread is known to the cache (arc-swap keeps a
/// small per-thread record, made on a thread's first read): both happen once, not per signature.
fn warm_up(signer: &Signer) {
    let req = SignableRequest::new("GET", "/").header("host", "example.amazonaws.com");
    signer
        .sign_request_at(&req, Payload::Bytes(b""), time())
        .expect("signed");
}

#[test]
fn the_counter_counts() {
    // Guards against a vacuous zero: one box is one allocation.
    assert_eq!(count(|| drop(std::hint::black_box(Box::new(1u64)))), 1);
}

#[test]
fn header_signing_of_get_vanilla_allocates_only_the_two_header_values_it_inserts() {
    let signer = signer();
    warm_up(&signer);
    // As the suite's get-vanilla arrives: an absolute URI and a `host` header.
    let mut req = http::Request::get("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .body(())
        .unwrap();
    // x-amz-date and authorization: one `HeaderValue` (one `Bytes` buffer) each.
    assert_eq!(count(|| signer.sign_at(&mut req, time()).unwrap()), 2);
    assert!(
        req.headers()["authorization"].to_str().unwrap().ends_with(
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        )
    );
    // Signing again replaces the two values: still two.
    assert_eq!(count(|| signer.sign_at(&mut req, time()).unwrap()), 2);

    // Without a `host` header the host is taken from the URI without allocating. This request
    // has no header at all, so its `HeaderMap` has no storage yet: the first insert allocates
    // the map's index table and entry vector (http's own cost), then the two values.
    let mut req = http::Request::get("https://example.amazonaws.com/")
        .body(())
        .unwrap();
    assert_eq!(req.headers().capacity(), 0);
    assert_eq!(count(|| signer.sign_at(&mut req, time()).unwrap()), 2 + 2);
    // Once the map has storage, re-signing allocates the two values only.
    assert_eq!(count(|| signer.sign_at(&mut req, time()).unwrap()), 2);
}

#[test]
fn header_signing_with_a_session_token_shares_the_token_value_and_allocates_no_more() {
    let signer = token_signer();
    warm_up(&signer);
    let body = vec![b'x'; 1024];
    let mut req = http::Request::post(
        "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?limit=10&sort=asc",
    )
    .header("content-type", "application/json")
    .body(body)
    .unwrap();
    // The signer's first `x-amz-security-token` clone moves the value's bytes to a shared,
    // reference-counted buffer (`bytes` does that on a first clone): one allocation, once.
    assert_eq!(count(|| signer.sign_at(&mut req, time()).unwrap()), 3);
    // From then on: x-amz-date and authorization; the token's value is shared.
    assert_eq!(count(|| signer.sign_at(&mut req, time()).unwrap()), 2);
    assert_eq!(req.headers()["x-amz-security-token"], "session-token");
    assert!(req.headers()["x-amz-security-token"].is_sensitive());

    // With x-amz-content-sha256 sent too (as S3 wants): a third value.
    let signer = token_signer().with_settings(
        awssig::Settings::default().with_payload_hash_header(awssig::PayloadHashHeader::Always),
    );
    warm_up(&signer);
    signer.sign_at(&mut req, time()).unwrap();
    // As a new request would, without the hash header the last signature added.
    req.headers_mut().remove("x-amz-content-sha256");
    assert_eq!(count(|| signer.sign_at(&mut req, time()).unwrap()), 3);
    assert!(req.headers().contains_key("x-amz-content-sha256"));
}

#[test]
fn sign_into_allocates_nothing() {
    let signer = signer();
    warm_up(&signer);
    let mut buf = [0u8; 512];

    let req = SignableRequest::new("GET", "/").header("host", "example.amazonaws.com");
    let n = count(|| {
        signer
            .sign_into(&req, Payload::Bytes(b""), time(), &mut buf)
            .unwrap();
    });
    assert_eq!(n, 0, "get-vanilla");

    // An absolute URL whose host must be lowercased and its default port dropped.
    let req = SignableRequest::new("GET", "https://Example.AmazonAWS.com:443/a/./b/../c");
    let n = count(|| {
        signer
            .sign_into(&req, Payload::Bytes(b""), time(), &mut buf)
            .unwrap();
    });
    assert_eq!(n, 0, "absolute URL");

    // A POST with a session token, a 1 KiB body and two query parameters.
    let signer = token_signer();
    warm_up(&signer);
    let body = vec![b'x'; 1024];
    let req = SignableRequest::new(
        "POST",
        "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?limit=10&sort=asc",
    )
    .header("content-type", "application/json");
    let n = count(|| {
        signer
            .sign_into(&req, Payload::Bytes(&body), time(), &mut buf)
            .unwrap();
    });
    assert_eq!(n, 0, "POST with token");
}

#[test]
fn sign_into_allocates_nothing_at_sixteen_headers_and_sixteen_parameters() {
    let signer = token_signer().with_settings(
        awssig::Settings::default().with_payload_hash_header(awssig::PayloadHashHeader::Always),
    );
    warm_up(&signer);
    let names: Vec<String> = (0..15).map(|i| format!("x-custom-{i:02}")).collect();
    let query: String = (0..16)
        .map(|i| format!("p{i:02}=v{i}"))
        .collect::<Vec<_>>()
        .join("&");
    let target = format!("/items?{query}");
    let mut req = SignableRequest::new("GET", &target).header("host", "example.amazonaws.com");
    for n in &names {
        req.push_header(n, b"  some   value ");
    }
    // 16 headers of its own, plus host... no: host is one of the 16; the signer adds x-amz-date,
    // the token and the payload hash on top.
    let mut buf = [0u8; 1024];
    let n = count(|| {
        signer
            .sign_into(&req, Payload::Bytes(b"{}"), time(), &mut buf)
            .unwrap();
    });
    assert_eq!(n, 0);
    // And it signs what the readable path explains.
    let written = signer
        .sign_into(&req, Payload::Bytes(b"{}"), time(), &mut buf)
        .unwrap();
    let ex = signer
        .explain_request_at(&req, Payload::Bytes(b"{}"), time())
        .unwrap();
    assert_eq!(
        std::str::from_utf8(&buf[..written.len()]).unwrap(),
        ex.authorization().unwrap()
    );
}

/// Verification allocates nothing once the derived key is cached with the request's credential
/// and `SignedHeaders` list: [`awssig::Verified`] shares the cache's string (the credential with
/// the list after it), the claims are parsed as slices of the request, the lookup lends its
/// credentials, the host and the string to sign are written into stack buffers. With another
/// list, the one string `Verified` keeps is the one allocation.
#[test]
fn verification_allocates_only_what_verified_keeps() {
    use awssig::Verifier;

    let creds = Credentials::new(common::AKID, common::SECRET);
    let verifier = Verifier::new(creds, "us-east-1", "service");
    let mut req = http::Request::get("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .body(&b""[..])
        .unwrap();
    signer().sign_at(&mut req, time()).unwrap();
    // The first verification derives and caches the key.
    verifier
        .verify_at(&req, Payload::Bytes(b""), time())
        .unwrap();
    let n = count(|| {
        verifier
            .verify_at(&req, Payload::Bytes(b""), time())
            .unwrap();
    });
    assert_eq!(n, 0, "get-vanilla");
    let view = SignableRequest::from(&req);
    assert_eq!(
        count(|| drop(verifier.authenticate_at(&view, time()).unwrap())),
        0,
        "the headers phase shares the cache's string"
    );
    // The same key with another `SignedHeaders` list: the cached key, a string of its own.
    let mut other = http::Request::get("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .header("content-type", "text/plain")
        .body(&b""[..])
        .unwrap();
    signer().sign_at(&mut other, time()).unwrap();
    verifier
        .verify_at(&other, Payload::Bytes(b""), time())
        .unwrap();
    let n = count(|| {
        verifier
            .verify_at(&other, Payload::Bytes(b""), time())
            .unwrap();
    });
    assert_eq!(n, 1, "another list: the one string Verified keeps");
    let authenticated = verifier.authenticate_at(&view, time()).unwrap();
    let mut verified = None;
    assert_eq!(
        count(|| {
            verified = Some(
                authenticated
                    .verify_payload(&view, Payload::Bytes(b""))
                    .unwrap(),
            );
        }),
        0,
        "the payload phase allocates nothing"
    );

    // The API Gateway POST: a session token (signed), a 1 KiB body, two query parameters and
    // no `host` header (the host comes from the URI).
    let token_creds =
        Credentials::new(common::AKID, common::SECRET).with_session_token("session-token");
    let verifier = Verifier::new(token_creds, "us-east-1", "execute-api");
    let body = vec![b'x'; 1024];
    let mut req = http::Request::post(
        "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?limit=10&sort=asc",
    )
    .header("content-type", "application/json")
    .body(&body[..])
    .unwrap();
    token_signer().sign_at(&mut req, time()).unwrap();
    verifier
        .verify_at(&req, Payload::Bytes(&body), time())
        .unwrap();
    let n = count(|| {
        verifier
            .verify_at(&req, Payload::Bytes(&body), time())
            .unwrap();
    });
    assert_eq!(n, 0, "API Gateway POST");
}

#[test]
fn aws_chunked_signing_and_decoding_allocate_nothing_per_chunk() {
    use awssig::streaming::{Checksum, ChunkedUpload};
    use awssig::{Settings, Verifier};
    let creds = Credentials::new(common::AKID, common::SECRET);
    let signer = Signer::new(creds.clone(), "us-east-1", "s3").with_settings(Settings::s3());
    let chunk = vec![7u8; 8192];
    let chunks = 8;
    let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key")
        .body(())
        .expect("request");
    let upload = ChunkedUpload::signed((chunks * chunk.len()) as u64)
        .chunk_size(chunk.len())
        .trailer(Checksum::Crc32c);
    let mut up = signer
        .sign_chunked_at(&mut req, upload, time())
        .expect("signed");
    let mut wire = Vec::with_capacity(upload.encoded_len().expect("fits") as usize);
    up.write_chunk(&chunk, &mut wire).expect("first chunk");
    // Every chunk after the first, the final chunk and the trailer: into a buffer with room.
    let n = count(|| {
        for _ in 1..chunks {
            up.write_chunk(&chunk, &mut wire).expect("chunk");
        }
        up.finish(&mut wire).expect("finish");
    });
    assert_eq!(n, 0, "signing a chunk allocates");

    let verifier = Verifier::new(creds, "us-east-1", "s3").with_settings(Settings::s3());
    let mut decoder = verifier.verify_chunked_at(&req, time()).expect("seed");
    let mut out = Vec::with_capacity(chunks * chunk.len());
    // The first chunk sizes the decoder's one buffer; the rest reuse it.
    let first = chunk.len() + 100;
    decoder.feed(&wire[..first], &mut out).expect("first chunk");
    let n = count(|| {
        for piece in wire[first..].chunks(1000) {
            decoder.feed(piece, &mut out).expect("chunk");
        }
    });
    assert_eq!(n, 0, "decoding a chunk allocates");
    decoder.finish().expect("complete");
    assert_eq!(out.len(), chunks * chunk.len());
}
