//! Time as SigV4 and HTTP write it: the signing time, `X-Amz-Date` (`YYYYMMDD'T'HHMMSS'Z'`) and the scope date (`YYYYMMDD`) in fixed buffers, and HTTP dates.
//!
//! HTTP dates (RFC 9110 IMF-fixdate, `Sun, 30 Aug 2015 12:36:00 GMT`) and ISO 8601 times are
//! read here for the verifier (a request dated by `Date`) and for diagnosis (a server's
//! `Date` header, S3's `<ServerTime>`), and written here for the gateway's `Date` header.

use crate::prelude::*;

use core::fmt;
#[cfg(feature = "std")]
use std::time::{Duration, SystemTime};

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use crate::error::SignError;

/// Month abbreviations as HTTP dates (RFC 9110 IMF-fixdate) write them.
pub(crate) const MONTH_ABBREVIATIONS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// The time a request is signed at: any of [`SystemTime`], [`OffsetDateTime`] (in any offset) or
/// [`time::UtcDateTime`], taken as seconds since the Unix epoch.
///
/// Every `*_at` method (`Signer`, `Verifier`, `ProvidedSigner`, `CredentialsCache`) takes
/// `impl Into<SigningTime>`, so `SystemTime::now()` and
/// `time::OffsetDateTime::now_utc()` are both passed as they are. A `SystemTime` is read
/// without the calendar arithmetic converting it to an `OffsetDateTime` would cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SigningTime {
    seconds: i64,
    nanos: u32,
}

impl SigningTime {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before it).
    pub fn unix_seconds(&self) -> i64 {
        self.seconds
    }

    /// The nanoseconds past [`SigningTime::unix_seconds`] (under 1,000,000,000).
    pub fn subsec_nanos(&self) -> u32 {
        self.nanos
    }

    /// This time plus `offset`, or `None` if that leaves the range of an `i64` of seconds.
    pub(crate) fn checked_add(self, offset: time::Duration) -> Option<Self> {
        let nanos = i64::from(self.nanos) + i64::from(offset.subsec_nanoseconds());
        let seconds = self
            .seconds
            .checked_add(offset.whole_seconds())?
            .checked_add(nanos.div_euclid(1_000_000_000))?;
        Some(Self {
            seconds,
            // In 0..1e9, so the cast cannot truncate.
            nanos: nanos.rem_euclid(1_000_000_000) as u32,
        })
    }
}

#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
impl From<SystemTime> for SigningTime {
    fn from(t: SystemTime) -> Self {
        let saturate = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        match t.duration_since(SystemTime::UNIX_EPOCH) {
            Ok(d) => Self {
                seconds: saturate(d),
                nanos: d.subsec_nanos(),
            },
            Err(before) => {
                // `before` is how long before the epoch `t` is: -1.25 s is -2 s plus 0.75 s.
                let d = before.duration();
                let seconds = -saturate(d);
                match d.subsec_nanos() {
                    0 => Self { seconds, nanos: 0 },
                    n => Self {
                        seconds: seconds - 1,
                        nanos: 1_000_000_000 - n,
                    },
                }
            }
        }
    }
}

impl From<OffsetDateTime> for SigningTime {
    fn from(t: OffsetDateTime) -> Self {
        Self {
            seconds: t.unix_timestamp(),
            nanos: t.nanosecond(),
        }
    }
}

impl From<time::UtcDateTime> for SigningTime {
    fn from(t: time::UtcDateTime) -> Self {
        Self {
            seconds: t.unix_timestamp(),
            nanos: t.nanosecond(),
        }
    }
}

impl From<AmzDate> for SigningTime {
    /// The second an `X-Amz-Date` names.
    fn from(d: AmzDate) -> Self {
        Self {
            seconds: d
                .to_offset_date_time()
                .map_or(0, OffsetDateTime::unix_timestamp),
            nanos: 0,
        }
    }
}

