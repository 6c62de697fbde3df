//! What the subcommands share: scope and credentials resolution, `-H` and `-d` parsing.

use std::io::Read;

use awssig::spec::Algorithm;
use awssig::{Credentials, Settings, Signer, endpoint::infer_scope};

/// The AWS documentation's example pair: what `awssig gateway` accepts, and `awssig curl`
/// signs a loopback request with, when no AWS credentials are configured.
pub(crate) const EXAMPLE_CREDENTIALS: (&str, &str) =
    ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");

/// Errors a subcommand reports on stderr before exiting with status 1.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where the signature is scoped and which credentials sign it.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ScopeArgs {
    /// Signing name (execute-api, lambda, s3, ...). Default: from the host; for 127.0.0.1 and
    /// localhost, execute-api (the local gateway's).
    #[arg(long)]
    pub(crate) service: Option<String>,
    /// Region (us-east-1, ...). Default: from an AWS host, else AWS_REGION /
    /// AWS_DEFAULT_REGION / the profile's region; for 127.0.0.1 and localhost, us-east-1. With
    /// SigV4a, the region set (us-east-1,us-west-2 or us-*; default *).
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// Sign with SigV4a (AWS4-ECDSA-P256-SHA256), valid in every region of --region. Default:
    /// for an S3 Multi-Region Access Point host; SigV4 otherwise.
    #[arg(long)]
    pub(crate) sigv4a: bool,
    /// Named profile from the shared config and credentials files.
    #[arg(long)]
    pub(crate) profile: Option<String>,
    /// Access key id (awscurl's `--access_key`); with --secret-key, instead of the AWS chain.
    #[arg(long, alias = "access_key", value_name = "ID", requires = "secret_key")]
    pub(crate) access_key: Option<String>,
    /// Secret access key (awscurl's `--secret_key`).
    #[arg(
        long,
        alias = "secret_key",
        value_name = "SECRET",
        requires = "access_key"
    )]
    pub(crate) secret_key: Option<String>,
    /// Session token of temporary credentials (awscurl's `--session_token`).
    #[arg(
        long,
        alias = "session_token",
        value_name = "TOKEN",
        requires = "access_key"
    )]
    pub(crate) session_token: Option<String>,
}

/// The scope a request is signed for, and where each part came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scope {
    /// SigV4 or SigV4a.
    pub(crate) algorithm: Algorithm,
    /// The region; for SigV4a, the region set.
    pub(crate) region: String,
    pub(crate) service: String,
    pub(crate) settings: Settings,
    /// Set when a local default was taken, to say so on stderr.
    pub(crate) defaulted: bool,
}

