//! The file-system layer: the only module of the library that does I/O.
//!
//! One implementation shared by the `openapi-rs` command, this repository's
//! xtask, and a user's own xtask or `build.rs`. It reads specs and
//! `codegen.toml`, compares a crate folder with the generated files
//! ([`Plan`], pure), and carries the plan out: every write is staged beside
//! its target before anything is renamed into place, and only files whose
//! first line says they were generated are ever removed.
//!
//! ```no_run
//! // build.rs, or a user's own xtask
//! let settings = generator::Settings::new("petstore-client", "petstore.yaml");
//! let report = generator::project::generate_crate("petstore.yaml".as_ref(), "petstore-client".as_ref(), &settings)?;
//! println!("{} files written", report.writes.len());
//! # Ok::<(), generator::project::Error>(())
//! ```

use crate::diff::{diff_spec_files, prepend_section, ApiDiff, Which};
use crate::load::locate::locate_diagnostics;
use crate::output::{Existing, Plan};
use crate::{Diagnostic, Generated, GeneratedFile, OperationFilter, Settings, SpecFiles};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use std::{fmt, fs, ops::Range};

/// The file [`codegen`] is driven by, at the project's root.
pub const CONFIG_FILE: &str = "codegen.toml";

/// Write the files, or only compare them (the drift check).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Bring the folder up to date.
    Write,
    /// Change nothing; report what differs.
    Check,
}

/// What was done to one crate folder, or in check mode what differs.
#[derive(Debug, Clone)]
pub struct Report {
    /// The generated crate's package name.
    pub crate_name: String,
    /// The spec it was generated from.
    pub spec: PathBuf,
    /// The spec's text, to show the lines that warnings point at.
    pub spec_text: String,
    /// Every file read: the spec and those it refers to (the warnings
    /// in other files name them, [`Diagnostic::file`]).
    pub files: SpecFiles,
    /// The crate's folder.
    pub out: PathBuf,
    /// Whether anything was written.
    pub mode: Mode,
    /// Files written (check mode: out of date), under `out`.
    pub writes: Vec<PathBuf>,
    /// Stale generated files removed (check mode: to be removed), under `out`.
    pub removals: Vec<PathBuf>,
    /// How many files were already up to date.
    pub unchanged: usize,
    /// What was approximated along the way: the warnings, and the notes
    /// (rewrites that lose nothing) when the settings list them (see
    /// [`Generated::warnings`]).
    pub warnings: Vec<Diagnostic>,
    /// How many rewrites lost nothing, listed in `warnings` or not.
    pub lossless_rewrites: usize,
    /// Time spent generating (not reading or writing).
    pub generate_time: Duration,
}

impl Report {
    /// Did the folder already match the spec? In check mode, `false` is drift.
    pub fn is_up_to_date(&self) -> bool {
        self.writes.is_empty() && self.removals.is_empty()
    }

    /// How many of the diagnostics are warnings (as opposed to notes).
    pub fn warning_count(&self) -> usize {
        self.warnings.iter().filter(|d| d.is_warning()).count()
    }

    /// [`Error::locate`] for the warnings.
    pub fn locate_warnings(&mut self) {
        locate_in_files(&self.files, &mut self.warnings);
    }
}

/// Why nothing was written.
#[derive(Debug)]
pub enum Error {
    /// A file or folder could not be read or written.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// What was being done, e.g. "cannot read the spec".
        action: &'static str,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// `codegen.toml` is not valid.
    Config {
        /// The file.
        path: PathBuf,
        /// Its text, to show the offending line.
        text: String,
        /// What is wrong.
        message: String,
        /// Byte range of the offending text, where known.
        span: Option<Range<usize>>,
    },
    /// The settings are invalid (e.g. a crate name cargo would refuse).
    Settings(String),
    /// A spec has errors.
    Spec {
        /// The spec.
        spec: PathBuf,
        /// Its text, to show the offending lines.
        text: String,
        /// Every file read (the errors in other files name them, [`Diagnostic::file`]).
        files: Box<SpecFiles>,
        /// Every error found, and the warnings before them.
        diagnostics: Vec<Diagnostic>,
    },
    /// A file the generator did not write stands where rustc would also
    /// look for a generated module (`src/models.rs` beside `src/models/mod.rs`).
    Conflict {
        /// The file that is in the way.
        path: PathBuf,
        /// The generated file it conflicts with, relative to the crate.
        generated: String,
    },
    /// A file the generator did not write stands where it writes one that
    /// people also write by hand (`README.md`): it is not overwritten.
    HandWritten {
        /// The file.
        path: PathBuf,
    },
    /// Several crates failed (`codegen` reports every one).
    Several(Vec<Error>),
}

