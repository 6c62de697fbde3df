//! The reqwest adapter, written once for both supported majors: `crate::reqwest` (0.13, with
//! reqwest-middleware 0.5) and `crate::reqwest012` (0.12, with reqwest-middleware 0.4) each
//! include this file with their own `reqwest` and `reqwest_middleware` in scope.

use super::{reqwest, reqwest_middleware};
use crate::prelude::*;

use std::time::SystemTime;

use http::Extensions;
use reqwest::header::HeaderValue;

use crate::error::SignError;
use crate::payload::Payload;
use crate::provider::SignerSource;
use crate::request::SignableRequest;
use crate::signer::Signer;
use crate::streaming::{ChunkedBody, ChunkedSignError, ChunkedUpload};

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
/// // A Lambda function URL: `for_url` signs for `lambda` in us-west-2 and sends
/// // `x-amz-content-sha256` (`Settings::lambda()`), which a POST behind CloudFront needs.
/// let url = "https://abc.lambda-url.us-west-2.on.aws/";
/// let signer = Signer::for_url(Credentials::from_env()?, url)?;
/// let client = reqwest_middleware::ClientBuilder::new(reqwest::Client::new())
///     .with(awssig::reqwest::SigV4Middleware::new(signer))
///     .build();
/// let resp = client
///     .post(url)
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

/// Signs `req` for an S3 `aws-chunked` upload at `time` and replaces its body with the signed
/// wire frames, streamed: chunks of the upload's size are framed and signed as the body is
/// sent, holding at most one chunk ([`ChunkedBody`]). The body (in memory or a stream) must
/// hold exactly [`ChunkedUpload::decoded_len`] bytes; more or fewer fail the send, and the
/// receiver refuses what it got. Sets the headers [`Signer::sign_chunked_at`] sets.
///
/// ```
/// use awssig::streaming::{Checksum, ChunkedUpload};
/// use awssig::{Credentials, Settings, Signer};
///
/// let signer = Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "s3")
///     .with_settings(Settings::s3());
/// let data = vec![0u8; 100_000];
/// let url = "https://bucket.s3.us-east-1.amazonaws.com/key".parse()?;
/// let mut req = reqwest::Request::new(reqwest::Method::PUT, url);
/// *req.body_mut() = Some(data.clone().into());
/// let upload = ChunkedUpload::signed(data.len() as u64).trailer(Checksum::Crc32);
/// awssig::reqwest::sign_chunked_at(&signer, &mut req, upload, time::OffsetDateTime::now_utc())?;
/// assert_eq!(req.headers()["content-encoding"], "aws-chunked");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// As [`Signer::sign_chunked_at`]; `req` is unchanged then.
pub fn sign_chunked_at(
    signer: &Signer,
    req: &mut reqwest::Request,
    upload: ChunkedUpload,
    time: impl Into<crate::SigningTime>,
) -> Result<(), ChunkedSignError> {
    let mut head = http::Request::builder()
        .method(req.method().clone())
        .uri(req.url().as_str())
        .body(())
        .map_err(|_| SignError::InvalidHeaderValue {
            name: "host".to_string(),
            reason: "the URL is not a valid HTTP request target",
        })?;
    *head.headers_mut() = req.headers().clone();
    let chunked = signer.sign_chunked_at(&mut head, upload, time)?;
    let (mut parts, ()) = head.into_parts();
    for name in ["authorization", "x-amz-security-token"] {
        if let Some(v) = parts.headers.get_mut(name) {
            v.set_sensitive(true);
        }
    }
    *req.headers_mut() = parts.headers;
    let body = req
        .body_mut()
        .take()
        .unwrap_or_else(|| reqwest::Body::from(Vec::new()));
    *req.body_mut() = Some(reqwest::Body::wrap(ChunkedBody::new(body, chunked)));
    Ok(())
}
