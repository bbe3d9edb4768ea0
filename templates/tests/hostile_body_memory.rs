//! A 1 GiB response body fails with a clear error and the process's peak
//! memory stays under 256 MiB. Alone in its test binary, so that its own
//! process's peak (`VmHWM`) measures this test only.

#[path = "common/raw_server.rs"]
mod raw_server;

use std::time::Duration;

use raw_server::{serve, write_head, write_repeated};
use reqwest::Method;
use runtime_template::runtime::{ClientBuilder, Error, Request, RetryPolicy, ServerTemplate};

const GIB: u64 = 1 << 30;
const MIB: u64 = 1 << 20;

/// The peak resident memory of this process so far, in bytes.
fn peak_memory() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).expect("a VmHWM line");
    let kib: u64 = line.trim_start_matches("VmHWM:").trim().trim_end_matches("kB").trim().parse().expect("kB");
    kib * 1024
}

#[tokio::test]
async fn a_1_gib_body_fails_at_the_default_limit_within_256_mib_of_memory() {
    // Request 1: 1 GiB announced by Content-Length. Request 2: 1 GiB without
    // a length, so the client reads until the limit. Written 64 KiB at a time.
    let server = serve(|mut stream, number| async move {
        let length = format!("Content-Length: {GIB}");
        let headers: &[&str] = if number == 1 { &[length.as_str()] } else { &[] };
        write_head(&mut stream, "200 OK", headers).await?;
        write_repeated(&mut stream, b'x', GIB).await;
        Ok(())
    })
    .await;
    let client = ClientBuilder::new(ServerTemplate { url: "http://unused.invalid", variables: &[] })
        .base_url(&server.base_url)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    for expected in ["(max_body_size, Content-Length 1073741824)", "(max_body_size)"] {
        let call = client.execute::<serde_json::Value>(Request::new(Method::GET, "/download", "download"));
        let err = tokio::time::timeout(Duration::from_secs(60), call).await.expect("bounded time").unwrap_err();
        let Error::Transport(transport) = &err else { panic!("expected Error::Transport, got {err:?}") };
        assert!(transport.is_body_too_large(), "{err:?}");
        let message = err.to_string();
        assert!(
            message.starts_with("download: the body of the HTTP 200 response is larger than the 64 MiB limit"),
            "{message}"
        );
        assert!(message.contains(expected), "{message}");
    }
    assert_eq!(server.requests(), 2);
    let peak = peak_memory();
    eprintln!("peak memory: {} MiB", peak / MIB);
    assert!(peak < 256 * MIB, "peak memory {} MiB", peak / MIB);
}
