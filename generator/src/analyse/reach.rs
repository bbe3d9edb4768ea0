//! Which tags reach each type: a tag's Cargo feature compiles its
//! operations and exactly the models they reach through the types'
//! references. The same reach decides each model's file (`placement`).

use crate::ir::{Api, Ty, TypeId};

/// Sets each type's `reached_by`: the tags (module indices, ascending)
/// whose operations reach it, walking the reference graph from each tag's
/// operations.
pub(super) fn mark_reach(api: &mut Api) {
    let edges: Vec<Vec<usize>> = api
        .types
        .iter()
        .map(|def| def.kind.tys().into_iter().filter_map(Ty::mentioned).map(TypeId::index).collect())
        .collect();
    let mut by_type = vec![Vec::new(); api.types.len()];
    let mut seen = vec![usize::MAX; api.types.len()];
    for (m, module) in api.modules.iter().enumerate() {
        let mut stack: Vec<usize> =
            module.operations.iter().flat_map(|op| op.tys()).filter_map(Ty::mentioned).map(TypeId::index).collect();
        while let Some(t) = stack.pop() {
            if seen[t] == m {
                continue;
            }
            seen[t] = m;
            by_type[t].push(m);
            stack.extend(edges[t].iter().copied().filter(|&next| seen[next] != m));
        }
    }
    for (def, tags) in api.types.iter_mut().zip(by_type) {
        def.reached_by = tags;
    }
}
