//! Credentials and their application to requests.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use base64::Engine as _;
use futures::future::{BoxFuture, Shared};
use futures::FutureExt as _;
use reqwest::header::{self, HeaderName, HeaderValue};
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::error::HumanDuration;
use super::params::{encode_component, encode_cookie_value};
use super::provider::{Applied, AuthContext, CredentialProvider};
use super::redact::without_userinfo;
use super::retry::LONGEST_TIMER;

/// Where an API key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApiKeyLocation {
    /// In a request header.
    Header,
    /// In the query string.
    Query,
    /// In a cookie.
    Cookie,
}

/// The credentials for one security scheme of the API.
///
/// Register them with [`ClientBuilder::credentials`](super::ClientBuilder::credentials)
/// under the spec's security scheme name. `Debug` never shows a secret
/// (nor the user name and password of a token URL).
#[derive(Clone)]
pub enum Credentials {
    /// An API key (`type: apiKey`). In a header the value sent is
    /// `"<prefix> <key>"` when a prefix is set (Okta: `SSWS <token>`), else the key.
    ApiKey {
        /// Where the key is sent.
        location: ApiKeyLocation,
        /// The header, query parameter or cookie name.
        name: String,
        /// A prefix sent before the key, separated by a space.
        prefix: Option<String>,
        /// The key.
        key: SecretString,
    },
    /// A bearer token (`type: http, scheme: bearer`): `Authorization: Bearer <token>`.
    Bearer(SecretString),
    /// HTTP basic authentication (`type: http, scheme: basic`).
    Basic {
        /// The user name.
        username: String,
        /// The password.
        password: SecretString,
    },
    /// OAuth 2.0 client credentials grant (`type: oauth2`, `clientCredentials` flow).
    ///
    /// The token is fetched from `token_url` with a form POST, cached by the
    /// client (shared by its clones), refreshed shortly before it expires and
    /// refetched once when the API answers 401 to a cached token. `{name}`
    /// placeholders in `token_url` are replaced by the server variables; a
    /// relative URL is resolved against the base URL.
    OAuth2ClientCredentials {
        /// The token endpoint.
        token_url: String,
        /// The client id.
        client_id: String,
        /// The client secret.
        client_secret: SecretString,
        /// The scopes to request (sent space-separated; omitted when empty).
        scopes: Vec<String>,
    },
    /// Your own [`CredentialProvider`] (see
    /// [`ClientBuilder::credential_provider`](super::ClientBuilder::credential_provider)).
    Provider(Arc<dyn CredentialProvider>),
}

impl Credentials {
    /// An API key; `prefix` is e.g. `Some("SSWS")` for Okta API tokens.
    pub fn api_key(
        location: ApiKeyLocation,
        name: impl Into<String>,
        prefix: Option<&str>,
        key: impl Into<String>,
    ) -> Self {
        Credentials::ApiKey {
            location,
            name: name.into(),
            prefix: prefix.map(str::to_owned),
            key: SecretString::from(key.into()),
        }
    }

    /// A bearer token.
    pub fn bearer(token: impl Into<String>) -> Self {
        Credentials::Bearer(SecretString::from(token.into()))
    }

    /// HTTP basic credentials.
    pub fn basic(username: impl Into<String>, password: impl Into<String>) -> Self {
        Credentials::Basic { username: username.into(), password: SecretString::from(password.into()) }
    }

    /// Your own provider (same as [`ClientBuilder::credential_provider`](super::ClientBuilder::credential_provider)).
    pub fn provider(provider: impl CredentialProvider) -> Self {
        Credentials::Provider(Arc::new(provider))
    }

    /// OAuth 2.0 client credentials.
    pub fn client_credentials(
        token_url: impl Into<String>,
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        scopes: &[&str],
    ) -> Self {
        Credentials::OAuth2ClientCredentials {
            token_url: token_url.into(),
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
        }
    }
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::ApiKey { location, name, prefix, key } => f
                .debug_struct("ApiKey")
                .field("location", location)
                .field("name", name)
                .field("prefix", prefix)
                .field("key", key)
                .finish(),
            Credentials::Bearer(token) => f.debug_tuple("Bearer").field(token).finish(),
            Credentials::Basic { username, password } => {
                f.debug_struct("Basic").field("username", username).field("password", password).finish()
            }
            Credentials::OAuth2ClientCredentials { token_url, client_id, client_secret, scopes } => f
                .debug_struct("OAuth2ClientCredentials")
                .field("token_url", &without_userinfo(token_url))
                .field("client_id", client_id)
                .field("client_secret", client_secret)
                .field("scopes", scopes)
                .finish(),
            Credentials::Provider(provider) => f.debug_tuple("Provider").field(provider).finish(),
        }
    }
}

