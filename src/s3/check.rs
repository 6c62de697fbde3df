//! Checking a submitted POST form: [`Verifier::verify_post_form_at`] on a [`SubmittedForm`],
//! answering [`VerifiedPost`] or the [`PostError`] S3 answers in the same case.
//!
//! In S3's order: the fields are bounded and present, the credential names a known key and a
//! scope this verifier serves, the signature over the base64 policy matches (only then is the
//! policy decoded and read), the policy has not expired, every condition holds, every field
//! has a condition, and the file's size is within `content-length-range`.

use crate::prelude::*;

use core::fmt;

use base64::Engine as _;
use serde_json::Value;

use crate::sign::key::{Signature, SigningKey};
use crate::sign::string_to_sign::{Region, Scope};
use crate::spec::{Algorithm, AmzDate};
use crate::time::parse_iso;
use crate::verify::Credential;
use crate::{SigningTime, Verifier};

use super::form::policy_signature;
use super::policy::Condition;

/// The most bytes of form fields (names and values, the file excluded) a form may carry: S3's
/// 20 KB limit on the fields before the file.
pub const MAX_FIELDS_BYTES: usize = 20 * 1024;

/// A browser upload as the server received it: the bucket it was posted to, its form fields
/// (the file excluded) and the file's size and name. The fields come from the caller's
/// `multipart/form-data` parser, in the order received.
///
/// ```
/// use awssig::s3::SubmittedForm;
/// let form = SubmittedForm::new("amzn-s3-demo-bucket")
///     .field("key", "uploads/${filename}")
///     .file("cat.png", 1234);
/// assert_eq!(form.get("KEY"), Some("uploads/${filename}"));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct SubmittedForm {
    bucket: String,
    fields: Vec<(String, String)>,
    file_name: Option<String>,
    file_size: u64,
}

impl fmt::Debug for SubmittedForm {
    /// The fields with the session token and the signature shown as `<redacted>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(n, v)| {
                let secret = n.eq_ignore_ascii_case("x-amz-security-token")
                    || n.eq_ignore_ascii_case("x-amz-signature");
                (n.as_str(), if secret { "<redacted>" } else { v.as_str() })
            })
            .collect();
        f.debug_struct("SubmittedForm")
            .field("bucket", &self.bucket)
            .field("fields", &fields)
            .field("file_name", &self.file_name)
            .field("file_size", &self.file_size)
            .finish()
    }
}

impl SubmittedForm {
    /// A form posted to `bucket` (from the URL: the host of a virtual-hosted request or the
    /// path's first segment), with no fields yet and an empty, nameless file.
    pub fn new(bucket: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            fields: Vec::new(),
            file_name: None,
            file_size: 0,
        }
    }

    /// Adds a form field as received.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.push_field(name, value);
        self
    }

    /// Adds a form field as received (for a loop over a parser's fields).
    pub fn push_field(&mut self, name: impl Into<String>, value: impl Into<String>) {
        self.fields.push((name.into(), value.into()));
    }

    /// The file's name (as the browser sent it; it replaces `${filename}` in the key) and size.
    #[must_use]
    pub fn file(mut self, name: impl Into<String>, size: u64) -> Self {
        self.file_name = Some(name.into());
        self.file_size = size;
        self
    }

    /// The file's size alone (for a file part without a name).
    #[must_use]
    pub fn file_size(mut self, size: u64) -> Self {
        self.file_size = size;
        self
    }

    /// The first field called `name` (form field names compare without regard to ASCII case).
    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What a verified form proved: who signed its policy, and where the file goes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedPost {
    credential: Credential,
    key: String,
    expiration: SigningTime,
}

impl VerifiedPost {
    /// The access key id that signed the policy.
    pub fn access_key_id(&self) -> &str {
        self.credential.access_key_id()
    }

    /// The credential (access key, date, region, service) the policy was signed with.
    pub fn credential(&self) -> &Credential {
        &self.credential
    }

    /// The object key to store the file under: the `key` field with `${filename}` replaced by
    /// the file's name.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// When the policy expires.
    pub fn expiration(&self) -> SigningTime {
        self.expiration
    }
}

