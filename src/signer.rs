//! The [`Signer`] and its entry points: plan what a request signs, run the stages ① → ④ over it, and hand back the headers or the presigned URL.
//!
//! ```text
//! SignableRequest ──plan──▶ Plan ──① ② ③ (sign/)──▶ Signature ──④ sign::authorization──▶ Signed / presigned URL
//!   ▲ http::Request (http.rs)                                                        └─▶ http::Request (http.rs)
//! ```
//!
//! What it owns: [`Signer`], the one output type of header signing ([`Signed`], with its
//! [`Signature`]) and the bodies `http::Request` signing can hash ([`SignableBody`]). Inside,
//! private: `plan` (what gets signed: headers, host, payload hash, presign parameters, query),
//! `signed` ([`Signed`]) and `http` (the `http::Request` adapter, and the one place headers are
//! put on a request).

use crate::prelude::*;

#[cfg(feature = "http")]
mod http;
#[cfg(feature = "std")]
mod now;
mod plan;
mod signed;
#[cfg(feature = "tracing")]
mod trace;

pub use crate::sign::key::Signature;
#[cfg(feature = "http")]
pub use http::SignableBody;
pub use signed::Signed;

use alloc::sync::Arc;
use core::fmt;
use core::time::Duration;

use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::crypto::{self, Hasher};
use crate::error::SignError;
use crate::explain::Explanation;
use crate::payload::{Payload, PayloadHash};
use crate::request::SignableRequest;
use crate::settings::{SessionTokenSigning, Settings};
use crate::sign::authorization;
use crate::sign::encode;
use crate::sign::key::{EcdsaSigningKey, RequestKey, SigningKey};
use crate::sign::key_cache::{DayHint, DayKey, KeyCache, KeySource};
use crate::sign::string_to_sign::{self, Region, Scope, StringToSign};
use crate::sink::{Sink, SliceSink};
use crate::spec::Algorithm;
use crate::spec::MAX_PRESIGN_EXPIRY;
#[cfg(feature = "http")]
use crate::spec::header;
use crate::time::{AmzDate, SigningTime};

use plan::{Mode, Plan, wire_query, wire_query_is, write_wire_query};
use signed::Token;

/// Signs requests for one region (SigV4, [`Signer::new`]) or one region set (SigV4a,
/// [`Signer::new_v4a`]) and one service with one set of credentials.
///
/// `Signer` is `Clone + Send + Sync`; share one across threads. It caches the signing key it
/// derives (valid for one UTC day), and clones share that cache: reading it takes no lock, so
/// threads signing at once do not wait for each other. Without the `std` feature there is no
/// cache: each signature derives its key. A SigV4a signer derives its ECDSA key from the
/// credentials once, when it is made (the key does not depend on the date), and its clones
/// share it.
#[derive(Clone)]
pub struct Signer {
    algorithm: Algorithm,
    credentials: Credentials,
    /// The region, or SigV4a's region set.
    region: String,
    /// SigV4a's key, derived from the credentials when the signer is made (`None` for SigV4,
    /// and if no key could be derived); wiped when the last clone drops it.
    ecdsa: Option<Arc<EcdsaSigningKey>>,
    /// SigV4a's region set, shared with each [`Signed`] that must send it.
    region_set: Option<Arc<str>>,
    service: String,
    settings: Settings,
    keys: Arc<KeyCache>,
    clock_offset: time::Duration,
    /// Whether the region and service are valid scope names, worked out once.
    names_ok: bool,
    /// The session token as a header value (sensitive), made once: clones share its bytes. Like
    /// every `HeaderValue` of the requests it signs, it is not wiped when dropped; the token is
    /// sent in the clear with each request (it is useless without the secret key).
    #[cfg(feature = "http")]
    token_header: Option<::http::HeaderValue>,
    /// The session token percent-encoded for a query, made once.
    token_encoded: Option<Zeroizing<Box<[u8]>>>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("algorithm", &self.algorithm)
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("settings", &self.settings)
            .field("clock_offset", &self.clock_offset)
            .finish()
    }
}

/// The bytes a region or service name may hold: `a-z`, `0-9` and `-`.
static SCOPE_NAME_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
        i += 1;
    }
    t
};

/// Whether `s` can be a region or service name in a credential scope.
fn is_scope_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| SCOPE_NAME_BYTES[usize::from(b)])
}

