//! Retry policy and delay computation.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use backon::{BackoffBuilder, ExponentialBuilder};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::{Method, StatusCode};

/// The longest wait the runtime gives a timer: tokio's own bound for sleeps
/// (about 30 years; far deadlines overflow some platforms' clocks). A
/// deadline or timeout beyond it is treated as none.
pub(crate) const LONGEST_TIMER: Duration = Duration::from_secs(86400 * 365 * 30);

/// When and how [`Client::execute`](super::Client::execute) retries.
///
/// - Responses `429 Too Many Requests` are retried for every method (the
///   server has not acted on the request).
/// - Responses `503 Service Unavailable`, and transport errors after the
///   request was sent, are retried only for idempotent methods (GET, HEAD,
///   OPTIONS, PUT, DELETE, TRACE) and for calls with an idempotency key
///   ([`CallOptions::idempotent`](super::CallOptions::idempotent), or a spec
///   header parameter named `Idempotency-Key`), which send the same key on
///   every attempt. A `POST` without a key is never replayed. Connection
///   errors (the request was never sent) are retried for every method.
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
/// else `X-Rate-Limit-Reset` (UTC epoch seconds), as seen at `now`.
///
/// Never panics on what a server sends: a reset time beyond what the clock
/// can represent is a wait of [`Duration::MAX`], longer than any
/// [`RetryPolicy::max_retry_after`], so the response is returned at once.
pub(crate) fn server_delay(headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
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

/// What one attempt ended with, as far as retrying is concerned.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outcome<'a> {
    /// A response (its body read); `used_tokens`: the attempt was
    /// authenticated with cached OAuth 2.0 tokens.
    Response { status: StatusCode, headers: &'a HeaderMap, used_tokens: bool },
    /// A transport error; `connect`: connecting failed, so the request was
    /// never sent.
    Transport { connect: bool },
}

/// One finished attempt of a call, and what the call did before it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Attempt<'a> {
    pub(crate) outcome: Outcome<'a>,
    /// Retries made before this attempt (a re-authentication is not one).
    pub(crate) retries: u32,
    /// Whether the call already refetched its tokens after a 401.
    pub(crate) reauthenticated: bool,
    /// Whether the request may be replayed: its method is idempotent (see
    /// [`is_idempotent`]) or it carries an idempotency key.
    pub(crate) idempotent: bool,
}

/// What a call does after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Refetch the OAuth 2.0 tokens the attempt used (the server may have
    /// revoked them) and try again at once: once per call, not a retry.
    Reauthenticate,
    /// Wait this long, then try again (one retry).
    RetryAfter(Duration),
    /// The attempt's response, or error, is the call's result.
    Return(Stop),
}

/// Why a call stops retrying.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A status or error that is not retried (any but 429 and 503; a
    /// transport error of a request that may have been acted on).
    Final,
    /// The policy's retries are used up.
    RetriesExhausted,
    /// The server asked to wait this long, more than
    /// [`RetryPolicy::max_retry_after`].
    ServerWaitTooLong(Duration),
    /// The wait would end at or after the call's deadline.
    NoTimeLeft,
}

