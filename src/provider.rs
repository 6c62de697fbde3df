//! Where credentials come from ([`ProvideCredentials`], [`CredentialsCache`]), how a long-lived signer keeps them fresh ([`ProvidedSigner`]), and why none could be had ([`ProviderError`]).
//!
//! A provider hands out one [`Credentials`] value at a time (key id, secret, token and expiry
//! together). [`CredentialsCache`] keeps the current value in an [`Arc`], fetches a new one
//! before it expires, and never returns expired credentials; [`ProvidedSigner`] builds one
//! [`Signer`] per credentials generation. Because each signature is made from one immutable
//! snapshot, the key of one generation is never paired with the token of another (the hazard
//! botocore documents for reading `RefreshableCredentials` field by field).

use crate::prelude::*;

#[cfg(feature = "aws-config")]
#[cfg_attr(docsrs, doc(cfg(feature = "aws-config")))]
pub mod aws_config;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime};

use crate::credentials::Credentials;
use crate::endpoint::infer_scope;
pub use crate::error::ProviderError;
use crate::error::SignError;
use crate::request::SignableRequest;
use crate::settings::Settings;
#[cfg(feature = "http")]
use crate::signer::SignableBody;
use crate::signer::Signer;
use crate::spec::Algorithm;
use crate::time::SigningTime;

/// The future an asynchronous provider returns.
pub type ProvideFuture<'a> =
    Pin<Box<dyn Future<Output = Result<Credentials, ProviderError>> + Send + 'a>>;

/// A source of credentials that answers without waiting on I/O it does not control (static
/// values, the environment, a file, a closure).
pub trait ProvideCredentials: Send + Sync {
    /// The current credentials, as one snapshot.
    ///
    /// # Errors
    /// Whatever the source reports; wrap a source-specific failure with
    /// [`ProviderError::provider`], which keeps it as the `source()`, and never put a secret in
    /// its message.
    fn provide(&self) -> Result<Credentials, ProviderError>;
}

/// A source of credentials that may wait (a network call: STS, SSO, the container or instance
/// metadata endpoint). Every [`ProvideCredentials`] is also one.
pub trait ProvideCredentialsAsync: Send + Sync {
    /// The current credentials, as one snapshot.
    fn provide_async(&self) -> ProvideFuture<'_>;
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentialsAsync for T {
    fn provide_async(&self) -> ProvideFuture<'_> {
        let result = self.provide();
        Box::pin(std::future::ready(result))
    }
}

/// Fixed credentials provide themselves.
impl ProvideCredentials for Credentials {
    fn provide(&self) -> Result<Credentials, ProviderError> {
        Ok(self.clone())
    }
}

impl<T: ProvideCredentials + ?Sized> ProvideCredentials for Arc<T> {
    fn provide(&self) -> Result<Credentials, ProviderError> {
        (**self).provide()
    }
}

/// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN` on every call, so
/// a process whose environment is updated picks up the new values.
#[derive(Debug, Clone, Copy, Default)]
pub struct EnvironmentProvider;

impl ProvideCredentials for EnvironmentProvider {
    fn provide(&self) -> Result<Credentials, ProviderError> {
        Credentials::from_env()
    }
}

/// A provider made from a closure (see [`provider_fn`]).
#[derive(Clone)]
pub struct FnProvider<F>(F);

impl<F> fmt::Debug for FnProvider<F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FnProvider")
    }
}

impl<F> ProvideCredentials for FnProvider<F>
where
    F: Fn() -> Result<Credentials, ProviderError> + Send + Sync,
{
    fn provide(&self) -> Result<Credentials, ProviderError> {
        (self.0)()
    }
}

