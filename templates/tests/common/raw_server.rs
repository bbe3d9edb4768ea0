//! A raw HTTP/1.1 server on 127.0.0.1 for what wiremock cannot do: slow,
//! endless, cut short or reset bodies, hang-ups, bodies read as they come.
//! Each connection serves one request (responses should say
//! `Connection: close`). Every raw test server is a responder on
//! [`serve_requests`]'s one accept loop.
#![allow(dead_code)] // Each test binary uses a different subset.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// A running server; stopped when dropped.
pub struct RawServer {
    /// `http://127.0.0.1:port`.
    pub base_url: String,
    requests: Arc<AtomicUsize>,
    task: JoinHandle<()>,
}

impl RawServer {
    /// How many requests have been received (their heads read in full).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// Serves every request with `respond(stream, request_number)`, called once
/// the request head has been read (numbers start at 1).
pub async fn serve<F, Fut>(respond: F) -> RawServer
where
    F: Fn(TcpStream, usize) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = std::io::Result<()>> + Send + 'static,
{
    serve_requests(move |incoming| respond(incoming.stream, incoming.number)).await
}

/// A request whose head the server has read, handed to the responder.
pub struct Incoming {
    /// The connection, past what was read.
    pub stream: TcpStream,
    /// 1 for the first request, then 2...
    pub number: usize,
    /// The request head as sent (request line and headers, up to the blank line).
    pub head: String,
    /// The bytes of the body that came in with the head.
    pub body_start: Vec<u8>,
}

impl Incoming {
    /// The value of header `name` (lowercase), if the head has it.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (key, value) = line.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_owned())
        })
    }
}

/// Serves every request with `respond(incoming)`, on its own task, once its
/// head has been read (at most 64 KiB; a connection that closes or sends
/// more before the head ends is dropped uncounted). The one accept loop of
/// the tests' raw servers.
pub async fn serve_requests<F, Fut>(respond: F) -> RawServer
where
    F: Fn(Incoming) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = std::io::Result<()>> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let base_url = format!("http://{}", listener.local_addr().expect("local address"));
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let respond = Arc::new(respond);
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let (counter, respond) = (counter.clone(), respond.clone());
            tokio::spawn(async move {
                if let Ok((head, body_start)) = read_head(&mut stream).await {
                    let number = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    // The client hanging up is what several tests cause on purpose.
                    let _ = respond(Incoming { stream, number, head, body_start }).await;
                }
            });
        }
    });
    RawServer { base_url, requests, task }
}

/// Reads a request head, at most 64 KiB of it: the head, and what came after it.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<(String, Vec<u8>)> {
    let mut buffered = Vec::new();
    let mut chunk = [0u8; 1024];
    loop {
        if let Some(end) = buffered.windows(4).position(|w| w == b"\r\n\r\n") {
            let body_start = buffered.split_off(end + 4);
            return Ok((String::from_utf8_lossy(&buffered).into_owned(), body_start));
        }
        if buffered.len() > 64 * 1024 {
            return Err(std::io::Error::other("request head too long"));
        }
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffered.extend_from_slice(&chunk[..n]);
    }
}

/// Writes a response head: `status` (e.g. `200 OK`) and `headers` (each `Name: value`).
pub async fn write_head(stream: &mut TcpStream, status: &str, headers: &[&str]) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {status}\r\nConnection: close\r\n");
    for header in headers {
        head.push_str(header);
        head.push_str("\r\n");
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await
}

/// Writes `total` bytes of `fill` in 64 KiB chunks (never holding more than
/// one chunk), until done or the client hangs up; returns how many were written.
pub async fn write_repeated(stream: &mut TcpStream, fill: u8, total: u64) -> u64 {
    let chunk = vec![fill; 64 * 1024];
    let mut written = 0u64;
    while written < total {
        let n = (total - written).min(chunk.len() as u64) as usize;
        if stream.write_all(&chunk[..n]).await.is_err() {
            break;
        }
        written += n as u64;
    }
    written
}

/// Request heads, lowercased, in the order received.
pub type Heads = Arc<Mutex<Vec<String>>>;

/// Serves `bodies[n]` as a chunked `text/event-stream` to the nth request
/// (the last body to any later one), recording each head in `heads`; a body
/// that is not the last is cut short (no final chunk), so the client sees
/// the connection break. For tests of what a stream sends (middleware
/// headers, `Last-Event-ID`).
pub async fn breaking_event_server(bodies: &'static [&'static [u8]], heads: Heads) -> RawServer {
    serve_requests(move |mut incoming| {
        heads.lock().unwrap().push(incoming.head.to_ascii_lowercase());
        let last = incoming.number >= bodies.len();
        let body = bodies[(incoming.number - 1).min(bodies.len() - 1)];
        async move {
            let stream = &mut incoming.stream;
            write_head(stream, "200 OK", &["Content-Type: text/event-stream", "Transfer-Encoding: chunked"]).await?;
            stream.write_all(format!("{:x}\r\n", body.len()).as_bytes()).await?;
            stream.write_all(body).await?;
            stream.write_all(b"\r\n").await?;
            if last {
                stream.write_all(b"0\r\n\r\n").await?;
            }
            Ok(())
        }
    })
    .await
}
