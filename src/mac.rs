//! The hot core: the only module that touches `hmac` and `sha2`.
//!
//! Everything the signer hashes flows through [`Sink`], so the same byte-exact writers fill a
//! `Vec<u8>` (for [`Explanation`](crate::Explanation) and tests) and feed SHA-256 directly when
//! signing, without building intermediate strings.

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// Lowercase hex digits, as SigV4 writes hashes and signatures.
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// A destination for canonical bytes.
pub(crate) trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A SHA-256 hasher that is also a [`Sink`].
#[derive(Clone, Default)]
pub(crate) struct Hasher(Sha256);

impl Hasher {
    pub(crate) fn new() -> Self {
        Self(Sha256::new())
    }

    /// The digest of everything put so far.
    pub(crate) fn finish(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

impl Sink for Hasher {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        Digest::update(&mut self.0, bytes);
    }
}

/// SHA-256 of `bytes` in one call.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// HMAC-SHA256 over the concatenation of `parts`.
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac = keyed(key);
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// An HMAC-SHA256 instance keyed with `key`; its inner and outer pad states can be cloned and
/// reused, which is what makes a cached signing key cheap.
pub(crate) fn keyed(key: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length (long keys are hashed first), so this cannot fail.
    <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length")
}

/// HMAC-SHA256 of `message` with a prepared key state.
#[inline]
pub(crate) fn hmac_with(state: &Hmac<Sha256>, message: &[&[u8]]) -> [u8; 32] {
    let mut mac = state.clone();
    for part in message {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// Lowercase hex of 32 bytes into a fixed buffer.
#[inline]
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = HEX_LOWER[usize::from(b >> 4)];
        out[2 * i + 1] = HEX_LOWER[usize::from(b & 0x0f)];
    }
    out
}

/// Constant-time comparison of two 32-byte MACs.
pub(crate) fn ct_eq32(a: &[u8; 32], b: &[u8; 32]) -> bool {
    use subtle::ConstantTimeEq;
    a.ct_eq(b).into()
}

/// Wipes a buffer that held key material.
pub(crate) fn wipe(bytes: &mut [u8]) {
    bytes.zeroize();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn hex32_is_lowercase_hex() {
        let h = sha256(b"");
        assert_eq!(
            std::str::from_utf8(&hex32(&h)).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