/// The retry decision after `attempt`: pure, given the wall clock `now`
/// (for `Retry-After` dates and `X-Rate-Limit-Reset`), the time left before
/// the call's deadline (`None`: no deadline) and the backoff, asked for its
/// next delay only when the wait is not the server's.
pub(crate) fn decide(
    policy: &RetryPolicy,
    attempt: &Attempt<'_>,
    now: SystemTime,
    time_left: Option<Duration>,
    next_backoff: impl FnOnce() -> Duration,
) -> Decision {
    let delay = match attempt.outcome {
        Outcome::Response { status, headers, used_tokens } => {
            if status == StatusCode::UNAUTHORIZED && used_tokens && !attempt.reauthenticated {
                return Decision::Reauthenticate;
            }
            if status != StatusCode::TOO_MANY_REQUESTS && status != StatusCode::SERVICE_UNAVAILABLE {
                return Decision::Return(Stop::Final);
            }
            // A gateway may answer 503 after the server acted on the request:
            // replayed only when that is harmless (a 429 never was acted on).
            if status == StatusCode::SERVICE_UNAVAILABLE && !attempt.idempotent {
                return Decision::Return(Stop::Final);
            }
            if attempt.retries >= policy.retries() {
                return Decision::Return(Stop::RetriesExhausted);
            }
            match server_delay(headers, now) {
                Some(wait) if wait > policy.max_server_wait() => {
                    return Decision::Return(Stop::ServerWaitTooLong(wait))
                }
                Some(wait) => wait,
                None => next_backoff(),
            }
        }
        Outcome::Transport { connect } => {
            if !connect && !attempt.idempotent {
                return Decision::Return(Stop::Final);
            }
            if attempt.retries >= policy.retries() {
                return Decision::Return(Stop::RetriesExhausted);
            }
            next_backoff()
        }
    };
    if time_left.is_some_and(|left| delay >= left) {
        Decision::Return(Stop::NoTimeLeft)
    } else {
        Decision::RetryAfter(delay)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]
mod tests {
    use reqwest::header::HeaderValue;

    use super::*;
    use Decision::{Reauthenticate, RetryAfter, Return};
    use Ended::{ConnectError, SentError, Status};

    fn delay(name: &'static str, value: &str) -> Option<Duration> {
        let mut headers = HeaderMap::new();
        headers.insert(name, HeaderValue::from_str(value).unwrap());
        server_delay(&headers, SystemTime::now())
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

    /// The wall clock of the table: 2023-11-14T22:13:20Z.
    const NOW_SECS: u64 = 1_700_000_000;
    /// What the backoff answers when asked.
    const BACKOFF: Duration = Duration::from_millis(200);

    /// How an attempt of the table ended.
    #[derive(Debug, Clone, Copy)]
    enum Ended {
        Status(u16),
        /// Connecting failed: the request was never sent.
        ConnectError,
        /// The request may have reached the server (a reset, a timeout).
        SentError,
    }

    /// One row: an attempt, the call's state, and the decision expected.
    struct Row {
        name: &'static str,
        ended: Ended,
        headers: Vec<(&'static str, String)>,
        used_tokens: bool,
        reauthenticated: bool,
        retries: u32,
        method: Method,
        /// The call carries an idempotency key.
        keyed: bool,
        time_left: Option<Duration>,
        expected: Decision,
        /// Whether the backoff is asked for a delay (only when the server names none).
        asks_backoff: bool,
    }

    /// A GET answered 200 on its first attempt, no deadline.
    fn row() -> Row {
        Row {
            name: "",
            ended: Ended::Status(200),
            headers: Vec::new(),
            used_tokens: false,
            reauthenticated: false,
            retries: 0,
            method: Method::GET,
            keyed: false,
            time_left: None,
            expected: Decision::Return(Stop::Final),
            asks_backoff: false,
        }
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    fn http_date_in(s: u64) -> String {
        httpdate::fmt_http_date(UNIX_EPOCH + secs(NOW_SECS + s))
    }

    fn retry_after(value: &str) -> Vec<(&'static str, String)> {
        vec![("retry-after", value.to_owned())]
    }

    fn reset_in(s: u64) -> Vec<(&'static str, String)> {
        vec![("x-rate-limit-reset", (NOW_SECS + s).to_string())]
    }

    fn table() -> Vec<Row> {
        [status_rows(), auth_rows(), server_delay_rows(), deadline_rows(), transport_rows()]
            .into_iter()
            .flatten()
            .collect()
    }

    /// Which statuses are retried, and how many times.
    fn status_rows() -> Vec<Row> {
        vec![
            Row { name: "200 is returned", ..row() },
            Row { name: "500 is returned", ended: Status(500), ..row() },
            Row {
                name: "429 without a server delay: backoff",
                ended: Status(429),
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row {
                name: "429 on POST is retried",
                ended: Status(429),
                method: Method::POST,
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row { name: "503 on POST without a key is returned", ended: Status(503), method: Method::POST, ..row() },
            Row {
                name: "503 on POST with an idempotency key: backoff",
                ended: Status(503),
                method: Method::POST,
                keyed: true,
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row {
                name: "429 with a retry left",
                ended: Status(429),
                retries: 2,
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row {
                name: "429 with retries exhausted is returned",
                ended: Status(429),
                retries: 3,
                expected: Return(Stop::RetriesExhausted),
                ..row()
            },
        ]
    }

    /// 401: tokens refetched once per call, before any other rule.
    fn auth_rows() -> Vec<Row> {
        vec![
            Row {
                name: "401 with tokens: reauthenticate",
                ended: Status(401),
                used_tokens: true,
                expected: Reauthenticate,
                ..row()
            },
            Row { name: "401 without tokens is returned", ended: Status(401), ..row() },
            Row {
                name: "401 after reauthenticating is returned",
                ended: Status(401),
                used_tokens: true,
                reauthenticated: true,
                ..row()
            },
            Row {
                name: "401 with tokens reauthenticates with no retries and no time left",
                ended: Status(401),
                used_tokens: true,
                retries: 3,
                time_left: Some(Duration::ZERO),
                expected: Reauthenticate,
                ..row()
            },
        ]
    }

    /// The wait the server asks for, against `max_retry_after`.
    fn server_delay_rows() -> Vec<Row> {
        vec![
            Row {
                name: "503 Retry-After seconds",
                ended: Status(503),
                headers: retry_after("7"),
                expected: RetryAfter(secs(7)),
                ..row()
            },
            Row {
                name: "429 Retry-After date",
                ended: Status(429),
                headers: retry_after(&http_date_in(30)),
                expected: RetryAfter(secs(30)),
                ..row()
            },
            Row {
                name: "429 Retry-After date in the past: at once",
                ended: Status(429),
                headers: retry_after("Thu, 01 Jan 1970 00:00:00 GMT"),
                expected: RetryAfter(Duration::ZERO),
                ..row()
            },
            Row {
                name: "429 Retry-After unreadable: backoff",
                ended: Status(429),
                headers: retry_after("soon"),
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row {
                name: "429 Retry-After huge is returned",
                ended: Status(429),
                headers: retry_after(&u64::MAX.to_string()),
                expected: Return(Stop::ServerWaitTooLong(secs(u64::MAX))),
                ..row()
            },
            Row {
                name: "429 Retry-After at max_retry_after",
                ended: Status(429),
                headers: retry_after("60"),
                expected: RetryAfter(secs(60)),
                ..row()
            },
            Row {
                name: "429 Retry-After over max_retry_after is returned",
                ended: Status(429),
                headers: retry_after("61"),
                expected: Return(Stop::ServerWaitTooLong(secs(61))),
                ..row()
            },
            Row {
                name: "429 X-Rate-Limit-Reset",
                ended: Status(429),
                headers: reset_in(10),
                expected: RetryAfter(secs(10)),
                ..row()
            },
            Row {
                name: "429 X-Rate-Limit-Reset past the clock's range is returned",
                ended: Status(429),
                headers: vec![("x-rate-limit-reset", u64::MAX.to_string())],
                expected: Return(Stop::ServerWaitTooLong(Duration::MAX)),
                ..row()
            },
            Row {
                name: "Retry-After wins over X-Rate-Limit-Reset",
                ended: Status(429),
                headers: [retry_after("3"), reset_in(40)].concat(),
                expected: RetryAfter(secs(3)),
                ..row()
            },
        ]
    }

    /// Waits against the time left before the deadline.
    fn deadline_rows() -> Vec<Row> {
        vec![
            Row {
                name: "429 whose wait ends at the deadline is returned",
                ended: Status(429),
                headers: retry_after("5"),
                time_left: Some(secs(5)),
                expected: Return(Stop::NoTimeLeft),
                ..row()
            },
            Row {
                name: "429 whose wait ends before the deadline",
                ended: Status(429),
                headers: retry_after("5"),
                time_left: Some(secs(6)),
                expected: RetryAfter(secs(5)),
                ..row()
            },
            Row {
                name: "429 whose backoff outlasts the deadline is returned",
                ended: Status(429),
                time_left: Some(Duration::from_millis(100)),
                expected: Return(Stop::NoTimeLeft),
                asks_backoff: true,
                ..row()
            },
            Row {
                name: "transport error past the deadline is returned",
                ended: SentError,
                time_left: Some(Duration::ZERO),
                expected: Return(Stop::NoTimeLeft),
                asks_backoff: true,
                ..row()
            },
        ]
    }

    /// Transport errors: connect errors always retried, others for idempotent methods only.
    fn transport_rows() -> Vec<Row> {
        vec![
            Row {
                name: "connect error on GET: backoff",
                ended: ConnectError,
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row {
                name: "connect error on POST: backoff",
                ended: ConnectError,
                method: Method::POST,
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row {
                name: "error after sending a GET: backoff",
                ended: SentError,
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row {
                name: "error after sending a PUT: backoff",
                ended: SentError,
                method: Method::PUT,
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row { name: "error after sending a POST is returned", ended: SentError, method: Method::POST, ..row() },
            Row { name: "error after sending a PATCH is returned", ended: SentError, method: Method::PATCH, ..row() },
            Row {
                name: "error after sending a POST with an idempotency key: backoff",
                ended: SentError,
                method: Method::POST,
                keyed: true,
                expected: RetryAfter(BACKOFF),
                asks_backoff: true,
                ..row()
            },
            Row {
                name: "connect error with retries exhausted is returned",
                ended: ConnectError,
                retries: 3,
                expected: Return(Stop::RetriesExhausted),
                ..row()
            },
        ]
    }

    #[test]
    fn retry_decisions_follow_the_table() {
        let policy = RetryPolicy::default();
        let now = UNIX_EPOCH + secs(NOW_SECS);
        let mut wrong = Vec::new();
        for row in table() {
            let mut headers = HeaderMap::new();
            for (name, value) in &row.headers {
                headers.append(*name, HeaderValue::from_str(value).unwrap());
            }
            let outcome = match row.ended {
                Ended::Status(code) => Outcome::Response {
                    status: StatusCode::from_u16(code).unwrap(),
                    headers: &headers,
                    used_tokens: row.used_tokens,
                },
                Ended::ConnectError => Outcome::Transport { connect: true },
                Ended::SentError => Outcome::Transport { connect: false },
            };
            let attempt = Attempt {
                outcome,
                retries: row.retries,
                reauthenticated: row.reauthenticated,
                idempotent: row.keyed || is_idempotent(&row.method),
            };
            let mut asked_backoff = false;
            let decision = decide(&policy, &attempt, now, row.time_left, || {
                asked_backoff = true;
                BACKOFF
            });
            if (decision, asked_backoff) != (row.expected, row.asks_backoff) {
                wrong.push(format!(
                    "{}: got {decision:?} (backoff asked: {asked_backoff}), expected {:?} (backoff asked: {})",
                    row.name, row.expected, row.asks_backoff
                ));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }
}
