//! Sign then verify: every official suite case is accepted in header and query mode, the
//! suites' own AWS-signed requests are accepted as they are, and proptest mutations of method,
//! path, query, a signed header, body, date, scope or signature are rejected with the right
//! error while unsigned headers may change freely.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use awssig::{
    Credentials, PathNormalization, Payload, Settings, SignableRequest, Signer, Verifier,
    VerifyError, verify::UnsignedPayload,
};
use common::{RawRequest, read, read_str};
use proptest::prelude::*;
use serde_json::Value;

/// `verifier`'s answer for `req`, checked to be the same in one call
/// ([`Verifier::verify_request_at`]) and in its two halves ([`Verifier::authenticate_at`], then
/// [`awssig::verify::Authenticated::verify_payload`]): the one call borrows what the halves
/// hand over, and the first of the two derives the key the second finds cached.
fn both_halves_agree(
    verifier: &Verifier,
    req: &SignableRequest<'_>,
    payload: Payload<'_>,
    now: time::OffsetDateTime,
) -> Result<awssig::verify::Verified, VerifyError> {
    let one_call = verifier.verify_request_at(req, payload, now);
    let halves = verifier
        .authenticate_at(req, now)
        .and_then(|a| a.verify_payload(req, payload));
    assert_eq!(
        one_call, halves,
        "verify_request_at and its two halves disagree"
    );
    one_call
}

/// What an aws-c-auth case's `context.json` asks for, as a signer and a matching verifier.
struct Case {
    name: String,
    signer: Signer,
    verifier: Verifier,
    time: time::OffsetDateTime,
    sign_body: bool,
    expires: u64,
}

fn case(dir: &Path) -> Case {
    let c: Value = serde_json::from_slice(&read(dir, "context.json")).unwrap();
    let cred = &c["credentials"];
    let mut creds = Credentials::new(
        cred["access_key_id"].as_str().unwrap(),
        cred["secret_access_key"].as_str().unwrap(),
    );
    if let Some(t) = cred["token"].as_str() {
        creds = creds.with_session_token(t);
    }
    let mut settings = Settings::default();
    if c["normalize"] == Value::Bool(false) {
        settings = settings.with_path_normalization(PathNormalization::Disabled);
    }
    let sign_body = c["sign_body"] == Value::Bool(true);
    if sign_body {
        settings = settings.with_payload_hash_header(awssig::PayloadHashHeader::Always);
    }
    if c["omit_session_token"] == Value::Bool(true) {
        settings =
            settings.with_session_token_signing(awssig::SessionTokenSigning::AppendedAfterSigning);
    }
    let (region, service) = (
        c["region"].as_str().unwrap(),
        c["service"].as_str().unwrap(),
    );
    Case {
        name: dir.file_name().unwrap().to_string_lossy().into_owned(),
        signer: Signer::new(creds.clone(), region, service).with_settings(settings.clone()),
        verifier: Verifier::new(creds, region, service).with_settings(settings),
        time: common::parse_timestamp(c["timestamp"].as_str().unwrap()),
        sign_body,
        expires: c["expiration_in_seconds"].as_u64().unwrap(),
    }
}

fn aws_c_auth_cases() -> Vec<PathBuf> {
    let root = common::suites().aws_c_auth_v4;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("aws-c-auth v4 suite missing at {}: {e}", root.display()))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("request.txt").is_file())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 38, "the aws-c-auth v4 suite has 38 cases");
    dirs
}

/// Runs `check` on every case and fails once, listing every case that failed.
fn all(cases: Vec<PathBuf>, check: impl Fn(&Path) -> Result<(), String>) {
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|d| check(d).err().map(|e| format!("{}: {e}", d.display())))
        .collect();
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

fn payload<'a>(c: &Case, raw: &'a RawRequest) -> Payload<'a> {
    if c.sign_body {
        Payload::Bytes(&raw.body)
    } else {
        Payload::Bytes(b"")
    }
}

