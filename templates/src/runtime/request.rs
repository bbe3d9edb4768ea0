//! The description of one operation call, built by generated code.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::{Method, Url};

use super::error::Error;
use super::options::{new_idempotency_key, CallOptions, CallSettings};
use super::params::{encode_component, encode_cookie_value, ParamValue, QueryObjectStyle};
use super::upload::UploadBody;

/// One query-string pair, kept both as plain text (for pagination, which needs
/// to read and rewrite offsets) and in its final encoded form.
#[derive(Clone)]
pub(crate) struct QueryPair {
    /// The parameter name as given by the caller (e.g. `limit`, `filter`).
    pub(crate) name: String,
    /// The plain value for scalar parameters; `None` for arrays and objects.
    pub(crate) value: Option<String>,
    /// The encoded `key=value` text (possibly several pairs joined by `&`).
    pub(crate) encoded: String,
}

/// The body of a request.
#[derive(Clone)]
pub(crate) enum Body {
    /// No body.
    Empty,
    /// A fully serialized body with its media type.
    Bytes { data: Bytes, content_type: String },
    /// A multipart/form-data body, rebuilt for every attempt (a path part
    /// reopened, a stream part taken by the first).
    Multipart(Vec<MultipartPart>),
    /// A binary body that may be a file or a stream, with its media type.
    Upload { data: UploadBody, content_type: String },
}

impl Body {
    /// Whether every attempt can send the body again (a stream or a file
    /// handle is consumed by the first).
    pub(crate) fn is_replayable(&self) -> bool {
        match self {
            Body::Upload { data, .. } => data.is_replayable(),
            Body::Multipart(parts) => parts.iter().all(|part| part.data.is_replayable()),
            _ => true,
        }
    }
}

/// One part of a `multipart/form-data` body.
///
/// Its content is an [`UploadBody`]: bytes, or a file or a stream sent as it
/// is read (the part's length is sent when known). A path
/// ([`MultipartPart::path`]) is opened again for each attempt; a file handle
/// or a stream is sent once, so a call with one is never retried and a
/// 307/308 redirect that would send it again fails (see [`UploadBody`]).
#[derive(Clone)]
pub struct MultipartPart {
    /// The form field name.
    pub name: String,
    /// The content of the part.
    pub data: UploadBody,
    /// The file name sent in the part's `Content-Disposition`, if any.
    pub file_name: Option<String>,
    /// The part's media type, if any (e.g. `image/png`).
    pub content_type: Option<String>,
}

impl MultipartPart {
    /// A plain text field.
    pub fn text(name: impl Into<String>, value: impl Into<String>) -> Self {
        MultipartPart::upload(name, UploadBody::bytes(value.into()))
    }

    /// A binary field in memory (a file upload when a file name is set with [`MultipartPart::file_name`]).
    pub fn bytes(name: impl Into<String>, data: impl Into<Bytes>) -> Self {
        MultipartPart::upload(name, UploadBody::bytes(data))
    }

    /// A binary field from an [`UploadBody`]: bytes, a file
    /// ([`UploadBody::path`], [`UploadBody::file`]) or a stream
    /// ([`UploadBody::stream`]), sent as it is read.
    pub fn upload(name: impl Into<String>, data: impl Into<UploadBody>) -> Self {
        MultipartPart { name: name.into(), data: data.into(), file_name: None, content_type: None }
    }

    /// A file upload from the file at `path`, opened when the request is
    /// sent (and again for each retry), read as it is sent, with its size as
    /// the part's length; the file's name (its last component, not the
    /// folders) is the part's file name unless [`MultipartPart::file_name`]
    /// sets another.
    pub fn path(name: impl Into<String>, path: impl Into<PathBuf>) -> Self {
        let path = path.into();
        let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned());
        MultipartPart { file_name, ..MultipartPart::upload(name, UploadBody::path(path)) }
    }

    /// Sets the file name of the part.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the media type of the part.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl fmt::Debug for MultipartPart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The content may be anything (including secrets): `UploadBody`
        // shows only its size, path or kind.
        f.debug_struct("MultipartPart")
            .field("name", &self.name)
            .field("data", &self.data)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// One operation call: method, path, parameters, body and security requirements.
