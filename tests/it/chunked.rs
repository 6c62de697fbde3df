//! `aws-chunked` uploads (`awssig::streaming`): the S3 documentation's two examples byte for
//! byte, every chunk and trailer signature cross-checked against `aws-sigv4`'s `sign_chunk` and
//! `sign_trailer` (expected values computed at test time), and the decoder's round trips and
//! refusals.

use std::time::{Duration, SystemTime};

use awssig::spec::StreamingPayload;
use awssig::streaming::{
    Checksum, ChunkedDecoder, ChunkedSignError, ChunkedUpload, ChunkedVerifyError,
};
use awssig::verify::UnsignedPayload;
use awssig::{Credentials, Settings, Signer, Verifier};
use proptest::prelude::*;

/// The S3 documentation's example credentials (note the `/` in the secret).
const AKID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

/// 2013-05-24T00:00:00Z, the examples' time.
fn example_time() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_369_353_600)
}

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET)
}

fn signer(settings: Settings) -> Signer {
    Signer::new(creds(), "us-east-1", "s3").with_settings(settings)
}

fn verifier() -> Verifier {
    Verifier::new(creds(), "us-east-1", "s3")
        .with_settings(Settings::s3())
        .with_unsigned_payload(UnsignedPayload::Allowed)
}

fn example_request() -> http::Request<()> {
    http::Request::put("https://s3.amazonaws.com/examplebucket/chunkObject.txt")
        .header("x-amz-storage-class", "REDUCED_REDUNDANCY")
        .body(())
        .unwrap()
}

/// The documented wire form of the example body with the given chunk signatures and tail.
fn documented_body(signatures: [&str; 3], tail: &str) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(format!("10000;chunk-signature={}\r\n", signatures[0]).as_bytes());
    b.extend_from_slice(&[b'a'; 65536]);
    b.extend_from_slice(format!("\r\n400;chunk-signature={}\r\n", signatures[1]).as_bytes());
    b.extend_from_slice(&[b'a'; 1024]);
    b.extend_from_slice(format!("\r\n0;chunk-signature={}\r\n", signatures[2]).as_bytes());
    b.extend_from_slice(tail.as_bytes());
    b
}

/// Signs `data` as `upload` and returns the request and each frame of the body separately
/// (chunks, then the final chunk with the trailer).
fn sign_frames(
    signer: &Signer,
    upload: ChunkedUpload,
    data: &[u8],
    chunk_size: usize,
) -> (http::Request<()>, Vec<Vec<u8>>) {
    let mut req = http::Request::put("https://bucket.s3.us-east-1.amazonaws.com/key")
        .body(())
        .unwrap();
    let mut up = signer
        .sign_chunked_at(&mut req, upload, example_time())
        .unwrap();
    let mut frames = Vec::new();
    for chunk in data.chunks(chunk_size) {
        let mut f = Vec::new();
        up.write_chunk(chunk, &mut f).unwrap();
        frames.push(f);
    }
    let mut f = Vec::new();
    up.finish(&mut f).unwrap();
    frames.push(f);
    (req, frames)
}

/// Decodes `wire` fed in pieces of the given sizes (cycled).
fn decode(
    req: &http::Request<()>,
    wire: &[u8],
    splits: &[usize],
) -> Result<(Vec<u8>, awssig::streaming::ChunkedVerified), ChunkedVerifyError> {
    let mut decoder = verifier().verify_chunked_at(req, example_time())?;
    let mut out = Vec::new();
    let mut rest = wire;
    let mut i = 0;
    while !rest.is_empty() {
        let n = splits[i % splits.len()].clamp(1, rest.len());
        decoder.feed(&rest[..n], &mut out)?;
        rest = &rest[n..];
        i += 1;
    }
    let done = decoder.finish()?;
    Ok((out, done))
}

