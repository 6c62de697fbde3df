#![doc = include_str!("../README.md")]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
//!
//! # Design
//!
//! The data flows one way, one module per stage (`sign::*`, private to the crate), driven by the
//! [`Signer`] and, in reverse, by the [`Verifier`]:
//!
//! ```text
//! SignableRequest ─signer::plan─▶ ① sign::canonical ─sha256─▶ ② sign::string_to_sign ─③ sign::key─▶ Signature ─④ sign::authorization─▶ Authorization / X-Amz-*
//!                                  (sign::encode)                (Scope, spec::Algorithm)   (sign::key_cache)                              │
//!   http::Request ◀──────────── signer::http ◀──────────── signer::signed (Signed) ◀─────────────────────────────────────────────────────────────┘
//! ```
//!
//! The modules form layers; each imports only from the layers above it in this list, never
//! from one below:
//!
//! 1. **input**: `time` (signing time, `X-Amz-Date`, HTTP dates), `credentials`, `request`,
//!    `settings`, `payload`, `spec` (every wire name and constant, [`Algorithm`]), `sink`
//!    (where bytes go), `crypto` (the only code touching a cryptography crate), `error`;
//! 2. **stages**: `sign` (`encode`, `canonical`, `string_to_sign`, `key`, `key_cache`, and
//!    `authorization`, the only writer of `Authorization` and `X-Amz-*`);
//! 3. **explain**: [`Explanation`], the readable view of a signature that the signer fills
//!    and the verifier's view shares redaction with (it imports only `time` and `credentials`);
//! 4. **signer**: `signer` (entry points), `signer::plan` (what gets signed),
//!    `signer::signed` (the one output type), `signer::http`, `signer::endpoint`;
//! 5. **verify**: `verify` (`parse`, `checks`, `error`, `aws_response`);
//! 6. **diagnose**: `diagnose` (`error_body`, `clock`);
//! 7. **integrations**: `provider` (`aws_config`), `tower`, `reqwest`, `gateway`.
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

mod credentials;
mod crypto;
mod diagnose;
mod error;
mod explain;
#[cfg(feature = "gateway")]
#[cfg_attr(docsrs, doc(cfg(feature = "gateway")))]
pub mod gateway;
mod payload;
mod provider;
mod request;
mod settings;
mod sign;
mod signer;
mod sink;
mod spec;
mod time;
mod verify;

#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod reqwest;

#[cfg(feature = "aws-config")]
#[doc(inline)]
pub use provider::aws_config;

pub use credentials::Credentials;
pub use diagnose::clock::{ClockOffset, ClockSource, clock_offset};
pub use diagnose::error_body::ErrorBody;
pub use diagnose::{Cause, Diagnosis, Difference, Evidence, Part, diagnose};
pub use error::Error;
pub use explain::{Explanation, ServerView, TokenDisplay};
pub use payload::Payload;
pub use provider::{
    CredentialsCache, DEFAULT_REFRESH_BEFORE, EnvironmentProvider, FnProvider, ProvideCredentials,
    ProvideCredentialsAsync, ProvideFuture, ProvidedSigner, SignerSource, provider_fn,
};
pub use request::SignableRequest;
pub use settings::{
    DEFAULT_EXCLUDED_HEADERS, PathNormalization, PayloadHashHeader, PresignPayload,
    SessionTokenSigning, Settings, UriEncoding,
};
pub use sign::key::{Signature, SigningKey};
pub use signer::endpoint::{InferredScope, infer_scope};
pub use signer::{SignableBody, Signed, Signer, SigningOutput, WrittenAuthorization};
pub use spec::{ALGORITHM, Algorithm, MAX_PRESIGN_EXPIRY, UNSIGNED_PAYLOAD};
pub use time::{AmzDate, SigningTime};
pub use verify::aws_response::{
    CANONICAL_STRING_INTRO, STRING_TO_SIGN_INTRO, STRING_TO_SIGN_OUTRO,
};
pub use verify::error::{SIGNATURE_MISMATCH_MESSAGE, VerifyError};
pub use verify::parse::{AuthorizationHeader, Credential, PresignedQuery};
pub use verify::{
    Authenticated, CredentialsLookup, DEFAULT_MAX_SKEW, PayloadKind, UnsignedPayload, Verified,
    Verifier,
};