///
/// Generated code creates it with [`Request::new`], adds parameters and a body,
/// and passes it to [`Client::execute`](super::Client::execute). Parameter
/// methods never fail: the first problem (an invalid header value, a `..`
/// path segment, ...) is remembered and reported by `execute` as
/// [`Error::InvalidRequest`]. Body methods that serialize return it at once.
#[derive(Clone)]
pub struct Request {
    pub(crate) method: Method,
    pub(crate) path_template: &'static str,
    pub(crate) operation_id: &'static str,
    pub(crate) path: String,
    pub(crate) query: Vec<QueryPair>,
    pub(crate) headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) cookies: Vec<String>,
    pub(crate) accept: Vec<&'static str>,
    pub(crate) body: Body,
    pub(crate) security: &'static [&'static [&'static str]],
    /// Set by pagination: the absolute URL of the next page (path and query included).
    pub(crate) absolute_url: Option<Url>,
    pub(crate) error: Option<String>,
    /// [`CallOptions`] and the spec's idempotency key header (none: the client's settings).
    pub(crate) settings: Option<Box<CallSettings>>,
    /// The statuses (inclusive ranges) whose body is left unread for a
    /// [`Download`](super::Download); empty: every body is read.
    pub(crate) streamed_statuses: &'static [(u16, u16)],
}

impl fmt::Debug for Request {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Parameter values may be credentials: show names only.
        let query: Vec<&str> = self.query.iter().map(|q| q.name.as_str()).collect();
        let headers: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("path", &self.path_template)
            .field("operation_id", &self.operation_id)
            .field("query", &query)
            .field("headers", &headers)
            .field("security", &self.security)
            .finish_non_exhaustive()
    }
}

impl Request {
    /// A request for `method` on `path_template` (e.g. `/api/v1/users/{userId}`),
    /// relative to the client's base URL.
    pub fn new(method: Method, path_template: &'static str, operation_id: &'static str) -> Self {
        Request {
            method,
            path_template,
            operation_id,
            path: path_template.to_owned(),
            query: Vec::new(),
            headers: Vec::new(),
            cookies: Vec::new(),
            accept: Vec::new(),
            body: Body::Empty,
            security: &[],
            absolute_url: None,
            error: None,
            settings: None,
            streamed_statuses: &[],
        }
    }

    /// The operation id this request was built for.
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    fn fail(&mut self, message: String) {
        if self.error.is_none() {
            self.error = Some(message);
        }
    }

    /// Replaces `{name}` in the path with the percent-encoded value (everything
    /// that is not an unreserved character is encoded, including `/`).
    pub fn path_param(&mut self, name: &str, value: &dyn ParamValue) {
        let value = value.to_param();
        if value.is_empty() || value == "." || value == ".." {
            // An empty or dot segment would address a different resource.
            self.fail(format!("path parameter `{name}` must not be empty, `.` or `..`"));
            return;
        }
        let Some(mut at) = find_placeholder(&self.path, name, 0) else {
            self.fail(format!("path `{}` has no parameter `{name}`", self.path_template));
            return;
        };
        let encoded = encode_component(&value);
        // Every occurrence; the encoded value has no `{` to be found again.
        loop {
            let next = at.start.saturating_add(encoded.len());
            self.path.replace_range(at, &encoded);
            match find_placeholder(&self.path, name, next) {
                Some(found) => at = found,
                None => break,
            }
        }
    }

    fn push_query(&mut self, name: &str, value: Option<String>, encoded: String) {
        self.query.push(QueryPair { name: name.to_owned(), value, encoded });
    }

    /// Adds a scalar query parameter (`name=value`).
    pub fn query(&mut self, name: &str, value: &dyn ParamValue) {
        let value = value.to_param();
        let encoded = format!("{}={}", encode_component(name), encode_component(&value));
        self.push_query(name, Some(value), encoded);
    }

    /// Adds an array query parameter in form style: `name=a&name=b` when
    /// `explode`, `name=a,b` otherwise. An empty array adds nothing.
    pub fn query_array(&mut self, name: &str, values: &[&dyn ParamValue], explode: bool) {
        if values.is_empty() {
            return;
        }
        let key = encode_component(name);
        let encoded = if explode {
            values.iter().map(|v| format!("{key}={}", encode_component(&v.to_param()))).collect::<Vec<_>>().join("&")
        } else {
            let joined =
                values.iter().map(|v| encode_component(&v.to_param()).into_owned()).collect::<Vec<_>>().join(",");
            format!("{key}={joined}")
        };
        self.push_query(name, None, encoded);
    }

