//! The SigV4 wire names and constants, in one place: algorithm names, `x-amz-*` header and `X-Amz-*` query parameter names, the scope terminator, the payload literals, and the `X-Amz-Date` value [`AmzDate`].
//!
//! Every value here is fixed by the AWS Signature Version 4 documentation ("Elements of an AWS
//! API request signature", "Create a signed AWS API request", "Authenticating requests: using
//! query parameters"). The stages, the signer and the verifier name them from here, so a new
//! algorithm or payload mode is a new value in this file rather than a literal in each of them.

use core::time::Duration;

pub use crate::time::AmzDate;

/// A signing algorithm, as the `Authorization` scheme and `X-Amz-Algorithm` name it.
///
/// SigV4's HMAC-SHA256 and SigV4a's ECDSA-P256. The enum is `#[non_exhaustive]`: another
/// algorithm is a new value here, not a branch in each stage.
///
/// ```
/// use awssig::spec::Algorithm;
/// assert_eq!(Algorithm::HmacSha256.as_str(), "AWS4-HMAC-SHA256");
/// assert_eq!(Algorithm::from_name("AWS4-HMAC-SHA256"), Some(Algorithm::HmacSha256));
/// assert_eq!(
///     Algorithm::from_name("AWS4-ECDSA-P256-SHA256"),
///     Some(Algorithm::EcdsaP256Sha256)
/// );
/// assert_eq!(Algorithm::from_name("AWS4-HMAC-SHA512"), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Algorithm {
    /// `AWS4-HMAC-SHA256`: SigV4, an HMAC-SHA256 signature with a key derived per day, region
    /// and service.
    HmacSha256,
    /// `AWS4-ECDSA-P256-SHA256`: SigV4a, an ECDSA P-256 signature over the SHA-256 of the string
    /// to sign, DER-encoded, with a key derived from the credentials alone; the scope has no
    /// region and the request names its region set (`X-Amz-Region-Set`).
    EcdsaP256Sha256,
}

impl Algorithm {
    /// The name on the wire: `AWS4-HMAC-SHA256` or `AWS4-ECDSA-P256-SHA256`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::HmacSha256 => "AWS4-HMAC-SHA256",
            Self::EcdsaP256Sha256 => "AWS4-ECDSA-P256-SHA256",
        }
    }

    /// The algorithm a wire name stands for (compared exactly, as AWS does), or `None` for a
    /// name this crate does not sign or verify.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "AWS4-HMAC-SHA256" => Some(Self::HmacSha256),
            "AWS4-ECDSA-P256-SHA256" => Some(Self::EcdsaP256Sha256),
            _ => None,
        }
    }
}

impl core::fmt::Display for Algorithm {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The algorithm name of SigV4 with HMAC-SHA256 (`Algorithm::HmacSha256.as_str()`).
pub const ALGORITHM: &str = Algorithm::HmacSha256.as_str();

/// The last part of every credential scope: `20150830/us-east-1/service/aws4_request`.
pub(crate) const SCOPE_TERMINATOR: &str = "aws4_request";

/// The prefix of the secret in the first key-derivation step: `HMAC("AWS4" + secret, date)`.
pub(crate) const SECRET_PREFIX: &[u8] = b"AWS4";

/// The prefix of the secret in SigV4a's key derivation: the HMAC key is `"AWS4A" + secret`.
pub(crate) const SECRET_PREFIX_V4A: &[u8] = b"AWS4A";

/// The region set that matches every region, `*`.
pub const ANY_REGION: &str = "*";

/// The literal AWS uses in place of a payload hash when the body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// `x-amz-content-sha256` of an `aws-chunked` body whose every chunk is signed (S3's
/// "Transferring payload in multiple chunks").
pub const STREAMING_SIGNED_PAYLOAD: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";

/// `x-amz-content-sha256` of an `aws-chunked` body whose chunks are signed and which ends with
/// a signed trailer (a checksum).
pub const STREAMING_SIGNED_PAYLOAD_TRAILER: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";

/// `x-amz-content-sha256` of an `aws-chunked` body sent without chunk signatures, ending with
/// an unsigned trailer (a checksum).
pub const STREAMING_UNSIGNED_PAYLOAD_TRAILER: &str = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

/// `x-amz-content-sha256` of an event stream: the request is signed over this literal, then
/// each message in its own signed envelope (`awssig::streaming::EventStreamSigner`).
pub const STREAMING_EVENTS: &str = "STREAMING-AWS4-HMAC-SHA256-EVENTS";

/// The algorithm line of a chunk's string to sign.
#[cfg(feature = "http")]
pub(crate) const CHUNK_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";

/// The algorithm line of a trailer's string to sign.
#[cfg(feature = "http")]
pub(crate) const TRAILER_ALGORITHM: &str = "AWS4-HMAC-SHA256-TRAILER";

/// The `content-encoding` of a chunked upload.
#[cfg(feature = "http")]
pub(crate) const AWS_CHUNKED: &str = "aws-chunked";

/// The chunk extension that carries a chunk's signature.
#[cfg(feature = "http")]
pub(crate) const CHUNK_SIGNATURE: &str = "chunk-signature";

/// The smallest chunk S3 accepts, except the last one: 8 KiB.
pub const MIN_CHUNK_SIZE: usize = 8 * 1024;

/// The three `aws-chunked` forms, as `x-amz-content-sha256` names them.
///
/// ```
/// use awssig::spec::StreamingPayload;
/// let p = StreamingPayload::from_value(b"STREAMING-UNSIGNED-PAYLOAD-TRAILER").unwrap();
/// assert_eq!(p, StreamingPayload::UnsignedTrailer);
/// assert!(!p.signed() && p.trailer());
/// assert_eq!(StreamingPayload::Signed.as_str(), "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StreamingPayload {
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: every chunk signed, no trailer.
    Signed,
    /// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER`: every chunk signed, then a signed trailer.
    SignedTrailer,
    /// `STREAMING-UNSIGNED-PAYLOAD-TRAILER`: chunks unsigned, then an unsigned trailer.
    UnsignedTrailer,
}

