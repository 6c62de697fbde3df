//! Stage ④ writer: the `Authorization` value, written into any [`Sink`].
//!
//! The sink is a `Vec`, a stack buffer, or a caller's fixed buffer: no strings are built.

use crate::sign::canonical::CanonicalHeaders;
use crate::sign::key::Signature;
use crate::sign::string_to_sign::{ALGORITHM, Scope};
use crate::sink::Sink;

/// Writes `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex`.
pub(crate) fn write_authorization<S: Sink + ?Sized>(
    sink: &mut S,
    access_key_id: &str,
    scope: &Scope<'_>,
    headers: &CanonicalHeaders<'_>,
    signature: &Signature,
) {
    sink.put(ALGORITHM.as_bytes());
    sink.put(b" Credential=");
    sink.put(access_key_id.as_bytes());
    sink.put(b"/");
    scope.write(sink);
    sink.put(b", SignedHeaders=");
    headers.write_signed(sink);
    sink.put(b", Signature=");
    sink.put(&signature.to_hex());
}
