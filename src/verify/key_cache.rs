//! The verifier's derived-key cache: `kSigning` per credential (access key id, date, region, service, as one text) and secret, and SigV4a's public key per credential text and secret, bounded and shared by a [`Verifier`](crate::Verifier)'s clones.
//!
//! A verification then costs one SHA-256 of the canonical request and one HMAC of the string
//! to sign, instead of four more HMACs to derive the key ([`SigningKey::derive`]). For SigV4a
//! the cached key is the public key ([`EcdsaSigningKey::derive`], then a P-256 scalar
//! multiplication, the expensive part): a verification then costs the canonical request's
//! SHA-256 and one ECDSA verification. (The public key does not depend on the date or service;
//! it is cached under the credential text like a SigV4 key, so a new day derives it once more.)
//!
//! - **Bounded.** The table has [`SLOTS`] slots, each holding at most one key: a slot is chosen
//!   by a seeded hash (a per-cache random seed) of the credential's text, and a new key
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
//! - **Keyed by the credential as sent.** An entry keeps the [`Credential`] that verified
//!   (its text `AKID/YYYYMMDD/region/service/aws4_request` and where its parts end, with the
//!   `SignedHeaders` list of that request after it), so a request whose credential is the same
//!   text finds its entry with one hash and one compare ([`VerifyKeyCache::find`]) and takes
//!   its parts without parsing them, and when its list is the same bytes too, takes the list
//!   unchecked and shares the entry's string instead of allocating one
//!   ([`RawAuthorization::from_layout`](crate::verify::parse::RawAuthorization::from_layout));
//!   and the Unix time of its day's midnight, so the request's `X-Amz-Date` on that day needs
//!   only its time of day read.
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
use crate::sign::string_to_sign::{self, Scope, StringToSign, Template};
use crate::spec::Algorithm;
use crate::time::AmzDate;
use crate::verify::parse::Credential;

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

    fn store(&self, _: Option<Arc<Entry>>) {}
}

/// A cached entry as [`VerifyKeyCache::find`] found it: borrowed from its slot without touching
/// its reference count (an `arc-swap` guard), until [`Found::into_arc`] takes a count of its own.
pub(crate) struct Found {
    #[cfg(feature = "std")]
    guard: arc_swap::Guard<Option<Arc<Entry>>>,
    #[cfg(not(feature = "std"))]
    guard: Option<Arc<Entry>>,
}

impl Found {
    /// The entry (a `Found` is only made for a slot that holds one).
    #[inline]
    pub(crate) fn entry(&self) -> Option<&Entry> {
        Option::as_deref(&self.guard)
    }

    /// The entry, with a reference count of its own.
    #[inline]
    pub(crate) fn to_arc(&self) -> Option<Arc<Entry>> {
        Option::<Arc<Entry>>::clone(&self.guard)
    }

    /// The entry, with a reference count of its own, to outlive the slot's guard.
    #[inline]
    pub(crate) fn into_arc(self) -> Option<Arc<Entry>> {
        #[cfg(feature = "std")]
        return arc_swap::Guard::into_inner(self.guard);
        #[cfg(not(feature = "std"))]
        return self.guard;
    }
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
pub(crate) struct Entry {
    /// The credential as sent (`AKID/YYYYMMDD/region/service/aws4_request`), which names the
    /// scope (one region) the key was derived for, with the `SignedHeaders` list (lowercase,
    /// sorted) of the request that verified with it after it: the string that request's
    /// [`Verified`](crate::Verified) holds, shared.
    credential: Credential,
    /// The algorithm of the signature the key verified.
    algorithm: Algorithm,
    secret: Zeroizing<String>,
    /// The scope date as `YYYYMMDD` and the Unix time of its midnight (UTC), when it is a
    /// date ([`Entry::day`]).
    day: Option<([u8; 8], i64)>,
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

