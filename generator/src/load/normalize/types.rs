//! Schema types: 2020-12 type arrays and `{type: 'null'}` branches become
//! one 3.0 type with `nullable`, or a `oneOf` of one schema per type; and
//! keywords that cannot apply to a schema's type are dropped.

use serde_json::{json, Map, Value};

use super::json::{compact, quoted_list, replace_entry, set_nullable_after};
use super::rewrites::SchemaSite;
use super::Normalizer;
use crate::diagnostics::pointer_join;

/// `format` values that describe numbers (every other format goes with strings).
const NUMERIC_FORMATS: &[&str] = &["int32", "int64", "float", "double"];

/// The schema types OpenAPI 3.0 knows.
const SCHEMA_TYPES: &[&str] = &["string", "number", "integer", "boolean", "object", "array"];

impl Normalizer {
    /// Boolean schemas (2020-12): `true` accepts anything, like `{}`, and
    /// `false` nothing, like `{not: {}}`. Either replacement is final.
    pub(super) fn boolean_schema(&mut self, schema: &mut Value, pointer: &str) -> bool {
        let Value::Bool(accepts_all) = *schema else { return false };
        let (replacement, shown) = if accepts_all { (json!({}), "{}") } else { (json!({ "not": {} }), "{not: {}}") };
        *schema = replacement;
        self.lossless(pointer, format!("boolean schema `{accepts_all}` rewritten to `{shown}`"));
        true
    }

    /// Finds the `{type: 'null'}` branches of `anyOf` and `oneOf`, which the
    /// walk then skips: [`Self::null_branches_to_nullable`] replaces them.
    pub(super) fn find_null_branches(&mut self, map: &mut Map<String, Value>, site: &mut SchemaSite<'_>) {
        site.null_branches = NullBranches::find(map);
    }

    /// `anyOf: [X, {type: 'null'}]`, the 3.1 way to make a reference nullable,
    /// becomes `allOf: [X], nullable: true`, the 3.0 way.
    pub(super) fn null_branches_to_nullable(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
        let null_branches = &site.null_branches;
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
            self.lossless(pointer_join(pointer, keyword), message);
        }
    }

    /// Type arrays (2020-12) become one 3.0 type plus `nullable`, or a `oneOf`
    /// with one schema per type; `type: 'null'` becomes `nullable: true`.
    pub(super) fn type_arrays(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
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
                // 3.0 has no null type: `nullable` without a type also admits any other value.
                self.lossy(
                    keyword_pointer,
                    format!(
                        "`type: {shown}` rewritten to `nullable: true` without a type: OpenAPI 3.0 has no null \
                         type, so the schema no longer says the value is always null"
                    ),
                );
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
        // One type with `nullable`, or a `oneOf` of one schema per type, each
        // with the keywords of its type: the same values (keywords that apply
        // to none of the types, and types no `enum` value has, mean nothing).
        self.lossless(keyword_pointer, notes.join("; "));
    }

    /// Keywords that cannot apply to the declared type (`minLength` on an
    /// integer, say) are ignored by JSON Schema; dropping them keeps the
    /// meaning and lets openapiv3 read the schema as its type.
    pub(super) fn inapplicable_keywords(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
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
        self.lossless(
            pointer,
            format!("keywords that do not apply to `type: {type_name}` dropped: {}", quoted_list(inapplicable.iter())),
        );
    }
}

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

/// Indices of `{type: 'null'}` branches in a schema's `anyOf` and `oneOf`.
#[derive(Default)]
pub(super) struct NullBranches {
    pub(super) any_of: Vec<usize>,
    pub(super) one_of: Vec<usize>,
}

impl NullBranches {
    pub(super) fn find(map: &Map<String, Value>) -> Self {
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
