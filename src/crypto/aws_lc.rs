//! The aws-lc-rs backend (features `aws-lc` and `fips`): SHA-256, HMAC-SHA256 and the
//! constant-time compare through AWS-LC, its FIPS 140-3 module with `fips`.
//!
//! AWS-LC keeps an HMAC key as its two pad states (`HMAC_CTX` after `HMAC_Init_ex`), so
//! [`MacKey::new`] does the per-key work once, as the RustCrypto backend does; a MAC clones that
//! context (`HMAC_CTX_copy_ex`). AWS-LC zeroes an `HMAC_CTX` when it is freed
//! (`HMAC_CTX_cleanup`: "zeroises ctx"), so a dropped [`MacKey`] leaves no key behind.
//!
//! The hash's blocks are AWS-LC's own: there is no midstate fast path here. [`Padded`] keeps
//! the plain message, and a MAC of it is one `HMAC_Update` + `HMAC_Final`.
//!
//! Each call into AWS-LC crosses the FFI boundary, which costs more than the small pieces the
//! stages write (`\n`, a header name): [`Hasher`] gathers them in a buffer of [`GATHER`] bytes
//! and hands AWS-LC whole runs of them.

use aws_lc_rs::{constant_time, digest, hmac, signature};

use super::DerSignature;

/// How many bytes [`Hasher`] gathers before it calls into AWS-LC.
const GATHER: usize = 256;

/// Where a [`Hasher`]'s bytes go: a plain SHA-256, or the inner hash of an HMAC (AWS-LC
/// streams an HMAC through its own context, not through a digest context).
#[derive(Clone)]
#[allow(
    clippy::large_enum_variant,
    reason = "a Hasher lives on the stack for one signature; boxing the HMAC context would cost a heap allocation per MAC"
)]
enum Stream {
    Digest(digest::Context),
    Mac(hmac::Context),
}

/// A streaming SHA-256 (or, from [`MacKey::start`], the message of an HMAC).
#[derive(Clone)]
pub(crate) struct Hasher {
    stream: Stream,
    buf: [u8; GATHER],
    len: usize,
}

impl Hasher {
    pub(crate) fn new() -> Self {
        Self::over(Stream::Digest(digest::Context::new(&digest::SHA256)))
    }

    fn over(stream: Stream) -> Self {
        Self {
            stream,
            buf: [0; GATHER],
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        if bytes.len() <= GATHER - self.len {
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.flush();
        if bytes.len() >= GATHER {
            self.feed(bytes);
        } else {
            self.buf[..bytes.len()].copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }

    fn flush(&mut self) {
        let len = core::mem::take(&mut self.len);
        if len > 0 {
            let buf = self.buf;
            self.feed(&buf[..len]);
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        match &mut self.stream {
            Stream::Digest(ctx) => ctx.update(bytes),
            Stream::Mac(ctx) => ctx.update(bytes),
        }
    }

    pub(crate) fn finish(mut self) -> [u8; 32] {
        self.flush();
        match self.stream {
            Stream::Digest(ctx) => to32(ctx.finish().as_ref()),
            Stream::Mac(ctx) => to32(ctx.sign().as_ref()),
        }
    }

    /// [`Hasher::finish`] into `out`, without moving the hasher. AWS-LC finishes a context by
    /// value, so the context is taken out and a fresh SHA-256 one left behind; the hasher is
    /// spent all the same (the crate never uses it again).
    pub(crate) fn finish_in_place(&mut self, out: &mut [u8; 32]) {
        self.flush();
        let fresh = Stream::Digest(digest::Context::new(&digest::SHA256));
        *out = match core::mem::replace(&mut self.stream, fresh) {
            Stream::Digest(ctx) => to32(ctx.finish().as_ref()),
            Stream::Mac(ctx) => to32(ctx.sign().as_ref()),
        };
    }
}

/// The 32 bytes of a SHA-256 digest or HMAC-SHA256 tag.
fn to32(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    out.copy_from_slice(bytes);
    out
}

/// SHA-256 of one slice.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    to32(digest::digest(&digest::SHA256, bytes).as_ref())
}

/// HMAC-SHA256 of the concatenated `parts` under `key` (any length).
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    for part in parts {
        ctx.update(part);
    }
    to32(ctx.sign().as_ref())
}

/// An HMAC-SHA256 key with its pad states computed once (AWS-LC's `HMAC_CTX`). The context
/// is over a kilobyte, so it is shared behind an `Arc`: keys are made once per derived key
/// and cloned (a count, no copy, no allocation) wherever the crate holds one.
#[derive(Clone)]
pub(crate) struct MacKey {
    key: alloc::sync::Arc<hmac::Key>,
}

impl MacKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        Self {
            key: alloc::sync::Arc::new(hmac::Key::new(hmac::HMAC_SHA256, key)),
        }
    }

    pub(crate) fn start(&self) -> Hasher {
        Hasher::over(Stream::Mac(hmac::Context::with_key(&self.key)))
    }

