//! Credentials and their application to requests.

use std::fmt;
use std::time::{Duration, Instant};

use base64::Engine as _;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Url;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

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
/// under the spec's security scheme name. `Debug` never shows a secret.
#[derive(Clone, Debug)]
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

/// A configured security scheme, ready to be applied.
pub(crate) enum Scheme {
    /// An API key in a header; the value (prefix included) is marked sensitive.
    HeaderKey { name: HeaderName, value: HeaderValue },
    /// An API key in the query string.
    QueryKey { name: String, value: SecretString },
    /// An API key in a cookie.
    CookieKey { name: String, value: SecretString },
    /// A complete `Authorization` header value (bearer or basic), marked sensitive.
    Authorization { kind: &'static str, value: HeaderValue },
    /// OAuth 2.0 client credentials with a token cache.
    OAuth2(OAuth2),
}

impl fmt::Debug for Scheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Scheme::HeaderKey { name, .. } => write!(f, "api key in header `{name}`"),
            Scheme::QueryKey { name, .. } => write!(f, "api key in query `{name}`"),
            Scheme::CookieKey { name, .. } => write!(f, "api key in cookie `{name}`"),
            Scheme::Authorization { kind, .. } => write!(f, "{kind}"),
            Scheme::OAuth2(o) => write!(f, "oauth2 client credentials ({})", o.token_url),
        }
    }
}

/// A header value marked sensitive (redacted by `Debug`, kept out of HPACK tables).
pub(crate) fn sensitive_value(text: &str) -> Result<HeaderValue, ()> {
    let mut value = HeaderValue::from_str(text).map_err(|_| ())?;
    value.set_sensitive(true);
    Ok(value)
}

impl Scheme {
    /// Validates the credentials of `scheme_name`; `token_url` is the already
    /// resolved token endpoint for OAuth 2.0.
    pub(crate) fn new(
        scheme_name: &str,
        credentials: Credentials,
        token_url: Option<Url>,
        refresh_margin: Duration,
    ) -> Result<Scheme, String> {
        let invalid = |what: &str| format!("security scheme `{scheme_name}`: invalid {what}");
        Ok(match credentials {
            Credentials::ApiKey { location, name, prefix, key } => {
                let value = match prefix.as_deref() {
                    Some(p) if !p.is_empty() => format!("{p} {}", key.expose_secret()),
                    _ => key.expose_secret().to_owned(),
                };
                let value = SecretString::from(value);
                match location {
                    ApiKeyLocation::Header => Scheme::HeaderKey {
                        name: HeaderName::from_bytes(name.as_bytes()).map_err(|_| invalid("header name"))?,
                        value: sensitive_value(value.expose_secret())
                            .map_err(|_| invalid("api key (not a valid header value)"))?,
                    },
                    ApiKeyLocation::Query => Scheme::QueryKey { name, value },
                    ApiKeyLocation::Cookie => Scheme::CookieKey { name, value },
                }
            }
            Credentials::Bearer(token) => Scheme::Authorization {
                kind: "bearer token",
                value: sensitive_value(&format!("Bearer {}", token.expose_secret()))
                    .map_err(|_| invalid("bearer token (not a valid header value)"))?,
            },
            Credentials::Basic { username, password } => {
                let encoded = base64::engine::general_purpose::STANDARD
                    .encode(format!("{username}:{}", password.expose_secret()));
                Scheme::Authorization {
                    kind: "basic",
                    value: sensitive_value(&format!("Basic {encoded}")).map_err(|_| invalid("basic credentials"))?,
                }
            }
            Credentials::OAuth2ClientCredentials { client_id, client_secret, scopes, .. } => Scheme::OAuth2(OAuth2 {
                token_url: token_url.ok_or_else(|| invalid("token URL"))?,
                client_id,
                client_secret,
                scopes,
                refresh_margin,
                cache: tokio::sync::Mutex::new(None),
            }),
        })
    }
}

/// A cached access token.
struct CachedToken {
    token: SecretString,
    expires_at: Option<Instant>,
}

/// OAuth 2.0 client credentials and the shared token cache.
pub(crate) struct OAuth2 {
    token_url: Url,
    client_id: String,
    client_secret: SecretString,
    scopes: Vec<String>,
    refresh_margin: Duration,
    /// Held while a token is fetched, so concurrent requests fetch only once.
    cache: tokio::sync::Mutex<Option<CachedToken>>,
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
    /// A valid access token: the cached one unless it expires within the
    /// refresh margin, else a freshly fetched one.
    pub(crate) async fn token(&self, http: &reqwest::Client) -> Result<SecretString, String> {
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            let fresh = match cached.expires_at {
                Some(at) => Instant::now() + self.refresh_margin < at,
                None => true,
            };
            if fresh {
                return Ok(cached.token.clone());
            }
        }
        let fetched = self.fetch(http).await;
        let fetched = fetched.map_err(|m| self.scrub(&m))?;
        let token = fetched.token.clone();
        *cache = Some(fetched);
        Ok(token)
    }

    /// Drops the cached token if it is still `used` (another request may
    /// already have replaced it).
    pub(crate) async fn invalidate(&self, used: &SecretString) {
        let mut cache = self.cache.lock().await;
        if cache.as_ref().is_some_and(|c| c.token.expose_secret() == used.expose_secret()) {
            *cache = None;
        }
    }

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
        let url = &self.token_url;
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
            .post(url.clone())
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| format!("token request to {url} failed: {}", e.without_url()))?;
        // The client secret goes to the configured token URL only: never on a
        // redirect, whose 307/308 would re-send it to wherever it points.
        if response.url() != url {
            return Err(format!(
                "token request to {url} was redirected to {} by the HTTP client, re-sending the client secret; \
                 build the reqwest::Client given to ClientBuilder::http_client with redirect::Policy::none()",
                response.url().origin().ascii_serialization()
            ));
        }
        let status = response.status();
        if status.is_redirection() {
            let target = response.headers().get(reqwest::header::LOCATION).and_then(|v| v.to_str().ok());
            let target = match target.and_then(|l| url.join(l.trim()).ok()) {
                Some(t) => t.origin().ascii_serialization(),
                None => "no valid Location".to_owned(),
            };
            return Err(format!(
                "token endpoint {url} answered HTTP {status}, a redirect to {target}; \
                 not followed: the client secret is sent only to the configured token URL"
            ));
        }
        let body = response.bytes().await.map_err(|e| format!("token request to {url} failed: {}", e.without_url()))?;
        if !status.is_success() {
            let text = String::from_utf8_lossy(&body);
            let text: String = text.trim().chars().take(300).collect();
            return Err(format!("token endpoint {url} answered HTTP {status}: {text}"));
        }
        // Never include the body here: it holds the token.
        let parsed: TokenResponse = serde_json::from_slice(&body)
            .map_err(|_| format!("token endpoint {url} answered HTTP {status} without a valid JSON access_token"))?;
        let expires_in = parsed.expires_in.as_ref().and_then(|v| match v {
            serde_json::Value::Number(n) => n.as_u64(),
            serde_json::Value::String(s) => s.trim().parse().ok(),
            _ => None,
        });
        Ok(CachedToken {
            token: SecretString::from(parsed.access_token),
            expires_at: expires_in.map(|s| requested_at + Duration::from_secs(s)),
        })
    }
}
