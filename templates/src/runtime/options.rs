//! Options of one call ([`CallOptions`]), and the idempotency key a call
//! sends on every attempt.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderName, HeaderValue};

use super::retry::RetryPolicy;

/// The header an idempotency key goes in when the spec names none.
pub const IDEMPOTENCY_KEY_HEADER: &str = "idempotency-key";

/// Options for one call, given to an operation's builder with
/// `.with_options(..)`: they override the client's settings for that call
/// only.
///
/// ```ignore
/// client.users().create_user(body)
///     .with_options(CallOptions::new().timeout(Duration::from_secs(5)).idempotent())
///     .await?;
/// ```
///
/// Empty, it costs nothing (no allocation). `Debug` shows header names only.
#[derive(Clone, Default)]
pub struct CallOptions(pub(crate) Option<Box<CallSettings>>);

/// What a [`CallOptions`] or the spec sets for one call.
#[derive(Clone, Default)]
pub(crate) struct CallSettings {
    /// Extra headers, sent like header parameters (never to another origin).
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) timeout: Option<Duration>,
    pub(crate) deadline: Option<Duration>,
    pub(crate) retry_policy: Option<RetryPolicy>,
    /// The header of the call's idempotency key, when it has one.
    pub(crate) idempotency_header: Option<HeaderName>,
    /// The key the caller gave (else one is generated for the call).
    pub(crate) idempotency_key: Option<HeaderValue>,
    /// The first invalid option, reported when the call is sent.
    pub(crate) error: Option<String>,
}

impl fmt::Debug for CallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(settings) = &self.0 else { return f.write_str("CallOptions") };
        // Header values may be credentials: names only.
        let headers: Vec<&str> = settings.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("CallOptions")
            .field("headers", &headers)
            .field("timeout", &settings.timeout)
            .field("deadline", &settings.deadline)
            .field("retry_policy", &settings.retry_policy)
            .field("idempotency_header", &settings.idempotency_header)
            .finish_non_exhaustive()
    }
}

impl CallOptions {
    /// No options: the client's settings apply.
    pub fn new() -> Self {
        CallOptions(None)
    }

    fn settings(&mut self) -> &mut CallSettings {
        self.0.get_or_insert_with(Box::default)
    }

    fn fail(&mut self, message: String) {
        let settings = self.settings();
        if settings.error.is_none() {
            settings.error = Some(message);
        }
    }

    /// Adds a header to this call's requests, replacing a header parameter
    /// of the same name. It is sent like the operation's header parameters:
    /// on every attempt and redirect within the API's origin, never to
    /// another origin. Its value is redacted in `Debug`. An invalid name or
    /// value fails the call with [`Error::InvalidRequest`](super::Error::InvalidRequest).
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let Ok(name) = HeaderName::from_bytes(name.as_bytes()) else {
            self.fail(format!("invalid header name `{}` in the call options", name.escape_debug()));
            return self;
        };
        let Ok(mut value) = HeaderValue::from_str(value) else {
            self.fail(format!("invalid value of header `{name}` in the call options"));
            return self;
        };
        value.set_sensitive(true);
        self.settings().headers.push((name, value));
        self
    }

    /// Bounds each attempt of this call (connecting, sending, reading the
    /// response) instead of [`ClientBuilder::timeout`](super::ClientBuilder::timeout).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings().timeout = Some(timeout);
        self
    }

    /// Bounds the whole call, retries and their waits included, instead of
    /// [`ClientBuilder::deadline`](super::ClientBuilder::deadline).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.settings().deadline = Some(deadline);
        self
    }

    /// Retries this call by `policy` instead of the client's
    /// [`ClientBuilder::retry_policy`](super::ClientBuilder::retry_policy).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings().retry_policy = Some(policy);
        self
    }

    /// Sends `key` as this call's idempotency key (in the header the spec
    /// names, else `Idempotency-Key`), the same on every attempt, so that
    /// the call may be retried whatever its method: on 503 and on transport
    /// errors after the request was sent, which a `POST` without a key never
    /// is.
    pub fn idempotency_key(mut self, key: &str) -> Self {
        match HeaderValue::from_str(key) {
            Ok(value) => self.settings().idempotency_key = Some(value),
            Err(_) => self.fail("the idempotency key is not a valid header value".to_owned()),
        }
        self.idempotent()
    }

    /// Makes this call idempotent with a key generated for it (see
    /// [`CallOptions::idempotency_key`]): one key per call, sent on every
    /// attempt.
    pub fn idempotent(mut self) -> Self {
        let settings = self.settings();
        if settings.idempotency_header.is_none() {
            settings.idempotency_header = Some(HeaderName::from_static(IDEMPOTENCY_KEY_HEADER));
        }
        self
    }
}

/// Counts generated keys, so two keys of one process never share their input.
static KEYS_MADE: AtomicU64 = AtomicU64::new(0);

/// A new idempotency key: a version 4 UUID from std's randomly keyed hasher
/// over the clock and a counter (unique per call, which is all a key needs;
/// no extra random-number crate in every generated crate).
pub(crate) fn new_idempotency_key() -> HeaderValue {
    let count = KEYS_MADE.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos());
    let half = |salt: u64| {
        let mut hasher = RandomState::new().build_hasher();
        hasher.write_u64(salt);
        hasher.write_u64(count);
        hasher.write_u128(nanos);
        hasher.finish()
    };
    let mut bytes = [0u8; 16];
    let (high, low) = bytes.split_at_mut(8);
    high.copy_from_slice(&half(1).to_le_bytes());
    low.copy_from_slice(&half(2).to_le_bytes());
    let uuid = uuid::Builder::from_random_bytes(bytes).into_uuid();
    let mut text = [0u8; uuid::fmt::Hyphenated::LENGTH];
    HeaderValue::from_str(uuid.hyphenated().encode_lower(&mut text)).unwrap_or(HeaderValue::from_static("0"))
}
