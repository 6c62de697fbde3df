//! `aws-chunked` streaming: a 64 MiB body in 64 KiB chunks, signed and verified in memory,
//! against the raw SHA-256 throughput of the same bytes (the crypto floor: every chunk's data
//! must be hashed once, and nothing else costs as much), and awssig's chunk signing side by
//! side with `aws-sigv4`'s (see BENCHMARKS.md, "Streaming").
//!
//! Before anything is timed, both crates sign the body once and the bench asserts that every
//! chunk signature is the same, and the decoder is fed the wire in both piece sizes and must
//! yield the body. Every timed round signs a fresh, unsigned `http::Request`.
//!
//! Run: `cargo bench --bench streaming -- --warm-up-time 1 --measurement-time 3`.

// The shared parts; each bench uses some of them.
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
use std::io::Write as _;
use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::UriPathNormalizationMode;
use aws_sigv4::http_request::{PercentEncodingMode, SignableBody, SigningSettings};
use aws_sigv4::sign::v4::{SigningParams, sign_chunk};
use aws_smithy_runtime_api::client::identity::Identity;
use awssig::streaming::ChunkedUpload;
use awssig::{Credentials, Settings, Signer, Verifier};
use bytes::Bytes;
use criterion::{BatchSize, Criterion, Throughput, criterion_group};
use sha2::{Digest, Sha256};

use inputs::{AKID, SECRET, SUITE_TIME, at};
use paired::{paired_ratio, report};
use peers::{aws_identity, aws_sign};

/// The decoded body: 64 MiB.
const BODY: usize = 64 * 1024 * 1024;
/// The chunk size, as the AWS SDKs send.
const CHUNK: usize = 64 * 1024;
/// The two piece sizes the decoder is fed.
const PIECES: [usize; 2] = [64 * 1024, 1024 * 1024];

fn time() -> SystemTime {
    at(SUITE_TIME)
}

fn body() -> Bytes {
    // Not all one byte: a pattern, so no layer can take a shortcut on repeated data.
    Bytes::from((0..BODY).map(|i| (i % 251) as u8).collect::<Vec<u8>>())
}

fn put() -> http::Request<()> {
    http::Request::put("https://examplebucket.s3.amazonaws.com/big.bin")
        .body(())
        .expect("valid request")
}

fn signer() -> Signer {
    Signer::new(Credentials::new(AKID, SECRET), "us-east-1", "s3").with_settings(Settings::s3())
}

fn verifier() -> Verifier {
    Verifier::new(Credentials::new(AKID, SECRET), "us-east-1", "s3").with_settings(Settings::s3())
}

fn upload() -> ChunkedUpload {
    ChunkedUpload::signed(BODY as u64).chunk_size(CHUNK)
}

