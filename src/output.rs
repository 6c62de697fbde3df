//! Stage ④ writers: the `Authorization` value and presigned-URL values, written into any
//! [`Sink`] (a `Vec`, a stack buffer, or a caller's fixed buffer) without building strings.

use crate::canonical_request::CanonicalHeaders;
use crate::encode;
use crate::mac::Sink;
use crate::signing_key::Signature;
use crate::string_to_sign::{ALGORITHM, Scope};

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

/// Percent-encodes (SigV4 style, `/` included) everything put into it on the way to `inner`:
/// for `X-Amz-Credential` and `X-Amz-SignedHeaders` in a presigned URL.
pub(crate) struct EncodeSink<'s, S: Sink + ?Sized>(pub(crate) &'s mut S);

impl<S: Sink + ?Sized> Sink for EncodeSink<'_, S> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        encode::encode_into(self.0, bytes, false);
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

#[cfg(test)]
mod tests {
    use super::*;

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
    fn encode_sink_encodes_slashes_and_semicolons() {
        let mut out = Vec::new();
        EncodeSink(&mut out).put(b"AKID/20150830/us-east-1/s3/aws4_request");
        EncodeSink(&mut out).put(b" host;x-amz-date");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request%20host%3Bx-amz-date"
        );
    }
}