/// The security schemes that have credentials, by name, in name order. A
/// client has a few: searched in a line, which costs less on every call than
/// hashing the name.
#[derive(Default)]
pub(crate) struct Schemes(Vec<(&'static str, Arc<dyn CredentialProvider>)>);

impl Schemes {
    /// Adds (or replaces) the scheme `name`.
    pub(crate) fn insert(&mut self, name: &'static str, scheme: Arc<dyn CredentialProvider>) {
        match self.0.binary_search_by(|(n, _)| (*n).cmp(name)) {
            Ok(found) => {
                if let Some(entry) = self.0.get_mut(found) {
                    entry.1 = scheme;
                }
            }
            Err(at) => self.0.insert(at, (name, scheme)),
        }
    }

    /// The scheme `name`, if it has credentials.
    pub(crate) fn get(&self, name: &str) -> Option<&dyn CredentialProvider> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, scheme)| &**scheme)
    }

    /// Whether the scheme `name` has credentials.
    pub(crate) fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every scheme with its name, in name order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'static str, &dyn CredentialProvider)> {
        self.0.iter().map(|(name, scheme)| (*name, &**scheme))
    }
}

/// An API key in a header; the value (prefix included) is marked sensitive.
struct HeaderKey {
    name: HeaderName,
    value: HeaderValue,
}

/// An API key in the query string.
struct QueryKey {
    name: String,
    value: SecretString,
}

/// An API key in a cookie, after the request's cookie parameters.
struct CookieKey {
    name: String,
    value: SecretString,
}

/// A complete `Authorization` header value (bearer or basic), marked sensitive.
struct AuthorizationHeader {
    kind: &'static str,
    value: HeaderValue,
}

impl fmt::Debug for HeaderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "api key in header `{}`", self.name)
    }
}

impl fmt::Debug for QueryKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "api key in query `{}`", self.name)
    }
}

impl fmt::Debug for CookieKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "api key in cookie `{}`", self.name)
    }
}

impl fmt::Debug for AuthorizationHeader {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind)
    }
}

impl fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "oauth2 client credentials ({})", without_userinfo(self.endpoint.token_url.as_str()))
    }
}

impl CredentialProvider for HeaderKey {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>> {
        request.headers_mut().insert(self.name.clone(), self.value.clone());
        Box::pin(std::future::ready(Ok(Applied::fixed())))
    }

    fn secret_header(&self) -> Option<&HeaderName> {
        Some(&self.name)
    }
}

impl CredentialProvider for QueryKey {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>> {
        let url = request.url_mut();
        let pair = format!("{}={}", encode_component(&self.name), encode_component(self.value.expose_secret()));
        let query = match url.query() {
            Some(q) if !q.is_empty() => format!("{q}&{pair}"),
            _ => pair,
        };
        url.set_query(Some(&query));
        Box::pin(std::future::ready(Ok(Applied::fixed())))
    }

    fn secret_query_parameter(&self) -> Option<&str> {
        Some(&self.name)
    }
}

impl CredentialProvider for CookieKey {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>> {
        let pair = format!("{}={}", self.name, encode_cookie_value(self.value.expose_secret()));
        let headers = request.headers_mut();
        let cookies = match headers.get(header::COOKIE).and_then(|v| v.to_str().ok()) {
            Some(existing) if !existing.is_empty() => format!("{existing}; {pair}"),
            _ => pair,
        };
        let result = match sensitive_value(&cookies) {
            Ok(value) => {
                headers.insert(header::COOKIE, value);
                Ok(Applied::fixed())
            }
            Err(()) => Err("invalid cookie value".to_owned()),
        };
        Box::pin(std::future::ready(result))
    }
}

impl CredentialProvider for AuthorizationHeader {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>> {
        request.headers_mut().insert(header::AUTHORIZATION, self.value.clone());
        Box::pin(std::future::ready(Ok(Applied::fixed())))
    }
}

