//! Stage ③: the signing key, derived from the secret and the scope (SigV4) or from the credentials alone (SigV4a), and the signature it makes.

use crate::prelude::*;

use alloc::sync::Arc;
use core::fmt;

use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::crypto;
#[cfg(test)]
use crate::sign::string_to_sign::Region;
use crate::sign::string_to_sign::Scope;
use crate::sink::{self, Sink};
use crate::spec::{Algorithm, SCOPE_TERMINATOR, SECRET_PREFIX, SECRET_PREFIX_V4A};

/// `kSigning` for one (date, region, service), ready to sign: the HMAC state keyed with it is
/// kept, so each signature costs one HMAC of the string to sign. Valid for that whole UTC day.
/// The key material is wiped on drop and never printed.
#[derive(Clone)]
pub(crate) struct SigningKey {
    state: crypto::MacKey,
}

impl SigningKey {
    /// Derives `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    pub(crate) fn derive(creds: &Credentials, scope: &Scope<'_>) -> Self {
        let secret = creds.secret_access_key().as_bytes();
        // Exact capacity: a reallocation would leave an unwiped copy of the secret behind.
        let mut k_secret = Zeroizing::new(Vec::with_capacity(SECRET_PREFIX.len() + secret.len()));
        k_secret.extend_from_slice(SECRET_PREFIX);
        k_secret.extend_from_slice(secret);
        let k_date = Zeroizing::new(crypto::hmac_sha256(&k_secret, &[scope.date.as_bytes()]));
        let k_region = Zeroizing::new(crypto::hmac_sha256(
            &*k_date,
            &[scope.region.as_str().as_bytes()],
        ));
        let k_service =
            Zeroizing::new(crypto::hmac_sha256(&*k_region, &[scope.service.as_bytes()]));
        let mut k_signing = Zeroizing::new(crypto::hmac_sha256(
            &*k_service,
            &[SCOPE_TERMINATOR.as_bytes()],
        ));
        let state = crypto::MacKey::new(&*k_signing);
        crypto::wipe(&mut *k_signing);
        Self { state }
    }

    /// HMAC-SHA256 of the string to sign.
    #[inline]
    pub(crate) fn sign(&self, string_to_sign: &[u8]) -> Signature {
        Signature::hmac(self.state.mac(string_to_sign))
    }

    /// HMAC-SHA256 of a string to sign laid out from a template.
    #[inline]
    pub(crate) fn sign_padded(&self, string_to_sign: &crypto::Padded) -> Signature {
        Signature::hmac(self.state.mac_padded(string_to_sign))
    }

    /// HMAC-SHA256 of the string to sign that `write` streams in.
    #[inline]
    pub(crate) fn sign_streamed(&self, write: impl FnOnce(&mut crypto::Hasher)) -> Signature {
        let mut inner = self.state.start();
        write(&mut inner);
        Signature::hmac(self.state.finish(inner))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// SigV4a's private key, derived from the credentials alone (no date, region or service), so
/// a signer derives it once. The scalar is wiped on drop and never printed.
///
/// The derivation is NIST SP 800-108's KDF in counter mode over HMAC-SHA256, as aws-c-auth
/// and `aws-sigv4` run it: with the key `"AWS4A" + secret`, the candidate is
/// `HMAC(1 as 4 bytes BE || "AWS4-ECDSA-P256-SHA256" || 0x00 || access key id || counter ||
/// 256 as 4 bytes BE)` for the counter 1, 2, ... 254; the first candidate `c <= n - 2` (n is
/// P-256's group order) gives the private key `c + 1`.
#[derive(Clone)]
pub(crate) struct EcdsaSigningKey {
    key: crypto::EcdsaKey,
}

/// The highest counter of the key derivation (aws-c-auth's bound; reaching it has a chance of
/// about 2^-8000).
const MAX_KDF_COUNTER: u8 = 254;

impl EcdsaSigningKey {
    /// Derives the key, or `None` when every counter gives a candidate out of range (never seen:
    /// each one is out of range with a chance of about 2^-32).
    pub(crate) fn derive(creds: &Credentials) -> Option<Self> {
        let secret = creds.secret_access_key().as_bytes();
        // Exact capacity: a reallocation would leave an unwiped copy of the secret behind.
        let mut input_key =
            Zeroizing::new(Vec::with_capacity(SECRET_PREFIX_V4A.len() + secret.len()));
        input_key.extend_from_slice(SECRET_PREFIX_V4A);
        input_key.extend_from_slice(secret);
        let label = Algorithm::EcdsaP256Sha256.as_str().as_bytes();
        let access_key_id = creds.access_key_id().as_bytes();
        for counter in 1..=MAX_KDF_COUNTER {
            let mut candidate = Zeroizing::new(crypto::hmac_sha256(
                &input_key,
                &[
                    &1u32.to_be_bytes(),
                    label,
                    &[0],
                    access_key_id,
                    &[counter],
                    &256u32.to_be_bytes(),
                ],
            ));
            // candidate + 1, big-endian; a carry out of the top byte means the candidate was
            // 2^256 - 1, far above n - 2.
            let mut carry = true;
            for byte in candidate.iter_mut().rev() {
                let (sum, over) = byte.overflowing_add(u8::from(carry));
                *byte = sum;
                carry = over;
            }
            if carry {
                continue;
            }
            // candidate <= n - 2 exactly when candidate + 1 is a scalar in 1..n, which the
            // crypto backend checks (in constant time).
            if let Some(key) = crypto::EcdsaKey::from_be_bytes(&candidate) {
                return Some(Self { key });
            }
        }
        None
    }

    /// The ECDSA signature of SHA-256(`string_to_sign`), DER-encoded.
    #[inline]
    pub(crate) fn sign(&self, string_to_sign: &[u8]) -> Signature {
        Signature(Repr::Ecdsa(self.key.sign_sha256_der(string_to_sign)))
    }

    /// The public key (a scalar multiplication: cache it).
    pub(crate) fn public_key(&self) -> crypto::EcdsaPublicKey {
        crypto::EcdsaPublicKey::from_key(&self.key)
    }
}

impl fmt::Debug for EcdsaSigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EcdsaSigningKey(<redacted>)")
    }
}