    /// The MAC of the message streamed into `inner`, which [`MacKey::start`] made from this key.
    /// (The HMAC context in `inner` already holds this key: AWS-LC finishes the MAC itself.
    /// The crate's callers only finish what `start` made; a plain hasher here is a bug.)
    pub(crate) fn finish(&self, inner: Hasher) -> [u8; 32] {
        debug_assert!(
            matches!(inner.stream, Stream::Mac(_)),
            "MacKey::finish takes what MacKey::start made"
        );
        inner.finish()
    }

    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        to32(hmac::sign(&self.key, message).as_ref())
    }

    pub(crate) fn mac_padded(&self, message: &Padded) -> [u8; 32] {
        self.mac(message.message())
    }
}

/// The longest message [`Padded`] holds: a SigV4 string to sign (algorithm, date, scope and
/// the canonical request's hash) is well under it; a longer one is streamed instead.
const PADDED_MAX: usize = 256;

/// A fixed-length message, MACed many times with bytes rewritten in place. AWS-LC hashes whole
/// messages, so this is the plain message.
#[derive(Clone)]
pub(crate) struct Padded {
    bytes: [u8; PADDED_MAX],
    len: usize,
}

impl Padded {
    pub(crate) fn new(message: &[u8]) -> Option<Self> {
        let mut bytes = [0; PADDED_MAX];
        bytes.get_mut(..message.len())?.copy_from_slice(message);
        Some(Self {
            bytes,
            len: message.len(),
        })
    }

    pub(crate) fn message_mut(&mut self) -> &mut [u8] {
        &mut self.bytes[..self.len]
    }

    fn message(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Constant-time comparison through AWS-LC (`CRYPTO_memcmp`); only the lengths are compared in
/// variable time.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    constant_time::verify_slices_are_equal(a, b).is_ok()
}

// ---- P-256 ECDSA (SigV4a) ------------------------------------------------------------------

/// An RFC 5915 `ECPrivateKey` for P-256 around a 32-byte scalar, without the optional public
/// key: `SEQUENCE { INTEGER 1, OCTET STRING (32 bytes), [0] OID prime256v1 }`. AWS-LC reads a
/// private key only in an encoding; it computes the public key itself.
const EC_PRIVATE_KEY_HEAD: [u8; 7] = [0x30, 0x31, 0x02, 0x01, 0x01, 0x04, 0x20];
const EC_PRIVATE_KEY_TAIL: [u8; 12] = [
    0xa0, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07,
];

/// A P-256 private key in AWS-LC (`EVP_PKEY`, freed and cleared by AWS-LC when dropped).
/// AWS-LC signs with random nonces: the same message signs to different bytes each time, and
/// every one verifies.
#[derive(Clone)]
pub(crate) struct EcdsaKey {
    pair: signature::EcdsaKeyPair,
}

impl EcdsaKey {
    /// The key for the big-endian scalar, or `None` unless `1 <= scalar < n` (AWS-LC refuses
    /// zero and anything not below the group order).
    pub(crate) fn from_be_bytes(scalar: &[u8; 32]) -> Option<Self> {
        let mut der = zeroize::Zeroizing::new([0u8; 51]);
        der[..7].copy_from_slice(&EC_PRIVATE_KEY_HEAD);
        der[7..39].copy_from_slice(scalar);
        der[39..].copy_from_slice(&EC_PRIVATE_KEY_TAIL);
        signature::EcdsaKeyPair::from_private_key_der(
            &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            &der[..],
        )
        .ok()
        .map(|pair| Self { pair })
    }

    /// The DER-encoded ECDSA signature of SHA-256(`message`). AWS-LC fails only on an internal
    /// error; the signature is then empty, which no verifier accepts.
    pub(crate) fn sign_sha256_der(&self, message: &[u8]) -> DerSignature {
        match self
            .pair
            .sign(&aws_lc_rs::rand::SystemRandom::new(), message)
        {
            Ok(sig) => DerSignature::new(sig.as_ref()),
            Err(_) => DerSignature::new(&[]),
        }
    }
}

/// A P-256 public key, parsed once (`ParsedPublicKey`), with its uncompressed SEC1 bytes.
#[derive(Clone)]
pub(crate) struct EcdsaPublicKey {
    key: Option<signature::ParsedPublicKey>,
    sec1: [u8; 65],
}

impl EcdsaPublicKey {
    pub(crate) fn from_key(key: &EcdsaKey) -> Self {
        use signature::KeyPair;
        let bytes = key.pair.public_key().as_ref();
        // AWS-LC writes the public key uncompressed: 0x04, X, Y.
        let sec1: [u8; 65] = bytes.try_into().unwrap_or([0; 65]);
        // AWS-LC's own public key always parses; were it not to, the key verifies nothing.
        let key = signature::ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, sec1).ok();
        Self { key, sec1 }
    }

    /// The uncompressed SEC1 form only (`04 || X || Y`, what AWS publishes and the crate
    /// writes); `None` for anything else.
    pub(crate) fn from_sec1_bytes(bytes: &[u8]) -> Option<Self> {
        let sec1: [u8; 65] = bytes.try_into().ok()?;
        let key = signature::ParsedPublicKey::new(&signature::ECDSA_P256_SHA256_ASN1, sec1).ok()?;
        Some(Self {
            key: Some(key),
            sec1,
        })
    }

