//! The wire format of a model file (serde impls, enums' wire macros),
//! written as formatted text rather than tokens.
//!
//! It is most of a model file's code and all of one shape, so building it
//! as tokens, re-parsing those with syn and printing them with prettyplease
//! was a third of the generator's time; here it is written once, already
//! indented. It goes after all the file's declarations, under
//! [`WIRE_FORMAT_HEADING`], so a reader finds the types first.

use super::features::Gates;
use crate::ir::{Api, ExtraProperties, Field, ModelFile, Presence, Ty, TypeDef, TypeKind, UnionVariant};
use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};
use quote::quote;

/// The line that opens a model file's wire-format section.
pub const WIRE_FORMAT_HEADING: &str =
    "// Wire format: how the types above are written to and read from JSON, parameters and text.\n";

/// The runtime names a model file's code may use unqualified, imported at
/// the top of the file when the file uses them.
const IMPORTABLE: [&str; 8] = [
    "Entries",
    "Lenient",
    "MapModel",
    "Properties",
    "deserialize_model",
    "integer_enum",
    "missing_property",
    "string_enum",
];

/// How a model file spells runtime names: imported ones bare, the others
/// (a type of the file has that name) as `crate::runtime::Name`.
#[derive(Clone, Copy)]
pub struct RuntimeNames {
    /// Bit `i` set: `IMPORTABLE[i]` is imported.
    imported: u8,
}

impl RuntimeNames {
    /// Every name spelled out: for code outside model files' parts.
    pub const QUALIFIED: Self = Self { imported: 0 };

    /// The names a file may import: those none of its types takes.
    pub fn for_file(api: &Api, file: &ModelFile) -> Self {
        let mut imported = 0;
        for (bit, name) in IMPORTABLE.iter().enumerate() {
            if !file.types.iter().any(|&id| api.type_def(id).name == *name) {
                imported |= 1 << bit;
            }
        }
        Self { imported }
    }

    fn is_imported(self, name: &str) -> bool {
        IMPORTABLE.iter().position(|n| *n == name).is_some_and(|bit| self.imported & (1 << bit) != 0)
    }

    /// `name` as this file writes it.
    pub fn path(self, name: &'static str) -> String {
        if self.is_imported(name) {
            name.to_string()
        } else {
            format!("crate::runtime::{name}")
        }
    }

    /// `Lenient` as a path of tokens.
    pub fn lenient_tokens(self) -> TokenStream {
        if self.is_imported("Lenient") {
            quote! { Lenient }
        } else {
            quote! { crate::runtime::Lenient }
        }
    }
}

/// The names of [`IMPORTABLE`] a type's code uses.
fn names_used(def: &TypeDef) -> Vec<&'static str> {
    let mut used = Vec::new();
    match &def.kind {
        TypeKind::Struct { fields, .. } => {
            used.extend(["Entries", "MapModel", "Properties", "deserialize_model"]);
            let several_required = fields.iter().filter(|f| f.presence == Presence::Required).count() > 1;
            if several_required && !fields.iter().any(|f| f.name == "missing_property") {
                used.push("missing_property");
            }
            if fields.iter().any(|f| !f.secret && is_lenient(&f.ty)) {
                used.push("Lenient");
            }
        }
        TypeKind::Enum { integer: false, .. } => used.push("string_enum"),
        TypeKind::Enum { integer: true, .. } => used.push("integer_enum"),
        TypeKind::Union { .. } | TypeKind::Alias { .. } => {}
    }
    used
}

fn is_lenient(ty: &Ty) -> bool {
    match ty {
        Ty::DateTime | Ty::Date | Ty::Uuid => true,
        Ty::Vec(item) | Ty::Map(item) => is_lenient(item),
        _ => false,
    }
}

