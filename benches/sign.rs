//! awssig and `aws-sigv4` on the same inputs, in one criterion run (see BENCHMARKS.md).
//!
//! Before each case is measured, both crates sign its input once and the signatures are
//! asserted equal, so the two sides do the same work. Every case signs a fresh, unsigned
//! `http::Request` built outside the timed section, as a client would.
//!
//! Run: `cargo bench --bench sign`.

use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant, SystemTime};

use aws_sigv4::http_request::{
    PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use awssig::{Credentials, Payload, Settings, Signer};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use hmac::{Hmac, KeyInit, Mac};
use sha2::{Digest, Sha256};

const AKID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==";
/// 2015-08-30T12:36:00Z, the SigV4 test suite's clock.
const SUITE_TIME: u64 = 1_440_938_160;
/// 2013-05-24T00:00:00Z, the clock of the S3 presigned-URL example in the AWS documentation.
const S3_EXAMPLE_TIME: u64 = 1_369_353_600;

fn at(secs: u64) -> SystemTime {
    SystemTime::UNIX_EPOCH + Duration::from_secs(secs)
}

// ---- inputs ------------------------------------------------------------------------------------

/// The suite's get-vanilla request, as the suite's http form has it: absolute URI, `host` header.
fn get_vanilla() -> http::Request<&'static [u8]> {
    http::Request::get("https://example.amazonaws.com/")
        .header("host", "example.amazonaws.com")
        .body(&b""[..])
        .expect("valid request")
}

fn json_1kib() -> Vec<u8> {
    let mut body = String::from("{\"items\":[");
    let mut i = 0;
    while body.len() < 1000 {
        body.push_str(&format!("{{\"id\":{i},\"name\":\"item-{i}\"}},"));
        i += 1;
    }
    body.pop();
    body.push_str("]}");
    while body.len() < 1024 {
        body.insert(1, ' ');
    }
    body.into_bytes()
}

/// An API Gateway POST: 1 KiB of JSON, two query parameters (signed with a session token).
fn api_gateway_post(body: &[u8]) -> http::Request<&[u8]> {
    http::Request::post(
        "https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?limit=10&sort=asc",
    )
    .header("content-type", "application/json")
    .body(body)
    .expect("valid request")
}

/// The object of the AWS documentation's presigned-URL example.
fn s3_get() -> http::Request<&'static [u8]> {
    http::Request::get("https://examplebucket.s3.amazonaws.com/test.txt")
        .body(&b""[..])
        .expect("valid request")
}

fn big_put(body: &[u8]) -> http::Request<&[u8]> {
    http::Request::put("https://examplebucket.s3.amazonaws.com/big.bin")
        .body(body)
        .expect("valid request")
}

// ---- aws-sigv4 -----------------------------------------------------------------------------------

fn aws_identity(token: Option<&str>) -> Identity {
    aws_credential_types::Credentials::new(AKID, SECRET, token.map(str::to_string), None, "bench")
        .into()
}

fn aws_s3_presign_settings() -> SigningSettings {
    let mut s = SigningSettings::default();
    s.percent_encoding_mode = PercentEncodingMode::Single;
    s.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    s.signature_location = SignatureLocation::QueryParams;
    s.expires_in = Some(Duration::from_secs(86_400));
    s
}

/// Signs `req` in place with aws-sigv4, as the AWS SDK does: view it as a `SignableRequest`,
/// sign, apply the instructions. Returns the signature.
fn aws_sign<B>(
    identity: &Identity,
    service: &str,
    settings: SigningSettings,
    time: SystemTime,
    req: &mut http::Request<B>,
    body: SignableBody<'_>,
) -> String {
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region("us-east-1")
        .name(service)
        .time(time)
        .settings(settings)
        .build()
        .expect("complete params")
        .into();
    let output = {
        let headers = req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().expect("ASCII header")));
        let signable =
            SignableRequest::new(req.method().as_str(), req.uri().to_string(), headers, body)
                .expect("signable");
        sign(signable, &params).expect("signed")
    };
    let (instructions, signature) = output.into_parts();
    instructions.apply_to_request_http1x(req);
    signature
}

// ---- awssig --------------------------------------------------------------------------------------

