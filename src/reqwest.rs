//! Signing for [`reqwest`] 0.13 (feature `reqwest`; for reqwest 0.12, feature `reqwest-012` and
//! [`crate::reqwest012`]): a built [`reqwest::Request`] in place, or every request through
//! [`SigV4Middleware`] (`reqwest-middleware` 0.5).
//!
//! [`SigV4Middleware`] goes into a `reqwest-middleware` client.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use awssig::{Credentials, Signer};
//! let signer = Signer::new(Credentials::from_env()?, "us-east-1", "execute-api");
//! let client = reqwest::Client::new();
//! let mut req = client
//!     .get("https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?limit=10")
//!     .header("x-api-key", "my-key")
//!     .build()?;
//! awssig::reqwest::sign(&signer, &mut req)?;
//! let resp = client.execute(req).await?;
//! # Ok(()) }
//! ```
//!
//! The URL is signed as `reqwest` will send it (its `url` crate has already percent-encoded the
//! path and query). A body must be in memory to be hashed; for a streamed body, set
//! `x-amz-content-sha256` yourself (a precomputed hash, or `UNSIGNED-PAYLOAD` where the service
//! accepts it).

// The extern crates, as the shared adapter sees them (`super::reqwest`).
use ::reqwest;
use ::reqwest_middleware;

#[allow(
    clippy::duplicate_mod,
    reason = "one file, compiled once per reqwest major"
)]
mod adapter;
pub use adapter::*;
