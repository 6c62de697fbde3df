#!/usr/bin/env bash
# Installs the independent SigV4 verifiers the `interop` tests talk to, under target/verifiers/:
#   - s3s-fs 0.14.1 (crates.io), an S3 server that checks SigV4   -> target/verifiers/bin/s3s-fs
#   - moto[server] (PyPI), AWS service emulator with IAM checking -> target/verifiers/moto/bin/python
#   - the real clients tests/it/clients.rs drives, each the latest release:
#     boto3 (PyPI)                -> target/verifiers/clients/bin/python
#     @aws-sdk/client-s3 (npm)    -> target/verifiers/node/node_modules/@aws-sdk/client-s3
#   - the headless browser tests/it/browser.rs drives (S3 POST policy forms):
#     chromium (Debian package, apt-get; needs root) -> /usr/bin/chromium
#     puppeteer-core (npm, latest) -> target/verifiers/node/node_modules/puppeteer-core
# Idempotent: a second run only checks what is there (under 1 s). Prints the two env vars the
# tests read (they also look in these default places). Measured on a busy 2-core machine:
# s3s-fs about 20 min (cargo install, release build), moto about 1.5-2 min (pip). The clients
# are the latest releases, so they are looked up again once a day (a stamp file each).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${AWSSIG_VERIFIERS_DIR:-$root/target/verifiers}"
mkdir -p "$dest"

S3S_FS_VERSION=0.14.1
MOTO_VERSION=${MOTO_VERSION:-5.2.5}

start=$(date +%s)
if [ -x "$dest/bin/s3s-fs" ] && grep -q "s3s-fs $S3S_FS_VERSION" "$dest/.crates.toml" 2>/dev/null; then
    echo "s3s-fs $S3S_FS_VERSION already installed in $dest/bin"
else
    echo "installing s3s-fs $S3S_FS_VERSION into $dest (cargo install, several minutes on 2 cores)"
    cargo install "s3s-fs@$S3S_FS_VERSION" --features binary --locked --root "$dest"
fi
mid=$(date +%s)

venv="$dest/moto"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import moto, sys; sys.exit(moto.__version__ != '$MOTO_VERSION')" 2>/dev/null; then
    echo "moto $MOTO_VERSION already installed in $venv"
else
    echo "installing moto[server]==$MOTO_VERSION into $venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
end=$(date +%s)

# The latest client releases: checked against the registries when the stamp is a day old.
fresh() { [ -n "$(find "$1" -mmin -1440 2>/dev/null)" ]; }
clients="$dest/clients"
if [ -x "$clients/bin/python" ] && fresh "$clients/.stamp" && "$clients/bin/python" -c "import boto3" 2>/dev/null; then
    echo "boto3 $("$clients/bin/python" -c 'import boto3; print(boto3.__version__)') already installed in $clients"
else
    echo "installing the latest boto3 into $clients"
    python3 -m venv "$clients"
    "$clients/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade boto3
    touch "$clients/.stamp"
fi
node_dir="$dest/node"
sdk_js="$node_dir/node_modules/@aws-sdk/client-s3/package.json"
if [ -f "$sdk_js" ] && fresh "$node_dir/.stamp"; then
    echo "@aws-sdk/client-s3 $(node -p "require('$sdk_js').version") already installed in $node_dir"
else
    echo "installing the latest @aws-sdk/client-s3 into $node_dir"
    mkdir -p "$node_dir"
    npm install --prefix "$node_dir" --no-audit --no-fund --silent @aws-sdk/client-s3@latest puppeteer-core@latest
    touch "$node_dir/.stamp"
fi
puppeteer="$node_dir/node_modules/puppeteer-core/package.json"
if [ ! -f "$puppeteer" ]; then
    echo "installing the latest puppeteer-core into $node_dir"
    npm install --prefix "$node_dir" --no-audit --no-fund --silent puppeteer-core@latest
fi
if command -v chromium > /dev/null; then
    echo "chromium already installed: $(command -v chromium)"
else
    echo "installing chromium (Debian package)"
    if [ "$(id -u)" -ne 0 ]; then
        echo "chromium is missing and installing it needs root: run 'apt-get install chromium' as root" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
fi
clients_end=$(date +%s)

echo "s3s-fs: $((mid - start)) s, moto: $((end - mid)) s, clients: $((clients_end - end)) s"
echo "export AWSSIG_S3S_FS_BIN=$dest/bin/s3s-fs"
echo "export AWSSIG_MOTO_PYTHON=$venv/bin/python"
echo "export AWSSIG_CLIENTS_PYTHON=$clients/bin/python"
echo "export AWSSIG_SDK_JS_PACKAGE=$sdk_js"
echo "export AWSSIG_PUPPETEER_PACKAGE_JSON=$puppeteer"
echo "export AWSSIG_CHROMIUM=$(command -v chromium)"
