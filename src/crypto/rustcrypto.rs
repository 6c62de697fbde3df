//! The RustCrypto crypto backend, the hot core: the only code that touches `hmac`, `sha2` and `p256`.
//!
//! SHA-256 and HMAC-SHA256 over `sha2`'s block function, with an HMAC key kept as its pad
//! states and the string to sign laid out in whole blocks (the midstate fast path), and P-256
//! ECDSA (SigV4a) over `p256`/`ecdsa`. It provides the interface [`crate::crypto`] documents
//! and imports nothing else of the crate but that module's [`DerSignature`].

use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use super::DerSignature;
use crate::bytes::copy_short;

/// SHA-256's initial state (FIPS 180-4, 5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// How many bytes [`Hasher`] gathers before compressing them: 8 blocks.
const HASHER_BUF: usize = 8 * 64;

/// A streaming SHA-256 over `sha2`'s block function.
///
/// Canonical requests arrive as many small pieces (`\n`, `:`, a header name). This hasher
/// gathers them in a buffer of several blocks and compresses the whole blocks when it is full,
/// so a piece costs one copy; `sha2`'s `Digest::update` would buffer it a second time. The
/// buffer is larger than one block on purpose: a block compressed right after its last small
/// writes makes the CPU wait for those stores to reach the cache (its vector loads cannot be
/// forwarded from several narrower stores), and one call for several blocks also saves the
/// per-call work of the block function. It also resumes from an HMAC key's inner state
/// ([`MacKey::start`]), which is how the string to sign is hashed with a cached key.
#[derive(Clone)]
pub(crate) struct Hasher {
    state: [u32; 8],
    buf: [u8; HASHER_BUF],
    /// Bytes of `buf` in use (always < `HASHER_BUF`).
    fill: usize,
    /// Blocks compressed into `state` so far.
    blocks: u64,
}

impl Hasher {
    pub(crate) fn new() -> Self {
        Self::resume(IV, 0)
    }

    #[inline]
    fn resume(state: [u32; 8], blocks: u64) -> Self {
        Self {
            state,
            buf: [0; HASHER_BUF],
            fill: 0,
            blocks,
        }
    }

    /// The digest of everything put so far.
    #[inline]
    pub(crate) fn finish(mut self) -> [u8; 32] {
        let mut out = [0u8; 32];
        self.finish_in_place(&mut out);
        out
    }

    /// The digest of everything put so far, written into `out` where the hasher lies: nothing
    /// moves the hasher (its 512-byte buffer) as [`Hasher::finish`] by value may. The hasher
    /// is spent: its buffer holds the padding, and it must not be updated or finished again.
    #[inline]
    pub(crate) fn finish_in_place(&mut self, out: &mut [u8; 32]) {
        self.pad_and_compress();
        for (o, w) in out.chunks_exact_mut(4).zip(&self.state) {
            o.copy_from_slice(&w.to_be_bytes());
        }
    }

    /// Writes the padding after the message and compresses the last blocks into `state`.
    fn pad_and_compress(&mut self) {
        let bits = (self.blocks * 64 + self.fill as u64) * 8;
        if self.fill + 9 > HASHER_BUF {
            // No room for the padding: compress the whole blocks and keep the last part.
            let whole = self.fill / 64 * 64;
            self.compress(whole);
            self.buf.copy_within(whole..self.fill, 0);
            self.fill -= whole;
        }
        // The padding: 0x80, zeros, and the length in the last 8 bytes of the block; one block
        // more when fewer than 9 bytes of the last block are free.
        let padded = (self.fill + 9).div_ceil(64) * 64;
        self.buf[self.fill] = 0x80;
        self.buf[self.fill + 1..padded - 8].fill(0);
        self.buf[padded - 8..padded].copy_from_slice(&bits.to_be_bytes());
        self.compress(padded);
    }

