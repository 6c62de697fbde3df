//! The tower layers over real loopback HTTP: `SignLayer` in a hyper-util client talking to the
//! local gateway, and `VerifyLayer` in an axum server.

use crate::common;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use awssig::gateway::{Gateway, GatewayConfig, GatewayHandle};
use awssig::tower::{BodySigning, SignLayer, VerifyLayer};
use awssig::{
    Credentials, SignError, Signer, Verifier,
    provider::{CredentialsCache, ProvidedSigner, provider_fn},
    verify::{UnsignedPayload, Verified},
};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tower::{Service, ServiceBuilder, ServiceExt};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET)
}

fn gateway(verifier: Verifier) -> GatewayHandle {
    Gateway::spawn(GatewayConfig::new(verifier)).expect("gateway starts on 127.0.0.1")
}

fn signer() -> Signer {
    Signer::new(creds(), "us-east-1", "execute-api")
}

type Reply = (u16, http::HeaderMap, String);

/// Sends `req` through a hyper-util client wrapped in `layer`.
async fn send(
    layer: SignLayer,
    req: http::Request<Full<Bytes>>,
) -> Result<Reply, awssig::tower::BoxError> {
    let client = Client::builder(TokioExecutor::new()).build_http();
    let mut svc = ServiceBuilder::new().layer(layer).service(client);
    let resp = svc.ready().await?.call(req).await?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await?.to_bytes();
    Ok((status, headers, String::from_utf8_lossy(&body).into_owned()))
}

fn post(url: &str, body: &'static [u8]) -> http::Request<Full<Bytes>> {
    http::Request::post(url)
        .header("content-type", "application/json")
        .body(Full::new(Bytes::from_static(body)))
        .unwrap()
}

