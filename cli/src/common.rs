//! What the subcommands share: scope and credentials resolution, `-H` and `-d` parsing.

use std::io::Read;

use awssig::{Settings, Signer, endpoint::infer_scope};

/// Errors a subcommand reports on stderr before exiting with status 1.
pub(crate) type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Where the signature is scoped and which credentials sign it.
#[derive(Debug, Clone, clap::Args)]
pub(crate) struct ScopeArgs {
    /// Signing name (execute-api, lambda, s3, ...); inferred from the host when omitted.
    #[arg(long)]
    pub(crate) service: Option<String>,
    /// Region (us-east-1, ...); inferred from the host, else AWS_REGION / the profile.
    #[arg(long)]
    pub(crate) region: Option<String>,
    /// Named profile from the shared config and credentials files.
    #[arg(long)]
    pub(crate) profile: Option<String>,
}

/// A signer for `host` (the `Host` header if one is given, else the URL's host).
pub(crate) async fn signer(scope: &ScopeArgs, host: &str) -> Result<Signer, BoxError> {
    let chain = awssig::provider::aws_config::load_default_chain(scope.profile.as_deref()).await;
    let (region, service) = match (&scope.region, &scope.service) {
        (Some(r), Some(s)) => (r.clone(), s.clone()),
        (region, service) => match infer_scope(host) {
            Ok(inferred) => (
                region
                    .clone()
                    .unwrap_or_else(|| inferred.region().to_string()),
                service
                    .clone()
                    .unwrap_or_else(|| inferred.service().to_string()),
            ),
            Err(e) => match (service, chain.region()) {
                (Some(s), Some(r)) => (r.to_string(), s.clone()),
                _ => return Err(e.into()),
            },
        },
    };
    let settings = if service == "s3" || service == "s3-object-lambda" {
        Settings::s3()
    } else {
        Settings::default()
    };
    let credentials = chain.into_cache().credentials_async().await.map_err(|e| -> BoxError {
        format!("{e}\n  (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or choose a profile with --profile or AWS_PROFILE)").into()
    })?;
    Ok(Signer::new((*credentials).clone(), region, service).with_settings(settings))
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
