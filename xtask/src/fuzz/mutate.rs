//! Makes the fuzzer's inputs: structural mutations of seed documents on the
//! parsed tree, text mutations on the serialised result, and hand-made
//! hostile shapes. Everything is drawn from the `Rng` it is given, so an
//! input is a pure function of the seed and its index.

use fastrand::Rng;
use serde_json::{json, Map, Value};

/// A seed document: its text and, when it parses, its tree.
pub struct Seed {
    pub name: String,
    pub text: String,
    pub tree: Option<Value>,
    /// From `tests/fixtures/fuzz-found/`: run as it is, never mutated.
    pub known_finding: bool,
}

/// Names that collide once converted to identifiers, or that the generated
/// code or the runtime already uses.
const NAMES: &[&str] = &[
    "self",
    "Self",
    "mod",
    "type",
    "fn",
    "crate",
    "super",
    "r#type",
    "async",
    "await",
    "dyn",
    "client",
    "Client",
    "error",
    "Error",
    "request",
    "Request",
    "response",
    "Result",
    "Option",
    "Box",
    "String",
    "Vec",
    "default",
    "new",
    "send",
    "send_with_headers",
    "stream",
    "builder",
    "http_client",
    "base_url",
    "timeout",
    "runtime",
    "models",
    "apis",
    "Unknown",
    "UnknownValue",
    "Unlisted",
    "",
    " ",
    "1",
    "0abc",
    "_",
    "__",
    "-",
    "🦀",
    "名前",
    "ü",
    "a-b",
    "a b",
    "A_B",
    "aB",
    "ab",
    "a2",
    "a_2",
    "A2",
    "get_pet",
    "getPet",
    "get_pet2",
    "x_api",
    "XApi",
    "foo_response",
    "$ref",
    "#",
    "~1",
    "/",
];

/// Values of every type, including the awkward ones.
fn odd_value(rng: &mut Rng) -> Value {
    match rng.u8(0..22) {
        0 => Value::Null,
        1 => json!(true),
        2 => json!(false),
        3 => json!(0),
        4 => json!(-1),
        5 => json!(1.5),
        6 => json!(u64::MAX),
        7 => json!(i64::MIN),
        8 => json!(1e308),
        9 => json!(""),
        10 => json!("ü名🦀\u{202e}\u{0}"),
        11 => json!("a".repeat(rng.usize(1..2000))),
        12 => json!([]),
        13 => json!({}),
        14 => json!([null, 1, "x"]),
        15 => json!({"type": "object"}),
        16 => json!("#/components"),
        17 => json!("3.1.0\n"),
        18 => json!(pick(rng, NAMES)),
        19 => json!({"type": ["string", "null"]}),
        20 => json!({"$ref": "#"}),
        _ => json!(-0.0),
    }
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.usize(0..items.len())]
}

fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// JSON pointers to the nodes of `doc`, in document order (at most `cap`).
pub fn pointers(doc: &Value, cap: usize) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![(String::new(), doc)];
    while let Some((pointer, node)) = stack.pop() {
        if out.len() >= cap {
            break;
        }
        match node {
            Value::Object(map) => {
                for (key, child) in map.iter().rev() {
                    stack.push((format!("{pointer}/{}", escape(key)), child));
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate().rev() {
                    stack.push((format!("{pointer}/{i}"), child));
                }
            }
            _ => {}
        }
        out.push(pointer);
    }
    out
}

fn split_last(pointer: &str) -> Option<(&str, String)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

/// A random node, biased towards objects (schemas, operations) over leaves.
fn pick_node(doc: &Value, rng: &mut Rng) -> String {
    let all = pointers(doc, 50_000);
    for _ in 0..4 {
        let pointer = &all[rng.usize(0..all.len())];
        if doc.pointer(pointer).is_some_and(Value::is_object) || rng.u8(0..4) == 0 {
            return pointer.clone();
        }
    }
    all[rng.usize(0..all.len())].clone()
}

