//! The verifier accepts what the signer produces and rejects each kind of tampering with the
//! message AWS gives for it (texts from the field notes, section 4).

use std::time::Duration;

use awssig::{
    Credentials, Payload, Settings, Signer, UnsignedPayload, Verifier, VerifyError, clock_offset,
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
    assert_eq!(e.to_string(), "Missing Authentication Token");
    assert_eq!(e.error_type(), "MissingAuthenticationTokenException");
}

#[test]
fn changed_body_is_a_signature_mismatch_with_aws_sentence() {
    let req = signed_post(b"{}");
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b"{ }"), now())
        .unwrap_err();
    assert_eq!(e, VerifyError::SignatureMismatch);
    assert_eq!(
        e.to_string(),
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
        e.to_string(),
        "Signature expired: 20150830T123600Z is now earlier than 20150830T123700Z (20150830T124200Z - 5 min.)"
    );
    // and the client can read the server clock back from it
    let body = format!("{{\"message\":\"{e}\"}}");
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
        e.to_string()
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
        e.to_string(),
        "Credential should be scoped to a valid region, not 'us-east-1'. "
    );
    let e = Verifier::new(creds(), "us-east-1", "lambda")
        .verify_at(&req, Payload::Bytes(b"{}"), now())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
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
        e.to_string(),
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
        e.to_string(),
        "Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer <redacted>"
    );
    assert_eq!(e.error_type(), "IncompleteSignatureException");
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
    assert_eq!(e.to_string(), "Request has expired");
    let e = v
        .verify_at(
            &presigned,
            Payload::Unsigned,
            now() - time::Duration::minutes(16),
        )
        .unwrap_err();
    assert_eq!(e.to_string(), "Request is not yet valid");
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
        e.to_string()
            .starts_with("Signature expired: 20150830T123600Z is now earlier than")
    );
    let far_past = std::time::SystemTime::UNIX_EPOCH - Duration::from_secs(400_000_000_000);
    let e = v
        .verify_at(&req, Payload::Bytes(b"{}"), far_past)
        .unwrap_err();
    assert!(matches!(e, VerifyError::NotYetCurrent { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with("Signature not yet current: 20150830T123600Z")
    );
}