/// `00` to `99`.
static DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut t = [[0u8; 2]; 100];
    let mut i = 0;
    while i < 100 {
        t[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    t
};

/// A UTC time written as `20150830T123600Z`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AmzDate([u8; 16]);

impl AmzDate {
    /// 1970-01-01T00:00:00Z.
    pub(crate) const EPOCH: Self = Self(*b"19700101T000000Z");

    /// Converts any time (a [`SystemTime`], or an [`OffsetDateTime`] in any offset) to UTC.
    ///
    /// # Errors
    /// [`SignError::TimeOutOfRange`] for a year outside 0000 to 9999 UTC.
    pub fn new(time: impl Into<SigningTime>) -> Result<Self, SignError> {
        Self::from_unix_seconds(time.into().seconds)
    }

    /// The UTC time `seconds` after the Unix epoch, converted with integer arithmetic (the
    /// days-to-civil-date algorithm of Howard Hinnant's `chrono`-compatible date library) and
    /// written through a table of two-digit pairs: this runs on every signature.
    pub(crate) fn from_unix_seconds(seconds: i64) -> Result<Self, SignError> {
        /// 0000-01-01T00:00:00Z and 9999-12-31T23:59:59Z.
        const FIRST: i64 = -62_167_219_200;
        const LAST: i64 = 253_402_300_799;
        if !(FIRST..=LAST).contains(&seconds) {
            return Err(SignError::TimeOutOfRange);
        }
        // From here every value is non-negative and bounded, so the casts cannot truncate.
        let days = seconds.div_euclid(86_400);
        let of_day = seconds.rem_euclid(86_400) as u32;
        // Days since 0000-03-01, in 400-year eras (146,097 days each).
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = (z - era * 146_097) as u32;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = (era * 400 + i64::from(yoe) + i64::from(month <= 2)) as u32;
        let mut b = *b"00000000T000000Z";
        let mut pair = |at: usize, v: u32| b[at..at + 2].copy_from_slice(&DIGIT_PAIRS[v as usize]);
        pair(0, year / 100);
        pair(2, year % 100);
        pair(4, month);
        pair(6, day);
        pair(9, of_day / 3_600);
        pair(11, of_day / 60 % 60);
        pair(13, of_day % 60);
        Ok(Self(b))
    }

    /// The time `of_day` seconds (under 86,400) into the day `date` (`YYYYMMDD`).
    #[inline]
    pub(crate) fn on_day(date: [u8; 8], of_day: u32) -> Self {
        let mut b = *b"00000000T000000Z";
        b[..8].copy_from_slice(&date);
        let mut pair = |at: usize, v: u32| b[at..at + 2].copy_from_slice(&DIGIT_PAIRS[v as usize]);
        pair(9, of_day / 3_600);
        pair(11, of_day / 60 % 60);
        pair(13, of_day % 60);
        Self(b)
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    pub fn parse(s: &str) -> Option<Self> {
        Self::parse_bytes(s.as_bytes()).map(|(d, _)| d)
    }

    /// [`AmzDate::parse`] of bytes, with the seconds since the Unix epoch it stands for (the
    /// check computes them; the verifier's time check uses them).
    pub(crate) fn parse_bytes(s: &[u8]) -> Option<(Self, i64)> {
        let b: [u8; 16] = s.try_into().ok()?;
        let digits = |r: core::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if !(digits(0..8) && b[8] == b'T' && digits(9..15) && b[15] == b'Z') {
            return None;
        }
        let d = Self(b);
        let seconds = d.unix_seconds()?;
        Some((d, seconds))
    }

    /// [`AmzDate::parse_bytes`], for a value expected on `day` (its `YYYYMMDD` and the Unix
    /// time of its midnight, as [`AmzDate::unix_seconds`] gives it for a real date): a value on
    /// that day has only its time of day read and checked; any other goes through
    /// `parse_bytes`. Gives what `parse_bytes` gives
    /// (`tests::parsing_on_a_known_day_agrees_with_parsing`).
    #[inline]
    pub(crate) fn parse_bytes_on(s: &[u8], day: Option<([u8; 8], i64)>) -> Option<(Self, i64)> {
        if let (Some((date, midnight)), Ok(b)) = (day, <[u8; 16]>::try_from(s))
            && b[..8] == date
            && b[8] == b'T'
            && b[15] == b'Z'
        {
            let v = |at: usize| u32::from(b[at].wrapping_sub(b'0'));
            let bad = (9..15).fold(0, |bad, at| bad | u32::from(v(at) > 9));
            let (hour, minute, second) =
                (v(9) * 10 + v(10), v(11) * 10 + v(12), v(13) * 10 + v(14));
            if bad == 0 && hour < 24 && minute < 60 && second < 60 {
                return Some((
                    Self(b),
                    midnight + i64::from(hour * 3_600 + minute * 60 + second),
                ));
            }
        }
        Self::parse_bytes(s)
    }

    /// The seconds since the Unix epoch this date stands for, with integer arithmetic (Howard
    /// Hinnant's days-from-civil algorithm); `None` for a date or time that does not exist
    /// (month 13, February 30, second 60), as [`AmzDate::to_offset_date_time`] refuses them.
    /// The verifier's time checks run on this, once per request.
    pub(crate) fn unix_seconds(&self) -> Option<i64> {
        let b = &self.0;
        // The digits' values, all checked at once (no branch per digit).
        let v = b.map(|c| c.wrapping_sub(b'0'));
        if v[..8]
            .iter()
            .chain(&v[9..15])
            .fold(0u8, |bad, &d| bad | u8::from(d > 9))
            != 0
        {
            return None;
        }
        let n = |at: usize| u32::from(v[at]) * 10 + u32::from(v[at + 1]);
        let (year, month, day) = (n(0) * 100 + n(2), n(4), n(6));
        let (hour, minute, second) = (n(9), n(11), n(13));
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let month_days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        if day == 0 || day > month_days || hour > 23 || minute > 59 || second > 59 {
            return None;
        }
        // Years from March, so that the leap day ends a year.
        let y = i64::from(year) - i64::from(month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = i64::from((month + 9) % 12);
        let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        Some(days * 86_400 + i64::from(hour * 3_600 + minute * 60 + second))
    }

    /// The full `X-Amz-Date` value.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, `T` and `Z` are ever stored.
        core::str::from_utf8(&self.0).unwrap_or("00000000T000000Z")
    }

    /// The scope date, `YYYYMMDD`.
    pub fn date(&self) -> &str {
        &self.as_str()[..8]
    }

    pub(crate) fn bytes(&self) -> &[u8; 16] {
        &self.0
    }

    /// The time this date stands for.
    pub fn to_offset_date_time(&self) -> Option<OffsetDateTime> {
        let n = |r: core::ops::Range<usize>| -> Option<u32> { self.as_str().get(r)?.parse().ok() };
        let month = time::Month::try_from(u8::try_from(n(4..6)?).ok()?).ok()?;
        let date = time::Date::from_calendar_date(
            i32::try_from(n(0..4)?).ok()?,
            month,
            u8::try_from(n(6..8)?).ok()?,
        )
        .ok()?;
        let t = time::Time::from_hms(
            u8::try_from(n(9..11)?).ok()?,
            u8::try_from(n(11..13)?).ok()?,
            u8::try_from(n(13..15)?).ok()?,
        )
        .ok()?;
        Some(date.with_time(t).assume_utc())
    }
}

impl fmt::Debug for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AmzDate({})", self.as_str())
    }
}

