//! End-to-end tests of the generated `ocs-identity-client` crate against a
//! wiremock server on 127.0.0.1: every operation (method, percent-encoded
//! path, query, `Authorization: Bearer <token>`, JSON body, typed response
//! built from the spec's examples), typed errors, skip/count paging, OAuth 2.0
//! client credentials (fetch once, reuse, refresh), unknown fields and secret
//! redaction.
//!
//! The example documents are read from `spec/ocs-identity.yaml`
//! (`components.examples`), and every error example there is decoded into
//! the error model.

mod common;

use std::sync::LazyLock;
use std::time::Duration;

use common::examples::SpecExamples;
use common::{
    assert_request, assert_serializes_to, form_fields, header, query_param, received, single_request, utc, Expected,
};
use futures::StreamExt as _;
use ocs_identity_client::models::{self, ClientSecretCreateOrUpdate};
use ocs_identity_client::{Client, ClientBuilder, Credentials, Error, Lenient, RetryPolicy};
use serde_json::{json, Value};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The bearer token every test client authenticates with.
const TOKEN: &str = "eyJhbGciOiJSUzI1NiJ9.ocs-bearer-token-do-not-leak";
/// The `Authorization` header that token must produce.
const AUTH: &str = "Bearer eyJhbGciOiJSUzI1NiJ9.ocs-bearer-token-do-not-leak";
/// The tenant of every request (the spec's parameter example).
const TENANT: &str = "9a1d9d3e-6b5a-4b8e-a2f5-3f0c7a1e2b4d";
/// A client id that needs percent-encoding (space, `/`, `?`, `%`, non-ASCII).
const ODD_CLIENT: &str = "svc/nightly export?%\u{fc}";
/// `ODD_CLIENT` as it must appear in the path.
const ODD_CLIENT_ENCODED: &str = "svc%2Fnightly%20export%3F%25%C3%BC";
/// The client id of the spec's parameter example.
const CLIENT_ID: &str = "5c1b2e3d-8f9a-4b7c-9d6e-1a2b3c4d5e6f";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer(TOKEN)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("a valid client")
}

async fn respond(server: &MockServer, verb: &str, at: &str, response: ResponseTemplate) {
    Mock::given(method(verb)).and(path(at)).respond_with(response).mount(server).await;
}

