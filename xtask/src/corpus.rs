//! `cargo xtask corpus [DIR]`: generate a crate for every spec in DIR, check
//! that each compiles with no warnings, and print a table of the results.
//!
//! The crates share one throwaway workspace under target/corpus (and the
//! project's Cargo.lock), so their dependencies compile once.

use crate::codegen::{default_crate_name, generate_from_file};
use generator::Settings;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const DEFAULT_DIR: &str = "../shared/corpus";
const WORKSPACE: &str = "target/corpus";

struct Row {
    spec: String,
    generate_ms: Option<u128>,
    warnings: usize,
    result: String,
    detail: String,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let dir = PathBuf::from(args.first().map(String::as_str).unwrap_or(DEFAULT_DIR));
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("error: cannot read corpus folder {}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
        .collect();
    specs.sort();
    if specs.is_empty() {
        return Err(format!("error: no .yaml/.yml/.json specs in {}", dir.display()));
    }
    let workspace = Path::new(WORKSPACE);
    std::fs::create_dir_all(workspace.join("crates")).map_err(|e| format!("error: cannot create {WORKSPACE}: {e}"))?;
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for spec in &specs {
        let name = default_crate_name(spec);
        let label = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
        let mut settings = Settings::new(&name, &label);
        settings.command = format!("cargo xtask corpus {}", dir.display());
        match generate_from_file(spec, &settings) {
            Ok((generated, elapsed)) => {
                let out = workspace.join("crates").join(&name);
                generator::project::write_files(&out, &generated.files).map_err(|e| e.to_string())?;
                members.push(name.clone());
                rows.push(Row {
                    spec: label,
                    generate_ms: Some(elapsed.as_millis()),
                    warnings: generated.warnings.len(),
                    result: String::new(),
                    detail: name,
                });
            }
            Err(message) => rows.push(Row {
                spec: label,
                generate_ms: None,
                warnings: 0,
                result: "generate failed".into(),
                detail: message.lines().next().unwrap_or_default().to_string(),
            }),
        }
    }
    let manifest = format!(
        "# Throwaway workspace of `cargo xtask corpus`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.iter().map(|m| format!("\"crates/{m}\"")).collect::<Vec<_>>().join(", ")
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest)
        .map_err(|e| format!("error: cannot write the corpus manifest: {e}"))?;
    // The same dependency versions as the project's own generated crates.
    if !workspace.join("Cargo.lock").exists() {
        let _ = std::fs::copy("Cargo.lock", workspace.join("Cargo.lock"));
    }
    for row in rows.iter_mut().filter(|r| r.result.is_empty()) {
        let crate_name = row.detail.clone();
        eprintln!("checking {crate_name}...");
        let started = Instant::now();
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "--quiet", "--all-targets", "--message-format=short", "-p", &crate_name])
            .current_dir(workspace)
            .output()
            .map_err(|e| format!("error: cannot run cargo: {e}"))?;
        let diagnostics = String::from_utf8_lossy(&output.stderr);
        let first =
            diagnostics.lines().find(|l| l.contains("warning:") || l.contains("error:") || l.contains("error["));
        row.result = match (output.status.success(), first) {
            (true, None) => "ok".into(),
            (true, Some(_)) => "warnings".into(),
            (false, _) => "does not compile".into(),
        };
        row.detail = format!(
            "{}{}",
            first.unwrap_or(""),
            if first.is_none() { format!("checked in {} s", started.elapsed().as_secs()) } else { String::new() }
        );
    }
    let mut table =
        String::from("| spec | generate | spec warnings | result | first error or warning |\n|---|---|---|---|---|\n");
    for row in &rows {
        let ms = row.generate_ms.map(|ms| format!("{ms} ms")).unwrap_or_else(|| "-".into());
        writeln!(
            table,
            "| {} | {ms} | {} | {} | {} |",
            row.spec,
            row.warnings,
            row.result,
            row.detail.replace('|', "\\|")
        )
        .unwrap();
    }
    println!("{table}");
    let failed = rows.iter().filter(|r| r.result != "ok").count();
    if failed > 0 {
        return Err(format!("error: {failed} of {} specs did not give a warning-free crate", rows.len()));
    }
    Ok(())
}
