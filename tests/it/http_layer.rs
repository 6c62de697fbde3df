//! What `sign()` does to an `http::Request`: which host it signs, how it fixes an ambiguous
//! query on the wire, which headers it adds and marks sensitive.

use awssig::{Credentials, Payload, SignableRequest, Signer};

fn signer() -> Signer {
    Signer::new(
        Credentials::new("AKIDEXAMPLE", "secret"),
        "eu-west-1",
        "execute-api",
    )
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2026-11-22 10:00:00 UTC)
}

fn canonical(req: &http::Request<()>) -> String {
    signer()
        .explain_at(req, Payload::Bytes(b""), now())
        .unwrap()
        .canonical_request()
        .to_string()
}

#[test]
fn the_host_header_wins_over_the_uri_authority() {
    // A private API reached through a VPC endpoint: connect to the endpoint, sign the API host.
    let req = http::Request::get(
        "https://vpce-0abc-1234.execute-api.eu-west-1.vpce.amazonaws.com/prod/x",
    )
    .header("host", "a1b2c3.execute-api.eu-west-1.amazonaws.com")
    .body(())
    .unwrap();
    assert!(canonical(&req).contains("\nhost:a1b2c3.execute-api.eu-west-1.amazonaws.com\n"));
}

#[test]
fn the_default_port_is_dropped_and_others_kept() {
    let req = http::Request::get("https://API.example.com:443/")
        .body(())
        .unwrap();
    assert!(canonical(&req).contains("\nhost:api.example.com\n"));
    let req = http::Request::get("http://api.example.com:80/")
        .body(())
        .unwrap();
    assert!(canonical(&req).contains("\nhost:api.example.com\n"));
    let req = http::Request::get("https://api.example.com:8443/")
        .body(())
        .unwrap();
    assert!(canonical(&req).contains("\nhost:api.example.com:8443\n"));
    let req = http::Request::get("http://127.0.0.1:8080/")
        .body(())
        .unwrap();
    assert!(canonical(&req).contains("\nhost:127.0.0.1:8080\n"));
}

#[test]
fn an_ambiguous_query_is_sent_in_the_encoding_that_was_signed() {
    let mut req = http::Request::get("https://h.example.com/p?q=a+b&s=x%2By&t=%7e&flag&u=%c3%a9")
        .body(())
        .unwrap();
    signer().sign_at(&mut req, now()).unwrap();
    assert_eq!(req.uri().query(), Some("q=a%20b&s=x%2By&t=~&flag&u=%C3%A9"));
    let ex = signer()
        .explain_at(&req, Payload::Bytes(b""), now())
        .unwrap();
    assert_eq!(
        ex.canonical_request().split('\n').nth(2),
        Some("flag=&q=a%20b&s=x%2By&t=~&u=%C3%A9")
    );
    // Signing the rewritten request gives the same signature: nothing changed in meaning.
    let before = http::Request::get("https://h.example.com/p?q=a+b&s=x%2By&t=%7e&flag&u=%c3%a9")
        .body(())
        .unwrap();
    assert_eq!(
        signer()
            .explain_at(&before, Payload::Bytes(b""), now())
            .unwrap()
            .signature(),
        ex.signature()
    );
}

#[test]
fn a_canonical_query_is_left_untouched() {
    let mut req = http::Request::get("https://h.example.com/p?b=2&a=1&c=")
        .body(())
        .unwrap();
    signer().sign_at(&mut req, now()).unwrap();
    assert_eq!(req.uri().query(), Some("b=2&a=1&c="));
}

#[test]
fn signing_adds_date_token_and_authorization_and_marks_secrets_sensitive() {
    let s = Signer::new(
        Credentials::new("AKID", "secret").with_session_token("tok"),
        "eu-west-1",
        "lambda",
    )
    .with_settings(
        awssig::Settings::default().with_payload_hash_header(awssig::PayloadHashHeader::Always),
    );
    let mut req = http::Request::post("https://abc.lambda-url.eu-west-1.on.aws/")
        .header("content-type", "application/json")
        .body(r#"{"a":1}"#.to_string())
        .unwrap();
    s.sign_at(&mut req, now()).unwrap();
    let h = req.headers();
    assert_eq!(h["x-amz-date"], "20261122T100000Z");
    assert_eq!(h["x-amz-security-token"], "tok");
    assert!(h["x-amz-security-token"].is_sensitive() && h["authorization"].is_sensitive());
    // The body hash is of the exact bytes, computed independently here with sha2.
    use sha2::Digest;
    assert_eq!(
        h["x-amz-content-sha256"],
        hex::encode(sha2::Sha256::digest(br#"{"a":1}"#))
    );
    assert!(h["authorization"].to_str().unwrap().contains(
        "SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"
    ));
}

#[test]
fn re_signing_replaces_the_previous_signature() {
    let mut req = http::Request::get("https://h.example.com/")
        .body(())
        .unwrap();
    signer().sign_at(&mut req, now()).unwrap();
    let first = req.headers()["authorization"].clone();
    signer()
        .sign_at(&mut req, now() + time::Duration::minutes(1))
        .unwrap();
    assert_eq!(req.headers().get_all("authorization").iter().count(), 1);
    assert_eq!(req.headers().get_all("x-amz-date").iter().count(), 1);
    assert_ne!(req.headers()["authorization"], first);
}

#[test]
fn proxy_rewritten_headers_are_excluded_by_default_and_others_on_request() {
    let req = SignableRequest::new("GET", "https://h.example.com/")
        .header("x-forwarded-for", "203.0.113.7")
        .header("via", "1.1 proxy")
        .header("x-edge-tag", "blue")
        .header("x-api-key", "k");
    let ex = signer()
        .explain_request_at(&req, Payload::Bytes(b""), now())
        .unwrap();
    assert_eq!(ex.signed_headers(), "host;x-amz-date;x-api-key;x-edge-tag");
    let s = signer().with_settings(awssig::Settings::default().with_excluded_header("X-Edge-Tag"));
    let ex = s
        .explain_request_at(&req, Payload::Bytes(b""), now())
        .unwrap();
    assert_eq!(ex.signed_headers(), "host;x-amz-date;x-api-key");
    // Signed on request, as botocore and aws-sigv4 sign them.
    let s = signer().with_settings(
        awssig::Settings::default()
            .with_signed_header("X-Forwarded-For")
            .with_signed_header("via"),
    );
    let ex = s
        .explain_request_at(&req, Payload::Bytes(b""), now())
        .unwrap();
    assert_eq!(
        ex.signed_headers(),
        "host;via;x-amz-date;x-api-key;x-edge-tag;x-forwarded-for"
    );
}

#[test]
fn signer_is_clone_send_and_sync() {
    fn assert_shareable<T: Clone + Send + Sync + 'static>() {}
    assert_shareable::<Signer>();
    assert_shareable::<Credentials>();
    // And a clone signs exactly as the original.
    let a = signer();
    let b = a.clone();
    let req = http::Request::get("https://h.example.com/")
        .body(())
        .unwrap();
    assert_eq!(
        a.explain_at(&req, Payload::Bytes(b""), now()).unwrap(),
        b.explain_at(&req, Payload::Bytes(b""), now()).unwrap()
    );
}
