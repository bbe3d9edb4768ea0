//! The builder methods of a streamed success body: `events()` for
//! server-sent events, `lines()` for JSON Lines. They stand beside `send()`,
//! which still reads the whole body (for an operation that also answers
//! `application/json`, the JSON answer).

use super::docs::{code, lines_to_attrs};
use super::{ident, ty_tokens, Scope};
use crate::ir::{Api, EventUnion, Framing, Operation};
use crate::naming::OTHER_EVENT_VARIANT;
use proc_macro2::TokenStream;
use quote::quote;

/// `events()` or `lines()` for an operation with a streamed body; nothing otherwise.
pub(super) fn render_streamed(op: &Operation, error_ty: &TokenStream, fallible: bool, api: &Api) -> TokenStream {
    let Some(streamed) = &op.streamed else { return quote! {} };
    let item = ty_tokens(&streamed.item, Scope::Apis, api);
    let request = if fallible {
        quote! { self.request() }
    } else {
        quote! { Ok(self.request()) }
    };
    match streamed.framing {
        Framing::EventStream if streamed.by_event.is_some() => {
            let union = streamed.by_event.as_ref().map(|u| ident(&u.name));
            let docs = lines_to_attrs(&[
                "Sends the request asking for `text/event-stream` and streams the server-sent events, each `data` decoded as the type its `event:` name selects."
                    .to_string(),
                String::new(),
                "The stream ends when the server closes it or sends `[DONE]`; see [`crate::runtime::EventStream`] for reconnection and limits."
                    .to_string(),
            ]);
            quote! {
                #docs
                #[inline]
                pub fn events(self) -> crate::runtime::EventStream<#union, #error_ty> {
                    crate::runtime::EventStream::by_event(self.client, #request, #union::from_event)
                }
            }
        }
        Framing::EventStream => {
            let docs = lines_to_attrs(&[
                "Sends the request asking for `text/event-stream` and streams the server-sent events, each `data` decoded."
                    .to_string(),
                String::new(),
                "The stream ends when the server closes it or sends `[DONE]`; see [`crate::runtime::EventStream`] for reconnection and limits."
                    .to_string(),
            ]);
            quote! {
                #docs
                #[inline]
                pub fn events(self) -> crate::runtime::EventStream<#item, #error_ty> {
                    crate::runtime::EventStream::new(self.client, #request)
                }
            }
        }
        Framing::JsonLines => {
            let docs = lines_to_attrs(&[
                "Sends the request and streams the response's JSON items, one per line, each decoded.".to_string(),
                String::new(),
                "See [`crate::runtime::JsonLines`] for its limits.".to_string(),
            ]);
            quote! {
                #docs
                #[inline]
                pub fn lines(self) -> crate::runtime::JsonLines<#item, #error_ty> {
                    crate::runtime::JsonLines::new(self.client, #request)
                }
            }
        }
    }
}

/// The enum of a stream's events by name, with its decoder; nothing for
/// an operation without one.
pub(super) fn render_event_enum(op: &Operation, api: &Api) -> TokenStream {
    let Some(union) = op.streamed.as_ref().and_then(|s| s.by_event.as_ref()) else { return quote! {} };
    event_enum(union, &op.id, api)
}

fn event_enum(union: &EventUnion, operation: &str, api: &Api) -> TokenStream {
    let name = ident(&union.name);
    let other = ident(OTHER_EVENT_VARIANT);
    let docs = lines_to_attrs(&[format!(
        "An event of {}'s stream, by its `event:` name; [`{}::{}`] for a name the spec does not list.",
        code(operation),
        union.name,
        OTHER_EVENT_VARIANT
    )]);
    let decls = union.variants.iter().map(|v| {
        let variant = ident(&v.name);
        let ty = ty_tokens(&v.data, Scope::Apis, api);
        let mut lines = vec![format!("`{}`", v.event.replace('`', "'"))];
        if let Some(description) = &v.description {
            lines.push(String::new());
            lines.extend(description.lines().map(str::to_owned));
        }
        let doc = lines_to_attrs(&lines);
        quote! { #doc #variant(#ty), }
    });
    let arms = union.variants.iter().map(|v| {
        let (variant, event) = (ident(&v.name), &v.event);
        quote! { Some(#event) => serde_json::from_str(data).map(Self::#variant), }
    });
    quote! {
        #docs
        #[derive(Debug, Clone, PartialEq)]
        pub enum #name {
            #(#decls)*
            /// An event the spec does not name (or one without a name), its `data` undecoded.
            #other {
                /// The `event:` name, if there was one.
                event: Option<String>,
                /// The event's `data`.
                data: String,
            },
        }

        impl #name {
            /// Decodes `data` as the type `event` selects; an event the spec does not name is never an error.
            #[inline]
            pub fn from_event(event: Option<&str>, data: &str) -> Result<Self, serde_json::Error> {
                match event {
                    #(#arms)*
                    _ => Ok(Self::#other { event: event.map(str::to_owned), data: data.to_owned() }),
                }
            }
        }
    }
}
