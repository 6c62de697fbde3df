//! The `http::Request` adapter: [`SignableBody`], the `Signer` methods over `http::Request`, and the one place a signature's headers are put on a request.
//!
//! Everything here reads a request through [`SignableRequest::from`] and hands it to the
//! entry points in [`signer`](super); what comes back is applied by [`apply`], which both
//! [`Signer::sign_payload_at`] and [`Signed::apply_to`](super::Signed::apply_to)
//! call.

use crate::prelude::*;

use std::time::{Duration, SystemTime};

use crate::error::SignError;
use crate::explain::Explanation;
use crate::payload::{Payload, PayloadHash};
use crate::request::{SignableRequest, with_http_view};
use crate::sink::StackBuf;
use crate::spec::header;
use crate::time::{AmzDate, SigningTime};

use super::Signer;
use super::plan::wire_query;

#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl Signer {
    /// Signs `req` now with its in-memory body. See [`Signer::sign_at`].
    ///
    /// # Errors
    /// As [`Signer::sign_payload_at`].
    pub fn sign<B: SignableBody>(&self, req: &mut http::Request<B>) -> Result<(), SignError> {
        self.sign_at(req, SystemTime::now())
    }

    /// Signs `req` at `time`, hashing its in-memory body.
    ///
    /// # Errors
    /// As [`Signer::sign_payload_at`].
    pub fn sign_at<B: SignableBody>(
        &self,
        req: &mut http::Request<B>,
        time: impl Into<SigningTime>,
    ) -> Result<(), SignError> {
        // Hashed before signing, which changes `req`; an empty body's hash is a constant.
        let payload = Payload::hashed(req.body().signable_bytes());
        self.sign_payload_at(req, payload, time)
    }

    /// Signs `req` (any body type) at `time` with an explicit payload, adding `x-amz-date`,
    /// `authorization` (marked sensitive) and, as the settings and credentials require,
    /// `x-amz-security-token` (sensitive) and `x-amz-content-sha256`.
    ///
    /// The `host` is signed from the request's `host` header if it has one, else from the URI
    /// authority (default port dropped); the header itself is left for the HTTP client to send.
    /// If the query's percent-encoding is ambiguous (`+`, raw spaces, lowercase escapes), the URI
    /// is rewritten to the canonical encoding so the server decodes exactly what was signed.
    ///
    /// # Errors
    /// See [`SignError`].
    pub fn sign_payload_at<B>(
        &self,
        req: &mut http::Request<B>,
        payload: Payload<'_>,
        time: impl Into<SigningTime>,
    ) -> Result<(), SignError> {
        self.sign_payload_dated(req, payload, time.into())
            .map(|_| ())
    }

    /// [`Signer::sign_payload_at`], returning the `X-Amz-Date` and the signature: the seed of
    /// an `aws-chunked` upload.
    pub(crate) fn sign_payload_dated<B>(
        &self,
        req: &mut http::Request<B>,
        payload: Payload<'_>,
        time: SigningTime,
    ) -> Result<(AmzDate, super::Signature), SignError> {
        // Only the header values inserted below allocate: the `Authorization` value is built
        // in a stack buffer, and the query is rewritten only when its encoding is ambiguous.
        let dated = self.amz_date_and_day(time)?;
        let date = dated.0;
        let mut authorization: StackBuf<512> = StackBuf::new();
        let (signed, query) = with_http_view(req, |parts| {
            let signed = self.sign_header(parts, payload, &dated, &mut authorization)?;
            Ok::<_, SignError>((signed, parts.query.and_then(wire_query)))
        })?;
        let security_token = match self.credentials.session_token() {
            Some(t) => Some(match &self.token_header {
                Some(v) => v.clone(),
                None => header_value(header::X_AMZ_SECURITY_TOKEN, t.as_bytes(), true)?,
            }),
            None => None,
        };
        apply(
            req,
            Headers {
                amz_date: &date,
                region_set: self.region_set.as_deref(),
                security_token,
                content_sha256: signed.content_sha256.as_ref(),
                authorization: authorization.as_slice(),
            },
            query.as_deref(),
        )?;
        Ok((date, signed.signature))
    }

    /// A presigned URL for `req` at `time`, valid for `expires` (1 s to 7 days). The payload is
    /// `UNSIGNED-PAYLOAD` under [`Settings::s3()`](crate::Settings::s3), else the hash of the in-memory body.
    ///
    /// # Errors
    /// As [`Signer::presign_request_at`].
    pub fn presign_at<B: SignableBody>(
        &self,
        req: &http::Request<B>,
        expires: Duration,
        time: impl Into<SigningTime>,
    ) -> Result<http::Uri, SignError> {
        let payload = if self.settings.presign_unsigned() {
            Payload::Unsigned
        } else {
            Payload::Bytes(req.body().signable_bytes())
        };
        self.presign_payload_at(req, payload, expires, time)
    }

    /// A presigned URL for `req` (any body type) with an explicit payload.
    ///
    /// # Errors
    /// As [`Signer::presign_request_at`].
    pub fn presign_payload_at<B>(
        &self,
        req: &http::Request<B>,
        payload: Payload<'_>,
        expires: Duration,
        time: impl Into<SigningTime>,
    ) -> Result<http::Uri, SignError> {
        let parts = SignableRequest::from(req);
        let path_and_query = self.presign_request_at(&parts, payload, expires, time)?;
        let uri = req.uri();
        let mut builder = http::Uri::builder();
        if let Some(s) = uri.scheme() {
            builder = builder.scheme(s.clone());
        }
        if let Some(a) = uri.authority() {
            builder = builder.authority(a.clone());
        }
        builder
            .path_and_query(path_and_query)
            .build()
            .map_err(|_| SignError::InvalidUri {
                target: crate::error::shown_target(&uri.to_string()),
                reason: "the presigned URI could not be rebuilt",
            })
    }

    /// The canonical request, string to sign and signature that [`Signer::sign_payload_at`]
    /// would produce for `req`.
    ///
    /// # Errors
    /// As [`Signer::sign_payload_at`].
    pub fn explain_at<B>(
        &self,
        req: &http::Request<B>,
        payload: Payload<'_>,
        time: impl Into<SigningTime>,
    ) -> Result<Explanation, SignError> {
        self.explain_request_at(&SignableRequest::from(req), payload, time)
    }
}