#[tokio::test]
async fn sign_layer_requests_are_accepted_by_the_gateway() {
    let gw = gateway(Verifier::new(creds(), "us-east-1", "execute-api"));
    let body = br#"{"item":"widget","qty":2}"#;
    let (status, _, text) = send(
        SignLayer::new(signer()),
        post(&format!("{}/prod/items?x=1", gw.url()), body),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(r#""accessKeyId":"AKIDEXAMPLE""#), "{text}");
    // The buffered body went out whole: the gateway hashed the same 25 bytes.
    assert!(text.contains(r#""bodyLength":25"#), "{text}");
    assert!(
        text.contains("content-type"),
        "content-type was signed: {text}"
    );
}

#[tokio::test]
async fn a_body_over_the_limit_is_refused_before_sending() {
    let gw = gateway(Verifier::new(creds(), "us-east-1", "execute-api"));
    let err = send(
        SignLayer::new(signer()).with_body_signing(BodySigning::Buffered { limit: 8 }),
        post(&format!("{}/prod/items", gw.url()), b"0123456789"),
    )
    .await
    .unwrap_err();
    assert_eq!(
        err.downcast_ref::<SignError>(),
        Some(&SignError::BodyTooLarge { limit: 8 })
    );
    assert!(err.to_string().contains("8-byte"), "{err}");
}

#[tokio::test]
async fn unsigned_payload_is_sent_as_such_and_only_accepted_where_allowed() {
    let strict = gateway(Verifier::new(creds(), "us-east-1", "execute-api"));
    let layer = SignLayer::new(signer()).with_body_signing(BodySigning::Unsigned);
    let (status, headers, text) = send(
        layer.clone(),
        post(&format!("{}/prod/items", strict.url()), b"{}"),
    )
    .await
    .unwrap();
    assert_eq!(status, 403, "{text}");
    assert!(headers.contains_key("x-amzn-errortype"));
    let lenient = gateway(
        Verifier::new(creds(), "us-east-1", "execute-api")
            .with_unsigned_payload(UnsignedPayload::Allowed),
    );
    let (status, _, text) = send(layer, post(&format!("{}/prod/items", lenient.url()), b"{}"))
        .await
        .unwrap();
    assert_eq!(status, 200, "{text}");
}

#[tokio::test]
async fn a_declared_payload_hash_is_signed_without_buffering() {
    let gw = gateway(Verifier::new(creds(), "us-east-1", "execute-api"));
    let body = b"streamed body";
    // The hash of other bytes.
    let declared = hex_sha256(b"other bytes");
    let computed = hex_sha256(body);
    let mut req = post(&format!("{}/prod/upload", gw.url()), body);
    req.headers_mut()
        .insert("x-amz-content-sha256", computed.parse().unwrap());
    // A tiny limit proves the body was not buffered.
    let (status, _, text) = send(
        SignLayer::new(signer()).with_body_signing(BodySigning::Buffered { limit: 1 }),
        req,
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{text}");
    // A wrong declared hash is caught by the gateway.
    let mut bad = post(&format!("{}/prod/upload", gw.url()), body);
    bad.headers_mut()
        .insert("x-amz-content-sha256", declared.parse().unwrap());
    let (status, _, _) = send(
        SignLayer::new(signer()).with_body_signing(BodySigning::Buffered { limit: 1 }),
        bad,
    )
    .await
    .unwrap();
    assert_eq!(status, 403);
}

fn hex_sha256(body: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(body))
}

#[tokio::test]
async fn a_provided_signer_rotates_credentials_between_requests() {
    let gw = gateway(Verifier::new(
        vec![
            Credentials::new("AKIDONE", "secret-one"),
            Credentials::new("AKIDTWO", "secret-two"),
        ],
        "us-east-1",
        "execute-api",
    ));
    let calls = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    // Each generation is already inside the refresh margin, so every request fetches anew.
    let provider = provider_fn(move || {
        let n = c.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (id, secret) = if n.is_multiple_of(2) {
            ("AKIDONE", "secret-one")
        } else {
            ("AKIDTWO", "secret-two")
        };
        Ok(Credentials::new(id, secret).with_expiry(SystemTime::now() + Duration::from_secs(60)))
    });
    let signer = ProvidedSigner::new(CredentialsCache::new(provider), "us-east-1", "execute-api");
    let layer = SignLayer::new(signer);
    for expected in ["AKIDONE", "AKIDTWO", "AKIDONE"] {
        let (status, _, text) = send(layer.clone(), post(&format!("{}/prod/", gw.url()), b"{}"))
            .await
            .unwrap();
        assert_eq!(status, 200, "{text}");
        assert!(text.contains(expected), "{expected} in {text}");
    }
}

/// An axum app behind `VerifyLayer`, served on 127.0.0.1; stopped when dropped.
struct App {
    url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for App {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn app() -> App {
    use axum::routing::post;
    use axum::{Extension, Router};
    let verifier = Verifier::new(creds(), "us-east-1", "execute-api");
    let router = Router::new()
        .route(
            "/whoami",
            post(
                |Extension(v): Extension<Verified>, body: Bytes| async move {
                    format!(
                        "{} {} {}",
                        v.access_key_id(),
                        v.credential().service(),
                        body.len()
                    )
                },
            ),
        )
        .layer(VerifyLayer::new(verifier));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    App { url, task }
}

#[tokio::test]
async fn verify_layer_hands_the_identity_to_an_axum_handler() {
    let app = app().await;
    let (status, _, text) = send(
        SignLayer::new(signer()),
        post(&format!("{}/whoami", app.url), b"hello"),
    )
    .await
    .unwrap();
    assert_eq!(status, 200, "{text}");
    assert_eq!(text, "AKIDEXAMPLE execute-api 5");
}

#[tokio::test]
async fn verify_layer_rejects_like_api_gateway() {
    let app = app().await;
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();

    // Unsigned.
    let resp = client
        .request(post(&format!("{}/whoami", app.url), b"hi"))
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        resp.headers()["x-amzn-errortype"],
        "MissingAuthenticationTokenException"
    );
    let body = resp.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], br#"{"message":"Missing Authentication Token"}"#);

    // Signed, then the body changed in transit.
    let mut req = http::Request::post(format!("{}/whoami", app.url))
        .body(b"original".to_vec())
        .unwrap();
    signer().sign(&mut req).unwrap();
    let (parts, _) = req.into_parts();
    let resp = client
        .request(http::Request::from_parts(
            parts,
            Full::new(Bytes::from_static(b"tampered")),
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        resp.headers()["x-amzn-errortype"],
        "InvalidSignatureException"
    );
    let body = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        body.starts_with(r#"{"message":"The request signature we calculated does not match"#),
        "{body}"
    );
    assert!(
        body.contains("The Canonical String for this request should have been"),
        "{body}"
    );

    // Wrong service in the scope.
    let mut req = http::Request::post(format!("{}/whoami", app.url))
        .body(Vec::new())
        .unwrap();
    Signer::new(creds(), "us-east-1", "lambda")
        .sign(&mut req)
        .unwrap();
    let (parts, body) = req.into_parts();
    let resp = client
        .request(http::Request::from_parts(
            parts,
            Full::new(Bytes::from(body)),
        ))
        .await
        .unwrap();
    assert_eq!(resp.status(), 403);
    let body = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert!(
        body.contains("Credential should be scoped to correct service: 'execute-api'"),
        "{body}"
    );
}

/// An axum app behind `layer` (configured by the test), served on 127.0.0.1.
async fn app_with(layer: VerifyLayer) -> App {
    use axum::routing::post;
    use axum::{Extension, Router};
    let router = Router::new()
        .route(
            "/whoami",
            post(
                |Extension(v): Extension<Verified>, body: Bytes| async move {
                    format!("{} {}", v.access_key_id(), body.len())
                },
            ),
        )
        .layer(layer);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    App {
        url: format!("http://{addr}"),
        task,
    }
}

/// How long a test waits for an answer that should come at once.
const PATIENCE: Duration = Duration::from_secs(5);

/// [`common::client::exchange`] off the runtime's threads (it blocks).
async fn exchange(
    url: &str,
    head: Vec<u8>,
    trickle: &'static [u8],
) -> Result<common::client::Timed, String> {
    let addr: std::net::SocketAddr = url.trim_start_matches("http://").parse().unwrap();
    tokio::task::spawn_blocking(move || {
        common::client::exchange(addr, &head, trickle, Duration::from_millis(100), PATIENCE)
    })
    .await
    .unwrap()
}

#[tokio::test]
async fn verify_layer_refuses_what_the_headers_condemn_without_reading_the_body() {
    let app = app_with(VerifyLayer::new(Verifier::new(
        creds(),
        "us-east-1",
        "execute-api",
    )))
    .await;
    let addr: std::net::SocketAddr = app.url.trim_start_matches("http://").parse().unwrap();
    let url = format!("{}/whoami", app.url);
    let anonymous = http::Request::post(&url).body(Vec::<u8>::new()).unwrap();
    let mut unknown_key = http::Request::post(&url).body(Vec::<u8>::new()).unwrap();
    Signer::new(
        Credentials::new("AKIDUNKNOWN", SECRET),
        "us-east-1",
        "execute-api",
    )
    .sign(&mut unknown_key)
    .unwrap();
    let mut wrong_service = http::Request::post(&url).body(Vec::<u8>::new()).unwrap();
    Signer::new(creds(), "us-east-1", "lambda")
        .sign(&mut wrong_service)
        .unwrap();
    for (case, req, error_type) in [
        (
            "anonymous",
            anonymous,
            "MissingAuthenticationTokenException",
        ),
        ("unknown key", unknown_key, "UnrecognizedClientException"),
        ("wrong service", wrong_service, "InvalidSignatureException"),
    ] {
        // 10 MB declared (under the 10 MiB limit) and never sent.
        let head = common::client::head_with_length(addr, &req, 10_000_000);
        let got = exchange(&app.url, head, b"")
            .await
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(got.response.status, 403, "{case}: {}", got.response.text());
        assert_eq!(
            got.response.header("x-amzn-errortype"),
            Some(error_type),
            "{case}"
        );
    }
}

#[tokio::test]
async fn verify_layer_answers_408_when_a_signed_body_stalls_past_the_body_timeout() {
    let timeout = Duration::from_millis(300);
    let app = app_with(
        VerifyLayer::new(Verifier::new(creds(), "us-east-1", "execute-api"))
            .with_body_timeout(timeout),
    )
    .await;
    let addr: std::net::SocketAddr = app.url.trim_start_matches("http://").parse().unwrap();
    let mut req = http::Request::post(format!("{}/whoami", app.url))
        .body(b"hello world".to_vec())
        .unwrap();
    signer().sign(&mut req).unwrap();
    let head = common::client::head_with_length(addr, &req, 11);
    let mut stalled = head.clone();
    stalled.extend_from_slice(b"hello");
    for (case, head, trickle) in [
        ("stalled", stalled, &b""[..]),
        ("crawling", head.clone(), &b"hello world"[..]),
    ] {
        let got = exchange(&app.url, head, trickle)
            .await
            .unwrap_or_else(|e| panic!("{case}: {e}"));
        assert_eq!(got.response.status, 408, "{case}: {}", got.response.text());
        assert!(got.elapsed >= timeout, "{case}: {:?}", got.elapsed);
    }
    let mut whole = head;
    whole.extend_from_slice(b"hello world");
    let got = exchange(&app.url, whole, b"").await.unwrap();
    assert_eq!(got.response.status, 200, "{}", got.response.text());
    assert_eq!(got.response.text(), "AKIDEXAMPLE 11");
}
