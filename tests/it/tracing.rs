//! Feature `tracing`: what a signature covered, printed where a user looks when AWS answers
//! 403, and nothing secret: no secret key, no session token, no signature.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, UNIX_EPOCH};

use awssig::{Credentials, Payload, SignableRequest, Signer};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQtokenvalue==";

/// Everything a TRACE-level fmt subscriber printed while `f` ran.
fn captured(f: impl FnOnce()) -> String {
    #[derive(Clone, Default)]
    struct Buf(Arc<Mutex<Vec<u8>>>);
    impl Write for Buf {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = Buf::default();
    let writer = buf.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    tracing::subscriber::with_default(subscriber, f);
    let bytes = buf.0.lock().unwrap().clone();
    String::from_utf8(bytes).unwrap()
}

#[test]
fn signing_traces_the_canonical_request_and_string_to_sign_without_secrets() {
    let signer = Signer::new(
        Credentials::new("AKIDEXAMPLE", SECRET).with_session_token(TOKEN),
        "us-east-1",
        "execute-api",
    );
    let req = SignableRequest::new(
        "POST",
        "https://abc.execute-api.us-east-1.amazonaws.com/prod/items?a=1",
    )
    .header("content-type", "application/json");
    let time = UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    let mut signature = String::new();
    let mut presigned = String::new();
    let out = captured(|| {
        let signed = signer
            .sign_request_at(&req, Payload::Bytes(b"{}"), time)
            .unwrap();
        signature = signed.signature().to_string();
        presigned = signer
            .presign_request_at(&req, Payload::Bytes(b"{}"), Duration::from_secs(60), time)
            .unwrap();
    });
    let explained = signer
        .explain_request_at(&req, Payload::Bytes(b"{}"), time)
        .unwrap();

    // DEBUG: the scope and the signed header names; TRACE: the canonical request and the
    // string to sign, each line as the explanation has it.
    assert!(out.contains("DEBUG awssig::sign: signed"), "{out}");
    assert!(
        out.contains("scope=\"20251124/us-east-1/execute-api/aws4_request\""),
        "{out}"
    );
    assert!(
        out.contains("signed_headers=\"content-type;host;x-amz-date;x-amz-security-token\""),
        "{out}"
    );
    assert!(out.contains("TRACE awssig::sign: what was signed"), "{out}");
    assert!(out.contains("presigned=true"), "{out}");
    for line in explained.string_to_sign().lines() {
        assert!(out.contains(line), "{line} in {out}");
    }
    assert!(out.contains("x-amz-security-token:<redacted>"), "{out}");
    assert!(out.contains("X-Amz-Security-Token=<redacted>"), "{out}");

    // Nothing secret: not the key, not the token (raw or encoded), not either signature.
    let presigned_signature = presigned.rsplit("X-Amz-Signature=").next().unwrap();
    for secret in [
        SECRET,
        TOKEN,
        "IQoJb3JpZ2luX2VjEJr%2F%2F",
        &signature,
        presigned_signature,
    ] {
        assert!(!out.contains(secret), "{secret} in {out}");
    }
}

#[test]
fn nothing_is_computed_or_printed_without_a_subscriber_at_debug() {
    let signer = Signer::new(
        Credentials::new("AKIDEXAMPLE", SECRET),
        "us-east-1",
        "service",
    );
    let req = SignableRequest::new("GET", "https://example.amazonaws.com/");
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::sink)
        .finish();
    // At INFO the events are off: the request signs as usual (the explain pass is skipped).
    tracing::subscriber::with_default(subscriber, || {
        assert!(!tracing::enabled!(target: "awssig::sign", tracing::Level::DEBUG));
        signer
            .sign_request_at(
                &req,
                Payload::Bytes(b""),
                UNIX_EPOCH + Duration::from_secs(1),
            )
            .unwrap();
    });
}

#[test]
fn verification_traces_who_signed_and_why_a_request_was_refused() {
    let creds = Credentials::new("AKIDEXAMPLE", SECRET).with_session_token(TOKEN);
    let signer = Signer::new(creds.clone(), "us-east-1", "execute-api");
    let verifier = awssig::Verifier::new(creds, "us-east-1", "execute-api");
    let time = UNIX_EPOCH + Duration::from_secs(1_764_000_000);
    let mut req = http::Request::post("https://abc.execute-api.us-east-1.amazonaws.com/prod")
        .body(b"{}".to_vec())
        .unwrap();
    signer.sign_at(&mut req, time).unwrap();
    let signature = req.headers()["authorization"]
        .to_str()
        .unwrap()
        .rsplit('=')
        .next()
        .unwrap()
        .to_string();
    let out = captured(|| {
        verifier
            .verify_at(&req, Payload::Bytes(b"{}"), time)
            .unwrap();
        let refused = verifier.verify_at(&req, Payload::Bytes(b"{ }"), time);
        assert_eq!(refused.unwrap_err(), awssig::VerifyError::SignatureMismatch);
        let late = time + Duration::from_secs(3600);
        assert!(
            verifier
                .verify_at(&req, Payload::Bytes(b"{}"), late)
                .is_err()
        );
    });
    assert!(out.contains("DEBUG awssig::verify: verified"), "{out}");
    assert!(out.contains("access_key_id=\"AKIDEXAMPLE\""), "{out}");
    assert!(
        out.contains("scope=20251124/us-east-1/execute-api/aws4_request"),
        "{out}"
    );
    let code = awssig::VerifyError::SignatureMismatch.aws_code();
    assert!(out.contains(&format!("code=\"{code}\"")), "{out}");
    assert!(out.contains("DEBUG awssig::verify: refused"), "{out}");
    for secret in [SECRET, TOKEN, &signature] {
        assert!(!out.contains(secret), "{secret} in {out}");
    }
}
