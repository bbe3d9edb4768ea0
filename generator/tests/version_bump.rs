//! `codegen --bump-version` and `bump_version = true`: codegen.toml's
//! `crate_version` moves by the bump the crate's changes call for, comments
//! kept, and the crate is generated at that version.

use std::path::{Path, PathBuf};

// Each test file uses part of the shared helpers.
#[allow(dead_code)]
mod common {
    pub mod command;
}

use common::command::*;

const CONFIG: &str =
    "# Our clients.\n[[crate]]\nspec = \"store.yaml\"\nname = \"store-client\" # the store\nout = \"store\"\n";

/// A project of one crate generated from the v1 store spec.
fn project(name: &str, config: &str) -> PathBuf {
    let dir = temp_dir(name);
    std::fs::write(dir.join("codegen.toml"), config).unwrap();
    std::fs::copy(diff_fixtures().join("store-v1.yaml"), dir.join("store.yaml")).unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["-q", "codegen"]);
    assert_eq!(code, Some(0), "{stderr}");
    dir
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap()
}

#[test]
fn a_breaking_change_bumps_the_minor_version_before_1_0_once() {
    let dir = project("flag", CONFIG);
    assert!(read(&dir, "store/Cargo.toml").contains("version = \"0.1.0\""));
    std::fs::copy(diff_fixtures().join("store-v2.yaml"), dir.join("store.yaml")).unwrap();
    let (code, stdout, stderr) = openapi_rs(&dir, &["codegen", "--bump-version"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("crate_version 0.1.0 -> 0.2.0 (minor) in codegen.toml"), "{stdout}");
    assert_eq!(
        read(&dir, "codegen.toml"),
        CONFIG.replace("# the store\n", "# the store\ncrate_version = \"0.2.0\"\n"),
        "one line added, the rest kept byte for byte"
    );
    assert!(read(&dir, "store/Cargo.toml").contains("version = \"0.2.0\""));
    // Up to date now: nothing drifts, nothing is bumped again.
    assert_eq!(openapi_rs(&dir, &["-q", "codegen", "--check"]).0, Some(0));
    let (code, _, stderr) = openapi_rs(&dir, &["codegen", "--bump-version"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(read(&dir, "codegen.toml").contains("crate_version = \"0.2.0\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_setting_bumps_an_addition_by_a_minor_after_1_0() {
    let config =
        CONFIG.replace("out = \"store\"", "out = \"store\"\ncrate_version = \"1.4.2\" # ours\nbump_version = true");
    let dir = project("setting", &config);
    // An addition only: a new operation.
    let v1 = read(&dir, "store.yaml");
    let added = v1.replacen(
        "paths:\n",
        "paths:\n  /ping:\n    get:\n      operationId: ping\n      tags: [orders]\n      responses:\n        \"204\": {description: Up.}\n",
        1,
    );
    assert_ne!(added, v1);
    std::fs::write(dir.join("store.yaml"), added).unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["codegen"]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        read(&dir, "codegen.toml").contains("crate_version = \"1.5.0\" # ours\n"),
        "{}",
        read(&dir, "codegen.toml")
    );
    assert!(read(&dir, "store/Cargo.toml").contains("version = \"1.5.0\""));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn without_the_setting_or_the_flag_nothing_is_bumped_and_a_bad_version_is_refused() {
    let dir = project("off", CONFIG);
    std::fs::copy(diff_fixtures().join("store-v2.yaml"), dir.join("store.yaml")).unwrap();
    assert_eq!(openapi_rs(&dir, &["-q", "codegen"]).0, Some(0));
    assert_eq!(read(&dir, "codegen.toml"), CONFIG);
    std::fs::write(dir.join("codegen.toml"), CONFIG.replace("out = ", "crate_version = \"one\"\nout = ")).unwrap();
    let (code, _, stderr) = openapi_rs(&dir, &["codegen"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("crate `store-client`: crate_version `one`"), "{stderr}");
    std::fs::remove_dir_all(&dir).unwrap();
}
