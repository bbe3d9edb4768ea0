//! `cargo bench -p runtime-template --bench binary_streams [-- SIZE_MIB]`:
//! a 1 GiB download to a file, a 1 GiB upload from a file and the same
//! file as a multipart form's file part, against a
//! loopback server in this process, printing each one's throughput and the
//! process's peak resident memory (`VmHWM`, server included). Exits 1 when
//! the peak reaches 64 MiB: a binary body must never sit whole in memory.

use std::time::Instant;

use reqwest::Method;
use runtime_template::runtime::{ClientBuilder, MultipartPart, Request, ServerTemplate, UploadBody};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const MIB: u64 = 1 << 20;
const LIMIT: u64 = 64 * MIB;

/// The peak resident memory of this process so far, in bytes.
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("a VmHWM line");
    line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse::<u64>().expect("kB") * 1024
}

/// Reads a request head byte by byte (so no body byte is taken with it);
/// its `Content-Length`, if any.
async fn read_head(stream: &mut TcpStream) -> std::io::Result<Option<u64>> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if stream.read(&mut byte).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        head.push(byte[0]);
    }
    let head = String::from_utf8_lossy(&head).to_ascii_lowercase();
    Ok(head.lines().find_map(|l| l.strip_prefix("content-length:")).and_then(|v| v.trim().parse().ok()))
}

/// GET: `size` bytes. PUT: reads the body, answers its length.
async fn serve(listener: TcpListener, size: u64) {
    loop {
        let Ok((mut stream, _)) = listener.accept().await else { return };
        tokio::spawn(async move {
            let Ok(length) = read_head(&mut stream).await else { return };
            let chunk = vec![b'x'; 64 * 1024];
            match length {
                None => {
                    let head = format!("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {size}\r\n\r\n");
                    stream.write_all(head.as_bytes()).await.ok();
                    let mut sent = 0u64;
                    while sent < size {
                        let n = (size - sent).min(chunk.len() as u64) as usize;
                        if stream.write_all(&chunk[..n]).await.is_err() {
                            return;
                        }
                        sent += n as u64;
                    }
                }
                Some(length) => {
                    let mut buffer = vec![0u8; 64 * 1024];
                    let mut received = 0u64;
                    while received < length {
                        match stream.read(&mut buffer).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => received += n as u64,
                        }
                    }
                    let body = received.to_string();
                    let head =
                        format!("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: {}\r\n\r\n{body}", body.len());
                    stream.write_all(head.as_bytes()).await.ok();
                }
            }
        });
    }
}

fn mib_per_s(bytes: u64, started: Instant) -> f64 {
    bytes as f64 / MIB as f64 / started.elapsed().as_secs_f64()
}

#[tokio::main]
async fn main() {
    let size_mib: u64 = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1024);
    let size = size_mib * MIB;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1");
    let base_url = format!("http://{}", listener.local_addr().expect("an address"));
    tokio::spawn(serve(listener, size));
    let client = ClientBuilder::new(ServerTemplate { url: "http://unused.invalid", variables: &[] })
        .base_url(&base_url)
        .build()
        .expect("a client");
    let dir = std::env::temp_dir().join(format!("binary-streams-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a scratch folder");
    let file = dir.join("body.bin");
    println!("binary streams, {size_mib} MiB each way, loopback; peak memory before: {} MiB", peak_memory() / MIB);

    let started = Instant::now();
    let mut request = Request::new(Method::GET, "/download", "download");
    request.stream_response();
    let raw = client.execute::<serde_json::Value>(request).await.expect("the download starts");
    let written = raw.download::<serde_json::Value>().expect("a download").to_file(&file).await.expect("written");
    assert_eq!(written, size);
    println!(
        "download to file: {written} bytes in {:.2} s, {:.0} MiB/s; peak memory {} MiB",
        started.elapsed().as_secs_f64(),
        mib_per_s(written, started),
        peak_memory() / MIB
    );

    let started = Instant::now();
    let mut request = Request::new(Method::PUT, "/upload", "upload");
    request.upload_body(UploadBody::path(&file), "application/octet-stream");
    let raw = client.execute::<serde_json::Value>(request).await.expect("the upload");
    let received: u64 = std::str::from_utf8(raw.body()).expect("text").parse().expect("a count");
    assert_eq!(received, size);
    println!(
        "upload from file:  {received} bytes in {:.2} s, {:.0} MiB/s; peak memory {} MiB",
        started.elapsed().as_secs_f64(),
        mib_per_s(received, started),
        peak_memory() / MIB
    );

    let started = Instant::now();
    let mut request = Request::new(Method::PUT, "/form", "uploadForm");
    let parts = vec![MultipartPart::text("description", "the bench file"), MultipartPart::path("file", &file)];
    request.multipart_body(parts);
    let raw = client.execute::<serde_json::Value>(request).await.expect("the multipart upload");
    let received: u64 = std::str::from_utf8(raw.body()).expect("text").parse().expect("a count");
    // The file and the form's boundaries and part heads.
    assert!((size..size + 1024).contains(&received), "{received} bytes for a {size}-byte file");
    println!(
        "multipart upload from file: {received} bytes in {:.2} s, {:.0} MiB/s; peak memory {} MiB",
        started.elapsed().as_secs_f64(),
        mib_per_s(received, started),
        peak_memory() / MIB
    );
    std::fs::remove_dir_all(&dir).expect("remove the scratch folder");
    let peak = peak_memory();
    println!("peak memory of the process: {} MiB (limit {} MiB)", peak / MIB, LIMIT / MIB);
    if peak >= LIMIT {
        eprintln!("FAILED: peak memory {} MiB reaches the {} MiB limit", peak / MIB, LIMIT / MIB);
        std::process::exit(1);
    }
}
