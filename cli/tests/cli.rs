//! The `awssig` binary against the local gateway on 127.0.0.1: signed requests accepted,
//! awscurl's bugs absent, exit statuses, presigned URLs, the gateway subcommand, and `diagnose`
//! naming the cause of deliberately broken requests.
#![allow(clippy::unwrap_used)] // helpers outside #[test] fns panic on setup failure by design

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Stdio};

use assert_cmd::Command;
use awssig::gateway::{Gateway, GatewayConfig, GatewayHandle};
use awssig::{Credentials, Verifier};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::{TokioExecutor, TokioIo};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn gateway() -> GatewayHandle {
    Gateway::spawn(GatewayConfig::new(Verifier::new(
        Credentials::new(AKID, SECRET),
        "us-east-1",
        "execute-api",
    )))
    .unwrap()
}

/// The binary with only the given credentials visible (no `AWS_*` from the caller, empty
/// shared config files, no instance metadata).
fn awssig(dir: &Path, secret: &str) -> Command {
    let mut cmd = Command::cargo_bin("awssig").unwrap();
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    let empty = dir.join("empty");
    std::fs::write(&empty, "").unwrap();
    cmd.env("AWS_CONFIG_FILE", &empty)
        .env("AWS_SHARED_CREDENTIALS_FILE", &empty)
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", AKID)
        .env("AWS_SECRET_ACCESS_KEY", secret);
    cmd
}

