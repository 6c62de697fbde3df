#!/usr/bin/env bash
# The test command (README) and CI's: installs what the interop tests and the vector check need,
# idempotently, then runs every test, the `interop` ones included. Needs only the Rust toolchain,
# Python 3, Node and the package registries. (Plain `cargo test` needs none of that: the AWS
# suites are vendored under testdata/aws/ and the interop tests are off without `interop`.)
set -euo pipefail
cd "$(dirname "$0")/.."
log=target/test-output.log
mkdir -p target
: > "$log"

# 1. The official AWS suites are vendored under testdata/aws/: nothing to fetch.

# 2. The project's vectors must be exactly what botocore and @smithy/signature-v4 give today.
echo "== regenerating testdata/vectors.json with the pinned oracles"
bash testdata/generate/generate.sh target/vectors.regenerated.json target/post_policies.regenerated.json
diff -u testdata/vectors.json target/vectors.regenerated.json
diff -u testdata/post_policies.json target/post_policies.regenerated.json
echo "vectors: the regenerated file is identical"

# 3. The independent verifiers the `interop` tests talk to (s3s-fs, moto, moto's botocore).
echo "== installing the independent verifiers"
scripts/install-verifiers.sh | tee target/verifiers.env
eval "$(grep '^export ' target/verifiers.env)"

# 4. Every test of the workspace (the library and the `awssig` CLI in cli/) with every
#    integration (`full`) and `interop` (a missing verifier fails them), every example offline,
#    the library's whole test set again on the aws-lc backend and on its FIPS build, then the
#    library alone with its default features (`std`, `http`) and with none (`#![no_std]` +
#    `alloc`: the unit and doc tests that need neither), and the `#![no_std]` crate that uses it
#    (`-p` alone: with the CLI in the build, Cargo would unify the features it needs into the
#    library).
echo "== cargo test --workspace --features full,interop"
cargo test --workspace --features full,interop 2>&1 | tee -a "$log"
echo "== every example, offline against the local gateway"
scripts/run-examples.sh
echo "== cargo test -p awssig --features full,interop,aws-lc (the aws-lc-rs backend)"
cargo test -p awssig --features full,interop,aws-lc 2>&1 | tee -a "$log"
echo "== the FIPS build's tools (CMake, Go): scripts/install-fips-build-deps.sh"
scripts/install-fips-build-deps.sh
echo "== cargo test -p awssig --features full,interop,fips (aws-lc-rs's FIPS module)"
cargo test -p awssig --features full,interop,fips 2>&1 | tee -a "$log"
echo "== cargo test -p awssig"
cargo test -p awssig 2>&1 | tee -a "$log"
echo "== cargo test -p awssig --no-default-features"
cargo test -p awssig --no-default-features 2>&1 | tee -a "$log"
echo "== cargo test -p awssig-no-std-check"
cargo test -p awssig-no-std-check 2>&1 | tee -a "$log"

# One closing line for everything cargo ran.
awk '/^test result:/ { p += $4; f += $6; i += $8 } END { printf "tests: %d passed, %d failed, %d ignored\n", p, f, i }' "$log"