impl Error {
    /// The errors one by one (a [`Error::Several`] flattened).
    pub fn flatten(&self) -> Vec<&Error> {
        match self {
            Error::Several(errors) => errors.iter().flat_map(Error::flatten).collect(),
            other => vec![other],
        }
    }

    /// Gives the spec diagnostics that only have a JSON pointer the line and
    /// column it names. It parses the spec once more, so call it only to
    /// show them.
    pub fn locate(&mut self) {
        match self {
            Error::Spec { files, diagnostics, .. } => locate_in_files(files, diagnostics),
            Error::Several(errors) => errors.iter_mut().for_each(Error::locate),
            _ => {}
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Io { path, action, source } => write!(f, "error: {}: {action}: {source}", path.display()),
            Error::Config { path, text, message, span } => {
                write!(f, "error: {}", path.display())?;
                if let Some(span) = span {
                    let (line, col) = line_col(text, span.start);
                    write!(f, ":{line}:{col}")?;
                }
                write!(f, ": {message}")
            }
            Error::Settings(message) => write!(f, "error: {message}"),
            Error::Conflict { path, generated } => write!(
                f,
                "error: {}: not generated, and rustc refuses a module both here and in the generated \
                 `{generated}` (E0761); move what it holds elsewhere or delete it, then generate again",
                path.display()
            ),
            Error::HandWritten { path } => write!(
                f,
                "error: {}: not generated, and the generator writes the crate's README there (also its crate \
                 docs); move what it holds elsewhere or delete it, then generate again",
                path.display()
            ),
            Error::Spec { spec, diagnostics, .. } => {
                let lines: Vec<String> =
                    diagnostics.iter().map(|d| format!("{}: {d}", diagnostic_file(spec, d).display())).collect();
                write!(f, "{}", lines.join("\n"))
            }
            Error::Several(errors) => {
                let lines: Vec<String> = errors.iter().map(Error::to_string).collect();
                write!(f, "{}", lines.join("\n"))
            }
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (before.matches('\n').count() + 1, before[line_start..].chars().count() + 1)
}

fn io_error<'a>(path: &'a Path, action: &'static str) -> impl FnOnce(std::io::Error) -> Error + 'a {
    move |source| Error::Io { path: path.to_path_buf(), action, source }
}

/// Generates a crate from `spec` into `out`, writing only the files whose
/// content changed and removing generated files no longer produced. On any
/// error nothing is written.
pub fn generate_crate(spec: &Path, out: &Path, settings: &Settings) -> Result<Report, Error> {
    prepare(spec, out, settings)?.apply()
}

/// The drift check: what [`generate_crate`] would change, writing nothing.
/// `Ok` with [`Report::is_up_to_date`] false when the folder differs.
pub fn check_crate(spec: &Path, out: &Path, settings: &Settings) -> Result<Report, Error> {
    Ok(prepare(spec, out, settings)?.check())
}

/// Reads and generates one spec: the text, the files and the time it took.
pub fn generate_file(spec: &Path, settings: &Settings) -> Result<(String, Generated, Duration), Error> {
    generate_spec_files(spec, settings).map(|(files, generated, time)| {
        let text = files.text(files.root()).unwrap_or_default().to_string();
        (text, generated, time)
    })
}

/// [`generate_file`], with every file read (the spec and those it refers to).
pub fn generate_spec_files(spec: &Path, settings: &Settings) -> Result<(SpecFiles, Generated, Duration), Error> {
    settings.validate().map_err(Error::Settings)?;
    let files = read_spec_files(spec, settings)?;
    let started = Instant::now();
    match crate::generate_files(&files, settings) {
        Ok(generated) => Ok((files, generated, started.elapsed())),
        Err(diagnostics) => {
            let text = files.text(files.root()).unwrap_or_default().to_string();
            Err(Error::Spec { spec: spec.to_path_buf(), text, files: Box::new(files), diagnostics })
        }
    }
}

/// Reads `spec` and, transitively, every file its references name (relative
/// to the file they stand in; URLs only as `settings` maps them). A file
/// that cannot be read is an error where it is referred to.
pub fn read_spec_files(spec: &Path, settings: &Settings) -> Result<SpecFiles, Error> {
    let text = fs::read_to_string(spec).map_err(io_error(spec, "cannot read the spec"))?;
    let mut files = SpecFiles::new(spec.to_string_lossy(), text);
    for (url, path) in settings.mapped_refs() {
        files = files.with_mapped_url(url, path);
    }
    loop {
        let missing = files.missing();
        if missing.is_empty() {
            return Ok(files);
        }
        for key in missing {
            match fs::read_to_string(&key) {
                Ok(text) => files.add(key, text),
                Err(error) => files.add_unreadable(key, error.to_string()),
            }
        }
    }
}

/// The file a diagnostic stands in: `spec` itself, or one it refers to.
pub fn diagnostic_file(spec: &Path, diagnostic: &Diagnostic) -> PathBuf {
    diagnostic.file.as_ref().map_or_else(|| spec.to_path_buf(), PathBuf::from)
}

/// [`locate_diagnostics`], each in the text of its own file.
fn locate_in_files(files: &SpecFiles, diagnostics: &mut [Diagnostic]) {
    let mut by_file: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
    for (index, diagnostic) in diagnostics.iter().enumerate() {
        by_file.entry(diagnostic.file.clone()).or_default().push(index);
    }
    for (file, indices) in by_file {
        let Some(text) = files.text(file.as_deref().unwrap_or(files.root())) else { continue };
        let mut located: Vec<Diagnostic> = indices.iter().map(|&i| diagnostics[i].clone()).collect();
        locate_diagnostics(text, &mut located);
        for (index, diagnostic) in indices.into_iter().zip(located) {
            diagnostics[index] = diagnostic;
        }
    }
}

/// A generated crate compared with its folder, not yet written.
#[derive(Debug)]
pub struct Prepared {
    plan: Plan,
    report: Report,
}

/// Generates `spec` and compares the result with `out`; nothing is written yet.
pub fn prepare(spec: &Path, out: &Path, settings: &Settings) -> Result<Prepared, Error> {
    let (files, generated, generate_time) = generate_spec_files(spec, settings)?;
    let plan = plan_folder(out, &generated.files)?;
    let report = Report {
        crate_name: settings.crate_name.clone(),
        spec: spec.to_path_buf(),
        spec_text: files.text(files.root()).unwrap_or_default().to_string(),
        files,
        out: out.to_path_buf(),
        mode: Mode::Check,
        writes: plan.writes.iter().map(|f| out.join(&f.path)).collect(),
        removals: plan.removals.iter().map(|p| out.join(p)).collect(),
        unchanged: plan.unchanged.len(),
        warnings: generated.warnings,
        lossless_rewrites: generated.lossless_rewrites,
        generate_time,
    };
    Ok(Prepared { plan, report })
}

impl Prepared {
    /// What [`Prepared::apply`] would do.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// Writes nothing; the report says what differs.
    pub fn check(self) -> Report {
        self.report
    }

    /// Brings the folder up to date.
    pub fn apply(self) -> Result<Report, Error> {
        apply_plan(&self.report.out, &self.plan)?;
        Ok(Report { mode: Mode::Write, ..self.report })
    }
}

/// Writes `files` into `out` (only changed ones; stale generated ones removed).
pub fn write_files(out: &Path, files: &[GeneratedFile]) -> Result<Plan, Error> {
    let plan = plan_folder(out, files)?;
    apply_plan(out, &plan)?;
    Ok(plan)
}

/// Compares `files` with what is under `out` (a missing folder is empty).
pub fn plan_folder(out: &Path, files: &[GeneratedFile]) -> Result<Plan, Error> {
    let existing = read_folder(out)?;
    if let Some((kept, generated)) = module_conflict(files, &existing) {
        return Err(Error::Conflict { path: out.join(kept), generated: generated.to_owned() });
    }
    if let Some(path) = hand_written_overwrite(files, &existing) {
        return Err(Error::HandWritten { path: out.join(path) });
    }
    Ok(Plan::new(files, &existing))
}

/// A hand-written file (one the plan keeps) that is the other spelling of a
/// generated module's file: `a.rs` for a generated `a/mod.rs`, or the reverse.
fn module_conflict<'a>(files: &'a [GeneratedFile], existing: &'a Existing) -> Option<(&'a str, &'a str)> {
    files.iter().find_map(|file| {
        let other = match file.path.strip_suffix("/mod.rs") {
            Some(module) => format!("{module}.rs"),
            None => format!("{}/mod.rs", file.path.strip_suffix(".rs")?),
        };
        let (kept, contents) = existing.get_key_value(&other)?;
        let hand_written = !contents.as_deref().is_some_and(crate::output::is_generated);
        (hand_written && !files.iter().any(|f| f.path == other)).then_some((kept.as_str(), file.path.as_str()))
    })
}

/// Generated files that people also write by hand: the generator never
/// overwrites one it did not write (whatever else it writes, it has always
/// written; these came later).
const OFTEN_HAND_WRITTEN: [&str; 1] = ["README.md"];

/// A hand-written file the generated `files` would overwrite, of those in
/// [`OFTEN_HAND_WRITTEN`].
fn hand_written_overwrite<'a>(files: &[GeneratedFile], existing: &'a Existing) -> Option<&'a str> {
    OFTEN_HAND_WRITTEN.iter().find_map(|name| {
        let (path, contents) = existing.get_key_value(*name)?;
        let hand_written = !contents.as_deref().is_some_and(crate::output::is_generated);
        (hand_written && files.iter().any(|f| f.path == *name)).then_some(path.as_str())
    })
}

