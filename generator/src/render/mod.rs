//! Stage 3: [`Api`] -> tokens per file of the generated crate.

mod api_text;
mod apis;
pub mod cargo;
pub mod docs;
mod features;
mod mock;
mod mock_text;
mod model_serde;
mod model_text;
mod models;
mod paging;
mod reading;
mod readme;
mod streams;

pub use model_serde::WIRE_FORMAT_HEADING;

use crate::ir::{Api, SecurityKind, SecurityScheme, ServerVariable, Ty};
use crate::settings::Settings;
use docs::{code, doc_attrs, lines_to_attrs};
use features::Gates;
use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

include!(concat!(env!("OUT_DIR"), "/runtime_files.rs"));

/// Where a type is written: models name each other through their parent
/// (`super::`, whichever file each is in), API modules through `models::`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// Inside `models/<file>.rs`.
    Models,
    /// Inside `apis/<tag>.rs`.
    Apis,
}

/// An identifier the naming module produced (always valid, never a keyword).
pub fn ident(name: &str) -> Ident {
    Ident::new(name, Span::call_site())
}

/// Tokens for a type expression (a named type's name is in `api`).
pub fn ty_tokens(ty: &Ty, scope: Scope, api: &Api) -> TokenStream {
    match ty {
        Ty::String => quote! { String },
        Ty::Bool => quote! { bool },
        Ty::I32 => quote! { i32 },
        Ty::I64 => quote! { i64 },
        Ty::F32 => quote! { f32 },
        Ty::F64 => quote! { f64 },
        Ty::DateTime => quote! { chrono::DateTime<chrono::Utc> },
        Ty::Date => quote! { chrono::NaiveDate },
        Ty::Uuid => quote! { uuid::Uuid },
        Ty::Base64 => quote! { crate::runtime::Base64 },
        Ty::Binary => quote! { bytes::Bytes },
        Ty::Json => quote! { serde_json::Value },
        Ty::Unit => quote! { () },
        Ty::Multipart => quote! { Vec<crate::runtime::MultipartPart> },
        Ty::Upload => quote! { crate::runtime::UploadBody },
        Ty::Vec(inner) => {
            let inner = ty_tokens(inner, scope, api);
            quote! { Vec<#inner> }
        }
        Ty::Map(inner) => {
            let inner = ty_tokens(inner, scope, api);
            quote! { std::collections::BTreeMap<String, #inner> }
        }
        Ty::Named(id) => {
            let name = ident(&api.type_def(*id).name);
            match scope {
                Scope::Models => quote! { super::#name },
                Scope::Apis => quote! { models::#name },
            }
        }
        // `::` first: a module of the crate named like the type's crate
        // (a tag's) cannot capture the path. A one-word type is a prelude
        // type (`String`, `Vec<u8>`), which `::` would make unresolvable.
        Ty::External(path) => {
            let ty: syn::Type = syn::parse_str(path).expect("checked as a type path when the replacement was read");
            let one_word = matches!(&ty, syn::Type::Path(p) if p.qself.is_none() && p.path.segments.len() == 1);
            if one_word || path.starts_with("crate::") {
                quote! { #ty }
            } else {
                quote! { ::#ty }
            }
        }
    }
}

/// Renders one part of a Rust file. Parts are rendered and formatted on
/// worker threads (token streams cannot cross threads, so each part makes
/// its own), then joined in order.
pub type RenderPart<'a> = Box<dyn Fn() -> Part + Sync + 'a>;

/// One rendered part of a Rust file.
pub struct Part {
    /// Its code, in order: tokens to format, or text already formatted.
    pub pieces: Vec<Piece>,
    /// Code already formatted, which goes after all the file's formatted
    /// tokens (a model file's wire format; see `model_serde`).
    pub after: String,
}

/// A stretch of a part's code.
pub enum Piece {
    /// Whole items, to format.
    Items(TokenStream),
    /// Members of an `impl` block, to format at its indentation.
    Members(TokenStream),
    /// Code written as text exactly as the formatter would write it (see
    /// `api_text`), which skips the syn round trip.
    Text(String),
}

impl From<TokenStream> for Part {
    fn from(tokens: TokenStream) -> Self {
        Part { pieces: vec![Piece::Items(tokens)], after: String::new() }
    }
}

/// How many types go into one part of a `models/<file>.rs`: small enough
/// to spread a large file over the cores, large enough that parts stay
/// cheap.
const TYPES_PER_PART: usize = 64;

/// How many operations go into one part of a tag's `apis/<tag>.rs`, so
/// that a tag with thousands of operations is rendered and formatted in
/// pieces (each with its own `impl` block) rather than as one.
const OPERATIONS_PER_PART: usize = 64;

/// One file of the generated crate, before formatting.
pub enum RenderedFile<'a> {
    /// Rust code in parts, formatted separately and joined in order.
    Rust(Vec<RenderPart<'a>>),
    /// Text written as it is (Cargo.toml, copied runtime files).
    Text(String),
}

/// Every file of the crate: (path relative to the crate root, content).
pub fn render_crate<'a>(api: &'a Api, settings: &'a Settings, header: &str) -> Vec<(String, RenderedFile<'a>)> {
    let one = |part: Box<dyn Fn() -> TokenStream + Sync + 'a>| {
        RenderedFile::Rust(vec![Box::new(move || part().into()) as RenderPart<'a>])
    };
    let gates = Gates::new(settings.tag_features);
    let mut files = vec![
        ("Cargo.toml".to_string(), RenderedFile::Text(cargo::manifest(settings, api, header))),
        ("README.md".to_string(), RenderedFile::Text(readme::readme(api, settings, header))),
        ("src/lib.rs".to_string(), one(Box::new(render_lib))),
        ("src/client.rs".to_string(), one(Box::new(move || render_client(api)))),
        (
            "src/models/mod.rs".to_string(),
            one(Box::new(move || models::render_models_mod(api, &api.model_files, &gates))),
        ),
        ("src/apis/mod.rs".to_string(), one(Box::new(move || render_apis_mod(api, &gates)))),
    ];
    let mock = if settings.format_everything {
        one(Box::new(move || mock::render_mock(api, &gates)))
    } else {
        RenderedFile::Rust(mock_text::mock_parts(api, gates))
    };
    files.push(("src/mock.rs".to_string(), mock));
    for file in &api.model_files {
        let mut parts: Vec<RenderPart<'a>> = vec![Box::new(move || models::model_file_head(api, file, &gates).into())];
        // Runs of a file's types, as for the api files: memory follows the run.
        parts.extend(file.types.chunks(TYPES_PER_PART).map(|run| {
            let as_text = !settings.format_everything;
            Box::new(move || models::render_types(api, file, run, &gates, as_text)) as RenderPart<'a>
        }));
        files.push((format!("src/models/{}.rs", file.name), RenderedFile::Rust(parts)));
    }
    for module in &api.modules {
        let mut parts: Vec<RenderPart<'a>> = vec![Box::new(move || apis::render_module_head(module).into())];
        parts.extend(module.operations.chunks(OPERATIONS_PER_PART).map(|chunk| {
            Box::new(move || apis::render_operations(module, chunk, api, !settings.format_everything)) as RenderPart<'a>
        }));
        files.push((format!("src/apis/{}.rs", module.name), RenderedFile::Rust(parts)));
    }
    for (name, contents) in RUNTIME_FILES {
        files.push((format!("src/runtime/{name}"), RenderedFile::Text(format!("// {header}\n{contents}"))));
    }
    files
}

fn render_apis_mod(api: &Api, gates: &Gates) -> TokenStream {
    let mods = api.modules.iter().map(|m| {
        let name = ident(&m.name);
        let docs = lines_to_attrs(&[format!("Operations tagged {}.", code(&m.tag))]);
        let cfg = gates.module_cfg(&m.feature);
        quote! { #docs #cfg pub mod #name; }
    });
    let reexports = api.modules.iter().map(|m| {
        let name = ident(&m.name);
        let api_struct = ident(&m.api_struct);
        let cfg = gates.module_cfg(&m.feature);
        quote! { #cfg pub use #name::#api_struct; }
    });
    quote! {
        //! The API's operations, one module per tag. Reach them through [`crate::Client`].
        #(#mods)*
        #(#reexports)*
    }
}

/// `src/lib.rs`: the crate docs are the README (see `readme`), so
/// crates.io, the repository and docs.rs show one page.
fn render_lib() -> TokenStream {
    quote! {
        #![doc = include_str!("../README.md")]
        // Spec prose is Markdown written for people, not tidy rustdoc; and
        // the shapes of specs decide argument counts, variant sizes and names.
        #![allow(
            clippy::doc_lazy_continuation,
            clippy::doc_overindented_list_items,
            clippy::too_long_first_doc_paragraph,
            clippy::large_enum_variant,
            clippy::too_many_arguments,
            clippy::enum_variant_names,
            clippy::should_implement_trait,
            clippy::wrong_self_convention,
            clippy::type_complexity
        )]

        // The generator formats these files itself; rustfmt must leave them
        // as they are, or they would differ from what the spec generates.
        #[rustfmt::skip]
        pub mod apis;
        #[rustfmt::skip]
        pub mod client;
        // The test double: compiled only for tests that ask for it.
        #[cfg(feature = "mock")]
        #[rustfmt::skip]
        pub mod mock;
        #[rustfmt::skip]
        pub mod models;
        #[rustfmt::skip]
        pub mod runtime;

        pub use client::SERVER;
        pub use runtime::{Client, ClientBuilder, Credentials, Error};
        pub use runtime::{Lenient, RedirectPolicy, RetryPolicy};
    }
}

/// `src/client.rs`: the spec's server, and the builder methods for its
/// server variables and security schemes.
fn render_client(api: &Api) -> TokenStream {
    let url = &api.server.url;
    let defaults = api.server.variables.iter().map(|v| {
        let (name, default) = (&v.name, &v.default);
        quote! { (#name, #default) }
    });
    let variable_setters = api.server.variables.iter().map(server_variable_setter);
    let credential_setters = api.security_schemes.iter().map(credentials_setter);
    let setters: Vec<TokenStream> = variable_setters.chain(credential_setters).collect();
    let builder_impl = if setters.is_empty() {
        quote! {}
    } else {
        quote! {
            /// Server variables and credentials of this API's security schemes.
            impl ClientBuilder {
                #(#setters)*
            }
        }
    };
    let title_docs = lines_to_attrs(&[format!(
        "A builder for a client of {}, with the spec's server and its defaults.",
        docs::one_line(&api.title)
    )]);
    quote! {
        //! The API's server and credentials: [`Client::builder`] and the builder methods this spec adds.
        use crate::runtime::{Client, ClientBuilder};

        /// The server the spec names, with its variables' defaults.
        pub const SERVER: crate::runtime::ServerTemplate = crate::runtime::ServerTemplate {
            url: #url,
            variables: &[#(#defaults),*],
        };

        impl Client {
            #title_docs
            pub fn builder() -> ClientBuilder {
                ClientBuilder::new(SERVER).default_user_agent(concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")))
            }
        }

        #builder_impl
    }
}

/// The `ClientBuilder` method that sets one server variable.
fn server_variable_setter(v: &ServerVariable) -> TokenStream {
    let method = ident(&v.method_name);
    let name = &v.name;
    let mut doc_lines = vec![format!("Sets the {} server variable (default {}).", code(name), code(&v.default))];
    if let Some(description) = &v.description {
        doc_lines.push(String::new());
        doc_lines.push(description.clone());
    }
    if !v.allowed.is_empty() {
        doc_lines.push(String::new());
        let allowed: Vec<String> = v.allowed.iter().map(|value| code(value)).collect();
        doc_lines.push(format!("Allowed values: {}.", allowed.join(", ")));
    }
    let docs = lines_to_attrs(&doc_lines);
    quote! {
        #docs
        pub fn #method(self, value: impl Into<String>) -> Self {
            self.server_variable(#name, value)
        }
    }
}

/// The `ClientBuilder` method that sets the credentials of one security scheme.
fn credentials_setter(scheme: &SecurityScheme) -> TokenStream {
    let method = ident(&scheme.method_name);
    let name = &scheme.name;
    let args = credentials_args(&scheme.kind).iter().map(|arg| {
        let arg = ident(arg);
        quote! { #arg: impl Into<String> }
    });
    let value = match &scheme.kind {
        SecurityKind::ApiKey { location, param_name, prefix } => {
            let location_tokens = match location {
                crate::ir::ApiKeyLocation::Header => quote! { crate::runtime::ApiKeyLocation::Header },
                crate::ir::ApiKeyLocation::Query => quote! { crate::runtime::ApiKeyLocation::Query },
                crate::ir::ApiKeyLocation::Cookie => quote! { crate::runtime::ApiKeyLocation::Cookie },
            };
            let prefix_tokens = match prefix {
                Some(p) => quote! { Some(#p) },
                None => quote! { None },
            };
            quote! { crate::runtime::Credentials::api_key(#location_tokens, #param_name, #prefix_tokens, key) }
        }
        SecurityKind::Bearer => quote! { crate::runtime::Credentials::bearer(token) },
        SecurityKind::Basic => quote! { crate::runtime::Credentials::basic(username, password) },
        SecurityKind::ClientCredentials { token_url, scopes } => {
            quote! { crate::runtime::Credentials::client_credentials(#token_url, client_id, client_secret, &[#(#scopes),*]) }
        }
    };
    let docs = crate::ir::Docs {
        summary: Some(credentials_summary(scheme)),
        description: scheme.description.clone(),
        ..Default::default()
    };
    let docs = doc_attrs(&docs);
    quote! {
        #docs
        pub fn #method(self, #(#args),*) -> Self {
            self.credentials(#name, #value)
        }
    }
}

/// The arguments of a scheme's builder method, each an `impl Into<String>`.
fn credentials_args(kind: &SecurityKind) -> &'static [&'static str] {
    match kind {
        SecurityKind::ApiKey { .. } => &["key"],
        SecurityKind::Bearer => &["token"],
        SecurityKind::Basic => &["username", "password"],
        SecurityKind::ClientCredentials { .. } => &["client_id", "client_secret"],
    }
}

/// What a scheme's builder method does, in one sentence with spec values
/// as inline code: the method's doc summary, and the README's.
fn credentials_summary(scheme: &SecurityScheme) -> String {
    let name = code(&scheme.name);
    match &scheme.kind {
        SecurityKind::ApiKey { location, param_name, prefix } => {
            let place = match location {
                crate::ir::ApiKeyLocation::Header => "header",
                crate::ir::ApiKeyLocation::Query => "query parameter",
                crate::ir::ApiKeyLocation::Cookie => "cookie",
            };
            let shown = match prefix {
                Some(p) => code(&format!("{p} <key>")),
                None => "the key".to_string(),
            };
            format!("Authenticates with the {name} API key, sent as {shown} in the {} {place}.", code(param_name))
        }
        SecurityKind::Bearer => format!("Authenticates with the {name} scheme: sends `Authorization: Bearer <token>`."),
        SecurityKind::Basic => format!("Authenticates with the {name} scheme (HTTP basic)."),
        SecurityKind::ClientCredentials { token_url, .. } => format!(
            "Authenticates with the {name} scheme's OAuth 2.0 client-credentials flow: the client fetches a token from {}, caches it, and refreshes it before it expires.",
            code(token_url)
        ),
    }
}
