//! `oneOf` and `anyOf`: one variant per distinct member type (null
//! members make the union nullable instead), tagged when a discriminator
//! names every variant.

use super::{any_is_empty, Shape, TypeLowering};
use crate::diagnostics::{pointer_join, unescape_pointer_token};
use crate::ir::{Ty, TypeKind, UnionVariant};
use crate::naming::{variant_name, UniqueNames};
use openapiv3::{Discriminator, ReferenceOr, Schema, SchemaKind};

impl TypeLowering<'_> {
    pub(super) fn union(
        &mut self,
        members: &[ReferenceOr<Schema>],
        keyword: &str,
        discriminator: Option<&Discriminator>,
        name: &str,
        pointer: &str,
    ) -> Shape {
        let mut variants: Vec<UnionVariant> = Vec::new();
        let mut variant_names = UniqueNames::with_reserved(["Other"]);
        for (index, member) in members.iter().enumerate() {
            if self.is_null_schema(member) {
                continue;
            }
            let member_pointer = pointer_join(&pointer_join(pointer, keyword), &index.to_string());
            let lowered = self.lower(member, &format!("{name}Variant{}", index + 1), &member_pointer);
            if variants.iter().any(|v| v.ty == lowered.ty) {
                continue; // the same type twice can never select the second
            }
            let base = match &lowered.ty {
                Ty::Named(id) => {
                    let member_name = self.type_name(*id);
                    member_name
                        .strip_prefix(name)
                        .filter(|rest| !rest.is_empty() && !rest.starts_with("Variant"))
                        .unwrap_or(member_name)
                        .to_string()
                }
                // A type of the user's is named by its last segment (`Decimal`).
                Ty::External(path) => {
                    let last = path.split('<').next().unwrap_or(path).rsplit("::").next().unwrap_or(path);
                    crate::naming::type_name(last)
                }
                other => ty_variant_label(other).to_string(),
            };
            let tags = match (discriminator, member) {
                (Some(d), ReferenceOr::Reference { reference }) => discriminator_tags(d, reference),
                _ => Vec::new(),
            };
            variants.push(UnionVariant {
                name: variant_names.claim(variant_name(&base)),
                ty: lowered.ty,
                tags,
                boxed: false,
            });
        }
        match variants.len() {
            0 => Shape::Inline(Ty::Json),
            1 => Shape::Inline(variants.remove(0).ty),
            _ => {
                let discriminator = discriminator
                    .filter(|_| variants.iter().all(|v| !v.tags.is_empty()))
                    .map(|d| d.property_name.clone());
                Shape::Def(TypeKind::Union { variants, discriminator }, Vec::new())
            }
        }
    }

    /// `{type: 'null'}`-like members (after 3.1 normalisation: `{nullable: true}` alone).
    fn is_null_schema(&self, member: &ReferenceOr<Schema>) -> bool {
        matches!(member, ReferenceOr::Item(s) if s.schema_data.nullable && matches!(&s.schema_kind, SchemaKind::Any(any) if any_is_empty(any)))
    }

    pub(super) fn allows_null_member(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                members.iter().any(|m| self.is_null_schema(m))
            }
            _ => false,
        }
    }
}

fn discriminator_tags(discriminator: &Discriminator, reference: &str) -> Vec<String> {
    let key = reference.rsplit('/').next().unwrap_or(reference);
    let mapped: Vec<String> = discriminator
        .mapping
        .iter()
        .filter(|(_, target)| *target == reference || target.as_str() == key)
        .map(|(tag, _)| tag.clone())
        .collect();
    if mapped.is_empty() {
        vec![unescape_pointer_token(key)]
    } else {
        mapped
    }
}

fn ty_variant_label(ty: &Ty) -> &'static str {
    match ty {
        Ty::String | Ty::Uuid => "String",
        Ty::Bool => "Boolean",
        Ty::I32 | Ty::I64 => "Integer",
        Ty::F32 | Ty::F64 => "Number",
        Ty::DateTime => "DateTime",
        Ty::Date => "Date",
        Ty::Base64 | Ty::Binary => "Bytes",
        Ty::Vec(_) => "Array",
        Ty::Map(_) => "Map",
        Ty::Json | Ty::Named(_) | Ty::External(_) | Ty::Unit | Ty::Multipart | Ty::Upload => "Value",
    }
}