impl CredentialProvider for OAuth2 {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        context: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>> {
        Box::pin(async move {
            let token = self.token(context.http).await?;
            let value = sensitive_value(&format!("Bearer {}", token.expose_secret()))
                .map_err(|_| "the access token is not a valid header value".to_owned())?;
            request.headers_mut().insert(header::AUTHORIZATION, value);
            Ok(Applied::refreshable(token))
        })
    }

    fn refresh<'a>(&'a self, used: &'a SecretString, _: AuthContext<'a>) -> BoxFuture<'a, Result<(), String>> {
        // The next `apply` fetches a new token (once, for every caller).
        self.invalidate(used);
        Box::pin(std::future::ready(Ok(())))
    }
}

/// A header value marked sensitive (redacted by `Debug`, kept out of HPACK tables).
pub(crate) fn sensitive_value(text: &str) -> Result<HeaderValue, ()> {
    let mut value = HeaderValue::from_str(text).map_err(|_| ())?;
    value.set_sensitive(true);
    Ok(value)
}

impl Credentials {
    /// The provider for the credentials of `scheme_name`; `token_url` is the
    /// already resolved token endpoint for OAuth 2.0, `token_timeout` bounds
    /// each token request.
    pub(crate) fn into_provider(
        self,
        scheme_name: &str,
        token_url: Option<Url>,
        refresh_margin: Duration,
        token_timeout: Duration,
    ) -> Result<Arc<dyn CredentialProvider>, String> {
        let invalid = |what: &str| format!("security scheme `{scheme_name}`: invalid {what}");
        Ok(match self {
            Credentials::ApiKey { location, name, prefix, key } => {
                let value = match prefix.as_deref() {
                    Some(p) if !p.is_empty() => format!("{p} {}", key.expose_secret()),
                    _ => key.expose_secret().to_owned(),
                };
                let value = SecretString::from(value);
                match location {
                    ApiKeyLocation::Header => Arc::new(HeaderKey {
                        name: HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("header name"))?,
                        value: sensitive_value(value.expose_secret())
                            .map_err(|_| invalid("api key (not a valid header value)"))?,
                    }),
                    ApiKeyLocation::Query => Arc::new(QueryKey { name, value }),
                    ApiKeyLocation::Cookie => Arc::new(CookieKey { name, value }),
                }
            }
            Credentials::Bearer(token) => Arc::new(AuthorizationHeader {
                kind: "bearer token",
                value: sensitive_value(&format!("Bearer {}", token.expose_secret()))
                    .map_err(|_| invalid("bearer token (not a valid header value)"))?,
            }),
            Credentials::Basic { username, password } => {
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{}", password.expose_secret()));
                Arc::new(AuthorizationHeader {
                    kind: "basic",
                    value: sensitive_value(&format!("Basic {encoded}")).map_err(|_| invalid("basic credentials"))?,
                })
            }
            Credentials::OAuth2ClientCredentials { client_id, client_secret, scopes, .. } => Arc::new(OAuth2 {
                endpoint: Arc::new(TokenEndpoint {
                    token_url: token_url.ok_or_else(|| invalid("token URL"))?,
                    client_id,
                    client_secret,
                    scopes,
                    refresh_margin,
                    timeout: token_timeout,
                }),
                state: Mutex::new(TokenState::default()),
            }),
            Credentials::Provider(provider) => provider,
        })
    }
}

/// A fetched access token.
#[derive(Clone)]
struct CachedToken {
    token: SecretString,
    /// When to fetch a new one: before it expires, by the refresh margin.
    /// `None`: no known expiry (kept until the API answers 401).
    refresh_at: Option<Instant>,
}

impl CachedToken {
    fn is_fresh(&self) -> bool {
        self.refresh_at.is_none_or(|at| Instant::now() < at)
    }
}

/// One token request, awaited by every caller that needs a token while it
/// runs: they all get its token, or all the same error.
type SharedFetch = Shared<BoxFuture<'static, Result<CachedToken, String>>>;

/// The token endpoint and what is sent to it.
struct TokenEndpoint {
    token_url: Url,
    client_id: String,
    client_secret: SecretString,
    scopes: Vec<String>,
    refresh_margin: Duration,
    /// Bounds each token request, from connecting to reading the answer.
    timeout: Duration,
}

