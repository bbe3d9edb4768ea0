//! What a spec change does to the generated Rust API: [`compare`] two IRs
//! (after `analyse`, built under the same settings) and get each added,
//! removed or changed method, argument, optional input, response, type,
//! field and variant, classified by the rules of the Rust code `render`
//! writes, with the reason, and the semver bump they call for.
//!
//! Types are matched by name (`TypeId`s of two IRs mean nothing to each
//! other), operations by tag module and method name, since those are what
//! user code names. The classification lives in `operations.rs` (methods,
//! arguments, setters, responses) and `types.rs` (models); `report.rs`
//! prints the result and computes the bump. `items.rs` compares the public
//! items of two sets of generated files instead (the drift check's summary,
//! where the committed crate's spec is gone).

mod items;
mod operations;
mod report;
mod types;

use crate::diagnostics::Diagnostic;
use crate::ir::{Api, Ty};
use crate::load::bundle::SpecFiles;
use crate::pipeline::{analysed_api, analysed_api_files};
use crate::settings::Settings;

pub use items::{compare_files, ItemsDiff};
pub use report::{next_version, prepend_section, Bump};

/// How a change affects code written against the old crate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Compiles and means the same, or only the requests and responses
    /// on the wire differ (a path, a default): a patch.
    Compatible,
    /// Something new that existing code does not use: a minor release
    /// (a patch before 1.0).
    Addition,
    /// Existing code may stop compiling or change meaning: a major release
    /// (a minor before 1.0).
    Breaking,
}

/// What happened to the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// New in the new spec.
    Added,
    /// Gone from the new spec.
    Removed,
    /// In both, different.
    Changed,
}

/// One change to the generated API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The tag it belongs to: an operation's, or for a type the first tag (in
    /// module order) whose operations use it, as `models/` places it;
    /// `None` for the client itself and types no operation uses.
    pub tag: Option<String>,
    /// What changed, as user code names it: ``method `PetApi::list_pets` ``,
    /// ``field `Pet::name` ``.
    pub item: String,
    /// Added, removed or changed.
    pub kind: ChangeKind,
    /// The change itself (`String` -> `i64`); empty for a plain addition or
    /// removal.
    pub detail: String,
    /// Breaking or not.
    pub impact: Impact,
    /// Why, by the generated code's rules.
    pub reason: String,
}

/// Every change between two versions of a spec's generated API, in a stable
/// order: by tag (untagged last), then as found (operations in spec order,
/// types in name order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApiDiff {
    /// The changes.
    pub changes: Vec<Change>,
}

impl ApiDiff {
    /// No change to the generated API at all.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// The strongest impact of any change; `None` when nothing changed.
    pub fn impact(&self) -> Option<Impact> {
        self.changes.iter().map(|c| c.impact).max()
    }

    /// How many changes are breaking.
    pub fn breaking_count(&self) -> usize {
        self.changes.iter().filter(|c| c.impact == Impact::Breaking).count()
    }
}

/// Compares the generated APIs of two specs under the same settings.
///
/// `Err` carries the diagnostics of whichever spec does not generate
/// (the old one's first), with `which` telling them apart.
pub fn diff_specs(old_text: &str, new_text: &str, settings: &Settings) -> Result<ApiDiff, (Which, Vec<Diagnostic>)> {
    let old = analysed_api(old_text, settings).map_err(|d| (Which::Old, d))?;
    let new = analysed_api(new_text, settings).map_err(|d| (Which::New, d))?;
    Ok(compare(&old, &new))
}

/// [`diff_specs`] for specs kept as several files (each with every file it
/// refers to, as `project` reads them).
pub fn diff_spec_files(
    old: &SpecFiles,
    new: &SpecFiles,
    settings: &Settings,
) -> Result<ApiDiff, (Which, Vec<Diagnostic>)> {
    let old = analysed_api_files(old, settings).map_err(|d| (Which::Old, d))?;
    let new = analysed_api_files(new, settings).map_err(|d| (Which::New, d))?;
    Ok(compare(&old, &new))
}

/// Which of the two specs a diagnostic is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// The old spec.
    Old,
    /// The new spec.
    New,
}

/// Compares two IRs (each after `analyse`).
pub fn compare(old: &Api, new: &Api) -> ApiDiff {
    let mut changes = Vec::new();
    operations::compare_client(old, new, &mut changes);
    operations::compare_modules(old, new, &mut changes);
    types::compare_types(old, new, &mut changes);
    sorted(changes)
}

/// The changes as an [`ApiDiff`], sorted stably by tag (untagged last).
pub(crate) fn sorted(mut changes: Vec<Change>) -> ApiDiff {
    // Stable by tag, untagged last; within a tag, in the order found.
    changes.sort_by(|a, b| match (&a.tag, &b.tag) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    ApiDiff { changes }
}

/// A type expression as the generated code writes it (models' paths left
/// out), so two IRs' types compare by what user code sees.
pub(crate) fn ty_name(ty: &Ty, api: &Api) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Bool => "bool".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::DateTime => "DateTime<Utc>".into(),
        Ty::Date => "NaiveDate".into(),
        Ty::Uuid => "Uuid".into(),
        Ty::Base64 => "Base64".into(),
        Ty::Binary => "Bytes".into(),
        Ty::Json => "serde_json::Value".into(),
        Ty::Unit => "()".into(),
        Ty::Multipart => "Vec<MultipartPart>".into(),
        Ty::Upload => "UploadBody".into(),
        Ty::Vec(inner) => format!("Vec<{}>", ty_name(inner, api)),
        Ty::Map(inner) => format!("BTreeMap<String, {}>", ty_name(inner, api)),
        Ty::Named(id) => api.type_def(*id).name.clone(),
        Ty::External(path) => path.clone(),
    }
}

/// Pushes a change.
pub(crate) fn push(
    changes: &mut Vec<Change>,
    tag: Option<&str>,
    item: String,
    kind: ChangeKind,
    detail: String,
    impact: Impact,
    reason: &str,
) {
    changes.push(Change { tag: tag.map(str::to_string), item, kind, detail, impact, reason: reason.to_string() });
}

#[cfg(test)]
mod tests;
