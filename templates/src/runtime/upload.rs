//! Binary request bodies that need not sit in memory: [`UploadBody`].

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::TryStream;

/// The body of a binary upload (an operation's `application/octet-stream`,
/// `image/*`, ... request body, or a [`MultipartPart`](super::MultipartPart)):
/// bytes in memory, a file, or a stream.
///
/// | made with | sent | `Content-Length` | on a retry or a 307/308 redirect |
/// |---|---|---|---|
/// | bytes (`Vec<u8>`, `Bytes`, `String`, `&'static [u8]`, `&'static str`) | from memory | yes | sent again |
/// | [`UploadBody::path`] | read from the file as it is sent | the file's size | the file is opened again and sent again |
/// | [`UploadBody::file`] (an open `tokio::fs::File`) | read as it is sent | the file's size | not sent again |
/// | [`UploadBody::stream`] | as the stream yields | none (chunked) | not sent again |
///
/// A file handle or a stream is consumed by the first attempt, so a call
/// with one is never retried: the first attempt's response or error is the
/// call's (a redirect that would send the body again fails with
/// [`Error::InvalidRequest`](super::Error::InvalidRequest)). Use
/// [`UploadBody::path`] for uploads that should be retried.
#[derive(Clone)]
pub struct UploadBody(Source);

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    /// A file handle or a stream: taken by the first attempt.
    Once(Arc<Mutex<Option<OnceBody>>>),
}

struct OnceBody {
    body: reqwest::Body,
    length: Option<u64>,
}

/// One attempt's body: reqwest's, and its length when known.
pub(crate) struct AttemptBody {
    pub(crate) body: reqwest::Body,
    pub(crate) length: Option<u64>,
}

impl fmt::Debug for UploadBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The content may be anything (secrets included): never shown.
        match &self.0 {
            Source::Bytes(bytes) => f.debug_struct("UploadBody").field("len", &bytes.len()).finish(),
            Source::Path(path) => f.debug_struct("UploadBody").field("path", path).finish(),
            Source::Once(_) => f.debug_struct("UploadBody").field("stream", &true).finish(),
        }
    }
}

impl UploadBody {
    /// A body in memory.
    pub fn bytes(data: impl Into<Bytes>) -> Self {
        UploadBody(Source::Bytes(data.into()))
    }

    /// The file at `path`, opened when the request is sent (and again for
    /// each retry), read as it is sent, with its size as `Content-Length`.
    /// A file that cannot be opened fails the call with
    /// [`Error::Io`](super::Error::Io) naming it.
    pub fn path(path: impl Into<PathBuf>) -> Self {
        UploadBody(Source::Path(path.into()))
    }

    /// An open file, read from its current position as it is sent, with its
    /// size as `Content-Length` (so open it at its start). Sent once: see
    /// [`UploadBody`].
    pub async fn file(file: tokio::fs::File) -> std::io::Result<Self> {
        let length = file.metadata().await?.len();
        Ok(UploadBody::once(reqwest::Body::from(file), Some(length)))
    }

    /// A stream of chunks, sent as they come (chunked, with no
    /// `Content-Length`). Sent once: see [`UploadBody`]. A stream error
    /// aborts the request.
    pub fn stream<S>(stream: S) -> Self
    where
        S: TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        UploadBody::once(reqwest::Body::wrap_stream(stream), None)
    }

    fn once(body: reqwest::Body, length: Option<u64>) -> Self {
        UploadBody(Source::Once(Arc::new(Mutex::new(Some(OnceBody { body, length })))))
    }

    /// Whether the body can be sent again (bytes and paths can).
    pub(crate) fn is_replayable(&self) -> bool {
        !matches!(self.0, Source::Once(_))
    }

    /// The body of one attempt. Errors say why in a sentence: the file could
    /// not be opened (`Err(Ok(io))`), or a one-time body was already sent
    /// (`Err(Err(message))`).
    pub(crate) async fn for_attempt(&self) -> Result<AttemptBody, Result<std::io::Error, String>> {
        match &self.0 {
            Source::Bytes(bytes) => {
                Ok(AttemptBody { length: u64::try_from(bytes.len()).ok(), body: reqwest::Body::from(bytes.clone()) })
            }
            Source::Path(path) => {
                let failed = |e: std::io::Error| {
                    Ok(std::io::Error::new(e.kind(), format!("cannot read {}: {e}", path.display())))
                };
                let file = tokio::fs::File::open(path).await.map_err(failed)?;
                let length = file.metadata().await.map_err(failed)?.len();
                Ok(AttemptBody { body: reqwest::Body::from(file), length: Some(length) })
            }
            Source::Once(slot) => {
                let taken = match slot.lock() {
                    Ok(mut slot) => slot.take(),
                    Err(poisoned) => poisoned.into_inner().take(),
                };
                let once = taken.ok_or_else(|| {
                    Err("the request body is a stream or a file handle that was already sent; it cannot be sent \
                         again (use UploadBody::path for a body that can be)"
                        .to_owned())
                })?;
                Ok(AttemptBody { body: once.body, length: once.length })
            }
        }
    }

    /// The bytes, when the body is in memory.
    pub(crate) fn as_bytes(&self) -> Option<&Bytes> {
        match &self.0 {
            Source::Bytes(bytes) => Some(bytes),
            _ => None,
        }
    }
}

impl From<Bytes> for UploadBody {
    fn from(data: Bytes) -> Self {
        UploadBody::bytes(data)
    }
}

impl From<Vec<u8>> for UploadBody {
    fn from(data: Vec<u8>) -> Self {
        UploadBody::bytes(data)
    }
}

impl From<&'static [u8]> for UploadBody {
    fn from(data: &'static [u8]) -> Self {
        UploadBody::bytes(data)
    }
}

impl<const N: usize> From<&'static [u8; N]> for UploadBody {
    fn from(data: &'static [u8; N]) -> Self {
        UploadBody::bytes(&data[..])
    }
}

impl From<String> for UploadBody {
    fn from(data: String) -> Self {
        UploadBody::bytes(data)
    }
}

impl From<&'static str> for UploadBody {
    fn from(data: &'static str) -> Self {
        UploadBody::bytes(data)
    }
}
