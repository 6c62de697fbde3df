//! Event streams (`awssig::streaming::EventStreamSigner` and `EventStreamDecoder`): every
//! envelope cross-checked byte for byte against `aws-sigv4`'s `event_stream::sign_message` and
//! `sign_empty_message` (encoded by `aws-smithy-eventstream`; expected values computed at test
//! time), the initial request against `aws-sigv4`'s request signing, and the decoder's round
//! trips and refusals: any corrupted byte, reordered, dropped or duplicated envelope.

use std::time::{Duration, SystemTime};

use aws_smithy_types::event_stream::{Header, HeaderValue, Message};
use awssig::streaming::{EventStreamSigner, EventStreamVerifyError};
use awssig::{Credentials, Signer, Verifier, VerifyError};
use proptest::prelude::*;

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// 2015-08-30T12:36:00Z.
fn t0() -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160)
}

fn creds() -> Credentials {
    Credentials::new(AKID, SECRET)
}

fn signer() -> Signer {
    Signer::new(creds(), "us-east-1", "transcribe")
}

fn verifier() -> Verifier {
    Verifier::new(creds(), "us-east-1", "transcribe")
}

fn request() -> http::Request<()> {
    http::Request::post("https://transcribestreaming.us-east-1.amazonaws.com/stream-transcription")
        .header(
            "x-amz-target",
            "com.amazonaws.transcribe.Transcribe.StartStreamTranscription",
        )
        .body(())
        .unwrap()
}

/// An inner message encoded by `aws-smithy-eventstream`.
fn encode(message: &Message) -> Vec<u8> {
    let mut out = Vec::new();
    aws_smithy_eventstream::frame::write_message_to(message, &mut out).unwrap();
    out
}

fn inner(i: usize, payload: &[u8]) -> Vec<u8> {
    encode(
        &Message::new(payload.to_vec())
            .add_header(Header::new(
                ":message-type",
                HeaderValue::String("event".into()),
            ))
            .add_header(Header::new(
                ":event-type",
                HeaderValue::String(format!("Audio{i}").into()),
            )),
    )
}

/// Signs `messages` as one stream at `t0() + i` seconds each; the request, the envelopes
/// (end frame last) and the signer.
fn signed_stream(messages: &[Vec<u8>]) -> (http::Request<()>, Vec<Vec<u8>>, EventStreamSigner) {
    let mut req = request();
    let mut es = signer().sign_event_stream_at(&mut req, t0()).unwrap();
    let mut frames = Vec::new();
    for (i, m) in messages.iter().enumerate() {
        frames.push(
            es.sign_message(m, t0() + Duration::from_secs(i as u64))
                .unwrap(),
        );
    }
    frames.push(
        es.finish(t0() + Duration::from_secs(messages.len() as u64))
            .unwrap(),
    );
    (req, frames, es)
}

/// Feeds `wire` in pieces of `piece` bytes; the messages yielded and the outcome.
fn decode(
    req: &http::Request<()>,
    wire: &[u8],
    piece: usize,
) -> (Vec<Vec<u8>>, Result<(), EventStreamVerifyError>) {
    let mut decoder = verifier().verify_event_stream_at(req, t0()).unwrap();
    let mut out = Vec::new();
    for p in wire.chunks(piece.max(1)) {
        if let Err(e) = decoder.feed(p, t0(), &mut out) {
            return (out, Err(e));
        }
    }
    (out, decoder.finish().map(|_| ()))
}

#[test]
fn every_envelope_matches_aws_sigv4_byte_for_byte() {
    use aws_sigv4::event_stream::{sign_empty_message, sign_message};
    let identity: aws_smithy_runtime_api::client::identity::Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, None, None, "test").into();
    let payloads: [&[u8]; 5] = [b"", b"x", &[0u8; 1000], b"{\"a\":1}", &[0xff; 70_000]];
    let mut req = request();
    let mut es = signer().sign_event_stream_at(&mut req, t0()).unwrap();
    let mut last = es.seed_signature().to_string();
    // Seconds apart, across a sub-second time (truncated by both), and across midnight UTC
    // (a new scope date and signing key).
    let times = [
        t0(),
        t0() + Duration::from_millis(1_500),
        t0() + Duration::from_secs(60),
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_979_199),
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_979_200),
    ];
    for (i, (payload, time)) in payloads.iter().zip(times).enumerate() {
        let message = Message::new(payload.to_vec()).add_header(Header::new(
            "some-header",
            HeaderValue::String(format!("value {i}").into()),
        ));
        let params = aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&identity)
            .region("us-east-1")
            .name("transcribe")
            .time(time)
            .settings(())
            .build()
            .unwrap();
        let (theirs, signature) = sign_message(&message, &last, &params).unwrap().into_parts();
        let ours = es.sign_message(&encode(&message), time).unwrap();
        assert_eq!(ours, encode(&theirs), "message {i}");
        assert_eq!(es.last_signature().to_string(), signature, "message {i}");
        last = signature;
    }
    let time = t0() + Duration::from_secs(86_400);
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("transcribe")
        .time(time)
        .settings(())
        .build()
        .unwrap();
    let (theirs, signature) = sign_empty_message(&last, &params).unwrap().into_parts();
    assert_eq!(es.finish(time).unwrap(), encode(&theirs));
    assert_eq!(es.last_signature().to_string(), signature);
}