fn signer(token: Option<&str>, service: &str) -> Signer {
    let mut creds = Credentials::new(AKID, SECRET);
    if let Some(t) = token {
        creds = creds.with_session_token(t);
    }
    Signer::new(creds, "us-east-1", service)
}

fn signature_of<B>(req: &http::Request<B>) -> String {
    let auth = req.headers()["authorization"].to_str().expect("ASCII");
    auth.rsplit_once("Signature=")
        .expect("signature")
        .1
        .to_string()
}

fn query_signature(uri: &http::Uri) -> String {
    let q = uri.query().expect("query");
    q.split('&')
        .find_map(|p| p.strip_prefix("X-Amz-Signature="))
        .expect("X-Amz-Signature")
        .to_string()
}

// ---- the crypto floor ---------------------------------------------------------------------------

/// The cryptography alone, with sha2 and hmac directly: SHA-256 of the body (when it is not the
/// empty one, whose hash is a constant), hex; SHA-256 of the canonical request, hex; one HMAC of
/// the string to sign with the key state already keyed, hex. No correct signer can do less.
struct Floor {
    /// The body to hash, or `None` when the canonical request already ends in its hash.
    body: Option<Vec<u8>>,
    /// The canonical request, without the payload hash when `body` is `Some`.
    canonical_request: Vec<u8>,
    amz_date: [u8; 16],
    scope: Vec<u8>,
    key: Hmac<Sha256>,
    /// The `Authorization` value up to the signature.
    authorization_prefix: Vec<u8>,
    /// The session token's header value, made once (as a signer can).
    token: Option<http::HeaderValue>,
}

fn hex(bytes: &[u8; 32]) -> [u8; 64] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = [0u8; 64];
    for (i, b) in bytes.iter().enumerate() {
        out[2 * i] = DIGITS[usize::from(b >> 4)];
        out[2 * i + 1] = DIGITS[usize::from(b & 15)];
    }
    out
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

impl Floor {
    fn get_vanilla() -> Self {
        let req = get_vanilla();
        Self::of(signer(None, "service"), "service", &req, None)
    }

    /// The POST of case (b): the body is hashed inside `sign`, like the signers do.
    fn api_gateway_post(body: &[u8]) -> Self {
        let req = api_gateway_post(body);
        let ours = signer(Some(TOKEN), "execute-api");
        Self::of(ours, "execute-api", &req, Some(body.to_vec()))
    }

    /// The canonical request comes from awssig's readable path; the benches assert that `sign`
    /// then gives the signature both crates give.
    fn of(ours: Signer, service: &str, req: &http::Request<&[u8]>, body: Option<Vec<u8>>) -> Self {
        let ex = ours
            .explain_at(req, Payload::Bytes(req.body()), at(SUITE_TIME))
            .expect("explained");
        let authorization = ex.authorization().expect("header signing");
        let authorization_prefix = authorization.as_bytes()[..authorization.len() - 64].to_vec();
        let token = ours
            .credentials()
            .session_token()
            .map(|t| http::HeaderValue::from_str(t).expect("a valid token"));
        let mut canonical_request = ex.canonical_request().as_bytes().to_vec();
        if body.is_some() {
            canonical_request.truncate(canonical_request.len() - 64);
        }
        let k_date = hmac(format!("AWS4{SECRET}").as_bytes(), b"20150830");
        let k_region = hmac(&k_date, b"us-east-1");
        let k_service = hmac(&k_region, service.as_bytes());
        let k_signing = hmac(&k_service, b"aws4_request");
        Self {
            body,
            canonical_request,
            amz_date: *b"20150830T123600Z",
            scope: format!("20150830/us-east-1/{service}/aws4_request").into_bytes(),
            key: <Hmac<Sha256> as KeyInit>::new_from_slice(&k_signing).expect("any key length"),
            authorization_prefix,
            token,
        }
    }

