//! The client: configuration, authentication, retries and tracing.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
use reqwest::{StatusCode, Url};
use secrecy::{ExposeSecret, SecretString};
use tracing::Instrument as _;

use super::auth::{sensitive_value, Credentials, Scheme};
use super::body::{read_limited, BodyError, Overflow, TooLarge, DEFAULT_MAX_BODY_SIZE, ERROR_BODY_LIMIT};
use super::error::{Error, TransportError};
use super::origin::{check_server_variable, require_https};
use super::params::{encode_component, encode_cookie_value};
use super::redact::without_userinfo;
use super::redirect::RedirectPolicy;
use super::request::{multipart_form, Body, Request};
use super::response::{RawResponse, Response};
use super::retry::{is_idempotent, server_delay, RetryPolicy, LONGEST_TIMER};

/// Default connect timeout of the client's own `reqwest::Client`.
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// Default read timeout (between two reads) of the client's own `reqwest::Client`.
const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// Default time before expiry at which a cached OAuth 2.0 token is refreshed.
const DEFAULT_TOKEN_REFRESH_MARGIN: Duration = Duration::from_secs(30);
/// Default total time of a call ([`ClientBuilder::deadline`]): long enough
/// for any API call with its retries, short enough that a server sending a
/// byte a minute cannot hold a call forever.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(5 * 60);
/// Default of [`ClientBuilder::max_pages`].
const DEFAULT_MAX_PAGES: u64 = 10_000;
/// Default bound on one OAuth 2.0 token request, from connecting to reading the answer.
const DEFAULT_TOKEN_TIMEOUT: Duration = Duration::from_secs(30);

/// A server URL from the spec with `{name}` variables and their default values,
/// e.g. `https://{yourOktaDomain}` with `("yourOktaDomain", "subdomain.okta.com")`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerTemplate {
    /// The URL template.
    pub url: &'static str,
    /// The variables and their default values.
    pub variables: &'static [(&'static str, &'static str)],
}

