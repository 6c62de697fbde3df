//! The verifier accepts what the signer produces and rejects each kind of tampering with the
//! message AWS gives for it (texts quoted in public bug reports, named where used).

use std::time::Duration;

use awssig::{
    Credentials, Payload, Settings, Signer, Verifier, VerifyError, diagnose::clock_offset,
    verify::UnsignedPayload,
};
use time::macros::datetime;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn now() -> time::OffsetDateTime {
    datetime!(2015-08-30 12:36:00 UTC)
}

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET)
}

fn signer() -> Signer {
    Signer::new(creds(), "us-east-1", "execute-api")
}

fn verifier() -> Verifier {
    Verifier::new(creds(), "us-east-1", "execute-api").with_max_skew(Duration::from_secs(300))
}

fn signed_post(body: &'static [u8]) -> http::Request<&'static [u8]> {
    let mut req =
        http::Request::post("https://abc.execute-api.us-east-1.amazonaws.com/prod/items?b=2&a=1")
            .header("content-type", "application/json")
            .header("x-amz-meta-colour", "blue")
            .body(body)
            .unwrap();
    signer().sign_at(&mut req, now()).unwrap();
    req
}

#[test]
fn a_signed_request_verifies_and_names_its_key_and_scope() {
    let req = signed_post(b"{}");
    let v = verifier()
        .verify_at(&req, Payload::Bytes(b"{}"), now())
        .unwrap();
    assert_eq!(v.access_key_id(), AKID);
    assert_eq!(
        v.credential().scope(),
        "20150830/us-east-1/execute-api/aws4_request"
    );
    assert_eq!(
        v.signed_headers(),
        ["content-type", "host", "x-amz-date", "x-amz-meta-colour"]
    );
    assert!(!v.presigned());
}

#[test]
fn unsigned_request_is_missing_authentication_token() {
    let req = http::Request::get("https://h/").body(()).unwrap();
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b""), now())
        .unwrap_err();
    assert_eq!(e.aws_message(), "Missing Authentication Token");
    assert_eq!(e.aws_code(), "MissingAuthenticationTokenException");
}

#[test]
fn changed_body_is_a_signature_mismatch_with_aws_sentence() {
    let req = signed_post(b"{}");
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b"{ }"), now())
        .unwrap_err();
    assert_eq!(e, VerifyError::SignatureMismatch);
    assert_eq!(
        e.aws_message(),
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    );
}

#[test]
fn old_date_is_expired_in_api_gateway_layout() {
    let req = signed_post(b"{}");
    let later = now() + time::Duration::minutes(6);
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b"{}"), later)
        .unwrap_err();
    assert_eq!(
        e.aws_message(),
        "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T124200Z - 5 min.)"
    );
    // and the client can read the server clock back from it
    let body = format!("{{\"message\":\"{}\"}}", e.aws_message());
    let off = clock_offset(&http::HeaderMap::new(), body.as_bytes(), now()).unwrap();
    assert_eq!(off.offset, time::Duration::minutes(6));
    let fixed = {
        let mut req = http::Request::post(
            "https://abc.execute-api.us-east-1.amazonaws.com/prod/items?b=2&a=1",
        )
        .body(&b"{}"[..])
        .unwrap();
        signer()
            .with_clock_offset(off.offset)
            .sign_at(&mut req, now())
            .unwrap();
        req
    };
    assert!(
        verifier()
            .verify_at(&fixed, Payload::Bytes(b"{}"), later)
            .is_ok()
    );
}

#[test]
fn future_date_is_not_yet_current() {
    let req = signed_post(b"{}");
    let earlier = now() - time::Duration::minutes(6);
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b"{}"), earlier)
        .unwrap_err();
    assert!(
        e.aws_message()
            .starts_with("Signature not yet current: 20150830T123600Z is still later than"),
        "{e}"
    );
}

#[test]
fn wrong_region_and_service_use_aws_wording() {
    let req = signed_post(b"{}");
    let e = Verifier::new(creds(), "eu-west-1", "execute-api")
        .verify_at(&req, Payload::Bytes(b"{}"), now())
        .unwrap_err();
    assert_eq!(
        e.aws_message(),
        "Credential should be scoped to a valid region, not 'us-east-1'. "
    );
    let e = Verifier::new(creds(), "us-east-1", "lambda")
        .verify_at(&req, Payload::Bytes(b"{}"), now())
        .unwrap_err();
    assert_eq!(
        e.aws_message(),
        "Credential should be scoped to correct service: 'lambda'. "
    );
}

