"""PUTs and GETs objects with boto3 (its default checksum settings) against the HTTPS endpoint
the Rust test started, once per credential set, and exits non-zero unless every object reads
back exactly. Driven by tests/it/clients.rs; the CA comes from AWS_CA_BUNDLE."""
import json
import os
import sys

import boto3
import botocore
from botocore.config import Config

endpoint = os.environ["AWSSIG_ENDPOINT"]
sizes = [int(s) for s in os.environ["AWSSIG_SIZES"].split(",")]
credentials = json.loads(os.environ["AWSSIG_CREDENTIALS"])
print(f"boto3 {boto3.__version__}, botocore {botocore.__version__}", flush=True)

failed = False
for i, creds in enumerate(credentials):
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=creds["access_key_id"],
        aws_secret_access_key=creds["secret_access_key"],
        aws_session_token=creds.get("session_token"),
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    for size in sizes:
        data = bytes((j * 7 + size) % 256 for j in range(size))
        key = f"boto3/{i}/object-{size}.bin"
        s3.put_object(Bucket="bucket", Key=key, Body=data)
        got = s3.get_object(Bucket="bucket", Key=key)["Body"].read()
        ok = got == data
        failed |= not ok
        print(f"{key}: put {size} bytes, read back {len(got)}: {'exact' if ok else 'DIFFERENT'}", flush=True)
sys.exit(1 if failed else 0)