    /// Adds an object query parameter; see [`QueryObjectStyle`]. `null` members
    /// are omitted; a non-object value is sent as a scalar `name=value`.
    pub fn query_object(&mut self, name: &str, value: &serde_json::Value, style: QueryObjectStyle) {
        let serde_json::Value::Object(map) = value else {
            if !value.is_null() {
                self.query(name, value);
            }
            return;
        };
        let mut pairs: Vec<String> = Vec::new();
        match style {
            QueryObjectStyle::DeepObject => deep_object_pairs(name, value, &mut pairs),
            QueryObjectStyle::Form { explode: true } => {
                for (k, v) in map {
                    push_form_member(k, v, &mut pairs);
                }
            }
            QueryObjectStyle::Form { explode: false } => {
                let joined = map
                    .iter()
                    .filter(|(_, v)| !v.is_null())
                    .flat_map(|(k, v)| [encode_component(k).into_owned(), encode_component(&v.to_param()).into_owned()])
                    .collect::<Vec<_>>()
                    .join(",");
                if !joined.is_empty() {
                    pairs.push(format!("{}={joined}", encode_component(name)));
                }
            }
        }
        if !pairs.is_empty() {
            self.push_query(name, None, pairs.join("&"));
        }
    }

    /// Adds a header parameter. Values that are not valid header values make
    /// the request fail with `Error::InvalidRequest`.
    pub fn header(&mut self, name: &'static str, value: &dyn ParamValue) {
        let header_name = match HeaderName::from_bytes(name.as_bytes()) {
            Ok(n) => n,
            Err(_) => return self.fail(format!("invalid header name `{name}`")),
        };
        match HeaderValue::from_str(&value.to_param()) {
            Ok(v) => self.headers.push((header_name, v)),
            // Never echo the value: header parameters may be credentials.
            Err(_) => self.fail(format!("invalid value for header `{name}`")),
        }
    }

    /// Applies the caller's [`CallOptions`]: its headers replace header
    /// parameters of the same names; its timeout, deadline, retry policy and
    /// idempotency key override the client's for this call.
    pub fn call_options(&mut self, options: &CallOptions) {
        let Some(given) = &options.0 else { return };
        if let Some(message) = &given.error {
            self.fail(message.clone());
        }
        for (name, value) in &given.headers {
            self.headers.retain(|(existing, _)| existing != name);
            self.headers.push((name.clone(), value.clone()));
        }
        let settings = self.settings.get_or_insert_with(Box::default);
        settings.timeout = given.timeout.or(settings.timeout);
        settings.deadline = given.deadline.or(settings.deadline);
        settings.retry_policy = given.retry_policy.clone().or_else(|| settings.retry_policy.take());
        settings.idempotency_key = given.idempotency_key.clone().or_else(|| settings.idempotency_key.take());
        // The spec's header wins over the default one.
        if settings.idempotency_header.is_none() {
            settings.idempotency_header = given.idempotency_header.clone();
        }
    }

