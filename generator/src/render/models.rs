//! IR types -> `src/models/`: `mod.rs` and one file per group of types
//! (which file each type goes into is [`super::model_files`]'s rule).

use super::docs::{code, doc_attrs, inner_doc_attrs, lines_to_attrs, DocBlock};
use super::features::{gate_items, Gates};
use super::model_files::ModelFile;
use super::{ident, ty_tokens, Scope};
use crate::ir::{Api, EnumValue, ExtraProperties, Field, Presence, Ty, TypeDef, TypeKind, UnionVariant};
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
        let name = ident(file.name);
        let cfg = gates.tags_cfg(api, &file.tags);
        quote! { #cfg mod #name; }
    });
    let reexports = files.iter().map(|file| {
        let name = ident(file.name);
        let cfg = gates.tags_cfg(api, &file.tags);
        quote! { #cfg pub use self::#name::*; }
    });
    quote! {
        #(#docs)*
        #(#mods)*
        #(#reexports)*
    }
}

/// The first part of a file of `src/models/`: its docs.
pub fn model_file_docs(tag: Option<&str>) -> TokenStream {
    let doc = match tag {
        Some(tag) => format!("Types the operations tagged {} use, unless a tag before it already does.", code(tag)),
        None => "Types no operation uses (the spec names them, but no request or response holds them), by initial."
            .to_string(),
    };
    inner_doc_attrs(&[DocBlock::Markdown(doc)])
}

