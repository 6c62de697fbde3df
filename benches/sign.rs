//! awssig and `aws-sigv4` on the same inputs, in one criterion run (see BENCHMARKS.md).
//!
//! Before each case is measured, both crates sign its input once and the signatures are
//! asserted equal, so the two sides do the same work. Every case signs a fresh, unsigned
//! `http::Request` built outside the timed section, as a client would.
//!
//! Run: `cargo bench --bench sign`.

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
use std::sync::Barrier;
use std::time::{Duration, Instant};

use aws_sigv4::http_request::{SignableBody, SigningSettings};
use aws_smithy_runtime_api::client::identity::Identity;
use awssig::{Credentials, Payload, Settings, Signer};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};

use floor::Floor;
use inputs::{
    S3_EXAMPLE_TIME, SUITE_TIME, TOKEN, api_gateway_post, at, big_put, get_vanilla, json_1kib,
    query_signature, s3_get, signature_of, signer,
};
use paired::{paired_ratio, paired_times};
use peers::{aws_identity, aws_s3_presign_settings, aws_sign};

// ---- cases ---------------------------------------------------------------------------------------

fn get_vanilla_header(c: &mut Criterion) {
    let ours = signer(None, "service");
    let identity = aws_identity(None);
    let time = at(SUITE_TIME);
    let mut a = get_vanilla();
    ours.sign_at(&mut a, time).expect("signed");
    let mut b = get_vanilla();
    let theirs = aws_sign(
        &identity,
        "service",
        SigningSettings::default(),
        time,
        &mut b,
        SignableBody::Bytes(b""),
    );
    assert_eq!(
        signature_of(&a),
        theirs,
        "both crates sign get-vanilla alike"
    );
    assert_eq!(
        theirs,
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );

    let mut g = c.benchmark_group("a_get_vanilla_header");
    g.bench_function("awssig", |bch| {
        bch.iter_batched(
            get_vanilla,
            |mut r| {
                ours.sign_at(&mut r, black_box(time)).expect("signed");
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("aws-sigv4", |bch| {
        bch.iter_batched(
            get_vanilla,
            |mut r| {
                aws_sign(
                    &identity,
                    "service",
                    SigningSettings::default(),
                    black_box(time),
                    &mut r,
                    SignableBody::Bytes(b""),
                );
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn api_gateway_post_case(c: &mut Criterion) {
    let body = json_1kib();
    assert_eq!(body.len(), 1024);
    let ours = signer(Some(TOKEN), "execute-api");
    let identity = aws_identity(Some(TOKEN));
    let time = at(SUITE_TIME);
    let mut a = api_gateway_post(&body);
    ours.sign_at(&mut a, time).expect("signed");
    let mut b = api_gateway_post(&body);
    let theirs = aws_sign(
        &identity,
        "execute-api",
        SigningSettings::default(),
        time,
        &mut b,
        SignableBody::Bytes(&body),
    );
    assert_eq!(signature_of(&a), theirs, "both crates sign the POST alike");
    assert_eq!(
        a.headers()["x-amz-security-token"],
        b.headers()["x-amz-security-token"]
    );
    let floor = Floor::api_gateway_post(&body);
    assert_eq!(
        &floor.sign()[..],
        theirs.as_bytes(),
        "the floor computes the real signature"
    );
    let mut f = api_gateway_post(&body);
    floor.sign_request(&mut f);
    assert_eq!(
        f.headers(),
        a.headers(),
        "the floor writes the headers awssig writes"
    );

    let mut g = c.benchmark_group("b_api_gateway_post_1kib_token");
    g.bench_function("awssig", |bch| {
        bch.iter_batched(
            || api_gateway_post(&body),
            |mut r| {
                ours.sign_at(&mut r, black_box(time)).expect("signed");
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("floor", |bch| bch.iter(|| black_box(&floor).sign()));
    g.bench_function("floor_http_request", |bch| {
        bch.iter_batched(
            || api_gateway_post(&body),
            |mut r| {
                black_box(&floor).sign_request(&mut r);
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("aws-sigv4", |bch| {
        bch.iter_batched(
            || api_gateway_post(&body),
            |mut r| {
                let body = SignableBody::Bytes(r.body());
                aws_sign(
                    &identity,
                    "execute-api",
                    SigningSettings::default(),
                    black_box(time),
                    &mut r,
                    body,
                );
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn s3_presign(c: &mut Criterion) {
    // The AWS documentation's example credentials for this URL.
    let (akid, secret) = (
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    let ours = Signer::new(Credentials::new(akid, secret), "us-east-1", "s3")
        .with_settings(Settings::s3());
    let identity: Identity =
        aws_credential_types::Credentials::new(akid, secret, None, None, "bench").into();
    let time = at(S3_EXAMPLE_TIME);
    let expires = Duration::from_secs(86_400);
    let uri = ours
        .presign_at(&s3_get(), expires, time)
        .expect("presigned");
    let mut b = s3_get();
    let theirs = aws_sign(
        &identity,
        "s3",
        aws_s3_presign_settings(),
        time,
        &mut b,
        SignableBody::UnsignedPayload,
    );
    assert_eq!(query_signature(&uri), theirs, "both crates presign alike");
    // The AWS documentation's example URL carries this signature.
    assert_eq!(
        theirs,
        "aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
    );

    let mut g = c.benchmark_group("c_s3_presigned_get");
    g.bench_function("awssig", |bch| {
        bch.iter_batched(
            s3_get,
            |r| {
                (
                    ours.presign_at(&r, expires, black_box(time))
                        .expect("presigned"),
                    r,
                )
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("aws-sigv4", |bch| {
        bch.iter_batched(
            s3_get,
            |mut r| {
                aws_sign(
                    &identity,
                    "s3",
                    aws_s3_presign_settings(),
                    black_box(time),
                    &mut r,
                    SignableBody::UnsignedPayload,
                );
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn one_mib_body(c: &mut Criterion) {
    let body: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let ours = signer(None, "s3");
    let identity = aws_identity(None);
    let time = at(SUITE_TIME);
    let mut a = big_put(&body);
    ours.sign_at(&mut a, time).expect("signed");
    let mut b = big_put(&body);
    let theirs = aws_sign(
        &identity,
        "s3",
        SigningSettings::default(),
        time,
        &mut b,
        SignableBody::Bytes(&body),
    );
    assert_eq!(
        signature_of(&a),
        theirs,
        "both crates sign the 1 MiB body alike"
    );

    let mut g = c.benchmark_group("d_1mib_body");
    g.throughput(Throughput::Bytes(body.len() as u64));
    g.bench_function("sha2", |bch| {
        bch.iter(|| floor::digest(black_box(&body[..])))
    });
    g.bench_function("awssig", |bch| {
        bch.iter_batched(
            || big_put(&body),
            |mut r| {
                ours.sign_at(&mut r, black_box(time)).expect("signed");
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("aws-sigv4", |bch| {
        bch.iter_batched(
            || big_put(&body),
            |mut r| {
                let body = SignableBody::Bytes(r.body());
                aws_sign(
                    &identity,
                    "s3",
                    SigningSettings::default(),
                    black_box(time),
                    &mut r,
                    body,
                );
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn crypto_floor(c: &mut Criterion) {
    let floor = Floor::get_vanilla();
    let ours = signer(None, "service");
    let time = at(SUITE_TIME);
    let expected = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    assert_eq!(
        &floor.sign()[..],
        expected.as_bytes(),
        "the floor computes the real signature"
    );
    let req = awssig::SignableRequest::new("GET", "/").header("host", "example.amazonaws.com");
    let mut buf = [0u8; 256];
    let n = ours
        .sign_into(&req, Payload::Bytes(b""), time, &mut buf)
        .expect("signed")
        .len();
    assert!(buf[..n].ends_with(expected.as_bytes()));

    let (mut a, mut f) = (get_vanilla(), get_vanilla());
    ours.sign_at(&mut a, time).expect("signed");
    floor.sign_request(&mut f);
    assert_eq!(
        f.headers(),
        a.headers(),
        "the floor writes the headers awssig writes"
    );

    let mut g = c.benchmark_group("e_get_vanilla_vs_floor");
    g.bench_function("floor", |bch| bch.iter(|| black_box(&floor).sign()));
    g.bench_function("awssig_sign_into", |bch| {
        bch.iter(|| {
            ours.sign_into(
                black_box(&req),
                Payload::Bytes(b""),
                black_box(time),
                &mut buf,
            )
            .expect("signed")
        })
    });
    g.bench_function("floor_http_request", |bch| {
        bch.iter_batched(
            get_vanilla,
            |mut r| {
                black_box(&floor).sign_request(&mut r);
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.bench_function("awssig_http_request", |bch| {
        bch.iter_batched(
            get_vanilla,
            |mut r| {
                ours.sign_at(&mut r, black_box(time)).expect("signed");
                r
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

/// Runs `iters` calls of a per-thread task on each of `threads` threads, started together, and
/// returns the wall time until all are done. Each thread makes its task with `make` and calls it
/// once before the start (its first read of a key cache, or its own key derivation).
fn run_threads<W: FnMut()>(threads: usize, iters: u64, make: &(impl Fn() -> W + Sync)) -> Duration {
    let start = Barrier::new(threads + 1);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut work = make();
                    work();
                    start.wait();
                    for _ in 0..iters {
                        work();
                    }
                })
            })
            .collect();
        start.wait();
        let t0 = Instant::now();
        for w in workers {
            w.join().expect("worker");
        }
        t0.elapsed()
    })
}

/// get-vanilla through `sign_into` with `signer` (shared, or the task's own), into a buffer of
/// the task's own.
fn sign_into_task<'r>(
    signer: impl std::borrow::Borrow<Signer> + 'r,
    req: &'r awssig::SignableRequest<'_>,
) -> impl FnMut() + 'r {
    let time = at(SUITE_TIME);
    let mut buf = [0u8; 256];
    move || {
        signer
            .borrow()
            .sign_into(
                black_box(req),
                Payload::Bytes(b""),
                black_box(time),
                &mut buf,
            )
            .expect("signed");
    }
}

fn threads(c: &mut Criterion) {
    let shared = signer(None, "service");
    let req = awssig::SignableRequest::new("GET", "/").header("host", "example.amazonaws.com");
    let run =
        |threads: usize, iters: u64| run_threads(threads, iters, &|| sign_into_task(&shared, &req));
    let run_own = |threads: usize, iters: u64| {
        let make = || sign_into_task(signer(None, "service"), &req);
        run_threads(threads, iters, &make)
    };
    // The control: the crypto floor shares nothing between threads, so its scaling is what the
    // machine itself allows (other processes take cores too).
    let floor = Floor::get_vanilla();
    let run_floor = |threads: usize, iters: u64| {
        run_threads(threads, iters, &|| {
            || {
                black_box(black_box(&floor).sign());
            }
        })
    };

    let mut g = c.benchmark_group("f_shared_signer_threads");
    // One iteration is one signature per thread, so elements/s is the total throughput.
    g.throughput(Throughput::Elements(1));
    g.bench_function("1_thread", |bch| bch.iter_custom(|iters| run(1, iters)));
    g.bench_function("floor_1_thread", |bch| {
        bch.iter_custom(|iters| run_floor(1, iters))
    });
    g.throughput(Throughput::Elements(2));
    g.bench_function("2_threads", |bch| bch.iter_custom(|iters| run(2, iters)));
    g.bench_function("2_threads_own_signers", |bch| {
        bch.iter_custom(|iters| run_own(2, iters))
    });
    g.bench_function("floor_2_threads", |bch| {
        bch.iter_custom(|iters| run_floor(2, iters))
    });
    g.finish();
}

// ---- paired rounds ------------------------------------------------------------------------------

/// The ratios the targets are stated in, from paired rounds; printed and written to
/// `target/criterion/paired.json` for `scripts/bench-table.py`.
fn paired(_: &mut Criterion) {
    let time = at(SUITE_TIME);
    let mut results: Vec<(&str, f64)> = Vec::new();

    let ours = signer(None, "service");
    let identity = aws_identity(None);
    results.push((
        "a_aws_sigv4_over_awssig",
        paired_ratio(
            2_000,
            get_vanilla,
            |mut r| {
                ours.sign_at(&mut r, black_box(time)).expect("signed");
                r
            },
            |mut r| {
                let body = SignableBody::Bytes(b"");
                aws_sign(
                    &identity,
                    "service",
                    SigningSettings::default(),
                    time,
                    &mut r,
                    body,
                );
                r
            },
        ),
    ));

    let body = json_1kib();
    let post_signer = signer(Some(TOKEN), "execute-api");
    let post_identity = aws_identity(Some(TOKEN));
    results.push((
        "b_aws_sigv4_over_awssig",
        paired_ratio(
            1_000,
            || api_gateway_post(&body),
            |mut r| {
                post_signer
                    .sign_at(&mut r, black_box(time))
                    .expect("signed");
                r
            },
            |mut r| {
                let body = SignableBody::Bytes(r.body());
                let settings = SigningSettings::default();
                aws_sign(&post_identity, "execute-api", settings, time, &mut r, body);
                r
            },
        ),
    ));

    // How far the POST can go at all: a signer with no cost beyond the cryptography.
    let post_floor = Floor::api_gateway_post(&body);
    results.push((
        "b_aws_sigv4_over_floor",
        paired_ratio(
            1_000,
            || api_gateway_post(&body),
            |r| (black_box(&post_floor).sign(), r),
            |mut r| {
                let body = SignableBody::Bytes(r.body());
                let settings = SigningSettings::default();
                aws_sign(&post_identity, "execute-api", settings, time, &mut r, body);
                r
            },
        ),
    ));
    results.push((
        "b_aws_sigv4_over_http_floor",
        paired_ratio(
            1_000,
            || api_gateway_post(&body),
            |mut r| {
                black_box(&post_floor).sign_request(&mut r);
                r
            },
            |mut r| {
                let body = SignableBody::Bytes(r.body());
                let settings = SigningSettings::default();
                aws_sign(&post_identity, "execute-api", settings, time, &mut r, body);
                r
            },
        ),
    ));
    results.push((
        "b_awssig_over_floor",
        paired_ratio(
            1_000,
            || api_gateway_post(&body),
            |r| (black_box(&post_floor).sign(), r),
            |mut r| {
                post_signer
                    .sign_at(&mut r, black_box(time))
                    .expect("signed");
                r
            },
        ),
    ));
    // The measure for `sign_at`: against the floor that also writes the headers any
    // signer of an `http::Request` must write.
    results.push((
        "b_awssig_over_http_floor",
        paired_ratio(
            1_000,
            || api_gateway_post(&body),
            |mut r| {
                black_box(&post_floor).sign_request(&mut r);
                r
            },
            |mut r| {
                post_signer
                    .sign_at(&mut r, black_box(time))
                    .expect("signed");
                r
            },
        ),
    ));

    let (akid, secret) = (
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    let s3 = Signer::new(Credentials::new(akid, secret), "us-east-1", "s3")
        .with_settings(Settings::s3());
    let s3_identity: Identity =
        aws_credential_types::Credentials::new(akid, secret, None, None, "bench").into();
    let s3_time = at(S3_EXAMPLE_TIME);
    let expires = Duration::from_secs(86_400);
    results.push((
        "c_aws_sigv4_over_awssig",
        paired_ratio(
            2_000,
            s3_get,
            |r| {
                s3.presign_at(&r, expires, black_box(s3_time))
                    .expect("presigned")
            },
            |mut r| {
                let settings = aws_s3_presign_settings();
                let body = SignableBody::UnsignedPayload;
                aws_sign(&s3_identity, "s3", settings, s3_time, &mut r, body);
                r
            },
        ),
    ));

    let big: Vec<u8> = (0..1u32 << 20)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    let big_signer = signer(None, "s3");
    results.push((
        "d_awssig_over_sha2",
        paired_ratio(
            8,
            || big_put(&big),
            |r| floor::digest(black_box(r.body())),
            |mut r| {
                big_signer.sign_at(&mut r, black_box(time)).expect("signed");
                r
            },
        ),
    ));

    let floor = Floor::get_vanilla();
    let req = awssig::SignableRequest::new("GET", "/").header("host", "example.amazonaws.com");
    let buf = std::cell::RefCell::new([0u8; 256]);
    results.push((
        "e_sign_into_over_floor",
        paired_ratio(
            4_000,
            || (),
            |()| black_box(&floor).sign(),
            |()| {
                let mut buf = buf.borrow_mut();
                ours.sign_into(
                    black_box(&req),
                    Payload::Bytes(b""),
                    black_box(time),
                    &mut *buf,
                )
                .expect("signed")
                .signature()
            },
        ),
    ));
    results.push((
        "e_http_request_over_floor",
        paired_ratio(
            4_000,
            get_vanilla,
            |r| (black_box(&floor).sign(), r),
            |mut r| {
                ours.sign_at(&mut r, black_box(time)).expect("signed");
                r
            },
        ),
    ));
    results.push((
        "e_http_request_over_http_floor",
        paired_ratio(
            4_000,
            get_vanilla,
            |mut r| {
                black_box(&floor).sign_request(&mut r);
                r
            },
            |mut r| {
                ours.sign_at(&mut r, black_box(time)).expect("signed");
                r
            },
        ),
    ));

    // (f): throughput of two threads sharing one signer over one thread's, each round running
    // both (the same number of signatures per thread). ROUNDS is odd, so the median of
    // 2 / ratio is 2 / the median ratio.
    let make = || sign_into_task(&ours, &req);
    let n = 20_000;
    let two_over_one = paired_times(|| run_threads(1, n, &make), || run_threads(2, n, &make));
    results.push(("f_two_threads_over_one", 2.0 / two_over_one));

    paired::report("paired.json", &results);
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(50);
    targets = get_vanilla_header, api_gateway_post_case, s3_presign, one_mib_body, crypto_floor, threads, paired
}
criterion_main!(benches);
