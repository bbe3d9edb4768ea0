//! The bundling walk: copies the root document, following each `$ref` that
//! leaves the root file, knowing at each node what kind of object stands
//! there (a reference in a schema's place hoists a schema, one in an
//! operation's place copies the operation in).

use super::{component_name, SourceMap, SpecFiles, Target};
use crate::diagnostics::{escape_pointer_token, Diagnostic};
use crate::naming::UniqueNames;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// One document made of a [`SpecFiles`], with where each part came from.
#[derive(Debug, Clone)]
pub struct Bundled {
    /// The root document with every external reference followed.
    pub document: Value,
    /// Bundled pointers back to their files.
    pub source_map: SourceMap,
    /// Components named apart because their names clashed (notes).
    pub warnings: Vec<Diagnostic>,
}

/// Makes one document of `files`; `Err` holds every error (and the warnings
/// before them), each in the file where it stands.
pub fn bundle(files: &SpecFiles) -> Result<Bundled, Vec<Diagnostic>> {
    let root = match files.value(files.root()) {
        Ok(value) => value,
        Err(Ok(error)) => return Err(vec![Diagnostic { file: None, ..error.clone() }]),
        Err(Err(reason)) => return Err(vec![Diagnostic::error("", reason)]),
    };
    let mut bundler = Bundler::new(files, root);
    let mut document = bundler.rewrite(root, Kind::Document);
    let Bundler { added, diagnostics, source_map, .. } = bundler;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    if !added.is_empty() {
        if let Value::Object(document) = &mut document {
            let components = document.entry("components").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(components) = components {
                for (section, name, content) in added {
                    let section = components.entry(section).or_insert_with(|| Value::Object(Map::new()));
                    if let Value::Object(section) = section {
                        section.insert(name, content);
                    }
                }
            }
        }
    }
    Ok(Bundled { document, source_map, warnings: diagnostics })
}

/// Every `$ref` string under `value` (example data left out).
pub(super) fn collect_ref_strings<'v>(value: &'v Value, out: &mut Vec<&'v str>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get("$ref") {
                out.push(reference);
            }
            for (key, child) in map {
                // Example data may hold anything (`default` is also a response's key).
                if key != "example" {
                    collect_ref_strings(child, out);
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_ref_strings(item, out)),
        _ => {}
    }
}

/// What kind of OpenAPI object stands at a node.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Document,
    Components,
    PathItem,
    Operation,
    Schema,
    Parameter,
    Header,
    RequestBody,
    Response,
    MediaType,
    Encoding,
    Example,
    Link,
    Callback,
    SecurityScheme,
    /// Example values and the like: a `$ref` in them is data.
    Data,
    /// Anything else: references in it are copied in place.
    Other,
}

/// The kind of the values under one key.
#[derive(Debug, Clone, Copy)]
enum Child {
    One(Kind),
    Map(Kind),
    List(Kind),
}

const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

