//! Hostile servers: bodies that never end, drip or break off, garbage,
//! endless or cyclic paging. Every call must end in bounded time with a
//! clear error, never a panic.

mod common;
#[path = "common/raw_server.rs"]
mod raw_server;

use std::time::{Duration, Instant};

use common::{decode_items, Item};
use futures::StreamExt;
use raw_server::{serve, write_head, write_repeated, RawServer};
use reqwest::Method;
use runtime_template::runtime::{ClientBuilder, Credentials, Error, Paging, Request, RetryPolicy, TransportError};
use serde_json::json;
use tokio::io::AsyncWriteExt;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Every call of these tests ends well within this.
const BOUND: Duration = Duration::from_secs(20);

fn get_thing() -> Request {
    Request::new(Method::GET, "/thing", "getThing")
}

/// A builder for a raw server, without retries.
fn raw_builder(server: &RawServer) -> ClientBuilder {
    ClientBuilder::new(common::SERVER).base_url(&server.base_url).retry_policy(RetryPolicy::none())
}

/// Runs `call` within [`BOUND`], failing the test if it takes longer.
async fn bounded<T>(call: impl std::future::Future<Output = T>) -> T {
    tokio::time::timeout(BOUND, call).await.expect("the call ended in bounded time")
}

fn transport(err: &Error) -> &TransportError {
    match err {
        Error::Transport(e) => e,
        other => panic!("expected Error::Transport, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------
// Body size
// ---------------------------------------------------------------------------

#[tokio::test]
async fn endless_body_fails_once_past_max_body_size() {
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Content-Type: application/json"]).await?;
        // No Content-Length: the body lasts until the connection closes, here 1 GiB.
        write_repeated(&mut stream, b' ', 1 << 30).await;
        Ok(())
    })
    .await;
    let client = raw_builder(&server).max_body_size(1024 * 1024).build().unwrap();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    let e = transport(&err);
    assert!(e.is_body_too_large() && !e.is_timeout(), "{err:?}");
    assert_eq!(e.body_limit(), Some(1024 * 1024));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    let message = err.to_string();
    assert!(message.starts_with("getThing: "), "{message}");
    assert!(message.contains("1 MiB limit (max_body_size)"), "{message}");
    assert!(message.contains(&server.base_url.replace("http://", "")), "{message}");
}

#[tokio::test]
async fn announced_oversized_body_fails_without_reading_it() {
    // The head promises 1 GiB, then nothing comes: only the announcement can end the call.
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Content-Length: 1073741824"]).await?;
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(())
    })
    .await;
    let client = raw_builder(&server).build().unwrap();
    let started = Instant::now();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let e = transport(&err);
    assert!(e.is_body_too_large(), "{err:?}");
    assert_eq!(e.body_limit(), Some(64 * 1024 * 1024), "the default limit is 64 MiB");
    assert!(err.to_string().contains("64 MiB limit (max_body_size, Content-Length 1073741824)"), "{err}");
}

#[tokio::test]
async fn body_at_the_limit_is_read_and_one_byte_more_fails() {
    let server = MockServer::start().await;
    Mock::given(path("/exact"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'a'; 1000]))
        .mount(&server)
        .await;
    Mock::given(path("/over"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(vec![b'a'; 1001]))
        .mount(&server)
        .await;
    let client = common::builder(&server).max_body_size(1000).build().unwrap();
    let exact = client.execute::<serde_json::Value>(Request::new(Method::GET, "/exact", "exact")).await.unwrap();
    assert_eq!(exact.body().len(), 1000);
    assert!(!exact.is_body_truncated());
    let err = client.execute::<serde_json::Value>(Request::new(Method::GET, "/over", "over")).await.unwrap_err();
    assert!(transport(&err).is_body_too_large(), "{err:?}");
    assert!(
        err.to_string().starts_with("over: the body of the HTTP 200 response is larger than the 1000 bytes limit"),
        "{err}"
    );
    // Not retried: the next attempt would be as large.
    assert_eq!(transport(&err).attempts(), 1);
    assert_eq!(common::received(&server).await.len(), 2);
}

