//! IR types -> `src/models/`: `mod.rs` and one file per group of types
//! (which file each type goes into is `analyse`'s rule, in `Api::model_files`).

use super::docs::{code, doc_attrs, inner_doc_attrs, lines_to_attrs, DocBlock};
use super::features::{gate_items, Gates};
use super::model_serde::{runtime_imports, runtime_imports_text, tokens_text, type_wire_format, RuntimeNames};
use super::model_text::{
    alias_text, inner_docs_text, integer_enum_text, string_enum_text, struct_text, union_text, Head,
};
use super::{ident, ty_tokens, Part, Piece, Scope};
use crate::ir::{
    Api, EnumValue, ExtraProperties, Field, ModelFile, Presence, Ty, TypeDef, TypeId, TypeKind, UnionVariant,
};
use proc_macro2::TokenStream;
use quote::quote;

/// `src/models/mod.rs`: the docs, the files, and their types re-exported,
/// so every type is `models::Name` whichever file holds it.
pub fn render_models_mod(api: &Api, files: &[ModelFile], gates: &Gates) -> TokenStream {
    let docs = [
        "The API's data types: one per schema the spec names, and one per inline schema that needs a name.".to_string(),
        String::new(),
        "Every type is `models::Name`. The files only group them, for readers and for the compiler (which".to_string(),
        "compiles them in parallel): a type is in the file of the first tag (in module order) whose operations"
            .to_string(),
        "use it, and the types no operation uses are in `unused_<initial>.rs`. Types name each other".to_string(),
        "`super::Name`, so a type moving between files changes only those two files.".to_string(),
    ];
    let docs = docs.iter().map(|line| {
        let line = if line.is_empty() { String::new() } else { format!(" {line}") };
        quote! { #![doc = #line] }
    });
    let mods = files.iter().map(|file| {
        let name = ident(&file.name);
        let cfg = gates.tags_cfg(api, &file.tags);
        quote! { #cfg mod #name; }
    });
    let reexports = files.iter().map(|file| {
        let name = ident(&file.name);
        let cfg = gates.tags_cfg(api, &file.tags);
        quote! { #cfg pub use self::#name::*; }
    });
    quote! {
        #(#docs)*
        #(#mods)*
        #(#reexports)*
    }
}

/// The first part of a file of `src/models/`: its docs and the runtime
/// names it imports; with `as_text`, as text where `model_text` knows the
/// layout.
pub fn model_file_head(api: &Api, file: &ModelFile, gates: &Gates, as_text: bool) -> Part {
    let docs = [model_file_docs(file.tag.as_deref())];
    let text = || Some(inner_docs_text(&docs)? + &runtime_imports_text(api, file, gates)?);
    if let Some(text) = as_text.then(text).flatten() {
        return Part { pieces: vec![Piece::Text(text)], after: String::new() };
    }
    let docs = inner_doc_attrs(&docs);
    let imports = runtime_imports(api, file, gates);
    quote! { #docs #imports }.into()
}

fn model_file_docs(tag: Option<&str>) -> DocBlock {
    DocBlock::Markdown(match tag {
        Some(tag) => format!("Types the operations tagged {} use, unless a tag before it already does.", code(tag)),
        None => "Types no operation uses (the spec names them, but no request or response holds them), by initial."
            .to_string(),
    })
}

/// A run of a file's types, each behind the
/// features of the tags that reach it, unless the whole file already is:
/// their declarations as tokens, and their wire format as text (which goes
/// after all the file's declarations).
///
/// With `as_text`, the declarations `model_text` knows the layout of are
/// written as text, which skips the syn round trip (the rest stay tokens).
pub fn render_types(api: &Api, file: &ModelFile, types: &[TypeId], gates: &Gates, as_text: bool) -> Part {
    let names = RuntimeNames::for_file(api, file);
    let mut pieces = Vec::new();
    let mut tokens = TokenStream::new();
    let mut wire_format = String::new();
    for &id in types {
        let def = api.type_def(id);
        let tags = def.reached_by.as_slice();
        let cfg = if tags == file.tags.as_slice() { TokenStream::new() } else { gates.tags_cfg(api, tags) };
        let field_type_text = |field: &Field| tokens_text(field_type(field, names, api));
        let text = if as_text { type_text(def, &cfg, &field_type_text, api) } else { None };
        match text {
            Some(text) => {
                if !tokens.is_empty() {
                    pieces.push(Piece::Items(std::mem::take(&mut tokens)));
                }
                match pieces.last_mut() {
                    Some(Piece::Text(previous)) => previous.push_str(&text),
                    _ => pieces.push(Piece::Text(text)),
                }
            }
            None => tokens.extend(gate_items(&cfg, render_type(def, names, api))),
        }
        wire_format.push_str(&type_wire_format(def, &cfg, names, &field_type_text));
    }
    if !tokens.is_empty() {
        pieces.push(Piece::Items(tokens));
    }
    Part { pieces, after: wire_format }
}

/// A type's declarations as text, behind its `cfg` (none, or a
/// `#[cfg(..)]` attribute), where `model_text` knows their layout.
fn type_text(
    def: &TypeDef,
    cfg: &TokenStream,
    field_type_text: &dyn Fn(&Field) -> String,
    api: &Api,
) -> Option<String> {
    if !def.derives.is_empty() || !def.attributes.is_empty() {
        return None;
    }
    let gate = (!cfg.is_empty()).then(|| tokens_text(cfg.clone()));
    let head = Head { name: &def.name, gate: gate.as_deref(), docs: &def.docs };
    match &def.kind {
        TypeKind::Struct { fields, extra, derive_default, .. } => {
            struct_text(&head, fields, extra, *derive_default, field_type_text, api)
        }
        TypeKind::Enum { variants, integer: false } => string_enum_text(&head, variants),
        TypeKind::Enum { variants, integer: true } => integer_enum_text(&head, variants),
        TypeKind::Union { variants, discriminator } => {
            let payload = |v: &UnionVariant| tokens_text(variant_payload(v, api));
            union_text(&head, variants, discriminator.is_some(), payload)
        }
        TypeKind::Alias { target, newtype } => {
            let target = tokens_text(ty_tokens(target, Scope::Models, api));
            alias_text(&head, &target, *newtype)
        }
    }
}

/// A type's declarations: the type, its inherent impl and the trait impls
/// that are not its wire format.
fn render_type(def: &TypeDef, names: RuntimeNames, api: &Api) -> TokenStream {
    let docs = doc_attrs(&def.docs);
    let extras = settings_attrs(def);
    let docs = quote! { #docs #extras };
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields, extra, derive_default, .. } => {
            render_struct(def, &docs, fields, extra, *derive_default, names, api)
        }
        TypeKind::Enum { variants, integer: false } => render_string_enum(&docs, &name, variants),
        TypeKind::Enum { variants, integer: true } => render_integer_enum(&docs, &name, variants),
        TypeKind::Union { variants, discriminator } => {
            render_union(&docs, &name, variants, discriminator.as_deref(), api)
        }
        TypeKind::Alias { target, newtype: false } => {
            let target = ty_tokens(target, Scope::Models, api);
            quote! { #docs pub type #name = #target; }
        }
        TypeKind::Alias { target, newtype: true } => {
            let target = ty_tokens(target, Scope::Models, api);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
    }
}

/// The derives and attributes the settings add (`TypeDef::derives`,
/// `attributes`), checked by the settings, so each parses; the derives in
/// an attribute of their own, before the attributes (a derive's helper
/// attribute must follow it).
fn settings_attrs(def: &TypeDef) -> TokenStream {
    let parse = |text: &String| text.parse::<TokenStream>().unwrap_or_default();
    let derives: Vec<TokenStream> = def.derives.iter().map(parse).collect();
    let attributes = def.attributes.iter().map(parse);
    let derive = if derives.is_empty() {
        quote! {}
    } else {
        quote! { #[derive(#(#derives),*)] }
    };
    quote! { #derive #(#attributes)* }
}

fn field_type(field: &Field, names: RuntimeNames, api: &Api) -> TokenStream {
    let mut ty =
        if field.secret { ty_tokens(&field.ty, Scope::Models, api) } else { lenient_ty_tokens(&field.ty, names, api) };
    if field.boxed {
        ty = quote! { Box<#ty> };
    }
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => quote! { Option<#ty> },
        Presence::OptionalNullable => quote! { Option<Option<#ty>> },
    }
}

/// A field's type, with formatted strings as `Lenient<T>`: servers do not
/// always keep the formats a spec promises, and one odd value must not fail
/// a whole response. (Secret fields stay strict, so that their values never
/// reach a warning.)
fn lenient_ty_tokens(ty: &Ty, names: RuntimeNames, api: &Api) -> TokenStream {
    match ty {
        Ty::DateTime | Ty::Date | Ty::Uuid => {
            let inner = ty_tokens(ty, Scope::Models, api);
            let lenient = names.lenient_tokens();
            quote! { #lenient<#inner> }
        }
        Ty::Vec(item) => {
            let item = lenient_ty_tokens(item, names, api);
            quote! { Vec<#item> }
        }
        Ty::Map(value) => {
            let value = lenient_ty_tokens(value, names, api);
            quote! { std::collections::BTreeMap<String, #value> }
        }
        other => ty_tokens(other, Scope::Models, api),
    }
}

fn render_struct(
    def: &TypeDef,
    docs: &TokenStream,
    fields: &[Field],
    extra: &ExtraProperties,
    derive_default: bool,
    names: RuntimeNames,
    api: &Api,
) -> TokenStream {
    let name = ident(&def.name);
    let field_items = fields.iter().map(|field| {
        let field_docs = doc_attrs(&field.docs);
        let field_name = ident(&field.name);
        let ty = field_type(field, names, api);
        quote! { #field_docs pub #field_name: #ty, }
    });
    let extra_field = match extra {
        ExtraProperties::Keep => quote! {
            /// Properties the spec does not list, kept as received and sent back unchanged.
            pub additional_properties: serde_json::Map<String, serde_json::Value>,
        },
        ExtraProperties::Typed(value) => {
            let value = ty_tokens(value, Scope::Models, api);
            quote! {
                /// Properties beyond the listed ones (`additionalProperties`).
                pub additional_properties: std::collections::BTreeMap<String, #value>,
            }
        }
        ExtraProperties::Closed => quote! {},
    };
    let has_secret = fields.iter().any(|f| f.secret);
    let flat_eq = fields.len() > DERIVED_EQ_MAX_FIELDS;
    let mut derives = vec![quote! { Clone }];
    if !flat_eq {
        derives.push(quote! { PartialEq });
    }
    if !has_secret {
        derives.insert(0, quote! { Debug });
    }
    if derive_default {
        derives.push(quote! { Default });
    }
    let debug_impl = if has_secret {
        redacting_debug(def, fields, extra)
    } else {
        quote! {}
    };
    let eq_impl = if flat_eq {
        flat_partial_eq(&name, fields, extra)
    } else {
        quote! {}
    };
    quote! {
        #docs
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#field_items)*
            #extra_field
        }
        #eq_impl
        #debug_impl
    }
}

/// The most fields a struct derives `PartialEq` for: the derive joins one
/// comparison per field with `&&`, an expression as deep as the field count,
/// and rustc's stack overflowed on it at 16,000 fields.
pub(super) const DERIVED_EQ_MAX_FIELDS: usize = 256;

/// `PartialEq` of a struct with more fields than [`DERIVED_EQ_MAX_FIELDS`]:
/// the derive's meaning, one statement per field.
fn flat_partial_eq(name: &proc_macro2::Ident, fields: &[Field], extra: &ExtraProperties) -> TokenStream {
    let comparisons = fields.iter().map(|field| ident(&field.name)).chain(match extra {
        ExtraProperties::Closed => None,
        ExtraProperties::Keep | ExtraProperties::Typed(_) => Some(ident("additional_properties")),
    });
    quote! {
        impl PartialEq for #name {
            fn eq(&self, other: &Self) -> bool {
                let mut equal = true;
                #(equal &= self.#comparisons == other.#comparisons;)*
                equal
            }
        }
    }
}

/// `Debug` that shows secret fields as `[redacted]`, and of the properties
/// the spec does not list only their names: a model with secrets may carry
/// unlisted ones too (a server's newer `clientSecret2`, say).
fn redacting_debug(def: &TypeDef, fields: &[Field], extra: &ExtraProperties) -> TokenStream {
    let name = ident(&def.name);
    let label = &def.name;
    let entries = fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let shown = field.name.as_str();
        if !field.secret {
            return quote! { .field(#shown, &self.#field_name) };
        }
        match field.presence {
            Presence::Required => quote! { .field(#shown, &"[redacted]") },
            Presence::RequiredNullable | Presence::Optional => {
                quote! { .field(#shown, &self.#field_name.as_ref().map(|_| "[redacted]")) }
            }
            Presence::OptionalNullable => {
                quote! { .field(#shown, &self.#field_name.as_ref().map(|value| value.as_ref().map(|_| "[redacted]"))) }
            }
        }
    });
    let extra_entry = match extra {
        ExtraProperties::Closed => quote! {},
        _ => quote! { .field("additional_properties", &crate::runtime::RedactedValues(&self.additional_properties)) },
    };
    quote! {
        impl std::fmt::Debug for #name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.debug_struct(#label) #(#entries)* #extra_entry .finish()
            }
        }
    }
}

/// The catch-all variant's name: `Unknown`, unless a listed value took it.
fn catch_all_name(variants: &[crate::ir::EnumVariant]) -> proc_macro2::Ident {
    ident(&crate::naming::catch_all_variant(variants.iter().map(|v| v.name.as_str())))
}

fn render_string_enum(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[crate::ir::EnumVariant],
) -> TokenStream {
    let unknown = catch_all_name(variants);
    let listed: Vec<(proc_macro2::Ident, &str)> = variants
        .iter()
        .filter_map(|v| match &v.value {
            EnumValue::String(s) => Some((ident(&v.name), s.as_str())),
            EnumValue::Integer(_) => None,
        })
        .collect();
    let decls = listed.iter().map(|(variant, wire)| {
        let doc = lines_to_attrs(&[code(wire)]);
        quote! { #doc #variant, }
    });
    let as_str = listed.iter().map(|(variant, wire)| quote! { Self::#variant => #wire, });
    let from_wire = listed.iter().map(|(variant, wire)| quote! { #wire => Self::#variant, });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#decls)*
            /// A value this client does not know (the API may add values); kept and sent back as received.
            #unknown(String),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    #(#as_str)*
                    Self::#unknown(value) => value,
                }
            }

            fn from_wire(value: &str) -> Self {
                match value {
                    #(#from_wire)*
                    other => Self::#unknown(other.to_owned()),
                }
            }
        }

    }
}

fn render_integer_enum(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[crate::ir::EnumVariant],
) -> TokenStream {
    let unknown = catch_all_name(variants);
    let listed: Vec<(proc_macro2::Ident, i64)> = variants
        .iter()
        .filter_map(|v| match &v.value {
            EnumValue::Integer(n) => Some((ident(&v.name), *n)),
            EnumValue::String(_) => None,
        })
        .collect();
    let decls = listed.iter().map(|(variant, value)| {
        let doc = lines_to_attrs(&[format!("`{value}`")]);
        quote! { #doc #variant, }
    });
    let to_value = listed.iter().map(|(variant, value)| quote! { Self::#variant => #value, });
    let from_value = listed.iter().map(|(variant, value)| quote! { #value => Self::#variant, });
    quote! {
        #docs
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum #name {
            #(#decls)*
            /// A value this client does not know; kept and sent back as received.
            #unknown(i64),
        }

        impl #name {
            /// The value as it is sent on the wire.
            pub fn value(&self) -> i64 {
                match self {
                    #(#to_value)*
                    Self::#unknown(value) => *value,
                }
            }
        }

        impl From<i64> for #name {
            fn from(value: i64) -> Self {
                match value {
                    #(#from_value)*
                    other => Self::#unknown(other),
                }
            }
        }

    }
}

fn variant_payload(variant: &UnionVariant, api: &Api) -> TokenStream {
    let ty = ty_tokens(&variant.ty, Scope::Models, api);
    if variant.boxed {
        quote! { Box<#ty> }
    } else {
        ty
    }
}

fn render_union(
    docs: &TokenStream,
    name: &proc_macro2::Ident,
    variants: &[UnionVariant],
    discriminator: Option<&str>,
    api: &Api,
) -> TokenStream {
    let has_json = variants.iter().any(|v| v.ty == Ty::Json);
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let payload = variant_payload(v, api);
        let doc = match v.tags.as_slice() {
            [] => quote! {},
            tags => {
                let tags: Vec<String> = tags.iter().map(|tag| code(tag)).collect();
                lines_to_attrs(&[format!("Selected by {}.", tags.join(", "))])
            }
        };
        quote! { #doc #variant(#payload), }
    });
    let other_decl = if has_json {
        quote! {}
    } else {
        quote! {
            /// A value matching none of the listed schemas, kept as received.
            Other(serde_json::Value),
        }
    };
    if discriminator.is_none() {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#decls)*
                #other_decl
            }
        };
    }
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#decls)*
            /// A value whose discriminator this client does not know, kept as received.
            Other(serde_json::Value),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Three tags, so types reached by some of them carry a gate of their own;
    /// every kind `model_text` writes: structs (one with no listed
    /// property), string and integer enums, a union, an alias, a newtype
    /// (an alias that holds itself) and a type no operation uses.
    const SPEC: &str = r##"
openapi: 3.0.3
info: { title: Kinds, version: "1" }
paths:
  /a:
    get:
      tags: [Alpha]
      operationId: getA
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Holder" } } } }
  /b:
    get:
      tags: [Beta]
      operationId: getB
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Shared" } } } }
  /c:
    get:
      tags: [Gamma]
      operationId: getC
      responses:
        "200": { description: ok, content: { application/json: { schema: { $ref: "#/components/schemas/Status" } } } }
components:
  schemas:
    Holder:
      type: object
      description: Holds one of each kind.
      properties:
        shared: { $ref: "#/components/schemas/Shared" }
        status: { $ref: "#/components/schemas/Status" }
        level: { $ref: "#/components/schemas/Level" }
        pet: { $ref: "#/components/schemas/Pet" }
        names: { $ref: "#/components/schemas/Names" }
        tree: { $ref: "#/components/schemas/Tree" }
        open: { $ref: "#/components/schemas/Open" }
    Shared: { type: object, properties: { id: { type: string } } }
    Status: { type: string, enum: [on, off] }
    Level: { type: integer, enum: [1, 2] }
    Pet: { oneOf: [{ type: string }, { type: integer }] }
    Names: { type: array, items: { type: string } }
    Tree: { type: array, items: { $ref: "#/components/schemas/Tree" } }
    Open: { type: object, additionalProperties: true }
    Unused: { type: object, properties: { note: { type: string } } }
"##;

    /// Pins the text road for every kind `model_text` writes, gated or
    /// not, and for the files' heads: were one to fall back to tokens, the
    /// two-road tests would still pass (both roads give the same bytes),
    /// only slower.
    #[test]
    fn every_kind_and_head_is_written_as_text_gated_or_not() {
        let settings = crate::Settings::new("kinds", "spec.yaml");
        let api = crate::pipeline::analysed_api(SPEC, &settings).expect("the spec generates");
        let gates = Gates::new(true);
        let mut written = String::new();
        for file in &api.model_files {
            let head = model_file_head(&api, file, &gates, true);
            let types = render_types(&api, file, &file.types, &gates, true);
            for piece in head.pieces.iter().chain(&types.pieces) {
                match piece {
                    Piece::Text(text) => written.push_str(text),
                    Piece::Items(tokens) | Piece::Members(tokens) => panic!("{}: tokens {tokens}", file.name),
                }
            }
        }
        for expected in [
            "#[cfg(feature = \"alpha\")]\n/// Holds one of each kind.\n",
            "#[cfg(any(feature = \"alpha\", feature = \"gamma\"))]\nimpl Status {",
            "#[cfg(feature = \"alpha\")]\nimpl From<i64> for Level {",
            "#[cfg(feature = \"alpha\")]\n#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]\n#[serde(untagged)]\npub enum Pet {",
            "pub type Names = Vec<String>;\n",
            "#[serde(transparent)]\npub struct Tree(pub Vec<super::Tree>);\n",
            "pub type Open = serde_json::Value;\n",
            "//! Types no operation uses",
            "use crate::runtime::{",
        ] {
            assert!(written.contains(expected), "{expected:?} in:\n{written}");
        }
    }
}