impl Kind {
    /// The components section an object of this kind is hoisted into.
    fn section(self) -> Option<&'static str> {
        Some(match self {
            Kind::Schema => "schemas",
            Kind::Parameter => "parameters",
            Kind::Header => "headers",
            Kind::RequestBody => "requestBodies",
            Kind::Response => "responses",
            Kind::Example => "examples",
            Kind::Link => "links",
            Kind::Callback => "callbacks",
            Kind::SecurityScheme => "securitySchemes",
            _ => return None,
        })
    }

    fn of_section(section: &str) -> Option<Kind> {
        Some(match section {
            "schemas" => Kind::Schema,
            "parameters" => Kind::Parameter,
            "headers" => Kind::Header,
            "requestBodies" => Kind::RequestBody,
            "responses" => Kind::Response,
            "examples" => Kind::Example,
            "links" => Kind::Link,
            "callbacks" => Kind::Callback,
            "securitySchemes" => Kind::SecurityScheme,
            "pathItems" => Kind::PathItem,
            _ => return None,
        })
    }

    fn child(self, key: &str) -> Child {
        use Child::{List, Map, One};
        match (self, key) {
            (Kind::Data, _) => One(Kind::Data),
            (Kind::Document, "paths" | "webhooks") => Map(Kind::PathItem),
            (Kind::Document, "components") => One(Kind::Components),
            (Kind::Components, section) => Kind::of_section(section).map_or(One(Kind::Other), Map),
            (Kind::PathItem, method) if METHODS.contains(&method) => One(Kind::Operation),
            (Kind::PathItem | Kind::Operation, "parameters") => List(Kind::Parameter),
            (Kind::Operation, "requestBody") => One(Kind::RequestBody),
            (Kind::Operation, "responses") => Map(Kind::Response),
            (Kind::Operation, "callbacks") => Map(Kind::Callback),
            (Kind::Callback, _) => One(Kind::PathItem),
            (Kind::Parameter | Kind::Header | Kind::MediaType, "schema") => One(Kind::Schema),
            (Kind::Parameter | Kind::Header | Kind::RequestBody | Kind::Response, "content") => Map(Kind::MediaType),
            (Kind::Parameter | Kind::Header | Kind::MediaType, "examples") => Map(Kind::Example),
            (Kind::Response | Kind::Encoding, "headers") => Map(Kind::Header),
            (Kind::Response, "links") => Map(Kind::Link),
            (Kind::MediaType, "encoding") => Map(Kind::Encoding),
            (Kind::Schema, "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas") => {
                Map(Kind::Schema)
            }
            (Kind::Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => List(Kind::Schema),
            (
                Kind::Schema,
                "items"
                | "not"
                | "additionalProperties"
                | "additionalItems"
                | "contains"
                | "propertyNames"
                | "if"
                | "then"
                | "else"
                | "unevaluatedProperties"
                | "unevaluatedItems"
                | "contentSchema",
            ) => One(Kind::Schema),
            (_, "example" | "examples" | "default" | "enum" | "const" | "value") => One(Kind::Data),
            _ => One(Kind::Other),
        }
    }
}

