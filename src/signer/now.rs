//! The forms of the signer's `*_at` methods that read the clock (feature `std`): each is its
//! `*_at` twin at `SystemTime::now()`, corrected by the signer's clock offset as every signing
//! time is.

use crate::prelude::*;

use std::time::{Duration, SystemTime};

use super::{Signed, Signer};
use crate::error::SignError;
use crate::explain::Explanation;
use crate::payload::Payload;
use crate::request::SignableRequest;

#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl Signer {
    /// [`Signer::sign_request_at`] now.
    ///
    /// ```
    /// use awssig::{Credentials, Payload, SignableRequest, Signer};
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET"), "us-east-1", "execute-api");
    /// let req = SignableRequest::new("GET", "https://abc.execute-api.us-east-1.amazonaws.com/prod");
    /// let signed = signer.sign_request(&req, Payload::Bytes(b""))?;
    /// assert!(signed.authorization().starts_with("AWS4-HMAC-SHA256 Credential=AKID/"));
    /// # Ok::<(), awssig::SignError>(())
    /// ```
    ///
    /// # Errors
    /// As [`Signer::sign_request_at`].
    pub fn sign_request(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
    ) -> Result<Signed, SignError> {
        self.sign_request_at(req, payload, SystemTime::now())
    }

    /// [`Signer::presign_request_at`] now: a presigned URL valid for `expires`.
    ///
    /// # Errors
    /// As [`Signer::presign_request_at`].
    pub fn presign_request(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        expires: Duration,
    ) -> Result<String, SignError> {
        self.presign_request_at(req, payload, expires, SystemTime::now())
    }

    /// [`Signer::explain_request_at`] now.
    ///
    /// # Errors
    /// As [`Signer::explain_request_at`].
    pub fn explain_request(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
    ) -> Result<Explanation, SignError> {
        self.explain_request_at(req, payload, SystemTime::now())
    }
}

#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl Signer {
    /// [`Signer::sign_payload_at`] now.
    ///
    /// # Errors
    /// As [`Signer::sign_payload_at`].
    pub fn sign_payload<B>(
        &self,
        req: &mut http::Request<B>,
        payload: Payload<'_>,
    ) -> Result<(), SignError> {
        self.sign_payload_at(req, payload, SystemTime::now())
    }

    /// [`Signer::presign_at`] now: the request's URI with the signature in its query, valid for
    /// `expires`.
    ///
    /// ```
    /// use std::time::Duration;
    /// use awssig::{Credentials, Settings, Signer};
    /// let signer = Signer::new(Credentials::new("AKID", "SECRET"), "us-west-2", "s3")
    ///     .with_settings(Settings::s3());
    /// let req = http::Request::get("https://bucket.s3.us-west-2.amazonaws.com/report.csv").body(())?;
    /// let url = signer.presign(&req, Duration::from_secs(300))?;
    /// assert!(url.query().is_some_and(|q| q.contains("X-Amz-Expires=300")));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`Signer::presign_at`].
    pub fn presign<B: super::SignableBody>(
        &self,
        req: &http::Request<B>,
        expires: Duration,
    ) -> Result<http::Uri, SignError> {
        self.presign_at(req, expires, SystemTime::now())
    }

    /// [`Signer::presign_payload_at`] now.
    ///
    /// # Errors
    /// As [`Signer::presign_payload_at`].
    pub fn presign_payload<B>(
        &self,
        req: &http::Request<B>,
        payload: Payload<'_>,
        expires: Duration,
    ) -> Result<http::Uri, SignError> {
        self.presign_payload_at(req, payload, expires, SystemTime::now())
    }
}
