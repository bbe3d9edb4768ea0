//! Tests of the normalisation stage: a snapshot of every fixture under
//! `tests/fixtures/normalize` (the normalised document and its warnings),
//! plus the properties that matter beyond what a snapshot shows.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use generator::load::normalize::{normalize, Normalized};
use generator::load::parse_yaml;
use serde_json::{json, Value};

/// Loads a fixture or corpus document: JSON by extension, YAML (through
/// `parse_yaml`, which reads integers beyond 64 bits) otherwise.
fn load(path: &Path) -> Value {
    let text = fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    if path.extension().is_some_and(|extension| extension == "json") {
        serde_json::from_str(&text).unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()))
    } else {
        parse_yaml(&text).unwrap_or_else(|error| panic!("{} is not YAML: {error}", path.display()))
    }
}

/// The YAML and JSON files in `dir`, sorted.
fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "yaml" || extension == "json"))
        .collect();
    paths.sort();
    paths
}

fn fixture_paths() -> Vec<PathBuf> {
    spec_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/normalize"))
}

/// The fixtures, then the corpus specs where the corpus is present.
fn fixture_and_corpus_paths() -> Vec<PathBuf> {
    let mut paths = fixture_paths();
    if let Some(dir) = corpus_dir() {
        paths.extend(spec_files(&dir));
    }
    paths
}

/// The shared corpus of real-world specs, kept outside the repository in
/// `shared/corpus` next to the checkout; `None`, with a note, where it is
/// absent. In CI (`CI` set, as `.ci/run` does) its absence is a failure: a
/// check that silently skips there checks nothing.
fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    if dir.is_dir() {
        return Some(dir);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(!in_ci, "CI is set but there is no spec corpus at {}", dir.display());
    eprintln!("skipped: no spec corpus at {}", dir.display());
    None
}

fn parse_typed(doc: &Value) -> Result<openapiv3::OpenAPI, serde_json::Error> {
    serde_json::from_value(doc.clone())
}

fn normalized_and_parsed(path: &Path) -> (Value, Normalized) {
    let mut doc = load(path);
    let normalized = normalize(&mut doc);
    if let Err(error) = parse_typed(&doc) {
        panic!("{} does not parse into openapiv3 after normalisation: {error}", path.display());
    }
    (doc, normalized)
}

fn render(normalized: &Normalized, doc: &Value) -> String {
    let mut out = format!("# original version: {}\n# warnings\n", normalized.original_version);
    for warning in &normalized.warnings {
        writeln!(out, "{warning}").expect("write to string");
    }
    out.push_str("# normalised document\n");
    out.push_str(&serde_yaml::to_string(doc).expect("YAML rendering"));
    out
}

/// Every `#/...` reference in `doc` that does not resolve.
fn dangling_references(doc: &Value) -> Vec<String> {
    fn collect<'a>(value: &'a Value, references: &mut Vec<&'a str>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(reference)) = map.get("$ref") {
                    references.push(reference);
                }
                map.values().for_each(|child| collect(child, references));
            }
            Value::Array(items) => items.iter().for_each(|child| collect(child, references)),
            _ => {}
        }
    }
    let mut references = Vec::new();
    collect(doc, &mut references);
    references
        .into_iter()
        .filter_map(|reference| reference.strip_prefix('#'))
        .filter(|pointer| doc.pointer(pointer).is_none())
        .map(|pointer| format!("#{pointer}"))
        .collect()
}

#[test]
fn snapshots() {
    insta::glob!("fixtures/normalize", "*.{yaml,json}", |path| {
        let (doc, normalized) = normalized_and_parsed(path);
        let dangling = dangling_references(&doc);
        assert!(dangling.is_empty(), "{}: dangling references {dangling:?}", path.display());
        insta::assert_snapshot!(render(&normalized, &doc));
    });
}

#[test]
fn type_array_with_null_becomes_nullable() {
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "components": { "schemas": { "Name": { "type": ["string", "null"], "maxLength": 5 } } }
    });
    let normalized = normalize(&mut doc);
    assert_eq!(doc["components"]["schemas"]["Name"], json!({ "type": "string", "nullable": true, "maxLength": 5 }));
    assert_eq!(doc["openapi"], "3.0.3");
    assert_eq!(normalized.original_version, "3.1.0");
    let pointers: Vec<&str> = normalized.warnings.iter().map(|warning| warning.pointer.as_str()).collect();
    assert_eq!(pointers, ["/openapi", "/components/schemas/Name/type"]);
    assert!(normalized.warnings.iter().all(|warning| !warning.is_error()));
}

