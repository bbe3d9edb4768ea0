//! The command line: `generate`, `check`, `codegen` and `diff`, for the
//! `openapi-rs` command and this repository's `cargo xtask` alike (feature
//! `cli`, on by default).
//!
//! A thin layer over [`crate::project`]: clap for the arguments,
//! annotate-snippets for located diagnostics, `--format json` for CI. The
//! program's name is the one difference between its users: it is named in
//! the generated files' first line (`openapi-rs codegen`,
//! `cargo xtask codegen`) and in the drift check's advice.
//!
//! ```no_run
//! // A project's own xtask, offering the same commands as `openapi-rs`:
//! fn main() -> std::process::ExitCode {
//!     generator::cli::run("cargo xtask", std::env::args_os().skip(1))
//! }
//! ```

use crate::diff::{ApiDiff, ItemsDiff};
use crate::project::{self, Config, Error, Mode, Report};
use crate::{Diagnostic, Settings, Severity, SpecFiles};
use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use serde_json::{json, Value};
use std::ffi::OsString;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Generates Rust client crates from OpenAPI 3.0 and 3.1 documents (YAML or JSON).
///
/// Exit status: 0 on success, 1 when `check` or `codegen --check` finds
/// generated code that differs from the spec, 2 on any error (nothing is
/// written then).
// (Not help text:) the program's name in usage and the defaults that name
// it are set by `run`; `--version` says `openapi-rs` whatever runs it.
#[derive(Parser)]
#[command(name = "openapi-rs", version)]
struct Cli {
    /// Print only errors: no progress, warnings or summary.
    #[arg(long, short, global = true)]
    quiet: bool,
    /// Also list the rewrites that lose nothing (notes: 3.1's `anyOf: [X,
    /// {type: 'null'}]` made a nullable `X`, say), which are otherwise only
    /// counted; warnings are the rewrites that lose something.
    #[arg(long, short, global = true)]
    verbose: bool,
    /// `human`: located diagnostics on stderr, coloured on a terminal unless
    /// NO_COLOR is set. `json`: one JSON document on stdout (status, crates,
    /// files, warnings and notes each with its kind, lossy or lossless,
    /// errors), nothing on stderr.
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    format: Format,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Generate a crate from SPEC into --out: only changed files are written,
    /// generated files no longer produced are removed, files you wrote are kept.
    Generate(CrateArgs),
    /// The drift check: write nothing; exit 1 naming the files that differ
    /// from what `generate` with the same options would write.
    Check(CrateArgs),
    /// Generate every crate listed in ./codegen.toml (one [[crate]] per spec,
    /// with keys spec, name, out, and optional examples, api_key_prefixes,
    /// secret_properties, paging; an optional top-level `command`). All specs are
    /// generated before anything is written: any error writes nothing.
    Codegen {
        /// Write nothing; exit 1 naming the files that differ.
        #[arg(long)]
        check: bool,
        /// The command named in each file's first line and in the drift
        /// check's advice
        // `command(program)` appends the default, which names the program.
        #[arg(long, value_name = "TEXT")]
        command: Option<String>,
        /// Move each changed crate's `crate_version` in codegen.toml by the
        /// semver bump its API changes call for (as `bump_version = true`
        /// does for one crate)
        #[arg(long, conflicts_with = "check")]
        bump_version: bool,
    },
    /// What changing OLD_SPEC into NEW_SPEC does to the generated Rust API:
    /// each added, removed or changed method, argument, setter, type, field
    /// and variant, grouped by tag, breaking or not by the generated code's
    /// rules, with the reason; then the semver bump it calls for. Exit 1 when
    /// a change is breaking, 0 otherwise.
    Diff(DiffArgs),
}

#[derive(Args)]
struct DiffArgs {
    /// The spec the crate was generated from.
    old_spec: PathBuf,
    /// The spec it is to be generated from.
    new_spec: PathBuf,
    /// The crate's version now: the bump is computed from it (0.x: breaking
    /// changes bump the minor version, others the patch).
    #[arg(long, value_name = "VERSION", default_value = "0.1.0", value_parser = semver::Version::parse)]
    crate_version: semver::Version,
    /// Also write a Keep a Changelog section for the bumped version at the
    /// top of FILE (created if missing; older sections are kept).
    #[arg(long, value_name = "FILE")]
    changelog: Option<PathBuf>,
}