/// Whether `s` can be a SigV4a region set: `*`, or comma-separated names of `[a-z0-9-]` in
/// which `*` may stand for any run of characters (`us-*`), at most 1024 bytes.
pub(crate) fn is_region_set(s: &str) -> bool {
    s.len() <= 1024
        && s.split(',').all(|r| {
            !r.is_empty()
                && r.len() <= 64
                && r.bytes()
                    .all(|b| b == b'*' || SCOPE_NAME_BYTES[usize::from(b)])
        })
}

/// What header signing produced besides the `Authorization` value.
struct HeaderSigned {
    signature: Signature,
    content_sha256: Option<PayloadHash>,
}

impl Signer {
    /// A signer for `region` (such as `us-east-1`) and `service` (the signing name: `execute-api`
    /// for API Gateway, `lambda` for function URLs, `s3`, ...), with [`Settings::default()`].
    /// Both names are checked when signing.
    pub fn new(
        credentials: Credentials,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        let (region, service) = (region.into(), service.into());
        #[cfg(feature = "http")]
        let token_header = credentials.session_token().and_then(|t| {
            http::header_value(header::X_AMZ_SECURITY_TOKEN, t.as_bytes(), true).ok()
        });
        let token_encoded = credentials.session_token().map(|t| {
            let mut v = Vec::with_capacity(t.len() * 3);
            encode::encode_into(&mut v, t.as_bytes(), false);
            Zeroizing::new(v.into_boxed_slice())
        });
        Self {
            algorithm: Algorithm::HmacSha256,
            ecdsa: None,
            region_set: None,
            names_ok: is_scope_name(&region) && is_scope_name(&service),
            #[cfg(feature = "http")]
            token_header,
            token_encoded,
            credentials,
            region,
            service,
            settings: Settings::default(),
            keys: Arc::new(KeyCache::new()),
            clock_offset: time::Duration::ZERO,
        }
    }

    /// A SigV4a signer (`AWS4-ECDSA-P256-SHA256`): its signatures are valid in every region of
    /// `region_set`, which is `*` (every region), one region (`us-east-1`) or a comma list
    /// (`us-east-1,us-west-2`; `*` may end a name, as in `us-*`), and `service`, with
    /// [`Settings::default()`]. The names are checked when signing
    /// ([`SignError::InvalidRegionSet`]).
    ///
    /// The credential scope has no region (`20150830/s3/aws4_request`); the region set is
    /// signed as the `x-amz-region-set` header (or the `X-Amz-Region-Set` query parameter of a
    /// presigned URL). The ECDSA key is derived from the credentials here, once: it does not
    /// depend on the date, and clones of the signer share it. Signatures are deterministic
    /// (RFC 6979), so the same request at the same time signs to the same bytes, as
    /// `aws-sigv4`'s `sigv4a` feature signs them.
    ///
    /// SigV4a signs requests (`sign_at`, `sign_payload_at`, `sign_request_at`, `sign_into`),
    /// presigned URLs and explanations; `aws-chunked` bodies, event streams and POST policies
    /// stay SigV4's ([`SignError::NotForSigV4a`]).
    ///
    /// ```
    /// use awssig::{Credentials, Payload, SignableRequest, Signer};
    /// # fn main() -> Result<(), awssig::SignError> {
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let signer = Signer::new_v4a(creds, "us-east-1,us-west-2", "s3");
    /// let req = SignableRequest::new("GET", "/").header("host", "mybucket.s3.amazonaws.com");
    /// let signed = signer.sign_request_at(
    ///     &req,
    ///     Payload::Unsigned,
    ///     time::macros::datetime!(2015-08-30 12:36:00 UTC),
    /// )?;
    /// assert!(signed.authorization().starts_with(
    ///     "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/s3/aws4_request, \
    ///      SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-region-set, Signature=30"
    /// ));
    /// assert!(signed.headers().any(|h| h == ("x-amz-region-set", "us-east-1,us-west-2")));
    /// # Ok(())
    /// # }
    /// ```
    pub fn new_v4a(
        credentials: Credentials,
        region_set: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        let mut signer = Self::new(credentials, region_set, service);
        signer.algorithm = Algorithm::EcdsaP256Sha256;
        signer.names_ok = is_region_set(&signer.region) && is_scope_name(&signer.service);
        signer.region_set = Some(Arc::from(signer.region.as_str()));
        signer.ecdsa = EcdsaSigningKey::derive(&signer.credentials).map(Arc::new);
        signer
    }

