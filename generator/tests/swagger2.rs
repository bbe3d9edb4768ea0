//! Swagger 2.0 input: each fixture of `tests/fixtures/swagger2` with a
//! hand-written OpenAPI 3.0 counterpart in `tests/fixtures/swagger2-upgraded`
//! upgrades to exactly that document; the approximations are warnings at
//! their lines of the 2.0 text, as are the later stages' diagnostics; and the
//! real-world 2.0 specs of the shared corpus generate without a warning.

use std::fs;
use std::path::{Path, PathBuf};

use generator::load::locate::locate_diagnostics;
use generator::load::{parse_yaml, swagger2};
use generator::{Diagnostic, Settings};
use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()))
}

/// The YAML files in `dir`, sorted.
fn yaml_files(dir: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "yaml"))
        .collect();
    paths.sort();
    paths
}

/// Every place where `actual` and `expected` differ, as JSON pointers.
fn differences(actual: &Value, expected: &Value, pointer: &str, out: &mut Vec<String>) {
    match (actual, expected) {
        (Value::Object(a), Value::Object(e)) => {
            for (key, value) in a {
                match e.get(key) {
                    Some(other) => differences(value, other, &format!("{pointer}/{key}"), out),
                    None => out.push(format!("{pointer}/{key}: not expected, is {value}")),
                }
            }
            out.extend(e.keys().filter(|key| !a.contains_key(*key)).map(|key| format!("{pointer}/{key}: missing")));
        }
        (Value::Array(a), Value::Array(e)) if a.len() == e.len() => {
            for (index, (value, other)) in a.iter().zip(e).enumerate() {
                differences(value, other, &format!("{pointer}/{index}"), out);
            }
        }
        _ if actual != expected => out.push(format!("{pointer}: is {actual}, expected {expected}")),
        _ => {}
    }
}

#[test]
fn each_fixture_upgrades_to_its_hand_written_openapi_3_form() {
    let mut compared = 0;
    for path in yaml_files(&fixtures().join("swagger2")) {
        let counterpart = fixtures().join("swagger2-upgraded").join(path.file_name().unwrap());
        if !counterpart.exists() {
            continue;
        }
        let mut doc = parse_yaml(&read(&path)).expect("fixture parses");
        let upgraded = swagger2::upgrade(&mut doc).expect("a Swagger document").expect("version 2.0");
        assert_eq!(upgraded.version, "2.0");
        assert_eq!(upgraded.warnings, [], "{} upgrades without loss", path.display());
        let expected = parse_yaml(&read(&counterpart)).expect("counterpart parses");
        let mut found = Vec::new();
        differences(&doc, &expected, "", &mut found);
        assert!(found.is_empty(), "{} differs from {}:\n{}", path.display(), counterpart.display(), found.join("\n"));
        compared += 1;
    }
    assert_eq!(compared, 2, "petstore and kitchen-sink have counterparts");
}

#[test]
fn documents_that_are_not_swagger_are_left_alone() {
    let mut doc = serde_json::json!({"openapi": "3.0.3", "info": {}, "paths": {}});
    let before = doc.clone();
    assert!(swagger2::upgrade(&mut doc).is_none());
    assert_eq!(doc, before);
}

fn generate(text: &str) -> Result<Vec<Diagnostic>, Vec<Diagnostic>> {
    let settings = Settings::new("swagger-two-client", "spec.yaml").with_lossless_rewrites(true);
    let located = |mut diagnostics: Vec<Diagnostic>| {
        locate_diagnostics(text, &mut diagnostics);
        diagnostics
    };
    generator::generate(text, &settings).map(|generated| located(generated.warnings)).map_err(located)
}

#[test]
fn the_lossless_fixtures_generate_without_a_warning_or_note() {
    for name in ["petstore.yaml", "kitchen-sink.yaml"] {
        let warnings = generate(&read(&fixtures().join("swagger2").join(name)))
            .unwrap_or_else(|errors| panic!("{name} does not generate: {errors:#?}"));
        // Paging decisions are notes too, but about the API, not the upgrade.
        let warnings: Vec<_> = warnings.into_iter().filter(|w| !w.message.contains("paged")).collect();
        assert_eq!(warnings, [], "{name}");
    }
}

/// (line, start of the message) of each diagnostic.
fn lines(diagnostics: &[Diagnostic]) -> Vec<(usize, String)> {
    diagnostics.iter().map(|d| (d.line_col.map_or(0, |(line, _)| line), d.message.chars().take(40).collect())).collect()
}

