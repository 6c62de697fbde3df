//! The verifier's checks on a request's claims: scope, time, host, session token and signed headers, each a function that names the AWS error it fails with.

use crate::prelude::*;

use smallvec::SmallVec;
use time::OffsetDateTime;

use crate::bytes::{find_byte, same_bytes};
use crate::credentials::Credentials;
use crate::crypto;
use crate::request::{Header, SignableRequest, host_and_port};
use crate::sign::canonical::cmp_lowercase;
use crate::time::{AmzDate, SigningTime};

use super::error::VerifyError;
use super::parse::split_byte;
use super::{Claims, KnownHeaders, Verifier};

impl Verifier {
    pub(super) fn check_scope(&self, claims: &Claims<'_>) -> Result<(), VerifyError> {
        let c = &claims.credential;
        match claims.region_set {
            // SigV4a: the region set must include one of this verifier's regions.
            Some(set) => {
                if !self.regions.iter().any(|r| region_set_includes(set, r)) {
                    return Err(VerifyError::WrongRegion {
                        region: set.to_string(),
                    });
                }
            }
            None => {
                if !self
                    .regions
                    .iter()
                    .any(|r| same_bytes(r.as_bytes(), c.region.as_bytes()))
                {
                    return Err(VerifyError::WrongRegion {
                        region: c.region.to_string(),
                    });
                }
            }
        }
        if !same_bytes(c.service.as_bytes(), self.service.as_bytes()) {
            return Err(VerifyError::WrongService {
                expected: self.service.clone(),
            });
        }
        if !same_bytes(c.date.as_bytes(), &claims.amz_date.bytes()[..8]) {
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
        let Some(signed_at) = claims.signed_at.or_else(|| claims.amz_date.unix_seconds()) else {
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

/// A request names one host: at most one `Host` header, and when the URI has an authority too,
/// the same host in both (RFC 9112 §3.2.2, RFC 9113 §8.3.1).
///
/// Hosts compare case-insensitively. A port equal to the scheme's default (443 for `https`,
/// 80 for `http`) is the same as no port, and so is an empty one (`host:`), as RFC 3986 §6.2.3
/// normalises them: `Host: example.com` agrees with `https://example.com:443/`, but
/// `Host: example.com:80` does not agree with `https://example.com/`. The URI's userinfo is not
/// part of its host and is ignored; a `Host` header has no userinfo, so one with `@` agrees
/// with nothing.
pub(super) fn check_host(
    req: &SignableRequest<'_>,
    known: &KnownHeaders<'_>,
) -> Result<(), VerifyError> {
    if known.hosts > 1 {
        return Err(VerifyError::MultipleHostHeaders);
    }
    let (Some(header), Some(authority)) = (known.host, req.authority) else {
        return Ok(());
    };
    // The usual case, the same bytes in both: the same host and port, unless they hold
    // userinfo, which a `Host` header may not carry (decided below).
    if same_bytes(header, authority.as_bytes()) && find_byte(authority.as_bytes(), b'@').is_none() {
        return Ok(());
    }
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
    known: &KnownHeaders<'_>,
    claims: &Claims<'_>,
    creds: &Credentials,
) -> Result<(), VerifyError> {
    let header = known.security_token;
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
    // `lowercase`: the name is known to be (it came from an `http::HeaderMap`).
    let claimed = |name: &str, lowercase: bool| {
        let name = name.as_bytes();
        match &long {
            None if lowercase => list_has_lowercase(list.as_bytes(), name),
            None => list_has(list.as_bytes(), name),
            Some(signed) => signed
                .binary_search_by(|s| cmp_lowercase(s.as_bytes(), name))
                .is_ok(),
        }
    };
    if !claimed("host", true) {
        return Err(VerifyError::HostNotSigned);
    }
    let unsigned = |h: &Header<'_>, lowercase: bool| {
        is_x_amz(h.name.as_bytes())
            && !claimed(h.name, lowercase)
            && !(token_unsigned && h.name.eq_ignore_ascii_case("x-amz-security-token"))
    };
    if !req
        .headers
        .iter()
        .enumerate()
        .any(|(i, h)| unsigned(h, i < req.checked_headers))
    {
        return Ok(());
    }
    let unsigned = |h: &&Header<'_>| unsigned(h, false);
    let mut names: Vec<String> = req
        .headers
        .iter()
        .filter(unsigned)
        .map(|h| h.name.to_ascii_lowercase())
        .collect();
    names.sort_unstable();
    names.dedup();
    Err(VerifyError::HeadersNotSigned { names })
}

/// Whether a header name starts `x-amz-` (ASCII case-insensitive), byte by byte: `| 0x20`
/// lowercases a letter and maps no other byte to a lowercase one.
#[inline]
fn is_x_amz(n: &[u8]) -> bool {
    n.len() >= 6
        && (n[0] | 0x20) == b'x'
        && n[1] == b'-'
        && (n[2] | 0x20) == b'a'
        && (n[3] | 0x20) == b'm'
        && (n[4] | 0x20) == b'z'
        && n[5] == b'-'
}

/// Whether the `;`-separated `list`, lowercase (as the claims keep it), holds `name` (ASCII
/// case-insensitive): `name` lowercased once (names from an `http::HeaderMap` already are),
/// then each name of the list compared as bytes, the next found eight bytes at a time.
#[inline]
fn list_has(list: &[u8], name: &[u8]) -> bool {
    if !name
        .iter()
        .fold(false, |any, b| any | b.is_ascii_uppercase())
    {
        return list_has_lowercase(list, name);
    }
    let mut buf = [0u8; 64];
    let Some(lower) = buf.get_mut(..name.len()) else {
        return list_has_folding(list, name);
    };
    lower.copy_from_slice(name);
    lower.make_ascii_lowercase();
    list_has_lowercase(list, lower)
}

/// [`list_has`] for a `name` without uppercase letters.
#[inline]
fn list_has_lowercase(list: &[u8], name: &[u8]) -> bool {
    let mut rest = list;
    loop {
        // The byte after a name of this length must end it: most names are ruled out by that
        // one load, before their bytes are compared.
        if matches!(rest.get(name.len()), None | Some(b';'))
            && rest.get(..name.len()).is_some_and(|r| same_bytes(r, name))
        {
            return true;
        }
        match find_byte(rest, b';') {
            Some(i) => rest = &rest[i + 1..],
            None => return false,
        }
    }
}

/// Whether a SigV4a region set (`*`, or a comma list whose names may hold `*` for any run of
/// characters, as in `us-*`) includes `region`.
pub(crate) fn region_set_includes(set: &str, region: &str) -> bool {
    set.split(',')
        .any(|pattern| glob_matches(pattern.trim().as_bytes(), region.as_bytes()))
}

/// `*`-only glob matching, iterative (linear in practice, no recursion on untrusted input).
fn glob_matches(pattern: &[u8], text: &[u8]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some(b'*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p.min(pattern.len())..].iter().all(|&c| c == b'*')
}

/// [`list_has`] folding case at each compare, for a name too long to lowercase on the stack.
#[cold]
fn list_has_folding(list: &[u8], name: &[u8]) -> bool {
    list.split(|&b| b == b';')
        .any(|s| s.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn x_amz_prefixes_are_told_apart() {
        for n in 0..=255u8 {
            for at in 0..6 {
                let mut name = *b"x-amz-date";
                name[at] = n;
                let readable = name[..6].eq_ignore_ascii_case(b"x-amz-");
                assert_eq!(is_x_amz(&name), readable, "{name:?}");
            }
        }
        assert!(!is_x_amz(b"x-amz"));
    }

    proptest::proptest! {
        /// The walk against the readable form: split at `;`, compare each name.
        #[test]
        fn list_has_finds_exactly_the_names_of_the_list(
            list in "[a-c;-]{0,12}",
            name in "[a-cA-C-]{0,4}|[a-cA-C-]{62,66}",
        ) {
            let split = list
                .split(';')
                .any(|s| s.as_bytes().eq_ignore_ascii_case(name.as_bytes()));
            proptest::prop_assert_eq!(list_has(list.as_bytes(), name.as_bytes()), split);
        }
    }

    #[test]
    fn region_sets_include_regions_by_name_or_wildcard() {
        use super::region_set_includes;
        for (set, region, included) in [
            ("*", "us-east-1", true),
            ("us-east-1", "us-east-1", true),
            ("us-east-1", "us-east-12", false),
            ("us-east-1,us-west-2", "us-west-2", true),
            ("us-east-1, us-west-2", "us-west-2", true),
            ("us-*", "us-gov-west-1", true),
            ("us-*", "eu-west-1", false),
            ("*-west-2", "us-west-2", true),
            ("*-west-2", "us-west-1", false),
            ("**", "x", true),
            ("a*b*c", "aXbYc", true),
            ("a*b*c", "aXbY", false),
            ("", "us-east-1", false),
        ] {
            assert_eq!(region_set_includes(set, region), included, "{set} {region}");
        }
        // Adversarial patterns stay cheap: no exponential backtracking.
        let pattern = "*a".repeat(200);
        let text = "a".repeat(199);
        assert!(!region_set_includes(&pattern, &text));
    }
}
