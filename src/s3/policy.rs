//! The POST policy document: [`PostPolicy`] and its [`Condition`]s, written as the JSON S3 reads.
//!
//! The JSON is laid out as Python's `json.dumps` lays it out (`", "` and `": "` between items,
//! every character outside ASCII escaped as `\uXXXX`), which is what botocore's
//! `generate_presigned_post` signs: the same policy gives the same bytes, so the generated
//! vectors compare signatures over identical documents.

use crate::prelude::*;

use core::fmt::Write as _;
use core::time::Duration;

use crate::SigningTime;

/// One condition of a POST policy: what S3 checks a submitted form field (or the file's
/// size) against.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Condition {
    /// The field must equal `value` exactly (`{"field": "value"}`).
    Eq {
        /// The form field's name (`acl`, `Content-Type`, `x-amz-meta-user`, …), without `$`.
        field: String,
        /// The value it must have.
        value: String,
    },
    /// The field must start with `prefix` (`["starts-with", "$field", "prefix"]`); an empty
    /// prefix allows any value.
    StartsWith {
        /// The form field's name, without `$`.
        field: String,
        /// The prefix its value must have.
        prefix: String,
    },
    /// The uploaded file's size in bytes must be within `min..=max`
    /// (`["content-length-range", min, max]`).
    ContentLengthRange {
        /// The smallest size allowed.
        min: u64,
        /// The largest size allowed.
        max: u64,
    },
}

impl Condition {
    /// The condition's JSON, laid out as Python's `json.dumps` writes it.
    pub(crate) fn write_json(&self, out: &mut String) {
        match self {
            Self::Eq { field, value } => {
                out.push('{');
                write_json_string(out, field);
                out.push_str(": ");
                write_json_string(out, value);
                out.push('}');
            }
            Self::StartsWith { field, prefix } => {
                out.push_str("[\"starts-with\", ");
                write_json_string(out, &format!("${field}"));
                out.push_str(", ");
                write_json_string(out, prefix);
                out.push(']');
            }
            Self::ContentLengthRange { min, max } => {
                // Writing to a String cannot fail.
                let _ = write!(out, "[\"content-length-range\", {min}, {max}]");
            }
        }
    }

    /// The condition as JSON (how S3 quotes a failed condition in its error message).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        self.write_json(&mut out);
        out
    }
}

/// The object key a form uploads to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Key {
    /// Exactly this key (`{"key": "…"}`), or, when it ends with `${filename}`, any key starting
    /// with what comes before it (S3 puts the uploaded file's name in its place).
    Named(String),
    /// Any key starting with this prefix; the form's `key` field is the prefix followed by
    /// `${filename}`.
    Prefix(String),
}

/// What a browser form may upload to S3: the bucket, the key, an expiration and conditions on
/// the other form fields and the file's size. [`Signer::sign_post_policy_at`](crate::Signer::sign_post_policy_at)
/// signs it into the form fields and action URL of a [`PostForm`](super::PostForm).
///
/// Each setter that names a field (`acl`, `content_type`, `meta`, `field`, …) adds both the
/// condition and the form field with that value, so the form satisfies its own policy; the
/// `*_starts_with` setters add a condition only (the page fills in the field).
///
/// ```
/// use awssig::s3::PostPolicy;
/// use std::time::Duration;
///
/// let policy = PostPolicy::new("amzn-s3-demo-bucket")
///     .key_starts_with("uploads/alice/")
///     .content_type_starts_with("image/")
///     .content_length_range(1, 10 * 1024 * 1024)
///     .success_action_status(201)
///     .expires_in(Duration::from_secs(600));
/// assert_eq!(policy.bucket(), "amzn-s3-demo-bucket");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PostPolicy {
    bucket: String,
    key: Key,
    expires: Expiration,
    /// The caller's conditions, in the order given: written before the bucket and key
    /// conditions, as botocore writes a caller's `Conditions`.
    conditions: Vec<Condition>,
    /// The form fields the caller's setters fill in, in the order given.
    fields: Vec<(String, String)>,
}

