//! Credentials never reach another host: redirects, plain http, server variables.
//!
//! The API runs on 127.0.0.1; the "other host" is a server on 127.0.0.2 that
//! records every request it gets.

mod common;

use std::future::Future;
use std::net::TcpListener;
use std::time::Duration;

use futures::StreamExt;
use reqwest::Method;
use runtime_template::runtime::{
    ApiKeyLocation, ClientBuilder, Credentials, Error, Paging, RedirectPolicy, Request, ServerTemplate,
};
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "s3cret-value";
const BODY: &str = r#"{"secret":"body-s3cret"}"#;

/// Fails a test that runs longer than 20 s instead of hanging.
async fn bounded<T>(test: impl Future<Output = T>) -> T {
    tokio::time::timeout(Duration::from_secs(20), test).await.expect("test finished in time")
}

/// The other host: a server on 127.0.0.2 that answers 200 to anything and records it.
async fn other_host() -> MockServer {
    let listener = TcpListener::bind("127.0.0.2:0").expect("127.0.0.2 is a loopback address");
    let server = MockServer::builder().listener(listener).start().await;
    Mock::given(wiremock::matchers::any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    server
}

/// Every credential kind the runtime applies (basic and bearer share
/// `Authorization`, so they are separate alternatives).
fn builder(api: &MockServer) -> ClientBuilder {
    common::builder(api)
        .retry_policy(runtime_template::runtime::RetryPolicy::none())
        .credentials("header", Credentials::api_key(ApiKeyLocation::Header, "X-API-Key", None, SECRET))
        .credentials("query", Credentials::api_key(ApiKeyLocation::Query, "api_key", None, SECRET))
        .credentials("cookie", Credentials::api_key(ApiKeyLocation::Cookie, "sid", None, SECRET))
        .credentials("bearer", Credentials::bearer(SECRET))
        .credentials("basic", Credentials::basic("user", SECRET))
}

/// The alternatives to try: every key kind with a bearer token, then basic.
const ALTERNATIVES: [&[&[&str]]; 2] = [&[&["header", "query", "cookie", "bearer"]], &[&["basic"]]];

/// A request carrying credentials of `security`, a header and a cookie
/// parameter holding the secret too, and (for POST) a body.
fn request(method: Method, security: &'static [&'static [&'static str]]) -> Request {
    let with_body = method == Method::POST;
    let mut req = Request::new(method, "/api/v1/tokens", "listApiTokens");
    req.security(security);
    req.header("X-Custom-Token", &SECRET);
    req.cookie("session", &SECRET);
    if with_body {
        req.binary_body(BODY.into(), "application/json");
    }
    req
}

/// Asserts that nothing the other host received carries a secret, a
/// `Referer` or a body.
async fn assert_nothing_credential_bearing(other: &MockServer) {
    for r in common::received(other).await {
        let shown = format!("{} {} {:?}", r.method, r.url, r.headers);
        assert!(!shown.contains("s3cret"), "{shown}");
        for name in ["authorization", "cookie", "x-api-key", "x-custom-token", "referer", "content-type"] {
            assert!(r.headers.get(name).is_none(), "{name} sent to the other host: {shown}");
        }
        assert!(r.body.is_empty(), "body sent to the other host: {shown}");
    }
}

#[tokio::test]
async fn cross_origin_redirects_are_refused_and_the_other_host_gets_nothing() {
    bounded(async {
        let other = other_host().await;
        for status in [301, 302, 303, 307, 308] {
            for security in ALTERNATIVES {
                for m in [Method::GET, Method::POST] {
                    let api = MockServer::start().await;
                    let target = format!("{}/collect?api_key={SECRET}", other.uri());
                    Mock::given(path("/api/v1/tokens"))
                        .respond_with(ResponseTemplate::new(status).insert_header("Location", target.as_str()))
                        .expect(1)
                        .mount(&api)
                        .await;
                    let client = builder(&api).build().unwrap();
                    let err = client.execute::<()>(request(m.clone(), security)).await.unwrap_err();
                    let Error::InvalidRequest(message) = &err else { panic!("{status} {m}: {err:?}") };
                    assert!(message.starts_with("listApiTokens: "), "{message}");
                    assert!(message.contains(&format!("HTTP {status}")), "{message}");
                    assert!(message.contains(&format!("another origin ({})", other.uri())), "{message}");
                    assert!(!message.contains(SECRET), "{message}");
                    api.verify().await;
                }
            }
        }
        assert!(common::received(&other).await.is_empty(), "{:?}", common::received(&other).await);
    })
    .await;
}

#[tokio::test]
async fn allowed_cross_origin_redirects_carry_no_credentials_referer_or_body() {
    bounded(async {
        let other = other_host().await;
        let mut followed = 0;
        for status in [301, 302, 303, 307, 308] {
            for security in ALTERNATIVES {
                for m in [Method::GET, Method::POST] {
                    let api = MockServer::start().await;
                    // The server copies the key into the Location, as a "moved" answer keeping the query would.
                    let target = format!("{}/collect?api_key={SECRET}&page=2", other.uri());
                    Mock::given(path("/api/v1/tokens"))
                        .respond_with(ResponseTemplate::new(status).insert_header("Location", target.as_str()))
                        .mount(&api)
                        .await;
                    let client = builder(&api).redirects(RedirectPolicy::cross_origin()).build().unwrap();
                    let result = client.execute::<()>(request(m.clone(), security)).await;
                    if matches!(status, 307 | 308) && m == Method::POST {
                        // Following would re-send the body.
                        let err = result.unwrap_err();
                        assert!(
                            matches!(&err, Error::InvalidRequest(msg) if msg.contains("re-send the request body")),
                            "{err:?}"
                        );
                    } else {
                        assert_eq!(result.unwrap().status(), 200, "{status} {m}");
                        followed += 1;
                    }
                }
            }
        }
        let received = common::received(&other).await;
        assert_eq!(received.len(), followed);
        for r in &received {
            // 301/302/303 become GET; the query keeps what is not an API key.
            assert_eq!(r.url.query(), Some("page=2"), "{}", r.url);
        }
        assert_nothing_credential_bearing(&other).await;
    })
    .await;
}

#[tokio::test]
async fn same_origin_redirects_are_followed_with_credentials_and_body() {
    bounded(async {
        let api = MockServer::start().await;
        for (from, status) in [("/a/301", 301), ("/a/302", 302), ("/a/303", 303), ("/a/307", 307), ("/a/308", 308)] {
            Mock::given(path(from))
                .respond_with(ResponseTemplate::new(status).insert_header("Location", "/moved?x=1"))
                .mount(&api)
                .await;
        }
        Mock::given(method("GET"))
            .and(path("/moved"))
            .and(header("x-api-key", SECRET))
            .and(query_param("api_key", SECRET))
            .and(query_param("x", "1"))
            .respond_with(ResponseTemplate::new(200).set_body_string("got"))
            .mount(&api)
            .await;
        Mock::given(method("POST"))
            .and(path("/moved"))
            .and(header("x-api-key", SECRET))
            .and(body_string(BODY))
            .respond_with(ResponseTemplate::new(201))
            .mount(&api)
            .await;
        let client = builder(&api).build().unwrap();
        for (from, m, expected) in [
            ("/a/301", Method::POST, 200),
            ("/a/302", Method::GET, 200),
            ("/a/303", Method::POST, 200),
            ("/a/307", Method::POST, 201),
            ("/a/308", Method::POST, 201),
        ] {
            let mut req = Request::new(m.clone(), from, "moveIt");
            req.security(&[&["header", "query"]]);
            if m == Method::POST {
                req.binary_body(BODY.into(), "application/json");
            }
            let raw = client.execute::<()>(req).await.unwrap();
            assert_eq!(raw.status(), expected, "{from} {m}");
        }
        // No request to the new URL carried the key twice.
        for r in common::received(&api).await.iter().filter(|r| r.url.path() == "/moved") {
            assert_eq!(r.url.query_pairs().filter(|(k, _)| k == "api_key").count(), 1, "{}", r.url);
        }

        // A loop ends after the limit, with an error.
        Mock::given(path("/loop"))
            .respond_with(ResponseTemplate::new(302).insert_header("Location", "/loop"))
            .mount(&api)
            .await;
        let client = builder(&api).redirects(RedirectPolicy::same_origin().max_redirects(3)).build().unwrap();
        let err = client.execute::<()>(Request::new(Method::GET, "/loop", "loop")).await.unwrap_err();
        assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("stopped after 3 redirects")), "{err:?}");
        let loops = common::received(&api).await.iter().filter(|r| r.url.path() == "/loop").count();
        assert_eq!(loops, 4);

        // RedirectPolicy::none(): the 3xx is the response.
        let client = builder(&api).redirects(RedirectPolicy::none()).build().unwrap();
        let raw = client.execute::<()>(Request::new(Method::GET, "/a/302", "noFollow")).await.unwrap();
        assert_eq!(raw.status(), 302);
    })
    .await;
}

