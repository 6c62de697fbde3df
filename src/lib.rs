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
//! Only [`mac`](self) (the hot core) touches `hmac` and `sha2`. Secrets live in
//! [`zeroize::Zeroizing`] buffers and are never printed.

mod amz_date;
mod canonical_request;
mod credentials;
mod encode;
mod error;
mod explanation;
mod key_cache;
mod mac;
mod output;
mod payload;
mod request;
mod settings;
mod signer;
mod signing_key;
mod string_to_sign;

pub use amz_date::AmzDate;
pub use credentials::Credentials;
pub use error::Error;
pub use explanation::Explanation;
pub use payload::{Payload, UNSIGNED_PAYLOAD};
pub use request::SignableRequest;
pub use settings::{
    DEFAULT_EXCLUDED_HEADERS, PathNormalization, PayloadHashHeader, PresignPayload,
    SessionTokenSigning, Settings, UriEncoding,
};
pub use signer::{MAX_PRESIGN_EXPIRY, SignableBody, Signer, SigningOutput, WrittenAuthorization};
pub use signing_key::{Signature, SigningKey};
pub use string_to_sign::ALGORITHM;
