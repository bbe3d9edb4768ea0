//! Paths, operations, parameters, bodies and responses.

use crate::pointer::JsonPointer;
use serde_json::{Map, Value};

use super::{media_types, rewrite_refs, Upgrader};
use crate::diagnostics::pointer_join;
use crate::http::HttpMethod;

/// A parameter of an operation, resolved when it is a body or form field
/// (which are inlined), with the pointer of its node in the 2.0 document.
struct Located {
    parameter: Value,
    pointer: String,
}

impl Located {
    fn location(&self) -> Option<&str> {
        self.parameter.get("in").and_then(Value::as_str)
    }

    fn is_body_or_form(&self) -> bool {
        matches!(self.location(), Some("body" | "formData"))
    }

    fn key(&self) -> (Option<&str>, Option<&str>) {
        (self.parameter.get("name").and_then(Value::as_str), self.location())
    }
}

impl Upgrader {
    pub(super) fn paths(&mut self, paths: Value) -> Value {
        let Value::Object(paths) = paths else { return paths };
        let mut out = Map::new();
        for (path, item) in paths {
            let pointer = pointer_join("/paths", &path);
            let item = if path.starts_with("x-") { item } else { self.path_item(item, &pointer) };
            out.insert(path, item);
        }
        Value::Object(out)
    }

    fn path_item(&mut self, item: Value, pointer: &str) -> Value {
        let Value::Object(item) = item else { return item };
        // Bodies and form fields shared by the operations go into each one.
        let shared = self.located_parameters(item.get("parameters"), pointer);
        let (shared_bodies, shared_parameters): (Vec<Located>, Vec<Located>) =
            shared.into_iter().partition(Located::is_body_or_form);
        let mut out = Map::new();
        for (key, value) in item {
            let here = pointer_join(pointer, &key);
            if key == "parameters" {
                let parameters = self.parameters(&shared_parameters, &here);
                if !parameters.is_empty() {
                    out.insert(key, Value::Array(parameters));
                }
            } else if HttpMethod::ALL.iter().any(|method| method.as_str() == key) {
                let operation = self.operation(value, &here, &shared_bodies);
                out.insert(key, operation);
            } else {
                out.insert(key, rewrite_refs(value));
            }
        }
        Value::Object(out)
    }

    /// A `parameters` list with each reference to a root body or form field
    /// replaced by that parameter (3.0 has no parameter for them).
    fn located_parameters(&self, parameters: Option<&Value>, pointer: &str) -> Vec<Located> {
        let list_pointer = pointer_join(pointer, "parameters");
        let mut out = Vec::new();
        for (index, parameter) in parameters.and_then(Value::as_array).into_iter().flatten().enumerate() {
            let reference = parameter.get("$ref").and_then(Value::as_str);
            let name = reference.and_then(JsonPointer::from_reference).and_then(|r| r.component_name("/parameters"));
            let inlined = name.and_then(|name| {
                self.inlined_parameters.get(&name).map(|p| (p.clone(), pointer_join("/parameters", &name)))
            });
            let (parameter, pointer) =
                inlined.unwrap_or_else(|| (parameter.clone(), pointer_join(&list_pointer, &index.to_string())));
            out.push(Located { parameter, pointer });
        }
        out
    }

    /// Parameters 3.0 has a parameter for, at `pointer` in the upgraded document.
    fn parameters(&mut self, parameters: &[Located], pointer: &str) -> Vec<Value> {
        let mut out = Vec::new();
        for located in parameters {
            let upgraded = pointer_join(pointer, &out.len().to_string());
            out.push(self.parameter(located.parameter.clone(), &located.pointer, &upgraded));
        }
        out
    }

