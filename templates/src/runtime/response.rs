//! A fully read HTTP response.

use std::fmt;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::download::{Download, ResponseBody, Unread};
use super::error::{ApiError, DecodeError, Error};
use super::json_path::error_path;
use super::lenient::decode_counting;
use super::redact::without_values;

/// Marks the values of credential-bearing headers as sensitive, so that
/// `HeaderMap`'s `Debug` prints `Sensitive` instead of the value.
pub(crate) fn mark_sensitive(headers: &mut HeaderMap, extra: &[HeaderName]) {
    const STANDARD: [HeaderName; 4] =
        [header::AUTHORIZATION, header::PROXY_AUTHORIZATION, header::COOKIE, header::SET_COOKIE];
    // One pass over the few headers a response has, rather than a hash lookup per name.
    for (name, value) in headers.iter_mut() {
        if STANDARD.contains(name) || extra.contains(name) {
            value.set_sensitive(true);
        }
    }
}

/// A response whose body has been read, for any status.
#[derive(Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
    /// The operation id of the call ("" when built with [`RawResponse::new`]).
    operation: &'static str,
    /// [`ClientBuilder::strict_formats`](super::ClientBuilder::strict_formats).
    strict_formats: bool,
    /// Whether the body was cut at the error body limit ([`RawResponse::is_body_truncated`]).
    body_truncated: bool,
    /// A 2xx body left unread for [`RawResponse::download`].
    unread: Option<Unread>,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .field("body_truncated", &self.body_truncated)
            .finish()
    }
}

impl RawResponse {
    /// A response from its parts (useful to test decoding code). Authorization,
    /// cookie and set-cookie header values are marked sensitive.
    pub fn new(status: StatusCode, mut headers: HeaderMap, body: Bytes) -> Self {
        mark_sensitive(&mut headers, &[]);
        RawResponse { status, headers, body, operation: "", strict_formats: false, body_truncated: false, unread: None }
    }

    /// The operation id of the call this response answers ("" for [`RawResponse::new`]).
    pub fn operation(&self) -> &'static str {
        self.operation
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The response body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The response body (a cheap reference-counted copy).
    pub fn bytes(&self) -> Bytes {
        self.body.clone()
    }

    /// Whether the body is only the start of what the server sent. The body
    /// of a response with a non-2xx status is kept up to 64 KiB (or
    /// [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size)
    /// if smaller) and the rest is not read; a 2xx body over the limit fails
    /// the call instead.
    pub fn is_body_truncated(&self) -> bool {
        self.body_truncated
    }

    /// Holds a 2xx body left unread, for [`RawResponse::download`].
    pub(crate) fn with_unread(mut self, unread: Unread) -> Self {
        self.unread = Some(unread);
        self
    }

    /// The body as a [`Download`], read as it arrives: what the `decode` of
    /// an operation with a binary response does. A response whose body was
    /// read already (one a [`Middleware`](super::Middleware) made, say)
    /// gives that body.
    pub fn download<E>(self) -> Result<Download<E>, Error<E>> {
        let body = self.take_body();
        Ok(Download::new(self.operation, self.status, self.headers, body))
    }

    /// The 2xx body left unread, if it still is, else the body held: what
    /// a [`Download`] and a stream read.
    pub(crate) fn take_body(&self) -> ResponseBody {
        match self.unread.as_ref().and_then(Unread::take) {
            Some(unread) => ResponseBody::Live(unread),
            None => ResponseBody::Held(Some(self.body.clone())),
        }
    }

    /// Marks the body as cut at the error body limit.
    pub(crate) fn with_truncated_body(mut self, truncated: bool) -> Self {
        self.body_truncated = truncated;
        self
    }

