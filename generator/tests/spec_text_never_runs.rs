//! No spec text runs as code: the crate generated from
//! `tests/fixtures/specs/hostile-text.yaml` (a doctest payload in every
//! position that reaches docs, the README among them) passes `cargo test
//! --doc`, and the only doctests that run are the generator's own examples
//! in the README (the crate docs): the usage example and one per security
//! scheme.
//!
//! Slow (it builds the generated crate's dependencies), so it is ignored by
//! plain `cargo test`; `.ci/run` runs it with
//! `cargo test -p openapi-rs-generator --test spec_text_never_runs -- --ignored`.
//! Builds go to `target/spec-doctests` (under `CARGO_TARGET_DIR` when set),
//! kept between runs.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("generator/ is in the repository").to_path_buf()
}

/// `(file, line, mode)` of each doctest line in `cargo test` output, such as
/// `test src/lib.rs - (line 12) - compile ... ok` or
/// `test src/models/a.rs - models::a::Pet (line 3) ... FAILED`.
fn doctests(output: &str) -> Vec<(String, String)> {
    output
        .lines()
        .filter_map(|line| line.strip_prefix("test "))
        .filter(|rest| rest.contains(" (line "))
        .map(|rest| {
            let (name, outcome) = rest.rsplit_once(" ... ").unwrap_or((rest, ""));
            (name.to_string(), outcome.to_string())
        })
        .collect()
}

#[test]
#[ignore = "slow: builds the generated crate and runs its doctests; run by .ci/run"]
fn no_doctest_of_the_generated_crate_comes_from_spec_text() {
    let repo = repo();
    let spec = std::fs::read_to_string(repo.join("tests/fixtures/specs/hostile-text.yaml")).expect("the fixture");
    let settings = generator::Settings::new("hostile-text-client", "hostile-text.yaml").with_standalone_workspace(true);
    let generated = generator::generate(&spec, &settings).expect("the hostile fixture generates");

    let temp = std::env::temp_dir().join(format!("openapi-rs-spec-doctests-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&temp);
    generator::project::write_files(&temp, &generated.files).expect("write the crate");
    // The same dependency versions as this repository's generated crates.
    std::fs::copy(repo.join("Cargo.lock"), temp.join("Cargo.lock")).expect("copy Cargo.lock");
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo.join("target"), PathBuf::from).join("spec-doctests");
    let output = Command::new(env!("CARGO"))
        .current_dir(&temp)
        .env("CARGO_TARGET_DIR", &target)
        .env_remove("RUSTFLAGS")
        .args(["test", "--doc"])
        .output()
        .expect("run cargo test --doc");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let report = format!("--- stdout\n{stdout}\n--- stderr\n{stderr}");

    assert!(!report.contains("SPEC CODE RAN"), "spec text ran as a doctest:\n{report}");
    assert!(output.status.success(), "cargo test --doc failed:\n{report}");
    // The crate docs are the README; its `rust,no_run` blocks (the usage
    // example and one per security scheme) are the only doctests of ours
    // outside the runtime, and each ran (was compiled).
    let lib = std::fs::read_to_string(temp.join("src/lib.rs")).expect("src/lib.rs");
    let include =
        lib.lines().position(|l| l == "#![doc = include_str!(\"../README.md\")]").expect("crate docs are the README");
    let readme = std::fs::read_to_string(temp.join("README.md")).expect("README.md");
    // rustdoc numbers an included file's lines from the attribute's line.
    let ours: Vec<String> = readme
        .lines()
        .enumerate()
        .filter(|(_, line)| line.trim_start_matches('`') == "rust,no_run" && line.starts_with("```"))
        .map(|(index, _)| format!("src/lib.rs - (line {}) - compile", index + 1 + include))
        .collect();
    assert_eq!(ours.len(), 2, "the usage example and the one security scheme's:\n{readme}");
    let tests = doctests(&stdout);
    for name in &ours {
        assert!(tests.contains(&(name.clone(), "ok".to_string())), "`{name}` ran:\n{report}");
    }
    for (name, outcome) in &tests {
        let from_runtime = name.starts_with("src/runtime/") && outcome == "ignored";
        assert!(
            ours.contains(name) || from_runtime,
            "a doctest the generator did not write: `{name}` ({outcome})\n{report}"
        );
    }
    std::fs::remove_dir_all(&temp).expect("remove the crate");
}
