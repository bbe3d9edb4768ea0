//! The schema rewrites as one ordered table, [`REWRITES`]: each rewrite says
//! once which documents it applies to and what it runs on, which fixes when
//! it runs in the walk of a schema. The walk ([`Normalizer::schema`]) runs
//! the table at every schema, in table order; this file is the one place
//! where a schema rewrite's version gate is tested.
//!
//! The order matters: a rewrite sees the schema as the rewrites above it
//! left it (`const` becomes `enum` before the integer checks read `enum`;
//! type arrays are split after the checks that read the type list; `$ref`
//! siblings are wrapped last, when every sibling is final).

use serde_json::{Map, Value};

use super::defs::SchemaRoot;
use super::types::NullBranches;
use super::Normalizer;
use Applies::{Always, V31Only};
use Run::{AfterSubschemas, BeforeSubschemas, WholeSchema};

/// Which documents a rewrite applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Applies {
    /// OpenAPI 3.0 and 3.1: constructs valid in 3.0 that openapiv3 cannot read.
    Always,
    /// OpenAPI 3.1 only: 3.1 / JSON Schema 2020-12 constructs. In a document
    /// that declares 3.0 they are mistakes, left for the typed parser to report.
    V31Only,
}

/// What a rewrite runs on, which fixes when it runs in the walk of one schema.
#[derive(Debug, Clone, Copy)]
pub(super) enum Run {
    /// The schema value, first, whatever its shape. Returns whether it
    /// replaced the schema with one that needs nothing more: the walk of that
    /// schema ends there.
    WholeSchema(fn(&mut Normalizer, &mut Value, &str) -> bool),
    /// The schema object, before the walk into its subschemas (which then
    /// see what this left).
    BeforeSubschemas(fn(&mut Normalizer, &mut Map<String, Value>, &mut SchemaSite<'_>)),
    /// The schema object, once its subschemas are normalised (each reported
    /// at its original pointer, whatever this does to them).
    AfterSubschemas(fn(&mut Normalizer, &mut Map<String, Value>, &SchemaSite<'_>)),
}

/// One entry of [`REWRITES`].
#[derive(Debug, Clone, Copy)]
pub(super) struct Rewrite {
    pub(super) applies: Applies,
    pub(super) run: Run,
}

/// Every schema rewrite, in the order they run at each schema. Entries are
/// grouped by [`Run`] (whole schema, before subschemas, after subschemas),
/// so reading the table top to bottom is reading the order of the calls.
pub(super) const REWRITES: &[Rewrite] = &[
    // `true` / `false` schemas become `{}` / `{not: {}}`.
    Rewrite { applies: V31Only, run: WholeSchema(Normalizer::boolean_schema) },
    // 2020-12 keywords with no 3.0 equivalent go before the walk, so nothing
    // inside them is normalised or reported.
    Rewrite { applies: V31Only, run: BeforeSubschemas(Normalizer::drop_unsupported_keywords) },
    // `{type: 'null'}` branches of `anyOf` / `oneOf`: found here, so the walk
    // skips them; rewritten to `nullable` below.
    Rewrite { applies: V31Only, run: BeforeSubschemas(Normalizer::find_null_branches) },
    // A `discriminator` written as the bare property name (Swagger 2.0's form).
    Rewrite { applies: Always, run: BeforeSubschemas(Normalizer::discriminator_name) },
    // `$ref: '#/$defs/X'` made absolute before the `$defs` move.
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::resolve_local_defs_reference) },
    // `unevaluatedProperties` / `patternProperties` -> `additionalProperties`.
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::map_to_additional_properties) },
    // `const` -> `enum`.
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::const_to_enum) },
    // Schema `examples` -> `example`.
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::examples_to_example) },
    // Numeric `exclusiveMinimum` / `exclusiveMaximum` -> 3.0 bounds.
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::exclusive_bounds) },
    // `contentEncoding` / `contentMediaType` -> `format`, or dropped.
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::content_encoding) },
    // Tuples -> `items` with a `oneOf`; boolean `items` -> `maxItems` or nothing.
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::prefix_items) },
    // The `{type: 'null'}` branches found above -> `nullable: true`.
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::null_branches_to_nullable) },
    // Counts, integer bounds and integer values openapiv3 cannot read; reads
    // a type list as it is, before the split below.
    Rewrite { applies: Always, run: AfterSubschemas(Normalizer::numbers) },
    // Type arrays -> one type with `nullable`, or a `oneOf` per type.
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::type_arrays) },
    // `$defs` -> `components.schemas` (references follow at the end of the document).
    Rewrite { applies: V31Only, run: AfterSubschemas(Normalizer::hoist_defs) },
    // Keywords that do not apply to the (now single) type dropped.
    Rewrite { applies: Always, run: AfterSubschemas(Normalizer::inapplicable_keywords) },
    // `$ref` with siblings -> `allOf: [{$ref}]` next to them.
    Rewrite { applies: Always, run: AfterSubschemas(Normalizer::reference_siblings) },
];

/// One schema being normalised: where it stands, and what the rewrites
/// before the walk into its subschemas found for the walk and the rewrites
/// after it.
pub(super) struct SchemaSite<'a> {
    /// JSON pointer of the schema in the original document.
    pub(super) pointer: &'a str,
    /// The root schema it belongs to.
    pub(super) root: &'a SchemaRoot,
    /// Its `{type: 'null'}` branches (none in 3.0), which the walk skips.
    pub(super) null_branches: NullBranches,
}

impl Normalizer {
    /// What the rewrites that apply to this document run, in table order:
    /// the one test of the version for the schema rewrites.
    fn applicable_rewrites(&self) -> impl Iterator<Item = Run> {
        let is_v31 = self.is_v31;
        REWRITES
            .iter()
            .filter(move |rewrite| match rewrite.applies {
                Always => true,
                V31Only => is_v31,
            })
            .map(|rewrite| rewrite.run)
    }

    /// Runs the [`WholeSchema`] rewrites; true when one of them finished the schema.
    pub(super) fn rewrite_whole_schema(&mut self, schema: &mut Value, pointer: &str) -> bool {
        for run in self.applicable_rewrites() {
            if let WholeSchema(run) = run {
                if run(self, schema, pointer) {
                    return true;
                }
            }
        }
        false
    }

    /// Runs the [`BeforeSubschemas`] rewrites.
    pub(super) fn rewrite_before_subschemas(&mut self, map: &mut Map<String, Value>, site: &mut SchemaSite<'_>) {
        for run in self.applicable_rewrites() {
            if let BeforeSubschemas(run) = run {
                run(self, map, site);
            }
        }
    }

    /// Runs the [`AfterSubschemas`] rewrites.
    pub(super) fn rewrite_after_subschemas(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        for run in self.applicable_rewrites() {
            if let AfterSubschemas(run) = run {
                run(self, map, site);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_are_listed_in_the_order_they_run() {
        let stage = |run: &Run| match run {
            WholeSchema(_) => 0,
            BeforeSubschemas(_) => 1,
            AfterSubschemas(_) => 2,
        };
        let stages: Vec<u8> = REWRITES.iter().map(|rewrite| stage(&rewrite.run)).collect();
        assert!(
            stages.windows(2).all(|pair| pair[0] <= pair[1]),
            "REWRITES must list whole-schema, then before-subschema, then after-subschema rewrites: {stages:?}"
        );
    }
}
