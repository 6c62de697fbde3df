//! `http` 0.2 requests (feature `http02`): the stacks still on it (hyper 0.14, reqwest 0.11,
//! actix-web 4, warp 0.3) sign and verify their own `http::Request` type, as `aws-sigv4`'s
//! `http0-compat` does. Each function reads the request into a [`SignableRequest`] and runs the
//! same signer or verifier as the `http` 1 entry points.
//!
//! ```
//! use awssig::{Credentials, Signer, Verifier};
//! # use http02 as http; // in your code: the `http` 0.2 your stack uses
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let signer = Signer::new(creds.clone(), "us-east-1", "execute-api");
//! let mut req = http::Request::post("https://abc.execute-api.us-east-1.amazonaws.com/prod/items")
//!     .header("content-type", "application/json")
//!     .body(br#"{"a":1}"#.to_vec())?;
//! let now = std::time::SystemTime::now();
//! awssig::http02::sign_at(&signer, &mut req, now)?;
//! assert!(req.headers()["authorization"].is_sensitive());
//!
//! let verifier = Verifier::new(creds, "us-east-1", "execute-api");
//! let body = req.body().clone();
//! awssig::http02::verify_at(&verifier, &req, awssig::Payload::Bytes(&body), now)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::prelude::*;

use core::time::Duration;

use http02::header::{HeaderName, HeaderValue};

use crate::error::SignError;
use crate::payload::Payload;
use crate::request::SignableRequest;
use crate::signer::Signer;
use crate::time::SigningTime;
use crate::verify::{Verified, Verifier, VerifyError};

/// The request's method, target and headers as the stages read them.
fn signable<'r, B>(req: &'r http02::Request<B>, target: &'r str) -> SignableRequest<'r> {
    let mut view = SignableRequest::new(req.method().as_str(), target);
    for (name, value) in req.headers() {
        view.push_header(name.as_str(), value.as_bytes());
    }
    view
}

/// Signs `req` at `time`, hashing its in-memory body. See [`sign_payload_at`].
///
/// # Errors
/// As [`sign_payload_at`].
pub fn sign_at<B: AsRef<[u8]>>(
    signer: &Signer,
    req: &mut http02::Request<B>,
    time: impl Into<SigningTime>,
) -> Result<(), SignError> {
    let payload = Payload::hashed(req.body().as_ref());
    sign_payload_at(signer, req, payload, time)
}

/// Signs `req` (any body) at `time` with an explicit payload, adding `x-amz-date`,
/// `authorization` (marked sensitive) and, as the settings and credentials require,
/// `x-amz-security-token` (sensitive) and `x-amz-content-sha256`; a query whose encoding was
/// normalised is written back, as [`Signer::sign_payload_at`] does.
///
/// # Errors
/// As [`Signer::sign_request_at`].
pub fn sign_payload_at<B>(
    signer: &Signer,
    req: &mut http02::Request<B>,
    payload: Payload<'_>,
    time: impl Into<SigningTime>,
) -> Result<(), SignError> {
    let target = req.uri().to_string();
    let signed = signer.sign_request_at(&signable(req, &target), payload, time)?;
    let mut headers = Vec::with_capacity(4);
    for (name, value) in signed.headers() {
        let mut value =
            HeaderValue::from_str(value).map_err(|_| SignError::InvalidHeaderValue {
                name: name.to_string(),
                reason: "the value is not a valid HTTP header value",
            })?;
        value.set_sensitive(matches!(name, "authorization" | "x-amz-security-token"));
        headers.push((HeaderName::from_static(name), value));
    }
    let uri = match signed.query() {
        Some(q) => Some(with_query(req.uri(), q)?),
        None => None,
    };
    // Nothing is changed unless everything could be made.
    for (name, value) in headers {
        req.headers_mut().insert(name, value);
    }
    if let Some(uri) = uri {
        *req.uri_mut() = uri;
    }
    Ok(())
}

/// A presigned URL for `req` at `time`, valid for `expires` (see [`Signer::presign_request_at`]);
/// the body counts as the signer's settings say (`UNSIGNED-PAYLOAD` for S3).
///
/// # Errors
/// As [`Signer::presign_request_at`], and [`SignError::InvalidUri`] if the URL does not parse
/// as an `http` 0.2 URI.
pub fn presign_at<B>(
    signer: &Signer,
    req: &http02::Request<B>,
    payload: Payload<'_>,
    expires: Duration,
    time: impl Into<SigningTime>,
) -> Result<http02::Uri, SignError> {
    let target = req.uri().to_string();
    // The path and query to request, with the signature in the query.
    let signed = signer.presign_request_at(&signable(req, &target), payload, expires, time)?;
    let invalid = || SignError::InvalidUri {
        target: crate::error::shown_target(&target),
        reason: "the presigned path and query do not form an http 0.2 URI",
    };
    let mut parts = req.uri().clone().into_parts();
    parts.path_and_query = Some(signed.parse().map_err(|_| invalid())?);
    http02::Uri::from_parts(parts).map_err(|_| invalid())
}

/// Verifies `req` at `now` against `payload` (see [`Verifier::verify_request_at`]).
///
/// # Errors
/// As [`Verifier::verify_request_at`].
pub fn verify_at<B>(
    verifier: &Verifier,
    req: &http02::Request<B>,
    payload: Payload<'_>,
    now: impl Into<SigningTime>,
) -> Result<Verified, VerifyError> {
    let target = req.uri().to_string();
    verifier.verify_request_at(&signable(req, &target), payload, now)
}

fn with_query(uri: &http02::Uri, query: &str) -> Result<http02::Uri, SignError> {
    let invalid = || SignError::InvalidUri {
        target: crate::error::shown_target(&uri.to_string()),
        reason: "the normalised query does not form a valid URI",
    };
    let mut parts = uri.clone().into_parts();
    parts.path_and_query = Some(
        format!("{}?{query}", uri.path())
            .parse()
            .map_err(|_| invalid())?,
    );
    http02::Uri::from_parts(parts).map_err(|_| invalid())
}
