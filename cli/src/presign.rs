//! `awssig presign`: a presigned URL.

use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use crate::common::{self, BoxError, ScopeArgs};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  awssig presign --expires 300 https://my-bucket.s3.us-west-2.amazonaws.com/report.csv
  awssig presign -X PUT --expires 600 https://my-bucket.s3.eu-west-1.amazonaws.com/upload.bin

With temporary credentials the URL stops working when the session token expires, whatever
--expires says.")]
pub(crate) struct Args {
    /// Lifetime in seconds (1 to 604800).
    #[arg(
        long,
        default_value_t = 900,
        value_name = "SECONDS",
        value_parser = clap::value_parser!(u64).range(1..=604_800)
    )]
    expires: u64,
    /// The method the URL is for.
    #[arg(
        short = 'X',
        long = "request",
        default_value = "GET",
        value_name = "METHOD"
    )]
    method: String,
    /// A header the user of the URL must send, 'name: value' (repeatable; it is signed).
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    #[command(flatten)]
    scope: ScopeArgs,
    /// The absolute URL to presign.
    url: String,
}

pub(crate) async fn run(args: Args) -> Result<ExitCode, BoxError> {
    let mut builder = http::Request::builder()
        .method(args.method.to_ascii_uppercase().as_str())
        .uri(&args.url);
    let mut host = None;
    for raw in &args.headers {
        let (name, value) = common::parse_header(raw)?;
        if name == http::header::HOST {
            host = Some(
                value
                    .to_str()
                    .map_err(|_| "the host header is not ASCII")?
                    .to_string(),
            );
        }
        builder = builder.header(name, value);
    }
    let req = builder
        .body(())
        .map_err(|e| format!("invalid request `{}`: {e}", args.url))?;
    let host = match host {
        Some(h) => h,
        None => common::url_host(&args.url)?,
    };
    let signer = common::signer(&args.scope, &host).await?;
    let now = SystemTime::now();
    let expires = Duration::from_secs(args.expires);
    let url = signer.presign_at(&req, expires, now)?;
    println!("{url}");
    if signer
        .credentials()
        .expiry()
        .is_some_and(|e| e < awssig::SigningTime::from(now + expires))
    {
        eprintln!(
            "awssig: note: these temporary credentials expire before the URL does; the URL stops working then"
        );
    }
    Ok(ExitCode::SUCCESS)
}
