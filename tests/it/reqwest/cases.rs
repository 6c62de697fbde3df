//! The reqwest adapter's tests, written once and run for each supported reqwest major
//! (`tests/it/reqwest.rs`: 0.13, `tests/it/reqwest012.rs`: 0.12): the including module puts its
//! reqwest, reqwest-middleware and awssig module in scope as `reqwest`, `reqwest_middleware`
//! and `adapter`.

use super::{adapter, reqwest, reqwest_middleware};
use awssig::gateway::{Gateway, GatewayConfig, GatewayHandle};
use awssig::{
    Credentials, SignError, Signer, Verifier,
    provider::{CredentialsCache, ProvidedSigner},
};

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
}

fn gateway() -> GatewayHandle {
    Gateway::spawn(GatewayConfig::new(Verifier::new(
        creds(),
        "us-east-1",
        "execute-api",
    )))
    .unwrap()
}

/// A plain client. The dev-dependency builds reqwest with rustls but no default crypto provider,
/// so install ring first.
fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn signer() -> Signer {
    Signer::new(creds(), "us-east-1", "execute-api")
}

#[tokio::test]
async fn a_request_signed_in_place_is_accepted() {
    let gw = gateway();
    let client = client();
    let mut req = client
        .post(format!("{}/prod/items", gw.url()))
        .header("x-api-key", "k-123")
        .body(r#"{"name":"widget"}"#)
        .build()
        .unwrap();
    adapter::sign(&signer(), &mut req).unwrap();
    assert!(req.headers()["authorization"].is_sensitive());
    let resp = client.execute(req).await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("x-api-key"), "{text}");
}

#[tokio::test]
async fn pre_encoded_query_values_and_values_with_equals_are_signed_as_sent() {
    // awscurl double-encodes `%3D` and truncates `k=v=w`; both must reach the server as signed.
    let gw = gateway();
    let client = client();
    let url = format!(
        "{}/prod/search?filter=a%3Db&k=v=w&q=two%20words&plus=a+b",
        gw.url()
    );
    let mut req = client.get(&url).build().unwrap();
    adapter::sign(&signer(), &mut req).unwrap();
    let resp = client.execute(req).await.unwrap();
    let status = resp.status();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("filter=a%3Db"), "{text}");
    assert!(text.contains("k=v%3Dw") || text.contains("k=v=w"), "{text}");
}

#[tokio::test]
async fn the_middleware_signs_every_request_with_a_provided_signer() {
    let gw = gateway();
    let provided = ProvidedSigner::new(CredentialsCache::new(creds()), "us-east-1", "execute-api");
    let client = reqwest_middleware::ClientBuilder::new(client())
        .with(adapter::SigV4Middleware::new(provided))
        .build();
    for path in ["/prod/a", "/prod/b?x=1"] {
        let resp = client
            .get(format!("{}{path}", gw.url()))
            .send()
            .await
            .unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert_eq!(status, 200, "{path}: {text}");
    }
}

#[tokio::test]
async fn a_wrong_secret_is_rejected_by_the_gateway() {
    let gw = gateway();
    let client = client();
    let mut req = client.get(format!("{}/prod/", gw.url())).build().unwrap();
    let wrong = Signer::new(
        Credentials::new("AKIDEXAMPLE", "not-the-secret"),
        "us-east-1",
        "execute-api",
    );
    adapter::sign(&wrong, &mut req).unwrap();
    let resp = client.execute(req).await.unwrap();
    assert_eq!(resp.status(), 403);
    assert_eq!(
        resp.headers()["x-amzn-errortype"],
        "InvalidSignatureException"
    );
}

#[test]
fn a_streamed_body_without_a_declared_hash_cannot_be_signed() {
    // A wrapped http-body is streamed: its bytes are not in memory.
    let stream = http_body_util::Empty::<bytes::Bytes>::new();
    let mut req = client()
        .put("http://127.0.0.1:9/upload")
        .body(reqwest::Body::wrap(stream))
        .build()
        .unwrap();
    assert_eq!(
        adapter::sign(&signer(), &mut req),
        Err(SignError::BodyNotInMemory)
    );
    req.headers_mut().insert(
        "x-amz-content-sha256",
        awssig::spec::UNSIGNED_PAYLOAD.parse().unwrap(),
    );
    adapter::sign(&signer(), &mut req).unwrap();
    assert!(req.headers().contains_key("authorization"));
}

/// A body streamed as signed aws-chunked (with a CRC32 trailer) reaches the gateway, which
/// verifies every chunk and echoes the decoded length.
#[tokio::test]
async fn a_chunked_upload_is_streamed_and_accepted() {
    use awssig::Settings;
    use awssig::streaming::{Checksum, ChunkedUpload};
    let verifier = Verifier::new(creds(), "us-east-1", "s3").with_settings(Settings::s3());
    let gw = Gateway::spawn(GatewayConfig::new(verifier)).unwrap();
    let signer = Signer::new(creds(), "us-east-1", "s3").with_settings(Settings::s3());
    let client = client();
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    let mut req = client
        .put(format!("{}/bucket/key", gw.url()))
        .body(data.clone())
        .build()
        .unwrap();
    let upload = ChunkedUpload::signed(data.len() as u64)
        .chunk_size(64 * 1024)
        .trailer(Checksum::Crc32);
    adapter::sign_chunked_at(&signer, &mut req, upload, std::time::SystemTime::now()).unwrap();
    assert_eq!(
        req.headers()["content-length"],
        upload.encoded_len().unwrap().to_string()
    );
    let resp = client.execute(req).await.unwrap();
    let status = resp.status().as_u16();
    let text = resp.text().await.unwrap();
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains(&format!(r#""bodyLength":{}"#, data.len())),
        "{text}"
    );
}
