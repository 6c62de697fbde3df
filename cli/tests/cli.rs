//! The `awssig` binary against the local gateway on 127.0.0.1: signed requests accepted,
//! awscurl's bugs absent, exit statuses, presigned URLs, the gateway subcommand, `curl -k`
//! through a TLS front with a self-signed certificate, `curl -T`'s progress bar on a
//! pseudo-terminal, and `diagnose` naming the cause of deliberately broken requests.
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
    isolate(&mut cmd, dir, secret);
    cmd
}

/// Gives `cmd` only the given credentials (see [`awssig`]).
fn isolate(cmd: &mut Command, dir: &Path, secret: &str) {
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
fn sigv4a_signs_for_a_region_set_the_gateway_accepts_only_when_it_holds_its_region() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let run = |set: &str| {
        awssig(dir.path(), SECRET)
            .args([
                "curl",
                "-v",
                "--sigv4a",
                "--service",
                "execute-api",
                "--region",
                set,
            ])
            .arg(format!("{}/prod/items", gw.url()))
            .output()
            .unwrap()
    };
    let out = run("us-east-1,us-west-2");
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/"),
        "{err}"
    );
    assert!(
        err.contains("x-amz-region-set: us-east-1,us-west-2"),
        "{err}"
    );
    let body = stdout(&out);
    assert!(body.contains(r#""accessKeyId":"AKIDEXAMPLE""#), "{body}");
    // SigV4a's scope names no region.
    assert!(body.contains(r#"/execute-api/aws4_request""#), "{body}");
    assert!(!body.contains("us-east-1/execute-api"), "{body}");

    // The gateway's region (us-east-1) is not in the set: refused (curl's -f style exit 22).
    let out = run("eu-west-1");
    assert_eq!(out.status.code(), Some(22), "{}", stderr(&out));
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
    assert!(err.contains("pass --region"), "{err}");
}

#[test]
fn missing_credentials_exit_1_and_say_what_to_set() {
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET)
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .args(["curl"])
        .args(SCOPE)
        // Not a loopback host: there the local gateway's example pair would be used.
        .arg("https://api.example.invalid/")
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

/// A test's server on 127.0.0.1: its URL, and the runtime it runs on, which stops it (and
/// its listener) when dropped.
struct Served {
    url: String,
    _runtime: tokio::runtime::Runtime,
}

/// A one-worker runtime and a listener on 127.0.0.1 bound in it, for a [`Served`].
fn runtime_and_listener() -> (tokio::runtime::Runtime, tokio::net::TcpListener) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    (runtime, listener)
}

/// A proxy on 127.0.0.1 that forwards to `upstream` and drops `content-type` on the way, as
/// some HTTP clients and proxies do for requests without a body.
fn dropping_proxy(upstream: String) -> Served {
    let (runtime, listener) = runtime_and_listener();
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
    Served {
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

/// `awssig gateway` with the given extra arguments; returns the child and its URL.
fn gateway_subcommand(args: &[&str]) -> (Running, String) {
    let bin = assert_cmd::cargo::cargo_bin("awssig");
    let mut child = Running(
        std::process::Command::new(bin)
            .args(["gateway", "--listen", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let mut line = String::new();
    BufReader::new(child.0.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().to_string())
}

/// The binary with no credentials, region or profile at all.
fn awssig_unconfigured(dir: &Path) -> Command {
    let mut cmd = awssig(dir, SECRET);
    cmd.env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY");
    cmd
}

#[test]
fn curl_against_the_local_gateway_needs_only_the_url() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    // With credentials in the environment, and with none at all (both sides then use the AWS
    // example pair, and say so).
    for mut cmd in [awssig(dir.path(), SECRET), awssig_unconfigured(dir.path())] {
        let out = cmd
            .arg("curl")
            .arg(format!("{}/prod/items", gw.url()))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let body = stdout(&out);
        assert!(body.contains(r#""region":"us-east-1""#), "{body}");
        assert!(body.contains(r#""service":"execute-api""#), "{body}");
        assert!(stderr(&out).contains("local gateway"), "{}", stderr(&out));
    }
    let (_child, url) = gateway_subcommand(&[]);
    let out = awssig_unconfigured(dir.path())
        .arg("curl")
        .arg(format!("{url}/prod/"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn the_region_comes_from_aws_region_when_the_host_names_none() {
    let gw = Gateway::spawn(GatewayConfig::new(Verifier::new(
        Credentials::new(AKID, SECRET),
        "eu-west-1",
        "execute-api",
    )))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for var in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
        let out = awssig(dir.path(), SECRET)
            .env(var, "eu-west-1")
            .arg("curl")
            .arg(format!("{}/prod/", gw.url()))
            .output()
            .unwrap();
        assert!(out.status.success(), "{var}: {}", stderr(&out));
        assert!(stdout(&out).contains(r#""region":"eu-west-1""#));
    }
}

#[test]
fn a_host_that_says_neither_region_nor_service_asks_for_the_flags() {
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "https://api.example.invalid/v1/items"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("--region"), "{err}");
    let out = awssig(dir.path(), SECRET)
        .args([
            "curl",
            "--region",
            "us-east-1",
            "https://api.example.invalid/v1/items",
        ])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(err.contains("--service"), "{err}");
    assert!(
        !err.contains("infer_scope") && !err.contains("Signer::"),
        "{err}"
    );
}

#[test]
fn the_gateway_accepts_temporary_credentials_given_with_their_token() {
    let dir = tempfile::tempdir().unwrap();
    let token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ==";
    let (_child, url) = gateway_subcommand(&["--credentials", &format!("{AKID}:{SECRET}:{token}")]);
    let send = |token: Option<&str>| {
        let mut cmd = awssig_unconfigured(dir.path());
        cmd.args(["curl", "--access_key", AKID, "--secret_key", SECRET]);
        if let Some(t) = token {
            cmd.args(["--session_token", t]);
        }
        cmd.arg(format!("{url}/prod/")).output().unwrap()
    };
    let ok = send(Some(token));
    assert!(ok.status.success(), "{}", stderr(&ok));
    let missing = send(None);
    assert_eq!(missing.status.code(), Some(22), "{}", stdout(&missing));
}

#[test]
fn output_writes_the_body_to_a_file() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.json");
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "-o"])
        .arg(&file)
        .arg(format!("{}/prod/items", gw.url()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let written = std::fs::read_to_string(&file).unwrap();
    assert!(written.contains(r#""path":"/prod/items""#), "{written}");
}

/// A server on 127.0.0.1 that answers every connection with `response`, then closes it; or
/// never answers when `response` is `None`.
fn raw_server(response: Option<String>) -> (String, std::thread::JoinHandle<()>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        if let Ok((mut conn, _)) = listener.accept() {
            use std::io::{Read, Write};
            let mut buf = [0u8; 4096];
            let _ = conn.read(&mut buf);
            match response {
                Some(r) => {
                    let _ = conn.write_all(r.as_bytes());
                }
                None => std::thread::sleep(std::time::Duration::from_secs(3)),
            }
        }
    });
    (url, handle)
}

#[test]
fn location_follows_a_redirect_and_signs_the_new_request() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let target = format!("{}/prod/moved", gw.url());
    let (url, server) = raw_server(Some(format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {target}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )));
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "-L"])
        .arg(format!("{url}/prod/old"))
        .output()
        .unwrap();
    server.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(r#""path":"/prod/moved""#),
        "{}",
        stdout(&out)
    );

    // Without -L the redirect is the answer, as with curl.
    let (url, server) = raw_server(Some(format!(
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: {target}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )));
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "-i"])
        .arg(format!("{url}/prod/old"))
        .output()
        .unwrap();
    server.join().unwrap();
    assert!(stdout(&out).starts_with("HTTP/1.1 307"), "{}", stdout(&out));
}

#[test]
fn network_errors_print_their_cause_and_max_time_bounds_the_wait() {
    let dir = tempfile::tempdir().unwrap();
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = awssig(dir.path(), SECRET)
        .arg("curl")
        .arg(format!("http://127.0.0.1:{port}/"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("Connection refused"), "{err}");

    let (url, server) = raw_server(None);
    let started = std::time::Instant::now();
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "--max-time", "0.5"])
        .arg(format!("{url}/"))
        .output()
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    server.join().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("timed out"), "{}", stderr(&out));
}

#[test]
fn presign_expiry_outside_seven_days_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = awssig(dir.path(), SECRET)
        .args(["presign", "--expires", "999999"])
        .arg("https://b.s3.us-east-1.amazonaws.com/k")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn after_a_403_with_saved_files_the_advice_names_them() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let (req, resp) = (dir.path().join("r.http"), dir.path().join("s.http"));
    let out = awssig(dir.path(), "wrong")
        .arg("curl")
        .arg("--save-request")
        .arg(&req)
        .arg("--save-response")
        .arg(&resp)
        .arg(format!("{}/prod/", gw.url()))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(22));
    let err = stderr(&out);
    assert!(!err.contains("repeat with --save-request"), "{err}");
    assert!(
        err.contains(&format!("awssig diagnose --request {}", req.display())),
        "{err}"
    );
}

#[test]
fn upload_file_streams_any_file_as_signed_aws_chunked_without_a_progress_bar_when_piped() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.bin");
    let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &data).unwrap();
    let out = awssig(dir.path(), SECRET)
        .args(["curl", "-T"])
        .arg(&file)
        .arg(format!("{}/prod/upload", gw.url()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let body = stdout(&out);
    assert!(body.contains(r#""method":"PUT""#), "{body}");
    assert!(body.contains(r#""bodyLength":300000"#), "{body}");
    let sha = {
        use sha2::Digest;
        hex::encode(sha2::Sha256::digest(&data))
    };
    assert!(body.contains(&format!(r#""bodySha256":"{sha}""#)), "{body}");
    assert!(body.contains("x-amz-decoded-content-length"), "{body}");
    // Piped: no progress bar.
    let err = stderr(&out);
    assert!(!err.contains("left") && !err.contains('\r'), "{err:?}");
}

#[test]
fn upload_file_draws_a_progress_bar_on_a_terminal_and_clears_it_before_the_answer() {
    let gw = gateway();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("data.bin");
    let data: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    std::fs::write(&file, &data).unwrap();
    // The binary on a pseudo-terminal (Python's `pty`, which copies what the terminal shows,
    // stdout and stderr together, to its own stdout).
    let mut cmd = Command::new("python3");
    isolate(&mut cmd, dir.path(), SECRET);
    let out = cmd
        .args([
            "-c",
            "import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)",
        ])
        .arg(assert_cmd::cargo::cargo_bin("awssig"))
        .args(["curl", "-T"])
        .arg(&file)
        .args(SCOPE)
        .arg(format!("{}/prod/upload", gw.url()))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let screen = stdout(&out);
    // The bar: bytes sent of the total, and what is left; each redraw returns to the line's
    // start and erases it.
    assert!(screen.contains("/2.86 MiB ["), "{screen:?}");
    assert!(screen.contains(" left"), "{screen:?}");
    let clear = "\r\x1b[2K";
    let (bar, answer) = screen.rsplit_once(clear).expect("the bar is cleared");
    assert!(bar.contains(" left"), "{bar:?}");
    // After the last erase, only the gateway's answer.
    assert!(answer.starts_with(r#"{"method":"PUT""#), "{answer:?}");
    assert!(answer.contains(r#""bodyLength":3000000"#), "{answer:?}");
}

/// A TLS front on 127.0.0.1 with a self-signed certificate for that address, passing each
/// connection's bytes to `upstream` unchanged.
fn tls_front(upstream: std::net::SocketAddr) -> Served {
    let certified = rcgen::generate_simple_self_signed(vec!["127.0.0.1".to_string()]).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(certified.signing_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(std::sync::Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![certified.cert.der().clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(std::sync::Arc::new(config));
    let (runtime, listener) = runtime_and_listener();
    let url = format!("https://{}", listener.local_addr().unwrap());
    runtime.spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake here.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut up) = tokio::net::TcpStream::connect(upstream).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut up).await;
            });
        }
    });
    Served {
        url,
        _runtime: runtime,
    }
}

#[test]
fn insecure_accepts_a_self_signed_certificate_that_is_refused_without_it() {
    let gw = gateway();
    let front = tls_front(gw.addr());
    let dir = tempfile::tempdir().unwrap();
    let url = format!("{}/prod/items", front.url);

    let refused = awssig(dir.path(), SECRET)
        .arg("curl")
        .args(SCOPE)
        .arg(&url)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1), "{}", stderr(&refused));
    let err = stderr(&refused).to_ascii_lowercase();
    assert!(err.contains("certificate"), "{err}");
    assert!(stdout(&refused).is_empty(), "{}", stdout(&refused));

    let accepted = awssig(dir.path(), SECRET)
        .args(["curl", "-k"])
        .args(SCOPE)
        .arg(&url)
        .output()
        .unwrap();
    assert!(accepted.status.success(), "{}", stderr(&accepted));
    // The gateway behind the front verified the signature, over the host the client sent.
    let body = stdout(&accepted);
    assert!(body.contains(r#""accessKeyId":"AKIDEXAMPLE""#), "{body}");
    assert!(body.contains(r#""path":"/prod/items""#), "{body}");
}
