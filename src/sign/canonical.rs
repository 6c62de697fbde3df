//! Stage ①: the canonical request, written byte for byte into a [`Sink`].
//!
//! ```text
//! METHOD \n canonical-path \n canonical-query \n (name:value \n)* \n signed;headers \n payload-hash
//! ```

use crate::prelude::*;

use core::cmp::Ordering;

use smallvec::SmallVec;

use crate::bytes::find_byte;
use crate::request::Header;
use crate::settings::{PathNormalization, Settings, UriEncoding};
use crate::sign::encode::{self, Form};
use crate::sink::Sink;

/// How many headers a canonical request holds without a heap allocation: the 16 a
/// [`SignableRequest`](crate::SignableRequest) holds inline, plus the 4 the signer may add
/// (`host`, `x-amz-date`, `x-amz-security-token`, `x-amz-content-sha256`).
const INLINE_HEADERS: usize = 20;

/// Up to this many headers sent, [`CanonicalHeaders::take_claimed`] scans them for each
/// claimed name (at most 17 scans of 16); more are sorted and merged.
const SCANNED_HEADERS: usize = 16;

/// How many query parameters a canonical request holds without a heap allocation (a presigned
/// URL adds up to 6 `X-Amz-*` parameters to the request's own).
const INLINE_PARAMS: usize = 16;

/// Orders names as their lowercase forms would order.
#[inline]
pub(crate) fn cmp_lowercase(a: &[u8], b: &[u8]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        match x.to_ascii_lowercase().cmp(&y.to_ascii_lowercase()) {
            Ordering::Equal => {}
            o => return o,
        }
    }
    a.len().cmp(&b.len())
}

/// Writes `name` lowercased.
fn put_lowercase<S: Sink + ?Sized>(sink: &mut S, name: &str) {
    let bytes = name.as_bytes();
    if !bytes.iter().any(u8::is_ascii_uppercase) {
        sink.put(bytes);
        return;
    }
    let mut buf = [0u8; 64];
    for chunk in bytes.chunks(buf.len()) {
        let out = &mut buf[..chunk.len()];
        out.copy_from_slice(chunk);
        out.make_ascii_lowercase();
        sink.put(out);
    }
}

/// Writes a header value trimmed, with each run of whitespace (spaces, tabs, and the CR/LF of a
/// folded line) collapsed to one space.
pub(crate) fn put_trimmed<S: Sink + ?Sized>(sink: &mut S, value: &[u8]) {
    // Every whitespace byte is at most 0x20; most values have none and pass as they are.
    if !value.iter().fold(false, |any, &b| any | (b <= b' ')) {
        sink.put(value);
        return;
    }
    let ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | 0x0b | 0x0c);
    let mut rest = value;
    while let [first, tail @ ..] = rest {
        if ws(first) {
            rest = tail;
        } else {
            break;
        }
    }
    while let [head @ .., last] = rest {
        if ws(last) {
            rest = head;
        } else {
            break;
        }
    }
    let mut start = 0;
    let mut i = 0;
    while i < rest.len() {
        if ws(&rest[i]) {
            sink.put(&rest[start..i]);
            sink.put(b" ");
            while i < rest.len() && ws(&rest[i]) {
                i += 1;
            }
            start = i;
        } else {
            i += 1;
        }
    }
    sink.put(&rest[start..]);
}

/// A header in a [`CanonicalHeaders`] list, with what sorting and writing it needs worked out
/// once.
#[derive(Debug, Clone, Copy)]
struct Entry<'a> {
    /// The first 8 bytes of the lowercase name, big-endian and zero-padded: one integer
    /// comparison orders most pairs of names.
    prefix: u64,
    name: &'a str,
    value: &'a [u8],
    /// The name has no uppercase letter (names from `http::HeaderName` never do).
    lower: bool,
}