    /// [`Signer::new`] or [`Signer::new_v4a`], as `algorithm` says (`region` is then the region
    /// set): for the code that learns the algorithm from a host or a setting.
    pub(crate) fn with_algorithm(
        algorithm: Algorithm,
        credentials: Credentials,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        match algorithm {
            Algorithm::HmacSha256 => Self::new(credentials, region, service),
            Algorithm::EcdsaP256Sha256 => Self::new_v4a(credentials, region, service),
        }
    }

    /// Signs with the given time plus `offset`: the difference between the server's clock and
    /// this machine's, as measured from a `Signature expired` answer, S3's `<ServerTime>` or a
    /// `Date` header (see [`clock_offset`](crate::diagnose::clock_offset)).
    #[must_use]
    pub fn with_clock_offset(mut self, offset: time::Duration) -> Self {
        self.clock_offset = offset;
        self
    }

    /// The clock correction in force.
    pub fn clock_offset(&self) -> time::Duration {
        self.clock_offset
    }

    /// The `X-Amz-Date` for a signing time, corrected by the clock offset.
    fn amz_date(&self, time: SigningTime) -> Result<AmzDate, SignError> {
        AmzDate::new(self.corrected(time)?)
    }

    pub(crate) fn corrected(&self, time: SigningTime) -> Result<SigningTime, SignError> {
        if self.clock_offset.is_zero() {
            return Ok(time);
        }
        time.checked_add(self.clock_offset)
            .ok_or(SignError::TimeOutOfRange)
    }

    /// The `X-Amz-Date` for a signing time, with the cached day key: when the key's day holds
    /// the time, the date is its day plus the time of day, with no calendar arithmetic. The
    /// key is read once per signature and handed on to [`Signer::sign_canonical`].
    #[inline]
    fn amz_date_and_day(&self, time: SigningTime) -> Result<(AmzDate, DayHint), SignError> {
        let time = self.corrected(time)?;
        let day = self.keys.current();
        let date = match day
            .as_deref()
            .and_then(|d| d.amz_date_at(time.unix_seconds()))
        {
            Some(date) => date,
            None => AmzDate::new(time)?,
        };
        Ok((date, day))
    }

    /// Replaces the canonicalisation settings (for S3: [`Settings::s3()`]).
    #[must_use]
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        self
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The algorithm it signs with: [`Algorithm::HmacSha256`] ([`Signer::new`]) or
    /// [`Algorithm::EcdsaP256Sha256`] ([`Signer::new_v4a`]).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The region in the credential scope; for SigV4a, the region set.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// SigV4a's region set (`None` for SigV4).
    pub fn region_set(&self) -> Option<&str> {
        self.region_set.as_deref()
    }

    /// SigV4a's public key, in uncompressed SEC1 form (`04 || X || Y`, 65 bytes): what a
    /// verifier that holds no secrets checks the signatures with. `None` for SigV4 (and for
    /// credentials no key derives from). It costs a P-256 scalar multiplication.
    pub fn public_key(&self) -> Option<[u8; 65]> {
        self.ecdsa
            .as_ref()
            .map(|k| k.public_key().to_sec1_uncompressed())
    }

