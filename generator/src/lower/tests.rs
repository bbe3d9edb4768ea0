//! Lowering on its own: IR snapshots of fixture specs (`describe` prints
//! what lowering decided, one line per type, field, variant and operation),
//! and unit tests of the subtle rules on tiny inline specs.

use super::lower;
use crate::diagnostics::Diagnostic;
use crate::ir::{
    Api, BodyEncoding, BodyRead, EnumValue, ExtraProperties, Field, Operation, Presence, Success, Ty, TypeDef,
    TypeKind, UnionVariant,
};
use crate::settings::Settings;
use std::fmt::Write as _;

/// Loads and lowers `spec`; panics on load errors (every spec here is valid).
fn lower_spec(spec: &str) -> (Api, Vec<Diagnostic>) {
    let loaded = crate::load::load(spec).unwrap_or_else(|errors| panic!("spec does not load: {errors:?}"));
    let settings = Settings::new("lower-test", "test.yaml");
    lower(&loaded, &settings)
}

/// A spec with `schemas` (YAML, indented 4 spaces) as its components and no paths.
fn schemas_spec(schemas: &str) -> String {
    format!("openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}")
}

/// Lowers a spec made of `schemas` only.
fn lower_schemas(schemas: &str) -> Api {
    lower_spec(&schemas_spec(schemas)).0
}

fn type_def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    api.find_type(name).unwrap_or_else(|| {
        let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
        panic!("no type {name}; types: {names:?}")
    })
}

fn fields<'a>(api: &'a Api, name: &str) -> &'a [Field] {
    match &type_def(api, name).kind {
        TypeKind::Struct { fields, .. } => fields,
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn field<'a>(api: &'a Api, type_name: &str, wire_name: &str) -> &'a Field {
    fields(api, type_name)
        .iter()
        .find(|f| f.wire_name == wire_name)
        .unwrap_or_else(|| panic!("{type_name} has no field {wire_name}"))
}

fn wire_names(api: &Api, type_name: &str) -> Vec<String> {
    fields(api, type_name).iter().map(|f| f.wire_name.clone()).collect()
}

fn extra(api: &Api, name: &str) -> ExtraProperties {
    match &type_def(api, name).kind {
        TypeKind::Struct { extra, .. } => extra.clone(),
        other => panic!("{name} is not a struct: {other:?}"),
    }
}

fn union<'a>(api: &'a Api, name: &str) -> (&'a [UnionVariant], Option<&'a str>) {
    match &type_def(api, name).kind {
        TypeKind::Union { variants, discriminator } => (variants, discriminator.as_deref()),
        other => panic!("{name} is not a union: {other:?}"),
    }
}

fn alias(api: &Api, name: &str) -> (Ty, bool) {
    match &type_def(api, name).kind {
        TypeKind::Alias { target, newtype } => (target.clone(), *newtype),
        other => panic!("{name} is not an alias: {other:?}"),
    }
}

fn named(name: &str) -> Ty {
    Ty::Named(name.to_string())
}

fn operations(api: &Api) -> Vec<&Operation> {
    api.modules.iter().flat_map(|m| &m.operations).collect()
}

fn operation<'a>(api: &'a Api, id: &str) -> &'a Operation {
    operations(api).into_iter().find(|op| op.id == id).unwrap_or_else(|| panic!("no operation {id}"))
}

// ---------------------------------------------------------------------------
// describe: a compact rendering of the IR for snapshots.
// ---------------------------------------------------------------------------

fn ty(ty: &Ty) -> String {
    match ty {
        Ty::String => "String".into(),
        Ty::Bool => "bool".into(),
        Ty::I32 => "i32".into(),
        Ty::I64 => "i64".into(),
        Ty::F32 => "f32".into(),
        Ty::F64 => "f64".into(),
        Ty::DateTime => "DateTime".into(),
        Ty::Date => "Date".into(),
        Ty::Uuid => "Uuid".into(),
        Ty::Base64 => "Base64".into(),
        Ty::Binary => "Binary".into(),
        Ty::Json => "Json".into(),
        Ty::Unit => "()".into(),
        Ty::Multipart => "Multipart".into(),
        Ty::Vec(inner) => format!("Vec<{}>", self::ty(inner)),
        Ty::Map(inner) => format!("Map<{}>", self::ty(inner)),
        Ty::Named(name) => name.clone(),
    }
}

/// ` (wire "x")` when the wire name is not the Rust name.
fn wire(name: &str, wire_name: &str) -> String {
    if name == wire_name {
        String::new()
    } else {
        format!(" (wire {wire_name:?})")
    }
}

fn push_notes(out: &mut String, indent: &str, notes: &[String]) {
    for note in notes {
        let _ = writeln!(out, "{indent}note: {note}");
    }
}

