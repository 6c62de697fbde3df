//! The verifier's derived-key cache: `kSigning` per (access key id, secret, date, region, service), and SigV4a's public key per (access key id, secret), bounded and shared by a [`Verifier`](crate::Verifier)'s clones.
//!
//! A verification then costs one SHA-256 of the canonical request and one HMAC of the string
//! to sign, instead of four more HMACs to derive the key ([`SigningKey::derive`]). For SigV4a
//! the cached key is the public key ([`EcdsaSigningKey::derive`], then a P-256 scalar
//! multiplication, the expensive part): it does not depend on the date, region or service, so
//! one entry serves every request of that access key, and a verification costs the
//! canonical request's SHA-256 and one ECDSA verification.
//!
//! - **Bounded.** The table has [`SLOTS`] slots, each holding at most one key: a slot is chosen
//!   by a seeded hash (a per-cache random seed) of the key id and scope, and a new key
//!   replaces the slot's old one. Whatever a client sends, the cache never holds more than
//!   [`SLOTS`] keys.
//! - **Only proven keys.** A key is cached only after it verified a signature, so it is always
//!   one the lookup knows, and a client who does not hold the secret cannot fill or evict slots.
//! - **Never for another secret.** An entry keeps the secret it was derived from and serves
//!   only credentials whose secret is the same bytes (compared in constant time), so after a
//!   rotation the lookup's new secret never meets the old key.
//! - **Lock-free reads.** Each slot is an [`ArcSwapOption`]: readers take no lock, and a miss
//!   publishes its key for the verifier's clones and other threads.
//!
//! - **The day's string to sign laid out once.** An entry also keeps its scope's
//!   [`Template`], as the signer's day key does, so a verification copies it and writes its
//!   `X-Amz-Date` and digest into place.
//!
//! The secrets and keys are wiped on drop and never printed.
//!
//! Without the `std` feature (no `arc-swap`, no `RandomState`) every slot is a `NoSlot`,
//! which holds nothing: each verification derives its key, and nothing is cached.

use crate::prelude::*;

use alloc::sync::Arc;
use core::fmt;
#[cfg(feature = "std")]
use std::collections::hash_map::RandomState;
#[cfg(feature = "std")]
use std::hash::BuildHasher;

#[cfg(feature = "std")]
use arc_swap::ArcSwapOption;
use zeroize::Zeroizing;

use crate::credentials::Credentials;
use crate::crypto;
use crate::sign::key::{Claimed, EcdsaSigningKey, SigningKey};
use crate::sign::string_to_sign::{self, Region, Scope, StringToSign, Template};
use crate::spec::Algorithm;
use crate::time::AmzDate;

/// How many keys the cache holds at most: a server's few live (key, day) pairs fit, with
/// room for the day change, and the whole table stays a few tens of KiB.
pub(crate) const SLOTS: usize = 64;
const _: () = assert!(SLOTS.is_power_of_two());

/// One slot of the table: a lock-free shared pointer.
#[cfg(feature = "std")]
type Slot = ArcSwapOption<Entry>;
/// One slot of the table: without `std`, one that holds nothing.
#[cfg(not(feature = "std"))]
type Slot = NoSlot;

/// A slot that keeps nothing, for builds without `std` (no lock-free shared pointer there, and
/// a spin lock would make verifications wait on each other).
#[cfg(not(feature = "std"))]
#[derive(Default)]
struct NoSlot;

#[cfg(not(feature = "std"))]
impl NoSlot {
    fn load(&self) -> Option<Arc<Entry>> {
        None
    }

    fn load_full(&self) -> Option<Arc<Entry>> {
        None
    }

    fn store(&self, _: Option<Arc<Entry>>) {}
}

/// What a verification checks a signature with.
enum EntryKey {
    /// SigV4: `kSigning`, which signs again for a constant-time compare.
    Hmac(SigningKey),
    /// SigV4a: the public key (`None` in the never-seen case that no key derives from the
    /// secret: then nothing verifies).
    Ecdsa(Option<crypto::EcdsaPublicKey>),
}

/// One derived key and everything it was derived from.
struct Entry {
    algorithm: Algorithm,
    access_key_id: Box<str>,
    secret: Zeroizing<String>,
    date: Box<str>,
    region: Box<str>,
    region_set: bool,
    service: Box<str>,
    key: EntryKey,
    /// The string to sign of this scope laid out once (see [`Template`]), and the algorithm it
    /// names; `None` when the scope is too long to lay out.
    template: Option<(Algorithm, Template)>,
}