/// 127.0.0.1, ::1, localhost: where the local gateway (`awssig gateway`) runs.
fn is_loopback(host: &str) -> bool {
    let name = host
        .rsplit_once(':')
        .filter(|(h, port)| !h.is_empty() && port.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h)
        .trim_start_matches('[')
        .trim_end_matches(']');
    name.eq_ignore_ascii_case("localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// The region: `--region`; else the one an AWS host names (signing for another region would
/// be refused); else `AWS_REGION` / `AWS_DEFAULT_REGION` / the profile's (`env_region`); else,
/// on a loopback host, the local gateway's `us-east-1`. The service: `--service`; else the
/// host's; else, on a loopback host, `execute-api`. Errors name the flag to pass.
pub(crate) fn resolve_scope(
    scope: &ScopeArgs,
    host: &str,
    env_region: Option<&str>,
) -> Result<Scope, BoxError> {
    let inferred = infer_scope(host).ok();
    let local = is_loopback(host);
    let mut defaulted = false;
    // SigV4a when asked for, or when the host takes it (a Multi-Region Access Point).
    let algorithm = match &inferred {
        _ if scope.sigv4a => Algorithm::EcdsaP256Sha256,
        Some(i) => i.algorithm(),
        None => Algorithm::HmacSha256,
    };
    let region = match (&scope.region, &inferred, env_region) {
        (Some(r), _, _) => r.clone(),
        // SigV4a asked for: every region, unless the host is a Multi-Region Access Point,
        // whose region set the next arm takes.
        (None, i, _)
            if scope.sigv4a
                && i.as_ref()
                    .is_none_or(|i| i.algorithm() != Algorithm::EcdsaP256Sha256) =>
        {
            "*".to_string()
        }
        (None, Some(i), _) => i.region().to_string(),
        (None, None, Some(r)) => r.to_string(),
        (None, None, None) if local => {
            defaulted = true;
            "us-east-1".to_string()
        }
        (None, None, None) => {
            return Err(format!(
                "cannot tell which region `{host}` is in: pass --region (or set AWS_REGION)"
            )
            .into());
        }
    };
    let service = match (&scope.service, &inferred) {
        (Some(s), _) => s.clone(),
        (None, Some(i)) => i.service().to_string(),
        (None, None) if local => {
            defaulted = true;
            "execute-api".to_string()
        }
        (None, None) => {
            return Err(format!(
                "cannot tell which service `{host}` belongs to: pass --service \
                 (execute-api for API Gateway and its custom domains, lambda for function URLs \
                 behind CloudFront, s3, ...)"
            )
            .into());
        }
    };
    // The host's rules when it is the service's own endpoint; else the service's.
    let settings = match &inferred {
        Some(i) if i.service() == service => i.settings(),
        _ => settings_for_service(&service),
    };
    Ok(Scope {
        algorithm,
        region,
        service,
        settings,
        defaulted,
    })
}

/// The canonicalisation rules of a signing name: S3's, Lambda's (`x-amz-content-sha256` on
/// every request), or the default. `curl` and `gateway` pick them alike.
pub(crate) fn settings_for_service(service: &str) -> Settings {
    match service {
        "s3" | "s3-object-lambda" => Settings::s3(),
        "lambda" => Settings::lambda(),
        _ => Settings::default(),
    }
}

/// A signer for `host` (the `Host` header if one is given, else the URL's host).
pub(crate) async fn signer(scope: &ScopeArgs, host: &str) -> Result<Signer, BoxError> {
    let chain = awssig::provider::aws_config::load_default_chain(scope.profile.as_deref()).await;
    let resolved = resolve_scope(scope, host, chain.region())?;
    if resolved.defaulted {
        eprintln!(
            "awssig: signing for {}/{}, the local gateway's scope (--region and --service change it)",
            resolved.region, resolved.service
        );
    }
    let credentials = match (&scope.access_key, &scope.secret_key) {
        (Some(id), Some(secret)) => {
            let c = Credentials::new(id, secret);
            match &scope.session_token {
                Some(t) => c.with_session_token(t),
                None => c,
            }
        }
        _ => match chain.into_cache().credentials_async().await {
            Ok(c) => (*c).clone(),
            // What `awssig gateway` accepts when it finds no credentials either.
            Err(_) if is_loopback(host) && scope.profile.is_none() => {
                let (id, secret) = EXAMPLE_CREDENTIALS;
                eprintln!(
                    "awssig: no AWS credentials found; signing with the AWS example pair {id} for the local gateway"
                );
                Credentials::new(id, secret)
            }
            Err(e) => {
                return Err(format!("{e}\n  (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, choose a profile with --profile or AWS_PROFILE, or pass --access-key and --secret-key)").into());
            }
        },
    };
    let signer = match resolved.algorithm {
        Algorithm::EcdsaP256Sha256 => {
            Signer::new_v4a(credentials, resolved.region, resolved.service)
        }
        _ => Signer::new(credentials, resolved.region, resolved.service),
    };
    Ok(signer.with_settings(resolved.settings))
}

/// Parses `-H 'name: value'`.
pub(crate) fn parse_header(raw: &str) -> Result<(http::HeaderName, http::HeaderValue), BoxError> {
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| format!("header `{raw}` has no `:`; write it as 'name: value'"))?;
    let name = http::HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("invalid header name in `{raw}`"))?;
    let value = http::HeaderValue::from_str(value.trim_start())
        .map_err(|_| format!("invalid header value in `{raw}`"))?;
    Ok((name, value))
}

/// `-d DATA`, `-d @file` or `-d @-` (standard input), sent byte for byte.
pub(crate) fn read_data(arg: &str) -> Result<Vec<u8>, BoxError> {
    match arg.strip_prefix('@') {
        Some("-") => {
            let mut buf = Vec::new();
            std::io::stdin().read_to_end(&mut buf)?;
            Ok(buf)
        }
        Some(path) => std::fs::read(path).map_err(|e| format!("cannot read {path}: {e}").into()),
        None => Ok(arg.as_bytes().to_vec()),
    }
}