    /// A 2.0 parameter (not a body or form field) as a 3.0 one: its value
    /// keywords in a `schema`, its `collectionFormat` as `style`/`explode`.
    pub(super) fn parameter(&mut self, parameter: Value, pointer: &str, upgraded: &str) -> Value {
        self.origins.record(upgraded, pointer);
        self.origins.record(pointer_join(upgraded, "schema"), pointer);
        let Value::Object(mut parameter) = parameter else { return parameter };
        if parameter.contains_key("$ref") {
            return rewrite_refs(Value::Object(parameter));
        }
        let location = parameter.get("in").and_then(Value::as_str).unwrap_or_default().to_string();
        let collection_format = parameter.remove("collectionFormat");
        let is_array = parameter.get("type").and_then(Value::as_str) == Some("array");
        let schema = self.value_schema(&mut parameter, pointer);
        let mut out = Map::new();
        for (key, value) in parameter {
            out.insert(key, value);
        }
        out.insert("schema".into(), schema);
        if is_array {
            let format = collection_format.as_ref().and_then(Value::as_str).unwrap_or("csv");
            let format_pointer = pointer_join(pointer, "collectionFormat");
            if let Some((style, explode)) = self.style(&location, format, &format_pointer) {
                out.insert("style".into(), Value::String(style.into()));
                out.insert("explode".into(), Value::Bool(explode));
            }
        }
        Value::Object(out)
    }

    /// The 3.0 `style` and `explode` of an array parameter `in` a place
    /// with a `collectionFormat`; `None` where 3.0's default (`simple`,
    /// comma-separated) is meant.
    fn style(&mut self, location: &str, format: &str, pointer: &str) -> Option<(&'static str, bool)> {
        let query = location == "query" || location == "formData";
        match (format, query) {
            ("csv", true) => Some(("form", false)),
            ("multi", true) => Some(("form", true)),
            ("ssv", true) => Some(("spaceDelimited", false)),
            ("pipes", true) => Some(("pipeDelimited", false)),
            ("csv", false) => None,
            _ => {
                self.lossy(
                    pointer,
                    format!(
                        "`collectionFormat: {format}` has no OpenAPI 3.0 form in a {location} parameter: \
                         the values are sent comma-separated"
                    ),
                );
                query.then_some(("form", false))
            }
        }
    }

    fn operation(&mut self, operation: Value, pointer: &str, shared_bodies: &[Located]) -> Value {
        let Value::Object(operation) = operation else { return operation };
        let consumes = match operation.get("consumes") {
            Some(own) => media_types(Some(own)),
            None => self.consumes.clone(),
        };
        let produces = match operation.get("produces") {
            Some(own) => media_types(Some(own)),
            None => self.produces.clone(),
        };
        let mut located = self.located_parameters(operation.get("parameters"), pointer);
        // A parameter of the path item applies unless the operation has its own of that name and place.
        for shared in shared_bodies {
            if !located.iter().any(|own| own.key() == shared.key()) {
                located.push(Located { parameter: shared.parameter.clone(), pointer: shared.pointer.clone() });
            }
        }
        let (bodies, parameters): (Vec<Located>, Vec<Located>) =
            located.into_iter().partition(Located::is_body_or_form);
        let mut out = Map::new();
        let mut body_placed = false;
        for (key, value) in operation {
            let here = pointer_join(pointer, &key);
            match key.as_str() {
                "consumes" | "produces" => {}
                "parameters" => {
                    let parameters = self.parameters(&parameters, &here);
                    if !parameters.is_empty() {
                        out.insert(key, Value::Array(parameters));
                    }
                    if let Some(body) = self.request_body(&bodies, &consumes, &pointer_join(pointer, "requestBody")) {
                        out.insert("requestBody".into(), body);
                    }
                    body_placed = true;
                }
                "responses" => {
                    let responses = self.responses(value, &here, &produces);
                    out.insert(key, responses);
                }
                "schemes" => {
                    let schemes = media_types(Some(&value));
                    if schemes != self.schemes {
                        let servers = self.servers(&schemes, &here);
                        self.lossy(
                            here,
                            "this operation's own `schemes` become its `servers`; the generated client sends \
                             every request to the document's first server",
                        );
                        out.insert("servers".into(), Value::Array(servers));
                    }
                }
                _ => {
                    out.insert(key, rewrite_refs(value));
                }
            }
        }
        if !body_placed {
            if let Some(body) = self.request_body(&bodies, &consumes, &pointer_join(pointer, "requestBody")) {
                out.insert("requestBody".into(), body);
            }
        }
        Value::Object(out)
    }

