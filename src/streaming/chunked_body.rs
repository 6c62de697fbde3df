//! [`ChunkedBody`]: an `http_body::Body` that frames and signs an outgoing `aws-chunked`
//! upload (features `tower`, `gateway` or `reqwest`).

use crate::prelude::*;

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Buf, Bytes, BytesMut};
use http_body::{Body, Frame, SizeHint};

use super::sign::ChunkedSigner;

/// The `aws-chunked` wire body of an upload of known length: wraps the plain body and the
/// [`ChunkedSigner`] that [`Signer::sign_chunked_at`](crate::Signer::sign_chunked_at) returned,
/// and yields one signed frame per chunk, then the final chunk and the trailer.
///
/// It copies at most one chunk at a time out of the inner body's current frame (which it
/// shares, without a copy, when the frame is `Bytes`). The inner body must yield
/// exactly the upload's decoded length: more, or fewer, ends the body with a
/// [`ChunkedSignError`](super::ChunkedSignError) (as the error's source), and the receiver
/// refuses what it got.
pub struct ChunkedBody<B> {
    inner: Pin<Box<B>>,
    signer: ChunkedSigner,
    chunk: usize,
    buf: BytesMut,
    /// The rest of the inner body's last frame, not yet copied into `buf`.
    pending: Bytes,
    remaining: u64,
    inner_done: bool,
    done: bool,
}

impl<B> fmt::Debug for ChunkedBody<B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChunkedBody")
            .field("signer", &self.signer)
            .field("remaining", &self.remaining)
            .finish_non_exhaustive()
    }
}

impl<B> ChunkedBody<B> {
    /// Frames and signs `body` with `signer`.
    pub fn new(body: B, signer: ChunkedSigner) -> Self {
        Self {
            inner: Box::pin(body),
            chunk: signer.chunk_len(),
            remaining: signer.upload().encoded_len().unwrap_or(u64::MAX),
            signer,
            buf: BytesMut::new(),
            pending: Bytes::new(),
            inner_done: false,
            done: false,
        }
    }

    fn emit(&mut self, out: BytesMut) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let out = out.freeze();
        self.remaining = self.remaining.saturating_sub(out.len() as u64);
        Poll::Ready(Some(Ok(Frame::data(out))))
    }

    fn fail(&mut self, e: BoxError) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        self.done = true;
        self.buf = BytesMut::new();
        self.pending = Bytes::new();
        Poll::Ready(Some(Err(e)))
    }
}

type BoxError = Box<dyn std::error::Error + Send + Sync>;

impl<B> Body for ChunkedBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            // Fill the chunk from the last frame: `buf` never holds more than one chunk.
            if this.buf.len() < this.chunk && !this.pending.is_empty() {
                let n = (this.chunk - this.buf.len()).min(this.pending.len());
                this.buf.extend_from_slice(&this.pending.split_to(n));
                continue;
            }
            if this.buf.len() >= this.chunk {
                let data = this.buf.split_to(this.chunk);
                let mut out = BytesMut::with_capacity(data.len() + 100);
                if let Err(e) = this.signer.write_chunk(&data, &mut out) {
                    return this.fail(e.into());
                }
                return this.emit(out);
            }
            if this.inner_done {
                let data = std::mem::take(&mut this.buf);
                let mut out = BytesMut::with_capacity(data.len() + 300);
                if !data.is_empty()
                    && let Err(e) = this.signer.write_chunk(&data, &mut out)
                {
                    return this.fail(e.into());
                }
                if let Err(e) = this.signer.finish(&mut out) {
                    return this.fail(e.into());
                }
                this.done = true;
                return this.emit(out);
            }
            match this.inner.as_mut().poll_frame(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(None) => this.inner_done = true,
                Poll::Ready(Some(Err(e))) => return this.fail(e.into()),
                Poll::Ready(Some(Ok(frame))) => {
                    if let Ok(mut data) = frame.into_data() {
                        // Without a copy when the frame is `Bytes`.
                        this.pending = data.copy_to_bytes(data.remaining());
                    }
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.done
    }

    fn size_hint(&self) -> SizeHint {
        if self.done {
            SizeHint::with_exact(0)
        } else {
            SizeHint::with_exact(self.remaining)
        }
    }
}
