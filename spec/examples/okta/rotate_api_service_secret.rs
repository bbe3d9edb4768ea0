//! Rotates the client secret of an API service integration instance.
//!
//! Okta keeps at most two secrets per instance, so a rotation is:
//!
//! 1. create a new secret (Okta creates it active) and make sure it is active;
//! 2. switch the integration to the new secret (the one moment its value is known);
//! 3. deactivate every older secret, then delete it (only inactive secrets can be deleted).
//!
//! Run it with:
//!
//! ```sh
//! OKTA_DOMAIN=acme.okta.com OKTA_API_TOKEN=00abc... OKTA_API_SERVICE_ID=0oa1nkheCuDn82XVI0g4 \
//!     cargo run -p okta-client --example rotate_api_service_secret
//! ```

use okta_client::models::ApiServiceIntegrationInstanceSecretStatus as Status;
use okta_client::Client;

/// Reads a required environment variable.
fn env(name: &str, what: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name} to {what}"))
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let domain = env("OKTA_DOMAIN", "your Okta domain, e.g. acme.okta.com")?;
    let api_token = env("OKTA_API_TOKEN", "an SSWS API token")?;
    let service_id = env("OKTA_API_SERVICE_ID", "the id of the API service integration instance")?;

    let client = Client::builder()
        .your_okta_domain(domain.trim_start_matches("https://").trim_end_matches('/'))
        .api_token(api_token)
        .build()?;
    let secrets = client.api_service_integrations();

    // The secrets in use before the rotation. Okta refuses a third secret, so a
    // rotation needs room for one more.
    let old = secrets.list_api_service_integration_instance_secrets(&service_id).collect_all().await?;
    if old.len() >= 2 {
        return Err(
            format!("instance {service_id} already has {} secrets; delete the unused one first", old.len()).into()
        );
    }

    // 1. Create the new secret. `client_secret` holds its value in this response
    //    only (later responses show a masked value); the model's `Debug` redacts it.
    let new = secrets.create_api_service_integration_instance_secret(&service_id).await?;
    let new_id = new.id.clone().ok_or("Okta returned a secret without an id")?;
    println!("created secret {new_id} ({})", new.status);
    // Okta creates secrets active; activate explicitly should that ever change.
    if new.status != Status::Active {
        let activated = secrets.activate_api_service_integration_instance_secret(&service_id, &new_id).await?;
        println!("activated secret {new_id} ({})", activated.status);
    }

    // 2. Hand the new value to whatever authenticates as this integration
    //    (a secret manager, a deployment variable, ...) before the old one goes.
    //    This example only shows that it is there.
    let value = new.client_secret.as_deref().unwrap_or_default();
    println!("new client secret: {} characters, hash {}", value.len(), new.secret_hash.as_deref().unwrap_or("-"));

    // 3. Retire the old secrets: deactivate (if still active), then delete.
    for secret in old {
        let Some(old_id) = secret.id else { continue };
        if secret.status == Status::Active {
            secrets.deactivate_api_service_integration_instance_secret(&service_id, &old_id).await?;
            println!("deactivated secret {old_id}");
        }
        secrets.delete_api_service_integration_instance_secret(&service_id, &old_id).await?;
        println!("deleted secret {old_id}");
    }
    println!("rotation done: {new_id} is the only secret of {service_id}");
    Ok(())
}
