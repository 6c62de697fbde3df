#!/usr/bin/env python3
"""Consistency check for testdata/vectors.json, standard library only.

    python3 testdata/generate/check_vectors.py [testdata/vectors.json]

generate.py runs the same checks before it writes anything. They do not
re-derive canonical requests (that is the oracles' job); they check that each
recorded triple is internally consistent and that it matches the signing
parameters of its vector:
  * the string to sign has the algorithm, the timestamp, the scope built from
    region/service, and ends with sha256(canonical request);
  * the HMAC-SHA256 key chain over the secret gives the recorded signature;
  * the canonical request's method, payload hash, signed-header list and the
    headers/parameters the signer adds (x-amz-date, x-amz-security-token,
    x-amz-content-sha256, X-Amz-* query parameters) follow the vector's
    mode, payload, payload_hash_header and sign_session_token settings;
  * expected == oracles.botocore, and agreement/note are coherent.
"""

import base64
import hashlib
import hmac
import json
import re
import sys
from urllib.parse import quote

VECTOR_KEYS = [
    "name", "group", "description", "request", "signing", "expected", "oracles", "expected_wire",
    "agreement", "note",
]
REQUEST_KEYS = ["method", "url", "headers", "body_base64"]
SIGNING_KEYS = [
    "access_key_id", "secret_access_key", "session_token", "region", "service", "timestamp", "mode",
    "uri_encoding", "path_normalization", "payload", "payload_hash_header", "sign_session_token",
    "excluded_headers", "expires_seconds",
]
TRIPLE_KEYS = ["canonical_request", "string_to_sign", "signature"]


def _hmac(key, msg):
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def _enc(s):
    return quote(s, safe="-_.~")


def check_triplet(v, t, where):
    s = v["signing"]
    r = v["request"]
    assert sorted(t) == sorted(TRIPLE_KEYS), where
    amz_date = s["timestamp"].replace("-", "").replace(":", "")
    assert re.fullmatch(r"\d{8}T\d{6}Z", amz_date), where
    scope = f"{amz_date[:8]}/{s['region']}/{s['service']}/aws4_request"

    # String to sign.
    sts = t["string_to_sign"].split("\n")
    assert sts == [
        "AWS4-HMAC-SHA256",
        amz_date,
        scope,
        hashlib.sha256(t["canonical_request"].encode("utf-8")).hexdigest(),
    ], where

    # Signature = HMAC chain.
    key = ("AWS4" + s["secret_access_key"]).encode("utf-8")
    for part in (amz_date[:8], s["region"], s["service"], "aws4_request"):
        key = _hmac(key, part)
    assert hmac.new(key, t["string_to_sign"].encode("utf-8"), hashlib.sha256).hexdigest() == t["signature"], where

    # Canonical request shape.
    cr = t["canonical_request"].split("\n")
    method, path, query = cr[0], cr[1], cr[2]
    payload_line, signed_line = cr[-1], cr[-2]
    assert cr[-3] == "", where
    header_lines = cr[3:-3]
    names = [h.split(":", 1)[0] for h in header_lines]
    values = dict(h.split(":", 1) for h in header_lines)
    assert method == r["method"], where
    assert path.startswith("/"), where
    assert names == sorted(set(names)), where
    assert signed_line == ";".join(names), where
    assert "host" in names, where

    body = base64.b64decode(r["body_base64"])
    kind = s["payload"]["kind"]
    want_payload = {
        "bytes": hashlib.sha256(body).hexdigest(),
        "unsigned": "UNSIGNED-PAYLOAD",
        "precomputed": s["payload"].get("sha256"),
    }[kind]
    assert payload_line == want_payload, where

    # Nothing the signer must never sign.
    excluded = set(s["excluded_headers"]) | {"authorization", "user-agent", "x-amzn-trace-id", "connection", "expect"}
    assert not (set(names) & excluded), where

    token_signed = s["session_token"] is not None and s["sign_session_token"]
    if s["mode"] == "header":
        assert values.get("x-amz-date") == amz_date, where
        assert ("x-amz-security-token" in values) == token_signed, where
        if token_signed:
            assert values["x-amz-security-token"] == s["session_token"], where
        want_hash_header = s["payload_hash_header"] or kind == "unsigned"
        assert ("x-amz-content-sha256" in values) == want_hash_header, where
        if want_hash_header:
            assert values["x-amz-content-sha256"] == payload_line, where
        assert s["expires_seconds"] is None, where
    else:
        params = dict(p.split("=", 1) for p in query.split("&"))
        assert params["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256", where
        assert params["X-Amz-Credential"] == _enc(f"{s['access_key_id']}/{scope}"), where
        assert params["X-Amz-Date"] == amz_date, where
        assert params["X-Amz-Expires"] == str(s["expires_seconds"]), where
        assert params["X-Amz-SignedHeaders"] == _enc(signed_line), where
        assert ("X-Amz-Security-Token" in params) == token_signed, where
        if token_signed:
            assert params["X-Amz-Security-Token"] == _enc(s["session_token"]), where
        assert "X-Amz-Signature" not in params, where
        assert "x-amz-date" not in values and "x-amz-content-sha256" not in values, where


def check_vector(v):
    n = v.get("name", "?")
    assert list(v) == VECTOR_KEYS, n
    assert list(v["request"]) == REQUEST_KEYS, n
    assert list(v["signing"]) == SIGNING_KEYS, n
    assert re.fullmatch(r"[a-z0-9-]+", n), n
    s = v["signing"]
    assert s["mode"] in ("header", "query"), n
    assert s["uri_encoding"] in ("double", "single"), n
    assert s["path_normalization"] in ("enabled", "disabled"), n
    assert all(h == h.lower() for h in s["excluded_headers"]), n
    assert "#" not in v["request"]["url"], n
    check_triplet(v, v["expected"], n + "/expected")
    assert sorted(v["oracles"]) == ["botocore", "smithy"], n
    for oracle, t in v["oracles"].items():
        if t is not None:
            check_triplet(v, t, f"{n}/{oracle}")
    assert v["oracles"]["botocore"] is not None, n
    assert v["expected"] == v["oracles"]["botocore"], n
    wire = v["expected_wire"]
    sig = v["expected"]["signature"]
    if s["mode"] == "header":
        assert list(wire) == ["headers"], n
        assert wire["headers"]["authorization"].endswith(f", Signature={sig}"), n
    else:
        assert list(wire) == ["query"], n
        assert wire["query"]["X-Amz-Signature"] == sig, n
    assert v["agreement"] in ("both", "botocore-only", "disagree"), n
    if v["agreement"] == "both":
        assert v["oracles"]["smithy"] == v["oracles"]["botocore"], n
    elif v["agreement"] == "botocore-only":
        assert v["oracles"]["smithy"] is None and v["note"], n
    else:
        assert v["oracles"]["smithy"] not in (None, v["oracles"]["botocore"]) and v["note"], n


def check_file(data):
    assert list(data) == ["generator", "oracles", "vectors"]
    assert data["generator"] == "testdata/generate/generate.sh"
    assert sorted(data["oracles"]) == ["@smithy/signature-v4", "botocore"]
    names = [v["name"] for v in data["vectors"]]
    assert len(names) == len(set(names)), "duplicate vector names"
    for v in data["vectors"]:
        check_vector(v)


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "testdata/vectors.json"
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    check_file(data)
    print(f"{len(data['vectors'])} vectors consistent")


if __name__ == "__main__":
    main()
