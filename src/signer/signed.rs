//! The one output type of header signing, [`Signed`]: the signature and every header the request must carry with it.
//!
//! [`Signer::sign_request_at`](crate::Signer::sign_request_at) returns it with the
//! `Authorization` value in a `String` (`Signed<String>`); [`Signer::sign_into`](crate::Signer::sign_into)
//! with the length of the value it wrote into the caller's buffer (`Signed<usize>`).
//! Both say the same things the same way; only where the value lives differs.

use crate::prelude::*;

use alloc::sync::Arc;
use core::fmt;

use zeroize::Zeroizing;

#[cfg(feature = "http")]
use crate::error::SignError;
use crate::payload::PayloadHash;
use crate::sign::key::Signature;
use crate::spec::header;
use crate::time::AmzDate;

/// A header signature and what the request must carry with it: `x-amz-date`, and
/// `x-amz-region-set` (SigV4a), `x-amz-security-token` and `x-amz-content-sha256` when they
/// apply.
///
/// `V` is where the `Authorization` value is: a `String` (from
/// [`Signer::sign_request_at`](crate::Signer::sign_request_at)), or `usize`, the number of bytes
/// of the caller's buffer that hold it (from
/// [`Signer::sign_into`](crate::Signer::sign_into), which allocates nothing).
#[derive(Clone)]
pub struct Signed<V = String> {
    pub(super) authorization: V,
    pub(super) amz_date: AmzDate,
    /// SigV4a's region set, sent as `x-amz-region-set`.
    pub(super) region_set: Option<Arc<str>>,
    pub(super) signature: Signature,
    pub(super) content_sha256: Option<PayloadHash>,
    pub(super) security_token: Token,
    pub(super) query: Option<String>,
}

/// The session token a signature needs sent as `x-amz-security-token`.
#[derive(Clone)]
pub(super) enum Token {
    /// The credentials have none.
    None,
    /// The request must send the credentials' token (the caller has it).
    Needed,
    /// The request must send this token, copied here.
    Copied(Zeroizing<String>),
}

impl<V> Signed<V> {
    /// The `X-Amz-Date` value to send.
    pub fn amz_date(&self) -> AmzDate {
        self.amz_date
    }

    /// The signature: SigV4's 32 bytes or SigV4a's DER ([`Signature::algorithm`] says which).
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// The `x-amz-region-set` value to send (SigV4a), which the signature covers.
    pub fn region_set(&self) -> Option<&str> {
        self.region_set.as_deref()
    }

    /// The `x-amz-content-sha256` value to send, when the settings (or an unsigned payload)
    /// require the header and the request did not carry it.
    pub fn content_sha256(&self) -> Option<&str> {
        self.content_sha256
            .as_ref()
            .map(|h| core::str::from_utf8(h.as_bytes()).unwrap_or_default())
    }

    /// Whether the request must also send the credentials' session token as
    /// `x-amz-security-token`.
    pub fn needs_security_token(&self) -> bool {
        !matches!(self.security_token, Token::None)
    }

    /// The query string to send instead of the original one, when its encoding was normalised
    /// (never for [`Signer::sign_into`](crate::Signer::sign_into), which refuses such a query).
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }
}

impl Signed<String> {
    /// The headers to set on the request, in order: `x-amz-date`, then `x-amz-region-set`,
    /// `x-amz-security-token` and `x-amz-content-sha256` when they apply, then `authorization`.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let token = match &self.security_token {
            Token::Copied(t) => Some(t.as_str()),
            Token::None | Token::Needed => None,
        };
        [
            Some((header::X_AMZ_DATE, self.amz_date.as_str())),
            self.region_set().map(|r| (header::X_AMZ_REGION_SET, r)),
            token.map(|t| (header::X_AMZ_SECURITY_TOKEN, t)),
            self.content_sha256()
                .map(|h| (header::X_AMZ_CONTENT_SHA256, h)),
            Some((header::AUTHORIZATION, self.authorization.as_str())),
        ]
        .into_iter()
        .flatten()
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// Puts the headers (and a normalised query) on an `http::Request`.
    ///
    /// # Errors
    /// [`SignError::InvalidHeaderValue`] if a value cannot be a header (a session token with
    /// invalid bytes), [`SignError::InvalidUri`] if the rewritten URI does not parse.
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn apply_to<B>(&self, req: &mut ::http::Request<B>) -> Result<(), SignError> {
        let token = match &self.security_token {
            Token::Copied(t) => Some(super::http::header_value(
                header::X_AMZ_SECURITY_TOKEN,
                t.as_bytes(),
                true,
            )?),
            Token::None | Token::Needed => None,
        };
        super::http::apply(
            req,
            super::http::Headers {
                amz_date: &self.amz_date,
                region_set: self.region_set(),
                security_token: token,
                content_sha256: self.content_sha256.as_ref(),
                authorization: self.authorization.as_bytes(),
            },
            self.query.as_deref(),
        )
    }
}

impl Signed<usize> {
    /// How many bytes of the buffer hold the `Authorization` value.
    #[allow(clippy::len_without_is_empty)] // the value is never empty
    pub fn len(&self) -> usize {
        self.authorization
    }
}

impl<V: fmt::Debug> fmt::Debug for Signed<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let token = match self.security_token {
            Token::None => None,
            Token::Needed | Token::Copied(_) => Some("<redacted>"),
        };
        f.debug_struct("Signed")
            .field("amz_date", &self.amz_date)
            .field("region_set", &self.region_set)
            .field("signature", &self.signature)
            .field("security_token", &token)
            .field("content_sha256", &self.content_sha256)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}
