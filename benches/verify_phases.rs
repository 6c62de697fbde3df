//! Where a verification's time and heap allocations go: awssig's `Verifier` on the two requests
//! of `benches/verify.rs`, taken apart at its public seams, beside the crypto floor with and
//! without a cached signing key (see BENCHMARKS.md, "Verification").
//!
//! Not criterion: each phase is timed over a batch of calls, the batch repeated, and the median
//! printed, then its heap allocations per call are counted exactly. `allocation-counter` is this
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

/// The median over `REPEATS` batches of the time per call of `f`, in nanoseconds.
fn time_ns<R>(mut f: impl FnMut() -> R) -> f64 {
    for _ in 0..BATCH {
        black_box(f());
    }
    let mut per_call: Vec<f64> = (0..REPEATS)
        .map(|_| {
            let t0 = Instant::now();
            for _ in 0..BATCH {
                black_box(f());
            }
            t0.elapsed().as_secs_f64() * 1e9 / f64::from(BATCH)
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    per_call[REPEATS / 2]
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
    let rows: Vec<(&str, f64, u64)> = vec![
        (
            "floor (cached key)",
            time_ns(|| floor.verify(black_box(&claimed))),
            allocations(|| floor.verify(&claimed)),
        ),
        (
            "floor, key derived per request",
            time_ns(|| floor.verify_deriving_key(black_box(&claimed))),
            allocations(|| floor.verify_deriving_key(&claimed)),
        ),
        ("Verifier::verify_at", time_ns(verify), allocations(verify)),
        (
            "  SignableRequest::from(&http::Request)",
            time_ns(|| SignableRequest::from(black_box(req))),
            allocations(|| SignableRequest::from(req)),
        ),
        (
            "  authenticate_at (headers only)",
            time_ns(authenticate),
            allocations(authenticate),
        ),
        (
            "  authenticate_at + verify_payload",
            time_ns(both_halves),
            allocations(both_halves),
        ),
        (
            "  Credentials::clone (the lookup's answer)",
            time_ns(|| black_box(creds).clone()),
            allocations(|| creds.clone()),
        ),
    ];
    println!("{name}");
    for (phase, ns, allocs) in rows {
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