    /// The floor plus what any signer of an `http::Request` must do besides: the `Authorization`
    /// value written into a stack buffer, the `x-amz-date` and `Authorization` header values made
    /// (`http` checks and copies their bytes), the token's value shared, and the headers
    /// inserted.
    fn sign_request(&self, req: &mut http::Request<&[u8]>) {
        let signature = self.sign();
        let mut buf = [0u8; 512];
        let n = self.authorization_prefix.len();
        buf[..n].copy_from_slice(&self.authorization_prefix);
        buf[n..n + 64].copy_from_slice(&signature);
        let headers = req.headers_mut();
        let date = http::HeaderValue::from_bytes(&self.amz_date).expect("a valid value");
        headers.insert(http::HeaderName::from_static("x-amz-date"), date);
        if let Some(t) = &self.token {
            let name = http::HeaderName::from_static("x-amz-security-token");
            headers.insert(name, t.clone());
        }
        let authorization = http::HeaderValue::from_bytes(&buf[..n + 64]).expect("a valid value");
        headers.insert(http::header::AUTHORIZATION, authorization);
    }

    fn sign(&self) -> [u8; 64] {
        let mut canonical_request = Sha256::new();
        canonical_request.update(&self.canonical_request);
        if let Some(body) = &self.body {
            canonical_request.update(hex(&Sha256::digest(body).into()));
        }
        let digest: [u8; 32] = canonical_request.finalize().into();
        let mut mac = self.key.clone();
        mac.update(b"AWS4-HMAC-SHA256\n");
        mac.update(&self.amz_date);
        mac.update(b"\n");
        mac.update(&self.scope);
        mac.update(b"\n");
        mac.update(&hex(&digest));
        hex(&mac.finalize().into_bytes().into())
    }
}

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
        bch.iter(|| Sha256::digest(black_box(&body[..])))
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

/// How many alternating rounds each pair gets; the reported ratio is their median.
const ROUNDS: usize = 41;

/// Times `side` over `n` fresh inputs made by `input` outside the timed section.
fn timed<I, O>(n: usize, input: &impl Fn() -> I, side: &impl Fn(I) -> O) -> Duration {
    let inputs: Vec<I> = (0..n).map(|_| input()).collect();
    let mut outputs = Vec::with_capacity(n);
    let t0 = Instant::now();
    for i in inputs {
        outputs.push(side(i));
    }
    let elapsed = t0.elapsed();
    drop(black_box(outputs));
    elapsed
}

/// The median of `ROUNDS` ratios tb / ta, each from one round that runs `a` and `b` back to back
/// (in alternating order) and returns their times. A slow phase of the shared machine then
/// slows both sides of a round, which the separate criterion measurements cannot promise.
fn paired_times(mut a: impl FnMut() -> Duration, mut b: impl FnMut() -> Duration) -> f64 {
    a();
    b();
    let mut ratios: Vec<f64> = (0..ROUNDS)
        .map(|round| {
            let (ta, tb) = if round % 2 == 0 {
                let ta = a();
                (ta, b())
            } else {
                let tb = b();
                (a(), tb)
            };
            tb.as_secs_f64() / ta.as_secs_f64()
        })
        .collect();
    ratios.sort_by(f64::total_cmp);
    ratios[ROUNDS / 2]
}

/// [`paired_times`] of `a` and `b`, each timed over `n` fresh inputs.
fn paired_ratio<I, A, B>(
    n: usize,
    input: impl Fn() -> I,
    a: impl Fn(I) -> A,
    b: impl Fn(I) -> B,
) -> f64 {
    paired_times(|| timed(n, &input, &a), || timed(n, &input, &b))
}

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
            |r| Sha256::digest(black_box(r.body())),
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

    // (f): throughput of two threads sharing one signer over one thread's, each round running
    // both (the same number of signatures per thread). ROUNDS is odd, so the median of
    // 2 / ratio is 2 / the median ratio.
    let make = || sign_into_task(&ours, &req);
    let n = 20_000;
    let two_over_one = paired_times(|| run_threads(1, n, &make), || run_threads(2, n, &make));
    results.push(("f_two_threads_over_one", 2.0 / two_over_one));

    let mut json = String::from("{");
    for (k, (name, ratio)) in results.iter().enumerate() {
        println!("paired/{name}: median ratio {ratio:.3} over {ROUNDS} rounds");
        if k > 0 {
            json.push(',');
        }
        json.push_str(&format!("\"{name}\":{ratio}"));
    }
    json.push('}');
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/criterion");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join("paired.json"), json);
    }
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
