//! Stage ②: the string to sign.
//!
//! ```text
//! AWS4-HMAC-SHA256 \n 20150830T123600Z \n 20150830/us-east-1/service/aws4_request \n hex(sha256(canonical request))
//! ```

use smallvec::SmallVec;

use crate::crypto;
use crate::sink::{self, Sink};
use crate::spec::{Algorithm, SCOPE_TERMINATOR};
use crate::time::AmzDate;

/// The credential scope: date, region (or region set) and service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Scope<'a> {
    pub(crate) date: &'a str,
    pub(crate) region: Region<'a>,
    pub(crate) service: &'a str,
}

/// What a scope is valid in: one region (SigV4), or a region set (SigV4a's `X-Amz-Region-Set`,
/// such as `us-east-1,us-west-2` or `*`). A region is part of the credential scope; a region
/// set is not (SigV4a's scope is `date/service/aws4_request`): it travels in its own signed
/// header or query parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Region<'a> {
    /// One region, `us-east-1`.
    One(&'a str),
    /// A region set, comma-separated.
    Set(&'a str),
}

impl<'a> Region<'a> {
    /// The region, or the set as written.
    #[inline]
    pub(crate) fn as_str(&self) -> &'a str {
        match *self {
            Region::One(r) | Region::Set(r) => r,
        }
    }
}

impl Scope<'_> {
    /// `20150830/us-east-1/service/aws4_request`, or `20150830/service/aws4_request` for a
    /// region set.
    pub(crate) fn write<S: Sink + ?Sized>(&self, sink: &mut S) {
        sink.put(self.date.as_bytes());
        sink.put(b"/");
        if let Region::One(region) = self.region {
            sink.put(region.as_bytes());
            sink.put(b"/");
        }
        sink.put(self.service.as_bytes());
        sink.put(b"/");
        sink.put(SCOPE_TERMINATOR.as_bytes());
    }
}

/// The string to sign, in a buffer that stays on the stack for usual region and service names.
pub(crate) type StringToSign = SmallVec<[u8; 256]>;

/// Writes the string to sign for the date, the scope (as
/// [`Scope::write`] writes it) and the canonical request's digest.
pub(crate) fn write_string_to_sign<S: Sink + ?Sized>(
    sink: &mut S,
    algorithm: Algorithm,
    date: &AmzDate,
    scope: &[u8],
    creq_digest: &[u8; 32],
) {
    sink.put(algorithm.as_str().as_bytes());
    sink.put(b"\n");
    sink.put(date.bytes());
    sink.put(b"\n");
    sink.put(scope);
    sink.put(b"\n");
    sink.put(&sink::hex32(creq_digest));
}

/// The string to sign of one day's scope, laid out once for hashing: each signature copies it
/// and writes its `X-Amz-Date` and canonical-request digest into their places.
#[derive(Clone)]
pub(crate) struct Template {
    padded: crypto::Padded,
    /// Where the `X-Amz-Date` starts: after the algorithm line.
    date_at: usize,
    hex_at: usize,
}

impl Template {
    /// The template for `scope` (as [`Scope::write`] writes it), or `None` when the scope is
    /// too long to be laid out (the signer then streams the string to sign instead).
    pub(crate) fn new(algorithm: Algorithm, scope: &[u8]) -> Option<Self> {
        let mut message = StringToSign::new();
        write_string_to_sign(&mut message, algorithm, &AmzDate::EPOCH, scope, &[0; 32]);
        Some(Self {
            padded: crypto::Padded::new(&message)?,
            date_at: algorithm.as_str().len() + 1,
            hex_at: message.len() - 64,
        })
    }

    /// The string to sign for `date` (on the template's day) and the canonical request's
    /// digest.
    #[inline]
    pub(crate) fn fill(&self, date: &AmzDate, creq_digest: &[u8; 32]) -> crypto::Padded {
        let mut p = self.padded.clone();
        let m = p.message_mut();
        m[self.date_at..self.date_at + 16].copy_from_slice(date.bytes());
        m[self.hex_at..self.hex_at + 64].copy_from_slice(&sink::hex32(creq_digest));
        p
    }
}

/// Builds the string to sign from the algorithm, the date, the scope and the canonical
/// request's digest.
pub(crate) fn string_to_sign(
    algorithm: Algorithm,
    date: &AmzDate,
    scope: &Scope<'_>,
    creq_digest: &[u8; 32],
) -> StringToSign {
    let mut scope_bytes = StringToSign::new();
    scope.write(&mut scope_bytes);
    let mut s = StringToSign::new();
    write_string_to_sign(&mut s, algorithm, date, &scope_bytes, creq_digest);
    s
}