/// Wraps a closure as a provider.
///
/// ```
/// use awssig::{Credentials, provider::{ProvideCredentials, provider_fn}};
/// let p = provider_fn(|| Ok(Credentials::new("AKID", "secret")));
/// assert_eq!(p.provide()?.access_key_id(), "AKID");
/// # Ok::<(), awssig::ProviderError>(())
/// ```
pub fn provider_fn<F>(f: F) -> FnProvider<F>
where
    F: Fn() -> Result<Credentials, ProviderError> + Send + Sync,
{
    FnProvider(f)
}

enum Source {
    Sync(Arc<dyn ProvideCredentials>),
    Async(Arc<dyn ProvideCredentialsAsync>),
}

/// How long before expiry a [`CredentialsCache`] fetches new credentials by default.
pub const DEFAULT_REFRESH_BEFORE: Duration = Duration::from_secs(5 * 60);

/// Keeps the current credentials from a provider, and fetches new ones before they expire.
///
/// - Credentials without an expiry are fetched once and kept.
/// - Credentials are fetched again once fewer than [`refresh_before`](Self::refresh_before)
///   remain (5 minutes by default). If that fetch fails, the old ones are used until they
///   actually expire; after that the error is returned. Expired credentials are never returned,
///   even if the provider hands them out.
/// - Each call returns one `Arc<Credentials>` snapshot, so a signature never mixes two generations.
pub struct CredentialsCache {
    source: Source,
    refresh_before: Duration,
    current: Mutex<Option<Arc<Credentials>>>,
}

impl fmt::Debug for CredentialsCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let current = lock(&self.current);
        f.debug_struct("CredentialsCache")
            .field(
                "source",
                &match self.source {
                    Source::Sync(_) => "sync",
                    Source::Async(_) => "async",
                },
            )
            .field("refresh_before", &self.refresh_before)
            .field("current", &current.as_deref())
            .finish()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // The guarded values are replaced whole, so a panic elsewhere cannot leave them half-written.
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn expired_error(c: &Credentials) -> ProviderError {
    ProviderError::ExpiredCredentials {
        expired_at: c
            .expiry()
            .map_or(0, |e| u64::try_from(e.unix_seconds()).unwrap_or(0)),
    }
}

impl CredentialsCache {
    /// A cache over a provider that answers at once.
    pub fn new(provider: impl ProvideCredentials + 'static) -> Self {
        Self::from_source(Source::Sync(Arc::new(provider)))
    }

    /// A cache over a provider that may wait; use the `*_async` methods with it.
    pub fn new_async(provider: impl ProvideCredentialsAsync + 'static) -> Self {
        Self::from_source(Source::Async(Arc::new(provider)))
    }

    fn from_source(source: Source) -> Self {
        Self {
            source,
            refresh_before: DEFAULT_REFRESH_BEFORE,
            current: Mutex::new(None),
        }
    }

    /// Fetches new credentials when fewer than `margin` remain before expiry (default
    /// [`DEFAULT_REFRESH_BEFORE`]).
    #[must_use]
    pub fn with_refresh_before(mut self, margin: Duration) -> Self {
        self.refresh_before = margin;
        self
    }

    /// How long before expiry new credentials are fetched.
    pub fn refresh_before(&self) -> Duration {
        self.refresh_before
    }

    fn is_fresh(&self, c: &Credentials, now: SigningTime) -> bool {
        c.expiry().is_none_or(|e| {
            time::Duration::try_from(self.refresh_before)
                .ok()
                .and_then(|margin| now.checked_add(margin))
                .is_some_and(|t| t < e)
        })
    }

    /// The credentials to sign with at `now`.
    ///
    /// # Errors
    /// The provider's error when it fails and no unexpired credentials are cached;
    /// [`ProviderError::ExpiredCredentials`] when the provider returns credentials already expired;
    /// [`ProviderError::AsyncProvider`] when the provider is asynchronous (use
    /// [`credentials_async_at`](Self::credentials_async_at)).
    pub fn credentials_at(
        &self,
        now: impl Into<SigningTime>,
    ) -> Result<Arc<Credentials>, ProviderError> {
        let now = now.into();
        let mut current = lock(&self.current);
        if let Some(c) = current.as_ref().filter(|c| self.is_fresh(c, now)) {
            return Ok(Arc::clone(c));
        }
        let fetched = match &self.source {
            Source::Sync(p) => p.provide(),
            Source::Async(_) => Err(ProviderError::AsyncProvider),
        };
        store(&mut current, fetched, now)
    }

