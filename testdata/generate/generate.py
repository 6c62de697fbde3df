#!/usr/bin/env python3
"""Generate testdata/vectors.json from two independent SigV4 oracles.

Run through generate.sh, which creates the pinned environment. By hand:

    python generate.py --smithy-node-dir DIR --out testdata/vectors.json
    python3 check_vectors.py testdata/vectors.json   # consistency check only

How it works
------------
1. `build_cases()` lists every test case: the request exactly as the caller
   hands it to the signer (wire URL, headers in order, body bytes) and the
   signing parameters (see testdata/README.md for the schema and the rules).
2. `botocore_oracle()` signs each case with the pinned botocore, used as a
   library (SigV4Auth / S3SigV4Auth / SigV4QueryAuth / S3SigV4QueryAuth), with
   the clock frozen, and records canonical request, string to sign and
   signature from its own methods.
3. `smithy_feed()` turns each case into the input that @smithy/signature-v4
   needs; smithy_oracle.mjs (Node) signs them all and returns the same three
   values.
4. The results are compared. Agreement is expected; any disagreement must be
   explained in the case (`disagree=...`) or generation fails.
5. check_vectors.py re-derives the string-to-sign hash and the HMAC chain with
   hashlib/hmac, and checks each canonical request against its vector's
   settings, before anything is written.

The crate's rules are encoded only in how the oracles are fed (for example: the
wire query is decoded here and handed over as a parameter list, the deny-list
of unsigned headers is configured on both oracles, `host` is put in smithy's
headers because smithy never adds it). No expected value is written by hand.
"""

import argparse
import base64
import datetime
import hashlib
import json
import os
import subprocess
import sys
from unittest import mock
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

import botocore
import botocore.auth
from botocore.auth import S3SigV4Auth, S3SigV4QueryAuth, SigV4Auth, SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

import cases as catalogue  # the case catalogue (cases.py, next to this file)
from check_vectors import check_file  # stdlib-only consistency checks

HERE = os.path.dirname(os.path.abspath(__file__))
SMITHY_ORACLE = os.path.join(HERE, "smithy_oracle.mjs")

# The crate's default deny-list: botocore's SIGNED_HEADERS_BLACKLIST plus
# `authorization` (which botocore deletes before header signing anyway).
CRATE_DENY = [
    "authorization",
    "baggage",
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "traceparent",
    "tracestate",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
]

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()

def decode_query(query):
    """The crate's rule for reading the wire query: split on '&', each part on
    the first '=', '+' means space, %XX is percent-decoded (UTF-8)."""
    if not query:
        return []
    pairs = []
    for part in query.split("&"):
        key, _, value = part.partition("=")
        pairs.append(
            (unquote_plus(key, errors="strict"), unquote_plus(value, errors="strict"))
        )
    return pairs


def host_from_url(url):
    """The crate's rule when no Host header is given: URL authority,
    lowercased, default port dropped for http/https. Only used to feed smithy,
    which never adds host itself; botocore derives it on its own."""
    parts = urlsplit(url)
    host = parts.hostname
    default = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port is not None and parts.port != default:
        host = f"{host}:{parts.port}"
    return host


# ----------------------------------------------------------------------------
# Case construction
# ----------------------------------------------------------------------------
CASES = []
# Bodies that a precomputed hash stands for. They are not part of the vector
# (the signer never sees them); the oracles are given them so that they
# compute the hash themselves.
NOTIONAL = {}


