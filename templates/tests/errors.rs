//! Error contents, decoding errors and secret redaction.

mod common;

use reqwest::Method;
use runtime_template::runtime::{ApiKeyLocation, Client, ClientBuilder, Credentials, Error, RawResponse, Request};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{any, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[derive(Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct OktaError {
    error_code: String,
    error_summary: String,
}

fn get(p: &'static str) -> Request {
    Request::new(Method::GET, p, "op")
}

#[tokio::test]
async fn api_error_carries_status_headers_and_parsed_body() {
    let server = MockServer::start().await;
    Mock::given(path("/users/x"))
        .respond_with(
            ResponseTemplate::new(404)
                .insert_header("X-Okta-Request-Id", "req-1")
                .set_body_json(json!({"errorCode": "E0000007", "errorSummary": "Not found: x"})),
        )
        .mount(&server)
        .await;
    let raw = common::client(&server).execute::<OktaError>(get("/users/x")).await.unwrap();
    let err: Error<OktaError> = raw.into_error();
    let Error::Api(api) = &err else { panic!("{err:?}") };
    assert_eq!(api.status(), 404);
    assert_eq!(api.headers().get("x-okta-request-id").unwrap(), "req-1");
    assert_eq!(api.body(), Some(&OktaError { error_code: "E0000007".into(), error_summary: "Not found: x".into() }));
    assert!(api.raw_body().contains("E0000007"));
    assert_eq!(err.status().unwrap(), 404);
    assert!(err.to_string().contains("404"), "{err}");
}

#[tokio::test]
async fn api_error_keeps_raw_body_when_it_does_not_parse() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"))
        .mount(&server)
        .await;
    let raw = common::client(&server).execute::<OktaError>(get("/x")).await.unwrap();
    let Error::Api(api) = raw.into_error::<OktaError>() else { panic!() };
    assert_eq!(api.status(), 502);
    assert!(api.body().is_none());
    assert_eq!(api.raw_body(), "<html>bad gateway</html>");
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)] // Fields exist to be decoded.
struct Listing {
    items: Vec<Entry>,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)] // Fields exist to be decoded.
struct Entry {
    created: chrono::DateTime<chrono::Utc>,
}

#[tokio::test]
async fn decode_error_names_the_failing_field() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"items": [
            {"created": "2024-01-01T00:00:00Z"},
            {"created": "2024-01-02T00:00:00Z"},
            {"created": "yesterday"}
        ]})))
        .mount(&server)
        .await;
    let raw = common::client(&server).execute::<()>(get("/x")).await.unwrap();
    let err = raw.json::<Listing, ()>().unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert_eq!(decode.path(), "items[2].created");
    assert_eq!(decode.status(), 200);
    assert!(err.to_string().contains("items[2].created"), "{err}");
    assert!(raw.json::<Listing, ()>().is_err());
    let trailing = RawResponse::new(reqwest::StatusCode::OK, Default::default(), "[] x".into());
    assert!(matches!(trailing.json::<Vec<u8>, ()>(), Err(Error::Decode(_))));
}

fn with_content_type(content_type: Option<&str>, body: impl Into<bytes::Bytes>) -> RawResponse {
    let mut headers = reqwest::header::HeaderMap::new();
    if let Some(content_type) = content_type {
        headers.insert(reqwest::header::CONTENT_TYPE, content_type.parse().unwrap());
    }
    RawResponse::new(reqwest::StatusCode::OK, headers, body.into())
}