    /// The operation's `in: body` parameter, or its form fields, as a
    /// `requestBody` at `upgraded` (a pointer into the upgraded document).
    fn request_body(&mut self, bodies: &[Located], consumes: &[String], upgraded: &str) -> Option<Value> {
        let (body, form): (Vec<&Located>, Vec<&Located>) = bodies.iter().partition(|b| b.location() == Some("body"));
        if let Some(first) = body.first() {
            for ignored in body.iter().skip(1).chain(&form) {
                self.lossy(
                    ignored.pointer.clone(),
                    "an operation has one body: this parameter, after its `in: body` parameter, is left out",
                );
            }
            return Some(self.json_body(first, consumes, upgraded));
        }
        if form.is_empty() {
            return None;
        }
        Some(self.form_body(&form, consumes, upgraded))
    }

    fn json_body(&mut self, body: &Located, consumes: &[String], upgraded: &str) -> Value {
        self.origins.record(upgraded, body.pointer.clone());
        let Value::Object(parameter) = &body.parameter else { return body.parameter.clone() };
        let media_types = if consumes.is_empty() { vec!["application/json".to_string()] } else { consumes.to_vec() };
        let schema_pointer = pointer_join(&body.pointer, "schema");
        let schema = parameter.get("schema").cloned().map(|schema| self.schema(schema, &schema_pointer));
        let mut out = Map::new();
        for (key, value) in parameter {
            if key == "description" || key == "required" || key.starts_with("x-") {
                out.insert(key.clone(), value.clone());
            }
        }
        let mut content = Map::new();
        for media_type in media_types {
            let mut media = Map::new();
            if let Some(schema) = &schema {
                media.insert("schema".into(), schema.clone());
            }
            let content_pointer = pointer_join(&pointer_join(upgraded, "content"), &media_type);
            self.origins.record(pointer_join(&content_pointer, "schema"), schema_pointer.clone());
            content.insert(media_type, Value::Object(media));
        }
        out.insert("content".into(), Value::Object(content));
        Value::Object(out)
    }

    /// Form fields as one object schema, sent as a form (`multipart/form-data`
    /// when a field is a file or the operation consumes only that).
    fn form_body(&mut self, fields: &[&Located], consumes: &[String], upgraded: &str) -> Value {
        self.origins.record(upgraded, fields[0].pointer.clone());
        let mut properties = Map::new();
        let mut required = Vec::new();
        let mut encoding = Map::new();
        let mut has_file = false;
        for field in fields {
            let Value::Object(mut parameter) = field.parameter.clone() else { continue };
            let name = parameter.get("name").and_then(Value::as_str).unwrap_or_default().to_string();
            has_file |= parameter.get("type").and_then(Value::as_str) == Some("file");
            let is_array = parameter.get("type").and_then(Value::as_str) == Some("array");
            let collection_format = parameter.remove("collectionFormat");
            let Value::Object(mut schema) = self.value_schema(&mut parameter, &field.pointer) else { continue };
            if let Some(description) = parameter.get("description") {
                schema.insert("description".into(), description.clone());
            }
            if parameter.get("required") == Some(&Value::Bool(true)) {
                required.push(Value::String(name.clone()));
            }
            if is_array {
                let format = collection_format.as_ref().and_then(Value::as_str).unwrap_or("csv");
                let format_pointer = pointer_join(&field.pointer, "collectionFormat");
                if let Some((style, explode)) = self.style("formData", format, &format_pointer) {
                    let mut entry = Map::new();
                    entry.insert("style".into(), Value::String(style.into()));
                    entry.insert("explode".into(), Value::Bool(explode));
                    encoding.insert(name.clone(), Value::Object(entry));
                }
            }
            properties.insert(name, Value::Object(schema));
        }
        let form_types: Vec<String> = consumes
            .iter()
            .filter(|m| {
                let essence = m.split(';').next().unwrap_or_default().trim();
                essence == "multipart/form-data" || essence == "application/x-www-form-urlencoded"
            })
            .cloned()
            .collect();
        let media_types = match (form_types.is_empty(), has_file) {
            (false, _) => form_types,
            (true, true) => vec!["multipart/form-data".to_string()],
            (true, false) => vec!["application/x-www-form-urlencoded".to_string()],
        };
        let mut schema = Map::new();
        schema.insert("type".into(), Value::String("object".into()));
        schema.insert("properties".into(), Value::Object(properties));
        let is_required = !required.is_empty();
        if is_required {
            schema.insert("required".into(), Value::Array(required));
        }
        let mut content = Map::new();
        for media_type in media_types {
            let content_pointer = pointer_join(&pointer_join(upgraded, "content"), &media_type);
            for field in fields {
                if let Some(name) = field.parameter.get("name").and_then(Value::as_str) {
                    let property =
                        pointer_join(&pointer_join(&pointer_join(&content_pointer, "schema"), "properties"), name);
                    self.origins.record(property, field.pointer.clone());
                }
            }
            let mut media = Map::new();
            media.insert("schema".into(), Value::Object(schema.clone()));
            // Only a URL-encoded form reads `style`; multipart sends each value as a part.
            if !encoding.is_empty() && media_type.starts_with("application/x-www-form-urlencoded") {
                media.insert("encoding".into(), Value::Object(encoding.clone()));
            }
            content.insert(media_type, Value::Object(media));
        }
        let mut body = Map::new();
        body.insert("content".into(), Value::Object(content));
        if is_required {
            body.insert("required".into(), Value::Bool(true));
        }
        Value::Object(body)
    }