/// The host part of an absolute URL (for inference).
pub(crate) fn url_host(url: &str) -> Result<String, BoxError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| format!("invalid URL `{url}`: {e}"))?;
    parsed
        .host_str()
        .map(str::to_string)
        .ok_or_else(|| format!("URL `{url}` has no host").into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(region: Option<&str>, service: Option<&str>) -> ScopeArgs {
        ScopeArgs {
            service: service.map(str::to_string),
            region: region.map(str::to_string),
            profile: None,
            sigv4a: false,
            access_key: None,
            secret_key: None,
            session_token: None,
        }
    }

    #[test]
    fn sigv4a_is_taken_for_a_multi_region_access_point_or_when_asked_for() {
        let mrap = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";
        let s = resolve_scope(&args(None, None), mrap, Some("eu-west-1")).unwrap();
        assert_eq!(s.algorithm, Algorithm::EcdsaP256Sha256);
        assert_eq!((s.region.as_str(), s.service.as_str()), ("*", "s3"));
        assert_eq!(s.settings, Settings::s3());

        let asked = ScopeArgs {
            sigv4a: true,
            ..args(None, Some("execute-api"))
        };
        let s = resolve_scope(&asked, "api.example.com", Some("eu-west-1")).unwrap();
        assert_eq!(
            (s.algorithm, s.region.as_str()),
            (Algorithm::EcdsaP256Sha256, "*")
        );
        let set = ScopeArgs {
            region: Some("us-east-1,us-west-2".into()),
            ..asked
        };
        let s = resolve_scope(&set, "api.example.com", None).unwrap();
        assert_eq!(s.region, "us-east-1,us-west-2");

        let api = "abc.execute-api.eu-west-1.amazonaws.com";
        let s = resolve_scope(&args(None, None), api, None).unwrap();
        assert_eq!(
            (s.algorithm, s.region.as_str()),
            (Algorithm::HmacSha256, "eu-west-1")
        );
    }

    #[test]
    fn the_region_comes_from_the_flag_then_the_host_then_the_environment() {
        let api = "abc.execute-api.eu-west-1.amazonaws.com";
        let r = |a: &ScopeArgs, host, env| resolve_scope(a, host, env).unwrap().region;
        assert_eq!(
            r(&args(Some("us-west-2"), None), api, Some("ap-south-1")),
            "us-west-2"
        );
        assert_eq!(r(&args(None, None), api, Some("ap-south-1")), "eu-west-1");
        let custom = args(None, Some("execute-api"));
        assert_eq!(
            r(&custom, "api.example.com", Some("ap-south-1")),
            "ap-south-1"
        );
        let err = resolve_scope(&custom, "api.example.com", None)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--region"), "{err}");
    }

    #[test]
    fn the_service_comes_from_the_flag_then_the_host() {
        let s = |a: &ScopeArgs, host| resolve_scope(a, host, Some("us-east-1")).unwrap();
        assert_eq!(
            s(&args(None, Some("lambda")), "api.example.com").service,
            "lambda"
        );
        assert_eq!(
            s(&args(None, Some("lambda")), "api.example.com").settings,
            Settings::lambda()
        );
        let url = s(&args(None, None), "abc.lambda-url.us-east-2.on.aws");
        assert_eq!(
            (url.service.as_str(), url.settings),
            ("lambda", Settings::lambda())
        );
        let bucket = s(&args(None, None), "b.s3.us-east-2.amazonaws.com");
        assert_eq!(bucket.settings, Settings::s3());
        let err = resolve_scope(&args(None, None), "api.example.com", Some("us-east-1"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("--service"), "{err}");
        assert!(
            !err.contains("infer_scope") && !err.contains("Signer::"),
            "{err}"
        );
    }

    #[test]
    fn a_loopback_host_takes_the_local_gateways_scope_unless_told_otherwise() {
        for host in ["127.0.0.1:8080", "localhost", "[::1]:9000", "LOCALHOST:1"] {
            let scope = resolve_scope(&args(None, None), host, None).unwrap();
            assert_eq!(
                (
                    scope.region.as_str(),
                    scope.service.as_str(),
                    scope.defaulted
                ),
                ("us-east-1", "execute-api", true),
                "{host}"
            );
        }
        let env = resolve_scope(
            &args(None, Some("s3")),
            "127.0.0.1:9000",
            Some("eu-north-1"),
        )
        .unwrap();
        assert_eq!(
            (env.region.as_str(), env.service.as_str(), env.defaulted),
            ("eu-north-1", "s3", false)
        );
        assert!(resolve_scope(&args(None, None), "10.0.0.1", None).is_err());
    }
}