#[test]
fn unknown_key_and_bad_tokens_are_invalid_security_tokens() {
    let req = signed_post(b"{}");
    let e = Verifier::new(
        Credentials::new("OTHER", SECRET),
        "us-east-1",
        "execute-api",
    )
    .verify_at(&req, Payload::Bytes(b"{}"), now())
    .unwrap_err();
    assert_eq!(
        e.aws_message(),
        "The security token included in the request is invalid."
    );
    let with_token = creds().with_session_token("tok");
    let e = Verifier::new(with_token.clone(), "us-east-1", "execute-api")
        .verify_at(&req, Payload::Bytes(b"{}"), now())
        .unwrap_err();
    assert_eq!(e, VerifyError::InvalidSecurityToken);
    let mut req = http::Request::get("https://h/").body(()).unwrap();
    Signer::new(with_token.clone(), "us-east-1", "execute-api")
        .sign_at(&mut req, now())
        .unwrap();
    assert!(
        Verifier::new(with_token, "us-east-1", "execute-api")
            .verify_at(&req, Payload::Bytes(b""), now())
            .is_ok()
    );
    let other = creds().with_session_token("tok2");
    let e = Verifier::new(other, "us-east-1", "execute-api")
        .verify_at(&req, Payload::Bytes(b""), now())
        .unwrap_err();
    assert_eq!(e, VerifyError::InvalidSecurityToken);
}

#[test]
fn bearer_token_gives_incomplete_signature_with_every_requirement() {
    let req = http::Request::get("https://h/")
        .header("authorization", "Bearer xyz")
        .body(())
        .unwrap();
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b""), now())
        .unwrap_err();
    // aws-amplify/amplify-flutter#1539, aws/chalice#828
    assert_eq!(
        e.aws_message(),
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer <redacted>"
    );
    assert_eq!(e.aws_code(), "IncompleteSignatureException");
}

#[test]
fn unsigned_amz_header_and_unsigned_host_are_rejected() {
    let mut req = signed_post(b"{}");
    req.headers_mut()
        .insert("x-amz-meta-extra", "1".parse().unwrap());
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b"{}"), now())
        .unwrap_err();
    assert_eq!(
        e,
        VerifyError::HeadersNotSigned {
            names: vec!["x-amz-meta-extra".into()]
        }
    );
}

#[test]
fn claimed_header_that_was_not_sent_is_rejected_and_shown_empty() {
    let mut req = signed_post(b"{}");
    req.headers_mut().remove("content-type");
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b"{}"), now())
        .unwrap_err();
    assert_eq!(e, VerifyError::SignatureMismatch);
    let view = verifier().server_view(&req, Payload::Bytes(b"{}")).unwrap();
    assert!(
        view.canonical_request().contains("\ncontent-type:\n"),
        "{}",
        view.canonical_request()
    );
    assert!(!e.to_string().contains("content-type"));
}

#[test]
fn unsigned_header_may_change_freely() {
    let mut req = signed_post(b"{}");
    req.headers_mut()
        .insert("user-agent", "changed".parse().unwrap());
    req.headers_mut()
        .insert("x-forwarded-for", "10.0.0.1".parse().unwrap());
    assert!(
        verifier()
            .verify_at(&req, Payload::Bytes(b"{}"), now())
            .is_ok()
    );
}

#[test]
fn presigned_urls_verify_and_expire() {
    let req = http::Request::get("https://bucket.s3.amazonaws.com/key%20a.txt")
        .body(())
        .unwrap();
    let s3 = Signer::new(creds(), "us-east-1", "s3").with_settings(Settings::s3());
    let uri = s3.presign_at(&req, Duration::from_secs(60), now()).unwrap();
    let presigned = http::Request::get(uri)
        .header("host", "bucket.s3.amazonaws.com")
        .body(())
        .unwrap();
    let v = Verifier::new(creds(), "us-east-1", "s3").with_settings(Settings::s3());
    let ok = v
        .verify_at(
            &presigned,
            Payload::Unsigned,
            now() + time::Duration::seconds(30),
        )
        .unwrap();
    assert!(ok.presigned());
    let e = v
        .verify_at(
            &presigned,
            Payload::Unsigned,
            now() + time::Duration::seconds(61),
        )
        .unwrap_err();
    assert_eq!(e.aws_message(), "Request has expired");
    let e = v
        .verify_at(
            &presigned,
            Payload::Unsigned,
            now() - time::Duration::minutes(16),
        )
        .unwrap_err();
    assert_eq!(e.aws_message(), "Request is not yet valid");
    let tampered: http::Uri = presigned
        .uri()
        .to_string()
        .replace("key%20a", "key%20b")
        .parse()
        .unwrap();
    let bad = http::Request::get(tampered)
        .header("host", "bucket.s3.amazonaws.com")
        .body(())
        .unwrap();
    assert_eq!(
        v.verify_at(&bad, Payload::Unsigned, now()).unwrap_err(),
        VerifyError::SignatureMismatch
    );
}

