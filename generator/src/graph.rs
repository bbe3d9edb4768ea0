//! Strongly connected components of a graph (of JSON pointers, of type
//! ids), for the reference cycle check in `load` and the boxes and newtypes
//! of recursive types in `lower`. Iterative, so a long chain cannot
//! overflow the stack.

use std::borrow::Borrow;
use std::collections::{BTreeMap, BTreeSet};

/// The strongly connected components of a graph.
#[derive(Debug)]
pub struct Components<N> {
    /// The component of each node.
    pub of: BTreeMap<N, usize>,
    /// The number of nodes in each component.
    pub sizes: Vec<usize>,
}

impl<N: Ord> Components<N> {
    /// Whether `a` and `b` are in the same component.
    pub fn same<Q: Ord + ?Sized>(&self, a: &Q, b: &Q) -> bool
    where
        N: Borrow<Q>,
    {
        self.of.get(a).is_some_and(|ca| self.of.get(b) == Some(ca))
    }

    /// The number of nodes in the component of `node` (0 for an unknown node).
    pub fn size<Q: Ord + ?Sized>(&self, node: &Q) -> usize
    where
        N: Borrow<Q>,
    {
        self.of.get(node).map_or(0, |c| self.sizes[*c])
    }
}

/// Tarjan's algorithm: the component of each node. Edges to nodes that
/// are not keys of `graph` are ignored.
pub fn strongly_connected<N: Ord + Clone>(graph: &BTreeMap<N, Vec<N>>) -> Components<N> {
    struct State<'g, N> {
        graph: &'g BTreeMap<N, Vec<N>>,
        index: BTreeMap<&'g N, usize>,
        low: BTreeMap<&'g N, usize>,
        stack: Vec<&'g N>,
        on_stack: BTreeSet<&'g N>,
        next: usize,
        component: BTreeMap<N, usize>,
        sizes: Vec<usize>,
    }
    // Iterative to survive deep specs without blowing the stack. A work item
    // is (node, index of the next edge to follow, whether the previous edge
    // was a descent whose low-link must be folded in).
    fn visit<'g, N: Ord + Clone>(state: &mut State<'g, N>, root: &'g N) {
        let mut work: Vec<(&'g N, usize, bool)> = vec![(root, 0, false)];
        while let Some((node, child, descended)) = work.pop() {
            if child == 0 {
                state.index.insert(node, state.next);
                state.low.insert(node, state.next);
                state.next += 1;
                state.stack.push(node);
                state.on_stack.insert(node);
            }
            let edges = state.graph.get(node).map(Vec::as_slice).unwrap_or(&[]);
            if descended {
                let previous = &edges[child - 1];
                let low = state.low[node].min(state.low[previous]);
                state.low.insert(node, low);
            }
            if let Some(next) = edges.get(child) {
                if state.graph.contains_key(next) && !state.index.contains_key(next) {
                    work.push((node, child + 1, true));
                    work.push((next, 0, false));
                } else {
                    if state.on_stack.contains(next) {
                        let low = state.low[node].min(state.index[next]);
                        state.low.insert(node, low);
                    }
                    work.push((node, child + 1, false));
                }
                continue;
            }
            if state.low[node] == state.index[node] {
                let id = state.sizes.len();
                let mut size = 0;
                while let Some(member) = state.stack.pop() {
                    state.on_stack.remove(member);
                    state.component.insert(member.clone(), id);
                    size += 1;
                    if member == node {
                        break;
                    }
                }
                state.sizes.push(size);
            }
        }
    }
    let mut state = State {
        graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        component: BTreeMap::new(),
        sizes: Vec::new(),
    };
    for node in graph.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    Components { of: state.component, sizes: state.sizes }
}
