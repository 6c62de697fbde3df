//! Event streams (`STREAMING-AWS4-HMAC-SHA256-EVENTS`, as Transcribe streaming and other
//! bidirectional AWS APIs use them), both sides:
//! [`Signer::sign_event_stream_at`] signs the initial request and hands back an
//! [`EventStreamSigner`] that wraps each encoded message in a signed envelope, chained on the
//! signature before it, then writes the empty end frame;
//! [`Verifier::verify_event_stream_at`] checks the request and hands back an
//! [`EventStreamDecoder`] that takes the envelope bytes in pieces of any size and yields only
//! inner messages whose signature checks and whose `:date` is within the verifier's skew.
//!
//! The inner messages are opaque bytes here (already encoded event-stream messages); the
//! envelope's framing, CRCs and the two headers are written and checked by this module.
//!
//! ```
//! use awssig::{Credentials, Signer, Verifier};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let signer = Signer::new(creds.clone(), "us-east-1", "transcribe");
//! let now = time::OffsetDateTime::now_utc();
//!
//! let mut req = http::Request::post("https://transcribestreaming.us-east-1.amazonaws.com/stream-transcription")
//!     .body(())?;
//! let mut es = signer.sign_event_stream_at(&mut req, now)?;
//! let mut wire = es.sign_message(b"first encoded message", now)?;
//! wire.extend(es.sign_message(b"second", now)?);
//! wire.extend(es.finish(now)?);
//!
//! let verifier = Verifier::new(creds, "us-east-1", "transcribe");
//! let mut decoder = verifier.verify_event_stream_at(&req, now)?;
//! let mut messages = Vec::new();
//! for piece in wire.chunks(7) {
//!     decoder.feed(piece, now, &mut messages)?;
//! }
//! decoder.finish()?;
//! assert_eq!(messages, [&b"first encoded message"[..], b"second"]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use crate::prelude::*;

use core::fmt;

use bytes::BufMut;

use crate::credentials::Credentials;
use crate::error::SignError;
use crate::payload::Payload;
use crate::request::SignableRequest;
use crate::sign::event_stream::{
    self as stage, DATE_HEADER, ENVELOPE_OVERHEAD, MESSAGE_CRC_LEN, PRELUDE_LEN, SIGNATURE_HEADER,
    TYPE_BYTE_ARRAY, TYPE_TIMESTAMP,
};
use crate::sign::key::{Signature, SigningKey};
use crate::sign::string_to_sign::{Region, Scope};
use crate::signer::Signer;
use crate::sink::Sink;
use crate::spec::{STREAMING_EVENTS, header};
use crate::time::{AmzDate, SigningTime};
use crate::verify::{SIGNATURE_MISMATCH_MESSAGE, Streaming, Verified, Verifier, VerifyError};

/// The largest inner message a decoder buffers unless told otherwise: 16 MiB, the
/// event-stream format's own limit.
pub const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 * 1024 * 1024;

/// Why an event-stream message could not be signed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventStreamSignError {
    /// The time could not be signed (a year outside 0000 to 9999).
    #[error(transparent)]
    Sign(#[from] SignError),
    /// The envelope would be over 4 GiB, the format's limit.
    #[error(
        "a message of {size} bytes does not fit in an event-stream frame: send messages under 16 MiB"
    )]
    MessageTooLarge {
        /// The inner message's size.
        size: usize,
    },
    /// A message (or a second `finish`) after the end frame.
    #[error("message after finish: the stream is complete; sign a new request for more messages")]
    Finished,
}

/// The signing key of one UTC day, with its scope.
struct DayKey {
    day: [u8; 8],
    key: SigningKey,
    scope: Box<[u8]>,
}

/// Wraps the messages of one event stream in signed envelopes, from
/// [`Signer::sign_event_stream_at`]. Its `Debug` shows neither the key nor the signatures.
pub struct EventStreamSigner {
    signer: Signer,
    day: Option<DayKey>,
    previous: Signature,
    seed: Signature,
    finished: bool,
}