fn ok_json(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

fn hybrid(client_encoded: &str) -> String {
    format!("/api/v1/Tenants/{TENANT}/HybridClients/{client_encoded}/Secrets")
}

fn client_credential(client_encoded: &str) -> String {
    format!("/api/v1/Tenants/{TENANT}/ClientCredentialClients/{client_encoded}/Secrets")
}

// ---------------------------------------------------------------------------
// Examples from spec/ocs-identity.yaml
// ---------------------------------------------------------------------------

/// The spec whose examples the tests serve and expect.
static SPEC: LazyLock<SpecExamples> = LazyLock::new(|| SpecExamples::load("ocs-identity.yaml"));

/// `ClientSecretCreateOrUpdateRequest`
fn create_or_update_request() -> Value {
    SPEC.example("ClientSecretCreateOrUpdateRequest")
}

/// The typed form of `ClientSecretCreateOrUpdateRequest`: its expiration
/// parsed from the example's text, so it is sent as that text.
fn create_or_update_body() -> ClientSecretCreateOrUpdate {
    let example = create_or_update_request();
    let expiration = example["Expiration"].as_str().expect("the example's Expiration");
    ClientSecretCreateOrUpdate {
        expiration: Some(Some(Lenient::parse(expiration))),
        expires: Some(Some(false)),
        description: Some(Some("description".into())),
        ..Default::default()
    }
}

/// `ClientSecretExpiringRequest`
fn expiring_request() -> Value {
    SPEC.example("ClientSecretExpiringRequest")
}

/// `ClientSecretListResponse`
fn secret_list_example() -> Value {
    SPEC.example("ClientSecretListResponse")
}

/// `ClientSecretResponseExample`
fn secret_example() -> Value {
    SPEC.example("ClientSecretResponseExample")
}

/// `ClientSecretUpdatedResponse`
fn updated_secret_example() -> Value {
    SPEC.example("ClientSecretUpdatedResponse")
}

/// The secret value the tests put in `ClientSecretCreatedResponse` (the
/// spec's example is literally `Secret`; a longer value makes leak checks
/// meaningful).
const NEW_SECRET_VALUE: &str = "Secret-4f9c2a7e1d8b3c6f5a0e9d2c7b4a1f8e";

/// `ClientSecretCreatedResponse`, with `NEW_SECRET_VALUE` as its `Secret`.
fn created_secret_example() -> Value {
    let mut example = SPEC.example("ClientSecretCreatedResponse");
    example["Secret"] = json!(NEW_SECRET_VALUE);
    example
}

/// `ErrorSecretNotFound`
fn secret_not_found_example() -> Value {
    SPEC.example("ErrorSecretNotFound")
}

fn assert_secret_example_fields(secret: &models::ClientSecret, expiration: &str) {
    assert_eq!(secret.id, Some(0));
    assert_eq!(secret.expiration, Some(Some(utc(expiration))));
    assert_eq!(secret.expires, Some(Some(false)));
    assert_eq!(secret.description, Some(Some("description".to_owned())));
    assert!(secret.additional_properties.is_empty());
}

// ---------------------------------------------------------------------------
// Operations: HybridClientSecrets
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_hybrid_client_secrets_without_options_sends_no_query_and_decodes_the_list() {
    let server = MockServer::start().await;
    let at = hybrid(ODD_CLIENT_ENCODED);
    respond(&server, "GET", &at, ok_json(secret_list_example()).insert_header("total-count", "2")).await;

    let secrets = client(&server)
        .hybrid_client_secrets()
        .get_hybrid_client_secrets(TENANT, ODD_CLIENT)
        .send()
        .await
        .expect("getHybridClientSecrets succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_eq!(secrets.len(), 2);
    assert_secret_example_fields(&secrets[0], "2019-05-31T14:57:08.5721303-07:00");
    assert_secret_example_fields(&secrets[1], "2019-05-31T14:57:08.5724552-07:00");
    assert_serializes_to(&secrets, &secret_list_example());
}

#[tokio::test]
async fn create_hybrid_client_secret_posts_the_example_and_decodes_the_201_with_secret() {
    let server = MockServer::start().await;
    let at = hybrid(ODD_CLIENT_ENCODED);
    respond(&server, "POST", &at, ResponseTemplate::new(201).set_body_json(created_secret_example())).await;

    let created = client(&server)
        .hybrid_client_secrets()
        .create_hybrid_client_secret(TENANT, ODD_CLIENT, create_or_update_body())
        .send()
        .await
        .expect("createHybridClientSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected {
            method: "POST",
            path: &at,
            query: None,
            authorization: AUTH,
            json_body: Some(create_or_update_request()),
        },
    );
    assert_eq!(created.secret, Some(Some(NEW_SECRET_VALUE.to_owned())));
    assert_eq!(created.id, Some(0));
    assert_eq!(created.expiration, Some(Some(utc("2019-05-31T21:57:08.5795202Z"))));
    assert_eq!(created.expires, Some(Some(false)));
    assert_eq!(created.description, Some(Some("description".to_owned())));
    assert_serializes_to(&created, &created_secret_example());
}

#[tokio::test]
async fn get_hybrid_client_secret_puts_the_integer_id_in_the_path() {
    let server = MockServer::start().await;
    let at = format!("{}/7", hybrid(ODD_CLIENT_ENCODED));
    respond(&server, "GET", &at, ok_json(secret_example())).await;

    let secret = client(&server)
        .hybrid_client_secrets()
        .get_hybrid_client_secret(TENANT, ODD_CLIENT, 7)
        .send()
        .await
        .expect("getHybridClientSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_secret_example_fields(&secret, "2019-05-31T14:57:08.5763045-07:00");
    assert_serializes_to(&secret, &secret_example());
}

#[tokio::test]
async fn update_hybrid_client_secret_puts_the_expiring_example_and_decodes_the_secret() {
    let server = MockServer::start().await;
    let at = format!("{}/2147483647", hybrid(CLIENT_ID));
    respond(&server, "PUT", &at, ok_json(updated_secret_example())).await;

    let body = ClientSecretCreateOrUpdate {
        expiration: Some(Some(utc("2030-01-01T00:00:00Z"))),
        expires: Some(Some(true)),
        description: Some(Some("Secret for the nightly export job".into())),
        ..Default::default()
    };
    let secret = client(&server)
        .hybrid_client_secrets()
        .update_hybrid_client_secret(TENANT, CLIENT_ID, i32::MAX, body)
        .send()
        .await
        .expect("updateHybridClientSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "PUT", path: &at, query: None, authorization: AUTH, json_body: Some(expiring_request()) },
    );
    assert_secret_example_fields(&secret, "2019-05-31T14:57:08.5830795-07:00");
    assert_serializes_to(&secret, &updated_secret_example());
}

#[tokio::test]
async fn delete_hybrid_client_secret_deletes_and_returns_unit_on_204() {
    let server = MockServer::start().await;
    let at = format!("{}/1", hybrid(ODD_CLIENT_ENCODED));
    respond(&server, "DELETE", &at, ResponseTemplate::new(204)).await;

    let () = client(&server)
        .hybrid_client_secrets()
        .delete_hybrid_client_secret(TENANT, ODD_CLIENT, 1)
        .send()
        .await
        .expect("deleteHybridClientSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "DELETE", path: &at, query: None, authorization: AUTH, json_body: None },
    );
}

// ---------------------------------------------------------------------------
// Operations: ClientCredentialClientSecrets
// ---------------------------------------------------------------------------

#[tokio::test]
async fn get_client_credential_client_secrets_sends_query_skip_and_count() {
    let server = MockServer::start().await;
    let at = client_credential(ODD_CLIENT_ENCODED);
    respond(&server, "GET", &at, ok_json(secret_list_example())).await;

    let secrets = client(&server)
        .client_credential_client_secrets()
        .get_client_credential_client_secrets(TENANT, ODD_CLIENT)
        .query("Description eq 'a&b'")
        .skip(1)
        .count(2)
        .send()
        .await
        .expect("getClientCredentialClientSecrets succeeds");

    assert_request(
        &single_request(&server).await,
        Expected {
            method: "GET",
            path: &at,
            query: Some("query=Description%20eq%20%27a%26b%27&skip=1&count=2"),
            authorization: AUTH,
            json_body: None,
        },
    );
    assert_eq!(secrets.len(), 2);
    assert_secret_example_fields(&secrets[0], "2019-05-31T14:57:08.5721303-07:00");
    assert_serializes_to(&secrets, &secret_list_example());
}

#[tokio::test]
async fn create_client_credential_client_secret_posts_the_example_and_decodes_the_201() {
    let server = MockServer::start().await;
    let at = client_credential(CLIENT_ID);
    respond(&server, "POST", &at, ResponseTemplate::new(201).set_body_json(created_secret_example())).await;

    let created = client(&server)
        .client_credential_client_secrets()
        .create_client_credential_client_secret(TENANT, CLIENT_ID, create_or_update_body())
        .send()
        .await
        .expect("createClientCredentialClientSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected {
            method: "POST",
            path: &at,
            query: None,
            authorization: AUTH,
            json_body: Some(create_or_update_request()),
        },
    );
    assert_eq!(created.secret, Some(Some(NEW_SECRET_VALUE.to_owned())));
    assert_eq!(created.id, Some(0));
    assert_serializes_to(&created, &created_secret_example());
}

#[tokio::test]
async fn get_client_credential_client_secret_encodes_client_and_decodes_the_secret() {
    let server = MockServer::start().await;
    let at = format!("{}/0", client_credential(ODD_CLIENT_ENCODED));
    respond(&server, "GET", &at, ok_json(secret_example())).await;

    let secret = client(&server)
        .client_credential_client_secrets()
        .get_client_credential_client_secret(TENANT, ODD_CLIENT, 0)
        .send()
        .await
        .expect("getClientCredentialClientSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "GET", path: &at, query: None, authorization: AUTH, json_body: None },
    );
    assert_secret_example_fields(&secret, "2019-05-31T14:57:08.5763045-07:00");
    assert_serializes_to(&secret, &secret_example());
}

#[tokio::test]
async fn update_client_credential_client_secret_puts_the_example_and_decodes_the_secret() {
    let server = MockServer::start().await;
    let at = format!("{}/-3", client_credential(ODD_CLIENT_ENCODED));
    respond(&server, "PUT", &at, ok_json(updated_secret_example())).await;

    let secret = client(&server)
        .client_credential_client_secrets()
        .update_client_credential_client_secret(TENANT, ODD_CLIENT, -3, create_or_update_body())
        .send()
        .await
        .expect("updateClientCredentialClientSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected {
            method: "PUT",
            path: &at,
            query: None,
            authorization: AUTH,
            json_body: Some(create_or_update_request()),
        },
    );
    assert_secret_example_fields(&secret, "2019-05-31T14:57:08.5830795-07:00");
    assert_serializes_to(&secret, &updated_secret_example());
}

