//! `cargo xtask codegen [--check]` and `cargo xtask generate`.

use crate::output::Plan;
use generator::{Diagnostic, Generated, Settings};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

const CONFIG: &str = "codegen.toml";

/// codegen.toml.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    #[serde(rename = "crate")]
    crates: Vec<CrateConfig>,
}

/// One crate to generate.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CrateConfig {
    spec: PathBuf,
    name: String,
    out: PathBuf,
    /// A folder of hand-written examples copied into the crate's `examples/`.
    examples: Option<PathBuf>,
    #[serde(default)]
    api_key_prefixes: BTreeMap<String, String>,
    #[serde(default)]
    secret_properties: Vec<String>,
}

/// Generates every configured crate in memory; any problem in any spec
/// stops everything before a single file is written.
pub fn run_codegen(args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask codegen [--check]".into()),
    };
    let started = Instant::now();
    let text = std::fs::read_to_string(CONFIG).map_err(|e| format!("error: cannot read {CONFIG}: {e}"))?;
    let config: Config = toml::from_str(&text).map_err(|e| format!("error: {CONFIG}: {e}"))?;
    let mut generated = Vec::new();
    let mut failures = Vec::new();
    for krate in &config.crates {
        let mut settings = Settings::new(&krate.name, krate.spec.to_string_lossy().replace('\\', "/"));
        settings.api_key_prefixes = krate.api_key_prefixes.clone();
        settings.secret_properties = krate.secret_properties.clone();
        if let Some(dir) = &krate.examples {
            settings.extra_files = read_examples(dir)?;
        }
        match generate_from_file(&krate.spec, &settings) {
            Ok((result, elapsed)) => generated.push((krate, result, elapsed)),
            Err(message) => failures.push(message),
        }
    }
    if !failures.is_empty() {
        return Err(format!("{}\nnothing was written", failures.join("\n")));
    }
    let mut plans = Vec::new();
    for (krate, result, elapsed) in &generated {
        print_warnings(&krate.spec, &result.warnings);
        plans.push((krate, Plan::new(&krate.out, &result.files)?, elapsed));
    }
    if check {
        let stale: Vec<String> = plans
            .iter()
            .flat_map(|(_, plan, _)| {
                let writes = plan.writes.iter().map(|(p, _)| format!("  out of date: {}", p.display()));
                let removals = plan.removals.iter().map(|p| format!("  stale: {}", p.display()));
                writes.chain(removals).collect::<Vec<_>>()
            })
            .collect();
        if !stale.is_empty() {
            return Err(format!(
                "error: generated code differs from the specs:\n{}\nrun `cargo xtask codegen` to update it",
                stale.join("\n")
            ));
        }
        println!("generated code is up to date ({} crates, {} ms)", plans.len(), started.elapsed().as_millis());
        return Ok(());
    }
    for (krate, plan, elapsed) in &plans {
        plan.apply()?;
        println!(
            "{}: {} written, {} removed, {} unchanged (generated in {} ms)",
            krate.out.display(),
            plan.writes.len(),
            plan.removals.len(),
            plan.unchanged,
            elapsed.as_millis()
        );
        for (path, _) in &plan.writes {
            println!("  wrote {}", path.display());
        }
        for path in &plan.removals {
            println!("  removed {}", path.display());
        }
    }
    println!("done in {} ms", started.elapsed().as_millis());
    Ok(())
}

fn read_examples(dir: &Path) -> Result<Vec<(String, String)>, String> {
    let entries =
        std::fs::read_dir(dir).map_err(|e| format!("error: cannot read examples folder {}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.map_err(|e| format!("error: {}: {e}", dir.display()))?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
            let name = path.file_name().expect("a file has a name").to_string_lossy();
            files.push((format!("examples/{name}"), text));
        }
    }
    files.sort();
    Ok(files)
}

