//! What the examples share: real-or-local mode, an HTTP client, and printing.
//!
//! Every example runs against a real endpoint when `AWSSIG_ENDPOINT` is set (with credentials
//! in `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` / `AWS_SESSION_TOKEN`), and otherwise against
//! the local gateway started in-process, so it runs offline.
#![allow(dead_code, unreachable_pub)]

use std::time::SystemTime;

use awssig::gateway::{Gateway, GatewayConfig, GatewayHandle};
use awssig::{Credentials, Explanation, Payload, SignableRequest, Signer, Verifier};

/// The AWS documentation's example key pair, used by the local gateway.
pub const AKID: &str = "AKIDEXAMPLE";
/// Its secret.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `AWSSIG_ENDPOINT`, if the example should talk to AWS.
pub fn real_endpoint() -> Option<String> {
    std::env::var("AWSSIG_ENDPOINT")
        .ok()
        .filter(|s| !s.is_empty())
}

/// The local gateway, verifying with `verifier`.
pub fn local_gateway(verifier: Verifier) -> Result<GatewayHandle, BoxError> {
    let gw = Gateway::spawn(GatewayConfig::new(verifier))?;
    println!(
        "(offline: local gateway on {}; set AWSSIG_ENDPOINT to use AWS)\n",
        gw.url()
    );
    Ok(gw)
}

/// Like [`local_gateway`], with a custom configuration.
pub fn local_gateway_with(config: GatewayConfig) -> Result<GatewayHandle, BoxError> {
    let gw = Gateway::spawn(config)?;
    println!(
        "(offline: local gateway on {}; set AWSSIG_ENDPOINT to use AWS)\n",
        gw.url()
    );
    Ok(gw)
}

/// The example key pair.
pub fn example_credentials() -> Credentials {
    Credentials::new(AKID, SECRET)
}

/// A reqwest client (rustls with the ring provider, for real HTTPS endpoints).
pub fn client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

/// Prints what is about to be sent: the request line and headers (session token redacted).
pub fn print_request(label: &str, req: &reqwest::Request) {
    println!("--> {label}: {} {}", req.method(), req.url());
    for (name, value) in req.headers() {
        let shown = if name == "x-amz-security-token" {
            "<redacted>".to_string()
        } else {
            String::from_utf8_lossy(value.as_bytes()).into_owned()
        };
        println!("    {name}: {shown}");
    }
}

/// Signs `req` (whose body is `body`) now, prints the canonical request and string to sign,
/// and returns them.
pub fn sign_shown(
    signer: &Signer,
    req: &mut reqwest::Request,
    body: &[u8],
) -> Result<Explanation, BoxError> {
    let now = SystemTime::now();
    let explained = {
        let mut view = SignableRequest::new(req.method().as_str(), req.url().as_str());
        for (name, value) in req.headers() {
            view.push_header(name.as_str(), value.as_bytes());
        }
        signer.explain_request_at(&view, Payload::Bytes(body), now)?
    };
    awssig::reqwest::sign_at(signer, req, now)?;
    println!("    signed for {}/{}", signer.region(), signer.service());
    println!(
        "    canonical request:\n      {}",
        explained.canonical_request().replace('\n', "\n      ")
    );
    println!(
        "    string to sign:\n      {}",
        explained.string_to_sign().replace('\n', "\n      ")
    );
    Ok(explained)
}

/// Sends `req`, prints the status and body, and returns them with the headers.
pub async fn send(
    client: &reqwest::Client,
    req: reqwest::Request,
) -> Result<(u16, http::HeaderMap, String), BoxError> {
    let resp = client.execute(req).await?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let error_type = resp
        .headers()
        .get("x-amzn-errortype")
        .map(|v| format!(" ({})", String::from_utf8_lossy(v.as_bytes())))
        .unwrap_or_default();
    let body = resp.text().await?;
    println!("<-- {status}{error_type}");
    println!("    {}\n", body.replace('\n', "\n    "));
    Ok((status, headers, body))
}

/// Fails the example (non-zero exit) when `cond` is false in offline mode, where the outcome is
/// known.
pub fn expect(real: bool, cond: bool, what: &str) -> Result<(), BoxError> {
    if !real && !cond {
        return Err(format!("unexpected outcome: {what}").into());
    }
    Ok(())
}
