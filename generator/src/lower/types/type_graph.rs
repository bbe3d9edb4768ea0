//! Decisions over the finished set of types, which need every type at
//! once: boxes that break recursive containment, newtypes for aliases that
//! mention themselves, and which structs derive `Default`.

use crate::graph::strongly_connected;
use crate::ir::{Presence, Ty, TypeDef, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

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

pub(super) fn break_cycles(types: &mut BTreeMap<String, TypeDef>) {
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