#[tokio::test]
async fn delete_client_credential_client_secret_deletes_and_returns_unit_on_204() {
    let server = MockServer::start().await;
    let at = format!("{}/42", client_credential(ODD_CLIENT_ENCODED));
    respond(&server, "DELETE", &at, ResponseTemplate::new(204)).await;

    let () = client(&server)
        .client_credential_client_secrets()
        .delete_client_credential_client_secret(TENANT, ODD_CLIENT, 42)
        .send()
        .await
        .expect("deleteClientCredentialClientSecret succeeds");

    assert_request(
        &single_request(&server).await,
        Expected { method: "DELETE", path: &at, query: None, authorization: AUTH, json_body: None },
    );
}

#[tokio::test]
async fn nulls_and_absent_properties_are_sent_as_given() {
    // `ClientSecretCreateOrUpdate`: absent (None) is not sent, explicit null
    // (Some(None)) is sent as null ("not changed" on update).
    let server = MockServer::start().await;
    let at = format!("{}/5", client_credential(CLIENT_ID));
    respond(&server, "PUT", &at, ok_json(updated_secret_example())).await;

    let body = ClientSecretCreateOrUpdate {
        expiration: Some(None),
        description: Some(Some("only the description".into())),
        ..Default::default()
    };
    client(&server)
        .client_credential_client_secrets()
        .update_client_credential_client_secret(TENANT, CLIENT_ID, 5, body)
        .send()
        .await
        .unwrap();

    let sent: Value = serde_json::from_slice(&single_request(&server).await.body).unwrap();
    assert_eq!(sent, json!({ "Expiration": null, "Description": "only the description" }));
}

// ---------------------------------------------------------------------------
// Typed errors
// ---------------------------------------------------------------------------

