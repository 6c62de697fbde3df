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

mod authorization;
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
mod verifier;
mod verify_error;

#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod reqwest;

#[cfg(feature = "aws-config")]
#[doc(inline)]
pub use provider::aws_config;

// The old module paths that verifier.rs, verify_error.rs, authorization.rs and request.rs still
// name: those files move after the verifier branch merges, and these aliases go with them.
use self::time as amz_date;
mod clock_skew {
    pub(crate) use crate::time::parse_http_date;
}
use explain as explanation;
use sign::{canonical as canonical_request, key as signing_key, string_to_sign};

pub use authorization::{AuthorizationHeader, Credential, PresignedQuery};
pub use credentials::Credentials;
pub use diagnose::clock::{ClockOffset, ClockSource, clock_offset};
pub use diagnose::error_body::ErrorBody;
pub use diagnose::{Cause, Diagnosis, Difference, Evidence, Part, diagnose};
pub use error::Error;
pub use explain::Explanation;
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
pub use verifier::{
    Authenticated, CredentialsLookup, DEFAULT_MAX_SKEW, PayloadKind, ServerView, TokenDisplay,
    UnsignedPayload, Verified, Verifier,
};
pub use verify_error::{
    CANONICAL_STRING_INTRO, SIGNATURE_MISMATCH_MESSAGE, STRING_TO_SIGN_INTRO, STRING_TO_SIGN_OUTRO,
    VerifyError,
};
