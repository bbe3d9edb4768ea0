//! Downloads read as they arrive and uploads sent from files and streams,
//! against loopback servers that stall, drop the connection or send too much.

#[path = "common/raw_server.rs"]
mod raw_server;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::StreamExt;
use raw_server::{serve, serve_requests, write_head, write_repeated, Incoming, RawServer};
use reqwest::Method;
use runtime_template::runtime::{
    Client, ClientBuilder, Download, Error, MultipartPart, Request, RetryPolicy, ServerTemplate, UploadBody,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn builder(base_url: &str) -> ClientBuilder {
    ClientBuilder::new(ServerTemplate { url: "http://unused.invalid", variables: &[] }).base_url(base_url)
}

async fn download(client: &Client) -> Result<Download, Error> {
    let mut request = Request::new(Method::GET, "/file", "getFile");
    request.stream_response();
    client.execute::<serde_json::Value>(request).await?.download()
}

/// A fresh empty folder under the system's temporary folder.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("binary-streams-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn entries(dir: &PathBuf) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[tokio::test]
async fn a_download_slower_than_the_attempt_timeout_completes_while_it_makes_progress() {
    // 10 chunks 100 ms apart: 1 s in all, five times the attempt timeout.
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Content-Length: 10240"]).await?;
        for _ in 0..10 {
            stream.write_all(&[b'a'; 1024]).await?;
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Ok(())
    })
    .await;
    let client = builder(&server.base_url).timeout(Duration::from_millis(200)).build().unwrap();
    let dir = scratch("slow");
    let target = dir.join("out.bin");
    let written = download(&client).await.unwrap().to_file(&target).await.unwrap();
    assert_eq!(written, 10240);
    assert_eq!(std::fs::read(&target).unwrap(), vec![b'a'; 10240]);
    assert_eq!(entries(&dir), ["out.bin"], "no partial file left");
}

#[tokio::test]
async fn a_download_that_stalls_ends_with_the_read_timeout_and_leaves_no_file() {
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Content-Length: 100000"]).await?;
        stream.write_all(&[b'a'; 1000]).await?;
        tokio::time::sleep(Duration::from_secs(30)).await;
        Ok(())
    })
    .await;
    let client = builder(&server.base_url).read_timeout(Duration::from_millis(300)).build().unwrap();
    let dir = scratch("stall");
    let target = dir.join("out.bin");
    let started = std::time::Instant::now();
    let err = download(&client).await.unwrap().to_file(&target).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    let Error::Transport(transport) = &err else { panic!("expected Error::Transport, got {err:?}") };
    assert!(transport.is_timeout(), "{err:?}");
    assert!(err.to_string().starts_with("getFile: no data from the server for 300 ms"), "{err}");
    assert!(entries(&dir).is_empty(), "partial file removed: {:?}", entries(&dir));
}

#[tokio::test]
async fn a_connection_dropped_mid_download_is_an_error_and_the_partial_file_is_removed() {
    let server = serve(|mut stream, _| async move {
        write_head(&mut stream, "200 OK", &["Content-Length: 1048576"]).await?;
        write_repeated(&mut stream, b'a', 100_000).await;
        Ok(()) // dropping the stream closes the connection 100 kB in
    })
    .await;
    let client = builder(&server.base_url).build().unwrap();
    let dir = scratch("dropped");
    let target = dir.join("out.bin");
    std::fs::write(&target, b"the previous version").unwrap();
    let err = download(&client).await.unwrap().to_file(&target).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert!(err.to_string().starts_with("getFile: "), "{err}");
    assert_eq!(std::fs::read(&target).unwrap(), b"the previous version", "the target is left as it was");
    assert_eq!(entries(&dir), ["out.bin"], "partial file removed");
}

