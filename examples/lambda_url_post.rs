//! 5. A Lambda function URL with `AWS_IAM` auth: POST and PUT with a body.
//!
//! The signing name is `lambda`, and function URLs do not accept `UNSIGNED-PAYLOAD`: send
//! `x-amz-content-sha256` with the SHA-256 of the exact body bytes (a misspelt header, or a body
//! re-serialised after signing, breaks the signature).
//!
//! ```text
//! cargo run --example lambda_url_post --features reqwest,gateway          # offline
//! AWSSIG_ENDPOINT=https://{url-id}.lambda-url.{region}.on.aws/orders \
//!   cargo run --example lambda_url_post --features reqwest,gateway
//! ```

mod common;

use awssig::gateway::GatewayConfig;
use awssig::{Credentials, Settings, Signer, Verifier};
use common::{BoxError, expect};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let real = common::real_endpoint();
    let mut _gateway = None;
    let (url, signer) = match &real {
        Some(url) => (url.clone(), Signer::for_url(Credentials::from_env()?, url)?),
        None => {
            // Function URLs quote no canonical request in their 403s.
            let verifier = Verifier::new(common::example_credentials(), "us-east-2", "lambda");
            let gw = common::local_gateway_with(
                GatewayConfig::new(verifier)
                    .with_canonical_display(awssig::verify::CanonicalDisplay::Omitted),
            )?;
            let url = format!("{}/orders", gw.url());
            _gateway = Some(gw);
            (
                url,
                Signer::new(common::example_credentials(), "us-east-2", "lambda")
                    .with_settings(Settings::lambda()),
            )
        }
    };
    let real = real.is_some();
    // Both signers send and sign x-amz-content-sha256 on every request (`Settings::lambda()`):
    // `for_url` picks it for a function URL's host, the local one sets it.
    assert_eq!(signer.settings(), &Settings::lambda());
    let client = common::client();

    for (method, body) in [
        (
            reqwest::Method::POST,
            br#"{"order":1234,"items":["a","b"]}"#.as_slice(),
        ),
        (
            reqwest::Method::PUT,
            br#"{"order":1234,"status":"paid"}"#.as_slice(),
        ),
    ] {
        println!("== {method} with the body's SHA-256 in x-amz-content-sha256");
        let mut req = client
            .request(method.clone(), &url)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .build()?;
        common::sign_shown(&signer, &mut req, body)?;
        common::print_request(method.as_str(), &req);
        let (status, _, _) = common::send(&client, req).await?;
        expect(real, status == 200, "the signed body is accepted")?;
    }

    println!("== UNSIGNED-PAYLOAD is refused by function URLs");
    let mut req = client
        .post(&url)
        .header("x-amz-content-sha256", awssig::spec::UNSIGNED_PAYLOAD)
        .body(b"{}".to_vec())
        .build()?;
    common::sign_shown(&signer, &mut req, b"{}")?;
    let (status, _, _) = common::send(&client, req).await?;
    expect(real, status == 403, "UNSIGNED-PAYLOAD is rejected")?;
    Ok(())
}
