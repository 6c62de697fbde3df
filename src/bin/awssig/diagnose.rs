//! `awssig diagnose`: why a signed request was rejected.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::common::BoxError;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {
    /// The request as sent (written by `awssig curl --save-request`).
    #[arg(long, value_name = "FILE")]
    request: PathBuf,
    /// The response (written by `awssig curl --save-response`, or `curl -i` output).
    #[arg(long, value_name = "FILE")]
    response: PathBuf,
}

pub(crate) async fn run(args: Args) -> Result<ExitCode, BoxError> {
    let _ = (&args.request, &args.response);
    Err("diagnose is not available yet".into())
}