/// Types with their kind, fields and variants; operations with method, path,
/// parameters, body and responses; then lowering's warnings. One line per item.
fn describe(api: &Api, warnings: &[Diagnostic]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "api {:?} version {:?} (OpenAPI {})", api.title, api.version, api.openapi_version);
    if !api.server.url.is_empty() {
        let _ = writeln!(out, "server {}", api.server.url);
        for var in &api.server.variables {
            let _ = writeln!(
                out,
                "  var {} via {}() default {:?} allowed {:?}",
                var.name, var.method_name, var.default, var.allowed
            );
        }
    }
    for scheme in &api.security_schemes {
        let _ = writeln!(out, "security {} via {}(): {:?}", scheme.name, scheme.method_name, scheme.kind);
    }
    let _ = writeln!(out, "types:");
    for def in &api.types {
        describe_type(&mut out, def);
    }
    let _ = writeln!(out, "modules:");
    for module in &api.modules {
        let _ = writeln!(
            out,
            "  {} (tag {:?}, struct {}, accessor {}, feature {})",
            module.name, module.tag, module.api_struct, module.accessor, module.feature
        );
        for op in &module.operations {
            describe_operation(&mut out, op);
        }
    }
    if !warnings.is_empty() {
        let _ = writeln!(out, "warnings:");
        for warning in warnings {
            let _ = writeln!(out, "  {:?} at {:?}: {}", warning.severity, warning.pointer, warning.message);
        }
    }
    out
}

fn describe_type(out: &mut String, def: &TypeDef) {
    let deprecated = if def.docs.deprecated { " deprecated" } else { "" };
    match &def.kind {
        TypeKind::Struct { fields, extra, derive_default } => {
            let extra = match extra {
                ExtraProperties::Keep => "keep".to_string(),
                ExtraProperties::Closed => "closed".to_string(),
                ExtraProperties::Typed(t) => format!("typed {}", ty(t)),
            };
            let default = if *derive_default { ", Default" } else { "" };
            let _ = writeln!(out, "  struct {} (extra: {extra}{default}){deprecated}", def.name);
            push_notes(out, "    ", &def.docs.notes);
            for f in fields {
                let mut flags = String::new();
                if f.boxed {
                    flags.push_str(" boxed");
                }
                if f.secret {
                    flags.push_str(" secret");
                }
                let _ = writeln!(
                    out,
                    "    {}{}: {} [{:?}]{flags}",
                    f.name,
                    wire(&f.name, &f.wire_name),
                    ty(&f.ty),
                    f.presence
                );
                push_notes(out, "      ", &f.docs.notes);
            }
        }
        TypeKind::Enum { variants, integer } => {
            let kind = if *integer { "integer" } else { "string" };
            let _ = writeln!(out, "  enum {} ({kind}){deprecated}", def.name);
            push_notes(out, "    ", &def.docs.notes);
            for v in variants {
                let value = match &v.value {
                    EnumValue::String(s) => format!("{s:?}"),
                    EnumValue::Integer(i) => i.to_string(),
                };
                let _ = writeln!(out, "    {} = {value}", v.name);
            }
        }
        TypeKind::Union { variants, discriminator } => {
            let tagging = match discriminator {
                Some(property) => format!("tagged by {property:?}"),
                None => "untagged".to_string(),
            };
            let _ = writeln!(out, "  union {} ({tagging}){deprecated}", def.name);
            push_notes(out, "    ", &def.docs.notes);
            for v in variants {
                let boxed = if v.boxed { " boxed" } else { "" };
                let tags = if v.tags.is_empty() { String::new() } else { format!(" tags {:?}", v.tags) };
                let _ = writeln!(out, "    {}({}){tags}{boxed}", v.name, ty(&v.ty));
            }
        }
        TypeKind::Alias { target, newtype } => {
            let kind = if *newtype { "newtype" } else { "alias" };
            let _ = writeln!(out, "  {kind} {} = {}{deprecated}", def.name, ty(target));
            push_notes(out, "    ", &def.docs.notes);
        }
    }
}

/// The HTTP method, upper case, from its `Debug` form (whether it is held as
/// text or as an enum).
fn http_method(op: &Operation) -> String {
    format!("{:?}", op.http_method).trim_matches('"').to_ascii_uppercase()
}

