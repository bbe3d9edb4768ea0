//! `cargo xtask corpus [DIR] [--allow-refused]`: generate a crate for every
//! spec in DIR and in its folders below (`swagger2/*.yaml`, and a spec kept
//! as several files, `multi-file/digitalocean/`: root documents only, the
//! generator follows their references; a crate below DIR is named after its
//! path, `swagger2-petstore-client`), check that each compiles with no
//! warnings (all features: every tag and the test double, `mock`), and
//! print a table
//! of the results. With `--allow-refused`, a spec the generator refuses (with
//! an error, as the fuzz findings that are snapshotted as refusals are) is no
//! failure; every crate that does generate must still build warning-free.
//!
//! Each crate is also checked with `--no-default-features` and one tag's
//! feature at a time: every tag when there are at most
//! `ALL_FEATURES_UP_TO`, otherwise the first, middle and last.
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
/// Crates with at most this many tag features have every one checked alone.
const ALL_FEATURES_UP_TO: usize = 6;

struct Row {
    spec: String,
    generate_ms: Option<u128>,
    /// Approximations that lose something (the generator's warnings).
    warnings: usize,
    /// Rewrites that lose nothing (the generator's notes).
    lossless: usize,
    result: String,
    detail: String,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let allow_refused = args.iter().any(|a| a == "--allow-refused");
    if let Some(unknown) = args.iter().find(|a| a.starts_with('-') && *a != "--allow-refused") {
        return Err(format!("error: unknown option `{unknown}` (expected `--allow-refused`)"));
    }
    let dir = PathBuf::from(args.iter().find(|a| !a.starts_with('-')).map(String::as_str).unwrap_or(DEFAULT_DIR));
    let specs = root_documents(&dir)?;
    if specs.is_empty() {
        return Err(format!("error: no .yaml/.yml/.json specs in {}", dir.display()));
    }
    let workspace = Path::new(WORKSPACE);
    std::fs::create_dir_all(workspace.join("crates")).map_err(|e| format!("error: cannot create {WORKSPACE}: {e}"))?;
    let mut rows = Vec::new();
    let mut members = Vec::new();
    for spec in &specs {
        let label = spec.strip_prefix(&dir).unwrap_or(spec).to_string_lossy().replace('\\', "/");
        // `swagger2/petstore.yaml` -> `swagger2-petstore-client`, apart from a `petstore.yaml` beside it.
        let name = default_crate_name(Path::new(&label.replace('/', "-")));
        let settings = Settings::new(&name, &label).with_command(format!("cargo xtask corpus {}", dir.display()));
        match generate_from_file(spec, &settings) {
            Ok((generated, elapsed)) => {
                let out = workspace.join("crates").join(&name);
                generator::project::write_files(&out, &generated.files).map_err(|e| e.to_string())?;
                members.push(name.clone());
                rows.push(Row {
                    spec: label,
                    generate_ms: Some(elapsed.as_millis()),
                    warnings: generated.warning_count(),
                    lossless: generated.lossless_rewrites,
                    result: String::new(),
                    detail: name,
                });
            }
            Err(message) => rows.push(Row {
                spec: label,
                generate_ms: None,
                warnings: 0,
                lossless: 0,
                result: if allow_refused { "refused (allowed)" } else { "generate failed" }.into(),
                detail: message.lines().next().unwrap_or_default().to_string(),
            }),
        }
    }
    let checked: Vec<String> = rows.iter().filter(|r| r.result.is_empty()).map(|r| r.detail.clone()).collect();
    let mut results = check_crates(workspace, &checked)?.into_iter();
    for row in rows.iter_mut().filter(|r| r.result.is_empty()) {
        (row.result, row.detail) = results.next().expect("one result per crate");
    }
    let mut table =
        String::from("| spec | generate | spec warnings | rewrites without loss | result | first error or warning |\n|---|---|---|---|---|---|\n");
    for row in &rows {
        let ms = row.generate_ms.map(|ms| format!("{ms} ms")).unwrap_or_else(|| "-".into());
        writeln!(
            table,
            "| {} | {ms} | {} | {} | {} | {} |",
            row.spec,
            row.warnings,
            row.lossless,
            row.result,
            row.detail.replace('|', "\\|")
        )
        .unwrap();
    }
    println!("{table}");
    let failed = rows.iter().filter(|r| r.result != "ok" && r.result != "refused (allowed)").count();
    if failed > 0 {
        return Err(format!("error: {failed} of {} specs did not give a warning-free crate", rows.len()));
    }
    Ok(())
}

/// The specs of the corpus folder `dir`: its documents and those of the
/// folders below it, up to [`FOLDER_DEPTH`] levels down (`swagger2/`, a spec
/// kept as several files in `multi-file/digitalocean/`). Only root documents
/// count (they declare `openapi` or `swagger`); the files they refer to are
/// read by the generator.
fn root_documents(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut specs = Vec::new();
    let mut folders = vec![(dir.to_path_buf(), 0)];
    while let Some((folder, depth)) = folders.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| format!("error: cannot read corpus folder {}: {e}", folder.display()))?;
        for path in entries.filter_map(|entry| entry.ok().map(|e| e.path())) {
            if path.is_dir() {
                if depth < FOLDER_DEPTH {
                    folders.push((path, depth + 1));
                }
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
                && std::fs::read_to_string(&path).is_ok_and(|text| is_root_document(&text))
            {
                specs.push(path);
            }
        }
    }
    specs.sort();
    Ok(specs)
}

