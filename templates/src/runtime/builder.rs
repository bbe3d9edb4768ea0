//! Building and validating a client: server variables, the base URL, the
//! `https` checks, credentials and the `reqwest::Client`.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Url;

use super::auth::{Credentials, Schemes};
use super::body::DEFAULT_MAX_BODY_SIZE;
use super::client::{Client, Inner};
use super::error::Error;
use super::middleware::Middleware;
use super::origin::{check_server_variable, follow_base_origin, require_https, substitute};
use super::provider::CredentialProvider;
use super::redact::without_userinfo;
use super::redirect::RedirectPolicy;
use super::retry::{RetryPolicy, LONGEST_TIMER};

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
    read_timeout: Duration,
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
    middleware: Vec<Arc<dyn Middleware>>,
    #[cfg(feature = "mock")]
    mock: Option<super::mock::MockServer>,
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
            .field("read_timeout", &self.read_timeout)
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
            .field("middleware", &self.middleware.len())
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
            read_timeout: DEFAULT_READ_TIMEOUT,
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
            middleware: Vec::new(),
            #[cfg(feature = "mock")]
            mock: None,
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
    /// Default: none (a 60 s [read timeout](ClientBuilder::read_timeout) and a 10 s connect timeout apply,
    /// and the whole call is bounded by [`ClientBuilder::deadline`]).
    /// With [`ClientBuilder::http_client`] it is applied to each request.
    ///
    /// A call may make several attempts (see [`RetryPolicy`]), so it can take
    /// longer than this; [`ClientBuilder::deadline`] bounds the whole call.
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// The longest the server may stay silent within an attempt (default
    /// 60 s): from sending the request to the response headers, and between
    /// two chunks of the body. The attempt then fails with [`Error::Transport`]
    /// ([`TransportError::is_timeout`](super::TransportError::is_timeout)) and,
    /// like any transport error, is retried when the method is idempotent.
    /// Applies to a [caller's `reqwest::Client`](ClientBuilder::http_client)
    /// too; `Duration::MAX` turns it off.
    pub fn read_timeout(mut self, d: Duration) -> Self {
        self.read_timeout = d;
        self
    }

    /// Total time allowed for each call, across all its attempts and the
    /// waits between them, OAuth 2.0 token requests and reading the body
    /// included (default: 5 minutes, so that a server sending a byte now and
    /// then cannot hold a call forever). When it passes, the call ends
    /// with [`Error::Transport`] saying so and how many attempts were made
    /// ([`TransportError::is_deadline`](super::TransportError::is_deadline)); a retry whose wait would end after
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
    /// the operation and the limit ([`TransportError::is_body_too_large`](super::TransportError::is_body_too_large)),
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
    /// [`Lenient`](super::Lenient) (its [`raw`](super::Lenient::raw) text) with a logged warning (`false`,
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

    /// Authenticates the security scheme named `scheme` in the spec with your
    /// own [`CredentialProvider`] (a token from a secret store, a refreshed
    /// token, a signature over the whole request), in place of the built-in
    /// credentials; replaces earlier credentials for it. Operations whose
    /// security names the scheme call it for every request sent; `https` is
    /// required as for any credentials ([`ClientBuilder::allow_insecure_http`]).
    pub fn credential_provider(self, scheme: &'static str, provider: impl CredentialProvider) -> Self {
        self.credentials(scheme, Credentials::provider(provider))
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

    /// Adds `middleware` around every request the client sends (see
    /// [`Middleware`]). Middleware run in the order they are added: the first
    /// added is the outermost (it sees each request first and its response
    /// last), the last added is next to the network. Each runs inside the
    /// retry loop, after credentials are applied, once per request sent.
    pub fn middleware(mut self, middleware: impl Middleware) -> Self {
        self.middleware.push(Arc::new(middleware));
        self
    }

    /// Answers every request from `server` (a test double; feature `mock`)
    /// instead of the network: the base URL becomes
    /// [`MOCK_BASE_URL`](super::MOCK_BASE_URL) unless one is set after
    /// this, and the last step of the send path, after credentials and
    /// middleware, goes to `server`, so no socket is opened.
    #[cfg(feature = "mock")]
    pub fn mock(mut self, server: &super::mock::MockServer) -> Self {
        self.mock = Some(server.clone());
        self.base_url = Some(super::mock::MOCK_BASE_URL.to_owned());
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

impl Client {
    /// Builds a client from `b` (same as [`ClientBuilder::build`]).
    ///
    /// The phases, in the order their errors are reported: server variables,
    /// the base URL, `https` for credentials, the security schemes, the page
    /// limit, the `reqwest::Client`, the user agent.
    pub fn from_builder(mut b: ClientBuilder) -> Result<Client, Error> {
        let credentials = std::mem::take(&mut b.credentials);
        let caller_client = b.http_client.take();
        let variables = server_variables(&b)?;
        let (base_url, base) = parse_base_url(&b, &variables)?;
        if !credentials.is_empty() {
            require_https(&base, "the base URL", b.allow_insecure_http).map_err(Error::Config)?;
        }
        let (schemes, sensitive_headers) = security_schemes(&b, credentials, &variables, (&base_url, &base))?;
        if b.max_pages == 0 {
            return Err(Error::Config("max_pages must be at least 1".to_owned()));
        }
        let own_client = caller_client.is_none();
        let http = http_client(&b, caller_client)?;
        let user_agent = user_agent(&b, own_client)?;

        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base_url,
                base,
                user_agent,
                request_timeout: if own_client { None } else { b.timeout },
                attempt_timeout: b.timeout,
                deadline: b.deadline,
                silence: Some(b.read_timeout).filter(|d| *d <= LONGEST_TIMER),
                strict_formats: b.strict_formats,
                retry_policy: b.retry_policy,
                schemes,
                sensitive_headers,
                max_body_size: b.max_body_size,
                max_pages: b.max_pages,
                redirects: b.redirects,
                middleware: b.middleware,
                #[cfg(feature = "mock")]
                mock: b.mock,
            }),
        })
    }
}

