//! The receiving side: [`Verifier`] checks a SigV4-signed request (header or presigned query auth) the way AWS does, and says why it was rejected ([`VerifyError`]: in Rust for logs, in AWS's words for the wire).
//!
//! What it owns: [`Verifier`] and what it hands back ([`Verified`], [`Authenticated`],
//! [`VerifyError`], the server's view of a request in [`ServerView`]), the parsed
//! [`AuthorizationHeader`] and [`PresignedQuery`], and the [`CredentialsLookup`] it asks.
//! Inside, private: `parse` (the `Authorization` header and presigned query), `checks` (scope,
//! time, host, session token and signed headers), `error` ([`VerifyError`], one variant per AWS
//! answer), `key_cache` (derived signing keys, a bounded table shared by a verifier's clones),
//! and `aws_response` (AWS's wire texts and the 403 body, one copy for the gateway and
//! `tower::VerifyLayer`).
//!
//! SigV4a (`AWS4-ECDSA-P256-SHA256`) is recognised from the request: its credential has no
//! region, its region set comes from the signed `x-amz-region-set` header (or the
//! `X-Amz-Region-Set` parameter), which must include one of the verifier's regions (`*`
//! includes every region), and its ECDSA signature is verified with the public key derived
//! from the looked-up secret, cached per access key.
//!
//! Threat model: the 32 signature bytes are compared in constant time, and so are session
//! tokens (their length is not hidden). Which check failed, and the lengths of inputs, are not
//! secret. Rejections carry no secret and no value the verifier computed; the server-side
//! canonical request and string to sign (which AWS's API Gateway puts in its 403 bodies) are
//! only available through [`Verifier::server_view_at`], on request.

use crate::bytes::same_bytes;
use crate::prelude::*;

pub(crate) mod aws_response;
mod checks;
mod error;
mod key_cache;
mod parse;

pub use crate::explain::{CanonicalDisplay, ServerView, TokenDisplay};
#[cfg(feature = "http")]
pub(crate) use error::SIGNATURE_MISMATCH_MESSAGE;
pub use error::VerifyError;
pub use parse::{AuthorizationHeader, Credential, PresignedQuery};

use alloc::borrow::Cow;
use alloc::collections::BTreeMap;
use alloc::sync::Arc;
use core::fmt;
use core::time::Duration;
#[cfg(feature = "std")]
use std::collections::HashMap;
#[cfg(feature = "http")]
use std::time::SystemTime;

use crate::credentials::Credentials;
use crate::crypto::{self, Hasher};
use crate::payload::{Payload, PayloadHash};
#[cfg(feature = "http")]
use crate::request::with_http_view;
use crate::request::{Header, SignableRequest};
use crate::settings::{SessionTokenSigning, Settings};
use crate::sign::canonical::{CanonicalHeaders, CanonicalQuery, CanonicalRequest};
use crate::sign::key::Claimed;
#[cfg(feature = "http")]
use crate::sign::key::Signature;
#[cfg(feature = "http")]
use crate::sign::key::SigningKey;
use crate::sign::string_to_sign::{self, Region, Scope};
use crate::sink::StackBuf;
use crate::spec::Algorithm;
use crate::spec::{STREAMING_EVENTS, StreamingPayload, UNSIGNED_PAYLOAD};
use crate::time::{AmzDate, SigningTime};
use checks::{check_host, check_signed_headers, check_token, sorted};
use key_cache::{Entry, Found, HeldKey, VerifyKeyCache};
use parse::{CredentialRef, Layout, RawAuthorization, sorted_signed_headers, split_byte};
use smallvec::SmallVec;

/// The clock skew S3 tolerates, and the default: 15 minutes.
pub const DEFAULT_MAX_SKEW: Duration = Duration::from_secs(15 * 60);

/// Finds the credentials of an access key id. Implemented for closures
/// `Fn(&str) -> Option<Credentials>`, for `BTreeMap<String, Credentials>` and (with `std`)
/// `HashMap<String, Credentials>`, for a `Vec<Credentials>` and for a single [`Credentials`].
pub trait CredentialsLookup: Send + Sync {
    /// The credentials for `access_key_id`, or `None` if it is unknown. When they carry a
    /// session token, requests must present that token.
    fn credentials(&self, access_key_id: &str) -> Option<Credentials>;

    /// [`CredentialsLookup::credentials`], borrowed when the lookup holds them: the verifier
    /// asks this once per request. The default clones what `credentials` returns; the
    /// implementations for `HashMap`, `Vec` and a single [`Credentials`] lend them instead.
    fn credentials_ref(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        self.credentials(access_key_id).map(Cow::Owned)
    }
}

impl<F> CredentialsLookup for F
where
    F: Fn(&str) -> Option<Credentials> + Send + Sync,
{
    fn credentials(&self, access_key_id: &str) -> Option<Credentials> {
        self(access_key_id)
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl CredentialsLookup for HashMap<String, Credentials> {
    fn credentials(&self, access_key_id: &str) -> Option<Credentials> {
        self.get(access_key_id).cloned()
    }

    fn credentials_ref(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        self.get(access_key_id).map(Cow::Borrowed)
    }
}

impl CredentialsLookup for BTreeMap<String, Credentials> {
    fn credentials(&self, access_key_id: &str) -> Option<Credentials> {
        self.get(access_key_id).cloned()
    }

    fn credentials_ref(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        self.get(access_key_id).map(Cow::Borrowed)
    }
}

impl CredentialsLookup for Credentials {
    fn credentials(&self, access_key_id: &str) -> Option<Credentials> {
        same_bytes(self.access_key_id().as_bytes(), access_key_id.as_bytes()).then(|| self.clone())
    }

    fn credentials_ref(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        same_bytes(self.access_key_id().as_bytes(), access_key_id.as_bytes())
            .then_some(Cow::Borrowed(self))
    }
}

impl CredentialsLookup for Vec<Credentials> {
    fn credentials(&self, access_key_id: &str) -> Option<Credentials> {
        self.iter()
            .find(|c| same_bytes(c.access_key_id().as_bytes(), access_key_id.as_bytes()))
            .cloned()
    }

    fn credentials_ref(&self, access_key_id: &str) -> Option<Cow<'_, Credentials>> {
        self.iter()
            .find(|c| same_bytes(c.access_key_id().as_bytes(), access_key_id.as_bytes()))
            .map(Cow::Borrowed)
    }
}

/// Whether `UNSIGNED-PAYLOAD` (and `STREAMING-UNSIGNED-PAYLOAD-TRAILER`) is accepted in
/// `x-amz-content-sha256`.
///
/// An S3-compatible service needs [`UnsignedPayload::Allowed`]: the AWS SDKs' default
/// `PutObject` (boto3, the SDK for JavaScript v3) is `STREAMING-UNSIGNED-PAYLOAD-TRAILER`,
/// whose body is covered by its trailing checksum rather than the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum UnsignedPayload {
    /// Rejected with [`VerifyError::UnsignedPayloadNotAllowed`] (Lambda function URLs).
    #[default]
    Rejected,
    /// Accepted: the body is not covered by the signature (S3).
    Allowed,
}

