//! What gets signed: which headers (and which the signer adds), the host, the payload hash, a presigned URL's parameters and the query, decided in one place for every entry point.
//!
//! [`Signer::canonicalize`] reads as the list of those decisions, one function each, and hands
//! the result (a [`Plan`]: the canonical request and its scope) to the caller's closure. Every
//! buffer it needs lives on its stack frame, so a usual request is planned without a heap
//! allocation. A new signing mode (aws-chunked, SigV4a, event streams) is a new [`Mode`] and a
//! new decision here, not a branch in each entry point.

use crate::prelude::*;

use crate::error::SignError;
use crate::payload::{Payload, PayloadHash};
use crate::request::{Header, SignableRequest};
use crate::settings::{PayloadHashHeader, SessionTokenSigning};
use crate::sign::authorization::{self, PresignParams};
use crate::sign::canonical::{
    CanonicalHeaders, CanonicalQuery, CanonicalRequest, parse_query, split_pairs,
};
use crate::sign::encode::{self, Form};
use crate::sign::string_to_sign::Scope;
use crate::sink::{CompareSink, Sink, StackBuf};
use crate::spec::{header, param};
use crate::time::AmzDate;

use super::Signer;

/// How the signature travels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    /// `Authorization` header.
    Header,
    /// Presigned URL valid for this many seconds.
    Query(u64),
}

/// What `canonicalize` hands on: the canonical request, its scope, and the
/// `x-amz-content-sha256` value the signer adds in header mode, if any.
pub(super) struct Plan<'r, 'c> {
    pub(super) request: CanonicalRequest<'r, 'c>,
    pub(super) scope: Scope<'c>,
    pub(super) content_sha256: Option<PayloadHash>,
    /// For a presigned URL, its `X-Amz-*` parameters (but the signature), encoded, `&`-joined.
    pub(super) presign_params: &'r [u8],
}

/// The header names the signer reads or writes itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KnownHeader {
    Host,
    Authorization,
    AmzDate,
    SecurityToken,
    ContentSha256,
    RegionSet,
    Other,
}

impl KnownHeader {
    /// Classifies a name in any case; the length picks the one or two names to compare.
    #[inline]
    fn of(name: &str) -> Self {
        let is = |known: &str| name.eq_ignore_ascii_case(known);
        match name.len() {
            4 if is(header::HOST) => Self::Host,
            10 if is(header::X_AMZ_DATE) => Self::AmzDate,
            13 if is(header::AUTHORIZATION) => Self::Authorization,
            16 if is(header::X_AMZ_REGION_SET) => Self::RegionSet,
            20 if is(header::X_AMZ_SECURITY_TOKEN) => Self::SecurityToken,
            20 if is(header::X_AMZ_CONTENT_SHA256) => Self::ContentSha256,
            _ => Self::Other,
        }
    }
}

/// What the pass over the request's headers noted besides the headers it kept.
#[derive(Clone, Copy)]
struct Noted<'a> {
    has_host: bool,
    has_authorization: bool,
    /// The first `x-amz-content-sha256` the request carries.
    given_hash: Option<&'a [u8]>,
}

