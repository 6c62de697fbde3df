//! Where a verification's time and heap allocations go: awssig's `Verifier` on the two requests
//! of `benches/verify.rs`, taken apart at its public seams, beside the crypto floor with and
//! without a cached signing key (see BENCHMARKS.md, "Verification").
//!
//! Not criterion: each round times a batch of calls of every phase in turn, and the median over
//! the rounds is printed, with each phase's heap allocations per call, counted exactly. `allocation-counter` is this
//! binary's global allocator, which adds a little to every allocation's time; the times here
//! are for comparing phases, the ratios are `benches/verify.rs`'s.
//!
//! Run: `cargo bench --bench verify_phases`.

// The shared parts; each bench uses some of them.
#[allow(dead_code)]
#[path = "common/floor.rs"]
mod floor;
#[allow(dead_code)]
#[path = "common/inputs.rs"]
mod inputs;

use std::hint::black_box;
use std::time::Instant;

use awssig::{Credentials, Payload, SignableRequest, Verifier};

use floor::Floor;
use inputs::{
    AKID, SECRET, SUITE_TIME, TOKEN, api_gateway_post, at, get_vanilla, json_1kib, signature_of,
    signed, signer,
};

const BATCH: u32 = 2_000;
const REPEATS: usize = 21;

/// A phase: its name and one call of it.
type Phase<'a> = (&'static str, Box<dyn FnMut() + 'a>);

/// The median time per call of each phase, in nanoseconds, over `REPEATS` rounds that each
/// time a batch of every phase in turn, so that a slow phase of the shared machine slows all of
/// them alike.
fn times_ns(phases: &mut [Phase<'_>]) -> Vec<f64> {
    let mut samples = vec![Vec::with_capacity(REPEATS); phases.len()];
    for round in 0..=REPEATS {
        for (k, (_, f)) in phases.iter_mut().enumerate() {
            let t0 = Instant::now();
            for _ in 0..BATCH {
                f();
            }
            // Round 0 warms up.
            if round > 0 {
                samples[k].push(t0.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH));
            }
        }
    }
    samples
        .into_iter()
        .map(|mut v| {
            v.sort_by(f64::total_cmp);
            v[REPEATS / 2]
        })
        .collect()
}

/// Heap allocations made by one call of `f` (after one call to warm up caches).
fn allocations<R>(mut f: impl FnMut() -> R) -> u64 {
    black_box(f());
    allocation_counter::measure(|| {
        black_box(f());
    })
    .count_total
}

fn phases(
    name: &str,
    req: &http::Request<&'static [u8]>,
    creds: &Credentials,
    service: &str,
    floor: &Floor,
) {
    let verifier = Verifier::new(creds.clone(), "us-east-1", service);
    let now = at(SUITE_TIME);
    let body = *req.body();
    let claimed: [u8; 64] = signature_of(req)
        .as_bytes()
        .try_into()
        .expect("64 hex digits");
    assert!(floor.verify(&claimed));
    let view = SignableRequest::from(req);
    let verify = || {
        verifier
            .verify_at(black_box(req), Payload::Bytes(body), now)
            .expect("verified")
    };
    let authenticate = || {
        verifier
            .authenticate_at(black_box(&view), now)
            .expect("authenticated")
    };
    let both_halves = || {
        verifier
            .authenticate_at(black_box(&view), now)
            .expect("authenticated")
            .verify_payload(&view, Payload::Bytes(body))
            .expect("verified")
    };
    let allocs = [
        allocations(|| floor.verify(&claimed)),
        allocations(|| floor.verify_deriving_key(&claimed)),
        allocations(verify),
        allocations(|| SignableRequest::from(req)),
        allocations(authenticate),
        allocations(both_halves),
        allocations(|| creds.clone()),
    ];
    let mut phases: Vec<Phase<'_>> = vec![
        (
            "floor (cached key)",
            Box::new(|| {
                black_box(floor.verify(black_box(&claimed)));
            }),
        ),
        (
            "floor, key derived per request",
            Box::new(|| {
                black_box(floor.verify_deriving_key(black_box(&claimed)));
            }),
        ),
        (
            "Verifier::verify_at",
            Box::new(|| {
                black_box(verify());
            }),
        ),
        (
            "  SignableRequest::from(&http::Request)",
            Box::new(|| {
                black_box(SignableRequest::from(black_box(req)));
            }),
        ),
        (
            "  authenticate_at (headers only)",
            Box::new(|| {
                black_box(authenticate());
            }),
        ),
        (
            "  authenticate_at + verify_payload",
            Box::new(|| {
                black_box(both_halves());
            }),
        ),
        (
            "  Credentials::clone (the lookup's answer)",
            Box::new(|| {
                black_box(black_box(creds).clone());
            }),
        ),
    ];
    let times = times_ns(&mut phases);
    println!("{name}");
    for (((phase, _), ns), allocs) in phases.iter().zip(times).zip(allocs) {
        println!("  {phase:<46} {ns:>9.1} ns  {allocs:>3} allocations");
    }
}

/// `--count` (get-vanilla) / `--count-post`: only runs each verification `COUNTED` times, in functions of their own, for
/// `valgrind --tool=callgrind` (whose inclusive counts per function, divided by `COUNTED`, are
/// the instructions per verification; see BENCHMARKS.md).
const COUNTED: usize = 1_000;

#[inline(never)]
fn counted_floor(floor: &Floor, claimed: &[u8; 64]) {
    for _ in 0..COUNTED {
        assert!(black_box(floor).verify(black_box(claimed)));
    }
}

