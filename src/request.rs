//! The request as the signer sees it, [`SignableRequest`]: method, target (path and query as sent), headers.
//!
//! This is the lower-level entry for callers without an `http::Request` (Lambda@Edge-style
//! events, other HTTP crates); the `http::Request` API is a thin layer over it.

use crate::prelude::*;

use core::fmt;

use smallvec::SmallVec;

use crate::credentials::REDACTED;
use crate::error::SignError;
use crate::sink::Sink;

/// One header as the request carries it; the name may be in any case.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Header<'a> {
    pub(crate) name: &'a str,
    pub(crate) value: &'a [u8],
}

/// A request to sign, borrowed from wherever it lives.
///
/// The target is either origin-form (`/path?query`, with a `host` header) or absolute
/// (`https://host:port/path?query`). It is taken as sent: the path may hold raw bytes (a space,
/// UTF-8) or percent-escapes, and the query is the raw query string.
///
/// ```
/// use awssig::SignableRequest;
/// let req = SignableRequest::new("GET", "/prod/items?limit=10")
///     .header("host", "abc123.execute-api.us-east-1.amazonaws.com")
///     .header("x-api-key", "k");
/// assert_eq!(req.path(), "/prod/items");
/// assert_eq!(req.query(), Some("limit=10"));
/// ```
///
/// `Debug` shows credentials as `<redacted>`: the values of `authorization`,
/// `proxy-authorization`, `x-amz-security-token` and `cookie`, and the `X-Amz-Signature` and
/// `X-Amz-Security-Token` query parameters.
#[derive(Clone)]
pub struct SignableRequest<'a> {
    pub(crate) method: &'a str,
    pub(crate) target: &'a str,
    pub(crate) scheme: Option<&'a str>,
    pub(crate) authority: Option<&'a str>,
    pub(crate) path: &'a str,
    pub(crate) query: Option<&'a str>,
    pub(crate) headers: SmallVec<[Header<'a>; 16]>,
    /// How many of the first `headers` came from an `http::HeaderMap`, whose names are
    /// lowercase tokens and whose values hold no control byte but tab (`http` checks both when
    /// they are made), so [`SignableRequest::validate`] need not check them again and the
    /// verifier need not fold their case.
    pub(crate) checked_headers: usize,
}

/// Headers whose values are credentials, never printed.
const SENSITIVE_HEADERS: [&str; 4] = [
    "authorization",
    "proxy-authorization",
    "x-amz-security-token",
    "cookie",
];

/// Query parameters whose values are credentials, never printed.
const SENSITIVE_PARAMS: [&str; 2] = ["X-Amz-Signature", "X-Amz-Security-Token"];

/// `target` with the values of [`SENSITIVE_PARAMS`] replaced by `<redacted>`.
fn redacted_target(target: &str) -> String {
    let Some((before, query)) = target.split_once('?') else {
        return target.to_string();
    };
    let mut out = String::with_capacity(target.len());
    out.push_str(before);
    for (i, pair) in query.split('&').enumerate() {
        out.push(if i == 0 { '?' } else { '&' });
        match pair.split_once('=') {
            Some((name, _))
                if SENSITIVE_PARAMS
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(name)) =>
            {
                out.push_str(name);
                out.push('=');
                out.push_str(REDACTED);
            }
            _ => out.push_str(pair),
        }
    }
    out
}

impl fmt::Debug for SignableRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Headers<'r, 'a>(&'r [Header<'a>]);
        impl fmt::Debug for Headers<'_, '_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                let mut list = f.debug_list();
                for h in self.0 {
                    let sensitive = SENSITIVE_HEADERS
                        .iter()
                        .any(|n| n.eq_ignore_ascii_case(h.name));
                    let value = if sensitive {
                        REDACTED.into()
                    } else {
                        String::from_utf8_lossy(h.value)
                    };
                    list.entry(&(h.name, value));
                }
                list.finish()
            }
        }
        f.debug_struct("SignableRequest")
            .field("method", &self.method)
            .field("target", &redacted_target(self.target))
            .field("headers", &Headers(&self.headers))
            .finish()
    }
}