/// The key a request is signed with: SigV4's day key, or SigV4a's key (shared: it serves every
/// day).
#[derive(Clone, Debug)]
pub(crate) enum RequestKey {
    /// SigV4: `kSigning` for the scope.
    Hmac(SigningKey),
    /// SigV4a: the credentials' ECDSA key.
    Ecdsa(Arc<EcdsaSigningKey>),
}

// Only the key cache's tests sign with a `RequestKey` directly (and they need `std`).
#[cfg(all(test, feature = "std"))]
impl RequestKey {
    /// Signs a string to sign with either key.
    pub(crate) fn sign(&self, string_to_sign: &[u8]) -> Signature {
        match self {
            Self::Hmac(k) => k.sign(string_to_sign),
            Self::Ecdsa(k) => k.sign(string_to_sign),
        }
    }
}

/// A request signature: SigV4's HMAC-SHA256 (32 bytes, 64 lowercase hex digits) or SigV4a's
/// ECDSA P-256 signature (DER, 70 to 72 bytes, hex in lowercase).
///
/// `==` compares in constant time, like [`Signature::ct_eq`].
#[derive(Clone, Copy)]
pub struct Signature(pub(crate) Repr);

impl Eq for Signature {}

/// The two forms of a [`Signature`].
#[derive(Clone, Copy)]
pub(crate) enum Repr {
    Hmac([u8; 32]),
    Ecdsa(crypto::DerSignature),
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other)
    }
}

/// A signature in lowercase hex, in a fixed buffer: 64 digits for SigV4, up to 144 for SigV4a.
/// It dereferences to the digits' bytes.
#[derive(Clone, Copy)]
pub struct SignatureHex {
    digits: [u8; 2 * crypto::MAX_DER_SIGNATURE],
    len: u8,
}

impl SignatureHex {
    /// The hex digits.
    pub fn as_str(&self) -> &str {
        // Hex digits are ASCII.
        core::str::from_utf8(self).unwrap_or_default()
    }
}

impl core::ops::Deref for SignatureHex {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.digits[..usize::from(self.len)]
    }
}

impl fmt::Debug for SignatureHex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Signature {
    /// An HMAC-SHA256 (SigV4) signature from its 32 bytes.
    #[inline]
    pub(crate) const fn hmac(bytes: [u8; 32]) -> Self {
        Self(Repr::Hmac(bytes))
    }

