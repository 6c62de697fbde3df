//! The signing side of `aws-chunked`: [`ChunkedUpload`] (what will be sent),
//! [`Signer::sign_chunked_at`] (the headers and the seed signature) and [`ChunkedSigner`] (each
//! chunk, the final chunk and the trailer, chained on the signature before).

use crate::prelude::*;

use core::fmt;

use bytes::BufMut;

use crate::crypto;
use crate::error::SignError;
use crate::payload::Payload;
use crate::sign::chunked::{self, ChainContext};
use crate::sign::key::{Signature, SigningKey};
use crate::signer::Signer;
use crate::sink;
use crate::spec::{AWS_CHUNKED, MIN_CHUNK_SIZE, StreamingPayload, header};
use crate::time::{AmzDate, SigningTime};

use super::checksum::{Checksum, ChecksumState};

/// What an `aws-chunked` upload will send: its decoded length, whether chunks are signed, the
/// chunk size and the trailing checksum.
///
/// ```
/// use awssig::streaming::{Checksum, ChunkedUpload};
/// // The S3 documentation's example: 66560 bytes in 64 KiB chunks.
/// assert_eq!(ChunkedUpload::signed(66560).chunk_size(64 * 1024).encoded_len(), Some(66824));
/// let unsigned = ChunkedUpload::unsigned(5).trailer(Checksum::Crc32c);
/// assert_eq!(unsigned.trailer_checksum(), Some(Checksum::Crc32c));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChunkedUpload {
    signed: bool,
    decoded_len: u64,
    chunk_size: usize,
    trailer: Option<Checksum>,
}

impl ChunkedUpload {
    /// The chunk size when none is set: 64 KiB, as the S3 documentation's example and the AWS
    /// SDKs use.
    pub const DEFAULT_CHUNK_SIZE: usize = 64 * 1024;

    /// `decoded_len` bytes, every chunk signed; no trailer unless [`ChunkedUpload::trailer`]
    /// adds one.
    pub fn signed(decoded_len: u64) -> Self {
        Self {
            signed: true,
            decoded_len,
            chunk_size: Self::DEFAULT_CHUNK_SIZE,
            trailer: None,
        }
    }

    /// `decoded_len` bytes, chunks unsigned (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`). This form
    /// always ends with a checksum: CRC32 (the AWS SDKs' default) unless
    /// [`ChunkedUpload::trailer`] names another.
    pub fn unsigned(decoded_len: u64) -> Self {
        Self {
            signed: false,
            decoded_len,
            chunk_size: Self::DEFAULT_CHUNK_SIZE,
            trailer: Some(Checksum::Crc32),
        }
    }

    /// The size of every chunk but the last (at least 8 KiB, [`MIN_CHUNK_SIZE`]).
    #[must_use]
    pub fn chunk_size(mut self, chunk_size: usize) -> Self {
        self.chunk_size = chunk_size;
        self
    }

    /// Ends the body with this checksum of the data as a trailer.
    #[must_use]
    pub fn trailer(mut self, checksum: Checksum) -> Self {
        self.trailer = Some(checksum);
        self
    }

    /// The decoded length (`x-amz-decoded-content-length`).
    pub fn decoded_len(&self) -> u64 {
        self.decoded_len
    }

    /// The trailing checksum, if any.
    pub fn trailer_checksum(&self) -> Option<Checksum> {
        self.trailer
    }

    /// The form, as `x-amz-content-sha256` names it.
    pub fn payload(&self) -> StreamingPayload {
        match (self.signed, self.trailer) {
            (true, None) => StreamingPayload::Signed,
            (true, Some(_)) => StreamingPayload::SignedTrailer,
            (false, _) => StreamingPayload::UnsignedTrailer,
        }
    }