#[tokio::test]
async fn bytes_past_the_body_limit_fail_with_a_clear_error() {
    let server = serve(|mut stream, number| async move {
        // First without a length (read until the limit), then announced.
        let headers: &[&str] = if number == 1 { &[] } else { &["Content-Length: 4096"] };
        write_head(&mut stream, "200 OK", headers).await?;
        write_repeated(&mut stream, b'a', 4096).await;
        Ok(())
    })
    .await;
    let client = builder(&server.base_url).max_body_size(1024).build().unwrap();
    for _ in 0..2 {
        let err = download(&client).await.unwrap().bytes().await.unwrap_err();
        let Error::Transport(transport) = &err else { panic!("expected Error::Transport, got {err:?}") };
        assert!(transport.is_body_too_large(), "{err:?}");
        assert!(err.to_string().contains("larger than the 1 KiB limit (max_body_size"), "{err}");
    }
    // Within the limit, `bytes()` and `stream()` give the body.
    let small = builder(&server.base_url).build().unwrap();
    assert_eq!(download(&small).await.unwrap().bytes().await.unwrap().len(), 4096);
    let mut stream = download(&small).await.unwrap().stream();
    let mut total = 0;
    while let Some(chunk) = stream.next().await {
        total += chunk.unwrap().len();
    }
    assert_eq!(total, 4096);
}

/// What an upload server saw of one request.
#[derive(Debug, Clone, Default)]
struct Seen {
    content_length: Option<u64>,
    chunked: bool,
    body_len: u64,
}

/// A server that reads each request's body (by length or chunked, counting
/// bytes) and answers `status`; returns it and what it saw.
async fn upload_server(status: &'static str) -> (RawServer, Arc<Mutex<Vec<Seen>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let server = serve_requests(move |incoming| {
        let seen = seen2.clone();
        async move {
            let content_length = incoming.header("content-length").and_then(|v| v.parse::<u64>().ok());
            let chunked = incoming.header("transfer-encoding").is_some_and(|v| v.contains("chunked"));
            let Incoming { mut stream, body_start: mut tail, .. } = incoming;
            let mut received = tail.len() as u64;
            let mut byte = [0u8; 65536];
            loop {
                let done = match content_length {
                    Some(length) => received >= length,
                    None => tail.ends_with(b"0\r\n\r\n"),
                };
                if done {
                    break;
                }
                let n = stream.read(&mut byte).await.unwrap_or(0);
                if n == 0 {
                    break;
                }
                received += n as u64;
                tail = byte[..n].to_vec();
            }
            seen.lock().unwrap().push(Seen { content_length, chunked, body_len: received });
            let answer = format!("HTTP/1.1 {status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
            stream.write_all(answer.as_bytes()).await
        }
    })
    .await;
    (server, seen)
}

async fn upload(client: &Client, body: UploadBody) -> Result<(), Error> {
    let mut request = Request::new(Method::PUT, "/file", "putFile");
    request.upload_body(body, "application/octet-stream");
    let raw = client.execute::<serde_json::Value>(request).await?;
    if raw.status().is_success() {
        Ok(())
    } else {
        Err(raw.into_error())
    }
}

#[tokio::test]
async fn a_file_upload_sends_its_length_and_a_path_is_reopened_for_a_retry() {
    let dir = scratch("upload");
    let path = dir.join("in.bin");
    std::fs::write(&path, vec![b'z'; 300_000]).unwrap();

    let (server, seen) = upload_server("200 OK").await;
    let client = builder(&server.base_url).build().unwrap();
    let file = tokio::fs::File::open(&path).await.unwrap();
    upload(&client, UploadBody::file(file).await.unwrap()).await.unwrap();
    upload(&client, UploadBody::path(&path)).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    for request in &seen {
        assert_eq!(request.content_length, Some(300_000), "{seen:?}");
        assert!(!request.chunked, "{seen:?}");
        assert_eq!(request.body_len, 300_000, "{seen:?}");
    }

    // A 503: a path is opened and sent again (PUT is idempotent).
    let (server, seen) = upload_server("503 Service Unavailable").await;
    let retrying = builder(&server.base_url)
        .retry_policy(RetryPolicy::default().max_retries(1).initial_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = upload(&retrying, UploadBody::path(&path)).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.requests(), 2, "retried");
    assert!(seen.lock().unwrap().iter().all(|s| s.body_len == 300_000));

    // A file that cannot be opened is a located error, before anything is sent.
    let missing = upload(&retrying, UploadBody::path(dir.join("missing.bin"))).await.unwrap_err();
    assert!(matches!(missing, Error::Io(_)), "{missing:?}");
    assert!(missing.to_string().starts_with("putFile: cannot read "), "{missing}");
    assert!(missing.to_string().contains("missing.bin"), "{missing}");
}

