//! The runtime compiles with the same dependencies everywhere it does: in
//! templates/, in every generated crate (the generator's manifest), and in
//! this tests crate, which compiles it beside the fixture models.

fn dependencies_of(manifest: &str) -> toml::Table {
    let path = format!("{}/../{manifest}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let table: toml::Table = toml::from_str(&text).expect("valid TOML");
    table["dependencies"].as_table().expect("a [dependencies] table").clone()
}

#[test]
fn runtime_dependencies_agree_in_templates_generated_crates_and_tests() {
    let generated: toml::Table = toml::from_str(generator::render::cargo::RUNTIME_DEPENDENCIES).expect("valid TOML");
    assert_eq!(dependencies_of("templates/Cargo.toml"), generated, "templates/Cargo.toml");
    assert_eq!(dependencies_of("tests/Cargo.toml"), generated, "tests/Cargo.toml");
}
