//! Service and region inference on real AWS host shapes. Each row's expected scope comes from the
//! AWS documentation page named in its comment (region code and signing name as documented there).

use awssig::{Credentials, Settings, SignError, Signer, endpoint::infer_scope};

/// (host, region, service, is S3)
const HOSTS: &[(&str, &str, &str, bool)] = &[
    // API Gateway developer guide, "Invoke a REST API": https://{restapi_id}.execute-api.{region}.amazonaws.com/{stage}
    (
        "a5g085p7md.execute-api.us-east-1.amazonaws.com",
        "us-east-1",
        "execute-api",
        false,
    ),
    (
        "1234567890.execute-api.eu-central-1.amazonaws.com",
        "eu-central-1",
        "execute-api",
        false,
    ),
    (
        "abc123.execute-api.cn-north-1.amazonaws.com.cn",
        "cn-north-1",
        "execute-api",
        false,
    ),
    (
        "abc123.execute-api.us-gov-west-1.amazonaws.com",
        "us-gov-west-1",
        "execute-api",
        false,
    ),
    // "Invoke a private API": Route 53 alias {api-id}-{vpce-id}.execute-api.{region}.amazonaws.com
    (
        "6e5rf7yqo3-vpce-0b7a22d021cc42f88.execute-api.us-east-2.amazonaws.com",
        "us-east-2",
        "execute-api",
        false,
    ),
    // "Invoke a private API": endpoint-specific DNS names
    (
        "vpce-123456-abc000.execute-api.us-east-2.vpce.amazonaws.com",
        "us-east-2",
        "execute-api",
        false,
    ),
    (
        "vpce-0b7a22d021cc42f88-gectb2xb.execute-api.us-east-2.vpce.amazonaws.com",
        "us-east-2",
        "execute-api",
        false,
    ),
    (
        "vpce-0b7a22d021cc42f88-gectb2xb-us-east-2a.execute-api.us-east-2.vpce.amazonaws.com",
        "us-east-2",
        "execute-api",
        false,
    ),
    // Lambda developer guide, "Lambda function URLs": https://{url-id}.lambda-url.{region}.on.aws
    (
        "abcdefg.lambda-url.us-east-1.on.aws",
        "us-east-1",
        "lambda",
        false,
    ),
    (
        "x2ksqnc5z6oe6hqyyr7vnl7cny0rbsmh.lambda-url.ap-southeast-2.on.aws",
        "ap-southeast-2",
        "lambda",
        false,
    ),
    // S3 user guide, "Virtual hosting of buckets" and "Path-style requests"
    ("s3.amazonaws.com", "us-east-1", "s3", true),
    ("examplebucket.s3.amazonaws.com", "us-east-1", "s3", true),
    ("s3.us-west-2.amazonaws.com", "us-west-2", "s3", true),
    (
        "examplebucket.s3.us-west-2.amazonaws.com",
        "us-west-2",
        "s3",
        true,
    ),
    (
        "my.dotted.bucket.s3.eu-west-1.amazonaws.com",
        "eu-west-1",
        "s3",
        true,
    ),
    (
        "s3.cn-northwest-1.amazonaws.com.cn",
        "cn-northwest-1",
        "s3",
        true,
    ),
    (
        "examplebucket.s3.cn-north-1.amazonaws.com.cn",
        "cn-north-1",
        "s3",
        true,
    ),
    // Legacy dash-Region endpoints (S3 user guide, "Legacy endpoints")
    ("s3-us-west-2.amazonaws.com", "us-west-2", "s3", true),
    (
        "examplebucket.s3-eu-west-1.amazonaws.com",
        "eu-west-1",
        "s3",
        true,
    ),
    ("s3-external-1.amazonaws.com", "us-east-1", "s3", true),
    // S3 "Using dual-stack endpoints": bucketname.s3.dualstack.aws-region.amazonaws.com
    (
        "s3.dualstack.us-west-2.amazonaws.com",
        "us-west-2",
        "s3",
        true,
    ),
    (
        "examplebucket.s3.dualstack.ap-northeast-1.amazonaws.com",
        "ap-northeast-1",
        "s3",
        true,
    ),
    // General Reference, "Amazon S3 endpoints": FIPS and FIPS dual-stack
    ("s3-fips.us-east-2.amazonaws.com", "us-east-2", "s3", true),
    (
        "examplebucket.s3-fips.dualstack.us-gov-west-1.amazonaws.com",
        "us-gov-west-1",
        "s3",
        true,
    ),
    // S3 access points: {name}-{account}.s3-accesspoint[.dualstack].{region}.amazonaws.com
    (
        "finance-docs-123456789012.s3-accesspoint.us-west-2.amazonaws.com",
        "us-west-2",
        "s3",
        true,
    ),
    (
        "finance-docs-123456789012.s3-accesspoint.dualstack.us-west-2.amazonaws.com",
        "us-west-2",
        "s3",
        true,
    ),
    (
        "finance-docs-123456789012.s3-accesspoint-fips.us-east-1.amazonaws.com",
        "us-east-1",
        "s3",
        true,
    ),
    // S3 Object Lambda access points (signing name s3-object-lambda)
    (
        "my-olap-123456789012.s3-object-lambda.us-east-1.amazonaws.com",
        "us-east-1",
        "s3-object-lambda",
        true,
    ),
    // PrivateLink for S3: bucket.vpce-...s3.{region}.vpce.amazonaws.com
    (
        "bucket.vpce-1a2b3c4d-5e6f.s3.us-east-1.vpce.amazonaws.com",
        "us-east-1",
        "s3",
        true,
    ),
    // General Reference, "Regional endpoints": {service-code}.{region-code}.amazonaws.com
    (
        "dynamodb.us-west-2.amazonaws.com",
        "us-west-2",
        "dynamodb",
        false,
    ),
    ("sqs.eu-west-3.amazonaws.com", "eu-west-3", "sqs", false),
    ("sns.ap-south-1.amazonaws.com", "ap-south-1", "sns", false),
    ("sts.us-east-2.amazonaws.com", "us-east-2", "sts", false),
    (
        "lambda.sa-east-1.amazonaws.com",
        "sa-east-1",
        "lambda",
        false,
    ),
    (
        "apigateway.us-east-1.amazonaws.com",
        "us-east-1",
        "apigateway",
        false,
    ),
    (
        "states.il-central-1.amazonaws.com",
        "il-central-1",
        "states",
        false,
    ),
    (
        "ec2.mx-central-1.amazonaws.com",
        "mx-central-1",
        "ec2",
        false,
    ),
    (
        "streams.dynamodb.us-east-1.amazonaws.com",
        "us-east-1",
        "dynamodb",
        false,
    ),
    (
        "runtime.sagemaker.eu-west-1.amazonaws.com",
        "eu-west-1",
        "sagemaker",
        false,
    ),
    ("api.ecr.us-east-1.amazonaws.com", "us-east-1", "ecr", false),
    (
        "monitoring.us-east-1.amazonaws.com",
        "us-east-1",
        "monitoring",
        false,
    ),
    ("email.us-east-1.amazonaws.com", "us-east-1", "ses", false),
    (
        "bedrock-runtime.us-west-2.amazonaws.com",
        "us-west-2",
        "bedrock",
        false,
    ),
    (
        "personalize-runtime.us-east-1.amazonaws.com",
        "us-east-1",
        "personalize",
        false,
    ),
    (
        "dynamodb.cn-north-1.amazonaws.com.cn",
        "cn-north-1",
        "dynamodb",
        false,
    ),
    // AppSync: https://{id}.appsync-api.{region}.amazonaws.com/graphql, IAM auth signs as appsync
    (
        "xxxxxxxxxxxxxxxxxxxxxxxxxx.appsync-api.us-east-1.amazonaws.com",
        "us-east-1",
        "appsync",
        false,
    ),
    // General Reference, "FIPS endpoints": {service}-fips.{region}.amazonaws.com
    (
        "dynamodb-fips.us-east-1.amazonaws.com",
        "us-east-1",
        "dynamodb",
        false,
    ),
    (
        "sts-fips.us-west-2.amazonaws.com",
        "us-west-2",
        "sts",
        false,
    ),
    (
        "lambda-fips.us-gov-west-1.amazonaws.com",
        "us-gov-west-1",
        "lambda",
        false,
    ),
    // General Reference, "Dual-stack endpoints": {service}.{region}.api.aws
    ("ec2.us-east-1.api.aws", "us-east-1", "ec2", false),
    (
        "lambda-fips.us-east-2.api.aws",
        "us-east-2",
        "lambda",
        false,
    ),
    // General Reference, "Global endpoints" (signed for us-east-1)
    ("iam.amazonaws.com", "us-east-1", "iam", false),
    ("sts.amazonaws.com", "us-east-1", "sts", false),
    ("route53.amazonaws.com", "us-east-1", "route53", false),
    // OpenSearch Service: search-{domain}-{id}.{region}.es.amazonaws.com; Serverless: {id}.{region}.aoss
    (
        "search-my-domain-abc123.us-east-1.es.amazonaws.com",
        "us-east-1",
        "es",
        false,
    ),
    (
        "vpc-my-domain-abc123.eu-west-1.es.amazonaws.com",
        "eu-west-1",
        "es",
        false,
    ),
    (
        "1a2b3c4d5e6f.us-east-1.aoss.amazonaws.com",
        "us-east-1",
        "aoss",
        false,
    ),
    // Interface VPC endpoints for other services
    (
        "vpce-1a2b3c4d-5e6f.sqs.us-east-1.vpce.amazonaws.com",
        "us-east-1",
        "sqs",
        false,
    ),
];