#[tokio::test]
async fn not_found_is_api_error_with_the_typed_error_response() {
    let server = MockServer::start().await;
    let at = format!("{}/1", hybrid(CLIENT_ID));
    respond(
        &server,
        "GET",
        &at,
        ResponseTemplate::new(404)
            .insert_header("operation-id", "4b0d7f8e-6a5c-4d9e-9f2a-1b0c9d8e7f6a")
            .set_body_json(secret_not_found_example()),
    )
    .await;

    let err = client(&server)
        .hybrid_client_secrets()
        .get_hybrid_client_secret(TENANT, CLIENT_ID, 1)
        .send()
        .await
        .expect_err("a 404 is an error");

    assert_eq!(err.status().map(|s| s.as_u16()), Some(404));
    let Error::Api(api) = &err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api.status().as_u16(), 404);
    assert_eq!(
        api.headers().get("operation-id").map(|v| v.to_str().unwrap()),
        Some("4b0d7f8e-6a5c-4d9e-9f2a-1b0c9d8e7f6a")
    );
    let typed = api.body().expect("the ErrorResponse parses");
    assert_eq!(typed.error, Some(Some("Not found.".to_owned())));
    assert_eq!(typed.operation_id, Some(Some("4b0d7f8e-6a5c-4d9e-9f2a-1b0c9d8e7f6a".to_owned())));
    assert_eq!(typed.resolution, Some(Some("Check the tenant, client and secret identifiers.".to_owned())));
    assert_eq!(typed.dynamic_properties, None);
    assert_serializes_to(typed, &secret_not_found_example());
    assert!(err.to_string().contains("404"), "{err}");
}

#[tokio::test]
async fn unauthorized_with_empty_body_is_api_error_without_typed_body() {
    let server = MockServer::start().await;
    respond(&server, "GET", &hybrid(CLIENT_ID), ResponseTemplate::new(401)).await;

    let err =
        client(&server).hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).send().await.unwrap_err();

    let Error::Api(api) = &err else { panic!("expected Error::Api, got {err:?}") };
    assert_eq!(api.status().as_u16(), 401);
    assert!(api.body().is_none());
    assert_eq!(api.raw_body(), "");
}

#[tokio::test]
async fn error_response_with_extra_and_null_properties_is_kept() {
    let server = MockServer::start().await;
    let body = json!({
        "OperationId": null,
        "Error": "The request is not valid.",
        "Reason": "Expires is false but an Expiration was given.",
        "Resolution": "Either set Expires to true or remove the Expiration.",
        "DynamicProperties": { "Field": "Expiration" },
        "TraceId": "00-abc-01"
    });
    respond(&server, "POST", &client_credential(CLIENT_ID), ResponseTemplate::new(400).set_body_json(body.clone()))
        .await;

    let err = client(&server)
        .client_credential_client_secrets()
        .create_client_credential_client_secret(TENANT, CLIENT_ID, create_or_update_body())
        .send()
        .await
        .unwrap_err();

    let Error::Api(api) = err else { panic!("expected Error::Api, got {err:?}") };
    let typed = api.into_body().expect("typed");
    assert_eq!(typed.operation_id, Some(None), "explicit null");
    assert_eq!(typed.dynamic_properties, Some(Some(json!({ "Field": "Expiration" }))));
    assert_eq!(typed.additional_properties.get("TraceId"), Some(&json!("00-abc-01")));
    assert_serializes_to(&typed, &body);
}

#[tokio::test]
async fn malformed_expiration_is_kept_as_sent_and_every_secret_returned() {
    let server = MockServer::start().await;
    let mut body = secret_list_example();
    body[1]["Expiration"] = json!("next tuesday");
    respond(&server, "GET", &hybrid(CLIENT_ID), ok_json(body.clone())).await;

    let secrets =
        client(&server).hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).send().await.unwrap();

    assert_eq!(secrets.len(), 2);
    assert!(secrets[0].expiration.clone().flatten().is_some_and(|e| e.is_parsed()));
    let kept = secrets[1].expiration.clone().flatten().unwrap();
    assert_eq!(kept.raw(), Some("next tuesday"));
    assert_serializes_to(&secrets[1], &body[1]);
}

#[tokio::test]
async fn malformed_expiration_with_strict_formats_is_decode_error_naming_the_field() {
    let server = MockServer::start().await;
    let mut body = secret_list_example();
    body[1]["Expiration"] = json!("next tuesday");
    respond(&server, "GET", &hybrid(CLIENT_ID), ok_json(body)).await;
    let strict = Client::builder().base_url(server.uri()).bearer(TOKEN).strict_formats(true).build().unwrap();

    let err = strict.hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).send().await.unwrap_err();

    let Error::Decode(decode) = &err else { panic!("expected Error::Decode, got {err:?}") };
    assert_eq!(decode.status().as_u16(), 200);
    assert_eq!(decode.path(), "[1].Expiration");
    assert!(
        err.to_string().starts_with("getHybridClientSecrets: response body at `[1].Expiration`: invalid date-time: "),
        "{err}"
    );
}

