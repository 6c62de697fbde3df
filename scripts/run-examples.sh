#!/usr/bin/env bash
# Runs every scenario example offline, against the local gateway each one starts in-process.
# AWSSIG_ENDPOINT and AWS_* credentials are removed from the environment so nothing reaches AWS.
# Prints each example's output and a closing "N passed, M failed" line; exits non-zero if any
# example failed.
set -uo pipefail
cd "$(dirname "$0")/.."

examples=(
  apigw_rest_get
  apigw_post_session_token
  custom_domain
  private_api_vpce
  lambda_url_post
  edge_resign
  s3_presign
  browser_upload
  verify_service
  s3_streaming_upload
  s3_receive_upload
)
features_flag="--features full"

cargo build --quiet --examples $features_flag || { echo "examples: build failed"; exit 1; }

passed=0
failed=0
for e in "${examples[@]}"; do
  echo "=== example $e"
  if env -u AWSSIG_ENDPOINT -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
      -u AWS_PROFILE timeout 120 cargo run --quiet --example "$e" $features_flag; then
    passed=$((passed + 1))
  else
    echo "=== example $e FAILED"
    failed=$((failed + 1))
  fi
done
echo "examples: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
