//! 11. Receiving S3 uploads: a service that verifies an `aws-chunked` upload as it streams in,
//!     so its handler reads each chunk's data only once that chunk's signature has checked, and
//!     never holds more than one chunk.
//!
//! The service is an axum `Router` behind `VerifyLayer::streaming()` (stacked with
//! `tower::ServiceBuilder`), served by hyper on 127.0.0.1. Its PUT handler reads the body
//! frame by frame, counting the bytes and hashing them, and answers with what it received.
//! The example then uploads to it:
//!
//! 1. 6 MiB signed chunk by chunk with a CRC32 trailer (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`),
//!    streamed by `awssig::reqwest::sign_chunked_at`: accepted, the bytes match;
//! 2. the same unsigned with a CRC32 trailer (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`, what boto3
//!    and the AWS SDK for JavaScript send by default over HTTPS; the verifier allows it with
//!    `UnsignedPayload::Allowed`): accepted, the CRC32 vouches for the bytes;
//! 3. the signed upload with one byte of its third chunk changed on the wire: the handler gets
//!    an error, and never a byte of the changed chunk. The service answers 400 without reading
//!    the rest of the body, so the client may see that answer or, if it was still sending, a
//!    closed connection (as with S3 itself); the handler's own record of what it got is checked
//!    either way.
//!
//! ```text
//! cargo run --example s3_receive_upload --features tower,reqwest,gateway
//! ```

mod common;

use std::sync::Mutex;
use std::time::SystemTime;

use awssig::streaming::{Checksum, ChunkedUpload};
use awssig::tower::VerifyLayer;
use awssig::verify::{UnsignedPayload, Verified};
use awssig::{Settings, Signer, Verifier};
use axum::Router;
use axum::body::Body;
use axum::routing::put;
use common::{BoxError, expect};
use http_body_util::BodyExt as _;
use sha2::Digest as _;
use tower::{ServiceBuilder, ServiceExt as _};

/// 6 MiB and a little: 96 chunks of 64 KiB and a short last one.
const SIZE: usize = 6 * 1024 * 1024 + 1000;
const CHUNK: usize = ChunkedUpload::DEFAULT_CHUNK_SIZE;

/// The handler's last answer, kept so the example can check a refusal whose response the
/// client may never read (the connection closes while the client is still sending).
static LAST_ANSWER: Mutex<Option<(http::StatusCode, String)>> = Mutex::new(None);

/// The PUT handler: records its answer (below) and returns it.
async fn receive(req: http::Request<Body>) -> (http::StatusCode, String) {
    let answer = read_upload(req).await;
    *LAST_ANSWER.lock().unwrap_or_else(|e| e.into_inner()) = Some(answer.clone());
    answer
}

/// Reads the verified body as it arrives. Each frame is data the layer has
/// already checked; an error frame means the upload was refused at that point.
async fn read_upload(req: http::Request<Body>) -> (http::StatusCode, String) {
    let who = req
        .extensions()
        .get::<Verified>()
        .map(|v| v.access_key_id().to_string())
        .unwrap_or_default();
    let path = req.uri().path().to_string();
    let mut body = req.into_body();
    let (mut bytes, mut frames) = (0usize, 0usize);
    let mut sha = sha2::Sha256::new();
    while let Some(frame) = body.frame().await {
        match frame {
            Ok(frame) => {
                if let Some(data) = frame.data_ref() {
                    bytes += data.len();
                    frames += 1;
                    sha.update(data);
                }
            }
            Err(e) => {
                // Nothing received so far was unverified; the object is discarded.
                return (
                    http::StatusCode::BAD_REQUEST,
                    format!("refused after {bytes} verified bytes: {e}"),
                );
            }
        }
    }
    (
        http::StatusCode::OK,
        format!(
            "{who} stored {path}: {bytes} bytes in {frames} verified frames, sha256 {}",
            hex::encode(sha.finalize())
        ),
    )
}

/// Starts the service on 127.0.0.1 and returns its base URL.
async fn serve() -> Result<String, BoxError> {
    let verifier = Verifier::new(common::example_credentials(), "us-east-1", "s3")
        .with_settings(Settings::s3())
        .with_unsigned_payload(UnsignedPayload::Allowed);
    let router = Router::new().route("/{bucket}/{*key}", put(receive));
    let svc = ServiceBuilder::new()
        .layer(VerifyLayer::new(verifier).streaming())
        .service(router);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let svc = svc.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        svc.clone().oneshot(req)
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tcp), service)
                    .await;
            });
        }
    });
    Ok(base)
}

