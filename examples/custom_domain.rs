//! 3. A custom domain name in front of API Gateway.
//!
//! The host name says nothing about region or service, so `Signer::for_url` refuses it and the
//! signer is built with both given explicitly. Sign the custom domain and the full path the
//! client sends (base-path mapping included): that is what API Gateway verifies. Signing the
//! API's own `{id}.execute-api...` host instead fails, and `diagnose` says why.
//!
//! ```text
//! cargo run --example custom_domain --features reqwest,gateway            # offline
//! AWSSIG_ENDPOINT=https://api.example.com/v1/items AWS_REGION=eu-west-1 \
//!   cargo run --example custom_domain --features reqwest,gateway
//! ```

mod common;

use awssig::{Credentials, Signer, Verifier};
use common::{BoxError, expect};

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let real = common::real_endpoint();
    let mut _gateway = None;
    // (URL to connect to, Host header to send and sign when it differs from the URL's host)
    let (url, host, credentials, region) = match &real {
        Some(url) => (
            url.clone(),
            None,
            Credentials::from_env()?,
            std::env::var("AWS_REGION").unwrap_or_else(|_| "us-east-1".into()),
        ),
        None => {
            let gw = common::local_gateway(Verifier::new(
                common::example_credentials(),
                "us-east-1",
                "execute-api",
            ))?;
            // The gateway plays api.example.com: connect to it, send that host name.
            let url = format!("{}/v1/items", gw.url());
            _gateway = Some(gw);
            (
                url,
                Some("api.example.com"),
                common::example_credentials(),
                "us-east-1".to_string(),
            )
        }
    };
    let real = real.is_some();

    let shown_host = host.map_or_else(|| url.clone(), |h| format!("https://{h}/v1/items"));
    match Signer::for_url(credentials.clone(), &shown_host) {
        Ok(_) => println!("(unexpected: inferred a scope for {shown_host})"),
        Err(e) => println!("Signer::for_url refuses a custom domain:\n    {e}\n"),
    }
    let signer = Signer::new(credentials, region, "execute-api");
    let client = common::client();

    println!("== Right: sign the custom domain the client sends");
    let mut req = client.get(&url);
    if let Some(h) = host {
        req = req.header("host", h);
    }
    let mut req = req.build()?;
    common::sign_shown(&signer, &mut req, b"")?;
    common::print_request("GET", &req);
    let (status, _, _) = common::send(&client, req).await?;
    expect(real, status == 200, "signing the custom domain is accepted")?;

    if !real {
        println!("== Wrong: sign the API's execute-api host, send the custom domain");
        let mut req = client
            .get(&url)
            .header("host", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com")
            .build()?;
        let local = common::sign_shown(&signer, &mut req, b"")?;
        req.headers_mut()
            .insert("host", http::HeaderValue::from_static("api.example.com"));
        let (status, headers, body) = common::send(&client, req).await?;
        let d = awssig::diagnose::diagnose(
            http::StatusCode::from_u16(status)?,
            &headers,
            body.as_bytes(),
            &local,
        );
        println!("== awssig::diagnose::diagnose says:\n{d}");
        expect(
            false,
            status == 403 && d.to_string().contains("host"),
            "the host mismatch is named",
        )?;
    }
    Ok(())
}
