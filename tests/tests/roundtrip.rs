//! Serde round trips through the models generated from tests/fixtures/specs:
//! JSON in, model, JSON out, equal, including what the spec does not know
//! (unknown fields, unknown enum values, unknown discriminators).

use serde_json::{json, Value};
use tests::fixtures::{composition, enums, names, objects, recursion};

/// Deserializes `input` as `T`, serializes it back, and demands the same JSON.
fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(input: Value) -> T {
    let model: T = serde_json::from_value(input.clone()).unwrap_or_else(|e| panic!("decodes: {e}\n{input}"));
    let output = serde_json::to_value(&model).expect("encodes");
    assert_eq!(output, input, "round trip changed the JSON");
    model
}

#[test]
fn objects_keep_unknown_properties_and_every_presence() {
    let pet: objects::Pet = round_trip(json!({
        "id": 7, "name": "Rex", "tag": null, "nickname": null, "age": 3, "weight": 1.5, "score": 2.25,
        "born": "2020-02-29", "seen": "2024-05-01T10:20:30.123Z", "chip": "4f2a5f1e-3c55-4d7e-9b0e-2b8f3a6d9c10",
        "photo": "aGVsbG8=", "odd": "x", "owner": {"name": "Ann", "since": 2019},
        "tags": [["a", "b"], []], "vaccinated": true
    }));
    assert_eq!(pet.tag, None, "required nullable");
    assert_eq!(pet.nickname, Some(None), "explicit null is kept apart from absence");
    assert_eq!(pet.photo.as_ref().map(|p| p.as_bytes().to_vec()), Some(b"hello".to_vec()));
    assert_eq!(pet.additional_properties["vaccinated"], json!(true));
    assert_eq!(pet.owner.as_ref().unwrap().additional_properties["since"], json!(2019));
    // Left out stays left out.
    let minimal: objects::Pet = round_trip(json!({"name": "Rex", "tag": "t"}));
    assert_eq!(minimal.nickname, None);
    assert_eq!(minimal.id, None, "readOnly required fields are optional");
}

