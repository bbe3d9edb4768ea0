//! `codegen.toml`'s `[crate.paging]` reaches the generated code: a list
//! detection pages is left unpaged, and one it cannot see is paged.

use std::path::Path;

const SPEC: &str = include_str!("../../tests/fixtures/specs/paging.yaml");

/// The text of the generated `src/apis/default.rs` with `config`'s settings.
fn default_api(config: &str) -> String {
    let config = generator::project::Config::parse(config, Path::new("codegen.toml")).expect("codegen.toml parses");
    let settings = config.crates[0].settings(Path::new("."), "cargo xtask codegen").expect("settings");
    let generated = generator::generate(SPEC, &settings).expect("the fixture generates");
    let file = generated.files.iter().find(|f| f.path == "src/apis/default.rs").expect("the api file");
    file.contents.clone()
}

/// Whether the builder `builder` of `api` has a `stream` method.
fn streams(api: &str, builder: &str) -> bool {
    let start = api.find(&format!("impl<'a> {builder}<'a> {{")).expect("the builder's impl");
    let end = api[start..].find("\nimpl").map_or(api.len(), |e| start + e);
    api[start..end].contains("pub fn stream(")
}

#[test]
fn codegen_toml_paging_overrides_detection() {
    let head = "[[crate]]\nspec = \"paging.yaml\"\nname = \"paging-client\"\nout = \"out\"\n";
    let detected = default_api(head);
    assert!(streams(&detected, "ListCharges") && !streams(&detected, "ListTags"));
    let stated = default_api(&format!(
        "{head}[crate.paging]\nlistCharges = {{ style = \"none\" }}\n\
         searchCharges = {{ style = \"cursor\", param = \"cursor\", field = \"next_cursor\", items = \"data\" }}\n"
    ));
    assert!(!streams(&stated, "ListCharges"), "style none removes the stream");
    // A POST is never detected; stated, it pages.
    assert!(streams(&stated, "SearchCharges"));
}
