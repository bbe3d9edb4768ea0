//! A model's declaration written as formatted text: the bytes prettyplease
//! (and `format`'s doc and blank-line passes) would make of
//! `models::render_type`'s tokens, without the quote -> syn -> prettyplease
//! round trip, the way `api_text` writes the API builders.
//!
//! Text is written only for the layouts known for certain: a plain struct
//! (derived `Debug` and `PartialEq`, at least one field, every line within
//! prettyplease's width) behind no feature gate of its own. Anything else
//! is its tokens, formatted. `api_text`'s tests hold the two roads to the
//! same bytes on every fixture and the real-world corpus
//! (`Settings::format_everything` takes the token road everywhere).

use super::api_text::Lines;
use super::docs::doc_text;
use super::model_serde::tokens_text;
use super::{ty_tokens, Scope};
use crate::ir::{Api, ExtraProperties, Field};

/// A struct's declaration as text, or `None` where its layout is not one
/// of the known ones (`field_type` is the field's type as `render_struct`
/// writes it).
pub fn struct_text(
    name: &str,
    docs: &crate::ir::Docs,
    fields: &[Field],
    extra: &ExtraProperties,
    derive_default: bool,
    field_type: impl Fn(&Field) -> String,
    api: &Api,
) -> Option<String> {
    // An empty struct is printed `pub struct Name {}`; a secret field or a
    // flat `PartialEq` adds impls: all are left to the formatter.
    if fields.is_empty() || fields.iter().any(|f| f.secret) || fields.len() > super::models::DERIVED_EQ_MAX_FIELDS {
        return None;
    }
    let mut lines = Lines::new(doc_text(docs, "")?);
    lines.line(
        0,
        if derive_default {
            "#[derive(Debug, Clone, PartialEq, Default)]"
        } else {
            "#[derive(Debug, Clone, PartialEq)]"
        },
    );
    lines.line(0, &format!("pub struct {name} {{"));
    for field in fields {
        lines.push_text(&doc_text(&field.docs, "    ")?);
        lines.line(4, &format!("pub {}: {},", field.name, field_type(field)));
    }
    match extra {
        ExtraProperties::Keep => {
            lines.line(4, "/// Properties the spec does not list, kept as received and sent back unchanged.");
            lines.line(4, "pub additional_properties: serde_json::Map<String, serde_json::Value>,");
        }
        ExtraProperties::Typed(value) => {
            let value = tokens_text(ty_tokens(value, Scope::Models, api));
            lines.line(4, "/// Properties beyond the listed ones (`additionalProperties`).");
            lines.line(4, &format!("pub additional_properties: std::collections::BTreeMap<String, {value}>,"));
        }
        ExtraProperties::Closed => {}
    }
    lines.line(0, "}");
    lines.finish()
}
