#!/usr/bin/env bash
# Installs what building aws-lc-rs's FIPS module (awssig's `fips` feature, through
# aws-lc-fips-sys) needs on Debian/Ubuntu: CMake and Go (AWS-LC's FIPS build runs Go tools to
# check its module), plus a C compiler. Idempotent; needs root for apt-get. Prints what it found.
set -euo pipefail
need=()
command -v cmake > /dev/null || need+=(cmake)
command -v go > /dev/null || need+=(golang-go)
command -v cc > /dev/null || need+=(build-essential)
if [ ${#need[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "the FIPS build needs ${need[*]}; install them as root: apt-get install ${need[*]}" >&2
        exit 1
    fi
    echo "installing ${need[*]} (Debian packages)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" > /dev/null
fi
echo "cmake: $(cmake --version | head -1)"
echo "go: $(go version)"