    /// The signature's bytes: 32 for SigV4, the DER encoding for SigV4a.
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Hmac(b) => b,
            Repr::Ecdsa(d) => d.as_bytes(),
        }
    }

    /// The 32 bytes of a SigV4 (HMAC-SHA256) signature, `None` for SigV4a.
    #[inline]
    pub fn hmac_bytes(&self) -> Option<&[u8; 32]> {
        match &self.0 {
            Repr::Hmac(b) => Some(b),
            Repr::Ecdsa(_) => None,
        }
    }

    /// The algorithm that made it.
    pub fn algorithm(&self) -> Algorithm {
        match self.0 {
            Repr::Hmac(_) => Algorithm::HmacSha256,
            Repr::Ecdsa(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    /// The lowercase hex digits, in a fixed buffer.
    pub fn to_hex(&self) -> SignatureHex {
        let mut out = SignatureHex {
            digits: [0; 2 * crypto::MAX_DER_SIGNATURE],
            len: 0,
        };
        let bytes = self.as_bytes();
        let n = 2 * bytes.len();
        // At most 144 digits: the cast cannot truncate.
        out.len = n as u8;
        let _ = hex::encode_to_slice(bytes, &mut out.digits[..n]);
        out
    }

    /// Writes the lowercase hex digits into `sink` (SigV4's 64 from a fixed table).
    #[inline]
    pub(crate) fn write_hex<S: Sink + ?Sized>(&self, sink: &mut S) {
        match &self.0 {
            Repr::Hmac(b) => sink.put(&sink::hex32(b)),
            Repr::Ecdsa(_) => sink.put(&self.to_hex()),
        }
    }

    /// Parses 64 hex digits: a SigV4 signature.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex, &mut out).ok()?;
        Some(Self::hmac(out))
    }

    /// Parses a SigV4a signature: the hex of a DER encoding of at most 72 bytes (its DER is
    /// not checked here; a malformed one never verifies).
    pub fn from_der_hex(hex: &str) -> Option<Self> {
        Self::from_lower_der_hex(hex.as_bytes()).or_else(|| {
            let mut buf = [0u8; crypto::MAX_DER_SIGNATURE];
            let n = hex.len() / 2;
            if !hex.len().is_multiple_of(2) || n == 0 || n > buf.len() {
                return None;
            }
            hex::decode_to_slice(hex, &mut buf[..n]).ok()?;
            Some(Self(Repr::Ecdsa(crypto::DerSignature::new(&buf[..n]))))
        })
    }

    /// Parses the lowercase hex of a SigV4a (DER) signature: an even number of digits, 2 to
    /// 144, `0-9a-f` only (AWS compares signatures as strings).
    pub(crate) fn from_lower_der_hex(hex: &[u8]) -> Option<Self> {
        let n = hex.len() / 2;
        if !hex.len().is_multiple_of(2) || n == 0 || n > crypto::MAX_DER_SIGNATURE {
            return None;
        }
        let lower = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
        if !hex.iter().all(|&c| lower(c)) {
            return None;
        }
        let mut buf = [0u8; crypto::MAX_DER_SIGNATURE];
        hex::decode_to_slice(hex, &mut buf[..n]).ok()?;
        Some(Self(Repr::Ecdsa(crypto::DerSignature::new(&buf[..n]))))
    }

    /// Parses exactly 64 lowercase hex digits, the one spelling SigV4 writes (AWS compares
    /// signatures as strings, so an uppercase digit is not the same signature).
    #[cfg(feature = "http")]
    #[inline]
    pub(crate) fn from_lower_hex(hex: &[u8]) -> Option<Self> {
        decode_lower_hex32(hex).map(Self::hmac)
    }

    /// Compares in constant time (two signatures of different algorithms, or DER encodings
    /// of different lengths, differ at once).
    pub fn ct_eq(&self, other: &Signature) -> bool {
        match (&self.0, &other.0) {
            (Repr::Hmac(a), Repr::Hmac(b)) => crypto::ct_eq32(a, b),
            (Repr::Ecdsa(a), Repr::Ecdsa(b)) => crypto::ct_eq(a.as_bytes(), b.as_bytes()),
            _ => false,
        }
    }
}

/// 64 lowercase hex digits decoded, or `None` (see [`Signature::from_lower_hex`]).
#[inline]
pub(crate) fn decode_lower_hex32(hex: &[u8]) -> Option<[u8; 32]> {
    let hex = <&[u8; 64]>::try_from(hex).ok()?;
    // Every digit's value, then the pairs: two fixed-length loops without branches, which
    // the compiler turns into vector code. `bad` collects a byte that is neither `0-9` nor
    // `a-f`.
    let mut nibbles = [0u8; 64];
    let mut bad = 0u8;
    for (n, &c) in nibbles.iter_mut().zip(hex) {
        let digit = c.wrapping_sub(b'0');
        let letter = c.wrapping_sub(b'a');
        let is_digit = digit < 10;
        bad |= u8::from(!is_digit && letter >= 6);
        *n = if is_digit {
            digit
        } else {
            letter.wrapping_add(10)
        };
    }
    if bad != 0 {
        return None;
    }
    let mut out = [0u8; 32];
    for (o, pair) in out.iter_mut().zip(nibbles.as_chunks::<2>().0) {
        *o = (pair[0] << 4) | (pair[1] & 0x0f);
    }
    Some(out)
}

/// A signature a request claims, as the verifier carries it: SigV4's 32 bytes inline (a
/// small value on the verifier's hot path, moved from the parse to the comparison), SigV4a's
/// DER on the heap (its verification costs far more than the allocation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Claimed {
    /// SigV4: HMAC-SHA256.
    Hmac([u8; 32]),
    /// SigV4a: ECDSA, DER-encoded.
    Der(Box<[u8]>),
}

