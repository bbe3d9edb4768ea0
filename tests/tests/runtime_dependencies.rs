//! The runtime compiles in templates/ with the same dependencies the
//! generator writes into every generated Cargo.toml.

#[test]
fn template_dependencies_match_the_generated_manifest() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../templates/Cargo.toml"))
        .expect("templates/Cargo.toml");
    let templates: toml::Table = toml::from_str(&manifest).expect("valid TOML");
    let generated: toml::Table = toml::from_str(generator::render::cargo::RUNTIME_DEPENDENCIES).expect("valid TOML");
    assert_eq!(templates["dependencies"].as_table().expect("a table"), &generated);
}