/// The file's `use crate::runtime::{..}` lines: one for the names a type
/// compiled with the whole file uses, and, with tag features, one per set
/// of tags for names only gated types use (so no feature set leaves an
/// import unused).
pub fn runtime_imports(api: &Api, file: &ModelFile, gates: &Gates) -> TokenStream {
    let uses = import_groups(api, file, gates).into_iter().map(|(cfg, group_names)| {
        let group_names = group_names.iter().map(|name| super::ident(name));
        quote! { #cfg use crate::runtime::{#(#group_names),*}; }
    });
    quote! { #(#uses)* }
}

/// [`runtime_imports`] as the formatter lays them out: `None` where a
/// line would pass prettyplease's width (other than the known break of a
/// long list of names).
pub fn runtime_imports_text(api: &Api, file: &ModelFile, gates: &Gates) -> Option<String> {
    let mut text = String::new();
    for (cfg, group_names) in import_groups(api, file, gates) {
        if !cfg.is_empty() {
            text.push_str(&super::model_text::within_margin(tokens_text(cfg))?);
        }
        text.push_str(&import_text(&group_names)?);
    }
    Some(text)
}

/// One `use crate::runtime::{..};` as prettyplease prints it: a lone name
/// without braces; a list too long for a line broken after the brace, the
/// names on one line of their own (`None` where they would need more).
fn import_text(group_names: &[&str]) -> Option<String> {
    use super::model_text::within_margin;
    if let [name] = group_names {
        return within_margin(format!("use crate::runtime::{name};"));
    }
    let joined = group_names.join(", ");
    let one_line = format!("use crate::runtime::{{{joined}}};");
    // Only `IMPORTABLE`'s sets ever reach here; a test holds every one of them to the formatter.
    // prettyplease keeps a `use` line whole up to its width.
    if one_line.len() <= super::api_text::MARGIN {
        return Some(one_line + "\n");
    }
    within_margin(format!("    {joined},")).map(|names| format!("use crate::runtime::{{\n{names}}};\n"))
}

/// The groups of runtime names a file imports, each behind its `#[cfg]`
/// (none for the group compiled with the whole file), in a fixed order.
fn import_groups(api: &Api, file: &ModelFile, gates: &Gates) -> Vec<(TokenStream, Vec<&'static str>)> {
    let names = RuntimeNames::for_file(api, file);
    // For each importable name: `None` unused; `Some(tags)` used by types reached by `tags`.
    let mut users: Vec<Option<Vec<usize>>> = vec![None; IMPORTABLE.len()];
    for &id in &file.types {
        let def = api.type_def(id);
        let tags = def.reached_by.as_slice();
        for name in names_used(def) {
            if !names.is_imported(name) {
                continue;
            }
            let Some(bit) = IMPORTABLE.iter().position(|n| *n == name) else { continue };
            let entry = users[bit].get_or_insert_with(Vec::new);
            entry.extend_from_slice(tags);
            // A type reached by the file's tags is compiled whenever the file is.
            if tags == file.tags.as_slice() {
                entry.clone_from(&file.tags);
            }
        }
    }
    let mut groups: Vec<(Vec<usize>, Vec<&'static str>)> = Vec::new();
    for (bit, tags) in users.into_iter().enumerate() {
        let Some(mut tags) = tags else { continue };
        tags.sort_unstable();
        tags.dedup();
        match groups.iter_mut().find(|(group, _)| *group == tags) {
            Some((_, group_names)) => group_names.push(IMPORTABLE[bit]),
            None => groups.push((tags, vec![IMPORTABLE[bit]])),
        }
    }
    // The ungated group first, then by tags: deterministic.
    groups.sort_by(|(a, _), (b, _)| (a != &file.tags, a).cmp(&(b != &file.tags, b)));
    groups
        .into_iter()
        .map(|(tags, group_names)| {
            let cfg = if tags == file.tags { TokenStream::new() } else { gates.tags_cfg(api, &tags) };
            (cfg, group_names)
        })
        .collect()
}

/// Indented lines of code.
struct Writer {
    out: String,
    indent: usize,
}

impl Writer {
    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("    ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    /// A line that opens a block: the lines after it are indented.
    fn open(&mut self, text: &str) {
        self.line(text);
        self.indent += 1;
    }

    /// A line that closes a block.
    fn close(&mut self, text: &str) {
        self.indent = self.indent.saturating_sub(1);
        self.line(text);
    }
}

/// A Rust string literal for `text`, as quote would write it.
fn string_literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

/// Tokens of a type or attribute as compact one-line Rust text:
/// `Option<Vec<super::Pet>>`, `#[cfg(any(feature = "a", feature = "b"))]`.
pub fn tokens_text(tokens: TokenStream) -> String {
    let mut out = String::new();
    write_tokens(tokens, &mut out);
    out
}

fn write_tokens(tokens: TokenStream, out: &mut String) {
    // Whether the last token written was a word (ident or literal), which a following word must be spaced from.
    let mut after_word = false;
    // Whether the last token was a `:` joined to the next (the first half of `::`).
    let mut after_joint_colon = false;
    for token in tokens {
        match token {
            TokenTree::Ident(ident) => {
                if after_word {
                    out.push(' ');
                }
                out.push_str(&ident.to_string());
                after_word = true;
                after_joint_colon = false;
            }
            TokenTree::Literal(literal) => {
                if after_word {
                    out.push(' ');
                }
                out.push_str(&literal.to_string());
                after_word = true;
                after_joint_colon = false;
            }
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                match c {
                    ',' => out.push_str(", "),
                    '=' if punct.spacing() == Spacing::Alone => out.push_str(" = "),
                    ':' if punct.spacing() == Spacing::Alone && !after_joint_colon => out.push_str(": "),
                    _ => out.push(c),
                }
                after_joint_colon = c == ':' && punct.spacing() == Spacing::Joint;
                after_word = false;
            }
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{ ", " }"),
                    Delimiter::None => ("", ""),
                };
                out.push_str(open);
                write_tokens(group.stream(), out);
                out.push_str(close);
                after_word = false;
                after_joint_colon = false;
            }
        }
    }
}

/// The wire-format code of one type, behind `cfg` (tokens of an attribute,
/// or none); `field_type` gives a struct field's declared type as text.
pub fn type_wire_format(
    def: &TypeDef,
    cfg: &TokenStream,
    names: RuntimeNames,
    field_type: &dyn Fn(&Field) -> String,
) -> String {
    let mut w = Writer { out: String::new(), indent: 0 };
    let cfg = if cfg.is_empty() { None } else { Some(tokens_text(cfg.clone())) };
    let items: Vec<String> = match &def.kind {
        TypeKind::Struct { fields, extra, also_wrapped_in, .. } => {
            let fields: Vec<(&Field, String)> = fields.iter().map(|f| (f, field_type(f))).collect();
            let [deserialize, map_model] = deserialize_struct(def, &fields, extra, also_wrapped_in.as_deref(), names);
            vec![serialize_struct(def, &fields, extra, names), deserialize, map_model]
        }
        TypeKind::Enum { integer, .. } => {
            let mac = names.path(if *integer { "integer_enum" } else { "string_enum" });
            vec![format!("{mac}!({});\n", def.name)]
        }
        TypeKind::Union { variants, discriminator: Some(tag_property) } => union_impls(def, variants, tag_property),
        TypeKind::Union { discriminator: None, .. } | TypeKind::Alias { .. } => Vec::new(),
    };
    for item in items {
        // Every item of the section starts after a blank line, as between declarations.
        w.out.push('\n');
        if let Some(cfg) = &cfg {
            w.line(cfg);
        }
        w.out.push_str(&item);
    }
    w.out
}

/// `Serialize` as a JSON object, through the runtime's `Entries`: listed
/// properties in order (an absent optional one is left out, `null` stays
/// `null`), then the unknown ones. One statement per property, not a `?`
/// per property (each early return is a branch that drops the map, and
/// rustc's work on them grows with the property count), nor one chain of
/// calls (a chain nests as deep as the property count in every parser and
/// printer it goes through).
fn serialize_struct(
    def: &TypeDef,
    fields: &[(&Field, String)],
    extra: &ExtraProperties,
    names: RuntimeNames,
) -> String {
    let mut w = Writer { out: String::new(), indent: 0 };
    w.open(&format!("impl serde::Serialize for {} {{", def.name));
    w.open("fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {");
    // An empty closed struct writes nothing: its map needs no `mut` (rustc warns).
    let writes = !fields.is_empty() || !matches!(extra, ExtraProperties::Closed);
    let binding = if writes { "let mut map" } else { "let map" };
    w.line(&format!("{binding} = {}::new(serializer);", names.path("Entries")));
    for (field, _) in fields {
        let method = match field.presence {
            Presence::Required | Presence::RequiredNullable => "required",
            Presence::Optional | Presence::OptionalNullable => "optional",
        };
        w.line(&format!("map.{method}({}, &self.{});", string_literal(&field.wire_name), field.name));
    }
    if !matches!(extra, ExtraProperties::Closed) {
        w.line("map.extra(&self.additional_properties);");
    }
    w.line("map.end()");
    w.close("}");
    w.close("}");
    w.out
}

/// `Deserialize` through the runtime's `MapModel`: one typed slot per
/// listed property, filled as the object's properties arrive.
///
/// The reader has one early return per property read and one for missing
/// required properties, not one per field: each early return drops every
/// slot, so rustc's work on a `?` per field grows with the square of the
/// field count (measured: 35% less check time on 30-field structs).
fn deserialize_struct(
    def: &TypeDef,
    fields: &[(&Field, String)],
    extra: &ExtraProperties,
    also_wrapped_in: Option<&str>,
    names: RuntimeNames,
) -> [String; 2] {
    let name = &def.name;
    // The reader's own locals must not take a field's name (each slot is named after its field).
    let mut locals = crate::naming::UniqueNames::with_reserved(
        fields.iter().map(|(f, _)| f.name.as_str()).chain(["additional_properties"]),
    );
    let [map, key, read, wrapped] = ["map", "key", "read", "wrapped"].map(|local| locals.claim(local.to_string()));
    let mut w = Writer { out: String::new(), indent: 0 };
    w.open(&format!("impl<'de> serde::Deserialize<'de> for {name} {{"));
    w.open("fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {");
    w.line(&format!("{}(deserializer)", names.path("deserialize_model")));
    w.close("}");
    w.close("}");
    // Two items, each behind the type's `cfg`.
    let deserialize = std::mem::take(&mut w.out);
    // `__A`: a model may be named `A`, and the slots name model types.
    w.open(&format!("impl {} for {name} {{", names.path("MapModel")));
    w.line(&format!("const NAME: &'static str = {};", string_literal(name)));
    w.out.push('\n');
    w.open(&format!(
        "fn from_map<'de, __A: serde::de::MapAccess<'de>>(mut {map}: {}<'de, __A>) -> Result<Self, __A::Error> {{",
        names.path("Properties")
    ));
    let read_unknown = write_slots(&mut w, fields, extra, &map, &key);
    if also_wrapped_in.is_some() {
        // `{wrapper: {...}}` is the value itself, read from inside.
        w.line(&format!("let mut {wrapped}: Option<Self> = None;"));
    }
    let wrapper = also_wrapped_in.map(|wire| (wire, wrapped.as_str()));
    write_read_loop(&mut w, fields, extra, wrapper, &map, &key, &read, &read_unknown);
    if also_wrapped_in.is_some() {
        w.open(&format!("if let Some(inner) = {wrapped} {{"));
        w.line("return Ok(inner);");
        w.close("}");
    }
    write_built_or_missing(&mut w, fields, extra, names);
    w.close("}");
    w.close("}");
    [deserialize, w.out]
}

/// The reader's slots, one per property (and the map of unknown ones when
/// the struct keeps them); returns the expression that reads an unknown property.
fn write_slots(w: &mut Writer, fields: &[(&Field, String)], extra: &ExtraProperties, map: &str, key: &str) -> String {
    for (field, ty) in fields {
        match field.presence {
            // `null` is read as `Some(None)`, apart from absence.
            Presence::OptionalNullable => w.line(&format!("let mut {}: {ty} = None;", field.name)),
            _ => w.line(&format!("let mut {}: Option<{ty}> = None;", field.name)),
        }
    }
    match extra {
        ExtraProperties::Closed => format!("{map}.skip()"),
        ExtraProperties::Keep => {
            w.line("let mut additional_properties = serde_json::Map::new();");
            format!("{map}.keep({key}, &mut additional_properties)")
        }
        ExtraProperties::Typed(_) => {
            w.line("let mut additional_properties = std::collections::BTreeMap::new();");
            format!("{map}.keep({key}, &mut additional_properties)")
        }
    }
}

/// The loop over the object's properties, each read into its slot (and
/// the `wrapper` property, if any, into the `wrapped` slot).
#[allow(clippy::too_many_arguments)]
fn write_read_loop(
    w: &mut Writer,
    fields: &[(&Field, String)],
    extra: &ExtraProperties,
    wrapper: Option<(&str, &str)>,
    map: &str,
    key: &str,
    read: &str,
    read_unknown: &str,
) {
    if fields.is_empty() && wrapper.is_none() {
        if matches!(extra, ExtraProperties::Closed) {
            w.open(&format!("while {map}.next_key()?.is_some() {{"));
        } else {
            w.open(&format!("while let Some({key}) = {map}.next_key()? {{"));
        }
        w.line(&format!("{read_unknown}?;"));
        w.close("}");
    } else {
        w.open(&format!("while let Some({key}) = {map}.next_key()? {{"));
        w.open(&format!("let {read} = match {key}.as_str() {{"));
        for (field, _) in fields {
            let wire = string_literal(&field.wire_name);
            w.line(&format!("{wire} => {map}.read(&mut {}, {wire}),", field.name));
        }
        if let Some((wire, slot)) = wrapper {
            let wire = string_literal(wire);
            w.line(&format!("{wire} => {map}.read(&mut {slot}, {wire}),"));
        }
        w.line(&format!("_ => {read_unknown},"));
        w.close("};");
        w.line(&format!("{read}?;"));
        w.close("}");
    }
}

/// `Ok(Self { .. })` once every required slot is filled, and the
/// `missing field` error otherwise.
fn write_built_or_missing(w: &mut Writer, fields: &[(&Field, String)], extra: &ExtraProperties, names: RuntimeNames) {
    let required: Vec<(&str, &str)> = fields
        .iter()
        .filter(|(f, _)| f.presence == Presence::Required)
        .map(|(f, _)| (f.name.as_str(), f.wire_name.as_str()))
        .collect();
    match required.as_slice() {
        [] => write_built(w, fields, extra, "", ""),
        [(slot, wire)] => {
            w.open(&format!("match {slot} {{"));
            write_built(w, fields, extra, &format!("Some({slot}) => "), ",");
            w.line(&format!("None => Err(serde::de::Error::missing_field({})),", string_literal(wire)));
            w.close("}");
        }
        several => {
            let slots: Vec<&str> = several.iter().map(|(slot, _)| *slot).collect();
            let tuple = slots.join(", ");
            let somes: Vec<String> = slots.iter().map(|slot| format!("Some({slot})")).collect();
            let checks: Vec<String> =
                several.iter().map(|(slot, wire)| format!("({slot}.is_none(), {})", string_literal(wire))).collect();
            w.open(&format!("match ({tuple}) {{"));
            write_built(w, fields, extra, &format!("({}) => ", somes.join(", ")), ",");
            // A slot named `missing_property` would shadow the imported function.
            let missing_property = if fields.iter().any(|(f, _)| f.name == "missing_property") {
                RuntimeNames::QUALIFIED.path("missing_property")
            } else {
                names.path("missing_property")
            };
            w.line(&format!("({tuple}) => Err({missing_property}(&[{}])),", checks.join(", ")));
            w.close("}");
        }
    }
}

/// `Ok(Self { .. })`, opened on the current line (`opening`) and closed with `closing` after it.
fn write_built(w: &mut Writer, fields: &[(&Field, String)], extra: &ExtraProperties, opening: &str, closing: &str) {
    if fields.is_empty() && matches!(extra, ExtraProperties::Closed) {
        w.line(&format!("{opening}Ok(Self {{}}){closing}"));
        return;
    }
    w.open(&format!("{opening}Ok(Self {{"));
    for (field, _) in fields {
        match field.presence {
            Presence::Required | Presence::OptionalNullable => w.line(&format!("{},", field.name)),
            Presence::RequiredNullable | Presence::Optional => w.line(&format!("{0}: {0}.flatten(),", field.name)),
        }
    }
    if !matches!(extra, ExtraProperties::Closed) {
        w.line("additional_properties,");
    }
    w.close(&format!("}}){closing}"));
}

/// `Serialize` and `Deserialize` of a union with a discriminator: the
/// variant is chosen by the `tag_property` of the JSON object.
fn union_impls(def: &TypeDef, variants: &[UnionVariant], tag_property: &str) -> Vec<String> {
    let name = &def.name;
    let mut ser = Writer { out: String::new(), indent: 0 };
    ser.open(&format!("impl serde::Serialize for {name} {{"));
    ser.open("fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {");
    ser.open("match self {");
    for variant in variants.iter().map(|v| v.name.as_str()).chain(["Other"]) {
        ser.line(&format!("Self::{variant}(value) => serde::Serialize::serialize(value, serializer),"));
    }
    ser.close("}");
    ser.close("}");
    ser.close("}");
    let mut de = Writer { out: String::new(), indent: 0 };
    de.open(&format!("impl<'de> serde::Deserialize<'de> for {name} {{"));
    de.open("fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {");
    de.line("let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;");
    de.line(&format!(
        "let tag = value.get({}).and_then(serde_json::Value::as_str).map(str::to_owned);",
        string_literal(tag_property)
    ));
    de.open("match tag.as_deref() {");
    // A variant no tag selects is never read (the IR gives every variant of a discriminated union a tag).
    for variant in variants.iter().filter(|v| !v.tags.is_empty()) {
        let tags: Vec<String> = variant.tags.iter().map(|tag| format!("Some({})", string_literal(tag))).collect();
        de.line(&format!(
            "{} => serde_json::from_value(value).map(Self::{}).map_err(serde::de::Error::custom),",
            tags.join(" | "),
            variant.name
        ));
    }
    de.line("_ => Ok(Self::Other(value)),");
    de.close("}");
    de.close("}");
    de.close("}");
    vec![ser.out, de.out]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_text_is_compact_rust_that_parses_to_the_same_tokens() {
        let cases = [
            quote! { Option<Option<crate::runtime::Lenient<chrono::DateTime<chrono::Utc>>>> },
            quote! { std::collections::BTreeMap<String, Vec<super::Pet>> },
            quote! { Box<()> },
            quote! { #[cfg(any(feature = "a", feature = "b-c"))] },
            quote! { &'static str },
        ];
        let texts: Vec<String> = cases.iter().map(|c| tokens_text(c.clone())).collect();
        assert_eq!(texts[0], "Option<Option<crate::runtime::Lenient<chrono::DateTime<chrono::Utc>>>>");
        assert_eq!(texts[1], "std::collections::BTreeMap<String, Vec<super::Pet>>");
        assert_eq!(texts[2], "Box<()>");
        assert_eq!(texts[3], "#[cfg(any(feature = \"a\", feature = \"b-c\"))]");
        assert_eq!(texts[4], "&'static str");
        for (case, text) in cases.iter().zip(&texts) {
            let reparsed: TokenStream = text.parse().expect("the text is Rust tokens");
            assert_eq!(leaves(reparsed), leaves(case.clone()), "{text}");
        }
    }

    /// Every set of importable names (each in `IMPORTABLE`'s order, as
    /// `import_groups` lists them): the text is what prettyplease prints
    /// of the tokens, or `None`, and `None` only where a set's names pass
    /// the width even on a line of their own.
    #[test]
    fn import_lines_as_text_are_what_the_formatter_prints() {
        let mut written = 0;
        for set in 1u32..(1 << IMPORTABLE.len()) {
            let names: Vec<&str> =
                (0..IMPORTABLE.len()).filter(|bit| set & (1 << bit) != 0).map(|bit| IMPORTABLE[bit]).collect();
            let idents = names.iter().map(|name| super::super::ident(name));
            let formatted = crate::format::format_part(quote! { use crate::runtime::{#(#idents),*}; }, "use").unwrap();
            match import_text(&names) {
                Some(text) => {
                    assert_eq!(text, formatted, "{names:?}");
                    written += 1;
                }
                None => assert!(
                    names.join(", ").len() + 5 > super::super::api_text::MARGIN,
                    "{names:?} left to the formatter:\n{formatted}"
                ),
            }
        }
        assert!(written > 200, "{written} sets written as text");
    }

    /// A gate within the width is one line, whatever its length: the
    /// `#[cfg]` of 1 to 4 features of every name length up to the width.
    #[test]
    fn gates_within_the_width_are_one_line() {
        let mut checked = 0;
        for count in 1..=4 {
            for length in 1..=80 {
                let features: Vec<String> = (0..count).map(|i| format!("{i}{}", "f".repeat(length))).collect();
                let cfg = match features.as_slice() {
                    [one] => quote! { #[cfg(feature = #one)] },
                    several => quote! { #[cfg(any(#(feature = #several),*))] },
                };
                let formatted = crate::format::format_part(quote! { #cfg struct S; }, "gate").unwrap();
                let Some(line) = super::super::model_text::within_margin(tokens_text(cfg)) else { continue };
                assert_eq!(formatted, format!("{line}struct S;\n"));
                checked += 1;
            }
        }
        assert!(checked > 60, "{checked}");
    }

    /// The tokens one by one (groups as their delimiters), whatever their
    /// spacing: `>>` and `> >` close the same generics.
    fn leaves(tokens: TokenStream) -> Vec<String> {
        let mut out = Vec::new();
        for tree in tokens {
            match tree {
                proc_macro2::TokenTree::Group(group) => {
                    out.push(format!("{:?}(", group.delimiter()));
                    out.extend(leaves(group.stream()));
                    out.push(")".to_string());
                }
                other => out.push(other.to_string()),
            }
        }
        out
    }
}
