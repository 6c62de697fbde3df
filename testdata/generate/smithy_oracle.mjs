// Second oracle for testdata/vectors.json: the pinned @smithy/signature-v4
// package, used as a library (nothing is copied from it).
//
// Input (stdin): a JSON array of "smithy feeds" prepared by generate.py. Each
// feed already says exactly what to hand to smithy: the request in smithy's
// shape (decoded query map, headers object with `host` set explicitly), the
// signer options, and the per-call header sets.
// Output (stdout): a JSON array, one entry per feed, in the same order:
//   {"canonical_request": ..., "string_to_sign": ..., "signature": ...}
// or {"error": "..."} if smithy refused the input.
//
// The node_modules folder lives outside the source tree (generate.sh installs
// it under target/vector-gen/node), so the packages are loaded with
// createRequire() from the directory named by SMITHY_NODE_DIR.

import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";

const nodeDir = process.env.SMITHY_NODE_DIR;
if (!nodeDir) {
  console.error("SMITHY_NODE_DIR must point at the folder holding node_modules/");
  process.exit(2);
}
const require = createRequire(path.join(path.resolve(nodeDir), "package.json"));
const { SignatureV4 } = require("@smithy/signature-v4");
const { Sha256 } = require("@aws-crypto/sha256-js");

// createCanonicalRequest / createStringToSign are protected members of
// SignatureV4Base. A subclass records what they return, so the values we
// report are exactly the ones smithy goes on to sign.
class RecordingSignatureV4 extends SignatureV4 {
  createCanonicalRequest(...args) {
    const canonicalRequest = super.createCanonicalRequest(...args);
    this.recordedCanonicalRequest = canonicalRequest;
    return canonicalRequest;
  }

  async createStringToSign(...args) {
    const stringToSign = await super.createStringToSign(...args);
    this.recordedStringToSign = stringToSign;
    return stringToSign;
  }
}

async function readStdin() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString("utf8");
}

async function runOne(feed) {
  const signer = new RecordingSignatureV4({
    credentials: {
      accessKeyId: feed.credentials.accessKeyId,
      secretAccessKey: feed.credentials.secretAccessKey,
      ...(feed.credentials.sessionToken ? { sessionToken: feed.credentials.sessionToken } : {}),
    },
    region: feed.region,
    service: feed.service,
    sha256: Sha256,
    uriEscapePath: feed.uriEscapePath,
    applyChecksum: feed.applyChecksum,
  });

  const body = Buffer.from(feed.request.bodyBase64, "base64");
  const request = {
    method: feed.request.method,
    protocol: feed.request.protocol,
    hostname: feed.request.hostname,
    port: feed.request.port ?? undefined,
    path: feed.request.path,
    query: feed.request.query,
    headers: feed.request.headers,
    // An empty body is left undefined; smithy hashes it as the empty string.
    body: body.length > 0 ? new Uint8Array(body) : undefined,
  };
  const signingDate = new Date(feed.signingDate);
  const unsignableHeaders = new Set(feed.unsignableHeaders);
  const signableHeaders = new Set(feed.signableHeaders);

  let signature;
  let signedHeadersReported;
  if (feed.mode === "header") {
    const signed = await signer.sign(request, { signingDate, unsignableHeaders, signableHeaders });
    const auth = signed.headers["authorization"];
    const m = /^AWS4-HMAC-SHA256 Credential=\S+, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
    if (!m) throw new Error(`unexpected Authorization header: ${auth}`);
    signedHeadersReported = m[1];
    signature = m[2];
  } else {
    const presigned = await signer.presign(request, {
      signingDate,
      expiresIn: feed.expiresIn,
      unsignableHeaders,
      signableHeaders,
      unhoistableHeaders: new Set(feed.unhoistableHeaders),
    });
    signature = presigned.query["X-Amz-Signature"];
    signedHeadersReported = presigned.query["X-Amz-SignedHeaders"];
  }

  const canonicalRequest = signer.recordedCanonicalRequest;
  const stringToSign = signer.recordedStringToSign;
  // Self-checks: what smithy put on the request must match what we recorded.
  const crLines = canonicalRequest.split("\n");
  if (crLines[crLines.length - 2] !== signedHeadersReported) {
    throw new Error(`SignedHeaders mismatch: ${signedHeadersReported} vs ${crLines[crLines.length - 2]}`);
  }
  const check = new Sha256();
  check.update(Buffer.from(canonicalRequest, "utf8"));
  const crHash = Buffer.from(await check.digest()).toString("hex");
  if (!stringToSign.endsWith(`\n${crHash}`)) {
    throw new Error("string to sign does not end with the canonical request hash");
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) throw new Error(`bad signature ${signature}`);
  return { canonical_request: canonicalRequest, string_to_sign: stringToSign, signature };
}

const feeds = JSON.parse(await readStdin());
const results = [];
// Sequential on purpose: the recorded values live on the signer instance.
for (const feed of feeds) {
  try {
    results.push(await runOne(feed));
  } catch (err) {
    results.push({ error: String(err && err.message ? err.message : err) });
  }
}
process.stdout.write(JSON.stringify(results));
