//! IR operations -> `src/apis/<tag>.rs`: one struct per tag, one method per
//! operation, and a request builder per operation.

use super::api_text::ty_text;
use super::docs::{code, doc_attrs, inner_doc_attrs, lines_text, lines_to_attrs, DocBlock};
use super::paging::render_stream;
use super::reading::{match_order, reading};
use super::{ident, ty_tokens, Part, Piece, Scope};
use crate::ir::{
    Api, ApiModule, BodyEncoding, BodyRead, Docs, Operation, Param, ParamLocation, Presence, QueryStyle, StatusMatch,
    Success, Ty, TypeKind,
};
use proc_macro2::TokenStream;
use quote::quote;

/// How a parameter value is written into a request.
pub(super) enum ParamShape {
    /// One value with a `ParamValue` impl.
    Scalar,
    /// A list of such values.
    List,
    /// Anything else: serialized to JSON, then spread into the query.
    Object,
}

/// Looks through aliases to decide how a type is sent as a parameter.
pub(super) fn param_shape(ty: &Ty, api: &Api) -> ParamShape {
    match ty {
        Ty::Vec(inner) if matches!(param_shape(inner, api), ParamShape::Scalar) => ParamShape::List,
        // A type of the user's is sent as its serde form (it cannot implement `ParamValue`).
        Ty::Vec(_) | Ty::Map(_) | Ty::Json | Ty::Unit | Ty::Multipart | Ty::Binary | Ty::Upload | Ty::External(_) => {
            ParamShape::Object
        }
        Ty::Named(id) => match &api.type_def(*id).kind {
            TypeKind::Enum { .. } => ParamShape::Scalar,
            TypeKind::Alias { target, newtype: false } => param_shape(target, api),
            _ => ParamShape::Object,
        },
        _ => ParamShape::Scalar,
    }
}

/// The first part of `src/apis/<module>.rs`: docs, imports, the tag's
/// struct and its accessor on `Client`.
pub fn render_module_head(module: &ApiModule) -> TokenStream {
    let api_struct = ident(&module.api_struct);
    let accessor = ident(&module.accessor);
    let tag = code(&module.tag);
    let module_docs = inner_doc_attrs(&[DocBlock::Markdown(format!("Operations tagged {tag}."))]);
    let struct_docs = doc_attrs(&Docs {
        summary: Some(format!("Operations tagged {tag}; get one with [`Client::{}`].", module.accessor)),
        description: module.description.clone(),
        ..Docs::default()
    });
    let accessor_docs = lines_to_attrs(&[format!("Operations tagged {tag}.")]);
    let uses_models = module.operations.iter().any(mentions_models);
    let models_import = if uses_models {
        quote! { use crate::models; }
    } else {
        quote! {}
    };
    let imports = crate::naming::API_MODULE_IMPORTS.iter().map(|name| ident(name));
    quote! {
        #module_docs
        #models_import
        use crate::runtime::{#(#imports),*};

        #struct_docs
        #[derive(Debug, Clone, Copy)]
        pub struct #api_struct<'a> {
            client: &'a Client,
        }

        impl Client {
            #accessor_docs
            #[inline]
            pub fn #accessor(&self) -> #api_struct<'_> {
                #api_struct { client: self }
            }
        }
    }
}

/// A run of a tag's operations: their methods (in an `impl` block of their
/// own) and request builders. Rendering a tag in runs keeps memory bounded
/// by the run, not the tag. With `as_text`, the builders are written as
/// formatted text where `api_text` knows the formatter's layout.
pub fn render_operations(module: &ApiModule, operations: &[Operation], api: &Api, as_text: bool) -> Part {
    let api_struct = ident(&module.api_struct);
    let mut pieces = if as_text {
        let mut pieces = vec![Piece::Text(format!("impl<'a> {api_struct}<'a> {{\n"))];
        pieces.extend(operations.iter().map(|op| super::api_text::method_piece(op, api)));
        pieces.push(Piece::Text("}\n".into()));
        pieces
    } else {
        let methods = operations.iter().map(|op| render_method(op, api));
        vec![Piece::Items(quote! {
            impl<'a> #api_struct<'a> {
                #(#methods)*
            }
        })]
    };
    for op in operations {
        if as_text {
            pieces.extend(super::api_text::builder_pieces(op, &module.api_struct, api));
        } else {
            pieces.push(Piece::Items(render_builder(op, &module.api_struct, api)));
        }
    }
    Part { pieces, after: String::new() }
}