/// Every file under `dir` with its text (`None` if not UTF-8), except
/// under `target/` and `.git/`: build output is not ours to judge.
pub fn read_folder(dir: &Path) -> Result<Existing, Error> {
    let mut existing = Existing::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(io_error(&dir, "cannot list")(err)),
        };
        for entry in entries {
            let entry = entry.map_err(io_error(&dir, "cannot list"))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if path.is_dir() {
                if name != "target" && name != ".git" {
                    pending.push((path, format!("{prefix}{name}/")));
                }
            } else {
                existing.insert(format!("{prefix}{name}"), fs::read_to_string(&path).ok());
            }
        }
    }
    Ok(existing)
}

/// Carries out `plan` in `out`: every file is first written beside its
/// target, then all are renamed into place, so a failed write changes nothing.
pub fn apply_plan(out: &Path, plan: &Plan) -> Result<(), Error> {
    let mut staged = Vec::new();
    let result = (|| {
        for file in &plan.writes {
            let path = out.join(&file.path);
            if let Some(parent) = path.parent() {
                fs::create_dir_all(parent).map_err(io_error(parent, "cannot create"))?;
            }
            let temp =
                path.with_extension(format!("{}.codegen-tmp", path.extension().and_then(|e| e.to_str()).unwrap_or("")));
            fs::write(&temp, &file.contents).map_err(io_error(&temp, "cannot write"))?;
            staged.push((temp, path));
        }
        Ok(())
    })();
    if let Err(err) = result {
        for (temp, _) in &staged {
            let _ = fs::remove_file(temp);
        }
        return Err(err);
    }
    for (temp, path) in &staged {
        fs::rename(temp, path).map_err(io_error(path, "cannot move into place"))?;
    }
    for path in &plan.removals {
        let path = out.join(path);
        fs::remove_file(&path).map_err(io_error(&path, "cannot remove stale file"))?;
        remove_empty_parents(&path, out);
    }
    Ok(())
}

