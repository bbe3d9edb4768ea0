//! `cargo xtask codegen [--check]` and `cargo xtask generate`: thin callers
//! of `generator::project`, the implementation the `openapi-rs` command shares.

use generator::project::{self, Config, Error, Mode, Report};
use generator::{Diagnostic, Generated, Settings};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub use generator::settings::default_crate_name;

/// The command named in the generated files' first line (unless codegen.toml
/// sets `command`) and in the drift check's advice.
const COMMAND: &str = "cargo xtask codegen";

/// Generates every configured crate in memory; any problem in any spec
/// stops everything before a single file is written.
pub fn run_codegen(args: &[String]) -> Result<(), String> {
    let mode = match args {
        [] => Mode::Write,
        [flag] if flag == "--check" => Mode::Check,
        _ => return Err("usage: cargo xtask codegen [--check]".into()),
    };
    let started = Instant::now();
    let root = Path::new("");
    let config = Config::read(root).map_err(|e| e.to_string())?;
    let mut reports = project::codegen(root, &config, COMMAND, mode, &mut |_, _, _| {}).map_err(|mut e| {
        e.locate();
        format!("{e}\nnothing was written")
    })?;
    reports.iter_mut().for_each(Report::locate_warnings);
    for report in &reports {
        print_warnings(&report.spec, &report.warnings);
    }
    if mode == Mode::Check {
        let stale: Vec<String> = reports
            .iter()
            .flat_map(|report| {
                let writes = report.writes.iter().map(|p| format!("  out of date: {}", p.display()));
                let removals = report.removals.iter().map(|p| format!("  stale: {}", p.display()));
                writes.chain(removals).collect::<Vec<_>>()
            })
            .collect();
        if !stale.is_empty() {
            return Err(format!(
                "error: generated code differs from the specs:\n{}\nrun `{}` to update it",
                stale.join("\n"),
                config.command.as_deref().unwrap_or(COMMAND)
            ));
        }
        println!("generated code is up to date ({} crates, {} ms)", reports.len(), started.elapsed().as_millis());
        return Ok(());
    }
    for report in &reports {
        println!(
            "{}: {} written, {} removed, {} unchanged (generated in {} ms)",
            report.out.display(),
            report.writes.len(),
            report.removals.len(),
            report.unchanged,
            report.generate_time.as_millis()
        );
        print_files(report);
    }
    println!("done in {} ms", started.elapsed().as_millis());
    Ok(())
}

fn print_files(report: &Report) {
    for path in &report.writes {
        println!("  wrote {}", path.display());
    }
    for path in &report.removals {
        println!("  removed {}", path.display());
    }
}

/// Reads and generates one spec, with diagnostics that name the file.
pub fn generate_from_file(spec: &Path, settings: &Settings) -> Result<(Generated, std::time::Duration), String> {
    project::generate_file(spec, settings)
        .map(|(_, generated, elapsed)| (generated, elapsed))
        .map_err(|e| e.to_string())
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
        Settings::new(&name, spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default())
            .with_command(command)
            .with_standalone_workspace(standalone);
    for (scheme, prefix) in prefixes {
        settings = settings.with_api_key_prefix(scheme, prefix);
    }
    for secret in secrets {
        settings = settings.with_secret_property(secret);
    }
    let mut report = project::generate_crate(&spec, &out, &settings).map_err(|mut e| {
        e.locate();
        match e {
            Error::Spec { .. } | Error::Settings(_) | Error::Conflict { .. } => format!("{e}\nnothing was written"),
            other => other.to_string(),
        }
    })?;
    report.locate_warnings();
    print_warnings(&spec, &report.warnings);
    println!(
        "{}: crate `{name}`: {} written, {} removed, {} unchanged; {} warnings (generated in {} ms)",
        out.display(),
        report.writes.len(),
        report.removals.len(),
        report.unchanged,
        report.warnings.len(),
        report.generate_time.as_millis()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

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

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        name: {type: string}\n";

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn snapshot(dir: &std::path::Path) -> Vec<(String, Option<String>)> {
        generator::project::read_folder(dir).unwrap().into_iter().collect()
    }

    #[test]
    fn a_missing_spec_is_named_and_nothing_is_written() {
        let dir = temp_dir("missing");
        let missing = dir.with_extension("does-not-exist.yaml");
        let error = super::run_generate(&[missing.display().to_string(), "--out".into(), dir.display().to_string()])
            .unwrap_err();
        assert!(error.contains("cannot read the spec") && error.contains("does-not-exist.yaml"), "{error}");
        assert!(!dir.exists(), "nothing was created");
    }

    #[test]
    fn a_failing_generate_leaves_the_output_as_it_was() {
        let dir = temp_dir("atomic");
        let spec_path = dir.with_extension("yaml");
        std::fs::write(&spec_path, SPEC).unwrap();
        let args = |spec: &PathBuf| vec![spec.display().to_string(), "--out".into(), dir.display().to_string()];
        super::run_generate(&args(&spec_path)).unwrap();
        let before = snapshot(&dir);
        std::fs::write(&spec_path, SPEC.replace("'#/components/schemas/Pet'", "'#/components/schemas/Missing'"))
            .unwrap();
        let error = super::run_generate(&args(&spec_path)).unwrap_err();
        assert!(error.contains("unresolved reference `#/components/schemas/Missing`"), "{error}");
        assert!(error.contains("nothing was written"), "{error}");
        assert_eq!(snapshot(&dir), before);
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_file(&spec_path).unwrap();
    }

    #[test]
    fn an_invalid_crate_name_is_refused_with_the_rule() {
        let dir = temp_dir("badname");
        let spec_path = dir.with_extension("yaml");
        std::fs::write(&spec_path, SPEC).unwrap();
        let args = [spec_path.display().to_string(), "--out".into(), dir.display().to_string(), "--name".into()];
        let error = super::run_generate(&[&args[..], &["my.api".to_string()]].concat()).unwrap_err();
        assert!(error.contains("invalid crate name `my.api`: it contains `.`"), "{error}");
        assert!(!dir.exists(), "nothing was created");
        std::fs::remove_file(&spec_path).unwrap();
    }
}