/// Configures a [`Client`].
///
/// Generated crates start from their spec's first server:
///
/// ```ignore
/// let client = ClientBuilder::new(SERVER)
///     .server_variable("yourOktaDomain", "example.okta.com")
///     .credentials("apiToken", Credentials::api_key(ApiKeyLocation::Header, "Authorization", Some("SSWS"), token))
///     .build()?;
/// ```
pub struct ClientBuilder {
    server: ServerTemplate,
    base_url: Option<String>,
    variables: Vec<(String, String)>,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    strict_formats: bool,
    connect_timeout: Option<Duration>,
    user_agent: Option<String>,
    default_user_agent: Option<&'static str>,
    http_client: Option<reqwest::Client>,
    retry_policy: RetryPolicy,
    credentials: Vec<(&'static str, Credentials)>,
    token_refresh_margin: Duration,
    max_body_size: usize,
    max_pages: u64,
    token_timeout: Duration,
    redirects: RedirectPolicy,
    allow_insecure_http: bool,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credentials' Debug redacts secrets; a caller's reqwest client (whose
        // proxy settings may hold credentials) is only noted.
        f.debug_struct("ClientBuilder")
            .field("server", &self.server)
            .field("base_url", &self.base_url.as_deref().map(without_userinfo))
            .field("variables", &self.variables)
            .field("timeout", &self.timeout)
            .field("deadline", &self.deadline)
            .field("strict_formats", &self.strict_formats)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("default_user_agent", &self.default_user_agent)
            .field("custom_http_client", &self.http_client.is_some())
            .field("retry_policy", &self.retry_policy)
            .field("credentials", &self.credentials)
            .field("token_refresh_margin", &self.token_refresh_margin)
            .field("max_body_size", &self.max_body_size)
            .field("max_pages", &self.max_pages)
            .field("token_timeout", &self.token_timeout)
            .field("redirects", &self.redirects)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl ClientBuilder {
    /// A builder for the API served at `server` (variables at their defaults).
    pub fn new(server: ServerTemplate) -> Self {
        ClientBuilder {
            server,
            base_url: None,
            variables: Vec::new(),
            timeout: None,
            deadline: Some(DEFAULT_DEADLINE),
            strict_formats: false,
            connect_timeout: None,
            user_agent: None,
            default_user_agent: None,
            http_client: None,
            retry_policy: RetryPolicy::default(),
            credentials: Vec::new(),
            token_refresh_margin: DEFAULT_TOKEN_REFRESH_MARGIN,
            max_body_size: DEFAULT_MAX_BODY_SIZE,
            max_pages: DEFAULT_MAX_PAGES,
            token_timeout: DEFAULT_TOKEN_TIMEOUT,
            redirects: RedirectPolicy::default(),
            allow_insecure_http: false,
        }
    }

    /// Uses `url` as the base URL instead of the server template (a trailing
    /// `/` is removed). Server variables still fill OAuth 2.0 token URLs.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Sets a server variable of the template (checked by [`ClientBuilder::build`]:
    /// a variable in the host part of the URL takes only a host name, with a
    /// `:port` when it is the whole host part; one in the path takes one path
    /// segment, so that no value can send the client to another host).
    pub fn server_variable(mut self, name: &str, value: impl Into<String>) -> Self {
        self.variables.retain(|(n, _)| n != name);
        self.variables.push((name.to_owned(), value.into()));
        self
    }

    /// Total timeout of each attempt, from connecting until the body is read.
    /// Default: none (a 60 s read timeout and a 10 s connect timeout apply,
    /// and the whole call is bounded by [`ClientBuilder::deadline`]).
    /// With [`ClientBuilder::http_client`] it is applied to each request.
    ///
    /// A call may make several attempts (see [`RetryPolicy`]), so it can take
    /// longer than this; [`ClientBuilder::deadline`] bounds the whole call.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Total time allowed for each call, across all its attempts and the
    /// waits between them, OAuth 2.0 token requests and reading the body
    /// included (default: 5 minutes, so that a server sending a byte now and
    /// then cannot hold a call forever). When it passes, the call ends
    /// with [`Error::Transport`] saying so and how many attempts were made
    /// ([`TransportError::is_deadline`]); a retry whose wait would end after
    /// it is not made (the last response, or error, is returned instead).
    /// Each page of a stream is a call of its own.
    ///
    /// `Duration::MAX` turns it off. For one call only, wrap it in
    /// `tokio::time::timeout`.
    pub fn deadline(mut self, d: Duration) -> Self {
        self.deadline = Some(d);
        self
    }

    /// The largest response body read, in bytes (default 64 MiB). A 2xx
    /// response with a longer body fails with [`Error::Transport`] naming
    /// the operation and the limit ([`TransportError::is_body_too_large`]),
    /// without reading past the limit (or at all, when its `Content-Length`
    /// says so), and is not retried. The body of any other status is kept up
    /// to 64 KiB (or this limit if smaller) and the rest is not read: the
    /// call still ends with [`Error::Api`], its body marked
    /// [truncated](super::ApiError::is_body_truncated).
    pub fn max_body_size(mut self, bytes: usize) -> Self {
        self.max_body_size = bytes;
        self
    }

    /// The most pages a stream ([`Client::paginate`]) fetches (default
    /// 10 000; at least 1). Past it the stream yields
    /// [`Error::InvalidRequest`] naming the operation and the limit, after the
    /// items of the last page fetched. With [`ClientBuilder::max_body_size`]
    /// it bounds what `collect_all` can hold: `max_pages` × `max_body_size`.
    pub fn max_pages(mut self, pages: u64) -> Self {
        self.max_pages = pages;
        self
    }

    /// Whether a formatted string (`date-time`, `date`, `uuid`) that does not
    /// parse fails the whole response with [`Error::Decode`] naming the
    /// field (`true`), or is kept as received in a
    /// [`Lenient::Raw`](super::Lenient::Raw) with a logged warning (`false`,
    /// the default).
    pub fn strict_formats(mut self, strict: bool) -> Self {
        self.strict_formats = strict;
        self
    }

    /// Connect timeout (default 10 s). Not applicable together with
    /// [`ClientBuilder::http_client`]: configure that client instead.
    pub fn connect_timeout(mut self, d: Duration) -> Self {
        self.connect_timeout = Some(d);
        self
    }

    /// Sets the `User-Agent` header; takes precedence over the default one.
    pub fn user_agent(mut self, ua: impl Into<String>) -> Self {
        self.user_agent = Some(ua.into());
        self
    }

    /// The generated crate's default `User-Agent` (e.g. `okta-client/1.2.0`),
    /// used unless [`ClientBuilder::user_agent`] is set. Not applied to a
    /// caller-provided [`ClientBuilder::http_client`], which keeps its own.
    pub fn default_user_agent(mut self, ua: &'static str) -> Self {
        self.default_user_agent = Some(ua);
        self
    }

    /// Uses the caller's own `reqwest::Client` (its connect and read timeouts,
    /// proxy, TLS settings and user agent then apply).
    ///
    /// It also follows redirects by its own policy, before the runtime sees
    /// them; reqwest's default follows them to any host, taking custom
    /// headers (API keys) and 307/308 bodies (OAuth 2.0 client secrets) along.
    /// Build it with `.redirect(reqwest::redirect::Policy::none())` so that
    /// [`ClientBuilder::redirects`] decides, as it does for the client the
    /// builder makes.
    pub fn http_client(mut self, c: reqwest::Client) -> Self {
        self.http_client = Some(c);
        self
    }

    /// Sets the retry policy (default: [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, p: RetryPolicy) -> Self {
        self.retry_policy = p;
        self
    }

    /// Registers credentials for the security scheme named `scheme` in the spec
    /// (`components.securitySchemes`). Replaces earlier credentials for it.
    pub fn credentials(mut self, scheme: &'static str, c: Credentials) -> Self {
        self.credentials.retain(|(n, _)| *n != scheme);
        self.credentials.push((scheme, c));
        self
    }

    /// How long before expiry a cached OAuth 2.0 token is refreshed (default
    /// 30 s). A token that lives less than twice the margin is refreshed
    /// halfway through its lifetime instead (a 10 s token after 5 s), so
    /// that short-lived tokens are still reused.
    pub fn token_refresh_margin(mut self, d: Duration) -> Self {
        self.token_refresh_margin = d;
        self
    }

    /// Bounds each OAuth 2.0 token request, from connecting to reading the
    /// answer (default 30 s). Calls that wait for a token request share it:
    /// when it fails or times out, they all fail with [`Error::Auth`].
    pub fn token_timeout(mut self, d: Duration) -> Self {
        self.token_timeout = d;
        self
    }

    /// Which redirects calls follow (default [`RedirectPolicy::same_origin`]:
    /// within the API's origin, credentials included; a redirect to another
    /// origin fails the call with an error naming it). OAuth 2.0 token
    /// requests never follow a redirect, whatever the policy.
    pub fn redirects(mut self, policy: RedirectPolicy) -> Self {
        self.redirects = policy;
        self
    }

    /// Accepts a plain `http` base URL or token URL on another machine while
    /// credentials are configured: they then travel unencrypted. Without it
    /// [`ClientBuilder::build`] refuses such a URL; `http` to `localhost`,
    /// `127.0.0.0/8` and `::1` is always accepted.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Builds the client; fails with [`Error::Config`] on an invalid base URL,
    /// an unknown or ill-formed server variable, invalid credentials, plain
    /// `http` carrying credentials to another machine (see
    /// [`ClientBuilder::allow_insecure_http`]) or timeouts that cannot be
    /// applied.
    pub fn build(self) -> Result<Client, Error> {
        Client::from_builder(self)
    }
}

/// Shared state of a [`Client`] and its clones.
struct Inner {
    http: reqwest::Client,
    /// The base URL without trailing `/`.
    base_url: String,
    /// The parsed base URL (for origin checks).
    base: Url,
    user_agent: Option<HeaderValue>,
    /// Per-request timeout (only with a caller-provided reqwest client).
    request_timeout: Option<Duration>,
    /// The per-attempt timeout, however it is applied (for error messages).
    attempt_timeout: Option<Duration>,
    /// Total time per call, across attempts.
    deadline: Option<Duration>,
    strict_formats: bool,
    retry_policy: RetryPolicy,
    schemes: HashMap<&'static str, Scheme>,
    /// Response headers whose values are redacted (API key headers).
    sensitive_headers: Vec<HeaderName>,
    /// [`ClientBuilder::max_body_size`].
    max_body_size: usize,
    /// [`ClientBuilder::max_pages`].
    max_pages: u64,
    redirects: RedirectPolicy,
}

/// A client for one API; cheap to clone (clones share connections and cached tokens).
///
/// `Debug` never shows credentials (nor the user name and password of a base URL).
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut schemes: Vec<_> = self.inner.schemes.iter().collect();
        schemes.sort_by_key(|(name, _)| **name);
        f.debug_struct("Client")
            .field("base_url", &without_userinfo(&self.inner.base_url))
            .field("schemes", &schemes)
            .field("retry_policy", &self.inner.retry_policy)
            .finish_non_exhaustive()
    }
}

