//! Why a signed request was rejected: [`VerifyError`], with a Rust-style `Display` for logs and AWS's own code and sentence for the wire.
//!
//! [`VerifyError::aws_code`] and [`VerifyError::aws_message`] are what AWS answers in the same
//! case (API Gateway's for header auth, S3's for presigned URLs), so a client sees the text it
//! would see from AWS. No message carries a secret or a value the verifier computed.

use crate::prelude::*;

use core::fmt;

use crate::time::AmzDate;

/// The sentence AWS answers when the recomputed signature differs.
pub(crate) const SIGNATURE_MISMATCH_MESSAGE: &str = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

/// A rejected request.
///
/// `Display` says what was wrong, in lowercase, for logs and people; the wire answer is
/// [`VerifyError::status`], [`VerifyError::aws_code`] (the `x-amzn-ErrorType`) and
/// [`VerifyError::aws_message`] (AWS's sentence for the case).
///
/// ```
/// use awssig::VerifyError;
/// let e = VerifyError::SignatureMismatch;
/// assert_eq!(e.to_string(), "signature does not match");
/// assert_eq!(e.aws_code(), "InvalidSignatureException");
/// assert!(e.aws_message().starts_with("The request signature we calculated does not match"));
/// assert_eq!(e.status(), 403);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum VerifyError {
    /// Neither an `Authorization` header nor presigned query parameters.
    MissingAuthenticationToken,
    /// The `Authorization` header lacks parameters (or uses another scheme, such as `Bearer`).
    IncompleteSignature {
        /// The missing parameters, among `Credential`, `Signature` and `SignedHeaders`.
        missing: Vec<&'static str>,
        /// Whether the request also lacks `X-Amz-Date`.
        date_missing: bool,
        /// The header as received when it is in the SigV4 scheme (which holds no secret);
        /// for another scheme only its name (`Bearer <redacted>`), never its credentials.
        authorization: String,
    },
    /// A comma-separated piece of the `Authorization` header has no `=`.
    MalformedPair {
        /// The piece.
        pair: String,
        /// The header as received.
        authorization: String,
    },
    /// A parameter appears twice in the `Authorization` header.
    DuplicateParameter {
        /// The parameter name.
        name: String,
    },
    /// A presigned URL lacks one of the `X-Amz-*` parameters.
    MissingQueryParameters,
    /// Both an `Authorization` header and presigned query parameters.
    MultipleAuthMechanisms,
    /// `X-Amz-Algorithm` names another algorithm.
    UnsupportedAlgorithm {
        /// The algorithm given.
        algorithm: String,
    },
    /// The credential is not `AKID/YYYYMMDD/region/service/aws4_request`.
    MalformedCredential {
        /// The credential as given.
        credential: String,
    },
    /// The credential scope does not end with `aws4_request`.
    InvalidTerminator {
        /// The terminator given.
        terminator: String,
    },
    /// The credential scope names a region this verifier does not accept.
    WrongRegion {
        /// The region given.
        region: String,
    },
    /// The credential scope names another service; AWS names the expected one.
    WrongService {
        /// The service this verifier accepts.
        expected: String,
    },
    /// The date in the scope is not the date of `X-Amz-Date`.
    ScopeDateMismatch {
        /// The scope date.
        scope_date: String,
        /// The request's `X-Amz-Date`.
        amz_date: AmzDate,
    },
    /// `X-Amz-Date` is not `YYYYMMDD'T'HHMMSS'Z'`.
    InvalidDate {
        /// The value as given.
        value: String,
    },
    /// The signature is not 64 hex digits.
    MalformedSignature,
    /// `SignedHeaders` is empty or names an invalid header.
    MalformedSignedHeaders {
        /// The list as given.
        signed_headers: String,
    },
    /// `host` is not among the signed headers.
    HostNotSigned,
    /// `x-amz-*` headers were sent without being signed.
    HeadersNotSigned {
        /// Their names, lowercase.
        names: Vec<String>,
    },
    /// `X-Amz-Date` is older than the allowed clock skew.
    Expired {
        /// The request's date.
        request_time: AmzDate,
        /// The server's time less the window.
        earliest: AmzDate,
        /// The server's time.
        server_time: AmzDate,
        /// The window in whole minutes.
        window_minutes: u64,
    },
    /// `X-Amz-Date` is further in the future than the allowed clock skew.
    NotYetCurrent {
        /// The request's date.
        request_time: AmzDate,
        /// The server's time plus the window.
        latest: AmzDate,
        /// The server's time.
        server_time: AmzDate,
        /// The window in whole minutes.
        window_minutes: u64,
    },
    /// `X-Amz-Expires` is not a number.
    InvalidExpires,
    /// `X-Amz-Expires` is more than 7 days.
    ExpiresTooLong,
    /// A presigned URL is past `X-Amz-Date + X-Amz-Expires`.
    PresignExpired {
        /// When it expired.
        expires_at: AmzDate,
        /// The server's time.
        server_time: AmzDate,
    },
    /// A presigned URL is dated in the future beyond the allowed skew.
    PresignNotYetValid {
        /// The server's time.
        server_time: AmzDate,
    },
    /// The access key id is unknown to the credentials lookup.
    UnknownAccessKey,
    /// The session token is missing, unexpected, or not the one issued with the key.
    InvalidSecurityToken,
    /// `UNSIGNED-PAYLOAD` was used but this verifier requires a signed payload.
    UnsignedPayloadNotAllowed,
    /// `x-amz-content-sha256` is neither a SHA-256 in hex nor `UNSIGNED-PAYLOAD`.
    InvalidContentSha256,
    /// `x-amz-content-sha256` does not match the body.
    ContentSha256Mismatch,
    /// The signature does not match. Deliberately says nothing more.
    SignatureMismatch,
    /// The credentials the lookup returned for the access key expired at or before the
    /// server's time (temporary credentials; this applies to presigned URLs too, whatever their
    /// `X-Amz-Expires`).
    ExpiredToken,
    /// The request carries more than one `Authorization` header. Which one counts would depend
    /// on who reads it (a proxy may take the last, the verifier the first), so none does.
    MultipleAuthorizationHeaders,
    /// The request carries more than one `Host` header (RFC 9112 §3.2 requires a 400).
    MultipleHostHeaders,
    /// The `Host` header and the authority of the request URI name different hosts (RFC 9112
    /// §3.2.2, RFC 9113 §8.3.1): the signature was made for one of them, and the request may be
    /// routed by the other.
    ///
    /// Hosts compare case-insensitively; a port equal to the scheme's default (443 for
    /// `https`, 80 for `http`), or an empty one, is the same as none, so `Host: example.com`
    /// agrees with `https://example.com:443/` but `Host: example.com:80` does not agree with
    /// `https://example.com/`. The URI's userinfo is ignored; a `Host` header with `@` agrees
    /// with nothing.
    HostMismatch {
        /// The `Host` header as received.
        host: String,
        /// The URI's host and port, without any userinfo.
        authority: String,
    },
    /// S3 header auth without `x-amz-content-sha256`, which S3 requires on every SigV4 request.
    MissingContentSha256,
    /// A SigV4a (`AWS4-ECDSA-P256-SHA256`) `Authorization` header without the
    /// `x-amz-region-set` header that names where the signature is valid.
    MissingRegionSet,
}

