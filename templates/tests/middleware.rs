//! Middleware: order, credentials applied before it, every attempt seen,
//! short-circuits, and errors that end the call.

mod common;

use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures::future::BoxFuture;
use reqwest::header::{HeaderMap, HeaderValue, AUTHORIZATION};
use reqwest::{Method, StatusCode};
use runtime_template::runtime::{CallInfo, Credentials, Error, Middleware, Next, RawResponse, Request, SendError};
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

type Log = Arc<Mutex<Vec<String>>>;

/// Logs the request on the way in (with the attempt and whether credentials
/// were applied) and the status on the way out, and adds its own header.
struct Recording {
    name: &'static str,
    log: Log,
}

impl Middleware for Recording {
    fn handle<'a>(
        &'a self,
        mut request: reqwest::Request,
        info: &'a CallInfo,
        next: Next<'a>,
    ) -> BoxFuture<'a, Result<RawResponse, SendError>> {
        Box::pin(async move {
            let authorized = request.headers().contains_key(AUTHORIZATION);
            let seen: Vec<&str> = request.headers().get_all("x-seen").iter().filter_map(|v| v.to_str().ok()).collect();
            self.log.lock().unwrap().push(format!(
                "{} > {} attempt {} auth {authorized} seen {seen:?}",
                self.name,
                info.operation_id(),
                info.attempt()
            ));
            request.headers_mut().append("x-seen", HeaderValue::from_static(self.name));
            let result = next.run(request).await;
            let status = result.as_ref().map(|r| r.status().as_u16()).unwrap_or_default();
            self.log.lock().unwrap().push(format!("{} < {status}", self.name));
            result
        })
    }
}

fn get() -> Request {
    let mut request = Request::new(Method::GET, "/things", "listThings");
    request.security(&[&["bearerAuth"]]);
    request
}

#[tokio::test]
async fn middleware_run_in_the_order_added_after_credentials() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer tok"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let log = Log::default();
    let client = common::builder(&server)
        .credentials("bearerAuth", Credentials::bearer("tok"))
        .middleware(Recording { name: "outer", log: log.clone() })
        .middleware(Recording { name: "inner", log: log.clone() })
        .build()
        .unwrap();
    let raw = client.execute::<()>(get()).await.unwrap();
    assert_eq!(raw.status(), 200);
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log,
        [
            "outer > listThings attempt 1 auth true seen []",
            "inner > listThings attempt 1 auth true seen [\"outer\"]",
            "inner < 200",
            "outer < 200",
        ]
    );
    let received = common::received(&server).await;
    let seen: Vec<_> = received[0].headers.get_all("x-seen").iter().map(|v| v.to_str().unwrap().to_owned()).collect();
    assert_eq!(seen, ["outer", "inner"]);
}

#[tokio::test]
async fn middleware_sees_every_attempt_of_a_retried_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let log = Log::default();
    let client = common::builder(&server)
        .credentials("bearerAuth", Credentials::bearer("tok"))
        .middleware(Recording { name: "m", log: log.clone() })
        .build()
        .unwrap();
    assert_eq!(client.execute::<()>(get()).await.unwrap().status(), 200);
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log,
        [
            "m > listThings attempt 1 auth true seen []",
            "m < 503",
            "m > listThings attempt 2 auth true seen []",
            "m < 503",
            "m > listThings attempt 3 auth true seen []",
            "m < 200",
        ]
    );
}

/// Answers every request itself.
struct Canned;

impl Middleware for Canned {
    fn handle<'a>(
        &'a self,
        _request: reqwest::Request,
        _info: &'a CallInfo,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<RawResponse, SendError>> {
        let mut headers = HeaderMap::new();
        headers.insert("content-type", HeaderValue::from_static("application/json"));
        Box::pin(async move { Ok(RawResponse::new(StatusCode::OK, headers, Bytes::from_static(b"[{\"id\":7}]"))) })
    }
}

#[tokio::test]
async fn a_middleware_can_answer_without_the_network() {
    let server = MockServer::start().await;
    let log = Log::default();
    let client = common::builder(&server)
        .middleware(Recording { name: "outer", log: log.clone() })
        .middleware(Canned)
        .middleware(Recording { name: "never", log: log.clone() })
        .build()
        .unwrap();
    let raw = client.execute::<()>(get()).await.unwrap();
    // Its response is the call's: named after the operation, decoded as usual.
    assert_eq!(raw.operation(), "listThings");
    assert_eq!(common::decode_items(raw).unwrap(), [common::Item { id: 7 }]);
    assert_eq!(log.lock().unwrap().len(), 2, "{log:?}");
    assert!(common::received(&server).await.is_empty());
}

/// Fails every call, as a signer whose key store is down would.
struct Refusing;

impl Middleware for Refusing {
    fn handle<'a>(
        &'a self,
        _request: reqwest::Request,
        info: &'a CallInfo,
        _next: Next<'a>,
    ) -> BoxFuture<'a, Result<RawResponse, SendError>> {
        let error = Error::Auth(format!("{}: key store unavailable", info.operation_id()));
        Box::pin(async move { Err(SendError::fail(error)) })
    }
}

#[tokio::test]
async fn an_error_from_a_middleware_ends_the_call_unretried() {
    let server = MockServer::start().await;
    let log = Log::default();
    let client = common::builder(&server)
        .middleware(Recording { name: "outer", log: log.clone() })
        .middleware(Refusing)
        .build()
        .unwrap();
    let err = client.execute::<()>(get()).await.unwrap_err();
    assert!(matches!(&err, Error::Auth(m) if m == "listThings: key store unavailable"), "{err:?}");
    assert_eq!(log.lock().unwrap().len(), 2, "one attempt only: {log:?}");
    assert!(common::received(&server).await.is_empty());
}
