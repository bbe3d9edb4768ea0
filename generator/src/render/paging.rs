//! A list operation's `.stream()`, `.pages()` and `.collect_all()`: the
//! runtime's generic paging, told by the IR's [`Paging`] where the items
//! are and what asks for the next page.

use super::docs::{code, lines_to_attrs};
use super::{ty_tokens, Scope};
use crate::ir::{Api, NextPage, Operation, Paging, Presence, Success, Ty, TypeKind};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};

/// How a page's items are taken out of its decoded body: the items' type,
/// the expression turning `page` (the body) into a `Vec`, and the one
/// counting them in `page: &Body`.
struct ItemsAccess {
    item: Ty,
    take: TokenStream,
    count: TokenStream,
}

/// Where the items of `success` are: the body itself, or its wrapper field
/// `field` (a list, not boxed).
fn items_access(success: &Ty, field: Option<&str>, api: &Api) -> Option<ItemsAccess> {
    let Some(field) = field else {
        let Ty::Vec(item) = success else { return None };
        return Some(ItemsAccess { item: (**item).clone(), take: quote! { page }, count: quote! { page.len() } });
    };
    let Ty::Named(id) = success else { return None };
    let TypeKind::Struct { fields, .. } = &api.type_def(*id).kind else { return None };
    let found = fields.iter().find(|f| f.wire_name == field && !f.boxed)?;
    let Ty::Vec(item) = &found.ty else { return None };
    let name = format_ident!("{}", found.name);
    let (take, count) = match found.presence {
        Presence::Required => (quote! { page.#name }, quote! { page.#name.len() }),
        Presence::Optional | Presence::RequiredNullable => {
            (quote! { page.#name.unwrap_or_default() }, quote! { page.#name.as_ref().map_or(0, Vec::len) })
        }
        Presence::OptionalNullable => (
            quote! { page.#name.flatten().unwrap_or_default() },
            quote! { page.#name.as_ref().and_then(Option::as_ref).map_or(0, Vec::len) },
        ),
    };
    Some(ItemsAccess { item: (**item).clone(), take, count })
}

/// A path of wire names as a `&'static [&'static str]`.
fn path_tokens(path: &[String]) -> TokenStream {
    quote! { &[#(#path),*] }
}

/// The runtime's `Paging` for the IR's, and how it goes, for the docs.
fn paging_tokens(paging: &Paging) -> (TokenStream, String) {
    match paging {
        Paging::LinkHeader => (
            quote! { crate::runtime::Paging::LinkHeader },
            "following the `Link: <...>; rel=\"next\"` response headers".to_string(),
        ),
        Paging::Offset { offset_param, limit_param, default_limit } => (
            quote! { crate::runtime::Paging::Offset { offset_param: #offset_param, limit_param: #limit_param, default_limit: #default_limit } },
            format!("advancing {} by the items received, {} at a time", code(offset_param), code(limit_param)),
        ),
        Paging::Body { items, next, has_more } => {
            let items = path_tokens(items.as_slice());
            let until = has_more.as_ref().map(|h| format!(", until {} is false", code(h))).unwrap_or_default();
            let has_more = match has_more {
                Some(field) => quote! { Some(&[#field]) },
                None => quote! { None },
            };
            let (next, how) = next_tokens(next);
            (
                quote! { crate::runtime::Paging::Body(crate::runtime::BodyPaging { items: #items, next: #next, has_more: #has_more }) },
                format!("{how}{until}"),
            )
        }
    }
}

fn next_tokens(next: &NextPage) -> (TokenStream, String) {
    match next {
        NextPage::Cursor { field, param } => {
            let path = path_tokens(field);
            (
                quote! { crate::runtime::NextPage::Cursor { field: #path, param: #param } },
                format!("sending the page's {} back as {}", code(&field.join(".")), code(param)),
            )
        }
        NextPage::LastItem { field, param } => (
            quote! { crate::runtime::NextPage::LastItem { field: #field, param: #param } },
            format!("sending the last item's {} as {}", code(field), code(param)),
        ),
        NextPage::Url { field } => {
            let path = path_tokens(field);
            (
                quote! { crate::runtime::NextPage::Url { field: #path } },
                format!("following the next-page URL in {} (on the API's origin only)", code(&field.join("."))),
            )
        }
        NextPage::PageNumber { param, first, total } => {
            let total_tokens = match total {
                Some(path) => {
                    let path = path_tokens(path);
                    quote! { Some(#path) }
                }
                None => quote! { None },
            };
            let upto =
                total.as_ref().map(|t| format!(" up to the total in {}", code(&t.join(".")))).unwrap_or_default();
            (
                quote! { crate::runtime::NextPage::PageNumber { param: #param, first: #first, total: #total_tokens } },
                format!("counting {} up from {first}{upto}, until an empty page", code(param)),
            )
        }
    }
}

/// `.stream()`, `.pages()` and `.collect_all()` for a list operation the
/// IR says pages (none for a builder whose request may fail to build).
pub(super) fn render_stream(op: &Operation, error_ty: &TokenStream, fallible: bool, api: &Api) -> TokenStream {
    let (Some(paging), Success::Single { ty: success, .. }, false) = (&op.paging, &op.success, fallible) else {
        return quote! {};
    };
    let Some(access) = items_access(success, paging.items_field(), api) else { return quote! {} };
    let item = ty_tokens(&access.item, Scope::Apis, api);
    let body = ty_tokens(success, Scope::Apis, api);
    let (paging_tokens, how) = paging_tokens(paging);
    let stream_docs = lines_to_attrs(&[format!("Streams every item of every page, {how}.")]);
    let pages_docs = lines_to_attrs(&[format!(
        "Streams every page whole, with its status and headers, {how}. The first page is the request as set up here."
    )]);
    let (take, count) = (access.take, access.count);
    let (items_fn, decode_items) = match paging.items_field() {
        None => (quote! {}, quote! { Self::decode }),
        Some(_) => (
            quote! {
                /// Decodes one page and takes its items out of the body.
                #[inline]
                fn page_items(raw: crate::runtime::RawResponse) -> Result<Vec<#item>, Error<#error_ty>> {
                    Self::decode(raw).map(|page| #take)
                }
            },
            quote! { Self::page_items },
        ),
    };
    quote! {
        #stream_docs
        #[inline]
        pub fn stream(self) -> crate::runtime::Pages<#item, #error_ty> {
            self.client.paginate(self.request(), #paging_tokens, #decode_items)
        }

        #pages_docs
        #[inline]
        pub fn pages(self) -> crate::runtime::Pages<crate::runtime::Response<#body>, #error_ty> {
            self.client.paginate_pages(
                self.request(),
                #paging_tokens,
                |raw| raw.decode_with_headers(Self::decode),
                |page: &crate::runtime::Response<#body>| { let page = page.body(); #count },
            )
        }

        #items_fn

        /// Fetches every page and returns all the items.
        #[inline]
        pub fn collect_all(self) -> impl std::future::Future<Output = Result<Vec<#item>, Error<#error_ty>>> {
            crate::runtime::collect_all(self.stream())
        }
    }
}
