//! The server side of the tower integration: [`VerifyLayer`] verifies incoming SigV4 requests with a [`Verifier`].
//!
//! It answers failures as API Gateway does, and hands the [`Verified`] identity to the handler
//! in the request's extensions. It works with axum (`Router::layer`), hyper and tonic servers.

use crate::prelude::*;

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use http_body_util::BodyExt;
use tower_layer::Layer;
use tower_service::Service;

use super::{BoxError, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT};
use crate::explain::{CanonicalDisplay, TokenDisplay};
use crate::payload::Payload;
use crate::request::SignableRequest;
use crate::streaming::{ChunkedVerifyError, DecodedBody, DecodedBodyError};
use crate::verify::VerifyError;
use crate::verify::aws_response::{json_answer, rejection};
use crate::verify::{Verified, Verifier};

/// Verifies every request before the inner service sees it.
///
/// - A request that fails verification gets API Gateway's answer: status 403, the
///   `x-amzn-ErrorType` header, and `{"message": ...}` with AWS's wording (after a signature
///   mismatch, the canonical request and string to sign the server computed, as REST APIs send).
/// - A verified request reaches the inner service with its [`Verified`] identity in the
///   extensions (`req.extensions().get::<Verified>()`, or axum's `Extension<Verified>`).
/// - Everything the headers decide is decided before the body is read: a request with no or a
///   malformed authorization, an unknown key, the wrong scope, a stale date or the wrong session
///   token is answered without a byte of its body being read.
/// - Then the body is read so its hash can be checked, and is passed on whole. It must fit the
///   limit ([`VerifyLayer::body_limit`]; larger: 413, at once when `content-length` says so) and
///   arrive within the timeout ([`VerifyLayer::body_timeout`]; slower or stalled: 408).
///
/// - An `aws-chunked` upload (`x-amz-content-sha256: STREAMING-*`, as boto3 sends every S3
///   `PutObject` over HTTPS) is checked the same way: its head and seed signature before a
///   byte of the body is read, then each chunk's signature (or the unsigned form's trailing
///   checksum) as the body is decoded, through a
///   [`DecodedBody`](crate::streaming::DecodedBody) within the body timeout. A refused chunk is
///   answered with S3's status and code (in `x-amzn-ErrorType`) and the handler is not called.
///   The handler gets the decoded data, never the wire frames: `content-length` is the decoded
///   length, `aws-chunked` is gone from `content-encoding` (other encodings stay), and
///   `x-amz-trailer`, `trailer` and `transfer-encoding` are removed; `x-amz-content-sha256` and
///   `x-amz-decoded-content-length` stay as sent. The decoded length must fit the body limit
///   (413 at once when `x-amz-decoded-content-length` is over it), and the decoded data is
///   handed on whole, as the inner service's body type is built from bytes; to hand a handler
///   the data as it verifies, one chunk held at a time, use [`VerifyLayer::streaming`].
///
/// The timeout runs on Tokio's timer: serve on a Tokio runtime with its timer enabled
/// (`#[tokio::main]`, `axum::serve` and hyper's usual setups have it; a runtime `Builder` needs
/// `enable_time` or `enable_all`).
///
/// ```no_run
/// use awssig::tower::VerifyLayer;
/// use awssig::{Credentials, Verifier, verify::Verified};
/// use axum::{Extension, Router, routing::get};
///
/// let verifier = Verifier::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "execute-api");
/// let app: Router = Router::new()
///     .route("/whoami", get(|Extension(v): Extension<Verified>| async move { v.access_key_id().to_string() }))
///     .layer(VerifyLayer::new(verifier));
/// ```
/// (`axum` there is the caller's own dependency.)
#[derive(Debug, Clone)]
pub struct VerifyLayer {
    verifier: Arc<Verifier>,
    body_limit: usize,
    body_timeout: Duration,
    canonical_display: CanonicalDisplay,
    token_display: TokenDisplay,
}

impl VerifyLayer {
    /// Verifies with `verifier`, reading bodies up to [`DEFAULT_BODY_LIMIT`] within
    /// [`DEFAULT_BODY_TIMEOUT`].
    pub fn new(verifier: Verifier) -> Self {
        Self {
            verifier: Arc::new(verifier),
            body_limit: DEFAULT_BODY_LIMIT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            canonical_display: CanonicalDisplay::Quoted,
            token_display: TokenDisplay::Redacted,
        }
    }

