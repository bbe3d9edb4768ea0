//! Generated structs serialize through the runtime's `Entries` chain.

use runtime_template::runtime::Entries;
use serde::ser::{Error as _, Serialize, Serializer};
use std::collections::BTreeMap;

/// A value that cannot be written.
struct Fails;

impl Serialize for Fails {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        Err(S::Error::custom("cannot write this value"))
    }
}

/// A value that must never be written.
struct MustNotBeWritten;

impl Serialize for MustNotBeWritten {
    fn serialize<S: Serializer>(&self, _: S) -> Result<S::Ok, S::Error> {
        panic!("a property after a failed one was written")
    }
}

#[test]
fn writes_listed_properties_in_order_then_the_unknown_ones() {
    let extra = BTreeMap::from([("z".to_owned(), 1), ("a".to_owned(), 2)]);
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::new(&mut out);
    let mut map = Entries::new(&mut serializer);
    map.required("name", "rex");
    map.optional("tag", &None::<String>);
    map.optional("age", &Some(3));
    map.required("owner", &None::<String>);
    map.extra(&extra);
    map.end().unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), r#"{"name":"rex","age":3,"owner":null,"a":2,"z":1}"#);
}

#[test]
fn the_first_error_ends_the_object_and_later_properties_are_skipped() {
    let extra = BTreeMap::from([("later".to_owned(), MustNotBeWritten)]);
    let mut out = Vec::new();
    let mut serializer = serde_json::Serializer::new(&mut out);
    let mut map = Entries::new(&mut serializer);
    map.required("name", "rex");
    map.required("bad", &Fails);
    map.optional("after", &Some(MustNotBeWritten));
    map.extra(&extra);
    let error = map.end().unwrap_err();
    assert_eq!(error.to_string(), "cannot write this value");
}