#[test]
fn clamped_bound_reports_its_original_value() {
    let text = r#"{
        "openapi": "3.0.3",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "components": { "schemas": { "Id": {
            "type": "integer", "maximum": 18446744073709551615, "minimum": -99999999999999999999
        } } }
    }"#;
    let mut doc: Value = serde_json::from_str(text).expect("JSON");
    let normalized = normalize(&mut doc);
    assert_eq!(doc["components"]["schemas"]["Id"]["maximum"], json!(i64::MAX));
    assert_eq!(doc["components"]["schemas"]["Id"]["minimum"], json!(i64::MIN));
    let maximum = normalized
        .warnings
        .iter()
        .find(|warning| warning.pointer == "/components/schemas/Id/maximum")
        .expect("a warning for maximum");
    assert!(maximum.message.contains("18446744073709551615"), "{}", maximum.message);
    assert!(maximum.message.contains(&i64::MAX.to_string()), "{}", maximum.message);
    // serde_json reads integers beyond 64 bits as floats: the value it read is reported.
    let minimum = normalized
        .warnings
        .iter()
        .find(|warning| warning.pointer == "/components/schemas/Id/minimum")
        .expect("a warning for minimum");
    assert!(minimum.message.contains("-1e+20"), "{}", minimum.message);
    let typed = parse_typed(&doc).expect("openapiv3 reads the result");
    let schema = typed.components.expect("components").schemas["Id"].clone().into_item().expect("inline schema");
    assert!(
        matches!(schema.schema_kind, openapiv3::SchemaKind::Type(openapiv3::Type::Integer(_))),
        "read as an integer schema: {schema:?}"
    );
}

