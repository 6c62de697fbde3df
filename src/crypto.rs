//! The crypto seam: the only module whose code touches a signing cryptography crate (SHA-256, HMAC, P-256 ECDSA).
//!
//! (The trailing checksums of aws-chunked bodies, CRCs and SHA-1, are data checksums, not
//! signing: `streaming::checksum` computes them with their own crates, and SHA-256 through here.)
//!
//! It picks a backend by `cfg` and gives the rest of the crate SHA-256, HMAC-SHA256, P-256
//! ECDSA over SHA-256 (SigV4a), constant-time comparison and wiping.
//!
//! # Layering
//!
//! This module imports nothing of the crate: it sits at the bottom. [`crate::sink`] sits above
//! it and implements `Sink` for [`Hasher`] (by calling [`Hasher::update`]), so the stages can
//! stream canonical bytes into a hash. A backend never sees `Sink`, buffers or hex.
//!
//! # Backends
//!
//! A backend is a submodule (`crypto/<name>.rs`) that provides the items below. This file
//! re-exports the selected backend's items, so every call is a direct, inlinable call into it:
//! no `dyn`, no trait objects, no generics to thread through the stages. The `CONTRACT`
//! constant at the end of this file names each signature, so a backend that misses one fails
//! to compile here rather than at some caller.
//!
//! | item | what it must do |
//! |---|---|
//! | `fn sha256(&[u8]) -> [u8; 32]` | SHA-256 of one slice (payload hashes) |
//! | `fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32]` | HMAC-SHA256 of the concatenated `parts`, for any key length (key derivation) |
//! | `struct Hasher` | a streaming SHA-256: `Hasher::new() -> Hasher`, `Hasher::update(&mut self, &[u8])`, `Hasher::finish(self) -> [u8; 32]`. `update` is called with many small pieces (`\n`, a header name), so it should not pay a function call or a second buffer per piece |
//! | `Hasher::finish_in_place(&mut self, out: &mut [u8; 32])` | `finish` without moving the hasher (a buffered hasher is hundreds of bytes, and a move by value copies them): the digest written into `out` (for a hasher from `Hasher::new`); the hasher is spent afterwards and is not used again |
//! | `struct MacKey: Clone` | an HMAC-SHA256 key ready to use: `MacKey::new(&[u8]) -> MacKey` does the per-key work once (the RFC 2104 pad states); `MacKey::mac(&self, &[u8]) -> [u8; 32]`. It holds key material: wipe it on drop and never print it |
//! | `MacKey::start(&self) -> Hasher`, `MacKey::finish(&self, Hasher) -> [u8; 32]` | a streamed MAC: the message is written into the `Hasher` that `start` returns and `finish` gives the MAC. A library whose HMAC stream is not its SHA-256 stream makes `Hasher` hold either |
//! | `struct EcdsaKey: Clone` | a P-256 private key (SigV4a): `EcdsaKey::from_be_bytes(&[u8; 32]) -> Option<EcdsaKey>` takes the big-endian scalar and is `None` unless `1 <= scalar < n` (the group order), checked in constant time; `EcdsaKey::sign_sha256_der(&self, message: &[u8]) -> DerSignature` is the ECDSA signature of SHA-256(`message`), DER-encoded. RustCrypto's nonce is RFC 6979's (deterministic: the bytes equal `aws-sigv4`'s); a backend with random nonces is fine, its signatures are verified, never compared. Holds key material: wipe it on drop and never print it |
//! | `struct EcdsaPublicKey: Clone` | a P-256 public key, ready to verify: `EcdsaPublicKey::from_key(&EcdsaKey)` (the scalar multiplication, done once and cached by callers), `EcdsaPublicKey::from_sec1_bytes(&[u8]) -> Option<_>` (`None` for bytes that are not a point; the uncompressed form must be read, RustCrypto also reads the compressed one), `to_sec1_uncompressed(&self) -> [u8; 65]` (`04 \|\| X \|\| Y`), and `verify_der(&self, message: &[u8], signature: &[u8]) -> bool`, which hashes `message` with SHA-256 and is `false` for any malformed DER |
//! | `struct Padded: Clone` | a message of fixed length to MAC many times with bytes rewritten in place (the string to sign of one day): `Padded::new(&[u8]) -> Option<Padded>` (`None` when the message is longer than the backend lays out; callers then stream it), `Padded::message_mut(&mut self) -> &mut [u8]`, and `MacKey::mac_padded(&self, &Padded) -> [u8; 32]`. A backend without access to the hash's blocks keeps the plain bytes here |
//!
//! [`ct_eq32`], [`wipe`] and [`DerSignature`] (a DER signature's bytes, at most 72) are the
//! same for every backend and live here, and so is [`ct_eq`] for RustCrypto (AWS-LC brings its
//! own).
//!
//! Two backends:
//!
//! - `rustcrypto` (`hmac` and `sha2`), the default. It keeps the midstate fast path (a key kept
//!   as the SHA-256 states after its pad blocks; the string to sign laid out in whole blocks
//!   with its padding; see `BENCHMARKS.md`) inside itself.
//! - `aws_lc` (features `aws-lc` and `fips`): AWS-LC through `aws-lc-rs`, its FIPS module with
//!   `fips`, SigV4a's P-256 ECDSA included (random nonces: its signatures verify but differ
//!   from `aws-sigv4`'s). It also provides `ct_eq` (AWS-LC's `CRYPTO_memcmp`).
//!
//! The choice is made by features and is never silent: with `aws-lc` (or `fips`) on, AWS-LC is
//! the backend; otherwise RustCrypto is. [`BACKEND`] (re-exported as
//! `awssig::CRYPTO_BACKEND`) names the one a build uses, and the tests print it.

