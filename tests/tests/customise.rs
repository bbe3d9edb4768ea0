//! Customising a generated crate without editing its spec: each folder of
//! `tests/fixtures/customise/` holds a spec and the `codegen.toml` that
//! customises it, read as `cargo xtask codegen` reads one.
//!
//! One insta snapshot per fixture (the crate's own code, its Cargo.toml and
//! diagnostics), and, ignored by plain `cargo test` for its build time (run
//! by `.ci/run`), a build of every fixture's crates with `cargo clippy
//! -D warnings` in one throwaway workspace, with Okta's management spec
//! customised by one `codegen.toml` entry when ../shared/corpus is there.

#[path = "common/scratch.rs"]
mod scratch;

use generator::project::Config;
use scratch::{kept_target, repo, Scratch};
use std::path::{Path, PathBuf};

/// Each crate of the fixture folder `dir`'s `codegen.toml`: its name and
/// generated files, with the diagnostics.
fn fixture_crates(dir: &Path) -> Vec<(String, generator::Generated)> {
    let config = Config::read(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut crates = Vec::new();
    for krate in &config.crates {
        let settings = krate.settings(dir, "cargo xtask codegen").unwrap_or_else(|e| panic!("{e}"));
        let (_, generated, _) = generator::project::generate_spec_files(&dir.join(&krate.spec), &settings)
            .unwrap_or_else(|mut e| {
                e.locate();
                panic!("{}: {e}", dir.display())
            });
        crates.push((krate.name.clone(), generated));
    }
    crates
}

#[test]
fn each_customisation_fixture_generates_the_reviewed_code() {
    insta::glob!("../fixtures/customise", "*/codegen.toml", |path| {
        let mut out = String::new();
        for (name, generated) in fixture_crates(path.parent().expect("a folder")) {
            out.push_str(&format!("// ##### crate {name} #####\n"));
            for warning in &generated.warnings {
                out.push_str(&format!("// {warning}\n"));
            }
            let own = |path: &str| {
                path == "README.md"
                    || path == "Cargo.toml"
                    || (path.starts_with("src/") && !path.starts_with("src/runtime/"))
            };
            for file in generated.files.iter().filter(|f| own(&f.path)) {
                out.push_str(&format!("// ===== {} =====\n{}\n", file.path, file.contents));
            }
        }
        insta::assert_snapshot!(out);
    });
}

/// Okta's management spec from ../shared/corpus (never copied into the
/// repository); skipped when the corpus is absent, failed under CI.
fn okta_management() -> Option<PathBuf> {
    let spec = repo().join("../shared/corpus/okta-management.yaml");
    if spec.exists() {
        return Some(spec);
    }
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI runs need ../shared/corpus: {} is missing",
        spec.display()
    );
    eprintln!("skipped: {} is missing (../shared/corpus is not checked out)", spec.display());
    None
}

/// The customised Okta crate: one `codegen.toml` entry (an overlay, then
/// the `Group` tag without the applications assigned to a group; `Group`
/// renamed `OktaGroup`, with `Hash` and `Eq`, and `listGroups` renamed; a
/// group's profile as a JSON map of the user's choosing).
fn okta_config() -> String {
    let overlay = repo().join("tests/fixtures/okta-customise/okta.overlay.yaml");
    format!(
        "[[crate]]\nspec = \"okta-management.yaml\"\nname = \"okta-groups-client\"\nout = \"okta-groups\"\n\
        overlays = [{:?}]\n\
        [crate.operations]\ninclude_tags = [\"Group\"]\nexclude_paths = [\"/api/v1/groups/*/apps\"]\n\
        [crate.replace]\nGroupProfile = {{ type = \"serde_json::Map<String, serde_json::Value>\" }}\n\
        [crate.types.\"OktaGroup\"]\nderive = [\"Hash\", \"Eq\"]\n\
        [crate.rename]\n\"#/components/schemas/Group\" = \"OktaGroup\"\n\
        \"#/paths/~1api~1v1~1groups/get\" = \"list_all_groups\"\n",
        overlay.to_string_lossy()
    )
}

fn okta_groups(spec: &Path) -> generator::Generated {
    let dir = spec.parent().expect("the corpus folder");
    let config = Config::parse(&okta_config(), Path::new("codegen.toml")).expect("the config parses");
    let settings = config.crates[0].settings(dir, "cargo xtask codegen").expect("valid settings");
    generator::project::generate_spec_files(&dir.join(&config.crates[0].spec), &settings).expect("okta generates").1
}

