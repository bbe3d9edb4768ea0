//! Parameter serialization and request bodies.

mod common;

use bytes::Bytes;
use chrono::{NaiveDate, TimeZone, Utc};
use reqwest::Method;
use runtime_template::runtime::{Error, ParamValue, QueryObjectStyle, Request};
use serde_json::json;
use wiremock::matchers::{any, body_string, header};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn ok_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    server
}

/// Sends `req` and returns what the server received.
async fn send(req: Request) -> wiremock::Request {
    let server = ok_server().await;
    common::client(&server).execute::<()>(req).await.unwrap();
    common::received(&server).await.remove(0)
}

fn get() -> Request {
    Request::new(Method::GET, "/items", "listItems")
}

#[tokio::test]
async fn path_params_are_percent_encoded() {
    let mut req = Request::new(Method::GET, "/groups/{groupId}/users/{userId}", "getUser");
    req.path_param("groupId", &"a/b c");
    req.path_param("userId", &"x?y#z%50é");
    let received = send(req).await;
    assert_eq!(received.url.path(), "/groups/a%2Fb%20c/users/x%3Fy%23z%2550%C3%A9");
}

#[tokio::test]
async fn dangerous_or_missing_path_params_are_invalid_requests() {
    let server = ok_server().await;
    let client = common::client(&server);
    for value in ["..", ".", ""] {
        let mut req = Request::new(Method::DELETE, "/users/{id}", "deleteUser");
        req.path_param("id", &value);
        let err = client.execute::<()>(req).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{value:?}: {err:?}");
    }
    let missing = Request::new(Method::DELETE, "/users/{id}", "deleteUser");
    let err = client.execute::<()>(missing).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("{id}")), "{err:?}");
    assert!(common::received(&server).await.is_empty());
}

#[tokio::test]
async fn scalar_query_values_are_encoded() {
    let mut req = get();
    req.query("q", &"a b&c=d");
    req.query("active", &true);
    req.query("since", &Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap());
    let received = send(req).await;
    assert_eq!(received.url.query().unwrap(), "q=a%20b%26c%3Dd&active=true&since=2024-05-01T12%3A00%3A00Z");
}

#[tokio::test]
async fn query_arrays_exploded_and_not() {
    let mut req = get();
    req.query_array("id", &[&1, &2], true);
    req.query_array("tag", &[&"a", &"b,c"], false);
    req.query_array("empty", &[], true);
    let received = send(req).await;
    assert_eq!(received.url.query().unwrap(), "id=1&id=2&tag=a,b%2Cc");
}

#[tokio::test]
async fn query_objects_deep_object_and_form() {
    let mut req = get();
    req.query_object(
        "filter",
        &json!({"name": "bob", "addr": {"city": "Paris"}, "gone": null, "ids": [1, 2]}),
        QueryObjectStyle::DeepObject,
    );
    let received = send(req).await;
    let pairs: Vec<(String, String)> = received.url.query_pairs().map(|(k, v)| (k.into(), v.into())).collect();
    let expected =
        [("filter[name]", "bob"), ("filter[addr][city]", "Paris"), ("filter[ids]", "1"), ("filter[ids]", "2")];
    assert_eq!(pairs.len(), expected.len(), "{pairs:?}");
    for (k, v) in expected {
        assert!(pairs.contains(&(k.to_owned(), v.to_owned())), "missing {k}={v} in {pairs:?}");
    }

    let mut req = get();
    req.query_object("color", &json!({"R": 100, "G": 200}), QueryObjectStyle::Form { explode: false });
    req.query_object("point", &json!({"x": 1, "y": "a b"}), QueryObjectStyle::Form { explode: true });
    let received = send(req).await;
    let query = received.url.query().unwrap();
    // Member order follows the JSON map (sorted unless preserve_order is on).
    assert!(query == "color=G,200,R,100&x=1&y=a%20b" || query == "color=R,100,G,200&x=1&y=a%20b", "{query}");
}

