//! Normalisation: rewrites a parsed OpenAPI document, still an untyped
//! [`serde_json::Value`], into the OpenAPI 3.0.3 that `openapiv3` can read.
//!
//! `openapiv3` models OpenAPI 3.0 only, and it reads even 3.0 documents with
//! some limits (integer bounds must fit `i64`, a `$ref` hides its sibling
//! keywords, callbacks cannot be references). Rather than fail on a 3.1
//! document, or quietly lose what `openapiv3` ignores, this stage rewrites each
//! such construct into its nearest 3.0 equivalent before the typed parse, and
//! reports every rewrite, drop or loss of meaning as a [`Diagnostic`] warning
//! located by the JSON pointer of the construct in the original document.
//!
//! Which rewrites apply depends on the declared version:
//!
//! * 3.1.x: everything. The version becomes `3.0.3`; 3.1 / JSON Schema 2020-12
//!   constructs (type arrays, `const`, schema `examples`, numeric
//!   `exclusiveMinimum`, `prefixItems`, `$defs`, boolean schemas, webhooks,
//!   ...) are rewritten or dropped.
//! * 3.0.x: only fixes for constructs that are valid 3.0 but that `openapiv3`
//!   cannot represent: out-of-range and float-spelled integers, `$ref` with
//!   sibling keywords in schemas, keywords that do not apply to a schema's
//!   type, and referenced callbacks. 3.1 syntax in a document that declares
//!   3.0 is a mistake in the spec, left for the typed parser to report. A 3.0
//!   document with nothing to fix is left exactly as it was.
//! * anything else: left untouched (the caller reports Swagger 2.0 documents
//!   and missing versions before calling [`normalize`]).
//!
//! The stage never fails and never panics: a node of an unexpected shape (a
//! string where a schema should be, say) is left as it is, for the typed
//! parser to report with its own error.
//!
//! Warnings come in document order of the nodes they point at (a node before
//! the nodes inside it), whatever order the rewrites ran in.

mod defs;
mod json;
mod walk;

use std::collections::BTreeSet;

use serde_json::{json, Map, Value};

use crate::diagnostics::{pointer_join, unescape_pointer_token, Diagnostic};
use defs::HoistedDef;
use json::{compact, insert_after, insert_before, quoted_list, replace_entry, set_nullable_after};

/// What [`normalize`] did to a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The `openapi` version the document declared (`""` when it had none or
    /// it was not a string); the document itself may now say `3.0.3`.
    pub original_version: String,
    /// One warning per rewritten, dropped or weakened construct, in document order.
    pub warnings: Vec<Diagnostic>,
}

/// Rewrites `doc` in place into an OpenAPI 3.0.3 document that openapiv3 can read.
///
/// Applies to documents declaring OpenAPI 3.0.x or 3.1.x; any other document
/// is returned unchanged, without warnings. See the module documentation for
/// what is rewritten in which version.
pub fn normalize(doc: &mut Value) -> Normalized {
    let original_version = doc.get("openapi").and_then(Value::as_str).unwrap_or_default().to_string();
    let is_v31 = match version_family(&original_version) {
        Some(VersionFamily::V30) => false,
        Some(VersionFamily::V31) => true,
        None => return Normalized { original_version, warnings: Vec::new() },
    };
    let Some(root) = doc.as_object_mut() else {
        return Normalized { original_version, warnings: Vec::new() };
    };
    let original = root.clone();
    let mut normalizer = Normalizer::new(is_v31, root);
    normalizer.document(root, &original_version);
    let mut warnings = normalizer.warnings;
    // Rewrites run in a fixed order, some before others (nested schemas
    // before the schema holding them): report in document order instead.
    warnings.sort_by_cached_key(|warning| document_position(&original, &warning.pointer));
    Normalized { original_version, warnings }
}

/// Where `pointer` lies in `doc`: the index of each token among its siblings.
/// Sorting by it puts pointers in document order, a node before its children.
fn document_position(doc: &Map<String, Value>, pointer: &str) -> Vec<usize> {
    let mut position = Vec::new();
    let mut children = Some(doc);
    let mut items: Option<&Vec<Value>> = None;
    for token in pointer.split('/').skip(1) {
        let token = unescape_pointer_token(token);
        let (index, next) = if let Some(map) = children {
            let index = map.keys().position(|key| *key == token);
            (index, map.get(&token))
        } else if let Some(list) = items {
            let index = token.parse::<usize>().ok().filter(|index| *index < list.len());
            (index, index.and_then(|index| list.get(index)))
        } else {
            (None, None)
        };
        position.push(index.unwrap_or(usize::MAX));
        children = next.and_then(Value::as_object);
        items = next.and_then(Value::as_array);
    }
    position
}

/// The two OpenAPI versions this stage understands.
enum VersionFamily {
    V30,
    V31,
}

fn version_family(version: &str) -> Option<VersionFamily> {
    let is = |family: &str| version == family || version.strip_prefix(family).is_some_and(|rest| rest.starts_with('.'));
    if is("3.0") {
        Some(VersionFamily::V30)
    } else if is("3.1") {
        Some(VersionFamily::V31)
    } else {
        None
    }
}

