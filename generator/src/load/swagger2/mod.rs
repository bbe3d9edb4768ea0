//! Swagger 2.0 -> OpenAPI 3.0: on the untyped tree, before the 3.0
//! normalisation, a Swagger 2.0 document is rewritten into the OpenAPI 3.0.3
//! the rest of the pipeline reads.
//!
//! What moves where:
//!
//! * `definitions`, root `parameters` (but `in: body` and `formData`, which
//!   3.0 has no parameter for: those are inlined where used), root
//!   `responses` and `securityDefinitions` go to `components`;
//! * `host`, `basePath` and `schemes` become `servers`;
//! * `in: body` and `formData` parameters become a `requestBody`, one
//!   content entry per media type the operation (or the document)
//!   `consumes`; a response's `schema` gets one per type it `produces`;
//! * parameters and headers keep their schema keywords in a `schema`;
//!   `collectionFormat` becomes `style` and `explode`;
//! * `type: file` becomes a binary string, `x-nullable` `nullable`, a
//!   string `discriminator` an object; other extensions stay where they are;
//! * `$ref`s to `#/definitions`, `#/parameters` and `#/responses` point
//!   to their new places.
//!
//! Each approximation is a located warning whose pointer names the node in
//! the 2.0 document (the user's text), and [`Origins`] maps the pointers of
//! the upgraded document back to the 2.0 nodes they came from, so that the
//! later stages' diagnostics point into the 2.0 text too.

mod operations;
mod schemas;

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::diagnostics::{pointer_join, Diagnostic};

/// What [`upgrade`] did to a Swagger 2.0 document.
#[derive(Debug, Default)]
pub struct Upgraded {
    /// The `swagger` version the document declared.
    pub version: String,
    /// The approximations, each located in the 2.0 document.
    pub warnings: Vec<Diagnostic>,
    /// Where the nodes of the upgraded document came from.
    pub origins: Origins,
}

/// Maps pointers into the upgraded document to the 2.0 nodes they came from.
#[derive(Debug, Default, Clone)]
pub struct Origins {
    /// Upgraded pointer prefix -> original pointer prefix.
    moved: BTreeMap<String, String>,
}

impl Origins {
    fn record(&mut self, upgraded: impl Into<String>, original: impl Into<String>) {
        let (upgraded, original) = (upgraded.into(), original.into());
        if upgraded != original {
            self.moved.insert(upgraded, original);
        }
    }

    /// The pointer into the 2.0 document of the node `pointer` names in the
    /// upgraded one: its longest recorded ancestor, moved back, with the
    /// rest of the pointer as it is.
    pub fn original(&self, pointer: &str) -> String {
        let mut end = pointer.len();
        loop {
            let prefix = &pointer[..end];
            if let Some(original) = self.moved.get(prefix) {
                return format!("{original}{}", &pointer[end..]);
            }
            match prefix.rfind('/') {
                Some(slash) if slash > 0 => end = slash,
                _ => return pointer.to_string(),
            }
        }
    }

    /// Points each diagnostic into the 2.0 document.
    pub fn relocate(&self, diagnostics: &mut [Diagnostic]) {
        if self.moved.is_empty() {
            return;
        }
        for diagnostic in diagnostics {
            diagnostic.pointer = self.original(&diagnostic.pointer);
        }
    }
}

