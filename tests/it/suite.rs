//! Every case of the official AWS SigV4 suites, one `#[test]` per case and mode: the canonical
//! request, the string to sign and the signature are compared byte for byte, then the signed
//! request the crate produces is checked against the suite's.

use crate::common;

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use awssig::{Credentials, PathNormalization, Payload, Settings, Signer};
use common::{RawRequest, read, read_str};
use serde_json::Value;

/// The signing parameters of an aws-c-auth case (`context.json`).
struct Context {
    signer: Signer,
    time: time::OffsetDateTime,
    sign_body: bool,
    expires: u64,
    token: Option<String>,
}

fn context(dir: &Path) -> Context {
    let c: Value = serde_json::from_slice(&read(dir, "context.json")).expect("context.json");
    let cred = &c["credentials"];
    let mut creds = Credentials::new(
        cred["access_key_id"].as_str().unwrap(),
        cred["secret_access_key"].as_str().unwrap(),
    );
    let token = cred["token"].as_str().map(str::to_string);
    if let Some(t) = &token {
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
        signer: Signer::new(
            creds,
            c["region"].as_str().unwrap(),
            c["service"].as_str().unwrap(),
        )
        .with_settings(settings),
        time: common::parse_timestamp(c["timestamp"].as_str().unwrap()),
        sign_body,
        expires: c["expiration_in_seconds"].as_u64().unwrap(),
        token,
    }
}

/// Header lines of a signed-request file as a set of (lowercase name, value).
fn header_set(raw: &RawRequest) -> BTreeSet<(String, String)> {
    raw.headers
        .iter()
        .map(|(n, v)| (n.to_ascii_lowercase(), v.trim().to_string()))
        .collect()
}

/// The query parameters of a target, percent-decoded: the suites write raw UTF-8 where the
/// crate sends `%E1%88%B4`, and both mean the same parameter.
fn query_set(target: &str) -> BTreeSet<String> {
    let decode = |s: &str| {
        percent_encoding::percent_decode_str(s)
            .decode_utf8_lossy()
            .into_owned()
    };
    target
        .split_once('?')
        .map(|(_, q)| q.split('&').map(decode).collect())
        .unwrap_or_default()
}

/// Compares stage by stage, so the first difference names the broken stage.
fn assert_stages(ex: &awssig::Explanation, dir: &Path, mode: &str) {
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
    assert_eq!(ex.signature(), file("signature").trim(), "signature");
}

fn aws_c_auth_header(case: &str) {
    let dir = common::suites().aws_c_auth_v4.join(case);
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
    assert_stages(&ex, &dir, "header");

    // The headers the signer adds, put on the request, give the suite's signed request.
    let out = ctx.signer.sign_request_at(&req, payload, ctx.time).unwrap();
    assert_eq!(out.signature().to_string(), ex.signature());
    // The caller-buffer entry point writes the same value, or refuses a query it would have
    // had to re-encode.
    let mut buf = [0u8; 512];
    match ctx.signer.sign_into(&req, payload, ctx.time, &mut buf) {
        Ok(written) => {
            assert!(out.query().is_none());
            assert_eq!(
                &buf[..written.len()],
                out.authorization().as_bytes(),
                "sign_into"
            );
        }
        Err(e) => {
            assert_eq!(e, awssig::SignError::QueryNotCanonical);
            assert!(out.query().is_some());
        }
    }
    let mut signed = raw.clone();
    for (name, value) in out.headers() {
        signed
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(name));
        signed.headers.push((name.to_string(), value.to_string()));
    }
    let expected = RawRequest::parse(&read(&dir, "header-signed-request.txt"));
    assert_eq!(
        header_set(&signed),
        header_set(&expected),
        "signed request headers"
    );
    // A rewritten query (raw UTF-8 sent as %XX) carries the same parameters.
    if let Some(q) = out.query() {
        assert_eq!(
            query_set(&format!("?{q}")),
            query_set(&raw.target),
            "rewritten query"
        );
    }

    // And the http::Request layer agrees, wherever http can carry the request.
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
        assert!(http_req.headers()["authorization"].is_sensitive());
        if ctx.token.is_some() {
            assert!(http_req.headers()["x-amz-security-token"].is_sensitive());
        }
    }
}

