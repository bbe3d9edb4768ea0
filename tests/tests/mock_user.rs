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

#[path = "common/scratch.rs"]
mod scratch;

use scratch::{kept_target, repo, Scratch};

#[test]
#[ignore = "slow: builds the Okta crate and its dependencies; run by .ci/run"]
fn a_users_unit_tests_run_on_the_test_double() {
    let repo = repo();
    let workspace = Scratch::new("mock-user");
    let okta = repo.join("generated/okta");
    let manifest = format!(
        "[package]\nname = \"mock-user\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[workspace]\n\n\
         [dependencies]\nokta-client = {{ path = {okta:?} }}\n\
         chrono = {{ version = \"0.4\", default-features = false, features = [\"clock\", \"std\"] }}\n\n\
         [dev-dependencies]\nokta-client = {{ path = {okta:?}, features = [\"mock\"] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
    );
    workspace.write("Cargo.toml", &manifest);
    let source = repo.join("tests/fixtures/mock-user/src/lib.rs");
    let code = std::fs::read_to_string(&source).unwrap_or_else(|e| panic!("{}: {e}", source.display()));
    workspace.write("src/lib.rs", &code);
    workspace.copy_lock();

    let target = kept_target("mock-user");
    let cargo = |args: &[&str]| {
        let (success, report) = workspace.cargo(&target, &[], args);
        assert!(success, "cargo {args:?} failed:\n{report}");
        report
    };
    cargo(&["clippy", "--all-targets", "--", "-D", "warnings"]);
    // The library alone, as the user ships it: without the double.
    cargo(&["build", "--lib"]);
    let report = cargo(&["test"]);
    assert!(report.contains("test result: ok. 8 passed"), "the mock-user tests did not all run:\n{report}");
    workspace.remove();
}
