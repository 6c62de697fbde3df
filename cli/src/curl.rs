//! `awssig curl`: one signed request.
//!
//! Unlike awscurl it adds no `content-type` (so none is signed on a GET). The query is signed
//! and sent in one form, as everywhere in awssig: `+` is a space, `%XY` escapes are decoded,
//! each name and value is encoded once and keeps every `=` after the first.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

use awssig::streaming::{Checksum, ChunkedUpload};
use awssig::{Payload, SignableRequest};

use crate::common::{self, BoxError, ScopeArgs};
use crate::upload;

#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  awssig curl https://abc123.execute-api.us-east-1.amazonaws.com/prod/items?limit=10
  awssig curl -H 'x-api-key: KEY' https://abc123.execute-api.us-east-1.amazonaws.com/prod/
  awssig curl -X PUT -H 'content-type: application/json' -d @body.json https://abc.lambda-url.eu-west-1.on.aws/items
  awssig curl --service execute-api --region us-east-1 https://api.example.com/v1/items
  awssig curl -T backup.tar https://my-bucket.s3.eu-west-1.amazonaws.com/backup.tar
  awssig curl http://127.0.0.1:8080/prod/items        # the local gateway (awssig gateway)
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
    /// Upload FILE (any size; PUT unless -X says otherwise), streamed as a signed aws-chunked
    /// body with a CRC32 trailer, as the AWS SDKs upload to S3. A progress bar shows on a
    /// terminal.
    #[arg(
        short = 'T',
        long = "upload-file",
        value_name = "FILE",
        conflicts_with_all = ["data", "unsigned_payload"]
    )]
    upload_file: Option<PathBuf>,
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
    /// Write the response body to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Accept any TLS certificate (a local endpoint with a self-signed one). Never against AWS.
    #[arg(short = 'k', long)]
    insecure: bool,
    /// Follow redirects (up to 10), signing each new request for its own host.
    #[arg(short = 'L', long = "location")]
    location: bool,
    /// Give up when the whole exchange takes longer than SECONDS.
    #[arg(long = "max-time", value_name = "SECONDS")]
    max_time: Option<f64>,
    #[command(flatten)]
    scope: ScopeArgs,
    /// The absolute URL to request. Its query is signed and sent in one form: `+` is a space,
    /// `%XY` escapes are decoded, each name and value is encoded once (`?q=a+b&y=c=d` goes out
    /// as `?q=a%20b&y=c%3Dd`).
    url: String,
}

/// How many redirects `-L` follows.
const MAX_REDIRECTS: usize = 10;

/// The body to send: `-d` bytes, or `-T` a file streamed as aws-chunked.
enum Body {
    None,
    Bytes(Vec<u8>),
    File(PathBuf),
}

