//! Retries: 429/503 with server-requested delays, backoff, transport errors, limits.

mod common;
#[path = "common/raw_server.rs"]
mod raw_server;

use std::net::TcpListener;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use raw_server::RawServer;
use reqwest::Method;
use runtime_template::runtime::{CallOptions, ClientBuilder, Error, Request, RetryPolicy};
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn request(m: Method) -> Request {
    Request::new(m, "/api/v1/things", "thing")
}

#[tokio::test]
async fn rate_limited_429_waits_for_x_rate_limit_reset() {
    let server = MockServer::start().await;
    let reset = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() + 1;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("X-Rate-Limit-Reset", reset.to_string().as_str()))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200)).expect(1).mount(&server).await;
    let client = common::client(&server);
    let started = Instant::now();
    // POST: a 429 is retried whatever the method (the server has not acted).
    let raw = client.execute::<()>(request(Method::POST)).await.unwrap();
    assert_eq!(raw.status(), 200);
    let reset_at = UNIX_EPOCH + Duration::from_secs(reset);
    assert!(SystemTime::now() + Duration::from_millis(50) >= reset_at, "retried before the reset time");
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn unavailable_503_waits_for_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "1"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    let started = Instant::now();
    let raw = client.execute::<()>(request(Method::GET)).await.unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(raw.text::<()>().unwrap(), "ok");
    assert!(started.elapsed() >= Duration::from_millis(950), "{:?}", started.elapsed());
}

#[tokio::test]
async fn retry_after_http_date_is_honoured() {
    let server = MockServer::start().await;
    // HTTP dates have whole seconds: this one is 1 to 2 s away.
    let at = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(2));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", at.as_str()))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let started = Instant::now();
    // The client's own backoff is 5 ms: only the date can make it wait a second.
    let raw = common::client(&server).execute::<()>(request(Method::GET)).await.unwrap();
    let waited = started.elapsed();
    assert_eq!(raw.status(), 200);
    assert_eq!(common::received(&server).await.len(), 2);
    assert!(waited >= Duration::from_millis(950) && waited < Duration::from_secs(5), "{waited:?}");
}

#[tokio::test]
async fn server_wait_above_max_retry_after_returns_the_response() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "120"))
        .expect(1)
        .mount(&server)
        .await;
    let started = Instant::now();
    let raw = common::client(&server).execute::<()>(request(Method::GET)).await.unwrap();
    assert_eq!(raw.status(), 429);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn retry_limit_is_respected_and_last_response_returned() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .expect(3)
        .mount(&server)
        .await;
    let client = common::builder(&server).retry_policy(common::fast_retries().max_retries(2)).build().unwrap();
    let raw = client.execute::<()>(request(Method::GET)).await.unwrap();
    assert_eq!(raw.status(), 503);
    assert_eq!(raw.body().as_ref(), b"busy");
}

#[tokio::test]
async fn backoff_delays_grow_exponentially() {
    let server = MockServer::start().await;
    let arrivals = Arrivals::default();
    Mock::given(method("GET")).respond_with(arrivals.clone()).expect(3).mount(&server).await;
    let client = common::builder(&server)
        .retry_policy(RetryPolicy::default().max_retries(2).initial_delay(Duration::from_millis(100)).jitter(false))
        .build()
        .unwrap();
    client.execute::<()>(request(Method::GET)).await.unwrap();
    let gaps = arrivals.gaps();
    // 100 ms, then 200 ms: each delay twice the one before (a constant
    // delay, or one that ignored initial_delay, would fail one of these).
    let [first, second] = gaps[..] else { panic!("three requests, two gaps: {gaps:?}") };
    assert!(first >= Duration::from_millis(100) && first < Duration::from_millis(250), "{gaps:?}");
    assert!(second >= Duration::from_millis(200) && second < Duration::from_millis(450), "{gaps:?}");
    assert!(second.as_secs_f64() >= 1.6 * first.as_secs_f64(), "{gaps:?}");
}

/// Answers 503 and records when each request arrived.
#[derive(Clone, Default)]
struct Arrivals(Arc<std::sync::Mutex<Vec<Instant>>>);

impl Arrivals {
    /// The time between each request and the one before.
    fn gaps(&self) -> Vec<Duration> {
        let times = self.0.lock().unwrap();
        times.windows(2).map(|pair| pair[1] - pair[0]).collect()
    }
}

impl wiremock::Respond for Arrivals {
    fn respond(&self, _: &wiremock::Request) -> ResponseTemplate {
        self.0.lock().unwrap().push(Instant::now());
        ResponseTemplate::new(503)
    }
}

#[tokio::test]
async fn retry_policy_none_sends_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(429)).expect(1).mount(&server).await;
    let client = common::builder(&server).retry_policy(RetryPolicy::none()).build().unwrap();
    assert_eq!(client.execute::<()>(request(Method::GET)).await.unwrap().status(), 429);
}

#[tokio::test]
async fn other_statuses_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(500)).expect(1).mount(&server).await;
    let raw = common::client(&server).execute::<()>(request(Method::GET)).await.unwrap();
    assert_eq!(raw.status(), 500);
}

#[tokio::test]
async fn multipart_body_is_rebuilt_for_each_attempt() {
    use runtime_template::runtime::MultipartPart;
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_string_contains("hello file"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_string_contains("hello file"))
        .and(body_string_contains("name=\"description\""))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = request(Method::POST);
    // A POST is replayed after a 503 only with an idempotency key.
    req.call_options(&CallOptions::new().idempotent());
    req.multipart_body(vec![
        MultipartPart::text("description", "a file"),
        MultipartPart::bytes("file", &b"hello file"[..]).file_name("a.txt").content_type("text/plain"),
    ]);
    let raw = common::client(&server).execute::<()>(req).await.unwrap();
    assert_eq!(raw.status(), 201);
    let requests = common::received(&server).await;
    let content_type = requests[1].headers.get("content-type").unwrap().to_str().unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
}

