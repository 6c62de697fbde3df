//! 10. An S3 upload streamed as signed `aws-chunked` with a CRC32 trailer: the body is made as
//!     it is sent (never held whole), cut into 64 KiB chunks, each chunk signed on the
//!     signature before it, and the checksum of the whole object sent and signed after the
//!     last chunk.
//!
//! `awssig::reqwest::sign_chunked_at` signs the request (the seed signature) and wraps its body
//! in a `ChunkedBody`, which frames and signs one chunk at a time as reqwest sends it.
//!
//! ```text
//! cargo run --example s3_streaming_upload --features reqwest,gateway                  # offline
//! AWSSIG_ENDPOINT="https://{bucket}.s3.{region}.amazonaws.com/awssig-example/stream.bin" \
//!   cargo run --example s3_streaming_upload --features reqwest,gateway                # real bucket
//! ```
//! With `AWSSIG_ENDPOINT` set (credentials in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` /
//! `AWS_SESSION_TOKEN`), it PUTs the object to that URL and checks the CRC32 S3 answers with.
//! Otherwise it uploads to the local gateway started in-process, which verifies every chunk
//! signature, the trailer's signature and the CRC32 as the body arrives, and echoes the
//! decoded body's length and SHA-256, which the example checks.

mod common;

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::SystemTime;

use awssig::streaming::{Checksum, ChunkedUpload};
use awssig::{Credentials, Settings, Signer, Verifier};
use base64::Engine as _;
use bytes::Bytes;
use common::{BoxError, expect};
use http_body::{Body, Frame, SizeHint};
use sha2::Digest as _;

/// 8 MiB and a little: 128 full chunks of 64 KiB and a short last one.
const SIZE: u64 = 8 * 1024 * 1024 + 123;
/// The body is produced in pieces of this size, which are not chunks: `ChunkedBody` re-cuts
/// them into chunks of exactly the upload's chunk size.
const PIECE: u64 = 100_000;

/// Byte `i` of the object: a pattern, so the body can be made as it is sent.
fn byte(i: u64) -> u8 {
    (i.wrapping_mul(31) ^ (i >> 9)) as u8
}

/// A body of `SIZE` bytes made piece by piece as it is polled; only one piece exists at a time.
struct Pattern {
    sent: u64,
}

impl Body for Pattern {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.sent == SIZE {
            return Poll::Ready(None);
        }
        let end = (self.sent + PIECE).min(SIZE);
        let piece: Vec<u8> = (self.sent..end).map(byte).collect();
        self.sent = end;
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(piece)))))
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(SIZE - self.sent)
    }
}

/// The object's SHA-256 (hex) and CRC32 (base64, as S3 writes it), computed over the same
/// pattern piece by piece.
fn digests() -> (String, String) {
    let mut sha = sha2::Sha256::new();
    let mut crc = crc32fast::Hasher::new();
    let mut at = 0;
    while at < SIZE {
        let end = (at + PIECE).min(SIZE);
        let piece: Vec<u8> = (at..end).map(byte).collect();
        sha.update(&piece);
        crc.update(&piece);
        at = end;
    }
    let crc = base64::engine::general_purpose::STANDARD.encode(crc.finalize().to_be_bytes());
    (hex::encode(sha.finalize()), crc)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let real = common::real_endpoint();
    let mut _gateway = None;
    let (url, signer) = match &real {
        // Region, service and S3's signing rules come from the host name.
        Some(url) => (url.clone(), Signer::for_url(Credentials::from_env()?, url)?),
        None => {
            let verifier = Verifier::new(common::example_credentials(), "us-east-1", "s3")
                .with_settings(Settings::s3());
            let gw = common::local_gateway(verifier)?;
            let url = format!("{}/examplebucket/stream.bin", gw.url());
            _gateway = Some(gw);
            (
                url,
                Signer::new(common::example_credentials(), "us-east-1", "s3")
                    .with_settings(Settings::s3()),
            )
        }
    };
    let real = real.is_some();
    let client = common::client();
    let (sha256, crc32) = digests();

    let upload = ChunkedUpload::signed(SIZE)
        .chunk_size(ChunkedUpload::DEFAULT_CHUNK_SIZE)
        .trailer(Checksum::Crc32);
    println!(
        "== PUT {SIZE} bytes as aws-chunked: {} chunks of {} bytes, CRC32 trailer ({crc32})",
        SIZE.div_ceil(ChunkedUpload::DEFAULT_CHUNK_SIZE as u64),
        ChunkedUpload::DEFAULT_CHUNK_SIZE
    );
    let mut req = client
        .put(&url)
        // What the AWS SDKs send with a trailing checksum; signed like every other header.
        .header("x-amz-sdk-checksum-algorithm", "CRC32")
        .body(reqwest::Body::wrap(Pattern { sent: 0 }))
        .build()?;
    awssig::reqwest::sign_chunked_at(&signer, &mut req, upload, SystemTime::now())?;
    common::print_request("PUT", &req);
    let (status, headers, body) = common::send(&client, req).await?;
    if real {
        // S3 answers with the checksum it computed and checked.
        let answered = headers
            .get("x-amz-checksum-crc32")
            .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
        println!("S3's x-amz-checksum-crc32: {answered:?}, ours: {crc32}");
        if status != 200 || answered.as_deref() != Some(crc32.as_str()) {
            return Err(format!("S3 answered {status}, checksum {answered:?}").into());
        }
    } else {
        expect(false, status == 200, "the local gateway accepts the upload")?;
        expect(
            false,
            body.contains(&format!("\"bodyLength\":{SIZE}")),
            "the gateway decoded every byte",
        )?;
        expect(
            false,
            body.contains(&format!("\"bodySha256\":\"{sha256}\"")),
            "the decoded bytes are the bytes sent",
        )?;
        println!("the gateway verified {SIZE} bytes with SHA-256 {sha256}");
    }
    Ok(())
}