#[tokio::test]
async fn a_redirected_page_cannot_walk_around_the_same_origin_check_of_paging() {
    bounded(async {
        let api = MockServer::start().await;
        let other = other_host().await;
        Mock::given(path("/api/v1/users"))
            .and(query_param("after", "2"))
            .respond_with(
                ResponseTemplate::new(302).insert_header("Location", format!("{}/api/v1/users", other.uri()).as_str()),
            )
            .mount(&api)
            .await;
        Mock::given(path("/api/v1/users"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(serde_json::json!([{"id": 1}, {"id": 2}]))
                    .insert_header("Link", format!("<{}/api/v1/users?after=2>; rel=\"next\"", api.uri()).as_str()),
            )
            .mount(&api)
            .await;
        let client = builder(&api).build().unwrap();
        let mut first = Request::new(Method::GET, "/api/v1/users", "listUsers");
        first.security(&[&["header", "query", "cookie", "bearer"]]);
        let mut pages = client.paginate(first, Paging::LinkHeader, common::decode_items);
        assert_eq!(pages.next().await.unwrap().unwrap(), common::Item { id: 1 });
        assert_eq!(pages.next().await.unwrap().unwrap(), common::Item { id: 2 });
        let err = pages.next().await.unwrap().unwrap_err();
        assert!(matches!(&err, Error::InvalidRequest(m) if m.contains(&other.uri())), "{err:?}");
        assert!(pages.next().await.is_none());
        assert!(common::received(&other).await.is_empty());
    })
    .await;
}

#[tokio::test]
async fn the_client_secret_never_follows_a_token_endpoint_redirect() {
    bounded(async {
        let api = MockServer::start().await;
        let other = other_host().await;
        for status in [301, 302, 303, 307, 308] {
            let auth = MockServer::start().await;
            Mock::given(path("/token"))
                .respond_with(
                    ResponseTemplate::new(status).insert_header("Location", format!("{}/token", other.uri()).as_str()),
                )
                .expect(1)
                .mount(&auth)
                .await;
            let client = common::builder(&api)
                .credentials(
                    "oauth",
                    Credentials::client_credentials(format!("{}/token", auth.uri()), "id", SECRET, &[]),
                )
                .build()
                .unwrap();
            let mut req = Request::new(Method::GET, "/users", "listUsers");
            req.security(&[&["oauth"]]);
            let err = client.execute::<()>(req).await.unwrap_err();
            let Error::Auth(message) = &err else { panic!("{err:?}") };
            assert!(message.starts_with("listUsers: "), "{message}");
            assert!(message.contains(&format!("HTTP {status}")), "{message}");
            assert!(message.contains(&format!("a redirect to {}", other.uri())), "{message}");
            auth.verify().await;
        }
        assert!(common::received(&other).await.is_empty());
        assert!(common::received(&api).await.is_empty());

        // A caller's client that follows redirects: the runtime notices and
        // refuses the token it got (here the redirect stays on the auth server).
        let auth = MockServer::start().await;
        Mock::given(path("/token"))
            .respond_with(ResponseTemplate::new(307).insert_header("Location", "/elsewhere"))
            .mount(&auth)
            .await;
        Mock::given(path("/elsewhere"))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "t"})))
            .mount(&auth)
            .await;
        let client = common::builder(&api)
            .http_client(reqwest::Client::new())
            .credentials("oauth", Credentials::client_credentials(format!("{}/token", auth.uri()), "id", SECRET, &[]))
            .build()
            .unwrap();
        let mut req = Request::new(Method::GET, "/users", "listUsers");
        req.security(&[&["oauth"]]);
        let err = client.execute::<()>(req).await.unwrap_err();
        assert!(
            matches!(&err, Error::Auth(m) if m.contains("was redirected to") && m.contains("Policy::none()")),
            "{err:?}"
        );
        assert!(common::received(&api).await.is_empty());
    })
    .await;
}

