//! SigV4a (`AWS4-ECDSA-P256-SHA256`): every case of the aws-c-auth v4a suite in header and
//! query mode, and awssig's signatures against `aws-sigv4`'s (feature `sigv4a`) on generated
//! requests.
//!
//! The suite's signatures are randomized ECDSA, so they are verified, never compared: the
//! suite's own signature must verify over our string to sign with the suite's public key
//! (`public-key.json`), and so must ours. `aws-sigv4` signs with RFC 6979 nonces, as awssig
//! does, so there the signatures are compared byte for byte.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, UNIX_EPOCH};

use awssig::spec::Algorithm;
use awssig::{Credentials, PathNormalization, Payload, Settings, Signer};
use common::{RawRequest, read, read_str};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{DerSignature, VerifyingKey};
use proptest::prelude::*;
use serde_json::Value;

/// The signing parameters of a v4a case (`context.json`); `region` is the region set.
struct Context {
    signer: Signer,
    time: time::OffsetDateTime,
    sign_body: bool,
    expires: u64,
}

fn context(dir: &Path) -> Context {
    let c: Value = serde_json::from_slice(&read(dir, "context.json")).expect("context.json");
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
    Context {
        signer: Signer::new_v4a(
            creds,
            c["region"].as_str().unwrap(),
            c["service"].as_str().unwrap(),
        )
        .with_settings(settings),
        time: common::parse_timestamp(c["timestamp"].as_str().unwrap()),
        sign_body,
        expires: c["expiration_in_seconds"].as_u64().unwrap(),
    }
}

/// The suite's public key (`public-key.json`: `X` and `Y` in hex) in SEC1 form.
fn suite_public_key(dir: &Path) -> [u8; 65] {
    let k: Value = serde_json::from_slice(&read(dir, "public-key.json")).expect("public-key.json");
    let x = hex::decode(k["X"].as_str().unwrap()).unwrap();
    let y = hex::decode(k["Y"].as_str().unwrap()).unwrap();
    let mut sec1 = [0u8; 65];
    sec1[0] = 4;
    sec1[1..33].copy_from_slice(&x);
    sec1[33..].copy_from_slice(&y);
    sec1
}

/// Whether `signature_hex` is a DER ECDSA signature of SHA-256(`message`) by `public_key`,
/// checked with p256 directly (not through awssig).
fn verifies(public_key: &[u8; 65], message: &str, signature_hex: &str) -> bool {
    let key = VerifyingKey::from_sec1_bytes(public_key).expect("a P-256 point");
    let Ok(bytes) = hex::decode(signature_hex) else {
        return false;
    };
    let Ok(sig) = DerSignature::try_from(bytes.as_slice()) else {
        return false;
    };
    key.verify(message.as_bytes(), &sig).is_ok()
}

/// Whether the crypto backend signs deterministically. RustCrypto uses RFC 6979's nonce, as
/// aws-c-auth's suite and aws-sigv4 do, so the same string signs to the same bytes and
/// signatures are compared byte for byte. AWS-LC (features `aws-lc`, `fips`) draws a random
/// nonce for every signature: there, two signatures of one string are each verified with the
/// public key instead (a signature of any other string never verifies).
const DETERMINISTIC: bool = !cfg!(feature = "aws-lc");

/// `ours` and `other` (hex DER) sign `string_to_sign` with `public_key`: the same bytes under
/// a deterministic backend, each verifying under a random-nonce one.
fn assert_same_signature(public_key: &[u8; 65], string_to_sign: &str, ours: &str, other: &str) {
    if DETERMINISTIC {
        assert_eq!(ours, other);
    } else {
        assert!(verifies(public_key, string_to_sign, ours), "ours: {ours}");
        assert!(
            verifies(public_key, string_to_sign, other),
            "other: {other}"
        );
    }
}

/// An `Authorization` value up to its signature, and the signature.
fn split_authorization(value: &str) -> (&str, &str) {
    value.split_once("Signature=").expect("a Signature= part")
}

/// Checks the canonical request and string to sign byte for byte, then that the suite's
/// signature and ours verify over that string to sign with the suite's public key, and that
/// the key awssig derives is the suite's.
fn assert_stages(ex: &awssig::Explanation, signer: &Signer, dir: &Path, mode: &str) {
    let file = |stage: &str| read_str(dir, &format!("{mode}-{stage}.txt"));
    assert_eq!(
        ex.canonical_request(),
        file("canonical-request"),
        "canonical request"
    );
    assert_eq!(
        ex.string_to_sign(),
        file("string-to-sign"),
        "string to sign"
    );
    let public_key = suite_public_key(dir);
    assert_eq!(
        signer.public_key(),
        Some(public_key),
        "the derived key is the suite's"
    );
    let suite_signature = file("signature");
    assert!(
        verifies(&public_key, ex.string_to_sign(), suite_signature.trim()),
        "the suite's signature verifies over our string to sign"
    );
    assert!(
        verifies(&public_key, ex.string_to_sign(), ex.signature()),
        "our signature verifies with the suite's public key"
    );
    // A tampered string to sign does not verify: the check above checks something.
    let tampered = ex.string_to_sign().replacen("2015", "2016", 1);
    assert!(!verifies(&public_key, &tampered, ex.signature()));
}

