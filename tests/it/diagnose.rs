//! `diagnose` on the real error bodies quoted in public bug reports (each test names its source): each names the
//! right cause, extracts the server's canonical request when there is one, and falls back to a
//! checklist when there is none.

use awssig::{
    Credentials, Explanation, Payload, Settings, Signer,
    diagnose::{Cause, ErrorBody, Evidence, diagnose},
};
use time::macros::datetime;

const FORBIDDEN: http::StatusCode = http::StatusCode::FORBIDDEN;

fn explain(
    signer: &Signer,
    req: &http::Request<()>,
    payload: Payload<'_>,
    t: time::OffsetDateTime,
) -> Explanation {
    signer.explain_at(req, payload, t).unwrap()
}

fn headers(pairs: &[(&'static str, &'static str)]) -> http::HeaderMap {
    let mut h = http::HeaderMap::new();
    for (n, v) in pairs {
        h.insert(*n, v.parse().unwrap());
    }
    h
}

fn any_local() -> Explanation {
    let s = Signer::new(
        Credentials::new("AKIDEXAMPLE", "secret"),
        "us-east-1",
        "execute-api",
    );
    let req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod")
        .body(())
        .unwrap();
    explain(
        &s,
        &req,
        Payload::Bytes(b""),
        datetime!(2020-02-11 20:55:29 UTC),
    )
}

/// mhart/aws4#33 (execute-api), verbatim.
const APIGW_MISMATCH: &str = r#"{"message": "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.\n\nThe Canonical String for this request should have been\n'POST\n/LocationQuery_stage\n\nhost:a5g085p7md.execute-api.us-east-1.amazonaws.com\nx-amz-date:20200211T205529Z\nx-amz-security-token:X-Amz-Security-Token\n\nhost;x-amz-date;x-amz-security-token\n23d10faba2ba9758d06ae91c4508d73b8501462c8792390f1da605cc12a2d787'\n\nThe String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20200211T205529Z\n20200211/us-east-1/execute-api/aws4_request\nb0e1c056070f533feff6e3915304e1cf8a0ee73b7f1e873b1b0d413607c3f87a'\n"}"#;

#[test]
fn api_gateway_message_yields_its_canonical_request_and_string_to_sign() {
    let b = ErrorBody::parse(APIGW_MISMATCH.as_bytes());
    assert_eq!(
        b.canonical_request.as_deref(),
        Some(
            "POST\n/LocationQuery_stage\n\nhost:a5g085p7md.execute-api.us-east-1.amazonaws.com\nx-amz-date:20200211T205529Z\nx-amz-security-token:X-Amz-Security-Token\n\nhost;x-amz-date;x-amz-security-token\n23d10faba2ba9758d06ae91c4508d73b8501462c8792390f1da605cc12a2d787"
        )
    );
    assert_eq!(
        b.string_to_sign.as_deref(),
        Some(
            "AWS4-HMAC-SHA256\n20200211T205529Z\n20200211/us-east-1/execute-api/aws4_request\nb0e1c056070f533feff6e3915304e1cf8a0ee73b7f1e873b1b0d413607c3f87a"
        )
    );
    assert_eq!(
        b.sentence(),
        Some(
            awssig::VerifyError::SignatureMismatch
                .aws_message()
                .as_str()
        )
    );
}

#[test]
fn api_gateway_mismatch_over_the_session_token_names_the_token() {
    // The same request signed with a real token: AWS saw the literal `X-Amz-Security-Token`.
    let creds =
        Credentials::new("AKIDEXAMPLE", "secret").with_session_token("IQoJb3JpZ2luX2VjEXAMPLE");
    let s = Signer::new(creds, "us-east-1", "execute-api");
    let req = http::Request::post(
        "https://a5g085p7md.execute-api.us-east-1.amazonaws.com/LocationQuery_stage",
    )
    .body(())
    .unwrap();
    let hash: [u8; 32] =
        hex::decode("23d10faba2ba9758d06ae91c4508d73b8501462c8792390f1da605cc12a2d787")
            .unwrap()
            .try_into()
            .unwrap();
    let local = explain(
        &s,
        &req,
        Payload::Precomputed(hash),
        datetime!(2020-02-11 20:55:29 UTC),
    );
    let d = diagnose(
        FORBIDDEN,
        &headers(&[("x-amzn-errortype", "InvalidSignatureException")]),
        APIGW_MISMATCH.as_bytes(),
        &local,
    );
    assert_eq!(d.evidence(), Evidence::CanonicalRequest);
    assert_eq!(d.aws_code(), Some("InvalidSignatureException"));
    assert_eq!(d.differences().len(), 1, "{d}");
    assert_eq!(
        d.causes(),
        [Cause::HeaderChanged {
            name: "x-amz-security-token".into()
        }],
        "{d}"
    );
    let report = d.to_string();
    assert!(report.contains("header x-amz-security-token"), "{report}");
}

