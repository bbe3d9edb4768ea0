//! Middleware: user code around every request the client sends.
//!
//! A [`Middleware`] sees each request after credentials are applied (so it
//! can sign it), hands it on with [`Next::run`] (or answers it itself), and
//! sees the response, its body read within the size limit, or the error.
//! It runs inside the attempt loop, once per request sent: every retry and
//! every followed redirect goes through it again, with [`CallInfo::attempt`]
//! counting the attempts.
//!
//! Why not `tower` or `reqwest-middleware`: both work on a
//! `reqwest::Response` whose body is still unread, which the runtime must read
//! itself within its size limit and silence timer; neither carries the
//! operation id or the attempt number; `tower`'s generic `Service` stack would
//! make every call's future generic (compiled per crate that names it)
//! where the runtime compiles one boxed path; and either would be one more
//! dependency, versioned against reqwest, in every generated crate. A tower
//! `Service` or a `reqwest_middleware::Middleware` can still be called from a
//! [`Middleware`] that owns it.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;

use futures::future::BoxFuture;
use reqwest::{Method, Url};

use super::client::Client;
use super::error::Error;
use super::response::RawResponse;
use super::watchdog::Progress;

/// What a request sent through the [`Middleware`] chain is, besides its
/// URL, headers and body.
#[derive(Debug, Clone)]
pub struct CallInfo {
    pub(crate) operation_id: &'static str,
    pub(crate) path_template: &'static str,
    pub(crate) method: Method,
    pub(crate) attempt: u32,
    /// The 2xx statuses whose body is left unread ([`Request::stream_response_on`](super::Request::stream_response_on)).
    pub(crate) streamed_statuses: &'static [(u16, u16)],
}

impl CallInfo {
    /// The operation id of the call (`listApiTokens`).
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The path template of the operation (`/api/v1/api-tokens/{apiTokenId}`).
    pub fn path_template(&self) -> &'static str {
        self.path_template
    }

    /// The method of the operation (a followed redirect may send another).
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// Which attempt of the call this request belongs to: 1, then 2 on the
    /// first retry, and so on (the hops of a followed redirect share theirs).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }
}

/// How a request sent through the [`Middleware`] chain failed, without a
/// response.
///
/// A transport error ([`SendError::is_transport`]) is retried by the
/// client's [`RetryPolicy`](super::RetryPolicy) where that is safe; an
/// error a middleware returns with [`SendError::fail`] ends the call with
/// that error, never retried.
pub struct SendError(pub(crate) SendErrorKind);

pub(crate) enum SendErrorKind {
    /// The request could not be sent or its response not read.
    Transport(reqwest::Error),
    /// The call ends with this error.
    Call(Error<Infallible>),
}

impl SendError {
    /// Ends the call with `error` (say, an [`Error::Auth`] from a signing
    /// middleware whose key store is down); it is not retried.
    pub fn fail(error: Error<Infallible>) -> Self {
        SendError(SendErrorKind::Call(error))
    }

    /// Whether the request failed in transport (connection refused, reset, timed out).
    pub fn is_transport(&self) -> bool {
        matches!(self.0, SendErrorKind::Transport(_))
    }

    /// The transport error, if it is one (its URL removed: it may hold an API key).
    pub fn transport_error(&self) -> Option<&reqwest::Error> {
        match &self.0 {
            SendErrorKind::Transport(e) => Some(e),
            SendErrorKind::Call(_) => None,
        }
    }
}

impl fmt::Debug for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            SendErrorKind::Transport(e) => fmt::Display::fmt(e, f),
            SendErrorKind::Call(e) => fmt::Display::fmt(e, f),
        }
    }
}

/// Code run around every request a [`Client`] sends; added with
/// [`ClientBuilder::middleware`](super::ClientBuilder::middleware).
///
/// Several compose in the order they are added: the first added is the
/// outermost, seeing the request first and the response last; the last
/// added is next to the network. Credentials are applied before the first
/// one. A middleware that returns without calling [`Next::run`] answers the
/// request itself: the middleware after it and the network never see it.
///
/// ```ignore
/// struct TraceHeader;
///
/// impl Middleware for TraceHeader {
///     fn handle<'a>(
///         &'a self,
///         mut request: reqwest::Request,
///         info: &'a CallInfo,
///         next: Next<'a>,
///     ) -> BoxFuture<'a, Result<RawResponse, SendError>> {
///         Box::pin(async move {
///             request.headers_mut().insert("x-trace-id", HeaderValue::from_static("abc"));
///             next.run(request).await
///         })
///     }
/// }
/// ```
pub trait Middleware: Send + Sync + 'static {
    /// Handles one request of the call `info` describes: usually changes it,
    /// calls `next.run(request)`, and looks at what comes back.
    fn handle<'a>(
        &'a self,
        request: reqwest::Request,
        info: &'a CallInfo,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<RawResponse, SendError>>;
}

/// The rest of the chain after a [`Middleware`]: the middleware added after
/// it, then the network.
pub struct Next<'a> {
    pub(crate) client: &'a Client,
    pub(crate) rest: &'a [Arc<dyn Middleware>],
    pub(crate) info: &'a CallInfo,
    pub(crate) progress: &'a Progress,
    /// The call's URL, for error messages.
    pub(crate) url: &'a Url,
}

impl fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Next").field("remaining", &self.rest.len()).finish_non_exhaustive()
    }
}

impl<'a> Next<'a> {
    /// Sends `request` through the rest of the chain.
    pub fn run(self, request: reqwest::Request) -> BoxFuture<'a, Result<RawResponse, SendError>> {
        match self.rest.split_first() {
            Some((first, rest)) => first.handle(request, self.info, Next { rest, ..self }),
            None => Box::pin(async move {
                let sent = self.client.send_within_limit(request, self.info, self.url, self.progress).await;
                match sent {
                    Ok(Ok(raw)) => Ok(raw),
                    Ok(Err(e)) => Err(SendError(SendErrorKind::Transport(e))),
                    Err(e) => Err(SendError(SendErrorKind::Call(e))),
                }
            }),
        }
    }
}
