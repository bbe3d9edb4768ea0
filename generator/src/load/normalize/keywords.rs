//! JSON Schema 2020-12 keywords OpenAPI 3.0 lacks: rewritten into their 3.0
//! equivalent (`const`, schema `examples`, `unevaluatedProperties`,
//! `patternProperties`, `contentEncoding`, `contentMediaType`) or dropped.

use serde_json::{json, Map, Value};

use super::json::{compact, insert_after, quoted_list, replace_entry};
use super::rewrites::SchemaSite;
use super::Normalizer;
use crate::diagnostics::pointer_join;

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

impl Normalizer {
    /// A `discriminator` that is the property name itself, as Swagger 2.0
    /// writes it, becomes `{propertyName: name}`: a mistake whose intent is
    /// clear, forgiven with a warning.
    pub(super) fn discriminator_name(&mut self, map: &mut Map<String, Value>, site: &mut SchemaSite<'_>) {
        let Some(Value::String(name)) = map.get("discriminator") else { return };
        let name = name.clone();
        map.insert("discriminator".into(), json!({ "propertyName": name }));
        self.lossy(
            pointer_join(site.pointer, "discriminator"),
            format!(
                "`discriminator` is a property name (Swagger 2.0's form), not an object: read as \
                 `{{propertyName: {name}}}`"
            ),
        );
    }

    /// Drops the 2020-12 keywords that have no 3.0 equivalent, before the
    /// nested schemas are walked (so nothing is reported inside them).
    pub(super) fn drop_unsupported_keywords(&mut self, map: &mut Map<String, Value>, site: &mut SchemaSite<'_>) {
        let pointer = site.pointer;
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
            self.lossy(pointer_join(pointer, &keyword), format!("`{keyword}` dropped: {reason}"));
        }
    }

    /// `unevaluatedProperties` (when nothing else evaluates properties) and
    /// `patternProperties` (when there is no `additionalProperties`) become
    /// `additionalProperties`; [`Self::drop_unsupported_keywords`] dropped them otherwise.
    pub(super) fn map_to_additional_properties(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
        if let Some(unevaluated) = map.get("unevaluatedProperties").cloned() {
            replace_entry(map, "unevaluatedProperties", "additionalProperties", unevaluated);
            self.lossless(
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
        self.lossy(
            keyword_pointer,
            format!(
                "`patternProperties` rewritten to `additionalProperties` ({shown}): OpenAPI 3.0 has no pattern \
                 properties; the key patterns {pattern_list} are lost"
            ),
        );
    }

    pub(super) fn const_to_enum(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
        let Some(value) = map.get("const").cloned() else { return };
        let shown = compact(&value);
        let replaced = map.get("enum").map(|old| format!(", replacing `enum: {}`", compact(old))).unwrap_or_default();
        // Both must hold: an `enum` that lists the value adds nothing; one
        // that does not made the schema match nothing, which is lost.
        let loses = map.get("enum").is_some_and(|old| !old.as_array().is_some_and(|values| values.contains(&value)));
        let is_null = value.is_null();
        replace_entry(map, "const", "enum", Value::Array(vec![value]));
        let mut message = format!("`const: {shown}` rewritten to `enum: [{shown}]`{replaced}");
        if is_null {
            // 3.0 admits null only in nullable schemas.
            insert_after(map, "enum", "nullable", Value::Bool(true));
            message.push_str(" with `nullable: true`");
        }
        self.report(loses, pointer_join(pointer, "const"), message);
    }

    /// Schema `examples` (an array in 2020-12) becomes the single 3.0 `example`.
    /// (`examples` of parameters and media types is a map in 3.0 too, and
    /// never reaches this function.)
    pub(super) fn examples_to_example(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
        let Some(Value::Array(examples)) = map.get("examples") else { return };
        let examples = examples.clone();
        let keyword_pointer = pointer_join(pointer, "examples");
        if map.contains_key("example") {
            map.shift_remove("examples");
            self.lossy(
                keyword_pointer,
                format!("`examples` dropped ({} value(s) lost): `example` is already set", examples.len()),
            );
            return;
        }
        let Some(first) = examples.first().cloned() else {
            map.shift_remove("examples");
            self.lossless(keyword_pointer, "empty `examples` dropped");
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
        self.report(examples.len() > 1, keyword_pointer, message);
    }

    /// `contentEncoding: base64` -> `format: byte`; `contentMediaType` of
    /// binary data on a plain string -> `format: binary`; both keywords go.
    pub(super) fn content_encoding(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
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
                self.lossless(keyword_pointer, format!("`contentEncoding: {shown}` rewritten to `format: byte`"));
            } else {
                map.shift_remove("contentEncoding");
                let reason = match &existing_format {
                    Some(format) if is_base64 => format!("`format: {format}` is kept"),
                    _ => "OpenAPI 3.0 has no equivalent".to_string(),
                };
                // `format: byte` says base64 already.
                let loses = !(is_base64 && existing_format.as_deref() == Some("byte"));
                self.report(loses, keyword_pointer, format!("`contentEncoding: {shown}` dropped: {reason}"));
            }
        }
        if let Some(media_type) = &media_type {
            let keyword_pointer = pointer_join(pointer, "contentMediaType");
            let shown = compact(media_type);
            let is_binary = media_type.as_str().is_some_and(is_binary_media_type);
            if encoding.is_none() && is_string && is_binary && existing_format.is_none() {
                replace_entry(map, "contentMediaType", "format", Value::String("binary".into()));
                // `format: binary` says bytes, not which media type they are.
                self.lossy(
                    keyword_pointer,
                    format!(
                        "`contentMediaType: {shown}` rewritten to `format: binary`: OpenAPI 3.0 cannot name the \
                         media type of a string's content"
                    ),
                );
            } else {
                map.shift_remove("contentMediaType");
                let reason = if encoding.is_some() {
                    "OpenAPI 3.0 cannot name the media type of encoded content"
                } else {
                    "OpenAPI 3.0 cannot name the media type of a string's content"
                };
                self.lossy(keyword_pointer, format!("`contentMediaType: {shown}` dropped: {reason}"));
            }
        }
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