impl Signer {
    /// Builds the canonical request for `mode` and hands it to `f` with the scope; this is the
    /// single place where the signer decides which headers and parameters are signed.
    pub(super) fn canonicalize<R>(
        &self,
        req: &SignableRequest<'_>,
        payload: Payload<'_>,
        date: &AmzDate,
        mode: Mode,
        f: impl FnOnce(&Plan<'_, '_>) -> R,
    ) -> Result<R, SignError> {
        // Declared first: the canonical request borrows them, so they must outlive it. They are
        // stack buffers, so a usual request is canonicalised without a heap allocation.
        // Made only when used: a stack buffer is zeroed when it is made.
        let mut host_buf: Option<StackBuf<128>> = None;
        let mut presign_params: Option<StackBuf<512>> = None;
        // Declared before the header list that borrows it (set once the headers are read).
        #[allow(clippy::needless_late_init)]
        let hash_buf: Option<PayloadHash>;
        self.validate()?;
        req.validate()?;
        // Checked by validate() above.
        let token = self.credentials.session_token();
        let signed_token =
            token.filter(|_| self.settings.session_token == SessionTokenSigning::Signed);
        let scope = self.scope(date);

        let mut headers = CanonicalHeaders::default();
        let noted = self.keep_signed_headers(req, mode, token.is_some(), &mut headers);
        refuse_signed(
            req,
            mode,
            noted.has_authorization,
            self.region_set.is_some(),
        )?;
        if !noted.has_host {
            let host_buf = host_buf.insert(StackBuf::new());
            req.write_host(host_buf).ok_or(SignError::MissingHost)?;
            headers.push(Header {
                name: header::HOST,
                value: host_buf.as_slice(),
            });
        }
        // The payload is hashed only when the request does not state its hash.
        hash_buf = noted.given_hash.is_none().then(|| payload.hash());
        let payload_hash: &[u8] = match (&hash_buf, noted.given_hash) {
            (Some(h), _) => h.as_bytes(),
            (None, given) => given.unwrap_or_default().trim_ascii(),
        };
        let add_hash_header = mode == Mode::Header
            && noted.given_hash.is_none()
            && (self.settings.payload_hash_header == PayloadHashHeader::Always
                || payload == Payload::Unsigned);
        if mode == Mode::Header {
            let hash_header = add_hash_header.then_some(payload_hash);
            add_header_mode_headers(
                &mut headers,
                date,
                self.region_set.as_deref(),
                signed_token,
                hash_header,
            );
        }
        headers.sort();
        // Filled in place: returning the list's large inline buffer from a constructor costs a
        // copy on every signature.
        let mut query = CanonicalQuery::default();
        query.extend_wire(req.query);
        if let Mode::Query(expires) = mode {
            let p = presign_params.insert(StackBuf::new());
            authorization::write_presign_params(
                p,
                &PresignParams {
                    algorithm: self.algorithm,
                    access_key_id: self.credentials.access_key_id(),
                    scope: &scope,
                    date,
                    expires,
                    headers: &headers,
                    signed_token: signed_token.and(self.token_encoded.as_deref().map(|t| &t[..])),
                },
            );
        }
        let presign_params = presign_params.as_ref().map_or(&[][..], StackBuf::as_slice);
        query.extend_encoded(presign_params);
        query.sort();
        let out = f(&Plan {
            request: CanonicalRequest {
                method: req.method,
                path: req.path,
                query: &query,
                headers: &headers,
                payload_hash,
            },
            scope,
            content_sha256: hash_buf.filter(|_| add_hash_header),
            presign_params,
        });
        Ok(out)
    }

    /// One pass over the request's headers: keep those signed, and note the ones the signer
    /// reads or owns.
    #[inline]
    fn keep_signed_headers<'a, 'r: 'a>(
        &self,
        req: &SignableRequest<'r>,
        mode: Mode,
        has_token: bool,
        headers: &mut CanonicalHeaders<'a>,
    ) -> Noted<'a> {
        let mut noted = Noted {
            has_host: false,
            has_authorization: false,
            given_hash: None,
        };
        for h in &req.headers {
            match KnownHeader::of(h.name) {
                KnownHeader::Host => noted.has_host = true,
                KnownHeader::Authorization => noted.has_authorization = true,
                KnownHeader::ContentSha256 => {
                    noted.given_hash = noted.given_hash.or(Some(h.value));
                }
                // In header mode the signer writes these itself, replacing the request's. A
                // presigned URL carries them in its query and leaves the headers as they are, so
                // a copy the request sends anyway is signed like any other `x-amz-*` header.
                KnownHeader::AmzDate if mode == Mode::Header => continue,
                KnownHeader::SecurityToken if has_token && mode == Mode::Header => continue,
                KnownHeader::RegionSet if self.region_set.is_some() && mode == Mode::Header => {
                    continue;
                }
                KnownHeader::AmzDate
                | KnownHeader::SecurityToken
                | KnownHeader::RegionSet
                | KnownHeader::Other => {}
            }
            if !self.settings.is_excluded(h.name) {
                headers.push(*h);
            }
        }
        noted
    }
}