/// The token cache and the request that refills it.
#[derive(Default)]
struct TokenState {
    cached: Option<CachedToken>,
    in_flight: Option<SharedFetch>,
}

/// OAuth 2.0 client credentials and the shared token cache.
struct OAuth2 {
    endpoint: Arc<TokenEndpoint>,
    /// Locked only to read or replace the state, never across a request: a
    /// caller with a fresh token never waits for a token request.
    state: Mutex<TokenState>,
}

/// The token endpoint's answer (RFC 6749 §5.1). `token_type` is not read:
/// the token is always sent as a bearer token.
#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<serde_json::Value>,
}

impl OAuth2 {
    /// A valid access token: the cached one unless it is due for refresh,
    /// else the one of the token request in flight, else a new request's.
    async fn token(&self, http: &reqwest::Client) -> Result<SecretString, String> {
        let fetch = {
            let mut state = self.lock();
            if let Some(cached) = state.cached.as_ref().filter(|c| c.is_fresh()) {
                return Ok(cached.token.clone());
            }
            match &state.in_flight {
                Some(fetch) => fetch.clone(),
                None => {
                    let fetch = self.start_fetch(http);
                    state.in_flight = Some(fetch.clone());
                    fetch
                }
            }
        };
        let result = fetch.clone().await;
        // The first caller back stores the outcome; a failure is not cached,
        // so the next call (not the ones that waited for this one) asks again.
        let mut state = self.lock();
        if state.in_flight.as_ref().is_some_and(|in_flight| in_flight.ptr_eq(&fetch)) {
            state.in_flight = None;
            if let Ok(fetched) = &result {
                state.cached = Some(fetched.clone());
            }
        }
        result.map(|fetched| fetched.token)
    }

    /// Drops the cached token if it is still `used` (another request may
    /// already have replaced it).
    fn invalidate(&self, used: &SecretString) {
        let mut state = self.lock();
        if state.cached.as_ref().is_some_and(|c| c.token.expose_secret() == used.expose_secret()) {
            state.cached = None;
        }
    }

    /// The state; a panic elsewhere while it was locked leaves it consistent
    /// (every update is one assignment), so poisoning is ignored.
    fn lock(&self) -> MutexGuard<'_, TokenState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A token request, bounded by the token timeout, that runs as long as
    /// any caller awaits it (and resumes with the next one if all left).
    fn start_fetch(&self, http: &reqwest::Client) -> SharedFetch {
        let endpoint = Arc::clone(&self.endpoint);
        let http = http.clone();
        async move {
            // tokio's timers take at most about 30 years; longer is never.
            let bounded = tokio::time::timeout(endpoint.timeout.min(LONGEST_TIMER), endpoint.fetch(&http));
            let fetched = bounded.await.unwrap_or_else(|_| {
                Err(format!(
                    "token request to {} timed out after {}",
                    without_userinfo(endpoint.token_url.as_str()),
                    HumanDuration(endpoint.timeout)
                ))
            });
            fetched.map_err(|m| endpoint.scrub(&m))
        }
        .boxed()
        .shared()
    }
}

impl TokenEndpoint {
    /// Removes the client secret from a message, should a server echo it.
    fn scrub(&self, message: &str) -> String {
        let secret = self.client_secret.expose_secret();
        if secret.is_empty() {
            message.to_owned()
        } else {
            message.replace(secret, "[REDACTED]")
        }
    }