/// Replaces `{name}` placeholders; fails on a placeholder left unfilled.
/// With a base URL that replaces the server template, a token URL on the
/// template's host moves to the base URL's host: the client secret goes where
/// the API calls go, never to the spec's default host behind the caller's back.
fn follow_base_origin(token_url: &str, template: &str, base: &Url) -> String {
    // `scheme://authority`, up to the path.
    let origin_of = |url: &str| -> Option<usize> {
        let (scheme, rest) = url.split_once("://")?;
        let authority = rest.find('/').unwrap_or(rest.len());
        scheme.len().checked_add("://".len())?.checked_add(authority)
    };
    let Some(template_origin) = origin_of(template).and_then(|end| template.get(..end)) else {
        return token_url.to_owned();
    };
    match token_url.strip_prefix(template_origin) {
        Some(rest) if rest.is_empty() || rest.starts_with('/') => {
            format!("{}{rest}", base.origin().ascii_serialization())
        }
        _ => token_url.to_owned(),
    }
}

fn substitute(template: &str, variables: &[(&str, &str)]) -> Result<String, String> {
    let mut out = template.to_owned();
    for (name, value) in variables {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    match (out.find('{'), out.find('}')) {
        (Some(start), Some(end)) if start < end => {
            let name = out.get(start.saturating_add(1)..end).unwrap_or_default();
            Err(format!("no value for server variable `{name}` in `{}`", without_userinfo(template)))
        }
        _ => Ok(out),
    }
}

/// Whether two URLs share scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme() && a.host_str() == b.host_str() && a.port_or_known_default() == b.port_or_known_default()
}

