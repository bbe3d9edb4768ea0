//! The operation filter: which operations a crate gets, by tag, path glob
//! or operationId, and the rules that matched nothing (most likely typos).

use super::Settings;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use std::collections::BTreeSet;

/// The filter's builder methods; `settings.rs` holds the others.
impl Settings {
    /// Generates only the operations tagged `tag` and those other include
    /// rules name (by default every operation). Models that no generated
    /// operation reaches any more are not generated.
    pub fn with_include_tag(mut self, tag: impl Into<String>) -> Self {
        self.operation_filter.include_tags.push(tag.into());
        self
    }

    /// Generates only the operations whose path matches `glob` (and those
    /// other include rules name): the path itself (`/users/{id}`), or a glob
    /// in which `*` stays within one segment and `**` crosses them
    /// (`/users/**`; `{a,b}` is a choice, so match a template's braces with
    /// the path itself, `*` or `[{]`).
    pub fn with_include_path(mut self, glob: impl Into<String>) -> Self {
        self.operation_filter.include_paths.push(glob.into());
        self
    }

    /// Generates only the operation with this `operationId` (and those other
    /// include rules name).
    pub fn with_include_operation(mut self, operation_id: impl Into<String>) -> Self {
        self.operation_filter.include_operations.push(operation_id.into());
        self
    }

    /// Leaves out the operations tagged `tag`, even those an include rule names.
    pub fn with_exclude_tag(mut self, tag: impl Into<String>) -> Self {
        self.operation_filter.exclude_tags.push(tag.into());
        self
    }

    /// Leaves out the operations whose path matches `glob`
    /// ([`Settings::with_include_path`] says how paths match).
    pub fn with_exclude_path(mut self, glob: impl Into<String>) -> Self {
        self.operation_filter.exclude_paths.push(glob.into());
        self
    }

    /// Leaves out the operation with this `operationId`.
    pub fn with_exclude_operation(mut self, operation_id: impl Into<String>) -> Self {
        self.operation_filter.exclude_operations.push(operation_id.into());
        self
    }

    /// Adds every rule of `filter` (as `codegen.toml`'s `operations` table
    /// reads it) to the include and exclude rules.
    pub fn with_operation_filter(mut self, filter: &OperationFilter) -> Self {
        let own = &mut self.operation_filter;
        own.include_tags.extend(filter.include_tags.iter().cloned());
        own.include_paths.extend(filter.include_paths.iter().cloned());
        own.include_operations.extend(filter.include_operations.iter().cloned());
        own.exclude_tags.extend(filter.exclude_tags.iter().cloned());
        own.exclude_paths.extend(filter.exclude_paths.iter().cloned());
        own.exclude_operations.extend(filter.exclude_operations.iter().cloned());
        self
    }
}

/// Which operations a crate gets: those an include rule names (every
/// operation when there is none) that no exclude rule names. Built with
/// [`Settings`]' `with_include_*` and `with_exclude_*` methods, or read from
/// `codegen.toml`'s `operations` table (`include_tags = ["user"]`,
/// `exclude_paths = ["/admin/**"]`, `include_operations = ["listUsers"]`...).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OperationFilter {
    #[serde(default)]
    include_tags: Vec<String>,
    #[serde(default)]
    include_paths: Vec<String>,
    #[serde(default)]
    include_operations: Vec<String>,
    #[serde(default)]
    exclude_tags: Vec<String>,
    #[serde(default)]
    exclude_paths: Vec<String>,
    #[serde(default)]
    exclude_operations: Vec<String>,
}

impl OperationFilter {
    /// Whether every operation is kept (no rule at all).
    pub fn is_empty(&self) -> bool {
        *self == OperationFilter::default()
    }

    /// The rules compiled; `Err` names a glob that does not parse.
    pub fn matcher(&self) -> Result<OperationMatcher, String> {
        let globs = |patterns: &[String]| -> Result<GlobSet, String> {
            let mut set = GlobSetBuilder::new();
            for pattern in patterns {
                let glob = GlobBuilder::new(pattern)
                    .literal_separator(true)
                    .build()
                    .map_err(|e| format!("invalid path glob `{pattern}` in the operation filter: {}", e.kind()))?;
                set.add(glob);
            }
            set.build().map_err(|e| format!("invalid path globs in the operation filter: {e}"))
        };
        Ok(OperationMatcher {
            include_paths: globs(&self.include_paths)?,
            exclude_paths: globs(&self.exclude_paths)?,
            filter: self.clone(),
            used: BTreeSet::new(),
        })
    }
}

