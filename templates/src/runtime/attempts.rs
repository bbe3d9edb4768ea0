//! The attempt loop of a call: attempts within the call's deadline, each
//! followed by the retry decision ([`decide`], pure) that this loop carries
//! out: wait and retry, refetch OAuth 2.0 tokens, or return.

use std::convert::Infallible;
use std::time::{Duration, SystemTime};

use reqwest::Url;

use super::client::{Client, Inner};
use super::error::{Error, Failure, TransportError};
use super::prepare::{address_of, UsedTokens};
use super::provider::AuthContext;
use super::request::Request;
use super::response::RawResponse;
use super::retry::{decide, is_idempotent, Attempt, Decision, Outcome, Stop, LONGEST_TIMER};
use super::watchdog::{self, Expiry, Limits, Progress};

/// The total time of a call ([`ClientBuilder::deadline`](super::ClientBuilder::deadline)), once started.
#[derive(Debug, Clone, Copy)]
struct Deadline {
    /// The configured total time (for the error message).
    limit: Duration,
    /// When it passes.
    at: tokio::time::Instant,
}

impl Deadline {
    /// The deadline of a call starting now; none when there is no limit, or
    /// one too far to represent (or to give tokio's timers).
    fn start(limit: Option<Duration>) -> Option<Deadline> {
        let limit = limit.filter(|d| *d <= LONGEST_TIMER)?;
        tokio::time::Instant::now().checked_add(limit).map(|at| Deadline { limit, at })
    }

    /// The time left before it passes (zero once it has).
    fn time_left(self) -> Duration {
        self.at.saturating_duration_since(tokio::time::Instant::now())
    }
}

/// Asks the providers of the tokens an attempt used (and the API refused)
/// for new ones.
async fn refresh_tokens(
    inner: &Inner,
    req: &Request,
    attempt: u32,
    used_tokens: &UsedTokens,
) -> Result<(), Error<Infallible>> {
    for (scheme, token) in used_tokens {
        if let Some(provider) = inner.schemes.get(scheme) {
            let context = AuthContext { operation_id: req.operation_id, scheme, attempt, http: &inner.http };
            provider
                .refresh(token, context)
                .await
                .map_err(|m| Error::Auth(format!("{}: security scheme `{scheme}`: {m}", req.operation_id)))?;
        }
    }
    Ok(())
}

/// The delay of a log record, in milliseconds.
fn millis(delay: Duration) -> u64 {
    u64::try_from(delay.as_millis()).unwrap_or(u64::MAX)
}

/// Says why a retryable response is returned (a status that is never
/// retried, or retries used up, needs no word).
fn log_not_retrying(attempt: u32, raw: &RawResponse, stop: Stop) {
    let status = raw.status().as_u16();
    match stop {
        Stop::ServerWaitTooLong(wait) => tracing::debug!(
            attempt,
            status,
            requested_delay_ms = millis(wait),
            "server asked to wait longer than max_retry_after; not retrying"
        ),
        Stop::NoTimeLeft => tracing::debug!(attempt, status, "no time left before the deadline; not retrying"),
        Stop::Final | Stop::RetriesExhausted => {}
    }
}

impl Client {
    /// The error of a call that failed in transport, or ran out of time.
    fn transport_error(
        &self,
        req: &Request,
        url: &Url,
        last: Option<Failure>,
        attempts: u32,
        deadline: Option<Duration>,
    ) -> Error<Infallible> {
        Error::Transport(TransportError::new(
            req.operation_id,
            last,
            attempts,
            req.attempt_timeout().or(self.inner.attempt_timeout),
            deadline,
            &address_of(url),
        ))
    }

    /// The attempt loop of [`Client::dispatch`]: the request resolved once,
    /// then attempts, each within the deadline and followed by the retry
    /// decision, carried out here. `keyed`: the request carries an
    /// idempotency key, so it may be replayed whatever its method.
    pub(super) async fn run(
        &self,
        req: &Request,
        keyed: bool,
        span: &tracing::Span,
    ) -> Result<RawResponse, Error<Infallible>> {
        if let Some(message) = &req.error {
            return Err(Error::invalid_request(req.operation_id, message));
        }
        let url = req.url(&self.inner.base).map_err(|m| Error::invalid_request(req.operation_id, m))?;
        let alternative = self.select_alternative(req.security);
        let settings = req.settings.as_deref();
        let policy = settings.and_then(|s| s.retry_policy.as_ref()).unwrap_or(&self.inner.retry_policy);
        let deadline = Deadline::start(settings.and_then(|s| s.deadline).or(self.inner.deadline));
        let idempotent = keyed || is_idempotent(&req.method);
        // Built on the first retry: most requests never need it.
        let mut backoff = None;
        let mut retries = 0u32;
        let mut reauthenticated = false;
        // The transport error of the previous attempt, for a deadline error.
        let mut last_error = None;

        let mut attempt = 0u32;
        loop {
            attempt = attempt.saturating_add(1);
            span.record("attempt", attempt);
            let (result, used_tokens) =
                attempt_once(self, req, &url, alternative, attempt, deadline, &mut last_error).await?;
            let decision = decide(
                policy,
                &Attempt { outcome: outcome_of(&result, &used_tokens), retries, reauthenticated, idempotent },
                SystemTime::now(),
                deadline.map(Deadline::time_left),
                || backoff.get_or_insert_with(|| policy.backoff()).next_delay(),
            );
            let delay = match (replayable(decision, req, attempt), result) {
                (Decision::Reauthenticate, _) => {
                    reauthenticated = true;
                    reauthenticate(self, req, &url, attempt, &used_tokens, deadline, &mut last_error).await?;
                    continue;
                }
                (Decision::RetryAfter(delay), result) => {
                    log_retrying(attempt, &result, delay);
                    if let Err(failure) = result {
                        last_error = Some(failure);
                    }
                    delay
                }
                (Decision::Return(stop), Ok(raw)) => {
                    log_not_retrying(attempt, &raw, stop);
                    return Ok(raw);
                }
                (Decision::Return(stop), Err(failure)) => {
                    // Out of time, the error says so, with the deadline.
                    let limit = deadline.filter(|_| stop == Stop::NoTimeLeft).map(|d| d.limit);
                    return Err(self.transport_error(req, &url, Some(failure), attempt, limit));
                }
            };
            retries = retries.saturating_add(1);
            tokio::time::sleep(delay).await;
        }
    }
}

