//! Schemas -> named types and type expressions.
//!
//! Component schemas keep their names; inline schemas that need a type of
//! their own (objects, enums, unions) are named after where they stand
//! (`<Parent><Field>`, `<Operation>Response`...). Whatever cannot be typed
//! falls back to `serde_json::Value` with a note, never to an error.

use crate::diagnostics::{pointer_join, unescape_pointer_token, Diagnostic};
use crate::graph::strongly_connected;
use crate::ir::{Docs, EnumValue, EnumVariant, ExtraProperties, Field, Presence, Ty, TypeDef, TypeKind, UnionVariant};
use crate::load::resolve_local;
use crate::naming::{snake_name, type_name, variant_name, UniqueNames};
use crate::settings::Settings;
use indexmap::IndexMap;
use openapiv3::{
    AdditionalProperties, AnySchema, Discriminator, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind,
    StringFormat, Type, VariantOrUnknownOrEmpty,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A lowered schema: its type, and whether `null` is allowed.
#[derive(Debug, Clone)]
pub struct Lowered {
    /// The Rust type (without `Option` for nullability).
    pub ty: Ty,
    /// The schema allows `null`.
    pub nullable: bool,
}

/// What a schema becomes before it has a name.
enum Shape {
    /// A type expression, no definition needed.
    Inline(Ty),
    /// A definition that needs a name.
    Def(TypeKind, Vec<String>),
}

/// Schemas nested deeper than this (inline, through references into the
/// middle of schemas, or through `allOf`s of `allOf`s) are refused: lowering
/// recurses once per level, and no real spec comes near.
pub const MAX_SCHEMA_NESTING: usize = 100;

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

/// A schema whose lowering has started and not finished.
struct Pending {
    hint: String,
    nullable: bool,
    /// Claimed when the schema turns out to contain itself.
    name: Option<String>,
}

/// Lowers schemas into [`TypeDef`]s, collecting them by name.
pub struct TypeLowering<'a> {
    raw: &'a Value,
    schemas: Option<&'a IndexMap<String, ReferenceOr<Schema>>>,
    settings: &'a Settings,
    names: UniqueNames,
    component_names: BTreeMap<String, String>,
    /// What each schema (by JSON pointer) lowered to: every schema is lowered once.
    lowered: HashMap<String, Lowered>,
    /// Schemas being lowered, by JSON pointer: meeting one again is recursion.
    pending: HashMap<String, Pending>,
    /// How many schemas are being lowered, one inside the other.
    nesting: usize,
    /// Types defined so far, by name.
    pub types: BTreeMap<String, TypeDef>,
    /// Approximations made.
    pub warnings: Vec<Diagnostic>,
}

impl<'a> TypeLowering<'a> {
    /// Names every component schema up front (in document order, so
    /// collisions resolve the same way every time).
    pub fn new(raw: &'a Value, api: &'a openapiv3::OpenAPI, settings: &'a Settings) -> Self {
        let schemas = api.components.as_ref().map(|c| &c.schemas);
        let mut names = UniqueNames::default();
        let component_names =
            schemas.into_iter().flat_map(|s| s.keys()).map(|key| (key.clone(), names.claim(type_name(key)))).collect();
        Self {
            raw,
            schemas,
            settings,
            names,
            component_names,
            lowered: HashMap::new(),
            pending: HashMap::new(),
            nesting: 0,
            types: BTreeMap::new(),
            warnings: Vec::new(),
        }
    }

    /// Defines every component schema.
    pub fn lower_components(&mut self) {
        let Some(schemas) = self.schemas else { return };
        for (key, schema) in schemas {
            let name = self.component_names[key].clone();
            let pointer = pointer_join("/components/schemas", key);
            match schema {
                ReferenceOr::Item(schema) => self.define(name, schema, &pointer),
                ReferenceOr::Reference { reference } => {
                    let target = self.lower_reference(reference, &name, &pointer).ty;
                    let docs = Docs::default();
                    self.types
                        .insert(name.clone(), TypeDef { name, docs, kind: TypeKind::Alias { target, newtype: false } });
                }
            }
        }
    }