/// JSON Schema 2020-12 keywords that OpenAPI 3.0 lacks and that have no
/// rewrite: dropped, with the meaning lost. `$comment` is dropped without a
/// warning (it never meant anything to a client); `unevaluatedProperties` and
/// `patternProperties` are dropped only when they cannot become
/// `additionalProperties` (see [`Normalizer::drop_unsupported_keywords`]).
const UNSUPPORTED_KEYWORDS: &[(&str, &str)] = &[
    ("$schema", "OpenAPI 3.0 schemas have a fixed dialect"),
    ("$id", "OpenAPI 3.0 has no schema identifiers"),
    ("$anchor", "OpenAPI 3.0 has no schema anchors"),
    ("$dynamicAnchor", "OpenAPI 3.0 has no dynamic anchors"),
    ("$dynamicRef", "OpenAPI 3.0 has no dynamic references; the value is no longer constrained by it"),
    ("$vocabulary", "OpenAPI 3.0 schemas have a fixed vocabulary"),
    ("dependentRequired", "OpenAPI 3.0 cannot require properties only when another one is present"),
    ("dependentSchemas", "OpenAPI 3.0 cannot apply a schema only when a property is present"),
    ("dependencies", "OpenAPI 3.0 cannot express property dependencies"),
    ("if", "OpenAPI 3.0 has no conditional schemas"),
    ("then", "OpenAPI 3.0 has no conditional schemas"),
    ("else", "OpenAPI 3.0 has no conditional schemas"),
    ("unevaluatedItems", "OpenAPI 3.0 has no equivalent"),
    ("additionalItems", "OpenAPI 3.0 has no tuple arrays"),
    ("contains", "OpenAPI 3.0 cannot require an array to contain a matching item"),
    ("minContains", "OpenAPI 3.0 cannot count matching array items"),
    ("maxContains", "OpenAPI 3.0 cannot count matching array items"),
    ("propertyNames", "OpenAPI 3.0 cannot constrain property names"),
    ("contentSchema", "OpenAPI 3.0 cannot describe the decoded content of a string"),
];

/// Keywords that make a schema evaluate properties: next to any of them,
/// `unevaluatedProperties` means more than `additionalProperties` would.
const PROPERTY_EVALUATING_KEYWORDS: &[&str] =
    &["allOf", "anyOf", "oneOf", "$ref", "$dynamicRef", "if", "then", "else", "dependentSchemas", "patternProperties"];

/// `format` values that describe numbers (every other format goes with strings).
const NUMERIC_FORMATS: &[&str] = &["int32", "int64", "float", "double"];

/// Keywords whose value must be a non-negative integer (`openapiv3` reads them as `usize`).
const COUNT_KEYWORDS: &[&str] = &["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];

/// The types a validation keyword applies to, or `None` for keywords that
/// apply to every type. JSON Schema ignores a keyword for instances of other
/// types, so dropping it from a schema of another type changes nothing, while
/// `openapiv3` reads such a schema only as an untyped "any" schema.
fn keyword_types(keyword: &str) -> Option<&'static [&'static str]> {
    match keyword {
        "minLength" | "maxLength" | "pattern" => Some(&["string"]),
        "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" | "multipleOf" => Some(&["integer", "number"]),
        "properties" | "required" | "additionalProperties" | "minProperties" | "maxProperties" => Some(&["object"]),
        "items" | "minItems" | "maxItems" | "uniqueItems" => Some(&["array"]),
        _ => None,
    }
}

/// The schema types OpenAPI 3.0 knows.
const SCHEMA_TYPES: &[&str] = &["string", "number", "integer", "boolean", "object", "array"];

/// Walks one document, rewriting it and collecting warnings.
struct Normalizer {
    is_v31: bool,
    warnings: Vec<Diagnostic>,
    /// Names taken in `components.schemas`, including those given to moved `$defs`.
    schema_names: BTreeSet<String>,
    /// Whether moved `$defs` have a place to go (`components` and its
    /// `schemas` are objects or absent).
    can_hoist_defs: bool,
    hoisted_defs: Vec<HoistedDef>,
    /// Names of `mutualTLS` security schemes (3.1), which OpenAPI 3.0 lacks.
    mutual_tls_schemes: Vec<String>,
    /// `components.pathItems` (3.1), normalised, to inline where `paths` refer to them.
    path_item_components: Map<String, Value>,
    /// How often each component path item has been inlined so far.
    path_item_uses: std::collections::BTreeMap<String, usize>,
    /// `components.schemas` as the document declared them, to tell which
    /// `$ref` siblings repeat the target.
    component_schemas: Map<String, Value>,
}

