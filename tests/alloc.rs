//! Heap allocations per signature, counted exactly. `allocation-counter` is the global allocator
//! of this test binary only, and counts the allocations of the current thread only, so other
//! tests running in parallel do not disturb the counts.
//!
//! Header signing of an `http::Request` allocates once per header value it writes (the bytes of
//! each `http::HeaderValue`) and nothing else: the session token's value is made once per
//! `Signer` and shared. [`Signer::sign_into`] allocates nothing. A verification with a cached
//! key allocates nothing when its credential and `SignedHeaders` list are the ones the key was
//! cached with (`Verified` shares the cache's string), else the one string `Verified` keeps.
//! Streaming allocates nothing per chunk (`aws-chunked`, every form, both sides) or per message
//! (event streams) once the first has sized its buffers.

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

/// Every `aws-chunked` form: signed without a trailer, signed with each trailing checksum, and
/// unsigned with each trailing checksum.
fn chunked_uploads(len: u64, chunk: usize) -> Vec<awssig::streaming::ChunkedUpload> {
    use awssig::streaming::{Checksum, ChunkedUpload};
    let mut all = vec![ChunkedUpload::signed(len).chunk_size(chunk)];
    for c in Checksum::ALL {
        all.push(ChunkedUpload::signed(len).chunk_size(chunk).trailer(c));
    }
    for c in Checksum::ALL {
        all.push(ChunkedUpload::unsigned(len).chunk_size(chunk).trailer(c));
    }
    all
}

/// Signing: once the first chunk is written, every later chunk, the final chunk and the
/// trailer (with its signature) allocate nothing, written into a buffer with room. Decoding:
/// once the first chunk has sized the decoder's buffer, the rest of the body allocates nothing,
/// whether fed in pieces that straddle chunks (1000 bytes), byte by byte, or whole (where each
/// chunk is checked where it lies in the input), into an output with room. Checked for all 11
/// forms; the decoded data and the trailing checksum are checked too, so the counts are of
/// real work.
#[test]
fn aws_chunked_signing_and_decoding_allocate_nothing_per_chunk() {
    use awssig::verify::UnsignedPayload;
    use awssig::{Settings, Verifier};
    let creds = Credentials::new(common::AKID, common::SECRET);
    let signer = Signer::new(creds.clone(), "us-east-1", "s3").with_settings(Settings::s3());
    let verifier = Verifier::new(creds, "us-east-1", "s3")
        .with_settings(Settings::s3())
        .with_unsigned_payload(UnsignedPayload::Allowed);
    let chunk = 8192;
    let chunks = 8;
    // Not one repeated byte, and a short last chunk.
    let data: Vec<u8> = (0..chunks * chunk - 100).map(|i| (i % 251) as u8).collect();
    let uploads = chunked_uploads(data.len() as u64, chunk);
    assert_eq!(uploads.len(), 11);
    for upload in uploads {
        let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key")
            .body(())
            .expect("request");
        let mut up = signer
            .sign_chunked_at(&mut req, upload, time())
            .expect("signed");
        let mut wire = Vec::with_capacity(upload.encoded_len().expect("fits") as usize);
        let mut pieces = data.chunks(chunk);
        up.write_chunk(pieces.next().expect("a chunk"), &mut wire)
            .expect("first chunk");
        let n = count(|| {
            for piece in pieces {
                up.write_chunk(piece, &mut wire).expect("chunk");
            }
            up.finish(&mut wire).expect("finish");
        });
        assert_eq!(n, 0, "signing a chunk allocates: {upload:?}");
        assert_eq!(wire.len() as u64, upload.encoded_len().expect("fits"));

        // The first chunk and a little more: the decoder's buffers are sized by then.
        let first = chunk + 100;
        for split in [1000, 1, wire.len()] {
            let mut decoder = verifier.verify_chunked_at(&req, time()).expect("seed");
            let mut out = Vec::with_capacity(data.len());
            decoder.feed(&wire[..first], &mut out).expect("first chunk");
            let n = count(|| {
                for piece in wire[first..].chunks(split) {
                    decoder.feed(piece, &mut out).expect("chunk");
                }
            });
            assert_eq!(
                n, 0,
                "decoding a chunk allocates: {upload:?}, pieces of {split}"
            );
            let done = decoder.finish().expect("complete");
            assert_eq!(out, data, "{upload:?}, pieces of {split}");
            if let Some(c) = upload.trailer_checksum() {
                assert_eq!(done.checksum(), Some((c, c.compute(&data).as_str())));
            }
        }
    }
}

