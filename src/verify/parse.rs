//! Stage ④ read back: the `Authorization` header ([`AuthorizationHeader`]) and the presigned query parameters ([`PresignedQuery`]), parsed into what a verifier needs.
//!
//! Malformed input gives a precise [`VerifyError`]; nothing panics.

use crate::prelude::*;

use alloc::borrow::Cow;
use alloc::sync::Arc;
use core::fmt;

use zeroize::Zeroizing;

use crate::bytes::find_byte;
use crate::sign::canonical::parse_query;
use crate::sign::key::{Claimed, Signature, decode_lower_hex32};
use crate::sign::string_to_sign::{Region, Scope};
use crate::spec::{Algorithm, MAX_PRESIGN_EXPIRY, SCOPE_TERMINATOR as TERMINATOR, param};
use crate::time::AmzDate;
use crate::verify::VerifyError;

/// `s` split at the first `b` (an ASCII byte), as `str::split_once` does, without a char
/// searcher: the pieces of an `Authorization` value are short.
#[inline]
pub(crate) fn split_once_byte(s: &str, b: u8) -> Option<(&str, &str)> {
    let i = find_byte(s.as_bytes(), b)?;
    Some((&s[..i], &s[i + 1..]))
}

/// `s` split at every `b` (an ASCII byte), as `str::split` does.
#[inline]
pub(crate) fn split_byte(s: &str, b: u8) -> SplitByte<'_> {
    SplitByte { rest: Some(s), b }
}

/// The iterator of [`split_byte`].
pub(crate) struct SplitByte<'a> {
    rest: Option<&'a str>,
    b: u8,
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a str;

    #[inline(always)]
    fn next(&mut self) -> Option<&'a str> {
        let r = self.rest?;
        match split_once_byte(r, self.b) {
            Some((head, tail)) => {
                self.rest = Some(tail);
                Some(head)
            }
            None => {
                self.rest = None;
                Some(r)
            }
        }
    }
}

/// `s` without leading and trailing spaces and tabs.
#[inline]
fn trim_space_tab(s: &str) -> &str {
    let b = s.as_bytes();
    let start = b
        .iter()
        .position(|&c| c != b' ' && c != b'\t')
        .unwrap_or(b.len());
    let end = b
        .iter()
        .rposition(|&c| c != b' ' && c != b'\t')
        .map_or(start, |i| i + 1);
    &s[start..end]
}

/// `str::trim`, skipped when both ends are printable ASCII (which is never whitespace).
#[inline]
fn trim(s: &str) -> &str {
    let plain = |c: &u8| (b'!'..0x7f).contains(c);
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if plain(a) && plain(z) => s,
        _ => s.trim(),
    }
}

/// A credential's parts, borrowed from the header or query it came in: what the verifier
/// checks on every request without copying them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CredentialRef<'a> {
    /// The whole value, `AKID/YYYYMMDD/region/service/aws4_request`.
    pub(crate) text: &'a str,
    pub(crate) access_key_id: &'a str,
    pub(crate) date: &'a str,
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
}

impl<'a> CredentialRef<'a> {
    /// The credential scope: date, region and service.
    pub(crate) fn scope(&self) -> Scope<'a> {
        Scope {
            date: self.date,
            region: Region::One(self.region),
            service: self.service,
        }
    }

    /// As [`Credential::parse`], borrowing: the credential of `algorithm`, with a region
    /// (SigV4, five parts) or without (SigV4a, `AKID/YYYYMMDD/service/aws4_request`; the
    /// region is then empty).
    pub(crate) fn parse_for(value: &'a str, algorithm: Algorithm) -> Result<Self, VerifyError> {
        match algorithm {
            Algorithm::HmacSha256 => Self::parse(value),
            _ => Self::parse_regionless(value),
        }
    }

    /// `AKID/YYYYMMDD/service/aws4_request` (SigV4a).
    fn parse_regionless(value: &'a str) -> Result<Self, VerifyError> {
        let malformed = || VerifyError::MalformedCredential {
            credential: value.to_string(),
        };
        let mut parts = value.split('/');
        let (Some(key), Some(date), Some(service), Some(terminator), None) = (
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
            parts.next(),
        ) else {
            return Err(malformed());
        };
        if key.is_empty() || date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        if terminator != TERMINATOR {
            return Err(VerifyError::InvalidTerminator {
                terminator: terminator.to_string(),
            });
        }
        // The region: empty, where the date ends.
        let date_end = key.len() + 1 + date.len();
        Ok(Self {
            text: value,
            access_key_id: key,
            date,
            region: &value[date_end..date_end],
            service,
        })
    }

    /// As [`Credential::parse`], borrowing.
    pub(crate) fn parse(value: &'a str) -> Result<Self, VerifyError> {
        let malformed = || VerifyError::MalformedCredential {
            credential: value.to_string(),
        };
        // Five `/`-separated parts: the pieces are short, so each is found by a byte loop.
        let next = |s: &'a str| {
            let i = s.bytes().position(|b| b == b'/')?;
            Some((&s[..i], &s[i + 1..]))
        };
        let Some((key, rest)) = next(value) else {
            return Err(malformed());
        };
        // The date is the next eight bytes when they are digits and a `/` follows; any other
        // second part is malformed too.
        let (Some(date), Some(b'/')) = (rest.get(..8), rest.as_bytes().get(8)) else {
            return Err(malformed());
        };
        let Some((region, rest)) = next(&rest[9..]) else {
            return Err(malformed());
        };
        let (Some((service, terminator)), true) = (next(rest), !key.is_empty()) else {
            return Err(malformed());
        };
        if !date.bytes().all(|b| b.is_ascii_digit()) || terminator.contains('/') {
            return Err(malformed());
        }
        if terminator != TERMINATOR {
            return Err(VerifyError::InvalidTerminator {
                terminator: terminator.to_string(),
            });
        }
        Ok(Self {
            text: value,
            access_key_id: key,
            date,
            region,
            service,
        })
    }
}

