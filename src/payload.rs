//! What the signature says about the body: its SHA-256, or that it is not signed.

use crate::prelude::*;

use crate::crypto;
use crate::sink;
use crate::spec::{EMPTY_SHA256, UNSIGNED_PAYLOAD};

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
            Payload::Bytes([]) => PayloadHash::Hex(*EMPTY_SHA256),
            Payload::Bytes(b) => PayloadHash::Hex(sink::hex32(&crypto::sha256(b))),
            Payload::Precomputed(h) => PayloadHash::Hex(sink::hex32(h)),
            Payload::Unsigned => PayloadHash::Unsigned,
        }
    }
}

#[cfg(feature = "http")]
impl Payload<'static> {
    /// The payload of a body about to be signed in place: its SHA-256 taken now, so the request
    /// is free to change; an empty body stays `Bytes(b"")`, whose hash is a constant.
    pub(crate) fn hashed(body: &[u8]) -> Self {
        if body.is_empty() {
            Payload::Bytes(b"")
        } else {
            Payload::Precomputed(crypto::sha256(body))
        }
    }
}

/// A payload hash ready to write: 64 lowercase hex digits or `UNSIGNED-PAYLOAD`.
#[derive(Clone, Copy)]
pub(crate) enum PayloadHash {
    Hex([u8; 64]),
    Unsigned,
}

impl core::fmt::Debug for PayloadHash {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&String::from_utf8_lossy(self.as_bytes()))
    }
}

impl PayloadHash {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            PayloadHash::Hex(h) => h,
            PayloadHash::Unsigned => UNSIGNED_PAYLOAD.as_bytes(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_empty_body_hash_constant_is_sha256_of_nothing() {
        assert_eq!(EMPTY_SHA256, &sink::hex32(&crypto::sha256(b"")));
        assert_eq!(Payload::Bytes(b"").hash().as_bytes(), EMPTY_SHA256);
    }
}