/// Removes folders a removal left empty, up to (not including) `out`.
fn remove_empty_parents(path: &Path, out: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
        if fs::remove_dir(d).is_err() {
            break;
        }
        dir = d.parent();
    }
}

/// Reads two specs and compares the APIs generated from them under
/// `settings` (`openapi-rs diff`); a spec that does not generate is an
/// [`Error::Spec`] naming it.
pub fn diff_files(old: &Path, new: &Path, settings: &Settings) -> Result<ApiDiff, Error> {
    settings.validate().map_err(Error::Settings)?;
    let old_files = read_spec_files(old, settings)?;
    let new_files = read_spec_files(new, settings)?;
    diff_spec_files(&old_files, &new_files, settings).map_err(|(which, diagnostics)| {
        let (spec, files) = match which {
            Which::Old => (old, old_files),
            Which::New => (new, new_files),
        };
        let text = files.text(files.root()).unwrap_or_default().to_string();
        Error::Spec { spec: spec.to_path_buf(), text, files: Box::new(files), diagnostics }
    })
}

/// Adds `section` to the changelog at `path` as its newest release
/// ([`prepend_section`]), creating the file if missing. Atomic: the new
/// text is written beside the file, then renamed over it.
pub fn prepend_changelog(path: &Path, section: &str) -> Result<(), Error> {
    let existing = match fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => None,
        Err(error) => return Err(io_error(path, "cannot read the changelog")(error)),
    };
    let temp = path.with_extension("md.codegen-tmp");
    fs::write(&temp, prepend_section(existing.as_deref(), section)).map_err(io_error(&temp, "cannot write"))?;
    fs::rename(&temp, path).map_err(|error| {
        let _ = fs::remove_file(&temp);
        io_error(path, "cannot move into place")(error)
    })
}

