//! Binary response bodies read as they arrive: [`Download`].
//!
//! An operation whose success body is binary (`application/octet-stream`,
//! `image/*`, `format: binary`, ...) asks the runtime not to read a 2xx body
//! ([`Request::stream_response`](super::Request::stream_response)); its
//! `decode` turns the response into a [`Download`]. Memory stays at one chunk
//! whatever the size; the server's silence between two chunks is bounded by
//! [`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout), not
//! by the attempt timeout or the call's deadline, so a long download that
//! keeps making progress is never cut.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use std::time::{SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use futures::stream::BoxStream;
use futures::StreamExt;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use tokio::io::AsyncWriteExt;

use super::body::{read_limited, BodyError, Overflow};
use super::error::{Error, Failure, TransportError};
use super::prepare::address_of;
use super::watchdog::{self, Expiry, Limits, Progress};

/// A 2xx response whose body has not been read, held by a
/// [`RawResponse`](super::RawResponse) until `decode` takes it. Shared so that
/// `RawResponse` stays `Clone`; only one [`Download`] can take it.
#[derive(Clone)]
pub(crate) struct Unread(Arc<Mutex<Option<UnreadBody>>>);

/// What [`Download`] needs of the client besides the response.
pub(crate) struct UnreadBody {
    pub(crate) response: reqwest::Response,
    /// [`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout).
    pub(crate) silence: Option<Duration>,
    /// [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size), for [`Download::bytes`].
    pub(crate) max_body_size: usize,
}

impl Unread {
    pub(crate) fn new(body: UnreadBody) -> Self {
        Unread(Arc::new(Mutex::new(Some(body))))
    }

    /// The response, once (a poisoned lock only means another taker panicked).
    pub(crate) fn take(&self) -> Option<UnreadBody> {
        match self.0.lock() {
            Ok(mut slot) => slot.take(),
            Err(poisoned) => poisoned.into_inner().take(),
        }
    }
}

/// A response body to read: the connection's, still unread, or one already
/// in memory. What a [`Download`] and a stream (`streaming.rs`'s
/// `Connection`) both read, chunk by chunk.
pub(crate) enum ResponseBody {
    /// The connection, chunk by chunk.
    Live(UnreadBody),
    /// A body already in memory (a response a [`Middleware`](super::Middleware)
    /// or the test double made). `None` once handed out.
    Held(Option<Bytes>),
}

/// What reading the next chunk of a [`ResponseBody`] gave.
pub(crate) enum Chunk {
    Data(Bytes),
    /// The body ended cleanly.
    End,
    /// The connection broke mid-body.
    Broken(reqwest::Error),
    /// Nothing came for this long.
    Idle(Duration),
}

impl ResponseBody {
    /// The next chunk, waiting at most `idle` for it (`None`: no limit). A
    /// held body is one chunk.
    pub(crate) async fn next_chunk(&mut self, idle: Option<Duration>) -> Chunk {
        let body = match self {
            ResponseBody::Live(body) => body,
            ResponseBody::Held(held) => return held.take().map_or(Chunk::End, Chunk::Data),
        };
        let chunk = match idle {
            Some(idle) => match tokio::time::timeout(idle, body.response.chunk()).await {
                Ok(chunk) => chunk,
                Err(_) => return Chunk::Idle(idle),
            },
            None => body.response.chunk().await,
        };
        match chunk {
            Ok(Some(bytes)) => Chunk::Data(bytes),
            Ok(None) => Chunk::End,
            Err(e) => Chunk::Broken(e),
        }
    }

    /// The address of the server, for errors ("" for a held body, which never fails).
    fn address(&self) -> String {
        match self {
            ResponseBody::Live(body) => address_of(body.response.url()),
            ResponseBody::Held(_) => String::new(),
        }
    }
}

/// The body of a binary response, not yet read.
///
/// Read it with [`Download::bytes`] (small bodies, up to
/// [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size),
/// 64 MiB by default), [`Download::stream`] (chunks as they come) or
/// [`Download::to_file`] (written to a file, whole or not at all). Dropping
/// it unread closes the connection.
///
/// While it is read, the server may stay silent for at most
/// [`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout) (60 s
/// by default) between two chunks; the attempt timeout and the call's
/// deadline bound only the wait for the response headers, so a long download
/// that keeps making progress is not cut off. Errors while reading are
/// [`Error::Transport`] (never retried: the call has returned) or, for the
/// file, [`Error::Io`].
pub struct Download<E = serde_json::Value> {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: ResponseBody,
    _error: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for Download<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Download")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("content_length", &self.content_length())
            .finish_non_exhaustive()
    }
}

/// The chunks of a [`Download`], as [`Download::stream`] returns them.
pub type ByteStream<E> = BoxStream<'static, Result<Bytes, Error<E>>>;