    /// Names the header parameter that carries the operation's idempotency
    /// key (`Idempotency-Key` in the spec): when the caller does not set it,
    /// the call sends a key generated for it, the same on every attempt.
    pub fn idempotency_header(&mut self, name: &'static str) {
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => self.settings.get_or_insert_with(Box::default).idempotency_header = Some(name),
            Err(_) => self.fail(format!("invalid header name `{name}`")),
        }
    }

    /// Sends the call's idempotency key, if it has one, as a header of
    /// every attempt (a header parameter the caller set is the key); whether
    /// it has one.
    pub(crate) fn apply_idempotency_key(&mut self) -> bool {
        let Some(settings) = &mut self.settings else { return false };
        let Some(header) = settings.idempotency_header.clone() else { return false };
        if !self.headers.iter().any(|(name, _)| *name == header) {
            let mut key = settings.idempotency_key.take().unwrap_or_else(new_idempotency_key);
            key.set_sensitive(false);
            self.headers.push((header, key));
        }
        true
    }

    /// The call's per-attempt timeout, if [`CallOptions::timeout`] set one.
    pub(crate) fn attempt_timeout(&self) -> Option<Duration> {
        self.settings.as_ref().and_then(|s| s.timeout)
    }

    /// Adds a cookie parameter (sent in the `Cookie` header).
    pub fn cookie(&mut self, name: &str, value: &dyn ParamValue) {
        self.cookies.push(format!("{name}={}", encode_cookie_value(&value.to_param())));
    }

    /// Sets a JSON body (`application/json`).
    ///
    /// Fails with [`Error::InvalidRequest`] when the value does not serialize
    /// (e.g. a map with non-string keys). Generic over `E` so that generated
    /// code can `?` it into the operation's `Error<E>`.
    pub fn json_body<B: serde::Serialize + ?Sized, E>(&mut self, body: &B) -> Result<(), Error<E>> {
        self.json_body_as(body, "application/json")
    }

    /// Sets a JSON body sent as `content_type`: for a body whose spec gives
    /// its schema under a vendor media type that does not say `+json`
    /// (`application/vnd.example`).
    ///
    /// Fails like [`Request::json_body`].
    pub fn json_body_as<B: serde::Serialize + ?Sized, E>(
        &mut self,
        body: &B,
        content_type: &str,
    ) -> Result<(), Error<E>> {
        let data = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_request(self.operation_id, format!("body does not serialize to JSON: {e}")))?;
        self.body = Body::Bytes { data: Bytes::from(data), content_type: content_type.to_owned() };
        Ok(())
    }

    /// Sets an `application/x-www-form-urlencoded` body from a struct or map:
    /// scalars as `k=v`, arrays as repeated keys, nested objects as JSON text,
    /// `null` members omitted.
    ///
    /// Fails with [`Error::InvalidRequest`] when the value does not serialize
    /// to an object.
    pub fn form_body<B: serde::Serialize + ?Sized, E>(&mut self, body: &B) -> Result<(), Error<E>> {
        let value = serde_json::to_value(body)
            .map_err(|e| Error::invalid_request(self.operation_id, format!("body does not serialize: {e}")))?;
        let serde_json::Value::Object(map) = value else {
            return Err(Error::invalid_request(self.operation_id, "a form body must serialize to an object"));
        };
        let mut pairs = Vec::new();
        for (k, v) in &map {
            push_form_member(k, v, &mut pairs);
        }
        self.body = Body::Bytes {
            data: Bytes::from(pairs.join("&")),
            content_type: "application/x-www-form-urlencoded".to_owned(),
        };
        Ok(())
    }

    /// Sets a `multipart/form-data` body. The form is rebuilt for every attempt.
    pub fn multipart_body(&mut self, parts: Vec<MultipartPart>) {
        self.body = Body::Multipart(parts);
    }

    /// Sets a raw body with the given media type.
    pub fn binary_body(&mut self, data: Bytes, content_type: &str) {
        self.body = Body::Bytes { data, content_type: content_type.to_owned() };
    }

    /// Sets a binary body that may be a file or a stream ([`UploadBody`]),
    /// sent as it is read, with the given media type.
    pub fn upload_body(&mut self, data: UploadBody, content_type: &str) {
        self.body = Body::Upload { data, content_type: content_type.to_owned() };
    }

    /// Leaves a 2xx response's body unread, for the operation's `decode` to
    /// take as a [`Download`](super::Download) ([`RawResponse::download`](super::RawResponse::download)):
    /// the body is then read as it arrives, bounded by the read timeout
    /// between chunks rather than by the attempt timeout or the deadline.
    pub fn stream_response(&mut self) {
        self.streamed_statuses = &[(200, 299)];
    }

    /// [`Request::stream_response`] for these 2xx statuses only (inclusive
    /// ranges), for an operation whose other successes are read whole (a
    /// `200` download beside a `202` JSON body, say). Those are then bounded
    /// by the read timeout and the deadline as they are read, not by the
    /// attempt timeout.
    pub fn stream_response_on(&mut self, statuses: &'static [(u16, u16)]) {
        self.streamed_statuses = statuses;
    }

    /// Sets the operation's security requirement: a list of alternatives, each
    /// a list of security scheme names that must all be applied. The client uses
    /// the first alternative whose schemes all have credentials configured. An
    /// empty list (the default) means no authentication.
    pub fn security(&mut self, alternatives: &'static [&'static [&'static str]]) {
        self.security = alternatives;
    }

    /// Adds a media type to the `Accept` header.
    pub fn accept(&mut self, media_type: &'static str) {
        if !self.accept.contains(&media_type) {
            self.accept.push(media_type);
        }
    }

    /// The plain value of a scalar query parameter, if set.
    pub(crate) fn query_value(&self, name: &str) -> Option<&str> {
        self.query.iter().rev().find(|q| q.name == name).and_then(|q| q.value.as_deref())
    }

    /// Replaces every occurrence of the query parameter `name` with `name=value`.
    pub(crate) fn set_query(&mut self, name: &str, value: &dyn ParamValue) {
        self.query.retain(|q| q.name != name);
        self.query(name, value);
    }

    /// The full URL of the request (without authentication parameters).
    /// The URL of the request on `base` (the client's base URL, parsed
    /// once): its path and query set on a copy of it, which costs a fraction
    /// of parsing the whole URL again (its host above all).
    pub(crate) fn url(&self, base: &Url) -> Result<Url, String> {
        if let Some(url) = &self.absolute_url {
            return Ok(url.clone());
        }
        if let Some(start) = self.path.find('{') {
            let placeholder = self.path.get(start..).unwrap_or_default();
            let placeholder = placeholder.find('}').and_then(|e| placeholder.get(..=e)).unwrap_or(placeholder);
            return Err(format!("missing path parameter `{placeholder}`"));
        }
        let prefix = base.path().trim_end_matches('/');
        let mut url = base.clone();
        if prefix.is_empty() && self.path.starts_with('/') {
            url.set_path(&self.path);
        } else {
            let mut path = String::with_capacity(prefix.len().saturating_add(self.path.len()).saturating_add(1));
            path.push_str(prefix);
            if !self.path.starts_with('/') {
                path.push('/');
            }
            path.push_str(&self.path);
            url.set_path(&path);
        }
        if !self.query.is_empty() {
            let mut query = String::new();
            for pair in &self.query {
                if !query.is_empty() {
                    query.push('&');
                }
                query.push_str(&pair.encoded);
            }
            url.set_query(Some(&query));
        }
        Ok(url)
    }
}