/// Why a submitted form was refused. `Display` says what was wrong in lowercase; the wire
/// answer is [`PostError::status`], [`PostError::aws_code`] and [`PostError::aws_message`],
/// S3's own for the case.
///
/// ```
/// use awssig::s3::PostError;
/// let e = PostError::PolicyExpired;
/// assert_eq!(e.status(), 403);
/// assert_eq!(e.aws_code(), "AccessDenied");
/// assert_eq!(e.aws_message(), "Invalid according to Policy: Policy expired.");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PostError {
    /// The fields (names and values, the file excluded) exceed [`MAX_FIELDS_BYTES`].
    #[error(
        "the form fields take {len} bytes, more than the {MAX_FIELDS_BYTES} S3 accepts before the file"
    )]
    FieldsTooLarge {
        /// Their size.
        len: usize,
    },
    /// A field S3 needs is missing (`policy`, `key`, `x-amz-algorithm`, `x-amz-credential`,
    /// `x-amz-date` or `x-amz-signature`).
    #[error("the form has no `{name}` field")]
    MissingField {
        /// The field.
        name: &'static str,
    },
    /// A field appears more than once.
    #[error("the form has the field `{name}` more than once")]
    DuplicateField {
        /// The field, as first received.
        name: String,
    },
    /// `x-amz-algorithm` is not `AWS4-HMAC-SHA256`.
    #[error(
        "unsupported x-amz-algorithm `{algorithm}`: POST policies are signed with AWS4-HMAC-SHA256"
    )]
    UnsupportedAlgorithm {
        /// The value received.
        algorithm: String,
    },
    /// `x-amz-credential` is not `<key>/<YYYYMMDD>/<region>/<service>/aws4_request`, names a
    /// region or service this verifier does not serve, or a date other than `x-amz-date`'s.
    #[error("invalid x-amz-credential `{credential}`: {reason}")]
    InvalidCredential {
        /// The value received.
        credential: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// `x-amz-date` is not `YYYYMMDDTHHMMSSZ`.
    #[error("invalid x-amz-date: expected YYYYMMDDTHHMMSSZ")]
    InvalidDate,
    /// The access key id is unknown.
    #[error("unknown access key id")]
    UnknownAccessKey,
    /// The credentials are temporary and the form's `x-amz-security-token` is missing or
    /// different.
    #[error("the security token is missing or does not match the access key's")]
    InvalidToken,
    /// The temporary credentials have expired.
    #[error("the credentials have expired")]
    ExpiredToken,
    /// The signature does not match the policy.
    #[error("signature does not match")]
    SignatureMismatch,
    /// The policy is not base64 of a JSON document with a valid `expiration` and `conditions`.
    #[error("invalid policy document: {reason}")]
    InvalidPolicy {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The policy's `expiration` has passed.
    #[error("the policy has expired")]
    PolicyExpired,
    /// A field does not satisfy a condition of the policy.
    #[error("the form does not satisfy the policy condition {condition}")]
    ConditionFailed {
        /// The condition, as JSON.
        condition: String,
    },
    /// A field has no condition in the policy.
    #[error("the field `{name}` is not covered by any policy condition")]
    ExtraField {
        /// The field.
        name: String,
    },
    /// The file is larger than `content-length-range` allows.
    #[error("the file is {size} bytes, more than the policy's maximum of {max}")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The maximum.
        max: u64,
    },
    /// The file is smaller than `content-length-range` allows.
    #[error("the file is {size} bytes, less than the policy's minimum of {min}")]
    TooSmall {
        /// Its size.
        size: u64,
        /// The minimum.
        min: u64,
    },
}

impl PostError {
    /// The HTTP status S3 answers with.
    pub fn status(&self) -> u16 {
        match self {
            Self::FieldsTooLarge { .. }
            | Self::MissingField { .. }
            | Self::DuplicateField { .. }
            | Self::UnsupportedAlgorithm { .. }
            | Self::InvalidCredential { .. }
            | Self::InvalidDate
            | Self::InvalidToken
            | Self::InvalidPolicy { .. }
            | Self::TooLarge { .. }
            | Self::TooSmall { .. } => 400,
            Self::UnknownAccessKey
            | Self::ExpiredToken
            | Self::SignatureMismatch
            | Self::PolicyExpired
            | Self::ConditionFailed { .. }
            | Self::ExtraField { .. } => 403,
        }
    }