def vec(
    name,
    group,
    description,
    method,
    url,
    headers=(),
    body=b"",
    *,
    cred=catalogue.AKID,
    token=None,
    sign_token=True,
    region="us-east-1",
    service="execute-api",
    ts=catalogue.TS,
    mode="header",
    enc="double",
    payload="bytes",
    hash_header=False,
    excluded=(),
    expires=None,
    smithy_reason=None,
    disagree=None,
    known_signature=None,
    oracle_url=None,
    oracle_note=None,
):
    """Register one case. `payload` is "bytes", "unsigned" or
    ("precomputed", notional_body_bytes). `smithy_reason` marks smithy as not
    applicable; `disagree` is the explanation for an expected disagreement;
    `known_signature` is a published answer the oracles must reproduce.
    `oracle_url` is the URL the oracles sign when the wire URL is not what the
    service canonicalises (both oracles sign a path verbatim; S3 re-encodes
    it), and `oracle_note` says why; it goes into the vector's note."""
    if isinstance(body, str):
        body = body.encode("utf-8")
    if isinstance(payload, tuple):
        kind, notional = payload
        assert kind == "precomputed"
        digest = hashlib.sha256(notional).hexdigest()
        NOTIONAL[digest] = notional
        payload_json = {"kind": "precomputed", "sha256": digest}
    else:
        assert payload in ("bytes", "unsigned")
        payload_json = {"kind": payload}

    # Combinations the rules (and botocore) define.
    assert "#" not in url
    if enc == "single" and mode == "header":
        assert hash_header, name  # S3SigV4Auth always sends X-Amz-Content-SHA256
    if mode == "query":
        assert expires is not None and not hash_header, name
        assert payload_json["kind"] in ("bytes", "unsigned"), name
        assert body == b"", name  # botocore's query auth would move a body into the query
        if enc == "single":
            assert payload_json["kind"] == "unsigned", name
        elif payload_json["kind"] == "unsigned":
            assert url.startswith("https://"), name
    else:
        assert expires is None, name
    if mode == "header" and enc == "double" and payload_json["kind"] == "unsigned":
        assert url.startswith(("https://", "http://")), name

    CASES.append(
        {
            "name": name,
            "group": group,
            "description": description,
            "request": {
                "method": method,
                "url": url,
                "headers": [[k, v] for k, v in headers],
                "body_base64": base64.b64encode(body).decode("ascii"),
            },
            "signing": {
                "access_key_id": cred[0],
                "secret_access_key": cred[1],
                "session_token": token,
                "region": region,
                "service": service,
                "timestamp": ts,
                "mode": mode,
                "uri_encoding": enc,
                "path_normalization": "enabled" if enc == "double" else "disabled",
                "payload": payload_json,
                "payload_hash_header": hash_header,
                "sign_session_token": sign_token,
                "excluded_headers": [h.lower() for h in excluded],
                "expires_seconds": expires,
            },
            "_smithy_reason": smithy_reason,
            "_disagree": disagree,
            "_known": known_signature,
            "_oracle_url": oracle_url,
            "_oracle_note": oracle_note,
        }
    )


def build_cases():
    """Fill CASES from the catalogue and check names are unique and valid."""
    catalogue.add_all_cases(vec)
    names = [c["name"] for c in CASES]
    dupes = sorted({n for n in names if names.count(n) > 1})
    assert not dupes, f"duplicate names: {dupes}"
    for n in names:
        assert all(ch.isdigit() or ch == "-" or "a" <= ch <= "z" for ch in n), n
    return CASES


# ----------------------------------------------------------------------------
# Oracle 1: botocore
# ----------------------------------------------------------------------------
def oracle_body(case):
    payload = case["signing"]["payload"]
    if payload["kind"] == "precomputed":
        return NOTIONAL[payload["sha256"]]
    return base64.b64decode(case["request"]["body_base64"])


def _recording(cls):
    """Subclass of a botocore signer that keeps what its own methods return."""

    class Recording(cls):
        def canonical_request(self, request):
            self.recorded_cr = super().canonical_request(request)
            return self.recorded_cr

        def string_to_sign(self, request, canonical_request):
            self.recorded_sts = super().string_to_sign(request, canonical_request)
            return self.recorded_sts

        def signature(self, string_to_sign, request):
            self.recorded_sig = super().signature(string_to_sign, request)
            return self.recorded_sig

    return Recording


