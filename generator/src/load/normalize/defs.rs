//! `$defs` (JSON Schema 2020-12, in OpenAPI 3.1): OpenAPI 3.0 keeps reusable
//! schemas only in `components.schemas`, so each `$defs` entry moves there
//! under a free name, and every reference to it (or into it) follows.

use serde_json::{Map, Value};

use super::rewrites::SchemaSite;
use super::Normalizer;
use crate::diagnostics::{escape_pointer_token, pointer_join, unescape_pointer_token};

/// The root schema (one not nested in another schema) a schema belongs to:
/// `#/$defs/...` references inside it point into its `$defs`.
pub(super) struct SchemaRoot {
    /// JSON pointer of the root schema.
    pub(super) pointer: String,
    /// Names in the root schema's `$defs`.
    pub(super) def_names: Vec<String>,
    /// Name of the root schema when it is a component schema, used to name
    /// its `$defs` when they move to the components.
    pub(super) component_name: Option<String>,
}

/// A `$defs` entry moved to `components.schemas`.
pub(super) struct HoistedDef {
    /// The reference that used to point at it, e.g. `#/components/schemas/A/$defs/B`.
    pub(super) old_reference: String,
    /// Its name in `components.schemas`.
    pub(super) new_name: String,
    /// The (already normalised) schema.
    pub(super) schema: Value,
}

impl Normalizer {
    /// `$ref: '#/$defs/Name'`: in an OpenAPI document `#` is the document,
    /// which has no `$defs`; authors mean the `$defs` of the enclosing schema.
    /// Rewritten to the absolute pointer, which [`Self::place_hoisted_defs`]
    /// then maps to the definition's new place.
    pub(super) fn resolve_local_defs_reference(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let (pointer, root) = (site.pointer, site.root);
        let Some(Value::String(reference)) = map.get_mut("$ref") else { return };
        let Some(rest) = reference.strip_prefix("#/$defs/") else { return };
        let name = unescape_pointer_token(rest.split('/').next().unwrap_or_default());
        if !root.def_names.contains(&name) {
            return;
        }
        let resolved = format!("#{}/$defs/{rest}", root.pointer);
        let message = format!("`$ref: {reference}` taken to mean the `$defs` of the schema at `#{}`", root.pointer);
        *reference = resolved;
        self.lossless(pointer_join(pointer, "$ref"), message);
    }

    /// Moves `$defs` (2020-12) to `components.schemas`, where 3.0 keeps
    /// reusable schemas; references to them are rewritten at the end.
    pub(super) fn hoist_defs(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let (pointer, root) = (site.pointer, site.root);
        if !self.can_hoist_defs {
            return;
        }
        let Some(Value::Object(_)) = map.get("$defs") else { return };
        let Some(Value::Object(defs)) = map.shift_remove("$defs") else { return };
        let defs_pointer = pointer_join(pointer, "$defs");
        for (name, schema) in defs {
            let new_name = self.unique_schema_name(&name, root.component_name.as_deref());
            let def_pointer = pointer_join(&defs_pointer, &name);
            self.lossless(
                def_pointer.clone(),
                format!(
                    "`$defs` entry moved to `#/components/schemas/{new_name}` (OpenAPI 3.0 keeps reusable \
                     schemas there); references to it were rewritten"
                ),
            );
            self.hoisted_defs.push(HoistedDef { old_reference: format!("#{def_pointer}"), new_name, schema });
        }
    }

    fn unique_schema_name(&mut self, name: &str, parent: Option<&str>) -> String {
        let mut candidates = vec![name.to_string()];
        if let Some(parent) = parent {
            candidates.push(format!("{parent}{name}"));
        }
        let base = candidates.last().cloned().unwrap_or_default();
        let chosen = candidates
            .into_iter()
            .chain((2..).map(|number| format!("{base}{number}")))
            .find(|candidate| !self.schema_names.contains(candidate))
            .unwrap_or_default();
        self.schema_names.insert(chosen.clone());
        chosen
    }

    /// Appends the moved `$defs` to `components.schemas` and points the
    /// references to them (and into them) at their new place.
    pub(super) fn place_hoisted_defs(&mut self, root: &mut Map<String, Value>) {
        if self.hoisted_defs.is_empty() {
            return;
        }
        let moves: Vec<(String, String)> = self
            .hoisted_defs
            .iter()
            .map(|def| {
                (def.old_reference.clone(), format!("#/components/schemas/{}", escape_pointer_token(&def.new_name)))
            })
            .collect();
        let components = root.entry("components").or_insert_with(|| Value::Object(Map::new()));
        let Some(components) = components.as_object_mut() else { return };
        let schemas = components.entry("schemas").or_insert_with(|| Value::Object(Map::new()));
        let Some(schemas) = schemas.as_object_mut() else { return };
        for def in self.hoisted_defs.drain(..) {
            schemas.insert(def.new_name, def.schema);
        }
        for value in root.values_mut() {
            rewrite_moved_references(value, &moves);
        }
    }
}

/// Rewrites every `$ref` that points at (or into) a moved definition.
fn rewrite_moved_references(value: &mut Value, moves: &[(String, String)]) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                let best = moves
                    .iter()
                    .filter(|(old, _)| {
                        reference
                            .strip_prefix(old.as_str())
                            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
                    })
                    .max_by_key(|(old, _)| old.len());
                if let Some((old, new)) = best {
                    *reference = format!("{new}{}", &reference[old.len()..]);
                }
            }
            for child in map.values_mut() {
                rewrite_moved_references(child, moves);
            }
        }
        Value::Array(items) => {
            for child in items {
                rewrite_moved_references(child, moves);
            }
        }
        _ => {}
    }
}
