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

#[path = "time.rs"]
mod amz_date;
mod authorization;
#[path = "sign/canonical.rs"]
mod canonical_request;
#[path = "diagnose/clock.rs"]
mod clock_skew;
mod credentials;
mod crypto;
mod diagnose;
#[path = "sign/encode.rs"]
mod encode;
#[path = "signer/endpoint.rs"]
mod endpoint;
mod error;
#[path = "diagnose/error_body.rs"]
mod error_body;
#[path = "explain.rs"]
mod explanation;
#[cfg(feature = "gateway")]
#[cfg_attr(docsrs, doc(cfg(feature = "gateway")))]
pub mod gateway;
#[path = "sign/key_cache.rs"]
mod key_cache;
#[path = "sign/authorization.rs"]
mod output;
mod payload;
mod provider;
mod request;
mod settings;
mod signer;
#[path = "sign/key.rs"]
mod signing_key;
mod sink;
#[path = "sign/string_to_sign.rs"]
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
#[path = "provider/aws_config.rs"]
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
