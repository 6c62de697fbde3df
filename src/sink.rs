//! Where canonical bytes go: the [`Sink`] trait, the buffers that implement it, and hex.
//!
//! Stages write through a `Sink`, so the same byte-exact writers fill a `Vec<u8>`
//! (for [`Explanation`](crate::Explanation) and tests), a stack buffer or a caller's slice, and
//! feed SHA-256 directly when signing, without building intermediate strings.
//!
//! This module sits above the crypto seam: it implements [`Sink`] for the selected backend's
//! [`Hasher`] here, so the crypto module imports nothing of the crate.

use crate::prelude::*;

use zeroize::Zeroize;

use crate::crypto::Hasher;

/// Lowercase hex digits, as SigV4 writes hashes and signatures.
const HEX_LOWER: &[u8; 16] = b"0123456789abcdef";

/// A destination for canonical bytes.
pub(crate) trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]);
}

impl Sink for Vec<u8> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl<const N: usize> Sink for smallvec::SmallVec<[u8; N]> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

/// A byte buffer on the stack that moves to the heap only past `N` bytes. Appending is one
/// bounds check and one copy (`SmallVec::extend_from_slice` is an insert, which costs more).
#[derive(Debug, Clone)]
pub(crate) struct StackBuf<const N: usize> {
    inline: [u8; N],
    len: usize,
    /// Everything, once more than `N` bytes were put.
    spilled: Vec<u8>,
}

impl<const N: usize> StackBuf<N> {
    pub(crate) fn new() -> Self {
        Self {
            inline: [0; N],
            len: 0,
            spilled: Vec::new(),
        }
    }

    pub(crate) fn as_slice(&self) -> &[u8] {
        if self.spilled.is_empty() {
            &self.inline[..self.len]
        } else {
            &self.spilled
        }
    }

    #[cold]
    fn spill(&mut self, bytes: &[u8]) {
        if self.spilled.is_empty() {
            self.spilled.reserve(2 * N + bytes.len());
            self.spilled.extend_from_slice(&self.inline[..self.len]);
        }
        self.spilled.extend_from_slice(bytes);
    }
}

impl<const N: usize> Drop for StackBuf<N> {
    fn drop(&mut self) {
        // A spilled buffer may hold a presigned URL's session token.
        self.spilled.zeroize();
    }
}

impl<const N: usize> Sink for StackBuf<N> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.len + bytes.len();
        match self.inline.get_mut(self.len..end) {
            Some(dst) if self.spilled.is_empty() => {
                dst.copy_from_slice(bytes);
                self.len = end;
            }
            _ => self.spill(bytes),
        }
    }
}

impl Sink for Hasher {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}

/// A caller's fixed buffer as a [`Sink`]. Bytes that do not fit are dropped but counted, so
/// [`SliceSink::needed`] says how large the buffer must be.
#[derive(Debug)]
pub(crate) struct SliceSink<'b> {
    buf: &'b mut [u8],
    needed: usize,
}

impl<'b> SliceSink<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Self { buf, needed: 0 }
    }

    /// How many bytes were put, whether or not they fitted.
    pub(crate) fn needed(&self) -> usize {
        self.needed
    }

    /// Whether everything put fitted.
    pub(crate) fn fits(&self) -> bool {
        self.needed <= self.buf.len()
    }
}

impl Sink for SliceSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.needed + bytes.len();
        if let Some(dst) = self.buf.get_mut(self.needed..end) {
            dst.copy_from_slice(bytes);
        }
        self.needed = end;
    }
}

/// Checks that what is put equals `expected`, without storing it.
#[derive(Debug)]
pub(crate) struct CompareSink<'e> {
    expected: &'e [u8],
    pos: usize,
    equal: bool,
}

impl<'e> CompareSink<'e> {
    pub(crate) fn new(expected: &'e [u8]) -> Self {
        Self {
            expected,
            pos: 0,
            equal: true,
        }
    }

