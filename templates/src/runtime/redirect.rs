//! Redirects: the client follows them itself, deciding at each hop what the
//! next request may carry.
//!
//! The `reqwest::Client` that [`ClientBuilder`](super::ClientBuilder) builds
//! never follows a redirect (`redirect::Policy::none()`) and never sends a
//! `Referer`. reqwest's own policy sees only URLs, and when the host changes
//! it strips only `Authorization` and `Cookie`: an API key in a custom
//! header, the query string or a cookie parameter, and a 307/308 body (an
//! OAuth 2.0 client secret), would go to whatever host a `Location` names.
//! So the runtime reads each 3xx itself and, under [`RedirectPolicy`]:
//!
//! - same origin as the call (scheme, host and port): follows it, with the
//!   credentials applied afresh;
//! - another origin: refuses it by default (the call fails with
//!   [`Error::InvalidRequest`] naming the operation, the status and the
//!   target origin); with [`RedirectPolicy::cross_origin`] follows it with
//!   nothing of the original request but its method and `Accept`: no
//!   credentials, no header or cookie parameters, no API-key query
//!   parameters, no body;
//! - from `https` to plain `http`: always refused.

use std::convert::Infallible;

use reqwest::header::LOCATION;
use reqwest::{Method, StatusCode, Url};

use super::client::{same_origin, Client};
use super::error::Error;
use super::prepare::UsedTokens;
use super::request::{Body, Request};
use super::response::RawResponse;
use super::watchdog::Progress;

/// How many redirects one call follows by default.
pub const DEFAULT_MAX_REDIRECTS: u32 = 10;

/// Which redirects a [`Client`] follows; set with
/// [`ClientBuilder::redirects`](super::ClientBuilder::redirects).
///
/// The default, [`RedirectPolicy::same_origin`], follows up to
/// [`DEFAULT_MAX_REDIRECTS`] redirects within the origin (scheme, host and
/// port) of the call and refuses any other: the call fails with
/// [`Error::InvalidRequest`], whose message names the operation, the status
/// and the origin the server redirected to. A redirect from `https` to plain
/// `http` is refused under every policy. 301, 302 and 303 are followed with
/// `GET` (a `HEAD` stays `HEAD`) and no body; 307 and 308 keep the method
/// and the body. Other 3xx statuses, and a 3xx without a usable `Location`,
/// are the call's response (the operation reports them as [`Error::Api`]).
///
/// These rules hold for the `reqwest::Client` the builder makes. A client
/// given to [`ClientBuilder::http_client`](super::ClientBuilder::http_client)
/// follows redirects by its own policy before the runtime sees them: build it
/// with `.redirect(reqwest::redirect::Policy::none())` so that these rules
/// apply to it too.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RedirectPolicy {
    max_redirects: u32,
    cross_origin: bool,
}

impl Default for RedirectPolicy {
    /// [`RedirectPolicy::same_origin`].
    fn default() -> Self {
        RedirectPolicy::same_origin()
    }
}

impl RedirectPolicy {
    /// Follows no redirect: every 3xx is the call's response (and so an
    /// [`Error::Api`] with the status and the `Location` header).
    pub fn none() -> Self {
        RedirectPolicy { max_redirects: 0, cross_origin: false }
    }

    /// Follows redirects within the origin of the call (scheme, host, port),
    /// credentials included; refuses a redirect to another origin with an
    /// [`Error::InvalidRequest`] naming it. The default.
    pub fn same_origin() -> Self {
        RedirectPolicy { max_redirects: DEFAULT_MAX_REDIRECTS, cross_origin: false }
    }

    /// Also follows redirects to other origins (never from `https` to
    /// `http`), sending there only the method, the URL the server gave and
    /// the `Accept` and `User-Agent` headers: no credentials of any kind, no
    /// header or cookie parameters of the operation, no query parameter named
    /// like an API-key scheme, no body. A 307 or 308 of a request with a body
    /// is still refused, since following it means re-sending the body.
    ///
    /// Only for APIs known to hand out links to other hosts (downloads from
    /// a storage service, for example): the other host learns the URL and
    /// its answer becomes the call's response.
    pub fn cross_origin() -> Self {
        RedirectPolicy { max_redirects: DEFAULT_MAX_REDIRECTS, cross_origin: true }
    }