impl fmt::Debug for EventStreamSigner {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStreamSigner")
            .field("finished", &self.finished)
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Signs `req` as the initial request of an event stream at `time`: sets
    /// `x-amz-content-sha256: STREAMING-AWS4-HMAC-SHA256-EVENTS` (the literal the signature
    /// covers in place of a payload hash) and signs it. Returns the [`EventStreamSigner`] that
    /// signs the messages, chained on this signature.
    ///
    /// # Errors
    /// The request's [`SignError`]; [`SignError::NotForSigV4a`] from a SigV4a signer (event
    /// streams are chained on SigV4 signatures).
    pub fn sign_event_stream_at<B>(
        &self,
        req: &mut http::Request<B>,
        time: impl Into<SigningTime>,
    ) -> Result<EventStreamSigner, SignError> {
        self.require_sigv4("an event stream")?;
        req.headers_mut().insert(
            http::HeaderName::from_static(header::X_AMZ_CONTENT_SHA256),
            http::HeaderValue::from_static(STREAMING_EVENTS),
        );
        let (date, seed) = self.sign_payload_dated(req, Payload::Unsigned, time.into())?;
        let (key, scope) = self.chain_key(&date);
        let mut day = [0u8; 8];
        day.copy_from_slice(date.date().as_bytes());
        Ok(EventStreamSigner {
            signer: self.clone(),
            day: Some(DayKey { day, key, scope }),
            previous: seed,
            seed,
            finished: false,
        })
    }
}

impl EventStreamSigner {
    /// The initial request's signature, which the first message's is chained on.
    pub fn seed_signature(&self) -> Signature {
        self.seed
    }

    /// The signature of the last envelope written (the seed before any).
    pub fn last_signature(&self) -> Signature {
        self.previous
    }

    /// Wraps `message` (one encoded event-stream message) in a signed envelope dated `time`
    /// (truncated to the second) and returns the envelope's bytes.
    ///
    /// # Errors
    /// [`EventStreamSignError::Finished`], [`EventStreamSignError::MessageTooLarge`], or
    /// [`EventStreamSignError::Sign`] for a time out of range.
    pub fn sign_message(
        &mut self,
        message: &[u8],
        time: impl Into<SigningTime>,
    ) -> Result<Vec<u8>, EventStreamSignError> {
        let mut out = Vec::with_capacity(message.len().saturating_add(ENVELOPE_OVERHEAD));
        self.write_message(message, time, &mut out)?;
        Ok(out)
    }

    /// [`EventStreamSigner::sign_message`] into `out` (a `Vec<u8>`, a `BytesMut`, ...).
    ///
    /// # Errors
    /// As [`EventStreamSigner::sign_message`]; nothing is written then.
    pub fn write_message(
        &mut self,
        message: &[u8],
        time: impl Into<SigningTime>,
        out: &mut impl BufMut,
    ) -> Result<(), EventStreamSignError> {
        if self.finished {
            return Err(EventStreamSignError::Finished);
        }
        if message
            .len()
            .checked_add(ENVELOPE_OVERHEAD)
            .is_none_or(|n| u32::try_from(n).is_err())
        {
            return Err(EventStreamSignError::MessageTooLarge {
                size: message.len(),
            });
        }
        self.sign_envelope(message, time.into(), out)
    }

    /// Writes the end frame (an envelope with an empty payload) dated `time`.
    ///
    /// # Errors
    /// [`EventStreamSignError::Finished`] the second time, or [`EventStreamSignError::Sign`].
    pub fn finish(
        &mut self,
        time: impl Into<SigningTime>,
    ) -> Result<Vec<u8>, EventStreamSignError> {
        if self.finished {
            return Err(EventStreamSignError::Finished);
        }
        let mut out = Vec::with_capacity(ENVELOPE_OVERHEAD);
        self.sign_envelope(&[], time.into(), &mut out)?;
        self.finished = true;
        Ok(out)
    }

