//! Cargo features per tag: each tag's feature compiles its operations and
//! exactly the models they reach through the IR's references.

use crate::ir::{Api, Ty, TypeId};
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

/// Which tags (indices into `api.modules`, ascending) reach each type
/// (aligned with `api.types`), and whether the crate has tag features.
/// The reach is computed either way: it also decides which file of
/// `src/models/` each type goes into.
pub struct Gates {
    by_type: Vec<Vec<usize>>,
    features: bool,
}

impl Gates {
    /// Walks the reference graph from each tag's operations; `features`
    /// says whether the crate gates code behind per-tag features.
    pub fn compute(api: &Api, features: bool) -> Self {
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
        Self { by_type, features }
    }

    /// The tags whose operations reach the type at `index` in `api.types`,
    /// in module order.
    pub fn tags_reaching(&self, index: usize) -> &[usize] {
        &self.by_type[index]
    }

    /// The `#[cfg]` for code that any of `tags` needs (ascending, no
    /// repeats): none when every tag does, `full` when none does (a schema
    /// no operation uses), nothing at all without tag features.
    pub fn tags_cfg(&self, api: &Api, tags: &[usize]) -> TokenStream {
        if !self.features || (!tags.is_empty() && tags.len() == api.modules.len()) {
            return quote! {};
        }
        if tags.is_empty() {
            return quote! { #[cfg(feature = "full")] };
        }
        let features = tags.iter().map(|&m| api.modules[m].feature.as_str());
        if tags.len() == 1 {
            quote! { #[cfg(#(feature = #features)*)] }
        } else {
            quote! { #[cfg(any(#(feature = #features),*))] }
        }
    }

    /// The `#[cfg]` for a tag's module.
    pub fn module_cfg(&self, feature: &str) -> TokenStream {
        if !self.features {
            return quote! {};
        }
        quote! { #[cfg(feature = #feature)] }
    }
}

/// Puts `cfg` before each item of `items`. An item ends at a `;` or at a
/// `{...}` block that no `;` follows (a struct, enum, impl or fn body).
pub fn gate_items(cfg: &TokenStream, items: TokenStream) -> TokenStream {
    if cfg.is_empty() {
        return items;
    }
    let mut out = TokenStream::new();
    let mut item = Vec::new();
    let mut tokens = items.into_iter().peekable();
    while let Some(token) = tokens.next() {
        let ends = match &token {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => {
                g.delimiter() == Delimiter::Brace
                    && !matches!(tokens.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ';')
            }
            _ => false,
        };
        item.push(token);
        if ends {
            out.extend(cfg.clone());
            out.extend(item.drain(..));
        }
    }
    if !item.is_empty() {
        out.extend(cfg.clone());
        out.extend(item);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_item_gets_the_cfg() {
        let cfg = quote! { #[cfg(feature = "a")] };
        let items = quote! {
            #[doc = " A"] #[derive(Debug)] pub struct A { pub x: i32 }
            impl A { pub fn new() -> Self { A { x: 1 } } }
            pub type B = Vec<A>;
            #[serde(transparent)] pub struct C(pub A);
            crate::runtime::string_enum!(D);
        };
        let gated = gate_items(&cfg, items).to_string();
        assert_eq!(gated.matches("# [cfg (feature = \"a\")]").count(), 5, "{gated}");
        assert!(gated.starts_with("# [cfg (feature = \"a\")] # [doc"), "{gated}");
    }

    #[test]
    fn no_cfg_leaves_items_alone() {
        let items = quote! { pub struct A; };
        assert_eq!(gate_items(&TokenStream::new(), items.clone()).to_string(), items.to_string());
    }
}
