//! The error type returned by every operation.

use std::convert::Infallible;
use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;

use super::body::{ByteSize, ERROR_BODY_LIMIT};

/// How many characters of a response body [`ApiError`]'s `Display` shows.
const DISPLAY_BODY_LIMIT: usize = 512;

/// Everything that can go wrong when calling an operation.
///
/// `E` is the type of the operation's documented error body (the generated
/// error enum of the operation, or [`serde_json::Value`] when the spec does
/// not describe one).
///
/// `Display` says what happened in one line, starting with the operation id
/// and ending with the root cause, e.g. `listApiTokens: connection refused
/// (127.0.0.1:8080)` or `getApiToken: timed out after 1 s`.
/// [`source()`](std::error::Error::source) returns the next cause, never a
/// repeat of that line, so `anyhow`'s `{:#}` and error-chain printers show
/// each cause once.
///
/// Neither `Display` nor `Debug` ever shows credentials: transport errors are
/// stripped of their URL (which may carry an API key in its query string) and
/// sensitive headers are redacted.
#[derive(Debug)]
pub enum Error<E = serde_json::Value> {
    /// The server answered with a status the operation does not treat as success.
    Api(ApiError<E>),
    /// The response body could not be decoded into the expected type.
    Decode(DecodeError),
    /// The request could not be sent or the response could not be read
    /// (connection refused, timeout, total deadline exceeded, connection
    /// closed, body larger than [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size), ...).
    Transport(TransportError),
    /// Credentials could not be obtained (for example, an OAuth 2.0 token
    /// request failed). The message starts with the operation id.
    Auth(String),
    /// The request could not be built (invalid parameter, body that does not serialize,
    /// pagination link pointing to another origin, ...), paging was stopped
    /// (a next-page link leading back to a page already fetched, a page
    /// repeating the one before it, more pages than
    /// [`ClientBuilder::max_pages`](super::ClientBuilder::max_pages)), or a
    /// redirect was refused (to another origin, from https to http, one too
    /// many: see [`RedirectPolicy`](super::RedirectPolicy)). The message
    /// starts with the operation id.
    InvalidRequest(String),
    /// The client is misconfigured (invalid base URL, unknown server variable, ...).
    Config(String),
    /// A file could not be read (an [`UploadBody::path`](super::UploadBody::path))
    /// or written ([`Download::to_file`](super::Download::to_file)). The
    /// message starts with the operation id and names the file.
    Io(std::io::Error),
}

impl<E> Error<E> {
    /// The HTTP status of the response this error came from, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::Decode(e) => Some(e.status),
            Error::Transport(e) => e.status.or_else(|| e.source.as_ref().and_then(reqwest::Error::status)),
            Error::Auth(_) | Error::InvalidRequest(_) | Error::Config(_) | Error::Io(_) => None,
        }
    }

    /// `message` as an [`Error::InvalidRequest`] of `operation`.
    pub(crate) fn invalid_request(operation: &str, message: impl fmt::Display) -> Self {
        Error::InvalidRequest(format!("{operation}: invalid request: {message}"))
    }
}

impl Error<Infallible> {
    /// Turns an error that cannot carry a typed API body into any `Error<E>`.
    pub(crate) fn widen<E>(self) -> Error<E> {
        match self {
            Error::Api(e) => {
                let e = *e.inner;
                Error::Api(
                    ApiError::new(e.operation, e.status, e.headers, None, e.raw_body)
                        .with_truncated_body(e.body_truncated),
                )
            }
            Error::Decode(e) => Error::Decode(e),
            Error::Transport(e) => Error::Transport(e),
            Error::Auth(m) => Error::Auth(m),
            Error::InvalidRequest(m) => Error::InvalidRequest(m),
            Error::Config(m) => Error::Config(m),
            Error::Io(e) => Error::Io(e),
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::Transport(e) => fmt::Display::fmt(e, f),
            Error::Auth(m) | Error::InvalidRequest(m) => f.write_str(m),
            Error::Config(m) => write!(f, "invalid client configuration: {m}"),
            Error::Io(e) => fmt::Display::fmt(e, f),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // `Display` is the wrapped error's own line, so its source comes next.
        match self {
            Error::Transport(e) => std::error::Error::source(e),
            Error::Decode(e) => std::error::Error::source(e),
            _ => None,
        }
    }
}

/// How one attempt failed in transport.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The request could not be sent, or the response not read.
    Reqwest(reqwest::Error),
    /// The server sent nothing for this long ([`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout)).
    Silent(Duration),
}