    /// [`credentials_at`](Self::credentials_at) now.
    ///
    /// # Errors
    /// As [`credentials_at`](Self::credentials_at).
    pub fn credentials(&self) -> Result<Arc<Credentials>, ProviderError> {
        self.credentials_at(SystemTime::now())
    }

    /// The credentials to sign with at `now`, waiting on the provider if it must be asked.
    /// Works with every provider. Concurrent callers that all find the credentials stale may
    /// each ask the provider once; the last answer is kept.
    ///
    /// # Errors
    /// As [`credentials_at`](Self::credentials_at), less the asynchronous-provider case.
    pub async fn credentials_async_at(
        &self,
        now: impl Into<SigningTime>,
    ) -> Result<Arc<Credentials>, ProviderError> {
        let now = now.into();
        if let Some(c) = lock(&self.current)
            .as_ref()
            .filter(|c| self.is_fresh(c, now))
        {
            return Ok(Arc::clone(c));
        }
        let fetched = match &self.source {
            Source::Sync(p) => p.provide(),
            Source::Async(p) => p.provide_async().await,
        };
        store(&mut lock(&self.current), fetched, now)
    }

    /// [`credentials_async_at`](Self::credentials_async_at) now.
    ///
    /// # Errors
    /// As [`credentials_async_at`](Self::credentials_async_at).
    pub async fn credentials_async(&self) -> Result<Arc<Credentials>, ProviderError> {
        self.credentials_async_at(SystemTime::now()).await
    }
}

/// Keeps a fetched value (if it is usable at `now`), or falls back to the cached one while it
/// has not expired.
fn store(
    current: &mut Option<Arc<Credentials>>,
    fetched: Result<Credentials, ProviderError>,
    now: SigningTime,
) -> Result<Arc<Credentials>, ProviderError> {
    let usable = |c: &Credentials| c.expiry().is_none_or(|e| now < e);
    match fetched {
        Ok(new) if usable(&new) => {
            let new = Arc::new(new);
            *current = Some(Arc::clone(&new));
            Ok(new)
        }
        Ok(expired) => match current.as_ref().filter(|c| usable(c)) {
            Some(c) => Ok(Arc::clone(c)),
            None => Err(expired_error(&expired)),
        },
        Err(e) => match current.as_ref().filter(|c| usable(c)) {
            Some(c) => Ok(Arc::clone(c)),
            None => Err(e),
        },
    }
}

/// A signer for one region (or, with [`ProvidedSigner::new_v4a`], one SigV4a region set) and
/// service whose credentials come from a provider: it asks its [`CredentialsCache`] for the
/// current snapshot and keeps one [`Signer`] per credentials generation (so the signer's own
/// caches, or its SigV4a key, stay with it between rotations).
///
/// ```
/// use std::time::{Duration, SystemTime};
/// use awssig::{Credentials, provider::{CredentialsCache, ProvidedSigner, provider_fn}};
/// // Stands in for a provider of one-hour role credentials.
/// let provider = provider_fn(|| {
///     Ok(Credentials::new("ASIAEXAMPLE", "secret")
///         .with_session_token("token")
///         .with_expiry(SystemTime::now() + Duration::from_secs(3600)))
/// });
/// let signer = ProvidedSigner::new(CredentialsCache::new(provider), "us-east-1", "execute-api");
/// let mut req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod/").body(())?;
/// signer.sign(&mut req)?;
/// assert!(req.headers().contains_key("x-amz-security-token"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ProvidedSigner {
    cache: CredentialsCache,
    algorithm: Algorithm,
    /// The region, or SigV4a's region set.
    region: String,
    service: String,
    settings: Settings,
    current: Mutex<Option<(Arc<Credentials>, Arc<Signer>)>>,
}