    /// The length of the encoded body (`content-length`), or `None` if it overflows `u64` or
    /// the chunk size is 0.
    pub fn encoded_len(&self) -> Option<u64> {
        let size = u64::try_from(self.chunk_size).ok().filter(|s| *s > 0)?;
        let full = self.decoded_len / size;
        let rest = self.decoded_len % size;
        let mut total = full.checked_mul(chunk_frame_len(size, self.signed)?)?;
        if rest > 0 {
            total = total.checked_add(chunk_frame_len(rest, self.signed)?)?;
        }
        // The final chunk's line (no data, no data CRLF).
        total = total.checked_add(hex_digits(0) + signature_ext_len(self.signed) + 2)?;
        if let Some(c) = self.trailer {
            total = total.checked_add((c.header_name().len() + 1 + c.encoded_len() + 2) as u64)?;
            if self.signed {
                total = total
                    .checked_add((header::X_AMZ_TRAILER_SIGNATURE.len() + 1 + 64 + 2) as u64)?;
            }
        }
        total.checked_add(2)
    }
}

/// `;chunk-signature=` and 64 hex digits, when signed.
fn signature_ext_len(signed: bool) -> u64 {
    if signed { 1 + 15 + 1 + 64 } else { 0 }
}

/// The hex digits of `n`.
fn hex_digits(n: u64) -> u64 {
    u64::from((64 - n.leading_zeros()).div_ceil(4).max(1))
}

/// The framed length of one data chunk of `n` bytes.
fn chunk_frame_len(n: u64, signed: bool) -> Option<u64> {
    (hex_digits(n) + signature_ext_len(signed) + 2 + 2).checked_add(n)
}

/// Why an `aws-chunked` upload could not be signed or framed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChunkedSignError {
    /// The request itself could not be signed.
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The chunk size is under 8 KiB.
    #[error(
        "chunk size {chunk_size} is under 8 KiB: S3 refuses chunks under 8192 bytes except the last; use ChunkedUpload::chunk_size(8192) or more"
    )]
    ChunkSizeTooSmall {
        /// The chunk size given.
        chunk_size: usize,
    },
    /// The encoded length does not fit in a `u64`.
    #[error("the encoded body length overflows 64 bits: upload less data per request")]
    TooLong,
    /// A chunk was not the size the upload declared.
    #[error(
        "chunk of {got} bytes where {expected} were due: write chunks of exactly the chunk size, and the remainder last"
    )]
    ChunkLength {
        /// The length due: the chunk size, or what remains of the declared length.
        expected: u64,
        /// The length given.
        got: u64,
    },
    /// More bytes were written than the decoded length declared.
    #[error(
        "{written} bytes written but {declared} declared: declare the exact length in ChunkedUpload::signed or ::unsigned"
    )]
    TooMuchData {
        /// The declared decoded length.
        declared: u64,
        /// The bytes written, including the refused chunk.
        written: u64,
    },
    /// `finish` came before the declared length was written.
    #[error(
        "finish after {written} of {declared} declared bytes: write the rest of the data first (the server would refuse a short body)"
    )]
    TooLittleData {
        /// The declared decoded length.
        declared: u64,
        /// The bytes written.
        written: u64,
    },
    /// A write (or a second `finish`) after `finish`.
    #[error("write after finish: the upload is complete; sign a new request for more data")]
    Finished,
}

/// The chain of an upload's signatures.
struct Chain {
    key: SigningKey,
    date: AmzDate,
    scope: Box<[u8]>,
    previous: Signature,
}

/// Frames and signs the chunks of one `aws-chunked` upload, from
/// [`Signer::sign_chunked_at`]. Its `Debug` shows neither the key nor the signatures.
pub struct ChunkedSigner {
    upload: ChunkedUpload,
    chain: Option<Chain>,
    seed: Signature,
    checksum: Option<ChecksumState>,
    written: u64,
    finished: bool,
}

