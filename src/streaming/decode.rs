//! The receiving side of `aws-chunked`: [`Verifier::verify_chunked_at`] checks the headers and
//! the seed signature, and [`ChunkedDecoder`] takes the wire bytes in pieces of any size and
//! yields the decoded data, each signed chunk only once its signature checks.
//!
//! Memory is bounded by one chunk (plus one line of at most [`MAX_LINE`] bytes): a chunk larger
//! than the decoder's limit is refused from its size line, before a byte of it is buffered.

use crate::prelude::*;

use core::fmt;

use bytes::BufMut;

use crate::crypto::{self, Hasher};
use crate::request::SignableRequest;
use crate::sign::chunked::{self, ChainContext};
use crate::sign::key::{Signature, SigningKey};
use crate::spec::{CHUNK_SIGNATURE, MIN_CHUNK_SIZE, StreamingPayload, header};
use crate::time::{AmzDate, SigningTime};
use crate::verify::{SIGNATURE_MISMATCH_MESSAGE, Streaming, Verified, Verifier, VerifyError};

use super::checksum::{Checksum, ChecksumState};

/// The largest chunk a decoder buffers unless told otherwise: 16 MiB.
pub const DEFAULT_MAX_CHUNK_SIZE: usize = 16 * 1024 * 1024;

/// The longest chunk-size or trailer line accepted, CRLF included.
const MAX_LINE: usize = 256;

/// Why an `aws-chunked` request or body was refused.
///
/// `Display` says what was wrong, for logs; [`ChunkedVerifyError::aws_code`],
/// [`ChunkedVerifyError::aws_message`] and [`ChunkedVerifyError::status`] are S3's answer.
///
/// ```
/// use awssig::streaming::ChunkedVerifyError;
/// let e = ChunkedVerifyError::ChunkSignatureMismatch;
/// assert_eq!(e.aws_code(), "SignatureDoesNotMatch");
/// assert_eq!(e.status(), 403);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChunkedVerifyError {
    /// The request's headers or seed signature were refused.
    Verify(VerifyError),
    /// `x-amz-content-sha256` is not one of the `STREAMING-*` values.
    NotChunked,
    /// No `x-amz-decoded-content-length` header.
    MissingDecodedContentLength,
    /// `x-amz-decoded-content-length` is not a number.
    InvalidDecodedContentLength,
    /// A `…-TRAILER` form without an `x-amz-trailer` header.
    MissingTrailer,
    /// `x-amz-trailer` names no supported checksum, or is sent with a form that has no trailer.
    UnsupportedTrailer {
        /// The header's value.
        value: String,
    },
    /// The body is not well-formed `aws-chunked`; names what was wrong.
    Malformed(&'static str),
    /// A chunk other than the last is under 8 KiB.
    ChunkTooSmall {
        /// The size of the chunk before it.
        size: u64,
    },
    /// A signed chunk is larger than the decoder's limit.
    ChunkTooLarge {
        /// The size the chunk declared.
        size: u64,
        /// The limit.
        max: usize,
    },
    /// The chunks hold more, or fewer, bytes than `x-amz-decoded-content-length`.
    DecodedLengthMismatch {
        /// The declared length.
        declared: u64,
        /// The length the chunks reached.
        decoded: u64,
    },
    /// A chunk's signature does not match its data and the signature before it.
    ChunkSignatureMismatch,
    /// The trailer's signature does not match.
    TrailerSignatureMismatch,
    /// The trailing checksum does not match the data.
    ChecksumMismatch {
        /// The algorithm.
        algorithm: Checksum,
    },
    /// The body ended before its final chunk and trailer.
    Incomplete,
}

impl From<VerifyError> for ChunkedVerifyError {
    fn from(e: VerifyError) -> Self {
        Self::Verify(e)
    }
}

