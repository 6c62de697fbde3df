//! Shared helpers for the integration tests: where the official suites live, and a parser for
//! their raw request files.
#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};

/// The example credentials every suite case uses.
pub const AKID: &str = "AKIDEXAMPLE";
/// The example secret every suite case uses.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The official suites, in the order they are looked for:
/// 1. `$AWSSIG_SHARED_TESTDATA` or `../shared/testdata` (beside the checkout, as in CI);
/// 2. the package copies: `aws-sigv4`'s `aws-signing-test-suite/` from the cargo registry (a
///    dev-dependency, so cargo has fetched it) and botocore's sdist unpacked under
///    `target/suites/` by `scripts/fetch-suites.sh`.
///
/// A suite that is in neither place fails the test that needs it, with a message saying how to
/// get it: a missing suite is never skipped.
#[derive(Debug, Clone)]
pub struct Suites {
    /// aws-c-auth v4 suite: one directory per case.
    pub aws_c_auth_v4: PathBuf,
    /// The classic 2015 suite (botocore's copy).
    pub classic: PathBuf,
    /// smithy-rs extras (classic format), if this copy has them.
    pub smithy_extras: PathBuf,
}

pub fn suites() -> Suites {
    let shared = std::env::var_os("AWSSIG_SHARED_TESTDATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest_dir().join("../shared/testdata"));
    if shared.join("aws-c-auth-v4").is_dir() {
        return Suites {
            aws_c_auth_v4: shared.join("aws-c-auth-v4"),
            classic: shared.join("aws-sig-v4-test-suite"),
            smithy_extras: shared.join("smithy-rs-sigv4-extras"),
        };
    }
    let fallback = Suites {
        aws_c_auth_v4: registry_aws_sigv4().map(|p| p.join("aws-signing-test-suite/v4")).unwrap_or_default(),
        classic: botocore_sdist().map(|p| p.join("tests/unit/auth/aws4_testsuite")).unwrap_or_default(),
        smithy_extras: manifest_dir().join("target/suites/smithy-rs-sigv4-extras"),
    };
    fallback
}

/// The newest `aws-sigv4-*` package in the cargo registry that carries the signing suite.
fn registry_aws_sigv4() -> Option<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))?;
    let mut found: Vec<PathBuf> = std::fs::read_dir(home.join("registry/src"))
        .ok()?
        .flatten()
        .flat_map(|index| std::fs::read_dir(index.path()).into_iter().flatten().flatten())
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("aws-sigv4-1."))
                && p.join("aws-signing-test-suite/v4").is_dir()
        })
        .collect();
    found.sort();
    found.pop()
}

/// botocore's sdist unpacked by `scripts/fetch-suites.sh`.
fn botocore_sdist() -> Option<PathBuf> {
    let dir = manifest_dir().join("target/suites");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("tests/unit/auth/aws4_testsuite").is_dir())
        .collect();
    found.sort();
    found.pop()
}

/// Reads a file of a suite, failing loudly when the suite is absent.
pub fn read(dir: &Path, file: &str) -> Vec<u8> {
    let path = dir.join(file);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nThe official SigV4 suites are missing. Put ../shared/testdata beside the \
             checkout, or run scripts/fetch-suites.sh to fetch the package copies (aws-sigv4 from \
             crates.io, botocore from PyPI).",
            path.display()
        )
    })
}

/// Reads a UTF-8 file of a suite.
pub fn read_str(dir: &Path, file: &str) -> String {
    String::from_utf8(read(dir, file)).expect("suite files are UTF-8")
}

/// A raw HTTP/1.1 request from a suite file.
#[derive(Debug, Clone)]
pub struct RawRequest {
    pub method: String,
    /// Everything between the first space and the trailing ` HTTP/1.1` (may hold raw spaces and
    /// UTF-8).
    pub target: String,
    /// Header lines in order; obs-fold continuation lines are kept, joined with `\n`.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl RawRequest {
    pub fn parse(bytes: &[u8]) -> RawRequest {
        let text = String::from_utf8(bytes.to_vec()).expect("suite requests are UTF-8");
        let text = text.replace('\r', "");
        let (head, body) = match text.find("\n\n") {
            Some(i) => (&text[..i], text[i + 2..].as_bytes().to_vec()),
            None => (text.trim_end_matches('\n'), Vec::new()),
        };
        let mut lines = head.split('\n');
        let request_line = lines.next().expect("request line");
        let (method, rest) = request_line.split_once(' ').expect("method");
        let target = rest.strip_suffix(" HTTP/1.1").expect("HTTP/1.1 request line");
        let mut headers: Vec<(String, String)> = Vec::new();
        for line in lines {
            if line.starts_with([' ', '\t']) {
                let last = headers.last_mut().expect("continuation after a header");
                last.1.push('\n');
                last.1.push_str(line);
            } else {
                let (name, value) = line.split_once(':').expect("header line");
                headers.push((name.to_string(), value.to_string()));
            }
        }
        RawRequest {
            method: method.to_string(),
            target: target.to_string(),
            headers,
            body,
        }
    }

    /// The lower-level view the crate signs.
    pub fn signable(&self) -> awssig::SignableRequest<'_> {
        let mut r = awssig::SignableRequest::new(&self.method, &self.target);
        for (n, v) in &self.headers {
            r.push_header(n, v.as_bytes());
        }
        r
    }

    /// The same request as an `http::Request`, when `http` can represent it.
    pub fn to_http(&self) -> Option<http::Request<Vec<u8>>> {
        let host = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("host"))?
            .1
            .clone();
        let uri: http::Uri = format!("https://{host}{}", self.target).parse().ok()?;
        let mut b = http::Request::builder().method(self.method.as_str()).uri(uri);
        for (n, v) in &self.headers {
            let v = http::HeaderValue::from_str(v).ok()?;
            b = b.header(n.as_str(), v);
        }
        b.body(self.body.clone()).ok()
    }
}

/// 2015-08-30T12:36:00Z, the suites' clock.
pub fn suite_time() -> time::OffsetDateTime {
    time::macros::datetime!(2015-08-30 12:36:00 UTC)
}

/// Parses the `timestamp` of a context.json (`2015-08-30T12:36:00Z`).
pub fn parse_timestamp(s: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).expect("RFC 3339 timestamp")
}