impl fmt::Debug for ChunkedSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedSigner")
            .field("upload", &self.upload)
            .field("written", &self.written)
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Signs `req` for an `aws-chunked` upload at `time`: sets `content-encoding: aws-chunked`
    /// (before any other encoding), `content-length` (the encoded body's, computed exactly),
    /// `x-amz-decoded-content-length`, `x-amz-trailer` when there is a trailer and
    /// `x-amz-content-sha256` (the `STREAMING-*` value), then signs the request (the seed
    /// signature) and returns the [`ChunkedSigner`] for its body.
    ///
    /// # Errors
    /// [`ChunkedSignError::ChunkSizeTooSmall`] under 8 KiB, [`ChunkedSignError::TooLong`], or
    /// the request's [`SignError`] ([`SignError::NotForSigV4a`] from a SigV4a signer).
    pub fn sign_chunked_at<B>(
        &self,
        req: &mut http::Request<B>,
        upload: ChunkedUpload,
        time: impl Into<SigningTime>,
    ) -> Result<ChunkedSigner, ChunkedSignError> {
        self.require_sigv4("aws-chunked signing")?;
        if upload.chunk_size < MIN_CHUNK_SIZE {
            return Err(ChunkedSignError::ChunkSizeTooSmall {
                chunk_size: upload.chunk_size,
            });
        }
        let encoded = upload.encoded_len().ok_or(ChunkedSignError::TooLong)?;
        set_headers(req, &upload, encoded)?;
        let (date, seed) = self.sign_payload_dated(req, Payload::Unsigned, time.into())?;
        let chain = upload.signed.then(|| {
            let (key, scope) = self.chain_key(&date);
            Chain {
                key,
                date,
                scope,
                previous: seed,
            }
        });
        Ok(ChunkedSigner {
            checksum: upload.trailer.map(ChecksumState::new),
            upload,
            chain,
            seed,
            written: 0,
            finished: false,
        })
    }
}

fn set_headers<B>(
    req: &mut http::Request<B>,
    upload: &ChunkedUpload,
    encoded: u64,
) -> Result<(), SignError> {
    let value = |name: &str, v: &[u8]| {
        http::HeaderValue::from_bytes(v).map_err(|_| SignError::InvalidHeaderValue {
            name: name.to_string(),
            reason: "the value is not a valid HTTP header value",
        })
    };
    let headers = req.headers_mut();
    let encoding = match headers.get(http::header::CONTENT_ENCODING) {
        Some(v)
            if !v
                .as_bytes()
                .split(|b| *b == b',')
                .any(|e| e.trim_ascii() == AWS_CHUNKED.as_bytes()) =>
        {
            let mut s = Vec::with_capacity(AWS_CHUNKED.len() + 1 + v.len());
            s.extend_from_slice(AWS_CHUNKED.as_bytes());
            s.push(b',');
            s.extend_from_slice(v.as_bytes());
            value("content-encoding", &s)?
        }
        Some(v) => v.clone(),
        None => http::HeaderValue::from_static(AWS_CHUNKED),
    };
    headers.insert(http::header::CONTENT_ENCODING, encoding);
    headers.insert(
        http::header::CONTENT_LENGTH,
        http::HeaderValue::from(encoded),
    );
    headers.insert(
        http::HeaderName::from_static(header::X_AMZ_DECODED_CONTENT_LENGTH),
        http::HeaderValue::from(upload.decoded_len),
    );
    let trailer = http::HeaderName::from_static(header::X_AMZ_TRAILER);
    match upload.trailer {
        Some(c) => {
            headers.insert(trailer, http::HeaderValue::from_static(c.header_name()));
        }
        None => {
            headers.remove(trailer);
        }
    }
    headers.insert(
        http::HeaderName::from_static(header::X_AMZ_CONTENT_SHA256),
        http::HeaderValue::from_static(upload.payload().as_str()),
    );
    Ok(())
}

impl ChunkedSigner {
    /// The request's signature, which the first chunk's is chained on.
    pub fn seed_signature(&self) -> Signature {
        self.seed
    }

    /// What is being sent.
    pub fn upload(&self) -> &ChunkedUpload {
        &self.upload
    }

    /// The data bytes written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// The size of every chunk but the last.
    #[cfg(any(feature = "tower", feature = "gateway", feature = "reqwest"))]
    pub(crate) fn chunk_len(&self) -> usize {
        self.upload.chunk_size
    }

