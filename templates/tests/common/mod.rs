//! Helpers shared by the integration tests.
#![allow(dead_code)] // Each test binary uses a different subset.

pub mod recorder;

use std::time::Duration;

use runtime_template::runtime::{Client, ClientBuilder, Error, RawResponse, RetryPolicy, ServerTemplate};
use serde::Deserialize;
use wiremock::MockServer;

/// A template whose default host is unreachable, so tests must override it.
pub const SERVER: ServerTemplate =
    ServerTemplate { url: "http://{host}/api", variables: &[("host", "example.invalid")] };

/// A builder pointed at the mock server, with fast retries.
pub fn builder(server: &MockServer) -> ClientBuilder {
    ClientBuilder::new(SERVER).base_url(server.uri()).retry_policy(fast_retries())
}

/// A client pointed at the mock server.
pub fn client(server: &MockServer) -> Client {
    builder(server).build().expect("client builds")
}

/// Retries with millisecond delays and no jitter.
pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default().initial_delay(Duration::from_millis(5)).max_delay(Duration::from_millis(20)).jitter(false)
}

/// A list item in the paging tests.
#[derive(Debug, Deserialize, PartialEq)]
pub struct Item {
    pub id: u32,
}

/// What a generated list operation's decoder looks like.
pub fn decode_items(raw: RawResponse) -> Result<Vec<Item>, Error> {
    if !raw.status().is_success() {
        return Err(raw.into_error());
    }
    raw.json()
}

/// The requests the mock server received.
pub async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.expect("request recording is on")
}