impl<E> Download<E> {
    pub(crate) fn new(operation: &'static str, status: StatusCode, headers: HeaderMap, body: ResponseBody) -> Self {
        Download { operation, status, headers, body, _error: PhantomData }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (credential-bearing ones marked sensitive).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The length the server announced (`Content-Length`), if it did.
    pub fn content_length(&self) -> Option<u64> {
        match &self.body {
            ResponseBody::Live(body) => body.response.content_length(),
            ResponseBody::Held(held) => held.as_ref().and_then(|bytes| u64::try_from(bytes.len()).ok()),
        }
    }

    /// The whole body in memory, for small ones: a body longer than
    /// [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size)
    /// (64 MiB by default) fails with [`Error::Transport`]
    /// ([`TransportError::is_body_too_large`]) without being read past it.
    pub async fn bytes(self) -> Result<Bytes, Error<E>> {
        let mut body = match self.body {
            ResponseBody::Held(held) => return Ok(held.unwrap_or_default()),
            ResponseBody::Live(body) => body,
        };
        let (operation, status) = (self.operation, self.status);
        let address = address_of(body.response.url());
        let silence = body.silence;
        let progress = Progress::start();
        let limits = Limits { deadline: None, silence: body.silence };
        let read =
            std::pin::pin!(read_limited(&mut body.response, body.max_body_size, Overflow::Fail, Some(&progress)));
        match watchdog::within(limits, &progress, read).await {
            Ok(Ok(limited)) => Ok(limited.bytes),
            Ok(Err(BodyError::Read(e))) => Err(read_error(operation, Failure::Reqwest(e), &address)),
            Ok(Err(BodyError::TooLarge(too_large))) => Err(Error::Transport(TransportError::body_too_large(
                operation,
                1,
                status,
                too_large.limit,
                too_large.announced,
                &address,
            ))),
            Err(Expiry::Silence(silence)) => Err(read_error(operation, Failure::Silent(silence), &address)),
            // There is no deadline here; kept apart for the match to be whole.
            Err(Expiry::Deadline) => Err(read_error(operation, Failure::Silent(silence.unwrap_or_default()), &address)),
        }
    }

    /// The body as a stream of chunks, each as the connection delivers it
    /// (memory: one chunk). A server silent for longer than
    /// [`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout)
    /// between two chunks, or a connection dropped before the end, ends the
    /// stream with an [`Error::Transport`].
    pub fn stream(self) -> ByteStream<E>
    where
        E: Send + 'static,
    {
        let operation = self.operation;
        let silence = match &self.body {
            ResponseBody::Live(body) => body.silence,
            ResponseBody::Held(_) => None,
        };
        let address = self.body.address();
        futures::stream::unfold(Some(self.body), move |body| {
            let address = address.clone();
            async move {
                let mut body = body?;
                match body.next_chunk(silence).await {
                    Chunk::Data(bytes) => Some((Ok(bytes), Some(body))),
                    Chunk::End => None,
                    Chunk::Broken(e) => Some((Err(read_error(operation, Failure::Reqwest(e), &address)), None)),
                    Chunk::Idle(silence) => {
                        Some((Err(read_error(operation, Failure::Silent(silence), &address)), None))
                    }
                }
            }
        })
        .boxed()
    }

    /// Writes the body to the file `path` and returns how many bytes it
    /// holds. The body goes to a temporary file beside `path` (named
    /// `.<name>.<random>.part`), renamed to `path` once complete and
    /// flushed to disk: `path` either holds the whole body or is left as it
    /// was; on any error (the connection dropped, the server silent, the
    /// disk full) the temporary file is removed. Memory: one chunk.
    pub async fn to_file(self, path: impl AsRef<Path>) -> Result<u64, Error<E>>
    where
        E: Send + 'static,
    {
        let path = path.as_ref();
        let operation = self.operation;
        let partial = partial_path(path);
        let written = write_all(self.stream(), &partial, operation).await;
        let result = match written {
            Ok(written) => tokio::fs::rename(&partial, path)
                .await
                .map(|()| written)
                .map_err(|e| io_error(operation, "cannot rename the downloaded file to", path, &e)),
            Err(e) => Err(e),
        };
        if result.is_err() {
            // The partial file may not exist (it could not be made).
            let _ = tokio::fs::remove_file(&partial).await;
        }
        result
    }
}

/// Writes `stream` to a new file at `partial`, synced to disk; the byte count.
async fn write_all<E>(mut stream: ByteStream<E>, partial: &Path, operation: &'static str) -> Result<u64, Error<E>> {
    let mut file = tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(partial)
        .await
        .map_err(|e| io_error(operation, "cannot create", partial, &e))?;
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        file.write_all(&chunk).await.map_err(|e| io_error(operation, "cannot write to", partial, &e))?;
        written = written.saturating_add(u64::try_from(chunk.len()).unwrap_or(u64::MAX));
    }
    file.flush().await.map_err(|e| io_error(operation, "cannot write to", partial, &e))?;
    file.sync_all().await.map_err(|e| io_error(operation, "cannot write to", partial, &e))?;
    Ok(written)
}

/// How many partial file names were made (one of their inputs).
static PARTS_MADE: AtomicU64 = AtomicU64::new(0);

/// `dir/.name.<random>.part` for `dir/name`: in the same folder, so the
/// rename is atomic, and named apart so two downloads never share it.
fn partial_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "download".to_owned());
    // A random number from std's hasher seeds (as `new_idempotency_key`),
    // with the time and a count.
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(PARTS_MADE.fetch_add(1, Ordering::Relaxed));
    hasher.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    path.with_file_name(format!(".{name}.{:016x}.part", hasher.finish()))
}

/// An error reading the body of `operation` after the call returned.
fn read_error<E>(operation: &'static str, failure: Failure, address: &str) -> Error<E> {
    Error::Transport(TransportError::new(operation, Some(failure), 1, None, None, address))
}

/// `operation: cannot create /path: No space left on device`.
fn io_error<E>(operation: &'static str, what: &str, path: &Path, error: &std::io::Error) -> Error<E> {
    Error::Io(std::io::Error::new(error.kind(), format!("{operation}: {what} {}: {error}", path.display())))
}
