//! Stage ③: the signing key, derived from the secret and the scope, and the signature it makes.

use crate::prelude::*;

use core::fmt;

use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::crypto;
#[cfg(test)]
use crate::sign::string_to_sign::Region;
use crate::sign::string_to_sign::Scope;
use crate::sink;
use crate::spec::{SCOPE_TERMINATOR, SECRET_PREFIX};

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
        Signature(self.state.mac(string_to_sign))
    }

    /// HMAC-SHA256 of a string to sign laid out from a template.
    #[inline]
    pub(crate) fn sign_padded(&self, string_to_sign: &crypto::Padded) -> Signature {
        Signature(self.state.mac_padded(string_to_sign))
    }

    /// HMAC-SHA256 of the string to sign that `write` streams in.
    #[inline]
    pub(crate) fn sign_streamed(&self, write: impl FnOnce(&mut crypto::Hasher)) -> Signature {
        let mut inner = self.state.start();
        write(&mut inner);
        Signature(self.state.finish(inner))
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(<redacted>)")
    }
}

/// A SigV4 signature: 32 bytes, shown as 64 lowercase hex digits.
///
/// `==` compares in constant time, like [`Signature::ct_eq`].
#[derive(Clone, Copy, Eq)]
pub struct Signature(pub(crate) [u8; 32]);

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other)
    }
}

impl Signature {
    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// The 64 lowercase hex digits, in a fixed buffer.
    pub fn to_hex(&self) -> [u8; 64] {
        sink::hex32(&self.0)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(hex: &str) -> Option<Self> {
        let mut out = [0u8; 32];
        hex::decode_to_slice(hex, &mut out).ok()?;
        Some(Self(out))
    }

    /// Parses exactly 64 lowercase hex digits, the one spelling SigV4 writes (AWS compares
    /// signatures as strings, so an uppercase digit is not the same signature).
    #[inline]
    pub(crate) fn from_lower_hex(hex: &[u8]) -> Option<Self> {
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
        Some(Self(out))
    }

    /// Compares in constant time.
    pub fn ct_eq(&self, other: &Signature) -> bool {
        crypto::ct_eq32(&self.0, &other.0)
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_hex();
        f.write_str(core::str::from_utf8(&hex).map_err(|_| fmt::Error)?)
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
            key.sign(b"x").0,
            crypto::hmac_sha256(&expected_key, &[b"x"])
        );
        assert_eq!(format!("{key:?}"), "SigningKey(<redacted>)");
    }
}
