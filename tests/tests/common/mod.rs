//! Helpers shared by the end-to-end tests of the generated crates
//! (`e2e_okta.rs`, `e2e_ocs.rs`): inspecting what the mock server received,
//! comparing JSON documents, and the specs' own examples (`examples`).
#![allow(dead_code)] // Each test file uses its own subset.

use chrono::{DateTime, Utc};
use serde_json::Value;
use wiremock::MockServer;

/// Every request the mock server received, in order.
pub async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("request recording is enabled")
}

/// The one request the mock server received (fails if there were more or none).
pub async fn single_request(server: &MockServer) -> wiremock::Request {
    let mut requests = received(server).await;
    assert_eq!(
        requests.len(),
        1,
        "expected exactly one request, got {}: {:?}",
        requests.len(),
        requests.iter().map(|r| format!("{} {}", r.method, r.url)).collect::<Vec<_>>()
    );
    requests.remove(0)
}

/// What a request must look like.
pub struct Expected<'a> {
    /// `GET`, `PUT`, ...
    pub method: &'a str,
    /// The path exactly as it must appear on the wire (percent-encoded).
    pub path: &'a str,
    /// The raw query string, or `None` when there must be none.
    pub query: Option<&'a str>,
    /// The exact `Authorization` header value.
    pub authorization: &'a str,
    /// The JSON body (compared exactly), or `None` when the
    /// request must have no body.
    pub json_body: Option<Value>,
}

/// Asserts method, raw path, raw query, `Authorization`, `Content-Type` and body.
pub fn assert_request(request: &wiremock::Request, expected: Expected<'_>) {
    assert_eq!(request.method.as_str(), expected.method, "HTTP method");
    assert_eq!(request.url.path(), expected.path, "percent-encoded path");
    assert_eq!(request.url.query(), expected.query, "query string");
    let authorization: Vec<&str> =
        request.headers.get_all("authorization").iter().map(|v| v.to_str().expect("ASCII header")).collect();
    assert_eq!(authorization, [expected.authorization], "Authorization header");
    match expected.json_body {
        Some(body) => {
            assert_eq!(
                header(request, "content-type").as_deref(),
                Some("application/json"),
                "Content-Type of a JSON body"
            );
            let sent: Value = serde_json::from_slice(&request.body).expect("the body is JSON");
            assert_json_eq(&sent, &body);
        }
        None => {
            assert!(request.body.is_empty(), "expected no body, got {:?}", String::from_utf8_lossy(&request.body));
            assert_eq!(header(request, "content-type"), None, "Content-Type without a body");
        }
    }
}

/// A request header as text.
pub fn header(request: &wiremock::Request, name: &str) -> Option<String> {
    request.headers.get(name).map(|v| v.to_str().expect("ASCII header").to_owned())
}

/// The decoded query pairs of a request, in order.
pub fn query_pairs(request: &wiremock::Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

/// One decoded query parameter of a request.
pub fn query_param(request: &wiremock::Request, name: &str) -> Option<String> {
    request.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned())
}

/// Asserts two JSON documents are equal: the same values, every string (a
/// timestamp too) the same text; the order of an object's keys aside.
pub fn assert_json_eq(actual: &Value, expected: &Value) {
    assert!(
        actual == expected,
        "JSON differs\n  actual:   {}\n  expected: {}",
        serde_json::to_string_pretty(actual).unwrap(),
        serde_json::to_string_pretty(expected).unwrap()
    );
}

/// Asserts that a typed value serializes back to the example it was decoded from.
pub fn assert_serializes_to<T: serde::Serialize>(typed: &T, example: &Value) {
    let value = serde_json::to_value(typed).expect("the typed value serializes");
    assert_json_eq(&value, example);
}

/// A UTC date-time from RFC 3339 text, as a model field holds it (`Lenient`).
pub fn utc<T: From<DateTime<Utc>>>(text: &str) -> T {
    DateTime::parse_from_rfc3339(text).expect("an RFC 3339 date-time").with_timezone(&Utc).into()
}

/// The decoded form fields of a request (for OAuth 2.0 token requests).
pub fn form_fields(request: &wiremock::Request) -> Vec<(String, String)> {
    let body = std::str::from_utf8(&request.body).expect("a UTF-8 form body");
    let url = reqwest::Url::parse(&format!("http://form.invalid/?{body}")).expect("a form body");
    url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect()
}

pub mod examples;

/// The `tracing` recorder the runtime's own tests use.
#[path = "../../../templates/tests/common/recorder.rs"]
pub mod recorder;