/// `AKID/YYYYMMDD/region/service/aws4_request` (SigV4), or `AKID/YYYYMMDD/service/aws4_request`
/// (SigV4a, whose scope has no region: [`Credential::region`] is then empty), split into its
/// parts.
///
/// One shared heap string (the value as sent) and where its parts end: a clone shares the
/// string. Inside the crate, the string may go on past the credential with text its owner
/// keeps there (a [`Verified`](crate::verify::Verified)'s `SignedHeaders` list, so that it
/// keeps one allocation, not two, and shares it with the verifier's key cache); nothing of
/// `Credential`'s own reads or compares it.
#[derive(Clone)]
pub struct Credential {
    text: Arc<str>,
    /// Where the access key id ends (the first `/`).
    key_end: usize,
    /// Where the region starts and ends (both where the date ends, for SigV4a).
    region_start: usize,
    region_end: usize,
    /// Where the service starts and ends (the `/` before `aws4_request`).
    service_start: usize,
    service_end: usize,
    /// Where the credential ends (after `aws4_request`).
    end: usize,
}

impl PartialEq for Credential {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Credential {}

impl From<CredentialRef<'_>> for Credential {
    fn from(c: CredentialRef<'_>) -> Self {
        Self::with_trailing(c, "")
    }
}

impl Credential {
    /// Parses a `Credential=` value (already percent-decoded when it came from a query).
    ///
    /// # Errors
    /// [`VerifyError::MalformedCredential`] when it does not have five `/`-separated parts with a
    /// non-empty key id and an 8-digit date, [`VerifyError::InvalidTerminator`] when the last part
    /// is not `aws4_request`.
    pub fn parse(value: &str) -> Result<Self, VerifyError> {
        CredentialRef::parse(value).map(Self::from)
    }

    /// `c` in one heap string with `trailing` after it (see [`Credential::trailing`]).
    pub(crate) fn with_trailing(c: CredentialRef<'_>, trailing: &str) -> Self {
        // Every part is a slice of `c.text`: where it starts there is where it starts here.
        let offset = |part: &str| (part.as_ptr() as usize).wrapping_sub(c.text.as_ptr() as usize);
        let region_start = offset(c.region);
        let service_start = offset(c.service);
        Self {
            text: joined(c.text, trailing),
            key_end: c.access_key_id.len(),
            region_start,
            region_end: region_start + c.region.len(),
            service_start,
            service_end: service_start + c.service.len(),
            end: c.text.len(),
        }
    }

    /// What the owner keeps after the credential in its string (empty unless made by
    /// [`Credential::with_trailing`]).
    pub(crate) fn trailing(&self) -> &str {
        &self.text[self.end..]
    }

    /// The whole credential as sent.
    pub(crate) fn as_str(&self) -> &str {
        &self.text[..self.end]
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.text[..self.key_end]
    }

    /// The scope date, `YYYYMMDD`.
    pub fn date(&self) -> &str {
        &self.text[self.key_end + 1..self.key_end + 9]
    }

    /// The scope region (empty for SigV4a, whose scope has none).
    pub fn region(&self) -> &str {
        self.text
            .get(self.region_start..self.region_end)
            .unwrap_or_default()
    }

    /// The scope service.
    pub fn service(&self) -> &str {
        self.text
            .get(self.service_start..self.service_end)
            .unwrap_or_default()
    }

    /// The parts, borrowed.
    pub(crate) fn borrowed(&self) -> CredentialRef<'_> {
        CredentialRef {
            text: self.as_str(),
            access_key_id: self.access_key_id(),
            date: self.date(),
            region: self.region(),
            service: self.service(),
        }
    }

    /// `YYYYMMDD/region/service/aws4_request` (`YYYYMMDD/service/aws4_request` for SigV4a).
    pub fn scope(&self) -> String {
        self.as_str()[self.key_end + 1..].to_string()
    }
}

/// `a` then `b` in one shared string, allocated once when they are short (`Arc<str>` from a
/// `String` allocates a second time).
fn joined(a: &str, b: &str) -> Arc<str> {
    const SHORT: usize = 256;
    let len = a.len() + b.len();
    if len <= SHORT {
        let mut buf = [0u8; SHORT];
        buf[..a.len()].copy_from_slice(a.as_bytes());
        buf[a.len()..len].copy_from_slice(b.as_bytes());
        // Two strings one after the other are UTF-8: this check never fails.
        if let Ok(text) = core::str::from_utf8(&buf[..len]) {
            return Arc::from(text);
        }
    }
    let mut text = String::with_capacity(len);
    text.push_str(a);
    text.push_str(b);
    Arc::from(text)
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("access_key_id", &self.access_key_id())
            .field("date", &self.date())
            .field("region", &self.region())
            .field("service", &self.service())
            .finish()
    }
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Checks a `SignedHeaders` list: non-empty, `;`-separated header names. Also says whether
/// the names are lowercase and strictly sorted, as signers send them.
fn check_signed_headers_list(list: &str) -> Result<bool, VerifyError> {
    // One walk over the bytes (the readable form, split at `;` and each name checked, is
    // `tests::signed_headers_lists_check_as_split_names`): `;` ends a name, which must not be
    // empty and must sort after the one before; any other byte must be a token byte.
    let b = list.as_bytes();
    let (mut token, mut lower, mut sorted) = (true, true, true);
    let mut start = 0;
    let mut previous: Option<&[u8]> = None;
    for (i, &c) in b.iter().enumerate() {
        if c == b';' {
            let name = &b[start..i];
            token &= !name.is_empty();
            sorted &= previous < Some(name);
            previous = Some(name);
            start = i + 1;
        } else {
            token &= crate::request::is_token_byte(c);
            lower &= !c.is_ascii_uppercase();
        }
    }
    let last = &b[start..];
    if !token || last.is_empty() {
        return Err(VerifyError::MalformedSignedHeaders {
            signed_headers: list.to_string(),
        });
    }
    Ok(lower && sorted && previous < Some(last))
}