/// Applies one structural mutation somewhere in `doc`.
pub fn mutate_tree(doc: &mut Value, rng: &mut Rng) {
    let target = pick_node(doc, rng);
    let other = pick_node(doc, rng);
    match rng.u8(0..12) {
        // Delete the node from its parent.
        0 => {
            remove(doc, &target);
        }
        // A value of another type.
        1 => replace(doc, &target, odd_value(rng)),
        // A reference to any node: itself, its parent, the root, or nowhere.
        2 => insert_reference(doc, &target, &other, rng),
        // Wrap in a composition.
        3 => {
            let keyword = pick(rng, &["allOf", "oneOf", "anyOf", "not", "items", "additionalProperties"]);
            wrap(doc, &target, keyword, rng.usize(1..3));
        }
        // Nest deeply.
        4 => {
            let keyword = pick(rng, &["allOf", "oneOf", "items", "properties", "additionalProperties"]);
            let depth = if rng.u8(0..8) == 0 { rng.usize(30..300) } else { rng.usize(2..30) };
            wrap(doc, &target, keyword, depth);
        }
        // A copy of another subtree here.
        5 => {
            if let Some(copy) = doc.pointer(&other).cloned() {
                replace(doc, &target, copy);
            }
        }
        // Rename a key to a colliding or reserved name.
        6 => {
            if let Some((parent, last)) = split_last(&target) {
                let name = colliding_name(&last, rng);
                if let Some(Value::Object(map)) = doc.pointer_mut(parent) {
                    // Rebuilt, so the renamed key keeps its place.
                    let entries = std::mem::take(map);
                    map.extend(entries.into_iter().map(|(k, v)| if k == last { (name.clone(), v) } else { (k, v) }));
                }
            }
        }
        // A keyword with an arbitrary value.
        7 | 8 => {
            if let Some(Value::Object(map)) = doc.pointer_mut(&target) {
                let (key, value) = keyword(rng);
                map.insert(key.into(), value);
            }
        }
        // Many siblings whose names collide.
        9 => {
            if let Some(Value::Object(map)) = doc.pointer_mut(&target) {
                if let Some((key, value)) =
                    map.iter().nth(rng.usize(0..map.len().max(1))).map(|(k, v)| (k.clone(), v.clone()))
                {
                    for _ in 0..rng.usize(1..40) {
                        map.insert(colliding_name(&key, rng), value.clone());
                    }
                }
            }
        }
        // Swap two subtrees.
        10 => {
            if !target.starts_with(&other) && !other.starts_with(&target) {
                let (Some(a), Some(b)) = (doc.pointer(&target).cloned(), doc.pointer(&other).cloned()) else { return };
                replace(doc, &target, b);
                replace(doc, &other, a);
            }
        }
        // Shuffle an object's keys or an array's items.
        _ => match doc.pointer_mut(&target) {
            Some(Value::Object(map)) => {
                let mut entries: Vec<_> = std::mem::take(map).into_iter().collect();
                rng.shuffle(&mut entries);
                map.extend(entries);
            }
            Some(Value::Array(items)) => rng.shuffle(items),
            _ => {}
        },
    }
}

/// Puts a `$ref` at `target` (replacing it, or merged into its object),
/// with a sibling now and then: to itself, its parent, the root, nowhere,
/// or `other`.
fn insert_reference(doc: &mut Value, target: &str, other: &str, rng: &mut Rng) {
    let to = match rng.u8(0..6) {
        0 => target.to_string(),
        1 => split_last(target).map(|(p, _)| p.to_string()).unwrap_or_default(),
        2 => "/components/schemas/Nope".into(),
        3 => String::new(),
        _ => other.to_string(),
    };
    let mut reference = Map::new();
    reference.insert("$ref".into(), json!(format!("#{to}")));
    match rng.u8(0..4) {
        0 => {
            reference.insert("description".into(), json!("a sibling of $ref"));
        }
        1 => {
            reference.insert("nullable".into(), json!(true));
        }
        _ => {}
    }
    if rng.bool() {
        replace(doc, target, Value::Object(reference));
    } else if let Some(Value::Object(map)) = doc.pointer_mut(target) {
        map.extend(reference);
    }
}

