#!/usr/bin/env python3
"""Prints the BENCHMARKS.md table from the last `cargo bench --bench sign` run.

Reads criterion's estimates (target/criterion/<group>/<function>/new/estimates.json), takes each
median, and computes the ratios the issue's targets are stated in.
"""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"


def median_ns(group: str, function: str) -> float:
    path = ROOT / group / function / "new" / "estimates.json"
    try:
        return json.loads(path.read_text())["median"]["point_estimate"]
    except FileNotFoundError:
        sys.exit(f"no criterion result at {path}: run `cargo bench --bench sign` first")


def fmt(ns: float) -> str:
    if ns >= 1e6:
        return f"{ns / 1e6:.3f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.3f} µs"
    return f"{ns:.1f} ns"


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


rows = []

for group, label in [
    ("a_get_vanilla_header", "(a) get-vanilla, header signing of an http::Request"),
    ("b_api_gateway_post_1kib_token", "(b) API Gateway POST, 1 KiB JSON, session token, 2 query params"),
    ("c_s3_presigned_get", "(c) presigned S3 GET URL"),
]:
    ours, theirs = median_ns(group, "awssig"), median_ns(group, "aws-sigv4")
    ratio = theirs / ours
    rows.append((label, f"awssig {fmt(ours)}; aws-sigv4 {fmt(theirs)}", f"{ratio:.2f}x faster", ">= 5x", verdict(ratio >= 5)))

mib = 1 << 20
sha, ours, theirs = (median_ns("d_1mib_body", f) for f in ("sha2", "awssig", "aws-sigv4"))
gib = lambda ns: mib / (ns / 1e9) / (1 << 30)  # noqa: E731
rows.append((
    "(d) 1 MiB body",
    f"sha2 {fmt(sha)} ({gib(sha):.2f} GiB/s); awssig {fmt(ours)} ({gib(ours):.2f} GiB/s); aws-sigv4 {fmt(theirs)}",
    f"{sha / ours:.3f}x sha2's throughput",
    ">= 0.95x",
    verdict(sha / ours >= 0.95),
))

floor, into, http = (median_ns("e_get_vanilla_vs_floor", f) for f in ("floor", "awssig_sign_into", "awssig_http_request"))
rows.append((
    "(e) get-vanilla vs the crypto floor",
    f"floor {fmt(floor)}; sign_into {fmt(into)}; http::Request {fmt(http)}",
    f"sign_into {into / floor:.2f}x, http::Request {http / floor:.2f}x the floor",
    "<= 1.3x",
    verdict(into / floor <= 1.3),
))

one, two = median_ns("f_shared_signer_threads", "1_thread"), median_ns("f_shared_signer_threads", "2_threads")
own = median_ns("f_shared_signer_threads", "2_threads_own_signers")
f1, f2 = median_ns("f_shared_signer_threads", "floor_1_thread"), median_ns("f_shared_signer_threads", "floor_2_threads")
# One iteration is one signature per thread: throughput = threads / time.
scale, own_scale, floor_scale = (2 / two) / (1 / one), (2 / own) / (1 / one), (2 / f2) / (1 / f1)
rows.append((
    "(f) 2 threads, one shared Signer (sign_into)",
    f"1 thread {fmt(one)}/sig; 2 threads {fmt(two)} per 2 sigs; 2 own signers {fmt(own)}; floor 1→2 threads {fmt(f1)}→{fmt(f2)}",
    f"{scale:.2f}x one thread (own signers {own_scale:.2f}x, floor {floor_scale:.2f}x)",
    ">= 1.8x",
    verdict(scale >= 1.8),
))

print("| case | medians | ratio | target | |")
print("|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
