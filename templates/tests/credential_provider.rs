//! Credential providers of the user's own: a refreshing token (401, refresh
//! once, retry), a signature over the request as sent (final URL and body),
//! refresh bounded by the call's deadline, failures as `Error::Auth`, and
//! nothing secret in `Debug`.

mod common;

use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::future::BoxFuture;
use reqwest::header::HeaderValue;
use reqwest::Method;
use runtime_template::runtime::{
    ApiKeyLocation, Applied, AuthContext, CredentialProvider, Credentials, Error, Request, SecretString,
};
use secrecy::ExposeSecret;
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A token from a "vault": `refresh` moves to the next one.
struct Rotating {
    tokens: Vec<&'static str>,
    current: Mutex<usize>,
    refreshes: AtomicU32,
}

impl Rotating {
    fn new(tokens: &[&'static str]) -> Arc<Self> {
        Arc::new(Rotating { tokens: tokens.to_vec(), current: Mutex::new(0), refreshes: AtomicU32::new(0) })
    }
}

impl fmt::Debug for Rotating {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Rotating([REDACTED])")
    }
}

/// Registered through an `Arc`, so the test keeps a handle to count refreshes.
#[derive(Debug)]
struct Shared(Arc<Rotating>);

impl CredentialProvider for Shared {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>> {
        Box::pin(async move {
            let token = self.0.tokens[*self.0.current.lock().unwrap()];
            let mut value = HeaderValue::from_str(&format!("Bearer {token}")).map_err(|e| e.to_string())?;
            value.set_sensitive(true);
            request.headers_mut().insert("authorization", value);
            Ok(Applied::refreshable(SecretString::from(token)))
        })
    }

    fn refresh<'a>(&'a self, used: &'a SecretString, context: AuthContext<'a>) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(async move {
            assert_eq!(context.scheme(), "vault");
            self.0.refreshes.fetch_add(1, Ordering::SeqCst);
            let mut current = self.0.current.lock().unwrap();
            // Only the token that was refused is replaced.
            if self.0.tokens[*current] == used.expose_secret() && *current + 1 < self.0.tokens.len() {
                *current += 1;
            }
            Ok(())
        })
    }
}

