//! A minimal HTTP/1.1 client over `std::net::TcpStream` for the tests that talk to local
//! servers: it sends exactly the bytes it is given (no re-encoding of the path or query, no
//! extra signed headers) and reads the answer to EOF (`Connection: close`).
#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// A response as received.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Vec<u8>,
}

impl Response {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// Sends `req` (its URI's path and query as the request target, its headers as they are) to
/// `addr` and reads the response.
pub fn send<B: AsRef<[u8]>>(addr: SocketAddr, req: &http::Request<B>) -> Response {
    let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let mut head = format!("{} {} HTTP/1.1\r\n", req.method(), target);
    if !req.headers().contains_key("host") {
        let host = req
            .uri()
            .authority()
            .map_or_else(|| addr.to_string(), |a| a.to_string());
        head.push_str(&format!("host: {host}\r\n"));
    }
    let mut out = head.into_bytes();
    for (name, value) in req.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    let body = req.body().as_ref();
    if !req.headers().contains_key("content-length")
        && (!body.is_empty() || req.method() != http::Method::GET)
    {
        out.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    out.extend_from_slice(b"connection: close\r\n\r\n");
    out.extend_from_slice(body);
    send_raw(addr, &out)
}

/// Sends raw request bytes and parses the response.
pub fn send_raw(addr: SocketAddr, bytes: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    let mut raw = Vec::new();
    stream
        .read_to_end(&mut raw)
        .unwrap_or_else(|e| panic!("read from {addr}: {e}"));
    parse(&raw)
}

fn parse(raw: &[u8]) -> Response {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no header end in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap();
    let status: u16 = status_line.split(' ').nth(1).unwrap().parse().unwrap();
    let mut headers = http::HeaderMap::new();
    for line in lines {
        let (n, v) = line.split_once(':').unwrap();
        headers.append(
            http::HeaderName::from_bytes(n.trim().as_bytes()).unwrap(),
            http::HeaderValue::from_str(v.trim()).unwrap(),
        );
    }
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers
        .get("transfer-encoding")
        .is_some_and(|v| v.to_str().unwrap_or("").eq_ignore_ascii_case("chunked"));
    if chunked {
        body = dechunk(&body);
    }
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    while let Some(eol) = data.windows(2).position(|w| w == b"\r\n") {
        let size_text = std::str::from_utf8(&data[..eol]).unwrap();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap().trim(), 16).unwrap();
        data = &data[eol + 2..];
        if size == 0 {
            break;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
    out
}

/// What [`exchange`] got back, and how long the answer took.
#[derive(Debug)]
pub struct Timed {
    pub response: Response,
    pub elapsed: Duration,
}

/// The request head of `req` (request line and headers, ending with the blank line), with
/// `content-length: declared` and no body: the caller decides how much of a body follows.
pub fn head_with_length<B>(addr: SocketAddr, req: &http::Request<B>, declared: u64) -> Vec<u8> {
    let target = req.uri().path_and_query().map_or("/", |p| p.as_str());
    let mut out = format!("{} {} HTTP/1.1\r\n", req.method(), target).into_bytes();
    if !req.headers().contains_key("host") {
        out.extend_from_slice(format!("host: {addr}\r\n").as_bytes());
    }
    for (name, value) in req.headers() {
        if name == http::header::CONTENT_LENGTH {
            continue;
        }
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.extend_from_slice(b"\r\n");
    }
    out.extend_from_slice(format!("content-length: {declared}\r\n\r\n").as_bytes());
    out
}

/// Writes `head`, then `trickle` one byte at a time `every` apart (from a thread of its own,
/// ignoring write errors once the server has answered), and keeps the connection open: the body
/// the head declares may never arrive in full. Reads one response (head, then a
/// `content-length` body) and gives up after `patience`, so a server that waits for the body
/// fails the test instead of hanging it.
pub fn exchange(
    addr: SocketAddr,
    head: &[u8],
    trickle: &'static [u8],
    every: Duration,
    patience: Duration,
) -> Result<Timed, String> {
    let start = std::time::Instant::now();
    let mut stream = TcpStream::connect(addr).map_err(|e| format!("connect to {addr}: {e}"))?;
    stream.set_read_timeout(Some(patience)).unwrap();
    stream
        .write_all(head)
        .map_err(|e| format!("write head: {e}"))?;
    let mut writer = stream.try_clone().unwrap();
    let feeder = std::thread::spawn(move || {
        for b in trickle {
            std::thread::sleep(every);
            if writer.write_all(std::slice::from_ref(b)).is_err() {
                return;
            }
        }
    });
    let mut raw = Vec::new();
    let mut chunk = [0u8; 4096];
    let answer = loop {
        if let Some(end) = raw.windows(4).position(|w| w == b"\r\n\r\n") {
            let response = parse(&raw);
            let declared = response
                .header("content-length")
                .and_then(|v| v.parse::<usize>().ok())
                .unwrap_or(0);
            if raw.len() >= end + 4 + declared {
                let mut response = response;
                response.body.truncate(declared);
                break Ok(Timed {
                    response,
                    elapsed: start.elapsed(),
                });
            }
        }
        if start.elapsed() > patience {
            break Err(format!("no answer from {addr} within {patience:?}"));
        }
        match stream.read(&mut chunk) {
            Ok(0) => {
                break Err(format!(
                    "{addr} closed the connection after {:?} without a whole answer: {:?}",
                    start.elapsed(),
                    String::from_utf8_lossy(&raw)
                ));
            }
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
            Err(e) => {
                break Err(format!(
                    "no answer from {addr} within {:?} ({e}): the server is waiting for the body",
                    start.elapsed()
                ));
            }
        }
    };
    // Closing both halves ends the feeder's writes too.
    let _ = stream.shutdown(std::net::Shutdown::Both);
    let _ = feeder.join();
    answer
}
