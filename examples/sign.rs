//! Signs a request and prints every stage: the canonical request, the string to sign and the
//! headers that go on the wire.
//!
//! ```text
//! cargo run --example sign                                   # the suite's get-vanilla request
//! cargo run --example sign -- https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items?limit=10 eu-west-1 execute-api
//! ```
//!
//! Credentials come from `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (/ `AWS_SESSION_TOKEN`)
//! when set, else from the AWS documentation example pair.

use std::error::Error;
use std::time::SystemTime;

use awssig::{Credentials, Payload, Signer};

fn main() -> Result<(), Box<dyn Error>> {
    let mut args = std::env::args().skip(1);
    let url = args
        .next()
        .unwrap_or_else(|| "https://example.amazonaws.com/".into());
    let region = args.next().unwrap_or_else(|| "us-east-1".into());
    let service = args.next().unwrap_or_else(|| "service".into());

    let (creds, source) = match Credentials::from_env() {
        Ok(c) => (c, "environment"),
        Err(_) => (
            Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            "the AWS documentation example (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY to use yours)",
        ),
    };
    let signer = Signer::new(creds, region, service);
    let mut req = http::Request::get(url.as_str()).body(())?;
    let now = SystemTime::now();

    let ex = signer.explain_at(&req, Payload::Bytes(b""), now)?;
    signer.sign_at(&mut req, now)?;

    println!("credentials: {source}");
    println!("\n== canonical request\n{}", ex.canonical_request());
    println!("\n== string to sign\n{}", ex.string_to_sign());
    println!("\n== signed request\n{} {}", req.method(), req.uri());
    for (name, value) in req.headers() {
        // `authorization` and `x-amz-security-token` are marked sensitive: print the
        // authorization (it is only valid for this request, for minutes) but never a token.
        let shown = if name == "x-amz-security-token" {
            "<redacted>".to_string()
        } else {
            value.to_str().unwrap_or("<binary>").to_string()
        };
        println!("{name}: {shown}");
    }
    Ok(())
}