fn mentions_models(op: &Operation) -> bool {
    fn named(ty: &Ty) -> bool {
        match ty {
            Ty::Named(_) => true,
            Ty::Vec(inner) | Ty::Map(inner) => named(inner),
            _ => false,
        }
    }
    // Parameters, body, error, success bodies and a streamed item.
    op.tys().into_iter().any(named)
}

/// Argument type for a required value: strings and bytes take anything that converts.
pub(super) fn argument(ty: &Ty, api: &Api) -> (TokenStream, bool) {
    match ty {
        Ty::String => (quote! { impl Into<String> }, true),
        Ty::Binary => (quote! { impl Into<bytes::Bytes> }, true),
        Ty::Upload => (quote! { impl Into<crate::runtime::UploadBody> }, true),
        other => (ty_tokens(other, Scope::Apis, api), false),
    }
}

/// The names of an operation's method's arguments, in order (the README's
/// table of operations shows them).
pub fn argument_names(op: &Operation) -> Vec<String> {
    required_inputs(op).into_iter().map(|(name, _)| name.to_string()).collect()
}

/// An operation's method's arguments: its required parameters, then `body`
/// when the body is required.
fn required_inputs(op: &Operation) -> Vec<(proc_macro2::Ident, &Ty)> {
    let mut inputs: Vec<(proc_macro2::Ident, &Ty)> =
        op.params.iter().filter(|p| p.required).map(|p| (ident(&p.name), &p.ty)).collect();
    if let Some(body) = op.body.as_ref().filter(|b| b.required) {
        inputs.push((ident("body"), &body.ty));
    }
    inputs
}

fn optional_inputs(op: &Operation) -> Vec<(proc_macro2::Ident, &Ty, &Docs)> {
    let mut inputs: Vec<(proc_macro2::Ident, &Ty, &Docs)> =
        op.params.iter().filter(|p| !p.required).map(|p| (ident(&p.name), &p.ty, &p.docs)).collect();
    if let Some(body) = op.body.as_ref().filter(|b| !b.required) {
        inputs.push((ident("body"), &body.ty, &body.docs));
    }
    inputs
}