    fn sign_envelope(
        &mut self,
        payload: &[u8],
        time: SigningTime,
        out: &mut impl BufMut,
    ) -> Result<(), EventStreamSignError> {
        let seconds = time.unix_seconds();
        let date = AmzDate::from_unix_seconds(seconds)?;
        // In range: the year is 0000 to 9999, so the milliseconds fit in an i64.
        let date_header = stage::date_header(seconds * 1000);
        let day = match &self.day {
            Some(d) if d.day == date.date().as_bytes() => d,
            _ => {
                let (key, scope) = self.signer.chain_key(&date);
                let mut day = [0u8; 8];
                day.copy_from_slice(date.date().as_bytes());
                self.day.insert(DayKey { day, key, scope })
            }
        };
        let signature = stage::message_signature(
            &day.key,
            &date,
            &day.scope,
            &self.previous,
            &date_header,
            payload,
        );
        // Straight into `out`, without a frame of its own: `write_envelope` refuses an
        // oversized payload before it writes a byte, so nothing is written on an error.
        if stage::write_envelope(&mut PutSink(out), &signature, &date_header, payload).is_none() {
            return Err(EventStreamSignError::MessageTooLarge {
                size: payload.len(),
            });
        }
        self.previous = signature;
        Ok(())
    }
}

/// A [`BufMut`] as the [`Sink`] the envelope stage writes into.
struct PutSink<'a, B: BufMut>(&'a mut B);

impl<B: BufMut> Sink for PutSink<'_, B> {
    fn put(&mut self, bytes: &[u8]) {
        self.0.put_slice(bytes);
    }
}

/// Why an event stream's request or one of its envelopes was refused.
///
/// `Display` says what was wrong, for logs; [`EventStreamVerifyError::aws_code`],
/// [`EventStreamVerifyError::aws_message`] and [`EventStreamVerifyError::status`] are the
/// answer to send.
///
/// ```
/// use awssig::streaming::EventStreamVerifyError;
/// let e = EventStreamVerifyError::MessageSignatureMismatch;
/// assert_eq!(e.aws_code(), "SignatureDoesNotMatch");
/// assert_eq!(e.status(), 403);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EventStreamVerifyError {
    /// The request's headers or signature were refused.
    Verify(VerifyError),
    /// `x-amz-content-sha256` is not `STREAMING-AWS4-HMAC-SHA256-EVENTS`.
    NotEventStream,
    /// The bytes are not a well-formed envelope; names what was wrong.
    Malformed(&'static str),
    /// An envelope is larger than the decoder's limit allows.
    MessageTooLarge {
        /// The envelope's declared total length.
        size: u64,
        /// The limit on the inner message.
        max: usize,
    },
    /// An envelope's signature does not match its message, its date and the signature
    /// before it (a changed, dropped, reordered or repeated message).
    MessageSignatureMismatch,
    /// An envelope's `:date` is further from the verifier's clock than its skew allows.
    MessageTimeTooSkewed,
    /// An envelope's `:date` is on another UTC day than the request's credential scope, and
    /// the credentials to derive that day's key are no longer known.
    MessageOutsideScope,
    /// The stream ended before its end frame.
    Incomplete,
}

impl From<VerifyError> for EventStreamVerifyError {
    fn from(e: VerifyError) -> Self {
        Self::Verify(e)
    }
}

