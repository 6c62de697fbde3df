//! The signing-key cache: the derived key for one (credentials, UTC date, region, service), read without taking a lock.
//!
//! A [`Signer`](crate::Signer) and its clones share it.
//!
//! A signature then costs one SHA-256 of the canonical request and one HMAC of the string to
//! sign, instead of four more HMACs to derive the key. The entry also keeps the parts of the
//! string to sign and of the `Authorization` value that stay the same all day, written once.
//! It is replaced when any part of what it was made for changes: at midnight UTC, or when the
//! credentials are another generation (a different key id or secret, see
//! [`Credentials::generation`]).
//!
//! Without the `std` feature there is no lock-free shared slot (`arc-swap` needs `std`, and a
//! spin lock would make signers wait on each other): the cache is then always empty, and
//! every signature derives its day's key.

use crate::prelude::*;

use alloc::sync::Arc;
use core::fmt;

#[cfg(feature = "std")]
use arc_swap::ArcSwapOption;

use crate::credentials::Credentials;
use crate::sign::authorization::write_authorization_prefix;
use crate::sign::key::{EcdsaSigningKey, RequestKey, SigningKey};
use crate::sign::string_to_sign::{Region, Scope, Template};
use crate::spec::Algorithm;
use crate::time::{AmzDate, SigningTime};

/// Everything that stays the same for one (credentials, UTC date, region, service).
pub(crate) struct DayKey {
    algorithm: Algorithm,
    generation: u64,
    date: [u8; 8],
    /// The Unix time of the day's first second, when `date` is a calendar date.
    midnight: Option<i64>,
    region: Box<str>,
    region_set: bool,
    service: Box<str>,
    /// SigV4's `kSigning`, keyed into an HMAC state, or SigV4a's key (the signer's, shared).
    pub(crate) key: RequestKey,
    /// `20150830/us-east-1/service/aws4_request`.
    pub(crate) scope: Box<[u8]>,
    /// `AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=`.
    pub(crate) authorization_prefix: Box<[u8]>,
    /// The day's string to sign, laid out for hashing (`None` for a scope too long for it, and
    /// for SigV4a, whose signature takes the string to sign itself).
    pub(crate) string_to_sign: Option<Template>,
}

/// What a day's key is made from: SigV4 derives it from the credentials and the scope; SigV4a
/// reuses the signer's key, derived from the credentials once (it serves every day).
#[derive(Clone, Copy)]
pub(crate) enum KeySource<'a> {
    /// `AWS4-HMAC-SHA256`.
    Hmac,
    /// `AWS4-ECDSA-P256-SHA256`, with the credentials' key.
    Ecdsa(&'a Arc<EcdsaSigningKey>),
}

impl KeySource<'_> {
    /// The algorithm it signs with.
    #[inline]
    pub(crate) fn algorithm(self) -> Algorithm {
        match self {
            Self::Hmac => Algorithm::HmacSha256,
            Self::Ecdsa(_) => Algorithm::EcdsaP256Sha256,
        }
    }

    fn key(self, creds: &Credentials, scope: &Scope<'_>) -> RequestKey {
        match self {
            Self::Hmac => RequestKey::Hmac(SigningKey::derive(creds, scope)),
            Self::Ecdsa(key) => RequestKey::Ecdsa(Arc::clone(key)),
        }
    }
}

impl DayKey {
    fn derive(
        source: KeySource<'_>,
        creds: &Credentials,
        scope: &Scope<'_>,
        date: [u8; 8],
    ) -> Self {
        let algorithm = source.algorithm();
        let mut scope_bytes = Vec::new();
        scope.write(&mut scope_bytes);
        let mut prefix = Vec::new();
        write_authorization_prefix(&mut prefix, algorithm, creds.access_key_id(), &scope_bytes);
        let midnight = core::str::from_utf8(&date)
            .ok()
            .and_then(|d| AmzDate::parse(&format!("{d}T000000Z")))
            .map(|d| SigningTime::from(d).unix_seconds());
        Self {
            algorithm,
            generation: creds.generation(),
            date,
            midnight,
            region: scope.region.as_str().into(),
            region_set: matches!(scope.region, Region::Set(_)),
            service: scope.service.into(),
            key: source.key(creds, scope),
            string_to_sign: match source {
                KeySource::Hmac => Template::new(algorithm, &scope_bytes),
                KeySource::Ecdsa(_) => None,
            },
            scope: scope_bytes.into(),
            authorization_prefix: prefix.into(),
        }
    }

