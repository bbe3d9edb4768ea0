//! The schema check before the typed parse: every schema of the document,
//! each parsed alone with its subschemas replaced by `{}`, so that a check
//! costs the size of the schema's own keywords and the whole pass is linear.
//! The walk finds schemas by their position in the OpenAPI 3.0 structure.

use crate::diagnostics::{pointer_join, Diagnostic};
use crate::http::HttpMethod;
use serde::Deserialize;
use serde_json::{Map, Value};

/// Every schema of the document, each checked alone. Returns the pointer of
/// each schema that fails and the error, at the keyword that is wrong.
pub(super) fn check_schemas(raw: &Value) -> Vec<(String, Diagnostic)> {
    let mut out = Vec::new();
    document(raw, &mut Vec::new(), &mut out);
    out
}

/// One step of the path from the root (pointers are spelled only for errors).
#[derive(Clone, Copy)]
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

/// The JSON pointer of a path.
fn spell(path: &[Step<'_>]) -> String {
    let mut pointer = String::new();
    for step in path {
        pointer = match step {
            Step::Key(key) => pointer_join(&pointer, key),
            Step::Index(index) => pointer_join(&pointer, &index.to_string()),
        };
    }
    pointer
}

/// The schema checker's output: each failing schema's pointer and its error.
type Found = Vec<(String, Diagnostic)>;

/// Where a visitor stands: the document node and the path to it.
type Visit<'v> = fn(&'v Value, &mut Vec<Step<'v>>, &mut Found);

/// Calls `visit` on the value of each key of `node` that the structure
/// gives a meaning to (`fields`), by the position alone: a component, a
/// path or a property named `schema` or `items` is a name, never a keyword.
fn fields<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found, field: fn(&str) -> Option<Visit<'v>>) {
    for (key, child) in node.as_object().into_iter().flatten() {
        if let Some(visit) = field(key) {
            path.push(Step::Key(key));
            visit(child, path, out);
            path.pop();
        }
    }
}

/// A map whose keys are names (components, paths, media types, statuses):
/// `visit` on each value, extensions (`x-`) aside where `extensions` says the map has them.
fn named<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found, extensions: bool, visit: Visit<'v>) {
    for (name, child) in node.as_object().into_iter().flatten() {
        if !(extensions && name.starts_with("x-")) {
            path.push(Step::Key(name));
            visit(child, path, out);
            path.pop();
        }
    }
}

/// `visit` on each item of a list (parameters).
fn list<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found, visit: Visit<'v>) {
    for (index, item) in node.as_array().into_iter().flatten().enumerate() {
        path.push(Step::Index(index));
        visit(item, path, out);
        path.pop();
    }
}

/// The document: schemas stand where the OpenAPI 3.0 structure puts them.
fn document<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    fields(node, path, out, |key| match key {
        "paths" => Some(|n, p, o| named(n, p, o, true, path_item)),
        "components" => Some(components),
        _ => None,
    });
}

fn components<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    fields(node, path, out, |key| match key {
        "schemas" => Some(|n, p, o| named(n, p, o, false, schema)),
        "parameters" | "headers" => Some(|n, p, o| named(n, p, o, false, parameter_or_header)),
        "responses" => Some(|n, p, o| named(n, p, o, false, response)),
        "requestBodies" => Some(|n, p, o| named(n, p, o, false, request_body)),
        "callbacks" => Some(|n, p, o| named(n, p, o, false, callback)),
        _ => None,
    });
}

fn path_item<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    fields(node, path, out, |key| match key {
        "parameters" => Some(|n, p, o| list(n, p, o, parameter_or_header)),
        method if HttpMethod::from_key(method).is_some() => Some(operation),
        _ => None,
    });
}

fn operation<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    fields(node, path, out, |key| match key {
        "parameters" => Some(|n, p, o| list(n, p, o, parameter_or_header)),
        "requestBody" => Some(request_body),
        "responses" => Some(|n, p, o| named(n, p, o, true, response)),
        "callbacks" => Some(|n, p, o| named(n, p, o, true, callback)),
        _ => None,
    });
}

/// A callback: path items under runtime expressions.
fn callback<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    named(node, path, out, true, path_item);
}

fn parameter_or_header<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    fields(node, path, out, |key| match key {
        "schema" => Some(schema),
        "content" => Some(content),
        _ => None,
    });
}

fn request_body<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    fields(node, path, out, |key| (key == "content").then_some(content as Visit<'v>));
}

fn response<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    fields(node, path, out, |key| match key {
        "headers" => Some(|n, p, o| named(n, p, o, false, parameter_or_header)),
        "content" => Some(content),
        _ => None,
    });
}

fn content<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    named(node, path, out, false, media_type);
}

fn media_type<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    fields(node, path, out, |key| match key {
        "schema" => Some(schema),
        "encoding" => Some(|n, p, o| named(n, p, o, false, encoding)),
        _ => None,
    });
}

fn encoding<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    fields(node, path, out, |key| match key {
        "headers" => Some(|n, p, o| named(n, p, o, false, parameter_or_header)),
        _ => None,
    });
}

/// A schema: its subschemas first, then itself with them stubbed.
fn schema<'v>(node: &'v Value, path: &mut Vec<Step<'v>>, out: &mut Found) {
    let Value::Object(map) = node else { return };
    let stub = || Value::Object(Map::new());
    let mut shallow = Map::new();
    for (key, value) in map {
        path.push(Step::Key(key));
        let stubbed = match (key.as_str(), value) {
            ("properties", Value::Object(properties)) => {
                let mut stubbed = Map::new();
                for (name, property) in properties {
                    path.push(Step::Key(name));
                    schema(property, path, out);
                    path.pop();
                    stubbed.insert(name.clone(), if property.is_object() { stub() } else { property.clone() });
                }
                Value::Object(stubbed)
            }
            ("items" | "additionalProperties" | "not", Value::Object(_)) => {
                schema(value, path, out);
                stub()
            }
            ("allOf" | "oneOf" | "anyOf", Value::Array(members)) => {
                let mut stubbed = Vec::with_capacity(members.len());
                for (index, member) in members.iter().enumerate() {
                    path.push(Step::Index(index));
                    schema(member, path, out);
                    path.pop();
                    stubbed.push(if member.is_object() { stub() } else { member.clone() });
                }
                Value::Array(stubbed)
            }
            _ => value.clone(),
        };
        path.pop();
        shallow.insert(key.clone(), stubbed);
    }
    check_shallow(&Value::Object(shallow), path, out);
}

/// Parses one schema whose subschemas are stubbed; on failure, reports it
/// at the keyword that is wrong.
fn check_shallow(shallow: &Value, path: &[Step<'_>], out: &mut Found) {
    if let Err(err) = openapiv3::ReferenceOr::<openapiv3::Schema>::deserialize(shallow) {
        // The parser's error has no path inside a schema: the keyword is
        // the first one that fails alone (beside `type`, which decides what the others mean).
        let keyword = shallow.as_object().into_iter().flatten().map(|(key, _)| key.as_str()).find(|key| {
            let mut alone = Map::new();
            for k in ["type", key] {
                if let Some(value) = shallow.get(k) {
                    alone.insert(k.to_string(), value.clone());
                }
            }
            openapiv3::ReferenceOr::<openapiv3::Schema>::deserialize(&Value::Object(alone)).is_err()
        });
        let pointer = spell(path);
        let error = Diagnostic::error(
            keyword.map_or_else(|| pointer.clone(), |keyword| pointer_join(&pointer, keyword)),
            format!("not a valid OpenAPI 3.0 schema here: {err}"),
        );
        out.push((pointer, error));
    }
}
