//! Stage ④ and the public entry points: run ① → ② → ③ over a request and put the result on it
//! (`Authorization` and `x-amz-*` headers, or a presigned query string).

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use smallvec::SmallVec;
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
use crate::key_cache::{DayKey, KeyCache};
use crate::mac::{self, Hasher, Sink};
use crate::output::{self, CompareSink, Decimal, EncodeSink, SliceSink};
use crate::payload::{Payload, PayloadHash};
use crate::request::SignableRequest;
use crate::settings::{PayloadHashHeader, SessionTokenSigning, Settings};
use crate::signing_key::{Signature, SigningKey};
use crate::string_to_sign::{self, ALGORITHM, Scope};

/// The longest lifetime AWS accepts for a presigned URL: 7 days.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(604_800);

/// Signs requests for one region and service with one set of credentials.
///
/// `Signer` is `Clone + Send + Sync`; share one across threads. It caches the signing key it
/// derives (valid for one UTC day), and clones share that cache: reading it takes no lock, so
/// threads signing at once do not wait for each other.
#[derive(Clone)]
pub struct Signer {
    credentials: Credentials,
    region: String,
    service: String,
    settings: Settings,
    keys: Arc<KeyCache>,
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

/// How the signature travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// `Authorization` header.
    Header,
    /// Presigned URL valid for this many seconds.
    Query(u64),
}