    /// The `X-Amz-Date` of `seconds` (Unix time) when it falls on this key's day.
    #[inline]
    pub(crate) fn amz_date_at(&self, seconds: i64) -> Option<AmzDate> {
        let of_day = seconds.checked_sub(self.midnight?)?;
        // In 0..86,400, so the cast cannot truncate.
        (0..86_400)
            .contains(&of_day)
            .then(|| AmzDate::on_day(self.date, of_day as u32))
    }

    #[inline]
    fn serves(&self, algorithm: Algorithm, creds: &Credentials, scope: &Scope<'_>) -> bool {
        self.algorithm == algorithm
            && self.generation == creds.generation()
            && self.date.as_slice() == scope.date.as_bytes()
            && *self.region == *scope.region.as_str()
            && self.region_set == matches!(scope.region, Region::Set(_))
            && *self.service == *scope.service
    }
}

/// A read of the cache, held for one signature.
#[cfg(feature = "std")]
pub(crate) type DayHint = arc_swap::Guard<Option<Arc<DayKey>>>;
/// A read of the cache: always empty without `std`.
#[cfg(not(feature = "std"))]
pub(crate) type DayHint = Option<Arc<DayKey>>;

/// The latest [`DayKey`]. Readers load it with [`ArcSwapOption::load`], which takes no lock and
/// writes no shared memory in the common case, so threads signing at once do not serialise; a
/// miss derives the key and publishes it for the others.
#[derive(Default)]
pub(crate) struct KeyCache {
    #[cfg(feature = "std")]
    current: ArcSwapOption<DayKey>,
}

impl KeyCache {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// The cached key, read without a lock; hold it for one signature at most.
    #[inline]
    pub(crate) fn current(&self) -> DayHint {
        #[cfg(feature = "std")]
        return self.current.load();
        #[cfg(not(feature = "std"))]
        None
    }

    /// Runs `f` with the [`DayKey`] for `algorithm`, `creds` and `scope`: `read` (a key read
    /// from this cache with [`KeyCache::current`]) or the cached one when it matches, else one
    /// derived now and cached.
    #[inline]
    pub(crate) fn with<R>(
        &self,
        read: Option<&DayKey>,
        source: KeySource<'_>,
        creds: &Credentials,
        scope: &Scope<'_>,
        f: impl FnOnce(&DayKey) -> R,
    ) -> R {
        let algorithm = source.algorithm();
        if let Some(day) = read.filter(|d| d.serves(algorithm, creds, scope)) {
            return f(day);
        }
        #[cfg(feature = "std")]
        {
            let current = self.current.load();
            if let Some(day) = current
                .as_deref()
                .filter(|d| d.serves(algorithm, creds, scope))
            {
                return f(day);
            }
        }
        self.derive_and_run(source, creds, scope, f)
    }

    #[cold]
    fn derive_and_run<R>(
        &self,
        source: KeySource<'_>,
        creds: &Credentials,
        scope: &Scope<'_>,
        f: impl FnOnce(&DayKey) -> R,
    ) -> R {
        let Ok(date) = <[u8; 8]>::try_from(scope.date.as_bytes()) else {
            // Not a scope date (an AmzDate always gives 8 digits): use a key, but do not cache.
            return f(&DayKey::derive(source, creds, scope, [0; 8]));
        };
        let day = Arc::new(DayKey::derive(source, creds, scope, date));
        let out = f(&day);
        // Threads that miss at the same moment each derive the same key; the last store wins.
        #[cfg(feature = "std")]
        self.current.store(Some(day));
        out
    }

    /// The scope date of the cached key, if any (for tests).
    #[cfg(all(test, feature = "std"))]
    fn cached_date(&self) -> Option<String> {
        self.current
            .load()
            .as_deref()
            .map(|d| String::from_utf8_lossy(&d.date).into_owned())
    }
}

impl fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("KeyCache(<redacted>)")
    }
}

#[cfg(test)]
#[cfg(feature = "std")]
mod tests {
    use super::*;
    use crate::sign::key::Signature;

    fn scope<'a>(date: &'a str, region: &'a str) -> Scope<'a> {
        Scope {
            date,
            region: Region::One(region),
            service: "service",
        }
    }

    fn fresh(creds: &Credentials, scope: &Scope<'_>, sts: &[u8]) -> Signature {
        SigningKey::derive(creds, scope).sign(sts)
    }

    fn cached(cache: &KeyCache, creds: &Credentials, scope: &Scope<'_>, sts: &[u8]) -> Signature {
        cache.with(None, KeySource::Hmac, creds, scope, |day| day.key.sign(sts))
    }

