//! What a server sends, or a setting says, never panics the client, stalls
//! it on a token request, or ends up in text: huge waits and lifetimes,
//! `Duration::MAX` settings, concurrent token requests, slow or failing token
//! endpoints, secrets in bodies and URLs.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use runtime_template::runtime::{ClientBuilder, Credentials, Error, RawResponse, Request, RetryPolicy};
use serde_json::json;
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, Request as MockRequest, Respond, ResponseTemplate};

/// Bounds every test: none may hang.
async fn bounded<T>(test: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), test).await.expect("the test finishes within 20 s")
}

fn get(operation: &'static str) -> Request {
    Request::new(Method::GET, "/x", operation)
}

/// One 429 with `name: value`, then 200 (which a retry would get).
async fn rate_limited(name: &str, value: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(429).insert_header(name, value))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    server
}

/// A 429 asking for a wait longer than any policy allows is returned at once.
async fn assert_returned_promptly(name: &str, value: &str) {
    bounded(async {
        let server = rate_limited(name, value).await;
        let started = Instant::now();
        let raw = common::client(&server).execute::<()>(get("limited")).await.unwrap();
        assert_eq!(raw.status(), StatusCode::TOO_MANY_REQUESTS, "{name}: {value}");
        assert!(started.elapsed() < Duration::from_secs(2), "{name}: {value}: {:?}", started.elapsed());
        assert_eq!(common::received(&server).await.len(), 1, "not retried");
    })
    .await;
}

#[tokio::test]
async fn rate_limit_reset_at_the_end_of_u64_returns_the_response() {
    assert_returned_promptly("x-rate-limit-reset", "18446744073709551615").await;
}

#[tokio::test]
async fn retry_after_of_u64_max_seconds_returns_the_response() {
    assert_returned_promptly("retry-after", "18446744073709551615").await;
}

#[tokio::test]
async fn retry_after_in_the_year_9999_returns_the_response() {
    assert_returned_promptly("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT").await;
}

/// Every duration setting at its maximum.
fn maximal(builder: ClientBuilder) -> ClientBuilder {
    let policy =
        RetryPolicy::default().initial_delay(Duration::MAX).max_delay(Duration::MAX).max_retry_after(Duration::MAX);
    builder
        .retry_policy(policy)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .deadline(Duration::MAX)
        .token_refresh_margin(Duration::MAX)
        .token_timeout(Duration::MAX)
}