/// `codegen.toml`: the crates a project generates, one `[[crate]]` each.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The command named in every generated file's first line and in the
    /// drift check's advice. Unset, each tool names itself
    /// (`cargo xtask codegen`, `openapi-rs codegen`).
    pub command: Option<String>,
    /// The crates.
    #[serde(rename = "crate")]
    pub crates: Vec<CrateConfig>,
    /// Not a key of the file: whether each crate's report lists the rewrites
    /// that lose nothing ([`Settings::with_lossless_rewrites`]); the
    /// command's `--verbose` and `--format json` set it.
    #[serde(skip)]
    pub lossless_rewrites: bool,
}

/// One `[[crate]]` of `codegen.toml`; paths are relative to the project root.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateConfig {
    /// The spec, also named as it is here in the generated files' first line.
    pub spec: PathBuf,
    /// The crate's package name.
    pub name: String,
    /// The crate's folder.
    pub out: PathBuf,
    /// A folder of hand-written examples (`*.rs`) copied into the crate's `examples/`.
    pub examples: Option<PathBuf>,
    /// Value prefix per API key security scheme, e.g. `apiToken = "SSWS"`.
    #[serde(default)]
    pub api_key_prefixes: BTreeMap<String, String>,
    /// Property names whose values are credentials (redacted in `Debug`).
    #[serde(default)]
    pub secret_properties: Vec<String>,
    /// URL references read from local files instead, e.g.
    /// `"https://example.com/common.yaml" = "spec/common.yaml"`.
    #[serde(default)]
    pub ref_map: BTreeMap<String, PathBuf>,
    /// Which operations to generate, e.g. `{ include_tags = ["User"] }` ([`OperationFilter`]).
    #[serde(default)]
    pub operations: OperationFilter,
    /// Paging per operationId, over the spec's and detection's: `listTags = { style = "none" }`.
    #[serde(default)]
    pub paging: BTreeMap<String, crate::PagingOverride>,
}

impl Config {
    /// Reads `root/codegen.toml`.
    pub fn read(root: &Path) -> Result<Config, Error> {
        let path = root.join(CONFIG_FILE);
        let text = fs::read_to_string(&path).map_err(io_error(&path, "cannot read"))?;
        Config::parse(&text, &path)
    }

    /// Parses the text of a `codegen.toml` read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        toml::from_str(text).map_err(|e: toml::de::Error| Error::Config {
            path: path.to_path_buf(),
            text: text.to_string(),
            message: e.message().to_string(),
            span: e.span(),
        })
    }
}

impl CrateConfig {
    /// The crate's settings; `command` goes into every file's first line.
    pub fn settings(&self, root: &Path, command: &str) -> Result<Settings, Error> {
        let mut settings =
            Settings::new(&self.name, self.spec.to_string_lossy().replace('\\', "/")).with_command(command);
        settings = settings.with_operation_filter(&self.operations);
        settings.api_key_prefixes.extend(self.api_key_prefixes.clone());
        settings.secret_properties.extend(self.secret_properties.iter().cloned());
        settings.paging.extend(self.paging.clone());
        for (url, path) in &self.ref_map {
            settings = settings.with_mapped_ref(url, root.join(path).to_string_lossy());
        }
        if let Some(dir) = &self.examples {
            for (path, contents) in read_examples(&root.join(dir))? {
                settings = settings.with_extra_file(path, contents);
            }
        }
        settings.validate().map_err(|message| Error::Settings(format!("{CONFIG_FILE}: {message}")))?;
        Ok(settings)
    }
}

fn read_examples(dir: &Path) -> Result<Vec<(String, String)>, Error> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error(dir, "cannot read the examples folder"))? {
        let path = entry.map_err(io_error(dir, "cannot read the examples folder"))?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).map_err(io_error(&path, "cannot read"))?;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            files.push((format!("examples/{name}"), text));
        }
    }
    files.sort();
    Ok(files)
}