impl EventStreamVerifyError {
    /// AWS's error code for the case.
    pub fn aws_code(&self) -> &'static str {
        match self {
            Self::Verify(e) => e.aws_code(),
            Self::NotEventStream => "InvalidRequest",
            Self::Malformed(_) | Self::Incomplete => "IncompleteBody",
            Self::MessageTooLarge { .. } => "EntityTooLarge",
            Self::MessageSignatureMismatch | Self::MessageOutsideScope => "SignatureDoesNotMatch",
            Self::MessageTimeTooSkewed => "RequestTimeTooSkewed",
        }
    }

    /// The HTTP status to answer with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Verify(e) => e.status(),
            Self::MessageSignatureMismatch
            | Self::MessageOutsideScope
            | Self::MessageTimeTooSkewed => 403,
            _ => 400,
        }
    }

    /// AWS's sentence for the case.
    pub fn aws_message(&self) -> String {
        match self {
            Self::Verify(e) => e.aws_message(),
            Self::NotEventStream => {
                "x-amz-content-sha256 must be STREAMING-AWS4-HMAC-SHA256-EVENTS for an event stream"
                    .into()
            }
            Self::Malformed(_) | Self::Incomplete => {
                "The event stream is not a sequence of well-formed signed frames.".into()
            }
            Self::MessageTooLarge { .. } => {
                "Your proposed upload exceeds the maximum allowed object size.".into()
            }
            Self::MessageSignatureMismatch | Self::MessageOutsideScope => {
                SIGNATURE_MISMATCH_MESSAGE.into()
            }
            Self::MessageTimeTooSkewed => {
                "The difference between the request time and the current time is too large.".into()
            }
        }
    }
}

impl fmt::Display for EventStreamVerifyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Verify(e) => e.fmt(f),
            Self::NotEventStream => f.write_str(
                "not an event stream: x-amz-content-sha256 is not STREAMING-AWS4-HMAC-SHA256-EVENTS",
            ),
            Self::Malformed(what) => write!(f, "malformed event-stream frame: {what}"),
            Self::MessageTooLarge { size, max } => write!(
                f,
                "a frame of {size} bytes is over the limit of {max} message bytes: send smaller messages or raise the decoder's limit"
            ),
            Self::MessageSignatureMismatch => f.write_str("event-stream message signature does not match"),
            Self::MessageTimeTooSkewed => f.write_str(
                "an event-stream message's :date is outside the allowed skew of the server's clock",
            ),
            Self::MessageOutsideScope => f.write_str(
                "an event-stream message's :date is on another day than the request's credential scope",
            ),
            Self::Incomplete => f.write_str("the event stream ended before its end frame"),
        }
    }
}

impl core::error::Error for EventStreamVerifyError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            Self::Verify(e) => Some(e),
            _ => None,
        }
    }
}

/// Decodes and verifies the envelopes of an event stream fed in pieces of any size, from
/// [`Verifier::verify_event_stream_at`].
///
/// Memory is bounded by one envelope: a frame whose declared length is over the limit is
/// refused from its prelude, before its body is buffered. Inner messages are handed out only
/// once their envelope's CRCs, signature and date check. After an error, every call returns
/// that error.
pub struct EventStreamDecoder {
    key: SigningKey,
    scope: Box<[u8]>,
    /// For messages dated on a later day than the request: its credentials, and the key and
    /// scope of the last such day.
    credentials: Option<Credentials>,
    other_day: Option<DayKey>,
    previous: Signature,
    max_skew: core::time::Duration,
    max_message_size: usize,
    frame: Vec<u8>,
    ended: bool,
    verified: Verified,
    failed: Option<EventStreamVerifyError>,
}

