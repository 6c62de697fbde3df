//! 1. API Gateway REST API, GET with an `x-api-key` header, IAM (SigV4) authorization.
//!
//! Also shows why `content-type` must not be signed on a GET that the client then sends
//! without it (axios drops it when there is no body; awscurl signs one on every GET): the
//! signature breaks, and `awssig::diagnose::diagnose` names the dropped header.
//!
//! ```text
//! cargo run --example apigw_rest_get --features reqwest,gateway          # offline
//! AWSSIG_ENDPOINT=https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/{path} \
//! AWSSIG_API_KEY=... cargo run --example apigw_rest_get --features reqwest,gateway  # real API
//! ```

mod common;

use awssig::{Credentials, Signer, Verifier};
use common::{BoxError, expect};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let real = common::real_endpoint();
    let mut _gateway = None;
    let (url, signer) = match &real {
        // Region and service come from the host name: {id}.execute-api.{region}.amazonaws.com.
        Some(url) => (url.clone(), Signer::for_url(Credentials::from_env()?, url)?),
        None => {
            let gw = common::local_gateway(Verifier::new(
                common::example_credentials(),
                "us-east-1",
                "execute-api",
            ))?;
            let url = format!("{}/prod/pets?type=dog&page=2", gw.url());
            _gateway = Some(gw);
            (
                url,
                Signer::new(common::example_credentials(), "us-east-1", "execute-api"),
            )
        }
    };
    let real = real.is_some();
    let api_key = std::env::var("AWSSIG_API_KEY").unwrap_or_else(|_| "example-api-key".into());
    let client = common::client();

    println!("== Right: sign exactly what is sent (no content-type on a GET)");
    let mut req = client.get(&url).header("x-api-key", &api_key).build()?;
    common::sign_shown(&signer, &mut req, b"")?;
    common::print_request("GET", &req);
    let (status, _, _) = common::send(&client, req).await?;
    expect(real, status == 200, "the signed GET is accepted")?;

    println!("== Wrong: content-type signed, then dropped before sending (as axios does on a GET)");
    let mut req = client
        .get(&url)
        .header("x-api-key", &api_key)
        .header("content-type", "application/json")
        .build()?;
    let local = common::sign_shown(&signer, &mut req, b"")?;
    req.headers_mut().remove("content-type");
    common::print_request("GET", &req);
    let (status, headers, body) = common::send(&client, req).await?;
    expect(
        real,
        status == 403,
        "the GET whose signed content-type was dropped is rejected",
    )?;
    let status = http::StatusCode::from_u16(status)?;
    let diagnosis = awssig::diagnose::diagnose(status, &headers, body.as_bytes(), &local);
    println!("== awssig::diagnose::diagnose says:\n{diagnosis}");
    expect(
        real,
        diagnosis
            .causes()
            .iter()
            .any(|c| c.to_string().contains("content-type")),
        "the diagnosis names content-type",
    )?;
    Ok(())
}
