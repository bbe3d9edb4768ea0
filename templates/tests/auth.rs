//! Static credentials: API keys, bearer, basic, and security alternative selection.

mod common;

use reqwest::Method;
use runtime_template::runtime::{ApiKeyLocation, Credentials, Error, Request};
use wiremock::matchers::{basic_auth, bearer_token, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn get(path: &'static str, security: &'static [&'static [&'static str]]) -> Request {
    let mut req = Request::new(Method::GET, path, "getThing");
    req.security(security);
    req
}

#[tokio::test]
async fn api_key_header_with_prefix() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(header("Authorization", "SSWS abc"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .credentials("apiToken", Credentials::api_key(ApiKeyLocation::Header, "Authorization", Some("SSWS"), "abc"))
        .build()
        .unwrap();
    let raw = client.execute::<()>(get("/api/v1/users", &[&["apiToken"]])).await.unwrap();
    assert_eq!(raw.status(), 200);
}

#[tokio::test]
async fn api_key_in_query_keeps_other_parameters() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/things"))
        .and(query_param("api_key", "k 1"))
        .and(query_param("limit", "5"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .credentials("key", Credentials::api_key(ApiKeyLocation::Query, "api_key", None, "k 1"))
        .build()
        .unwrap();
    let mut req = get("/things", &[&["key"]]);
    req.query("limit", &5u32);
    assert_eq!(client.execute::<()>(req).await.unwrap().status(), 200);
}

#[tokio::test]
async fn api_key_in_cookie_joins_cookie_parameters() {
    let server = MockServer::start().await;
    Mock::given(header("Cookie", "theme=dark; sid=abc"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .credentials("cookieAuth", Credentials::api_key(ApiKeyLocation::Cookie, "sid", None, "abc"))
        .build()
        .unwrap();
    let mut req = get("/things", &[&["cookieAuth"]]);
    req.cookie("theme", &"dark");
    assert_eq!(client.execute::<()>(req).await.unwrap().status(), 200);
}

#[tokio::test]
async fn bearer_token_header() {
    let server = MockServer::start().await;
    Mock::given(bearer_token("tok-123")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&server).await;
    let client = common::builder(&server).credentials("bearerAuth", Credentials::bearer("tok-123")).build().unwrap();
    let raw = client.execute::<()>(get("/me", &[&["bearerAuth"]])).await.unwrap();
    assert_eq!(raw.status(), 200);
}

#[tokio::test]
async fn basic_credentials() {
    let server = MockServer::start().await;
    Mock::given(basic_auth("alice", "p@ss:word"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client =
        common::builder(&server).credentials("basicAuth", Credentials::basic("alice", "p@ss:word")).build().unwrap();
    let raw = client.execute::<()>(get("/me", &[&["basicAuth"]])).await.unwrap();
    assert_eq!(raw.status(), 200);
}

#[tokio::test]
async fn first_satisfiable_alternative_is_used() {
    let server = MockServer::start().await;
    Mock::given(bearer_token("tok")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    // "oauth" has no credentials, and the first alternative needs both schemes:
    // only the third alternative can be satisfied.
    let client = common::builder(&server)
        .credentials("apiToken", Credentials::api_key(ApiKeyLocation::Header, "X-Api-Key", None, "k"))
        .credentials("bearerAuth", Credentials::bearer("tok"))
        .build()
        .unwrap();
    static SECURITY: &[&[&str]] = &[&["oauth", "apiToken"], &["oauth"], &["bearerAuth"], &["apiToken"]];
    let raw = client.execute::<()>(get("/me", SECURITY)).await.unwrap();
    assert_eq!(raw.status(), 200);
    let requests = common::received(&server).await;
    assert_eq!(requests.len(), 1);
    assert!(requests[0].headers.get("x-api-key").is_none(), "only one alternative is applied");

    // An alternative requiring two schemes applies both.
    let raw = client.execute::<()>(get("/me", &[&["apiToken", "bearerAuth"]])).await.unwrap();
    assert_eq!(raw.status(), 200);
    let requests = common::received(&server).await;
    assert_eq!(requests[1].headers.get("x-api-key").unwrap(), "k");
}

#[tokio::test]
async fn no_auth_without_security() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = common::builder(&server)
        .credentials("bearerAuth", Credentials::bearer("tok"))
        .credentials("apiToken", Credentials::api_key(ApiKeyLocation::Query, "api_key", None, "k"))
        .build()
        .unwrap();
    client.execute::<()>(get("/public", &[])).await.unwrap();
    let requests = common::received(&server).await;
    assert_eq!(requests.len(), 1);
    assert!(requests[0].headers.get("authorization").is_none());
    assert_eq!(requests[0].url.query(), None);
}

#[tokio::test]
async fn user_agent_default_and_override() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let default_ua = common::builder(&server).default_user_agent("okta-client/1.0.0").build().unwrap();
    default_ua.execute::<()>(get("/a", &[])).await.unwrap();
    let custom_ua =
        common::builder(&server).default_user_agent("okta-client/1.0.0").user_agent("my-app/2").build().unwrap();
    custom_ua.execute::<()>(get("/b", &[])).await.unwrap();
    let requests = common::received(&server).await;
    assert_eq!(requests[0].headers.get("user-agent").unwrap(), "okta-client/1.0.0");
    assert_eq!(requests[1].headers.get("user-agent").unwrap(), "my-app/2");
}

#[tokio::test]
async fn server_template_variables() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/users")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&server).await;
    let addr = server.address().to_string();
    let client = runtime_template::runtime::ClientBuilder::new(common::SERVER)
        .server_variable("host", addr.clone())
        .build()
        .unwrap();
    assert_eq!(client.base_url(), format!("http://{addr}/api"));
    let raw = client.execute::<()>(get("/v1/users", &[])).await.unwrap();
    assert_eq!(raw.status(), 200);

    // Defaults apply when no value is given; a trailing slash is trimmed.
    let default = runtime_template::runtime::ClientBuilder::new(common::SERVER).build().unwrap();
    assert_eq!(default.base_url(), "http://example.invalid/api");
    let trimmed = runtime_template::runtime::ClientBuilder::new(common::SERVER)
        .base_url("https://x.example.com/base/")
        .build()
        .unwrap();
    assert_eq!(trimmed.base_url(), "https://x.example.com/base");
}

#[test]
fn configuration_errors() {
    use runtime_template::runtime::{ClientBuilder, ServerTemplate};
    let unknown = ClientBuilder::new(common::SERVER).server_variable("nope", "x").build();
    assert!(matches!(unknown, Err(Error::Config(m)) if m.contains("nope")));
    let unfilled = ClientBuilder::new(ServerTemplate { url: "https://{tenant}.example.com", variables: &[] }).build();
    assert!(matches!(unfilled, Err(Error::Config(m)) if m.contains("tenant")));
    let bad = ClientBuilder::new(common::SERVER).base_url("not a url").build();
    assert!(matches!(bad, Err(Error::Config(_))));
    let custom_with_connect_timeout = ClientBuilder::new(common::SERVER)
        .http_client(reqwest::Client::new())
        .connect_timeout(std::time::Duration::from_secs(1))
        .build();
    assert!(matches!(custom_with_connect_timeout, Err(Error::Config(_))));
}
