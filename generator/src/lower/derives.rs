//! The settings' extra derives and attributes (`[crate.types."GLOB"]`),
//! written into the named types their globs match, by Rust name.
//!
//! A derive on a type needs every type inside it to implement the trait
//! too, so a derive goes on to the generated types a type holds (fields,
//! union members, an alias's target), transitively: that is always sound,
//! as they are this crate's own. What the generator cannot change is an
//! error naming the field that holds it: `f64`/`f32` for `Eq`, `Hash` and
//! `Ord`; `serde_json::Value` (kept unlisted properties, a union's `Other`)
//! for `PartialOrd` and `Ord`; and, for a derive from another crate, the
//! runtime types (lenient dates and UUIDs, base64 bytes), which that crate
//! cannot know. `Ord` brings `PartialOrd` and `Eq`, which it needs. A
//! derive the type already has (`Debug`, `Clone`, `PartialEq`; `Eq`, `Hash`
//! and the orderings on enums) is left as it is. Plain type aliases
//! (`pub type`) take neither: their derives go to what they name.

use crate::diagnostics::Diagnostic;
use crate::ir::{ExtraProperties, Ty, TypeDef, TypeKind};
use crate::settings::{Settings, TypeExtras};
use std::collections::{BTreeSet, VecDeque};

/// The traits whose needs on a type's contents are known here.
const CHECKED: &[&str] = &["Eq", "Hash", "PartialOrd", "Ord"];

/// One derive to put on a type: which, from which glob, and the field path
/// through which it arrived (for errors).
struct Request {
    target: usize,
    derive: String,
    glob: String,
    via: String,
}

/// Adds the settings' derives and attributes to `types` (in name order,
/// `pointers` where each one's schema stands); returns the errors and the
/// warnings for globs matching no type.
pub fn add_type_extras(types: &mut [TypeDef], pointers: &[String], settings: &Settings) -> Vec<Diagnostic> {
    let mut matcher = match settings.type_extras_matcher() {
        Ok(matcher) => matcher,
        Err(message) => return vec![Diagnostic::error("", message)],
    };
    let mut queue = VecDeque::new();
    for (index, def) in types.iter_mut().enumerate() {
        for (glob, TypeExtras { derive, attributes }) in matcher.matching(&def.name) {
            for path in derive {
                let via = def.name.clone();
                queue.push_back(Request { target: index, derive: path, glob: glob.clone(), via });
            }
            if !matches!(def.kind, TypeKind::Alias { newtype: false, .. }) {
                for attribute in attributes {
                    if !def.attributes.contains(&attribute) {
                        def.attributes.push(attribute);
                    }
                }
            }
        }
    }
    let mut diagnostics: Vec<Diagnostic> = matcher
        .unused()
        .into_iter()
        .map(|glob| Diagnostic::lossy("", format!("[crate.types.{glob:?}] matches no generated type")))
        .collect();
    let mut reported = BTreeSet::new();
    while let Some(request) = queue.pop_front() {
        let trait_name = crate::settings::std_trait(&request.derive);
        if trait_name.as_deref() == Some("Ord") {
            for implied in ["PartialOrd", "Eq"] {
                let (target, glob, via) = (request.target, request.glob.clone(), request.via.clone());
                queue.push_back(Request { target, derive: implied.to_string(), glob, via });
            }
        }
        let def = &types[request.target];
        if def.derives.contains(&request.derive) || has_already(&def.kind, trait_name.as_deref()) {
            continue;
        }
        let inner = match contents_allow(def, trait_name.as_deref()) {
            Ok(inner) => inner,
            Err((place, problem)) => {
                // One error per type and derive, however many types hold it.
                if reported.insert((request.target, request.derive.clone())) {
                    let message = format!(
                        "[crate.types.{:?}] derive `{}`: `{}{place}` is {problem}, so the derive cannot compile",
                        request.glob, request.derive, request.via
                    );
                    diagnostics.push(Diagnostic::error(pointers[request.target].as_str(), message));
                }
                continue;
            }
        };
        let def = &mut types[request.target];
        if !matches!(def.kind, TypeKind::Alias { newtype: false, .. }) {
            def.derives.push(request.derive.clone());
        }
        for (place, id) in inner {
            let via = format!("{}{place}", request.via);
            queue.push_back(Request { target: id, derive: request.derive.clone(), glob: request.glob.clone(), via });
        }
    }
    diagnostics
}