#[tokio::test]
async fn integer_id_out_of_range_is_decode_error_naming_id() {
    let server = MockServer::start().await;
    let mut body = secret_example();
    body["Id"] = json!(4_294_967_296_u64);
    respond(&server, "GET", &format!("{}/1", hybrid(CLIENT_ID)), ok_json(body)).await;

    let err = client(&server)
        .hybrid_client_secrets()
        .get_hybrid_client_secret(TENANT, CLIENT_ID, 1)
        .send()
        .await
        .unwrap_err();

    let Error::Decode(decode) = &err else { panic!("expected Error::Decode, got {err:?}") };
    assert_eq!(decode.path(), "Id");
}

// ---------------------------------------------------------------------------
// Paging (skip / count)
// ---------------------------------------------------------------------------

fn secret_numbered(id: i32) -> Value {
    json!({ "Id": id, "Expiration": null, "Expires": false, "Description": format!("secret {id}") })
}

/// Answers list requests from `total` secrets, honouring `skip` and `count`.
async fn mount_secret_pages(server: &MockServer, at: &str, total: i32) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(move |request: &Request| {
            let number = |name: &str, default: i32| {
                query_param(request, name).map_or(default, |v| v.parse().expect("an integer"))
            };
            let (skip, count) = (number("skip", 0), number("count", 100));
            let page: Vec<Value> = (skip..total.min(skip + count)).map(secret_numbered).collect();
            ResponseTemplate::new(200).insert_header("total-count", total.to_string().as_str()).set_body_json(page)
        })
        .mount(server)
        .await;
}

/// `(skip, count)` of every request received, as sent (`None` when absent).
async fn offsets(server: &MockServer) -> Vec<(Option<String>, Option<String>)> {
    received(server).await.iter().map(|r| (query_param(r, "skip"), query_param(r, "count"))).collect()
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

#[tokio::test]
async fn stream_pages_with_skip_and_count_until_an_empty_page() {
    let server = MockServer::start().await;
    let at = client_credential(CLIENT_ID);
    mount_secret_pages(&server, &at, 5).await;

    let mut pages = client(&server)
        .client_credential_client_secrets()
        .get_client_credential_client_secrets(TENANT, CLIENT_ID)
        .count(2)
        .stream();
    let mut ids = Vec::new();
    while let Some(secret) = pages.next().await {
        ids.push(secret.expect("every page decodes").id.unwrap());
    }

    assert_eq!(ids, [0, 1, 2, 3, 4]);
    // The first request leaves `skip` at its default (0). The short page at 4
    // may be the server's cap on the page size: only the empty one at 5 ends.
    assert_eq!(
        offsets(&server).await,
        [(None, some("2")), (some("2"), some("2")), (some("4"), some("2")), (some("5"), some("2"))]
    );
    for request in received(&server).await {
        assert_eq!(request.url.path(), at);
        assert_eq!(header(&request, "authorization").as_deref(), Some(AUTH));
    }
}

#[tokio::test]
async fn collect_all_starting_at_skip_zero_requests_skip_0_2_4_5() {
    let server = MockServer::start().await;
    let at = hybrid(ODD_CLIENT_ENCODED);
    mount_secret_pages(&server, &at, 5).await;

    let secrets = client(&server)
        .hybrid_client_secrets()
        .get_hybrid_client_secrets(TENANT, ODD_CLIENT)
        .skip(0)
        .count(2)
        .collect_all()
        .await
        .unwrap();

    let descriptions: Vec<_> = secrets.iter().map(|s| s.description.clone().flatten().unwrap()).collect();
    assert_eq!(descriptions, ["secret 0", "secret 1", "secret 2", "secret 3", "secret 4"]);
    assert_eq!(
        offsets(&server).await,
        [(some("0"), some("2")), (some("2"), some("2")), (some("4"), some("2")), (some("5"), some("2"))]
    );
}

#[tokio::test]
async fn paging_ends_on_an_empty_page_when_the_total_is_a_multiple_of_count() {
    let server = MockServer::start().await;
    let at = hybrid(CLIENT_ID);
    mount_secret_pages(&server, &at, 4).await;

    let secrets = client(&server)
        .hybrid_client_secrets()
        .get_hybrid_client_secrets(TENANT, CLIENT_ID)
        .count(2)
        .collect_all()
        .await
        .unwrap();

    assert_eq!(secrets.len(), 4);
    assert_eq!(offsets(&server).await, [(None, some("2")), (some("2"), some("2")), (some("4"), some("2"))]);
}

#[tokio::test]
async fn paging_without_count_sends_the_spec_default_page_size() {
    let server = MockServer::start().await;
    let at = hybrid(CLIENT_ID);
    mount_secret_pages(&server, &at, 3).await;

    let secrets = client(&server)
        .hybrid_client_secrets()
        .get_hybrid_client_secrets(TENANT, CLIENT_ID)
        .collect_all()
        .await
        .unwrap();

    assert_eq!(secrets.len(), 3);
    // The page of 3 is short, but servers may cap the page size below 100: the empty page at 3 ends.
    assert_eq!(offsets(&server).await, [(None, some("100")), (some("3"), some("100"))]);
}

// ---------------------------------------------------------------------------
// OAuth 2.0 client credentials
// ---------------------------------------------------------------------------

const OAUTH_CLIENT_ID: &str = "4d6e8f0a-ccc-client";
const OAUTH_CLIENT_SECRET: &str = "ccc-client-secret-do-not-leak-7Yq2";
const TOKEN_PATH: &str = "/identity/connect/token";

fn token_response(access_token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "access_token": access_token,
        "expires_in": expires_in,
        "token_type": "Bearer"
    }))
}

