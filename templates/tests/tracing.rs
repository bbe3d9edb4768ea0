//! Tracing output: one span per request with the path template, and no
//! secrets, whatever the credentials and whatever path the call takes
//! (success, retry after a status, after a transport error, after a silent
//! server, an OAuth 2.0 token fetched or refused, a user's credential
//! provider refreshed).
//!
//! Alone in its test binary: `tracing` caches per call site, process-wide,
//! whether anyone listens, so a test on another thread reaching the same
//! call site while this one's thread-local subscriber is set can leave the
//! span unrecorded.

mod common;

use common::recorder::Recorder;

use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::HeaderValue;
use reqwest::Method;
use runtime_template::runtime::{
    ApiKeyLocation, Applied, AuthContext, ClientBuilder, CredentialProvider, Credentials, Request, SecretString,
};
use serde_json::json;
use wiremock::matchers::{any, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "secret-value";
const CLIENT_SECRET: &str = "client-secret-value";
const ACCESS_TOKEN: &str = "access-token-value";

/// One test (the binary's only one, see above) for every path.
#[tokio::test]
async fn tracing_records_templates_and_never_a_credential() {
    the_span_records_the_template_and_no_secrets().await;
    no_credential_reaches_tracing_on_any_path_a_call_takes().await;
    a_credential_provider_s_secrets_never_reach_tracing().await;
}

/// A user's provider: its token in a header and the query, refreshed after a 401.
#[derive(Debug)]
struct Vault(std::sync::Mutex<&'static str>);

impl CredentialProvider for Vault {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>> {
        let token = *self.0.lock().unwrap();
        request.headers_mut().insert("x-vault-token", HeaderValue::from_static(token));
        request.url_mut().query_pairs_mut().append_pair("sig", token);
        Box::pin(std::future::ready(Ok(Applied::refreshable(SecretString::from(token)))))
    }

    fn refresh<'a>(&'a self, _: &'a SecretString, _: AuthContext<'a>) -> BoxFuture<'a, Result<(), String>> {
        *self.0.lock().unwrap() = ACCESS_TOKEN;
        Box::pin(std::future::ready(Ok(())))
    }
}

async fn a_credential_provider_s_secrets_never_reach_tracing() {
    let server = MockServer::start().await;
    Mock::given(query_param("sig", SECRET)).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    Mock::given(query_param("sig", ACCESS_TOKEN)).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = ClientBuilder::new(common::SERVER)
        .base_url(server.uri())
        .credential_provider("vault", Vault(std::sync::Mutex::new(SECRET)))
        .build()
        .unwrap();
    let lines = recorded(async {
        assert_eq!(client.execute::<()>(get(&[&["vault"]])).await.unwrap().status(), 204);
    })
    .await;
    assert!(lines.contains("refetching the token") && lines.contains("status=204"), "{lines}");
    assert_no_secrets(&lines, "credential provider");
}

async fn the_span_records_the_template_and_no_secrets() {
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

/// Runs `call` under a fresh recorder; returns what it recorded.
async fn recorded<F: std::future::Future<Output = ()>>(call: F) -> String {
    let recorder = Recorder::default();
    let guard = tracing::subscriber::set_default(recorder.clone());
    call.await;
    drop(guard);
    recorder.lines().join("\n")
}

fn assert_no_secrets(lines: &str, path: &str) {
    for private in [SECRET, CLIENT_SECRET, ACCESS_TOKEN, "api_key", "X-Api-Key", "session_key"] {
        assert!(!lines.contains(private), "{path}: {private} leaked into tracing:\n{lines}");
    }
}

fn get(security: &'static [&'static [&'static str]]) -> Request {
    let mut req = Request::new(Method::GET, "/things", "getThings");
    req.security(security);
    req
}

async fn no_credential_reaches_tracing_on_any_path_a_call_takes() {
    let keys = |builder: ClientBuilder| {
        builder
            .credentials("query", Credentials::api_key(ApiKeyLocation::Query, "api_key", None, SECRET))
            .credentials("header", Credentials::api_key(ApiKeyLocation::Header, "X-Api-Key", Some("Key"), SECRET))
            .credentials("cookie", Credentials::api_key(ApiKeyLocation::Cookie, "session_key", None, SECRET))
    };
    const ALL_KEYS: &[&[&str]] = &[&["query", "header", "cookie"]];

    // Header, query and cookie keys; a 503, then a success.
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(&server).await;
    Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = keys(ClientBuilder::new(common::SERVER).base_url(server.uri()).retry_policy(common::fast_retries()))
        .build()
        .unwrap();
    let lines = recorded(async {
        assert_eq!(client.execute::<()>(get(ALL_KEYS)).await.unwrap().status(), 204);
    })
    .await;
    assert!(lines.contains("attempt=2") && lines.contains("status=204"), "{lines}");
    assert_no_secrets(&lines, "retry after a status");

    // Transport errors, retried: nothing listens on the port.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client =
        keys(ClientBuilder::new(common::SERVER).base_url(&base).retry_policy(common::fast_retries())).build().unwrap();
    let lines = recorded(async {
        client.execute::<()>(get(ALL_KEYS)).await.unwrap_err();
    })
    .await;
    assert!(lines.contains("retrying request after transport error"), "{lines}");
    assert_no_secrets(&lines, "transport error");

    // A server that goes silent, retried.
    let silent = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30))).mount(&silent).await;
    let client = keys(
        ClientBuilder::new(common::SERVER)
            .base_url(silent.uri())
            .retry_policy(common::fast_retries().max_retries(1))
            .read_timeout(Duration::from_millis(200)),
    )
    .build()
    .unwrap();
    let lines = recorded(async {
        client.execute::<()>(get(ALL_KEYS)).await.unwrap_err();
    })
    .await;
    assert!(lines.contains("retrying request after the server went silent"), "{lines}");
    assert_no_secrets(&lines, "silent server");

    // OAuth 2.0: a token fetched and used, then a refused token request.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"access_token": ACCESS_TOKEN, "token_type": "Bearer", "expires_in": 3600})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(401).set_body_json(
            json!({"error": "invalid_client", "error_description": format!("bad secret {CLIENT_SECRET}")}),
        ))
        .mount(&server)
        .await;
    Mock::given(path("/things")).respond_with(ResponseTemplate::new(401)).up_to_n_times(1).mount(&server).await;
    Mock::given(path("/things")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let client = ClientBuilder::new(common::SERVER)
        .base_url(server.uri())
        .retry_policy(common::fast_retries())
        .credentials("oauth", Credentials::client_credentials("/token", "client-id", CLIENT_SECRET, &[]))
        .build()
        .unwrap();
    let lines = recorded(async {
        // The API refuses the first token: it is fetched again, and refused.
        client.execute::<()>(get(&[&["oauth"]])).await.unwrap_err();
    })
    .await;
    assert!(lines.contains("refetching the token"), "{lines}");
    assert_no_secrets(&lines, "OAuth 2.0");
}
