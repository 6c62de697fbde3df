#!/usr/bin/env python3
"""Every example builds with only the features its `[[example]]` entry declares (on top of the
defaults), so the README's `cargo run --example NAME --features ...` lines are all a user
needs. Examples that declare the same features are built together."""
import subprocess
import sys
import tomllib

manifest = tomllib.load(open("Cargo.toml", "rb"))
groups = {}
for ex in manifest.get("example", []):
    feats = tuple(sorted(ex.get("required-features", [])))
    groups.setdefault(feats, []).append(ex["name"])
for feats, names in sorted(groups.items()):
    cmd = ["cargo", "build", "-p", "awssig", "--quiet"]
    for n in names:
        cmd += ["--example", n]
    if feats:
        cmd += ["--features", ",".join(feats)]
    print("==", " ".join(cmd), flush=True)
    if subprocess.run(cmd).returncode != 0:
        print(f"examples {names} do not build with only {list(feats) or 'the defaults'}", file=sys.stderr)
        sys.exit(1)
print(f"{sum(len(n) for n in groups.values())} examples build with only the features they declare")
