"""Signs a fixed set of requests with botocore (an independent SigV4 implementation) and prints
them as JSON, one object per line, for tests/it/botocore.rs to verify with awssig's Verifier.

Run with the Python of the moto venv made by scripts/install-verifiers.sh (botocore comes with
moto). The clock is pinned by patching botocore.auth.get_current_datetime.
"""
import datetime
import json
import sys
from unittest import mock

import botocore.auth as auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

NOW = datetime.datetime(2015, 8, 30, 12, 36, 0, tzinfo=datetime.timezone.utc)
AKID = "AKIDEXAMPLE"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
TOKEN = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

S3 = (auth.S3SigV4Auth, auth.S3SigV4QueryAuth)
CASES = [
    # name, class, service, method, url, headers, body, token
    ("header-get-query", auth.SigV4Auth, "execute-api", "GET",
     "https://abc.execute-api.us-east-1.amazonaws.com/prod/items?b=2&a=1&c=x%20y", {}, b"", None),
    ("header-post-json", auth.SigV4Auth, "execute-api", "POST",
     "https://abc.execute-api.us-east-1.amazonaws.com/prod/a%40b/c=d",
     {"Content-Type": "application/json", "X-Amz-Meta-Colour": "  blue   sky "}, b'{"a":1}', None),
    ("header-session-token", auth.SigV4Auth, "dynamodb", "POST", "https://dynamodb.us-east-1.amazonaws.com/",
     {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "DynamoDB_20120810.ListTables"}, b"{}", TOKEN),
    ("s3-header-put", auth.S3SigV4Auth, "s3", "PUT",
     "https://bucket.s3.us-east-1.amazonaws.com/dir/my%20file%2B1.txt", {}, b"hello", None),
    ("query-get", auth.SigV4QueryAuth, "execute-api", "GET",
     "https://abc.execute-api.us-east-1.amazonaws.com/prod?x=1", {}, b"", None),
    ("s3-query-get", auth.S3SigV4QueryAuth, "s3", "GET",
     "https://bucket.s3.us-east-1.amazonaws.com/dir/my%20file.txt?versionId=3", {}, b"", TOKEN),
]

out = []
with mock.patch.object(auth, "get_current_datetime", return_value=NOW):
    for name, cls, service, method, url, headers, body, token in CASES:
        creds = Credentials(AKID, SECRET, token)
        req = AWSRequest(method=method, url=url, headers=dict(headers), data=body)
        cls(creds, service, "us-east-1").add_auth(req)
        prepared = req.prepare()
        out.append({
            "name": name,
            "s3": cls in S3,
            "service": service,
            "token": token,
            "method": method,
            "url": prepared.url,
            "headers": [[k, v if isinstance(v, str) else v.decode()] for k, v in prepared.headers.items()],
            "body": body.decode(),
        })
for o in out:
    sys.stdout.write(json.dumps(o) + "\n")
