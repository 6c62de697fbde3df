//! A local stand-in for an IAM-protected API Gateway (feature `gateway`).
//!
//! It listens on 127.0.0.1, verifies SigV4 with a [`Verifier`], answers failures exactly as API Gateway does
//! (status 403, `x-amzn-ErrorType`, a JSON `message`, and for a signature mismatch the canonical
//! request and string to sign it computed), and on success forwards the request to an upstream
//! URL or answers with a JSON echo of what it verified.
//!
//! ```no_run
//! use awssig::gateway::{Gateway, GatewayConfig};
//! use awssig::{Credentials, Verifier};
//!
//! let verifier = Verifier::new(
//!     Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
//!     "us-east-1",
//!     "execute-api",
//! );
//! let gateway = Gateway::spawn(GatewayConfig::new(verifier))?;
//! println!("listening on {}", gateway.url());
//! // ... send signed requests to gateway.url(); dropping `gateway` stops it.
//! # Ok::<(), std::io::Error>(())
//! ```

use crate::prelude::*;

use std::borrow::Cow;
use std::convert::Infallible;
use std::fmt;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use time::OffsetDateTime;

use crate::crypto;
use crate::explain::{CanonicalDisplay, ServerView, TokenDisplay};
use crate::payload::Payload;
use crate::request::SignableRequest;
use crate::settings::PathNormalization;
use crate::sign::encode;
use crate::streaming::{ChunkedVerifyError, DecodedBody, DecodedBodyError};
use crate::time::http_date;
use crate::verify::VerifyError;
use crate::verify::{Verified, Verifier};

/// The largest request body the gateway reads by default: 10 MiB, as API Gateway.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// How long the gateway waits by default for a request's whole body once its headers have
/// passed every check they can decide: 30 seconds, enough for the default 10 MiB at about
/// 3 Mbit/s. A body that is slower, or stalls, is answered 408 and its connection closed.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);

use crate::verify::aws_response::{json_answer, json_string, rejection};

/// The body the gateway sends upstream: the verified bytes, or a decoded `aws-chunked` stream.
type UpstreamBody = UnsyncBoxBody<Bytes, Box<dyn std::error::Error + Send + Sync>>;

/// How the gateway is set up.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    verifier: Verifier,
    upstream: Option<http::Uri>,
    listen: SocketAddr,
    clock_offset: time::Duration,
    body_limit: usize,
    body_timeout: Duration,
    canonical_display: CanonicalDisplay,
    token_display: TokenDisplay,
}

impl GatewayConfig {
    /// Verifies with `verifier`, listens on `127.0.0.1` on a free port, echoes what it verified.
    pub fn new(verifier: Verifier) -> Self {
        Self {
            verifier,
            upstream: None,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            clock_offset: time::Duration::ZERO,
            body_limit: DEFAULT_BODY_LIMIT,
            body_timeout: DEFAULT_BODY_TIMEOUT,
            canonical_display: CanonicalDisplay::Quoted,
            token_display: TokenDisplay::Redacted,
        }
    }

    /// Forwards verified requests to `upstream` (an `http://` URL; its path is a prefix)
    /// instead of echoing them.
    #[must_use]
    pub fn with_upstream(mut self, upstream: http::Uri) -> Self {
        self.upstream = Some(upstream);
        self
    }

    /// Listens on `addr` (use port 0 for a free port).
    #[must_use]
    pub fn with_listen(mut self, addr: SocketAddr) -> Self {
        self.listen = addr;
        self
    }

    /// Runs the gateway's clock `offset` ahead of this machine's (negative: behind), to test how
    /// clients handle clock skew.
    #[must_use]
    pub fn with_clock_offset(mut self, offset: time::Duration) -> Self {
        self.clock_offset = offset;
        self
    }

    /// The largest body read (default [`DEFAULT_BODY_LIMIT`]); larger requests get 413 (at
    /// once when their `content-length` says so, without reading the body).
    #[must_use]
    pub fn with_body_limit(mut self, bytes: usize) -> Self {
        self.body_limit = bytes;
        self
    }

