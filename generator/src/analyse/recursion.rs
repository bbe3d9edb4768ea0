//! Recursion: boxes that break recursive containment (a value cannot hold
//! itself inline, however many types it goes through) and newtypes for
//! aliases that mention themselves (a type alias cannot).

use crate::graph::strongly_connected;
use crate::ir::{TypeDef, TypeId, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

/// Sets `Field::boxed`, `UnionVariant::boxed` and `TypeKind::Alias`'s
/// `newtype`; `types` is indexed by [`TypeId`].
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
}
