//! Properties that hold for every request, checked with proptest.

use std::time::Duration;

use awssig::{Credentials, Payload, SignableRequest, Signer};
use proptest::prelude::*;

fn signer() -> Signer {
    Signer::new(
        Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
            .with_session_token("tok"),
        "eu-west-1",
        "execute-api",
    )
}

fn now() -> time::OffsetDateTime {
    time::macros::datetime!(2024-02-29 23:59:59 UTC)
}

/// Header names: RFC 9110 tokens.
fn header_name() -> impl Strategy<Value = String> {
    "[A-Za-z][A-Za-z0-9-]{0,20}"
}

/// Header values that `http::HeaderValue` accepts (visible ASCII, spaces, tabs, obs-text).
fn header_value() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![Just(b' '), Just(b'\t'), 0x21u8..0x7f, 0x80u8..=0xff],
        0..40,
    )
}

/// Header names from a pool of six, so that generated lists repeat names.
fn header_pool() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        "x-a",
        "x-b",
        "content-type",
        "x-amz-meta-k",
        "accept",
        "x-c",
    ])
    .prop_map(str::to_string)
}

/// A permutation of `list` chosen by `seed` in which values of the same name (compared
/// case-insensitively) keep their relative order, with the case of some names changed by
/// `upper_mask`: shuffle the positions, then hand each name's values out again in their
/// original order.
fn reorder_keeping_same_name_order(
    list: &[(String, Vec<u8>)],
    seed: u64,
    upper_mask: u64,
) -> Vec<(String, Vec<u8>)> {
    // Fisher-Yates driven by a small xorshift: any permutation is reachable.
    let mut names: Vec<String> = list.iter().map(|(n, _)| n.to_ascii_lowercase()).collect();
    let mut x = seed | 1;
    for i in (1..names.len()).rev() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        names.swap(i, (x % (i as u64 + 1)) as usize);
    }
    let mut next: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let k = next.entry(name.as_str()).or_insert(0);
            let value = list
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .nth(*k)
                .map(|(_, v)| v.clone())
                .unwrap_or_default();
            *k += 1;
            let shown = if upper_mask >> (i % 64) & 1 == 1 {
                name.to_ascii_uppercase()
            } else {
                name.clone()
            };
            (shown, value)
        })
        .collect()
}

/// Any string, including the characters that URLs must escape.
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 +%=&/?#~._\\-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
    ]
}

