//! Against a real, independent verifier: moto's server (PyPI `moto[server]`), which recomputes
//! signatures with botocore. An IAM user, its access key and a role are created through moto's
//! IAM API, IAM checking is switched on through `/moto-api/reset-auth`, then signed POSTs to STS,
//! DynamoDB and SQS must be accepted, with the static key and with AssumeRole session
//! credentials, and tampered ones rejected. An `aws-chunked` PUT to moto's S3 in each form is
//! stored decoded: a GET returns exactly the data.

use crate::common;

use awssig::streaming::{Checksum, ChunkedUpload};
use awssig::{Credentials, Settings, Signer};
use common::client::{Response, send};
use common::servers::{self, Server};
use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

const ALLOW_ALL: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#;

/// What `application/x-www-form-urlencoded` escapes: all but `A-Z a-z 0-9 - . _ ~`. (moto
/// re-encodes a parsed form before hashing it, so the body must be in that canonical form.)
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

fn form(pairs: &[(&str, &str)]) -> Vec<u8> {
    pairs
        .iter()
        .map(|(k, v)| format!("{k}={}", utf8_percent_encode(v, FORM)))
        .collect::<Vec<_>>()
        .join("&")
        .into_bytes()
}

fn xml(res: &Response, tag: &str) -> String {
    let text = res.text();
    let open = format!("<{tag}>");
    let start = text
        .find(&open)
        .unwrap_or_else(|| panic!("no <{tag}> in {text}"))
        + open.len();
    let end = start + text[start..].find(&format!("</{tag}>")).unwrap();
    text[start..end].to_string()
}

/// A signed query-protocol POST (IAM, STS).
fn query(
    server: &Server,
    creds: &Credentials,
    service: &str,
    pairs: &[(&str, &str)],
) -> http::Request<Vec<u8>> {
    let mut req = http::Request::post(format!("{}/", server.url()))
        .header(
            "content-type",
            "application/x-www-form-urlencoded; charset=utf-8",
        )
        .body(form(pairs))
        .unwrap();
    Signer::new(creds.clone(), "us-east-1", service)
        .sign(&mut req)
        .unwrap();
    req
}

/// A signed awsJson 1.0 POST (DynamoDB, SQS).
fn json(
    server: &Server,
    creds: &Credentials,
    service: &str,
    target: &str,
    body: &str,
) -> http::Request<Vec<u8>> {
    let mut req = http::Request::post(format!("{}/", server.url()))
        .header("content-type", "application/x-amz-json-1.0")
        .header("x-amz-target", target)
        .body(body.as_bytes().to_vec())
        .unwrap();
    Signer::new(creds.clone(), "us-east-1", service)
        .sign(&mut req)
        .unwrap();
    req
}

fn ok(res: &Response, what: &str) -> Response {
    assert_eq!(res.status, 200, "{what}: {}", res.text());
    res.clone()
}

struct Setup {
    user: Credentials,
    role_arn: String,
}