#[derive(Args)]
struct CrateArgs {
    /// The OpenAPI document, YAML or JSON.
    spec: PathBuf,
    /// The crate's folder (created if missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// The crate's package name: ASCII letters, digits, `-` and `_`, starting
    /// with a letter or `_`, not a Rust keyword nor a crate that ships with
    /// Rust [default: from the spec's file name, `Pet Store.yaml` -> `pet-store-client`].
    #[arg(long, value_name = "CRATE")]
    name: Option<String>,
    /// The value prefix of an API key security scheme, e.g. `apiToken=SSWS`
    /// sends `Authorization: SSWS <key>`. Repeatable.
    #[arg(long = "api-key-prefix", value_name = "SCHEME=PREFIX", value_parser = parse_prefix)]
    api_key_prefixes: Vec<(String, String)>,
    /// A property whose values are credentials (wire name, any case): redacted
    /// in `Debug`, like `format: password`. Repeatable.
    #[arg(long = "secret", value_name = "PROPERTY")]
    secrets: Vec<String>,
    /// Read references to URL from the local file PATH (nothing is fetched
    /// at generation time). Repeatable.
    #[arg(long = "map-ref", value_name = "URL=PATH", value_parser = parse_mapped_ref)]
    mapped_refs: Vec<(String, String)>,
    /// Generate only the operations this names: `tag=NAME`, `path=GLOB`
    /// (`*` within a segment, `**` across them; or the path as written) or
    /// `operation=ID`. Repeatable; the models nothing generated reaches are
    /// left out [default: every operation].
    #[arg(long = "include", value_name = "KIND=VALUE", value_parser = parse_rule)]
    includes: Vec<(String, String)>,
    /// Leave out the operations this names (as `--include`), even included ones. Repeatable.
    #[arg(long = "exclude", value_name = "KIND=VALUE", value_parser = parse_rule)]
    excludes: Vec<(String, String)>,
    /// Apply the OpenAPI Overlay 1.0 document FILE to the spec before
    /// generating (after bundling, before `--include`/`--exclude`).
    /// Repeatable; overlays apply in the order given.
    #[arg(long = "overlay", value_name = "FILE")]
    overlays: Vec<PathBuf>,
    /// Leave `[workspace]` out of the crate's Cargo.toml, for a crate that is
    /// a member of the surrounding workspace (by default it builds on its own).
    #[arg(long)]
    workspace_member: bool,
    /// The command named in each file's first line
    // `command(program)` appends the default, which names the program.
    #[arg(long, value_name = "TEXT")]
    command: Option<String>,
}

fn parse_mapped_ref(pair: &str) -> Result<(String, String), String> {
    match pair.split_once('=') {
        Some((url, path)) if !url.is_empty() && !path.is_empty() => Ok((url.to_string(), path.to_string())),
        _ => Err(format!("wants URL=PATH, got `{pair}`")),
    }
}

fn parse_rule(pair: &str) -> Result<(String, String), String> {
    match pair.split_once('=') {
        Some((kind @ ("tag" | "path" | "operation"), value)) if !value.is_empty() => {
            Ok((kind.to_string(), value.to_string()))
        }
        _ => Err(format!("wants tag=NAME, path=GLOB or operation=ID, got `{pair}`")),
    }
}

fn parse_prefix(pair: &str) -> Result<(String, String), String> {
    match pair.split_once('=') {
        Some((scheme, prefix)) if !scheme.is_empty() => Ok((scheme.to_string(), prefix.to_string())),
        _ => Err(format!("wants SCHEME=PREFIX, got `{pair}`")),
    }
}

/// Where the output goes and how it looks.
struct Output {
    quiet: bool,
    json: bool,
    /// `--verbose`: notes are shown.
    verbose: bool,
    renderer: Renderer,
}