    #[test]
    fn a_hit_signs_like_a_freshly_derived_key() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret");
        let cache = KeyCache::new();
        let s = scope("20150830", "us-east-1");
        assert_eq!(
            cached(&cache, &creds, &s, b"one"),
            fresh(&creds, &s, b"one")
        );
        assert_eq!(cache.cached_date().as_deref(), Some("20150830"));
        assert_eq!(
            cached(&cache, &creds, &s, b"two"),
            fresh(&creds, &s, b"two")
        );
    }

    #[test]
    fn the_day_parts_are_written_for_the_scope() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret");
        let cache = KeyCache::new();
        let (scope_line, prefix) = cache.with(
            None,
            KeySource::Hmac,
            &creds,
            &scope("20150830", "us-east-1"),
            |day| (day.scope.to_vec(), day.authorization_prefix.to_vec()),
        );
        assert_eq!(scope_line, b"20150830/us-east-1/service/aws4_request");
        assert_eq!(
            prefix,
            b"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders="
        );
    }

    #[test]
    fn the_key_rolls_over_with_the_date_and_back() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret");
        let cache = KeyCache::new();
        for date in ["20150830", "20150831", "20150830"] {
            let s = scope(date, "us-east-1");
            assert_eq!(
                cached(&cache, &creds, &s, b"sts"),
                fresh(&creds, &s, b"sts"),
                "{date}"
            );
            assert_eq!(cache.cached_date().as_deref(), Some(date));
        }
    }

    #[test]
    fn other_credentials_region_or_service_never_reuse_the_key() {
        let a = Credentials::new("AKIDEXAMPLE", "secret-a");
        // Same key id, another secret: a rotated secret must not reuse the old key.
        let b = Credentials::new("AKIDEXAMPLE", "secret-b");
        let cache = KeyCache::new();
        let s = scope("20150830", "us-east-1");
        let sig_a = cached(&cache, &a, &s, b"sts");
        let sig_b = cached(&cache, &b, &s, b"sts");
        assert_eq!(sig_a, fresh(&a, &s, b"sts"));
        assert_eq!(sig_b, fresh(&b, &s, b"sts"));
        assert_ne!(sig_a, sig_b);
        // A clone is the same generation and shares the key.
        assert_eq!(cached(&cache, &b.clone(), &s, b"sts"), sig_b);
        let west = scope("20150830", "us-west-2");
        assert_eq!(cached(&cache, &b, &west, b"sts"), fresh(&b, &west, b"sts"));
        let other_service = Scope {
            service: "s3",
            ..west
        };
        assert_eq!(
            cached(&cache, &b, &other_service, b"sts"),
            fresh(&b, &other_service, b"sts")
        );
    }

    #[test]
    fn the_string_to_sign_template_is_laid_out_unless_the_scope_is_too_long() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret");
        let cache = KeyCache::new();
        let laid_out = |service: &str| {
            let s = Scope {
                service,
                ..scope("20150830", "us-east-1")
            };
            cache.with(None, KeySource::Hmac, &creds, &s, |day| {
                day.string_to_sign.is_some()
            })
        };
        assert!(laid_out("service"));
        assert!(laid_out(&"s".repeat(64)));
        // Longer than a signer accepts (64 bytes): streamed instead.
        assert!(!laid_out(&"s".repeat(300)));
    }

    #[test]
    fn a_day_key_writes_dates_of_its_own_day_only() {
        let creds = Credentials::new("AKIDEXAMPLE", "secret");
        let cache = KeyCache::new();
        cache.with(
            None,
            KeySource::Hmac,
            &creds,
            &scope("20150830", "us-east-1"),
            |_| (),
        );
        let day = cache.current();
        let day = day.as_deref().unwrap();
        let midnight = 1_440_892_800; // 2015-08-30T00:00:00Z
        for seconds in [midnight, midnight + 45_360, midnight + 86_399] {
            assert_eq!(
                day.amz_date_at(seconds),
                Some(AmzDate::from_unix_seconds(seconds).unwrap())
            );
        }
        assert_eq!(day.amz_date_at(midnight - 1), None);
        assert_eq!(day.amz_date_at(midnight + 86_400), None);
        assert_eq!(day.amz_date_at(i64::MIN), None);
    }

    #[test]
    fn debug_shows_no_key() {
        assert_eq!(format!("{:?}", KeyCache::new()), "KeyCache(<redacted>)");
    }
}
