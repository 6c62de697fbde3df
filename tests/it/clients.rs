//! Real S3 clients upload through `VerifyLayer`: boto3 (the latest from PyPI) and
//! `@aws-sdk/client-s3` (the latest from npm), both with their default checksum settings, PUT
//! small and multi-MiB objects to a minimal S3-like store behind `VerifyLayer` (service `s3`,
//! `Settings::s3()`, unsigned payloads allowed as S3 does), over HTTPS on 127.0.0.1 with a
//! throwaway CA, with static and with temporary credentials, and GET them back. Over HTTPS both
//! SDKs send PutObject as `aws-chunked` (`STREAMING-UNSIGNED-PAYLOAD-TRAILER` with a CRC32
//! trailer, which `VerifyLayer` checks); the tests record the `x-amz-content-sha256` forms each
//! client sent and require a `STREAMING-*` PUT, so they prove what they claim.
//! `scripts/install-verifiers.sh` installs both clients under target/verifiers/.

use crate::common::servers::locate;

use std::collections::{BTreeSet, HashMap};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use awssig::tower::VerifyLayer;
use awssig::verify::UnsignedPayload;
use awssig::{Credentials, Settings, Verifier};
use bytes::Bytes;
use tower::{ServiceBuilder, ServiceExt};

const STATIC: (&str, &str) = ("AKIACLIENTSTATIC", "static/client+secret=EXAMPLE");
const TEMPORARY: (&str, &str, &str) = (
    "ASIACLIENTTEMPORARY",
    "temporary/client+secret=EXAMPLE",
    "FwoGZXIvYXdzEXAMPLE//session+token=",
);

/// 5 bytes and 5 MiB plus a little (many 64 KiB chunks and a short last one).
const SIZES: [usize; 2] = [5, 5 * 1024 * 1024 + 17];

fn data(size: usize) -> Vec<u8> {
    (0..size).map(|j| ((j * 7 + size) % 256) as u8).collect()
}

/// What the store saw: objects by path, and the `x-amz-content-sha256` of every request.
#[derive(Default)]
struct Seen {
    objects: Mutex<HashMap<String, Bytes>>,
    forms: Mutex<BTreeSet<(String, String)>>,
    refusals: Mutex<Vec<String>>,
}

/// The HTTPS store, served from its own runtime; dropped, it stops.
struct Store {
    addr: SocketAddr,
    ca_pem: PathBuf,
    seen: Arc<Seen>,
    runtime: Option<tokio::runtime::Runtime>,
    _dir: tempfile::TempDir,
}

impl Drop for Store {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

/// A throwaway CA and a certificate for 127.0.0.1 it signed; the CA's PEM goes to `dir`.
fn tls(dir: &Path) -> (rustls::ServerConfig, PathBuf) {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(DnType::CommonName, "awssig interop test CA");
    ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let mut leaf =
        CertificateParams::new(vec!["127.0.0.1".to_string(), "localhost".into()]).unwrap();
    leaf.distinguished_name
        .push(DnType::CommonName, "127.0.0.1");
    leaf.use_authority_key_identifier_extension = true;
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
    let leaf_cert = leaf.signed_by(&leaf_key, &issuer).unwrap();
    let ca_pem = dir.join("ca.pem");
    std::fs::write(&ca_pem, ca_cert.pem()).unwrap();
    let key = rustls::pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into());
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![leaf_cert.der().clone()], key)
    .unwrap();
    (config, ca_pem)
}

