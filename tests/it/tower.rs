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

// aws-chunked uploads (`STREAMING-*`) through `VerifyLayer` and `DecodedBody`.

mod chunked {
    use super::{AKID, SECRET};

    use std::collections::VecDeque;
    use std::pin::Pin;
    use std::task::{Context, Poll};
    use std::time::SystemTime;

    use awssig::streaming::{Checksum, ChunkedBody, ChunkedUpload, DecodedBody, DecodedBodyError};
    use awssig::tower::VerifyLayer;
    use awssig::verify::{UnsignedPayload, Verified};
    use awssig::{Credentials, Settings, Signer, Verifier};
    use bytes::Bytes;
    use http_body::{Body, Frame};
    use http_body_util::{BodyExt, Full};
    use tower::{ServiceBuilder, ServiceExt};

    /// A body that yields the given frames, one per poll.
    struct Frames(VecDeque<Bytes>);

    impl Body for Frames {
        type Data = Bytes;
        type Error = std::convert::Infallible;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            Poll::Ready(self.0.pop_front().map(|b| Ok(Frame::data(b))))
        }
    }

    fn signer() -> Signer {
        Signer::new(Credentials::new(AKID, SECRET), "us-east-1", "s3").with_settings(Settings::s3())
    }

    fn verifier() -> Verifier {
        Verifier::new(Credentials::new(AKID, SECRET), "us-east-1", "s3")
            .with_settings(Settings::s3())
            .with_unsigned_payload(UnsignedPayload::Allowed)
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 251) as u8).collect()
    }

    /// Signs `data` as `upload`, returning the head and the wire body one frame per chunk.
    fn upload(upload: ChunkedUpload, data: &[u8], chunk: usize) -> (http::Request<()>, Vec<Bytes>) {
        upload_to("http://127.0.0.1/bucket/key", upload, data, chunk)
    }

    /// [`upload`] to `url`.
    fn upload_to(
        url: &str,
        upload: ChunkedUpload,
        data: &[u8],
        chunk: usize,
    ) -> (http::Request<()>, Vec<Bytes>) {
        let mut req = http::Request::put(url)
            .header("content-encoding", "aws-chunked, gzip")
            .body(())
            .unwrap();
        let mut up = signer()
            .sign_chunked_at(&mut req, upload, SystemTime::now())
            .unwrap();
        let mut frames = Vec::new();
        for c in data.chunks(chunk) {
            let mut f = Vec::new();
            up.write_chunk(c, &mut f).unwrap();
            frames.push(Bytes::from(f));
        }
        let mut f = Vec::new();
        up.finish(&mut f).unwrap();
        frames.push(Bytes::from(f));
        (req, frames)
    }

    fn joined(frames: &[Bytes]) -> Bytes {
        Bytes::from(frames.concat())
    }

    /// Sends `req` with `wire` through `VerifyLayer` to a handler that echoes the decoded body
    /// and the headers it saw.
    async fn through_verify_layer(
        head: http::Request<()>,
        wire: Bytes,
    ) -> (u16, http::HeaderMap, Bytes) {
        let handler = tower::service_fn(|req: http::Request<Full<Bytes>>| async move {
            assert!(req.extensions().get::<Verified>().is_some());
            let headers = req.headers().clone();
            let body = req.into_body().collect().await.unwrap().to_bytes();
            let mut res = http::Response::new(Full::new(body));
            *res.headers_mut() = headers;
            Ok::<_, std::convert::Infallible>(res)
        });
        let svc = ServiceBuilder::new()
            .layer(VerifyLayer::new(verifier()))
            .service(handler);
        let (parts, ()) = head.into_parts();
        let res = svc
            .oneshot(http::Request::from_parts(parts, Full::new(wire)))
            .await
            .unwrap();
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, body)
    }

    #[tokio::test]
    async fn every_form_reaches_the_handler_byte_identical() {
        let data = data(100_000);
        for form in [
            ChunkedUpload::signed(data.len() as u64),
            ChunkedUpload::signed(data.len() as u64).trailer(Checksum::Crc32),
            ChunkedUpload::unsigned(data.len() as u64).trailer(Checksum::Crc32),
        ] {
            let (head, frames) = upload(form.chunk_size(8192), &data, 8192);
            let (status, headers, body) = through_verify_layer(head, joined(&frames)).await;
            assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
            assert_eq!(body, data);
            assert_eq!(headers["content-length"], data.len().to_string());
            assert_eq!(headers["content-encoding"], "gzip");
            assert!(!headers.contains_key("x-amz-trailer"));
        }
    }

    #[tokio::test]
    async fn a_corrupted_chunk_is_refused_and_never_reaches_the_handler() {
        let data = data(40_000);
        let (head, frames) = upload(
            ChunkedUpload::signed(data.len() as u64).chunk_size(8192),
            &data,
            8192,
        );
        let mut wire = joined(&frames).to_vec();
        wire[8192 + 200] ^= 1; // in the second chunk's data
        let (status, headers, body) = through_verify_layer(head, Bytes::from(wire)).await;
        assert_eq!(status, 403);
        assert_eq!(headers["x-amzn-errortype"], "SignatureDoesNotMatch");
        assert!(!body.windows(64).any(|w| data.windows(64).any(|d| d == w)));
    }

    #[tokio::test]
    async fn a_bad_seed_signature_is_answered_before_the_body_is_read() {
        let data = data(10);
        let (mut head, _) = upload(ChunkedUpload::signed(10), &data, 8192);
        head.headers_mut()
            .insert("x-amz-date", "20150830T123600Z".parse().unwrap());
        let (status, _, _) = through_verify_layer(head, Bytes::new()).await;
        assert_eq!(status, 403);
    }

    /// The body yields each signed chunk once it verifies, and stops with an error frame at a
    /// corrupted one: the corrupted chunk's bytes are never yielded.
    #[tokio::test]
    async fn decoded_body_ends_with_an_error_at_a_corrupted_chunk() {
        let data = data(5 * 8192);
        let (head, mut frames) = upload(
            ChunkedUpload::signed(data.len() as u64).chunk_size(8192),
            &data,
            8192,
        );
        let mut third = frames[2].to_vec();
        third[100] ^= 0x20;
        frames[2] = Bytes::from(third);
        // One wire frame per chunk, and the whole body in one frame: the two chunks that
        // verified before the corrupted one are handed over either way, then the error.
        let whole: Vec<u8> = frames.iter().flat_map(|f| f.to_vec()).collect();
        for frames in [frames, vec![Bytes::from(whole)]] {
            let decoder = verifier()
                .verify_chunked_at(&head, SystemTime::now())
                .unwrap();
            let mut body = DecodedBody::new(Frames(frames.into()), decoder);
            let mut got = Vec::new();
            let err = loop {
                match body.frame().await {
                    Some(Ok(f)) => got.extend_from_slice(&f.into_data().unwrap()),
                    Some(Err(e)) => break e,
                    None => panic!("a corrupted body ended without an error"),
                }
            };
            assert!(matches!(err, DecodedBodyError::Verify(_)), "{err}");
            assert_eq!(got, data[..2 * 8192]);
            assert!(body.frame().await.is_none());
        }
    }

    /// Several MiB through a decoder that may hold one 64 KiB chunk: every frame it yields is
    /// at most one chunk, and the whole body arrives byte-exact.
    #[tokio::test]
    async fn a_multi_mib_upload_streams_one_chunk_at_a_time() {
        const CHUNK: usize = 64 * 1024;
        let data = data(4 * 1024 * 1024 + 123);
        for form in [
            ChunkedUpload::signed(data.len() as u64).trailer(Checksum::Sha256),
            ChunkedUpload::unsigned(data.len() as u64).trailer(Checksum::Crc64Nvme),
        ] {
            let (head, frames) = upload(form.chunk_size(CHUNK), &data, CHUNK);
            let decoder = verifier()
                .verify_chunked_at(&head, SystemTime::now())
                .unwrap()
                .with_max_chunk_size(CHUNK);
            let mut body = DecodedBody::new(Frames(frames.into()), decoder)
                .with_timeout(std::time::Duration::from_secs(30));
            assert_eq!(body.size_hint().exact(), Some(data.len() as u64));
            let mut got = Vec::with_capacity(data.len());
            let mut largest = 0;
            while let Some(frame) = body.frame().await {
                let frame = frame.unwrap().into_data().unwrap();
                largest = largest.max(frame.len());
                got.extend_from_slice(&frame);
            }
            assert!(largest <= CHUNK, "{largest}");
            assert!(got == data);
            assert!(body.verified().unwrap().checksum().is_some());
        }
    }

    /// A body of frames yields one signed wire frame per chunk (bounded by a chunk plus its
    /// framing) that the verifier decodes back to the data.
    #[tokio::test]
    async fn chunked_body_signs_one_chunk_at_a_time() {
        const CHUNK: usize = 16 * 1024;
        let data = data(1024 * 1024 + 7);
        // Small frames, and the whole body as one frame: either way one chunk at a time.
        for frame_len in [4000, data.len()] {
            let mut req = http::Request::put("http://127.0.0.1/bucket/key")
                .body(())
                .unwrap();
            let upload = ChunkedUpload::signed(data.len() as u64)
                .chunk_size(CHUNK)
                .trailer(Checksum::Crc32c);
            let up = signer()
                .sign_chunked_at(&mut req, upload, SystemTime::now())
                .unwrap();
            let frames: VecDeque<Bytes> =
                data.chunks(frame_len).map(Bytes::copy_from_slice).collect();
            let mut body = ChunkedBody::new(Frames(frames), up);
            assert_eq!(body.size_hint().exact(), upload.encoded_len());
            let mut wire = Vec::new();
            let mut largest = 0;
            while let Some(frame) = body.frame().await {
                let frame = frame.unwrap().into_data().unwrap();
                largest = largest.max(frame.len());
                wire.extend_from_slice(&frame);
            }
            assert!(largest <= CHUNK + 200, "{largest}");
            assert_eq!(Some(wire.len() as u64), upload.encoded_len());
            let mut decoder = verifier()
                .verify_chunked_at(&req, SystemTime::now())
                .unwrap();
            let mut out = Vec::new();
            decoder.feed(&wire, &mut out).unwrap();
            decoder.finish().unwrap();
            assert!(out == data);
        }
    }

    /// `SignLayer` in chunked mode streams a body of known length as aws-chunked over real
    /// HTTP to an axum app behind `VerifyLayer`, which hands the handler the exact bytes.
    #[tokio::test]
    async fn sign_layer_chunked_uploads_verify_through_verify_layer() {
        use awssig::tower::{BodySigning, SignLayer};
        use axum::Router;
        use axum::routing::put;
        use hyper_util::client::legacy::Client;
        use hyper_util::rt::TokioExecutor;
        use tower::Service;

        let router = Router::new()
            .route("/bucket/key", put(|body: Bytes| async move { body }))
            .layer(axum::extract::DefaultBodyLimit::disable())
            .layer(VerifyLayer::new(verifier()));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let app = super::App {
            url: format!("http://{addr}"),
            task: tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            }),
        };
        let data = data(3 * 1024 * 1024 + 5);
        for trailer in [None, Some(Checksum::Crc32)] {
            let client = Client::builder(TokioExecutor::new()).build_http();
            let layer = SignLayer::new(signer()).with_body_signing(BodySigning::Chunked {
                chunk_size: 64 * 1024,
                trailer,
            });
            let mut svc = ServiceBuilder::new().layer(layer).service(client);
            let frames: VecDeque<Bytes> = data.chunks(10_000).map(Bytes::copy_from_slice).collect();
            let req = http::Request::put(format!("{}/bucket/key", app.url))
                .header("content-length", data.len())
                .body(Frames(frames))
                .unwrap();
            let resp = svc.ready().await.unwrap().call(req).await.unwrap();
            let status = resp.status().as_u16();
            let body = resp.into_body().collect().await.unwrap().to_bytes();
            assert_eq!(
                status,
                200,
                "{}",
                String::from_utf8_lossy(&body[..body.len().min(500)])
            );
            assert!(body == data, "{} bytes back", body.len());
        }
    }

    /// Sends `data` through a chunked `SignLayer` (or `wire` as given when `Some`) to `url`.
    async fn put_chunked(
        url: &str,
        head: Option<(http::Request<()>, Bytes)>,
        data: &[u8],
    ) -> (u16, Bytes) {
        use awssig::tower::{BodySigning, SignLayer};
        use hyper_util::client::legacy::Client;
        use hyper_util::rt::TokioExecutor;
        use tower::Service;
        let resp = if let Some((head, wire)) = head {
            let (parts, ()) = head.into_parts();
            let mut client = Client::builder(TokioExecutor::new()).build_http();
            client
                .call(http::Request::from_parts(parts, Full::new(wire)))
                .await
                .unwrap()
        } else {
            let layer = SignLayer::new(signer()).with_body_signing(BodySigning::Chunked {
                chunk_size: 64 * 1024,
                trailer: Some(Checksum::Sha256),
            });
            let client = Client::builder(TokioExecutor::new()).build_http();
            let mut svc = ServiceBuilder::new().layer(layer).service(client);
            let frames: VecDeque<Bytes> = data.chunks(10_000).map(Bytes::copy_from_slice).collect();
            let req = http::Request::put(url)
                .header("content-length", data.len())
                .body(Frames(frames))
                .unwrap();
            svc.ready().await.unwrap().call(req).await.unwrap()
        };
        let status = resp.status().as_u16();
        (status, resp.into_body().collect().await.unwrap().to_bytes())
    }

    /// The gateway echoes what it decoded from a chunked upload.
    #[tokio::test]
    async fn the_gateway_echoes_a_chunked_upload() {
        use awssig::gateway::{Gateway, GatewayConfig};
        let gw = Gateway::spawn(GatewayConfig::new(verifier())).unwrap();
        let data = data(300_000);
        let (status, body) = put_chunked(&format!("{}/bucket/key", gw.url()), None, &data).await;
        let text = String::from_utf8_lossy(&body);
        assert_eq!(status, 200, "{text}");
        assert!(
            text.contains(&format!(r#""bodyLength":{}"#, data.len())),
            "{text}"
        );
    }

    /// Behind the gateway, an upstream receives the decoded data, and its body read fails at a
    /// corrupted chunk without yielding it.
    #[tokio::test]
    async fn the_gateway_streams_decoded_uploads_upstream() {
        use awssig::gateway::{Gateway, GatewayConfig};
        use axum::Router;
        use axum::routing::put;
        use std::sync::{Arc, Mutex};

        /// Per request: its content-encoding, the bytes read, whether the read failed.
        type Seen = Vec<(Option<String>, usize, bool)>;
        let seen: Arc<Mutex<Seen>> = Arc::default();
        let log = Arc::clone(&seen);
        let router = Router::new().route(
            "/bucket/key",
            put(move |req: http::Request<axum::body::Body>| {
                let log = Arc::clone(&log);
                async move {
                    let ce = req
                        .headers()
                        .get("content-encoding")
                        .map(|v| v.to_str().unwrap().to_owned());
                    let mut body = req.into_body();
                    let mut n = 0;
                    let mut failed = false;
                    while let Some(frame) = body.frame().await {
                        match frame {
                            Ok(f) => n += f.into_data().map_or(0, |d| d.len()),
                            Err(_) => {
                                failed = true;
                                break;
                            }
                        }
                    }
                    log.lock().unwrap().push((ce, n, failed));
                    n.to_string()
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let upstream = super::App {
            url: format!("http://{addr}"),
            task: tokio::spawn(async move {
                let _ = axum::serve(listener, router).await;
            }),
        };
        let gw = Gateway::spawn(
            GatewayConfig::new(verifier()).with_upstream(upstream.url.parse().unwrap()),
        )
        .unwrap();
        let url = format!("{}/bucket/key", gw.url());
        let data = data(5 * 8192);
        let (status, body) = put_chunked(&url, None, &data).await;
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        assert_eq!(body, data.len().to_string());

        let (head, frames) = upload_to(
            &url,
            ChunkedUpload::signed(data.len() as u64).chunk_size(8192),
            &data,
            8192,
        );
        let mut wire = joined(&frames).to_vec();
        wire[2 * (8192 + 90) + 50] ^= 1; // in the third chunk's data
        let (status, _) = put_chunked(&url, Some((head, Bytes::from(wire))), &data).await;
        assert_eq!(status, 502);
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
        let seen = seen.lock().unwrap();
        assert_eq!(seen[0], (None, data.len(), false));
        // The upstream saw the decoded headers, the two good chunks at most, then an error.
        let (ce, n, failed) = seen.get(1).expect("the upstream got the request").clone();
        assert_eq!(ce.as_deref(), Some("gzip"));
        assert!(failed && n <= 2 * 8192, "{n} {failed}");
    }

    /// `VerifyLayer::streaming` in front of an axum `Router`: every form reaches the handler
    /// byte-identical, and a corrupted chunk fails the handler's body read without yielding it.
    #[tokio::test]
    async fn streaming_verify_layer_hands_an_axum_handler_the_data_as_it_verifies() {
        use axum::Router;
        use axum::routing::put;
        use std::sync::{Arc, Mutex};

        /// Per request: the bytes the handler read, whether the read failed.
        type Got = Vec<(Vec<u8>, bool)>;
        let got: Arc<Mutex<Got>> = Arc::default();
        let log = Arc::clone(&got);
        let router = Router::new().route(
            "/bucket/key",
            put(move |req: http::Request<axum::body::Body>| {
                let log = Arc::clone(&log);
                async move {
                    assert!(req.extensions().get::<Verified>().is_some());
                    let mut body = req.into_body();
                    let mut bytes = Vec::new();
                    let mut failed = false;
                    while let Some(frame) = body.frame().await {
                        match frame {
                            Ok(f) => bytes.extend_from_slice(&f.into_data().unwrap()),
                            Err(_) => {
                                failed = true;
                                break;
                            }
                        }
                    }
                    log.lock().unwrap().push((bytes, failed));
                    if failed { "failed" } else { "ok" }
                }
            }),
        );
        let svc = ServiceBuilder::new()
            .layer(VerifyLayer::new(verifier()).streaming())
            .service(router);
        let data = data(100_000);
        let forms = [
            ChunkedUpload::signed(data.len() as u64),
            ChunkedUpload::signed(data.len() as u64).trailer(Checksum::Crc32),
            ChunkedUpload::unsigned(data.len() as u64).trailer(Checksum::Crc32),
        ];
        for form in forms {
            let (head, frames) = upload(form.chunk_size(8192), &data, 8192);
            let (parts, ()) = head.into_parts();
            let req = http::Request::from_parts(parts, Frames(frames.into()));
            let res = svc.clone().oneshot(req).await.unwrap();
            assert_eq!(res.status(), 200);
            let (bytes, failed) = got.lock().unwrap().pop().unwrap();
            assert!(!failed && bytes == data);
        }
        let (head, mut frames) = upload(
            ChunkedUpload::signed(data.len() as u64).chunk_size(8192),
            &data,
            8192,
        );
        let mut third = frames[2].to_vec();
        third[100] ^= 0x20;
        frames[2] = Bytes::from(third);
        let (parts, ()) = head.into_parts();
        let req = http::Request::from_parts(parts, Frames(frames.into()));
        let res = svc.clone().oneshot(req).await.unwrap();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, "failed");
        let (bytes, failed) = got.lock().unwrap().pop().unwrap();
        assert!(failed);
        assert!(bytes == data[..2 * 8192]);
    }
}