fn describe_operation(out: &mut String, op: &Operation) {
    let deprecated = if op.docs.deprecated { " deprecated" } else { "" };
    let _ = writeln!(
        out,
        "    {} {} -> {}() builder {} (id {:?}){deprecated}",
        http_method(op),
        op.path,
        op.method_name,
        op.builder_name,
        op.id
    );
    for p in &op.params {
        let required = if p.required { "required" } else { "optional" };
        let default = p.default.as_ref().map(|d| format!(" default {d}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "      param {}{}: {} in {:?} {required} {:?}{default}",
            p.name,
            wire(&p.name, &p.wire_name),
            ty(&p.ty),
            p.location,
            p.style
        );
    }
    if let Some(body) = &op.body {
        let required = if body.required { "required" } else { "optional" };
        let _ = writeln!(out, "      body {:?} {}: {} {required}", body.encoding, body.media_type, ty(&body.ty));
        push_notes(out, "        ", &body.docs.notes);
    }
    match &op.success {
        Success::Single { ty: t, read } => {
            let _ = writeln!(out, "      success {} ({read:?})", ty(t));
        }
        Success::Several { enum_name, variants } => {
            let _ = writeln!(out, "      success enum {enum_name}");
            for v in variants {
                let _ = writeln!(out, "        {} on {:?}: {} ({:?})", v.name, v.status, ty(&v.ty), v.read);
            }
        }
    }
    let _ = writeln!(out, "      error {}", ty(&op.error_ty));
    if !op.security.is_empty() {
        let alternatives: Vec<String> = op.security.iter().map(|a| a.join(" + ")).collect();
        let _ = writeln!(out, "      security {}", alternatives.join(" | "));
    }
    if let Some(paging) = &op.paging {
        let _ = writeln!(out, "      paging {paging:?}");
    }
}

fn describe_fixture(text: &str) -> String {
    let (api, warnings) = lower_spec(text);
    describe(&api, &warnings)
}

// ---------------------------------------------------------------------------
// IR snapshots of fixture specs.
// ---------------------------------------------------------------------------

#[test]
fn ir_of_composition_fixture() {
    insta::assert_snapshot!(describe_fixture(include_str!("../../../tests/fixtures/specs/composition.yaml")));
}

#[test]
fn ir_of_recursion_fixture() {
    insta::assert_snapshot!(describe_fixture(include_str!("../../../tests/fixtures/specs/recursion.yaml")));
}

#[test]
fn ir_of_enums_fixture() {
    insta::assert_snapshot!(describe_fixture(include_str!("../../../tests/fixtures/specs/enums.yaml")));
}

#[test]
fn ir_of_objects_fixture() {
    insta::assert_snapshot!(describe_fixture(include_str!("../../../tests/fixtures/specs/objects.yaml")));
}

#[test]
fn ir_of_operations_fixture() {
    insta::assert_snapshot!(describe_fixture(include_str!("../../../tests/fixtures/specs/operations.yaml")));
}

#[test]
fn ir_of_collisions_fixture() {
    insta::assert_snapshot!(describe_fixture(include_str!("../../../tests/fixtures/specs/collisions.yaml")));
}

#[test]
fn describe_is_deterministic() {
    let text = include_str!("../../../tests/fixtures/specs/collisions.yaml");
    assert_eq!(describe_fixture(text), describe_fixture(text));
}

// ---------------------------------------------------------------------------
// allOf
// ---------------------------------------------------------------------------

#[test]
fn all_of_merges_the_properties_of_every_member_in_member_order() {
    let api = lower_schemas(
        "    Base:
      type: object
      properties:
        id: {type: string}
        kind: {type: string}
    Merged:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            size: {type: integer}
        - properties:
            color: {type: string}
",
    );
    assert_eq!(wire_names(&api, "Merged"), ["id", "kind", "size", "color"]);
    assert_eq!(field(&api, "Merged", "size").ty, Ty::I64);
}

#[test]
fn all_of_required_is_the_union_of_every_members_required() {
    let api = lower_schemas(
        "    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
        kind: {type: string}
    Merged:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [size]
          properties:
            size: {type: integer}
            note: {type: string}
        - type: object
          required: [kind]
",
    );
    let presence = |wire: &str| field(&api, "Merged", wire).presence;
    assert_eq!(presence("id"), Presence::Required, "required by the referenced member");
    assert_eq!(presence("size"), Presence::Required, "required by the inline member");
    assert_eq!(presence("kind"), Presence::Required, "listed as required by a member that does not define it");
    assert_eq!(presence("note"), Presence::Optional);
}

#[test]
fn all_of_property_redefined_by_a_later_member_takes_the_later_type_in_the_first_place() {
    let api = lower_schemas(
        "    Merged:
      allOf:
        - type: object
          properties:
            value: {type: string}
            other: {type: boolean}
        - type: object
          properties:
            value: {type: integer}
",
    );
    assert_eq!(wire_names(&api, "Merged"), ["value", "other"], "the field keeps its first position");
    assert_eq!(field(&api, "Merged", "value").ty, Ty::I64, "the later, more specific definition wins");
}

#[test]
fn all_of_flattens_nested_all_ofs_reached_through_references() {
    let api = lower_schemas(
        "    Base:
      type: object
      properties:
        id: {type: string}
    Middle:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            size: {type: integer}
    Leaf:
      allOf:
        - $ref: '#/components/schemas/Middle'
        - allOf:
            - type: object
              properties:
                color: {type: string}
",
    );
    assert_eq!(wire_names(&api, "Leaf"), ["id", "size", "color"]);
}

#[test]
fn all_of_inline_property_type_is_named_after_the_component_that_defines_it() {
    let api = lower_schemas(
        "    Merged:
      allOf:
        - $ref: '#/components/schemas/Base'
    Base:
      type: object
      properties:
        owner:
          type: object
          properties:
            name: {type: string}
",
    );
    // One type for the inline object, shared by Base and Merged, named after
    // Base even though Merged, first in the document, is lowered first.
    assert_eq!(field(&api, "Merged", "owner").ty, named("BaseOwner"));
    assert_eq!(field(&api, "Base", "owner").ty, named("BaseOwner"));
    assert!(api.find_type("MergedOwner").is_none());
}

#[test]
fn all_of_of_one_non_object_reference_with_nullable_beside_it_is_that_type_and_nullable() {
    let api = lower_schemas(
        "    Mode:
      type: string
      enum: [fast, slow]
    Holder:
      type: object
      properties:
        mode:
          allOf: [{$ref: '#/components/schemas/Mode'}]
          nullable: true
",
    );
    let mode = field(&api, "Holder", "mode");
    assert_eq!(mode.ty, named("Mode"), "no new type for a lone reference");
    assert_eq!(mode.presence, Presence::OptionalNullable);
}

#[test]
fn all_of_of_one_object_reference_with_nullable_beside_it_is_a_nullable_copy_named_after_the_field() {
    let api = lower_schemas(
        "    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
    Holder:
      type: object
      properties:
        base:
          allOf: [{$ref: '#/components/schemas/Base'}]
          nullable: true
",
    );
    // The object's properties are merged like any allOf's: a struct of its own.
    let base = field(&api, "Holder", "base");
    assert_eq!(base.ty, named("HolderBase"));
    assert_eq!(base.presence, Presence::OptionalNullable);
    assert_eq!(wire_names(&api, "HolderBase"), ["id"]);
    assert_eq!(field(&api, "HolderBase", "id").presence, Presence::Required);
}

#[test]
fn all_of_of_scalars_only_is_any_json_with_a_warning() {
    let (api, warnings) = lower_spec(&schemas_spec(
        "    Weird:
      allOf:
        - type: string
        - type: integer
",
    ));
    assert_eq!(alias(&api, "Weird").0, Ty::Json);
    assert!(
        warnings.iter().any(|w| w.pointer == "/components/schemas/Weird" && w.message.contains("cannot be merged")),
        "{warnings:?}"
    );
}

#[test]
fn all_of_mixing_an_object_with_a_scalar_types_the_object_part_and_says_so() {
    let (api, warnings) = lower_spec(&schemas_spec(
        "    Mixed:
      allOf:
        - type: object
          properties:
            a: {type: string}
        - type: string
",
    ));
    assert_eq!(wire_names(&api, "Mixed"), ["a"]);
    assert!(type_def(&api, "Mixed").docs.notes.iter().any(|n| n.contains("not objects")));
    assert!(warnings.iter().any(|w| w.message.contains("allOf mixes objects")), "{warnings:?}");
}

// ---------------------------------------------------------------------------
// Unions
// ---------------------------------------------------------------------------

const PETS: &str = "    Cat:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
        meows: {type: boolean}
    Dog:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
        barks: {type: boolean}
";

#[test]
fn one_of_with_discriminator_mapping_is_tagged_with_every_mapped_value() {
    let api = lower_schemas(&format!(
        "{PETS}    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: petType
        mapping:
          cat: '#/components/schemas/Cat'
          kitty: '#/components/schemas/Cat'
          dog: Dog
"
    ));
    let (variants, discriminator) = union(&api, "Pet");
    assert_eq!(discriminator, Some("petType"));
    let summary: Vec<(&str, &Ty, &[String])> =
        variants.iter().map(|v| (v.name.as_str(), &v.ty, v.tags.as_slice())).collect();
    assert_eq!(
        summary,
        [
            ("Cat", &named("Cat"), &["cat".to_string(), "kitty".to_string()][..]),
            ("Dog", &named("Dog"), &["dog".to_string()][..]),
        ]
    );
}

#[test]
fn one_of_with_discriminator_and_no_mapping_is_tagged_with_schema_names() {
    let api = lower_schemas(&format!(
        "{PETS}    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator: {{propertyName: petType}}
"
    ));
    let (variants, discriminator) = union(&api, "Pet");
    assert_eq!(discriminator, Some("petType"));
    let tags: Vec<&[String]> = variants.iter().map(|v| v.tags.as_slice()).collect();
    assert_eq!(tags, [&["Cat".to_string()][..], &["Dog".to_string()][..]]);
}

#[test]
fn discriminator_with_an_inline_member_falls_back_to_an_untagged_union() {
    let api = lower_schemas(&format!(
        "{PETS}    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - type: object
          properties:
            petType: {{type: string}}
            hops: {{type: boolean}}
      discriminator: {{propertyName: petType}}
"
    ));
    let (variants, discriminator) = union(&api, "Pet");
    assert_eq!(discriminator, None, "an inline member has no tag to select it");
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[1].ty, named("PetVariant2"), "the inline member is named after its position");
}

