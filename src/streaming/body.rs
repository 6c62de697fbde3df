//! [`DecodedBody`]: an `http_body::Body` that verifies an incoming `aws-chunked` body as it
//! arrives and yields only its decoded data (features `tower` or `gateway`).

use crate::prelude::*;

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};

use super::decode::{ChunkedDecoder, ChunkedVerified, ChunkedVerifyError};

/// Why a [`DecodedBody`] stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DecodedBodyError {
    /// The wire body failed verification or decoding; its S3 code, message and status are on
    /// the [`ChunkedVerifyError`].
    #[error("the aws-chunked body was refused: {0}")]
    Verify(#[from] ChunkedVerifyError),
    /// The incoming body broke off (the connection failed or the client stopped).
    #[error("the request body could not be read: {0}")]
    Broken(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The whole body did not arrive within the timeout.
    #[error(
        "the request body did not arrive within {0:?}; send it without pauses, or raise the body timeout"
    )]
    TimedOut(Duration),
}

/// The decoded data of an `aws-chunked` body, verified as it arrives: wraps the incoming wire
/// body and the [`ChunkedDecoder`] that
/// [`Verifier::verify_chunked_at`](crate::Verifier::verify_chunked_at) returned.
///
/// - A signed chunk is yielded once its signature checks; a corrupted or forged chunk ends the
///   body with an error frame and none of its bytes are yielded. An unsigned chunk
///   (`STREAMING-UNSIGNED-PAYLOAD-TRAILER`, where nothing signs the data) is yielded as it
///   arrives, and the trailing checksum is checked at the end: a mismatch is an error before
///   the end of the body, so a reader that reads to the end never takes a bad upload for good.
/// - It holds at most one chunk (the decoder's
///   [`max_chunk_size`](ChunkedDecoder::max_chunk_size)) plus what one incoming frame completes.
/// - With a timeout, the whole body must arrive within it, counted from the first poll.
/// - After the end, [`DecodedBody::verified`] holds what the body proved (the checksum).
pub struct DecodedBody<B> {
    inner: Pin<Box<B>>,
    decoder: Option<ChunkedDecoder>,
    remaining: u64,
    out: BytesMut,
    timeout: Option<Duration>,
    deadline: Option<Pin<Box<tokio::time::Sleep>>>,
    verified: Option<ChunkedVerified>,
    failed: bool,
    /// An error found after some chunks of the same read verified: given once they are out.
    pending: Option<DecodedBodyError>,
}

impl<B> fmt::Debug for DecodedBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodedBody")
            .field("decoder", &self.decoder)
            .field("remaining", &self.remaining)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl<B> DecodedBody<B> {
    /// Decodes `wire` with `decoder`, with no time limit.
    pub fn new(wire: B, decoder: ChunkedDecoder) -> Self {
        Self {
            inner: Box::pin(wire),
            remaining: decoder.declared_len(),
            decoder: Some(decoder),
            out: BytesMut::new(),
            timeout: None,
            deadline: None,
            verified: None,
            failed: false,
            pending: None,
        }
    }

    /// The whole body must arrive within `timeout`, counted from the first poll (on Tokio's
    /// timer); later it ends with [`DecodedBodyError::TimedOut`].
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// What the whole body proved, once it has ended without an error.
    pub fn verified(&self) -> Option<&ChunkedVerified> {
        self.verified.as_ref()
    }

    fn fail(
        &mut self,
        e: DecodedBodyError,
    ) -> Poll<Option<Result<Frame<Bytes>, DecodedBodyError>>> {
        self.failed = true;
        self.decoder = None;
        self.out = BytesMut::new();
        Poll::Ready(Some(Err(e)))
    }
}

impl<B> Body for DecodedBody<B>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    type Data = Bytes;
    type Error = DecodedBodyError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, DecodedBodyError>>> {
        let this = self.get_mut();
        loop {
            if let Some(e) = this.pending.take() {
                return this.fail(e);
            }
            if this.failed || this.verified.is_some() {
                return Poll::Ready(None);
            }
            if let Some(timeout) = this.timeout {
                let deadline = this
                    .deadline
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                if deadline.as_mut().poll(cx).is_ready() {
                    return this.fail(DecodedBodyError::TimedOut(timeout));
                }
            }
            let Some(decoder) = this.decoder.as_mut() else {
                return Poll::Ready(None);
            };
            match this.inner.as_mut().poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Err(e))) => return this.fail(DecodedBodyError::Broken(e.into())),
                Poll::Ready(Some(Ok(frame))) => {
                    // HTTP trailers are not part of aws-chunked (its trailer is in the body).
                    let Ok(mut data) = frame.into_data() else {
                        continue;
                    };
                    while data.has_remaining() {
                        let piece = data.chunk();
                        let n = piece.len();
                        if let Err(e) = decoder.feed(piece, &mut this.out) {
                            // The chunks verified before the bad one are handed over first;
                            // the error comes with the next poll.
                            if this.out.is_empty() {
                                return this.fail(e.into());
                            }
                            this.decoder = None;
                            this.pending = Some(e.into());
                            let out = this.out.split().freeze();
                            return Poll::Ready(Some(Ok(Frame::data(out))));
                        }
                        data.advance(n);
                    }
                    if !this.out.is_empty() {
                        let out = this.out.split().freeze();
                        this.remaining = this.remaining.saturating_sub(out.len() as u64);
                        return Poll::Ready(Some(Ok(Frame::data(out))));
                    }
                }
                Poll::Ready(None) => {
                    let Some(decoder) = this.decoder.take() else {
                        return Poll::Ready(None);
                    };
                    match decoder.finish() {
                        Ok(v) => {
                            this.verified = Some(v);
                            return Poll::Ready(None);
                        }
                        Err(e) => return this.fail(e.into()),
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        (self.failed || self.verified.is_some()) && self.pending.is_none()
    }

    fn size_hint(&self) -> SizeHint {
        if self.failed || self.verified.is_some() {
            SizeHint::with_exact(0)
        } else {
            // The decoder checks the data against the declared length; a body that breaks
            // that promise ends with an error, not with a different length.
            SizeHint::with_exact(self.remaining)
        }
    }
}