/// Event streams: once the first message has been signed (the day's key is derived and kept
/// then), `write_message` into a buffer with room allocates nothing per message, and
/// `sign_message`, which returns a new `Vec`, allocates exactly that one. Decoding with
/// `feed_with` (each message lent as a slice) allocates nothing per message once the first
/// envelope has sized the decoder's buffer; `feed` allocates the one `Vec` per message it
/// hands back (and whatever growing the caller's `Vec<Vec<u8>>` takes).
#[test]
fn event_stream_signing_and_decoding_allocate_nothing_per_message() {
    use awssig::Verifier;
    let creds = Credentials::new(common::AKID, common::SECRET);
    let signer = Signer::new(creds.clone(), "us-east-1", "transcribe");
    let verifier = Verifier::new(creds, "us-east-1", "transcribe");
    let messages: Vec<Vec<u8>> = (0..16)
        .map(|i| (0..1600 - 37 * i).map(|j| (i + j) as u8).collect())
        .collect();
    let mut req = http::Request::post("https://transcribestreaming.us-east-1.amazonaws.com/stream")
        .body(())
        .expect("request");
    let mut es = signer
        .sign_event_stream_at(&mut req, time())
        .expect("signed");
    let mut wire = Vec::with_capacity(64 * 1024);
    es.write_message(&messages[0], time(), &mut wire)
        .expect("first message");
    let first_len = wire.len();
    let n = count(|| {
        for m in &messages[1..messages.len() - 1] {
            es.write_message(m, time(), &mut wire).expect("message");
        }
    });
    assert_eq!(n, 0, "write_message allocates");
    let last = messages.last().expect("a message");
    let mut envelope = None;
    assert_eq!(
        count(|| envelope = Some(es.sign_message(last, time()).expect("message"))),
        1,
        "sign_message allocates its Vec only"
    );
    wire.extend_from_slice(&envelope.expect("signed"));
    wire.extend_from_slice(&es.finish(time()).expect("end frame"));

    // The first envelope is the largest (the messages shrink), so once it is decoded the
    // decoder's frame buffer has room for every later one.
    for split in [1000, 1, wire.len()] {
        let mut decoder = verifier
            .verify_event_stream_at(&req, time())
            .expect("request");
        let mut got: Vec<Vec<u8>> = Vec::new();
        decoder
            .feed(&wire[..first_len], time(), &mut got)
            .expect("first");
        let mut seen = 0usize;
        let mut sum = 0usize;
        let n = count(|| {
            for piece in wire[first_len..].chunks(split) {
                decoder
                    .feed_with(piece, time(), |m| {
                        seen += 1;
                        sum += m.iter().map(|b| usize::from(*b)).sum::<usize>();
                    })
                    .expect("message");
            }
        });
        decoder.finish().expect("complete");
        assert_eq!(seen, messages.len() - 1, "pieces of {split}");
        let expected: usize = messages[1..]
            .iter()
            .flatten()
            .map(|b| usize::from(*b))
            .sum();
        assert_eq!(sum, expected, "pieces of {split}");
        assert_eq!(got, messages[..1], "pieces of {split}");
        assert_eq!(n, 0, "decoding a message allocates: pieces of {split}");
    }
}
