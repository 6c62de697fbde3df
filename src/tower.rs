//! Tower layers (feature `tower`): [`SignLayer`] signs outgoing requests, [`VerifyLayer`] verifies incoming ones.
//!
//! [`SignLayer`] is a tower `Layer` that signs every outgoing `http::Request` (hyper-util clients, tonic,
//! anything built on `tower::Service`).
//!
//! The body is buffered up to a limit and hashed, so the signature covers it; a request that
//! already carries `x-amz-content-sha256` (a hash the caller computed) is signed with that value
//! and streamed unbuffered; [`BodySigning::Unsigned`] streams every body with `UNSIGNED-PAYLOAD`,
//! for services that accept it (S3 over HTTPS; not Lambda function URLs);
//! [`BodySigning::Chunked`] streams a body of known length as a signed S3 `aws-chunked`
//! upload, holding one chunk at a time.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
//! use awssig::tower::SignLayer;
//! use awssig::{Credentials, Signer};
//! use http_body_util::Full;
//! use hyper_util::client::legacy::Client;
//! use hyper_util::rt::TokioExecutor;
//! use tower::{Service, ServiceBuilder};
//!
//! let signer = Signer::new(Credentials::from_env()?, "us-east-1", "execute-api");
//! let client = Client::builder(TokioExecutor::new()).build_http();
//! let mut svc = ServiceBuilder::new().layer(SignLayer::new(signer)).service(client);
//! let req = http::Request::post("http://abc.execute-api.us-east-1.amazonaws.com/prod/items")
//!     .body(Full::new(bytes::Bytes::from_static(b"{}")))?;
//! let resp = svc.call(req).await?;
//! # Ok(()) }
//! ```
//! (`tower`, `hyper-util` and `tokio` in that snippet are the caller's own dependencies.)

use crate::prelude::*;

mod sign;
mod verify;

pub use sign::{BodySigning, SignLayer, SignService, SignedBody};
pub use verify::{
    StreamingVerifyLayer, StreamingVerifyService, VerifiedBody, VerifyLayer, VerifyService,
};

/// The boxed error the signing service returns: a [`SignError`](crate::SignError) when signing
/// fails, a [`ProviderError`](crate::ProviderError) when a provider has no credentials, the
/// body's error when reading it fails, or the inner service's error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The default body buffer: 10 MiB, API Gateway's payload limit.
pub const DEFAULT_BODY_LIMIT: usize = 10 * 1024 * 1024;

/// How long [`VerifyLayer`] waits by default for a request's whole body once its headers have
/// passed every check they can decide: 30 seconds, enough for the default 10 MiB at about
/// 3 Mbit/s. A body that is slower, or stalls, is answered 408.
pub const DEFAULT_BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);