#[tokio::test]
async fn oversized_body_of_a_chunked_response_fails() {
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Transfer-Encoding: chunked"]).await?;
        let chunk = format!("{:x}\r\n{}\r\n", 4096, "x".repeat(4096));
        for _ in 0..10_000 {
            stream.write_all(chunk.as_bytes()).await?;
        }
        stream.write_all(b"0\r\n\r\n").await
    })
    .await;
    let client = raw_builder(&server).max_body_size(100_000).build().unwrap();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    assert!(transport(&err).is_body_too_large(), "{err:?}");
}

#[tokio::test]
async fn error_response_keeps_the_start_of_an_endless_body() {
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "500 Internal Server Error", &["Content-Type: application/json"]).await?;
        stream.write_all(b"{\"errorSummary\": \"").await?;
        write_repeated(&mut stream, b'e', 1 << 30).await;
        Ok(())
    })
    .await;
    let client = raw_builder(&server).build().unwrap();
    let response = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap();
    assert_eq!(response.status(), 500);
    assert!(response.is_body_truncated());
    assert_eq!(response.body().len(), 64 * 1024);
    let Error::Api(api) = response.into_error::<serde_json::Value>() else { panic!("expected Error::Api") };
    assert!(api.is_body_truncated());
    assert_eq!(api.raw_body().len(), 64 * 1024);
    assert!(api.raw_body().starts_with("{\"errorSummary\": \"eee"));
    assert!(api.body().is_none(), "a cut body does not parse");
    let message = api.to_string();
    assert!(message.starts_with("getThing: HTTP 500 Internal Server Error: {\"errorSummary\": \"eee"), "{message}");
    assert!(message.ends_with("..."), "{message}");
}

#[tokio::test]
async fn error_body_is_cut_at_max_body_size_when_that_is_smaller() {
    let server = MockServer::start().await;
    Mock::given(path("/thing"))
        .respond_with(ResponseTemplate::new(404).set_body_string(format!("{{\"message\": \"{}\"}}", "n".repeat(5000))))
        .mount(&server)
        .await;
    let client = common::builder(&server).max_body_size(100).build().unwrap();
    let response = client.execute::<serde_json::Value>(get_thing()).await.unwrap();
    assert_eq!(response.body().len(), 100);
    assert!(response.is_body_truncated());
    // A decoding error says the body was cut.
    let err = response.json::<serde_json::Value, serde_json::Value>().unwrap_err();
    assert!(err.to_string().contains("the body was cut after its first 100 bytes"), "{err}");
}

#[tokio::test]
async fn short_error_body_is_whole_and_parsed() {
    let server = MockServer::start().await;
    Mock::given(path("/thing"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"message": "bad"})))
        .mount(&server)
        .await;
    let response = common::client(&server).execute::<serde_json::Value>(get_thing()).await.unwrap();
    assert!(!response.is_body_truncated());
    let Error::Api(api) = response.into_error::<serde_json::Value>() else { panic!("expected Error::Api") };
    assert!(!api.is_body_truncated());
    assert_eq!(api.body().unwrap()["message"], "bad");
    assert_eq!(api.raw_body(), r#"{"message":"bad"}"#);
}

// ---------------------------------------------------------------------------
// Broken and garbage bodies
// ---------------------------------------------------------------------------

#[tokio::test]
async fn connection_reset_mid_body_is_a_transport_error() {
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Content-Length: 1000"]).await?;
        stream.write_all(&[b'['; 100]).await?;
        stream.flush().await?;
        tokio::time::sleep(Duration::from_millis(50)).await;
        // Closing with a zero linger sends a reset instead of a clean end (and
        // does not block, which is what the deprecation warns about).
        #[allow(deprecated)]
        stream.set_linger(Some(Duration::ZERO))?;
        drop(stream);
        Ok(())
    })
    .await;
    let client = raw_builder(&server).build().unwrap();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    let e = transport(&err);
    assert!(!e.is_body_too_large() && !e.is_timeout(), "{err:?}");
    assert!(err.to_string().starts_with("getThing: "), "{err}");
}

