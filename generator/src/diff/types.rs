//! Models: what `render/models.rs` makes of the types. Structs have public
//! fields and are not `#[non_exhaustive]`, so user code may build them with
//! struct literals and destructure them: any field added or removed breaks
//! such code. Enums carry a named catch-all (`Unknown`, `Other`) but are not
//! `#[non_exhaustive]` either, so a new variant breaks an exhaustive
//! `match`, and values that came as the catch-all now come as the variant.

use super::{push, ty_name, Change, ChangeKind, Impact};
use crate::ir::{Api, EnumValue, ExtraProperties, Field, Presence, TypeDef, TypeKind};
use std::collections::BTreeMap;

pub(super) fn compare_types(old: &Api, new: &Api, changes: &mut Vec<Change>) {
    let old_types: BTreeMap<&str, &TypeDef> = old.types.iter().map(|t| (t.name.as_str(), t)).collect();
    for def in &new.types {
        let tag = home_tag(new, def);
        let item = format!("type `{}`", def.name);
        match old_types.get(def.name.as_str()) {
            None => {
                let reason = "a new type; existing code does not name it";
                push(changes, tag, item, ChangeKind::Added, kind_name(&def.kind).into(), Impact::Addition, reason);
            }
            Some(old_def) => compare_type(tag, (old, old_def), (new, def), changes),
        }
    }
    for def in &old.types {
        if !new.types.iter().any(|t| t.name == def.name) {
            let reason = "code naming the type stops compiling";
            push(
                changes,
                home_tag(old, def),
                format!("type `{}`", def.name),
                ChangeKind::Removed,
                String::new(),
                Impact::Breaking,
                reason,
            );
        }
    }
}

/// The tag whose model file holds the type: the first reaching it.
fn home_tag<'a>(api: &'a Api, def: &TypeDef) -> Option<&'a str> {
    def.reached_by.first().map(|&module| api.modules[module].tag.as_str())
}

fn kind_name(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "struct",
        TypeKind::Enum { .. } => "enum",
        TypeKind::Union { .. } => "union enum",
        TypeKind::Alias { newtype: false, .. } => "type alias",
        TypeKind::Alias { newtype: true, .. } => "newtype struct",
    }
}

fn compare_type(
    tag: Option<&str>,
    (old_api, old): (&Api, &TypeDef),
    (new_api, new): (&Api, &TypeDef),
    changes: &mut Vec<Change>,
) {
    let name = &new.name;
    match (&old.kind, &new.kind) {
        (
            TypeKind::Struct { fields: old_fields, extra: old_extra, derive_default: old_default, .. },
            TypeKind::Struct { fields: new_fields, extra: new_extra, derive_default: new_default, .. },
        ) => {
            let old_struct = (old_api, old_fields.as_slice(), old_extra, *old_default);
            let new_struct = (new_api, new_fields.as_slice(), new_extra, *new_default);
            compare_struct(tag, name, old_struct, new_struct, changes);
        }
        (
            TypeKind::Enum { variants: old_variants, integer: old_int },
            TypeKind::Enum { variants: new_variants, integer: new_int },
        ) => {
            if old_int != new_int {
                push(
                    changes,
                    tag,
                    format!("type `{name}`"),
                    ChangeKind::Changed,
                    "string <-> integer values".into(),
                    Impact::Breaking,
                    "the catch-all variant's payload type changes",
                );
            }
            let old_names: Vec<(&str, String)> =
                old_variants.iter().map(|v| (v.name.as_str(), enum_value(&v.value))).collect();
            let new_names: Vec<(&str, String)> =
                new_variants.iter().map(|v| (v.name.as_str(), enum_value(&v.value))).collect();
            variants(tag, name, &old_names, &new_names, ENUM_ADDED, changes);
        }
        (TypeKind::Union { variants: old_variants, .. }, TypeKind::Union { variants: new_variants, .. }) => {
            let old_names: Vec<(&str, String)> =
                old_variants.iter().map(|v| (v.name.as_str(), ty_name(&v.ty, old_api))).collect();
            let new_names: Vec<(&str, String)> =
                new_variants.iter().map(|v| (v.name.as_str(), ty_name(&v.ty, new_api))).collect();
            variants(tag, name, &old_names, &new_names, UNION_ADDED, changes);
        }
        (
            TypeKind::Alias { target: old_target, newtype: old_newtype },
            TypeKind::Alias { target: new_target, newtype: new_newtype },
        ) => {
            let (old_target, new_target) = (ty_name(old_target, old_api), ty_name(new_target, new_api));
            if old_target != new_target || old_newtype != new_newtype {
                let detail = format!("{} {old_target} -> {} {new_target}", kind_name(&old.kind), kind_name(&new.kind));
                push(
                    changes,
                    tag,
                    format!("type `{name}`"),
                    ChangeKind::Changed,
                    detail,
                    Impact::Breaking,
                    "the type stands for another type: code using its values must change",
                );
            }
        }
        (old_kind, new_kind) => {
            let detail = format!("{} -> {}", kind_name(old_kind), kind_name(new_kind));
            push(
                changes,
                tag,
                format!("type `{name}`"),
                ChangeKind::Changed,
                detail,
                Impact::Breaking,
                "another kind of type: code building or matching it stops compiling",
            );
        }
    }
}

