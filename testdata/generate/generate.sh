#!/usr/bin/env bash
# Regenerate testdata/vectors.json from the two pinned oracles.
#
#   bash testdata/generate/generate.sh            # writes testdata/vectors.json
#   bash testdata/generate/generate.sh /tmp/x.json /tmp/p.json  # writes elsewhere (CI: diff against the committed files)
#
# The second file is testdata/post_policies.json: S3 POST forms signed by botocore's
# generate_presigned_post (post_policy.py).
#
# Needs only python3 (with venv), node and npm, plus access to the PyPI and npm
# registries. Everything it installs goes under target/vector-gen/ (git-ignored):
#   target/vector-gen/venv   Python venv with the pinned botocore (requirements.txt)
#   target/vector-gen/node   npm ci of package.json + package-lock.json (@smithy/signature-v4)
# The output is byte-for-byte deterministic: fixed cases, fixed timestamps,
# pinned oracle versions.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
out="${1:-$repo/testdata/vectors.json}"
post_out="${2:-$repo/testdata/post_policies.json}"
work="$repo/target/vector-gen"
venv="$work/venv"
nodedir="$work/node"

export PYTHONDONTWRITEBYTECODE=1
mkdir -p "$work"

# --- Python oracle: botocore, pinned -----------------------------------------
# Reinstall only when requirements.txt changed since the last install.
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$here/requirements.txt" "$venv/.requirements.txt"; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir \
    -r "$here/requirements.txt"
  cp "$here/requirements.txt" "$venv/.requirements.txt"
fi

# --- Node oracle: @smithy/signature-v4, pinned by package-lock.json ----------
# npm ci needs package.json next to node_modules, so both files are copied to
# target/vector-gen/node and installed there (nothing lands in the source tree).
mkdir -p "$nodedir"
if [ ! -d "$nodedir/node_modules/@smithy/signature-v4" ] \
   || ! cmp -s "$here/package-lock.json" "$nodedir/package-lock.json" \
   || ! cmp -s "$here/package.json" "$nodedir/package.json"; then
  cp "$here/package.json" "$here/package-lock.json" "$nodedir/"
  (cd "$nodedir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
fi

# --- Generate ----------------------------------------------------------------
mkdir -p "$(dirname "$out")"
tmp="$(mktemp "${out}.XXXXXX")"
trap 'rm -f "$tmp"' EXIT
"$venv/bin/python" "$here/generate.py" --smithy-node-dir "$nodedir" --out "$tmp"
mv "$tmp" "$out"
trap - EXIT
echo "vectors written to $out" >&2
"$venv/bin/python" "$here/post_policy.py" --out "$post_out"
echo "POST policy vectors written to $post_out" >&2