#[test]
fn the_initial_request_matches_aws_sigv4_request_signing() {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let identity: aws_smithy_runtime_api::client::identity::Identity =
        aws_credential_types::Credentials::new(AKID, SECRET, None, None, "test").into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("transcribe")
        .time(t0())
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let mut req = request();
    let seed = signer()
        .sign_event_stream_at(&mut req, t0())
        .unwrap()
        .seed_signature()
        .to_string();
    assert_eq!(
        req.headers()["x-amz-content-sha256"],
        "STREAMING-AWS4-HMAC-SHA256-EVENTS"
    );
    let mut theirs = req.clone();
    theirs.headers_mut().remove("authorization");
    theirs.headers_mut().remove("x-amz-date");
    let headers: Vec<(String, String)> = theirs
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap().to_string()))
        .collect();
    let signable = SignableRequest::new(
        "POST",
        theirs.uri().to_string(),
        headers.iter().map(|(k, v)| (k.as_str(), v.as_str())),
        SignableBody::Precomputed("STREAMING-AWS4-HMAC-SHA256-EVENTS".into()),
    )
    .unwrap();
    let (_, signature) = sign(signable, &params).unwrap().into_parts();
    assert_eq!(seed, signature);
}

#[test]
fn a_signed_stream_verifies_in_any_split() {
    let messages: Vec<Vec<u8>> = (0..4).map(|i| inner(i, &vec![i as u8; i * 300])).collect();
    let (req, frames, _) = signed_stream(&messages);
    let wire = frames.concat();
    for piece in [1, 2, 11, 12, 13, 67, 100, 4096, wire.len()] {
        let (out, result) = decode(&req, &wire, piece);
        assert_eq!(result, Ok(()), "piece {piece}");
        assert_eq!(out, messages, "piece {piece}");
    }
}

#[test]
fn an_empty_stream_is_only_the_end_frame() {
    let (req, frames, _) = signed_stream(&[]);
    assert_eq!(frames.len(), 1);
    let (out, result) = decode(&req, &frames[0], 5);
    assert_eq!(result, Ok(()));
    assert!(out.is_empty());
}

#[test]
fn a_missing_end_frame_is_incomplete() {
    let messages = vec![inner(0, b"a")];
    let (req, frames, _) = signed_stream(&messages);
    let (out, result) = decode(&req, &frames[0], 7);
    assert_eq!(out, messages);
    assert_eq!(result, Err(EventStreamVerifyError::Incomplete));
}

#[test]
fn a_message_outside_the_skew_is_refused() {
    let mut req = request();
    let mut es = signer().sign_event_stream_at(&mut req, t0()).unwrap();
    let late = es
        .sign_message(b"late", t0() + Duration::from_secs(16 * 60))
        .unwrap();
    let mut decoder = verifier().verify_event_stream_at(&req, t0()).unwrap();
    let mut out = Vec::new();
    assert_eq!(
        decoder.feed(&late, t0(), &mut out),
        Err(EventStreamVerifyError::MessageTimeTooSkewed)
    );
    assert!(out.is_empty());
    // Fed later, the same envelope is within the skew.
    let mut decoder = verifier().verify_event_stream_at(&req, t0()).unwrap();
    decoder
        .feed(&late, t0() + Duration::from_secs(16 * 60), &mut out)
        .unwrap();
    assert_eq!(out, [b"late".to_vec()]);
}

#[test]
fn a_stream_past_midnight_verifies_with_each_days_key() {
    // 2015-08-30T23:55:00Z; messages dated on both days, each in its own scope.
    let start = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_978_900);
    let times = [0u64, 299, 301, 400, 86_400 + 350].map(|s| start + Duration::from_secs(s));
    let mut req = request();
    let mut es = signer().sign_event_stream_at(&mut req, start).unwrap();
    let mut decoder = verifier().verify_event_stream_at(&req, start).unwrap();
    let mut out = Vec::new();
    for (i, t) in times[..4].iter().enumerate() {
        let frame = es.sign_message(&inner(i, b"x"), *t).unwrap();
        decoder.feed(&frame, *t, &mut out).unwrap();
    }
    // A day later: a third scope date.
    let frame = es.finish(times[4]).unwrap();
    decoder.feed(&frame, times[4], &mut out).unwrap();
    decoder.finish().unwrap();
    assert_eq!(out.len(), 4);
}