#[tokio::test]
async fn a_streamed_upload_is_sent_chunked_and_never_replayed() {
    let chunks = || futures::stream::iter((0..10).map(|_| Ok::<_, std::io::Error>(vec![b'q'; 10_000])));
    let (server, seen) = upload_server("200 OK").await;
    upload(&builder(&server.base_url).build().unwrap(), UploadBody::stream(chunks())).await.unwrap();
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 1);
    assert!(seen[0].chunked && seen[0].content_length.is_none(), "{seen:?}");

    // A 503 that a bytes body would retry: the stream is gone, so the 503 is the answer.
    let (server, _) = upload_server("503 Service Unavailable").await;
    let retrying = builder(&server.base_url)
        .retry_policy(RetryPolicy::default().max_retries(2).initial_delay(Duration::from_millis(1)))
        .build()
        .unwrap();
    let err = upload(&retrying, UploadBody::stream(chunks())).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert_eq!(server.requests(), 1, "a consumed stream is not replayed");
    upload(&retrying, UploadBody::bytes(vec![b'q'; 10])).await.unwrap_err();
    assert_eq!(server.requests(), 4, "a bytes body is");
}

/// What a multipart server does with the request on one connection.
#[derive(Clone, Copy)]
enum Reply {
    /// Reads the head and 64 KiB of the body, then hangs up.
    CutMidBody,
    /// Reads the whole body, then answers with this status line and headers.
    Answer(&'static str, &'static str),
}

/// One request a multipart server read in full.
#[derive(Debug, Clone)]
struct Received {
    head: String,
    body: Vec<u8>,
}

impl Received {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| l.strip_prefix(name).map(|v| v.trim_start_matches(':').trim().to_owned()))
    }

    fn count(&self, byte: u8) -> usize {
        self.body.iter().filter(|b| **b == byte).count()
    }
}

