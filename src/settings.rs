//! How a request is canonicalised: the knobs that differ between S3 and every other service.

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
/// them in transit (the same list botocore uses, plus `authorization`).
pub(crate) const DEFAULT_EXCLUDED_HEADERS: &[&str] = &[
    "authorization",
    "baggage",
    "connection",
    "expect",
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
    "x-amzn-trace-id",
];

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
///     .with_excluded_header("x-forwarded-for");
/// assert_eq!(settings.uri_encoding(), Settings::s3().uri_encoding());
/// assert_eq!(settings.excluded_headers(), ["x-forwarded-for"]);
/// assert!(settings.is_excluded("X-Forwarded-For"));
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
}

impl Settings {
    /// Headers that are never signed, because clients, proxies or load balancers add, drop or
    /// rewrite them in transit (the list botocore uses, plus `authorization`).
    /// [`with_excluded_header`](Self::with_excluded_header) adds to it.
    pub const DEFAULT_EXCLUDED_HEADERS: &'static [&'static str] = DEFAULT_EXCLUDED_HEADERS;

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
    /// [`Settings::DEFAULT_EXCLUDED_HEADERS`]. Use it for headers a proxy rewrites, such as
    /// `x-forwarded-for` or `via`.
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
        (default_length
            && DEFAULT_EXCLUDED_HEADERS
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name)))
            || self.excluded.iter().any(|h| h.eq_ignore_ascii_case(name))
    }
}
