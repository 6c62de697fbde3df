//! The signing time as SigV4 writes it: `X-Amz-Date` (`YYYYMMDD'T'HHMMSS'Z'`) and the scope date
//! (`YYYYMMDD`), in fixed buffers.

use std::fmt;

use time::{OffsetDateTime, UtcOffset};

use crate::Error;

/// Month abbreviations as HTTP dates (RFC 9110 IMF-fixdate) write them.
pub(crate) const MONTH_ABBREVIATIONS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// A UTC time written as `20150830T123600Z`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AmzDate([u8; 16]);

impl AmzDate {
    /// Converts any time (in any offset) to UTC.
    ///
    /// # Errors
    /// [`Error::TimeOutOfRange`] for a year outside 0000 to 9999 UTC.
    pub fn new(time: OffsetDateTime) -> Result<Self, Error> {
        let t = time
            .checked_to_offset(UtcOffset::UTC)
            .ok_or(Error::TimeOutOfRange)?;
        let year = t.year();
        if !(0..=9999).contains(&year) {
            return Err(Error::TimeOutOfRange);
        }
        let mut b = *b"00000000T000000Z";
        // All values are non-negative and bounded, so the casts cannot truncate.
        let put = |b: &mut [u8; 16], at: usize, width: usize, mut v: u32| {
            for i in (at..at + width).rev() {
                b[i] = b'0' + (v % 10) as u8;
                v /= 10;
            }
        };
        put(&mut b, 0, 4, year.unsigned_abs());
        put(&mut b, 4, 2, u32::from(u8::from(t.month())));
        put(&mut b, 6, 2, u32::from(t.day()));
        put(&mut b, 9, 2, u32::from(t.hour()));
        put(&mut b, 11, 2, u32::from(t.minute()));
        put(&mut b, 13, 2, u32::from(t.second()));
        Ok(Self(b))
    }

    /// Parses `YYYYMMDDTHHMMSSZ`.
    pub fn parse(s: &str) -> Option<Self> {
        let b: [u8; 16] = s.as_bytes().try_into().ok()?;
        let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if !(digits(0..8) && b[8] == b'T' && digits(9..15) && b[15] == b'Z') {
            return None;
        }
        let d = Self(b);
        d.to_offset_date_time()?;
        Some(d)
    }

    /// The full `X-Amz-Date` value.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, `T` and `Z` are ever stored.
        std::str::from_utf8(&self.0).unwrap_or("00000000T000000Z")
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
        let n = |r: std::ops::Range<usize>| -> Option<u32> { self.as_str().get(r)?.parse().ok() };
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

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn writes_the_suite_time() {
        let d = AmzDate::new(datetime!(2015-08-30 12:36:00 UTC)).unwrap();
        assert_eq!(d.as_str(), "20150830T123600Z");
        assert_eq!(d.date(), "20150830");
    }

    #[test]
    fn converts_other_offsets_to_utc() {
        let d = AmzDate::new(datetime!(2015-08-31 00:36:00 +12:00)).unwrap();
        assert_eq!(d.as_str(), "20150830T123600Z");
    }

    #[test]
    fn rejects_years_x_amz_date_cannot_hold() {
        assert_eq!(
            AmzDate::new(datetime!(-0001-01-01 00:00:00 UTC)),
            Err(Error::TimeOutOfRange)
        );
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
}