/// Verifies SigV4 (and SigV4a) signatures for one service and a set of regions.
///
/// ```
/// # #[cfg(feature = "http")] { // needs `http::Request`
/// use std::time::{Duration, SystemTime};
/// use awssig::{Credentials, Payload, Signer, Verifier};
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
/// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
/// let mut req = http::Request::get("https://example.amazonaws.com/").body(())?;
/// Signer::new(creds.clone(), "us-east-1", "service").sign_payload_at(&mut req, Payload::Bytes(b""), now)?;
///
/// let verifier = Verifier::new(creds, "us-east-1", "service");
/// let verified = verifier.verify_at(&req, Payload::Bytes(b""), now)?;
/// assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
/// # }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Clones share a bounded cache of the signing keys that verified a signature (with the `std`
/// feature; without it, each verification derives its key).
#[derive(Clone)]
pub struct Verifier {
    lookup: Arc<dyn CredentialsLookup>,
    /// Derived signing keys, shared by clones.
    keys: Arc<VerifyKeyCache>,
    regions: Vec<String>,
    service: String,
    max_skew: Duration,
    unsigned_payload: UnsignedPayload,
    settings: Settings,
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verifier")
            .field("regions", &self.regions)
            .field("service", &self.service)
            .field("max_skew", &self.max_skew)
            .field("unsigned_payload", &self.unsigned_payload)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

/// What a verified request proved.
///
/// One shared heap string: the credential, with the `SignedHeaders` list after it (shared with
/// the verifier's key cache when the request's credential and list are the ones its key was
/// cached with, so that a verification then allocates nothing).
#[derive(Clone, PartialEq, Eq)]
pub struct Verified {
    /// The credential; its trailing text is the signed header names (lowercase, sorted,
    /// without repeats, `;`-joined).
    credential: Credential,
    amz_date: AmzDate,
    presigned: bool,
    payload: PayloadKind,
    algorithm: Algorithm,
    /// SigV4a's region set.
    region_set: Option<Box<str>>,
}

impl fmt::Debug for Verified {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Verified")
            .field("credential", &self.credential)
            .field("signed_headers", &self.signed_headers_list())
            .field("amz_date", &self.amz_date)
            .field("presigned", &self.presigned)
            .field("payload", &self.payload)
            .field("algorithm", &self.algorithm)
            .field("region_set", &self.region_set)
            .finish()
    }
}

/// What a verified signature says about the body ([`Verified::payload`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PayloadKind {
    /// The signature covers the body's SHA-256, and the verifier checked it against the body
    /// it was given ([`Payload::Bytes`] or [`Payload::Precomputed`]).
    Signed,
    /// The signature does not cover the body (`UNSIGNED-PAYLOAD`, or a presigned URL under
    /// S3's rules): anyone who can replay the request can change it.
    Unsigned,
    /// The signature covers the SHA-256 the client claimed in `x-amz-content-sha256`, but the
    /// verifier was not given the body ([`Payload::Unsigned`]): the body is not authentic until
    /// its SHA-256 is checked against `sha256`.
    Claimed {
        /// The SHA-256 the client claimed and signed.
        sha256: [u8; 32],
    },
}

impl Verified {
    /// The access key id that signed the request.
    pub fn access_key_id(&self) -> &str {
        self.credential.access_key_id()
    }

    /// The credential and its scope (date, region, service).
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The signed header names, lowercase and sorted.
    pub fn signed_headers(&self) -> Vec<&str> {
        self.signed_headers_list().split(';').collect()
    }

    /// The signed header names as the `SignedHeaders` list: lowercase, sorted, `;`-separated.
    pub fn signed_headers_list(&self) -> &str {
        self.credential.trailing()
    }

    /// The signing time.
    pub fn amz_date(&self) -> AmzDate {
        self.amz_date
    }

    /// Whether the signature came in the query string (a presigned URL).
    pub fn presigned(&self) -> bool {
        self.presigned
    }

    /// Whether the body is covered by the signature, and whether the verifier checked it.
    pub fn payload(&self) -> PayloadKind {
        self.payload
    }

    /// The algorithm that signed the request: [`Algorithm::HmacSha256`] (SigV4) or
    /// [`Algorithm::EcdsaP256Sha256`] (SigV4a).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The region set a SigV4a signature is valid in (it includes one of the verifier's
    /// regions), as signed; `None` for SigV4.
    pub fn region_set(&self) -> Option<&str> {
        self.region_set.as_deref()
    }
}

/// What the request claims, from its `Authorization` header or presigned query, borrowed
/// from the request (or from its parsed presigned query).
struct Claims<'a> {
    algorithm: Algorithm,
    credential: CredentialRef<'a>,
    /// Lowercase, sorted, without repeats, `;`-joined.
    signed_headers: Cow<'a, str>,
    signature: Claimed,
    amz_date: AmzDate,
    /// `amz_date` in seconds since the Unix epoch, when its parse computed them.
    signed_at: Option<i64>,
    /// `X-Amz-Expires` and `X-Amz-Security-Token` of a presigned URL.
    presign: Option<(u64, Option<&'a str>)>,
    /// SigV4a's region set (`x-amz-region-set` or `X-Amz-Region-Set`).
    region_set: Option<&'a str>,
    /// The key cache's credential, when the request's credential and `SignedHeaders` list
    /// are its bytes: the verified request shares its string.
    shared: Option<&'a Credential>,
}

impl<'a> Claims<'a> {
    /// The credential scope: SigV4's region, or SigV4a's region set.
    fn scope(&self) -> Scope<'a> {
        scope_of(self.credential, self.region_set)
    }

    /// What its signature is checked against.
    fn signed(&self) -> SignatureClaims<'_> {
        SignatureClaims {
            algorithm: self.algorithm,
            signed_headers: &self.signed_headers,
            presigned: self.presign.is_some(),
            amz_date: &self.amz_date,
            signature: &self.signature,
        }
    }
}

/// What [`Verifier::checked`] found: the request's claims, the credentials the lookup gave for
/// them, what the headers say of the payload, and the key cache's entry for the credential
/// (when the claims were read from the layout it was found by).
struct Checked<'c> {
    claims: Claims<'c>,
    creds: &'c Credentials,
    payload: PayloadClaim,
    cached: Option<&'c Found>,
}

impl Checked<'_> {
    /// The credential with the `SignedHeaders` list after it, as [`Verified`] keeps it: the key
    /// cache's string, shared, when the request's are its bytes; else one made now.
    fn credential(&self) -> Credential {
        match self.claims.shared {
            Some(shared) => shared.clone(),
            None => Credential::with_trailing(self.claims.credential, &self.claims.signed_headers),
        }
    }
}

/// The scope of a credential, with SigV4a's region set when there is one.
fn scope_of<'a>(credential: CredentialRef<'a>, region_set: Option<&'a str>) -> Scope<'a> {
    let mut scope = credential.scope();
    if let Some(set) = region_set {
        scope.region = Region::Set(set);
    }
    scope
}