/// An operation's method's docs: its own, what it sends, and its arguments.
pub(super) fn operation_docs(op: &Operation) -> Docs {
    let mut docs = op.docs.clone();
    if docs.summary.is_none() {
        docs.summary = Some(code(&op.id));
    }
    docs.notes.push(format!(
        "Sends {} (operation {}).",
        code(&format!("{} {}", op.http_method, op.path)),
        code(&op.id)
    ));
    match &op.body {
        Some(body) if body.encoding == BodyEncoding::VendorJson => docs.notes.push(format!(
            "The body is sent as JSON, with the `Content-Type` the spec gives, {}.",
            code(&body.media_type)
        )),
        Some(body) if body.encoding == BodyEncoding::Json && body.media_type.contains('*') => docs.notes.push(format!(
            "The body is sent as JSON, with `Content-Type: application/json` (the spec gives its schema under {}).",
            code(&body.media_type)
        )),
        Some(body) if body.encoding == BodyEncoding::Binary => docs.notes.push(
            "The body is an `UploadBody`: bytes, a file (`UploadBody::path`, reopened for a retry, or \
             `UploadBody::file`) or a stream (`UploadBody::stream`), sent as it is read; a file handle or a \
             stream is sent once, and the call is then never retried."
                .into(),
        ),
        _ => {}
    }
    if matches!(op.success, Success::Single { read: BodyRead::Stream, .. }) {
        docs.notes.push(
            "The response body is a `Download`, read as it arrives: `.bytes()` (up to `max_body_size`), \
             `.stream()` of chunks, or `.to_file(path)`; the read timeout bounds the server's silence between \
             chunks, and the attempt timeout and the deadline only the wait for the response headers."
                .into(),
        );
    }
    if let Success::Several { variants, .. } = &op.success {
        let streamed: Vec<String> =
            variants.iter().filter(|v| v.read == BodyRead::Stream).map(|v| code(&v.name)).collect();
        if !streamed.is_empty() {
            let holds = if streamed.len() == 1 { "variant holds" } else { "variants hold" };
            docs.notes.push(format!(
                "The {} {holds} a `Download`, read as it arrives: `.bytes()` (up to \
                 `max_body_size`), `.stream()` of chunks, or `.to_file(path)`, bounded by the read timeout \
                 between chunks. The other successes are read whole, within the read timeout and the deadline \
                 (the attempt timeout bounds only the wait for the response headers).",
                streamed.join(", ")
            ));
        }
    }
    let declared = match &op.success {
        Success::Single { read: BodyRead::Negotiated(declared), .. } => Some(declared),
        Success::Single { .. } => None,
        Success::Several { variants, .. } => variants.iter().find_map(|v| match &v.read {
            BodyRead::Negotiated(declared) => Some(declared),
            _ => None,
        }),
    };
    if let Some(declared) = declared {
        let also: String = declared.iter().map(|d| format!(", {}", code(d))).collect();
        docs.notes.push(format!(
            "The spec does not say the response is JSON. The call asks for JSON and decodes the body when the \
             response's `Content-Type` is JSON{also} or absent; any other type (an HTML page, say) fails with \
             `Error::Decode`, whose `DecodeError::body` holds what came."
        ));
    }
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    if !required.is_empty() || op.body.as_ref().is_some_and(|b| b.required) {
        let mut lines = vec!["Arguments:".to_string()];
        for p in required {
            let what = p.docs.description.as_deref().map(|d| format!(": {}", first_line(d))).unwrap_or_default();
            lines.push(format!("- `{}`: {} {}{what}", p.name, code(&p.wire_name), location_label(p.location)));
        }
        if let Some(body) = op.body.as_ref().filter(|b| b.required) {
            let what = body.docs.description.as_deref().map(|d| format!(": {}", first_line(d))).unwrap_or_default();
            lines.push(format!("- `body`: the {} request body{what}", code(&body.media_type)));
        }
        docs.notes.push(lines.join("\n"));
    }
    docs
}

pub(super) fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_string()
}