fn aws_c_auth_query(case: &str) {
    let dir = common::suites().aws_c_auth_v4.join(case);
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
    assert_stages(&ex, &dir, "query");

    let target = ctx
        .signer
        .presign_request_at(&req, payload, expires, ctx.time)
        .unwrap();
    let expected = RawRequest::parse(&read(&dir, "query-signed-request.txt"));
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

macro_rules! aws_c_auth_v4 {
    ($($name:ident => $dir:literal,)+) => {
        /// aws-c-auth v4 cases, `Authorization` header signing.
        mod aws_c_auth_v4_header { $( #[test] fn $name() { super::aws_c_auth_header($dir) } )+ }
        /// aws-c-auth v4 cases, presigned (query) signing.
        mod aws_c_auth_v4_query { $( #[test] fn $name() { super::aws_c_auth_query($dir) } )+ }

        /// Every case folder of the suite has a test above: a new case cannot go unnoticed.
        #[test]
        fn aws_c_auth_v4_every_case_is_listed() {
            let listed: BTreeSet<&str> = [$($dir),+].into_iter().collect();
            let dir = common::suites().aws_c_auth_v4;
            let found: BTreeSet<String> = std::fs::read_dir(&dir)
                .unwrap_or_else(|e| panic!("aws-c-auth v4 suite missing at {}: {e}", dir.display()))
                .flatten()
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();
            assert_eq!(found, listed);
            assert_eq!(listed.len(), 38);
        }

        /// The header tests also sign through the http::Request layer where `http` can carry
        /// the request; say which cases it cannot, and fail if that set changes.
        #[test]
        fn aws_c_auth_v4_http_request_layer_coverage() {
            let all = [$($dir),+];
            let root = common::suites().aws_c_auth_v4;
            let skipped: Vec<&str> = all.iter().copied()
                .filter(|c| RawRequest::parse(&read(&root.join(c), "request.txt")).to_http().is_none()).collect();
            println!("http::Request layer: {} of {} cases; skipped: {} (http refuses the URL or a header value)",
                all.len() - skipped.len(), all.len(), skipped.join(", "));
            assert_eq!(skipped, HTTP_LAYER_SKIPS, "the cases http::Request cannot carry changed");
        }
    };
}

/// The aws-c-auth v4 cases `http::Request` cannot carry: raw spaces and UTF-8 in the target,
/// a header value with a line break.
const HTTP_LAYER_SKIPS: &[&str] = &[
    "get-header-value-multiline",
    "get-space-normalized",
    "get-space-unnormalized",
];

aws_c_auth_v4! {
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

// ---- The classic 2015 suite ------------------------------------------------------------------

/// The token of `post-sts-token/readme.txt`... read from the aws-c-auth copy's context, which
/// carries the same example token.
fn classic(case: &str) {
    let root = common::suites().classic;
    let dir = root.join(case);
    let name = Path::new(case).file_name().unwrap().to_str().unwrap();
    let raw = RawRequest::parse(&read(&dir, &format!("{name}.req")));
    let mut creds = Credentials::new(common::AKID, common::SECRET);
    let mut settings = Settings::default();
    match name {
        "get-vanilla-with-session-token" => {
            creds = creds.with_session_token(
                "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267",
            );
        }
        "post-sts-header-before" | "post-sts-header-after" => {
            creds = creds.with_session_token(classic_sts_token(&root));
            if name == "post-sts-header-after" {
                settings = settings
                    .with_session_token_signing(awssig::SessionTokenSigning::AppendedAfterSigning);
            }
        }
        _ => {}
    }
    let signer = Signer::new(creds, "us-east-1", "service").with_settings(settings);
    let req = raw.signable();
    let ex = signer
        .explain_request_at(&req, Payload::Bytes(&raw.body), common::suite_time())
        .unwrap();
    assert_eq!(
        ex.canonical_request(),
        read_str(&dir, &format!("{name}.creq")),
        "canonical request"
    );
    assert_eq!(
        ex.string_to_sign(),
        read_str(&dir, &format!("{name}.sts")),
        "string to sign"
    );
    assert_eq!(
        ex.authorization().unwrap(),
        read_str(&dir, &format!("{name}.authz")),
        "authorization"
    );
    // The fast path (cached key, value streamed into the hasher) agrees with the readable one.
    let out = signer
        .sign_request_at(&req, Payload::Bytes(&raw.body), common::suite_time())
        .expect("signed");
    assert_eq!(
        Some(out.authorization()),
        ex.authorization(),
        "sign_request_at"
    );
}

/// The example STS token, as `post-sts-token/readme.txt` states it.
fn classic_sts_token(root: &Path) -> String {
    let readme = read_str(&root.join("post-sts-token"), "readme.txt");
    let req = read_str(
        &root.join("post-sts-token/post-sts-header-before"),
        "post-sts-header-before.req",
    );
    let token = req
        .lines()
        .find_map(|l| l.strip_prefix("X-Amz-Security-Token:"))
        .expect("the before case carries the token");
    assert!(readme.contains(token), "readme.txt states the same token");
    token.to_string()
}

macro_rules! classic_suite {
    ($($name:ident => $dir:literal,)+) => {
        /// The classic suite (botocore's copy), header signing.
        mod classic_suite { $( #[test] fn $name() { super::classic($dir) } )+ }

        #[test]
        fn classic_suite_every_case_is_listed() {
            let listed: BTreeSet<&str> = [$($dir),+].into_iter().collect();
            assert_eq!(listed.len(), 34);
            let root = common::suites().classic;
            let mut found = BTreeSet::new();
            for group in ["", "normalize-path", "post-sts-token"] {
                let dir = root.join(group);
                for e in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("classic suite missing at {}: {e}", dir.display())).flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if e.path().join(format!("{name}.req")).is_file() {
                        found.insert(if group.is_empty() { name } else { format!("{group}/{name}") });
                    }
                }
            }
            let found: BTreeSet<&str> = found.iter().map(String::as_str).collect();
            assert_eq!(found, listed);
        }
    };
}

classic_suite! {
    get_header_key_duplicate => "get-header-key-duplicate",
    get_header_value_multiline => "get-header-value-multiline",
    get_header_value_order => "get-header-value-order",
    get_header_value_trim => "get-header-value-trim",
    get_unreserved => "get-unreserved",
    get_utf8 => "get-utf8",
    get_vanilla => "get-vanilla",
    get_vanilla_empty_query_key => "get-vanilla-empty-query-key",
    get_vanilla_query => "get-vanilla-query",
    get_vanilla_query_order_encoded => "get-vanilla-query-order-encoded",
    get_vanilla_query_order_key => "get-vanilla-query-order-key",
    get_vanilla_query_order_key_case => "get-vanilla-query-order-key-case",
    get_vanilla_query_order_value => "get-vanilla-query-order-value",
    get_vanilla_query_unreserved => "get-vanilla-query-unreserved",
    get_vanilla_utf8_query => "get-vanilla-utf8-query",
    get_vanilla_with_session_token => "get-vanilla-with-session-token",
    post_header_key_case => "post-header-key-case",
    post_header_key_sort => "post-header-key-sort",
    post_header_value_case => "post-header-value-case",
    post_vanilla => "post-vanilla",
    post_vanilla_empty_query_value => "post-vanilla-empty-query-value",
    post_vanilla_query => "post-vanilla-query",
    post_x_www_form_urlencoded => "post-x-www-form-urlencoded",
    post_x_www_form_urlencoded_parameters => "post-x-www-form-urlencoded-parameters",
    normalize_path_get_relative => "normalize-path/get-relative",
    normalize_path_get_relative_relative => "normalize-path/get-relative-relative",
    normalize_path_get_slash => "normalize-path/get-slash",
    normalize_path_get_slash_dot_slash => "normalize-path/get-slash-dot-slash",
    normalize_path_get_slash_pointless_dot => "normalize-path/get-slash-pointless-dot",
    normalize_path_get_slashes => "normalize-path/get-slashes",
    normalize_path_get_space => "normalize-path/get-space",
    normalize_path_get_special_character => "normalize-path/get-special-character",
    post_sts_token_post_sts_header_after => "post-sts-token/post-sts-header-after",
    post_sts_token_post_sts_header_before => "post-sts-token/post-sts-header-before",
}

// ---- smithy-rs extras --------------------------------------------------------------------------

/// `double-url-encode`: a Lambda ARN path, already percent-encoded, is encoded again.
#[test]
fn smithy_rs_extras_double_url_encode() {
    let dir = common::suites().smithy_extras.join("double-url-encode");
    let raw = RawRequest::parse(&read(&dir, "double-url-encode.req"));
    let signer = Signer::new(
        Credentials::new(common::AKID, common::SECRET),
        "us-east-2",
        "lambda",
    );
    let time = common::parse_timestamp("2021-05-11T15:40:45Z");
    let ex = signer
        .explain_request_at(&raw.signable(), Payload::Bytes(&raw.body), time)
        .unwrap();
    let text = |ext: &str| read_str(&dir, &format!("double-url-encode.{ext}"));
    assert_eq!(ex.canonical_request(), text("creq"));
    // The string to sign ends with a newline the other files lack (testdata/aws/README.md).
    assert_eq!(ex.string_to_sign(), text("sts").trim_end());
    assert_eq!(ex.authorization().unwrap(), text("authz"));
}

/// `double-encode-path`: `@` and an existing `%3D` in an API Gateway WebSocket path. Only the
/// canonical request is consistent (testdata/aws/README.md): it was made at
/// 2021-05-11T15:40:45Z.
#[test]
fn smithy_rs_extras_double_encode_path() {
    let dir = common::suites().smithy_extras.join("double-encode-path");
    let raw = RawRequest::parse(&read(&dir, "double-encode-path.req"));
    let signer = Signer::new(
        Credentials::new(common::AKID, common::SECRET),
        "us-east-1",
        "execute-api",
    );
    let time = common::parse_timestamp("2021-05-11T15:40:45Z");
    let ex = signer
        .explain_request_at(&raw.signable(), Payload::Bytes(&raw.body), time)
        .unwrap();
    assert_eq!(
        ex.canonical_request(),
        read_str(&dir, "double-encode-path.creq")
    );
}