#[test]
fn one_of_without_discriminator_is_untagged_with_variants_named_after_their_types() {
    let api = lower_schemas(
        "    StringOrNumber:
      oneOf:
        - type: string
        - type: number
        - type: array
          items: {type: string}
",
    );
    let (variants, discriminator) = union(&api, "StringOrNumber");
    assert_eq!(discriminator, None);
    let summary: Vec<(&str, &Ty)> = variants.iter().map(|v| (v.name.as_str(), &v.ty)).collect();
    assert_eq!(summary, [("String", &Ty::String), ("Number", &Ty::F64), ("Array", &Ty::Vec(Box::new(Ty::String)))]);
    assert!(variants.iter().all(|v| v.tags.is_empty()));
}

#[test]
fn any_of_is_lowered_as_an_untagged_union() {
    let api = lower_schemas(&format!(
        "{PETS}    CatOrDog:
      anyOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
"
    ));
    let (variants, discriminator) = union(&api, "CatOrDog");
    assert_eq!(discriminator, None);
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Cat", "Dog"]);
}

#[test]
fn one_of_with_a_null_member_drops_it_and_makes_the_union_nullable() {
    let api = lower_schemas(
        "    Holder:
      type: object
      required: [value]
      properties:
        value:
          oneOf:
            - type: string
            - type: integer
            - nullable: true
",
    );
    let value = field(&api, "Holder", "value");
    assert_eq!(value.presence, Presence::RequiredNullable);
    let (variants, _) = union(&api, "HolderValue");
    let tys: Vec<&Ty> = variants.iter().map(|v| &v.ty).collect();
    assert_eq!(tys, [&Ty::String, &Ty::I64]);
}

