//! Signing, presigning and explaining arbitrary requests: any method, target, header names and
//! values, body, payload kind, settings and session token must give a signature or an error,
//! never a panic. What is signed must verify, and every entry point must agree:
//!
//! - `sign_request_at`, `sign_into` and `explain_request_at` give the same signature, date and
//!   `Authorization` value, and the same extra headers;
//! - the request as it goes on the wire (the original headers with the signer's replacing any of
//!   the same name, the query the output says to send) verifies with a `Verifier` set up the same
//!   way, and so does the `http::Request` layer's result when `http` can carry the request;
//! - `presign_request_at` and `explain_presign_request_at` give the same signature, the URL's
//!   `X-Amz-*` parameters say what was signed, and the URL verifies.
//!
//! Inputs the signer refuses are fine; a signed request that does not verify panics.
#![no_main]

use std::time::{Duration, SystemTime};

use awssig::{Credentials, Payload, PresignPayload, SessionTokenSigning, Settings, SignError, SignableRequest, Signer, Verifier, verify::{PresignedQuery, UnsignedPayload}};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

/// The target up to its query or fragment: scheme, authority and path, as `SignableRequest`
/// splits them.
fn before_query(target: &str) -> &str {
    &target[..target.find(['?', '#']).unwrap_or(target.len())]
}

const EXPIRES: Duration = Duration::from_secs(60);

/// One fuzz case: the request's parts and what signs and verifies it.
struct Case<'a> {
    signer: Signer,
    verifier: Verifier,
    method: &'a str,
    target: &'a str,
    headers: Vec<(&'a str, &'a [u8])>,
    body: &'a [u8],
    payload: Payload<'a>,
    time: SystemTime,
    /// Whether the settings presign with `UNSIGNED-PAYLOAD`.
    presign_unsigned: bool,
    /// Whether what the request itself claims (`x-amz-content-sha256`, `x-amz-security-token`)
    /// is true of the payload and the credentials.
    claim_holds: bool,
}

impl<'a> Case<'a> {
    fn request(&self) -> SignableRequest<'a> {
        let mut req = SignableRequest::new(self.method, self.target);
        for (n, v) in &self.headers {
            req.push_header(n, v);
        }
        req
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
    let mut settings = if flags & 2 != 0 {
        Settings::s3()
    } else {
        Settings::default()
    };
    if flags & 4 != 0 {
        settings = settings.with_session_token_signing(SessionTokenSigning::AppendedAfterSigning);
    }
    if flags & 8 != 0 {
        settings = settings.with_payload_hash_header(awssig::PayloadHashHeader::Always);
    }
    // Bit 6 flips what presigning signs for the body (S3's default is `UNSIGNED-PAYLOAD`).
    let presign_unsigned = (flags & 2 != 0) != (flags & 64 != 0);
    settings = settings.with_presign_payload(match presign_unsigned {
        true => PresignPayload::Unsigned,
        false => PresignPayload::BodyHash,
    });
    let mut digest = [0u8; 32];
    for (d, b) in digest.iter_mut().zip(body) {
        *d = *b;
    }
    let payload = match (flags >> 4) & 3 {
        1 => Payload::Unsigned,
        2 => Payload::Precomputed(digest),
        _ => Payload::Bytes(body),
    };
    let headers: Vec<(&str, &[u8])> = fields
        .get(4..)
        .unwrap_or_default()
        .chunks_exact(2)
        .map(|p| (p[0].as_str(), p[1].as_bytes()))
        .collect();
    // A request that states its own `x-amz-content-sha256` is signed with that claim; when the
    // claim is not the payload's hash the verifier rightly refuses it (the client lied), so
    // only requests whose claim holds (or that make none) must verify.
    let claim = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-content-sha256"))
        .map(|(_, v)| v.trim_ascii());
    let claim_holds = match (claim, payload) {
        (None, _) | (Some(b"UNSIGNED-PAYLOAD"), _) => true,
        // Without the body the verifier trusts a well-formed claim.
        (Some(c), Payload::Unsigned) => c.len() == 64 && c.iter().all(u8::is_ascii_hexdigit),
        (Some(c), Payload::Bytes(b)) => c == hex::encode(Sha256::digest(b)).as_bytes(),
        (Some(c), Payload::Precomputed(h)) => c == hex::encode(h).as_bytes(),
        (Some(_), _) => false,
    };
    // Likewise a request that sends its own `x-amz-security-token` for credentials that have
    // none: the verifier rightly refuses a token the key was not issued with.
    let claim_holds = claim_holds
        && (flags & 1 != 0
            || !headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case("x-amz-security-token")));
    let case = Case {
        signer: Signer::new(creds.clone(), "us-east-1", "service").with_settings(settings.clone()),
        // The verifier a service would set up for this signer: same credentials, scope and
        // settings, and (since the signer may send `UNSIGNED-PAYLOAD`) unsigned payloads
        // allowed.
        verifier: Verifier::new(creds, "us-east-1", "service")
            .with_settings(settings)
            .with_unsigned_payload(UnsignedPayload::Allowed),
        method: field(1),
        target: field(2),
        headers,
        body,
        payload,
        time: SystemTime::UNIX_EPOCH + Duration::from_secs(1_440_938_160),
        presign_unsigned,
        claim_holds,
    };
    header_mode(&case);
    presigned(&case);
});

