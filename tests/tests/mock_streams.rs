//! The test double (feature `mock`, on for `okta-client` in this crate's
//! dev-dependencies) answers streamed responses too: `events()` and
//! `lines()` take the same send path as every call, so the body registered
//! with `responds` is what the stream reads, and the request is recorded as
//! it would have been sent. No socket: a request that escaped the double
//! would go to `mock.invalid`, which never resolves.

use futures::StreamExt;
use okta_client::runtime::{EventStream, JsonLines, MockBody, MockOperation, MockServer, MockSpec, Request};
use okta_client::Client;
use reqwest::Method;
use serde_json::{json, Value};

/// An operation the double knows only by its id: `responds` needs nothing more.
const fn spec(operation_id: &'static str, path: &'static str) -> MockSpec {
    MockSpec { operation_id, method: "GET", path, status: 200, body: MockBody::Raw, example: None }
}

static WATCH_EVENTS: MockSpec = spec("watchEvents", "/events");
static EXPORT_LINES: MockSpec = spec("exportLines", "/export");

fn mock_client(server: &MockServer) -> Client {
    Client::builder().mock(server).build().expect("a mock client")
}

#[tokio::test]
async fn events_are_read_from_the_body_the_double_answers_with() {
    let server = MockServer::new();
    let body = "id: 1\ndata: {\"n\":1}\n\n: a comment\ndata: {\"n\":2}\n\ndata: [DONE]\n\n";
    MockOperation::<(), Value>::new(&server, &WATCH_EVENTS).responds(200, "text/event-stream", body);
    let request = Request::new(Method::GET, "/events", "watchEvents");
    let events: Vec<_> = EventStream::<Value, Value>::new(&mock_client(&server), Ok(request)).collect().await;
    let got: Vec<_> = events.into_iter().map(|e| e.map(|e| (e.data, e.id)).map_err(|e| e.to_string())).collect();
    assert_eq!(got, [Ok((json!({"n": 1}), Some("1".to_owned()))), Ok((json!({"n": 2}), Some("1".to_owned())))]);
    let recorded = server.requests_of("watchEvents");
    assert_eq!(recorded.len(), 1, "one connection, not reopened after the body ended");
    assert_eq!(recorded[0].header("accept"), Some("text/event-stream"));
}

#[tokio::test]
async fn json_lines_are_read_from_the_body_the_double_answers_with() {
    let server = MockServer::new();
    MockOperation::<(), Value>::new(&server, &EXPORT_LINES).responds(
        200,
        "application/x-ndjson",
        "{\"n\":1}\n\n{\"n\":2}\n{\"n\":",
    );
    let request = Request::new(Method::GET, "/export", "exportLines");
    let lines: Vec<_> = JsonLines::<Value, Value>::new(&mock_client(&server), Ok(request)).collect().await;
    let got: Vec<_> = lines.into_iter().map(|l| l.map_err(|e| e.to_string())).collect();
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[..2], [Ok(json!({"n": 1})), Ok(json!({"n": 2}))]);
    let last = got[2].as_ref().expect_err("a cut last line is a decode error");
    assert!(last.starts_with("exportLines: ") && last.contains("line: "), "{last}");
    assert_eq!(server.requests_of("exportLines").len(), 1);
}

#[tokio::test]
async fn a_stream_the_double_answers_with_another_media_type_is_a_decode_error() {
    let server = MockServer::new();
    MockOperation::<(), Value>::new(&server, &WATCH_EVENTS).responds(200, "application/json", "{\"n\":1}");
    let request = Request::new(Method::GET, "/events", "watchEvents");
    let events: Vec<_> = EventStream::<Value, Value>::new(&mock_client(&server), Ok(request)).collect().await;
    assert_eq!(events.len(), 1, "{events:?}");
    let error = events[0].as_ref().expect_err("not an event stream");
    assert!(matches!(error, okta_client::Error::Decode(_)), "{error:?}");
    assert!(
        error.to_string().starts_with("watchEvents: ") && error.to_string().contains("application/json"),
        "{error}"
    );
}