    /// Sets how many redirects one call follows (default
    /// [`DEFAULT_MAX_REDIRECTS`]); one more fails the call with
    /// [`Error::InvalidRequest`]. `0` is [`RedirectPolicy::none`].
    pub fn max_redirects(mut self, max: u32) -> Self {
        self.max_redirects = max;
        self
    }

    /// How many redirects one call follows.
    pub fn max(&self) -> u32 {
        self.max_redirects
    }

    /// Whether redirects to other origins are followed (without credentials).
    pub fn follows_cross_origin(&self) -> bool {
        self.cross_origin
    }
}

/// The request a followed redirect makes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct NextHop {
    pub(crate) url: Url,
    pub(crate) method: Method,
    /// 307/308: the body is sent again.
    pub(crate) keep_body: bool,
    /// The hop stays on the call's origin: credentials and parameters go along.
    pub(crate) same_origin: bool,
}

/// What to do with one response of a call.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Hop {
    /// Not a redirect the client follows: the response answers the call.
    Answer,
    /// Make this request next.
    Follow(NextHop),
    /// The call fails with this message (the operation id goes in front).
    Refuse(String),
}

/// `scheme://host:port` of `url`, never its path, query or user info.
fn origin_of(url: &Url) -> String {
    match url.scheme() {
        "http" | "https" => url.origin().ascii_serialization(),
        other => format!("a `{other}:` URL"),
    }
}

/// The decision for a `status` response with `location` to a request
/// `method` on `current` (with a body or not), `hops` redirects into a call
/// that started on `call_origin`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn next_hop(
    policy: RedirectPolicy,
    status: StatusCode,
    location: Option<&str>,
    current: &Url,
    call_origin: &Url,
    method: &Method,
    has_body: bool,
    hops: u32,
) -> Hop {
    let Some(keep_body) = redirect_keeps_body(status) else { return Hop::Answer };
    if policy.max_redirects == 0 {
        return Hop::Answer;
    }
    let Some(url) = location.and_then(|l| current.join(l.trim()).ok()) else {
        return Hop::Answer;
    };
    let code = status.as_u16();
    let target = origin_of(&url);
    if !matches!(url.scheme(), "http" | "https") {
        return Hop::Refuse(format!("refusing to follow a redirect (HTTP {code}) to {target}"));
    }
    if current.scheme() == "https" && url.scheme() == "http" {
        return Hop::Refuse(format!("refusing to follow a redirect (HTTP {code}) from https to plain http ({target})"));
    }
    if hops >= policy.max_redirects {
        return Hop::Refuse(format!(
            "stopped after {} redirects (the last, HTTP {code}, to {target}); see RedirectPolicy::max_redirects",
            policy.max_redirects
        ));
    }
    let same = same_origin(&url, call_origin);
    if !same && !policy.cross_origin {
        return Hop::Refuse(format!(
            "refusing to follow a redirect (HTTP {code}) to another origin ({target}): credentials go only to {}; \
             RedirectPolicy::cross_origin() follows such redirects without them",
            origin_of(call_origin)
        ));
    }
    if !same && keep_body && has_body {
        return Hop::Refuse(format!(
            "refusing to follow a redirect (HTTP {code}) to another origin ({target}): it would re-send the request body"
        ));
    }
    let method = if keep_body || *method == Method::HEAD { method.clone() } else { Method::GET };
    Hop::Follow(NextHop { url, method, keep_body, same_origin: same })
}

/// For a redirect [`next_hop`] may follow, whether the next request keeps
/// the method and body (307, 308) or becomes a `GET` without one (301, 302,
/// 303); `None` for any other status.
fn redirect_keeps_body(status: StatusCode) -> Option<bool> {
    match status {
        StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND | StatusCode::SEE_OTHER => Some(false),
        StatusCode::TEMPORARY_REDIRECT | StatusCode::PERMANENT_REDIRECT => Some(true),
        _ => None,
    }
}

/// Removes the query pairs named in `names` (API keys the server may have
/// copied into a `Location`): the client adds its own where they belong.
fn remove_query_keys(url: &mut Url, names: &[&str]) {
    if names.is_empty() || url.query().is_none() {
        return;
    }
    let pairs: Vec<(String, String)> = url.query_pairs().map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let kept: Vec<&(String, String)> = pairs.iter().filter(|(k, _)| !names.contains(&k.as_str())).collect();
    if kept.len() == pairs.len() {
        return;
    }
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept.iter().map(|(k, v)| (k, v)));
    }
}