/// What `canonicalize` hands on: the canonical request, its scope, and the
/// `x-amz-content-sha256` value the signer adds in header mode, if any.
struct Canonical<'c> {
    request: CanonicalRequest<'c>,
    scope: Scope<'c>,
    content_sha256: Option<PayloadHash>,
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
        Self {
            credentials,
            region: region.into(),
            service: service.into(),
            settings: Settings::default(),
            keys: Arc::new(KeyCache::new()),
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
            !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| SCOPE_NAME_BYTES[usize::from(b)])
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

    /// Builds the canonical request for `mode` and hands it to `f` with the scope; this is the
    /// single place where the signer decides which headers and parameters are signed.
    fn canonicalize<R>(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        date: &AmzDate,
        mode: Mode,
        f: impl FnOnce(&Canonical<'_>) -> R,
    ) -> Result<R, Error> {
        // Declared first: the canonical request borrows them, so they must outlive it. They are
        // stack buffers, so a usual request is canonicalised without a heap allocation.
        let mut host_buf: SmallVec<[u8; 128]> = SmallVec::new();
        let mut credential: SmallVec<[u8; 128]> = SmallVec::new();
        let mut signed_list: SmallVec<[u8; 256]> = SmallVec::new();
        let expires;
        self.validate()?;
        req.validate()?;
        // Checked by validate() above.
        let token = self.credentials.session_token();
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
                // Any of the parameters presigning adds: a second copy would make the URL
                // ambiguous (and AWS refuses it).
                const AUTH_PARAMS: [&[u8]; 6] = [
                    b"X-Amz-Algorithm",
                    b"X-Amz-Credential",
                    b"X-Amz-Date",
                    b"X-Amz-Expires",
                    b"X-Amz-SignedHeaders",
                    b"X-Amz-Signature",
                ];
                parse_query(q).any(|p| AUTH_PARAMS.iter().any(|a| p.key.eq_ignore_ascii_case(a)))
            })
        {
            return Err(Error::AlreadySigned);
        }

        let host: Option<&[u8]> = if has("host") {
            None
        } else {
            req.write_host(&mut host_buf).ok_or(Error::MissingHost)?;
            Some(&host_buf)
        };
        let given_hash = req.header_value("x-amz-content-sha256");
        // The payload is hashed only when the request does not state its hash.
        let hash_buf: Option<PayloadHash> = given_hash.is_none().then(|| payload.hash());
        let payload_hash: &[u8] = match (&hash_buf, given_hash) {
            (Some(h), _) => h.as_bytes(),
            (None, given) => given.unwrap_or_default().trim_ascii(),
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
        let mut added: SmallVec<[Header<'_>; 4]> = SmallVec::new();
        if let Some(host) = host {
            added.push(Header {
                name: "host",
                value: host,
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
        // Built in place: the header and parameter lists are large inline buffers, and moving
        // them costs more than most of the canonicalisation.
        let mut canonical = Canonical {
            request: CanonicalRequest {
                method: req.method,
                path: req.path,
                query: CanonicalQuery::new(req.query),
                headers: CanonicalHeaders::new(own.chain(added.iter().copied()), &self.settings),
                payload_hash,
            },
            scope,
            content_sha256: hash_buf.filter(|_| add_hash_header),
        };
        if let Mode::Query(seconds) = mode {
            credential.put(self.credentials.access_key_id().as_bytes());
            credential.put(b"/");
            scope.write(&mut credential);
            expires = Decimal::new(seconds);
            canonical.request.headers.write_signed(&mut signed_list);
            let query = &mut canonical.request.query;
            query.push_plain("X-Amz-Algorithm", ALGORITHM);
            query.push_plain_bytes("X-Amz-Credential", &credential);
            query.push_plain("X-Amz-Date", date.as_str());
            query.push_plain_bytes("X-Amz-Expires", expires.as_bytes());
            query.push_plain_bytes("X-Amz-SignedHeaders", &signed_list);
            if let Some(t) = signed_token {
                query.push_plain("X-Amz-Security-Token", t);
            }
        }
        canonical.request.query.sort();
        Ok(f(&canonical))
    }

    /// Runs ① → ③: the canonical request streamed into SHA-256, then the string to sign
    /// streamed into the HMAC keyed with the day's cached key; `f` gets the signature and the
    /// day's parts.
    fn sign_canonical<R>(
        &self,
        c: &Canonical<'_>,
        date: &AmzDate,
        f: impl FnOnce(&DayKey, Signature) -> R,
    ) -> R {
        let mut hasher = Hasher::new();
        c.request.write(&mut hasher, &self.settings);
        let digest = hasher.finish();
        self.keys.with(&self.credentials, &c.scope, |day| {
            let signature = day.key.sign_streamed(|mac| {
                string_to_sign::write_string_to_sign(mac, date, &day.scope, &digest);
            });
            f(day, signature)
        })
    }

    /// Header signing, with the `Authorization` value written into `authorization`.
    fn sign_header<S: Sink + ?Sized>(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        date: &AmzDate,
        authorization: &mut S,
    ) -> Result<HeaderSigned, Error> {
        self.canonicalize(req, payload, date, Mode::Header, |c| {
            self.sign_canonical(c, date, |day, signature| {
                // As output::write_authorization writes it, with the day's prefix written once.
                authorization.put(&day.authorization_prefix);
                c.request.headers.write_signed(authorization);
                authorization.put(b", Signature=");
                authorization.put(&signature.to_hex());
                HeaderSigned {
                    signature,
                    content_sha256: c.content_sha256,
                }
            })
        })
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
        let mut authorization = Vec::with_capacity(256);
        let signed = self.sign_header(req, payload, &date, &mut authorization)?;
        let token = self.credentials.session_token();
        Ok(SigningOutput {
            authorization: ascii_string(authorization),
            amz_date: date,
            signature: signed.signature,
            security_token: token.map(|t| Zeroizing::new(t.to_string())),
            content_sha256: signed
                .content_sha256
                .map(|h| ascii_string(h.as_bytes().to_vec())),
            query: req.query.and_then(wire_query),
        })
    }

    /// Signs a [`SignableRequest`] with an `Authorization` header, at `time`, writing the
    /// header's value into `out` and allocating nothing: the entry point for callers that bring
    /// their own buffers. 256 bytes hold the value for a usual request; the error says how many
    /// a larger one needs.
    ///
    /// The request must also carry the headers [`WrittenAuthorization`] lists (`x-amz-date`,
    /// and `x-amz-security-token` / `x-amz-content-sha256` when they apply).
    ///
    /// ```
    /// use awssig::{Credentials, Payload, SignableRequest, Signer};
    /// # fn main() -> Result<(), awssig::Error> {
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
    /// As [`Signer::sign_request_at`], plus [`Error::BufferTooSmall`] when `out` cannot hold
    /// the value (its contents are then unspecified) and [`Error::QueryNotCanonical`] when the
    /// query would have to be re-encoded to be sent as signed.
    pub fn sign_into(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        time: impl Into<OffsetDateTime>,
        out: &mut [u8],
    ) -> Result<WrittenAuthorization, Error> {
        let date = self.amz_date(time.into())?;
        if req.query.is_some_and(|q| !wire_query_is(q)) {
            return Err(Error::QueryNotCanonical);
        }
        let len = out.len();
        let mut sink = SliceSink::new(out);
        let signed = self.sign_header(req, payload, &date, &mut sink)?;
        if !sink.fits() {
            return Err(Error::BufferTooSmall {
                needed: sink.needed(),
                len,
            });
        }
        Ok(WrittenAuthorization {
            len: sink.needed(),
            amz_date: date,
            signature: signed.signature,
            content_sha256: signed.content_sha256,
            security_token: self.credentials.session_token().is_some(),
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
        self.canonicalize(req, payload, &date, Mode::Query(seconds), |c| {
            let signature = self.sign_canonical(c, &date, |_, signature| signature);
            let query_len = req.query.map_or(0, str::len);
            let mut out: Vec<u8> = Vec::with_capacity(req.path.len() + query_len + 512);
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
            let put = |out: &mut Vec<u8>, key: &str, value: &[u8]| {
                out.put(key.as_bytes());
                out.put(b"=");
                encode::encode_into(out, value, false);
                out.put(b"&");
            };
            put(&mut out, "X-Amz-Algorithm", ALGORITHM.as_bytes());
            out.put(b"X-Amz-Credential=");
            {
                let mut value = EncodeSink(&mut out);
                value.put(self.credentials.access_key_id().as_bytes());
                value.put(b"/");
                c.scope.write(&mut value);
            }
            out.put(b"&");
            put(&mut out, "X-Amz-Date", date.bytes());
            put(&mut out, "X-Amz-Expires", Decimal::new(seconds).as_bytes());
            out.put(b"X-Amz-SignedHeaders=");
            c.request.headers.write_signed(&mut EncodeSink(&mut out));
            out.put(b"&");
            // canonicalize() has checked the token.
            let token = self.credentials.session_token();
            let signed = self.settings.session_token == SessionTokenSigning::Signed;
            if let Some(t) = token.filter(|_| signed) {
                put(&mut out, "X-Amz-Security-Token", t.as_bytes());
            }
            put(&mut out, "X-Amz-Signature", &signature.to_hex());
            if let Some(t) = token.filter(|_| !signed) {
                put(&mut out, "X-Amz-Security-Token", t.as_bytes());
            }
            out.pop();
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
        // The readable path: every stage into its own buffer, and a freshly derived key (not the
        // cache), so an explanation also cross-checks the fast path.
        self.canonicalize(req, payload, &date, mode, |c| {
            let mut creq = Vec::with_capacity(512);
            c.request.write(&mut creq, &self.settings);
            let sts = string_to_sign::string_to_sign(&date, &c.scope, &mac::sha256(&creq));
            let signature = SigningKey::derive(&self.credentials, &c.scope).sign(&sts);
            let authorization = (mode == Mode::Header).then(|| {
                let mut a = Vec::with_capacity(256);
                let id = self.credentials.access_key_id();
                output::write_authorization(&mut a, id, &c.scope, &c.request.headers, &signature);
                ascii_string(a)
            });
            Explanation {
                canonical_request: String::from_utf8_lossy(&creq).into_owned(),
                string_to_sign: String::from_utf8_lossy(&sts).into_owned(),
                signature: signature.to_string(),
                signed_headers: c.request.headers.signed_list(),
                authorization,
                amz_date: date,
            }
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
        // Hashed before signing, which changes `req`; an empty body's hash is a constant.
        let payload = match req.body().signable_bytes() {
            [] => Payload::Bytes(b""),
            body => Payload::Precomputed(mac::sha256(body)),
        };
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
    /// See [`Error`].
    pub fn sign_payload_at<B>(
        &self,
        req: &mut http::Request<B>,
        payload: Payload<'_>,
        time: impl Into<OffsetDateTime>,
    ) -> Result<(), Error> {
        // Only the header values inserted below allocate: the `Authorization` value is built
        // in a stack buffer, and the query is rewritten only when its encoding is ambiguous.
        let date = self.amz_date(time.into())?;
        let mut authorization: SmallVec<[u8; 512]> = SmallVec::new();
        let (signed, query) = {
            let parts = SignableRequest::from(&*req);
            let signed = self.sign_header(&parts, payload, &date, &mut authorization)?;
            (signed, parts.query.and_then(wire_query))
        };
        let token = self.credentials.session_token();
        let headers = req.headers_mut();
        // Static names: a `&str` name that is not a standard header would be copied.
        headers.insert(
            X_AMZ_DATE,
            header_value(X_AMZ_DATE.as_str(), date.bytes(), false)?,
        );
        if let Some(t) = token {
            let v = header_value(X_AMZ_SECURITY_TOKEN.as_str(), t.as_bytes(), true)?;
            headers.insert(X_AMZ_SECURITY_TOKEN, v);
        }
        if let Some(h) = signed.content_sha256 {
            let v = header_value(X_AMZ_CONTENT_SHA256.as_str(), h.as_bytes(), false)?;
            headers.insert(X_AMZ_CONTENT_SHA256, v);
        }
        let v = header_value(http::header::AUTHORIZATION.as_str(), &authorization, true)?;
        headers.insert(http::header::AUTHORIZATION, v);
        if let Some(q) = query {
            set_query(req, &q)?;
        }
        Ok(())
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
            .map_err(|_| Error::InvalidUri {
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
        time: impl Into<OffsetDateTime>,
    ) -> Result<Explanation, Error> {
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

/// Writes the query with each component in canonical percent-encoding, in the original order.
fn write_wire_query<S: Sink + ?Sized>(sink: &mut S, raw: &str) {
    for (k, piece) in raw.split('&').filter(|p| !p.is_empty()).enumerate() {
        if k > 0 {
            sink.put(b"&");
        }
        match piece.split_once('=') {
            Some((key, value)) => {
                encode::write_component(sink, key.as_bytes(), true);
                sink.put(b"=");
                encode::write_component(sink, value.as_bytes(), true);
            }
            None => encode::write_component(sink, piece.as_bytes(), true),
        }
    }
}

/// Whether the query is already in canonical encoding (checked without allocating).
fn wire_query_is(raw: &str) -> bool {
    let mut same = CompareSink::new(raw.as_bytes());
    write_wire_query(&mut same, raw);
    same.matches()
}

/// The query with each component in canonical percent-encoding and the original order, or
/// `None` when it already is.
fn wire_query(raw: &str) -> Option<String> {
    if wire_query_is(raw) {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len() + 8);
    write_wire_query(&mut out, raw);
    Some(ascii_string(out))
}

/// A string from bytes the signer wrote, which are ASCII (or copied from a `&str`).
fn ascii_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

const X_AMZ_DATE: http::HeaderName = http::HeaderName::from_static("x-amz-date");
const X_AMZ_SECURITY_TOKEN: http::HeaderName =
    http::HeaderName::from_static("x-amz-security-token");
const X_AMZ_CONTENT_SHA256: http::HeaderName =
    http::HeaderName::from_static("x-amz-content-sha256");

/// A header value the signer sets, marked sensitive when it is a credential.
fn header_value(name: &str, value: &[u8], sensitive: bool) -> Result<http::HeaderValue, Error> {
    let mut v = http::HeaderValue::from_bytes(value).map_err(|_| Error::InvalidHeaderValue {
        name: name.to_string(),
        reason: "the value is not a valid HTTP header value",
    })?;
    v.set_sensitive(sensitive);
    Ok(v)
}

/// Replaces the query of `req`'s URI.
fn set_query<B>(req: &mut http::Request<B>, query: &str) -> Result<(), Error> {
    let uri = req.uri();
    let invalid = || Error::InvalidUri {
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

fn check_expiry(expires: Duration) -> Result<u64, Error> {
    let seconds = expires.as_secs();
    if seconds == 0 || expires > MAX_PRESIGN_EXPIRY {
        return Err(Error::InvalidExpiry { seconds });
    }
    Ok(seconds)
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
            let sensitive = matches!(name, "authorization" | "x-amz-security-token");
            let v = header_value(name, value.as_bytes(), sensitive)?;
            req.headers_mut().insert(name, v);
        }
        if let Some(q) = &self.query {
            set_query(req, q)?;
        }
        Ok(())
    }
}

/// What [`Signer::sign_into`] wrote, and the other headers the request must carry.
#[derive(Debug, Clone, Copy)]
pub struct WrittenAuthorization {
    len: usize,
    amz_date: AmzDate,
    signature: Signature,
    content_sha256: Option<PayloadHash>,
    security_token: bool,
}

impl WrittenAuthorization {
    /// How many bytes of the buffer hold the `Authorization` value.
    #[allow(clippy::len_without_is_empty)] // the value is never empty
    pub fn len(&self) -> usize {
        self.len
    }

    /// The `X-Amz-Date` value to send.
    pub fn amz_date(&self) -> AmzDate {
        self.amz_date
    }

    /// The signature.
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// The `x-amz-content-sha256` value to send, when the settings (or an unsigned payload)
    /// require the header and the request did not carry it.
    pub fn content_sha256(&self) -> Option<&str> {
        self.content_sha256
            .as_ref()
            .map(|h| std::str::from_utf8(h.as_bytes()).unwrap_or_default())
    }

    /// Whether the request must also send the credentials' session token as
    /// `x-amz-security-token`.
    pub fn needs_security_token(&self) -> bool {
        self.security_token
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
