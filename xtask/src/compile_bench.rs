//! `cargo xtask compile-bench SPEC [--name N] [--features F] [--runs R]`:
//! what a generated crate costs its users to compile.
//!
//! It generates the crate into a throwaway workspace under
//! target/compile-bench (with the project's Cargo.lock), builds and checks it
//! once so that every dependency is compiled, then times, R times each:
//! - the crate-only clean `cargo build` (after `cargo clean -p <crate>`);
//! - `touch src/lib.rs` + `cargo check`.
//!
//! Peak memory is the largest resident set of any single process of the
//! build (in practice the crate's rustc), as `/usr/bin/time` reports it from
//! `wait4`: not the sum over processes running at once. CPU time is user +
//! system time of cargo and the processes it waited for, which the other
//! builds on a shared machine disturb less than wall time.

use crate::codegen::{default_crate_name, generate_from_file};
use generator::Settings;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const WORKSPACE: &str = "target/compile-bench";
const USAGE: &str = "usage: cargo xtask compile-bench <SPEC> [--name <CRATE>] [--features <F,...>] [--runs <N>]";

struct Options {
    spec: String,
    name: Option<String>,
    features: Option<String>,
    runs: usize,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options { spec: String::new(), name: None, features: None, runs: 1 };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned().ok_or_else(|| format!("error: {arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--name" => options.name = Some(value()?),
            "--features" => options.features = Some(value()?),
            "--runs" => {
                options.runs =
                    value()?.parse().ok().filter(|n| *n > 0).ok_or(format!("error: --runs takes a count\n{USAGE}"))?
            }
            flag if flag.starts_with("--") => return Err(format!("error: unknown option {flag}\n{USAGE}")),
            spec if options.spec.is_empty() => options.spec = spec.to_string(),
            _ => return Err(USAGE.to_string()),
        }
    }
    if options.spec.is_empty() {
        return Err(USAGE.to_string());
    }
    Ok(options)
}

/// One timed cargo run: wall time, CPU time (user + system, of cargo and
/// every process it waited for: steadier than wall time on a busy machine)
/// and the peak resident set of its largest process.
struct Measure {
    elapsed: Duration,
    cpu_secs: Option<f64>,
    peak_kib: Option<u64>,
}

pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse(args)?;
    let spec = Path::new(&options.spec);
    let name = options.name.clone().unwrap_or_else(|| default_crate_name(spec));
    let label = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let mut settings = Settings::new(&name, &label);
    settings.command = format!("cargo xtask compile-bench {}", options.spec);
    let (generated, elapsed) = generate_from_file(spec, &settings)?;
    eprintln!("generated {name} in {} ms", elapsed.as_millis());
    let workspace = Path::new(WORKSPACE);
    let crate_dir = workspace.join("crates").join(&name);
    generator::project::write_files(&crate_dir, &generated.files).map_err(|e| e.to_string())?;
    // One member at a time; the dependencies' artifacts stay in the shared target folder.
    let manifest = format!(
        "# Throwaway workspace of `cargo xtask compile-bench`.\n[workspace]\nresolver = \"2\"\nmembers = [\"crates/{name}\"]\n"
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest)
        .map_err(|e| format!("error: cannot write {WORKSPACE}: {e}"))?;
    if !workspace.join("Cargo.lock").exists() {
        std::fs::copy("Cargo.lock", workspace.join("Cargo.lock"))
            .map_err(|e| format!("error: cannot copy Cargo.lock: {e}"))?;
    }
    let mut selection = vec!["-p".to_string(), name.clone()];
    if let Some(features) = &options.features {
        selection.extend(["--no-default-features".to_string(), "--features".to_string(), features.clone()]);
    }
    let lines: usize =
        generated.files.iter().filter(|f| f.path.ends_with(".rs")).map(|f| f.contents.lines().count()).sum();
    eprintln!("prebuilding the dependencies (build and check)...");
    cargo(workspace, "build", &selection)?;
    cargo(workspace, "check", &selection)?;
    let mut builds = Vec::new();
    let mut checks = Vec::new();
    for run in 1..=options.runs {
        cargo(workspace, "clean", &["-p".to_string(), name.clone()])?;
        let build = cargo(workspace, "build", &selection)?;
        touch(&crate_dir.join("src/lib.rs"))?;
        let check = cargo(workspace, "check", &selection)?;
        eprintln!("run {run}: build {}, check {}", show(&build), show(&check));
        builds.push(build);
        checks.push(check);
    }
    let features =
        options.features.as_deref().map(|f| format!(" --no-default-features --features {f}")).unwrap_or_default();
    println!("{name}{features}: {lines} lines of Rust, {} run(s)", options.runs);
    println!("crate-only clean `cargo build`: {}", summary(&builds));
    println!("touch + `cargo check`:          {}", summary(&checks));
    println!("(peak = largest resident set of a single process of the build, from /usr/bin/time)");
    Ok(())
}

