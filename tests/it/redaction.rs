//! Credentials never reach text meant for people: `Debug` of the receiving side's values, the
//! 403 answers built from them, and the echo of another scheme's `Authorization` header.

use std::time::Duration;

use awssig::{
    Credentials, Payload, SignableRequest, Signer, Verifier, VerifyError, verify::TokenDisplay,
};
use time::macros::datetime;

const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLE-SESSION-TOKEN";

fn now() -> time::OffsetDateTime {
    datetime!(2015-08-30 12:36:00 UTC)
}

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .with_session_token(TOKEN)
}

/// A request signed with a session token whose body was changed after signing: the verifier's
/// answer is a signature mismatch, with a server view to quote.
fn tampered_request() -> http::Request<&'static [u8]> {
    let mut req = http::Request::post("https://abc.execute-api.us-east-1.amazonaws.com/prod")
        .body(&b"signed"[..])
        .unwrap();
    Signer::new(creds(), "us-east-1", "execute-api")
        .sign_at(&mut req, now())
        .unwrap();
    req.map(|_| &b"changed"[..])
}

/// Whether `shown` carries `secret`, as text or as the list of its bytes a derived `Debug`
/// of a `&[u8]` prints.
fn carries(shown: &str, secret: &str) -> bool {
    let bytes = format!("{:?}", secret.as_bytes());
    shown.contains(secret) || shown.contains(bytes.trim_matches(['[', ']']))
}

fn verifier() -> Verifier {
    Verifier::new(creds(), "us-east-1", "execute-api").with_max_skew(Duration::from_secs(300))
}

#[test]
fn server_view_debug_and_the_403_message_redact_the_session_token() {
    let req = tampered_request();
    let e = verifier()
        .verify_at(&req, Payload::Bytes(req.body()), now())
        .unwrap_err();
    assert_eq!(e, VerifyError::SignatureMismatch);
    let view = verifier()
        .server_view(&req, Payload::Bytes(req.body()))
        .unwrap();
    // The exact text is still there for code that asks for it.
    assert!(view.canonical_request().contains(TOKEN));
    assert!(!format!("{view:?}").contains(TOKEN), "{view:?}");
    assert!(!view.canonical_request_redacted().contains(TOKEN));
    let message = e.api_gateway_message(Some(&view));
    assert!(!message.contains(TOKEN), "{message}");
    assert!(
        message.contains("x-amz-security-token:<redacted>"),
        "{message}"
    );
    let body = e.api_gateway_body(Some(&view));
    assert!(!body.contains(TOKEN), "{body}");
}

#[test]
fn a_server_view_shows_the_session_token_only_when_asked() {
    let req = tampered_request();
    let view = verifier()
        .server_view(&req, Payload::Bytes(req.body()))
        .unwrap()
        .with_token_display(TokenDisplay::Shown);
    assert_eq!(view.token_display(), TokenDisplay::Shown);
    let message = VerifyError::SignatureMismatch.api_gateway_message(Some(&view));
    assert!(message.contains(&format!("x-amz-security-token:{TOKEN}")));
}

#[test]
fn signable_request_debug_redacts_credentials_in_headers_and_query() {
    let target = format!(
        "/photo.jpg?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Security-Token={TOKEN}&X-Amz-Signature=abc123sig&x-id=GetObject"
    );
    let req = SignableRequest::new("GET", &target)
        .header("host", "bucket.s3.amazonaws.com")
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=AKID/x, Signature=abc123sig",
        )
        .header("x-amz-security-token", TOKEN)
        .header("Proxy-Authorization", "Basic cHJveHk6c2VjcmV0")
        .header("cookie", "session=s3cr3t")
        .header("x-api-key", "visible");
    let shown = format!("{req:?}");
    for secret in [TOKEN, "abc123sig", "cHJveHk6c2VjcmV0", "s3cr3t"] {
        assert!(!carries(&shown, secret), "{secret} in {shown}");
    }
    // What is not a credential stays readable.
    for kept in [
        "bucket.s3.amazonaws.com",
        "visible",
        "x-id=GetObject",
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "/photo.jpg",
    ] {
        assert!(shown.contains(kept), "{kept} missing from {shown}");
    }
}

#[test]
fn signable_request_debug_from_a_signed_http_request_shows_no_credentials() {
    let mut req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod")
        .body(())
        .unwrap();
    Signer::new(creds(), "us-east-1", "execute-api")
        .sign_at(&mut req, now())
        .unwrap();
    let signature = req.headers()["authorization"]
        .to_str()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_string();
    let shown = format!("{:?}", SignableRequest::from(&req));
    assert!(!carries(&shown, TOKEN), "{shown}");
    assert!(!carries(&shown, &signature), "{shown}");
}

#[test]
fn another_schemes_authorization_is_echoed_as_its_scheme_only() {
    let req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod")
        .header("authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.c2VjcmV0")
        .body(())
        .unwrap();
    let e = verifier()
        .verify_at(&req, Payload::Bytes(b""), now())
        .unwrap_err();
    for text in [
        e.to_string(),
        e.aws_message(),
        format!("{e:?}"),
        e.api_gateway_body(None),
    ] {
        assert!(!text.contains("eyJ"), "{text}");
    }
    assert!(
        e.aws_message().ends_with("Authorization=Bearer <redacted>"),
        "{e}"
    );
}

#[test]
fn diagnose_does_not_blame_a_session_token_the_server_redacted() {
    let req = tampered_request();
    let local = Signer::new(creds(), "us-east-1", "execute-api")
        .explain_at(&req, Payload::Bytes(b"signed"), now())
        .unwrap();
    let view = verifier()
        .server_view(&req, Payload::Bytes(req.body()))
        .unwrap();
    let body = VerifyError::SignatureMismatch.api_gateway_body(Some(&view));
    assert!(body.contains("x-amz-security-token:<redacted>"), "{body}");
    let d = awssig::diagnose::diagnose(
        http::StatusCode::FORBIDDEN,
        &http::HeaderMap::new(),
        body.as_bytes(),
        &local,
    );
    let parts: Vec<_> = d.differences().iter().map(|x| x.part.clone()).collect();
    assert_eq!(parts, [awssig::diagnose::Part::PayloadHash], "{d}");
    assert_eq!(
        d.causes().first(),
        Some(&awssig::diagnose::Cause::PayloadHash),
        "{d}"
    );
}

#[cfg(feature = "gateway")]
#[test]
fn the_gateway_403_redacts_the_session_token_unless_configured_to_show_it() {
    use awssig::gateway::{Gateway, GatewayConfig};
    let req = tampered_request().map(bytes::Bytes::from_static);
    let answer = |config: GatewayConfig| {
        let rejection = Gateway::new(config).check(&req, now()).unwrap_err();
        String::from_utf8(rejection.body().to_vec()).unwrap()
    };
    let redacted = answer(GatewayConfig::new(verifier()));
    assert!(
        redacted.contains("x-amz-security-token:<redacted>"),
        "{redacted}"
    );
    assert!(!redacted.contains(TOKEN), "{redacted}");
    let shown = answer(GatewayConfig::new(verifier()).with_token_display(TokenDisplay::Shown));
    assert!(
        shown.contains(&format!("x-amz-security-token:{TOKEN}")),
        "{shown}"
    );
}
