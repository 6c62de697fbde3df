//! awssig's `Verifier` against the crypto floor of verifying and against s3s, in one criterion
//! run, then in paired rounds (see BENCHMARKS.md, "Verification").
//!
//! Every request is signed once, outside the timed sections, and each side is first checked to
//! accept it, so all sides do the whole verification. A verification does not consume the
//! request, except s3s's, which takes an owned request: its inputs are made outside the timed
//! section, and so are awssig's in the s3s groups, so that both sides there are alike.
//!
//! Run: `cargo bench --bench verify`.

// The shared parts; each bench uses some of them.
#[allow(dead_code)]
#[path = "common/floor.rs"]
mod floor;
#[allow(dead_code)]
#[path = "common/inputs.rs"]
mod inputs;
#[allow(dead_code)]
#[path = "common/paired.rs"]
mod paired;
#[allow(dead_code)]
#[path = "common/peers.rs"]
mod peers;

use std::hint::black_box;
use std::time::Duration;

use awssig::{Credentials, Payload, Settings, Signer, Verifier};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};

use floor::Floor;
use inputs::{
    AKID, SECRET, SUITE_TIME, TOKEN, api_gateway_post, at, get_vanilla, json_1kib, s3_get_object,
    s3_put_object, signature_of, signed, signer,
};
use paired::{paired_ratio, report};
use peers::{run_now, s3s_request, s3s_service};

/// The signature a request claims, as the floor compares it.
fn claimed<B>(req: &http::Request<B>) -> [u8; 64] {
    signature_of(req)
        .as_bytes()
        .try_into()
        .expect("64 hex digits")
}

fn verifier(token: Option<&str>, service: &str) -> Verifier {
    let mut creds = Credentials::new(AKID, SECRET);
    if let Some(t) = token {
        creds = creds.with_session_token(t);
    }
    Verifier::new(creds, "us-east-1", service)
}

/// One of the two requests the target is stated for: the request signed, the verifier that
/// accepts it, and the floor of verifying it.
struct Case {
    req: http::Request<&'static [u8]>,
    verifier: Verifier,
    floor: Floor,
    claimed: [u8; 64],
}

impl Case {
    fn get_vanilla() -> Self {
        let req = signed(&signer(None, "service"), get_vanilla());
        Self::new(req, verifier(None, "service"), Floor::get_vanilla())
    }

    fn api_gateway_post() -> Self {
        let body: &'static [u8] = json_1kib().leak();
        let req = signed(&signer(Some(TOKEN), "execute-api"), api_gateway_post(body));
        let floor = Floor::api_gateway_post(body);
        Self::new(req, verifier(Some(TOKEN), "execute-api"), floor)
    }

    fn new(req: http::Request<&'static [u8]>, verifier: Verifier, floor: Floor) -> Self {
        let claimed = claimed(&req);
        let case = Self {
            req,
            verifier,
            floor,
            claimed,
        };
        assert!(case.verify(), "awssig accepts the request");
        assert!(case.floor.verify(&case.claimed), "the floor accepts it");
        assert!(case.floor.verify_deriving_key(&case.claimed));
        let mut forged = case.claimed;
        forged[0] ^= 1;
        assert!(
            !case.floor.verify(&forged),
            "the floor checks the signature"
        );
        case
    }

    fn verify(&self) -> bool {
        let req = black_box(&self.req);
        self.verifier
            .verify_at(req, Payload::Bytes(req.body()), black_box(at(SUITE_TIME)))
            .is_ok()
    }
}

fn target_group(c: &mut Criterion, name: &str, case: &Case) {
    let mut g = c.benchmark_group(name);
    g.bench_function("floor", |b| {
        b.iter(|| black_box(&case.floor).verify(black_box(&case.claimed)))
    });
    g.bench_function("floor_deriving_key", |b| {
        b.iter(|| black_box(&case.floor).verify_deriving_key(black_box(&case.claimed)))
    });
    g.bench_function("awssig", |b| b.iter(|| case.verify()));
    g.finish();
}

fn get_vanilla_case(c: &mut Criterion) {
    target_group(c, "v_get_vanilla", &Case::get_vanilla());
}

fn api_gateway_post_case(c: &mut Criterion) {
    target_group(
        c,
        "v_api_gateway_post_1kib_token",
        &Case::api_gateway_post(),
    );
}