/// Where the claims come from: the `Authorization` header's value, already read when it is in
/// the layout signers send ([`RawAuthorization::parse_exact_with`]), else as text (invalid UTF-8
/// replaced, borrowed when there is none); or the parsed presigned query.
enum AuthSource<'r> {
    /// The parsed value, the value, and the key cache's credential when the value's credential
    /// and list are its bytes.
    Exact(RawAuthorization<'r>, &'r [u8], Option<&'r Credential>),
    Header(Cow<'r, str>),
    Query(PresignedQuery),
}

/// The headers the verifier reads, found in one pass over the request's headers: each the
/// first of its name (as [`SignableRequest::header_value`] finds it), and how many `Host` and
/// `Authorization` headers there are.
#[derive(Clone, Copy, Default)]
struct KnownHeaders<'r> {
    authorization: Option<&'r [u8]>,
    authorizations: usize,
    host: Option<&'r [u8]>,
    hosts: usize,
    amz_date: Option<&'r [u8]>,
    date: Option<&'r [u8]>,
    security_token: Option<&'r [u8]>,
    content_sha256: Option<&'r [u8]>,
    region_set: Option<&'r [u8]>,
}

impl<'r> KnownHeaders<'r> {
    #[inline]
    fn of(req: &SignableRequest<'r>) -> Self {
        let mut k = Self::default();
        for (i, h) in req.headers.iter().enumerate() {
            let n = h.name.as_bytes();
            // Names from an `http::HeaderMap` are lowercase: compared as they are.
            let lowercase = i < req.checked_headers;
            let is = |name: &[u8]| {
                if lowercase {
                    same_bytes(n, name)
                } else {
                    n.eq_ignore_ascii_case(name)
                }
            };
            // By length first: most names are then ruled out by one compare.
            let slot = match n.len() {
                4 if is(b"host") => {
                    k.hosts += 1;
                    &mut k.host
                }
                4 if is(b"date") => &mut k.date,
                10 if is(b"x-amz-date") => &mut k.amz_date,
                13 if is(b"authorization") => {
                    k.authorizations += 1;
                    &mut k.authorization
                }
                16 if is(b"x-amz-region-set") => &mut k.region_set,
                20 if is(b"x-amz-security-token") => &mut k.security_token,
                20 if is(b"x-amz-content-sha256") => &mut k.content_sha256,
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(h.value);
            }
        }
        k
    }
}

/// The claims an [`Authenticated`] keeps for its second half, owned: one shared heap string,
/// the credential with the `SignedHeaders` list after it (lowercase, sorted, without repeats,
/// `;`-joined), which [`Verified`] then keeps (the key cache's own when the request's
/// credential and list are the ones its key was cached with).
struct KeptClaims {
    algorithm: Algorithm,
    credential: Credential,
    signature: Claimed,
    amz_date: AmzDate,
    presigned: bool,
    region_set: Option<Box<str>>,
}

impl KeptClaims {
    /// The credential scope, with SigV4a's region set.
    fn scope(&self) -> Scope<'_> {
        scope_of(self.credential.borrowed(), self.region_set.as_deref())
    }

    /// What its signature is checked against.
    fn signed(&self) -> SignatureClaims<'_> {
        SignatureClaims {
            algorithm: self.algorithm,
            signed_headers: self.credential.trailing(),
            presigned: self.presigned,
            amz_date: &self.amz_date,
            signature: &self.signature,
        }
    }

    /// What a verified request proved, with `payload`.
    fn verified(self, payload: PayloadKind) -> Verified {
        Verified {
            credential: self.credential,
            amz_date: self.amz_date,
            presigned: self.presigned,
            payload,
            algorithm: self.algorithm,
            region_set: self.region_set,
        }
    }
}