    /// How long the whole body may take to arrive, counted from when the headers have passed
    /// every check they can decide (default [`DEFAULT_BODY_TIMEOUT`]). A body that takes longer,
    /// or stalls, gets 408 Request Timeout and its connection is closed.
    #[must_use]
    pub fn with_body_timeout(mut self, timeout: Duration) -> Self {
        self.body_timeout = timeout;
        self
    }

    /// Whether signature-mismatch answers quote the canonical request and string to sign
    /// (default [`CanonicalDisplay::Quoted`], as REST APIs do; Lambda function URLs do not).
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

    /// Where verified requests are forwarded, if anywhere (otherwise they are echoed).
    pub fn upstream(&self) -> Option<&http::Uri> {
        self.upstream.as_ref()
    }

    /// The address to listen on.
    pub fn listen(&self) -> SocketAddr {
        self.listen
    }

    /// How far the gateway's clock runs ahead of this machine's.
    pub fn clock_offset(&self) -> time::Duration {
        self.clock_offset
    }

    /// The largest body read.
    pub fn body_limit(&self) -> usize {
        self.body_limit
    }

    /// How long the whole body may take to arrive.
    pub fn body_timeout(&self) -> Duration {
        self.body_timeout
    }

    /// Whether signature-mismatch answers quote the canonical request and string to sign.
    pub fn canonical_display(&self) -> CanonicalDisplay {
        self.canonical_display
    }

    /// Whether a quoted canonical request shows the client's session token.
    pub fn token_display(&self) -> TokenDisplay {
        self.token_display
    }
}

/// The gateway's request handling, without a socket: [`Gateway::spawn`] serves it on
/// 127.0.0.1, [`Gateway::serve`] on a listener you bind, and [`Gateway::handle`] answers one
/// request.
pub struct Gateway {
    config: GatewayConfig,
    client: Client<HttpConnector, UpstreamBody>,
    requests: AtomicU64,
}