#[test]
fn every_aws_c_auth_case_signed_with_a_header_verifies() {
    all(aws_c_auth_cases(), |dir| {
        let c = case(dir);
        let raw = RawRequest::parse(&read(dir, "request.txt"));
        let req = raw.signable();
        let out = c
            .signer
            .sign_request_at(&req, payload(&c, &raw), c.time)
            .map_err(|e| e.to_string())?;
        let target = match out.query() {
            Some(q) => format!("{}?{q}", req.path()),
            None => raw.target.clone(),
        };
        let mut signed = SignableRequest::new(&raw.method, &target);
        let added: Vec<(&str, &str)> = out.headers().collect();
        for (n, v) in &raw.headers {
            if !added.iter().any(|(a, _)| a.eq_ignore_ascii_case(n)) {
                signed.push_header(n, v.as_bytes());
            }
        }
        for (n, v) in &added {
            signed.push_header(n, v.as_bytes());
        }
        both_halves_agree(&c.verifier, &signed, payload(&c, &raw), c.time)
            .map(|v| assert_eq!(v.access_key_id(), c.signer.credentials().access_key_id()))
            .map_err(|e| format!("{} rejected: {e:?}", c.name))
    });
}

#[test]
fn every_aws_c_auth_case_presigned_verifies() {
    all(aws_c_auth_cases(), |dir| {
        let c = case(dir);
        let raw = RawRequest::parse(&read(dir, "request.txt"));
        let req = raw.signable();
        let expires = Duration::from_secs(c.expires);
        let target = c
            .signer
            .presign_request_at(&req, payload(&c, &raw), expires, c.time)
            .map_err(|e| e.to_string())?;
        let mut signed = SignableRequest::new(&raw.method, &target);
        for (n, v) in &raw.headers {
            signed.push_header(n, v.as_bytes());
        }
        let v = both_halves_agree(&c.verifier, &signed, payload(&c, &raw), c.time)
            .map_err(|e| format!("{} rejected: {e:?}", c.name))?;
        assert!(v.presigned());
        Ok(())
    });
}

/// The suites' signed requests were produced by AWS's own signer: the verifier must accept them
/// without our signer's help.
#[test]
fn every_aws_signed_request_of_the_suite_verifies_as_is() {
    all(aws_c_auth_cases(), |dir| {
        let c = case(dir);
        let raw = RawRequest::parse(&read(dir, "request.txt"));
        for file in ["header-signed-request.txt", "query-signed-request.txt"] {
            let signed_raw = RawRequest::parse(&read(dir, file));
            both_halves_agree(
                &c.verifier,
                &signed_raw.signable(),
                payload(&c, &raw),
                c.time,
            )
            .map_err(|e| format!("{file} rejected: {e:?}"))?;
        }
        Ok(())
    });
}

