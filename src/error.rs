//! Why signing failed ([`SignError`]) or no credentials could be had ([`ProviderError`]); every
//! message says what was wrong and how to fix it.
//!
//! No message carries a secret. [`ProviderError`] lives here rather than in `provider`, because
//! [`Credentials::from_env`](crate::Credentials::from_env), in the input layer, returns it too.

use crate::prelude::*;

/// A request or setting that cannot be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// Neither a `host` header nor a URI authority names the host to sign.
    #[error(
        "the request has no host to sign: use an absolute URI (https://host/path) or set a `host` header"
    )]
    MissingHost,

    /// The request target or URI could not be understood.
    #[error("invalid request target `{target}`: {reason}")]
    InvalidUri {
        /// The target as given, without userinfo or query (either may hold a secret).
        target: String,
        /// What is wrong with it.
        reason: &'static str,
    },

    /// The HTTP method is empty or not an RFC 9110 token.
    #[error("invalid HTTP method `{method}`: use a token such as GET or POST")]
    InvalidMethod {
        /// The method as given.
        method: String,
    },

    /// A header name is empty or not an RFC 9110 token.
    #[error(
        "invalid header name `{name}`: header names are RFC 9110 tokens (letters, digits, `-`, ...)"
    )]
    InvalidHeaderName {
        /// The name as given.
        name: String,
    },

    /// The request has more than one `host` header (RFC 9112 §3.2: a server answers 400).
    #[error(
        "the request has more than one `host` header: send exactly one (servers refuse the request, and a verifier would not know which host was signed)"
    )]
    MultipleHostHeaders,

    /// A header value contains bytes that cannot be signed or sent.
    #[error("header `{name}` cannot be signed: {reason}")]
    InvalidHeaderValue {
        /// The header's name (its value is not repeated: it may be a secret).
        name: String,
        /// What is wrong with the value, and how to fix it.
        reason: &'static str,
    },

    /// The region is empty or uses characters outside `[a-z0-9-]`.
    #[error(
        "invalid region `{region}`: a region is lowercase letters, digits and `-`, such as `us-east-1`"
    )]
    InvalidRegion {
        /// The region as given.
        region: String,
    },

    /// A SigV4a region set is not `*`, one region or a comma list of regions.
    #[error(
        "invalid SigV4a region set `{region_set}`: use `*` (every region), one region such as `us-east-1`, or a comma list such as `us-east-1,us-west-2` (lowercase letters, digits, `-`, and `*` as a wildcard; no spaces)"
    )]
    InvalidRegionSet {
        /// The region set as given.
        region_set: String,
    },

    /// No SigV4a key could be derived from the credentials: every one of the 254 candidates
    /// of the key derivation was out of range (a chance of about 2^-8000 per secret).
    #[error(
        "no SigV4a (ECDSA P-256) key can be derived from these credentials: every candidate of the key derivation was out of range; use other credentials"
    )]
    SigV4aKeyDerivation,

    /// A signing form that exists for SigV4 (HMAC-SHA256) only was asked of a SigV4a signer.
    #[error(
        "{what} is signed with SigV4 (AWS4-HMAC-SHA256) only: use a signer made by Signer::new for it"
    )]
    NotForSigV4a {
        /// What was asked: `aws-chunked signing`, `an event stream`, `a POST policy`.
        what: &'static str,
    },

    /// The service name is empty or uses characters outside `[a-z0-9-]`.
    #[error(
        "invalid service `{service}`: a signing name is lowercase letters, digits and `-`, such as `execute-api`, `lambda` or `s3`"
    )]
    InvalidService {
        /// The service as given.
        service: String,
    },

    /// The signing time cannot be written as an `X-Amz-Date` (years 0000 to 9999, UTC).
    #[error(
        "signing time is outside the range X-Amz-Date can express (years 0000 to 9999 UTC): check the clock or the time given to sign_at"
    )]
    TimeOutOfRange,

    /// A presigned URL's lifetime is zero or longer than AWS accepts.
    #[error("presign expiry of {seconds} s is invalid: AWS accepts 1 second to 7 days (604800 s)")]
    InvalidExpiry {
        /// The requested lifetime in whole seconds.
        seconds: u64,
    },

    /// A presign was asked for a request that already carries an `authorization` header or
    /// presigned `X-Amz-*` query parameters.
    #[error(
        "the request is already signed: it has an `authorization` header (presigning) or `X-Amz-Algorithm`/`X-Amz-Credential`/`X-Amz-Signature` query parameters (any signing; a verifier would read it as presigned): remove them and sign again"
    )]
    AlreadySigned,

    /// The access key id is empty or contains characters that break the `Credential` field.
    #[error(
        "invalid access key id: it must be non-empty ASCII without `/`, `,`, `=` or whitespace (check AWS_ACCESS_KEY_ID)"
    )]
    InvalidAccessKeyId,

    /// The secret access key is empty.
    #[error("the secret access key is empty: check AWS_SECRET_ACCESS_KEY")]
    EmptySecretKey,

    /// The region and service cannot be read from the host name.
    #[error(
        "cannot infer the region and service from host `{host}`: {reason}; pass them explicitly (Signer::new(credentials, region, service), or --region and --service)"
    )]
    CannotInferScope {
        /// The host as given.
        host: String,
        /// Why the name was not recognised.
        reason: &'static str,
    },

    /// A body to be hashed is larger than the configured buffer.
    #[error(
        "the request body is larger than the {limit}-byte signing buffer: raise the limit, or sign with UNSIGNED-PAYLOAD or a precomputed x-amz-content-sha256 where the service accepts it"
    )]
    BodyTooLarge {
        /// The buffer limit in bytes.
        limit: usize,
    },

    /// The request body is not in memory, so it cannot be hashed.
    #[error(
        "the request body is not in memory and cannot be hashed: use sign_payload_at with Payload::Unsigned or Payload::Precomputed"
    )]
    BodyNotInMemory,

    /// The caller's buffer is too small for the `Authorization` value
    /// ([`Signer::sign_into`](crate::Signer::sign_into)).
    #[error(
        "the buffer holds {len} bytes but the authorization value needs {needed}: pass a buffer of at least {needed} bytes"
    )]
    BufferTooSmall {
        /// How many bytes the value needs.
        needed: usize,
        /// How many bytes the buffer holds.
        len: usize,
    },

    /// The query is not in canonical percent-encoding, so the server would decode another query
    /// than the one signed, and [`Signer::sign_into`](crate::Signer::sign_into) cannot rewrite it.
    #[error(
        "the query is not in canonical percent-encoding (a `+`, a raw space or UTF-8 byte, a lowercase escape or an empty `&&` piece): encode it as SigV4 does, or use sign_request_at, whose output gives the query to send"
    )]
    QueryNotCanonical,
}

