//! The server side of the tower integration: [`VerifyLayer`] verifies incoming SigV4 requests with a [`Verifier`].
//!
//! It answers failures as API Gateway does, and hands the [`Verified`] identity to the handler
//! in the request's extensions. It works with axum (`Router::layer`), hyper and tonic servers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http::{Request, Response};
use http_body::Body;
use tower_layer::Layer;
use tower_service::Service;

use super::{BoxError, DEFAULT_BODY_LIMIT, DEFAULT_BODY_TIMEOUT};
use crate::explain::{CanonicalDisplay, TokenDisplay};
use crate::payload::Payload;
use crate::request::SignableRequest;
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
            let mut head = Request::from_parts(parts, ());
            // Every check the headers decide, before a byte of the body is read.
            let authenticated = match layer
                .verifier
                .authenticate_at(&SignableRequest::from(&head), now)
            {
                Ok(authenticated) => authenticated,
                Err(e) => return Ok(reject(&layer, &head, Payload::Unsigned, &e)),
            };
            let bytes = match read_body(&layer, body).await {
                Ok(bytes) => bytes,
                Err(answer) => return Ok(answer),
            };
            let payload = Payload::Bytes(&bytes);
            let result = authenticated.verify_payload(&SignableRequest::from(&head), payload);
            match result {
                Ok(verified) => {
                    head.extensions_mut().insert::<Verified>(verified);
                    let (parts, ()) = head.into_parts();
                    inner.call(Request::from_parts(parts, B::from(bytes))).await
                }
                Err(e) => Ok(reject(&layer, &head, payload, &e)),
            }
        })
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
        .map_err(|e| {
            let message = e.message("the server's body timeout (VerifyLayer::body_timeout)");
            let mut res = json_answer(e.status(), None, &message);
            if e.closes_connection() {
                res.headers_mut().insert(
                    http::header::CONNECTION,
                    http::HeaderValue::from_static("close"),
                );
            }
            res
        })
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
