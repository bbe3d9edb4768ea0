//! `src/mock.rs`: the test double (feature `mock`), one typed double per
//! operation over the runtime's `MockServer`.
//!
//! These are its tokens, the token road: `Settings::format_everything`
//! formats them whole. The file normally takes the text road
//! (`mock_text`), one part per tag, the same bytes without syn; both roads
//! read an operation's facts from [`OperationDouble`].
//!
//! Invariant: the whole module is behind `#[cfg(feature = "mock")]` in
//! `lib.rs`, so a crate built without the feature compiles none of it.

use super::docs::{code, lines_to_attrs, one_line};
use super::features::Gates;
use super::{ident, ty_tokens, Scope};
use crate::ir::{Api, ApiModule, BodyEncoding, BodyRead, Operation, Success};
use proc_macro2::TokenStream;
use quote::quote;

/// The longest example, in lines of pretty JSON, an operation's docs show.
const EXAMPLE_DOC_LINES: usize = 30;

/// The file's tokens.
pub fn render_mock(api: &Api, gates: &Gates) -> TokenStream {
    let accessors = api.modules.iter().map(|m| accessor_tokens(m, gates));
    let modules = api.modules.iter().map(|m| render_module(m, api, gates));
    quote! {
        //! A test double of the client (feature `mock`): a [`Client`](crate::Client) that
        //! answers from typed responses a test registers per operation, in process (no
        //! socket), and records the requests the code under test made.
        //!
        //! ```ignore
        //! let mock = Mock::new();
        //! mock.some_tag().some_operation().returns(value);
        //! let client = mock.mock_client();
        //! // ... the code under test calls `client` ...
        //! assert_eq!(mock.some_tag().some_operation().calls().len(), 1);
        //! ```
        #[allow(unused_imports)]
        use crate::models;

        /// The registered answers and recorded requests; clones share them.
        #[derive(Debug, Clone, Default)]
        pub struct Mock {
            server: crate::runtime::MockServer,
        }

        impl Mock {
            /// An empty double: every call fails until answers are registered.
            /// (`Mock::default()` too, unless a tag named `default` took the name.)
            pub fn new() -> Self {
                Mock { server: crate::runtime::MockServer::new() }
            }

            /// A client whose every request is answered by this mock: no socket is
            /// opened. Unmatched calls fail with `Error::Config` naming the operation.
            pub fn mock_client(&self) -> crate::Client {
                self.mock_client_builder().build().expect("a mock client has a valid base URL and no credentials")
            }

            /// A builder for a client answered by this mock, to add credentials,
            /// middleware, a retry policy or a deadline as the code under test does.
            pub fn mock_client_builder(&self) -> crate::ClientBuilder {
                crate::Client::builder().mock(&self.server)
            }

            /// Every request made so far, in order (each attempt of a retried call is one).
            pub fn recorded_requests(&self) -> Vec<crate::runtime::RecordedRequest> {
                self.server.requests()
            }

            #(#accessors)*
        }

        #(#modules)*
    }
}

/// `ApiTokenApiMock` for `ApiTokenApi`.
pub fn mock_struct_name(module: &ApiModule) -> String {
    format!("{}Mock", module.api_struct)
}

/// The docs of `Mock`'s accessor of a tag's doubles.
pub fn accessor_docs(module: &ApiModule) -> Vec<String> {
    vec![format!("The doubles of the operations tagged {}.", code(&module.tag))]
}

/// The docs of a tag's double.
pub fn module_docs(module: &ApiModule) -> Vec<String> {
    vec![format!(
        "The doubles of the operations tagged {}; get one with `Mock::{}`.",
        code(&module.tag),
        module.accessor
    )]
}

/// `Mock`'s accessor of a tag's doubles.
pub fn accessor_tokens(module: &ApiModule, gates: &Gates) -> TokenStream {
    let accessor = ident(&module.accessor);
    let mock_struct = ident(&mock_struct_name(module));
    let cfg = gates.module_cfg(&module.feature);
    let docs = lines_to_attrs(&accessor_docs(module));
    quote! {
        #docs
        #cfg
        pub fn #accessor(&self) -> #mock_struct<'_> {
            #mock_struct { server: &self.server }
        }
    }
}

/// A tag's double: its struct's declaration.
pub fn module_struct_tokens(module: &ApiModule, gates: &Gates) -> TokenStream {
    let mock_struct = ident(&mock_struct_name(module));
    let cfg = gates.module_cfg(&module.feature);
    let docs = lines_to_attrs(&module_docs(module));
    quote! {
        #docs
        #cfg
        #[derive(Debug, Clone, Copy)]
        pub struct #mock_struct<'a> {
            server: &'a crate::runtime::MockServer,
        }
    }
}