#[test]
fn unsigned_payload_follows_the_policy() {
    let mut req = http::Request::put("https://h/o").body(()).unwrap();
    signer()
        .sign_payload_at(&mut req, Payload::Unsigned, now())
        .unwrap();
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b"x"), now())
        .unwrap_err();
    assert_eq!(e, VerifyError::UnsignedPayloadNotAllowed);
    let ok = verifier()
        .with_unsigned_payload(UnsignedPayload::Allowed)
        .verify_at(&req, Payload::Bytes(b"x"), now());
    assert!(ok.is_ok());
}

#[test]
fn content_sha256_header_must_match_the_body() {
    let mut req = http::Request::put("https://h/o")
        .body(&b"data"[..])
        .unwrap();
    signer()
        .with_settings(Settings::s3())
        .sign_at(&mut req, now())
        .unwrap();
    let v = verifier().with_settings(Settings::s3());
    assert!(v.verify_at(&req, Payload::Bytes(b"data"), now()).is_ok());
    assert!(v.verify_at(&req, Payload::Unsigned, now()).is_ok());
    assert_eq!(
        v.verify_at(&req, Payload::Bytes(b"dat"), now())
            .unwrap_err(),
        VerifyError::ContentSha256Mismatch
    );
}

#[test]
fn a_date_header_satisfies_the_date_requirement_and_must_parse() {
    let mut req = http::Request::get("https://h/").body(()).unwrap();
    signer().sign_at(&mut req, now()).unwrap();
    req.headers_mut().remove("x-amz-date");
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b""), now())
        .unwrap_err();
    assert!(
        matches!(
            e,
            VerifyError::IncompleteSignature {
                date_missing: true,
                ..
            }
        ),
        "{e:?}"
    );
    req.headers_mut()
        .insert("date", "Sun, 30 Aug 2015 12:36:00 GMT".parse().unwrap());
    // Dated by `Date` now, but the claimed x-amz-date is absent: a mismatch, not incomplete.
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b""), now())
        .unwrap_err();
    assert_eq!(e, VerifyError::SignatureMismatch);
    req.headers_mut()
        .insert("date", "not a date".parse().unwrap());
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b""), now())
        .unwrap_err();
    assert!(matches!(e, VerifyError::InvalidDate { .. }), "{e:?}");
}

#[test]
fn the_server_clock_may_be_any_time_type_and_out_of_range_times_do_not_panic() {
    let req = signed_post(b"{}");
    let v = verifier();
    let as_system_time = std::time::SystemTime::UNIX_EPOCH
        + Duration::from_secs(u64::try_from(now().unix_timestamp()).unwrap());
    assert!(v.verify_at(&req, Payload::Bytes(b"{}"), now()).is_ok());
    assert!(
        v.verify_at(&req, Payload::Bytes(b"{}"), as_system_time)
            .is_ok()
    );
    // A clock past year 9999 (or before the epoch's earliest `time` date) is a clock no request
    // can be current for: an answer, not a panic.
    let far_future = std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(400_000_000_000);
    let e = v
        .verify_at(&req, Payload::Bytes(b"{}"), far_future)
        .unwrap_err();
    assert!(matches!(e, VerifyError::Expired { .. }), "{e:?}");
    assert!(
        e.aws_message()
            .starts_with("Signature expired: 20150830T123600Z is now earlier than")
    );
    let far_past = std::time::SystemTime::UNIX_EPOCH - Duration::from_secs(400_000_000_000);
    let e = v
        .verify_at(&req, Payload::Bytes(b"{}"), far_past)
        .unwrap_err();
    assert!(matches!(e, VerifyError::NotYetCurrent { .. }), "{e:?}");
    assert!(
        e.aws_message()
            .starts_with("Signature not yet current: 20150830T123600Z")
    );
}

