//! Schemas -> named types and type expressions.
//!
//! Component schemas keep their names; inline schemas that need a type of
//! their own (objects, enums, unions) are named after where they stand
//! (`<Parent><Field>`, `<Operation>Response`...). Whatever cannot be typed
//! falls back to `serde_json::Value` with a note, never to an error.
//!
//! This file walks the schemas (references, memoising, nesting, scalars and
//! arrays); `objects.rs` makes structs and merges `allOf`s, `unions.rs`
//! makes unions. Boxes, newtypes and `Default`, which need every type, are
//! `crate::analyse`'s.

mod objects;
mod replace;
mod unions;

use super::document::{Document, Node};
use super::renames::{RenameKind, RenamedScope, Renames};
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::ir::{Docs, EnumValue, EnumVariant, Ty, TypeDef, TypeId, TypeKind};
use crate::naming::{type_name, variant_name, UniqueNames};
use crate::pointer::JsonPointer;
use crate::settings::Settings;
use indexmap::IndexMap;
use openapiv3::{
    AnySchema, Discriminator, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, StringFormat, Type,
    VariantOrUnknownOrEmpty,
};
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

/// A schema whose lowering has started and not finished.
struct Pending {
    hint: String,
    nullable: bool,
    /// Claimed when the schema turns out to contain itself.
    name: Option<TypeId>,
}

/// Lowers schemas into [`TypeDef`]s.
///
/// Types are known by [`TypeId`]s handed out as their names are claimed;
/// [`Self::finish`] sorts the types by name and renumbers every id to its
/// index there, once every name is final.
pub struct TypeLowering<'a> {
    document: Document<'a>,
    schemas: Option<&'a IndexMap<String, ReferenceOr<Schema>>>,
    settings: &'a Settings,
    names: UniqueNames,
    /// The settings' renames; those of types are claimed in `type_scope`.
    renames: &'a Renames,
    type_scope: RenamedScope,
    /// Each type's name, by id (in the order the names were claimed).
    type_names: Vec<String>,
    /// Where each type's schema stands, by id.
    type_pointers: Vec<String>,
    /// Each component schema's type, by key.
    component_types: BTreeMap<String, TypeId>,
    /// What each schema (by JSON pointer) lowered to: every schema is lowered once.
    lowered: HashMap<String, Lowered>,
    /// Schemas being lowered, by JSON pointer: meeting one again is recursion.
    pending: HashMap<String, Pending>,
    /// How many schemas are being lowered, one inside the other.
    nesting: usize,
    /// Types defined so far, by id.
    types: BTreeMap<TypeId, TypeDef>,
    /// Approximations made.
    pub warnings: Vec<Diagnostic>,
    /// Schemas replaced by types of the user's.
    replacements: replace::ReplacementState,
}

