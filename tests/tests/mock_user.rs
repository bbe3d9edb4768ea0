//! A user's crate on the test double: `tests/fixtures/mock-user` (its code
//! takes an `okta_client::Client`; its unit tests use `okta_client::mock`,
//! never a socket) built in a throwaway workspace against this checkout's
//! `generated/okta` with `features = ["mock"]`: clippy warning-free, then
//! its tests.
//!
//! Slow (it builds the Okta crate and its dependencies), so it is ignored
//! by plain `cargo test`; `.ci/run` runs it with
//! `cargo test -p tests --test mock_user -- --ignored`. Builds go to
//! `target/mock-user` (under `CARGO_TARGET_DIR` when set), kept between runs.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the repository").to_path_buf()
}

/// Runs `cargo <args>` in `workspace`, failing with its output unless it succeeds.
fn cargo(workspace: &Path, target: &Path, args: &[&str]) -> String {
    let output = Command::new(env!("CARGO"))
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .args(args)
        .output()
        .expect("run cargo");
    let report = format!(
        "--- stdout\n{}\n--- stderr\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "cargo {args:?} failed:\n{report}");
    report
}

#[test]
#[ignore = "slow: builds the Okta crate and its dependencies; run by .ci/run"]
fn a_users_unit_tests_run_on_the_test_double() {
    let repo = repo();
    let workspace = std::env::temp_dir().join(format!("openapi-rs-mock-user-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&workspace);
    std::fs::create_dir_all(workspace.join("src")).expect("create the workspace");
    let okta = repo.join("generated/okta");
    let manifest = format!(
        "[package]\nname = \"mock-user\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n\
         [dependencies]\nokta-client = {{ path = {okta:?} }}\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"clock\", \"std\"] }}\n\n\
         [dev-dependencies]\nokta-client = {{ path = {okta:?}, features = [\"mock\"] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest).expect("write Cargo.toml");
    let source = repo.join("tests/fixtures/mock-user/src/lib.rs");
    std::fs::copy(&source, workspace.join("src/lib.rs")).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    // The same dependency versions as this repository's crates.
    std::fs::copy(repo.join("Cargo.lock"), workspace.join("Cargo.lock")).expect("copy Cargo.lock");

    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo.join("target"), PathBuf::from).join("mock-user");
    cargo(&workspace, &target, &["clippy", "--all-targets", "--", "-D", "warnings"]);
    // The library alone, as the user ships it: without the double.
    cargo(&workspace, &target, &["build", "--lib"]);
    let report = cargo(&workspace, &target, &["test"]);
    assert!(report.contains("test result: ok. 8 passed"), "the mock-user tests did not all run:\n{report}");
    std::fs::remove_dir_all(&workspace).expect("remove the workspace");
}