/// Signs `GET /prod` for the `Host` header `host`, as a client that sends `host` would.
fn sign_for_host(host: &str) -> awssig::signer::Signed {
    let req = awssig::SignableRequest::new("GET", "/prod").header("host", host);
    signer()
        .sign_request_at(&req, Payload::Bytes(b""), now())
        .unwrap()
}

/// Verifies `target` sent with the `Host` header `host` and the headers `signed` adds.
fn verify_sent(
    target: &str,
    host: &str,
    signed: &awssig::signer::Signed,
) -> Result<awssig::verify::Verified, VerifyError> {
    let mut req = awssig::SignableRequest::new("GET", target).header("host", host);
    for (name, value) in signed.headers() {
        req = req.header(name, value);
    }
    verifier().verify_request_at(&req, Payload::Bytes(b""), now())
}

#[test]
fn expired_session_credentials_are_refused() {
    let expiry = std::time::SystemTime::from(now());
    let temporary = creds()
        .with_session_token("session-token")
        .with_expiry(expiry);
    let mut req = http::Request::get("https://h/").body(()).unwrap();
    Signer::new(temporary.clone(), "us-east-1", "execute-api")
        .sign_at(&mut req, now() - time::Duration::seconds(10))
        .unwrap();
    let v = |expiry| {
        Verifier::new(
            temporary.clone().with_expiry(expiry),
            "us-east-1",
            "execute-api",
        )
        .verify_at(&req, Payload::Bytes(b""), now())
    };
    // Valid one second longer: accepted.
    assert!(v(expiry + Duration::from_secs(1)).is_ok());
    // Expiring at the server's time, or before: refused with AWS's answer.
    for expiry in [expiry, expiry - Duration::from_secs(3600)] {
        let e = v(expiry).unwrap_err();
        assert_eq!(
            e.aws_message(),
            "The security token included in the request is expired"
        );
        assert_eq!(e.aws_code(), "ExpiredTokenException");
        assert_eq!(e.status(), 403);
    }
}

#[test]
fn a_presigned_url_stops_working_when_its_credentials_expire() {
    let expiry = std::time::SystemTime::from(now() + time::Duration::minutes(10));
    let temporary = creds()
        .with_session_token("session-token")
        .with_expiry(expiry);
    let req = http::Request::get("https://bucket.s3.amazonaws.com/key")
        .body(())
        .unwrap();
    let uri = Signer::new(temporary.clone(), "us-east-1", "s3")
        .with_settings(Settings::s3())
        .presign_at(&req, Duration::from_secs(3600), now())
        .unwrap();
    let presigned = http::Request::get(uri).body(()).unwrap();
    let v = Verifier::new(temporary, "us-east-1", "s3").with_settings(Settings::s3());
    let at = |minutes| now() + time::Duration::minutes(minutes);
    assert!(v.verify_at(&presigned, Payload::Unsigned, at(5)).is_ok());
    // X-Amz-Expires runs for an hour, but the credentials that made the URL are gone.
    for minutes in [10, 30] {
        let e = v
            .verify_at(&presigned, Payload::Unsigned, at(minutes))
            .unwrap_err();
        assert_eq!(
            e.aws_message(),
            "The security token included in the request is expired"
        );
    }
}

