//! `awssig gateway`: the local IAM-auth gateway (see [`awssig::gateway`]).

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use awssig::gateway::{Gateway, GatewayConfig};
use awssig::verify::{CanonicalDisplay, UnsignedPayload};
use awssig::{Credentials, Verifier};

use crate::common::{BoxError, EXAMPLE_CREDENTIALS};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
The first line on standard output is the URL it listens on.

Examples:
  awssig gateway --listen 127.0.0.1:8080 --credentials AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
  awssig gateway --credentials AKID:SECRET:SESSION_TOKEN   # temporary credentials: the token must match
  awssig gateway --service s3 --allow-unsigned-payload    # an S3 stand-in
  awssig gateway --upstream http://127.0.0.1:3000/   # forward verified requests to your app
  awssig gateway --clock-offset 600                  # test how a client copes with a skewed server clock")]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// Accepted credentials, ACCESS_KEY_ID:SECRET or ACCESS_KEY_ID:SECRET:SESSION_TOKEN
    /// (repeatable; with a token, requests must carry it). Default: the credentials of the
    /// standard AWS chain (environment, --profile), else the AWS documentation's example pair
    /// AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY.
    #[arg(long = "credentials", value_name = "ID:SECRET[:TOKEN]")]
    credentials: Vec<String>,
    /// Named profile for the default credentials.
    #[arg(long)]
    profile: Option<String>,
    /// Region the signatures must be scoped to.
    #[arg(long, default_value = "us-east-1")]
    region: String,
    /// Service the signatures must be scoped to.
    #[arg(long, default_value = "execute-api")]
    service: String,
    /// Allowed clock difference in seconds (API Gateway: 300).
    #[arg(long, default_value_t = 300, value_name = "SECONDS")]
    max_skew: u64,
    /// Run the gateway's clock this many seconds ahead (negative: behind).
    #[arg(
        long,
        default_value_t = 0,
        allow_negative_numbers = true,
        value_name = "SECONDS"
    )]
    clock_offset: i64,
    /// Forward verified requests to this http:// URL instead of echoing them.
    #[arg(long, value_name = "URL")]
    upstream: Option<http::Uri>,
    /// Seconds a request body may take to arrive once its headers pass (slower or stalled: 408).
    #[arg(long, default_value_t = awssig::gateway::DEFAULT_BODY_TIMEOUT.as_secs(), value_name = "SECONDS")]
    body_timeout: u64,
    /// Do not quote the canonical request in signature-mismatch answers (as Lambda URLs).
    #[arg(long)]
    no_canonical: bool,
    /// Accept bodies signed as UNSIGNED-PAYLOAD or STREAMING-UNSIGNED-PAYLOAD-TRAILER (as S3
    /// does; API Gateway refuses them).
    #[arg(long)]
    allow_unsigned_payload: bool,
}

/// `ID:SECRET` or `ID:SECRET:TOKEN`. Access key ids and secrets hold no `:`; a session token
/// is everything after the second one.
fn parse_credentials(pair: &str) -> Result<Credentials, BoxError> {
    let mut parts = pair.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(id), Some(secret), token) if !id.is_empty() && !secret.is_empty() => {
            let creds = Credentials::new(id, secret);
            Ok(match token {
                Some(t) if !t.is_empty() => creds.with_session_token(t),
                Some(_) => {
                    return Err(
                        "--credentials: the session token after the second `:` is empty".into(),
                    );
                }
                None => creds,
            })
        }
        _ => Err(
            "--credentials takes ACCESS_KEY_ID:SECRET or ACCESS_KEY_ID:SECRET:SESSION_TOKEN".into(),
        ),
    }
}

pub(crate) async fn run(args: Args) -> Result<ExitCode, BoxError> {
    let mut accepted = Vec::new();
    for pair in &args.credentials {
        accepted.push(parse_credentials(pair)?);
    }
    if accepted.is_empty() {
        let chain = awssig::provider::aws_config::load_default_chain(args.profile.as_deref()).await;
        match chain.into_cache().credentials_async().await {
            Ok(creds) => accepted.push((*creds).clone()),
            Err(_) if args.profile.is_none() => {
                let (id, secret) = EXAMPLE_CREDENTIALS;
                eprintln!(
                    "awssig gateway: no AWS credentials found; accepting the AWS example pair {id}:{secret} (--credentials sets others)"
                );
                accepted.push(Credentials::new(id, secret));
            }
            Err(e) => {
                return Err(format!("--profile {}: {e}", args.profile.unwrap_or_default()).into());
            }
        }
    }
    let settings = crate::common::settings_for_service(&args.service);
    let verifier = Verifier::new(accepted, args.region.clone(), args.service.clone())
        .with_max_skew(Duration::from_secs(args.max_skew))
        .with_settings(settings)
        .with_unsigned_payload(if args.allow_unsigned_payload {
            UnsignedPayload::Allowed
        } else {
            UnsignedPayload::Rejected
        });
    let mut config = GatewayConfig::new(verifier)
        .with_clock_offset(time::Duration::seconds(args.clock_offset))
        .with_body_timeout(Duration::from_secs(args.body_timeout))
        .with_canonical_display(if args.no_canonical {
            CanonicalDisplay::Omitted
        } else {
            CanonicalDisplay::Quoted
        });
    if let Some(upstream) = args.upstream {
        config = config.with_upstream(upstream);
    }
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let addr = listener.local_addr()?;
    println!("http://{addr}");
    std::io::stdout().flush()?;
    eprintln!(
        "awssig gateway: verifying SigV4 for {}/{} on http://{addr} (Ctrl-C to stop)",
        args.region, args.service
    );
    Arc::new(Gateway::new(config)).serve(listener).await?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_take_an_optional_session_token_after_the_second_colon() {
        let c = parse_credentials("AKID:SECRET").unwrap();
        assert_eq!((c.access_key_id(), c.session_token()), ("AKID", None));
        let c = parse_credentials("AKID:SECRET:IQoJb3Jp+Z2luX2Vj/EN==").unwrap();
        assert_eq!(c.session_token(), Some("IQoJb3Jp+Z2luX2Vj/EN=="));
        for bad in ["AKID", "AKID:", ":SECRET", "AKID:SECRET:"] {
            assert!(parse_credentials(bad).is_err(), "{bad}");
        }
    }
}
