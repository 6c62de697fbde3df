//! Signing a POST policy: [`Signer::sign_post_policy_at`] and the [`PostForm`] it yields (the
//! form's action URL and fields, the policy in base64 and its signature among them).
//!
//! The string to sign of a POST policy is the base64 policy itself; the signature is its
//! HMAC-SHA256 under the day's signing key, in hex (S3's "Browser-Based Uploads Using POST").

use crate::prelude::*;

use core::fmt;

use base64::Engine as _;

use crate::sign::key::{Signature, SigningKey};
use crate::spec::{Algorithm, AmzDate};
use crate::{SignError, Signer, SigningTime};

use super::policy::{Condition, PostPolicy};

/// A signed POST policy: the URL a browser form posts to and the fields it must carry, in the
/// order S3 documents (the file field goes last, after them).
///
/// ```
/// use awssig::s3::PostPolicy;
/// use awssig::{Credentials, Settings, Signer};
///
/// let signer = Signer::new(Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
///                          "us-east-1", "s3").with_settings(Settings::s3());
/// let policy = PostPolicy::new("amzn-s3-demo-bucket").key_starts_with("uploads/");
/// let form = signer.sign_post_policy_at(&policy, time::OffsetDateTime::now_utc())?;
/// assert_eq!(form.url(), "https://amzn-s3-demo-bucket.s3.us-east-1.amazonaws.com/");
/// let names: Vec<&str> = form.fields().iter().map(|(n, _)| n.as_str()).collect();
/// assert_eq!(names, ["key", "x-amz-algorithm", "x-amz-credential", "x-amz-date", "policy", "x-amz-signature"]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct PostForm {
    url: String,
    fields: Vec<(String, String)>,
    policy_json: String,
}

impl PostForm {
    /// The form's action: `https://<bucket>.s3.<region>.amazonaws.com/` (the path-style
    /// `https://s3.<region>.amazonaws.com/<bucket>/` for a bucket name with a dot, which a
    /// virtual-hosted HTTPS name cannot carry). A local or S3-compatible endpoint posts to its
    /// own URL instead; the fields are the same.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The form fields, in order: the policy's own fields, `key`, `x-amz-algorithm`,
    /// `x-amz-credential`, `x-amz-date`, `x-amz-security-token` (with temporary credentials),
    /// `policy` and `x-amz-signature`.
    pub fn fields(&self) -> &[(String, String)] {
        &self.fields
    }

    /// The value of the field `name`.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The policy document as signed (before base64), for logs and tests.
    pub fn policy_json(&self) -> &str {
        &self.policy_json
    }
}

impl fmt::Debug for PostForm {
    /// The fields, with the session token shown as `<redacted>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let fields: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(n, v)| {
                let v = if n.eq_ignore_ascii_case("x-amz-security-token") {
                    "<redacted>"
                } else {
                    v.as_str()
                };
                (n.as_str(), v)
            })
            .collect();
        f.debug_struct("PostForm")
            .field("url", &self.url)
            .field("fields", &fields)
            .finish_non_exhaustive()
    }
}

/// `expiration` as S3 and botocore write it: `YYYY-MM-DDTHH:MM:SSZ`.
fn iso8601(t: SigningTime) -> Result<String, SignError> {
    let date = AmzDate::new(t)?;
    let s = date.as_str().as_bytes();
    // `YYYYMMDDTHHMMSSZ` → `YYYY-MM-DDTHH:MM:SSZ`; AmzDate holds ASCII digits only.
    let p = |r: core::ops::Range<usize>| core::str::from_utf8(&s[r]).unwrap_or_default();
    Ok(format!(
        "{}-{}-{}T{}:{}:{}Z",
        p(0..4),
        p(4..6),
        p(6..8),
        p(9..11),
        p(11..13),
        p(13..15)
    ))
}

/// The form's action URL for `bucket` in `region`.
fn action_url(bucket: &str, region: &str) -> String {
    if bucket.contains('.') {
        format!("https://s3.{region}.amazonaws.com/{bucket}/")
    } else {
        format!("https://{bucket}.s3.{region}.amazonaws.com/")
    }
}

impl Signer {
    /// Signs a browser-upload POST policy at `time`: the policy document (with the bucket, key,
    /// algorithm, credential, date and session token conditions added, as botocore's
    /// `generate_presigned_post` adds them), its base64 form and its signature, as the fields of
    /// a [`PostForm`].
    ///
    /// The signer's region and service are the credential scope (`s3`; use
    /// [`Signer::new`] with the bucket's region).
    ///
    /// # Errors
    /// [`SignError`] for an invalid region, service or credentials, a time `X-Amz-Date` cannot
    /// hold or an expiration past year 9999; [`SignError::NotForSigV4a`] from a SigV4a signer.
    pub fn sign_post_policy_at(
        &self,
        policy: &PostPolicy,
        time: impl Into<SigningTime>,
    ) -> Result<PostForm, SignError> {
        self.require_sigv4("a POST policy")?;
        self.validate()?;
        let signed_at = self.corrected(time.into())?;
        let date = AmzDate::new(signed_at)?;
        let expiration = policy
            .expiration(signed_at)
            .ok_or(SignError::TimeOutOfRange)?;
        let expiration = iso8601(expiration)?;

        let creds = self.credentials();
        let credential = format!(
            "{}/{}/{}/{}/aws4_request",
            creds.access_key_id(),
            date.date(),
            self.region(),
            self.service()
        );
        let mut signing = vec![
            eq("x-amz-algorithm", Algorithm::HmacSha256.as_str()),
            eq("x-amz-credential", &credential),
            eq("x-amz-date", date.as_str()),
        ];
        if let Some(token) = creds.session_token() {
            signing.push(eq("x-amz-security-token", token));
        }
        let policy_json = policy.document(&expiration, &signing);
        let policy_b64 = base64::engine::general_purpose::STANDARD.encode(policy_json.as_bytes());

        let (key, _) = self.chain_key(&date);
        let signature = policy_signature(&key, &policy_b64).to_hex();
        let signature = String::from_utf8_lossy(&signature).into_owned();

        let mut fields = policy.fields().to_vec();
        fields.push(("key".into(), policy.key_field()));
        fields.push((
            "x-amz-algorithm".into(),
            Algorithm::HmacSha256.as_str().into(),
        ));
        fields.push(("x-amz-credential".into(), credential));
        fields.push(("x-amz-date".into(), date.as_str().into()));
        if let Some(token) = creds.session_token() {
            fields.push(("x-amz-security-token".into(), token.into()));
        }
        fields.push(("policy".into(), policy_b64));
        fields.push(("x-amz-signature".into(), signature));
        Ok(PostForm {
            url: action_url(policy.bucket(), self.region()),
            fields,
            policy_json,
        })
    }
}

/// The signature of a base64 policy: HMAC-SHA256 under the signing key.
pub(crate) fn policy_signature(key: &SigningKey, policy_b64: &str) -> Signature {
    key.sign(policy_b64.as_bytes())
}

fn eq(field: &str, value: &str) -> Condition {
    Condition::Eq {
        field: field.into(),
        value: value.into(),
    }
}