    /// S3's error code (the `<Code>` of its XML error).
    pub fn aws_code(&self) -> &'static str {
        match self {
            Self::FieldsTooLarge { .. } => "MaxPostPreDataLengthExceeded",
            Self::MissingField { .. }
            | Self::DuplicateField { .. }
            | Self::UnsupportedAlgorithm { .. }
            | Self::InvalidCredential { .. }
            | Self::InvalidDate => "InvalidArgument",
            Self::UnknownAccessKey => "InvalidAccessKeyId",
            Self::InvalidToken => "InvalidToken",
            Self::ExpiredToken => "ExpiredToken",
            Self::SignatureMismatch => "SignatureDoesNotMatch",
            Self::InvalidPolicy { .. } => "InvalidPolicyDocument",
            Self::PolicyExpired | Self::ConditionFailed { .. } | Self::ExtraField { .. } => {
                "AccessDenied"
            }
            Self::TooLarge { .. } => "EntityTooLarge",
            Self::TooSmall { .. } => "EntityTooSmall",
        }
    }

    /// The sentence for the `<Message>`: S3's own where its documentation or its answers
    /// give it (the policy, expiration, condition, extra field, size, missing field, unknown
    /// key, token and signature cases); for a repeated field, an unsupported algorithm and a
    /// malformed credential or date, this crate's wording in S3's style.
    pub fn aws_message(&self) -> String {
        match self {
            Self::FieldsTooLarge { .. } => {
                "Your POST request fields preceding the upload file were too large.".into()
            }
            Self::MissingField { name } => format!(
                "Bucket POST must contain a field named '{name}'.  If it is specified, please check the order of the fields."
            ),
            Self::DuplicateField { name } => {
                format!("POST requires exactly one value for the field '{name}'.")
            }
            Self::UnsupportedAlgorithm { .. } => {
                "X-Amz-Algorithm only supports 'AWS4-HMAC-SHA256'".into()
            }
            Self::InvalidCredential { .. } => {
                "Error parsing the X-Amz-Credential parameter.".into()
            }
            Self::InvalidDate => "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"".into(),
            Self::UnknownAccessKey => {
                "The AWS Access Key Id you provided does not exist in our records.".into()
            }
            Self::InvalidToken => "The provided token is malformed or otherwise invalid.".into(),
            Self::ExpiredToken => "The provided token has expired.".into(),
            Self::SignatureMismatch => "The request signature we calculated does not match the signature you provided. Check your key and signing method.".into(),
            Self::InvalidPolicy { reason } => format!("Invalid Policy: {reason}"),
            Self::PolicyExpired => "Invalid according to Policy: Policy expired.".into(),
            Self::ConditionFailed { condition } => {
                format!("Invalid according to Policy: Policy Condition failed: {condition}")
            }
            Self::ExtraField { name } => {
                format!("Invalid according to Policy: Extra input fields: {name}")
            }
            Self::TooLarge { .. } => "Your proposed upload exceeds the maximum allowed size".into(),
            Self::TooSmall { .. } => {
                "Your proposed upload is smaller than the minimum allowed size".into()
            }
        }
    }
}

/// The fields that need no condition (S3: `x-amz-signature`, `file`, `policy` and any
/// `x-ignore-` field).
fn exempt(name: &str) -> bool {
    ["x-amz-signature", "file", "policy"]
        .iter()
        .any(|e| name.eq_ignore_ascii_case(e))
        || name
            .get(..9)
            .is_some_and(|p| p.eq_ignore_ascii_case("x-ignore-"))
}

/// The most bytes a decoded policy may take: its base64 form is bounded by
/// [`MAX_FIELDS_BYTES`].
const MAX_POLICY_JSON: usize = MAX_FIELDS_BYTES / 4 * 3;