/// A signing key for one verification: cached, or derived for it and not cached yet.
pub(crate) struct HeldKey {
    entry: Arc<Entry>,
    /// The cache and slot to keep it in, when it was derived (a cached key holds no
    /// reference to the cache: one atomic increment less per request).
    slot: Option<(Arc<VerifyKeyCache>, usize)>,
}

impl HeldKey {
    /// Caches a key that [`VerifyKeyCache::key`] derived, now that it verified a signature.
    pub(crate) fn keep(self) {
        if let Some((cache, slot)) = self.slot {
            cache.slots[slot].store(Some(self.entry));
        }
    }

    /// The SigV4 signing key itself (for chaining `aws-chunked` signatures on the seed);
    /// `None` for SigV4a.
    #[cfg(feature = "http")]
    pub(crate) fn signing_key(&self) -> Option<SigningKey> {
        match &self.entry.key {
            EntryKey::Hmac(key) => Some(key.clone()),
            EntryKey::Ecdsa(_) => None,
        }
    }

    /// Whether `claimed` is the signature of the string to sign of `date`, `scope` and the
    /// canonical request's digest. SigV4 signs it again (laid out from the scope's template
    /// when there is one for `algorithm`) and compares in constant time; SigV4a verifies the
    /// ECDSA signature with the public key.
    #[inline]
    pub(crate) fn verifies(
        &self,
        algorithm: Algorithm,
        date: &AmzDate,
        scope: &Scope<'_>,
        creq_digest: &[u8; 32],
        claimed: &Claimed,
    ) -> bool {
        let e = &*self.entry;
        let sts = || string_to_sign::string_to_sign(algorithm, date, scope, creq_digest);
        match (&e.key, claimed) {
            (EntryKey::Hmac(key), Claimed::Hmac(claimed)) => {
                let signature = match &e.template {
                    Some((a, template)) if *a == algorithm => {
                        key.sign_padded(&template.fill(date, creq_digest))
                    }
                    _ => key.sign(&sts()),
                };
                signature
                    .hmac_bytes()
                    .is_some_and(|s| crypto::ct_eq32(s, claimed))
            }
            (EntryKey::Ecdsa(Some(public)), Claimed::Der(der)) if e.algorithm == algorithm => {
                verify_ecdsa(public, &sts(), der)
            }
            _ => false,
        }
    }
}

/// One ECDSA verification, out of line: the SigV4 path above stays small.
#[inline(never)]
fn verify_ecdsa(public: &crypto::EcdsaPublicKey, string_to_sign: &[u8], der: &[u8]) -> bool {
    public.verify_der(string_to_sign, der)
}

impl Entry {
    /// Whether this key is the one `creds` derive for `scope`. The secret is compared in
    /// constant time; the other parts are not secret.
    #[inline]
    fn serves(&self, creds: &Credentials, algorithm: Algorithm, scope: &Scope<'_>) -> bool {
        let same_scope = self.algorithm == algorithm
            && *self.access_key_id == *creds.access_key_id()
            && *self.date == *scope.date
            && *self.region == *scope.region.as_str()
            && self.region_set == matches!(scope.region, Region::Set(_))
            && *self.service == *scope.service;
        same_scope && crypto::ct_eq(self.secret.as_bytes(), creds.secret_access_key().as_bytes())
    }
}

/// The bounded table of derived keys a [`Verifier`](crate::Verifier) and its clones share.
pub(crate) struct VerifyKeyCache {
    /// The per-cache random seed of the slot hash.
    seed: u64,
    slots: Box<[Slot]>,
    /// How many keys were derived, for the tests.
    #[cfg(test)]
    derived: std::sync::atomic::AtomicUsize,
}