pub(crate) async fn run(args: Args) -> Result<ExitCode, BoxError> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let mut headers = http::HeaderMap::new();
    for raw in &args.headers {
        let (name, value) = common::parse_header(raw)?;
        headers.append(name, value);
    }
    let mut body = match (&args.data, &args.upload_file) {
        (Some(d), _) => Body::Bytes(common::read_data(d)?),
        (None, Some(path)) => Body::File(path.clone()),
        (None, None) => Body::None,
    };
    let method = match (&args.method, &body) {
        (Some(m), _) => m.to_ascii_uppercase(),
        (None, Body::Bytes(_)) => "POST".into(),
        (None, Body::File(_)) => "PUT".into(),
        (None, Body::None) => "GET".into(),
    };
    let mut method = reqwest::Method::from_bytes(method.as_bytes())
        .map_err(|_| format!("invalid method `{method}` (-X)"))?;
    if args.unsigned_payload {
        headers.insert(
            "x-amz-content-sha256",
            http::HeaderValue::from_static(awssig::spec::UNSIGNED_PAYLOAD),
        );
    }
    let mut client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .danger_accept_invalid_certs(args.insecure);
    if let Some(secs) = args.max_time {
        let limit = std::time::Duration::try_from_secs_f64(secs)
            .map_err(|_| format!("--max-time {secs}: give a number of seconds"))?;
        client = client.timeout(limit);
    }
    let client = client.build()?;

    let mut url = args.url.clone();
    for _ in 0..=MAX_REDIRECTS {
        let host = match headers.get(http::header::HOST) {
            Some(h) => h
                .to_str()
                .map_err(|_| "the host header is not ASCII")?
                .to_string(),
            None => common::url_host(&url)?,
        };
        let signer = common::signer(&args.scope, &host).await?;
        let mut req = client
            .request(method.clone(), &url)
            .headers(headers.clone())
            .build()?;
        let now = SystemTime::now();
        let sent_body: &[u8] = match &body {
            Body::Bytes(b) => {
                *req.body_mut() = Some(b.clone().into());
                awssig::reqwest::sign_at(&signer, &mut req, now)?;
                b
            }
            Body::None => {
                awssig::reqwest::sign_at(&signer, &mut req, now)?;
                b""
            }
            Body::File(path) => {
                let (file_body, len) = upload::open(path).await?;
                *req.body_mut() = Some(file_body);
                let chunked = ChunkedUpload::signed(len).trailer(Checksum::Crc32);
                awssig::reqwest::sign_chunked_at(&signer, &mut req, chunked, now)?;
                b""
            }
        };
        let raw_request = raw_request(&req, sent_body);
        if args.verbose {
            verbose_request(&signer, &req, &body, sent_body, now, &raw_request)?;
        }
        if let Some(path) = &args.save_request {
            std::fs::write(path, &raw_request)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        }

        let resp = client.execute(req).await.map_err(network_error)?;
        let status = resp.status();
        if args.location
            && status.is_redirection()
            && let Some(next) = resp.headers().get(http::header::LOCATION)
        {
            let next = next
                .to_str()
                .map_err(|_| "a redirect's Location is not ASCII")?;
            let base = reqwest::Url::parse(&url)?;
            let next = base
                .join(next)
                .map_err(|e| format!("cannot follow the redirect to `{next}`: {e}"))?;
            if next.host_str() != base.host_str() {
                // A Host header set for the first server does not belong to another.
                headers.remove(http::header::HOST);
            }
            if status == reqwest::StatusCode::SEE_OTHER {
                method = reqwest::Method::GET;
                body = Body::None;
            }
            if args.verbose {
                eprintln!("* following the redirect to {next}");
            }
            url = next.to_string();
            continue;
        }
        return respond(&args, resp).await;
    }
    Err(format!("more than {MAX_REDIRECTS} redirects (-L)").into())
}

/// Prints the canonical request, the string to sign and the request head on stderr (`-v`).
fn verbose_request(
    signer: &awssig::Signer,
    req: &reqwest::Request,
    body: &Body,
    sent_body: &[u8],
    now: SystemTime,
    raw_request: &[u8],
) -> Result<(), BoxError> {
    let mut err = std::io::stderr().lock();
    writeln!(err, "* scope: {}/{}", signer.region(), signer.service())?;
    if !matches!(body, Body::File(_)) {
        let view = signable(req);
        let explained = signer.explain_request_at(&view, Payload::Bytes(sent_body), now)?;
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
    }
    for line in String::from_utf8_lossy(raw_request)
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
    Ok(())
}

/// A failed exchange, with its causes (refused, TLS, timeout) spelled out.
fn network_error(e: reqwest::Error) -> BoxError {
    let what = if e.is_timeout() {
        "the request timed out (--max-time)"
    } else if e.is_connect() {
        "cannot connect"
    } else {
        "the request failed"
    };
    let mut line = format!("{what}: {e}");
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        let text = s.to_string();
        if !line.ends_with(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = s.source();
    }
    line.into()
}

/// Prints (or saves) the response and picks the exit status.
async fn respond(args: &Args, resp: reqwest::Response) -> Result<ExitCode, BoxError> {
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
    let bytes = resp.bytes().await.map_err(network_error)?;
    if let Some(path) = &args.save_response {
        let mut all = head.clone().into_bytes();
        all.extend_from_slice(&bytes);
        std::fs::write(path, all).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    }
    match &args.output {
        Some(path) => {
            let mut all = Vec::new();
            if args.include {
                all.extend_from_slice(head.as_bytes());
            }
            all.extend_from_slice(&bytes);
            std::fs::write(path, all)
                .map_err(|e| format!("cannot write {} (-o): {e}", path.display()))?;
        }
        None => {
            let mut out = std::io::stdout().lock();
            if args.include {
                out.write_all(head.as_bytes())?;
            }
            out.write_all(&bytes)?;
            out.flush()?;
        }
    }
    if status.as_u16() >= 400 {
        eprintln!("awssig: the server answered HTTP {status}");
        if status.as_u16() == 403 {
            match (&args.save_request, &args.save_response) {
                (Some(req), Some(resp)) => eprintln!(
                    "awssig: to find out why, run `awssig diagnose --request {} --response {}`",
                    req.display(),
                    resp.display()
                ),
                _ => eprintln!(
                    "awssig: to find out why, repeat with --save-request FILE --save-response FILE and run `awssig diagnose --request FILE --response FILE`"
                ),
            }
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
