//! 2. API Gateway POST with a JSON body, signed with temporary credentials (an STS session:
//!    key id, secret and session token, valid until an expiry).
//!
//! A `ProvidedSigner` reads the credentials through a `CredentialsCache`: it fetches new ones
//! before they expire, never signs with expired ones, and always pairs a key with the token of
//! its own generation. Forgetting the token gives "The security token included in the request
//! is invalid."
//!
//! ```text
//! cargo run --example apigw_post_session_token --features reqwest,gateway  # offline
//! AWSSIG_ENDPOINT=https://{api-id}.execute-api.{region}.amazonaws.com/{stage}/items \
//!   AWS_ACCESS_KEY_ID=ASIA... AWS_SECRET_ACCESS_KEY=... AWS_SESSION_TOKEN=... \
//!   cargo run --example apigw_post_session_token --features reqwest,gateway
//! ```

mod common;

use std::time::{Duration, SystemTime};

use awssig::{
    Credentials, Signer, Verifier,
    provider::{CredentialsCache, EnvironmentProvider, ProvidedSigner, provider_fn},
};
use common::{BoxError, expect};

const TOKEN: &str = "IQoJb3JpZ2luX2VjEXAMPLETOKEN//////////wEaCXVzLWVhc3QtMSJHMEUCIQExample";

fn session() -> Credentials {
    Credentials::new(
        "ASIAEXAMPLEEXAMPLE",
        "tempSecretEXAMPLEKEYwJalrXUtnFEMI/K7MDENG",
    )
    .with_session_token(TOKEN)
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let real = common::real_endpoint();
    let mut _gateway = None;
    let (url, signer) = match &real {
        Some(url) => (
            url.clone(),
            ProvidedSigner::for_url(CredentialsCache::new(EnvironmentProvider), url)?,
        ),
        None => {
            let gw = common::local_gateway(Verifier::new(session(), "us-east-1", "execute-api"))?;
            let url = format!("{}/prod/orders", gw.url());
            _gateway = Some(gw);
            // Stands in for an STS AssumeRole call: one-hour credentials.
            let provider = provider_fn(|| {
                Ok(session().with_expiry(SystemTime::now() + Duration::from_secs(3600)))
            });
            (
                url,
                ProvidedSigner::new(CredentialsCache::new(provider), "us-east-1", "execute-api"),
            )
        }
    };
    let real = real.is_some();
    let client = common::client();
    let body = br#"{"item":"widget","quantity":3}"#;

    println!("== POST with the session token (signed as x-amz-security-token)");
    let signer_now: std::sync::Arc<Signer> = signer.signer_async_at(SystemTime::now()).await?;
    let mut req = client
        .post(&url)
        .header("content-type", "application/json")
        .body(body.to_vec())
        .build()?;
    common::sign_shown(&signer_now, &mut req, body)?;
    common::print_request("POST", &req);
    let (status, _, _) = common::send(&client, req).await?;
    expect(
        real,
        status == 200,
        "the POST with a session token is accepted",
    )?;

    if !real {
        println!("== The same key without its token");
        let tokenless = Signer::new(
            Credentials::new(
                "ASIAEXAMPLEEXAMPLE",
                "tempSecretEXAMPLEKEYwJalrXUtnFEMI/K7MDENG",
            ),
            "us-east-1",
            "execute-api",
        );
        let mut req = client
            .post(&url)
            .header("content-type", "application/json")
            .body(body.to_vec())
            .build()?;
        common::sign_shown(&tokenless, &mut req, body)?;
        let (status, _, text) = common::send(&client, req).await?;
        expect(
            false,
            status == 403 && text.contains("security token included in the request is invalid"),
            "a missing token is rejected as an invalid security token",
        )?;
    }
    Ok(())
}
