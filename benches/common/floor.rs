//! The crypto floor: the SHA-256 and HMAC work any correct signer (or verifier) must do, and
//! nothing else, computed with the crypto library of the backend awssig is built with
//! (`sha2`/`hmac`/`subtle` by default, `aws-lc-rs` with the `aws-lc` or `fips` feature), called
//! directly. So a ratio to the floor is always awssig against its own backend's primitives.

use awssig::{Payload, Signer};

use primitives::{Hash, MacKey, sha256};

use crate::inputs::{SECRET, SUITE_TIME, TOKEN, api_gateway_post, at, get_vanilla, signer};

/// The cryptography alone, with sha2 and hmac directly: SHA-256 of the body (when it is not the
/// empty one, whose hash is a constant), hex; SHA-256 of the canonical request, hex; one HMAC of
/// the string to sign with the key state already keyed, hex. No correct signer can do less.
pub(crate) struct Floor {
    /// The body to hash, or `None` when the canonical request already ends in its hash.
    body: Option<Vec<u8>>,
    /// The canonical request, without the payload hash when `body` is `Some`.
    canonical_request: Vec<u8>,
    amz_date: [u8; 16],
    scope: Vec<u8>,
    key: MacKey,
    /// The `Authorization` value up to the signature.
    authorization_prefix: Vec<u8>,
    /// The session token's header value, made once (as a signer can).
    token: Option<http::HeaderValue>,
    /// The credential scope's service, for [`Floor::verify_deriving_key`].
    service: String,
}

pub(crate) fn hex(bytes: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 15)];
    }
    out
}

pub(crate) fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = MacKey::new(key).start();
    mac.update(data);
    mac.finish()
}

/// SHA-256 of `bytes` with the backend's library: the floor of hashing a body.
pub(crate) fn digest(bytes: &[u8]) -> [u8; 32] {
    sha256(bytes)
}

impl Floor {
    pub(crate) fn get_vanilla() -> Self {
        let req = get_vanilla();
        Self::of(signer(None, "service"), "service", &req, None)
    }

    /// The POST of case (b): the body is hashed inside `sign`, like the signers do.
    pub(crate) fn api_gateway_post(body: &[u8]) -> Self {
        let req = api_gateway_post(body);
        let ours = signer(Some(TOKEN), "execute-api");
        Self::of(ours, "execute-api", &req, Some(body.to_vec()))
    }

    /// The canonical request comes from awssig's readable path; the benches assert that `sign`
    /// then gives the signature both crates give.
    pub(crate) fn of(
        ours: Signer,
        service: &str,
        req: &http::Request<&[u8]>,
        body: Option<Vec<u8>>,
    ) -> Self {
        assert_eq!(
            primitives::BACKEND,
            awssig::CRYPTO_BACKEND,
            "the floor runs on awssig's backend"
        );
        let ex = ours
            .explain_at(req, Payload::Bytes(req.body()), at(SUITE_TIME))
            .expect("explained");
        let authorization = ex.authorization().expect("header signing");
        let authorization_prefix = authorization.as_bytes()[..authorization.len() - 64].to_vec();
        let token = ours
            .credentials()
            .session_token()
            .map(|t| http::HeaderValue::from_str(t).expect("a valid token"));
        let mut canonical_request = ex.canonical_request().as_bytes().to_vec();
        if body.is_some() {
            canonical_request.truncate(canonical_request.len() - 64);
        }
        let k_date = hmac(format!("AWS4{SECRET}").as_bytes(), b"20150830");
        let k_region = hmac(&k_date, b"us-east-1");
        let k_service = hmac(&k_region, service.as_bytes());
        let k_signing = hmac(&k_service, b"aws4_request");
        Self {
            body,
            canonical_request,
            amz_date: *b"20150830T123600Z",
            scope: format!("20150830/us-east-1/{service}/aws4_request").into_bytes(),
            key: MacKey::new(&k_signing),
            authorization_prefix,
            token,
            service: service.to_string(),
        }
    }

    /// The floor plus what any signer of an `http::Request` must do besides: the `Authorization`
    /// value written into a stack buffer, the `x-amz-date` and `Authorization` header values made
    /// (`http` checks and copies their bytes), the token's value shared, and the headers
    /// inserted.
    pub(crate) fn sign_request(&self, req: &mut http::Request<&[u8]>) {
        let signature = self.sign();
        let mut buf = [0u8; 512];
        let n = self.authorization_prefix.len();
        buf[..n].copy_from_slice(&self.authorization_prefix);
        buf[n..n + 64].copy_from_slice(&signature);
        let headers = req.headers_mut();
        let date = http::HeaderValue::from_bytes(&self.amz_date).expect("a valid value");
        headers.insert(http::HeaderName::from_static("x-amz-date"), date);
        if let Some(t) = &self.token {
            let name = http::HeaderName::from_static("x-amz-security-token");
            headers.insert(name, t.clone());
        }
        let authorization = http::HeaderValue::from_bytes(&buf[..n + 64]).expect("a valid value");
        headers.insert(http::header::AUTHORIZATION, authorization);
    }