impl Normalizer {
    /// Collects what the walk needs to know about the whole document up front.
    fn new(is_v31: bool, root: &Map<String, Value>) -> Self {
        let components = root.get("components");
        let schemas = components.and_then(|c| c.get("schemas"));
        let component_schemas = schemas.and_then(Value::as_object).cloned().unwrap_or_default();
        let schema_names = component_schemas.keys().cloned().collect();
        let is_object_or_absent = |value: Option<&Value>| matches!(value, None | Some(Value::Object(_)));
        let can_hoist_defs = is_object_or_absent(components) && is_object_or_absent(schemas);
        let mut mutual_tls_schemes = Vec::new();
        if is_v31 {
            if let Some(schemes) = components.and_then(|c| c.get("securitySchemes")).and_then(Value::as_object) {
                mutual_tls_schemes = schemes
                    .iter()
                    .filter(|(_, scheme)| scheme.get("type").and_then(Value::as_str) == Some("mutualTLS"))
                    .map(|(name, _)| name.clone())
                    .collect();
            }
        }
        Self {
            is_v31,
            warnings: Vec::new(),
            schema_names,
            can_hoist_defs,
            hoisted_defs: Vec::new(),
            mutual_tls_schemes,
            path_item_components: Map::new(),
            path_item_uses: std::collections::BTreeMap::new(),
            component_schemas,
        }
    }

