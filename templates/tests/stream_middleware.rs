//! Streams go through the client's middleware: the middleware sees every
//! connection's request (the first and each reconnection) and the response
//! head, with the body left as a stream; a middleware may answer a stream
//! itself.

mod common;
#[path = "common/raw_server.rs"]
mod raw_server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures::future::BoxFuture;
use futures::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use runtime_template::runtime::{
    CallInfo, ClientBuilder, EventStream, JsonLines, Middleware, Next, RawResponse, Request, SendError,
};
use serde_json::Value;

type Log = Arc<Mutex<Vec<String>>>;

/// Adds `x-trace-id` to every request and logs each response's status,
/// content type and body length as the middleware saw them.
struct Trace {
    log: Log,
}

impl Middleware for Trace {
    fn handle<'a>(
        &'a self,
        mut request: reqwest::Request,
        info: &'a CallInfo,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<RawResponse, SendError>> {
        Box::pin(async move {
            request.headers_mut().insert("x-trace-id", HeaderValue::from_static("trace-7"));
            let result = next.run(request).await;
            if let Ok(response) = &result {
                let content_type = response.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
                self.log.lock().unwrap().push(format!(
                    "{} attempt {}: {} {content_type} body {}",
                    info.operation_id(),
                    info.attempt(),
                    response.status().as_u16(),
                    response.body().len()
                ));
            }
            result
        })
    }
}

#[tokio::test]
async fn a_middleware_header_reaches_the_server_on_every_connection_and_sees_each_head() {
    let (heads, log) = (Log::default(), Log::default());
    let bodies: &[&[u8]] = &[b"retry: 1\nid: 1\ndata: 1\n\nid: 2\nda", b"id: 2\ndata: 2\n\n"];
    let server = raw_server::breaking_event_server(bodies, heads.clone()).await;
    let client = ClientBuilder::new(common::SERVER)
        .base_url(&server.base_url)
        .retry_policy(common::fast_retries())
        .middleware(Trace { log: log.clone() })
        .build()
        .expect("a client");
    let stream = EventStream::<Value, Value>::new(&client, Ok(Request::new(Method::GET, "/events", "watchEvents")));
    let items: Vec<_> = tokio::time::timeout(Duration::from_secs(20), stream.collect()).await.expect("bounded");
    let data: Vec<_> = items.iter().map(|i| i.as_ref().map(|e| e.data.clone()).map_err(ToString::to_string)).collect();
    assert_eq!(data, [Ok(Value::from(1)), Ok(Value::from(2))]);
    let heads = heads.lock().unwrap().clone();
    assert_eq!(heads.len(), 2, "one reconnection: {heads:?}");
    assert!(heads.iter().all(|h| h.contains("x-trace-id: trace-7")), "{heads:?}");
    assert!(heads[1].contains("last-event-id: 1"), "{}", heads[1]);
    // The middleware saw both heads, the body still unread (a stream).
    let seen = log.lock().unwrap().clone();
    assert_eq!(seen, ["watchEvents attempt 1: 200 text/event-stream body 0"; 2]);
}

/// Answers every request itself with `body` as `content_type`.
struct Canned {
    content_type: &'static str,
    body: &'static [u8],
}

impl Middleware for Canned {
    fn handle<'a>(
        &'a self,
        _request: reqwest::Request,
        _info: &'a CallInfo,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<RawResponse, SendError>> {
        Box::pin(async move {
            let mut headers = HeaderMap::new();
            headers.insert(CONTENT_TYPE, HeaderValue::from_static(self.content_type));
            Ok(RawResponse::new(StatusCode::OK, headers, Bytes::from_static(self.body)))
        })
    }
}

#[tokio::test]
async fn a_middleware_may_answer_a_stream_itself() {
    // No server at all: the default host does not resolve.
    let client = |content_type, body| {
        ClientBuilder::new(common::SERVER).middleware(Canned { content_type, body }).build().expect("a client")
    };
    let events = client("text/event-stream", b"data: 5\n\ndata: 6\n\n");
    let stream = EventStream::<Value, Value>::new(&events, Ok(Request::new(Method::GET, "/events", "watchEvents")));
    let got: Vec<_> = stream.map(|e| e.expect("an event").data).collect().await;
    assert_eq!(got, [Value::from(5), Value::from(6)]);
    let lines = client("application/x-ndjson", b"{\"a\": 1}\n{\"a\": 2}");
    let stream = JsonLines::<Value, Value>::new(&lines, Ok(Request::new(Method::GET, "/lines", "exportLines")));
    let got: Vec<_> = stream.map(|v| v.expect("an item")["a"].clone()).collect().await;
    assert_eq!(got, [Value::from(1), Value::from(2)], "the last line needs no line end");
    let wrong = client("text/html", b"<html>");
    let stream = EventStream::<Value, Value>::new(&wrong, Ok(Request::new(Method::GET, "/events", "watchEvents")));
    // At most two items: a stream that could not open is not reopened.
    let got: Vec<_> = stream.take(2).collect().await;
    assert_eq!(got.len(), 1, "{got:?}");
    let error = got[0].as_ref().expect_err("an undeclared media type").to_string();
    assert!(error.contains("text/html"), "{error}");
}