/// The first 8 bytes of `name`, zero-padded. Read as whole words: a copy of a variable length
/// calls `memcpy`, whose narrow stores the 8-byte load of the result then waits for.
#[inline]
fn first_eight(name: &str) -> [u8; 8] {
    let b = name.as_bytes();
    let n = b.len();
    let word = match (
        b.first_chunk::<8>(),
        b.first_chunk::<4>(),
        b.last_chunk::<4>(),
    ) {
        (Some(w), _, _) => u64::from_be_bytes(*w),
        // 4 to 7 bytes: the first four and the last four, which overlap in equal bytes.
        (None, Some(head), Some(tail)) => {
            (u64::from(u32::from_be_bytes(*head)) << 32)
                | (u64::from(u32::from_be_bytes(*tail)) << (8 * (8 - n)))
        }
        // 1 to 3 bytes: the first, the middle and the last.
        _ => match (b.first(), b.get(n / 2), b.last()) {
            (Some(&x), Some(&y), Some(&z)) => {
                (u64::from(x) << 56)
                    | (u64::from(y) << (8 * (7 - n / 2)))
                    | (u64::from(z) << (8 * (8 - n)))
            }
            _ => 0,
        },
    };
    word.to_be_bytes()
}

impl<'a> Entry<'a> {
    /// The entry of `h` with `lower` unset: only for comparing names (`same_name` and
    /// `cmp_name` read `lower` only to skip case folding when both are lowercase, so unset
    /// only folds case where it need not).
    #[inline]
    fn unchecked(h: Header<'a>) -> Self {
        let mut first = first_eight(h.name);
        first.make_ascii_lowercase();
        Self {
            prefix: u64::from_be_bytes(first),
            name: h.name,
            value: h.value,
            lower: false,
        }
    }

    /// The entry of `h`, whose name is known to be lowercase (it came from an
    /// `http::HeaderMap`).
    #[inline]
    fn lowercase(h: Header<'a>) -> Self {
        Self {
            prefix: u64::from_be_bytes(first_eight(h.name)),
            name: h.name,
            value: h.value,
            lower: true,
        }
    }

    #[inline(always)]
    fn new(h: Header<'a>) -> Self {
        let bytes = h.name.as_bytes();
        let mut first = first_eight(h.name);
        first.make_ascii_lowercase();
        Self {
            prefix: u64::from_be_bytes(first),
            name: h.name,
            value: h.value,
            lower: !bytes
                .iter()
                .fold(false, |any, b| any | b.is_ascii_uppercase()),
        }
    }

    /// The name after the 8 bytes `prefix` holds.
    #[inline]
    fn rest(&self) -> &'a [u8] {
        self.name.as_bytes().get(8..).unwrap_or_default()
    }

    #[inline]
    fn cmp_name(&self, other: &Self) -> Ordering {
        // Names hold no NUL byte, so equal prefixes of names up to 8 bytes mean equal names.
        self.prefix.cmp(&other.prefix).then_with(|| {
            if self.lower && other.lower {
                self.rest().cmp(other.rest())
            } else {
                cmp_lowercase(self.rest(), other.rest())
            }
        })
    }

    #[inline]
    fn same_name(&self, other: &Self) -> bool {
        self.prefix == other.prefix
            && self.name.len() == other.name.len()
            && self.rest().eq_ignore_ascii_case(other.rest())
    }

    #[inline]
    fn put_name<S: Sink + ?Sized>(&self, sink: &mut S) {
        if self.lower {
            sink.put(self.name.as_bytes());
        } else {
            put_lowercase(sink, self.name);
        }
    }
}

/// The signed headers, sorted by lowercase name; repeated names keep their original order.
#[derive(Debug, Clone, Default)]
pub(crate) struct CanonicalHeaders<'a> {
    list: SmallVec<[Entry<'a>; INLINE_HEADERS]>,
}