impl fmt::Debug for Gateway {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Gateway")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// A gateway with `config`. Needs a Tokio runtime only to forward (`handle`, `serve`);
    /// [`Gateway::serve`] also needs the runtime's timer (for the body timeout).
    pub fn new(config: GatewayConfig) -> Self {
        Self {
            config,
            client: Client::builder(TokioExecutor::new()).build_http(),
            requests: AtomicU64::new(0),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &GatewayConfig {
        &self.config
    }

    /// Binds `config`'s address and serves on a thread of its own until the handle is dropped.
    ///
    /// # Errors
    /// When the address cannot be bound or the runtime cannot start.
    pub fn spawn(config: GatewayConfig) -> std::io::Result<GatewayHandle> {
        let listener = std::net::TcpListener::bind(config.listen)?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()?;
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(format!("awssig-gateway-{}", addr.port()))
            .spawn(move || {
                runtime.block_on(async move {
                    let Ok(listener) = tokio::net::TcpListener::from_std(listener) else {
                        return;
                    };
                    let gateway = Arc::new(Gateway::new(config));
                    tokio::select! {
                        _ = gateway.serve(listener) => {}
                        _ = stopped => {}
                    }
                });
            })?;
        Ok(GatewayHandle {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Serves HTTP/1.1 on `listener` until an accept fails, on the current Tokio runtime, which
    /// must have its timer enabled (`#[tokio::main]` does; a runtime `Builder` needs
    /// `enable_time` or `enable_all`).
    ///
    /// Each request is checked as far as its headers allow before its body is read: a request
    /// they condemn (no or malformed authorization, unknown key, wrong scope, stale date, wrong
    /// session token) is answered 403 without a byte of its body being read. The body is then
    /// read within [`GatewayConfig::with_body_limit`] (413) and
    /// [`GatewayConfig::with_body_timeout`] (408).
    ///
    /// An S3 `aws-chunked` upload (`x-amz-content-sha256: STREAMING-*`) is checked the same
    /// way up to its seed signature, then each chunk as it arrives: the upstream gets the
    /// decoded data as it verifies (one chunk held at a time), with `content-length` the decoded
    /// length, `aws-chunked` taken out of `content-encoding` and no `x-amz-trailer`; a chunk
    /// refused mid-stream ends the upstream's body with an error (it never sees that chunk's
    /// bytes) and the client gets 502. A refusal before anything was forwarded gets S3's status
    /// and code (in `x-amzn-ErrorType`).
    ///
    /// # Errors
    /// The accept error.
    pub async fn serve(self: Arc<Self>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
        loop {
            let (stream, _) = listener.accept().await?;
            let gateway = Arc::clone(&self);
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |req: http::Request<Incoming>| {
                    let gateway = Arc::clone(&gateway);
                    async move { Ok::<_, Infallible>(gateway.handle_incoming(req).await) }
                });
                // A connection error only ends that connection.
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    }

    /// The gateway's clock: this machine's, moved by the configured offset.
    fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::from(SystemTime::now());
        now.checked_add(self.config.clock_offset).unwrap_or(now)
    }

    /// Answers a request whose body has not been read yet. Everything its headers decide
    /// (authorization present and well-formed, known key, scope, time, session token, signed
    /// headers) is decided first, and a request that fails there is answered without a byte of
    /// its body being read; only then is the body read, within the size limit and the body
    /// timeout, and checked against the signature.
    async fn handle_incoming(&self, req: http::Request<Incoming>) -> http::Response<Full<Bytes>> {
        let now = self.now();
        let (parts, body) = req.into_parts();
        let head = http::Request::from_parts(parts, ());
        if crate::body::claims_chunked(head.headers()) {
            return self.handle_chunked(head, body, now).await.map(Full::new);
        }
        let authenticated = match self
            .config
            .verifier
            .authenticate_at(&SignableRequest::from(&head), now)
        {
            Ok(authenticated) => authenticated,
            // No header check needs the body, and no answer to one quotes the canonical request.
            Err(e) => return self.reject(&e, None).map(Full::new),
        };
        let body = match self.read_body(body).await {
            Ok(body) => body,
            Err(answer) => return (*answer).map(Full::new),
        };
        let (parts, ()) = head.into_parts();
        let req = http::Request::from_parts(parts, body);
        let verified = match authenticated
            .verify_payload(&SignableRequest::from(&req), Payload::Bytes(req.body()))
        {
            Ok(verified) => verified,
            Err(e) => return self.rejection(&req, &e).map(Full::new),
        };
        self.answer(req, &verified).await.map(Full::new)
    }

    /// An `aws-chunked` request (`x-amz-content-sha256: STREAMING-*`): its head and seed
    /// signature are checked before the body is read; then each chunk is verified as it arrives
    /// (within the body timeout; the decoded length within the body limit). The upstream gets
    /// the decoded data as it verifies, with the headers rewritten for it (`content-length` the
    /// decoded length, `aws-chunked` out of `content-encoding`, no `x-amz-trailer`); a chunk
    /// refused mid-stream aborts the upstream request, and the client gets 502. Without an
    /// upstream, the echo describes the decoded body.
    async fn handle_chunked(
        &self,
        mut head: http::Request<()>,
        body: Incoming,
        now: OffsetDateTime,
    ) -> http::Response<Bytes> {
        let decoder = match self.config.verifier.verify_chunked_at(&head, now) {
            Ok(decoder) => decoder,
            Err(ChunkedVerifyError::Verify(e)) => {
                let quoted = e == VerifyError::SignatureMismatch
                    && self.config.canonical_display == CanonicalDisplay::Quoted;
                let view = quoted
                    .then(|| {
                        self.config
                            .verifier
                            .server_view(&head, Payload::Unsigned)
                            .ok()
                    })
                    .flatten()
                    .map(|v| v.with_token_display(self.config.token_display));
                return self.reject(&e, view.as_ref());
            }
            Err(e) => return self.chunked_answer(&e),
        };
        let limit = self.config.body_limit;
        if decoder.declared_len() > u64::try_from(limit).unwrap_or(u64::MAX) {
            return self.json(
                http::StatusCode::PAYLOAD_TOO_LARGE,
                None,
                "Request Too Long",
            );
        }
        let declared = decoder.declared_len();
        let max_chunk = decoder.max_chunk_size().min(limit);
        let decoder = decoder.with_max_chunk_size(max_chunk);
        let verified = decoder.verified().clone();
        let decoded = DecodedBody::new(body, decoder).with_timeout(self.config.body_timeout);
        crate::body::decoded_headers(head.headers_mut(), declared);
        let path = self.verified_path(head.uri()).into_owned();
        let Some(upstream) = &self.config.upstream else {
            let bytes = match decoded.collect().await {
                Ok(collected) => collected.to_bytes(),
                Err(DecodedBodyError::Verify(e)) => return self.chunked_answer(&e),
                Err(DecodedBodyError::TimedOut(t)) => {
                    return *self.body_answer(crate::body::BodyError::TimedOut(t));
                }
                Err(_) => return *self.body_answer(crate::body::BodyError::Broken),
            };
            let (parts, ()) = head.into_parts();
            return self.echo(&http::Request::from_parts(parts, bytes), &path, &verified);
        };
        if let Some(answer) = self.unforwardable_path(&path) {
            return answer;
        }
        let (parts, ()) = head.into_parts();
        let req = http::Request::from_parts(parts, decoded.map_err(Into::into).boxed_unsync());
        self.forward(req, &path, upstream, &verified).await
    }

    /// S3's answer for a refused `aws-chunked` request: its status, its code as
    /// `x-amzn-ErrorType`, and its message.
    fn chunked_answer(&self, e: &ChunkedVerifyError) -> http::Response<Bytes> {
        let status =
            http::StatusCode::from_u16(e.status()).unwrap_or(http::StatusCode::BAD_REQUEST);
        self.json(status, Some(e.aws_code()), &e.aws_message())
    }

    /// Reads `body` up to the size limit and within the body timeout; `Err` is the answer (413,
    /// 408, or 400 when the client broke off).
    async fn read_body(&self, body: Incoming) -> Result<Bytes, Box<http::Response<Bytes>>> {
        let limit = self.config.body_limit;
        crate::body::read_within(body, limit, self.config.body_timeout)
            .await
            .map_err(|e| self.body_answer(e))
    }

    /// The answer for a body that could not be read (413, 408 closing the connection, 400).
    fn body_answer(&self, e: crate::body::BodyError) -> Box<http::Response<Bytes>> {
        let message = e.message("the gateway's body timeout (GatewayConfig::with_body_timeout)");
        let mut res = self.json(e.status(), None, &message);
        if e.closes_connection() {
            res.headers_mut().insert(
                http::header::CONNECTION,
                http::HeaderValue::from_static("close"),
            );
        }
        Box::new(res)
    }

    /// Verifies `req` against the gateway's clock and answers it: forwarded upstream, echoed, or
    /// rejected as API Gateway would.
    ///
    /// The upstream receives the path the signature covers, with the query as received: for
    /// every service but S3 that is the normalised path (`/internal/../public/report` is signed,
    /// and forwarded, as `/public/report`); with [`Settings::s3()`](crate::Settings::s3) it is the
    /// path as sent. A request whose forwarded path would still hold a `.` or `..` segment, raw
    /// or percent-encoded (`%2e%2e`, `%252e%252e`, `..%2f`), is answered 400 and not forwarded:
    /// the upstream could resolve it to a path that was not signed.
    pub async fn handle(&self, req: http::Request<Bytes>) -> http::Response<Bytes> {
        self.handle_at(req, self.now()).await
    }

    async fn handle_at(
        &self,
        req: http::Request<Bytes>,
        now: OffsetDateTime,
    ) -> http::Response<Bytes> {
        match self.check(&req, now) {
            Ok(verified) => self.answer(req, &verified).await,
            Err(rejection) => *rejection,
        }
    }

    /// The answer to a verified request: forwarded, echoed, or refused for its path.
    async fn answer(
        &self,
        req: http::Request<Bytes>,
        verified: &Verified,
    ) -> http::Response<Bytes> {
        let path = self.verified_path(req.uri());
        match &self.config.upstream {
            None => self.echo(&req, &path, verified),
            Some(upstream) => {
                if let Some(answer) = self.unforwardable_path(&path) {
                    return answer;
                }
                let path = path.into_owned();
                let req = req.map(|b| Full::new(b).map_err(|never| match never {}).boxed_unsync());
                self.forward(req, &path, upstream, verified).await
            }
        }
    }

    /// The 400 for a verified path the gateway will not forward, if it is one.
    fn unforwardable_path(&self, path: &str) -> Option<http::Response<Bytes>> {
        if !path.starts_with('/') {
            return Some(self.unforwardable("no leading '/' (it is not an absolute path)"));
        }
        encode::dot_segment(path).map(|why| self.unforwardable(why))
    }

    /// The path the signature of the verified `req` covers: the normalised path when the
    /// verifier normalises paths (every service but S3), else the path as sent.
    fn verified_path<'r>(&self, uri: &'r http::Uri) -> Cow<'r, str> {
        let raw = uri.path();
        match self.config.verifier.settings().path_normalization {
            PathNormalization::Enabled => encode::normalized_path(raw),
            PathNormalization::Disabled => Cow::Borrowed(raw),
        }
    }

    /// The 400 for a verified request whose path the gateway will not forward.
    fn unforwardable(&self, why: &str) -> http::Response<Bytes> {
        self.json(
            http::StatusCode::BAD_REQUEST,
            None,
            &format!(
                "Bad Request: the verified path has {why}, which the upstream could resolve to \
                 a path other than the one signed; send the path without it"
            ),
        )
    }

    /// Verifies `req` at `now`: the verified identity, or the 403 API Gateway would answer.
    ///
    /// # Errors
    /// The rejection, as a complete response.
    pub fn check(
        &self,
        req: &http::Request<Bytes>,
        now: OffsetDateTime,
    ) -> Result<Verified, Box<http::Response<Bytes>>> {
        self.config
            .verifier
            .verify_at(req, Payload::Bytes(req.body()), now)
            .map_err(|e| Box::new(self.rejection(req, &e)))
    }

    /// The 403 for `error`, quoting the canonical request and string to sign after a signature
    /// mismatch when so configured.
    fn rejection(&self, req: &http::Request<Bytes>, error: &VerifyError) -> http::Response<Bytes> {
        // Only a signature mismatch has a canonical request worth quoting.
        let quoted = *error == VerifyError::SignatureMismatch
            && self.config.canonical_display == CanonicalDisplay::Quoted;
        let view = quoted
            .then(|| {
                self.config
                    .verifier
                    .server_view(req, Payload::Bytes(req.body()))
                    .ok()
            })
            .flatten()
            .map(|v| v.with_token_display(self.config.token_display));
        self.reject(error, view.as_ref())
    }

    /// The answer API Gateway gives for `error`; `view` adds the canonical request and string to
    /// sign after a signature mismatch.
    pub fn reject(&self, error: &VerifyError, view: Option<&ServerView>) -> http::Response<Bytes> {
        self.stamped(rejection(error, view))
    }

    /// A JSON `{"message": ...}` answer with API Gateway's headers.
    fn json(
        &self,
        status: http::StatusCode,
        error_type: Option<&str>,
        message: &str,
    ) -> http::Response<Bytes> {
        self.stamped(json_answer(status, error_type, message))
    }

    fn response(&self, status: http::StatusCode, body: String) -> http::Response<Bytes> {
        let mut res = http::Response::new(Bytes::from(body));
        *res.status_mut() = status;
        res.headers_mut().insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
        self.stamped(res)
    }

    /// Adds the headers API Gateway sends with every answer: a request id and the date.
    fn stamped(&self, mut res: http::Response<Bytes>) -> http::Response<Bytes> {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let h = res.headers_mut();
        if let Ok(id) = http::HeaderValue::from_str(&format!("00000000-0000-4000-8000-{n:012x}")) {
            h.insert("x-amzn-requestid", id);
        }
        if let Ok(date) =
            http::HeaderValue::from_str(&http_date(SystemTime::now(), self.config.clock_offset))
        {
            h.insert(http::header::DATE, date);
        }
        res
    }

    /// The 200 JSON echo of a verified request.
    fn echo(&self, req: &http::Request<Bytes>, path: &str, v: &Verified) -> http::Response<Bytes> {
        let mut out = String::from("{");
        let mut field = |name: &str, value: &str| {
            if out.len() > 1 {
                out.push(',');
            }
            json_string(&mut out, name);
            out.push(':');
            json_string(&mut out, value);
        };
        field("method", req.method().as_str());
        field("path", path);
        field("query", req.uri().query().unwrap_or(""));
        field("accessKeyId", v.access_key_id());
        field("region", v.credential().region());
        field("service", v.credential().service());
        field("scope", &v.credential().scope());
        field("amzDate", v.amz_date().as_str());
        field("bodySha256", &hex::encode(crypto::sha256(req.body())));
        out.push_str(",\"presigned\":");
        out.push_str(if v.presigned() { "true" } else { "false" });
        let _ = write!(out, ",\"bodyLength\":{}", req.body().len());
        out.push_str(",\"signedHeaders\":[");
        for (k, h) in v.signed_headers().iter().enumerate() {
            if k > 0 {
                out.push(',');
            }
            json_string(&mut out, h);
        }
        out.push_str("]}");
        self.response(http::StatusCode::OK, out)
    }

    /// Sends `req` to `upstream` with `path` (the verified one) and the query as received.
    async fn forward(
        &self,
        req: http::Request<UpstreamBody>,
        path: &str,
        upstream: &http::Uri,
        v: &Verified,
    ) -> http::Response<Bytes> {
        let bad_gateway =
            || self.json(http::StatusCode::BAD_GATEWAY, None, "Internal server error");
        let (mut parts, body) = req.into_parts();
        let prefix = upstream.path().trim_end_matches('/');
        let pq = match parts.uri.query() {
            Some(q) => format!("{prefix}{path}?{q}"),
            None => format!("{prefix}{path}"),
        };
        let mut uri = http::uri::Builder::new().scheme(upstream.scheme_str().unwrap_or("http"));
        if let Some(a) = upstream.authority() {
            uri = uri.authority(a.as_str());
        }
        let Ok(uri) = uri.path_and_query(pq).build() else {
            return bad_gateway();
        };
        parts.uri = uri;
        for hop in [
            "connection",
            "keep-alive",
            "proxy-connection",
            "te",
            "trailer",
            "transfer-encoding",
            "upgrade",
            "host",
        ] {
            parts.headers.remove(hop);
        }
        // The upstream trusts this header: never pass on one the client sent.
        parts.headers.remove("x-awssig-access-key-id");
        if let Ok(id) = http::HeaderValue::from_str(v.access_key_id()) {
            parts.headers.insert("x-awssig-access-key-id", id);
        }
        let res = match self
            .client
            .request(http::Request::from_parts(parts, body))
            .await
        {
            Ok(res) => res,
            Err(_) => return bad_gateway(),
        };
        let (parts, body) = res.into_parts();
        match Limited::new(body, self.config.body_limit).collect().await {
            Ok(b) => http::Response::from_parts(parts, b.to_bytes()),
            Err(_) => bad_gateway(),
        }
    }
}

/// A running gateway. Dropping it stops the server and joins its thread.
#[derive(Debug)]
pub struct GatewayHandle {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl GatewayHandle {
    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for GatewayHandle {
    fn drop(&mut self) {
        self.stop_now();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_escape_quotes_newlines_and_controls() {
        let mut s = String::new();
        json_string(&mut s, "a\"b\\c\nd\u{1}");
        assert_eq!(s, r#""a\"b\\c\nd\u0001""#);
    }
}