#[tokio::test]
async fn header_and_cookie_params_and_accept() {
    let mut req = get();
    req.header("X-Request-Id", &uuid::Uuid::nil());
    req.header("X-Date", &NaiveDate::from_ymd_opt(2024, 2, 29).unwrap());
    req.cookie("session", &"a b;c");
    req.accept("application/json");
    req.accept("application/problem+json");
    let received = send(req).await;
    assert_eq!(received.headers.get("x-request-id").unwrap(), "00000000-0000-0000-0000-000000000000");
    assert_eq!(received.headers.get("x-date").unwrap(), "2024-02-29");
    assert_eq!(received.headers.get("cookie").unwrap(), "session=a%20b%3Bc");
    assert_eq!(received.headers.get("accept").unwrap(), "application/json, application/problem+json");
}

#[tokio::test]
async fn invalid_header_value_is_an_invalid_request_without_the_value() {
    let server = ok_server().await;
    let mut req = get();
    req.header("X-Token", &"secret-value\r\nInjected: yes");
    let err = common::client(&server).execute::<()>(req).await.unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("X-Token")), "{err:?}");
    assert!(!format!("{err:?} {err}").contains("secret-value"));
    assert!(common::received(&server).await.is_empty());
}

#[tokio::test]
async fn json_form_and_binary_bodies() {
    let server = MockServer::start().await;
    Mock::given(header("content-type", "application/json"))
        .and(body_string(r#"{"name":"x","n":1}"#))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string("a=1&b=x%20y&tags=t1&tags=t2"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(header("content-type", "application/octet-stream"))
        .and(body_string("raw bytes"))
        .respond_with(ResponseTemplate::new(203))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);

    #[derive(serde::Serialize)]
    struct Body {
        name: &'static str,
        n: u8,
    }
    let mut req = Request::new(Method::POST, "/things", "create");
    req.json_body::<_, ()>(&Body { name: "x", n: 1 }).unwrap();
    assert_eq!(client.execute::<()>(req).await.unwrap().status(), 201);

    let mut req = Request::new(Method::POST, "/things", "createForm");
    req.form_body::<_, ()>(&json!({"a": 1, "b": "x y", "tags": ["t1", "t2"], "skip": null})).unwrap();
    assert_eq!(client.execute::<()>(req).await.unwrap().status(), 202);

    let mut req = Request::new(Method::PUT, "/things/blob", "upload");
    req.binary_body(Bytes::from_static(b"raw bytes"), "application/octet-stream");
    assert_eq!(client.execute::<()>(req).await.unwrap().status(), 203);
}

#[test]
fn unserializable_bodies_are_invalid_requests() {
    let mut map = std::collections::HashMap::new();
    map.insert(vec![1u8], 1); // non-string keys do not serialize to JSON
    let mut req = Request::new(Method::POST, "/things", "create");
    let err = req.json_body::<_, ()>(&map).unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    let err = req.form_body::<_, ()>(&[1, 2]).unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

/// The shape of a generated request builder: `?` converts body errors into
/// the operation's error type without annotations.
fn generated_request(body: &serde_json::Value) -> Result<Request, Error<String>> {
    let mut request = Request::new(Method::POST, "/things", "create");
    request.json_body(body)?;
    request.security(&[]);
    Ok(request)
}

#[test]
fn body_errors_convert_with_question_mark() {
    assert!(generated_request(&json!({"a": 1})).is_ok());
}

#[test]
fn param_values() {
    assert_eq!("x".to_param(), "x");
    assert_eq!(String::from("y").to_param(), "y");
    assert_eq!(false.to_param(), "false");
    assert_eq!((-5i64).to_param(), "-5");
    assert_eq!(1.5f64.to_param(), "1.5");
    assert_eq!(json!("unquoted").to_param(), "unquoted");
    assert_eq!(json!(3).to_param(), "3");
    assert_eq!(Box::new(7u8).to_param(), "7");
    assert_eq!((&&"ref").to_param(), "ref");
    assert_eq!(Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap().to_param(), "2024-01-02T03:04:05Z");
}
