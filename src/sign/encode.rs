//! SigV4 URI encoding, used by stage ①: percent-encoding, path normalisation, and query decoding.
//!
//! Every byte but the RFC 3986 unreserved set (`A-Z a-z 0-9 - . _ ~`) is percent-encoded, with
//! uppercase hex.

#[cfg(any(feature = "gateway", test))]
use crate::prelude::*;

use crate::sink::Sink;

/// Uppercase hex digits, as SigV4 writes percent-escapes.
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// `true` for the bytes SigV4 never encodes.
static UNRESERVED: [bool; 256] = {
    let mut t = [false; 256];
    let mut i = 0;
    while i < 256 {
        let b = i as u8;
        t[i] = b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~');
        i += 1;
    }
    t
};

/// Whether SigV4 leaves `b` as it is.
#[inline]
pub(crate) fn is_unreserved(b: u8) -> bool {
    UNRESERVED[usize::from(b)]
}

/// The three bytes `%XY` for `b`.
#[inline]
pub(crate) fn escape(b: u8) -> [u8; 3] {
    [
        b'%',
        HEX_UPPER[usize::from(b >> 4)],
        HEX_UPPER[usize::from(b & 0x0f)],
    ]
}

/// Writes `bytes` percent-encoded; `/` is kept when `keep_slash`.
pub(crate) fn encode_into<S: Sink + ?Sized>(sink: &mut S, bytes: &[u8], keep_slash: bool) {
    // Most values (dates, hex, names) need no escape: check all bytes at once (a fold without
    // early exit vectorises) and pass them on in one piece.
    let keeps = |b: u8| is_unreserved(b) || (keep_slash && b == b'/');
    if bytes.iter().fold(true, |all, &b| all & keeps(b)) {
        sink.put(bytes);
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        if start < i {
            sink.put(&bytes[start..i]);
        }
        sink.put(&escape(b));
        start = i + 1;
    }
    if start < bytes.len() {
        sink.put(&bytes[start..]);
    }
}

/// Percent-encodes (SigV4 style, `/` included) everything put into it on the way to `inner`:
/// for `X-Amz-Credential` and `X-Amz-SignedHeaders` in a presigned URL.
pub(crate) struct EncodeSink<'s, S: Sink + ?Sized>(pub(crate) &'s mut S);

impl<S: Sink + ?Sized> Sink for EncodeSink<'_, S> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) {
        encode_into(self.0, bytes, false);
    }
}

/// The value of one hex digit.
#[inline]
fn hex_val(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Decodes `%XY` at `bytes[i..]`, if one is there.
#[inline]
fn escaped_at(bytes: &[u8], i: usize) -> Option<u8> {
    if bytes.get(i) != Some(&b'%') {
        return None;
    }
    let hi = hex_val(*bytes.get(i + 1)?)?;
    let lo = hex_val(*bytes.get(i + 2)?)?;
    Some(hi << 4 | lo)
}

/// S3's single encoding: an existing `%XY` escape is kept (with uppercase hex), `/` and
/// unreserved bytes are kept, and every other byte (a raw space, UTF-8, `+`, a lone `%`) is
/// encoded once.
pub(crate) fn encode_path_single<S: Sink + ?Sized>(sink: &mut S, path: &[u8]) {
    let mut start = 0;
    let mut i = 0;
    while i < path.len() {
        let b = path[i];
        if is_unreserved(b) || b == b'/' {
            i += 1;
            continue;
        }
        if start < i {
            sink.put(&path[start..i]);
        }
        if let Some(decoded) = escaped_at(path, i) {
            sink.put(&escape(decoded));
            i += 3;
        } else {
            sink.put(&escape(b));
            i += 1;
        }
        start = i;
    }
    if start < path.len() {
        sink.put(&path[start..]);
    }
}

/// Removes `.` and `..` segments and empty segments (`//`), as every AWS service but S3 does.
/// Returns the kept segments, whether the path is absolute, and whether a trailing `/` stays.
pub(crate) fn normalize_segments(path: &str) -> (smallvec::SmallVec<[&str; 16]>, bool, bool) {
    let mut out: smallvec::SmallVec<[&str; 16]> = smallvec::SmallVec::new();
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                out.pop();
            }
            s => out.push(s),
        }
    }
    let absolute = path.starts_with('/');
    let trailing = path.ends_with('/') && !out.is_empty();
    (out, absolute, trailing)
}

