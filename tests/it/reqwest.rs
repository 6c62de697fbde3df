//! `awssig::reqwest` (reqwest 0.13) over real loopback HTTP: a request signed in place, a
//! streamed aws-chunked upload and the `reqwest-middleware` middleware, all accepted by the
//! local gateway.

use ::reqwest;
use ::reqwest_middleware;
use awssig::reqwest as adapter;

#[allow(
    clippy::duplicate_mod,
    reason = "one file, compiled once per reqwest major"
)]
#[path = "reqwest/cases.rs"]
mod cases;