#[test]
fn the_s3_documentation_chunked_example_signs_byte_for_byte() {
    // S3 API reference, "Signature Calculations for the Authorization Header: Transferring
    // Payload in Multiple Chunks (Chunked Upload)": 66560 bytes of 'a' in 64 KiB chunks.
    let mut req = example_request();
    let upload = ChunkedUpload::signed(66560).chunk_size(64 * 1024);
    let mut up = signer(Settings::s3())
        .sign_chunked_at(&mut req, upload, example_time())
        .unwrap();
    assert_eq!(
        up.seed_signature().to_string(),
        "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    );
    let h = req.headers();
    assert_eq!(
        h["authorization"],
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, \
         SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;\
         x-amz-decoded-content-length;x-amz-storage-class, \
         Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
    );
    assert_eq!(h["content-encoding"], "aws-chunked");
    assert_eq!(h["content-length"], "66824");
    assert_eq!(h["x-amz-decoded-content-length"], "66560");
    assert_eq!(
        h["x-amz-content-sha256"],
        "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    );
    assert!(h.get("x-amz-trailer").is_none());

    let data = vec![b'a'; 66560];
    let mut wire = Vec::new();
    up.write_chunk(&data[..65536], &mut wire).unwrap();
    up.write_chunk(&data[65536..], &mut wire).unwrap();
    up.finish(&mut wire).unwrap();
    assert_eq!(
        wire,
        documented_body(
            [
                "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
            ],
            "\r\n",
        )
    );
    assert_eq!(wire.len(), 66824);
}

#[test]
fn the_s3_documentation_trailer_example_signs_byte_for_byte() {
    // S3 API reference, "Signature calculations for trailing headers (chunked uploads)": the
    // same body with an x-amz-checksum-crc32c trailer; its request does not sign
    // content-length.
    let mut req = example_request();
    let upload = ChunkedUpload::signed(66560)
        .chunk_size(64 * 1024)
        .trailer(Checksum::Crc32c);
    let settings = Settings::s3().with_excluded_header("content-length");
    let mut up = signer(settings)
        .sign_chunked_at(&mut req, upload, example_time())
        .unwrap();
    assert_eq!(
        up.seed_signature().to_string(),
        "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e"
    );
    assert!(req.headers()["authorization"].to_str().unwrap().contains(
        "SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;\
         x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,"
    ));
    assert_eq!(req.headers()["x-amz-trailer"], "x-amz-checksum-crc32c");
    let data = vec![b'a'; 66560];
    let mut wire = Vec::new();
    for chunk in data.chunks(65536) {
        up.write_chunk(chunk, &mut wire).unwrap();
    }
    up.finish(&mut wire).unwrap();
    let expected = documented_body(
        [
            "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
            "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
            "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
        ],
        "x-amz-checksum-crc32c:sOO8/Q==\r\n\
         x-amz-trailer-signature:d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n",
    );
    assert_eq!(wire, expected);
    assert_eq!(req.headers()["content-length"], wire.len().to_string());
}

#[test]
fn the_documented_bodies_decode_in_any_split() {
    // The documented requests with their documented bodies, verified from the seed on.
    for trailer in [false, true] {
        let mut req = example_request();
        let (upload, settings, tail) = if trailer {
            (
                ChunkedUpload::signed(66560).trailer(Checksum::Crc32c),
                Settings::s3().with_excluded_header("content-length"),
                "x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:\
                 d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435\r\n\r\n",
            )
        } else {
            (ChunkedUpload::signed(66560), Settings::s3(), "\r\n")
        };
        signer(settings)
            .sign_chunked_at(&mut req, upload, example_time())
            .unwrap();
        let sigs = if trailer {
            [
                "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
                "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
                "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
            ]
        } else {
            [
                "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
                "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
                "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
            ]
        };
        let wire = documented_body(sigs, tail);
        for splits in [&[1usize][..], &[7, 4096], &[70_000], &[65_621, 3]] {
            let (out, done) = decode(&req, &wire, splits).unwrap();
            assert_eq!(out, vec![b'a'; 66560]);
            assert_eq!(done.decoded_len(), 66560);
            assert_eq!(
                done.checksum(),
                trailer.then_some((Checksum::Crc32c, "sOO8/Q=="))
            );
        }
    }
}

/// The signatures in a signed wire body, in order: each chunk's, then the trailer's if any.
fn signatures_in(wire: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(wire);
    let mut out = Vec::new();
    for marker in ["chunk-signature=", "x-amz-trailer-signature:"] {
        let mut rest = &*text;
        while let Some(i) = rest.find(marker) {
            out.push(rest[i + marker.len()..i + marker.len() + 64].to_string());
            rest = &rest[i + marker.len()..];
        }
    }
    out
}

#[test]
fn every_signature_matches_aws_sigv4_across_sizes_and_checksums() {
    use aws_sigv4::sign::v4::{SigningParams, sign_chunk, sign_trailer};
    let identity: aws_smithy_runtime_api::client::identity::Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, None, None, "test").into();
    let params = SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("s3")
        .time(example_time())
        .settings(())
        .build()
        .unwrap();
    let s = signer(Settings::s3());
    let mut cases = 0;
    for chunk_size in [8192usize, 64 * 1024, 10_007] {
        for len in [
            0,
            1,
            chunk_size - 1,
            chunk_size,
            chunk_size + 1,
            3 * chunk_size,
            3 * chunk_size + 5,
        ] {
            let data: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            for trailer in [
                None,
                Some(Checksum::Crc32),
                Some(Checksum::Crc32c),
                Some(Checksum::Crc64Nvme),
                Some(Checksum::Sha1),
                Some(Checksum::Sha256),
            ] {
                let mut upload = ChunkedUpload::signed(len as u64).chunk_size(chunk_size);
                if let Some(t) = trailer {
                    upload = upload.trailer(t);
                }
                let (req, frames) = sign_frames(&s, upload, &data, chunk_size);
                let wire = frames.concat();
                assert_eq!(req.headers()["content-length"], wire.len().to_string());
                let ours = signatures_in(&wire);
                // Recompute the chain with aws-sigv4 from the seed.
                let seed = req.headers()["authorization"]
                    .to_str()
                    .unwrap()
                    .rsplit('=')
                    .next()
                    .unwrap()
                    .to_string();
                let mut running = seed;
                let mut theirs = Vec::new();
                for chunk in data.chunks(chunk_size).chain([&[][..]]) {
                    let sig = sign_chunk(&bytes::Bytes::copy_from_slice(chunk), &running, &params)
                        .unwrap()
                        .signature()
                        .to_string();
                    theirs.push(sig.clone());
                    running = sig;
                }
                if let Some(t) = trailer {
                    let mut headers = aws_smithy_runtime_api::http::Headers::new();
                    headers.insert(t.header_name(), t.compute(&data));
                    theirs.push(
                        sign_trailer(&headers, &running, &params)
                            .unwrap()
                            .signature()
                            .to_string(),
                    );
                    let line = format!("{}:{}\r\n", t.header_name(), t.compute(&data));
                    assert!(String::from_utf8_lossy(&wire).contains(&line));
                }
                assert_eq!(
                    ours, theirs,
                    "chunk size {chunk_size}, {len} bytes, {trailer:?}"
                );
                let (out, _) = decode(&req, &wire, &[4093]).unwrap();
                assert_eq!(out, data);
                cases += 1;
            }
        }
    }
    assert_eq!(cases, 3 * 7 * 6);
}

#[test]
fn unsigned_trailer_uploads_round_trip_with_every_checksum() {
    let s = signer(Settings::s3());
    for trailer in Checksum::ALL {
        let data: Vec<u8> = (0..20_000u32).map(|i| (i % 253) as u8).collect();
        let upload = ChunkedUpload::unsigned(data.len() as u64)
            .chunk_size(8192)
            .trailer(trailer);
        let (req, frames) = sign_frames(&s, upload, &data, 8192);
        assert_eq!(
            req.headers()["x-amz-content-sha256"],
            "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
        );
        let wire = frames.concat();
        assert!(wire.starts_with(b"2000\r\n"));
        assert!(!String::from_utf8_lossy(&wire).contains("signature"));
        let (out, done) = decode(&req, &wire, &[1, 999]).unwrap();
        assert_eq!(out, data);
        assert_eq!(done.checksum().unwrap().1, trailer.compute(&data));
        // A checksum that does not match is refused.
        let mut bad = data.clone();
        bad[5] ^= 1;
        let bad_wire = [
            &frames[0][..6],
            &bad[..8192],
            &frames[0][6 + 8192..],
            &frames[1..].concat(),
        ]
        .concat();
        assert_eq!(
            decode(&req, &bad_wire, &[512]).unwrap_err(),
            ChunkedVerifyError::ChecksumMismatch { algorithm: trailer }
        );
    }
    // Refused unless the verifier accepts unsigned payloads.
    let (req, _) = sign_frames(&s, ChunkedUpload::unsigned(0), &[], 8192);
    let strict = Verifier::new(creds(), "us-east-1", "s3").with_settings(Settings::s3());
    assert!(matches!(
        strict.verify_chunked_at(&req, example_time()).unwrap_err(),
        ChunkedVerifyError::Verify(awssig::VerifyError::UnsignedPayloadNotAllowed)
    ));
}

#[test]
fn upper_case_chunk_sizes_decode_as_the_aws_sdk_for_rust_writes_them() {
    let s = signer(Settings::s3());
    let data = vec![3u8; 0xA000 + 0xB];
    let (req, frames) = sign_frames(
        &s,
        ChunkedUpload::signed(data.len() as u64).chunk_size(0xA000),
        &data,
        0xA000,
    );
    let mut wire = frames.concat();
    assert!(wire.starts_with(b"a000;"));
    wire[0] = b'A';
    let at = frames[0].len();
    assert_eq!(wire[at], b'b');
    wire[at] = b'B';
    assert_eq!(decode(&req, &wire, &[100]).unwrap().0, data);
}

#[test]
fn signer_errors_are_clear() {
    let s = signer(Settings::s3());
    let mut req = example_request();
    let err = s
        .sign_chunked_at(
            &mut req,
            ChunkedUpload::signed(10).chunk_size(100),
            example_time(),
        )
        .unwrap_err();
    assert_eq!(err, ChunkedSignError::ChunkSizeTooSmall { chunk_size: 100 });
    assert!(err.to_string().contains("8192"));

    let mut up = s
        .sign_chunked_at(
            &mut req,
            ChunkedUpload::signed(10_000).chunk_size(8192),
            example_time(),
        )
        .unwrap();
    let mut wire = Vec::new();
    assert_eq!(
        up.write_chunk(&[0; 100], &mut wire).unwrap_err(),
        ChunkedSignError::ChunkLength {
            expected: 8192,
            got: 100
        }
    );
    assert_eq!(
        up.finish(&mut wire).unwrap_err(),
        ChunkedSignError::TooLittleData {
            declared: 10_000,
            written: 0
        }
    );
    up.write_chunk(&[0; 8192], &mut wire).unwrap();
    assert_eq!(
        up.write_chunk(&[0; 8192], &mut wire).unwrap_err(),
        ChunkedSignError::TooMuchData {
            declared: 10_000,
            written: 16_384
        }
    );
    up.write_chunk(&[0; 1808], &mut wire).unwrap();
    up.finish(&mut wire).unwrap();
    let len = wire.len();
    assert_eq!(
        up.write_chunk(&[0], &mut wire).unwrap_err(),
        ChunkedSignError::Finished
    );
    assert_eq!(
        up.finish(&mut wire).unwrap_err(),
        ChunkedSignError::Finished
    );
    assert_eq!(wire.len(), len, "nothing is written on an error");
    assert!(
        ChunkedSignError::Finished
            .to_string()
            .starts_with("write after finish")
    );
    // Into a BytesMut as well.
    let mut up = s
        .sign_chunked_at(&mut req, ChunkedUpload::signed(0), example_time())
        .unwrap();
    let mut buf = bytes::BytesMut::new();
    up.finish(&mut buf).unwrap();
    assert!(buf.starts_with(b"0;chunk-signature="));
}

#[test]
fn header_phase_refusals() {
    let s = signer(Settings::s3());
    let v = verifier();
    // A plain signed request is not a chunked one.
    let mut plain = example_request();
    s.sign_at(&mut plain, example_time()).unwrap();
    assert_eq!(
        v.verify_chunked_at(&plain, example_time()).unwrap_err(),
        ChunkedVerifyError::NotChunked
    );
    // And a chunked one is not verified by verify_at (its chunks would go unchecked).
    let (req, _) = sign_frames(&s, ChunkedUpload::signed(0), &[], 8192);
    assert_eq!(
        v.verify_at(&req, awssig::Payload::Unsigned, example_time())
            .unwrap_err(),
        awssig::VerifyError::InvalidContentSha256
    );
    // Refused from the headers, before the body is read.
    assert_eq!(
        v.authenticate_at(&awssig::SignableRequest::from(&req), example_time())
            .unwrap_err(),
        awssig::VerifyError::InvalidContentSha256
    );
    // The seed covers every header: a changed decoded length is a signature mismatch.
    let mut changed = req.clone();
    changed
        .headers_mut()
        .insert("x-amz-decoded-content-length", "1".parse().unwrap());
    assert_eq!(
        v.verify_chunked_at(&changed, example_time()).unwrap_err(),
        ChunkedVerifyError::Verify(awssig::VerifyError::SignatureMismatch)
    );
    let mut missing = req.clone();
    missing.headers_mut().remove("x-amz-decoded-content-length");
    let err = v.verify_chunked_at(&missing, example_time()).unwrap_err();
    assert_eq!(err, ChunkedVerifyError::MissingDecodedContentLength);
    assert_eq!(
        (err.aws_code(), err.status()),
        ("MissingContentLength", 411)
    );
    let (with_trailer, _) = sign_frames(
        &s,
        ChunkedUpload::signed(0).trailer(Checksum::Sha1),
        &[],
        8192,
    );
    let mut no_trailer = with_trailer.clone();
    no_trailer.headers_mut().remove("x-amz-trailer");
    assert_eq!(
        v.verify_chunked_at(&no_trailer, example_time())
            .unwrap_err(),
        ChunkedVerifyError::MissingTrailer
    );
    let mut other = with_trailer.clone();
    other
        .headers_mut()
        .insert("x-amz-trailer", "x-amz-checksum-md5".parse().unwrap());
    assert!(matches!(
        v.verify_chunked_at(&other, example_time()).unwrap_err(),
        ChunkedVerifyError::UnsupportedTrailer { .. }
    ));
    assert_eq!(
        StreamingPayload::from_value(b"STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
        Some(StreamingPayload::Signed)
    );
}

#[test]
fn body_refusals_carry_s3_codes() {
    let s = signer(Settings::s3());
    let data = vec![9u8; 20_000];
    let (req, frames) = sign_frames(
        &s,
        ChunkedUpload::signed(20_000)
            .chunk_size(8192)
            .trailer(Checksum::Crc32),
        &data,
        8192,
    );
    let wire = frames.concat();
    let refuse = |w: &[u8]| decode(&req, w, &[333]).unwrap_err();

    let mut flipped = wire.clone();
    flipped[200] ^= 1;
    let e = refuse(&flipped);
    assert_eq!(e, ChunkedVerifyError::ChunkSignatureMismatch);
    assert_eq!((e.aws_code(), e.status()), ("SignatureDoesNotMatch", 403));

    let e = refuse(&wire[..wire.len() - 1]);
    assert_eq!(e, ChunkedVerifyError::Incomplete);
    assert_eq!(e.aws_code(), "IncompleteBody");

    let e = refuse(&[&wire[..], b"x"].concat());
    assert!(matches!(e, ChunkedVerifyError::Malformed(_)));

    // The trailer's value changed: its signature no longer matches.
    let text = String::from_utf8_lossy(&wire).into_owned();
    let value = Checksum::Crc32.compute(&data);
    let other = text.replace(&format!("crc32:{value}"), "crc32:AAAAAA==");
    assert_eq!(
        refuse(other.as_bytes()),
        ChunkedVerifyError::TrailerSignatureMismatch
    );

    // A chunk over the decoder's limit is refused from its size line.
    let mut d = verifier()
        .verify_chunked_at(&req, example_time())
        .unwrap()
        .with_max_chunk_size(4096);
    let mut out = Vec::new();
    let e = d.feed(&wire[..100], &mut out).unwrap_err();
    assert_eq!(
        e,
        ChunkedVerifyError::ChunkTooLarge {
            size: 8192,
            max: 4096
        }
    );
    assert!(out.is_empty());
    // After an error, every call refuses.
    assert_eq!(d.feed(b"", &mut out).unwrap_err(), e);

    // A small chunk followed by another (crafted unsigned: only the last may be under 8 KiB).
    let data = [5u8; 32];
    let (unsigned, _) = sign_frames(&s, ChunkedUpload::unsigned(32), &data, 8192);
    let trailer = format!(
        "x-amz-checksum-crc32:{}\r\n\r\n",
        Checksum::Crc32.compute(&data)
    );
    let crafted = [
        &b"10\r\n"[..],
        &data[..16],
        b"\r\n10\r\n",
        &data[16..],
        b"\r\n0\r\n",
        trailer.as_bytes(),
    ]
    .concat();
    assert_eq!(
        decode(&unsigned, &crafted, &[5]).unwrap_err(),
        ChunkedVerifyError::ChunkTooSmall { size: 16 }
    );
    let whole = [&b"20\r\n"[..], &data, b"\r\n0\r\n", trailer.as_bytes()].concat();
    assert_eq!(decode(&unsigned, &whole, &[5]).unwrap().0, data);
    // Chunk extensions are refused in an unsigned body.
    let ext = [&b"20;x=y\r\n"[..], &data, b"\r\n0\r\n", trailer.as_bytes()].concat();
    assert!(matches!(
        decode(&unsigned, &ext, &[5]).unwrap_err(),
        ChunkedVerifyError::Malformed(_)
    ));
    let e = ChunkedVerifyError::ChunkTooSmall { size: 16 };
    assert_eq!(e.aws_code(), "InvalidChunkSizeError");
    assert_eq!(
        e.aws_message(),
        "Only the last chunk is allowed to have a size less than 8192 bytes"
    );
    let e = ChunkedVerifyError::ChecksumMismatch {
        algorithm: Checksum::Crc32,
    };
    assert_eq!(
        (e.aws_code(), e.aws_message().as_str()),
        (
            "BadDigest",
            "The CRC32 you specified did not match the calculated checksum."
        )
    );
}

#[test]
fn nothing_unverified_is_written() {
    // A chunk whose data arrives whole but whose signature is wrong never reaches `out`.
    let s = signer(Settings::s3());
    let data = vec![1u8; 8192];
    let (req, frames) = sign_frames(
        &s,
        ChunkedUpload::signed(8192).chunk_size(8192),
        &data,
        8192,
    );
    let mut wire = frames.concat();
    wire[30] = if wire[30] == b'0' { b'1' } else { b'0' }; // in the chunk signature
    let mut d: ChunkedDecoder = verifier().verify_chunked_at(&req, example_time()).unwrap();
    let mut out = Vec::new();
    let split = frames[0].len() - 2;
    d.feed(&wire[..split], &mut out).unwrap();
    assert!(out.is_empty(), "a chunk is held until its signature checks");
    assert_eq!(
        d.feed(&wire[split..], &mut out).unwrap_err(),
        ChunkedVerifyError::ChunkSignatureMismatch
    );
    assert!(out.is_empty());

    // The chunk whole inside one piece (the decoder hashes it where it lies and would write it
    // straight from the input), and split inside its data (the first part held, the rest
    // read from the input): refused, nothing written, either way.
    let mid = frames[0].len() / 2;
    for cuts in [&[][..], &[mid][..]] {
        let mut d = verifier().verify_chunked_at(&req, example_time()).unwrap();
        let mut out = Vec::new();
        let mut from = 0;
        let mut result = Ok(());
        for to in cuts.iter().copied().chain([wire.len()]) {
            result = result.and_then(|()| d.feed(&wire[from..to], &mut out));
            from = to;
        }
        assert_eq!(
            result.unwrap_err(),
            ChunkedVerifyError::ChunkSignatureMismatch,
            "cut at {cuts:?}"
        );
        assert!(out.is_empty(), "cut at {cuts:?}");
    }
    // Unchanged, the same two feeds give the data back.
    let wire = frames.concat();
    for cuts in [&[][..], &[mid][..]] {
        let mut d = verifier().verify_chunked_at(&req, example_time()).unwrap();
        let mut out = Vec::new();
        let mut from = 0;
        for to in cuts.iter().copied().chain([wire.len()]) {
            d.feed(&wire[from..to], &mut out).unwrap();
            from = to;
        }
        d.finish().unwrap();
        assert_eq!(out, data, "cut at {cuts:?}");
    }
}

fn arb_upload() -> impl Strategy<Value = (Vec<u8>, usize, Option<usize>, Vec<usize>)> {
    (
        0usize..30_000,
        8192usize..12_000,
        proptest::option::of(0usize..5),
        proptest::collection::vec(1usize..5000, 1..6),
    )
        .prop_map(|(len, cs, t, splits)| {
            let data = (0..len).map(|i| (i * 7 + len) as u8).collect();
            (data, cs, t, splits)
        })
}

fn signed_frames(
    data: &[u8],
    chunk_size: usize,
    trailer: Option<usize>,
) -> (http::Request<()>, Vec<Vec<u8>>) {
    let mut upload = ChunkedUpload::signed(data.len() as u64).chunk_size(chunk_size);
    if let Some(t) = trailer {
        upload = upload.trailer(Checksum::ALL[t]);
    }
    sign_frames(&signer(Settings::s3()), upload, data, chunk_size)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn every_signed_stream_verifies_in_any_split((data, cs, trailer, splits) in arb_upload()) {
        let (req, frames) = signed_frames(&data, cs, trailer);
        let wire = frames.concat();
        let (out, done) = decode(&req, &wire, &splits).unwrap();
        prop_assert_eq!(&out, &data);
        prop_assert_eq!(done.decoded_len(), data.len() as u64);
    }

    #[test]
    fn any_corrupted_byte_is_refused((data, cs, trailer, _s) in arb_upload(), at in any::<prop::sample::Index>(), xor in 1u8..=255) {
        let (req, frames) = signed_frames(&data, cs, trailer);
        let mut wire = frames.concat();
        let i = at.index(wire.len());
        let old = wire[i];
        wire[i] ^= xor;
        match decode(&req, &wire, &[1000]) {
            Err(_) => {}
            // Only a change of case in a chunk size or a trailer name reads the same.
            Ok((out, _)) => {
                prop_assert!(old.eq_ignore_ascii_case(&wire[i]), "byte {} {:?} -> {:?} accepted", i, old as char, wire[i] as char);
                prop_assert_eq!(out, data);
            }
        }
    }

    #[test]
    fn any_split_gives_the_same_result_even_for_corrupted_streams(
        (data, cs, trailer, splits) in arb_upload(),
        unsigned in any::<bool>(),
        at in any::<prop::sample::Index>(),
        xor in 0u8..=255,
    ) {
        let (req, frames) = if unsigned {
            let t = Checksum::ALL[trailer.unwrap_or(0)];
            let upload = ChunkedUpload::unsigned(data.len() as u64).chunk_size(cs).trailer(t);
            sign_frames(&signer(Settings::s3()), upload, &data, cs)
        } else {
            signed_frames(&data, cs, trailer)
        };
        let mut wire = frames.concat();
        let i = at.index(wire.len());
        let old = wire[i];
        wire[i] ^= xor;
        let whole = decode(&req, &wire, &[wire.len()]).map(|(out, _)| out);
        let pieces = decode(&req, &wire, &splits).map(|(out, _)| out);
        let bytes = decode(&req, &wire, &[1]).map(|(out, _)| out);
        prop_assert_eq!(&whole, &pieces);
        prop_assert_eq!(&whole, &bytes);
        if xor == 0 {
            prop_assert_eq!(whole, Ok(data));
        } else if let Ok(out) = whole {
            prop_assert!(old.eq_ignore_ascii_case(&wire[i]));
            prop_assert_eq!(out, data);
        }
    }

    #[test]
    fn dropped_duplicated_or_reordered_chunks_are_refused((data, cs, trailer, _s) in arb_upload(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>(), op in 0u8..3) {
        let (req, frames) = signed_frames(&data, cs, trailer);
        let mut frames = frames;
        let n = frames.len();
        let (i, j) = (a.index(n), b.index(n));
        match op {
            0 => { frames.remove(i); }
            1 => { let f = frames[i].clone(); frames.insert(j, f); }
            _ => {
                prop_assume!(i != j && frames[i] != frames[j]);
                frames.swap(i, j);
            }
        }
        prop_assert!(decode(&req, &frames.concat(), &[2048]).is_err());
    }
}

/// A bitwise reflected CRC, written from the algorithms' parameters: a second implementation
/// to check the crates against.
fn reflected_crc(data: &[u8], poly: u64, width: u32) -> u64 {
    let mask = if width == 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    };
    let mut crc = mask;
    for &b in data {
        crc ^= u64::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ poly
            } else {
                crc >> 1
            };
        }
    }
    crc ^ mask
}