    /// Frames `data` as the next chunk into `out` (a `Vec<u8>`, a `BytesMut`, ...):
    /// `<hex size>;chunk-signature=<signature>\r\n<data>\r\n`, or `<hex size>\r\n<data>\r\n`
    /// unsigned. Every chunk holds exactly the chunk size except the last, which holds the
    /// rest. Allocates nothing but what `out` needs.
    ///
    /// # Errors
    /// [`ChunkedSignError::Finished`], [`ChunkedSignError::TooMuchData`] or
    /// [`ChunkedSignError::ChunkLength`]; nothing is written then.
    pub fn write_chunk(
        &mut self,
        data: &[u8],
        out: &mut impl BufMut,
    ) -> Result<(), ChunkedSignError> {
        if self.finished {
            return Err(ChunkedSignError::Finished);
        }
        let got = data.len() as u64;
        let declared = self.upload.decoded_len;
        let remaining = declared - self.written;
        if got > remaining {
            return Err(ChunkedSignError::TooMuchData {
                declared,
                written: self.written.saturating_add(got),
            });
        }
        let expected = remaining.min(self.upload.chunk_size as u64);
        if got != expected {
            return Err(ChunkedSignError::ChunkLength { expected, got });
        }
        let mut size = [0u8; 16];
        let size = sink::hex_u64(got, &mut size);
        out.put_slice(size);
        self.sign_next(&crypto::sha256(data), out);
        out.put_slice(b"\r\n");
        out.put_slice(data);
        out.put_slice(b"\r\n");
        if let Some(c) = &mut self.checksum {
            c.update(data);
        }
        self.written += got;
        Ok(())
    }

    /// Writes `;chunk-signature=<signature>` for the next chunk, when chunks are signed.
    fn sign_next(&mut self, sha256: &[u8; 32], out: &mut impl BufMut) {
        if let Some(chain) = &mut self.chain {
            let ctx = ChainContext {
                date: &chain.date,
                scope: &chain.scope,
            };
            chain.previous = chunked::chunk_signature(&chain.key, &ctx, &chain.previous, sha256);
            out.put_slice(b";chunk-signature=");
            out.put_slice(&chain.previous.to_hex());
        }
    }

    /// Writes the final empty chunk, then the trailer (the checksum, and its signature when
    /// chunks are signed) and the blank line that ends the body.
    ///
    /// # Errors
    /// [`ChunkedSignError::TooLittleData`] before the declared length is written,
    /// [`ChunkedSignError::Finished`] the second time; nothing is written then.
    pub fn finish(&mut self, out: &mut impl BufMut) -> Result<(), ChunkedSignError> {
        if self.finished {
            return Err(ChunkedSignError::Finished);
        }
        if self.written != self.upload.decoded_len {
            return Err(ChunkedSignError::TooLittleData {
                declared: self.upload.decoded_len,
                written: self.written,
            });
        }
        self.finished = true;
        out.put_slice(b"0");
        self.sign_next(&crypto::sha256(b""), out);
        out.put_slice(b"\r\n");
        if let (Some(algorithm), Some(state)) = (self.upload.trailer, self.checksum.take()) {
            let mut b64 = [0u8; 44];
            let n = state.finish().write_base64(&mut b64);
            let value = &b64[..n];
            out.put_slice(algorithm.header_name().as_bytes());
            out.put_slice(b":");
            out.put_slice(value);
            out.put_slice(b"\r\n");
            if let Some(chain) = &mut self.chain {
                let mut canonical = smallvec::SmallVec::<[u8; 80]>::new();
                chunked::write_canonical_trailer_line(
                    &mut canonical,
                    algorithm.header_name(),
                    value,
                );
                let ctx = ChainContext {
                    date: &chain.date,
                    scope: &chain.scope,
                };
                chain.previous =
                    chunked::trailer_signature(&chain.key, &ctx, &chain.previous, &canonical);
                out.put_slice(header::X_AMZ_TRAILER_SIGNATURE.as_bytes());
                out.put_slice(b":");
                out.put_slice(&chain.previous.to_hex());
                out.put_slice(b"\r\n");
            }
        }
        out.put_slice(b"\r\n");
        Ok(())
    }
}
