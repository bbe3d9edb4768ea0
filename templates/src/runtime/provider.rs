//! Credential providers: how a security scheme's credentials get onto a
//! request. The built-in schemes (API keys, bearer, basic, OAuth 2.0 client
//! credentials, in `auth.rs`) are providers like the ones users write.

use std::fmt;

use futures::future::BoxFuture;
use reqwest::header::HeaderName;
use secrecy::SecretString;

/// What a request is being authenticated for, given to
/// [`CredentialProvider::apply`].
#[derive(Clone, Copy)]
pub struct AuthContext<'a> {
    pub(crate) operation_id: &'static str,
    pub(crate) scheme: &'static str,
    pub(crate) attempt: u32,
    pub(crate) http: &'a reqwest::Client,
}

impl AuthContext<'_> {
    /// The operation id of the call (`listApiTokens`).
    pub fn operation_id(&self) -> &'static str {
        self.operation_id
    }

    /// The security scheme the provider is registered for (`apiToken`).
    pub fn scheme(&self) -> &'static str {
        self.scheme
    }

    /// Which attempt of the call the request belongs to (1, then 2 on the first retry...).
    pub fn attempt(&self) -> u32 {
        self.attempt
    }

    /// The client's `reqwest::Client`, to fetch tokens with (it follows no
    /// redirect unless the caller gave one that does).
    pub fn http_client(&self) -> &reqwest::Client {
        self.http
    }
}

impl fmt::Debug for AuthContext<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthContext")
            .field("operation_id", &self.operation_id)
            .field("scheme", &self.scheme)
            .field("attempt", &self.attempt)
            .finish_non_exhaustive()
    }
}

/// What [`CredentialProvider::apply`] put on a request.
///
/// [`Applied::fixed`]: credentials a new request would not change (a key, a
/// signature). [`Applied::refreshable`]: a token that may have been revoked;
/// when the API answers such a request with 401, the client calls
/// [`CredentialProvider::refresh`] with it, once per call, and sends the
/// request again. `Debug` never shows the token.
pub struct Applied(pub(crate) Option<SecretString>);

impl Applied {
    /// Credentials that refreshing would not change.
    pub fn fixed() -> Self {
        Applied(None)
    }

    /// A token the API may reject with 401; `used` is handed back to
    /// [`CredentialProvider::refresh`] (so a provider shared by concurrent
    /// calls can tell whether it already replaced that token).
    pub fn refreshable(used: SecretString) -> Self {
        Applied(Some(used))
    }

    /// The token, for [`Applied::refreshable`].
    pub fn token(&self) -> Option<&SecretString> {
        self.0.as_ref()
    }
}

impl fmt::Debug for Applied {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(if self.0.is_some() { "Applied::refreshable([REDACTED])" } else { "Applied::fixed" })
    }
}

/// Puts one security scheme's credentials on a request: the client's
/// built-in schemes (given as [`Credentials`](super::Credentials)) and your own,
/// installed with [`ClientBuilder::credential_provider`](super::ClientBuilder::credential_provider)
/// (tokens from a secret store, refresh tokens, a signature over the whole
/// request).
///
/// [`apply`](CredentialProvider::apply) runs once per request sent (every
/// retry and every redirect followed within the API's origin), on the request
/// as it will be sent: URL with its query, headers, and body (a multipart
/// body is a stream, so [`reqwest::Request::body`] has no bytes for it).
/// Providers run in the order of the spec's security alternative, then the
/// [`Middleware`](super::Middleware). A redirect to another origin is sent
/// without any provider.
///
/// `Debug` is required so that a client can be printed: it must not show a
/// secret. The runtime itself never logs what a provider adds (tracing spans
/// record no header value or query string), and error messages from `apply`
/// and `refresh` are shown as they are, so keep secrets out of them.
pub trait CredentialProvider: fmt::Debug + Send + Sync + 'static {
    /// Adds the credentials to `request` (headers, query pairs, a signature).
    /// An `Err` ends the call with [`Error::Auth`](super::Error::Auth),
    /// naming the operation and the scheme, and is not retried.
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        context: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>>;

    /// Called when the API answered 401 to a request authenticated with the
    /// [`Applied::refreshable`] token `used`: obtain a new token (the
    /// request is then sent again, once per call, through
    /// [`apply`](CredentialProvider::apply)). Bounded by the call's deadline;
    /// an `Err` ends the call with [`Error::Auth`](super::Error::Auth).
    /// The default does nothing.
    fn refresh<'a>(&'a self, used: &'a SecretString, context: AuthContext<'a>) -> BoxFuture<'a, Result<(), String>> {
        let _ = (used, context);
        Box::pin(async { Ok(()) })
    }

    /// A header that carries the secret: its value is redacted in the
    /// response headers an error shows, should the server echo it.
    fn secret_header(&self) -> Option<&HeaderName> {
        None
    }

    /// A query parameter that carries the secret: removed from a redirect's
    /// target before the request is sent there (the provider adds it again
    /// within the API's origin).
    fn secret_query_parameter(&self) -> Option<&str> {
        None
    }
}
