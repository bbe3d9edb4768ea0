//! The test double (feature `mock`): a client that answers from responses a
//! test registers, with no socket, and records every request it is sent.
//!
//! The generated crate's `mock` module wraps this per operation, typed
//! (`mock.api_token().list_api_tokens().returns(vec![..])`). The double is
//! the last step of the client's send path ([`ClientBuilder::mock`](super::ClientBuilder::mock)):
//! everything before the network runs as in production (parameters, bodies,
//! credentials, middleware, retries, the deadline, decoding), and the
//! request goes to the registered answers instead of the network.
//!
//! Streamed responses (`events()`, `lines()`) take that path too: the body
//! registered with [`MockOperation::responds`] (`responds(200,
//! "text/event-stream", "data: {..}\n\n")`) is the whole stream, read in
//! one piece, and the stream ends with it (an event stream is not reopened
//! after a clean end). Not answered by the double, because they do not take
//! that path: OAuth 2.0 client-credential token requests. Give a mock
//! client other credentials.

use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::{Error, TransportError};
use super::middleware::CallInfo;
use super::response::RawResponse;

/// The base URL of a mock client: `.invalid` never resolves (RFC 2606), so a
/// request that escaped the double could reach no host.
pub const MOCK_BASE_URL: &str = "https://mock.invalid";

/// How an operation's success value is written as a response body (the
/// generator picks it from how the operation reads its body).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MockBody {
    /// JSON (`application/json`).
    Json,
    /// The value's text (`text/plain`).
    Text,
    /// The value's bytes (`application/octet-stream`).
    Bytes,
    /// No body.
    Empty,
    /// Several success types: only [`MockOperation::responds`] answers.
    Raw,
}

/// What the generator knows about one operation, for its double.
#[derive(Debug)]
pub struct MockSpec {
    /// The operation id (`listApiTokens`).
    pub operation_id: &'static str,
    /// The method (`GET`).
    pub method: &'static str,
    /// The path template (`/api/v1/api-tokens`).
    pub path: &'static str,
    /// The status [`MockOperation::returns`] answers with.
    pub status: u16,
    /// How [`MockOperation::returns`] writes its value.
    pub body: MockBody,
    /// The spec's example of the success body, as JSON text.
    pub example: Option<&'static str>,
}

/// A request the code under test made through a mock client, as it would
/// have been sent (credentials and middleware applied).
#[derive(Debug, Clone)]
pub struct RecordedRequest {
    operation_id: &'static str,
    attempt: u32,
    method: Method,
    path: String,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Option<Bytes>,
}

impl RecordedRequest {
    /// The operation id of the call (`listApiTokens`).
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// Which attempt of its call this request was (1, then 2 on a retry...).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The method sent.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The URL path sent, parameters filled in and percent-encoded
    /// (`/api/v1/api-tokens/00T1`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The decoded query parameters, in order.
    pub fn query_pairs(&self) -> &[(String, String)] {
        &self.query
    }

    /// The first value of query parameter `name`.
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The headers sent (credential headers are marked sensitive, so
    /// `Debug` hides them).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The value of header `name`, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The body's bytes (`None` without a body, or for a streamed one:
    /// multipart, a file).
    pub fn body_bytes(&self) -> Option<&Bytes> {
        self.body.as_ref()
    }

    /// The body decoded from JSON as `B`; the error names the operation.
    pub fn json<B: DeserializeOwned>(&self) -> Result<B, String> {
        let body = self.body.as_deref().ok_or_else(|| format!("{}: the request has no body", self.operation_id))?;
        serde_json::from_slice(body)
            .map_err(|e| format!("{}: the request body is not the expected JSON: {e}", self.operation_id))
    }
}

/// One recorded request of an operation whose JSON request body is a `B`:
/// [`Call::body`] decodes it. Derefs to the [`RecordedRequest`].
#[derive(Debug, Clone)]
pub struct Call<B> {
    request: RecordedRequest,
    _body: PhantomData<fn() -> B>,
}

impl<B: DeserializeOwned> Call<B> {
    /// The request body, decoded as the operation's body type.
    pub fn body(&self) -> Result<B, String> {
        self.request.json()
    }
}

impl<B> std::ops::Deref for Call<B> {
    type Target = RecordedRequest;

