//! 4. A private API Gateway API reached through an interface VPC endpoint.
//!
//! Connect to the endpoint's DNS name and tell API Gateway which API you mean, in one of two
//! ways; either way, sign exactly the headers that are sent:
//! - `Host: {api-id}.execute-api.{region}.amazonaws.com` (sign that host, not the VPCE name);
//! - `x-apigw-api-id: {api-id}` with the VPCE name as host (both are signed).
//!
//! Both host names imply region and service, so `Signer::for_url` works on either.
//!
//! ```text
//! cargo run --example private_api_vpce --features reqwest,gateway         # offline
//! AWSSIG_ENDPOINT=https://vpce-0123456789abcdef0-abcd1234.execute-api.us-east-1.vpce.amazonaws.com/prod/ \
//!   AWSSIG_API_ID=a1b2c3d4e5 cargo run --example private_api_vpce --features reqwest,gateway  # inside the VPC
//! ```

mod common;

use awssig::{Credentials, Signer, Verifier};
use common::{BoxError, expect};

const VPCE_HOST: &str = "vpce-0123456789abcdef0-abcd1234.execute-api.us-east-1.vpce.amazonaws.com";

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let real = common::real_endpoint();
    let mut _gateway = None;
    let api_id = std::env::var("AWSSIG_API_ID").unwrap_or_else(|_| "a1b2c3d4e5".into());
    // (URL to connect to, VPCE host name when the URL is the local stand-in, credentials)
    let (url, vpce_host, credentials) = match &real {
        Some(url) => (url.clone(), None, Credentials::from_env()?),
        None => {
            let gw = common::local_gateway(Verifier::new(
                common::example_credentials(),
                "us-east-1",
                "execute-api",
            ))?;
            let url = format!("{}/prod/inventory", gw.url());
            _gateway = Some(gw);
            (url, Some(VPCE_HOST), common::example_credentials())
        }
    };
    let real = real.is_some();
    let region = match vpce_host {
        Some(_) => "us-east-1".to_string(),
        None => awssig::endpoint::infer_scope(
            reqwest::Url::parse(&url)?.host_str().unwrap_or_default(),
        )?
        .region()
        .to_string(),
    };
    let client = common::client();
    let api_host = format!("{api_id}.execute-api.{region}.amazonaws.com");

    println!("== Host header names the API");
    let signer = Signer::for_url(credentials.clone(), &format!("https://{api_host}/"))?;
    let mut req = client.get(&url).header("host", &api_host).build()?;
    common::sign_shown(&signer, &mut req, b"")?;
    common::print_request("GET", &req);
    let (status, _, _) = common::send(&client, req).await?;
    expect(real, status == 200, "the Host-header variant is accepted")?;

    println!("== x-apigw-api-id names the API; the host is the VPC endpoint's");
    let endpoint_host = vpce_host.map(str::to_string);
    let signer = Signer::for_url(
        credentials,
        &format!(
            "https://{}/",
            endpoint_host
                .clone()
                .unwrap_or_else(|| reqwest::Url::parse(&url)
                    .map(|u| u.host_str().unwrap_or_default().to_string())
                    .unwrap_or_default())
        ),
    )?;
    let mut req = client.get(&url).header("x-apigw-api-id", &api_id);
    if let Some(h) = &endpoint_host {
        req = req.header("host", h);
    }
    let mut req = req.build()?;
    common::sign_shown(&signer, &mut req, b"")?;
    common::print_request("GET", &req);
    let (status, _, body) = common::send(&client, req).await?;
    expect(
        real,
        status == 200 && body.contains("x-apigw-api-id"),
        "the x-apigw-api-id variant is accepted, header signed",
    )?;
    Ok(())
}
