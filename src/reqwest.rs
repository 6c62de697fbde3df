//! Signing for [`reqwest`] (feature `reqwest`): a built [`reqwest::Request`] in place, or every request through [`SigV4Middleware`].
//!
//! [`SigV4Middleware`] goes into a `reqwest-middleware` client.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use awssig::{Credentials, Signer};
//! let signer = Signer::new(Credentials::from_env()?, "us-east-1", "execute-api");
//! let client = reqwest::Client::new();
//! let mut req = client
//!     .get("https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?limit=10")
//!     .header("x-api-key", "my-key")
//!     .build()?;
//! awssig::reqwest::sign(&signer, &mut req)?;
//! let resp = client.execute(req).await?;
//! # Ok(()) }
//! ```
//!
//! The URL is signed as `reqwest` will send it (its `url` crate has already percent-encoded the
//! path and query). A body must be in memory to be hashed; for a streamed body, set
//! `x-amz-content-sha256` yourself (a precomputed hash, or `UNSIGNED-PAYLOAD` where the service
//! accepts it).

use std::time::SystemTime;

use http::Extensions;
use reqwest::header::HeaderValue;

use crate::error::SignError;
use crate::payload::Payload;
use crate::provider::SignerSource;
use crate::request::SignableRequest;
use crate::signer::Signer;

/// Signs `req` in place at the current time (see [`sign_at`]).
///
/// # Errors
/// As [`sign_at`].
pub fn sign(signer: &Signer, req: &mut reqwest::Request) -> Result<(), SignError> {
    sign_at(signer, req, SystemTime::now())
}

/// Signs `req` in place at `time`: adds `x-amz-date`, `authorization` (marked sensitive) and, as
/// needed, `x-amz-security-token` and `x-amz-content-sha256`. A query whose percent-encoding is
/// ambiguous is rewritten to the form that was signed.
///
/// # Errors
/// [`SignError::BodyNotInMemory`] for a streamed body without an `x-amz-content-sha256` header, and
/// the signer's errors.
pub fn sign_at(
    signer: &Signer,
    req: &mut reqwest::Request,
    time: impl Into<crate::SigningTime>,
) -> Result<(), SignError> {
    let out = {
        let url = req.url().as_str();
        let mut parts = SignableRequest::new(req.method().as_str(), url);
        for (name, value) in req.headers() {
            parts.push_header(name.as_str(), value.as_bytes());
        }
        let declared = req
            .headers()
            .contains_key(crate::spec::header::X_AMZ_CONTENT_SHA256);
        let payload = match req.body() {
            None => Payload::Bytes(b""),
            Some(_) if declared => Payload::Unsigned,
            Some(body) => Payload::Bytes(body.as_bytes().ok_or(SignError::BodyNotInMemory)?),
        };
        signer.sign_request_at(&parts, payload, time)?
    };
    for (name, value) in out.headers() {
        let mut v = HeaderValue::from_str(value).map_err(|_| SignError::InvalidHeaderValue {
            name: name.to_string(),
            reason: "the value is not a valid HTTP header value",
        })?;
        if matches!(name, "authorization" | "x-amz-security-token") {
            v.set_sensitive(true);
        }
        req.headers_mut().insert(name, v);
    }
    if let Some(q) = out.query() {
        req.url_mut().set_query(Some(q));
    }
    Ok(())
}

/// A `reqwest-middleware` middleware that signs every request with a
/// [`Signer`] or a [`ProvidedSigner`](crate::provider::ProvidedSigner).
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use awssig::{Credentials, Signer};
/// let signer = Signer::new(Credentials::from_env()?, "us-west-2", "lambda");
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(awssig::reqwest::SigV4Middleware::new(signer))
///     .build();
/// let resp = client
///     .post("https://abc.lambda-url.us-west-2.on.aws/")
///     .body(r#"{"hello":"world"}"#)
///     .send()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct SigV4Middleware {
    source: SignerSource,
}

impl SigV4Middleware {
    /// Signs with `source`: a [`Signer`], a [`ProvidedSigner`](crate::provider::ProvidedSigner), or
    /// either in an `Arc`.
    pub fn new(source: impl Into<SignerSource>) -> Self {
        Self {
            source: source.into(),
        }
    }
}

#[async_trait::async_trait]
impl reqwest_middleware::Middleware for SigV4Middleware {
    async fn handle(
        &self,
        mut req: reqwest::Request,
        extensions: &mut Extensions,
        next: reqwest_middleware::Next<'_>,
    ) -> reqwest_middleware::Result<reqwest::Response> {
        let now = SystemTime::now();
        let signer = self
            .source
            .signer_at(now)
            .await
            .map_err(reqwest_middleware::Error::middleware)?;
        sign_at(&signer, &mut req, now).map_err(reqwest_middleware::Error::middleware)?;
        next.run(req, extensions).await
    }
}