impl<'a> SignableRequest<'a> {
    /// A request with no headers yet. A target that is neither origin-form nor an `http(s)` URL
    /// is reported when signing.
    pub fn new(method: &'a str, target: &'a str) -> Self {
        let (scheme, authority, rest) = split_absolute(target);
        let rest = rest.split_once('#').map_or(rest, |(r, _)| r);
        let (path, query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        Self {
            method,
            target,
            scheme,
            authority,
            path,
            query,
            headers: SmallVec::new(),
            checked_headers: 0,
        }
    }

    /// Adds a header (repeats are kept, in order).
    #[must_use]
    pub fn header(mut self, name: &'a str, value: &'a (impl AsRef<[u8]> + ?Sized)) -> Self {
        self.push_header(name, value.as_ref());
        self
    }

    /// Adds a header in place.
    pub fn push_header(&mut self, name: &'a str, value: &'a [u8]) {
        self.headers.push(Header { name, value });
    }

    /// The method.
    pub fn method(&self) -> &'a str {
        self.method
    }

    /// The path as sent.
    pub fn path(&self) -> &'a str {
        self.path
    }

    /// The raw query string, without `?`.
    pub fn query(&self) -> Option<&'a str> {
        self.query
    }

    /// The first value of a header (name case-insensitive).
    pub fn header_value(&self, name: &str) -> Option<&'a [u8]> {
        self.headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value)
    }

    /// Checks the method, target and headers.
    pub(crate) fn validate(&self) -> Result<(), SignError> {
        if !is_token(self.method) {
            return Err(SignError::InvalidMethod {
                method: self.method.to_string(),
            });
        }
        if self.authority.is_none() && !(self.path.starts_with('/') || self.path == "*") {
            return Err(SignError::InvalidUri {
                target: crate::error::shown_target(self.target),
                reason: "use origin-form (`/path?query`) or an absolute http(s) URL",
            });
        }
        // An authority that names no host (`https:///p`, `https://user@/p`, `https://:443/p`).
        if self
            .authority
            .is_some_and(|a| host_and_port(a).0.is_empty())
        {
            return Err(SignError::InvalidUri {
                target: crate::error::shown_target(self.target),
                reason: "the URL has an empty host",
            });
        }
        let mut hosts = 0;
        for (i, h) in self.headers.iter().enumerate() {
            if i >= self.checked_headers {
                validate_header(h.name, h.value)?;
            }
            hosts += usize::from(h.name.eq_ignore_ascii_case("host"));
        }
        if hosts > 1 {
            return Err(SignError::MultipleHostHeaders);
        }
        Ok(())
    }

    /// The host to sign when there is no `host` header: the authority with userinfo and the
    /// scheme's default port dropped, lowercased.
    pub(crate) fn host_from_authority(&self) -> Option<String> {
        let mut out = Vec::new();
        self.write_host(&mut out)?;
        String::from_utf8(out).ok()
    }

    /// The host to sign, borrowed, when the authority is exactly that: a host name without
    /// userinfo, port or uppercase letters (most are). Otherwise see
    /// [`SignableRequest::write_host`].
    #[inline]
    pub(crate) fn bare_host(&self) -> Option<&'a str> {
        let authority = self.authority?;
        let plain = |b: u8| !(b == b'@' || b == b':' || b == b']' || b.is_ascii_uppercase());
        authority
            .as_bytes()
            .iter()
            .fold(true, |all, &b| all & plain(b))
            .then_some(authority)
    }

    /// Writes the host to sign (as [`SignableRequest::host_from_authority`] gives it) into
    /// `sink`, without allocating; `None` when the target has no authority.
    pub(crate) fn write_host<S: Sink + ?Sized>(&self, sink: &mut S) -> Option<()> {
        let (host, port) = host_and_port(self.authority?);
        let default_port = match self.scheme {
            Some(s) if s.eq_ignore_ascii_case("http") => Some("80"),
            Some(s) if s.eq_ignore_ascii_case("https") => Some("443"),
            _ => None,
        };
        let mut lower = [0u8; 64];
        for chunk in host.as_bytes().chunks(lower.len()) {
            let out = &mut lower[..chunk.len()];
            out.copy_from_slice(chunk);
            out.make_ascii_lowercase();
            sink.put(out);
        }
        if let Some(port) = port.filter(|p| !p.is_empty() && Some(*p) != default_port) {
            sink.put(b":");
            sink.put(port.as_bytes());
        }
        Some(())
    }
}