#[tokio::test]
async fn body_shorter_than_its_content_length_is_a_transport_error() {
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Content-Length: 1000"]).await?;
        stream.write_all(b"[1, 2").await?;
        stream.shutdown().await
    })
    .await;
    let client = raw_builder(&server).build().unwrap();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.to_string().starts_with("getThing: "), "{err}");
}

#[tokio::test]
async fn garbage_bodies_are_decode_errors_or_kept_as_text() {
    let server = MockServer::start().await;
    let garbage: Vec<u8> = vec![0xff, 0xfe, b'{', 0x00, 0xc3, b'x', b'"'];
    Mock::given(path("/ok"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(garbage.clone()))
        .mount(&server)
        .await;
    Mock::given(path("/err")).respond_with(ResponseTemplate::new(502).set_body_bytes(garbage)).mount(&server).await;
    Mock::given(path("/html"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>Service down</html>"))
        .mount(&server)
        .await;
    let client = common::client(&server);

    let ok = client.execute::<serde_json::Value>(Request::new(Method::GET, "/ok", "listOk")).await.unwrap();
    let err = decode_items(ok.clone()).unwrap_err();
    assert!(matches!(&err, Error::Decode(d) if d.operation() == "listOk"), "{err:?}");
    let err = ok.text::<serde_json::Value>().unwrap_err();
    assert!(err.to_string().contains("not valid UTF-8"), "{err}");

    let html = client.execute::<serde_json::Value>(Request::new(Method::GET, "/html", "listHtml")).await.unwrap();
    assert!(matches!(decode_items(html), Err(Error::Decode(_))));

    let bad = client.execute::<serde_json::Value>(Request::new(Method::GET, "/err", "listErr")).await.unwrap();
    let Err(Error::Api(api)) = decode_items(bad) else { panic!("expected Error::Api") };
    assert_eq!(api.status(), 502);
    assert!(api.body().is_none());
    assert!(api.raw_body().contains('\u{fffd}'), "invalid UTF-8 is replaced: {:?}", api.raw_body());
    assert!(!api.to_string().is_empty());
}

// ---------------------------------------------------------------------------
// Time
// ---------------------------------------------------------------------------

/// Sends the head, then one byte of a 1000-byte body every 200 ms.
async fn slow_drip_server() -> RawServer {
    serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Content-Length: 1000"]).await?;
        for _ in 0..1000 {
            stream.write_all(b" ").await?;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    })
    .await
}

#[tokio::test]
async fn slow_drip_body_ends_at_the_attempt_timeout() {
    let server = slow_drip_server().await;
    let client = raw_builder(&server).timeout(Duration::from_secs(1)).build().unwrap();
    let started = Instant::now();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let e = transport(&err);
    assert!(e.is_timeout() && !e.is_deadline(), "{err:?}");
    assert_eq!(err.to_string(), "getThing: timed out after 1 s");
}

#[tokio::test]
async fn slow_drip_body_ends_at_the_deadline_even_with_a_client_without_timeouts() {
    let server = slow_drip_server().await;
    // A caller's reqwest client with no timeout at all: only the deadline bounds the call.
    let client = raw_builder(&server)
        .http_client(reqwest::Client::new())
        .retry_policy(common::fast_retries())
        .deadline(Duration::from_secs(1))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    assert!(transport(&err).is_deadline(), "{err:?}");
    assert_eq!(err.to_string(), "getThing: deadline of 1 s exceeded after 1 attempt");
}

#[tokio::test]
async fn slow_drip_token_response_ends_at_the_deadline() {
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Content-Length: 1000"]).await?;
        for _ in 0..1000 {
            stream.write_all(b" ").await?;
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        Ok(())
    })
    .await;
    let client = raw_builder(&server)
        .http_client(reqwest::Client::new())
        .credentials("oauth", Credentials::client_credentials("/token", "id", "secret", &[]))
        .deadline(Duration::from_secs(1))
        .build()
        .unwrap();
    let mut req = get_thing();
    req.security(&[&["oauth"]]);
    let err = bounded(client.execute::<serde_json::Value>(req)).await.unwrap_err();
    assert!(transport(&err).is_deadline(), "{err:?}");
}

/// Reads the request, then sends `head` (if any) and nothing more for a minute.
async fn silent_server(head: Option<&'static str>) -> RawServer {
    serve(move |mut stream, _| async move {
        if let Some(head) = head {
            write_head(&mut stream, "200 OK", &[head]).await?;
            stream.write_all(b"[1,").await?;
        }
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(())
    })
    .await
}

#[tokio::test]
async fn a_server_that_never_answers_fails_at_the_read_timeout() {
    let server = silent_server(None).await;
    let client = raw_builder(&server).read_timeout(Duration::from_millis(300)).build().unwrap();
    let started = Instant::now();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_millis(300) && elapsed < Duration::from_secs(5), "{elapsed:?}");
    let e = transport(&err);
    assert!(e.is_timeout() && !e.is_deadline(), "{err:?}");
    let address = server.base_url.replace("http://", "");
    assert_eq!(err.to_string(), format!("getThing: no data from the server for 300 ms ({address})"));
}

