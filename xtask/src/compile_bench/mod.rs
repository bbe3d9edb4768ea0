//! `cargo xtask compile-bench SPEC [--name N] [--features F] [--runs R] [--calls N] [--peer DIR [--peer-features F]]...`:
//! what a generated crate costs its users to compile, alone or against
//! other generators' crates for the same spec.
//!
//! It generates the crate into a throwaway workspace under
//! target/compile-bench (with the project's Cargo.lock), builds and checks it
//! once so that every dependency is compiled, then times, R times each:
//! - clean build: the crate-only `cargo build` after `cargo clean -p <crate>`;
//! - clean check: the crate-only `cargo check` after `cargo clean -p <crate>`
//!   (which also removes the crate's incremental state, so this is cold);
//! - touch + check: `touch src/lib.rs` + `cargo check`, on the incremental
//!   state the clean check just left (what an edit-check loop costs);
//! - calls: clean build: a user's crate that calls N operations (`--calls`,
//!   default 5; `calls.rs` writes it), built after `cargo clean -p` of it
//!   and of the client crate: what a user's first build of both costs. Our
//!   operations are `#[inline]` and compile in the caller, so the crate-only
//!   figures leave part of our cost out; this one does not;
//! - calls: touch + build: `touch` the user's crate, `cargo build` it (an
//!   edit-build loop of the user's own code).
//!
//! The target: ours/peer of the calls clean build's CPU time at most
//! `TARGET_RATIO` (1.0: a user's first build of our crate and their calls
//! costs no more than of the peer's). The run fails (exit 1) when a peer's
//! ratio is over it by more than `TOLERANCE` (0.15: CPU time, unlike wall
//! time, hardly moves with other processes on a 2-core machine; single runs
//! of the same build still differ by up to 10%). The output starts with the
//! machine's core count.
//!
//! The calls are the first N operations whose required arguments are
//! scalars; a peer gets the same operations in its own call style when that
//! style is known (progenitor's builders, found by its `progenitor-client`
//! dependency: make the crate with `--interface builder`, as below; the
//! positional interface's calls need arguments this does not write), else
//! its calls figures are left out.
//!
//! `--peer DIR` (repeatable) adds a crate that another generator made (a
//! folder with its own Cargo.toml) as another member of the same workspace:
//! it is copied to target/compile-bench/peer/ (without `target/`,
//! `Cargo.lock`, `.git`; its package renamed `<name>-peer` if the name is
//! taken; any `[workspace]` table dropped), prebuilt like ours, and measured
//! in the same run. `--peer-features F` after it builds that peer with
//! `--no-default-features --features F` (say, to pick its TLS backend). The
//! crates take turns figure by figure, who goes first rotating from run to
//! run, so a machine that gets busier disturbs all alike; the output ends
//! with ours/peer ratios of the medians. The shared Cargo.lock gains the
//! peers' dependencies on their first run (crates.io must be reachable then).
//! Features unify per selected package (resolver 2), so no crate's
//! dependencies are rebuilt for another's.
//!
//! Against progenitor and openapi-generator on the Spotify spec (both tools
//! installed outside the repo from their registries; nothing of them is
//! part of this project):
//!
//! ```text
//! cargo install cargo-progenitor --version 0.15.1 --locked --root /tmp/progenitor-root
//! python3 -m venv /tmp/oag-venv && /tmp/oag-venv/bin/pip install openapi-generator-cli==7.26.0
//! # PATCHED = ../shared/corpus/spotify.yaml with the patch below
//! /tmp/progenitor-root/bin/cargo-progenitor progenitor -i PATCHED -o /tmp/peer-progenitor-spotify \
//!     -n spotify-progenitor -v 0.1.0 --interface builder
//! /tmp/oag-venv/bin/openapi-generator-cli generate -g rust -i PATCHED -o /tmp/peer-oag-spotify \
//!     --additional-properties=packageName=spotify-openapi-generator
//! cargo xtask compile-bench PATCHED --name spotify-client --runs 5 \
//!     --peer /tmp/peer-progenitor-spotify --peer /tmp/peer-oag-spotify
//! ```
//!
//! `--progenitor BIN` does the patch and progenitor's step itself: it writes
//! the patched spec and progenitor's crate under target/compile-bench and
//! measures ours of the patched spec against that crate. `.ci/run` runs
//! this on Spotify, with progenitor installed in the tools cache:
//!
//! ```text
//! cargo xtask compile-bench ../shared/corpus/spotify.yaml --name spotify-client \
//!     --progenitor ~/.cache/openapi-rs/tools/cargo-progenitor-0.15.1/bin/cargo-progenitor
//! ```
//!
//! The PyPI wheel of openapi-generator-cli carries the jar (Java 17 runs
//! it), unlike the npm wrapper, which downloads it from Maven Central.
//! Progenitor 0.15.1 refuses the spec as it is; the smallest patch, used for
//! all three crates alike:
//! - upload-custom-playlist-cover's `image/jpeg` body (string, format
//!   base64) becomes `application/octet-stream`, format `binary`: progenitor
//!   knows no image types;
//! - the 204 of get-information-about-the-users-current-playback is dropped:
//!   progenitor asserts a single success type;
//! - the inline 400s of save-library-items, remove-library-items and
//!   check-library-contains (a bare ErrorObject) become
//!   `$ref: "#/components/responses/BadRequest"`, as elsewhere in the spec:
//!   progenitor asserts a single error type.
//!
//! Progenitor's crate depends on `progenitor-client` (prebuilt, so not
//! timed) where ours carries its runtime in the crate; `--include-client
//! true` makes progenitor inline it too.
//!
//! Peak memory is the largest resident set of any single process of the
//! build (in practice the crate's rustc), as `/usr/bin/time` reports it from
//! `wait4`: not the sum over processes running at once. CPU time is user +
//! system time of cargo and the processes it waited for, which the other
//! builds on a shared machine disturb less than wall time.