#[cfg(feature = "aws-lc")]
mod aws_lc;
// With `aws-lc` only its ECDSA types are used (see the module docs).
// With `aws-lc`, RustCrypto is compiled only for the aws-lc backend's tests, which check
// AWS-LC's ECDSA against it.
#[cfg(any(not(feature = "aws-lc"), test))]
#[cfg_attr(feature = "aws-lc", allow(dead_code))]
mod rustcrypto;

#[cfg(feature = "aws-lc")]
use aws_lc as backend;
#[cfg(not(feature = "aws-lc"))]
use rustcrypto as backend;

pub(crate) use backend::{EcdsaKey, EcdsaPublicKey, Hasher, MacKey, Padded, hmac_sha256, sha256};

/// The longest DER encoding of a P-256 ECDSA signature: `SEQUENCE { INTEGER r, INTEGER s }`
/// with each integer 33 bytes (a leading zero) is 2 + 2 × (2 + 33) = 72 bytes.
pub(crate) const MAX_DER_SIGNATURE: usize = 72;

/// A DER-encoded ECDSA signature, held inline (at most [`MAX_DER_SIGNATURE`] bytes).
#[derive(Clone, Copy)]
pub(crate) struct DerSignature {
    bytes: [u8; MAX_DER_SIGNATURE],
    len: u8,
}

impl DerSignature {
    /// Copies `der` (a backend's output, never longer than [`MAX_DER_SIGNATURE`]; longer input
    /// is cut, and then never verifies).
    pub(crate) fn new(der: &[u8]) -> Self {
        let len = der.len().min(MAX_DER_SIGNATURE);
        let mut bytes = [0u8; MAX_DER_SIGNATURE];
        bytes[..len].copy_from_slice(&der[..len]);
        // At most 72, so the cast cannot truncate.
        Self {
            bytes,
            len: len as u8,
        }
    }

    /// The DER bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// The crypto backend this build signs and verifies with: `"rustcrypto"` (the default),
/// `"aws-lc"` (feature `aws-lc`) or `"aws-lc-fips"` (feature `fips`).
pub(crate) const BACKEND: &str = if cfg!(feature = "fips") {
    "aws-lc-fips"
} else if cfg!(feature = "aws-lc") {
    "aws-lc"
} else {
    "rustcrypto"
};

use zeroize::Zeroize;

/// Constant-time comparison of two 32-byte MACs.
///
/// Four words XORed and ORed together, and only that word through `subtle`: `subtle`'s array
/// compare puts each of the 32 bytes through its optimisation barrier.
pub(crate) fn ct_eq32(a: &[u8; 32], b: &[u8; 32]) -> bool {
    ct_eq(a, b)
}

/// Constant-time comparison of two byte strings (a session token, a secret). Only the lengths
/// are compared in variable time: unequal lengths return at once.
///
/// The bytes are compared eight at a time: the XORs of every word are ORed together and only
/// that one word goes through `subtle` (which hides it from the optimiser), instead of each
/// byte (a 336-byte session token was 8 % of a verification byte by byte).
#[cfg(not(feature = "aws-lc"))]
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    if a.len() != b.len() {
        return false;
    }
    let (a_words, a_rest) = a.as_chunks::<8>();
    let (b_words, b_rest) = b.as_chunks::<8>();
    let mut diff = 0u64;
    for (x, y) in a_words.iter().zip(b_words) {
        diff |= u64::from_ne_bytes(*x) ^ u64::from_ne_bytes(*y);
    }
    for (x, y) in a_rest.iter().zip(b_rest) {
        diff |= u64::from(x ^ y);
    }
    diff.ct_eq(&0).into()
}

