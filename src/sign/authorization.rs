//! Stage ④: the only writer of a signature's wire form, the `Authorization` value and a presigned URL's `X-Amz-*` parameters, into any [`Sink`].
//!
//! The sink is a `Vec`, a stack buffer, or a caller's fixed buffer: no strings are built. The
//! signer's fast path writes the value in two pieces (the day's prefix, cached with the day's
//! key, then the rest); the readable path writes it whole. Both go through the functions here.

use crate::sign::canonical::CanonicalHeaders;
use crate::sign::encode::{self, EncodeSink};
use crate::sign::key::Signature;
use crate::sign::string_to_sign::{Region, Scope};
use crate::sink::{Decimal, Sink};
use crate::spec::{Algorithm, SCOPE_TERMINATOR, param};
use crate::time::AmzDate;

/// Writes `AWS4-HMAC-SHA256 Credential=AKID/` + the scope `write_scope` writes +
/// `, SignedHeaders=`: the part of the value that stays the same all day.
#[inline]
fn put_prefix<S: Sink + ?Sized>(
    sink: &mut S,
    algorithm: Algorithm,
    access_key_id: &str,
    write_scope: impl FnOnce(&mut S),
) {
    sink.put(algorithm.as_str().as_bytes());
    sink.put(b" Credential=");
    sink.put(access_key_id.as_bytes());
    sink.put(b"/");
    write_scope(sink);
    sink.put(b", SignedHeaders=");
}

/// Writes the day's prefix of the value, `AWS4-HMAC-SHA256 Credential=AKID/scope,
/// SignedHeaders=`, for a scope already written out (as [`Scope::write`] writes it).
pub(crate) fn write_authorization_prefix<S: Sink + ?Sized>(
    sink: &mut S,
    algorithm: Algorithm,
    access_key_id: &str,
    scope: &[u8],
) {
    put_prefix(sink, algorithm, access_key_id, |s| s.put(scope));
}

/// Writes what follows the day's prefix: `a;b, Signature=hex`.
#[inline]
pub(crate) fn write_authorization_rest<S: Sink + ?Sized>(
    sink: &mut S,
    headers: &CanonicalHeaders<'_>,
    signature: &Signature,
) {
    headers.write_signed(sink);
    sink.put(b", Signature=");
    signature.write_hex(sink);
}

/// Writes `AWS4-HMAC-SHA256 Credential=AKID/scope, SignedHeaders=a;b, Signature=hex`.
pub(crate) fn write_authorization<S: Sink + ?Sized>(
    sink: &mut S,
    algorithm: Algorithm,
    access_key_id: &str,
    scope: &Scope<'_>,
    headers: &CanonicalHeaders<'_>,
    signature: &Signature,
) {
    put_prefix(sink, algorithm, access_key_id, |s| scope.write(s));
    write_authorization_rest(sink, headers, signature);
}

/// Writes `name=` (after a `&` unless it is the first parameter).
fn put_param<S: Sink + ?Sized>(sink: &mut S, name: &str, first: bool) {
    if !first {
        sink.put(b"&");
    }
    sink.put(name.as_bytes());
    sink.put(b"=");
}

/// What a presigned URL's `X-Amz-*` parameters say, but the signature.
pub(crate) struct PresignParams<'p, 'a> {
    pub(crate) algorithm: Algorithm,
    pub(crate) access_key_id: &'p str,
    pub(crate) scope: &'p Scope<'a>,
    pub(crate) date: &'p AmzDate,
    pub(crate) expires: u64,
    pub(crate) headers: &'p CanonicalHeaders<'a>,
    /// The session token, percent-encoded, when it is signed (it is then one of the
    /// parameters); an unsigned one follows the signature ([`write_presign_signature`]).
    pub(crate) signed_token: Option<&'p [u8]>,
}

/// Writes `X-Amz-Algorithm=...&X-Amz-Credential=...&X-Amz-Date=...&X-Amz-Expires=...
/// &X-Amz-SignedHeaders=...` (and `&X-Amz-Security-Token=...` for a signed token), each value
/// percent-encoded: the canonical query and the URL are both made of these bytes.
pub(crate) fn write_presign_params<S: Sink + ?Sized>(p: &mut S, params: &PresignParams<'_, '_>) {
    let scope = params.scope;
    put_param(p, param::ALGORITHM, true);
    p.put(params.algorithm.as_str().as_bytes());
    put_param(p, param::CREDENTIAL, false);
    encode::encode_into(p, params.access_key_id.as_bytes(), false);
    // Scope names are checked to be unreserved bytes before signing; a region set is not part
    // of the scope.
    let region = match scope.region {
        Region::One(r) => Some(r),
        Region::Set(_) => None,
    };
    for part in [
        Some(scope.date),
        region,
        Some(scope.service),
        Some(SCOPE_TERMINATOR),
    ]
    .into_iter()
    .flatten()
    {
        p.put(b"%2F");
        p.put(part.as_bytes());
    }
    put_param(p, param::DATE, false);
    p.put(params.date.bytes());
    put_param(p, param::EXPIRES, false);
    p.put(Decimal::new(params.expires).as_bytes());
    // SigV4a: the region set, after the lifetime as aws-c-auth and aws-sigv4 write it (its
    // commas and `*` percent-encoded).
    if let Region::Set(set) = scope.region {
        put_param(p, param::REGION_SET, false);
        encode::encode_into(p, set.as_bytes(), false);
    }
    put_param(p, param::SIGNED_HEADERS, false);
    params.headers.write_signed(&mut EncodeSink(p));
    if let Some(token) = params.signed_token {
        put_param(p, param::SECURITY_TOKEN, false);
        p.put(token);
    }
}

/// Writes `&X-Amz-Signature=hex`, then `&X-Amz-Security-Token=...` for a token that is sent
/// but not signed (percent-encoded).
pub(crate) fn write_presign_signature<S: Sink + ?Sized>(
    out: &mut S,
    signature: &Signature,
    unsigned_token: Option<&[u8]>,
) {
    put_param(out, param::SIGNATURE, false);
    signature.write_hex(out);
    if let Some(token) = unsigned_token {
        put_param(out, param::SECURITY_TOKEN, false);
        out.put(token);
    }
}