    /// What the day's key is made from.
    #[inline]
    fn key_source(&self) -> KeySource<'_> {
        match &self.ecdsa {
            Some(key) => KeySource::Ecdsa(key),
            None => KeySource::Hmac,
        }
    }

    /// Refuses a SigV4-only signing form (`what`) on a SigV4a signer.
    #[cfg(feature = "http")]
    pub(crate) fn require_sigv4(&self, what: &'static str) -> Result<(), SignError> {
        match self.algorithm {
            Algorithm::HmacSha256 => Ok(()),
            _ => Err(SignError::NotForSigV4a { what }),
        }
    }

    /// The service in the credential scope.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The credentials (their `Debug` redacts the secrets).
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    #[inline]
    pub(crate) fn validate(&self) -> Result<(), SignError> {
        if self.names_ok {
            if self.algorithm != Algorithm::HmacSha256 && self.ecdsa.is_none() {
                return Err(SignError::SigV4aKeyDerivation);
            }
            return self.credentials.validate();
        }
        if self.region_set.is_some() {
            if !is_region_set(&self.region) {
                return Err(SignError::InvalidRegionSet {
                    region_set: self.region.clone(),
                });
            }
        } else if !is_scope_name(&self.region) {
            return Err(SignError::InvalidRegion {
                region: self.region.clone(),
            });
        }
        if !is_scope_name(&self.service) {
            return Err(SignError::InvalidService {
                service: self.service.clone(),
            });
        }
        self.credentials.validate()
    }

    /// The signing key and the scope (as written in a string to sign) for a date: what an
    /// `aws-chunked` upload signs its chunks with.
    #[cfg(feature = "http")]
    pub(crate) fn chain_key(&self, date: &AmzDate) -> (SigningKey, Box<[u8]>) {
        let scope = self.scope(date);
        let mut bytes = Vec::with_capacity(64);
        scope.write(&mut bytes);
        (
            SigningKey::derive(&self.credentials, &scope),
            bytes.into_boxed_slice(),
        )
    }

    fn scope<'s>(&'s self, date: &'s AmzDate) -> Scope<'s> {
        Scope {
            date: date.date(),
            region: match self.region_set {
                Some(_) => Region::Set(&self.region),
                None => Region::One(&self.region),
            },
            service: &self.service,
        }
    }

    /// Runs ① → ③: the canonical request streamed into SHA-256, then the string to sign
    /// streamed into the HMAC keyed with the day's cached key; `f` gets the signature and the
    /// day's parts.
    fn sign_canonical<R>(
        &self,
        c: &Plan<'_, '_>,
        date: &AmzDate,
        day: &DayHint,
        f: impl FnOnce(&DayKey, Signature) -> R,
    ) -> R {
        let mut hasher = Hasher::new();
        c.request.write(&mut hasher, &self.settings);
        let mut digest = [0u8; 32];
        hasher.finish_in_place(&mut digest);
        self.keys.with(
            day.as_deref(),
            self.key_source(),
            &self.credentials,
            &c.scope,
            |day| {
                let signature = match (&day.key, &day.string_to_sign) {
                    (RequestKey::Hmac(key), Some(template)) => {
                        key.sign_padded(&template.fill(date, &digest))
                    }
                    (RequestKey::Hmac(key), None) => key.sign_streamed(|mac| {
                        string_to_sign::write_string_to_sign(
                            mac,
                            self.algorithm,
                            date,
                            &day.scope,
                            &digest,
                        );
                    }),
                    // ECDSA signs the string to sign itself (its SHA-256 is the backend's).
                    (RequestKey::Ecdsa(key), _) => {
                        let mut sts = StringToSign::new();
                        string_to_sign::write_string_to_sign(
                            &mut sts,
                            self.algorithm,
                            date,
                            &day.scope,
                            &digest,
                        );
                        key.sign(&sts)
                    }
                };
                f(day, signature)
            },
        )
    }

    /// Header signing, with the `Authorization` value written into `out`.
    fn sign_header<S: Sink + ?Sized>(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        (date, day): &(AmzDate, DayHint),
        out: &mut S,
    ) -> Result<HeaderSigned, SignError> {
        let signed = self.canonicalize(req, payload, date, Mode::Header, |c| {
            self.sign_canonical(c, date, day, |day, signature| {
                // The day's prefix was written once, with the day's key.
                out.put(&day.authorization_prefix);
                authorization::write_authorization_rest(out, c.request.headers, &signature);
                HeaderSigned {
                    signature,
                    content_sha256: c.content_sha256,
                }
            })
        })?;
        #[cfg(feature = "tracing")]
        self.trace_signed(req, payload, *date, Mode::Header);
        Ok(signed)
    }

    /// Signs a [`SignableRequest`] with an `Authorization` header, at `time`.
    ///
    /// The returned [`Signed`] lists the headers to add to the request (and, when the
    /// query's percent-encoding had to be normalised, the query string to send instead).
    ///
    /// # Errors
    /// See [`SignError`]: a missing host, an invalid method, header, region or service, or a time
    /// that `X-Amz-Date` cannot hold.
    pub fn sign_request_at(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        time: impl Into<SigningTime>,
    ) -> Result<Signed, SignError> {
        let dated = self.amz_date_and_day(time.into())?;
        let mut authorization = Vec::with_capacity(256);
        let signed = self.sign_header(req, payload, &dated, &mut authorization)?;
        let token = self.credentials.session_token();
        Ok(Signed {
            authorization: ascii_string(authorization),
            amz_date: dated.0,
            region_set: self.region_set.clone(),
            signature: signed.signature,
            content_sha256: signed.content_sha256,
            security_token: token.map_or(Token::None, |t| {
                Token::Copied(Zeroizing::new(t.to_string()))
            }),
            query: req.query.and_then(wire_query),
        })
    }

    /// Signs a [`SignableRequest`] with an `Authorization` header, at `time`, writing the
    /// header's value into `out` and allocating nothing: the entry point for callers that bring
    /// their own buffers. 256 bytes hold the value for a usual request; the error says how many
    /// a larger one needs.
    ///
    /// The request must also carry the headers [`Signed`] lists (`x-amz-date`,
    /// and `x-amz-security-token` / `x-amz-content-sha256` when they apply).
    ///
    /// ```
    /// use awssig::{Credentials, Payload, SignableRequest, Signer};
    /// # fn main() -> Result<(), awssig::SignError> {
    /// let signer = Signer::new(
    ///     Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
    ///     "us-east-1",
    ///     "service",
    /// );
    /// let req = SignableRequest::new("GET", "/").header("host", "example.amazonaws.com");
    /// let time = time::macros::datetime!(2015-08-30 12:36:00 UTC);
    /// let mut buf = [0u8; 256];
    /// let written = signer.sign_into(&req, Payload::Bytes(b""), time, &mut buf)?;
    /// assert_eq!(
    ///     &buf[..written.len()],
    ///     b"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
    ///       SignedHeaders=host;x-amz-date, \
    ///       Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    /// );
    /// assert_eq!(written.amz_date().as_str(), "20150830T123600Z");
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    /// As [`Signer::sign_request_at`], plus [`SignError::BufferTooSmall`] when `out` cannot hold
    /// the value (its contents are then unspecified) and [`SignError::QueryNotCanonical`] when the
    /// query would have to be re-encoded to be sent as signed.
    pub fn sign_into(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        time: impl Into<SigningTime>,
        out: &mut [u8],
    ) -> Result<Signed<usize>, SignError> {
        let dated = self.amz_date_and_day(time.into())?;
        if req.query.is_some_and(|q| !wire_query_is(q)) {
            return Err(SignError::QueryNotCanonical);
        }
        let len = out.len();
        let mut sink = SliceSink::new(out);
        let signed = self.sign_header(req, payload, &dated, &mut sink)?;
        if !sink.fits() {
            return Err(SignError::BufferTooSmall {
                needed: sink.needed(),
                len,
            });
        }
        Ok(Signed {
            authorization: sink.needed(),
            amz_date: dated.0,
            region_set: self.region_set.clone(),
            signature: signed.signature,
            content_sha256: signed.content_sha256,
            security_token: match self.credentials.session_token() {
                Some(_) => Token::Needed,
                None => Token::None,
            },
            query: None,
        })
    }

    /// Presigns a [`SignableRequest`]: returns the path and query to send, with the
    /// `X-Amz-*` parameters and `X-Amz-Signature` appended.
    ///
    /// # Errors
    /// As [`Signer::sign_request_at`], plus [`SignError::InvalidExpiry`] for a lifetime of 0 or
    /// more than 7 days and [`SignError::AlreadySigned`] when the request carries an
    /// `authorization` header or an `X-Amz-Signature` parameter.
    pub fn presign_request_at(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        expires: Duration,
        time: impl Into<SigningTime>,
    ) -> Result<String, SignError> {
        let seconds = check_expiry(expires)?;
        let (date, day) = self.amz_date_and_day(time.into())?;
        #[cfg(feature = "tracing")]
        self.trace_signed(req, payload, date, Mode::Query(seconds));
        self.canonicalize(req, payload, &date, Mode::Query(seconds), |c| {
            let signature = self.sign_canonical(c, &date, &day, |_, signature| signature);
            let query_len = req.query.map_or(0, str::len);
            let mut out: Vec<u8> =
                Vec::with_capacity(req.path.len() + query_len + c.presign_params.len() + 96);
            out.put(if req.path.is_empty() {
                b"/"
            } else {
                req.path.as_bytes()
            });
            out.put(b"?");
            if let Some(q) = req.query {
                let before = out.len();
                write_wire_query(&mut out, q);
                if out.len() > before {
                    out.put(b"&");
                }
            }
            out.put(c.presign_params);
            // canonicalize() has checked the token; an unsigned one goes after the signature.
            let unsigned_token = self
                .token_encoded
                .as_deref()
                .filter(|_| self.settings.session_token != SessionTokenSigning::Signed);
            authorization::write_presign_signature(
                &mut out,
                &signature,
                unsigned_token.map(|t| &t[..]),
            );
            ascii_string(out)
        })
    }

    /// The canonical request, string to sign and signature that header signing would produce,
    /// as readable strings: print them to compare with what AWS says it expected.
    ///
    /// # Errors
    /// As [`Signer::sign_request_at`].
    pub fn explain_request_at(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        time: impl Into<SigningTime>,
    ) -> Result<Explanation, SignError> {
        self.explain(req, payload, self.amz_date(time.into())?, Mode::Header)
    }

    /// As [`Signer::explain_request_at`], for a presigned URL.
    ///
    /// # Errors
    /// As [`Signer::presign_request_at`].
    pub fn explain_presign_request_at(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        expires: Duration,
        time: impl Into<SigningTime>,
    ) -> Result<Explanation, SignError> {
        let seconds = check_expiry(expires)?;
        self.explain(
            req,
            payload,
            self.amz_date(time.into())?,
            Mode::Query(seconds),
        )
    }

    fn explain(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        date: AmzDate,
        mode: Mode,
    ) -> Result<Explanation, SignError> {
        // The readable path: every stage into its own buffer, and a freshly derived key (not the
        // cache), so an explanation also cross-checks the fast path.
        self.canonicalize(req, payload, &date, mode, |c| {
            let mut creq = Vec::with_capacity(512);
            c.request.write(&mut creq, &self.settings);
            let sts = string_to_sign::string_to_sign(
                self.algorithm,
                &date,
                &c.scope,
                &crypto::sha256(&creq),
            );
            // A key derived now, not the signer's: the readable path cross-checks both.
            let signature = match self.algorithm {
                Algorithm::HmacSha256 => SigningKey::derive(&self.credentials, &c.scope).sign(&sts),
                _ => EcdsaSigningKey::derive(&self.credentials)
                    .ok_or(SignError::SigV4aKeyDerivation)?
                    .sign(&sts),
            };
            let authorization = (mode == Mode::Header).then(|| {
                let mut a = Vec::with_capacity(256);
                let id = self.credentials.access_key_id();
                crate::sign::authorization::write_authorization(
                    &mut a,
                    self.algorithm,
                    id,
                    &c.scope,
                    c.request.headers,
                    &signature,
                );
                ascii_string(a)
            });
            Ok(Explanation {
                canonical_request: String::from_utf8_lossy(&creq).into_owned(),
                string_to_sign: String::from_utf8_lossy(&sts).into_owned(),
                signature: signature.to_string(),
                signed_headers: c.request.headers.signed_list(),
                authorization,
                amz_date: date,
            })
        })?
    }
}

