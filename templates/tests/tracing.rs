//! Tracing output: one span per request with the path template, and no secrets.
//!
//! Alone in its test binary: `tracing` caches per call site, process-wide,
//! whether anyone listens, so a test on another thread reaching the same
//! call site while this one's thread-local subscriber is set can leave the
//! span unrecorded.

mod common;

use common::recorder::Recorder;

use reqwest::Method;
use runtime_template::runtime::{ApiKeyLocation, ClientBuilder, Credentials, Request};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "secret-value";

#[tokio::test]
async fn tracing_records_the_template_and_no_secrets() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let recorder = Recorder::default();
    let _guard = tracing::subscriber::set_default(recorder.clone());
    let client = ClientBuilder::new(common::SERVER)
        .base_url(server.uri())
        .retry_policy(common::fast_retries())
        .credentials("query", Credentials::api_key(ApiKeyLocation::Query, "api_key", None, SECRET))
        .credentials("bearer", Credentials::bearer(SECRET))
        .build()
        .unwrap();
    let mut req = Request::new(Method::GET, "/users/{userId}", "getUser");
    req.path_param("userId", &"u-42");
    req.query("search", &"private-query");
    req.header("X-Custom", &"private-header");
    req.security(&[&["query", "bearer"]]);
    let raw = client.execute::<()>(req).await.unwrap();
    assert_eq!(raw.status(), 204);
    drop(_guard);

    let lines = recorder.lines().join("\n");
    assert!(lines.contains("span http.request"), "{lines}");
    assert!(lines.contains("path=\"/users/{userId}\""), "{lines}");
    assert!(lines.contains("operation_id=\"getUser\""), "{lines}");
    assert!(lines.contains("method=GET"), "{lines}");
    assert!(lines.contains("status=204"), "{lines}");
    assert!(lines.contains("attempt=2"), "{lines}");
    assert!(lines.contains("duration_ms="), "{lines}");
    assert!(lines.contains("delay_ms="), "{lines}");
    for private in [SECRET, "u-42", "private-query", "private-header", "api_key"] {
        assert!(!lines.contains(private), "{private} leaked into tracing:\n{lines}");
    }
}
