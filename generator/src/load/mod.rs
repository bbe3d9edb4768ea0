//! Stage 1: text -> checked `openapiv3::OpenAPI`.
//!
//! Parses YAML or JSON into an untyped tree (so syntax errors carry a line and
//! column), upgrades Swagger 2.0 to OpenAPI 3.0 (`swagger2`), checks the
//! OpenAPI version, normalises what OpenAPI 3.0 cannot
//! express, then parses the typed document (so type errors carry a JSON
//! pointer) and checks what the typed parser does not: references and
//! reference cycles with no structure in them (errors), and duplicate
//! operationIds (a warning: methods are named apart). All problems are
//! collected before the stage gives up.

pub mod bundle;
pub mod locate;
pub mod normalize;
pub mod overlay;
pub mod refs;
mod schema_check;
pub mod select;
mod side_table;
pub mod swagger2;
mod yaml;

use schema_check::check_schemas;
pub use side_table::SideTable;
pub use yaml::parse_yaml;

use crate::diagnostics::{pointer_join, Diagnostic};
use crate::graph::strongly_connected;
use crate::http::HttpMethod;
use crate::pointer::JsonPointer;
use serde::Deserialize;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A loaded document.
#[derive(Debug)]
pub struct Loaded {
    /// The typed document.
    pub api: openapiv3::OpenAPI,
    /// The normalised untyped document, for references the typed model cannot follow.
    pub raw: Value,
    /// What lowering needs that the typed document cannot carry (`itemSchema`, `const`).
    pub side_table: SideTable,
    /// The `openapi` version the document declared before normalisation.
    pub original_version: String,
    /// What was approximated on the way.
    pub warnings: Vec<Diagnostic>,
    /// Where the nodes of a Swagger 2.0 document went when it was upgraded,
    /// to point later diagnostics into its text (empty for OpenAPI 3).
    pub origins: swagger2::Origins,
}

impl Loaded {
    /// The component schemas that only the schemas at `replaced` (JSON
    /// pointers) reach ([`select::orphaned_by_replacement`], a walk of the
    /// untyped tree, so that lowering needs none).
    pub fn orphaned_by_replacement(&self, replaced: &[String]) -> BTreeSet<String> {
        select::orphaned_by_replacement(&self.raw, replaced)
    }
}

/// Parses and checks a document; `Err` holds every error found (and the warnings before them).
pub fn load(text: &str) -> Result<Loaded, Vec<Diagnostic>> {
    load_selected(text, None)
}

/// [`load`] keeping only the operations `keep` accepts, when given
/// ([`load_tree_selected`]).
pub fn load_selected(text: &str, keep: Option<select::Keep<'_>>) -> Result<Loaded, Vec<Diagnostic>> {
    load_tree_selected(parse_untyped(text).map_err(|d| vec![d])?, keep)
}

/// [`load`] for a document already parsed (a bundle of several files).
pub fn load_tree(raw: Value) -> Result<Loaded, Vec<Diagnostic>> {
    load_tree_selected(raw, None)
}