def botocore_oracle(case):
    s = case["signing"]
    r = case["request"]
    # A token that is appended after signing is not part of the signature, so
    # the oracle signs without it.
    token = s["session_token"] if s["sign_session_token"] else None
    creds = Credentials(s["access_key_id"], s["secret_access_key"], token)
    parts = urlsplit(case["_oracle_url"] or r["url"])
    base_url = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
    pairs = decode_query(parts.query)
    single = s["uri_encoding"] == "single"
    kind = s["payload"]["kind"]

    if s["mode"] == "header":
        cls = _recording(S3SigV4Auth if single else SigV4Auth)
        auth = cls(creds, s["service"], s["region"])
        # Decoded pairs: botocore re-encodes and sorts them itself.
        params = pairs
    else:
        cls = _recording(S3SigV4QueryAuth if single else SigV4QueryAuth)
        auth = cls(creds, s["service"], s["region"], expires=s["expires_seconds"])
        # The query signers take a dict; list values keep repeated keys.
        params = {}
        for k, v in pairs:
            params.setdefault(k, []).append(v)

    req = AWSRequest(method=r["method"], url=base_url, data=oracle_body(case), params=params)
    for name, value in r["headers"]:
        req.headers[name] = value  # HTTPHeaders appends, so duplicates stay

    if s["mode"] == "header":
        if kind == "unsigned":
            if single:
                # S3SigV4Auth: explicit client config turns payload signing off.
                req.context["client_config"] = Config(s3={"payload_signing_enabled": False})
            else:
                # SigV4Auth trusts an X-Amz-Content-SHA256 header already present.
                req.headers["X-Amz-Content-SHA256"] = "UNSIGNED-PAYLOAD"
        elif s["payload_hash_header"] and not single:
            # Ask botocore for the body hash and send it as the header.
            req.headers["X-Amz-Content-SHA256"] = auth.payload(req)
    elif kind == "unsigned" and not single:
        # SigV4QueryAuth: payload signing disabled (honoured over https).
        req.context["payload_signing_enabled"] = False

    now = datetime.datetime.strptime(s["timestamp"], "%Y-%m-%dT%H:%M:%SZ")
    deny = sorted(set(CRATE_DENY) | set(s["excluded_headers"]))
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now), mock.patch.object(
        botocore.auth, "SIGNED_HEADERS_BLACKLIST", deny
    ):
        auth.add_auth(req)

    cr, sts, sig = auth.recorded_cr, auth.recorded_sts, auth.recorded_sig
    # What botocore puts on the wire besides the signature: the headers it sets (header mode) or
    # the X-Amz-* parameters of the URL, raw as they appear in it (query mode).
    if s["mode"] == "header":
        wire = {
            "headers": {
                name.lower(): req.headers[name]
                for name in WIRE_HEADERS
                if req.headers.get(name) is not None
            }
        }
    else:
        wire = {"query": {}}
        for piece in urlsplit(req.url).query.split("&"):
            key, _, value = piece.partition("=")
            if key in WIRE_PARAMS:
                assert key not in wire["query"], req.url
                wire["query"][key] = value
    signed_headers = cr.split("\n")[-2]
    # Self-checks against what botocore put on the request.
    if s["mode"] == "header":
        authz = req.headers["Authorization"]
        assert authz.endswith(f"SignedHeaders={signed_headers}, Signature={sig}"), authz
    else:
        assert req.url.endswith(f"&X-Amz-Signature={sig}"), req.url
        assert f"X-Amz-SignedHeaders={quote(signed_headers, safe='-_.~')}" in req.url, req.url
    return {"canonical_request": cr, "string_to_sign": sts, "signature": sig}, wire


# The headers a signer adds in header mode, and the parameters it adds to a presigned URL.
WIRE_HEADERS = ("X-Amz-Date", "X-Amz-Security-Token", "X-Amz-Content-SHA256", "Authorization")
WIRE_PARAMS = (
    "X-Amz-Algorithm",
    "X-Amz-Credential",
    "X-Amz-Date",
    "X-Amz-Expires",
    "X-Amz-SignedHeaders",
    "X-Amz-Security-Token",
    "X-Amz-Signature",
)


# ----------------------------------------------------------------------------
# Oracle 2: @smithy/signature-v4 (through smithy_oracle.mjs)
# ----------------------------------------------------------------------------
def smithy_feed(case):
    s = case["signing"]
    r = case["request"]
    parts = urlsplit(case["_oracle_url"] or r["url"])
    single = s["uri_encoding"] == "single"
    kind = s["payload"]["kind"]
    deny = set(CRATE_DENY) | set(s["excluded_headers"])

    # smithy keeps one string per header name: duplicates (any case) are
    # joined with "," after trimming each value, which is the crate's rule.
    merged = {}
    for name, value in r["headers"]:
        merged.setdefault(name.lower(), []).append((name, value))
    headers = {}
    for lname, entries in merged.items():
        if len(entries) == 1:
            headers[entries[0][0]] = entries[0][1]
        else:
            headers[lname] = ",".join(v.strip(" \t") for _, v in entries)
    if "host" not in merged:
        headers["host"] = host_from_url(r["url"])  # smithy never adds host
    if kind == "unsigned":
        headers["x-amz-content-sha256"] = "UNSIGNED-PAYLOAD"

    # Names the crate signs are made signable even where smithy's own list
    # (cache-control, from, pragma, referer, max-forwards, proxy-*, sec-*)
    # would skip them; names the crate does not sign are made unsignable.
    present = set(merged) | {"host"}
    signable = sorted(n for n in present if n not in deny)
    unsignable = sorted(deny)
    unhoistable = []
    if s["mode"] == "query":
        # presign() would move x-amz-* headers into the query; the crate keeps
        # them as signed headers.
        unhoistable = sorted(n for n in present if n.startswith("x-amz-"))
        if kind == "unsigned":
            # The header only carries the payload hash into presign(); it is
            # neither signed nor hoisted.
            unsignable = sorted(set(unsignable) | {"x-amz-content-sha256"})
            unhoistable = sorted(set(unhoistable) | {"x-amz-content-sha256"})

    query = {}
    for k, v in decode_query(parts.query):
        if k in query:
            if not isinstance(query[k], list):
                query[k] = [query[k]]
            query[k].append(v)
        else:
            query[k] = v

    return {
        "mode": s["mode"],
        "credentials": {
            "accessKeyId": s["access_key_id"],
            "secretAccessKey": s["secret_access_key"],
            "sessionToken": s["session_token"] if s["sign_session_token"] else None,
        },
        "region": s["region"],
        "service": s["service"],
        "uriEscapePath": not single,
        "applyChecksum": bool(s["payload_hash_header"]),
        "signingDate": s["timestamp"],
        "expiresIn": s["expires_seconds"],
        "request": {
            "method": r["method"],
            "protocol": parts.scheme + ":",
            "hostname": parts.hostname,
            "port": parts.port,
            "path": parts.path,
            "query": query,
            "headers": headers,
            "bodyBase64": base64.b64encode(oracle_body(case)).decode("ascii"),
        },
        "unsignableHeaders": unsignable,
        "signableHeaders": signable,
        "unhoistableHeaders": unhoistable,
    }


