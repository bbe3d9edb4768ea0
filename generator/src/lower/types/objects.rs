//! Objects: `properties`, `required` and `additionalProperties` to a
//! struct's fields, and the members of an `allOf` merged into one struct.

use super::{any_is_empty, component_key, Shape, TypeLowering};
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::ir::{Docs, ExtraProperties, Field, Presence, Ty, TypeId, TypeKind};
use crate::lower::renames::RenameKind;
use crate::naming::{snake_name, type_name, UniqueNames};
use crate::pointer::JsonPointer;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use std::collections::BTreeSet;

/// The schema extension that lets a struct be read wrapped in one property.
const ALSO_WRAPPED_IN: &str = "x-rust-also-wrapped-in";

/// Where a part of a merged object comes from: its schema's JSON pointer,
/// and the name of the type that owns it there (which names the part's own
/// inline types, so that they are the same whichever type merges them).
#[derive(Clone)]
struct Origin {
    pointer: String,
    owner: String,
}

/// Object parts shared by `type: object`, untyped schemas with properties, and merged `allOf`s.
/// Borrowed from the schemas they come from: lowering never copies a schema.
#[derive(Default)]
struct ObjectParts<'s> {
    properties: IndexMap<&'s str, (&'s ReferenceOr<Box<Schema>>, Origin)>,
    required: BTreeSet<&'s str>,
    additional: Option<(&'s AdditionalProperties, Origin)>,
}

/// What the members of an `allOf` add up to.
#[derive(Default)]
struct Merge<'s> {
    parts: ObjectParts<'s>,
    /// Members that are not objects.
    others: Vec<Ty>,
    /// The named types merged in.
    refs: Vec<Ty>,
    /// Components merged so far, so that each is merged once.
    visiting: BTreeSet<String>,
}

