//! The bundling walk: copies the root document, following each `$ref` that
//! leaves the root file, knowing at each node what kind of object stands
//! there (a reference in a schema's place hoists a schema, one in an
//! operation's place copies the operation in). The root's dialect says
//! where components stand: OpenAPI 3's `components/<section>`, or Swagger
//! 2.0's `definitions`, `parameters` and `responses` (the upgrade to 3.0
//! runs after bundling, so the bundle must be a 2.0 document).

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
    let dialect = Dialect::of(root);
    let mut bundler = Bundler::new(files, root, dialect);
    let mut document = bundler.rewrite(root, Kind::Document);
    let Bundler { added, diagnostics, source_map, .. } = bundler;
    if diagnostics.iter().any(Diagnostic::is_error) {
        return Err(diagnostics);
    }
    for (section, name, content) in added {
        if let Some(section) = dialect.section_map_mut(&mut document, section) {
            section.insert(name, content);
        }
    }
    Ok(Bundled { document, source_map, warnings: diagnostics })
}

/// The structure the root document follows, which says where its
/// component maps stand and what a response holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dialect {
    OpenApi3,
    /// A root with a `swagger` version (the upgrade refuses any but 2.0).
    Swagger2,
}

/// Swagger 2.0's component maps, at the document's top level.
const SWAGGER2_SECTIONS: [&str; 3] = ["definitions", "parameters", "responses"];

impl Dialect {
    fn of(root: &Value) -> Dialect {
        if root.get("swagger").is_some() {
            Dialect::Swagger2
        } else {
            Dialect::OpenApi3
        }
    }

    /// The component map an object of `kind` is hoisted into; `None` for
    /// the kinds this dialect cannot reuse (copied in place instead).
    fn section(self, kind: Kind) -> Option<&'static str> {
        match self {
            Dialect::OpenApi3 => kind.section(),
            Dialect::Swagger2 => Some(match kind {
                Kind::Schema => "definitions",
                Kind::Parameter => "parameters",
                Kind::Response => "responses",
                _ => return None,
            }),
        }
    }

    /// The kind of the values under `key` of a `kind` object: 2.0's own
    /// places first, then those the dialects share.
    fn child(self, kind: Kind, key: &str) -> Child {
        if self == Dialect::Swagger2 {
            match (kind, key) {
                (Kind::Document, "definitions") => return Child::Map(Kind::Schema),
                (Kind::Document, "parameters") => return Child::Map(Kind::Parameter),
                (Kind::Document, "responses") => return Child::Map(Kind::Response),
                (Kind::Document, "securityDefinitions") => return Child::Map(Kind::SecurityScheme),
                (Kind::Document, "components" | "webhooks") => return Child::One(Kind::Other),
                (Kind::Response, "schema") => return Child::One(Kind::Schema),
                _ => {}
            }
        }
        kind.child(key)
    }

    /// The pointer tokens of the map holding `section`'s components.
    fn section_tokens(self, section: &'static str) -> Vec<&'static str> {
        match self {
            Dialect::OpenApi3 => vec!["components", section],
            Dialect::Swagger2 => vec![section],
        }
    }

    /// The local reference to the component `name` of `section`.
    fn reference(self, section: &'static str, name: &str) -> String {
        let section: String = self.section_tokens(section).iter().map(|token| format!("/{token}")).collect();
        format!("#{section}/{}", escape_pointer_token(name))
    }

    /// The root's component maps that can receive hoisted components.
    fn root_sections(self, root: &Value) -> Vec<(&'static str, &Map<String, Value>)> {
        let named = |section: &str| match self {
            Dialect::OpenApi3 => Kind::of_section(section).and_then(Kind::section),
            Dialect::Swagger2 => SWAGGER2_SECTIONS.into_iter().find(|known| *known == section),
        };
        let holder = match self {
            Dialect::OpenApi3 => root.get("components"),
            Dialect::Swagger2 => Some(root),
        };
        let sections = holder.and_then(Value::as_object).into_iter().flatten();
        sections.filter_map(|(section, entries)| Some((named(section)?, entries.as_object()?))).collect()
    }

    /// The map of `section` in `document`, made if absent.
    fn section_map_mut<'d>(self, document: &'d mut Value, section: &'static str) -> Option<&'d mut Map<String, Value>> {
        let mut node = document;
        for token in self.section_tokens(section) {
            node = node.as_object_mut()?.entry(token).or_insert_with(|| Value::Object(Map::new()));
        }
        node.as_object_mut()
    }

    /// Whether `path` is that of an entry of `section`.
    fn is_entry_of(self, section: &'static str, path: &[String]) -> bool {
        let tokens = self.section_tokens(section);
        path.len() == tokens.len() + 1 && path.iter().zip(&tokens).all(|(token, wanted)| token == wanted)
    }
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
    dialect: Dialect,
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
    fn new(files: &'a SpecFiles, root: &Value, dialect: Dialect) -> Self {
        let mut bundler = Bundler {
            files,
            dialect,
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
        for (section, entries) in dialect.root_sections(root) {
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
            let value = self.rewrite_as(child, self.dialect.child(kind, key));
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
            let in_place = self.file == self.files.root()
                && self.dialect.section(kind).is_some_and(|section| {
                    self.dialect.is_entry_of(section, &self.out_path)
                        && self.in_place.contains(&(section, name.clone()))
                });
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
        match self.dialect.section(kind) {
            Some(section) => {
                let name = self.hoist(section, &key, &pointer, reference, kind)?;
                Some(with_reference(node, self.dialect.reference(section, &name)))
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
        let mut hoisted_path: Vec<String> =
            self.dialect.section_tokens(section).into_iter().map(str::to_string).collect();
        hoisted_path.push(name.clone());
        let saved_path = std::mem::replace(&mut self.out_path, hoisted_path);
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
