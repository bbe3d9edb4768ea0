//! Adds a secret to an OCS (AVEVA Data Hub) hybrid client, authenticating with
//! the OAuth 2.0 client credentials of a client credential client.
//!
//! The new secret expires in 90 days. Only its id is printed: the response is the
//! one place its value (`Secret`) ever appears, so store it safely where this
//! example merely counts its characters.
//!
//! Run it with:
//!
//! ```sh
//! OCS_HOST=uswe.datahub.connect.aveva.com OCS_CLIENT_ID=... OCS_CLIENT_SECRET=... \
//! OCS_TENANT_ID=9a1d9d3e-... OCS_HYBRID_CLIENT_ID=5c1b2e3d-... \
//!     cargo run -p ocs-identity-client --example create_hybrid_client_secret
//! ```

use chrono::{Duration, Utc};
use ocs_identity_client::models::ClientSecretCreateOrUpdate;
use ocs_identity_client::Client;

/// Reads a required environment variable.
fn env(name: &str, what: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} to {what}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let host = env("OCS_HOST", "the region host, e.g. uswe.datahub.connect.aveva.com")?;
    let client_id = env("OCS_CLIENT_ID", "the id of a client credential client")?;
    let client_secret = env("OCS_CLIENT_SECRET", "a secret of that client")?;
    let tenant_id = env("OCS_TENANT_ID", "your tenant id")?;
    let hybrid_client_id = env("OCS_HYBRID_CLIENT_ID", "the hybrid client to add a secret to")?;

    // `host` fills both the API URL (`https://{host}`) and the token endpoint
    // (`https://{host}/identity/connect/token`). The access token is fetched on
    // the first call, cached, and refreshed before it expires.
    let client = Client::builder().host(host).oauth2_client_credentials(client_id, client_secret).build()?;

    let request = ClientSecretCreateOrUpdate {
        description: Some(Some("Created by the create_hybrid_client_secret example".into())),
        expiration: Some(Some((Utc::now() + Duration::days(90)).into())),
        expires: Some(Some(true)),
        ..Default::default()
    };
    let created =
        client.hybrid_client_secrets().create_hybrid_client_secret(&tenant_id, &hybrid_client_id, request).await?;

    let id = created.id.map_or_else(|| "?".to_owned(), |id| id.to_string());
    let expiration = match created.expiration.flatten() {
        None => "never".to_owned(),
        Some(at) => match at.parsed() {
            Some(at) => at.to_rfc3339(),
            // A value that is not a date-time is kept as the server sent it.
            None => format!("{:?}", at.raw().unwrap_or_default()),
        },
    };
    println!("created secret {id} of hybrid client {hybrid_client_id}, expires {expiration}");
    // The value is in `created.secret`; its `Debug` is redacted. Store it now:
    // the service cannot return it again.
    let length = created.secret.flatten().map_or(0, |s| s.len());
    println!("the secret value ({length} characters) was not printed");
    Ok(())
}