    fn warn(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Diagnostic::warning(pointer, message));
    }

    /// Drops the 2020-12 keywords that have no 3.0 equivalent, before the
    /// nested schemas are walked (so nothing is reported inside them).
    fn drop_unsupported_keywords(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        // Decided before any keyword goes: whether unevaluatedProperties
        // means exactly what additionalProperties would.
        let unevaluated_is_additional = !map.contains_key("additionalProperties")
            && !PROPERTY_EVALUATING_KEYWORDS.iter().any(|keyword| map.contains_key(*keyword));
        let keywords: Vec<String> = map.keys().cloned().collect();
        for keyword in keywords {
            let reason = match keyword.as_str() {
                "$comment" => {
                    map.shift_remove("$comment");
                    continue;
                }
                "unevaluatedProperties" if !unevaluated_is_additional => {
                    "OpenAPI 3.0 has no equivalent next to `additionalProperties` or keywords that evaluate \
                     properties (`allOf`, `anyOf`, `oneOf`, `$ref`, `if`, `dependentSchemas`, `patternProperties`)"
                }
                "patternProperties" if map.contains_key("additionalProperties") => {
                    "OpenAPI 3.0 has no pattern properties, and `additionalProperties` is already set"
                }
                other => match UNSUPPORTED_KEYWORDS.iter().find(|(name, _)| *name == other) {
                    Some((_, reason)) => reason,
                    None => continue,
                },
            };
            map.shift_remove(&keyword);
            self.warn(pointer_join(pointer, &keyword), format!("`{keyword}` dropped: {reason}"));
        }
    }

    /// `unevaluatedProperties` (when nothing else evaluates properties) and
    /// `patternProperties` (when there is no `additionalProperties`) become
    /// `additionalProperties`; [`Self::drop_unsupported_keywords`] dropped them otherwise.
    fn map_to_additional_properties(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        if let Some(unevaluated) = map.get("unevaluatedProperties").cloned() {
            replace_entry(map, "unevaluatedProperties", "additionalProperties", unevaluated);
            self.warn(
                pointer_join(pointer, "unevaluatedProperties"),
                "`unevaluatedProperties` rewritten to `additionalProperties` (the same here: no other keyword \
                 evaluates properties)",
            );
        }
        let Some(patterns) = map.get("patternProperties").and_then(Value::as_object).cloned() else { return };
        let keyword_pointer = pointer_join(pointer, "patternProperties");
        let pattern_list = quoted_list(patterns.keys());
        let mut schemas: Vec<Value> = patterns.into_iter().map(|(_, schema)| schema).collect();
        let (replacement, shown) = match schemas.len() {
            0 => {
                map.shift_remove("patternProperties");
                return;
            }
            1 => (schemas.remove(0), "its schema".to_string()),
            count => (json!({ "anyOf": schemas }), format!("`anyOf` of its {count} schemas")),
        };
        replace_entry(map, "patternProperties", "additionalProperties", replacement);
        self.warn(
            keyword_pointer,
            format!(
                "`patternProperties` rewritten to `additionalProperties` ({shown}): OpenAPI 3.0 has no pattern \
                 properties; the key patterns {pattern_list} are lost"
            ),
        );
    }

    fn const_to_enum(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let Some(value) = map.get("const").cloned() else { return };
        let shown = compact(&value);
        let replaced = map.get("enum").map(|old| format!(", replacing `enum: {}`", compact(old))).unwrap_or_default();
        let is_null = value.is_null();
        replace_entry(map, "const", "enum", Value::Array(vec![value]));
        let mut message = format!("`const: {shown}` rewritten to `enum: [{shown}]`{replaced}");
        if is_null {
            // 3.0 admits null only in nullable schemas.
            insert_after(map, "enum", "nullable", Value::Bool(true));
            message.push_str(" with `nullable: true`");
        }
        self.warn(pointer_join(pointer, "const"), message);
    }

    /// Schema `examples` (an array in 2020-12) becomes the single 3.0 `example`.
    /// (`examples` of parameters and media types is a map in 3.0 too, and
    /// never reaches this function.)
    fn examples_to_example(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let Some(Value::Array(examples)) = map.get("examples") else { return };
        let examples = examples.clone();
        let keyword_pointer = pointer_join(pointer, "examples");
        if map.contains_key("example") {
            map.shift_remove("examples");
            self.warn(
                keyword_pointer,
                format!("`examples` dropped ({} value(s) lost): `example` is already set", examples.len()),
            );
            return;
        }
        let Some(first) = examples.first().cloned() else {
            map.shift_remove("examples");
            self.warn(keyword_pointer, "empty `examples` dropped");
            return;
        };
        replace_entry(map, "examples", "example", first);
        let message = match examples.len() {
            1 => "`examples` rewritten to `example`".to_string(),
            count => format!(
                "`examples` rewritten to `example` (the first of {count}; {} dropped: 3.0 schemas hold one example)",
                count - 1
            ),
        };
        self.warn(keyword_pointer, message);
    }

    /// Numeric `exclusiveMinimum: n` (2020-12) becomes `minimum: n,
    /// exclusiveMinimum: true` (3.0), unless `minimum` is already stricter.
    /// Boolean `exclusiveMinimum` is 3.0 syntax and stays.
    fn exclusive_bounds(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        for (exclusive_keyword, bound_keyword, is_lower) in
            [("exclusiveMinimum", "minimum", true), ("exclusiveMaximum", "maximum", false)]
        {
            let Some(Value::Number(exclusive)) = map.get(exclusive_keyword).cloned() else { continue };
            let keyword_pointer = pointer_join(pointer, exclusive_keyword);
            let bound = map.get(bound_keyword).and_then(Value::as_number).cloned();
            let bound_is_stricter = bound.as_ref().is_some_and(|bound| {
                let (bound, exclusive) = (bound.as_f64().unwrap_or(0.0), exclusive.as_f64().unwrap_or(0.0));
                if is_lower {
                    bound > exclusive
                } else {
                    bound < exclusive
                }
            });
            if bound_is_stricter {
                map.shift_remove(exclusive_keyword);
                let bound = bound.map(|bound| bound.to_string()).unwrap_or_default();
                self.warn(
                    keyword_pointer,
                    format!("`{exclusive_keyword}: {exclusive}` dropped: `{bound_keyword}: {bound}` is stricter"),
                );
                continue;
            }
            map.insert(exclusive_keyword.into(), Value::Bool(true));
            if map.contains_key(bound_keyword) {
                map.insert(bound_keyword.into(), Value::Number(exclusive.clone()));
            } else {
                insert_before(map, exclusive_keyword, bound_keyword, Value::Number(exclusive.clone()));
            }
            let replaced =
                bound.map(|bound| format!(" (replacing the weaker `{bound_keyword}: {bound}`)")).unwrap_or_default();
            self.warn(
                keyword_pointer,
                format!(
                    "`{exclusive_keyword}: {exclusive}` rewritten to `{bound_keyword}: {exclusive}, \
                     {exclusive_keyword}: true`{replaced}"
                ),
            );
        }
    }

    /// `contentEncoding: base64` -> `format: byte`; `contentMediaType` of
    /// binary data on a plain string -> `format: binary`; both keywords go.
    fn content_encoding(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let encoding = map.get("contentEncoding").cloned();
        let media_type = map.get("contentMediaType").cloned();
        if encoding.is_none() && media_type.is_none() {
            return;
        }
        let is_string = match map.get("type") {
            None => true,
            Some(Value::String(name)) => name == "string",
            Some(Value::Array(names)) => names.iter().any(|name| name == "string"),
            Some(_) => false,
        };
        let existing_format = map.get("format").map(compact);
        if let Some(encoding) = &encoding {
            let keyword_pointer = pointer_join(pointer, "contentEncoding");
            let shown = compact(encoding);
            let is_base64 = encoding.as_str().is_some_and(|name| name.eq_ignore_ascii_case("base64"));
            if is_base64 && is_string && existing_format.is_none() {
                replace_entry(map, "contentEncoding", "format", Value::String("byte".into()));
                self.warn(keyword_pointer, format!("`contentEncoding: {shown}` rewritten to `format: byte`"));
            } else {
                map.shift_remove("contentEncoding");
                let reason = match &existing_format {
                    Some(format) if is_base64 => format!("`format: {format}` is kept"),
                    _ => "OpenAPI 3.0 has no equivalent".to_string(),
                };
                self.warn(keyword_pointer, format!("`contentEncoding: {shown}` dropped: {reason}"));
            }
        }
        if let Some(media_type) = &media_type {
            let keyword_pointer = pointer_join(pointer, "contentMediaType");
            let shown = compact(media_type);
            let is_binary = media_type.as_str().is_some_and(is_binary_media_type);
            if encoding.is_none() && is_string && is_binary && existing_format.is_none() {
                replace_entry(map, "contentMediaType", "format", Value::String("binary".into()));
                self.warn(keyword_pointer, format!("`contentMediaType: {shown}` rewritten to `format: binary`"));
            } else {
                map.shift_remove("contentMediaType");
                let reason = if encoding.is_some() {
                    "OpenAPI 3.0 cannot name the media type of encoded content"
                } else {
                    "OpenAPI 3.0 cannot name the media type of a string's content"
                };
                self.warn(keyword_pointer, format!("`contentMediaType: {shown}` dropped: {reason}"));
            }
        }
    }

    /// `prefixItems` (tuples) becomes `items` with a `oneOf` of the tuple's
    /// schemas; boolean `items` becomes a length limit or nothing.
    fn prefix_items(&mut self, map: &mut Map<String, Value>, pointer: &str) {
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
                self.warn(keyword_pointer, format!("empty `{tuple_keyword}` dropped"));
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
        self.warn(keyword_pointer, message);
    }

    /// `items: true` allows anything (like no `items`); `items: false` allows
    /// no items at all (like `maxItems: 0`).
    fn boolean_items(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let Some(Value::Bool(allows_items)) = map.get("items").cloned() else { return };
        let keyword_pointer = pointer_join(pointer, "items");
        if allows_items {
            map.shift_remove("items");
            self.warn(keyword_pointer, "`items: true` dropped: it allows any item, like no `items`");
        } else if map.contains_key("maxItems") {
            map.shift_remove("items");
            map.insert("maxItems".into(), json!(0));
            self.warn(keyword_pointer, "`items: false` rewritten to `maxItems: 0`");
        } else {
            replace_entry(map, "items", "maxItems", json!(0));
            self.warn(keyword_pointer, "`items: false` rewritten to `maxItems: 0`");
        }
    }

    /// `anyOf: [X, {type: 'null'}]`, the 3.1 way to make a reference nullable,
    /// becomes `allOf: [X], nullable: true`, the 3.0 way.
    fn null_branches_to_nullable(&mut self, map: &mut Map<String, Value>, pointer: &str, null_branches: &NullBranches) {
        for (keyword, indices) in [("anyOf", &null_branches.any_of), ("oneOf", &null_branches.one_of)] {
            if indices.is_empty() {
                continue;
            }
            let Some(Value::Array(branches)) = map.get_mut(keyword) else { continue };
            let mut index = 0;
            branches.retain(|_| {
                let keep = !indices.contains(&index);
                index += 1;
                keep
            });
            let remaining = branches.len();
            let mut message = format!("`{{type: 'null'}}` branch of `{keyword}` rewritten to `nullable: true`");
            set_nullable_after(map, keyword);
            if remaining == 0 {
                map.shift_remove(keyword);
            } else if remaining == 1 && !map.contains_key("allOf") {
                if let Some(branches) = map.get(keyword).cloned() {
                    replace_entry(map, keyword, "allOf", branches);
                    message.push_str("; the one remaining branch is kept as `allOf`");
                }
            }
            self.warn(pointer_join(pointer, keyword), message);
        }
    }

    /// Type arrays (2020-12) become one 3.0 type plus `nullable`, or a `oneOf`
    /// with one schema per type; `type: 'null'` becomes `nullable: true`.
    fn type_arrays(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let keyword_pointer = pointer_join(pointer, "type");
        let types: Vec<String> = match map.get("type") {
            Some(Value::String(name)) if name == "null" => vec![name.clone()],
            Some(Value::Array(names)) if !names.is_empty() => {
                match names.iter().map(|name| name.as_str().map(str::to_string)).collect::<Option<Vec<_>>>() {
                    Some(names) => names,
                    None => return, // not a list of type names: for the typed parser to report
                }
            }
            _ => return,
        };
        let shown = map.get("type").map(Value::to_string).unwrap_or_default();
        let nullable = types.iter().any(|name| name == "null");
        let mut concrete: Vec<String> = Vec::new();
        for name in types.into_iter().filter(|name| name != "null") {
            if !concrete.contains(&name) {
                concrete.push(name);
            }
        }
        let mut notes = Vec::new();
        if concrete.iter().any(|name| name == "number") && concrete.iter().any(|name| name == "integer") {
            // Every integer is a number: the pair is just `number`.
            concrete.retain(|name| name != "integer");
            notes.push("`integer` folded into `number`".to_string());
        }
        let nullable_note = if nullable { ", with `nullable: true`" } else { "" };
        match concrete.as_slice() {
            [] => {
                if map.contains_key("nullable") {
                    map.shift_remove("type");
                    map.insert("nullable".into(), Value::Bool(true));
                } else {
                    replace_entry(map, "type", "nullable", Value::Bool(true));
                }
                self.warn(keyword_pointer, format!("`type: {shown}` rewritten to `nullable: true` without a type"));
                return;
            }
            [single] => {
                let single = single.clone();
                replace_entry(map, "type", "type", Value::String(single.clone()));
                if nullable {
                    set_nullable_after(map, "type");
                }
                notes.insert(0, format!("`type: {shown}` rewritten to `type: {single}`{nullable_note}"));
            }
            several => {
                let (outcome, split_notes) = split_by_type(map, several);
                if nullable {
                    let anchor =
                        ["oneOf", "allOf", "type"].into_iter().find(|key| map.contains_key(*key)).unwrap_or("enum");
                    set_nullable_after(map, anchor);
                }
                notes.insert(
                    0,
                    format!("`type: {shown}` rewritten to {outcome}{nullable_note} (OpenAPI 3.0 has no type lists)"),
                );
                notes.extend(split_notes);
            }
        }
        self.warn(keyword_pointer, notes.join("; "));
    }

    /// Integer bounds must be `i64` for openapiv3 (which otherwise reads the
    /// schema as an untyped "any" schema), and counts must be `usize`.
    fn numbers(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        for keyword in COUNT_KEYWORDS {
            let Some(Value::Number(count)) = map.get(*keyword) else { continue };
            let Some(value) = count.as_f64().filter(|value| count.is_f64() && value.fract() == 0.0 && *value >= 0.0)
            else {
                continue;
            };
            if value > u64::MAX as f64 {
                continue;
            }
            let shown = count.to_string();
            let integer = value as u64;
            map.insert((*keyword).into(), json!(integer));
            self.warn(
                pointer_join(pointer, keyword),
                format!("`{keyword}: {shown}` rewritten to the integer {integer}"),
            );
        }
        if is_integer_schema(map) {
            self.integer_bounds(map, pointer);
            self.integer_values(map, pointer);
        } else {
            // YAML spells numbers beyond f64 (`1e400`) as strings; the nearest
            // finite bound is the largest f64.
            for keyword in ["minimum", "maximum", "multipleOf"] {
                let Some(Value::String(text)) = map.get(keyword) else { continue };
                let Some(infinite) = text.parse::<f64>().ok().filter(|value| value.is_infinite()) else { continue };
                let shown = text.clone();
                let finite = if infinite > 0.0 { f64::MAX } else { f64::MIN };
                map.insert(keyword.into(), json!(finite));
                self.warn(
                    pointer_join(pointer, keyword),
                    format!("`{keyword}: {shown}` is beyond the range of a 64-bit float; clamped to {finite:e}"),
                );
            }
        }
    }

    fn integer_bounds(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        for keyword in ["minimum", "maximum", "multipleOf"] {
            let Some(value) = map.get(keyword) else { continue };
            let shown = compact(value);
            let keyword_pointer = pointer_join(pointer, keyword);
            match fit_integer(value) {
                IntegerFit::Exact | IntegerFit::NotANumber => {}
                fit @ (IntegerFit::IntegralFloat(_) | IntegerFit::OutOfRange(_)) => {
                    self.write_integer(map, keyword, &shown, &keyword_pointer, fit)
                }
                IntegerFit::Fraction(fraction) if keyword == "multipleOf" => {
                    map.shift_remove(keyword);
                    self.warn(
                        keyword_pointer,
                        format!("`multipleOf: {fraction}` dropped: integer schemas need an integer `multipleOf`"),
                    );
                }
                IntegerFit::Fraction(fraction) => {
                    // The integers >= 2.5 (or > 2.5) are those >= 3.
                    let (rounded, exclusive_keyword) = if keyword == "minimum" {
                        (fraction.ceil(), "exclusiveMinimum")
                    } else {
                        (fraction.floor(), "exclusiveMaximum")
                    };
                    let integer = match fit_float(rounded) {
                        IntegerFit::IntegralFloat(integer) | IntegerFit::OutOfRange(integer) => integer,
                        _ => continue,
                    };
                    map.insert(keyword.into(), json!(integer));
                    let mut message = format!(
                        "`{keyword}: {shown}` is not an integer; rewritten to {integer}, the same bound for integers"
                    );
                    if map.get(exclusive_keyword) == Some(&Value::Bool(true)) {
                        map.shift_remove(exclusive_keyword);
                        message.push_str(&format!(" (`{exclusive_keyword}: true` dropped: it excluded no integer)"));
                    }
                    self.warn(keyword_pointer, message);
                }
            }
        }
    }

    /// Writes back an integral float as the integer, or an out-of-range
    /// number as the nearest `i64`, with the warning that says which.
    fn write_integer(
        &mut self,
        map: &mut Map<String, Value>,
        keyword: &str,
        shown: &str,
        pointer: &str,
        fit: IntegerFit,
    ) {
        let (integer, message) = match fit {
            IntegerFit::OutOfRange(clamped) => {
                (clamped, format!("`{keyword}: {shown}` is outside the 64-bit integer range; clamped to {clamped}"))
            }
            IntegerFit::IntegralFloat(integer) => {
                (integer, format!("`{keyword}: {shown}` rewritten to the integer {integer}{}", rounding_note(integer)))
            }
            _ => return,
        };
        map.insert(keyword.into(), json!(integer));
        self.warn(pointer.to_string(), message);
    }

    /// `default`, `example` and `enum` of an integer schema: float-spelled
    /// integers become integers, out-of-range ones are clamped, and enum
    /// values with a fraction (which no integer can equal) are dropped.
    fn integer_values(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        for keyword in ["default", "example"] {
            let Some(value) = map.get(keyword) else { continue };
            let shown = compact(value);
            let keyword_pointer = pointer_join(pointer, keyword);
            if let fit @ (IntegerFit::IntegralFloat(_) | IntegerFit::OutOfRange(_)) = fit_integer(value) {
                self.write_integer(map, keyword, &shown, &keyword_pointer, fit);
            }
        }
        let enum_pointer = pointer_join(pointer, "enum");
        let Some(Value::Array(values)) = map.get_mut("enum") else { return };
        let mut notes = Vec::new();
        let mut kept = Vec::with_capacity(values.len());
        for value in values.drain(..) {
            let shown = compact(&value);
            match fit_integer(&value) {
                IntegerFit::IntegralFloat(integer) => {
                    notes.push(format!("{shown} rewritten to the integer {integer}{}", rounding_note(integer)));
                    kept.push(json!(integer));
                }
                IntegerFit::OutOfRange(clamped) => {
                    notes.push(format!("{shown} is outside the 64-bit integer range, clamped to {clamped}"));
                    kept.push(json!(clamped));
                }
                IntegerFit::Fraction(_) => notes.push(format!("{shown} dropped: no integer equals it")),
                IntegerFit::Exact | IntegerFit::NotANumber => kept.push(value),
            }
        }
        *values = kept;
        if !notes.is_empty() {
            self.warn(enum_pointer, format!("`enum` of an integer schema: {}", notes.join("; ")));
        }
    }

    /// Keywords that cannot apply to the declared type (`minLength` on an
    /// integer, say) are ignored by JSON Schema; dropping them keeps the
    /// meaning and lets openapiv3 read the schema as its type.
    fn inapplicable_keywords(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let Some(type_name) = map.get("type").and_then(Value::as_str) else { return };
        if !SCHEMA_TYPES.contains(&type_name) {
            return;
        }
        let type_name = type_name.to_string();
        let inapplicable: Vec<String> = map
            .keys()
            .filter(|keyword| keyword_types(keyword).is_some_and(|types| !types.contains(&type_name.as_str())))
            .cloned()
            .collect();
        if inapplicable.is_empty() {
            return;
        }
        map.retain(|keyword, _| !inapplicable.contains(keyword));
        self.warn(
            pointer,
            format!("keywords that do not apply to `type: {type_name}` dropped: {}", quoted_list(inapplicable.iter())),
        );
    }

    /// `$ref` with sibling keywords: 3.1 applies both, 3.0 ignores the
    /// siblings, and many 3.0 specs rely on them anyway (`description`,
    /// `nullable`). `allOf: [{$ref}]` plus the siblings keeps both, in 3.0
    /// terms. Siblings that repeat the referenced component schema's own value
    /// (`type: string` next to a string enum) add nothing and are dropped, so
    /// that such a schema stays a plain reference.
    fn reference_siblings(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        let Some(reference) = map.get("$ref").and_then(Value::as_str).map(str::to_string) else { return };
        if map.len() == 1 || map.get("allOf").is_some_and(|all_of| !all_of.is_array()) {
            return;
        }
        let target = reference
            .strip_prefix("#/components/schemas/")
            .filter(|name| !name.contains('/'))
            .and_then(|name| self.component_schemas.get(&unescape_pointer_token(name)))
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
        if map.len() == 1 {
            self.warn(pointer, redundant_note);
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
        self.warn(pointer, message);
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

/// Indices of `{type: 'null'}` branches in a schema's `anyOf` and `oneOf`.
#[derive(Default)]
struct NullBranches {
    any_of: Vec<usize>,
    one_of: Vec<usize>,
}

impl NullBranches {
    fn find(map: &Map<String, Value>) -> Self {
        let find = |keyword: &str| -> Vec<usize> {
            let Some(Value::Array(branches)) = map.get(keyword) else { return Vec::new() };
            branches
                .iter()
                .enumerate()
                .filter(|(_, branch)| is_null_type_schema(branch))
                .map(|(index, _)| index)
                .collect()
        };
        Self { any_of: find("anyOf"), one_of: find("oneOf") }
    }
}

/// `{type: 'null'}` or `{type: ['null']}`, and nothing else.
fn is_null_type_schema(schema: &Value) -> bool {
    let Some(map) = schema.as_object() else { return false };
    map.len() == 1
        && match map.get("type") {
            Some(Value::String(name)) => name == "null",
            Some(Value::Array(names)) => names.len() == 1 && names[0] == "null",
            _ => false,
        }
}

/// Replaces `type` (a list of several types) with a `oneOf` holding one
/// schema per type, moving each type's keywords into its branch. Returns what
/// became of the schema and notes on what was left out, for the warning.
fn split_by_type(map: &mut Map<String, Value>, types: &[String]) -> (String, Vec<String>) {
    let format_types: &[&str] = match map.get("format").and_then(Value::as_str) {
        Some(format) if NUMERIC_FORMATS.contains(&format) => &["integer", "number"],
        Some(_) => &["string"],
        None => &[],
    };
    let applies = |keyword: &str, type_name: &str| match keyword {
        "format" => format_types.contains(&type_name),
        keyword => keyword_types(keyword).is_some_and(|types| types.contains(&type_name)),
    };
    let is_type_specific = |keyword: &str| keyword == "format" || keyword == "enum" || keyword_types(keyword).is_some();
    let enumeration = map.get("enum").and_then(Value::as_array).cloned();

    let mut notes = Vec::new();
    let mut branches = Vec::new();
    for type_name in types {
        let mut branch = Map::new();
        branch.insert("type".into(), Value::String(type_name.clone()));
        for (keyword, value) in map.iter() {
            if applies(keyword, type_name) {
                branch.insert(keyword.clone(), value.clone());
            }
        }
        if let Some(values) = &enumeration {
            let matching: Vec<Value> =
                values.iter().filter(|value| value_has_type(value, type_name)).cloned().collect();
            if matching.is_empty() {
                notes.push(format!("no `enum` value is of type `{type_name}`, so that type was left out"));
                continue;
            }
            branch.insert("enum".into(), Value::Array(matching));
        }
        branches.push(branch);
    }
    let unplaced: Vec<String> = map
        .keys()
        .filter(|keyword| {
            *keyword != "enum" && is_type_specific(keyword) && !types.iter().any(|name| applies(keyword, name))
        })
        .cloned()
        .collect();
    if !unplaced.is_empty() {
        notes.push(format!("keywords that apply to none of the types dropped: {}", quoted_list(unplaced.iter())));
    }

    let outcome = match branches.len() {
        0 => {
            // Every enum value is null: the enum alone says it all.
            map.retain(|keyword, _| keyword == "enum" || !is_type_specific(keyword));
            map.shift_remove("type");
            "no type".to_string()
        }
        1 => {
            // The enum left one type: its branch is the whole schema.
            map.retain(|keyword, _| keyword == "type" || !is_type_specific(keyword));
            let branch = branches.pop().unwrap_or_default();
            let type_name = branch.get("type").map(compact).unwrap_or_default();
            for (keyword, existing) in std::mem::take(map) {
                if keyword == "type" {
                    map.extend(branch.clone());
                } else {
                    map.insert(keyword, existing);
                }
            }
            format!("`type: {type_name}`")
        }
        count => {
            map.retain(|keyword, _| keyword == "type" || !is_type_specific(keyword));
            let branches = Value::Array(branches.into_iter().map(Value::Object).collect());
            if map.contains_key("oneOf") {
                // Both the existing `oneOf` and the type split must hold.
                let mut all_of = map.get("allOf").and_then(Value::as_array).cloned().unwrap_or_default();
                all_of.push(json!({ "oneOf": branches }));
                replace_entry(map, "type", "allOf", Value::Array(all_of));
                format!(
                    "an `allOf` entry holding a `oneOf` of {count} schemas, one per type (the schema already had \
                     a `oneOf`)"
                )
            } else {
                replace_entry(map, "type", "oneOf", branches);
                format!("a `oneOf` of {count} schemas, one per type, holding the keywords of their type")
            }
        }
    };
    (outcome, notes)
}

/// Whether an enum value is an instance of the JSON Schema type `type_name`.
fn value_has_type(value: &Value, type_name: &str) -> bool {
    match type_name {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.as_f64().is_some_and(|number| number.fract() == 0.0),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => false,
    }
}

/// Whether a schema (after the type-array rewrite, or about to undergo it)
/// reads its bounds as integers.
fn is_integer_schema(map: &Map<String, Value>) -> bool {
    match map.get("type") {
        Some(Value::String(name)) => name == "integer",
        Some(Value::Array(names)) => {
            names.iter().any(|name| name == "integer") && !names.iter().any(|name| name == "number")
        }
        _ => false,
    }
}

/// How a JSON value fits an `i64`.
enum IntegerFit {
    /// It is an `i64` already.
    Exact,
    /// A float without fraction (`1e3`, `5.0`) that fits.
    IntegralFloat(i64),
    /// Beyond the `i64` range: the nearest `i64`.
    OutOfRange(i64),
    /// A finite number with a fraction.
    Fraction(f64),
    /// Not a number at all: for someone else to judge.
    NotANumber,
}

fn fit_integer(value: &Value) -> IntegerFit {
    match value {
        Value::Number(number) if number.is_i64() => IntegerFit::Exact,
        // A u64 that is no i64 is above i64::MAX.
        Value::Number(number) if number.is_u64() => IntegerFit::OutOfRange(i64::MAX),
        Value::Number(number) => number.as_f64().map_or(IntegerFit::NotANumber, fit_float),
        // YAML spells numbers beyond f64 (`1e400`) as strings.
        Value::String(text) => match text.parse::<f64>() {
            Ok(number) if number.is_infinite() => fit_float(number),
            _ => IntegerFit::NotANumber,
        },
        _ => IntegerFit::NotANumber,
    }
}

/// For an integer read from a float literal: a note when the float may have
/// been rounded (beyond 2^53, not every integer is a float).
fn rounding_note(integer: i64) -> &'static str {
    if integer.unsigned_abs() > 1 << 53 {
        " (as read: an integer this large may have been rounded)"
    } else {
        ""
    }
}

fn fit_float(number: f64) -> IntegerFit {
    // -2^63 and 2^63 are exact in f64; i64 holds [-2^63, 2^63).
    const LOWEST: f64 = -9_223_372_036_854_775_808.0;
    const PAST_HIGHEST: f64 = 9_223_372_036_854_775_808.0;
    if number.is_nan() {
        IntegerFit::NotANumber
    } else if number < LOWEST {
        IntegerFit::OutOfRange(i64::MIN)
    } else if number >= PAST_HIGHEST {
        IntegerFit::OutOfRange(i64::MAX)
    } else if number.fract() == 0.0 {
        IntegerFit::IntegralFloat(number as i64)
    } else {
        IntegerFit::Fraction(number)
    }
}

/// Whether a media type (of a string's content) is binary data rather than text.
fn is_binary_media_type(media_type: &str) -> bool {
    let media_type = media_type.to_ascii_lowercase();
    let textual = media_type.starts_with("text/")
        || ["json", "xml", "yaml", "javascript", "x-www-form-urlencoded", "csv", "html"]
            .iter()
            .any(|marker| media_type.contains(marker));
    !textual
}
