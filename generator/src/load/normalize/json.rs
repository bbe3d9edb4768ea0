//! Edits of JSON objects that keep the author's key order (a rewritten
//! keyword takes the place of the one it replaces), and the spelling of JSON
//! values and keyword lists in warnings.

use serde_json::{Map, Value};

/// Sets `nullable: true`, placing it after `anchor` when it is new.
pub(super) fn set_nullable_after(map: &mut Map<String, Value>, anchor: &str) {
    if map.contains_key("nullable") {
        map.insert("nullable".into(), Value::Bool(true));
    } else {
        insert_after(map, anchor, "nullable", Value::Bool(true));
    }
}

/// Puts `new_key: value` where `old_key` was (dropping any other `new_key`
/// entry), or at the end when there is no `old_key`: rewrites keep the
/// author's key order.
pub(super) fn replace_entry(map: &mut Map<String, Value>, old_key: &str, new_key: &str, value: Value) {
    let mut value = Some(value);
    for (key, existing) in std::mem::take(map) {
        if key == old_key {
            if let Some(value) = value.take() {
                map.insert(new_key.to_string(), value);
            }
        } else if key != new_key {
            map.insert(key, existing);
        }
    }
    if let Some(value) = value {
        map.insert(new_key.to_string(), value);
    }
}

/// Inserts `key: value` right after `anchor` (at the end without `anchor`),
/// replacing any other `key` entry.
pub(super) fn insert_after(map: &mut Map<String, Value>, anchor: &str, key: &str, value: Value) {
    insert_next_to(map, anchor, key, value, true);
}

/// Inserts `key: value` right before `anchor` (at the end without `anchor`),
/// replacing any other `key` entry.
pub(super) fn insert_before(map: &mut Map<String, Value>, anchor: &str, key: &str, value: Value) {
    insert_next_to(map, anchor, key, value, false);
}

fn insert_next_to(map: &mut Map<String, Value>, anchor: &str, key: &str, value: Value, after: bool) {
    let mut value = Some(value);
    for (existing_key, existing) in std::mem::take(map) {
        if existing_key == key {
            continue;
        }
        let is_anchor = existing_key == anchor;
        if is_anchor && !after {
            if let Some(value) = value.take() {
                map.insert(key.to_string(), value);
            }
        }
        map.insert(existing_key, existing);
        if is_anchor && after {
            if let Some(value) = value.take() {
                map.insert(key.to_string(), value);
            }
        }
    }
    if let Some(value) = value {
        map.insert(key.to_string(), value);
    }
}

/// A JSON value as it would read inline in a message.
pub(super) fn compact(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// `` `a`, `b` `` for a list of keywords.
pub(super) fn quoted_list<'a>(items: impl Iterator<Item = &'a String>) -> String {
    items.map(|item| format!("`{item}`")).collect::<Vec<_>>().join(", ")
}