/// No credentials to sign with: the environment lacks them, the provider failed or handed out
/// expired ones. Signing through a provider ([`ProvidedSigner`](crate::provider::ProvidedSigner))
/// fails either here or in signing itself, so its methods return this type, with the signing
/// failure as [`ProviderError::Sign`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProviderError {
    /// A credentials environment variable is missing or empty.
    #[error(
        "environment variable {name} is not set: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN for temporary credentials)"
    )]
    MissingEnvVar {
        /// The variable that was missing.
        name: &'static str,
    },

    /// The credentials expired and no fresh ones could be obtained.
    #[error(
        "the credentials expired at {expired_at} (UNIX seconds) and the provider returned no fresh ones: refresh the session (aws sso login, a new role session) or check the provider"
    )]
    ExpiredCredentials {
        /// When they expired, in seconds since the UNIX epoch.
        expired_at: u64,
    },

    /// An asynchronous provider was asked for credentials synchronously.
    #[error(
        "this credentials provider is asynchronous: call credentials_async / signer_async / sign_async"
    )]
    AsyncProvider,

    /// The provider failed; [`source()`](core::error::Error::source) is its own error, whose
    /// chain says why.
    #[error("the credentials provider failed")]
    Provider(#[source] Box<dyn core::error::Error + Send + Sync + 'static>),

    /// Credentials were had, and signing with them failed.
    #[error(transparent)]
    Sign(#[from] SignError),
}

impl ProviderError {
    /// A provider failure that keeps `source` as its [`source()`](core::error::Error::source).
    pub fn provider(
        source: impl Into<Box<dyn core::error::Error + Send + Sync + 'static>>,
    ) -> Self {
        Self::Provider(source.into())
    }
}

/// A target for an error message: scheme, host and path, without userinfo (`user:pass@`) or the
/// query (a presigned URL's `X-Amz-Security-Token`), which may be secrets.
pub(crate) fn shown_target(target: &str) -> String {
    let no_query = target.split(['?', '#']).next().unwrap_or_default();
    match no_query.split_once("://") {
        Some((scheme, rest)) => {
            let (authority, path) = rest.find('/').map_or((rest, ""), |i| rest.split_at(i));
            let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
            format!("{scheme}://{host}{path}")
        }
        None => no_query.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::shown_target;

    #[test]
    fn shown_targets_drop_userinfo_and_query() {
        assert_eq!(
            shown_target("https://user:pass@h.example/p?X-Amz-Security-Token=t#f"),
            "https://h.example/p"
        );
        assert_eq!(shown_target("/p?token=t"), "/p");
        assert_eq!(shown_target("relative"), "relative");
    }
}