#[tokio::test]
async fn a_body_that_stops_midway_fails_at_the_read_timeout_and_a_get_is_retried() {
    let server = silent_server(Some("Content-Length: 100")).await;
    let client = raw_builder(&server)
        .retry_policy(common::fast_retries().max_retries(1))
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    assert_eq!(server.requests(), 2, "a silent attempt is a transport error: a GET is retried");
    let e = transport(&err);
    assert!(e.is_timeout() && !e.is_deadline() && e.attempts() == 2, "{err:?}");
    assert!(err.to_string().ends_with("after 2 attempts"), "{err}");
}

#[tokio::test]
async fn a_drip_faster_than_the_read_timeout_is_read_until_the_deadline() {
    // A byte every 200 ms: never silent for 1 s, so only the deadline ends it.
    let server = slow_drip_server().await;
    let client =
        raw_builder(&server).read_timeout(Duration::from_secs(1)).deadline(Duration::from_secs(2)).build().unwrap();
    let started = Instant::now();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    assert!(started.elapsed() >= Duration::from_secs(2), "{:?}", started.elapsed());
    assert!(transport(&err).is_deadline(), "{err:?}");
}

#[tokio::test]
async fn the_read_timeout_applies_to_a_callers_reqwest_client() {
    let server = silent_server(None).await;
    let client = raw_builder(&server)
        .http_client(reqwest::Client::new())
        .read_timeout(Duration::from_millis(300))
        .build()
        .unwrap();
    let err = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap_err();
    assert!(transport(&err).is_timeout() && !transport(&err).is_deadline(), "{err:?}");
}

#[test]
fn a_total_deadline_of_5_minutes_and_10_000_pages_are_the_defaults() {
    let debug = format!("{:?}", ClientBuilder::new(common::SERVER));
    assert!(debug.contains("deadline: Some(300s)"), "{debug}");
    assert!(debug.contains("read_timeout: 60s"), "{debug}");
    assert!(debug.contains("max_body_size: 67108864"), "{debug}");
    assert!(debug.contains("max_pages: 10000"), "{debug}");
}