    /// Decodes the body as JSON. On failure the error names the path of the
    /// failing field (e.g. `items[2].created`) and the status.
    ///
    /// A [`Lenient`](super::Lenient) field whose text does not parse keeps it
    /// and the client logs a warning naming the first such field; with
    /// [`ClientBuilder::strict_formats`](super::ClientBuilder::strict_formats)
    /// the body fails to decode instead.
    pub fn json<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        let (result, kept) = decode_counting(self.strict_formats, || serde_json::from_slice::<T>(&self.body));
        let value = result.map_err(|e| Error::Decode(self.decode_error(&e)))?;
        if kept > 0 {
            self.warn_kept_raw::<T>(kept);
        }
        Ok(value)
    }

    /// [`RawResponse::json`] for a body whose schema the spec gives under a
    /// media type that does not say JSON (`*/*`, `application/*`,
    /// `application/vnd.example`): the body is decoded when the response's
    /// `Content-Type` is JSON (`application/json`, a `+json` or `/json` type,
    /// one of `declared`, the concrete types the spec gives the schema under,
    /// or none at all). Any other type (an HTML page, say) fails with
    /// [`Error::Decode`] carrying the type and the body's first 64 KiB:
    /// [`DecodeError::is_unexpected_content_type`], [`DecodeError::body`].
    pub fn json_by_content_type<T: DeserializeOwned, E>(&self, declared: &[&str]) -> Result<T, Error<E>> {
        match self.headers.get(header::CONTENT_TYPE) {
            Some(value) if !is_json_content_type(value.as_bytes(), declared) => {
                let content_type = String::from_utf8_lossy(value.as_bytes()).into_owned();
                Err(Error::Decode(DecodeError::unexpected_content_type(
                    self.operation,
                    self.status,
                    content_type,
                    &self.body,
                )))
            }
            _ => self.json(),
        }
    }

    /// Logs where the first of `kept` unparsable formatted values is.
    #[cold]
    fn warn_kept_raw<T: DeserializeOwned>(&self, kept: u32) {
        // Decoding strictly fails on the first raw value, at its path. If it
        // succeeds, the raw values were in union variants that were not chosen.
        let (Err(error), _) = decode_counting(true, || serde_json::from_slice::<T>(&self.body)) else { return };
        let explained = self.decode_error(&error);
        let (path, message) = (explained.path(), explained.message());
        tracing::warn!(
            operation_id = self.operation,
            status = self.status.as_u16(),
            path,
            kept,
            "{message}; kept the text as received"
        );
    }

    /// A decoding error with the path of the value it happened in.
    #[cold]
    fn decode_error(&self, error: &serde_json::Error) -> DecodeError {
        let message = without_values(&error.to_string());
        let message = if self.body_truncated {
            format!("{message} (the body was cut after its first {} bytes)", self.body.len())
        } else {
            message
        };
        DecodeError::new(self.operation, self.status, error_path(&self.body, error), message)
    }

    /// Logs a warning that the body, which has content, matched none of the
    /// fields of `type_name`: called by generated code when every field of a
    /// decoded struct is absent, which usually means the server wraps or
    /// names the object differently from the spec.
    #[cold]
    pub fn warn_no_known_fields(&self, type_name: &'static str) {
        let blank = self.body.iter().all(|b| b.is_ascii_whitespace() || matches!(b, b'{' | b'}'));
        if !blank {
            tracing::warn!(
                operation_id = self.operation,
                status = self.status.as_u16(),
                type_name,
                "the response body has none of the fields of `{type_name}`; the spec may not match the server"
            );
        }
    }

    /// The body as UTF-8 text.
    pub fn text<E>(&self) -> Result<String, Error<E>> {
        String::from_utf8(self.body.to_vec()).map_err(|e| {
            Error::Decode(DecodeError::new(
                self.operation,
                self.status,
                ".".to_owned(),
                format!("not valid UTF-8: {e}"),
            ))
        })
    }

    /// Turns the response into [`Error::Api`]: the body is parsed as `E` where
    /// it parses, and the raw body is always kept (cut at 64 KiB, see
    /// [`RawResponse::is_body_truncated`]).
    pub fn into_error<E: DeserializeOwned>(self) -> Error<E> {
        let body = if self.body.is_empty() { None } else { serde_json::from_slice::<E>(&self.body).ok() };
        // The text takes over the body's buffer (no copy) unless it is not UTF-8.
        let raw_body = match String::from_utf8(Vec::from(self.body)) {
            Ok(text) => text,
            Err(not_utf8) => String::from_utf8_lossy(not_utf8.as_bytes()).into_owned(),
        };
        let error = ApiError::new(self.operation, self.status, self.headers, body, raw_body);
        Error::Api(error.with_truncated_body(self.body_truncated))
    }

    /// A response of the call `operation` (one a middleware made with
    /// [`RawResponse::new`] included): named after it, decoded by the
    /// client's rules, its credential headers redacted.
    pub(crate) fn for_call(mut self, operation: &'static str, sensitive: &[HeaderName], strict_formats: bool) -> Self {
        if self.operation.is_empty() {
            mark_sensitive(&mut self.headers, sensitive);
            self.operation = operation;
            self.strict_formats = strict_formats;
        }
        self
    }

    /// Builds a response from reqwest parts, marking credential headers sensitive.
    pub(crate) fn from_parts(
        status: StatusCode,
        mut headers: HeaderMap,
        body: Bytes,
        sensitive: &[HeaderName],
        operation: &'static str,
        strict_formats: bool,
    ) -> Self {
        mark_sensitive(&mut headers, sensitive);
        RawResponse { status, headers, body, operation, strict_formats, body_truncated: false, unread: None }
    }
}

/// Whether a `Content-Type` value is JSON: `application/json`, any `+json`
/// or `/json` type, one of `declared`, or blank. Parameters (`; charset=utf-8`)
/// and case do not matter.
fn is_json_content_type(value: &[u8], declared: &[&str]) -> bool {
    let value = String::from_utf8_lossy(value);
    let essence = value.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence.is_empty()
        || essence.ends_with("/json")
        || essence.ends_with("+json")
        || declared.iter().any(|d| d.split(';').next().unwrap_or_default().trim().eq_ignore_ascii_case(&essence))
}

/// A decoded body with the status and headers it came with, from an
/// operation's `send_with_headers()`: for what the spec leaves to headers,
/// such as rate-limit budgets (`X-Rate-Limit-Remaining`) or totals
/// (`Total-Count`).
#[derive(Debug, Clone)]
pub struct Response<T> {
    status: StatusCode,
    headers: HeaderMap,
    body: T,
}

impl<T> Response<T> {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (credential-bearing ones marked sensitive).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The decoded body.
    pub fn body(&self) -> &T {
        &self.body
    }

    /// The decoded body, consuming the response.
    pub fn into_body(self) -> T {
        self.body
    }
}

impl RawResponse {
    /// Decodes the body with an operation's `decode`, keeping the status and headers.
    pub fn decode_with_headers<T, E>(
        self,
        decode: fn(RawResponse) -> Result<T, Error<E>>,
    ) -> Result<Response<T>, Error<E>> {
        let (status, headers) = (self.status, self.headers.clone());
        decode(self).map(|body| Response { status, headers, body })
    }
}
