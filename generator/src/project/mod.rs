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

mod check;
mod read;
mod version;
mod write;

pub use check::{diff_files, plan_folder, prepare, Prepared};
pub use read::{generate_file, generate_spec_files, read_folder, read_spec_files, Config, CrateConfig};
pub use version::{set_crate_version, VersionBump};
pub use write::{apply_plan, prepend_changelog, write_files};

use crate::diff::{Bump, ItemsDiff};
use crate::load::locate::locate_diagnostics;
use crate::{Diagnostic, Settings, SpecFiles};
use std::collections::BTreeMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Duration;

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
    /// When the folder held a generated crate that differs: what the
    /// difference does to its public items, with the semver verdict.
    pub api_changes: Option<ItemsDiff>,
    /// The crate's version, as the settings say ([`Settings::crate_version`]).
    pub crate_version: String,
    /// With `bump_version`: the version before, and the bump made.
    pub version_bump: Option<VersionBump>,
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
            .and_then(|settings| {
                let prepared = prepare(&root.join(&krate.spec), &root.join(&krate.out), &settings)?;
                let bumps = mode == Mode::Write && (config.bump_version || krate.bump_version);
                if bumps {
                    bump_and_prepare(root, krate, index, settings, prepared)
                } else {
                    Ok((prepared, None))
                }
            });
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
        Mode::Check => Ok(prepared.into_iter().map(|(p, _)| p.check()).collect()),
        Mode::Write => {
            let bumps: Vec<VersionBump> = prepared.iter().filter_map(|(_, bump)| bump.clone()).collect();
            let reports = prepared.into_iter().map(|(p, _)| p.apply()).collect::<Result<Vec<_>, _>>()?;
            version::write_bumps(root, &bumps)?;
            Ok(reports)
        }
    }
}

/// With `bump_version`: the bump the crate's drift calls for, and the
/// crate prepared again at the bumped version (its `Cargo.toml` and README
/// name it). No drift, or none that changes the API, bumps nothing.
fn bump_and_prepare(
    root: &Path,
    krate: &CrateConfig,
    index: usize,
    settings: Settings,
    prepared: Prepared,
) -> Result<(Prepared, Option<VersionBump>), Error> {
    let Some(changes) = &prepared.report().api_changes else { return Ok((prepared, None)) };
    let from = semver::Version::parse(settings.crate_version())
        .map_err(|e| Error::Settings(format!("{CONFIG_FILE}: crate `{}`: crate_version: {e}", krate.name)))?;
    let bump = VersionBump { index, bump: changes.diff.bump(&from), from };
    if bump.bump == Bump::None {
        return Ok((prepared, None));
    }
    let settings = settings.with_crate_version(bump.to().to_string());
    let mut again = prepare(&root.join(&krate.spec), &root.join(&krate.out), &settings)?;
    // The summary is of the crate as it was, before the version moved.
    again.set_bumped(prepared.into_report().api_changes, bump.clone());
    Ok((again, Some(bump)))
}

#[cfg(test)]
mod tests;