const SCOPE: [&str; 4] = ["--service", "execute-api", "--region", "us-east-1"];

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn a_signed_get_is_accepted_and_signs_no_content_type() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "-v"])
        .args(SCOPE)
        .arg(format!("{}/prod/items", gw.url()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let body = stdout(&out);
    assert!(body.contains(r#""accessKeyId":"AKIDEXAMPLE""#), "{body}");
    assert!(
        body.contains(r#""signedHeaders":["host","x-amz-date"]"#),
        "{body}"
    );
    let err = stderr(&out);
    assert!(err.contains("* canonical request:"), "{err}");
    // Neither the canonical request nor the request sent carries a content-type.
    let sent: Vec<&str> = err.lines().filter(|l| !l.starts_with("< ")).collect();
    assert!(
        !sent
            .iter()
            .any(|l| l.to_ascii_lowercase().contains("content-type")),
        "{err}"
    );
}

#[test]
fn pre_encoded_query_values_and_values_with_equals_pass_through() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET)
        .arg("curl")
        .args(SCOPE)
        .arg(format!(
            "{}/prod/search?filter=a%3Db&token=abc==&q=x%20y",
            gw.url()
        ))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let body = stdout(&out);
    // The gateway echoes the query it received and verified.
    assert!(body.contains("filter=a%3Db"), "{body}");
    assert!(body.contains("token=abc"), "{body}");
}

#[test]
fn data_from_a_file_is_posted_byte_for_byte() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("body.json");
    std::fs::write(&file, "{\"name\": \"widget\"}\n").unwrap();
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "-H", "content-type: application/json", "-d"])
        .arg(format!("@{}", file.display()))
        .args(SCOPE)
        .arg(format!("{}/prod/items", gw.url()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let body = stdout(&out);
    assert!(body.contains(r#""method":"POST""#), "{body}");
    assert!(body.contains(r#""bodyLength":19"#), "{body}");
}

#[test]
fn the_scope_is_inferred_from_the_host_header() {
    // The private-API case: connect to one name (here the gateway's address), sign and send the
    // API's own host name.
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET)
        .args([
            "curl",
            "-H",
            "host: a1b2c3.execute-api.us-east-1.amazonaws.com",
        ])
        .arg(format!("{}/prod/", gw.url()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains(r#""scope":"#), "{}", stdout(&out));
}

#[test]
fn an_unknown_host_without_scope_flags_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "https://api.example.com/v1/items"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("--region and --service"), "{err}");
}

#[test]
fn missing_credentials_exit_1_and_say_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["curl"])
        .args(SCOPE)
        .arg("http://127.0.0.1:9/")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("AWS_ACCESS_KEY_ID"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn usage_errors_exit_2_and_help_shows_examples() {
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET).args(["curl"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let help = awssig(dir.path(), SECRET)
        .args(["curl", "--help"])
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(stdout(&help).contains("Examples:"), "{}", stdout(&help));
    let top = awssig(dir.path(), SECRET).arg("--help").output().unwrap();
    assert!(stdout(&top).contains("Exit status"), "{}", stdout(&top));
}

#[test]
fn a_wrong_secret_exits_22_and_diagnose_blames_the_secret() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let (req, resp) = (dir.path().join("req.http"), dir.path().join("resp.http"));
    let out = awssig(dir.path(), "not-the-right-secret")
        .arg("curl")
        .args(SCOPE)
        .arg("--save-request")
        .arg(&req)
        .arg("--save-response")
        .arg(&resp)
        .arg(format!("{}/prod/items?limit=5", gw.url()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(22), "{}", stderr(&out));
    assert!(stderr(&out).contains("awssig diagnose"), "{}", stderr(&out));
    let report = awssig(dir.path(), SECRET)
        .args(["diagnose", "--request"])
        .arg(&req)
        .arg("--response")
        .arg(&resp)
        .output()
        .unwrap();
    assert!(report.status.success(), "{}", stderr(&report));
    let text = stdout(&report);
    assert!(text.contains("secret access key"), "{text}");
}

#[test]
fn a_wrong_service_is_named_by_diagnose() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let (req, resp) = (dir.path().join("req.http"), dir.path().join("resp.http"));
    let out = awssig(dir.path(), SECRET)
        .args([
            "curl",
            "--service",
            "lambda",
            "--region",
            "us-east-1",
            "--save-request",
        ])
        .arg(&req)
        .arg("--save-response")
        .arg(&resp)
        .arg(format!("{}/prod/", gw.url()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(22));
    let report = awssig(dir.path(), SECRET)
        .args(["diagnose", "--request"])
        .arg(&req)
        .arg("--response")
        .arg(&resp)
        .output()
        .unwrap();
    let text = stdout(&report);
    assert!(text.contains("execute-api"), "{text}");
    assert!(text.to_ascii_lowercase().contains("service"), "{text}");
}

/// A proxy on 127.0.0.1 that forwards to `upstream` and drops `content-type` on the way, as
/// some HTTP clients and proxies do for requests without a body.
struct DroppingProxy {
    url: String,
    _runtime: tokio::runtime::Runtime,
}

fn dropping_proxy(upstream: String) -> DroppingProxy {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    runtime.spawn(async move {
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            let client = client.clone();
            let upstream = upstream.clone();
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let client = client.clone();
                        let upstream = upstream.clone();
                        async move {
                            let (mut parts, body) = req.into_parts();
                            let body = body.collect().await?.to_bytes();
                            parts.headers.remove("content-type");
                            let pq = parts
                                .uri
                                .path_and_query()
                                .map_or("/", |p| p.as_str())
                                .to_string();
                            parts.uri = format!("{upstream}{pq}").parse().unwrap();
                            let resp = client
                                .request(http::Request::from_parts(parts, Full::new(body)))
                                .await
                                .unwrap();
                            let (parts, body) = resp.into_parts();
                            let body = body.collect().await?.to_bytes();
                            Ok::<_, hyper::Error>(http::Response::from_parts(
                                parts,
                                Full::new(body),
                            ))
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
    DroppingProxy {
        url,
        _runtime: runtime,
    }
}

#[test]
fn diagnose_names_a_signed_content_type_that_was_dropped_on_the_way() {
    let gw = gateway();
    let proxy = dropping_proxy(gw.url());
    let dir = tempfile::tempdir().unwrap();
    let (req, resp) = (dir.path().join("req.http"), dir.path().join("resp.http"));
    // awscurl's habit: content-type on a GET. The proxy drops it, so the signature breaks.
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "-H", "content-type: application/json"])
        .args(SCOPE)
        .arg("--save-request")
        .arg(&req)
        .arg("--save-response")
        .arg(&resp)
        .arg(format!("{}/prod/items", proxy.url))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(22), "{}", stderr(&out));
    let report = awssig(dir.path(), SECRET)
        .args(["diagnose", "--request"])
        .arg(&req)
        .arg("--response")
        .arg(&resp)
        .output()
        .unwrap();
    assert!(report.status.success(), "{}", stderr(&report));
    let text = stdout(&report);
    assert!(
        text.contains("`content-type` was signed but did not reach the server"),
        "{text}"
    );
}

#[test]
fn a_presigned_url_is_accepted_without_any_header() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET)
        .args(["presign", "--expires", "300"])
        .args(SCOPE)
        .arg(format!("{}/prod/report.csv", gw.url()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let url = stdout(&out).trim().to_string();
    assert!(
        url.contains("X-Amz-Expires=300") && url.contains("X-Amz-Signature="),
        "{url}"
    );
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let (status, body) = runtime.block_on(async {
        let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
        let resp = client
            .request(
                http::Request::get(url.as_str())
                    .body(Full::new(Bytes::new()))
                    .unwrap(),
            )
            .await
            .unwrap();
        let status = resp.status();
        (status, resp.into_body().collect().await.unwrap().to_bytes())
    });
    let body = String::from_utf8_lossy(&body);
    assert_eq!(status, 200, "{body}");
    assert!(body.contains(r#""presigned":true"#), "{body}");
}

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_gateway_subcommand_verifies_what_curl_signs() {
    let dir = tempfile::tempdir().unwrap();
    let bin = assert_cmd::cargo::cargo_bin("awssig");
    let mut child = Running(
        std::process::Command::new(bin)
            .args(["gateway", "--listen", "127.0.0.1:0", "--credentials"])
            .arg(format!("{AKID}:{SECRET}"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line.trim().to_string();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let ok = awssig(dir.path(), SECRET)
        .arg("curl")
        .args(SCOPE)
        .arg(format!("{url}/prod/"))
        .output()
        .unwrap();
    assert!(ok.status.success(), "{}", stderr(&ok));
    let unsigned = awssig(dir.path(), "wrong")
        .arg("curl")
        .args(SCOPE)
        .arg(format!("{url}/prod/"))
        .output()
        .unwrap();
    assert_eq!(unsigned.status.code(), Some(22));
    assert!(stdout(&unsigned).contains("The request signature we calculated does not match"));
}