impl<'a> TypeLowering<'a> {
    /// The generator's settings.
    pub fn settings(&self) -> &'a Settings {
        self.settings
    }

    /// Names every component schema up front (in document order, so
    /// collisions resolve the same way every time).
    pub fn new(document: Document<'a>, settings: &'a Settings, renames: &'a Renames) -> Self {
        let schemas = document.api.components.as_ref().map(|c| &c.schemas);
        let mut lowering = Self {
            document,
            schemas,
            settings,
            names: UniqueNames::default(),
            renames,
            type_scope: renames.scope(RenameKind::Type, None),
            type_names: Vec::new(),
            type_pointers: Vec::new(),
            component_types: BTreeMap::new(),
            lowered: HashMap::new(),
            pending: HashMap::new(),
            nesting: 0,
            types: BTreeMap::new(),
            warnings: Vec::new(),
            replacements: replace::ReplacementState::default(),
        };
        lowering.find_replacements();
        for key in schemas.into_iter().flat_map(|s| s.keys()) {
            if !lowering.replacements.keeps_component(key) {
                continue;
            }
            let id = lowering.new_type(type_name(key), &pointer_join("/components/schemas", key));
            lowering.component_types.insert(key.clone(), id);
        }
        lowering
    }

    /// A type id for a fresh name derived from `name` (or the rename of
    /// the schema at `pointer`).
    fn new_type(&mut self, name: String, pointer: &str) -> TypeId {
        let id = TypeId::from_index(self.type_names.len());
        let claimed = self.type_scope.claim(&mut self.names, self.renames, name, pointer);
        self.type_names.push(claimed);
        self.type_pointers.push(pointer.to_string());
        id
    }

    /// The settings' renames.
    pub fn renames(&self) -> &'a Renames {
        self.renames
    }

    /// Defines the type `id` stands for.
    fn define_type(&mut self, id: TypeId, docs: Docs, kind: TypeKind) {
        let name = self.type_names[id.index()].clone();
        self.types.insert(
            id,
            TypeDef { name, docs, kind, reached_by: Vec::new(), derives: Vec::new(), attributes: Vec::new() },
        );
    }

    /// The name of the type `id` stands for.
    pub fn type_name(&self, id: TypeId) -> &str {
        &self.type_names[id.index()]
    }

    /// What the type `id` stands for is, once it is defined (not while its
    /// schema is being lowered).
    pub fn type_kind(&self, id: TypeId) -> Option<&TypeKind> {
        self.types.get(&id).map(|def| &def.kind)
    }

    /// Defines every component schema.
    pub fn lower_components(&mut self) {
        let Some(schemas) = self.schemas else { return };
        for (key, schema) in schemas {
            let Some(&id) = self.component_types.get(key) else { continue };
            let pointer = pointer_join("/components/schemas", key);
            match schema {
                ReferenceOr::Item(schema) => self.define(id, schema, &pointer),
                ReferenceOr::Reference { reference } => {
                    let name = self.type_name(id).to_string();
                    let target = self.lower_reference(reference, &name, &pointer).ty;
                    self.define_type(id, Docs::default(), TypeKind::Alias { target, newtype: false });
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
        self.type_scope.claim(&mut self.names, self.renames, type_name(hint), "")
    }

    /// Lowers a schema standing at `pointer`; inline definitions are named from `hint`.
    pub fn lower(&mut self, schema: &ReferenceOr<Schema>, hint: &str, pointer: &str) -> Lowered {
        match schema {
            ReferenceOr::Reference { reference } => match self.replaced_at(pointer, None) {
                Some(replaced) => replaced,
                None => self.lower_reference(reference, hint, pointer),
            },
            ReferenceOr::Item(schema) => self.lower_inline(schema, hint, pointer),
        }
    }

    /// [`Self::lower`] for the boxed schemas openapiv3 uses in properties and items.
    pub fn lower_boxed(&mut self, schema: &ReferenceOr<Box<Schema>>, hint: &str, pointer: &str) -> Lowered {
        match schema {
            ReferenceOr::Reference { reference } => match self.replaced_at(pointer, None) {
                Some(replaced) => replaced,
                None => self.lower_reference(reference, hint, pointer),
            },
            ReferenceOr::Item(schema) => self.lower_inline(schema, hint, pointer),
        }
    }

    fn lower_reference(&mut self, reference: &str, hint: &str, pointer: &str) -> Lowered {
        let target = JsonPointer::from_reference(reference);
        if let Some(key) = target.as_ref().and_then(component_key) {
            if let Some(replaced) = self.replaced_component(&key) {
                return replaced;
            }
            if let Some(&id) = self.component_types.get(&key) {
                let nullable = matches!(self.component(&key), Some(ReferenceOr::Item(s)) if s.schema_data.nullable);
                return Lowered { ty: Ty::Named(id), nullable };
            }
        }
        // A reference elsewhere in the document (load checked that it
        // resolves, and that references do not loop among themselves): lower
        // what it points at, once, as the schema standing there.
        let Some(target) = target else { return self.not_a_schema(reference, pointer) };
        if let Some(known) = self.recall(target.as_str()) {
            return known;
        }
        match self.document.target(reference).map(|(_, node)| node) {
            Some(Node::Schema(schema)) => {
                let target_hint = self
                    .schema_hint(&target)
                    .or_else(|| target.tokens().last().filter(|t| !t.is_empty()))
                    .unwrap_or_else(|| hint.to_string());
                self.lower_inline(schema, &target_hint, target.as_str())
            }
            Some(Node::Reference(next)) => {
                if !self.enter(pointer) {
                    return Lowered { ty: Ty::Json, nullable: false };
                }
                let lowered = self.lower_reference(next, hint, target.as_str());
                self.nesting -= 1;
                lowered
            }
            _ => self.not_a_schema(reference, pointer),
        }
    }

    fn not_a_schema(&mut self, reference: &str, pointer: &str) -> Lowered {
        self.warnings
            .push(Diagnostic::lossy(pointer, format!("`{reference}` is not a schema; typed as any JSON value")));
        Lowered { ty: Ty::Json, nullable: false }
    }

    /// What the schema at `pointer` lowered to, if it has been; for a schema
    /// that is being lowered (it contains itself), its type's name.
    fn recall(&mut self, pointer: &str) -> Option<Lowered> {
        if let Some(known) = self.lowered.get(pointer) {
            return Some(known.clone());
        }
        let pending = self.pending.get(pointer)?;
        let (name, hint, nullable) = (pending.name, type_name(&pending.hint), pending.nullable);
        let id = match name {
            Some(id) => id,
            None => {
                let id = self.new_type(hint, pointer);
                self.pending.get_mut(pointer)?.name = Some(id);
                id
            }
        };
        Some(Lowered { ty: Ty::Named(id), nullable })
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
        if let Some(replaced) = self.replaced_at(pointer, Some(schema)) {
            return replaced;
        }
        let nullable = schema.schema_data.nullable || self.allows_null_member(schema);
        if !self.enter(pointer) {
            return Lowered { ty: Ty::Json, nullable };
        }
        self.pending.insert(pointer.to_string(), Pending { hint: hint.to_string(), nullable, name: None });
        let shape = self.shape(schema, hint, pointer);
        let shape = self.also_wrapped(shape, schema, pointer);
        let reserved = self.pending.remove(pointer).and_then(|pending| pending.name);
        self.nesting -= 1;
        let ty = match (shape, reserved) {
            (Shape::Inline(ty), None) => ty,
            // Only itself, through a one-member union or the like: no value at all fits.
            (Shape::Inline(Ty::Named(target)), Some(id)) if target == id => {
                self.warnings.push(Diagnostic::lossy(
                    pointer,
                    "this schema is only a reference to itself; typed as any JSON value",
                ));
                self.define_type(id, schema_docs(schema), TypeKind::Alias { target: Ty::Json, newtype: false });
                Ty::Named(id)
            }
            // An array (or map) of itself: a named alias, which recursion needs.
            (Shape::Inline(target), Some(id)) => {
                self.define_type(id, schema_docs(schema), TypeKind::Alias { target, newtype: false });
                Ty::Named(id)
            }
            (Shape::Def(kind, notes), reserved) => {
                let id = reserved.unwrap_or_else(|| self.new_type(type_name(hint), pointer));
                let mut docs = schema_docs(schema);
                docs.notes.extend(notes);
                self.define_type(id, docs, kind);
                Ty::Named(id)
            }
        };
        let lowered = Lowered { ty, nullable };
        self.lowered.insert(pointer.to_string(), lowered.clone());
        lowered
    }

    /// Defines a named type (a component schema) as whatever its schema is.
    fn define(&mut self, id: TypeId, schema: &Schema, pointer: &str) {
        let mut docs = schema_docs(schema);
        let name = self.type_name(id).to_string();
        let shape = self.shape(schema, &name, pointer);
        let kind = match self.also_wrapped(shape, schema, pointer) {
            Shape::Inline(target) => TypeKind::Alias { target, newtype: false },
            Shape::Def(kind, notes) => {
                docs.notes.extend(notes);
                kind
            }
        };
        self.define_type(id, docs, kind);
    }

    fn shape(&mut self, schema: &Schema, name: &str, pointer: &str) -> Shape {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => {
                let values: Vec<(usize, &str)> =
                    s.enumeration.iter().enumerate().filter_map(|(i, v)| Some((i, v.as_deref()?))).collect();
                if values.is_empty() {
                    Shape::Inline(Self::string_format(&s.format))
                } else {
                    Shape::Def(self.string_enum(&values, pointer), Vec::new())
                }
            }
            SchemaKind::Type(Type::Integer(i)) => {
                let values: Vec<(usize, i64)> =
                    i.enumeration.iter().enumerate().filter_map(|(i, v)| Some((i, (*v)?))).collect();
                if values.is_empty() {
                    Shape::Inline(match &i.format {
                        VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
                        _ => Ty::I64,
                    })
                } else {
                    Shape::Def(self.integer_enum(&values, pointer), Vec::new())
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
                self.warnings.push(Diagnostic::lossy(pointer, "properties beside oneOf/anyOf: typed as the shared properties; the rest is kept as extra properties"));
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
        let strings: Option<Vec<(usize, &str)>> = any
            .enumeration
            .iter()
            .enumerate()
            .filter(|(_, v)| !v.is_null())
            .map(|(i, v)| Some((i, v.as_str()?)))
            .collect();
        match (any.typ.as_deref(), strings) {
            (Some("string") | None, Some(values)) if !values.is_empty() => {
                Shape::Def(self.string_enum(&values, pointer), Vec::new())
            }
            (Some("string"), _) => {
                let format = VariantOrUnknownOrEmpty::from(any.format.clone());
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

    /// An enum's variants, each value once, named by `naming` or the
    /// settings' rename of `<pointer>/enum/<index>`.
    fn enum_variants(&self, values: Vec<(usize, String, EnumValue)>, pointer: &str) -> Vec<EnumVariant> {
        let mut names = UniqueNames::default();
        let members: Vec<String> = values.iter().map(|(index, _, _)| format!("{pointer}/enum/{index}")).collect();
        let member_refs: Vec<&str> = members.iter().map(String::as_str).collect();
        let mut scope = self.renames.scope(RenameKind::Variant, Some(&member_refs));
        values
            .into_iter()
            .zip(&members)
            .map(|((_, natural, value), member)| EnumVariant {
                name: scope.claim(&mut names, self.renames, natural, member),
                value,
            })
            .collect()
    }

    fn string_enum(&self, values: &[(usize, &str)], pointer: &str) -> TypeKind {
        let mut seen = BTreeSet::new();
        let values = values
            .iter()
            .filter(|(_, v)| seen.insert(*v))
            .map(|(index, v)| (*index, variant_name(v), EnumValue::String((*v).to_string())))
            .collect();
        TypeKind::Enum { variants: self.enum_variants(values, pointer), integer: false }
    }

    fn integer_enum(&self, values: &[(usize, i64)], pointer: &str) -> TypeKind {
        let mut seen = BTreeSet::new();
        let values = values
            .iter()
            .filter(|(_, v)| seen.insert(*v))
            .map(|(index, v)| {
                let label = if *v < 0 { format!("Minus{}", v.unsigned_abs()) } else { format!("V{v}") };
                (*index, label, EnumValue::Integer(*v))
            })
            .collect();
        TypeKind::Enum { variants: self.enum_variants(values, pointer), integer: true }
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

    /// The types in name order, with every id they hold renumbered to its
    /// type's index there; the renumbering, for the ids held elsewhere
    /// (operations); and the approximations made.
    pub fn finish(self) -> (Vec<TypeDef>, Renumbering, Vec<Diagnostic>, Vec<String>) {
        let mut by_name: Vec<TypeId> = self.types.keys().copied().collect();
        by_name.sort_by(|a, b| self.type_names[a.index()].cmp(&self.type_names[b.index()]));
        let mut new_ids = vec![None; self.type_names.len()];
        for (index, old) in by_name.iter().enumerate() {
            new_ids[old.index()] = Some(TypeId::from_index(index));
        }
        let renumbering = Renumbering { new_ids };
        let pointers = by_name.iter().map(|old| self.type_pointers[old.index()].clone()).collect();
        let mut types: Vec<TypeDef> = self.types.into_values().collect();
        types.sort_by(|a, b| a.name.cmp(&b.name));
        for def in &mut types {
            def.kind.tys_mut().into_iter().for_each(|ty| renumbering.apply(ty));
        }
        (types, renumbering, self.warnings, pointers)
    }

    /// The name hint a schema inside a component gets where it stands
    /// (`#/components/schemas/A/properties/b` -> `AB`), so that a reference
    /// to it names its type as lowering it in place would.
    fn schema_hint(&self, pointer: &JsonPointer) -> Option<String> {
        let mut tokens = pointer.tokens_after("/components/schemas")?;
        let mut hint = self.type_name(*self.component_types.get(&tokens.next()?)?).to_string();
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
}

/// Lowering's type ids (in the order names were claimed) to the final ones
/// (indices into [`crate::ir::Api::types`], which is in name order).
pub struct Renumbering {
    new_ids: Vec<Option<TypeId>>,
}

impl Renumbering {
    /// Renumbers the id `ty` mentions, if any.
    pub fn apply(&self, ty: &mut Ty) {
        match ty {
            Ty::Named(id) => match self.new_ids[id.index()] {
                Some(new) => *id = new,
                // Every id lowering hands out is defined before it finishes
                // (a pending schema's when its lowering returns); were one
                // not, it would stand for no type, and any JSON is the rule.
                None => *ty = Ty::Json,
            },
            Ty::Vec(inner) | Ty::Map(inner) => self.apply(inner),
            _ => {}
        }
    }
}

/// The key of the component schema a JSON pointer names (`/components/schemas/<key>`).
fn component_key(pointer: &JsonPointer) -> Option<String> {
    pointer.component_name("/components/schemas")
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