/// A server that reads each request head and hangs up without answering.
async fn hang_up_server() -> RawServer {
    raw_server::serve(|stream, _| async move {
        drop(stream);
        Ok(())
    })
    .await
}

#[tokio::test]
async fn post_answered_by_dropped_connection_is_not_retried() {
    let server = hang_up_server().await;
    let client = ClientBuilder::new(common::SERVER)
        .base_url(&server.base_url)
        .retry_policy(common::fast_retries())
        .build()
        .unwrap();
    let mut req = request(Method::POST);
    req.json_body::<_, ()>(&serde_json::json!({"name": "x"})).unwrap();
    let err = client.execute::<()>(req).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests(), 1);
}

#[tokio::test]
async fn get_answered_by_dropped_connection_is_retried() {
    let server = hang_up_server().await;
    let client = ClientBuilder::new(common::SERVER)
        .base_url(&server.base_url)
        .retry_policy(common::fast_retries().max_retries(2))
        .build()
        .unwrap();
    let err = client.execute::<()>(request(Method::GET)).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn connect_errors_are_retried_even_for_post() {
    // Bind then drop a listener: nothing listens on that port any more.
    let addr = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let client = ClientBuilder::new(common::SERVER)
        .base_url(format!("http://{addr}"))
        .retry_policy(RetryPolicy::default().max_retries(2).initial_delay(Duration::from_millis(100)).jitter(false))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.execute::<()>(request(Method::POST)).await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("{err:?}") };
    assert!(e.is_connect());
    // Two retries: 100 ms + 200 ms of backoff.
    assert!(started.elapsed() >= Duration::from_millis(300), "{:?}", started.elapsed());
}

/// A server whose every GET answers only after 30 s, past any test's deadline.
async fn server_that_never_answers() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(30)))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn deadline_ends_a_call_to_a_server_that_never_answers_across_retries() {
    let server = server_that_never_answers().await;
    // Without the deadline, 11 attempts of 100 ms each would be made.
    let client = common::builder(&server)
        .timeout(Duration::from_millis(100))
        .deadline(Duration::from_millis(450))
        .retry_policy(common::fast_retries().max_retries(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.execute::<()>(request(Method::GET)).await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("{err:?}") };
    assert!(e.is_deadline() && e.is_timeout(), "{err:?}");
    // Normally 4; fewer only if this machine is so loaded that timers fire late.
    let attempts = e.attempts();
    assert!((2..=5).contains(&attempts) || started.elapsed() > Duration::from_millis(600), "{err}");
    assert!(common::received(&server).await.len() <= attempts as usize);
    if attempts > 1 {
        assert_eq!(
            err.to_string(),
            format!(
                "thing: deadline of 450 ms exceeded after {attempts} attempts (last error: timed out after 100 ms)"
            )
        );
    }
    // Generous: the point is that it is not 11 x 100 ms, nor 30 s.
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

/// The deadline cutting an attempt mid-flight names the previous attempt's
/// failure: the attempt loop carries it across the retry to that error.
#[tokio::test]
async fn a_deadline_that_cuts_a_retry_names_the_previous_attempts_error() {
    let server = server_that_never_answers().await;
    // The first attempt times out at 200 ms; the retry, 5 ms on, is cut by the deadline at 300 ms.
    let client = common::builder(&server)
        .timeout(Duration::from_millis(200))
        .deadline(Duration::from_millis(300))
        .retry_policy(common::fast_retries())
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.execute::<()>(request(Method::GET)).await.unwrap_err();
    let Error::Transport(e) = &err else { panic!("{err:?}") };
    assert!(e.is_deadline(), "{err:?}");
    // Only a machine so loaded that the first timeout fired past 295 ms makes one attempt.
    assert!(e.attempts() == 2 || started.elapsed() > Duration::from_millis(400), "{err}");
    if e.attempts() == 2 {
        assert_eq!(
            err.to_string(),
            "thing: deadline of 300 ms exceeded after 2 attempts (last error: timed out after 200 ms)"
        );
    }
}

#[tokio::test]
async fn deadline_without_an_attempt_timeout_cuts_the_first_attempt() {
    let server = server_that_never_answers().await;
    let client = common::builder(&server).deadline(Duration::from_millis(200)).build().unwrap();
    let err = client.execute::<()>(request(Method::GET)).await.unwrap_err();
    assert_eq!(err.to_string(), "thing: deadline of 200 ms exceeded after 1 attempt");
    assert!(std::error::Error::source(&err).is_none());
}

#[tokio::test]
async fn retry_wait_beyond_the_deadline_returns_the_response_at_once() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "2"))
        .mount(&server)
        .await;
    let client = common::builder(&server).deadline(Duration::from_millis(500)).build().unwrap();
    let raw = client.execute::<()>(request(Method::GET)).await.unwrap();
    assert_eq!(raw.status(), 429);
    assert_eq!(common::received(&server).await.len(), 1);
}

#[tokio::test]
async fn deadline_leaves_a_call_that_fits_alone() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(503)).up_to_n_times(2).mount(&server).await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = common::builder(&server).deadline(Duration::from_secs(10)).build().unwrap();
    let raw = client.execute::<()>(request(Method::GET)).await.unwrap();
    assert_eq!(raw.status(), 200);
    assert_eq!(common::received(&server).await.len(), 3);
}
