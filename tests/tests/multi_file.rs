//! Specs kept as several files (tests/fixtures/multi-file): bundled like
//! one file, located diagnostics in the file where they stand, the drift
//! check over every file read, URLs refused unless mapped, a Swagger 2.0
//! tree (tests/fixtures/multi-file-swagger2) bundled into 2.0's places, and
//! DigitalOcean's public spec (from ../shared/corpus) the same split as bundled.

use generator::project::{self, Config, Error, Mode};
use generator::{Settings, Severity, SpecFiles};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/multi-file");
const SWAGGER2_FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/multi-file-swagger2");

fn temp_copy(name: &str) -> PathBuf {
    temp_copy_of(FIXTURE, name)
}

fn temp_copy_of(fixture: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("openapi-rs-multi-file-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let mut pending = vec![PathBuf::new()];
    while let Some(relative) = pending.pop() {
        std::fs::create_dir_all(dir.join(&relative)).unwrap();
        for entry in std::fs::read_dir(Path::new(fixture).join(&relative)).unwrap() {
            let entry = entry.unwrap();
            let path = relative.join(entry.file_name());
            if entry.file_type().unwrap().is_dir() {
                pending.push(path);
            } else {
                std::fs::copy(entry.path(), dir.join(&path)).unwrap();
            }
        }
    }
    dir
}

/// The crate's own code (not the runtime), after its diagnostics.
fn crate_code(generated: &generator::Generated) -> String {
    let mut out = String::new();
    for diagnostic in &generated.warnings {
        out.push_str(&format!("// {}: {diagnostic}\n", diagnostic.file.as_deref().unwrap_or("(root)")));
    }
    let own = |path: &str| path == "README.md" || (path.starts_with("src/") && !path.starts_with("src/runtime/"));
    for file in generated.files.iter().filter(|f| own(&f.path)) {
        out.push_str(&format!("// ===== {} =====\n{}\n", file.path, file.contents));
    }
    out
}

#[test]
fn the_fixture_tree_generates_the_reviewed_code() {
    let dir = temp_copy("snapshot");
    let settings = Settings::new("fixture-client", "openapi.yaml").with_lossless_rewrites(true);
    let (files, generated, _) = project::generate_spec_files(&dir.join("openapi.yaml"), &settings).unwrap();
    let mut keys: Vec<String> =
        files.texts().map(|(key, _)| key.replace(&dir.to_string_lossy().into_owned(), "")).collect();
    keys.sort();
    assert_eq!(
        keys,
        ["/common.yaml", "/openapi.yaml", "/paths/pets.yaml", "/schemas/owner.json", "/schemas/pet.yaml"],
        "every file is read once"
    );
    let code = crate_code(&generated).replace(&dir.to_string_lossy().into_owned(), "<fixture>");
    insta::assert_snapshot!(code);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_swagger2_tree_is_bundled_into_its_own_places_and_generates() {
    let dir = temp_copy_of(SWAGGER2_FIXTURE, "swagger2");
    let settings = Settings::new("swagger-pets-client", "swagger.yaml").with_lossless_rewrites(true);
    let (files, generated, _) = project::generate_spec_files(&dir.join("swagger.yaml"), &settings).unwrap();
    let prefix = dir.to_string_lossy().into_owned();
    let mut keys: Vec<String> = files.texts().map(|(key, _)| key.replace(&prefix, "")).collect();
    keys.sort();
    assert_eq!(keys, ["/common.yaml", "/schemas/pet.yaml", "/schemas/tag.yaml", "/swagger.yaml"]);
    // No warning: only the note naming common.yaml's `Error` apart from the
    // root's, which 2.0 keeps in `definitions`.
    let shown: Vec<_> = generated
        .warnings
        .iter()
        // Paging decisions are notes about the API, not the bundle.
        .filter(|d| !d.message.contains("paged"))
        .map(|d| (d.severity, d.file.as_deref().map(|f| f.replace(&prefix, "")), d.pointer.as_str()))
        .collect();
    assert_eq!(shown, [(Severity::Note, Some("/common.yaml".to_string()), "/responses/Problem/schema/$ref")]);
    let code = crate_code(&generated).replace(&prefix, "<fixture>");
    // The hoisted parameter and response reached the operation.
    assert!(code.contains("request.query(\"limit\", value)"), "the parameter from common.yaml is sent");
    assert!(code.contains("models::Error2"), "the response from common.yaml is the error type");
    insta::assert_snapshot!(code);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_clash_between_files_is_a_note_located_in_the_referring_file() {
    let dir = temp_copy("clash");
    let settings = Settings::new("fixture-client", "openapi.yaml").with_lossless_rewrites(true);
    let spec = dir.join("openapi.yaml");
    let mut report = project::check_crate(&spec, &dir.join("out"), &settings).unwrap();
    report.locate_warnings();
    // Paging decisions are notes about the API, not the bundle.
    let bundling: Vec<_> = report.warnings.iter().filter(|d| !d.message.contains("paged")).collect();
    let [note] = bundling.as_slice() else { panic!("one diagnostic: {:?}", report.warnings) };
    assert_eq!(note.severity, Severity::Note);
    assert_eq!(project::diagnostic_file(&spec, note), dir.join("common.yaml"));
    assert_eq!(note.line_col, Some((23, 13)), "the `$ref` line in common.yaml");
    assert!(note.message.contains("it is named `Error2`"), "{}", note.message);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn editing_only_a_referenced_file_is_drift() {
    let dir = temp_copy("drift");
    std::fs::write(
        dir.join("codegen.toml"),
        "[[crate]]\nspec = \"openapi.yaml\"\nname = \"pets-client\"\nout = \"pets\"\n",
    )
    .unwrap();
    let config = Config::read(&dir).unwrap();
    let codegen = |mode| project::codegen(&dir, &config, "cargo xtask codegen", mode, &mut |_, _, _| {});
    codegen(Mode::Write).unwrap();
    assert!(codegen(Mode::Check).unwrap()[0].is_up_to_date());
    let (spec, out) = (dir.join("openapi.yaml"), dir.join("pets"));
    let check = |args: &[&str]| generator::cli::run("openapi-rs", args.iter().map(|a| a.to_string()));
    let common = ["check", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", "pets-client", "-q"];
    let header = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    assert!(header.starts_with("// Generated by `cargo xtask codegen` from openapi.yaml (OpenAPI 3.0.3)"), "{header}");

    let owner = dir.join("schemas/owner.json");
    let text = std::fs::read_to_string(&owner).unwrap();
    std::fs::write(&owner, text.replace("\"id\":", "\"nickname\": {\"type\": \"string\"},\n    \"id\":")).unwrap();
    let report = &codegen(Mode::Check).unwrap()[0];
    assert!(!report.is_up_to_date(), "codegen --check sees the edit of a referenced file");
    assert!(report.writes.iter().any(|path| path.ends_with("src/models/owners.rs")), "{:?}", report.writes);
    assert_eq!(check(&common), ExitCode::from(1), "openapi-rs check sees it too");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_say_the_file_line_and_column_where_they_stand() {
    let dir = temp_copy("errors");
    let pets = dir.join("paths/pets.yaml");
    let text = std::fs::read_to_string(&pets).unwrap();
    std::fs::write(&pets, text.replace("../schemas/pet.yaml", "../schemas/missing.yaml")).unwrap();
    let common = dir.join("common.yaml");
    let text = std::fs::read_to_string(&common).unwrap();
    std::fs::write(&common, text.replace("'#/components/schemas/Error'", "'#/components/schemas/Nope'")).unwrap();
    let settings = Settings::new("fixture-client", "openapi.yaml");
    let mut error = project::generate_crate(&dir.join("openapi.yaml"), &dir.join("out"), &settings).unwrap_err();
    error.locate();
    let shown = error.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    let prefix = dir.to_string_lossy().into_owned();
    assert_eq!(lines.len(), 2, "{shown}");
    assert!(
        lines[0].starts_with(&format!("{prefix}/paths/pets.yaml: error at line 15, column 15 (#/get/responses/200/")),
        "{shown}"
    );
    assert!(lines[0].contains("cannot read `") && lines[0].contains("schemas/missing.yaml`"), "{shown}");
    assert!(lines[1].starts_with(&format!("{prefix}/common.yaml: error at line 23, column 13")), "{shown}");
    assert!(!dir.join("out").exists(), "nothing was written");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_url_reference_is_refused_unless_mapped_to_a_local_file() {
    let dir = temp_copy("url");
    let url = "https://example.com/api/common.yaml";
    let spec = dir.join("openapi.yaml");
    let text = std::fs::read_to_string(&spec).unwrap();
    std::fs::write(
        &spec,
        text.replace("common.yaml#/components/parameters/Id", &format!("{url}#/components/parameters/Id")),
    )
    .unwrap();
    let settings = Settings::new("fixture-client", "openapi.yaml");
    let out = dir.join("out");
    let error = project::generate_crate(&spec, &out, &settings).unwrap_err();
    let Error::Spec { diagnostics, .. } = &error else { panic!("{error}") };
    assert_eq!(diagnostics.len(), 1, "{error}");
    assert!(diagnostics[0].message.contains("is a URL, and nothing is fetched at generation time"), "{error}");
    assert_eq!(diagnostics[0].pointer, "/paths/~1owners~1{id}/get/parameters/0/$ref");

    let common = dir.join("common.yaml").to_string_lossy().into_owned();
    project::generate_crate(&spec, &out, &settings.clone().with_mapped_ref(url, &common)).unwrap();
    // The command line's flag, and codegen.toml's table, say the same.
    let args = ["check", spec.to_str().unwrap(), "--out", out.to_str().unwrap(), "--name", "fixture-client", "-q"];
    let run = |extra: &[&str]| {
        let words = args.iter().chain(extra).map(|a| a.to_string());
        generator::cli::run("openapi-rs", words)
    };
    assert_eq!(run(&[]), ExitCode::from(2));
    let mapping = format!("{url}={common}");
    assert_eq!(run(&["--map-ref", &mapping]), ExitCode::from(1), "generated, and only the header differs");
    let toml = format!("[[crate]]\nspec = \"openapi.yaml\"\nname = \"c\"\nout = \"out\"\n[crate.ref_map]\n\"{url}\" = \"common.yaml\"\n");
    std::fs::write(dir.join("codegen.toml"), toml).unwrap();
    project::codegen(&dir, &Config::read(&dir).unwrap(), "x", Mode::Write, &mut |_, _, _| {}).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
}

/// DigitalOcean's public spec as its authors keep it (2,900 files), from
/// ../shared/corpus; skipped when the corpus is absent, failed under CI.
fn digitalocean() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/corpus/multi-file/digitalocean/DigitalOcean-public.v2.yaml");
    if root.exists() {
        return Some(root);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI runs need ../shared/corpus: {} is missing",
        root.display()
    );
    eprintln!("skipped: {} is missing (../shared/corpus is not checked out)", root.display());
    None
}

/// Every `$ref` under `node` that is not local, but in example data
/// (DigitalOcean's `example: {$ref: ..}` is data by OpenAPI's rules).
fn external_refs(node: &serde_json::Value, out: &mut Vec<String>) {
    match node {
        serde_json::Value::Object(map) => {
            if let Some(serde_json::Value::String(reference)) = map.get("$ref") {
                if !reference.starts_with('#') {
                    out.push(reference.clone());
                }
            }
            map.iter().filter(|(key, _)| *key != "example").for_each(|(_, child)| external_refs(child, out));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|child| external_refs(child, out)),
        _ => {}
    }
}

#[test]
fn digitalocean_split_over_files_gives_the_same_crate_as_its_one_file_bundle() {
    let Some(spec) = digitalocean() else { return };
    let settings = Settings::new("digitalocean-client", "DigitalOcean-public.v2.yaml");
    let (files, split, _) = project::generate_spec_files(&spec, &settings).unwrap_or_else(|e| panic!("{e}"));
    assert!(files.len() > 1000, "{} files read", files.len());
    // The one-file bundle, made by the same code path and written as JSON text.
    let bundled = generator::load::bundle::bundle(&files).unwrap();
    let text = serde_json::to_string_pretty(&bundled.document).unwrap();
    let mut external = Vec::new();
    external_refs(&bundled.document, &mut external);
    assert_eq!(external, Vec::<String>::new(), "no reference leaves the bundle");
    let single = generator::generate(&text, &settings).unwrap();
    assert!(SpecFiles::new("one.json", text).is_single(), "the bundle refers to no other file");
    assert_eq!(split.files.len(), single.files.len());
    for (a, b) in split.files.iter().zip(&single.files) {
        assert_eq!(a.path, b.path);
        assert!(a.contents == b.contents, "{} differs", a.path);
    }
    let operations =
        split.files.iter().filter(|f| f.path.starts_with("src/apis/")).map(|f| f.contents.matches("pub fn ").count());
    assert!(operations.sum::<usize>() > 400, "every operation is there");
    // Each warning is about the spec's content, placed in its own file.
    assert!(
        split.warnings.iter().all(|w| w.file.as_deref().is_some_and(|f| f.ends_with(".yml"))),
        "{:?}",
        split.warnings
    );
}
