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
        self.replacements.orphans = self.document.loaded.orphaned_by_replacement(&cut);
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
        let ignored = |why: String| {
            Diagnostic::lossy(&at, format!("`x-rust-type` ignored: {why}; the schema is generated as usual"))
        };
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

#[cfg(test)]
mod tests {
    use crate::settings::{Settings, TypeReplacement};

    const SPEC: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /orders:\n    get:\n      operationId: listOrders\n      responses:\n        '200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Order'}}}}\ncomponents:\n  schemas:\n    Order:\n      type: object\n      properties:\n        total: {$ref: '#/components/schemas/Money'}\n        fee: {type: number}\n        placed: {type: integer, x-rust-type: {crate: jiff, version: '0.2', path: 'jiff::Timestamp'}}\n    Money:\n      type: object\n      properties:\n        amount: {type: string}\n        currency: {$ref: '#/components/schemas/Currency'}\n    Currency: {type: string, enum: [EUR, USD]}\n    Unused: {type: object, properties: {a: {type: string}}}\n";

    fn generated(settings: Settings) -> (String, String, Vec<crate::Diagnostic>) {
        let generated = crate::generate(SPEC, &settings).unwrap_or_else(|e| panic!("{e:?}"));
        let file = |path: &str| generated.files.iter().find(|f| f.path == path).map(|f| f.contents.clone()).unwrap();
        let models: String =
            generated.files.iter().filter(|f| f.path.starts_with("src/models/")).map(|f| f.contents.as_str()).collect();
        (models, file("Cargo.toml"), generated.warnings)
    }

    fn money() -> Settings {
        Settings::new("t-client", "t.yaml").with_type_replacement(
            "Money",
            TypeReplacement::new("rust_decimal::Decimal").with_dependency(r#"rust_decimal = { version = "1" }"#),
        )
    }

    #[test]
    fn a_replaced_component_and_what_only_it_used_get_no_model() {
        let (before, manifest_before, _) = generated(Settings::new("t-client", "t.yaml"));
        assert!(before.contains("pub struct Money ") && before.contains("pub enum Currency "));
        let (models, manifest, _) = generated(money());
        assert!(models.contains("pub total: Option<::rust_decimal::Decimal>,"), "{models}");
        assert!(!models.contains("pub struct Money ") && !models.contains("pub enum Currency "), "{models}");
        assert!(models.contains("pub struct Unused "), "a model nothing used before stays");
        assert!(
            !manifest_before.contains("rust_decimal") && manifest.contains("\nrust_decimal = { version = \"1\" }\n")
        );
    }

    #[test]
    fn an_all_of_member_that_is_replaced_is_not_merged_and_says_so() {
        let spec = SPEC.replace(
            "    Unused:",
            "    Priced:\n      allOf:\n        - $ref: '#/components/schemas/Money'\n        - {type: object, properties: {sku: {type: string}}}\n    Unused:",
        );
        let generated = crate::generate(&spec, &money()).unwrap_or_else(|e| panic!("{e:?}"));
        let models: String = generated.files.iter().map(|f| f.contents.as_str()).collect();
        assert!(models.contains("pub struct Priced {\n    pub sku: Option<String>,"), "{models}");
        let warning = generated.warnings.iter().find(|d| d.pointer == "/components/schemas/Priced/allOf/0");
        let warning = warning.unwrap_or_else(|| panic!("{:?}", generated.warnings));
        assert!(warning.message.contains("`Money` is replaced by a type of your own"), "{warning:?}");
    }

    #[test]
    fn a_json_pointer_replaces_one_inline_schema() {
        let settings = Settings::new("t-client", "t.yaml").with_type_replacement(
            "#/components/schemas/Order/properties/fee",
            TypeReplacement::new("std::num::NonZeroU64"),
        );
        let (models, manifest, _) = generated(settings);
        assert!(models.contains("pub fee: Option<::std::num::NonZeroU64>,"), "{models}");
        assert!(models.contains("pub struct Money "), "other schemas are untouched");
        assert!(!manifest.contains("# The crates of the types"), "std needs no dependency");
    }

    #[test]
    fn a_prelude_type_is_named_without_a_leading_path_separator() {
        let settings = Settings::new("t-client", "t.yaml")
            .with_type_replacement("#/components/schemas/Order/properties/fee", TypeReplacement::new("Vec<u8>"));
        let (models, _, _) = generated(settings);
        assert!(models.contains("pub fee: Option<Vec<u8>>,"), "{models}");
    }

    #[test]
    fn a_target_that_matches_no_schema_is_a_located_error() {
        for target in ["Mony", "#/components/schemas/Order/properties/feee"] {
            let settings =
                Settings::new("t-client", "t.yaml").with_type_replacement(target, TypeReplacement::new("String"));
            let errors = crate::generate(SPEC, &settings).unwrap_err();
            let error = errors.iter().find(|d| d.is_error()).expect("an error");
            assert!(error.message.contains("matches no schema"), "{error:?}");
            assert!(error.pointer.starts_with("/components/schemas/"), "located at the target: {error:?}");
        }
    }

    #[test]
    fn x_rust_type_needs_its_crate_allowed_by_the_settings() {
        let (models, manifest, warnings) = generated(Settings::new("t-client", "t.yaml"));
        assert!(models.contains("pub placed: Option<i64>,"), "ignored: {models}");
        let warning = warnings.iter().find(|d| d.pointer == "/components/schemas/Order/properties/placed/x-rust-type");
        let warning = warning.unwrap_or_else(|| panic!("{warnings:?}"));
        assert!(warning.message.contains("rust_type_crates = ['jiff = \"0.2\"']"), "{warning:?}");
        assert!(!manifest.contains("jiff"));
        let settings = Settings::new("t-client", "t.yaml").with_rust_type_crate(r#"jiff = "0.2""#);
        let (models, manifest, warnings) = generated(settings);
        assert!(models.contains("pub placed: Option<::jiff::Timestamp>,"), "{models}");
        assert!(manifest.contains("\njiff = \"0.2\"\n") && warnings.is_empty(), "{manifest}");
    }

    #[test]
    fn an_x_rust_type_that_is_not_a_plain_path_is_ignored_with_a_warning() {
        let spec = SPEC.replace("path: 'jiff::Timestamp'", "path: 'fn() -> u8'");
        let generated = crate::generate(&spec, &Settings::new("t-client", "t.yaml")).unwrap();
        assert!(
            generated.warnings.iter().any(|d| d.message.contains("is not a plain Rust type path")),
            "{:?}",
            generated.warnings
        );
    }

    #[test]
    fn invalid_settings_are_refused_before_anything_is_generated() {
        let settings = Settings::new("t-client", "t.yaml")
            .with_type_replacement("Money", TypeReplacement::new("Decimal; fn x() {}"));
        let errors = crate::generate(SPEC, &settings).unwrap_err();
        assert!(
            errors[0].message.contains("type replacement `Money`: `Decimal; fn x() {}` is not a Rust type path"),
            "{errors:?}"
        );
    }
}