    fn deref(&self) -> &RecordedRequest {
        &self.request
    }
}

/// A registered answer.
enum Reply {
    Response { status: StatusCode, headers: HeaderMap, body: Bytes },
    Transport(String),
}

/// A test's predicate on a request, for [`MockOperation::when`].
type Matcher = Box<dyn Fn(&RecordedRequest) -> bool + Send + Sync>;

struct Expectation {
    operation_id: &'static str,
    reply: Reply,
    delay: Option<Duration>,
    /// How many more requests it answers (`None`: any number).
    remaining: Option<u32>,
    matcher: Option<Matcher>,
}

#[derive(Default)]
struct State {
    expectations: Vec<Expectation>,
    requests: Vec<RecordedRequest>,
}

/// The registered answers and the recorded requests of a mock client;
/// clones share them. Install with [`ClientBuilder::mock`](super::ClientBuilder::mock).
#[derive(Clone, Default)]
pub struct MockServer {
    state: Arc<Mutex<State>>,
}

impl fmt::Debug for MockServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("MockServer")
            .field("expectations", &state.expectations.len())
            .field("requests", &state.requests.len())
            .finish()
    }
}

impl MockServer {
    /// An empty double: every request fails until answers are registered.
    pub fn new() -> Self {
        MockServer::default()
    }

    /// The state (a poisoned lock only means a test thread panicked).
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every request made so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// The requests made so far for `operation_id`, in order.
    pub fn requests_of(&self, operation_id: &str) -> Vec<RecordedRequest> {
        self.lock().requests.iter().filter(|r| r.operation_id == operation_id).cloned().collect()
    }

    /// Answers one request of the call `info` describes: the first
    /// registered answer for its operation that has uses left and whose
    /// predicate accepts it. What the client's send path calls instead of
    /// the network.
    pub(crate) async fn answer(
        &self,
        request: reqwest::Request,
        info: &CallInfo,
    ) -> Result<Result<RawResponse, reqwest::Error>, Error<std::convert::Infallible>> {
        let recorded = record(&request, info);
        let found = {
            let mut state = self.lock();
            state.requests.push(recorded.clone());
            take_answer(&mut state.expectations, &recorded)
        };
        let Some((delay, reply)) = found else {
            let query = if recorded.query.is_empty() { "" } else { " with a query" };
            return Err(Error::Config(format!(
                "{op}: mock: no answer registered for `{op}` ({} {}{query}); register one with the mock's `{op}` method",
                recorded.method, recorded.path, op = info.operation_id
            )));
        };
        if let Some(delay) = delay {
            // The call's deadline and read timeout cut this short, as they
            // would a slow server.
            tokio::time::sleep(delay).await;
        }
        match reply {
            Reply::Response { status, headers, body } => Ok(Ok(RawResponse::new(status, headers, body))),
            Reply::Transport(message) => Err(Error::Transport(TransportError::stream(info.operation_id, message))),
        }
    }

    fn register(&self, expectation: Expectation) {
        self.lock().expectations.push(expectation);
    }
}

/// The request as the double records it.
fn record(request: &reqwest::Request, info: &CallInfo) -> RecordedRequest {
    let url = request.url();
    RecordedRequest {
        operation_id: info.operation_id,
        attempt: info.attempt,
        method: request.method().clone(),
        path: url.path().to_owned(),
        query: url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect(),
        headers: request.headers().clone(),
        body: request.body().and_then(reqwest::Body::as_bytes).map(Bytes::copy_from_slice),
    }
}

