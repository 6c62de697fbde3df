//! Credentials providers, the refreshing cache and the provided signer: fresh credentials are
//! fetched before expiry, expired ones are never used, and each signature uses one snapshot.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::time::{Duration, SystemTime};

use crate::common;

use awssig::spec::Algorithm;
use awssig::{
    Credentials, Payload, ProviderError, Verifier, VerifyError,
    provider::{
        CredentialsCache, EnvironmentProvider, ProvideCredentials, ProvideCredentialsAsync,
        ProvideFuture, ProvidedSigner, provider_fn,
    },
};

/// Runs a future to completion on this thread (the futures here never wait on I/O).
fn block_on<F: Future>(fut: F) -> F::Output {
    struct Unpark(std::thread::Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut fut = std::pin::pin!(fut);
    loop {
        if let Poll::Ready(v) = fut.as_mut().poll(&mut cx) {
            return v;
        }
        std::thread::park();
    }
}

fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000)
}

/// Generation `n` has key id `AKID{n}`, token `token{n}` and expires `lifetime` after `t0 + n*step`.
struct Rotating {
    calls: AtomicUsize,
    lifetime: Duration,
    step: Duration,
}

impl Rotating {
    fn new(lifetime: Duration, step: Duration) -> Self {
        Self {
            calls: AtomicUsize::new(0),
            lifetime,
            step,
        }
    }
}

impl ProvideCredentials for Rotating {
    fn provide(&self) -> Result<Credentials, ProviderError> {
        let n = self.calls.fetch_add(1, Ordering::SeqCst) as u32 + 1;
        Ok(Credentials::new(format!("AKID{n}"), format!("secret{n}"))
            .with_session_token(format!("token{n}"))
            .with_expiry(t0() + self.step * n + self.lifetime))
    }
}