    /// Whether everything put, in order, is exactly `expected`.
    pub(crate) fn matches(&self) -> bool {
        self.equal && self.pos == self.expected.len()
    }
}

impl Sink for CompareSink<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        let end = self.pos + bytes.len();
        self.equal = self.equal && self.expected.get(self.pos..end) == Some(bytes);
        self.pos = end;
    }
}

/// A `u64` in decimal, in a fixed buffer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decimal {
    buf: [u8; 20],
    start: usize,
}

impl Decimal {
    pub(crate) fn new(mut v: u64) -> Self {
        let mut buf = [b'0'; 20];
        let mut start = buf.len();
        loop {
            start -= 1;
            // `v % 10` is a single digit, so the cast cannot truncate.
            buf[start] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        Self { buf, start }
    }

    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.buf[self.start..]
    }
}

/// The two lowercase hex digits of every byte.
static HEX_PAIRS: [[u8; 2]; 256] = {
    let mut t = [[0u8; 2]; 256];
    let mut i = 0;
    while i < 256 {
        t[i] = [HEX_LOWER[i >> 4], HEX_LOWER[i & 0x0f]];
        i += 1;
    }
    t
};

/// `n` in lowercase hex without leading zeros (`0` for zero), written at the end of `buf`
/// (aws-chunked chunk sizes).
#[cfg(feature = "http")]
pub(crate) fn hex_u64(n: u64, buf: &mut [u8; 16]) -> &[u8] {
    let mut v = n;
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = HEX_LOWER[(v & 0xf) as usize];
        v >>= 4;
        if v == 0 {
            break;
        }
    }
    &buf[i..]
}

/// Lowercase hex of 32 bytes into a fixed buffer.
#[inline]
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut out = [0u8; 64];
    for (pair, b) in out.chunks_exact_mut(2).zip(bytes) {
        pair.copy_from_slice(&HEX_PAIRS[usize::from(*b)]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::sha256;

    #[test]
    fn slice_sink_writes_what_fits_and_counts_the_rest() {
        let mut buf = [0u8; 5];
        let mut s = SliceSink::new(&mut buf);
        s.put(b"abc");
        s.put(b"de");
        assert!(s.fits());
        s.put(b"f");
        assert!(!s.fits());
        assert_eq!(s.needed(), 6);
        assert_eq!(&buf, b"abcde");
    }

    #[test]
    fn compare_sink_needs_every_byte_in_order() {
        let put_all = |parts: &[&[u8]]| {
            let mut c = CompareSink::new(b"a=1&b=2");
            for p in parts {
                c.put(p);
            }
            c.matches()
        };
        assert!(put_all(&[b"a=1", b"&", b"b=2"]));
        assert!(!put_all(&[b"a=1", b"&", b"b=3"]));
        assert!(!put_all(&[b"a=1"]));
        assert!(!put_all(&[b"a=1&b=2&"]));
    }

    #[test]
    fn decimal_writes_every_digit() {
        for v in [0, 7, 10, 604_800, u64::MAX] {
            assert_eq!(Decimal::new(v).as_bytes(), v.to_string().as_bytes());
        }
    }
    #[test]
    fn stack_buffer_keeps_every_byte_across_the_spill() {
        let data: Vec<u8> = (0..100u8).collect();
        for piece in [1, 3, 7, 16, 17, 100] {
            let mut b = StackBuf::<16>::new();
            for chunk in data.chunks(piece) {
                b.put(chunk);
            }
            assert_eq!(b.as_slice(), &data[..], "pieces of {piece}");
        }
        let mut b = StackBuf::<16>::new();
        b.put(b"abc");
        assert_eq!(b.as_slice(), b"abc");
        b.put(b"");
        assert_eq!(b.as_slice(), b"abc");
    }

    #[test]
    fn hex32_is_lowercase_hex() {
        let h = sha256(b"");
        assert_eq!(
            core::str::from_utf8(&hex32(&h)).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