impl StreamingPayload {
    /// The `x-amz-content-sha256` value.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Signed => STREAMING_SIGNED_PAYLOAD,
            Self::SignedTrailer => STREAMING_SIGNED_PAYLOAD_TRAILER,
            Self::UnsignedTrailer => STREAMING_UNSIGNED_PAYLOAD_TRAILER,
        }
    }

    /// The form an `x-amz-content-sha256` value names (compared exactly), if any.
    pub fn from_value(value: &[u8]) -> Option<Self> {
        [Self::Signed, Self::SignedTrailer, Self::UnsignedTrailer]
            .into_iter()
            .find(|p| p.as_str().as_bytes() == value)
    }

    /// Whether each chunk carries a signature.
    pub const fn signed(self) -> bool {
        matches!(self, Self::Signed | Self::SignedTrailer)
    }

    /// Whether the body ends with a trailer.
    pub const fn trailer(self) -> bool {
        matches!(self, Self::SignedTrailer | Self::UnsignedTrailer)
    }
}

/// The SHA-256 of an empty body, which most requests (every GET) sign; the AWS SigV4
/// documentation lists it. A test checks it against `sha256("")`.
pub(crate) const EMPTY_SHA256: &[u8; 64] =
    b"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// The longest lifetime AWS accepts for a presigned URL: 7 days.
pub const MAX_PRESIGN_EXPIRY: Duration = Duration::from_secs(604_800);

/// Header names, lowercase (as they are signed).
pub(crate) mod header {
    /// `host`, always signed.
    pub(crate) const HOST: &str = "host";
    /// The header that carries a header signature.
    pub(crate) const AUTHORIZATION: &str = "authorization";
    /// The signing time, `YYYYMMDD'T'HHMMSS'Z'`.
    pub(crate) const X_AMZ_DATE: &str = "x-amz-date";
    /// The session token of temporary credentials.
    pub(crate) const X_AMZ_SECURITY_TOKEN: &str = "x-amz-security-token";
    /// The payload hash the request states (S3 requires it).
    pub(crate) const X_AMZ_CONTENT_SHA256: &str = "x-amz-content-sha256";
    /// SigV4a's region set, `*` or a comma list (signed).
    pub(crate) const X_AMZ_REGION_SET: &str = "x-amz-region-set";
    /// The length of an `aws-chunked` body once decoded.
    #[cfg(feature = "http")]
    pub(crate) const X_AMZ_DECODED_CONTENT_LENGTH: &str = "x-amz-decoded-content-length";
    /// The trailer an `aws-chunked` body ends with.
    #[cfg(feature = "http")]
    pub(crate) const X_AMZ_TRAILER: &str = "x-amz-trailer";
    /// The trailer line that carries the trailer's signature.
    #[cfg(feature = "http")]
    pub(crate) const X_AMZ_TRAILER_SIGNATURE: &str = "x-amz-trailer-signature";
}

/// The query parameter names of a presigned URL, as AWS writes them.
pub(crate) mod param {
    /// The algorithm name.
    pub(crate) const ALGORITHM: &str = "X-Amz-Algorithm";
    /// `AKID/scope`.
    pub(crate) const CREDENTIAL: &str = "X-Amz-Credential";
    /// The signing time.
    pub(crate) const DATE: &str = "X-Amz-Date";
    /// The lifetime in seconds.
    pub(crate) const EXPIRES: &str = "X-Amz-Expires";
    /// The signed header names, `;`-joined.
    pub(crate) const SIGNED_HEADERS: &str = "X-Amz-SignedHeaders";
    /// The signature, 64 hex digits.
    pub(crate) const SIGNATURE: &str = "X-Amz-Signature";
    /// The session token of temporary credentials.
    pub(crate) const SECURITY_TOKEN: &str = "X-Amz-Security-Token";
    /// SigV4a's region set.
    pub(crate) const REGION_SET: &str = "X-Amz-Region-Set";

    /// The parameters that make a request presigned: a signer refuses a request that already
    /// carries one, and a verifier reads a request with any of them as presigned. The first
    /// three are the ones a verifier looks for; presigning refuses all six.
    pub(crate) const AUTH: [&str; 6] = [
        ALGORITHM,
        CREDENTIAL,
        SIGNATURE,
        DATE,
        EXPIRES,
        SIGNED_HEADERS,
    ];
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn the_algorithm_name_round_trips() {
        assert_eq!(ALGORITHM, "AWS4-HMAC-SHA256");
        assert_eq!(Algorithm::from_name(ALGORITHM), Some(Algorithm::HmacSha256));
        assert_eq!(Algorithm::HmacSha256.to_string(), ALGORITHM);
        // Exact, as AWS compares it.
        assert_eq!(Algorithm::from_name("aws4-hmac-sha256"), None);
        for a in [Algorithm::HmacSha256, Algorithm::EcdsaP256Sha256] {
            assert_eq!(Algorithm::from_name(a.as_str()), Some(a));
        }
        assert_eq!(Algorithm::from_name("aws4-ecdsa-p256-sha256"), None);
    }
}