impl Verifier {
    /// Checks a browser upload form at `now`: the policy's signature, the credential's scope
    /// (this verifier's regions and service), the session token, the policy's expiration, every
    /// condition against the fields and the file's size, and that every field has a condition.
    ///
    /// ```
    /// use awssig::s3::{PostPolicy, SubmittedForm};
    /// use awssig::{Credentials, Signer, Verifier};
    ///
    /// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    /// let now = time::OffsetDateTime::now_utc();
    /// let policy = PostPolicy::new("bucket").key_starts_with("uploads/").content_length_range(1, 1024);
    /// let form = Signer::new(creds.clone(), "us-east-1", "s3").sign_post_policy_at(&policy, now)?;
    ///
    /// let mut submitted = SubmittedForm::new("bucket").file("cat.png", 100);
    /// for (name, value) in form.fields() {
    ///     submitted.push_field(name, value);
    /// }
    /// let verifier = Verifier::new(creds, "us-east-1", "s3");
    /// let ok = verifier.verify_post_form_at(&submitted, now)?;
    /// assert_eq!(ok.key(), "uploads/cat.png");
    ///
    /// let too_big = submitted.clone().file("cat.png", 2048);
    /// assert_eq!(verifier.verify_post_form_at(&too_big, now).unwrap_err().aws_code(), "EntityTooLarge");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// # Errors
    /// The [`PostError`] S3 answers in the same case.
    pub fn verify_post_form_at(
        &self,
        form: &SubmittedForm,
        now: impl Into<SigningTime>,
    ) -> Result<VerifiedPost, PostError> {
        let now = now.into();
        let len: usize = form.fields.iter().map(|(n, v)| n.len() + v.len()).sum();
        if len > MAX_FIELDS_BYTES {
            return Err(PostError::FieldsTooLarge { len });
        }
        for (i, (name, _)) in form.fields.iter().enumerate() {
            if form.fields[..i]
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(name))
            {
                return Err(PostError::DuplicateField { name: name.clone() });
            }
        }
        let required = |name: &'static str| form.get(name).ok_or(PostError::MissingField { name });
        let policy = required("policy")?;
        let algorithm = required("x-amz-algorithm")?;
        let credential_text = required("x-amz-credential")?;
        let date = required("x-amz-date")?;
        let signature = required("x-amz-signature")?;
        let key = required("key")?;

        if algorithm != Algorithm::HmacSha256.as_str() {
            return Err(PostError::UnsupportedAlgorithm {
                algorithm: algorithm.into(),
            });
        }
        let date = AmzDate::parse(date).ok_or(PostError::InvalidDate)?;
        let invalid = |reason| PostError::InvalidCredential {
            credential: credential_text.into(),
            reason,
        };
        let credential = Credential::parse(credential_text).map_err(|_| {
            invalid("expected <access key id>/<YYYYMMDD>/<region>/<service>/aws4_request")
        })?;
        if credential.date() != date.date() {
            return Err(invalid("its date is not x-amz-date's"));
        }
        if !self.regions().iter().any(|r| r == credential.region()) {
            return Err(invalid("its region is not one this verifier serves"));
        }
        if credential.service() != self.service() {
            return Err(invalid("its service is not this verifier's"));
        }

        let creds = self
            .credentials_for(credential.access_key_id())
            .ok_or(PostError::UnknownAccessKey)?;
        if let Some(token) = creds.session_token() {
            let sent = form.get("x-amz-security-token").unwrap_or_default();
            if !crate::crypto::ct_eq(sent.as_bytes(), token.as_bytes()) {
                return Err(PostError::InvalidToken);
            }
        }
        if creds.expiry().is_some_and(|expiry| expiry <= now) {
            return Err(PostError::ExpiredToken);
        }

        let scope = Scope {
            date: credential.date(),
            region: Region::One(credential.region()),
            service: credential.service(),
        };
        let expected = policy_signature(&SigningKey::derive(&creds, &scope), policy);
        let matches =
            Signature::from_hex(signature).is_some_and(|claimed| claimed.ct_eq(&expected));
        if !matches {
            return Err(PostError::SignatureMismatch);
        }

        // Signed by the key's holder: only now is the policy decoded and read.
        let document = read_policy(policy)?;
        if document.expiration <= now {
            return Err(PostError::PolicyExpired);
        }
        let value_of = |field: &str| -> Option<&str> {
            if field.eq_ignore_ascii_case("bucket") {
                Some(form.bucket.as_str())
            } else {
                form.get(field)
            }
        };
        let mut size_range = None;
        for condition in &document.conditions {
            let ok = match condition {
                Condition::Eq { field, value } => value_of(field) == Some(value.as_str()),
                Condition::StartsWith { field, prefix } => {
                    let actual = value_of(field).unwrap_or_default();
                    if field.eq_ignore_ascii_case("Content-Type") {
                        // S3: each of a comma-separated list of types must have the prefix.
                        actual
                            .split(',')
                            .all(|t| t.trim().starts_with(prefix.as_str()))
                    } else {
                        actual.starts_with(prefix.as_str())
                    }
                }
                Condition::ContentLengthRange { min, max } => {
                    size_range = Some((*min, *max));
                    true
                }
            };
            if !ok {
                return Err(PostError::ConditionFailed {
                    condition: condition.to_json(),
                });
            }
        }
        for (name, _) in &form.fields {
            let covered = document.conditions.iter().any(|c| match c {
                Condition::Eq { field, .. } | Condition::StartsWith { field, .. } => {
                    field.eq_ignore_ascii_case(name)
                }
                Condition::ContentLengthRange { .. } => false,
            });
            if !covered && !exempt(name) {
                return Err(PostError::ExtraField { name: name.clone() });
            }
        }
        if let Some((min, max)) = size_range {
            if form.file_size > max {
                return Err(PostError::TooLarge {
                    size: form.file_size,
                    max,
                });
            }
            if form.file_size < min {
                return Err(PostError::TooSmall {
                    size: form.file_size,
                    min,
                });
            }
        }
        let key = match &form.file_name {
            Some(name) => key.replace("${filename}", name),
            None => key.into(),
        };
        Ok(VerifiedPost {
            credential,
            key,
            expiration: document.expiration,
        })
    }
}