/// A server that answers connection N (from 1) as `replies[N - 1]` (the last
/// one for any later), keeping each body it read whole (chunked bodies as
/// they came, chunk sizes included).
async fn multipart_server(replies: Vec<Reply>) -> (RawServer, Arc<Mutex<Vec<Received>>>) {
    let received = Arc::new(Mutex::new(Vec::new()));
    let received2 = received.clone();
    let server = serve_requests(move |incoming| {
        let (received, reply) = (received2.clone(), replies[(incoming.number - 1).min(replies.len() - 1)]);
        async move {
            let Incoming { mut stream, head, body_start: mut body, .. } = incoming;
            let request = Received { head: head.to_ascii_lowercase(), body: Vec::new() };
            let length = request.header("content-length").and_then(|v| v.parse::<usize>().ok());
            let want = match reply {
                Reply::CutMidBody => Some(65536),
                Reply::Answer(..) => length,
            };
            let mut chunk = [0u8; 65536];
            loop {
                let done = match want {
                    Some(want) => body.len() >= want,
                    None => body.ends_with(b"0\r\n\r\n"),
                };
                let n = if done { 0 } else { stream.read(&mut chunk).await.unwrap_or(0) };
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
            let Reply::Answer(status, headers) = reply else { return Ok(()) };
            received.lock().unwrap().push(Received { body, ..request });
            let answer = format!("HTTP/1.1 {status}\r\nConnection: close\r\n{headers}Content-Length: 0\r\n\r\n");
            stream.write_all(answer.as_bytes()).await
        }
    })
    .await;
    (server, received)
}

async fn multipart_upload(client: &Client, parts: Vec<MultipartPart>) -> Result<(), Error> {
    let mut request = Request::new(Method::PUT, "/form", "putForm");
    request.multipart_body(parts);
    let raw = client.execute::<serde_json::Value>(request).await?;
    if raw.status().is_success() {
        Ok(())
    } else {
        Err(raw.into_error())
    }
}

fn retrying(url: &str) -> Client {
    builder(url)
        .retry_policy(RetryPolicy::default().max_retries(2).initial_delay(Duration::from_millis(1)))
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_multipart_file_part_is_sent_from_the_file_with_the_form_length() {
    let dir = scratch("multipart");
    let path = dir.join("in.bin");
    std::fs::write(&path, vec![b'z'; 300_000]).unwrap();
    let (server, received) = multipart_server(vec![Reply::Answer("200 OK", "")]).await;
    let client = builder(&server.base_url).build().unwrap();
    let parts = vec![MultipartPart::text("description", "a file"), MultipartPart::path("file", &path)];
    multipart_upload(&client, parts).await.unwrap();
    let file = tokio::fs::File::open(&path).await.unwrap();
    let parts = vec![MultipartPart::upload("file", UploadBody::file(file).await.unwrap()).file_name("handle.bin")];
    multipart_upload(&client, parts).await.unwrap();

    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    for request in &received {
        // Every part's length is known: the form's is sent, not chunks.
        assert_eq!(request.header("content-length"), Some(request.body.len().to_string()), "{}", request.head);
        assert_eq!(request.header("transfer-encoding"), None, "{}", request.head);
        assert_eq!(request.count(b'z'), 300_000);
    }
    let text = String::from_utf8_lossy(&received[0].body);
    assert!(text.contains("name=\"file\"; filename=\"in.bin\""), "{}", &text[..300]);
    assert!(text.contains("name=\"description\"\r\n\r\na file\r\n"), "{}", &text[..300]);
    assert!(String::from_utf8_lossy(&received[1].body).contains("filename=\"handle.bin\""));

    // A stream part: the form is sent chunked, the stream whole.
    let chunks = futures::stream::iter((0..10).map(|_| Ok::<_, std::io::Error>(vec![b'q'; 10_000])));
    let (server, received) = multipart_server(vec![Reply::Answer("200 OK", "")]).await;
    let parts = vec![MultipartPart::upload("file", UploadBody::stream(chunks)).file_name("s.bin")];
    multipart_upload(&builder(&server.base_url).build().unwrap(), parts).await.unwrap();
    let received = received.lock().unwrap().clone();
    assert_eq!(received[0].header("transfer-encoding").as_deref(), Some("chunked"), "{}", received[0].head);
    assert_eq!(received[0].header("content-length"), None);
    assert_eq!(received[0].count(b'q'), 100_000);
}

#[tokio::test]
async fn a_multipart_upload_cut_mid_body_reopens_a_path_part_and_never_replays_a_stream_part() {
    let dir = scratch("multipart-cut");
    let path = dir.join("in.bin");
    std::fs::write(&path, vec![b'z'; 1_000_000]).unwrap();

    // The server hangs up 64 KiB into the first attempt: the retry opens the file again and sends it whole.
    let (server, received) = multipart_server(vec![Reply::CutMidBody, Reply::Answer("200 OK", "")]).await;
    multipart_upload(&retrying(&server.base_url), vec![MultipartPart::path("file", &path)]).await.unwrap();
    assert_eq!(server.requests(), 2, "retried once");
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].count(b'z'), 1_000_000);

    // The same with a stream part: the stream went with the first attempt, whose error is the call's.
    let (server, received) = multipart_server(vec![Reply::CutMidBody, Reply::Answer("200 OK", "")]).await;
    let chunks = futures::stream::iter((0..100).map(|_| Ok::<_, std::io::Error>(vec![b'q'; 10_000])));
    let parts =
        vec![MultipartPart::text("description", "a stream"), MultipartPart::upload("file", UploadBody::stream(chunks))];
    let err = multipart_upload(&retrying(&server.base_url), parts).await.unwrap_err();
    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    assert_eq!(server.requests(), 1, "a consumed stream part is not replayed");
    assert!(received.lock().unwrap().is_empty());

    // A 307 would send the form again: with a stream part that is a clear error, not an empty part.
    let (server, _) = multipart_server(vec![Reply::Answer("307 Temporary Redirect", "Location: /again\r\n")]).await;
    let chunks = futures::stream::iter((0..3).map(|_| Ok::<_, std::io::Error>(vec![b'q'; 10_000])));
    let err =
        multipart_upload(&retrying(&server.base_url), vec![MultipartPart::upload("file", UploadBody::stream(chunks))])
            .await
            .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
    assert!(err.to_string().contains("multipart part `file`"), "{err}");
    assert!(err.to_string().contains("already sent"), "{err}");
    assert_eq!(server.requests(), 1);

    // A path part is opened again for the redirect.
    let (server, received) = multipart_server(vec![
        Reply::Answer("307 Temporary Redirect", "Location: /again\r\n"),
        Reply::Answer("200 OK", ""),
    ])
    .await;
    multipart_upload(&retrying(&server.base_url), vec![MultipartPart::path("file", &path)]).await.unwrap();
    let received = received.lock().unwrap().clone();
    assert_eq!(received.len(), 2);
    assert!(received.iter().all(|r| r.count(b'z') == 1_000_000));
}

