//! Tolerant decoding of formatted strings (`Lenient`), strict mode, and the
//! warnings the client logs about bodies that do not match their type.
//!
//! Events go to one process-wide recorder (set once), and each test reads
//! only the events of its own operation id: a thread-local subscriber could
//! miss events from call sites whose interest another test cached.

mod common;

use common::recorder::warnings;

use reqwest::Method;
use runtime_template::runtime::{Error, Lenient, RawResponse, Request};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

type DateTime = chrono::DateTime<chrono::Utc>;

#[derive(Debug, Serialize, Deserialize, PartialEq)]
struct Token {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    created: Option<Lenient<DateTime>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    day: Option<Lenient<chrono::NaiveDate>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    uid: Option<Lenient<uuid::Uuid>>,
}

fn get(operation: &'static str) -> Request {
    Request::new(Method::GET, "/api/v1/api-tokens", operation)
}

async fn serve(body: serde_json::Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any()).respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(&server).await;
    server
}

fn list_with_bad_values() -> serde_json::Value {
    json!([
        {"id": "a", "created": "2024-01-01T00:00:00.000Z", "day": "2024-01-01", "uid": "67e55044-10b1-426f-9247-bb680e5fe0c8"},
        {"id": "b", "created": "2024-13-45 25:61", "day": "01/02/2024", "uid": "not-a-uuid"},
        {"id": "c", "created": "2024-01-03T00:00:00+01:00"}
    ])
}

#[tokio::test]
async fn unparsable_formatted_values_are_kept_and_every_item_returned() {
    warnings(""); // installs the recorder
    let server = serve(list_with_bad_values()).await;
    let raw = common::client(&server).execute::<()>(get("listLenient")).await.unwrap();
    let tokens: Vec<Token> = raw.json::<_, ()>().unwrap();

    assert_eq!(tokens.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(), ["a", "b", "c"]);
    let created = |i: usize| tokens[i].created.as_ref().unwrap();
    assert_eq!(created(0).parsed().unwrap().to_rfc3339(), "2024-01-01T00:00:00+00:00");
    assert_eq!(created(1).raw(), Some("2024-13-45 25:61"));
    assert_eq!(created(1).parsed(), None);
    assert_eq!(tokens[1].day.as_ref().unwrap().raw(), Some("01/02/2024"));
    assert_eq!(tokens[1].uid.as_ref().unwrap().raw(), Some("not-a-uuid"));
    assert!(tokens[0].uid.as_ref().unwrap().is_parsed());
    assert_eq!(created(2).parsed().unwrap().to_rfc3339(), "2024-01-02T23:00:00+00:00");

    // Raw values go back exactly as received.
    let again = serde_json::to_value(&tokens[1]).unwrap();
    assert_eq!(again, list_with_bad_values()[1]);

    let logged = warnings("listLenient");
    assert_eq!(logged.len(), 1, "{logged:#?}");
    assert!(logged[0].contains("path=\"[1].created\""), "{logged:#?}");
    assert!(logged[0].contains("kept=3"), "{logged:#?}");
    assert!(logged[0].contains("invalid date-time: "), "{logged:#?}");
    assert!(!logged[0].contains("2024-13-45"), "the value is not logged: {logged:#?}");
}

#[tokio::test]
async fn strict_formats_fail_the_body_naming_the_first_bad_field() {
    warnings(""); // installs the recorder
    let server = serve(list_with_bad_values()).await;
    let client = common::builder(&server).strict_formats(true).build().unwrap();
    let raw = client.execute::<()>(get("listStrict")).await.unwrap();
    let err = raw.json::<Vec<Token>, ()>().unwrap_err();
    let Error::Decode(decode) = &err else { panic!("{err:?}") };
    assert_eq!(decode.path(), "[1].created");
    assert!(err.to_string().starts_with("listStrict: response body at `[1].created`: invalid date-time: "));
    assert!(warnings("listStrict").is_empty());
}

#[tokio::test]
async fn well_formed_values_parse_without_a_warning() {
    warnings(""); // installs the recorder
    let server = serve(json!([{"id": "a", "created": "2024-01-01T00:00:00Z", "day": "2024-02-29"}])).await;
    let raw = common::client(&server).execute::<()>(get("listClean")).await.unwrap();
    let tokens: Vec<Token> = raw.json::<_, ()>().unwrap();
    assert_eq!(tokens[0].day.as_ref().and_then(Lenient::parsed), Some(&"2024-02-29".parse().unwrap()));
    assert!(warnings("listClean").is_empty());
}

