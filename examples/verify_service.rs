//! 8. A service that verifies incoming SigV4 requests: an axum app behind
//!    `awssig::tower::VerifyLayer`. Unsigned or badly signed requests get API Gateway's answers;
//!    handlers receive the verified identity.
//!
//! ```text
//! cargo run --example verify_service --features tower,reqwest,gateway
//! ```
//! It starts the app on 127.0.0.1, calls it with a signing client, an unsigned one and one that
//! tampers with the body, prints each exchange, and stops.

mod common;

use awssig::tower::VerifyLayer;
use awssig::{
    Verifier,
    provider::{CredentialsCache, ProvidedSigner},
    verify::Verified,
};
use axum::routing::{get, post};
use axum::{Extension, Router};
use common::{BoxError, expect};

async fn whoami(Extension(v): Extension<Verified>) -> String {
    format!(
        "hello {}, your request was signed for {}\n",
        v.access_key_id(),
        v.credential().scope()
    )
}

async fn create(Extension(v): Extension<Verified>, body: String) -> String {
    format!("{} created {} bytes\n", v.access_key_id(), body.len())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let verifier = Verifier::new(common::example_credentials(), "us-east-1", "execute-api");
    let app = Router::new()
        .route("/whoami", get(whoami))
        .route("/items", post(create))
        .layer(VerifyLayer::new(verifier));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}", listener.local_addr()?);
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    println!("service listening on {base}\n");

    let signer = ProvidedSigner::new(
        CredentialsCache::new(common::example_credentials()),
        "us-east-1",
        "execute-api",
    );
    let signing = reqwest_middleware::ClientBuilder::new(common::client())
        .with(awssig::reqwest::SigV4Middleware::new(signer))
        .build();
    let plain = common::client();

    println!("--> signed GET /whoami");
    let resp = signing.get(format!("{base}/whoami")).send().await?;
    let (status, text) = (resp.status().as_u16(), resp.text().await?);
    println!("<-- {status}\n    {text}");
    expect(
        false,
        status == 200 && text.contains("AKIDEXAMPLE"),
        "the handler saw the identity",
    )?;

    println!("--> signed POST /items");
    let resp = signing
        .post(format!("{base}/items"))
        .body("{\"name\":\"widget\"}")
        .send()
        .await?;
    let (status, text) = (resp.status().as_u16(), resp.text().await?);
    println!("<-- {status}\n    {text}");
    expect(false, status == 200, "the signed POST is accepted")?;

    println!("--> unsigned GET /whoami");
    let req = plain.get(format!("{base}/whoami")).build()?;
    let (status, _, _) = common::send(&plain, req).await?;
    expect(false, status == 403, "the unsigned request is rejected")?;

    println!("--> signed POST /items, body changed after signing");
    let signer = awssig::Signer::new(common::example_credentials(), "us-east-1", "execute-api");
    let mut req = plain
        .post(format!("{base}/items"))
        .body("{\"name\":\"widget\"}")
        .build()?;
    awssig::reqwest::sign(&signer, &mut req)?;
    *req.body_mut() = Some(reqwest::Body::from("{\"name\":\"gadget\"}"));
    let (status, _, _) = common::send(&plain, req).await?;
    expect(false, status == 403, "the tampered request is rejected")?;

    server.abort();
    Ok(())
}