fn header_mode(case: &Case<'_>) {
    let (signer, verifier, payload, time) = (&case.signer, &case.verifier, case.payload, case.time);
    let req = case.request();
    let signed = signer.sign_request_at(&req, payload, time);
    let explained = signer.explain_request_at(&req, payload, time);
    let (out, explained) = match (signed, explained) {
        (Ok(out), Ok(ex)) => (out, ex),
        (Err(a), Err(b)) => {
            assert_eq!(
                a.to_string(),
                b.to_string(),
                "sign and explain refuse differently"
            );
            return;
        }
        (a, b) => panic!(
            "sign_request_at and explain_request_at disagree on whether to sign: {:?} vs {:?}",
            a.map(|o| o.signature()),
            b.map(|e| e.signature().to_string())
        ),
    };
    let _ = explained.canonical_request_redacted();
    let _ = format!("{explained:?} {out:?}");
    assert_eq!(
        out.signature().to_string(),
        explained.signature(),
        "sign_request_at and explain_request_at disagree on the signature"
    );
    assert_eq!(
        Some(out.authorization()),
        explained.authorization(),
        "sign_request_at and explain_request_at disagree on Authorization"
    );
    assert_eq!(out.amz_date(), explained.amz_date());

    // sign_into: the same value, or a precise refusal.
    let mut buf = vec![0u8; 64];
    let written = loop {
        match signer.sign_into(&req, payload, time, &mut buf) {
            Err(SignError::BufferTooSmall { needed, len }) if buf.len() < needed => {
                assert_eq!(len, buf.len());
                buf = vec![0u8; needed];
            }
            other => break other,
        }
    };
    let header = |name: &str| out.headers().find(|(n, _)| *n == name).map(|(_, v)| v);
    match written {
        Ok(w) => {
            assert!(
                out.query().is_none(),
                "sign_into signed a query that sign_request_at had to rewrite"
            );
            assert_eq!(
                &buf[..w.len()],
                out.authorization().as_bytes(),
                "sign_into wrote another Authorization value"
            );
            assert_eq!(w.signature(), out.signature());
            assert_eq!(w.amz_date(), out.amz_date());
            assert_eq!(
                w.content_sha256(),
                header("x-amz-content-sha256"),
                "sign_into and sign_request_at disagree on x-amz-content-sha256"
            );
            assert_eq!(
                w.needs_security_token(),
                header("x-amz-security-token").is_some(),
                "sign_into and sign_request_at disagree on x-amz-security-token"
            );
        }
        Err(SignError::QueryNotCanonical) => assert!(
            out.query().is_some(),
            "sign_into refused a query that sign_request_at sends unchanged"
        ),
        Err(e) => panic!("sign_request_at signed but sign_into refused: {e}"),
    }

    // The request as it goes on the wire: the query the output says to send (the fragment is
    // never sent), the request's headers with the signer's replacing any of the same name (as
    // `apply_to` inserts them), then the signer's.
    // A request with its own `host` header goes out in origin form (`/path?query`): that
    // header, not the URL's authority, names the host (a VPC endpoint URL carrying an API's
    // host, say), and a server sees no second authority to compare it with.
    let prefix = if has_host_header(case) {
        req.path()
    } else {
        before_query(case.target)
    };
    let wire_target = match out.query().or(req.query()) {
        Some(q) => format!("{prefix}?{q}"),
        None => prefix.to_string(),
    };
    let ours: Vec<(&str, &str)> = out.headers().collect();
    let mut sent = SignableRequest::new(case.method, &wire_target);
    for (n, v) in &case.headers {
        if !ours.iter().any(|(o, _)| o.eq_ignore_ascii_case(n)) {
            sent.push_header(n, v);
        }
    }
    for (n, v) in &ours {
        sent.push_header(n, v.as_bytes());
    }
    let verified = verifier.verify_request_at(&sent, payload, time);
    if case.claim_holds
        && let Err(e) = verified
    {
        panic!(
            "a header-signed request does not verify: {e:?}\nsent: {sent:?}\nsigned canonical request:\n{}\nverifier's:\n{}",
            explained.canonical_request(),
            view(verifier, &sent, payload),
        );
    }

    // The http::Request layer, when `http` can carry the request: what it signs verifies.
    if let Some(mut http_req) = to_http(case) {
        let signed = signer.sign_payload_at(&mut http_req, payload, time).is_ok();
        if has_host_header(case)
            && let Some(origin_form) = http_req.uri().path_and_query().cloned()
        {
            *http_req.uri_mut() = origin_form.into();
        }
        if signed
            && case.claim_holds
            && let Err(e) = verifier.verify_at(&http_req, payload, time)
        {
            panic!(
                "an http::Request signed by sign_payload_at does not verify: {e:?}\n{http_req:?}"
            );
        }
    }
}