/// Creates user `alice` with an access key and an allow-all policy, and role `tester` that alice
/// may assume, then switches IAM checking on. Before that, moto checks no signature.
fn setup(server: &Server) -> Setup {
    let bootstrap = Credentials::new("AKIAIOSFODNN7EXAMPLE", "bootstrap-secret");
    let iam = |pairs: &[(&str, &str)]| {
        let mut all = pairs.to_vec();
        all.push(("Version", "2010-05-08"));
        send(server.addr, &query(server, &bootstrap, "iam", &all))
    };
    let user = ok(
        &iam(&[("Action", "CreateUser"), ("UserName", "alice")]),
        "CreateUser",
    );
    let user_arn = xml(&user, "Arn");
    let key = ok(
        &iam(&[("Action", "CreateAccessKey"), ("UserName", "alice")]),
        "CreateAccessKey",
    );
    let user_creds = Credentials::new(xml(&key, "AccessKeyId"), xml(&key, "SecretAccessKey"));
    ok(
        &iam(&[
            ("Action", "PutUserPolicy"),
            ("UserName", "alice"),
            ("PolicyName", "all"),
            ("PolicyDocument", ALLOW_ALL),
        ]),
        "PutUserPolicy",
    );
    let trust = format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{user_arn}"}},"Action":"sts:AssumeRole"}}]}}"#
    );
    let role = ok(
        &iam(&[
            ("Action", "CreateRole"),
            ("RoleName", "tester"),
            ("AssumeRolePolicyDocument", &trust),
        ]),
        "CreateRole",
    );
    ok(
        &iam(&[
            ("Action", "PutRolePolicy"),
            ("RoleName", "tester"),
            ("PolicyName", "all"),
            ("PolicyDocument", ALLOW_ALL),
        ]),
        "PutRolePolicy",
    );
    let reset = http::Request::post(format!("{}/moto-api/reset-auth", server.url()))
        .body(b"0".to_vec())
        .unwrap();
    ok(&send(server.addr, &reset), "reset-auth");
    // From now on the bootstrap key is unknown to moto's IAM.
    let denied = send(
        server.addr,
        &query(
            server,
            &bootstrap,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        ),
    );
    assert_eq!(denied.status, 403, "IAM checking is on: {}", denied.text());
    Setup {
        user: user_creds,
        role_arn: xml(&role, "Arn"),
    }
}

fn caller_arn(server: &Server, creds: &Credentials) -> String {
    let res = send(
        server.addr,
        &query(
            server,
            creds,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        ),
    );
    xml(&ok(&res, "GetCallerIdentity"), "Arn")
}

