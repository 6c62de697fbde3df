//! The aws-lc-rs backend (features `aws-lc` and `fips`): SHA-256, HMAC-SHA256 and the
//! constant-time compare through AWS-LC, its FIPS 140-3 module with `fips`.
//!
//! AWS-LC keeps an HMAC key as its two pad states (`HMAC_CTX` after `HMAC_Init_ex`), so
//! [`MacKey::new`] does the per-key work once, as the RustCrypto backend does; a MAC clones that
//! context (`HMAC_CTX_copy_ex`). AWS-LC zeroes an `HMAC_CTX` when it is freed
//! (`HMAC_CTX_cleanup`: "zeroises ctx"), so a dropped [`MacKey`] leaves no key behind.
//!
//! The hash's blocks are AWS-LC's own: there is no midstate fast path here. [`Padded`] keeps
//! the plain message, and a MAC of it is one `HMAC_Update` + `HMAC_Final`.
//!
//! Each call into AWS-LC crosses the FFI boundary, which costs more than the small pieces the
//! stages write (`\n`, a header name): [`Hasher`] gathers them in a buffer of [`GATHER`] bytes
//! and hands AWS-LC whole runs of them.

use aws_lc_rs::{constant_time, digest, hmac};

/// How many bytes [`Hasher`] gathers before it calls into AWS-LC.
const GATHER: usize = 256;

/// Where a [`Hasher`]'s bytes go: a plain SHA-256, or the inner hash of an HMAC (AWS-LC
/// streams an HMAC through its own context, not through a digest context).
#[derive(Clone)]
enum Stream {
    Digest(digest::Context),
    Mac(hmac::Context),
}

/// A streaming SHA-256 (or, from [`MacKey::start`], the message of an HMAC).
#[derive(Clone)]
pub(crate) struct Hasher {
    stream: Stream,
    buf: [u8; GATHER],
    len: usize,
}

impl Hasher {
    pub(crate) fn new() -> Self {
        Self::over(Stream::Digest(digest::Context::new(&digest::SHA256)))
    }

    fn over(stream: Stream) -> Self {
        Self {
            stream,
            buf: [0; GATHER],
            len: 0,
        }
    }

    #[inline]
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        if bytes.len() <= GATHER - self.len {
            self.buf[self.len..self.len + bytes.len()].copy_from_slice(bytes);
            self.len += bytes.len();
            return;
        }
        self.flush();
        if bytes.len() >= GATHER {
            self.feed(bytes);
        } else {
            self.buf[..bytes.len()].copy_from_slice(bytes);
            self.len = bytes.len();
        }
    }

    fn flush(&mut self) {
        let len = core::mem::take(&mut self.len);
        if len > 0 {
            let buf = self.buf;
            self.feed(&buf[..len]);
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        match &mut self.stream {
            Stream::Digest(ctx) => ctx.update(bytes),
            Stream::Mac(ctx) => ctx.update(bytes),
        }
    }

    pub(crate) fn finish(mut self) -> [u8; 32] {
        self.flush();
        match self.stream {
            Stream::Digest(ctx) => to32(ctx.finish().as_ref()),
            Stream::Mac(ctx) => to32(ctx.sign().as_ref()),
        }
    }

    /// [`Hasher::finish`] into `out`, without moving the hasher. AWS-LC finishes a context by
    /// value, so the context is taken out and a fresh SHA-256 one left behind; the hasher is
    /// spent all the same (the crate never uses it again).
    pub(crate) fn finish_in_place(&mut self, out: &mut [u8; 32]) {
        self.flush();
        let fresh = Stream::Digest(digest::Context::new(&digest::SHA256));
        *out = match core::mem::replace(&mut self.stream, fresh) {
            Stream::Digest(ctx) => to32(ctx.finish().as_ref()),
            Stream::Mac(ctx) => to32(ctx.sign().as_ref()),
        };
    }
}

/// The 32 bytes of a SHA-256 digest or HMAC-SHA256 tag.
fn to32(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0; 32];
    out.copy_from_slice(bytes);
    out
}

/// SHA-256 of one slice.
pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    to32(digest::digest(&digest::SHA256, bytes).as_ref())
}

/// HMAC-SHA256 of the concatenated `parts` under `key` (any length).
pub(crate) fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let key = hmac::Key::new(hmac::HMAC_SHA256, key);
    let mut ctx = hmac::Context::with_key(&key);
    for part in parts {
        ctx.update(part);
    }
    to32(ctx.sign().as_ref())
}

/// An HMAC-SHA256 key with its pad states computed once (AWS-LC's `HMAC_CTX`).
#[derive(Clone)]
pub(crate) struct MacKey {
    key: hmac::Key,
}

impl MacKey {
    pub(crate) fn new(key: &[u8]) -> Self {
        Self {
            key: hmac::Key::new(hmac::HMAC_SHA256, key),
        }
    }

    pub(crate) fn start(&self) -> Hasher {
        Hasher::over(Stream::Mac(hmac::Context::with_key(&self.key)))
    }

    /// The MAC of the message streamed into `inner`, which [`MacKey::start`] made from this key.
    /// (The HMAC context in `inner` already holds this key: AWS-LC finishes the MAC itself.
    /// The crate's callers only finish what `start` made; a plain hasher here is a bug.)
    pub(crate) fn finish(&self, inner: Hasher) -> [u8; 32] {
        debug_assert!(
            matches!(inner.stream, Stream::Mac(_)),
            "MacKey::finish takes what MacKey::start made"
        );
        inner.finish()
    }

    pub(crate) fn mac(&self, message: &[u8]) -> [u8; 32] {
        to32(hmac::sign(&self.key, message).as_ref())
    }

    pub(crate) fn mac_padded(&self, message: &Padded) -> [u8; 32] {
        self.mac(message.message())
    }
}

/// The longest message [`Padded`] holds: a SigV4 string to sign (algorithm, date, scope and
/// the canonical request's hash) is well under it; a longer one is streamed instead.
const PADDED_MAX: usize = 256;

/// A fixed-length message, MACed many times with bytes rewritten in place. AWS-LC hashes whole
/// messages, so this is the plain message.
#[derive(Clone)]
pub(crate) struct Padded {
    bytes: [u8; PADDED_MAX],
    len: usize,
}

impl Padded {
    pub(crate) fn new(message: &[u8]) -> Option<Self> {
        let mut bytes = [0; PADDED_MAX];
        bytes.get_mut(..message.len())?.copy_from_slice(message);
        Some(Self {
            bytes,
            len: message.len(),
        })
    }

    pub(crate) fn message_mut(&mut self) -> &mut [u8] {
        &mut self.bytes[..self.len]
    }

    fn message(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// Constant-time comparison through AWS-LC (`CRYPTO_memcmp`); only the lengths are compared in
/// variable time.
pub(crate) fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    constant_time::verify_slices_are_equal(a, b).is_ok()
}
