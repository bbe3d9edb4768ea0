//! A list operation's `.stream()`, `.pages()` and `.collect_all()`: the
//! runtime's generic paging, told by the IR's [`Paging`] where the items
//! are and what asks for the next page.

use super::api_text::{literal, signature, ty_text, Lines, MARGIN};
use super::docs::{code, lines_text, lines_to_attrs};
use super::model_serde::tokens_text;
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

/// [`render_stream`] as formatted text: the bytes prettyplease makes of its
/// tokens, `None` where a line would pass [`Lines`]' width (prettyplease
/// breaks those its own way) or the builder has no paging members.
pub(super) fn stream_text(op: &Operation, error: &str, fallible: bool, api: &Api) -> Option<String> {
    let (Some(paging), Success::Single { ty: success, .. }, false) = (&op.paging, &op.success, fallible) else {
        return None;
    };
    let access = items_access(success, paging.items_field(), api)?;
    let item = ty_text(&access.item, api);
    let body = ty_text(success, api);
    let (_, how) = paging_tokens(paging);
    let paging_lines = paging_text(paging);
    let mut lines = Lines::new(lines_text(&[format!("Streams every item of every page, {how}.")], "    ")?);
    lines.line(4, "#[inline]");
    signature(&mut lines, "pub fn stream", &["self"], &format!("crate::runtime::Pages<{item}, {error}>"));
    let decode_items = if paging.items_field().is_some() { "Self::page_items" } else { "Self::decode" };
    paginate_call(
        &mut lines,
        "paginate",
        &[vec!["self.request()".into()], paging_lines.clone(), vec![decode_items.into()]],
    );
    lines.line(4, "}");
    lines.push_text(&lines_text(
        &[format!(
            "Streams every page whole, with its status and headers, {how}. The first page is the request as set up here."
        )],
        "    ",
    )?);
    lines.line(4, "#[inline]");
    let response = format!("crate::runtime::Response<{body}>");
    signature(&mut lines, "pub fn pages", &["self"], &format!("crate::runtime::Pages<{response}, {error}>"));
    let count = tokens_text(access.count);
    let closure = vec![
        format!("|page: &{response}| {{"),
        "    let page = page.body();".into(),
        format!("    {count}"),
        "}".into(),
    ];
    let decode = vec!["|raw| raw.decode_with_headers(Self::decode)".to_string()];
    paginate_call(&mut lines, "paginate_pages", &[vec!["self.request()".into()], paging_lines, decode, closure]);
    lines.line(4, "}");
    if paging.items_field().is_some() {
        lines.line(4, "/// Decodes one page and takes its items out of the body.");
        lines.line(4, "#[inline]");
        let result = format!("Result<Vec<{item}>, Error<{error}>>");
        signature(&mut lines, "fn page_items", &["raw: crate::runtime::RawResponse"], &result);
        // A chain longer than the line is broken before `.map`: left to the formatter.
        lines.line(8, &format!("Self::decode(raw).map(|page| {})", tokens_text(access.take)));
        lines.line(4, "}");
    }
    lines.line(4, "/// Fetches every page and returns all the items.");
    lines.line(4, "#[inline]");
    let output = format!("impl std::future::Future<Output = Result<Vec<{item}>, Error<{error}>>>");
    signature(&mut lines, "pub fn collect_all", &["self"], &output);
    lines.line(8, "crate::runtime::collect_all(self.stream())");
    lines.line(4, "}");
    lines.finish()
}

/// `self.client.<method>(args)` as the body of a method: on one line if it
/// fits; else broken before `.<method>`, the call on one line if it fits,
/// else one argument a line. Each argument is its lines (a broken struct
/// literal's lines, relative to the argument's first).
fn paginate_call(lines: &mut Lines, method: &str, args: &[Vec<String>]) {
    let flat = args.iter().all(|arg| arg.len() == 1);
    let joined = args.iter().map(|arg| arg[0].as_str()).collect::<Vec<_>>().join(", ");
    if flat && 8 + format!("self.client.{method}({joined})").len() <= MARGIN {
        return lines.line(8, &format!("self.client.{method}({joined})"));
    }
    lines.line(8, "self.client");
    if flat && 12 + format!(".{method}({joined})").len() <= MARGIN {
        return lines.line(12, &format!(".{method}({joined})"));
    }
    lines.line(12, &format!(".{method}("));
    for arg in args {
        let (last, init) = arg.split_last().expect("an argument has a line");
        init.iter().for_each(|line| lines.line(16, line));
        lines.line(16, &format!("{last},"));
    }
    lines.line(12, ")");
}

/// The runtime `Paging` value as prettyplease lays it out as an argument:
/// a path on one line, or a struct literal, which is always broken (its
/// width is past prettyplease's 34-byte limit for struct literals).
fn paging_text(paging: &Paging) -> Vec<String> {
    match paging {
        Paging::LinkHeader => vec!["crate::runtime::Paging::LinkHeader".into()],
        Paging::Offset { offset_param, limit_param, default_limit } => vec![
            "crate::runtime::Paging::Offset {".into(),
            format!("    offset_param: {},", literal(offset_param)),
            format!("    limit_param: {},", literal(limit_param)),
            format!("    default_limit: {default_limit}u64,"),
            "}".into(),
        ],
        Paging::Body { items, next, has_more } => {
            let mut out = vec!["crate::runtime::Paging::Body(crate::runtime::BodyPaging {".to_string()];
            out.push(format!("    items: {},", path_text(items.as_slice())));
            let next = next_text(next);
            let (last, init) = next.split_last().expect("a struct literal has lines");
            let mut next_lines = init.iter();
            out.extend(next_lines.next().map(|first| format!("    next: {first}")));
            out.extend(next_lines.map(|line| format!("    {line}")));
            out.push(format!("    {last},"));
            let has_more = has_more.as_ref().map_or("None".to_string(), |field| format!("Some(&[{}])", literal(field)));
            out.push(format!("    has_more: {has_more},"));
            out.push("})".into());
            out
        }
    }
}

/// The runtime `NextPage` value, a struct literal always broken.
fn next_text(next: &NextPage) -> Vec<String> {
    let (variant, fields) = match next {
        NextPage::Cursor { field, param } => {
            ("Cursor", vec![format!("field: {}", path_text(field)), format!("param: {}", literal(param))])
        }
        NextPage::LastItem { field, param } => {
            ("LastItem", vec![format!("field: {}", literal(field)), format!("param: {}", literal(param))])
        }
        NextPage::Url { field } => ("Url", vec![format!("field: {}", path_text(field))]),
        NextPage::PageNumber { param, first, total } => {
            let total = total.as_ref().map_or("None".to_string(), |path| format!("Some({})", path_text(path)));
            (
                "PageNumber",
                vec![format!("param: {}", literal(param)), format!("first: {first}u64"), format!("total: {total}")],
            )
        }
    };
    let mut out = vec![format!("crate::runtime::NextPage::{variant} {{")];
    out.extend(fields.into_iter().map(|field| format!("    {field},")));
    out.push("}".into());
    out
}

/// [`path_tokens`] as text.
fn path_text(path: &[String]) -> String {
    format!("&[{}]", path.iter().map(|name| literal(name)).collect::<Vec<_>>().join(", "))
}
