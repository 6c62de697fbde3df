#!/usr/bin/env python3
# Checks the layer order the crate docs (src/lib.rs, "Design") state: every `crate::<module>`
# path in src/ (use lines and inline paths; comments and unit tests excluded) names a module of
# the same layer or a lower one. `crate::Name` for a root re-export counts as its home module.
# Prints each upward import and exits non-zero if there is one. Run from the repository root.
import pathlib
import re
import sys

LAYERS = [
    ("input", ["time", "credentials", "request", "settings", "payload", "spec", "sink", "bytes", "crypto", "error"]),
    ("stages", ["sign"]),
    ("explain", ["explain"]),
    ("signer", ["signer", "endpoint"]),
    ("verify", ["verify"]),
    ("streaming", ["streaming"]),
    ("s3", ["s3"]),
    ("diagnose", ["diagnose"]),
    ("integrations", ["provider", "tower", "reqwest", "reqwest012", "http02", "gateway", "body"]),
]
rank = {m: i for i, (_, modules) in enumerate(LAYERS) for m in modules}

lib = pathlib.Path("src/lib.rs").read_text()
home_of = {}
for m in re.finditer(r"pub use ([a-z_:]+?)(?:::\{([^}]*)\}|::([A-Za-z_0-9]+));", lib, re.S):
    home = m.group(1).split("::")[0]
    for name in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", m.group(2) or m.group(3) or ""):
        home_of[name] = home

upward = 0
for f in sorted(pathlib.Path("src").rglob("*.rs")):
    if f.name == "lib.rs":
        continue
    own = f.relative_to("src").parts[0].removesuffix(".rs")
    if own not in rank:
        print(f"{f}: module `{own}` has no layer in scripts/check-layers.py")
        upward += 1
        continue
    for n, line in enumerate(f.read_text().splitlines(), 1):
        if line.startswith("mod tests"):
            break  # unit tests may reach anywhere
        code = line.split("//")[0]
        for target in re.findall(r"crate::([A-Za-z_][A-Za-z0-9_]*)", code):
            home = target if target in rank else home_of.get(target)
            if home in rank and rank[home] > rank[own]:
                print(f"{f}:{n}: {LAYERS[rank[own]][0]} `{own}` imports {LAYERS[rank[home]][0]} `{home}`: {line.strip()}")
                upward += 1
print(f"{upward} upward import(s)")
sys.exit(1 if upward else 0)
