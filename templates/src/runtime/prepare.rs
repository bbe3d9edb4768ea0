//! Preparing one attempt: the URL, headers, cookies and body, then the
//! credential providers of a security alternative on the request as built;
//! and sending it, its response body read within the size limit.

use std::convert::Infallible;

use bytes::Bytes;
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{StatusCode, Url};
use secrecy::SecretString;

use super::auth::sensitive_value;
use super::body::{read_limited, BodyError, Overflow, TooLarge, ERROR_BODY_LIMIT};
use super::client::Client;
use super::download::{Unread, UnreadBody};
use super::error::{Error, TransportError};
use super::middleware::{CallInfo, Next, SendError, SendErrorKind};
use super::provider::AuthContext;
use super::request::{leaves_unread, multipart_form, Body, Request};
use super::response::RawResponse;
use super::retry::LONGEST_TIMER;
use super::watchdog::Progress;

/// `host:port` of `url`, for error messages.
pub(super) fn address_of(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    }
}

/// The call's error for a body that cannot be sent: a file that cannot be
/// opened (`Ok`), or a sentence saying why (`Err`: a stream already sent).
fn upload_error(operation_id: &'static str, error: Result<std::io::Error, String>) -> Error<Infallible> {
    match error {
        Ok(io) => Error::Io(std::io::Error::new(io.kind(), format!("{operation_id}: {io}"))),
        Err(message) => Error::invalid_request(operation_id, message),
    }
}

