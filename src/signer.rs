//! Stage ④ and the public entry points: run ① → ② → ③ over a request and put the result on it
//! (`Authorization` and `x-amz-*` headers, or a presigned query string).

use std::fmt;
use std::time::{Duration, SystemTime};

use time::OffsetDateTime;
use zeroize::Zeroizing;

use crate::Error;
use crate::amz_date::AmzDate;
use crate::canonical_request::{
    CanonicalHeaders, CanonicalQuery, CanonicalRequest, Header, parse_query,
};
use crate::credentials::Credentials;
use crate::encode;
use crate::explanation::Explanation;
use crate::mac::{self, Hasher};
use crate::payload::{Payload, PayloadHash};
use crate::request::SignableRequest;
use crate::settings::{PayloadHashHeader, SessionTokenSigning, Settings};
use crate::signing_key::{Signature, SigningKey};
use crate::string_to_sign::{self, ALGORITHM, Scope};

/// The longest lifetime AWS accepts for a presigned URL: 7 days.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(604_800);

/// Signs requests for one region and service with one set of credentials.
///
/// `Signer` is `Clone + Send + Sync`; share one across threads.
#[derive(Clone)]
pub struct Signer {
    credentials: Credentials,
    region: String,
    service: String,
    settings: Settings,
    clock_offset: time::Duration,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("credentials", &self.credentials)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("settings", &self.settings)
            .field("clock_offset", &self.clock_offset)
            .finish()
    }
}

/// How the signature travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `Authorization` header.
    Header,
    /// Presigned URL valid for this many seconds.
    Query(u64),
}

