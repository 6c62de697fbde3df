//! The client side of the tower integration: [`SignLayer`] signs every outgoing `http::Request`, buffering and hashing its body up to a limit, streaming it unsigned, or streaming it as signed `aws-chunked`.

use crate::prelude::*;

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use http::Request;
use http_body::{Body, Frame, SizeHint};
use http_body_util::{BodyExt, Limited};
use tower_layer::Layer;
use tower_service::Service;

use super::{BoxError, DEFAULT_BODY_LIMIT};
use crate::error::SignError;
use crate::payload::Payload;
use crate::provider::SignerSource;
use crate::signer::Signer;
use crate::spec::header;
use crate::streaming::{Checksum, ChunkedBody, ChunkedUpload};

/// What the signature says about request bodies without an `x-amz-content-sha256` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum BodySigning {
    /// Buffer the body (up to `limit` bytes) and sign its SHA-256; a larger body fails with
    /// [`SignError::BodyTooLarge`] before anything is sent.
    Buffered {
        /// The largest body that is buffered, in bytes.
        limit: usize,
    },
    /// Stream the body and sign `UNSIGNED-PAYLOAD` (sent as `x-amz-content-sha256`). Only for
    /// services that accept it.
    Unsigned,
    /// Stream a body of known length as an S3 `aws-chunked` upload, every chunk signed
    /// (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`, or `…-TRAILER` with a trailing checksum), through
    /// a [`ChunkedBody`]: at most one chunk is held. The length is the body's exact size hint,
    /// else its `content-length` header; a body of unknown length is buffered and hashed as
    /// [`BodySigning::Buffered`] up to [`DEFAULT_BODY_LIMIT`]. For S3 (and services that
    /// accept `aws-chunked`) only; sign with [`Settings::s3`](crate::Settings::s3).
    Chunked {
        /// The size of every chunk but the last (at least 8 KiB); 64 KiB is what the AWS SDKs
        /// send.
        chunk_size: usize,
        /// The checksum sent as a signed trailer, if any.
        trailer: Option<Checksum>,
    },
}

impl Default for BodySigning {
    fn default() -> Self {
        Self::Buffered {
            limit: DEFAULT_BODY_LIMIT,
        }
    }
}

/// Signs every request that passes through; see the [module docs](super).
#[derive(Debug, Clone)]
pub struct SignLayer {
    source: SignerSource,
    body: BodySigning,
}

impl SignLayer {
    /// Signs with a [`Signer`](crate::Signer) or a [`ProvidedSigner`](crate::provider::ProvidedSigner)
    /// (plain or in an `Arc`), buffering bodies up to [`DEFAULT_BODY_LIMIT`].
    pub fn new(source: impl Into<SignerSource>) -> Self {
        Self {
            source: source.into(),
            body: BodySigning::default(),
        }
    }

    /// Sets how bodies are signed (default: [`BodySigning::Buffered`] up to
    /// [`DEFAULT_BODY_LIMIT`]).
    #[must_use]
    pub fn with_body_signing(mut self, body: BodySigning) -> Self {
        self.body = body;
        self
    }

    /// How bodies are signed.
    pub fn body_signing(&self) -> BodySigning {
        self.body
    }

    /// Where the signer comes from.
    pub fn signer_source(&self) -> &SignerSource {
        &self.source
    }
}

impl<S> Layer<S> for SignLayer {
    type Service = SignService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SignService {
            inner,
            source: self.source.clone(),
            body: self.body,
        }
    }
}

/// The service [`SignLayer`] wraps around an inner service.
#[derive(Debug, Clone)]
pub struct SignService<S> {
    inner: S,
    source: SignerSource,
    body: BodySigning,
}

impl<S, B> Service<Request<B>> for SignService<S>
where
    S: Service<Request<SignedBody<B>>> + Clone + Send + 'static,
    S::Future: Send,
    S::Error: Into<BoxError>,
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    type Response = S::Response;
    type Error = BoxError;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, BoxError>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx).map_err(Into::into)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // The clone that was driven to readiness serves this call.
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let source = self.source.clone();
        let policy = self.body;
        Box::pin(async move {
            let req = sign(&source, policy, req).await?;
            inner.call(req).await.map_err(Into::into)
        })
    }
}