/// Whether the type implements the std trait `name` already (derived or by hand).
fn has_already(kind: &TypeKind, name: Option<&str>) -> bool {
    let Some(name) = name else { return false };
    let common = ["Debug", "Clone", "PartialEq"].contains(&name);
    match kind {
        TypeKind::Enum { .. } => common || CHECKED.contains(&name),
        TypeKind::Struct { .. } | TypeKind::Union { .. } | TypeKind::Alias { newtype: true, .. } => common,
        TypeKind::Alias { newtype: false, .. } => false,
    }
}

/// What the type holds, each with where (`.field`, `::Variant`) and
/// whether a formatted string there is the runtime's `Lenient<T>`: the one
/// walk of a type's contents, for the types a derive goes on to and for the
/// leaves that stop it.
fn holdings(def: &TypeDef) -> Vec<(String, &Ty, bool)> {
    let mut held: Vec<(String, &Ty, bool)> = Vec::new();
    match &def.kind {
        TypeKind::Struct { fields, extra, .. } => {
            for field in fields {
                // Formatted strings are held as the runtime's `Lenient<T>`, except in secrets.
                held.push((format!(".{}", field.name), &field.ty, !field.secret));
            }
            match extra {
                ExtraProperties::Typed(ty) => held.push((".additional_properties".into(), ty, false)),
                ExtraProperties::Keep => held.push((".additional_properties".into(), &Ty::Json, false)),
                ExtraProperties::Closed => {}
            }
        }
        TypeKind::Union { variants, .. } => {
            for variant in variants {
                held.push((format!("::{}", variant.name), &variant.ty, false));
            }
            held.push(("::Other".into(), &Ty::Json, false));
        }
        TypeKind::Alias { target, .. } => held.push((" =".to_string(), target, false)),
        TypeKind::Enum { .. } => {}
    }
    held
}

/// `Ok` with the generated types the type holds (and where) when nothing
/// else it holds stops the derive (the std trait `name`, or `None` for
/// another crate's); else where (`.field`) and what does.
fn contents_allow(def: &TypeDef, name: Option<&str>) -> Result<Vec<(String, usize)>, (String, String)> {
    let mut contained = Vec::new();
    for (place, ty, lenient) in holdings(def) {
        if let Some(problem) = leaf_problem(ty, name, lenient) {
            // An alias's place is the alias itself.
            return Err((if place == " =" { String::new() } else { place }, problem));
        }
        contained.extend(ty.mentioned().map(|id| (place.clone(), id.index())));
    }
    Ok(contained)
}

/// Why the type expression `ty` (not a named type) cannot have the derive, if it cannot.
fn leaf_problem(ty: &Ty, name: Option<&str>, lenient: bool) -> Option<String> {
    match ty {
        Ty::Vec(inner) | Ty::Map(inner) => leaf_problem(inner, name, lenient),
        Ty::Named(_) => None,
        Ty::F32 | Ty::F64 if matches!(name, Some("Eq" | "Hash" | "Ord")) => {
            Some(format!("a floating-point number, which is not `{}`", name.unwrap_or_default()))
        }
        Ty::Json if matches!(name, Some("PartialOrd" | "Ord")) => {
            Some(format!("`serde_json::Value`, which is not `{}`", name.unwrap_or_default()))
        }
        Ty::Multipart | Ty::Upload => Some("a runtime type".to_string()),
        Ty::Base64 if name.is_none() => Some("`crate::runtime::Base64`, a runtime type".to_string()),
        Ty::DateTime | Ty::Date | Ty::Uuid if name.is_none() && lenient => {
            Some("`crate::runtime::Lenient`, a runtime type".to_string())
        }
        _ => None,
    }
}