/// Whether the request carries its own `host` header.
fn has_host_header(case: &Case<'_>) -> bool {
    case.headers.iter().any(|(n, _)| n.eq_ignore_ascii_case("host"))
}

fn presigned(case: &Case<'_>) {
    let (signer, verifier, time) = (&case.signer, &case.verifier, case.time);
    // A verifier set for unsigned presigned payloads signs `UNSIGNED-PAYLOAD` whatever the body
    // is (it cannot know what the URL's maker hashed), so its signer presigns that way too, as
    // `presign_at` does.
    let payload = match case.presign_unsigned {
        true => Payload::Unsigned,
        false => case.payload,
    };
    let req = case.request();
    let url = signer.presign_request_at(&req, payload, EXPIRES, time);
    let explained = signer.explain_presign_request_at(&req, payload, EXPIRES, time);
    let (url, explained) = match (url, explained) {
        (Ok(u), Ok(e)) => (u, e),
        (Err(a), Err(b)) => {
            assert_eq!(
                a.to_string(),
                b.to_string(),
                "presign and explain refuse differently"
            );
            return;
        }
        (a, b) => panic!(
            "presign_request_at and explain_presign_request_at disagree on whether to sign: {:?} vs {:?}",
            a.map(|_| ()),
            b.map(|e| e.signature().to_string())
        ),
    };
    let _ = explained.canonical_request_redacted();
    let query = url.split_once('?').map_or("", |(_, q)| q);
    let parsed = PresignedQuery::parse(query)
        .unwrap_or_else(|e| panic!("the presigned URL's parameters do not parse: {e:?}\n{url}"))
        .expect("a presigned URL carries X-Amz-* parameters");
    assert_eq!(
        parsed.signature().to_string(),
        explained.signature(),
        "presign_request_at and explain_presign_request_at disagree on the signature"
    );
    assert_eq!(parsed.expires(), EXPIRES.as_secs());
    assert_eq!(parsed.amz_date(), explained.amz_date());
    assert_eq!(
        parsed.credential().to_string(),
        format!(
            "AKIDEXAMPLE/{}/us-east-1/service/aws4_request",
            explained.amz_date().date()
        )
    );
    assert_eq!(
        parsed.signed_headers().join(";"),
        explained.signed_headers()
    );
    assert_eq!(
        parsed.security_token(),
        signer.credentials().session_token(),
        "the presigned URL's X-Amz-Security-Token is not the credentials' token"
    );

    // The URL goes on the wire with the request's scheme and authority, and its own headers.
    let prefix = before_query(case.target);
    let origin = if has_host_header(case) {
        "" // origin form, as in header mode
    } else {
        prefix.strip_suffix(req.path()).unwrap_or(prefix)
    };
    let wire_target = format!("{origin}{url}");
    let mut sent = SignableRequest::new(case.method, &wire_target);
    for (n, v) in &case.headers {
        sent.push_header(n, v);
    }
    let verified = verifier.verify_request_at(&sent, payload, time);
    if case.claim_holds
        && let Err(e) = verified
    {
        panic!(
            "a presigned URL does not verify: {e:?}\nsent: {sent:?}\nsigned canonical request:\n{}\nverifier's:\n{}",
            explained.canonical_request(),
            view(verifier, &sent, payload),
        );
    }
}

/// The verifier's canonical request, for a failure message.
fn view(verifier: &Verifier, req: &SignableRequest<'_>, payload: Payload<'_>) -> String {
    match verifier.server_view_at(req, payload) {
        Ok(v) => v.canonical_request().to_string(),
        Err(e) => format!("({e:?})"),
    }
}

/// The case as an `http::Request`, when `http` can carry its method, target and headers.
fn to_http(case: &Case<'_>) -> Option<http::Request<Vec<u8>>> {
    let mut b = http::Request::builder()
        .method(http::Method::from_bytes(case.method.as_bytes()).ok()?)
        .uri(case.target.parse::<http::Uri>().ok()?);
    for (n, v) in &case.headers {
        b = b.header(
            http::HeaderName::from_bytes(n.as_bytes()).ok()?,
            http::HeaderValue::from_bytes(v).ok()?,
        );
    }
    b.body(case.body.to_vec()).ok()
}
