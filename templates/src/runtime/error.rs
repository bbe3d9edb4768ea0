//! The error type returned by every operation.

use std::convert::Infallible;
use std::fmt;

use reqwest::header::HeaderMap;
use reqwest::StatusCode;

/// How many characters of a response body [`ApiError`]'s `Display` shows.
const DISPLAY_BODY_LIMIT: usize = 512;

/// Everything that can go wrong when calling an operation.
///
/// `E` is the type of the operation's documented error body (the generated
/// error enum of the operation, or [`serde_json::Value`] when the spec does
/// not describe one).
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
    /// The request could not be sent or the response could not be read.
    Transport(reqwest::Error),
    /// Credentials could not be obtained (for example, an OAuth 2.0 token request failed).
    Auth(String),
    /// The request could not be built (invalid parameter, body that does not serialize,
    /// pagination link pointing to another origin, ...).
    InvalidRequest(String),
    /// The client is misconfigured (invalid base URL, unknown server variable, ...).
    Config(String),
}

impl<E> Error<E> {
    /// Wraps a `reqwest` error, dropping its URL so that query-string credentials never leak.
    pub(crate) fn transport(err: reqwest::Error) -> Self {
        Error::Transport(err.without_url())
    }

    /// The HTTP status of the response this error came from, if there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::Decode(e) => Some(e.status),
            Error::Transport(e) => e.status(),
            Error::Auth(_) | Error::InvalidRequest(_) | Error::Config(_) => None,
        }
    }
}

impl Error<Infallible> {
    /// Turns an error that cannot carry a typed API body into any `Error<E>`.
    pub(crate) fn widen<E>(self) -> Error<E> {
        match self {
            Error::Api(e) => {
                let e = *e.inner;
                Error::Api(ApiError::new(e.status, e.headers, None, e.raw_body))
            }
            Error::Decode(e) => Error::Decode(e),
            Error::Transport(e) => Error::Transport(e),
            Error::Auth(m) => Error::Auth(m),
            Error::InvalidRequest(m) => Error::InvalidRequest(m),
            Error::Config(m) => Error::Config(m),
        }
    }
}

impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api(e) => fmt::Display::fmt(e, f),
            Error::Decode(e) => fmt::Display::fmt(e, f),
            Error::Transport(e) => write!(f, "transport error: {e}"),
            Error::Auth(m) => write!(f, "authentication error: {m}"),
            Error::InvalidRequest(m) => write!(f, "invalid request: {m}"),
            Error::Config(m) => write!(f, "invalid client configuration: {m}"),
        }
    }
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport(e) => Some(e),
            Error::Decode(e) => Some(e),
            _ => None,
        }
    }
}

/// A response whose status the operation does not treat as success.
///
/// Boxed inside, so that `Result<T, Error<E>>` stays small.
pub struct ApiError<E = serde_json::Value> {
    inner: Box<ApiErrorInner<E>>,
}

struct ApiErrorInner<E> {
    status: StatusCode,
    headers: HeaderMap,
    body: Option<E>,
    raw_body: String,
}

impl<E> ApiError<E> {
    pub(crate) fn new(status: StatusCode, headers: HeaderMap, body: Option<E>, raw_body: String) -> Self {
        ApiError { inner: Box::new(ApiErrorInner { status, headers, body, raw_body }) }
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

    /// The raw response body (lossily decoded as UTF-8), whether or not it parsed.
    pub fn raw_body(&self) -> &str {
        &self.inner.raw_body
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `HeaderMap`'s Debug prints "Sensitive" for values marked sensitive; the
        // runtime marks Authorization, Cookie, Set-Cookie and API-key headers.
        f.debug_struct("ApiError")
            .field("status", &self.inner.status)
            .field("headers", &self.inner.headers)
            .field("body", &self.inner.body)
            .field("raw_body", &self.inner.raw_body)
            .finish()
    }
}

impl<E> fmt::Display for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error: HTTP {}", self.inner.status)?;
        let body = self.inner.raw_body.trim();
        if !body.is_empty() {
            match body.char_indices().nth(DISPLAY_BODY_LIMIT) {
                Some((cut, _)) => write!(f, ": {}...", &body[..cut])?,
                None => write!(f, ": {body}")?,
            }
        }
        Ok(())
    }
}

/// A response body that did not match the expected type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub(crate) status: StatusCode,
    pub(crate) path: String,
    pub(crate) message: String,
}

impl DecodeError {
    /// The HTTP status of the response whose body failed to decode.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The path of the field that failed to decode, e.g. `items[2].created`
    /// (`.` when the failure is at the top level).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The decoder's description of the failure.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "failed to decode response body (HTTP {}) at `{}`: {}", self.status, self.path, self.message)
    }
}

impl std::error::Error for DecodeError {}