fn cargo(workspace: &Path, command: &str, selection: &[String]) -> Result<Measure, String> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let report = std::env::temp_dir().join(format!("compile-bench-{}.time", std::process::id()));
    let timed = Path::new("/usr/bin/time").exists();
    let mut cmd = if timed {
        let mut cmd = Command::new("/usr/bin/time");
        cmd.arg("-f").arg("%M %U %S").arg("-o").arg(&report).arg(&cargo);
        cmd
    } else {
        Command::new(&cargo)
    };
    cmd.args([command, "--quiet"]).args(selection).current_dir(workspace);
    let started = Instant::now();
    let output = cmd.output().map_err(|e| format!("error: cannot run cargo: {e}"))?;
    let elapsed = started.elapsed();
    if !output.status.success() {
        return Err(format!("error: `cargo {command}` failed:\n{}", String::from_utf8_lossy(&output.stderr)));
    }
    let text = if timed { std::fs::read_to_string(&report).unwrap_or_default() } else { String::new() };
    let _ = std::fs::remove_file(&report);
    let figures: Vec<f64> =
        text.lines().last().unwrap_or_default().split_whitespace().filter_map(|f| f.parse().ok()).collect();
    let (peak_kib, cpu_secs) = match figures[..] {
        [peak, user, system] => (Some(peak as u64), Some(user + system)),
        _ => (None, None),
    };
    Ok(Measure { elapsed, cpu_secs, peak_kib })
}

fn touch(path: &Path) -> Result<(), String> {
    let file =
        std::fs::OpenOptions::new().append(true).open(path).map_err(|e| format!("error: {}: {e}", path.display()))?;
    file.set_modified(std::time::SystemTime::now()).map_err(|e| format!("error: cannot touch {}: {e}", path.display()))
}

fn show(m: &Measure) -> String {
    let peak = m.peak_kib.map(|k| format!(", peak {:.2} GiB", k as f64 / 1024.0 / 1024.0)).unwrap_or_default();
    let cpu = m.cpu_secs.map(|c| format!(" (cpu {c:.1} s)")).unwrap_or_default();
    format!("{:.1} s{cpu}{peak}", m.elapsed.as_secs_f64())
}

/// Median wall and CPU times and the peak over the runs, with the wall range when there are several.
fn summary(runs: &[Measure]) -> String {
    let mut secs: Vec<f64> = runs.iter().map(|m| m.elapsed.as_secs_f64()).collect();
    secs.sort_by(f64::total_cmp);
    let median = secs[secs.len() / 2];
    let range =
        if secs.len() > 1 { format!(" (min {:.1}, max {:.1})", secs[0], secs[secs.len() - 1]) } else { String::new() };
    let mut cpu: Vec<f64> = runs.iter().filter_map(|m| m.cpu_secs).collect();
    cpu.sort_by(f64::total_cmp);
    let cpu = cpu.get(cpu.len() / 2).map(|c| format!(", cpu {c:.1} s")).unwrap_or_default();
    let peak = runs.iter().filter_map(|m| m.peak_kib).max();
    let peak = peak
        .map(|k| format!(", peak {:.2} GiB", k as f64 / 1024.0 / 1024.0))
        .unwrap_or_else(|| ", peak unavailable".into());
    format!("median {median:.1} s{range}{cpu}{peak}")
}
