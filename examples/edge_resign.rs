//! 6. Re-signing at the edge: a Lambda@Edge origin-request handler in front of a Lambda
//!    function URL (the CloudFront case).
//!
//! The event carries the request as CloudFront will forward it. Three things decide whether the
//! origin accepts the signature:
//! - the body arrives base64-encoded in the event: hash the decoded bytes that will be sent;
//! - `x-forwarded-for`, `via` and `cloudfront-*` are added or rewritten after the function
//!   runs: leave them out of the signature;
//! - the query string is separate from the URI: sign both (`uri?querystring`), never the query
//!   inside the path.
//!
//! This uses the lower-level `SignableRequest` entry, since the request is not an
//! `http::Request`.
//!
//! ```text
//! cargo run --example edge_resign --features reqwest,gateway
//! ```

mod common;

use std::time::SystemTime;

use awssig::{Payload, Settings, SignableRequest, Signer, Verifier};
use base64::Engine;
use common::{BoxError, expect};

/// An origin-request event in CloudFront's shape (headers as lists of {key, value}).
const EVENT: &str = r#"{
  "Records": [{"cf": {"request": {
    "method": "POST",
    "uri": "/orders/new",
    "querystring": "source=web&ref=a%2Bb",
    "headers": {
      "host": [{"key": "Host", "value": "abcdefgh.lambda-url.us-east-1.on.aws"}],
      "content-type": [{"key": "Content-Type", "value": "application/json"}],
      "x-forwarded-for": [{"key": "X-Forwarded-For", "value": "203.0.113.7"}],
      "via": [{"key": "Via", "value": "2.0 abc123.cloudfront.net (CloudFront)"}],
      "cloudfront-viewer-country": [{"key": "CloudFront-Viewer-Country", "value": "DE"}],
      "user-agent": [{"key": "User-Agent", "value": "Amazon CloudFront"}]
    },
    "body": {"inputTruncated": false, "action": "read-only", "encoding": "base64",
             "data": "eyJpdGVtIjoid2lkZ2V0IiwicXR5IjoyfQ=="}
  }}}]
}"#;

/// Headers CloudFront or the network adds or rewrites after the function returns.
fn rewritten_after_signing(name: &str) -> bool {
    matches!(name, "x-forwarded-for" | "via" | "x-amz-cf-id") || name.starts_with("cloudfront-")
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let event: serde_json::Value = serde_json::from_str(EVENT)?;
    let request = &event["Records"][0]["cf"]["request"];
    let method = request["method"].as_str().unwrap_or("GET");
    let uri = request["uri"].as_str().unwrap_or("/");
    let query = request["querystring"].as_str().unwrap_or("");
    let target = if query.is_empty() {
        uri.to_string()
    } else {
        format!("{uri}?{query}")
    };
    let body = match request["body"]["encoding"].as_str() {
        Some("base64") => base64::engine::general_purpose::STANDARD
            .decode(request["body"]["data"].as_str().unwrap_or(""))?,
        _ => request["body"]["data"]
            .as_str()
            .unwrap_or("")
            .as_bytes()
            .to_vec(),
    };
    println!(
        "decoded body ({} bytes): {}",
        body.len(),
        String::from_utf8_lossy(&body)
    );

    // (name, value) pairs as CloudFront will send them to the origin.
    let mut headers: Vec<(String, String)> = Vec::new();
    if let Some(map) = request["headers"].as_object() {
        for (name, values) in map {
            for v in values.as_array().into_iter().flatten() {
                headers.push((name.clone(), v["value"].as_str().unwrap_or("").to_string()));
            }
        }
    }
    let host = headers
        .iter()
        .find(|(n, _)| n == "host")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();

    let mut settings = Settings::lambda();
    for (name, _) in &headers {
        if rewritten_after_signing(name) {
            settings = settings.with_excluded_header(name);
        }
    }
    let credentials = match common::real_endpoint() {
        Some(_) => awssig::Credentials::from_env()?,
        None => common::example_credentials(),
    };
    let signer = Signer::for_url(credentials, &format!("https://{host}/"))?.with_settings(settings);

    let mut view = SignableRequest::new(method, &target);
    for (name, value) in &headers {
        view.push_header(name, value.as_bytes());
    }
    let now = SystemTime::now();
    let explained = signer.explain_request_at(&view, Payload::Bytes(&body), now)?;
    let out = signer.sign_request_at(&view, Payload::Bytes(&body), now)?;
    println!(
        "signed for {}/{}; signed headers: {}",
        signer.region(),
        signer.service(),
        explained.signed_headers()
    );
    println!(
        "canonical request:\n  {}\n",
        explained.canonical_request().replace('\n', "\n  ")
    );
    println!("headers the handler adds to the origin request:");
    let mut added = Vec::new();
    for (name, value) in out.headers() {
        let shown = if name == "x-amz-security-token" {
            "<redacted>"
        } else {
            value
        };
        println!("  {name}: {shown}");
        added.push((name.to_string(), value.to_string()));
    }
    println!();

    // Offline: play CloudFront forwarding to the origin (the local gateway as the function URL),
    // appending to x-forwarded-for on the way, as it does.
    if common::real_endpoint().is_some() {
        println!("(AWSSIG_ENDPOINT is set: the headers above are what a real handler returns)");
        return Ok(());
    }
    let gw = common::local_gateway(Verifier::new(
        common::example_credentials(),
        "us-east-1",
        "lambda",
    ))?;
    let client = common::client();
    let mut req = client.request(
        reqwest::Method::from_bytes(method.as_bytes())?,
        format!("{}{}", gw.url(), target),
    );
    for (name, value) in headers.iter().chain(added.iter()) {
        let value = if name == "x-forwarded-for" {
            format!("{value}, 198.51.100.20")
        } else {
            value.clone()
        };
        req = req.header(name.as_str(), value);
    }
    let req = req.body(body.clone()).build()?;
    common::print_request("origin request", &req);
    let (status, _, text) = common::send(&client, req).await?;
    expect(
        false,
        status == 200,
        "the re-signed origin request is accepted",
    )?;
    expect(
        false,
        !text.contains("x-forwarded-for"),
        "x-forwarded-for was not signed",
    )?;
    Ok(())
}
