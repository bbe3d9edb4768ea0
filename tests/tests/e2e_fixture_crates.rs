//! Crates generated from fixture specs, called against loopback servers:
//! the fixtures' crates and the code in `tests/fixtures/e2e/` go into a
//! throwaway workspace, built with this checkout's generator and runtime,
//! and `cargo test` runs that code there.
//!
//! Slow (it builds the generated crates and their dependencies), so it is
//! ignored by plain `cargo test`; `.ci/run` runs it with
//! `cargo test -p tests --test e2e_fixture_crates -- --ignored`. Builds go to
//! `target/fixture-e2e` (under `CARGO_TARGET_DIR` when set), kept between runs.

#[path = "common/scratch.rs"]
mod scratch;

use std::path::Path;

use scratch::{kept_target, repo, Scratch};

/// Writes the crate of `tests/fixtures/specs/<fixture>.yaml`, named
/// `<fixture>-client`, into `workspace/<fixture>`.
fn write_fixture_crate(workspace: &Path, fixture: &str) {
    write_spec_crate(workspace, fixture, &repo().join(format!("tests/fixtures/specs/{fixture}.yaml")));
}

/// Writes the crate of the spec at `spec_path`, named `<name>-client`, into `workspace/<name>`.
fn write_spec_crate(workspace: &Path, fixture: &str, spec_path: &Path) {
    let spec = std::fs::read_to_string(spec_path).unwrap_or_else(|e| panic!("{}: {e}", spec_path.display()));
    let settings = generator::Settings::new(format!("{fixture}-client"), format!("{fixture}.yaml"));
    let generated = generator::generate(&spec, &settings).unwrap_or_else(|e| panic!("{fixture}: {e:?}"));
    generator::project::write_files(&workspace.join(fixture), &generated.files).expect("write the crate");
}

/// Builds the workspace of `fixtures` and a crate `e2e` whose test `test`
/// is `tests/fixtures/e2e/<test>.rs`, and runs that test.
fn run_e2e(test: &str, fixtures: &[&str], dev_dependencies: &str) {
    run_e2e_with(test, fixtures, dev_dependencies, &write_fixture_crate);
}

/// [`run_e2e`], each crate written by `write_crate(workspace, name)`.
fn run_e2e_with(test: &str, fixtures: &[&str], dev_dependencies: &str, write_crate: &dyn Fn(&Path, &str)) {
    let workspace = Scratch::new(&format!("fixture-e2e-{test}"));
    for fixture in fixtures {
        write_crate(&workspace.path, fixture);
    }
    let members: Vec<String> = fixtures.iter().map(|f| format!("{f:?}")).chain([r#""e2e""#.to_owned()]).collect();
    workspace.write("Cargo.toml", &format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")));
    // With the test double: its code compiles warning-free for every fixture (`corpus` checks them without it).
    let clients: String =
        fixtures.iter().map(|f| format!("{f}-client = {{ path = \"../{f}\", features = [\"mock\"] }}\n")).collect();
    workspace.write(
        "e2e/Cargo.toml",
        &format!(
            "[package]\nname = \"e2e\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
             [dev-dependencies]\n{clients}{dev_dependencies}"
        ),
    );
    workspace.write("e2e/src/lib.rs", "//! Only tests.\n");
    let source = std::fs::read_to_string(repo().join(format!("tests/fixtures/e2e/{test}.rs"))).expect("the e2e test");
    workspace.write(&format!("e2e/tests/{test}.rs"), &source);
    workspace.copy_lock();

    let target = kept_target("fixture-e2e");
    let (success, report) =
        workspace.cargo(&target, &[("RUSTFLAGS", "-D warnings")], &["test", "-p", "e2e", "--test", test]);
    assert!(success, "the e2e test {test} failed:\n{report}");
    assert!(report.contains("test result: ok."), "the e2e test {test} ran no tests:\n{report}");
    workspace.remove();
}

#[test]
#[ignore = "slow: builds generated crates and their dependencies; run by .ci/run"]
fn bodies_behind_wildcard_and_vendor_media_types() {
    run_e2e(
        "wildcard_media",
        &["wildcard-responses", "vendor-media", "wildcard-request-body"],
        "bytes = \"1\"\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\
         wiremock = \"0.6\"\n",
    );
}

#[test]
#[ignore = "slow: builds generated crates and their dependencies; run by .ci/run"]
fn binary_downloads_and_uploads() {
    run_e2e(
        "binary_streams",
        &["binary-streams"],
        "futures = \"0.3\"\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\
         wiremock = \"0.6\"\n",
    );
}

#[test]
#[ignore = "slow: builds generated crates and their dependencies; run by .ci/run"]
fn streamed_events_and_json_lines() {
    run_e2e(
        "streams",
        &["streams"],
        "futures = { version = \"0.3\", default-features = false, features = [\"std\"] }\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\", \"time\"] }\n",
    );
}

#[test]
#[ignore = "slow: builds the OpenAI crate and its dependencies; run by .ci/run"]
fn the_openai_crate_streams_a_chat_completion() {
    let spec = repo().join("../shared/corpus/openai-3.1.yaml");
    if !spec.exists() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI runs need {}", spec.display());
        eprintln!("skipped: {} is absent", spec.display());
        return;
    }
    run_e2e_with(
        "openai_stream",
        &["openai"],
        "futures = { version = \"0.3\", default-features = false, features = [\"std\"] }\n\
         serde_json = \"1\"\n\
         tokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\", \"net\", \"io-util\"] }\n",
        &|workspace, name| write_spec_crate(workspace, name, &spec),
    );
}

#[test]
#[ignore = "slow: builds generated crates and their dependencies; run by .ci/run"]
fn paging_schemes_collect_every_item_once() {
    run_e2e(
        "paging",
        &["paging"],
        "futures = \"0.3\"\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\
         wiremock = \"0.6\"\n",
    );
}

/// Writes the crate `tests/fixtures/customise/<name>/codegen.toml` describes
/// (named `<name>-client` there) into `workspace/<name>`.
fn write_customised_crate(workspace: &Path, name: &str) {
    let dir = repo().join("tests/fixtures/customise").join(name);
    let config = generator::project::Config::read(&dir).unwrap_or_else(|e| panic!("{name}: {e}"));
    let krate = &config.crates[0];
    let settings = krate.settings(&dir, "cargo xtask codegen").unwrap_or_else(|e| panic!("{name}: {e}"));
    let (_, generated, _) = generator::project::generate_spec_files(&dir.join(&krate.spec), &settings)
        .unwrap_or_else(|e| panic!("{name}: {e}"));
    generator::project::write_files(&workspace.join(name), &generated.files).expect("write the crate");
}

#[test]
#[ignore = "slow: builds generated crates and their dependencies; run by .ci/run"]
fn replaced_types_travel_as_the_users_types() {
    run_e2e_with(
        "replace",
        &["replace"],
        "semver = { version = \"1\", features = [\"serde\"] }\nurl = { version = \"2\", features = [\"serde\"] }\n\
         uuid = \"1\"\nserde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\
         wiremock = \"0.6\"\n",
        &write_customised_crate,
    );
}

#[test]
#[ignore = "slow: builds generated crates and their dependencies; run by .ci/run"]
fn renamed_items_and_extra_derives_against_a_loopback_server() {
    run_e2e_with(
        "derive_rename",
        &["derive-rename"],
        "serde_json = \"1\"\ntokio = { version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }\n\
         wiremock = \"0.6\"\n",
        &write_customised_crate,
    );
}