/// minio/minio#2986 as quoted (hashes and byte dumps abbreviated with `…` in the quote, so the
/// dumps do not decode and the text elements are used).
const S3_MISMATCH: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature you provided. Check your key and signing method.</Message><AWSAccessKeyId>AKIA…</AWSAccessKeyId><StringToSign>AWS4-HMAC-SHA256\n20161018T091707Z\n20161018/us-east-1/s3/aws4_request\n9977fec5…</StringToSign><SignatureProvided>190d0f19…</SignatureProvided><StringToSignBytes>41 57 53 34 2d 48 4d 41 43 …</StringToSignBytes><CanonicalRequest>GET\n/\n\nexpect:100-continue\nhost:s3.amazonaws.com\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20161018T091707Z\n\nexpect;host;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD</CanonicalRequest><CanonicalRequestBytes>47 45 54 0a 2f 0a …</CanonicalRequestBytes><RequestId>…</RequestId><HostId>…</HostId></Error>";

#[test]
fn s3_xml_yields_code_canonical_request_and_string_to_sign() {
    let b = ErrorBody::parse(S3_MISMATCH.as_bytes());
    assert_eq!(b.code.as_deref(), Some("SignatureDoesNotMatch"));
    assert_eq!(
        b.canonical_request.as_deref(),
        Some(
            "GET\n/\n\nexpect:100-continue\nhost:s3.amazonaws.com\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20161018T091707Z\n\nexpect;host;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD"
        )
    );
    assert!(
        b.string_to_sign
            .unwrap()
            .starts_with("AWS4-HMAC-SHA256\n20161018T091707Z\n")
    );
}

#[test]
fn s3_mismatch_names_the_header_only_the_server_signed() {
    let s = Signer::new(Credentials::new("AKIDEXAMPLE", "secret"), "us-east-1", "s3")
        .with_settings(Settings::s3());
    let req = http::Request::get("https://s3.amazonaws.com/")
        .body(())
        .unwrap();
    let local = explain(
        &s,
        &req,
        Payload::Unsigned,
        datetime!(2016-10-18 09:17:07 UTC),
    );
    let d = diagnose(
        FORBIDDEN,
        &http::HeaderMap::new(),
        S3_MISMATCH.as_bytes(),
        &local,
    );
    assert_eq!(
        d.causes()[0],
        Cause::HeaderChanged {
            name: "expect".into()
        },
        "{d}"
    );
    assert!(d.causes().contains(&Cause::SignedHeadersDiffer), "{d}");
}

#[test]
fn byte_dumps_win_over_text_in_aws_and_localstack_layouts() {
    let creq = "GET\n/a b\n\nhost:h\n\nhost\nUNSIGNED-PAYLOAD";
    let aws: Vec<String> = creq.bytes().map(|b| format!("{b:02x}")).collect();
    // LocalStack: bytes.hex(sep=" ", bytes_per_sep=2).upper()
    let localstack: Vec<String> = creq.as_bytes().chunks(2).map(hex::encode_upper).collect();
    for dump in [aws.join(" "), localstack.join(" ")] {
        // The text element is reformatted (newlines collapsed, as in jcberquist/aws-cfml#9).
        let body = format!(
            "<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>GET /a b host:h</CanonicalRequest><CanonicalRequestBytes>{dump}</CanonicalRequestBytes></Error>"
        );
        assert_eq!(
            ErrorBody::parse(body.as_bytes())
                .canonical_request
                .as_deref(),
            Some(creq)
        );
    }
}

#[test]
fn xml_canonical_request_is_unescaped() {
    let body = "<Error><Code>SignatureDoesNotMatch</Code><CanonicalRequest>GET\n/\na=%26&amp;b\nx-json:{&quot;k&quot;:&lt;1&gt;}\n\nx-json\nUNSIGNED-PAYLOAD</CanonicalRequest></Error>";
    assert_eq!(
        ErrorBody::parse(body.as_bytes())
            .canonical_request
            .as_deref(),
        Some("GET\n/\na=%26&b\nx-json:{\"k\":<1>}\n\nx-json\nUNSIGNED-PAYLOAD")
    );
}

