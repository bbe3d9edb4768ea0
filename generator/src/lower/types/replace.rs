//! Type replacements while lowering: a schema the settings replace (by
//! component name or JSON pointer), or whose `x-rust-type` names a type of
//! an allowed crate, lowers to [`Ty::External`] wherever it is used; a
//! replaced component gets no model, nor do the components only it used.

use super::{Lowered, TypeLowering};
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::ir::Ty;
use crate::settings::{display_target, parse_rust_type, Replacements, RustType};
use openapiv3::{ReferenceOr, Schema};
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// The replacement state of one lowering.
#[derive(Debug, Default)]
pub struct ReplacementState {
    /// The settings' replacements and allowed crates, checked.
    checked: Replacements,
    /// The component schemas replaced, by key, with their lowered type.
    components: BTreeMap<String, Lowered>,
    /// The component schemas only replaced schemas used: no model.
    orphans: BTreeSet<String>,
    /// The settings' targets some schema matched (pointers without `#`).
    used_targets: BTreeSet<String>,
    /// The dependency lines the types used need.
    dependencies: BTreeSet<String>,
}

/// The spec's `x-rust-type` (progenitor's shape): `path` is the type;
/// `crate` and `version` only say which dependency to allow.
#[derive(Deserialize)]
struct XRustType {
    path: String,
    #[serde(rename = "crate")]
    krate: Option<String>,
    version: Option<String>,
}

impl ReplacementState {
    /// Whether the component `key` gets a model of its own.
    pub fn keeps_component(&self, key: &str) -> bool {
        !self.components.contains_key(key) && !self.orphans.contains(key)
    }
}

impl TypeLowering<'_> {
    /// Finds the replaced component schemas (by the settings or an allowed
    /// `x-rust-type`) and those only they use; called before any name is claimed.
    pub(super) fn find_replacements(&mut self) {
        // `Settings::validate` has reported any error before lowering starts.
        self.replacements.checked = self.settings.replacements().unwrap_or_default();
        let Some(schemas) = self.schemas else { return };
        let mut cut = Vec::new();
        for (key, schema) in schemas {
            let pointer = pointer_join("/components/schemas", key);
            let schema = match schema {
                ReferenceOr::Item(schema) => Some(schema),
                ReferenceOr::Reference { .. } => None,
            };
            if let Some(ty) = self.settings_replacement(&pointer, schema) {
                self.replacements.components.insert(key.clone(), ty);
                cut.push(pointer);
            } else if let Some(ty) = schema.and_then(|schema| self.x_rust_type(schema, &pointer)) {
                self.replacements.components.insert(key.clone(), ty);
                cut.push(pointer);
            }
        }
        let other_targets: Vec<String> =
            self.replacements.checked.by_target.keys().filter(|p| !cut.contains(p)).cloned().collect();
        cut.extend(other_targets);
        self.replacements.orphans = crate::load::select::orphaned_by_replacement(self.raw, &cut);
    }

    /// The replacement of the schema at `pointer` by the settings, if any.
    fn settings_replacement(&mut self, pointer: &str, schema: Option<&Schema>) -> Option<Lowered> {
        let ty = self.replacements.checked.by_target.get(pointer)?.clone();
        self.replacements.used_targets.insert(pointer.to_string());
        let nullable = schema.is_some_and(|s| s.schema_data.nullable);
        Some(self.external(&ty, nullable))
    }

    fn external(&mut self, ty: &RustType, nullable: bool) -> Lowered {
        for krate in &ty.crates {
            if let Some(line) = self.replacements.checked.dependencies.get(krate) {
                self.replacements.dependencies.insert(line.clone());
            }
        }
        Lowered { ty: Ty::External(ty.path.clone()), nullable }
    }

    /// The replacement of the component schema `key`, if it is replaced.
    pub(super) fn replaced_component(&self, key: &str) -> Option<Lowered> {
        self.replacements.components.get(key).cloned()
    }

    /// The replacement of the schema standing at `pointer` (by the settings'
    /// JSON pointer, or its `x-rust-type`), if any.
    pub(super) fn replaced_at(&mut self, pointer: &str, schema: Option<&Schema>) -> Option<Lowered> {
        if self.replacements.checked.by_target.is_empty() && schema.is_none_or(|s| !has_x_rust_type(s)) {
            return None;
        }
        if let Some(lowered) = self.settings_replacement(pointer, schema) {
            return Some(lowered);
        }
        let lowered = self.x_rust_type(schema?, pointer)?;
        self.lowered.insert(pointer.to_string(), lowered.clone());
        Some(lowered)
    }

    /// The type the schema's `x-rust-type` names, when it is a plain path
    /// whose crates the generated crate has or the settings allow; else
    /// `None`, with a warning saying why it was ignored.
    fn x_rust_type(&mut self, schema: &Schema, pointer: &str) -> Option<Lowered> {
        let value = schema.schema_data.extensions.get("x-rust-type")?;
        let at = format!("{pointer}/x-rust-type");
        let ignored = |why: String| Diagnostic::lossy(&at, format!("`x-rust-type` ignored: {why}; the schema is generated as usual"));
        let stated: XRustType = match serde_json::from_value(value.clone()) {
            Ok(stated) => stated,
            Err(e) => {
                self.warnings.push(ignored(format!("expected `{{path, crate, version}}` ({e})")));
                return None;
            }
        };
        let ty = match parse_rust_type(&stated.path) {
            Ok(ty) => ty,
            Err(e) => {
                self.warnings.push(ignored(e));
                return None;
            }
        };
        if let Some(missing) = ty.crates.iter().find(|c| !self.replacements.checked.knows_crate(c)) {
            let krate = stated.krate.as_deref().unwrap_or(missing);
            let version = stated.version.as_deref().unwrap_or("<version>");
            self.warnings.push(ignored(format!(
                "crate `{missing}` is not a dependency the settings allow (a spec never adds one by itself); \
                 allow it with `rust_type_crates = ['{krate} = \"{version}\"']` in codegen.toml"
            )));
            return None;
        }
        Some(self.external(&ty, schema.schema_data.nullable))
    }

    /// The errors for the settings' targets no schema matched, and the
    /// dependency lines the replacements used.
    pub(in crate::lower) fn finish_replacements(&mut self) -> Vec<String> {
        for target in self.replacements.checked.by_target.keys() {
            if !self.replacements.used_targets.contains(target) {
                self.warnings.push(Diagnostic::error(
                    target.clone(),
                    format!(
                        "the type replacement `{}` matches no schema (a typo, or the spec renamed it)",
                        display_target(target)
                    ),
                ));
            }
        }
        std::mem::take(&mut self.replacements.dependencies).into_iter().collect()
    }
}

fn has_x_rust_type(schema: &Schema) -> bool {
    schema.schema_data.extensions.contains_key("x-rust-type")
}
