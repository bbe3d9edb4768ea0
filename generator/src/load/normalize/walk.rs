//! The walk through the document: finds every place where a schema (or a
//! construct OpenAPI 3.0 lacks) can stand, and applies the rewrites there.

use serde_json::{json, Map, Value};

use super::defs::SchemaRoot;
use super::json::{insert_after, quoted_list, replace_entry};
use super::rewrites::SchemaSite;
use super::types::NullBranches;
use super::Normalizer;
use crate::diagnostics::{pointer_join, unescape_pointer_token, Diagnostic};
use crate::http::HttpMethod;

/// The version every normalised 3.1 document declares.
const TARGET_VERSION: &str = "3.0.3";

impl Normalizer {
    // ----- document structure -------------------------------------------------

    pub(super) fn document(&mut self, root: &mut Map<String, Value>, original_version: &str) {
        if self.is_v31 {
            root.insert("openapi".into(), Value::String(TARGET_VERSION.into()));
            // What the conversion loses is reported construct by construct.
            self.lossless(
                "/openapi",
                format!(
                    "OpenAPI {original_version} document converted to {TARGET_VERSION}; each construct that \
                     3.0 cannot express is reported where it was rewritten or dropped"
                ),
            );
            self.normalize_path_item_components(root);
        }
        let keys: Vec<String> = root.keys().cloned().collect();
        for key in keys {
            let pointer = pointer_join("", &key);
            match key.as_str() {
                "info" if self.is_v31 => {
                    if let Some(info) = root.get_mut("info") {
                        self.info(info, &pointer);
                    }
                }
                "jsonSchemaDialect" if self.is_v31 => {
                    root.shift_remove("jsonSchemaDialect");
                    self.lossy(pointer, "`jsonSchemaDialect` dropped: OpenAPI 3.0 schemas have a fixed dialect");
                }
                "paths" => {
                    if let Some(paths) = root.get_mut("paths") {
                        self.paths(paths, &pointer);
                    }
                }
                "webhooks" if self.is_v31 => {
                    let names = root
                        .get("webhooks")
                        .and_then(Value::as_object)
                        .map(|hooks| hooks.keys().map(|name| format!("`{name}`")).collect::<Vec<_>>().join(", "))
                        .unwrap_or_default();
                    root.shift_remove("webhooks");
                    self.lossy(
                        pointer,
                        format!(
                            "`webhooks` dropped ({names}): OpenAPI 3.0 has no webhooks, and a client does not \
                             receive them"
                        ),
                    );
                }
                "components" => {
                    if let Some(components) = root.get_mut("components") {
                        self.components(components, &pointer);
                    }
                }
                "security" if self.is_v31 => {
                    if let Some(security) = root.get_mut("security") {
                        self.security_requirements(security, &pointer);
                    }
                }
                _ => {}
            }
        }
        self.missing_paths(root);
        self.place_hoisted_defs(root);
    }

    /// A document without `paths` (or with `paths: null`) is read as one of
    /// models only. OpenAPI 3.1 allows that; in 3.0 it is a mistake whose
    /// intent is clear, forgiven with a warning. openapiv3 requires `paths`.
    fn missing_paths(&mut self, root: &mut Map<String, Value>) {
        match root.get("paths") {
            Some(Value::Null) => {
                root.insert("paths".into(), Value::Object(Map::new()));
                self.lossy(
                    "/paths",
                    "`paths` is null: read as no paths (a spec of models only; the client has no operations)",
                );
            }
            None => {
                insert_after(root, "info", "paths", Value::Object(Map::new()));
                if !self.is_v31 {
                    self.lossy(
                        "",
                        "the document has no `paths`, which OpenAPI 3.0 requires: read as a spec of models only \
                         (the client has no operations)",
                    );
                }
            }
            Some(_) => {}
        }
    }

    /// Normalises `components.pathItems` (3.1) before `paths`, which may
    /// refer to them: they are inlined there, already normalised, because
    /// OpenAPI 3.0 has no reusable path items. Their warnings point at the
    /// components (once, however often they are inlined).
    fn normalize_path_item_components(&mut self, root: &mut Map<String, Value>) {
        let Some(items) = root.get_mut("components").and_then(|c| c.get_mut("pathItems")) else { return };
        let Some(items) = items.as_object_mut() else { return };
        for (name, item) in items.iter_mut() {
            self.path_item(item, &pointer_join("/components/pathItems", name));
        }
        self.path_item_components = items.clone();
    }

