//! Signatures made by botocore (an independent implementation, from the moto venv that
//! `scripts/install-verifiers.sh` makes) are accepted by the Verifier: header and presigned,
//! generic and S3 rules, with and without a session token; and rejected once tampered.

use crate::common;

use std::process::Command;

use awssig::{
    Credentials, Payload, Settings, SignableRequest, Verifier, VerifyError, verify::UnsignedPayload,
};
use serde_json::Value;

fn botocore_requests() -> Vec<Value> {
    let python = common::servers::locate(
        "AWSSIG_MOTO_PYTHON",
        "target/verifiers/moto/bin/python",
        "moto's Python",
    );
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/it/botocore/sign.py");
    let out = Command::new(python).arg(script).output().unwrap();
    assert!(
        out.status.success(),
        "sign.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn verifier(case: &Value) -> Verifier {
    let mut creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    if let Some(t) = case["token"].as_str() {
        creds = creds.with_session_token(t);
    }
    let v = Verifier::new(creds, "us-east-1", case["service"].as_str().unwrap());
    if case["s3"] == Value::Bool(true) {
        v.with_settings(Settings::s3())
            .with_unsigned_payload(UnsignedPayload::Allowed)
    } else {
        v
    }
}

fn verify(case: &Value, method: &str) -> Result<awssig::verify::Verified, VerifyError> {
    let mut req = SignableRequest::new(method, case["url"].as_str().unwrap());
    for h in case["headers"].as_array().unwrap() {
        req.push_header(h[0].as_str().unwrap(), h[1].as_str().unwrap().as_bytes());
    }
    let body = case["body"].as_str().unwrap().as_bytes();
    verifier(case).verify_request_at(&req, Payload::Bytes(body), common::suite_time())
}

#[test]
fn botocore_signatures_verify_and_tampered_ones_do_not() {
    let cases = botocore_requests();
    assert_eq!(cases.len(), 6, "sign.py signs six requests");
    for case in &cases {
        let name = case["name"].as_str().unwrap();
        let method = case["method"].as_str().unwrap();
        let v = verify(case, method).unwrap_or_else(|e| panic!("{name}: {e:?}"));
        assert_eq!(v.presigned(), name.contains("query-get"), "{name}");
        let other = if method == "GET" { "HEAD" } else { "GET" };
        assert_eq!(
            verify(case, other).unwrap_err(),
            VerifyError::SignatureMismatch,
            "{name}"
        );
    }
}