/// The classic 2015 suite: each request signed then verified, and its AWS-signed `.sreq`
/// verified as it is.
#[test]
fn every_classic_case_verifies() {
    let root = common::suites().classic;
    let mut reqs = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d)
            .unwrap_or_else(|e| panic!("classic suite missing at {}: {e}", d.display()))
            .flatten()
        {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "req") {
                reqs.push(p);
            }
        }
    }
    reqs.sort();
    assert_eq!(reqs.len(), 34, "the classic suite has 34 cases");
    let before = root.join("post-sts-token/post-sts-header-before/post-sts-header-before.req");
    let sts_token = read_str(before.parent().unwrap(), "post-sts-header-before.req")
        .lines()
        .find_map(|l| l.strip_prefix("X-Amz-Security-Token:").map(str::to_string))
        .unwrap();
    all(reqs, |path| {
        let name = path.file_stem().unwrap().to_str().unwrap();
        let dir = path.parent().unwrap();
        let raw = RawRequest::parse(&read(dir, &format!("{name}.req")));
        let mut creds = Credentials::new(common::AKID, common::SECRET);
        let mut settings = Settings::default();
        match name {
            "get-vanilla-with-session-token" => {
                creds = creds.with_session_token(
                    "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
                );
            }
            "post-sts-header-before" => creds = creds.with_session_token(&sts_token),
            "post-sts-header-after" => {
                creds = creds.with_session_token(&sts_token);
                settings = settings
                    .with_session_token_signing(awssig::SessionTokenSigning::AppendedAfterSigning);
            }
            _ => {}
        }
        let signer =
            Signer::new(creds.clone(), "us-east-1", "service").with_settings(settings.clone());
        let verifier = Verifier::new(creds, "us-east-1", "service").with_settings(settings);
        let t = common::suite_time();
        let out = signer
            .sign_request_at(&raw.signable(), Payload::Bytes(&raw.body), t)
            .map_err(|e| e.to_string())?;
        let mut signed = raw.clone();
        for (n, v) in out.headers() {
            signed.headers.retain(|(h, _)| !h.eq_ignore_ascii_case(n));
            signed.headers.push((n.to_string(), v.to_string()));
        }
        if let Some(q) = out.query() {
            signed.target = format!("{}?{q}", raw.signable().path());
        }
        both_halves_agree(&verifier, &signed.signable(), Payload::Bytes(&raw.body), t)
            .map_err(|e| format!("signed then verified: {e:?}"))?;
        // The AWS-signed request, as it is. One `.sreq` (get-vanilla-with-session-token) carries
        // get-vanilla's signature instead of the one in its own `.authz`: it must be rejected,
        // and accepted with the `.authz` value.
        let mut aws = RawRequest::parse(&read(dir, &format!("{name}.sreq")));
        let authz = read_str(dir, &format!("{name}.authz"));
        let sent = aws
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.trim().to_string())
            .unwrap();
        if sent != authz.trim() {
            let e = both_halves_agree(&verifier, &aws.signable(), Payload::Bytes(&raw.body), t)
                .unwrap_err();
            if e != VerifyError::SignatureMismatch {
                return Err(format!(
                    "inconsistent .sreq rejected for the wrong reason: {e:?}"
                ));
            }
            for h in aws
                .headers
                .iter_mut()
                .filter(|(n, _)| n.eq_ignore_ascii_case("authorization"))
            {
                h.1 = authz.trim().to_string();
            }
        }
        both_halves_agree(&verifier, &aws.signable(), Payload::Bytes(&raw.body), t)
            .map_err(|e| format!(".sreq rejected: {e:?}"))?;
        Ok(())
    });
}

// ---- Mutations ------------------------------------------------------------------------------

const HOST: &str = "abc123.execute-api.us-east-1.amazonaws.com";

fn now() -> time::OffsetDateTime {
    common::suite_time()
}

fn creds() -> Credentials {
    Credentials::new(common::AKID, common::SECRET)
}

fn verifier() -> Verifier {
    Verifier::new(creds(), "us-east-1", "execute-api")
        .with_region("eu-west-1")
        .with_unsigned_payload(UnsignedPayload::Rejected)
}

/// A request as sent on the wire.
#[derive(Debug, Clone)]
struct Wire {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Wire {
    fn signable(&self) -> SignableRequest<'_> {
        let mut r = SignableRequest::new(&self.method, &self.target);
        for (n, v) in &self.headers {
            r.push_header(n, v.as_bytes());
        }
        r
    }

    fn verify(&self) -> Result<awssig::verify::Verified, VerifyError> {
        both_halves_agree(
            &verifier(),
            &self.signable(),
            Payload::Bytes(&self.body),
            now(),
        )
    }

    fn header_mut(&mut self, name: &str) -> &mut String {
        &mut self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .unwrap()
            .1
    }
}