    /// Appends `bytes` to the message.
    #[inline]
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let end = self.fill + bytes.len();
        if end < HASHER_BUF {
            copy_short(&mut self.buf[self.fill..end], bytes);
            self.fill = end;
        } else {
            self.put_across(bytes);
        }
    }

    /// Compresses the first `len` bytes of the buffer (a multiple of 64).
    #[inline]
    fn compress(&mut self, len: usize) {
        let (blocks, _) = self.buf[..len].as_chunks::<64>();
        sha2::block_api::compress256(&mut self.state, blocks);
    }

    /// Fills the buffer, compresses it and every whole block of `bytes` after it, and keeps the
    /// rest.
    #[inline(never)]
    fn put_across(&mut self, bytes: &[u8]) {
        let (head, rest) = bytes.split_at(HASHER_BUF - self.fill);
        self.buf[self.fill..].copy_from_slice(head);
        self.compress(HASHER_BUF);
        let (whole, tail) = rest.as_chunks::<64>();
        if !whole.is_empty() {
            sha2::block_api::compress256(&mut self.state, whole);
        }
        self.blocks += (HASHER_BUF / 64 + whole.len()) as u64;
        self.buf[..tail.len()].copy_from_slice(tail);
        self.fill = tail.len();
    }
}

/// The digest bytes of a final state.
#[inline]
fn state_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (o, w) in out.chunks_exact_mut(4).zip(state) {
        o.copy_from_slice(&w.to_be_bytes());
    }
    out
}

/// SHA-256 of `bytes` in one call.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// HMAC-SHA256 over the concatenation of `parts` (key derivation; the `hmac` crate).
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut mac =
        <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes keys of any length");
    for part in parts {
        mac.update(part);
    }
    mac.finalize().into_bytes().into()
}

/// An HMAC-SHA256 key kept as the SHA-256 states after its inner and outer pad blocks (RFC
/// 2104), so a MAC costs only the blocks of the message and one block for the outer hash.
/// Wiped on drop.
#[derive(Clone)]
pub(crate) struct MacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl MacKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        let mut k = [0u8; 64];
        if key.len() > 64 {
            k[..32].copy_from_slice(&sha256(key));
        } else {
            k[..key.len()].copy_from_slice(key);
        }
        let mut pad = [0u8; 64];
        let mut state = |byte: u8| {
            for (p, b) in pad.iter_mut().zip(&k) {
                *p = b ^ byte;
            }
            let mut s = IV;
            sha2::block_api::compress256(&mut s, &[pad]);
            s
        };
        let inner = state(0x36);
        let outer = state(0x5c);
        k.zeroize();
        pad.zeroize();
        Self { inner, outer }
    }

    /// A hasher for the message, resumed after the inner pad block.
    #[inline]
    pub(crate) fn start(&self) -> Hasher {
        Hasher::resume(self.inner, 1)
    }

    /// The MAC of the message put into `inner` (from [`MacKey::start`]).
    #[inline]
    pub(crate) fn finish(&self, inner: Hasher) -> [u8; 32] {
        self.outer_hash(&inner.finish())
    }

    /// The outer hash over the inner digest: one block, after the outer pad block.
    #[inline]
    fn outer_hash(&self, inner_digest: &[u8; 32]) -> [u8; 32] {
        let mut block = [0u8; 64];
        block[..32].copy_from_slice(inner_digest);
        block[32] = 0x80;
        // The outer hash covers the pad block and the inner digest: 96 bytes.
        block[56..].copy_from_slice(&(96u64 * 8).to_be_bytes());
        let mut state = self.outer;
        sha2::block_api::compress256(&mut state, &[block]);
        state_bytes(&state)
    }

    /// The MAC of `message`.
    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        let mut h = self.start();
        h.update(message);
        self.finish(h)
    }
}

/// The longest message a [`Padded`] holds: 4 blocks and the bytes before the padding of a
/// fifth (a string to sign with region and service names of 64 bytes each is 250 bytes).
const PADDED_BLOCKS: usize = 5;

