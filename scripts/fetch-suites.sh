#!/usr/bin/env bash
# Fetches the package copies of the official SigV4 suites, for machines without ../shared:
#  - the aws-c-auth suite (+ the two smithy-rs extras) ships in the `aws-sigv4` crate
#    (`aws-signing-test-suite/`), a dev-dependency: `cargo fetch` puts it in the cargo registry;
#  - the classic suite ships in botocore's sdist (`tests/unit/auth/aws4_testsuite/`), unpacked
#    here under target/suites/.
# The tests look in ../shared/testdata first and use these copies only when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
BOTOCORE_VERSION="${BOTOCORE_VERSION:-1.44.5}"
cargo fetch --quiet
mkdir -p target/suites
if ! ls -d target/suites/botocore-*/tests/unit/auth/aws4_testsuite >/dev/null 2>&1; then
  tmp=$(mktemp -d)
  python3 -m pip download --quiet --no-deps --no-binary :all: "botocore==${BOTOCORE_VERSION}" -d "$tmp"
  tar -xzf "$tmp"/botocore-*.tar.gz -C target/suites
  rm -rf "$tmp"
fi
ls -d target/suites/botocore-*/tests/unit/auth/aws4_testsuite