const HTTPS_TEMPLATE: ServerTemplate =
    ServerTemplate { url: "https://{host}", variables: &[("host", "api.example.com")] };

fn config_error(result: Result<runtime_template::runtime::Client, Error>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn plain_http_with_credentials_needs_loopback_or_allow_insecure_http() {
    let key = || Credentials::api_key(ApiKeyLocation::Header, "X-API-Key", None, SECRET);
    let with_key = |base: &str| ClientBuilder::new(HTTPS_TEMPLATE).base_url(base).credentials("k", key());

    let message = config_error(with_key("http://api.example.com/v1").build());
    assert!(message.contains("the base URL (http://api.example.com) is plain http"), "{message}");
    assert!(message.contains("allow_insecure_http"), "{message}");
    with_key("http://api.example.com/v1").allow_insecure_http().build().unwrap();
    // Without credentials there is nothing to protect; loopback stays on this machine.
    ClientBuilder::new(HTTPS_TEMPLATE).base_url("http://api.example.com").build().unwrap();
    for base in
        ["http://127.0.0.1:8080", "http://127.9.9.9", "http://localhost:3000", "http://[::1]:8080", "https://x.example"]
    {
        with_key(base).build().unwrap();
    }
    // `localhost.evil.example` is not loopback.
    config_error(with_key("http://localhost.evil.example").build());

    // An http token URL for the client secret.
    let oauth = |url: &str| Credentials::client_credentials(url, "id", SECRET, &[]);
    let https_base = || ClientBuilder::new(HTTPS_TEMPLATE);
    let message = config_error(https_base().credentials("o", oauth("http://auth.example.com/token")).build());
    assert!(message.contains("security scheme `o`: the token URL (http://auth.example.com)"), "{message}");
    https_base().credentials("o", oauth("http://auth.example.com/token")).allow_insecure_http().build().unwrap();
    https_base().credentials("o", oauth("http://127.0.0.1:9/token")).build().unwrap();
    https_base().credentials("o", oauth("https://{host}/token")).build().unwrap();
    // The spec's https token URL cannot be downgraded by a plain-http base URL.
    let message = config_error(
        https_base().base_url("http://api.example.com").credentials("o", oauth("https://{host}/token")).build(),
    );
    assert!(message.contains("plain http"), "{message}");
}

#[test]
fn server_variables_cannot_change_the_host() {
    const OKTA: ServerTemplate =
        ServerTemplate { url: "https://{yourOktaDomain}", variables: &[("yourOktaDomain", "subdomain.okta.com")] };
    const OCS: ServerTemplate =
        ServerTemplate { url: "https://{host}", variables: &[("host", "uswe.datahub.connect.aveva.com")] };
    const TENANT: ServerTemplate = ServerTemplate {
        url: "https://{tenant}.example.com/{version}/api",
        variables: &[("tenant", "acme"), ("version", "v1")],
    };
    let okta = |value: &str| ClientBuilder::new(OKTA).server_variable("yourOktaDomain", value).build();

    for hostile in [
        "evil.example/x.okta.com",
        "a@b",
        "x.okta.com#",
        "x.okta.com?",
        "evil.example\\x.okta.com",
        "evil example.com",
        "%65vil.example",
        "user:pass@evil.example",
        "x.okta.com:",
        "x.okta.com:80/",
        "",
        ".",
        "a..b",
    ] {
        let message = config_error(okta(hostile));
        assert!(message.contains(&format!("server variable `yourOktaDomain` = {hostile:?}")), "{message}");
    }
    for fine in ["example.okta.com", "my-org.oktapreview.com", "127.0.0.1:8080", "localhost:3000"] {
        okta(fine).unwrap();
    }
    let client = ClientBuilder::new(OCS).server_variable("host", "euno.datahub.connect.aveva.com").build().unwrap();
    assert_eq!(client.base_url(), "https://euno.datahub.connect.aveva.com");
    ClientBuilder::new(OCS).server_variable("host", "uswe.datahub.connect.aveva.com:443").build().unwrap();

    // Part of the host: labels only, no port. In the path: one segment.
    let tenant = |name: &str, value: &str| ClientBuilder::new(TENANT).server_variable(name, value).build();
    assert_eq!(tenant("tenant", "big-co.eu").unwrap().base_url(), "https://big-co.eu.example.com/v1/api");
    assert_eq!(tenant("version", "v2").unwrap().base_url(), "https://acme.example.com/v2/api");
    for (name, hostile) in [
        ("tenant", "evil.example:443"),
        ("tenant", "evil.example/"),
        ("version", "v1/../../admin"),
        ("version", ".."),
        ("version", "v1?x="),
        ("version", "v1#"),
        ("version", "%2e%2e"),
    ] {
        let message = config_error(tenant(name, hostile));
        assert!(message.contains(&format!("`{name}` = {hostile:?}")), "{message}");
    }

    // The same check applies where a variable fills an OAuth 2.0 token URL:
    // fine as a path segment of the API, not as part of the token host.
    let region = ServerTemplate { url: "https://api.example.com/{region}", variables: &[("region", "eu")] };
    let token_url = "https://{region}.auth.example.com/token";
    let with_region = |value: &str| {
        ClientBuilder::new(region)
            .server_variable("region", value)
            .credentials("o", Credentials::client_credentials(token_url, "id", SECRET, &[]))
            .build()
    };
    with_region("us").unwrap();
    let message = config_error(with_region("evil.example:443"));
    assert!(message.contains("security scheme `o`: token URL: server variable `region`"), "{message}");
}