    fn responses(&mut self, responses: Value, pointer: &str, produces: &[String]) -> Value {
        let Value::Object(responses) = responses else { return responses };
        let mut out = Map::new();
        for (code, response) in responses {
            let here = pointer_join(pointer, &code);
            let response =
                if code.starts_with("x-") { response } else { self.response(response, &here, &here, produces) };
            out.insert(code, response);
        }
        Value::Object(out)
    }

    /// A 2.0 response at `pointer` as the 3.0 one at `upgraded`: its schema
    /// under each media type the operation produces, its examples beside
    /// it, its headers' value keywords in a `schema`.
    pub(super) fn response(&mut self, response: Value, pointer: &str, upgraded: &str, produces: &[String]) -> Value {
        self.origins.record(upgraded, pointer);
        let Value::Object(response) = response else { return response };
        if response.contains_key("$ref") {
            return rewrite_refs(Value::Object(response));
        }
        let media_types = if produces.is_empty() { vec!["application/json".to_string()] } else { produces.to_vec() };
        let mut out = Map::new();
        let mut content = Map::new();
        for (key, value) in response {
            let here = pointer_join(pointer, &key);
            match key.as_str() {
                "schema" => {
                    let schema = self.schema(value, &here);
                    for media_type in &media_types {
                        let mut media = Map::new();
                        media.insert("schema".into(), schema.clone());
                        let schema_pointer =
                            pointer_join(&pointer_join(&pointer_join(upgraded, "content"), media_type), "schema");
                        self.origins.record(schema_pointer, here.clone());
                        content.insert(media_type.clone(), Value::Object(media));
                    }
                }
                "examples" => {
                    for (media_type, example) in value.as_object().into_iter().flatten() {
                        let media = content.entry(media_type.clone()).or_insert_with(|| Value::Object(Map::new()));
                        if let Value::Object(media) = media {
                            media.insert("example".into(), example.clone());
                        }
                    }
                }
                "headers" => {
                    let headers = self.headers(value, &here, &pointer_join(upgraded, "headers"));
                    out.insert(key, headers);
                }
                _ => {
                    out.insert(key, value);
                }
            }
        }
        if !content.is_empty() {
            out.insert("content".into(), Value::Object(content));
        }
        Value::Object(out)
    }

    fn headers(&mut self, headers: Value, pointer: &str, upgraded: &str) -> Value {
        let Value::Object(headers) = headers else { return headers };
        let mut out = Map::new();
        for (name, header) in headers {
            let here = pointer_join(pointer, &name);
            let header_upgraded = pointer_join(upgraded, &name);
            self.origins.record(header_upgraded.clone(), here.clone());
            self.origins.record(pointer_join(&header_upgraded, "schema"), here.clone());
            let Value::Object(mut header) = header else {
                out.insert(name, header);
                continue;
            };
            let collection_format = header.remove("collectionFormat");
            if let Some(format) = collection_format.as_ref().and_then(Value::as_str).filter(|f| *f != "csv") {
                self.lossy(
                    pointer_join(&here, "collectionFormat"),
                    format!("`collectionFormat: {format}` has no OpenAPI 3.0 form in a header: read comma-separated"),
                );
            }
            let schema = self.value_schema(&mut header, &here);
            header.insert("schema".into(), schema);
            out.insert(name, Value::Object(header));
        }
        Value::Object(out)
    }
}