#[tokio::test]
async fn unbounded_durations_do_not_panic() {
    let server = MockServer::start().await;
    Mock::given(path("/thing")).respond_with(ResponseTemplate::new(200).set_body_json(json!([]))).mount(&server).await;
    let client = common::builder(&server).timeout(Duration::MAX).deadline(Duration::MAX).build().unwrap();
    let response = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap();
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn a_retry_wait_beyond_any_instant_returns_the_response() {
    let server = MockServer::start().await;
    Mock::given(path("/thing"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", u64::MAX.to_string().as_str()))
        .mount(&server)
        .await;
    // The default deadline is on; a wait that cannot end before it is not made.
    let client =
        common::builder(&server).retry_policy(common::fast_retries().max_retry_after(Duration::MAX)).build().unwrap();
    let response = bounded(client.execute::<serde_json::Value>(get_thing())).await.unwrap();
    assert_eq!(response.status(), 503);
    assert_eq!(common::received(&server).await.len(), 1);
}

// ---------------------------------------------------------------------------
// OAuth 2.0 token responses
// ---------------------------------------------------------------------------

async fn oauth_call(server: &MockServer) -> Error {
    let client = common::builder(server)
        .credentials("oauth", Credentials::client_credentials("/token", "id", "the-secret", &[]))
        .build()
        .unwrap();
    let mut req = get_thing();
    req.security(&[&["oauth"]]);
    bounded(client.execute::<serde_json::Value>(req)).await.unwrap_err()
}

#[tokio::test]
async fn oversized_token_response_is_refused() {
    let server = MockServer::start().await;
    let huge = format!("{{\"access_token\": \"{}\"}}", "t".repeat(100 * 1024));
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(200).set_body_string(huge))
        .mount(&server)
        .await;
    let err = oauth_call(&server).await;
    let Error::Auth(message) = &err else { panic!("expected Error::Auth, got {err:?}") };
    assert!(message.starts_with("getThing: security scheme `oauth`: token endpoint"), "{message}");
    assert!(message.contains("with a body over the 64 KiB limit"), "{message}");
    assert!(!message.contains("ttt"), "{message}");
}

#[tokio::test]
async fn oversized_token_error_response_keeps_its_start() {
    let server = MockServer::start().await;
    let huge = format!("invalid_client{}", " padding".repeat(100 * 1024));
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(401).set_body_string(huge))
        .mount(&server)
        .await;
    let err = oauth_call(&server).await;
    let Error::Auth(message) = &err else { panic!("expected Error::Auth, got {err:?}") };
    assert!(message.contains("answered HTTP 401 Unauthorized: invalid_client"), "{message}");
}

// ---------------------------------------------------------------------------
// Paging
// ---------------------------------------------------------------------------

fn list_items() -> Request {
    Request::new(Method::GET, "/items", "listItems")
}

fn page(ids: impl IntoIterator<Item = u32>) -> serde_json::Value {
    json!(ids.into_iter().map(|id| json!({ "id": id })).collect::<Vec<_>>())
}

/// Drains a stream, at most 1000 items, into its items and its error.
async fn drain(mut pages: runtime_template::runtime::Pages<Item>) -> (Vec<u32>, Option<Error>) {
    let mut ids = Vec::new();
    for _ in 0..1000 {
        match bounded(pages.next()).await {
            Some(Ok(item)) => ids.push(item.id),
            Some(Err(e)) => {
                assert!(bounded(pages.next()).await.is_none(), "the stream ends after its error");
                return (ids, Some(e));
            }
            None => return (ids, None),
        }
    }
    panic!("the stream did not end: {ids:?}");
}

#[tokio::test]
async fn self_referencing_next_link_ends_the_stream_after_one_request() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(path("/items"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page([1, 2]))
                .insert_header("Link", format!("<{base}/items>; rel=\"next\"").as_str()),
        )
        .mount(&server)
        .await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), Paging::LinkHeader, decode_items)).await;
    assert_eq!(ids, [1, 2]);
    let err = err.expect("an error ends the stream");
    assert!(matches!(&err, Error::InvalidRequest(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "listItems: invalid request: the next-page link of page 1 leads back to a page already fetched (/items); \
         stopping instead of looping"
    );
    assert!(common::received(&server).await.len() <= 2);
}

#[tokio::test]
async fn next_link_cycle_a_b_a_is_an_error() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(path("/items"))
        .and(query_param_is_missing("after"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page([1]))
                .insert_header("Link", format!("<{base}/items?after=b>; rel=\"next\"").as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(path("/items"))
        .and(query_param("after", "b"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page([2]))
                .insert_header("Link", format!("<{base}/items>; rel=\"next\"").as_str()),
        )
        .mount(&server)
        .await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), Paging::LinkHeader, decode_items)).await;
    assert_eq!(ids, [1, 2]);
    assert!(err.expect("an error").to_string().contains("leads back to a page already fetched"));
    assert_eq!(common::received(&server).await.len(), 2);
}