fn signed(
    method: &str,
    path: &str,
    query: &[(String, String)],
    headers: &[(String, String)],
    body: &[u8],
) -> Wire {
    let mut target = path.to_string();
    for (k, (key, value)) in query.iter().enumerate() {
        target.push(if k == 0 { '?' } else { '&' });
        target.push_str(&format!("{key}={value}"));
    }
    let mut headers: Vec<(String, String)> = headers.to_vec();
    headers.push(("host".into(), HOST.into()));
    let wire = Wire {
        method: method.into(),
        target,
        headers,
        body: body.to_vec(),
    };
    let out = Signer::new(creds(), "us-east-1", "execute-api")
        .sign_request_at(&wire.signable(), Payload::Bytes(body), now())
        .unwrap();
    let mut wire = wire;
    if let Some(q) = out.query() {
        wire.target = format!("{}?{q}", wire.signable().path());
    }
    for (n, v) in out.headers() {
        wire.headers.push((n.into(), v.into()));
    }
    wire
}

fn segment() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9._~-]{1,8}|%[0-9A-F]{2}[a-z]{0,3}"
}

fn request() -> impl Strategy<Value = Wire> {
    (
        prop::sample::select(vec!["GET", "POST", "PUT", "DELETE", "PATCH"]),
        prop::collection::vec(segment(), 1..4),
        prop::collection::vec(("[a-z]{1,5}", "[a-zA-Z0-9%+ ]{0,6}"), 0..4),
        prop::collection::vec(
            (
                prop::sample::select(vec![
                    "content-type",
                    "x-amz-meta-colour",
                    "x-custom",
                    "accept",
                ]),
                "[ -~]{0,12}",
            ),
            0..4,
        ),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(method, segs, query, headers, body)| {
            let path = format!("/{}", segs.join("/"));
            let query: Vec<(String, String)> = query
                .into_iter()
                .map(|(k, v)| (k, v.replace(' ', "%20")))
                .collect();
            let mut hs: Vec<(String, String)> = Vec::new();
            for (n, v) in headers {
                if !hs.iter().any(|(h, _)| h == n) {
                    hs.push((n.to_string(), v));
                }
            }
            signed(method, &path, &query, &hs, &body)
        })
}

