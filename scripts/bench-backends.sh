#!/usr/bin/env bash
# Every paired ratio of benches/sign.rs and benches/verify.rs on each crypto backend, one after
# the other in one run of this script, then one table with a column per backend. A build of
# awssig has one backend (a Cargo feature picks it), so each backend is its own bench binary;
# inside each, the crypto floor is that backend's own library called directly
# (benches/common/floor.rs), so every "over floor" ratio compares awssig with the primitives it
# runs on. Criterion's own measurements are skipped (the filter matches none of them): only the
# paired rounds run, which is what BENCHMARKS.md reports. Pass `--no-fips` to leave out the FIPS
# build (it needs CMake and Go: scripts/install-fips-build-deps.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p target/bench-backends
backends=(rustcrypto aws-lc fips)
[ "${1:-}" = "--no-fips" ] && backends=(rustcrypto aws-lc)
for b in "${backends[@]}"; do
    features=""
    [ "$b" != rustcrypto ] && features="--features $b"
    for bench in sign verify; do
        echo "== $b: cargo bench --bench $bench $features -- paired-only"
        # shellcheck disable=SC2086
        cargo bench --quiet --bench "$bench" $features -- paired-only \
            | tee "target/bench-backends/$b-$bench.log"
    done
done
python3 - "${backends[@]}" <<'PY'
import re, sys
backends = sys.argv[1:]
rows, seen = {}, []
for b in backends:
    for bench in ("sign", "verify"):
        for line in open(f"target/bench-backends/{b}-{bench}.log"):
            m = re.match(r"paired/(\S+): median ratio ([0-9.]+)", line)
            if m:
                if m[1] not in rows:
                    rows[m[1]] = {}
                    seen.append(m[1])
                rows[m[1]][b] = float(m[2])
print("| paired ratio (median of 41 rounds) | " + " | ".join(backends) + " |")
print("|---|" + "---|" * len(backends))
for name in seen:
    print(f"| `{name}` | " + " | ".join(f"{rows[name][b]:.3f}" if b in rows[name] else "-" for b in backends) + " |")
PY
