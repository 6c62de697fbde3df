#!/usr/bin/env python3
"""Prints the BENCHMARKS.md tables from the last `cargo bench --bench sign` and
`cargo bench --bench verify` runs (each table only when its bench has run).

Reads criterion's estimates (target/criterion/<group>/<function>/new/estimates.json), takes each
median, and computes the ratios the issue's targets are stated in; the paired rounds' ratios come
from target/criterion/paired.json and paired_verify.json.
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
        sys.exit(f"no criterion result at {path}: run `cargo bench --bench sign` (or verify) first")


def fmt(ns: float) -> str:
    if ns >= 1e6:
        return f"{ns / 1e6:.3f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.3f} µs"
    return f"{ns:.1f} ns"


def verdict(ok: bool, paired_ok=None) -> str:
    """Met only when criterion's medians and, if they ran, the paired rounds both meet it."""
    if paired_ok is None or paired_ok == ok:
        return "met" if ok else "**missed**"
    return "**met by the medians only**" if ok else "**met in paired rounds only**"


def paired(file: str = "paired.json") -> dict:
    """The paired-round ratios `benches/sign.rs` (or verify.rs) writes (see BENCHMARKS.md)."""
    path = ROOT / file
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return {}


PAIRED = paired()
PAIRED_VERIFY = paired("paired_verify.json")


def print_table(rows) -> None:
    print("| case | medians | ratio | target | |")
    print("|---|---|---|---|---|")
    for r in rows:
        print("| " + " | ".join(r) + " |")


def verify_rows() -> list:
    """The verification table (`benches/verify.rs`): awssig against the floor and s3s."""
    out = []
    for group, label, key in [
        ("v_get_vanilla", "(v1) Verifier, get-vanilla", "v_get_vanilla_awssig_over_floor"),
        ("v_api_gateway_post_1kib_token", "(v2) Verifier, API Gateway POST, 1 KiB JSON, session token", "v_post_awssig_over_floor"),
    ]:
        floor, derive, ours = (median_ns(group, f) for f in ("floor", "floor_deriving_key", "awssig"))
        ratio = ours / floor
        out.append((
            label,
            f"floor {fmt(floor)}; floor deriving the key {fmt(derive)}; awssig {fmt(ours)}",
            f"awssig {ratio:.2f}x the floor ({ours / derive:.2f}x the floor deriving the key)"
            + (f"; paired rounds: {PAIRED_VERIFY[key]:.2f}x" if key in PAIRED_VERIFY else ""),
            "<= 1.5x",
            verdict(ratio <= 1.5, PAIRED_VERIFY[key] <= 1.5 if key in PAIRED_VERIFY else None),
        ))
    for group, label, key in [
        ("v_s3s_get_object", "(v3) S3 GetObject, against s3s (information)", "v_s3s_get_object_s3s_over_awssig"),
        ("v_s3s_put_object_1kib_token", "(v4) S3 PutObject, 1 KiB, session token, against s3s (information)", "v_s3s_put_object_s3s_over_awssig"),
    ]:
        ours, theirs = median_ns(group, "awssig"), median_ns(group, "s3s")
        out.append((
            label,
            f"awssig {fmt(ours)}; s3s {fmt(theirs)}",
            f"s3s {theirs / ours:.2f}x awssig's time"
            + (f"; paired rounds: {PAIRED_VERIFY[key]:.2f}x" if key in PAIRED_VERIFY else ""),
            "",
            "",
        ))
    return out


if "--verify" in sys.argv:
    print_table(verify_rows())
    sys.exit(0)


def paired_note(key: str, fmt_ratio) -> str:
    return f"; paired rounds: {fmt_ratio(PAIRED[key])}" if key in PAIRED else ""


rows = []

for group, label, key in [
    ("a_get_vanilla_header", "(a) get-vanilla, header signing of an http::Request", "a_aws_sigv4_over_awssig"),
    ("b_api_gateway_post_1kib_token", "(b) API Gateway POST, 1 KiB JSON, session token, 2 query params", "b_aws_sigv4_over_awssig"),
    ("c_s3_presigned_get", "(c) presigned S3 GET URL", "c_aws_sigv4_over_awssig"),
]:
    ours, theirs = median_ns(group, "awssig"), median_ns(group, "aws-sigv4")
    ratio = theirs / ours
    rows.append((
        label,
        f"awssig {fmt(ours)}; aws-sigv4 {fmt(theirs)}",
        f"{ratio:.2f}x faster" + paired_note(key, lambda r: f"{r:.2f}x"),
        ">= 5x",
        verdict(ratio >= 5, PAIRED[key] >= 5 if key in PAIRED else None),
    ))

