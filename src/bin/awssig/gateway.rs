//! `awssig gateway`: the local IAM-auth gateway.

use std::process::ExitCode;

use crate::common::BoxError;

#[derive(Debug, clap::Args)]
pub(crate) struct Args {}

pub(crate) async fn run(_args: Args) -> Result<ExitCode, BoxError> {
    Err("the gateway is not available yet".into())
}