/// Splits and checks a `SignedHeaders` list: non-empty, `;`-separated header names, lowercased.
fn parse_signed_headers(list: &str) -> Result<Vec<String>, VerifyError> {
    check_signed_headers_list(list)?;
    Ok(list.split(';').map(str::to_ascii_lowercase).collect())
}

/// A checked `SignedHeaders` list (see [`check_signed_headers_list`], which says whether it is
/// `in_order`) lowercase, sorted and without repeats, `;`-joined: borrowed when it came so (as
/// signers send it), else a copy.
pub(crate) fn sorted_signed_headers(list: &str, in_order: bool) -> Cow<'_, str> {
    if in_order {
        return Cow::Borrowed(list);
    }
    let mut names: Vec<String> = list.split(';').map(str::to_ascii_lowercase).collect();
    names.sort_unstable();
    names.dedup();
    Cow::Owned(names.join(";"))
}

/// The signature of `algorithm`: 64 lowercase hex digits (SigV4) or the lowercase hex of a DER
/// encoding (SigV4a).
fn parse_signature(hex: &str, algorithm: Algorithm) -> Result<Claimed, VerifyError> {
    match algorithm {
        Algorithm::HmacSha256 => parse_signature_bytes(hex.as_bytes()),
        _ => Signature::from_lower_der_hex(hex.as_bytes())
            .map(|s| Claimed::from_signature(&s))
            .ok_or(VerifyError::MalformedSignature),
    }
}

#[inline]
fn parse_signature_bytes(hex: &[u8]) -> Result<Claimed, VerifyError> {
    decode_lower_hex32(hex)
        .map(Claimed::Hmac)
        .ok_or(VerifyError::MalformedSignature)
}

/// A parsed `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`
/// (or `AWS4-ECDSA-P256-SHA256`, SigV4a, whose credential has no region and whose signature
/// is DER in hex).
///
/// ```
/// use awssig::verify::AuthorizationHeader;
/// let a = AuthorizationHeader::parse(
///     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
///      SignedHeaders=host;x-amz-date, \
///      Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
/// )?;
/// assert_eq!(a.credential().access_key_id(), "AKIDEXAMPLE");
/// assert_eq!(a.signed_headers(), ["host", "x-amz-date"]);
/// # Ok::<(), awssig::VerifyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthorizationHeader {
    algorithm: Algorithm,
    credential: Credential,
    signed_headers: Vec<String>,
    signature: Signature,
}

/// What error text may echo of an `Authorization` value in another scheme (`Bearer …`,
/// `Basic …`): the scheme name, never the credentials after it. A lone word may itself be a
/// credential (an API key sent bare), so it is not echoed at all.
fn shown_scheme(scheme: &str, credentials: &str) -> String {
    const MAX_SCHEME: usize = 32;
    let plain_scheme = scheme.len() <= MAX_SCHEME && crate::request::is_token(scheme);
    if plain_scheme && !credentials.trim().is_empty() {
        format!("{scheme} <redacted>")
    } else {
        "<redacted>".to_string()
    }
}

impl AuthorizationHeader {
    /// Parses the header value.
    ///
    /// # Errors
    /// [`VerifyError::IncompleteSignature`] for another scheme or missing parameters,
    /// [`VerifyError::MalformedPair`] for a piece without `=`,
    /// [`VerifyError::DuplicateParameter`], and the errors of [`Credential::parse`], a bad
    /// `SignedHeaders` list or a signature that is not 64 hex digits.
    pub fn parse(value: &str) -> Result<Self, VerifyError> {
        let raw = RawAuthorization::parse(value)?;
        Ok(Self {
            algorithm: raw.algorithm,
            credential: raw.credential.into(),
            signed_headers: parse_signed_headers(raw.signed_headers)?,
            signature: raw.signature.signature(),
        })
    }

    /// The signing algorithm named: `AWS4-HMAC-SHA256` or `AWS4-ECDSA-P256-SHA256`.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The credential and its scope.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The signed header names, lowercase, in the order given.
    pub fn signed_headers(&self) -> &[String] {
        &self.signed_headers
    }

    /// The signature claimed by the client.
    pub fn signature(&self) -> Signature {
        self.signature
    }
}

/// An `Authorization` value cut where the layout signers send puts its parts (see
/// [`RawAuthorization::from_layout`], which checks them): the bytes between `Credential=` and
/// `, Signature=`, where its comma is, and the signature's 64 bytes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Layout<'a> {
    /// `<c>, SignedHeaders=<h>`.
    both: &'a [u8],
    /// Where the first comma of `both` is (the end of `<c>`).
    comma: usize,
    signature: &'a [u8],
}

impl<'a> Layout<'a> {
    const PREFIX: &'static [u8] = b"AWS4-HMAC-SHA256 Credential=";
    const SIGNED_HEADERS: &'static str = ", SignedHeaders=";
    const SIGNATURE: &'static [u8] = b", Signature=";