/// A request that could not be sent, or a response that could not be read.
///
/// `Display` names the operation and the root cause: `connection refused
/// (host:port)`, `timed out after 1 s`, `deadline of 5 s exceeded after 3
/// attempts (last error: timed out after 2 s)`, `connection closed before
/// message completed`, ...
///
/// [`source()`](std::error::Error::source) walks the messages of the
/// underlying `reqwest::Error` (stripped of its URL), leaving out a last
/// cause that `Display` already says; the error itself is
/// [`TransportError::reqwest_error`].
pub struct TransportError {
    operation: &'static str,
    /// The `reqwest` error of the last attempt (none when the deadline
    /// elapsed before any attempt failed on its own).
    source: Option<reqwest::Error>,
    attempts: u32,
    deadline: Option<Duration>,
    /// The server's silence that ended the last attempt ([`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout)).
    silent: Option<Duration>,
    /// What went wrong, in a few words (`connection refused (host:port)`).
    summary: String,
    /// The causes under the summary, as `source()` shows them.
    causes: Option<Box<Cause>>,
    /// The status of a response whose body could not be read, when known.
    status: Option<StatusCode>,
    /// The limit a body exceeded ([`TransportError::body_limit`]).
    body_limit: Option<usize>,
}

/// One cause of a [`TransportError`], as text.
#[derive(Debug)]
struct Cause {
    message: String,
    next: Option<Box<Cause>>,
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.next.as_deref().map(|c| c as &(dyn std::error::Error + 'static))
    }
}

impl TransportError {
    /// The error of a call whose last attempt failed with `last` (if it
    /// failed on its own) after `attempts` attempts.
    pub(crate) fn new(
        operation: &'static str,
        last: Option<Failure>,
        attempts: u32,
        attempt_timeout: Option<Duration>,
        deadline: Option<Duration>,
        address: &str,
    ) -> Self {
        let (source, silent) = match last {
            Some(Failure::Reqwest(e)) => (Some(e.without_url()), None),
            Some(Failure::Silent(silence)) => (None, Some(silence)),
            None => (None, None),
        };
        let summary = match (&source, silent) {
            (Some(e), _) => summarize(e, attempt_timeout, address),
            (None, Some(silence)) => format!("no data from the server for {} ({address})", HumanDuration(silence)),
            (None, None) => String::new(),
        };
        let mut messages = Vec::new();
        let mut current = source.as_ref().map(|e| e as &(dyn std::error::Error + 'static));
        while let Some(e) = current {
            messages.push(e.to_string());
            current = e.source();
        }
        if messages.last().is_some_and(|root| summary.contains(root.as_str())) {
            messages.pop();
        }
        let causes = messages.into_iter().rev().fold(None, |next, message| Some(Box::new(Cause { message, next })));
        TransportError {
            operation,
            source,
            attempts,
            deadline,
            silent,
            summary,
            causes,
            status: None,
            body_limit: None,
        }
    }

    /// The error of a call whose response (`status`) had a body longer than
    /// `limit` bytes (`announced` by `Content-Length`, if it was).
    pub(crate) fn body_too_large(
        operation: &'static str,
        attempts: u32,
        status: StatusCode,
        limit: usize,
        announced: Option<u64>,
        address: &str,
    ) -> Self {
        let announced = announced.map(|n| format!(", Content-Length {n}")).unwrap_or_default();
        let summary = format!(
            "the body of the HTTP {} response is larger than the {} limit (max_body_size{announced}) ({address})",
            status.as_u16(),
            ByteSize(limit)
        );
        TransportError {
            operation,
            source: None,
            attempts,
            deadline: None,
            silent: None,
            summary,
            causes: None,
            status: Some(status),
            body_limit: Some(limit),
        }
    }

    /// A streamed response that broke a limit of the stream (an event or a
    /// line too long, reconnections used up); `summary` says which.
    pub(crate) fn stream(operation: &'static str, summary: String) -> Self {
        TransportError {
            operation,
            source: None,
            attempts: 1,
            deadline: None,
            silent: None,
            summary,
            causes: None,
            status: None,
            body_limit: None,
        }
    }

    /// Whether the response body was larger than
    /// [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size)
    /// (it was not read past the limit; the call is not retried).
    pub fn is_body_too_large(&self) -> bool {
        self.body_limit.is_some()
    }

    /// The body size limit the response exceeded, in bytes, if that is what failed.
    pub fn body_limit(&self) -> Option<usize> {
        self.body_limit
    }

    /// The operation id of the failed call.
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// How many attempts were made (retries included).
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// Whether the call ran out of time: the per-attempt timeout, the
    /// server's silence ([`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout)) or the total deadline.
    pub fn is_timeout(&self) -> bool {
        self.deadline.is_some() || self.silent.is_some() || self.source.as_ref().is_some_and(reqwest::Error::is_timeout)
    }

    /// Whether the total deadline ([`ClientBuilder::deadline`](super::ClientBuilder::deadline)) ended the call.
    pub fn is_deadline(&self) -> bool {
        self.deadline.is_some()
    }

    /// Whether the last attempt failed to connect (the request was never sent).
    pub fn is_connect(&self) -> bool {
        self.source.as_ref().is_some_and(reqwest::Error::is_connect)
    }

    /// The `reqwest` error of the last attempt, if it failed on its own (its URL removed).
    pub fn reqwest_error(&self) -> Option<&reqwest::Error> {
        self.source.as_ref()
    }
}

/// What went wrong in one attempt, in a few words.
fn summarize(err: &reqwest::Error, attempt_timeout: Option<Duration>, address: &str) -> String {
    if err.is_timeout() {
        return match (err.is_connect(), attempt_timeout) {
            (true, _) => format!("connect timed out ({address})"),
            (false, Some(t)) => format!("timed out after {}", HumanDuration(t)),
            (false, None) => "timed out".to_owned(),
        };
    }
    let root = root_cause(err);
    if err.is_connect() {
        format!("{root} ({address})")
    } else {
        root
    }
}

/// The deepest cause of `err`: the kind of an I/O error where it has a
/// name ("connection refused"), else the innermost message.
fn root_cause(err: &(dyn std::error::Error + 'static)) -> String {
    let mut deepest = err;
    let mut io_kind = None;
    let mut current = Some(err);
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kind = Some(io.kind());
        }
        deepest = e;
        current = e.source();
    }
    match io_kind {
        Some(kind) if kind != std::io::ErrorKind::Other => kind.to_string(),
        _ => deepest.to_string(),
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_operation(f, self.operation)?;
        let attempts = Plural(self.attempts, "attempt");
        match self.deadline {
            Some(deadline) => {
                write!(f, "deadline of {} exceeded after {attempts}", HumanDuration(deadline))?;
                if !self.summary.is_empty() {
                    write!(f, " (last error: {})", self.summary)?;
                }
                Ok(())
            }
            None => {
                f.write_str(&self.summary)?;
                if self.attempts > 1 {
                    write!(f, " after {attempts}")?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Debug for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportError")
            .field("operation", &self.operation)
            .field("attempts", &self.attempts)
            .field("deadline", &self.deadline)
            .field("silent", &self.silent)
            .field("status", &self.status)
            .field("body_limit", &self.body_limit)
            .field("source", &self.source)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.causes.as_deref().map(|c| c as &(dyn std::error::Error + 'static))
    }
}

/// `1 s`, `1.5 s`, `250 ms`.
pub(crate) struct HumanDuration(pub(crate) Duration);

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.subsec_nanos() == 0 {
            write!(f, "{} s", d.as_secs())
        } else if d == Duration::from_millis(u64::from(d.subsec_millis())) {
            write!(f, "{} ms", d.as_millis())
        } else {
            let text = format!("{:.3}", d.as_secs_f64());
            write!(f, "{} s", text.trim_end_matches('0').trim_end_matches('.'))
        }
    }
}

/// `1 attempt`, `3 attempts`.
struct Plural(u32, &'static str);

impl fmt::Display for Plural {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}{}", self.0, self.1, if self.0 == 1 { "" } else { "s" })
    }
}

/// A response whose status the operation does not treat as success.
///
/// Boxed inside, so that `Result<T, Error<E>>` stays small.
pub struct ApiError<E = serde_json::Value> {
    inner: Box<ApiErrorInner<E>>,
}

struct ApiErrorInner<E> {
    operation: &'static str,
    status: StatusCode,
    headers: HeaderMap,
    body: Option<E>,
    raw_body: String,
    /// Whether the body was cut at the error body limit (64 KiB).
    body_truncated: bool,
}

impl<E> ApiError<E> {
    pub(crate) fn new(
        operation: &'static str,
        status: StatusCode,
        headers: HeaderMap,
        body: Option<E>,
        raw_body: String,
    ) -> Self {
        ApiError {
            inner: Box::new(ApiErrorInner { operation, status, headers, body, raw_body, body_truncated: false }),
        }
    }

    /// Marks the body as cut at the error body limit (64 KiB) (or not).
    pub(crate) fn with_truncated_body(mut self, truncated: bool) -> Self {
        self.inner.body_truncated = truncated;
        self
    }

    /// Whether the server sent a longer body than was kept: error bodies are
    /// kept up to 64 KiB (or [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size)
    /// if smaller), so [`ApiError::raw_body`] has the start of it and
    /// [`ApiError::body`] is usually `None`.
    pub fn is_body_truncated(&self) -> bool {
        self.inner.body_truncated
    }

    /// The operation id of the call (empty for a response built with [`RawResponse::new`](super::RawResponse::new)).
    pub fn operation(&self) -> &'static str {
        self.inner.operation
    }

    /// The HTTP status of the response.
    pub fn status(&self) -> StatusCode {
        self.inner.status
    }

    /// The response headers (sensitive values are marked as such and redacted by `Debug`).
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.headers
    }

    /// The response body parsed as the operation's documented error type, if it parsed.
    pub fn body(&self) -> Option<&E> {
        self.inner.body.as_ref()
    }

    /// Consumes the error and returns the parsed body, if it parsed.
    pub fn into_body(self) -> Option<E> {
        self.inner.body
    }

    /// The raw response body (lossily decoded as UTF-8), whether or not it
    /// parsed; its first 64 KiB when [`ApiError::is_body_truncated`].
    pub fn raw_body(&self) -> &str {
        &self.inner.raw_body
    }
}

/// Shows the operation, status, headers (credential-bearing ones redacted),
/// the body parsed as `E` (through `E`'s `Debug`, which for generated models
/// redacts secret properties) and the raw body's length, never the raw body:
/// it may echo tokens or passwords, and it may be large. Read it with
/// [`ApiError::raw_body`].
impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `HeaderMap`'s Debug prints "Sensitive" for values marked sensitive; the
        // runtime marks Authorization, Cookie, Set-Cookie and API-key headers.
        f.debug_struct("ApiError")
            .field("operation", &self.inner.operation)
            .field("status", &self.inner.status)
            .field("headers", &self.inner.headers)
            .field("body", &self.inner.body)
            .field("raw_body_len", &self.inner.raw_body.len())
            .field("body_truncated", &self.inner.body_truncated)
            .finish()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_operation(f, self.inner.operation)?;
        write!(f, "HTTP {}", self.inner.status)?;
        let body = self.inner.raw_body.trim();
        if !body.is_empty() {
            // One line: a pretty-printed body is folded.
            let shown: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
            match shown.char_indices().nth(DISPLAY_BODY_LIMIT) {
                Some((cut, _)) => write!(f, ": {}...", &shown[..cut])?,
                None if self.inner.body_truncated => write!(f, ": {shown}...")?,
                None => write!(f, ": {shown}")?,
            }
        }
        Ok(())
    }
}