impl Verifier {
    /// A verifier for `service` in `region`, with a 15-minute skew window, `UNSIGNED-PAYLOAD`
    /// rejected and [`Settings::default()`] (use [`Verifier::with_settings`] with
    /// [`Settings::s3()`] for S3's path rules).
    pub fn new(
        lookup: impl CredentialsLookup + 'static,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        Self {
            lookup: Arc::new(lookup),
            keys: Arc::new(VerifyKeyCache::new()),
            regions: vec![region.into()],
            service: service.into(),
            max_skew: DEFAULT_MAX_SKEW,
            unsigned_payload: UnsignedPayload::default(),
            settings: Settings::default(),
        }
    }

    /// The credentials of `access_key_id`, from the lookup.
    #[cfg(feature = "s3")]
    pub(crate) fn credentials_for(&self, access_key_id: &str) -> Option<Credentials> {
        self.lookup
            .credentials_ref(access_key_id)
            .map(Cow::into_owned)
    }

    /// Also accepts credentials scoped to `region` (on top of the one given to
    /// [`Verifier::new`] and any added before; see [`Verifier::regions`]).
    #[must_use]
    pub fn with_region(mut self, region: impl Into<String>) -> Self {
        self.regions.push(region.into());
        self
    }

    /// The allowed difference between `X-Amz-Date` and the verifier's clock (API Gateway uses
    /// 5 minutes, S3 15).
    #[must_use]
    pub fn with_max_skew(mut self, max_skew: Duration) -> Self {
        self.max_skew = max_skew;
        self
    }

    /// Whether `UNSIGNED-PAYLOAD` is accepted (see [`UnsignedPayload`]: an S3-compatible
    /// service needs [`UnsignedPayload::Allowed`] for the SDKs' default uploads).
    #[must_use]
    pub fn with_unsigned_payload(mut self, policy: UnsignedPayload) -> Self {
        self.unsigned_payload = policy;
        self
    }

    /// The canonicalisation rules (path encoding and normalisation; presigned URLs are taken as
    /// `UNSIGNED-PAYLOAD` under [`Settings::s3()`]). The header deny-list is not used: the
    /// verifier recomputes exactly the headers the client claims to have signed.
    #[must_use]
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// The canonicalisation rules this verifier applies.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The service accepted.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The regions accepted.
    pub fn regions(&self) -> &[String] {
        &self.regions
    }

    /// The credentials of `access_key_id`, owned (an event stream derives the key of each new
    /// day its messages are dated on).
    #[cfg(feature = "http")]
    pub(crate) fn lookup_credentials(&self, access_key_id: &str) -> Option<Credentials> {
        self.lookup
            .credentials_ref(access_key_id)
            .map(Cow::into_owned)
    }

    /// The skew window.
    pub fn max_skew(&self) -> Duration {
        self.max_skew
    }

    /// Whether `UNSIGNED-PAYLOAD` is accepted.
    pub fn unsigned_payload(&self) -> UnsignedPayload {
        self.unsigned_payload
    }

    /// Verifies `req` at `now`. `payload` is what the verifier knows of the body: its bytes (or
    /// their SHA-256), which must match `x-amz-content-sha256` when the client sent it, or
    /// [`Payload::Unsigned`] when the body is not available (the client's
    /// `x-amz-content-sha256` is then trusted; check the body against it yourself).
    ///
    /// Header auth must be dated within the skew window of `now`. A presigned URL is valid from
    /// its `X-Amz-Date` (less the skew window, for clients whose clock runs ahead) until
    /// `X-Amz-Date + X-Amz-Expires`. Header auth is dated by `X-Amz-Date`, or failing that by an
    /// HTTP `Date` header in IMF-fixdate form (`Sun, 30 Aug 2015 12:36:00 GMT`).
    ///
    /// `now` is the server's clock, as any [`SigningTime`]: a `SystemTime`, an `OffsetDateTime`
    /// or a `UtcDateTime`.
    ///
    /// This is [`Verifier::authenticate_at`] followed by [`Authenticated::verify_payload`]; call
    /// those two yourself to refuse a request before reading its body.
    ///
    /// # Errors
    /// A [`VerifyError`] whose `Display` is AWS's answer for that case.
    pub fn verify_request_at(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        now: impl Into<SigningTime>,
    ) -> Result<Verified, VerifyError> {
        // The two halves in one call: the claims stay borrowed from the request and the key
        // from the cache (nothing is moved into an `Authenticated`), with the same checks.
        self.checked(req, now.into(), Streaming::Refused, |c| {
            self.verify_checked(req, c, payload)
        })
        .inspect(trace_verified)
        .inspect_err(trace_refused)
    }

    /// The first half of [`Verifier::verify_request_at`]: every check the request line and
    /// headers decide, without the body. A request that fails here can be answered before a
    /// byte of its body is read:
    ///
    /// - the `Authorization` header (exactly one) or presigned query is present and well formed;
    /// - the request names one host: at most one `Host` header, agreeing with the URI's
    ///   authority when it has one (see [`VerifyError::HostMismatch`] for how ports compare);
    /// - the credential scope names an accepted region, this service and the request's date;
    /// - the request is dated within the skew window of `now` (or, presigned, not yet expired);
    /// - the access key id is known, the session token is the one issued with it, and the
    ///   credentials have not expired ([`Credentials::expiry`] after `now`), presigned or not;
    /// - `host` and every `x-amz-*` header sent are signed;
    /// - for service `s3` with header auth, `x-amz-content-sha256` is sent (S3 requires it);
    /// - `x-amz-content-sha256`, when sent, is a SHA-256 in hex or an accepted
    ///   `UNSIGNED-PAYLOAD`.
    ///
    /// The signature itself covers the payload hash, so it is checked by
    /// [`Authenticated::verify_payload`], which must be given the same request.
    ///
    /// ```
    /// # #[cfg(feature = "http")] { // needs `http::Request`
    /// use std::time::{Duration, SystemTime};
    /// use awssig::{Credentials, Payload, SignableRequest, Signer, Verifier};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    /// let mut req = http::Request::put("https://example.amazonaws.com/o").body(&b"data"[..])?;
    /// Signer::new(creds.clone(), "us-east-1", "service").sign_at(&mut req, now)?;
    ///
    /// let verifier = Verifier::new(creds, "us-east-1", "service");
    /// let view = SignableRequest::from(&req);
    /// // Headers first: a forged request is refused here, before its body is read.
    /// let authenticated = verifier.authenticate_at(&view, now)?;
    /// // ... read the body (within a size limit and a timeout) ...
    /// let verified = authenticated.verify_payload(&view, Payload::Bytes(b"data"))?;
    /// assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// A [`VerifyError`] whose `Display` is AWS's answer for that case.
    pub fn authenticate_at(
        &self,
        req: &SignableRequest<'_>,
        now: impl Into<SigningTime>,
    ) -> Result<Authenticated, VerifyError> {
        self.authenticate(req, now.into(), Streaming::Refused)
    }

    /// [`Verifier::authenticate_at`], with `aws-chunked` claims (`STREAMING-*`) accepted for
    /// [`Verifier::verify_chunked_at`](crate::Verifier::verify_chunked_at) or refused (as
    /// `InvalidContentSha256`, before the body is read) for every other entry point.
    pub(crate) fn authenticate(
        &self,
        req: &SignableRequest<'_>,
        now: SigningTime,
        streaming: Streaming,
    ) -> Result<Authenticated, VerifyError> {
        self.authenticate_checks(req, now, streaming)
            .inspect_err(trace_refused)
    }

    /// [`Verifier::authenticate`]'s checks, then the claims kept for the second half.
    fn authenticate_checks(
        &self,
        req: &SignableRequest<'_>,
        now: SigningTime,
        streaming: Streaming,
    ) -> Result<Authenticated, VerifyError> {
        self.checked(req, now, streaming, |c| {
            let credential = c.credential();
            let key = self
                .keys
                .key(c.cached, c.creds, c.claims.algorithm, &credential);
            Ok(Authenticated {
                claims: KeptClaims {
                    algorithm: c.claims.algorithm,
                    credential,
                    signature: c.claims.signature,
                    amz_date: c.claims.amz_date,
                    presigned: c.claims.presign.is_some(),
                    region_set: c.claims.region_set.map(Box::from),
                },
                key,
                payload: c.payload,
                rules: Rules {
                    settings: self.canonical_settings(),
                    unsigned_payload: self.unsigned_payload,
                },
            })
        })
    }

    /// The second half of a verification made in one call ([`Verifier::verify_request_at`]):
    /// [`Authenticated::verify_payload`] on the borrowed claims.
    fn verify_checked(
        &self,
        req: &SignableRequest<'_>,
        c: Checked<'_>,
        payload: Payload<'_>,
    ) -> Result<Verified, VerifyError> {
        if let PayloadClaim::Streaming(_) | PayloadClaim::Events = c.payload {
            return Err(VerifyError::InvalidContentSha256);
        }
        let (line, payload_kind) = payload_line(self.unsigned_payload, c.payload, payload)?;
        let credential = c.credential();
        let claims = &c.claims;
        let key = self.keys.key_ref(
            c.cached.and_then(Found::entry),
            c.creds,
            claims.algorithm,
            &credential,
        );
        check_signature(
            req,
            &claims.signed(),
            || claims.scope(),
            key.entry(),
            &self.settings,
            &line,
        )?;
        key.keep();
        Ok(Verified {
            credential,
            amz_date: claims.amz_date,
            presigned: claims.presign.is_some(),
            payload: payload_kind,
            algorithm: claims.algorithm,
            region_set: claims.region_set.map(Box::from),
        })
    }

    /// Every check [`Verifier::authenticate_at`] documents, then `then` with what they found.
    fn checked<R>(
        &self,
        req: &SignableRequest<'_>,
        now: SigningTime,
        streaming: Streaming,
        then: impl FnOnce(Checked<'_>) -> Result<R, VerifyError>,
    ) -> Result<R, VerifyError> {
        let known = KnownHeaders::of(req);
        // The layout signers send, and the key cache's entry for its credential (before the
        // value is parsed: the entry's parts are then taken instead).
        let layout = known.authorization.and_then(Layout::cut);
        let cached = layout.and_then(|l| self.keys.find(l.credential()));
        let entry = cached.as_ref().and_then(Found::entry);
        let source = self.auth_source(req, &known, layout, entry)?;
        let claims = self.claims(&known, &source, entry)?;
        check_host(req, &known)?;
        self.check_scope(&claims)?;
        self.check_time(&claims, now)?;
        let creds = self
            .lookup
            .credentials_ref(claims.credential.access_key_id)
            .ok_or(VerifyError::UnknownAccessKey)?;
        check_token(&known, &claims, &creds)?;
        // After the token check, so that only a holder of the token learns that it expired.
        if creds.expiry().is_some_and(|expiry| expiry <= now) {
            return Err(VerifyError::ExpiredToken);
        }
        check_signed_headers(req, &claims, self.token_unsigned())?;
        // S3 requires the header on header auth (a presigned URL is `UNSIGNED-PAYLOAD`).
        if self.service == "s3" && claims.presign.is_none() && known.content_sha256.is_none() {
            return Err(VerifyError::MissingContentSha256);
        }
        let payload = self.payload_claim(&known, &claims)?;
        // aws-chunked bodies and event streams are chained on SigV4 signatures only.
        let sigv4 = claims.algorithm == Algorithm::HmacSha256;
        let accepted = match payload {
            PayloadClaim::Streaming(_) => sigv4 && streaming == Streaming::accepted_chunked(),
            PayloadClaim::Events => sigv4 && streaming == Streaming::accepted_events(),
            _ => true,
        };
        if !accepted {
            return Err(VerifyError::InvalidContentSha256);
        }
        // The entry found for the layout's credential is this credential's only when the
        // claims were read from that layout (the generic parser may read another credential
        // out of the same value, e.g. one it trims).
        let exact = matches!(source, AuthSource::Exact(..));
        then(Checked {
            claims,
            creds: &creds,
            payload,
            cached: cached.as_ref().filter(|_| exact),
        })
    }

    /// The canonical request and string to sign this verifier computes for `req` from its
    /// claims (no credentials are looked up and no time is checked): what API Gateway quotes
    /// after a signature mismatch.
    ///
    /// # Errors
    /// The parse errors of [`Verifier::verify_request_at`].
    pub fn server_view_at(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
    ) -> Result<ServerView, VerifyError> {
        let known = KnownHeaders::of(req);
        let layout = known.authorization.and_then(Layout::cut);
        let source = self.auth_source(req, &known, layout, None)?;
        let claims = self.claims(&known, &source, None)?;
        let (line, _) = payload_line(
            self.unsigned_payload,
            self.payload_claim(&known, &claims)?,
            payload,
        )?;
        let (creq, _) = canonical(
            &self.settings,
            req,
            &claims.signed_headers,
            claims.presign.is_some(),
            line.as_bytes(),
            |creq| {
                let mut v = Vec::with_capacity(512);
                creq.write(&mut v, &self.settings);
                v
            },
        );
        let scope = claims.scope();
        let sts = string_to_sign::string_to_sign(
            claims.algorithm,
            &claims.amz_date,
            &scope,
            &crypto::sha256(&creq),
        );
        Ok(ServerView {
            canonical_request: String::from_utf8_lossy(&creq).into_owned(),
            string_to_sign: String::from_utf8_lossy(&sts).into_owned(),
            token_display: TokenDisplay::default(),
        })
    }

    /// Verifies an `http::Request` at `now`. See [`Verifier::verify_request_at`].
    ///
    /// # Errors
    /// As [`Verifier::verify_request_at`].
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn verify_at<B>(
        &self,
        req: &http::Request<B>,
        payload: Payload<'_>,
        now: impl Into<SigningTime>,
    ) -> Result<Verified, VerifyError> {
        let now = now.into();
        with_http_view(req, |view| self.verify_request_at(view, payload, now))
    }

    /// Verifies an `http::Request` against the system clock.
    ///
    /// # Errors
    /// As [`Verifier::verify_request_at`].
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn verify<B>(
        &self,
        req: &http::Request<B>,
        payload: Payload<'_>,
    ) -> Result<Verified, VerifyError> {
        self.verify_at(req, payload, SystemTime::now())
    }

    /// [`Verifier::server_view_at`] for an `http::Request`.
    ///
    /// # Errors
    /// As [`Verifier::server_view_at`].
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn server_view<B>(
        &self,
        req: &http::Request<B>,
        payload: Payload<'_>,
    ) -> Result<ServerView, VerifyError> {
        with_http_view(req, |view| self.server_view_at(view, payload))
    }

    /// Whether clients add the session token after signing (some IoT endpoints): then it is
    /// neither required among the signed headers nor part of the canonical query.
    fn token_unsigned(&self) -> bool {
        self.settings.session_token == SessionTokenSigning::AppendedAfterSigning
    }

    /// The settings the canonical request is written with: this verifier's, without the
    /// deny-list (which the verifier does not use), so that copying them allocates nothing.
    fn canonical_settings(&self) -> Settings {
        let s = &self.settings;
        Settings {
            uri_encoding: s.uri_encoding,
            path_normalization: s.path_normalization,
            payload_hash_header: s.payload_hash_header,
            session_token: s.session_token,
            presign_payload: s.presign_payload,
            excluded: Vec::new(),
            signed: Vec::new(),
        }
    }

    /// Finds the one way the request is signed: its `Authorization` header (read from its
    /// `layout` when it has the one signers send, taking what `cached` knows of its credential)
    /// or its presigned query.
    fn auth_source<'r>(
        &self,
        req: &SignableRequest<'_>,
        known: &KnownHeaders<'r>,
        layout: Option<Layout<'r>>,
        cached: Option<&'r Entry>,
    ) -> Result<AuthSource<'r>, VerifyError> {
        if known.authorizations > 1 {
            return Err(VerifyError::MultipleAuthorizationHeaders);
        }
        let auth = known.authorization;
        let presigned = match req.query {
            Some(q) => PresignedQuery::parse(q)?,
            None => None,
        };
        match (auth, presigned) {
            (Some(_), Some(_)) => Err(VerifyError::MultipleAuthMechanisms),
            (None, None) => Err(VerifyError::MissingAuthenticationToken),
            (Some(value), None) => {
                let cached = cached.map(Entry::credential);
                let exact = layout.and_then(|l| RawAuthorization::from_layout(l, cached));
                Ok(match exact {
                    Some((raw, shared)) => AuthSource::Exact(raw, value, cached.filter(|_| shared)),
                    None => AuthSource::Header(lossy(value)),
                })
            }
            (None, Some(q)) => Ok(AuthSource::Query(q)),
        }
    }

    /// The claims of `source`; `cached` is the key cache's entry for its credential, whose day
    /// shortens the date's parse.
    fn claims<'a>(
        &self,
        known: &KnownHeaders<'a>,
        source: &'a AuthSource<'_>,
        cached: Option<&Entry>,
    ) -> Result<Claims<'a>, VerifyError> {
        let day = cached.and_then(Entry::day);
        match source {
            AuthSource::Exact(raw, value, shared) => {
                let claims = Self::header_claims(known, Ok(raw.clone()), day, || {
                    String::from_utf8_lossy(value).into()
                })?;
                Ok(Claims {
                    shared: *shared,
                    ..claims
                })
            }
            AuthSource::Header(value) => {
                Self::header_claims(known, RawAuthorization::parse(value), day, || {
                    value.to_string()
                })
            }
            AuthSource::Query(q) => Ok(Claims {
                algorithm: q.algorithm(),
                signed_headers: Cow::Owned(sorted(q.signed_headers()).join(";")),
                signature: Claimed::from_signature(&q.signature()),
                credential: q.credential().borrowed(),
                amz_date: q.amz_date(),
                signed_at: None,
                presign: Some((q.expires(), q.security_token())),
                region_set: q.region_set(),
                shared: None,
            }),
        }
    }

    /// The claims of header auth: the parsed `Authorization` value (`authorization` is its
    /// text, for an error) and the request's date (read by its time of day alone when it is
    /// on `day`, see [`AmzDate::parse_bytes_on`]).
    fn header_claims<'a>(
        known: &KnownHeaders<'a>,
        parsed: Result<RawAuthorization<'a>, VerifyError>,
        day: Option<([u8; 8], i64)>,
        authorization: impl FnOnce() -> String,
    ) -> Result<Claims<'a>, VerifyError> {
        // `X-Amz-Date`, else an HTTP `Date` header (IMF-fixdate), as AWS accepts.
        let (amz, http_date) = (known.amz_date, known.date);
        let missing = amz.is_none() && http_date.is_none();
        let parsed = parsed.map_err(|e| match e {
            VerifyError::IncompleteSignature {
                missing: params,
                authorization,
                ..
            } => VerifyError::IncompleteSignature {
                missing: params,
                date_missing: missing,
                authorization,
            },
            e => e,
        })?;
        let (amz_date, signed_at) = match (amz, http_date) {
            (Some(d), _) => match AmzDate::parse_bytes_on(d, day) {
                Some((date, seconds)) => (date, Some(seconds)),
                None => {
                    let d = lossy(d);
                    let date =
                        AmzDate::parse(d.trim()).ok_or_else(|| VerifyError::InvalidDate {
                            value: d.into_owned(),
                        })?;
                    (date, None)
                }
            },
            (None, Some(d)) => {
                let d = String::from_utf8_lossy(d);
                let date = crate::time::parse_http_date(&d)
                    .and_then(|t| AmzDate::new(t).ok())
                    .ok_or_else(|| VerifyError::InvalidDate {
                        value: d.into_owned(),
                    })?;
                (date, None)
            }
            (None, None) => {
                return Err(VerifyError::IncompleteSignature {
                    missing: Vec::new(),
                    date_missing: true,
                    authorization: authorization(),
                });
            }
        };
        // SigV4a names its region set in a (signed) header.
        let region_set = match parsed.algorithm {
            Algorithm::HmacSha256 => None,
            _ => Some(
                known
                    .region_set
                    .and_then(|r| core::str::from_utf8(r).ok())
                    .map(str::trim)
                    .ok_or(VerifyError::MissingRegionSet)?,
            ),
        };
        Ok(Claims {
            algorithm: parsed.algorithm,
            signed_headers: sorted_signed_headers(
                parsed.signed_headers,
                parsed.signed_headers_in_order,
            ),
            signature: parsed.signature,
            credential: parsed.credential,
            amz_date,
            signed_at,
            presign: None,
            region_set,
            shared: None,
        })
    }

    /// What the request's headers say about the payload, with the checks that need no body:
    /// `x-amz-content-sha256` is a SHA-256 in hex, or an `UNSIGNED-PAYLOAD` this verifier
    /// accepts.
    fn payload_claim(
        &self,
        known: &KnownHeaders<'_>,
        claims: &Claims<'_>,
    ) -> Result<PayloadClaim, VerifyError> {
        let Some(given) = known.content_sha256 else {
            if claims.presign.is_some() && self.settings.presign_unsigned() {
                return Ok(PayloadClaim::Unsigned);
            }
            return Ok(PayloadClaim::FromBody);
        };
        let given = given.trim_ascii();
        if let Some(streaming) = StreamingPayload::from_value(given) {
            if !streaming.signed() && self.unsigned_payload == UnsignedPayload::Rejected {
                return Err(VerifyError::UnsignedPayloadNotAllowed);
            }
            return Ok(PayloadClaim::Streaming(streaming));
        }
        if given == STREAMING_EVENTS.as_bytes() {
            return Ok(PayloadClaim::Events);
        }
        if given == UNSIGNED_PAYLOAD.as_bytes() {
            return match self.unsigned_payload {
                UnsignedPayload::Allowed => Ok(PayloadClaim::Unsigned),
                UnsignedPayload::Rejected => Err(VerifyError::UnsignedPayloadNotAllowed),
            };
        }
        let mut claimed = [0u8; 32];
        let mut hex = [0u8; 64];
        if given.len() != 64 || hex::decode_to_slice(given, &mut claimed).is_err() {
            return Err(VerifyError::InvalidContentSha256);
        }
        // Signed as sent (a client may have written uppercase hex).
        hex.copy_from_slice(given);
        Ok(PayloadClaim::Hash { claimed, hex })
    }
}

