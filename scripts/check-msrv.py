#!/usr/bin/env python3
"""The Rust version each feature needs, from what its dependencies declare.

For the library with no default features, with its defaults, and with each optional feature
on top of the defaults, resolves the normal dependencies exactly as a user's build would
(`cargo tree -p awssig -e normal`, so no other workspace member's features are unified in),
reads every resolved package's declared `rust-version` (`cargo metadata`), and compares the
highest with what the crate claims for that feature: `[package.metadata.msrv]` in Cargo.toml,
else the package's `rust-version`. Fails when a claim is lower than what the dependencies
declare. Prints the table README.md shows.
"""
import json
import subprocess
import sys
import tomllib

def version_key(v):
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))

manifest = tomllib.load(open("Cargo.toml", "rb"))
package = manifest["package"]
claimed_default = package.get("rust-version")
if not isinstance(claimed_default, str):  # `rust-version.workspace = true`
    claimed_default = manifest["workspace"]["package"]["rust-version"]
claims = package.get("metadata", {}).get("msrv", {})
features = [f for f in manifest["features"] if f not in ("default", "std", "http", "interop", "full")]

meta = json.loads(subprocess.run(
    ["cargo", "metadata", "--format-version", "1", "--all-features", "--locked"],
    check=True, capture_output=True, text=True).stdout)
declared = {(p["name"], p["version"]): p.get("rust_version") for p in meta["packages"]}

def needs(args):
    out = subprocess.run(
        ["cargo", "tree", "-p", "awssig", "-e", "normal", "--prefix", "none", "-f", "{p}", "--locked"] + args,
        check=True, capture_output=True, text=True).stdout
    best, by = None, None
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2 or not parts[1].startswith("v"):
            continue
        name, version = parts[0], parts[1][1:]
        if name == "awssig":
            continue
        rv = declared.get((name, version))
        if rv and (best is None or version_key(rv) > version_key(best)):
            best, by = rv, f"{name} {version}"
    return best, by

rows = [("(no default features)", ["--no-default-features"], claims.get("no-default", claimed_default)),
        ("default (`std`, `http`)", [], claimed_default)]
rows += [(f"`{f}`", ["--features", f], claims.get(f, claimed_default)) for f in features]
failed = False
print("| features | needs Rust | set by | claimed |")
print("|---|---|---|---|")
for label, args, claim in rows:
    need, by = needs(args)
    ok = need is None or version_key(claim) >= version_key(need)
    failed |= not ok
    print(f"| {label} | {need or '-'} | {by or '-'} | {claim}{'' if ok else '  <-- LOWER THAN NEEDED'} |")
if failed:
    print("\nA feature's claimed Rust version is lower than its dependencies declare: raise it in "
          "[package.metadata.msrv] (and README.md's table), or the crate's rust-version.", file=sys.stderr)
    sys.exit(1)