#[tokio::test]
async fn endless_distinct_next_links_stop_at_max_pages() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(path("/items"))
        .respond_with(move |request: &wiremock::Request| {
            let after: u32 =
                request.url.query_pairs().find(|(k, _)| k == "after").map_or(0, |(_, v)| v.parse().unwrap());
            ResponseTemplate::new(200)
                .set_body_json(page([after]))
                .insert_header("Link", format!("<{base}/items?after={}>; rel=\"next\"", after + 1).as_str())
        })
        .mount(&server)
        .await;
    let client = common::builder(&server).max_pages(5).build().unwrap();
    let (ids, err) = drain(client.paginate(list_items(), Paging::LinkHeader, decode_items)).await;
    assert_eq!(ids, [0, 1, 2, 3, 4], "the items of the pages fetched come first");
    assert_eq!(
        err.expect("an error").to_string(),
        "listItems: invalid request: stopped after 5 pages, the client's max_pages limit; the server offered more"
    );
    assert_eq!(common::received(&server).await.len(), 5);
}

#[tokio::test]
async fn max_pages_of_zero_is_a_configuration_error() {
    let err = ClientBuilder::new(common::SERVER).max_pages(0).build().unwrap_err();
    assert_eq!(err.to_string(), "invalid client configuration: max_pages must be at least 1");
}

const SKIP_COUNT: Paging = Paging::Offset { offset_param: "skip", limit_param: "count", default_limit: 100 };

/// `(skip, count)` of a request.
fn skip_count(request: &wiremock::Request) -> (u32, u32) {
    let number =
        |name: &str| request.url.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.parse::<u32>().unwrap());
    (number("skip").unwrap_or(0), number("count").unwrap_or(100))
}

#[tokio::test]
async fn offset_paging_gets_every_item_from_a_server_capping_the_page_size() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/items"))
        .respond_with(|request: &wiremock::Request| {
            let (skip, count) = skip_count(request);
            // Asked for 100, the server gives at most 10 of its 35 items.
            let end = 35.min(skip + count.min(10));
            ResponseTemplate::new(200).set_body_json(page(skip..end))
        })
        .mount(&server)
        .await;
    let items =
        bounded(common::client(&server).paginate(list_items(), SKIP_COUNT, decode_items).collect_all()).await.unwrap();
    assert_eq!(items.iter().map(|i| i.id).collect::<Vec<_>>(), (0..35).collect::<Vec<_>>());
    let asked: Vec<_> = common::received(&server).await.iter().map(skip_count).collect();
    // The short page at 30 does not end paging; the empty one at 35 does.
    assert_eq!(asked, [(0, 100), (10, 100), (20, 100), (30, 100), (35, 100)]);
}

#[tokio::test]
async fn offset_paging_stops_when_the_server_ignores_the_offset() {
    let server = MockServer::start().await;
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(0..10)))
        .mount(&server)
        .await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), SKIP_COUNT, decode_items)).await;
    assert_eq!(ids, (0..10).collect::<Vec<_>>(), "the repeated page's items are not yielded again");
    assert_eq!(
        err.expect("an error").to_string(),
        "listItems: invalid request: page 2 has the same content as the page before it: the server seems to ignore \
         the `skip` parameter; stopping instead of fetching it again"
    );
    assert_eq!(common::received(&server).await.len(), 2);
}

#[tokio::test]
async fn empty_pages_with_next_links_are_followed() {
    // Some APIs answer pages emptied by a filter; an empty page repeating the one before is no loop.
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(path("/items"))
        .respond_with(move |request: &wiremock::Request| {
            let after: u32 =
                request.url.query_pairs().find(|(k, _)| k == "after").map_or(0, |(_, v)| v.parse().unwrap());
            let response = ResponseTemplate::new(200);
            match after {
                0..=2 => response
                    .set_body_json(page([]))
                    .insert_header("Link", format!("<{base}/items?after={}>; rel=\"next\"", after + 1).as_str()),
                _ => response.set_body_json(page([7])),
            }
        })
        .mount(&server)
        .await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), Paging::LinkHeader, decode_items)).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(ids, [7]);
}