/// `bytes` as text, invalid UTF-8 replaced: borrowed, after one fast check, when it is valid.
fn lossy(bytes: &[u8]) -> Cow<'_, str> {
    match core::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Whether an entry point takes `aws-chunked` (`STREAMING-*`) requests.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Streaming {
    /// Only [`Verifier::verify_chunked_at`](crate::Verifier::verify_chunked_at), which checks
    /// every chunk.
    #[cfg(feature = "http")]
    Accepted,
    /// Only [`Verifier::verify_event_stream_at`](crate::Verifier::verify_event_stream_at),
    /// which checks every message.
    #[cfg(feature = "http")]
    Events,
    /// Every other entry point: the chunks would go unchecked.
    Refused,
}

impl Streaming {
    /// The mode that takes `aws-chunked` claims (`Refused` when there is none).
    fn accepted_chunked() -> Self {
        #[cfg(feature = "http")]
        return Self::Accepted;
        #[cfg(not(feature = "http"))]
        return Self::Refused;
    }

    /// The mode that takes event-stream claims (`Refused` when there is none).
    fn accepted_events() -> Self {
        #[cfg(feature = "http")]
        return Self::Events;
        #[cfg(not(feature = "http"))]
        return Self::Refused;
    }
}

/// What `x-amz-content-sha256` (or its absence) says about the payload.
#[derive(Clone, Copy)]
enum PayloadClaim {
    /// `UNSIGNED-PAYLOAD`, accepted by the verifier's policy (or a presigned URL under S3's
    /// rules, which sends no header).
    Unsigned,
    /// A SHA-256: decoded, and as sent.
    Hash { claimed: [u8; 32], hex: [u8; 64] },
    /// No header: the signature covers the hash of the body itself.
    FromBody,
    /// An `aws-chunked` body (`STREAMING-*`): the signature covers the literal, and each
    /// chunk is checked by [`crate::streaming::ChunkedDecoder`].
    Streaming(StreamingPayload),
    /// An event stream (`STREAMING-AWS4-HMAC-SHA256-EVENTS`): the signature covers the literal,
    /// and each message is checked by [`crate::streaming::EventStreamDecoder`].
    Events,
}

