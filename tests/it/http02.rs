//! `awssig::http02`: an `http` 0.2 request signs to exactly what the same request signs to
//! through `http` 1, verifies, and is refused once changed.

use std::time::{Duration, UNIX_EPOCH};

use awssig::{Credentials, Payload, Settings, Signer, Verifier};

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
        .with_session_token("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==")
}

fn time() -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_764_000_000)
}

const URL: &str = "https://abc.execute-api.us-east-1.amazonaws.com/prod/items?q=a+b&k=v=w";
const BODY: &[u8] = br#"{"name":"widget"}"#;

#[test]
fn an_http02_request_signs_as_the_same_http1_request_does() {
    let signer = Signer::new(creds(), "us-east-1", "execute-api");
    let mut old = http02::Request::post(URL)
        .header("content-type", "application/json")
        .header("x-api-key", "k-1")
        .body(BODY.to_vec())
        .unwrap();
    awssig::http02::sign_at(&signer, &mut old, time()).unwrap();
    let mut new = http::Request::post(URL)
        .header("content-type", "application/json")
        .header("x-api-key", "k-1")
        .body(BODY.to_vec())
        .unwrap();
    signer.sign_at(&mut new, time()).unwrap();

    assert_eq!(old.uri().to_string(), new.uri().to_string());
    // Sent in the encoding that was signed (the order as given).
    assert_eq!(old.uri().query(), Some("q=a%20b&k=v%3Dw"));
    for name in ["authorization", "x-amz-date", "x-amz-security-token"] {
        assert_eq!(
            old.headers()[name].as_bytes(),
            new.headers()[name].as_bytes(),
            "{name}"
        );
    }
    assert!(old.headers()["authorization"].is_sensitive());
    assert!(old.headers()["x-amz-security-token"].is_sensitive());
}

#[test]
fn an_http02_request_verifies_and_is_refused_once_changed() {
    let signer = Signer::new(creds(), "us-east-1", "execute-api");
    let verifier = Verifier::new(creds(), "us-east-1", "execute-api");
    let mut req = http02::Request::post(URL)
        .header("content-type", "application/json")
        .body(BODY.to_vec())
        .unwrap();
    awssig::http02::sign_at(&signer, &mut req, time()).unwrap();
    let ok = awssig::http02::verify_at(&verifier, &req, Payload::Bytes(BODY), time()).unwrap();
    assert_eq!(ok.access_key_id(), "AKIDEXAMPLE");
    assert!(
        awssig::http02::verify_at(&verifier, &req, Payload::Bytes(b"{}"), time()).is_err(),
        "another body"
    );
    req.headers_mut().insert(
        "content-type",
        http02::HeaderValue::from_static("text/plain"),
    );
    assert!(awssig::http02::verify_at(&verifier, &req, Payload::Bytes(BODY), time()).is_err());
}

#[test]
fn an_http02_presigned_url_equals_the_http1_one_and_verifies() {
    let signer = Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-west-2", "s3")
        .with_settings(Settings::s3());
    let url = "https://bucket.s3.us-west-2.amazonaws.com/report.csv";
    let old = http02::Request::get(url).body(()).unwrap();
    let new = http::Request::get(url).body(()).unwrap();
    let expires = Duration::from_secs(300);
    let presigned =
        awssig::http02::presign_at(&signer, &old, Payload::Unsigned, expires, time()).unwrap();
    let expected = signer.presign_at(&new, expires, time()).unwrap();
    assert_eq!(presigned.to_string(), expected.to_string());

    let verifier = Verifier::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-west-2", "s3")
        .with_settings(Settings::s3());
    let req = http02::Request::get(presigned).body(()).unwrap();
    awssig::http02::verify_at(&verifier, &req, Payload::Unsigned, time()).unwrap();
}