    /// `value` cut as `AWS4-HMAC-SHA256 Credential=<c>, SignedHeaders=<h>, Signature=<64
    /// bytes>`, `<c>` ending at the first comma; `None` when it is not.
    #[inline]
    pub(crate) fn cut(value: &'a [u8]) -> Option<Self> {
        let rest = value.strip_prefix(Self::PREFIX)?;
        let (rest, signature) = rest.split_at_checked(rest.len().checked_sub(64)?)?;
        let both = rest.strip_suffix(Self::SIGNATURE)?;
        let comma = find_byte(both, b',')?;
        both[comma..]
            .starts_with(Self::SIGNED_HEADERS.as_bytes())
            .then_some(Self {
                both,
                comma,
                signature,
            })
    }

    /// `<c>`, the credential's bytes.
    #[inline]
    pub(crate) fn credential(&self) -> &'a [u8] {
        &self.both[..self.comma]
    }

    /// `<h>`, the `SignedHeaders` list's bytes.
    #[inline]
    fn signed_headers(&self) -> &'a [u8] {
        &self.both[self.comma + Self::SIGNED_HEADERS.len()..]
    }
}

/// An `Authorization` header's parameters, borrowed from its value: what the verifier reads on
/// every request. [`AuthorizationHeader::parse`] makes the owned form from it.
#[derive(Debug, Clone)]
pub(crate) struct RawAuthorization<'a> {
    pub(crate) algorithm: Algorithm,
    pub(crate) credential: CredentialRef<'a>,
    /// Checked names, as sent.
    pub(crate) signed_headers: &'a str,
    /// Whether they are lowercase and strictly sorted.
    pub(crate) signed_headers_in_order: bool,
    pub(crate) signature: Claimed,
}

impl<'a> RawAuthorization<'a> {
    /// The layout every signer sends, read without [`RawAuthorization::parse`]'s splits, trims
    /// and UTF-8 check of the whole value:
    /// `AWS4-HMAC-SHA256 Credential=<c>, SignedHeaders=<h>, Signature=<64 hex digits>`, exactly
    /// (one space after the scheme and after each comma, no other parameter), with `<c>` and
    /// `<h>` starting and ending in printable ASCII (which neither parser trims) and holding no
    /// comma. `None` for anything else, and for a value in this layout whose parts fail their
    /// checks: then `parse` decides, with its errors. When this gives `Some`, `parse` of the
    /// same value gives the same claims (`tests::the_exact_layout_reads_as_the_generic_parser_does`).
    ///
    /// `known` is a credential read before, with the (checked, in order) `SignedHeaders` list
    /// sent with it after it (a verifier's key cache keeps them): when `<c>` is the same
    /// bytes, its parts are taken from it instead of parsed; when `<h>` is the same bytes too,
    /// neither is checked again, and the second value is `true`.
    #[inline]
    pub(crate) fn from_layout(
        layout: Layout<'a>,
        known: Option<&'a Credential>,
    ) -> Option<(Self, bool)> {
        let signature = Claimed::Hmac(decode_lower_hex32(layout.signature)?);
        let (credential, signed) = (layout.credential(), layout.signed_headers());
        let plain = |v: &[u8]| match (v.first(), v.last()) {
            (Some(a), Some(z)) => (b'!'..0x7f).contains(a) && (b'!'..0x7f).contains(z),
            _ => false,
        };
        // A known credential came from a check of its own (and may have come from a presigned
        // query, which has no layout): the layout's own check of `<c>` still applies.
        let known = known.filter(|k| k.as_str().as_bytes() == credential && plain(credential));
        // A known list is lowercase, sorted, without repeats, of tokens: the layout's checks of
        // `<h>` hold for it.
        if let Some(k) = known
            && !k.trailing().is_empty()
            && k.trailing().as_bytes() == signed
        {
            let raw = Self {
                algorithm: Algorithm::HmacSha256,
                credential: k.borrowed(),
                signed_headers: k.trailing(),
                signed_headers_in_order: true,
                signature,
            };
            return Some((raw, true));
        }
        // One UTF-8 check for both parts (each check has a fixed cost, like the whole value's).
        let both = core::str::from_utf8(layout.both).ok()?;
        let (credential, signed) = both.split_at(layout.comma);
        let signed = signed.strip_prefix(Layout::SIGNED_HEADERS)?;
        if !plain(credential.as_bytes())
            || !plain(signed.as_bytes())
            || find_byte(signed.as_bytes(), b',').is_some()
        {
            return None;
        }
        let credential = match known {
            Some(k) => k.borrowed(),
            None => CredentialRef::parse(credential).ok()?,
        };
        let in_order = check_signed_headers_list(signed).ok()?;
        let raw = Self {
            algorithm: Algorithm::HmacSha256,
            credential,
            signed_headers: signed,
            signed_headers_in_order: in_order,
            signature,
        };
        Some((raw, false))
    }

