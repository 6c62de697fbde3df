//! AWS credentials: an access key id, a secret that is wiped on drop and never printed, and an optional session token.
//!
//! The session token is what temporary credentials (STS, SSO, instance roles) add.

use crate::prelude::*;

use core::fmt;
use core::sync::atomic::{AtomicU64, Ordering};

use zeroize::Zeroizing;

use crate::error::{ProviderError, SignError};
use crate::time::SigningTime;

/// What stands in a printed text where a secret was.
pub(crate) const REDACTED: &str = "<redacted>";

/// AWS credentials used to sign requests.
///
/// The secret access key and the session token are held in [`Zeroizing`] buffers, wiped when
/// dropped, and never shown by `Debug`.
#[derive(Clone)]
pub struct Credentials {
    access_key_id: String,
    secret_access_key: Zeroizing<String>,
    session_token: Option<Zeroizing<String>>,
    /// Names this key id and secret: clones share it, every `new`/`from_env` gets a fresh one,
    /// so a cached signing key is never reused for another secret.
    generation: u64,
    /// Whether these credentials can sign, checked once when they are made (they never change).
    checked: Result<(), SignError>,
    /// When temporary credentials stop working.
    expiry: Option<SigningTime>,
}

/// Hands out [`Credentials::generation`] numbers.
static GENERATIONS: AtomicU64 = AtomicU64::new(0);

fn next_generation() -> u64 {
    // Only uniqueness matters, so no ordering with other memory is needed.
    GENERATIONS.fetch_add(1, Ordering::Relaxed)
}

impl Credentials {
    /// Long-term credentials: an access key id and its secret.
    pub fn new(access_key_id: impl Into<String>, secret_access_key: impl Into<String>) -> Self {
        Self {
            access_key_id: access_key_id.into(),
            secret_access_key: Zeroizing::new(secret_access_key.into()),
            session_token: None,
            generation: next_generation(),
            checked: Ok(()),
            expiry: None,
        }
        .checked()
    }

    /// Marks these credentials as valid until `expiry` (temporary credentials). A
    /// [`CredentialsCache`](crate::provider::CredentialsCache) fetches new ones before then, and never
    /// hands out expired ones, and a [`Verifier`](crate::Verifier) refuses requests signed with
    /// them from then on (`ExpiredToken`). Takes any time a signer takes (a `SystemTime`, an
    /// `OffsetDateTime`), so it works without `std` too.
    ///
    /// ```
    /// use awssig::{Credentials, SigningTime};
    /// let expiry = time::macros::datetime!(2015-08-30 13:36 UTC);
    /// let creds = Credentials::new("AKID", "secret")
    ///     .with_session_token("token")
    ///     .with_expiry(expiry);
    /// assert_eq!(creds.expiry(), Some(SigningTime::from(expiry)));
    /// ```
    #[must_use]
    pub fn with_expiry(mut self, expiry: impl Into<SigningTime>) -> Self {
        self.expiry = Some(expiry.into());
        self
    }

    /// When these credentials expire, if they do.
    pub fn expiry(&self) -> Option<SigningTime> {
        self.expiry
    }

    /// Adds the session token of temporary credentials (STS, SSO, a role). It is sent as
    /// `x-amz-security-token` (or `X-Amz-Security-Token` in a presigned URL).
    #[must_use]
    pub fn with_session_token(mut self, token: impl Into<String>) -> Self {
        self.session_token = Some(Zeroizing::new(token.into()));
        self.checked()
    }

    /// Reads `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, if set, `AWS_SESSION_TOKEN`.
    ///
    /// # Errors
    /// [`ProviderError::MissingEnvVar`] when the key id or the secret is unset or empty.
    #[cfg(feature = "std")]
    #[cfg_attr(docsrs, doc(cfg(feature = "std")))]
    pub fn from_env() -> Result<Self, ProviderError> {
        Self::from_env_with(|name| std::env::var(name).ok())
    }

