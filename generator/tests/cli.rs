//! The `openapi-rs` command as built by this workspace (the slow
//! `install.rs` test covers installing it).

use std::process::ExitCode;

// Each test file uses part of the shared helpers.
#[allow(dead_code)]
mod common {
    pub mod command;
}

use common::command::*;

const SPEC: &str = "openapi: 3.0.3\ninfo: {title: Pets, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        name: {type: string}\n";

#[test]
fn check_fails_with_exit_1_naming_the_files_and_the_fix() {
    let dir = temp_dir("check");
    std::fs::write(dir.join("pets.yaml"), SPEC).unwrap();
    let (code, stdout, _) = openapi_rs(&dir, &["generate", "pets.yaml", "--out", "pets", "--secret", "name"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("pets: crate `pets-client`"), "{stdout}");
    assert_eq!(openapi_rs(&dir, &["check", "pets.yaml", "--out", "pets", "--secret", "name"]).0, Some(0));

    // Without --secret the models differ: that is drift.
    let (code, _, stderr) = openapi_rs(&dir, &["check", "pets.yaml", "--out", "pets"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("out of date: pets/src/models/default.rs"), "{stderr}");
    assert!(stderr.contains("run `openapi-rs generate pets.yaml --out pets` to update it"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "no colour when stderr is not a terminal: {stderr}");

    let (code, stdout, stderr) = openapi_rs(&dir, &["--format", "json", "check", "pets.yaml", "--out", "pets"]);
    assert_eq!((code, stderr.as_str()), (Some(1), ""));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["status"], "drift");
    assert_eq!(json["crates"][0]["writes"], serde_json::json!(["pets/src/models/default.rs"]));
    assert_eq!(json["fix"], "openapi-rs generate pets.yaml --out pets");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn include_and_exclude_choose_the_operations_and_the_drift_advice_repeats_them() {
    let dir = temp_dir("filter");
    let spec = SPEC.replace(
        "components:",
        "  /admin/audit:\n    get:\n      operationId: auditLog\n      responses: {'204': {description: none}}\ncomponents:",
    );
    std::fs::write(dir.join("pets.yaml"), spec).unwrap();
    let filter = ["--include", "path=/admin/**", "--include", "operation=listPets", "--exclude", "operation=listPets"];
    let (code, _, stderr) = openapi_rs(&dir, &[&["generate", "pets.yaml", "--out", "pets"][..], &filter].concat());
    assert_eq!(code, Some(0), "{stderr}");
    let api = std::fs::read_to_string(dir.join("pets/src/apis/default.rs")).unwrap();
    assert!(api.contains("pub fn audit_log(") && !api.contains("pub fn list_pets("), "{api}");
    let models = std::fs::read_dir(dir.join("pets/src/models")).unwrap().count();
    assert_eq!(models, 1, "only mod.rs: no operation left reaches `Pet`");
    let (code, _, stderr) = openapi_rs(&dir, &["check", "pets.yaml", "--out", "pets"]);
    assert_eq!(code, Some(1), "{stderr}");
    let (code, stdout, _) =
        openapi_rs(&dir, &[&["--format", "json", "check", "pets.yaml", "--out", "pets"][..], &filter].concat());
    assert_eq!(code, Some(0), "{stdout}");
    let (code, stdout, _) =
        openapi_rs(&dir, &[&["--format", "json", "check", "pets.yaml", "--out", "x"][..], &filter].concat());
    assert_eq!(code, Some(1), "{stdout}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        json["fix"],
        "openapi-rs generate pets.yaml --out x --include 'path=/admin/**' --include operation=listPets --exclude operation=listPets"
    );
    let (code, _, stderr) = openapi_rs(&dir, &["generate", "pets.yaml", "--out", "x", "--include", "tags=pets"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("wants tag=NAME, path=GLOB or operation=ID, got `tags=pets`"), "{stderr}");
    let (code, _, stderr) = openapi_rs(&dir, &["generate", "pets.yaml", "--out", "x", "--include", "tag=pet"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("`include_tags = \"pet\"` matches no operation") && !dir.join("x").exists(), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_show_the_spec_line_and_nothing_is_written() {
    let dir = temp_dir("errors");
    std::fs::write(dir.join("bad.yaml"), SPEC.replace("  /pets:\n", "  /pets: [\n")).unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["generate", "bad.yaml", "--out", "bad"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("error: invalid YAML"), "{stderr}");
    assert!(stderr.contains("--> bad.yaml:6:18"), "the position: {stderr}");
    assert!(stderr.contains("6 |       operationId: listPets"), "the spec line: {stderr}");
    assert!(stderr.contains("nothing was written") && !dir.join("bad").exists(), "{stderr}");

    std::fs::write(dir.join("pets.yaml"), SPEC.replace("'#/components/schemas/Pet'", "'#/components/schemas/Nope'"))
        .unwrap();
    let (code, stdout, _) = openapi_rs(&dir, &["--format", "json", "generate", "pets.yaml", "--out", "pets"]);
    assert_eq!(code, Some(2));
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(json["status"], "error");
    assert!(json["errors"][0]["message"].as_str().unwrap().contains("#/components/schemas/Nope"), "{json}");
    assert_eq!(json["errors"][0]["file"], "pets.yaml");

    let (code, _, stderr) = openapi_rs(&dir, &["generate", "missing.yaml", "--out", "missing"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("error: cannot read the spec: ") && stderr.contains("--> missing.yaml"), "{stderr}");
    assert!(stderr.contains("nothing was written") && !dir.join("missing").exists(), "{stderr}");

    let (code, _, stderr) = openapi_rs(&dir, &["generate", "pets.yaml", "--out", "x", "--name", "3d"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("invalid crate name `3d`: it must start with a letter or `_`"), "{stderr}");

    // rustc would warn "crate `MyApi` should have a snake case name" in every build.
    let (code, _, stderr) = openapi_rs(&dir, &["generate", "pets.yaml", "--out", "x", "--name", "MyApi"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("invalid crate name `MyApi`: rustc warns") && stderr.contains("use `my-api`"), "{stderr}");
    assert!(!dir.join("x").exists(), "nothing is written");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn errors_and_warnings_known_by_their_pointer_show_the_spec_line() {
    let dir = temp_dir("pointers");
    let unresolved = SPEC.replace("'#/components/schemas/Pet'", "'#/components/schemas/Nope'");
    std::fs::write(dir.join("pets.yaml"), &unresolved).unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["generate", "pets.yaml", "--out", "pets"]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("--> pets.yaml:12:45"), "the `$ref`: {stderr}");
    assert!(stderr.contains("12 |               schema: {type: array, items: {$ref:"), "the spec line: {stderr}");
    assert!(stderr.contains("note: at #/paths/~1pets/get/responses/200/"), "the pointer too: {stderr}");

    let (_, stdout, _) = openapi_rs(&dir, &["--format", "json", "generate", "pets.yaml", "--out", "pets"]);
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((&json["errors"][0]["line"], &json["errors"][0]["column"]), (&12.into(), &45.into()), "{json}");

    // A warning on a property: an allOf of a string and an integer cannot be typed.
    let warned = SPEC.replace("name: {type: string}", "name: {allOf: [{type: string}, {type: integer}]}");
    std::fs::write(dir.join("pets.yaml"), warned).unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["generate", "pets.yaml", "--out", "pets"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("warning: allOf of types that are not objects"), "{stderr}");
    assert!(stderr.contains("--> pets.yaml:18:9"), "the property's line: {stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn codegen_reads_codegen_toml_and_reports_its_errors_located() {
    let dir = temp_dir("codegen");
    std::fs::write(dir.join("pets.yaml"), SPEC).unwrap();
    std::fs::write(
        dir.join("codegen.toml"),
        "[[crate]]\nspec = \"pets.yaml\"\nname = \"pets\"\nout = \"out\"\nsecrets = []\n",
    )
    .unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["codegen"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown field `secrets`") && stderr.contains("codegen.toml:5:1"), "{stderr}");

    std::fs::write(
        dir.join("codegen.toml"),
        "command = \"make client\"\n[[crate]]\nspec = \"pets.yaml\"\nname = \"pets\"\nout = \"out\"\n",
    )
    .unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["codegen"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("[1/1] generating pets from pets.yaml"), "{stderr}");
    let lib = std::fs::read_to_string(dir.join("out/src/lib.rs")).unwrap();
    assert!(lib.starts_with("// Generated by `make client` from pets.yaml"), "{lib}");
    assert_eq!(openapi_rs(&dir, &["--quiet", "codegen", "--check"]), (Some(0), String::new(), String::new()));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The library's `cli::run` is the same command under its caller's name
/// (this repository's `cargo xtask` is one): the name is the default command
/// in the files' first line, and the exit statuses are the command's.
#[test]
fn the_library_runs_the_command_line_under_the_callers_name() {
    let dir = temp_dir("library");
    let (spec, out) = (dir.join("pets.yaml"), dir.join("pets"));
    std::fs::write(&spec, SPEC).unwrap();
    let run = |args: &[&str]| {
        let crate_args = [spec.as_os_str(), "--out".as_ref(), out.as_os_str()];
        let (subcommand, options) = args.split_first().unwrap();
        let words: Vec<&std::ffi::OsStr> = ["--quiet".as_ref(), subcommand.as_ref()]
            .into_iter()
            .chain(crate_args)
            .chain(options.iter().map(|o| o.as_ref()))
            .collect();
        generator::cli::run("my-xtask", words)
    };
    assert_eq!(run(&["generate"]), ExitCode::SUCCESS);
    let lib = std::fs::read_to_string(out.join("src/lib.rs")).unwrap();
    let first_line =
        format!("// Generated by `my-xtask generate {} --out {}` from pets.yaml", spec.display(), out.display());
    assert!(lib.starts_with(&first_line), "{lib}");
    assert_eq!(run(&["check"]), ExitCode::SUCCESS);
    assert_eq!(run(&["check", "--secret", "name"]), ExitCode::from(1), "drift");
    assert_eq!(run(&["check", "--name", "3d"]), ExitCode::from(2), "an error");
    assert_eq!(generator::cli::run("my-xtask", ["generate", "--no-such-option"]), ExitCode::from(2), "a usage error");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A normalisation fixture (`cargo xtask corpus generator/tests/fixtures/normalize`
/// checks that its crate compiles).
fn normalize_fixture(name: &str) -> String {
    format!("{}/tests/fixtures/normalize/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// Lines of human output that start a diagnostic of `level` (`warning`, `note`).
fn shown(stderr: &str, level: &str) -> usize {
    stderr.lines().filter(|line| line.starts_with(&format!("{level}: "))).count()
}

/// The JSON document's diagnostics of the one crate, by kind.
fn kinds(stdout: &str) -> (serde_json::Value, Vec<String>) {
    let json: serde_json::Value = serde_json::from_str(stdout).unwrap();
    let krate = json["crates"][0].clone();
    let kinds = krate["warnings"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap().to_string()).collect();
    (krate, kinds)
}

/// Rewrites that lose nothing (3.1's nullable `anyOf`, `$ref` siblings,
/// `const`...) print no warning: the last line counts them, `--verbose`
/// lists them as notes, and the JSON document holds them with their kind.
#[test]
fn rewrites_that_lose_nothing_are_counted_not_shown() {
    let dir = temp_dir("lossless");
    let spec = normalize_fixture("lossless_only.yaml");
    let (code, stdout, stderr) = openapi_rs(&dir, &["generate", &spec, "--out", "out"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!((shown(&stderr, "warning"), shown(&stderr, "note")), (0, 0), "{stderr}");
    assert_eq!(stdout.lines().last(), Some("0 warnings, 12 rewrites without loss (--verbose lists them)"), "{stdout}");
    assert!(stdout.contains("; 0 warnings, 12 rewrites without loss (generated in"), "{stdout}");

    let (code, stdout, stderr) = openapi_rs(&dir, &["generate", &spec, "--out", "out", "-v"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!((shown(&stderr, "warning"), shown(&stderr, "note")), (0, 12), "{stderr}");
    assert!(stderr.contains("note: `{type: 'null'}` branch of `anyOf` rewritten to `nullable: true`"), "{stderr}");
    assert_eq!(stdout.lines().last(), Some("0 warnings, 12 rewrites without loss"), "{stdout}");

    let (code, stdout, stderr) = openapi_rs(&dir, &["--format", "json", "check", &spec, "--out", "out"]);
    assert_eq!((code, stderr.as_str()), (Some(0), ""));
    let (krate, kinds) = kinds(&stdout);
    assert_eq!((&krate["warning_count"], &krate["lossless_count"]), (&0.into(), &12.into()), "{krate}");
    assert_eq!(kinds, vec!["lossless"; 12], "{krate}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The same document with one rewrite that loses something (`propertyNames`
/// dropped) prints exactly that warning.
#[test]
fn a_rewrite_that_loses_something_is_the_one_warning() {
    let dir = temp_dir("lossy");
    let spec = normalize_fixture("one_lossy.yaml");
    let (code, stdout, stderr) = openapi_rs(&dir, &["generate", &spec, "--out", "out"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!((shown(&stderr, "warning"), shown(&stderr, "note")), (1, 0), "{stderr}");
    assert!(
        stderr.contains("warning: `propertyNames` dropped: OpenAPI 3.0 cannot constrain property names"),
        "{stderr}"
    );
    assert_eq!(stdout.lines().last(), Some("1 warning, 12 rewrites without loss (--verbose lists them)"), "{stdout}");

    let (_, stdout, stderr) = openapi_rs(&dir, &["generate", &spec, "--out", "out", "--verbose"]);
    assert_eq!((shown(&stderr, "warning"), shown(&stderr, "note")), (1, 12), "{stderr}");
    assert_eq!(stdout.lines().last(), Some("1 warning, 12 rewrites without loss"), "{stdout}");

    let (_, stdout, _) = openapi_rs(&dir, &["--format", "json", "generate", &spec, "--out", "out"]);
    let (krate, kinds) = kinds(&stdout);
    assert_eq!((&krate["warning_count"], &krate["lossless_count"]), (&1.into(), &12.into()), "{krate}");
    let lossy: Vec<&serde_json::Value> =
        krate["warnings"].as_array().unwrap().iter().filter(|d| d["kind"] == "lossy").collect();
    assert_eq!(lossy.len(), 1, "{kinds:?}");
    assert_eq!(lossy[0]["pointer"], "/components/schemas/Pet/properties/ratings/propertyNames");
    assert_eq!(lossy[0]["severity"], "warning");

    assert_eq!(openapi_rs(&dir, &["generate", &spec, "--out", "out", "-q"]), (Some(0), String::new(), String::new()));
    std::fs::remove_dir_all(&dir).unwrap();
}