/// A fixed-length message laid out in SHA-256 blocks with its padding, as the inner hash of an
/// HMAC sees it (after the key's pad block). A template is made once; each MAC copies it and
/// rewrites the parts that change, so hashing it is one call over whole blocks.
#[derive(Clone)]
pub(crate) struct Padded {
    buf: [u8; 64 * PADDED_BLOCKS],
    len: usize,
    blocks: usize,
}

impl Padded {
    /// `message` with its padding, or `None` when it is too long to be laid out here.
    pub(crate) fn new(message: &[u8]) -> Option<Self> {
        let blocks = (message.len() + 9).div_ceil(64);
        if blocks > PADDED_BLOCKS {
            return None;
        }
        let mut buf = [0u8; 64 * PADDED_BLOCKS];
        buf[..message.len()].copy_from_slice(message);
        buf[message.len()] = 0x80;
        // The inner hash also covers the key's pad block.
        let bits = (64 + message.len() as u64) * 8;
        buf[blocks * 64 - 8..blocks * 64].copy_from_slice(&bits.to_be_bytes());
        Some(Self {
            buf,
            len: message.len(),
            blocks,
        })
    }

    /// The message bytes, to rewrite in place (the length is fixed).
    #[inline]
    pub(crate) fn message_mut(&mut self) -> &mut [u8] {
        &mut self.buf[..self.len]
    }
}

impl MacKey {
    /// The MAC of a padded message.
    #[inline]
    pub(crate) fn mac_padded(&self, message: &Padded) -> [u8; 32] {
        let (blocks, _) = message.buf[..message.blocks * 64].as_chunks::<64>();
        let mut inner = self.inner;
        sha2::block_api::compress256(&mut inner, blocks);
        self.outer_hash(&state_bytes(&inner))
    }
}

impl Drop for MacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// A P-256 private key (SigV4a): the secret scalar, wiped on drop and never printed.
#[derive(Clone)]
pub(crate) struct EcdsaKey {
    scalar: p256::NonZeroScalar,
}

impl EcdsaKey {
    /// The key whose scalar is `bytes` (big-endian), or `None` unless `1 <= bytes < n`, the
    /// group order (checked in constant time).
    pub(crate) fn from_be_bytes(bytes: &[u8; 32]) -> Option<Self> {
        let mut repr = p256::FieldBytes::from(*bytes);
        let scalar = p256::NonZeroScalar::from_repr(repr).into_option();
        repr.zeroize();
        scalar.map(|scalar| Self { scalar })
    }

    /// The ECDSA signature of SHA-256(`message`), DER-encoded, with the nonce of RFC 6979 (the
    /// same key and message always give the same bytes, as `aws-sigv4` signs).
    pub(crate) fn sign_sha256_der(&self, message: &[u8]) -> DerSignature {
        let digest = Sha256::digest(message);
        let (signature, _) = ecdsa::hazmat::sign_prehashed_rfc6979::<p256::NistP256, Sha256>(
            &self.scalar,
            &digest,
            &[],
        );
        DerSignature::new(signature.to_der().as_bytes())
    }
}

impl Drop for EcdsaKey {
    fn drop(&mut self) {
        self.scalar.zeroize();
    }
}

/// A P-256 public key, ready to verify (the point is computed once: deriving it from the
/// private key is the expensive scalar multiplication).
#[derive(Clone)]
pub(crate) struct EcdsaPublicKey {
    key: p256::ecdsa::VerifyingKey,
}

impl EcdsaPublicKey {
    /// The public key of `key`.
    pub(crate) fn from_key(key: &EcdsaKey) -> Self {
        Self {
            key: p256::ecdsa::VerifyingKey::from(p256::PublicKey::from_secret_scalar(&key.scalar)),
        }
    }

