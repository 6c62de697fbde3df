//! A local stand-in for an IAM-protected API Gateway (feature `gateway`): it listens on
//! 127.0.0.1, verifies SigV4 with a [`Verifier`], answers failures exactly as API Gateway does
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

use std::convert::Infallible;
use std::fmt;
use std::fmt::Write as _;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::{TokioExecutor, TokioIo};
use time::OffsetDateTime;

use crate::crypto;
use crate::payload::Payload;
use crate::verifier::{ServerView, Verified, Verifier};
use crate::verify_error::VerifyError;

/// The largest request body the gateway reads by default: 10 MiB, as API Gateway.
pub const DEFAULT_MAX_BODY: usize = 10 * 1024 * 1024;

pub use crate::verify_error::{CANONICAL_STRING_INTRO, STRING_TO_SIGN_INTRO, STRING_TO_SIGN_OUTRO};
use crate::verify_error::{json_message, json_string};

/// How the gateway is set up.
#[derive(Debug, Clone)]
pub struct GatewayConfig {
    verifier: Verifier,
    upstream: Option<http::Uri>,
    listen: SocketAddr,
    clock_offset: time::Duration,
    max_body: usize,
    include_canonical: bool,
}

impl GatewayConfig {
    /// Verifies with `verifier`, listens on `127.0.0.1` on a free port, echoes what it verified.
    pub fn new(verifier: Verifier) -> Self {
        Self {
            verifier,
            upstream: None,
            listen: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            clock_offset: time::Duration::ZERO,
            max_body: DEFAULT_MAX_BODY,
            include_canonical: true,
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
    pub fn listen(mut self, addr: SocketAddr) -> Self {
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

    /// The largest body read; larger requests get 413.
    #[must_use]
    pub fn with_max_body(mut self, bytes: usize) -> Self {
        self.max_body = bytes;
        self
    }

    /// Whether signature-mismatch answers quote the canonical request and string to sign (as
    /// REST APIs do; Lambda function URLs do not). On by default.
    #[must_use]
    pub fn include_canonical(mut self, include: bool) -> Self {
        self.include_canonical = include;
        self
    }

    /// The verifier.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }
}

/// The gateway's request handling, without a socket: [`Gateway::spawn`] serves it on
/// 127.0.0.1, [`Gateway::serve`] on a listener you bind, and [`Gateway::handle`] answers one
/// request.
pub struct Gateway {
    config: GatewayConfig,
    client: Client<HttpConnector, Full<Bytes>>,
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
    /// A gateway with `config`. Needs a Tokio runtime only to forward (`handle`, `serve`).
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

    /// Serves HTTP/1.1 on `listener` until an accept fails.
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

    async fn handle_incoming(&self, req: http::Request<Incoming>) -> http::Response<Full<Bytes>> {
        let (parts, body) = req.into_parts();
        let body = match Limited::new(body, self.config.max_body).collect().await {
            Ok(collected) => collected.to_bytes(),
            Err(_) => {
                return self
                    .json(
                        http::StatusCode::PAYLOAD_TOO_LARGE,
                        None,
                        "Request Too Long",
                    )
                    .map(Full::new);
            }
        };
        self.handle(http::Request::from_parts(parts, body))
            .await
            .map(Full::new)
    }

    /// Verifies `req` against the gateway's clock and answers it: forwarded upstream, echoed, or
    /// rejected as API Gateway would.
    pub async fn handle(&self, req: http::Request<Bytes>) -> http::Response<Bytes> {
        let now = OffsetDateTime::from(SystemTime::now())
            .checked_add(self.config.clock_offset)
            .unwrap_or_else(|| OffsetDateTime::from(SystemTime::now()));
        match self.check(&req, now) {
            Err(rejection) => *rejection,
            Ok(verified) => match &self.config.upstream {
                Some(upstream) => self.forward(req, upstream, &verified).await,
                None => self.echo(&req, &verified),
            },
        }
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
        let payload = Payload::Bytes(req.body());
        self.config
            .verifier
            .verify_at(req, payload, now)
            .map_err(|e| {
                let view = match (&e, self.config.include_canonical) {
                    (VerifyError::SignatureMismatch, true) => {
                        self.config.verifier.server_view(req, payload).ok()
                    }
                    _ => None,
                };
                Box::new(self.reject(&e, view.as_ref()))
            })
    }

    /// The answer API Gateway gives for `error`; `view` adds the canonical request and string to
    /// sign after a signature mismatch.
    pub fn reject(&self, error: &VerifyError, view: Option<&ServerView>) -> http::Response<Bytes> {
        let message = error.api_gateway_message(view);
        let status =
            http::StatusCode::from_u16(error.status()).unwrap_or(http::StatusCode::FORBIDDEN);
        self.json(status, Some(error.error_type()), &message)
    }

    /// A JSON `{"message": ...}` answer with API Gateway's headers.
    fn json(
        &self,
        status: http::StatusCode,
        error_type: Option<&str>,
        message: &str,
    ) -> http::Response<Bytes> {
        let mut res = self.response(status, json_message(message));
        if let Some(t) = error_type.and_then(|t| http::HeaderValue::from_str(t).ok()) {
            res.headers_mut().insert("x-amzn-errortype", t);
        }
        res
    }

    fn response(&self, status: http::StatusCode, body: String) -> http::Response<Bytes> {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        let mut res = http::Response::new(Bytes::from(body));
        *res.status_mut() = status;
        let h = res.headers_mut();
        h.insert(
            http::header::CONTENT_TYPE,
            http::HeaderValue::from_static("application/json"),
        );
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
    fn echo(&self, req: &http::Request<Bytes>, v: &Verified) -> http::Response<Bytes> {
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
        field("path", req.uri().path());
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

    async fn forward(
        &self,
        req: http::Request<Bytes>,
        upstream: &http::Uri,
        v: &Verified,
    ) -> http::Response<Bytes> {
        let bad_gateway =
            || self.json(http::StatusCode::BAD_GATEWAY, None, "Internal server error");
        let (mut parts, body) = req.into_parts();
        let prefix = upstream.path().trim_end_matches('/');
        let pq = match parts.uri.query() {
            Some(q) => format!("{prefix}{}?{q}", parts.uri.path()),
            None => format!("{prefix}{}", parts.uri.path()),
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
            .request(http::Request::from_parts(parts, Full::new(body)))
            .await
        {
            Ok(res) => res,
            Err(_) => return bad_gateway(),
        };
        let (parts, body) = res.into_parts();
        match Limited::new(body, self.config.max_body).collect().await {
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

/// `Sun, 30 Aug 2015 12:36:00 GMT` for `now + offset`.
fn http_date(now: SystemTime, offset: time::Duration) -> String {
    let t = OffsetDateTime::from(now)
        .checked_add(offset)
        .unwrap_or_else(|| OffsetDateTime::from(now));
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let day = DAYS[usize::from(t.weekday().number_days_from_monday())];
    let month = crate::amz_date::MONTH_ABBREVIATIONS[usize::from(u8::from(t.month()) - 1)];
    format!(
        "{day}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT",
        t.day(),
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn json_strings_escape_quotes_newlines_and_controls() {
        let mut s = String::new();
        json_string(&mut s, "a\"b\\c\nd\u{1}");
        assert_eq!(s, r#""a\"b\\c\nd\u0001""#);
    }

    #[test]
    fn http_dates_use_imf_fixdate() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        assert_eq!(
            http_date(t, time::Duration::ZERO),
            "Sun, 30 Aug 2015 12:36:00 GMT"
        );
        assert_eq!(
            crate::clock_skew::parse_http_date(&http_date(t, time::Duration::minutes(7))),
            Some(OffsetDateTime::from(t) + time::Duration::minutes(7))
        );
    }
}