#[test]
fn checksums_match_independent_implementations() {
    use base64::Engine as _;
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    let data: Vec<u8> = (0..100_000u32).map(|i| (i * 31 % 251) as u8).collect();
    let crc32 = reflected_crc(&data, 0xEDB8_8320, 32) as u32;
    let crc32c = reflected_crc(&data, 0x82F6_3B78, 32) as u32;
    let crc64 = reflected_crc(&data, 0x9A6C_9329_AC4B_C9B5, 64);
    assert_eq!(Checksum::Crc32.compute(&data), b64(&crc32.to_be_bytes()));
    assert_eq!(Checksum::Crc32c.compute(&data), b64(&crc32c.to_be_bytes()));
    assert_eq!(
        Checksum::Crc64Nvme.compute(&data),
        b64(&crc64.to_be_bytes())
    );
    // The bitwise reference itself, on the catalogue's check values.
    assert_eq!(reflected_crc(b"123456789", 0xEDB8_8320, 32), 0xCBF4_3926);
    assert_eq!(reflected_crc(b"123456789", 0x82F6_3B78, 32), 0xE306_9283);
    assert_eq!(
        reflected_crc(b"123456789", 0x9A6C_9329_AC4B_C9B5, 64),
        0xAE8B_1486_0A79_9888
    );
    // Python's zlib and hashlib over the same data:
    // python3 -c "import zlib,hashlib,base64; d=bytes((i*31)%251 for i in range(100000)); ..."
    assert_eq!(Checksum::Crc32.compute(&data), "V/nzdQ==");
    assert_eq!(
        Checksum::Sha1.compute(&data),
        "cVCLYPSsI06FKkGQ+K+FlMSP468="
    );
    assert_eq!(
        Checksum::Sha256.compute(&data),
        "3xb3N7+vD2GiOS3jzseE1X2r13yER63YmRw3oXY+3Ew="
    );
}

