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

/// Mistakes whose intent is clear generate, each with a warning at its place.
#[test]
fn forgiven_mistakes_generate_with_a_located_warning_each() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../generator/tests/fixtures/normalize/");
    for (fixture, expected) in [
        (
            "forgiven_duplicate_operation_ids.yaml",
            &[
                (
                    "/paths/~1b/get/operationId",
                    "duplicate operationId `fetch`, first used at #/paths/~1a/get/operationId",
                ),
                (
                    "/paths/~1b/post/operationId",
                    "duplicate operationId `fetch`, first used at #/paths/~1a/get/operationId",
                ),
            ][..],
        ),
        ("forgiven_no_paths.yaml", &[("", "the document has no `paths`")][..]),
        ("forgiven_null_paths.yaml", &[("/paths", "`paths` is null")][..]),
        (
            "forgiven_string_discriminator.yaml",
            &[("/components/schemas/Pet/discriminator", "read as `{propertyName: petType}`")][..],
        ),
    ] {
        let spec = std::fs::read_to_string(format!("{dir}{fixture}")).expect("fixture is readable");
        let generated = generate(&spec, &Settings::new("x", fixture)).unwrap_or_else(|e| panic!("{fixture}: {e:?}"));
        let warnings: Vec<(&str, &str)> =
            generated.warnings.iter().map(|d| (d.pointer.as_str(), d.message.as_str())).collect();
        assert_eq!(warnings.len(), expected.len(), "{fixture}: {warnings:?}");
        for ((pointer, message), (expected_pointer, says)) in warnings.iter().zip(expected) {
            assert_eq!(pointer, expected_pointer, "{fixture}");
            assert!(message.contains(says), "{fixture}: {message}");
        }
    }
    // Duplicate operationIds get distinct methods.
    let spec = std::fs::read_to_string(format!("{dir}forgiven_duplicate_operation_ids.yaml")).unwrap();
    let generated = generate(&spec, &Settings::new("x", "x.yaml")).unwrap();
    let apis: String =
        generated.files.iter().filter(|f| f.path.starts_with("src/apis/")).map(|f| f.contents.as_str()).collect();
    for method in ["pub fn fetch(", "pub fn fetch2(", "pub fn fetch3("] {
        assert!(apis.contains(method), "{method}");
    }
    // A string discriminator chooses the variant by its value.
    let spec = std::fs::read_to_string(format!("{dir}forgiven_string_discriminator.yaml")).unwrap();
    let generated = generate(&spec, &Settings::new("x", "x.yaml")).unwrap();
    let models: String =
        generated.files.iter().filter(|f| f.path.starts_with("src/models")).map(|f| f.contents.as_str()).collect();
    assert!(models.contains("\"petType\""), "the discriminator property is read");
}
