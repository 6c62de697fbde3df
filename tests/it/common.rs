//! Shared helpers for the integration tests: where the official suites live, and a parser for
//! their raw request files.
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

pub mod client;
#[cfg(feature = "interop")]
pub mod servers;

use std::path::{Path, PathBuf};

/// The example credentials every suite case uses.
pub const AKID: &str = "AKIDEXAMPLE";
/// The example secret every suite case uses.
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The official suites, vendored under `testdata/aws/` (see its README). They are looked for
/// there and nowhere else.
#[derive(Debug, Clone)]
pub struct Suites {
    /// aws-c-auth v4 suite: one directory per case.
    pub aws_c_auth_v4: PathBuf,
    /// aws-c-auth v4a (SigV4a) suite: one directory per case.
    pub aws_c_auth_v4a: PathBuf,
    /// The classic 2015 suite (botocore's copy).
    pub classic: PathBuf,
    /// smithy-rs extras, in the classic format: `double-url-encode/` and `double-encode-path/`.
    pub smithy_extras: PathBuf,
}

/// Where the vendored suites are; a missing folder fails the test that asked, never skips it.
pub fn suites() -> Suites {
    let root = manifest_dir().join("testdata/aws");
    let suite = |name: &str| {
        let dir = root.join(name);
        assert!(
            dir.is_dir(),
            "the vendored SigV4 suite {} is missing: testdata/aws/ is part of the repository \
             (see testdata/aws/README.md); restore it with `git checkout -- testdata/aws`",
            dir.display()
        );
        dir
    };
    Suites {
        aws_c_auth_v4: suite("aws-c-auth-v4"),
        aws_c_auth_v4a: suite("aws-c-auth-v4a"),
        classic: suite("aws-sig-v4-test-suite"),
        smithy_extras: suite("smithy-rs-sigv4-extras"),
    }
}

/// Reads a file of a suite, failing loudly when the suite is absent.
pub fn read(dir: &Path, file: &str) -> Vec<u8> {
    let path = dir.join(file);
    std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nThe vendored SigV4 suites under testdata/aws/ are incomplete \
             (see testdata/aws/README.md).",
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
            Some(i) => (&text[..i], text.as_bytes()[i + 2..].to_vec()),
            None => (text.trim_end_matches('\n'), Vec::new()),
        };
        let mut lines = head.split('\n');
        let request_line = lines.next().expect("request line");
        let (method, rest) = request_line.split_once(' ').expect("method");
        let target = rest
            .strip_suffix(" HTTP/1.1")
            .expect("HTTP/1.1 request line");
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
        let mut b = http::Request::builder()
            .method(self.method.as_str())
            .uri(uri);
        for (n, v) in &self.headers {
            let v = http::HeaderValue::from_str(v).ok()?;
            b = b.header(n.as_str(), v);
        }
        b.body(self.body.clone()).ok()
    }
}

/// The name libtest knows the test `test` of the module at `module_path` (that module's
/// `module_path!()`) by: its path in this binary without the crate name. For the tests that run
/// themselves again in a child process with `--exact`, where a bare function name matches nothing.
pub fn test_name(module_path: &str, test: &str) -> String {
    match module_path.split_once("::") {
        Some((_crate, module)) => format!("{module}::{test}"),
        None => test.to_string(),
    }
}

/// 2015-08-30T12:36:00Z, the suites' clock.
pub fn suite_time() -> time::OffsetDateTime {
    time::macros::datetime!(2015-08-30 12:36:00 UTC)
}

/// Parses the `timestamp` of a context.json (`2015-08-30T12:36:00Z`).
pub fn parse_timestamp(s: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339)
        .expect("RFC 3339 timestamp")
}