#[test]
fn a_frame_over_the_limit_is_refused_from_its_prelude() {
    let (req, frames, _) = signed_stream(&[vec![0; 2000]]);
    let mut decoder = verifier()
        .verify_event_stream_at(&req, t0())
        .unwrap()
        .with_max_message_size(1000);
    let mut out = Vec::new();
    let e = decoder.feed(&frames[0][..12], t0(), &mut out).unwrap_err();
    assert!(
        matches!(e, EventStreamVerifyError::MessageTooLarge { max: 1000, .. }),
        "{e:?}"
    );
    assert_eq!(e.aws_code(), "EntityTooLarge");
}

#[test]
fn the_request_must_claim_an_event_stream_and_only_this_entry_point_takes_one() {
    let (req, _, _) = signed_stream(&[]);
    // verify_at would leave the messages unchecked.
    assert_eq!(
        verifier()
            .verify_at(&req, awssig::Payload::Bytes(b""), t0())
            .unwrap_err(),
        VerifyError::InvalidContentSha256
    );
    let mut plain = request();
    signer()
        .sign_payload_at(&mut plain, awssig::Payload::Bytes(b""), t0())
        .unwrap();
    let e = verifier().verify_event_stream_at(&plain, t0()).unwrap_err();
    assert_eq!(e, EventStreamVerifyError::NotEventStream);
    // A tampered request is refused before any message.
    let mut bad = req.clone();
    bad.headers_mut()
        .insert("x-amz-target", http::HeaderValue::from_static("other"));
    let e = verifier().verify_event_stream_at(&bad, t0()).unwrap_err();
    assert_eq!(
        e,
        EventStreamVerifyError::Verify(VerifyError::SignatureMismatch)
    );
    assert_eq!(e.status(), 403);
}

#[test]
fn signing_after_finish_is_refused() {
    let (_, _, mut es) = signed_stream(&[]);
    assert!(es.sign_message(b"x", t0()).is_err());
    assert!(es.finish(t0()).is_err());
}

fn stream_strategy() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..200), 1..5)
        .prop_map(|ps| ps.iter().enumerate().map(|(i, p)| inner(i, p)).collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn any_split_yields_the_same_messages(messages in stream_strategy(), cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8)) {
        let (req, frames, _) = signed_stream(&messages);
        let wire = frames.concat();
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(wire.len() + 1)).collect();
        at.push(0);
        at.push(wire.len());
        at.sort_unstable();
        let mut decoder = verifier().verify_event_stream_at(&req, t0()).unwrap();
        let mut out = Vec::new();
        for w in at.windows(2) {
            decoder.feed(&wire[w[0]..w[1]], t0(), &mut out).unwrap();
        }
        prop_assert!(decoder.finish().is_ok());
        prop_assert_eq!(out, messages);
    }

    #[test]
    fn any_corrupted_byte_is_refused(messages in stream_strategy(), at in any::<prop::sample::Index>(), flip in 1u8..=255) {
        let (req, frames, _) = signed_stream(&messages);
        let mut wire = frames.concat();
        let i = at.index(wire.len());
        wire[i] ^= flip;
        let (out, result) = decode(&req, &wire, 17);
        prop_assert!(result.is_err());
        // Only the untouched messages before the corrupted envelope come out.
        prop_assert!(out.len() <= messages.len());
        prop_assert_eq!(&out[..], &messages[..out.len()]);
    }

    #[test]
    fn a_reordered_dropped_or_duplicated_envelope_is_refused(messages in stream_strategy(), a in any::<prop::sample::Index>(), b in any::<prop::sample::Index>(), op in 0u8..3) {
        let (req, mut frames, _) = signed_stream(&messages);
        let n = frames.len();
        let (i, j) = (a.index(n), b.index(n));
        match op {
            0 => {
                prop_assume!(i != j);
                frames.swap(i, j);
            }
            1 => {
                frames.remove(i);
            }
            _ => {
                let f = frames[i].clone();
                frames.insert(j, f);
            }
        }
        let (out, result) = decode(&req, &frames.concat(), 64);
        prop_assert!(result.is_err());
        prop_assert_eq!(&out[..], &messages[..out.len()]);
    }
}