fn get(security: &'static [&'static [&'static str]]) -> Request {
    let mut req = Request::new(Method::GET, "/things", "listThings");
    req.security(security);
    req
}

#[tokio::test]
async fn a_refused_token_is_refreshed_once_and_the_request_sent_again() {
    let server = MockServer::start().await;
    Mock::given(header("authorization", "Bearer old")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    Mock::given(header("authorization", "Bearer new")).respond_with(ResponseTemplate::new(204)).mount(&server).await;
    let vault = Rotating::new(&["old", "new"]);
    let client = common::builder(&server).credential_provider("vault", Shared(vault.clone())).build().unwrap();

    let raw = client.execute::<()>(get(&[&["vault"]])).await.unwrap();
    assert_eq!(raw.status(), 204);
    assert_eq!(vault.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(common::received(&server).await.len(), 2);

    // The refreshed token stays: the next call needs no refresh.
    assert_eq!(client.execute::<()>(get(&[&["vault"]])).await.unwrap().status(), 204);
    assert_eq!(vault.refreshes.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_token_refused_again_after_refresh_is_the_answer() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let vault = Rotating::new(&["one", "two", "three"]);
    let client = common::builder(&server).credential_provider("vault", Shared(vault.clone())).build().unwrap();

    let raw = client.execute::<()>(get(&[&["vault"]])).await.unwrap();
    assert_eq!(raw.status(), 401);
    // Refreshed once per call, never in a loop.
    assert_eq!(vault.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(common::received(&server).await.len(), 2);
}

/// A fixed credential is never refreshed: a 401 is the answer.
#[tokio::test]
async fn a_fixed_credential_is_not_refreshed() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let client = common::builder(&server)
        .credential_provider("sig", Signer { key: b"k".to_vec(), seen: Arc::default() })
        .build()
        .unwrap();
    assert_eq!(client.execute::<()>(get(&[&["sig"]])).await.unwrap().status(), 401);
    assert_eq!(common::received(&server).await.len(), 1);
}

/// A keyed FNV-1a over method, URL and body: enough to show the provider
/// signed exactly what the server received.
fn signature(key: &[u8], method: &str, url: &str, body: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in key.iter().chain(method.as_bytes()).chain(b"\n").chain(url.as_bytes()).chain(b"\n").chain(body) {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Signs the whole request as it will be sent.
struct Signer {
    key: Vec<u8>,
    seen: Arc<Mutex<Vec<String>>>,
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer { key: [REDACTED] }")
    }
}

impl CredentialProvider for Signer {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>> {
        let body = request.body().and_then(|b| b.as_bytes()).unwrap_or_default();
        let url = request.url().to_string();
        let signed = signature(&self.key, request.method().as_str(), &url, body);
        self.seen.lock().unwrap().push(url);
        let result = HeaderValue::from_str(&signed).map_err(|e| e.to_string()).map(|value| {
            request.headers_mut().insert("x-signature", value);
            Applied::fixed()
        });
        Box::pin(std::future::ready(result))
    }
}

#[tokio::test]
async fn a_signing_provider_signs_the_final_url_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(201)).mount(&server).await;
    let seen = Arc::<Mutex<Vec<String>>>::default();
    let client = common::builder(&server)
        .credentials("key", Credentials::api_key(ApiKeyLocation::Query, "api_key", None, "k-1"))
        .credential_provider("sig", Signer { key: b"shh".to_vec(), seen: seen.clone() })
        .build()
        .unwrap();
    let mut req = Request::new(Method::POST, "/things/{id}", "createThing");
    req.path_param("id", &"a b");
    req.query("filter", &"x&y");
    req.json_body::<_, ()>(&serde_json::json!({"name": "thing"})).unwrap();
    // The signer comes after the query key in the alternative, so it signs the key too.
    req.security(&[&["key", "sig"]]);
    assert_eq!(client.execute::<()>(req).await.unwrap().status(), 201);

    let received = common::received(&server).await;
    let request = &received[0];
    // What reached the server, on the address the client sent it to.
    let query = request.url.query().unwrap_or_default();
    let url = format!("{}{}?{query}", server.uri(), request.url.path());
    assert!(url.contains("filter=x%26y") && url.ends_with("api_key=k-1"), "{url}");
    assert_eq!(*seen.lock().unwrap(), vec![url.clone()]);
    let expected = signature(b"shh", "POST", &url, &request.body);
    assert_eq!(request.headers.get("x-signature").unwrap(), expected.as_str());
    assert_eq!(request.body, br#"{"name":"thing"}"#);
}

/// Fails or hangs, as a secret store that is down would.
#[derive(Debug)]
enum Broken {
    ApplyFails,
    RefreshHangs,
}

impl CredentialProvider for Broken {
    fn apply<'a>(
        &'a self,
        request: &'a mut reqwest::Request,
        _: AuthContext<'a>,
    ) -> BoxFuture<'a, Result<Applied, String>> {
        let result = match self {
            Broken::ApplyFails => Err("secret store unavailable".to_owned()),
            Broken::RefreshHangs => {
                request.headers_mut().insert("authorization", HeaderValue::from_static("Bearer t"));
                Ok(Applied::refreshable(SecretString::from("t")))
            }
        };
        Box::pin(std::future::ready(result))
    }

    fn refresh<'a>(&'a self, _: &'a SecretString, _: AuthContext<'a>) -> BoxFuture<'a, Result<(), String>> {
        Box::pin(futures::future::pending())
    }
}

#[tokio::test]
async fn a_provider_that_fails_ends_the_call_with_an_auth_error_naming_the_scheme() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200)).mount(&server).await;
    let client = common::builder(&server).credential_provider("store", Broken::ApplyFails).build().unwrap();
    let err = client.execute::<()>(get(&[&["store"]])).await.unwrap_err();
    assert!(matches!(err, Error::Auth(_)), "{err:?}");
    assert_eq!(err.to_string(), "listThings: security scheme `store`: secret store unavailable");
    assert!(common::received(&server).await.is_empty());
}

#[tokio::test]
async fn a_refresh_that_never_ends_is_held_to_the_call_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let client = common::builder(&server)
        .credential_provider("store", Broken::RefreshHangs)
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let err = client.execute::<()>(get(&[&["store"]])).await.unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    match &err {
        Error::Transport(t) => assert!(t.is_deadline(), "{err}"),
        other => panic!("expected a deadline error, got {other:?}"),
    }
}

#[tokio::test]
async fn debug_shows_the_provider_as_it_describes_itself() {
    let client = common::builder(&MockServer::start().await)
        .credential_provider("sig", Signer { key: b"signing-key-123".to_vec(), seen: Arc::default() })
        .build()
        .unwrap();
    let shown = format!("{client:?}");
    assert!(shown.contains("Signer { key: [REDACTED] }"), "{shown}");
    assert!(!shown.contains("signing-key-123"), "{shown}");
}