impl fmt::Debug for EventStreamDecoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStreamDecoder")
            .field("buffered", &self.frame.len())
            .field("ended", &self.ended)
            .field("max_message_size", &self.max_message_size)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// Verifies the initial request of an event stream at `now`: every check of
    /// [`Verifier::authenticate_at`], the `STREAMING-AWS4-HMAC-SHA256-EVENTS` claim, and the
    /// request's signature. Returns the decoder for its envelopes.
    ///
    /// # Errors
    /// An [`EventStreamVerifyError`]; [`EventStreamVerifyError::Verify`] for the checks shared
    /// with every request.
    pub fn verify_event_stream_at<B>(
        &self,
        req: &http::Request<B>,
        now: impl Into<SigningTime>,
    ) -> Result<EventStreamDecoder, EventStreamVerifyError> {
        self.verify_event_stream_request_at(&SignableRequest::from(req), now)
    }

    /// [`Verifier::verify_event_stream_at`] for a [`SignableRequest`].
    ///
    /// # Errors
    /// As [`Verifier::verify_event_stream_at`].
    pub fn verify_event_stream_request_at(
        &self,
        req: &SignableRequest<'_>,
        now: impl Into<SigningTime>,
    ) -> Result<EventStreamDecoder, EventStreamVerifyError> {
        let is_events = req
            .header_value(header::X_AMZ_CONTENT_SHA256)
            .is_some_and(|v| v.trim_ascii() == STREAMING_EVENTS.as_bytes());
        // Who it is first: a stranger learns nothing about the body's format.
        let authenticated = self.authenticate(req, now.into(), Streaming::Events)?;
        if !is_events {
            return Err(EventStreamVerifyError::NotEventStream);
        }
        let seed = authenticated.verify_event_seed(req)?;
        let credentials = self.lookup_credentials(seed.verified.access_key_id());
        Ok(EventStreamDecoder {
            key: seed.key,
            scope: seed.scope,
            credentials,
            other_day: None,
            previous: seed.signature,
            max_skew: self.max_skew(),
            max_message_size: DEFAULT_MAX_MESSAGE_SIZE,
            frame: Vec::new(),
            ended: false,
            verified: seed.verified,
            failed: None,
        })
    }
}

impl EventStreamDecoder {
    /// Sets the largest inner message accepted (default [`DEFAULT_MAX_MESSAGE_SIZE`]).
    #[must_use]
    pub fn with_max_message_size(mut self, max: usize) -> Self {
        self.max_message_size = max;
        self
    }

    /// What the request's signature proved.
    pub fn verified(&self) -> &Verified {
        &self.verified
    }

    /// Whether the end frame was read.
    pub fn is_finished(&self) -> bool {
        self.ended
    }

    /// Takes the next `bytes` of the stream; each inner message completed by them whose
    /// envelope checks (CRCs, signature chained on the one before, `:date` within the skew of
    /// `now`) is pushed to `out`.
    ///
    /// # Errors
    /// An [`EventStreamVerifyError`]; messages verified before the bad envelope are in `out`.
    pub fn feed(
        &mut self,
        bytes: &[u8],
        now: impl Into<SigningTime>,
        out: &mut Vec<Vec<u8>>,
    ) -> Result<(), EventStreamVerifyError> {
        self.feed_with(bytes, now, |message| out.push(message.to_vec()))
    }

