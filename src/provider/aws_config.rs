//! Credentials from the official AWS credential chain (feature `aws-config`), as a [`ProvideCredentialsAsync`].
//!
//! Any provider from `aws-config` / `aws-credential-types` works: environment, shared config
//! and credentials files, SSO, web identity, ECS, IMDS, STS assume-role.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let chain = awssig::provider::aws_config::load_default_chain(None).await;
//! let region = chain.region().unwrap_or("us-east-1").to_string();
//! let signer = awssig::provider::ProvidedSigner::new(chain.into_cache(), region, "execute-api");
//! let mut req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod/").body(())?;
//! signer.sign_async(&mut req).await?;
//! # Ok(()) }
//! ```
//!
//! `aws-config` is built without its default HTTPS client (rustls on aws-lc, a long C build);
//! [`load_default_chain`] gives it one on rustls with the `ring` provider instead, which the
//! providers that call AWS (SSO, STS web identity and assume-role, ECS, IMDS) use.

use aws_credential_types::provider::{ProvideCredentials as AwsProvide, SharedCredentialsProvider};

use crate::credentials::Credentials;
use crate::error::ProviderError;
use crate::provider::{CredentialsCache, ProvideCredentialsAsync, ProvideFuture};

/// Adapts an `aws-credential-types` provider (for example the one
/// `aws_config::defaults(...).load().await.credentials_provider()` returns).
#[derive(Debug, Clone)]
pub struct AwsCredentialsProvider<P>(P);

impl<P: AwsProvide> AwsCredentialsProvider<P> {
    /// Wraps `provider`.
    pub fn new(provider: P) -> Self {
        Self(provider)
    }
}

impl<P: AwsProvide> ProvideCredentialsAsync for AwsCredentialsProvider<P> {
    fn provide_async(&self) -> ProvideFuture<'_> {
        Box::pin(async move {
            let c = self
                .0
                .provide_credentials()
                .await
                // Kept whole as the source: its chain names the provider and the cause, never a
                // secret.
                .map_err(ProviderError::provider)?;
            Ok(Credentials::from(&c))
        })
    }
}

impl From<&aws_credential_types::Credentials> for Credentials {
    fn from(c: &aws_credential_types::Credentials) -> Self {
        let mut out = Credentials::new(c.access_key_id(), c.secret_access_key());
        if let Some(t) = c.session_token() {
            out = out.with_session_token(t);
        }
        if let Some(e) = c.expiry() {
            out = out.with_expiry(e);
        }
        out
    }
}

/// The default credential chain and the region `aws-config` resolved.
#[derive(Debug)]
pub struct DefaultChain {
    provider: Option<SharedCredentialsProvider>,
    region: Option<String>,
}

impl DefaultChain {
    /// The region from `AWS_REGION`, `AWS_DEFAULT_REGION` or the profile, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// A [`CredentialsCache`] over the chain (refreshing temporary credentials before expiry).
    pub fn into_cache(self) -> CredentialsCache {
        match self.provider {
            Some(p) => CredentialsCache::new_async(AwsCredentialsProvider::new(p)),
            None => CredentialsCache::new(crate::provider::provider_fn(|| {
                Err(ProviderError::provider(
                    "aws-config found no credentials provider",
                ))
            })),
        }
    }
}

/// Loads the default chain with `aws-config` (optionally for a named profile, as `--profile`
/// or `AWS_PROFILE` do).
pub async fn load_default_chain(profile: Option<&str>) -> DefaultChain {
    use aws_smithy_http_client::tls::{Provider, rustls_provider::CryptoMode};
    // HTTPS for the providers that call AWS (SSO, STS, IMDS, ECS), with rustls on ring.
    let http = aws_smithy_http_client::Builder::new()
        .tls_provider(Provider::Rustls(CryptoMode::Ring))
        .build_https();
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest()).http_client(http);
    if let Some(p) = profile {
        loader = loader.profile_name(p);
    }
    let config = loader.load().await;
    DefaultChain {
        provider: config.credentials_provider(),
        region: config.region().map(|r| r.to_string()),
    }
}
