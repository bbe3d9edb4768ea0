//! Cargo features per tag, as `#[cfg]`s: each tag's feature compiles its
//! operations and exactly the models they reach (each type's `reached_by`,
//! which `analyse` sets).

use crate::ir::Api;
use proc_macro2::{Delimiter, TokenStream, TokenTree};
use quote::quote;

/// Whether the crate gates code behind per-tag features, and the `#[cfg]`s
/// that say so.
#[derive(Clone, Copy)]
pub struct Gates {
    features: bool,
}

impl Gates {
    /// `features` says whether the crate gates code behind per-tag features.
    pub fn new(features: bool) -> Self {
        Self { features }
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
