#!/usr/bin/env bash
# The test command (README): installs what the tests need, idempotently, then runs every test.
# Needs only the Rust toolchain, Python 3, Node and the package registries.
set -euo pipefail
cd "$(dirname "$0")/.."

# 1. The official AWS suites: ../shared/testdata beside the checkout, else the package copies
#    (aws-sigv4 from crates.io, botocore's sdist from PyPI). A missing suite fails the tests.
if [ -z "${AWSSIG_SHARED_TESTDATA:-}" ] && [ ! -d ../shared/testdata/aws-c-auth-v4 ]; then
  echo "== ../shared/testdata is absent: fetching the package copies of the suites"
  scripts/fetch-suites.sh
fi

# 2. The project's vectors must be exactly what botocore and @smithy/signature-v4 give today.
echo "== regenerating testdata/vectors.json with the pinned oracles"
bash testdata/generate/generate.sh target/vectors.regenerated.json
diff -u testdata/vectors.json target/vectors.regenerated.json
echo "vectors: regenerated file is identical"

# 3. Every test, with all features and with none.
echo "== cargo test --all-features"
cargo test --all-features
echo "== cargo test --no-default-features"
cargo test --no-default-features
