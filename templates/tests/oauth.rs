//! OAuth 2.0 client credentials: token caching, refresh, 401 refetch, URL placeholders.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;
use runtime_template::runtime::{ClientBuilder, Credentials, Error, Request, ServerTemplate};
use wiremock::matchers::{bearer_token, body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request as MockRequest, Respond, ResponseTemplate};

/// Answers token requests with `tok-1`, `tok-2`, ... and counts them.
#[derive(Clone)]
struct TokenIssuer {
    hits: Arc<AtomicUsize>,
    expires_in: u64,
}

impl Respond for TokenIssuer {
    fn respond(&self, _: &MockRequest) -> ResponseTemplate {
        let n = self.hits.fetch_add(1, Ordering::SeqCst) + 1;
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": format!("tok-{n}"),
            "token_type": "Bearer",
            "expires_in": self.expires_in,
        }))
    }
}

async fn token_endpoint(server: &MockServer, expires_in: u64) -> Arc<AtomicUsize> {
    let hits = Arc::new(AtomicUsize::new(0));
    Mock::given(method("POST"))
        .and(path("/oauth2/v1/token"))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=my-client"))
        .and(body_string_contains("client_secret=secret-value"))
        .and(body_string_contains("scope=okta.users.read+okta.groups.read"))
        .respond_with(TokenIssuer { hits: hits.clone(), expires_in })
        .mount(server)
        .await;
    hits
}

fn credentials(token_url: &str) -> Credentials {
    Credentials::client_credentials(token_url, "my-client", "secret-value", &["okta.users.read", "okta.groups.read"])
}

fn get_users() -> Request {
    let mut req = Request::new(Method::GET, "/api/v1/users", "listUsers");
    req.security(&[&["oauth2"]]);
    req
}

