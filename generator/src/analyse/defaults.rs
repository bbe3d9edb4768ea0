//! Which structs derive `Default`: those whose required fields all have one.

use crate::ir::{Presence, Ty, TypeDef, TypeId, TypeKind};
use std::collections::{BTreeMap, BTreeSet};

/// Least fixpoint: a struct derives `Default` when each required field's
/// type has one. Worked from the types with no named dependency outwards,
/// so a long chain costs one visit per type, not one pass per link.
pub(super) fn mark_default_derivable(types: &mut [TypeDef]) {
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
                // A type of the user's may have no `Default`.
                Ty::DateTime | Ty::Date | Ty::External(_) => return None,
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
