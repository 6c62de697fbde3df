//! SigV4a (`AWS4-ECDSA-P256-SHA256`): awssig's signing against `aws-sigv4`'s (feature
//! `sigv4a`) on get-vanilla, and awssig's verification (public key cached) against one bare
//! P-256 verification of the same string to sign, in one criterion run, then in paired rounds
//! (see BENCHMARKS.md, "SigV4a").
//!
//! Before anything is timed, both signers sign get-vanilla once and the signatures are
//! asserted equal (both use RFC 6979 nonces over the same derived key), and the bare
//! verification is asserted to accept awssig's signature and refuse a changed one.
//!
//! Run: `cargo bench --bench sigv4a`.

// The shared parts; each bench uses some of them.
#[allow(dead_code)]
#[path = "common/inputs.rs"]
mod inputs;
#[allow(dead_code)]
#[path = "common/paired.rs"]
mod paired;

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_smithy_runtime_api::client::identity::Identity;
use awssig::{Credentials, Payload, Signer, Verifier};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{DerSignature, VerifyingKey};

use inputs::{AKID, SECRET, SUITE_TIME, at, get_vanilla, signature_of};
use paired::{paired_ratio, report};

const REGION_SET: &str = "us-east-1";

fn ours() -> Signer {
    Signer::new_v4a(Credentials::new(AKID, SECRET), REGION_SET, "service")
}

fn identity() -> Identity {
    aws_credential_types::Credentials::new(AKID, SECRET, None, None, "bench").into()
}

/// Signs `req` with aws-sigv4's SigV4a, as the AWS SDK does: view it as a `SignableRequest`,
/// sign, apply the instructions. Returns the signature.
fn aws_sign_v4a<B>(identity: &Identity, time: SystemTime, req: &mut http::Request<B>) -> String {
    let params = aws_sigv4::sign::v4a::SigningParams::builder()
        .identity(identity)
        .region_set(REGION_SET)
        .name("service")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .expect("complete params")
        .into();
    let output = {
        let headers = req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().expect("ASCII header")));
        let signable = SignableRequest::new(
            req.method().as_str(),
            req.uri().to_string(),
            headers,
            SignableBody::Bytes(b""),
        )
        .expect("signable");
        sign(signable, &params).expect("signed")
    };
    let (instructions, signature) = output.into_parts();
    instructions.apply_to_request_http1x(req);
    signature
}

/// The verification case: get-vanilla signed by awssig's SigV4a signer, the verifier (its
/// public key cached by one verification before timing), and the bare P-256 verification of
/// the same string to sign with the suite's key.
struct VerifyCase {
    req: http::Request<&'static [u8]>,
    verifier: Verifier,
    key: VerifyingKey,
    string_to_sign: String,
    signature: DerSignature,
}

impl VerifyCase {
    fn new() -> Self {
        let time = at(SUITE_TIME);
        let signer = ours();
        let mut req = get_vanilla();
        signer.sign_at(&mut req, time).expect("signed");
        let ex = signer
            .explain_at(&get_vanilla(), Payload::Bytes(b""), time)
            .expect("explained");
        let string_to_sign = ex.string_to_sign().to_string();
        let signature_hex = signature_of(&req);
        assert_eq!(signature_hex, ex.signature());
        let der = hex::decode(&signature_hex).expect("hex");
        let signature = DerSignature::try_from(der.as_slice()).expect("DER");
        let key = VerifyingKey::from_sec1_bytes(&signer.public_key().expect("a SigV4a key"))
            .expect("a point");
        assert!(key.verify(string_to_sign.as_bytes(), &signature).is_ok());
        assert!(
            key.verify(format!("{string_to_sign}x").as_bytes(), &signature)
                .is_err(),
            "the bare verification checks the message"
        );
        let verifier = Verifier::new(Credentials::new(AKID, SECRET), "us-east-1", "service");
        let case = Self {
            req,
            verifier,
            key,
            string_to_sign,
            signature,
        };
        // Also caches the public key.
        assert!(case.verify(), "awssig accepts the request");
        case
    }

    fn verify(&self) -> bool {
        let req = black_box(&self.req);
        self.verifier
            .verify_at(req, Payload::Bytes(req.body()), black_box(at(SUITE_TIME)))
            .is_ok()
    }

    fn bare(&self) -> bool {
        black_box(&self.key)
            .verify(
                black_box(self.string_to_sign.as_bytes()),
                black_box(&self.signature),
            )
            .is_ok()
    }
}

fn sign_group(c: &mut Criterion) {
    let signer = ours();
    let identity = identity();
    let time = at(SUITE_TIME);
    let mut a = get_vanilla();
    signer.sign_at(&mut a, time).expect("signed");
    let mut b = get_vanilla();
    let theirs = aws_sign_v4a(&identity, time, &mut b);
    assert_eq!(
        signature_of(&a),
        theirs,
        "both crates sign get-vanilla alike (RFC 6979)"
    );
    let mut g = c.benchmark_group("sigv4a_sign_get_vanilla");
    g.bench_function("awssig", |bch| {
        bch.iter_batched(
            get_vanilla,
            |mut r| {
                signer.sign_at(&mut r, black_box(time)).expect("signed");
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("aws-sigv4", |bch| {
        bch.iter_batched(
            get_vanilla,
            |mut r| {
                aws_sign_v4a(&identity, black_box(time), &mut r);
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn verify_group(c: &mut Criterion) {
    let case = VerifyCase::new();
    let mut g = c.benchmark_group("sigv4a_verify_get_vanilla");
    g.bench_function("p256_verify", |b| b.iter(|| case.bare()));
    g.bench_function("awssig", |b| b.iter(|| case.verify()));
    g.finish();
}

fn paired(_: &mut Criterion) {
    let signer = ours();
    let identity = identity();
    let time = at(SUITE_TIME);
    let case = VerifyCase::new();
    let results = [
        (
            "sigv4a_aws_sigv4_over_awssig_sign",
            paired_ratio(
                200,
                get_vanilla,
                |mut r| {
                    signer.sign_at(&mut r, black_box(time)).expect("signed");
                    r
                },
                |mut r| {
                    aws_sign_v4a(&identity, black_box(time), &mut r);
                    r
                },
            ),
        ),
        (
            "sigv4a_awssig_verify_over_p256_verify",
            paired_ratio(200, || (), |()| case.bare(), |()| case.verify()),
        ),
    ];
    report("paired_sigv4a.json", &results);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(30);
    targets = sign_group, verify_group, paired
}
criterion_main!(benches);