/// A verifier for a case's service in its region, with its rules.
fn suite_verifier(ctx: &Context) -> awssig::Verifier {
    awssig::Verifier::new(
        ctx.signer.credentials().clone(),
        "us-east-1",
        ctx.signer.service(),
    )
    .with_settings(ctx.signer.settings().clone())
}

/// Header lines as a set of (lowercase name, value), the `authorization` value cut before its
/// signature (randomized in the suite).
fn header_set(raw: &RawRequest) -> BTreeSet<(String, String)> {
    raw.headers
        .iter()
        .map(|(n, v)| {
            let n = n.to_ascii_lowercase();
            let v = v.trim();
            let v = match (n.as_str(), v.split_once("Signature=")) {
                ("authorization", Some((head, _))) => head,
                _ => v,
            };
            (n, v.to_string())
        })
        .collect()
}

/// The value of `name` in `raw`'s headers.
fn header<'a>(raw: &'a RawRequest, name: &str) -> &'a str {
    raw.headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
        .unwrap_or_else(|| panic!("no {name} header"))
}

/// The query parameters of a target, percent-decoded, but `X-Amz-Signature`.
fn query_set(target: &str) -> BTreeSet<String> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    target
        .split_once('?')
        .map(|(_, q)| {
            q.split('&')
                .filter(|p| !p.starts_with("X-Amz-Signature="))
                .map(decode)
                .collect()
        })
        .unwrap_or_default()
}

/// The `X-Amz-Signature` of a target.
fn query_signature(target: &str) -> &str {
    target
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("X-Amz-Signature="))
        .expect("X-Amz-Signature")
}