impl<'a> CanonicalHeaders<'a> {
    /// The headers a client claims to have signed (its `SignedHeaders` list, lowercase), taken
    /// from `headers` without applying any deny-list: a verifier recomputes exactly what was
    /// claimed. A claimed header the request lacks is written with an empty value, as AWS
    /// does; the second value lists those names.
    ///
    /// Both lists are sorted by name and then merged, so a request with many headers costs
    /// `n log n`, not the product of the two lengths.
    pub(crate) fn new_claimed<'c>(
        claimed: &[&'c str],
        headers: &[Header<'a>],
    ) -> (Self, Vec<&'c str>)
    where
        'c: 'a,
    {
        let mut names: SmallVec<[&'c str; 16]> = claimed.iter().copied().collect();
        // Lowercase names sort bytewise as `Entry::cmp_name` orders them.
        names.sort_unstable();
        names.dedup();
        let mut sent: SmallVec<[Entry<'a>; INLINE_HEADERS]> =
            headers.iter().map(|h| Entry::new(*h)).collect();
        // Stable: repeated names keep their order.
        sent.sort_by(Entry::cmp_name);
        let mut out = Self::default();
        let mut absent = Vec::new();
        let mut rest = &sent[..];
        for name in names {
            let wanted = Entry::new(Header { name, value: b"" });
            while rest
                .first()
                .is_some_and(|e| e.cmp_name(&wanted) == Ordering::Less)
            {
                rest = &rest[1..];
            }
            let same = rest.iter().take_while(|e| e.same_name(&wanted)).count();
            if same == 0 {
                absent.push(name);
                out.list.push(wanted);
            } else {
                out.list.extend_from_slice(&rest[..same]);
                rest = &rest[same..];
            }
        }
        // Merged in order: `out` is sorted already.
        (out, absent)
    }

    /// Adds the headers of `headers` whose names are in `claimed` (a `SignedHeaders` list,
    /// `;`-separated: lowercase, sorted, without repeats) and sorts them: what
    /// [`CanonicalHeaders::new_claimed`] gives, built in place. `false` when a claimed name is
    /// not among `headers`; the caller then takes `new_claimed`'s answer, which writes that
    /// header with an empty value.
    ///
    /// Each header comes with whether its name is known to be lowercase (it came from an
    /// `http::HeaderMap`): the case of those names is not folded.
    pub(crate) fn take_claimed<I>(&mut self, claimed: &str, headers: I) -> bool
    where
        I: IntoIterator<Item = (Header<'a>, bool)>,
        I::IntoIter: Clone,
    {
        let headers = headers.into_iter();
        if headers.size_hint().1.is_some_and(|n| n <= SCANNED_HEADERS) {
            return self.scan_claimed(claimed, headers);
        }
        self.merge_claimed(claimed, headers)
    }

    /// [`CanonicalHeaders::take_claimed`] for many headers: those claimed are picked out,
    /// then sorted, and the two lists are walked together.
    fn merge_claimed(
        &mut self,
        claimed: &str,
        headers: impl Iterator<Item = (Header<'a>, bool)>,
    ) -> bool {
        // The list is lowercase: each name's first 8 bytes are its prefix as they are, and no
        // name needs checking for uppercase letters.
        let mut wanted: SmallVec<[Entry<'_>; 16]> = SmallVec::new();
        let mut rest = claimed;
        loop {
            let end = rest.bytes().position(|b| b == b';').unwrap_or(rest.len());
            let name = rest.get(..end).unwrap_or_default();
            wanted.push(Entry {
                prefix: u64::from_be_bytes(first_eight(name)),
                name,
                value: b"",
                lower: true,
            });
            match rest.get(end + 1..) {
                Some(next) => rest = next,
                None => break,
            }
        }
        for (h, known) in headers {
            // Whether the name is lowercase is worked out only for a claimed header, and only
            // when it is not known.
            let e = if known {
                Entry::lowercase(h)
            } else {
                Entry::unchecked(h)
            };
            // Most names differ from each wanted one in their first 8 bytes: one integer
            // compare each. A long list is searched by halves.
            let is_claimed = if wanted.len() <= 16 {
                wanted.iter().any(|w| w.same_name(&e))
            } else {
                wanted.binary_search_by(|w| w.cmp_name(&e)).is_ok()
            };
            if is_claimed {
                self.list.push(if known { e } else { Entry::new(h) });
            }
        }
        self.sort();
        // Both lists are in the same order: each claimed name must start the next run.
        let mut rest = &self.list[..];
        for w in &wanted {
            let same = rest.iter().take_while(|e| e.same_name(w)).count();
            if same == 0 {
                return false;
            }
            rest = &rest[same..];
        }
        true
    }

    /// [`CanonicalHeaders::take_claimed`] for a request of a few headers: the headers sent
    /// are scanned for each claimed name in turn. The list is sorted, so the headers come out
    /// sorted, repeated names in the order sent (as the stable sort leaves them), with no sort.
    /// A name must match one header sent that no name before it matched (the names differ), so
    /// at most `headers.len() + 1` scans are made before a match is missed or the list ends.
    fn scan_claimed(
        &mut self,
        claimed: &str,
        headers: impl Iterator<Item = (Header<'a>, bool)> + Clone,
    ) -> bool {
        let mut rest = claimed;
        loop {
            let end = find_byte(rest.as_bytes(), b';').unwrap_or(rest.len());
            let name = rest.get(..end).unwrap_or_default();
            let before = self.list.len();
            for (h, lowercase) in headers.clone() {
                if h.name.len() != name.len() {
                    continue;
                }
                if lowercase {
                    if h.name == name {
                        self.list.push(Entry::lowercase(h));
                    }
                } else if h.name.eq_ignore_ascii_case(name) {
                    self.list.push(Entry::new(h));
                }
            }
            if self.list.len() == before {
                return false;
            }
            match rest.get(end + 1..) {
                Some(next) => rest = next,
                None => return true,
            }
        }
    }

    /// Keeps the headers `settings` signs and sorts them.
    #[cfg(test)]
    pub(crate) fn new(headers: impl IntoIterator<Item = Header<'a>>, settings: &Settings) -> Self {
        let mut out = Self::default();
        for h in headers {
            if !settings.is_excluded(h.name) {
                out.push(h);
            }
        }
        out.sort();
        out
    }

    /// Adds a header to sign; [`CanonicalHeaders::sort`] must follow before writing.
    #[inline]
    pub(crate) fn push(&mut self, h: Header<'a>) {
        self.list.push(Entry::new(h));
    }

    /// Sorts by lowercase name. The sort is stable, so repeated names keep their order, and
    /// does not allocate for short lists (tests/alloc.rs signs 20 headers with no allocation).
    pub(crate) fn sort(&mut self) {
        self.list.sort_by(Entry::cmp_name);
    }

    /// `name:value\n` per name, repeated values joined with `,`.
    pub(crate) fn write<S: Sink + ?Sized>(&self, sink: &mut S) {
        let mut prev: Option<&Entry<'a>> = None;
        for e in &self.list {
            if prev.is_some_and(|p| p.same_name(e)) {
                sink.put(b",");
            } else {
                if prev.is_some() {
                    sink.put(b"\n");
                }
                e.put_name(sink);
                sink.put(b":");
            }
            put_trimmed(sink, e.value);
            prev = Some(e);
        }
        if prev.is_some() {
            sink.put(b"\n");
        }
    }

    /// `a;b;c`.
    pub(crate) fn write_signed<S: Sink + ?Sized>(&self, sink: &mut S) {
        let mut prev: Option<&Entry<'a>> = None;
        for e in &self.list {
            match prev {
                Some(p) if p.same_name(e) => continue,
                Some(_) => sink.put(b";"),
                None => {}
            }
            e.put_name(sink);
            prev = Some(e);
        }
    }

    /// The `SignedHeaders` list as a string.
    pub(crate) fn signed_list(&self) -> String {
        let mut v = Vec::new();
        self.write_signed(&mut v);
        String::from_utf8(v).unwrap_or_default()
    }
}

/// One query parameter: from the request as sent ([`Form::Wire`], decoded before being
/// re-encoded), or one of the `X-Amz-*` parameters of a presigned URL, already encoded
/// ([`Form::Encoded`]).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Param<'a> {
    pub(crate) key: &'a [u8],
    pub(crate) value: &'a [u8],
    pub(crate) form: Form,
}

impl Param<'_> {
    fn cmp_canonical(&self, other: &Self) -> Ordering {
        cmp_component(self.key, self.form, other.key, other.form)
            .then_with(|| cmp_component(self.value, self.form, other.value, other.form))
    }

    /// `key=value` in canonical encoding.
    pub(crate) fn write<S: Sink + ?Sized>(&self, sink: &mut S) {
        encode::write_component(sink, self.key, self.form);
        sink.put(b"=");
        encode::write_component(sink, self.value, self.form);
    }
}

/// Orders two query components by their canonical encodings. A component made of unreserved
/// bytes only (`X-Amz-Date`, `limit`, `10`) is its own canonical form and is compared as it is.
fn cmp_component(a: &[u8], a_form: Form, b: &[u8], b_form: Form) -> Ordering {
    let as_is =
        |c: &[u8], form: Form| form == Form::Encoded || c.iter().all(|&x| encode::is_unreserved(x));
    if as_is(a, a_form) && as_is(b, b_form) {
        return a.cmp(b);
    }
    encode::CanonicalBytes::new(a, a_form).cmp(encode::CanonicalBytes::new(b, b_form))
}

/// Splits `k=v&k=v` into keys and values: `&` separates the pieces, the first `=` splits key
/// from value (a bare `flag` has none), and empty pieces (`a=1&&b=2`) are skipped.
pub(crate) fn split_pairs(raw: &[u8]) -> impl Iterator<Item = (&[u8], Option<&[u8]>)> {
    raw.split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.iter().position(|&b| b == b'=') {
            Some(i) => (&p[..i], Some(&p[i + 1..])),
            None => (p, None),
        })
}

/// Splits a raw query string into parameters, as [`split_pairs`] does; a bare `flag` has an
/// empty value.
pub(crate) fn parse_query(raw: &str) -> impl Iterator<Item = Param<'_>> {
    split_pairs(raw.as_bytes()).map(|(key, value)| Param {
        key,
        value: value.unwrap_or_default(),
        form: Form::Wire,
    })
}

/// The canonical query: every parameter encoded, sorted by encoded key, then encoded value.
#[derive(Debug, Clone, Default)]
pub(crate) struct CanonicalQuery<'a> {
    params: SmallVec<[Param<'a>; INLINE_PARAMS]>,
}

impl<'a> CanonicalQuery<'a> {
    #[cfg(test)]
    pub(crate) fn new(raw: Option<&'a str>) -> Self {
        let mut q = Self::default();
        q.extend_wire(raw);
        q
    }

    /// Adds the parameters of a raw query string as sent.
    #[inline]
    pub(crate) fn extend_wire(&mut self, raw: Option<&'a str>) {
        if let Some(raw) = raw {
            self.params.extend(parse_query(raw));
        }
    }

    /// Adds the parameters of `k=v&k=v` whose keys and values are already in canonical
    /// encoding.
    pub(crate) fn extend_encoded(&mut self, encoded: &'a [u8]) {
        self.params
            .extend(split_pairs(encoded).map(|(key, value)| Param {
                key,
                value: value.unwrap_or_default(),
                form: Form::Encoded,
            }));
    }

    /// Keeps only the parameters for which `keep(decoded key)` holds (a verifier drops
    /// `X-Amz-Signature`).
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&[u8]) -> bool) {
        self.params.retain(|p| {
            if p.form == Form::Wire {
                keep(&percent_encoding::percent_decode(p.key).collect::<Vec<u8>>())
            } else {
                keep(p.key)
            }
        });
    }

    /// Sorts into canonical order.
    pub(crate) fn sort(&mut self) {
        self.params.sort_unstable_by(Param::cmp_canonical);
    }

    pub(crate) fn write<S: Sink + ?Sized>(&self, sink: &mut S) {
        for (k, p) in self.params.iter().enumerate() {
            if k > 0 {
                sink.put(b"&");
            }
            p.write(sink);
        }
    }
}

/// Writes the canonical URI path.
pub(crate) fn write_path<S: Sink + ?Sized>(sink: &mut S, path: &str, settings: &Settings) {
    let encode = |sink: &mut S, bytes: &[u8]| match settings.uri_encoding {
        UriEncoding::Double => encode::encode_into(sink, bytes, true),
        UriEncoding::Single => encode::encode_path_single(sink, bytes),
    };
    match settings.path_normalization {
        // Normalisation would change nothing: encode the path as it is.
        PathNormalization::Enabled if encode::is_normalized(path) => encode(sink, path.as_bytes()),
        PathNormalization::Enabled => {
            let (segs, absolute, trailing) = encode::normalize_segments(path);
            if absolute || segs.is_empty() {
                sink.put(b"/");
            }
            for (k, seg) in segs.iter().enumerate() {
                if k > 0 {
                    sink.put(b"/");
                }
                encode(sink, seg.as_bytes());
            }
            if trailing {
                sink.put(b"/");
            }
        }
        PathNormalization::Disabled => {
            if path.is_empty() {
                sink.put(b"/");
            } else {
                encode(sink, path.as_bytes());
            }
        }
    }
}

/// Everything stage ① needs, borrowed from the request.
#[derive(Debug, Clone)]
pub(crate) struct CanonicalRequest<'r, 'a> {
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) query: &'r CanonicalQuery<'a>,
    pub(crate) headers: &'r CanonicalHeaders<'a>,
    pub(crate) payload_hash: &'a [u8],
}

impl CanonicalRequest<'_, '_> {
    /// Writes the canonical request, exactly.
    pub(crate) fn write<S: Sink + ?Sized>(&self, sink: &mut S, settings: &Settings) {
        sink.put(self.method.as_bytes());
        sink.put(b"\n");
        write_path(sink, self.path, settings);
        sink.put(b"\n");
        self.query.write(sink);
        sink.put(b"\n");
        self.headers.write(sink);
        sink.put(b"\n");
        self.headers.write_signed(sink);
        sink.put(b"\n");
        sink.put(self.payload_hash);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Header names (with the case a client might send), some of them claimed.
    fn names() -> impl proptest::strategy::Strategy<Value = Vec<(String, bool)>> {
        use proptest::prelude::*;
        proptest::collection::vec(
            (
                prop::sample::select(vec![
                    "host",
                    "x-amz-date",
                    "x-amz-meta-a",
                    "x-amz-meta-ab",
                    "x-amz-meta-b",
                    "content-type",
                    "a",
                    "abcdefgh",
                    "abcdefghi",
                    "abcdefgz",
                ]),
                any::<bool>(),
                any::<bool>(),
            )
                .prop_map(|(n, upper, claimed)| {
                    let n = if upper {
                        n.to_ascii_uppercase()
                    } else {
                        n.to_string()
                    };
                    (n, claimed)
                }),
            0..24,
        )
    }

    proptest::proptest! {
        /// `take_claimed`, told which names are lowercase (here the leading ones), takes
        /// what `new_claimed` takes, by either of its ways (scanning a few headers, sorting
        /// and merging many), repeated names in the order sent.
        #[test]
        fn take_claimed_agrees_with_new_claimed(headers in names(), extra_claimed in proptest::bool::ANY) {
            let values: Vec<String> = (0..headers.len()).map(|i| format!(" v{i} ")).collect();
            let sent: Vec<Header<'_>> = headers
                .iter()
                .zip(&values)
                .map(|((n, _), v)| Header { name: n, value: v.as_bytes() })
                .collect();
            let mut claimed: Vec<String> = headers
                .iter()
                .filter(|(_, c)| *c)
                .map(|(n, _)| n.to_ascii_lowercase())
                .collect();
            if extra_claimed {
                claimed.push("x-amz-not-sent".into());
            }
            claimed.sort();
            claimed.dedup();
            proptest::prop_assume!(!claimed.is_empty());
            let list = claimed.join(";");
            let lowercase = headers
                .iter()
                .take_while(|(n, _)| !n.bytes().any(|b| b.is_ascii_uppercase()))
                .count();
            let names: Vec<&str> = claimed.iter().map(String::as_str).collect();
            let (expected, missing) = CanonicalHeaders::new_claimed(&names, &sent);
            let mut expected_text = Vec::new();
            expected.write(&mut expected_text);
            let with_case = || sent.iter().enumerate().map(|(i, h)| (*h, i < lowercase));
            fn taken<'h>(take: impl FnOnce(&mut CanonicalHeaders<'h>) -> bool) -> (bool, Vec<u8>) {
                let mut c = CanonicalHeaders::default();
                let all_sent = take(&mut c);
                let mut text = Vec::new();
                c.write(&mut text);
                (all_sent, text)
            }
            let ways = [
                ("take", taken(|c| c.take_claimed(&list, with_case()))),
                ("scan", taken(|c| c.scan_claimed(&list, with_case()))),
                ("merge", taken(|c| c.merge_claimed(&list, with_case()))),
            ];
            for (way, (all_sent, text)) in ways {
                proptest::prop_assert_eq!(all_sent, missing.is_empty(), "{}", way);
                if all_sent {
                    proptest::prop_assert_eq!(&text, &expected_text, "{}", way);
                }
            }
        }
    }

