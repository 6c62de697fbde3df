//! Stage ④ read back: the `Authorization` header ([`AuthorizationHeader`]) and the presigned query parameters ([`PresignedQuery`]), parsed into what a verifier needs.
//!
//! Malformed input gives a precise [`VerifyError`]; nothing panics.

use crate::prelude::*;

use core::fmt;

use zeroize::Zeroizing;

use crate::sign::canonical::parse_query;
use crate::sign::key::Signature;
use crate::spec::{Algorithm, MAX_PRESIGN_EXPIRY, SCOPE_TERMINATOR as TERMINATOR, param};
use crate::time::AmzDate;
use crate::verify::VerifyError;

/// `AKID/YYYYMMDD/region/service/aws4_request`, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credential {
    access_key_id: String,
    date: String,
    region: String,
    service: String,
}

impl Credential {
    /// Parses a `Credential=` value (already percent-decoded when it came from a query).
    ///
    /// # Errors
    /// [`VerifyError::MalformedCredential`] when it does not have five `/`-separated parts with a
    /// non-empty key id and an 8-digit date, [`VerifyError::InvalidTerminator`] when the last part
    /// is not `aws4_request`.
    pub fn parse(value: &str) -> Result<Self, VerifyError> {
        let malformed = || VerifyError::MalformedCredential {
            credential: value.to_string(),
        };
        let parts: Vec<&str> = value.split('/').collect();
        let [key, date, region, service, terminator] = parts.as_slice() else {
            return Err(malformed());
        };
        if key.is_empty() || date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return Err(malformed());
        }
        if *terminator != TERMINATOR {
            return Err(VerifyError::InvalidTerminator {
                terminator: (*terminator).to_string(),
            });
        }
        Ok(Self {
            access_key_id: (*key).to_string(),
            date: (*date).to_string(),
            region: (*region).to_string(),
            service: (*service).to_string(),
        })
    }

    /// The access key id.
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The scope date, `YYYYMMDD`.
    pub fn date(&self) -> &str {
        &self.date
    }

    /// The scope region.
    pub fn region(&self) -> &str {
        &self.region
    }

    /// The scope service.
    pub fn service(&self) -> &str {
        &self.service
    }

    /// `YYYYMMDD/region/service/aws4_request`.
    pub fn scope(&self) -> String {
        format!(
            "{}/{}/{}/{TERMINATOR}",
            self.date, self.region, self.service
        )
    }
}

impl fmt::Display for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.access_key_id, self.scope())
    }
}

/// Splits and checks a `SignedHeaders` list: non-empty, `;`-separated header names.
fn parse_signed_headers(list: &str) -> Result<Vec<String>, VerifyError> {
    let malformed = || VerifyError::MalformedSignedHeaders {
        signed_headers: list.to_string(),
    };
    let mut names = Vec::new();
    for name in list.split(';') {
        if !crate::request::is_token(name) {
            return Err(malformed());
        }
        names.push(name.to_ascii_lowercase());
    }
    Ok(names)
}

fn parse_signature(hex: &str) -> Result<Signature, VerifyError> {
    // SigV4 signatures are lowercase hex; AWS compares them as strings, so uppercase is refused.
    if hex.len() != 64 || hex.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(VerifyError::MalformedSignature);
    }
    Signature::from_hex(hex).ok_or(VerifyError::MalformedSignature)
}

/// A parsed `Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...`.
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
        let trimmed = value.trim_matches(|c: char| c == ' ' || c == '\t');
        let (scheme, rest) = trimmed.split_once([' ', '\t']).unwrap_or((trimmed, ""));
        let Some(algorithm) = Algorithm::from_name(scheme) else {
            return Err(VerifyError::IncompleteSignature {
                missing: vec!["Credential", "Signature", "SignedHeaders"],
                date_missing: false,
                authorization: shown_scheme(scheme, rest),
            });
        };
        let (mut credential, mut signed, mut signature) = (None, None, None);
        for piece in rest.split(',') {
            let piece = piece.trim_matches(|c: char| c == ' ' || c == '\t');
            if piece.is_empty() {
                continue;
            }
            let Some((key, val)) = piece.split_once('=') else {
                return Err(VerifyError::MalformedPair {
                    pair: piece.to_string(),
                    authorization: value.to_string(),
                });
            };
            let slot = match key.trim() {
                "Credential" => &mut credential,
                "SignedHeaders" => &mut signed,
                "Signature" => &mut signature,
                _ => continue,
            };
            if slot.is_some() {
                return Err(VerifyError::DuplicateParameter {
                    name: key.trim().to_string(),
                });
            }
            *slot = Some(val.trim());
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
        Ok(Self {
            algorithm,
            credential: Credential::parse(credential)?,
            signed_headers: parse_signed_headers(signed)?,
            signature: parse_signature(signature)?,
        })
    }

    /// The signing algorithm named (`AWS4-HMAC-SHA256`: the only one accepted today).
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
        let mut found: [Option<String>; 7] = Default::default();
        // A repeated parameter makes a presigned URL ambiguous; in a request signed in its
        // `Authorization` header these are ordinary parameters, and may repeat.
        let mut repeated = false;
        const NAMES: [&str; 7] = [
            param::ALGORITHM,
            param::CREDENTIAL,
            param::DATE,
            param::EXPIRES,
            param::SIGNED_HEADERS,
            param::SIGNATURE,
            param::SECURITY_TOKEN,
        ];
        for p in parse_query(query) {
            let key = percent_encoding::percent_decode(p.key).decode_utf8_lossy();
            if let Some(i) = NAMES.iter().position(|n| *n == key) {
                if found[i].is_some() {
                    repeated = true;
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
        let credential = Credential::parse(&credential)?;
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
            signature: parse_signature(&signature)?,
            security_token: token.map(Zeroizing::new),
        }))
    }

    /// The signing algorithm named (`AWS4-HMAC-SHA256`: the only one accepted today).
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
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