#[test]
fn host_header_must_name_the_uri_authority_with_default_ports_normalised() {
    for (target, host) in [
        ("https://example.com/prod", "example.com"),
        ("https://EXAMPLE.com/prod", "Example.COM"),
        ("https://example.com:443/prod", "example.com"),
        ("https://example.com/prod", "example.com:443"),
        ("http://example.com:80/prod", "example.com"),
        ("http://example.com/prod", "example.com:80"),
        ("https://example.com:/prod", "example.com"),
        ("https://user:pw@example.com/prod", "example.com"),
        ("https://example.com:8443/prod", "example.com:8443"),
        ("https://[::1]:443/prod", "[::1]"),
        // Origin-form: only the Host header names the host.
        ("/prod", "example.com"),
    ] {
        let signed = sign_for_host(host);
        assert!(
            verify_sent(target, host, &signed).is_ok(),
            "{target} with Host: {host}"
        );
    }
    for (target, host) in [
        // Signed for (and carrying a Host header naming) one host, routed to another.
        ("https://internal.example/prod", "example.com"),
        ("https://example.com/prod", "example.com.evil"),
        ("https://example.com/prod", "example.com:80"),
        ("http://example.com/prod", "example.com:443"),
        ("https://example.com:8443/prod", "example.com"),
        ("https://example.com/prod", "example.com:8443"),
        ("https://example.com/prod", "user@example.com"),
        ("https://[::1]/prod", "[::2]"),
    ] {
        let signed = sign_for_host(host);
        let e = verify_sent(target, host, &signed).unwrap_err();
        assert!(
            e.aws_message().starts_with(&format!(
                "The Host header '{host}' does not name the host of the request URI"
            )),
            "{target} with Host: {host}: {e}"
        );
        assert_eq!(e.status(), 400, "{e}");
        assert_eq!(e.aws_code(), "BadRequestException");
    }
    // The URI's userinfo is never echoed.
    let e = verify_sent(
        "https://user:pw@internal.example/prod",
        "example.com",
        &sign_for_host("example.com"),
    )
    .unwrap_err();
    assert!(!e.to_string().contains("pw"), "{e}");
    assert!(!e.aws_message().contains("pw"), "{e}");
}

#[test]
fn repeated_host_headers_are_refused() {
    // Signed for one host; a second `host` header is added on the way (the signer itself
    // refuses to sign two).
    let req = awssig::SignableRequest::new("GET", "/prod").header("host", "example.com");
    let signed = signer()
        .sign_request_at(&req, Payload::Bytes(b""), now())
        .unwrap();
    let mut sent = awssig::SignableRequest::new("GET", "/prod")
        .header("host", "example.com")
        .header("host", "internal.example");
    for (name, value) in signed.headers() {
        sent = sent.header(name, value);
    }
    let e = verifier()
        .verify_request_at(&sent, Payload::Bytes(b""), now())
        .unwrap_err();
    assert_eq!(
        e.aws_message(),
        "The request has more than one Host header; send exactly one."
    );
    assert_eq!(e.status(), 400);
}

#[test]
fn a_second_authorization_header_is_refused() {
    let mut req = signed_post(b"{}");
    let mut other = req.clone();
    Signer::new(
        Credentials::new("AKIDOTHER", SECRET),
        "us-east-1",
        "execute-api",
    )
    .sign_at(&mut other, now())
    .unwrap();
    let second = other.headers()["authorization"].clone();
    req.headers_mut().append("authorization", second);
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b"{}"), now())
        .unwrap_err();
    assert_eq!(
        e.aws_message(),
        "The request has more than one Authorization header; send exactly one."
    );
    assert_eq!(e.aws_code(), "IncompleteSignatureException");
    assert_eq!(e.status(), 403);
    // The same value twice is no better: which copy counts is still up to the reader.
    let mut twice = signed_post(b"{}");
    let first = twice.headers()["authorization"].clone();
    twice.headers_mut().append("authorization", first);
    assert_eq!(
        verifier()
            .verify_at(&twice, Payload::Bytes(b"{}"), now())
            .unwrap_err()
            .aws_message(),
        "The request has more than one Authorization header; send exactly one."
    );
}

#[test]
fn s3_header_auth_without_content_sha256_is_refused_as_s3_does() {
    let s3 = Verifier::new(creds(), "us-east-1", "s3").with_settings(Settings::s3());
    // A client that does not send the header (the signer's default outside S3's settings).
    let mut req = http::Request::get("https://bucket.s3.amazonaws.com/key")
        .body(())
        .unwrap();
    Signer::new(creds(), "us-east-1", "s3")
        .sign_at(&mut req, now())
        .unwrap();
    assert!(!req.headers().contains_key("x-amz-content-sha256"));
    let e = s3.verify_at(&req, Payload::Bytes(b""), now()).unwrap_err();
    assert_eq!(
        e.aws_message(),
        "Missing required header for this request: x-amz-content-sha256"
    );
    assert_eq!(e.aws_code(), "InvalidRequest");
    assert_eq!(e.status(), 400);
    // With the header, as S3 clients send it, the request verifies.
    let mut req = http::Request::get("https://bucket.s3.amazonaws.com/key")
        .body(())
        .unwrap();
    Signer::new(creds(), "us-east-1", "s3")
        .with_settings(Settings::s3())
        .sign_at(&mut req, now())
        .unwrap();
    assert!(s3.verify_at(&req, Payload::Bytes(b""), now()).is_ok());
}