#[test]
fn each_approximation_is_a_warning_at_its_line_of_the_2_0_text() {
    let text = read(&fixtures().join("swagger2/lossy.yaml"));
    let warnings = generate(&text).unwrap_or_else(|errors| panic!("lossy.yaml does not generate: {errors:#?}"));
    assert!(warnings.iter().all(Diagnostic::is_warning), "{warnings:#?}");
    let expected: Vec<(usize, &str)> = vec![
        (3, "`swagger` is the number 2.0, not the str"),
        (7, "no `schemes`: 2.0 uses the scheme the do"),
        (12, "scheme `ws` (WebSocket) has no server in"),
        (12, "this operation's own `schemes` become it"),
        (18, "`collectionFormat: ssv` has no OpenAPI 3"),
        (24, "`collectionFormat: tsv` has no OpenAPI 3"),
        (32, "`collectionFormat: pipes` of an inner ar"),
        (41, "`collectionFormat: pipes` has no OpenAPI"),
        (57, "an operation has one body: this paramete"),
        (66, "unknown OAuth 2 `flow` hybrid: the schem"),
        (74, "`x-nullable` is \"yes\", not a boolean: ig"),
    ];
    let mut actual = lines(&warnings);
    actual.sort();
    let expected: Vec<(usize, String)> = expected.into_iter().map(|(line, m)| (line, m.to_string())).collect();
    assert_eq!(actual, expected, "{warnings:#?}");
}

#[test]
fn later_stages_report_at_the_2_0_text() {
    let text = "swagger: \"2.0\"\n\
                info: {title: t, version: \"1\"}\n\
                paths:\n  \
                  /pets:\n    \
                    post:\n      \
                      parameters:\n        \
                        - {name: limit, in: query, type: integer}\n        \
                        - name: pet\n          \
                          in: body\n          \
                          schema: {$ref: '#/definitions/Missing'}\n      \
                      responses:\n        \
                        '200':\n          \
                          description: ok\n          \
                          schema: {$ref: '#/definitions/Gone'}\n\
                definitions:\n  \
                  Pet:\n    \
                    properties:\n      \
                      owner: {$ref: '#/definitions/Nobody'}\n";
    let errors = generate(text).expect_err("the references resolve to nothing");
    let found: Vec<(String, Option<(usize, usize)>)> = errors.iter().map(|e| (e.pointer.clone(), e.line_col)).collect();
    assert_eq!(
        found,
        [
            ("/paths/~1pets/post/parameters/1/schema/$ref".to_string(), Some((10, 20))),
            ("/paths/~1pets/post/responses/200/schema/$ref".to_string(), Some((14, 20))),
            ("/definitions/Pet/properties/owner/$ref".to_string(), Some((18, 15))),
        ],
        "{errors:#?}"
    );
}

#[test]
fn lowering_warnings_point_into_the_2_0_text() {
    let text = "swagger: \"2.0\"\n\
                info: {title: t, version: \"1\"}\n\
                paths:\n  \
                  /pets:\n    \
                    post:\n      \
                      parameters:\n        \
                        - name: pet\n          \
                          in: body\n          \
                          schema:\n            \
                            properties: {a: {type: string}}\n            \
                            oneOf: [{type: object}, {type: string}]\n      \
                      responses: {'204': {description: ok}}\n\
                definitions:\n  \
                  Pet:\n    \
                    type: object\n    \
                    x-rust-also-wrapped-in: 5\n    \
                    properties: {name: {type: string}}\n";
    let warnings = generate(text).unwrap_or_else(|errors| panic!("does not generate: {errors:#?}"));
    let found: Vec<(String, Option<(usize, usize)>)> =
        warnings.iter().map(|w| (w.pointer.clone(), w.line_col)).collect();
    assert_eq!(
        found,
        [
            ("/definitions/Pet/x-rust-also-wrapped-in".to_string(), Some((16, 5))),
            ("/paths/~1pets/post/parameters/0/schema".to_string(), Some((9, 11))),
        ],
        "{warnings:#?}"
    );
}

#[test]
fn other_swagger_versions_are_refused_at_the_version() {
    let errors = generate("swagger: \"1.2\"\ninfo: {title: t, version: \"1\"}\npaths: {}\n").expect_err("refused");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].pointer, "/swagger");
    assert_eq!(errors[0].line_col, Some((1, 1)));
    assert!(errors[0].message.contains("unsupported Swagger version 1.2"), "{}", errors[0].message);
}

/// The shared corpus's Swagger 2.0 specs, kept outside the repository;
/// `None`, with a note, where they are absent (a failure in CI).
fn corpus_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/swagger2");
    if dir.is_dir() {
        return Some(dir);
    }
    let in_ci = std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false");
    assert!(!in_ci, "CI is set but there is no Swagger 2.0 corpus at {}", dir.display());
    eprintln!("skipped: no Swagger 2.0 corpus at {}", dir.display());
    None
}

#[test]
fn every_swagger_2_corpus_spec_generates_without_a_warning() {
    let Some(dir) = corpus_dir() else { return };
    let specs = yaml_files(&dir);
    assert!(specs.len() >= 7, "the corpus's seven one-file 2.0 examples");
    for path in specs {
        let text = read(&path);
        let settings = Settings::new("swagger-two-client", "spec.yaml");
        match generator::generate(&text, &settings) {
            Ok(generated) => assert_eq!(generated.warnings, [], "{}", path.display()),
            Err(errors) => panic!("{} does not generate: {errors:#?}", path.display()),
        }
    }
}
