//! Reading response bodies within a size limit.

use std::fmt;

use bytes::Bytes;

use super::watchdog::Progress;

/// Default of [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size):
/// large list pages of real APIs reach several MiB; 64 MiB leaves room while
/// keeping a hostile server from exhausting memory.
pub(crate) const DEFAULT_MAX_BODY_SIZE: usize = 64 * 1024 * 1024;

/// How much of an error (non-2xx) body is kept: the start of it is what
/// explains the error; the rest is not read.
pub(crate) const ERROR_BODY_LIMIT: usize = 64 * 1024;

/// The largest OAuth 2.0 token response read (a token response is a few KiB at most).
pub(crate) const TOKEN_BODY_LIMIT: usize = 64 * 1024;

/// What to do with a body longer than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overflow {
    /// Fail with [`BodyError::TooLarge`], without reading past the limit (or
    /// at all, when `Content-Length` already says it is too large).
    Fail,
    /// Keep the first `limit` bytes, mark the body truncated and stop reading.
    Truncate,
}

/// A body read within its limit.
#[derive(Debug)]
pub(crate) struct LimitedBody {
    pub(crate) bytes: Bytes,
    /// Whether the server sent (or announced) more than was kept.
    pub(crate) truncated: bool,
}

/// A body longer than the limit, with [`Overflow::Fail`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TooLarge {
    pub(crate) limit: usize,
    /// The length the server announced in `Content-Length`, if it did.
    pub(crate) announced: Option<u64>,
}

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// The connection failed or timed out while reading.
    Read(reqwest::Error),
    /// The body is longer than the limit.
    TooLarge(TooLarge),
}

/// Reads the body of `response`, at most `limit` bytes of it, recording each
/// chunk in `progress`.
///
/// Reads chunk by chunk into a buffer that never grows past `limit`, so a
/// server sending an endless body costs at most `limit` bytes of memory.
pub(crate) async fn read_limited(
    response: &mut reqwest::Response,
    limit: usize,
    overflow: Overflow,
    progress: Option<&Progress>,
) -> Result<LimitedBody, BodyError> {
    // The length hyper knows the body has (0 for HEAD, 204 and 304 responses).
    let announced = response.content_length();
    let announced_fits = announced.and_then(|n| usize::try_from(n).ok()).filter(|n| *n <= limit);
    if announced.is_some() && announced_fits.is_none() && overflow == Overflow::Fail {
        return Err(BodyError::TooLarge(TooLarge { limit, announced }));
    }
    // A body that arrives in one chunk (most JSON answers) is returned as
    // that chunk, uncopied; the buffer is made only for a second one.
    let mut first: Option<Bytes> = None;
    let mut buffer: Vec<u8> = Vec::new();
    let mut truncated = false;
    while let Some(chunk) = response.chunk().await.map_err(BodyError::Read)? {
        if let Some(progress) = progress {
            progress.touch();
        }
        let held = first.as_ref().map_or(0, Bytes::len);
        let room = limit.saturating_sub(buffer.len().max(held));
        if chunk.len() > room {
            if overflow == Overflow::Fail {
                return Err(BodyError::TooLarge(TooLarge { limit, announced }));
            }
            take_first(&mut buffer, &mut first, announced_fits);
            grow_within(&mut buffer, room, limit);
            buffer.extend_from_slice(chunk.get(..room).unwrap_or_default());
            truncated = true;
            // Dropping the response unread closes the connection.
            break;
        }
        if first.is_none() && buffer.is_empty() {
            first = Some(chunk);
            continue;
        }
        take_first(&mut buffer, &mut first, announced_fits);
        grow_within(&mut buffer, chunk.len(), limit);
        buffer.extend_from_slice(&chunk);
    }
    let bytes = match first {
        Some(only) => only,
        None => Bytes::from(buffer),
    };
    Ok(LimitedBody { bytes, truncated })
}

/// Moves the first chunk, if it is still held apart, into the buffer (sized
/// at once for a body announced to fit).
fn take_first(buffer: &mut Vec<u8>, first: &mut Option<Bytes>, announced_fits: Option<usize>) {
    if let Some(chunk) = first.take() {
        buffer.reserve_exact(announced_fits.unwrap_or(0).max(chunk.len()));
        buffer.extend_from_slice(&chunk);
    }
}

/// Makes room for `additional` more bytes, doubling the capacity as `Vec`
/// does but never past `limit` (`Vec`'s own growth could double a 40 MiB
/// buffer to 80 MiB under a 64 MiB limit).
fn grow_within(buffer: &mut Vec<u8>, additional: usize, limit: usize) {
    let needed = buffer.len().saturating_add(additional);
    if needed <= buffer.capacity() {
        return;
    }
    let target = buffer.capacity().saturating_mul(2).max(needed).max(8 * 1024).min(limit.max(needed));
    buffer.reserve_exact(target.saturating_sub(buffer.len()));
}

/// Reads an OAuth 2.0 token response of `url` ([`TOKEN_BODY_LIMIT`]): a
/// success body past the limit is an error, an error body is cut at it.
/// The message never includes the body (it may hold a token).
pub(crate) async fn read_token_body(mut response: reqwest::Response, url: &str) -> Result<Bytes, String> {
    let overflow = if response.status().is_success() { Overflow::Fail } else { Overflow::Truncate };
    match read_limited(&mut response, TOKEN_BODY_LIMIT, overflow, None).await {
        Ok(body) => Ok(body.bytes),
        Err(BodyError::Read(e)) => Err(format!("token request to {url} failed: {}", e.without_url())),
        Err(BodyError::TooLarge(too_large)) => Err(format!(
            "token endpoint {url} answered HTTP {} with a body over the {} limit of token responses",
            response.status(),
            ByteSize(too_large.limit)
        )),
    }
}

/// `64 MiB`, `64 KiB`, `1000 bytes`.
pub(crate) struct ByteSize(pub(crate) usize);

impl fmt::Display for ByteSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const KIB: usize = 1024;
        const MIB: usize = 1024 * 1024;
        let n = self.0;
        if n == 0 {
            f.write_str("0 bytes")
        } else if n.checked_rem(MIB) == Some(0) {
            write!(f, "{} MiB", n.checked_div(MIB).unwrap_or_default())
        } else if n.checked_rem(KIB) == Some(0) {
            write!(f, "{} KiB", n.checked_div(KIB).unwrap_or_default())
        } else {
            write!(f, "{n} bytes")
        }
    }
}
