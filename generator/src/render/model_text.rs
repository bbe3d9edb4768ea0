//! A model's declaration written as formatted text: the bytes prettyplease
//! (and `format`'s doc and blank-line passes) would make of
//! `models::render_type`'s tokens, without the quote -> syn -> prettyplease
//! round trip, the way `api_text` writes the API builders.
//!
//! Text is written only for the layouts known for certain, each with every
//! line within prettyplease's width (a type's `#[cfg]` gate included, which
//! goes before each of its items): a plain struct (derived `Debug` and
//! `PartialEq`, at least one field), an open string or integer enum (no
//! negative value), a union, an alias or newtype, and a model file's head
//! (inner docs; `model_serde` writes its imports). Anything else is its
//! tokens, formatted. `api_text`'s tests hold the two roads to the
//! same bytes on every fixture and the real-world corpus
//! (`Settings::format_everything` takes the token road everywhere).

use super::api_text::{literal, Lines};
use super::docs::{code, doc_text, lines_text, markdown_lines, DocBlock};
use super::model_serde::tokens_text;
use super::{ty_tokens, Scope};
use crate::ir::{Api, Docs, EnumValue, EnumVariant, ExtraProperties, Field, Ty, UnionVariant};

/// A struct's declaration as text, or `None` where its layout is not one
/// of the known ones (`field_type` is the field's type as `render_struct`
/// writes it).
pub fn struct_text(
    head: &Head<'_>,
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
    let name = head.name;
    let mut lines = head.lines()?;
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

/// What every declaration of a type starts with.
pub struct Head<'a> {
    /// The type's name.
    pub name: &'a str,
    /// Its feature gate: a `#[cfg(..)]` on one line, as `features::Gates`
    /// writes it, or none.
    pub gate: Option<&'a str>,
    /// Its docs.
    pub docs: &'a Docs,
}

impl Head<'_> {
    /// The first lines of the type's first item: its gate, then its docs
    /// (`features::gate_items` puts the gate before every item of a type,
    /// before its docs).
    fn lines(&self) -> Option<Lines> {
        let mut lines = Lines::new(String::new());
        gate_line(&mut lines, self.gate);
        lines.push_text(&doc_text(self.docs, "")?);
        Some(lines)
    }
}

/// The gate before a further item of the same type. A gate past the
/// width is broken by prettyplease, so [`Lines`] refuses it.
fn gate_line(lines: &mut Lines, gate: Option<&str>) {
    if let Some(gate) = gate {
        lines.line(0, gate);
    }
}

