//! AWS Signature Version 4 (SigV4) for Rust, on both sides of the wire: sign any
//! `http::Request` exactly as AWS does, presign URLs, verify the requests your service
//! receives, and see every intermediate value when AWS answers 403.
//!
//! - **Exact.** Every case of the official AWS suites (aws-c-auth v4 and v4a in header and
//!   query mode, the classic 2015 suite, the smithy-rs extras) passes byte for byte, and so do
//!   the project's own vectors, whose expected values come from botocore and
//!   `@smithy/signature-v4`; SigV4a signatures equal `aws-sigv4`'s.
//! - **Plain.** One module per SigV4 stage (canonical request → string to sign → signing key →
//!   headers), one HMAC-SHA256 core behind a crypto seam, `#![forbid(unsafe_code)]`, secrets
//!   zeroized and never printed (`Debug` included).
//! - **Clear errors, one type per surface.** Bad input is a [`SignError`] that says how to fix
//!   it, never a panic; missing or failed credentials are a [`ProviderError`] that keeps the
//!   provider's own error as its `source()`; a refused request is a [`VerifyError`] that says
//!   what was wrong and carries AWS's code and sentence for the wire
//!   ([`VerifyError::aws_code`], [`VerifyError::aws_message`]).
//!
//! # Sign a request
//!
//! ```
//! # #[cfg(feature = "http")] { // needs `http::Request`
//! use awssig::{Credentials, Signer};
//!
//! // The AWS example credentials and the test suite's clock (2015-08-30T12:36:00Z).
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let signer = Signer::new(creds, "us-east-1", "service");
//! let now = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160);
//!
//! let mut req = http::Request::get("https://example.amazonaws.com/").body(())?;
//! signer.sign_at(&mut req, now)?;
//! assert_eq!(
//!     req.headers()["authorization"],
//!     "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
//!      SignedHeaders=host;x-amz-date, \
//!      Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
//! );
//! assert!(req.headers()["authorization"].is_sensitive());
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! [`Signer::sign`] signs with the current time. Bodies held in memory (`()`, `Vec<u8>`,
//! `String`, `&[u8]`, `&str`, `bytes::Bytes`) are hashed; for any other body use
//! [`Signer::sign_payload_at`] with [`Payload::Unsigned`] or [`Payload::Precomputed`].
//! [`Signer::presign_at`] makes a presigned URL, [`Signer::explain_at`] shows the canonical
//! request and string to sign, and [`SignableRequest`] serves callers without an
//! `http::Request`. [`Signer::sign_chunked_at`] signs an S3 `aws-chunked` upload chunk by
//! chunk, and [`Verifier::verify_chunked_at`] decodes and checks one;
//! [`Signer::sign_event_stream_at`] and [`Verifier::verify_event_stream_at`] do the same for
//! the signed message envelopes of an event stream (see [`streaming`]).
//!
//! # Verify a request
//!
//! ```
//! # #[cfg(feature = "http")] { // needs `http::Request`
//! use awssig::{Credentials, Payload, Signer, Verifier};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let signer = Signer::new(creds.clone(), "us-east-1", "execute-api");
//! let verifier = Verifier::new(creds, "us-east-1", "execute-api");
//! let now = time::OffsetDateTime::now_utc();
//!
//! let mut req = http::Request::post("https://abc.execute-api.us-east-1.amazonaws.com/prod/orders")
//!     .body(b"{}".to_vec())?;
//! signer.sign_at(&mut req, now)?;
//! let verified = verifier.verify_at(&req, Payload::Bytes(b"{}"), now)?;
//! assert_eq!(verified.access_key_id(), "AKIDEXAMPLE");
//!
//! // A body changed in transit is refused; the answer to send is AWS's own.
//! let err = verifier.verify_at(&req, Payload::Bytes(b"{ }"), now).unwrap_err();
//! assert_eq!(err.to_string(), "signature does not match");
//! assert_eq!(err.aws_code(), "InvalidSignatureException");
//! assert!(err.aws_message().starts_with("The request signature we calculated does not match"));
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A service that must answer before reading the body calls [`Verifier::authenticate_at`] on
//! the head, then [`verify::Authenticated::verify_payload`] with the body. A client that got a
//! 403 asks [`diagnose::diagnose`] why: it diffs the server's canonical request (from API
//! Gateway's JSON or S3's XML) against the local [`Explanation`] and names the cause.
//!
//! # SigV4a: one signature for several regions
//!
//! [`Signer::new_v4a`] signs `AWS4-ECDSA-P256-SHA256` for a region set (`*`, one region or a
//! comma list), through the same methods as SigV4; [`Verifier`] recognises and verifies such
//! requests (the region set must include one of its regions), and [`verify::Verified::algorithm`]
//! says which algorithm signed. The ECDSA key is derived once per signer and the verifier
//! caches the public key per credential as sent (access key, day and service). [`Signer::for_url`] gives a SigV4a signer for an S3
//! Multi-Region Access Point.
//!
//! ```
//! # #[cfg(feature = "http")] { // needs `http::Request`
//! use awssig::{Credentials, Payload, Signer, Verifier, spec::Algorithm};
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
//! let now = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_440_938_160);
//! let mut req = http::Request::get("https://example.amazonaws.com/").body(())?;
//! Signer::new_v4a(creds.clone(), "*", "service").sign_at(&mut req, now)?;
//! assert_eq!(req.headers()["x-amz-region-set"], "*");
//!
//! let verified = Verifier::new(creds, "ap-south-2", "service")
//!     .verify_at(&req, Payload::Bytes(b""), now)?;
//! assert_eq!(verified.algorithm(), Algorithm::EcdsaP256Sha256);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Where things are
//!
//! The root holds what signing or verifying a request needs: [`Signer`], [`Verifier`],
//! [`Credentials`], [`Settings`] and its enums, [`Payload`], [`SignableRequest`],
//! [`SigningTime`], [`Explanation`], and the errors [`SignError`], [`VerifyError`] and
//! [`ProviderError`]. The rest lives in the module for its layer:
//!
//! | module | what it owns |
//! |---|---|
//! | [`signer`] | [`Signer`]'s output ([`signer::Signed`], [`signer::Signature`]) and [`signer::SignableBody`] |
//! | [`endpoint`] | the region and service an AWS host name implies ([`endpoint::infer_scope`]) |
//! | [`verify`] | [`Verifier`]'s results ([`verify::Verified`], [`verify::Authenticated`]), [`verify::CredentialsLookup`], the parsed `Authorization` header and presigned query, [`verify::ServerView`] |
//! | [`diagnose`] (feature `http`) | [`diagnose::diagnose`] and its [`diagnose::Diagnosis`], AWS error bodies, clock offsets |
//! | [`provider`] (feature `std`) | credentials providers, [`provider::CredentialsCache`], [`provider::ProvidedSigner`] |
//! | [`spec`] | SigV4's wire constants, [`spec::Algorithm`] (SigV4's HMAC-SHA256, SigV4a's ECDSA P-256), [`spec::AmzDate`], [`spec::StreamingPayload`] |
//! | [`s3`] (feature `s3`) | S3 browser-upload POST policies: [`s3::PostPolicy`], [`s3::PostForm`], [`s3::SubmittedForm`], [`s3::PostError`] |
//! | [`streaming`] (feature `http`) | `aws-chunked` uploads: [`streaming::ChunkedUpload`], [`streaming::ChunkedSigner`], [`streaming::ChunkedDecoder`], [`streaming::Checksum`]; event streams: [`streaming::EventStreamSigner`], [`streaming::EventStreamDecoder`] |
//!
//! Every setting, on [`Settings`], [`Verifier`] and the integrations, is set with a
//! `with_*` method that takes a value (an enum where there is a choice, never a `bool`) and
//! read with a getter of the same name without the `with_`.
//!
//! # Features
//!
//! | feature | what it adds |
//! |---|---|
//! | (none) | `#![no_std]` + `alloc`: the stages, [`Signer`] over a [`SignableRequest`] at an explicit time, presigning, [`Verifier`] over parts, host inference, [`verify::CredentialsLookup`] for `BTreeMap`; no signing-key cache (each signature or verification derives its key); credentials expire at a `SigningTime` ([`Credentials::with_expiry`]) |
//! | `std` (default) | `SystemTime` as a signing time, `Credentials::from_env`, expiring credentials, credential providers and caches, `CredentialsLookup` for `HashMap`, the signing-key caches shared by a `Signer`'s and a `Verifier`'s clones (lock-free reads, `arc-swap`) |
//! | `http` (default, needs `std`) | `http::Request` in and out (`Signer::sign`, `Verifier::verify_at`, ...), `diagnose`, `streaming` (`aws-chunked`); every feature below turns it on |
//! | `tower` | `tower::SignLayer` (client) and `tower::VerifyLayer` (server, axum-compatible), both streaming `aws-chunked` uploads (`streaming::ChunkedBody`, `streaming::DecodedBody`) |
//! | `reqwest` | reqwest 0.13: `reqwest::sign`, `reqwest::sign_chunked_at` (a streamed `aws-chunked` upload) and a `reqwest-middleware` 0.5 middleware |
//! | `reqwest-012` | the same for reqwest 0.12 and `reqwest-middleware` 0.4, in `reqwest012` |
//! | `http02` | `http02`: sign, presign and verify `http` 0.2 requests (hyper 0.14, reqwest 0.11, actix-web 4) |
//! | `aws-config` | `provider::aws_config`: any `aws-credential-types` provider, the default chain |
//! | `gateway` | `gateway`: a local IAM-auth API Gateway stand-in, for testing clients offline |
//! | `s3` | `s3`: S3 browser-upload POST policies, signed (`Signer::sign_post_policy_at`) and checked (`Verifier::verify_post_form_at`); `serde_json` reads a submitted policy |
//! | `tracing` | `tracing` events: target `awssig::sign`, the scope and signed header names at DEBUG, the canonical request (session token redacted) and string to sign at TRACE; target `awssig::verify`, each outcome or refusal (why) at DEBUG; never the signature or a secret |
//! | `full` | every integration above, on the default crypto backend |
//! | `aws-lc` | the crypto backend: AWS-LC through `aws-lc-rs` instead of RustCrypto's `sha2`/`hmac` (needs a C compiler) |
//! | `fips` | `aws-lc` through AWS-LC's FIPS 140-3 module (needs CMake and Go to build) |
//! | `interop` | nothing in the library: the repository's tests against independent verifiers |
//!
//! The crypto backend is chosen by features, never silently: RustCrypto unless `aws-lc` or
//! `fips` is on, and then AWS-LC. [`CRYPTO_BACKEND`] says which one a build signs with. (So
//! `--all-features` builds the FIPS backend; `full` builds every integration without it.)
//!
//! ```
//! // A build without `aws-lc` or `fips` signs with RustCrypto.
//! # #[cfg(not(feature = "aws-lc"))]
//! assert_eq!(awssig::CRYPTO_BACKEND, "rustcrypto");
//! ```
//!
//! The `awssig` command line is its own package (`awssig-cli`), so depending on this crate
//! never resolves clap.
//!
//! # Design
//!
//! The data flows one way, one module per stage (`sign::*`, private to the crate), driven by the
//! [`Signer`] and, in reverse, by the [`Verifier`]:
//!
//! ```text
//! SignableRequest ─signer::plan─▶ ① sign::canonical ─sha256─▶ ② sign::string_to_sign ─③ sign::key─▶ Signature ─④ sign::authorization─▶ Authorization / X-Amz-*
//!                                  (sign::encode)                (Scope, spec::Algorithm)   (sign::key_cache)                              │
//!   http::Request ◀──────────── signer::http ◀──────────── signer::signed (Signed) ◀─────────────────────────────────────────────────────────────┘
//! ```
//!
//! The modules form layers; each imports only from the layers above it in this list, never
//! from one below:
//!
//! 1. **input**: `time` (signing time, `X-Amz-Date`, HTTP dates), `credentials`, `request`,
//!    `settings`, `payload`, `spec` (every wire name and constant, [`spec::Algorithm`]), `sink`
//!    (where bytes go), `bytes` (a byte found, short strings compared and copied, on the hot path),
//!    `crypto` (the only code touching a cryptography crate), `error`;
//! 2. **stages**: `sign` (`encode`, `canonical`, `string_to_sign`, `key`, `key_cache`,
//!    `chunked` (the `aws-chunked` chunk and trailer signatures), `event_stream` (the
//!    event-stream message signatures and envelope), and
//!    `authorization`, the only writer of `Authorization` and `X-Amz-*`);
//! 3. **explain**: [`Explanation`], the readable view of a signature that the signer fills
//!    and the verifier's view shares redaction with (it imports only `time` and `credentials`);
//! 4. **signer**: `signer` (entry points), `signer::plan` (what gets signed),
//!    `signer::signed` (the one output type), `signer::http`, `endpoint`;
//! 5. **verify**: `verify` (`parse`, `checks`, `error`, `aws_response`, `key_cache`);
//! 6. **streaming**: `streaming` (`aws-chunked`: `sign`, `decode`, `checksum`; event streams:
//!    `event_stream`; and the
//!    `http_body` adapters `chunked_body` and `body` for the integrations), which drives both
//!    the signer and the verifier;
//! 7. **s3**: `s3` (`policy`, `form` (signing), `check` (verifying)), S3's browser-upload POST
//!    policies, which drive both the signer and the verifier;
//! 8. **diagnose**: `diagnose` (`error_body`, `clock`);
//! 9. **integrations**: `provider` (`aws_config`), `tower`, `reqwest`, `gateway`.
//!
//! Only the crate's `crypto` module (a small interface over a backend chosen by `cfg`; today
//! RustCrypto's `hmac`, `sha2` and, for SigV4a, `p256`) touches the cryptography that signs and
//! verifies. The
//! trailing checksums of `aws-chunked` bodies (CRCs, and SHA-1 from RustCrypto's `sha1`; SHA-256
//! through `crypto`) are integrity checks over public data and live in `streaming::checksum`.
//! Secrets live in [`zeroize::Zeroizing`] buffers and are never printed.
//!
//! # Threat model
//!
//! [`Verifier`] decides who a request comes from. It guarantees, for every request it accepts:
//!
//! - **Who.** The signature was made with the secret that your [`verify::CredentialsLookup`] returns for
//!   the access key id in the request, over the method, path, query and every header named in
//!   `SignedHeaders` (`host` always among them, and every `x-amz-*` header the request carries,
//!   so none can be added after signing). The 32 signature bytes are compared in constant time;
//!   lengths, and which field is malformed, are not secret.
//! - **Where and when.** The credential scope names your service and one of your regions; the
//!   request is dated within the skew window (15 minutes by default), or a presigned URL is
//!   inside its `X-Amz-Expires` (at most 7 days); temporary credentials have not expired (a
//!   presigned URL dies with them) and the session token is the one issued with the key.
//! - **One request, one reading.** Requests a proxy could read two ways are refused: two
//!   `Authorization` headers, both a header and a presigned query, a `Host` header that differs
//!   from the URI's authority.
//! - **The body**, when you give it as [`Payload::Bytes`]: its SHA-256 is the signed one. With
//!   [`Payload::Unsigned`] the client's claimed hash is signed but not checked against the bytes:
//!   [`verify::Verified::payload`] says which, so a handler can check it. `UNSIGNED-PAYLOAD` is refused
//!   unless you allow it ([`verify::UnsignedPayload`]); S3 requests must carry `x-amz-content-sha256`.
//!
//! It leaves to you, as AWS does:
//!
//! - **Replay.** A signed request can be sent again, unchanged, until it leaves the skew window
//!   (or a presigned URL expires). Make state-changing operations idempotent, or remember the
//!   signatures you have seen for the length of the window.
//! - **Authorisation.** A valid signature says who; what that key may do is your policy.
//! - **Unsigned headers** (other than `x-amz-*`) reach you as the client or a proxy sent them:
//!   read only the signed ones ([`verify::Verified::signed_headers`]) for decisions.
//! - **Transport.** The signature does not encrypt; use TLS.
//!
//! What the `gateway` module (feature `gateway`) and the tower `VerifyLayer` (feature `tower`) add:
//! they decide everything the headers can decide (missing or malformed authorization, unknown
//! key, scope, time, token) before reading a byte of the body, then read the body within a size
//! limit and a timeout; they forward exactly the path that was verified (never raw dot
//! segments); their 403 answers quote the canonical request with the session token redacted
//! ([`verify::TokenDisplay`]) and echo another scheme's `Authorization` only by its scheme name.
//! An `aws-chunked` upload is checked up to its seed signature before its body is read, then
//! chunk by chunk; what a handler or upstream reads of it is data that verified (or, in the
//! unsigned form, that the trailing checksum checks before the body ends). An event stream's
//! messages come out of its decoder only once their envelope's CRCs, chained signature and
//! `:date` (within the skew) check, holding at most one envelope.

#![no_std]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
// The docs speak of the whole crate (docs.rs builds every integration, `full`); without `http` or `std` some
// of the items they link to are not built.
#![cfg_attr(not(feature = "http"), allow(rustdoc::broken_intra_doc_links))]

// `#![no_std]` always, `alloc` always, `std` with the `std` feature (and in unit tests): the
// code that needs the standard library is the code behind the feature, never a silent use.
#[macro_use]
extern crate alloc;
#[cfg(any(feature = "std", test))]
extern crate std;

/// What the standard prelude would give and `#![no_std]` does not: each module starts with
/// `use crate::prelude::*;`.
mod prelude {
    // Which of them a module uses can depend on the features.
    #![allow(unused_imports)]
    pub(crate) use alloc::borrow::ToOwned;
    pub(crate) use alloc::boxed::Box;
    pub(crate) use alloc::string::{String, ToString};
    pub(crate) use alloc::vec::Vec;
}

// The README's snippets run as doctests too (the README is the repository's page, not the
// crate docs: it also speaks of the repository's scripts).
#[cfg(all(doctest, feature = "http"))]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

#[cfg(any(feature = "gateway", feature = "tower"))]
mod body;
mod bytes;
mod credentials;
mod crypto;
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod diagnose;
pub mod endpoint;
mod error;
mod explain;
#[cfg(feature = "gateway")]
#[cfg_attr(docsrs, doc(cfg(feature = "gateway")))]
pub mod gateway;
mod payload;
#[cfg(feature = "std")]
#[cfg_attr(docsrs, doc(cfg(feature = "std")))]
pub mod provider;
mod request;
#[cfg(feature = "s3")]
#[cfg_attr(docsrs, doc(cfg(feature = "s3")))]
pub mod s3;
mod settings;
mod sign;
pub mod signer;
mod sink;
pub mod spec;
#[cfg(feature = "http")]
#[cfg_attr(docsrs, doc(cfg(feature = "http")))]
pub mod streaming;
mod time;
pub mod verify;

#[cfg(feature = "tower")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower")))]
pub mod tower;

#[cfg(feature = "http02")]
#[cfg_attr(docsrs, doc(cfg(feature = "http02")))]
pub mod http02;
#[cfg(feature = "reqwest")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest")))]
pub mod reqwest;
#[cfg(feature = "reqwest-012")]
#[cfg_attr(docsrs, doc(cfg(feature = "reqwest-012")))]
pub mod reqwest012;

pub use credentials::Credentials;
pub use error::{ProviderError, SignError};
pub use explain::Explanation;
pub use payload::Payload;
pub use request::SignableRequest;
pub use settings::{
    PathNormalization, PayloadHashHeader, PresignPayload, SessionTokenSigning, Settings,
    UriEncoding,
};
pub use signer::Signer;
pub use time::SigningTime;
pub use verify::{Verifier, VerifyError};

/// The crypto backend this build signs and verifies with: `"rustcrypto"` (the default),
/// `"aws-lc"` (feature `aws-lc`) or `"aws-lc-fips"` (feature `fips`).
pub const CRYPTO_BACKEND: &str = crypto::BACKEND;
