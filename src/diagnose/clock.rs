//! How far the server's clock is from ours ([`ClockOffset`]), read from what it answered.
//!
//! The sources: API Gateway's `Signature expired` / `Signature not yet current` messages, S3's
//! `<ServerTime>`, or the `Date` response header. The result feeds
//! [`Signer::with_clock_offset`](crate::Signer::with_clock_offset).
//!
//! S3's XML is read with `quick-xml` (through `error_body`). HTTP dates are read by the crate's
//! own parser in `time`, which the `#![no_std]` verifier also uses for a request's `Date`
//! header; it reads the one form HTTP senders must produce (IMF-fixdate).

use crate::prelude::*;

use time::OffsetDateTime;

use super::error_body::xml_fields;
use crate::time::{AmzDate, parse_http_date, parse_iso};

/// Where a clock offset was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ClockSource {
    /// `Signature expired: X is now earlier than Y (SERVER - 5 min.)`: exact, from the request's
    /// own date and the server's time.
    SignatureExpired,
    /// `Signature not yet current: X is still later than Y (SERVER + 5 min.)`.
    SignatureNotYetCurrent,
    /// S3 `RequestTimeTooSkewed` (`<RequestTime>` and `<ServerTime>`) or `Request is not yet
    /// valid` (`<X-Amz-Date>` and `<ServerTime>`).
    ServerTime,
    /// The `Date` response header compared with when the request was sent (1 s resolution).
    DateHeader,
}

/// A measured difference: add `offset` to this machine's time to get the server's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockOffset {
    /// Server time minus local time.
    pub offset: time::Duration,
    /// What it was read from.
    pub source: ClockSource,
}

/// The server's clock offset from a response: `body` (API Gateway JSON or S3 XML, as received)
/// first, then the `Date` header compared with `sent_at`, the local time the request was
/// signed. Returns `None` when the response says nothing about the server's time.
///
/// ```
/// let body = br#"{"message":"Signature expired: 20170212T175938Z is now earlier than 20170215T145534Z (20170215T150034Z - 5 min.)"}"#;
/// let sent = time::OffsetDateTime::UNIX_EPOCH; // not needed when the body has both times
/// let found = awssig::diagnose::clock_offset(&http::HeaderMap::new(), body, sent).unwrap();
/// // 20170215T150034Z - 20170212T175938Z
/// assert_eq!(found.offset, time::Duration::seconds(2 * 86_400 + 21 * 3600 + 56));
/// ```
pub fn clock_offset(
    headers: &http::HeaderMap,
    body: &[u8],
    sent_at: OffsetDateTime,
) -> Option<ClockOffset> {
    let text = String::from_utf8_lossy(body);
    if let Some(found) = from_message(&text) {
        return Some(found);
    }
    if let Some(found) = from_s3_xml(&text, sent_at) {
        return Some(found);
    }
    let date = headers.get(http::header::DATE)?.to_str().ok()?;
    let server = parse_http_date(date)?;
    Some(ClockOffset {
        offset: server - sent_at,
        source: ClockSource::DateHeader,
    })
}

/// Reads API Gateway's expired / not-yet-current messages anywhere in `text`.
pub(crate) fn from_message(text: &str) -> Option<ClockOffset> {
    for (marker, source) in [
        ("Signature expired: ", ClockSource::SignatureExpired),
        (
            "Signature not yet current: ",
            ClockSource::SignatureNotYetCurrent,
        ),
    ] {
        let Some(at) = text.find(marker) else {
            continue;
        };
        let rest = &text[at + marker.len()..];
        let request = amz(rest.get(..16)?)?;
        let open = rest.find('(')?;
        let server = amz(rest.get(open + 1..open + 17)?)?;
        return Some(ClockOffset {
            offset: server - request,
            source,
        });
    }
    None
}