/// The view of an `http::Request`: method, URI parts and every header, borrowed.
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
impl<'a, B> From<&'a http::Request<B>> for SignableRequest<'a> {
    fn from(req: &'a http::Request<B>) -> Self {
        let mut view = SignableRequest::http_head(req);
        view.push_http_headers(req.headers());
        view
    }
}

#[cfg(feature = "http")]
impl<'a> SignableRequest<'a> {
    /// The view of `req`'s method and URI, without headers.
    #[inline]
    fn http_head<B>(req: &'a http::Request<B>) -> Self {
        let uri = req.uri();
        SignableRequest {
            method: req.method().as_str(),
            target: uri.path(),
            scheme: uri.scheme_str(),
            authority: uri.authority().map(http::uri::Authority::as_str),
            path: uri.path(),
            query: uri.query(),
            headers: SmallVec::new(),
            checked_headers: 0,
        }
    }

    /// Adds every header of `headers` to a view that has none yet.
    #[inline]
    fn push_http_headers(&mut self, headers: &'a http::HeaderMap) {
        for (name, value) in headers {
            self.push_header(name.as_str(), value.as_bytes());
        }
        self.checked_headers = self.headers.len();
    }
}

/// Calls `f` with the view of `req` (as [`SignableRequest::from`] makes it), made in place:
/// returning a view moves its inline header list, some 600 bytes.
#[cfg(feature = "http")]
#[inline]
pub(crate) fn with_http_view<B, R>(
    req: &http::Request<B>,
    f: impl FnOnce(&SignableRequest<'_>) -> R,
) -> R {
    let mut view = SignableRequest::http_head(req);
    view.push_http_headers(req.headers());
    f(&view)
}

/// The host and port of an authority (`user@host:port`): userinfo dropped, and the port taken
/// after the last `:` outside IPv6 brackets. Authorities are short, so plain byte loops beat
/// `memchr`-based searches here.
pub(crate) fn host_and_port(authority: &str) -> (&str, Option<&str>) {
    // Most authorities are a bare host name: one pass that vectorises finds that out.
    let special = |b: u8| b == b'@' || b == b':' || b == b']';
    if !authority
        .as_bytes()
        .iter()
        .fold(false, |any, &b| any | special(b))
    {
        return (authority, None);
    }
    let mut start = 0;
    let mut colon = None;
    for (i, &b) in authority.as_bytes().iter().enumerate() {
        match b {
            b'@' => {
                start = i + 1;
                colon = None;
            }
            b':' => colon = Some(i),
            // A `:` inside `[...]` is part of an IPv6 address.
            b']' => colon = None,
            _ => {}
        }
    }
    match colon {
        Some(i) => (&authority[start..i], Some(&authority[i + 1..])),
        None => (&authority[start..], None),
    }
}

/// Splits `scheme://authority` off an absolute URL.
fn split_absolute(target: &str) -> (Option<&str>, Option<&str>, &str) {
    let Some((scheme, rest)) = target.split_once("://") else {
        return (None, None, target);
    };
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
    {
        return (None, None, target);
    }
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    (Some(scheme), Some(&rest[..end]), &rest[end..])
}

/// The bytes of an RFC 9110 `token`.
static TOKEN_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'!' | b'#'
                    | b'$'
                    | b'%'
                    | b'&'
                    | b'\''
                    | b'*'
                    | b'+'
                    | b'-'
                    | b'.'
                    | b'^'
                    | b'_'
                    | b'`'
                    | b'|'
                    | b'~'
            );
        i += 1;
    }
    t
};

/// RFC 9110 `token`.
pub(crate) fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_token_byte)
}