struct Bundler<'a> {
    files: &'a SpecFiles,
    /// The file the node being copied stands in.
    file: String,
    /// The tokens of the bundled pointer of the node being copied.
    out_path: Vec<String>,
    /// (section, file, pointer) -> the component's name in the bundle.
    assigned: BTreeMap<(&'static str, String, String), String>,
    /// Per section, the names taken (the root's own first).
    names: BTreeMap<&'static str, UniqueNames>,
    /// Root components that are only a reference to a file: the file's
    /// content goes there, under the root's name.
    in_place: BTreeSet<(&'static str, String)>,
    /// The parts being copied in, to stop at a cycle.
    inlining: Vec<(String, String)>,
    /// Hoisted components, in the order they were met.
    added: Vec<(&'static str, String, Value)>,
    /// Unparsable files already reported.
    reported: BTreeSet<String>,
    source_map: SourceMap,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Bundler<'a> {
    fn new(files: &'a SpecFiles, root: &Value) -> Self {
        let mut bundler = Bundler {
            files,
            file: files.root().to_string(),
            out_path: Vec::new(),
            assigned: BTreeMap::new(),
            names: BTreeMap::new(),
            in_place: BTreeSet::new(),
            inlining: Vec::new(),
            added: Vec::new(),
            reported: BTreeSet::new(),
            source_map: SourceMap { root: files.root().to_string(), origins: BTreeMap::new() },
            diagnostics: Vec::new(),
        };
        for (section, entries) in root.get("components").and_then(Value::as_object).into_iter().flatten() {
            let Some(section) = Kind::of_section(section).and_then(Kind::section) else { continue };
            let Some(entries) = entries.as_object() else { continue };
            bundler.names.insert(section, UniqueNames::with_reserved(entries.keys().map(String::as_str)));
            for (name, entry) in entries {
                let Some(Value::String(reference)) = entry.get("$ref") else { continue };
                if entry.as_object().is_some_and(|entry| entry.len() == 1) {
                    if let Target::File { key, pointer } = files.target(files.root(), reference) {
                        let key_is_external = key != files.root();
                        let free = !bundler.assigned.contains_key(&(section, key.clone(), pointer.clone()));
                        if key_is_external && free {
                            bundler.assigned.insert((section, key, pointer), name.clone());
                            bundler.in_place.insert((section, name.clone()));
                        }
                    }
                }
            }
        }
        bundler
    }

    /// The bundled pointer of the node being copied.
    fn out_pointer(&self) -> String {
        self.out_path.iter().map(|token| format!("/{}", escape_pointer_token(token))).collect()
    }

    /// `diagnostic` placed at the `$ref` being followed, in its own file.
    fn at_reference(&self, diagnostic: Diagnostic) -> Diagnostic {
        let (file, pointer) = self.source_map.place(&format!("{}/$ref", self.out_pointer()));
        Diagnostic { file: file.map(str::to_string), pointer, ..diagnostic }
    }

    /// A copy of `node`, an object of `kind`, with its references followed.
    fn rewrite(&mut self, node: &Value, kind: Kind) -> Value {
        let Value::Object(map) = node else {
            return match node {
                // `items: [..]` (a tuple) holds schemas; other lists, what their place holds.
                Value::Array(items) if kind != Kind::Data => self.rewrite_list(items, kind),
                _ => node.clone(),
            };
        };
        if kind != Kind::Data {
            if let Some(Value::String(reference)) = map.get("$ref") {
                if let Some(followed) = self.follow(reference, map, kind) {
                    return followed;
                }
            }
        }
        let mut out = Map::new();
        for (key, child) in map {
            self.out_path.push(key.clone());
            let value = self.rewrite_as(child, kind.child(key));
            self.out_path.pop();
            out.insert(key.clone(), value);
        }
        Value::Object(out)
    }

    /// A copy of `node`, a value of `shape`.
    fn rewrite_as(&mut self, node: &Value, shape: Child) -> Value {
        match (shape, node) {
            (Child::One(Kind::Data), _) => node.clone(),
            (Child::One(kind), _) => self.rewrite(node, kind),
            // A map of objects given by reference (`properties: {$ref: ..}`).
            (Child::Map(_) | Child::List(_), Value::Object(map)) if map.get("$ref").is_some_and(Value::is_string) => {
                let reference = map.get("$ref").and_then(Value::as_str).unwrap_or_default();
                self.copy_in(reference, node, shape).unwrap_or_else(|| node.clone())
            }
            (Child::Map(kind), Value::Object(entries)) => self.rewrite_map(entries, kind),
            (Child::List(kind), Value::Array(items)) => self.rewrite_list(items, kind),
            _ => self.rewrite(node, Kind::Other),
        }
    }

    fn rewrite_map(&mut self, entries: &Map<String, Value>, kind: Kind) -> Value {
        let mut out = Map::new();
        for (name, entry) in entries {
            self.out_path.push(name.clone());
            let in_place = self.out_path.len() == 3
                && self.out_path[0] == "components"
                && self.file == self.files.root()
                && kind.section().is_some_and(|section| self.in_place.contains(&(section, name.clone())));
            let value = match entry.get("$ref").and_then(Value::as_str) {
                Some(reference) if in_place => {
                    self.copy_in(reference, entry, Child::One(kind)).unwrap_or_else(|| entry.clone())
                }
                _ => self.rewrite(entry, kind),
            };
            self.out_path.pop();
            out.insert(name.clone(), value);
        }
        Value::Object(out)
    }

    fn rewrite_list(&mut self, items: &[Value], kind: Kind) -> Value {
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            self.out_path.push(index.to_string());
            out.push(self.rewrite(item, kind));
            self.out_path.pop();
        }
        Value::Array(out)
    }

    /// The node that replaces a `$ref` object of `kind`; `None` keeps it
    /// as it is (a reference within the root file, or one reported).
    fn follow(&mut self, reference: &str, node: &Map<String, Value>, kind: Kind) -> Option<Value> {
        let (key, pointer) = match self.files.target(&self.file, reference) {
            Target::Refused(message) => {
                let error = self.at_reference(Diagnostic::error("", message));
                self.diagnostics.push(error);
                return None;
            }
            Target::File { key, pointer } => (key, pointer),
        };
        if key == self.files.root() {
            if self.file == key {
                return None;
            }
            // Back into the root: the same pointer, now local.
            return Some(with_reference(node, format!("#{pointer}")));
        }
        match kind.section() {
            Some(section) => {
                let name = self.hoist(section, &key, &pointer, reference, kind)?;
                Some(with_reference(node, format!("#/components/{section}/{}", escape_pointer_token(&name))))
            }
            None => self.copy_in(reference, &Value::Object(node.clone()), Child::One(kind)),
        }
    }

    /// The target of `reference` (standing in the current file), or `None`
    /// with the error reported.
    fn target_node(&mut self, reference: &str, key: &str, pointer: &str) -> Option<&'a Value> {
        let files = self.files;
        let found = match files.value(key) {
            Ok(value) => value.pointer(pointer).ok_or_else(|| format!("`#{pointer}` is not in `{key}`")),
            Err(Ok(parse_error)) => {
                if self.reported.insert(key.to_string()) {
                    self.diagnostics.push(Diagnostic { file: Some(key.to_string()), ..parse_error.clone() });
                }
                return None;
            }
            Err(Err(reason)) => Err(reason),
        };
        match found {
            Ok(node) => Some(node),
            Err(reason) => {
                let error =
                    self.at_reference(Diagnostic::error("", format!("unresolved reference `{reference}`: {reason}")));
                self.diagnostics.push(error);
                None
            }
        }
    }

    /// The name of the component `key#pointer` in `section`, hoisting it
    /// the first time.
    fn hoist(
        &mut self,
        section: &'static str,
        key: &str,
        pointer: &str,
        reference: &str,
        kind: Kind,
    ) -> Option<String> {
        let memo = (section, key.to_string(), pointer.to_string());
        if let Some(name) = self.assigned.get(&memo) {
            return Some(name.clone());
        }
        let node = self.target_node(reference, key, pointer)?;
        let wanted = component_name(key, pointer);
        let name = self.names.entry(section).or_default().claim(wanted.clone());
        if name != wanted {
            // A note: the name a component has in its file is not part of
            // what the API says, and the new one is as good.
            let note = self.at_reference(Diagnostic::lossless(
                "",
                format!(
                    "`{reference}` is named `{wanted}` in `{key}`, but another of the bundled {section} has that \
                     name: it is named `{name}`"
                ),
            ));
            self.diagnostics.push(note);
        }
        self.assigned.insert(memo, name.clone());
        let saved_path =
            std::mem::replace(&mut self.out_path, vec!["components".to_string(), section.to_string(), name.clone()]);
        self.source_map.origins.insert(self.out_pointer(), (key.to_string(), pointer.to_string()));
        let saved_file = std::mem::replace(&mut self.file, key.to_string());
        let content = self.rewrite(node, kind);
        self.file = saved_file;
        self.out_path = saved_path;
        self.added.push((section, name.clone(), content));
        Some(name)
    }

    /// The target of `reference` copied in place of `node`, its siblings
    /// kept where the target has no such key.
    fn copy_in(&mut self, reference: &str, node: &Value, shape: Child) -> Option<Value> {
        let Target::File { key, pointer } = self.files.target(&self.file, reference) else { return None };
        let frame = (key.clone(), pointer.clone());
        if self.inlining.contains(&frame) {
            let error = self.at_reference(Diagnostic::error(
                "",
                format!("reference cycle: `{reference}` copies in a part that holds this reference"),
            ));
            self.diagnostics.push(error);
            return None;
        }
        let target = self.target_node(reference, &key, &pointer)?;
        self.source_map.origins.insert(self.out_pointer(), frame.clone());
        self.inlining.push(frame);
        let saved_file = std::mem::replace(&mut self.file, key);
        let mut content = self.rewrite_as(target, shape);
        self.file = saved_file;
        self.inlining.pop();
        if let (Value::Object(content), Value::Object(node)) = (&mut content, node) {
            for (sibling, value) in node.iter().filter(|(sibling, _)| *sibling != "$ref") {
                content.entry(sibling.clone()).or_insert_with(|| value.clone());
            }
        }
        Some(content)
    }
}

/// `node` with its `$ref` replaced by `reference`.
fn with_reference(node: &Map<String, Value>, reference: String) -> Value {
    let mut node = node.clone();
    node.insert("$ref".to_string(), Value::String(reference));
    Value::Object(node)
}