    /// The largest body read; larger requests are answered 413 (default
    /// [`DEFAULT_BODY_LIMIT`]).
    #[must_use]
    pub fn with_body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// How long the whole body may take to arrive, counted from when the headers have passed
    /// every check they can decide (default [`DEFAULT_BODY_TIMEOUT`]). A body that takes
    /// longer, or stalls, is answered 408 Request Timeout.
    #[must_use]
    pub fn with_body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// Whether a signature-mismatch answer quotes the server's canonical request and string to
    /// sign (default [`CanonicalDisplay::Quoted`], as API Gateway REST APIs do).
    #[must_use]
    pub fn with_canonical_display(mut self, display: CanonicalDisplay) -> Self {
        self.canonical_display = display;
        self
    }

    /// Whether a quoted canonical request shows the client's session token (default
    /// [`TokenDisplay::Redacted`]; [`TokenDisplay::Shown`] is for debugging on your own
    /// machine: answers pass through proxies and logs).
    #[must_use]
    pub fn with_token_display(mut self, display: TokenDisplay) -> Self {
        self.token_display = display;
        self
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The largest body read.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// How long the whole body may take to arrive.
    pub fn body_timeout(&self) -> Duration {
        self.body_timeout
    }

    /// Whether a signature-mismatch answer quotes the canonical request and string to sign.
    pub fn canonical_display(&self) -> CanonicalDisplay {
        self.canonical_display
    }

    /// Whether a quoted canonical request shows the client's session token.
    pub fn token_display(&self) -> TokenDisplay {
        self.token_display
    }
}

impl<S> Layer<S> for VerifyLayer {
    type Service = VerifyService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        VerifyService {
            inner,
            layer: self.clone(),
        }
    }
}

/// The service [`VerifyLayer`] wraps around an inner service.
#[derive(Debug, Clone)]
pub struct VerifyService<S> {
    inner: S,
    layer: VerifyLayer,
}

impl<S, B, ResBody> Service<Request<B>> for VerifyService<S>
where
    S: Service<Request<B>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    B: Body + From<Bytes> + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    ResBody: From<Bytes> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<ResBody>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            let now = SystemTime::now();
            let (parts, body) = req.into_parts();
            let head = Request::from_parts(parts, ());
            let result = if crate::body::claims_chunked(head.headers()) {
                match verify_chunked(&layer, head, body, now).await {
                    Ok(req) => collect_decoded(req).await,
                    Err(answer) => Err(answer),
                }
            } else {
                verify_whole(&layer, head, body, now).await
            };
            match result {
                Ok(req) => inner.call(req.map(B::from)).await,
                Err(answer) => Ok(answer),
            }
        })
    }
}

/// Verifies a request whose body is hashed whole: every check the headers decide, before a
/// byte of the body is read, then the body within the limit and timeout. `Err` is the answer.
async fn verify_whole<B, ResBody>(
    layer: &VerifyLayer,
    mut head: Request<()>,
    body: B,
    now: SystemTime,
) -> Result<Request<Bytes>, Response<ResBody>>
where
    B: Body,
    B::Error: Into<BoxError>,
    ResBody: From<Bytes>,
{
    let authenticated = match layer
        .verifier
        .authenticate_at(&SignableRequest::from(&head), now)
    {
        Ok(authenticated) => authenticated,
        Err(e) => return Err(reject(layer, &head, Payload::Unsigned, &e)),
    };
    let bytes = read_body(layer, body).await?;
    let payload = Payload::Bytes(&bytes);
    let result = authenticated.verify_payload(&SignableRequest::from(&head), payload);
    match result {
        Ok(verified) => {
            head.extensions_mut().insert::<Verified>(verified);
            let (parts, ()) = head.into_parts();
            Ok(Request::from_parts(parts, bytes))
        }
        Err(e) => Err(reject(layer, &head, payload, &e)),
    }
}

/// Reads a decoded `aws-chunked` body whole; a refused chunk is answered with S3's status and
/// code.
async fn collect_decoded<B, ResBody>(
    req: Request<DecodedBody<B>>,
) -> Result<Request<Bytes>, Response<ResBody>>
where
    B: Body,
    B::Error: Into<BoxError>,
    ResBody: From<Bytes>,
{
    let (parts, decoded) = req.into_parts();
    match decoded.collect().await {
        Ok(collected) => Ok(Request::from_parts(parts, collected.to_bytes())),
        Err(DecodedBodyError::Verify(e)) => Err(chunked_answer(&e)),
        Err(DecodedBodyError::TimedOut(t)) => Err(body_answer(crate::body::BodyError::TimedOut(t))),
        Err(_) => Err(body_answer(crate::body::BodyError::Broken)),
    }
}

