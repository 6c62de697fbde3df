//! Signing for reqwest 0.12 (feature `reqwest-012`), with `reqwest-middleware` 0.4: the same
//! functions and middleware as [`crate::reqwest`] (reqwest 0.13), for the many services still
//! on reqwest 0.12. Pick the module that matches the reqwest your client is built with; a
//! `reqwest::Request` of one major is a different type to the other (`E0308`).
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! # use reqwest012 as reqwest; // in your code: reqwest 0.12 under its own name
//! use awssig::{Credentials, Signer};
//! let signer = Signer::new(Credentials::from_env()?, "us-east-1", "execute-api");
//! let client = reqwest::Client::new();
//! let mut req = client
//!     .get("https://abc123.execute-api.us-east-1.amazonaws.com/prod/items")
//!     .build()?;
//! awssig::reqwest012::sign(&signer, &mut req)?;
//! let resp = client.execute(req).await?;
//! # Ok(()) }
//! ```

// The extern crates under the names the shared adapter uses (`super::reqwest`).
use ::reqwest_middleware04 as reqwest_middleware;
use ::reqwest012 as reqwest;

#[allow(
    clippy::duplicate_mod,
    reason = "one file, compiled once per reqwest major"
)]
#[path = "reqwest/adapter.rs"]
mod adapter;
pub use adapter::*;
