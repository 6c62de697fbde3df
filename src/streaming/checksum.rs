//! The trailing checksums of an `aws-chunked` body: `x-amz-checksum-{crc32,crc32c,crc64nvme,sha1,sha256}`,
//! computed as the data goes by and written in base64, as S3 writes them.
//!
//! CRC32 comes from `crc32fast`, CRC32C from `crc32c`, CRC64/NVME from `crc` (its catalogue's
//! `CRC_64_NVME`), SHA-1 from RustCrypto's `sha1`; SHA-256 goes through the crate's crypto seam.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha1::Digest as _;

use crate::crypto::Hasher;

/// A trailing checksum algorithm, named on the wire by its header.
///
/// ```
/// use awssig::streaming::Checksum;
/// assert_eq!(Checksum::Crc32.header_name(), "x-amz-checksum-crc32");
/// assert_eq!(Checksum::Crc32.compute(b"123456789"), "y/Q5Jg==");
/// assert_eq!(Checksum::from_header_name("X-Amz-Checksum-SHA256"), Some(Checksum::Sha256));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Checksum {
    /// CRC-32 (ISO-HDLC, as zlib), `x-amz-checksum-crc32`.
    Crc32,
    /// CRC-32C (Castagnoli), `x-amz-checksum-crc32c`.
    Crc32c,
    /// CRC-64/NVME, `x-amz-checksum-crc64nvme`.
    Crc64Nvme,
    /// SHA-1, `x-amz-checksum-sha1`.
    Sha1,
    /// SHA-256, `x-amz-checksum-sha256`.
    Sha256,
}

impl Checksum {
    /// Every algorithm, in the order S3 lists them.
    pub const ALL: [Checksum; 5] = [
        Self::Crc32,
        Self::Crc32c,
        Self::Crc64Nvme,
        Self::Sha1,
        Self::Sha256,
    ];

    /// The trailer's header name, lowercase.
    pub const fn header_name(self) -> &'static str {
        match self {
            Self::Crc32 => "x-amz-checksum-crc32",
            Self::Crc32c => "x-amz-checksum-crc32c",
            Self::Crc64Nvme => "x-amz-checksum-crc64nvme",
            Self::Sha1 => "x-amz-checksum-sha1",
            Self::Sha256 => "x-amz-checksum-sha256",
        }
    }

    /// The algorithm a header name stands for (any case), if any.
    pub fn from_header_name(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|c| c.header_name().eq_ignore_ascii_case(name))
    }

    /// The length of the digest in bytes.
    pub const fn digest_len(self) -> usize {
        match self {
            Self::Crc32 | Self::Crc32c => 4,
            Self::Crc64Nvme => 8,
            Self::Sha1 => 20,
            Self::Sha256 => 32,
        }
    }

    /// The length of the digest in base64, as sent.
    pub const fn encoded_len(self) -> usize {
        self.digest_len().div_ceil(3) * 4
    }

    /// The base64 checksum of `data`, as the trailer carries it.
    pub fn compute(self, data: &[u8]) -> String {
        let mut s = ChecksumState::new(self);
        s.update(data);
        s.finish().to_base64()
    }
}

/// A checksum being computed.
#[derive(Clone)]
pub(crate) enum ChecksumState {
    Crc32(crc32fast::Hasher),
    Crc32c(u32),
    Crc64Nvme(crc::Digest<'static, u64>),
    Sha1(sha1::Sha1),
    // Boxed: the seam's hasher is large, and one allocation per upload is nothing.
    Sha256(Box<Hasher>),
}

static CRC64_NVME: crc::Crc<u64> = crc::Crc::<u64>::new(&crc::CRC_64_NVME);

impl ChecksumState {
    pub(crate) fn new(algorithm: Checksum) -> Self {
        match algorithm {
            Checksum::Crc32 => Self::Crc32(crc32fast::Hasher::new()),
            Checksum::Crc32c => Self::Crc32c(0),
            Checksum::Crc64Nvme => Self::Crc64Nvme(CRC64_NVME.digest()),
            Checksum::Sha1 => Self::Sha1(sha1::Sha1::new()),
            Checksum::Sha256 => Self::Sha256(Box::new(Hasher::new())),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Self::Crc32(h) => h.update(data),
            Self::Crc32c(c) => *c = crc32c::crc32c_append(*c, data),
            Self::Crc64Nvme(d) => d.update(data),
            Self::Sha1(h) => h.update(data),
            Self::Sha256(h) => h.update(data),
        }
    }

    pub(crate) fn finish(self) -> ChecksumValue {
        let mut v = ChecksumValue {
            bytes: [0; 32],
            len: 0,
        };
        let mut put = |b: &[u8]| {
            v.bytes[..b.len()].copy_from_slice(b);
            v.len = b.len();
        };
        match self {
            Self::Crc32(h) => put(&h.finalize().to_be_bytes()),
            Self::Crc32c(c) => put(&c.to_be_bytes()),
            Self::Crc64Nvme(d) => put(&d.finalize().to_be_bytes()),
            Self::Sha1(h) => put(&h.finalize()),
            Self::Sha256(h) => put(&h.finish()),
        }
        v
    }
}

/// A finished digest: big-endian bytes for the CRCs, as S3 encodes them.
#[derive(Clone, Copy)]
pub(crate) struct ChecksumValue {
    bytes: [u8; 32],
    len: usize,
}

impl ChecksumValue {
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
    }

    /// The base64 form into a fixed buffer; returns its length (at most 44).
    pub(crate) fn write_base64(&self, out: &mut [u8; 44]) -> usize {
        STANDARD
            .encode_slice(self.as_bytes(), out)
            .unwrap_or_default()
    }

    pub(crate) fn to_base64(self) -> String {
        STANDARD.encode(self.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_check_values() {
        // The CRC catalogue's check values over "123456789" (reveng.sourceforge.io), and the
        // FIPS 180 test vectors for "abc".
        let value = |c: Checksum, data: &[u8]| {
            let mut s = ChecksumState::new(c);
            // Two updates: the state carries across pieces.
            s.update(&data[..2]);
            s.update(&data[2..]);
            s.finish().as_bytes().to_vec()
        };
        assert_eq!(
            value(Checksum::Crc32, b"123456789"),
            0xCBF4_3926u32.to_be_bytes()
        );
        assert_eq!(
            value(Checksum::Crc32c, b"123456789"),
            0xE306_9283u32.to_be_bytes()
        );
        assert_eq!(
            value(Checksum::Crc64Nvme, b"123456789"),
            0xAE8B_1486_0A79_9888u64.to_be_bytes()
        );
        assert_eq!(
            hex::encode(value(Checksum::Sha1, b"abc")),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex::encode(value(Checksum::Sha256, b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn base64_lengths_and_the_s3_documentation_value() {
        for c in Checksum::ALL {
            assert_eq!(c.compute(b"x").len(), c.encoded_len(), "{c:?}");
            let mut buf = [0u8; 44];
            let n = ChecksumState::new(c).finish().write_base64(&mut buf);
            assert_eq!(n, c.encoded_len());
        }
        // The S3 trailer example: 66560 bytes of 'a'.
        assert_eq!(Checksum::Crc32c.compute(&[b'a'; 66560]), "sOO8/Q==");
    }
}
