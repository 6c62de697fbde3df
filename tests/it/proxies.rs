//! Headers that proxies and CDNs add to or rewrite on the way are never signed by default, so
//! a request that passes through them still verifies.

use std::time::{Duration, UNIX_EPOCH};

use awssig::{Credentials, Payload, Settings, Signer, Verifier};

/// What a proxy does to each header after the client signed: the header, the value the client
/// sent (`None`: the proxy adds it) and the value that arrives.
const REWRITES: &[(&str, Option<&str>, &str)] = &[
    (
        "x-forwarded-for",
        Some("203.0.113.7"),
        "203.0.113.7, 10.0.0.12",
    ),
    ("x-forwarded-proto", Some("http"), "https"),
    ("x-forwarded-port", Some("80"), "443"),
    ("x-forwarded-host", Some("api.internal"), "api.example.com"),
    (
        "forwarded",
        Some("for=203.0.113.7"),
        "for=203.0.113.7, for=10.0.0.12;proto=https",
    ),
    (
        "via",
        Some("1.1 corp-proxy"),
        "1.1 corp-proxy, 2.0 abc.cloudfront.net (CloudFront)",
    ),
    ("x-real-ip", Some("203.0.113.7"), "10.0.0.12"),
    ("cf-connecting-ip", None, "203.0.113.7"),
    (
        "cf-ray",
        Some("8a1b2c3d4e5f6789-FRA"),
        "8a1b2c3d4e5f6789-AMS",
    ),
    ("cloudfront-viewer-country", None, "DE"),
    ("CloudFront-Is-Mobile-Viewer", None, "false"),
];

fn now() -> std::time::SystemTime {
    UNIX_EPOCH + Duration::from_secs(1_764_000_000)
}

fn signed_request(signer: &Signer) -> http::Request<&'static [u8]> {
    let mut builder = http::Request::builder()
        .method("POST")
        .uri("https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?x=1")
        .header("content-type", "application/json")
        .header("x-custom", "kept");
    for (name, sent, _) in REWRITES {
        if let Some(value) = sent {
            builder = builder.header(*name, *value);
        }
    }
    let mut req = builder.body(&br#"{"a":1}"#[..]).unwrap();
    signer.sign_at(&mut req, now()).unwrap();
    req
}

#[test]
fn a_request_verifies_after_a_proxy_rewrites_or_adds_each_forwarding_header() {
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let signer = Signer::new(creds.clone(), "us-east-1", "execute-api");
    let verifier = Verifier::new(creds, "us-east-1", "execute-api");
    let mut req = signed_request(&signer);

    let auth = req.headers()["authorization"].to_str().unwrap().to_string();
    for (name, _, _) in REWRITES {
        assert!(
            !auth
                .to_ascii_lowercase()
                .contains(&name.to_ascii_lowercase()),
            "{name} was signed: {auth}"
        );
    }
    assert!(
        auth.contains("content-type;host;x-amz-date;x-custom"),
        "{auth}"
    );

    for (name, _, arrives) in REWRITES {
        req.headers_mut().insert(
            http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
            http::HeaderValue::from_static(arrives),
        );
    }
    let body = *req.body();
    verifier
        .verify_at(&req, Payload::Bytes(body), now())
        .expect("every rewritten header was left out of the signature");

    // The control: a header that is signed does break the signature when a proxy changes it.
    req.headers_mut()
        .insert("x-custom", http::HeaderValue::from_static("rewritten"));
    assert!(
        verifier
            .verify_at(&req, Payload::Bytes(body), now())
            .is_err()
    );
}

#[test]
fn every_forwarding_header_is_excluded_by_default_in_any_letter_case() {
    let settings = Settings::default();
    for (name, _, _) in REWRITES {
        assert!(settings.is_excluded(name), "{name}");
        assert!(settings.is_excluded(&name.to_ascii_uppercase()), "{name}");
    }
    for signed in [
        "content-type",
        "x-custom",
        "cf",
        "cloudfront",
        "x-forwarded",
        "host",
    ] {
        assert!(!settings.is_excluded(signed), "{signed}");
    }
}