impl VerifyError {
    /// The code AWS answers with: the `x-amzn-ErrorType` API Gateway sends (S3's `<Code>` for
    /// the one S3-only case).
    pub fn aws_code(&self) -> &'static str {
        match self {
            Self::MissingAuthenticationToken => "MissingAuthenticationTokenException",
            Self::IncompleteSignature { .. }
            | Self::MalformedPair { .. }
            | Self::DuplicateParameter { .. }
            | Self::MissingQueryParameters
            | Self::MalformedCredential { .. }
            | Self::MalformedSignature
            | Self::MalformedSignedHeaders { .. }
            | Self::HostNotSigned
            | Self::InvalidDate { .. }
            | Self::InvalidExpires
            | Self::UnsupportedAlgorithm { .. }
            | Self::MultipleAuthorizationHeaders
            | Self::MissingRegionSet
            | Self::MultipleAuthMechanisms => "IncompleteSignatureException",
            Self::UnknownAccessKey | Self::InvalidSecurityToken => "UnrecognizedClientException",
            Self::ExpiredToken => "ExpiredTokenException",
            Self::MultipleHostHeaders | Self::HostMismatch { .. } => "BadRequestException",
            // S3's code: S3 is the only service that requires the header.
            Self::MissingContentSha256 => "InvalidRequest",
            Self::PresignExpired { .. }
            | Self::PresignNotYetValid { .. }
            | Self::HeadersNotSigned { .. } => "AccessDeniedException",
            Self::InvalidTerminator { .. }
            | Self::WrongRegion { .. }
            | Self::WrongService { .. }
            | Self::ScopeDateMismatch { .. }
            | Self::Expired { .. }
            | Self::NotYetCurrent { .. }
            | Self::ExpiresTooLong
            | Self::UnsignedPayloadNotAllowed
            | Self::InvalidContentSha256
            | Self::ContentSha256Mismatch
            | Self::SignatureMismatch => "InvalidSignatureException",
        }
    }

    /// The HTTP status to answer with: 403 for every authentication failure, as AWS does, and
    /// 400 for a request that is malformed whoever sent it: a `Host` header that contradicts the
    /// URI or is repeated (RFC 9112 §3.2 asks for 400: the request names no single target, so
    /// no credentials could make it acceptable), and S3's missing `x-amz-content-sha256` (S3
    /// answers 400 `InvalidRequest`).
    pub fn status(&self) -> u16 {
        match self {
            Self::MultipleHostHeaders | Self::HostMismatch { .. } | Self::MissingContentSha256 => {
                400
            }
            Self::MissingAuthenticationToken
            | Self::IncompleteSignature { .. }
            | Self::MalformedPair { .. }
            | Self::DuplicateParameter { .. }
            | Self::MissingQueryParameters
            | Self::MultipleAuthMechanisms
            | Self::UnsupportedAlgorithm { .. }
            | Self::MalformedCredential { .. }
            | Self::InvalidTerminator { .. }
            | Self::WrongRegion { .. }
            | Self::WrongService { .. }
            | Self::ScopeDateMismatch { .. }
            | Self::InvalidDate { .. }
            | Self::MalformedSignature
            | Self::MalformedSignedHeaders { .. }
            | Self::HostNotSigned
            | Self::HeadersNotSigned { .. }
            | Self::Expired { .. }
            | Self::NotYetCurrent { .. }
            | Self::InvalidExpires
            | Self::ExpiresTooLong
            | Self::PresignExpired { .. }
            | Self::PresignNotYetValid { .. }
            | Self::UnknownAccessKey
            | Self::InvalidSecurityToken
            | Self::UnsignedPayloadNotAllowed
            | Self::InvalidContentSha256
            | Self::ContentSha256Mismatch
            | Self::SignatureMismatch
            | Self::ExpiredToken
            | Self::MissingRegionSet
            | Self::MultipleAuthorizationHeaders => 403,
        }
    }

    /// AWS's sentence for this case, as API Gateway (or, for presigned URLs, S3) words it: the
    /// `message` of the 403 body. Carries no secret: another scheme's `Authorization` is shown
    /// only by its scheme name.
    pub fn aws_message(&self) -> String {
        AwsMessage(self).to_string()
    }
}

