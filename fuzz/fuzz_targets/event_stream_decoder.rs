//! The event-stream decoder on arbitrary bytes and on signed streams with one byte changed,
//! fed in arbitrary pieces: never a panic; a changed stream is always refused (every byte is
//! under a CRC, a signature or both); an unchanged one always yields the messages signed.
//!
//! Input: a flags byte (raw or signed, changed or not, how many messages), a split byte, then
//! the payload; with a changed byte, the last three input bytes say where and how.
#![no_main]

use std::time::{Duration, SystemTime};

use awssig::{Credentials, Signer, Verifier};
use libfuzzer_sys::fuzz_target;

/// 2015-08-30T12:36:00Z.
const SIGNED_AT: u64 = 1_440_938_160;

fn creds() -> Credentials {
    Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
}

/// Feeds `wire` in pieces of `split` bytes; the messages, or `None` if refused.
fn decode(req: &http::Request<()>, wire: &[u8], split: usize) -> Option<Vec<Vec<u8>>> {
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNED_AT);
    let verifier = Verifier::new(creds(), "us-east-1", "transcribe");
    let mut decoder = verifier
        .verify_event_stream_at(req, time)
        .ok()?
        .with_max_message_size(4096);
    let mut out = Vec::new();
    for piece in wire.chunks(split) {
        decoder.feed(piece, time, &mut out).ok()?;
    }
    decoder.finish().ok()?;
    Some(out)
}

fuzz_target!(|input: &[u8]| {
    let [flags, split, rest @ ..] = input else {
        return;
    };
    let split = usize::from(*split) * 7 + 1;
    let raw = flags & 0x80 != 0;
    let (payload, change) = match (flags & 0x40 != 0, rest.len().checked_sub(3)) {
        (true, Some(at)) => (&rest[..at], Some(&rest[at..])),
        _ => (rest, None),
    };
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(SIGNED_AT);
    let signer = Signer::new(creds(), "us-east-1", "transcribe");
    let mut req = http::Request::post("https://transcribestreaming.us-east-1.amazonaws.com/stream")
        .body(())
        .expect("a valid request");
    let mut es = signer
        .sign_event_stream_at(&mut req, time)
        .expect("the request signs");
    if raw {
        // Arbitrary bytes as the body of a validly signed request.
        let _ = decode(&req, payload, split);
        return;
    }
    // Up to 4 messages: the payload cut into that many pieces (some may be empty).
    let count = usize::from(flags % 4) + 1;
    let size = payload.len().div_ceil(count).max(1);
    let messages: Vec<Vec<u8>> = payload
        .chunks(size)
        .filter(|m| !m.is_empty())
        .map(<[u8]>::to_vec)
        .collect();
    let mut wire = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        let at = time + Duration::from_secs(i as u64);
        wire.extend(es.sign_message(m, at).expect("a small message signs"));
    }
    wire.extend(es.finish(time).expect("the end frame signs"));
    let Some(change) = change else {
        assert_eq!(
            decode(&req, &wire, split).as_deref(),
            Some(&messages[..]),
            "a signed stream was refused"
        );
        return;
    };
    let at = usize::from(u16::from_le_bytes([change[0], change[1]])) % wire.len();
    wire[at] ^= change[2].max(1);
    assert!(
        decode(&req, &wire, split).is_none(),
        "byte {at} changed and the stream was accepted"
    );
});