impl ChunkedVerifyError {
    /// S3's error code for the case.
    pub fn aws_code(&self) -> &'static str {
        match self {
            Self::Verify(e) => e.aws_code(),
            Self::NotChunked | Self::MissingTrailer | Self::UnsupportedTrailer { .. } => {
                "InvalidRequest"
            }
            Self::MissingDecodedContentLength => "MissingContentLength",
            Self::InvalidDecodedContentLength => "InvalidArgument",
            Self::Malformed(_) | Self::DecodedLengthMismatch { .. } | Self::Incomplete => {
                "IncompleteBody"
            }
            Self::ChunkTooSmall { .. } => "InvalidChunkSizeError",
            Self::ChunkTooLarge { .. } => "EntityTooLarge",
            Self::ChunkSignatureMismatch | Self::TrailerSignatureMismatch => {
                "SignatureDoesNotMatch"
            }
            Self::ChecksumMismatch { .. } => "BadDigest",
        }
    }

    /// The HTTP status S3 answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Verify(e) => e.status(),
            Self::MissingDecodedContentLength => 411,
            Self::ChunkSignatureMismatch | Self::TrailerSignatureMismatch => 403,
            _ => 400,
        }
    }

    /// S3's sentence for the case (its published error table's, and for `BadDigest` the
    /// sentence S3 sends for checksum headers).
    pub fn aws_message(&self) -> String {
        match self {
            Self::Verify(e) => e.aws_message(),
            Self::NotChunked => "x-amz-content-sha256 must name an aws-chunked payload (STREAMING-*) for this body".into(),
            Self::MissingDecodedContentLength => "You must provide the Content-Length HTTP header.".into(),
            Self::InvalidDecodedContentLength => "x-amz-decoded-content-length must be a non-negative integer".into(),
            Self::MissingTrailer => "missing header: x-amz-trailer".into(),
            Self::UnsupportedTrailer { .. } => "The value specified in the x-amz-trailer header is not supported".into(),
            Self::Malformed(_) | Self::DecodedLengthMismatch { .. } | Self::Incomplete => {
                "You did not provide the number of bytes specified by the Content-Length HTTP header.".into()
            }
            Self::ChunkTooSmall { .. } => "Only the last chunk is allowed to have a size less than 8192 bytes".into(),
            Self::ChunkTooLarge { .. } => "Your proposed upload exceeds the maximum allowed object size.".into(),
            Self::ChunkSignatureMismatch | Self::TrailerSignatureMismatch => SIGNATURE_MISMATCH_MESSAGE.into(),
            Self::ChecksumMismatch { algorithm } => format!(
                "The {} you specified did not match the calculated checksum.",
                algorithm_name(*algorithm)
            ),
        }
    }
}

/// The algorithm as S3's `BadDigest` message names it.
fn algorithm_name(c: Checksum) -> &'static str {
    match c {
        Checksum::Crc32 => "CRC32",
        Checksum::Crc32c => "CRC32C",
        Checksum::Crc64Nvme => "CRC64NVME",
        Checksum::Sha1 => "SHA1",
        Checksum::Sha256 => "SHA256",
    }
}

impl fmt::Display for ChunkedVerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify(e) => e.fmt(f),
            Self::NotChunked => f.write_str(
                "not an aws-chunked request: x-amz-content-sha256 is not a STREAMING-* value (verify it with verify_at instead)",
            ),
            Self::MissingDecodedContentLength => f.write_str(
                "missing x-amz-decoded-content-length: an aws-chunked request must declare its decoded length",
            ),
            Self::InvalidDecodedContentLength => {
                f.write_str("invalid x-amz-decoded-content-length: expected a decimal byte count")
            }
            Self::MissingTrailer => f.write_str(
                "missing x-amz-trailer: a STREAMING-*-TRAILER request must name its trailing checksum",
            ),
            Self::UnsupportedTrailer { value } => write!(
                f,
                "unsupported x-amz-trailer `{value}`: expected one x-amz-checksum-{{crc32,crc32c,crc64nvme,sha1,sha256}} with a -TRAILER payload"
            ),
            Self::Malformed(what) => write!(f, "malformed aws-chunked body: {what}"),
            Self::ChunkTooSmall { size } => write!(
                f,
                "a chunk of {size} bytes is followed by another: only the last chunk may be under 8192 bytes"
            ),
            Self::ChunkTooLarge { size, max } => write!(
                f,
                "a chunk of {size} bytes is over the limit of {max}: send smaller chunks or raise the decoder's limit"
            ),
            Self::DecodedLengthMismatch { declared, decoded } => write!(
                f,
                "the chunks hold {decoded} bytes but x-amz-decoded-content-length declares {declared}"
            ),
            Self::ChunkSignatureMismatch => f.write_str("chunk signature does not match"),
            Self::TrailerSignatureMismatch => f.write_str("trailer signature does not match"),
            Self::ChecksumMismatch { algorithm } => write!(
                f,
                "the trailing {} does not match the data",
                algorithm.header_name()
            ),
            Self::Incomplete => f.write_str("the body ended before its final chunk and trailer"),
        }
    }
}