fn header_case(case: &str) {
    let dir = common::suites().aws_c_auth_v4a.join(case);
    let ctx = context(&dir);
    let raw = RawRequest::parse(&read(&dir, "request.txt"));
    let req = raw.signable();
    let payload = if ctx.sign_body {
        Payload::Bytes(&raw.body)
    } else {
        Payload::Bytes(b"")
    };
    let ex = ctx
        .signer
        .explain_request_at(&req, payload, ctx.time)
        .unwrap();
    assert_stages(&ex, &ctx.signer, &dir, "header");

    // The suite's own signed request carries another valid signature of the same string.
    let expected = RawRequest::parse(&read(&dir, "header-signed-request.txt"));
    let suite_auth = header(&expected, "authorization");
    let (_, suite_sig) = suite_auth.split_once("Signature=").unwrap();
    assert!(verifies(
        &suite_public_key(&dir),
        ex.string_to_sign(),
        suite_sig.trim()
    ));

    // awssig's verifier accepts the suite's signed request (aws-c-auth's own signature).
    let verified = suite_verifier(&ctx)
        .verify_request_at(&expected.signable(), payload, ctx.time)
        .unwrap_or_else(|e| panic!("the suite's signed request is refused: {e}"));
    assert_eq!(verified.algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!(verified.region_set(), Some("us-east-1"));

    // The fast path signs the same bytes (RFC 6979: deterministic), and puts the suite's
    // headers on the request.
    let key = suite_public_key(&dir);
    let sts = ex.string_to_sign();
    let out = ctx.signer.sign_request_at(&req, payload, ctx.time).unwrap();
    assert_same_signature(&key, sts, &out.signature().to_string(), ex.signature());
    assert_eq!(out.signature().algorithm(), Algorithm::EcdsaP256Sha256);
    let (head, sig) = split_authorization(out.authorization());
    let (ex_head, ex_sig) = split_authorization(ex.authorization().unwrap());
    assert_eq!(head, ex_head);
    assert_same_signature(&key, sts, sig, ex_sig);
    let mut buf = [0u8; 512];
    if let Ok(written) = ctx.signer.sign_into(&req, payload, ctx.time, &mut buf) {
        let written_auth = std::str::from_utf8(&buf[..written.len()]).unwrap();
        let (written_head, written_sig) = split_authorization(written_auth);
        assert_eq!(written_head, head);
        assert_same_signature(&key, sts, written_sig, sig);
        assert_eq!(written.region_set(), out.region_set());
    }
    let mut signed = raw.clone();
    for (name, value) in out.headers() {
        signed
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        signed.headers.push((name.to_string(), value.to_string()));
    }
    assert_eq!(
        header_set(&signed),
        header_set(&expected),
        "signed request headers"
    );

    // The http::Request layer signs the same bytes.
    if let Some(mut http_req) = raw.to_http() {
        if ctx.sign_body {
            ctx.signer.sign_at(&mut http_req, ctx.time).unwrap();
        } else {
            ctx.signer
                .sign_payload_at(&mut http_req, Payload::Bytes(b""), ctx.time)
                .unwrap();
        }
        let auth = http_req.headers()["authorization"].to_str().unwrap();
        let (http_head, http_sig) = split_authorization(auth);
        assert_eq!(http_head, head);
        assert_same_signature(&key, sts, http_sig, ex.signature());
        assert_eq!(
            http_req.headers()["x-amz-region-set"],
            header(&expected, "x-amz-region-set")
        );
    }
}

fn query_case(case: &str) {
    let dir = common::suites().aws_c_auth_v4a.join(case);
    let ctx = context(&dir);
    let raw = RawRequest::parse(&read(&dir, "request.txt"));
    let req = raw.signable();
    let payload = if ctx.sign_body {
        Payload::Bytes(&raw.body)
    } else {
        Payload::Bytes(b"")
    };
    let expires = Duration::from_secs(ctx.expires);
    let ex = ctx
        .signer
        .explain_presign_request_at(&req, payload, expires, ctx.time)
        .unwrap();
    assert_stages(&ex, &ctx.signer, &dir, "query");

    let target = ctx
        .signer
        .presign_request_at(&req, payload, expires, ctx.time)
        .unwrap();
    assert_same_signature(
        &suite_public_key(&dir),
        ex.string_to_sign(),
        query_signature(&target),
        ex.signature(),
    );
    let expected = RawRequest::parse(&read(&dir, "query-signed-request.txt"));
    assert!(verifies(
        &suite_public_key(&dir),
        ex.string_to_sign(),
        query_signature(&expected.target)
    ));
    assert_eq!(
        query_set(&target),
        query_set(&expected.target),
        "presigned query parameters"
    );
    // awssig's verifier accepts the suite's presigned request (aws-c-auth's own signature).
    let verified = suite_verifier(&ctx)
        .verify_request_at(&expected.signable(), payload, ctx.time)
        .unwrap_or_else(|e| panic!("the suite's presigned request is refused: {e}"));
    assert!(verified.presigned());
    assert_eq!(verified.algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!(
        target.split('?').next(),
        expected.target.split('?').next(),
        "presigned path"
    );
}

/// The two cases with inputs only (no expected files, no public key): they sign in both modes,
/// the fast and readable paths agree, and the signatures verify with the key of the
/// credentials, which is get-vanilla's (same credentials). Not counted as suite passes.
fn inputs_only_case(case: &str) {
    let root = common::suites().aws_c_auth_v4a;
    let dir = root.join(case);
    assert!(
        !dir.join("header-canonical-request.txt").exists(),
        "{case} now has expected files: list it with the complete cases"
    );
    let ctx = context(&dir);
    let raw = RawRequest::parse(&read(&dir, "request.txt"));
    let req = raw.signable();
    let key = suite_public_key(&root.join("get-vanilla"));
    let ex = ctx
        .signer
        .explain_request_at(&req, Payload::Bytes(b""), ctx.time)
        .unwrap();
    assert!(verifies(&key, ex.string_to_sign(), ex.signature()));
    let out = ctx
        .signer
        .sign_request_at(&req, Payload::Bytes(b""), ctx.time)
        .unwrap();
    assert_same_signature(
        &key,
        ex.string_to_sign(),
        &out.signature().to_string(),
        ex.signature(),
    );
    let expires = Duration::from_secs(ctx.expires);
    let ex = ctx
        .signer
        .explain_presign_request_at(&req, Payload::Bytes(b""), expires, ctx.time)
        .unwrap();
    assert!(verifies(&key, ex.string_to_sign(), ex.signature()));
}

macro_rules! aws_c_auth_v4a {
    (complete { $($name:ident => $dir:literal,)+ } inputs_only { $($iname:ident => $idir:literal,)+ }) => {
        /// aws-c-auth v4a cases, `Authorization` header signing.
        mod aws_c_auth_v4a_header { $( #[test] fn $name() { super::header_case($dir) } )+ }
        /// aws-c-auth v4a cases, presigned (query) signing.
        mod aws_c_auth_v4a_query { $( #[test] fn $name() { super::query_case($dir) } )+ }
        /// aws-c-auth v4a cases that have inputs only.
        mod aws_c_auth_v4a_inputs_only { $( #[test] fn $iname() { super::inputs_only_case($idir) } )+ }

        /// Every case folder of the suite has a test above: a new case cannot go unnoticed.
        #[test]
        fn aws_c_auth_v4a_every_case_is_listed() {
            let listed: BTreeSet<&str> = [$($dir,)+ $($idir,)+].into_iter().collect();
            let dir = common::suites().aws_c_auth_v4a;
            let found: BTreeSet<String> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("aws-c-auth v4a suite missing at {}: {e}", dir.display()))
                .flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();
            assert_eq!(found, listed);
            assert_eq!([$($dir,)+].len(), 38);
        }
    };
}

aws_c_auth_v4a! {
    complete {
    get_header_key_duplicate => "get-header-key-duplicate",
    get_header_value_multiline => "get-header-value-multiline",
    get_header_value_order => "get-header-value-order",
    get_header_value_trim => "get-header-value-trim",
    get_relative_normalized => "get-relative-normalized",
    get_relative_relative_normalized => "get-relative-relative-normalized",
    get_relative_relative_unnormalized => "get-relative-relative-unnormalized",
    get_relative_unnormalized => "get-relative-unnormalized",
    get_slash_dot_slash_normalized => "get-slash-dot-slash-normalized",
    get_slash_dot_slash_unnormalized => "get-slash-dot-slash-unnormalized",
    get_slash_normalized => "get-slash-normalized",
    get_slash_pointless_dot_normalized => "get-slash-pointless-dot-normalized",
    get_slash_pointless_dot_unnormalized => "get-slash-pointless-dot-unnormalized",
    get_slash_unnormalized => "get-slash-unnormalized",
    get_slashes_normalized => "get-slashes-normalized",
    get_slashes_unnormalized => "get-slashes-unnormalized",
    get_space_normalized => "get-space-normalized",
    get_space_unnormalized => "get-space-unnormalized",
    get_unreserved => "get-unreserved",
    get_utf8 => "get-utf8",
    get_vanilla => "get-vanilla",
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key",
    get_vanilla_query => "get-vanilla-query",
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
    get_vanilla_utf8_query => "get-vanilla-utf8-query",
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
    post_header_key_case => "post-header-key-case",
    post_header_key_sort => "post-header-key-sort",
    post_header_value_case => "post-header-value-case",
    post_sts_header_after => "post-sts-header-after",
    post_sts_header_before => "post-sts-header-before",
    post_vanilla => "post-vanilla",
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
    post_vanilla_query => "post-vanilla-query",
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
    }
    inputs_only {
    get_vanilla_query_order_key => "get-vanilla-query-order-key",
    get_vanilla_query_order_value => "get-vanilla-query-order-value",
    }
}

// ---- awssig against aws-sigv4 (feature `sigv4a`) ---------------------------------------------

/// One generated request and how to sign it.
#[derive(Debug, Clone)]
struct Generated {
    akid: String,
    secret: String,
    token: Option<String>,
    region_set: &'static str,
    service: &'static str,
    /// Seconds since the epoch.
    time: u64,
    method: &'static str,
    path: String,
    query: Vec<(String, String)>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    /// S3's rules (single encoding, no normalisation, `x-amz-content-sha256`) or the default.
    s3: bool,
    /// `None`: header signing; `Some(seconds)`: presigned.
    presign: Option<u64>,
}

impl Generated {
    fn target(&self) -> String {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        if self.query.is_empty() {
            format!("https://example.amazonaws.com{path}")
        } else {
            let q: Vec<String> = self.query.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("https://example.amazonaws.com{path}?{}", q.join("&"))
        }
    }

    fn credentials(&self) -> Credentials {
        let c = Credentials::new(&self.akid, &self.secret);
        match &self.token {
            Some(t) => c.with_session_token(t),
            None => c,
        }
    }

    /// awssig's signature.
    fn awssig(&self) -> String {
        let settings = if self.s3 {
            Settings::s3()
        } else {
            Settings::default()
        };
        let signer = Signer::new_v4a(self.credentials(), self.region_set, self.service)
            .with_settings(settings);
        let target = self.target();
        let mut req = awssig::SignableRequest::new(self.method, &target);
        for (n, v) in &self.headers {
            req.push_header(n, v.as_bytes());
        }
        let time = UNIX_EPOCH + Duration::from_secs(self.time);
        let payload = Payload::Bytes(&self.body);
        match self.presign {
            None => signer
                .sign_request_at(&req, payload, time)
                .unwrap()
                .signature()
                .to_string(),
            Some(s) => {
                let url = signer
                    .presign_request_at(&req, payload, Duration::from_secs(s), time)
                    .unwrap();
                query_signature(&url).to_string()
            }
        }
    }

    /// The string to sign awssig explains for this request, and the public key it derives.
    fn awssig_string_to_sign(&self) -> (String, [u8; 65]) {
        let settings = if self.s3 {
            Settings::s3()
        } else {
            Settings::default()
        };
        let signer = Signer::new_v4a(self.credentials(), self.region_set, self.service)
            .with_settings(settings);
        let target = self.target();
        let mut req = awssig::SignableRequest::new(self.method, &target);
        for (n, v) in &self.headers {
            req.push_header(n, v.as_bytes());
        }
        let time = UNIX_EPOCH + Duration::from_secs(self.time);
        let payload = Payload::Bytes(&self.body);
        let ex = match self.presign {
            None => signer.explain_request_at(&req, payload, time),
            Some(s) => {
                signer.explain_presign_request_at(&req, payload, Duration::from_secs(s), time)
            }
        }
        .unwrap();
        let key = signer
            .public_key()
            .expect("a SigV4a signer has a public key");
        (ex.string_to_sign().to_string(), key)
    }

    /// aws-sigv4's signature, signed as the AWS SDK signs.
    fn aws_sigv4(&self) -> String {
        use aws_sigv4::http_request::{
            PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
            SignatureLocation, SigningSettings, UriPathNormalizationMode, sign,
        };
        let identity = aws_credential_types::Credentials::new(
            &self.akid,
            &self.secret,
            self.token.clone(),
            None,
            "test",
        )
        .into();
        let mut settings = SigningSettings::default();
        if self.s3 {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        if let Some(s) = self.presign {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(s));
        }
        let params = aws_sigv4::sign::v4a::SigningParams::builder()
            .identity(&identity)
            .region_set(self.region_set)
            .name(self.service)
            .time(UNIX_EPOCH + Duration::from_secs(self.time))
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let target = self.target();
        let headers = self.headers.iter().map(|(n, v)| (n.as_str(), v.as_str()));
        let req = SignableRequest::new(
            self.method,
            target,
            headers,
            SignableBody::Bytes(&self.body),
        )
        .unwrap();
        let (_, signature) = sign(req, &params).unwrap().into_parts();
        signature
    }
}

/// `path` with its `.` and `..` segments renamed. Normalising a path that ends in one
/// (`/a/.`) is where the SigV4 signers disagree: RFC 3986 (aws-sigv4) keeps a trailing slash
/// (`/a/`), aws-c-auth and botocore, which awssig follows, do not (`/a`). That is SigV4's
/// canonical path, not SigV4a; `tests/it/suite.rs` pins awssig to aws-c-auth's suite there.
fn without_dot_segments(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if !s.is_empty() && s.bytes().all(|b| b == b'.') {
                "d"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

fn generated() -> impl Strategy<Value = Generated> {
    let names = (
        "[A-Z0-9]{16,20}",
        "[A-Za-z0-9/+]{40}",
        proptest::option::of("[A-Za-z0-9/+=]{16,64}"),
        prop::sample::select(vec![
            "*",
            "us-east-1",
            "us-east-1,us-west-2",
            "eu-west-1,ap-southeast-2,us-east-2",
        ]),
        prop::sample::select(vec!["service", "execute-api", "kvs"]),
        // 2001 to 2099.
        978_307_200u64..4_102_444_800,
    );
    let request = (
        prop::sample::select(vec!["GET", "PUT", "POST", "DELETE", "HEAD"]),
        "(/[a-zA-Z0-9._~-]{0,8}){0,4}",
        prop::collection::vec(("[a-zA-Z0-9._~-]{1,8}", "[a-zA-Z0-9._~-]{0,8}"), 0..4),
        prop::collection::vec(("x-[a-z]{1,8}", "[!-~]([ !-~]{0,14}[!-~])?"), 0..4),
        prop::collection::vec(any::<u8>(), 0..64),
        any::<bool>(),
        proptest::option::of(1u64..=604_800),
    );
    (names, request).prop_map(
        |(
            (akid, secret, token, region_set, service, time),
            (method, path, query, headers, body, s3, presign),
        )| Generated {
            akid,
            secret,
            token,
            region_set,
            // S3's rules go with S3 (whose verifier requires x-amz-content-sha256).
            service: if s3 { "s3" } else { service },
            time,
            method,
            path: if s3 {
                path
            } else {
                without_dot_segments(&path)
            },
            query,
            headers,
            body,
            s3,
            presign,
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(320))]

    /// Both sign with RFC 6979 nonces over the same derived key, so the DER bytes are equal,
    /// for header signing and presigning, with and without a session token, under S3's rules
    /// and the default ones.
    ///
    /// Under a random-nonce backend (AWS-LC) both signatures are verified instead, over the
    /// string to sign awssig explains, with the public key awssig derives: aws-sigv4's
    /// verifying proves it signed the same string with the same key.
    #[test]
    fn signatures_equal_aws_sigv4s_byte_for_byte(g in generated()) {
        if DETERMINISTIC {
            prop_assert_eq!(g.awssig(), g.aws_sigv4(), "{:?}", g);
        } else {
            let (string_to_sign, public_key) = g.awssig_string_to_sign();
            prop_assert!(verifies(&public_key, &string_to_sign, &g.awssig()), "{:?}", g);
            prop_assert!(verifies(&public_key, &string_to_sign, &g.aws_sigv4()), "{:?}", g);
        }
    }
}

// ---- Verifier: aws-sigv4's SigV4a requests, and every mutation refused -------------------------

impl Generated {
    /// The request as an `http::Request`, signed (or presigned) by aws-sigv4 as the AWS SDK
    /// signs it. A presigned S3 URL signs `UNSIGNED-PAYLOAD`, as S3 (and awssig's verifier
    /// under `Settings::s3()`) takes it.
    fn aws_signed(&self) -> http::Request<Vec<u8>> {
        use aws_sigv4::http_request::{
            PayloadChecksumKind, PercentEncodingMode, SignableBody, SignableRequest,
            SignatureLocation, SigningSettings, UriPathNormalizationMode, sign,
        };
        let identity = aws_credential_types::Credentials::new(
            &self.akid,
            &self.secret,
            self.token.clone(),
            None,
            "test",
        )
        .into();
        let mut settings = SigningSettings::default();
        if self.s3 {
            settings.percent_encoding_mode = PercentEncodingMode::Single;
            settings.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        if let Some(s) = self.presign {
            settings.signature_location = SignatureLocation::QueryParams;
            settings.expires_in = Some(Duration::from_secs(s));
        }
        let params = aws_sigv4::sign::v4a::SigningParams::builder()
            .identity(&identity)
            .region_set(self.region_set)
            .name(self.service)
            .time(UNIX_EPOCH + Duration::from_secs(self.time))
            .settings(settings)
            .build()
            .unwrap()
            .into();
        let mut req = http::Request::builder()
            .method(self.method)
            .uri(self.target());
        for (n, v) in &self.headers {
            req = req.header(n.as_str(), v.as_str());
        }
        let mut req = req.body(self.body.clone()).unwrap();
        let body = if self.presign.is_some() && self.s3 {
            SignableBody::UnsignedPayload
        } else {
            SignableBody::Bytes(&self.body)
        };
        let instructions = {
            let headers = req
                .headers()
                .iter()
                .map(|(k, v)| (k.as_str(), v.to_str().unwrap()));
            let signable =
                SignableRequest::new(self.method, req.uri().to_string(), headers, body).unwrap();
            sign(signable, &params).unwrap().into_parts().0
        };
        instructions.apply_to_request_http1x(&mut req);
        req
    }

    /// A verifier for this request's service in `region`, with its rules.
    fn verifier(&self, region: &str) -> awssig::Verifier {
        let settings = if self.s3 {
            Settings::s3()
        } else {
            Settings::default()
        };
        awssig::Verifier::new(self.credentials(), region, self.service).with_settings(settings)
    }

    /// A region the request's region set includes.
    fn included_region(&self) -> &'static str {
        match self.region_set {
            "*" => "ap-northeast-3",
            set if set.starts_with("eu-west-1") => "us-east-2",
            _ => "us-east-1",
        }
    }

    fn now(&self) -> std::time::SystemTime {
        UNIX_EPOCH + Duration::from_secs(self.time + 1)
    }
}

/// One change to a signed request.
#[derive(Debug, Clone, Copy)]
enum Mutation {
    Method,
    Path,
    AddQuery,
    QueryValue,
    Header,
    AddSignedHeaderValue,
    Body,
    Date,
    RegionSet,
    SignatureByte(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        Just(Mutation::Method),
        Just(Mutation::Path),
        Just(Mutation::AddQuery),
        Just(Mutation::QueryValue),
        Just(Mutation::Header),
        Just(Mutation::AddSignedHeaderValue),
        Just(Mutation::Body),
        Just(Mutation::Date),
        Just(Mutation::RegionSet),
        (0usize..144).prop_map(Mutation::SignatureByte),
    ]
}

/// Changes one hex digit of the last `Signature=` / `X-Amz-Signature=` value at `at` (modulo
/// its length) to another hex digit.
fn flip_hex(value: &str, marker: &str, at: usize) -> String {
    let start = value.rfind(marker).unwrap() + marker.len();
    let end = value[start..].find('&').map_or(value.len(), |i| start + i);
    let i = start + at % (end - start);
    let mut bytes = value.as_bytes().to_vec();
    bytes[i] = if bytes[i] == b'0' { b'1' } else { b'0' };
    String::from_utf8(bytes).unwrap()
}

/// Replaces the query parameter `name`'s value (raw) in `uri`.
fn set_param(uri: &str, name: &str, value: &str) -> String {
    let (base, query) = uri.split_once('?').unwrap();
    let q: Vec<String> = query
        .split('&')
        .map(|p| match p.split_once('=') {
            Some((k, _)) if k == name => format!("{k}={value}"),
            _ => p.to_string(),
        })
        .collect();
    format!("{base}?{}", q.join("&"))
}

/// `req` with `m` applied, or `None` when `m` does not apply to it (a body change on a request
/// whose body is not signed).
fn mutated(
    g: &Generated,
    req: &http::Request<Vec<u8>>,
    m: Mutation,
) -> Option<http::Request<Vec<u8>>> {
    let mut r = req.clone();
    let uri = r.uri().to_string();
    let presigned = g.presign.is_some();
    match m {
        Mutation::Method => {
            *r.method_mut() = if r.method() == http::Method::PATCH {
                http::Method::GET
            } else {
                http::Method::PATCH
            };
        }
        Mutation::Path => {
            let (base, query) = uri
                .split_once('?')
                .map_or((uri.as_str(), None), |(b, q)| (b, Some(q)));
            let changed = match query {
                Some(q) => format!("{base}x?{q}"),
                None => format!("{base}x"),
            };
            *r.uri_mut() = changed.parse().unwrap();
        }
        Mutation::AddQuery => {
            let sep = if uri.contains('?') { '&' } else { '?' };
            *r.uri_mut() = format!("{uri}{sep}added=1").parse().unwrap();
        }
        Mutation::QueryValue => {
            // A presigned URL always has parameters: change the first one's value.
            let (base, query) = uri.split_once('?')?;
            let mut params: Vec<String> = query.split('&').map(str::to_string).collect();
            let first = &mut params[0];
            first.push('z');
            *r.uri_mut() = format!("{base}?{}", params.join("&")).parse().unwrap();
        }
        Mutation::Header => {
            // Header signing: a signed header's value; presigned: host, always signed.
            let name = if presigned {
                "host".to_string()
            } else {
                g.headers
                    .first()
                    .map_or("x-amz-date".to_string(), |(n, _)| n.clone())
            };
            let value = r
                .headers()
                .get(&name)
                .map(|v| v.to_str().unwrap().to_string())
                .unwrap_or_else(|| "example.amazonaws.com".to_string());
            r.headers_mut().insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                format!("{value}9").parse().unwrap(),
            );
        }
        Mutation::AddSignedHeaderValue => {
            // A second value of a signed header (`host` is signed in both modes).
            r.headers_mut()
                .append("host", "other.example".parse().unwrap());
        }
        Mutation::Body => {
            if presigned && g.s3 {
                return None;
            }
            r.body_mut().push(b'!');
        }
        Mutation::Date => {
            let next = time::OffsetDateTime::from_unix_timestamp(g.time as i64 + 1).unwrap();
            let next = next
                .format(time::macros::format_description!(
                    "[year][month][day]T[hour][minute][second]Z"
                ))
                .unwrap();
            if presigned {
                *r.uri_mut() = set_param(&uri, "X-Amz-Date", &next).parse().unwrap();
            } else {
                r.headers_mut().insert("x-amz-date", next.parse().unwrap());
            }
        }
        Mutation::RegionSet => {
            // Another set that still includes the verifier's region.
            let other = if g.region_set == "*" {
                g.included_region()
            } else {
                "*"
            };
            if presigned {
                *r.uri_mut() = set_param(
                    &uri,
                    "X-Amz-Region-Set",
                    &percent_encoding::utf8_percent_encode(
                        other,
                        percent_encoding::NON_ALPHANUMERIC,
                    )
                    .to_string(),
                )
                .parse()
                .unwrap();
            } else {
                r.headers_mut()
                    .insert("x-amz-region-set", other.parse().unwrap());
            }
        }
        Mutation::SignatureByte(at) => {
            if presigned {
                *r.uri_mut() = flip_hex(&uri, "X-Amz-Signature=", at).parse().unwrap();
            } else {
                let auth = r.headers()["authorization"].to_str().unwrap().to_string();
                r.headers_mut().insert(
                    "authorization",
                    flip_hex(&auth, "Signature=", at).parse().unwrap(),
                );
            }
        }
    }
    Some(r)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(160))]

    /// awssig's verifier accepts aws-sigv4's SigV4a requests, header-signed and presigned,
    /// says they are SigV4a with their region set, and refuses each of them changed in any
    /// one way: method, path, query, a signed header, the body, the date, the region set or a
    /// digit of the signature.
    #[test]
    fn the_verifier_accepts_aws_sigv4s_requests_and_refuses_every_mutation(
        g in generated(),
        m in mutation(),
    ) {
        let req = g.aws_signed();
        let verifier = g.verifier(g.included_region());
        let verified = verifier.verify_at(&req, Payload::Bytes(&g.body), g.now());
        let verified = match verified {
            Ok(v) => v,
            Err(e) => return Err(TestCaseError::fail(format!("{e} ({:?}) for {g:?}\n{req:?}", e.aws_code()))),
        };
        prop_assert_eq!(verified.algorithm(), Algorithm::EcdsaP256Sha256);
        prop_assert_eq!(verified.region_set(), Some(g.region_set));
        prop_assert_eq!(verified.presigned(), g.presign.is_some());
        prop_assert_eq!(verified.access_key_id(), g.akid.as_str());
        if let Some(bad) = mutated(&g, &req, m) {
            let body = if matches!(m, Mutation::Body) { bad.body().clone() } else { g.body.clone() };
            let refused = verifier.verify_at(&bad, Payload::Bytes(&body), g.now());
            prop_assert!(refused.is_err(), "{:?} accepted: {:?}", m, bad);
        }
    }
}

#[test]
fn a_region_set_without_the_servers_region_is_refused() {
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let now = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    for (set, server, accepted) in [
        ("us-east-1,us-west-2", "us-west-2", true),
        ("*", "eu-central-1", true),
        ("us-*", "us-east-2", true),
        ("us-east-1,us-west-2", "eu-west-1", false),
        ("us-*", "eu-west-1", false),
        ("us-east-1", "us-east-12", false),
    ] {
        let signer = Signer::new_v4a(creds.clone(), set, "service");
        let verifier = awssig::Verifier::new(creds.clone(), server, "service");
        let mut req = http::Request::get("https://example.amazonaws.com/")
            .body(())
            .unwrap();
        signer
            .sign_payload_at(&mut req, Payload::Bytes(b""), now)
            .unwrap();
        let header = verifier.verify_at(&req, Payload::Bytes(b""), now);
        let uri = signer
            .presign_payload_at(
                &http::Request::get("https://example.amazonaws.com/")
                    .body(())
                    .unwrap(),
                Payload::Bytes(b""),
                Duration::from_secs(60),
                now,
            )
            .unwrap();
        let presigned = http::Request::get(uri).body(()).unwrap();
        let query = verifier.verify_at(&presigned, Payload::Bytes(b""), now);
        for result in [header, query] {
            if accepted {
                assert_eq!(result.unwrap().region_set(), Some(set), "{set} {server}");
            } else {
                let e = result.unwrap_err();
                assert!(
                    matches!(e, awssig::VerifyError::WrongRegion { ref region } if region == set),
                    "{set} {server}: {e}"
                );
                assert_eq!(
                    e.aws_message(),
                    format!("Credential should be scoped to a valid region, not '{set}'. ")
                );
            }
        }
    }
}

#[test]
fn a_sigv4a_header_signature_without_its_region_set_header_is_refused() {
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let now = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let mut req = http::Request::get("https://example.amazonaws.com/")
        .body(())
        .unwrap();
    Signer::new_v4a(creds.clone(), "*", "service")
        .sign_payload_at(&mut req, Payload::Bytes(b""), now)
        .unwrap();
    req.headers_mut().remove("x-amz-region-set");
    let e = awssig::Verifier::new(creds, "us-east-1", "service")
        .verify_at(&req, Payload::Bytes(b""), now)
        .unwrap_err();
    assert_eq!(e, awssig::VerifyError::MissingRegionSet);
    assert_eq!(e.aws_code(), "IncompleteSignatureException");
}

#[test]
fn a_cached_sigv4a_public_key_serves_across_days_and_never_after_the_secret_rotated() {
    // Two days, two services' worth of requests: every one verifies with the key cached after
    // the first (the cache is observed through timing elsewhere; here through correctness
    // across days, which a per-day key would also pass, and through a rotated secret, which a
    // stale cached key would fail).
    let old = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let new = Credentials::new("AKIDEXAMPLE", "rotated/K7MDENG+bPxRfiCYEXAMPLEKEYrotated");
    let verifier_old = awssig::Verifier::new(old.clone(), "us-east-1", "service");
    let day = 1_440_938_160u64;
    for t in [day, day + 86_400, day + 2 * 86_400] {
        let now = UNIX_EPOCH + Duration::from_secs(t);
        let mut req = http::Request::get("https://example.amazonaws.com/")
            .body(())
            .unwrap();
        Signer::new_v4a(old.clone(), "*", "service")
            .sign_payload_at(&mut req, Payload::Bytes(b""), now)
            .unwrap();
        verifier_old
            .verify_at(&req, Payload::Bytes(b""), now)
            .unwrap();
        // The same verifier's clone, after the secret rotated: the old key must not serve.
        let rotated = awssig::Verifier::new(new.clone(), "us-east-1", "service");
        assert_eq!(
            rotated
                .verify_at(&req, Payload::Bytes(b""), now)
                .unwrap_err(),
            awssig::VerifyError::SignatureMismatch
        );
    }
}

#[test]
fn sigv4a_authorization_and_presigned_query_parse_without_a_region() {
    use awssig::verify::{AuthorizationHeader, PresignedQuery};
    let dir = common::suites().aws_c_auth_v4a.join("get-vanilla");
    let signed = RawRequest::parse(&read(&dir, "header-signed-request.txt"));
    let a = AuthorizationHeader::parse(header(&signed, "authorization")).unwrap();
    assert_eq!(a.algorithm(), Algorithm::EcdsaP256Sha256);
    let c = a.credential();
    assert_eq!(
        (c.access_key_id(), c.date(), c.region(), c.service()),
        ("AKIDEXAMPLE", "20150830", "", "service")
    );
    assert_eq!(c.scope(), "20150830/service/aws4_request");
    assert_eq!(a.signature().algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!(
        a.signed_headers(),
        ["host", "x-amz-date", "x-amz-region-set"]
    );

    let presigned = RawRequest::parse(&read(&dir, "query-signed-request.txt"));
    let (_, query) = presigned.target.split_once('?').unwrap();
    let q = PresignedQuery::parse(query).unwrap().unwrap();
    assert_eq!(q.algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!(q.region_set(), Some("us-east-1"));
    assert_eq!(q.credential().region(), "");
    // Without its region set a SigV4a presigned URL is incomplete; SigV4 has none to read.
    let without: Vec<&str> = query
        .split('&')
        .filter(|p| !p.starts_with("X-Amz-Region-Set="))
        .collect();
    assert_eq!(
        PresignedQuery::parse(&without.join("&")).err(),
        Some(awssig::VerifyError::MissingQueryParameters)
    );
    // A SigV4a credential with a region (five parts) is malformed.
    let five =
        header(&signed, "authorization").replace("20150830/service", "20150830/us-east-1/service");
    assert!(matches!(
        AuthorizationHeader::parse(&five),
        Err(awssig::VerifyError::MalformedCredential { .. })
    ));
    // A SigV4 signature (64 hex digits) parses as DER hex too, and then never verifies; an
    // odd number of digits or an uppercase one is malformed.
    for bad in ["abc", "3045ABCD"] {
        let value = format!(
            "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/service/aws4_request, SignedHeaders=host, Signature={bad}"
        );
        assert_eq!(
            AuthorizationHeader::parse(&value).err(),
            Some(awssig::VerifyError::MalformedSignature),
            "{bad}"
        );
    }
}

#[test]
fn sigv4a_signers_refuse_the_sigv4_only_forms() {
    use awssig::streaming::{ChunkedSignError, ChunkedUpload};
    let signer = Signer::new_v4a(
        Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        "*",
        "s3",
    );
    let now = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let mut req = http::Request::put("https://b.s3.amazonaws.com/k")
        .body(())
        .unwrap();
    let e = signer
        .sign_chunked_at(&mut req, ChunkedUpload::signed(10), now)
        .unwrap_err();
    assert!(
        matches!(
            e,
            ChunkedSignError::Sign(awssig::SignError::NotForSigV4a { .. })
        ),
        "{e}"
    );
    let e = signer.sign_event_stream_at(&mut req, now).unwrap_err();
    assert!(matches!(e, awssig::SignError::NotForSigV4a { .. }), "{e}");
    assert!(e.to_string().contains("Signer::new"), "{e}");
    // An invalid region set is refused with a message that says what a set looks like.
    let bad = Signer::new_v4a(
        Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
        "us-east-1, us-west-2",
        "s3",
    );
    let e = bad
        .sign_payload_at(&mut req, Payload::Unsigned, now)
        .unwrap_err();
    assert_eq!(
        e,
        awssig::SignError::InvalidRegionSet {
            region_set: "us-east-1, us-west-2".to_string()
        }
    );
    assert!(e.to_string().contains("us-east-1,us-west-2"), "{e}");
}
