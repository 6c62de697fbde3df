#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
//!
//! # Design
//!
//! The data flows one way, one module per stage:
//!
//! ```text
//! request ─① canonical_request─▶ canonical bytes ─sha256─▶ ② string_to_sign ─③ signing_key─▶ Signature ─④ signer─▶ headers / query
//! ```
//!
//! Only the crate's `crypto` module (a small interface over a backend chosen by `cfg`; today
//! RustCrypto's `hmac` and `sha2`) touches cryptography crates. Secrets live in
//! [`zeroize::Zeroizing`] buffers and are never printed.
//!
//! # Threat model
//!
//! [`Verifier`] decides who a request comes from. It guarantees, for every request it accepts:
//!
//! - **Who.** The signature was made with the secret that your [`CredentialsLookup`] returns for
//!   the access key id in the request, over the method, path, query and every header named in
//!   `SignedHeaders` (`host` always among them, and every `x-amz-*` header the request carries,
//!   so none can be added after signing). The 32 signature bytes are compared in constant time;
//!   lengths, and which field is malformed, are not secret.
//! - **Where and when.** The credential scope names your service and one of your regions; the
//!   request is dated within the skew window (15 minutes by default), or a presigned URL is
//!   inside its `X-Amz-Expires` (at most 7 days); temporary credentials have not expired (a
//!   presigned URL dies with them) and the session token is the one issued with the key.
//! - **One request, one reading.** Requests a proxy could read two ways are refused: two
//!   `Authorization` headers, both a header and a presigned query, a `Host` header that differs
//!   from the URI's authority.
//! - **The body**, when you give it as [`Payload::Bytes`]: its SHA-256 is the signed one. With
//!   [`Payload::Unsigned`] the client's claimed hash is signed but not checked against the bytes:
//!   [`Verified::payload`] says which, so a handler can check it. `UNSIGNED-PAYLOAD` is refused
//!   unless you allow it ([`UnsignedPayload`]); S3 requests must carry `x-amz-content-sha256`.
//!
//! It leaves to you, as AWS does:
//!
//! - **Replay.** A signed request can be sent again, unchanged, until it leaves the skew window
//!   (or a presigned URL expires). Make state-changing operations idempotent, or remember the
//!   signatures you have seen for the length of the window.
//! - **Authorisation.** A valid signature says who; what that key may do is your policy.
//! - **Unsigned headers** (other than `x-amz-*`) reach you as the client or a proxy sent them:
//!   read only the signed ones ([`Verified::signed_headers`]) for decisions.
//! - **Transport.** The signature does not encrypt; use TLS.
//!
//! What the `gateway` module (feature `gateway`) and the tower `VerifyLayer` (feature `tower`) add:
//! they decide everything the headers can decide (missing or malformed authorization, unknown
//! key, scope, time, token) before reading a byte of the body, then read the body within a size
//! limit and a timeout; they forward exactly the path that was verified (never raw dot
//! segments); their 403 answers quote the canonical request with the session token redacted
//! ([`TokenDisplay`]) and echo another scheme's `Authorization` only by its scheme name.

mod amz_date;
mod authorization;
mod canonical_request;
mod clock_skew;
mod credentials;
mod crypto;
mod diagnose;
mod encode;
mod endpoint;
mod error;
mod error_body;
mod explanation;
#[cfg(feature = "gateway")]
#[cfg_attr(docsrs, doc(cfg(feature = "gateway")))]
pub mod gateway;
mod key_cache;
mod output;
mod payload;
mod provider;
mod request;
mod settings;
mod signer;
mod signing_key;
mod sink;
mod string_to_sign;
mod verifier;
mod verify_error;

#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod reqwest;

#[cfg(feature = "aws-config")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws-config")))]
pub mod aws_config;

pub use amz_date::{AmzDate, SigningTime};
pub use authorization::{AuthorizationHeader, Credential, PresignedQuery};
pub use clock_skew::{ClockOffset, ClockSource, clock_offset};
pub use credentials::Credentials;
pub use diagnose::{Cause, Diagnosis, Difference, Evidence, Part, diagnose};
pub use endpoint::{InferredScope, infer_scope};
pub use error::Error;
pub use error_body::ErrorBody;
pub use explanation::Explanation;
pub use payload::{Payload, UNSIGNED_PAYLOAD};
pub use provider::{
    CredentialsCache, DEFAULT_REFRESH_BEFORE, EnvironmentProvider, FnProvider, ProvideCredentials,
    ProvideCredentialsAsync, ProvideFuture, ProvidedSigner, SignerSource, provider_fn,
};
pub use request::SignableRequest;
pub use settings::{
    DEFAULT_EXCLUDED_HEADERS, PathNormalization, PayloadHashHeader, PresignPayload,
    SessionTokenSigning, Settings, UriEncoding,
};
pub use signer::{MAX_PRESIGN_EXPIRY, SignableBody, Signer, SigningOutput, WrittenAuthorization};
pub use signing_key::{Signature, SigningKey};
pub use string_to_sign::ALGORITHM;
pub use verifier::{
    Authenticated, CredentialsLookup, DEFAULT_MAX_SKEW, PayloadKind, ServerView, TokenDisplay,
    UnsignedPayload, Verified, Verifier,
};
pub use verify_error::{
    CANONICAL_STRING_INTRO, SIGNATURE_MISMATCH_MESSAGE, STRING_TO_SIGN_INTRO, STRING_TO_SIGN_OUTRO,
    VerifyError,
};