/// A run of a file's types (`types` indexes `api.types`), each behind the
/// features of the tags that reach it, unless the whole file already is.
pub fn render_types(api: &Api, file: &ModelFile, types: &[usize], gates: &Gates) -> TokenStream {
    let items = types.iter().map(|&index| {
        let tags = gates.tags_reaching(index);
        let cfg = if tags == file.tags.as_slice() { TokenStream::new() } else { gates.tags_cfg(api, tags) };
        gate_items(&cfg, render_type(&api.types[index]))
    });
    quote! { #(#items)* }
}

fn render_type(def: &TypeDef) -> TokenStream {
    let docs = doc_attrs(&def.docs);
    let name = ident(&def.name);
    match &def.kind {
        TypeKind::Struct { fields, extra, derive_default } => render_struct(def, &docs, fields, extra, *derive_default),
        TypeKind::Enum { variants, integer: false } => render_string_enum(&docs, &name, variants),
        TypeKind::Enum { variants, integer: true } => render_integer_enum(&docs, &name, variants),
        TypeKind::Union { variants, discriminator } => render_union(&docs, &name, variants, discriminator.as_deref()),
        TypeKind::Alias { target, newtype: false } => {
            let target = ty_tokens(target, Scope::Models);
            quote! { #docs pub type #name = #target; }
        }
        TypeKind::Alias { target, newtype: true } => {
            let target = ty_tokens(target, Scope::Models);
            quote! {
                #docs
                #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
                #[serde(transparent)]
                pub struct #name(pub #target);
            }
        }
    }
}

fn field_type(field: &Field) -> TokenStream {
    let mut ty = if field.secret { ty_tokens(&field.ty, Scope::Models) } else { lenient_ty_tokens(&field.ty) };
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
fn lenient_ty_tokens(ty: &Ty) -> TokenStream {
    match ty {
        Ty::DateTime | Ty::Date | Ty::Uuid => {
            let inner = ty_tokens(ty, Scope::Models);
            quote! { crate::runtime::Lenient<#inner> }
        }
        Ty::Vec(item) => {
            let item = lenient_ty_tokens(item);
            quote! { Vec<#item> }
        }
        Ty::Map(value) => {
            let value = lenient_ty_tokens(value);
            quote! { std::collections::BTreeMap<String, #value> }
        }
        other => ty_tokens(other, Scope::Models),
    }
}

fn render_struct(
    def: &TypeDef,
    docs: &TokenStream,
    fields: &[Field],
    extra: &ExtraProperties,
    derive_default: bool,
) -> TokenStream {
    let name = ident(&def.name);
    let field_items = fields.iter().map(|field| {
        let field_docs = doc_attrs(&field.docs);
        let field_name = ident(&field.name);
        let ty = field_type(field);
        quote! { #field_docs pub #field_name: #ty, }
    });
    let extra_field = match extra {
        ExtraProperties::Keep => quote! {
            /// Properties the spec does not list, kept as received and sent back unchanged.
            pub additional_properties: serde_json::Map<String, serde_json::Value>,
        },
        ExtraProperties::Typed(value) => {
            let value = ty_tokens(value, Scope::Models);
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
    let serialize = serialize_struct(&name, fields, extra);
    let deserialize = deserialize_struct(def, fields, extra);
    quote! {
        #docs
        #[derive(#(#derives),*)]
        pub struct #name {
            #(#field_items)*
            #extra_field
        }
        #eq_impl
        #debug_impl
        #serialize
        #deserialize
    }
}

/// The most fields a struct derives `PartialEq` for: the derive joins one
/// comparison per field with `&&`, an expression as deep as the field count,
/// and rustc's stack overflowed on it at 16,000 fields.
const DERIVED_EQ_MAX_FIELDS: usize = 256;

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

/// `Serialize` as a JSON object, through the runtime's `Entries`: listed
/// properties in order (an absent optional one is left out, `null` stays
/// `null`), then the unknown ones. One statement per property, not a `?`
/// per property (each early return is a branch that drops the map, and
/// rustc's work on them grows with the property count), nor one chain of
/// calls (a chain nests as deep as the property count in every parser and
/// printer it goes through).
fn serialize_struct(name: &proc_macro2::Ident, fields: &[Field], extra: &ExtraProperties) -> TokenStream {
    let entries = fields.iter().map(|field| {
        let field_name = ident(&field.name);
        let wire = &field.wire_name;
        match field.presence {
            Presence::Required | Presence::RequiredNullable => quote! { map.required(#wire, &self.#field_name); },
            Presence::Optional | Presence::OptionalNullable => quote! { map.optional(#wire, &self.#field_name); },
        }
    });
    let extra_entries = match extra {
        ExtraProperties::Closed => quote! {},
        ExtraProperties::Keep | ExtraProperties::Typed(_) => quote! { map.extra(&self.additional_properties); },
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = crate::runtime::Entries::new(serializer);
                #(#entries)*
                #extra_entries
                map.end()
            }
        }
    }
}

/// `Deserialize` through the runtime's `MapModel`: one typed slot per
/// listed property, filled as the object's properties arrive.
///
/// The reader has one early return per property read and one for missing
/// required properties, not one per field: each early return drops every
/// slot, so rustc's work on a `?` per field grows with the square of the
/// field count (measured: 35% less check time on 30-field structs).
fn deserialize_struct(def: &TypeDef, fields: &[Field], extra: &ExtraProperties) -> TokenStream {
    let name = ident(&def.name);
    let label = &def.name;
    // The reader's own locals must not take a field's name (each slot is named after its field).
    let mut locals = crate::naming::UniqueNames::with_reserved(
        fields.iter().map(|f| f.name.as_str()).chain(["additional_properties"]),
    );
    let [map, key, read] = ["map", "key", "read"].map(|local| ident(&locals.claim(local.to_string())));
    let slots = fields.iter().map(|field| {
        let slot = ident(&field.name);
        let ty = field_type(field);
        match field.presence {
            // `null` is read as `Some(None)`, apart from absence.
            Presence::OptionalNullable => quote! { let mut #slot: #ty = None; },
            _ => quote! { let mut #slot: Option<#ty> = None; },
        }
    });
    let extra_map = match extra {
        ExtraProperties::Closed => None,
        ExtraProperties::Keep => Some(quote! { serde_json::Map }),
        ExtraProperties::Typed(_) => Some(quote! { std::collections::BTreeMap }),
    };
    let (extra_slot, read_unknown, extra_init) = match extra_map {
        None => (quote! {}, quote! { #map.skip() }, quote! {}),
        Some(extra_map) => (
            quote! { let mut additional_properties = #extra_map::new(); },
            quote! { #map.keep(#key, &mut additional_properties) },
            quote! { additional_properties, },
        ),
    };
    let reads = if fields.is_empty() {
        if matches!(extra, ExtraProperties::Closed) {
            quote! {
                while #map.next_key()?.is_some() {
                    #read_unknown?;
                }
            }
        } else {
            quote! {
                while let Some(#key) = #map.next_key()? {
                    #read_unknown?;
                }
            }
        }
    } else {
        let arms = fields.iter().map(|field| {
            let slot = ident(&field.name);
            let wire = &field.wire_name;
            quote! { #wire => #map.read(&mut #slot, #wire), }
        });
        quote! {
            while let Some(#key) = #map.next_key()? {
                let #read = match #key.as_str() {
                    #(#arms)*
                    _ => #read_unknown,
                };
                #read?;
            }
        }
    };
    let inits = fields.iter().map(|field| {
        let slot = ident(&field.name);
        match field.presence {
            Presence::Required | Presence::OptionalNullable => quote! { #slot, },
            Presence::RequiredNullable | Presence::Optional => quote! { #slot: #slot.flatten(), },
        }
    });
    let built = quote! { Ok(Self { #(#inits)* #extra_init }) };
    let required: Vec<(proc_macro2::Ident, &str)> = fields
        .iter()
        .filter(|f| f.presence == Presence::Required)
        .map(|f| (ident(&f.name), f.wire_name.as_str()))
        .collect();
    let finish = match required.as_slice() {
        [] => built,
        [(slot, wire)] => quote! {
            match #slot {
                Some(#slot) => #built,
                None => Err(serde::de::Error::missing_field(#wire)),
            }
        },
        several => {
            let slots: Vec<_> = several.iter().map(|(slot, _)| slot).collect();
            let checks = several.iter().map(|(slot, wire)| quote! { (#slot.is_none(), #wire) });
            quote! {
                match (#(#slots),*) {
                    (#(Some(#slots)),*) => #built,
                    (#(#slots),*) => Err(crate::runtime::missing_property(&[#(#checks),*])),
                }
            }
        }
    };
    // `__A`: a model may be named `A`, and the slots name model types.
    quote! {
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::deserialize_model(deserializer)
            }
        }

        impl crate::runtime::MapModel for #name {
            const NAME: &'static str = #label;

            fn from_map<'de, __A: serde::de::MapAccess<'de>>(mut #map: crate::runtime::Properties<'de, __A>) -> Result<Self, __A::Error> {
                #(#slots)*
                #extra_slot
                #reads
                #finish
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

        crate::runtime::string_enum!(#name);
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

        crate::runtime::integer_enum!(#name);
    }
}

fn variant_payload(variant: &UnionVariant) -> TokenStream {
    let ty = ty_tokens(&variant.ty, Scope::Models);
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
) -> TokenStream {
    let has_json = variants.iter().any(|v| v.ty == Ty::Json);
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let payload = variant_payload(v);
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
    let Some(tag_property) = discriminator else {
        return quote! {
            #docs
            #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
            #[serde(untagged)]
            pub enum #name {
                #(#decls)*
                #other_decl
            }
        };
    };
    let serialize_arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        quote! { Self::#variant(value) => serde::Serialize::serialize(value, serializer), }
    });
    let deserialize_arms = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let tags = &v.tags;
        quote! {
            #(Some(#tags))|* => serde_json::from_value(value).map(Self::#variant).map_err(serde::de::Error::custom),
        }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#decls)*
            /// A value whose discriminator this client does not know, kept as received.
            Other(serde_json::Value),
        }

        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    #(#serialize_arms)*
                    Self::Other(value) => serde::Serialize::serialize(value, serializer),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <serde_json::Value as serde::Deserialize>::deserialize(deserializer)?;
                let tag = value.get(#tag_property).and_then(serde_json::Value::as_str).map(str::to_owned);
                match tag.as_deref() {
                    #(#deserialize_arms)*
                    _ => Ok(Self::Other(value)),
                }
            }
        }
    }
}