/// The verifier's rules that the second half of a verification needs.
#[derive(Clone)]
struct Rules {
    settings: Settings,
    unsigned_payload: UnsignedPayload,
}

/// The payload-hash line of the canonical request, under the verifier's `UNSIGNED-PAYLOAD`
/// policy.
fn payload_line(
    policy: UnsignedPayload,
    claim: PayloadClaim,
    payload: Payload<'_>,
) -> Result<(PayloadLine, PayloadKind), VerifyError> {
    let unsigned = || match policy {
        UnsignedPayload::Allowed => Ok((PayloadLine::Unsigned, PayloadKind::Unsigned)),
        UnsignedPayload::Rejected => Err(VerifyError::UnsignedPayloadNotAllowed),
    };
    match claim {
        PayloadClaim::Unsigned => Ok((PayloadLine::Unsigned, PayloadKind::Unsigned)),
        PayloadClaim::Streaming(s) => Ok((PayloadLine::Literal(s.as_str()), PayloadKind::Unsigned)),
        PayloadClaim::Events => Ok((
            PayloadLine::Literal(STREAMING_EVENTS),
            PayloadKind::Unsigned,
        )),
        PayloadClaim::FromBody => match payload {
            Payload::Unsigned => unsigned(),
            p => Ok((PayloadLine::Hash(p.hash()), PayloadKind::Signed)),
        },
        PayloadClaim::Hash { claimed, hex } => {
            let actual = match payload {
                Payload::Bytes(b) => crypto::sha256(b),
                Payload::Precomputed(h) => h,
                Payload::Unsigned => {
                    return Ok((
                        PayloadLine::Given(hex),
                        PayloadKind::Claimed { sha256: claimed },
                    ));
                }
            };
            if actual != claimed {
                return Err(VerifyError::ContentSha256Mismatch);
            }
            Ok((PayloadLine::Given(hex), PayloadKind::Signed))
        }
    }
}