    fn info(&mut self, info: &mut Value, pointer: &str) {
        let Some(info) = info.as_object_mut() else { return };
        if info.contains_key("summary") {
            info.shift_remove("summary");
            self.lossy(pointer_join(pointer, "summary"), "`summary` dropped: OpenAPI 3.0 `info` has no summary");
        }
        let license_pointer = pointer_join(pointer, "license");
        let Some(license) = info.get_mut("license").and_then(Value::as_object_mut) else { return };
        let Some(identifier) = license.get("identifier").cloned() else { return };
        let identifier_pointer = pointer_join(&license_pointer, "identifier");
        match identifier.as_str() {
            Some(id) if !license.contains_key("url") => {
                // 3.1 names a license by SPDX identifier or by URL; the SPDX
                // page of the identifier is the nearest 3.0 equivalent.
                let url = format!("https://spdx.org/licenses/{id}.html");
                replace_entry(license, "identifier", "url", Value::String(url.clone()));
                self.lossless(identifier_pointer, format!("license `identifier: {id}` rewritten to `url: {url}`"));
            }
            _ => {
                license.shift_remove("identifier");
                self.lossy(identifier_pointer, "license `identifier` dropped: OpenAPI 3.0 licenses have no identifier");
            }
        }
    }

    fn paths(&mut self, paths: &mut Value, pointer: &str) {
        let Some(paths) = paths.as_object_mut() else { return };
        for (path, item) in paths.iter_mut() {
            if path.starts_with('/') {
                self.path_item(item, &pointer_join(pointer, path));
            }
        }
    }

    fn path_item(&mut self, item: &mut Value, pointer: &str) {
        // Fields inlined from `components.pathItems` are normalised already.
        let own_fields = if self.is_v31 { self.inline_path_item_reference(item, pointer) } else { None };
        let Some(item) = item.as_object_mut() else { return };
        if item.contains_key("$ref") {
            // A reference to another document: nothing here to normalise.
            return;
        }
        for (key, value) in item.iter_mut() {
            if own_fields.as_ref().is_some_and(|own_fields| !own_fields.contains(key)) {
                continue;
            }
            let value_pointer = pointer_join(pointer, key);
            if key == "parameters" {
                self.parameter_list(value, &value_pointer);
            } else if HttpMethod::from_key(key).is_some() {
                self.operation(value, &value_pointer);
            }
        }
    }

    /// Replaces a reference to `#/components/pathItems/...` (3.1) with a copy
    /// of the (normalised) path item, since 3.0 has no reusable path items.
    /// Returns the fields the referring object had next to `$ref`, which are
    /// not normalised yet.
    fn inline_path_item_reference(&mut self, item: &mut Value, pointer: &str) -> Option<Vec<String>> {
        let map = item.as_object()?;
        let reference = map.get("$ref").and_then(Value::as_str)?;
        let name = reference.strip_prefix("#/components/pathItems/")?;
        let Some(Value::Object(target)) = self.path_item_components.get(&unescape_pointer_token(name)) else {
            return None;
        };
        let own_fields: Vec<String> = map.keys().filter(|key| *key != "$ref").cloned().collect();
        let mut inlined = target.clone();
        // The referring object's own fields win (3.1 leaves the merge
        // undefined; keeping what the author wrote next to `$ref` loses least).
        for (key, value) in map.iter().filter(|(key, _)| *key != "$ref") {
            inlined.insert(key.clone(), value.clone());
        }
        let message = format!("path item `$ref: {reference}` inlined: OpenAPI 3.0 has no reusable path items");
        let uses = self.path_item_uses.entry(unescape_pointer_token(name)).or_insert(0);
        *uses += 1;
        let uses = *uses;
        *item = Value::Object(inlined);
        self.lossless(pointer, message);
        if uses > 1 {
            self.rename_reused_operation_ids(item, pointer, uses);
        }
        Some(own_fields)
    }

    /// The second and later copies of a reused path item would repeat its
    /// operationIds, which must be unique: they get the copy's number.
    fn rename_reused_operation_ids(&mut self, item: &mut Value, pointer: &str, copy: usize) {
        let Some(item) = item.as_object_mut() else { return };
        for method in HttpMethod::ALL {
            let Some(operation) = item.get_mut(method.as_str()).and_then(Value::as_object_mut) else { continue };
            let Some(Value::String(id)) = operation.get("operationId").cloned() else { continue };
            let renamed = format!("{id}{copy}");
            operation.insert("operationId".into(), Value::String(renamed.clone()));
            // The warning points at the referring path item: the renamed copy is
            // not in the original document. The spec's name is not the method's.
            self.lossy(
                pointer,
                format!("`{}` operationId `{id}` renamed to `{renamed}`: the path item is used by several paths, and operationIds must be unique", method.as_str()),
            );
        }
    }

