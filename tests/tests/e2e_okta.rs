//! End-to-end tests of the generated `okta-client` crate against a wiremock
//! server on 127.0.0.1: every operation (method, percent-encoded path, query,
//! `Authorization: SSWS <token>`, JSON body, typed response built from the
//! spec's examples), typed errors, rate-limit retries, Link-header paging,
//! unknown fields and enum values, and secret redaction.
//!
//! The example documents are read from `spec/okta.yaml`
//! (`components.examples`), and every error example there is decoded into
//! the error model.

mod common;

use std::sync::LazyLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use common::examples::SpecExamples;
use common::recorder::warnings;
use common::{assert_json_eq, assert_request, assert_serializes_to, header, received, single_request, utc, Expected};
use futures::StreamExt as _;
use okta_client::models::{
    self, ApiServiceIntegrationInstanceSecretStatus as SecretStatus, GetHookKeyExpand, HttpMethod,
};
use okta_client::{Client, Error, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The SSWS API token every test client authenticates with.
const TOKEN: &str = "00QCjAl4MlV-WPXM-secret-api-token-do-not-leak";
/// The `Authorization` header that token must produce.
const AUTH: &str = "SSWS 00QCjAl4MlV-WPXM-secret-api-token-do-not-leak";
/// A path parameter that needs percent-encoding (space, `/`, `?`, `#`, `%`, non-ASCII).
const ODD_ID: &str = "00T a/b?c#d%e\u{e9}";
/// `ODD_ID` as it must appear in the path.
const ODD_ID_ENCODED: &str = "00T%20a%2Fb%3Fc%23d%25e%C3%A9";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid client")
}

/// A client that retries quickly (10 ms initial backoff).
fn retrying_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .api_token(TOKEN)
        .retry_policy(
            RetryPolicy::default().initial_delay(Duration::from_millis(10)).max_delay(Duration::from_millis(50)),
        )
        .build()
        .expect("a valid client")
}

