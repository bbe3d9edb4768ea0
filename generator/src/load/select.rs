//! Keeps only the operations a crate asks for, on the untyped tree after
//! the upgrade and the normalisation (so a Swagger 2.0 spec is filtered in
//! its 3.0 form) and before the typed parse, then drops every component
//! nothing kept refers to, so no model is generated for it.
//!
//! Removing nodes moves no other node, so every later diagnostic's pointer
//! still names the same place in the user's text.

use crate::http::HttpMethod;
use crate::pointer::JsonPointer;
use serde_json::Value;
use std::collections::BTreeSet;

/// One operation of the document, as a selection rule sees it.
#[derive(Debug)]
pub struct OperationKey<'a> {
    /// The path template, as the spec writes it (`/users/{id}`).
    pub path: &'a str,
    /// The method.
    pub method: HttpMethod,
    /// The `operationId`, if any.
    pub operation_id: Option<&'a str>,
    /// The `tags`, in the spec's order (none for an untagged operation).
    pub tags: Vec<&'a str>,
}

/// Whether an operation is kept.
pub type Keep<'k> = &'k mut dyn FnMut(&OperationKey<'_>) -> bool;

/// The component sections whose entries are dropped when nothing kept
/// refers to them (`securitySchemes` are named by requirements, not
/// references, and stay).
const PRUNED_SECTIONS: [&str; 8] =
    ["schemas", "responses", "parameters", "requestBodies", "headers", "examples", "links", "callbacks"];

/// Removes each operation `keep` refuses (and a path item left with none),
/// then every component of [`PRUNED_SECTIONS`] that nothing kept reaches
/// through references, and the top-level tags no kept operation carries.
pub fn select_operations(raw: &mut Value, keep: Keep<'_>) {
    let Some(paths) = raw.get_mut("paths").and_then(Value::as_object_mut) else { return };
    let mut kept_tags = BTreeSet::new();
    paths.retain(|path, item| {
        let Some(item) = item.as_object_mut() else { return true };
        for method in HttpMethod::ALL {
            let Some(operation) = item.get(method.as_str()) else { continue };
            let tags: Vec<&str> = operation
                .get("tags")
                .and_then(Value::as_array)
                .map(|tags| tags.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let operation_id = operation.get("operationId").and_then(Value::as_str);
            if keep(&OperationKey { path, method, operation_id, tags: tags.clone() }) {
                kept_tags.extend(tags.into_iter().map(str::to_owned));
            } else {
                item.remove(method.as_str());
            }
        }
        HttpMethod::ALL.iter().any(|method| item.contains_key(method.as_str()))
    });
    if let Some(tags) = raw.get_mut("tags").and_then(Value::as_array_mut) {
        tags.retain(|tag| tag.get("name").and_then(Value::as_str).is_none_or(|name| kept_tags.contains(name)));
    }
    prune_components(raw);
}

/// Drops the components nothing outside `components` reaches.
fn prune_components(raw: &mut Value) {
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    let mut pending = Vec::new();
    for (key, child) in raw.as_object().into_iter().flatten() {
        if key != "components" {
            references(child, &mut pending);
        }
    }
    // Security schemes and any section not pruned are roots too.
    for (section, entries) in raw.pointer("/components").and_then(Value::as_object).into_iter().flatten() {
        if !PRUNED_SECTIONS.contains(&section.as_str()) {
            references(entries, &mut pending);
        }
    }
    while let Some(target) = pending.pop() {
        let Some(pointer) = JsonPointer::from_reference(&target) else { continue };
        let mut tokens = pointer.tokens();
        let (Some(root), Some(section), Some(name)) = (tokens.next(), tokens.next(), tokens.next()) else { continue };
        if root != "components" || !reached.insert((section.clone(), name.clone())) {
            continue;
        }
        if let Some(entry) = raw.get("components").and_then(|c| c.get(&section)).and_then(|s| s.get(&name)) {
            references(entry, &mut pending);
        }
    }
    let Some(components) = raw.get_mut("components").and_then(Value::as_object_mut) else { return };
    for section in PRUNED_SECTIONS {
        if let Some(entries) = components.get_mut(section).and_then(Value::as_object_mut) {
            entries.retain(|name, _| reached.contains(&(section.to_owned(), name.clone())));
        }
    }
}

/// The component schemas that only the schemas at `replaced` (JSON
/// pointers) reach: once those are types of the user's, nothing needs
/// them. A schema something else reaches stays, and so does one nothing
/// reached before (it keeps its `unused_*` model as without replacements).
pub fn orphaned_by_replacement(raw: &Value, replaced: &[String]) -> BTreeSet<String> {
    if replaced.is_empty() {
        return BTreeSet::new();
    }
    let mut cut = raw.clone();
    let mut from_replaced = Vec::new();
    for pointer in replaced {
        if let Some(node) = cut.pointer_mut(pointer) {
            references(node, &mut from_replaced);
            *node = Value::Null;
        }
    }
    let only_replaced = reached_schemas(&cut, from_replaced);
    let mut roots = Vec::new();
    for (key, child) in cut.as_object().into_iter().flatten() {
        if key != "components" {
            references(child, &mut roots);
        }
    }
    for (section, entries) in cut.pointer("/components").and_then(Value::as_object).into_iter().flatten() {
        for (name, entry) in entries.as_object().into_iter().flatten() {
            if section != "schemas" || !only_replaced.contains(name) {
                references(entry, &mut roots);
            }
        }
    }
    let kept = reached_schemas(&cut, roots);
    only_replaced.difference(&kept).cloned().collect()
}

/// The component schemas the references `pending` reach, through any component.
fn reached_schemas(raw: &Value, mut pending: Vec<String>) -> BTreeSet<String> {
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    while let Some(target) = pending.pop() {
        let Some(pointer) = JsonPointer::from_reference(&target) else { continue };
        let mut tokens = pointer.tokens();
        let (Some(root), Some(section), Some(name)) = (tokens.next(), tokens.next(), tokens.next()) else { continue };
        if root != "components" || !reached.insert((section.clone(), name.clone())) {
            continue;
        }
        if let Some(entry) = raw.get("components").and_then(|c| c.get(&section)).and_then(|s| s.get(&name)) {
            references(entry, &mut pending);
        }
    }
    reached.into_iter().filter(|(section, _)| section == "schemas").map(|(_, name)| name).collect()
}

/// Every reference below `node`: `$ref` values and discriminator mapping
/// targets (which name schemas without a `$ref`). Iterative, so a deep
/// document costs no stack.
fn references(node: &Value, out: &mut Vec<String>) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        match node {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    out.push(target.clone());
                }
                if let Some(mapping) = map.get("discriminator").and_then(|d| d.get("mapping")) {
                    out.extend(
                        mapping.as_object().into_iter().flatten().filter_map(|(_, v)| v.as_str()).map(str::to_owned),
                    );
                }
                stack.extend(map.iter().filter(|(key, _)| key.as_str() != "example").map(|(_, child)| child));
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::select_operations;
    use serde_json::json;

    #[test]
    fn refused_operations_and_what_only_they_reach_are_removed() {
        let mut raw = json!({
            "tags": [{"name": "a"}, {"name": "b"}],
            "paths": {
                "/a": {"get": {"tags": ["a"], "responses": {"200": {"$ref": "#/components/responses/A"}}}},
                "/b": {"get": {"tags": ["b"], "responses": {"200": {"$ref": "#/components/responses/B"}}},
                       "post": {"tags": ["a"], "responses": {}}},
            },
            "components": {
                "responses": {
                    "A": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Shared"}}}},
                    "B": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/OnlyB"}}}},
                },
                "schemas": {
                    "Shared": {"oneOf": [{"$ref": "#/components/schemas/Deep"}], "discriminator": {"propertyName": "k", "mapping": {"x": "#/components/schemas/Mapped"}}},
                    "Deep": {"type": "object"},
                    "Mapped": {"type": "object"},
                    "OnlyB": {"properties": {"d": {"$ref": "#/components/schemas/Deep"}}},
                    "Unused": {"type": "string"},
                },
                "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "k"}},
            }
        });
        select_operations(&mut raw, &mut |key| key.tags.contains(&"a"));
        assert_eq!(
            raw["paths"],
            json!({
                "/a": {"get": {"tags": ["a"], "responses": {"200": {"$ref": "#/components/responses/A"}}}},
                "/b": {"post": {"tags": ["a"], "responses": {}}},
            })
        );
        assert_eq!(raw["tags"], json!([{"name": "a"}]));
        let mut schemas: Vec<&String> = raw["components"]["schemas"].as_object().unwrap().keys().collect();
        schemas.sort();
        assert_eq!(schemas, ["Deep", "Mapped", "Shared"]);
        assert!(raw["components"]["responses"].get("B").is_none());
        assert!(raw["components"]["securitySchemes"].get("key").is_some());
    }
}