/// One tag's double: its struct and one method per operation.
pub fn render_module(module: &ApiModule, api: &Api, gates: &Gates) -> TokenStream {
    let mock_struct = ident(&mock_struct_name(module));
    let cfg = gates.module_cfg(&module.feature);
    let declaration = module_struct_tokens(module, gates);
    let methods = module.operations.iter().map(|op| operation_tokens(&OperationDouble::new(module, op, api)));
    quote! {
        #declaration

        #cfg
        impl<'a> #mock_struct<'a> {
            #(#methods)*
        }
    }
}

/// What one operation's double says: both roads print these facts.
pub struct OperationDouble {
    /// The method's name (the operation's builder method's).
    pub method: String,
    /// The success type the double answers with.
    pub success: TokenStream,
    /// The error body's type.
    pub error: TokenStream,
    /// The JSON request body's type (`()` for any other body).
    pub request_body: TokenStream,
    /// The `crate::runtime::MockBody` variant `returns` writes with.
    pub body_kind: &'static str,
    /// The status `returns` answers with.
    pub status: u16,
    /// The operation id.
    pub id: String,
    /// The method, upper case (`GET`).
    pub http_method: String,
    /// The path template.
    pub path: String,
    /// The spec's example of the success body, as JSON text.
    pub example: Option<String>,
    /// The method's docs, as Markdown lines.
    pub docs: Vec<String>,
}

impl OperationDouble {
    /// The facts of `op`'s double, in the tag `module`.
    pub fn new(module: &ApiModule, op: &Operation, api: &Api) -> Self {
        let (success, body_kind, status) = success_shape(op, api);
        let request_body = match &op.body {
            Some(body) if matches!(body.encoding, BodyEncoding::Json | BodyEncoding::VendorJson) => {
                ty_tokens(&body.ty, Scope::Apis, api)
            }
            _ => quote! { () },
        };
        OperationDouble {
            method: op.method_name.clone(),
            success,
            error: ty_tokens(&op.error_ty, Scope::Apis, api),
            request_body,
            body_kind,
            status,
            id: op.id.clone(),
            http_method: op.http_method.as_str().to_ascii_uppercase(),
            path: op.path.clone(),
            example: op.success_example.clone(),
            docs: operation_docs(module, op),
        }
    }
}

/// The success type the double answers with, the `MockBody` variant it is
/// written with, and the status `returns` uses.
fn success_shape(op: &Operation, api: &Api) -> (TokenStream, &'static str, u16) {
    let Success::Single { ty, read } = &op.success else {
        return (quote! { () }, "Raw", 200);
    };
    match read {
        BodyRead::Json | BodyRead::Negotiated(_) => (ty_tokens(ty, Scope::Apis, api), "Json", 200),
        BodyRead::Text => (quote! { String }, "Text", 200),
        BodyRead::Bytes | BodyRead::Stream => (quote! { bytes::Bytes }, "Bytes", 200),
        BodyRead::Empty => (quote! { () }, "Empty", 204),
    }
}

/// One operation's double.
pub fn operation_tokens(double: &OperationDouble) -> TokenStream {
    let OperationDouble { success, error, request_body, status, id, http_method, path, .. } = double;
    let method = ident(&double.method);
    let body_kind = ident(double.body_kind);
    let example = match &double.example {
        Some(json) => quote! { Some(#json) },
        None => quote! { None },
    };
    let docs = lines_to_attrs(&double.docs);
    quote! {
        #docs
        pub fn #method(&self) -> crate::runtime::MockOperation<'a, #success, #error, #request_body> {
            const SPEC: crate::runtime::MockSpec = crate::runtime::MockSpec {
                operation_id: #id,
                method: #http_method,
                path: #path,
                status: #status,
                body: crate::runtime::MockBody::#body_kind,
                example: #example,
            };
            crate::runtime::MockOperation::new(self.server, &SPEC)
        }
    }
}

/// The docs of an operation's double: what it stands for, the spec's
/// summary, and its example response.
fn operation_docs(module: &ApiModule, op: &Operation) -> Vec<String> {
    let mut lines = vec![format!(
        "The double of `client.{}().{}()`: {} {} (operation {}).",
        module.accessor,
        op.method_name,
        op.http_method.as_str().to_ascii_uppercase(),
        code(&op.path),
        code(&op.id)
    )];
    if let Some(summary) = &op.docs.summary {
        lines.push(String::new());
        lines.push(one_line(summary));
    }
    if let Some(json) = &op.success_example {
        let pretty = serde_json::from_str::<serde_json::Value>(json)
            .and_then(|value| serde_json::to_string_pretty(&value))
            .unwrap_or_else(|_| json.clone());
        let shown: Vec<&str> = pretty.lines().take(EXAMPLE_DOC_LINES).collect();
        let cut = if pretty.lines().count() > EXAMPLE_DOC_LINES { " (its first lines)" } else { "" };
        lines.push(String::new());
        lines.push(format!("`returns_example()` answers with the spec's example{cut}:"));
        lines.push("```json".to_owned());
        // Backticks in strings stay `\u0060` (see `lower::examples`).
        lines.extend(shown.iter().map(|line| line.replace('`', "\\u0060")));
        lines.push("```".to_owned());
    }
    lines
}