/// One side of a struct comparison: the API, the fields, what happens to
/// unlisted properties, and whether it derives `Default`.
type StructSide<'a> = (&'a Api, &'a [Field], &'a ExtraProperties, bool);

/// A struct's fields, its `additional_properties` field and its `Default`.
fn compare_struct(
    tag: Option<&str>,
    name: &str,
    (old_api, old_fields, old_extra, old_default): StructSide,
    (new_api, new_fields, new_extra, new_default): StructSide,
    changes: &mut Vec<Change>,
) {
    compare_fields(tag, name, (old_api, old_fields), (new_api, new_fields), changes);
    let (old_extra, new_extra) = (extra_field(old_extra, old_api), extra_field(new_extra, new_api));
    if old_extra != new_extra {
        let detail = format!(
            "`additional_properties`: {} -> {}",
            old_extra.as_deref().unwrap_or("none"),
            new_extra.as_deref().unwrap_or("none")
        );
        let reason = "the struct's `additional_properties` field appears, goes or changes type";
        push(changes, tag, format!("type `{name}`"), ChangeKind::Changed, detail, Impact::Breaking, reason);
    }
    match (old_default, new_default) {
        (true, false) => push(
            changes,
            tag,
            format!("type `{name}`"),
            ChangeKind::Changed,
            "no longer `Default`".into(),
            Impact::Breaking,
            "a field's type has no `Default` now: `..Default::default()` stops compiling",
        ),
        (false, true) => push(
            changes,
            tag,
            format!("type `{name}`"),
            ChangeKind::Changed,
            "now `Default`".into(),
            Impact::Addition,
            "the struct derives `Default` now",
        ),
        _ => {}
    }
}

const ENUM_ADDED: &str = "the enum is not `#[non_exhaustive]`: an exhaustive `match` stops compiling, and the value, which came as the catch-all variant, now comes as the new one";
const UNION_ADDED: &str = "the enum is not `#[non_exhaustive]`: an exhaustive `match` stops compiling, and values that came as `Other` may now come as the new variant";

fn enum_value(value: &EnumValue) -> String {
    match value {
        EnumValue::String(s) => format!("{s:?}"),
        EnumValue::Integer(i) => i.to_string(),
    }
}