async fn respond(server: &MockServer, verb: &str, at: &str, response: ResponseTemplate) {
    Mock::given(method(verb)).and(path(at)).respond_with(response).mount(server).await;
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

// ---------------------------------------------------------------------------
// Examples from spec/okta.yaml
// ---------------------------------------------------------------------------

/// The spec whose examples the tests serve and expect.
static SPEC: LazyLock<SpecExamples> = LazyLock::new(|| SpecExamples::load("okta.yaml"));

/// `ApiTokenListMetadataResponse`
fn api_token_list_example() -> Value {
    SPEC.example("ApiTokenListMetadataResponse")
}

/// `ApiTokenMetadataResponse`
fn api_token_example() -> Value {
    SPEC.example("ApiTokenMetadataResponse")
}

/// `ApiTokenUpdateRequest`
fn api_token_update_request() -> Value {
    SPEC.example("ApiTokenUpdateRequest")
}

/// `ListAllKeysResponse`
fn hook_key_list_example() -> Value {
    SPEC.example("ListAllKeysResponse")
}

/// `RetrievePublicKeyResponse`
fn public_key_example() -> Value {
    SPEC.example("RetrievePublicKeyResponse")
}

/// The RSA modulus of the public key in the hook key examples.
fn modulus() -> String {
    public_key_example()["n"].as_str().expect("the example's modulus").to_owned()
}

/// `CreateHookKeyResponse`
fn hook_key_expanded_example() -> Value {
    SPEC.example("CreateHookKeyResponse")
}

/// `RetrieveKeyResponse`
fn hook_key_example() -> Value {
    SPEC.example("RetrieveKeyResponse")
}

/// `ReplaceKeyResponse`
fn replaced_hook_key_example() -> Value {
    SPEC.example("ReplaceKeyResponse")
}

/// `APIServiceIntegrationInstanceSecretListResponse`
fn secret_list_example() -> Value {
    SPEC.example("APIServiceIntegrationInstanceSecretListResponse")
}

/// `inactiveAPIServiceIntegrationInstanceSecretResponse`
fn inactive_secret_example() -> Value {
    SPEC.example("inactiveAPIServiceIntegrationInstanceSecretResponse")
}

/// `activeAPIServiceIntegrationInstanceSecretResponse`
fn active_secret_example() -> Value {
    SPEC.example("activeAPIServiceIntegrationInstanceSecretResponse")
}

/// `newAPIServiceIntegrationInstanceSecretResponse`
fn new_secret_example() -> Value {
    SPEC.example("newAPIServiceIntegrationInstanceSecretResponse")
}

/// The client secret value of `newAPIServiceIntegrationInstanceSecretResponse`.
fn new_client_secret() -> String {
    new_secret_example()["client_secret"].as_str().expect("the example's client_secret").to_owned()
}

/// `ErrorTooManyRequests`
fn too_many_requests_example() -> Value {
    SPEC.example("ErrorTooManyRequests")
}

// ---------------------------------------------------------------------------
// Operations: ApiToken
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_api_tokens_gets_the_collection_and_decodes_the_example() {
    let server = MockServer::start().await;
    respond(&server, "GET", "/api/v1/api-tokens", ok_json(api_token_list_example())).await;

    let tokens = client(&server).api_token().list_api_tokens().send().await.expect("listApiTokens succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: "/api/v1/api-tokens", query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].id.as_deref(), Some("00Tabcdefg1234567890"));
    assert_eq!(tokens[0].name, "My API Token");
    assert_eq!(tokens[0].token_window.as_deref(), Some("P30D"));
    assert_eq!(tokens[0].network.as_ref().and_then(|n| n.connection.as_deref()), Some("ANYWHERE"));
    assert_eq!(tokens[0].expires_at, Some(utc("2021-12-11T20:38:10Z")));
    let self_link = tokens[0].links.as_ref().and_then(|l| l.self_.as_ref()).expect("_links.self");
    assert_eq!(self_link.hints.as_ref().and_then(|h| h.allow.clone()), Some(vec![HttpMethod::Get, HttpMethod::Delete]));
    assert_eq!(tokens[1].id.as_deref(), Some("00T1234567890abcdefg"));
    assert_eq!(tokens[1].token_window.as_deref(), Some("PT5M"));
    assert_eq!(tokens[1].network, None);
    assert_serializes_to(&tokens, &api_token_list_example());
}

#[tokio::test]
async fn revoke_current_api_token_deletes_current_and_returns_unit_on_204() {
    let server = MockServer::start().await;
    respond(&server, "DELETE", "/api/v1/api-tokens/current", ResponseTemplate::new(204)).await;

    let () =
        client(&server).api_token().revoke_current_api_token().send().await.expect("revokeCurrentApiToken succeeds");

    assert_request(
        &single_request(&server).await,
        Expected {
            method: "DELETE",
            path: "/api/v1/api-tokens/current",
            query: None,
            authorization: AUTH,
            json_body: None,
        },
    );
}

#[tokio::test]
async fn get_api_token_encodes_the_id_and_decodes_the_example() {
    let server = MockServer::start().await;
    let at = format!("/api/v1/api-tokens/{ODD_ID_ENCODED}");
    respond(&server, "GET", &at, ok_json(api_token_example())).await;

    let token = client(&server).api_token().get_api_token(ODD_ID).send().await.expect("getApiToken succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(token.id.as_deref(), Some("00Tabcdefg1234567890"));
    assert_eq!(token.name, "My API Token");
    assert_eq!(token.user_id.as_deref(), Some("00uXXXXXXXXXXXXXXXXX"));
    assert_eq!(token.client_name.as_deref(), Some("Okta API"));
    assert_eq!(token.created, Some(utc("2021-11-09T20:38:10Z")));
    assert_eq!(token.last_updated, Some(utc("2021-11-11T20:38:10Z")));
    assert!(token.additional_properties.is_empty());
    assert_serializes_to(&token, &api_token_example());
}

#[tokio::test]
async fn upsert_api_token_puts_the_update_body_and_decodes_the_token() {
    let server = MockServer::start().await;
    let at = format!("/api/v1/api-tokens/{ODD_ID_ENCODED}");
    respond(&server, "PUT", &at, ok_json(api_token_example())).await;

    let update = models::ApiTokenUpdate {
        name: Some("api_token_name".into()),
        user_id: Some("00uabcdefg1234567890".into()),
        network: Some(models::ApiTokenNetwork { connection: Some("ANYWHERE".into()), ..Default::default() }),
        ..Default::default()
    };
    let token =
        client(&server).api_token().upsert_api_token(ODD_ID, update).send().await.expect("upsertApiToken succeeds");

    assert_request(
        &single_request(&server).await,
        Expected {
            method: "PUT",
            path: &at,
            query: None,
            authorization: AUTH,
            json_body: Some(api_token_update_request()),
        },
    );
    assert_eq!(token.id.as_deref(), Some("00Tabcdefg1234567890"));
    assert_eq!(token.expires_at, Some(utc("2021-12-11T20:38:10Z")));
    assert_serializes_to(&token, &api_token_example());
}

#[tokio::test]
async fn revoke_api_token_deletes_by_encoded_id_and_returns_unit_on_204() {
    let server = MockServer::start().await;
    let at = format!("/api/v1/api-tokens/{ODD_ID_ENCODED}");
    respond(&server, "DELETE", &at, ResponseTemplate::new(204)).await;

    let () = client(&server).api_token().revoke_api_token(ODD_ID).send().await.expect("revokeApiToken succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "DELETE", path: &at, query: None, authorization: AUTH, json_body: None },
    );
}

// ---------------------------------------------------------------------------
// Operations: HookKey
// ---------------------------------------------------------------------------

#[tokio::test]
async fn list_hook_keys_gets_the_collection_and_decodes_the_example() {
    let server = MockServer::start().await;
    respond(&server, "GET", "/api/v1/hook-keys", ok_json(hook_key_list_example())).await;

    let keys = client(&server).hook_key().list_hook_keys().send().await.expect("listHookKeys succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: "/api/v1/hook-keys", query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0].id.as_deref(), Some("HKY1i2htmXF5UNQhL0g4"));
    assert_eq!(keys[0].is_used.as_deref(), Some("true"));
    assert_eq!(keys[0].created, Some(Some(utc("2022-08-22T16:34:33Z"))));
    assert_eq!(keys[1].id.as_deref(), Some("HKY1p7jWLndGQV9M60g4"));
    assert_eq!(keys[1].name.as_deref(), Some("Test key"));
    assert_eq!(keys[1].is_used.as_deref(), Some("false"));
    assert_serializes_to(&keys, &hook_key_list_example());
}

#[tokio::test]
async fn create_hook_key_posts_the_key_request_and_decodes_the_detailed_key() {
    let server = MockServer::start().await;
    respond(&server, "POST", "/api/v1/hook-keys", ok_json(hook_key_expanded_example())).await;

    let key = client(&server)
        .hook_key()
        .create_hook_key(models::KeyRequest { name: "My new key".into(), ..Default::default() })
        .send()
        .await
        .expect("createHookKey succeeds");

    assert_request(
        &single_request(&server).await,
        Expected {
            method: "POST",
            path: "/api/v1/hook-keys",
            query: None,
            authorization: AUTH,
            // `CreateHookKeyRequest`
            json_body: Some(json!({ "name": "My new key" })),
        },
    );
    assert_eq!(key.id.as_deref(), Some("HKY1p7jWLndGQV9M60g4"));
    assert_eq!(key.key_id.as_deref(), Some("7fbc27fd-e3df-4522-86bf-1930110256ad"));
    assert_eq!(key.created, Some(Some(utc("2022-08-31T18:09:58Z"))));
    let jwk = key.embedded.as_ref().expect("_embedded");
    assert_eq!(jwk.kty.as_deref(), Some("RSA"));
    assert_eq!(jwk.e.as_deref(), Some("AQAB"));
    assert_eq!(jwk.n.as_deref(), Some(modulus().as_str()));
    assert_eq!(jwk.use_, Some(None), "`use: null` is kept as an explicit null");
    assert_serializes_to(&key, &hook_key_expanded_example());
}

#[tokio::test]
async fn get_public_key_encodes_the_key_id_and_decodes_the_jwk() {
    let server = MockServer::start().await;
    let at = format!("/api/v1/hook-keys/public/{ODD_ID_ENCODED}");
    respond(&server, "GET", &at, ok_json(public_key_example())).await;

    let jwk = client(&server).hook_key().get_public_key(ODD_ID).send().await.expect("getPublicKey succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(jwk.kid.as_deref(), Some("7fbc27fd-e3df-4522-86bf-1930110256ad"));
    assert_eq!(jwk.alg.as_deref(), Some("RSA"));
    assert_eq!(jwk.use_, Some(None));
    assert_serializes_to(&jwk, &public_key_example());
}

#[tokio::test]
async fn get_hook_key_without_expand_sends_no_query_and_decodes_the_key() {
    let server = MockServer::start().await;
    let at = format!("/api/v1/hook-keys/{ODD_ID_ENCODED}");
    respond(&server, "GET", &at, ok_json(hook_key_example())).await;

    let key = client(&server).hook_key().get_hook_key(ODD_ID).send().await.expect("getHookKey succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(key.id.as_deref(), Some("HKY1p7jWLndGQV9M60g4"));
    assert_eq!(key.name.as_deref(), Some("My new key"));
    assert_eq!(key.embedded, None);
    assert_serializes_to(&key, &hook_key_example());
}

#[tokio::test]
async fn get_hook_key_with_expand_publickey_sends_the_query_and_decodes_embedded_key() {
    let server = MockServer::start().await;
    let at = format!("/api/v1/hook-keys/{ODD_ID_ENCODED}");
    respond(&server, "GET", &at, ok_json(hook_key_expanded_example())).await;

    let key = client(&server)
        .hook_key()
        .get_hook_key(ODD_ID)
        .expand(GetHookKeyExpand::Publickey)
        .send()
        .await
        .expect("getHookKey succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: &at, query: Some("expand=publickey"), authorization: AUTH, json_body: None },
    );
    assert_eq!(key.embedded.as_ref().and_then(|e| e.kid.as_deref()), Some("7fbc27fd-e3df-4522-86bf-1930110256ad"));
    assert_serializes_to(&key, &hook_key_expanded_example());
}

#[tokio::test]
async fn replace_hook_key_puts_the_key_request_and_decodes_the_replaced_key() {
    let server = MockServer::start().await;
    let at = format!("/api/v1/hook-keys/{ODD_ID_ENCODED}");
    respond(&server, "PUT", &at, ok_json(replaced_hook_key_example())).await;

    let key = client(&server)
        .hook_key()
        .replace_hook_key(ODD_ID, models::KeyRequest { name: "My updated new key".into(), ..Default::default() })
        .send()
        .await
        .expect("replaceHookKey succeeds");

    assert_request(
        &single_request(&server).await,
        Expected {
            method: "PUT",
            path: &at,
            query: None,
            authorization: AUTH,
            // `ReplaceHookKeyRequest`
            json_body: Some(json!({ "name": "My updated new key" })),
        },
    );
    assert_eq!(key.name.as_deref(), Some("My updated new key"));
    assert_eq!(key.last_updated, Some(Some(utc("2022-08-31T18:16:59Z"))));
    assert_serializes_to(&key, &replaced_hook_key_example());
}

#[tokio::test]
async fn delete_hook_key_deletes_by_encoded_id_and_returns_unit_on_204() {
    let server = MockServer::start().await;
    let at = format!("/api/v1/hook-keys/{ODD_ID_ENCODED}");
    respond(&server, "DELETE", &at, ResponseTemplate::new(204)).await;

    let () = client(&server).hook_key().delete_hook_key(ODD_ID).send().await.expect("deleteHookKey succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "DELETE", path: &at, query: None, authorization: AUTH, json_body: None },
    );
}

// ---------------------------------------------------------------------------
// Operations: ApiServiceIntegrations
// ---------------------------------------------------------------------------

const SERVICE_ID: &str = "0oa1nkheCuDn82XVI0g4";

#[tokio::test]
async fn list_api_service_integration_instance_secrets_decodes_both_statuses() {
    let server = MockServer::start().await;
    let at = format!("/integrations/api/v1/api-services/{ODD_ID_ENCODED}/credentials/secrets");
    respond(&server, "GET", &at, ok_json(secret_list_example())).await;

    let secrets = client(&server)
        .api_service_integrations()
        .list_api_service_integration_instance_secrets(ODD_ID)
        .send()
        .await
        .expect("listApiServiceIntegrationInstanceSecrets succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(secrets.len(), 2);
    assert_eq!(secrets[0].id.as_deref(), Some("ocs2f4zrZbs8nUa7p0g4"));
    assert_eq!(secrets[0].status, SecretStatus::Inactive);
    assert_eq!(secrets[0].client_secret.as_deref(), Some("***DhOW"));
    assert!(secrets[0].links.activate.is_some() && secrets[0].links.delete.is_some());
    assert_eq!(secrets[1].id.as_deref(), Some("ocs2f50kZB0cITmYU0g4"));
    assert_eq!(secrets[1].status, SecretStatus::Active);
    assert_eq!(secrets[1].created, Some(utc("2023-04-06T21:32:33Z")));
    assert_eq!(
        secrets[1].links.deactivate.as_ref().and_then(|l| l.hints.as_ref()).and_then(|h| h.allow.clone()),
        Some(vec![HttpMethod::Post])
    );
    assert_serializes_to(&secrets, &secret_list_example());
}

#[tokio::test]
async fn create_api_service_integration_instance_secret_posts_without_body_and_decodes_201() {
    let server = MockServer::start().await;
    let at = format!("/integrations/api/v1/api-services/{SERVICE_ID}/credentials/secrets");
    respond(&server, "POST", &at, ResponseTemplate::new(201).set_body_json(new_secret_example())).await;

    let secret = client(&server)
        .api_service_integrations()
        .create_api_service_integration_instance_secret(SERVICE_ID)
        .send()
        .await
        .expect("createApiServiceIntegrationInstanceSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "POST", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(secret.id.as_deref(), Some("ocs2f50kZB0cITmYU0g4"));
    assert_eq!(secret.status, SecretStatus::Active);
    assert_eq!(secret.client_secret.as_deref(), Some(new_client_secret().as_str()));
    assert_eq!(secret.secret_hash.as_deref(), Some("FpCwXwSjTRQNtEI11I00-g"));
    assert_serializes_to(&secret, &new_secret_example());
}

#[tokio::test]
async fn delete_api_service_integration_instance_secret_encodes_both_ids_and_returns_unit() {
    let server = MockServer::start().await;
    let at = format!("/integrations/api/v1/api-services/{SERVICE_ID}/credentials/secrets/{ODD_ID_ENCODED}");
    respond(&server, "DELETE", &at, ResponseTemplate::new(204)).await;

    let () = client(&server)
        .api_service_integrations()
        .delete_api_service_integration_instance_secret(SERVICE_ID, ODD_ID)
        .send()
        .await
        .expect("deleteApiServiceIntegrationInstanceSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "DELETE", path: &at, query: None, authorization: AUTH, json_body: None },
    );
}

#[tokio::test]
async fn activate_api_service_integration_instance_secret_posts_lifecycle_activate() {
    let server = MockServer::start().await;
    let at = format!(
        "/integrations/api/v1/api-services/{ODD_ID_ENCODED}/credentials/secrets/ocs2f50kZB0cITmYU0g4/lifecycle/activate"
    );
    respond(&server, "POST", &at, ok_json(active_secret_example())).await;

    let secret = client(&server)
        .api_service_integrations()
        .activate_api_service_integration_instance_secret(ODD_ID, "ocs2f50kZB0cITmYU0g4")
        .send()
        .await
        .expect("activateApiServiceIntegrationInstanceSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "POST", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(secret.status, SecretStatus::Active);
    assert_eq!(secret.id.as_deref(), Some("ocs2f50kZB0cITmYU0g4"));
    assert!(secret.links.deactivate.is_some());
    assert_serializes_to(&secret, &active_secret_example());
}

#[tokio::test]
async fn deactivate_api_service_integration_instance_secret_posts_lifecycle_deactivate() {
    let server = MockServer::start().await;
    let at = format!(
        "/integrations/api/v1/api-services/{SERVICE_ID}/credentials/secrets/{ODD_ID_ENCODED}/lifecycle/deactivate"
    );
    respond(&server, "POST", &at, ok_json(inactive_secret_example())).await;

    let secret = client(&server)
        .api_service_integrations()
        .deactivate_api_service_integration_instance_secret(SERVICE_ID, ODD_ID)
        .send()
        .await
        .expect("deactivateApiServiceIntegrationInstanceSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "POST", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(secret.status, SecretStatus::Inactive);
    assert_eq!(secret.id.as_deref(), Some("ocs2f4zrZbs8nUa7p0g4"));
    assert_eq!(secret.last_updated, Some(utc("2023-02-21T20:08:24Z")));
    assert_serializes_to(&secret, &inactive_secret_example());
}

// ---------------------------------------------------------------------------
// Authentication alternatives
// ---------------------------------------------------------------------------

#[tokio::test]
async fn oauth2_access_token_is_sent_as_bearer_when_no_api_token_is_configured() {
    let server = MockServer::start().await;
    respond(&server, "GET", "/api/v1/hook-keys", ok_json(json!([]))).await;
    let client = Client::builder().base_url(server.uri()).oauth2_token("eyJ.okta-access-token").build().unwrap();

    let keys = client.hook_key().list_hook_keys().send().await.unwrap();

    assert!(keys.is_empty());
    let request = single_request(&server).await;
    assert_eq!(header(&request, "authorization").as_deref(), Some("Bearer eyJ.okta-access-token"));
}

// ---------------------------------------------------------------------------
// Typed errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn client_error_is_api_error_with_status_headers_and_typed_okta_error_body() {
    let server = MockServer::start().await;
    let body = json!({
        "errorCode": "E0000001",
        "errorSummary": "Api validation failed: name",
        "errorLink": "E0000001",
        "errorId": "sampleiCF-8D5rLW6myqiPItW",
        "errorCauses": [ { "errorSummary": "name: The field cannot be left blank" } ]
    });
    respond(
        &server,
        "PUT",
        "/api/v1/api-tokens/00Tabcdefg1234567890",
        ResponseTemplate::new(400).insert_header("x-okta-request-id", "reqid-123").set_body_json(body.clone()),
    )
    .await;

    let err = client(&server)
        .api_token()
        .upsert_api_token("00Tabcdefg1234567890", models::ApiTokenUpdate::default())
        .send()
        .await
        .expect_err("a 400 is an error");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let Error::Api(api) = &err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api.status().as_u16(), 400);
    assert_eq!(api.headers().get("x-okta-request-id").map(|v| v.to_str().unwrap()), Some("reqid-123"));
    let typed = api.body().expect("the Okta Error body parses");
    assert_eq!(typed.error_code.as_deref(), Some("E0000001"));
    assert_eq!(typed.error_summary.as_deref(), Some("Api validation failed: name"));
    assert_eq!(typed.error_id.as_deref(), Some("sampleiCF-8D5rLW6myqiPItW"));
    let causes = typed.error_causes.as_ref().expect("errorCauses");
    assert_eq!(causes.len(), 1);
    assert_eq!(causes[0].error_summary.as_deref(), Some("name: The field cannot be left blank"));
    assert_json_eq(&serde_json::from_str(api.raw_body()).unwrap(), &body);
    let display = err.to_string();
    assert!(display.contains("400"), "{display}");
    assert!(display.contains("E0000001"), "{display}");
}

#[tokio::test]
async fn not_found_is_api_error_with_the_resource_not_found_example() {
    let server = MockServer::start().await;
    // `ErrorResourceNotFound`
    let body = json!({
        "errorCode": "E0000007",
        "errorSummary": "Not found: {0}",
        "errorLink": "E0000007",
        "errorId": "sampleMlLvGUj_YD5v16vkYWY",
        "errorCauses": []
    });
    respond(&server, "GET", "/api/v1/hook-keys/public/nope", ResponseTemplate::new(404).set_body_json(body.clone()))
        .await;

    let err = client(&server).hook_key().get_public_key("nope").send().await.unwrap_err();

    let Error::Api(api) = err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api.status().as_u16(), 404);
    let typed = api.into_body().expect("typed body");
    assert_eq!(typed.error_code.as_deref(), Some("E0000007"));
    assert_eq!(typed.error_causes, Some(vec![]));
    assert_serializes_to(&typed, &body);
}

#[tokio::test]
async fn server_error_with_non_json_body_keeps_the_raw_body() {
    let server = MockServer::start().await;
    let html = "<html><body><h1>500 Internal Server Error</h1></body></html>";
    respond(&server, "GET", "/api/v1/hook-keys", ResponseTemplate::new(500).set_body_raw(html, "text/html")).await;

    let err = client(&server).hook_key().list_hook_keys().send().await.unwrap_err();

    let Error::Api(api) = &err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api.status().as_u16(), 500);
    assert!(api.body().is_none(), "HTML is not an Okta Error");
    assert_eq!(api.raw_body(), html);
    assert_eq!(api.headers().get("content-type").map(|v| v.to_str().unwrap()), Some("text/html"));
    assert!(err.to_string().contains("500 Internal Server Error"), "{err}");
    assert_eq!(received(&server).await.len(), 1, "a 500 is not retried");
}

#[tokio::test]
async fn malformed_success_body_is_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    let mut body = api_token_example();
    body["name"] = json!(42);
    respond(&server, "GET", "/api/v1/api-tokens/x", ok_json(body)).await;

    let err = client(&server).api_token().get_api_token("x").send().await.unwrap_err();

    let Error::Decode(decode) = &err else { panic!("expected Error::Decode, got {err:?}") };
    assert_eq!(decode.status().as_u16(), 200);
    assert_eq!(decode.path(), "name");
    assert!(
        err.to_string().starts_with("getApiToken: response body at `name`: invalid type: integer, expected a string"),
        "{err}"
    );
}

/// The listed secrets with the second one's `created` malformed.
fn secret_list_with_bad_created() -> Value {
    let mut body = secret_list_example();
    body[1]["created"] = json!("2023-04-06 21:32 PDT");
    body
}

#[tokio::test]
async fn list_with_one_malformed_timestamp_returns_every_item_and_keeps_the_value_as_sent() {
    warnings(""); // installs the recorder before the request
    let server = MockServer::start().await;
    let at = format!("/integrations/api/v1/api-services/{SERVICE_ID}/credentials/secrets");
    respond(&server, "GET", &at, ok_json(secret_list_with_bad_created())).await;

    let secrets = client(&server)
        .api_service_integrations()
        .list_api_service_integration_instance_secrets(SERVICE_ID)
        .send()
        .await
        .expect("one malformed timestamp does not fail the page");

    assert_eq!(secrets.len(), 2);
    assert_eq!(secrets[0].created, Some(utc("2023-02-21T20:08:24Z")));
    let created = secrets[1].created.as_ref().unwrap();
    assert_eq!(created.raw(), Some("2023-04-06 21:32 PDT"));
    assert_eq!(created.parsed(), None);
    assert_eq!(secrets[1].last_updated, Some(utc("2023-04-06T21:32:33Z")));
    // Sent back exactly as received.
    assert_serializes_to(&secrets, &secret_list_with_bad_created());
    let warned = warnings("listApiServiceIntegrationInstanceSecrets");
    assert!(warned.iter().any(|w| w.contains("path=\"[1].created\"")), "{warned:#?}");
}

#[tokio::test]
async fn malformed_timestamp_with_strict_formats_is_decode_error_naming_the_item() {
    let server = MockServer::start().await;
    let at = format!("/integrations/api/v1/api-services/{SERVICE_ID}/credentials/secrets");
    respond(&server, "GET", &at, ok_json(secret_list_with_bad_created())).await;
    let strict = Client::builder().base_url(server.uri()).api_token(TOKEN).strict_formats(true).build().unwrap();

    let err = strict
        .api_service_integrations()
        .list_api_service_integration_instance_secrets(SERVICE_ID)
        .send()
        .await
        .unwrap_err();

    let Error::Decode(decode) = &err else { panic!("expected Error::Decode, got {err:?}") };
    assert_eq!(decode.path(), "[1].created");
    assert!(
        err.to_string().starts_with(
            "listApiServiceIntegrationInstanceSecrets: response body at `[1].created`: \
             invalid date-time: "
        ),
        "{err}"
    );
}

/// The official spec's `getPublicKey` example wraps the key in `_embedded`;
/// the docs also show it bare, which is what the schema says. spec/okta.yaml
/// marks the schema `x-rust-also-wrapped-in: _embedded`, so both decode to
/// the same key, with no warning. (The only test whose `getPublicKey` body
/// could warn, so counting is safe.)
#[tokio::test]
async fn get_public_key_decodes_the_bare_and_the_wrapped_key_alike() {
    warnings(""); // installs the recorder before the requests
    let server = MockServer::start().await;
    respond(&server, "GET", "/api/v1/hook-keys/public/bare", ok_json(public_key_example())).await;
    respond(&server, "GET", "/api/v1/hook-keys/public/wrapped", ok_json(json!({"_embedded": public_key_example()})))
        .await;
    let client = client(&server);

    let bare = client.hook_key().get_public_key("bare").send().await.unwrap();
    assert!(bare.kid.is_some() && bare.n.is_some());
    let wrapped = client.hook_key().get_public_key("wrapped").send().await.expect("the wrapped key decodes");
    assert_eq!(wrapped, bare);
    assert!(wrapped.additional_properties.is_empty(), "{wrapped:?}");
    assert!(warnings("getPublicKey").is_empty(), "{:#?}", warnings("getPublicKey"));
}

#[tokio::test]
async fn malformed_list_item_is_decode_error_naming_index_and_nested_field() {
    let server = MockServer::start().await;
    let mut body = api_token_list_example();
    body[1]["_links"]["self"]["hints"]["allow"] = json!(["GET", 42]);
    respond(&server, "GET", "/api/v1/api-tokens", ok_json(body)).await;

    let err = client(&server).api_token().list_api_tokens().send().await.unwrap_err();

    let Error::Decode(decode) = &err else { panic!("expected Error::Decode, got {err:?}") };
    assert_eq!(decode.path(), "[1]._links.self.hints.allow[1]");
}

#[tokio::test]
async fn missing_required_field_is_decode_error_naming_it() {
    let server = MockServer::start().await;
    let mut body = new_secret_example();
    body.as_object_mut().unwrap().remove("status");
    respond(
        &server,
        "POST",
        &format!("/integrations/api/v1/api-services/{SERVICE_ID}/credentials/secrets"),
        ResponseTemplate::new(201).set_body_json(body),
    )
    .await;

    let err = client(&server)
        .api_service_integrations()
        .create_api_service_integration_instance_secret(SERVICE_ID)
        .send()
        .await
        .unwrap_err();

    let Error::Decode(decode) = &err else { panic!("expected Error::Decode, got {err:?}") };
    assert_eq!(decode.status().as_u16(), 201);
    assert!(decode.message().contains("status"), "{}", decode.message());
    assert!(!format!("{err:?} {err}").contains(&new_client_secret()), "a decode error must not echo the secret");
}

// ---------------------------------------------------------------------------
// Rate limits and retries
// ---------------------------------------------------------------------------

fn epoch_now() -> Duration {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap()
}

#[tokio::test]
async fn rate_limited_429_waits_until_x_rate_limit_reset_then_succeeds() {
    let server = MockServer::start().await;
    // Start just after a whole second, so that "now + 1" (whole epoch seconds)
    // is about one second away rather than anywhere between 0 and 1 s.
    let into_second = Duration::from_nanos(u64::from(epoch_now().subsec_nanos()));
    tokio::time::sleep(Duration::from_secs(1) - into_second + Duration::from_millis(20)).await;
    let reset = epoch_now().as_secs() + 1;
    Mock::given(method("GET"))
        .and(path("/api/v1/api-tokens/00Tabcdefg1234567890"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("x-rate-limit-limit", "600")
                .insert_header("x-rate-limit-remaining", "0")
                .insert_header("x-rate-limit-reset", reset.to_string().as_str())
                .set_body_json(too_many_requests_example()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    respond(&server, "GET", "/api/v1/api-tokens/00Tabcdefg1234567890", ok_json(api_token_example())).await;

    let started = Instant::now();
    let token = retrying_client(&server)
        .api_token()
        .get_api_token("00Tabcdefg1234567890")
        .send()
        .await
        .expect("succeeds after the rate limit resets");
    let waited = started.elapsed();

    assert_eq!(token.id.as_deref(), Some("00Tabcdefg1234567890"));
    assert_eq!(received(&server).await.len(), 2);
    assert!(waited >= Duration::from_millis(900), "retried after {waited:?}, before X-Rate-Limit-Reset");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
}

#[tokio::test]
async fn rate_limited_429_with_retry_after_seconds_waits_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/hook-keys"))
        .respond_with(
            ResponseTemplate::new(429).insert_header("retry-after", "1").set_body_json(too_many_requests_example()),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    respond(&server, "GET", "/api/v1/hook-keys", ok_json(hook_key_list_example())).await;

    let started = Instant::now();
    let keys = retrying_client(&server).hook_key().list_hook_keys().send().await.expect("succeeds after Retry-After");
    let waited = started.elapsed();

    assert_eq!(keys.len(), 2);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert!(requests.iter().all(|r| header(r, "authorization").as_deref() == Some(AUTH)));
    assert!(waited >= Duration::from_millis(950), "retried after {waited:?}");
    assert!(waited < Duration::from_secs(3), "waited {waited:?}");
}

#[tokio::test]
async fn service_unavailable_without_headers_is_retried_with_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/api/v1/hook-keys/HKY1"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    respond(&server, "DELETE", "/api/v1/hook-keys/HKY1", ResponseTemplate::new(204)).await;

    let started = Instant::now();
    retrying_client(&server).hook_key().delete_hook_key("HKY1").send().await.unwrap();

    assert_eq!(received(&server).await.len(), 3);
    assert!(started.elapsed() < Duration::from_secs(1), "10 ms backoff, not seconds");
}

#[tokio::test]
async fn rate_limit_that_persists_returns_the_typed_429_after_max_retries() {
    let server = MockServer::start().await;
    respond(
        &server,
        "GET",
        "/api/v1/api-tokens",
        ResponseTemplate::new(429).insert_header("retry-after", "0").set_body_json(too_many_requests_example()),
    )
    .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_token(TOKEN)
        .retry_policy(RetryPolicy::default().max_retries(2).initial_delay(Duration::from_millis(10)))
        .build()
        .unwrap();

    let err = client.api_token().list_api_tokens().send().await.unwrap_err();

    assert_eq!(received(&server).await.len(), 3, "first attempt + 2 retries");
    let Error::Api(api) = err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api.status().as_u16(), 429);
    assert_eq!(api.body().and_then(|b| b.error_code.as_deref()), Some("E0000047"));
}

#[tokio::test]
async fn rate_limit_reset_beyond_max_retry_after_is_returned_at_once() {
    let server = MockServer::start().await;
    let reset = epoch_now().as_secs() + 3600;
    respond(
        &server,
        "GET",
        "/api/v1/api-tokens",
        ResponseTemplate::new(429)
            .insert_header("x-rate-limit-reset", reset.to_string().as_str())
            .set_body_json(too_many_requests_example()),
    )
    .await;

    let started = Instant::now();
    let err = retrying_client(&server).api_token().list_api_tokens().send().await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(received(&server).await.len(), 1);
    assert!(started.elapsed() < Duration::from_secs(1));
}

// ---------------------------------------------------------------------------
// Paging (Link: <...>; rel="next")
// ---------------------------------------------------------------------------

fn token_named(name: &str) -> Value {
    json!({ "id": format!("00T{name}"), "name": name })
}

/// Mounts a three-page `listApiTokens`: page 1 (no cursor) links to
/// `after=cursor2`, page 2 to `after=cursor3`, page 3 has only a `self` link.
async fn mount_three_pages(server: &MockServer) {
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/api/v1/api-tokens"))
        .and(query_param_is_missing("after"))
        .respond_with(
            ok_json(json!([token_named("a"), token_named("b")]))
                .append_header("link", format!("<{base}/api/v1/api-tokens>; rel=\"self\"").as_str())
                .append_header("link", format!("<{base}/api/v1/api-tokens?after=cursor2>; rel=\"next\"").as_str()),
        )
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/api-tokens"))
        .and(query_param("after", "cursor2"))
        .respond_with(
            ok_json(json!([token_named("c"), token_named("d")])).append_header(
                "link",
                format!(
                    "<{base}/api/v1/api-tokens?after=cursor2>; rel=\"self\", <{base}/api/v1/api-tokens?after=cursor3>; rel=\"next\""
                )
                .as_str(),
            ),
        )
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/api-tokens"))
        .and(query_param("after", "cursor3"))
        .respond_with(
            ok_json(json!([token_named("e")]))
                .append_header("link", format!("<{base}/api/v1/api-tokens?after=cursor3>; rel=\"self\"").as_str()),
        )
        .expect(1)
        .mount(server)
        .await;
}

async fn assert_three_pages_requested(server: &MockServer) {
    let requests = received(server).await;
    let queries: Vec<Option<&str>> = requests.iter().map(|r| r.url.query()).collect();
    assert_eq!(queries, [None, Some("after=cursor2"), Some("after=cursor3")]);
    for request in &requests {
        assert_eq!(request.url.path(), "/api/v1/api-tokens");
        assert_eq!(header(request, "authorization").as_deref(), Some(AUTH));
    }
}

#[tokio::test]
async fn stream_follows_link_next_across_three_pages_in_order() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;
    let client = client(&server);

    let mut pages = client.api_token().list_api_tokens().stream();
    let mut names = Vec::new();
    while let Some(token) = pages.next().await {
        names.push(token.expect("every page decodes").name);
    }

    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    assert_three_pages_requested(&server).await;
}

#[tokio::test]
async fn collect_all_returns_every_item_of_every_page_in_order() {
    let server = MockServer::start().await;
    mount_three_pages(&server).await;

    let tokens = client(&server).api_token().list_api_tokens().collect_all().await.unwrap();

    let ids: Vec<_> = tokens.iter().map(|t| t.id.clone().unwrap()).collect();
    assert_eq!(ids, ["00Ta", "00Tb", "00Tc", "00Td", "00Te"]);
    assert_three_pages_requested(&server).await;
}

#[tokio::test]
async fn stream_stops_with_an_error_on_a_failing_page_after_yielding_earlier_items() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/api/v1/hook-keys"))
        .and(query_param_is_missing("after"))
        .respond_with(
            ok_json(hook_key_list_example())
                .insert_header("link", format!("<{base}/api/v1/hook-keys?after=2>; rel=\"next\"").as_str()),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/hook-keys"))
        .and(query_param("after", "2"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({
            "errorCode": "E0000006",
            "errorSummary": "You do not have permission to perform the requested action",
            "errorLink": "E0000006",
            "errorId": "sampleNUSD_8fdkFd8fs8SDBK",
            "errorCauses": []
        })))
        .mount(&server)
        .await;

    let results: Vec<_> = client(&server).hook_key().list_hook_keys().stream().collect().await;

    assert_eq!(results.len(), 3, "two keys, then the error");
    assert!(results[0].is_ok() && results[1].is_ok());
    let Err(Error::Api(api)) = &results[2] else { panic!("expected Error::Api, got {:?}", results[2]) };
    assert_eq!(api.status().as_u16(), 403);
    assert_eq!(api.body().and_then(|b| b.error_code.as_deref()), Some("E0000006"));
}

#[tokio::test]
async fn next_link_to_another_origin_is_refused_and_gets_no_credentials() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/api-tokens"))
        .respond_with(
            ok_json(json!([token_named("a")])).insert_header(
                "link",
                format!("<{}/api/v1/api-tokens?after=x>; rel=\"next\"", elsewhere.uri()).as_str(),
            ),
        )
        .mount(&server)
        .await;
    respond(&elsewhere, "GET", "/api/v1/api-tokens", ok_json(json!([token_named("stolen")]))).await;

    let results: Vec<_> = client(&server).api_token().list_api_tokens().stream().collect().await;

    assert_eq!(results.len(), 2);
    assert_eq!(results[0].as_ref().unwrap().name, "a");
    assert!(matches!(&results[1], Err(Error::InvalidRequest(m)) if m.contains("another origin")), "{:?}", results[1]);
    assert!(received(&elsewhere).await.is_empty(), "the token went to another origin");
}

// ---------------------------------------------------------------------------
// Unknown fields and enum values survive a round trip
// ---------------------------------------------------------------------------

#[tokio::test]
async fn hook_key_unknown_fields_survive_get_then_replace() {
    let server = MockServer::start().await;
    let mut stored = hook_key_example();
    stored["rotation"] = json!({ "policy": "YEARLY", "next": "2026-01-01" });
    stored["x-future-flag"] = json!(true);
    respond(&server, "GET", "/api/v1/hook-keys/HKY1p7jWLndGQV9M60g4", ok_json(stored)).await;
    respond(&server, "PUT", "/api/v1/hook-keys/HKY1p7jWLndGQV9M60g4", ok_json(replaced_hook_key_example())).await;
    let client = client(&server);

    let key = client.hook_key().get_hook_key("HKY1p7jWLndGQV9M60g4").send().await.unwrap();
    assert_eq!(key.additional_properties.len(), 2);
    let request = models::KeyRequest {
        name: "My updated new key".into(),
        additional_properties: key.additional_properties.clone(),
    };
    client.hook_key().replace_hook_key(key.id.clone().unwrap(), request).send().await.unwrap();

    let put = &received(&server).await[1];
    assert_eq!(put.method.as_str(), "PUT");
    let sent: Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(
        sent,
        json!({
            "name": "My updated new key",
            "rotation": { "policy": "YEARLY", "next": "2026-01-01" },
            "x-future-flag": true
        })
    );
}

#[tokio::test]
async fn api_token_unknown_fields_and_enum_values_survive_get_then_upsert() {
    let server = MockServer::start().await;
    let mut stored = api_token_example();
    stored["status"] = json!("SUSPENDED");
    stored["network"]["zoneType"] = json!("DYNAMIC_V2");
    stored["_links"]["self"]["hints"]["allow"] = json!(["GET", "PATCH", "DELETE"]);
    respond(&server, "GET", "/api/v1/api-tokens/00Tabcdefg1234567890", ok_json(stored.clone())).await;
    respond(&server, "PUT", "/api/v1/api-tokens/00Tabcdefg1234567890", ok_json(api_token_example())).await;
    let client = client(&server);

    let token = client.api_token().get_api_token("00Tabcdefg1234567890").send().await.unwrap();
    assert_eq!(token.additional_properties.get("status"), Some(&json!("SUSPENDED")));
    let allow = token.links.as_ref().unwrap().self_.as_ref().unwrap().hints.as_ref().unwrap();
    assert_eq!(allow.allow, Some(vec![HttpMethod::Get, HttpMethod::Unknown("PATCH".into()), HttpMethod::Delete]));
    assert_serializes_to(&token, &stored);

    // The update type lists fewer properties than the token: converting through
    // JSON keeps the others (and the unknown ones) in `additional_properties`.
    let mut update: models::ApiTokenUpdate = serde_json::from_value(serde_json::to_value(&token).unwrap()).unwrap();
    update.name = Some("renamed token".into());
    client.api_token().upsert_api_token("00Tabcdefg1234567890", update).send().await.unwrap();

    let put = &received(&server).await[1];
    let sent: Value = serde_json::from_slice(&put.body).unwrap();
    let mut expected = stored;
    expected["name"] = json!("renamed token");
    assert_json_eq(&sent, &expected);
    assert_eq!(sent["status"], "SUSPENDED");
    assert_eq!(sent["network"]["zoneType"], "DYNAMIC_V2");
    assert_eq!(sent["_links"]["self"]["hints"]["allow"], json!(["GET", "PATCH", "DELETE"]));
}

#[tokio::test]
async fn secret_with_unknown_status_decodes_to_unknown_and_serializes_unchanged() {
    let server = MockServer::start().await;
    let mut listed = secret_list_example();
    listed[0]["status"] = json!("ROTATING");
    listed[0]["rotatedFrom"] = json!("ocs2f4zrZbs8nUa7p0g3");
    let at = format!("/integrations/api/v1/api-services/{SERVICE_ID}/credentials/secrets");
    respond(&server, "GET", &at, ok_json(listed.clone())).await;

    let secrets = client(&server)
        .api_service_integrations()
        .list_api_service_integration_instance_secrets(SERVICE_ID)
        .send()
        .await
        .unwrap();

    assert_eq!(secrets[0].status, SecretStatus::Unknown("ROTATING".into()));
    assert_eq!(secrets[0].status.as_str(), "ROTATING");
    assert_eq!(secrets[1].status, SecretStatus::Active);
    assert_eq!(secrets[0].additional_properties.get("rotatedFrom"), Some(&json!("ocs2f4zrZbs8nUa7p0g3")));
    assert_serializes_to(&secrets, &listed);
}

// ---------------------------------------------------------------------------
// Secrets never leak
// ---------------------------------------------------------------------------

#[tokio::test]
async fn client_and_builder_debug_never_show_the_api_token() {
    let builder = Client::builder().api_token(TOKEN).your_okta_domain("acme.okta.com");
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?} {client:#?}");

    for debug in [&builder_debug, &client_debug] {
        assert!(!debug.contains(TOKEN), "token leaked: {debug}");
        assert!(!debug.contains("00QCjAl4MlV"), "part of the token leaked: {debug}");
    }
    assert!(client_debug.contains("https://acme.okta.com"), "{client_debug}");
    assert!(client_debug.contains("api key in header `authorization`"), "the scheme is named: {client_debug}");
}

#[tokio::test]
async fn api_error_debug_and_display_never_show_the_api_token() {
    let server = MockServer::start().await;
    // A misbehaving proxy that echoes the credentials in response headers.
    respond(
        &server,
        "GET",
        "/api/v1/api-tokens/current-user",
        ResponseTemplate::new(401)
            .insert_header("authorization", AUTH)
            .insert_header("set-cookie", format!("sid={TOKEN}; HttpOnly").as_str())
            // `ErrorInvalidTokenProvided`
            .set_body_json(json!({
                "errorCode": "E0000011",
                "errorSummary": "Invalid token provided",
                "errorLink": "E0000011",
                "errorId": "sampleQPivGUj_ND5v78vbYWW",
                "errorCauses": []
            })),
    )
    .await;

    let err = client(&server).api_token().get_api_token("current-user").send().await.unwrap_err();

    let Error::Api(api) = &err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api.status().as_u16(), 401);
    assert_eq!(api.body().and_then(|b| b.error_code.as_deref()), Some("E0000011"));
    for text in [format!("{err:?}"), format!("{err:#?}"), err.to_string()] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
}

#[tokio::test]
async fn transport_error_never_shows_the_api_token() {
    // A port nothing listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let err = client.api_token().get_api_token("x").send().await.unwrap_err();

    assert!(matches!(err, Error::Transport(_)), "{err:?}");
    for text in [format!("{err:?}"), err.to_string()] {
        assert!(!text.contains(TOKEN), "token leaked: {text}");
    }
}

#[tokio::test]
async fn created_secret_client_secret_is_redacted_in_debug() {
    let server = MockServer::start().await;
    let at = format!("/integrations/api/v1/api-services/{SERVICE_ID}/credentials/secrets");
    respond(&server, "POST", &at, ResponseTemplate::new(201).set_body_json(new_secret_example())).await;

    let secret = client(&server)
        .api_service_integrations()
        .create_api_service_integration_instance_secret(SERVICE_ID)
        .send()
        .await
        .unwrap();

    let debug = format!("{secret:?} {secret:#?}");
    assert!(!debug.contains(&new_client_secret()), "client_secret leaked: {debug}");
    assert!(debug.contains("redacted"), "{debug}");
    assert!(debug.contains("ocs2f50kZB0cITmYU0g4"), "the id is shown: {debug}");
    // The value itself is still there for the caller.
    assert_eq!(secret.client_secret.as_deref(), Some(new_client_secret().as_str()));
}

// ---------------------------------------------------------------------------
// Response headers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn send_with_headers_exposes_the_rate_limit_budget_beside_the_typed_body() {
    let server = MockServer::start().await;
    let response = ok_json(api_token_example())
        .insert_header("X-Rate-Limit-Limit", "600")
        .insert_header("X-Rate-Limit-Remaining", "598")
        .insert_header("X-Rate-Limit-Reset", "1700000000");
    respond(&server, "GET", "/api/v1/api-tokens/00Tabcdefg1234567890", response).await;

    let response = client(&server).api_token().get_api_token("00Tabcdefg1234567890").send_with_headers().await.unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["x-rate-limit-remaining"], "598");
    assert_eq!(response.body().id.as_deref(), Some("00Tabcdefg1234567890"));
    assert_serializes_to(&response.into_body(), &api_token_example());
}

/// A server that redirects to another host, as a misconfigured proxy or a
/// compromised endpoint would: the generated client refuses to follow it, and
/// the other host (127.0.0.2) never sees the API token.
#[tokio::test]
async fn a_redirect_to_another_host_is_refused_and_the_token_never_reaches_it() {
    let other = MockServer::builder()
        .listener(std::net::TcpListener::bind("127.0.0.2:0").expect("127.0.0.2 is a loopback address"))
        .start()
        .await;
    Mock::given(wiremock::matchers::any()).respond_with(ok_json(json!([]))).mount(&other).await;
    let server = MockServer::start().await;
    let location = format!("{}/api/v1/api-tokens", other.uri());
    respond(&server, "GET", "/api/v1/api-tokens", ResponseTemplate::new(302).insert_header("Location", location)).await;

    let error = client(&server).api_token().list_api_tokens().await.expect_err("the redirect is refused");
    let message = error.to_string();
    assert!(message.starts_with("listApiTokens: "), "{message}");
    assert!(message.contains(&other.uri()), "the error names the other host: {message}");
    assert!(received(&other).await.is_empty(), "the other host received a request");
    assert!(!format!("{error:?}").contains(TOKEN), "{error:?}");
}

/// A list response larger than the client's body limit fails with an error
/// naming the operation and the limit, instead of filling memory.
#[tokio::test]
async fn a_body_over_the_size_limit_fails_with_the_operation_and_the_limit() {
    let server = MockServer::start().await;
    respond(&server, "GET", "/api/v1/api-tokens", ok_json(json!([api_token_example(), api_token_example()]))).await;
    let client =
        Client::builder().base_url(server.uri()).api_token(TOKEN).max_body_size(100).build().expect("a valid client");

    let error = client.api_token().list_api_tokens().await.expect_err("the body is over the limit");
    let Error::Transport(transport) = &error else { panic!("expected a transport error, got {error:?}") };
    assert!(transport.is_body_too_large(), "{error}");
    assert!(error.to_string().starts_with("listApiTokens: "), "{error}");
    assert!(error.to_string().contains("100 B") || error.to_string().contains("100 bytes"), "{error}");
}

/// The user's own `reqwest::Client` (reqwest 0.13, the version the generated
/// crate depends on) is accepted and used as it is: its `User-Agent` goes out,
/// and a transport error hands back the same `reqwest::Error` type.
#[tokio::test]
async fn a_users_own_reqwest_client_is_used_as_built() {
    let server = MockServer::start().await;
    respond(&server, "GET", "/api/v1/hook-keys/public/k", ok_json(public_key_example())).await;
    let own: reqwest::Client = reqwest::Client::builder().user_agent("my-app/1.0").build().unwrap();
    let client = Client::builder().base_url(server.uri()).api_token(TOKEN).http_client(own).build().unwrap();
    client.hook_key().get_public_key("k").send().await.unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(received[0].headers["user-agent"], "my-app/1.0");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = Client::builder()
        .base_url(&base)
        .api_token(TOKEN)
        .retry_policy(RetryPolicy::none())
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let Error::Transport(err) = client.hook_key().get_public_key("k").send().await.unwrap_err() else {
        panic!("expected a transport error")
    };
    let source: Option<&reqwest::Error> = err.reqwest_error();
    assert!(source.is_some_and(reqwest::Error::is_connect), "{err:?}");
}

// ---------------------------------------------------------------------------
// Every error example of the spec
// ---------------------------------------------------------------------------

#[test]
fn every_error_example_in_the_spec_decodes_into_the_error_model_and_back_unchanged() {
    let errors: Vec<_> = SPEC.response_examples().into_iter().filter(|e| !e.status.starts_with('2')).collect();
    // 5 statuses (400, 401, 403, 404, 429), each shown on many operations.
    let statuses: std::collections::BTreeSet<&str> = errors.iter().map(|e| e.status.as_str()).collect();
    assert_eq!(statuses.into_iter().collect::<Vec<_>>(), ["400", "401", "403", "404", "429"]);
    for example in &errors {
        let at = format!("{} {} {}", example.operation, example.status, example.name);
        assert_eq!(example.schema.as_deref(), Some("#/components/schemas/Error"), "{at}: the error model");
        let error: models::Error =
            serde_json::from_value(example.value.clone()).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert!(error.additional_properties.is_empty(), "{at}: a property the model lacks: {error:?}");
        let code = error.error_code.as_deref().unwrap_or_else(|| panic!("{at}: no errorCode"));
        assert!(code.starts_with("E0000"), "{at}: {code}");
        assert_serializes_to(&error, &example.value);
    }
}
