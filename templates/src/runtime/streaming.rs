//! What streamed responses (server-sent events, JSON Lines) share: opening
//! the response without reading its body, reading it chunk by chunk within
//! an idle timeout, and splitting it into lines of bounded length.

use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{self, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use serde::de::DeserializeOwned;

use super::body::{ByteSize, ERROR_BODY_LIMIT};
use super::client::Client;
use super::download::{Chunk, ResponseBody};
use super::error::{DecodeError, Error, Failure, TransportError};
use super::prepare::address_of;
use super::request::Request;
use super::watchdog::Progress;

/// Default longest line (and, for server-sent events, longest event) of a
/// streamed body: 1 MiB holds any LLM chunk with room to spare, and keeps
/// a server that never ends a line from filling memory.
pub(crate) const DEFAULT_MAX_EVENT_SIZE: usize = 1024 * 1024;

/// Default idle timeout when the client has no read timeout (never waits forever).
const FALLBACK_IDLE_TIMEOUT: Duration = Duration::from_secs(60);

/// The limits of one stream, set on the stream before its first poll.
#[derive(Debug, Clone)]
pub(crate) struct StreamLimits {
    /// The longest wait for the next chunk (and for the response's headers).
    pub(crate) idle_timeout: Duration,
    /// The longest line, and the longest event.
    pub(crate) max_event_size: usize,
}

impl StreamLimits {
    pub(crate) fn of(client: &Client) -> Self {
        StreamLimits {
            idle_timeout: client.inner.silence.unwrap_or(FALLBACK_IDLE_TIMEOUT),
            max_event_size: DEFAULT_MAX_EVENT_SIZE,
        }
    }
}

/// An open streamed response.
pub(crate) struct Connection {
    body: ResponseBody,
    pub(crate) status: StatusCode,
    address: String,
}

/// A failure to open a stream: `Retryable` when the server could not be
/// reached or did not answer (a reconnecting stream may try again).
pub(crate) enum OpenError<E> {
    Retryable(Error<E>),
    Final(Error<E>),
}

impl Client {
    /// Sends `req` (credentials applied, then the [`Middleware`](super::Middleware)
    /// chain; no redirects, no whole-call timeout) and returns its 2xx
    /// response unread. The middleware sees the request and a response whose
    /// 2xx body is left unread (as for a download): its status and headers,
    /// an empty `body()`. A non-2xx answer is the operation's typed error; a
    /// 2xx one whose `Content-Type` is not one of `media_types` is a decode
    /// error carrying the start of its body.
    pub(crate) async fn open_stream<E: DeserializeOwned>(
        &self,
        req: &Request,
        extra_headers: &[(HeaderName, HeaderValue)],
        media_types: &[&str],
        limits: &StreamLimits,
    ) -> Result<Connection, OpenError<E>> {
        let operation = req.operation_id;
        let url: Url = req.url(self.base()).map_err(|m| OpenError::Final(Error::invalid_request(operation, m)))?;
        let address = address_of(&url);
        let alternative = self.select_alternative(req.security);
        // The stream's own media types, in place of the whole-body ones
        // `request()` asked for, and the stream's headers go in before the
        // credential providers run, so that a signing provider signs them.
        let mut req = req.clone();
        req.accept.clear();
        req.stream_response();
        if let Ok(accept) = HeaderValue::from_str(&media_types.join(", ")) {
            req.headers.retain(|(name, _)| name != header::ACCEPT);
            req.headers.push((header::ACCEPT, accept));
        }
        for (name, value) in extra_headers {
            req.headers.retain(|(existing, _)| existing != name);
            req.headers.push((name.clone(), value.clone()));
        }
        // Each connection (a reconnection too) is a request of its own: attempt 1.
        let (mut request, _) =
            self.prepare(&req, &url, alternative, 1).await.map_err(|e| OpenError::Final(Error::widen(e)))?;
        // A stream lasts as long as the server sends: the idle timeout
        // bounds each wait instead of a limit on the whole response.
        *request.timeout_mut() = None;
        let progress = Progress::start();
        let sent =
            tokio::time::timeout(limits.idle_timeout, self.send_prepared(request, &req, &url, 1, &progress)).await;
        let raw = match sent {
            Ok(Ok(Ok(raw))) => raw,
            Ok(Ok(Err(e))) => return Err(OpenError::Retryable(transport(operation, Failure::Reqwest(e), &address))),
            Ok(Err(e)) => return Err(OpenError::Final(Error::widen(e))),
            Err(_) => {
                return Err(OpenError::Retryable(transport(operation, Failure::Silent(limits.idle_timeout), &address)))
            }
        };
        let status = raw.status();
        if !status.is_success() {
            return Err(OpenError::Final(raw.into_error()));
        }
        let content_type = raw.headers().get(header::CONTENT_TYPE).map(|v| v.as_bytes().to_vec());
        let mut connection = Connection { body: raw.take_body(), status, address };
        if content_type.as_deref().is_none_or(|ct| is_declared(ct, media_types)) {
            return Ok(connection);
        }
        let start = connection.start_of_body(limits.idle_timeout).await;
        let content_type = String::from_utf8_lossy(content_type.as_deref().unwrap_or_default()).into_owned();
        Err(OpenError::Final(Error::Decode(DecodeError::unexpected_content_type(
            operation,
            status,
            content_type,
            &start,
        ))))
    }
}

/// Whether a `Content-Type` value names one of `media_types` (parameters ignored).
fn is_declared(content_type: &[u8], media_types: &[&str]) -> bool {
    let text = String::from_utf8_lossy(content_type);
    let essence = text.split(';').next().unwrap_or_default().trim();
    media_types.iter().any(|m| m.eq_ignore_ascii_case(essence))
}

/// A transport error of a stream's operation.
pub(crate) fn transport<E>(operation: &'static str, failure: Failure, address: &str) -> Error<E> {
    Error::Transport(TransportError::new(operation, Some(failure), 1, None, None, address))
}

/// A stream that broke its framing rules (an event or line too long).
pub(crate) fn stream_error<E>(operation: &'static str, summary: &str, address: &str) -> Error<E> {
    Error::Transport(TransportError::stream(operation, format!("{summary} ({address})")))
}

impl Connection {
    /// Up to [`ERROR_BODY_LIMIT`] of the body, for the error of an
    /// undeclared media type (what could not be read is left out).
    async fn start_of_body(&mut self, idle: Duration) -> Bytes {
        let mut start = Vec::new();
        while start.len() < ERROR_BODY_LIMIT {
            match self.body.next_chunk(Some(idle)).await {
                Chunk::Data(bytes) => start.extend_from_slice(&bytes),
                Chunk::End | Chunk::Broken(_) | Chunk::Idle(_) => break,
            }
        }
        start.truncate(ERROR_BODY_LIMIT);
        Bytes::from(start)
    }

    pub(crate) fn address(&self) -> &str {
        &self.address
    }
}

/// A streamed body read line by line, each wait for a chunk bounded by the
/// idle timeout and each line by the size limit: what server-sent events
/// and JSON Lines both read.
pub(crate) struct LineReader {
    connection: Connection,
    lines: LineSplitter,
    /// The server ended the body; what is left is the lines held.
    ended: bool,
}

/// Why a [`LineReader`] gave no line.
pub(crate) enum LineError {
    TooLong(LineTooLong),
    /// Nothing came for this long.
    Idle(Duration),
    /// The connection broke mid-body.
    Broken(reqwest::Error),
}

impl LineReader {
    pub(crate) fn new(connection: Connection, max_line: usize) -> Self {
        LineReader { connection, lines: LineSplitter::new(max_line), ended: false }
    }

    /// The next line, without its end; `None` when the server ended the
    /// body (a last line without its end is still a line).
    pub(crate) async fn next_line(&mut self, idle: Duration) -> Result<Option<Vec<u8>>, LineError> {
        loop {
            match self.lines.next_line() {
                Ok(Some(line)) => return Ok(Some(line)),
                Ok(None) if self.ended => return Ok(self.lines.take_rest()),
                Ok(None) => {}
                Err(too_long) => return Err(LineError::TooLong(too_long)),
            }
            match self.connection.body.next_chunk(Some(idle)).await {
                Chunk::Data(bytes) => self.lines.feed(&bytes),
                Chunk::End => self.ended = true,
                Chunk::Idle(idle) => return Err(LineError::Idle(idle)),
                Chunk::Broken(e) => return Err(LineError::Broken(e)),
            }
        }
    }

    /// The status of the response.
    pub(crate) fn status(&self) -> StatusCode {
        self.connection.status
    }

    pub(crate) fn address(&self) -> &str {
        self.connection.address()
    }

    /// The stream's error for `error`; `what` names a line ("a line of the JSON stream is").
    pub(crate) fn error<E>(&self, operation: &'static str, error: LineError, what: &str) -> Error<E> {
        let address = self.address();
        match error {
            LineError::TooLong(too_long) => stream_error(operation, &too_long.message(what), address),
            LineError::Idle(idle) => transport(operation, Failure::Silent(idle), address),
            LineError::Broken(e) => transport(operation, Failure::Reqwest(e), address),
        }
    }
}

/// Splits bytes into lines ended by LF, CR or CRLF, refusing a line longer
/// than its limit: the buffer never holds more than the limit and one chunk.
#[derive(Debug)]
pub(crate) struct LineSplitter {
    buffer: Vec<u8>,
    /// Where the unread part of `buffer` starts.
    start: usize,
    /// The last line ended with CR: a LF starting the next chunk belongs to it.
    after_cr: bool,
    max_line: usize,
}

/// A line longer than [`LineSplitter`]'s limit.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct LineTooLong(pub(crate) usize);

impl LineTooLong {
    pub(crate) fn message(&self, what: &str) -> String {
        format!("{what} longer than the {} limit (max_event_size)", ByteSize(self.0))
    }
}

impl LineSplitter {
    pub(crate) fn new(max_line: usize) -> Self {
        LineSplitter { buffer: Vec::new(), start: 0, after_cr: false, max_line }
    }

    /// Adds a chunk of the body.
    pub(crate) fn feed(&mut self, chunk: &[u8]) {
        if self.start > 0 {
            self.buffer.drain(..self.start);
            self.start = 0;
        }
        self.buffer.extend_from_slice(chunk);
    }

    /// The next complete line, without its end.
    pub(crate) fn next_line(&mut self) -> Result<Option<Vec<u8>>, LineTooLong> {
        let rest = self.buffer.get(self.start..).unwrap_or_default();
        let rest = if self.after_cr && rest.first() == Some(&b'\n') {
            self.start = self.start.saturating_add(1);
            self.after_cr = false;
            rest.get(1..).unwrap_or_default()
        } else {
            rest
        };
        if !rest.is_empty() {
            self.after_cr = false;
        }
        match rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
            Some(end) if end > self.max_line => Err(LineTooLong(self.max_line)),
            Some(end) => {
                let line = rest.get(..end).unwrap_or_default().to_vec();
                self.after_cr = rest.get(end) == Some(&b'\r');
                self.start = self.start.saturating_add(end).saturating_add(1);
                Ok(Some(line))
            }
            None if rest.len() > self.max_line => Err(LineTooLong(self.max_line)),
            None => Ok(None),
        }
    }

    /// The partial line held, if any (the body ended without its line end).
    pub(crate) fn take_rest(&mut self) -> Option<Vec<u8>> {
        let rest = self.buffer.get(self.start..).unwrap_or_default().to_vec();
        self.buffer.clear();
        self.start = 0;
        (!rest.is_empty()).then_some(rest)
    }
}