/// Whether `b` may appear in a token (RFC 9110 §5.6.2).
#[inline]
pub(crate) fn is_token_byte(b: u8) -> bool {
    TOKEN_BYTES[usize::from(b)]
}

/// A header can be signed when its name is a token and its value has no control bytes other
/// than tab (and the CR LF of an obs-fold continuation, which canonicalises to a space).
pub(crate) fn validate_header(name: &str, value: &[u8]) -> Result<(), SignError> {
    if !is_token(name) {
        return Err(SignError::InvalidHeaderName {
            name: name.to_string(),
        });
    }
    // Folded without short-circuiting, so the loop vectorises; values are usually clean, and
    // only a value with some control byte is looked at again.
    let control = |b: u8| b < 0x20 || b == 0x7f;
    let bad = value.iter().fold(false, |any, &b| any | control(b))
        && value
            .iter()
            .any(|&b| control(b) && !matches!(b, b'\t' | b'\r' | b'\n'));
    if bad {
        return Err(SignError::InvalidHeaderValue {
            name: name.to_string(),
            reason: "the value contains a control character; remove it or drop the header",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// A host signed as the request names it is the host `write_host` writes.
        #[test]
        fn a_bare_host_is_the_host_write_host_writes(
            scheme in proptest::sample::select(vec!["http", "https", "ftp"]),
            authority in "[a-zA-Z0-9.@:\\[\\]-]{1,20}",
        ) {
            let target = format!("{scheme}://{authority}/p");
            let req = SignableRequest::new("GET", &target);
            if let Some(bare) = req.bare_host() {
                proptest::prop_assert_eq!(Some(bare.to_string()), req.host_from_authority());
            }
        }
    }

    #[test]
    fn host_and_port_drop_userinfo_and_respect_ipv6_brackets() {
        for (authority, host, port) in [
            ("example.com", "example.com", None),
            ("example.com:8443", "example.com", Some("8443")),
            ("user:pw@example.com", "example.com", None),
            ("user:pw@example.com:80", "example.com", Some("80")),
            ("a@b@example.com:1", "example.com", Some("1")),
            ("[::1]", "[::1]", None),
            ("[::1]:8080", "[::1]", Some("8080")),
            ("user@[fe80::1%25eth0]:9", "[fe80::1%25eth0]", Some("9")),
            ("example.com:", "example.com", Some("")),
            ("user@", "", None),
            (":443", "", Some("443")),
            ("", "", None),
        ] {
            assert_eq!(host_and_port(authority), (host, port), "{authority:?}");
        }
    }

    #[test]
    fn absolute_targets_split_into_parts() {
        let r = SignableRequest::new("GET", "https://user@Example.COM:443/a b/?x=1#frag");
        assert_eq!(r.scheme, Some("https"));
        assert_eq!(r.path, "/a b/");
        assert_eq!(r.query, Some("x=1"));
        assert_eq!(r.host_from_authority().as_deref(), Some("example.com"));
        let r = SignableRequest::new("GET", "http://[::1]:8080");
        assert_eq!(r.path, "");
        assert_eq!(r.host_from_authority().as_deref(), Some("[::1]:8080"));
        let r = SignableRequest::new("GET", "https://h.example:8443/p");
        assert_eq!(r.host_from_authority().as_deref(), Some("h.example:8443"));
    }

    #[test]
    fn bad_methods_targets_and_headers_are_rejected() {
        assert!(matches!(
            SignableRequest::new("GE T", "/").validate(),
            Err(SignError::InvalidMethod { .. })
        ));
        assert!(matches!(
            SignableRequest::new("GET", "relative").validate(),
            Err(SignError::InvalidUri { .. })
        ));
        assert!(matches!(
            SignableRequest::new("GET", "/")
                .header("a b", "v")
                .validate(),
            Err(SignError::InvalidHeaderName { .. })
        ));
        assert!(matches!(
            SignableRequest::new("GET", "/")
                .header("a", "v\0")
                .validate(),
            Err(SignError::InvalidHeaderValue { .. })
        ));
    }
}
