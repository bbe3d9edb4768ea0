//! Normalisation: rewrites a parsed OpenAPI document, still an untyped
//! [`serde_json::Value`], into the OpenAPI 3.0.3 that `openapiv3` can read.
//!
//! `openapiv3` models OpenAPI 3.0 only, and it reads even 3.0 documents with
//! some limits (integer bounds must fit `i64`, a `$ref` hides its sibling
//! keywords, callbacks cannot be references). Rather than fail on a 3.1
//! document, or quietly lose what `openapiv3` ignores, this stage rewrites each
//! such construct into its nearest 3.0 equivalent before the typed parse, and
//! reports every rewrite, drop or loss of meaning as a [`Diagnostic`] located
//! by the JSON pointer of the construct in the original document. Each report
//! says whether the rewrite loses anything: a warning
//! ([`Diagnostic::lossy`]) when it does (a keyword dropped, a bound clamped,
//! a tuple's positions forgotten), a note ([`Diagnostic::lossless`]) when
//! the 3.0 form means the same (`anyOf: [X, {type: 'null'}]` to a nullable
//! `X`, `const` to a one-value `enum`).
//!
//! Which rewrites apply depends on the declared version:
//!
//! * 3.1.x: everything. The version becomes `3.0.3`; 3.1 / JSON Schema 2020-12
//!   constructs (type arrays, `const`, schema `examples`, numeric
//!   `exclusiveMinimum`, `prefixItems`, `$defs`, boolean schemas, webhooks,
//!   ...) are rewritten or dropped.
//! * 3.0.x: only fixes for constructs that are valid 3.0 but that `openapiv3`
//!   cannot represent: out-of-range and float-spelled integers, `$ref` with
//!   sibling keywords in schemas, keywords that do not apply to a schema's
//!   type, and referenced callbacks. 3.1 syntax in a document that declares
//!   3.0 is a mistake in the spec, left for the typed parser to report. A 3.0
//!   document with nothing to fix is left exactly as it was.
//! * anything else: left untouched (the caller upgrades Swagger 2.0
//!   documents, `load::swagger2`, and reports other versions before calling
//!   [`normalize`]).
//!
//! The stage never fails and never panics: a node of an unexpected shape (a
//! string where a schema should be, say) is left as it is, for the typed
//! parser to report with its own error.
//!
//! Warnings come in document order of the nodes they point at (a node before
//! the nodes inside it), whatever order the rewrites ran in.

mod arrays;
mod defs;
mod json;
mod keywords;
mod numbers;
mod order;
mod refs;
mod rewrites;
mod types;
mod walk;

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use crate::diagnostics::Diagnostic;
use defs::HoistedDef;

/// What [`normalize`] did to a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Normalized {
    /// The `openapi` version the document declared (`""` when it had none or
    /// it was not a string); the document itself may now say `3.0.3`.
    pub original_version: String,
    /// One diagnostic per rewritten, dropped or weakened construct, in
    /// document order: warnings for those that lose something, notes for
    /// those that do not.
    pub warnings: Vec<Diagnostic>,
}

/// Rewrites `doc` in place into an OpenAPI 3.0.3 document that openapiv3 can read.
///
/// Applies to documents declaring OpenAPI 3.0.x or 3.1.x; any other document
/// is returned unchanged, without warnings. See the module documentation for
/// what is rewritten in which version.
pub fn normalize(doc: &mut Value) -> Normalized {
    let original_version = doc.get("openapi").and_then(Value::as_str).unwrap_or_default().to_string();
    let is_v31 = match version_family(&original_version) {
        Some(VersionFamily::V30) => false,
        Some(VersionFamily::V31) => true,
        None => return Normalized { original_version, warnings: Vec::new() },
    };
    let Some(root) = doc.as_object_mut() else {
        return Normalized { original_version, warnings: Vec::new() };
    };
    let declared_order = order::DeclaredOrder::of(root);
    let mut normalizer = Normalizer::new(is_v31, root);
    normalizer.document(root, &original_version);
    let mut warnings = normalizer.warnings;
    // Rewrites run in a fixed order, some before others (nested schemas
    // before the schema holding them): report in document order instead.
    warnings.sort_by_cached_key(|warning| declared_order.position(&warning.pointer));
    Normalized { original_version, warnings }
}

