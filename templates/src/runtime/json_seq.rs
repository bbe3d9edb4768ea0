//! Sequential JSON (`application/jsonl`, `application/x-ndjson`,
//! `application/json-seq`): a [`Stream`] of items, one JSON text per line
//! (RFC 7464's record separator is taken as white space before a text).

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{BoxStream, Stream, StreamExt as _};
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::request::Request;
use super::streaming::{decoded_item, LineReader, OpenError, StreamLimits};

/// The media types a sequential JSON response may come as.
const MEDIA_TYPES: &[&str] =
    &["application/jsonl", "application/x-ndjson", "application/json-seq", "application/x-jsonlines"];

/// RFC 7464's record separator.
const RECORD_SEPARATOR: char = '\u{1e}';

/// A stream of an operation's JSON items, one per line, each decoded as `T`.
///
/// Returned by an operation's `lines()`; it ends when the server ends the
/// body. A line longer than [`JsonLines::max_line_size`] (1 MiB by default),
/// a silence longer than [`JsonLines::idle_timeout`] or a broken connection
/// ends it with an error (it is not reopened: there is no point to resume
/// from). A line that is not a `T` is an error item; the stream goes on.
pub struct JsonLines<T, E> {
    state: State<T, E>,
}

enum State<T, E> {
    Ready(Box<Reader<T, E>>),
    /// The request could not be built: its error is the only item.
    Failed(Option<Error<E>>),
    Running(BoxStream<'static, Result<T, Error<E>>>),
}

impl<T, E> fmt::Debug for JsonLines<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JsonLines").finish_non_exhaustive()
    }
}

struct Reader<T, E> {
    client: Client,
    request: Request,
    limits: StreamLimits,
    lines: Option<LineReader>,
    finished: bool,
    _types: PhantomData<fn() -> (T, E)>,
}

impl<T, E> JsonLines<T, E>
where
    T: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    /// The items of `request`, sent by `client`: what an operation's `lines()` returns.
    pub fn new(client: &Client, request: Result<Request, Error<E>>) -> Self {
        let request = match request {
            Ok(request) => request,
            Err(e) => return JsonLines { state: State::Failed(Some(e)) },
        };
        let reader = Reader {
            client: client.clone(),
            limits: StreamLimits::of(client),
            request,
            lines: None,
            finished: false,
            _types: PhantomData,
        };
        JsonLines { state: State::Ready(Box::new(reader)) }
    }

    fn reader(&mut self) -> Option<&mut Reader<T, E>> {
        match &mut self.state {
            State::Ready(reader) => Some(reader),
            State::Failed(_) | State::Running(_) => None,
        }
    }

    /// The longest wait for the next line (or the response's headers).
    /// Default: the client's [read timeout](super::ClientBuilder::read_timeout).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        if let Some(r) = self.reader() {
            r.limits.idle_timeout = timeout;
        }
        self
    }

    /// The longest line accepted, in bytes. Default: 1 MiB.
    pub fn max_line_size(mut self, bytes: usize) -> Self {
        if let Some(r) = self.reader() {
            r.limits.max_event_size = bytes;
        }
        self
    }
}

impl<T, E> Stream for JsonLines<T, E>
where
    T: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if matches!(this.state, State::Ready(_)) {
            let empty = State::Running(futures::stream::empty().boxed());
            if let State::Ready(reader) = std::mem::replace(&mut this.state, empty) {
                this.state = State::Running(futures::stream::unfold(*reader, Reader::step).boxed());
            }
        }
        match &mut this.state {
            State::Running(stream) => stream.poll_next_unpin(cx),
            State::Failed(error) => Poll::Ready(error.take().map(Err)),
            State::Ready(_) => Poll::Ready(None),
        }
    }
}

impl<T, E> Reader<T, E>
where
    T: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    async fn step(mut self) -> Option<(Result<T, Error<E>>, Self)> {
        let item = self.next_item().await?;
        Some((item, self))
    }

    async fn next_item(&mut self) -> Option<Result<T, Error<E>>> {
        let operation = self.request.operation_id;
        loop {
            if self.finished {
                return None;
            }
            let Some(lines) = &mut self.lines else {
                match self.client.open_stream(&self.request, &[], MEDIA_TYPES, &self.limits).await {
                    Ok(connection) => self.lines = Some(LineReader::new(connection, self.limits.max_event_size)),
                    Err(OpenError::Retryable(e) | OpenError::Final(e)) => {
                        self.finished = true;
                        return Some(Err(e));
                    }
                }
                continue;
            };
            match lines.next_line(self.limits.idle_timeout).await {
                Ok(Some(line)) => {
                    let text = String::from_utf8_lossy(&line);
                    let text = text.trim_matches(|c: char| c == RECORD_SEPARATOR || c.is_ascii_whitespace());
                    if text.is_empty() {
                        continue;
                    }
                    return Some(decoded_item(operation, lines.status(), "line", serde_json::from_str(text)));
                }
                Ok(None) => {
                    self.finished = true;
                    return None;
                }
                Err(e) => {
                    self.finished = true;
                    return Some(Err(lines.error(operation, e, "a line of the JSON stream is")));
                }
            }
        }
    }
}