    /// As [`AuthorizationHeader::parse`].
    pub(crate) fn parse(value: &'a str) -> Result<Self, VerifyError> {
        let trimmed = trim_space_tab(value);
        let (scheme, rest) = match trimmed.bytes().position(|b| b == b' ' || b == b'\t') {
            Some(i) => (&trimmed[..i], &trimmed[i + 1..]),
            None => (trimmed, ""),
        };
        let Some(algorithm) = Algorithm::from_name(scheme) else {
            return Err(VerifyError::IncompleteSignature {
                missing: vec!["Credential", "Signature", "SignedHeaders"],
                date_missing: false,
                authorization: shown_scheme(scheme, rest),
            });
        };
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for piece in split_byte(rest, b',') {
            let piece = trim_space_tab(piece);
            if piece.is_empty() {
                continue;
            }
            let Some((key, val)) = split_once_byte(piece, b'=') else {
                return Err(VerifyError::MalformedPair {
                    pair: piece.to_string(),
                    authorization: value.to_string(),
                });
            };
            let key = trim(key);
            let slot = match key {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed,
                "Signature" => &mut signature,
                _ => continue,
            };
            if slot.is_some() {
                return Err(VerifyError::DuplicateParameter {
                    name: key.to_string(),
                });
            }
            *slot = Some(trim(val));
        }
        let (Some(credential), Some(signed), Some(signature)) = (credential, signed, signature)
        else {
            let mut missing = Vec::new();
            if credential.is_none() {
                missing.push("Credential");
            }
            if signature.is_none() {
                missing.push("Signature");
            }
            if signed.is_none() {
                missing.push("SignedHeaders");
            }
            return Err(VerifyError::IncompleteSignature {
                missing,
                date_missing: false,
                authorization: value.to_string(),
            });
        };
        let credential = CredentialRef::parse_for(credential, algorithm)?;
        let in_order = check_signed_headers_list(signed)?;
        Ok(Self {
            algorithm,
            credential,
            signed_headers: signed,
            signed_headers_in_order: in_order,
            signature: parse_signature(signature, algorithm)?,
        })
    }
}

/// The `X-Amz-*` parameters of a presigned URL.
///
/// ```
/// use awssig::verify::PresignedQuery;
/// let q = PresignedQuery::parse(
///     "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request\
///      &X-Amz-Date=20150830T123600Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host\
///      &X-Amz-Signature=717190ca6e779cc7afa3aca94b3ac3b06c682d7174c0bd09415617afbc4c8b50",
/// )?
/// .expect("presigned");
/// assert_eq!(q.expires(), 86400);
/// assert_eq!(q.credential().service(), "service");
/// # Ok::<(), awssig::VerifyError>(())
/// ```
#[derive(Clone)]
pub struct PresignedQuery {
    algorithm: Algorithm,
    credential: Credential,
    amz_date: AmzDate,
    expires: u64,
    signed_headers: Vec<String>,
    signature: Signature,
    security_token: Option<Zeroizing<String>>,
    /// `X-Amz-Region-Set` (SigV4a).
    region_set: Option<String>,
}

impl PresignedQuery {
    /// Parses a raw query string. `Ok(None)` when it carries none of `X-Amz-Algorithm`,
    /// `X-Amz-Credential` and `X-Amz-Signature` (the request is not presigned).
    ///
    /// # Errors
    /// [`VerifyError::MissingQueryParameters`] when some of the six parameters are missing,
    /// [`VerifyError::UnsupportedAlgorithm`], [`VerifyError::InvalidDate`],
    /// [`VerifyError::InvalidExpires`], [`VerifyError::ExpiresTooLong`], and the errors of
    /// [`Credential::parse`], a bad `SignedHeaders` list or signature.
    pub fn parse(query: &str) -> Result<Option<Self>, VerifyError> {
        let mut found: [Option<String>; 8] = Default::default();
        // A repeated parameter makes a presigned URL ambiguous; in a request signed in its
        // `Authorization` header these are ordinary parameters, and may repeat.
        let mut repeated = false;
        let mut region_set_repeated = false;
        const NAMES: [&str; 8] = [
            param::ALGORITHM,
            param::CREDENTIAL,
            param::DATE,
            param::EXPIRES,
            param::SIGNED_HEADERS,
            param::SIGNATURE,
            param::SECURITY_TOKEN,
            param::REGION_SET,
        ];
        for p in parse_query(query) {
            // Every name starts `X-Amz-`; a key without an escape is its own decoding.
            if !(p.key.starts_with(b"X-Amz-") || p.key.contains(&b'%')) {
                continue;
            }
            let key = percent_encoding::percent_decode(p.key).decode_utf8_lossy();
            if let Some(i) = NAMES.iter().position(|n| *n == key) {
                if found[i].is_some() {
                    // SigV4 does not read `X-Amz-Region-Set`: a repeat matters to SigV4a only.
                    if NAMES[i] == param::REGION_SET {
                        region_set_repeated = true;
                    } else {
                        repeated = true;
                    }
                    continue;
                }
                found[i] = Some(
                    percent_encoding::percent_decode(p.value)
                        .decode_utf8_lossy()
                        .into_owned(),
                );
            }
        }
        let [
            algorithm,
            credential,
            date,
            expires,
            signed,
            signature,
            token,
            region_set,
        ] = found;
        if algorithm.is_none() && credential.is_none() && signature.is_none() {
            return Ok(None);
        }
        if repeated {
            return Err(VerifyError::MissingQueryParameters);
        }
        let (
            Some(algorithm),
            Some(credential),
            Some(date),
            Some(expires),
            Some(signed),
            Some(signature),
        ) = (algorithm, credential, date, expires, signed, signature)
        else {
            return Err(VerifyError::MissingQueryParameters);
        };
        let Some(algorithm_name) = Algorithm::from_name(&algorithm) else {
            return Err(VerifyError::UnsupportedAlgorithm { algorithm });
        };
        // SigV4a names its region set; SigV4 has none (a parameter of that name is then an
        // ordinary one).
        let region_set = match algorithm_name {
            Algorithm::HmacSha256 => None,
            _ if region_set_repeated => return Err(VerifyError::MissingQueryParameters),
            _ => Some(region_set.ok_or(VerifyError::MissingQueryParameters)?),
        };
        let credential = CredentialRef::parse_for(&credential, algorithm_name)?.into();
        let amz_date = AmzDate::parse(&date).ok_or(VerifyError::InvalidDate { value: date })?;
        if expires.is_empty() || !expires.bytes().all(|b| b.is_ascii_digit()) {
            return Err(VerifyError::InvalidExpires);
        }
        let expires: u64 = expires.parse().map_err(|_| VerifyError::ExpiresTooLong)?;
        if expires > MAX_PRESIGN_EXPIRY.as_secs() {
            return Err(VerifyError::ExpiresTooLong);
        }
        Ok(Some(Self {
            algorithm: algorithm_name,
            credential,
            amz_date,
            expires,
            signed_headers: parse_signed_headers(&signed)?,
            signature: parse_signature(&signature, algorithm_name)?.signature(),
            security_token: token.map(Zeroizing::new),
            region_set,
        }))
    }

