//! Writing: a plan carried out in a crate folder, every file staged beside
//! its target before any is renamed into place; the changelog, atomically.

use super::{io_error, plan_folder, Error};
use crate::diff::prepend_section;
use crate::output::Plan;
use crate::GeneratedFile;
use std::fs;
use std::path::Path;

/// Writes `files` into `out` (only changed ones; stale generated ones removed).
pub fn write_files(out: &Path, files: &[GeneratedFile]) -> Result<Plan, Error> {
    let plan = plan_folder(out, files)?;
    apply_plan(out, &plan)?;
    Ok(plan)
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