/// Reads and generates one spec, with diagnostics that name the file.
pub fn generate_from_file(spec: &Path, settings: &Settings) -> Result<(Generated, std::time::Duration), String> {
    let text =
        std::fs::read_to_string(spec).map_err(|e| format!("error: {}: cannot read the spec: {e}", spec.display()))?;
    let started = Instant::now();
    match generator::generate(&text, settings) {
        Ok(generated) => Ok((generated, started.elapsed())),
        Err(diagnostics) => {
            Err(diagnostics.iter().map(|d| format!("{}: {d}", spec.display())).collect::<Vec<_>>().join("\n"))
        }
    }
}

fn print_warnings(spec: &Path, warnings: &[Diagnostic]) {
    for warning in warnings {
        eprintln!("{}: {warning}", spec.display());
    }
}

/// `cargo xtask generate <SPEC> --out <DIR> [--name <CRATE>] ...`
pub fn run_generate(args: &[String]) -> Result<(), String> {
    let usage = || crate::USAGE.to_string();
    let mut spec = None;
    let mut out = None;
    let mut name = None;
    let mut prefixes = BTreeMap::new();
    let mut secrets = Vec::new();
    let mut standalone = true;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(iter.next().ok_or_else(usage)?)),
            "--name" => name = Some(iter.next().ok_or_else(usage)?.clone()),
            "--api-key-prefix" => {
                let pair = iter.next().ok_or_else(usage)?;
                let (scheme, prefix) = pair
                    .split_once('=')
                    .ok_or_else(|| format!("error: --api-key-prefix wants SCHEME=PREFIX, got `{pair}`"))?;
                prefixes.insert(scheme.to_string(), prefix.to_string());
            }
            "--secret" => secrets.push(iter.next().ok_or_else(usage)?.clone()),
            "--workspace-member" => standalone = false,
            flag if flag.starts_with("--") => return Err(format!("error: unknown option `{flag}`\n{}", usage())),
            path if spec.is_none() => spec = Some(PathBuf::from(path)),
            _ => return Err(usage()),
        }
    }
    let (Some(spec), Some(out)) = (spec, out) else { return Err(usage()) };
    let name = name.unwrap_or_else(|| default_crate_name(&spec));
    let command = format!("cargo xtask generate {} --out {}", spec.display(), out.display());
    let mut settings =
        Settings::new(&name, spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default());
    settings.command = command;
    settings.api_key_prefixes = prefixes;
    settings.secret_properties = secrets;
    settings.standalone_workspace = standalone;
    let (generated, elapsed) = generate_from_file(&spec, &settings).map_err(|m| format!("{m}\nnothing was written"))?;
    print_warnings(&spec, &generated.warnings);
    let plan = Plan::new(&out, &generated.files)?;
    plan.apply()?;
    println!(
        "{}: crate `{name}`: {} written, {} removed, {} unchanged; {} warnings (generated in {} ms)",
        out.display(),
        plan.writes.len(),
        plan.removals.len(),
        plan.unchanged,
        generated.warnings.len(),
        elapsed.as_millis()
    );
    Ok(())
}

/// `specs/petstore.yaml` -> `petstore-client`.
pub fn default_crate_name(spec: &Path) -> String {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let cleaned: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let cleaned = cleaned.trim_matches('-');
    let cleaned = if cleaned.is_empty() || cleaned.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{cleaned}")
    } else {
        cleaned.to_string()
    };
    format!("{}-client", cleaned.trim_end_matches('-'))
}

#[cfg(test)]
mod tests {
    /// The drift check inside plain `cargo test`: the checked-in crates must
    /// be exactly what `cargo xtask codegen` makes of the specs.
    #[test]
    fn generated_crates_match_the_specs() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the project root");
        std::env::set_current_dir(root).expect("enter the project root");
        if let Err(message) = super::run_codegen(&["--check".to_string()]) {
            panic!("{message}");
        }
    }

    #[test]
    fn crate_names_derive_from_spec_file_names() {
        use std::path::Path;
        assert_eq!(super::default_crate_name(Path::new("specs/Pet Store.v2.yaml")), "pet-store-v2-client");
        assert_eq!(super::default_crate_name(Path::new("3d.json")), "api-3d-client");
    }
}
