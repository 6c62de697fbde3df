//! The fast signing path: the cached signing key rolls over at midnight UTC and is shared safely
//! between threads, and the caller-buffer entry point writes exactly what the readable path
//! explains. Every expected value comes from `explain_request_at`, which derives the key afresh
//! and builds each stage in its own buffer.

use crate::common;

use awssig::{Credentials, Payload, Settings, SignError, SignableRequest, Signer};
use time::OffsetDateTime;
use time::macros::datetime;

fn signer() -> Signer {
    Signer::new(
        Credentials::new(common::AKID, common::SECRET),
        "us-east-1",
        "service",
    )
}

fn get_vanilla() -> SignableRequest<'static> {
    SignableRequest::new("GET", "/").header("host", "example.amazonaws.com")
}

/// The `Authorization` value the readable path gives, with a freshly derived key.
fn explained(signer: &Signer, req: &SignableRequest<'_>, time: OffsetDateTime) -> String {
    let ex = signer
        .explain_request_at(req, Payload::Bytes(b""), time)
        .expect("explained");
    ex.authorization().expect("header mode").to_string()
}

fn signed(signer: &Signer, req: &SignableRequest<'_>, time: OffsetDateTime) -> String {
    let out = signer
        .sign_request_at(req, Payload::Bytes(b""), time)
        .expect("signed");
    out.authorization().to_string()
}

#[test]
fn the_cached_key_rolls_over_at_midnight_utc() {
    let signer = signer();
    let req = get_vanilla();
    let before = datetime!(2015-08-30 23:59:59 UTC);
    let after = datetime!(2015-08-31 00:00:00 UTC);
    // Forward over midnight, then back (a clock corrected backwards, a presign for yesterday).
    for (time, scope_date) in [
        (before, "20150830"),
        (after, "20150831"),
        (before, "20150830"),
    ] {
        let auth = signed(&signer, &req, time);
        assert_eq!(auth, explained(&signer, &req, time), "{time}");
        assert!(
            auth.contains(&format!("/{scope_date}/us-east-1/service/")),
            "{auth}"
        );
        // Twice on the same day: the second signature comes from the cache.
        assert_eq!(signed(&signer, &req, time), auth);
    }
}

#[test]
fn the_scope_date_is_the_utc_date_whatever_the_offset() {
    let signer = signer();
    let req = get_vanilla();
    // 01:30 in UTC+2 on the 31st is 23:30 UTC on the 30th.
    let local = datetime!(2015-08-31 01:30:00 +02:00);
    let auth = signed(&signer, &req, local);
    assert!(auth.contains("/20150830/"), "{auth}");
    assert_eq!(auth, explained(&signer, &req, local));
    // And the next UTC day is a new key, even at an offset that keeps the local date.
    let next = datetime!(2015-08-31 02:30:00 +02:00);
    let auth = signed(&signer, &req, next);
    assert!(auth.contains("/20150831/"), "{auth}");
    assert_eq!(auth, explained(&signer, &req, next));
}

#[test]
fn threads_sharing_a_signer_across_midnight_all_sign_correctly() {
    let signer = signer();
    let req = get_vanilla();
    let times = [
        datetime!(2015-08-30 23:59:58 UTC),
        datetime!(2015-08-30 23:59:59 UTC),
        datetime!(2015-08-31 00:00:00 UTC),
        datetime!(2015-08-31 00:00:01 UTC),
    ];
    let expected: Vec<String> = times.iter().map(|t| explained(&signer, &req, *t)).collect();
    std::thread::scope(|s| {
        for k in 0..4 {
            let (signer, req, expected) = (signer.clone(), &req, &expected);
            s.spawn(move || {
                for i in 0..200 {
                    // Each thread walks the times in another order, so the cache keeps flipping.
                    let j = (i + k) % times.len();
                    assert_eq!(signed(&signer, req, times[j]), expected[j]);
                }
            });
        }
    });
}

#[test]
fn different_credentials_never_share_a_key() {
    let time = common::suite_time();
    let req = get_vanilla();
    let a = signer();
    let b = Signer::new(
        Credentials::new(common::AKID, "another-secret"),
        "us-east-1",
        "service",
    );
    let (sa, sb) = (signed(&a, &req, time), signed(&b, &req, time));
    assert_ne!(sa, sb);
    assert_eq!(sa, explained(&a, &req, time));
    assert_eq!(sb, explained(&b, &req, time));
}