/// The floor: SHA-256 of the 64 MiB, in one pass, with `sha2` directly.
fn floor(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// awssig signs the request (the seed) and frames and signs every chunk into `frame`, one
/// chunk at a time, as a streaming body sends them (`ChunkedBody` does the same): the buffer
/// is reused, so memory stays at one frame. Returns the final signature line's length, so
/// nothing is optimised away.
fn awssig_sign(
    signer: &Signer,
    mut req: http::Request<()>,
    data: &[u8],
    frame: &mut Vec<u8>,
) -> usize {
    let mut up = signer
        .sign_chunked_at(&mut req, upload(), time())
        .expect("signed");
    for chunk in data.chunks(CHUNK) {
        frame.clear();
        up.write_chunk(chunk, frame).expect("chunk");
        black_box(&frame[..]);
    }
    frame.clear();
    up.finish(frame).expect("finish");
    frame.len()
}

/// aws-sigv4 as the AWS SDK drives it: the request signed with the precomputed
/// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD` hash (the SDK sets the aws-chunked headers first, as the
/// template request here has them), then `sign_chunk` per chunk, each chained on the
/// signature before. `sign_chunk` only computes a signature (it hashes the chunk, derives the
/// signing key, and HMACs the string to sign); the frame around it is written here the way
/// awssig writes it, into the same kind of reused buffer.
fn aws_sigv4_sign(
    identity: &Identity,
    mut req: http::Request<()>,
    data: &Bytes,
    frame: &mut Vec<u8>,
) -> usize {
    let seed = aws_sign(
        identity,
        "s3",
        s3_settings(),
        time(),
        &mut req,
        SignableBody::Precomputed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD".to_string()),
    );
    let params = SigningParams::builder()
        .identity(identity)
        .region("us-east-1")
        .name("s3")
        .time(time())
        .settings(())
        .build()
        .expect("complete params");
    let mut running = seed;
    let mut offset = 0;
    while offset < data.len() {
        let end = (offset + CHUNK).min(data.len());
        let chunk = data.slice(offset..end);
        running = sign_chunk(&chunk, &running, &params)
            .expect("signed chunk")
            .into_parts()
            .1;
        frame.clear();
        write!(frame, "{:x};chunk-signature={running}\r\n", chunk.len()).expect("in memory");
        frame.extend_from_slice(&chunk);
        frame.extend_from_slice(b"\r\n");
        black_box(&frame[..]);
        offset = end;
    }
    running = sign_chunk(&Bytes::new(), &running, &params)
        .expect("signed chunk")
        .into_parts()
        .1;
    frame.clear();
    write!(frame, "0;chunk-signature={running}\r\n\r\n").expect("in memory");
    frame.len()
}

fn s3_settings() -> SigningSettings {
    let mut s = SigningSettings::default();
    s.percent_encoding_mode = PercentEncodingMode::Single;
    s.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    s
}

/// The request as the AWS SDK has it before signing: the aws-chunked headers awssig's signer
/// sets, without the signature.
fn aws_template(signed: &http::Request<()>) -> http::Request<()> {
    let mut req = put();
    for (k, v) in signed.headers() {
        if k != "authorization" && k != "x-amz-date" {
            req.headers_mut().insert(k.clone(), v.clone());
        }
    }
    req
}

/// The seed check and the decoder, fed `wire` in pieces of `piece` bytes; every verified
/// piece of data is handed on (here: its length summed) and the output buffer reused.
fn awssig_verify(
    verifier: &Verifier,
    req: &http::Request<()>,
    wire: &[u8],
    piece: usize,
    out: &mut Vec<u8>,
) -> u64 {
    let mut decoder = verifier.verify_chunked_at(req, time()).expect("seed");
    let mut total = 0u64;
    for p in wire.chunks(piece) {
        out.clear();
        decoder.feed(p, out).expect("verified");
        total += black_box(out.len()) as u64;
    }
    decoder.finish().expect("complete");
    total
}

/// Signs the whole body into one wire buffer with both crates and checks they agree.
fn signed_wire(data: &Bytes) -> (http::Request<()>, Vec<u8>) {
    let ours = signer();
    let mut req = put();
    let mut up = ours
        .sign_chunked_at(&mut req, upload(), time())
        .expect("signed");
    let mut wire = Vec::with_capacity(upload().encoded_len().expect("fits") as usize);
    for chunk in data.chunks(CHUNK) {
        up.write_chunk(chunk, &mut wire).expect("chunk");
    }
    up.finish(&mut wire).expect("finish");
    assert_eq!(wire.len() as u64, upload().encoded_len().expect("fits"));

    // aws-sigv4's frames, concatenated, must be the same bytes.
    let identity = aws_identity(None);
    let mut theirs = aws_template(&req);
    let seed = aws_sign(
        &identity,
        "s3",
        s3_settings(),
        time(),
        &mut theirs,
        SignableBody::Precomputed("STREAMING-AWS4-HMAC-SHA256-PAYLOAD".to_string()),
    );
    assert_eq!(seed, up.seed_signature().to_string(), "seed signatures");
    let params = SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("s3")
        .time(time())
        .settings(())
        .build()
        .expect("complete params");
    let mut running = seed;
    let mut wire_theirs = Vec::with_capacity(wire.len());
    for chunk in data.chunks(CHUNK) {
        running = sign_chunk(&Bytes::copy_from_slice(chunk), &running, &params)
            .expect("signed")
            .into_parts()
            .1;
        write!(
            wire_theirs,
            "{:x};chunk-signature={running}\r\n",
            chunk.len()
        )
        .expect("mem");
        wire_theirs.extend_from_slice(chunk);
        wire_theirs.extend_from_slice(b"\r\n");
    }
    running = sign_chunk(&Bytes::new(), &running, &params)
        .expect("signed")
        .into_parts()
        .1;
    write!(wire_theirs, "0;chunk-signature={running}\r\n\r\n").expect("mem");
    assert!(
        wire == wire_theirs,
        "both crates frame and sign the body alike"
    );

    // The decoder gives back the body in both piece sizes.
    for piece in PIECES {
        let mut decoder = verifier().verify_chunked_at(&req, time()).expect("seed");
        let mut out = Vec::with_capacity(BODY);
        for p in wire.chunks(piece) {
            decoder.feed(p, &mut out).expect("verified");
        }
        decoder.finish().expect("complete");
        assert!(out == data[..], "decoded in {piece}-byte pieces");
    }
    (req, wire)
}

fn sign_64mib(c: &mut Criterion) {
    let data = body();
    signed_wire(&data);
    let ours = signer();
    let identity = aws_identity(None);
    let template = {
        let mut r = put();
        ours.sign_chunked_at(&mut r, upload(), time())
            .expect("signed");
        aws_template(&r)
    };
    let mut frame = Vec::with_capacity(CHUNK + 256);

    let mut g = c.benchmark_group("streaming_sign_64mib");
    g.throughput(Throughput::Bytes(BODY as u64));
    g.sample_size(10);
    g.bench_function("floor_sha256", |b| b.iter(|| floor(black_box(&data))));
    g.bench_function("awssig", |b| {
        b.iter_batched(
            put,
            |r| awssig_sign(&ours, r, &data, &mut frame),
            BatchSize::PerIteration,
        )
    });
    g.bench_function("aws-sigv4", |b| {
        b.iter_batched(
            || template.clone(),
            |r| aws_sigv4_sign(&identity, r, &data, &mut frame),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn verify_64mib(c: &mut Criterion) {
    let data = body();
    let (req, wire) = signed_wire(&data);
    let v = verifier();
    let mut out = Vec::with_capacity(2 * 1024 * 1024);

    let mut g = c.benchmark_group("streaming_verify_64mib");
    g.throughput(Throughput::Bytes(BODY as u64));
    g.sample_size(10);
    g.bench_function("floor_sha256", |b| b.iter(|| floor(black_box(&data))));
    for piece in PIECES {
        g.bench_function(format!("awssig_{}k_pieces", piece / 1024), |b| {
            b.iter(|| awssig_verify(&v, &req, &wire, piece, &mut out))
        });
    }
    g.finish();
}

/// The paired rounds (see BENCHMARKS.md): each ratio is time(side) / time(floor), one 64 MiB
/// body per side per round; the target is at most 1 / 0.95 = 1.053.
fn paired(_: &mut Criterion) {
    let data = body();
    let (req, wire) = signed_wire(&data);
    let ours = signer();
    let v = verifier();
    let identity = aws_identity(None);
    let template = aws_template(&req);
    let frame = std::cell::RefCell::new(Vec::with_capacity(CHUNK + 256));
    let out = std::cell::RefCell::new(Vec::with_capacity(2 * 1024 * 1024));
    let floor_side = |(): ()| floor(&data);

    let mut results = Vec::new();
    let r = paired_ratio(
        1,
        || (),
        floor_side,
        |()| awssig_sign(&ours, put(), &data, &mut frame.borrow_mut()),
    );
    results.push(("streaming_sign_awssig_over_floor", r));
    let r = paired_ratio(
        1,
        || (),
        floor_side,
        |()| aws_sigv4_sign(&identity, template.clone(), &data, &mut frame.borrow_mut()),
    );
    results.push(("streaming_sign_aws_sigv4_over_floor", r));
    let r = paired_ratio(
        1,
        || (),
        |()| awssig_sign(&ours, put(), &data, &mut frame.borrow_mut()),
        |()| aws_sigv4_sign(&identity, template.clone(), &data, &mut frame.borrow_mut()),
    );
    results.push(("streaming_sign_aws_sigv4_over_awssig", r));
    for (piece, name) in PIECES.into_iter().zip([
        "streaming_verify_64k_pieces_over_floor",
        "streaming_verify_1m_pieces_over_floor",
    ]) {
        let r = paired_ratio(
            1,
            || (),
            floor_side,
            |()| awssig_verify(&v, &req, &wire, piece, &mut out.borrow_mut()),
        );
        results.push((name, r));
    }
    for (name, ratio) in &results {
        if name.ends_with("_over_floor") {
            println!("paired/{name}: {:.3}x the floor's throughput", 1.0 / ratio);
        }
    }
    report("paired_streaming.json", &results);
}

/// `AWSSIG_BENCH_ONCE=<case>` runs one case once and nothing else, for instruction counts and
/// profiles: `floor`, `sign`, `sign_aws_sigv4`, `verify_64k` or `verify_1m`. The inputs are
/// made (and checked) first; the case itself runs in [`run_once`], so
/// `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*run_once*'` counts it
/// alone.
fn once(case: &str) {
    let data = body();
    let (req, wire) = signed_wire(&data);
    let template = aws_template(&req);
    let (ours, v, identity) = (signer(), verifier(), aws_identity(None));
    let mut frame = Vec::with_capacity(CHUNK + 256);
    let mut out = Vec::with_capacity(2 * 1024 * 1024);
    let n = run_once(case, &mut || match case {
        "floor" => floor(&data)[0] as usize,
        "sign" => awssig_sign(&ours, put(), &data, &mut frame),
        "sign_aws_sigv4" => aws_sigv4_sign(&identity, template.clone(), &data, &mut frame),
        "verify_64k" => awssig_verify(&v, &req, &wire, PIECES[0], &mut out) as usize,
        "verify_1m" => awssig_verify(&v, &req, &wire, PIECES[1], &mut out) as usize,
        other => panic!(
            "AWSSIG_BENCH_ONCE={other}: expected floor, sign, sign_aws_sigv4, verify_64k or verify_1m"
        ),
    });
    println!("{case}: {n}");
}

#[inline(never)]
fn run_once(case: &str, f: &mut dyn FnMut() -> usize) -> usize {
    black_box(case);
    black_box(f())
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    targets = sign_64mib, verify_64mib, paired
}

fn main() {
    if let Ok(case) = std::env::var("AWSSIG_BENCH_ONCE") {
        once(&case);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
