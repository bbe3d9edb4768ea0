//! Server-sent events (`text/event-stream`): a [`Stream`] of typed events,
//! reconnecting with `Last-Event-ID` where that is safe.
//!
//! The parser follows the WHATWG "event stream interpretation" rules. It is
//! written here rather than taken from a crate: `eventsource-stream`, the
//! usual choice, buffers a line without limit (a server that never ends a
//! line would fill memory) and brings `nom`; the rules are a few lines on
//! top of [`LineSplitter`], which bounds every line.

use std::fmt;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::stream::{BoxStream, Stream, StreamExt as _};
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;

use super::client::Client;
use super::error::Error;
use super::request::Request;
use super::retry::Backoff;
use super::streaming::{decoded_item, stream_error, LineError, LineReader, OpenError, StreamLimits};

/// The `data` that ends a stream by default: what LLM APIs send last.
pub const DEFAULT_DONE_SENTINEL: &str = "[DONE]";

/// The longest `retry:` wait honoured; a larger one is cut to this.
const MAX_SERVER_RETRY: Duration = Duration::from_secs(60);

/// How an event's `data` is decoded, given its `event:` name.
pub type EventDecoder<T> = fn(Option<&str>, &str) -> Result<T, serde_json::Error>;

/// One server-sent event: its `data` decoded as the operation's event type,
/// with the event's name, id and requested reconnection delay.
#[derive(Debug, Clone, PartialEq)]
pub struct Event<T> {
    /// The event's `data` lines, joined and decoded from JSON.
    pub data: T,
    /// The `event:` name, if the server gave one.
    pub event: Option<String>,
    /// The last `id:` the server gave (on this event or before it).
    pub id: Option<String>,
    /// The `retry:` delay the event carried, if it did.
    pub retry: Option<Duration>,
}

/// One event as parsed, before its data is decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawEvent {
    pub(crate) data: String,
    pub(crate) event: Option<String>,
    pub(crate) id: Option<String>,
    pub(crate) retry: Option<Duration>,
}

/// The event stream parser: lines in, events out.
#[derive(Debug)]
pub(crate) struct EventParser {
    max_event: usize,
    data: String,
    has_data: bool,
    event: Option<String>,
    retry: Option<Duration>,
    /// The `id:` of the event being received; it becomes `last_id` only
    /// when the event ends, so a half-received event's id is never resent.
    id_buffer: Option<String>,
    /// The last event id, kept across events and reconnections.
    pub(crate) last_id: Option<String>,
}

/// An event (or line) over the size limit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct EventTooLarge(pub(crate) String);

impl EventParser {
    pub(crate) fn new(max_event: usize) -> Self {
        EventParser {
            max_event,
            data: String::new(),
            has_data: false,
            event: None,
            retry: None,
            id_buffer: None,
            last_id: None,
        }
    }

    /// Takes one line (without its end): the event a blank line completes, if any.
    pub(crate) fn push_line(&mut self, line: &[u8]) -> Result<Option<RawEvent>, EventTooLarge> {
        if line.is_empty() {
            return Ok(self.dispatch());
        }
        self.field(&String::from_utf8_lossy(line))?;
        Ok(None)
    }

