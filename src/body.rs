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
