//! Stage ④ and the public entry points: run ① → ② → ③ over a request and put the result on it
//! (`Authorization` and `x-amz-*` headers, or a presigned query string).

pub(crate) mod endpoint;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use zeroize::Zeroizing;

use crate::Error;
use crate::credentials::Credentials;
use crate::crypto::{self, Hasher};
use crate::explain::Explanation;
use crate::payload::{Payload, PayloadHash};
use crate::request::SignableRequest;
use crate::settings::{PayloadHashHeader, SessionTokenSigning, Settings};
use crate::sign::canonical::{
    CanonicalHeaders, CanonicalQuery, CanonicalRequest, Header, parse_query, split_pairs,
};
use crate::sign::encode::{self, EncodeSink, Form};
use crate::sign::key::{Signature, SigningKey};
use crate::sign::key_cache::{DayHint, DayKey, KeyCache};
use crate::sign::string_to_sign::{self, ALGORITHM, Scope};
use crate::sink::{CompareSink, Decimal, Sink, SliceSink, StackBuf};
use crate::time::{AmzDate, SigningTime};

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
    /// Whether the region and service are valid scope names, worked out once.
    names_ok: bool,
    /// The session token as a header value (sensitive), made once: clones share its bytes. Like
    /// every `HeaderValue` of the requests it signs, it is not wiped when dropped; the token is
    /// sent in the clear with each request (it is useless without the secret key).
    token_header: Option<http::HeaderValue>,
    /// The session token percent-encoded for a query, made once.
    token_encoded: Option<Zeroizing<Box<[u8]>>>,
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

/// The header names the signer reads or writes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KnownHeader {
    Host,
    Authorization,
    AmzDate,
    SecurityToken,
    ContentSha256,
    Other,
}

impl KnownHeader {
    /// Classifies a name in any case; the length picks the one or two names to compare.
    #[inline]
    fn of(name: &str) -> Self {
        let is = |known: &str| name.eq_ignore_ascii_case(known);
        match name.len() {
            4 if is("host") => Self::Host,
            10 if is("x-amz-date") => Self::AmzDate,
            13 if is("authorization") => Self::Authorization,
            20 if is("x-amz-security-token") => Self::SecurityToken,
            20 if is("x-amz-content-sha256") => Self::ContentSha256,
            _ => Self::Other,
        }
    }
}