/// Generates (or checks) every crate in `config`, paths taken from `root`.
///
/// Every spec is generated in memory first: any problem in any of them
/// stops the run before a single file is written, and all are reported.
/// `command` names the tool in the files' first line unless `config` sets
/// one. `progress` hears of each crate (1-based index, count) before it is
/// generated.
pub fn codegen(
    root: &Path,
    config: &Config,
    command: &str,
    mode: Mode,
    progress: &mut dyn FnMut(usize, usize, &CrateConfig),
) -> Result<Vec<Report>, Error> {
    let command = config.command.as_deref().unwrap_or(command);
    let mut prepared = Vec::new();
    let mut failures = Vec::new();
    for (index, krate) in config.crates.iter().enumerate() {
        progress(index + 1, config.crates.len(), krate);
        let result = krate
            .settings(root, command)
            .map(|settings| settings.with_lossless_rewrites(config.lossless_rewrites))
            .and_then(|settings| prepare(&root.join(&krate.spec), &root.join(&krate.out), &settings));
        match result {
            Ok(p) => prepared.push(p),
            Err(error) => failures.push(error),
        }
    }
    match failures.len() {
        0 => {}
        1 => return Err(failures.remove(0)),
        _ => return Err(Error::Several(failures)),
    }
    match mode {
        Mode::Check => Ok(prepared.into_iter().map(Prepared::check).collect()),
        Mode::Write => prepared.into_iter().map(Prepared::apply).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::{generate_crate, line_col, read_folder, write_files, Config, Error};
    use crate::{generate, GeneratedFile, Settings};
    use std::path::{Path, PathBuf};

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get:\n      operationId: listPets\n      tags: [pets]\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        name: {type: string}\n";

    fn temp_dir(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("generator-project-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    fn snapshot(dir: &Path) -> Vec<(String, Option<String>)> {
        read_folder(dir).unwrap().into_iter().collect()
    }

    #[test]
    fn a_spec_edit_rewrites_exactly_the_affected_files() {
        let dir = temp_dir("edit");
        let settings = Settings::new("t-client", "t.yaml");
        let first = generate(SPEC, &settings).unwrap();
        write_files(&dir, &first.files).unwrap();
        assert!(write_files(&dir, &first.files).unwrap().writes.is_empty(), "a second run changes nothing");

        let edited = SPEC.replace("name: {type: string}", "name: {type: string}\n        age: {type: integer}");
        let plan = write_files(&dir, &generate(&edited, &settings).unwrap().files).unwrap();
        let written: Vec<_> = plan.writes.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(written, ["src/models/pets.rs"]);
        assert!(plan.removals.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stale_generated_files_are_removed_and_hand_written_ones_kept() {
        let dir = temp_dir("stale");
        let settings = Settings::new("t-client", "t.yaml");
        write_files(&dir, &generate(SPEC, &settings).unwrap().files).unwrap();
        let renamed = generate(&SPEC.replace("tags: [pets]", "tags: [animals]"), &settings).unwrap().files;
        std::fs::write(dir.join("NOTES.md"), "mine").unwrap();
        let plan = write_files(&dir, &renamed).unwrap();
        assert_eq!(plan.removals, ["src/apis/pets.rs", "src/models/pets.rs"]);
        assert!(!dir.join("src/apis/pets.rs").exists() && !dir.join("src/models/pets.rs").exists());
        assert!(dir.join("src/apis/animals.rs").exists() && dir.join("src/models/animals.rs").exists());
        assert!(dir.join("NOTES.md").exists(), "files the generator did not write are never removed");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_crate_generated_with_one_models_file_gets_the_models_folder_instead() {
        let dir = temp_dir("models-folder");
        let settings = Settings::new("t-client", "t.yaml");
        let files = generate(SPEC, &settings).unwrap().files;
        // The layout before models were split: everything in `src/models.rs`.
        let (models, mut old): (Vec<_>, Vec<_>) =
            files.iter().cloned().partition(|f| f.path.starts_with("src/models/"));
        let header = models[0].contents.lines().next().unwrap();
        let body: String = models.iter().map(|f| f.contents.lines().skip(1).collect::<Vec<_>>().join("\n")).collect();
        old.push(GeneratedFile { path: "src/models.rs".into(), contents: format!("{header}\n{body}\n") });
        write_files(&dir, &old).unwrap();

        let plan = write_files(&dir, &files).unwrap();
        assert_eq!(plan.removals, ["src/models.rs"]);
        let written: Vec<_> = plan.writes.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(written, ["src/models/mod.rs", "src/models/pets.rs"]);
        assert!(
            !dir.join("src/models.rs").exists(),
            "rustc refuses a module with both `models.rs` and `models/mod.rs`"
        );
        assert_eq!(read_folder(&dir).unwrap().len(), files.len());
        assert!(write_files(&dir, &files).unwrap().removals.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_hand_written_file_in_the_place_of_a_generated_module_is_refused_and_nothing_written() {
        let dir = temp_dir("module-conflict");
        let settings = Settings::new("t-client", "t.yaml");
        let files = generate(SPEC, &settings).unwrap().files;
        std::fs::create_dir_all(dir.join("src")).unwrap();
        std::fs::write(dir.join("src/models.rs"), "// my own helpers\n").unwrap();

        let error = write_files(&dir, &files).unwrap_err();
        let message = error.to_string();
        assert!(
            message.contains("src/models.rs: not generated") && message.contains("`src/models/mod.rs` (E0761)"),
            "{message}"
        );
        assert_eq!(read_folder(&dir).unwrap().keys().collect::<Vec<_>>(), ["src/models.rs"], "nothing was written");
        assert_eq!(std::fs::read_to_string(dir.join("src/models.rs")).unwrap(), "// my own helpers\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_hand_written_readme_is_refused_and_nothing_written_but_a_generated_one_is_replaced() {
        let dir = temp_dir("readme");
        let settings = Settings::new("t-client", "t.yaml");
        let files = generate(SPEC, &settings).unwrap().files;
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("README.md"), "# My client\n").unwrap();

        let message = write_files(&dir, &files).unwrap_err().to_string();
        assert!(message.contains("README.md: not generated"), "{message}");
        assert_eq!(read_folder(&dir).unwrap().keys().collect::<Vec<_>>(), ["README.md"], "nothing was written");
        assert_eq!(std::fs::read_to_string(dir.join("README.md")).unwrap(), "# My client\n");

        std::fs::remove_file(dir.join("README.md")).unwrap();
        write_files(&dir, &files).unwrap();
        let changed = generate(&SPEC.replace("title: T", "title: U"), &settings).unwrap().files;
        let plan = write_files(&dir, &changed).unwrap();
        assert!(plan.writes.iter().any(|f| f.path == "README.md"), "a generated README is regenerated");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failing_generate_leaves_the_output_as_it_was() {
        let dir = temp_dir("atomic");
        let spec = dir.with_extension("yaml");
        std::fs::write(&spec, SPEC).unwrap();
        let settings = Settings::new("t-client", "t.yaml");
        let report = generate_crate(&spec, &dir, &settings).unwrap();
        assert!(!report.writes.is_empty());
        let before = snapshot(&dir);
        std::fs::write(&spec, SPEC.replace("'#/components/schemas/Pet'", "'#/components/schemas/Missing'")).unwrap();
        let error = generate_crate(&spec, &dir, &settings).unwrap_err();
        assert!(matches!(&error, Error::Spec { diagnostics, .. } if !diagnostics.is_empty()), "{error}");
        assert!(error.to_string().contains("unresolved reference `#/components/schemas/Missing`"), "{error}");
        assert_eq!(snapshot(&dir), before);
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_file(&spec).unwrap();
    }

    #[test]
    fn an_invalid_crate_name_is_refused_before_anything_is_written() {
        let dir = temp_dir("name");
        let spec = dir.with_extension("yaml");
        std::fs::write(&spec, SPEC).unwrap();
        let error = generate_crate(&spec, &dir, &Settings::new("my.api", "t.yaml")).unwrap_err();
        assert_eq!(
            error.to_string(),
            "error: invalid crate name `my.api`: it contains `.`; use only ASCII letters, digits, `-` and `_`"
        );
        assert!(!dir.exists());
        std::fs::remove_file(&spec).unwrap();
    }

    #[test]
    fn codegen_toml_errors_are_located() {
        let error = Config::parse(
            "[[crate]]\nspec = \"a.yaml\"\nname = \"a\"\nout = \"a\"\nspeck = 1\n",
            Path::new("codegen.toml"),
        )
        .unwrap_err();
        assert!(error.to_string().starts_with("error: codegen.toml:5:1: unknown field `speck`"), "{error}");
        assert_eq!(line_col("ab\ncd", 4), (2, 2));
    }
}