#[test]
fn session_tokens_clock_offsets_and_other_encodings_round_trip() {
    let creds = Credentials::new(AKID, SECRET).with_session_token("a-session-token");
    let signer = Signer::new(creds.clone(), "us-east-1", "s3")
        .with_settings(Settings::s3())
        .with_clock_offset(time::Duration::seconds(90));
    let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key")
        .header("content-encoding", "gzip")
        .body(())
        .unwrap();
    let data = vec![1u8; 9000];
    let upload = ChunkedUpload::signed(9000)
        .chunk_size(8192)
        .trailer(Checksum::Sha256);
    let mut up = signer
        .sign_chunked_at(&mut req, upload, example_time())
        .unwrap();
    assert_eq!(req.headers()["content-encoding"], "aws-chunked,gzip");
    assert_eq!(req.headers()["x-amz-date"], "20130524T000130Z");
    assert!(req.headers()["x-amz-security-token"].is_sensitive());
    let mut wire = Vec::new();
    for c in data.chunks(8192) {
        up.write_chunk(c, &mut wire).unwrap();
    }
    up.finish(&mut wire).unwrap();
    let verifier = Verifier::new(creds, "us-east-1", "s3").with_settings(Settings::s3());
    let mut d = verifier.verify_chunked_at(&req, example_time()).unwrap();
    let mut out = bytes::BytesMut::new();
    d.feed(&wire, &mut out).unwrap();
    assert!(d.is_done());
    let done = d.finish().unwrap();
    assert_eq!(&out[..], &data[..]);
    assert_eq!(done.verified().access_key_id(), AKID);
    assert_eq!(done.checksum().unwrap().0, Checksum::Sha256);
    // Signing again leaves one aws-chunked in front.
    signer
        .sign_chunked_at(&mut req, upload, example_time())
        .unwrap();
    assert_eq!(req.headers()["content-encoding"], "aws-chunked,gzip");
}

