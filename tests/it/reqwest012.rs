//! `awssig::reqwest012` (reqwest 0.12, reqwest-middleware 0.4): the same tests as
//! `awssig::reqwest`'s, on the older major.

use ::reqwest_middleware04 as reqwest_middleware;
use ::reqwest012 as reqwest;
use awssig::reqwest012 as adapter;

#[allow(
    clippy::duplicate_mod,
    reason = "one file, compiled once per reqwest major"
)]
#[path = "reqwest/cases.rs"]
mod cases;