/// `host:port` of `url`, for error messages.
fn address_of(url: &Url) -> String {
    match (url.host_str(), url.port_or_known_default()) {
        (Some(host), Some(port)) => format!("{host}:{port}"),
        (Some(host), None) => host.to_owned(),
        _ => String::new(),
    }
}

/// What one attempt authenticated with: the OAuth 2.0 tokens it used.
pub(super) type UsedTokens = Vec<(&'static str, SecretString)>;

impl Client {
    /// Builds a client from `b` (same as [`ClientBuilder::build`]).
    pub fn from_builder(b: ClientBuilder) -> Result<Client, Error> {
        let config = |m: String| Error::Config(m);

        // Server variables: defaults, overridden by the caller's values.
        let mut variables: Vec<(&str, &str)> = b.server.variables.to_vec();
        for (name, value) in &b.variables {
            match variables.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => {
                    check_server_variable(b.server.url, name, value, slot.1).map_err(config)?;
                    slot.1 = value;
                }
                None => {
                    let known: Vec<&str> = b.server.variables.iter().map(|(n, _)| *n).collect();
                    return Err(config(format!(
                        "unknown server variable `{name}` (known: {})",
                        if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                    )));
                }
            }
        }

        let base_url = match &b.base_url {
            Some(url) => url.clone(),
            None => substitute(b.server.url, &variables).map_err(config)?,
        };
        let base_url = base_url.trim().trim_end_matches('/').to_owned();
        let shown = without_userinfo(&base_url);
        let base = Url::parse(&base_url).map_err(|e| config(format!("invalid base URL `{shown}`: {e}")))?;
        if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
            return Err(config(format!("invalid base URL `{shown}`: expected an http(s) URL with a host")));
        }
        if base.query().is_some() || base.fragment().is_some() {
            return Err(config(format!("invalid base URL `{shown}`: it must not have a query or fragment")));
        }

        if !b.credentials.is_empty() {
            require_https(&base, "the base URL", b.allow_insecure_http).map_err(config)?;
        }

        let mut schemes = HashMap::new();
        let mut sensitive_headers = Vec::new();
        for (name, credentials) in b.credentials {
            let token_url = match &credentials {
                Credentials::OAuth2ClientCredentials { token_url, .. } => {
                    let token_url = match &b.base_url {
                        Some(_) => follow_base_origin(token_url, b.server.url, &base),
                        None => token_url.clone(),
                    };
                    for (variable, value) in &b.variables {
                        let default = b.server.variables.iter().find(|(n, _)| n == variable).map_or("", |(_, d)| *d);
                        check_server_variable(&token_url, variable, value, default)
                            .map_err(|m| config(format!("security scheme `{name}`: token URL: {m}")))?;
                    }
                    let url = substitute(&token_url, &variables)
                        .map_err(|m| config(format!("security scheme `{name}`: {m}")))?;
                    let resolved = match Url::parse(&url) {
                        Ok(absolute) => absolute,
                        Err(_) => Url::parse(&format!("{base_url}/"))
                            .and_then(|b| b.join(&url))
                            .map_err(|e| config(format!("security scheme `{name}`: invalid token URL: {e}")))?,
                    };
                    // Also catches an https token URL moved to a plain http base URL.
                    require_https(
                        &resolved,
                        &format!("security scheme `{name}`: the token URL"),
                        b.allow_insecure_http,
                    )
                    .map_err(config)?;
                    Some(resolved)
                }
                _ => None,
            };
            let scheme =
                Scheme::new(name, credentials, token_url, b.token_refresh_margin, b.token_timeout).map_err(config)?;
            if let Scheme::HeaderKey { name, .. } = &scheme {
                sensitive_headers.push(name.clone());
            }
            schemes.insert(name, scheme);
        }

        if b.max_pages == 0 {
            return Err(config("max_pages must be at least 1".to_owned()));
        }

        let own_client = b.http_client.is_none();
        let http = match b.http_client {
            Some(c) => {
                if b.connect_timeout.is_some() {
                    return Err(config(
                        "connect_timeout cannot be applied to a caller-provided reqwest::Client; \
                         configure it on that client"
                            .to_owned(),
                    ));
                }
                c
            }
            None => {
                let mut builder = reqwest::Client::builder()
                    .connect_timeout(b.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                    .read_timeout(DEFAULT_READ_TIMEOUT)
                    // The runtime follows redirects itself (see `redirect.rs`).
                    .redirect(reqwest::redirect::Policy::none())
                    .referer(false);
                if let Some(t) = b.timeout {
                    builder = builder.timeout(t);
                }
                builder.build().map_err(|e| config(format!("cannot build the HTTP client: {}", e.without_url())))?
            }
        };

        let user_agent = match (&b.user_agent, b.default_user_agent) {
            (Some(ua), _) => Some(ua.as_str()),
            (None, Some(ua)) if own_client => Some(ua),
            _ => None,
        };
        let user_agent = user_agent
            .map(|ua| HeaderValue::from_str(ua).map_err(|_| config(format!("invalid user agent `{ua}`"))))
            .transpose()?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base,
                user_agent,
                request_timeout: if own_client { None } else { b.timeout },
                attempt_timeout: b.timeout,
                deadline: b.deadline,
                strict_formats: b.strict_formats,
                retry_policy: b.retry_policy,
                schemes,
                sensitive_headers,
                max_body_size: b.max_body_size,
                max_pages: b.max_pages,
                redirects: b.redirects,
            }),
        })
    }

    /// [`ClientBuilder::max_pages`].
    pub(crate) fn max_pages(&self) -> u64 {
        self.inner.max_pages
    }

    /// The base URL (without trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The underlying `reqwest::Client`.
    pub fn http_client(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The parsed base URL.
    pub(crate) fn base(&self) -> &Url {
        &self.inner.base
    }

    /// [`ClientBuilder::redirects`].
    pub(super) fn redirect_policy(&self) -> RedirectPolicy {
        self.inner.redirects
    }

    /// The query parameters that carry API keys.
    pub(super) fn query_key_names(&self) -> Vec<&str> {
        let keys = self.inner.schemes.values().filter_map(|s| match s {
            Scheme::QueryKey { name, .. } => Some(name.as_str()),
            _ => None,
        });
        keys.collect()
    }

    /// Sends one operation request and returns the raw response for any status.
    ///
    /// Resolves base URL, path and query; applies the credentials of the first
    /// security alternative of the request whose schemes all have credentials
    /// configured; retries according to the [`RetryPolicy`]; records an
    /// `http.request` span (method, path template, operation id, status,
    /// attempt, duration) that never contains secrets, query strings or header
    /// values. Turning the status into a typed result is the caller's job.
    pub async fn execute<E>(&self, req: Request) -> Result<RawResponse, Error<E>> {
        self.dispatch(req).await.map_err(Error::widen)
    }

    /// [`Client::execute`] without a typed error body: the one path every
    /// call takes. It is neither generic nor an `async fn` of its callers, so
    /// the compiler type-checks, proves `Send` for and compiles its deep
    /// future (reqwest, hyper, tracing) once, not once per operation.
    pub(crate) fn dispatch(&self, req: Request) -> BoxFuture<'_, Result<RawResponse, Error<Infallible>>> {
        Box::pin(async move {
            let span = tracing::info_span!(
                "http.request",
                method = %req.method,
                path = req.path_template,
                operation_id = req.operation_id,
                status = tracing::field::Empty,
                attempt = tracing::field::Empty,
                duration_ms = tracing::field::Empty,
            );
            let started = Instant::now();
            let result = self.run(&req, &span).instrument(span.clone()).await;
            let duration_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            span.record("duration_ms", duration_ms);
            match &result {
                Ok(raw) => {
                    span.record("status", raw.status().as_u16());
                }
                Err(e) => {
                    if let Some(status) = e.status() {
                        span.record("status", status.as_u16());
                    }
                }
            }
            result
        })
    }

    /// The first security alternative whose schemes all have credentials.
    fn select_alternative(&self, security: &'static [&'static [&'static str]]) -> &'static [&'static str] {
        let chosen = security.iter().find(|alt| alt.iter().all(|s| self.inner.schemes.contains_key(s)));
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

    /// Builds one attempt: URL with query credentials, headers, cookies, body.
    pub(super) async fn prepare(
        &self,
        req: &Request,
        url: &Url,
        alternative: &[&'static str],
    ) -> Result<(reqwest::RequestBuilder, UsedTokens), Error<Infallible>> {
        let inner = &*self.inner;
        let mut url = url.clone();
        let mut headers = HeaderMap::new();
        for (name, value) in &req.headers {
            headers.append(name.clone(), value.clone());
        }
        if !req.accept.is_empty() {
            let accept = HeaderValue::from_str(&req.accept.join(", "))
                .map_err(|_| Error::invalid_request(req.operation_id, "invalid Accept media type"))?;
            headers.insert(header::ACCEPT, accept);
        }
        if let Some(ua) = &inner.user_agent {
            headers.insert(header::USER_AGENT, ua.clone());
        }
        let mut cookies = req.cookies.clone();
        let mut used_tokens = UsedTokens::new();

        for scheme_name in alternative {
            let Some(scheme) = inner.schemes.get(scheme_name) else {
                continue;
            };
            match scheme {
                Scheme::HeaderKey { name, value } => {
                    headers.insert(name.clone(), value.clone());
                }
                Scheme::QueryKey { name, value } => {
                    let pair = format!("{}={}", encode_component(name), encode_component(value.expose_secret()));
                    let query = match url.query() {
                        Some(q) if !q.is_empty() => format!("{q}&{pair}"),
                        _ => pair,
                    };
                    url.set_query(Some(&query));
                }
                Scheme::CookieKey { name, value } => {
                    cookies.push(format!("{name}={}", encode_cookie_value(value.expose_secret())));
                }
                Scheme::Authorization { value, .. } => {
                    headers.insert(header::AUTHORIZATION, value.clone());
                }
                Scheme::OAuth2(oauth) => {
                    let token = oauth.token(&inner.http).await.map_err(|m| {
                        Error::Auth(format!("{}: security scheme `{scheme_name}`: {m}", req.operation_id))
                    })?;
                    let value = sensitive_value(&format!("Bearer {}", token.expose_secret())).map_err(|_| {
                        Error::Auth(format!(
                            "{}: security scheme `{scheme_name}`: the access token is not a valid header value",
                            req.operation_id
                        ))
                    })?;
                    headers.insert(header::AUTHORIZATION, value);
                    used_tokens.push((scheme_name, token));
                }
            }
        }
        if !cookies.is_empty() {
            let value = sensitive_value(&cookies.join("; "))
                .map_err(|_| Error::invalid_request(req.operation_id, "invalid cookie value"))?;
            headers.insert(header::COOKIE, value);
        }

        let mut builder = inner.http.request(req.method.clone(), url);
        match &req.body {
            Body::Empty => {}
            Body::Bytes { data, content_type } => {
                let content_type = HeaderValue::from_str(content_type).map_err(|_| {
                    Error::invalid_request(req.operation_id, format!("invalid content type `{content_type}`"))
                })?;
                headers.insert(header::CONTENT_TYPE, content_type);
                builder = builder.body(data.clone());
            }
            Body::Multipart(parts) => {
                builder =
                    builder.multipart(multipart_form(parts).map_err(|m| Error::invalid_request(req.operation_id, m))?);
            }
        }
        builder = builder.headers(headers);
        if let Some(t) = inner.request_timeout {
            builder = builder.timeout(t);
        }
        Ok((builder, used_tokens))
    }

    /// Sends the request and reads the body within [`ClientBuilder::max_body_size`]
    /// (a non-2xx body is cut at [`ERROR_BODY_LIMIT`] instead). The outer
    /// error is a 2xx body over the limit, with its status.
    async fn send(
        &self,
        builder: reqwest::RequestBuilder,
        operation: &'static str,
    ) -> Result<Result<RawResponse, reqwest::Error>, (StatusCode, TooLarge)> {
        let mut response = match builder.send().await {
            Ok(response) => response,
            Err(e) => return Ok(Err(e)),
        };
        let status = response.status();
        let headers = std::mem::take(response.headers_mut());
        let inner = &*self.inner;
        let (limit, overflow) = if status.is_success() {
            (inner.max_body_size, Overflow::Fail)
        } else {
            (inner.max_body_size.min(ERROR_BODY_LIMIT), Overflow::Truncate)
        };
        let body = match read_limited(&mut response, limit, overflow).await {
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

    /// One attempt (number `attempt`): credentials, then the request and the
    /// redirects it may follow. The outer error is one that retrying cannot
    /// fix (credentials, an invalid request, a refused redirect, a body over
    /// the size limit).
    async fn attempt(
        &self,
        req: &Request,
        url: &Url,
        alternative: &[&'static str],
        attempt: u32,
    ) -> Result<(Result<RawResponse, reqwest::Error>, UsedTokens), Error<Infallible>> {
        self.send_following_redirects(req, url, alternative, attempt).await
    }

    /// [`Client::send`], with a body over the size limit as the call's error.
    pub(super) async fn send_within_limit(
        &self,
        builder: reqwest::RequestBuilder,
        req: &Request,
        url: &Url,
        attempt: u32,
    ) -> Result<Result<RawResponse, reqwest::Error>, Error<Infallible>> {
        self.send(builder, req.operation_id).await.map_err(|(status, too_large)| {
            Error::Transport(TransportError::body_too_large(
                req.operation_id,
                attempt,
                status,
                too_large.limit,
                too_large.announced,
                &address_of(url),
            ))
        })
    }

    /// The error of a call that failed in transport, or ran out of time.
    fn transport_error(
        &self,
        req: &Request,
        url: &Url,
        source: Option<reqwest::Error>,
        attempts: u32,
        deadline: Option<Duration>,
    ) -> Error<Infallible> {
        Error::Transport(TransportError::new(
            req.operation_id,
            source,
            attempts,
            self.inner.attempt_timeout,
            deadline,
            &address_of(url),
        ))
    }

    /// The attempt loop of [`Client::dispatch`].
    async fn run(&self, req: &Request, span: &tracing::Span) -> Result<RawResponse, Error<Infallible>> {
        if let Some(message) = &req.error {
            return Err(Error::invalid_request(req.operation_id, message));
        }
        let url = req.url(&self.inner.base_url).map_err(|m| Error::invalid_request(req.operation_id, m))?;
        let alternative = self.select_alternative(req.security);
        let policy = &self.inner.retry_policy;
        // A deadline too far to represent (or to give tokio's timers) is no deadline.
        let deadline = self.inner.deadline.filter(|d| *d <= LONGEST_TIMER);
        let deadline = deadline.and_then(|d| tokio::time::Instant::now().checked_add(d).map(|at| (d, at)));
        // Whether a wait of `delay` would end after the deadline (one too long to represent would).
        let no_time_for = |delay: Duration| {
            deadline.is_some_and(|(_, at)| tokio::time::Instant::now().checked_add(delay).is_none_or(|end| end >= at))
        };
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
            let outcome = match deadline {
                None => self.attempt(req, &url, alternative, attempt).await?,
                Some((limit, at)) => {
                    match tokio::time::timeout_at(at, self.attempt(req, &url, alternative, attempt)).await {
                        Ok(outcome) => outcome?,
                        Err(_) => return Err(self.transport_error(req, &url, last_error, attempt, Some(limit))),
                    }
                }
            };
            match outcome {
                (Ok(raw), used_tokens) => {
                    let status = raw.status();
                    if status == StatusCode::UNAUTHORIZED && !used_tokens.is_empty() && !reauthenticated {
                        // The cached token may have been revoked: fetch a new one, once.
                        reauthenticated = true;
                        for (scheme_name, token) in &used_tokens {
                            if let Some(Scheme::OAuth2(oauth)) = self.inner.schemes.get(scheme_name) {
                                oauth.invalidate(token).await;
                            }
                        }
                        tracing::debug!(attempt, "401 with a cached access token; refetching the token");
                        continue;
                    }
                    let retryable =
                        status == StatusCode::TOO_MANY_REQUESTS || status == StatusCode::SERVICE_UNAVAILABLE;
                    if !retryable || retries >= policy.retries() {
                        return Ok(raw);
                    }
                    let delay = match server_delay(raw.headers()) {
                        Some(d) if d > policy.max_server_wait() => {
                            tracing::debug!(
                                attempt,
                                status = status.as_u16(),
                                requested_delay_ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX),
                                "server asked to wait longer than max_retry_after; not retrying"
                            );
                            return Ok(raw);
                        }
                        Some(d) => d,
                        None => backoff.get_or_insert_with(|| policy.backoff()).next_delay(),
                    };
                    if no_time_for(delay) {
                        tracing::debug!(
                            attempt,
                            status = status.as_u16(),
                            "no time left before the deadline; not retrying"
                        );
                        return Ok(raw);
                    }
                    retries = retries.saturating_add(1);
                    tracing::debug!(
                        attempt,
                        status = status.as_u16(),
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "retrying request"
                    );
                    tokio::time::sleep(delay).await;
                }
                (Err(err), _) => {
                    let retryable = err.is_connect() || is_idempotent(&req.method);
                    if !retryable || retries >= policy.retries() {
                        return Err(self.transport_error(req, &url, Some(err), attempt, None));
                    }
                    let delay = backoff.get_or_insert_with(|| policy.backoff()).next_delay();
                    if let Some((limit, _)) = deadline.filter(|_| no_time_for(delay)) {
                        return Err(self.transport_error(req, &url, Some(err), attempt, Some(limit)));
                    }
                    retries = retries.saturating_add(1);
                    let err = err.without_url();
                    tracing::debug!(
                        attempt,
                        error = %err,
                        delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                        "retrying request after transport error"
                    );
                    last_error = Some(err);
                    tokio::time::sleep(delay).await;
                }
            }
        }
    }
}

/// Sends `request` with `client` and decodes the response with `decode`: what
/// an operation's `send()` does. Generic over the result types only, never
/// over an operation, so operations sharing a success and an error type share
/// one copy, and the future is boxed here, where its `Send` is proven once.
///
/// A `request` that could not be built (`Err`) is returned as it is.
pub fn send<'a, T, E>(
    client: &'a Client,
    request: Result<Request, Error<E>>,
    decode: fn(RawResponse) -> Result<T, Error<E>>,
) -> BoxFuture<'a, Result<T, Error<E>>>
where
    T: Send + 'a,
    E: Send + 'a,
{
    call(client, request, decode)
}

/// [`send`], keeping the response's status and headers beside the decoded
/// body: what an operation's `send_with_headers()` does.
pub fn send_with_headers<'a, T, E>(
    client: &'a Client,
    request: Result<Request, Error<E>>,
    decode: fn(RawResponse) -> Result<T, Error<E>>,
) -> BoxFuture<'a, Result<Response<T>, Error<E>>>
where
    T: Send + 'a,
    E: Send + 'a,
{
    call(client, request, move |response: RawResponse| response.decode_with_headers(decode))
}

/// What [`send`] and [`send_with_headers`] share: execute, then decode.
fn call<'a, U, E, D>(
    client: &'a Client,
    request: Result<Request, Error<E>>,
    decode: D,
) -> BoxFuture<'a, Result<U, Error<E>>>
where
    U: Send + 'a,
    E: Send + 'a,
    D: FnOnce(RawResponse) -> Result<U, Error<E>> + Send + 'a,
{
    Box::pin(async move {
        let response = client.dispatch(request?).await.map_err(Error::widen)?;
        decode(response)
    })
}