    async fn fetch(&self, http: &reqwest::Client) -> Result<CachedToken, String> {
        let url = without_userinfo(self.token_url.as_str());
        tracing::debug!(token_url = %url, "fetching OAuth 2.0 access token");
        let mut form: Vec<(&str, &str)> = vec![
            ("grant_type", "client_credentials"),
            ("client_id", &self.client_id),
            ("client_secret", self.client_secret.expose_secret()),
        ];
        let scope = self.scopes.join(" ");
        if !scope.is_empty() {
            form.push(("scope", &scope));
        }
        let requested_at = Instant::now();
        let response = http
            .post(self.token_url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| format!("token request to {url} failed: {}", e.without_url()))?;
        // The client secret goes to the configured token URL only: never on a
        // redirect, whose 307/308 would re-send it to wherever it points.
        if *response.url() != self.token_url {
            return Err(format!(
                "token request to {url} was redirected to {} by the HTTP client, re-sending the client secret; \
                 build the reqwest::Client given to ClientBuilder::http_client with redirect::Policy::none()",
                response.url().origin().ascii_serialization()
            ));
        }
        let status = response.status();
        if status.is_redirection() {
            let target = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok());
            let target = match target.and_then(|l| self.token_url.join(l.trim()).ok()) {
                Some(t) => t.origin().ascii_serialization(),
                None => "no valid Location".to_owned(),
            };
            return Err(format!(
                "token endpoint {url} answered HTTP {status}, a redirect to {target}; \
                 not followed: the client secret is sent only to the configured token URL"
            ));
        }
        let body = super::body::read_token_body(response, &url).await?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            let text: String = text.trim().chars().take(300).collect();
            return Err(format!("token endpoint {url} answered HTTP {status}: {text}"));
        }
        // Never include the body here: it holds the token.
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|_| format!("token endpoint {url} answered HTTP {status} without a valid JSON access_token"))?;
        let lifetime = parsed.expires_in.as_ref().and_then(token_lifetime);
        Ok(CachedToken {
            token: SecretString::from(parsed.access_token),
            refresh_at: lifetime.and_then(|lifetime| refresh_time(requested_at, lifetime, self.refresh_margin)),
        })
    }
}

/// The lifetime an `expires_in` gives: non-negative seconds, whole or not,
/// as a number or a string. Anything else (negative, not a number, too large
/// for a `Duration`) is no known lifetime, as if the server had sent none.
fn token_lifetime(expires_in: &serde_json::Value) -> Option<Duration> {
    let from_float = |seconds: f64| Duration::try_from_secs_f64(seconds).ok();
    match expires_in {
        serde_json::Value::Number(n) => n.as_u64().map(Duration::from_secs).or_else(|| n.as_f64().and_then(from_float)),
        serde_json::Value::String(s) => {
            let s = s.trim();
            s.parse::<u64>().ok().map(Duration::from_secs).or_else(|| s.parse::<f64>().ok().and_then(from_float))
        }
        _ => None,
    }
}

/// When to refetch a token requested at `requested_at` that lives
/// `lifetime`: `margin` before it expires, but no earlier than half its
/// lifetime, so that a token shorter-lived than twice the margin is still
/// reused (a 10 s token with a 30 s margin for 5 s) instead of refetched on
/// every call. `None` (no known expiry) when that instant is beyond what the
/// clock represents.
fn refresh_time(requested_at: Instant, lifetime: Duration, margin: Duration) -> Option<Instant> {
    let margin = margin.min(lifetime.checked_div(2).unwrap_or_default());
    requested_at.checked_add(lifetime.saturating_sub(margin))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn lifetimes_from_hostile_expires_in_do_not_panic() {
        assert_eq!(token_lifetime(&json!(3600)), Some(Duration::from_secs(3600)));
        assert_eq!(token_lifetime(&json!("3600")), Some(Duration::from_secs(3600)));
        assert_eq!(token_lifetime(&json!(1.5)), Some(Duration::from_millis(1500)));
        assert_eq!(token_lifetime(&json!(u64::MAX)), Some(Duration::from_secs(u64::MAX)));
        for unknown in [json!(1e300), json!(-5), json!("abc"), json!("-5"), json!(true), json!(null), json!("inf")] {
            assert_eq!(token_lifetime(&unknown), None, "{unknown}");
        }
    }

    #[test]
    fn refresh_margin_shrinks_for_short_lived_tokens() {
        let now = Instant::now();
        let margin = Duration::from_secs(30);
        let at = |lifetime| refresh_time(now, lifetime, margin).map(|at| at.duration_since(now));
        assert_eq!(at(Duration::from_secs(3600)), Some(Duration::from_secs(3570)));
        assert_eq!(at(Duration::from_secs(60)), Some(Duration::from_secs(30)));
        assert_eq!(at(Duration::from_secs(10)), Some(Duration::from_secs(5)));
        assert_eq!(at(Duration::ZERO), Some(Duration::ZERO));
        // Too far to represent: no known expiry.
        assert_eq!(at(Duration::from_secs(u64::MAX)), None);
        assert_eq!(
            refresh_time(now, Duration::from_secs(10), Duration::MAX).map(|at| at.duration_since(now)),
            Some(Duration::from_secs(5))
        );
    }
}