/// A streamed item's decoding (`what` names the item: "line", "event
/// data"), its failure as the operation's decode error.
pub(crate) fn decoded_item<T, E>(
    operation: &'static str,
    status: StatusCode,
    what: &str,
    decoded: Result<T, serde_json::Error>,
) -> Result<T, Error<E>> {
    decoded.map_err(|e| Error::Decode(DecodeError::new(operation, status, String::new(), format!("{what}: {e}"))))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    fn lines(splitter: &mut LineSplitter) -> Vec<String> {
        let mut out = Vec::new();
        while let Ok(Some(line)) = splitter.next_line() {
            out.push(String::from_utf8(line).unwrap());
        }
        out
    }

    #[test]
    fn splits_on_every_line_end_even_across_chunks() {
        let mut s = LineSplitter::new(100);
        s.feed(b"a\r");
        assert_eq!(lines(&mut s), ["a"]);
        s.feed(b"\nb\rc\n\nd");
        assert_eq!(lines(&mut s), ["b", "c", ""]);
    }

    #[test]
    fn a_line_that_never_ends_is_refused_at_the_limit() {
        let mut s = LineSplitter::new(10);
        s.feed(b"0123456789");
        assert_eq!(s.next_line(), Ok(None));
        s.feed(b"x");
        assert_eq!(s.next_line(), Err(LineTooLong(10)));
    }

    #[test]
    fn the_rest_is_the_partial_line_only() {
        let mut s = LineSplitter::new(10);
        s.feed(b"a\nbc");
        assert_eq!(lines(&mut s), ["a"]);
        assert_eq!(s.take_rest(), Some(b"bc".to_vec()));
        assert_eq!(s.take_rest(), None);
    }
}