/// Builds the canonical request from the claims, under `settings`, and hands it to `f`; also
/// says whether a claimed header was absent.
fn canonical<R>(
    settings: &Settings,
    req: &SignableRequest<'_>,
    signed_headers: &str,
    presigned: bool,
    payload_line: &[u8],
    f: impl FnOnce(&CanonicalRequest<'_, '_>) -> R,
) -> (R, bool) {
    // The host the signer signed when the request has no `host` header: a bare host name as
    // the URI has it, else written as the signer writes it, into a stack buffer (made only
    // when used: it is zeroed when made).
    let mut host_buf: Option<StackBuf<128>> = None;
    let mut host = None;
    if req.header_value("host").is_none() {
        host = req.bare_host().map(str::as_bytes);
        if host.is_none() {
            let buf = host_buf.insert(StackBuf::new());
            if req.write_host(buf).is_none() {
                host_buf = None;
            }
        }
    }
    let host = host
        .or(host_buf.as_ref().map(StackBuf::as_slice))
        .map(|value| Header {
            name: "host",
            value,
        });
    let mut canonical_headers = CanonicalHeaders::default();
    // With whether each name is known to be lowercase: those of an `http::HeaderMap`, and the
    // host's.
    let headers = req
        .headers
        .iter()
        .enumerate()
        .map(|(i, h)| (*h, i < req.checked_headers))
        .chain(host.map(|h| (h, true)));
    let mut absent = false;
    if !canonical_headers.take_claimed(signed_headers, headers.clone()) {
        let names: SmallVec<[&str; 16]> = split_byte(signed_headers, b';').collect();
        let all: SmallVec<[Header<'_>; 16]> = headers.map(|(h, _)| h).collect();
        let (claimed, missing) = CanonicalHeaders::new_claimed(&names, &all);
        canonical_headers = claimed;
        absent = !missing.is_empty();
    }
    // Filled in place: returning the list's large inline buffer from a constructor costs a
    // copy on every verification.
    let mut query = CanonicalQuery::default();
    query.extend_wire(req.query);
    if presigned {
        let token_unsigned = settings.session_token == SessionTokenSigning::AppendedAfterSigning;
        query.retain(|k| {
            k != b"X-Amz-Signature" && !(token_unsigned && k == b"X-Amz-Security-Token")
        });
    }
    query.sort();
    let creq = CanonicalRequest {
        method: req.method,
        path: req.path,
        query: &query,
        headers: &canonical_headers,
        payload_hash: payload_line,
    };
    let out = f(&creq);
    (out, absent)
}

/// The payload-hash line, in a fixed buffer.
enum PayloadLine {
    Unsigned,
    Literal(&'static str),
    Hash(PayloadHash),
    Given([u8; 64]),
}

impl PayloadLine {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Unsigned => UNSIGNED_PAYLOAD.as_bytes(),
            Self::Literal(l) => l.as_bytes(),
            Self::Hash(h) => h.as_bytes(),
            Self::Given(h) => h,
        }
    }
}

/// A request whose headers passed every check of [`Verifier::authenticate_at`]; its signature
/// is checked, with the payload, by [`Authenticated::verify_payload`].
///
/// It holds the credentials the lookup returned; its `Debug` shows only the credential scope
/// and what was claimed, never a secret or a session token.
pub struct Authenticated {
    claims: KeptClaims,
    /// The signing key (cached, or derived for this request).
    key: HeldKey,
    payload: PayloadClaim,
    rules: Rules,
}

impl fmt::Debug for Authenticated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Authenticated")
            .field("credential", &self.claims.credential)
            .field("signed_headers", &self.claims.credential.trailing())
            .field("amz_date", &self.claims.amz_date)
            .field("presigned", &self.claims.presigned)
            .finish_non_exhaustive()
    }
}

impl Authenticated {
    /// The access key id that claims to have signed the request.
    pub fn access_key_id(&self) -> &str {
        self.claims.credential.access_key_id()
    }

    /// The credential and its scope (date, region, service).
    pub fn credential(&self) -> &Credential {
        &self.claims.credential
    }

    /// Whether the signature came in the query string (a presigned URL).
    pub fn presigned(&self) -> bool {
        self.claims.presigned
    }