/// What stage ④ needs from ①–③, in owned form.
struct Outcome {
    date: AmzDate,
    signature: Signature,
    signed_headers: String,
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
        Self {
            credentials,
            region: region.into(),
            service: service.into(),
            settings: Settings::default(),
            clock_offset: time::Duration::ZERO,
        }
    }

    /// Signs with the given time plus `offset`: the difference between the server's clock and
    /// this machine's, as measured from a `Signature expired` answer, S3's `<ServerTime>` or a
    /// `Date` header (see [`clock_offset`](crate::clock_offset)).
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
    fn amz_date(&self, time: OffsetDateTime) -> Result<AmzDate, Error> {
        let corrected = time
            .checked_add(self.clock_offset)
            .ok_or(Error::TimeOutOfRange)?;
        AmzDate::new(corrected)
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

    /// The region in the credential scope.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service in the credential scope.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The credentials (their `Debug` redacts the secrets).
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    fn validate(&self) -> Result<(), Error> {
        let ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 64
                && s.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if !ok(&self.region) {
            return Err(Error::InvalidRegion {
                region: self.region.clone(),
            });
        }
        if !ok(&self.service) {
            return Err(Error::InvalidService {
                service: self.service.clone(),
            });
        }
        self.credentials.validate()
    }

    fn scope<'s>(&'s self, date: &'s AmzDate) -> Scope<'s> {
        Scope {
            date: date.date(),
            region: &self.region,
            service: &self.service,
        }
    }

    fn session_token(&self) -> Result<Option<&str>, Error> {
        match self.credentials.session_token() {
            Some(t) => {
                crate::request::validate_header("x-amz-security-token", t.as_bytes())?;
                if t.bytes().any(|b| matches!(b, b'\r' | b'\n')) {
                    return Err(Error::InvalidHeaderValue {
                        name: "x-amz-security-token".into(),
                        reason: "the session token contains a line break; check AWS_SESSION_TOKEN",
                    });
                }
                Ok(Some(t))
            }
            None => Ok(None),
        }
    }

    /// Builds the canonical request for `mode` and hands it to `f` with the scope; this is the
    /// single place where the signer decides which headers and parameters are signed.
    fn canonicalize<R>(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        date: &AmzDate,
        mode: Mode,
        f: impl FnOnce(&CanonicalRequest<'_>, &Scope<'_>) -> R,
    ) -> Result<R, Error> {
        // Declared first: the canonical request borrows them, so they must outlive it.
        let credential;
        let expires;
        let signed_list;
        self.validate()?;
        req.validate()?;
        let token = self.session_token()?;
        let scope = self.scope(date);
        let has = |name: &str| {
            req.headers
                .iter()
                .any(|h| h.name.eq_ignore_ascii_case(name))
        };
        if mode != Mode::Header && has("authorization") {
            return Err(Error::AlreadySigned);
        }
        if mode != Mode::Header
            && req.query.is_some_and(|q| {
                parse_query(q).any(|p| p.key.eq_ignore_ascii_case(b"X-Amz-Signature"))
            })
        {
            return Err(Error::AlreadySigned);
        }

        let host = if has("host") {
            None
        } else {
            Some(req.host_from_authority().ok_or(Error::MissingHost)?)
        };
        let given_hash = req.header_value("x-amz-content-sha256");
        let hash_buf: PayloadHash = payload.hash();
        let payload_hash: &[u8] = match given_hash {
            Some(v) => trim(v),
            None => hash_buf.as_bytes(),
        };
        let add_hash_header = mode == Mode::Header
            && given_hash.is_none()
            && (self.settings.payload_hash_header == PayloadHashHeader::Always
                || payload == Payload::Unsigned);
        let signed_token =
            token.filter(|_| self.settings.session_token == SessionTokenSigning::Signed);

        // The request's own headers, less those the signer owns.
        let own = req.headers.iter().copied().filter(|h| {
            !(h.name.eq_ignore_ascii_case("x-amz-date")
                || (token.is_some() && h.name.eq_ignore_ascii_case("x-amz-security-token")))
        });
        let mut added: smallvec::SmallVec<[Header<'_>; 4]> = smallvec::SmallVec::new();
        if let Some(host) = host.as_deref() {
            added.push(Header {
                name: "host",
                value: host.as_bytes(),
            });
        }
        if mode == Mode::Header {
            added.push(Header {
                name: "x-amz-date",
                value: date.bytes(),
            });
            if let Some(t) = signed_token {
                added.push(Header {
                    name: "x-amz-security-token",
                    value: t.as_bytes(),
                });
            }
            if add_hash_header {
                added.push(Header {
                    name: "x-amz-content-sha256",
                    value: payload_hash,
                });
            }
        }
        let headers = CanonicalHeaders::new(own.chain(added.iter().copied()), &self.settings);

        let mut query = CanonicalQuery::new(req.query);
        if let Mode::Query(seconds) = mode {
            credential = format!(
                "{}/{}",
                self.credentials.access_key_id(),
                ScopeDisplay(&scope)
            );
            expires = seconds.to_string();
            signed_list = headers.signed_list();
            query.push_plain("X-Amz-Algorithm", ALGORITHM);
            query.push_plain("X-Amz-Credential", &credential);
            query.push_plain("X-Amz-Date", date.as_str());
            query.push_plain("X-Amz-Expires", &expires);
            query.push_plain("X-Amz-SignedHeaders", &signed_list);
            if let Some(t) = signed_token {
                query.push_plain("X-Amz-Security-Token", t);
            }
        }
        query.sort();

        let creq = CanonicalRequest {
            method: req.method,
            path: req.path,
            query,
            headers,
            payload_hash,
        };
        Ok(f(&creq, &scope))
    }

    /// Runs ① → ③ with the canonical request streamed into SHA-256.
    fn compute(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        date: AmzDate,
        mode: Mode,
    ) -> Result<Outcome, Error> {
        self.canonicalize(req, payload, &date, mode, |creq, scope| {
            let mut hasher = Hasher::new();
            creq.write(&mut hasher, &self.settings);
            let sts = string_to_sign::string_to_sign(&date, scope, &hasher.finish());
            let key = SigningKey::derive(&self.credentials, scope);
            Outcome {
                date,
                signature: key.sign(&sts),
                signed_headers: creq.headers.signed_list(),
            }
        })
    }

    fn authorization(&self, outcome: &Outcome) -> String {
        let scope = self.scope(&outcome.date);
        format!(
            "{ALGORITHM} Credential={}/{}, SignedHeaders={}, Signature={}",
            self.credentials.access_key_id(),
            ScopeDisplay(&scope),
            outcome.signed_headers,
            outcome.signature
        )
    }

    /// Signs a [`SignableRequest`] with an `Authorization` header, at `time`.
    ///
    /// The returned [`SigningOutput`] lists the headers to add to the request (and, when the
    /// query's percent-encoding had to be normalised, the query string to send instead).
    ///
    /// # Errors
    /// See [`Error`]: a missing host, an invalid method, header, region or service, or a time
    /// that `X-Amz-Date` cannot hold.
    pub fn sign_request_at(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        time: impl Into<OffsetDateTime>,
    ) -> Result<SigningOutput, Error> {
        let date = self.amz_date(time.into())?;
        let outcome = self.compute(req, payload, date, Mode::Header)?;
        let token = self.session_token()?;
        let content_sha256 = if req.header_value("x-amz-content-sha256").is_none()
            && (self.settings.payload_hash_header == PayloadHashHeader::Always
                || payload == Payload::Unsigned)
        {
            Some(String::from_utf8_lossy(payload.hash().as_bytes()).into_owned())
        } else {
            None
        };
        Ok(SigningOutput {
            authorization: self.authorization(&outcome),
            amz_date: outcome.date,
            signature: outcome.signature,
            security_token: token.map(|t| Zeroizing::new(t.to_string())),
            content_sha256,
            query: req.query.and_then(wire_query),
        })
    }

    /// Presigns a [`SignableRequest`]: returns the path and query to send, with the
    /// `X-Amz-*` parameters and `X-Amz-Signature` appended.
    ///
    /// # Errors
    /// As [`Signer::sign_request_at`], plus [`Error::InvalidExpiry`] for a lifetime of 0 or
    /// more than 7 days and [`Error::AlreadySigned`] when the request carries an
    /// `authorization` header or an `X-Amz-Signature` parameter.
    pub fn presign_request_at(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        expires: Duration,
        time: impl Into<OffsetDateTime>,
    ) -> Result<String, Error> {
        let seconds = check_expiry(expires)?;
        let date = self.amz_date(time.into())?;
        let outcome = self.compute(req, payload, date, Mode::Query(seconds))?;
        let mut out = String::with_capacity(req.path.len() + 256);
        out.push_str(if req.path.is_empty() { "/" } else { req.path });
        out.push('?');
        if let Some(q) = req.query {
            let q = wire_query(q).unwrap_or_else(|| q.to_string());
            if !q.is_empty() {
                out.push_str(&q);
                out.push('&');
            }
        }
        let mut put = |k: &str, v: &str| {
            let mut buf = Vec::new();
            encode::encode_into(&mut buf, v.as_bytes(), false);
            out.push_str(k);
            out.push('=');
            out.push_str(&String::from_utf8_lossy(&buf));
            out.push('&');
        };
        let scope = self.scope(&outcome.date);
        put("X-Amz-Algorithm", ALGORITHM);
        put(
            "X-Amz-Credential",
            &format!(
                "{}/{}",
                self.credentials.access_key_id(),
                ScopeDisplay(&scope)
            ),
        );
        put("X-Amz-Date", outcome.date.as_str());
        put("X-Amz-Expires", &seconds.to_string());
        put("X-Amz-SignedHeaders", &outcome.signed_headers);
        let token = self.session_token()?;
        let signed = self.settings.session_token == SessionTokenSigning::Signed;
        if let Some(t) = token.filter(|_| signed) {
            put("X-Amz-Security-Token", t);
        }
        put("X-Amz-Signature", &outcome.signature.to_string());
        if let Some(t) = token.filter(|_| !signed) {
            put("X-Amz-Security-Token", t);
        }
        out.pop();
        Ok(out)
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
        time: impl Into<OffsetDateTime>,
    ) -> Result<Explanation, Error> {
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
        time: impl Into<OffsetDateTime>,
    ) -> Result<Explanation, Error> {
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
    ) -> Result<Explanation, Error> {
        let (creq, sts, signed_headers) =
            self.canonicalize(req, payload, &date, mode, |creq, scope| {
                let mut bytes = Vec::with_capacity(512);
                creq.write(&mut bytes, &self.settings);
                let sts = string_to_sign::string_to_sign(&date, scope, &mac::sha256(&bytes));
                (bytes, sts, creq.headers.signed_list())
            })?;
        let key = SigningKey::derive(&self.credentials, &self.scope(&date));
        let outcome = Outcome {
            date,
            signature: key.sign(&sts),
            signed_headers,
        };
        let authorization = match mode {
            Mode::Header => Some(self.authorization(&outcome)),
            Mode::Query(_) => None,
        };
        Ok(Explanation {
            canonical_request: String::from_utf8_lossy(&creq).into_owned(),
            string_to_sign: String::from_utf8_lossy(&sts).into_owned(),
            signature: outcome.signature.to_string(),
            signed_headers: outcome.signed_headers,
            authorization,
            amz_date: date,
        })
    }

    // ---- http::Request layer -------------------------------------------------------------

    /// Signs `req` now with its in-memory body. See [`Signer::sign_at`].
    ///
    /// # Errors
    /// As [`Signer::sign_payload_at`].
    pub fn sign<B: SignableBody>(&self, req: &mut http::Request<B>) -> Result<(), Error> {
        self.sign_at(req, SystemTime::now())
    }

    /// Signs `req` at `time`, hashing its in-memory body.
    ///
    /// # Errors
    /// As [`Signer::sign_payload_at`].
    pub fn sign_at<B: SignableBody>(
        &self,
        req: &mut http::Request<B>,
        time: impl Into<OffsetDateTime>,
    ) -> Result<(), Error> {
        let digest = mac::sha256(req.body().signable_bytes());
        self.sign_payload_at(req, Payload::Precomputed(digest), time)
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
    /// See [`Error`].
    pub fn sign_payload_at<B>(
        &self,
        req: &mut http::Request<B>,
        payload: Payload<'_>,
        time: impl Into<OffsetDateTime>,
    ) -> Result<(), Error> {
        let out = {
            let parts = signable(req)?;
            self.sign_request_at(&parts, payload, time)?
        };
        out.apply_to(req)
    }

    /// A presigned URL for `req` at `time`, valid for `expires` (1 s to 7 days). The payload is
    /// `UNSIGNED-PAYLOAD` under [`Settings::s3()`], else the hash of the in-memory body.
    ///
    /// # Errors
    /// As [`Signer::presign_request_at`].
    pub fn presign_at<B: SignableBody>(
        &self,
        req: &http::Request<B>,
        expires: Duration,
        time: impl Into<OffsetDateTime>,
    ) -> Result<http::Uri, Error> {
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
        time: impl Into<OffsetDateTime>,
    ) -> Result<http::Uri, Error> {
        let parts = signable(req)?;
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
            .map_err(|_| Error::InvalidUri {
                target: uri.to_string(),
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
        time: impl Into<OffsetDateTime>,
    ) -> Result<Explanation, Error> {
        self.explain_request_at(&signable(req)?, payload, time)
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

/// The [`SignableRequest`] view of an `http::Request`.
pub(crate) fn signable<B>(req: &http::Request<B>) -> Result<SignableRequest<'_>, Error> {
    let uri = req.uri();
    let mut parts = SignableRequest {
        method: req.method().as_str(),
        target: uri.path(),
        scheme: uri.scheme_str(),
        authority: uri.authority().map(http::uri::Authority::as_str),
        path: uri.path(),
        query: uri.query(),
        headers: smallvec::SmallVec::new(),
    };
    for (name, value) in req.headers() {
        parts.push_header(name.as_str(), value.as_bytes());
    }
    Ok(parts)
}

/// The query with each component in canonical percent-encoding and the original order, or
/// `None` when it already is.
fn wire_query(raw: &str) -> Option<String> {
    let mut out = Vec::with_capacity(raw.len() + 8);
    for (k, piece) in raw.split('&').filter(|p| !p.is_empty()).enumerate() {
        if k > 0 {
            out.push(b'&');
        }
        match piece.split_once('=') {
            Some((key, value)) => {
                encode::write_component(&mut out, key.as_bytes(), true);
                out.push(b'=');
                encode::write_component(&mut out, value.as_bytes(), true);
            }
            None => encode::write_component(&mut out, piece.as_bytes(), true),
        }
    }
    (out != raw.as_bytes()).then(|| String::from_utf8_lossy(&out).into_owned())
}

fn trim(v: &[u8]) -> &[u8] {
    let start = v
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(v.len());
    let end = v
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |e| e + 1);
    &v[start..end]
}

fn check_expiry(expires: Duration) -> Result<u64, Error> {
    let seconds = expires.as_secs();
    if seconds == 0 || expires > MAX_PRESIGN_EXPIRY {
        return Err(Error::InvalidExpiry { seconds });
    }
    Ok(seconds)
}

/// Writes a scope as `date/region/service/aws4_request`.
struct ScopeDisplay<'a>(&'a Scope<'a>);

impl fmt::Display for ScopeDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = self.0;
        write!(f, "{}/{}/{}/aws4_request", s.date, s.region, s.service)
    }
}

/// What header signing adds to a request.
#[derive(Clone)]
pub struct SigningOutput {
    amz_date: AmzDate,
    authorization: String,
    signature: Signature,
    security_token: Option<Zeroizing<String>>,
    content_sha256: Option<String>,
    query: Option<String>,
}

impl SigningOutput {
    /// The headers to set on the request, in order: `x-amz-date`, then `x-amz-security-token`
    /// and `x-amz-content-sha256` when they apply, then `authorization`.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        [
            Some(("x-amz-date", self.amz_date.as_str())),
            self.security_token
                .as_deref()
                .map(|t| ("x-amz-security-token", t.as_str())),
            self.content_sha256
                .as_deref()
                .map(|h| ("x-amz-content-sha256", h)),
            Some(("authorization", self.authorization.as_str())),
        ]
        .into_iter()
        .flatten()
    }

    /// The `Authorization` header value.
    pub fn authorization(&self) -> &str {
        &self.authorization
    }

    /// The signature.
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// The `X-Amz-Date` value.
    pub fn amz_date(&self) -> AmzDate {
        self.amz_date
    }

    /// The query string to send instead of the original one, when its encoding was normalised.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// Puts the headers (and a normalised query) on an `http::Request`.
    ///
    /// # Errors
    /// [`Error::InvalidHeaderValue`] if a value cannot be a header (a session token with
    /// invalid bytes), [`Error::InvalidUri`] if the rewritten URI does not parse.
    pub fn apply_to<B>(&self, req: &mut http::Request<B>) -> Result<(), Error> {
        for (name, value) in self.headers() {
            let mut v =
                http::HeaderValue::from_str(value).map_err(|_| Error::InvalidHeaderValue {
                    name: name.to_string(),
                    reason: "the value is not a valid HTTP header value",
                })?;
            if matches!(name, "authorization" | "x-amz-security-token") {
                v.set_sensitive(true);
            }
            req.headers_mut().insert(name, v);
        }
        if let Some(q) = &self.query {
            let uri = req.uri();
            let mut parts = uri.clone().into_parts();
            let pq = format!("{}?{}", uri.path(), q);
            parts.path_and_query = Some(pq.parse().map_err(|_| Error::InvalidUri {
                target: uri.to_string(),
                reason: "the normalised query does not form a valid URI",
            })?);
            *req.uri_mut() = http::Uri::from_parts(parts).map_err(|_| Error::InvalidUri {
                target: req.uri().to_string(),
                reason: "the normalised query does not form a valid URI",
            })?;
        }
        Ok(())
    }
}

impl fmt::Debug for SigningOutput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field("amz_date", &self.amz_date)
            .field("signature", &self.signature)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .field("content_sha256", &self.content_sha256)
            .field("query", &self.query)
            .finish_non_exhaustive()
    }
}
