//! Per-call options (headers, timeout, deadline, retry policy) and
//! idempotency keys: one per call, the same on every attempt, and what they
//! let the client replay.

mod common;
#[path = "common/raw_server.rs"]
mod raw_server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use raw_server::RawServer;
use reqwest::Method;
use runtime_template::runtime::{CallOptions, ClientBuilder, Error, Request, RetryPolicy};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request(m: Method, options: CallOptions) -> Request {
    let mut request = Request::new(m, "/things", "createThing");
    request.header("x-tenant", &"from-parameter");
    request.call_options(&options);
    request
}

/// The values of `name` in each request the server received.
async fn header_values(server: &MockServer, name: &str) -> Vec<String> {
    let received = common::received(server).await;
    received.iter().map(|r| r.headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()).collect()
}

async fn unavailable_then_created(server: &MockServer) {
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(503)).up_to_n_times(1).mount(server).await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).mount(server).await;
}

#[tokio::test]
async fn extra_headers_replace_parameters_of_their_name() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let options = CallOptions::new().header("X-Tenant", "from-options").header("x-trace-id", "t-1");
    let raw = common::client(&server).execute::<()>(request(Method::GET, options)).await.unwrap();
    assert_eq!(raw.status(), 200);
    let received = common::received(&server).await;
    let tenants: Vec<_> = received[0].headers.get_all("x-tenant").iter().collect();
    assert_eq!(tenants, ["from-options"]);
    assert_eq!(header_values(&server, "x-trace-id").await, ["t-1"]);
}

#[tokio::test]
async fn an_invalid_header_fails_the_call_before_sending() {
    let server = MockServer::start().await;
    let options = CallOptions::new().header("x-trace-id", "line\nbreak");
    assert!(!format!("{options:?}").contains("break"), "{options:?}");
    let err = common::client(&server).execute::<()>(request(Method::GET, options)).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("invalid value of header `x-trace-id` in the call options")),
        "{err:?}"
    );
    assert!(common::received(&server).await.is_empty());
}

#[tokio::test]
async fn timeout_deadline_and_retry_policy_override_the_clients() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_millis(1500)))
        .mount(&server)
        .await;
    let client = common::builder(&server).timeout(Duration::from_secs(20)).build().unwrap();
    let options = CallOptions::new().timeout(Duration::from_millis(200)).retry_policy(RetryPolicy::none());
    let err = client.execute::<()>(request(Method::GET, options)).await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("{err:?}") };
    assert!(e.is_timeout() && !e.is_deadline() && e.attempts() == 1, "{err}");
    assert!(err.to_string().contains("200 ms"), "{err}");

    let options = CallOptions::new().deadline(Duration::from_millis(300));
    let err = client.execute::<()>(request(Method::GET, options)).await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("{err:?}") };
    assert!(e.is_deadline(), "{err}");

    // The client's own policy retries a 503 of a GET; the call's does not.
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).mount(&server).await;
    let options = CallOptions::new().retry_policy(RetryPolicy::none());
    let raw = common::client(&server).execute::<()>(request(Method::GET, options)).await.unwrap();
    assert_eq!(raw.status(), 503);
    assert_eq!(common::received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_post_with_a_key_is_retried_on_503_with_the_same_key() {
    let server = MockServer::start().await;
    unavailable_then_created(&server).await;
    let raw = common::client(&server).execute::<()>(request(Method::POST, CallOptions::new().idempotent())).await;
    assert_eq!(raw.unwrap().status(), 201);
    let keys = header_values(&server, "idempotency-key").await;
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
    assert!(uuid::Uuid::parse_str(&keys[0]).is_ok_and(|u| u.get_version_num() == 4), "{keys:?}");

    // Another call, another key.
    let raw = common::client(&server).execute::<()>(request(Method::POST, CallOptions::new().idempotent())).await;
    assert_eq!(raw.unwrap().status(), 201);
    let keys = header_values(&server, "idempotency-key").await;
    assert_ne!(keys[2], keys[0]);
}

#[tokio::test]
async fn a_post_without_a_key_is_never_replayed() {
    let server = MockServer::start().await;
    unavailable_then_created(&server).await;
    let raw = common::client(&server).execute::<()>(request(Method::POST, CallOptions::new())).await.unwrap();
    assert_eq!(raw.status(), 503);
    assert_eq!(header_values(&server, "idempotency-key").await, [""]);
}

#[tokio::test]
async fn a_given_key_and_the_specs_header_are_used() {
    let server = MockServer::start().await;
    unavailable_then_created(&server).await;
    let mut req = Request::new(Method::POST, "/things", "createThing");
    // As generated for a spec header parameter `Idempotency-Key` left unset...
    req.idempotency_header("X-Idempotency-Key");
    req.call_options(&CallOptions::new().idempotency_key("order-42"));
    assert_eq!(common::client(&server).execute::<()>(req).await.unwrap().status(), 201);
    assert_eq!(header_values(&server, "x-idempotency-key").await, ["order-42", "order-42"]);
    assert_eq!(header_values(&server, "idempotency-key").await, ["", ""]);

    // ... and set by the caller: its value is the key.
    let server = MockServer::start().await;
    unavailable_then_created(&server).await;
    let mut req = Request::new(Method::POST, "/things", "createThing");
    req.header("X-Idempotency-Key", &"from-parameter");
    req.idempotency_header("X-Idempotency-Key");
    assert_eq!(common::client(&server).execute::<()>(req).await.unwrap().status(), 201);
    assert_eq!(header_values(&server, "x-idempotency-key").await, ["from-parameter", "from-parameter"]);

    // Unset, with no options: generated for the call.
    let server = MockServer::start().await;
    unavailable_then_created(&server).await;
    let mut req = Request::new(Method::POST, "/things", "createThing");
    req.idempotency_header("X-Idempotency-Key");
    assert_eq!(common::client(&server).execute::<()>(req).await.unwrap().status(), 201);
    let keys = header_values(&server, "x-idempotency-key").await;
    assert!(keys[0].len() == 36 && keys[0] == keys[1], "{keys:?}");
}

/// A server that reads each request head, records its idempotency key and hangs up.
async fn hang_up_server() -> (RawServer, Arc<Mutex<Vec<String>>>) {
    let keys = Arc::new(Mutex::new(Vec::new()));
    let seen = keys.clone();
    let server = raw_server::serve_requests(move |incoming| {
        seen.lock().unwrap().push(incoming.header("idempotency-key").unwrap_or_default());
        drop(incoming);
        async { Ok(()) }
    })
    .await;
    (server, keys)
}

#[tokio::test]
async fn a_post_with_a_key_is_retried_after_a_dropped_connection() {
    let (server, keys) = hang_up_server().await;
    let client = ClientBuilder::new(common::SERVER)
        .base_url(&server.base_url)
        .retry_policy(common::fast_retries().max_retries(2))
        .build()
        .unwrap();
    let err = client.execute::<()>(request(Method::POST, CallOptions::new().idempotency_key("k-1"))).await;
    assert!(matches!(err, Err(Error::Transport(_))), "{err:?}");
    assert_eq!(server.requests(), 3);
    assert_eq!(*keys.lock().unwrap(), ["k-1", "k-1", "k-1"]);
}