impl fmt::Display for AmzDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---- HTTP dates (RFC 9110) and ISO 8601 times, as servers write them ----------------------

fn num<T: core::str::FromStr>(s: &str) -> Option<T> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

fn build(year: i32, month: u8, day: u8, hms: &str) -> Option<OffsetDateTime> {
    let mut it = hms.split(':');
    let (h, m, s) = (it.next()?, it.next()?, it.next()?);
    if it.next().is_some() {
        return None;
    }
    let s = s.split_once('.').map_or(s, |(whole, _)| whole);
    let date = Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()?;
    let t = Time::from_hms(num(h)?, num(m)?, num(s)?).ok()?;
    Some(PrimitiveDateTime::new(date, t).assume_utc())
}

/// `2017-04-28T07:17:20Z` or `2017-04-28T07:17:20.123Z`.
#[cfg(feature = "http")]
pub(crate) fn parse_iso(s: &str) -> Option<OffsetDateTime> {
    let s = s.trim().strip_suffix('Z')?;
    let (date, hms) = s.split_once('T')?;
    let mut d = date.split('-');
    let (y, m, day) = (d.next()?, d.next()?, d.next()?);
    if d.next().is_some() {
        return None;
    }
    build(num(y)?, num(m)?, num(day)?, hms)
}

/// An HTTP date in IMF-fixdate form: `Fri, 28 Apr 2017 07:01:06 GMT`.
pub(crate) fn parse_http_date(s: &str) -> Option<OffsetDateTime> {
    let parts: Vec<&str> = s.split_ascii_whitespace().collect();
    let [_, day, month, year, hms, "GMT"] = parts.as_slice() else {
        return None;
    };
    let month = MONTH_ABBREVIATIONS.iter().position(|m| m == month)?;
    build(num(year)?, u8::try_from(month + 1).ok()?, num(day)?, hms)
}