    /// [`EventStreamDecoder::feed`] that lends each verified inner message to `each` instead
    /// of copying it into a `Vec`: the slice is the decoder's own frame buffer, valid for the
    /// call. Once that buffer has grown to the largest envelope, decoding allocates nothing.
    ///
    /// ```
    /// use awssig::{Credentials, Signer, Verifier};
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let now = time::OffsetDateTime::now_utc();
    /// let mut req = http::Request::post("https://example.amazonaws.com/stream").body(())?;
    /// let mut es = Signer::new(creds.clone(), "us-east-1", "svc").sign_event_stream_at(&mut req, now)?;
    /// let mut wire = es.sign_message(b"hello", now)?;
    /// wire.extend(es.finish(now)?);
    ///
    /// let mut decoder = Verifier::new(creds, "us-east-1", "svc").verify_event_stream_at(&req, now)?;
    /// let mut total = 0;
    /// decoder.feed_with(&wire, now, |message| total += message.len())?;
    /// decoder.finish()?;
    /// assert_eq!(total, 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// As [`EventStreamDecoder::feed`]; `each` has seen the messages verified before the bad
    /// envelope.
    pub fn feed_with(
        &mut self,
        mut bytes: &[u8],
        now: impl Into<SigningTime>,
        mut each: impl FnMut(&[u8]),
    ) -> Result<(), EventStreamVerifyError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let now = now.into();
        while !bytes.is_empty() {
            if self.ended {
                return self.fail(EventStreamVerifyError::Malformed(
                    "data after the end frame",
                ));
            }
            let need = if self.frame.len() < PRELUDE_LEN {
                PRELUDE_LEN
            } else {
                match self.frame_len() {
                    Ok(n) => n,
                    Err(e) => return self.fail(e),
                }
            };
            let take = (need - self.frame.len()).min(bytes.len());
            self.frame.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.frame.len() == PRELUDE_LEN
                && let Err(e) = self.frame_len()
            {
                return self.fail(e);
            }
            if self.frame.len() > PRELUDE_LEN && self.frame.len() == need {
                let frame = core::mem::take(&mut self.frame);
                match self.check_frame(&frame, now) {
                    Ok(Some(message)) => each(message),
                    Ok(None) => self.ended = true,
                    Err(e) => return self.fail(e),
                }
                // Reuse the allocation for the next frame.
                self.frame = frame;
                self.frame.clear();
            }
        }
        Ok(())
    }

    /// Ends the stream.
    ///
    /// # Errors
    /// [`EventStreamVerifyError::Incomplete`] before the end frame, or the error that stopped
    /// the stream.
    pub fn finish(self) -> Result<Verified, EventStreamVerifyError> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if !self.ended {
            return Err(EventStreamVerifyError::Incomplete);
        }
        Ok(self.verified)
    }

    fn fail(&mut self, e: EventStreamVerifyError) -> Result<(), EventStreamVerifyError> {
        self.failed = Some(e.clone());
        self.frame = Vec::new();
        Err(e)
    }

    /// The frame's total length, from its checked prelude.
    fn frame_len(&self) -> Result<usize, EventStreamVerifyError> {
        let p = &self.frame[..PRELUDE_LEN];
        let total = u32::from_be_bytes([p[0], p[1], p[2], p[3]]);
        let headers = u32::from_be_bytes([p[4], p[5], p[6], p[7]]);
        let crc = u32::from_be_bytes([p[8], p[9], p[10], p[11]]);
        if crc32fast::hash(&p[..8]) != crc {
            return Err(EventStreamVerifyError::Malformed("prelude checksum"));
        }
        let total = total as usize;
        let headers = headers as usize;
        if total < PRELUDE_LEN + MESSAGE_CRC_LEN || headers > total - PRELUDE_LEN - MESSAGE_CRC_LEN
        {
            return Err(EventStreamVerifyError::Malformed("frame lengths"));
        }
        if total > self.max_message_size.saturating_add(ENVELOPE_OVERHEAD) {
            return Err(EventStreamVerifyError::MessageTooLarge {
                size: total as u64,
                max: self.max_message_size,
            });
        }
        Ok(total)
    }

    /// Checks one whole envelope; its inner message, or `None` for the end frame.
    fn check_frame<'f>(
        &mut self,
        frame: &'f [u8],
        now: SigningTime,
    ) -> Result<Option<&'f [u8]>, EventStreamVerifyError> {
        let body_end = frame.len() - MESSAGE_CRC_LEN;
        let crc = &frame[body_end..];
        if crc32fast::hash(&frame[..body_end]).to_be_bytes() != crc {
            return Err(EventStreamVerifyError::Malformed("message checksum"));
        }
        let headers_len = u32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]) as usize;
        let headers = &frame[PRELUDE_LEN..PRELUDE_LEN + headers_len];
        let payload = &frame[PRELUDE_LEN + headers_len..body_end];
        let (claimed, millis) = envelope_headers(headers)?;
        let seconds = millis.div_euclid(1000);
        let skew = i128::try_from(self.max_skew.as_nanos()).unwrap_or(i128::MAX / 4);
        let at = i128::from(seconds) * 1_000_000_000;
        let now_ns =
            i128::from(now.unix_seconds()) * 1_000_000_000 + i128::from(now.subsec_nanos());
        if at < now_ns - skew || at > now_ns + skew {
            return Err(EventStreamVerifyError::MessageTimeTooSkewed);
        }
        let date = AmzDate::from_unix_seconds(seconds)
            .map_err(|_| EventStreamVerifyError::MessageTimeTooSkewed)?;
        let previous = self.previous;
        let (key, scope) = self.day_key(&date)?;
        let date_header = stage::date_header(millis);
        let signature =
            stage::message_signature(key, &date, scope, &previous, &date_header, payload);
        if !signature.ct_eq(&Signature::hmac(claimed)) {
            return Err(EventStreamVerifyError::MessageSignatureMismatch);
        }
        self.previous = signature;
        Ok((!payload.is_empty()).then_some(payload))
    }
}