    /// As [`Credentials::from_env`], reading variables through `lookup` (a map, a config
    /// source, a test fixture).
    ///
    /// ```
    /// use awssig::Credentials;
    /// let creds = Credentials::from_env_with(|name| match name {
    ///     "AWS_ACCESS_KEY_ID" => Some("AKID".into()),
    ///     "AWS_SECRET_ACCESS_KEY" => Some("SECRET".into()),
    ///     _ => None,
    /// })?;
    /// assert_eq!(creds.access_key_id(), "AKID");
    /// assert_eq!(creds.session_token(), None);
    /// # Ok::<(), awssig::ProviderError>(())
    /// ```
    ///
    /// # Errors
    /// [`ProviderError::MissingEnvVar`] when the key id or the secret is unset or empty.
    pub fn from_env_with(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ProviderError> {
        let read = |name: &'static str| lookup(name).filter(|v| !v.is_empty()).map(Zeroizing::new);
        let id = read("AWS_ACCESS_KEY_ID").ok_or(ProviderError::MissingEnvVar {
            name: "AWS_ACCESS_KEY_ID",
        })?;
        let secret = read("AWS_SECRET_ACCESS_KEY").ok_or(ProviderError::MissingEnvVar {
            name: "AWS_SECRET_ACCESS_KEY",
        })?;
        Ok(Self {
            access_key_id: id.to_string(),
            secret_access_key: secret,
            session_token: read("AWS_SESSION_TOKEN"),
            generation: next_generation(),
            checked: Ok(()),
            expiry: None,
        }
        .checked())
    }

    /// The access key id (not a secret).
    pub fn access_key_id(&self) -> &str {
        &self.access_key_id
    }

    /// The session token, if these are temporary credentials.
    pub fn session_token(&self) -> Option<&str> {
        self.session_token.as_deref().map(String::as_str)
    }

    /// Which key id and secret these are, for the signing-key cache: equal for clones, distinct
    /// for credentials made separately (even from the same strings). The session token is not
    /// part of it, as it does not enter the signing key.
    pub(crate) fn generation(&self) -> u64 {
        self.generation
    }

    pub(crate) fn secret_access_key(&self) -> &str {
        &self.secret_access_key
    }

    /// Checks that the key id can be written into a `Credential=` field, the secret is set and
    /// the session token can be sent as a header. Checked once, when the credentials are made.
    pub(crate) fn validate(&self) -> Result<(), SignError> {
        self.checked.clone()
    }

    /// `self` with [`Credentials::validate`]'s answer worked out.
    fn checked(mut self) -> Self {
        self.checked = self.check();
        self
    }

    fn check(&self) -> Result<(), SignError> {
        let id = self.access_key_id.as_bytes();
        if id.is_empty()
            || !id
                .iter()
                .all(|b| b.is_ascii_graphic() && !matches!(b, b'/' | b',' | b'='))
        {
            return Err(SignError::InvalidAccessKeyId);
        }
        if self.secret_access_key.is_empty() {
            return Err(SignError::EmptySecretKey);
        }
        if let Some(t) = self.session_token() {
            crate::request::validate_header("x-amz-security-token", t.as_bytes())?;
            if t.bytes().any(|b| matches!(b, b'\r' | b'\n')) {
                return Err(SignError::InvalidHeaderValue {
                    name: "x-amz-security-token".into(),
                    reason: "the session token contains a line break; check AWS_SESSION_TOKEN",
                });
            }
            // A header value loses surrounding whitespace in transit (and the verifier trims
            // it), so such a token could never be matched: refuse it here, as the bytes above.
            if t.starts_with([' ', '\t']) || t.ends_with([' ', '\t']) {
                return Err(SignError::InvalidHeaderValue {
                    name: "x-amz-security-token".into(),
                    reason: "the session token starts or ends with whitespace; check AWS_SESSION_TOKEN",
                });
            }
        }
        Ok(())
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Credentials");
        d.field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &REDACTED)
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| REDACTED),
            );
        d.field("expiry", &self.expiry);
        d.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_prints_the_secret_or_token() {
        let c = Credentials::new("AKID", "very-secret").with_session_token("tok-secret");
        let shown = format!("{c:?}");
        assert!(shown.contains("AKID"));
        assert!(!shown.contains("very-secret"));
        assert!(!shown.contains("tok-secret"));
    }

    #[test]
    fn key_ids_that_break_the_credential_field_are_rejected() {
        for bad in ["", "AK/ID", "AK ID", "AK,ID"] {
            assert_eq!(
                Credentials::new(bad, "s").validate(),
                Err(SignError::InvalidAccessKeyId)
            );
        }
        assert_eq!(
            Credentials::new("AKID", "").validate(),
            Err(SignError::EmptySecretKey)
        );
        let folded = Credentials::new("AKID", "s").with_session_token("tok\r\n en");
        assert!(matches!(
            folded.validate(),
            Err(SignError::InvalidHeaderValue { .. })
        ));
        assert_eq!(
            Credentials::new("AKID", "s")
                .with_session_token("tok")
                .validate(),
            Ok(())
        );
    }

    /// Found by the sign_request fuzz target: the signer signed `tok ` trimmed while the
    /// verifier compared the trimmed header with the untrimmed token, so it never verified.
    #[test]
    fn session_tokens_with_surrounding_whitespace_are_rejected() {
        for bad in ["tok ", " tok", "tok\t", "\ttok"] {
            let c = Credentials::new("AKID", "s").with_session_token(bad);
            assert!(
                matches!(c.validate(), Err(SignError::InvalidHeaderValue { .. })),
                "{bad:?}"
            );
        }
        let inner = Credentials::new("AKID", "s").with_session_token("t o k");
        assert_eq!(inner.validate(), Ok(()));
    }
}