/// An [`OperationFilter`] ready to match, which remembers the rules that
/// matched some operation (a rule that matches none is most likely a typo).
#[derive(Debug)]
pub struct OperationMatcher {
    filter: OperationFilter,
    include_paths: GlobSet,
    exclude_paths: GlobSet,
    used: BTreeSet<(&'static str, usize)>,
}

/// The kinds of rule, as `codegen.toml` names them.
const RULES: [&str; 6] =
    ["include_tags", "include_paths", "include_operations", "exclude_tags", "exclude_paths", "exclude_operations"];

impl OperationMatcher {
    /// Whether the operation at `path` with `operation_id` and `tags` is generated.
    pub fn keeps(&mut self, path: &str, operation_id: Option<&str>, tags: &[&str]) -> bool {
        let included = self.matches(0, path, operation_id, tags);
        let excluded = self.matches(3, path, operation_id, tags);
        let no_include = self.filter.include_tags.is_empty()
            && self.filter.include_paths.is_empty()
            && self.filter.include_operations.is_empty();
        (no_include || included) && !excluded
    }

    /// Whether a rule of the include (`first` 0) or exclude (3) side matches; records each that does.
    fn matches(&mut self, first: usize, path: &str, operation_id: Option<&str>, tags: &[&str]) -> bool {
        let (tag_rules, path_rules, globs, id_rules) = if first == 0 {
            (
                &self.filter.include_tags,
                &self.filter.include_paths,
                &self.include_paths,
                &self.filter.include_operations,
            )
        } else {
            (
                &self.filter.exclude_tags,
                &self.filter.exclude_paths,
                &self.exclude_paths,
                &self.filter.exclude_operations,
            )
        };
        let mut hits: Vec<(usize, usize)> = Vec::new();
        hits.extend(tag_rules.iter().enumerate().filter(|(_, t)| tags.contains(&t.as_str())).map(|(i, _)| (first, i)));
        let glob_hits = globs.matches(path);
        hits.extend(
            path_rules
                .iter()
                .enumerate()
                .filter(|(i, p)| p.as_str() == path || glob_hits.contains(i))
                .map(|(i, _)| (first + 1, i)),
        );
        hits.extend(
            id_rules
                .iter()
                .enumerate()
                .filter(|(_, id)| Some(id.as_str()) == operation_id)
                .map(|(i, _)| (first + 2, i)),
        );
        for &(kind, index) in &hits {
            self.used.insert((RULES[kind], index));
        }
        !hits.is_empty()
    }

    /// The rules that matched no operation, as `include_tags = "user"`,
    /// each with whether it is an include rule.
    pub fn unused_rules(&self) -> Vec<(bool, String)> {
        let lists = [
            &self.filter.include_tags,
            &self.filter.include_paths,
            &self.filter.include_operations,
            &self.filter.exclude_tags,
            &self.filter.exclude_paths,
            &self.filter.exclude_operations,
        ];
        let mut unused = Vec::new();
        for (kind, list) in lists.iter().enumerate() {
            for (index, value) in list.iter().enumerate() {
                if !self.used.contains(&(RULES[kind], index)) {
                    unused.push((kind < 3, format!("{} = {value:?}", RULES[kind])));
                }
            }
        }
        unused
    }
}

#[cfg(test)]
mod tests {
    use crate::Settings;