#[test]
fn forty_thousand_signed_headers_verify_and_each_kind_of_tampering_is_caught() {
    // Matching SignedHeaders against the request was quadratic: 40k names took seconds.
    const N: usize = 40_000;
    // Half the names are sent in uppercase: matching is case-insensitive.
    let names: Vec<String> = (0..N)
        .map(|i| {
            let name = format!("x-amz-meta-h{i:05}");
            if i % 2 == 0 {
                name.to_ascii_uppercase()
            } else {
                name
            }
        })
        .collect();
    let mut req = awssig::SignableRequest::new("GET", "/prod").header("host", "example.com");
    for name in names.iter().rev() {
        req.push_header(name, b"v");
    }
    let signed = signer()
        .sign_request_at(&req, Payload::Bytes(b""), now())
        .unwrap();
    // The request as sent: `value(i)` for the i-th name (`None` drops it), the signed headers,
    // and `extra` headers.
    let verify = |value: &dyn Fn(usize) -> Option<&'static [u8]>,
                  extra: &[(&'static str, &'static str)]| {
        let mut sent = awssig::SignableRequest::new("GET", "/prod").header("host", "example.com");
        for (i, name) in names.iter().enumerate() {
            if let Some(v) = value(i) {
                sent.push_header(name, v);
            }
        }
        for (name, value) in signed.headers().chain(extra.iter().copied()) {
            sent = sent.header(name, value);
        }
        verifier().verify_request_at(&sent, Payload::Bytes(b""), now())
    };
    let v = verify(&|_| Some(b"v"), &[]).unwrap();
    assert_eq!(v.signed_headers().len(), N + 2);
    // One value changed.
    assert_eq!(
        verify(&|i| Some(if i == N / 2 { b"w" } else { b"v" }), &[]).unwrap_err(),
        VerifyError::SignatureMismatch
    );
    // One signed header dropped.
    assert_eq!(
        verify(&|i| (i != N / 3).then_some(&b"v"[..]), &[]).unwrap_err(),
        VerifyError::SignatureMismatch
    );
    // One unsigned x-amz-* header added.
    assert_eq!(
        verify(&|_| Some(b"v"), &[("x-amz-meta-extra", "1")]).unwrap_err(),
        VerifyError::HeadersNotSigned {
            names: vec!["x-amz-meta-extra".into()]
        }
    );
}

/// The two-phase API (`authenticate_at`, then `verify_payload`) and what `Verified` says about
/// the payload. These name items that did not exist before the split.
mod two_phase {
    use super::*;
    use awssig::{SignableRequest, verify::PayloadKind};

    #[test]
    fn forged_requests_are_refused_before_the_body_is_needed() {
        let req = signed_post(b"{}");
        let view = SignableRequest::from(&req);
        // A good request passes the header checks without its body...
        let authenticated = verifier().authenticate_at(&view, now()).unwrap();
        assert_eq!(authenticated.access_key_id(), AKID);
        assert!(!authenticated.presigned());
        // ...and every header-decidable failure is answered without it.
        let stranger = Verifier::new(
            Credentials::new("OTHER", SECRET),
            "us-east-1",
            "execute-api",
        );
        assert_eq!(
            stranger.authenticate_at(&view, now()).unwrap_err(),
            VerifyError::UnknownAccessKey
        );
        let late = now() + time::Duration::minutes(6);
        assert!(matches!(
            verifier().authenticate_at(&view, late).unwrap_err(),
            VerifyError::Expired { .. }
        ));
        let mut extra = req.clone();
        extra
            .headers_mut()
            .insert("x-amz-meta-extra", "1".parse().unwrap());
        assert!(matches!(
            verifier()
                .authenticate_at(&SignableRequest::from(&extra), now())
                .unwrap_err(),
            VerifyError::HeadersNotSigned { .. }
        ));
        let anonymous = http::Request::post("https://h/").body(()).unwrap();
        assert_eq!(
            verifier()
                .authenticate_at(&SignableRequest::from(&anonymous), now())
                .unwrap_err(),
            VerifyError::MissingAuthenticationToken
        );
        let mut unsigned = http::Request::put("https://h/o").body(()).unwrap();
        signer()
            .sign_payload_at(&mut unsigned, Payload::Unsigned, now())
            .unwrap();
        assert_eq!(
            verifier()
                .authenticate_at(&SignableRequest::from(&unsigned), now())
                .unwrap_err(),
            VerifyError::UnsignedPayloadNotAllowed
        );
    }