    fn field(&mut self, line: &str) -> Result<(), EventTooLarge> {
        if line.starts_with(':') {
            return Ok(());
        }
        let (name, value) = match line.split_once(':') {
            Some((name, value)) => (name, value.strip_prefix(' ').unwrap_or(value)),
            None => (line, ""),
        };
        match name {
            "data" => {
                if self.data.len().saturating_add(value.len()) > self.max_event {
                    return Err(EventTooLarge(format!(
                        "an event's data is longer than the {} limit (max_event_size)",
                        super::body::ByteSize(self.max_event)
                    )));
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            "event" => self.event = Some(value.to_owned()),
            "id" if !value.contains('\0') => self.id_buffer = Some(value.to_owned()),
            "retry" if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) => {
                self.retry = value.parse::<u64>().ok().map(Duration::from_millis);
            }
            _ => {}
        }
        Ok(())
    }

    /// Ends the event a blank line closed; `None` when it had no data.
    fn dispatch(&mut self) -> Option<RawEvent> {
        let event = self.event.take();
        let retry = self.retry.take();
        self.last_id.clone_from(&self.id_buffer);
        if !self.has_data {
            return None;
        }
        self.has_data = false;
        Some(RawEvent { data: std::mem::take(&mut self.data), event, id: self.last_id.clone(), retry })
    }

    /// Drops a half-received event (the connection broke before its blank line).
    pub(crate) fn reset_partial(&mut self) {
        self.data.clear();
        self.has_data = false;
        self.event = None;
        self.retry = None;
        self.id_buffer.clone_from(&self.last_id);
    }
}

/// A stream of an operation's server-sent events, each `data` decoded as `T`.
///
/// Returned by an operation's `events()`; adjust it with the methods below
/// before polling it. It ends cleanly when the server closes the stream or
/// sends the [done sentinel](EventStream::done_sentinel). For a `GET`
/// operation, a connection that breaks mid-stream is reopened with
/// `Last-Event-ID` (after the server's `retry:` delay, else the retry
/// policy's backoff), at most [`RetryPolicy::retries`](super::RetryPolicy::retries)
/// times in a row; other methods are reopened only after
/// [`EventStream::reconnect`]`(true)`, as the server may not expect the
/// request twice. An event whose `data` is not a `T` is an
/// [`Error::Decode`] item and the stream goes on; any other error is its
/// last item. Each connection goes through the client's
/// [`Middleware`](super::Middleware) (which sees the response head, its body
/// left unread); redirects are not followed.
pub struct EventStream<T, E> {
    state: State<T, E>,
}

enum State<T, E> {
    Ready(Box<Session<T>>),
    /// The request could not be built: its error is the only item.
    Failed(Option<Error<E>>),
    Running(BoxStream<'static, Result<Event<T>, Error<E>>>),
}

impl<T, E> fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

/// A stream's settings and state, moved into the stream at its first poll.
struct Session<T> {
    client: Client,
    request: Request,
    limits: StreamLimits,
    reconnect: bool,
    done: Option<String>,
    decode: EventDecoder<T>,
}

impl<T, E> EventStream<T, E>
where
    T: DeserializeOwned + Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    /// The events of `request`, sent by `client`, each `data` decoded as a
    /// `T`: what an operation's `events()` returns.
    pub fn new(client: &Client, request: Result<Request, Error<E>>) -> Self {
        Self::by_event(client, request, |_, data| serde_json::from_str(data))
    }
}

impl<T, E> EventStream<T, E>
where
    T: Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    /// The events of `request`, sent by `client`, each `data` decoded by
    /// `decode` given the event's name: what `events()` returns for a
    /// stream whose event names select the type of their data. An error
    /// from `decode` is an [`Error::Decode`] item and the stream goes on.
    pub fn by_event(client: &Client, request: Result<Request, Error<E>>, decode: EventDecoder<T>) -> Self {
        let request = match request {
            Ok(request) => request,
            Err(e) => return EventStream { state: State::Failed(Some(e)) },
        };
        let reconnect = request.method == Method::GET;
        let session = Session {
            client: client.clone(),
            limits: StreamLimits::of(client),
            request,
            reconnect,
            done: Some(DEFAULT_DONE_SENTINEL.to_owned()),
            decode,
        };
        EventStream { state: State::Ready(Box::new(session)) }
    }

    fn session(&mut self) -> Option<&mut Session<T>> {
        match &mut self.state {
            State::Ready(session) => Some(session),
            State::Failed(_) | State::Running(_) => None,
        }
    }