#[test]
fn one_of_with_one_non_null_member_is_that_member_not_a_union() {
    let api = lower_schemas(
        "    Holder:
      type: object
      properties:
        value:
          oneOf:
            - type: string
            - nullable: true
",
    );
    let value = field(&api, "Holder", "value");
    assert_eq!(value.ty, Ty::String);
    assert_eq!(value.presence, Presence::OptionalNullable);
    assert!(api.find_type("HolderValue").is_none());
}

#[test]
fn one_of_keeps_only_the_first_of_members_with_the_same_type() {
    let api = lower_schemas(
        "    Either:
      oneOf:
        - type: string
        - type: string
          format: password
        - type: boolean
",
    );
    let (variants, _) = union(&api, "Either");
    let tys: Vec<&Ty> = variants.iter().map(|v| &v.ty).collect();
    assert_eq!(tys, [&Ty::String, &Ty::Bool]);
}

// ---------------------------------------------------------------------------
// Nullable and required: the four presences
// ---------------------------------------------------------------------------

#[test]
fn required_and_nullable_combine_into_the_four_presences() {
    let api = lower_schemas(
        "    Pet:
      type: object
      required: [req, req_null]
      properties:
        req: {type: string}
        req_null: {type: string, nullable: true}
        opt: {type: string}
        opt_null: {type: string, nullable: true}
",
    );
    let presence = |wire: &str| field(&api, "Pet", wire).presence;
    assert_eq!(presence("req"), Presence::Required);
    assert_eq!(presence("req_null"), Presence::RequiredNullable);
    assert_eq!(presence("opt"), Presence::Optional);
    assert_eq!(presence("opt_null"), Presence::OptionalNullable);
}

#[test]
fn a_reference_to_a_nullable_component_is_nullable() {
    let api = lower_schemas(
        "    MaybeName:
      type: string
      nullable: true
    Holder:
      type: object
      required: [name]
      properties:
        name: {$ref: '#/components/schemas/MaybeName'}
",
    );
    let name = field(&api, "Holder", "name");
    assert_eq!(name.ty, named("MaybeName"));
    assert_eq!(name.presence, Presence::RequiredNullable);
}

#[test]
fn openapi_3_1_null_in_a_type_array_is_nullable() {
    let api = lower_spec(
        "openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Holder:
      type: object
      required: [a]
      properties:
        a: {type: [string, 'null']}
        b: {type: [integer, 'null']}
",
    )
    .0;
    assert_eq!(field(&api, "Holder", "a").presence, Presence::RequiredNullable);
    assert_eq!(field(&api, "Holder", "a").ty, Ty::String);
    assert_eq!(field(&api, "Holder", "b").presence, Presence::OptionalNullable);
    assert_eq!(field(&api, "Holder", "b").ty, Ty::I64);
}

#[test]
fn required_read_only_and_write_only_fields_are_optional() {
    let api = lower_schemas(
        "    Pet:
      type: object
      required: [id, password, name]
      properties:
        id: {type: integer, readOnly: true}
        password: {type: string, format: password, writeOnly: true}
        name: {type: string}
",
    );
    assert_eq!(field(&api, "Pet", "id").presence, Presence::Optional, "a request never carries it");
    assert_eq!(field(&api, "Pet", "password").presence, Presence::Optional, "a response never carries it");
    assert_eq!(field(&api, "Pet", "name").presence, Presence::Required);
    assert!(field(&api, "Pet", "password").secret, "format: password is a secret");
}

// ---------------------------------------------------------------------------
// Recursion
// ---------------------------------------------------------------------------

#[test]
fn self_reference_by_value_is_boxed_and_through_a_vec_is_not() {
    let api = lower_schemas(
        "    Node:
      type: object
      properties:
        value: {type: string}
        parent: {$ref: '#/components/schemas/Node'}
        children:
          type: array
          items: {$ref: '#/components/schemas/Node'}
",
    );
    assert!(field(&api, "Node", "parent").boxed, "Node inside Node has infinite size unboxed");
    assert!(!field(&api, "Node", "children").boxed, "a Vec already puts Node behind a pointer");
    assert!(!field(&api, "Node", "value").boxed);
}

#[test]
fn mutual_recursion_boxes_both_edges_of_the_cycle() {
    let api = lower_schemas(
        "    Ping:
      type: object
      properties:
        pong: {$ref: '#/components/schemas/Pong'}
    Pong:
      type: object
      properties:
        ping: {$ref: '#/components/schemas/Ping'}
        label: {$ref: '#/components/schemas/Label'}
    Label:
      type: object
      properties:
        text: {type: string}
",
    );
    assert!(field(&api, "Ping", "pong").boxed);
    assert!(field(&api, "Pong", "ping").boxed);
    assert!(!field(&api, "Pong", "label").boxed, "Label is outside the cycle");
}

#[test]
fn recursion_through_a_union_boxes_the_variant_and_the_fields() {
    let api = lower_schemas(
        "    Expr:
      oneOf:
        - type: string
        - $ref: '#/components/schemas/Sum'
    Sum:
      type: object
      properties:
        left: {$ref: '#/components/schemas/Expr'}
        right: {$ref: '#/components/schemas/Expr'}
",
    );
    let (variants, _) = union(&api, "Expr");
    let boxed: Vec<(&Ty, bool)> = variants.iter().map(|v| (&v.ty, v.boxed)).collect();
    assert_eq!(boxed, [(&Ty::String, false), (&named("Sum"), true)]);
    assert!(field(&api, "Sum", "left").boxed);
    assert!(field(&api, "Sum", "right").boxed);
}