#[test]
fn the_okta_crate_customised_by_one_codegen_toml_entry_has_exactly_what_was_asked() {
    let Some(spec) = okta_management() else { return };
    let generated = okta_groups(&spec);
    let text = |path: &str| generated.files.iter().find(|f| f.path == path).map(|f| f.contents.as_str());
    let apis: Vec<&str> = generated.files.iter().filter_map(|f| f.path.strip_prefix("src/apis/")).collect();
    assert_eq!(apis, ["group.rs", "mod.rs"], "the Group tag alone");
    let group = text("src/apis/group.rs").expect("the Group api");
    assert!(group.contains("pub fn list_all_groups(") && !group.contains("pub fn list_groups("), "renamed");
    assert!(group.contains("pub fn list_group_users("), "a Group operation is kept");
    assert!(!group.contains("pub fn list_assigned_applications_for_group("), "a group's apps (by path) are excluded");
    assert!(group.contains("pub fn replace_group("), "the overlay leaves the rest of a path item");
    assert!(!group.contains("pub fn delete_group("), "the overlay's `remove` drops an operation");
    assert!(group.contains("Lists the groups of the org (summary from the overlay)"), "the overlay's `update`");
    let models: String =
        generated.files.iter().filter(|f| f.path.starts_with("src/models/")).map(|f| f.contents.as_str()).collect();
    assert!(models.contains("pub struct OktaGroup ") && !models.contains("pub struct Group "), "renamed");
    assert!(models.contains("#[derive(Hash, Eq)]\n#[derive(Debug, Clone, PartialEq, Default)]\npub struct OktaGroup {"));
    assert!(models.contains("map.optional(\"objectClass\", &self.object_class);"), "wire names stay");
    // `profile` (`GroupProfile`, and through it `OktaUserGroupProfile`) is
    // held too, but replaced by a JSON map, which has `Hash` and `Eq`.
    let held = "pub struct OktaGroupEmbedded {";
    let derived = models.split(held).next().and_then(|before| before.rsplit("\n\n").next()).unwrap_or_default();
    assert!(derived.contains("#[derive(Hash, Eq)]\n"), "a derive goes on to the types held: {held}");
    assert!(
        models.contains("/// The colour the admin console shows the group in (added by the overlay)\n    pub display_colour: Option<String>,"),
        "the overlay's deep merge adds a property"
    );
    assert!(!models.contains("pub struct AgentPool "), "a model only other tags use is not generated");
    assert!(!models.contains("pub struct Application "), "nor one only the excluded operation uses");
    assert!(
        models.contains("pub profile: Option<::serde_json::Map<String, serde_json::Value>>,"),
        "the replaced schema's use names the replacement"
    );
    assert!(!models.contains(" GroupProfile "), "no model for the replaced schema");
    assert!(models.contains("pub struct OktaUserGroupProfile "), "a model other operations still use stays");
    assert!(!models.contains("OktaActiveDirectoryGroupProfile"), "a model only the replaced schema used goes");
}

#[test]
#[ignore = "slow: builds the fixtures' crates and their dependencies; run by .ci/run"]
fn each_customisation_fixture_crate_passes_clippy_warning_free() {
    let repo = repo();
    let workspace = Scratch::new("customise");
    let mut members = Vec::new();
    let mut fixtures: Vec<PathBuf> = std::fs::read_dir(repo.join("tests/fixtures/customise"))
        .expect("the fixtures folder")
        .map(|entry| entry.expect("a fixture").path())
        .collect();
    fixtures.sort();
    for dir in fixtures {
        for (name, generated) in fixture_crates(&dir) {
            generator::project::write_files(&workspace.path.join(&name), &generated.files).expect("write the crate");
            members.push(format!("{name:?}"));
        }
    }
    if let Some(spec) = okta_management() {
        generator::project::write_files(&workspace.path.join("okta-groups-client"), &okta_groups(&spec).files)
            .expect("write the crate");
        members.push("\"okta-groups-client\"".to_string());
    }
    workspace.write("Cargo.toml", &format!("[workspace]\nresolver = \"2\"\nmembers = [{}]\n", members.join(", ")));
    workspace.copy_lock();
    let target = kept_target("customise");
    let (success, report) =
        workspace.cargo(&target, &[], &["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    assert!(success, "the customised crates do not build warning-free:\n{report}");
    assert!(!report.contains("warning:"), "{report}");
    workspace.remove();
}
