//! A local stand-in for an IAM-protected API Gateway.
//!
//! ```text
//! cargo run --example gateway --features gateway -- [--port 8080] [--region us-east-1]
//!     [--service execute-api] [--upstream http://127.0.0.1:3000] [--max-skew-secs 300]
//!     [--allow-unsigned-payload] [--clock-offset-secs N]
//! ```
//!
//! Credentials come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (and `AWS_SESSION_TOKEN`),
//! or default to the AWS documentation's example pair `AKIDEXAMPLE` /
//! `wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY`. Stop it with Ctrl-C.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use awssig::gateway::{Gateway, GatewayConfig};
use awssig::{Credentials, Verifier, verify::UnsignedPayload};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut port = 8080u16;
    let mut region = "us-east-1".to_string();
    let mut service = "execute-api".to_string();
    let mut upstream = None;
    let mut max_skew = Duration::from_secs(300);
    let mut unsigned = UnsignedPayload::Rejected;
    let mut offset = time::Duration::ZERO;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--port" => port = value()?.parse()?,
            "--region" => region = value()?,
            "--service" => service = value()?,
            "--upstream" => upstream = Some(value()?.parse::<http::Uri>()?),
            "--max-skew-secs" => max_skew = Duration::from_secs(value()?.parse()?),
            "--clock-offset-secs" => offset = time::Duration::seconds(value()?.parse()?),
            "--allow-unsigned-payload" => unsigned = UnsignedPayload::Allowed,
            "-h" | "--help" => {
                println!(
                    "usage: gateway [--port N] [--region R] [--service S] [--upstream URL] [--max-skew-secs N] [--allow-unsigned-payload] [--clock-offset-secs N]"
                );
                return Ok(());
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let creds = Credentials::from_env().unwrap_or_else(|_| {
        Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
    });
    let key = creds.access_key_id().to_string();
    let verifier = Verifier::new(creds, region.clone(), service.clone())
        .with_max_skew(max_skew)
        .with_unsigned_payload(unsigned);
    let mut config = GatewayConfig::new(verifier)
        .with_listen(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .with_clock_offset(offset);
    if let Some(u) = upstream.clone() {
        config = config.with_upstream(u);
    }
    let handle = Gateway::spawn(config)?;
    println!(
        "awssig gateway on {} (key {key}, scope {region}/{service}, {})",
        handle.url(),
        upstream.map_or("echo".to_string(), |u| format!("forwarding to {u}"))
    );
    loop {
        std::thread::park();
    }
}