#[test]
fn secrets_are_redacted_in_debug() {
    let pet: objects::Pet = serde_json::from_value(json!({"name": "Rex", "tag": null, "password": "hunter2"})).unwrap();
    let shown = format!("{pet:?}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("[redacted]"), "{shown}");
}

#[test]
fn unlisted_properties_of_models_with_secrets_show_only_their_names_in_debug() {
    let pet: objects::Pet =
        serde_json::from_value(json!({"name": "Rex", "tag": null, "clientSecret2": "s3cr3t", "pin": 1234})).unwrap();
    let shown = format!("{pet:?}");
    assert!(!shown.contains("s3cr3t") && !shown.contains("1234"), "{shown}");
    assert!(
        shown.contains(r#"additional_properties: {"clientSecret2": "[redacted]", "pin": "[redacted]"}"#),
        "{shown}"
    );
    // Serialization keeps them as they are.
    assert_eq!(serde_json::to_value(&pet).unwrap()["clientSecret2"], json!("s3cr3t"));
}

#[test]
fn objects_report_missing_duplicate_and_mistyped_properties_like_serde_derive() {
    let error = |input: Value| serde_json::from_value::<objects::Pet>(input).unwrap_err().to_string();
    assert_eq!(error(json!({"tag": null})), "missing field `name`");
    // A required nullable property may be absent (it reads as `None`); a required one may not.
    assert!(serde_json::from_value::<objects::Pet>(json!({"name": "Rex"})).is_ok());
    let text = r#"{"name": "Rex", "tag": null, "name": "Max"}"#;
    assert_eq!(
        serde_json::from_str::<objects::Pet>(text).unwrap_err().to_string(),
        "duplicate field `name` at line 1 column 35"
    );
    assert_eq!(error(json!({"name": 7})), "invalid type: integer `7`, expected a string");
    assert_eq!(error(json!(["Rex"])), "invalid type: sequence, expected struct Pet");
    // Escaped property names still match (they cannot be borrowed from the input).
    let escaped: objects::Pet = serde_json::from_str(r#"{"n\u0061me": "Rex", "tag": "t"}"#).unwrap();
    assert_eq!(escaped.name, "Rex");
}

#[test]
fn string_enums_read_only_strings() {
    let error = serde_json::from_value::<enums::Status>(json!(3)).unwrap_err().to_string();
    assert_eq!(error, "invalid type: integer `3`, expected a string");
    let from_text: enums::Status = serde_json::from_str(r#""\u0041CTIVE""#).unwrap();
    assert_eq!(from_text, enums::Status::Active);
}

#[test]
fn maps_closed_structs_and_free_form_values() {
    let labels: objects::Labels = round_trip(json!({"a": "1", "b": "2"}));
    assert_eq!(labels["b"], "2");
    let extras: objects::WithExtras = round_trip(json!({"kind": "k", "x": 1, "y": 2}));
    assert_eq!(extras.additional_properties["y"], 2);
    let free: objects::FreeForm = round_trip(json!({"any": [1, {"thing": null}]}));
    assert!(free.is_object());
    // additionalProperties: false: nothing extra is expected, and an extra is ignored, not an error.
    let closed: objects::Closed = serde_json::from_value(json!({"a": "x", "b": 1})).unwrap();
    assert_eq!(serde_json::to_value(closed).unwrap(), json!({"a": "x"}));
}

#[test]
fn enums_keep_unknown_values_and_convert_to_and_from_strings() {
    let holder: enums::Holder =
        round_trip(json!({"status": "SUSPENDED", "level": 42, "color": null, "inline_mode": "fast", "extra": 1}));
    assert_eq!(
        holder.status,
        Some(enums::Status::UnknownValue("SUSPENDED".into())),
        "the spec lists `Unknown`, so the catch-all is `UnknownValue`"
    );
    assert_eq!(holder.level, Some(enums::Level::Unknown(42)));
    assert_eq!(holder.color, Some(None));
    let known: enums::Holder = round_trip(json!({"status": "ACTIVE", "level": -1, "color": "red"}));
    assert_eq!(known.status, Some(enums::Status::Active));
    assert_eq!(known.level, Some(enums::Level::Minus1));
    assert_eq!("active".parse::<enums::Status>().unwrap().to_string(), "active");
    assert_eq!(enums::Status::V2fa.as_str(), "2fa");
    assert_eq!(enums::Level::V2.value(), 2);
}

#[test]
fn all_of_merges_every_branch() {
    let leaf: composition::Leaf = round_trip(json!({"id": "1", "kind": "k", "size": 3, "color": "red", "more": true}));
    assert_eq!((leaf.id.as_str(), leaf.size, leaf.color.as_deref()), ("1", 3, Some("red")));
    let with_ref: composition::RefWithSiblings = round_trip(json!({"base": null}));
    assert_eq!(with_ref.base, Some(None));
}

#[test]
fn discriminated_unions_use_the_tag_and_keep_unknown_tags() {
    let cat: composition::Pet = round_trip(json!({"petType": "kitty", "meows": true}));
    assert!(matches!(cat, composition::Pet::Cat(ref c) if c.meows == Some(true)), "{cat:?}");
    let dog: composition::Pet = round_trip(json!({"petType": "dog", "barks": false}));
    assert!(matches!(dog, composition::Pet::Dog(_)));
    let fish: composition::Pet = round_trip(json!({"petType": "fish", "fins": 2}));
    assert!(matches!(fish, composition::Pet::Other(_)));
}

#[test]
fn untagged_unions_pick_the_matching_member_or_keep_the_value() {
    assert!(matches!(round_trip::<composition::StringOrNumber>(json!("x")), composition::StringOrNumber::String(_)));
    assert!(matches!(round_trip::<composition::StringOrNumber>(json!(1.5)), composition::StringOrNumber::Number(_)));
    assert!(matches!(round_trip::<composition::StringOrNumber>(json!(["a"])), composition::StringOrNumber::Array(_)));
    assert!(matches!(
        round_trip::<composition::StringOrNumber>(json!({"k": 1})),
        composition::StringOrNumber::Other(_)
    ));
}

#[test]
fn recursive_types_nest() {
    let node: recursion::Node = round_trip(json!({
        "value": "root", "children": [{"value": "a", "parent": {"value": "root"}}]
    }));
    assert_eq!(node.children.as_ref().unwrap()[0].parent.as_ref().unwrap().value, "root");
    let _: recursion::Ping = round_trip(json!({"pong": {"ping": {"pong": {}}}}));
    let _: recursion::Expr = round_trip(json!({"left": "x", "right": {"left": "y"}}));
    let _: recursion::Tree = round_trip(json!([[[]], []]));
}

#[test]
fn odd_names_keep_their_wire_names() {
    let keywords: names::Keywords = round_trip(json!({
        "type": "t", "self": "s", "ref": "r", "match": "m", "crate": "c", "": "e", "2fa": "d",
        "@odata.type": "o", "café": "u", "fooBar": "1", "foo_bar": "2", "additional_properties": "a", "Self": "S"
    }));
    assert_eq!(keywords.type_.as_deref(), Some("t"));
    assert_eq!(keywords.foo_bar.as_deref(), Some("1"));
    assert_eq!(keywords.foo_bar_2.as_deref(), Some("2"));
    assert_eq!(keywords.additional_properties_2.as_deref(), Some("a"));
    let _: names::ResultModel = round_trip(json!({"ok": true}));
    let _: names::TempPassword2 = round_trip(json!({"b": "x"}));
}
