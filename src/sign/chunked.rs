//! The `aws-chunked` signature stage: the string to sign of one chunk and of the trailer, each
//! chained on the signature before it (the seed signature of the request, then each chunk's).
//!
//! ```text
//! AWS4-HMAC-SHA256-PAYLOAD \n 20130524T000000Z \n 20130524/us-east-1/s3/aws4_request \n <previous signature> \n sha256("") \n sha256(chunk)
//! AWS4-HMAC-SHA256-TRAILER \n 20130524T000000Z \n 20130524/us-east-1/s3/aws4_request \n <previous signature> \n sha256(trailer)
//! ```
//!
//! The trailer bytes hashed are its header lines as `name:value\n` (lowercase names, sorted,
//! values trimmed), without the `x-amz-trailer-signature` line. Pure functions over typed
//! values: the signer and the decoder both call them.

use crate::crypto;
use crate::sign::key::{Signature, SigningKey};
use crate::sink::{self, Sink};
use crate::spec::{CHUNK_ALGORITHM, EMPTY_SHA256, TRAILER_ALGORITHM};
use crate::time::AmzDate;

/// Where a chain of chunk signatures is: the request's date and scope (as
/// [`Scope::write`](crate::sign::string_to_sign::Scope::write) writes it) stay the same for
/// every chunk of one request.
pub(crate) struct ChainContext<'a> {
    pub(crate) date: &'a AmzDate,
    pub(crate) scope: &'a [u8],
}

/// Writes a chunk's string to sign, given the SHA-256 of the chunk's data.
pub(crate) fn write_chunk_string_to_sign<S: Sink + ?Sized>(
    sink: &mut S,
    ctx: &ChainContext<'_>,
    previous: &Signature,
    chunk_sha256: &[u8; 32],
) {
    write_chained_head(sink, CHUNK_ALGORITHM, ctx, previous);
    sink.put(EMPTY_SHA256);
    sink.put(b"\n");
    sink.put(&sink::hex32(chunk_sha256));
}

/// Writes the trailer's string to sign, given the SHA-256 of its canonical lines.
pub(crate) fn write_trailer_string_to_sign<S: Sink + ?Sized>(
    sink: &mut S,
    ctx: &ChainContext<'_>,
    previous: &Signature,
    trailer_sha256: &[u8; 32],
) {
    write_chained_head(sink, TRAILER_ALGORITHM, ctx, previous);
    sink.put(&sink::hex32(trailer_sha256));
}

/// Writes the lines every chained signature (chunk, trailer, event-stream message) starts
/// with: algorithm, date, scope, and the previous signature.
pub(crate) fn write_chained_head<S: Sink + ?Sized>(
    sink: &mut S,
    algorithm: &str,
    ctx: &ChainContext<'_>,
    previous: &Signature,
) {
    sink.put(algorithm.as_bytes());
    sink.put(b"\n");
    sink.put(ctx.date.bytes());
    sink.put(b"\n");
    sink.put(ctx.scope);
    sink.put(b"\n");
    sink.put(&previous.to_hex());
    sink.put(b"\n");
}

/// The signature of a chunk whose data hashes to `chunk_sha256`.
pub(crate) fn chunk_signature(
    key: &SigningKey,
    ctx: &ChainContext<'_>,
    previous: &Signature,
    chunk_sha256: &[u8; 32],
) -> Signature {
    key.sign_streamed(|mac| write_chunk_string_to_sign(mac, ctx, previous, chunk_sha256))
}

/// The signature of a trailer whose canonical lines (`name:value\n`) are `canonical`.
pub(crate) fn trailer_signature(
    key: &SigningKey,
    ctx: &ChainContext<'_>,
    previous: &Signature,
    canonical: &[u8],
) -> Signature {
    let digest = crypto::sha256(canonical);
    key.sign_streamed(|mac| write_trailer_string_to_sign(mac, ctx, previous, &digest))
}