/// Whether [`normalize_segments`] would give `path` back unchanged: it is absolute and has no
/// empty, `.` or `..` segment (a single trailing `/` is kept by normalisation).
pub(crate) fn is_normalized(path: &str) -> bool {
    let Some(rest) = path.as_bytes().strip_prefix(b"/") else {
        return false;
    };
    if rest.is_empty() {
        return true;
    }
    let rest = rest.strip_suffix(b"/").unwrap_or(rest);
    // One walk (the readable form, split at `/` and each segment compared, is
    // `tests::is_normalized_reads_segments_as_split_does`): a segment is refused when it is
    // empty or one or two bytes that are all dots.
    let bad = |len: usize, dots: usize| len == 0 || (len <= 2 && dots == len);
    let (mut len, mut dots) = (0, 0);
    for &b in rest {
        if b == b'/' {
            if bad(len, dots) {
                return false;
            }
            (len, dots) = (0, 0);
        } else {
            len += 1;
            dots += usize::from(b == b'.');
        }
    }
    !bad(len, dots)
}

/// The path [`normalize_segments`] leaves, written out as [`write_path`] writes it before
/// encoding: the path every service but S3 signs. Borrowed when normalisation changes nothing.
///
/// [`write_path`]: crate::sign::canonical::write_path
#[cfg(feature = "gateway")]
pub(crate) fn normalized_path(path: &str) -> alloc::borrow::Cow<'_, str> {
    if is_normalized(path) {
        return alloc::borrow::Cow::Borrowed(path);
    }
    let (segs, absolute, trailing) = normalize_segments(path);
    let mut out = String::with_capacity(path.len());
    if absolute || segs.is_empty() {
        out.push('/');
    }
    for (k, seg) in segs.iter().enumerate() {
        if k > 0 {
            out.push('/');
        }
        out.push_str(seg);
    }
    if trailing {
        out.push('/');
    }
    alloc::borrow::Cow::Owned(out)
}

/// How many times [`dot_segment`] decodes percent-escapes (`%2e`, `%252e`, `%25252e`).
#[cfg(feature = "gateway")]
const DECODE_ROUNDS: usize = 3;

/// Why a path could climb out of itself on a server that resolves it differently from SigV4:
/// `Some` when a segment is `.` or `..` (also as `..;param`, which some servers read as `..`)
/// once percent-escapes are decoded, up to [`DECODE_ROUNDS`] times, with `/` and `\` (raw or
/// decoded) both ending a segment; or when escapes are nested deeper than that, so that what a
/// server decodes cannot be told.
///
/// SigV4 normalisation removes only raw `.` and `..` segments; `%2e%2e` is a name to it, but a
/// server that decodes first reads it as `..`.
#[cfg(feature = "gateway")]
pub(crate) fn dot_segment(path: &str) -> Option<&'static str> {
    let is_dot = |seg: &[u8]| {
        let name = seg.split(|&b| b == b';').next().unwrap_or(seg);
        name == b"." || name == b".."
    };
    let mut bytes = alloc::borrow::Cow::Borrowed(path.as_bytes());
    for round in 0..=DECODE_ROUNDS {
        if bytes.split(|&b| b == b'/' || b == b'\\').any(is_dot) {
            return Some(if round == 0 {
                "a dot segment ('.' or '..')"
            } else {
                "a percent-encoded dot segment (such as %2e%2e)"
            });
        }
        bytes = alloc::borrow::Cow::Owned(decode_once(&bytes)?);
    }
    Some("percent-escapes nested more than three deep")
}

/// `bytes` with each valid `%XY` decoded, or `None` when there is none.
#[cfg(feature = "gateway")]
fn decode_once(bytes: &[u8]) -> Option<Vec<u8>> {
    let first = (0..bytes.len()).find(|&i| escaped_at(bytes, i).is_some())?;
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..first]);
    let mut i = first;
    while i < bytes.len() {
        if let Some(b) = escaped_at(bytes, i) {
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    Some(out)
}

/// What the bytes of a query component are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Form {
    /// As sent on the wire: `+` means a space and `%XY` is decoded before re-encoding, so
    /// `a+b`, `a%20b` and `a b` all canonicalise to `a%20b`, and `%2B` stays `%2B`.
    Wire,
    /// Already in canonical encoding (the `X-Amz-*` values a presigned URL adds): kept as is.
    Encoded,
}

/// Iterates the canonical (re-encoded) bytes of one query component.
#[derive(Clone)]
pub(crate) struct CanonicalBytes<'a> {
    src: &'a [u8],
    pos: usize,
    form: Form,
    pending: [u8; 2],
    npending: u8,
}

