//! Comparing: a generated crate against its folder ([`Prepared`]), before
//! anything is written, and two specs' generated APIs ([`diff_files`]).

use super::{apply_plan, generate_spec_files, read_folder, read_spec_files, Error, Mode, Report, VersionBump};
use crate::diff::{compare_files, diff_spec_files, ApiDiff, ItemsDiff, Which};
use crate::output::{Existing, Plan};
use crate::{GeneratedFile, Settings};
use std::path::Path;

/// A generated crate compared with its folder, not yet written.
#[derive(Debug)]
pub struct Prepared {
    plan: Plan,
    report: Report,
}

/// Generates `spec` and compares the result with `out`; nothing is written yet.
pub fn prepare(spec: &Path, out: &Path, settings: &Settings) -> Result<Prepared, Error> {
    let (files, generated, generate_time) = generate_spec_files(spec, settings)?;
    let existing = read_folder(out)?;
    let plan = plan_existing(out, &generated.files, &existing)?;
    let api_changes = api_changes(&plan, &existing);
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
        api_changes,
        crate_version: settings.crate_version().to_string(),
        version_bump: None,
    };
    Ok(Prepared { plan, report })
}

/// What the plan's writes and removals change in the crate's public items
/// ([`compare_files`]); `None` when nothing differs or no generated crate
/// was there. Files that stay as they are hold the same items before and
/// after, so only the differing ones are parsed.
fn api_changes(plan: &Plan, existing: &Existing) -> Option<ItemsDiff> {
    let generated = |text: &&str| crate::output::is_generated(text);
    let no_crate_yet = !existing.values().flatten().map(String::as_str).any(|text| generated(&text));
    if no_crate_yet || (plan.writes.is_empty() && plan.removals.is_empty()) {
        return None;
    }
    let committed = |path: &str| existing.get(path)?.as_deref().filter(generated);
    let old: Vec<(&str, &str)> = (plan.writes.iter().map(|f| f.path.as_str()))
        .chain(plan.removals.iter().map(String::as_str))
        .filter_map(|path| Some((path, committed(path)?)))
        .collect();
    let new = plan.writes.iter().map(|f| (f.path.as_str(), f.contents.as_str()));
    Some(compare_files(old, new))
}

impl Prepared {
    /// What [`Prepared::apply`] would do.
    pub fn report(&self) -> &Report {
        &self.report
    }

    /// The report, nothing written.
    pub(super) fn into_report(self) -> Report {
        self.report
    }

    /// Records the version bump made, with the summary that called for it.
    pub(super) fn set_bumped(&mut self, api_changes: Option<ItemsDiff>, bump: VersionBump) {
        self.report.api_changes = api_changes;
        self.report.version_bump = Some(bump);
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

/// Compares `files` with what is under `out` (a missing folder is empty).
pub fn plan_folder(out: &Path, files: &[GeneratedFile]) -> Result<Plan, Error> {
    plan_existing(out, files, &read_folder(out)?)
}

/// [`plan_folder`], given the folder's files.
fn plan_existing(out: &Path, files: &[GeneratedFile], existing: &Existing) -> Result<Plan, Error> {
    if let Some((kept, generated)) = module_conflict(files, existing) {
        return Err(Error::Conflict { path: out.join(kept), generated: generated.to_owned() });
    }
    if let Some(path) = hand_written_overwrite(files, existing) {
        return Err(Error::HandWritten { path: out.join(path) });
    }
    Ok(Plan::new(files, existing))
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
