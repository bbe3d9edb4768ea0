//! A raw HTTP/1.1 server on 127.0.0.1 for what wiremock cannot do: slow,
//! endless, cut short or reset bodies. Each connection serves one request
//! (responses should say `Connection: close`).
#![allow(dead_code)] // Each test binary uses a different subset.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

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
                if read_head(&mut stream).await.is_ok() {
                    let number = counter.fetch_add(1, Ordering::SeqCst) + 1;
                    // The client hanging up is what several tests cause on purpose.
                    let _ = respond(stream, number).await;
                }
            });
        }
    });
    RawServer { base_url, requests, task }
}

/// Reads a request head (bodies are not expected), at most 64 KiB of it.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        if head.len() > 64 * 1024 {
            return Err(std::io::Error::other("request head too long"));
        }
        let n = stream.read(&mut byte).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.extend_from_slice(&byte[..n]);
    }
    Ok(String::from_utf8_lossy(&head).into_owned())
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
