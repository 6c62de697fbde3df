//! The peers, driven as their users drive them: aws-sigv4 as the AWS SDK signs, and s3s (the
//! only Rust crate that verifies SigV4 besides awssig) as an S3 server receives a request.

use std::time::{Duration, SystemTime};

use aws_sigv4::http_request::{
    PercentEncodingMode, SignableBody, SignableRequest, SignatureLocation, SigningSettings,
    UriPathNormalizationMode, sign,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use s3s::auth::{S3Auth, SecretKey};
use s3s::config::{S3Config, StaticConfigProvider};
use s3s::dto::{GetObjectInput, GetObjectOutput, PutObjectInput, PutObjectOutput};
use s3s::service::{S3Service, S3ServiceBuilder};
use s3s::{S3, S3Request, S3Response, S3Result, s3_error};

use crate::inputs::{AKID, SECRET};

pub(crate) fn aws_identity(token: Option<&str>) -> Identity {
    aws_credential_types::Credentials::new(AKID, SECRET, token.map(str::to_string), None, "bench")
        .into()
}

pub(crate) fn aws_s3_presign_settings() -> SigningSettings {
    let mut s = SigningSettings::default();
    s.percent_encoding_mode = PercentEncodingMode::Single;
    s.uri_path_normalization_mode = UriPathNormalizationMode::Disabled;
    s.signature_location = SignatureLocation::QueryParams;
    s.expires_in = Some(Duration::from_secs(86_400));
    s
}

/// Signs `req` in place with aws-sigv4, as the AWS SDK does: view it as a `SignableRequest`,
/// sign, apply the instructions. Returns the signature.
pub(crate) fn aws_sign<B>(
    identity: &Identity,
    service: &str,
    settings: SigningSettings,
    time: SystemTime,
    req: &mut http::Request<B>,
    body: SignableBody<'_>,
) -> String {
    let params = v4::SigningParams::builder()
        .identity(identity)
        .region("us-east-1")
        .name(service)
        .time(time)
        .settings(settings)
        .build()
        .expect("complete params")
        .into();
    let output = {
        let headers = req
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str(), v.to_str().expect("ASCII header")));
        let signable =
            SignableRequest::new(req.method().as_str(), req.uri().to_string(), headers, body)
                .expect("signable");
        sign(signable, &params).expect("signed")
    };
    let (instructions, signature) = output.into_parts();
    instructions.apply_to_request_http1x(req);
    signature
}

// ---- s3s -----------------------------------------------------------------------------------------

/// The object store behind s3s: GetObject answers an empty object; PutObject reads the body to
/// its end, which is when s3s checks it against the signed `x-amz-content-sha256`, and stores
/// nothing.
#[derive(Debug, Clone, Copy)]
struct NoopStore;

#[async_trait::async_trait]
impl S3 for NoopStore {
    async fn get_object(
        &self,
        _req: S3Request<GetObjectInput>,
    ) -> S3Result<S3Response<GetObjectOutput>> {
        Ok(S3Response::new(GetObjectOutput::default()))
    }

    async fn put_object(
        &self,
        req: S3Request<PutObjectInput>,
    ) -> S3Result<S3Response<PutObjectOutput>> {
        if let Some(mut body) = req.input.body {
            while let Some(chunk) =
                std::future::poll_fn(|cx| futures_core::Stream::poll_next(pin!(&mut body), cx))
                    .await
            {
                chunk.map_err(|_| s3_error!(BadDigest))?;
            }
        }
        Ok(S3Response::new(PutObjectOutput::default()))
    }
}

/// The secret of the one access key the benches sign with.
#[derive(Debug, Clone, Copy)]
struct OneKey;

#[async_trait::async_trait]
impl S3Auth for OneKey {
    async fn get_secret_key(&self, access_key: &str) -> S3Result<SecretKey> {
        if access_key == AKID {
            Ok(SecretKey::from(SECRET))
        } else {
            Err(s3_error!(InvalidAccessKeyId))
        }
    }
}

/// An s3s service over [`NoopStore`] that checks signatures with [`OneKey`]. s3s compares
/// `X-Amz-Date` with its own clock: the skew window is opened wide so that requests signed at
/// the suite's clock (2015) are accepted, which leaves every check and the clock read in place.
pub(crate) fn s3s_service() -> S3Service {
    let mut config = S3Config::default();
    config.presigned_url_max_skew_time_secs = u32::MAX;
    let mut builder = S3ServiceBuilder::new(NoopStore);
    builder.set_auth(OneKey);
    builder.set_config(Arc::new(StaticConfigProvider::new(Arc::new(config))));
    builder.build()
}

/// Runs `s3s`'s request future on this thread. Nothing in it waits (the body is in memory and
/// the store answers at once), so it completes without a runtime; a future that stays pending
/// is a bug in the bench.
pub(crate) fn run_now<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..64 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
    panic!("the s3s request did not complete without a runtime")
}

/// A signed request as s3s receives it (its own body type over the same bytes), made outside
/// the timed section.
pub(crate) fn s3s_request(req: &http::Request<&[u8]>) -> s3s::HttpRequest {
    let mut out = http::Request::new(s3s::Body::from(bytes::Bytes::copy_from_slice(req.body())));
    *out.method_mut() = req.method().clone();
    *out.uri_mut() = req.uri().clone();
    *out.headers_mut() = req.headers().clone();
    out
}