// The loop's parts below are functions, not `Client` methods: every
// `Client` method's name is one a tag's accessor may not take
// (`naming::CLIENT_METHODS`).

/// One attempt, redirects followed, within the deadline and the silence
/// limit: the response or why there is none, and the tokens it used.
/// Past the deadline, the call's error (with `last_error`, the previous
/// attempt's failure).
async fn attempt_once(
    client: &Client,
    req: &Request,
    url: &Url,
    alternative: &[&'static str],
    attempt: u32,
    deadline: Option<Deadline>,
    last_error: &mut Option<Failure>,
) -> Result<(Result<RawResponse, Failure>, UsedTokens), Error<Infallible>> {
    let limits = Limits { deadline: deadline.map(|d| d.at), silence: client.inner.silence };
    let progress = Progress::start();
    let sent = std::pin::pin!(client.send_following_redirects(req, url, alternative, attempt, &progress));
    match watchdog::within(limits, &progress, sent).await {
        Ok(outcome) => {
            let (result, used_tokens) = outcome?;
            // Its URL, which may carry an API key, goes before anything logs it.
            Ok((result.map_err(|err| Failure::Reqwest(err.without_url())), used_tokens))
        }
        Err(Expiry::Silence(silence)) => Ok((Err(Failure::Silent(silence)), UsedTokens::new())),
        Err(Expiry::Deadline) => {
            let limit = deadline.map(|d| d.limit);
            Err(client.transport_error(req, url, last_error.take(), attempt, limit))
        }
    }
}

/// After a 401 with a refreshable token (which may have been revoked):
/// asks for new tokens, once, within the call's deadline; past it, the
/// call's error.
async fn reauthenticate(
    client: &Client,
    req: &Request,
    url: &Url,
    attempt: u32,
    used_tokens: &UsedTokens,
    deadline: Option<Deadline>,
    last_error: &mut Option<Failure>,
) -> Result<(), Error<Infallible>> {
    tracing::debug!(attempt, "401 with a refreshable token; refetching the token");
    let refresh = refresh_tokens(&client.inner, req, attempt, used_tokens);
    match deadline {
        None => refresh.await,
        Some(d) => match tokio::time::timeout_at(d.at, refresh).await {
            Ok(refreshed) => refreshed,
            Err(_) => Err(client.transport_error(req, url, last_error.take(), attempt, Some(d.limit))),
        },
    }
}

/// What the retry decision sees of an attempt's result.
fn outcome_of<'a>(result: &'a Result<RawResponse, Failure>, used_tokens: &UsedTokens) -> Outcome<'a> {
    match result {
        Ok(raw) => {
            Outcome::Response { status: raw.status(), headers: raw.headers(), used_tokens: !used_tokens.is_empty() }
        }
        Err(Failure::Reqwest(err)) => Outcome::Transport { connect: err.is_connect() },
        Err(Failure::Silent(_)) => Outcome::Transport { connect: false },
    }
}

/// `decision`, unless it would send the request again and its body (a
/// stream or a file handle) went with this attempt: then the call returns.
fn replayable(decision: Decision, req: &Request, attempt: u32) -> Decision {
    match decision {
        Decision::RetryAfter(_) | Decision::Reauthenticate if !req.body.is_replayable() => {
            tracing::debug!(attempt, "the request body was a stream, sent once; not retrying");
            Decision::Return(Stop::Final)
        }
        decision => decision,
    }
}

/// Says why the request is sent again, after `delay`.
fn log_retrying(attempt: u32, result: &Result<RawResponse, Failure>, delay: Duration) {
    match result {
        Ok(raw) => {
            let status = raw.status().as_u16();
            tracing::debug!(attempt, status, delay_ms = millis(delay), "retrying request");
        }
        Err(Failure::Reqwest(err)) => tracing::debug!(
            attempt,
            error = %err,
            delay_ms = millis(delay),
            "retrying request after transport error"
        ),
        Err(Failure::Silent(silence)) => tracing::debug!(
            attempt,
            silence_ms = millis(*silence),
            delay_ms = millis(delay),
            "retrying request after the server went silent"
        ),
    }
}
