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

// The unit tests of each rule, by theme.
mod additional_properties;
mod all_of;
mod collisions;
mod customise;
mod document;
mod enums;
mod ids;
mod operations;
mod paging;
mod presence;
mod recursion;
mod unions;

/// Loads and lowers `spec`; panics on load errors (every spec here is valid).
fn lower_spec(spec: &str) -> (Api, Vec<Diagnostic>) {
    let loaded = crate::load::load(spec).unwrap_or_else(|errors| panic!("spec does not load: {errors:?}"));
    let settings = Settings::new("lower-test", "test.yaml");
    let (mut api, warnings) = lower(&loaded, &settings);
    // What the IR snapshots show of boxes, newtypes and `Default`.
    crate::analyse::analyse(&mut api);
    (api, warnings)
}

/// A spec with `schemas` (YAML, indented 4 spaces) as its components and no paths.
fn schemas_spec(schemas: &str) -> String {
    format!("openapi: 3.0.3\ninfo: {{title: T, version: '1'}}\npaths: {{}}\ncomponents:\n  schemas:\n{schemas}")
}

/// Lowers a spec made of `schemas` only.
fn lower_schemas(schemas: &str) -> Api {
    lower_spec(&schemas_spec(schemas)).0
}

/// The type called `name`, if there is one.
fn find_type<'a>(api: &'a Api, name: &str) -> Option<&'a TypeDef> {
    api.types.iter().find(|def| def.name == name)
}

fn type_def<'a>(api: &'a Api, name: &str) -> &'a TypeDef {
    find_type(api, name).unwrap_or_else(|| {
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

/// The type called `name`, as a type expression.
fn named(api: &Api, name: &str) -> Ty {
    let (id, _) = api.types_with_ids().find(|(_, def)| def.name == name).unwrap_or_else(|| panic!("no type {name}"));
    Ty::Named(id)
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

fn ty(api: &Api, ty: &Ty) -> String {
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
        Ty::Upload => "Upload".into(),
        Ty::Vec(inner) => format!("Vec<{}>", self::ty(api, inner)),
        Ty::Map(inner) => format!("Map<{}>", self::ty(api, inner)),
        Ty::Named(id) => api.type_def(*id).name.clone(),
        Ty::External(path) => format!("external {path}"),
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
        describe_type(&mut out, def, api);
    }
    let _ = writeln!(out, "modules:");
    for module in &api.modules {
        let _ = writeln!(
            out,
            "  {} (tag {:?}, struct {}, accessor {}, feature {})",
            module.name, module.tag, module.api_struct, module.accessor, module.feature
        );
        for op in &module.operations {
            describe_operation(&mut out, op, api);
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

fn describe_type(out: &mut String, def: &TypeDef, api: &Api) {
    let deprecated = if def.docs.deprecated { " deprecated" } else { "" };
    match &def.kind {
        TypeKind::Struct { fields, extra, derive_default, also_wrapped_in } => {
            let extra = match extra {
                ExtraProperties::Keep => "keep".to_string(),
                ExtraProperties::Closed => "closed".to_string(),
                ExtraProperties::Typed(t) => format!("typed {}", ty(api, t)),
            };
            let default = if *derive_default { ", Default" } else { "" };
            let wrapped = also_wrapped_in.as_ref().map(|key| format!(", also wrapped in {key}")).unwrap_or_default();
            let _ = writeln!(out, "  struct {} (extra: {extra}{default}{wrapped}){deprecated}", def.name);
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
                    ty(api, &f.ty),
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
                let _ = writeln!(out, "    {}({}){tags}{boxed}", v.name, ty(api, &v.ty));
            }
        }
        TypeKind::Alias { target, newtype } => {
            let kind = if *newtype { "newtype" } else { "alias" };
            let _ = writeln!(out, "  {kind} {} = {}{deprecated}", def.name, ty(api, target));
            push_notes(out, "    ", &def.docs.notes);
        }
    }
}

/// The HTTP method, upper case, from its `Debug` form (whether it is held as
/// text or as an enum).
fn http_method(op: &Operation) -> String {
    format!("{:?}", op.http_method).trim_matches('"').to_ascii_uppercase()
}

fn describe_operation(out: &mut String, op: &Operation, api: &Api) {
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
            ty(api, &p.ty),
            p.location,
            p.style
        );
    }
    if let Some(body) = &op.body {
        let required = if body.required { "required" } else { "optional" };
        let _ = writeln!(out, "      body {:?} {}: {} {required}", body.encoding, body.media_type, ty(api, &body.ty));
        push_notes(out, "        ", &body.docs.notes);
    }
    match &op.success {
        Success::Single { ty: t, read } => {
            let _ = writeln!(out, "      success {} ({read:?})", ty(api, t));
        }
        Success::Several { enum_name, variants } => {
            let _ = writeln!(out, "      success enum {enum_name}");
            for v in variants {
                let _ = writeln!(out, "        {} on {:?}: {} ({:?})", v.name, v.status, ty(api, &v.ty), v.read);
            }
        }
    }
    let _ = writeln!(out, "      error {}", ty(api, &op.error_ty));
    if !op.security.is_empty() {
        let alternatives: Vec<String> = op.security.iter().map(|a| a.join(" + ")).collect();
        let _ = writeln!(out, "      security {}", alternatives.join(" | "));
    }
    if let Some(paging) = &op.paging {
        let _ = writeln!(out, "      paging {paging:?}");
    }
    if let Some(streamed) = &op.streamed {
        let _ = writeln!(out, "      streamed {:?} of {}", streamed.framing, ty(api, &streamed.item));
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
