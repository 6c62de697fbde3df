//! The signing stages ① → ④: pure functions from a request's parts to bytes, shared by the signer and the verifier.
//!
//! ```text
//!  request parts ──① canonical──▶ canonical request ──sha256──▶ ② string_to_sign ──③ key──▶ signature ──④ authorization──▶ Authorization / X-Amz-*
//!        ▲                ▲                                         ▲                    ▲
//!      encode       (URI encoding)                               Scope            key_cache (one day's key)
//! ```
//!
//! Every stage writes into a [`Sink`](crate::sink::Sink) (a `Vec`, a stack buffer, a hasher or
//! a caller's fixed buffer), so the signer streams the canonical request into SHA-256 without
//! building it, and the readable path ([`Explanation`](crate::Explanation)) writes the same
//! bytes into strings. The stages import only the input layer (time, credentials, settings,
//! spec, sink, crypto), never the signer above them.

pub(crate) mod authorization;
pub(crate) mod canonical;
#[cfg(feature = "http")]
pub(crate) mod chunked;
pub(crate) mod encode;
#[cfg(feature = "http")]
pub(crate) mod event_stream;
pub(crate) mod key;
pub(crate) mod key_cache;
pub(crate) mod string_to_sign;
