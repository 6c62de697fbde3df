//! The integration tests, one binary: each module is one area of the crate, tested through its
//! public API only. `tests/alloc.rs` is the other test binary (it installs a counting global
//! allocator, which would count every test here too). Modules that need a library feature, or
//! the outside servers of `interop`, compile only with it.
#![allow(clippy::unwrap_used)] // tests and their helpers fail loudly by design

mod common;

mod chunked;

#[cfg(all(feature = "aws-config", feature = "gateway"))]
mod aws_config;
#[cfg(feature = "interop")]
mod botocore;
#[cfg(all(feature = "interop", feature = "s3"))]
mod browser;
#[cfg(all(feature = "interop", feature = "tower"))]
mod clients;
mod diagnose;
#[cfg(feature = "gateway")]
mod diagnose_gateway;
mod endpoint;
mod errors;
mod event_stream;
#[cfg(feature = "gateway")]
mod gateway;
mod hot_path;
#[cfg(feature = "http02")]
mod http02;
mod http_layer;
#[cfg(feature = "interop")]
mod moto;
#[cfg(feature = "s3")]
mod post_policy;
mod properties;
mod provider;
mod proxies;
mod redaction;
#[cfg(all(feature = "reqwest", feature = "gateway"))]
mod reqwest;
#[cfg(all(feature = "reqwest-012", feature = "gateway"))]
mod reqwest012;
mod roundtrip;
#[cfg(feature = "interop")]
mod s3s_fs;
mod sigv4a;
mod suite;
mod surface;
#[cfg(all(feature = "tower", feature = "gateway"))]
mod tower;
#[cfg(feature = "tracing")]
mod tracing;
mod vectors;
mod verifier;