/// Writes one trailer header as its signature hashes it: `name:value\n`.
pub(crate) fn write_canonical_trailer_line<S: Sink + ?Sized>(
    sink: &mut S,
    name: &str,
    value: &[u8],
) {
    sink.put(name.as_bytes());
    sink.put(b":");
    sink.put(value.trim_ascii());
    sink.put(b"\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use crate::prelude::*;
    use crate::sign::string_to_sign::{Region, Scope};

    fn example() -> (SigningKey, AmzDate, Vec<u8>) {
        let creds = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        );
        let scope = Scope {
            date: "20130524",
            region: Region::One("us-east-1"),
            service: "s3",
        };
        let mut scope_bytes = Vec::new();
        scope.write(&mut scope_bytes);
        let date = AmzDate::parse("20130524T000000Z").unwrap();
        (SigningKey::derive(&creds, &scope), date, scope_bytes)
    }

    #[test]
    fn the_s3_documentation_chunk_chain() {
        // S3 API reference, "Transferring payload in multiple chunks": 65536 + 1024 bytes of
        // 'a', then the empty final chunk, chained on the seed signature.
        let (key, date, scope) = example();
        let ctx = ChainContext {
            date: &date,
            scope: &scope,
        };
        let seed =
            Signature::from_hex("4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
                .unwrap();
        let chunk1 = vec![b'a'; 65536];
        let mut sts = Vec::new();
        write_chunk_string_to_sign(&mut sts, &ctx, &seed, &crypto::sha256(&chunk1));
        assert_eq!(
            sts,
            b"AWS4-HMAC-SHA256-PAYLOAD\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n\
              4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9\n\
              e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n\
              bf718b6f653bebc184e1479f1935b8da974d701b893afcf49e701f3e2f9f9c5a"
        );
        let s1 = chunk_signature(&key, &ctx, &seed, &crypto::sha256(&chunk1));
        assert_eq!(
            s1.to_string(),
            "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"
        );
        let s2 = chunk_signature(&key, &ctx, &s1, &crypto::sha256(&[b'a'; 1024]));
        assert_eq!(
            s2.to_string(),
            "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"
        );
        let s3 = chunk_signature(&key, &ctx, &s2, &crypto::sha256(b""));
        assert_eq!(
            s3.to_string(),
            "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"
        );
    }

    #[test]
    fn the_s3_documentation_trailer_chain() {
        // S3 API reference, "Signature calculations for trailing headers": the same body with
        // an `x-amz-checksum-crc32c` trailer, chained on its own seed signature.
        let (key, date, scope) = example();
        let ctx = ChainContext {
            date: &date,
            scope: &scope,
        };
        let seed =
            Signature::from_hex("106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e")
                .unwrap();
        let s1 = chunk_signature(&key, &ctx, &seed, &crypto::sha256(&[b'a'; 65536]));
        assert_eq!(
            s1.to_string(),
            "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2"
        );
        let s2 = chunk_signature(&key, &ctx, &s1, &crypto::sha256(&[b'a'; 1024]));
        assert_eq!(
            s2.to_string(),
            "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7"
        );
        let s3 = chunk_signature(&key, &ctx, &s2, &crypto::sha256(b""));
        assert_eq!(
            s3.to_string(),
            "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992"
        );
        let mut canonical = Vec::new();
        write_canonical_trailer_line(&mut canonical, "x-amz-checksum-crc32c", b"sOO8/Q==");
        assert_eq!(canonical, b"x-amz-checksum-crc32c:sOO8/Q==\n");
        let t = trailer_signature(&key, &ctx, &s3, &canonical);
        assert_eq!(
            t.to_string(),
            "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435"
        );
    }

    #[test]
    fn the_crt_trailer_vector() {
        // aws-crt-swift ChunkSignerTests: three trailing headers chained on the final chunk
        // signature of the S3 chunked example.
        let (key, date, scope) = example();
        let ctx = ChainContext {
            date: &date,
            scope: &scope,
        };
        let last =
            Signature::from_hex("b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9")
                .unwrap();
        let mut canonical = Vec::new();
        for (n, v) in [("first", "1st"), ("second", "2nd"), ("third", "3rd")] {
            write_canonical_trailer_line(&mut canonical, n, v.as_bytes());
        }
        assert_eq!(
            trailer_signature(&key, &ctx, &last, &canonical).to_string(),
            "df5735bd9f3295cd9386572292562fefc93ba94e80a0a1ddcbd652c4e0a75e6c"
        );
    }
}