/// `Sun, 30 Aug 2015 12:36:00 GMT` for `now + offset`.
#[cfg(any(feature = "gateway", all(test, feature = "http")))]
pub(crate) fn http_date(now: SystemTime, offset: time::Duration) -> String {
    let t = OffsetDateTime::from(now)
        .checked_add(offset)
        .unwrap_or_else(|| OffsetDateTime::from(now));
    const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    let day = DAYS[usize::from(t.weekday().number_days_from_monday())];
    let month = MONTH_ABBREVIATIONS[usize::from(u8::from(t.month()) - 1)];
    format!(
        "{day}, {:02} {month} {:04} {:02}:{:02}:{:02} GMT",
        t.day(),
        t.year(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
#[cfg(feature = "http")]
mod tests {
    use super::*;
    use time::UtcOffset;
    use time::macros::datetime;

    #[test]
    fn writes_the_suite_time() {
        let d = AmzDate::new(datetime!(2015-08-30 12:36:00 UTC)).unwrap();
        assert_eq!(d.as_str(), "20150830T123600Z");
        assert_eq!(d.date(), "20150830");
    }

    proptest::proptest! {
        /// A known day's shortcut against the full parse: on values on that day, on other
        /// days, and with any byte of the time or the separators changed.
        #[test]
        fn parsing_on_a_known_day_agrees_with_parsing(
            date in "(19|20|99)[0-9]{2}(0[0-9]|1[0-3])[0-3][0-9]",
            other in "[0-9]{8}",
            on_day in proptest::prelude::any::<bool>(),
            time in "[0-9]{6}",
            at in 0usize..17,
            byte in proptest::prelude::any::<u8>(),
        ) {
            let day: [u8; 8] = date.as_bytes().try_into().unwrap();
            let Some(midnight) = AmzDate::on_day(day, 0).unix_seconds() else {
                // Not a date: no cache entry holds a day for it.
                return Ok(());
            };
            let mut value = format!("{}T{time}Z", if on_day { &date } else { &other }).into_bytes();
            if let Some(b) = value.get_mut(at) {
                *b = byte;
            }
            proptest::prop_assert_eq!(
                AmzDate::parse_bytes_on(&value, Some((day, midnight))),
                AmzDate::parse_bytes(&value)
            );
        }
    }

    #[test]
    fn unix_seconds_agrees_with_time_and_refuses_what_it_refuses() {
        // Every day of years around leap and century rules, and the range's ends.
        for seconds in (-62_167_219_200..=253_402_300_799)
            .step_by(86_400 * 37 + 3_661)
            .chain([
                0,
                -62_167_219_200,
                253_402_300_799,
                951_782_400,
                4_107_542_400,
            ])
        {
            let d = AmzDate::from_unix_seconds(seconds).unwrap();
            assert_eq!(d.unix_seconds(), Some(seconds), "{d}");
            assert_eq!(
                d.to_offset_date_time().map(|t| t.unix_timestamp()),
                Some(seconds)
            );
        }
        for bad in [
            "20150230T000000Z",
            "21000229T000000Z",
            "20151301T000000Z",
            "20150001T000000Z",
            "20150800T000000Z",
            "20150830T240000Z",
            "20150830T236000Z",
            "20150830T235960Z",
        ] {
            assert!(AmzDate::parse(bad).is_none(), "{bad}");
        }
        assert!(AmzDate::parse("20000229T235959Z").is_some());
    }

    #[test]
    fn converts_other_offsets_to_utc() {
        let d = AmzDate::new(datetime!(2015-08-31 00:36:00 +12:00)).unwrap();
        assert_eq!(d.as_str(), "20150830T123600Z");
    }

    #[test]
    fn rejects_years_x_amz_date_cannot_hold() {
        assert_eq!(
            AmzDate::new(datetime!(-0001-12-31 23:59:59 UTC)),
            Err(SignError::TimeOutOfRange)
        );
        assert_eq!(
            AmzDate::new(datetime!(9999-12-31 23:59:59 -00:01)),
            Err(SignError::TimeOutOfRange)
        );
        let first = AmzDate::new(datetime!(0000-01-01 00:00:00 UTC)).unwrap();
        assert_eq!(first.as_str(), "00000101T000000Z");
        let last = AmzDate::new(datetime!(9999-12-31 23:59:59.999 UTC)).unwrap();
        assert_eq!(last.as_str(), "99991231T235959Z");
    }

    /// What the `time` crate's own calendar says the `X-Amz-Date` of `t` is.
    fn written_by_time(t: OffsetDateTime) -> String {
        let t = t.to_offset(UtcOffset::UTC);
        format!(
            "{:04}{:02}{:02}T{:02}{:02}{:02}Z",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second()
        )
    }

    #[test]
    fn agrees_with_the_time_crate_on_every_day_boundary_and_leap_day() {
        // Both sides of midnight for every day of 1900 to 2100 (every leap rule: 1900 is not a
        // leap year, 2000 is), and for the first and last days of every century.
        let mut t = datetime!(1900-01-01 00:00:00 UTC);
        while t.year() <= 2100 {
            for probe in [t, t - time::Duration::SECOND, t + time::Duration::hours(13)] {
                assert_eq!(
                    AmzDate::new(probe).unwrap().as_str(),
                    written_by_time(probe)
                );
            }
            t += time::Duration::DAY;
        }
        for year in (0..=9900).step_by(100) {
            let start = time::Date::from_calendar_date(year, time::Month::January, 1)
                .unwrap()
                .midnight()
                .assume_utc();
            for probe in [
                start,
                start + time::Duration::days(59),
                start + time::Duration::days(365),
            ] {
                assert_eq!(
                    AmzDate::new(probe).unwrap().as_str(),
                    written_by_time(probe)
                );
            }
        }
    }

    #[test]
    fn system_times_before_the_epoch_round_down() {
        let at = |secs: f64| {
            let d = Duration::from_secs_f64(secs.abs());
            let t = if secs < 0.0 {
                SystemTime::UNIX_EPOCH - d
            } else {
                SystemTime::UNIX_EPOCH + d
            };
            let s = SigningTime::from(t);
            (s.seconds, s.nanos)
        };
        assert_eq!(at(1.25), (1, 250_000_000));
        assert_eq!(at(-1.25), (-2, 750_000_000));
        assert_eq!(at(-2.0), (-2, 0));
        assert_eq!(
            AmzDate::new(SystemTime::UNIX_EPOCH - Duration::from_millis(1))
                .unwrap()
                .as_str(),
            "19691231T235959Z"
        );
    }

    #[test]
    fn an_offset_carries_across_whole_seconds() {
        let t = SigningTime::from(datetime!(2015-08-30 12:35:59.7 UTC));
        let plus = t.checked_add(time::Duration::milliseconds(500)).unwrap();
        assert_eq!(AmzDate::new(plus).unwrap().as_str(), "20150830T123600Z");
        let minus = t.checked_add(time::Duration::milliseconds(-800)).unwrap();
        assert_eq!(AmzDate::new(minus).unwrap().as_str(), "20150830T123558Z");
        assert_eq!(
            SigningTime::from(SystemTime::UNIX_EPOCH + Duration::from_secs(1))
                .checked_add(time::Duration::MAX),
            None
        );
    }

    proptest::proptest! {
        #[test]
        fn system_time_and_offset_date_time_agree(nanos in -62_167_219_200_000_000_000i128..=253_402_300_799_999_999_999) {
            let t = OffsetDateTime::from_unix_timestamp_nanos(nanos).unwrap();
            let from_system = SigningTime::from(SystemTime::from(t));
            proptest::prop_assert_eq!(from_system, SigningTime::from(t));
        }

        #[test]
        fn agrees_with_the_time_crate_anywhere_in_range(
            seconds in -62_167_219_200i64..=253_402_300_799,
            offset_minutes in -1_439i32..=1_439,
        ) {
            let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
            let t = OffsetDateTime::from_unix_timestamp(seconds).unwrap().to_offset(offset);
            let ours = AmzDate::new(t).unwrap();
            proptest::prop_assert_eq!(ours.as_str(), written_by_time(t));
        }
    }

    #[test]
    fn parse_round_trips_and_rejects_garbage() {
        let d = AmzDate::parse("20240229T235959Z").unwrap();
        assert_eq!(d.as_str(), "20240229T235959Z");
        assert_eq!(AmzDate::new(d.to_offset_date_time().unwrap()).unwrap(), d);
        for bad in [
            "",
            "20150830T123600",
            "20150230T000000Z",
            "2015083OT123600Z",
            "20150830T256000Z",
        ] {
            assert!(AmzDate::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn garbage_http_and_iso_dates_are_refused() {
        for bad in [
            "",
            "Fri, 28 Apr 2017 07:01 GMT",
            "Fri, 32 Apr 2017 07:01:06 GMT",
            "Fri, 28 Foo 2017 07:01:06 GMT",
        ] {
            assert!(parse_http_date(bad).is_none(), "{bad}");
        }
        for bad in [
            "2017-04-28",
            "2017-04-28T07:17:20",
            "2017-13-28T07:17:20Z",
            "+017-04-28T07:17:20Z",
        ] {
            assert!(parse_iso(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn http_dates_use_imf_fixdate() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        assert_eq!(
            http_date(t, time::Duration::ZERO),
            "Sun, 30 Aug 2015 12:36:00 GMT"
        );
        assert_eq!(
            parse_http_date(&http_date(t, time::Duration::minutes(7))),
            Some(OffsetDateTime::from(t) + time::Duration::minutes(7))
        );
    }
}
