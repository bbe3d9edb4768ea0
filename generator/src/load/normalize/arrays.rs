//! Arrays: 2020-12 tuples (`prefixItems`, or an `items` list) become `items`
//! with a `oneOf` of the tuple's schemas; boolean `items` becomes a length
//! limit or nothing.

use serde_json::{json, Map, Value};

use super::json::{insert_after, replace_entry};
use super::rewrites::SchemaSite;
use super::Normalizer;
use crate::diagnostics::pointer_join;

impl Normalizer {
    /// `prefixItems` (tuples) becomes `items` with a `oneOf` of the tuple's
    /// schemas; boolean `items` becomes a length limit or nothing.
    pub(super) fn prefix_items(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
        // Drafts 4 to 7 wrote tuples as an `items` array: read it like `prefixItems`.
        let tuple_keyword = if map.get("prefixItems").is_some_and(Value::is_array) {
            "prefixItems"
        } else if map.get("items").is_some_and(Value::is_array) {
            "items"
        } else {
            self.boolean_items(map, pointer);
            return;
        };
        let keyword_pointer = pointer_join(pointer, tuple_keyword);
        let tuple = map.get(tuple_keyword).and_then(Value::as_array).cloned().unwrap_or_default();
        let tuple_length = tuple.len();
        let mut schemas = tuple;
        let mut notes = Vec::new();
        if tuple_keyword == "prefixItems" {
            match map.get("items").cloned() {
                Some(rest @ Value::Object(_)) => {
                    schemas.push(rest);
                    notes.push("the `items` schema (for the positions after the tuple) joined them".to_string());
                }
                Some(Value::Bool(false)) => {
                    map.shift_remove("items");
                    if map.contains_key("maxItems") {
                        notes.push("`items: false` dropped (`maxItems` is set)".to_string());
                    } else {
                        insert_after(map, tuple_keyword, "maxItems", json!(tuple_length));
                        notes.push(format!("`items: false` rewritten to `maxItems: {tuple_length}`"));
                    }
                }
                Some(Value::Bool(true)) => {
                    // Allows anything after the tuple, as no `items` does.
                    map.shift_remove("items");
                }
                _ => {}
            }
        }
        let distinct = merge_alike_schemas(schemas);
        if distinct.merged {
            notes.push("schemas alike but for annotations were merged into one, without the annotations".to_string());
        }
        let mut schemas = distinct.schemas;
        let (items, shape) = match schemas.len() {
            0 => {
                map.shift_remove(tuple_keyword);
                self.lossless(keyword_pointer, format!("empty `{tuple_keyword}` dropped"));
                return;
            }
            1 => (schemas.remove(0), "`items`".to_string()),
            count => (json!({ "oneOf": schemas }), format!("`items` with a `oneOf` of {count} schemas")),
        };
        replace_entry(map, tuple_keyword, "items", items);
        let mut message = format!(
            "`{tuple_keyword}` (a tuple of {tuple_length}) rewritten to {shape} (OpenAPI 3.0 has no tuples: which \
             position holds which schema is lost)"
        );
        for note in notes {
            message.push_str("; ");
            message.push_str(&note);
        }
        self.lossy(keyword_pointer, message);
    }

    /// `items: true` allows anything (like no `items`); `items: false` allows
    /// no items at all (like `maxItems: 0`).
    fn boolean_items(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let Some(Value::Bool(allows_items)) = map.get("items").cloned() else { return };
        let keyword_pointer = pointer_join(pointer, "items");
        if allows_items {
            map.shift_remove("items");
            self.lossless(keyword_pointer, "`items: true` dropped: it allows any item, like no `items`");
        } else if map.contains_key("maxItems") {
            map.shift_remove("items");
            map.insert("maxItems".into(), json!(0));
            self.lossless(keyword_pointer, "`items: false` rewritten to `maxItems: 0`");
        } else {
            replace_entry(map, "items", "maxItems", json!(0));
            self.lossless(keyword_pointer, "`items: false` rewritten to `maxItems: 0`");
        }
    }
}

/// Schemas for one position after merging those that differ only in annotations.
struct AlikeSchemas {
    schemas: Vec<Value>,
    /// Whether any schemas were merged.
    merged: bool,
}

/// Merges schemas that differ only in annotations (a tuple of two numbers,
/// `Longitude` and `Latitude`, becomes items that are numbers), so that the
/// `oneOf` replacing a tuple has no two branches matching the same values.
fn merge_alike_schemas(schemas: Vec<Value>) -> AlikeSchemas {
    const ANNOTATIONS: &[&str] =
        &["title", "description", "example", "examples", "default", "deprecated", "externalDocs"];
    let without_annotations = |schema: &Value| match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(keyword, _)| !ANNOTATIONS.contains(&keyword.as_str()) && !keyword.starts_with("x-"))
                .map(|(keyword, value)| (keyword.clone(), value.clone()))
                .collect(),
        ),
        other => other.clone(),
    };
    let mut distinct: Vec<(Value, Value, usize)> = Vec::new(); // (bare, first original, count)
    for schema in schemas {
        let bare = without_annotations(&schema);
        match distinct.iter_mut().find(|(existing, _, _)| *existing == bare) {
            Some((_, _, count)) => *count += 1,
            None => distinct.push((bare, schema, 1)),
        }
    }
    let merged = distinct.iter().any(|(_, _, count)| *count > 1);
    let schemas = distinct.into_iter().map(|(bare, original, count)| if count > 1 { bare } else { original }).collect();
    AlikeSchemas { schemas, merged }
}
