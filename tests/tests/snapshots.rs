//! One insta snapshot per fixture spec: the generated crate's own code
//! (README, lib, models, API modules; not the copied runtime) and the
//! warnings and notes.

use generator::{generate, Settings};

/// The crate's code, after its diagnostics: warnings, and notes for the
/// rewrites that lose nothing, so a snapshot shows which is which.
fn crate_code(spec: &str) -> String {
    let settings = Settings::new("fixture-client", "fixture.yaml").with_lossless_rewrites(true);
    let generated = generate(spec, &settings).unwrap_or_else(|errors| {
        panic!("fixture should generate: {}", errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))
    });
    let mut out = String::new();
    for warning in &generated.warnings {
        out.push_str(&format!("// {warning}\n"));
    }
    let own = |path: &str| path == "README.md" || (path.starts_with("src/") && !path.starts_with("src/runtime/"));
    for file in generated.files.iter().filter(|f| own(&f.path)) {
        out.push_str(&format!("// ===== {} =====\n{}\n", file.path, file.contents));
    }
    out
}

#[test]
fn each_fixture_generates_the_reviewed_code() {
    insta::glob!("../fixtures/specs", "*.yaml", |path| {
        let spec = std::fs::read_to_string(path).expect("fixture is readable");
        insta::assert_snapshot!(crate_code(&spec));
    });
}

/// The normalisation fixtures (OpenAPI 3.1 constructs, out-of-range numbers)
/// go all the way to Rust, with the warnings that say what was approximated.
#[test]
fn each_normalisation_fixture_generates_the_reviewed_code() {
    insta::glob!("../../generator/tests/fixtures/normalize", "*.{yaml,json}", |path| {
        let spec = std::fs::read_to_string(path).expect("fixture is readable");
        insta::assert_snapshot!(crate_code(&spec));
    });
}

#[test]
fn generating_twice_gives_identical_bytes() {
    insta::glob!("../fixtures/specs", "*.yaml", |path| {
        let spec = std::fs::read_to_string(path).expect("fixture is readable");
        assert_eq!(crate_code(&spec), crate_code(&spec), "{}", path.display());
    });
    let okta =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../spec/okta.yaml")).expect("spec/okta.yaml");
    let settings = Settings::new("okta-client", "spec/okta.yaml");
    let first = generate(&okta, &settings).expect("okta generates").files;
    let second = generate(&okta, &settings).expect("okta generates").files;
    assert_eq!(first, second);
}

/// Every input `cargo xtask fuzz` ever found (it once crashed, hung or broke
/// the output) keeps its reviewed outcome: the crate's code, or the located
/// errors that reject it.
#[test]
fn each_fuzz_finding_gives_the_reviewed_outcome() {
    insta::glob!("../fixtures/fuzz-found", "*.{yaml,json}", |path| {
        let spec = std::fs::read_to_string(path).expect("fixture is readable");
        let settings = Settings::new("fixture-client", "fixture.yaml").with_lossless_rewrites(true);
        let outcome = match generate(&spec, &settings) {
            Ok(_) => crate_code(&spec),
            Err(errors) => {
                assert!(errors.iter().any(|d| d.is_error()), "a rejection names at least one error");
                let report: Vec<String> = errors.iter().map(|d| format!("// {d}")).collect();
                format!("// rejected\n{}\n", report.join("\n"))
            }
        };
        insta::assert_snapshot!(outcome);
    });
}
