//! `awssig curl -T FILE`: the file as a request body, read as it is sent (never whole in
//! memory), with a progress bar on a terminal.

use std::io::IsTerminal;
use std::path::Path;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_core::Stream;
use indicatif::{ProgressBar, ProgressStyle};
use tokio_util::io::ReaderStream;

use crate::common::BoxError;

/// The bytes read per step: one aws-chunked chunk's worth.
const READ_SIZE: usize = 64 * 1024;

/// A file read as it is sent, counting what went out on a progress bar (hidden unless stderr is
/// a terminal).
struct FileBody {
    stream: ReaderStream<tokio::fs::File>,
    remaining: u64,
    bar: ProgressBar,
}

impl http_body::Body for FileBody {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<http_body::Frame<Bytes>, std::io::Error>>> {
        match Pin::new(&mut self.stream).poll_next(cx) {
            Poll::Ready(Some(Ok(bytes))) => {
                let n = bytes.len() as u64;
                self.remaining = self.remaining.saturating_sub(n);
                self.bar.inc(n);
                Poll::Ready(Some(Ok(http_body::Frame::data(bytes))))
            }
            Poll::Ready(None) => {
                self.bar.finish_and_clear();
                Poll::Ready(None)
            }
            other => other.map(|o| o.map(|r| r.map(http_body::Frame::data))),
        }
    }

    fn size_hint(&self) -> http_body::SizeHint {
        http_body::SizeHint::with_exact(self.remaining)
    }
}

/// Opens `path` as a streamed body and returns it with its length.
pub(crate) async fn open(path: &Path) -> Result<(reqwest::Body, u64), BoxError> {
    let cannot = |e: std::io::Error| -> BoxError {
        format!("cannot read {} (-T): {e}", path.display()).into()
    };
    let file = tokio::fs::File::open(path).await.map_err(cannot)?;
    let meta = file.metadata().await.map_err(cannot)?;
    if !meta.is_file() {
        return Err(format!("{} (-T) is not a regular file", path.display()).into());
    }
    let len = meta.len();
    let bar = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(len);
        if let Ok(style) = ProgressStyle::with_template(
            "{bytes}/{total_bytes} [{wide_bar}] {bytes_per_sec}, {eta} left",
        ) {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let body = FileBody {
        stream: ReaderStream::with_capacity(file, READ_SIZE),
        remaining: len,
        bar,
    };
    Ok((reqwest::Body::wrap(body), len))
}
