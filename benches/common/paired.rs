//! Paired rounds: both sides of a ratio timed back to back, in alternating order, so that a
//! slow phase of the shared machine slows both (see BENCHMARKS.md).

use std::hint::black_box;
use std::time::{Duration, Instant};

/// How many alternating rounds each pair gets; the reported ratio is their median.
pub(crate) const ROUNDS: usize = 41;

/// Times `side` over `n` fresh inputs made by `input` outside the timed section.
pub(crate) fn timed<I, O>(n: usize, input: &impl Fn() -> I, side: &impl Fn(I) -> O) -> Duration {
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
pub(crate) fn paired_times(
    mut a: impl FnMut() -> Duration,
    mut b: impl FnMut() -> Duration,
) -> f64 {
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
pub(crate) fn paired_ratio<I, A, B>(
    n: usize,
    input: impl Fn() -> I,
    a: impl Fn(I) -> A,
    b: impl Fn(I) -> B,
) -> f64 {
    paired_times(|| timed(n, &input, &a), || timed(n, &input, &b))
}

/// Prints `results` as `paired/<name>` lines and writes them to `target/criterion/<file>` for
/// `scripts/bench-table.py`.
pub(crate) fn report(file: &str, results: &[(&str, f64)]) {
    println!("crypto backend: {}", awssig::CRYPTO_BACKEND);
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
        let _ = std::fs::write(dir.join(file), json);
    }
}
