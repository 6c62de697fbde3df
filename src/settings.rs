//! How a request is canonicalised: the knobs that differ between S3 and every other service.

use crate::prelude::*;

/// How the canonical URI path is percent-encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum UriEncoding {
    /// Every service but S3: the path as sent is percent-encoded again, so `%20` is signed as
    /// `%2520` and `@` as `%40`.
    #[default]
    Double,
    /// S3: the path as sent (already encoded once by the client) is signed as it is; only bytes
    /// that are not valid in a URI are encoded.
    Single,
}

/// Whether `.`/`..` segments and repeated slashes are removed from the canonical path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum PathNormalization {
    /// Every service but S3: `/a/./b/../c//d` is signed as `/a/c/d`.
    #[default]
    Enabled,
    /// S3: object keys may contain `.`, `..` and `//`, so the path is signed unchanged.
    Disabled,
}

/// Whether header signing also sends (and signs) `x-amz-content-sha256`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum PayloadHashHeader {
    /// Only when the payload is unsigned (`UNSIGNED-PAYLOAD` must be announced).
    #[default]
    WhenUnsigned,
    /// Always: required by S3 and by Lambda function URLs for requests with a body.
    Always,
}

/// Where a session token goes relative to the signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum SessionTokenSigning {
    /// The token is added before signing and is covered by the signature (what AWS expects).
    #[default]
    Signed,
    /// The token is added after signing and is not covered (some IoT endpoints expect this).
    AppendedAfterSigning,
}

/// What a presigned URL says about the body when no payload is given explicitly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
#[non_exhaustive]
pub enum PresignPayload {
    /// The SHA-256 of the request's in-memory body (usually empty).
    #[default]
    BodyHash,
    /// `UNSIGNED-PAYLOAD`: S3's presigned URLs, whose body is not known when the URL is made.
    Unsigned,
}

/// Headers that are never signed, because clients, proxies or load balancers add, drop or rewrite
/// them in transit: botocore's list plus `authorization`, and the headers proxies and CDNs add
/// to or rewrite (`x-forwarded-*`, `forwarded`, `via`, `x-real-ip`; a VPC endpoint appends to
/// `x-forwarded-for`, CloudFront sets `via`).
pub(crate) const DEFAULT_EXCLUDED_HEADERS: &[&str] = &[
    "authorization",
    "baggage",
    "connection",
    "expect",
    "forwarded",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "via",
    "x-amzn-trace-id",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-port",
    "x-forwarded-proto",
    "x-real-ip",
];

/// Prefixes of header names CDNs add to a request on its way (Cloudflare's `cf-connecting-ip`,
/// `cf-ray`; CloudFront's `cloudfront-viewer-country`, `cloudfront-is-mobile-viewer`): never
/// signed either.
pub(crate) const DEFAULT_EXCLUDED_PREFIXES: &[&str] = &["cf-", "cloudfront-"];

/// Bit `n` is set when a name in [`DEFAULT_EXCLUDED_HEADERS`] is `n` bytes long (all are
/// shorter than 32).
const DEFAULT_EXCLUDED_LENGTHS: u32 = {
    let mut mask = 0u32;
    let mut i = 0;
    while i < DEFAULT_EXCLUDED_HEADERS.len() {
        let len = DEFAULT_EXCLUDED_HEADERS[i].len();
        assert!(len < 32, "excluded header names are shorter than 32 bytes");
        mask |= 1 << len;
        i += 1;
    }
    mask
};

/// Canonicalisation settings. Start from [`Settings::default()`] (every service but S3) or
/// [`Settings::s3()`], then adjust.
///
/// Every setting has a `with_*` setter that takes its enum and a getter of the same name.
///
/// ```
/// use awssig::{PathNormalization, PayloadHashHeader, Settings, UriEncoding};
/// let settings = Settings::default()
///     .with_uri_encoding(UriEncoding::Single)
///     .with_path_normalization(PathNormalization::Disabled)
///     .with_payload_hash_header(PayloadHashHeader::Always)
///     .with_excluded_header("x-edge-tag");
/// assert_eq!(settings.uri_encoding(), Settings::s3().uri_encoding());
/// assert_eq!(settings.excluded_headers(), ["x-edge-tag"]);
/// assert!(settings.is_excluded("X-Edge-Tag"));
/// // Proxy and CDN headers are never signed, with or without settings.
/// assert!(settings.is_excluded("X-Forwarded-For"));
/// assert!(Settings::default().is_excluded("cf-connecting-ip"));
/// assert!(settings.is_excluded("user-agent"));
/// assert!(!settings.is_excluded("content-type"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Settings {
    pub(crate) uri_encoding: UriEncoding,
    pub(crate) path_normalization: PathNormalization,
    pub(crate) payload_hash_header: PayloadHashHeader,
    pub(crate) session_token: SessionTokenSigning,
    pub(crate) presign_payload: PresignPayload,
    pub(crate) excluded: Vec<String>,
    pub(crate) signed: Vec<String>,
}