#[tokio::test]
async fn maximal_durations_everywhere_build_and_call() {
    bounded(async {
        let server = MockServer::start().await;
        let hits = token_endpoint(&server, TokenAnswer::Json(json!({"access_token": "t", "expires_in": 3600}))).await;
        Mock::given(path("/x")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
        let client = maximal(common::builder(&server))
            .credentials("oauth2", credentials(&server))
            .build()
            .expect("maximal settings build");
        assert_eq!(client.execute::<()>(secured()).await.unwrap().status(), 200);
        // A margin longer than the token's lifetime shrinks to half of it: reused, not refetched.
        assert_eq!(client.execute::<()>(secured()).await.unwrap().status(), 200);
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        assert!(format!("{client:?}").contains("Client"));
    })
    .await;
}

#[tokio::test]
async fn maximal_waits_within_a_deadline_return_the_response() {
    bounded(async {
        for (status, header) in [(503, None), (429, Some("18446744073709551615"))] {
            let server = MockServer::start().await;
            let mut answer = ResponseTemplate::new(status);
            if let Some(value) = header {
                answer = answer.insert_header("retry-after", value);
            }
            Mock::given(any()).respond_with(answer).mount(&server).await;
            // Backoff and accepted server waits of `Duration::MAX` do not fit in 1 s.
            let client = maximal(common::builder(&server)).deadline(Duration::from_secs(1)).build().unwrap();
            let started = Instant::now();
            let raw = client.execute::<()>(get("waits")).await.unwrap();
            assert_eq!(raw.status().as_u16(), status);
            assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
            assert_eq!(common::received(&server).await.len(), 1);
        }
    })
    .await;
}

#[tokio::test]
async fn a_deadline_of_a_century_is_a_deadline_that_does_not_end_the_call() {
    bounded(async {
        let server = MockServer::start().await;
        Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
        for deadline in [Duration::from_secs(100 * 365 * 86400), Duration::from_secs(i64::MAX as u64)] {
            let client = common::builder(&server).deadline(deadline).build().unwrap();
            assert_eq!(client.execute::<()>(get("far")).await.unwrap().status(), 200);
        }
    })
    .await;
}

// --- OAuth 2.0 token requests -------------------------------------------------

fn credentials(server: &MockServer) -> Credentials {
    Credentials::client_credentials(format!("{}/token", server.uri()), "my-client", "client-s3cr3t", &[])
}

fn secured() -> Request {
    let mut req = Request::new(Method::GET, "/x", "listThings");
    req.security(&[&["oauth2"]]);
    req
}

/// What the token endpoint answers.
#[derive(Clone)]
enum TokenAnswer {
    /// 200 with this body.
    Json(serde_json::Value),
    /// 200 with this body, after a delay.
    Slow(serde_json::Value, Duration),
    /// An error status, after a delay.
    Failing(u16, Duration),
}

#[derive(Clone)]
struct TokenIssuer {
    hits: Arc<AtomicUsize>,
    answer: TokenAnswer,
}

impl Respond for TokenIssuer {
    fn respond(&self, _: &MockRequest) -> ResponseTemplate {
        self.hits.fetch_add(1, Ordering::SeqCst);
        match &self.answer {
            TokenAnswer::Json(body) => ResponseTemplate::new(200).set_body_json(body),
            TokenAnswer::Slow(body, delay) => ResponseTemplate::new(200).set_body_json(body).set_delay(*delay),
            TokenAnswer::Failing(status, delay) => {
                ResponseTemplate::new(*status).set_body_string("token service down").set_delay(*delay)
            }
        }
    }
}

async fn token_endpoint(server: &MockServer, answer: TokenAnswer) -> Arc<AtomicUsize> {
    let hits = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(TokenIssuer { hits: hits.clone(), answer })
        .mount(server)
        .await;
    hits
}

/// A server with a token endpoint answering `answer` and `/x` answering 200.
async fn api_with_tokens(answer: TokenAnswer) -> (MockServer, Arc<AtomicUsize>) {
    let server = MockServer::start().await;
    let hits = token_endpoint(&server, answer).await;
    Mock::given(path("/x")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    (server, hits)
}

#[tokio::test]
async fn hostile_expires_in_values_do_not_panic_and_keep_the_token() {
    bounded(async {
        // The raw JSON number, so that 1e300 stays a float and u64::MAX an integer.
        for expires_in in ["18446744073709551615", "1e300", "-5", "\"abc\"", "\"18446744073709551615\"", "null"] {
            let server = MockServer::start().await;
            let body: serde_json::Value =
                serde_json::from_str(&format!(r#"{{"access_token": "t", "expires_in": {expires_in}}}"#)).unwrap();
            let hits = token_endpoint(&server, TokenAnswer::Json(body)).await;
            Mock::given(path("/x")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
            let client = common::builder(&server).credentials("oauth2", credentials(&server)).build().unwrap();
            for _ in 0..3 {
                let raw = client.execute::<()>(secured()).await.unwrap_or_else(|e| panic!("{expires_in}: {e}"));
                assert_eq!(raw.status(), 200, "{expires_in}");
            }
            // No known (or representable) expiry: kept until the API answers 401.
            assert_eq!(hits.load(Ordering::SeqCst), 1, "{expires_in}");
        }
    })
    .await;
}

#[tokio::test]
async fn concurrent_calls_share_one_slow_token_request() {
    bounded(async {
        let body = json!({"access_token": "t", "expires_in": 3600});
        let (server, hits) = api_with_tokens(TokenAnswer::Slow(body, Duration::from_millis(300))).await;
        let client = common::builder(&server).credentials("oauth2", credentials(&server)).build().unwrap();
        let calls = (0..20).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.execute::<()>(secured()).await.map(|raw| raw.status()) })
        });
        for call in futures::future::join_all(calls).await {
            assert_eq!(call.unwrap().unwrap(), 200);
        }
        assert_eq!(hits.load(Ordering::SeqCst), 1);
    })
    .await;
}

#[tokio::test]
async fn concurrent_calls_share_one_failed_token_request() {
    bounded(async {
        let (server, hits) = api_with_tokens(TokenAnswer::Failing(500, Duration::from_millis(300))).await;
        let client = common::builder(&server).credentials("oauth2", credentials(&server)).build().unwrap();
        let calls = (0..20).map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.execute::<()>(secured()).await.map(|raw| raw.status()) })
        });
        let mut messages = Vec::new();
        for call in futures::future::join_all(calls).await {
            match call.unwrap() {
                Err(Error::Auth(message)) => messages.push(message),
                other => panic!("expected Error::Auth, got {other:?}"),
            }
        }
        assert_eq!(hits.load(Ordering::SeqCst), 1, "one request, its failure shared");
        assert_eq!(messages.len(), 20);
        assert!(messages.iter().all(|m| m == &messages[0]), "{messages:#?}");
        assert!(messages[0].contains("HTTP 500") && messages[0].contains("token service down"), "{}", messages[0]);
        // A failure is not cached: the next call asks again.
        assert!(client.execute::<()>(secured()).await.is_err());
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    })
    .await;
}