    pub(crate) fn sign(&self) -> [u8; 64] {
        self.sign_with(&self.key)
    }

    /// The crypto floor of verifying: the signature computed as [`Floor::sign`] does (the body
    /// hashed, the canonical request hashed, one HMAC with the derived key's state cached, as a
    /// verifier that caches keys per access key, day, region and service has it), then compared
    /// with the claimed one in constant time.
    pub(crate) fn verify(&self, claimed: &[u8; 64]) -> bool {
        primitives::ct_eq(&self.sign(), claimed)
    }

    /// [`Floor::verify`] for a verifier that caches no key: the signing key is derived from the
    /// secret for every request (four HMACs, each with its own key setup).
    pub(crate) fn verify_deriving_key(&self, claimed: &[u8; 64]) -> bool {
        let k_date = hmac(format!("AWS4{SECRET}").as_bytes(), &self.amz_date[..8]);
        let k_region = hmac(&k_date, b"us-east-1");
        let k_service = hmac(&k_region, self.service.as_bytes());
        let k_signing = hmac(&k_service, b"aws4_request");
        let key = MacKey::new(&k_signing);
        primitives::ct_eq(&self.sign_with(&key), claimed)
    }

    fn sign_with(&self, key: &MacKey) -> [u8; 64] {
        let mut canonical_request = Hash::new();
        canonical_request.update(&self.canonical_request);
        if let Some(body) = &self.body {
            canonical_request.update(&hex(&sha256(body)));
        }
        let digest = canonical_request.finish();
        let mut mac = key.start();
        mac.update(b"AWS4-HMAC-SHA256\n");
        mac.update(&self.amz_date);
        mac.update(b"\n");
        mac.update(&self.scope);
        mac.update(b"\n");
        mac.update(&hex(&digest));
        hex(&mac.finish())
    }
}

/// The default backend's primitives: `sha2`, `hmac` (its key state cloned, pads already
/// hashed) and `subtle`.
#[cfg(not(feature = "aws-lc"))]
mod primitives {
    use hmac::{Hmac, KeyInit, Mac as _};
    use sha2::{Digest, Sha256};

    pub(crate) const BACKEND: &str = "rustcrypto";

    pub(crate) struct MacKey(Hmac<Sha256>);
    pub(crate) struct Mac(Hmac<Sha256>);
    pub(crate) struct Hash(Sha256);

    impl MacKey {
        pub(crate) fn new(key: &[u8]) -> Self {
            Self(<Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length"))
        }
        pub(crate) fn start(&self) -> Mac {
            Mac(self.0.clone())
        }
    }
    impl Mac {
        pub(crate) fn update(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        pub(crate) fn finish(self) -> [u8; 32] {
            self.0.finalize().into_bytes().into()
        }
    }
    impl Hash {
        pub(crate) fn new() -> Self {
            Self(Sha256::new())
        }
        pub(crate) fn update(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        pub(crate) fn finish(self) -> [u8; 32] {
            self.0.finalize().into()
        }
    }
    pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
        Sha256::digest(bytes).into()
    }
    pub(crate) fn ct_eq(a: &[u8; 64], b: &[u8; 64]) -> bool {
        bool::from(subtle::ConstantTimeEq::ct_eq(&a[..], &b[..]))
    }
}

/// AWS-LC's primitives through `aws-lc-rs` (its FIPS module with `fips`): `digest`, `hmac`
/// (a `Key` keeps the pad states; a `Context` copies them) and `constant_time`.
#[cfg(feature = "aws-lc")]
mod primitives {
    use aws_lc_rs::{constant_time, digest, hmac};

    pub(crate) const BACKEND: &str = if cfg!(feature = "fips") {
        "aws-lc-fips"
    } else {
        "aws-lc"
    };

    pub(crate) struct MacKey(hmac::Key);
    pub(crate) struct Mac(hmac::Context);
    pub(crate) struct Hash(digest::Context);

    fn to32(bytes: &[u8]) -> [u8; 32] {
        bytes.try_into().expect("32 bytes")
    }

    impl MacKey {
        pub(crate) fn new(key: &[u8]) -> Self {
            Self(hmac::Key::new(hmac::HMAC_SHA256, key))
        }
        pub(crate) fn start(&self) -> Mac {
            Mac(hmac::Context::with_key(&self.0))
        }
    }
    impl Mac {
        pub(crate) fn update(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        pub(crate) fn finish(self) -> [u8; 32] {
            to32(self.0.sign().as_ref())
        }
    }
    impl Hash {
        pub(crate) fn new() -> Self {
            Self(digest::Context::new(&digest::SHA256))
        }
        pub(crate) fn update(&mut self, bytes: &[u8]) {
            self.0.update(bytes);
        }
        pub(crate) fn finish(self) -> [u8; 32] {
            to32(self.0.finish().as_ref())
        }
    }
    pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
        to32(digest::digest(&digest::SHA256, bytes).as_ref())
    }
    pub(crate) fn ct_eq(a: &[u8; 64], b: &[u8; 64]) -> bool {
        constant_time::verify_slices_are_equal(a, b).is_ok()
    }
}
