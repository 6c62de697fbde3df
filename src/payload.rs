//! What the signature says about the body: its SHA-256, or that it is not signed.

use crate::mac;

/// The literal AWS uses in place of a payload hash when the body is not signed.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";

/// The body as far as the signature is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Payload<'a> {
    /// The exact body bytes; their SHA-256 is signed.
    Bytes(&'a [u8]),
    /// The body is not signed (`UNSIGNED-PAYLOAD`); S3 accepts this over HTTPS, Lambda function
    /// URLs and most other services do not.
    Unsigned,
    /// The SHA-256 of the body, computed by the caller (for streamed bodies).
    Precomputed([u8; 32]),
}

impl Payload<'_> {
    /// The payload-hash line of the canonical request, in a fixed buffer.
    pub(crate) fn hash(&self) -> PayloadHash {
        match self {
            Payload::Bytes(b) => PayloadHash::Hex(mac::hex32(&mac::sha256(b))),
            Payload::Precomputed(h) => PayloadHash::Hex(mac::hex32(h)),
            Payload::Unsigned => PayloadHash::Unsigned,
        }
    }
}

/// A payload hash ready to write: 64 lowercase hex digits or `UNSIGNED-PAYLOAD`.
#[derive(Clone, Copy)]
pub(crate) enum PayloadHash {
    Hex([u8; 64]),
    Unsigned,
}

impl PayloadHash {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            PayloadHash::Hex(h) => h,
            PayloadHash::Unsigned => UNSIGNED_PAYLOAD.as_bytes(),
        }
    }
}
