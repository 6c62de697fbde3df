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

    // The fast path signs the same bytes (RFC 6979: deterministic), and puts the suite's
    // headers on the request.
    let out = ctx.signer.sign_request_at(&req, payload, ctx.time).unwrap();
    assert_eq!(out.signature().to_string(), ex.signature());
    assert_eq!(out.signature().algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!(Some(out.authorization()), ex.authorization());
    let mut buf = [0u8; 512];
    if let Ok(written) = ctx.signer.sign_into(&req, payload, ctx.time, &mut buf) {
        assert_eq!(&buf[..written.len()], out.authorization().as_bytes());
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
        assert!(
            auth.ends_with(&format!("Signature={}", ex.signature())),
            "{auth}"
        );
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
    assert_eq!(query_signature(&target), ex.signature());
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
    assert_eq!(out.signature().to_string(), ex.signature());
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
        let path = if self.path.is_empty() { "/" } else { &self.path };
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
        let req = SignableRequest::new(self.method, target, headers, SignableBody::Bytes(&self.body))
            .unwrap();
        let (_, signature) = sign(req, &params).unwrap().into_parts();
        signature
    }
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
        prop::sample::select(vec!["s3", "service", "execute-api", "kvs"]),
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
            service,
            time,
            method,
            path,
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
    #[test]
    fn signatures_equal_aws_sigv4s_byte_for_byte(g in generated()) {
        prop_assert_eq!(g.awssig(), g.aws_sigv4(), "{:?}", g);
    }
}