#[test]
fn every_documented_host_shape_infers_its_scope() {
    assert!(HOSTS.len() >= 40, "the table must cover at least 40 shapes");
    for &(host, region, service, s3) in HOSTS {
        let scope = infer_scope(host).unwrap_or_else(|e| panic!("{host}: {e}"));
        assert_eq!(
            (scope.region(), scope.service()),
            (region, service),
            "{host}"
        );
        let expected = if s3 {
            Settings::s3()
        } else if host.contains(".lambda-url.") {
            Settings::lambda()
        } else {
            Settings::default()
        };
        assert_eq!(scope.settings(), expected, "settings for {host}");
    }
}

#[test]
fn ports_case_and_trailing_dots_are_ignored() {
    for host in [
        "ABC123.Execute-API.US-EAST-1.amazonaws.com",
        "abc123.execute-api.us-east-1.amazonaws.com:443",
        "abc123.execute-api.us-east-1.amazonaws.com.",
    ] {
        let scope = infer_scope(host).unwrap();
        assert_eq!(
            (scope.region(), scope.service()),
            ("us-east-1", "execute-api"),
            "{host}"
        );
    }
}

#[test]
fn custom_domains_and_local_names_are_refused_with_advice() {
    for host in [
        "api.example.com",
        "private.example.com",
        "localhost",
        "127.0.0.1",
        "[::1]",
        "d111111abcdef8.cloudfront.net",
        "",
    ] {
        let err = infer_scope(host).unwrap_err();
        assert!(
            matches!(err, SignError::CannotInferScope { .. }),
            "{host}: {err:?}"
        );
        assert!(err.to_string().contains("pass them explicitly"), "{err}");
    }
}

