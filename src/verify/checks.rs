//! The verifier's checks on a request's claims: scope, time, host, session token and signed headers, each a function that names the AWS error it fails with.

use crate::prelude::*;

use smallvec::SmallVec;
use time::OffsetDateTime;

use crate::credentials::Credentials;
use crate::crypto;
use crate::request::{SignableRequest, host_and_port};
use crate::sign::canonical::cmp_lowercase;
use crate::time::{AmzDate, SigningTime};

use super::error::VerifyError;
use super::parse::split_byte;
use super::{Claims, Verifier};

impl Verifier {
    pub(super) fn check_scope(&self, claims: &Claims<'_>) -> Result<(), VerifyError> {
        let c = &claims.credential;
        if !self.regions.iter().any(|r| r == c.region) {
            return Err(VerifyError::WrongRegion {
                region: c.region.to_string(),
            });
        }
        if c.service != self.service {
            return Err(VerifyError::WrongService {
                expected: self.service.clone(),
            });
        }
        if c.date.as_bytes() != &claims.amz_date.bytes()[..8] {
            return Err(VerifyError::ScopeDateMismatch {
                scope_date: c.date.to_string(),
                amz_date: claims.amz_date,
            });
        }
        Ok(())
    }

    /// The request's date against the server's clock `now`, in integer nanoseconds; only a
    /// request that fails (or a date out of `time`'s range) goes through `OffsetDateTime`
    /// ([`Verifier::time_error`]), which decides and names the error.
    pub(super) fn check_time(
        &self,
        claims: &Claims<'_>,
        now: SigningTime,
    ) -> Result<(), VerifyError> {
        const NANOS: i128 = 1_000_000_000;
        let Some(signed_at) = claims.amz_date.unix_seconds() else {
            return self.time_error(claims, server_time(now));
        };
        let signed_at = i128::from(signed_at) * NANOS;
        let now_ns = i128::from(now.unix_seconds()) * NANOS + i128::from(now.subsec_nanos());
        let skew = i128::try_from(self.max_skew.as_nanos()).unwrap_or(i128::MAX / 4);
        let ok = match claims.presign {
            None => now_ns - skew <= signed_at && signed_at <= now_ns + skew,
            Some((expires, _)) => {
                signed_at <= now_ns + skew && now_ns <= signed_at + i128::from(expires) * NANOS
            }
        };
        if ok {
            Ok(())
        } else {
            self.time_error(claims, server_time(now))
        }
    }

    /// The time checks in `OffsetDateTime`, with the times their errors name.
    #[cold]
    fn time_error(&self, claims: &Claims<'_>, now: OffsetDateTime) -> Result<(), VerifyError> {
        let date = claims.amz_date;
        let at = |t: OffsetDateTime| AmzDate::new(t).unwrap_or(date);
        let Some(signed_at) = date.to_offset_date_time() else {
            return Err(VerifyError::InvalidDate {
                value: date.to_string(),
            });
        };
        let skew = time::Duration::try_from(self.max_skew).unwrap_or(time::Duration::MAX);
        let earliest = now.saturating_sub(skew);
        let latest = now.saturating_add(skew);
        match claims.presign {
            None => {
                let window_minutes = self.max_skew.as_secs() / 60;
                if signed_at < earliest {
                    return Err(VerifyError::Expired {
                        request_time: date,
                        earliest: at(earliest),
                        server_time: at(now),
                        window_minutes,
                    });
                }
                if signed_at > latest {
                    return Err(VerifyError::NotYetCurrent {
                        request_time: date,
                        latest: at(latest),
                        server_time: at(now),
                        window_minutes,
                    });
                }
            }
            Some((expires, _)) => {
                if signed_at > latest {
                    return Err(VerifyError::PresignNotYetValid {
                        server_time: at(now),
                    });
                }
                let lifetime = time::Duration::seconds(i64::try_from(expires).unwrap_or(i64::MAX));
                let expires_at = signed_at.saturating_add(lifetime);
                if now > expires_at {
                    return Err(VerifyError::PresignExpired {
                        expires_at: at(expires_at),
                        server_time: at(now),
                    });
                }
            }
        }
        Ok(())
    }
}

/// The server's clock as an `OffsetDateTime`. A time outside `time`'s range (years -9999 to
/// 9999) is clamped to its end, where every request is out of date, instead of panicking.
pub(super) fn server_time(now: SigningTime) -> OffsetDateTime {
    let nanos = time::Duration::nanoseconds(i64::from(now.subsec_nanos()));
    match OffsetDateTime::from_unix_timestamp(now.unix_seconds()) {
        Ok(t) => t.saturating_add(nanos),
        Err(_) if now.unix_seconds() < 0 => time::PrimitiveDateTime::MIN.assume_utc(),
        Err(_) => time::PrimitiveDateTime::MAX.assume_utc(),
    }
}