impl core::error::Error for ChunkedVerifyError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Verify(e) => Some(e),
            _ => None,
        }
    }
}

/// What a fully decoded `aws-chunked` body proved, from [`ChunkedDecoder::finish`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkedVerified {
    verified: Verified,
    decoded_len: u64,
    checksum: Option<(Checksum, String)>,
}

impl ChunkedVerified {
    /// What the seed signature proved (who signed, the scope, the signed headers).
    pub fn verified(&self) -> &Verified {
        &self.verified
    }

    /// The decoded length, equal to `x-amz-decoded-content-length`.
    pub fn decoded_len(&self) -> u64 {
        self.decoded_len
    }

    /// The trailing checksum and its base64 value, checked against the data.
    pub fn checksum(&self) -> Option<(Checksum, &str)> {
        self.checksum.as_ref().map(|(c, v)| (*c, v.as_str()))
    }
}

/// Where the decoder is in the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Reading a chunk's size line.
    Size,
    /// Reading a chunk's data.
    Data { remaining: u64 },
    /// Reading the CRLF after a chunk's data (`seen` of its 2 bytes).
    DataEnd { seen: u8 },
    /// Reading trailer lines, after the final chunk.
    Trailer,
    /// The blank line that ends the body was read.
    Done,
}

/// The chain of signatures of a signed body.
struct Chain {
    key: SigningKey,
    date: AmzDate,
    scope: Box<[u8]>,
    previous: Signature,
}

/// Decodes and verifies an `aws-chunked` body fed in pieces of any size, from
/// [`Verifier::verify_chunked_at`].
///
/// Signed chunks are held until their signature checks, then written out; unsigned chunks
/// (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`) are written as they arrive, and only
/// [`ChunkedDecoder::finish`] (the trailing checksum) vouches for them. After an error, every
/// call returns that error.
pub struct ChunkedDecoder {
    chain: Option<Chain>,
    trailer: Option<Checksum>,
    checksum: Option<ChecksumState>,
    declared: u64,
    decoded: u64,
    max_chunk_size: usize,
    state: State,
    line: Vec<u8>,
    /// The current chunk's data (signed bodies) and its running SHA-256.
    data: Vec<u8>,
    hasher: Hasher,
    /// The signature the current chunk claims.
    claimed: Signature,
    /// The size of the last data chunk, when it was under 8 KiB.
    small: Option<u64>,
    trailer_value: Option<([u8; 44], usize)>,
    trailer_signature: Option<Signature>,
    verified: Verified,
    failed: Option<ChunkedVerifyError>,
}