#[test]
fn yaml_integers_beyond_64_bits_load_like_json() {
    // serde_yaml hands such literals over as 128-bit integers, which plain
    // serde_yaml and serde_json values refuse; parse_yaml reads them as
    // floats, as serde_json does.
    assert!(serde_yaml::from_str::<Value>("maximum: 99999999999999999999").is_err());
    assert!(yaml_through_serde_yaml_value("maximum: 99999999999999999999").is_none());
    let from_yaml = parse_yaml("maximum: 99999999999999999999\nminimum: -99999999999999999999").expect("YAML");
    let from_json: Value =
        serde_json::from_str(r#"{"maximum": 99999999999999999999, "minimum": -99999999999999999999}"#).expect("JSON");
    assert_eq!(from_yaml, from_json);
}

/// YAML read the usual way: `serde_yaml::Value` with merge keys applied,
/// converted to JSON (fails on integers beyond 64 bits).
fn yaml_through_serde_yaml_value(text: &str) -> Option<Value> {
    let mut yaml: serde_yaml::Value = serde_yaml::from_str(text).ok()?;
    yaml.apply_merge().ok()?;
    serde_json::to_value(yaml).ok()
}

#[test]
fn parse_yaml_reads_documents_as_serde_yaml_does() {
    let mut texts: Vec<(String, String)> = fixture_and_corpus_paths()
        .iter()
        .filter(|path| path.extension().is_some_and(|extension| extension == "yaml"))
        .map(|path| (path.display().to_string(), fs::read_to_string(path).expect("readable")))
        .collect();
    texts.push(("unquoted keys".into(), "200: {a: 1}\ntrue: yes\n3.5: [x, 'y', 2]\nnested: {deep: [{k: v}]}\n".into()));
    let merges = "base: &base {a: 1, b: 2}\nmore: &more {b: 3, c: 4}\none: {<<: *base, a: 0}\nboth: {<<: [*base, *more], d: 5}\n";
    texts.push(("merge keys".into(), merges.into()));
    for (name, text) in texts {
        if let Some(expected) = yaml_through_serde_yaml_value(&text) {
            assert_eq!(parse_yaml(&text).expect("lenient"), expected, "{name}");
        }
    }
    let merged = parse_yaml(merges).expect("merges");
    assert_eq!(merged["one"], json!({ "a": 0, "b": 2 }));
    assert_eq!(merged["both"], json!({ "a": 1, "b": 2, "c": 4, "d": 5 }));
    assert!(parse_yaml("a: {<<: 5}").is_err());
}

#[test]
fn openapi_3_0_document_without_anything_to_fix_stays_byte_identical() {
    let text = r##"
openapi: 3.0.3
info: {title: Clean, version: '1', license: {name: MIT}}
paths:
  /pets/{id}:
    parameters:
      - $ref: '#/components/parameters/Id'
        description: 3.0 ignores this sibling; so does openapiv3.
    get:
      responses:
        '200':
          description: A pet.
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
              examples:
                rex: {value: {name: Rex}}
        default:
          $ref: '#/components/responses/Error'
components:
  parameters:
    Id:
      name: id
      in: path
      required: true
      schema: {type: integer, format: int64, minimum: -9223372036854775808, maximum: 9223372036854775807}
  responses:
    Error: {description: Error.}
  schemas:
    Pet:
      type: object
      required: [name]
      additionalProperties: false
      x-internal: true
      properties:
        name: {type: string, nullable: true, minLength: 1, example: Rex}
        age: {type: integer, minimum: 0, exclusiveMinimum: true, maximum: 100, exclusiveMaximum: false}
        weight: {type: number, minimum: 0.5, multipleOf: 0.1}
        tags: {type: array, items: {type: string}, uniqueItems: true, maxItems: 3}
        extra: {type: object, additionalProperties: {type: string}}
        kind:
          oneOf: [{$ref: '#/components/schemas/Cat'}, {$ref: '#/components/schemas/Dog'}]
          discriminator: {propertyName: kind}
    Cat: {type: object, properties: {kind: {type: string, enum: [cat]}}}
    Dog: {type: object, properties: {kind: {type: string, enum: [dog]}}}
"##;
    let mut doc = parse_yaml(text).expect("YAML");
    let before = serde_json::to_string(&doc).expect("serialise");
    let normalized = normalize(&mut doc);
    assert_eq!(normalized.warnings, []);
    assert_eq!(serde_json::to_string(&doc).expect("serialise"), before);
    parse_typed(&doc).expect("openapiv3 reads it");
}

#[test]
fn a_document_changes_exactly_when_there_are_warnings() {
    for path in fixture_and_corpus_paths() {
        let mut doc = load(&path);
        let before = serde_json::to_string(&doc).expect("serialise");
        let normalized = normalize(&mut doc);
        let changed = serde_json::to_string(&doc).expect("serialise") != before;
        assert_eq!(
            changed,
            !normalized.warnings.is_empty(),
            "{}: changed {changed}, warnings {:?}",
            path.display(),
            normalized.warnings
        );
    }
}

#[test]
fn warnings_point_into_the_original_document() {
    for path in fixture_and_corpus_paths() {
        let original = load(&path);
        let mut doc = original.clone();
        for warning in normalize(&mut doc).warnings {
            assert!(
                original.pointer(&warning.pointer).is_some(),
                "{}: `{}` is not in the original document ({})",
                path.display(),
                warning.pointer,
                warning.message
            );
        }
    }
}

#[test]
fn corpus_3_1_specs_parse_into_openapiv3_after_normalisation() {
    let Some(dir) = corpus_dir() else { return };
    for name in ["redocly-museum.yaml", "train-travel.yaml"] {
        let path = dir.join(name);
        if name == "train-travel.yaml" {
            assert!(parse_typed(&load(&path)).is_err(), "openapiv3 rejects {name} as it is");
        }
        let (doc, normalized) = normalized_and_parsed(&path);
        assert_eq!(normalized.original_version, "3.1.0", "{name}");
        assert_eq!(doc["openapi"], "3.0.3", "{name}");
        assert_eq!(normalized.warnings[0].pointer, "/openapi", "{name}");
        assert_eq!(dangling_references(&doc), Vec::<String>::new(), "{name}");
    }
}

#[test]
fn every_corpus_spec_parses_into_openapiv3_after_normalisation() {
    let Some(dir) = corpus_dir() else { return };
    for path in spec_files(&dir) {
        normalized_and_parsed(&path);
    }
}

#[test]
fn documents_of_other_versions_are_left_alone() {
    for mut doc in [
        json!({ "swagger": "2.0", "info": { "title": "t", "version": "1" }, "paths": {} }),
        json!({ "openapi": "3.2.0", "info": {}, "webhooks": {} }),
        json!({ "openapi": "3.10.0", "paths": {} }),
        json!({ "openapi": 3.1, "paths": {} }),
        json!({ "info": { "title": "t" } }),
        json!(["openapi", "3.1.0"]),
        json!("openapi: 3.1.0"),
    ] {
        let before = doc.clone();
        let normalized = normalize(&mut doc);
        assert_eq!(doc, before);
        assert_eq!(normalized.warnings, []);
    }
    let mut doc = json!({ "openapi": "3.2.0" });
    assert_eq!(normalize(&mut doc).original_version, "3.2.0");
}

#[test]
fn odd_shapes_are_left_for_the_typed_parser() {
    let odd_schemas = json!({
        "A": 5,
        "B": { "type": [1, {}], "properties": "x", "items": [true, 3], "prefixItems": "x" },
        "C": { "$defs": 5, "anyOf": {}, "oneOf": [null, { "type": "null" }], "allOf": "x", "not": [] },
        "D": { "exclusiveMinimum": "x", "exclusiveMaximum": null, "examples": {}, "const": [1], "enum": 7 },
        "E": { "type": "integer", "minimum": "ten", "maximum": [], "enum": [null, "a", 1.5, {}], "default": {} },
        "F": { "$ref": 5, "description": "d" },
        "G": { "$ref": "#/components/schemas/A", "allOf": 3 },
        "H": { "type": ["string", "integer"], "oneOf": "x", "enum": [] },
        "I": { "type": [], "contentEncoding": 7, "contentMediaType": null, "patternProperties": [] },
        "J": { "type": "array", "prefixItems": [], "items": false },
        "K": { "$ref": "#/$defs/Missing", "title": "t" },
    });
    for version in ["3.1.0", "3.0.3"] {
        for mut doc in [
            json!({ "openapi": version, "paths": [], "components": [], "webhooks": 3, "security": "x" }),
            json!({ "openapi": version, "info": "x", "paths": { "/a": 5, "/b": { "get": [], "post": { "responses": [] },
                "parameters": {} }, "/c": { "$ref": 4 }, "/d": { "$ref": "#/components/pathItems/Nope" } },
                "components": { "schemas": odd_schemas.clone(), "securitySchemes": [], "pathItems": 3,
                    "callbacks": { "c": 5 }, "responses": { "r": { "content": 5, "headers": [] } } } }),
            json!({ "openapi": version, "info": { "license": { "identifier": 5, "url": "u" } },
                "paths": { "/x": { "get": { "callbacks": [], "parameters": [5, { "schema": 5, "content": [] }],
                    "requestBody": { "content": { "a/b": 5, "c/d": { "encoding": 5, "schema": true } } },
                    "security": [5, { "m": [] }] } } },
                "components": { "securitySchemes": { "m": { "type": "mutualTLS" } }, "schemas": [] } }),
        ] {
            normalize(&mut doc);
            // Nothing it cannot read is "fixed" into something else...
            for (pointer, odd) in [
                ("/components/schemas/A", json!(5)),
                ("/components/schemas/B/properties", json!("x")),
                ("/components/schemas/C/allOf", json!("x")),
                ("/components/schemas/E/minimum", json!("ten")),
                ("/components/schemas/F/$ref", json!(5)),
            ] {
                if let Some(found) = doc.pointer(pointer) {
                    assert_eq!(found, &odd, "{version}: {pointer} was rewritten");
                }
            }
            // ...so the typed parse refuses the document, with an error, not a panic.
            let errors = generator::generate(&doc.to_string(), &generator::Settings::new("odd-client", "odd.json"))
                .expect_err("an odd document does not generate");
            assert!(errors.iter().any(generator::Diagnostic::is_error), "{version}: {errors:?}");
        }
    }
}

#[test]
fn warnings_come_in_document_order() {
    let mut doc = json!({
        "openapi": "3.1.0",
        "info": { "title": "t", "version": "1" },
        "paths": {},
        "components": { "schemas": {
            "First": {
                "type": ["object", "null"],
                "properties": { "inner": { "const": 1 } },
                "examples": [{}, {}]
            },
            "Second": { "const": 2 }
        } }
    });
    let pointers: Vec<String> = normalize(&mut doc).warnings.into_iter().map(|warning| warning.pointer).collect();
    assert_eq!(
        pointers,
        [
            "/openapi",
            "/components/schemas/First/type",
            "/components/schemas/First/properties/inner/const",
            "/components/schemas/First/examples",
            "/components/schemas/Second/const",
        ]
    );
}

/// `lossless_only.yaml` rewrites only what 3.0 says as well, `one_lossy.yaml`
/// is the same with one loss: the library lists the lossless rewrites (notes)
/// only when the settings ask, counts them always, and generates the same
/// files either way.
#[test]
fn the_library_counts_lossless_rewrites_and_lists_them_on_request() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/normalize");
    for (name, warnings) in [("lossless_only.yaml", 0), ("one_lossy.yaml", 1)] {
        let text = fs::read_to_string(dir.join(name)).expect("fixture");
        let settings = generator::Settings::new("fixture-client", name);
        let quiet = generator::generate(&text, &settings).expect("generates");
        assert_eq!(quiet.warnings.len(), warnings, "{name}: {:?}", quiet.warnings);
        assert!(quiet.warnings.iter().all(generator::Diagnostic::is_warning), "{name}");
        assert_eq!(quiet.lossless_rewrites, 12, "{name}");
        let listed = generator::generate(&text, &settings.with_lossless_rewrites(true)).expect("generates");
        assert_eq!(listed.warning_count(), warnings, "{name}");
        assert_eq!(listed.warnings.iter().filter(|d| d.is_lossless()).count(), 12, "{name}");
        assert_eq!(listed.lossless_rewrites, 12, "{name}");
        assert_eq!(listed.files, quiet.files, "{name}");
    }
}