/// Upgrades `doc` in place when it is a Swagger 2.0 document: `None` when it
/// declares no `swagger` version, `Err` when it declares one other than 2.0.
pub fn upgrade(doc: &mut Value) -> Option<Result<Upgraded, Diagnostic>> {
    let swagger = doc.as_object()?.get("swagger")?;
    let mut upgrader = Upgrader::default();
    let version = match swagger {
        Value::String(version) if version == "2.0" => version.clone(),
        // `swagger: 2.0` unquoted is a YAML number: the intent is plain.
        Value::Number(number) if number.as_f64() == Some(2.0) => {
            upgrader.warnings.push(Diagnostic::lossy(
                "/swagger",
                "`swagger` is the number 2.0, not the string \"2.0\": read as Swagger 2.0",
            ));
            "2.0".to_string()
        }
        other => {
            let shown = other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string());
            return Some(Err(Diagnostic::error(
                "/swagger",
                format!("unsupported Swagger version {shown}; expected 2.0 (or an OpenAPI 3.0.x or 3.1.x document)"),
            )));
        }
    };
    let Value::Object(root) = std::mem::take(doc) else { unreachable!("checked above") };
    *doc = Value::Object(upgrader.document(root));
    Some(Ok(Upgraded { version, warnings: upgrader.warnings, origins: upgrader.origins }))
}

/// Walks one 2.0 document, building the 3.0 one.
#[derive(Default)]
struct Upgrader {
    warnings: Vec<Diagnostic>,
    origins: Origins,
    /// The document's `consumes` and `produces`, for operations without their own.
    consumes: Vec<String>,
    produces: Vec<String>,
    /// The document's `schemes`, to tell which operations differ.
    schemes: Vec<String>,
    /// The document's `host` and `basePath`, for an operation's own `schemes`.
    host: Option<String>,
    base_path: String,
    /// The root `parameters` that are `in: body` or `formData`, inlined where used.
    inlined_parameters: Map<String, Value>,
}

