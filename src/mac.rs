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

impl<const N: usize> Sink for smallvec::SmallVec<[u8; N]> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// How many bytes [`Hasher`] gathers before handing them to SHA-256: canonical requests arrive
/// as many tiny pieces (`\n`, `:`, a header name), and one `update` per piece costs more than
/// copying them into a buffer first.
const HASHER_BUFFER: usize = 128;

/// A SHA-256 hasher that is also a [`Sink`], with a small buffer in front.
#[derive(Clone)]
pub(crate) struct Hasher {
    sha: Sha256,
    buf: [u8; HASHER_BUFFER],
    len: usize,
}

impl Hasher {
    pub(crate) fn new() -> Self {
        Self {
            sha: Sha256::new(),
            buf: [0; HASHER_BUFFER],
            len: 0,
        }
    }

    /// The digest of everything put so far.
    pub(crate) fn finish(mut self) -> [u8; 32] {
        Digest::update(&mut self.sha, &self.buf[..self.len]);
        self.sha.finalize().into()
    }
}

impl Sink for Hasher {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(bytes);
            self.len = end;
            return;
        }
        Digest::update(&mut self.sha, &self.buf[..self.len]);
        self.len = 0;
        if bytes.len() >= HASHER_BUFFER {
            Digest::update(&mut self.sha, bytes);
        } else {
            self.buf[..bytes.len()].copy_from_slice(bytes);
            self.len = bytes.len();
        }
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

/// An HMAC-SHA256 computation that is also a [`Sink`], so the string to sign can be streamed
/// into it without being built first.
pub(crate) struct MacSink(Hmac<Sha256>);

impl Sink for MacSink {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }
}

/// HMAC-SHA256, with a prepared key state, of whatever `write` puts.
#[inline]
pub(crate) fn hmac_streamed(state: &Hmac<Sha256>, write: impl FnOnce(&mut MacSink)) -> [u8; 32] {
    let mut mac = MacSink(state.clone());
    write(&mut mac);
    mac.0.finalize().into_bytes().into()
}

/// The two lowercase hex digits of every byte.
static HEX_PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX_LOWER[i >> 4], HEX_LOWER[i & 0x0f]];
        i += 1;
    }
    t
};

/// Lowercase hex of 32 bytes into a fixed buffer.
#[inline]
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(*b)]);
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
    fn buffered_hasher_matches_one_shot_sha256_for_any_split() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7 + 3) as u8).collect();
        let expected = sha256(&data);
        for piece in [1, 2, 3, 63, 64, 65, 127, 128, 129, 200, 999, 1000] {
            let mut h = Hasher::new();
            for chunk in data.chunks(piece) {
                h.put(chunk);
            }
            assert_eq!(h.finish(), expected, "pieces of {piece}");
        }
        // Mixed sizes: tiny pieces around a large one.
        let mut h = Hasher::new();
        h.put(&data[..5]);
        h.put(&data[5..900]);
        h.put(&data[900..901]);
        h.put(&data[901..]);
        assert_eq!(h.finish(), expected);
        assert_eq!(Hasher::new().finish(), sha256(b""));
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
