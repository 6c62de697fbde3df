//! Bad input gets a clear `awssig::SignError`, never a panic; messages say how to fix the problem
//! and never contain a secret.

use std::time::Duration;

use awssig::{Credentials, Payload, ProviderError, SignError, SignableRequest, Signer};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLETOKEN";

fn signer() -> Signer {
    Signer::new(
        Credentials::new("AKIDEXAMPLE", SECRET).with_session_token(TOKEN),
        "us-east-1",
        "execute-api",
    )
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-22 10:00:00 UTC)
}

fn get(uri: &str) -> http::Request<()> {
    http::Request::get(uri).body(()).unwrap()
}

/// Every error's text names the problem and says what to do, and leaks no secret.
fn assert_helpful(e: &impl std::error::Error, must_mention: &str) {
    let text = e.to_string();
    assert!(
        text.contains(must_mention),
        "{text:?} should mention {must_mention:?}"
    );
    assert!(
        !text.contains(SECRET) && !text.contains(TOKEN),
        "{text:?} leaks a secret"
    );
    assert!(!format!("{e:?}").contains(SECRET));
    assert_eq!(
        text,
        text.trim_end_matches('.'),
        "messages end without a period"
    );
}

#[test]
fn a_request_without_any_host_is_rejected() {
    let mut req = get("/just/a/path");
    let e = signer().sign_at(&mut req, now()).unwrap_err();
    assert_eq!(e, SignError::MissingHost);
    assert_helpful(&e, "host");
    assert!(
        !req.headers().contains_key("authorization"),
        "nothing is half-signed"
    );
}

#[test]
fn invalid_regions_and_services_are_rejected() {
    for region in ["", "US-EAST-1", "us east 1", "us_east_1", "eu-west-1/x"] {
        let s = Signer::new(Credentials::new("AKID", "s"), region, "s3");
        let e = s.sign_at(&mut get("https://h/"), now()).unwrap_err();
        assert!(
            matches!(e, SignError::InvalidRegion { .. }),
            "{region:?}: {e}"
        );
        assert_helpful(&e, "us-east-1");
    }
    for service in ["", "S3", "execute api", "*"] {
        let s = Signer::new(Credentials::new("AKID", "s"), "us-east-1", service);
        let e = s.sign_at(&mut get("https://h/"), now()).unwrap_err();
        assert!(
            matches!(e, SignError::InvalidService { .. }),
            "{service:?}: {e}"
        );
        assert_helpful(&e, "execute-api");
    }
}

#[test]
fn times_outside_the_x_amz_date_range_are_rejected() {
    let e = signer()
        .sign_at(
            &mut get("https://h/"),
            time::macros::datetime!(-0001-12-31 23:59:59 UTC),
        )
        .unwrap_err();
    assert_eq!(e, SignError::TimeOutOfRange);
    assert_helpful(&e, "X-Amz-Date");
}

#[test]
fn presign_expiry_must_be_between_one_second_and_seven_days() {
    let req = get("https://h/");
    for secs in [0, 604_801, 10_000_000] {
        let e = signer()
            .presign_at(&req, Duration::from_secs(secs), now())
            .unwrap_err();
        assert_eq!(e, SignError::InvalidExpiry { seconds: secs });
        assert_helpful(&e, "604800");
    }
    assert!(
        signer()
            .presign_at(&req, Duration::from_secs(1), now())
            .is_ok()
    );
    assert!(
        signer()
            .presign_at(&req, Duration::from_secs(604_800), now())
            .is_ok()
    );
    // Sub-second expiries round down to 0 and are refused too.
    assert!(
        signer()
            .presign_at(&req, Duration::from_millis(999), now())
            .is_err()
    );
}

#[test]
fn presigning_an_already_signed_request_is_refused() {
    let mut req = get("https://h/");
    signer().sign_at(&mut req, now()).unwrap();
    let e = signer()
        .presign_at(&req, Duration::from_secs(60), now())
        .unwrap_err();
    assert_eq!(e, SignError::AlreadySigned);
    assert_helpful(&e, "authorization");
    let presigned = signer()
        .presign_at(&get("https://h/"), Duration::from_secs(60), now())
        .unwrap();
    let again = get(&presigned.to_string());
    assert_eq!(
        signer()
            .presign_at(&again, Duration::from_secs(60), now())
            .unwrap_err(),
        SignError::AlreadySigned
    );
}

#[test]
fn header_names_and_values_that_cannot_be_signed_are_rejected() {
    let s = signer();
    let req = SignableRequest::new("GET", "https://h/").header("x-bad", "a\u{0}b");
    let e = s
        .sign_request_at(&req, Payload::Bytes(b""), now())
        .unwrap_err();
    assert!(matches!(&e, SignError::InvalidHeaderValue { name, .. } if name == "x-bad"));
    assert_helpful(&e, "x-bad");
    let req = SignableRequest::new("GET", "https://h/").header("bad name", "v");
    assert!(matches!(
        s.sign_request_at(&req, Payload::Bytes(b""), now()),
        Err(SignError::InvalidHeaderName { .. })
    ));
    let req = SignableRequest::new("G ET", "https://h/");
    assert!(matches!(
        s.sign_request_at(&req, Payload::Bytes(b""), now()),
        Err(SignError::InvalidMethod { .. })
    ));
    let req = SignableRequest::new("GET", "no-slash");
    assert!(matches!(
        s.sign_request_at(&req, Payload::Bytes(b""), now()),
        Err(SignError::InvalidUri { .. })
    ));
}