/// Constant-time comparison of two byte strings, through the aws-lc backend.
#[cfg(feature = "aws-lc")]
pub(crate) use backend::ct_eq;

/// Wipes a buffer that held key material.
pub(crate) fn wipe(bytes: &mut [u8]) {
    bytes.zeroize();
}

/// The backend interface of the module docs, checked when this file compiles.
const CONTRACT: () = {
    const fn cloned<T: Clone>() {}
    let _: fn(&[u8]) -> [u8; 32] = sha256;
    let _: fn(&[u8], &[&[u8]]) -> [u8; 32] = hmac_sha256;
    let _: fn() -> Hasher = Hasher::new;
    let _: fn(&mut Hasher, &[u8]) = Hasher::update;
    let _: fn(Hasher) -> [u8; 32] = Hasher::finish;
    let _: fn(&mut Hasher, &mut [u8; 32]) = Hasher::finish_in_place;
    cloned::<MacKey>();
    let _: fn(&[u8]) -> MacKey = MacKey::new;
    let _: fn(&MacKey, &[u8]) -> [u8; 32] = MacKey::mac;
    let _: fn(&MacKey) -> Hasher = MacKey::start;
    let _: fn(&MacKey, Hasher) -> [u8; 32] = MacKey::finish;
    let _: fn(&MacKey, &Padded) -> [u8; 32] = MacKey::mac_padded;
    cloned::<Padded>();
    let _: fn(&[u8]) -> Option<Padded> = Padded::new;
    let _: fn(&mut Padded) -> &mut [u8] = Padded::message_mut;
    cloned::<EcdsaKey>();
    let _: fn(&[u8; 32]) -> Option<EcdsaKey> = EcdsaKey::from_be_bytes;
    let _: fn(&EcdsaKey, &[u8]) -> DerSignature = EcdsaKey::sign_sha256_der;
    cloned::<EcdsaPublicKey>();
    let _: fn(&EcdsaKey) -> EcdsaPublicKey = EcdsaPublicKey::from_key;
    let _: fn(&[u8]) -> Option<EcdsaPublicKey> = EcdsaPublicKey::from_sec1_bytes;
    let _: fn(&EcdsaPublicKey) -> [u8; 65] = EcdsaPublicKey::to_sec1_uncompressed;
    let _: fn(&EcdsaPublicKey, &[u8], &[u8]) -> bool = EcdsaPublicKey::verify_der;
};

const _: () = CONTRACT;

#[cfg(test)]
mod tests {
    use crate::prelude::*;

    #[test]
    fn ct_eq_finds_any_differing_byte_and_any_length_difference() {
        let a: Vec<u8> = (0..=255u8).cycle().take(339).collect();
        for len in [0, 1, 7, 8, 9, 16, 335, 339] {
            assert!(super::ct_eq(&a[..len], &a[..len]));
            for at in 0..len {
                let mut b = a[..len].to_vec();
                b[at] ^= 0x80;
                assert!(!super::ct_eq(&a[..len], &b), "{len} {at}");
            }
        }
        assert!(!super::ct_eq(&a[..8], &a[..9]));
    }

    /// For whichever backend this build uses: the in-place finish gives `sha256` of what was
    /// put, at lengths around the block and the backends' buffer sizes.
    #[test]
    fn finish_in_place_gives_the_sha256_of_what_was_put() {
        let data: Vec<u8> = (0..1500u32).map(|i| (i * 29 + 5) as u8).collect();
        for len in [0, 1, 55, 56, 63, 64, 65, 255, 256, 257, 511, 512, 513, 1500] {
            let mut h = super::Hasher::new();
            for piece in data[..len].chunks(37) {
                h.update(piece);
            }
            let mut out = [0u8; 32];
            h.finish_in_place(&mut out);
            assert_eq!(out, super::sha256(&data[..len]), "length {len}");
        }
    }
}
