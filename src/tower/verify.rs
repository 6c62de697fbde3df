//! The server side: a tower layer that verifies incoming SigV4 requests with a [`Verifier`],
//! answers failures as API Gateway does, and hands the [`Verified`] identity to the handler in
//! the request's extensions. It works with axum (`Router::layer`), hyper and tonic servers.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::SystemTime;

use bytes::Bytes;
use http::{Request, Response, StatusCode};
use http_body::Body;
use http_body_util::{BodyExt, Limited};
use tower_layer::Layer;
use tower_service::Service;

use super::{BoxError, DEFAULT_BODY_LIMIT};
use crate::payload::Payload;
use crate::verifier::{Verified, Verifier};
use crate::verify_error::VerifyError;

/// Verifies every request before the inner service sees it.
///
/// - A request that fails verification gets API Gateway's answer: status 403, the
///   `x-amzn-ErrorType` header, and `{"message": ...}` with AWS's wording (after a signature
///   mismatch, the canonical request and string to sign the server computed, as REST APIs send).
/// - A verified request reaches the inner service with its [`Verified`] identity in the
///   extensions (`req.extensions().get::<Verified>()`, or axum's `Extension<Verified>`).
/// - The body is read (up to the limit; larger: 413) so its hash can be checked, and is passed on
///   whole.
///
/// ```no_run
/// use awssig::tower::VerifyLayer;
/// use awssig::{Credentials, Verified, Verifier};
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
    include_canonical: bool,
}

impl VerifyLayer {
    /// Verifies with `verifier`, reading bodies up to [`DEFAULT_BODY_LIMIT`].
    pub fn new(verifier: Verifier) -> Self {
        Self {
            verifier: Arc::new(verifier),
            body_limit: DEFAULT_BODY_LIMIT,
            include_canonical: true,
        }
    }

    /// The largest body read; larger requests are answered 413.
    #[must_use]
    pub fn body_limit(mut self, limit: usize) -> Self {
        self.body_limit = limit;
        self
    }

    /// Whether a signature-mismatch answer quotes the server's canonical request and string to
    /// sign (API Gateway REST APIs do; on by default).
    #[must_use]
    pub fn include_canonical(mut self, include: bool) -> Self {
        self.include_canonical = include;
        self
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
            let (parts, body) = req.into_parts();
            let bytes = match Limited::new(body, layer.body_limit).collect().await {
                Ok(c) => c.to_bytes(),
                Err(e) if e.is::<http_body_util::LengthLimitError>() => {
                    return Ok(json(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        None,
                        "Request Too Long",
                    ));
                }
                Err(_) => return Ok(json(StatusCode::BAD_REQUEST, None, "Bad Request")),
            };
            let mut head = Request::from_parts(parts, ());
            let payload = Payload::Bytes(&bytes);
            match layer.verifier.verify_at(&head, payload, SystemTime::now()) {
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

/// API Gateway's answer for `error`.
fn reject<ResBody: From<Bytes>>(
    layer: &VerifyLayer,
    head: &Request<()>,
    payload: Payload<'_>,
    error: &VerifyError,
) -> Response<ResBody> {
    let view = (layer.include_canonical && *error == VerifyError::SignatureMismatch)
        .then(|| layer.verifier.server_view(head, payload).ok())
        .flatten();
    let message = error.api_gateway_message(view.as_ref());
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::FORBIDDEN);
    json(status, Some(error.error_type()), &message)
}

fn json<ResBody: From<Bytes>>(
    status: StatusCode,
    error_type: Option<&'static str>,
    message: &str,
) -> Response<ResBody> {
    let body = crate::verify_error::json_message(message);
    let mut res = Response::new(ResBody::from(Bytes::from(body)));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/json"),
    );
    if let Some(t) = error_type {
        headers.insert("x-amzn-errortype", http::HeaderValue::from_static(t));
    }
    res
}