#[test]
fn a_session_token_with_a_line_break_is_rejected_without_echoing_it() {
    let s = Signer::new(
        Credentials::new("AKID", SECRET).with_session_token("abc\r\ndef"),
        "us-east-1",
        "s3",
    );
    let e = s.sign_at(&mut get("https://h/"), now()).unwrap_err();
    assert!(
        matches!(&e, SignError::InvalidHeaderValue { name, .. } if name == "x-amz-security-token")
    );
    assert!(!e.to_string().contains("abc"));
}

#[test]
fn credentials_that_break_the_credential_field_are_rejected() {
    let s = Signer::new(Credentials::new("AK/ID", SECRET), "us-east-1", "s3");
    let e = s.sign_at(&mut get("https://h/"), now()).unwrap_err();
    assert_eq!(e, SignError::InvalidAccessKeyId);
    assert_helpful(&e, "AWS_ACCESS_KEY_ID");
    let s = Signer::new(Credentials::new("AKID", ""), "us-east-1", "s3");
    assert_eq!(
        s.sign_at(&mut get("https://h/"), now()).unwrap_err(),
        SignError::EmptySecretKey
    );
}

#[test]
fn missing_environment_credentials_name_the_variable() {
    let e = Credentials::from_env_with(|_| None).unwrap_err();
    assert!(
        matches!(
            e,
            ProviderError::MissingEnvVar {
                name: "AWS_ACCESS_KEY_ID"
            }
        ),
        "{e:?}"
    );
    assert_helpful(&e, "AWS_SECRET_ACCESS_KEY");
    let e = Credentials::from_env_with(|n| (n == "AWS_ACCESS_KEY_ID").then(|| "AKID".to_string()))
        .unwrap_err();
    assert!(
        matches!(
            e,
            ProviderError::MissingEnvVar {
                name: "AWS_SECRET_ACCESS_KEY"
            }
        ),
        "{e:?}"
    );
    let c = Credentials::from_env_with(|n| Some(format!("v-{n}"))).unwrap();
    assert_eq!(c.session_token(), Some("v-AWS_SESSION_TOKEN"));
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let s = signer();
    let shown = format!("{s:?}");
    assert!(shown.contains("AKIDEXAMPLE"));
    assert!(!shown.contains(SECRET) && !shown.contains(TOKEN), "{shown}");
    let out = s
        .sign_request_at(
            &SignableRequest::new("GET", "https://h/"),
            Payload::Bytes(b""),
            now(),
        )
        .unwrap();
    let shown = format!("{out:?}");
    assert!(!shown.contains(TOKEN) && !shown.contains(SECRET), "{shown}");
    let mut req = get("https://h/");
    s.sign_at(&mut req, now()).unwrap();
    let shown = format!("{:?}", req.headers());
    assert!(
        !shown.contains(TOKEN),
        "the token header is sensitive: {shown}"
    );
    assert!(
        !shown.contains("Signature="),
        "authorization is sensitive: {shown}"
    );
}

#[test]
fn presigning_a_url_that_carries_auth_parameters_is_refused() {
    for leftover in [
        "X-Amz-Date=20260101T000000Z",
        "x-amz-credential=AKID%2F20260101",
        "X-Amz-Expires=60",
    ] {
        let req = get(&format!("https://h/p?a=1&{leftover}"));
        assert_eq!(
            signer()
                .presign_at(&req, Duration::from_secs(60), now())
                .unwrap_err(),
            SignError::AlreadySigned,
            "{leftover}"
        );
    }
}

#[test]
fn uri_errors_do_not_repeat_userinfo_or_query() {
    let req = SignableRequest::new("GET", "https://user:hunter2@/p?X-Amz-Security-Token=tok");
    let e = signer()
        .sign_request_at(&req, Payload::Bytes(b""), now())
        .unwrap_err();
    assert!(matches!(e, SignError::InvalidUri { .. }), "{e}");
    let text = e.to_string();
    assert!(!text.contains("hunter2") && !text.contains("tok"), "{text}");
}

#[test]
fn explanations_redact_the_session_token_when_printed() {
    let req = SignableRequest::new("GET", "https://h/");
    let ex = signer()
        .explain_request_at(&req, Payload::Bytes(b""), now())
        .unwrap();
    assert!(
        ex.canonical_request().contains(TOKEN),
        "the exact text is what was hashed"
    );
    assert!(!ex.canonical_request_redacted().contains(TOKEN));
    assert!(!format!("{ex:?}").contains(TOKEN));
    let url = signer()
        .presign_at(&get("https://h/"), Duration::from_secs(60), now())
        .unwrap();
    let ex = signer()
        .explain_presign_request_at(
            &SignableRequest::new("GET", "https://h/"),
            Payload::Bytes(b""),
            Duration::from_secs(60),
            now(),
        )
        .unwrap();
    assert!(url.to_string().contains("X-Amz-Security-Token="));
    assert!(!ex.canonical_request_redacted().contains(TOKEN));
}

#[test]
fn headers_aws_requires_signed_cannot_be_excluded() {
    let settings = awssig::Settings::default()
        .with_excluded_header("host")
        .with_excluded_header("X-Amz-Date")
        .with_excluded_header("x-amz-security-token");
    let s = signer().with_settings(settings);
    let ex = s
        .explain_request_at(
            &SignableRequest::new("GET", "https://h/"),
            Payload::Bytes(b""),
            now(),
        )
        .unwrap();
    assert_eq!(ex.signed_headers(), "host;x-amz-date;x-amz-security-token");
}
