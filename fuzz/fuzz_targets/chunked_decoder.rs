//! The `aws-chunked` decoder on arbitrary bytes and on signed streams with one byte changed,
//! fed in arbitrary pieces: never a panic; a changed stream is refused unless the change is a
//! letter's case where case does not matter (a hex chunk size, a trailer name) and the data
//! comes out the same; an unchanged one always decodes to the data signed.
//!
//! Input: a flags byte (form, checksum, raw or signed), a split byte, a repeat byte, then the
//! payload; with a changed byte, the last three input bytes say where and how.
#![no_main]

use std::time::{Duration, SystemTime};

use awssig::streaming::{Checksum, ChunkedUpload};
use awssig::verify::UnsignedPayload;
use awssig::{Credentials, Settings, Signer, Verifier};
use libfuzzer_sys::fuzz_target;

/// The S3 documentation's example time, 2013-05-24T00:00:00Z.
const SIGNED_AT: u64 = 1_369_353_600;

fn creds() -> Credentials {
    Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    )
}

/// Feeds `wire` in pieces of `split` bytes; the decoded data, or `None` if refused.
fn decode(req: &http::Request<()>, wire: &[u8], split: usize) -> Option<Vec<u8>> {
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNED_AT);
    let verifier = Verifier::new(creds(), "us-east-1", "s3")
        .with_settings(Settings::s3())
        .with_unsigned_payload(UnsignedPayload::Allowed);
    let mut decoder = verifier.verify_chunked_at(req, time).ok()?;
    let mut out = Vec::new();
    for piece in wire.chunks(split) {
        decoder.feed(piece, &mut out).ok()?;
    }
    decoder.finish().ok()?;
    Some(out)
}

fuzz_target!(|input: &[u8]| {
    let [flags, split, repeat, rest @ ..] = input else {
        return;
    };
    let split = usize::from(*split) * 37 + 1;
    let checksum = Checksum::ALL[usize::from(flags / 4 % 5)];
    let raw = flags & 0x80 != 0;
    let (payload, change) = match (flags & 0x40 != 0, rest.len().checked_sub(3)) {
        (true, Some(at)) => (&rest[..at], Some(&rest[at..])),
        _ => (rest, None),
    };
    // Up to 8 copies of the payload: streams of several chunks from small inputs.
    let data: Vec<u8> = if raw {
        Vec::new()
    } else {
        payload.repeat(usize::from(repeat % 8) + 1)
    };
    let declared = if raw {
        u64::from(*repeat) * 97
    } else {
        data.len() as u64
    };
    let upload = match flags % 4 {
        0 => ChunkedUpload::signed(declared),
        1 | 2 => ChunkedUpload::signed(declared).trailer(checksum),
        _ => ChunkedUpload::unsigned(declared).trailer(checksum),
    }
    .chunk_size(8192);
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNED_AT);
    let signer = Signer::new(creds(), "us-east-1", "s3").with_settings(Settings::s3());
    let mut req = http::Request::put("https://bucket.s3.amazonaws.com/key")
        .body(())
        .expect("a valid request");
    let mut up = signer
        .sign_chunked_at(&mut req, upload, time)
        .expect("a chunked upload signs");
    if raw {
        // Arbitrary bytes as the body of a validly signed request.
        let _ = decode(&req, payload, split);
        return;
    }
    let mut wire = Vec::new();
    for chunk in data.chunks(8192) {
        up.write_chunk(chunk, &mut wire)
            .expect("a chunk of the chunk size");
    }
    up.finish(&mut wire)
        .expect("the declared length was written");
    let Some(change) = change else {
        assert_eq!(
            decode(&req, &wire, split).as_deref(),
            Some(&data[..]),
            "a signed stream was refused"
        );
        return;
    };
    let at = usize::from(u16::from_le_bytes([change[0], change[1]])) % wire.len();
    let xor = change[2].max(1);
    let old = wire[at];
    wire[at] ^= xor;
    if let Some(out) = decode(&req, &wire, split) {
        assert!(
            old.eq_ignore_ascii_case(&wire[at]),
            "byte {at} changed from {old:#04x} to {:#04x} and the stream was accepted",
            wire[at]
        );
        assert_eq!(out, data, "an accepted stream decoded to other data");
    }
});