#[test]
fn credentials_without_expiry_are_fetched_once_and_shared() {
    let calls = Arc::new(AtomicUsize::new(0));
    let c = Arc::clone(&calls);
    let cache = CredentialsCache::new(provider_fn(move || {
        c.fetch_add(1, Ordering::SeqCst);
        Ok(Credentials::new("AKID", "secret"))
    }));
    let a = cache.credentials_at(t0()).unwrap();
    let b = cache
        .credentials_at(t0() + Duration::from_secs(86_400 * 365))
        .unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[test]
fn credentials_are_refetched_inside_the_refresh_margin() {
    let cache = CredentialsCache::new(Rotating::new(Duration::from_secs(3600), Duration::ZERO))
        .with_refresh_before(Duration::from_secs(300));
    let first = cache.credentials_at(t0()).unwrap();
    assert_eq!(first.access_key_id(), "AKID1");
    // 10 minutes before expiry: still fresh.
    let same = cache
        .credentials_at(t0() + Duration::from_secs(3000))
        .unwrap();
    assert!(Arc::ptr_eq(&first, &same));
    // 4 minutes before expiry: inside the margin, so a new generation is fetched.
    let next = cache
        .credentials_at(t0() + Duration::from_secs(3360))
        .unwrap();
    assert_eq!(next.access_key_id(), "AKID2");
    assert_eq!(next.session_token(), Some("token2"));
}

#[test]
fn expired_credentials_from_the_provider_are_refused() {
    let cache = CredentialsCache::new(provider_fn(|| {
        Ok(Credentials::new("AKID", "secret").with_expiry(t0() - Duration::from_secs(1)))
    }));
    let err = cache.credentials_at(t0()).unwrap_err();
    assert!(
        matches!(
            err,
            ProviderError::ExpiredCredentials {
                expired_at: 1_699_999_999
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("expired"));
}

#[test]
fn a_failed_refresh_keeps_unexpired_credentials_and_then_fails() {
    let fail = Arc::new(AtomicUsize::new(0));
    let f = Arc::clone(&fail);
    let cache = CredentialsCache::new(provider_fn(move || {
        if f.load(Ordering::SeqCst) > 0 {
            return Err(ProviderError::provider("sts unreachable"));
        }
        Ok(Credentials::new("AKID", "secret").with_expiry(t0() + Duration::from_secs(600)))
    }))
    .with_refresh_before(Duration::from_secs(300));
    cache.credentials_at(t0()).unwrap();
    fail.store(1, Ordering::SeqCst);
    // Inside the margin, refresh fails: the old credentials are still valid for 2 minutes.
    let kept = cache
        .credentials_at(t0() + Duration::from_secs(480))
        .unwrap();
    assert_eq!(kept.access_key_id(), "AKID");
    // Past expiry: never signed with; the provider's error comes back.
    let err = cache
        .credentials_at(t0() + Duration::from_secs(600))
        .unwrap_err();
    assert!(matches!(err, ProviderError::Provider(_)), "{err:?}");
    let source = std::error::Error::source(&err).map(ToString::to_string);
    assert_eq!(source.as_deref(), Some("sts unreachable"));
}

#[test]
fn provided_signer_keeps_one_signer_per_generation() {
    let signer = ProvidedSigner::new(
        CredentialsCache::new(Rotating::new(
            Duration::from_secs(3600),
            Duration::from_secs(3600),
        )),
        "us-east-1",
        "execute-api",
    );
    let a = signer.signer_at(t0()).unwrap();
    let b = signer.signer_at(t0() + Duration::from_secs(60)).unwrap();
    assert!(Arc::ptr_eq(&a, &b));
    let c = signer.signer_at(t0() + Duration::from_secs(7000)).unwrap();
    assert!(!Arc::ptr_eq(&a, &c));
    assert_eq!(c.credentials().access_key_id(), "AKID2");
    assert_eq!((c.region(), c.service()), ("us-east-1", "execute-api"));
}

#[test]
fn a_provided_sigv4a_signer_signs_each_generation_with_its_own_key_valid_across_the_region_set() {
    let signer = ProvidedSigner::new_v4a(
        CredentialsCache::new(Rotating::new(
            Duration::from_secs(3600),
            Duration::from_secs(3600),
        )),
        "us-east-1,us-west-2",
        "execute-api",
    );
    assert_eq!(signer.algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!(signer.region(), "us-east-1,us-west-2");
    let generations = [
        (t0(), ["AKID1", "secret1", "token1"]),
        (
            t0() + Duration::from_secs(7000),
            ["AKID2", "secret2", "token2"],
        ),
    ];
    for (k, (at, [id, secret, token])) in generations.into_iter().enumerate() {
        let s = signer.signer_at(at).unwrap();
        assert_eq!(s.algorithm(), Algorithm::EcdsaP256Sha256);
        assert_eq!(s.credentials().access_key_id(), id);
        let mut req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod/")
            .body(())
            .unwrap();
        s.sign_at(&mut req, at).unwrap();
        assert_eq!(req.headers()["x-amz-region-set"], "us-east-1,us-west-2");
        assert_eq!(req.headers()["x-amz-security-token"], token);
        let verify = |creds: Credentials, region: &str| {
            Verifier::new(creds, region, "execute-api").verify_at(&req, Payload::Bytes(b""), at)
        };
        let creds = Credentials::new(id, secret).with_session_token(token);
        for region in ["us-east-1", "us-west-2"] {
            let verified = verify(creds.clone(), region).unwrap();
            assert_eq!(verified.algorithm(), Algorithm::EcdsaP256Sha256);
            assert_eq!(verified.access_key_id(), id);
        }
        assert!(
            verify(creds, "eu-west-1").is_err(),
            "outside the region set"
        );
        // The other generation's secret under this generation's key id: not its key.
        let other = ["secret2", "secret1"][k];
        let wrong = Credentials::new(id, other).with_session_token(token);
        assert!(
            matches!(
                verify(wrong, "us-east-1"),
                Err(VerifyError::SignatureMismatch)
            ),
            "generation {k}"
        );
    }
}

#[test]
fn a_provided_signer_for_a_multi_region_access_point_url_signs_sigv4a_for_every_region() {
    let cache = CredentialsCache::new(provider_fn(|| Ok(Credentials::new("AKID", "secret"))));
    let url = "https://mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com/key";
    let signer = ProvidedSigner::for_url(cache, url).unwrap();
    assert_eq!(signer.algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!((signer.region(), signer.service()), ("*", "s3"));
    let mut req = http::Request::get(url).body(()).unwrap();
    signer.sign(&mut req).unwrap();
    assert_eq!(req.headers()["x-amz-region-set"], "*");
    let verified = Verifier::new(Credentials::new("AKID", "secret"), "ap-south-2", "s3")
        .with_settings(awssig::Settings::s3())
        .verify(&req, Payload::Bytes(b""))
        .unwrap();
    assert_eq!(verified.algorithm(), Algorithm::EcdsaP256Sha256);

    // A regional host stays SigV4.
    let cache = CredentialsCache::new(provider_fn(|| Ok(Credentials::new("AKID", "secret"))));
    let regional =
        ProvidedSigner::for_url(cache, "https://b.s3.eu-west-1.amazonaws.com/k").unwrap();
    assert_eq!(regional.algorithm(), Algorithm::HmacSha256);
}

#[test]
fn concurrent_signatures_never_mix_two_generations() {
    // Every credential generation lives 1 ms past the refresh margin, so threads that sign in a
    // loop race with rotations constantly.
    struct Fast(AtomicUsize);
    impl ProvideCredentials for Fast {
        fn provide(&self) -> Result<Credentials, ProviderError> {
            let n = self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Credentials::new(format!("AKID{n}"), format!("secret{n}"))
                .with_session_token(format!("token{n}"))
                .with_expiry(SystemTime::now() + Duration::from_millis(1)))
        }
    }
    let signer = Arc::new(ProvidedSigner::new(
        CredentialsCache::new(Fast(AtomicUsize::new(0))).with_refresh_before(Duration::ZERO),
        "us-east-1",
        "execute-api",
    ));
    let seen = Arc::new(Mutex::new(0usize));
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let signer = Arc::clone(&signer);
            let seen = Arc::clone(&seen);
            std::thread::spawn(move || {
                for _ in 0..300 {
                    let mut req =
                        http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/")
                            .body(())
                            .unwrap();
                    signer.sign(&mut req).unwrap();
                    let auth = req.headers()["authorization"].to_str().unwrap().to_string();
                    let token = req.headers()["x-amz-security-token"].to_str().unwrap();
                    let id = auth
                        .split("Credential=AKID")
                        .nth(1)
                        .unwrap()
                        .split('/')
                        .next()
                        .unwrap();
                    assert_eq!(
                        token,
                        format!("token{id}"),
                        "key id and token from different generations"
                    );
                    *seen.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(*seen.lock().unwrap(), 1200);
}

#[test]
fn asynchronous_providers_work_through_the_async_methods_only() {
    struct Later;
    impl ProvideCredentialsAsync for Later {
        fn provide_async(&self) -> ProvideFuture<'_> {
            Box::pin(async { Ok(Credentials::new("AKIDASYNC", "secret")) })
        }
    }
    let signer = ProvidedSigner::new(CredentialsCache::new_async(Later), "eu-west-1", "lambda");
    // The synchronous path cannot wait on the provider and says so.
    assert!(matches!(
        signer.signer_at(t0()),
        Err(ProviderError::AsyncProvider)
    ));
    let s = block_on(signer.signer_async_at(t0())).unwrap();
    assert_eq!(s.credentials().access_key_id(), "AKIDASYNC");
    // Once fetched, the synchronous path uses the cached snapshot.
    assert!(Arc::ptr_eq(&s, &signer.signer_at(t0()).unwrap()));
}

#[test]
fn sync_providers_are_async_providers_too() {
    let cache = CredentialsCache::new_async(Credentials::new("AKIDSTATIC", "secret"));
    let c = block_on(cache.credentials_async_at(t0())).unwrap();
    assert_eq!(c.access_key_id(), "AKIDSTATIC");
}

#[test]
fn environment_provider_reads_the_environment_on_each_call() {
    // Changing this process's environment needs `unsafe`, which the crate forbids: run this test
    // again in a child process with the variables set.
    if std::env::var_os("AWSSIG_ENV_CHILD").is_some() {
        let c = EnvironmentProvider.provide().unwrap();
        assert_eq!(c.access_key_id(), "AKIDFROMENV");
        assert_eq!(c.session_token(), Some("tokenfromenv"));
        return;
    }
    let name = common::test_name(
        module_path!(),
        "environment_provider_reads_the_environment_on_each_call",
    );
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([name.as_str(), "--exact", "--nocapture"])
        .env("AWSSIG_ENV_CHILD", "1")
        .env("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
        .env("AWS_SECRET_ACCESS_KEY", "secretfromenv")
        .env("AWS_SESSION_TOKEN", "tokenfromenv")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("1 passed"),
        "child failed:\n{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let missing = std::process::Command::new(std::env::current_exe().unwrap())
        .args([name.as_str(), "--exact"])
        .env("AWSSIG_ENV_CHILD", "1")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .output()
        .unwrap();
    assert!(
        !missing.status.success(),
        "without the variables the child must fail"
    );
}

#[test]
fn a_provider_failure_keeps_its_cause_as_the_source_chain() {
    /// A provider's own error, itself caused by an I/O failure.
    #[derive(Debug)]
    struct StsError(std::io::Error);
    impl std::fmt::Display for StsError {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("sts AssumeRole failed")
        }
    }
    impl std::error::Error for StsError {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.0)
        }
    }
    let cache = CredentialsCache::new(provider_fn(|| {
        Err(ProviderError::provider(StsError(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            "connect timed out",
        ))))
    }));
    let err = cache.credentials_at(t0()).unwrap_err();
    assert_eq!(err.to_string(), "the credentials provider failed");
    let mut chain = Vec::new();
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        chain.push(s.to_string());
        source = s.source();
    }
    assert_eq!(chain, ["sts AssumeRole failed", "connect timed out"]);
    // The provider's own type is still there to downcast to.
    let inner = std::error::Error::source(&err).unwrap();
    assert!(inner.downcast_ref::<StsError>().is_some());
}

#[test]
fn signing_through_a_provider_reports_a_signing_failure_as_provider_error_sign() {
    let signer = ProvidedSigner::new(
        CredentialsCache::new(Credentials::new("AKID", "secret")),
        "us-east-1",
        "execute-api",
    );
    // A relative URI names no host: the credentials were fine, signing failed.
    let mut req = http::Request::get("/no-host").body(()).unwrap();
    let err = signer.sign(&mut req).unwrap_err();
    assert!(
        matches!(err, ProviderError::Sign(awssig::SignError::MissingHost)),
        "{err:?}"
    );
    // Transparent: the signing error's own words.
    assert_eq!(err.to_string(), awssig::SignError::MissingHost.to_string());
}