impl<'a> TypeLowering<'a> {
    fn add_object_parts<'s>(
        &mut self,
        parts: &mut ObjectParts<'s>,
        properties: &'s IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &'s [String],
        additional: Option<&'s AdditionalProperties>,
        owner: &str,
        pointer: &str,
    ) {
        let properties_pointer = pointer_join(pointer, "properties");
        for (wire, schema) in properties {
            // A later allOf branch redefines a property in place: the more specific definition wins.
            let origin = Origin { pointer: pointer_join(&properties_pointer, wire), owner: owner.to_string() };
            parts.properties.insert(wire, (schema, origin));
        }
        parts.required.extend(required.iter().map(String::as_str));
        if let Some(additional) = additional {
            let origin = Origin { pointer: pointer_join(pointer, "additionalProperties"), owner: owner.to_string() };
            parts.additional = Some((additional, origin));
        }
    }

    /// The object one schema's `properties`, `required` and `additionalProperties` describe.
    pub(super) fn object_of(
        &mut self,
        properties: &IndexMap<String, ReferenceOr<Box<Schema>>>,
        required: &[String],
        additional: Option<&AdditionalProperties>,
        name: &str,
        pointer: &str,
    ) -> Shape {
        let mut parts = ObjectParts::default();
        self.add_object_parts(&mut parts, properties, required, additional, name, pointer);
        self.object(parts)
    }

    fn object(&mut self, parts: ObjectParts) -> Shape {
        let extra = match &parts.additional {
            Some((AdditionalProperties::Any(false), _)) => ExtraProperties::Closed,
            Some((AdditionalProperties::Schema(schema), origin)) => {
                let lowered = self.lower(schema, &format!("{}Value", origin.owner), &origin.pointer);
                ExtraProperties::Typed(lowered.ty)
            }
            Some((AdditionalProperties::Any(true), _)) | None => ExtraProperties::Keep,
        };
        if parts.properties.is_empty() {
            return match extra {
                ExtraProperties::Typed(value) => Shape::Inline(Ty::Map(Box::new(value))),
                ExtraProperties::Keep => Shape::Inline(Ty::Json),
                ExtraProperties::Closed => Shape::Def(
                    TypeKind::Struct { fields: Vec::new(), extra, derive_default: true, also_wrapped_in: None },
                    Vec::new(),
                ),
            };
        }
        let mut field_names = UniqueNames::with_reserved(["additional_properties"]);
        let members: Vec<&str> = parts.properties.values().map(|(_, origin)| origin.pointer.as_str()).collect();
        let mut renamed = self.renames().scope(RenameKind::Field, Some(&members));
        let mut fields = Vec::with_capacity(parts.properties.len());
        for (wire, (schema, origin)) in &parts.properties {
            let lowered = self.lower_boxed(schema, &format!("{}{}", origin.owner, type_name(wire)), &origin.pointer);
            let (data, description) = match schema {
                ReferenceOr::Item(s) => (Some(&s.schema_data), s.schema_data.description.clone()),
                ReferenceOr::Reference { .. } => (None, None),
            };
            let read_only = data.is_some_and(|d| d.read_only);
            let write_only = data.is_some_and(|d| d.write_only);
            // A request never has to carry readOnly fields, nor a response writeOnly ones.
            let required = parts.required.contains(wire) && !read_only && !write_only;
            let presence = match (required, lowered.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, false) => Presence::Optional,
                (false, true) => Presence::OptionalNullable,
            };
            let is_password = matches!(schema, ReferenceOr::Item(s) if matches!(&s.schema_kind,
                SchemaKind::Type(Type::String(st)) if st.format == VariantOrUnknownOrEmpty::Item(StringFormat::Password)));
            let mut docs = Docs { description, deprecated: data.is_some_and(|d| d.deprecated), ..Docs::default() };
            if read_only {
                docs.notes.push("Read-only: set by the server, never required in a request.".into());
            }
            if write_only {
                docs.notes.push("Write-only: sent in requests, never returned.".into());
            }
            if let Some(default) = data.and_then(|d| d.default.as_ref()) {
                docs.notes.push(format!("Defaults to {} when absent.", crate::markdown::code(&compact_json(default))));
            }
            fields.push(Field {
                name: renamed.claim(&mut field_names, self.renames(), snake_name(wire), &origin.pointer),
                wire_name: wire.to_string(),
                ty: lowered.ty,
                presence,
                secret: is_password || self.settings.is_secret_property(wire),
                boxed: false,
                docs,
            });
        }
        Shape::Def(TypeKind::Struct { fields, extra, derive_default: false, also_wrapped_in: None }, Vec::new())
    }

    /// `x-rust-also-wrapped-in: KEY` on an object schema: its values may also
    /// come as `{KEY: value}` (Okta's hook key, bare or under `_embedded`),
    /// and read the same. Where it cannot apply, a warning says why.
    pub(super) fn also_wrapped(&mut self, shape: Shape, schema: &Schema, pointer: &str) -> Shape {
        let Some(extension) = schema.schema_data.extensions.get(ALSO_WRAPPED_IN) else { return shape };
        let at = pointer_join(pointer, ALSO_WRAPPED_IN);
        let Some(key) = extension.as_str().filter(|key| !key.is_empty()) else {
            self.warnings.push(Diagnostic::lossy(at, format!("`{ALSO_WRAPPED_IN}` must be a property name; ignored")));
            return shape;
        };
        match shape {
            Shape::Def(TypeKind::Struct { fields, extra, derive_default, .. }, mut notes)
                if !fields.iter().any(|f| f.wire_name == key) =>
            {
                notes.push(format!(
                    "Also read when it comes wrapped, as {}.",
                    crate::markdown::code(&format!("{{\"{key}\": {{...}}}}"))
                ));
                Shape::Def(
                    TypeKind::Struct { fields, extra, derive_default, also_wrapped_in: Some(key.to_string()) },
                    notes,
                )
            }
            other => {
                self.warnings.push(Diagnostic::lossy(
                    at,
                    format!(
                        "`{ALSO_WRAPPED_IN}: {key}` applies only to an object schema without a `{key}` property; ignored"
                    ),
                ));
                other
            }
        }
    }

    /// `allOf`: one struct with the properties and required lists of every
    /// branch (references and nested allOfs included).
    pub(super) fn all_of<'s>(
        &mut self,
        members: &'s [ReferenceOr<Schema>],
        beside: Option<&'s AnySchema>,
        name: &str,
        pointer: &str,
    ) -> Shape {
        if let Some(enclosing) = self.enclosing_reference(members, beside, pointer) {
            return Shape::Inline(Ty::Named(enclosing));
        }
        let mut merge = Merge::default();
        for (index, member) in members.iter().enumerate() {
            let member_pointer = pointer_join(&pointer_join(pointer, "allOf"), &index.to_string());
            self.collect_all_of_member(member, &mut merge, name, &member_pointer);
        }
        let Merge { mut parts, others, refs, .. } = merge;
        if let Some(any) = beside {
            self.add_object_parts(
                &mut parts,
                &any.properties,
                &any.required,
                any.additional_properties.as_ref(),
                name,
                pointer,
            );
        }
        if parts.properties.is_empty() && parts.additional.is_none() {
            // `allOf: [$ref]` (often with a description or nullable beside it) is that type.
            match (refs.as_slice(), others.as_slice()) {
                ([only], []) | ([], [only]) => return Shape::Inline(only.clone()),
                ([], []) => return Shape::Inline(Ty::Json),
                _ => {
                    self.warnings.push(Diagnostic::lossy(
                        pointer,
                        "allOf of types that are not objects cannot be merged; typed as any JSON value",
                    ));
                    return Shape::Inline(Ty::Json);
                }
            }
        }
        let notes = if others.is_empty() {
            Vec::new()
        } else {
            self.warnings.push(Diagnostic::lossy(
                pointer,
                "allOf mixes objects with other types; only the object properties are typed",
            ));
            vec!["Some allOf members of this schema are not objects; only the object properties are typed.".into()]
        };
        match self.object(parts) {
            Shape::Def(kind, mut more) => {
                more.extend(notes);
                Shape::Def(kind, more)
            }
            inline => inline,
        }
    }

    /// `allOf: [$ref: X]` with nothing but annotations beside it, standing
    /// inside X itself (`parent: {$ref: Node, description: ...}`, which
    /// normalisation turns into an allOf): X's name, as merging X into
    /// a part of itself would copy it into itself without end.
    fn enclosing_reference(
        &self,
        members: &[ReferenceOr<Schema>],
        beside: Option<&AnySchema>,
        pointer: &str,
    ) -> Option<TypeId> {
        if beside.is_some_and(|any| !any.properties.is_empty() || any.additional_properties.is_some()) {
            return None;
        }
        let mut reference = None;
        for member in members {
            match member {
                ReferenceOr::Reference { reference: r } if reference.is_none() => reference = Some(r),
                ReferenceOr::Item(s) if matches!(&s.schema_kind, SchemaKind::Any(any) if any_is_empty(any)) => {}
                _ => return None,
            }
        }
        let key = component_key(&JsonPointer::from_reference(reference?)?)?;
        let enclosing = format!("{}/", pointer_join("/components/schemas", &key));
        pointer.starts_with(&enclosing).then(|| self.component_types.get(&key).copied()).flatten()
    }

    /// Adds one `allOf` member to `merge`; `owner` names the type whose
    /// schema holds the member (the component it comes from, for a reference).
    fn collect_all_of_member<'s>(
        &mut self,
        member: &'s ReferenceOr<Schema>,
        merge: &mut Merge<'s>,
        owner: &str,
        pointer: &str,
    ) where
        'a: 's,
    {
        let (schema, schema_pointer, owner) = match member {
            ReferenceOr::Reference { reference } => {
                let key = JsonPointer::from_reference(reference).as_ref().and_then(component_key);
                let target = key.as_ref().and_then(|k| self.component(k));
                // A replaced component has no type of its own: it is lowered as its replacement below.
                let id = key.as_ref().and_then(|key| self.component_types.get(key).copied());
                match (key, target, id) {
                    (Some(key), Some(ReferenceOr::Item(schema)), Some(id)) if is_object_like(schema) => {
                        if !merge.visiting.insert(key.clone()) {
                            return; // load reports allOf cycles; never loop here
                        }
                        merge.refs.push(Ty::Named(id));
                        (schema, pointer_join("/components/schemas", &key), self.type_name(id).to_string())
                    }
                    (Some(key), Some(ReferenceOr::Item(schema)), None) if is_object_like(schema) => {
                        self.warnings.push(Diagnostic::lossy(
                            pointer,
                            format!(
                                "`{key}` is replaced by a type of your own, whose fields cannot be merged into this allOf: \
                                 its properties are kept as extra properties"
                            ),
                        ));
                        return;
                    }
                    _ => {
                        let lowered = self.lower(member, owner, pointer);
                        merge.refs.push(lowered.ty);
                        return;
                    }
                }
            }
            ReferenceOr::Item(schema) => (schema, pointer.to_string(), owner.to_string()),
        };
        // Each level of allOf inside allOf is a level of recursion here.
        if !self.enter(&schema_pointer) {
            return;
        }
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(o)) => self.add_object_parts(
                &mut merge.parts,
                &o.properties,
                &o.required,
                o.additional_properties.as_ref(),
                &owner,
                &schema_pointer,
            ),
            SchemaKind::AllOf { all_of } => {
                for (index, inner) in all_of.iter().enumerate() {
                    let inner_pointer = pointer_join(&pointer_join(&schema_pointer, "allOf"), &index.to_string());
                    self.collect_all_of_member(inner, merge, &owner, &inner_pointer);
                }
            }
            SchemaKind::Any(any)
                if !any.properties.is_empty() || !any.all_of.is_empty() || any.typ.as_deref() == Some("object") =>
            {
                for (index, inner) in any.all_of.iter().enumerate() {
                    let inner_pointer = pointer_join(&pointer_join(&schema_pointer, "allOf"), &index.to_string());
                    self.collect_all_of_member(inner, merge, &owner, &inner_pointer);
                }
                self.add_object_parts(
                    &mut merge.parts,
                    &any.properties,
                    &any.required,
                    any.additional_properties.as_ref(),
                    &owner,
                    &schema_pointer,
                )
            }
            // Annotation-only members (`{description: ...}`, `{nullable: true}`) add nothing.
            SchemaKind::Any(any) if any_is_empty(any) => {}
            _ => {
                let lowered = self.lower_inline(schema, &owner, &schema_pointer);
                merge.others.push(lowered.ty);
            }
        }
        self.nesting -= 1;
    }
}

fn is_object_like(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty() || o.additional_properties.is_some(),
        SchemaKind::AllOf { .. } => true,
        SchemaKind::Any(any) => !any.properties.is_empty() || !any.all_of.is_empty(),
        _ => false,
    }
}

fn compact_json(value: &Value) -> String {
    let text = value.to_string();
    if text.len() > 80 {
        format!("{}…", text.chars().take(77).collect::<String>())
    } else {
        text
    }
}