impl Upgrader {
    fn lossy(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Diagnostic::lossy(pointer, message));
    }

    fn document(&mut self, root: Map<String, Value>) -> Map<String, Value> {
        self.consumes = media_types(root.get("consumes"));
        self.produces = media_types(root.get("produces"));
        self.schemes = media_types(root.get("schemes"));
        self.host = root.get("host").and_then(Value::as_str).map(str::to_string);
        self.base_path = root.get("basePath").and_then(Value::as_str).unwrap_or_default().to_string();
        let mut out = Map::new();
        out.insert("openapi".into(), Value::String("3.0.3".into()));
        let mut components = Map::new();
        let mut servers_placed = false;
        for (key, value) in root {
            match key.as_str() {
                "swagger" | "consumes" | "produces" => {}
                "host" | "basePath" | "schemes" => {
                    if !servers_placed {
                        servers_placed = true;
                        let servers = self.servers(&self.schemes.clone(), "/schemes");
                        out.insert("servers".into(), Value::Array(servers));
                    }
                }
                "paths" => {
                    let paths = self.paths(value);
                    out.insert(key, paths);
                }
                "definitions" => {
                    let schemas = self.definitions(value);
                    components.insert("schemas".into(), schemas);
                    self.origins.record("/components/schemas", "/definitions");
                }
                "parameters" => {
                    let parameters = self.root_parameters(value);
                    if !parameters.is_empty() {
                        components.insert("parameters".into(), Value::Object(parameters));
                    }
                    self.origins.record("/components/parameters", "/parameters");
                }
                "responses" => {
                    let responses = self.root_responses(value);
                    components.insert("responses".into(), responses);
                    self.origins.record("/components/responses", "/responses");
                }
                "securityDefinitions" => {
                    let schemes = self.security_definitions(value);
                    components.insert("securitySchemes".into(), schemes);
                    self.origins.record("/components/securitySchemes", "/securityDefinitions");
                }
                _ => {
                    out.insert(key, rewrite_refs(value));
                }
            }
        }
        if !components.is_empty() {
            out.insert("components".into(), Value::Object(components));
        }
        out
    }

    /// `host`, `basePath` and `schemes` as servers, one per scheme. With no
    /// `host`, the API is served where the document is: a relative URL, as
    /// in 2.0. With no `schemes`, 2.0 uses the scheme the document was read
    /// with, which no client generated ahead of time knows: `https`.
    fn servers(&mut self, schemes: &[String], schemes_pointer: &str) -> Vec<Value> {
        let base_path = self.base_path.trim_end_matches('/').to_string();
        let Some(host) = self.host.clone() else {
            let url = if base_path.is_empty() { "/".to_string() } else { base_path };
            return vec![server(url)];
        };
        if schemes.is_empty() {
            self.lossy(
                "/host",
                format!(
                    "no `schemes`: 2.0 uses the scheme the document was fetched with; the server is \
                     `https://{host}{base_path}`"
                ),
            );
            return vec![server(format!("https://{host}{base_path}"))];
        }
        let mut servers = Vec::new();
        for (index, scheme) in schemes.iter().enumerate() {
            if scheme == "ws" || scheme == "wss" {
                self.lossy(
                    pointer_join(schemes_pointer, &index.to_string()),
                    format!("scheme `{scheme}` (WebSocket) has no server in a REST client; left out"),
                );
                continue;
            }
            servers.push(server(format!("{scheme}://{host}{base_path}")));
        }
        servers
    }

    fn definitions(&mut self, definitions: Value) -> Value {
        let Value::Object(definitions) = definitions else { return definitions };
        let mut schemas = Map::new();
        for (name, schema) in definitions {
            let pointer = pointer_join("/definitions", &name);
            let schema = self.schema(schema, &pointer);
            schemas.insert(name, schema);
        }
        Value::Object(schemas)
    }

    /// The root `parameters`: those 3.0 has a parameter for go to
    /// `components.parameters`; bodies and form fields are kept aside, to be
    /// inlined into the operations that refer to them.
    fn root_parameters(&mut self, parameters: Value) -> Map<String, Value> {
        let mut out = Map::new();
        let Value::Object(parameters) = parameters else { return out };
        for (name, parameter) in parameters {
            let pointer = pointer_join("/parameters", &name);
            let location = parameter.get("in").and_then(Value::as_str);
            if matches!(location, Some("body" | "formData")) {
                self.inlined_parameters.insert(name, parameter);
                continue;
            }
            let upgraded_pointer = pointer_join("/components/parameters", &name);
            let parameter = self.parameter(parameter, &pointer, &upgraded_pointer);
            out.insert(name, parameter);
        }
        out
    }

    fn root_responses(&mut self, responses: Value) -> Value {
        let Value::Object(responses) = responses else { return responses };
        let produces = self.produces.clone();
        let mut out = Map::new();
        for (name, response) in responses {
            let pointer = pointer_join("/responses", &name);
            let upgraded = pointer_join("/components/responses", &name);
            let response = self.response(response, &pointer, &upgraded, &produces);
            out.insert(name, response);
        }
        Value::Object(out)
    }
}

fn server(url: String) -> Value {
    let mut server = Map::new();
    server.insert("url".into(), Value::String(url));
    Value::Object(server)
}

/// A list of strings (`consumes`, `produces`, `schemes`); anything else is none.
fn media_types(value: Option<&Value>) -> Vec<String> {
    value.and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).map(str::to_string).collect()
}

/// The 3.0 spelling of a local reference into a 2.0 document.
fn upgraded_reference(reference: &str) -> Option<String> {
    [
        ("#/definitions/", "#/components/schemas/"),
        ("#/parameters/", "#/components/parameters/"),
        ("#/responses/", "#/components/responses/"),
    ]
    .iter()
    .find_map(|(old, new)| reference.strip_prefix(old).map(|rest| format!("{new}{rest}")))
}

/// Rewrites every `$ref` in `value` to its 3.0 place (examples left as they are).
fn rewrite_refs(mut value: Value) -> Value {
    fn walk(value: &mut Value) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get_mut("$ref") {
                    if let Some(new) = upgraded_reference(reference) {
                        *reference = new;
                    }
                }
                for (key, child) in map.iter_mut() {
                    if key != "example" && key != "examples" && key != "x-example" {
                        walk(child);
                    }
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut value);
    value
}