#[inline(never)]
fn counted_floor_deriving_key(floor: &Floor, claimed: &[u8; 64]) {
    for _ in 0..COUNTED {
        assert!(black_box(floor).verify_deriving_key(black_box(claimed)));
    }
}

#[inline(never)]
fn signed_batch(ours: &awssig::Signer, batch: &mut [http::Request<&'static [u8]>]) {
    for r in batch {
        ours.sign_at(black_box(r), at(SUITE_TIME)).expect("signed");
    }
}

#[inline(never)]
fn counted_floor_http_request(floor: &Floor, batch: &mut [http::Request<&'static [u8]>]) {
    for r in batch {
        black_box(floor).sign_request(black_box(r));
    }
}

#[inline(never)]
fn counted_verifier(verifier: &Verifier, req: &http::Request<&'static [u8]>) {
    for _ in 0..COUNTED {
        let req = black_box(req);
        let ok = verifier.verify_at(req, Payload::Bytes(req.body()), at(SUITE_TIME));
        assert!(ok.is_ok());
    }
}

fn count(req: &http::Request<&'static [u8]>, creds: &Credentials, service: &str, floor: &Floor) {
    let verifier = Verifier::new(creds.clone(), "us-east-1", service);
    let claimed: [u8; 64] = signature_of(req)
        .as_bytes()
        .try_into()
        .expect("64 hex digits");
    counted_floor(floor, &claimed);
    counted_floor_deriving_key(floor, &claimed);
    counted_verifier(&verifier, req);
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let args: Vec<String> = std::env::args().collect();
    let arg = |name: &str| args.iter().any(|a| a == name);
    if arg("--count") {
        let creds = Credentials::new(AKID, SECRET);
        let req = signed(&signer(None, "service"), get_vanilla());
        count(&req, &creds, "service", &Floor::get_vanilla());
        return;
    }
    if arg("--count-post") {
        let body: &'static [u8] = json_1kib().leak();
        let creds = Credentials::new(AKID, SECRET).with_session_token(TOKEN);
        let req = signed(&signer(Some(TOKEN), "execute-api"), api_gateway_post(body));
        count(&req, &creds, "execute-api", &Floor::api_gateway_post(body));
        return;
    }
    // `--profile-get-vanilla` / `--profile-post`: only `Verifier::verify_at`, for 10 seconds,
    // for `perf record`.
    if arg("--profile-get-vanilla") || arg("--profile-post") {
        let body: &'static [u8] = json_1kib().leak();
        let (req, creds, service) = if arg("--profile-post") {
            let creds = Credentials::new(AKID, SECRET).with_session_token(TOKEN);
            let req = signed(&signer(Some(TOKEN), "execute-api"), api_gateway_post(body));
            (req, creds, "execute-api")
        } else {
            let req = signed(&signer(None, "service"), get_vanilla());
            (req, Credentials::new(AKID, SECRET), "service")
        };
        let verifier = Verifier::new(creds, "us-east-1", service);
        let t0 = Instant::now();
        while t0.elapsed().as_secs() < 10 {
            counted_verifier(&verifier, &req);
        }
        return;
    }
    // `--count-sign-at` / `--count-sign-at-post`: `Signer::sign_at` and the floor that writes
    // the headers too (`Floor::sign_request`) on `COUNTED` fresh requests each, in functions of
    // their own, for `valgrind --tool=callgrind` (see BENCHMARKS.md).
    if arg("--count-sign-at") || arg("--count-sign-at-post") {
        let body: &'static [u8] = json_1kib().leak();
        let post = arg("--count-sign-at-post");
        let (ours, floor) = if post {
            (
                signer(Some(TOKEN), "execute-api"),
                Floor::api_gateway_post(body),
            )
        } else {
            (signer(None, "service"), Floor::get_vanilla())
        };
        let fresh = || -> Vec<_> {
            (0..COUNTED)
                .map(|_| {
                    if post {
                        api_gateway_post(body)
                    } else {
                        get_vanilla()
                    }
                })
                .collect()
        };
        counted_floor_http_request(&floor, &mut fresh());
        signed_batch(&ours, &mut fresh());
        return;
    }
    // `--profile-sign-at` / `--profile-sign-at-post`: only `Signer::sign_at` on fresh copies
    // of the request (made in batches outside the loop that signs them), for 10 seconds, for
    // `perf record` (issue 11's `sign_at` against `floor_http_request`).
    if arg("--profile-sign-at") || arg("--profile-sign-at-post") {
        let body: &'static [u8] = json_1kib().leak();
        let post = arg("--profile-sign-at-post");
        let ours = if post {
            signer(Some(TOKEN), "execute-api")
        } else {
            signer(None, "service")
        };
        let t0 = Instant::now();
        while t0.elapsed().as_secs() < 10 {
            let mut batch: Vec<_> = (0..1_000)
                .map(|_| {
                    if post {
                        api_gateway_post(body)
                    } else {
                        get_vanilla()
                    }
                })
                .collect();
            signed_batch(&ours, &mut batch);
        }
        return;
    }
    let creds = Credentials::new(AKID, SECRET);
    let req = signed(&signer(None, "service"), get_vanilla());
    phases(
        "get-vanilla",
        &req,
        &creds,
        "service",
        &Floor::get_vanilla(),
    );

    let body: &'static [u8] = json_1kib().leak();
    let creds = creds.with_session_token(TOKEN);
    let req = signed(&signer(Some(TOKEN), "execute-api"), api_gateway_post(body));
    let floor = Floor::api_gateway_post(body);
    phases(
        "API Gateway POST, 1 KiB, token",
        &req,
        &creds,
        "execute-api",
        &floor,
    );
}
