//! `awssig`: send SigV4-signed requests, presign URLs, explain a 403, and run a local IAM-auth
//! gateway.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod common;
mod curl;
mod diagnose;
mod gateway;
mod presign;
mod upload;

/// Exit status for an HTTP response of 400 or more (as `curl --fail`).
const EXIT_HTTP_ERROR: u8 = 22;

#[derive(Debug, Parser)]
#[command(
    name = "awssig",
    version,
    about = "Sign HTTP requests with AWS Signature Version 4, presign URLs, explain 403s",
    after_help = "\
Credentials come from the standard AWS chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY /
AWS_SESSION_TOKEN, then the shared config and credentials files (AWS_PROFILE or --profile).

Examples:
  awssig curl https://abc123.execute-api.us-east-1.amazonaws.com/prod/items
  awssig curl -X POST -H 'content-type: application/json' -d '{\"a\":1}' https://abc.lambda-url.us-east-1.on.aws/
  awssig presign --expires 300 https://my-bucket.s3.us-west-2.amazonaws.com/report.csv
  awssig curl --save-request req.http --save-response resp.http https://... ; awssig diagnose --request req.http --response resp.http
  awssig gateway --listen 127.0.0.1:8080

Exit status: 0 on success, 1 on an error (credentials, signing, network), 2 on a usage error,
22 when the server answered with HTTP 400 or more."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Send one signed request and print the response body.
    Curl(curl::Args),
    /// Print a presigned URL.
    Presign(presign::Args),
    /// Explain why AWS rejected a signed request, from the saved request and response.
    Diagnose(diagnose::Args),
    /// Run a local stand-in for an IAM-protected API Gateway.
    Gateway(gateway::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("awssig: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Curl(args) => curl::run(args).await,
            Command::Presign(args) => presign::run(args).await,
            Command::Diagnose(args) => diagnose::run(args).await,
            Command::Gateway(args) => gateway::run(args).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            // Errors keep their cause as `source()` (a provider's own error, say): print the
            // whole chain.
            let mut line = format!("awssig: {e}");
            let mut source = e.source();
            while let Some(s) = source {
                line.push_str(": ");
                line.push_str(&s.to_string());
                source = s.source();
            }
            eprintln!("{line}");
            ExitCode::FAILURE
        }
    }
}