/// Refuses a request that is signed already. Presigning refuses an `authorization` header and
/// any of the parameters it adds: a second copy would make the URL ambiguous (and AWS refuses
/// it). Header signing refuses the parameters that make a verifier read the request as
/// presigned, which would then fail there.
#[inline]
fn refuse_signed(
    req: &SignableRequest<'_>,
    mode: Mode,
    has_authorization: bool,
    region_set: bool,
) -> Result<(), SignError> {
    if mode != Mode::Header && has_authorization {
        return Err(SignError::AlreadySigned);
    }
    let refused = match mode {
        Mode::Header => &param::AUTH[..3],
        Mode::Query(_) => &param::AUTH[..],
    };
    // A SigV4a presigned URL adds its region set: a second one would be ambiguous too.
    let presigned_set = region_set && mode != Mode::Header;
    if req.query.is_some_and(|q| {
        parse_query(q).any(|p| {
            refused
                .iter()
                .any(|a| p.key.eq_ignore_ascii_case(a.as_bytes()))
                || (presigned_set && p.key.eq_ignore_ascii_case(param::REGION_SET.as_bytes()))
        })
    }) {
        return Err(SignError::AlreadySigned);
    }
    Ok(())
}

/// The headers header signing adds and signs: `x-amz-date`, SigV4a's region set, the session
/// token when it is signed, and `x-amz-content-sha256` when the settings (or an unsigned
/// payload) ask for it.
#[inline]
fn add_header_mode_headers<'a>(
    headers: &mut CanonicalHeaders<'a>,
    date: &'a AmzDate,
    region_set: Option<&'a str>,
    signed_token: Option<&'a str>,
    content_sha256: Option<&'a [u8]>,
) {
    headers.push(Header {
        name: header::X_AMZ_DATE,
        value: date.bytes(),
    });
    if let Some(r) = region_set {
        headers.push(Header {
            name: header::X_AMZ_REGION_SET,
            value: r.as_bytes(),
        });
    }
    if let Some(t) = signed_token {
        headers.push(Header {
            name: header::X_AMZ_SECURITY_TOKEN,
            value: t.as_bytes(),
        });
    }
    if let Some(h) = content_sha256 {
        headers.push(Header {
            name: header::X_AMZ_CONTENT_SHA256,
            value: h,
        });
    }
}

/// Writes the query with each component in canonical percent-encoding, in the original order.
pub(super) fn write_wire_query<S: Sink + ?Sized>(sink: &mut S, raw: &str) {
    for (k, (key, value)) in split_pairs(raw.as_bytes()).enumerate() {
        if k > 0 {
            sink.put(b"&");
        }
        encode::write_component(sink, key, Form::Wire);
        // A bare `flag` stays bare.
        if let Some(value) = value {
            sink.put(b"=");
            encode::write_component(sink, value, Form::Wire);
        }
    }
}

/// Whether the query is already in canonical encoding (checked without allocating).
pub(super) fn wire_query_is(raw: &str) -> bool {
    // The usual query (`limit=10&sort=asc`): unreserved bytes, one `=` per piece, no empty
    // piece. Anything else is compared with its canonical form.
    let mut piece_empty = true;
    let mut has_eq = false;
    for &b in raw.as_bytes() {
        match b {
            b'&' if !piece_empty => {
                piece_empty = true;
                has_eq = false;
            }
            b'=' if !has_eq => {
                has_eq = true;
                piece_empty = false;
            }
            b if encode::is_unreserved(b) => piece_empty = false,
            _ => return wire_query_compare(raw),
        }
    }
    !piece_empty || raw.is_empty()
}

fn wire_query_compare(raw: &str) -> bool {
    let mut same = CompareSink::new(raw.as_bytes());
    write_wire_query(&mut same, raw);
    same.matches()
}

/// The query with each component in canonical percent-encoding and the original order, or
/// `None` when it already is.
pub(super) fn wire_query(raw: &str) -> Option<String> {
    if wire_query_is(raw) {
        return None;
    }
    let mut out = Vec::with_capacity(raw.len() + 8);
    write_wire_query(&mut out, raw);
    Some(super::ascii_string(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quick_query_check_agrees_with_the_full_comparison() {
        for q in [
            "",
            "a",
            "a=1",
            "a=1&b=2",
            "a=",
            "=v",
            "a&&b",
            "&a",
            "a&",
            "a=b=c",
            "a==",
            "a+b=1",
            "a=%2B",
            "a=%2b",
            "a b=1",
            "a=1&b",
            "~-._=AZaz09",
            "a=/",
        ] {
            assert_eq!(wire_query_is(q), wire_query_compare(q), "{q:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn the_quick_query_check_agrees_on_any_query(q in "[a=&%+2Bb ~/]{0,12}") {
            proptest::prop_assert_eq!(wire_query_is(&q), wire_query_compare(&q));
        }
    }
}
