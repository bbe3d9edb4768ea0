//! The shipped specs are OpenAPI 3.0 documents the typed parser reads as
//! they are (CI also runs an independent validator on them).

#[test]
fn every_shipped_spec_parses_with_openapiv3_as_it_is() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../spec");
    let mut checked = 0;
    for entry in std::fs::read_dir(dir).expect("spec/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).expect("readable");
            let api: openapiv3::OpenAPI =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            assert!(api.openapi.starts_with("3.0"), "{}: {}", path.display(), api.openapi);
            let generated = generator::generate(&text, &generator::Settings::new("x", "x")).expect("generates");
            assert!(generated.warnings.is_empty(), "{}: {:?}", path.display(), generated.warnings);
            checked += 1;
        }
    }
    assert_eq!(checked, 2, "spec/okta.yaml and spec/ocs-identity.yaml");
}