#[test]
fn the_aws_sdk_for_rust_unsigned_wire_form_decodes() {
    // aws-runtime 1.6 (the AWS SDK for Rust) sends an unsigned body as one chunk, its size in
    // upper-case hex, then `0`, the trailer and the closing CRLF.
    let data: Vec<u8> = (0..100_000u32).map(|i| (i % 241) as u8).collect();
    let (req, _) = sign_frames(
        &signer(Settings::s3()),
        ChunkedUpload::unsigned(data.len() as u64),
        &data,
        64 * 1024,
    );
    let crc = Checksum::Crc32.compute(&data);
    let wire = [
        format!("{:X}\r\n", data.len()).as_bytes(),
        &data,
        format!("\r\n0\r\nx-amz-checksum-crc32:{crc}\r\n\r\n").as_bytes(),
    ]
    .concat();
    assert!(wire.starts_with(b"186A0\r\n"));
    // Unsigned chunks stream through: the signed-chunk limit does not apply.
    let mut d = verifier()
        .verify_chunked_at(&req, example_time())
        .unwrap()
        .with_max_chunk_size(8192);
    let mut out = Vec::new();
    for piece in wire.chunks(3000) {
        d.feed(piece, &mut out).unwrap();
    }
    assert_eq!(
        d.finish().unwrap().checksum(),
        Some((Checksum::Crc32, crc.as_str()))
    );
    assert_eq!(out, data);
}