/// The S3 requests both verifiers accept (s3s verifies only the `s3` and `sts` services and
/// requires `x-amz-content-sha256`): the request signed under `Settings::s3()`, and awssig's
/// verifier for it.
struct S3Case {
    req: http::Request<&'static [u8]>,
    verifier: Verifier,
}

impl S3Case {
    fn get_object() -> Self {
        Self::new(None, s3_get_object())
    }

    fn put_object() -> Self {
        Self::new(Some(TOKEN), s3_put_object(json_1kib().leak()))
    }

    fn new(token: Option<&str>, req: http::Request<&'static [u8]>) -> Self {
        let mut creds = Credentials::new(AKID, SECRET);
        if let Some(t) = token {
            creds = creds.with_session_token(t);
        }
        let s3_signer = Signer::new(creds.clone(), "us-east-1", "s3").with_settings(Settings::s3());
        let req = signed(&s3_signer, req);
        let verifier = Verifier::new(creds, "us-east-1", "s3").with_settings(Settings::s3());
        let case = Self { req, verifier };
        assert!(case.awssig(case.input()), "awssig accepts the request");
        let service = s3s_service();
        let resp = run_now(service.call(s3s_request(&case.req))).expect("s3s answered");
        assert_eq!(
            resp.status(),
            http::StatusCode::OK,
            "s3s accepts the request"
        );
        let mut forged = s3s_request(&case.req);
        forged
            .uri_mut()
            .clone_from(&"/examplebucket/other".parse().expect("a path"));
        let resp = run_now(service.call(forged)).expect("s3s answered");
        assert_eq!(
            resp.status(),
            http::StatusCode::FORBIDDEN,
            "s3s checks the signature"
        );
        case
    }

    /// A fresh copy of the request, as both sides' inputs are made.
    fn input(&self) -> http::Request<bytes::Bytes> {
        s3s_request(&self.req).map(|mut b| b.take_bytes().expect("an in-memory body"))
    }

    fn awssig(&self, req: http::Request<bytes::Bytes>) -> bool {
        self.verifier
            .verify_at(&req, Payload::Bytes(req.body()), black_box(at(SUITE_TIME)))
            .is_ok()
    }
}

fn s3s_group(c: &mut Criterion, name: &str, case: &S3Case) {
    let service = s3s_service();
    let mut g = c.benchmark_group(name);
    g.bench_function("awssig", |b| {
        b.iter_batched(|| case.input(), |r| case.awssig(r), BatchSize::SmallInput)
    });
    g.bench_function("s3s", |b| {
        b.iter_batched(
            || s3s_request(&case.req),
            |r| run_now(service.call(r)),
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn s3s_get_object(c: &mut Criterion) {
    s3s_group(c, "v_s3s_get_object", &S3Case::get_object());
}

fn s3s_put_object(c: &mut Criterion) {
    s3s_group(c, "v_s3s_put_object_1kib_token", &S3Case::put_object());
}

/// The ratios, from paired rounds; printed and written to `target/criterion/paired_verify.json`
/// for `scripts/bench-table.py`.
fn paired(_: &mut Criterion) {
    let mut results: Vec<(&str, f64)> = Vec::new();
    for (name, n, case) in [
        (
            "v_get_vanilla_awssig_over_floor",
            4_000,
            Case::get_vanilla(),
        ),
        ("v_post_awssig_over_floor", 2_000, Case::api_gateway_post()),
    ] {
        results.push((
            name,
            paired_ratio(
                n,
                || (),
                |()| black_box(&case.floor).verify(black_box(&case.claimed)),
                |()| case.verify(),
            ),
        ));
    }
    let service = s3s_service();
    for (name, case) in [
        ("v_s3s_get_object_s3s_over_awssig", S3Case::get_object()),
        ("v_s3s_put_object_s3s_over_awssig", S3Case::put_object()),
    ] {
        results.push((
            name,
            paired_ratio(
                1_000,
                || (case.input(), s3s_request(&case.req)),
                // Each side returns the other's input, to be dropped outside the timed section.
                |(r, theirs)| (case.awssig(r), theirs),
                |(ours, r)| (run_now(service.call(r)), ours),
            ),
        ));
    }
    report("paired_verify.json", &results);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = get_vanilla_case, api_gateway_post_case, s3s_get_object, s3s_put_object, paired
}
criterion_main!(benches);