/// A string from bytes the signer wrote, which are ASCII (or copied from a `&str`).
fn ascii_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

fn check_expiry(expires: Duration) -> Result<u64, SignError> {
    let seconds = expires.as_secs();
    if seconds == 0 || expires > MAX_PRESIGN_EXPIRY {
        return Err(SignError::InvalidExpiry { seconds });
    }
    Ok(seconds)
}

#[cfg(test)]
#[cfg(feature = "std")]
mod tests {
    use super::*;

    #[test]
    fn the_longest_scope_signs_like_the_readable_path() {
        // 64-byte region and service names: the longest string to sign the day's template holds.
        let (region, service) = ("r".repeat(64), "s".repeat(64));
        let signer = Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), &region, &service);
        let req = SignableRequest::new("GET", "/").header("host", "example.com");
        let time = SigningTime::from(std::time::UNIX_EPOCH + Duration::from_secs(1_440_938_160));
        let fast = signer
            .sign_request_at(&req, Payload::Bytes(b""), time)
            .unwrap();
        let slow = signer
            .explain_request_at(&req, Payload::Bytes(b""), time)
            .unwrap();
        assert_eq!(fast.signature().to_string(), slow.signature());
        assert_eq!(Some(fast.authorization()), slow.authorization());
    }

    #[test]
    fn a_long_signed_headers_list_signs_like_the_readable_path() {
        let names: Vec<String> = (0..30)
            .map(|i| format!("X-Custom-Header-Name-{i:02}"))
            .collect();
        let mut req = SignableRequest::new("GET", "/").header("host", "example.com");
        for n in &names {
            req.push_header(n, b"v");
        }
        let signer = Signer::new(
            Credentials::new("AKIDEXAMPLE", "secret"),
            "us-east-1",
            "service",
        );
        let time = SigningTime::from(std::time::UNIX_EPOCH + Duration::from_secs(1_440_938_160));
        let fast = signer
            .sign_request_at(&req, Payload::Bytes(b""), time)
            .unwrap();
        let slow = signer
            .explain_request_at(&req, Payload::Bytes(b""), time)
            .unwrap();
        assert!(slow.signed_headers().len() > 256);
        assert_eq!(fast.signature().to_string(), slow.signature());
        assert_eq!(Some(fast.authorization()), slow.authorization());
    }
}