/// An open string enum's declarations as `models::render_string_enum`'s
/// tokens format: the enum, then `as_str` and `from_wire`.
pub fn string_enum_text(head: &Head<'_>, variants: &[EnumVariant]) -> Option<String> {
    let unknown = crate::naming::catch_all_variant(variants.iter().map(|v| v.name.as_str()));
    let listed: Vec<(&str, &str)> = variants
        .iter()
        .filter_map(|v| match &v.value {
            EnumValue::String(wire) => Some((v.name.as_str(), wire.as_str())),
            EnumValue::Integer(_) => None,
        })
        .collect();
    let (name, gate) = (head.name, head.gate);
    let mut lines = head.lines()?;
    lines.line(0, "#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    lines.line(0, &format!("pub enum {name} {{"));
    for (variant, wire) in &listed {
        lines.push_text(&lines_text(&[code(wire)], "    ")?);
        lines.line(4, &format!("{variant},"));
    }
    // A comment: prettyplease never breaks it, however long.
    lines.push_text(
        "    /// A value this client does not know (the API may add values); kept and sent back as received.\n",
    );
    lines.line(4, &format!("{unknown}(String),"));
    lines.line(0, "}");
    gate_line(&mut lines, gate);
    lines.line(0, &format!("impl {name} {{"));
    lines.line(4, "/// The value as it is sent on the wire.");
    lines.line(4, "pub fn as_str(&self) -> &str {");
    lines.line(8, "match self {");
    for (variant, wire) in &listed {
        lines.line(12, &format!("Self::{variant} => {},", literal(wire)));
    }
    lines.line(12, &format!("Self::{unknown}(value) => value,"));
    lines.line(8, "}");
    lines.line(4, "}");
    lines.line(4, "fn from_wire(value: &str) -> Self {");
    lines.line(8, "match value {");
    for (variant, wire) in &listed {
        lines.line(12, &format!("{} => Self::{variant},", literal(wire)));
    }
    lines.line(12, &format!("other => Self::{unknown}(other.to_owned()),"));
    lines.line(8, "}");
    lines.line(4, "}");
    lines.line(0, "}");
    lines.finish()
}

/// An open integer enum's declarations as `models::render_integer_enum`'s
/// tokens format; `None` with a negative value (a literal whose sign the
/// formatter may print its own way).
pub fn integer_enum_text(head: &Head<'_>, variants: &[EnumVariant]) -> Option<String> {
    let unknown = crate::naming::catch_all_variant(variants.iter().map(|v| v.name.as_str()));
    let listed: Vec<(&str, i64)> = variants
        .iter()
        .filter_map(|v| match &v.value {
            EnumValue::Integer(n) => Some((v.name.as_str(), *n)),
            EnumValue::String(_) => None,
        })
        .collect();
    if listed.iter().any(|(_, value)| *value < 0) {
        return None;
    }
    let (name, gate) = (head.name, head.gate);
    let mut lines = head.lines()?;
    lines.line(0, "#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]");
    lines.line(0, &format!("pub enum {name} {{"));
    for (variant, value) in &listed {
        lines.push_text(&lines_text(&[format!("`{value}`")], "    ")?);
        lines.line(4, &format!("{variant},"));
    }
    lines.line(4, "/// A value this client does not know; kept and sent back as received.");
    lines.line(4, &format!("{unknown}(i64),"));
    lines.line(0, "}");
    gate_line(&mut lines, gate);
    lines.line(0, &format!("impl {name} {{"));
    lines.line(4, "/// The value as it is sent on the wire.");
    lines.line(4, "pub fn value(&self) -> i64 {");
    lines.line(8, "match self {");
    for (variant, value) in &listed {
        lines.line(12, &format!("Self::{variant} => {value}i64,"));
    }
    lines.line(12, &format!("Self::{unknown}(value) => *value,"));
    lines.line(8, "}");
    lines.line(4, "}");
    lines.line(0, "}");
    gate_line(&mut lines, gate);
    lines.line(0, &format!("impl From<i64> for {name} {{"));
    lines.line(4, "fn from(value: i64) -> Self {");
    lines.line(8, "match value {");
    for (variant, value) in &listed {
        lines.line(12, &format!("{value}i64 => Self::{variant},"));
    }
    lines.line(12, &format!("other => Self::{unknown}(other),"));
    lines.line(8, "}");
    lines.line(4, "}");
    lines.line(0, "}");
    lines.finish()
}

/// A union's declaration as `models::render_union`'s tokens format
/// (`payload` is a variant's type as it writes it).
pub fn union_text(
    head: &Head<'_>,
    variants: &[UnionVariant],
    tagged: bool,
    payload: impl Fn(&UnionVariant) -> String,
) -> Option<String> {
    let name = head.name;
    let mut lines = head.lines()?;
    if tagged {
        lines.line(0, "#[derive(Debug, Clone, PartialEq)]");
    } else {
        lines.line(0, "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]");
        lines.line(0, "#[serde(untagged)]");
    }
    lines.line(0, &format!("pub enum {name} {{"));
    for variant in variants {
        if !variant.tags.is_empty() {
            let tags: Vec<String> = variant.tags.iter().map(|tag| code(tag)).collect();
            lines.push_text(&lines_text(&[format!("Selected by {}.", tags.join(", "))], "    ")?);
        }
        lines.line(4, &format!("{}({}),", variant.name, payload(variant)));
    }
    if tagged {
        lines.line(4, "/// A value whose discriminator this client does not know, kept as received.");
        lines.line(4, "Other(serde_json::Value),");
    } else if !variants.iter().any(|v| v.ty == Ty::Json) {
        lines.line(4, "/// A value matching none of the listed schemas, kept as received.");
        lines.line(4, "Other(serde_json::Value),");
    }
    lines.line(0, "}");
    lines.finish()
}

/// `line` and its newline where it is within prettyplease's width, which
/// keeps it whole.
pub fn within_margin(line: String) -> Option<String> {
    let mut lines = Lines::new(String::new());
    lines.line(0, &line);
    lines.finish()
}

/// Inner doc attributes (`docs::inner_doc_attrs`) as prettyplease prints
/// them: each line a `//!` comment, trailing spaces trimmed; `None` for a
/// line holding a line break, which it would print another way.
pub fn inner_docs_text(blocks: &[DocBlock]) -> Option<String> {
    let mut text = String::new();
    for line in markdown_lines(blocks) {
        if line.contains('\n') {
            return None;
        }
        // `inner_doc_attrs` puts a space before a non-empty line; prettyplease trims the end.
        let spaced = if line.is_empty() { String::new() } else { format!(" {line}") };
        text.push_str("//!");
        text.push_str(spaced.trim_end_matches(' '));
        text.push('\n');
    }
    Some(text)
}

/// A type alias as `models::render_type` writes it: `pub type Name = T;`,
/// or for a newtype (`newtype`) a transparent tuple struct (`target` is
/// the aliased type as its tokens print).
pub fn alias_text(head: &Head<'_>, target: &str, newtype: bool) -> Option<String> {
    let name = head.name;
    let mut lines = head.lines()?;
    if newtype {
        lines.line(0, "#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]");
        lines.line(0, "#[serde(transparent)]");
        lines.line(0, &format!("pub struct {name}(pub {target});"));
    } else {
        lines.line(0, &format!("pub type {name} = {target};"));
    }
    lines.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn variant(name: &str, value: EnumValue) -> EnumVariant {
        EnumVariant { name: name.into(), value }
    }

    fn head<'a>(name: &'a str, gate: Option<&'a str>, docs: &'a Docs) -> Head<'a> {
        Head { name, gate, docs }
    }

    /// The two-road tests in `api_text` prove the bytes; this proves enums
    /// and unions take the text road at all (else those tests pass on tokens).
    #[test]
    fn enums_and_unions_are_written_as_text() {
        let docs = Docs { summary: Some("A status.".into()), ..Docs::default() };
        let strings = [variant("Active", EnumValue::String("ACTIVE".into()))];
        let text = string_enum_text(&head("Status", None, &docs), &strings).expect("a string enum is text");
        assert!(text.starts_with("/// A status.\n#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]\n"));
        assert!(text.contains("            \"ACTIVE\" => Self::Active,\n"), "{text}");
        let integers = [variant("V1", EnumValue::Integer(1))];
        let text = integer_enum_text(&head("Level", None, &docs), &integers).expect("an integer enum is text");
        assert!(text.contains("            1i64 => Self::V1,\n"), "{text}");
        let negative = [variant("Minus1", EnumValue::Integer(-1))];
        let level = head("Level", None, &docs);
        assert_eq!(integer_enum_text(&level, &negative), None, "a negative value is left to the formatter");
        let variants = [UnionVariant { name: "Cat".into(), ty: Ty::String, tags: vec!["cat".into()], boxed: false }];
        let text =
            union_text(&head("Pet", None, &docs), &variants, true, |_| "super::Cat".into()).expect("a union is text");
        assert!(text.contains("    /// Selected by `cat`.\n    Cat(super::Cat),\n"), "{text}");
        let long = [variant("Long", EnumValue::String("x".repeat(90)))];
        let status = head("Status", None, &docs);
        assert_eq!(string_enum_text(&status, &long), None, "a line past the margin is left to the formatter");
    }
}