/// Writes [`VerifyError::aws_message`].
struct AwsMessage<'a>(&'a VerifyError);

impl fmt::Display for AwsMessage<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            VerifyError::MissingAuthenticationToken => f.write_str("Missing Authentication Token"),
            VerifyError::IncompleteSignature {
                missing,
                date_missing,
                authorization,
            } => {
                for p in missing {
                    write!(f, "Authorization header requires '{p}' parameter. ")?;
                }
                if *date_missing {
                    f.write_str(
                        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. ",
                    )?;
                }
                write!(f, "Authorization={authorization}")
            }
            VerifyError::MalformedPair {
                pair,
                authorization,
            } => write!(
                f,
                "'{pair}' not a valid key=value pair (missing equal-sign) in Authorization header: '{authorization}'."
            ),
            VerifyError::DuplicateParameter { name } => {
                write!(f, "Authorization header has a duplicate '{name}' parameter.")
            }
            VerifyError::MissingQueryParameters => f.write_str(
                "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.",
            ),
            VerifyError::MultipleAuthMechanisms => f.write_str(
                "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
            ),
            VerifyError::UnsupportedAlgorithm { .. } => {
                f.write_str("X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
            }
            VerifyError::MalformedCredential { .. } => f.write_str(
                "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".",
            ),
            VerifyError::InvalidTerminator { terminator } => write!(
                f,
                "Credential should be scoped with a valid terminator: 'aws4_request', not '{terminator}'. "
            ),
            VerifyError::WrongRegion { region } => {
                write!(f, "Credential should be scoped to a valid region, not '{region}'. ")
            }
            VerifyError::WrongService { expected } => {
                write!(f, "Credential should be scoped to correct service: '{expected}'. ")
            }
            VerifyError::ScopeDateMismatch {
                scope_date,
                amz_date,
            } => write!(
                f,
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '{scope_date}' != '{}', from '{amz_date}'.",
                amz_date.date()
            ),
            VerifyError::InvalidDate { .. } => f.write_str(
                "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"",
            ),
            VerifyError::MalformedSignature => {
                f.write_str("The signature must be 64 hexadecimal digits.")
            }
            VerifyError::MalformedSignedHeaders { signed_headers } => write!(
                f,
                "SignedHeaders must be a ';'-separated list of lowercase header names, not '{signed_headers}'."
            ),
            VerifyError::HostNotSigned => f.write_str(
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
            ),
            VerifyError::HeadersNotSigned { .. } => {
                f.write_str("There were headers present in the request which were not signed")
            }
            VerifyError::Expired {
                request_time,
                earliest,
                server_time,
                window_minutes,
            } => write!(
                f,
                "Signature expired: {request_time} is now earlier than {earliest} ({server_time} - {window_minutes} min.)"
            ),
            VerifyError::NotYetCurrent {
                request_time,
                latest,
                server_time,
                window_minutes,
            } => write!(
                f,
                "Signature not yet current: {request_time} is still later than {latest} ({server_time} + {window_minutes} min.)"
            ),
            VerifyError::InvalidExpires => f.write_str("X-Amz-Expires should be a number"),
            VerifyError::ExpiresTooLong => f.write_str(
                "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds",
            ),
            VerifyError::PresignExpired { .. } => f.write_str("Request has expired"),
            VerifyError::PresignNotYetValid { .. } => f.write_str("Request is not yet valid"),
            VerifyError::UnknownAccessKey | VerifyError::InvalidSecurityToken => {
                f.write_str("The security token included in the request is invalid.")
            }
            VerifyError::UnsignedPayloadNotAllowed => f.write_str(
                "UNSIGNED-PAYLOAD is not accepted here: sign the SHA-256 of the body in x-amz-content-sha256.",
            ),
            VerifyError::InvalidContentSha256 => f.write_str(
                "x-amz-content-sha256 must be UNSIGNED-PAYLOAD or a valid sha256 value.",
            ),
            VerifyError::ContentSha256Mismatch => f.write_str(
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
            ),
            VerifyError::SignatureMismatch => f.write_str(SIGNATURE_MISMATCH_MESSAGE),
            VerifyError::ExpiredToken => {
                f.write_str("The security token included in the request is expired")
            }
            VerifyError::MultipleAuthorizationHeaders => f.write_str(
                "The request has more than one Authorization header; send exactly one.",
            ),
            VerifyError::MultipleHostHeaders => {
                f.write_str("The request has more than one Host header; send exactly one.")
            }
            VerifyError::HostMismatch { host, authority } => write!(
                f,
                "The Host header '{host}' does not name the host of the request URI '{authority}'; send the same host in both, or only one of them."
            ),
            VerifyError::MissingContentSha256 => {
                f.write_str("Missing required header for this request: x-amz-content-sha256")
            }
            VerifyError::MissingRegionSet => {
                f.write_str("Missing required header for this request: x-amz-region-set")
            }
        }
    }
}

