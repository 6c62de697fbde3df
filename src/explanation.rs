//! The readable, allocating view of a signature: what to print when AWS answers 403.

use crate::amz_date::AmzDate;

/// The intermediate values of one signature, as strings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Explanation {
    pub(crate) canonical_request: String,
    pub(crate) string_to_sign: String,
    pub(crate) signature: String,
    pub(crate) signed_headers: String,
    pub(crate) authorization: Option<String>,
    pub(crate) amz_date: AmzDate,
}

impl Explanation {
    /// The canonical request (stage ①), exactly as hashed.
    pub fn canonical_request(&self) -> &str {
        &self.canonical_request
    }

    /// The string to sign (stage ②).
    pub fn string_to_sign(&self) -> &str {
        &self.string_to_sign
    }

    /// The signature, 64 lowercase hex digits.
    pub fn signature(&self) -> &str {
        &self.signature
    }

    /// The `SignedHeaders` list.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The `Authorization` header value (header signing only).
    pub fn authorization(&self) -> Option<&str> {
        self.authorization.as_deref()
    }

    /// The signing time.
    pub fn amz_date(&self) -> AmzDate {
        self.amz_date
    }
}