impl fmt::Debug for ChunkedDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedDecoder")
            .field("signed", &self.chain.is_some())
            .field("trailer", &self.trailer)
            .field("declared", &self.declared)
            .field("decoded", &self.decoded)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// Verifies the head of an `aws-chunked` request at `now`: every check of
    /// [`Verifier::authenticate_at`], the `STREAMING-*` claim, `x-amz-decoded-content-length`,
    /// `x-amz-trailer`, and the seed signature. Returns the decoder for its body.
    ///
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER` is refused unless the verifier allows unsigned
    /// payloads ([`crate::verify::UnsignedPayload::Allowed`]).
    ///
    /// # Errors
    /// A [`ChunkedVerifyError`]; [`ChunkedVerifyError::Verify`] for the checks shared with
    /// every request.
    pub fn verify_chunked_at<B>(
        &self,
        req: &http::Request<B>,
        now: impl Into<SigningTime>,
    ) -> Result<ChunkedDecoder, ChunkedVerifyError> {
        self.verify_chunked_request_at(&SignableRequest::from(req), now)
    }

    /// [`Verifier::verify_chunked_at`] for a [`SignableRequest`].
    ///
    /// # Errors
    /// As [`Verifier::verify_chunked_at`].
    pub fn verify_chunked_request_at(
        &self,
        req: &SignableRequest<'_>,
        now: impl Into<SigningTime>,
    ) -> Result<ChunkedDecoder, ChunkedVerifyError> {
        // Who it is first: a stranger learns nothing about the body's format.
        let authenticated = self.authenticate(req, now.into(), Streaming::Accepted)?;
        let streaming = req
            .header_value(header::X_AMZ_CONTENT_SHA256)
            .and_then(|v| StreamingPayload::from_value(v.trim_ascii()))
            .ok_or(ChunkedVerifyError::NotChunked)?;
        let declared = req
            .header_value(header::X_AMZ_DECODED_CONTENT_LENGTH)
            .ok_or(ChunkedVerifyError::MissingDecodedContentLength)?;
        let declared = core::str::from_utf8(declared.trim_ascii())
            .ok()
            .filter(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<u64>().ok())
            .ok_or(ChunkedVerifyError::InvalidDecodedContentLength)?;
        let trailer = match (req.header_value(header::X_AMZ_TRAILER), streaming.trailer()) {
            (None, false) => None,
            (None, true) => return Err(ChunkedVerifyError::MissingTrailer),
            (Some(v), has) => {
                let text = String::from_utf8_lossy(v.trim_ascii());
                match Checksum::from_header_name(&text) {
                    Some(c) if has => Some(c),
                    _ => {
                        return Err(ChunkedVerifyError::UnsupportedTrailer {
                            value: text.into_owned(),
                        });
                    }
                }
            }
        };
        let seed = authenticated.verify_seed(req)?;
        let chain = seed.streaming.signed().then(|| Chain {
            key: seed.key,
            date: seed.verified.amz_date(),
            scope: seed.scope,
            previous: seed.signature,
        });
        Ok(ChunkedDecoder {
            chain,
            trailer,
            checksum: trailer.map(ChecksumState::new),
            declared,
            decoded: 0,
            max_chunk_size: DEFAULT_MAX_CHUNK_SIZE,
            state: State::Size,
            line: Vec::with_capacity(MAX_LINE),
            data: Vec::new(),
            hasher: Hasher::new(),
            claimed: Signature::hmac([0; 32]),
            small: None,
            trailer_value: None,
            trailer_signature: None,
            verified: seed.verified,
            failed: None,
        })
    }
}

impl ChunkedDecoder {
    /// Refuses signed chunks larger than `max` bytes (default [`DEFAULT_MAX_CHUNK_SIZE`]) from
    /// their size line, before buffering them: the most a decoder holds at once. Unsigned
    /// chunks are not held, so any size passes (the AWS SDK for Rust sends an unsigned body as
    /// a single chunk).
    #[must_use]
    pub fn with_max_chunk_size(mut self, max: usize) -> Self {
        self.max_chunk_size = max;
        self
    }

    /// The chunk size limit.
    pub fn max_chunk_size(&self) -> usize {
        self.max_chunk_size
    }

    /// What the seed signature proved (who signed, the scope, the signed headers); the body
    /// is vouched for only once [`ChunkedDecoder::finish`] succeeds.
    pub fn verified(&self) -> &Verified {
        &self.verified
    }

    /// The declared decoded length.
    pub fn declared_len(&self) -> u64 {
        self.declared
    }

    /// Whether the blank line that ends the body has been read.
    pub fn is_done(&self) -> bool {
        self.state == State::Done
    }

    /// Takes the next piece of the wire body (any length, empty included) and writes the data
    /// it completes into `out`: a signed chunk once its signature checks, an unsigned one as
    /// it arrives.
    ///
    /// # Errors
    /// The first problem found; the decoder then refuses everything after.
    pub fn feed(&mut self, input: &[u8], out: &mut impl BufMut) -> Result<(), ChunkedVerifyError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let result = self.run(input, out);
        if let Err(e) = &result {
            self.failed = Some(e.clone());
            self.data.clear();
        }
        result
    }

    /// Ends the body: it must have been complete.
    ///
    /// # Errors
    /// [`ChunkedVerifyError::Incomplete`] when the body stopped early, or the error that
    /// stopped the decoder.
    pub fn finish(self) -> Result<ChunkedVerified, ChunkedVerifyError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if self.state != State::Done {
            return Err(ChunkedVerifyError::Incomplete);
        }
        let checksum = match (self.trailer, self.trailer_value) {
            (Some(c), Some((v, n))) => Some((c, String::from_utf8_lossy(&v[..n]).into_owned())),
            _ => None,
        };
        Ok(ChunkedVerified {
            verified: self.verified,
            decoded_len: self.decoded,
            checksum,
        })
    }

    fn run(&mut self, mut input: &[u8], out: &mut impl BufMut) -> Result<(), ChunkedVerifyError> {
        while !input.is_empty() {
            match self.state {
                State::Size | State::Trailer => {
                    let Some(line_end) = self.take_line(&mut input)? else {
                        return Ok(());
                    };
                    let mut line = core::mem::take(&mut self.line);
                    let r = if self.state == State::Size {
                        self.size_line(&line[..line_end])
                    } else {
                        self.trailer_line(&line[..line_end])
                    };
                    line.clear();
                    self.line = line;
                    r?;
                }
                State::Data { remaining } => {
                    let n = usize::try_from(remaining)
                        .unwrap_or(usize::MAX)
                        .min(input.len());
                    let (piece, rest) = input.split_at(n);
                    let remaining = remaining - n as u64;
                    if self.chain.is_some() {
                        self.hasher.update(piece);
                        // The chunk ends in this input, CRLF included: its last bytes go out
                        // from the input itself once the signature checks, and only what came
                        // in earlier pieces was held (a chunk inside one piece is never
                        // copied but into `out`). Anything else takes the general path, which
                        // also says what is wrong with a bad CRLF.
                        if remaining == 0 && rest.starts_with(b"\r\n") {
                            input = &rest[2..];
                            self.end_chunk(out, piece)?;
                            self.state = State::Size;
                            continue;
                        }
                        self.data.extend_from_slice(piece);
                    } else {
                        out.put_slice(piece);
                        if let Some(c) = &mut self.checksum {
                            c.update(piece);
                        }
                    }
                    input = rest;
                    self.state = if remaining == 0 {
                        State::DataEnd { seen: 0 }
                    } else {
                        State::Data { remaining }
                    };
                }
                State::DataEnd { seen } => {
                    let expected = b"\r\n"[usize::from(seen)];
                    if input[0] != expected {
                        return Err(ChunkedVerifyError::Malformed(
                            "a chunk's data is not followed by CRLF (its size line is wrong)",
                        ));
                    }
                    input = &input[1..];
                    if seen == 0 {
                        self.state = State::DataEnd { seen: 1 };
                    } else {
                        self.end_chunk(out, &[])?;
                        self.state = State::Size;
                    }
                }
                State::Done => {
                    return Err(ChunkedVerifyError::Malformed(
                        "bytes after the blank line that ends the body",
                    ));
                }
            }
        }
        Ok(())
    }

    /// Moves input into the line buffer up to and including LF; returns the line's length
    /// without its CRLF once complete.
    fn take_line(&mut self, input: &mut &[u8]) -> Result<Option<usize>, ChunkedVerifyError> {
        let (piece, rest, complete) = match input.iter().position(|b| *b == b'\n') {
            Some(i) => (&input[..=i], &input[i + 1..], true),
            None => (*input, &[][..], false),
        };
        if self.line.len() + piece.len() > MAX_LINE {
            return Err(ChunkedVerifyError::Malformed(
                "a chunk-size or trailer line is too long",
            ));
        }
        self.line.extend_from_slice(piece);
        *input = rest;
        if !complete {
            return Ok(None);
        }
        match self.line.len().checked_sub(2) {
            Some(end) if self.line[end] == b'\r' => Ok(Some(end)),
            _ => Err(ChunkedVerifyError::Malformed(
                "a line does not end with CRLF",
            )),
        }
    }

    /// A chunk's size line: `<hex size>;chunk-signature=<64 hex>` signed, `<hex size>`
    /// unsigned.
    fn size_line(&mut self, line: &[u8]) -> Result<(), ChunkedVerifyError> {
        let (size, ext) = match line.iter().position(|b| *b == b';') {
            Some(i) => (&line[..i], Some(&line[i + 1..])),
            None => (line, None),
        };
        let size = parse_hex(size).ok_or(ChunkedVerifyError::Malformed(
            "a chunk size is not 1 to 16 hex digits",
        ))?;
        match (&self.chain, ext) {
            (Some(_), Some(ext)) => {
                let sig = ext
                    .strip_prefix(CHUNK_SIGNATURE.as_bytes())
                    .and_then(|r| r.strip_prefix(b"="))
                    .ok_or(ChunkedVerifyError::Malformed(
                        "a chunk extension other than chunk-signature",
                    ))?;
                self.claimed =
                    Signature::from_lower_hex(sig).ok_or(ChunkedVerifyError::Malformed(
                        "a chunk signature is not 64 lowercase hex digits",
                    ))?;
            }
            (Some(_), None) => {
                return Err(ChunkedVerifyError::Malformed(
                    "a signed chunk without chunk-signature",
                ));
            }
            (None, Some(_)) => {
                return Err(ChunkedVerifyError::Malformed(
                    "a chunk extension in an unsigned body",
                ));
            }
            (None, None) => {}
        }
        if size == 0 {
            return self.final_chunk();
        }
        if let Some(small) = self.small {
            return Err(ChunkedVerifyError::ChunkTooSmall { size: small });
        }
        // Only a signed chunk is held; an unsigned one streams through, whatever its size (the
        // AWS SDK for Rust sends a whole unsigned body as one chunk).
        if self.chain.is_some() && size > self.max_chunk_size as u64 {
            return Err(ChunkedVerifyError::ChunkTooLarge {
                size,
                max: self.max_chunk_size,
            });
        }
        let decoded = self.decoded.saturating_add(size);
        if decoded > self.declared {
            return Err(ChunkedVerifyError::DecodedLengthMismatch {
                declared: self.declared,
                decoded,
            });
        }
        self.decoded = decoded;
        self.small = (size < MIN_CHUNK_SIZE as u64).then_some(size);
        if self.chain.is_some() {
            // Within the limit, checked above.
            self.data.reserve(usize::try_from(size).unwrap_or(0));
            self.hasher = Hasher::new();
        }
        self.state = State::Data { remaining: size };
        Ok(())
    }

    /// After a chunk's data and CRLF: checks a signed chunk (already hashed) and writes it out:
    /// the bytes held from earlier pieces, then `tail`, its last bytes still in the input.
    fn end_chunk(&mut self, out: &mut impl BufMut, tail: &[u8]) -> Result<(), ChunkedVerifyError> {
        let Some(chain) = &mut self.chain else {
            return Ok(());
        };
        let digest = core::mem::replace(&mut self.hasher, Hasher::new()).finish();
        next_signature(chain, &self.claimed, &digest)?;
        out.put_slice(&self.data);
        out.put_slice(tail);
        if let Some(c) = &mut self.checksum {
            c.update(&self.data);
            c.update(tail);
        }
        self.data.clear();
        Ok(())
    }

    /// The final, empty chunk: checks its signature and the decoded length.
    fn final_chunk(&mut self) -> Result<(), ChunkedVerifyError> {
        if let Some(chain) = &mut self.chain {
            next_signature(chain, &self.claimed, &crypto::sha256(b""))?;
        }
        if self.decoded != self.declared {
            return Err(ChunkedVerifyError::DecodedLengthMismatch {
                declared: self.declared,
                decoded: self.decoded,
            });
        }
        self.state = State::Trailer;
        Ok(())
    }

    /// A trailer line, or the blank line that ends the body.
    fn trailer_line(&mut self, line: &[u8]) -> Result<(), ChunkedVerifyError> {
        if line.is_empty() {
            return self.end_trailer();
        }
        let colon = line
            .iter()
            .position(|b| *b == b':')
            .ok_or(ChunkedVerifyError::Malformed("a trailer line without `:`"))?;
        let (name, value) = (&line[..colon], line[colon + 1..].trim_ascii());
        if let Some(c) = self
            .trailer
            .filter(|c| name.eq_ignore_ascii_case(c.header_name().as_bytes()))
        {
            if self.trailer_value.is_some() {
                return Err(ChunkedVerifyError::Malformed(
                    "the checksum trailer appears twice",
                ));
            }
            if value.len() != c.encoded_len() {
                return Err(ChunkedVerifyError::ChecksumMismatch { algorithm: c });
            }
            let mut v = [0u8; 44];
            v[..value.len()].copy_from_slice(value);
            self.trailer_value = Some((v, value.len()));
            return Ok(());
        }
        if self.chain.is_some()
            && self.trailer.is_some()
            && name.eq_ignore_ascii_case(header::X_AMZ_TRAILER_SIGNATURE.as_bytes())
        {
            if self.trailer_signature.is_some() {
                return Err(ChunkedVerifyError::Malformed(
                    "the trailer signature appears twice",
                ));
            }
            self.trailer_signature = Some(Signature::from_lower_hex(value).ok_or(
                ChunkedVerifyError::Malformed(
                    "the trailer signature is not 64 lowercase hex digits",
                ),
            )?);
            return Ok(());
        }
        Err(ChunkedVerifyError::Malformed(
            "a trailer that x-amz-trailer does not name",
        ))
    }

    /// The blank line: checks the trailer's signature and checksum.
    fn end_trailer(&mut self) -> Result<(), ChunkedVerifyError> {
        if let Some(algorithm) = self.trailer {
            let (v, n) = self.trailer_value.ok_or(ChunkedVerifyError::Malformed(
                "the trailer lacks its checksum",
            ))?;
            let value = &v[..n];
            if let Some(chain) = &mut self.chain {
                let claimed = self.trailer_signature.ok_or(ChunkedVerifyError::Malformed(
                    "the trailer lacks its signature",
                ))?;
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
                let expected =
                    chunked::trailer_signature(&chain.key, &ctx, &chain.previous, &canonical);
                if !expected.ct_eq(&claimed) {
                    return Err(ChunkedVerifyError::TrailerSignatureMismatch);
                }
                chain.previous = expected;
            }
            let state = self
                .checksum
                .take()
                .ok_or(ChunkedVerifyError::Malformed("the trailer appears twice"))?;
            let mut ours = [0u8; 44];
            let len = state.finish().write_base64(&mut ours);
            if ours[..len] != *value {
                return Err(ChunkedVerifyError::ChecksumMismatch { algorithm });
            }
        }
        self.state = State::Done;
        Ok(())
    }
}

/// Checks `claimed` against the next signature of the chain and moves the chain on.
fn next_signature(
    chain: &mut Chain,
    claimed: &Signature,
    digest: &[u8; 32],
) -> Result<(), ChunkedVerifyError> {
    let ctx = ChainContext {
        date: &chain.date,
        scope: &chain.scope,
    };
    let expected = chunked::chunk_signature(&chain.key, &ctx, &chain.previous, digest);
    if !expected.ct_eq(claimed) {
        return Err(ChunkedVerifyError::ChunkSignatureMismatch);
    }
    chain.previous = expected;
    Ok(())
}

/// 1 to 16 hex digits, either case.
fn parse_hex(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    digits.iter().try_fold(0u64, |acc, b| {
        let d = char::from(*b).to_digit(16)?;
        Some(acc << 4 | u64::from(d))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_sizes_in_either_case() {
        assert_eq!(parse_hex(b"10000"), Some(65536));
        assert_eq!(parse_hex(b"FfFf"), Some(65535));
        assert_eq!(parse_hex(b"ffffffffffffffff"), Some(u64::MAX));
        assert_eq!(parse_hex(b"10000000000000000"), None);
        assert_eq!(parse_hex(b""), None);
        assert_eq!(parse_hex(b"+1"), None);
        assert_eq!(parse_hex(b" 1"), None);
    }
}
