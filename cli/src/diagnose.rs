//! `awssig diagnose`: why a signed request was rejected.
//!
//! Reads the request as it was sent (raw HTTP, as `awssig curl --save-request` writes it) and
//! the answer (status line, headers, body: `--save-response` or `curl -i` output), recomputes
//! the canonical request and string to sign the client signed (no secret is needed for those),
//! and prints [`awssig::diagnose::diagnose`]'s report: the lines where the server's view differs from
//! ours and the likely cause, or a checklist when the server quoted nothing.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use awssig::{
    Credentials, Payload, Settings, SignableRequest, Signer, spec::AmzDate,
    verify::AuthorizationHeader,
};

use crate::common::BoxError;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Example:
  awssig curl --save-request req.http --save-response resp.http https://abc.execute-api.us-east-1.amazonaws.com/prod/
  awssig diagnose --request req.http --response resp.http")]
pub(crate) struct Args {
    /// The request as sent: raw HTTP/1.1 with an absolute or origin-form target and a host
    /// header (written by `awssig curl --save-request`).
    #[arg(long, value_name = "FILE")]
    request: PathBuf,
    /// The response: status line, headers, blank line, body (`awssig curl --save-response`, or
    /// `curl -i` output).
    #[arg(long, value_name = "FILE")]
    response: PathBuf,
}

/// A raw HTTP message: start line, header lines, body.
struct Message {
    start: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

fn read_message(path: &Path) -> Result<Message, BoxError> {
    let raw = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let (head, body) = match find(&raw, b"\r\n\r\n") {
        Some(i) => (&raw[..i], raw[i + 4..].to_vec()),
        None => match find(&raw, b"\n\n") {
            Some(i) => (&raw[..i], raw[i + 2..].to_vec()),
            None => (&raw[..], Vec::new()),
        },
    };
    let head = String::from_utf8_lossy(head);
    let mut lines = head.lines().map(|l| l.trim_end_matches('\r'));
    let start = lines
        .next()
        .filter(|l| !l.is_empty())
        .ok_or_else(|| format!("{} is empty", path.display()))?
        .to_string();
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("{}: `{line}` is not a header line", path.display()))?;
        headers.push((name.trim().to_string(), value.trim().to_string()));
    }
    Ok(Message {
        start,
        headers,
        body,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

pub(crate) async fn run(args: Args) -> Result<ExitCode, BoxError> {
    let req = read_message(&args.request)?;
    let resp = read_message(&args.response)?;

    let mut start = req.start.split_whitespace();
    let (Some(method), Some(target)) = (start.next(), start.next()) else {
        return Err(format!(
            "{}: the first line must be `METHOD TARGET HTTP/1.1`",
            args.request.display()
        )
        .into());
    };
    let header = |name: &str| {
        req.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let authorization = header("authorization").ok_or(
        "the request has no authorization header: diagnose reads header-signed requests (a missing signature is itself the cause of `Missing Authentication Token`)",
    )?;
    let auth = AuthorizationHeader::parse(authorization)
        .map_err(|e| format!("the request's authorization header does not parse: {e}"))?;
    let date = header("x-amz-date")
        .and_then(AmzDate::parse)
        .and_then(|d| d.to_offset_date_time())
        .ok_or("the request has no valid x-amz-date header")?;

    let credential = auth.credential();
    let mut settings = if credential.service() == "s3" {
        Settings::s3()
    } else {
        Settings::default()
    };
    // Sign exactly what the client signed: leave out every header it did not sign.
    for (name, _) in &req.headers {
        let lower = name.to_ascii_lowercase();
        if !auth.signed_headers().contains(&lower) {
            settings = settings.with_excluded_header(&lower);
        }
    }
    // The canonical request and string to sign do not depend on the secret.
    let signer = Signer::new(
        Credentials::new(
            credential.access_key_id(),
            "not-needed-for-the-canonical-request",
        ),
        credential.region(),
        credential.service(),
    )
    .with_settings(settings);
    let mut view = SignableRequest::new(method, target);
    for (name, value) in &req.headers {
        if !name.eq_ignore_ascii_case("authorization") {
            view.push_header(name, value.as_bytes());
        }
    }
    let local = signer.explain_request_at(&view, Payload::Bytes(&req.body), date)?;

    let status_code = resp
        .start
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse::<u16>().ok())
        .and_then(|s| http::StatusCode::from_u16(s).ok())
        .ok_or_else(|| {
            format!(
                "{}: the first line must be `HTTP/1.1 STATUS REASON`",
                args.response.display()
            )
        })?;
    let mut headers = http::HeaderMap::new();
    for (name, value) in &resp.headers {
        if let (Ok(n), Ok(v)) = (
            http::HeaderName::from_bytes(name.as_bytes()),
            http::HeaderValue::from_str(value),
        ) {
            headers.append(n, v);
        }
    }
    let diagnosis = awssig::diagnose::diagnose(status_code, &headers, &resp.body, &local);
    print!("{diagnosis}");
    Ok(ExitCode::SUCCESS)
}