/// [`load_tree`] keeping only the operations `keep` accepts, and the
/// components they reach ([`select::select_operations`]), when given.
pub fn load_tree_selected(mut raw: Value, keep: Option<select::Keep<'_>>) -> Result<Loaded, Vec<Diagnostic>> {
    let upgraded = swagger2::upgrade(&mut raw).transpose().map_err(|d| vec![d])?.unwrap_or_default();
    check_version(&raw).map_err(|d| vec![d])?;
    let normalized = normalize::normalize(&mut raw);
    if let Some(keep) = keep {
        select::select_operations(&mut raw, keep);
    }
    let original_version = if upgraded.version.is_empty() { normalized.original_version } else { upgraded.version };
    let (mut diagnostics, origins) = (upgraded.warnings, upgraded.origins);
    let mut later = normalized.warnings;
    // The typed parse and the checks on the untyped tree are independent:
    // run them side by side.
    let (typed, mut checks) = std::thread::scope(|scope| {
        let run_checks = || {
            let mut checks = Vec::new();
            check_references(&raw, &mut checks);
            check_operation_ids(&raw, &mut checks);
            checks
        };
        if within_depth(&raw, CALLER_STACK_DEPTH) {
            // The typed document is most of what `load` keeps: parsed on the
            // caller's thread, it lives in the caller's heap, which the
            // allocator reuses for the stages after it and the next
            // document. (Made on a thread of its own, it stays in that
            // thread's arena, which a caller generating several documents
            // pays for again and again.)
            let checks = std::thread::Builder::new().name("openapi-checks".into()).spawn_scoped(scope, run_checks);
            let typed = typed_parse(&raw);
            let checks = match checks {
                Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                Err(_) => run_checks(),
            };
            return (typed, checks);
        }
        // The typed parser recurses through every level of the document, in
        // frames far larger than ours: a deep document gets a stack sized for
        // the deepest tree the YAML and JSON parsers let through (128
        // levels), whatever the caller's stack.
        let typed = std::thread::Builder::new()
            .name("openapi-typed-parse".into())
            .stack_size(TYPED_PARSE_STACK)
            .spawn_scoped(scope, || typed_parse(&raw));
        let checks = run_checks();
        let typed = match typed {
            Ok(handle) => handle.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had: parse here, on the caller's stack.
            Err(_) => typed_parse(&raw),
        };
        (typed, checks)
    });
    let api = match typed {
        Ok(api) => Some(api),
        Err(errors) => {
            later.extend(errors);
            None
        }
    };
    later.append(&mut checks);
    origins.relocate(&mut later);
    diagnostics.append(&mut later);
    match api {
        Some(api) if !diagnostics.iter().any(Diagnostic::is_error) => {
            let side_table = SideTable::read(&raw);
            Ok(Loaded { api, raw, side_table, original_version, warnings: diagnostics, origins })
        }
        _ => Err(diagnostics),
    }
}

/// The stack of the typed parse: debug builds of openapiv3 and serde take
/// about 20 KiB per level of the document, which the parsers cap at 128.
const TYPED_PARSE_STACK: usize = 16 << 20;

/// The deepest document parsed on the caller's stack: about 640 KiB of it in
/// a debug build, within the 2 MiB of a default Rust thread. Real specs nest
/// 15 to 25 levels.
const CALLER_STACK_DEPTH: usize = 32;

/// Whether no node of `value` is more than `limit` levels deep (the root is
/// level 1). Iterative, and it stops at the first node past the limit.
fn within_depth(value: &Value, limit: usize) -> bool {
    let mut pending = vec![(value, 1)];
    while let Some((node, depth)) = pending.pop() {
        match node {
            Value::Object(map) if !map.is_empty() => {
                if depth >= limit {
                    return false;
                }
                pending.extend(map.values().map(|child| (child, depth + 1)));
            }
            Value::Array(items) if !items.is_empty() => {
                if depth >= limit {
                    return false;
                }
                pending.extend(items.iter().map(|child| (child, depth + 1)));
            }
            _ => {}
        }
    }
    true
}

/// The normalised tree -> `openapiv3::OpenAPI`, or every type error with its pointer.
fn typed_parse(raw: &Value) -> Result<openapiv3::OpenAPI, Vec<Diagnostic>> {
    // The typed parser retries a failed schema at every level above it, which
    // is exponential in the depth: schemas are checked one at a time first,
    // and the typed parse sees `{}` in place of each one that failed, so it
    // finds only the other errors, in linear time.
    let errors = check_schemas(raw);
    let stubbed;
    let source = if errors.is_empty() {
        raw
    } else {
        let mut copy = raw.clone();
        for (schema, _) in &errors {
            if let Some(node) = copy.pointer_mut(schema) {
                *node = Value::Object(Map::new());
            }
        }
        stubbed = copy;
        &stubbed
    };
    // Tracking the path costs on every node: only a failed parse runs again with it.
    let typed = openapiv3::OpenAPI::deserialize(source)
        .or_else(|_| serde_path_to_error::deserialize::<_, openapiv3::OpenAPI>(source));
    let mut diagnostics: Vec<Diagnostic> = errors.into_iter().map(|(_, error)| error).collect();
    match typed {
        Ok(api) if diagnostics.is_empty() => Ok(api),
        Ok(_) => Err(diagnostics),
        Err(err) => {
            let precise = locate_type_errors(source);
            if precise.is_empty() {
                let pointer = path_to_pointer(err.path());
                diagnostics.push(Diagnostic::error(
                    pointer,
                    format!("not a valid OpenAPI 3.0 document here: {}", err.inner()),
                ));
            }
            diagnostics.extend(precise);
            Err(diagnostics)
        }
    }
}

