"""Case catalogue for testdata/vectors.json.

Each `vec(...)` call (defined in generate.py) registers one request and its
signing parameters. Nothing here states an expected value: the oracles compute
them. Requests are written the way a client puts them on the wire: the URL
path and query are already percent-encoded as that client would send them.

The groups cover what the published AWS SigV4 test suite does not: S3 single
encoding and presigning, API Gateway stage paths, Lambda function URLs,
custom hosts, ports, header and query edge cases, session-token placement,
unsigned and precomputed payloads, dates and regions, and real service shapes.
"""

import base64
import hashlib
import json
from urllib.parse import quote

# ----------------------------------------------------------------------------
# Credentials, tokens and times. All are public examples or made up.
# ----------------------------------------------------------------------------
AKID = ("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")  # AWS SigV4 test suite
S3DOC = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")  # AWS S3 docs
TEMP = ("ASIAXEXAMPLETEMPKEY1", "9drTJvcXLB89EXAMPLELB8923FB892xMFI+/=tmpSecret")
OTHER = ("AKIAEXAMPLE123456789", "abcdEFGHijklMNOPqrstUVWXyz0123456789+/AB")


def det_bytes(label, n):
    """n deterministic pseudo-random bytes derived from a label."""
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}:{i}".encode()).digest()
        i += 1
    return out[:n]


TOKEN_SHORT = "FwoGZXIvYXdzEXAMPLE//////////wEaDEXAMPLEtoken+with/slashes=="
# Real STS tokens are several hundred base64 characters with + / = in them.
TOKEN_LONG = "IQoJb3JpZ2luX2VjEXAMPLE" + base64.b64encode(det_bytes("token", 540)).decode()
TOKEN_ALT = (
    "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuw"
    "thAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQc"
    "HNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/o"
    "LxBA=="
)

TS = "2015-08-30T12:36:00Z"  # the AWS test-suite time
TS_S3DOC = "2013-05-24T00:00:00Z"  # the AWS S3 documentation examples
TS_2024 = "2024-05-14T09:21:37Z"
TS_2025 = "2025-11-03T17:45:12Z"

JSON_CT = ("Content-Type", "application/json")
FORM_CT = ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")


# ----------------------------------------------------------------------------
# Wire-encoding helpers (what a client does before the signer sees the URL)
# ----------------------------------------------------------------------------
def s3_strict(key):
    """Object key -> wire path the way the AWS SDKs send it (once-encoded)."""
    return quote(key, safe="/~")


def s3_lenient(key):
    """Object key -> wire path with RFC 3986 sub-delims left literal, as some
    HTTP clients send it. Single encoding signs whatever is on the wire."""
    return quote(key, safe="/~!$&'()*+,;=:@")


def q(s):
    """Percent-encode a query component the way the SDKs do (RFC 3986)."""
    return quote(s, safe="-_.~")


def qs(pairs):
    return "&".join(f"{q(k)}={q(v)}" for k, v in pairs)