/// Bodies whose bytes are in memory and can be hashed by [`Signer::sign`].
pub trait SignableBody {
    /// The exact bytes that will be sent.
    fn signable_bytes(&self) -> &[u8];
}

impl SignableBody for () {
    fn signable_bytes(&self) -> &[u8] {
        b""
    }
}
impl SignableBody for Vec<u8> {
    fn signable_bytes(&self) -> &[u8] {
        self
    }
}
impl SignableBody for String {
    fn signable_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}
impl SignableBody for &[u8] {
    fn signable_bytes(&self) -> &[u8] {
        self
    }
}
impl SignableBody for &str {
    fn signable_bytes(&self) -> &[u8] {
        self.as_bytes()
    }
}
impl SignableBody for bytes::Bytes {
    fn signable_bytes(&self) -> &[u8] {
        self
    }
}

const X_AMZ_DATE: http::HeaderName = http::HeaderName::from_static(header::X_AMZ_DATE);
const X_AMZ_SECURITY_TOKEN: http::HeaderName =
    http::HeaderName::from_static(header::X_AMZ_SECURITY_TOKEN);
const X_AMZ_CONTENT_SHA256: http::HeaderName =
    http::HeaderName::from_static(header::X_AMZ_CONTENT_SHA256);
const X_AMZ_REGION_SET: http::HeaderName = http::HeaderName::from_static(header::X_AMZ_REGION_SET);

/// The headers of one header signature, ready to put on a request.
pub(super) struct Headers<'a> {
    pub(super) amz_date: &'a AmzDate,
    /// SigV4a's region set.
    pub(super) region_set: Option<&'a str>,
    /// The session token's header value (marked sensitive), when the request must send it.
    pub(super) security_token: Option<http::HeaderValue>,
    pub(super) content_sha256: Option<&'a PayloadHash>,
    pub(super) authorization: &'a [u8],
}

/// Puts a signature's headers on `req` (replacing any it had), in order: `x-amz-date`, then
/// `x-amz-region-set`, `x-amz-security-token` and `x-amz-content-sha256` when they apply, then
/// `authorization`
/// (marked sensitive); then replaces the query with `query`, the normalised one, if any.
pub(super) fn apply<B>(
    req: &mut http::Request<B>,
    signed: Headers<'_>,
    query: Option<&str>,
) -> Result<(), SignError> {
    let headers = req.headers_mut();
    // Static names: a `&str` name that is not a standard header would be copied.
    headers.insert(
        X_AMZ_DATE,
        header_value(header::X_AMZ_DATE, signed.amz_date.bytes(), false)?,
    );
    if let Some(r) = signed.region_set {
        let v = header_value(header::X_AMZ_REGION_SET, r.as_bytes(), false)?;
        headers.insert(X_AMZ_REGION_SET, v);
    }
    if let Some(v) = signed.security_token {
        headers.insert(X_AMZ_SECURITY_TOKEN, v);
    }
    if let Some(h) = signed.content_sha256 {
        let v = header_value(header::X_AMZ_CONTENT_SHA256, h.as_bytes(), false)?;
        headers.insert(X_AMZ_CONTENT_SHA256, v);
    }
    let v = header_value(header::AUTHORIZATION, signed.authorization, true)?;
    headers.insert(http::header::AUTHORIZATION, v);
    if let Some(q) = query {
        set_query(req, q)?;
    }
    Ok(())
}

/// A header value the signer sets, marked sensitive when it is a credential.
pub(super) fn header_value(
    name: &str,
    value: &[u8],
    sensitive: bool,
) -> Result<http::HeaderValue, SignError> {
    let mut v =
        http::HeaderValue::from_bytes(value).map_err(|_| SignError::InvalidHeaderValue {
            name: name.to_string(),
            reason: "the value is not a valid HTTP header value",
        })?;
    v.set_sensitive(sensitive);
    Ok(v)
}

/// Replaces the query of `req`'s URI.
pub(super) fn set_query<B>(req: &mut http::Request<B>, query: &str) -> Result<(), SignError> {
    let uri = req.uri();
    let invalid = || SignError::InvalidUri {
        target: crate::error::shown_target(&uri.to_string()),
        reason: "the normalised query does not form a valid URI",
    };
    let mut parts = uri.clone().into_parts();
    let pq = format!("{}?{}", uri.path(), query);
    parts.path_and_query = Some(pq.parse().map_err(|_| invalid())?);
    let new = http::Uri::from_parts(parts).map_err(|_| invalid())?;
    *req.uri_mut() = new;
    Ok(())
}
