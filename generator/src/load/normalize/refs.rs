//! `$ref` with sibling keywords in schemas, which OpenAPI 3.0 ignores.

use serde_json::{json, Map, Value};

use super::json::{quoted_list, replace_entry};
use super::rewrites::SchemaSite;
use super::Normalizer;
use crate::pointer::JsonPointer;

impl Normalizer {
    /// `$ref` with sibling keywords: 3.1 applies both, 3.0 ignores the
    /// siblings, and many 3.0 specs rely on them anyway (`description`,
    /// `nullable`). `allOf: [{$ref}]` plus the siblings keeps both, in 3.0
    /// terms. Siblings that repeat the referenced component schema's own value
    /// (`type: string` next to a string enum) add nothing and are dropped, so
    /// that such a schema stays a plain reference.
    pub(super) fn reference_siblings(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
        let Some(reference) = map.get("$ref").and_then(Value::as_str).map(str::to_string) else { return };
        if map.len() == 1 || map.get("allOf").is_some_and(|all_of| !all_of.is_array()) {
            return;
        }
        let target = JsonPointer::from_reference(&reference)
            .and_then(|target| target.component_name("/components/schemas"))
            .and_then(|name| self.declared_schemas.get(&name))
            .and_then(Value::as_object);
        let redundant: Vec<String> = map
            .iter()
            .filter(|(keyword, value)| {
                *keyword != "$ref" && target.and_then(|target| target.get(keyword.as_str())) == Some(*value)
            })
            .map(|(keyword, _)| keyword.clone())
            .collect();
        map.retain(|keyword, _| !redundant.contains(keyword));
        let redundant_note = if redundant.is_empty() {
            String::new()
        } else {
            format!("{} next to `$ref` dropped: `{reference}` has the same value", quoted_list(redundant.iter()))
        };
        // Both rewrites keep what the schema means: the siblings dropped
        // repeat the target, and `allOf` applies the rest beside it, as 3.1 does.
        if map.len() == 1 {
            self.lossless(pointer, redundant_note);
            return;
        }
        let siblings = quoted_list(map.keys().filter(|key| *key != "$ref"));
        let mut all_of = vec![json!({ "$ref": reference })];
        if let Some(Value::Array(existing)) = map.get("allOf") {
            all_of.extend(existing.iter().cloned());
        }
        replace_entry(map, "$ref", "allOf", Value::Array(all_of));
        let mut message = format!(
            "`$ref` with sibling keywords ({siblings}) rewritten to `allOf: [{{$ref}}]` next to the siblings, \
             which 3.0 would ignore"
        );
        if !redundant.is_empty() {
            message.push_str("; ");
            message.push_str(&redundant_note);
        }
        self.lossless(pointer, message);
    }
}