    #[test]
    fn authenticate_then_verify_payload_agrees_with_verify() {
        let req = signed_post(b"{}");
        let view = SignableRequest::from(&req);
        for body in [&b"{}"[..], b"{ }", b""] {
            let two_phase = verifier()
                .authenticate_at(&view, now())
                .and_then(|a| a.verify_payload(&view, Payload::Bytes(body)));
            assert_eq!(
                two_phase,
                verifier().verify_at(&req, Payload::Bytes(body), now()),
                "{body:?}"
            );
        }
        assert_eq!(
            verifier()
                .authenticate_at(&view, now())
                .unwrap()
                .verify_payload(&view, Payload::Bytes(b"{ }"))
                .unwrap_err(),
            VerifyError::SignatureMismatch
        );
    }

    #[test]
    fn authenticated_can_be_held_across_an_await_while_the_body_is_read() {
        fn send_sync_static<T: Send + Sync + 'static>(_: &T) {}
        let req = signed_post(b"{}");
        let authenticated = verifier()
            .authenticate_at(&SignableRequest::from(&req), now())
            .unwrap();
        send_sync_static(&authenticated);
    }

    #[test]
    fn authenticated_debug_shows_no_secret_or_token() {
        let temporary = creds().with_session_token("SESSIONTOKENVALUE");
        let mut req = http::Request::get("https://h/").body(()).unwrap();
        Signer::new(temporary.clone(), "us-east-1", "execute-api")
            .sign_at(&mut req, now())
            .unwrap();
        let authenticated = Verifier::new(temporary, "us-east-1", "execute-api")
            .authenticate_at(&SignableRequest::from(&req), now())
            .unwrap();
        let debug = format!("{authenticated:?}");
        assert!(debug.contains(AKID), "{debug}");
        assert!(!debug.contains(SECRET), "{debug}");
        assert!(!debug.contains("SESSIONTOKENVALUE"), "{debug}");
    }

    #[test]
    fn verified_says_whether_the_payload_was_signed_unsigned_or_claimed() {
        // The body's hash, checked against the bytes given (or their precomputed hash).
        let req = signed_post(b"{}");
        let v = verifier()
            .verify_at(&req, Payload::Bytes(b"{}"), now())
            .unwrap();
        assert_eq!(v.payload(), PayloadKind::Signed);
        let sha = <sha2::Sha256 as sha2::Digest>::digest(b"data");
        let mut put = http::Request::put("https://h/o")
            .body(&b"data"[..])
            .unwrap();
        signer()
            .with_settings(Settings::s3())
            .sign_at(&mut put, now())
            .unwrap();
        let v = verifier()
            .verify_at(&put, Payload::Precomputed(sha.into()), now())
            .unwrap();
        assert_eq!(v.payload(), PayloadKind::Signed);
        // A claimed x-amz-content-sha256 the verifier could not check: it says which hash.
        let v = verifier()
            .verify_at(&put, Payload::Unsigned, now())
            .unwrap();
        assert_eq!(v.payload(), PayloadKind::Claimed { sha256: sha.into() });
        // UNSIGNED-PAYLOAD.
        let mut unsigned = http::Request::put("https://h/o").body(()).unwrap();
        signer()
            .sign_payload_at(&mut unsigned, Payload::Unsigned, now())
            .unwrap();
        let v = verifier()
            .with_unsigned_payload(UnsignedPayload::Allowed)
            .verify_at(&unsigned, Payload::Bytes(b"x"), now())
            .unwrap();
        assert_eq!(v.payload(), PayloadKind::Unsigned);
        // An S3 presigned URL does not sign its body.
        let get = http::Request::get("https://bucket.s3.amazonaws.com/key")
            .body(())
            .unwrap();
        let uri = Signer::new(creds(), "us-east-1", "s3")
            .with_settings(Settings::s3())
            .presign_at(&get, Duration::from_secs(60), now())
            .unwrap();
        let v = Verifier::new(creds(), "us-east-1", "s3")
            .with_settings(Settings::s3())
            .verify_at(
                &http::Request::get(uri).body(()).unwrap(),
                Payload::Unsigned,
                now(),
            )
            .unwrap();
        assert_eq!(v.payload(), PayloadKind::Unsigned);
    }
}