#[test]
fn a_formatted_value_that_is_not_a_string_is_still_an_error() {
    let err = serde_json::from_value::<Token>(json!({"id": "a", "created": 1700000000})).unwrap_err();
    assert!(err.to_string().contains("a date-time string"), "{err}");
}

#[test]
fn lenient_values_are_built_from_parsed_values_and_text() {
    let now = chrono::Utc::now();
    assert_eq!(Lenient::from(now).into_result(), Ok(now));
    assert_eq!(Lenient::<DateTime>::parse("soon").raw(), Some("soon"));
    assert_eq!(Lenient::<uuid::Uuid>::default().parsed(), Some(&uuid::Uuid::nil()));
}

#[test]
fn a_received_value_serializes_back_as_received_and_equals_the_same_value() {
    let received: Lenient<DateTime> = serde_json::from_value(json!("2021-11-09T13:38:10.000-07:00")).unwrap();
    let built = Lenient::from("2021-11-09T20:38:10Z".parse::<DateTime>().unwrap());
    assert_eq!(received, built, "the same instant");
    assert_eq!(received.received(), Some("2021-11-09T13:38:10.000-07:00"));
    assert_eq!(serde_json::to_value(&received).unwrap(), json!("2021-11-09T13:38:10.000-07:00"));
    assert_eq!(serde_json::to_value(&built).unwrap(), json!("2021-11-09T20:38:10Z"));
    let raw: Lenient<DateTime> = serde_json::from_value(json!("soon")).unwrap();
    assert_eq!(serde_json::to_value(&raw).unwrap(), json!("soon"));
    assert_ne!(raw, built);
}

#[derive(Debug, Deserialize)]
struct Jwk {
    kid: Option<String>,
    alg: Option<String>,
}

/// What a generated operation does after decoding a type whose fields are all optional.
fn decode_jwk(raw: &RawResponse) -> Jwk {
    let jwk: Jwk = raw.json::<_, ()>().unwrap();
    if jwk.kid.is_none() && jwk.alg.is_none() {
        raw.warn_no_known_fields("Jwk");
    }
    jwk
}

#[tokio::test]
async fn a_body_with_none_of_the_fields_of_its_type_is_reported_with_the_operation() {
    warnings(""); // installs the recorder
    let server = serve(json!({"_embedded": {"kid": "k1", "alg": "RSA"}})).await;
    let raw = common::client(&server).execute::<()>(get("getWrappedKey")).await.unwrap();
    let jwk = decode_jwk(&raw);
    assert!(jwk.kid.is_none());
    let logged = warnings("getWrappedKey");
    assert_eq!(logged.len(), 1, "{logged:#?}");
    assert!(logged[0].contains("none of the fields of `Jwk`"), "{logged:#?}");
}

#[tokio::test]
async fn an_empty_object_or_a_matching_body_is_not_reported() {
    warnings(""); // installs the recorder
    let server = serve(json!({})).await;
    let raw = common::client(&server).execute::<()>(get("getEmptyKey")).await.unwrap();
    decode_jwk(&raw);
    let server = serve(json!({"kid": "k1"})).await;
    let raw = common::client(&server).execute::<()>(get("getBareKey")).await.unwrap();
    assert_eq!(decode_jwk(&raw).kid.as_deref(), Some("k1"));
    assert!(warnings("getEmptyKey").is_empty());
    assert!(warnings("getBareKey").is_empty());
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
#[allow(dead_code)] // Decoded only.
enum Event {
    Scheduled { at: Lenient<DateTime>, every: u32 },
    Note { at: String },
}

#[tokio::test]
async fn a_raw_value_in_a_union_variant_that_was_not_chosen_is_not_reported() {
    warnings(""); // installs the recorder
    let server = serve(json!({"at": "whenever"})).await;
    let raw = common::client(&server).execute::<()>(get("getUnionEvent")).await.unwrap();
    let event: Event = raw.json::<_, ()>().unwrap();
    assert!(matches!(event, Event::Note { .. }), "{event:?}");
    assert!(warnings("getUnionEvent").is_empty());
}