/// The generated builder as a user writes it: the base URL points at the
/// mock, and the spec's token URL (`https://{host}/identity/connect/token`)
/// follows it there.
fn oauth_builder(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.uri())
        .oauth2_client_credentials(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET)
        .retry_policy(RetryPolicy::none())
}

fn token_requests(requests: &[Request]) -> Vec<&Request> {
    requests.iter().filter(|r| r.url.path() == TOKEN_PATH).collect()
}

fn api_authorizations(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .filter(|r| r.url.path() != TOKEN_PATH)
        .map(|r| header(r, "authorization").unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn oauth2_token_is_fetched_once_with_client_credentials_and_reused() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("access-1", 3600))
        .mount(&server)
        .await;
    respond(&server, "GET", &hybrid(CLIENT_ID), ok_json(secret_list_example())).await;
    respond(&server, "GET", &format!("{}/0", client_credential(CLIENT_ID)), ok_json(secret_example())).await;
    respond(&server, "DELETE", &format!("{}/0", hybrid(CLIENT_ID)), ResponseTemplate::new(204)).await;
    let client = oauth_builder(&server).build().unwrap();

    client.hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).await.unwrap();
    client.client_credential_client_secrets().get_client_credential_client_secret(TENANT, CLIENT_ID, 0).await.unwrap();
    client.clone().hybrid_client_secrets().delete_hybrid_client_secret(TENANT, CLIENT_ID, 0).await.unwrap();

    let requests = received(&server).await;
    let tokens = token_requests(&requests);
    assert_eq!(tokens.len(), 1, "one token for three calls (clones share the cache)");
    assert_eq!(tokens[0].method.as_str(), "POST");
    assert_eq!(header(tokens[0], "content-type").as_deref(), Some("application/x-www-form-urlencoded"));
    assert_eq!(
        form_fields(tokens[0]),
        [
            ("grant_type".to_owned(), "client_credentials".to_owned()),
            ("client_id".to_owned(), OAUTH_CLIENT_ID.to_owned()),
            ("client_secret".to_owned(), OAUTH_CLIENT_SECRET.to_owned()),
        ],
        "no scope parameter: the spec's scope list is empty"
    );
    assert_eq!(api_authorizations(&requests), ["Bearer access-1"; 3]);
    assert_eq!(requests[0].url.path(), TOKEN_PATH, "the token comes first");
}

#[tokio::test]
async fn oauth2_token_is_refreshed_after_it_expires() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("access-1", 1))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("access-2", 3600))
        .mount(&server)
        .await;
    respond(&server, "GET", &hybrid(CLIENT_ID), ok_json(json!([]))).await;
    let client = oauth_builder(&server).token_refresh_margin(Duration::ZERO).build().unwrap();
    let list = || client.hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID);

    list().await.unwrap();
    list().await.unwrap(); // still valid: reused
    tokio::time::sleep(Duration::from_millis(1200)).await;
    list().await.unwrap(); // expired: refreshed
    list().await.unwrap();

    let requests = received(&server).await;
    assert_eq!(token_requests(&requests).len(), 2);
    assert_eq!(
        api_authorizations(&requests),
        ["Bearer access-1", "Bearer access-1", "Bearer access-2", "Bearer access-2"]
    );
}

#[tokio::test]
async fn oauth2_token_is_refreshed_within_the_refresh_margin() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("short-lived", 2))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path(TOKEN_PATH)).respond_with(token_response("fresh", 3600)).mount(&server).await;
    respond(&server, "GET", &hybrid(CLIENT_ID), ok_json(json!([]))).await;
    // Default margin (30 s) > lifetime (2 s): the margin shrinks to half the
    // lifetime, so the first token is reused for 1 s, then refreshed.
    let client = oauth_builder(&server).build().unwrap();
    let list = || client.hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID);

    list().await.unwrap();
    list().await.unwrap();
    tokio::time::sleep(Duration::from_millis(1100)).await;
    list().await.unwrap();

    let requests = received(&server).await;
    assert_eq!(api_authorizations(&requests), ["Bearer short-lived", "Bearer short-lived", "Bearer fresh"]);
}

#[tokio::test]
async fn oauth2_token_is_refetched_once_when_the_api_answers_401() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("revoked", 3600))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST")).and(path(TOKEN_PATH)).respond_with(token_response("valid", 3600)).mount(&server).await;
    Mock::given(method("GET"))
        .and(path(hybrid(CLIENT_ID)))
        .and(wiremock::matchers::header("authorization", "Bearer valid"))
        .respond_with(ok_json(secret_list_example()))
        .mount(&server)
        .await;
    respond(&server, "GET", &hybrid(CLIENT_ID), ResponseTemplate::new(401)).await;
    let client = oauth_builder(&server).build().unwrap();

    let secrets = client.hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).await.unwrap();

    assert_eq!(secrets.len(), 2);
    let requests = received(&server).await;
    assert_eq!(token_requests(&requests).len(), 2);
    assert_eq!(api_authorizations(&requests), ["Bearer revoked", "Bearer valid"]);
}