impl fmt::Debug for ProvidedSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvidedSigner")
            .field("cache", &self.cache)
            .field("algorithm", &self.algorithm)
            .field("region", &self.region)
            .field("service", &self.service)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl ProvidedSigner {
    /// Signs for `region` and `service` with credentials from `cache`, with
    /// [`Settings::default()`].
    pub fn new(
        cache: CredentialsCache,
        region: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        Self {
            cache,
            algorithm: Algorithm::HmacSha256,
            region: region.into(),
            service: service.into(),
            settings: Settings::default(),
            current: Mutex::new(None),
        }
    }

    /// Signs with SigV4a (`AWS4-ECDSA-P256-SHA256`, see [`Signer::new_v4a`]) for `region_set`
    /// and `service`, with credentials from `cache`: each credentials generation gets a signer
    /// whose ECDSA key is derived once, when the generation is first used.
    ///
    /// ```
    /// # #[cfg(feature = "http")] { // needs `http::Request`
    /// use awssig::{Credentials, Payload, Settings, Verifier, spec::Algorithm};
    /// use awssig::provider::{CredentialsCache, ProvidedSigner, provider_fn};
    /// let provider = provider_fn(|| Ok(Credentials::new("AKIDEXAMPLE", "secret")));
    /// let signer = ProvidedSigner::new_v4a(CredentialsCache::new(provider), "us-*", "s3")
    ///     .with_settings(Settings::s3());
    /// assert_eq!(signer.algorithm(), Algorithm::EcdsaP256Sha256);
    /// let mut req = http::Request::get("https://mrap.accesspoint.s3-global.amazonaws.com/k")
    ///     .body(())?;
    /// signer.sign(&mut req)?;
    /// assert_eq!(req.headers()["x-amz-region-set"], "us-*");
    ///
    /// // Valid in any region the set names.
    /// let verifier = Verifier::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-west-2", "s3")
    ///     .with_settings(Settings::s3());
    /// let verified = verifier.verify(&req, Payload::Bytes(b""))?;
    /// assert_eq!(verified.algorithm(), Algorithm::EcdsaP256Sha256);
    /// # }
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new_v4a(
        cache: CredentialsCache,
        region_set: impl Into<String>,
        service: impl Into<String>,
    ) -> Self {
        Self {
            algorithm: Algorithm::EcdsaP256Sha256,
            ..Self::new(cache, region_set, service)
        }
    }

    /// Region, service, settings and algorithm inferred from the URL's host, as
    /// [`Signer::for_url`] (SigV4a for an S3 Multi-Region Access Point).
    ///
    /// # Errors
    /// As [`Signer::for_url`].
    pub fn for_url(cache: CredentialsCache, url: &str) -> Result<Self, SignError> {
        let host = SignableRequest::new("GET", url)
            .host_from_authority()
            .ok_or(SignError::MissingHost)?;
        let scope = infer_scope(&host)?;
        let signer = Self::new(cache, scope.region(), scope.service());
        // A Multi-Region Access Point takes SigV4a, for the region set `*`.
        let signer = Self {
            algorithm: scope.algorithm(),
            ..signer
        };
        Ok(signer.with_settings(scope.settings()))
    }

    /// Replaces the canonicalisation settings.
    #[must_use]
    pub fn with_settings(mut self, settings: Settings) -> Self {
        self.settings = settings;
        *lock(&self.current) = None;
        self
    }

    /// The algorithm it signs with: SigV4's ([`ProvidedSigner::new`]) or SigV4a's
    /// ([`ProvidedSigner::new_v4a`]).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The region in the credential scope; for SigV4a, the region set.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The service in the credential scope.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// The settings in force.
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The credentials cache.
    pub fn cache(&self) -> &CredentialsCache {
        &self.cache
    }

    fn signer_for(&self, creds: Arc<Credentials>) -> Arc<Signer> {
        let mut current = lock(&self.current);
        if let Some((_, s)) = current.as_ref().filter(|(c, _)| Arc::ptr_eq(c, &creds)) {
            return Arc::clone(s);
        }
        let signer = Signer::with_algorithm(
            self.algorithm,
            (*creds).clone(),
            self.region.clone(),
            self.service.clone(),
        );
        let signer = Arc::new(signer.with_settings(self.settings.clone()));
        *current = Some((creds, Arc::clone(&signer)));
        signer
    }

    /// A signer holding credentials that are valid at `now`; sign with it at `now`.
    ///
    /// # Errors
    /// As [`CredentialsCache::credentials_at`].
    pub fn signer_at(&self, now: impl Into<SigningTime>) -> Result<Arc<Signer>, ProviderError> {
        Ok(self.signer_for(self.cache.credentials_at(now)?))
    }

    /// As [`signer_at`](Self::signer_at), for any provider.
    ///
    /// # Errors
    /// As [`CredentialsCache::credentials_async_at`].
    pub async fn signer_async_at(
        &self,
        now: impl Into<SigningTime>,
    ) -> Result<Arc<Signer>, ProviderError> {
        Ok(self.signer_for(self.cache.credentials_async_at(now).await?))
    }

    /// Signs `req` now, hashing its in-memory body (see [`Signer::sign_at`]).
    ///
    /// # Errors
    /// The cache's errors, then the signer's.
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub fn sign<B: SignableBody>(&self, req: &mut http::Request<B>) -> Result<(), ProviderError> {
        let now = SystemTime::now();
        Ok(self.signer_at(now)?.sign_at(req, now)?)
    }

    /// As [`sign`](Self::sign), for any provider.
    ///
    /// # Errors
    /// The cache's errors, then the signer's.
    #[cfg(feature = "http")]
    #[cfg_attr(docsrs, doc(cfg(feature = "http")))]
    pub async fn sign_async<B: SignableBody>(
        &self,
        req: &mut http::Request<B>,
    ) -> Result<(), ProviderError> {
        let now = SystemTime::now();
        Ok(self.signer_async_at(now).await?.sign_at(req, now)?)
    }
}