#[tokio::test]
async fn token_is_fetched_once_and_reused_by_concurrent_requests_and_clones() {
    let server = MockServer::start().await;
    let hits = token_endpoint(&server, 3600).await;
    Mock::given(path("/api/v1/users"))
        .and(bearer_token("tok-1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(6)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .credentials("oauth2", credentials(&format!("{}/oauth2/v1/token", server.uri())))
        .build()
        .unwrap();
    let clone = client.clone();
    let results = futures::future::join_all((0..5).map(|_| {
        let c = client.clone();
        async move { c.execute::<()>(get_users()).await }
    }))
    .await;
    for r in results {
        assert_eq!(r.unwrap().status(), 200);
    }
    assert_eq!(clone.execute::<()>(get_users()).await.unwrap().status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn expired_token_is_refetched() {
    let server = MockServer::start().await;
    let hits = token_endpoint(&server, 1).await;
    Mock::given(path("/api/v1/users"))
        .and(bearer_token("tok-1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/users"))
        .and(bearer_token("tok-2"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .credentials("oauth2", credentials(&format!("{}/oauth2/v1/token", server.uri())))
        .token_refresh_margin(Duration::ZERO)
        .build()
        .unwrap();
    client.execute::<()>(get_users()).await.unwrap();
    client.execute::<()>(get_users()).await.unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(client.execute::<()>(get_users()).await.unwrap().status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn refresh_margin_refetches_tokens_about_to_expire() {
    let server = MockServer::start().await;
    // expires_in 4 s with a 1 s margin: refreshed after 3 s.
    let hits = token_endpoint(&server, 4).await;
    Mock::given(path("/api/v1/users")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = common::builder(&server)
        .credentials("oauth2", credentials(&format!("{}/oauth2/v1/token", server.uri())))
        .token_refresh_margin(Duration::from_secs(1))
        .build()
        .unwrap();
    client.execute::<()>(get_users()).await.unwrap();
    tokio::time::sleep(Duration::from_millis(2500)).await;
    client.execute::<()>(get_users()).await.unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 1, "not due yet");
    tokio::time::sleep(Duration::from_millis(700)).await;
    client.execute::<()>(get_users()).await.unwrap();
    assert_eq!(hits.load(Ordering::SeqCst), 2, "due within the margin");
}

#[tokio::test]
async fn token_url_placeholders_use_server_variables() {
    let server = MockServer::start().await;
    let hits = token_endpoint(&server, 3600).await;
    Mock::given(path("/api/v1/users"))
        .and(bearer_token("tok-1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    const TEMPLATE: ServerTemplate =
        ServerTemplate { url: "http://{yourOktaDomain}", variables: &[("yourOktaDomain", "subdomain.okta.com")] };
    let client = ClientBuilder::new(TEMPLATE)
        .server_variable("yourOktaDomain", server.address().to_string())
        .retry_policy(common::fast_retries())
        .credentials("oauth2", credentials("http://{yourOktaDomain}/oauth2/v1/token"))
        .build()
        .unwrap();
    assert_eq!(client.execute::<()>(get_users()).await.unwrap().status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn token_url_on_the_template_host_follows_a_base_url_override() {
    let server = MockServer::start().await;
    let hits = token_endpoint(&server, 3600).await;
    Mock::given(path("/api/v1/users"))
        .and(bearer_token("tok-1"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    // The spec's token URL names the template's host; the caller points the
    // client elsewhere: the secret must go there too, not to the default host.
    const TEMPLATE: ServerTemplate =
        ServerTemplate { url: "https://{host}", variables: &[("host", "default.invalid")] };
    let client = ClientBuilder::new(TEMPLATE)
        .base_url(server.uri())
        .retry_policy(common::fast_retries())
        .credentials("oauth2", credentials("https://{host}/oauth2/v1/token"))
        .build()
        .unwrap();
    assert_eq!(client.execute::<()>(get_users()).await.unwrap().status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn relative_token_url_resolves_against_base_url() {
    let server = MockServer::start().await;
    let hits = token_endpoint(&server, 3600).await;
    Mock::given(path("/api/v1/users")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = common::builder(&server).credentials("oauth2", credentials("/oauth2/v1/token")).build().unwrap();
    assert_eq!(client.execute::<()>(get_users()).await.unwrap().status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn unauthorized_with_cached_token_refetches_once() {
    let server = MockServer::start().await;
    let hits = token_endpoint(&server, 3600).await;
    // The first token has been revoked server-side.
    Mock::given(path("/api/v1/users"))
        .and(bearer_token("tok-1"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/users"))
        .and(bearer_token("tok-2"))
        .respond_with(ResponseTemplate::new(200))
        .expect(2)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .credentials("oauth2", credentials(&format!("{}/oauth2/v1/token", server.uri())))
        .build()
        .unwrap();
    assert_eq!(client.execute::<()>(get_users()).await.unwrap().status(), 200);
    assert_eq!(client.execute::<()>(get_users()).await.unwrap().status(), 200);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn persistent_unauthorized_is_returned_after_one_refetch() {
    let server = MockServer::start().await;
    let hits = token_endpoint(&server, 3600).await;
    Mock::given(path("/api/v1/users")).respond_with(ResponseTemplate::new(401)).expect(2).mount(&server).await;
    let client = common::builder(&server)
        .credentials("oauth2", credentials(&format!("{}/oauth2/v1/token", server.uri())))
        .build()
        .unwrap();
    assert_eq!(client.execute::<()>(get_users()).await.unwrap().status(), 401);
    assert_eq!(hits.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn token_endpoint_failure_is_an_auth_error_without_the_secret() {
    let server = MockServer::start().await;
    // A misbehaving server that echoes the request body.
    Mock::given(path("/oauth2/v1/token"))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_string(r#"{"error":"invalid_client","echo":"client_secret=secret-value"}"#),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/users")).respond_with(ResponseTemplate::new(200)).expect(0).mount(&server).await;
    let client = common::builder(&server)
        .credentials("oauth2", credentials(&format!("{}/oauth2/v1/token", server.uri())))
        .build()
        .unwrap();
    let err = client.execute::<()>(get_users()).await.unwrap_err();
    let Error::Auth(message) = &err else {
        panic!("expected Error::Auth, got {err:?}");
    };
    assert!(message.contains("invalid_client"), "{message}");
    assert!(message.contains("401"), "{message}");
    for shown in [message.clone(), err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains("secret-value"), "{shown}");
    }
}

#[tokio::test]
async fn token_response_without_access_token_is_an_auth_error() {
    let server = MockServer::start().await;
    Mock::given(path("/oauth2/v1/token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": "x"})))
        .mount(&server)
        .await;
    let client = common::builder(&server).credentials("oauth2", credentials("/oauth2/v1/token")).build().unwrap();
    let err = client.execute::<()>(get_users()).await.unwrap_err();
    assert!(matches!(err, Error::Auth(m) if m.contains("access_token")));
}
