//! Renders the models of every fixture spec (tests/fixtures/specs/*.yaml)
//! into OUT_DIR, one module (a `src/models/` folder) each, for the
//! round-trip tests.

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
        let settings = generator::Settings::new("fixture", spec.display().to_string()).with_tag_features(false);
        let generated = generator::generate(&text, &settings).unwrap_or_else(|e| panic!("{}: {e:?}", spec.display()));
        // The generated `src/models/` folder as it is, one module per spec.
        let folder = Path::new(&out_dir).join(&stem);
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).expect("create the models folder");
        for file in &generated.files {
            if let Some(name) = file.path.strip_prefix("src/models/") {
                std::fs::write(folder.join(name), &file.contents).expect("write models");
            }
        }
        let mod_rs = folder.join("mod.rs").display().to_string();
        writeln!(modules, "/// Models of `{stem}.yaml`.\n#[path = {mod_rs:?}]\npub mod {stem};").unwrap();
    }
    std::fs::write(Path::new(&out_dir).join("fixtures.rs"), modules).expect("write fixtures.rs");
}