    /// The component schema called `key`.
    fn component(&self, key: &str) -> Option<&'a ReferenceOr<Schema>> {
        self.schemas.and_then(|schemas| schemas.get(key))
    }

    /// Claims a fresh type name derived from `hint`.
    pub fn claim_name(&mut self, hint: &str) -> String {
        self.names.claim(type_name(hint))
    }

    /// Lowers a schema standing at `pointer`; inline definitions are named from `hint`.
    pub fn lower(&mut self, schema: &ReferenceOr<Schema>, hint: &str, pointer: &str) -> Lowered {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, hint, pointer),
            ReferenceOr::Item(schema) => self.lower_inline(schema, hint, pointer),
        }
    }

    /// [`Self::lower`] for the boxed schemas openapiv3 uses in properties and items.
    pub fn lower_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, hint: &str, pointer: &str) -> Lowered {
        match schema {
            ReferenceOr::Reference { reference } => self.lower_reference(reference, hint, pointer),
            ReferenceOr::Item(schema) => self.lower_inline(schema, hint, pointer),
        }
    }

    fn lower_reference(&mut self, reference: &str, hint: &str, pointer: &str) -> Lowered {
        let target = crate::load::local_pointer(reference);
        if let Some(key) = target.as_deref().and_then(component_key) {
            if let Some(name) = self.component_names.get(&key) {
                let nullable = matches!(self.component(&key), Some(ReferenceOr::Item(s)) if s.schema_data.nullable);
                return Lowered { ty: Ty::Named(name.clone()), nullable };
            }
        }
        // A reference elsewhere in the document (load checked that it
        // resolves, and that references do not loop among themselves): lower
        // what it points at, once, as the schema standing there.
        let Some(target) = target else { return self.not_a_schema(reference, pointer) };
        if let Some(known) = self.recall(&target) {
            return known;
        }
        match resolve_local(self.raw, reference).map(|v| serde_json::from_value::<ReferenceOr<Schema>>(v.clone())) {
            Some(Ok(ReferenceOr::Item(schema))) => {
                let target_hint = schema_hint(&target, &self.component_names)
                    .or_else(|| target.rsplit('/').next().filter(|t| !t.is_empty()).map(unescape_pointer_token))
                    .unwrap_or_else(|| hint.to_string());
                self.lower_inline(&schema, &target_hint, &target)
            }
            Some(Ok(ReferenceOr::Reference { reference: next })) => {
                if !self.enter(pointer) {
                    return Lowered { ty: Ty::Json, nullable: false };
                }
                let lowered = self.lower_reference(&next, hint, &target);
                self.nesting -= 1;
                lowered
            }
            _ => self.not_a_schema(reference, pointer),
        }
    }

    fn not_a_schema(&mut self, reference: &str, pointer: &str) -> Lowered {
        self.warnings
            .push(Diagnostic::warning(pointer, format!("`{reference}` is not a schema; typed as any JSON value")));
        Lowered { ty: Ty::Json, nullable: false }
    }

    /// What the schema at `pointer` lowered to, if it has been; for a schema
    /// that is being lowered (it contains itself), its type's name.
    fn recall(&mut self, pointer: &str) -> Option<Lowered> {
        if let Some(known) = self.lowered.get(pointer) {
            return Some(known.clone());
        }
        let Self { pending, names, .. } = self;
        let pending = pending.get_mut(pointer)?;
        let name = pending.name.get_or_insert_with(|| names.claim(type_name(&pending.hint))).clone();
        Some(Lowered { ty: Ty::Named(name), nullable: pending.nullable })
    }

    /// One level deeper; `false` (with an error at `pointer`) past [`MAX_SCHEMA_NESTING`].
    fn enter(&mut self, pointer: &str) -> bool {
        if self.nesting >= MAX_SCHEMA_NESTING {
            self.warnings.push(Diagnostic::error(
                pointer,
                format!(
                    "schemas nested more than {MAX_SCHEMA_NESTING} deep (inline, through references into \
                     schemas, or through allOfs); is a reference pointing the wrong way?"
                ),
            ));
            return false;
        }
        self.nesting += 1;
        true
    }

    fn lower_inline(&mut self, schema: &Schema, hint: &str, pointer: &str) -> Lowered {
        if let Some(known) = self.recall(pointer) {
            return known;
        }
        let nullable = schema.schema_data.nullable || self.allows_null_member(schema);
        if !self.enter(pointer) {
            return Lowered { ty: Ty::Json, nullable };
        }
        self.pending.insert(pointer.to_string(), Pending { hint: hint.to_string(), nullable, name: None });
        let shape = self.shape(schema, hint, pointer);
        let reserved = self.pending.remove(pointer).and_then(|pending| pending.name);
        self.nesting -= 1;
        let ty = match (shape, reserved) {
            (Shape::Inline(ty), None) => ty,
            // Only itself, through a one-member union or the like: no value at all fits.
            (Shape::Inline(Ty::Named(target)), Some(name)) if target == name => {
                self.warnings.push(Diagnostic::warning(
                    pointer,
                    "this schema is only a reference to itself; typed as any JSON value",
                ));
                self.types.insert(
                    name.clone(),
                    TypeDef {
                        name: name.clone(),
                        docs: schema_docs(schema),
                        kind: TypeKind::Alias { target: Ty::Json, newtype: false },
                    },
                );
                Ty::Named(name)
            }
            // An array (or map) of itself: a named alias, which recursion needs.
            (Shape::Inline(target), Some(name)) => {
                let kind = TypeKind::Alias { target, newtype: false };
                self.types.insert(name.clone(), TypeDef { name: name.clone(), docs: schema_docs(schema), kind });
                Ty::Named(name)
            }
            (Shape::Def(kind, notes), reserved) => {
                let name = reserved.unwrap_or_else(|| self.claim_name(hint));
                let mut docs = schema_docs(schema);
                docs.notes.extend(notes);
                self.types.insert(name.clone(), TypeDef { name: name.clone(), docs, kind });
                Ty::Named(name)
            }
        };
        let lowered = Lowered { ty, nullable };
        self.lowered.insert(pointer.to_string(), lowered.clone());
        lowered
    }

    /// Defines a named type (a component schema) as whatever its schema is.
    fn define(&mut self, name: String, schema: &Schema, pointer: &str) {
        let mut docs = schema_docs(schema);
        let kind = match self.shape(schema, &name, pointer) {
            Shape::Inline(target) => TypeKind::Alias { target, newtype: false },
            Shape::Def(kind, notes) => {
                docs.notes.extend(notes);
                kind
            }
        };
        self.types.insert(name.clone(), TypeDef { name, docs, kind });
    }

    fn shape(&mut self, schema: &Schema, name: &str, pointer: &str) -> Shape {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<&str> = s.enumeration.iter().flatten().map(String::as_str).collect();
                if values.is_empty() {
                    Shape::Inline(Self::string_format(&s.format))
                } else {
                    Shape::Def(string_enum(&values), Vec::new())
                }
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let values: Vec<i64> = i.enumeration.iter().flatten().copied().collect();
                if values.is_empty() {
                    Shape::Inline(match &i.format {
                        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
                        _ => Ty::I64,
                    })
                } else {
                    Shape::Def(integer_enum(&values), Vec::new())
                }
            }
            SchemaKind::Type(Type::Number(n)) => Shape::Inline(match &n.format {
                VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Ty::F32,
                _ => Ty::F64,
            }),
            SchemaKind::Type(Type::Boolean(_)) => Shape::Inline(Ty::Bool),
            SchemaKind::Type(Type::Object(o)) => {
                self.object_of(&o.properties, &o.required, o.additional_properties.as_ref(), name, pointer)
            }
            SchemaKind::Type(Type::Array(a)) => Shape::Inline(self.array(a.items.as_ref(), name, pointer)),
            SchemaKind::OneOf { one_of } => {
                self.union(one_of, "oneOf", schema.schema_data.discriminator.as_ref(), name, pointer)
            }
            SchemaKind::AnyOf { any_of } => {
                self.union(any_of, "anyOf", schema.schema_data.discriminator.as_ref(), name, pointer)
            }
            SchemaKind::AllOf { all_of } => self.all_of(all_of, None, name, pointer),
            SchemaKind::Not { .. } => Shape::Def(
                TypeKind::Alias { target: Ty::Json, newtype: false },
                vec!["The spec describes this value with `not`, which has no Rust type; it is kept as any JSON value."
                    .into()],
            ),
            SchemaKind::Any(any) => self.any(any, schema.schema_data.discriminator.as_ref(), name, pointer),
        }
    }

    /// Untyped or mixed schemas: take the most specific reading the keywords allow.
    fn any(&mut self, any: &AnySchema, discriminator: Option<&Discriminator>, name: &str, pointer: &str) -> Shape {
        if !any.all_of.is_empty() {
            return self.all_of(&any.all_of, Some(any), name, pointer);
        }
        if !any.properties.is_empty() || any.typ.as_deref() == Some("object") {
            if !any.one_of.is_empty() || !any.any_of.is_empty() {
                // Properties beside a oneOf: the shared part is what can be typed safely.
                self.warnings.push(Diagnostic::warning(pointer, "properties beside oneOf/anyOf: typed as the shared properties; the rest is kept as extra properties"));
            }
            return self.object_of(&any.properties, &any.required, any.additional_properties.as_ref(), name, pointer);
        }
        if !any.one_of.is_empty() {
            return self.union(&any.one_of, "oneOf", discriminator, name, pointer);
        }
        if !any.any_of.is_empty() {
            return self.union(&any.any_of, "anyOf", discriminator, name, pointer);
        }
        if any.items.is_some() || any.typ.as_deref() == Some("array") {
            return Shape::Inline(self.array(any.items.as_ref(), name, pointer));
        }
        let strings: Option<Vec<&str>> = any.enumeration.iter().filter(|v| !v.is_null()).map(Value::as_str).collect();
        match (any.typ.as_deref(), strings) {
            (Some("string") | None, Some(values)) if !values.is_empty() => Shape::Def(string_enum(&values), Vec::new()),
            (Some("string"), _) => {
                let format = match any.format.as_deref() {
                    Some(f) => serde_json::from_value(Value::String(f.into()))
                        .unwrap_or(VariantOrUnknownOrEmpty::Unknown(f.into())),
                    None => VariantOrUnknownOrEmpty::Empty,
                };
                Shape::Inline(Self::string_format(&format))
            }
            (Some("integer"), _) => {
                Shape::Inline(if any.format.as_deref() == Some("int32") { Ty::I32 } else { Ty::I64 })
            }
            (Some("number"), _) => {
                Shape::Inline(if any.format.as_deref() == Some("float") { Ty::F32 } else { Ty::F64 })
            }
            (Some("boolean"), _) => Shape::Inline(Ty::Bool),
            _ => Shape::Inline(Ty::Json),
        }
    }

    /// Known formats get their type; unknown ones fall back to `String`.
    fn string_format(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Ty {
        match format {
            VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Ty::DateTime,
            VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Ty::Date,
            VariantOrUnknownOrEmpty::Item(StringFormat::Byte) => Ty::Base64,
            // Inside JSON a binary string is still text; binary bodies are handled per media type.
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary | StringFormat::Password) => Ty::String,
            VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" => Ty::Uuid,
            VariantOrUnknownOrEmpty::Unknown(_) | VariantOrUnknownOrEmpty::Empty => Ty::String,
        }
    }

    fn array(&mut self, items: Option<&ReferenceOr<Box<Schema>>>, name: &str, pointer: &str) -> Ty {
        match items {
            Some(items) => {
                let item = self.lower_boxed(items, &format!("{name}Item"), &pointer_join(pointer, "items"));
                Ty::Vec(Box::new(item.ty))
            }
            None => Ty::Vec(Box::new(Ty::Json)),
        }
    }

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
    fn object_of(
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
                ExtraProperties::Closed => {
                    Shape::Def(TypeKind::Struct { fields: Vec::new(), extra, derive_default: true }, Vec::new())
                }
            };
        }
        let mut field_names = UniqueNames::with_reserved(["additional_properties"]);
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
                name: field_names.claim(snake_name(wire)),
                wire_name: wire.to_string(),
                ty: lowered.ty,
                presence,
                secret: is_password || self.settings.is_secret_property(wire),
                boxed: false,
                docs,
            });
        }
        Shape::Def(TypeKind::Struct { fields, extra, derive_default: false }, Vec::new())
    }

    /// `allOf`: one struct with the properties and required lists of every
    /// branch (references and nested allOfs included).
    fn all_of<'s>(
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
                    self.warnings.push(Diagnostic::warning(
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
            self.warnings.push(Diagnostic::warning(
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
    ) -> Option<String> {
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
        let key = component_key(&crate::load::local_pointer(reference?)?)?;
        let enclosing = format!("{}/", pointer_join("/components/schemas", &key));
        pointer.starts_with(&enclosing).then(|| self.component_names.get(&key).cloned()).flatten()
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
                let key = crate::load::local_pointer(reference).as_deref().and_then(component_key);
                let target = key.as_ref().and_then(|k| self.component(k));
                match (key, target) {
                    (Some(key), Some(ReferenceOr::Item(schema))) if is_object_like(schema) => {
                        if !merge.visiting.insert(key.clone()) {
                            return; // load reports allOf cycles; never loop here
                        }
                        let name = self.component_names[&key].clone();
                        merge.refs.push(Ty::Named(name.clone()));
                        (schema, pointer_join("/components/schemas", &key), name)
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

    fn union(
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
                Ty::Named(n) => n
                    .strip_prefix(name)
                    .filter(|rest| !rest.is_empty() && !rest.starts_with("Variant"))
                    .unwrap_or(n)
                    .to_string(),
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

    fn allows_null_member(&self, schema: &Schema) -> bool {
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } => {
                members.iter().any(|m| self.is_null_schema(m))
            }
            _ => false,
        }
    }

    /// Marks boxes that break recursive types, newtypes for self-referring
    /// aliases, and which structs can derive `Default`.
    pub fn finish(mut self) -> (Vec<TypeDef>, Vec<Diagnostic>) {
        break_cycles(&mut self.types);
        (self.types.into_values().collect(), self.warnings)
    }
}

/// The key of the component schema a JSON pointer names (`/components/schemas/<key>`).
fn component_key(pointer: &str) -> Option<String> {
    let token = pointer.strip_prefix("/components/schemas/")?;
    (!token.contains('/')).then(|| unescape_pointer_token(token))
}

/// The name hint a schema inside a component gets where it stands
/// (`#/components/schemas/A/properties/b` -> `AB`), so that a reference to
/// it names its type as lowering it in place would.
fn schema_hint(pointer: &str, component_names: &BTreeMap<String, String>) -> Option<String> {
    let rest = pointer.strip_prefix("/components/schemas/")?;
    let mut tokens = rest.split('/').map(unescape_pointer_token);
    let mut hint = component_names.get(&tokens.next()?)?.clone();
    while let Some(token) = tokens.next() {
        match token.as_str() {
            "properties" => hint.push_str(&type_name(&tokens.next()?)),
            "items" => hint.push_str("Item"),
            "additionalProperties" => hint.push_str("Value"),
            "oneOf" | "anyOf" => {
                let index: usize = tokens.next()?.parse().ok()?;
                hint.push_str(&format!("Variant{}", index + 1));
            }
            // Merged into the schema around it, so named as it is.
            "allOf" => {
                tokens.next()?;
            }
            _ => hint.push_str(&type_name(&token)),
        }
    }
    Some(hint)
}

fn string_enum(values: &[&str]) -> TypeKind {
    let mut names = UniqueNames::default();
    let mut seen = BTreeSet::new();
    let variants = values
        .iter()
        .filter(|v| seen.insert(**v))
        .map(|v| EnumVariant { name: names.claim(variant_name(v)), value: EnumValue::String((*v).to_string()) })
        .collect();
    TypeKind::Enum { variants, integer: false }
}

fn integer_enum(values: &[i64]) -> TypeKind {
    let mut names = UniqueNames::default();
    let mut seen = BTreeSet::new();
    let variants = values
        .iter()
        .filter(|v| seen.insert(**v))
        .map(|v| {
            let label = if *v < 0 { format!("Minus{}", v.unsigned_abs()) } else { format!("V{v}") };
            EnumVariant { name: names.claim(label), value: EnumValue::Integer(*v) }
        })
        .collect();
    TypeKind::Enum { variants, integer: true }
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
        Ty::Json | Ty::Named(_) | Ty::Unit | Ty::Multipart => "Value",
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

fn any_is_empty(any: &AnySchema) -> bool {
    any.typ.is_none()
        && any.properties.is_empty()
        && any.items.is_none()
        && any.enumeration.is_empty()
        && any.one_of.is_empty()
        && any.all_of.is_empty()
        && any.any_of.is_empty()
        && any.not.is_none()
        && any.additional_properties.is_none()
}

fn schema_docs(schema: &Schema) -> Docs {
    let data = &schema.schema_data;
    Docs {
        summary: data.title.clone(),
        description: data.description.clone(),
        notes: Vec::new(),
        deprecated: data.deprecated,
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

/// The named types a value of `ty` contains inline (not behind a `Vec` or map).
fn direct_named(ty: &Ty) -> Option<&str> {
    match ty {
        Ty::Named(name) => Some(name),
        _ => None,
    }
}

fn all_named<'t>(ty: &'t Ty, out: &mut Vec<&'t str>) {
    match ty {
        Ty::Named(name) => out.push(name),
        Ty::Vec(inner) | Ty::Map(inner) => all_named(inner, out),
        _ => {}
    }
}

fn break_cycles(types: &mut BTreeMap<String, TypeDef>) {
    // By-value containment graph: fields, variants and aliases hold their
    // type inline; a cycle there has infinite size unless boxed.
    let graph: BTreeMap<String, Vec<String>> = types
        .iter()
        .map(|(name, def)| {
            let targets = match &def.kind {
                TypeKind::Struct { fields, .. } => {
                    fields.iter().filter_map(|f| direct_named(&f.ty)).map(str::to_string).collect()
                }
                TypeKind::Union { variants, .. } => {
                    variants.iter().filter_map(|v| direct_named(&v.ty)).map(str::to_string).collect()
                }
                TypeKind::Alias { target, .. } => direct_named(target).map(str::to_string).into_iter().collect(),
                TypeKind::Enum { .. } => Vec::new(),
            };
            (name.clone(), targets)
        })
        .collect();
    let component = strongly_connected(&graph);
    // Aliases that mention themselves through other aliases must be newtypes.
    let alias_graph: BTreeMap<String, Vec<String>> = types
        .iter()
        .filter_map(|(name, def)| match &def.kind {
            TypeKind::Alias { target, .. } => {
                let mut mentioned = Vec::new();
                all_named(target, &mut mentioned);
                let aliases = mentioned
                    .into_iter()
                    .filter(|m| matches!(types.get(*m).map(|d| &d.kind), Some(TypeKind::Alias { .. })));
                Some((name.clone(), aliases.map(str::to_string).collect()))
            }
            _ => None,
        })
        .collect();
    let alias_component = strongly_connected(&alias_graph);
    let in_alias_cycle = |name: &str| alias_component.size(name) > 1 || alias_graph[name].iter().any(|t| t == name);
    let newtypes: BTreeSet<String> = alias_graph.keys().filter(|n| in_alias_cycle(n)).cloned().collect();
    let self_loop = |name: &str| graph.get(name).is_some_and(|t| t.iter().any(|x| x == name));
    let recursive_edge = |from: &str, to: &str| {
        (from == to && self_loop(from)) || (from != to && component.same(from, to) && component.size(from) > 1)
    };
    for (name, def) in types.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => {
                for field in fields {
                    if let Some(target) = direct_named(&field.ty) {
                        field.boxed = recursive_edge(name, target);
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for variant in variants {
                    if let Some(target) = direct_named(&variant.ty) {
                        variant.boxed = recursive_edge(name, target);
                    }
                }
            }
            TypeKind::Alias { newtype, .. } => *newtype = newtypes.contains(name),
            TypeKind::Enum { .. } => {}
        }
    }
    mark_default_derivable(types);
}

/// Least fixpoint: a struct derives `Default` when each required field's
/// type has one. Worked from the types with no named dependency outwards,
/// so a long chain costs one visit per type, not one pass per link.
fn mark_default_derivable(types: &mut BTreeMap<String, TypeDef>) {
    // For each struct or alias: the named types it needs a `Default` of, or
    // `None` when it can never have one.
    fn needs<'t>(def: &'t TypeDef, types: &BTreeMap<String, TypeDef>) -> Option<BTreeSet<&'t str>> {
        let tys: Vec<&Ty> = match &def.kind {
            TypeKind::Struct { fields, .. } => {
                fields.iter().filter(|f| f.presence == Presence::Required).map(|f| &f.ty).collect()
            }
            TypeKind::Alias { target, .. } => vec![target],
            TypeKind::Enum { .. } | TypeKind::Union { .. } => return None,
        };
        let mut named = BTreeSet::new();
        for ty in tys {
            match ty {
                Ty::Named(name) if types.contains_key(name) => {
                    named.insert(name.as_str());
                }
                Ty::Named(_) | Ty::DateTime | Ty::Date => return None,
                _ => {}
            }
        }
        Some(named)
    }
    let mut waiting: BTreeMap<&str, usize> = BTreeMap::new();
    let mut dependents: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    let mut ready: Vec<&str> = Vec::new();
    for (name, def) in types.iter() {
        let Some(named) = needs(def, types) else { continue };
        if named.is_empty() {
            ready.push(name);
        }
        waiting.insert(name, named.len());
        for dependency in named {
            dependents.entry(dependency).or_default().push(name);
        }
    }
    let mut defaultable: BTreeSet<String> = BTreeSet::new();
    while let Some(name) = ready.pop() {
        defaultable.insert(name.to_string());
        for dependent in dependents.get(name).into_iter().flatten() {
            if let Some(count) = waiting.get_mut(dependent) {
                *count -= 1;
                if *count == 0 {
                    ready.push(dependent);
                }
            }
        }
    }
    for (name, def) in types.iter_mut() {
        if let TypeKind::Struct { derive_default, .. } = &mut def.kind {
            *derive_default = defaultable.contains(name);
        }
    }
}
