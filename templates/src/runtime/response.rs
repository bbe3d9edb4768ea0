//! A fully read HTTP response.

use std::fmt;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderName};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::error::{ApiError, DecodeError, Error};

/// Marks the values of credential-bearing headers as sensitive, so that
/// `HeaderMap`'s `Debug` prints `Sensitive` instead of the value.
pub(crate) fn mark_sensitive(headers: &mut HeaderMap, extra: &[HeaderName]) {
    let standard = [header::AUTHORIZATION, header::PROXY_AUTHORIZATION, header::COOKIE, header::SET_COOKIE];
    for name in standard.iter().chain(extra) {
        if let header::Entry::Occupied(mut entry) = headers.entry(name) {
            for value in entry.iter_mut() {
                value.set_sensitive(true);
            }
        }
    }
}

/// A response whose body has been read, for any status.
#[derive(Clone)]
pub struct RawResponse {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl fmt::Debug for RawResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawResponse")
            .field("status", &self.status)
            .field("headers", &self.headers)
            .field("body_len", &self.body.len())
            .finish()
    }
}

impl RawResponse {
    /// A response from its parts (useful to test decoding code). Authorization,
    /// cookie and set-cookie header values are marked sensitive.
    pub fn new(status: StatusCode, mut headers: HeaderMap, body: Bytes) -> Self {
        mark_sensitive(&mut headers, &[]);
        RawResponse { status, headers, body }
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

    /// Decodes the body as JSON. On failure the error names the path of the
    /// failing field (e.g. `items[2].created`) and the status.
    pub fn json<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        // Path tracking costs about a third of the decoding time, so a body is
        // decoded plainly first and again, tracked, only to explain a failure.
        serde_json::from_slice(&self.body).or_else(|_| self.json_tracked())
    }

    /// [`RawResponse::json`] with the path of the failing field in the error.
    fn json_tracked<T: DeserializeOwned, E>(&self) -> Result<T, Error<E>> {
        let mut de = serde_json::Deserializer::from_slice(&self.body);
        let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            Error::Decode(DecodeError {
                status: self.status,
                path: e.path().to_string(),
                message: e.into_inner().to_string(),
            })
        })?;
        de.end().map_err(|e| {
            Error::Decode(DecodeError { status: self.status, path: ".".to_owned(), message: e.to_string() })
        })?;
        Ok(value)
    }

    /// The body as UTF-8 text.
    pub fn text<E>(&self) -> Result<String, Error<E>> {
        String::from_utf8(self.body.to_vec()).map_err(|e| {
            Error::Decode(DecodeError {
                status: self.status,
                path: ".".to_owned(),
                message: format!("response body is not valid UTF-8: {e}"),
            })
        })
    }

    /// Turns the response into [`Error::Api`]: the body is parsed as `E` where
    /// it parses, and the raw body is always kept.
    pub fn into_error<E: DeserializeOwned>(self) -> Error<E> {
        let body = if self.body.is_empty() { None } else { serde_json::from_slice::<E>(&self.body).ok() };
        let raw_body = String::from_utf8_lossy(&self.body).into_owned();
        Error::Api(ApiError::new(self.status, self.headers, body, raw_body))
    }

    /// Builds a response from reqwest parts, marking credential headers sensitive.
    pub(crate) fn from_parts(
        status: StatusCode,
        mut headers: HeaderMap,
        body: Bytes,
        sensitive: &[HeaderName],
    ) -> Self {
        mark_sensitive(&mut headers, sensitive);
        RawResponse { status, headers, body }
    }
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
