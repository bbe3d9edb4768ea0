//! Hostile servers of streamed responses (server-sent events, JSON Lines):
//! silence, an event or line that never ends, a break mid-event, garbage.
//! Each stream ends in bounded time with an error that says why.

mod common;
#[path = "common/raw_server.rs"]
mod raw_server;

use std::time::{Duration, Instant};

use futures::StreamExt;
use raw_server::{breaking_event_server, serve, write_head, Heads, RawServer};
use reqwest::Method;
use runtime_template::runtime::{Client, ClientBuilder, Error, EventStream, JsonLines, Request, RetryPolicy};
use serde_json::Value;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;

const BOUND: Duration = Duration::from_secs(20);

fn client(server: &RawServer, retries: RetryPolicy) -> Client {
    ClientBuilder::new(common::SERVER).base_url(&server.base_url).retry_policy(retries).build().expect("a client")
}

fn events(client: &Client, method: Method) -> EventStream<Value, Value> {
    EventStream::new(client, Ok(Request::new(method, "/events", "watchEvents")))
}

async fn start(stream: &mut TcpStream, content_type: &str) -> std::io::Result<()> {
    write_head(stream, "200 OK", &[&format!("Content-Type: {content_type}"), "Transfer-Encoding: chunked"]).await
}

async fn chunk(stream: &mut TcpStream, data: &[u8]) -> std::io::Result<()> {
    stream.write_all(format!("{:x}\r\n", data.len()).as_bytes()).await?;
    stream.write_all(data).await?;
    stream.write_all(b"\r\n").await
}

/// Every item of `stream`, within [`BOUND`].
async fn all<S: futures::Stream + Unpin>(stream: S) -> Vec<S::Item> {
    tokio::time::timeout(BOUND, stream.collect()).await.expect("the stream ended in bounded time")
}

fn message<T: std::fmt::Debug>(item: &Result<T, Error>) -> String {
    item.as_ref().expect_err("an error").to_string()
}

#[tokio::test]
async fn a_silent_event_stream_ends_with_an_error_naming_the_idle_timeout() {
    let server = serve(|mut s, _| async move {
        start(&mut s, "text/event-stream").await?;
        chunk(&mut s, b"data: 1\n\n").await?;
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(())
    })
    .await;
    let started = Instant::now();
    let items =
        all(events(&client(&server, RetryPolicy::default()), Method::GET).idle_timeout(Duration::from_millis(200)))
            .await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0].as_ref().expect("an event").data, 1);
    assert!(message(&items[1]).contains("watchEvents: no data from the server for 200 ms"), "{}", message(&items[1]));
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(server.requests(), 1, "a silent stream is not reopened");
}

#[tokio::test]
async fn an_event_line_that_never_ends_is_refused_at_the_limit() {
    let server = serve(|mut s, _| async move {
        start(&mut s, "text/event-stream").await?;
        let fill = vec![b'x'; 64 * 1024];
        // 4 GiB unless the client hangs up.
        for _ in 0..65_536 {
            chunk(&mut s, &fill).await?;
        }
        Ok(())
    })
    .await;
    let items = all(events(&client(&server, RetryPolicy::none()), Method::GET).max_event_size(1024 * 1024)).await;
    assert_eq!(items.len(), 1);
    assert!(message(&items[0]).contains("longer than the 1 MiB limit (max_event_size)"), "{}", message(&items[0]));
}

#[tokio::test]
async fn a_broken_post_stream_is_not_reopened_and_a_get_stream_is_within_the_retry_policy() {
    let server = serve(|mut s, _| async move {
        start(&mut s, "text/event-stream").await?;
        chunk(&mut s, b"retry: 1\nid: 1\ndata: {\"a\": 1}\n\ndata: {\"b\"").await
    })
    .await;
    let c = client(&server, RetryPolicy::default().max_retries(2));
    let items = all(events(&c, Method::POST)).await;
    assert_eq!(items.len(), 2, "one event, then the break");
    assert!(matches!(items[1], Err(Error::Transport(_))), "{:?}", items[1]);
    assert_eq!(server.requests(), 1);
    // Each reconnection delivers an event, so the count of failures in a row
    // restarts; the GET stream ends when the server stops answering. The
    // server's `retry: 1` is the delay (the policy's backoff would take
    // 200 ms, 400 ms, ... 3.2 s over the five).
    let started = Instant::now();
    let items = all(events(&c, Method::GET).take(5)).await;
    assert!(items.iter().all(|i| i.as_ref().is_ok_and(|e| e.data["a"] == 1)), "{items:?}");
    assert_eq!(server.requests(), 1 + 5);
    assert!(started.elapsed() < Duration::from_secs(2), "retry: ignored ({:?})", started.elapsed());
}

