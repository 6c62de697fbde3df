//! Reading a request body for verification within a size limit and a time limit: the one reader the gateway and `VerifyLayer` share.

use crate::prelude::*;

use std::time::Duration;

use bytes::Bytes;
use http::StatusCode;
use http_body::Body;
use http_body_util::{BodyExt, Limited};

/// Why a body could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyError {
    /// Longer than the limit (declared so, or found so while reading).
    TooLong,
    /// Ended early, or the connection broke.
    Broken,
    /// Did not arrive within this time.
    TimedOut(Duration),
}

impl BodyError {
    /// The status to answer with.
    pub(crate) fn status(self) -> StatusCode {
        match self {
            Self::TooLong => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Broken => StatusCode::BAD_REQUEST,
            Self::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
        }
    }

    /// The answer's message; `timeout_setting` says where the body timeout is raised (such as
    /// "the gateway's body timeout (GatewayConfig::with_body_timeout)").
    pub(crate) fn message(self, timeout_setting: &str) -> String {
        match self {
            Self::TooLong => "Request Too Long".to_string(),
            Self::Broken => "Bad Request: the request body ended early or was malformed; send \
                             the whole body that content-length (or chunked encoding) announces"
                .to_string(),
            Self::TimedOut(timeout) => format!(
                "Request Timeout: the request body did not arrive within {timeout:?}; send it \
                 without pauses, or raise {timeout_setting}"
            ),
        }
    }

    /// Whether the connection is closed after the answer (a timed-out body may still be
    /// arriving).
    pub(crate) fn closes_connection(self) -> bool {
        matches!(self, Self::TimedOut(_))
    }
}

/// Reads `body` whole, at most `limit` bytes and within `timeout`. A body whose declared
/// length is over the limit is refused before a byte is read.
pub(crate) async fn read_within<B>(
    body: B,
    limit: usize,
    timeout: Duration,
) -> Result<Bytes, BodyError>
where
    B: Body,
    B::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
{
    if body.size_hint().lower() > u64::try_from(limit).unwrap_or(u64::MAX) {
        return Err(BodyError::TooLong);
    }
    match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
        Ok(Ok(collected)) => Ok(collected.to_bytes()),
        Ok(Err(e)) if e.is::<http_body_util::LengthLimitError>() => Err(BodyError::TooLong),
        Ok(Err(_)) => Err(BodyError::Broken),
        Err(_) => Err(BodyError::TimedOut(timeout)),
    }
}

/// Whether `headers` claim an `aws-chunked` body (`x-amz-content-sha256: STREAMING-*`).
pub(crate) fn claims_chunked(headers: &http::HeaderMap) -> bool {
    headers
        .get(crate::spec::header::X_AMZ_CONTENT_SHA256)
        .and_then(|v| crate::spec::StreamingPayload::from_value(v.as_bytes().trim_ascii()))
        .is_some()
}

/// Rewrites the headers of a verified `aws-chunked` request for whoever reads its decoded body:
/// `content-length` becomes the decoded length (`x-amz-decoded-content-length`), `aws-chunked`
/// leaves `content-encoding` (other encodings stay, and the header goes when none is left), and
/// `x-amz-trailer`, `trailer` and `transfer-encoding` go (the trailer was read and checked in
/// the body). `x-amz-content-sha256` and `x-amz-decoded-content-length` stay as the client sent
/// them, to say what was verified.
pub(crate) fn decoded_headers(headers: &mut http::HeaderMap, decoded_len: u64) {
    let kept: Vec<String> = headers
        .get_all(http::header::CONTENT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|e| !e.is_empty() && !e.eq_ignore_ascii_case("aws-chunked"))
        .map(str::to_owned)
        .collect();
    headers.remove(http::header::CONTENT_ENCODING);
    if !kept.is_empty()
        && let Ok(v) = http::HeaderValue::from_str(&kept.join(", "))
    {
        headers.insert(http::header::CONTENT_ENCODING, v);
    }
    headers.insert(
        http::header::CONTENT_LENGTH,
        http::HeaderValue::from(decoded_len),
    );
    headers.remove(crate::spec::header::X_AMZ_TRAILER);
    headers.remove(http::header::TRAILER);
    headers.remove(http::header::TRANSFER_ENCODING);
}