/// Differs from `v` in at least one non-whitespace byte.
fn changed(v: &str) -> String {
    format!("{v}z")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn signed_requests_verify(w in request()) {
        prop_assert!(w.verify().is_ok(), "{:?}", w.verify());
    }

    #[test]
    fn changed_method_is_rejected(w in request()) {
        let mut w = w;
        w.method = if w.method == "GET" { "HEAD".into() } else { "GET".into() };
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::SignatureMismatch);
    }

    #[test]
    fn changed_path_is_rejected(w in request()) {
        let mut w = w;
        let (path, query) = w.target.split_once('?').map_or((w.target.clone(), None), |(p, q)| (p.to_string(), Some(q.to_string())));
        w.target = format!("{path}x{}", query.map(|q| format!("?{q}")).unwrap_or_default());
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::SignatureMismatch);
    }

    #[test]
    fn added_query_parameter_is_rejected(w in request()) {
        let mut w = w;
        w.target.push(if w.target.contains('?') { '&' } else { '?' });
        w.target.push_str("zz=1");
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::SignatureMismatch);
    }

    #[test]
    fn changed_signed_header_is_rejected(w in request(), pick in any::<prop::sample::Index>()) {
        let mut w = w;
        let signable: Vec<String> = w.headers.iter()
            .map(|(n, _)| n.clone())
            .filter(|n| n != "authorization")
            .collect();
        let name = pick.get(&signable).clone();
        let v = changed(w.header_mut(&name));
        *w.header_mut(&name) = v;
        let e = w.verify().unwrap_err();
        // A changed x-amz-date that no longer parses is an invalid date, not a mismatch.
        if name == "x-amz-date" {
            prop_assert!(matches!(e, VerifyError::InvalidDate { .. }), "{e:?}");
        } else {
            prop_assert_eq!(e, VerifyError::SignatureMismatch);
        }
    }

    #[test]
    fn removed_signed_header_is_rejected(w in request(), pick in any::<prop::sample::Index>()) {
        let mut w = w;
        let names: Vec<String> = w.headers.iter().map(|(n, _)| n.clone())
            .filter(|n| !matches!(n.as_str(), "authorization" | "x-amz-date" | "host"))
            .collect();
        prop_assume!(!names.is_empty());
        let name = pick.get(&names).clone();
        w.headers.retain(|(n, _)| *n != name);
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::SignatureMismatch);
    }

    #[test]
    fn changed_body_is_rejected(w in request(), flip in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut w = w;
        if w.body.is_empty() {
            w.body.push(0);
        } else {
            let i = flip.index(w.body.len());
            w.body[i] ^= 1 << bit;
        }
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::SignatureMismatch);
    }

    #[test]
    fn changed_date_is_rejected(w in request(), secs in 1i64..200) {
        let mut w = w;
        let t = now() + time::Duration::seconds(secs);
        *w.header_mut("x-amz-date") = awssig::spec::AmzDate::new(t).unwrap().to_string();
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::SignatureMismatch);
    }

    #[test]
    fn changed_scope_is_rejected(w in request()) {
        let mut w = w;
        let auth = w.header_mut("authorization").clone();
        *w.header_mut("authorization") = auth.replace("/us-east-1/", "/eu-west-1/");
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::SignatureMismatch);
        *w.header_mut("authorization") = auth.replace("/execute-api/", "/lambda/");
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::WrongService { expected: "execute-api".into() });
        *w.header_mut("authorization") = auth.replace("/us-east-1/", "/us-west-2/");
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::WrongRegion { region: "us-west-2".into() });
    }

    #[test]
    fn changed_signature_is_rejected(w in request(), pos in 0usize..64, digit in 0u8..16) {
        let mut w = w;
        let auth = w.header_mut("authorization").clone();
        let (head, sig) = auth.split_at(auth.len() - 64);
        let mut sig = sig.as_bytes().to_vec();
        let new = b"0123456789abcdef"[usize::from(digit)];
        prop_assume!(sig[pos] != new);
        sig[pos] = new;
        *w.header_mut("authorization") = format!("{head}{}", String::from_utf8(sig).unwrap());
        prop_assert_eq!(w.verify().unwrap_err(), VerifyError::SignatureMismatch);
    }

    #[test]
    fn unsigned_headers_may_change_freely(w in request(), ua in "[ -~]{0,20}", xff in "[0-9.]{1,15}") {
        let mut w = w;
        w.headers.push(("user-agent".into(), ua));
        w.headers.push(("x-forwarded-for".into(), xff));
        w.headers.push(("x-amzn-trace-id".into(), "Root=1-abc".into()));
        prop_assert!(w.verify().is_ok(), "{:?}", w.verify());
    }
}

/// A presigner for S3 with a session token, and the verifier that accepts what it makes.
fn presign_pair() -> (Signer, Verifier) {
    let creds = Credentials::new(common::AKID, common::SECRET).with_session_token("tok/en+1");
    (
        Signer::new(creds.clone(), "us-east-1", "s3").with_settings(Settings::s3()),
        Verifier::new(creds, "us-east-1", "s3").with_settings(Settings::s3()),
    )
}