    /// The second half of [`Verifier::verify_request_at`]: checks the payload against
    /// `x-amz-content-sha256` and the signature against the request. `req` must be the request
    /// given to [`Verifier::authenticate_at`] (its header checks are not repeated); `payload`
    /// is what the verifier knows of the body, as for [`Verifier::verify_request_at`].
    ///
    /// # Errors
    /// [`VerifyError::ContentSha256Mismatch`], [`VerifyError::UnsignedPayloadNotAllowed`] (no
    /// `x-amz-content-sha256` and [`Payload::Unsigned`] under [`UnsignedPayload::Rejected`]),
    /// or [`VerifyError::SignatureMismatch`].
    pub fn verify_payload(
        self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
    ) -> Result<Verified, VerifyError> {
        let Self {
            claims,
            key,
            payload: claim,
            rules,
        } = self;
        if let PayloadClaim::Streaming(_) | PayloadClaim::Events = claim {
            // The chunks are the payload: only `Verifier::verify_chunked_at` checks them.
            return Err(VerifyError::InvalidContentSha256);
        }
        let (line, payload_kind) =
            payload_line(rules.unsigned_payload, claim, payload).inspect_err(trace_refused)?;
        check_signature(
            req,
            &claims.signed(),
            || claims.scope(),
            key.entry(),
            &rules.settings,
            &line,
        )
        .inspect_err(trace_refused)?;
        key.keep();
        let verified = claims.verified(payload_kind);
        trace_verified(&verified);
        Ok(verified)
    }

    /// The header half of an `aws-chunked` request: checks the seed signature (over the
    /// `STREAMING-*` literal) and hands back what the chunks are chained on.
    #[cfg(feature = "http")]
    pub(crate) fn verify_seed(self, req: &SignableRequest<'_>) -> Result<Seed, VerifyError> {
        let Self {
            claims,
            key,
            payload: claim,
            rules,
        } = self;
        let PayloadClaim::Streaming(streaming) = claim else {
            return Err(VerifyError::InvalidContentSha256);
        };
        let line = PayloadLine::Literal(streaming.as_str());
        let (signing_key, scope) = check_seed(req, &claims, key, &rules, &line)?;
        Ok(Seed {
            signature: claims.signature.signature(),
            key: signing_key,
            scope,
            streaming,
            verified: claims.verified(if streaming.signed() {
                PayloadKind::Signed
            } else {
                PayloadKind::Unsigned
            }),
        })
    }
}

impl Authenticated {
    /// The header half of an event stream: checks the request's signature (over the
    /// `STREAMING-AWS4-HMAC-SHA256-EVENTS` literal) and hands back what the messages are
    /// chained on.
    #[cfg(feature = "http")]
    pub(crate) fn verify_event_seed(
        self,
        req: &SignableRequest<'_>,
    ) -> Result<EventSeed, VerifyError> {
        let Self {
            claims,
            key,
            payload: claim,
            rules,
        } = self;
        let PayloadClaim::Events = claim else {
            return Err(VerifyError::InvalidContentSha256);
        };
        let line = PayloadLine::Literal(STREAMING_EVENTS);
        let (signing_key, scope) = check_seed(req, &claims, key, &rules, &line)?;
        Ok(EventSeed {
            signature: claims.signature.signature(),
            key: signing_key,
            scope,
            verified: claims.verified(PayloadKind::Signed),
        })
    }
}

/// The seed signature of an `aws-chunked` body or an event stream, checked over `line`, and
/// what its chunks or messages chain on: the SigV4 key (authenticate refuses SigV4a for both)
/// and the scope as a string to sign writes it.
#[cfg(feature = "http")]
fn check_seed(
    req: &SignableRequest<'_>,
    claims: &KeptClaims,
    key: HeldKey,
    rules: &Rules,
    line: &PayloadLine,
) -> Result<(SigningKey, Box<[u8]>), VerifyError> {
    check_signature(
        req,
        &claims.signed(),
        || claims.scope(),
        key.entry(),
        &rules.settings,
        line,
    )?;
    let signing_key = key.signing_key().ok_or(VerifyError::InvalidContentSha256)?;
    key.keep();
    let mut scope = Vec::with_capacity(64);
    claims.scope().write(&mut scope);
    Ok((signing_key, scope.into_boxed_slice()))
}

/// What an event stream's request signature gives its decoder.
#[cfg(feature = "http")]
pub(crate) struct EventSeed {
    pub(crate) verified: Verified,
    pub(crate) signature: Signature,
    pub(crate) key: SigningKey,
    /// The credential scope as a string to sign writes it.
    pub(crate) scope: Box<[u8]>,
}

/// What an `aws-chunked` request's seed signature gives its decoder.
#[cfg(feature = "http")]
pub(crate) struct Seed {
    pub(crate) verified: Verified,
    pub(crate) signature: Signature,
    pub(crate) key: SigningKey,
    /// The credential scope as a string to sign writes it.
    pub(crate) scope: Box<[u8]>,
    pub(crate) streaming: StreamingPayload,
}

/// What a signature is checked against: the claims the canonical request and the string to
/// sign are written from (the scope is given apart, made only when it is written out).
struct SignatureClaims<'a> {
    algorithm: Algorithm,
    /// Lowercase, sorted, without repeats, `;`-joined.
    signed_headers: &'a str,
    presigned: bool,
    amz_date: &'a AmzDate,
    signature: &'a Claimed,
}

/// Recomputes the signature over the claimed headers and `payload_line`, and compares it.
fn check_signature<'s>(
    req: &SignableRequest<'_>,
    claims: &SignatureClaims<'_>,
    scope: impl FnOnce() -> Scope<'s>,
    key: &Entry,
    settings: &Settings,
    payload_line: &PayloadLine,
) -> Result<(), VerifyError> {
    let (digest, absent) = canonical(
        settings,
        req,
        claims.signed_headers,
        claims.presigned,
        payload_line.as_bytes(),
        |creq| {
            let mut hasher = Hasher::new();
            creq.write(&mut hasher, settings);
            let mut digest = [0u8; 32];
            hasher.finish_in_place(&mut digest);
            digest
        },
    );
    let matches = key.verifies(
        claims.algorithm,
        claims.amz_date,
        scope,
        &digest,
        claims.signature,
    );
    // A claimed header that was not sent is an error even if the signature matches.
    if !matches || absent {
        return Err(VerifyError::SignatureMismatch);
    }
    Ok(())
}

/// A refused request, as a `tracing` event (feature `tracing`; target `awssig::verify`, DEBUG):
/// why, in our words and AWS's code. Nothing secret is in a `VerifyError`.
#[cfg(feature = "tracing")]
fn trace_refused(e: &VerifyError) {
    tracing::debug!(target: "awssig::verify", error = %e, code = e.aws_code(), "refused");
}

#[cfg(not(feature = "tracing"))]
#[inline(always)]
fn trace_refused(_: &VerifyError) {}

/// A verified request, as a `tracing` event (feature `tracing`; target `awssig::verify`,
/// DEBUG): who signed it, for which scope, and which headers the signature covered.
#[cfg(feature = "tracing")]
fn trace_verified(v: &Verified) {
    tracing::debug!(
        target: "awssig::verify",
        access_key_id = v.access_key_id(),
        scope = %v.credential().scope(),
        signed_headers = v.signed_headers_list(),
        presigned = v.presigned(),
        "verified"
    );
}

#[cfg(not(feature = "tracing"))]
#[inline(always)]
fn trace_verified(_: &Verified) {}