#[tokio::test]
async fn concurrent_requests_share_one_token_fetch() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("shared", 3600).set_delay(Duration::from_millis(200)))
        .mount(&server)
        .await;
    respond(&server, "GET", &hybrid(CLIENT_ID), ok_json(json!([]))).await;
    let client = oauth_builder(&server).build().unwrap();

    let calls = (0..5).map(|_| {
        let client = client.clone();
        async move { client.hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).await }
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }

    let requests = received(&server).await;
    assert_eq!(token_requests(&requests).len(), 1);
    assert_eq!(api_authorizations(&requests), ["Bearer shared"; 5]);
}

#[tokio::test]
async fn relative_token_url_resolves_against_the_base_url() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_response("relative", 3600))
        .mount(&server)
        .await;
    respond(&server, "GET", &hybrid(CLIENT_ID), ok_json(json!([]))).await;
    let client = Client::builder()
        .base_url(server.uri())
        .credentials("oauth2", Credentials::client_credentials(TOKEN_PATH, OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET, &[]))
        .build()
        .unwrap();

    client.hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).await.unwrap();

    assert_eq!(api_authorizations(&received(&server).await), ["Bearer relative"]);
}

#[tokio::test]
async fn generated_oauth2_client_credentials_fetch_the_token_from_the_host_variable() {
    // `.oauth2_client_credentials()` uses the spec's `https://{host}/identity/connect/token`.
    // A plain TCP listener stands in for `{host}`: the client must open a TLS
    // connection to it (a TLS handshake record starts with 0x16) before any API call.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let host = listener.local_addr().unwrap().to_string();
    let first_bytes = std::thread::spawn(move || {
        use std::io::Read as _;
        let (mut stream, _) = listener.accept().unwrap();
        let mut buf = [0u8; 5];
        stream.read_exact(&mut buf).unwrap();
        buf
    });
    let client = Client::builder()
        .host(host.as_str())
        .oauth2_client_credentials(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET)
        .timeout(Duration::from_secs(5))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();

    let debug = format!("{client:?}");
    assert!(debug.contains(&format!("oauth2 client credentials (https://{host}/identity/connect/token)")), "{debug}");
    let err = client.hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).await.unwrap_err();

    let record = first_bytes.join().unwrap();
    assert_eq!(record[0], 0x16, "a TLS handshake to {{host}}, got {record:?}");
    assert!(matches!(&err, Error::Auth(m) if m.contains("security scheme `oauth2`")), "{err:?}");
    for text in [format!("{err:?}"), err.to_string(), debug] {
        assert!(!text.contains(OAUTH_CLIENT_SECRET), "client secret leaked: {text}");
    }
}

// ---------------------------------------------------------------------------
// Unknown fields survive a round trip
// ---------------------------------------------------------------------------

#[tokio::test]
async fn secret_unknown_fields_survive_get_then_update() {
    let server = MockServer::start().await;
    let at = format!("{}/3", client_credential(CLIENT_ID));
    let mut stored = secret_example();
    stored["Id"] = json!(3);
    stored["CreatedBy"] = json!({ "Id": "u-17", "Kind": "ServicePrincipal" });
    stored["RotationState"] = json!("PendingRotation");
    respond(&server, "GET", &at, ok_json(stored)).await;
    respond(&server, "PUT", &at, ok_json(updated_secret_example())).await;
    let client = client(&server);
    let api = client.client_credential_client_secrets();

    let secret = api.get_client_credential_client_secret(TENANT, CLIENT_ID, 3).await.unwrap();
    assert_eq!(secret.additional_properties.len(), 2);
    let update = ClientSecretCreateOrUpdate {
        description: Some(Some("rotated".into())),
        expiration: secret.expiration,
        expires: secret.expires,
        additional_properties: secret.additional_properties.clone(),
    };
    api.update_client_credential_client_secret(TENANT, CLIENT_ID, secret.id.unwrap(), update).await.unwrap();

    let put = &received(&server).await[1];
    assert_eq!(put.method.as_str(), "PUT");
    let sent: Value = serde_json::from_slice(&put.body).unwrap();
    common::assert_json_eq(
        &sent,
        &json!({
            "Expiration": "2019-05-31T14:57:08.5763045-07:00",
            "Expires": false,
            "Description": "rotated",
            "CreatedBy": { "Id": "u-17", "Kind": "ServicePrincipal" },
            "RotationState": "PendingRotation"
        }),
    );
}

// ---------------------------------------------------------------------------
// Secrets never leak
// ---------------------------------------------------------------------------

