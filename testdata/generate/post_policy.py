#!/usr/bin/env python3
"""Generate testdata/post_policies.json: S3 browser-upload POST forms signed by botocore.

Run through generate.sh (which makes the pinned venv). By hand:

    python post_policy.py --out testdata/post_policies.json

Each case is a list of builder steps (the same steps tests/it/post_policy.rs replays on
awssig's `PostPolicy`), turned here into botocore's `Fields` and `Conditions` and signed by
`S3.Client.generate_presigned_post` with the clock frozen. The file records, per case, the
steps, the signing parameters and botocore's output: the URL, every form field in order, and
the policy document decoded from its base64 field. No expected value is written by hand.
"""

import argparse
import base64
import datetime
import json
from unittest import mock

import botocore.auth
import botocore.session
from botocore.config import Config
import botocore.signers

AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE//session+token/with=padding=="

# (name, bucket, key, steps, region, timestamp, expires_in, token)
# A step is ["field", name, value] (a form field and its eq condition), ["starts-with", name,
# prefix] or ["content-length-range", min, max] (conditions only).
CASES = [
    ("exact-key", "amzn-s3-demo-bucket", "uploads/report.pdf", [], "us-east-1",
     "20261202T101500Z", 3600, False),
    ("filename-key", "amzn-s3-demo-bucket", "uploads/alice/${filename}", [], "eu-west-1",
     "20261202T101500Z", 600, False),
    ("typical-browser", "photos-bucket", "user/user1/${filename}", [
        ["field", "acl", "public-read"],
        ["field", "success_action_redirect", "https://example.com/done.html"],
        ["starts-with", "Content-Type", "image/"],
        ["field", "x-amz-meta-uuid", "14365123651274"],
        ["field", "x-amz-server-side-encryption", "AES256"],
        ["starts-with", "x-amz-meta-tag", ""],
        ["content-length-range", 1, 10485760],
    ], "us-west-2", "20261202T235959Z", 86400, False),
    ("session-token", "amzn-s3-demo-bucket", "tmp/${filename}", [
        ["field", "success_action_status", "201"],
        ["content-length-range", 0, 1048576],
    ], "ap-southeast-2", "20261130T000000Z", 900, True),
    ("non-ascii-and-escapes", "amzn-s3-demo-bucket", "données/\"quoted\"\\back/${filename}", [
        ["field", "x-amz-meta-note", "café €5 😀 tab\there"],
        ["field", "Content-Type", "text/plain; charset=utf-8"],
        ["field", "Cache-Control", "max-age=60"],
    ], "us-east-1", "20280229T235900Z", 60, False),
    ("dotted-bucket", "my.dotted.bucket", "a.txt", [
        ["field", "acl", "private"],
    ], "eu-central-1", "20261202T101500Z", 7 * 86400, False),
    ("crosses-midnight-and-year", "amzn-s3-demo-bucket", "year-end/${filename}", [
        ["starts-with", "Content-Type", ""],
        ["content-length-range", 5, 5],
    ], "sa-east-1", "20261231T235000Z", 3600, True),
]


def botocore_form(bucket, key, steps, region, timestamp, expires_in, token):
    fields = {}
    conditions = []
    for step in steps:
        if step[0] == "field":
            _, name, value = step
            fields[name] = value
            conditions.append({name: value})
        elif step[0] == "starts-with":
            _, name, prefix = step
            conditions.append(["starts-with", "$" + name, prefix])
        elif step[0] == "content-length-range":
            conditions.append(list(step))
        else:
            raise ValueError(step)
    session = botocore.session.get_session()
    client = session.create_client(
        "s3",
        region_name=region,
        aws_access_key_id=AKID,
        aws_secret_access_key=SECRET,
        aws_session_token=TOKEN if token else None,
        # SigV4 POST fields (x-amz-*); botocore's default for S3 POST is still SigV2.
        config=Config(signature_version="s3v4"),
    )
    now = datetime.datetime.strptime(timestamp, "%Y%m%dT%H%M%SZ")
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=now), \
            mock.patch.object(botocore.signers, "get_current_datetime", return_value=now):
        out = client.generate_presigned_post(
            Bucket=bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=expires_in
        )
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    cases = []
    for name, bucket, key, steps, region, ts, expires_in, token in CASES:
        out = botocore_form(bucket, key, steps, region, ts, expires_in, token)
        policy_json = base64.b64decode(out["fields"]["policy"]).decode("utf-8")
        cases.append({
            "name": name,
            "bucket": bucket,
            "key": key,
            "steps": steps,
            "region": region,
            "timestamp": ts,
            "expires_in": expires_in,
            "session_token": TOKEN if token else None,
            "botocore": {
                "url": out["url"],
                "fields": [[k, v] for k, v in out["fields"].items()],
                "policy_json": policy_json,
            },
        })
    data = {
        "source": "botocore S3.Client.generate_presigned_post, clock frozen (testdata/generate/post_policy.py)",
        "botocore_version": botocore.__version__,
        "access_key_id": AKID,
        "secret_access_key": SECRET,
        "cases": cases,
    }
    with open(args.out, "w", encoding="utf-8", newline="\n") as f:
        f.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