def js(obj):
    """Compact JSON body bytes (UTF-8, non-ASCII kept)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def add_all_cases(vec):
    s3_object_keys(vec)
    s3_operations(vec)
    s3_presign(vec)
    apigw_rest(vec)
    apigw_http(vec)
    query_strings(vec)
    lambda_url(vec)
    custom_host(vec)
    ports(vec)
    headers(vec)
    excluded_headers(vec)
    session_tokens(vec)
    presign_other(vec)
    payloads(vec)
    dates_regions(vec)
    aws_json(vec)
    aws_query(vec)
    path_normalization(vec)


# ----------------------------------------------------------------------------
# S3: object keys under single encoding (header mode)
# ----------------------------------------------------------------------------
S3_KEYS = [
    ("mixed-specials", "a b/c+d%2F~é"),
    ("parens", "(x)"),
    ("percent", "%"),
    ("plus", "+"),
    ("plus-run", "a+b++c+++"),
    ("cjk", "文件/报告 2024.pdf"),
    ("latin-accents", "ünïcödé-ñ.txt"),
    ("emoji", "photos/😀 smile.png"),
    ("spaces", "my documents/annual report final.docx"),
    ("double-slash", "a//b"),
    ("leading-slash", "/leading"),
    ("trailing-slash", "folder/"),
    ("dot-segments", "x/./y/../z"),
    ("sub-delims", "it's!*@$&=,;:.txt"),
    ("unreserved", "Tilde~Under_score-Dash.Dot"),
    ("literal-pct20", "percent%20literal"),
    ("question-hash", "q?mark#hash"),
    ("brackets-braces", "[brackets]{braces}^|`<>\"\\"),
    ("trailing-space", "space at end "),
    ("deep", "deep/" * 30 + "x.bin"),
    ("tab", "tab\there"),
]


def s3_object_keys(vec):
    g = "s3-object-key"
    for i, (sl, key) in enumerate(S3_KEYS):
        strict = s3_strict(key)
        vec(
            f"s3-key-get-{sl}",
            g,
            f"S3 GetObject, virtual-hosted bucket, key {key!r} sent SDK-encoded; path signed as sent",
            "GET",
            f"https://examplebucket.s3.amazonaws.com/{strict}",
            service="s3",
            cred=S3DOC,
            enc="single",
            hash_header=True,
            ts=TS_2024,
        )
        body = f"content of {key}\n".encode("utf-8")
        vec(
            f"s3-key-put-{sl}",
            g,
            f"S3 PutObject, path-style, key {key!r}, body hashed into x-amz-content-sha256",
            "PUT",
            f"https://s3.eu-west-1.amazonaws.com/my-bucket/{strict}",
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
            body,
            service="s3",
            region="eu-west-1",
            enc="single",
            hash_header=True,
            ts=TS_2025,
            cred=OTHER if i % 2 else S3DOC,
        )
        lenient = s3_lenient(key)
        if lenient != strict:
            vec(
                f"s3-key-lenient-{sl}",
                g,
                f"S3 GetObject, key {key!r} sent with sub-delims unencoded ({lenient!r}); S3 signs the key re-encoded once, UNSIGNED-PAYLOAD",
                "GET",
                f"https://my-bucket.s3.us-west-2.amazonaws.com/{lenient}",
                oracle_url=f"https://my-bucket.s3.us-west-2.amazonaws.com/{strict}",
                oracle_note=(
                    "The wire path leaves RFC 3986 sub-delims unencoded. Both oracles sign a "
                    "path verbatim, but S3 decodes the key and re-encodes every byte outside "
                    "the unreserved set once (reports: mondain/jets3t#17 for '*' and '@', "
                    "soto-project/soto#601 for '@', '(' and ')'), so the expected values are "
                    "the oracles' signature of the same key sent strictly encoded "
                    f"(/{strict}), which is what awssig signs for this request."
                ),
                service="s3",
                region="us-west-2",
                enc="single",
                hash_header=True,
                payload="unsigned",
            )


# ----------------------------------------------------------------------------
# S3: other operations, headers, payload modes (header mode)
# ----------------------------------------------------------------------------
def s3_operations(vec):
    g = "s3-header"
    b = "https://examplebucket.s3.amazonaws.com"

    def s3(name, desc, method, url, hdrs=(), body=b"", **kw):
        kw.setdefault("service", "s3")
        kw.setdefault("enc", "single")
        kw.setdefault("hash_header", True)
        vec(f"s3-{name}", g, desc, method, url, hdrs, body, **kw)

    # Published AWS S3 documentation examples (known answers).
    s3("doc-get-object-range", "published S3 example: GetObject with Range (known answer f0e8bdb8...)",
       "GET", f"{b}/test.txt", [("Range", "bytes=0-9")], cred=S3DOC, ts=TS_S3DOC,
       known_signature="f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")
    s3("doc-get-lifecycle", "published S3 example: GET ?lifecycle bare flag (known answer fea454ca...)",
       "GET", f"{b}/?lifecycle", cred=S3DOC, ts=TS_S3DOC,
       known_signature="fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")
    s3("doc-list-objects", "published S3 example: GET /?max-keys=2&prefix=J (known answer 34b48302...)",
       "GET", f"{b}/?max-keys=2&prefix=J", cred=S3DOC, ts=TS_S3DOC,
       known_signature="34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")

    s3("list-v2-prefix-delimiter", "ListObjectsV2 with encoded prefix and delimiter",
       "GET", f"{b}/?list-type=2&prefix=photos%2F2024%2F&delimiter=%2F&max-keys=100")
    s3("list-v2-continuation", "ListObjectsV2 with base64 continuation-token (%2B %2F %3D) and start-after with %20",
       "GET", f"{b}/?list-type=2&continuation-token=1%2FAbC%2BdEf%3D%3D&encoding-type=url&start-after=a%20b",
       token=TOKEN_SHORT, cred=TEMP)
    s3("list-versions-flag", "ListObjectVersions: bare ?versions flag plus prefix",
       "GET", f"{b}/?versions&prefix=logs%2F", ts=TS_2024)
    s3("get-acl", "GetObjectAcl: bare ?acl on an object", "GET", f"{b}/photos/cat.jpg?acl")
    tagging = b'<Tagging><TagSet><Tag><Key>env</Key><Value>prod</Value></Tag></TagSet></Tagging>'
    s3("put-tagging", "PutObjectTagging with XML body and Content-MD5", "PUT", f"{b}/doc.pdf?tagging",
       [("Content-MD5", base64.b64encode(hashlib.md5(tagging).digest()).decode()), ("Content-Type", "application/xml")],
       tagging, ts=TS_2024)
    s3("create-multipart", "CreateMultipartUpload: POST ?uploads with content-type and metadata",
       "POST", f"{b}/big%20file.bin?uploads",
       [("Content-Type", "application/octet-stream"), ("x-amz-meta-origin", "camera 7")])
    upload_id = "VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA--"
    part = det_bytes("part", 1024)
    s3("upload-part", "UploadPart with binary body, partNumber and uploadId", "PUT",
       f"{b}/big%20file.bin?partNumber=1&uploadId={upload_id}",
       [("Content-Length", str(len(part)))], part, region="us-east-1")
    complete = b"<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>\"a54357aff0632cce46d942af68356b38\"</ETag></Part></CompleteMultipartUpload>"
    s3("complete-multipart", "CompleteMultipartUpload: POST ?uploadId= with XML body", "POST",
       f"{b}/big%20file.bin?uploadId={upload_id}", [("Content-Type", "application/xml")], complete)
    s3("abort-multipart", "AbortMultipartUpload: DELETE ?uploadId=", "DELETE",
       f"{b}/big%20file.bin?uploadId={upload_id}")
    s3("put-with-metadata", "PutObject with x-amz-meta-*, ACL, SSE-KMS, storage class, Cache-Control, Content-Disposition",
       "PUT", f"{b}/reports/q1%202025.csv",
       [("Content-Type", "text/csv"),
        ("Cache-Control", "max-age=3600, must-revalidate"),
        ("Content-Disposition", 'attachment; filename="q1 2025.csv"'),
        ("x-amz-acl", "bucket-owner-full-control"),
        ("x-amz-server-side-encryption", "aws:kms"),
        ("x-amz-server-side-encryption-aws-kms-key-id", "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        ("x-amz-storage-class", "STANDARD_IA"),
        ("X-Amz-Meta-Author", "  Jane   Doe "),
        ("x-amz-meta-project", "alpha")],
       b"a,b,c\n1,2,3\n", ts=TS_2025)
    s3("put-expires-encoding", "PutObject with Expires date and Content-Encoding gzip", "PUT",
       f"{b}/static/app.js", [("Content-Encoding", "gzip"), ("Expires", "Thu, 01 Dec 2094 16:00:00 GMT"),
                              ("Content-Type", "application/javascript")], det_bytes("gzip", 300))
    s3("copy-object", "CopyObject: x-amz-copy-source with encoded key and metadata directive", "PUT",
       f"{b}/dest/copy%20of%20a%2Bb.txt",
       [("x-amz-copy-source", "/source-bucket/a%20b%2Bc.txt?versionId=3HL4kqtJlcpXroDTDmJ%2Bi8ObLJ2T0ykv"),
        ("x-amz-metadata-directive", "REPLACE"), ("Content-Type", "text/plain")])
    s3("head-conditional", "HeadObject with If-None-Match and If-Modified-Since", "HEAD", f"{b}/index.html",
       [("If-None-Match", '"686897696a7c876b7e"'), ("If-Modified-Since", "Sat, 29 Oct 1994 19:43:31 GMT")])
    s3("delete-version", "DeleteObject with versionId containing an encoded plus", "DELETE",
       f"{b}/old.txt?versionId=3HL4kqtJlcpXroDTDmJ%2Bi8ObLJ2T0ykv")
    dele = b"<Delete><Object><Key>a b.txt</Key></Object><Object><Key>c+d.txt</Key></Object><Quiet>true</Quiet></Delete>"
    s3("delete-objects", "DeleteObjects: POST ?delete with XML body, Content-MD5 and checksum header", "POST",
       f"{b}/?delete",
       [("Content-MD5", base64.b64encode(hashlib.md5(dele).digest()).decode()),
        ("x-amz-checksum-sha256", base64.b64encode(hashlib.sha256(dele).digest()).decode()),
        ("Content-Type", "application/xml")], dele)
    s3("get-location-path-style", "GetBucketLocation path-style on the global endpoint", "GET",
       "https://s3.amazonaws.com/examplebucket?location")
    s3("list-buckets", "ListBuckets: GET / on the global endpoint", "GET", "https://s3.amazonaws.com/", ts=TS_2024)
    s3("get-response-overrides", "GetObject with response-content-type / response-content-disposition query in header mode",
       "GET", f"{b}/file.bin?response-content-type=application%2Foctet-stream&response-content-disposition=attachment%3B%20filename%3D%22a%20b.bin%22")
    s3("requester-pays", "GetObject with x-amz-request-payer and x-amz-expected-bucket-owner", "GET",
       f"{b}/shared/data.parquet", [("x-amz-request-payer", "requester"), ("x-amz-expected-bucket-owner", "123456789012")])
    s3("put-session-token", "PutObject with temporary credentials; token signed as x-amz-security-token", "PUT",
       f"{b}/uploads/from%20lambda.json", [JSON_CT], b'{"ok":true}', cred=TEMP, token=TOKEN_LONG, ts=TS_2025)
    s3("put-unsigned-checksum", "PutObject with UNSIGNED-PAYLOAD and a CRC32 checksum header (SDK default over https)",
       "PUT", f"{b}/big/video.mp4",
       [("Content-Type", "video/mp4"), ("x-amz-checksum-crc32", "vvE4hw=="), ("x-amz-sdk-checksum-algorithm", "CRC32")],
       det_bytes("video", 2048), payload="unsigned")
    s3("put-unsigned-empty", "PutObject of an empty object with UNSIGNED-PAYLOAD", "PUT", f"{b}/empty.txt",
       payload="unsigned", region="us-east-1")
    s3("put-precomputed", "PutObject signed with a precomputed hash of a body streamed later (body not given to the signer)",
       "PUT", f"{b}/stream/part-0001.bin", [("Content-Length", "65536")],
       payload=("precomputed", det_bytes("stream", 65536)), ts=TS_2024)
    s3("http-endpoint", "GetObject over plain http (payload always hashed)", "GET",
       "http://examplebucket.s3.amazonaws.com/a%20b.txt")
    s3("dualstack", "GetObject on a dualstack regional endpoint", "GET",
       "https://examplebucket.s3.dualstack.us-east-2.amazonaws.com/data/file%281%29.txt", region="us-east-2")
    s3("access-point", "GetObject through an S3 access point host", "GET",
       "https://finance-ap-123456789012.s3-accesspoint.us-west-2.amazonaws.com/reports/2025%2F03.csv",
       region="us-west-2")
    s3("object-lambda", "GetObject through S3 Object Lambda (service s3-object-lambda)", "GET",
       "https://my-olap-123456789012.s3-object-lambda.us-east-1.amazonaws.com/doc%20one.txt",
       service="s3-object-lambda")
    s3("cn-region", "PutObject in cn-north-1 (amazonaws.com.cn)", "PUT",
       "https://examplebucket.s3.cn-north-1.amazonaws.com.cn/%E6%96%87%E4%BB%B6.txt", body=b"hi",
       region="cn-north-1")
    s3("r2-auto-region", "S3-compatible store with region 'auto' and path-style URL", "PUT",
       "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com/my-bucket/a%20b/c.txt",
       [("Content-Type", "text/plain")], b"r2", region="auto", cred=OTHER)


# ----------------------------------------------------------------------------
# S3 presigned URLs (query mode, single encoding, UNSIGNED-PAYLOAD)
# ----------------------------------------------------------------------------
def s3_presign(vec):
    g = "s3-presign"
    vec("s3-presign-doc-example", g,
        "published S3 presigned GET example, 86400 s (known answer aeeed9bb...)",
        "GET", "https://examplebucket.s3.amazonaws.com/test.txt", service="s3", cred=S3DOC, ts=TS_S3DOC,
        mode="query", enc="single", payload="unsigned", expires=86400,
        known_signature="aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")

    keys = [
        ("mixed-specials", "a b/c+d%2F~é"),
        ("parens", "(x)"),
        ("percent", "%"),
        ("plus", "+"),
        ("cjk", "文件/报告 2024.pdf"),
        ("emoji", "photos/😀 smile.png"),
        ("double-slash", "a//b"),
        ("sub-delims", "it's!*@$&=,;:.txt"),
        ("trailing-slash", "folder/"),
        ("plain", "plain.txt"),
        ("dot-segments", "dir/./x/../y"),
    ]
    expires = [60, 300, 900, 3600, 86400, 604800, 1, 43200, 7200, 600, 120]
    regions = ["us-east-1", "eu-west-1", "ap-southeast-2", "us-west-2", "sa-east-1"]
    for i, (sl, key) in enumerate(keys):
        region = regions[i % len(regions)]
        host = "s3.amazonaws.com" if region == "us-east-1" else f"s3.{region}.amazonaws.com"
        with_token = i % 2 == 1
        vec(f"s3-presign-get-{sl}", g,
            f"presigned GetObject, key {key!r}, X-Amz-Expires={expires[i]}"
            + (", session token signed in the query" if with_token else ""),
            "GET", f"https://presign-bucket.{host}/{s3_strict(key)}", service="s3", region=region,
            cred=TEMP if with_token else S3DOC, token=TOKEN_LONG if with_token else None,
            mode="query", enc="single", payload="unsigned", expires=expires[i], ts=TS_2025 if i % 3 else TS)

    put_cases = [
        ("plain", "uploads/photo.jpg", [("Content-Type", "image/jpeg")], None),
        ("spaces-ct", "uploads/my photo (1).jpg", [("Content-Type", "image/jpeg")], TOKEN_SHORT),
        ("meta", "uploads/doc.pdf", [("Content-Type", "application/pdf"), ("x-amz-meta-owner", "jane")], None),
        ("acl-sse", "uploads/secret.bin", [("x-amz-acl", "private"), ("x-amz-server-side-encryption", "AES256")], TOKEN_LONG),
        ("no-headers", "uploads/raw", [], None),
        ("unicode", "uploads/ünï 文件.txt", [("Content-Type", "text/plain; charset=utf-8")], TOKEN_ALT),
        ("checksum", "uploads/data.csv", [("x-amz-checksum-sha256", "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="), ("x-amz-sdk-checksum-algorithm", "SHA256")], None),
        ("content-md5", "uploads/m.txt", [("Content-MD5", "1B2M2Y8AsgTpgAmY7PhCfg==")], None),
    ]
    for i, (sl, key, hdrs, tok) in enumerate(put_cases):
        vec(f"s3-presign-put-{sl}", g,
            f"presigned PutObject, key {key!r}, signed headers {[h for h, _ in hdrs] or ['host']}"
            + (", session token" if tok else ""),
            "PUT", f"https://upload-bucket.s3.us-east-2.amazonaws.com/{s3_strict(key)}", hdrs,
            service="s3", region="us-east-2", cred=TEMP if tok else OTHER, token=tok,
            mode="query", enc="single", payload="unsigned", expires=[900, 3600, 300, 604800][i % 4], ts=TS_2024)

    def pre(name, desc, method, url, hdrs=(), **kw):
        kw.setdefault("service", "s3")
        vec(f"s3-presign-{name}", g, desc, method, url, hdrs, mode="query", enc="single",
            payload="unsigned", **kw)

    pre("response-overrides", "presigned GET with response-content-disposition (quoted UTF-8 filename) and response-content-type",
        "GET", "https://examplebucket.s3.amazonaws.com/files/1234?response-content-disposition=attachment%3B%20filename%3D%22r%C3%A9sum%C3%A9.pdf%22&response-content-type=application%2Fpdf",
        expires=3600)
    pre("response-overrides-plus", "presigned GET where the client wrote spaces as '+' in the query (decoded to space, signed %20)",
        "GET", "https://examplebucket.s3.amazonaws.com/files/1234?response-content-disposition=inline;+filename=report+final.pdf",
        expires=600)
    pre("version-id", "presigned GET of a specific version (versionId with %2B)", "GET",
        "https://examplebucket.s3.amazonaws.com/old.txt?versionId=3HL4kqtJlcpXroDTDmJ%2Bi8ObLJ2T0ykv", expires=300,
        cred=TEMP, token=TOKEN_SHORT)
    pre("head", "presigned HeadObject", "HEAD", "https://examplebucket.s3.amazonaws.com/a%20b.txt", expires=120)
    pre("delete", "presigned DeleteObject with session token", "DELETE",
        "https://examplebucket.s3.amazonaws.com/tmp/x.txt", expires=60, cred=TEMP, token=TOKEN_LONG)
    pre("upload-part", "presigned UploadPart with partNumber and uploadId", "PUT",
        "https://examplebucket.s3.amazonaws.com/big%20file.bin?partNumber=3&uploadId=VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA--",
        expires=3600, ts=TS_2025)
    pre("path-style", "presigned GET, path-style URL with a key needing encoding", "GET",
        "https://s3.eu-central-1.amazonaws.com/my.dotted.bucket/a%20b/%28c%29.txt", region="eu-central-1", expires=900)
    pre("minio-localhost", "presigned GET against an S3-compatible server on http://localhost:9000", "GET",
        "http://localhost:9000/bucket/key%20with%20spaces.txt", expires=3600, cred=OTHER)
    pre("token-appended", "presigned GET, session token appended after signing (not in the canonical query)", "GET",
        "https://examplebucket.s3.amazonaws.com/private/report.pdf", expires=900, cred=TEMP, token=TOKEN_LONG,
        sign_token=False)
    pre("token-appended-put", "presigned PUT with content-type, session token appended after signing", "PUT",
        "https://examplebucket.s3.amazonaws.com/up/load.bin", [("Content-Type", "application/octet-stream")],
        expires=3600, cred=TEMP, token=TOKEN_SHORT, sign_token=False, ts=TS_2024)
    pre("list-objects", "presigned ListObjectsV2 with prefix", "GET",
        "https://examplebucket.s3.amazonaws.com/?list-type=2&prefix=a%20b%2F", expires=300)
    pre("gov-region", "presigned GET in us-gov-west-1", "GET",
        "https://examplebucket.s3.us-gov-west-1.amazonaws.com/gov/data.txt", region="us-gov-west-1",
        expires=3600, ts="2024-02-29T23:59:59Z")


# ----------------------------------------------------------------------------
# API Gateway REST APIs (execute-api, double encoding, stage in the path)
# ----------------------------------------------------------------------------
def apigw_rest(vec):
    g = "apigw-rest"
    host = "abc123defg.execute-api.us-east-1.amazonaws.com"
    paths = [
        ("items", "/prod/items", "plain stage path"),
        ("item-id", "/prod/items/123", "resource id"),
        ("stage-root-slash", "/prod/", "stage root with trailing slash"),
        ("stage-root", "/prod", "stage root without trailing slash"),
        ("connections-literal", "/v1/@connections/abc=", "'@' and '=' sent literally (encoded once by the signer)"),
        ("connections-encoded", "/v1/%40connections/abc%3D", "'@' and '=' sent encoded (%40, %3D) and encoded again"),
        ("space", "/prod/users/john%20doe", "%20 in a segment becomes %2520"),
        ("encoded-slash", "/prod/files/a%2Fb.txt", "encoded slash stays one segment and is double-encoded"),
        ("umlaut", "/prod/%C3%A4", "UTF-8 percent-encoded path (AWS error shows %25C3%25A4)"),
        ("cafe", "/prod/search/caf%C3%A9", "accented word"),
        ("sub-delims", "/prod/a:b;c=d", "colon, semicolon and equals sent literally"),
        ("plus-encoded", "/prod/tags/c%2B%2B", "encoded plus"),
        ("plus-literal", "/prod/tags/c++", "literal plus is not a space in a path"),
        ("braces", "/prod/items/%7Bid%7D", "encoded braces"),
        ("emoji", "/prod/emoji/%F0%9F%98%80", "4-byte UTF-8"),
        ("timestamp", "/dev/v2/orders/2024-01-01T00%3A00%3A00Z", "encoded colons in an ISO timestamp"),
        ("double-encoded-input", "/prod/%2520already", "input already contains %25 (becomes %252520)"),
        ("mixed-case", "/Prod/MixedCase/Path", "case preserved"),
        ("unreserved", "/stage-with-dash/resource_name/sub.resource~x", "unreserved characters left alone"),
        ("apostrophe", "/prod/quote'apos", "apostrophe encoded as %27"),
        ("star-bang", "/prod/star*bang!", "star and bang encoded"),
        ("dollar-amp-comma", "/prod/dollar$amp&comma,", "dollar, ampersand and comma encoded"),
        ("percent-lowercase", "/prod/%c3%a4", "lowercase percent-escapes are re-encoded, not normalized"),
        ("deep-path", "/prod/" + "/".join(f"level{i}" for i in range(20)), "deep path"),
    ]
    methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "GET", "HEAD", "OPTIONS"]
    for i, (sl, path, what) in enumerate(paths):
        method = methods[i % len(methods)]
        hdrs = [("Accept", "application/json")]
        body = b""
        if method in ("POST", "PUT", "PATCH"):
            body = js({"id": i, "name": f"item {i}", "tags": ["a", "b"]})
            hdrs = [JSON_CT, ("x-api-key", "a1b2c3d4e5f6g7h8i9j0")]
        tok = TOKEN_SHORT if i % 5 == 3 else None
        vec(f"apigw-rest-{sl}", g, f"REST API {method} {path}: {what}", method, f"https://{host}{path}", hdrs, body,
            cred=TEMP if tok else AKID, token=tok, ts=TS_2024 if i % 2 else TS)

    with_query = [
        ("stage-query", "/prod/items?b=2&a=1", "query reordered"),
        ("stage-query-repeat", "/prod/items?tag=b&tag=a&limit=10", "repeated key"),
        ("stage-query-encoded-path", "/prod/users/j%C3%B6rg/orders?status=open%20now", "encoded path and query"),
    ]
    for sl, pq, what in with_query:
        vec(f"apigw-rest-{sl}", g, f"REST API GET {pq}: {what}", "GET", f"https://{host}{pq}", ts=TS_2025,
            region="us-east-1")

    ws = "d7xyz12345.execute-api.eu-west-1.amazonaws.com"
    conn = "L0SM9cOFvHcCIhw="
    for method, body in (("POST", js({"message": "hello from the server"})), ("GET", b""), ("DELETE", b"")):
        vec(f"apigw-ws-{method.lower()}-connection", g,
            f"WebSocket @connections {method} with an encoded connection id (%40, %3D double-encoded)",
            method, f"https://{ws}/production/%40connections/{q(conn)}", [JSON_CT] if body else [], body,
            region="eu-west-1", cred=TEMP, token=TOKEN_LONG, ts=TS_2025)
    vec("apigw-ws-post-connection-literal", g,
        "WebSocket @connections POST with '@' and '=' unencoded on the wire",
        "POST", f"https://{ws}/production/@connections/{conn}", [JSON_CT], js({"m": 1}), region="eu-west-1")
    vec("apigw-rest-stale-auth-replaced", g,
        "re-signing: a stale Authorization and X-Amz-Date are replaced, not signed",
        "GET", f"https://{host}/prod/items",
        [("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date, Signature=0000"),
         ("X-Amz-Date", "20150830T000000Z")])
    vec("apigw-rest-content-length", g, "POST with Content-Length and Content-Type signed", "POST",
        f"https://{host}/prod/items", [JSON_CT, ("Content-Length", "17")], b'{"name":"widget"}')


# ----------------------------------------------------------------------------
# API Gateway HTTP APIs ($default stage, no stage in the path)
# ----------------------------------------------------------------------------
def apigw_http(vec):
    g = "apigw-http"
    cases = [
        ("root", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/", b"", "root path"),
        ("empty-path", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com", b"", "URL without a path (canonical '/')"),
        ("items", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/items", b"", "route without stage"),
        ("item-id", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/items/42", b"", "path parameter"),
        ("nested-query", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/users/me/orders?status=open&limit=10", b"", "nested route with query"),
        ("explicit-default", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/%24default/items", b"", "explicit $default stage sent encoded"),
        ("explicit-default-literal", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/$default/items", b"", "explicit $default stage sent literally"),
        ("encoded-slash", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/v1/items/a%2Fb", b"", "greedy path parameter with encoded slash"),
        ("repeat-query", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/pets?type=dog&type=cat", b"", "multi-value query"),
        ("trailing-slash", "GET", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/items/", b"", "trailing slash kept"),
        ("post-json", "POST", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/items", js({"name": "Zoë", "qty": 3}), "POST with UTF-8 JSON"),
        ("put-json", "PUT", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/items/42", js({"qty": 4}), "PUT with JSON"),
        ("delete", "DELETE", "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/items/42", b"", "DELETE"),
        ("ap-region", "GET", "https://z9y8x7w6v5.execute-api.ap-northeast-1.amazonaws.com/health", b"", "Tokyo region"),
    ]
    for sl, method, url, body, what in cases:
        region = url.split(".execute-api.")[1].split(".")[0]
        vec(f"apigw-http-{sl}", g, f"HTTP API {method}: {what}", method, url, [JSON_CT] if body else [], body,
            region=region, ts=TS_2024)
    vec("apigw-http-token", g, "HTTP API GET with temporary credentials", "GET",
        "https://a1b2c3d4e5.execute-api.us-west-2.amazonaws.com/me", region="us-west-2", cred=TEMP,
        token=TOKEN_ALT, ts=TS_2025)


# ----------------------------------------------------------------------------
# Query strings (decode the wire query, re-encode, sort)
# ----------------------------------------------------------------------------
QUERY_CASES = [
    ("reorder", "b=2&a=1", "keys reordered"),
    ("repeated-key", "a=2&a=1&a=10", "repeated key sorted by value as strings"),
    ("repeated-same-value", "a=1&a=1", "identical pairs both kept"),
    ("empty-values", "b=&a=", "empty values"),
    ("bare-flag", "flag", "bare flag means flag="),
    ("flag-and-pairs", "z=1&flag&a=2", "flag among pairs"),
    ("plus-is-space", "q=a+b", "'+' decodes to a space, signed as %20"),
    ("encoded-plus", "q=a%2Bb", "%2B stays %2B"),
    ("pct20", "q=a%20b", "%20 stays %20"),
    ("plus-and-pct20-same", "q=a+b&q=a%20b", "'+' and %20 give the same pair"),
    ("pre-encoded-equals", "filter=k%3Dv", "%3D stays %3D"),
    ("raw-equals-in-value", "filter=k=v=w", "only the first '=' splits; later ones encoded %3D"),
    ("encoded-tilde", "u=%7Euser", "%7E decodes to '~', unreserved"),
    ("raw-tilde", "u=~user", "tilde stays"),
    ("unicode-key-value", "k%C3%A9y=v%C3%A0l%C3%BC%C3%A9", "UTF-8 key and value"),
    ("unicode-cjk", "q=%E4%B8%AD%E6%96%87&lang=zh", "CJK value"),
    ("emoji", "q=%F0%9F%98%80", "4-byte UTF-8 value"),
    ("case-sorting", "a=1&B=2&b=3&A=4&_=5&Z=6", "uppercase sorts before lowercase; '_' between"),
    ("same-key-case-values", "k=b&k=B&k=a&k=A&k=_", "same key, values differing in case"),
    ("upper-lower-same-key", "Key=1&key=2&KEY=3", "keys differing only in case are distinct"),
    ("encoded-sort-order", "a[=1&aZ=2&a~=3&a%C3%A9=4&a_=5", "sorting by encoded key differs from sorting raw keys"),
    ("encoded-sort-values", "k=x~&k=x%C3%A9&k=x[&k=xZ", "values sorted by encoded form"),
    ("unreserved-keys", "a-b=1&a.b=2&a_b=3&a~b=4&aAb=5&a0b=6", "unreserved punctuation in keys"),
    ("pct-lowercase-hex", "k=%c3%a9&j=%7e", "lowercase escapes decoded and re-encoded uppercase"),
    ("percent-literal", "k=100%25", "encoded percent"),
    ("double-encoded-value", "k=%2520", "%2520 decodes once to '%20' and is signed %2520"),
    ("reserved-encoded", "k=%21%2A%28%29%27", "!*()' encoded"),
    ("reserved-raw", "k=!*()'", "!*()' sent raw are encoded"),
    ("slash-question-raw", "redirect=/a/b?c", "raw '/' and '?' in a value"),
    ("slash-question-encoded", "redirect=%2Fa%2Fb%3Fc", "encoded '/' and '?'"),
    ("brackets-raw", "arr[]=1&arr[]=2", "raw brackets in keys"),
    ("brackets-encoded", "arr%5B%5D=2&arr%5B%5D=1", "encoded brackets in keys"),
    ("brackets-index", "m[b]=2&m[a]=1", "bracketed map keys"),
    ("sub-delims-raw", "k=;,:@$", "sub-delims in a value"),
    ("field-notes-mix", "q=a+b&r=a%20b&s=x%2By&empty=&flag&k=v%3Dw&z=2&z=1&t=%7E%2F", "mixed encodings in one query"),
    ("tab-newline-nul", "k=a%09b%0Ac%00d", "control characters"),
    ("numeric-keys", "10=a&9=b&1=c&01=d", "numeric keys sorted as strings"),
    ("json-in-query", "filter=%7B%22a%22%3A%5B1%2C2%5D%7D", "encoded JSON value"),
    ("base64-token", "next=eyJrIjoidiJ9%3D%3D&prev=abc+/def==", "base64 token: raw '+' becomes a space"),
    ("amz-style-keys", "X-Amz-Foo=1&x-amz-bar=2", "X-Amz-like names are ordinary parameters in header mode"),
    ("ampersand-hash-encoded", "q=rock%26roll&tag=%23new", "encoded '&' and '#'"),
    ("space-in-key", "first+name=Jo&last%20name=Do", "spaces in keys"),
    ("empty-and-flag-same-key", "k&k=&k=v", "flag, empty value and value for one key"),
    ("value-only-spaces", "k=+++", "value of spaces"),
    ("long-value", "token=" + base64.urlsafe_b64encode(det_bytes("qlong", 750)).decode(), "1000-character value"),
]


def query_strings(vec):
    g = "query-string"
    targets = [
        ("GET", "https://example.amazonaws.com/", "service", "us-east-1", AKID),
        ("GET", "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/search", "execute-api", "us-east-1", AKID),
        ("POST", "https://abc123defg.execute-api.eu-west-2.amazonaws.com/v1/query", "execute-api", "eu-west-2", OTHER),
    ]
    for i, (sl, query, what) in enumerate(QUERY_CASES):
        method, base, service, region, cred = targets[i % len(targets)]
        body = js({"q": i}) if method == "POST" else b""
        vec(f"query-{sl}", g, f"query ?{query[:60]}{'...' if len(query) > 60 else ''}: {what}", method,
            f"{base}?{query}", [JSON_CT] if body else [], body, service=service, region=region, cred=cred,
            ts=TS if i % 2 else TS_2024)

    many = [(f"p{n:02d}", f"v{(n * 7) % 40}") for n in range(40)]
    many = many[::3] + many[1::3] + many[2::3]
    vec("query-many-params", g, "40 parameters in shuffled order", "GET",
        f"https://example.amazonaws.com/?{qs(many)}", service="service")
    vec("query-aws-suite-order-key-case", g,
        "published AWS suite case get-vanilla-query-order-key-case (known answer b97d918c...)", "GET",
        "https://example.amazonaws.com/?Param2=value2&Param1=value1", service="service",
        known_signature="b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500")


# ----------------------------------------------------------------------------
# Lambda function URLs (service lambda, x-amz-content-sha256 always sent)
# ----------------------------------------------------------------------------
def lambda_url(vec):
    g = "lambda-url"
    h1 = "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws"
    h2 = "q2w3e4r5t6y7u8i9o0p1a2s3d4f5g6h7.lambda-url.eu-west-1.on.aws"
    h3 = "zz00yy11xx22ww33vv44uu55tt66ss77.lambda-url.ap-southeast-2.on.aws"

    def lam(name, desc, method, url, hdrs=(), body=b"", **kw):
        kw.setdefault("service", "lambda")
        kw.setdefault("hash_header", True)
        host = url.split("/")[2]
        kw.setdefault("region", host.split(".lambda-url.")[1].split(".")[0])
        vec(f"lambda-url-{name}", g, desc, method, url, hdrs, body, **kw)

    lam("post-json", "POST JSON to the function URL root", "POST", f"https://{h1}/", [JSON_CT], js({"hello": "world"}))
    lam("post-unicode-json", "POST UTF-8 JSON (non-ASCII bytes hashed as sent)", "POST", f"https://{h1}/api/items",
        [("Content-Type", "application/json; charset=utf-8")], js({"name": "Zoë", "emoji": "😀", "cjk": "中文"}))
    lam("put-json", "PUT JSON to a nested path", "PUT", f"https://{h1}/api/items/42", [JSON_CT], js({"qty": 5}),
        ts=TS_2024)
    lam("patch-json", "PATCH JSON", "PATCH", f"https://{h2}/api/items/42", [JSON_CT], js({"op": "inc"}))
    lam("delete-empty", "DELETE without body (hash of empty body sent)", "DELETE", f"https://{h1}/api/items/42")
    lam("delete-with-body", "DELETE with a JSON body (CloudFront OAC pitfall: body must be hashed)", "DELETE",
        f"https://{h1}/api/items", [JSON_CT], js({"ids": [1, 2, 3]}))
    lam("get-root", "GET / with x-amz-content-sha256 of the empty body", "GET", f"https://{h2}/")
    lam("get-query", "GET with query and base64 cursor", "GET", f"https://{h2}/list?limit=10&cursor=abc%3D%3D")
    lam("post-empty", "POST with an empty body", "POST", f"https://{h3}/trigger", [JSON_CT])
    lam("post-binary", "POST binary body", "POST", f"https://{h3}/upload", [("Content-Type", "application/octet-stream")],
        bytes(range(256)))
    lam("post-large", "POST 64 KiB body", "POST", f"https://{h1}/bulk", [("Content-Type", "application/x-ndjson")],
        b"\n".join(js({"n": n, "pad": "x" * 50}) for n in range(1000))[:65536], ts=TS_2025)
    lam("post-form", "POST form-encoded body", "POST", f"https://{h1}/form", [FORM_CT], b"a=1&b=hello+world&c=%26")
    lam("post-session-token", "POST with Lambda@Edge role credentials (token signed)", "POST", f"https://{h1}/api",
        [JSON_CT], js({"edge": True}), cred=TEMP, token=TOKEN_LONG, ts=TS_2025)
    lam("post-token-unsigned", "POST, session token appended after signing", "POST", f"https://{h2}/api",
        [JSON_CT], js({"edge": False}), cred=TEMP, token=TOKEN_SHORT, sign_token=False)
    lam("encoded-path", "POST to a path with %20 (double-encoded)", "POST", f"https://{h1}/v1/users/john%20doe",
        [JSON_CT], js({"a": 1}))
    lam("precomputed", "PUT with a precomputed payload hash that equals the body's hash", "PUT", f"https://{h2}/blob",
        [("Content-Type", "text/plain")], b"precomputed body", payload=("precomputed", b"precomputed body"))
    lam("precomputed-no-body", "POST with a precomputed hash; body not given to the signer", "POST",
        f"https://{h3}/stream", [JSON_CT], payload=("precomputed", js({"streamed": True, "n": 12345})))
    lam("accept-headers", "POST with Accept, custom and x-amz-* headers", "POST", f"https://{h1}/api",
        [JSON_CT, ("Accept", "application/json"), ("X-Request-Id", "7f3a-22"), ("x-amz-client-context", "eyJjdXN0b20iOnt9fQ==")],
        js({"x": 1}))
    lam("other-creds", "POST with other credentials in ap-southeast-2", "POST", f"https://{h3}/", [JSON_CT],
        js({"region": "syd"}), cred=OTHER, ts="2024-02-29T12:00:00Z")


# ----------------------------------------------------------------------------
# Host header differing from the URL authority
# ----------------------------------------------------------------------------
def custom_host(vec):
    g = "custom-host"
    vec("custom-host-domain-no-header", g, "custom domain URL without Host header: host from URL", "GET",
        "https://api.example.com/orders/17")
    vec("custom-host-domain-base-path", g, "custom domain with base-path mapping, Host header given", "GET",
        "https://api.example.com/v1/orders?status=open", [("Host", "api.example.com")])
    vec("custom-host-vpce-apigw-api-id", g, "private API via VPC endpoint DNS with x-apigw-api-id (signed)", "GET",
        "https://vpce-0a1b2c3d4e5f6a7b8-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com/prod/pets",
        [("x-apigw-api-id", "a1b2c3d4e5")])
    vec("custom-host-vpce-host-header", g, "private API via VPC endpoint with Host set to the API's own host", "GET",
        "https://vpce-0a1b2c3d4e5f6a7b8-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com/prod/pets?limit=5",
        [("Host", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com")])
    vec("custom-host-vpce-both", g, "VPC endpoint with both Host and x-apigw-api-id", "POST",
        "https://vpce-0a1b2c3d4e5f6a7b8-abcdefgh.execute-api.us-east-1.vpce.amazonaws.com/prod/pets",
        [("Host", "a1b2c3d4e5.execute-api.us-east-1.amazonaws.com"), ("x-apigw-api-id", "a1b2c3d4e5"), JSON_CT],
        js({"name": "rex"}), cred=TEMP, token=TOKEN_SHORT)
    vec("custom-host-cloudfront-to-lambda", g,
        "request to a CloudFront URL signed for the Lambda URL origin host (OAC style)", "POST",
        "https://d111111abcdef8.cloudfront.net/api/items",
        [("Host", "abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws"), JSON_CT], js({"a": 1}),
        service="lambda", hash_header=True)
    vec("custom-host-ip-url", g, "URL with an IP address, Host header names the API", "GET",
        "https://10.0.0.5/prod/items", [("Host", "abc123defg.execute-api.us-east-1.amazonaws.com")])
    vec("custom-host-mixed-case-value", g, "Host header value in mixed case is signed as given", "GET",
        "https://api.example.com/x", [("Host", "API.Example.COM")])
    vec("custom-host-port-in-header", g, "Host header with a port while the URL has none", "GET",
        "https://api.example.com/x", [("Host", "api.example.com:8443")])
    vec("custom-host-uppercase-name", g, "header named HOST (upper case)", "GET",
        "https://api.example.com/y", [("HOST", "api.example.com")])
    vec("custom-host-whitespace", g, "Host header value with surrounding spaces is trimmed", "GET",
        "https://api.example.com/z", [("Host", "  api.example.com  ")])
    vec("custom-host-lambda-domain", g, "Lambda URL behind a custom domain, Host header set", "PUT",
        "https://fn.example.org/items/9", [("Host", "fn.example.org"), JSON_CT], js({"v": 9}), service="lambda",
        hash_header=True, region="eu-west-1")
    vec("custom-host-s3-cname", g, "S3 bucket served under a CNAME, single encoding", "GET",
        "https://files.example.com/a%20b.txt", [("Host", "files.example.com")], service="s3", enc="single",
        hash_header=True)
    vec("custom-host-presign", g, "presigned execute-api URL under a custom domain", "GET",
        "https://api.example.com/v1/report?id=7", [("Host", "api.example.com")], mode="query", expires=300)
    vec("custom-host-opensearch", g, "OpenSearch behind a proxy: Host names the domain endpoint", "GET",
        "https://search.example.com/logs-2025/_search?q=level:error",
        [("Host", "search-mydomain-abc123xyz.us-west-2.es.amazonaws.com")], service="es", region="us-west-2")
    vec("custom-host-localstack-style", g, "local emulator URL with the real service host in Host", "POST",
        "http://localhost:4566/", [("Host", "sqs.us-east-1.amazonaws.com"), ("Content-Type", "application/x-amz-json-1.0"),
                                    ("X-Amz-Target", "AmazonSQS.ListQueues")], b"{}", service="sqs")


# ----------------------------------------------------------------------------
# Ports in the URL authority
# ----------------------------------------------------------------------------
def ports(vec):
    g = "ports"
    cases = [
        ("https-8443", "https://abc123defg.execute-api.us-east-1.amazonaws.com:8443/prod/x", "non-default https port kept"),
        ("https-443", "https://abc123defg.execute-api.us-east-1.amazonaws.com:443/prod/x", "default https port dropped"),
        ("http-80", "http://example.amazonaws.com:80/", "default http port dropped"),
        ("http-8080", "http://example.amazonaws.com:8080/", "non-default http port kept"),
        ("http-443", "http://example.amazonaws.com:443/", "443 is not the default for http: kept"),
        ("https-80", "https://example.amazonaws.com:80/", "80 is not the default for https: kept"),
        ("uppercase-authority", "https://ABC123DEFG.Execute-API.us-east-1.AmazonAWS.com/prod/x", "authority lowercased"),
        ("uppercase-authority-port", "https://EXAMPLE.amazonaws.com:9443/a", "lowercased, port kept"),
        ("localhost-4566", "http://localhost:4566/", "local emulator"),
        ("ip-9200", "http://127.0.0.1:9200/_cluster/health", "IP address with port"),
    ]
    for sl, url, what in cases:
        service = "execute-api" if "execute-api" in url.lower() else ("es" if ":9200" in url else "service")
        vec(f"port-{sl}", g, f"URL {url}: {what}", "GET", url, service=service, ts=TS_2024)
    vec("port-header-with-443", g, "Host header explicitly 'host:443' is signed verbatim", "GET",
        "https://example.amazonaws.com/", [("Host", "example.amazonaws.com:443")], service="service")
    vec("port-s3-minio", g, "S3-compatible server on 127.0.0.1:9000, path-style, single encoding", "PUT",
        "http://127.0.0.1:9000/bucket/dir/a%20b.txt", [("Content-Type", "text/plain")], b"minio", service="s3",
        enc="single", hash_header=True, cred=OTHER)
    vec("port-s3-default-dropped", g, "S3 URL with :443 (dropped from host)", "GET",
        "https://examplebucket.s3.amazonaws.com:443/a.txt", service="s3", enc="single", hash_header=True)


# ----------------------------------------------------------------------------
# Header canonicalisation edge cases
# ----------------------------------------------------------------------------
def headers(vec):
    g = "headers"
    url = "https://example.amazonaws.com/"
    long_val = base64.b64encode(det_bytes("hdr", 3072)).decode()  # 4096 chars
    spaced = "  ".join(long_val[i:i + 64] for i in range(0, len(long_val), 64))
    cases = [
        ("long-value", [("X-Custom-Long", long_val)], "4 KiB header value"),
        ("long-value-spaces", [("X-Custom-Long", spaced)], "~4 KiB value with runs of two spaces"),
        ("tabs-inside", [("X-Tabs", "a\tb\t\tc")], "tabs inside collapse to one space"),
        ("spaces-inside", [("X-Spaces", "a   b    c")], "runs of spaces collapse"),
        ("tabs-spaces-mixed", [("X-Mixed", "a \t b\t \tc")], "mixed tabs and spaces collapse"),
        ("leading-trailing", [("X-Trim", " \t value \t ")], "leading and trailing whitespace trimmed"),
        ("duplicate-two", [("X-Dup", "a"), ("X-Dup", "b")], "duplicate header joined with ','"),
        ("duplicate-three-spaces", [("X-Dup", " one "), ("X-Dup", "two  three"), ("X-Dup", "\tfour")], "each value trimmed, then joined"),
        ("duplicate-case-names", [("X-Dup", "1"), ("x-dup", "2"), ("X-DUP", "3")], "duplicates with different name case"),
        ("duplicate-interleaved", [("X-A", "1"), ("X-B", "2"), ("X-A", "3")], "duplicates interleaved with another header"),
        ("duplicate-order-kept", [("X-Order", "z"), ("X-Order", "a")], "duplicate values keep request order (not sorted)"),
        ("mixed-case-names", [("X-Custom-HEADER", "v"), ("content-TYPE", "text/plain")], "names lowercased"),
        ("empty-value", [("X-Empty", "")], "empty value"),
        ("only-spaces-value", [("X-Blank", "   ")], "value of spaces becomes empty"),
        ("empty-duplicates", [("X-E", ""), ("X-E", "v"), ("X-E", "")], "empty duplicates keep their commas"),
        ("commas-quotes", [("If-Match", 'W/"etag-1", "etag-2"')], "commas and quotes kept"),
        ("colons-equals", [("X-Colon", "a:b:c=d")], "colons and equals in a value"),
        ("names-digits-underscore", [("X-Header_1", "u"), ("x-2nd-header", "d")], "digits and underscore in names"),
        ("many", [(f"X-H-{c}", c * 3) for c in "qwertyuiopasdfghjklzxcvbnm"], "26 headers sorted by name"),
        ("accept-encoding", [("Accept-Encoding", "gzip, deflate, br"), ("Accept", "*/*")], "common request headers"),
        ("cookie", [("Cookie", "a=1; b=2; session=" + "x" * 300)], "long Cookie"),
        ("x-amz-custom", [("X-Amz-Target", "Service.Operation"), ("x-amz-meta-k", "v"), ("X-Amz-User-Agent", "aws-sdk/1")], "x-amz-* headers are signed"),
        ("content-length-type", [("Content-Type", "application/json"), ("Content-Length", "2")], "Content-Length signed"),
        ("deny-user-agent", [("User-Agent", "my-app/1.0 (linux)"), ("X-Keep", "1")], "User-Agent not signed"),
        ("deny-hop-by-hop", [("Connection", "keep-alive"), ("Keep-Alive", "timeout=5"), ("TE", "trailers"),
                             ("Upgrade", "h2c"), ("Trailer", "X-Checksum"), ("Expect", "100-continue")], "hop-by-hop headers not signed"),
        ("deny-tracing", [("X-Amzn-Trace-Id", "Root=1-5759e988-bd862e3fe1be46a994272793"),
                          ("traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                          ("tracestate", "congo=t61rcWkgMzE"), ("baggage", "userId=alice")], "tracing headers not signed"),
        ("deny-proxy-auth", [("Proxy-Authorization", "Basic dXNlcjpwYXNz"), ("Proxy-Authenticate", "Basic")], "proxy auth headers not signed"),
        ("deny-transfer-encoding", [("Transfer-Encoding", "chunked"), ("Content-Type", "text/plain")], "Transfer-Encoding not signed"),
        ("deny-all-mixed-case", [("USER-AGENT", "x"), ("x-AMZN-trace-ID", "Root=1"), ("X-Keep", "k")], "deny-list matched case-insensitively"),
        ("stale-auth-date", [("Authorization", "Bearer abc"), ("X-Amz-Date", "20000101T000000Z")], "stale Authorization dropped and X-Amz-Date replaced"),
        ("stale-date-lowercase", [("x-amz-date", "19990101T000000Z"), ("X-Keep", "1")], "lowercase stale x-amz-date replaced"),
        ("signed-cache-control", [("Cache-Control", "no-cache"), ("Pragma", "no-cache")], "Cache-Control and Pragma are signed"),
        ("signed-from-referer", [("From", "user@example.com"), ("Referer", "https://example.com/page"), ("Max-Forwards", "10")], "From, Referer and Max-Forwards are signed"),
        ("signed-sec-fetch", [("Sec-Fetch-Mode", "cors"), ("Sec-Fetch-Site", "cross-site"), ("Origin", "https://app.example.com")], "browser Sec-Fetch-* headers are signed"),
        ("signed-proxy-connection", [("Proxy-Connection", "keep-alive"), ("X-Keep", "1")], "Proxy-Connection is not on the deny-list"),
    ]
    for i, (sl, hdrs, what) in enumerate(cases):
        method = "POST" if sl in ("content-length-type", "deny-transfer-encoding") else "GET"
        body = b"{}" if sl == "content-length-type" else (b"chunked body" if sl == "deny-transfer-encoding" else b"")
        vec(f"headers-{sl}", g, f"headers: {what}", method, url, hdrs, body, service="service",
            ts=TS if i % 3 else TS_2024, cred=AKID if i % 4 else OTHER)
    vec("headers-apigw-mixed", g, "execute-api request with a realistic browser header set", "GET",
        "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/me",
        [("Accept", "application/json, text/plain, */*"), ("Accept-Language", "en-US,en;q=0.9"),
         ("User-Agent", "Mozilla/5.0 (X11; Linux x86_64)"), ("Origin", "https://app.example.com"),
         ("Referer", "https://app.example.com/dashboard"), ("Sec-Fetch-Mode", "cors"), ("Cache-Control", "no-cache")])


# ----------------------------------------------------------------------------
# Caller-excluded headers (proxies that mutate them)
# ----------------------------------------------------------------------------
def excluded_headers(vec):
    g = "excluded-headers"
    api = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/items"
    lam = "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/api"
    cases = [
        ("xff", api, [("X-Forwarded-For", "203.0.113.7")], ["x-forwarded-for"], "x-forwarded-for excluded"),
        ("via", api, [("Via", "1.1 abc.cloudfront.net (CloudFront)")], ["via"], "via excluded"),
        ("cloudfront-set", api, [("X-Forwarded-For", "203.0.113.7, 70.132.1.1"), ("Via", "2.0 xyz.cloudfront.net (CloudFront)"),
                                 ("X-Real-IP", "203.0.113.7"), ("CloudFront-Viewer-Country", "DE"), ("X-Keep", "yes")],
         ["x-forwarded-for", "via", "x-real-ip", "cloudfront-viewer-country"], "CloudFront-added headers excluded, others signed"),
        ("case-insensitive", api, [("X-FORWARDED-FOR", "198.51.100.1")], ["x-forwarded-for"], "excluded name matched case-insensitively"),
        ("not-present", api, [("Accept", "application/json")], ["x-forwarded-for", "via"], "excluded names absent from the request"),
        ("envoy-amzn", api, [("x-amzn-tls-version", "TLSv1.3"), ("x-amzn-vpce-id", "vpce-0123"), ("x-amzn-custom", "kept")],
         ["x-amzn-tls-version", "x-amzn-vpce-id"], "AWS-rewritten x-amzn-* headers excluded"),
        ("forwarded-family", api, [("Forwarded", "for=192.0.2.60;proto=https"), ("X-Forwarded-Proto", "https"),
                                   ("X-Forwarded-Port", "443"), ("X-Forwarded-Host", "api.example.com")],
         ["forwarded", "x-forwarded-proto", "x-forwarded-port", "x-forwarded-host"], "Forwarded and X-Forwarded-* excluded"),
        ("content-type", api, [("Content-Type", "application/json")], ["content-type"], "content-type excluded (intermediary may drop it)"),
        ("duplicates", api, [("X-Forwarded-For", "1.1.1.1"), ("X-Forwarded-For", "2.2.2.2"), ("X-Keep", "1")], ["x-forwarded-for"],
         "duplicate excluded header"),
    ]
    for sl, url, hdrs, excl, what in cases:
        vec(f"excluded-{sl}", g, f"excluded headers: {what}", "GET", url, hdrs, excluded=excl, ts=TS_2025)
    vec("excluded-lambda-oac", g, "Lambda URL POST re-signed at the edge, proxy headers excluded", "POST", lam,
        [JSON_CT, ("X-Forwarded-For", "203.0.113.9"), ("Via", "1.1 edge"), ("cf-connecting-ip", "203.0.113.9")],
        js({"a": 1}), service="lambda", hash_header=True, excluded=["x-forwarded-for", "via", "cf-connecting-ip"],
        cred=TEMP, token=TOKEN_LONG)
    vec("excluded-s3", g, "S3 PutObject with an excluded proxy header", "PUT",
        "https://examplebucket.s3.amazonaws.com/a%20b.txt", [("X-Forwarded-For", "10.1.2.3"), ("Content-Type", "text/plain")],
        b"abc", service="s3", enc="single", hash_header=True, excluded=["x-forwarded-for"])
    vec("excluded-presign", g, "presigned URL where a present header is excluded", "GET",
        "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/dl", [("X-Forwarded-For", "10.0.0.1")],
        excluded=["x-forwarded-for"], mode="query", expires=600)


# ----------------------------------------------------------------------------
# Session tokens: signed vs appended after signing (header mode)
# ----------------------------------------------------------------------------
def session_tokens(vec):
    g = "session-token"
    targets = [
        ("apigw", "GET", "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/me", "execute-api", "us-east-1", b"", False),
        ("sts", "POST", "https://sts.us-east-1.amazonaws.com/", "sts", "us-east-1", b"Action=GetCallerIdentity&Version=2011-06-15", False),
        ("dynamodb", "POST", "https://dynamodb.eu-west-1.amazonaws.com/", "dynamodb", "eu-west-1", b'{"Limit":1}', False),
        ("lambda-url", "POST", "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/", "lambda", "us-east-1", b'{"a":1}', True),
        ("s3", "GET", "https://examplebucket.s3.amazonaws.com/key.txt", "s3", "us-east-1", b"", True),
        ("sqs", "POST", "https://sqs.ap-south-1.amazonaws.com/", "sqs", "ap-south-1", b'{"QueueNamePrefix":"a"}', False),
    ]
    toks = [TOKEN_SHORT, TOKEN_LONG, TOKEN_ALT]
    for i, (sl, method, url, service, region, body, hh) in enumerate(targets):
        hdrs = []
        if service == "sts":
            hdrs = [FORM_CT]
        elif service in ("dynamodb", "sqs"):
            hdrs = [("Content-Type", "application/x-amz-json-1.0"),
                    ("X-Amz-Target", "DynamoDB_20120810.ListTables" if service == "dynamodb" else "AmazonSQS.ListQueues")]
        elif body:
            hdrs = [JSON_CT]
        enc = "single" if service == "s3" else "double"
        for signed in (True, False):
            vec(f"token-{sl}-{'signed' if signed else 'appended'}", g,
                f"{service} {method} with session token "
                + ("signed as x-amz-security-token" if signed else "added after signing (not in the canonical request)"),
                method, url, hdrs, body, service=service, region=region, cred=TEMP, token=toks[i % 3],
                sign_token=signed, enc=enc, hash_header=hh, ts=TS_2024)


# ----------------------------------------------------------------------------
# Presigned URLs for services other than S3 (query mode, double encoding)
# ----------------------------------------------------------------------------
def presign_other(vec):
    g = "presign"
    vec("presign-field-notes-cross-check", g,
        "presigned GET / on example.amazonaws.com, 86400 s (all presigning libraries agree: 717190ca...)",
        "GET", "https://example.amazonaws.com/", service="service", mode="query", expires=86400,
        known_signature="717190ca6e779cc7afa3aca94b3ac3b06c682d7174c0bd09415617afbc4c8b50")
    api = "abc123defg.execute-api.us-east-1.amazonaws.com"
    paths = ["/prod/items", "/prod/items/123?format=csv", "/v1/@connections/abc=", "/v1/%40connections/abc%3D",
             "/prod/files/a%20b.txt", "/prod/search?q=a+b&tag=x&tag=y", "/prod/", "/prod/%C3%A4?k%C3%A9=v"]
    expires = [1, 60, 300, 900, 3600, 86400, 604800, 7200]
    for i, pq in enumerate(paths):
        tok = [None, TOKEN_SHORT, TOKEN_LONG, TOKEN_ALT][i % 4]
        vec(f"presign-apigw-{i + 1}", g,
            f"presigned execute-api GET {pq}, X-Amz-Expires={expires[i]}" + (", session token signed" if tok else ""),
            "GET", f"https://{api}{pq}", service="execute-api", cred=TEMP if tok else AKID, token=tok,
            mode="query", expires=expires[i], ts=TS_2024 if i % 2 else TS_2025)
    for i, tok in enumerate([TOKEN_SHORT, TOKEN_LONG]):
        vec(f"presign-apigw-token-appended-{i + 1}", g,
            "presigned execute-api GET, session token appended after signing", "GET",
            f"https://{api}/prod/download?id={i}", cred=TEMP, token=tok, sign_token=False, mode="query",
            expires=900)
    vec("presign-apigw-signed-header", g, "presigned execute-api GET that also signs x-api-key and an x-amz-* header",
        "GET", f"https://{api}/prod/items", [("x-api-key", "k123"), ("x-amz-meta-trace", "t1")], mode="query",
        expires=300, ts=TS_2024)
    vec("presign-apigw-unsigned", g, "presigned execute-api GET with UNSIGNED-PAYLOAD", "GET",
        f"https://{api}/prod/items", mode="query", expires=300, payload="unsigned")
    vec("presign-apigw-put", g, "presigned execute-api PUT (empty body hashed)", "PUT",
        f"https://{api}/prod/items/9", [("Content-Type", "application/json")], mode="query", expires=120)
    vec("presign-apigw-eu", g, "presigned execute-api GET in eu-central-1 with other credentials", "GET",
        "https://q1w2e3r4t5.execute-api.eu-central-1.amazonaws.com/live/status", region="eu-central-1", cred=OTHER,
        mode="query", expires=3600, ts="2023-12-31T23:59:59Z")

    vec("presign-rds-iam-token", g, "RDS IAM auth token: presigned connect on host:5432", "GET",
        "https://mydb.cluster-c1a2b3c4d5e6.us-east-1.rds.amazonaws.com:5432/?Action=connect&DBUser=jane_doe",
        service="rds-db", mode="query", expires=900, ts=TS_2024)
    vec("presign-rds-iam-token-temp", g, "RDS IAM auth token with temporary credentials, user with '@'", "GET",
        "https://mydb.c1a2b3c4d5e6.eu-west-1.rds.amazonaws.com:3306/?Action=connect&DBUser=app%40svc",
        service="rds-db", region="eu-west-1", cred=TEMP, token=TOKEN_LONG, mode="query", expires=900)
    vec("presign-dsql-admin", g, "Aurora DSQL admin auth token", "GET",
        "https://abcdefghijklmnopqrst.dsql.us-east-1.on.aws/?Action=DbConnectAdmin", service="dsql",
        mode="query", expires=900, ts=TS_2025)
    vec("presign-eks-token", g, "EKS-style token: presigned STS GetCallerIdentity signing x-k8s-aws-id", "GET",
        "https://sts.us-west-2.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15",
        [("x-k8s-aws-id", "my-cluster")], service="sts", region="us-west-2", mode="query", expires=60,
        cred=TEMP, token=TOKEN_SHORT, ts=TS_2025)
    vec("presign-elasticache-iam", g, "ElastiCache IAM auth token (host without domain)", "GET",
        "http://my-cache/?Action=connect&User=user-01", service="elasticache", mode="query", expires=900)
    vec("presign-memorydb-iam", g, "MemoryDB IAM auth token", "GET",
        "http://my-memdb-cluster/?Action=connect&User=app", service="memorydb", region="eu-west-2", mode="query",
        expires=900, cred=OTHER)
    vec("presign-transcribe-streaming", g, "Transcribe streaming websocket URL on port 8443", "GET",
        "https://transcribestreaming.us-east-1.amazonaws.com:8443/stream-transcription-websocket?language-code=en-US&media-encoding=pcm&sample-rate=16000",
        service="transcribe", mode="query", expires=300, ts=TS_2024)
    vec("presign-iot-websocket", g, "IoT MQTT-over-websocket URL; session token appended after signing", "GET",
        "https://a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com/mqtt", service="iotdevicegateway",
        mode="query", expires=86400, cred=TEMP, token=TOKEN_LONG, sign_token=False)
    vec("presign-polly", g, "Polly SynthesizeSpeech presigned GET with text in the query", "GET",
        "https://polly.us-east-1.amazonaws.com/v1/speech?OutputFormat=mp3&Text=Hello%2C%20world%21&VoiceId=Joanna",
        service="polly", mode="query", expires=3600)
    vec("presign-lambda-url", g, "presigned GET on a Lambda function URL", "GET",
        "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/report?day=2025-01-01",
        service="lambda", mode="query", expires=600)
    vec("presign-http-port", g, "presigned GET over http with a non-default port", "GET",
        "http://example.amazonaws.com:8080/path/x?y=1", service="service", mode="query", expires=30)


# ----------------------------------------------------------------------------
# Payload modes (header mode, double encoding)
# ----------------------------------------------------------------------------
def payloads(vec):
    g = "payload"
    api = "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/blob"
    vec("payload-unsigned-get", g, "UNSIGNED-PAYLOAD on GET: x-amz-content-sha256 added although payload_hash_header=false",
        "GET", api, payload="unsigned")
    vec("payload-unsigned-put-body", g, "UNSIGNED-PAYLOAD on PUT with a body (body not hashed)", "PUT", api,
        [("Content-Type", "application/octet-stream")], det_bytes("u", 500), payload="unsigned", hash_header=True)
    vec("payload-unsigned-http", g, "UNSIGNED-PAYLOAD over plain http", "POST",
        "http://example.amazonaws.com/upload", [("Content-Type", "text/plain")], b"hello", service="service",
        payload="unsigned")
    vec("payload-unsigned-token", g, "UNSIGNED-PAYLOAD with a signed session token", "PUT", api, [], b"x",
        payload="unsigned", cred=TEMP, token=TOKEN_SHORT, ts=TS_2024)
    big = det_bytes("big", 1 << 20)
    vec("payload-precomputed-no-header", g, "precomputed hash of a 1 MiB body not given to the signer; no hash header",
        "PUT", api, [("Content-Length", str(len(big)))], payload=("precomputed", big))
    vec("payload-precomputed-header", g, "precomputed hash sent as x-amz-content-sha256", "PUT", api,
        [("Content-Type", "application/zip")], payload=("precomputed", det_bytes("zip", 4096)), hash_header=True)
    vec("payload-precomputed-differs", g, "precomputed hash wins over the body given with the request", "POST", api,
        [JSON_CT], b'{"this":"body is ignored"}', payload=("precomputed", b'{"other":"body"}'))
    vec("payload-precomputed-empty", g, "precomputed hash of the empty body", "DELETE", api,
        payload=("precomputed", b""), hash_header=True)
    vec("payload-bytes-header-apigw", g, "body hash sent as x-amz-content-sha256 for execute-api", "POST", api,
        [JSON_CT], js({"a": [1, 2, 3]}), hash_header=True)
    vec("payload-bytes-header-empty", g, "empty body hash sent as x-amz-content-sha256", "GET", api, hash_header=True)
    vec("payload-binary", g, "all 256 byte values as body", "PUT", api, [("Content-Type", "application/octet-stream")],
        bytes(range(256)) * 4)
    vec("payload-utf8-bom", g, "UTF-8 body with BOM and CRLF line endings", "POST", api, [("Content-Type", "text/csv")],
        "\ufeffname,city\r\nZoë,Kraków\r\n".encode("utf-8"))
    vec("payload-get-with-body", g, "GET with a body (hashed like any other)", "GET",
        "https://search-mydomain-abc123xyz.us-west-2.es.amazonaws.com/_search", [JSON_CT],
        js({"query": {"match_all": {}}}), service="es", region="us-west-2")
    vec("payload-delete-body", g, "DELETE with a JSON body", "DELETE", api, [JSON_CT], js({"ids": ["a", "b"]}))
    vec("payload-large-json", g, "256 KiB JSON body", "POST", api, [JSON_CT],
        js({"rows": [{"i": i, "v": "x" * 100} for i in range(2400)]}))
    vec("payload-aoss-bulk", g, "OpenSearch Serverless bulk NDJSON with the required hash header", "POST",
        "https://abcdef123456.us-east-1.aoss.amazonaws.com/_bulk", [("Content-Type", "application/x-ndjson")],
        '{"index":{"_index":"movies"}}\n{"title":"Zoë"}\n'.encode(), service="aoss", hash_header=True)


# ----------------------------------------------------------------------------
# Dates, regions and services
# ----------------------------------------------------------------------------
def dates_regions(vec):
    g = "dates-regions"
    times = [
        "2024-02-29T23:59:59Z",  # leap day, last second
        "2024-03-01T00:00:00Z",  # the day after a leap day
        "2023-12-31T23:59:59Z",  # year end
        "2024-01-01T00:00:00Z",  # new year midnight
        "2020-02-29T12:00:00Z",  # another leap day
        "2000-01-01T00:00:00Z",
        "1999-12-31T23:59:59Z",
        "2038-01-19T03:14:08Z",  # past the 32-bit time_t limit
        "2100-03-01T00:00:00Z",  # 2100 is not a leap year
        "2016-12-31T23:59:59Z",
        "2026-01-01T00:00:00Z",
        "2024-07-04T00:00:01Z",
        "2025-06-30T23:59:59Z",
        "2019-10-01T09:08:07Z",
        "2030-05-05T05:05:05Z",
    ]
    targets = [
        ("us-east-1", "sts", "https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"),
        ("eu-west-1", "dynamodb", "https://dynamodb.eu-west-1.amazonaws.com/"),
        ("ap-southeast-2", "execute-api", "https://abc123defg.execute-api.ap-southeast-2.amazonaws.com/prod/ping"),
        ("us-gov-west-1", "sts", "https://sts.us-gov-west-1.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15"),
        ("cn-north-1", "execute-api", "https://abc123defg.execute-api.cn-north-1.amazonaws.com.cn/prod/ping"),
        ("eu-central-2", "sqs", "https://sqs.eu-central-2.amazonaws.com/"),
        ("il-central-1", "kinesis", "https://kinesis.il-central-1.amazonaws.com/"),
        ("me-south-1", "lambda", "https://lambda.me-south-1.amazonaws.com/2015-03-31/functions"),
        ("sa-east-1", "logs", "https://logs.sa-east-1.amazonaws.com/"),
        ("ca-central-1", "ssm", "https://ssm.ca-central-1.amazonaws.com/"),
        ("ap-northeast-3", "secretsmanager", "https://secretsmanager.ap-northeast-3.amazonaws.com/"),
        ("af-south-1", "sns", "https://sns.af-south-1.amazonaws.com/?Action=ListTopics&Version=2010-03-31"),
        ("us-west-2", "es", "https://search-d-abc.us-west-2.es.amazonaws.com/_cat/indices"),
        ("eu-north-1", "aoss", "https://coll123.eu-north-1.aoss.amazonaws.com/_cat/indices"),
        ("ap-south-2", "bedrock", "https://bedrock.ap-south-2.amazonaws.com/foundation-models"),
    ]
    targets_json = {"dynamodb": "DynamoDB_20120810.ListTables", "sqs": "AmazonSQS.ListQueues",
                    "kinesis": "Kinesis_20131202.ListStreams", "logs": "Logs_20140328.DescribeLogGroups",
                    "ssm": "AmazonSSM.DescribeParameters", "secretsmanager": "secretsmanager.ListSecrets"}
    for i, (ts, (region, service, url)) in enumerate(zip(times, targets)):
        hdrs, body, method = [], b"", "GET"
        if service in targets_json:
            method = "POST"
            ct = "application/x-amz-json-1.0" if service in ("dynamodb", "sqs") else "application/x-amz-json-1.1"
            hdrs = [("Content-Type", ct), ("X-Amz-Target", targets_json[service])]
            body = b"{}"
        vec(f"date-{ts[:10]}-{region}-{service}", g, f"{service} in {region} at {ts}", method, url, hdrs, body,
            region=region, service=service, ts=ts, cred=[AKID, OTHER, S3DOC][i % 3],
            hash_header=service == "aoss")
    # Same request across midnight: the scope date changes.
    for ts in ("2024-12-31T23:59:59Z", "2025-01-01T00:00:00Z"):
        vec(f"date-midnight-header-{ts[:10]}", g, f"execute-api GET either side of the year boundary ({ts})", "GET",
            "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/ping", ts=ts)
        vec(f"date-midnight-presign-{ts[:10]}", g, f"presigned execute-api GET either side of the year boundary ({ts})",
            "GET", "https://abc123defg.execute-api.us-east-1.amazonaws.com/prod/ping", ts=ts, mode="query",
            expires=3600)
        vec(f"date-midnight-s3-{ts[:10]}", g, f"S3 presigned GET either side of the year boundary ({ts})", "GET",
            "https://examplebucket.s3.amazonaws.com/ny.txt", service="s3", enc="single", payload="unsigned",
            mode="query", expires=86400, ts=ts)
    for ts in ("2024-02-28T23:59:59Z", "2024-02-29T00:00:00Z"):
        vec(f"date-leap-{ts[:10]}", g, f"Lambda URL POST either side of midnight before the leap day ({ts})", "POST",
            "https://abcdefghijklmnopqrstuvwxyz012345.lambda-url.us-east-1.on.aws/", [JSON_CT], b'{"leap":true}',
            service="lambda", hash_header=True, ts=ts)


# ----------------------------------------------------------------------------
# JSON-protocol and REST-JSON service requests
# ----------------------------------------------------------------------------
def aws_json(vec):
    g = "aws-json"

    def jr(name, service, region, host, target, ver, body, **kw):
        vec(f"json-{name}", g, f"{service} {target.split('.')[-1]} (awsJson{ver})", "POST", f"https://{host}/",
            [("Content-Type", f"application/x-amz-json-{ver}"), ("X-Amz-Target", target)], js(body),
            service=service, region=region, **kw)

    jr("dynamodb-list-tables", "dynamodb", "us-east-1", "dynamodb.us-east-1.amazonaws.com",
       "DynamoDB_20120810.ListTables", "1.0", {})
    jr("dynamodb-put-item", "dynamodb", "eu-west-1", "dynamodb.eu-west-1.amazonaws.com", "DynamoDB_20120810.PutItem",
       "1.0", {"TableName": "Music", "Item": {"Artist": {"S": "Sigur Rós"}, "Song": {"S": "Hoppípolla"}}}, ts=TS_2024)
    jr("dynamodb-query", "dynamodb", "us-west-2", "dynamodb.us-west-2.amazonaws.com", "DynamoDB_20120810.Query", "1.0",
       {"TableName": "T", "KeyConditionExpression": "pk = :v", "ExpressionAttributeValues": {":v": {"S": "a b+c"}}},
       cred=TEMP, token=TOKEN_LONG)
    jr("dynamodb-get-item", "dynamodb", "ap-southeast-1", "dynamodb.ap-southeast-1.amazonaws.com",
       "DynamoDB_20120810.GetItem", "1.0", {"TableName": "T", "Key": {"id": {"N": "1"}}}, hash_header=True)
    jr("sqs-send-message", "sqs", "us-east-1", "sqs.us-east-1.amazonaws.com", "AmazonSQS.SendMessage", "1.0",
       {"QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": "héllo wörld"})
    jr("sqs-receive", "sqs", "eu-west-3", "sqs.eu-west-3.amazonaws.com", "AmazonSQS.ReceiveMessage", "1.0",
       {"QueueUrl": "https://sqs.eu-west-3.amazonaws.com/123456789012/q", "WaitTimeSeconds": 20}, ts=TS_2025)
    jr("kinesis-put-record", "kinesis", "us-east-2", "kinesis.us-east-2.amazonaws.com", "Kinesis_20131202.PutRecord",
       "1.1", {"StreamName": "s", "Data": "SGVsbG8=", "PartitionKey": "p1"})
    jr("logs-put-events", "logs", "us-east-1", "logs.us-east-1.amazonaws.com", "Logs_20140328.PutLogEvents", "1.1",
       {"logGroupName": "/aws/lambda/fn", "logStreamName": "2025/01/01/[$LATEST]abc",
        "logEvents": [{"timestamp": 1735689600000, "message": "START\tRequestId: 1"}]})
    jr("secrets-get", "secretsmanager", "eu-central-1", "secretsmanager.eu-central-1.amazonaws.com",
       "secretsmanager.GetSecretValue", "1.1", {"SecretId": "prod/db/password"}, cred=TEMP, token=TOKEN_SHORT)
    jr("ssm-get-parameter", "ssm", "us-east-1", "ssm.us-east-1.amazonaws.com", "AmazonSSM.GetParameter", "1.1",
       {"Name": "/app/config", "WithDecryption": True})
    jr("events-put", "events", "us-west-1", "events.us-west-1.amazonaws.com", "AWSEvents.PutEvents", "1.1",
       {"Entries": [{"Source": "app", "DetailType": "x", "Detail": "{\"k\":\"v\"}"}]})
    jr("kms-encrypt", "kms", "ap-northeast-1", "kms.ap-northeast-1.amazonaws.com", "TrentService.Encrypt", "1.1",
       {"KeyId": "alias/app", "Plaintext": "c2VjcmV0"}, ts=TS_2024)
    jr("ecr-auth", "ecr", "us-east-1", "api.ecr.us-east-1.amazonaws.com",
       "AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken", "1.1", {})

    def rest(name, desc, method, url, hdrs, body, **kw):
        vec(f"json-{name}", g, desc, method, url, hdrs, body, **kw)

    rest("bedrock-invoke", "Bedrock InvokeModel: model id with ':' sent as %3A is double-encoded (%253A)", "POST",
         "https://bedrock-runtime.us-east-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/invoke",
         [JSON_CT, ("Accept", "application/json")],
         js({"anthropic_version": "bedrock-2023-05-31", "max_tokens": 64, "messages": [{"role": "user", "content": "Hi"}]}),
         service="bedrock", ts=TS_2025)
    rest("bedrock-converse", "Bedrock Converse with an inference-profile id", "POST",
         "https://bedrock-runtime.us-west-2.amazonaws.com/model/us.anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse",
         [JSON_CT], js({"messages": [{"role": "user", "content": [{"text": "Grüß Gott"}]}]}),
         service="bedrock", region="us-west-2", cred=TEMP, token=TOKEN_LONG, ts=TS_2025)
    rest("bedrock-invoke-literal-colon", "Bedrock InvokeModel with ':' unencoded on the wire (encoded once: %3A)",
         "POST", "https://bedrock-runtime.us-east-1.amazonaws.com/model/amazon.titan-text-express-v1:0/invoke",
         [JSON_CT], js({"inputText": "hello"}), service="bedrock")
    rest("lambda-invoke", "Lambda Invoke API by function name", "POST",
         "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/my-function/invocations",
         [("X-Amz-Invocation-Type", "RequestResponse"), ("X-Amz-Log-Type", "Tail")], js({"key": "value"}),
         service="lambda")
    rest("lambda-invoke-arn", "Lambda Invoke with an encoded function ARN and Qualifier", "POST",
         "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Amy-function/invocations?Qualifier=%24LATEST",
         [], js({}), service="lambda")
    rest("opensearch-index", "OpenSearch index a document", "PUT",
         "https://search-mydomain-abc123xyz.eu-west-1.es.amazonaws.com/my-index/_doc/1",
         [JSON_CT], js({"title": "Zoë", "n": 1}), service="es", region="eu-west-1")
    rest("opensearch-search-query", "OpenSearch _search with q= in the query", "GET",
         "https://search-mydomain-abc123xyz.eu-west-1.es.amazonaws.com/logs-*/_search?q=status:500+AND+method:GET&size=5",
         [], b"", service="es", region="eu-west-1")
    rest("appsync-graphql", "AppSync GraphQL POST", "POST",
         "https://abcdefghijklmnopqrstuvwxyz.appsync-api.us-east-1.amazonaws.com/graphql",
         [JSON_CT], js({"query": "query { listItems { items { id } } }"}), service="appsync",
         cred=TEMP, token=TOKEN_SHORT)
    rest("iot-data-publish", "IoT Data publish with topic in the path", "POST",
         "https://a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com/topics/home%2Fliving%2Ftemp?qos=1",
         [JSON_CT], js({"t": 21.5}), service="iotdata", region="eu-west-1")


# ----------------------------------------------------------------------------
# Query-protocol services (form-encoded POSTs and GETs)
# ----------------------------------------------------------------------------
def aws_query(vec):
    g = "aws-query"

    def form(name, desc, url, pairs, service, region="us-east-1", **kw):
        vec(f"query-proto-{name}", g, desc, "POST", url, [FORM_CT], qs(pairs).encode(), service=service,
            region=region, **kw)

    form("sts-get-caller-identity", "STS GetCallerIdentity form POST", "https://sts.amazonaws.com/",
         [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")], "sts")
    form("sts-assume-role", "STS AssumeRole with an ARN in the form body", "https://sts.us-east-1.amazonaws.com/",
         [("Action", "AssumeRole"), ("RoleArn", "arn:aws:iam::123456789012:role/demo"), ("RoleSessionName", "s1"),
          ("Version", "2011-06-15")], "sts", ts=TS_2024)
    form("sts-regional-token", "STS regional endpoint with a session token", "https://sts.eu-west-1.amazonaws.com/",
         [("Action", "GetCallerIdentity"), ("Version", "2011-06-15")], "sts", region="eu-west-1", cred=TEMP,
         token=TOKEN_ALT)
    form("sqs-send", "SQS query-protocol SendMessage with a queue URL path", "https://sqs.us-east-1.amazonaws.com/123456789012/my-queue",
         [("Action", "SendMessage"), ("MessageBody", "Hello World!"), ("Version", "2012-11-05")], "sqs")
    form("sns-publish", "SNS Publish with a UTF-8 message", "https://sns.eu-west-1.amazonaws.com/",
         [("Action", "Publish"), ("Message", "Grüße 👋"), ("TopicArn", "arn:aws:sns:eu-west-1:123456789012:t"),
          ("Version", "2010-03-31")], "sns", region="eu-west-1", ts=TS_2025)
    form("ses-send", "SES SendEmail with member lists", "https://email.us-east-1.amazonaws.com/",
         [("Action", "SendEmail"), ("Destination.ToAddresses.member.1", "a@example.com"),
          ("Message.Body.Text.Data", "Hi there"), ("Message.Subject.Data", "Test"), ("Source", "b@example.com")], "ses")
    form("ec2-describe-post", "EC2 DescribeInstances form POST with filters", "https://ec2.us-west-2.amazonaws.com/",
         [("Action", "DescribeInstances"), ("Filter.1.Name", "instance-state-name"), ("Filter.1.Value.1", "running"),
          ("Version", "2016-11-15")], "ec2", region="us-west-2")
    vec("query-proto-iam-get", g, "IAM ListUsers as a GET on the global endpoint", "GET",
        "https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08", service="iam")
    vec("query-proto-ec2-get-filters", g, "EC2 DescribeInstances as a GET with filter parameters", "GET",
        "https://ec2.eu-west-1.amazonaws.com/?Action=DescribeInstances&Filter.1.Name=tag%3AName&Filter.1.Value.1=web%20server&Version=2016-11-15",
        service="ec2", region="eu-west-1", ts=TS_2024)
    vec("query-proto-cloudwatch-get", g, "CloudWatch GetMetricStatistics as a GET with dimensions", "GET",
        "https://monitoring.us-east-1.amazonaws.com/?Action=GetMetricStatistics&Dimensions.member.1.Name=InstanceId&Dimensions.member.1.Value=i-0123&MetricName=CPUUtilization&Namespace=AWS%2FEC2&Period=300&StartTime=2025-01-01T00%3A00%3A00Z&Statistics.member.1=Average&Version=2010-08-01",
        service="monitoring")


# ----------------------------------------------------------------------------
# Path normalization under double encoding
# ----------------------------------------------------------------------------
def path_normalization(vec):
    g = "path-normalization"
    paths = [
        ("dot", "/a/./b", "single-dot segment removed"),
        ("dotdot", "/a/../b", "double-dot pops a segment"),
        ("trailing-dotdot", "/a/b/..", "trailing '..' (no trailing slash kept)"),
        ("trailing-dot", "/a/b/.", "trailing '.'"),
        ("dotdot-above-root", "/../a", "'..' above the root is dropped"),
        ("double-slash", "/a//b", "empty segment collapsed"),
        ("leading-double-slash", "//a", "leading '//' collapsed"),
        ("trailing-slash", "/a/b/", "trailing slash kept"),
        ("trailing-double-slash", "/a//", "trailing '//' becomes '/'"),
        ("root", "/", "root"),
        ("encoded-dotdot", "/%2E%2E/a", "encoded dots are not dot segments (double-encoded)"),
        ("encoded-dot-lower", "/%2e/a", "lowercase encoded dot kept and double-encoded"),
        ("encoded-slash", "/a%2Fb", "encoded slash is not a separator"),
        ("tilde", "/~user", "tilde unreserved"),
        ("encoded-tilde", "/%7Euser", "encoded tilde is double-encoded, not decoded"),
        ("plus", "/a+b", "plus encoded as %2B"),
        ("encoded-plus", "/a%2Bb", "encoded plus becomes %252B"),
        ("utf8", "/%C3%A4", "UTF-8 escape double-encoded"),
        ("complex", "/a/./../b/./c//d/", "mixed dot segments and empty segments"),
        ("only-dot", "/.", "'/.' normalizes to '/'"),
        ("only-dotdot", "/..", "'/..' normalizes to '/'"),
        ("pop-to-root", "/a/..", "popping the only segment"),
        ("triple-dot", "/a/...", "'...' is an ordinary segment"),
        ("dot-prefixed-names", "/.a/..b/", "names starting with dots are ordinary"),
        ("aws-suite-like", "/example/..//./c", "'..' then empty and dot segments"),
        ("pop-past-root", "/a/b/../../..", "more pops than segments"),
        ("dot-slash", "/./", "'/./' normalizes to '/'"),
        ("triple-slash", "///", "'///' normalizes to '/'"),
        ("dots-with-query", "/a/./b/../c?x=1&y=./..", "dots in the query are data, not segments"),
    ]
    for i, (sl, path, what) in enumerate(paths):
        if i % 3 == 2:
            base, service = "https://abc123defg.execute-api.us-east-1.amazonaws.com", "execute-api"
        else:
            base, service = "https://example.amazonaws.com", "service"
        vec(f"path-{sl}", g, f"path {path}: {what}", "GET", f"{base}{path}", service=service,
            ts=TS if i % 2 else TS_2024)