impl EventStreamDecoder {
    /// The signing key and scope of `date`'s day: the request's, or one derived for a message
    /// dated on another day (a stream that runs past midnight UTC; aws-sigv4 dates and scopes
    /// each message on its own).
    fn day_key(&mut self, date: &AmzDate) -> Result<(&SigningKey, &[u8]), EventStreamVerifyError> {
        let day = date.date().as_bytes();
        if self.scope.get(..8) == Some(day) {
            return Ok((&self.key, &self.scope));
        }
        if self.other_day.as_ref().is_none_or(|d| d.day != day) {
            let creds = self
                .credentials
                .as_ref()
                .ok_or(EventStreamVerifyError::MessageOutsideScope)?;
            let credential = self.verified.credential();
            let scope = Scope {
                date: date.date(),
                region: Region::One(credential.region()),
                service: credential.service(),
            };
            let mut bytes = Vec::with_capacity(64);
            scope.write(&mut bytes);
            let mut d = [0u8; 8];
            d.copy_from_slice(day);
            self.other_day = Some(DayKey {
                day: d,
                key: SigningKey::derive(creds, &scope),
                scope: bytes.into_boxed_slice(),
            });
        }
        match &self.other_day {
            Some(d) => Ok((&d.key, &d.scope)),
            None => Err(EventStreamVerifyError::MessageOutsideScope),
        }
    }
}

/// The claimed signature and the `:date` (milliseconds) of an envelope's headers: exactly
/// those two, each once, in any order.
fn envelope_headers(mut h: &[u8]) -> Result<([u8; 32], i64), EventStreamVerifyError> {
    let bad = EventStreamVerifyError::Malformed;
    let mut signature = None;
    let mut date = None;
    while let Some((&name_len, rest)) = h.split_first() {
        let name_len = usize::from(name_len);
        let (name, rest) = rest.split_at_checked(name_len).ok_or(bad("header name"))?;
        let (&kind, rest) = rest.split_first().ok_or(bad("header type"))?;
        h = match (name, kind) {
            (SIGNATURE_HEADER, TYPE_BYTE_ARRAY) if signature.is_none() => {
                let (len, rest) = rest.split_at_checked(2).ok_or(bad(":chunk-signature"))?;
                if len != 32u16.to_be_bytes() {
                    return Err(bad(":chunk-signature length"));
                }
                let (value, rest) = rest.split_at_checked(32).ok_or(bad(":chunk-signature"))?;
                let mut v = [0u8; 32];
                v.copy_from_slice(value);
                signature = Some(v);
                rest
            }
            (DATE_HEADER, TYPE_TIMESTAMP) if date.is_none() => {
                let (value, rest) = rest.split_at_checked(8).ok_or(bad(":date"))?;
                let mut v = [0u8; 8];
                v.copy_from_slice(value);
                date = Some(i64::from_be_bytes(v));
                rest
            }
            _ => {
                return Err(bad(
                    "envelope headers must be one :chunk-signature and one :date",
                ));
            }
        };
    }
    match (signature, date) {
        (Some(s), Some(d)) => Ok((s, d)),
        _ => Err(bad("missing :chunk-signature or :date")),
    }
}
