//! The `aws-config` adapter: credentials from a temporary profile file and from the environment,
//! through the official credential chain, sign requests the local gateway accepts.
//!
//! The chain reads the process environment, and changing it needs `unsafe` (forbidden in this
//! crate), so each test runs itself again as a child process with the environment it needs.

use std::path::Path;
use std::process::Command;

use crate::common;

use awssig::gateway::{Gateway, GatewayConfig};
use awssig::{Credentials, Verifier, provider::ProvidedSigner};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

const CHILD: &str = "AWSSIG_AWS_CONFIG_CHILD";

/// Runs `test` again in a child process with `env` (every other `AWS_*` variable removed) and
/// asserts that it passed.
fn run_child(test: &str, env: &[(&str, &str)]) {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    let name = common::test_name(module_path!(), test);
    cmd.args([name.as_str(), "--exact", "--nocapture"]);
    for (k, _) in std::env::vars() {
        if k.starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env(CHILD, "1").env("AWS_EC2_METADATA_DISABLED", "true");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child {test} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// In the child: load the default chain, sign a request for the gateway with it, and check the
/// gateway's answer.
async fn sign_through_the_chain(profile: Option<&str>, expected_key: &str, expected_region: &str) {
    let chain = awssig::provider::aws_config::load_default_chain(profile).await;
    assert_eq!(chain.region(), Some(expected_region));
    let signer = ProvidedSigner::new(chain.into_cache(), expected_region, "execute-api");
    let gw = Gateway::spawn(GatewayConfig::new(Verifier::new(
        vec![
            Credentials::new("AKIDPROFILE", "profile-secret"),
            Credentials::new("ASIAENV", "env-secret").with_session_token("env-token"),
        ],
        expected_region,
        "execute-api",
    )))
    .unwrap();
    let mut req = http::Request::post(format!("{}/prod/items", gw.url()))
        .body(Bytes::from_static(b"{\"a\":1}"))
        .unwrap();
    signer.sign_async(&mut req).await.unwrap();
    let (parts, body) = req.into_parts();
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let resp = client
        .request(http::Request::from_parts(parts, Full::new(body)))
        .await
        .unwrap();
    let status = resp.status();
    let text = String::from_utf8(
        resp.into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec(),
    )
    .unwrap();
    assert_eq!(status, 200, "{text}");
    assert!(text.contains(expected_key), "{text}");
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

#[tokio::test]
async fn credentials_from_a_profile_file_sign_accepted_requests() {
    if std::env::var_os(CHILD).is_some() {
        sign_through_the_chain(Some("tester"), "AKIDPROFILE", "eu-west-1").await;
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let credentials = write(
        dir.path(),
        "credentials",
        "[default]\naws_access_key_id = AKIDWRONG\naws_secret_access_key = wrong\n\n\
         [tester]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = profile-secret\n",
    );
    let config = write(
        dir.path(),
        "config",
        "[profile tester]\nregion = eu-west-1\n",
    );
    run_child(
        "credentials_from_a_profile_file_sign_accepted_requests",
        &[
            ("AWS_SHARED_CREDENTIALS_FILE", &credentials),
            ("AWS_CONFIG_FILE", &config),
        ],
    );
}

#[tokio::test]
async fn credentials_from_the_environment_sign_accepted_requests() {
    if std::env::var_os(CHILD).is_some() {
        sign_through_the_chain(None, "ASIAENV", "us-west-2").await;
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // An empty config, so a developer's own ~/.aws files cannot interfere.
    let empty = write(dir.path(), "empty", "");
    run_child(
        "credentials_from_the_environment_sign_accepted_requests",
        &[
            ("AWS_ACCESS_KEY_ID", "ASIAENV"),
            ("AWS_SECRET_ACCESS_KEY", "env-secret"),
            ("AWS_SESSION_TOKEN", "env-token"),
            ("AWS_REGION", "us-west-2"),
            ("AWS_SHARED_CREDENTIALS_FILE", &empty),
            ("AWS_CONFIG_FILE", &empty),
        ],
    );
}

#[tokio::test]
async fn a_missing_profile_is_a_provider_error_not_a_panic() {
    if std::env::var_os(CHILD).is_some() {
        let chain = awssig::provider::aws_config::load_default_chain(Some("nobody")).await;
        let err = chain.into_cache().credentials_async().await.unwrap_err();
        assert!(matches!(err, awssig::ProviderError::Provider(_)), "{err:?}");
        println!("provider error: {err}");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "empty", "");
    run_child(
        "a_missing_profile_is_a_provider_error_not_a_panic",
        &[
            ("AWS_SHARED_CREDENTIALS_FILE", &empty),
            ("AWS_CONFIG_FILE", &empty),
        ],
    );
}
