//! Renders the models of every fixture spec (tests/fixtures/specs/*.yaml)
//! into OUT_DIR, one module each, for the round-trip tests.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/specs");
    println!("cargo:rerun-if-changed={}", dir.display());
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR is set by cargo");
    let mut specs: Vec<_> =
        std::fs::read_dir(&dir).expect("fixtures/specs").filter_map(|e| e.ok().map(|e| e.path())).collect();
    specs.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    specs.sort();
    let mut modules = String::new();
    for spec in specs {
        println!("cargo:rerun-if-changed={}", spec.display());
        let stem = spec.file_stem().unwrap().to_string_lossy().replace('-', "_");
        let text = std::fs::read_to_string(&spec).expect("fixture is readable");
        // The test crate has no per-tag features: every model is compiled.
        let mut settings = generator::Settings::new("fixture", spec.display().to_string());
        settings.tag_features = false;
        let generated = generator::generate(&text, &settings).unwrap_or_else(|e| panic!("{}: {e:?}", spec.display()));
        let models = &generated.files.iter().find(|f| f.path == "src/models.rs").expect("models.rs").contents;
        // `include!` cannot take a file's inner attributes (`//!` docs).
        let body: String = models.lines().filter(|l| !l.starts_with("//!")).map(|l| format!("{l}\n")).collect();
        std::fs::write(Path::new(&out_dir).join(format!("{stem}.rs")), body).expect("write models");
        writeln!(
            modules,
            "/// Models of `{stem}.yaml`.\npub mod {stem} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{stem}.rs\")); }}"
        )
        .unwrap();
    }
    std::fs::write(Path::new(&out_dir).join("fixtures.rs"), modules).expect("write fixtures.rs");
}