/// How far below the corpus folder specs are looked for: deep enough for
/// `multi-file/<spec>/` and `swagger2/<spec>/spec/`.
const FOLDER_DEPTH: usize = 3;

/// Whether `text` declares an OpenAPI or Swagger version at its top level
/// (a part of a multi-file spec does not). Parsed, not matched by line: a
/// document may indent its top-level mapping (`---\n  swagger: "2.0"`). A
/// file that does not parse counts, so the generator's error is reported
/// instead of the file being passed over.
fn is_root_document(text: &str) -> bool {
    match serde_yaml::from_str::<serde_yaml::Value>(text) {
        Ok(document) => document.get("openapi").is_some() || document.get("swagger").is_some(),
        Err(_) => true,
    }
}

/// Writes the throwaway workspace's manifest for `members` (folders under
/// `workspace/crates`), and `cargo check`s each one, whole and then with
/// single tag features alone (every tag up to [`ALL_FEATURES_UP_TO`], else
/// the first, middle and last); returns a result ("ok", "warnings", "does
/// not compile") and a detail per member. Every such workspace shares
/// `target/corpus/target`, so dependencies compile once.
pub fn check_crates(workspace: &Path, members: &[String]) -> Result<Vec<(String, String)>, String> {
    let manifest = format!(
        "# Throwaway workspace of `cargo xtask corpus` or `fuzz`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.iter().map(|m| format!("\"crates/{m}\"")).collect::<Vec<_>>().join(", ")
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest)
        .map_err(|e| format!("error: cannot write {}/Cargo.toml: {e}", workspace.display()))?;
    // The same dependency versions as the project's own generated crates.
    if !workspace.join("Cargo.lock").exists() {
        std::fs::copy("Cargo.lock", workspace.join("Cargo.lock"))
            .map_err(|e| format!("error: cannot copy Cargo.lock into {}: {e}", workspace.display()))?;
    }
    let target_dir = std::env::current_dir().map_err(|e| format!("error: {e}"))?.join(WORKSPACE).join("target");
    let mut results = Vec::new();
    for crate_name in members {
        eprintln!("checking {crate_name}...");
        let started = Instant::now();
        // All features: every tag and the test double (`mock`); the tags alone below go without it.
        let mut outcome = check(workspace, &target_dir, &["--all-targets", "-p", crate_name, "--all-features"])?;
        let features = tag_features(&workspace.join("crates").join(crate_name))?;
        let sample: Vec<&String> = if features.len() <= ALL_FEATURES_UP_TO {
            features.iter().collect()
        } else {
            vec![&features[0], &features[features.len() / 2], &features[features.len() - 1]]
        };
        for feature in &sample {
            if outcome.is_some() {
                break;
            }
            eprintln!("checking {crate_name} with only the `{feature}` feature...");
            outcome = check(
                workspace,
                &target_dir,
                &["--lib", "-p", crate_name, "--no-default-features", "--features", feature],
            )?
            .map(|(result, first)| (format!("{result} (feature `{feature}` alone)"), first));
        }
        results.push(match outcome {
            None => (
                "ok".into(),
                format!("checked in {} s ({} tag features alone)", started.elapsed().as_secs(), sample.len()),
            ),
            Some(problem) => problem,
        });
    }
    Ok(results)
}

/// `cargo check`s with `args`: `None` when warning-free, or the result and the first diagnostic.
fn check(workspace: &Path, target_dir: &Path, args: &[&str]) -> Result<Option<(String, String)>, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--message-format=short"])
        .args(args)
        .arg("--target-dir")
        .arg(target_dir)
        .current_dir(workspace)
        .output()
        .map_err(|e| format!("error: cannot run cargo: {e}"))?;
    let diagnostics = String::from_utf8_lossy(&output.stderr);
    let first = diagnostics.lines().find(|l| l.contains("warning:") || l.contains("error:") || l.contains("error["));
    Ok(match (output.status.success(), first) {
        (true, None) => None,
        (true, Some(first)) => Some(("warnings".into(), first.to_string())),
        (false, first) => Some(("does not compile".into(), first.unwrap_or_default().to_string())),
    })
}

/// The generated crate's tag features, in Cargo.toml order (`default` and `full` left out).
fn tag_features(crate_dir: &Path) -> Result<Vec<String>, String> {
    let path = crate_dir.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
    // The generator writes `full = ["tag-a", "tag-b", ...]` on one line, listing every tag.
    let Some(list) = text.lines().find_map(|l| l.strip_prefix("full = [")) else { return Ok(Vec::new()) };
    Ok(list
        .trim_end_matches(']')
        .split(',')
        .map(|f| f.trim().trim_matches('"').to_string())
        .filter(|f| !f.is_empty())
        .collect())
}