    fn operation(&mut self, operation: &mut Value, pointer: &str) {
        let Some(operation) = operation.as_object_mut() else { return };
        for (key, value) in operation.iter_mut() {
            let value_pointer = pointer_join(pointer, key);
            match key.as_str() {
                "parameters" => self.parameter_list(value, &value_pointer),
                "requestBody" => self.request_body(value, &value_pointer),
                "responses" => self.responses(value, &value_pointer),
                "callbacks" => self.operation_callbacks(value, &value_pointer),
                "security" if self.is_v31 => self.security_requirements(value, &value_pointer),
                _ => {}
            }
        }
        if self.is_v31 && !operation.contains_key("responses") {
            // 3.1 makes `responses` optional; 3.0 and openapiv3 require it.
            operation.insert("responses".into(), json!({ "default": { "description": "Unspecified response" } }));
            // The spec said nothing of the responses, and the client says the same.
            self.lossless(
                pointer,
                "operation has no `responses`; added `default: {description: Unspecified response}`, so the \
                 client does not know what the operation returns",
            );
        }
    }

    fn parameter_list(&mut self, parameters: &mut Value, pointer: &str) {
        let Some(parameters) = parameters.as_array_mut() else { return };
        for (index, parameter) in parameters.iter_mut().enumerate() {
            self.parameter_or_header(parameter, &pointer_join(pointer, &index.to_string()));
        }
    }

    /// A Parameter or Header Object (they share the fields that matter here).
    fn parameter_or_header(&mut self, parameter: &mut Value, pointer: &str) {
        if self.reference(parameter, pointer) {
            return;
        }
        let Some(parameter) = parameter.as_object_mut() else { return };
        for (key, value) in parameter.iter_mut() {
            let value_pointer = pointer_join(pointer, key);
            match key.as_str() {
                "schema" => self.root_schema(value, &value_pointer, None),
                "content" => self.content(value, &value_pointer),
                "examples" => self.map_of_references(value, &value_pointer),
                _ => {}
            }
        }
    }

    fn headers(&mut self, headers: &mut Value, pointer: &str) {
        let Some(headers) = headers.as_object_mut() else { return };
        for (name, header) in headers.iter_mut() {
            self.parameter_or_header(header, &pointer_join(pointer, name));
        }
    }