#[test]
fn an_array_of_itself_is_a_newtype() {
    let api = lower_schemas(
        "    Tree:
      type: array
      items: {$ref: '#/components/schemas/Tree'}
    Names:
      type: array
      items: {type: string}
",
    );
    assert_eq!(alias(&api, "Tree"), (Ty::Vec(Box::new(named("Tree"))), true), "a type alias cannot name itself");
    assert_eq!(alias(&api, "Names"), (Ty::Vec(Box::new(Ty::String)), false));
}

#[test]
fn aliases_referring_to_each_other_through_arrays_are_newtypes() {
    let api = lower_schemas(
        "    A:
      type: array
      items: {$ref: '#/components/schemas/B'}
    B:
      type: array
      items: {$ref: '#/components/schemas/A'}
",
    );
    assert!(alias(&api, "A").1);
    assert!(alias(&api, "B").1);
}

#[test]
fn an_inline_schema_that_contains_itself_gets_a_named_boxed_type() {
    let api = lower_schemas(
        "    Outer:
      type: object
      properties:
        inner:
          type: object
          properties:
            again: {$ref: '#/components/schemas/Outer/properties/inner'}
",
    );
    assert_eq!(field(&api, "Outer", "inner").ty, named("OuterInner"));
    let again = field(&api, "OuterInner", "again");
    assert_eq!(again.ty, named("OuterInner"));
    assert!(again.boxed);
    assert!(!field(&api, "Outer", "inner").boxed, "Outer is not part of the cycle");
}

// ---------------------------------------------------------------------------
// Enums
// ---------------------------------------------------------------------------

fn enum_variants(api: &Api, name: &str) -> (Vec<(String, EnumValue)>, bool) {
    match &type_def(api, name).kind {
        TypeKind::Enum { variants, integer } => {
            (variants.iter().map(|v| (v.name.clone(), v.value.clone())).collect(), *integer)
        }
        other => panic!("{name} is not an enum: {other:?}"),
    }
}

#[test]
fn string_enum_drops_repeated_values_and_gives_every_odd_value_a_distinct_name() {
    let api = lower_schemas(
        "    Status:
      type: string
      enum: [ACTIVE, INACTIVE, active, ACTIVE, '', 2fa, self]
",
    );
    let (variants, integer) = enum_variants(&api, "Status");
    assert!(!integer);
    let values: Vec<&EnumValue> = variants.iter().map(|(_, v)| v).collect();
    let expected: Vec<EnumValue> =
        ["ACTIVE", "INACTIVE", "active", "", "2fa", "self"].iter().map(|v| EnumValue::String(v.to_string())).collect();
    assert_eq!(values, expected.iter().collect::<Vec<_>>(), "the repeated ACTIVE is dropped");
    let names: Vec<&str> = variants.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Active", "Inactive", "Active2", "Empty", "V2fa", "SelfValue"]);
}

#[test]
fn integer_enum_names_values_and_spells_negative_ones_out() {
    let api = lower_schemas(
        "    Level:
      type: integer
      enum: [1, 2, -1, 2]
",
    );
    let (variants, integer) = enum_variants(&api, "Level");
    assert!(integer);
    assert_eq!(
        variants,
        [
            ("V1".to_string(), EnumValue::Integer(1)),
            ("V2".to_string(), EnumValue::Integer(2)),
            ("Minus1".to_string(), EnumValue::Integer(-1)),
        ]
    );
}

#[test]
fn nullable_enum_leaves_null_out_of_the_values_and_makes_the_field_nullable() {
    let api = lower_schemas(
        "    Color:
      type: string
      nullable: true
      enum: [red, green, null]
    Holder:
      type: object
      properties:
        color: {$ref: '#/components/schemas/Color'}
",
    );
    let (variants, _) = enum_variants(&api, "Color");
    let values: Vec<EnumValue> = variants.into_iter().map(|(_, v)| v).collect();
    assert_eq!(values, [EnumValue::String("red".into()), EnumValue::String("green".into())]);
    assert_eq!(field(&api, "Holder", "color").presence, Presence::OptionalNullable);
}

#[test]
fn inline_enum_property_is_named_after_its_parent_and_field() {
    let api = lower_schemas(
        "    Job:
      type: object
      properties:
        mode: {type: string, enum: [fast, slow]}
",
    );
    assert_eq!(field(&api, "Job", "mode").ty, named("JobMode"));
    assert_eq!(enum_variants(&api, "JobMode").0.len(), 2);
}

// ---------------------------------------------------------------------------
// additionalProperties
// ---------------------------------------------------------------------------

#[test]
fn additional_properties_absent_or_true_keeps_extras_as_json() {
    let api = lower_schemas(
        "    Absent:
      type: object
      properties:
        a: {type: string}
    True:
      type: object
      additionalProperties: true
      properties:
        a: {type: string}
",
    );
    assert_eq!(extra(&api, "Absent"), ExtraProperties::Keep);
    assert_eq!(extra(&api, "True"), ExtraProperties::Keep);
}

#[test]
fn additional_properties_false_closes_the_struct() {
    let api = lower_schemas(
        "    Closed:
      type: object
      additionalProperties: false
      properties:
        a: {type: string}
    Empty:
      type: object
      additionalProperties: false
",
    );
    assert_eq!(extra(&api, "Closed"), ExtraProperties::Closed);
    assert_eq!(extra(&api, "Empty"), ExtraProperties::Closed, "no properties and none allowed: an empty struct");
    assert!(fields(&api, "Empty").is_empty());
}

