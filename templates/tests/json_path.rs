//! Decoding errors name the path of the failing value, found from
//! serde_json's line and column (`runtime/json_path.rs`).

use std::collections::BTreeMap;

use runtime_template::runtime::{Error, RawResponse};
use serde::de::DeserializeOwned;

#[derive(Debug, serde::Deserialize)]
#[allow(dead_code)]
struct Item {
    name: String,
    size: Option<u32>,
}

/// The path of the decoding error for `body` read as `T`.
fn path_of<T: DeserializeOwned + std::fmt::Debug>(body: &'static str) -> String {
    let response = RawResponse::new(reqwest::StatusCode::OK, Default::default(), body.into());
    match response.json::<T, ()>() {
        Err(Error::Decode(error)) => error.path().to_owned(),
        other => panic!("expected a decoding error, got {other:?}"),
    }
}

#[test]
fn names_the_failing_field_inside_arrays_and_objects() {
    assert_eq!(path_of::<Vec<Item>>(r#"[{"name": "a"}, {"name": "b", "size": "big"}]"#), "[1].size");
    assert_eq!(path_of::<Vec<Item>>("[\n {\"name\": \"a\"},\n {\"name\": 7}\n]"), "[1].name");
    assert_eq!(path_of::<BTreeMap<String, Vec<u8>>>(r#"{"a": [1, 2], "b": [3, "x"]}"#), "b[1]");
}

#[test]
fn a_missing_field_is_reported_at_its_object() {
    assert_eq!(path_of::<Vec<Item>>(r#"[{"name": "a"}, {"size": 1}]"#), "[1]");
    assert_eq!(path_of::<Item>(r#"{"size": 1}"#), ".");
}

#[test]
fn escaped_keys_and_brackets_inside_strings_do_not_confuse_it() {
    assert_eq!(path_of::<BTreeMap<String, Item>>(r#"{"a\"b": {"name": "x]}{,", "size": -1}}"#), "a\"b.size");
}

#[test]
fn the_top_level_and_trailing_text_are_dot() {
    assert_eq!(path_of::<Item>(r#""x""#), ".");
    assert_eq!(path_of::<Item>(r#"{"name": "a"} x"#), ".");
}