/// Where a client integration gets its signer: a fixed [`Signer`] or a [`ProvidedSigner`].
#[derive(Debug, Clone)]
pub enum SignerSource {
    /// One signer with fixed credentials.
    Fixed(Arc<Signer>),
    /// A signer whose credentials come from a provider.
    Provided(Arc<ProvidedSigner>),
}

impl SignerSource {
    /// The signer to use at `now`.
    ///
    /// # Errors
    /// As [`ProvidedSigner::signer_async_at`].
    pub async fn signer_at(
        &self,
        now: impl Into<SigningTime>,
    ) -> Result<Arc<Signer>, ProviderError> {
        match self {
            Self::Fixed(s) => Ok(Arc::clone(s)),
            Self::Provided(p) => p.signer_async_at(now).await,
        }
    }
}

impl From<Signer> for SignerSource {
    fn from(s: Signer) -> Self {
        Self::Fixed(Arc::new(s))
    }
}

impl From<Arc<Signer>> for SignerSource {
    fn from(s: Arc<Signer>) -> Self {
        Self::Fixed(s)
    }
}

impl From<ProvidedSigner> for SignerSource {
    fn from(p: ProvidedSigner) -> Self {
        Self::Provided(Arc::new(p))
    }
}

impl From<Arc<ProvidedSigner>> for SignerSource {
    fn from(p: Arc<ProvidedSigner>) -> Self {
        Self::Provided(p)
    }
}