    pub(crate) fn to_sec1_uncompressed(&self) -> [u8; 65] {
        self.sec1
    }

    pub(crate) fn verify_der(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key
            .as_ref()
            .is_some_and(|k| k.verify_sig(message, signature).is_ok())
    }
}

#[cfg(test)]
mod tests {
    /// With `fips`, the AWS-LC linked in is the FIPS module and it runs in FIPS mode (its
    /// power-on self tests passed): `aws_lc_rs::try_fips_mode` asks the library itself.
    #[cfg(feature = "fips")]
    #[test]
    fn the_fips_build_runs_aws_lc_in_fips_mode() {
        assert_eq!(aws_lc_rs::try_fips_mode(), Ok(()));
    }

    /// Without `fips`, the plain AWS-LC build is linked, which is not in FIPS mode: the
    /// `aws-lc` feature alone never claims FIPS.
    #[cfg(not(feature = "fips"))]
    #[test]
    fn the_plain_aws_lc_build_is_not_in_fips_mode() {
        assert!(aws_lc_rs::try_fips_mode().is_err());
    }

    // ---- P-256 ECDSA: checked against RFC 6979's key and the RustCrypto backend ----------

    use super::{EcdsaKey, EcdsaPublicKey};

    /// RFC 6979 A.2.5: the P-256 private key, and its public key's coordinates.
    const RFC6979_X: &str = "c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721";
    const RFC6979_UX: &str = "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6";
    const RFC6979_UY: &str = "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299";

    fn scalar(h: &str) -> [u8; 32] {
        let mut out = [0u8; 32];
        hex::decode_to_slice(h, &mut out).expect("32 bytes of hex");
        out
    }

    #[test]
    fn aws_lc_derives_the_rfc6979_public_key() {
        let key = EcdsaKey::from_be_bytes(&scalar(RFC6979_X)).expect("a valid scalar");
        let public = EcdsaPublicKey::from_key(&key);
        assert_eq!(
            hex::encode(public.to_sec1_uncompressed()),
            format!("04{RFC6979_UX}{RFC6979_UY}")
        );
    }

    /// AWS-LC's nonces are random: two signatures of one message differ, and each verifies
    /// with AWS-LC and with the RustCrypto backend (an independent implementation); the
    /// RustCrypto backend's RFC 6979 signature verifies with AWS-LC; a changed byte never does.
    #[test]
    fn aws_lc_signatures_are_random_and_verify_with_either_backend() {
        use super::super::rustcrypto;
        let x = scalar(RFC6979_X);
        let key = EcdsaKey::from_be_bytes(&x).expect("a valid scalar");
        let public = EcdsaPublicKey::from_key(&key);
        let theirs_key = rustcrypto::EcdsaKey::from_be_bytes(&x).expect("a valid scalar");
        let theirs = rustcrypto::EcdsaPublicKey::from_key(&theirs_key);
        assert_eq!(theirs.to_sec1_uncompressed(), public.to_sec1_uncompressed());
        let message = b"AWS4-ECDSA-P256-SHA256\n20150830T123600Z\n20150830/service/aws4_request\n0";
        let a = key.sign_sha256_der(message);
        let b = key.sign_sha256_der(message);
        assert_ne!(a.as_bytes(), b.as_bytes(), "AWS-LC's nonces are random");
        for sig in [a, b, theirs_key.sign_sha256_der(message)] {
            assert!(public.verify_der(message, sig.as_bytes()));
            assert!(theirs.verify_der(message, sig.as_bytes()));
            assert!(!public.verify_der(b"another message", sig.as_bytes()));
            for at in 0..sig.as_bytes().len() {
                let mut bad = sig.as_bytes().to_vec();
                bad[at] ^= 1;
                assert!(!public.verify_der(message, &bad), "byte {at}");
            }
        }
        assert!(!public.verify_der(message, &[]));
        let parsed =
            EcdsaPublicKey::from_sec1_bytes(&public.to_sec1_uncompressed()).expect("a point");
        assert!(parsed.verify_der(message, a.as_bytes()));
        assert!(EcdsaPublicKey::from_sec1_bytes(&public.to_sec1_uncompressed()[..64]).is_none());
        let mut off_curve = public.to_sec1_uncompressed();
        off_curve[64] ^= 1;
        assert!(EcdsaPublicKey::from_sec1_bytes(&off_curve).is_none());
    }

    #[test]
    fn aws_lc_refuses_private_scalars_outside_one_to_n_minus_one() {
        let n = scalar("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
        let mut n_minus_1 = n;
        n_minus_1[31] -= 1;
        let mut one = [0u8; 32];
        one[31] = 1;
        assert!(EcdsaKey::from_be_bytes(&[0; 32]).is_none());
        assert!(EcdsaKey::from_be_bytes(&n).is_none());
        assert!(EcdsaKey::from_be_bytes(&[0xff; 32]).is_none());
        assert!(EcdsaKey::from_be_bytes(&n_minus_1).is_some());
        assert!(EcdsaKey::from_be_bytes(&one).is_some());
    }
}