impl Client {
    /// One attempt of a call: the request to `url` with the credentials of
    /// `alternative`, then the redirects [`RedirectPolicy`] allows. Returns
    /// the last response (or transport error) and the OAuth 2.0 tokens its
    /// request carried.
    pub(super) async fn send_following_redirects(
        &self,
        req: &Request,
        url: &Url,
        alternative: &[&'static str],
        attempt: u32,
        progress: &Progress,
    ) -> Result<(Result<RawResponse, reqwest::Error>, UsedTokens), Error<Infallible>> {
        let (request, used_tokens) = self.prepare(req, url, alternative, attempt).await?;
        let response = self.send_prepared(request, req, url, attempt, progress).await?;
        match &response {
            // Boxed: the hops' state stays out of the future of every call.
            Ok(raw) if redirect_keeps_body(raw.status()).is_some() => {
                let first = (response, used_tokens);
                Box::pin(self.follow_redirects(req, url, alternative, attempt, progress, first)).await
            }
            _ => Ok((response, used_tokens)),
        }
    }

    /// [`Client::send_following_redirects`] from the `first` response (a
    /// redirect status) and the tokens its request carried.
    async fn follow_redirects(
        &self,
        req: &Request,
        url: &Url,
        alternative: &[&'static str],
        attempt: u32,
        progress: &Progress,
        first: (Result<RawResponse, reqwest::Error>, UsedTokens),
    ) -> Result<(Result<RawResponse, reqwest::Error>, UsedTokens), Error<Infallible>> {
        let (mut response, mut used_tokens) = first;
        let policy = self.redirect_policy();
        // The request and URL of the latest hop (`req` and `url` until a
        // redirect is followed).
        let mut hop: Option<(Request, Url)> = None;
        let mut hops = 0u32;
        loop {
            let Ok(raw) = &response else { return Ok((response, used_tokens)) };
            let (previous, current) = hop.as_ref().map_or((req, url), |(request, url)| (request, url));
            let location = raw.headers().get(LOCATION).and_then(|v| v.to_str().ok());
            let has_body = !matches!(previous.body, Body::Empty);
            let status = raw.status();
            let next = match next_hop(policy, status, location, current, url, &previous.method, has_body, hops) {
                Hop::Answer => return Ok((response, used_tokens)),
                Hop::Refuse(message) => return Err(Error::InvalidRequest(format!("{}: {message}", req.operation_id))),
                Hop::Follow(next) => next,
            };
            hops = hops.saturating_add(1);
            let mut request = previous.clone();
            let mut next_url = next.url;
            remove_query_keys(&mut next_url, &self.query_key_names());
            request.method = next.method;
            if !next.keep_body {
                request.body = Body::Empty;
            }
            let credentials = if next.same_origin {
                alternative
            } else {
                // Header and cookie parameters may be credentials too.
                request.headers.clear();
                request.cookies.clear();
                &[]
            };
            request.absolute_url = Some(next_url.clone());
            tracing::debug!(
                status = status.as_u16(),
                hop = hops,
                target = %origin_of(&next_url),
                same_origin = next.same_origin,
                "following a redirect"
            );
            let (prepared, tokens) = self.prepare(&request, &next_url, credentials, attempt).await?;
            used_tokens = tokens;
            response = self.send_prepared(prepared, &request, &next_url, attempt, progress).await?;
            hop = Some((request, next_url));
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    fn decide(policy: RedirectPolicy, status: u16, location: &str, from: &str, method: Method, body: bool) -> Hop {
        let status = StatusCode::from_u16(status).unwrap();
        next_hop(policy, status, Some(location), &url(from), &url(from), &method, body, 0)
    }

    #[test]
    fn https_to_http_is_refused_under_every_policy() {
        for policy in [RedirectPolicy::same_origin(), RedirectPolicy::cross_origin()] {
            for status in [301, 302, 303, 307, 308] {
                // Same host and port, only the scheme drops to http.
                let hop = decide(
                    policy,
                    status,
                    "http://api.example.com:443/x",
                    "https://api.example.com/a",
                    Method::GET,
                    false,
                );
                assert!(matches!(&hop, Hop::Refuse(m) if m.contains("from https to plain http")), "{hop:?}");
                let hop =
                    decide(policy, status, "http://other.example/x", "https://api.example.com/a", Method::GET, false);
                assert!(matches!(&hop, Hop::Refuse(m) if m.contains("http://other.example")), "{hop:?}");
            }
        }
        // http to https on the same host is another origin: refused by default.
        let hop =
            decide(RedirectPolicy::default(), 302, "https://127.0.0.1/x", "http://127.0.0.1/a", Method::GET, false);
        assert!(matches!(&hop, Hop::Refuse(m) if m.contains("another origin (https://127.0.0.1)")), "{hop:?}");
    }

    #[test]
    fn same_origin_redirects_are_followed_with_the_right_method() {
        let policy = RedirectPolicy::default();
        let from = "https://api.example.com/a";
        let hop = decide(policy, 303, "/b?x=1", from, Method::POST, true);
        let expected = NextHop {
            url: url("https://api.example.com/b?x=1"),
            method: Method::GET,
            keep_body: false,
            same_origin: true,
        };
        assert_eq!(hop, Hop::Follow(expected));
        let hop = decide(policy, 308, "/b", from, Method::PUT, true);
        assert!(matches!(&hop, Hop::Follow(n) if n.method == Method::PUT && n.keep_body), "{hop:?}");
        let hop = decide(policy, 302, "/b", from, Method::HEAD, false);
        assert!(matches!(&hop, Hop::Follow(n) if n.method == Method::HEAD), "{hop:?}");
        // Not redirects the client follows.
        assert_eq!(decide(policy, 304, "/b", from, Method::GET, false), Hop::Answer);
        assert_eq!(decide(RedirectPolicy::none(), 302, "/b", from, Method::GET, false), Hop::Answer);
        let no_location = next_hop(policy, StatusCode::FOUND, None, &url(from), &url(from), &Method::GET, false, 0);
        assert_eq!(no_location, Hop::Answer);
    }

    #[test]
    fn cross_origin_is_refused_by_default_and_followed_bare_when_allowed() {
        let from = "https://api.example.com/a";
        let hop = decide(RedirectPolicy::default(), 302, "https://evil.example:8443/x", from, Method::GET, false);
        assert!(matches!(&hop, Hop::Refuse(m) if m.contains("another origin (https://evil.example:8443)")), "{hop:?}");
        let allowed = RedirectPolicy::cross_origin();
        let hop = decide(allowed, 302, "https://cdn.example/x", from, Method::POST, true);
        assert!(matches!(&hop, Hop::Follow(n) if !n.same_origin && !n.keep_body && n.method == Method::GET), "{hop:?}");
        let hop = decide(allowed, 307, "https://cdn.example/x", from, Method::POST, true);
        assert!(matches!(&hop, Hop::Refuse(m) if m.contains("re-send the request body")), "{hop:?}");
        let hop = decide(allowed, 307, "https://cdn.example/x", from, Method::GET, false);
        assert!(matches!(&hop, Hop::Follow(n) if !n.same_origin), "{hop:?}");
    }

    #[test]
    fn hop_limit_and_odd_targets() {
        let policy = RedirectPolicy::same_origin().max_redirects(2);
        let from = url("https://api.example.com/a");
        let at = |hops| next_hop(policy, StatusCode::FOUND, Some("/b"), &from, &from, &Method::GET, false, hops);
        assert!(matches!(at(1), Hop::Follow(_)));
        assert!(matches!(at(2), Hop::Refuse(m) if m.contains("stopped after 2 redirects")));
        let hop = decide(policy, 302, "file:///etc/passwd", "https://api.example.com/a", Method::GET, false);
        assert!(matches!(&hop, Hop::Refuse(m) if m.contains("`file:` URL")), "{hop:?}");
    }

    #[test]
    fn api_key_query_pairs_are_removed() {
        let mut u = url("https://x.example/p?a=1&api_key=s3cret&b=2");
        remove_query_keys(&mut u, &["api_key"]);
        assert_eq!(u.as_str(), "https://x.example/p?a=1&b=2");
        let mut u = url("https://x.example/p?api_key=s3cret");
        remove_query_keys(&mut u, &["api_key"]);
        assert_eq!(u.as_str(), "https://x.example/p");
        let mut u = url("https://x.example/p?a=%20");
        remove_query_keys(&mut u, &["api_key"]);
        assert_eq!(u.as_str(), "https://x.example/p?a=%20");
    }
}
