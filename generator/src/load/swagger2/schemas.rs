//! Schemas, the schema keywords of parameters and headers, and security
//! definitions.

use serde_json::{Map, Value};

use super::{rewrite_refs, Upgrader};
use crate::diagnostics::pointer_join;

/// The keywords of a 2.0 parameter, item or header that describe its value:
/// they move into the 3.0 `schema`.
const VALUE_KEYWORDS: &[&str] = &[
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

impl Upgrader {
    /// A 2.0 schema (`pointer` in the 2.0 document) as a 3.0 schema: the
    /// same keywords but `type: file`, `x-nullable` and a string
    /// `discriminator`, with references moved, in every subschema.
    pub(super) fn schema(&mut self, schema: Value, pointer: &str) -> Value {
        let Value::Object(schema) = schema else { return schema };
        let mut out = Map::new();
        for (key, value) in schema {
            let here = pointer_join(pointer, &key);
            match key.as_str() {
                "$ref" => {
                    let value = match value {
                        Value::String(reference) => {
                            Value::String(super::upgraded_reference(&reference).unwrap_or(reference))
                        }
                        other => other,
                    };
                    out.insert(key, value);
                }
                "type" if value == "file" => {
                    out.insert(key, Value::String("string".into()));
                    out.insert("format".into(), Value::String("binary".into()));
                }
                "format" if out.get("format").is_some() => {}
                "x-nullable" => match value {
                    Value::Bool(nullable) => {
                        out.insert("nullable".into(), Value::Bool(nullable));
                    }
                    other => {
                        self.lossy(here, format!("`x-nullable` is {other}, not a boolean: ignored"));
                    }
                },
                "discriminator" => {
                    let value = match value {
                        Value::String(property) => {
                            let mut discriminator = Map::new();
                            discriminator.insert("propertyName".into(), Value::String(property));
                            Value::Object(discriminator)
                        }
                        other => other,
                    };
                    out.insert(key, value);
                }
                "items" | "additionalProperties" | "not" => {
                    let value = self.schema(value, &here);
                    out.insert(key, value);
                }
                "properties" => {
                    let value = self.schema_map(value, &here);
                    out.insert(key, value);
                }
                "allOf" | "anyOf" | "oneOf" => {
                    let value = match value {
                        Value::Array(members) => Value::Array(
                            members
                                .into_iter()
                                .enumerate()
                                .map(|(index, member)| self.schema(member, &pointer_join(&here, &index.to_string())))
                                .collect(),
                        ),
                        other => other,
                    };
                    out.insert(key, value);
                }
                // Example data and extensions are left as written.
                _ => {
                    out.insert(key, value);
                }
            }
        }
        Value::Object(out)
    }

    fn schema_map(&mut self, schemas: Value, pointer: &str) -> Value {
        let Value::Object(schemas) = schemas else { return schemas };
        let mut out = Map::new();
        for (name, schema) in schemas {
            let schema = self.schema(schema, &pointer_join(pointer, &name));
            out.insert(name, schema);
        }
        Value::Object(out)
    }

    /// Takes the value keywords out of a 2.0 parameter, item or header
    /// (`pointer` in the 2.0 document) as a 3.0 schema. `collectionFormat`
    /// stays behind for the caller; an inner array's one has no 3.0 form.
    pub(super) fn value_schema(&mut self, object: &mut Map<String, Value>, pointer: &str) -> Value {
        let schema = self.take_value_keywords(object, pointer);
        self.schema(Value::Object(schema), pointer)
    }

    /// Moves the value keywords out of `object` into a schema (`items` as an Items object).
    fn take_value_keywords(&mut self, object: &mut Map<String, Value>, pointer: &str) -> Map<String, Value> {
        let mut schema = Map::new();
        for keyword in VALUE_KEYWORDS {
            if let Some(value) = object.remove(*keyword) {
                let value =
                    if *keyword == "items" { self.items(value, &pointer_join(pointer, "items")) } else { value };
                schema.insert((*keyword).to_string(), value);
            }
        }
        schema
    }

    /// An Items object: a schema of the value keywords; a `collectionFormat`
    /// here would split an inner array, which 3.0 cannot say.
    fn items(&mut self, items: Value, pointer: &str) -> Value {
        let Value::Object(mut items) = items else { return items };
        if let Some(format) = items.remove("collectionFormat") {
            if items.get("type").and_then(Value::as_str) == Some("array") {
                self.lossy(
                    pointer_join(pointer, "collectionFormat"),
                    format!(
                        "`collectionFormat: {}` of an inner array has no OpenAPI 3.0 form: its items are sent \
                         as the outer array's separator dictates",
                        format.as_str().unwrap_or_default()
                    ),
                );
            }
        }
        let mut schema = self.take_value_keywords(&mut items, pointer);
        // Anything else (`$ref`, extensions) is kept.
        schema.extend(items);
        Value::Object(schema)
    }

    /// `securityDefinitions` as `components.securitySchemes`: `basic` is
    /// HTTP basic, `apiKey` the same, and each OAuth 2 `flow` its 3.0 flow.
    pub(super) fn security_definitions(&mut self, definitions: Value) -> Value {
        let Value::Object(definitions) = definitions else { return definitions };
        let mut out = Map::new();
        for (name, definition) in definitions {
            let pointer = pointer_join("/securityDefinitions", &name);
            let scheme = self.security_scheme(definition, &pointer);
            out.insert(name, scheme);
        }
        Value::Object(out)
    }

    fn security_scheme(&mut self, definition: Value, pointer: &str) -> Value {
        let Value::Object(mut definition) = definition else { return definition };
        let kind = definition.get("type").and_then(Value::as_str).unwrap_or_default().to_string();
        match kind.as_str() {
            "basic" => {
                definition.insert("type".into(), Value::String("http".into()));
                definition.insert("scheme".into(), Value::String("basic".into()));
            }
            "oauth2" => {
                let flow = definition.remove("flow");
                let mut settings = Map::new();
                for key in ["authorizationUrl", "tokenUrl", "scopes"] {
                    if let Some(value) = definition.remove(key) {
                        settings.insert(key.into(), value);
                    }
                }
                settings.entry("scopes").or_insert_with(|| Value::Object(Map::new()));
                let name = match flow.as_ref().and_then(Value::as_str) {
                    Some("implicit") => "implicit",
                    Some("password") => "password",
                    Some("application") => "clientCredentials",
                    Some("accessCode") => "authorizationCode",
                    other => {
                        // Left without flows for the typed parse to report.
                        self.lossy(
                            pointer_join(pointer, "flow"),
                            format!("unknown OAuth 2 `flow` {}: the scheme has no flow", other.unwrap_or("(none)")),
                        );
                        definition.insert("flows".into(), Value::Object(Map::new()));
                        return Value::Object(definition);
                    }
                };
                let mut flows = Map::new();
                flows.insert(name.into(), Value::Object(settings));
                definition.insert("flows".into(), Value::Object(flows));
            }
            _ => {}
        }
        rewrite_refs(Value::Object(definition))
    }
}
