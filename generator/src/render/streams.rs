//! The builder methods of a streamed success body: `events()` for
//! server-sent events, `lines()` for JSON Lines. They stand beside `send()`,
//! which still reads the whole body (for an operation that also answers
//! `application/json`, the JSON answer).

use super::docs::lines_to_attrs;
use super::{ty_tokens, Scope};
use crate::ir::{Api, Framing, Operation};
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
