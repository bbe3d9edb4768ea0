//! The time limits of one attempt, on one timer: the call's deadline and the
//! longest silence of the server ([`ClientBuilder::read_timeout`](super::ClientBuilder::read_timeout)).
//!
//! One tokio timer per attempt, set to whichever limit comes first. Reading
//! the response only records the time of its progress (an atomic store); the
//! timer is moved to the new limit when it fires early, not on every read,
//! which is what keeps the cost of a call close to a bare `reqwest` one.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures::future::Either;
use tokio::time::Instant;

/// When the attempt last heard from the server (its start, the response
/// headers, a body chunk).
#[derive(Debug)]
pub(crate) struct Progress {
    started: Instant,
    /// Nanoseconds from `started` to the latest progress.
    latest: AtomicU64,
}

impl Progress {
    /// Progress of an attempt starting now.
    pub(crate) fn start() -> Self {
        Progress { started: Instant::now(), latest: AtomicU64::new(0) }
    }

    /// Records that the server sent something now.
    pub(crate) fn touch(&self) {
        let nanos = u64::try_from(self.started.elapsed().as_nanos()).unwrap_or(u64::MAX);
        self.latest.store(nanos, Ordering::Relaxed);
    }

    /// When the server last sent something.
    fn latest(&self) -> Instant {
        let nanos = Duration::from_nanos(self.latest.load(Ordering::Relaxed));
        self.started.checked_add(nanos).unwrap_or(self.started)
    }
}

/// Which limit ended an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Expiry {
    /// The call's deadline passed.
    Deadline,
    /// The server sent nothing for this long.
    Silence(Duration),
}

/// The limits of one attempt.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// When the call's deadline passes.
    pub(crate) deadline: Option<Instant>,
    /// The longest silence allowed.
    pub(crate) silence: Option<Duration>,
}

impl Limits {
    /// When the silence limit passes, given `progress` (none when there is
    /// no limit, or one too far to represent).
    fn quiet_until(&self, progress: &Progress) -> Option<Instant> {
        self.silence.and_then(|silence| progress.latest().checked_add(silence))
    }

    /// When the next limit passes, given `progress`.
    fn due(&self, progress: &Progress) -> Option<Instant> {
        match (self.deadline, self.quiet_until(progress)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The limit that has passed at `now`, if one has.
    fn expired(&self, progress: &Progress, now: Instant) -> Option<Expiry> {
        if self.deadline.is_some_and(|d| now >= d) {
            return Some(Expiry::Deadline);
        }
        let (silence, quiet_until) = (self.silence?, self.quiet_until(progress)?);
        (now >= quiet_until).then_some(Expiry::Silence(silence))
    }
}

/// Runs `attempt` within `limits`; `attempt` records its progress in `progress`.
///
/// Takes the attempt pinned where its caller keeps it: an attempt future is
/// a few KiB, and one held here by value would be stored (and copied) twice.
pub(crate) async fn within<F: Future>(
    limits: Limits,
    progress: &Progress,
    mut attempt: std::pin::Pin<&mut F>,
) -> Result<F::Output, Expiry> {
    let Some(due) = limits.due(progress) else {
        return Ok(attempt.await);
    };
    let mut timer = std::pin::pin!(tokio::time::sleep_until(due));
    loop {
        match futures::future::select(attempt.as_mut(), timer.as_mut()).await {
            Either::Left((output, _)) => return Ok(output),
            Either::Right(((), _)) => {
                if let Some(expiry) = limits.expired(progress, Instant::now()) {
                    return Err(expiry);
                }
                // The server made progress since the timer was set.
                match limits.due(progress) {
                    Some(due) => timer.as_mut().reset(due),
                    None => return Ok(attempt.await),
                }
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::arithmetic_side_effects)]
mod tests {
    use super::*;

    const SECOND: Duration = Duration::from_secs(1);

    /// Progress of an attempt that started at `started` and last heard from
    /// the server `latest` after it.
    fn progress(started: Instant, latest: Duration) -> Progress {
        Progress { started, latest: AtomicU64::new(u64::try_from(latest.as_nanos()).unwrap()) }
    }

    #[test]
    fn the_timer_is_set_to_the_first_limit() {
        let t0 = Instant::now();
        let both = Limits { deadline: Some(t0 + 10 * SECOND), silence: Some(3 * SECOND) };
        assert_eq!(both.due(&progress(t0, Duration::ZERO)), Some(t0 + 3 * SECOND));
        // Progress moves the silence limit, never past the deadline.
        assert_eq!(both.due(&progress(t0, 5 * SECOND)), Some(t0 + 8 * SECOND));
        assert_eq!(both.due(&progress(t0, 9 * SECOND)), Some(t0 + 10 * SECOND));
        let deadline_only = Limits { deadline: Some(t0 + SECOND), silence: None };
        assert_eq!(deadline_only.due(&progress(t0, 5 * SECOND)), Some(t0 + SECOND));
        assert_eq!(Limits { deadline: None, silence: None }.due(&progress(t0, SECOND)), None);
    }

    #[test]
    fn which_limit_has_passed() {
        let t0 = Instant::now();
        let limits = Limits { deadline: Some(t0 + 10 * SECOND), silence: Some(3 * SECOND) };
        let heard_at_5 = progress(t0, 5 * SECOND);
        assert_eq!(limits.expired(&heard_at_5, t0 + 7 * SECOND), None);
        assert_eq!(limits.expired(&heard_at_5, t0 + 8 * SECOND), Some(Expiry::Silence(3 * SECOND)));
        let heard_at_9 = progress(t0, 9 * SECOND);
        assert_eq!(limits.expired(&heard_at_9, t0 + 10 * SECOND), Some(Expiry::Deadline));
        // A silence limit too large to add to a time is no limit.
        let huge = Limits { deadline: None, silence: Some(Duration::MAX) };
        assert_eq!(huge.expired(&heard_at_5, t0 + 1000 * SECOND), None);
        assert_eq!(huge.due(&heard_at_5), None);
    }

    #[test]
    fn touch_records_the_latest_progress() {
        let p = Progress::start();
        assert_eq!(p.latest(), p.started);
        p.touch();
        assert!(p.latest() >= p.started);
    }
}