impl Settings {
    /// Headers that are never signed, because clients, proxies or load balancers add, drop or
    /// rewrite them in transit: the list botocore uses, `authorization`, and what proxies add or
    /// rewrite (`forwarded`, `via`, `x-forwarded-for`, `-host`, `-port`, `-proto`, `x-real-ip`).
    /// Names starting with [`DEFAULT_EXCLUDED_PREFIXES`](Self::DEFAULT_EXCLUDED_PREFIXES) are
    /// not signed either. [`with_excluded_header`](Self::with_excluded_header) adds to them.
    pub const DEFAULT_EXCLUDED_HEADERS: &'static [&'static str] = DEFAULT_EXCLUDED_HEADERS;

    /// Prefixes of the header names CDNs add on the way (`cf-` for Cloudflare, `cloudfront-`
    /// for CloudFront): never signed.
    pub const DEFAULT_EXCLUDED_PREFIXES: &'static [&'static str] = DEFAULT_EXCLUDED_PREFIXES;

    /// Lambda's rules: [`Settings::default()`] with `x-amz-content-sha256` sent (and signed)
    /// on every request. A Lambda function URL takes no unsigned payload, and behind CloudFront
    /// origin access control a POST or PUT fails without the header (CloudFront signs the
    /// origin request with the hash the viewer sent); called directly, the header is harmless.
    /// [`Signer::for_url`](crate::Signer::for_url) picks this for `*.lambda-url.*.on.aws`.
    ///
    /// ```
    /// use awssig::{PayloadHashHeader, Settings};
    /// assert_eq!(Settings::lambda().payload_hash_header(), PayloadHashHeader::Always);
    /// assert_eq!(Settings::lambda().uri_encoding(), Settings::default().uri_encoding());
    /// ```
    pub fn lambda() -> Self {
        Self {
            payload_hash_header: PayloadHashHeader::Always,
            ..Self::default()
        }
    }

    /// S3's rules: single encoding, no path normalisation, `x-amz-content-sha256` always sent,
    /// presigned URLs with `UNSIGNED-PAYLOAD`.
    pub fn s3() -> Self {
        Self {
            uri_encoding: UriEncoding::Single,
            path_normalization: PathNormalization::Disabled,
            payload_hash_header: PayloadHashHeader::Always,
            presign_payload: PresignPayload::Unsigned,
            ..Self::default()
        }
    }

    /// Sets the path encoding.
    #[must_use]
    pub fn with_uri_encoding(mut self, encoding: UriEncoding) -> Self {
        self.uri_encoding = encoding;
        self
    }

    /// Sets path normalisation.
    #[must_use]
    pub fn with_path_normalization(mut self, normalization: PathNormalization) -> Self {
        self.path_normalization = normalization;
        self
    }

    /// Sets when header signing also sends (and signs) `x-amz-content-sha256`
    /// ([`PayloadHashHeader::Always`] for S3 and Lambda function URLs).
    #[must_use]
    pub fn with_payload_hash_header(mut self, mode: PayloadHashHeader) -> Self {
        self.payload_hash_header = mode;
        self
    }

    /// Sets whether the session token is covered by the signature
    /// ([`SessionTokenSigning::AppendedAfterSigning`] adds it after signing, for the IoT
    /// endpoints that expect that).
    #[must_use]
    pub fn with_session_token_signing(mut self, mode: SessionTokenSigning) -> Self {
        self.session_token = mode;
        self
    }

    /// Sets what [`Signer::presign_at`](crate::Signer::presign_at) signs for the body.
    #[must_use]
    pub fn with_presign_payload(mut self, payload: PresignPayload) -> Self {
        self.presign_payload = payload;
        self
    }

    pub(crate) fn presign_unsigned(&self) -> bool {
        self.presign_payload == PresignPayload::Unsigned
    }

    /// Never signs the header `name` (case-insensitive), on top of
    /// [`Settings::DEFAULT_EXCLUDED_HEADERS`]. Use it for other headers a proxy in your path
    /// adds or rewrites (the common ones, `x-forwarded-for`, `via`, `cf-*`, are already left
    /// out).
    ///
    /// The headers AWS requires to be signed (`host`, `x-amz-date`, `x-amz-content-sha256`,
    /// `x-amz-security-token`) cannot be excluded; naming one has no effect.
    ///
    /// ```
    /// use awssig::Settings;
    /// let s = Settings::default().with_excluded_header("Via").with_excluded_header("host");
    /// assert!(s.is_excluded("via"));
    /// assert!(!s.is_excluded("host"));
    /// ```
    #[must_use]
    pub fn with_excluded_header(mut self, name: impl AsRef<str>) -> Self {
        const ALWAYS_SIGNED: [&str; 4] = [
            "host",
            "x-amz-date",
            "x-amz-content-sha256",
            "x-amz-security-token",
        ];
        let name = name.as_ref().to_ascii_lowercase();
        if !ALWAYS_SIGNED.contains(&name.as_str()) && !self.excluded.contains(&name) {
            self.excluded.push(name);
        }
        self
    }

    /// Signs the header `name` (case-insensitive) although the default lists leave it out
    /// ([`Settings::DEFAULT_EXCLUDED_HEADERS`], [`Settings::DEFAULT_EXCLUDED_PREFIXES`]): for
    /// a header no proxy in your path touches and the server wants covered, or to sign as
    /// botocore and `aws-sigv4` do (they sign `x-forwarded-for`, `via` and the CDN headers).
    /// [`with_excluded_header`](Self::with_excluded_header) wins over it.
    ///
    /// ```
    /// use awssig::Settings;
    /// let s = Settings::default().with_signed_header("X-Forwarded-For");
    /// assert!(!s.is_excluded("x-forwarded-for"));
    /// assert!(s.is_excluded("via"));
    /// assert_eq!(s.signed_headers(), ["x-forwarded-for"]);
    /// ```
    #[must_use]
    pub fn with_signed_header(mut self, name: impl AsRef<str>) -> Self {
        let name = name.as_ref().to_ascii_lowercase();
        if !self.signed.contains(&name) {
            self.signed.push(name);
        }
        self
    }

    /// The headers signed although the default lists leave them out, lowercase, in the order
    /// added.
    pub fn signed_headers(&self) -> &[String] {
        &self.signed
    }

    /// The path encoding in force.
    pub fn uri_encoding(&self) -> UriEncoding {
        self.uri_encoding
    }

    /// Whether dot segments and repeated slashes are removed from the canonical path.
    pub fn path_normalization(&self) -> PathNormalization {
        self.path_normalization
    }

    /// When header signing sends `x-amz-content-sha256`.
    pub fn payload_hash_header(&self) -> PayloadHashHeader {
        self.payload_hash_header
    }

    /// Whether the session token is covered by the signature.
    pub fn session_token_signing(&self) -> SessionTokenSigning {
        self.session_token
    }

    /// What a presigned URL signs for the body.
    pub fn presign_payload(&self) -> PresignPayload {
        self.presign_payload
    }

    /// The headers excluded on top of [`Settings::DEFAULT_EXCLUDED_HEADERS`], lowercase, in
    /// the order added.
    pub fn excluded_headers(&self) -> &[String] {
        &self.excluded
    }

    /// Whether a (lowercase or mixed-case) header name is left out of the signature.
    pub fn is_excluded(&self, name: &str) -> bool {
        // Most signed names (host, x-amz-date, content-type) have a length no default name has.
        let default_length = name.len() < 32 && DEFAULT_EXCLUDED_LENGTHS & (1 << name.len()) != 0;
        let by_default = (default_length
            && DEFAULT_EXCLUDED_HEADERS
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name)))
            || DEFAULT_EXCLUDED_PREFIXES.iter().any(|p| {
                name.get(..p.len())
                    .is_some_and(|start| start.eq_ignore_ascii_case(p))
            });
        (by_default && !self.signed.iter().any(|h| h.eq_ignore_ascii_case(name)))
            || self.excluded.iter().any(|h| h.eq_ignore_ascii_case(name))
    }
}
