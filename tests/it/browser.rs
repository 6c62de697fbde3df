//! A real browser uploads through a form made from a `PostPolicy`: headless Chromium (Debian's
//! `chromium`, driven by `puppeteer-core`, both installed by `scripts/install-verifiers.sh`)
//! loads the `browser_upload` example's page from 127.0.0.1, picks a file, submits; the
//! object read back is byte-identical. A file over the policy's limit ends on S3's
//! `EntityTooLarge`.

use crate::common::servers::locate;

use std::path::Path;
use std::process::Command;

use awssig::Credentials;
use serde_json::Value;

#[path = "../../examples/browser_upload/app.rs"]
mod app;

/// Runs the browser on `page` with `file` picked; returns the status and body it ends on.
fn browse(page: &str, file: &Path) -> (u64, String) {
    let chromium = locate(
        "AWSSIG_CHROMIUM",
        "/usr/bin/chromium",
        "chromium (Debian package)",
    );
    let puppeteer = locate(
        "AWSSIG_PUPPETEER_PACKAGE_JSON",
        "target/verifiers/node/node_modules/puppeteer-core/package.json",
        "puppeteer-core (npm)",
    );
    let modules = puppeteer.parent().unwrap().parent().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/browser/upload.mjs");
    let out = Command::new("node")
        .arg(script)
        .arg(modules)
        .arg(&chromium)
        .arg(page)
        .arg(file)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the browser script failed: {}\n{}",
        String::from_utf8_lossy(&out.stderr),
        String::from_utf8_lossy(&out.stdout)
    );
    let line: Value = serde_json::from_slice(&out.stdout).unwrap();
    (
        line["status"].as_u64().unwrap(),
        line["body"].as_str().unwrap().to_owned(),
    )
}

#[test]
fn headless_chromium_uploads_through_a_post_policy_form_and_the_object_reads_back_exactly() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let running = rt.block_on(app::start(creds, "us-east-1")).unwrap();
    let dir = tempfile::tempdir().unwrap();

    let data: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 256) as u8).collect();
    let file = dir.path().join("holiday photo.jpg");
    std::fs::write(&file, &data).unwrap();
    let (status, body) = browse(&running.page_url(), &file);
    assert_eq!(status, 201, "{body}");
    assert!(
        body.contains("<Key>uploads/holiday photo.jpg</Key>"),
        "{body}"
    );
    let stored = running
        .store
        .lock()
        .unwrap()
        .get("uploads/holiday photo.jpg")
        .cloned();
    assert_eq!(
        stored.as_deref(),
        Some(data.as_slice()),
        "the stored object differs"
    );

    let big = dir.path().join("big.bin");
    std::fs::write(&big, vec![0u8; app::MAX_FILE as usize + 1]).unwrap();
    let (status, body) = browse(&running.page_url(), &big);
    assert_eq!(status, 400, "{body}");
    assert!(body.contains("EntityTooLarge"), "{body}");
    assert!(
        !running
            .store
            .lock()
            .unwrap()
            .contains_key("uploads/big.bin")
    );

    rt.block_on(running.stop());
}
