//! Retry policy and delay computation.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::Method;

/// The longest wait the runtime gives a timer: tokio's own bound for sleeps
/// (about 30 years; far deadlines overflow some platforms' clocks). A
/// deadline or timeout beyond it is treated as none.
pub(crate) const LONGEST_TIMER: Duration = Duration::from_secs(86400 * 365 * 30);

/// When and how [`Client::execute`](super::Client::execute) retries.
///
/// - Responses `429 Too Many Requests` and `503 Service Unavailable` are retried
///   for every method (the server has not acted on the request).
/// - Transport errors are retried only for idempotent methods (GET, HEAD,
///   OPTIONS, PUT, DELETE, TRACE), except connection errors (the request was
///   never sent), which are retried for every method.
/// - The delay is the server's `Retry-After` (seconds or HTTP date) if present,
///   else Okta's `X-Rate-Limit-Reset` (UTC epoch seconds), else the next
///   exponential backoff delay (with jitter unless disabled). When the server
///   asks to wait longer than [`RetryPolicy::max_retry_after`], the response
///   is returned at once instead.
/// - When retries are exhausted the last response is returned as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    initial_delay: Duration,
    max_delay: Duration,
    jitter: bool,
    max_retry_after: Duration,
}

impl Default for RetryPolicy {
    /// 3 retries, 200 ms initial delay doubling up to 30 s, jitter on, server
    /// requested waits up to 60 s honoured.
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_delay: Duration::from_millis(200),
            max_delay: Duration::from_secs(30),
            jitter: true,
            max_retry_after: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// Sets the number of retries after the first attempt.
    pub fn max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets the first backoff delay (doubled after every retry).
    pub fn initial_delay(mut self, d: Duration) -> Self {
        self.initial_delay = d;
        self
    }

    /// Sets the largest backoff delay (jitter included).
    pub fn max_delay(mut self, d: Duration) -> Self {
        self.max_delay = d;
        self
    }

    /// Enables or disables random jitter on backoff delays.
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// Sets the longest server-requested wait (`Retry-After`,
    /// `X-Rate-Limit-Reset`) the client accepts; above it the response is
    /// returned without retrying.
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// The number of retries after the first attempt.
    pub fn retries(&self) -> u32 {
        self.max_retries
    }

    pub(crate) fn max_server_wait(&self) -> Duration {
        self.max_retry_after
    }

    /// The backoff delays, one per retry.
    pub(crate) fn backoff(&self) -> Backoff {
        let mut builder = ExponentialBuilder::new()
            .with_min_delay(self.initial_delay)
            .with_max_delay(self.max_delay)
            .with_factor(2.0)
            .without_max_times();
        if self.jitter {
            // Without backon's `std` feature its RNG has a fixed default seed;
            // give every backoff its own so that clients do not retry in lockstep.
            builder = builder.with_jitter().with_jitter_seed(random_seed());
        }
        Backoff { inner: builder.build(), max_delay: self.max_delay }
    }
}

/// Backoff delays capped at the policy's maximum (backon applies jitter on top
/// of its own cap).
pub(crate) struct Backoff {
    inner: <ExponentialBuilder as BackoffBuilder>::Backoff,
    max_delay: Duration,
}

impl Backoff {
    pub(crate) fn next_delay(&mut self) -> Duration {
        self.inner.next().unwrap_or(self.max_delay).min(self.max_delay)
    }
}

/// A per-process random value (std's `RandomState` keys are random), mixed with the clock.
fn random_seed() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.finish()
}

/// Whether a transport error may be retried for this method without risking a
/// repeated side effect.
pub(crate) fn is_idempotent(method: &Method) -> bool {
    [Method::GET, Method::HEAD, Method::OPTIONS, Method::PUT, Method::DELETE, Method::TRACE].contains(method)
}

/// The wait the server asked for: `Retry-After` (delay-seconds or HTTP date),
/// else `X-Rate-Limit-Reset` (UTC epoch seconds).
///
/// Never panics on what a server sends: a reset time beyond what the clock
/// can represent is a wait of [`Duration::MAX`], longer than any
/// [`RetryPolicy::max_retry_after`], so the response is returned at once.
pub(crate) fn server_delay(headers: &HeaderMap) -> Option<Duration> {
    let now = SystemTime::now();
    if let Some(value) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        let value = value.trim();
        if let Ok(secs) = value.parse::<u64>() {
            return Some(Duration::from_secs(secs));
        }
        if let Ok(at) = httpdate::parse_http_date(value) {
            return Some(at.duration_since(now).unwrap_or(Duration::ZERO));
        }
    }
    let reset =
        headers.get("x-rate-limit-reset").and_then(|v| v.to_str().ok()).and_then(|v| v.trim().parse::<u64>().ok())?;
    let Some(at) = UNIX_EPOCH.checked_add(Duration::from_secs(reset)) else { return Some(Duration::MAX) };
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;

    fn delay(name: &'static str, value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        server_delay(&headers)
    }

    #[test]
    fn huge_server_delays_do_not_overflow() {
        let max = u64::MAX.to_string();
        assert_eq!(delay("x-rate-limit-reset", &max), Some(Duration::MAX));
        assert_eq!(delay("retry-after", &max), Some(Duration::from_secs(u64::MAX)));
        let far = delay("retry-after", "Fri, 31 Dec 9999 23:59:59 GMT").unwrap();
        assert!(far > Duration::from_secs(7000 * 365 * 86400), "{far:?}");
        // Every one of them is above the longest wait a policy can accept but `Duration::MAX`.
        assert!(far > RetryPolicy::default().max_server_wait());
    }

    #[test]
    fn past_and_present_reset_times_are_no_wait() {
        assert_eq!(delay("x-rate-limit-reset", "0"), Some(Duration::ZERO));
        assert_eq!(delay("retry-after", "Thu, 01 Jan 1970 00:00:00 GMT"), Some(Duration::ZERO));
        assert_eq!(delay("retry-after", "7"), Some(Duration::from_secs(7)));
        assert_eq!(delay("retry-after", "soon"), None);
    }

    #[test]
    fn backoff_with_maximal_settings_does_not_panic() {
        let policy = RetryPolicy::default().initial_delay(Duration::MAX).max_delay(Duration::MAX);
        let mut backoff = policy.backoff();
        for _ in 0..5 {
            assert!(backoff.next_delay() > Duration::from_secs(u64::MAX / 2));
        }
        let mut no_jitter = policy.jitter(false).backoff();
        assert_eq!(no_jitter.next_delay(), Duration::MAX);
    }
}
