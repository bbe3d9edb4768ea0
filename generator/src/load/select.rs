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
use std::collections::{BTreeSet, HashSet};

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
    let no_cut = Cut::default();
    let mut pending = Vec::new();
    for (key, child) in raw.as_object().into_iter().flatten() {
        if key != "components" {
            references(child, &mut pending, &no_cut);
        }
    }
    // Security schemes and any section not pruned are roots too.
    for (section, entries) in raw.pointer("/components").and_then(Value::as_object).into_iter().flatten() {
        if !PRUNED_SECTIONS.contains(&section.as_str()) {
            references(entries, &mut pending, &no_cut);
        }
    }
    let reached = reach(raw, pending, &no_cut);
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
    let no_cut = Cut::default();
    let mut cut = Cut::default();
    let mut from_replaced = Vec::new();
    for node in replaced.iter().filter_map(|pointer| raw.pointer(pointer)) {
        references(node, &mut from_replaced, &no_cut);
        cut.0.insert(node as *const Value);
    }
    let schemas = |reached: BTreeSet<(String, String)>| -> BTreeSet<String> {
        reached.into_iter().filter(|(section, _)| section == "schemas").map(|(_, name)| name).collect()
    };
    let only_replaced = schemas(reach(raw, from_replaced, &cut));
    let mut roots = Vec::new();
    for (key, child) in raw.as_object().into_iter().flatten() {
        if key != "components" {
            references(child, &mut roots, &cut);
        }
    }
    for (section, entries) in raw.pointer("/components").and_then(Value::as_object).into_iter().flatten() {
        for (name, entry) in entries.as_object().into_iter().flatten() {
            if section != "schemas" || !only_replaced.contains(name) {
                references(entry, &mut roots, &cut);
            }
        }
    }
    let kept = schemas(reach(raw, roots, &cut));
    only_replaced.difference(&kept).cloned().collect()
}

/// Nodes of the document a walk does not enter, known by address (the
/// document is borrowed throughout, so no copy is needed to cut them out).
#[derive(Default)]
struct Cut(HashSet<*const Value>);

impl Cut {
    fn contains(&self, node: &Value) -> bool {
        self.0.contains(&(node as *const Value))
    }
}

/// The components, as `(section, name)`, that the references `pending`
/// reach, through components of any section, entering no node of `cut`.
fn reach(raw: &Value, mut pending: Vec<String>, cut: &Cut) -> BTreeSet<(String, String)> {
    let mut reached: BTreeSet<(String, String)> = BTreeSet::new();
    while let Some(target) = pending.pop() {
        let Some(pointer) = JsonPointer::from_reference(&target) else { continue };
        let mut tokens = pointer.tokens();
        let (Some(root), Some(section), Some(name)) = (tokens.next(), tokens.next(), tokens.next()) else { continue };
        if root != "components" || !reached.insert((section.clone(), name.clone())) {
            continue;
        }
        if let Some(entry) = raw.get("components").and_then(|c| c.get(&section)).and_then(|s| s.get(&name)) {
            references(entry, &mut pending, cut);
        }
    }
    reached
}

/// Every reference below `node` outside the nodes of `cut`: `$ref` values
/// and discriminator mapping targets (which name schemas without a
/// `$ref`). Iterative, so a deep document costs no stack.
fn references(node: &Value, out: &mut Vec<String>, cut: &Cut) {
    let mut stack = vec![node];
    while let Some(node) = stack.pop() {
        if cut.contains(node) {
            continue;
        }
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
    use super::{orphaned_by_replacement, select_operations};
    use serde_json::json;

    #[test]
    fn what_only_replaced_schemas_reach_is_orphaned_and_the_document_is_untouched() {
        let raw = json!({
            "paths": {"/a": {"get": {"responses": {"200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Replaced"}}}}}}}},
            "components": {
                "schemas": {
                    "Replaced": {"properties": {"o": {"$ref": "#/components/schemas/Only"}, "s": {"$ref": "#/components/schemas/Shared"}}},
                    "Only": {"properties": {"d": {"$ref": "#/components/schemas/Deeper"}, "me": {"$ref": "#/components/schemas/Replaced"}}},
                    "Deeper": {"type": "string"},
                    "Shared": {"type": "string"},
                    "User": {"properties": {"s": {"$ref": "#/components/schemas/Shared"}, "p": {"$ref": "#/components/schemas/ViaProperty"}}},
                    "ViaProperty": {"type": "string"},
                    "Unused": {"type": "string"},
                },
            }
        });
        let before = raw.clone();
        let orphans = orphaned_by_replacement(&raw, &["/components/schemas/Replaced".to_string()]);
        assert_eq!(orphans.into_iter().collect::<Vec<_>>(), ["Deeper", "Only"]);
        // A replaced property: what only it reaches goes, the rest stays.
        let orphans = orphaned_by_replacement(&raw, &["/components/schemas/User/properties/p".to_string()]);
        assert_eq!(orphans.into_iter().collect::<Vec<_>>(), ["ViaProperty"]);
        assert_eq!(raw, before);
    }

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