    fn content(&mut self, content: &mut Value, pointer: &str) {
        let Some(content) = content.as_object_mut() else { return };
        for (media_type_name, media_type) in content.iter_mut() {
            let media_type_pointer = pointer_join(pointer, media_type_name);
            let Some(media_type) = media_type.as_object_mut() else { continue };
            for (key, value) in media_type.iter_mut() {
                let value_pointer = pointer_join(&media_type_pointer, key);
                match key.as_str() {
                    "schema" => self.root_schema(value, &value_pointer, None),
                    "examples" => self.map_of_references(value, &value_pointer),
                    "encoding" => {
                        let Some(encodings) = value.as_object_mut() else { continue };
                        for (property, encoding) in encodings.iter_mut() {
                            let encoding_pointer = pointer_join(&value_pointer, property);
                            if let Some(headers) = encoding.get_mut("headers") {
                                self.headers(headers, &pointer_join(&encoding_pointer, "headers"));
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    fn request_body(&mut self, body: &mut Value, pointer: &str) {
        if self.reference(body, pointer) {
            return;
        }
        if let Some(content) = body.get_mut("content") {
            self.content(content, &pointer_join(pointer, "content"));
        }
    }

    fn responses(&mut self, responses: &mut Value, pointer: &str) {
        let Some(responses) = responses.as_object_mut() else { return };
        for (status, response) in responses.iter_mut() {
            if !status.starts_with("x-") {
                self.response(response, &pointer_join(pointer, status));
            }
        }
    }

    fn response(&mut self, response: &mut Value, pointer: &str) {
        if self.reference(response, pointer) {
            return;
        }
        let Some(response) = response.as_object_mut() else { return };
        for (key, value) in response.iter_mut() {
            let value_pointer = pointer_join(pointer, key);
            match key.as_str() {
                "headers" => self.headers(value, &value_pointer),
                "content" => self.content(value, &value_pointer),
                "links" => self.map_of_references(value, &value_pointer),
                _ => {}
            }
        }
    }

    /// The `callbacks` of an operation: openapiv3 reads them only inline.
    fn operation_callbacks(&mut self, callbacks: &mut Value, pointer: &str) {
        let Some(callbacks) = callbacks.as_object_mut() else { return };
        let mut referenced = Vec::new();
        for (name, callback) in callbacks.iter_mut() {
            let callback_pointer = pointer_join(pointer, name);
            if callback.get("$ref").is_some() {
                referenced.push((name.clone(), callback_pointer));
            } else {
                self.callback(callback, &callback_pointer);
            }
        }
        for (name, callback_pointer) in referenced {
            callbacks.shift_remove(&name);
            self.lossy(
                callback_pointer,
                "referenced callback dropped: openapiv3 reads operation callbacks only inline, and a client \
                 does not serve callbacks",
            );
        }
    }

    /// A component callback, which (unlike an operation's) may be a reference.
    fn callback_or_reference(&mut self, callback: &mut Value, pointer: &str) {
        if !self.reference(callback, pointer) {
            self.callback(callback, pointer);
        }
    }

    /// A Callback Object: runtime expressions mapped to path items.
    fn callback(&mut self, callback: &mut Value, pointer: &str) {
        let Some(callback) = callback.as_object_mut() else { return };
        for (expression, item) in callback.iter_mut() {
            if !expression.starts_with("x-") {
                self.path_item(item, &pointer_join(pointer, expression));
            }
        }
    }

    fn components(&mut self, components: &mut Value, pointer: &str) {
        let Some(components) = components.as_object_mut() else { return };
        let mut drop_path_items = false;
        for (section, entries) in components.iter_mut() {
            let section_pointer = pointer_join(pointer, section);
            if section == "pathItems" {
                drop_path_items = self.is_v31;
                continue;
            }
            if section == "securitySchemes" {
                self.security_schemes(entries, &section_pointer);
                continue;
            }
            let Some(entries) = entries.as_object_mut() else { continue };
            for (name, entry) in entries.iter_mut() {
                let entry_pointer = pointer_join(&section_pointer, name);
                match section.as_str() {
                    "schemas" => self.root_schema(entry, &entry_pointer, Some(name)),
                    "responses" => self.response(entry, &entry_pointer),
                    "parameters" | "headers" => self.parameter_or_header(entry, &entry_pointer),
                    "requestBodies" => self.request_body(entry, &entry_pointer),
                    "examples" | "links" => {
                        self.reference(entry, &entry_pointer);
                    }
                    "callbacks" => self.callback_or_reference(entry, &entry_pointer),
                    _ => {}
                }
            }
        }
        if drop_path_items {
            components.shift_remove("pathItems");
            self.lossless(
                pointer_join(pointer, "pathItems"),
                "`pathItems` dropped: OpenAPI 3.0 has no reusable path items (references to them from `paths` \
                 were inlined)",
            );
        }
    }

    fn security_schemes(&mut self, schemes: &mut Value, pointer: &str) {
        let Some(schemes) = schemes.as_object_mut() else { return };
        for (name, scheme) in schemes.iter_mut() {
            self.reference(scheme, &pointer_join(pointer, name));
        }
        for name in &self.mutual_tls_schemes {
            schemes.shift_remove(name);
            self.warnings.push(Diagnostic::lossy(
                pointer_join(pointer, name),
                "`mutualTLS` security scheme dropped: OpenAPI 3.0 cannot express it; configure the client \
                 certificate on the HTTP client instead",
            ));
        }
    }

    /// A list of Security Requirement Objects (3.1): drops the alternatives
    /// that need a dropped `mutualTLS` scheme.
    fn security_requirements(&mut self, requirements: &mut Value, pointer: &str) {
        if self.mutual_tls_schemes.is_empty() {
            return;
        }
        let Some(list) = requirements.as_array_mut() else { return };
        let was_empty = list.is_empty();
        let mut index = 0;
        let mut dropped = Vec::new();
        list.retain(|requirement| {
            let needs_mutual_tls = requirement
                .as_object()
                .is_some_and(|names| names.keys().any(|name| self.mutual_tls_schemes.contains(name)));
            if needs_mutual_tls {
                dropped.push(index);
            }
            index += 1;
            !needs_mutual_tls
        });
        let left_none = !was_empty && list.is_empty();
        for index in dropped {
            let mut message =
                "security requirement dropped: it needs a `mutualTLS` scheme, which OpenAPI 3.0 cannot express"
                    .to_string();
            if left_none {
                message.push_str("; no alternative is left, so no authentication is declared here");
            }
            self.lossy(pointer_join(pointer, &index.to_string()), message);
        }
    }

    /// A map whose values may be Reference Objects (examples, links).
    fn map_of_references(&mut self, map: &mut Value, pointer: &str) {
        let Some(map) = map.as_object_mut() else { return };
        for (name, value) in map.iter_mut() {
            self.reference(value, &pointer_join(pointer, name));
        }
    }

    /// Whether `value` is a Reference Object (outside schemas). In 3.1 a
    /// reference may carry `summary` and `description` that override the
    /// target's; openapiv3 reads only `$ref`, so the siblings are dropped with
    /// a warning. (3.0 says siblings are ignored; openapiv3 ignores them too.)
    fn reference(&mut self, value: &mut Value, pointer: &str) -> bool {
        let Some(map) = value.as_object_mut() else { return false };
        if !map.contains_key("$ref") {
            return false;
        }
        if self.is_v31 && map.len() > 1 {
            let siblings = quoted_list(map.keys().filter(|key| *key != "$ref"));
            map.retain(|key, _| key == "$ref");
            self.lossy(
                pointer,
                format!(
                    "{siblings} next to `$ref` dropped: OpenAPI 3.0 references cannot override their target's fields"
                ),
            );
        }
        true
    }

    // ----- schemas ------------------------------------------------------------

    /// A schema that is not nested in another schema.
    fn root_schema(&mut self, schema: &mut Value, pointer: &str, component_name: Option<&str>) {
        let def_names = match schema.get("$defs").and_then(Value::as_object) {
            Some(defs) if self.is_v31 => defs.keys().cloned().collect(),
            _ => Vec::new(),
        };
        let root =
            SchemaRoot { pointer: pointer.to_string(), def_names, component_name: component_name.map(str::to_string) };
        self.schema(schema, pointer, &root);
    }

    /// Normalises one schema and, first, the schemas nested in it, each at its
    /// original pointer (rewrites move nested schemas around): runs the
    /// [`REWRITES`](super::rewrites::REWRITES) table around the walk into them.
    fn schema(&mut self, schema: &mut Value, pointer: &str, root: &SchemaRoot) {
        if self.rewrite_whole_schema(schema, pointer) {
            return;
        }
        let Some(map) = schema.as_object_mut() else { return };
        let mut site = SchemaSite { pointer, root, null_branches: NullBranches::default() };
        self.rewrite_before_subschemas(map, &mut site);
        self.nested_schemas(map, pointer, root, &site.null_branches);
        self.rewrite_after_subschemas(map, &site);
    }

    fn nested_schemas(&mut self, map: &mut Map<String, Value>, pointer: &str, root: &SchemaRoot, skip: &NullBranches) {
        for (keyword, value) in map.iter_mut() {
            let keyword_pointer = pointer_join(pointer, keyword);
            match keyword.as_str() {
                "properties" => self.schema_map(value, &keyword_pointer, root),
                "patternProperties" | "$defs" if self.is_v31 => self.schema_map(value, &keyword_pointer, root),
                // Booleans are valid (3.0) `additionalProperties`; they stay.
                "additionalProperties" | "unevaluatedProperties" if value.is_object() => {
                    self.schema(value, &keyword_pointer, root)
                }
                "items" => match value {
                    Value::Object(_) => self.schema(value, &keyword_pointer, root),
                    Value::Array(_) if self.is_v31 => self.schema_list(value, &keyword_pointer, root, &[]),
                    _ => {}
                },
                "not" => self.schema(value, &keyword_pointer, root),
                "allOf" => self.schema_list(value, &keyword_pointer, root, &[]),
                "prefixItems" if self.is_v31 => self.schema_list(value, &keyword_pointer, root, &[]),
                "anyOf" => self.schema_list(value, &keyword_pointer, root, &skip.any_of),
                "oneOf" => self.schema_list(value, &keyword_pointer, root, &skip.one_of),
                _ => {}
            }
        }
    }

    fn schema_map(&mut self, schemas: &mut Value, pointer: &str, root: &SchemaRoot) {
        let Some(schemas) = schemas.as_object_mut() else { return };
        for (name, schema) in schemas.iter_mut() {
            self.schema(schema, &pointer_join(pointer, name), root);
        }
    }

    fn schema_list(&mut self, schemas: &mut Value, pointer: &str, root: &SchemaRoot, skip: &[usize]) {
        let Some(schemas) = schemas.as_array_mut() else { return };
        for (index, schema) in schemas.iter_mut().enumerate() {
            if !skip.contains(&index) {
                self.schema(schema, &pointer_join(pointer, &index.to_string()), root);
            }
        }
    }
}