    /// The longest wait for the next event (or the response's headers);
    /// a stream silent for longer ends with an error that says so.
    /// Default: the client's [read timeout](super::ClientBuilder::read_timeout).
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        if let Some(s) = self.session() {
            s.limits.idle_timeout = timeout;
        }
        self
    }

    /// The largest event (and line) accepted, in bytes; a larger one ends
    /// the stream with an error. Default: 1 MiB.
    pub fn max_event_size(mut self, bytes: usize) -> Self {
        if let Some(s) = self.session() {
            s.limits.max_event_size = bytes;
        }
        self
    }

    /// Whether a broken connection is reopened. Default: only for `GET`.
    pub fn reconnect(mut self, on: bool) -> Self {
        if let Some(s) = self.session() {
            s.reconnect = on;
        }
        self
    }

    /// The `data` that ends the stream (not passed on); `None` for none.
    /// Default: `[DONE]`.
    pub fn done_sentinel(mut self, data: Option<&str>) -> Self {
        if let Some(s) = self.session() {
            s.done = data.map(str::to_owned);
        }
        self
    }
}

impl<T, E> Stream for EventStream<T, E>
where
    T: Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    type Item = Result<Event<T>, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if matches!(this.state, State::Ready(_)) {
            let empty = State::Running(futures::stream::empty().boxed());
            if let State::Ready(session) = std::mem::replace(&mut this.state, empty) {
                let reader = Reader::start(*session);
                this.state = State::Running(futures::stream::unfold(reader, Reader::step).boxed());
            }
        }
        match &mut this.state {
            State::Running(stream) => stream.poll_next_unpin(cx),
            State::Failed(error) => Poll::Ready(error.take().map(Err)),
            State::Ready(_) => Poll::Ready(None),
        }
    }
}

/// The running stream: the connection, the parser and the reconnection state.
struct Reader<T, E> {
    session: Session<T>,
    parser: EventParser,
    connection: Option<LineReader>,
    backoff: Backoff,
    /// Reconnections since the last event.
    failures: u32,
    server_retry: Option<Duration>,
    finished: bool,
    _error: PhantomData<fn() -> E>,
}