    const FILTERED: &str = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\ntags: [{name: pets}, {name: admin}]\npaths:\n  /pets/{id}:\n    get: {operationId: getPet, tags: [pets], responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Pet'}}}}}}\n    delete: {operationId: deletePet, tags: [pets], responses: {'204': {description: gone}}}\n  /admin/audit/log:\n    get: {operationId: auditLog, tags: [admin], responses: {'200': {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Audit'}}}}}}\ncomponents:\n  schemas:\n    Pet: {type: object, properties: {name: {type: string}}}\n    Audit: {type: object, properties: {who: {type: string}}}\n";

    /// The operation ids and model names a filtered crate has.
    fn kept(settings: Settings) -> (Vec<&'static str>, Vec<&'static str>) {
        let generated = crate::generate(FILTERED, &settings).unwrap_or_else(|e| panic!("{e:?}"));
        let code: String = generated.files.iter().map(|f| f.contents.as_str()).collect();
        let operations = ["get_pet", "delete_pet", "audit_log"]
            .into_iter()
            .filter(|m| code.contains(&format!("pub fn {m}(")))
            .collect();
        let models = ["Pet", "Audit"].into_iter().filter(|m| code.contains(&format!("pub struct {m} "))).collect();
        (operations, models)
    }

    #[test]
    fn the_operation_filter_keeps_what_it_names_and_the_models_they_reach() {
        let new = || Settings::new("t-client", "t.yaml");
        assert_eq!(kept(new()), (vec!["get_pet", "delete_pet", "audit_log"], vec!["Pet", "Audit"]));
        assert_eq!(kept(new().with_include_tag("pets")), (vec!["get_pet", "delete_pet"], vec!["Pet"]));
        assert_eq!(kept(new().with_include_path("/admin/**")), (vec!["audit_log"], vec!["Audit"]));
        assert_eq!(
            kept(new().with_include_path("/pets/{id}")),
            (vec!["get_pet", "delete_pet"], vec!["Pet"]),
            "a template as it is"
        );
        assert_eq!(kept(new().with_include_path("/pets/*")), (vec!["get_pet", "delete_pet"], vec!["Pet"]));
        assert_eq!(
            kept(new().with_include_operation("auditLog").with_include_operation("deletePet")),
            (vec!["delete_pet", "audit_log"], vec!["Audit"])
        );
        assert_eq!(kept(new().with_exclude_operation("getPet")), (vec!["delete_pet", "audit_log"], vec!["Audit"]));
        assert_eq!(kept(new().with_include_tag("pets").with_exclude_tag("pets")), (vec![], vec![]), "exclusion wins");
    }

    #[test]
    fn the_operation_filter_applies_to_a_spec_kept_as_several_files() {
        let root = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths:\n  /pets:\n    get: {operationId: listPets, tags: [pets], responses: {'200': {description: ok, content: {application/json: {schema: {$ref: 'schemas.yaml#/Pet'}}}}}}\n  /audit:\n    get: {operationId: auditLog, tags: [admin], responses: {'200': {description: ok, content: {application/json: {schema: {$ref: 'schemas.yaml#/Audit'}}}}}}\n";
        let schemas = "Pet: {type: object, properties: {name: {type: string}}}\nAudit: {type: object, properties: {who: {type: string}}}\n";
        let mut files = crate::SpecFiles::new("root.yaml", root);
        files.add("schemas.yaml", schemas);
        let settings = Settings::new("t-client", "t.yaml").with_include_tag("pets");
        let generated = crate::generate_files(&files, &settings).unwrap_or_else(|e| panic!("{e:?}"));
        let code: String = generated.files.iter().map(|f| f.contents.as_str()).collect();
        assert!(code.contains("pub fn list_pets(") && code.contains("pub struct Pet "), "kept");
        assert!(!code.contains("pub fn audit_log(") && !code.contains("pub struct Audit "), "left out");
        let errors = crate::generate_files(&files, &settings.with_include_tag("typo")).unwrap_err();
        assert!(errors.iter().any(|d| d.is_error() && d.message.contains("\"typo\"")), "{errors:?}");
    }

    #[test]
    fn a_filter_rule_that_matches_nothing_or_does_not_parse_is_reported() {
        let errors =
            crate::generate(FILTERED, &Settings::new("t-client", "t.yaml").with_include_tag("pet")).unwrap_err();
        assert!(
            errors.iter().any(|d| d.is_error()
                && d.pointer == "/paths"
                && d.message.contains("`include_tags = \"pet\"` matches no operation")),
            "{errors:?}"
        );
        let generated =
            crate::generate(FILTERED, &Settings::new("t-client", "t.yaml").with_exclude_path("/nowhere")).unwrap();
        assert!(
            generated
                .warnings
                .iter()
                .any(|d| d.is_warning() && d.message.contains("`exclude_paths = \"/nowhere\"` matches no operation")),
            "{:?}",
            generated.warnings
        );
        let errors =
            crate::generate(FILTERED, &Settings::new("t-client", "t.yaml").with_include_path("/admin/*")).unwrap_err();
        assert!(
            errors.iter().any(|d| d.message.contains("`include_paths = \"/admin/*\"`")),
            "`*` stays in a segment: {errors:?}"
        );
        let errors =
            crate::generate(FILTERED, &Settings::new("t-client", "t.yaml").with_include_path("/pets/[")).unwrap_err();
        assert!(errors[0].message.starts_with("invalid path glob `/pets/[` in the operation filter"), "{errors:?}");
    }
}