#[test]
fn additional_properties_schema_types_the_extras() {
    let api = lower_schemas(
        "    WithExtras:
      type: object
      properties:
        kind: {type: string}
      additionalProperties:
        type: object
        properties:
          n: {type: integer}
",
    );
    assert_eq!(extra(&api, "WithExtras"), ExtraProperties::Typed(named("WithExtrasValue")));
    assert_eq!(wire_names(&api, "WithExtrasValue"), ["n"]);
}

#[test]
fn object_with_only_typed_additional_properties_is_a_map_and_free_form_is_json() {
    let api = lower_schemas(
        "    Labels:
      type: object
      additionalProperties: {type: string}
    FreeForm:
      type: object
    Anything: {}
",
    );
    assert_eq!(alias(&api, "Labels").0, Ty::Map(Box::new(Ty::String)));
    assert_eq!(alias(&api, "FreeForm").0, Ty::Json);
    assert_eq!(alias(&api, "Anything").0, Ty::Json);
}

#[test]
fn additional_properties_of_an_all_of_come_from_the_member_that_declares_them() {
    let api = lower_schemas(
        "    Base:
      type: object
      additionalProperties: false
      properties:
        a: {type: string}
    Merged:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            b: {type: string}
",
    );
    assert_eq!(extra(&api, "Merged"), ExtraProperties::Closed);
}

// ---------------------------------------------------------------------------
// Naming collisions
// ---------------------------------------------------------------------------

#[test]
fn component_names_equal_after_case_conversion_get_suffixes_in_document_order() {
    let api = lower_schemas(
        "    pet:
      type: object
      properties:
        a: {type: string}
    Pet:
      type: object
      properties:
        b: {type: string}
",
    );
    assert_eq!(wire_names(&api, "Pet"), ["a"], "the first in the document keeps the plain name");
    assert_eq!(wire_names(&api, "Pet2"), ["b"]);
}

#[test]
fn inline_type_named_like_a_component_gets_a_suffix_not_the_components_name() {
    let api = lower_schemas(
        "    Job:
      type: object
      properties:
        mode: {type: string, enum: [fast, slow]}
    JobMode:
      type: object
      properties:
        x: {type: string}
",
    );
    assert_eq!(wire_names(&api, "JobMode"), ["x"], "components are named before any inline type");
    let mode = &field(&api, "Job", "mode").ty;
    assert_eq!(mode, &named("JobMode2"));
    assert!(matches!(type_def(&api, "JobMode2").kind, TypeKind::Enum { .. }));
}

#[test]
fn field_names_equal_after_snake_case_get_suffixes_and_additional_properties_is_reserved() {
    let api = lower_schemas(
        "    Thing:
      type: object
      properties:
        fooBar: {type: string}
        foo_bar: {type: string}
        additional_properties: {type: string}
",
    );
    let names: Vec<(&str, &str)> =
        fields(&api, "Thing").iter().map(|f| (f.name.as_str(), f.wire_name.as_str())).collect();
    assert_eq!(
        names,
        [("foo_bar", "fooBar"), ("foo_bar_2", "foo_bar"), ("additional_properties_2", "additional_properties")]
    );
}

#[test]
fn operation_method_names_are_unique_across_tags() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getThing
      tags: [one]
      responses: {'204': {description: ok}}
  /b:
    get:
      operationId: get_thing
      tags: [two]
      responses: {'204': {description: ok}}
",
    );
    assert_eq!(operation(&api, "getThing").method_name, "get_thing");
    assert_eq!(operation(&api, "get_thing").method_name, "get_thing_2");
}

#[test]
fn parameter_named_like_a_builder_member_is_renamed() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: list
      parameters:
        - {name: send, in: query, schema: {type: string}}
      responses: {'204': {description: ok}}
",
    );
    let param = &operation(&api, "list").params[0];
    assert_eq!((param.name.as_str(), param.wire_name.as_str()), ("send2", "send"));
}

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

#[test]
fn required_parameters_come_first_and_path_parameters_are_always_required() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /pets/{id}:
    parameters:
      - {name: id, in: path, schema: {type: integer}}
    get:
      operationId: getPet
      parameters:
        - {name: verbose, in: query, schema: {type: boolean}}
        - {name: X-Trace, in: header, required: true, schema: {type: string}}
      responses: {'204': {description: ok}}
",
    );
    let params: Vec<(&str, bool)> =
        operation(&api, "getPet").params.iter().map(|p| (p.wire_name.as_str(), p.required)).collect();
    assert_eq!(params, [("id", true), ("X-Trace", true), ("verbose", false)]);
}

#[test]
fn several_success_bodies_make_a_success_enum_and_one_type_does_not() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    post:
      operationId: several
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: string}}}}
        '202': {description: accepted}
    get:
      operationId: single
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: string}}}}
        '201': {description: ok, content: {application/json: {schema: {type: string}}}}