/// The delay and reply of the first expectation that answers `request`,
/// one use of it spent (a used-up one stays, answering nothing more).
fn take_answer(expectations: &mut [Expectation], request: &RecordedRequest) -> Option<(Option<Duration>, Reply)> {
    let expectation = expectations.iter_mut().find(|e| {
        e.operation_id == request.operation_id
            && e.remaining != Some(0)
            && e.matcher.as_ref().is_none_or(|matches| matches(request))
    })?;
    if let Some(remaining) = &mut expectation.remaining {
        *remaining = remaining.saturating_sub(1);
    }
    let reply = match &expectation.reply {
        Reply::Response { status, headers, body } => {
            Reply::Response { status: *status, headers: headers.clone(), body: body.clone() }
        }
        Reply::Transport(message) => Reply::Transport(message.clone()),
    };
    Some((expectation.delay, reply))
}

/// The types a [`MockOperation`] stands for, owning none of them.
type Types<T, E, B> = PhantomData<fn() -> (T, E, B)>;

/// The double of one operation: registers how it answers (`T` its success
/// value, `E` its error body, `B` its request body) and lists its calls.
///
/// Set `.times(n)`, `.delay(d)` or `.when(..)` first, then register with
/// [`returns`](Self::returns), [`returns_example`](Self::returns_example),
/// [`fails`](Self::fails), [`fails_status`](Self::fails_status),
/// [`fails_transport`](Self::fails_transport) or
/// [`responds`](Self::responds). Answers are tried in the order they were
/// registered; an answer without `.times(n)` answers every matching call.
#[must_use = "an answer is registered by `returns`, `fails`, `responds`..."]
pub struct MockOperation<'a, T, E, B = ()> {
    server: &'a MockServer,
    spec: &'static MockSpec,
    delay: Option<Duration>,
    times: Option<u32>,
    matcher: Option<Matcher>,
    headers: HeaderMap,
    _types: Types<T, E, B>,
}

impl<T, E, B> fmt::Debug for MockOperation<'_, T, E, B> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockOperation")
            .field("operation_id", &self.spec.operation_id)
            .field("delay", &self.delay)
            .field("times", &self.times)
            .finish_non_exhaustive()
    }
}

impl<'a, T, E, B> MockOperation<'a, T, E, B> {
    /// The double of the operation `spec` describes, on `server`.
    pub fn new(server: &'a MockServer, spec: &'static MockSpec) -> Self {
        MockOperation {
            server,
            spec,
            delay: None,
            times: None,
            matcher: None,
            headers: HeaderMap::new(),
            _types: PhantomData,
        }
    }

    /// Answers after `delay` (the call's deadline still applies).
    pub fn delay(mut self, delay: Duration) -> Self {
        self.delay = Some(delay);
        self
    }

    /// Answers `n` calls only; later ones go to the answers registered after it.
    pub fn times(mut self, n: u32) -> Self {
        self.times = Some(n);
        self
    }

    /// Answers only the requests `predicate` accepts (by query, path, body...).
    pub fn when(mut self, predicate: impl Fn(&RecordedRequest) -> bool + Send + Sync + 'static) -> Self {
        self.matcher = Some(Box::new(predicate));
        self
    }

