//! Per-request overhead of a generated `okta-client` call against a
//! hand-written `reqwest` call to the same loopback endpoint.
//!
//! ```sh
//! cargo bench -p tests --bench request_overhead
//! ```
//!
//! A tiny HTTP/1.1 keep-alive server on 127.0.0.1 (plain std threads, so that
//! its own cost is small and the same for both sides) answers
//! `GET /api/v1/api-tokens/{id}` with a fixed `ApiToken` document when the
//! request carries `Authorization: SSWS <token>`, and 401 otherwise.
//!
//! - A: `client.api_token().get_api_token("x").send().await` (okta-client);
//! - B: `reqwest::Client::get(url).header(AUTHORIZATION, ..).send()`, then
//!   `error_for_status`, `bytes` and `serde_json::from_slice` into the same
//!   `ApiToken` model, so both sides decode identically and the difference is
//!   the generated code and its runtime (request building, auth, retry loop,
//!   tracing span, error mapping).
//!
//! After a warm-up, rounds of `N` sequential calls alternate A B B A A B ...
//! (to cancel drift); each round reports its median and mean, and the summary
//! compares the means over all rounds and the medians of the round medians.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use okta_client::models::ApiToken;
use okta_client::{Client, RetryPolicy};

const TOKEN: &str = "00QCjAl4MlV-WPXM-bench-token";
const AUTHORIZATION: &str = "SSWS 00QCjAl4MlV-WPXM-bench-token";
/// Calls per round.
const N: usize = 2000;
/// Rounds per side.
const ROUNDS: usize = 8;
const WARM_UP: usize = 1000;

/// The `ApiTokenMetadataResponse` example of spec/okta.yaml.
const BODY: &str = r#"{"name":"My API Token","userId":"00uXXXXXXXXXXXXXXXXX","tokenWindow":"P30D","network":{"connection":"ANYWHERE"},"id":"00Tabcdefg1234567890","clientName":"Okta API","expiresAt":"2021-12-11T20:38:10.000Z","created":"2021-11-09T20:38:10.000Z","lastUpdated":"2021-11-11T20:38:10.000Z","_links":{"self":{"href":"https://{yourOktaDomain}/api/v1/api-tokens/00Tabcdefg1234567890","hints":{"allow":["GET","DELETE"]}},"user":{"href":"https://{yourOktaDomain}/api/v1/users/00uXXXXXXXXXXXXXXXXX","hints":{"allow":["GET"]}}}}"#;

/// Serves one keep-alive connection until the client closes it.
fn serve_connection(stream: TcpStream) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    let ok =
        format!("HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{BODY}", BODY.len());
    let unauthorized = "HTTP/1.1 401 Unauthorized\r\ncontent-length: 0\r\n\r\n";
    let mut line = String::new();
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line)? == 0 {
            return Ok(());
        }
        let mut authorized = false;
        loop {
            line.clear();
            if reader.read_line(&mut line)? == 0 {
                return Ok(());
            }
            if line == "\r\n" {
                break;
            }
            if let Some((name, value)) = line.split_once(':') {
                if name.eq_ignore_ascii_case("authorization") && value.trim() == AUTHORIZATION {
                    authorized = true;
                }
            }
        }
        let found = request_line.starts_with("GET /api/v1/api-tokens/");
        let response = if found && authorized { ok.as_str() } else { unauthorized };
        writer.write_all(response.as_bytes())?;
    }
}

/// Starts the server; returns its base URL.
fn start_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let address = listener.local_addr().expect("local address");
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || serve_connection(stream));
        }
    });
    format!("http://{address}")
}

/// Per-call durations of one round.
struct Round {
    side: char,
    calls: Vec<Duration>,
}

impl Round {
    fn median_us(&self) -> f64 {
        let mut sorted = self.calls.clone();
        sorted.sort_unstable();
        micros(sorted[sorted.len() / 2])
    }

    fn mean_us(&self) -> f64 {
        micros(self.calls.iter().sum::<Duration>()) / self.calls.len() as f64
    }
}

fn micros(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    let mid = values.len() / 2;
    if values.len() % 2 == 0 {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

async fn generated_call(client: &Client) -> ApiToken {
    client.api_token().get_api_token("x").send().await.expect("generated call succeeds")
}

async fn hand_written_call(http: &reqwest::Client, url: &str) -> ApiToken {
    let response = http
        .get(url)
        .header(reqwest::header::AUTHORIZATION, AUTHORIZATION)
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .expect("hand-written call succeeds");
    let body = response.bytes().await.expect("body");
    serde_json::from_slice(&body).expect("an ApiToken")
}

async fn run(base: &str) {
    let client = Client::builder()
        .base_url(base)
        .api_token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid client");
    let http = reqwest::Client::new();
    let url = format!("{base}/api/v1/api-tokens/x");

    // Both sides return the same value.
    let a = generated_call(&client).await;
    let b = hand_written_call(&http, &url).await;
    assert_eq!(a, b);
    assert_eq!(a.id.as_deref(), Some("00Tabcdefg1234567890"));

    for _ in 0..WARM_UP {
        std::hint::black_box(generated_call(&client).await);
        std::hint::black_box(hand_written_call(&http, &url).await);
    }

    let mut rounds = Vec::with_capacity(2 * ROUNDS);
    for pair in 0..ROUNDS {
        let order = if pair % 2 == 0 { ['A', 'B'] } else { ['B', 'A'] };
        for side in order {
            let mut calls = Vec::with_capacity(N);
            for _ in 0..N {
                let started = Instant::now();
                match side {
                    'A' => {
                        std::hint::black_box(generated_call(&client).await);
                    }
                    _ => {
                        std::hint::black_box(hand_written_call(&http, &url).await);
                    }
                }
                calls.push(started.elapsed());
            }
            let round = Round { side, calls };
            println!(
                "round {:>2} {}: median {:>7.2} µs, mean {:>7.2} µs",
                rounds.len() + 1,
                round.side,
                round.median_us(),
                round.mean_us()
            );
            rounds.push(round);
        }
    }

    let side = |s: char| rounds.iter().filter(move |r| r.side == s);
    let mean = |s: char| {
        let (total, count) = side(s)
            .fold((Duration::ZERO, 0usize), |(t, c), r| (t + r.calls.iter().sum::<Duration>(), c + r.calls.len()));
        micros(total) / count as f64
    };
    let median_of_medians = |s: char| median(&mut side(s).map(Round::median_us).collect::<Vec<_>>());
    let (mean_a, mean_b) = (mean('A'), mean('B'));
    let (median_a, median_b) = (median_of_medians('A'), median_of_medians('B'));
    println!();
    println!("{ROUNDS} rounds x {N} sequential calls per side, after {WARM_UP} warm-up calls each");
    println!(
        "A generated okta-client get_api_token: mean {mean_a:.2} µs/request, median of round medians {median_a:.2} µs"
    );
    println!(
        "B hand-written reqwest GET:           mean {mean_b:.2} µs/request, median of round medians {median_b:.2} µs"
    );
    println!("A/B: {:.3} (means), {:.3} (medians); target <= 1.05", mean_a / mean_b, median_a / median_b);
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument other than this
    // bench's name means another bench was selected.
    if let Some(filter) = std::env::args().skip(1).find(|a| !a.starts_with('-')) {
        if !"request_overhead".contains(&filter) {
            return;
        }
    }
    let base = start_server();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
    let started = Instant::now();
    runtime.block_on(run(&base));
    println!("(took {:.1} s)", started.elapsed().as_secs_f64());
}