# How far any signer could go on the POST: aws-sigv4 against the cryptography alone.
post_floor = median_ns("b_api_gateway_post_1kib_token", "floor")
post_ours = median_ns("b_api_gateway_post_1kib_token", "awssig")
post_theirs = median_ns("b_api_gateway_post_1kib_token", "aws-sigv4")
post_http = median_ns("b_api_gateway_post_1kib_token", "floor_http_request")
rows.insert(2, (
    "(b) the same POST: the cryptography alone, and with the http::Request headers written (information)",
    f"floor {fmt(post_floor)}; floor + headers {fmt(post_http)}; awssig {fmt(post_ours)}",
    f"aws-sigv4 {post_theirs / post_floor:.2f}x the floor and {post_theirs / post_http:.2f}x floor + headers, awssig {post_ours / post_floor:.2f}x the floor"
    + paired_note("b_aws_sigv4_over_floor", lambda r: f"aws-sigv4 {r:.2f}x the floor")
    + (f" and {PAIRED['b_aws_sigv4_over_http_floor']:.2f}x floor + headers" if "b_aws_sigv4_over_http_floor" in PAIRED else "")
    + (f", awssig {PAIRED['b_awssig_over_floor']:.2f}x the floor" if "b_awssig_over_floor" in PAIRED else ""),
    "",
    "",
))

mib = 1 << 20
sha, ours, theirs = (median_ns("d_1mib_body", f) for f in ("sha2", "awssig", "aws-sigv4"))
gib = lambda ns: mib / (ns / 1e9) / (1 << 30)  # noqa: E731
rows.append((
    "(d) 1 MiB body",
    f"sha2 {fmt(sha)} ({gib(sha):.2f} GiB/s); awssig {fmt(ours)} ({gib(ours):.2f} GiB/s); aws-sigv4 {fmt(theirs)}",
    f"{sha / ours:.3f}x sha2's throughput" + paired_note("d_awssig_over_sha2", lambda r: f"{1 / r:.3f}x"),
    ">= 0.95x",
    verdict(sha / ours >= 0.95, 1 / PAIRED["d_awssig_over_sha2"] >= 0.95 if "d_awssig_over_sha2" in PAIRED else None),
))

floor, into, http = (median_ns("e_get_vanilla_vs_floor", f) for f in ("floor", "awssig_sign_into", "awssig_http_request"))
rows.append((
    "(e) get-vanilla vs the crypto floor",
    f"floor {fmt(floor)}; sign_into {fmt(into)}; http::Request {fmt(http)}",
    f"sign_into {into / floor:.2f}x, http::Request {http / floor:.2f}x the floor"
    + paired_note("e_sign_into_over_floor", lambda r: f"sign_into {r:.2f}x")
    + (f", http::Request {PAIRED['e_http_request_over_floor']:.2f}x" if "e_http_request_over_floor" in PAIRED else ""),
    "<= 1.3x (sign_into)",
    verdict(into / floor <= 1.3, PAIRED["e_sign_into_over_floor"] <= 1.3 if "e_sign_into_over_floor" in PAIRED else None),
))

one, two = median_ns("f_shared_signer_threads", "1_thread"), median_ns("f_shared_signer_threads", "2_threads")
own = median_ns("f_shared_signer_threads", "2_threads_own_signers")
f1, f2 = median_ns("f_shared_signer_threads", "floor_1_thread"), median_ns("f_shared_signer_threads", "floor_2_threads")
# One iteration is one signature per thread: throughput = threads / time.
scale, own_scale, floor_scale = (2 / two) / (1 / one), (2 / own) / (1 / one), (2 / f2) / (1 / f1)
rows.append((
    "(f) 2 threads, one shared Signer (sign_into)",
    f"1 thread {fmt(one)}/sig; 2 threads {fmt(two)} per 2 sigs; 2 own signers {fmt(own)}; floor 1→2 threads {fmt(f1)}→{fmt(f2)}",
    f"{scale:.2f}x one thread (own signers {own_scale:.2f}x, floor {floor_scale:.2f}x)"
    + paired_note("f_two_threads_over_one", lambda r: f"{r:.2f}x"),
    ">= 1.8x",
    verdict(scale >= 1.8, PAIRED["f_two_threads_over_one"] >= 1.8 if "f_two_threads_over_one" in PAIRED else None),
))

print_table(rows)