/// YAML or JSON text -> untyped tree. JSON goes through serde_json for exact
/// positions; YAML through serde_yaml with merge keys (`<<`) applied and
/// integers beyond 64 bits kept (as floats) for normalisation to clamp.
pub(crate) fn parse_untyped(text: &str) -> Result<Value, Diagnostic> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str(text).map_err(|err| Diagnostic {
            line_col: Some((err.line(), err.column())),
            ..Diagnostic::error("", format!("invalid JSON: {err}"))
        });
    }
    parse_yaml(text)
}

fn check_version(raw: &Value) -> Result<(), Diagnostic> {
    if !raw.is_object() {
        return Err(Diagnostic::error("", "an OpenAPI document must be a mapping at the top level"));
    }
    match raw.get("openapi") {
        Some(Value::String(v)) if v.starts_with("3.0") || v.starts_with("3.1") => Ok(()),
        Some(other) => {
            Err(Diagnostic::error("/openapi", format!("unsupported OpenAPI version {other}; expected 3.0.x or 3.1.x")))
        }
        None => Err(Diagnostic::error(
            "",
            "missing `openapi` (or Swagger 2.0's `swagger`) version field; is this an OpenAPI document?",
        )),
    }
}

/// openapiv3 flattens path items and components, which hides where a type
/// error stands; parsing each path item and component alone finds every
/// one of them, with a precise pointer.
fn locate_type_errors(raw: &Value) -> Vec<Diagnostic> {
    fn check<T: serde::de::DeserializeOwned>(node: &Value, base: &str, out: &mut Vec<Diagnostic>) {
        if let Err(err) = serde_path_to_error::deserialize::<_, T>(node) {
            let pointer = format!("{base}{}", path_to_pointer(err.path()));
            out.push(Diagnostic::error(pointer, format!("not a valid OpenAPI 3.0 document here: {}", err.inner())));
        }
    }
    let mut out = Vec::new();
    if let Some(info) = raw.get("info") {
        check::<openapiv3::Info>(info, "/info", &mut out);
    }
    for (path, item) in raw.get("paths").and_then(Value::as_object).into_iter().flatten() {
        let item_pointer = pointer_join("/paths", path);
        let before = out.len();
        for method in HttpMethod::ALL {
            if let Some(operation) = item.get(method.as_str()) {
                check::<openapiv3::Operation>(operation, &pointer_join(&item_pointer, method.as_str()), &mut out);
            }
        }
        if out.len() == before {
            check::<openapiv3::ReferenceOr<openapiv3::PathItem>>(item, &item_pointer, &mut out);
        }
    }
    let components = raw.get("components");
    let section = |name: &str| components.and_then(|c| c.get(name)).and_then(Value::as_object).into_iter().flatten();
    for (name, node) in section("schemas") {
        check::<openapiv3::ReferenceOr<openapiv3::Schema>>(node, &pointer_join("/components/schemas", name), &mut out);
    }
    for (name, node) in section("parameters") {
        check::<openapiv3::ReferenceOr<openapiv3::Parameter>>(
            node,
            &pointer_join("/components/parameters", name),
            &mut out,
        );
    }
    for (name, node) in section("responses") {
        check::<openapiv3::ReferenceOr<openapiv3::Response>>(
            node,
            &pointer_join("/components/responses", name),
            &mut out,
        );
    }
    for (name, node) in section("requestBodies") {
        check::<openapiv3::ReferenceOr<openapiv3::RequestBody>>(
            node,
            &pointer_join("/components/requestBodies", name),
            &mut out,
        );
    }
    for (name, node) in section("securitySchemes") {
        check::<openapiv3::ReferenceOr<openapiv3::SecurityScheme>>(
            node,
            &pointer_join("/components/securitySchemes", name),
            &mut out,
        );
    }
    out
}

fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer = pointer_join(&pointer, &index.to_string()),
            Segment::Map { key } => pointer = pointer_join(&pointer, key),
            Segment::Enum { variant } => pointer = pointer_join(&pointer, variant),
            Segment::Unknown => {}
        }
    }
    pointer
}

/// Every `$ref` must be local and resolve, and reach something that is no
/// reference within [`refs::MAX_REFERENCE_HOPS`] (unless it passes only
/// component schemas); chains of pure references
/// (and `allOf` lists, which merge their members) must not loop back.
fn check_references(raw: &Value, diagnostics: &mut Vec<Diagnostic>) {
    let mut refs = Vec::new();
    collect_refs(raw, &mut Vec::new(), &mut refs);
    let mut too_long = Vec::new();
    // Specs refer to the same few components again and again: each target
    // is followed once.
    let mut followed: HashMap<&str, Followed> = HashMap::new();
    for (pointer, target) in &refs {
        if !target.starts_with('#') {
            diagnostics.push(Diagnostic::error(
                pointer.clone(),
                format!(
                    "external reference `{target}` cannot be followed from text alone: generate from the file \
                     (`openapi-rs generate`, `generator::project`) to read the files it refers to"
                ),
            ));
            continue;
        }
        match followed.entry(target).or_insert_with(|| follow_reference(raw, target)) {
            Followed::Fine => {}
            Followed::Unresolved => {
                diagnostics.push(Diagnostic::error(pointer.clone(), format!("unresolved reference `{target}`")))
            }
            Followed::TooLong(error) => too_long.push((pointer, error.clone())),
        }
        // A missing target further down the chain is reported at its own
        // `$ref`, a cycle by `check_alias_cycles`, once per group.
    }
    report_long_chains(too_long, diagnostics);
    check_alias_cycles(raw, &refs, diagnostics);
}

/// What [`check_references`] reports at each `$ref` to one local target.
enum Followed {
    Fine,
    Unresolved,
    TooLong(refs::RefError),
}

/// Follows a local reference as [`check_references`] reports it.
fn follow_reference(raw: &Value, target: &str) -> Followed {
    if refs::target(raw, target).is_err() {
        return Followed::Unresolved;
    }
    match refs::resolve(raw, target) {
        Err(error @ refs::RefError::TooLong(_)) if !only_component_schemas(&error) => Followed::TooLong(error),
        _ => Followed::Fine,
    }
}

/// Component schemas that only alias others are never followed to the end:
/// each becomes a type alias of the next (`pub type A0 = super::A1;`), one
/// hop at a time, so a long chain of them costs one type per step.
fn only_component_schemas(error: &refs::RefError) -> bool {
    let refs::RefError::TooLong(chain) = error else { return false };
    chain.iter().all(|pointer| pointer.component_name("/components/schemas").is_some())
}

/// A chain too long is reported where it starts: at each `$ref` whose node
/// no other long chain passes through.
fn report_long_chains(too_long: Vec<(&String, refs::RefError)>, diagnostics: &mut Vec<Diagnostic>) {
    let passed: BTreeSet<&str> = too_long
        .iter()
        .filter_map(|(_, error)| match error {
            refs::RefError::TooLong(chain) => Some(chain.iter().map(JsonPointer::as_str)),
            _ => None,
        })
        .flatten()
        .collect();
    for (pointer, error) in &too_long {
        let node = pointer.strip_suffix("/$ref").unwrap_or(pointer);
        if !passed.contains(node) {
            diagnostics.push(Diagnostic::error((*pointer).clone(), error.to_string()));
        }
    }
}