/// The two OpenAPI versions this stage understands.
enum VersionFamily {
    V30,
    V31,
}

fn version_family(version: &str) -> Option<VersionFamily> {
    let is = |family: &str| version == family || version.strip_prefix(family).is_some_and(|rest| rest.starts_with('.'));
    if is("3.0") {
        Some(VersionFamily::V30)
    } else if is("3.1") {
        Some(VersionFamily::V31)
    } else {
        None
    }
}

/// Walks one document, rewriting it and collecting warnings.
struct Normalizer {
    is_v31: bool,
    warnings: Vec<Diagnostic>,
    /// Names taken in `components.schemas`, including those given to moved `$defs`.
    schema_names: BTreeSet<String>,
    /// Whether moved `$defs` have a place to go (`components` and its
    /// `schemas` are objects or absent).
    can_hoist_defs: bool,
    hoisted_defs: Vec<HoistedDef>,
    /// Names of `mutualTLS` security schemes (3.1), which OpenAPI 3.0 lacks.
    mutual_tls_schemes: Vec<String>,
    /// `components.pathItems` (3.1), normalised, to inline where `paths` refer to them.
    path_item_components: Map<String, Value>,
    /// How often each component path item has been inlined so far.
    path_item_uses: std::collections::BTreeMap<String, usize>,
    /// `components.schemas` as the document declared them, before any
    /// rewrite: they tell which `$ref` siblings repeat their target.
    declared_schemas: Map<String, Value>,
}

impl Normalizer {
    /// Collects what the walk needs to know about the whole document up
    /// front, before it rewrites anything.
    fn new(is_v31: bool, root: &Map<String, Value>) -> Self {
        let components = root.get("components");
        let schemas = components.and_then(|c| c.get("schemas"));
        let schema_names =
            schemas.and_then(Value::as_object).into_iter().flatten().map(|(name, _)| name.clone()).collect();
        let is_object_or_absent = |value: Option<&Value>| matches!(value, None | Some(Value::Object(_)));
        let can_hoist_defs = is_object_or_absent(components) && is_object_or_absent(schemas);
        let mut mutual_tls_schemes = Vec::new();
        if is_v31 {
            if let Some(schemes) = components.and_then(|c| c.get("securitySchemes")).and_then(Value::as_object) {
                mutual_tls_schemes = schemes
                    .iter()
                    .filter(|(_, scheme)| scheme.get("type").and_then(Value::as_str) == Some("mutualTLS"))
                    .map(|(name, _)| name.clone())
                    .collect();
            }
        }
        Self {
            is_v31,
            warnings: Vec::new(),
            schema_names,
            can_hoist_defs,
            hoisted_defs: Vec::new(),
            mutual_tls_schemes,
            path_item_components: Map::new(),
            path_item_uses: std::collections::BTreeMap::new(),
            declared_schemas: schemas.and_then(Value::as_object).cloned().unwrap_or_default(),
        }
    }

    /// Reports a rewrite that loses something the document says (a
    /// constraint, a value, an annotation): a warning.
    fn lossy(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Diagnostic::lossy(pointer, message));
    }

    /// Reports a rewrite into something that means the same: a note.
    fn lossless(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.warnings.push(Diagnostic::lossless(pointer, message));
    }

    /// Reports a rewrite that loses something only in some cases.
    fn report(&mut self, loses: bool, pointer: impl Into<String>, message: impl Into<String>) {
        if loses {
            self.lossy(pointer, message);
        } else {
            self.lossless(pointer, message);
        }
    }
}