/// A response body that did not match the expected type.
///
/// Either the body did not decode (the error names the path of the failing
/// value), or it was not JSON at all: an operation whose spec gives its body
/// a schema under a media type that does not say JSON (`*/*`,
/// `application/*`, `application/vnd.example`) decodes the body only when
/// the response's `Content-Type` is JSON, and otherwise returns this error
/// with the body ([`DecodeError::is_unexpected_content_type`],
/// [`DecodeError::content_type`], [`DecodeError::body`]).
#[derive(Clone)]
pub struct DecodeError {
    pub(crate) operation: &'static str,
    pub(crate) status: StatusCode,
    pub(crate) path: String,
    pub(crate) message: String,
    /// The body of a response that was not JSON (boxed: most decode errors have none).
    pub(crate) unexpected: Option<Box<UnexpectedBody>>,
}

/// The body of a response whose `Content-Type` was not JSON.
#[derive(Clone)]
pub(crate) struct UnexpectedBody {
    /// The response's `Content-Type`, as sent (lossily decoded as UTF-8).
    pub(crate) content_type: String,
    /// The start of the body: at most [`ERROR_BODY_LIMIT`] bytes.
    pub(crate) body: Bytes,
    /// Whether the body was longer than what is kept.
    pub(crate) truncated: bool,
}

