//! Proof that `awssig` without `std` signs and verifies: this crate is `#![no_std]` + `alloc`
//! and builds `awssig` with `default-features = false`.
//!
//! It signs the AWS suite's `get-vanilla` request (aws-c-auth's `testdata/aws/aws-c-auth-v4`)
//! from its parts at the suite's time, and verifies it with a [`Verifier`] over the same
//! parts. The tests compare the `Authorization` value with the one in the vendored suite file.
//!
//! `cargo tree -p awssig-no-std-check -e features` shows `awssig` without its `std` feature.

#![no_std]
#![forbid(unsafe_code)]

extern crate alloc;

use alloc::string::String;

use awssig::spec::AmzDate;
use awssig::verify::Verified;
use awssig::{
    Credentials, Payload, SignError, SignableRequest, Signer, SigningTime, Verifier, VerifyError,
};

/// The suite's access key id (its `context.json`).
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The suite's secret access key (its `context.json`).
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
/// The suite's region and service.
pub const REGION: &str = "us-east-1";
/// The suite's signing name.
pub const SERVICE: &str = "service";
/// The suite's host.
pub const HOST: &str = "example.amazonaws.com";

/// The suite's clock, 2015-08-30T12:36:00Z, read from its `X-Amz-Date` (no `std::time`).
pub fn suite_time() -> Option<SigningTime> {
    AmzDate::parse("20150830T123600Z").map(SigningTime::from)
}

fn credentials() -> Credentials {
    Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY)
}

/// Signs `GET /` (no body) on the suite's host at `now` with the suite's credentials, and
/// returns the `Authorization` value.
///
/// # Errors
/// A [`SignError`] if signing fails (it does not for this request).
pub fn sign_get_vanilla(now: SigningTime) -> Result<String, SignError> {
    let signer = Signer::new(credentials(), REGION, SERVICE);
    let req = SignableRequest::new("GET", "/").header("host", HOST);
    let signed = signer.sign_request_at(&req, Payload::Bytes(b""), now)?;
    Ok(String::from(signed.authorization()))
}

/// Verifies `GET /` (no body) on the suite's host, dated `amz_date` and signed with
/// `authorization`, at `now`, against the suite's credentials.
///
/// # Errors
/// The [`VerifyError`] that AWS would answer, such as a signature mismatch.
pub fn verify_get_vanilla(
    authorization: &str,
    amz_date: &str,
    now: SigningTime,
) -> Result<Verified, VerifyError> {
    let verifier = Verifier::new(credentials(), REGION, SERVICE);
    let req = SignableRequest::new("GET", "/")
        .header("host", HOST)
        .header("x-amz-date", amz_date)
        .header("authorization", authorization);
    verifier.verify_request_at(&req, Payload::Bytes(b""), now)
}

#[cfg(test)]
mod tests {
    // The test harness needs std; the library above does not.
    extern crate std;

    use super::*;

    /// The suite's signed request: `GET / HTTP/1.1`, then `Name:value` header lines.
    const SIGNED: &str =
        include_str!("../../testdata/aws/aws-c-auth-v4/get-vanilla/header-signed-request.txt");

    /// The value of header `name` in the suite's signed request.
    fn suite_header(name: &str) -> &'static str {
        SIGNED
            .lines()
            .filter_map(|line| line.split_once(':'))
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .unwrap_or_else(|| panic!("{name} is not in the suite file"))
    }

    fn now() -> SigningTime {
        suite_time().expect("the suite's date parses")
    }

    #[test]
    fn signs_get_vanilla_as_the_suite_does() {
        let authorization = sign_get_vanilla(now()).expect("signs");
        assert_eq!(authorization, suite_header("Authorization"));
    }

    #[test]
    fn verifies_the_suite_signature() {
        let verified = verify_get_vanilla(
            suite_header("Authorization"),
            suite_header("X-Amz-Date"),
            now(),
        )
        .expect("the suite's own signature verifies");
        assert_eq!(verified.access_key_id(), ACCESS_KEY_ID);
    }

    #[test]
    fn refuses_a_changed_signature() {
        let good = suite_header("Authorization");
        // The last hex digit of the signature, changed.
        let last = good.chars().last().expect("not empty");
        let other = if last == '0' { '1' } else { '0' };
        let bad = std::format!("{}{other}", &good[..good.len() - 1]);
        assert_eq!(
            verify_get_vanilla(&bad, suite_header("X-Amz-Date"), now()).unwrap_err(),
            VerifyError::SignatureMismatch
        );
    }

    /// Temporary credentials expire without `std` too: the expiry is a `SigningTime`, and the
    /// verifier compares it with the `now` it is given.
    #[test]
    fn refuses_expired_temporary_credentials() {
        let expiry = AmzDate::parse("20150830T124000Z")
            .map(SigningTime::from)
            .expect("parses");
        let creds = credentials()
            .with_session_token("session-token")
            .with_expiry(expiry);
        let signed = Signer::new(creds.clone(), REGION, SERVICE)
            .sign_request_at(
                &SignableRequest::new("GET", "/").header("host", HOST),
                Payload::Bytes(b""),
                now(),
            )
            .expect("signs");
        let mut req = SignableRequest::new("GET", "/").header("host", HOST);
        for (name, value) in signed.headers() {
            req = req.header(name, value);
        }
        let verifier = Verifier::new(creds, REGION, SERVICE);
        verifier
            .verify_request_at(&req, Payload::Bytes(b""), now())
            .expect("verifies before the expiry");
        let after = AmzDate::parse("20150830T124001Z")
            .map(SigningTime::from)
            .expect("parses");
        assert_eq!(
            verifier
                .verify_request_at(&req, Payload::Bytes(b""), after)
                .unwrap_err(),
            VerifyError::ExpiredToken
        );
    }
}