/// When a policy stops being accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expiration {
    /// This long after the signing time.
    After(Duration),
    /// At this time.
    At(SigningTime),
}

/// The default lifetime of a signed policy: one hour, as botocore's.
const DEFAULT_EXPIRES_IN: Duration = Duration::from_secs(3600);

impl PostPolicy {
    /// A policy for uploads to `bucket` under any key starting with `""` (set the key with
    /// [`PostPolicy::key`] or [`PostPolicy::key_starts_with`]), valid for one hour after signing.
    pub fn new(bucket: impl Into<String>) -> Self {
        Self {
            bucket: bucket.into(),
            key: Key::Prefix(String::new()),
            expires: Expiration::After(DEFAULT_EXPIRES_IN),
            conditions: Vec::new(),
            fields: Vec::new(),
        }
    }

    /// Uploads go to exactly `key`; a key ending with `${filename}` allows any key starting
    /// with what comes before it, and S3 puts the uploaded file's name in its place.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.key = Key::Named(key.into());
        self
    }

    /// Uploads go to any key starting with `prefix`; the form's `key` field is
    /// `prefix${filename}` (the page may change it within the prefix).
    #[must_use]
    pub fn key_starts_with(mut self, prefix: impl Into<String>) -> Self {
        self.key = Key::Prefix(prefix.into());
        self
    }

    /// The policy expires this long after the signing time (default: one hour).
    #[must_use]
    pub fn expires_in(mut self, lifetime: Duration) -> Self {
        self.expires = Expiration::After(lifetime);
        self
    }

    /// The policy expires at `time`.
    #[must_use]
    pub fn expires_at(mut self, time: impl Into<SigningTime>) -> Self {
        self.expires = Expiration::At(time.into());
        self
    }

    /// The file must be `min..=max` bytes long.
    #[must_use]
    pub fn content_length_range(self, min: u64, max: u64) -> Self {
        self.condition(Condition::ContentLengthRange { min, max })
    }

    /// The form field `name` must equal `value`, and the form carries it with that value.
    #[must_use]
    pub fn field(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        let (name, value) = (name.into(), value.into());
        self.fields.push((name.clone(), value.clone()));
        self.condition(Condition::Eq { field: name, value })
    }

    /// The form field `name` must start with `prefix` (an empty prefix allows any value); the
    /// page fills it in.
    #[must_use]
    pub fn starts_with(self, name: impl Into<String>, prefix: impl Into<String>) -> Self {
        self.condition(Condition::StartsWith {
            field: name.into(),
            prefix: prefix.into(),
        })
    }

    /// Adds a condition as it is, and no form field.
    #[must_use]
    pub fn condition(mut self, condition: Condition) -> Self {
        self.conditions.push(condition);
        self
    }

    /// The object's canned ACL (`private`, `public-read`, …).
    #[must_use]
    pub fn acl(self, acl: impl Into<String>) -> Self {
        self.field("acl", acl)
    }

    /// The object's `Content-Type`, exactly.
    #[must_use]
    pub fn content_type(self, content_type: impl Into<String>) -> Self {
        self.field("Content-Type", content_type)
    }

    /// The object's `Content-Type` must start with `prefix` (`image/`); the page fills it in.
    #[must_use]
    pub fn content_type_starts_with(self, prefix: impl Into<String>) -> Self {
        self.starts_with("Content-Type", prefix)
    }

    /// The status S3 answers a successful upload with (200, 201 with an XML document, or 204).
    #[must_use]
    pub fn success_action_status(self, status: u16) -> Self {
        self.field("success_action_status", status.to_string())
    }

    /// Where S3 redirects the browser after a successful upload.
    #[must_use]
    pub fn success_action_redirect(self, url: impl Into<String>) -> Self {
        self.field("success_action_redirect", url)
    }

    /// User metadata: the form field `x-amz-meta-<name>` with this value.
    #[must_use]
    pub fn meta(self, name: &str, value: impl Into<String>) -> Self {
        self.field(format!("x-amz-meta-{name}"), value)
    }

    /// The bucket.
    pub fn bucket(&self) -> &str {
        &self.bucket
    }

    /// The caller's conditions, in order (without the bucket, key and signature conditions
    /// the signer adds).
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// The form fields the setters filled in, in order (without `key` and the signature fields).
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The form's `key` field.
    pub(crate) fn key_field(&self) -> String {
        match &self.key {
            Key::Named(key) => key.clone(),
            Key::Prefix(prefix) => format!("{prefix}${{filename}}"),
        }
    }

    /// The condition on `$key`, as botocore writes it.
    fn key_condition(&self) -> Condition {
        let prefix = match &self.key {
            Key::Named(key) => match key.strip_suffix("${filename}") {
                Some(prefix) => prefix,
                None => {
                    return Condition::Eq {
                        field: "key".into(),
                        value: key.clone(),
                    };
                }
            },
            Key::Prefix(prefix) => prefix.as_str(),
        };
        Condition::StartsWith {
            field: "key".into(),
            prefix: prefix.to_owned(),
        }
    }

    /// When the policy expires, for a signature made at `signed_at`; `None` if that time
    /// cannot be written.
    pub(crate) fn expiration(&self, signed_at: SigningTime) -> Option<SigningTime> {
        match self.expires {
            Expiration::At(t) => Some(t),
            Expiration::After(d) => signed_at.checked_add(time::Duration::try_from(d).ok()?),
        }
    }

    /// The policy document: `expiration`, then the caller's conditions, the bucket, the key,
    /// and `signing` (the algorithm, credential, date and session token conditions), in
    /// botocore's order and layout.
    pub(crate) fn document(&self, expiration: &str, signing: &[Condition]) -> String {
        let mut out = String::with_capacity(256);
        out.push_str("{\"expiration\": ");
        write_json_string(&mut out, expiration);
        out.push_str(", \"conditions\": [");
        let bucket = Condition::Eq {
            field: "bucket".into(),
            value: self.bucket.clone(),
        };
        let key = self.key_condition();
        let all = self
            .conditions
            .iter()
            .chain([&bucket, &key])
            .chain(signing.iter());
        for (i, c) in all.enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            c.write_json(&mut out);
        }
        out.push_str("]}");
        out
    }
}

