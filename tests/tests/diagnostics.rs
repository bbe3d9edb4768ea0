//! Bad input gets a clear error that says where and what, never a panic.

use generator::{generate, Settings};

#[test]
fn each_invalid_spec_is_reported_with_its_location() {
    insta::glob!("../fixtures/invalid", "*.{yaml,json}", |path| {
        let spec = std::fs::read_to_string(path).expect("fixture is readable");
        let errors =
            generate(&spec, &Settings::new("bad-client", "bad.yaml")).expect_err("an invalid spec must not generate");
        assert!(errors.iter().any(|d| d.is_error()), "at least one error");
        let report: Vec<String> = errors.iter().map(ToString::to_string).collect();
        insta::assert_snapshot!(report.join("\n"));
    });
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let errors = generate("openapi: 3.0.3\ninfo: {title: x\n", &Settings::new("x", "x.yaml")).unwrap_err();
    assert!(errors[0].line_col.is_some(), "{:?}", errors);
    let errors = generate("{\"openapi\": \"3.0.3\",\n  \"info\": }", &Settings::new("x", "x.json")).unwrap_err();
    assert_eq!(errors[0].line_col, Some((2, 11)));
}

#[test]
fn every_duplicate_operation_id_is_named() {
    let spec = include_str!("../fixtures/invalid/duplicate-operation-ids.yaml");
    let errors = generate(spec, &Settings::new("x", "x.yaml")).unwrap_err();
    let duplicates: Vec<_> = errors.iter().filter(|d| d.message.contains("duplicate operationId `fetch`")).collect();
    assert_eq!(duplicates.len(), 2, "{errors:?}");
    assert_eq!(duplicates[0].pointer, "/paths/~1b/get/operationId");
}