pub(super) fn location_label(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path parameter",
        ParamLocation::Query => "query parameter",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

pub(super) fn render_method(op: &Operation, api: &Api) -> TokenStream {
    let docs = doc_attrs(&operation_docs(op));
    let method = ident(&op.method_name);
    let builder = ident(&op.builder_name);
    let required = required_inputs(op);
    let args = required.iter().map(|(name, ty)| {
        let (ty, _) = argument(ty, api);
        quote! { #name: #ty }
    });
    let inits = required.iter().map(|(name, ty)| {
        if argument(ty, api).1 {
            quote! { #name: #name.into() }
        } else {
            quote! { #name }
        }
    });
    let optional = optional_inputs(op).into_iter().map(|(name, _, _)| quote! { #name: None });
    quote! {
        #docs
        #[inline]
        pub fn #method(&self, #(#args),*) -> #builder<'a> {
            #builder { client: self.client, #(#inits,)* #(#optional,)* options: crate::runtime::CallOptions::new() }
        }
    }
}

/// `(success type, error body type)` tokens.
fn result_types(op: &Operation, api: &Api) -> (TokenStream, TokenStream) {
    let success = match &op.success {
        Success::Single { read: BodyRead::Stream, .. } => {
            let error = ty_tokens(&op.error_ty, Scope::Apis, api);
            quote! { crate::runtime::Download<#error> }
        }
        Success::Single { ty, .. } => ty_tokens(ty, Scope::Apis, api),
        Success::Several { enum_name, .. } => {
            let name = ident(enum_name);
            quote! { #name }
        }
    };
    (success, ty_tokens(&op.error_ty, Scope::Apis, api))
}

fn status_pattern(status: StatusMatch) -> TokenStream {
    match status {
        StatusMatch::Code(code) => {
            let code = proc_macro2::Literal::u16_unsuffixed(code);
            quote! { #code }
        }
        StatusMatch::Range(first) => {
            let low = proc_macro2::Literal::u16_unsuffixed(first * 100);
            let high = proc_macro2::Literal::u16_unsuffixed(first * 100 + 99);
            quote! { #low..=#high }
        }
    }
}

fn read_body(read: &BodyRead) -> TokenStream {
    match read {
        BodyRead::Json | BodyRead::Negotiated(_) => read_json(read),
        BodyRead::Text => quote! { response.text() },
        BodyRead::Bytes => quote! { Ok(response.bytes()) },
        BodyRead::Stream => quote! { response.download() },
        BodyRead::Empty => quote! { Ok(()) },
    }
}

/// The call that decodes a JSON body: by the response's `Content-Type` when
/// the spec does not say the body is JSON.
fn read_json(read: &BodyRead) -> TokenStream {
    match read {
        BodyRead::Negotiated(declared) => quote! { response.json_by_content_type(&[#(#declared),*]) },
        _ => quote! { response.json() },
    }
}

/// Reads a JSON body whose type is a struct with only optional fields, and
/// reports a body that fills none of them: the type then decodes "successfully"
/// to nothing, which usually means the server wraps or names the object
/// differently from the spec. The check is a few `is_none()`s.
pub(super) fn read_checked_json(ty: &Ty, read: &BodyRead, api: &Api) -> Option<TokenStream> {
    let (type_name, fields) = checked_struct(ty, api)?;
    let ty = ty_tokens(ty, Scope::Apis, api);
    let json = read_json(read);
    let absent = fields.iter().map(|f| {
        let field = ident(&f.name);
        quote! { body.#field.is_none() }
    });
    Some(quote! {{
        let body: #ty = #json?;
        if #(#absent)&&* {
            response.warn_no_known_fields(#type_name);
        }
        Ok(body)
    }})
}

/// The name and fields of a struct whose fields are all optional, which
/// [`read_checked_json`] checks for a body that fills none of them.
pub(super) fn checked_struct<'a>(ty: &Ty, api: &'a Api) -> Option<(&'a str, &'a [crate::ir::Field])> {
    let Ty::Named(id) = ty else { return None };
    let def = api.type_def(*id);
    let TypeKind::Struct { fields, .. } = &def.kind else { return None };
    if fields.is_empty() || fields.iter().any(|f| f.presence == Presence::Required) {
        return None;
    }
    Some((&def.name, fields))
}

fn decode_arms(op: &Operation, api: &Api) -> TokenStream {
    match &op.success {
        // Every success status is read the same way, documented or not.
        Success::Single { read, ty } => {
            let checked = if matches!(read, BodyRead::Json | BodyRead::Negotiated(_)) {
                read_checked_json(ty, read, api)
            } else {
                None
            };
            let read = checked.unwrap_or_else(|| read_body(read));
            quote! { 200..=299 => #read, }
        }
        Success::Several { enum_name, variants } => {
            let enum_ident = ident(enum_name);
            let arms = match_order(variants).into_iter().map(|v| {
                let pattern = status_pattern(v.status);
                let variant = ident(&v.name);
                match &v.read {
                    BodyRead::Empty => quote! { #pattern => Ok(#enum_ident::#variant), },
                    read => {
                        let read = read_body(read);
                        quote! { #pattern => #read.map(#enum_ident::#variant), }
                    }
                }
            });
            quote! { #(#arms)* }
        }
    }
}

pub(super) fn success_enum(op: &Operation, api: &Api) -> TokenStream {
    let Success::Several { enum_name, variants } = &op.success else { return quote! {} };
    let name = ident(enum_name);
    let docs = lines_to_attrs(&[format!("What a successful {} returns, by status.", code(&op.id))]);
    let decls = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let status = match v.status {
            StatusMatch::Code(code) => format!("`{code}`"),
            StatusMatch::Range(first) => format!("`{first}XX`"),
        };
        let doc = lines_to_attrs(&[format!(
            "{status}{}",
            v.description.as_deref().map(|d| format!(": {}", first_line(d))).unwrap_or_default()
        )]);
        match (&v.ty, &v.read) {
            (Ty::Unit, _) => quote! { #doc #variant, },
            (_, BodyRead::Stream) => {
                let error = ty_tokens(&op.error_ty, Scope::Apis, api);
                quote! { #doc #variant(crate::runtime::Download<#error>), }
            }
            (ty, _) => {
                let ty = ty_tokens(ty, Scope::Apis, api);
                quote! { #doc #variant(#ty), }
            }
        }
    });
    // A `Download` is a connection still being read: neither cloned nor compared.
    let derives = if variants.iter().any(|v| v.read == BodyRead::Stream) {
        quote! { #[derive(Debug)] }
    } else {
        quote! { #[derive(Debug, Clone, PartialEq)] }
    };
    quote! {
        #docs
        #derives
        pub enum #name {
            #(#decls)*
        }
    }
}

/// [`success_enum`] as formatted text (see `api_text`); `None` where a line
/// would pass the width or a doc would stay an attribute.
pub(super) fn success_enum_text(op: &Operation, api: &Api) -> Option<String> {
    let Success::Several { enum_name, variants } = &op.success else { return None };
    let docs = format!("What a successful {} returns, by status.", code(&op.id));
    let mut lines = super::api_text::Lines::new(lines_text(&[docs], "")?);
    let download = variants.iter().any(|v| v.read == BodyRead::Stream);
    lines.line(0, if download { "#[derive(Debug)]" } else { "#[derive(Debug, Clone, PartialEq)]" });
    lines.line(0, &format!("pub enum {enum_name} {{"));
    for v in variants {
        let status = match v.status {
            StatusMatch::Code(code) => format!("`{code}`"),
            StatusMatch::Range(first) => format!("`{first}XX`"),
        };
        let what = v.description.as_deref().map(|d| format!(": {}", first_line(d))).unwrap_or_default();
        lines.push_text(&lines_text(&[format!("{status}{what}")], "    ")?);
        let held = match (&v.ty, &v.read) {
            (Ty::Unit, _) => None,
            (_, BodyRead::Stream) => Some(format!("crate::runtime::Download<{}>", ty_text(&op.error_ty, api))),
            (ty, _) => Some(ty_text(ty, api)),
        };
        lines.line(4, &held.map_or_else(|| format!("{},", v.name), |ty| format!("{}({ty}),", v.name)));
    }
    lines.line(0, "}");
    lines.finish()
}

/// Statements that put one parameter into `request`; `value` is a reference.
fn param_statement(param: &Param, value: TokenStream, api: &Api) -> TokenStream {
    let wire = &param.wire_name;
    let shape = param_shape(&param.ty, api);
    let joined = quote! {
        &#value.iter().map(crate::runtime::ParamValue::to_param).collect::<Vec<_>>().join(",")
    };
    match (param.location, shape) {
        (ParamLocation::Query, ParamShape::Scalar) => quote! { request.query(#wire, #value); },
        (ParamLocation::Query, ParamShape::List) => {
            let explode = matches!(param.style, QueryStyle::Form { explode: true });
            quote! {
                request.query_array(#wire, &#value.iter().map(|item| item as &dyn crate::runtime::ParamValue).collect::<Vec<_>>(), #explode);
            }
        }
        (ParamLocation::Query, ParamShape::Object) => {
            let style = match param.style {
                QueryStyle::DeepObject => quote! { crate::runtime::QueryObjectStyle::DeepObject },
                QueryStyle::Form { explode } => quote! { crate::runtime::QueryObjectStyle::Form { explode: #explode } },
            };
            quote! { request.query_object(#wire, &serde_json::to_value(#value).unwrap_or_default(), #style); }
        }
        (location, ParamShape::Scalar) => location_call(location, wire, value),
        (location, ParamShape::List) => location_call(location, wire, joined),
        (location, ParamShape::Object) => {
            location_call(location, wire, quote! { &serde_json::to_value(#value).unwrap_or_default() })
        }
    }
}

fn location_call(location: ParamLocation, wire: &str, value: TokenStream) -> TokenStream {
    match location {
        ParamLocation::Path => quote! { request.path_param(#wire, #value); },
        ParamLocation::Header => quote! { request.header(#wire, #value); },
        ParamLocation::Cookie => quote! { request.cookie(#wire, #value); },
        ParamLocation::Query => quote! { request.query(#wire, #value); },
    }
}

fn body_statement(op: &Operation, value: TokenStream) -> TokenStream {
    let Some(body) = &op.body else { return quote! {} };
    let media_type = &body.media_type;
    match body.encoding {
        BodyEncoding::Json => quote! { request.json_body(#value)?; },
        BodyEncoding::VendorJson => quote! { request.json_body_as(#value, #media_type)?; },
        BodyEncoding::Form => quote! { request.form_body(#value)?; },
        BodyEncoding::Multipart => quote! { request.multipart_body(Clone::clone(#value)); },
        BodyEncoding::Binary => quote! { request.upload_body(Clone::clone(#value), #media_type); },
    }
}

/// What an operation's builder's members are made of.
pub(super) struct BuilderShape<'o> {
    pub builder: proc_macro2::Ident,
    pub success_ty: TokenStream,
    pub error_ty: TokenStream,
    /// Whether `request()` returns a `Result` (encoding the body can fail).
    pub fallible: bool,
    pub required: Vec<(proc_macro2::Ident, &'o Ty)>,
    pub optional: Vec<(proc_macro2::Ident, &'o Ty, &'o Docs)>,
}

pub(super) fn builder_shape<'o>(op: &'o Operation, api: &Api) -> BuilderShape<'o> {
    let (success_ty, error_ty) = result_types(op, api);
    let fallible = op
        .body
        .as_ref()
        .is_some_and(|b| matches!(b.encoding, BodyEncoding::Json | BodyEncoding::VendorJson | BodyEncoding::Form));
    BuilderShape {
        builder: ident(&op.builder_name),
        success_ty,
        error_ty,
        fallible,
        required: required_inputs(op),
        optional: optional_inputs(op),
    }
}

/// The first sentence of a builder's docs.
pub(super) fn builder_doc(op: &Operation, api_struct: &str) -> String {
    format!(
        " Request builder for [`{api_struct}::{}`]: set optional inputs, then `.send().await` (or just `.await`).",
        op.method_name
    )
}

pub(super) fn builder_struct(op: &Operation, api_struct: &str, shape: &BuilderShape, api: &Api) -> TokenStream {
    let builder = &shape.builder;
    let builder_doc = builder_doc(op, api_struct);
    let required_fields = shape.required.iter().map(|(name, ty)| {
        let ty = ty_tokens(ty, Scope::Apis, api);
        quote! { #name: #ty, }
    });
    let optional_fields = shape.optional.iter().map(|(name, ty, _)| {
        let ty = ty_tokens(ty, Scope::Apis, api);
        quote! { #name: Option<#ty>, }
    });
    quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is sent"]
        pub struct #builder<'a> {
            client: &'a Client,
            #(#required_fields)*
            #(#optional_fields)*
            options: crate::runtime::CallOptions,
        }
    }
}

pub(super) fn decode_fn(op: &Operation, api: &Api, shape: &BuilderShape) -> TokenStream {
    let (success_ty, error_ty) = (&shape.success_ty, &shape.error_ty);
    let decode = decode_arms(op, api);
    quote! {
        #[inline]
        fn decode(response: RawResponse) -> Result<#success_ty, Error<#error_ty>> {
            match response.status().as_u16() {
                #decode
                _ => Err(response.into_error()),
            }
        }
    }
}

/// `self.request()` as the `Result` the runtime's senders take.
pub(super) fn request_arg(fallible: bool) -> TokenStream {
    if fallible {
        quote! { self.request() }
    } else {
        quote! { Ok(self.request()) }
    }
}

pub(super) fn send_fn(shape: &BuilderShape) -> TokenStream {
    let (success_ty, error_ty, request_arg) = (&shape.success_ty, &shape.error_ty, request_arg(shape.fallible));
    quote! {
        /// Sends the request and decodes the response.
        #[inline]
        pub fn send(self) -> futures::future::BoxFuture<'a, Result<#success_ty, Error<#error_ty>>> {
            crate::runtime::send(self.client, #request_arg, Self::decode)
        }
    }
}

pub(super) fn send_with_headers_fn(shape: &BuilderShape) -> TokenStream {
    let (success_ty, error_ty, request_arg) = (&shape.success_ty, &shape.error_ty, request_arg(shape.fallible));
    quote! {
        /// Sends the request; the decoded response comes with its status and headers.
        #[inline]
        pub fn send_with_headers(self) -> futures::future::BoxFuture<'a, Result<crate::runtime::Response<#success_ty>, Error<#error_ty>>> {
            crate::runtime::send_with_headers(self.client, #request_arg, Self::decode)
        }
    }
}

pub(super) fn into_future_impl(shape: &BuilderShape) -> TokenStream {
    let (builder, success_ty, error_ty) = (&shape.builder, &shape.success_ty, &shape.error_ty);
    quote! {
        impl<'a> std::future::IntoFuture for #builder<'a> {
            type Output = Result<#success_ty, Error<#error_ty>>;
            type IntoFuture = futures::future::BoxFuture<'a, Self::Output>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    }
}

// Every method of an operation is `#[inline]`: rustc then compiles its
// body (and the serde code of the types it sends and returns) in the
// crate that calls it, not in the client crate for every operation, so a
// user pays code generation only for the operations they use. Accessors,
// constructors and setters too: a module with nothing left to compile
// costs no codegen unit.
pub(super) fn render_builder(op: &Operation, api_struct: &str, api: &Api) -> TokenStream {
    let shape = builder_shape(op, api);
    let builder = &shape.builder;
    let setters = shape.optional.iter().map(|(name, ty, docs)| render_setter(op, name, ty, docs, api));
    let with_options = with_options_fn();
    let request = render_request(op, api, &shape.error_ty, shape.fallible);
    let (decode, send, send_with_headers) = (decode_fn(op, api, &shape), send_fn(&shape), send_with_headers_fn(&shape));
    let stream = render_stream(op, &shape.error_ty, shape.fallible, api);
    let streamed = super::streams::render_streamed(op, &shape.error_ty, shape.fallible, api);
    let (success_enum, builder_struct) = (success_enum(op, api), builder_struct(op, api_struct, &shape, api));
    let into_future = into_future_impl(&shape);
    let event_enum = super::streams::render_event_enum(op, api);
    quote! {
        #success_enum
        #event_enum
        #builder_struct

        impl<'a> #builder<'a> {
            #(#setters)*
            #with_options
            #request
            #decode
            #send
            #send_with_headers
            #stream
            #streamed
        }

        #into_future
    }
}

pub(super) fn with_options_fn() -> TokenStream {
    quote! {
        /// Sets options for this call only: extra headers, a timeout, a deadline, a retry policy, an idempotency key.
        #[inline]
        pub fn with_options(mut self, options: crate::runtime::CallOptions) -> Self {
            self.options = options;
            self
        }
    }
}

/// The setter of one optional input: its docs (a default sentence for a
/// parameter or body the spec leaves undocumented) and the method.
pub(super) fn render_setter(op: &Operation, name: &proc_macro2::Ident, ty: &Ty, docs: &Docs, api: &Api) -> TokenStream {
    let docs = doc_attrs(&setter_docs(op, name, docs));
    let (arg, converts) = argument(ty, api);
    let value = if converts {
        quote! { value.into() }
    } else {
        quote! { value }
    };
    quote! {
        #docs
        #[inline]
        pub fn #name(mut self, value: #arg) -> Self {
            self.#name = Some(#value);
            self
        }
    }
}

/// A setter's docs: a default sentence for a parameter or body the spec
/// leaves undocumented, and the server's default.
pub(super) fn setter_docs(op: &Operation, name: &proc_macro2::Ident, docs: &Docs) -> Docs {
    let mut docs = docs.clone();
    if let Some(param) = op.params.iter().find(|p| ident(&p.name) == *name) {
        if docs.summary.is_none() && docs.description.is_none() {
            docs.summary = Some(format!("Sets the {} {}.", code(&param.wire_name), location_label(param.location)));
        }
        if let Some(default) = &param.default {
            docs.notes.push(format!("The server assumes {} when this is not set.", code(default)));
        }
    } else if docs.summary.is_none() && docs.description.is_none() {
        docs.summary = Some("Sets the request body.".into());
    }
    docs
}

/// The builder's `request()`: the method, path, parameters, body, `Accept`
/// and security alternatives; a `Result` when encoding the body can fail.
pub(super) fn render_request(op: &Operation, api: &Api, error_ty: &TokenStream, fallible: bool) -> TokenStream {
    // reqwest::Method's constants are named like the upper-case method.
    let method = ident(op.http_method.as_upper());
    let method = quote! { reqwest::Method::#method };
    let path = &op.path;
    let id = &op.id;
    let param_statements = op.params.iter().map(|p| {
        let name = ident(&p.name);
        if p.required {
            param_statement(p, quote! { &self.#name }, api)
        } else {
            let statement = param_statement(p, quote! { value }, api);
            quote! { if let Some(value) = &self.#name { #statement } }
        }
    });
    let body = match &op.body {
        Some(b) if b.required => body_statement(op, quote! { &self.body }),
        Some(_) => {
            let statement = body_statement(op, quote! { value });
            quote! { if let Some(value) = &self.body { #statement } }
        }
        None => quote! {},
    };
    let security = op.security.iter().map(|alternative| quote! { &[#(#alternative),*] });
    let accept = reading(op).tokens();
    // A header parameter for an idempotency key is filled with one generated
    // per call when the caller leaves it unset.
    let idempotency = idempotency_header(op).map(|wire| quote! { request.idempotency_header(#wire); });
    let (request_ty, request_ok) = if fallible {
        (quote! { Result<Request, Error<#error_ty>> }, quote! { Ok(request) })
    } else {
        (quote! { Request }, quote! { request })
    };
    quote! {
        #[inline]
        fn request(&self) -> #request_ty {
            let mut request = Request::new(#method, #path, #id);
            #(#param_statements)*
            #body
            #accept
            request.security(&[#(#security),*]);
            #idempotency
            request.call_options(&self.options);
            #request_ok
        }
    }
}

/// The wire name of the operation's header parameter that carries an
/// idempotency key, if it has one.
pub(super) fn idempotency_header(op: &Operation) -> Option<&str> {
    op.params
        .iter()
        .find(|p| p.location == ParamLocation::Header && is_idempotency_header(&p.wire_name))
        .map(|p| p.wire_name.as_str())
}

/// Whether a header parameter carries an idempotency key: `Idempotency-Key`
/// or `X-Idempotency-Key`, in any case.
fn is_idempotency_header(wire_name: &str) -> bool {
    let name = wire_name.to_ascii_lowercase();
    name == "idempotency-key" || name == "x-idempotency-key"
}