/// Whether `s` can be a region or service name in a credential scope.
fn is_scope_name(s: &str) -> bool {
    !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| SCOPE_NAME_BYTES[usize::from(b)])
}

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
struct Canonical<'r, 'c> {
    request: CanonicalRequest<'r, 'c>,
    scope: Scope<'c>,
    content_sha256: Option<PayloadHash>,
    /// For a presigned URL, its `X-Amz-*` parameters (but the signature), encoded, `&`-joined.
    presign_params: &'r [u8],
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
        let token_header = credentials
            .session_token()
            .and_then(|t| header_value(X_AMZ_SECURITY_TOKEN.as_str(), t.as_bytes(), true).ok());
        let token_encoded = credentials.session_token().map(|t| {
            let mut v = Vec::with_capacity(t.len() * 3);
            encode::encode_into(&mut v, t.as_bytes(), false);
            Zeroizing::new(v.into_boxed_slice())
        });
        Self {
            names_ok: is_scope_name(&region) && is_scope_name(&service),
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
    fn amz_date(&self, time: SigningTime) -> Result<AmzDate, Error> {
        AmzDate::new(self.corrected(time)?)
    }

    fn corrected(&self, time: SigningTime) -> Result<SigningTime, Error> {
        if self.clock_offset.is_zero() {
            return Ok(time);
        }
        time.checked_add(self.clock_offset)
            .ok_or(Error::TimeOutOfRange)
    }

    /// The `X-Amz-Date` for a signing time, with the cached day key: when the key's day holds
    /// the time, the date is its day plus the time of day, with no calendar arithmetic. The
    /// key is read once per signature and handed on to [`Signer::sign_canonical`].
    #[inline]
    fn amz_date_and_day(&self, time: SigningTime) -> Result<(AmzDate, DayHint), Error> {
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

    #[inline]
    fn validate(&self) -> Result<(), Error> {
        if self.names_ok {
            return self.credentials.validate();
        }
        if !is_scope_name(&self.region) {
            return Err(Error::InvalidRegion {
                region: self.region.clone(),
            });
        }
        if !is_scope_name(&self.service) {
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

    /// Writes the session token percent-encoded, as a query carries it.
    fn put_encoded_token<S: Sink + ?Sized>(&self, sink: &mut S) {
        if let Some(t) = &self.token_encoded {
            sink.put(t);
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
        f: impl FnOnce(&Canonical<'_, '_>) -> R,
    ) -> Result<R, Error> {
        // Declared first: the canonical request borrows them, so they must outlive it. They are
        // stack buffers, so a usual request is canonicalised without a heap allocation.
        // Made only when used: a stack buffer is zeroed when it is made.
        let mut host_buf: Option<StackBuf<128>> = None;
        let mut presign_params: Option<StackBuf<512>> = None;
        // Declared before the header list that borrows it (set once the headers are read).
        #[allow(clippy::needless_late_init)]
        let hash_buf: Option<PayloadHash>;
        self.validate()?;
        req.validate()?;
        // Checked by validate() above.
        let token = self.credentials.session_token();
        let signed_token =
            token.filter(|_| self.settings.session_token == SessionTokenSigning::Signed);
        let scope = self.scope(date);

        // One pass over the request's headers: keep those signed, and note the ones the signer
        // reads or owns.
        let mut headers = CanonicalHeaders::default();
        let mut has_host = false;
        let mut has_authorization = false;
        let mut given_hash: Option<&[u8]> = None;
        for h in &req.headers {
            match KnownHeader::of(h.name) {
                KnownHeader::Host => has_host = true,
                KnownHeader::Authorization => has_authorization = true,
                KnownHeader::ContentSha256 => {
                    given_hash = given_hash.or(Some(h.value));
                }
                // In header mode the signer writes these itself, replacing the request's. A
                // presigned URL carries them in its query and leaves the headers as they are, so
                // a copy the request sends anyway is signed like any other `x-amz-*` header.
                KnownHeader::AmzDate if mode == Mode::Header => continue,
                KnownHeader::SecurityToken if token.is_some() && mode == Mode::Header => continue,
                KnownHeader::AmzDate | KnownHeader::SecurityToken | KnownHeader::Other => {}
            }
            if !self.settings.is_excluded(h.name) {
                headers.push(*h);
            }
        }
        if mode != Mode::Header && has_authorization {
            return Err(Error::AlreadySigned);
        }
        // Presigning refuses any of the parameters it adds: a second copy would make the URL
        // ambiguous (and AWS refuses it). Header signing refuses those that make a verifier
        // read the request as presigned, which would then fail there.
        const AUTH_PARAMS: [&[u8]; 6] = [
            b"X-Amz-Algorithm",
            b"X-Amz-Credential",
            b"X-Amz-Signature",
            b"X-Amz-Date",
            b"X-Amz-Expires",
            b"X-Amz-SignedHeaders",
        ];
        let refused = match mode {
            Mode::Header => &AUTH_PARAMS[..3],
            Mode::Query(_) => &AUTH_PARAMS[..],
        };
        if req.query.is_some_and(|q| {
            parse_query(q).any(|p| refused.iter().any(|a| p.key.eq_ignore_ascii_case(a)))
        }) {
            return Err(Error::AlreadySigned);
        }
        if !has_host {
            let host_buf = host_buf.insert(StackBuf::new());
            req.write_host(host_buf).ok_or(Error::MissingHost)?;
            headers.push(Header {
                name: "host",
                value: host_buf.as_slice(),
            });
        }
        // The payload is hashed only when the request does not state its hash.
        hash_buf = given_hash.is_none().then(|| payload.hash());
        let payload_hash: &[u8] = match (&hash_buf, given_hash) {
            (Some(h), _) => h.as_bytes(),
            (None, given) => given.unwrap_or_default().trim_ascii(),
        };
        let add_hash_header = mode == Mode::Header
            && given_hash.is_none()
            && (self.settings.payload_hash_header == PayloadHashHeader::Always
                || payload == Payload::Unsigned);
        if mode == Mode::Header {
            headers.push(Header {
                name: "x-amz-date",
                value: date.bytes(),
            });
            if let Some(t) = signed_token {
                headers.push(Header {
                    name: "x-amz-security-token",
                    value: t.as_bytes(),
                });
            }
            if add_hash_header {
                headers.push(Header {
                    name: "x-amz-content-sha256",
                    value: payload_hash,
                });
            }
        }
        headers.sort();
        // Filled in place: returning the list's large inline buffer from a constructor costs a
        // copy on every signature.
        let mut query = CanonicalQuery::default();
        query.extend_wire(req.query);
        if let Mode::Query(seconds) = mode {
            // The `X-Amz-*` parameters, encoded once: the canonical query and the URL are both
            // made of these bytes.
            let p = presign_params.insert(StackBuf::new());
            p.put(b"X-Amz-Algorithm=");
            p.put(ALGORITHM.as_bytes());
            p.put(b"&X-Amz-Credential=");
            encode::encode_into(p, self.credentials.access_key_id().as_bytes(), false);
            // Scope names are checked to be unreserved bytes (validate() above).
            for part in [scope.date, scope.region, scope.service, "aws4_request"] {
                p.put(b"%2F");
                p.put(part.as_bytes());
            }
            p.put(b"&X-Amz-Date=");
            p.put(date.bytes());
            p.put(b"&X-Amz-Expires=");
            p.put(Decimal::new(seconds).as_bytes());
            p.put(b"&X-Amz-SignedHeaders=");
            headers.write_signed(&mut EncodeSink(p));
            if signed_token.is_some() {
                p.put(b"&X-Amz-Security-Token=");
                self.put_encoded_token(p);
            }
        }
        let presign_params = presign_params.as_ref().map_or(&[][..], StackBuf::as_slice);
        query.extend_encoded(presign_params);
        query.sort();
        let out = f(&Canonical {
            request: CanonicalRequest {
                method: req.method,
                path: req.path,
                query: &query,
                headers: &headers,
                payload_hash,
            },
            scope,
            content_sha256: hash_buf.filter(|_| add_hash_header),
            presign_params,
        });
        Ok(out)
    }

    /// Runs ① → ③: the canonical request streamed into SHA-256, then the string to sign
    /// streamed into the HMAC keyed with the day's cached key; `f` gets the signature and the
    /// day's parts.
    fn sign_canonical<R>(
        &self,
        c: &Canonical<'_, '_>,
        date: &AmzDate,
        day: &DayHint,
        f: impl FnOnce(&DayKey, Signature) -> R,
    ) -> R {
        let mut hasher = Hasher::new();
        c.request.write(&mut hasher, &self.settings);
        let digest = hasher.finish();
        self.keys
            .with(day.as_deref(), &self.credentials, &c.scope, |day| {
                let signature = match &day.string_to_sign {
                    Some(template) => day.key.sign_padded(&template.fill(date, &digest)),
                    None => day.key.sign_streamed(|mac| {
                        string_to_sign::write_string_to_sign(mac, date, &day.scope, &digest);
                    }),
                };
                f(day, signature)
            })
    }

    /// Header signing, with the `Authorization` value written into `authorization`.
    fn sign_header<S: Sink + ?Sized>(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        (date, day): &(AmzDate, DayHint),
        authorization: &mut S,
    ) -> Result<HeaderSigned, Error> {
        self.canonicalize(req, payload, date, Mode::Header, |c| {
            self.sign_canonical(c, date, day, |day, signature| {
                // As sign::authorization::write_authorization writes it, with the day's prefix written once.
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
        time: impl Into<SigningTime>,
    ) -> Result<SigningOutput, Error> {
        let dated = self.amz_date_and_day(time.into())?;
        let mut authorization = Vec::with_capacity(256);
        let signed = self.sign_header(req, payload, &dated, &mut authorization)?;
        let date = dated.0;
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
        time: impl Into<SigningTime>,
        out: &mut [u8],
    ) -> Result<WrittenAuthorization, Error> {
        let dated = self.amz_date_and_day(time.into())?;
        if req.query.is_some_and(|q| !wire_query_is(q)) {
            return Err(Error::QueryNotCanonical);
        }
        let len = out.len();
        let mut sink = SliceSink::new(out);
        let signed = self.sign_header(req, payload, &dated, &mut sink)?;
        let date = dated.0;
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
        time: impl Into<SigningTime>,
    ) -> Result<String, Error> {
        let seconds = check_expiry(expires)?;
        let (date, day) = self.amz_date_and_day(time.into())?;
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
            out.put(b"&X-Amz-Signature=");
            out.put(&signature.to_hex());
            // canonicalize() has checked the token; an unsigned one goes after the signature.
            if self.credentials.session_token().is_some()
                && self.settings.session_token != SessionTokenSigning::Signed
            {
                out.put(b"&X-Amz-Security-Token=");
                self.put_encoded_token(&mut out);
            }
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
        time: impl Into<SigningTime>,
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
            let sts = string_to_sign::string_to_sign(&date, &c.scope, &crypto::sha256(&creq));
            let signature = SigningKey::derive(&self.credentials, &c.scope).sign(&sts);
            let authorization = (mode == Mode::Header).then(|| {
                let mut a = Vec::with_capacity(256);
                let id = self.credentials.access_key_id();
                crate::sign::authorization::write_authorization(
                    &mut a,
                    id,
                    &c.scope,
                    c.request.headers,
                    &signature,
                );
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
        time: impl Into<SigningTime>,
    ) -> Result<(), Error> {
        // Hashed before signing, which changes `req`; an empty body's hash is a constant.
        let payload = match req.body().signable_bytes() {
            [] => Payload::Bytes(b""),
            body => Payload::Precomputed(crypto::sha256(body)),
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
        time: impl Into<SigningTime>,
    ) -> Result<(), Error> {
        // Only the header values inserted below allocate: the `Authorization` value is built
        // in a stack buffer, and the query is rewritten only when its encoding is ambiguous.
        let dated = self.amz_date_and_day(time.into())?;
        let date = dated.0;
        let mut authorization: StackBuf<512> = StackBuf::new();
        let (signed, query) = {
            let parts = SignableRequest::from(&*req);
            let signed = self.sign_header(&parts, payload, &dated, &mut authorization)?;
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
            let v = match &self.token_header {
                Some(v) => v.clone(),
                None => header_value(X_AMZ_SECURITY_TOKEN.as_str(), t.as_bytes(), true)?,
            };
            headers.insert(X_AMZ_SECURITY_TOKEN, v);
        }
        if let Some(h) = signed.content_sha256 {
            let v = header_value(X_AMZ_CONTENT_SHA256.as_str(), h.as_bytes(), false)?;
            headers.insert(X_AMZ_CONTENT_SHA256, v);
        }
        let v = header_value(
            http::header::AUTHORIZATION.as_str(),
            authorization.as_slice(),
            true,
        )?;
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
        time: impl Into<SigningTime>,
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
        time: impl Into<SigningTime>,
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
        time: impl Into<SigningTime>,
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
    for (k, (key, value)) in split_pairs(raw.as_bytes()).enumerate() {
        if k > 0 {
            sink.put(b"&");
        }
        encode::write_component(sink, key, Form::Wire);
        // A bare `flag` stays bare.
        if let Some(value) = value {
            sink.put(b"=");
            encode::write_component(sink, value, Form::Wire);
        }
    }
}

/// Whether the query is already in canonical encoding (checked without allocating).
fn wire_query_is(raw: &str) -> bool {
    // The usual query (`limit=10&sort=asc`): unreserved bytes, one `=` per piece, no empty
    // piece. Anything else is compared with its canonical form.
    let mut piece_empty = true;
    let mut has_eq = false;
    for &b in raw.as_bytes() {
        match b {
            b'&' if !piece_empty => {
                piece_empty = true;
                has_eq = false;
            }
            b'=' if !has_eq => {
                has_eq = true;
                piece_empty = false;
            }
            b if encode::is_unreserved(b) => piece_empty = false,
            _ => return wire_query_compare(raw),
        }
    }
    !piece_empty || raw.is_empty()
}

fn wire_query_compare(raw: &str) -> bool {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_query_check_agrees_with_the_full_comparison() {
        for q in [
            "",
            "a",
            "a=1",
            "a=1&b=2",
            "a=",
            "=v",
            "a&&b",
            "&a",
            "a&",
            "a=b=c",
            "a==",
            "a+b=1",
            "a=%2B",
            "a=%2b",
            "a b=1",
            "a=1&b",
            "~-._=AZaz09",
            "a=/",
        ] {
            assert_eq!(wire_query_is(q), wire_query_compare(q), "{q:?}");
        }
    }

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

    proptest::proptest! {
        #[test]
        fn the_quick_query_check_agrees_on_any_query(q in "[a=&%+2Bb ~/]{0,12}") {
            proptest::prop_assert_eq!(wire_query_is(&q), wire_query_compare(&q));
        }
    }
}