#[test]
fn ambiguous_or_unsigned_aws_names_are_refused() {
    for host in [
        // Under s3-global, only Multi-Region Access Points are known.
        "mfzwi23gnjvgw.s3-global.amazonaws.com",
        "x.y.mrap.accesspoint.s3-global.amazonaws.com",
        // Website endpoints are never signed.
        "examplebucket.s3-website-us-east-1.amazonaws.com",
        // IoT data plane: iotdata or iotdevicegateway.
        "a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com",
        // No region label.
        "foo.amazonaws.com",
        // on.aws names other than Lambda URLs.
        "something.us-east-1.on.aws",
    ] {
        assert!(infer_scope(host).is_err(), "{host} should not be inferred");
    }
}

#[test]
fn for_url_builds_an_s3_signer_for_s3_and_a_default_one_otherwise() {
    let creds = || Credentials::new("AKIDEXAMPLE", "secret");
    let s3 = Signer::for_url(
        creds(),
        "https://examplebucket.s3.us-west-2.amazonaws.com/key%20name",
    )
    .unwrap();
    assert_eq!((s3.region(), s3.service()), ("us-west-2", "s3"));
    assert_eq!(s3.settings(), &Settings::s3());
    let api = Signer::for_url(
        creds(),
        "https://user@abc.execute-api.eu-west-1.amazonaws.com:443/prod?x=1",
    )
    .unwrap();
    assert_eq!((api.region(), api.service()), ("eu-west-1", "execute-api"));
    assert_eq!(api.settings(), &Settings::default());
    assert_eq!(
        Signer::for_url(creds(), "/relative").unwrap_err(),
        SignError::MissingHost
    );
}