impl Default for VerifyKeyCache {
    fn default() -> Self {
        Self {
            #[cfg(feature = "std")]
            seed: RandomState::new().hash_one(0u64),
            // Nothing is cached, so the slot choice needs no secret seed.
            #[cfg(not(feature = "std"))]
            seed: 0,
            slots: (0..SLOTS).map(|_| Slot::default()).collect(),
            #[cfg(test)]
            derived: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

impl VerifyKeyCache {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The slot for `access_key_id` and `scope`: a multiply-rotate hash of the four parts,
    /// seeded per cache (SipHash cost more than the rest of the lookup). Only keys that
    /// verified a signature are cached, so a client who could aim at a slot can only evict
    /// keys with keys of its own.
    #[inline]
    fn slot(&self, access_key_id: &str, scope: &Scope<'_>) -> usize {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut h = self.seed;
        for part in [
            access_key_id,
            scope.date,
            scope.region.as_str(),
            scope.service,
        ] {
            let (words, tail) = part.as_bytes().as_chunks::<8>();
            for w in words {
                h = (h ^ u64::from_le_bytes(*w)).wrapping_mul(K).rotate_left(31);
            }
            let mut last = [0u8; 8];
            last[..tail.len()].copy_from_slice(tail);
            // The length ends each part, so that parts cannot slide into each other.
            h = (h ^ u64::from_le_bytes(last) ^ ((part.len() as u64) << 56))
                .wrapping_mul(K)
                .rotate_left(31);
        }
        // The top bits, which every input bit reaches; below SLOTS, so the cast cannot truncate.
        (h.wrapping_mul(K) >> (64 - SLOTS.trailing_zeros())) as usize
    }

    /// The signing key of `creds` for `scope`: the cached one when it was derived from the
    /// same key id, secret and scope, else one derived now, which [`HeldKey::keep`]
    /// caches once it verified a signature. A SigV4a key serves every scope (it is derived
    /// from the credentials alone), so it is cached under an empty one.
    #[inline]
    pub(crate) fn key(
        self: &Arc<Self>,
        creds: &Credentials,
        algorithm: Algorithm,
        scope: &Scope<'_>,
    ) -> HeldKey {
        let any_scope = Scope {
            date: "",
            region: Region::Set(""),
            service: "",
        };
        let scope = match algorithm {
            Algorithm::HmacSha256 => scope,
            _ => &any_scope,
        };
        let slot = self.slot(creds.access_key_id(), scope);
        if let Some(entry) = self.slots[slot].load_full()
            && entry.serves(creds, algorithm, scope)
        {
            return HeldKey { entry, slot: None };
        }
        #[cfg(test)]
        self.derived
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self::derive(self, slot, creds, algorithm, scope)
    }

    #[cold]
    fn derive(
        cache: &Arc<Self>,
        slot: usize,
        creds: &Credentials,
        algorithm: Algorithm,
        scope: &Scope<'_>,
    ) -> HeldKey {
        let mut scope_bytes = StringToSign::new();
        scope.write(&mut scope_bytes);
        let (key, template) = match algorithm {
            Algorithm::HmacSha256 => (
                EntryKey::Hmac(SigningKey::derive(creds, scope)),
                Template::new(algorithm, &scope_bytes).map(|t| (algorithm, t)),
            ),
            _ => (
                EntryKey::Ecdsa(EcdsaSigningKey::derive(creds).map(|k| k.public_key())),
                None,
            ),
        };
        HeldKey {
            entry: Arc::new(Entry {
                algorithm,
                access_key_id: creds.access_key_id().into(),
                secret: Zeroizing::new(creds.secret_access_key().to_owned()),
                date: scope.date.into(),
                region: scope.region.as_str().into(),
                region_set: matches!(scope.region, Region::Set(_)),
                service: scope.service.into(),
                key,
                template,
            }),
            slot: Some((Arc::clone(cache), slot)),
        }
    }

    /// How many keys are cached now (at most [`SLOTS`]).
    pub(crate) fn len(&self) -> usize {
        self.slots.iter().filter(|s| s.load().is_some()).count()
    }
}

impl fmt::Debug for VerifyKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyKeyCache")
            .field("keys", &self.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
#[cfg(feature = "http")]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::{Payload, Signer, VerifyError};

    const AKID: &str = "AKIDEXAMPLE";
    const OLD_SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
    const NEW_SECRET: &str = "rotated/K7MDENG+bPxRfiCYEXAMPLEKEYrotated";

    fn now() -> SystemTime {
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)
    }

    fn signed(creds: &Credentials, at: SystemTime) -> http::Request<()> {
        let mut req = http::Request::get("https://example.amazonaws.com/?a=b")
            .body(())
            .unwrap();
        Signer::new(creds.clone(), "us-east-1", "service")
            .sign_payload_at(&mut req, Payload::Bytes(b""), at)
            .unwrap();
        req
    }

    fn verify(
        verifier: &crate::Verifier,
        req: &http::Request<()>,
        at: SystemTime,
    ) -> Result<(), VerifyError> {
        verifier.verify_at(req, Payload::Bytes(b""), at).map(|_| ())
    }

    fn derived(verifier: &crate::Verifier) -> usize {
        verifier
            .keys
            .derived
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    #[test]
    fn a_rotated_secret_is_never_verified_with_the_old_cached_key() {
        let current = Arc::new(std::sync::RwLock::new(Credentials::new(AKID, OLD_SECRET)));
        let lookup = {
            let current = Arc::clone(&current);
            move |id: &str| {
                let c = current.read().unwrap().clone();
                (c.access_key_id() == id).then_some(c)
            }
        };
        let verifier = crate::Verifier::new(lookup, "us-east-1", "service");
        let old_req = signed(&Credentials::new(AKID, OLD_SECRET), now());
        verify(&verifier, &old_req, now()).unwrap();
        assert_eq!(verifier.keys.len(), 1, "the old secret's key is cached");

        *current.write().unwrap() = Credentials::new(AKID, NEW_SECRET);
        assert!(matches!(
            verify(&verifier, &old_req, now()),
            Err(VerifyError::SignatureMismatch)
        ));
        let new_req = signed(&Credentials::new(AKID, NEW_SECRET), now());
        verify(&verifier, &new_req, now()).unwrap();
        // The new key replaced the old one in its slot; the old signature stays refused.
        assert!(matches!(
            verify(&verifier, &old_req, now()),
            Err(VerifyError::SignatureMismatch)
        ));
        verify(&verifier, &new_req, now()).unwrap();
        assert_eq!(verifier.keys.len(), 1);
        // Derived: the old secret's key (cached); the new secret's key for the old signature
        // (refused, not cached); the new secret's key for the new signature (cached, replacing
        // the old). The last two verifications use the new secret's cached key.
        assert_eq!(derived(&verifier), 3);
    }

    #[test]
    fn many_access_keys_and_dates_do_not_grow_the_cache_beyond_its_cap() {
        let creds: Vec<Credentials> = (0..200)
            .map(|i| Credentials::new(format!("AKID{i:04}"), format!("secret-{i}")))
            .collect();
        let verifier = crate::Verifier::new(creds.clone(), "us-east-1", "service");
        for (i, c) in creds.iter().enumerate() {
            for day in 0..3u64 {
                let at = now() + Duration::from_secs((i as u64 * 3 + day) * 86_400);
                verify(&verifier, &signed(c, at), at).unwrap();
                assert!(verifier.keys.len() <= SLOTS);
            }
        }
        let held = verifier.keys.len();
        assert!(held <= SLOTS && held > SLOTS / 2, "{held} keys held");
    }

    #[test]
    fn an_unknown_key_or_a_bad_signature_is_never_cached() {
        let verifier =
            crate::Verifier::new(Credentials::new(AKID, OLD_SECRET), "us-east-1", "service");
        let stranger = signed(&Credentials::new("AKIDSTRANGER", OLD_SECRET), now());
        assert!(verify(&verifier, &stranger, now()).is_err());
        let forged = signed(&Credentials::new(AKID, "not-the-secret"), now());
        assert!(matches!(
            verify(&verifier, &forged, now()),
            Err(VerifyError::SignatureMismatch)
        ));
        assert_eq!(verifier.keys.len(), 0);
    }

    #[test]
    fn the_cache_is_shared_by_clones_and_across_threads() {
        let creds = Credentials::new(AKID, OLD_SECRET);
        let verifier = crate::Verifier::new(creds.clone(), "us-east-1", "service");
        let clone = verifier.clone();
        let req = signed(&creds, now());
        std::thread::scope(|s| {
            s.spawn(|| verify(&clone, &req, now()).unwrap());
        });
        assert_eq!(
            verifier.keys.len(),
            1,
            "the other thread's clone cached the key"
        );
        assert!(Arc::ptr_eq(&verifier.keys, &clone.keys));
        verify(&verifier, &req, now()).unwrap();
        assert_eq!(verifier.keys.len(), 1);
        assert_eq!(
            derived(&verifier),
            1,
            "served from the cache, not derived again"
        );
    }

    #[test]
    fn debug_shows_only_a_count() {
        let verifier =
            crate::Verifier::new(Credentials::new(AKID, OLD_SECRET), "us-east-1", "service");
        verify(
            &verifier,
            &signed(&Credentials::new(AKID, OLD_SECRET), now()),
            now(),
        )
        .unwrap();
        let shown = format!("{:?}", verifier.keys);
        assert_eq!(shown, "VerifyKeyCache { keys: 1, .. }");
        assert!(!shown.contains(OLD_SECRET));
    }
}