fn dynamodb_and_sqs_accept(server: &Server, creds: &Credentials, queue: &str) {
    let tables = ok(
        &send(
            server.addr,
            &json(
                server,
                creds,
                "dynamodb",
                "DynamoDB_20120810.ListTables",
                "{}",
            ),
        ),
        "DynamoDB ListTables",
    );
    assert!(tables.text().contains("TableNames"), "{}", tables.text());
    let body = format!(r#"{{"QueueName":"{queue}"}}"#);
    let created = ok(
        &send(
            server.addr,
            &json(server, creds, "sqs", "AmazonSQS.CreateQueue", &body),
        ),
        "SQS CreateQueue",
    );
    assert!(created.text().contains(queue), "{}", created.text());
}

#[test]
fn static_keys_and_assumed_role_sessions_are_accepted_by_sts_dynamodb_and_sqs() {
    let server = servers::moto();
    let s = setup(&server);
    assert!(caller_arn(&server, &s.user).ends_with(":user/alice"));
    dynamodb_and_sqs_accept(&server, &s.user, "static-key-queue");

    let assumed = send(
        server.addr,
        &query(
            &server,
            &s.user,
            "sts",
            &[
                ("Action", "AssumeRole"),
                ("Version", "2011-06-15"),
                ("RoleArn", &s.role_arn),
                ("RoleSessionName", "awssig"),
            ],
        ),
    );
    let assumed = ok(&assumed, "AssumeRole");
    let session = Credentials::new(
        xml(&assumed, "AccessKeyId"),
        xml(&assumed, "SecretAccessKey"),
    )
    .with_session_token(xml(&assumed, "SessionToken"));
    assert!(caller_arn(&server, &session).contains(":assumed-role/tester/awssig"));
    dynamodb_and_sqs_accept(&server, &session, "session-queue");
}

#[test]
fn tampered_requests_are_rejected() {
    let server = servers::moto();
    let s = setup(&server);
    // Body changed after signing.
    let mut req = json(
        &server,
        &s.user,
        "dynamodb",
        "DynamoDB_20120810.ListTables",
        "{}",
    );
    *req.body_mut() = br#"{"Limit":1}"#.to_vec();
    let res = send(server.addr, &req);
    assert_eq!(res.status, 403, "{}", res.text());
    assert!(
        res.text().contains("SignatureDoesNotMatch"),
        "{}",
        res.text()
    );
    // A signed header changed.
    let mut req = json(
        &server,
        &s.user,
        "sqs",
        "AmazonSQS.CreateQueue",
        r#"{"QueueName":"q"}"#,
    );
    req.headers_mut()
        .insert("x-amz-target", "AmazonSQS.ListQueues".parse().unwrap());
    let res = send(server.addr, &req);
    assert_eq!(res.status, 403, "{}", res.text());
    assert!(
        res.text().contains("SignatureDoesNotMatch"),
        "a changed signed header must be a signature mismatch, not another 403: {}",
        res.text()
    );
    // The wrong secret.
    let wrong = Credentials::new(s.user.access_key_id(), "not-the-secret");
    let res = send(
        server.addr,
        &query(
            &server,
            &wrong,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        ),
    );
    assert_eq!(res.status, 403, "{}", res.text());
    assert!(
        res.text().contains("SignatureDoesNotMatch"),
        "{}",
        res.text()
    );
    // A session token that is not the one issued.
    let assumed = ok(
        &send(
            server.addr,
            &query(
                &server,
                &s.user,
                "sts",
                &[
                    ("Action", "AssumeRole"),
                    ("Version", "2011-06-15"),
                    ("RoleArn", &s.role_arn),
                    ("RoleSessionName", "x"),
                ],
            ),
        ),
        "AssumeRole",
    );
    let forged = Credentials::new(
        xml(&assumed, "AccessKeyId"),
        xml(&assumed, "SecretAccessKey"),
    )
    .with_session_token("forged-token");
    let res = send(
        server.addr,
        &query(
            &server,
            &forged,
            "sts",
            &[("Action", "GetCallerIdentity"), ("Version", "2011-06-15")],
        ),
    );
    assert_eq!(res.status, 403, "{}", res.text());
    assert!(
        res.text()
            .contains("The security token included in the request is invalid"),
        "{}",
        res.text()
    );
}

#[test]
fn aws_chunked_puts_to_s3_are_stored_decoded() {
    let server = servers::moto();
    // With IAM checking on: moto recomputes each request's (seed) signature with botocore.
    let alice = setup(&server).user;
    let signer = Signer::new(alice.clone(), "us-east-1", "s3").with_settings(Settings::s3());
    let forger = Signer::new(
        Credentials::new(alice.access_key_id(), "not-alice's-secret"),
        "us-east-1",
        "s3",
    )
    .with_settings(Settings::s3());
    let signed = |method: &str, url: &str| {
        let mut req = http::Request::builder()
            .method(method)
            .uri(url)
            .body(Vec::new())
            .unwrap();
        signer.sign(&mut req).unwrap();
        req
    };
    let bucket = format!("{}/chunked-bucket", server.url());
    ok(&send(server.addr, &signed("PUT", &bucket)), "create bucket");
    let data: Vec<u8> = (0..70_000u32).map(|i| (i % 253) as u8).collect();
    let uploads = [
        ChunkedUpload::signed(data.len() as u64),
        ChunkedUpload::signed(data.len() as u64).trailer(Checksum::Crc32),
        ChunkedUpload::unsigned(data.len() as u64),
    ];
    let chunked_put = |signer: &Signer, key: &str, upload: ChunkedUpload| {
        let mut req = http::Request::put(key).body(()).unwrap();
        let mut up = signer
            .sign_chunked_at(
                &mut req,
                upload.chunk_size(8192),
                std::time::SystemTime::now(),
            )
            .unwrap();
        let mut wire = Vec::new();
        for chunk in data.chunks(8192) {
            up.write_chunk(chunk, &mut wire).unwrap();
        }
        up.finish(&mut wire).unwrap();
        req.map(|()| wire)
    };
    for (i, upload) in uploads.into_iter().enumerate() {
        let key = format!("{bucket}/object-{i}.bin");
        let forged = send(server.addr, &chunked_put(&forger, &key, upload));
        assert_eq!(forged.status, 403, "the wrong secret: {}", forged.text());
        let req = chunked_put(&signer, &key, upload);
        let form = req.headers()["x-amz-content-sha256"].clone();
        ok(&send(server.addr, &req), &format!("{form:?} put"));
        let got = send(server.addr, &signed("GET", &key));
        ok(&got, &format!("{form:?} get"));
        assert!(
            got.body == data,
            "{form:?}: moto stored {} bytes, not the data",
            got.body.len()
        );
    }
}