/// Reads `body` up to the layer's limit and within its timeout; `Err` is the answer (413, 408,
/// or 400 when the body could not be read).
async fn read_body<B, ResBody>(layer: &VerifyLayer, body: B) -> Result<Bytes, Response<ResBody>>
where
    B: Body,
    B::Error: Into<BoxError>,
    ResBody: From<Bytes>,
{
    crate::body::read_within(body, layer.body_limit, layer.body_timeout)
        .await
        .map_err(body_answer)
}

/// An `aws-chunked` request (`x-amz-content-sha256: STREAMING-*`): its head and seed signature
/// are checked before the body is read (the decoded length within the body limit); returns the
/// request with its headers rewritten for the decoded data and a [`DecodedBody`] that verifies
/// every chunk as it is read (within the body timeout; signed chunks within the limit too).
/// `Err` is the answer.
async fn verify_chunked<B, ResBody>(
    layer: &VerifyLayer,
    mut head: Request<()>,
    body: B,
    now: SystemTime,
) -> Result<Request<DecodedBody<B>>, Response<ResBody>>
where
    B: Body,
    B::Error: Into<BoxError>,
    ResBody: From<Bytes>,
{
    let decoder = match layer.verifier.verify_chunked_at(&head, now) {
        Ok(decoder) => decoder,
        Err(ChunkedVerifyError::Verify(e)) => {
            return Err(reject(layer, &head, Payload::Unsigned, &e));
        }
        Err(e) => return Err(chunked_answer(&e)),
    };
    let limit = u64::try_from(layer.body_limit).unwrap_or(u64::MAX);
    if decoder.declared_len() > limit {
        return Err(json_answer(
            http::StatusCode::PAYLOAD_TOO_LARGE,
            None,
            "Request Too Long",
        ));
    }
    let declared = decoder.declared_len();
    let max_chunk = decoder.max_chunk_size().min(layer.body_limit);
    let decoder = decoder.with_max_chunk_size(max_chunk);
    head.extensions_mut()
        .insert::<Verified>(decoder.verified().clone());
    crate::body::decoded_headers(head.headers_mut(), declared);
    let decoded = DecodedBody::new(body, decoder).with_timeout(layer.body_timeout);
    let (parts, ()) = head.into_parts();
    Ok(Request::from_parts(parts, decoded))
}

/// S3's answer for a refused `aws-chunked` body: its status, and its code as
/// `x-amzn-ErrorType` beside its message.
fn chunked_answer<ResBody: From<Bytes>>(e: &ChunkedVerifyError) -> Response<ResBody> {
    let status = http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::BAD_REQUEST);
    json_answer(status, Some(e.aws_code()), &e.aws_message())
}

/// The answer for a body that could not be read (413, 408 closing the connection, 400).
fn body_answer<ResBody: From<Bytes>>(e: crate::body::BodyError) -> Response<ResBody> {
    let message = e.message("the server's body timeout (VerifyLayer::body_timeout)");
    let mut res = json_answer(e.status(), None, &message);
    if e.closes_connection() {
        res.headers_mut().insert(
            http::header::CONNECTION,
            http::HeaderValue::from_static("close"),
        );
    }
    res
}

/// API Gateway's answer for `error`.
fn reject<ResBody: From<Bytes>>(
    layer: &VerifyLayer,
    head: &Request<()>,
    payload: Payload<'_>,
    error: &VerifyError,
) -> Response<ResBody> {
    let view = (layer.canonical_display == CanonicalDisplay::Quoted
        && *error == VerifyError::SignatureMismatch)
        .then(|| layer.verifier.server_view(head, payload).ok())
        .flatten()
        .map(|v| v.with_token_display(layer.token_display));
    rejection(error, view.as_ref())
}