/// What one attempt authenticated with: the refreshable tokens it used, by scheme.
pub(super) type UsedTokens = Vec<(&'static str, SecretString)>;

impl Client {
    /// The first security alternative whose schemes all have credentials.
    pub(super) fn select_alternative(&self, security: &'static [&'static [&'static str]]) -> &'static [&'static str] {
        let chosen = security.iter().find(|alt| alt.iter().all(|s| self.inner.schemes.contains(s)));
        match chosen {
            Some(alt) => alt,
            None => {
                if !security.is_empty() {
                    tracing::debug!(
                        "no credentials configured for any security alternative; sending the request unauthenticated"
                    );
                }
                &[]
            }
        }
    }

    /// Builds one request of attempt `attempt`: URL, headers, cookies, body,
    /// then the credentials of `alternative`, each scheme's provider in turn.
    pub(super) async fn prepare(
        &self,
        req: &Request,
        url: &Url,
        alternative: &[&'static str],
        attempt: u32,
    ) -> Result<(reqwest::Request, UsedTokens), Error<Infallible>> {
        let inner = &*self.inner;
        let url = url.clone();
        // Room for the request's headers and the few the client adds, so
        // that the map is not grown (and rehashed) while it is filled.
        let mut headers = HeaderMap::with_capacity(req.headers.len().saturating_add(4));
        for (name, value) in &req.headers {
            headers.append(name.clone(), value.clone());
        }
        let accept = match req.accept.as_slice() {
            [] => None,
            [one] => Some(HeaderValue::from_str(one)),
            several => Some(HeaderValue::from_str(&several.join(", "))),
        };
        if let Some(accept) = accept {
            let accept = accept.map_err(|_| Error::invalid_request(req.operation_id, "invalid Accept media type"))?;
            headers.insert(header::ACCEPT, accept);
        }
        if let Some(ua) = &inner.user_agent {
            headers.insert(header::USER_AGENT, ua.clone());
        }
        let cookies = &req.cookies;
        if !cookies.is_empty() {
            let value = sensitive_value(&cookies.join("; "))
                .map_err(|_| Error::invalid_request(req.operation_id, "invalid cookie value"))?;
            headers.insert(header::COOKIE, value);
        }

        // Built as a `reqwest::Request` whose header map is moved in whole:
        // `RequestBuilder::headers` would hash every header a second time.
        let mut body = None;
        match &req.body {
            Body::Empty => {}
            Body::Bytes { data, content_type } => {
                let content_type = HeaderValue::from_str(content_type).map_err(|_| {
                    Error::invalid_request(req.operation_id, format!("invalid content type `{content_type}`"))
                })?;
                headers.insert(header::CONTENT_TYPE, content_type);
                body = Some(data.clone().into());
            }
            Body::Multipart(_) => {}
            Body::Upload { data, content_type } => {
                let content_type = HeaderValue::from_str(content_type).map_err(|_| {
                    Error::invalid_request(req.operation_id, format!("invalid content type `{content_type}`"))
                })?;
                headers.insert(header::CONTENT_TYPE, content_type);
                let attempt = data.for_attempt().await.map_err(|e| upload_error(req.operation_id, e))?;
                // A file's size: hyper sends it rather than chunking the stream.
                if let (Some(length), None) = (attempt.length, data.as_bytes()) {
                    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(length));
                }
                body = Some(attempt.body);
            }
        }
        let mut request = reqwest::Request::new(req.method.clone(), url);
        *request.headers_mut() = headers;
        *request.body_mut() = body;
        if let Body::Multipart(parts) = &req.body {
            // reqwest sets the boundary and, when it can, the length.
            let form = multipart_form(parts).await.map_err(|e| upload_error(req.operation_id, e))?;
            request = reqwest::RequestBuilder::from_parts(inner.http.clone(), request)
                .multipart(form)
                .build()
                .map_err(|e| Error::invalid_request(req.operation_id, e.without_url().to_string()))?;
        }
        *request.timeout_mut() = if !req.streamed_statuses.is_empty() {
            // reqwest's timeout would cover the body too: a download's
            // headers are bounded by the deadline and the read timeout, its
            // body by the read timeout between chunks.
            Some(LONGEST_TIMER)
        } else {
            req.attempt_timeout().or(inner.request_timeout)
        };
        let mut used_tokens = UsedTokens::new();
        for scheme in alternative {
            let Some(provider) = inner.schemes.get(scheme) else {
                continue;
            };
            let context = AuthContext { operation_id: req.operation_id, scheme, attempt, http: &inner.http };
            let applied = provider
                .apply(&mut request, context)
                .await
                .map_err(|m| Error::Auth(format!("{}: security scheme `{scheme}`: {m}", req.operation_id)))?;
            if let Some(token) = applied.0 {
                used_tokens.push((scheme, token));
            }
        }
        Ok((request, used_tokens))
    }

    /// Sends the request and reads the body within [`ClientBuilder::max_body_size`](super::ClientBuilder::max_body_size)
    /// (a non-2xx body is cut at [`ERROR_BODY_LIMIT`] instead). The outer
    /// error is a 2xx body over the limit, with its status.
    pub(super) async fn send(
        &self,
        request: reqwest::Request,
        info: &CallInfo,
        progress: &Progress,
    ) -> Result<Result<RawResponse, reqwest::Error>, (StatusCode, TooLarge)> {
        let operation = info.operation_id;
        let mut response = match self.inner.http.execute(request).await {
            Ok(response) => response,
            Err(e) => return Ok(Err(e)),
        };
        progress.touch();
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let inner = &*self.inner;
        if leaves_unread(info.streamed_statuses, status) {
            let unread = UnreadBody { response, silence: inner.silence, max_body_size: inner.max_body_size };
            let raw = RawResponse::from_parts(
                status,
                headers,
                Bytes::new(),
                &inner.sensitive_headers,
                operation,
                inner.strict_formats,
            );
            return Ok(Ok(raw.with_unread(Unread::new(unread))));
        }
        let (limit, overflow) = if status.is_success() {
            (inner.max_body_size, Overflow::Fail)
        } else {
            (inner.max_body_size.min(ERROR_BODY_LIMIT), Overflow::Truncate)
        };
        let body = match read_limited(&mut response, limit, overflow, Some(progress)).await {
            Ok(body) => body,
            Err(BodyError::Read(e)) => return Ok(Err(e)),
            Err(BodyError::TooLarge(too_large)) => return Err((status, too_large)),
        };
        let raw = RawResponse::from_parts(
            status,
            headers,
            body.bytes,
            &inner.sensitive_headers,
            operation,
            inner.strict_formats,
        );
        Ok(Ok(raw.with_truncated_body(body.truncated)))
    }

    /// [`Client::send`], with a body over the size limit as the call's error.
    pub(super) async fn send_within_limit(
        &self,
        request: reqwest::Request,
        info: &CallInfo,
        url: &Url,
        progress: &Progress,
    ) -> Result<Result<RawResponse, reqwest::Error>, Error<Infallible>> {
        #[cfg(feature = "mock")]
        if let Some(mock) = &self.inner.mock {
            let answer = mock.answer(request, info).await?;
            let inner = &*self.inner;
            return Ok(
                answer.map(|raw| raw.for_call(info.operation_id, &inner.sensitive_headers, inner.strict_formats))
            );
        }
        self.send(request, info, progress).await.map_err(|(status, too_large)| {
            Error::Transport(TransportError::body_too_large(
                info.operation_id,
                info.attempt,
                status,
                too_large.limit,
                too_large.announced,
                &address_of(url),
            ))
        })
    }

    /// Sends one prepared request of attempt `attempt` through the
    /// [`Middleware`](super::Middleware) chain, if there is one, to
    /// [`Client::send_within_limit`].
    pub(super) async fn send_prepared(
        &self,
        request: reqwest::Request,
        req: &Request,
        url: &Url,
        attempt: u32,
        progress: &Progress,
    ) -> Result<Result<RawResponse, reqwest::Error>, Error<Infallible>> {
        let info = CallInfo {
            operation_id: req.operation_id,
            path_template: req.path_template,
            method: request.method().clone(),
            attempt,
            streamed_statuses: req.streamed_statuses,
        };
        let middleware = &self.inner.middleware;
        if middleware.is_empty() {
            return self.send_within_limit(request, &info, url, progress).await;
        }
        let next = Next { client: self, rest: middleware, info: &info, progress, url };
        match next.run(request).await {
            // A response a middleware made itself decodes like the server's.
            Ok(raw) => Ok(Ok(raw.for_call(req.operation_id, &self.inner.sensitive_headers, self.inner.strict_formats))),
            Err(SendError(SendErrorKind::Transport(e))) => Ok(Err(e)),
            Err(SendError(SendErrorKind::Call(e))) => Err(e),
        }
    }
}