",
    );
    let Success::Several { enum_name, variants } = &operation(&api, "several").success else {
        panic!("expected several successes")
    };
    assert_eq!(enum_name, "SeveralResponse");
    let summary: Vec<(&str, &Ty, BodyRead)> =
        variants.iter().map(|v| (v.name.as_str(), &v.ty, v.read.clone())).collect();
    assert_eq!(summary, [("Ok", &Ty::String, BodyRead::Json), ("Accepted", &Ty::Unit, BodyRead::Empty)]);
    assert!(matches!(&operation(&api, "single").success, Success::Single { ty: Ty::String, read: BodyRead::Json }));
}

#[test]
fn a_lone_default_response_is_both_the_success_and_the_error_type() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: onlyDefault
      responses:
        default: {description: any, content: {application/json: {schema: {$ref: '#/components/schemas/Out'}}}}
components:
  schemas:
    Out: {type: object, properties: {a: {type: string}}}
",
    );
    let op = operation(&api, "onlyDefault");
    assert!(matches!(&op.success, Success::Single { ty, read: BodyRead::Json } if *ty == named("Out")));
    assert_eq!(op.error_ty, named("Out"));
}

#[test]
fn an_anonymous_security_alternative_beside_real_ones_is_dropped() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
security: [{key: []}]
paths:
  /a:
    get:
      operationId: optionalAuth
      security: [{}, {key: []}]
      responses: {'204': {description: ok}}
    post:
      operationId: anonymous
      security: [{}]
      responses: {'204': {description: ok}}
    put:
      operationId: inherited
      responses: {'204': {description: ok}}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Key}
",
    );
    assert_eq!(operation(&api, "optionalAuth").security, [vec!["key".to_string()]]);
    assert!(operation(&api, "anonymous").security.is_empty());
    assert_eq!(operation(&api, "inherited").security, [vec!["key".to_string()]]);
}

#[test]
fn a_structured_schema_under_a_media_type_that_does_not_say_json_is_read_by_content_type() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: wildcard
      responses: {'200': {description: ok, content: {'*/*': {schema: {$ref: '#/components/schemas/Out'}}}}}
    post:
      operationId: applicationWildcard
      requestBody: {content: {'application/*': {schema: {$ref: '#/components/schemas/Out'}}}}
      responses: {'200': {description: ok, content: {'application/*': {schema: {type: array, items: {$ref: '#/components/schemas/Out'}}}}}}
    put:
      operationId: vendor
      requestBody: {content: {application/vnd.example.out: {schema: {$ref: '#/components/schemas/Out'}}}}
      responses:
        '200': {description: ok, content: {application/vnd.example.out: {schema: {$ref: '#/components/schemas/Out'}}, '*/*': {schema: {$ref: '#/components/schemas/Out'}}}}
        '400': {description: bad, content: {'*/*': {schema: {$ref: '#/components/schemas/Problem'}}}}
  /b:
    get:
      operationId: binary
      responses: {'200': {description: ok, content: {'*/*': {schema: {type: string, format: binary}}}}}
    post:
      operationId: binaryBody
      requestBody: {content: {'*/*': {schema: {type: string, format: binary}}}}
      responses: {'200': {description: ok, content: {'*/*': {schema: {$ref: '#/components/schemas/Level'}}}}}
    put:
      operationId: notVendor
      requestBody: {content: {application/vnd.example+xml: {schema: {$ref: '#/components/schemas/Out'}}}}
      responses: {'200': {description: ok, content: {application/xml: {schema: {$ref: '#/components/schemas/Out'}}}}}
    patch:
      operationId: untyped
      responses: {'200': {description: ok, content: {'*/*': {schema: {}}}}}
components:
  schemas:
    Out: {type: object, properties: {a: {type: string}}}
    Problem: {type: object, properties: {title: {type: string}}}
    Level: {type: string, enum: [low, high]}
",
    );
    let success = |id: &str| match &operation(&api, id).success {
        Success::Single { ty, read } => (ty.clone(), read.clone()),
        Success::Several { .. } => panic!("{id}: one success"),
    };
    let body = |id: &str| operation(&api, id).body.as_ref().map(|b| (b.encoding, b.ty.clone()));
    assert_eq!(success("wildcard"), (named("Out"), BodyRead::Negotiated(vec![])));
    assert_eq!(success("applicationWildcard"), (Ty::Vec(Box::new(named("Out"))), BodyRead::Negotiated(vec![])));
    assert_eq!(body("applicationWildcard"), Some((BodyEncoding::Json, named("Out"))));
    // The concrete types given count as JSON too; a wildcard beside it does not add one.
    assert_eq!(success("vendor"), (named("Out"), BodyRead::Negotiated(vec!["application/vnd.example.out".into()])));
    assert_eq!(body("vendor"), Some((BodyEncoding::VendorJson, named("Out"))));
    assert_eq!(operation(&api, "vendor").error_ty, named("Problem"), "error bodies are typed too");
    // Binary, enum (scalar) and untyped schemas stay bytes; `+xml` and XML are not JSON.
    assert_eq!(success("binary"), (Ty::Binary, BodyRead::Bytes));
    assert_eq!(body("binaryBody"), Some((BodyEncoding::Binary, Ty::Binary)));
    assert_eq!(success("binaryBody"), (Ty::Binary, BodyRead::Bytes));
    assert_eq!(body("notVendor"), Some((BodyEncoding::Binary, Ty::Binary)));
    assert_eq!(success("notVendor"), (Ty::Binary, BodyRead::Bytes));
    assert_eq!(success("untyped"), (Ty::Binary, BodyRead::Bytes));
}