impl<'a> CanonicalBytes<'a> {
    pub(crate) fn new(src: &'a [u8], form: Form) -> Self {
        Self {
            src,
            pos: 0,
            form,
            pending: [0; 2],
            npending: 0,
        }
    }

    /// The next decoded byte of the source.
    #[inline]
    fn next_decoded(&mut self) -> Option<u8> {
        let b = *self.src.get(self.pos)?;
        if self.form == Form::Wire {
            if b == b'+' {
                self.pos += 1;
                return Some(b' ');
            }
            if let Some(d) = escaped_at(self.src, self.pos) {
                self.pos += 3;
                return Some(d);
            }
        }
        self.pos += 1;
        Some(b)
    }
}

impl Iterator for CanonicalBytes<'_> {
    type Item = u8;

    #[inline]
    fn next(&mut self) -> Option<u8> {
        if self.npending > 0 {
            let b = self.pending[2 - usize::from(self.npending)];
            self.npending -= 1;
            return Some(b);
        }
        if self.form == Form::Encoded {
            let b = *self.src.get(self.pos)?;
            self.pos += 1;
            return Some(b);
        }
        let b = self.next_decoded()?;
        if is_unreserved(b) {
            return Some(b);
        }
        let e = escape(b);
        self.pending = [e[1], e[2]];
        self.npending = 2;
        Some(b'%')
    }
}

/// Writes one query component in canonical form.
pub(crate) fn write_component<S: Sink + ?Sized>(sink: &mut S, src: &[u8], form: Form) {
    match form {
        Form::Encoded => return sink.put(src),
        Form::Wire => {}
    }
    // Fast path: a component with no `+`/`%` decodes to itself.
    if !src.iter().any(|&b| b == b'+' || b == b'%') {
        encode_into(sink, src, false);
        return;
    }
    let mut buf = [0u8; 64];
    let mut n = 0;
    for b in CanonicalBytes::new(src, Form::Wire) {
        buf[n] = b;
        n += 1;
        if n == buf.len() {
            sink.put(&buf);
            n = 0;
        }
    }
    if n > 0 {
        sink.put(&buf[..n]);
    }
}

#[cfg(test)]
mod tests {
    /// [`is_normalized`]'s walk against the split it stands in for.
    fn normalized_by_split(path: &str) -> bool {
        let Some(rest) = path.strip_prefix('/') else {
            return false;
        };
        if rest.is_empty() {
            return true;
        }
        let rest = rest.strip_suffix('/').unwrap_or(rest);
        !rest.is_empty()
            && rest
                .split('/')
                .all(|s| !s.is_empty() && s != "." && s != "..")
    }

    proptest::proptest! {
        #[test]
        fn is_normalized_reads_segments_as_split_does(path in "[/.a]{0,12}") {
            proptest::prop_assert_eq!(is_normalized(&path), normalized_by_split(&path));
        }
    }

    use super::*;

    fn enc(bytes: &[u8], keep_slash: bool) -> String {
        let mut v = Vec::new();
        encode_into(&mut v, bytes, keep_slash);
        String::from_utf8(v).unwrap()
    }

    fn single(path: &str) -> String {
        let mut v = Vec::new();
        encode_path_single(&mut v, path.as_bytes());
        String::from_utf8(v).unwrap()
    }

    fn canon(s: &str) -> String {
        String::from_utf8(CanonicalBytes::new(s.as_bytes(), Form::Wire).collect()).unwrap()
    }

    #[test]
    fn only_unreserved_bytes_pass_unencoded() {
        assert_eq!(enc(b"aZ9-._~", false), "aZ9-._~");
        assert_eq!(enc(b"a b/c+d%", false), "a%20b%2Fc%2Bd%25");
        assert_eq!(enc(b"a b/c", true), "a%20b/c");
        assert_eq!(enc("é".as_bytes(), true), "%C3%A9");
    }

    #[test]
    fn single_encoding_keeps_existing_escapes_and_encodes_the_rest() {
        assert_eq!(single("/a%20b/c%2bd%2F~"), "/a%20b/c%2Bd%2F~");
        assert_eq!(single("/a b/c+d/é/%/%zz"), "/a%20b/c%2Bd/%C3%A9/%25/%25zz");
    }