#[tokio::test]
async fn only_the_streamed_statuses_are_left_unread() {
    // 1: a 200 download; 2: a 202 JSON body; 3: a 202 body past the limit.
    let server = serve(|mut stream, number| async move {
        match number {
            1 => {
                write_head(&mut stream, "200 OK", &["Content-Length: 4096"]).await?;
                write_repeated(&mut stream, b'a', 4096).await;
            }
            2 => {
                write_head(&mut stream, "202 Accepted", &["Content-Type: application/json", "Content-Length: 8"])
                    .await?;
                stream.write_all(b"{\"id\":1}").await?;
            }
            _ => {
                write_head(&mut stream, "202 Accepted", &["Content-Length: 4096"]).await?;
                write_repeated(&mut stream, b'a', 4096).await;
            }
        }
        Ok(())
    })
    .await;
    let client = builder(&server.base_url).max_body_size(2048).build().unwrap();
    let call = || {
        let mut request = Request::new(Method::GET, "/file", "getFile");
        request.accept("application/json");
        request.stream_response_on(&[(200, 200)]);
        client.execute::<serde_json::Value>(request)
    };
    let raw = call().await.unwrap();
    assert!(raw.body().is_empty(), "left unread");
    let mut chunks = raw.download::<serde_json::Value>().unwrap().stream();
    let mut total = 0;
    while let Some(chunk) = chunks.next().await {
        total += chunk.unwrap().len();
    }
    assert_eq!(total, 4096, "past max_body_size: streamed, not read whole");

    let raw = call().await.unwrap();
    assert_eq!(raw.status().as_u16(), 202);
    assert_eq!(raw.json::<serde_json::Value, serde_json::Value>().unwrap(), serde_json::json!({"id": 1}));

    let err = call().await.unwrap_err();
    let Error::Transport(transport) = &err else { panic!("expected Error::Transport, got {err:?}") };
    assert!(transport.is_body_too_large(), "a 202 is read whole, within the limit: {err:?}");
}
