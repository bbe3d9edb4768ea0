use super::{generate_crate, line_col, read_folder, write_files, Config, Error};
use crate::{generate, GeneratedFile, Settings};
use std::path::{Path, PathBuf};

const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      tags: [pets]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        name: {type: string}\n";

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("generator-project-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn snapshot(dir: &Path) -> Vec<(String, Option<String>)> {
    read_folder(dir).unwrap().into_iter().collect()
}

#[test]
fn a_spec_edit_rewrites_exactly_the_affected_files() {
    let dir = temp_dir("edit");
    let settings = Settings::new("t-client", "t.yaml");
    let first = generate(SPEC, &settings).unwrap();
    write_files(&dir, &first.files).unwrap();
    assert!(write_files(&dir, &first.files).unwrap().writes.is_empty(), "a second run changes nothing");

    let edited = SPEC.replace("name: {type: string}", "name: {type: string}\n        age: {type: integer}");
    let plan = write_files(&dir, &generate(&edited, &settings).unwrap().files).unwrap();
    let written: Vec<_> = plan.writes.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(written, ["src/models/pets.rs"]);
    assert!(plan.removals.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn stale_generated_files_are_removed_and_hand_written_ones_kept() {
    let dir = temp_dir("stale");
    let settings = Settings::new("t-client", "t.yaml");
    write_files(&dir, &generate(SPEC, &settings).unwrap().files).unwrap();
    let renamed = generate(&SPEC.replace("tags: [pets]", "tags: [animals]"), &settings).unwrap().files;
    std::fs::write(dir.join("NOTES.md"), "mine").unwrap();
    let plan = write_files(&dir, &renamed).unwrap();
    assert_eq!(plan.removals, ["src/apis/pets.rs", "src/models/pets.rs"]);
    assert!(!dir.join("src/apis/pets.rs").exists() && !dir.join("src/models/pets.rs").exists());
    assert!(dir.join("src/apis/animals.rs").exists() && dir.join("src/models/animals.rs").exists());
    assert!(dir.join("NOTES.md").exists(), "files the generator did not write are never removed");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_crate_generated_with_one_models_file_gets_the_models_folder_instead() {
    let dir = temp_dir("models-folder");
    let settings = Settings::new("t-client", "t.yaml");
    let files = generate(SPEC, &settings).unwrap().files;
    // The layout before models were split: everything in `src/models.rs`.
    let (models, mut old): (Vec<_>, Vec<_>) = files.iter().cloned().partition(|f| f.path.starts_with("src/models/"));
    let header = models[0].contents.lines().next().unwrap();
    let body: String = models.iter().map(|f| f.contents.lines().skip(1).collect::<Vec<_>>().join("\n")).collect();
    old.push(GeneratedFile { path: "src/models.rs".into(), contents: format!("{header}\n{body}\n") });
    write_files(&dir, &old).unwrap();

    let plan = write_files(&dir, &files).unwrap();
    assert_eq!(plan.removals, ["src/models.rs"]);
    let written: Vec<_> = plan.writes.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(written, ["src/models/mod.rs", "src/models/pets.rs"]);
    assert!(!dir.join("src/models.rs").exists(), "rustc refuses a module with both `models.rs` and `models/mod.rs`");
    assert_eq!(read_folder(&dir).unwrap().len(), files.len());
    assert!(write_files(&dir, &files).unwrap().removals.is_empty());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_hand_written_file_in_the_place_of_a_generated_module_is_refused_and_nothing_written() {
    let dir = temp_dir("module-conflict");
    let settings = Settings::new("t-client", "t.yaml");
    let files = generate(SPEC, &settings).unwrap().files;
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/models.rs"), "// my own helpers\n").unwrap();

    let error = write_files(&dir, &files).unwrap_err();
    let message = error.to_string();
    assert!(
        message.contains("src/models.rs: not generated") && message.contains("`src/models/mod.rs` (E0761)"),
        "{message}"
    );
    assert_eq!(read_folder(&dir).unwrap().keys().collect::<Vec<_>>(), ["src/models.rs"], "nothing was written");
    assert_eq!(std::fs::read_to_string(dir.join("src/models.rs")).unwrap(), "// my own helpers\n");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_hand_written_readme_is_refused_and_nothing_written_but_a_generated_one_is_replaced() {
    let dir = temp_dir("readme");
    let settings = Settings::new("t-client", "t.yaml");
    let files = generate(SPEC, &settings).unwrap().files;
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("README.md"), "# My client\n").unwrap();

    let message = write_files(&dir, &files).unwrap_err().to_string();
    assert!(message.contains("README.md: not generated"), "{message}");
    assert_eq!(read_folder(&dir).unwrap().keys().collect::<Vec<_>>(), ["README.md"], "nothing was written");
    assert_eq!(std::fs::read_to_string(dir.join("README.md")).unwrap(), "# My client\n");

    std::fs::remove_file(dir.join("README.md")).unwrap();
    write_files(&dir, &files).unwrap();
    let changed = generate(&SPEC.replace("title: T", "title: U"), &settings).unwrap().files;
    let plan = write_files(&dir, &changed).unwrap();
    assert!(plan.writes.iter().any(|f| f.path == "README.md"), "a generated README is regenerated");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failing_generate_leaves_the_output_as_it_was() {
    let dir = temp_dir("atomic");
    let spec = dir.with_extension("yaml");
    std::fs::write(&spec, SPEC).unwrap();
    let settings = Settings::new("t-client", "t.yaml");
    let report = generate_crate(&spec, &dir, &settings).unwrap();
    assert!(!report.writes.is_empty());
    let before = snapshot(&dir);
    std::fs::write(&spec, SPEC.replace("'#/components/schemas/Pet'", "'#/components/schemas/Missing'")).unwrap();
    let error = generate_crate(&spec, &dir, &settings).unwrap_err();
    assert!(matches!(&error, Error::Spec { diagnostics, .. } if !diagnostics.is_empty()), "{error}");
    assert!(error.to_string().contains("unresolved reference `#/components/schemas/Missing`"), "{error}");
    assert_eq!(snapshot(&dir), before);
    std::fs::remove_dir_all(&dir).unwrap();
    std::fs::remove_file(&spec).unwrap();
}

#[test]
fn an_invalid_crate_name_is_refused_before_anything_is_written() {
    let dir = temp_dir("name");
    let spec = dir.with_extension("yaml");
    std::fs::write(&spec, SPEC).unwrap();
    let error = generate_crate(&spec, &dir, &Settings::new("my.api", "t.yaml")).unwrap_err();
    assert_eq!(
        error.to_string(),
        "error: invalid crate name `my.api`: it contains `.`; use only ASCII letters, digits, `-` and `_`"
    );
    assert!(!dir.exists());
    std::fs::remove_file(&spec).unwrap();
}

#[test]
fn codegen_toml_errors_are_located() {
    let error = Config::parse(
        "[[crate]]\nspec = \"a.yaml\"\nname = \"a\"\nout = \"a\"\nspeck = 1\n",
        Path::new("codegen.toml"),
    )
    .unwrap_err();
    assert!(error.to_string().starts_with("error: codegen.toml:5:1: unknown field `speck`"), "{error}");
    assert_eq!(line_col("ab\ncd", 4), (2, 2));
}
