// PUTs (a stream body, so the SDK frames it as aws-chunked) and GETs objects with
// @aws-sdk/client-s3 (its default checksum settings) against the HTTPS endpoint the Rust test
// started, once per credential set; exits non-zero unless every object reads back exactly.
// Driven by tests/it/clients.rs; the CA comes from NODE_EXTRA_CA_CERTS.
import { Readable } from "node:stream";
import { createRequire } from "node:module";

const require = createRequire(process.env.AWSSIG_NODE_MODULES + "/");
const { S3Client, PutObjectCommand, GetObjectCommand } = require("@aws-sdk/client-s3");
const version = require("@aws-sdk/client-s3/package.json").version;
console.log(`@aws-sdk/client-s3 ${version}`);

const endpoint = process.env.AWSSIG_ENDPOINT;
const sizes = process.env.AWSSIG_SIZES.split(",").map(Number);
const credentials = JSON.parse(process.env.AWSSIG_CREDENTIALS);

let failed = false;
for (const [i, c] of credentials.entries()) {
  const s3 = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    maxAttempts: 1,
    credentials: {
      accessKeyId: c.access_key_id,
      secretAccessKey: c.secret_access_key,
      sessionToken: c.session_token ?? undefined,
    },
  });
  for (const size of sizes) {
    const data = Buffer.alloc(size);
    for (let j = 0; j < size; j++) data[j] = (j * 7 + size) % 256;
    const key = `sdk-js/${i}/object-${size}.bin`;
    // A stream, in 64 KiB pieces: the SDK cannot hash it up front.
    const pieces = [];
    for (let at = 0; at < size; at += 65536) pieces.push(data.subarray(at, at + 65536));
    await s3.send(new PutObjectCommand({
      Bucket: "bucket", Key: key, Body: Readable.from(pieces), ContentLength: size,
    }));
    const got = Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: "bucket", Key: key }))).Body.transformToByteArray());
    const ok = got.equals(data);
    failed ||= !ok;
    console.log(`${key}: put ${size} bytes, read back ${got.length}: ${ok ? "exact" : "DIFFERENT"}`);
  }
}
process.exit(failed ? 1 : 0);