    /// The entry whose key this is.
    #[inline]
    pub(crate) fn entry(&self) -> &Entry {
        &self.entry
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
}

/// The key of a verification made in one call ([`VerifyKeyCache::key_ref`]): the cached entry
/// the caller found, borrowed (no reference count taken), or one held for this request.
pub(crate) enum KeyRef<'a> {
    Borrowed(&'a Entry),
    Held(HeldKey),
}

impl KeyRef<'_> {
    /// The entry whose key this is.
    #[inline]
    pub(crate) fn entry(&self) -> &Entry {
        match self {
            Self::Borrowed(e) => e,
            Self::Held(held) => held.entry(),
        }
    }

    /// Caches a derived key, now that it verified a signature.
    #[inline]
    pub(crate) fn keep(self) {
        if let Self::Held(held) = self {
            held.keep();
        }
    }
}

impl Entry {
    /// Whether `claimed` is the signature of the string to sign of `date`, the scope and the
    /// canonical request's digest. SigV4 signs it again (laid out from the scope's template
    /// when there is one for `algorithm`, else written with the scope that `scope` gives,
    /// called only then) and compares in constant time; SigV4a verifies the ECDSA signature
    /// with the public key.
    #[inline]
    pub(crate) fn verifies<'s>(
        &self,
        algorithm: Algorithm,
        date: &AmzDate,
        scope: impl FnOnce() -> Scope<'s>,
        creq_digest: &[u8; 32],
        claimed: &Claimed,
    ) -> bool {
        let sts =
            |scope: Scope<'_>| string_to_sign::string_to_sign(algorithm, date, &scope, creq_digest);
        match (&self.key, claimed) {
            (EntryKey::Hmac(key), Claimed::Hmac(claimed)) => {
                let signature = match &self.template {
                    Some((a, template)) if *a == algorithm => {
                        key.sign_padded(&template.fill(date, creq_digest))
                    }
                    _ => key.sign(&sts(scope())),
                };
                signature
                    .hmac_bytes()
                    .is_some_and(|s| crypto::ct_eq32(s, claimed))
            }
            (EntryKey::Ecdsa(Some(public)), Claimed::Der(der)) if self.algorithm == algorithm => {
                verify_ecdsa(public, &sts(scope()), der)
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
    /// The credential, with the `SignedHeaders` list it verified with after it.
    #[inline]
    pub(crate) fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The scope date (`YYYYMMDD`) and the Unix time of its midnight: an `X-Amz-Date` on
    /// this day is that plus its time of day.
    #[inline]
    pub(crate) fn day(&self) -> Option<([u8; 8], i64)> {
        self.day
    }

    /// Whether this key is the one `creds` derive for the entry's credential with
    /// `algorithm`. The secret is compared in constant time; the other parts are not secret.
    #[inline]
    fn serves(&self, creds: &Credentials, algorithm: Algorithm) -> bool {
        self.algorithm == algorithm
            && crypto::ct_eq(self.secret.as_bytes(), creds.secret_access_key().as_bytes())
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

    /// The slot for a credential's text: a multiply-rotate hash of it, seeded per cache
    /// (SipHash cost more than the rest of the lookup). Only keys that verified a signature
    /// are cached, so a client who could aim at a slot can only evict keys with keys of its
    /// own.
    #[inline]
    fn slot(&self, credential: &[u8]) -> usize {
        const K: u64 = 0x9e37_79b9_7f4a_7c15;
        let mut h = self.seed;
        let (words, tail) = credential.as_chunks::<8>();
        for w in words {
            h = (h ^ u64::from_le_bytes(*w)).wrapping_mul(K).rotate_left(31);
        }
        let mut last = [0u8; 8];
        last[..tail.len()].copy_from_slice(tail);
        h = (h ^ u64::from_le_bytes(last) ^ ((credential.len() as u64) << 56))
            .wrapping_mul(K)
            .rotate_left(31);
        // The top bits, which every input bit reaches; below SLOTS, so the cast cannot truncate.
        (h.wrapping_mul(K) >> (64 - SLOTS.trailing_zeros())) as usize
    }

    /// The entry cached for this credential text, if any: not yet checked against a secret
    /// (see [`VerifyKeyCache::key`]), but its credential is these bytes
    /// ([`Entry::credential`]).
    #[inline]
    pub(crate) fn find(&self, credential: &[u8]) -> Option<Found> {
        let guard = self.slots[self.slot(credential)].load();
        Option::as_ref(&guard)
            .is_some_and(|e| e.credential.as_str().as_bytes() == credential)
            .then_some(Found { guard })
    }

    /// The signing key of `creds` for `credential` with `algorithm`, held: the cached one
    /// (`found` by [`VerifyKeyCache::find`] for this credential's text, or found now) when it
    /// was derived from the same secret, else one derived now, which [`HeldKey::keep`] caches
    /// once it verified a signature (with `credential`, and the list after it, shared).
    #[inline]
    pub(crate) fn key(
        self: &Arc<Self>,
        found: Option<&Found>,
        creds: &Credentials,
        algorithm: Algorithm,
        credential: &Credential,
    ) -> HeldKey {
        let text = credential.as_str().as_bytes();
        let entry = match found {
            Some(found) => found.to_arc(),
            None => self.find(text).and_then(Found::into_arc),
        };
        debug_assert!(
            entry
                .as_ref()
                .is_none_or(|e| e.credential.as_str().as_bytes() == text),
            "found for another"
        );
        if let Some(entry) = entry
            && entry.serves(creds, algorithm)
        {
            return HeldKey { entry, slot: None };
        }
        self.derive_counted(creds, algorithm, credential)
    }

    /// [`VerifyKeyCache::key`] for a verification made in one call: the entry `found` for this
    /// credential's text is borrowed, not counted, when it serves.
    #[inline]
    pub(crate) fn key_ref<'a>(
        self: &Arc<Self>,
        found: Option<&'a Entry>,
        creds: &Credentials,
        algorithm: Algorithm,
        credential: &Credential,
    ) -> KeyRef<'a> {
        match found {
            Some(entry) if entry.serves(creds, algorithm) => {
                debug_assert!(
                    entry.credential.as_str() == credential.as_str(),
                    "found for another"
                );
                KeyRef::Borrowed(entry)
            }
            Some(_) => KeyRef::Held(self.derive_counted(creds, algorithm, credential)),
            None => KeyRef::Held(self.key(None, creds, algorithm, credential)),
        }
    }

    /// A key derived now (counted for the tests).
    fn derive_counted(
        self: &Arc<Self>,
        creds: &Credentials,
        algorithm: Algorithm,
        credential: &Credential,
    ) -> HeldKey {
        #[cfg(test)]
        self.derived
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Self::derive(self, creds, algorithm, credential)
    }

    #[cold]
    fn derive(
        cache: &Arc<Self>,
        creds: &Credentials,
        algorithm: Algorithm,
        credential: &Credential,
    ) -> HeldKey {
        let parts = credential.borrowed();
        let scope = parts.scope();
        let mut scope_bytes = StringToSign::new();
        scope.write(&mut scope_bytes);
        let day = <[u8; 8]>::try_from(scope.date.as_bytes())
            .ok()
            .and_then(|d| Some((d, AmzDate::on_day(d, 0).unix_seconds()?)));
        let (key, template) = match algorithm {
            Algorithm::HmacSha256 => (
                EntryKey::Hmac(SigningKey::derive(creds, &scope)),
                Template::new(algorithm, &scope_bytes).map(|t| (algorithm, t)),
            ),
            // The string to sign names the region set, which the credential does not: no
            // template, and a key that serves any scope.
            _ => (
                EntryKey::Ecdsa(EcdsaSigningKey::derive(creds).map(|k| k.public_key())),
                None,
            ),
        };
        HeldKey {
            entry: Arc::new(Entry {
                credential: credential.clone(),
                algorithm,
                secret: Zeroizing::new(creds.secret_access_key().to_owned()),
                day,
                key,
                template,
            }),
            slot: Some((Arc::clone(cache), cache.slot(parts.text.as_bytes()))),
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
    fn a_cached_credential_is_read_and_checked_as_a_parsed_one() {
        let creds = Credentials::new(AKID, OLD_SECRET);
        let verifier = crate::Verifier::new(creds.clone(), "us-east-1", "service");
        let req = signed(&creds, now());
        let cold = verifier
            .verify_at(&req, Payload::Bytes(b""), now())
            .unwrap();
        // From the cache: the credential's parts taken by its ends, the date by its time of day.
        let warm = verifier
            .verify_at(&req, Payload::Bytes(b""), now())
            .unwrap();
        assert_eq!(warm, cold);
        assert_eq!(
            [
                warm.credential().date(),
                warm.credential().region(),
                warm.credential().service()
            ],
            ["20150830", "us-east-1", "service"]
        );
        // Later the same day: the cached day's midnight plus the new time of day.
        let later = now() + Duration::from_secs(11 * 3600 + 23 * 60 + 59);
        let verified = verify(&verifier, &signed(&creds, later), later);
        assert!(verified.is_ok(), "{verified:?}");
        assert_eq!(derived(&verifier), 1, "one key derived, then served");
        // The cached credential's scope is still checked against the request's date ...
        let mut next_day = req.clone();
        next_day.headers_mut().insert(
            "x-amz-date",
            http::HeaderValue::from_static("20150831T123600Z"),
        );
        let at = now() + Duration::from_secs(86_400);
        assert!(matches!(
            verify(&verifier, &next_day, at),
            Err(VerifyError::ScopeDateMismatch { .. })
        ));
        // ... and against the verifier's regions (here one that accepts another region only).
        let elsewhere = crate::Verifier::new(creds, "eu-west-1", "service");
        assert!(matches!(
            verify(&elsewhere, &req, now()),
            Err(VerifyError::WrongRegion { .. })
        ));
    }

    #[test]
    fn a_cached_credential_that_the_generic_parser_reads_otherwise_is_not_taken_for_it() {
        // A presigned URL may carry a key id with a space in front (`%20AKID…`); its credential
        // is then cached as sent. An `Authorization` header with that same text after
        // `Credential=` is out of the signers' layout, and the generic parser trims it to
        // another key id, whose own key must be used.
        let spaced = Credentials::new(" AKIDEXAMPLE", NEW_SECRET);
        let plain = Credentials::new(AKID, OLD_SECRET);
        let lookup = {
            let (spaced, plain) = (spaced.clone(), plain.clone());
            move |id: &str| {
                [&spaced, &plain]
                    .into_iter()
                    .find(|c| c.access_key_id() == id)
                    .cloned()
            }
        };
        let verifier = crate::Verifier::new(lookup, "us-east-1", "service");
        // The signer refuses such a key id, so the URL is signed here: the verifier's own
        // string to sign for it, MACed with the spaced key id's key.
        let url = |signature: &str| {
            format!(
                "https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256\
                 &X-Amz-Credential=%20AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request\
                 &X-Amz-Date=20150830T123600Z&X-Amz-Expires=300&X-Amz-SignedHeaders=host\
                 &X-Amz-Signature={signature}"
            )
        };
        let unsigned = http::Request::get(url(&"0".repeat(64))).body(()).unwrap();
        let view = verifier
            .server_view_at(
                &crate::SignableRequest::from(&unsigned),
                Payload::Bytes(b""),
            )
            .unwrap();
        let scope = Scope {
            date: "20150830",
            region: crate::sign::string_to_sign::Region::One("us-east-1"),
            service: "service",
        };
        let signature = SigningKey::derive(&spaced, &scope).sign(view.string_to_sign().as_bytes());
        let hex = String::from_utf8(signature.to_hex().to_vec()).unwrap();
        let presigned = http::Request::get(url(&hex)).body(()).unwrap();
        verify(&verifier, &presigned, now()).unwrap();
        assert_eq!(
            verifier.keys.len(),
            1,
            "the spaced credential is cached as sent"
        );

        let mut header = signed(&plain, now());
        let value = header.headers()["authorization"]
            .to_str()
            .unwrap()
            .to_string();
        let value = value.replace("Credential=", "Credential= ");
        header.headers_mut().insert(
            "authorization",
            http::HeaderValue::from_str(&value).unwrap(),
        );
        let verified = verify(&verifier, &header, now());
        assert!(verified.is_ok(), "{verified:?}");
        assert_eq!(
            derived(&verifier),
            2,
            "the trimmed key id's own key was derived"
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