#[test]
fn expired_signature_gives_the_clock_offset() {
    // aws-amplify/aws-sdk-android#253
    let body = br#"{"message":"Signature expired: 20170212T175938Z is now earlier than 20170215T145534Z (20170215T150034Z - 5 min.)"}"#;
    let s = Signer::new(
        Credentials::new("AKID", "secret"),
        "us-east-1",
        "execute-api",
    );
    let req = http::Request::get("https://abc.execute-api.us-east-1.amazonaws.com/prod")
        .body(())
        .unwrap();
    let local = explain(
        &s,
        &req,
        Payload::Bytes(b""),
        datetime!(2017-02-12 17:59:38 UTC),
    );
    let d = diagnose(FORBIDDEN, &http::HeaderMap::new(), body, &local);
    let offset = datetime!(2017-02-15 15:00:34 UTC) - datetime!(2017-02-12 17:59:38 UTC);
    assert_eq!(d.causes(), [Cause::ClockSkew { offset }]);
    assert!(d.to_string().contains("Signer::with_clock_offset"), "{d}");
}

#[test]
fn not_yet_current_gives_a_negative_offset() {
    // serverless/enterprise#11
    let body = br#"{"message":"Signature not yet current: 20181120T211543Z is still later than 20181120T211529Z (20181120T211029Z + 5 min.)"}"#;
    let d = diagnose(FORBIDDEN, &http::HeaderMap::new(), body, &any_local());
    assert_eq!(
        d.causes(),
        [Cause::ClockSkew {
            offset: -time::Duration::seconds(314)
        }]
    );
}

#[test]
fn wrong_service_scope_names_the_expected_service() {
    // ex-aws/ex_aws#701 (77 bytes)
    let body = br#"{"message":"Credential should be scoped to correct service: 'execute-api'. "}"#;
    let d = diagnose(
        FORBIDDEN,
        &headers(&[("x-amzn-errortype", "InvalidSignatureException")]),
        body,
        &any_local(),
    );
    assert_eq!(
        d.causes(),
        [Cause::WrongService {
            expected: Some("execute-api".into())
        }]
    );
}

#[test]
fn wrong_region_in_the_legacy_shape_is_found() {
    // aws/aws-sdk-js#792
    let body = br##"{"__type":"#SignatureDoesNotMatch","error":{"message":"[*Deprecated*: Use the outer message field] Credential should be scoped to a valid region, not 'execute-api'. "},"message":"Credential should be scoped to a valid region, not 'execute-api'. "}"##;
    let d = diagnose(FORBIDDEN, &http::HeaderMap::new(), body, &any_local());
    assert_eq!(d.aws_code(), Some("SignatureDoesNotMatch"));
    assert_eq!(
        d.causes(),
        [Cause::WrongRegion {
            given: Some("execute-api".into()),
            expected: None
        }]
    );
}

#[test]
fn s3_wrong_region_names_both_regions() {
    // terraform-provider-aws#14544
    let body = b"<Error><Code>AuthorizationHeaderMalformed</Code><Message>The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-nl-1'</Message><RequestId>x</RequestId><Region>eu-nl-1</Region></Error>";
    let d = diagnose(
        http::StatusCode::BAD_REQUEST,
        &http::HeaderMap::new(),
        body,
        &any_local(),
    );
    assert_eq!(
        d.causes(),
        [Cause::WrongRegion {
            given: Some("us-east-1".into()),
            expected: Some("eu-nl-1".into())
        }]
    );
}

#[test]
fn bearer_token_incomplete_signature_is_named() {
    // aws-amplify/amplify-flutter#1539
    let body = br#"{"message":"Authorization header requires 'Credential' parameter. Authorization header requires 'Signature' parameter. Authorization header requires 'SignedHeaders' parameter. Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. Authorization=Bearer eyJ"}"#;
    let d = diagnose(
        FORBIDDEN,
        &headers(&[("x-amzn-errortype", "IncompleteSignatureException")]),
        body,
        &any_local(),
    );
    assert_eq!(d.causes(), [Cause::IncompleteSignature]);
}

#[test]
fn missing_authentication_token_is_named() {
    let d = diagnose(
        FORBIDDEN,
        &headers(&[("x-amzn-errortype", "MissingAuthenticationTokenException")]),
        br#"{"message":"Missing Authentication Token"}"#,
        &any_local(),
    );
    assert_eq!(d.causes(), [Cause::MissingAuthentication]);
}

#[test]
fn invalid_security_token_is_named() {
    // kndt84/aws-api-gateway-client#31
    let d = diagnose(
        FORBIDDEN,
        &http::HeaderMap::new(),
        br#"{"message":"The security token included in the request is invalid."}"#,
        &any_local(),
    );
    assert_eq!(d.causes(), [Cause::SessionToken { sent: false }]);
}

