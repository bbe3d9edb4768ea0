//! Error messages: one line naming the operation and the root cause, and a
//! `source()` chain in which no line repeats another.

mod common;
#[path = "common/raw_server.rs"]
mod raw_server;

use std::net::TcpListener;
use std::time::Duration;

use reqwest::Method;
use runtime_template::runtime::{ClientBuilder, Error, Lenient, Request, RetryPolicy};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every line of the error chain, as a chain printer (or anyhow's `{:#}`) shows it.
fn chain(err: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        lines.push(e.to_string());
        current = e.source();
    }
    lines
}

/// No line of the chain repeats an earlier one, or is contained in it.
fn assert_no_repeats(lines: &[String]) {
    for (i, later) in lines.iter().enumerate() {
        for earlier in &lines[..i] {
            assert!(!earlier.contains(later.as_str()), "`{later}` repeats `{earlier}` in {lines:#?}");
        }
    }
    assert!(lines.iter().all(|l| !l.contains('\n')), "{lines:#?}");
}

fn get(operation: &'static str) -> Request {
    Request::new(Method::GET, "/api/v1/api-tokens", operation)
}

#[tokio::test]
async fn connection_refused_names_the_operation_and_the_address() {
    // Bind then drop a listener: nothing listens on that port any more.
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client =
        ClientBuilder::new(common::SERVER).base_url(format!("http://{addr}")).retry_policy(RetryPolicy::none()).build();
    let err = client.unwrap().execute::<()>(get("listApiTokens")).await.unwrap_err();
    let lines = chain(&err);
    assert_eq!(lines[0], format!("listApiTokens: connection refused ({addr})"));
    assert!(lines.len() > 1, "the reqwest error is the source: {lines:#?}");
    assert_no_repeats(&lines);
    let Error::Transport(transport) = &err else { panic!("{err:?}") };
    assert!(transport.is_connect());
    assert_eq!((transport.operation(), transport.attempts()), ("listApiTokens", 1));
}

#[tokio::test]
async fn retried_connection_errors_say_how_many_attempts() {
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = ClientBuilder::new(common::SERVER)
        .base_url(format!("http://{addr}"))
        .retry_policy(common::fast_retries().max_retries(2))
        .build()
        .unwrap();
    let err = client.execute::<()>(get("listApiTokens")).await.unwrap_err();
    assert_eq!(err.to_string(), format!("listApiTokens: connection refused ({addr}) after 3 attempts"));
}

#[tokio::test]
async fn attempt_timeout_says_timed_out_after_the_configured_time() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5))).mount(&server).await;
    let client = common::builder(&server).timeout(Duration::from_millis(100)).retry_policy(RetryPolicy::none());
    let err = client.build().unwrap().execute::<()>(get("getApiToken")).await.unwrap_err();
    let lines = chain(&err);
    assert_eq!(lines[0], "getApiToken: timed out after 100 ms");
    assert_no_repeats(&lines);
    let Error::Transport(transport) = &err else { panic!("{err:?}") };
    assert!(transport.is_timeout() && !transport.is_deadline());
}

#[tokio::test]
async fn dropped_connection_gives_the_root_cause_not_error_sending_request() {
    // Reads each request head and hangs up.
    let server = raw_server::serve(|stream, _| async move {
        drop(stream);
        Ok(())
    })
    .await;
    let client =
        ClientBuilder::new(common::SERVER).base_url(&server.base_url).retry_policy(RetryPolicy::none()).build();
    let err = client.unwrap().execute::<()>(get("listApiTokens")).await.unwrap_err();
    let lines = chain(&err);
    assert!(lines[0].starts_with("listApiTokens: "), "{lines:#?}");
    assert!(!lines[0].contains("error sending request"), "{lines:#?}");
    let Error::Transport(transport) = &err else { panic!("{err:?}") };
    let root = transport.reqwest_error().map(|e| {
        let mut e: &dyn std::error::Error = e;
        while let Some(next) = e.source() {
            e = next;
        }
        e.to_string()
    });
    assert_eq!(lines[0], format!("listApiTokens: {}", root.unwrap()));
    assert_no_repeats(&lines);
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)] // Decoded only.
struct Token {
    created: Lenient<chrono::DateTime<chrono::Utc>>,
}

#[tokio::test]
async fn decode_error_names_the_operation_and_the_path_but_not_the_value() {
    let server = MockServer::start().await;
    let body = json!([{"created": "2024-01-01T00:00:00Z"}, {"created": "2024-01-02T00:00:00Z"},
        {"created": "2024-01-03T00:00:00Z"}, {"created": "yesterday"}]);
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    let client = common::builder(&server).strict_formats(true).build().unwrap();
    let raw = client.execute::<()>(get("listApiTokens")).await.unwrap();
    let err = raw.json::<Vec<Token>, ()>().unwrap_err();
    let lines = chain(&err);
    assert_eq!(
        lines,
        ["listApiTokens: response body at `[3].created`: invalid date-time: input contains invalid characters at line 1 column 128"]
    );
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert_eq!((decode.operation(), decode.path()), ("listApiTokens", "[3].created"));
}

#[tokio::test]
async fn api_error_is_one_line_with_the_operation_and_status() {
    let server = MockServer::start().await;
    let body = "{\n  \"errorCode\": \"E0000007\",\n  \"errorSummary\": \"Not found: x\"\n}";
    Mock::given(any()).respond_with(ResponseTemplate::new(404).set_body_string(body)).mount(&server).await;
    let raw = common::client(&server).execute::<()>(get("getApiToken")).await.unwrap();
    let err = raw.into_error::<serde_json::Value>();
    assert_eq!(
        chain(&err),
        [r#"getApiToken: HTTP 404 Not Found: { "errorCode": "E0000007", "errorSummary": "Not found: x" }"#]
    );
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.operation(), "getApiToken");
    assert_eq!(api.raw_body(), body);
}

#[tokio::test]
async fn invalid_request_names_the_operation() {
    let server = MockServer::start().await;
    let mut req = Request::new(Method::GET, "/api/v1/api-tokens/{apiTokenId}", "getApiToken");
    req.path_param("apiTokenId", &"..");
    let err = common::client(&server).execute::<()>(req).await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "getApiToken: invalid request: path parameter `apiTokenId` must not be empty, `.` or `..`"
    );
}