    /// The signing algorithm named: `AWS4-HMAC-SHA256` or `AWS4-ECDSA-P256-SHA256`.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// `X-Amz-Region-Set`, for SigV4a.
    pub fn region_set(&self) -> Option<&str> {
        self.region_set.as_deref()
    }

    /// The credential and its scope.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// `X-Amz-Date`.
    pub fn amz_date(&self) -> AmzDate {
        self.amz_date
    }

    /// `X-Amz-Expires`, in seconds (at most 604800).
    pub fn expires(&self) -> u64 {
        self.expires
    }

    /// The signed header names, lowercase.
    pub fn signed_headers(&self) -> &[String] {
        &self.signed_headers
    }

    /// The signature claimed by the client.
    pub fn signature(&self) -> Signature {
        self.signature
    }

    /// `X-Amz-Security-Token`, if present.
    pub fn security_token(&self) -> Option<&str> {
        self.security_token.as_deref().map(String::as_str)
    }
}

impl fmt::Debug for PresignedQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PresignedQuery")
            .field("credential", &self.credential)
            .field("amz_date", &self.amz_date)
            .field("expires", &self.expires)
            .field("signed_headers", &self.signed_headers)
            .field("signature", &self.signature)
            .field("region_set", &self.region_set)
            .field(
                "security_token",
                &self.security_token.as_ref().map(|_| "<redacted>"),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";

    #[test]
    fn split_byte_splits_as_str_split_does() {
        assert_eq!(
            split_byte("a;;b;", b';').collect::<Vec<_>>(),
            ["a", "", "b", ""]
        );
    }

    #[test]
    fn parses_the_suite_authorization_header() {
        let a = AuthorizationHeader::parse(GOOD).unwrap();
        assert_eq!(
            a.credential().to_string(),
            "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
        );
        assert_eq!(a.signed_headers(), ["host", "x-amz-date"]);
        assert_eq!(
            a.signature().to_string(),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
        );
    }

    #[test]
    fn bearer_token_gives_the_api_gateway_incomplete_signature_message() {
        let e = AuthorizationHeader::parse("Bearer abc").unwrap_err();
        let VerifyError::IncompleteSignature { missing, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(missing, &["Credential", "Signature", "SignedHeaders"]);
        assert!(e.aws_message().ends_with("Authorization=Bearer <redacted>"));
    }

    #[test]
    fn another_schemes_credentials_are_never_echoed() {
        for (value, shown) in [
            ("Bearer eyJhbGciOiJIUzI1NiJ9.secret", "Bearer <redacted>"),
            ("Basic dXNlcjpwYXNzd29yZA==", "Basic <redacted>"),
            ("  Bearer\tsecret  ", "Bearer <redacted>"),
            // A lone word may be a bare API key; a long or odd first word may be one too.
            ("sk_live_0123456789abcdef", "<redacted>"),
            (
                "averyveryveryveryverylongschemename0123456789 secret",
                "<redacted>",
            ),
            ("Bea\"rer secret", "<redacted>"),
        ] {
            let e = AuthorizationHeader::parse(value).unwrap_err();
            let VerifyError::IncompleteSignature { authorization, .. } = &e else {
                panic!("{e:?}")
            };
            assert_eq!(authorization, shown, "{value}");
            assert!(!e.to_string().contains("secret"), "{e}");
            assert!(!e.aws_message().contains("secret"), "{e}");
            assert!(!format!("{e:?}").contains("secret"), "{e:?}");
        }
    }

    #[test]
    fn a_piece_without_equal_sign_is_named() {
        let e =
            AuthorizationHeader::parse("AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, oops")
                .unwrap_err();
        assert!(
            matches!(&e, VerifyError::MalformedPair { pair, .. } if pair == "oops"),
            "{e:?}"
        );
    }

    #[test]
    fn bad_credentials_signatures_and_lists_are_rejected() {
        let swap =
            |from: &str, to: &str| AuthorizationHeader::parse(&GOOD.replace(from, to)).unwrap_err();
        assert!(matches!(
            swap("/aws4_request", "/aws4_requests"),
            VerifyError::InvalidTerminator { .. }
        ));
        assert!(matches!(
            swap("AKIDEXAMPLE/", "AKIDEXAMPLE/x/"),
            VerifyError::MalformedCredential { .. }
        ));
        assert!(matches!(
            swap("20150830", "2015083"),
            VerifyError::MalformedCredential { .. }
        ));
        assert!(matches!(
            swap("bf31", "bf3"),
            VerifyError::MalformedSignature
        ));
        assert!(matches!(
            swap("bf31", "bf3g"),
            VerifyError::MalformedSignature
        ));
        assert!(matches!(
            swap("host;x-amz-date", "host;;x-amz-date"),
            VerifyError::MalformedSignedHeaders { .. }
        ));
        assert!(matches!(
            swap(", Signature=", ", Credential=x, Signature="),
            VerifyError::DuplicateParameter { .. }
        ));
        let e = swap(
            ", Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31",
            "",
        );
        assert!(
            matches!(&e, VerifyError::IncompleteSignature { missing, .. } if missing == &["Signature"])
        );
    }

    proptest::proptest! {
        #[test]
        fn signed_headers_lists_check_as_split_names(list in "[a-cA-C;:é-]{0,12}") {
            let mut previous: Option<&str> = None;
            let mut readable = Some(true);
            for name in list.split(';') {
                if !crate::request::is_token(name) {
                    readable = None;
                    break;
                }
                readable = readable.map(|in_order| {
                    in_order && !name.bytes().any(|b| b.is_ascii_uppercase()) && previous < Some(name)
                });
                previous = Some(name);
            }
            proptest::prop_assert_eq!(check_signed_headers_list(&list).ok(), readable);
        }
    }

    #[test]
    fn signatures_decode_lowercase_hex_only() {
        let good = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
        let decoded = parse_signature(good, Algorithm::HmacSha256)
            .unwrap()
            .signature();
        assert_eq!(decoded.as_bytes().to_vec(), hex::decode(good).unwrap());
        for at in 0..64 {
            for c in 0..=255u8 {
                let mut bytes = good.as_bytes().to_vec();
                bytes[at] = c;
                let readable = matches!(c, b'0'..=b'9' | b'a'..=b'f');
                let ours = parse_signature_bytes(&bytes);
                assert_eq!(ours.is_ok(), readable, "{at} {c}");
                if let Ok(sig) = ours {
                    assert_eq!(
                        sig.signature().as_bytes().to_vec(),
                        hex::decode(&bytes).unwrap()
                    );
                }
            }
        }
        assert!(parse_signature(&good[1..], Algorithm::HmacSha256).is_err());
        assert!(parse_signature(&format!("{good}0"), Algorithm::HmacSha256).is_err());
    }

    /// The readable form of [`CredentialRef::parse`]: five `/`-separated parts.
    fn credential_by_split(value: &str) -> Result<[&str; 4], VerifyError> {
        let malformed = || VerifyError::MalformedCredential {
            credential: value.to_string(),
        };
        let parts: Vec<&str> = value.split('/').collect();
        let [key, date, region, service, terminator] = parts[..] else {
            return Err(malformed());
        };
        if key.is_empty() || date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        if terminator != TERMINATOR {
            return Err(VerifyError::InvalidTerminator {
                terminator: terminator.to_string(),
            });
        }
        Ok([key, date, region, service])
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(2048))]

        #[test]
        fn credentials_parse_as_split_by_slashes(
            key in "[A-Z0-9]{0,5}/?[A-Z]{0,2}",
            date in "/[0-9]{8}|/[0-9/é]{6,10}|",
            rest in "(/[a-z-]{0,4}/?){0,3}(/aws4_request|/aws4_/request)?",
        ) {
            let value = format!("{key}{date}{rest}");
            let ours = CredentialRef::parse(&value)
                .map(|c| [c.access_key_id, c.date, c.region, c.service]);
            proptest::prop_assert_eq!(ours, credential_by_split(&value));
        }
    }

    /// The fields of a parse, comparable.
    fn fields<'a>(a: &RawAuthorization<'a>) -> (Algorithm, [&'a str; 5], &'a str, bool, Signature) {
        let c = &a.credential;
        (
            a.algorithm,
            [c.text, c.access_key_id, c.date, c.region, c.service],
            a.signed_headers,
            a.signed_headers_in_order,
            a.signature.signature(),
        )
    }

    /// The fast path with the credential parsed, as a verifier reads a credential it has not
    /// cached.
    fn parse_exact(value: &[u8]) -> Option<RawAuthorization<'_>> {
        RawAuthorization::from_layout(Layout::cut(value)?, None).map(|(raw, _)| raw)
    }

    /// `parse_exact` either declines or reads what `parse` reads.
    fn agree(value: &[u8]) -> Result<bool, proptest::test_runner::TestCaseError> {
        agree_knowing(value, None)
    }

    /// What a verifier's key cache keeps of a value `parse` read: the credential with the
    /// `SignedHeaders` list after it, lowercase and sorted.
    fn known_of(value: &str) -> Option<Credential> {
        let raw = RawAuthorization::parse(value).ok()?;
        let list = sorted_signed_headers(raw.signed_headers, raw.signed_headers_in_order);
        Some(Credential::with_trailing(raw.credential, &list))
    }

    /// [`agree`], and the fast path knowing `known` (a cache entry: of this value, of another
    /// value, or none) declines or reads the same.
    fn agree_knowing(
        value: &[u8],
        known: Option<&Credential>,
    ) -> Result<bool, proptest::test_runner::TestCaseError> {
        let knowing = Layout::cut(value)
            .and_then(|l| RawAuthorization::from_layout(l, known))
            .map(|(raw, _)| fields(&raw));
        let fast = parse_exact(value).map(|raw| fields(&raw));
        proptest::prop_assert_eq!(&knowing, &fast, "{:?} knowing {:?}", value, known);
        let Some(fast) = fast else {
            return Ok(false);
        };
        let text = std::str::from_utf8(value);
        proptest::prop_assert!(text.is_ok(), "{value:?}");
        let slow = RawAuthorization::parse(text.unwrap());
        proptest::prop_assert!(slow.is_ok(), "{value:?}: {slow:?}");
        proptest::prop_assert_eq!(fast, fields(&slow.unwrap()));
        Ok(true)
    }

    #[test]
    fn a_known_credential_and_list_are_read_as_parsed() {
        let known = known_of(GOOD).unwrap();
        let (raw, shared) =
            RawAuthorization::from_layout(Layout::cut(GOOD.as_bytes()).unwrap(), Some(&known))
                .unwrap();
        assert!(shared, "both parts are the known ones");
        assert_eq!(fields(&raw), fields(&parse_exact(GOOD.as_bytes()).unwrap()));
        // The same credential with another list: the credential's parts are taken, the list
        // checked.
        let other = GOOD.replace("host;x-amz-date", "host;x-amz-content-sha256;x-amz-date");
        let (raw, shared) =
            RawAuthorization::from_layout(Layout::cut(other.as_bytes()).unwrap(), Some(&known))
                .unwrap();
        assert!(!shared);
        assert!(agree_knowing(other.as_bytes(), Some(&known)).unwrap());
        assert_eq!(raw.signed_headers, "host;x-amz-content-sha256;x-amz-date");
        // A known credential with a space in front (as a presigned query may carry one) is
        // not the layout's: the generic parser trims it.
        let spaced = Credential::with_trailing(
            CredentialRef::parse(" AKIDEXAMPLE/20150830/us-east-1/service/aws4_request").unwrap(),
            "host;x-amz-date",
        );
        let value = GOOD.replace("Credential=", "Credential= ");
        assert!(!agree_knowing(value.as_bytes(), Some(&spaced)).unwrap());
    }

    #[test]
    fn the_exact_layout_is_read_by_the_fast_path() {
        assert!(agree(GOOD.as_bytes()).unwrap());
        let unsorted = GOOD.replace("host;x-amz-date", "x-amz-date;Host");
        assert!(agree(unsorted.as_bytes()).unwrap());
        for other in [
            GOOD.replace(", ", ","),
            GOOD.replace("AWS4-HMAC-SHA256 ", "AWS4-HMAC-SHA256  "),
            format!("{GOOD} "),
            GOOD.replace("Signature=", "Signature= "),
            GOOD.replace("bf31", "bF31"),
            GOOD.replace("host;", "host,"),
        ] {
            assert!(!agree(other.as_bytes()).unwrap(), "{other}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config::with_cases(4096))]

        /// The fast path against the readable parser it stands in for: on values in the layout
        /// with arbitrary parts, and on those values with bytes changed, inserted or removed.
        #[test]
        fn the_exact_layout_reads_as_the_generic_parser_does(
            key in "[A-Z0-9]{1,20}",
            date in "[0-9]{8}",
            region in "[a-z0-9-]{1,14}",
            service in "[a-z0-9-]{1,14}",
            signed in "[a-z0-9-]{1,10}(;[a-zA-Z0-9-]{1,10}){0,4}",
            signature in "[0-9a-f]{64}",
            // One part (or none, for 6 and up) replaced by odd bytes.
            odd_part in 0usize..9,
            odd in "[A-Za-z0-9 =,/;\t-]{0,24}|[0-9a-fA-F, ]{62,66}|aws4_requesT",
            edits in proptest::collection::vec(
                (
                    proptest::prelude::any::<proptest::sample::Index>(),
                    0u8..3,
                    proptest::sample::select(
                        b" \t,;=/-Aa0fF\x80\xff\x00\xc3".to_vec()
                    ),
                ),
                0..4,
            ),
        ) {
            let mut parts = [
                key.as_str(),
                &date,
                &region,
                &service,
                "aws4_request",
                &signed,
                &signature,
            ];
            if let Some(p) = parts.get_mut(odd_part) {
                *p = &odd;
            }
            let [key, date, region, service, terminator, signed, signature] = parts;
            let mut value = format!(
                "AWS4-HMAC-SHA256 Credential={key}/{date}/{region}/{service}/{terminator}, \
                 SignedHeaders={signed}, Signature={signature}"
            )
            .into_bytes();
            agree(&value)?;
            // What a verifier caches after this value verified, if it parses; the edited
            // values below are then read knowing it.
            let known = std::str::from_utf8(&value).ok().and_then(known_of);
            agree_knowing(&value, known.as_ref())?;
            for (at, op, byte) in edits {
                match op {
                    0 if !value.is_empty() => {
                        let i = at.index(value.len());
                        value[i] = byte;
                    }
                    1 => value.insert(at.index(value.len() + 1), byte),
                    _ if !value.is_empty() => {
                        value.remove(at.index(value.len()));
                    }
                    _ => {}
                }
                agree_knowing(&value, known.as_ref())?;
            }
        }
    }

    #[test]
    fn presigned_query_parses_and_absent_parameters_mean_not_presigned() {
        assert!(PresignedQuery::parse("a=1&b=2").unwrap().is_none());
        assert!(matches!(
            PresignedQuery::parse("X-Amz-Algorithm=AWS4-HMAC-SHA256"),
            Err(VerifyError::MissingQueryParameters)
        ));
        let q = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=604801&X-Amz-SignedHeaders=host&X-Amz-Signature=717190ca6e779cc7afa3aca94b3ac3b06c682d7174c0bd09415617afbc4c8b50";
        assert!(matches!(
            PresignedQuery::parse(q),
            Err(VerifyError::ExpiresTooLong)
        ));
        let ok = PresignedQuery::parse(&q.replace("604801", "604800"))
            .unwrap()
            .unwrap();
        assert_eq!(ok.credential().region(), "us-east-1");
        assert!(matches!(
            PresignedQuery::parse(&q.replace("604801", "-1")),
            Err(VerifyError::InvalidExpires)
        ));
        assert!(matches!(
            PresignedQuery::parse(&q.replace("20150830T123600Z", "2015-08-30")),
            Err(VerifyError::InvalidDate { .. })
        ));
    }
}