#[test]
fn s3_clock_skew_and_expired_token_and_expired_presign() {
    let skew = b"<Error><Code>RequestTimeTooSkewed</Code><Message>The difference between the request time and the current time is too large.</Message><RequestTime>Fri, 28 Apr 2017 07:01:06 GMT</RequestTime><ServerTime>2017-04-28T07:17:20Z</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds></Error>";
    let d = diagnose(FORBIDDEN, &http::HeaderMap::new(), skew, &any_local());
    assert_eq!(
        d.causes(),
        [Cause::ClockSkew {
            offset: time::Duration::seconds(974)
        }]
    );
    let token = b"<Error><Code>ExpiredToken</Code><Message>The provided token has expired.</Message></Error>";
    assert_eq!(
        diagnose(FORBIDDEN, &http::HeaderMap::new(), token, &any_local()).causes(),
        [Cause::ExpiredToken]
    );
    let presign = b"<Error><Code>AccessDenied</Code><Message>Request has expired</Message><X-Amz-Expires>300</X-Amz-Expires><Expires>2017-07-20T04:18:45Z</Expires><ServerTime>2017-07-20T04:18:55Z</ServerTime></Error>";
    assert_eq!(
        diagnose(FORBIDDEN, &http::HeaderMap::new(), presign, &any_local()).causes(),
        [Cause::PresignExpired]
    );
}

#[test]
fn lambda_url_mismatch_without_block_gives_a_checklist_for_the_request() {
    // minorun365/html-share#4: no canonical block. The request signed a content-type on a GET.
    let s = Signer::new(Credentials::new("AKID", "secret"), "us-east-1", "lambda");
    let req = http::Request::get("https://abc.lambda-url.us-east-1.on.aws/page")
        .header("content-type", "application/json")
        .body(())
        .unwrap();
    let local = explain(
        &s,
        &req,
        Payload::Bytes(b""),
        datetime!(2024-01-01 00:00:00 UTC),
    );
    let body = br#"{"message":"The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."}"#;
    let d = diagnose(
        FORBIDDEN,
        &headers(&[("x-amzn-errortype", "InvalidSignatureException")]),
        body,
        &local,
    );
    assert_eq!(d.evidence(), Evidence::Checklist);
    assert_eq!(
        d.causes()[0],
        Cause::HeaderDropped {
            name: "content-type".into()
        },
        "{d}"
    );
    assert_eq!(d.causes().last(), Some(&Cause::SecretKey));
    assert!(d.to_string().contains("most likely first"), "{d}");
}

#[test]
fn lambda_url_access_denied_is_not_a_signature_problem() {
    // awsdocs/aws-lambda-developer-guide#494 (capital M)
    let body = br#"{"Message":"Forbidden. For troubleshooting Function URL authorization issues, see: https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"}"#;
    let d = diagnose(
        FORBIDDEN,
        &headers(&[("x-amzn-errortype", "AccessDeniedException")]),
        body,
        &any_local(),
    );
    assert_eq!(d.causes(), [Cause::AccessDenied]);
}

#[test]
fn other_shapes_give_code_and_message() {
    // moto's template, with CDATA
    let moto = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SignatureDoesNotMatch</Code><Message><![CDATA[The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.]]></Message><RequestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</RequestId></Error>";
    let b = ErrorBody::parse(moto);
    assert_eq!(b.code.as_deref(), Some("SignatureDoesNotMatch"));
    assert_eq!(
        b.message.as_deref(),
        Some(
            awssig::VerifyError::SignatureMismatch
                .aws_message()
                .as_str()
        )
    );
    // query protocol
    let q = b"<ErrorResponse><Error><Type>Sender</Type><Code>IncompleteSignature</Code><Message>m</Message></Error></ErrorResponse>";
    assert_eq!(
        ErrorBody::parse(q).code.as_deref(),
        Some("IncompleteSignature")
    );
    // awsJson
    let j = br#"{"__type":"InvalidSignatureException","message":"m"}"#;
    assert_eq!(
        ErrorBody::parse(j).code.as_deref(),
        Some("InvalidSignatureException")
    );
    // Neptune (curl/curl#13058)
    let n = br#"{"code":"AccessDeniedException","requestId":"r","detailedMessage":"Missing Authentication Token","message":"Missing Authentication Token"}"#;
    let b = ErrorBody::parse(n);
    assert_eq!(
        (b.code.as_deref(), b.message.as_deref()),
        (
            Some("AccessDeniedException"),
            Some("Missing Authentication Token")
        )
    );
    // AGCOD (mhart/aws4#27)
    let a = b"<InvalidSignatureException><Message>The request signature we calculated does not match</Message></InvalidSignatureException>";
    assert_eq!(
        ErrorBody::parse(a).code.as_deref(),
        Some("InvalidSignatureException")
    );
}