#[test]
fn a_presigned_url_verifies_when_the_request_sends_its_own_date_and_token_headers() {
    let (signer, verifier) = presign_pair();
    let now = common::suite_time();
    for (name, value) in [
        ("x-amz-date", "20150830T123600Z"),
        ("x-amz-security-token", "tok/en+1"),
    ] {
        let mut req = http::Request::get("https://bucket.s3.amazonaws.com/key")
            .header(name, value)
            .body(())
            .unwrap();
        let url = signer
            .presign_at(&req, Duration::from_secs(300), now)
            .unwrap();
        let query = url.query().unwrap().to_string();
        *req.uri_mut() = url;
        assert!(
            query.contains(&format!("X-Amz-SignedHeaders=host%3B{name}")),
            "{name}: {query}"
        );
        verifier
            .verify_at(&req, Payload::Unsigned, now)
            .unwrap_or_else(|e| panic!("{name}: {e:?}"));
    }
}

#[test]
fn header_signing_refuses_a_query_a_verifier_would_read_as_presigned() {
    let signer = Signer::new(
        Credentials::new(common::AKID, common::SECRET),
        "us-east-1",
        "s3",
    );
    for param in [
        "X-Amz-Algorithm=AWS4-HMAC-SHA256",
        "X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request",
        "x-amz-signature=00",
    ] {
        let mut req = http::Request::get(format!("https://bucket.s3.amazonaws.com/key?{param}"))
            .body(())
            .unwrap();
        assert_eq!(
            signer.sign_at(&mut req, common::suite_time()),
            Err(awssig::SignError::AlreadySigned),
            "{param}"
        );
    }
    // Other X-Amz-* parameters are ordinary parameters to a header signature.
    let mut req = http::Request::get("https://bucket.s3.amazonaws.com/key?X-Amz-Expires=5")
        .body(())
        .unwrap();
    signer.sign_at(&mut req, common::suite_time()).unwrap();
}

#[test]
fn signing_refuses_two_host_headers_as_the_verifier_does() {
    let signer = Signer::new(
        Credentials::new(common::AKID, common::SECRET),
        "us-east-1",
        "service",
    );
    let req = SignableRequest::new("GET", "/")
        .header("host", "example.amazonaws.com")
        .header("Host", "example.amazonaws.com");
    assert_eq!(
        signer
            .sign_request_at(&req, Payload::Bytes(b""), common::suite_time())
            .unwrap_err(),
        awssig::SignError::MultipleHostHeaders
    );
}

#[test]
fn a_header_signed_request_may_repeat_an_ordinary_x_amz_expires_parameter() {
    let creds = Credentials::new(common::AKID, common::SECRET);
    let signer = Signer::new(creds.clone(), "us-east-1", "service");
    let verifier = Verifier::new(creds, "us-east-1", "service");
    let mut req =
        http::Request::get("https://example.amazonaws.com/?X-Amz-Expires=1&X-Amz-Expires=2")
            .body(())
            .unwrap();
    signer.sign_at(&mut req, common::suite_time()).unwrap();
    verifier
        .verify_at(&req, Payload::Bytes(b""), common::suite_time())
        .unwrap();
}

/// The query as the README, the reqwest docs and the CLI describe it: `+` is a space, `%XY`
/// escapes are decoded, then each name and value is percent-encoded once (a pre-encoded `%3D`
/// is not encoded again) and a value keeps every `=` after the first; the request goes out with
/// the query it was signed with.
#[test]
fn a_query_is_sent_in_the_form_it_was_signed_in() {
    let creds = awssig::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let signer = awssig::Signer::new(creds, "us-east-1", "execute-api");
    let url = "https://abc.execute-api.us-east-1.amazonaws.com/prod?q=a+b&y=c=d&z=%3D";
    let mut req = http::Request::get(url).body(&b""[..]).unwrap();
    let time = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_764_000_000);
    let explained = signer
        .explain_at(&req, awssig::Payload::Bytes(b""), time)
        .unwrap();
    signer.sign_at(&mut req, time).unwrap();
    assert_eq!(req.uri().query(), Some("q=a%20b&y=c%3Dd&z=%3D"));
    let canonical_query = explained.canonical_request().lines().nth(2).unwrap();
    assert_eq!(canonical_query, "q=a%20b&y=c%3Dd&z=%3D");
}
