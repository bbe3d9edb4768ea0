//! What lowering needs from the document that `openapiv3` cannot carry,
//! read off the normalised tree once, typed: OpenAPI 3.2's `itemSchema` of a
//! response's media type (openapiv3 keeps only `x-` keys beside `schema`),
//! and the string `const`s inside those item schemas (the normalisation does
//! not rewrite them, and openapiv3's `Schema` drops `const`), which name a
//! stream's events. With it, lowering reads no untyped tree.

use crate::diagnostics::pointer_join;
use crate::http::HttpMethod;
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;
use std::collections::BTreeMap;

/// How deep below an item schema its `const`s are looked for (the document
/// is already depth-checked; this bounds the walk on its own).
const MAX_CONST_DEPTH: usize = 128;

/// The typed side table (see the module docs).
#[derive(Debug, Default)]
pub struct SideTable {
    /// Each response media type's `itemSchema`, by the media type's pointer;
    /// `None` when it is there but no schema openapiv3 reads.
    pub item_schemas: BTreeMap<String, Option<ReferenceOr<Schema>>>,
    /// The string `const` of each schema inside an item schema that has one, by the schema's pointer.
    pub consts: BTreeMap<String, String>,
}

impl SideTable {
    /// Reads the side table off the normalised document.
    pub fn read(raw: &Value) -> Self {
        let mut table = Self::default();
        for (path, item) in raw.get("paths").and_then(Value::as_object).into_iter().flatten() {
            let path_pointer = pointer_join("/paths", path);
            for method in HttpMethod::ALL {
                let responses = item.get(method.as_str()).and_then(|op| op.get("responses"));
                let Some(responses) = responses.and_then(Value::as_object) else { continue };
                let pointer = pointer_join(&pointer_join(&path_pointer, method.as_str()), "responses");
                for (code, response) in responses {
                    table.read_response(response, &pointer_join(&pointer, code));
                }
            }
        }
        let components = raw.pointer("/components/responses").and_then(Value::as_object);
        for (name, response) in components.into_iter().flatten() {
            table.read_response(response, &pointer_join("/components/responses", name));
        }
        table
    }

    fn read_response(&mut self, response: &Value, pointer: &str) {
        let content_pointer = pointer_join(pointer, "content");
        for (media_type, media) in response.get("content").and_then(Value::as_object).into_iter().flatten() {
            let Some(item_schema) = media.get("itemSchema") else { continue };
            let media_pointer = pointer_join(&content_pointer, media_type);
            let item_pointer = pointer_join(&media_pointer, "itemSchema");
            self.read_consts(item_schema, &item_pointer, 0);
            self.item_schemas.insert(media_pointer, serde_json::from_value(item_schema.clone()).ok());
        }
    }

    /// Records the string `const`s of `schema` and of the schemas inside it.
    fn read_consts(&mut self, schema: &Value, pointer: &str, depth: usize) {
        if depth > MAX_CONST_DEPTH {
            return;
        }
        if let Some(value) = schema.get("const").and_then(Value::as_str) {
            self.consts.insert(pointer.to_owned(), value.to_owned());
        }
        for key in ["items", "not", "additionalProperties"] {
            if let Some(inner) = schema.get(key).filter(|inner| inner.is_object()) {
                self.read_consts(inner, &pointer_join(pointer, key), depth + 1);
            }
        }
        for key in ["oneOf", "anyOf", "allOf"] {
            for (index, inner) in schema.get(key).and_then(Value::as_array).into_iter().flatten().enumerate() {
                self.read_consts(inner, &pointer_join(&pointer_join(pointer, key), &index.to_string()), depth + 1);
            }
        }
        for (name, inner) in schema.get("properties").and_then(Value::as_object).into_iter().flatten() {
            self.read_consts(inner, &pointer_join(&pointer_join(pointer, "properties"), name), depth + 1);
        }
    }
}
