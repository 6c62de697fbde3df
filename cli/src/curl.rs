//! `awssig curl`: one signed request.
//!
//! Unlike awscurl it adds no `content-type` (so none is signed on a GET). The query is signed
//! and sent in one form, as everywhere in awssig: `+` is a space, `%XY` escapes are decoded,
//! each name and value is encoded once and keeps every `=` after the first.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use awssig::{Payload, SignableRequest};

use crate::common::{self, BoxError, ScopeArgs};

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  awssig curl https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?limit=10
  awssig curl -H 'x-api-key: KEY' https://abc123.execute-api.us-east-1.amazonaws.com/prod/
  awssig curl -X PUT -H 'content-type: application/json' -d @body.json https://abc.lambda-url.eu-west-1.on.aws/items
  awssig curl --service execute-api --region us-east-1 https://api.example.com/v1/items
  awssig curl -H 'host: abc123.execute-api.us-east-1.amazonaws.com' https://vpce-0123-abcd.execute-api.us-east-1.vpce.amazonaws.com/prod/")]
pub(crate) struct Args {
    /// HTTP method [default: GET, or POST with -d].
    #[arg(short = 'X', long = "request", value_name = "METHOD")]
    method: Option<String>,
    /// Extra header, 'name: value' (repeatable). Nothing is added for you: no content-type.
    #[arg(short = 'H', long = "header", value_name = "HEADER")]
    headers: Vec<String>,
    /// Request body: DATA, @FILE or @- for standard input, sent byte for byte.
    #[arg(
        short = 'd',
        long = "data",
        visible_alias = "data-binary",
        value_name = "DATA"
    )]
    data: Option<String>,
    /// Sign the body as UNSIGNED-PAYLOAD (S3 over HTTPS accepts it; most services do not).
    #[arg(long)]
    unsigned_payload: bool,
    /// Print the response status line and headers before the body.
    #[arg(short = 'i', long)]
    include: bool,
    /// Print the canonical request, string to sign and request headers on stderr.
    #[arg(short = 'v', long)]
    verbose: bool,
    /// Write the request as sent (raw HTTP; it includes any session token) to FILE.
    #[arg(long, value_name = "FILE")]
    save_request: Option<PathBuf>,
    /// Write the response (status line, headers, body) to FILE.
    #[arg(long, value_name = "FILE")]
    save_response: Option<PathBuf>,
    #[command(flatten)]
    scope: ScopeArgs,
    /// The absolute URL to request. Its query is signed and sent in one form: `+` is a space,
    /// `%XY` escapes are decoded, each name and value is encoded once (`?q=a+b&y=c=d` goes out
    /// as `?q=a%20b&y=c%3Dd`).
    url: String,
}

pub(crate) async fn run(args: Args) -> Result<ExitCode, BoxError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut headers = http::HeaderMap::new();
    for raw in &args.headers {
        let (name, value) = common::parse_header(raw)?;
        headers.append(name, value);
    }
    let body = args.data.as_deref().map(common::read_data).transpose()?;
    let method = match &args.method {
        Some(m) => m.to_ascii_uppercase(),
        None if body.is_some() => "POST".into(),
        None => "GET".into(),
    };
    let method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| format!("invalid method `{method}`"))?;
    let host = match headers.get(http::header::HOST) {
        Some(h) => h
            .to_str()
            .map_err(|_| "the host header is not ASCII")?
            .to_string(),
        None => common::url_host(&args.url)?,
    };
    let signer = common::signer(&args.scope, &host).await?;
    if args.unsigned_payload {
        headers.insert(
            "x-amz-content-sha256",
            http::HeaderValue::from_static(awssig::spec::UNSIGNED_PAYLOAD),
        );
    }

    let client = reqwest::Client::builder().build()?;
    let mut builder = client.request(method, &args.url).headers(headers);
    if let Some(b) = &body {
        builder = builder.body(b.clone());
    }
    let mut req = builder.build()?;
    let now = SystemTime::now();
    awssig::reqwest::sign_at(&signer, &mut req, now)?;

    let raw_request = raw_request(&req, body.as_deref().unwrap_or_default());
    if args.verbose {
        let view = signable(&req);
        let payload = Payload::Bytes(body.as_deref().unwrap_or_default());
        let explained = signer.explain_request_at(&view, payload, now)?;
        let mut err = std::io::stderr().lock();
        writeln!(err, "* scope: {}/{}", signer.region(), signer.service())?;
        writeln!(
            err,
            "* canonical request:\n{}",
            indent(&explained.canonical_request_redacted())
        )?;
        writeln!(
            err,
            "* string to sign:\n{}",
            indent(explained.string_to_sign())
        )?;
        for line in String::from_utf8_lossy(&raw_request)
            .split("\r\n")
            .take_while(|l| !l.is_empty())
        {
            let shown = if line
                .to_ascii_lowercase()
                .starts_with("x-amz-security-token:")
            {
                "x-amz-security-token: <redacted>"
            } else {
                line
            };
            writeln!(err, "> {shown}")?;
        }
    }
    if let Some(path) = &args.save_request {
        std::fs::write(path, &raw_request)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }

    let resp = client.execute(req).await?;
    let status = resp.status();
    let mut head = format!(
        "HTTP/1.1 {} {}\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or("")
    );
    for (name, value) in resp.headers() {
        head.push_str(&format!(
            "{}: {}\r\n",
            name,
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    head.push_str("\r\n");
    if args.verbose {
        for line in head.split("\r\n").filter(|l| !l.is_empty()) {
            eprintln!("< {line}");
        }
    }
    let bytes = resp.bytes().await?;
    if let Some(path) = &args.save_response {
        let mut all = head.clone().into_bytes();
        all.extend_from_slice(&bytes);
        std::fs::write(path, all).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    let mut out = std::io::stdout().lock();
    if args.include {
        out.write_all(head.as_bytes())?;
    }
    out.write_all(&bytes)?;
    out.flush()?;
    if status.as_u16() >= 400 {
        eprintln!("awssig: the server answered HTTP {status}");
        if status.as_u16() == 403 {
            eprintln!(
                "awssig: to find out why, repeat with --save-request FILE --save-response FILE and run `awssig diagnose --request FILE --response FILE`"
            );
        }
        return Ok(ExitCode::from(crate::EXIT_HTTP_ERROR));
    }
    Ok(ExitCode::SUCCESS)
}

fn signable(req: &reqwest::Request) -> SignableRequest<'_> {
    let mut view = SignableRequest::new(req.method().as_str(), req.url().as_str());
    for (name, value) in req.headers() {
        view.push_header(name.as_str(), value.as_bytes());
    }
    view
}

/// The request as sent: absolute-form request line, `host` first, the headers, the body.
pub(crate) fn raw_request(req: &reqwest::Request, body: &[u8]) -> Vec<u8> {
    let url = req.url();
    let mut out = format!("{} {} HTTP/1.1\r\n", req.method(), url);
    if !req.headers().contains_key(http::header::HOST) {
        let host = match url.port() {
            Some(p) => format!("{}:{p}", url.host_str().unwrap_or_default()),
            None => url.host_str().unwrap_or_default().to_string(),
        };
        out.push_str(&format!("host: {host}\r\n"));
    }
    for (name, value) in req.headers() {
        out.push_str(&format!(
            "{}: {}\r\n",
            name,
            String::from_utf8_lossy(value.as_bytes())
        ));
    }
    out.push_str("\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    bytes
}

fn indent(text: &str) -> String {
    text.lines()
        .map(|l| format!("    {l}"))
        .collect::<Vec<_>>()
        .join("\n")
}