/// The claimed `SignedHeaders` names (lowercase, as parsed), sorted and without repeats.
pub(super) fn sorted(names: &[String]) -> Vec<String> {
    let mut names = names.to_vec();
    names.sort_unstable();
    names.dedup();
    names
}

/// How many times the header `name` appears.
pub(super) fn count_headers(req: &SignableRequest<'_>, name: &str) -> usize {
    req.headers
        .iter()
        .filter(|h| h.name.eq_ignore_ascii_case(name))
        .count()
}

/// A request names one host: at most one `Host` header, and when the URI has an authority too,
/// the same host in both (RFC 9112 §3.2.2, RFC 9113 §8.3.1).
///
/// Hosts compare case-insensitively. A port equal to the scheme's default (443 for `https`,
/// 80 for `http`) is the same as no port, and so is an empty one (`host:`), as RFC 3986 §6.2.3
/// normalises them: `Host: example.com` agrees with `https://example.com:443/`, but
/// `Host: example.com:80` does not agree with `https://example.com/`. The URI's userinfo is not
/// part of its host and is ignored; a `Host` header has no userinfo, so one with `@` agrees
/// with nothing.
pub(super) fn check_host(req: &SignableRequest<'_>) -> Result<(), VerifyError> {
    if count_headers(req, "host") > 1 {
        return Err(VerifyError::MultipleHostHeaders);
    }
    let (Some(header), Some(authority)) = (req.header_value("host"), req.authority) else {
        return Ok(());
    };
    let default_port = match req.scheme {
        Some(s) if s.eq_ignore_ascii_case("http") => Some("80"),
        Some(s) if s.eq_ignore_ascii_case("https") => Some("443"),
        _ => None,
    };
    fn explicit<'p>(port: Option<&'p str>, default: Option<&str>) -> Option<&'p str> {
        port.filter(|p| !p.is_empty() && Some(*p) != default)
    }
    let (uri_host, uri_port) = host_and_port(authority);
    let header = header.trim_ascii();
    let same = core::str::from_utf8(header).is_ok_and(|header| {
        let (host, header_port) = host_and_port(header);
        // `host_and_port` drops userinfo, which a Host header may not carry.
        !header.contains('@')
            && host.eq_ignore_ascii_case(uri_host)
            && explicit(header_port, default_port) == explicit(uri_port, default_port)
    });
    if same {
        return Ok(());
    }
    Err(VerifyError::HostMismatch {
        host: String::from_utf8_lossy(header).into_owned(),
        authority: match uri_port {
            Some(p) => format!("{uri_host}:{p}"),
            None => uri_host.to_string(),
        },
    })
}

/// The session token presented must be the one issued with the key, and only then present.
pub(super) fn check_token(
    req: &SignableRequest<'_>,
    claims: &Claims<'_>,
    creds: &Credentials,
) -> Result<(), VerifyError> {
    let header = req.header_value("x-amz-security-token");
    let given: Option<&[u8]> = match claims.presign {
        Some((_, Some(t))) => Some(t.as_bytes()),
        _ => header,
    };
    let ok = match (creds.session_token(), given) {
        (None, None) => true,
        (Some(expected), Some(given)) => crypto::ct_eq(expected.as_bytes(), given.trim_ascii()),
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(VerifyError::InvalidSecurityToken)
    }
}

/// `host` and every `x-amz-*` header sent must be signed. The claimed names are sorted
/// (see [`Verifier::claims`]), so each header is looked up by binary search.
pub(super) fn check_signed_headers(
    req: &SignableRequest<'_>,
    claims: &Claims<'_>,
    token_unsigned: bool,
) -> Result<(), VerifyError> {
    let list: &str = &claims.signed_headers;
    // A usual list is scanned; a long one is searched by halves, so that a hostile list of
    // thousands of names costs `log n` per header sent.
    let long: Option<SmallVec<[&str; 16]>> =
        (list.len() > 256).then(|| split_byte(list, b';').collect());
    let claimed = |name: &str| {
        let name = name.as_bytes();
        match &long {
            None => split_byte(list, b';')
                .any(|s| s.len() == name.len() && s.as_bytes().eq_ignore_ascii_case(name)),
            Some(signed) => signed
                .binary_search_by(|s| cmp_lowercase(s.as_bytes(), name))
                .is_ok(),
        }
    };
    if !claimed("host") {
        return Err(VerifyError::HostNotSigned);
    }
    let mut names: Vec<String> = req
        .headers
        .iter()
        .filter(|h| {
            h.name.len() >= 6
                && h.name.as_bytes()[..6].eq_ignore_ascii_case(b"x-amz-")
                && !claimed(h.name)
                && !(token_unsigned && h.name.eq_ignore_ascii_case("x-amz-security-token"))
        })
        .map(|h| h.name.to_ascii_lowercase())
        .collect();
    if names.is_empty() {
        return Ok(());
    }
    names.sort_unstable();
    names.dedup();
    Err(VerifyError::HeadersNotSigned { names })
}