impl<T, E> Reader<T, E>
where
    T: Send + 'static,
    E: DeserializeOwned + Send + 'static,
{
    fn start(session: Session<T>) -> Self {
        let backoff = session.client.inner.retry_policy.backoff();
        Reader {
            parser: EventParser::new(session.limits.max_event_size),
            session,
            connection: None,
            backoff,
            failures: 0,
            server_retry: None,
            finished: false,
            _error: PhantomData,
        }
    }

    async fn step(mut self) -> Option<(Result<Event<T>, Error<E>>, Self)> {
        let item = self.next_event().await?;
        // An event whose data is not a `T` (a kind newer than the spec) is
        // an error item and the stream goes on; any other error ends it.
        if matches!(item, Err(ref e) if !matches!(e, Error::Decode(_))) {
            self.finished = true;
        }
        Some((item, self))
    }

    async fn next_event(&mut self) -> Option<Result<Event<T>, Error<E>>> {
        let operation = self.session.request.operation_id;
        loop {
            if self.finished {
                return None;
            }
            let Some(connection) = &mut self.connection else {
                if let Err(e) = self.open().await {
                    // Even a decode error (an undeclared media type): a
                    // stream that could not open is not opened again.
                    self.finished = true;
                    return Some(Err(e));
                }
                continue;
            };
            let line = match connection.next_line(self.session.limits.idle_timeout).await {
                Ok(Some(line)) => line,
                Ok(None) => {
                    self.finished = true;
                    return None;
                }
                Err(e) => {
                    let broken = matches!(e, LineError::Broken(_));
                    let error = connection.error(operation, e, "a line of the event stream is");
                    if !broken || !self.may_reconnect() {
                        return Some(Err(error));
                    }
                    self.connection = None;
                    self.parser.reset_partial();
                    tracing::debug!(operation, "event stream broke; reconnecting");
                    continue;
                }
            };
            match self.parser.push_line(&line) {
                Ok(Some(raw)) => {
                    self.failures = 0;
                    if raw.retry.is_some() {
                        self.server_retry = raw.retry;
                    }
                    if self.session.done.as_deref() == Some(raw.data.as_str()) {
                        self.finished = true;
                        return None;
                    }
                    let decoded = (self.session.decode)(raw.event.as_deref(), &raw.data);
                    let data = decoded_item(operation, connection.status(), "event data", decoded);
                    return Some(data.map(|data| Event { data, event: raw.event, id: raw.id, retry: raw.retry }));
                }
                Ok(None) => {}
                Err(EventTooLarge(message)) => {
                    return Some(Err(stream_error(operation, &message, connection.address())))
                }
            }
        }
    }

    /// Whether another reconnection is allowed, counting it.
    fn may_reconnect(&mut self) -> bool {
        let allowed = self.session.reconnect && self.failures < self.session.client.inner.retry_policy.retries();
        if allowed {
            self.failures = self.failures.saturating_add(1);
        }
        allowed
    }

    /// Opens (or reopens, after the reconnection delay) the connection.
    async fn open(&mut self) -> Result<(), Error<E>> {
        loop {
            let reopening = self.failures > 0;
            if reopening {
                let delay = match self.server_retry {
                    Some(wait) => wait.min(MAX_SERVER_RETRY),
                    None => self.backoff.next_delay(),
                };
                tokio::time::sleep(delay).await;
            }
            let mut headers = Vec::new();
            if let Some(id) = &self.parser.last_id {
                if let Ok(value) = HeaderValue::from_str(id) {
                    headers.push((HeaderName::from_static("last-event-id"), value));
                }
            }
            let opened = self
                .session
                .client
                .open_stream(&self.session.request, &headers, &["text/event-stream"], &self.session.limits)
                .await;
            match opened {
                Ok(connection) => {
                    // 204 No Content: the server asks not to reconnect.
                    if connection.status == StatusCode::NO_CONTENT {
                        self.finished = true;
                    }
                    self.connection = Some(LineReader::new(connection, self.session.limits.max_event_size));
                    return Ok(());
                }
                Err(OpenError::Retryable(e)) => {
                    if !self.may_reconnect() {
                        return Err(e);
                    }
                }
                Err(OpenError::Final(e)) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::super::streaming::LineSplitter;
    use super::*;

    /// The events `text`'s lines complete (a line over the limit ends them).
    fn feed(parser: &mut EventParser, text: &[u8]) -> Result<Vec<RawEvent>, EventTooLarge> {
        let mut lines = LineSplitter::new(parser.max_event);
        lines.feed(text);
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().map_err(|e| EventTooLarge(e.message("a line")))? {
            out.extend(parser.push_line(&line)?);
        }
        Ok(out)
    }

    fn events(text: &str) -> Vec<RawEvent> {
        feed(&mut EventParser::new(1024), text.as_bytes()).unwrap()
    }

    #[test]
    fn parses_fields_comments_and_multi_line_data() {
        let got = events(": hello\nevent: delta\nid: 7\nretry: 250\ndata: {\"a\":\ndata:1}\n\ndata: x\n\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].data, "{\"a\":\n1}");
        assert_eq!(got[0].event.as_deref(), Some("delta"));
        assert_eq!(got[0].id.as_deref(), Some("7"));
        assert_eq!(got[0].retry, Some(Duration::from_millis(250)));
        assert_eq!(got[1].id.as_deref(), Some("7"), "the last id carries over");
        assert_eq!(got[1].event, None);
    }

    #[test]
    fn a_half_received_events_id_is_forgotten() {
        let mut parser = EventParser::new(1024);
        assert_eq!(feed(&mut parser, b"id: 1\ndata: a\n\nid: 2\ndata: b\n").unwrap().len(), 1);
        parser.reset_partial();
        assert_eq!(parser.last_id.as_deref(), Some("1"));
        assert_eq!(feed(&mut parser, b"data: c\n\n").unwrap()[0].id.as_deref(), Some("1"));
    }

    #[test]
    fn an_event_without_data_is_not_dispatched() {
        assert!(events("event: ping\n\n").is_empty());
    }

    #[test]
    fn an_event_over_the_limit_is_refused() {
        assert!(feed(&mut EventParser::new(8), b"data: 12345\ndata: 6789\n\n").is_err());
    }
}