/// A JSON string as Python's `json.dumps` writes it (`ensure_ascii`): `"` and `\` escaped,
/// the control characters as `\n`, `\r`, `\t`, `\b`, `\f` or `\u00XX`, everything outside
/// ASCII as `\uXXXX` (a surrogate pair above U+FFFF).
fn write_json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    // Writing to a String cannot fail.
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped_as_python_json_dumps_escapes_them() {
        // Python: json.dumps('a"b\\c\n\t\x01é€😀/')
        let mut out = String::new();
        write_json_string(&mut out, "a\"b\\c\n\t\u{1}é€😀/");
        assert_eq!(out, r#""a\"b\\c\n\t\u0001\u00e9\u20ac\ud83d\ude00/""#);
    }

    #[test]
    fn a_key_ending_in_filename_is_a_prefix_condition_and_the_field_keeps_the_placeholder() {
        let p = PostPolicy::new("b").key("uploads/${filename}");
        assert_eq!(p.key_field(), "uploads/${filename}");
        assert_eq!(
            p.key_condition().to_json(),
            r#"["starts-with", "$key", "uploads/"]"#
        );
        let p = PostPolicy::new("b").key_starts_with("in/");
        assert_eq!(p.key_field(), "in/${filename}");
        let p = PostPolicy::new("b").key("exact.txt");
        assert_eq!(p.key_condition().to_json(), r#"{"key": "exact.txt"}"#);
    }
}