/// A Lambda function URL's signer sends `x-amz-content-sha256` (`Settings::lambda()`) on a
/// POST with a body and on a GET, as CloudFront origin access control needs it; the Lambda
/// Invoke API's host keeps the default settings.
#[test]
fn for_url_on_a_lambda_function_url_sends_the_payload_hash() {
    let creds = || Credentials::new("AKIDEXAMPLE", "secret");
    let url = "https://abcdefghijklmnop.lambda-url.us-east-2.on.aws/orders";
    let signer = Signer::for_url(creds(), url).unwrap();
    assert_eq!((signer.region(), signer.service()), ("us-east-2", "lambda"));
    assert_eq!(signer.settings(), &Settings::lambda());
    let body = br#"{"order":1}"#;
    for (method, body) in [("POST", &body[..]), ("GET", &b""[..])] {
        let mut req = http::Request::builder()
            .method(method)
            .uri(url)
            .body(body)
            .unwrap();
        signer
            .sign_at(&mut req, std::time::SystemTime::now())
            .unwrap();
        use sha2::Digest;
        let sent = req.headers()["x-amz-content-sha256"].to_str().unwrap();
        assert_eq!(sent, hex::encode(sha2::Sha256::digest(body)), "{method}");
        let auth = req.headers()["authorization"].to_str().unwrap();
        assert!(auth.contains("x-amz-content-sha256"), "{auth}");
    }
    let invoke = Signer::for_url(
        creds(),
        "https://lambda.us-east-2.amazonaws.com/2015-03-31/functions/f/invocations",
    )
    .unwrap();
    assert_eq!(invoke.settings(), &Settings::default());
}

#[test]
fn multi_region_access_points_give_an_s3_sigv4a_signer_for_every_region() {
    use awssig::spec::Algorithm;
    // The host aws-sigv4's own MRAP test signs for (tests/sigv4a_mrap.rs in smithy-rs).
    let host = "mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com";
    let scope = infer_scope(host).unwrap();
    assert_eq!(scope.algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!((scope.region(), scope.service()), ("*", "s3"));
    assert_eq!(scope.settings(), awssig::Settings::s3());
    assert_eq!(
        infer_scope(&format!("{}:443", host.to_uppercase())).unwrap(),
        scope
    );

    let creds = awssig::Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY");
    let signer = awssig::Signer::for_url(creds.clone(), &format!("https://{host}/object")).unwrap();
    assert_eq!(signer.algorithm(), Algorithm::EcdsaP256Sha256);
    assert_eq!(signer.region_set(), Some("*"));
    assert_eq!(signer.service(), "s3");
    let now = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_225_600);
    let mut req = http::Request::get(format!("https://{host}/object"))
        .body(())
        .unwrap();
    signer
        .sign_payload_at(&mut req, awssig::Payload::Unsigned, now)
        .unwrap();
    let auth = req.headers()["authorization"].to_str().unwrap();
    assert!(
        auth.starts_with(
            "AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20260101/s3/aws4_request, "
        ),
        "{auth}"
    );
    assert_eq!(req.headers()["x-amz-region-set"], "*");
    // An S3 verifier in any region accepts it.
    let verified = awssig::Verifier::new(creds, "eu-west-3", "s3")
        .with_settings(awssig::Settings::s3())
        .with_unsigned_payload(awssig::verify::UnsignedPayload::Allowed)
        .verify_at(&req, awssig::Payload::Unsigned, now)
        .unwrap();
    assert_eq!(verified.region_set(), Some("*"));
}
