//! Decisions over the finished set of types, which need every type at
//! once: boxes that break recursive containment, newtypes for aliases that
//! mention themselves, and which structs derive `Default`.

use crate::graph::strongly_connected;
use crate::ir::{Presence, Ty, TypeDef, TypeId, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

/// `types` is indexed by [`TypeId`].
pub(super) fn break_cycles(types: &mut [TypeDef]) {
    let ids = || (0..types.len()).map(TypeId::from_index);
    // By-value containment graph: fields, variants and aliases hold their
    // type inline; a cycle there has infinite size unless boxed.
    let graph: BTreeMap<TypeId, Vec<TypeId>> = ids()
        .map(|id| {
            let targets = match &types[id.index()].kind {
                TypeKind::Struct { fields, .. } => fields.iter().filter_map(|f| f.ty.named()).collect(),
                TypeKind::Union { variants, .. } => variants.iter().filter_map(|v| v.ty.named()).collect(),
                TypeKind::Alias { target, .. } => target.named().into_iter().collect(),
                TypeKind::Enum { .. } => Vec::new(),
            };
            (id, targets)
        })
        .collect();
    let component = strongly_connected(&graph);
    // Aliases that mention themselves through other aliases must be newtypes.
    let is_alias = |id: TypeId| matches!(types[id.index()].kind, TypeKind::Alias { .. });
    let alias_graph: BTreeMap<TypeId, Vec<TypeId>> = ids()
        .filter_map(|id| match &types[id.index()].kind {
            TypeKind::Alias { target, .. } => {
                Some((id, target.mentioned().filter(|&m| is_alias(m)).into_iter().collect()))
            }
            _ => None,
        })
        .collect();
    let alias_component = strongly_connected(&alias_graph);
    let in_alias_cycle = |id: &TypeId| alias_component.size(id) > 1 || alias_graph[id].contains(id);
    let newtypes: BTreeSet<TypeId> = alias_graph.keys().filter(|id| in_alias_cycle(id)).copied().collect();
    let self_loop = |id: TypeId| graph.get(&id).is_some_and(|t| t.contains(&id));
    let recursive_edge = |from: TypeId, to: TypeId| {
        (from == to && self_loop(from)) || (from != to && component.same(&from, &to) && component.size(&from) > 1)
    };
    for (index, def) in types.iter_mut().enumerate() {
        let id = TypeId::from_index(index);
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => {
                for field in fields {
                    if let Some(target) = field.ty.named() {
                        field.boxed = recursive_edge(id, target);
                    }
                }
            }
            TypeKind::Union { variants, .. } => {
                for variant in variants {
                    if let Some(target) = variant.ty.named() {
                        variant.boxed = recursive_edge(id, target);
                    }
                }
            }
            TypeKind::Alias { newtype, .. } => *newtype = newtypes.contains(&id),
            TypeKind::Enum { .. } => {}
        }
    }
    mark_default_derivable(types);
}

/// Least fixpoint: a struct derives `Default` when each required field's
/// type has one. Worked from the types with no named dependency outwards,
/// so a long chain costs one visit per type, not one pass per link.
fn mark_default_derivable(types: &mut [TypeDef]) {
    // For each struct or alias: the named types it needs a `Default` of, or
    // `None` when it can never have one.
    fn needs(def: &TypeDef) -> Option<BTreeSet<TypeId>> {
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
                Ty::Named(id) => {
                    named.insert(*id);
                }
                Ty::DateTime | Ty::Date => return None,
                _ => {}
            }
        }
        Some(named)
    }
    let mut waiting: BTreeMap<TypeId, usize> = BTreeMap::new();
    let mut dependents: BTreeMap<TypeId, Vec<TypeId>> = BTreeMap::new();
    let mut ready: Vec<TypeId> = Vec::new();
    for (index, def) in types.iter().enumerate() {
        let id = TypeId::from_index(index);
        let Some(named) = needs(def) else { continue };
        if named.is_empty() {
            ready.push(id);
        }
        waiting.insert(id, named.len());
        for dependency in named {
            dependents.entry(dependency).or_default().push(id);
        }
    }
    let mut defaultable: BTreeSet<TypeId> = BTreeSet::new();
    while let Some(id) = ready.pop() {
        defaultable.insert(id);
        for dependent in dependents.get(&id).into_iter().flatten() {
            if let Some(count) = waiting.get_mut(dependent) {
                *count -= 1;
                if *count == 0 {
                    ready.push(*dependent);
                }
            }
        }
    }
    for (index, def) in types.iter_mut().enumerate() {
        if let TypeKind::Struct { derive_default, .. } = &mut def.kind {
            *derive_default = defaultable.contains(&TypeId::from_index(index));
        }
    }
}