#[tokio::test]
async fn client_debug_never_shows_the_bearer_token_or_client_secret() {
    let bearer = Client::builder().bearer(TOKEN);
    let oauth = Client::builder().oauth2_client_credentials(OAUTH_CLIENT_ID, OAUTH_CLIENT_SECRET);
    let texts = [
        format!("{bearer:?}"),
        format!("{oauth:?}"),
        format!("{:?}", bearer.build().unwrap()),
        format!("{:#?}", oauth.build().unwrap()),
    ];

    for text in &texts {
        assert!(!text.contains(TOKEN), "bearer token leaked: {text}");
        assert!(!text.contains(OAUTH_CLIENT_SECRET), "client secret leaked: {text}");
    }
}

#[tokio::test]
async fn api_error_debug_and_display_never_show_the_bearer_token() {
    let server = MockServer::start().await;
    respond(
        &server,
        "GET",
        &hybrid(CLIENT_ID),
        ResponseTemplate::new(403)
            .insert_header("authorization", AUTH)
            // `ErrorForbidden`
            .set_body_json(json!({
                "OperationId": "2f8b5d6c-4e3a-4b7c-9d0e-9f8a7b6c5d4e",
                "Error": "Forbidden.",
                "Reason": "The caller does not have the Account Administrator role.",
                "Resolution": "Use a client or user with the required role."
            })),
    )
    .await;

    let err = client(&server).hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).await.unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    for text in [format!("{err:?}"), format!("{err:#?}"), err.to_string()] {
        assert!(!text.contains(TOKEN), "bearer token leaked: {text}");
    }
}

#[tokio::test]
async fn token_endpoint_error_never_shows_the_client_secret() {
    let server = MockServer::start().await;
    // An identity server that echoes the form back in its error.
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({
            "error": "invalid_client",
            "error_description": format!("unknown client_secret {OAUTH_CLIENT_SECRET}")
        })))
        .mount(&server)
        .await;
    let client = oauth_builder(&server).build().unwrap();

    let err = client.hybrid_client_secrets().get_hybrid_client_secrets(TENANT, CLIENT_ID).await.unwrap_err();

    let Error::Auth(message) = &err else { panic!("expected Error::Auth, got {err:?}") };
    assert!(message.contains("invalid_client"), "{message}");
    assert!(message.contains("[REDACTED]"), "{message}");
    for text in [format!("{err:?}"), err.to_string()] {
        assert!(!text.contains(OAUTH_CLIENT_SECRET), "client secret leaked: {text}");
    }
}

#[tokio::test]
async fn created_secret_value_is_redacted_in_debug() {
    let server = MockServer::start().await;
    respond(&server, "POST", &hybrid(CLIENT_ID), ResponseTemplate::new(201).set_body_json(created_secret_example()))
        .await;

    let created = client(&server)
        .hybrid_client_secrets()
        .create_hybrid_client_secret(TENANT, CLIENT_ID, create_or_update_body())
        .await
        .unwrap();

    let debug = format!("{created:?} {created:#?}");
    assert!(!debug.contains(NEW_SECRET_VALUE), "Secret leaked: {debug}");
    assert!(debug.contains("redacted"), "{debug}");
    assert!(debug.contains("description"), "other fields are shown: {debug}");
    assert_eq!(created.secret.flatten().as_deref(), Some(NEW_SECRET_VALUE));
}

// ---------------------------------------------------------------------------
// Response headers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn send_with_headers_exposes_total_count_beside_the_typed_list() {
    let server = MockServer::start().await;
    let response = ok_json(secret_list_example()).insert_header("Total-Count", "42");
    respond(&server, "GET", &hybrid(CLIENT_ID), response).await;

    let response = client(&server)
        .hybrid_client_secrets()
        .get_hybrid_client_secrets(TENANT, CLIENT_ID)
        .send_with_headers()
        .await
        .unwrap();

    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["total-count"], "42");
    assert_eq!(response.body().len(), secret_list_example().as_array().unwrap().len());
}

// ---------------------------------------------------------------------------
// Every error example of the spec
// ---------------------------------------------------------------------------

#[test]
fn every_error_example_in_the_spec_decodes_into_the_error_model_and_back_unchanged() {
    let errors: Vec<_> = SPEC.response_examples().into_iter().filter(|e| !e.status.starts_with('2')).collect();
    let statuses: std::collections::BTreeSet<&str> = errors.iter().map(|e| e.status.as_str()).collect();
    assert_eq!(statuses.into_iter().collect::<Vec<_>>(), ["400", "401", "403", "404", "408", "500"]);
    for example in &errors {
        let at = format!("{} {} {}", example.operation, example.status, example.name);
        assert_eq!(example.schema.as_deref(), Some("#/components/schemas/ErrorResponse"), "{at}: the error model");
        let error: models::ErrorResponse =
            serde_json::from_value(example.value.clone()).unwrap_or_else(|e| panic!("{at}: {e}"));
        assert!(error.additional_properties.is_empty(), "{at}: a property the model lacks: {error:?}");
        assert!(matches!(&error.error, Some(Some(text)) if !text.is_empty()), "{at}: no Error text: {error:?}");
        assert_serializes_to(&error, &example.value);
    }
}