mod calls;
mod progenitor;

use crate::codegen::{default_crate_name, generate_from_file};
use generator::Settings;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const WORKSPACE: &str = "target/compile-bench";
const USAGE: &str = "usage: cargo xtask compile-bench <SPEC> [--name <CRATE>] [--features <F,...>] [--runs <N>] \
                     [--calls <N>] [--progenitor <BIN>] [--peer <CRATE_DIR> [--peer-features <F,...>]]...";

/// Ours/peer of the calls clean build's CPU time must be at most this...
const TARGET_RATIO: f64 = 1.0;
/// ...give or take this (noise between runs of one build on a busy machine).
const TOLERANCE: f64 = 0.15;
/// The figure the target applies to (an index into `FIGURES`).
const TARGET_FIGURE: usize = 3;

/// The figures, in the order they are measured and printed.
const FIGURES: [&str; 5] = ["clean build", "clean check", "touch + check", "calls: clean build", "calls: touch+build"];

#[derive(Debug)]
struct Options {
    spec: String,
    name: Option<String>,
    features: Option<String>,
    runs: usize,
    calls: usize,
    /// cargo-progenitor's binary: make its crate of the (patched) spec a peer.
    progenitor: Option<PathBuf>,
    peers: Vec<Peer>,
}

/// A crate another generator made, and the features to build it with.
#[derive(Debug, PartialEq)]
struct Peer {
    dir: PathBuf,
    features: Option<String>,
}