#[test]
fn the_seed_signature_matches_aws_sigv4_request_signing() {
    use aws_sigv4::http_request::{
        PercentEncodingMode, SignableBody, SignableRequest, SigningSettings,
        UriPathNormalizationMode, sign,
    };
    let identity: aws_smithy_runtime_api::client::identity::Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, None, None, "test").into();
    let mut settings = SigningSettings::default();
    settings.percent_encoding_mode = PercentEncodingMode::Single;
    settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("s3")
        .time(example_time())
        .settings(settings)
        .build()
        .unwrap()
        .into();
    let s = signer(Settings::s3());
    let uploads = [
        ChunkedUpload::signed(66_560),
        ChunkedUpload::signed(1).trailer(Checksum::Crc64Nvme),
        ChunkedUpload::unsigned(0).trailer(Checksum::Sha1),
    ];
    for upload in uploads {
        let mut req = example_request();
        let seed = s
            .sign_chunked_at(&mut req, upload, example_time())
            .unwrap()
            .seed_signature()
            .to_string();
        // aws-sigv4 over the same request, headers as the chunked signer left them.
        let mut theirs = req.clone();
        theirs.headers_mut().remove("authorization");
        theirs.headers_mut().remove("x-amz-date");
        let headers: Vec<(String, String)> = theirs
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap().to_string()))
            .collect();
        let signable = SignableRequest::new(
            "PUT",
            theirs.uri().to_string(),
            headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
            SignableBody::Precomputed(upload.payload().as_str().to_string()),
        )
        .unwrap();
        let (_, signature) = sign(signable, &params).unwrap().into_parts();
        assert_eq!(seed, signature, "{upload:?}");
    }
}