/// Encodes like a form serializer (spaces as `+`) or like RFC 3986 (`%20`), at random.
fn wire_encode(s: &str, plus_for_space: bool) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b' ' if plus_for_space => out.push('+'),
            b if b.is_ascii_alphanumeric() || b"-._~".contains(&b) => out.push(b as char),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Signing an arbitrary `http::Request` returns Ok or an error, never a panic, and a
    /// successful signature always lands in a sensitive `authorization` header.
    #[test]
    fn signing_never_panics_on_arbitrary_http_requests(
        method in prop_oneof![Just("GET".to_string()), Just("POST".to_string()), "[A-Z]{1,8}"],
        path in "(/[a-zA-Z0-9%._~!$&'()*+,;=:@-]{0,10}){0,4}",
        query in proptest::option::of("[a-zA-Z0-9%=&+._~-]{0,30}"),
        host in "[a-z0-9.-]{1,20}(:[0-9]{1,5})?",
        headers in prop::collection::vec((header_name(), header_value()), 0..8),
        body in prop::collection::vec(any::<u8>(), 0..64),
    ) {
        let uri = match &query {
            Some(q) => format!("https://{host}{}?{q}", if path.is_empty() { "/" } else { &path }),
            None => format!("https://{host}{path}"),
        };
        let Ok(uri) = uri.parse::<http::Uri>() else { return Ok(()) };
        let mut b = http::Request::builder().method(method.as_str()).uri(uri);
        for (n, v) in &headers {
            if let Ok(v) = http::HeaderValue::from_bytes(v) {
                b = b.header(n.as_str(), v);
            }
        }
        let Ok(mut req) = b.body(body) else { return Ok(()) };
        if signer().sign_at(&mut req, now()).is_ok() {
            prop_assert!(req.headers()["authorization"].is_sensitive());
            prop_assert!(req.headers().contains_key("x-amz-date"));
        }
        let _ = signer().presign_at(&req, Duration::from_secs(60), now());
    }

    /// The lower-level entry takes any strings at all without panicking.
    #[test]
    fn lower_level_entry_never_panics(
        method in any_text(),
        target in any_text(),
        headers in prop::collection::vec((any_text(), any_text()), 0..6),
    ) {
        let mut req = SignableRequest::new(&method, &target);
        for (n, v) in &headers {
            req.push_header(n, v.as_bytes());
        }
        let _ = signer().sign_request_at(&req, Payload::Unsigned, now());
        let _ = signer().presign_request_at(&req, Payload::Bytes(b"x"), Duration::from_secs(1), now());
        let _ = signer().explain_request_at(&req, Payload::Bytes(b""), now());
    }

    /// The signature does not depend on the order headers were inserted in, nor on the case of
    /// their names, as long as values of the same name keep their relative order: the spec
    /// joins repeated names' values with `,` in the order sent, so that order is part of what is
    /// signed (checked in the next property). Names come from a small pool so that most lists
    /// repeat some; the order is an arbitrary permutation, not a rotation.
    #[test]
    fn signature_is_independent_of_header_order_and_name_case(
        list in prop::collection::vec((header_pool(), header_value()), 1..10),
        shuffle in any::<u64>(),
        upper_mask in any::<u64>(),
    ) {
        let sign = |headers: &[(String, Vec<u8>)]| {
            let mut r = SignableRequest::new("GET", "https://example.amazonaws.com/p?a=1");
            for (n, v) in headers { r.push_header(n, v); }
            signer().sign_request_at(&r, Payload::Bytes(b""), now()).map(|o| o.signature())
        };
        let base = sign(&list);
        let other = reorder_keeping_same_name_order(&list, shuffle, upper_mask);
        prop_assert_eq!(base, sign(&other), "{:?} vs {:?}", list, other);
    }

    /// What does depend on order: two different values of one name, swapped, sign differently.
    #[test]
    fn swapping_values_of_a_repeated_name_changes_the_signature(
        name in header_pool(),
        a in "[a-z0-9]{1,8}",
        b in "[a-z0-9]{1,8}",
        others in prop::collection::vec((header_pool(), header_value()), 0..4),
    ) {
        prop_assume!(a != b);
        let sign = |first: &str, second: &str| {
            let mut r = SignableRequest::new("GET", "https://example.amazonaws.com/p");
            r.push_header(&name, first.as_bytes());
            for (n, v) in &others { r.push_header(n, v); }
            r.push_header(&name, second.as_bytes());
            signer().sign_request_at(&r, Payload::Bytes(b""), now()).map(|o| o.signature())
        };
        let (ab, ba) = (sign(&a, &b), sign(&b, &a));
        prop_assert!(ab.is_ok());
        prop_assert_ne!(ab, ba);
    }

    /// Presigning and header signing of one request agree on everything that feeds the string
    /// to sign except how the auth data travels: method, path, the request's own signed headers,
    /// the payload hash, and the algorithm/date/scope lines.
    #[test]
    fn presign_and_header_signing_agree_on_string_to_sign_inputs(
        path in "(/[a-zA-Z0-9%._~ -]{0,8}){1,3}",
        params in prop::collection::vec((any_text(), any_text()), 0..4),
        headers in prop::collection::btree_map("x-[a-z]{1,8}", "[ -~]{0,12}", 0..4),
        body in prop::collection::vec(any::<u8>(), 0..32),
    ) {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{}={}", wire_encode(k, false), wire_encode(v, true))).collect();
        let target = format!("https://example.amazonaws.com{path}?{}", query.join("&"));
        let mut r = SignableRequest::new("PUT", &target);
        for (n, v) in &headers { r.push_header(n, v.as_bytes()); }
        let s = Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-west-2", "lambda");
        let h = s.explain_request_at(&r, Payload::Bytes(&body), now()).unwrap();
        let q = s.explain_presign_request_at(&r, Payload::Bytes(&body), Duration::from_secs(300), now()).unwrap();
        let hl: Vec<&str> = h.canonical_request().split('\n').collect();
        let ql: Vec<&str> = q.canonical_request().split('\n').collect();
        prop_assert_eq!(hl[0], ql[0]); // method
        prop_assert_eq!(hl[1], ql[1]); // path
        prop_assert_eq!(hl.last(), ql.last()); // payload hash
        // The request's own headers (all but x-amz-date, which header mode adds) are identical.
        let own = |lines: &[&str]| -> Vec<String> {
            lines.iter().skip(3).take_while(|l| !l.is_empty()).filter(|l| !l.starts_with("x-amz-date:")).map(|l| l.to_string()).collect()
        };
        prop_assert_eq!(own(&hl), own(&ql));
        // The header-mode query is the presign query minus the X-Amz-* auth parameters.
        let stripped: Vec<&str> = ql[2].split('&').filter(|p| !p.starts_with("X-Amz-")).collect();
        let header_q: Vec<&str> = hl[2].split('&').filter(|p| !p.is_empty()).collect();
        prop_assert_eq!(stripped.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>(), header_q);
        let hs: Vec<&str> = h.string_to_sign().split('\n').collect();
        let qs: Vec<&str> = q.string_to_sign().split('\n').collect();
        prop_assert_eq!(&hs[..3], &qs[..3]);
    }

    /// The canonical query is sorted by (key, value), every byte outside the unreserved set is
    /// percent-encoded exactly once, and decoding it gives back the parameters that were sent.
    #[test]
    fn canonical_query_is_sorted_and_encoded_exactly_once(
        params in prop::collection::vec((any_text(), any_text()), 1..8),
        plus in any::<bool>(),
    ) {
        let query: Vec<String> = params.iter().map(|(k, v)| format!("{}={}", wire_encode(k, plus), wire_encode(v, plus))).collect();
        let target = format!("https://example.amazonaws.com/?{}", query.join("&"));
        let r = SignableRequest::new("GET", &target);
        let ex = signer().explain_request_at(&r, Payload::Bytes(b""), now()).unwrap();
        let line = ex.canonical_request().split('\n').nth(2).unwrap().to_string();
        let pairs: Vec<(String, String)> = line.split('&').filter(|p| !p.is_empty()).map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), v.to_string())
        }).collect();
        // Sorted by encoded key, then encoded value.
        let mut sorted = pairs.clone();
        sorted.sort();
        prop_assert_eq!(&pairs, &sorted);
        // Only unreserved bytes and uppercase %XY escapes.
        for (k, v) in &pairs {
            for s in [k, v] {
                let b = s.as_bytes();
                let mut i = 0;
                while i < b.len() {
                    if b[i] == b'%' {
                        prop_assert!(i + 2 < b.len() && b[i+1].is_ascii_hexdigit() && b[i+2].is_ascii_hexdigit());
                        prop_assert!(!b[i+1].is_ascii_lowercase() && !b[i+2].is_ascii_lowercase());
                        i += 3;
                    } else {
                        prop_assert!(b[i].is_ascii_alphanumeric() || b"-._~".contains(&b[i]), "unencoded byte {:?} in {}", b[i] as char, s);
                        i += 1;
                    }
                }
            }
        }
        // Decoding once gives back exactly what was sent (encoded once, not twice).
        let decode = |s: &str| percent_encoding::percent_decode_str(s).collect::<Vec<u8>>();
        let mut got: Vec<(Vec<u8>, Vec<u8>)> = pairs.iter().map(|(k, v)| (decode(k), decode(v))).collect();
        let mut want: Vec<(Vec<u8>, Vec<u8>)> = params.iter()
            .map(|(k, v)| (k.as_bytes().to_vec(), v.as_bytes().to_vec())).collect();
        got.sort();
        want.sort();
        prop_assert_eq!(got, want);
    }
}