def smithy_oracle(cases, node_dir):
    idx = [i for i, c in enumerate(cases) if c["_smithy_reason"] is None]
    feeds = [smithy_feed(cases[i]) for i in idx]
    env = dict(os.environ, SMITHY_NODE_DIR=node_dir)
    proc = subprocess.run(
        ["node", SMITHY_ORACLE],
        input=json.dumps(feeds).encode(),
        capture_output=True,
        env=env,
        check=False,
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr.decode())
        raise SystemExit(f"smithy oracle failed with exit code {proc.returncode}")
    results = json.loads(proc.stdout)
    assert len(results) == len(feeds)
    out = [None] * len(cases)
    for i, res in zip(idx, results):
        if "error" in res:
            raise SystemExit(f"smithy refused case {cases[i]['name']}: {res['error']}")
        out[i] = res
    return out


# ----------------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------------
def smithy_version(node_dir):
    with open(os.path.join(node_dir, "node_modules", "@smithy", "signature-v4", "package.json")) as f:
        return json.load(f)["version"]


def generate(node_dir):
    cases = build_cases()
    boto_wire = [botocore_oracle(c) for c in cases]
    boto = [b for b, _ in boto_wire]
    smithy = smithy_oracle(cases, node_dir)
    vectors = []
    problems = []
    for case, b, sm, (_, wire) in zip(cases, boto, smithy, boto_wire):
        if sm is None:
            agreement, note = "botocore-only", "smithy not applicable: " + case["_smithy_reason"]
        elif sm == b:
            agreement, note = "both", ""
            if case["_disagree"]:
                problems.append(f"{case['name']}: expected a disagreement but the oracles agree")
        else:
            agreement, note = "disagree", case["_disagree"] or ""
            if not case["_disagree"]:
                problems.append(
                    f"{case['name']}: oracles disagree\n--- botocore\n{b['canonical_request']}\n"
                    f"--- smithy\n{sm['canonical_request']}"
                )
        if case["_known"] and b["signature"] != case["_known"]:
            problems.append(f"{case['name']}: botocore gives {b['signature']}, published {case['_known']}")
        if case["_known"] and sm is not None and sm["signature"] != case["_known"]:
            problems.append(f"{case['name']}: smithy gives {sm['signature']}, published {case['_known']}")
        v = {
            "name": case["name"],
            "group": case["group"],
            "description": case["description"],
            "request": case["request"],
            "signing": case["signing"],
            "expected": dict(b),
            "oracles": {"botocore": b, "smithy": sm},
            # botocore's, as sent (a token appended after signing is not botocore's to add).
            "expected_wire": wire,
            "agreement": agreement,
            "note": " ".join(n for n in (note, case["_oracle_note"]) if n),
        }
        vectors.append(v)
    if problems:
        raise SystemExit("\n\n".join(problems))
    data = {
        "generator": "testdata/generate/generate.sh",
        "oracles": {"botocore": botocore.__version__, "@smithy/signature-v4": smithy_version(node_dir)},
        "vectors": vectors,
    }
    check_file(data)
    return data


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smithy-node-dir", required=True, help="folder holding node_modules with @smithy/signature-v4")
    ap.add_argument("--out", required=True, help="output path for vectors.json")
    args = ap.parse_args()
    data = generate(args.smithy_node_dir)
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    counts = {}
    for v in data["vectors"]:
        counts[v["group"]] = counts.get(v["group"], 0) + 1
    agreements = {}
    for v in data["vectors"]:
        agreements[v["agreement"]] = agreements.get(v["agreement"], 0) + 1
    print(f"wrote {len(data['vectors'])} vectors to {args.out}", file=sys.stderr)
    for g in sorted(counts):
        print(f"  {g}: {counts[g]}", file=sys.stderr)
    print(f"  agreement: {agreements}", file=sys.stderr)


if __name__ == "__main__":
    main()