/// Every `$ref` in the document with the pointer of its `$ref` key. The
/// walk keeps a path of tokens and spells a pointer only for a reference
/// (spelling one for every node costs more than the typed parse).
fn collect_refs<'v>(node: &'v Value, path: &mut Vec<&'v str>, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            // A scan, not a lookup: most objects are small, and hashing
            // `$ref` for each of them cost more than comparing their keys.
            if let Some((_, Value::String(target))) = map.iter().find(|(key, _)| *key == "$ref") {
                out.push((spell_pointer(path, "$ref"), target.clone()));
            }
            for (key, child) in map {
                match key.as_str() {
                    // Example data may contain anything, `$ref` keys included.
                    "example" => {}
                    "examples" => {
                        for (name, entry) in child.as_object().into_iter().flatten() {
                            if let Some(Value::String(target)) = entry.get("$ref") {
                                path.extend([key.as_str(), name.as_str()]);
                                out.push((spell_pointer(path, "$ref"), target.clone()));
                                path.truncate(path.len() - 2);
                            }
                        }
                    }
                    _ if child.is_object() || child.is_array() => {
                        path.push(key);
                        collect_refs(child, path, out);
                        path.pop();
                    }
                    _ => {}
                }
            }
        }
        Value::Array(items) => {
            // Indices are spelled only when a reference is found below them.
            let mut found = Vec::new();
            for (index, child) in items.iter().enumerate() {
                if child.is_object() || child.is_array() {
                    collect_refs(child, &mut Vec::new(), &mut found);
                    if !found.is_empty() {
                        let prefix = spell_pointer(path, &index.to_string());
                        out.extend(found.drain(..).map(|(pointer, target)| (prefix.clone() + &pointer, target)));
                    }
                }
            }
        }
        _ => {}
    }
}

/// The JSON pointer of `path` and then `last`, spelled in one string (a
/// [`pointer_join`] per token copies the pointer once per level).
fn spell_pointer(path: &[&str], last: &str) -> String {
    let mut pointer = String::with_capacity(path.iter().map(|token| token.len() + 1).sum::<usize>() + last.len() + 1);
    for token in path.iter().chain(std::iter::once(&last)) {
        crate::pointer::push_token(&mut pointer, token);
    }
    pointer
}

/// A schema that is only a reference, or an `allOf`, has no structure of its
/// own to stop at: `A = B`, `B = A` describes no value at all. The same
/// holds for references to pointers inside schemas
/// (`#/components/schemas/A/properties/b`). Each strongly connected group
/// of such schemas is reported once, with one of its cycles.
fn check_alias_cycles(raw: &Value, refs: &[(String, String)], diagnostics: &mut Vec<Diagnostic>) {
    // Nodes are JSON pointers; an edge says "is (part) the schema at".
    let local_pointer = |reference: &str| JsonPointer::from_reference(reference).map(String::from);
    let mut work: Vec<String> = refs.iter().filter_map(|(_, target)| local_pointer(target)).collect();
    if let Some(schemas) = raw.pointer("/components/schemas").and_then(Value::as_object) {
        work.extend(schemas.keys().map(|name| pointer_join("/components/schemas", name)));
    }
    let mut graph: BTreeMap<String, Vec<String>> = BTreeMap::new();
    while let Some(pointer) = work.pop() {
        if graph.contains_key(&pointer) {
            continue;
        }
        let mut edges = Vec::new();
        if let Some(node) = raw.pointer(&pointer) {
            let reference = |node: &Value| node.get("$ref").and_then(Value::as_str).and_then(local_pointer);
            edges.extend(reference(node));
            for (index, member) in node.get("allOf").and_then(Value::as_array).into_iter().flatten().enumerate() {
                match reference(member) {
                    Some(target) => edges.push(target),
                    // An inline member that merges others in turn.
                    None if member.get("allOf").is_some() => {
                        edges.push(pointer_join(&pointer_join(&pointer, "allOf"), &index.to_string()))
                    }
                    None => {}
                }
            }
        }
        work.extend(edges.iter().filter(|target| !graph.contains_key(*target)).cloned());
        graph.insert(pointer, edges);
    }
    let components = strongly_connected(&graph);
    let mut reported = BTreeSet::new();
    // Keys in order: each group is reported at its first pointer.
    for (start, edges) in &graph {
        let cyclic = components.size(start) > 1 || edges.contains(start);
        if !cyclic || !reported.insert(components.of[start]) {
            continue;
        }
        // Breadth-first within the group, for a shortest way back to `start`.
        let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
        let mut queue = std::collections::VecDeque::from([start.as_str()]);
        'search: while let Some(node) = queue.pop_front() {
            for next in &graph[node] {
                if next == start {
                    came_from.insert(start, node);
                    break 'search;
                }
                if components.same(start, next) && !came_from.contains_key(next.as_str()) {
                    came_from.insert(next, node);
                    queue.push_back(next);
                }
            }
        }
        let mut between = Vec::new();
        let mut node = came_from[start.as_str()];
        while node != start {
            between.push(node);
            node = came_from[node];
        }
        between.reverse();
        let cycle = std::iter::once(start.as_str()).chain(between).chain([start.as_str()]);
        let shown: Vec<String> = cycle.map(schema_label).collect();
        diagnostics.push(Diagnostic::error(
            start.clone(),
            format!("reference cycle with no structure in it: {}", shown.join(" -> ")),
        ));
    }
}

