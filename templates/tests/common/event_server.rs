//! An event-stream server on 127.0.0.1 that records each request head (for
//! tests of what a stream sends: middleware headers, `Last-Event-ID`).
#![allow(dead_code)] // Each test binary uses a different subset.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Request heads, lowercased, in the order received.
pub type Heads = Arc<Mutex<Vec<String>>>;

/// Serves `bodies[n]` as a chunked `text/event-stream` to the nth
/// connection (the last body to any later one), recording each head in
/// `heads`; a body that is not the last is cut short (no final chunk), so
/// the client sees the connection break. Returns the base URL.
pub async fn breaking_event_server(bodies: &'static [&'static [u8]], heads: Heads) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let base_url = format!("http://{}", listener.local_addr().expect("local address"));
    tokio::spawn(async move {
        for number in 0.. {
            let Ok((mut stream, _)) = listener.accept().await else { return };
            let mut head = Vec::new();
            let mut byte = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 64 * 1024 {
                match stream.read(&mut byte).await {
                    Ok(0) | Err(_) => return,
                    Ok(n) => head.extend_from_slice(&byte[..n]),
                }
            }
            heads.lock().unwrap().push(String::from_utf8_lossy(&head).to_ascii_lowercase());
            let last = number + 1 >= bodies.len();
            let body = bodies[number.min(bodies.len() - 1)];
            let head = "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
            let _ = stream.write_all(head.as_bytes()).await;
            let _ = stream.write_all(format!("{:x}\r\n", body.len()).as_bytes()).await;
            let _ = stream.write_all(body).await;
            let _ = stream.write_all(b"\r\n").await;
            if last {
                let _ = stream.write_all(b"0\r\n\r\n").await;
            }
        }
    });
    base_url
}