/// [`VerifyLayer`] handing the inner service a [`VerifiedBody`], so that `aws-chunked` uploads
/// stream: from [`VerifyLayer::streaming`].
///
/// Every check is [`VerifyLayer`]'s, answered the same way; only what the inner service gets
/// differs. A request whose body is hashed whole gets its verified bytes (read within the limit
/// and timeout first, as [`VerifyLayer`] does). An `aws-chunked` upload gets, once its head and
/// seed signature pass, a body that yields each chunk's data as it verifies, holding at most
/// one chunk, within the body timeout; a chunk that fails, a checksum that does not match or a
/// body that stalls ends it with an error frame (a [`DecodedBodyError`] as the error's source)
/// and the handler never gets a refused chunk's bytes. The headers are rewritten as
/// [`VerifyLayer`] documents.
///
/// The inner service takes `Request<VerifiedBody<B>>`: an axum `Router` does (build the stack
/// with `tower::ServiceBuilder` rather than `Router::layer`), as do hyper services generic over
/// the body.
#[derive(Debug, Clone)]
pub struct StreamingVerifyLayer {
    layer: VerifyLayer,
}

impl VerifyLayer {
    /// The same checks, with the inner service taking a [`VerifiedBody`] that streams
    /// `aws-chunked` uploads as they verify; see [`StreamingVerifyLayer`].
    pub fn streaming(self) -> StreamingVerifyLayer {
        StreamingVerifyLayer { layer: self }
    }
}

impl<S> Layer<S> for StreamingVerifyLayer {
    type Service = StreamingVerifyService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        StreamingVerifyService {
            inner,
            layer: self.layer.clone(),
        }
    }
}

/// The service [`StreamingVerifyLayer`] wraps around an inner service.
#[derive(Debug, Clone)]
pub struct StreamingVerifyService<S> {
    inner: S,
    layer: VerifyLayer,
}

impl<S, B, ResBody> Service<Request<B>> for StreamingVerifyService<S>
where
    S: Service<Request<VerifiedBody<B>>, Response = Response<ResBody>> + Clone + Send + 'static,
    S::Future: Send,
    B: Body + Send + 'static,
    B::Data: Send,
    B::Error: Into<BoxError>,
    ResBody: From<Bytes> + Send + 'static,
{
    type Response = Response<ResBody>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<ResBody>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let layer = self.layer.clone();
        Box::pin(async move {
            let now = SystemTime::now();
            let (parts, body) = req.into_parts();
            let head = Request::from_parts(parts, ());
            let result = if crate::body::claims_chunked(head.headers()) {
                verify_chunked(&layer, head, body, now)
                    .await
                    .map(|req| req.map(|b| VerifiedBody(Kind::Decoded(Box::pin(b)))))
            } else {
                verify_whole(&layer, head, body, now)
                    .await
                    .map(|req| req.map(|b| VerifiedBody(Kind::Whole((!b.is_empty()).then_some(b)))))
            };
            match result {
                Ok(req) => inner.call(req).await,
                Err(answer) => Ok(answer),
            }
        })
    }
}

/// The body a [`StreamingVerifyService`] hands its inner service: the verified bytes of a
/// request hashed whole, or the decoded data of an `aws-chunked` upload as it verifies.
#[derive(Debug)]
pub struct VerifiedBody<B>(Kind<B>);

#[derive(Debug)]
enum Kind<B> {
    Whole(Option<Bytes>),
    Decoded(Pin<Box<DecodedBody<B>>>),
}

impl<B> VerifiedBody<B> {
    /// What the whole `aws-chunked` body proved (its trailing checksum), once it has been read
    /// to the end without an error; `None` for a body hashed whole.
    pub fn chunked_verified(&self) -> Option<&crate::streaming::ChunkedVerified> {
        match &self.0 {
            Kind::Whole(_) => None,
            Kind::Decoded(b) => b.verified(),
        }
    }
}

impl<B> Body for VerifiedBody<B>
where
    B: Body,
    B::Error: Into<BoxError>,
{
    type Data = Bytes;
    type Error = BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, BoxError>>> {
        match &mut self.get_mut().0 {
            Kind::Whole(bytes) => Poll::Ready(bytes.take().map(|b| Ok(http_body::Frame::data(b)))),
            Kind::Decoded(body) => body.as_mut().poll_frame(cx).map_err(Into::into),
        }
    }

    fn is_end_stream(&self) -> bool {
        match &self.0 {
            Kind::Whole(bytes) => bytes.is_none(),
            Kind::Decoded(body) => body.is_end_stream(),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        match &self.0 {
            Kind::Whole(bytes) => {
                http_body::SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64))
            }
            Kind::Decoded(body) => body.size_hint(),
        }
    }
}
