//! `awssig gateway`: the local IAM-auth gateway (see [`awssig::gateway`]).

use std::io::Write;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use awssig::gateway::{Gateway, GatewayConfig};
use awssig::{Credentials, Settings, Verifier, verify::CanonicalDisplay};

use crate::common::BoxError;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
The first line on standard output is the URL it listens on.

Examples:
  awssig gateway --listen 127.0.0.1:8080 --credentials AKIDEXAMPLE:wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY
  awssig gateway --upstream http://127.0.0.1:3000/   # forward verified requests to your app
  awssig gateway --clock-offset 600                  # test how a client copes with a skewed server clock")]
pub(crate) struct Args {
    /// Address to listen on (port 0 picks a free port).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    listen: SocketAddr,
    /// Accepted credentials, ACCESS_KEY_ID:SECRET (repeatable). Default: the credentials of the
    /// standard AWS chain (environment, --profile).
    #[arg(long = "credentials", value_name = "ID:SECRET")]
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
}

pub(crate) async fn run(args: Args) -> Result<ExitCode, BoxError> {
    let mut accepted = Vec::new();
    for pair in &args.credentials {
        let (id, secret) = pair
            .split_once(':')
            .ok_or("--credentials takes ACCESS_KEY_ID:SECRET")?;
        accepted.push(Credentials::new(id, secret));
    }
    if accepted.is_empty() {
        let chain = awssig::provider::aws_config::load_default_chain(args.profile.as_deref()).await;
        let creds = chain.into_cache().credentials_async().await.map_err(|e| -> BoxError {
            format!("{e}\n  (pass --credentials ID:SECRET, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)").into()
        })?;
        accepted.push((*creds).clone());
    }
    let settings = if args.service == "s3" {
        Settings::s3()
    } else {
        Settings::default()
    };
    let verifier = Verifier::new(accepted, args.region.clone(), args.service.clone())
        .with_max_skew(Duration::from_secs(args.max_skew))
        .with_settings(settings);
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