impl fmt::Display for VerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingAuthenticationToken => f.write_str(
                "the request is not signed: no `Authorization` header and no presigned `X-Amz-*` query parameters",
            ),
            Self::IncompleteSignature {
                missing,
                date_missing,
                authorization,
            } => {
                f.write_str("incomplete `Authorization` header")?;
                if !missing.is_empty() {
                    write!(f, ": missing {}", missing.join(", "))?;
                }
                if *date_missing {
                    f.write_str("; no `X-Amz-Date` or `Date` header")?;
                }
                write!(f, " (got `{authorization}`)")
            }
            Self::MalformedPair { pair, .. } => write!(
                f,
                "malformed `Authorization` header: `{pair}` is not a key=value pair"
            ),
            Self::DuplicateParameter { name } => {
                write!(f, "malformed `Authorization` header: `{name}` appears twice")
            }
            Self::MissingQueryParameters => f.write_str(
                "incomplete presigned URL: X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders and X-Amz-Expires are all required",
            ),
            Self::MultipleAuthMechanisms => f.write_str(
                "the request is signed twice: both an `Authorization` header and presigned query parameters",
            ),
            Self::UnsupportedAlgorithm { algorithm } => write!(
                f,
                "unsupported algorithm `{algorithm}`: only AWS4-HMAC-SHA256 and AWS4-ECDSA-P256-SHA256 are accepted"
            ),
            Self::MalformedCredential { credential } => write!(
                f,
                "malformed credential `{credential}`: expected AKID/YYYYMMDD/region/service/aws4_request"
            ),
            Self::InvalidTerminator { terminator } => write!(
                f,
                "credential scope ends with `{terminator}` instead of `aws4_request`"
            ),
            Self::WrongRegion { region } => {
                write!(f, "credential scope names region `{region}`, which is not accepted here")
            }
            Self::WrongService { expected } => write!(
                f,
                "credential scope names another service: sign for service `{expected}`"
            ),
            Self::ScopeDateMismatch {
                scope_date,
                amz_date,
            } => write!(
                f,
                "credential scope date {scope_date} is not the date of X-Amz-Date {amz_date}"
            ),
            Self::InvalidDate { value } => write!(
                f,
                "invalid X-Amz-Date `{value}`: expected YYYYMMDD'T'HHMMSS'Z'"
            ),
            Self::MalformedSignature => f.write_str(
                "the signature is not 64 lowercase hex digits (SigV4) or the lowercase hex of a DER signature (SigV4a)",
            ),
            Self::MalformedSignedHeaders { signed_headers } => write!(
                f,
                "malformed SignedHeaders `{signed_headers}`: expected lowercase header names separated by `;`"
            ),
            Self::HostNotSigned => f.write_str("the `host` header is not among the signed headers"),
            Self::HeadersNotSigned { names } => {
                write!(f, "x-amz-* headers sent but not signed: {}", names.join(", "))
            }
            Self::Expired {
                request_time,
                server_time,
                window_minutes,
                ..
            } => write!(
                f,
                "the request is dated {request_time}, more than {window_minutes} min before the server's time {server_time}"
            ),
            Self::NotYetCurrent {
                request_time,
                server_time,
                window_minutes,
                ..
            } => write!(
                f,
                "the request is dated {request_time}, more than {window_minutes} min after the server's time {server_time}"
            ),
            Self::InvalidExpires => f.write_str("invalid X-Amz-Expires: not a number of seconds"),
            Self::ExpiresTooLong => {
                f.write_str("the presigned URL lives too long: X-Amz-Expires is over 7 days (604800 seconds)")
            }
            Self::PresignExpired {
                expires_at,
                server_time,
            } => write!(
                f,
                "the presigned URL expired at {expires_at} (server time {server_time})"
            ),
            Self::PresignNotYetValid { server_time } => write!(
                f,
                "the presigned URL is dated after the server's time {server_time}"
            ),
            Self::UnknownAccessKey => f.write_str("unknown access key id"),
            Self::InvalidSecurityToken => f.write_str(
                "the session token is missing, unexpected, or not the one issued with the access key",
            ),
            Self::UnsignedPayloadNotAllowed => {
                f.write_str("unsigned payload refused: sign the body's SHA-256 instead of UNSIGNED-PAYLOAD")
            }
            Self::InvalidContentSha256 => f.write_str(
                "invalid x-amz-content-sha256: expected 64 hex digits or UNSIGNED-PAYLOAD",
            ),
            Self::ContentSha256Mismatch => {
                f.write_str("x-amz-content-sha256 does not match the body")
            }
            Self::SignatureMismatch => f.write_str("signature does not match"),
            Self::ExpiredToken => f.write_str("the temporary credentials have expired"),
            Self::MultipleAuthorizationHeaders => {
                f.write_str("more than one `Authorization` header")
            }
            Self::MultipleHostHeaders => f.write_str("more than one `Host` header"),
            Self::HostMismatch { host, authority } => write!(
                f,
                "the `Host` header `{host}` and the request URI's host `{authority}` differ"
            ),
            Self::MissingContentSha256 => {
                f.write_str("missing x-amz-content-sha256 header, which S3 requires on every request")
            }
            Self::MissingRegionSet => f.write_str(
                "missing x-amz-region-set header: a SigV4a (AWS4-ECDSA-P256-SHA256) signature names its region set there, and signs it",
            ),
        }
    }
}

impl core::error::Error for VerifyError {}