/// The server variables: the template's defaults, overridden by the caller's
/// values, each checked (no value may move the client to another host).
fn server_variables(b: &ClientBuilder) -> Result<Vec<(&str, &str)>, Error> {
    let mut variables: Vec<(&str, &str)> = b.server.variables.to_vec();
    for (name, value) in &b.variables {
        match variables.iter_mut().find(|(n, _)| n == name) {
            Some(slot) => {
                check_server_variable(b.server.url, name, value, slot.1).map_err(Error::Config)?;
                slot.1 = value;
            }
            None => {
                let known: Vec<&str> = b.server.variables.iter().map(|(n, _)| *n).collect();
                return Err(Error::Config(format!(
                    "unknown server variable `{name}` (known: {})",
                    if known.is_empty() { "none".to_owned() } else { known.join(", ") }
                )));
            }
        }
    }
    Ok(variables)
}

/// The base URL (without trailing `/`) and its parse: the caller's, or the
/// template filled with `variables`; an http(s) URL with a host, no query and
/// no fragment.
fn parse_base_url(b: &ClientBuilder, variables: &[(&str, &str)]) -> Result<(String, Url), Error> {
    let base_url = match &b.base_url {
        Some(url) => url.clone(),
        None => substitute(b.server.url, variables).map_err(Error::Config)?,
    };
    let base_url = base_url.trim().trim_end_matches('/').to_owned();
    let shown = without_userinfo(&base_url);
    let invalid = |why: String| Error::Config(format!("invalid base URL `{shown}`: {why}"));
    let base = Url::parse(&base_url).map_err(|e| invalid(e.to_string()))?;
    if !matches!(base.scheme(), "http" | "https") || base.host_str().is_none() {
        return Err(invalid("expected an http(s) URL with a host".to_owned()));
    }
    if base.query().is_some() || base.fragment().is_some() {
        return Err(invalid("it must not have a query or fragment".to_owned()));
    }
    Ok((base_url, base))
}