    #[test]
    fn query_components_decode_plus_and_escapes_then_encode_once() {
        assert_eq!(canon("a+b"), "a%20b");
        assert_eq!(canon("a%20b"), "a%20b");
        assert_eq!(canon("x%2By"), "x%2By");
        assert_eq!(canon("v%3dw"), "v%3Dw");
        assert_eq!(canon("%7E%2F"), "~%2F");
        assert_eq!(canon("100%"), "100%25");
        assert_eq!(canon("%E1%88%B4"), "%E1%88%B4");
    }

    #[test]
    fn dot_segments_and_empty_segments_are_removed() {
        let join = |p: &str| {
            let (segs, abs, trail) = normalize_segments(p);
            format!(
                "{}{}{}",
                if abs { "/" } else { "" },
                segs.join("/"),
                if trail { "/" } else { "" }
            )
        };
        assert_eq!(join("/example/.."), "/");
        assert_eq!(join("/./example"), "/example");
        assert_eq!(join("//example//"), "/example/");
        assert_eq!(join("/a/b/../../.."), "/");
        assert_eq!(join("/a/./b/../c//d"), "/a/c/d");
    }

    #[test]
    fn is_normalized_is_exactly_when_normalisation_changes_nothing() {
        let join = |p: &str| {
            let (segs, abs, trail) = normalize_segments(p);
            format!(
                "{}{}{}",
                if abs || segs.is_empty() { "/" } else { "" },
                segs.join("/"),
                if trail { "/" } else { "" }
            )
        };
        for p in [
            "",
            "/",
            "//",
            "/a",
            "/a/",
            "/a//",
            "a",
            "a/b",
            "/a/b/c",
            "/a/./b",
            "/a/../b",
            "/.",
            "/..",
            "/./",
            "/a/.",
            "/a/..",
            "/a/.b",
            "/a/..b",
            "/a/b.",
            "/.a/",
            "///",
            "/a b/%20/",
            "/example/..",
        ] {
            // The fast path is taken only when it is exact; for absolute paths, whenever it is.
            if is_normalized(p) {
                assert_eq!(join(p), p);
            } else if p.starts_with('/') {
                assert_ne!(join(p), p, "{p:?}");
            }
        }
    }

    #[test]
    fn encode_sink_encodes_slashes_and_semicolons() {
        let mut out = Vec::new();
        EncodeSink(&mut out).put(b"AKID/20150830/us-east-1/s3/aws4_request");
        EncodeSink(&mut out).put(b" host;x-amz-date");
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request%20host%3Bx-amz-date"
        );
    }

    #[cfg(feature = "gateway")]
    #[test]
    fn normalized_path_is_what_write_path_encodes() {
        use crate::settings::Settings;
        for p in [
            "",
            "/",
            "//",
            "/a/",
            "/a//b/",
            "/internal/../public/report",
            "/./a/./b/.",
            "/a/b/../../..",
            "/%2e%2e/a b/é",
            "a/../b",
            "*",
        ] {
            let mut canonical = Vec::new();
            crate::sign::canonical::write_path(&mut canonical, p, &Settings::default());
            let mut encoded = Vec::new();
            encode_into(&mut encoded, normalized_path(p).as_bytes(), true);
            assert_eq!(
                String::from_utf8(encoded).unwrap(),
                String::from_utf8(canonical).unwrap(),
                "{p:?}"
            );
        }
        assert!(matches!(
            normalized_path("/a/b"),
            alloc::borrow::Cow::Borrowed(_)
        ));
    }

    #[cfg(feature = "gateway")]
    #[test]
    fn dot_segments_are_found_raw_encoded_and_behind_parameters() {
        for p in [
            "/a/../b",
            "/a/./b",
            "/..",
            "..",
            "/a/%2e%2e/b",
            "/a/%2E./b",
            "/a/.%2e",
            "/a/%2e/b",
            "/a/..%2fb",
            "/a/..%5cb",
            "/a\\..\\b",
            "/a/%252e%252e/b",
            "/a/%25252e%25252e/b",
            "/a/..;x=1/b",
            "/a/%2e%2e%3bx/b",
        ] {
            assert!(dot_segment(p).is_some(), "{p:?}");
        }
        for p in [
            "/",
            "/a/b/",
            "//a//b",
            "/a/..b/c..",
            "/a/.../b",
            "/a/%2e%2ex/b",
            "/a/%zz/%/b",
            "/a/%2Fb",
            "/a/%252F",
        ] {
            assert_eq!(dot_segment(p), None, "{p:?}");
        }
        // Deeper nesting cannot be told apart from a dot segment a server would decode.
        assert!(dot_segment("/a/%2525252e").is_some());
    }
}
