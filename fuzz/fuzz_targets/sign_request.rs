//! Signing, presigning and explaining arbitrary requests: any method, target, header names and
//! values, body and credentials must give a signature or an error, never a panic, and the fast
//! path must agree with the readable one.
#![no_main]

use std::time::{Duration, SystemTime};

use awssig::{Credentials, Payload, Settings, SignableRequest, Signer, Verifier};
use libfuzzer_sys::fuzz_target;

/// Adds the header name/value pairs that follow the first four fields.
fn push_pairs<'a>(req: &mut SignableRequest<'a>, fields: &'a [String]) {
    for pair in fields.get(4..).unwrap_or_default().chunks(2) {
        if let [name, value] = pair {
            req.push_header(name, value.as_bytes());
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // Fields separated by NUL: flags, method, target, token, then header name/value pairs; the
    // bytes after a 0xff byte are the body.
    let (head, body) = match data.iter().position(|&b| b == 0xff) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &[][..]),
    };
    let fields: Vec<String> = head
        .split(|&b| b == 0)
        .map(|f| String::from_utf8_lossy(f).into_owned())
        .collect();
    let field = |i: usize| fields.get(i).map_or("", String::as_str);
    let flags = field(0).bytes().next().unwrap_or(0);
    let mut creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    if flags & 1 != 0 {
        creds = creds.with_session_token(field(3));
    }
    let mut signer = Signer::new(creds, "us-east-1", "service");
    if flags & 2 != 0 {
        signer = signer.with_settings(Settings::s3());
    }
    let mut req = SignableRequest::new(field(1), field(2));
    push_pairs(&mut req, &fields);
    let time = SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160);
    let payload = Payload::Bytes(body);
    let signed = signer.sign_request_at(&req, payload, time);
    if let Ok(explained) = signer.explain_request_at(&req, payload, time) {
        let _ = explained.canonical_request_redacted();
        let _ = format!("{explained:?}");
        let signed = signed.as_ref().expect("what explains also signs");
        assert_eq!(signed.signature().to_string(), explained.signature());
    }
    // The verifier on what was signed: an answer, never a panic.
    if let Ok(out) = &signed {
        let verifier = Verifier::new(signer.credentials().clone(), "us-east-1", "service")
            .with_settings(signer.settings().clone());
        let mut sent = SignableRequest::new(field(1), field(2));
        push_pairs(&mut sent, &fields);
        for (name, value) in out.headers() {
            sent.push_header(name, value.as_bytes());
        }
        let _ = verifier.verify_request_at(&sent, payload, time);
        let _ = verifier.server_view_at(&sent, payload);
    }
    let mut buf = [0u8; 1024];
    let _ = signer.sign_into(&req, payload, time, &mut buf);
    let _ = signer.presign_request_at(&req, payload, Duration::from_secs(60), time);
    if let Ok(explained) =
        signer.explain_presign_request_at(&req, payload, Duration::from_secs(60), time)
    {
        let _ = explained.canonical_request_redacted();
    }
});
