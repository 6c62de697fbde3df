//! `aws-chunked` uploads, both sides: [`Signer::sign_chunked_at`](crate::Signer::sign_chunked_at)
//! signs the request and hands back a [`ChunkedSigner`] that frames and signs each chunk, the
//! final empty chunk and the trailer; [`Verifier::verify_chunked_at`](crate::Verifier::verify_chunked_at)
//! checks the seed signature and hands back a [`ChunkedDecoder`] that takes the wire bytes in
//! pieces of any size and yields only verified data.
//!
//! All three forms S3 accepts ([`StreamingPayload`](crate::spec::StreamingPayload)):
//! every chunk signed (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`), signed with a signed trailer
//! (`…-PAYLOAD-TRAILER`), and unsigned with a trailer (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`);
//! the trailer is one of the [`Checksum`]s.
//!
//! Event streams (`STREAMING-AWS4-HMAC-SHA256-EVENTS`): [`Signer::sign_event_stream_at`](crate::Signer::sign_event_stream_at)
//! and [`Verifier::verify_event_stream_at`](crate::Verifier::verify_event_stream_at), with
//! [`EventStreamSigner`] and [`EventStreamDecoder`] for the signed message envelopes.
//!
//! ```
//! use awssig::streaming::{Checksum, ChunkedUpload};
//! use awssig::{Credentials, Settings, Signer, Verifier};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let signer = Signer::new(creds.clone(), "us-east-1", "s3").with_settings(Settings::s3());
//! let now = time::OffsetDateTime::now_utc();
//! let data = vec![7u8; 20_000];
//!
//! let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key").body(())?;
//! let upload = ChunkedUpload::signed(data.len() as u64).chunk_size(8192).trailer(Checksum::Crc32);
//! let mut up = signer.sign_chunked_at(&mut req, upload, now)?;
//! let mut wire = Vec::new();
//! for chunk in data.chunks(8192) {
//!     up.write_chunk(chunk, &mut wire)?;
//! }
//! up.finish(&mut wire)?;
//! assert_eq!(req.headers()["content-length"], wire.len().to_string());
//!
//! let verifier = Verifier::new(creds, "us-east-1", "s3").with_settings(Settings::s3());
//! let mut decoder = verifier.verify_chunked_at(&req, now)?;
//! let mut body = Vec::new();
//! for piece in wire.chunks(1000) {
//!     decoder.feed(piece, &mut body)?;
//! }
//! let done = decoder.finish()?;
//! assert_eq!(body, data);
//! assert_eq!(done.checksum(), Some((Checksum::Crc32, Checksum::Crc32.compute(&data).as_str())));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(any(feature = "tower", feature = "gateway"))]
mod body;
mod checksum;
#[cfg(any(feature = "tower", feature = "gateway", feature = "reqwest"))]
mod chunked_body;
mod decode;
mod event_stream;
mod sign;

#[cfg(any(feature = "tower", feature = "gateway"))]
pub use body::{DecodedBody, DecodedBodyError};
pub use checksum::Checksum;
#[cfg(any(feature = "tower", feature = "gateway", feature = "reqwest"))]
pub use chunked_body::ChunkedBody;
pub use decode::{ChunkedDecoder, ChunkedVerified, ChunkedVerifyError, DEFAULT_MAX_CHUNK_SIZE};
pub use event_stream::{
    DEFAULT_MAX_MESSAGE_SIZE, EventStreamDecoder, EventStreamSignError, EventStreamSigner,
    EventStreamVerifyError,
};
pub use sign::{ChunkedSignError, ChunkedSigner, ChunkedUpload};
