//! The client: its shared state, the path every call takes, and the `send`
//! functions operations call.

use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Url;
use tracing::Instrument as _;

use super::auth::Schemes;
use super::error::Error;
use super::middleware::Middleware;
use super::redact::without_userinfo;
use super::redirect::RedirectPolicy;
use super::request::Request;
use super::response::{RawResponse, Response};
use super::retry::RetryPolicy;

/// Shared state of a [`Client`] and its clones.
pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    /// The base URL without trailing `/`.
    pub(super) base_url: String,
    /// The parsed base URL (for origin checks).
    pub(super) base: Url,
    pub(super) user_agent: Option<HeaderValue>,
    /// Per-request timeout (only with a caller-provided reqwest client).
    pub(super) request_timeout: Option<Duration>,
    /// The per-attempt timeout, however it is applied (for error messages).
    pub(super) attempt_timeout: Option<Duration>,
    /// Total time per call, across attempts.
    pub(super) deadline: Option<Duration>,
    /// The longest silence of the server within an attempt ([`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout)).
    pub(super) silence: Option<Duration>,
    pub(super) strict_formats: bool,
    pub(super) retry_policy: RetryPolicy,
    pub(super) schemes: Schemes,
    /// Response headers whose values are redacted (API key headers).
    pub(super) sensitive_headers: Vec<HeaderName>,
    /// [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size).
    pub(super) max_body_size: usize,
    /// [`ClientBuilder::max_pages`](super::ClientBuilder::max_pages).
    pub(super) max_pages: u64,
    pub(super) redirects: RedirectPolicy,
    /// [`ClientBuilder::middleware`](super::ClientBuilder::middleware), outermost first.
    pub(super) middleware: Vec<Arc<dyn Middleware>>,
    /// [`ClientBuilder::mock`](super::ClientBuilder::mock): answers instead of the network.
    #[cfg(feature = "mock")]
    pub(super) mock: Option<super::mock::MockServer>,
}

/// A client for one API; cheap to clone (clones share connections and cached tokens).
///
/// `Debug` never shows credentials (nor the user name and password of a base URL).
#[derive(Clone)]
pub struct Client {
    pub(super) inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let schemes: Vec<_> = self.inner.schemes.iter().collect();
        f.debug_struct("Client")
            .field("base_url", &without_userinfo(&self.inner.base_url))
            .field("schemes", &schemes)
            .field("retry_policy", &self.inner.retry_policy)
            .finish_non_exhaustive()
    }
}

/// Whether two URLs share scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

impl Client {
    /// [`ClientBuilder::max_pages`](super::ClientBuilder::max_pages).
    pub(crate) fn max_pages(&self) -> u64 {
        self.inner.max_pages
    }

    /// The base URL (without trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The underlying `reqwest::Client`.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The parsed base URL.
    pub(crate) fn base(&self) -> &Url {
        &self.inner.base
    }

    /// [`ClientBuilder::redirects`](super::ClientBuilder::redirects).
    pub(super) fn redirect_policy(&self) -> RedirectPolicy {
        self.inner.redirects
    }

    /// The query parameters that carry API keys.
    pub(super) fn query_key_names(&self) -> Vec<&str> {
        self.inner.schemes.iter().filter_map(|(_, s)| s.secret_query_parameter()).collect()
    }

    /// Sends one operation request and returns the raw response for any status.
    ///
    /// Resolves base URL, path and query; applies the credentials of the first
    /// security alternative of the request whose schemes all have credentials
    /// configured; retries according to the [`RetryPolicy`]; records an
    /// `http.request` span (method, path template, operation id, status,
    /// attempt, duration) that never contains secrets, query strings or header
    /// values. Turning the status into a typed result is the caller's job.
    pub async fn execute<E>(&self, req: Request) -> Result<RawResponse, Error<E>> {
        self.dispatch(req).await.map_err(Error::widen)
    }

    /// [`Client::execute`] without a typed error body: the one path every
    /// call takes. It is neither generic nor an `async fn` of its callers, so
    /// the compiler type-checks, proves `Send` for and compiles its deep
    /// future (reqwest, hyper, tracing) once, not once per operation.
    pub(crate) fn dispatch(&self, mut req: Request) -> BoxFuture<'_, Result<RawResponse, Error<Infallible>>> {
        Box::pin(async move {
            // One key for the whole call, so every attempt sends the same.
            let keyed = req.apply_idempotency_key();
            let span = tracing::info_span!(
                "http.request",
                method = %req.method,
                path = req.path_template,
                operation_id = req.operation_id,
                status = tracing::field::Empty,
                attempt = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            // No subscriber wants the span: the clock is not read for it.
            let started = (!span.is_disabled()).then(Instant::now);
            // Boxed on its own: kept inline, the attempt loop's few KiB would
            // be copied with every move of this future.
            let result = Box::pin(self.run(&req, keyed, &span)).instrument(span.clone()).await;
            if let Some(started) = started {
                span.record("duration_ms", u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX));
            }
            match &result {
                Ok(raw) => {
                    span.record("status", raw.status().as_u16());
                }
                Err(e) => {
                    if let Some(status) = e.status() {
                        span.record("status", status.as_u16());
                    }
                }
            }
            result
        })
    }
}

/// Sends `request` with `client` and decodes the response with `decode`: what
/// an operation's `send()` does. Generic over the result types only, never
/// over an operation, so operations sharing a success and an error type share
/// one copy, and the future is boxed here, where its `Send` is proven once.
///
/// A `request` that could not be built (`Err`) is returned as it is.
pub fn send<'a, T, E>(
    client: &'a Client,
    request: Result<Request, Error<E>>,
    decode: fn(RawResponse) -> Result<T, Error<E>>,
) -> BoxFuture<'a, Result<T, Error<E>>>
where
    T: Send + 'a,
    E: Send + 'a,
{
    call(client, request, decode)
}

/// [`send`], keeping the response's status and headers beside the decoded
/// body: what an operation's `send_with_headers()` does.
pub fn send_with_headers<'a, T, E>(
    client: &'a Client,
    request: Result<Request, Error<E>>,
    decode: fn(RawResponse) -> Result<T, Error<E>>,
) -> BoxFuture<'a, Result<Response<T>, Error<E>>>
where
    T: Send + 'a,
    E: Send + 'a,
{
    call(client, request, move |response: RawResponse| response.decode_with_headers(decode))
}

/// What [`send`] and [`send_with_headers`] share: execute, then decode.
fn call<'a, U, E, D>(
    client: &'a Client,
    request: Result<Request, Error<E>>,
    decode: D,
) -> BoxFuture<'a, Result<U, Error<E>>>
where
    U: Send + 'a,
    E: Send + 'a,
    D: FnOnce(RawResponse) -> Result<U, Error<E>> + Send + 'a,
{
    Box::pin(async move {
        let response = client.dispatch(request?).await.map_err(Error::widen)?;
        decode(response)
    })
}
