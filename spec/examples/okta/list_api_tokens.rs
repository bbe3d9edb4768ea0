//! Lists the metadata of every API token of an Okta org, page by page.
//!
//! The client follows Okta's `Link: <...>; rel="next"` headers itself: `.stream()`
//! yields the tokens of every page in order, fetching the next page when needed.
//!
//! Run it with:
//!
//! ```sh
//! OKTA_DOMAIN=acme.okta.com OKTA_API_TOKEN=00abc... \
//!     cargo run -p okta-client --example list_api_tokens
//! ```

use futures::StreamExt as _;
use okta_client::Client;

/// Reads a required environment variable.
fn env(name: &str, what: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} to {what}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let domain = env("OKTA_DOMAIN", "your Okta domain, e.g. acme.okta.com")?;
    let api_token = env("OKTA_API_TOKEN", "an SSWS API token")?;

    // `your_okta_domain` fills the spec's `https://{yourOktaDomain}` server URL;
    // `api_token` sends `Authorization: SSWS <token>`.
    let client = Client::builder()
        .your_okta_domain(domain.trim_start_matches("https://").trim_end_matches('/'))
        .api_token(api_token)
        .build()?;

    let mut tokens = client.api_token().list_api_tokens().stream();
    let mut count = 0;
    while let Some(token) = tokens.next().await {
        // An error (HTTP status, undecodable page, ...) ends the stream.
        let token = token?;
        count += 1;
        println!(
            "{:<22} {:<30} user {:<22} expires {}",
            token.id.as_deref().unwrap_or("-"),
            token.name,
            token.user_id.as_deref().unwrap_or("-"),
            match &token.expires_at {
                None => "-".to_owned(),
                Some(at) => match at.parsed() {
                    Some(at) => at.to_rfc3339(),
                    // A value that is not a date-time is kept as the server sent it.
                    None => format!("{:?}", at.raw().unwrap_or_default()),
                },
            },
        );
    }
    println!("{count} API token(s)");
    Ok(())
}
