#!/usr/bin/env bash
# CI: runs every fuzz target over its seed corpus for a short, fixed time (FUZZ_SECONDS each,
# default 20) on the stable toolchain. `-s none` builds without sanitizers, which needs no
# nightly (cargo-fuzz still passes the SanitizerCoverage flags libFuzzer needs, and they are
# stable). cargo-fuzz is installed once under target/tools and the fuzz build lives under
# target/fuzz, so a CI cache of target/ keeps both. New corpus entries go to
# target/fuzz-corpus/<target> (the first corpus directory is the one libFuzzer writes to), never
# into fuzz/seeds. A crash leaves its input in fuzz/artifacts/<target>/ and fails the script.
# Measured on the shared 2-core machine: build about 2.5 min from clean (seconds when cached),
# then FUZZ_SECONDS per target.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds=${FUZZ_SECONDS:-20}
tools="$root/target/tools"
cargo_fuzz="$tools/bin/cargo-fuzz"
start=$SECONDS

if [ ! -x "$cargo_fuzz" ]; then
    echo "== installing cargo-fuzz into $tools"
    cargo install cargo-fuzz --locked --root "$tools"
fi

# cargo fuzz <build|run> -s none --target-dir ... <the rest>: the options go before any `--`.
fuzz() {
    local sub=$1
    shift
    (cd fuzz && "$cargo_fuzz" "$sub" -s none --target-dir "$root/target/fuzz" "$@")
}

echo "== building the fuzz targets"
fuzz build
for seeds in fuzz/seeds/*/; do
    t=$(basename "$seeds")
    corpus="$root/target/fuzz-corpus/$t"
    mkdir -p "$corpus"
    echo "== fuzz $t for ${seconds}s over $seeds"
    t0=$SECONDS
    log="$root/target/fuzz-corpus/$t.log"
    if ! fuzz run "$t" "$corpus" "$root/$seeds" -- -max_total_time="$seconds" \
        -print_final_stats=1 > "$log" 2>&1; then
        grep -v -E '^(#|INFO|"|WARNING)' "$log" | tail -40
        echo "fuzz target $t failed (full log $log; the input is in fuzz/artifacts/$t/)"
        exit 1
    fi
    grep -E '^(stat::number_of_executed_units|stat::new_units_added|Done)' "$log" | sed 's/^/   /'
    echo "   $t: $((SECONDS - t0))s"
done
targets=$(ls fuzz/fuzz_targets | wc -l)
seeded=$(ls -d fuzz/seeds/*/ | wc -l)
if [ "$targets" -ne "$seeded" ]; then
    echo "every fuzz target needs a seed directory: $targets targets, $seeded seed directories"
    exit 1
fi
echo "fuzz smoke: $seeded targets, ${seconds}s each, $((SECONDS - start))s in total"
