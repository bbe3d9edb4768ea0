//! Every edit the classification table (`generator/src/diff/tests.rs`)
//! calls non-breaking really is: a user crate written against the crate
//! generated from the table's base spec (`fixtures/diff/pets-base.yaml`)
//! still compiles against the crate generated after all those edits at
//! once; and, so the check can fail, it stops compiling after one edit
//! called breaking (a new enum value, against its exhaustive `match`).
//!
//! Slow (it checks reqwest and the rest), so it is ignored by plain
//! `cargo test`; `.ci/run` runs it with
//! `cargo test -p openapi-rs-generator --test non_breaking_compiles -- --ignored`.
//! One throwaway workspace under `target/diff-compile` (under
//! `CARGO_TARGET_DIR` when set), `cargo check` only, builds kept between runs.

use generator::diff::{diff_specs, Impact};
use generator::Settings;
use std::path::{Path, PathBuf};
use std::process::Command;

const BASE: &str = include_str!("fixtures/diff/pets-base.yaml");

/// The table's non-breaking edits, as (what, text replaced, replacement).
const NON_BREAKING: &[(&str, &str, &str)] = &[
    (
        "a new optional parameter",
        "- {name: limit, in: query, schema: {type: integer}}",
        "- {name: limit, in: query, schema: {type: integer}}\n        - {name: after, in: query, schema: {type: string}}",
    ),
    (
        "a new operation",
        "paths:\n",
        "paths:\n  /pets/count:\n    get:\n      operationId: countPets\n      tags: [pets]\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {type: integer}\n",
    ),
    ("an optional field made nullable (1/2)", "tag: {type: string}", "tag: {type: string, nullable: true}"),
    ("and required (2/2): still Option<String>", "required: [name]", "required: [name, tag]"),
    (
        "a new type",
        "    Food:\n",
        "    Spare: {type: object, properties: {a: {type: string}}}\n    Food:\n",
    ),
    ("a moved path", "  /pets/{id}:", "  /animals/{id}:"),
    (
        "a new tag (an accessor on Client)",
        "paths:\n",
        "paths:\n  /inventory:\n    get:\n      operationId: getInventory\n      tags: [store]\n      responses:\n        \"204\": {description: none}\n",
    ),
];

/// Written against the base spec's crate: every type, field, variant and
/// operation, the strict way (full struct literals, exhaustive matches).
const USER_CODE: &str = r#"
use pets_client::models::{Food, Pet, Status};
use pets_client::Client;

pub fn build_pet() -> Pet {
    Pet {
        name: "Rex".into(),
        tag: Some("dog".into()),
        status: Some(Status::Available),
        additional_properties: Default::default(),
    }
}

pub fn describe(status: &Status) -> &str {
    match status {
        Status::Available => "available",
        Status::Sold => "sold",
        Status::Unknown(other) => other,
    }
}

pub fn eat(food: &Food) -> String {
    match food {
        Food::Pet(pet) => pet.name.clone(),
        Food::String(text) => text.clone(),
        Food::Other(value) => value.to_string(),
    }
}

pub async fn calls(client: &Client) {
    let pets: Result<Vec<Pet>, _> = client.pets().list_pets().limit(10).await;
    let pet: Result<Pet, _> = client.pets().get_pet("1").await;
    let created: Result<(), _> = client.pets().create_pet(build_pet()).await;
    let _ = (pets, pet, created);
}
"#;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("generator/ is in the repository").to_path_buf()
}

fn apply(spec: &str, edits: &[(&str, &str, &str)]) -> String {
    edits.iter().fold(spec.to_string(), |spec, (what, from, to)| {
        assert!(spec.contains(from), "{what}: no `{from}` in the spec");
        spec.replacen(from, to, 1)
    })
}

fn settings() -> Settings {
    Settings::new("pets-client", "pets.yaml").with_standalone_workspace(false)
}

/// Generates `spec` into the workspace's `pets/` and checks the user crate.
fn check_user_crate(workspace: &Path, target: &Path, spec: &str) -> (bool, String) {
    let generated = generator::generate(spec, &settings()).expect("the spec generates");
    generator::project::write_files(&workspace.join("pets"), &generated.files).expect("write the crate");
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .env_remove("RUSTFLAGS")
        .args(["check", "-p", "user", "--quiet"])
        .output()
        .expect("run cargo check");
    (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
}

#[test]
#[ignore = "slow: cargo check of generated crates; run by .ci/run"]
fn code_written_for_the_old_crate_compiles_after_every_non_breaking_edit() {
    // The table agrees: each edit alone, and all of them, break nothing.
    for edit in NON_BREAKING.iter().filter(|(what, ..)| !what.ends_with("(1/2)")) {
        let edits: Vec<_> = NON_BREAKING
            .iter()
            .filter(|(what, ..)| {
                what == &edit.0 || (edit.0.ends_with("(2/2): still Option<String>") && what.ends_with("(1/2)"))
            })
            .copied()
            .collect();
        let diff = diff_specs(BASE, &apply(BASE, &edits), &settings()).expect("both generate");
        assert!(!diff.is_empty() && diff.impact() < Some(Impact::Breaking), "{}: {diff:#?}", edit.0);
    }
    let new = apply(BASE, NON_BREAKING);
    let diff = diff_specs(BASE, &new, &settings()).expect("both generate");
    assert!(diff.breaking_count() == 0 && diff.changes.len() >= NON_BREAKING.len() - 1, "{diff:#?}");

    let root = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo().join("target"), PathBuf::from);
    let (workspace, target) = (root.join("diff-compile/workspace"), root.join("diff-compile/target"));
    let _ = std::fs::remove_dir_all(&workspace);
    std::fs::create_dir_all(workspace.join("user/src")).unwrap();
    std::fs::write(workspace.join("Cargo.toml"), "[workspace]\nmembers = [\"pets\", \"user\"]\nresolver = \"2\"\n")
        .unwrap();
    // The same dependency versions as this repository's generated crates.
    std::fs::copy(repo().join("Cargo.lock"), workspace.join("Cargo.lock")).unwrap();
    std::fs::write(
        workspace.join("user/Cargo.toml"),
        "[package]\nname = \"user\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\npets-client = { path = \"../pets\" }\n",
    )
    .unwrap();
    std::fs::write(workspace.join("user/src/lib.rs"), USER_CODE).unwrap();

    let (ok, stderr) = check_user_crate(&workspace, &target, BASE);
    assert!(ok, "the user crate does not compile against the base crate:\n{stderr}");
    let (ok, stderr) = check_user_crate(&workspace, &target, &new);
    assert!(ok, "a non-breaking edit broke the user crate:\n{stderr}");
    // The control: an edit the table calls breaking does break it.
    let breaking = apply(BASE, &[("a new enum value", "enum: [available, sold]", "enum: [available, sold, pending]")]);
    let (ok, stderr) = check_user_crate(&workspace, &target, &breaking);
    assert!(!ok && stderr.contains("Pending"), "a new enum value should break the exhaustive match:\n{stderr}");
}