    #[test]
    fn first_eight_is_the_zero_padded_prefix_at_every_length() {
        let name = "abcdefghijkl";
        for n in 0..=name.len() {
            let mut expected = [0u8; 8];
            for (e, b) in expected.iter_mut().zip(name[..n].bytes()) {
                *e = b;
            }
            assert_eq!(first_eight(&name[..n]), expected, "length {n}");
        }
    }

    fn trimmed(v: &str) -> String {
        let mut out = Vec::new();
        put_trimmed(&mut out, v.as_bytes());
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn values_are_trimmed_and_whitespace_runs_collapse() {
        assert_eq!(trimmed("  a   b \t c  "), "a b c");
        assert_eq!(
            trimmed("value1\n  value2\n     value3"),
            "value1 value2 value3"
        );
        assert_eq!(trimmed("   "), "");
        assert_eq!(trimmed("\"a   b   c\""), "\"a b c\"");
    }

    #[test]
    fn query_sorts_by_encoded_key_then_value() {
        let mut q = CanonicalQuery::new(Some("b=2&a=z&a=y&%E1%88%B4=1&Param=1&flag&&c=a+b"));
        q.sort();
        let mut out = Vec::new();
        q.write(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "%E1%88%B4=1&Param=1&a=y&a=z&b=2&c=a%20b&flag="
        );
    }

    #[test]
    fn repeated_header_names_join_in_order() {
        let hs = [
            Header {
                name: "My-Header1",
                value: b"value4",
            },
            Header {
                name: "host",
                value: b"h",
            },
            Header {
                name: "my-header1",
                value: b" value1 ",
            },
        ];
        let c = CanonicalHeaders::new(hs, &Settings::default());
        let mut out = Vec::new();
        c.write(&mut out);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "host:h\nmy-header1:value4,value1\n"
        );
        assert_eq!(c.signed_list(), "host;my-header1");
    }
}