/// Whether a response of `status` is left unread, `statuses` being a
/// request's [`Request::stream_response_on`] (only 2xx ever are).
pub(crate) fn leaves_unread(statuses: &[(u16, u16)], status: reqwest::StatusCode) -> bool {
    let code = status.as_u16();
    status.is_success() && statuses.iter().any(|(low, high)| (*low..=*high).contains(&code))
}

/// Where `{name}` is in `path`, searching from byte `from` on.
fn find_placeholder(path: &str, name: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let rest = path.get(from..)?;
    rest.match_indices('{').find_map(|(offset, _)| {
        let start = from.checked_add(offset)?;
        let after = path.get(start.checked_add(1)?..)?.strip_prefix(name)?.strip_prefix('}')?;
        Some(start..path.len().saturating_sub(after.len()))
    })
}

fn deep_object_pairs(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                deep_object_pairs(&format!("{prefix}[{k}]"), v, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                deep_object_pairs(prefix, item, out);
            }
        }
        scalar => out.push(format!("{}={}", encode_component(prefix), encode_component(&scalar.to_param()))),
    }
}

/// `k=v` pairs for one member of a form-style object: arrays repeat the key,
/// `null` is omitted, nested objects are sent as JSON text.
fn push_form_member(key: &str, value: &serde_json::Value, out: &mut Vec<String>) {
    let key_enc = encode_component(key);
    match value {
        serde_json::Value::Null => {}
        serde_json::Value::Array(items) => {
            for item in items.iter().filter(|i| !i.is_null()) {
                out.push(format!("{key_enc}={}", encode_component(&item.to_param())));
            }
        }
        other => out.push(format!("{key_enc}={}", encode_component(&other.to_param()))),
    }
}

/// Builds the multipart form for one attempt, each part sent as it is read
/// (a path part opened now). Errors as [`UploadBody::for_attempt`]'s: a
/// file that cannot be opened (`Err(Ok(io))`), or a sentence (`Err(Err(..))`):
/// a stream part already sent, a bad media type.
pub(crate) async fn multipart_form(
    parts: &[MultipartPart],
) -> Result<reqwest::multipart::Form, Result<std::io::Error, String>> {
    let mut form = reqwest::multipart::Form::new();
    for part in parts {
        let attempt = part
            .data
            .for_attempt()
            .await
            .map_err(|e| e.map_err(|message| format!("multipart part `{}`: {message}", part.name)))?;
        // With every part's length known, reqwest sends the form's
        // `Content-Length`; one stream part makes the form chunked.
        let mut p = match attempt.length {
            Some(length) => reqwest::multipart::Part::stream_with_length(attempt.body, length),
            None => reqwest::multipart::Part::stream(attempt.body),
        };
        if let Some(file_name) = &part.file_name {
            p = p.file_name(file_name.clone());
        }
        if let Some(content_type) = &part.content_type {
            p = p
                .mime_str(content_type)
                .map_err(|_| Err(format!("invalid media type `{content_type}` for part `{}`", part.name)))?;
        }
        form = form.part(part.name.clone(), p);
    }
    Ok(form)
}