/// Removes the node at `pointer` from its parent; false if there is none.
pub fn remove(doc: &mut Value, pointer: &str) -> bool {
    let Some((parent, last)) = split_last(pointer) else { return false };
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => map.shift_remove(&last).is_some(),
        Some(Value::Array(items)) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

fn replace(doc: &mut Value, pointer: &str, value: Value) {
    if let Some(node) = doc.pointer_mut(pointer) {
        *node = value;
    }
}

fn wrap(doc: &mut Value, pointer: &str, keyword: &str, depth: usize) {
    let Some(node) = doc.pointer_mut(pointer) else { return };
    let mut inner = std::mem::take(node);
    for level in 0..depth {
        inner = match keyword {
            "allOf" | "oneOf" | "anyOf" => json!({ keyword: [inner] }),
            "properties" => json!({"type": "object", "properties": { format!("p{level}"): inner }}),
            "items" => json!({"type": "array", "items": inner}),
            _ => json!({ keyword: inner }),
        };
    }
    *node = inner;
}

fn colliding_name(name: &str, rng: &mut Rng) -> String {
    match rng.u8(0..8) {
        0 => format!("{name}2"),
        1 => format!("{name}_2"),
        2 => name.to_uppercase(),
        3 => format!("{name}_"),
        4 => format!("_{name}"),
        5 => name.replace(|c: char| !c.is_alphanumeric(), "-"),
        _ => pick(rng, NAMES).to_string(),
    }
}

fn keyword(rng: &mut Rng) -> (&'static str, Value) {
    let names = json!([pick(rng, NAMES), pick(rng, NAMES), pick(rng, NAMES)]);
    match rng.u8(0..20) {
        0 => ("type", json!(pick(rng, &["string", "object", "array", "integer", "number", "boolean", "null", "file"]))),
        1 => ("type", json!(["string", "null", "integer"])),
        2 => {
            ("format", json!(pick(rng, &["date-time", "date", "uuid", "int64", "int32", "byte", "binary", "uri", "x"])))
        }
        3 => ("enum", names.clone()),
        4 => ("enum", json!([1, "1", null, true, 1.5, {}, []])),
        5 => ("required", names.clone()),
        6 => ("properties", json!({ pick(rng, NAMES): {"type": "string"}, pick(rng, NAMES): {"$ref": "#"} })),
        7 => ("items", json!({"$ref": "#/components/schemas"})),
        8 => ("additionalProperties", [json!(true), json!(false), json!({"type": "integer"})][rng.usize(0..3)].clone()),
        9 => ("nullable", json!(true)),
        10 => ("discriminator", json!({"propertyName": pick(rng, NAMES), "mapping": {"a": "#/components/schemas/A"}})),
        11 => ("allOf", json!([{"type": "object"}, {"type": "string"}])),
        12 => ("oneOf", json!([{"type": "integer"}, {"type": "integer"}, {"$ref": "#/nope"}])),
        13 => ("const", json!(pick(rng, NAMES))),
        14 => ("minimum", json!(pick(rng, &[1e300, -1e300, 0.5]))),
        15 => ("maxLength", json!(-1)),
        16 => ("pattern", json!("(")),
        17 => ("operationId", json!(pick(rng, NAMES))),
        18 => ("tags", names),
        _ => ("$ref", json!(pick(rng, &["#/components/schemas/A", "#/", "other.yaml#/x", "#/paths", "#a", "%"]))),
    }
}

/// Serialises a tree as YAML or JSON.
pub fn serialise(doc: &Value, rng: &mut Rng) -> String {
    match rng.u8(0..3) {
        0 => serde_json::to_string_pretty(doc).unwrap_or_default(),
        1 => serde_json::to_string(doc).unwrap_or_default(),
        _ => serde_yaml::to_string(doc).unwrap_or_default(),
    }
}

/// Tokens that mean something in YAML or JSON.
const TOKENS: &[&str] = &[
    "*a",
    "&a ",
    "<<: *a\n",
    "{",
    "[",
    "]",
    "}",
    "\t",
    "!!binary ",
    "? ",
    "- ",
    ": ",
    "\"",
    "'",
    "\\u0000",
    "%YAML 1.2\n",
    "---\n",
    "...\n",
    "#",
    "~",
    "0x1F",
    "1e999",
    "-.inf",
    ".nan",
    "\u{feff}",
    "123456789012345678901234567890",
    "!!int ",
];

/// Applies one mutation to the text.
pub fn mutate_text(text: &mut String, rng: &mut Rng) {
    if text.is_empty() {
        text.push_str(pick(rng, TOKENS));
        return;
    }
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let n = lines.len().max(1);
    match rng.u8(0..7) {
        0 => {
            let mut at = rng.usize(0..text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.truncate(at);
            return;
        }
        1 if !lines.is_empty() => {
            lines.remove(rng.usize(0..n));
        }
        2 if !lines.is_empty() => {
            let i = rng.usize(0..n);
            lines.insert(i, lines[i].clone());
        }
        3 if !lines.is_empty() => lines.swap(rng.usize(0..n), rng.usize(0..n)),
        4 => add_alias(&mut lines, rng),
        _ => {
            let mut at = rng.usize(0..=text.len());
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text.insert_str(at, pick(rng, TOKENS));
            return;
        }
    }
    *text = lines.join("\n");
    text.push('\n');
}

/// Anchors a YAML block (`key:` ending a line) and refers to it from a later
/// `key: value` line.
fn add_alias(lines: &mut [String], rng: &mut Rng) {
    let blocks: Vec<usize> = (0..lines.len()).filter(|&i| lines[i].trim_end().ends_with(':')).collect();
    if blocks.is_empty() {
        return;
    }
    let anchor = blocks[rng.usize(0..blocks.len())];
    let users: Vec<usize> = (0..lines.len()).filter(|&i| i != anchor && lines[i].contains(": ")).collect();
    if users.is_empty() {
        return;
    }
    lines[anchor] = format!("{} &x", lines[anchor].trim_end());
    let user = users[rng.usize(0..users.len())];
    if let Some((key, _)) = lines[user].split_once(": ") {
        lines[user] = format!("{key}: *x");
    }
}

/// A document with a path that returns `schemas.Root`, so lowering reaches them.
fn document(schemas: Value) -> Value {
    json!({
        "openapi": "3.0.3",
        "info": {"title": "hostile", "version": "1"},
        "paths": {"/x": {"get": {"operationId": "getX", "responses": {"200": {"description": "ok",
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Root"}}}}}}}},
        "components": {"schemas": schemas},
    })
}

/// A size up to `max`, uniform in its logarithm: mostly small and quick, sometimes huge.
fn log_size(rng: &mut Rng, max: usize) -> usize {
    let bits = usize::BITS - max.leading_zeros();
    (1usize << rng.u32(1..=bits)).min(max) + rng.usize(0..2)
}

/// A hand-made hostile document: the shapes that broke the generator before,
/// at a random size.
pub fn hostile(rng: &mut Rng) -> String {
    let doc = match rng.u8(0..10) {
        // Nested allOfs with an invalid leaf (exponential retries of untagged variants).
        0 => {
            let mut schema = json!({"type": 5});
            for _ in 0..rng.usize(1..26) {
                schema = json!({"allOf": [schema, {"type": "object"}]});
            }
            document(json!({"Root": schema}))
        }
        // A property that refers to its own schema, with a sibling keyword.
        1 => {
            let sibling = if rng.bool() { json!({"description": "parent"}) } else { json!({"nullable": true}) };
            let mut parent = json!({"$ref": "#/components/schemas/Root"});
            parent.as_object_mut().into_iter().for_each(|m| m.extend(sibling.as_object().cloned().unwrap_or_default()));
            document(json!({"Root": {"type": "object", "properties": {"parent": parent}}}))
        }
        // An inline allOf that includes its enclosing schema.
        2 => document(json!({"Root": {"type": "object", "properties": {
            "child": {"allOf": [{"$ref": "#/components/schemas/Root"}, {"type": "object"}]}}}})),
        // A reference into the middle of a schema that contains itself.
        3 => document(json!({"Root": {"type": "object", "properties": {
            "b": {"type": "object", "properties": {"c": {"$ref": "#/components/schemas/Root/properties/b"}}}}}})),
        // A long chain of aliases.
        4 => {
            let n = log_size(rng, 2500);
            let mut schemas = Map::new();
            schemas.insert("Root".into(), json!({"$ref": "#/components/schemas/S0"}));
            for i in 0..n {
                schemas.insert(format!("S{i}"), json!({"$ref": format!("#/components/schemas/S{}", i + 1)}));
            }
            schemas.insert(format!("S{n}"), json!({"type": "string"}));
            document(Value::Object(schemas))
        }
        // Two references per level, deep.
        5 => {
            let mut schemas = Map::new();
            let n = rng.usize(2..40);
            schemas.insert("Root".into(), json!({"$ref": "#/components/schemas/L0"}));
            for i in 0..n {
                let next = format!("#/components/schemas/L{}", i + 1);
                schemas.insert(
                    format!("L{i}"),
                    json!({"type": "object", "properties": {"a": {"allOf": [{"$ref": next}]}, "b": {"allOf": [{"$ref": next}]}}}),
                );
            }
            schemas.insert(format!("L{n}"), json!({"type": "integer"}));
            document(Value::Object(schemas))
        }
        // Many names that collide.
        6 => {
            let mut paths = Map::new();
            for i in 0..log_size(rng, 3000) {
                let id = colliding_name(pick(rng, &["a", "get_pet", "client", "x_api"]), rng);
                paths.insert(
                    format!("/p{i}"),
                    json!({"get": {"operationId": id, "tags": [pick(rng, NAMES)], "responses": {"204": {"description": "none"}}}}),
                );
            }
            let mut doc = document(
                json!({"Root": {"type": "string", "enum": ["Unknown", "UnknownValue", "Unlisted", "UnlistedValue"]}}),
            );
            doc["paths"].as_object_mut().into_iter().for_each(|m| m.extend(paths.clone()));
            doc
        }
        // An alias bomb (bounded here to a few million nodes).
        7 => {
            let fan = rng.usize(2..10);
            let levels = rng.usize(2..8);
            let mut text = String::from(
                "openapi: 3.0.3\ninfo: {title: bomb, version: '1'}\npaths: {}\nx-bomb:\n  l0: &l0 [a, b]\n",
            );
            for level in 1..=levels {
                let refs = vec![format!("*l{}", level - 1); fan].join(", ");
                text.push_str(&format!("  l{level}: &l{level} [{refs}]\n"));
            }
            return text;
        }
        // Deep brackets.
        8 => {
            let depth = 100 + log_size(rng, 100_000);
            let open = if rng.bool() { "[" } else { "{\"a\":" };
            return format!(
                "openapi: 3.0.3\ninfo: {{title: deep, version: '1'}}\npaths: {{}}\nx-deep: {}",
                open.repeat(depth)
            );
        }
        // A version with a newline, and keywords as tags.
        _ => {
            let mut doc = document(json!({"Root": {"type": "string"}}));
            doc["openapi"] = json!(pick(rng, &["3.1.0\n", "3.0.3 ", "3.0.3\u{0}", "3.1"]));
            doc["paths"]["/x"]["get"]["tags"] = json!([pick(rng, NAMES)]);
            doc
        }
    };
    serialise(&doc, rng)
}