#[test]
fn sign_into_writes_the_same_value_as_sign_request_at() {
    let signer = signer();
    let req = get_vanilla();
    let time = common::suite_time();
    let mut buf = [0u8; 256];
    let written = signer
        .sign_into(&req, Payload::Bytes(b""), time, &mut buf)
        .unwrap();
    let out = signer
        .sign_request_at(&req, Payload::Bytes(b""), time)
        .unwrap();
    assert_eq!(&buf[..written.len()], out.authorization().as_bytes());
    assert_eq!(written.signature(), out.signature());
    assert_eq!(written.amz_date(), out.amz_date());
    assert_eq!(written.content_sha256(), None);
    assert!(!written.needs_security_token());
}

#[test]
fn sign_into_says_how_large_the_buffer_must_be() {
    let signer = signer();
    let req = get_vanilla();
    let time = common::suite_time();
    let value = explained(&signer, &req, time);
    let mut small = [0u8; 10];
    let err = signer
        .sign_into(&req, Payload::Bytes(b""), time, &mut small)
        .unwrap_err();
    assert_eq!(
        err,
        SignError::BufferTooSmall {
            needed: value.len(),
            len: 10
        }
    );
    assert!(
        err.to_string()
            .contains(&format!("at least {} bytes", value.len())),
        "{err}"
    );
    let mut exact = vec![0u8; value.len()];
    let written = signer
        .sign_into(&req, Payload::Bytes(b""), time, &mut exact)
        .unwrap();
    assert_eq!(written.len(), value.len());
    assert_eq!(exact, value.as_bytes());
}

#[test]
fn sign_into_lists_the_other_headers_to_send() {
    let creds = Credentials::new(common::AKID, common::SECRET).with_session_token("token");
    let signer = Signer::new(creds, "us-east-1", "s3").with_settings(Settings::s3());
    let req = SignableRequest::new("GET", "https://bucket.s3.amazonaws.com/key");
    let time = common::suite_time();
    let mut buf = [0u8; 512];
    let written = signer
        .sign_into(&req, Payload::Unsigned, time, &mut buf)
        .unwrap();
    let out = signer
        .sign_request_at(&req, Payload::Unsigned, time)
        .unwrap();
    assert_eq!(&buf[..written.len()], out.authorization().as_bytes());
    assert_eq!(written.content_sha256(), Some("UNSIGNED-PAYLOAD"));
    assert!(written.needs_security_token());
    let listed: Vec<(&str, &str)> = out.headers().collect();
    assert!(listed.contains(&("x-amz-content-sha256", "UNSIGNED-PAYLOAD")));
    assert!(listed.contains(&("x-amz-security-token", "token")));
}

#[test]
fn sign_into_refuses_a_query_it_would_have_to_re_encode() {
    let signer = signer();
    let time = common::suite_time();
    let mut buf = [0u8; 512];
    for query in ["a=b+c", "a=%2b", "a=1&&b=2", "k=\u{e9}"] {
        let target = format!("/?{query}");
        let req = SignableRequest::new("GET", &target).header("host", "example.amazonaws.com");
        let got = signer.sign_into(&req, Payload::Bytes(b""), time, &mut buf);
        assert_eq!(got.unwrap_err(), SignError::QueryNotCanonical, "{query}");
        // sign_request_at signs it and says which query to send instead.
        let out = signer
            .sign_request_at(&req, Payload::Bytes(b""), time)
            .unwrap();
        assert!(out.query().is_some(), "{query}");
    }
    let req =
        SignableRequest::new("GET", "/?a=b%20c&Z=%2B&flag").header("host", "example.amazonaws.com");
    let written = signer
        .sign_into(&req, Payload::Bytes(b""), time, &mut buf)
        .unwrap();
    assert_eq!(
        std::str::from_utf8(&buf[..written.len()]).unwrap(),
        explained(&signer, &req, time)
    );
}

#[test]
fn a_stated_payload_hash_is_signed_instead_of_hashing_the_body() {
    let signer = signer().with_settings(
        Settings::default().with_payload_hash_header(awssig::PayloadHashHeader::Always),
    );
    let time = common::suite_time();
    let stated = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    let padded = format!("  {stated} ");
    let req = SignableRequest::new("GET", "/")
        .header("host", "example.amazonaws.com")
        .header("x-amz-content-sha256", padded.as_str());
    // The body given is not what the stated hash covers: the stated hash wins.
    let ex = signer
        .explain_request_at(&req, Payload::Bytes(b"other body"), time)
        .expect("explained");
    assert!(
        ex.canonical_request().ends_with(&format!("\n{stated}")),
        "{}",
        ex.canonical_request()
    );
    let mut buf = [0u8; 512];
    let written = signer
        .sign_into(&req, Payload::Bytes(b"other body"), time, &mut buf)
        .expect("signed");
    assert_eq!(
        written.content_sha256(),
        None,
        "the request already carries the header"
    );
    assert_eq!(
        &buf[..written.len()],
        ex.authorization().expect("header mode").as_bytes()
    );
}