#[tokio::test]
async fn a_reconnection_sends_the_id_of_the_last_whole_event_only() {
    let heads = Heads::default();
    // The break comes inside event 2, after its id: that id is not the resume point.
    let bodies: &[&[u8]] = &[b"retry: 1\nid: 1\ndata: 1\n\nid: 2\nda", b"id: 2\ndata: 2\n\n"];
    let server = breaking_event_server(bodies, heads.clone()).await;
    let c = ClientBuilder::new(common::SERVER).base_url(&server.base_url).build().expect("a client");
    let items = all(events(&c, Method::GET)).await;
    let data: Vec<_> = items.iter().map(|i| i.as_ref().map(|e| e.data.clone()).map_err(ToString::to_string)).collect();
    assert_eq!(data, [Ok(Value::from(1)), Ok(Value::from(2))], "each event once, in order");
    let heads = heads.lock().expect("heads").clone();
    assert_eq!(heads.len(), 2, "{heads:?}");
    assert!(!heads[0].contains("last-event-id"), "{}", heads[0]);
    assert!(heads[1].contains("\r\nlast-event-id: 1\r\n"), "{}", heads[1]);
}

#[tokio::test]
async fn garbage_data_is_a_decode_error_and_the_stream_goes_on() {
    let server = serve(|mut s, _| async move {
        start(&mut s, "text/event-stream").await?;
        chunk(&mut s, b"data: {not json\n\ndata: 2\n\n").await?;
        s.write_all(b"0\r\n\r\n").await
    })
    .await;
    let items = all(events(&client(&server, RetryPolicy::none()), Method::GET)).await;
    assert_eq!(items.len(), 2);
    assert!(matches!(items[0], Err(Error::Decode(_))), "{:?}", items[0]);
    assert_eq!(items[1].as_ref().expect("the next event").data, 2, "the stream goes on");
}

#[tokio::test]
async fn a_json_line_that_never_ends_is_refused_and_garbage_lines_are_errors() {
    let server = serve(|mut s, n| async move {
        start(&mut s, "application/x-ndjson").await?;
        if n == 1 {
            let fill = vec![b'1'; 64 * 1024];
            for _ in 0..65_536 {
                chunk(&mut s, &fill).await?;
            }
        }
        chunk(&mut s, b"{\"a\": 1}\nnope\n{\"a\": 2}\n").await?;
        s.write_all(b"0\r\n\r\n").await
    })
    .await;
    let c = client(&server, RetryPolicy::none());
    let lines = |c: &Client| JsonLines::<Value, Value>::new(c, Ok(Request::new(Method::GET, "/lines", "exportLines")));
    let items = all(lines(&c).max_line_size(256 * 1024)).await;
    assert_eq!(items.len(), 1);
    assert!(message(&items[0]).contains("longer than the 256 KiB limit"), "{}", message(&items[0]));
    let items = all(lines(&c)).await;
    assert_eq!(items.len(), 3);
    assert!(items[1].is_err() && items[2].as_ref().is_ok_and(|v| v["a"] == 2), "{items:?}");
}

/// Decodes `num` events as numbers and keeps any other name with its text.
fn by_name(event: Option<&str>, data: &str) -> Result<(Option<String>, Value), serde_json::Error> {
    match event {
        Some("num") => serde_json::from_str::<i64>(data).map(|n| (Some("num".to_owned()), Value::from(n))),
        other => Ok((other.map(str::to_owned), Value::from(data))),
    }
}

#[tokio::test]
async fn a_decoder_by_event_name_sees_each_name_and_a_bad_data_does_not_end_the_stream() {
    let server = serve(|mut s, _| async move {
        start(&mut s, "text/event-stream").await?;
        chunk(&mut s, b"event: num\ndata: 1\n\nevent: num\ndata: one\n\nevent: new.kind\ndata: {x\n\ndata: 2\n\n")
            .await?;
        s.write_all(b"0\r\n\r\n").await
    })
    .await;
    let c = client(&server, RetryPolicy::none());
    let stream =
        EventStream::<_, Value>::by_event(&c, Ok(Request::new(Method::GET, "/events", "watchEvents")), by_name);
    let items = all(stream).await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert_eq!(items[0].as_ref().expect("a number").data, (Some("num".to_owned()), Value::from(1)));
    assert!(matches!(items[1], Err(Error::Decode(_))), "{:?}", items[1]);
    assert_eq!(items[2].as_ref().expect("kept").data, (Some("new.kind".to_owned()), Value::from("{x")));
    assert_eq!(items[3].as_ref().expect("unnamed").data, (None, Value::from("2")));
}