#[test]
fn a_body_the_spec_does_not_call_json_is_decoded_only_when_the_response_says_json() {
    let declared = ["application/vnd.example.pet"];
    for content_type in [
        None,
        Some(""),
        Some("application/json"),
        Some("Application/JSON; charset=utf-8"),
        Some("application/problem+json"),
        Some("text/json"),
        Some("application/vnd.example.pet; version=1"),
    ] {
        let raw = with_content_type(content_type, r#"{"id": "a"}"#);
        let value: serde_json::Value = raw.json_by_content_type::<_, ()>(&declared).unwrap();
        assert_eq!(value["id"], "a", "{content_type:?}");
    }
    // A declared type counts only for the operation that declares it.
    let raw = with_content_type(Some("application/vnd.example.pet"), r#"{"id": "a"}"#);
    assert!(raw.json_by_content_type::<serde_json::Value, ()>(&[]).is_err());
    // JSON that does not decode is the usual decode error, with no body kept.
    let raw = with_content_type(Some("application/json"), r#"{"id": 1}"#);
    let Err(Error::Decode(decode)) = raw.json_by_content_type::<std::collections::BTreeMap<String, String>, ()>(&[])
    else {
        panic!()
    };
    assert!(!decode.is_unexpected_content_type() && decode.body().is_none() && decode.content_type().is_none());
}

#[test]
fn a_body_that_is_not_json_is_a_decode_error_carrying_the_body() {
    let page = "<html><body>Service unavailable</body></html>";
    let raw = with_content_type(Some("text/html; charset=utf-8"), page);
    let err = raw.json_by_content_type::<serde_json::Value, ()>(&[]).unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert!(decode.is_unexpected_content_type());
    assert_eq!(decode.content_type(), Some("text/html; charset=utf-8"));
    assert_eq!(decode.body().map(|b| b.as_ref()), Some(page.as_bytes()));
    assert!(!decode.is_body_truncated());
    assert_eq!(decode.status(), 200);
    assert_eq!(
        err.to_string(),
        "response body: Content-Type `text/html; charset=utf-8` is not JSON (45 bytes)",
        "one line, naming the type, never the body"
    );
    assert!(!format!("{err:?}").contains("Service unavailable"), "Debug shows the body's length only");
    // The body kept is bounded like an error body: its first 64 KiB, copied out.
    let large = vec![b'x'; 1024 * 1024];
    let raw = with_content_type(Some("application/octet-stream"), large);
    let Err(Error::Decode(decode)) = raw.json_by_content_type::<serde_json::Value, ()>(&[]) else { panic!() };
    assert_eq!(decode.body().map(|b| b.len()), Some(64 * 1024));
    assert!(decode.is_body_truncated());
    assert!(decode.to_string().contains("(1048576 bytes)"), "{decode}");
}

#[tokio::test]
async fn a_vendor_json_body_is_sent_with_its_media_type() {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let mut request = Request::new(Method::PUT, "/pets/1", "replacePet");
    request.json_body_as::<_, ()>(&json!({"name": "Rex"}), "application/vnd.example.pet").unwrap();
    common::client(&server).execute::<()>(request).await.unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    assert_eq!(received.headers["content-type"], "application/vnd.example.pet");
    assert_eq!(serde_json::from_slice::<serde_json::Value>(&received.body).unwrap(), json!({"name": "Rex"}));
}

const SECRET: &str = "secret-value";

fn every_credential_kind(base_url: &str) -> Client {
    ClientBuilder::new(common::SERVER)
        .base_url(base_url)
        .retry_policy(runtime_template::runtime::RetryPolicy::none())
        .credentials("header", Credentials::api_key(ApiKeyLocation::Header, "X-Api-Key", Some("Key"), SECRET))
        .credentials("query", Credentials::api_key(ApiKeyLocation::Query, "api_key", None, SECRET))
        .credentials("cookie", Credentials::api_key(ApiKeyLocation::Cookie, "sid", None, SECRET))
        .credentials("bearer", Credentials::bearer(SECRET))
        .credentials("basic", Credentials::basic("user", SECRET))
        .credentials("oauth", Credentials::client_credentials("/token", "id", SECRET, &[]))
        .build()
        .unwrap()
}

#[test]
fn debug_of_client_builder_and_credentials_hides_secrets() {
    let client = every_credential_kind("https://api.example.com");
    let shown = format!("{client:?}");
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("api.example.com"));
    for c in [
        Credentials::api_key(ApiKeyLocation::Header, "Authorization", Some("SSWS"), SECRET),
        Credentials::bearer(SECRET),
        Credentials::basic("user", SECRET),
        Credentials::client_credentials("https://x/token", "id", SECRET, &["s"]),
    ] {
        let shown = format!("{c:?}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
    let builder = ClientBuilder::new(common::SERVER).credentials("b", Credentials::bearer(SECRET));
    assert!(!format!("{builder:?}").contains(SECRET));
    let mut req = get("/x");
    req.query("token", &SECRET);
    req.header("X-Secret", &SECRET);
    assert!(!format!("{req:?}").contains(SECRET));
}

#[tokio::test]
async fn errors_never_show_secrets() {
    // Transport error on a URL carrying the query api key.
    let addr = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = every_credential_kind(&format!("http://{addr}"));
    let mut req = get("/x");
    req.security(&[&["header", "query", "cookie", "basic"]]);
    let err = client.execute::<()>(req).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    let shown = format!("{err:?} {err}");
    assert!(!shown.contains(SECRET), "{shown}");

    // API error whose response echoes credential headers.
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("X-Api-Key", format!("Key {SECRET}").as_str())
                .insert_header("Set-Cookie", format!("sid={SECRET}").as_str())
                .insert_header("Authorization", format!("Bearer {SECRET}").as_str()),
        )
        .mount(&server)
        .await;
    let client = every_credential_kind(&server.uri());
    let mut req = get("/x");
    req.security(&[&["header"]]);
    let raw = client.execute::<()>(req).await.unwrap();
    assert!(!format!("{raw:?}").contains(SECRET));
    let err = raw.into_error::<serde_json::Value>();
    let shown = format!("{err:?} {err}");
    assert!(!shown.contains(SECRET), "{shown}");
    // The values are still readable by code that asks for them.
    let Error::Api(api) = &err else { panic!() };
    assert_eq!(api.headers().get("x-api-key").unwrap(), "Key secret-value");
}