impl DecodeError {
    /// A failure to decode the body at `path`.
    pub(crate) fn new(operation: &'static str, status: StatusCode, path: String, message: String) -> Self {
        DecodeError { operation, status, path, message, unexpected: None }
    }

    /// A body whose `Content-Type` is not JSON: the error keeps the type and
    /// a copy of the body's first [`ERROR_BODY_LIMIT`] bytes (a copy, so the
    /// rest of a large body is freed).
    pub(crate) fn unexpected_content_type(
        operation: &'static str,
        status: StatusCode,
        content_type: String,
        body: &Bytes,
    ) -> Self {
        let kept = body.get(..ERROR_BODY_LIMIT).unwrap_or(body);
        let truncated = kept.len() < body.len();
        let message = format!("Content-Type `{}` is not JSON ({} bytes)", content_type.escape_debug(), body.len());
        DecodeError {
            operation,
            status,
            path: ".".to_owned(),
            message,
            unexpected: Some(Box::new(UnexpectedBody { content_type, body: Bytes::copy_from_slice(kept), truncated })),
        }
    }

    /// The operation id of the call (empty for a response built with [`RawResponse::new`](super::RawResponse::new)).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status of the response whose body failed to decode.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The path of the field that failed to decode, e.g. `items[2].created`
    /// (`.` when the failure is at the top level).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The decoder's description of the failure, without the value it failed
    /// on (`invalid type: string, expected u64`): the body may hold secrets.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Whether the body was not decoded because the response's
    /// `Content-Type` was not JSON (say `text/html`): then
    /// [`DecodeError::content_type`] and [`DecodeError::body`] say what came.
    pub fn is_unexpected_content_type(&self) -> bool {
        self.unexpected.is_some()
    }