/// Enum or union variants, as (Rust name, wire value or payload type).
fn variants(
    tag: Option<&str>,
    type_name: &str,
    old: &[(&str, String)],
    new: &[(&str, String)],
    added_reason: &str,
    changes: &mut Vec<Change>,
) {
    for (name, what) in new {
        let item = format!("variant `{type_name}::{name}`");
        match old.iter().find(|(n, _)| n == name) {
            None => push(changes, tag, item, ChangeKind::Added, what.clone(), Impact::Breaking, added_reason),
            Some((_, old_what)) if old_what != what => push(
                changes,
                tag,
                item,
                ChangeKind::Changed,
                format!("{old_what} -> {what}"),
                Impact::Breaking,
                "the variant holds (or stands for) something else",
            ),
            Some(_) => {}
        }
    }
    for (name, _) in old.iter().filter(|(name, _)| !new.iter().any(|(n, _)| n == name)) {
        push(
            changes,
            tag,
            format!("variant `{type_name}::{name}`"),
            ChangeKind::Removed,
            String::new(),
            Impact::Breaking,
            "code naming the variant stops compiling",
        );
    }
}

/// The field's type as the struct declares it: `Option`s from its presence,
/// `Box` when it breaks a cycle.
fn field_type(field: &Field, api: &Api) -> String {
    let ty = ty_name(&field.ty, api);
    let ty = if field.boxed { format!("Box<{ty}>") } else { ty };
    match field.presence {
        Presence::Required => ty,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{ty}>"),
        Presence::OptionalNullable => format!("Option<Option<{ty}>>"),
    }
}

fn presence_name(presence: Presence) -> &'static str {
    match presence {
        Presence::Required => "required",
        Presence::RequiredNullable => "required, nullable",
        Presence::Optional => "optional",
        Presence::OptionalNullable => "optional, nullable",
    }
}

fn compare_fields(
    tag: Option<&str>,
    type_name: &str,
    (old_api, old): (&Api, &[Field]),
    (new_api, new): (&Api, &[Field]),
    changes: &mut Vec<Change>,
) {
    for field in new {
        let item = format!("field `{type_name}::{}`", field.name);
        let Some(old_field) = old.iter().find(|f| f.name == field.name) else {
            let detail = format!("{}: {}", presence_name(field.presence), field_type(field, new_api));
            let reason = "models are plain structs with public fields, not `#[non_exhaustive]`: a struct literal or pattern that lists every field stops compiling (one using `..` does not)";
            push(changes, tag, item, ChangeKind::Added, detail, Impact::Breaking, reason);
            continue;
        };
        let (old_ty, new_ty) = (field_type(old_field, old_api), field_type(field, new_api));
        if old_ty != new_ty {
            let detail = format!(
                "{old_ty} ({}) -> {new_ty} ({})",
                presence_name(old_field.presence),
                presence_name(field.presence)
            );
            let reason = if old_field.ty == field.ty || ty_name(&old_field.ty, old_api) == ty_name(&field.ty, new_api) {
                "its optionality or nullability changes the field's Rust type"
            } else {
                "the field's Rust type changes"
            };
            push(changes, tag, item, ChangeKind::Changed, detail, Impact::Breaking, reason);
        } else if old_field.presence != field.presence {
            let detail = format!("{} -> {}", presence_name(old_field.presence), presence_name(field.presence));
            let reason = "same Rust type (`Option<T>`); on the wire `None` is now sent as `null` or left out instead";
            push(changes, tag, item, ChangeKind::Changed, detail, Impact::Compatible, reason);
        }
    }
    for field in old.iter().filter(|f| !new.iter().any(|n| n.name == f.name)) {
        let item = format!("field `{type_name}::{}`", field.name);
        push(
            changes,
            tag,
            item,
            ChangeKind::Removed,
            String::new(),
            Impact::Breaking,
            "code reading or setting the field stops compiling",
        );
    }
}

/// The struct's `additional_properties` field's type, if it has one.
fn extra_field(extra: &ExtraProperties, api: &Api) -> Option<String> {
    match extra {
        ExtraProperties::Keep => Some("Map<String, Value>".into()),
        ExtraProperties::Typed(ty) => Some(format!("BTreeMap<String, {}>", ty_name(ty, api))),
        ExtraProperties::Closed => None,
    }
}