/// The security schemes of `credentials`, and the headers that carry API keys
/// (redacted in responses).
fn security_schemes(
    b: &ClientBuilder,
    credentials: Vec<(&'static str, Credentials)>,
    variables: &[(&str, &str)],
    base: (&str, &Url),
) -> Result<(Schemes, Vec<HeaderName>), Error> {
    let mut schemes = Schemes::default();
    let mut sensitive_headers = Vec::new();
    for (name, credentials) in credentials {
        let token_url = match &credentials {
            Credentials::OAuth2ClientCredentials { token_url, .. } => {
                Some(resolve_token_url(b, name, token_url, variables, base)?)
            }
            _ => None,
        };
        let scheme = credentials
            .into_provider(name, token_url, b.token_refresh_margin, b.token_timeout)
            .map_err(Error::Config)?;
        if let Some(header) = scheme.secret_header() {
            sensitive_headers.push(header.clone());
        }
        schemes.insert(name, scheme);
    }
    Ok((schemes, sensitive_headers))
}

/// The token URL of OAuth 2.0 scheme `name`: moved to the base URL's origin
/// when it replaces the template's, server variables checked and filled,
/// resolved against the base URL when relative, and `https` unless allowed.
fn resolve_token_url(
    b: &ClientBuilder,
    name: &str,
    token_url: &str,
    variables: &[(&str, &str)],
    (base_url, base): (&str, &Url),
) -> Result<Url, Error> {
    let config = |m: String| Error::Config(format!("security scheme `{name}`: {m}"));
    let token_url = match &b.base_url {
        Some(_) => follow_base_origin(token_url, b.server.url, base),
        None => token_url.to_owned(),
    };
    for (variable, value) in &b.variables {
        let default = b.server.variables.iter().find(|(n, _)| n == variable).map_or("", |(_, d)| *d);
        check_server_variable(&token_url, variable, value, default).map_err(|m| config(format!("token URL: {m}")))?;
    }
    let url = substitute(&token_url, variables).map_err(config)?;
    let resolved = match Url::parse(&url) {
        Ok(absolute) => absolute,
        Err(_) => Url::parse(&format!("{base_url}/"))
            .and_then(|b| b.join(&url))
            .map_err(|e| config(format!("invalid token URL: {e}")))?,
    };
    // Also catches an https token URL moved to a plain http base URL.
    require_https(&resolved, &format!("security scheme `{name}`: the token URL"), b.allow_insecure_http)
        .map_err(Error::Config)?;
    Ok(resolved)
}

/// The caller's `reqwest::Client` (no connect timeout can be applied to it),
/// or one of the runtime's own: timeouts set, no redirects followed (the
/// runtime follows them itself, see `redirect.rs`), no `Referer`.
fn http_client(b: &ClientBuilder, caller_client: Option<reqwest::Client>) -> Result<reqwest::Client, Error> {
    if let Some(client) = caller_client {
        if b.connect_timeout.is_some() {
            return Err(Error::Config(
                "connect_timeout cannot be applied to a caller-provided reqwest::Client; configure it on that client"
                    .to_owned(),
            ));
        }
        return Ok(client);
    }
    let mut builder = reqwest::Client::builder()
        .connect_timeout(b.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
        .redirect(reqwest::redirect::Policy::none())
        .referer(false);
    if let Some(t) = b.timeout {
        builder = builder.timeout(t);
    }
    builder.build().map_err(|e| Error::Config(format!("cannot build the HTTP client: {}", e.without_url())))
}

/// The `User-Agent`: the caller's, else the crate's default on the runtime's
/// own `reqwest::Client` (a caller's client keeps its own).
fn user_agent(b: &ClientBuilder, own_client: bool) -> Result<Option<HeaderValue>, Error> {
    let user_agent = match (&b.user_agent, b.default_user_agent) {
        (Some(ua), _) => Some(ua.as_str()),
        (None, Some(ua)) if own_client => Some(ua),
        _ => None,
    };
    user_agent
        .map(|ua| HeaderValue::from_str(ua).map_err(|_| Error::Config(format!("invalid user agent `{ua}`"))))
        .transpose()
}