/// S3: `RequestTimeTooSkewed` or `Request is not yet valid`, with `<ServerTime>`.
fn from_s3_xml(text: &str, sent_at: OffsetDateTime) -> Option<ClockOffset> {
    if !text.trim_start().starts_with('<') {
        return None;
    }
    let fields = xml_fields(text, &["ServerTime", "RequestTime", "X-Amz-Date"]).values;
    let xml_text = |i: usize| fields[i].as_deref().map(str::trim);
    let server = parse_iso(xml_text(0)?)?;
    let request = if text.contains("<Code>RequestTimeTooSkewed</Code>") {
        xml_text(1).and_then(|t| amz(t).or_else(|| parse_http_date(t)))
    } else if text.contains("Request is not yet valid") {
        // S3 echoes X-Amz-Date as epoch milliseconds here.
        xml_text(2).and_then(|t| {
            let ms: i64 = t.trim().parse().ok()?;
            OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000)).ok()
        })
    } else {
        return None;
    };
    Some(ClockOffset {
        offset: server - request.unwrap_or(sent_at),
        source: ClockSource::ServerTime,
    })
}

fn amz(s: &str) -> Option<OffsetDateTime> {
    AmzDate::parse(s.trim())?.to_offset_date_time()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn expired_message_gives_server_minus_request_time() {
        // The message quoted in aws-amplify/aws-sdk-android issue #253 on GitHub.
        let m = "Signature expired: 20170212T175938Z is now earlier than 20170215T145534Z (20170215T150034Z - 5 min.)";
        let o = from_message(m).unwrap();
        assert_eq!(
            o.offset,
            datetime!(2017-02-15 15:00:34 UTC) - datetime!(2017-02-12 17:59:38 UTC)
        );
        assert_eq!(o.source, ClockSource::SignatureExpired);
    }

    #[test]
    fn not_yet_current_message_gives_a_negative_offset() {
        // The message quoted in serverless/enterprise issue #11 on GitHub.
        let m = "Signature not yet current: 20181120T211543Z is still later than 20181120T211529Z (20181120T211029Z + 5 min.)";
        let o = from_message(m).unwrap();
        assert_eq!(o.offset, -time::Duration::seconds(5 * 60 + 14));
    }

    #[test]
    fn s3_request_time_too_skewed_uses_both_times() {
        let body = "<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message><RequestTime>Fri, 28 Apr 2017 07:01:06 GMT</RequestTime><ServerTime>2017-04-28T07:17:20Z</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>";
        let o = clock_offset(
            &http::HeaderMap::new(),
            body.as_bytes(),
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(o.offset, time::Duration::seconds(16 * 60 + 14));
        assert_eq!(o.source, ClockSource::ServerTime);
    }

    #[test]
    fn s3_not_yet_valid_reads_the_epoch_millisecond_date() {
        let body = "<Code>AccessDenied</Code><Message>Request is not yet valid</Message><X-Amz-Date>1473415775000</X-Amz-Date><Expires>2016-09-12T10:09:35Z</Expires><ServerTime>2016-09-08T10:09:44Z</ServerTime>";
        let o = clock_offset(
            &http::HeaderMap::new(),
            body.as_bytes(),
            OffsetDateTime::UNIX_EPOCH,
        )
        .unwrap();
        assert_eq!(
            o.offset,
            datetime!(2016-09-08 10:09:44 UTC)
                - OffsetDateTime::from_unix_timestamp(1_473_415_775).unwrap()
        );
    }

    #[test]
    fn date_header_is_the_fallback() {
        let mut h = http::HeaderMap::new();
        h.insert(
            http::header::DATE,
            "Sun, 30 Aug 2015 12:46:00 GMT".parse().unwrap(),
        );
        let o = clock_offset(&h, b"{}", datetime!(2015-08-30 12:36:00 UTC)).unwrap();
        assert_eq!(o.offset, time::Duration::minutes(10));
        assert_eq!(o.source, ClockSource::DateHeader);
        assert!(
            clock_offset(
                &http::HeaderMap::new(),
                b"{}",
                datetime!(2015-08-30 12:36:00 UTC)
            )
            .is_none()
        );
    }

    #[test]
    fn a_short_expired_message_is_refused() {
        assert!(from_message("Signature expired: short").is_none());
    }
}