#[tokio::test]
async fn a_token_endpoint_that_never_answers_fails_calls_within_the_token_timeout() {
    bounded(async {
        // Accepts connections (the kernel does) and never answers.
        let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let token_url = format!("http://{}/token", silent.local_addr().unwrap());
        let server = MockServer::start().await;
        Mock::given(path("/x")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
        let client = common::builder(&server)
            .credentials("oauth2", Credentials::client_credentials(token_url, "my-client", "client-s3cr3t", &[]))
            .token_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        for _ in 0..2 {
            let started = Instant::now();
            let calls = (0..5).map(|_| client.execute::<()>(secured()));
            for result in futures::future::join_all(calls).await {
                let Err(Error::Auth(message)) = result else { panic!("expected Error::Auth, got {result:?}") };
                assert!(message.contains("timed out after 300 ms"), "{message}");
            }
            assert!(started.elapsed() < Duration::from_secs(2), "{:?}", started.elapsed());
        }
        assert!(common::received(&server).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn short_lived_tokens_are_reused_for_half_their_lifetime() {
    bounded(async {
        let (server, hits) = api_with_tokens(TokenAnswer::Json(json!({"access_token": "t", "expires_in": 2}))).await;
        // The default margin (30 s) is longer than the token lives.
        let client = common::builder(&server).credentials("oauth2", credentials(&server)).build().unwrap();
        let started = Instant::now();
        for _ in 0..10 {
            client.execute::<()>(secured()).await.unwrap();
        }
        assert!(started.elapsed() < Duration::from_millis(900), "{:?}", started.elapsed());
        assert_eq!(hits.load(Ordering::SeqCst), 1);
        // Half its lifetime later it is refreshed.
        tokio::time::sleep(Duration::from_millis(1100)).await;
        client.execute::<()>(secured()).await.unwrap();
        assert_eq!(hits.load(Ordering::SeqCst), 2);
    })
    .await;
}

// --- Secrets in text ---------------------------------------------------------

const SECRET: &str = "s3cr3t-do-not-leak";

#[tokio::test]
async fn api_error_debug_does_not_show_the_raw_body() {
    let body = format!(r#"{{"error": "invalid_client", "echo": "{SECRET}"}}"#);
    let raw = RawResponse::new(StatusCode::BAD_REQUEST, Default::default(), body.clone().into());
    // A body that does not parse as the error type: only the raw body holds it.
    let err = raw.into_error::<u32>();
    let shown = format!("{err:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains(&format!("raw_body_len: {}", body.len())), "{shown}");
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.raw_body(), body, "still there for whoever asks");
}

#[tokio::test]
async fn decode_errors_do_not_quote_the_value() {
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)] // Decoded only.
    struct Secret {
        id: u64,
        pin: String,
    }
    for body in [json!({"id": SECRET, "pin": "x"}), json!({"id": 1, "pin": 31415926535u64})] {
        let raw = RawResponse::new(StatusCode::OK, Default::default(), body.to_string().into());
        let err = raw.json::<Secret, ()>().unwrap_err();
        let Error::Decode(decode) = &err else { panic!("{err:?}") };
        for shown in [err.to_string(), format!("{err:?}"), decode.message().to_owned()] {
            assert!(!shown.contains(SECRET) && !shown.contains("31415926535"), "{shown}");
            assert!(shown.contains("invalid type: "), "{shown}");
        }
    }
}

#[test]
fn userinfo_of_a_base_url_is_not_shown() {
    let builder = ClientBuilder::new(common::SERVER)
        .base_url("https://user:pa55word@example.invalid/api")
        .credentials("oauth2", Credentials::client_credentials("https://id:pa55word@idp.invalid/token", "c", "s", &[]));
    let shown = format!("{builder:?}");
    assert!(!shown.contains("pa55word") && shown.contains("[redacted]@example.invalid"), "{shown}");
    assert!(shown.contains("[redacted]@idp.invalid"), "{shown}");
    let client = builder.build().unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("pa55word") && shown.contains("[redacted]@example.invalid"), "{shown}");
    assert!(shown.contains("[redacted]@idp.invalid"), "{shown}");
    for url in ["https://user:pa55word@example.invalid/api?x=1", "ftp://user:pa55word@example.invalid"] {
        let err = ClientBuilder::new(common::SERVER).base_url(url).build().unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("pa55word") && shown.contains("[redacted]@example.invalid"), "{shown}");
    }
}

#[tokio::test]
async fn token_errors_do_not_show_the_userinfo_of_the_token_url() {
    bounded(async {
        let (server, _) = api_with_tokens(TokenAnswer::Failing(500, Duration::ZERO)).await;
        let token_url = server.uri().replace("http://", "http://id:pa55word@") + "/token";
        let client = common::builder(&server)
            .credentials("oauth2", Credentials::client_credentials(token_url, "my-client", "client-s3cr3t", &[]))
            .build()
            .unwrap();
        let err = client.execute::<()>(secured()).await.unwrap_err();
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains("pa55word") && shown.contains("[redacted]@127.0.0.1"), "{shown}");
    })
    .await;
}