/// A decoded policy document.
struct Document {
    expiration: SigningTime,
    conditions: Vec<Condition>,
}

/// Decodes and reads the base64 policy: `expiration` (ISO 8601 UTC) and `conditions` (objects of
/// one string field, `["eq" | "starts-with", "$field", "value"]`, `["content-length-range", min,
/// max]`).
fn read_policy(policy_b64: &str) -> Result<Document, PostError> {
    let invalid = |reason| PostError::InvalidPolicy { reason };
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(policy_b64.trim())
        .map_err(|_| invalid("Invalid base64 encoding."))?;
    if bytes.len() > MAX_POLICY_JSON {
        return Err(invalid("Policy document is too large."));
    }
    let json: Value = serde_json::from_slice(&bytes).map_err(|_| invalid("Invalid JSON."))?;
    let expiration = json
        .get("expiration")
        .ok_or(invalid("Policy missing expiration."))?
        .as_str()
        .and_then(parse_iso)
        .ok_or(invalid("Invalid 'expiration' value."))?;
    let list = json
        .get("conditions")
        .ok_or(invalid("Policy missing conditions."))?
        .as_array()
        .ok_or(invalid("Invalid 'conditions' value: must be a list."))?;
    let mut conditions = Vec::with_capacity(list.len());
    for c in list {
        conditions.push(read_condition(c)?);
    }
    Ok(Document {
        expiration: expiration.into(),
        conditions,
    })
}

fn read_condition(c: &Value) -> Result<Condition, PostError> {
    let invalid = |reason| PostError::InvalidPolicy { reason };
    if let Some(map) = c.as_object() {
        let mut it = map.iter();
        let (Some((field, value)), None) = (it.next(), it.next()) else {
            return Err(invalid(
                "Invalid Simple-Condition: must have exactly one property specified.",
            ));
        };
        let value = value
            .as_str()
            .ok_or(invalid("Invalid Simple-Condition: value must be a string."))?;
        return Ok(Condition::Eq {
            field: field.trim_start_matches('$').into(),
            value: value.into(),
        });
    }
    let items = c
        .as_array()
        .ok_or(invalid("Invalid Condition: must be an object or a list."))?;
    let [op, a, b] = items.as_slice() else {
        return Err(invalid("Invalid Condition: wrong number of arguments."));
    };
    let op = op.as_str().ok_or(invalid(
        "Invalid Condition: the operation must be a string.",
    ))?;
    if op.eq_ignore_ascii_case("content-length-range") {
        let (Some(min), Some(max)) = (a.as_u64(), b.as_u64()) else {
            return Err(invalid(
                "Invalid content-length-range: the bounds must be whole numbers.",
            ));
        };
        return Ok(Condition::ContentLengthRange { min, max });
    }
    let (Some(field), Some(value)) = (a.as_str(), b.as_str()) else {
        return Err(invalid(
            "Invalid Condition: the field and value must be strings.",
        ));
    };
    let Some(field) = field.strip_prefix('$') else {
        return Err(invalid("Invalid Condition: the field must start with '$'."));
    };
    let field = field.into();
    let value = value.into();
    if op.eq_ignore_ascii_case("eq") {
        Ok(Condition::Eq { field, value })
    } else if op.eq_ignore_ascii_case("starts-with") {
        Ok(Condition::StartsWith {
            field,
            prefix: value,
        })
    } else {
        Err(invalid("Invalid Condition: unknown operation."))
    }
}
