//! The public surface follows one rule: every setting is set with a `with_*` method that takes
//! a value (an enum where there is a choice, never a `bool`) and read back with a getter of the
//! same name; and a `VerifyError` speaks Rust to logs and AWS to the wire.

use std::time::Duration;

use awssig::spec::AmzDate;
use awssig::verify::UnsignedPayload;
use awssig::{
    Credentials, PathNormalization, PayloadHashHeader, PresignPayload, SessionTokenSigning,
    Settings, UriEncoding, Verifier, VerifyError,
};

#[test]
fn settings_setters_take_enums_and_getters_read_them_back() {
    let s = Settings::default()
        .with_uri_encoding(UriEncoding::Single)
        .with_path_normalization(PathNormalization::Disabled)
        .with_payload_hash_header(PayloadHashHeader::Always)
        .with_session_token_signing(SessionTokenSigning::AppendedAfterSigning)
        .with_presign_payload(PresignPayload::Unsigned)
        .with_excluded_header("X-Forwarded-For");
    assert_eq!(s.uri_encoding(), UriEncoding::Single);
    assert_eq!(s.path_normalization(), PathNormalization::Disabled);
    assert_eq!(s.payload_hash_header(), PayloadHashHeader::Always);
    assert_eq!(
        s.session_token_signing(),
        SessionTokenSigning::AppendedAfterSigning
    );
    assert_eq!(s.presign_payload(), PresignPayload::Unsigned);
    assert_eq!(s.excluded_headers(), ["x-forwarded-for"]);

    let d = Settings::default();
    assert_eq!(d.uri_encoding(), UriEncoding::Double);
    assert_eq!(d.path_normalization(), PathNormalization::Enabled);
    assert_eq!(d.payload_hash_header(), PayloadHashHeader::WhenUnsigned);
    assert_eq!(d.session_token_signing(), SessionTokenSigning::Signed);
    assert_eq!(d.presign_payload(), PresignPayload::BodyHash);
    assert!(d.excluded_headers().is_empty());
    assert!(Settings::DEFAULT_EXCLUDED_HEADERS.contains(&"user-agent"));
}

#[test]
fn verifier_setters_and_getters_round_trip() {
    let v = Verifier::new(Credentials::new("AKID", "secret"), "us-east-1", "s3")
        .with_region("eu-west-1")
        .with_max_skew(Duration::from_secs(300))
        .with_unsigned_payload(UnsignedPayload::Allowed)
        .with_settings(Settings::s3());
    assert_eq!(v.regions(), ["us-east-1", "eu-west-1"]);
    assert_eq!(v.service(), "s3");
    assert_eq!(v.max_skew(), Duration::from_secs(300));
    assert_eq!(v.unsigned_payload(), UnsignedPayload::Allowed);
    assert_eq!(v.settings(), &Settings::s3());
}

#[test]
fn credentials_cache_refresh_margin_round_trips() {
    use awssig::provider::{CredentialsCache, DEFAULT_REFRESH_BEFORE};
    let cache = CredentialsCache::new(Credentials::new("AKID", "secret"));
    assert_eq!(cache.refresh_before(), DEFAULT_REFRESH_BEFORE);
    let cache = cache.with_refresh_before(Duration::from_secs(60));
    assert_eq!(cache.refresh_before(), Duration::from_secs(60));
}

#[cfg(feature = "tower")]
#[test]
fn tower_layers_setters_and_getters_round_trip() {
    use awssig::Signer;
    use awssig::tower::{BodySigning, DEFAULT_BODY_LIMIT, SignLayer, VerifyLayer};
    use awssig::verify::{CanonicalDisplay, TokenDisplay};

    let verifier = Verifier::new(Credentials::new("AKID", "secret"), "us-east-1", "lambda");
    let layer = VerifyLayer::new(verifier)
        .with_body_limit(1024)
        .with_body_timeout(Duration::from_secs(5))
        .with_canonical_display(CanonicalDisplay::Omitted)
        .with_token_display(TokenDisplay::Shown);
    assert_eq!(layer.body_limit(), 1024);
    assert_eq!(layer.body_timeout(), Duration::from_secs(5));
    assert_eq!(layer.canonical_display(), CanonicalDisplay::Omitted);
    assert_eq!(layer.token_display(), TokenDisplay::Shown);
    assert_eq!(layer.verifier().service(), "lambda");

    let signer = Signer::new(Credentials::new("AKID", "secret"), "us-east-1", "lambda");
    let layer = SignLayer::new(signer);
    assert_eq!(
        layer.body_signing(),
        BodySigning::Buffered {
            limit: DEFAULT_BODY_LIMIT
        }
    );
    let layer = layer.with_body_signing(BodySigning::Unsigned);
    assert_eq!(layer.body_signing(), BodySigning::Unsigned);
}