    /// The `Content-Type` of a response that was not JSON
    /// ([`DecodeError::is_unexpected_content_type`]); `None` otherwise.
    pub fn content_type(&self) -> Option<&str> {
        self.unexpected.as_deref().map(|u| u.content_type.as_str())
    }

    /// The raw body of a response that was not JSON, as the server sent it:
    /// its first 64 KiB when [`DecodeError::is_body_truncated`], like the
    /// body of an [`ApiError`]. `None` for a body that was JSON but did not
    /// decode.
    pub fn body(&self) -> Option<&Bytes> {
        self.unexpected.as_deref().map(|u| &u.body)
    }

    /// Whether [`DecodeError::body`] is only the start of the body.
    pub fn is_body_truncated(&self) -> bool {
        self.unexpected.as_deref().is_some_and(|u| u.truncated)
    }
}

/// Like [`ApiError`]'s: the body is shown by its length only.
impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("DecodeError");
        debug
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("path", &self.path)
            .field("message", &self.message);
        if let Some(unexpected) = &self.unexpected {
            debug
                .field("content_type", &unexpected.content_type)
                .field("body_len", &unexpected.body.len())
                .field("body_truncated", &unexpected.truncated);
        }
        debug.finish()
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_operation(f, self.operation)?;
        if !self.status.is_success() {
            write!(f, "HTTP {} ", self.status)?;
        }
        if self.unexpected.is_some() {
            write!(f, "response body: {}", self.message)
        } else {
            write!(f, "response body at `{}`: {}", self.path, self.message)
        }
    }
}

/// `operation: `, or nothing when the operation is not known.
fn write_operation(f: &mut fmt::Formatter<'_>, operation: &str) -> fmt::Result {
    if operation.is_empty() {
        Ok(())
    } else {
        write!(f, "{operation}: ")
    }
}

impl std::error::Error for DecodeError {}
