//! 7. S3 presigned URLs: a GET to download and a PUT to upload, usable by anyone holding the URL
//!    until it expires (and, with temporary credentials, no longer than the session).
//!
//! S3 signs the path as sent (encoded once, `%20` stays `%20`), does not normalise it, and
//! presigned URLs carry `UNSIGNED-PAYLOAD`: `Signer::for_url` picks those rules from the host.
//!
//! ```text
//! cargo run --example s3_presign --features reqwest,gateway                # offline
//! AWSSIG_ENDPOINT="https://{bucket}.s3.{region}.amazonaws.com/reports/2024%20Q1.csv" \
//!   cargo run --example s3_presign --features reqwest,gateway
//! ```

mod common;

use std::time::{Duration, SystemTime};

use awssig::{Credentials, Settings, Signer, Verifier};
use common::{BoxError, expect};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let real = common::real_endpoint();
    let mut _gateway = None;
    let (url, signer) = match &real {
        Some(url) => (url.clone(), Signer::for_url(Credentials::from_env()?, url)?),
        None => {
            let verifier = Verifier::new(common::example_credentials(), "us-west-2", "s3")
                .with_settings(Settings::s3());
            let gw = common::local_gateway(verifier)?;
            let url = format!("{}/reports/2024%20Q1.csv", gw.url());
            _gateway = Some(gw);
            (
                url,
                Signer::new(common::example_credentials(), "us-west-2", "s3")
                    .with_settings(Settings::s3()),
            )
        }
    };
    let real = real.is_some();
    let client = common::client();
    let expires = Duration::from_secs(300);
    let now = SystemTime::now();

    println!("== Upload with a presigned PUT");
    let put = signer.presign_at(&http::Request::put(url.as_str()).body(())?, expires, now)?;
    println!("PUT URL (valid {} s):\n  {put}", expires.as_secs());
    let req = client
        .put(put.to_string())
        .body("quarter,revenue\nQ1,1000\n")
        .build()?;
    common::print_request("PUT", &req);
    let (status, _, _) = common::send(&client, req).await?;
    expect(real, status == 200, "the presigned PUT is accepted")?;

    println!("== Download with a presigned GET");
    let get = signer.presign_at(&http::Request::get(url.as_str()).body(())?, expires, now)?;
    println!("GET URL (valid {} s):\n  {get}", expires.as_secs());
    let req = client.get(get.to_string()).build()?;
    common::print_request("GET", &req);
    let (status, _, body) = common::send(&client, req).await?;
    expect(real, status == 200, "the presigned GET is accepted")?;
    expect(
        real,
        body.contains("UNSIGNED-PAYLOAD") || body.contains("presigned"),
        "the gateway saw a presigned request",
    )?;
    Ok(())
}