/// A component schema by its name, anything else by its pointer.
fn schema_label(pointer: &str) -> String {
    let pointer = JsonPointer::parse(pointer).unwrap_or_default();
    pointer.component_name("/components/schemas").unwrap_or_else(|| pointer.to_reference())
}

fn check_operation_ids(raw: &Value, diagnostics: &mut Vec<Diagnostic>) {
    let Some(paths) = raw.get("paths").and_then(Value::as_object) else { return };
    let mut first_seen: BTreeMap<&str, String> = BTreeMap::new();
    for (path, item) in paths {
        for method in HttpMethod::ALL {
            let Some(id) = item.get(method.as_str()).and_then(|op| op.get("operationId")).and_then(Value::as_str)
            else {
                continue;
            };
            let pointer = pointer_join(&pointer_join(&pointer_join("/paths", path), method.as_str()), "operationId");
            if let Some(previous) = first_seen.get(id) {
                // Forgiven: method names are made unique when they are chosen.
                diagnostics.push(Diagnostic::lossy(
                    pointer,
                    format!(
                        "duplicate operationId `{id}`, first used at #{previous} (operationIds must be unique): \
                         this operation's method gets a number after its name"
                    ),
                ));
            } else {
                first_seen.insert(id, pointer);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collect_refs_spells_each_pointer_escaped_with_array_indices() {
        let doc = serde_json::json!({
            "paths": {"/a/{id}": {"get": {"parameters": [{"name": "x"}, {"$ref": "#/p"}, [{"$ref": "#/q"}]]}}},
            "c": {"m~n": {"$ref": "#/r"}, "examples": {"e": {"$ref": "#/s", "value": {"$ref": "no"}}}},
            "example": {"$ref": "no"}
        });
        let mut refs = Vec::new();
        collect_refs(&doc, &mut Vec::new(), &mut refs);
        let pointers: Vec<(&str, &str)> = refs.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
        assert_eq!(
            pointers,
            [
                ("/paths/~1a~1{id}/get/parameters/1/$ref", "#/p"),
                ("/paths/~1a~1{id}/get/parameters/2/0/$ref", "#/q"),
                ("/c/m~0n/$ref", "#/r"),
                ("/c/examples/e/$ref", "#/s"),
            ]
        );
    }

    #[test]
    fn depth_counts_the_root_as_level_one_and_stops_past_the_limit() {
        let three = serde_json::json!({"a": [{"b": 1}], "c": {}});
        assert!(within_depth(&three, 4));
        let three = serde_json::json!({"a": [1], "c": {}});
        assert!(within_depth(&three, 3));
        assert!(!within_depth(&three, 2));
        assert!(within_depth(&serde_json::json!({"empty": {}, "list": []}), 2), "empty containers hold no level");
        assert!(within_depth(&serde_json::json!(1), 1));
    }
}