    /// Adds a response header (`X-Rate-Limit-Remaining`, `Link`...).
    ///
    /// # Panics
    /// If `name` or `value` is not a valid header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let (Ok(name), Ok(value)) = (HeaderName::from_bytes(name.as_bytes()), HeaderValue::from_str(value)) else {
            panic!("{}: mock: invalid response header `{name}`", self.spec.operation_id);
        };
        self.headers.append(name, value);
        self
    }

    /// Answers with `status`, the body as it is, under `content_type`.
    pub fn responds(self, status: u16, content_type: &str, body: impl Into<Bytes>) {
        let content_type = HeaderValue::from_str(content_type).ok();
        self.register_response(status, content_type, body.into());
    }

    /// Answers with the spec's example of the success body and the success status.
    ///
    /// # Panics
    /// If the spec gives no example for the operation.
    pub fn returns_example(self) {
        let Some(example) = self.spec.example else {
            panic!("{}: mock: the spec has no example response for this operation", self.spec.operation_id);
        };
        let status = self.spec.status;
        self.register_response(
            status,
            Some(HeaderValue::from_static("application/json")),
            Bytes::from_static(example.as_bytes()),
        );
    }

    /// Answers with `status` and no body (a 404 whose body the test does not care about).
    pub fn fails_status(self, status: u16) {
        self.register_response(status, None, Bytes::new());
    }

    /// Fails each call in transport (as a dropped connection would, after
    /// the client's retries): the call returns an `Error::Transport` whose
    /// message is `message`. Not retried.
    pub fn fails_transport(self, message: &str) {
        let server = self.server;
        server.register(self.expectation(Reply::Transport(format!("mock transport failure: {message}"))));
    }

    /// The calls made so far, in order (each attempt of a retried call is one).
    pub fn calls(&self) -> Vec<Call<B>> {
        let requests = self.server.requests_of(self.spec.operation_id);
        requests.into_iter().map(|request| Call { request, _body: PhantomData }).collect()
    }

    /// Answers with the success status and `bytes` as the body
    /// (`application/octet-stream`): for an operation whose success body is
    /// binary (a download).
    pub fn returns_bytes(self, bytes: impl Into<Bytes>) {
        let status = self.spec.status;
        self.register_response(status, Some(HeaderValue::from_static("application/octet-stream")), bytes.into());
    }

    fn register_response(mut self, status: u16, content_type: Option<HeaderValue>, body: Bytes) {
        let Ok(status) = StatusCode::from_u16(status) else {
            panic!("{}: mock: invalid status {status}", self.spec.operation_id);
        };
        let mut headers = std::mem::take(&mut self.headers);
        if let Some(content_type) = content_type {
            headers.insert(CONTENT_TYPE, content_type);
        }
        let server = self.server;
        server.register(self.expectation(Reply::Response { status, headers, body }));
    }

    fn expectation(self, reply: Reply) -> Expectation {
        let MockOperation { spec, delay, times, matcher, .. } = self;
        Expectation { operation_id: spec.operation_id, reply, delay, remaining: times, matcher }
    }
}

impl<T: Serialize, E, B> MockOperation<'_, T, E, B> {
    /// Answers with `value` as the success body, with the operation's
    /// success status.
    ///
    /// # Panics
    /// If the operation has several success types (use
    /// [`responds`](Self::responds)), or `value` does not serialize.
    pub fn returns(self, value: T) {
        let operation = self.spec.operation_id;
        let (content_type, body) = match self.spec.body {
            MockBody::Json => (Some("application/json"), to_json(operation, &value)),
            MockBody::Text => match serde_json::to_value(&value) {
                Ok(serde_json::Value::String(text)) => (Some("text/plain"), Bytes::from(text)),
                _ => panic!("{operation}: mock: a text body must be a string"),
            },
            MockBody::Empty => (None, Bytes::new()),
            MockBody::Bytes => panic!("{operation}: mock: a binary body; answer with `returns_bytes(..)`"),
            MockBody::Raw => {
                panic!("{operation}: mock: several success types; answer with `responds(status, content_type, body)`")
            }
        };
        let status = self.spec.status;
        self.register_response(status, content_type.map(HeaderValue::from_static), body);
    }
}

/// `value` as JSON bytes.
fn to_json(operation: &str, value: &impl Serialize) -> Bytes {
    match serde_json::to_vec(value) {
        Ok(json) => Bytes::from(json),
        Err(e) => panic!("{operation}: mock: the value does not serialize to JSON: {e}"),
    }
}

impl<T, E: Serialize, B> MockOperation<'_, T, E, B> {
    /// Answers with the error `status` and `body` (the operation's typed
    /// error body) as JSON: the call returns `Error::Api` carrying it.
    pub fn fails(self, status: u16, body: E) {
        let body = to_json(self.spec.operation_id, &body);
        self.register_response(status, Some(HeaderValue::from_static("application/json")), body);
    }
}