/// Sends `req` and returns the status and the handler's answer.
async fn send(client: &reqwest::Client, req: reqwest::Request) -> Result<(u16, String), BoxError> {
    let resp = client.execute(req).await?;
    let status = resp.status().as_u16();
    let text = resp.text().await?;
    println!("<-- {status}\n    {text}\n");
    Ok((status, text))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let base = serve().await?;
    println!("service listening on {base}\n");
    let signer =
        Signer::new(common::example_credentials(), "us-east-1", "s3").with_settings(Settings::s3());
    let client = common::client();
    let data: Vec<u8> = (0..SIZE).map(|i| (i * 7 + i / 4096) as u8).collect();
    let sha256 = hex::encode(sha2::Sha256::digest(&data));
    let url = format!("{base}/examplebucket/upload.bin");

    for (label, upload) in [
        (
            "signed chunks, CRC32 trailer",
            ChunkedUpload::signed(SIZE as u64).trailer(Checksum::Crc32),
        ),
        (
            "unsigned chunks, CRC32 trailer",
            ChunkedUpload::unsigned(SIZE as u64).trailer(Checksum::Crc32),
        ),
    ] {
        println!("--> PUT {SIZE} bytes, {label}");
        let mut req = client.put(&url).body(data.clone()).build()?;
        awssig::reqwest::sign_chunked_at(&signer, &mut req, upload, SystemTime::now())?;
        let (status, text) = send(&client, req).await?;
        expect(false, status == 200, "the upload is accepted")?;
        expect(
            false,
            text.contains(&format!("{SIZE} bytes")) && text.ends_with(&sha256),
            "the handler received exactly the bytes sent",
        )?;
    }

    println!(
        "--> PUT {SIZE} bytes, signed chunks, one byte of the third chunk changed on the wire"
    );
    let mut head = http::Request::put(&url).body(())?;
    let upload = ChunkedUpload::signed(SIZE as u64);
    let mut up = signer.sign_chunked_at(&mut head, upload, SystemTime::now())?;
    let mut wire = Vec::with_capacity(upload.encoded_len().unwrap_or(0) as usize);
    let mut third = 0;
    for (i, chunk) in data.chunks(CHUNK).enumerate() {
        if i == 2 {
            third = wire.len() + 200;
        }
        up.write_chunk(chunk, &mut wire)?;
    }
    up.finish(&mut wire)?;
    wire[third] ^= 0x01;
    let mut req = client.put(&url).body(wire).build()?;
    *req.headers_mut() = head.headers().clone();
    *LAST_ANSWER.lock().unwrap_or_else(|e| e.into_inner()) = None;
    match client.execute(req).await {
        Ok(resp) => {
            let status = resp.status().as_u16();
            let text = resp.text().await?;
            println!("<-- {status}\n    {text}\n");
            expect(false, status == 400, "the changed upload is refused")?;
        }
        // The service answered before reading the whole body and closed the connection; the
        // client, still writing, saw the close before the answer.
        Err(e) if e.is_request() => {
            println!("<-- connection closed while the body was still being sent ({e})\n");
        }
        Err(e) => return Err(e.into()),
    }
    let (status, text) = LAST_ANSWER
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .take()
        .ok_or("the handler answered the changed upload")?;
    println!("    the handler answered {status}: {text}\n");
    expect(
        false,
        status == 400,
        "the handler refused the changed upload",
    )?;
    expect(
        false,
        text.contains("chunk signature does not match"),
        "the refusal names the chunk signature",
    )?;
    // The two chunks before the changed one may or may not have reached the handler (the
    // layer decodes what arrives in one read together, and ends the body at the error); the
    // changed chunk and everything after it never does.
    let received: usize = text
        .strip_prefix("refused after ")
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .ok_or("the handler's answer says how much it received")?;
    expect(
        false,
        received <= 2 * CHUNK,
        "nothing of the changed chunk reached the handler",
    )?;
    Ok(())
}
