//! The generated crate's Cargo.toml.
//!
//! Its `[dependencies]` are `naming::RUNTIME_DEPENDENCIES`, which must equal
//! those of templates/Cargo.toml, where the runtime is compiled as it
//! stands; a test in tests/ checks that they agree.

use crate::ir::Api;
use crate::settings::Settings;

/// The runtime's dependencies, as TOML lines (kept in `naming`, where the
/// settings also read which crates they are).
pub use crate::naming::RUNTIME_DEPENDENCIES;

/// Cargo.toml of the generated crate.
pub fn manifest(settings: &Settings, api: &Api, header: &str) -> String {
    let description = description(&api.title);
    let workspace = if settings.standalone_workspace { "\n[workspace]\n" } else { "" };
    format!(
        "# {header}\n[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\ndescription = \"{description}\"\nreadme = \"README.md\"\n\
         license = \"MIT OR Apache-2.0\"\npublish = false\n{workspace}\n[dependencies]\n{RUNTIME_DEPENDENCIES}{replaced}\n\
         [dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n{features}{examples}",
        name = settings.crate_name,
        replaced = replaced_type_dependencies(api),
        version = settings.crate_version,
        features = if settings.tag_features { features(api) } else { "\n[features]\n".to_owned() } + MOCK_FEATURE,
        examples = if settings.tag_features { examples(settings) } else { String::new() },
    )
}

/// The dependencies of the types that replace schemas (checked TOML lines).
fn replaced_type_dependencies(api: &Api) -> String {
    if api.dependencies.is_empty() {
        return String::new();
    }
    let mut text =
        String::from("# The crates of the types that replace schemas (codegen.toml's `replace`, `x-rust-type`).\n");
    for line in &api.dependencies {
        text.push_str(line);
        text.push('\n');
    }
    text
}
/// The test double's feature, off by default (see `render::mock`).
const MOCK_FEATURE: &str =
    "# The test double (`mock::Mock`), for your tests: `features = [\"mock\"]` in [dev-dependencies].\nmock = []\n";

/// `[features]`: one per tag, and `full` (the default) for all of them.
fn features(api: &Api) -> String {
    let all: Vec<String> = api.modules.iter().map(|m| format!("\"{}\"", m.feature)).collect();
    let mut text = String::from(
        "\n[features]\n# One feature per tag: it compiles that tag's operations and the models they use\n\
         # (a model several tags use is compiled when any of them is on).\n\
         # `full`, the default, turns every tag on; to compile only the tags you call:\n\
         # `default-features = false, features = [\"<tag>\", ...]`.\n\
         default = [\"full\"]\n",
    );
    text.push_str(&format!("full = [{}]\n", all.join(", ")));
    for m in &api.modules {
        text.push_str(&format!("# Operations tagged `{}`.\n{} = []\n", super::docs::one_line(&m.tag), m.feature));
    }
    text
}

/// Hand-written examples call any tag, so they need every feature.
fn examples(settings: &Settings) -> String {
    settings
        .extra_files
        .iter()
        .filter_map(|(path, _)| path.strip_prefix("examples/")?.strip_suffix(".rs"))
        .filter(|name| !name.contains('/'))
        .map(|name| format!("\n[[example]]\nname = \"{name}\"\nrequired-features = [\"full\"]\n"))
        .collect()
}

/// The package description: one line of TOML basic string, whatever the title holds.
fn description(title: &str) -> String {
    format!("Rust client for {}, generated from its OpenAPI document.", super::docs::one_line(title))
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_title_with_line_breaks_quotes_and_backslashes_gives_a_valid_manifest_line() {
        let title = "Odd \"text\" \\q\n[workspace]\r\u{7}\u{7f}\u{85} end";
        let line = format!("description = \"{}\"", super::description(title));
        let manifest: toml::Table = line.parse().expect("valid TOML");
        assert_eq!(
            manifest["description"].as_str(),
            Some("Rust client for Odd \"text\" \\q [workspace] end, generated from its OpenAPI document.")
        );
        assert!(!manifest.contains_key("workspace"));
    }
}