impl Claimed {
    /// The public form.
    pub(crate) fn signature(&self) -> Signature {
        match self {
            Self::Hmac(b) => Signature::hmac(*b),
            Self::Der(d) => Signature(Repr::Ecdsa(crypto::DerSignature::new(d))),
        }
    }

    /// A signature as the verifier carries it.
    pub(crate) fn from_signature(s: &Signature) -> Self {
        match &s.0 {
            Repr::Hmac(b) => Self::Hmac(*b),
            Repr::Ecdsa(d) => Self::Der(d.as_bytes().into()),
        }
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.to_hex().as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_the_aws_documentation_example_key() {
        // The AWS General Reference example: the key for 20120215/us-east-1/iam, checked by
        // signing an empty message with it and with a reference HMAC chain.
        let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let scope = Scope {
            date: "20120215",
            region: Region::One("us-east-1"),
            service: "iam",
        };
        let key = SigningKey::derive(&creds, &scope);
        let expected_key =
            hex::decode("f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d")
                .unwrap();
        assert_eq!(
            key.sign(b"x").hmac_bytes(),
            Some(&crypto::hmac_sha256(&expected_key, &[b"x"]))
        );
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    }

    #[test]
    fn sigv4a_key_derivation_gives_the_aws_c_auth_suites_public_key() {
        // testdata/aws/aws-c-auth-v4a/*/public-key.json: every case signs with these
        // credentials, and the suite states the public key of the key they derive.
        let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
        let key = EcdsaSigningKey::derive(&creds).unwrap();
        assert_eq!(
            hex::encode(key.public_key().to_sec1_uncompressed()),
            "04b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1\
             865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518"
        );
        assert_eq!(format!("{key:?}"), "EcdsaSigningKey(<redacted>)");
        // The session token takes no part: the same key.
        let with_token = creds.clone().with_session_token("token");
        let again = EcdsaSigningKey::derive(&with_token).unwrap();
        assert!(
            again
                .public_key()
                .verify_der(b"m", key.sign(b"m").as_bytes())
        );
    }

    #[test]
    fn sigv4a_signatures_are_der_in_lowercase_hex_and_parse_back() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret");
        let key = EcdsaSigningKey::derive(&creds).unwrap();
        let sig = key.sign(b"string to sign");
        assert_eq!(sig.algorithm(), Algorithm::EcdsaP256Sha256);
        assert_eq!(sig.as_bytes()[0], 0x30, "a DER SEQUENCE");
        let hex = sig.to_string();
        assert_eq!(hex, hex.to_ascii_lowercase());
        assert_eq!(Signature::from_der_hex(&hex), Some(sig));
        assert_eq!(Signature::from_lower_der_hex(hex.as_bytes()), Some(sig));
        assert_eq!(
            Signature::from_lower_der_hex(hex.to_ascii_uppercase().as_bytes()),
            None
        );
        assert_eq!(Signature::from_lower_der_hex(&hex.as_bytes()[1..]), None);
        assert_eq!(Signature::from_lower_der_hex(b""), None);
        assert_eq!(Signature::from_lower_der_hex(&[b'0'; 146]), None);
        // An HMAC signature never equals an ECDSA one.
        assert_ne!(Signature::hmac([0; 32]), sig);
        assert!(sig.hmac_bytes().is_none());
    }
}