    /// A public key from its SEC1 encoding (`04 || X || Y`, or compressed), or `None` for bytes
    /// that are not a point of the curve.
    pub(crate) fn from_sec1_bytes(bytes: &[u8]) -> Option<Self> {
        p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .ok()
            .map(|key| Self { key })
    }

    /// The uncompressed SEC1 encoding, `04 || X || Y`.
    pub(crate) fn to_sec1_uncompressed(&self) -> [u8; 65] {
        let mut out = [0u8; 65];
        let point = self.key.to_sec1_point(false);
        let bytes = point.as_bytes();
        if bytes.len() == out.len() {
            out.copy_from_slice(bytes);
        }
        out
    }

    /// Whether `signature` (DER) is this key's ECDSA signature of SHA-256(`message`). Any
    /// malformed DER is `false`.
    pub(crate) fn verify_der(&self, message: &[u8], signature: &[u8]) -> bool {
        use ecdsa::signature::hazmat::PrehashVerifier;
        let Ok(signature) = p256::ecdsa::Signature::from_der(signature) else {
            return false;
        };
        let digest = Sha256::digest(message);
        self.key.verify_prehash(&digest, &signature).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prelude::*;

    #[test]
    fn hmac_matches_rfc4231_case_2() {
        let mac = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex::encode(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn block_hasher_matches_one_shot_sha256_for_any_split_and_length() {
        // Past two buffers' worth, so every fill level of the buffer meets the padding, and
        // pieces cross the buffer's end at every offset.
        let n = 2 * HASHER_BUF + 200;
        let data: Vec<u8> = (0..n as u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..n {
            let mut h = Hasher::new();
            h.update(&data[..len]);
            let mut in_place = [0u8; 32];
            h.clone().finish_in_place(&mut in_place);
            assert_eq!(in_place, sha256(&data[..len]), "length {len}, in place");
            assert_eq!(h.finish(), sha256(&data[..len]), "length {len}");
            let mut h = Hasher::new();
            for chunk in data[..len].chunks(13) {
                h.update(chunk);
            }
            assert_eq!(
                h.finish(),
                sha256(&data[..len]),
                "length {len} in pieces of 13"
            );
        }
        for split in 0..n {
            let mut h = Hasher::new();
            h.update(&data[..split]);
            h.update(&data[split..]);
            assert_eq!(h.finish(), sha256(&data), "split at {split}");
        }
        let data = &data[..1000];
        let expected = sha256(data);
        for piece in [
            1, 2, 3, 55, 56, 57, 63, 64, 65, 127, 128, 129, 200, 999, 1000,
        ] {
            let mut h = Hasher::new();
            for chunk in data.chunks(piece) {
                h.update(chunk);
            }
            assert_eq!(h.finish(), expected, "pieces of {piece}");
        }
        // Mixed sizes: tiny pieces around a large one.
        let mut h = Hasher::new();
        h.update(&data[..5]);
        h.update(&data[5..900]);
        h.update(&data[900..901]);
        h.update(&data[901..]);
        assert_eq!(h.finish(), expected);
        assert_eq!(Hasher::new().finish(), sha256(b""));
    }

    #[test]
    fn mac_key_matches_the_hmac_crate_for_any_key_and_message_length() {
        let data: Vec<u8> = (0..1200u32).map(|i| (i * 31 + 7) as u8).collect();
        for key_len in [0, 1, 32, 63, 64, 65, 100, 200] {
            let key = &data[..key_len];
            let mac_key = MacKey::new(key);
            // Around the block size and the hasher's buffer (whose length counts after the
            // key's pad block).
            let b = HASHER_BUF;
            for msg_len in [
                0,
                1,
                55,
                56,
                63,
                64,
                65,
                119,
                120,
                128,
                191,
                300,
                b - 9,
                b - 8,
                b,
                b + 1,
                1200,
            ] {
                let msg = &data[..msg_len];
                assert_eq!(
                    mac_key.mac(msg),
                    hmac_sha256(key, &[msg]),
                    "key {key_len}, message {msg_len}"
                );
            }
        }
    }

    #[test]
    fn a_padded_message_macs_like_a_streamed_one_at_every_length() {
        let key = MacKey::new(b"key");
        let data: Vec<u8> = (0..400u32).map(|i| (i * 13 + 1) as u8).collect();
        for len in 0..=(64 * PADDED_BLOCKS - 9) {
            let mut p = Padded::new(&data[..len]).unwrap();
            assert_eq!(key.mac_padded(&p), key.mac(&data[..len]), "length {len}");
            // Rewriting the message in place gives the MAC of the new bytes.
            if len > 0 {
                p.message_mut()[0] ^= 1;
                let mut changed = data[..len].to_vec();
                changed[0] ^= 1;
                assert_eq!(
                    key.mac_padded(&p),
                    key.mac(&changed),
                    "rewritten, length {len}"
                );
            }
        }
        assert!(Padded::new(&data[..64 * PADDED_BLOCKS - 8]).is_none());
    }

    /// RFC 6979 A.2.5: P-256, SHA-256, message "sample".
    const RFC6979_X: &str = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";

    fn rfc6979_key() -> EcdsaKey {
        let x: [u8; 32] = hex::decode(RFC6979_X).unwrap().try_into().unwrap();
        EcdsaKey::from_be_bytes(&x).unwrap()
    }

    #[test]
    fn ecdsa_signs_rfc6979_appendix_a25_deterministically_in_der() {
        let key = rfc6979_key();
        let sig = key.sign_sha256_der(b"sample");
        // r and s from the RFC, each with a leading zero (their top bit is set).
        let r = "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716";
        let s = "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8";
        assert_eq!(
            hex::encode(sig.as_bytes()),
            format!("3046022100{r}022100{s}")
        );
        assert_eq!(key.sign_sha256_der(b"sample").as_bytes(), sig.as_bytes());
    }

    #[test]
    fn ecdsa_public_key_is_the_rfc6979_one_and_verifies_only_the_signed_message() {
        let key = rfc6979_key();
        let public = EcdsaPublicKey::from_key(&key);
        let ux = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
        let uy = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";
        let sec1 = public.to_sec1_uncompressed();
        assert_eq!(hex::encode(sec1), format!("04{ux}{uy}"));
        let parsed = EcdsaPublicKey::from_sec1_bytes(&sec1).unwrap();
        let sig = key.sign_sha256_der(b"sample");
        assert!(parsed.verify_der(b"sample", sig.as_bytes()));
        assert!(!parsed.verify_der(b"samplf", sig.as_bytes()));
        for at in 0..sig.as_bytes().len() {
            let mut bad = sig.as_bytes().to_vec();
            bad[at] ^= 1;
            assert!(!parsed.verify_der(b"sample", &bad), "byte {at}");
        }
        assert!(!parsed.verify_der(b"sample", &[]));
        assert!(EcdsaPublicKey::from_sec1_bytes(&sec1[..64]).is_none());
    }

    #[test]
    fn ecdsa_private_scalars_outside_one_to_n_minus_one_are_refused() {
        let n = hex::decode("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551")
            .unwrap();
        let n: [u8; 32] = n.try_into().unwrap();
        let mut n_minus_1 = n;
        n_minus_1[31] -= 1;
        assert!(EcdsaKey::from_be_bytes(&[0; 32]).is_none());
        assert!(EcdsaKey::from_be_bytes(&n).is_none());
        assert!(EcdsaKey::from_be_bytes(&[0xff; 32]).is_none());
        assert!(EcdsaKey::from_be_bytes(&n_minus_1).is_some());
        let mut one = [0u8; 32];
        one[31] = 1;
        assert!(EcdsaKey::from_be_bytes(&one).is_some());
    }
}