/// Starts the store behind `VerifyLayer` on 127.0.0.1 over HTTPS.
fn store() -> Store {
    use axum::Router;
    use axum::body::Body;
    use axum::extract::State;
    use axum::routing::any;
    use http::{Method, StatusCode, Uri};

    let dir = tempfile::tempdir().unwrap();
    let (config, ca_pem) = tls(dir.path());
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let seen = Arc::new(Seen::default());
    let verifier = Verifier::new(
        vec![
            Credentials::new(STATIC.0, STATIC.1),
            Credentials::new(TEMPORARY.0, TEMPORARY.1).with_session_token(TEMPORARY.2),
        ],
        "us-east-1",
        "s3",
    )
    .with_settings(Settings::s3())
    // As S3 does: both SDKs' PutObject over HTTPS is STREAMING-UNSIGNED-PAYLOAD-TRAILER, whose
    // chunks are covered by the trailing checksum, not by the signature.
    .with_unsigned_payload(UnsignedPayload::Allowed);

    async fn object(
        State(seen): State<Arc<Seen>>,
        method: Method,
        uri: Uri,
        body: Bytes,
    ) -> (StatusCode, Body) {
        let mut objects = seen.objects.lock().unwrap();
        match method {
            Method::PUT => {
                objects.insert(uri.path().to_string(), body);
                (StatusCode::OK, Body::empty())
            }
            Method::GET => match objects.get(uri.path()) {
                Some(b) => (StatusCode::OK, Body::from(b.clone())),
                None => (
                    StatusCode::NOT_FOUND,
                    Body::from("<Error><Code>NoSuchKey</Code></Error>"),
                ),
            },
            _ => (StatusCode::METHOD_NOT_ALLOWED, Body::empty()),
        }
    }
    let router = Router::new()
        .route("/{*path}", any(object))
        .with_state(seen.clone())
        .layer(axum::extract::DefaultBodyLimit::max(64 * 1024 * 1024));
    let svc = ServiceBuilder::new()
        .layer(VerifyLayer::new(verifier).with_body_limit(64 * 1024 * 1024))
        .service(router);

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let addr = listener.local_addr().unwrap();
    let recorder = seen.clone();
    runtime.spawn(async move {
        loop {
            let Ok((tcp, _)) = listener.accept().await else {
                return;
            };
            let (acceptor, svc, recorder) = (acceptor.clone(), svc.clone(), recorder.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service =
                    hyper::service::service_fn(move |req: http::Request<hyper::body::Incoming>| {
                        let (svc, recorder) = (svc.clone(), recorder.clone());
                        async move {
                            let form = req.headers().get("x-amz-content-sha256").map_or(
                                "(none)".to_string(),
                                |v| {
                                    let v = v.to_str().unwrap_or("?");
                                    if v.len() == 64 {
                                        "<sha256 hex>".to_string()
                                    } else {
                                        v.to_string()
                                    }
                                },
                            );
                            let what = format!(
                                "{} {} {form} {:?}",
                                req.method(),
                                req.uri(),
                                req.headers()
                            );
                            recorder
                                .forms
                                .lock()
                                .unwrap()
                                .insert((req.method().to_string(), form));
                            let res = svc.oneshot(req.map(Body::new)).await?;
                            if res.status().is_success() {
                                return Ok::<_, std::convert::Infallible>(res);
                            }
                            // A refusal: kept with the request head, for the failure message.
                            let (parts, body) = res.into_parts();
                            let body = http_body_util::BodyExt::collect(body)
                                .await
                                .map(|c| c.to_bytes())
                                .unwrap_or_default();
                            recorder.refusals.lock().unwrap().push(format!(
                                "{what}\n  -> {} {}",
                                parts.status,
                                String::from_utf8_lossy(&body)
                            ));
                            Ok(http::Response::from_parts(parts, Body::from(body)))
                        }
                    });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    Store {
        addr,
        ca_pem,
        seen,
        runtime: Some(runtime),
        _dir: dir,
    }
}

/// The static and the temporary credentials, as the client scripts read them.
fn credentials_json() -> String {
    serde_json::json!([
        {"access_key_id": STATIC.0, "secret_access_key": STATIC.1},
        {"access_key_id": TEMPORARY.0, "secret_access_key": TEMPORARY.1, "session_token": TEMPORARY.2},
    ])
    .to_string()
}

/// Runs a client script against `store`, asserts it succeeded, that every object it PUT is
/// stored exactly, and that it sent at least one `aws-chunked` PUT; returns the forms it sent.
fn run_client(store: &Store, mut cmd: Command, prefix: &str) -> BTreeSet<(String, String)> {
    let sizes = SIZES.map(|s| s.to_string()).join(",");
    let out = cmd
        .env("AWSSIG_ENDPOINT", format!("https://{}", store.addr))
        .env("AWSSIG_SIZES", &sizes)
        .env("AWSSIG_CREDENTIALS", credentials_json())
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    eprintln!("{prefix} client:\n{stdout}{stderr}");
    let refusals = store.seen.refusals.lock().unwrap().join("\n");
    assert!(
        out.status.success(),
        "{prefix} client failed ({}):\n{stdout}\n{stderr}\nrefused by the store:\n{refusals}",
        out.status
    );
    let objects = store.seen.objects.lock().unwrap();
    for creds in 0..2 {
        for size in SIZES {
            let path = format!("/bucket/{prefix}/{creds}/object-{size}.bin");
            let stored = objects
                .get(&path)
                .unwrap_or_else(|| panic!("{path} was not stored"));
            assert!(
                stored[..] == data(size)[..],
                "{path}: the stored bytes differ"
            );
        }
    }
    let forms = store.seen.forms.lock().unwrap().clone();
    eprintln!("{prefix}: x-amz-content-sha256 forms sent: {forms:?}");
    assert!(
        forms
            .iter()
            .any(|(m, f)| m == "PUT" && f.starts_with("STREAMING-")),
        "{prefix} sent no aws-chunked PUT, so this test proves nothing about them: {forms:?}"
    );
    forms
}

#[test]
fn boto3_uploads_through_verify_layer_over_https() {
    let python = locate(
        "AWSSIG_CLIENTS_PYTHON",
        "target/verifiers/clients/bin/python",
        "the Python with the latest boto3",
    );
    let store = store();
    let mut cmd = Command::new(python);
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/clients/boto3_put_get.py"
    ))
    .env("AWS_CA_BUNDLE", &store.ca_pem)
    .env_remove("AWS_REQUEST_CHECKSUM_CALCULATION")
    .env_remove("AWS_RESPONSE_CHECKSUM_VALIDATION");
    run_client(&store, cmd, "boto3");
}

#[test]
fn aws_sdk_js_uploads_a_stream_through_verify_layer_over_https() {
    let modules = locate(
        "AWSSIG_SDK_JS_PACKAGE",
        "target/verifiers/node/node_modules/@aws-sdk/client-s3/package.json",
        "@aws-sdk/client-s3",
    );
    let modules = modules.ancestors().nth(3).unwrap().to_path_buf();
    let store = store();
    let mut cmd = Command::new("node");
    cmd.arg(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/it/clients/sdk_js_put_get.mjs"
    ))
    .env("AWSSIG_NODE_MODULES", &modules)
    .env("NODE_EXTRA_CA_CERTS", &store.ca_pem)
    .env_remove("AWS_REQUEST_CHECKSUM_CALCULATION")
    .env_remove("AWS_RESPONSE_CHECKSUM_VALIDATION");
    run_client(&store, cmd, "sdk-js");
}