impl Output {
    fn progress(&self, line: &str) {
        if !self.quiet && !self.json {
            eprintln!("{line}");
        }
    }

    fn say(&self, line: &str) {
        if !self.quiet && !self.json {
            println!("{line}");
        }
    }

    /// Whether the diagnostics should list the rewrites that lose nothing:
    /// to show them, or for the JSON document, which holds everything.
    fn lists_notes(&self) -> bool {
        self.verbose || self.json
    }

    fn render(&self, groups: &[Group<'_>]) {
        if !self.json {
            eprintln!("{}", self.renderer.render(groups));
        }
    }

    fn warnings(&self, report: &Report) {
        if !self.quiet {
            for warning in &report.warnings {
                self.render(&[diagnostic_group(&report.spec, &report.files, warning)]);
            }
        }
    }
}

/// Runs the command line `args` (without the program's name) as the
/// program `program`, e.g. `"openapi-rs"` or `"cargo xtask"`, and returns
/// its exit status: 0 on success, 1 when `check` or `codegen --check` finds
/// drift, 2 on any error (clap's usage errors included).
///
/// `program` is named in usage and help, and in the defaults of `--command`:
/// each generated file's first line says ``Generated by `PROGRAM generate
/// SPEC --out DIR` `` or `` `PROGRAM codegen` `` unless `--command` or
/// codegen.toml's `command` says otherwise, and the drift check's advice
/// names the same command.
pub fn run<I, T>(program: &str, args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    let words = std::iter::once(OsString::from(program)).chain(args.into_iter().map(Into::into));
    let cli = match command(program).try_get_matches_from(words).and_then(|m| Cli::from_arg_matches(&m)) {
        Ok(cli) => cli,
        Err(error) => {
            // `--help` and `--version` print to stdout and succeed; usage errors exit 2.
            let _ = error.print();
            return if error.use_stderr() { ExitCode::from(2) } else { ExitCode::SUCCESS };
        }
    };
    let colour = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let out = Output {
        quiet: cli.quiet,
        json: cli.format == Format::Json,
        verbose: cli.verbose,
        renderer: if colour { Renderer::styled() } else { Renderer::plain() },
    };
    let started = Instant::now();
    let (result, fix) = match &cli.command {
        Command::Generate(args) => (one_crate(program, args, Mode::Write, &out), None),
        Command::Check(args) => (one_crate(program, args, Mode::Check, &out), Some(fix_command(program, args))),
        Command::Codegen { check, command, bump_version } => {
            let mode = if *check { Mode::Check } else { Mode::Write };
            let result = codegen(program, mode, command.as_deref(), *bump_version, &out);
            let fix = result.as_ref().ok().map(|(_, command)| command.clone());
            (result.map(|(reports, _)| reports), fix)
        }
        Command::Diff(args) => match diff(args, &out) {
            Ok(code) => return code,
            Err(error) => (Err(error), None),
        },
    };
    match result {
        Ok(mut reports) => {
            if out.json || !out.quiet {
                reports.iter_mut().for_each(Report::locate_warnings);
            }
            finish(&reports, fix.as_deref(), started, &out)
        }
        Err(mut error) => {
            error.locate();
            if out.json {
                let errors: Vec<Value> = error.flatten().into_iter().flat_map(error_json).collect();
                println!("{}", json!({ "status": "error", "crates": [], "errors": errors }));
            } else {
                let (mut errors, mut warnings) = (0, 0);
                for error in error.flatten() {
                    for group in error_groups(error) {
                        out.render(&[group]);
                    }
                    match error {
                        Error::Spec { diagnostics, .. } => {
                            errors += diagnostics.iter().filter(|d| d.is_error()).count();
                            warnings += diagnostics.iter().filter(|d| d.is_warning()).count();
                        }
                        _ => errors += 1,
                    }
                }
                eprintln!(
                    "nothing was written: {}, {}",
                    counted(errors, "error", "errors"),
                    counted(warnings, "warning", "warnings")
                );
            }
            ExitCode::from(2)
        }
    }
}

/// The clap command for `program`: its name in usage, and the
/// `--command` defaults that name it.
fn command(program: &str) -> clap::Command {
    let with_default = |default: String| {
        move |arg: clap::Arg| {
            let help = arg.get_help().map(ToString::to_string).unwrap_or_default();
            arg.help(format!("{help} [default: {default}]"))
        }
    };
    let crate_default = format!("`{program} generate SPEC --out DIR`");
    Cli::command()
        .bin_name(program)
        .mut_subcommand("generate", |c| c.mut_arg("command", with_default(crate_default.clone())))
        .mut_subcommand("check", |c| c.mut_arg("command", with_default(crate_default)))
        .mut_subcommand("codegen", |c| {
            c.mut_arg("command", with_default(format!("codegen.toml's `command`, else `{program} codegen`")))
        })
}

fn settings_for(program: &str, args: &CrateArgs, out: &Output) -> Settings {
    let name = args.name.clone().unwrap_or_else(|| crate::settings::default_crate_name(&args.spec));
    let label = args.spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let command = args
        .command
        .clone()
        .unwrap_or_else(|| format!("{program} generate {} --out {}", args.spec.display(), args.out.display()));
    let mut settings = Settings::new(name, label)
        .with_command(command)
        .with_standalone_workspace(!args.workspace_member)
        .with_lossless_rewrites(out.lists_notes());
    for (scheme, prefix) in &args.api_key_prefixes {
        settings = settings.with_api_key_prefix(scheme, prefix);
    }
    for secret in &args.secrets {
        settings = settings.with_secret_property(secret);
    }
    for (url, path) in &args.mapped_refs {
        settings = settings.with_mapped_ref(url, path);
    }
    for (kind, value) in &args.includes {
        settings = match kind.as_str() {
            "tag" => settings.with_include_tag(value),
            "path" => settings.with_include_path(value),
            _ => settings.with_include_operation(value),
        };
    }
    for (kind, value) in &args.excludes {
        settings = match kind.as_str() {
            "tag" => settings.with_exclude_tag(value),
            "path" => settings.with_exclude_path(value),
            _ => settings.with_exclude_operation(value),
        };
    }
    settings
}

fn one_crate(program: &str, args: &CrateArgs, mode: Mode, out: &Output) -> Result<Vec<Report>, Error> {
    let mut settings = settings_for(program, args, out);
    for overlay in &args.overlays {
        settings = project::with_overlay_file(settings, overlay)?;
    }
    out.progress(&format!("generating {} from {}", settings.crate_name(), args.spec.display()));
    let prepared = project::prepare(&args.spec, &args.out, &settings)?;
    let report = match mode {
        Mode::Write => prepared.apply()?,
        Mode::Check => prepared.check(),
    };
    Ok(vec![report])
}

/// The `generate` command line that brings `args.out` up to date.
fn fix_command(program: &str, args: &CrateArgs) -> String {
    let mut words = vec![program.to_string(), "generate".into(), quote(&args.spec), "--out".into(), quote(&args.out)];
    if let Some(name) = &args.name {
        words.extend(["--name".into(), quote(name)]);
    }
    for (scheme, prefix) in &args.api_key_prefixes {
        words.extend(["--api-key-prefix".into(), quote(format!("{scheme}={prefix}"))]);
    }
    for secret in &args.secrets {
        words.extend(["--secret".into(), quote(secret)]);
    }
    for (url, path) in &args.mapped_refs {
        words.extend(["--map-ref".into(), quote(format!("{url}={path}"))]);
    }
    for (flag, rules) in [("--include", &args.includes), ("--exclude", &args.excludes)] {
        for (kind, value) in rules {
            words.extend([flag.into(), quote(format!("{kind}={value}"))]);
        }
    }
    for overlay in &args.overlays {
        words.extend(["--overlay".into(), quote(overlay)]);
    }
    if args.workspace_member {
        words.push("--workspace-member".into());
    }
    if let Some(command) = &args.command {
        words.extend(["--command".into(), quote(command)]);
    }
    words.join(" ")
}

/// Quotes a word for a POSIX shell when it needs it.
fn quote(word: impl AsRef<std::ffi::OsStr>) -> String {
    let word = word.as_ref().to_string_lossy();
    if !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:@+,".contains(c)) {
        word.into_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

/// Runs codegen.toml; also returns the command that fixes drift.
fn codegen(
    program: &str,
    mode: Mode,
    command: Option<&str>,
    bump_version: bool,
    out: &Output,
) -> Result<(Vec<Report>, String), Error> {
    let root = Path::new("");
    let mut config = Config::read(root)?;
    config.bump_version = bump_version;
    if let Some(command) = command {
        config.command = Some(command.to_string());
    }
    config.lossless_rewrites = out.lists_notes();
    let default_command = format!("{program} codegen");
    let fix = config.command.clone().unwrap_or_else(|| default_command.clone());
    let reports = project::codegen(root, &config, &default_command, mode, &mut |index, total, krate| {
        out.progress(&format!("[{index}/{total}] generating {} from {}", krate.name, krate.spec.display()));
    })?;
    Ok((reports, fix))
}

fn finish(reports: &[Report], fix: Option<&str>, started: Instant, out: &Output) -> ExitCode {
    let drift = reports.iter().any(|r| r.mode == Mode::Check && !r.is_up_to_date());
    if out.json {
        let crates: Vec<Value> = reports.iter().map(report_json).collect();
        let status = if drift { "drift" } else { "ok" };
        let mut document = json!({ "status": status, "crates": crates, "errors": [] });
        if drift {
            document["fix"] = json!(fix);
        }
        println!("{document}");
    } else {
        for report in reports {
            out.warnings(report);
        }
        for report in reports {
            if report.mode == Mode::Write {
                out.say(&format!(
                    "{}: crate `{}`: {} written, {} removed, {} unchanged; {} (generated in {} ms)",
                    report.out.display(),
                    report.crate_name,
                    report.writes.len(),
                    report.removals.len(),
                    report.unchanged,
                    summary(report.warning_count(), report.lossless_rewrites),
                    report.generate_time.as_millis()
                ));
                for path in &report.writes {
                    out.say(&format!("  wrote {}", path.display()));
                }
                for path in &report.removals {
                    out.say(&format!("  removed {}", path.display()));
                }
                if let Some(bump) = &report.version_bump {
                    out.say(&format!(
                        "  crate_version {} -> {} ({}) in {}",
                        bump.from,
                        bump.to(),
                        bump.bump.as_str(),
                        project::CONFIG_FILE
                    ));
                }
            }
        }
        if drift {
            let title = Level::ERROR.primary_title("generated code differs from the spec");
            let mut lines = Vec::new();
            for report in reports {
                lines.extend(report.writes.iter().map(|p| format!("out of date: {}", p.display())));
                lines.extend(report.removals.iter().map(|p| format!("stale: {}", p.display())));
            }
            let mut group: Group<'_> = title.element(Level::NOTE.message(lines.join("\n")));
            for report in reports.iter().filter(|r| r.mode == Mode::Check) {
                if let Some(changes) = &report.api_changes {
                    let message = format!(
                        "what this does to crate `{}`'s public items (committed -> regenerated):\n{}",
                        report.crate_name,
                        changes.summary(&report_version(report)).trim_end()
                    );
                    group = group.element(Level::NOTE.message(message));
                }
            }
            if let Some(fix) = fix {
                group = group.element(Level::HELP.message(format!("run `{fix}` to update it")));
            }
            out.render(&[group]);
        } else if reports.iter().all(|r| r.mode == Mode::Check) {
            out.say(&format!(
                "generated code is up to date ({} crates, {} ms)",
                reports.len(),
                started.elapsed().as_millis()
            ));
        } else {
            out.say(&format!("done in {} ms", started.elapsed().as_millis()));
        }
        // The last line, whatever happened: what the spec lost, and what it did not.
        let warnings = reports.iter().map(Report::warning_count).sum();
        let lossless = reports.iter().map(|r| r.lossless_rewrites).sum();
        let mut line = summary(warnings, lossless);
        if lossless > 0 && !out.verbose {
            line.push_str(" (--verbose lists them)");
        }
        out.say(&line);
    }
    if drift {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `12 warnings, 1237 rewrites without loss`: warnings are the
/// approximations that lose something the spec says.
/// `diff`: the report on stdout (or JSON), the changelog if asked; exit 1
/// when a change is breaking.
fn diff(args: &DiffArgs, out: &Output) -> Result<ExitCode, Error> {
    let label = args.new_spec.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_default();
    let settings = Settings::new(crate::settings::default_crate_name(&args.new_spec), label)
        .with_crate_version(args.crate_version.to_string());
    let diff = project::diff_files(&args.old_spec, &args.new_spec, &settings)?;
    let bump = diff.bump(&args.crate_version);
    let next = crate::diff::next_version(&args.crate_version, bump);
    if let Some(path) = &args.changelog {
        project::prepend_changelog(path, &diff.changelog_section(&next))?;
    }
    if out.json {
        let changes = changes_json(&diff);
        println!("{}", json!({ "changes": changes, "bump": bump.as_str(), "version": next.to_string() }));
    } else if !out.quiet {
        print!("{}", diff.report(&args.crate_version));
    }
    Ok(if diff.breaking_count() > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn summary(warnings: usize, lossless: usize) -> String {
    format!("{}, {} without loss", counted(warnings, "warning", "warnings"), counted(lossless, "rewrite", "rewrites"))
}

fn counted(count: usize, one: &str, many: &str) -> String {
    format!("{count} {}", if count == 1 { one } else { many })
}

fn report_json(report: &Report) -> Value {
    let paths = |paths: &[PathBuf]| paths.iter().map(|p| p.display().to_string()).collect::<Vec<_>>();
    json!({
        "name": report.crate_name,
        "spec": report.spec.display().to_string(),
        "out": report.out.display().to_string(),
        "mode": if report.mode == Mode::Write { "write" } else { "check" },
        "up_to_date": report.is_up_to_date(),
        "writes": paths(&report.writes),
        "removals": paths(&report.removals),
        "unchanged": report.unchanged,
        "generate_ms": report.generate_time.as_millis() as u64,
        "warning_count": report.warning_count(),
        "lossless_count": report.lossless_rewrites,
        "warnings": report.warnings.iter().map(|d| diagnostic_json(&report.spec, d)).collect::<Vec<_>>(),
        "api_changes": report.api_changes.as_ref().map(|c| api_changes_json(c, &report_version(report))),
        "version_bump": report.version_bump.as_ref().map(|b| json!({
            "from": b.from.to_string(), "to": b.to().to_string(), "bump": b.bump.as_str() })),
    })
}

/// The crate's version for the bump; the settings checked it is semver.
/// When the version was bumped, the summary's bump starts from the old one.
fn report_version(report: &Report) -> semver::Version {
    if let Some(bump) = &report.version_bump {
        return bump.from.clone();
    }
    semver::Version::parse(&report.crate_version).unwrap_or_else(|_| semver::Version::new(0, 1, 0))
}

fn changes_json(diff: &ApiDiff) -> Vec<Value> {
    (diff.changes.iter())
        .map(|c| {
            json!({ "tag": c.tag, "item": c.item, "kind": format!("{:?}", c.kind).to_lowercase(),
                    "detail": c.detail, "impact": format!("{:?}", c.impact).to_lowercase(), "reason": c.reason })
        })
        .collect()
}

fn api_changes_json(changes: &ItemsDiff, version: &semver::Version) -> Value {
    let bump = changes.diff.bump(version);
    json!({
        "changes": changes_json(&changes.diff),
        "bump": bump.as_str(),
        "version": crate::diff::next_version(version, bump).to_string(),
        "runtime_changed": changes.runtime_changed,
        "unparsed": changes.unparsed,
    })
}

fn diagnostic_json(file: &Path, d: &Diagnostic) -> Value {
    let (severity, kind) = match d.severity {
        Severity::Note => ("note", Some("lossless")),
        Severity::Warning => ("warning", Some("lossy")),
        Severity::Error => ("error", None),
    };
    let mut value = json!({
        "severity": severity,
        "file": project::diagnostic_file(file, d).display().to_string(),
        "pointer": d.pointer,
        "line": d.line_col.map(|(line, _)| line),
        "column": d.line_col.map(|(_, col)| col),
        "message": d.message,
    });
    if let Some(kind) = kind {
        value["kind"] = json!(kind);
    }
    value
}

fn error_json(error: &Error) -> Vec<Value> {
    match error {
        Error::Spec { spec, diagnostics, .. } => diagnostics.iter().map(|d| diagnostic_json(spec, d)).collect(),
        Error::Config { path, text, message, span } => {
            let line_col = span.as_ref().map(|s| project::line_col(text, s.start));
            vec![json!({
                "severity": "error",
                "file": path.display().to_string(),
                "line": line_col.map(|(line, _)| line),
                "column": line_col.map(|(_, col)| col),
                "message": message,
            })]
        }
        Error::Io { path, action, source } => {
            vec![
                json!({ "severity": "error", "file": path.display().to_string(), "message": format!("{action}: {source}") }),
            ]
        }
        other => vec![json!({ "severity": "error", "message": other.to_string().trim_start_matches("error: ") })],
    }
}

fn error_groups(error: &Error) -> Vec<Group<'_>> {
    match error {
        Error::Spec { spec, files, diagnostics, .. } => {
            diagnostics.iter().map(|d| diagnostic_group(spec, files, d)).collect()
        }
        Error::Config { path, text, message, span } => {
            let line_col = span.as_ref().map(|s| project::line_col(text, s.start));
            vec![located(Level::ERROR, message, path, text, line_col, None)]
        }
        Error::Io { path, action, source } => vec![Level::ERROR
            .primary_title(format!("{action}: {source}"))
            .element(Origin::path(path.display().to_string()))],
        other => vec![Group::with_title(
            Level::ERROR.primary_title(other.to_string().trim_start_matches("error: ").to_string()),
        )],
    }
}

fn diagnostic_group<'a>(spec: &Path, files: &'a SpecFiles, d: &'a Diagnostic) -> Group<'a> {
    let file = project::diagnostic_file(spec, d);
    let text = files.text(d.file.as_deref().unwrap_or(files.root())).unwrap_or_default();
    let level = match d.severity {
        Severity::Note => Level::NOTE,
        Severity::Warning => Level::WARNING,
        Severity::Error => Level::ERROR,
    };
    let note = (!d.pointer.is_empty()).then(|| format!("at #{}", d.pointer));
    located(level, &d.message, &file, text, d.line_col, note)
}

/// A message with the spec line it points at, when the line is known.
fn located<'a>(
    level: Level<'a>,
    message: &'a str,
    file: &Path,
    text: &'a str,
    line_col: Option<(usize, usize)>,
    note: Option<String>,
) -> Group<'a> {
    let path = file.display().to_string();
    let title = level.primary_title(message);
    let source = line_col.and_then(|(line, col)| Some((line, col, text.lines().nth(line.checked_sub(1)?)?)));
    let mut group = match source {
        Some((line, col, source)) => {
            let start = source.char_indices().nth(col.saturating_sub(1)).map_or(source.len(), |(i, _)| i);
            let end = source[start..].chars().next().map_or(start, |c| start + c.len_utf8());
            title.element(
                Snippet::source(source)
                    .line_start(line)
                    .path(path)
                    .annotation(AnnotationKind::Primary.span(start..end)),
            )
        }
        // The end of the text, or no position: name the file (and line).
        None => match line_col {
            Some((line, col)) => title.element(Origin::path(path).line(line).char_column(col.saturating_sub(1))),
            None => title.element(Origin::path(path)),
        },
    };
    if let Some(note) = note {
        group = group.element(Level::NOTE.message(note));
    }
    group
}