/// Signs one request; returns it with the body to send.
async fn sign<B>(
    source: &SignerSource,
    policy: BodySigning,
    req: Request<B>,
) -> Result<Request<SignedBody<B>>, BoxError>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let now = SystemTime::now();
    let signer = source.signer_at(now).await?;
    let (parts, body) = req.into_parts();
    let mut head = Request::from_parts(parts, ());
    let declared = head.headers().contains_key(header::X_AMZ_CONTENT_SHA256);
    let body = match policy {
        _ if declared => {
            // The caller's hash is signed as given; Payload is ignored when the header is set.
            signer.sign_payload_at(&mut head, Payload::Unsigned, now)?;
            SignedBody::streaming(body)
        }
        BodySigning::Unsigned => {
            signer.sign_payload_at(&mut head, Payload::Unsigned, now)?;
            SignedBody::streaming(body)
        }
        BodySigning::Chunked {
            chunk_size,
            trailer,
        } if known_len(&head, &body).is_some() => {
            let len = known_len(&head, &body).unwrap_or_default();
            let mut upload = ChunkedUpload::signed(len).chunk_size(chunk_size);
            if let Some(checksum) = trailer {
                upload = upload.trailer(checksum);
            }
            head.headers_mut().remove(http::header::TRANSFER_ENCODING);
            let signer = signer.sign_chunked_at(&mut head, upload, now)?;
            SignedBody::chunked(ChunkedBody::new(body, signer))
        }
        BodySigning::Chunked { .. } => {
            buffered(&signer, &mut head, body, DEFAULT_BODY_LIMIT, now).await?
        }
        BodySigning::Buffered { limit } => buffered(&signer, &mut head, body, limit, now).await?,
    };
    let (parts, ()) = head.into_parts();
    Ok(Request::from_parts(parts, body))
}

/// The body's length, when known: its exact size hint, else its `content-length`.
fn known_len<B: Body>(head: &Request<()>, body: &B) -> Option<u64> {
    body.size_hint().exact().or_else(|| {
        head.headers()
            .get(http::header::CONTENT_LENGTH)?
            .to_str()
            .ok()?
            .parse()
            .ok()
    })
}

/// Buffers `body` up to `limit` bytes and signs its SHA-256.
async fn buffered<B>(
    signer: &Signer,
    head: &mut Request<()>,
    body: B,
    limit: usize,
    now: SystemTime,
) -> Result<SignedBody<B>, BoxError>
where
    B: Body<Data = Bytes> + Send + 'static,
    B::Error: Into<BoxError>,
{
    let bytes = match Limited::new(body, limit).collect().await {
        Ok(c) => c.to_bytes(),
        Err(e) if e.is::<http_body_util::LengthLimitError>() => {
            return Err(SignError::BodyTooLarge { limit }.into());
        }
        Err(e) => return Err(e),
    };
    signer.sign_payload_at(head, Payload::Bytes(&bytes), now)?;
    Ok(SignedBody::full(bytes))
}

/// The body a [`SignService`] sends: the buffered bytes that were hashed, or the original body
/// streamed through.
#[derive(Debug)]
pub struct SignedBody<B> {
    kind: Kind<B>,
}

#[derive(Debug)]
enum Kind<B> {
    Full(Option<Bytes>),
    Streaming(Pin<Box<B>>),
    Chunked(Pin<Box<ChunkedBody<B>>>),
}

impl<B> SignedBody<B> {
    fn full(bytes: Bytes) -> Self {
        Self {
            kind: Kind::Full((!bytes.is_empty()).then_some(bytes)),
        }
    }

    fn chunked(body: ChunkedBody<B>) -> Self {
        Self {
            kind: Kind::Chunked(Box::pin(body)),
        }
    }

    fn streaming(body: B) -> Self {
        Self {
            kind: Kind::Streaming(Box::pin(body)),
        }
    }
}

impl<B> Body for SignedBody<B>
where
    B: Body<Data = Bytes>,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().kind {
            Kind::Full(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Kind::Streaming(body) => body.as_mut().poll_frame(cx).map_err(Into::into),
            Kind::Chunked(body) => body.as_mut().poll_frame(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Full(bytes) => bytes.is_none(),
            Kind::Streaming(body) => body.is_end_stream(),
            Kind::Chunked(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> SizeHint {
        match &self.kind {
            Kind::Full(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Kind::Streaming(body) => body.size_hint(),
            Kind::Chunked(body) => body.size_hint(),
        }
    }
}