#[cfg(feature = "gateway")]
#[test]
fn gateway_config_setters_and_getters_round_trip() {
    use std::net::SocketAddr;

    use awssig::gateway::{DEFAULT_BODY_LIMIT, GatewayConfig};
    use awssig::verify::{CanonicalDisplay, TokenDisplay};

    let verifier = Verifier::new(
        Credentials::new("AKID", "secret"),
        "us-east-1",
        "execute-api",
    );
    let config = GatewayConfig::new(verifier);
    assert_eq!(config.body_limit(), DEFAULT_BODY_LIMIT);
    assert_eq!(config.canonical_display(), CanonicalDisplay::Quoted);
    assert_eq!(config.token_display(), TokenDisplay::Redacted);
    assert_eq!(config.upstream(), None);
    let addr: SocketAddr = "127.0.0.1:8080".parse().unwrap();
    let upstream: http::Uri = "http://127.0.0.1:9000/base".parse().unwrap();
    let config = config
        .with_listen(addr)
        .with_upstream(upstream.clone())
        .with_clock_offset(time::Duration::minutes(-3))
        .with_body_limit(10)
        .with_body_timeout(Duration::from_secs(2))
        .with_canonical_display(CanonicalDisplay::Omitted)
        .with_token_display(TokenDisplay::Shown);
    assert_eq!(config.listen(), addr);
    assert_eq!(config.upstream(), Some(&upstream));
    assert_eq!(config.clock_offset(), time::Duration::minutes(-3));
    assert_eq!(config.body_limit(), 10);
    assert_eq!(config.body_timeout(), Duration::from_secs(2));
    assert_eq!(config.canonical_display(), CanonicalDisplay::Omitted);
    assert_eq!(config.token_display(), TokenDisplay::Shown);
}

/// A spread of verify errors, one per kind of answer.
fn errors() -> Vec<VerifyError> {
    let date = |s| AmzDate::parse(s).unwrap();
    vec![
        VerifyError::MissingAuthenticationToken,
        VerifyError::MissingQueryParameters,
        VerifyError::MultipleAuthMechanisms,
        VerifyError::WrongRegion {
            region: "eu-west-1".into(),
        },
        VerifyError::WrongService {
            expected: "execute-api".into(),
        },
        VerifyError::MalformedSignature,
        VerifyError::HostNotSigned,
        VerifyError::Expired {
            request_time: date("20150830T123600Z"),
            earliest: date("20150830T123700Z"),
            server_time: date("20150830T124200Z"),
            window_minutes: 5,
        },
        VerifyError::InvalidExpires,
        VerifyError::ExpiresTooLong,
        VerifyError::PresignExpired {
            expires_at: date("20150830T123600Z"),
            server_time: date("20150830T124200Z"),
        },
        VerifyError::UnknownAccessKey,
        VerifyError::InvalidSecurityToken,
        VerifyError::UnsignedPayloadNotAllowed,
        VerifyError::InvalidContentSha256,
        VerifyError::ContentSha256Mismatch,
        VerifyError::SignatureMismatch,
        VerifyError::ExpiredToken,
        VerifyError::MultipleAuthorizationHeaders,
        VerifyError::MultipleHostHeaders,
        VerifyError::MissingContentSha256,
    ]
}

#[test]
fn verify_error_display_is_lowercase_rust_style_and_not_the_aws_sentence() {
    for e in errors() {
        let shown = e.to_string();
        let first = shown.chars().next().unwrap();
        assert!(first.is_ascii_lowercase(), "{shown:?} starts in lowercase");
        assert!(!shown.ends_with('.'), "{shown:?} has no trailing period");
        assert_ne!(shown, e.aws_message(), "{e:?}: Display is ours, not AWS's");
        assert!(!e.aws_code().is_empty());
        assert!(e.status() == 400 || e.status() == 403, "{e:?}");
    }
}

#[test]
fn verify_error_aws_message_and_code_are_what_aws_answers() {
    let e = VerifyError::SignatureMismatch;
    assert_eq!(e.to_string(), "signature does not match");
    assert_eq!(
        e.aws_message(),
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
    );
    assert_eq!(e.aws_code(), "InvalidSignatureException");
    assert_eq!(e.status(), 403);

    let e = VerifyError::MissingAuthenticationToken;
    assert_eq!(e.aws_message(), "Missing Authentication Token");
    assert_eq!(e.aws_code(), "MissingAuthenticationTokenException");

    let e = VerifyError::WrongService {
        expected: "execute-api".into(),
    };
    assert_eq!(
        e.to_string(),
        "credential scope names another service: sign for service `execute-api`"
    );
    assert_eq!(
        e.aws_message(),
        "Credential should be scoped to correct service: 'execute-api'. "
    );

    let e = VerifyError::MissingContentSha256;
    assert_eq!(e.aws_code(), "InvalidRequest");
    assert_eq!(e.status(), 400);
    assert_eq!(
        e.aws_message(),
        "Missing required header for this request: x-amz-content-sha256"
    );

    // The wire body is AWS's sentence, not our Display.
    let body = e.api_gateway_body(None);
    assert!(body.contains("Missing required header"), "{body}");
    assert!(!body.contains(&e.to_string()), "{body}");
}

/// The features pick the crypto backend and `CRYPTO_BACKEND` says which, so a test run's output
/// (this test prints it) shows which backend every other test in the binary went through.
#[test]
fn the_crypto_backend_is_the_one_the_features_chose() {
    let expected = if cfg!(feature = "fips") {
        "aws-lc-fips"
    } else if cfg!(feature = "aws-lc") {
        "aws-lc"
    } else {
        "rustcrypto"
    };
    println!("crypto backend: {}", awssig::CRYPTO_BACKEND);
    assert_eq!(awssig::CRYPTO_BACKEND, expected);
}