fn parse(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        spec: String::new(),
        name: None,
        features: None,
        runs: 1,
        calls: 5,
        progenitor: None,
        peers: Vec::new(),
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let mut value = || args.next().cloned().ok_or_else(|| format!("error: {arg} needs a value\n{USAGE}"));
        match arg.as_str() {
            "--name" => options.name = Some(value()?),
            "--features" => options.features = Some(value()?),
            "--progenitor" => options.progenitor = Some(PathBuf::from(value()?)),
            "--peer" => options.peers.push(Peer { dir: PathBuf::from(value()?), features: None }),
            "--peer-features" => {
                let features = value()?;
                let peer =
                    options.peers.last_mut().ok_or(format!("error: --peer-features follows a --peer\n{USAGE}"))?;
                peer.features = Some(features);
            }
            "--calls" => {
                options.calls =
                    value()?.parse().ok().filter(|n| *n > 0).ok_or(format!("error: --calls takes a count\n{USAGE}"))?
            }
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

/// A crate under measurement: where a peer's came from (none for ours), its
/// package, its `cargo -p` selection, its folder in the workspace, and one
/// list of measures per figure.
struct Subject {
    source: Option<PathBuf>,
    package: String,
    selection: Vec<String>,
    dir: PathBuf,
    lines: usize,
    /// The user's crate calling this one's operations, if its call style is known.
    downstream: Option<String>,
    measures: [Vec<Measure>; 5],
}

pub fn run(args: &[String]) -> Result<(), String> {
    let mut options = parse(args)?;
    let workspace = Path::new(WORKSPACE);
    let mut spec = PathBuf::from(&options.spec);
    if let Some(binary) = &options.progenitor {
        let (patched, peer) = progenitor::prepare(binary, &spec, workspace)?;
        eprintln!("progenitor's crate of {} (patched as the module docs say): {}", spec.display(), peer.display());
        spec = patched;
        options.peers.insert(0, Peer { dir: peer, features: None });
    }
    let spec = spec.as_path();
    let name = options.name.clone().unwrap_or_else(|| default_crate_name(spec));
    let label = spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let settings = Settings::new(&name, &label).with_command(format!("cargo xtask compile-bench {}", options.spec));
    let (generated, elapsed) = generate_from_file(spec, &settings)?;
    eprintln!("generated {name} in {} ms", elapsed.as_millis());
    let crate_dir = workspace.join("crates").join(&name);
    generator::project::write_files(&crate_dir, &generated.files).map_err(|e| e.to_string())?;
    let mut selection = vec!["-p".to_string(), name.clone()];
    if let Some(features) = &options.features {
        selection.extend(["--no-default-features".to_string(), "--features".to_string(), features.clone()]);
    }
    let lines = generated.files.iter().filter(|f| f.path.ends_with(".rs")).map(|f| f.contents.lines().count()).sum();
    let mut subjects = vec![Subject::new(None, name.clone(), selection, crate_dir, lines)];
    for peer in &options.peers {
        let taken: Vec<&str> = subjects.iter().map(|s| s.package.as_str()).collect();
        let subject = copy_peer(peer, workspace, &taken)?;
        subjects.push(subject);
    }
    let spec_text = std::fs::read_to_string(spec).map_err(|e| format!("error: cannot read {}: {e}", spec.display()))?;
    let chosen = calls::choose(&spec_text, &settings, options.calls)?;
    eprintln!("calls: {}", chosen.iter().map(|c| c.operation_id.as_str()).collect::<Vec<_>>().join(", "));
    let features = [options.features.clone()].into_iter().chain(options.peers.iter().map(|p| p.features.clone()));
    for (subject, features) in subjects.iter_mut().zip(features) {
        subject.write_downstream(workspace, features.as_deref(), &chosen)?;
    }

    // Only this run's crates are members; the dependencies' artifacts stay in the shared target folder.
    let members: Vec<String> = subjects
        .iter()
        .flat_map(|s| std::iter::once(relative(&s.dir, workspace)).chain(s.downstream.iter().map(downstream_dir)))
        .map(|member| format!("\"{member}\""))
        .collect();
    let manifest = format!(
        "# Throwaway workspace of `cargo xtask compile-bench`.\n[workspace]\nresolver = \"2\"\nmembers = [{}]\n",
        members.join(", ")
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest)
        .map_err(|e| format!("error: cannot write {WORKSPACE}/Cargo.toml: {e}"))?;
    if !workspace.join("Cargo.lock").exists() {
        std::fs::copy("Cargo.lock", workspace.join("Cargo.lock"))
            .map_err(|e| format!("error: cannot copy Cargo.lock to {WORKSPACE}: {e}"))?;
    }

    eprintln!("prebuilding the dependencies (build and check)...");
    // Peers first: one that does not build fails before ours' long build.
    for subject in subjects.iter().rev() {
        let failed = |e: String| match &subject.source {
            Some(source) => format!(
                "error: the peer crate {} (package {}, copied to {}) does not build:\n{e}",
                source.display(),
                subject.package,
                subject.dir.display()
            ),
            _ => e,
        };
        cargo(workspace, "build", &subject.selection).map_err(failed)?;
        cargo(workspace, "check", &subject.selection).map_err(failed)?;
        if let Some(downstream) = &subject.downstream {
            cargo(workspace, "build", &["-p".to_string(), downstream.clone()]).map_err(failed)?;
        }
    }

    for run in 1..=options.runs {
        // Who goes first rotates from run to run, so no crate always does.
        let order: Vec<usize> = (0..subjects.len()).map(|i| (i + run - 1) % subjects.len()).collect();
        for (figure, name) in FIGURES.iter().enumerate() {
            for &i in &order {
                let subject = &mut subjects[i];
                let Some(measure) = subject.measure(workspace, figure)? else { continue };
                eprintln!("run {run} {name:<18} {}: {}", subject.package, show(&measure));
                subject.measures[figure].push(measure);
            }
        }
    }

    print_report(&subjects, options.runs);
    check_target(&subjects)
}

/// Each crate's medians, then ours/peer ratios for each peer.
fn print_report(subjects: &[Subject], runs: usize) {
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!("machine: {cores} cores");
    println!("{} run(s); medians, wall range when several; peak = largest single process (rustc)", runs);
    for subject in subjects {
        // The selection past `-p <package>` is the feature flags, if any.
        let flags: String = subject.selection[2..].iter().map(|flag| format!(" {flag}")).collect();
        let (role, features) = match &subject.source {
            None => ("ours", flags),
            Some(source) => ("peer", format!("{flags} from {}", source.display())),
        };
        println!("{role} {}{features}: {} lines of Rust", subject.package, subject.lines);
        if subject.downstream.is_none() {
            println!("  (calls not measured: its call style is not known)");
        }
        for (figure, name) in FIGURES.iter().enumerate().filter(|(figure, _)| !subject.measures[*figure].is_empty()) {
            println!("  {name:<18}  {}", summary(&subject.measures[figure]));
        }
    }
    let ours = &subjects[0];
    for peer in &subjects[1..] {
        println!("ours/peer ({} / {}), ratios of the medians:", ours.package, peer.package);
        for (figure, name) in FIGURES.iter().enumerate() {
            println!("  {name:<18}  {}", ratios(&ours.measures[figure], &peer.measures[figure]));
        }
    }
}

/// Fails when ours/peer of the target figure's CPU time is over the target
/// by more than the tolerance for any peer whose calls were measured.
fn check_target(subjects: &[Subject]) -> Result<(), String> {
    let ours = &subjects[0];
    println!(
        "target: {} CPU time ours/peer <= {TARGET_RATIO:.2}; fails above {:.2}",
        FIGURES[TARGET_FIGURE],
        TARGET_RATIO + TOLERANCE
    );
    let mut missed = Vec::new();
    for peer in &subjects[1..] {
        let ratio = cpu_median(&ours.measures[TARGET_FIGURE]).zip(cpu_median(&peer.measures[TARGET_FIGURE]));
        if let Some(ratio) = ratio.filter(|(_, theirs)| *theirs > 0.0).map(|(ours, theirs)| ours / theirs) {
            if ratio > TARGET_RATIO + TOLERANCE {
                missed.push(format!("{}: {ratio:.2}", peer.package));
            }
        }
    }
    match missed.is_empty() {
        true => Ok(()),
        false => Err(format!(
            "error: compile-bench target missed (ours/peer over {:.2}): {}",
            TARGET_RATIO + TOLERANCE,
            missed.join(", ")
        )),
    }
}

impl Subject {
    fn new(source: Option<PathBuf>, package: String, selection: Vec<String>, dir: PathBuf, lines: usize) -> Subject {
        Subject { source, package, selection, dir, lines, downstream: None, measures: Default::default() }
    }

    /// Writes the user's crate calling `chosen` on this crate, in its call
    /// style (ours, or a known peer's); a peer of unknown style gets none.
    fn write_downstream(
        &mut self,
        workspace: &Path,
        features: Option<&str>,
        chosen: &[calls::Call],
    ) -> Result<(), String> {
        let style = match &self.source {
            None => None,
            Some(_) => {
                let manifest = std::fs::read_to_string(self.dir.join("Cargo.toml")).unwrap_or_default();
                match calls::PeerStyle::detect(&manifest) {
                    Some(style) => Some(style),
                    None => return Ok(()),
                }
            }
        };
        let package = format!("{}-calls", self.package);
        let client_path = format!("../../{}", relative(&self.dir, workspace));
        let dir = workspace.join(downstream_dir(&package));
        calls::write_crate(&dir, &package, (&self.package, &client_path), features, chosen, style)?;
        self.downstream = Some(package);
        Ok(())
    }

    /// Times one figure (an index into `FIGURES`); `None` for a calls
    /// figure of a crate with no downstream crate.
    fn measure(&self, workspace: &Path, figure: usize) -> Result<Option<Measure>, String> {
        let clean = ["-p".to_string(), self.package.clone()];
        let measure = match (figure, &self.downstream) {
            (0, _) => {
                cargo(workspace, "clean", &clean)?;
                cargo(workspace, "build", &self.selection)
            }
            (1, _) => {
                cargo(workspace, "clean", &clean)?;
                cargo(workspace, "check", &self.selection)
            }
            (2, _) => {
                // The clean check just before left the incremental state this one starts from.
                touch(&self.dir.join("src/lib.rs"))?;
                cargo(workspace, "check", &self.selection)
            }
            (_, None) => return Ok(None),
            (3, Some(downstream)) => {
                let both = ["-p", &self.package, "-p", downstream].map(String::from);
                cargo(workspace, "clean", &both)?;
                cargo(workspace, "build", &["-p".to_string(), downstream.clone()])
            }
            (_, Some(downstream)) => {
                touch(&workspace.join(downstream_dir(downstream)).join("src/lib.rs"))?;
                cargo(workspace, "build", &["-p".to_string(), downstream.clone()])
            }
        };
        measure.map(Some)
    }
}

/// Copies a peer generator's crate into the workspace as a member, and
/// returns it as a subject. The copy is fresh each time, so nothing stale
/// from an earlier peer survives.
fn copy_peer(peer: &Peer, workspace: &Path, taken: &[&str]) -> Result<Subject, String> {
    let source = peer.dir.as_path();
    let manifest_path = source.join("Cargo.toml");
    let manifest = std::fs::read_to_string(&manifest_path)
        .map_err(|e| format!("error: --peer {}: cannot read {}: {e}", source.display(), manifest_path.display()))?;
    let package = package_name(&manifest).ok_or_else(|| {
        format!("error: --peer {}: no `name` in the [package] table of {}", source.display(), manifest_path.display())
    })?;
    let (package, manifest) = match free_name(&package, taken) {
        renamed if renamed != package => {
            let manifest = rename_package(&manifest, &renamed);
            (renamed, manifest)
        }
        _ => (package, manifest),
    };
    let dir = workspace.join("peer").join(&package);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(|e| format!("error: cannot remove {}: {e}", dir.display()))?;
    }
    copy_dir(source, &dir)?;
    std::fs::write(dir.join("Cargo.toml"), drop_workspace_table(&manifest))
        .map_err(|e| format!("error: cannot write {}: {e}", dir.join("Cargo.toml").display()))?;
    if !dir.join("src/lib.rs").is_file() {
        return Err(format!("error: --peer {}: no src/lib.rs (the touch + check figure edits it)", source.display()));
    }
    let lines = rust_lines(&dir.join("src"))?;
    let mut selection = vec!["-p".to_string(), package.clone()];
    if let Some(features) = &peer.features {
        selection.extend(["--no-default-features".to_string(), "--features".to_string(), features.clone()]);
    }
    Ok(Subject::new(Some(source.to_path_buf()), package, selection, dir, lines))
}

/// The package name, or `<name>-peer`, `<name>-peer2`... if it is taken:
/// two members of a workspace cannot share one.
fn free_name(name: &str, taken: &[&str]) -> String {
    let mut candidate = name.to_string();
    let mut n = 1;
    while taken.contains(&candidate.as_str()) {
        candidate = if n == 1 { format!("{name}-peer") } else { format!("{name}-peer{n}") };
        n += 1;
    }
    candidate
}

/// The `name` of a manifest's `[package]` table. Line-based, which is
/// enough for the manifests generators write.
fn package_name(manifest: &str) -> Option<String> {
    let mut in_package = false;
    for line in manifest.lines().map(str::trim) {
        if line.starts_with('[') {
            in_package = line == "[package]";
        } else if let Some((key, value)) = line.split_once('=') {
            if in_package && key.trim() == "name" {
                return Some(value.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

/// The manifest with its `[package]` name replaced.
fn rename_package(manifest: &str, name: &str) -> String {
    let mut in_package = false;
    let mut out = String::new();
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_package = trimmed == "[package]";
        }
        let is_name = in_package && trimmed.split_once('=').is_some_and(|(key, _)| key.trim() == "name");
        if is_name {
            out.push_str(&format!("name = \"{name}\""));
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The manifest without a `[workspace]` table: a member cannot be a
/// workspace root too.
fn drop_workspace_table(manifest: &str) -> String {
    let mut in_workspace = false;
    let mut out = String::new();
    for line in manifest.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_workspace = trimmed == "[workspace]" || trimmed.starts_with("[workspace.");
        }
        if !in_workspace {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// Copies a crate folder, leaving out what is not source: a build folder,
/// a lock file (the workspace has its own) and version control.
fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("error: cannot create {}: {e}", to.display()))?;
    let entries = std::fs::read_dir(from).map_err(|e| format!("error: cannot read {}: {e}", from.display()))?;
    for entry in entries {
        let entry = entry.map_err(|e| format!("error: cannot read {}: {e}", from.display()))?;
        let name = entry.file_name();
        if ["target", "Cargo.lock", ".git"].iter().any(|skip| name == *skip) {
            continue;
        }
        let (source, target) = (entry.path(), to.join(&name));
        if entry.file_type().map_err(|e| format!("error: {}: {e}", source.display()))?.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            std::fs::copy(&source, &target)
                .map_err(|e| format!("error: cannot copy {} to {}: {e}", source.display(), target.display()))?;
        }
    }
    Ok(())
}

/// Lines in the `.rs` files under a folder.
fn rust_lines(dir: &Path) -> Result<usize, String> {
    let mut lines = 0;
    for entry in std::fs::read_dir(dir).map_err(|e| format!("error: cannot read {}: {e}", dir.display()))? {
        let path = entry.map_err(|e| format!("error: cannot read {}: {e}", dir.display()))?.path();
        if path.is_dir() {
            lines += rust_lines(&path)?;
        } else if path.extension().is_some_and(|e| e == "rs") {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
            lines += text.lines().count();
        }
    }
    Ok(lines)
}

/// Where a downstream crate lives in the workspace.
fn downstream_dir(package: &String) -> String {
    format!("downstream/{package}")
}

fn relative(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).to_string_lossy().into_owned()
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
        return Err(format!(
            "error: `cargo {command} {}` failed in {}:\n{}",
            selection.join(" "),
            workspace.display(),
            String::from_utf8_lossy(&output.stderr)
        ));
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

fn gib(kib: u64) -> String {
    format!("{:.2} GiB", kib as f64 / 1024.0 / 1024.0)
}

fn show(m: &Measure) -> String {
    let cpu = m.cpu_secs.map(|c| format!(", cpu {c:.1} s")).unwrap_or_default();
    let peak = m.peak_kib.map(|k| format!(", peak {}", gib(k))).unwrap_or_default();
    format!("wall {:.1} s{cpu}{peak}", m.elapsed.as_secs_f64())
}

/// The median of some figures (the upper one of an even count), if any.
fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

fn wall_median(runs: &[Measure]) -> Option<f64> {
    median(runs.iter().map(|m| m.elapsed.as_secs_f64()).collect())
}

fn cpu_median(runs: &[Measure]) -> Option<f64> {
    median(runs.iter().filter_map(|m| m.cpu_secs).collect())
}

/// Median wall and CPU times and the peak over the runs, with the wall range when there are several.
fn summary(runs: &[Measure]) -> String {
    let wall = wall_median(runs).map(|w| format!("wall {w:.1} s")).unwrap_or_else(|| "no runs".into());
    let (min, max) =
        runs.iter().map(|m| m.elapsed.as_secs_f64()).fold((f64::MAX, 0.0_f64), |(lo, hi), s| (lo.min(s), hi.max(s)));
    let range = if runs.len() > 1 { format!(" ({min:.1}-{max:.1})") } else { String::new() };
    let cpu = cpu_median(runs).map(|c| format!(", cpu {c:.1} s")).unwrap_or_default();
    let peak = runs.iter().filter_map(|m| m.peak_kib).max();
    let peak = peak.map(|k| format!(", peak {}", gib(k))).unwrap_or_else(|| ", peak unavailable".into());
    format!("{wall}{range}{cpu}{peak}")
}

/// Ours/peer ratios of the median wall and CPU times (below 1: ours is faster).
fn ratios(ours: &[Measure], peer: &[Measure]) -> String {
    let ratio = |a: Option<f64>, b: Option<f64>| match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}", a / b),
        _ => "n/a".to_string(),
    };
    format!("wall {}, cpu {}", ratio(wall_median(ours), wall_median(peer)), ratio(cpu_median(ours), cpu_median(peer)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn parses_the_peer_and_refuses_unknown_options() {
        let options = parse(&args("spec.yaml --peer /tmp/p --runs 3 --peer /tmp/q --peer-features rustls")).unwrap();
        assert_eq!((options.spec.as_str(), options.runs), ("spec.yaml", 3));
        let peer = |dir: &str, features: Option<&str>| Peer { dir: dir.into(), features: features.map(String::from) };
        assert_eq!(options.peers, [peer("/tmp/p", None), peer("/tmp/q", Some("rustls"))]);
        assert!(parse(&args("spec.yaml --peer-features x")).unwrap_err().contains("--peer-features follows a --peer"));
        assert!(parse(&args("spec.yaml --peer")).unwrap_err().contains("--peer needs a value"));
        assert!(parse(&args("spec.yaml --runs 0")).unwrap_err().contains("--runs takes a count"));
        assert!(parse(&args("spec.yaml --bogus")).unwrap_err().contains("unknown option --bogus"));
    }

    const MANIFEST: &str = "[package]\nname = \"spotify\"\nversion = \"0.1.0\"\n\n[dependencies]\nname = { version = \"1\" }\n\n[workspace]\nmembers = []\n\n[features]\ndefault = []\n";

    #[test]
    fn reads_and_renames_only_the_package_name() {
        assert_eq!(package_name(MANIFEST).as_deref(), Some("spotify"));
        let renamed = rename_package(MANIFEST, "spotify-peer");
        assert_eq!(package_name(&renamed).as_deref(), Some("spotify-peer"));
        // A dependency called `name` is left alone.
        assert!(renamed.contains("name = { version = \"1\" }"));
        assert_eq!(package_name("[dependencies]\nname = \"x\"\n"), None);
        assert_eq!(free_name("spotify", &["spotify-client"]), "spotify");
        assert_eq!(free_name("spotify", &["spotify", "spotify-peer"]), "spotify-peer2");
    }

    #[test]
    fn drops_the_workspace_table_and_keeps_the_rest() {
        let manifest = drop_workspace_table(MANIFEST);
        assert!(!manifest.contains("[workspace]") && !manifest.contains("members"));
        assert!(manifest.contains("[features]\ndefault = []"));
    }

    fn measure(wall: f64, cpu: f64) -> Measure {
        Measure { elapsed: Duration::from_secs_f64(wall), cpu_secs: Some(cpu), peak_kib: Some(1024 * 1024) }
    }

    #[test]
    fn summarises_medians_and_their_ratios() {
        let ours = [measure(3.0, 4.0), measure(1.0, 2.0), measure(2.0, 3.0)];
        let peer = [measure(4.0, 6.0), measure(4.0, 6.0), measure(5.0, 6.0)];
        assert_eq!(summary(&ours), "wall 2.0 s (1.0-3.0), cpu 3.0 s, peak 1.00 GiB");
        assert_eq!(ratios(&ours, &peer), "wall 0.50, cpu 0.50");
        assert_eq!(ratios(&ours, &[]), "wall n/a, cpu n/a");
    }

    fn subject(cpu_of_calls_build: f64) -> Subject {
        let mut subject = Subject::new(None, "c".into(), Vec::new(), PathBuf::new(), 0);
        subject.measures[TARGET_FIGURE] = vec![measure(1.0, cpu_of_calls_build)];
        subject
    }

    #[test]
    fn fails_when_the_calls_build_is_over_the_target_by_more_than_the_tolerance() {
        assert!(check_target(&[subject(11.0), subject(10.0)]).is_ok(), "1.10 is within the tolerance");
        let err = check_target(&[subject(12.0), subject(10.0)]).unwrap_err();
        assert!(err.contains("c: 1.20"), "{err}");
        assert!(check_target(&[subject(12.0), Subject::new(None, "p".into(), Vec::new(), PathBuf::new(), 0)]).is_ok());
    }
}
