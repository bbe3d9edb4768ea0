//! How a builder's `request()` asks for its success bodies: the `Accept`
//! media types, and which 2xx bodies the runtime leaves unread for a
//! `Download` (every 2xx for a lone binary success; for a success enum, the
//! statuses its binary variants stand for, so the others are read whole).

use crate::ir::{BodyRead, Operation, StatusMatch, Success, SuccessVariant};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// What `request()` says of the response bodies it wants.
pub(super) struct Reading {
    /// Media types for `Accept`, in order.
    accept: &'static [&'static str],
    streamed: Streamed,
}

/// Which 2xx bodies are left unread.
enum Streamed {
    None,
    /// `request.stream_response()`.
    Every2xx,
    /// `request.stream_response_on(..)`: inclusive ranges of statuses.
    Only(Vec<(u16, u16)>),
}

/// The success variants in the order the generated `match` on the status
/// tries them: codes before ranges.
pub(super) fn match_order(variants: &[SuccessVariant]) -> Vec<&SuccessVariant> {
    let mut ordered: Vec<_> = variants.iter().collect();
    ordered.sort_by_key(|v| v.status);
    ordered
}

/// How `op`'s call reads its success bodies.
pub(super) fn reading(op: &Operation) -> Reading {
    let reads: Vec<&BodyRead> = match &op.success {
        Success::Single { read, .. } => vec![read],
        Success::Several { variants, .. } => variants.iter().map(|v| &v.read).collect(),
    };
    let streamed = match &op.success {
        Success::Single { read: BodyRead::Stream, .. } => Streamed::Every2xx,
        Success::Single { .. } => Streamed::None,
        Success::Several { variants, .. } => {
            let ordered = match_order(variants);
            let streams =
                |code: u16| ordered.iter().find(|v| covers(v.status, code)).is_some_and(|v| v.read == BodyRead::Stream);
            let ranges = ranges((200..=299).filter(|code| streams(*code)));
            if ranges.is_empty() {
                Streamed::None
            } else {
                Streamed::Only(ranges)
            }
        }
    };
    // A body the spec does not say is JSON may come as anything, and a
    // download beside a JSON success is not JSON: JSON is asked for first,
    // and anything else still accepted (a decode error then carries it).
    let json = reads.iter().any(|r| **r == BodyRead::Json);
    let negotiated = reads.iter().any(|r| matches!(r, BodyRead::Negotiated(_)));
    let accept: &'static [&'static str] = if negotiated || (json && matches!(streamed, Streamed::Only(_))) {
        &["application/json", "*/*;q=0.8"]
    } else if json {
        &["application/json"]
    } else {
        &[]
    };
    Reading { accept, streamed }
}

fn covers(status: StatusMatch, code: u16) -> bool {
    match status {
        StatusMatch::Code(n) => n == code,
        StatusMatch::Range(first) => code / 100 == first,
    }
}

/// Ascending codes as inclusive ranges of consecutive ones.
fn ranges(codes: impl Iterator<Item = u16>) -> Vec<(u16, u16)> {
    let mut ranges: Vec<(u16, u16)> = Vec::new();
    for code in codes {
        match ranges.last_mut() {
            Some((_, high)) if high.checked_add(1) == Some(code) => *high = code,
            _ => ranges.push((code, code)),
        }
    }
    ranges
}

impl Reading {
    /// The statements, one a line, as prettyplease writes them.
    pub(super) fn statements(&self) -> Vec<String> {
        let mut lines: Vec<String> = self.accept.iter().map(|media| format!("request.accept({media:?});")).collect();
        match &self.streamed {
            Streamed::None => {}
            Streamed::Every2xx => lines.push("request.stream_response();".into()),
            Streamed::Only(ranges) => {
                let ranges: Vec<String> = ranges.iter().map(|(low, high)| format!("({low}, {high})")).collect();
                lines.push(format!("request.stream_response_on(&[{}]);", ranges.join(", ")));
            }
        }
        lines
    }

    /// The statements as tokens.
    pub(super) fn tokens(&self) -> TokenStream {
        let accept = self.accept;
        let streamed = match &self.streamed {
            Streamed::None => quote! {},
            Streamed::Every2xx => quote! { request.stream_response(); },
            Streamed::Only(ranges) => {
                let ranges = ranges.iter().map(|(low, high)| {
                    let (low, high) = (Literal::u16_unsuffixed(*low), Literal::u16_unsuffixed(*high));
                    quote! { (#low, #high) }
                });
                quote! { request.stream_response_on(&[#(#ranges),*]); }
            }
        };
        quote! {
            #(request.accept(#accept);)*
            #streamed
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ranges;

    #[test]
    fn consecutive_codes_make_one_range() {
        assert_eq!(ranges([200, 201, 202, 206, 208, 209].into_iter()), [(200, 202), (206, 206), (208, 209)]);
        assert_eq!(ranges(std::iter::empty()), []);
    }
}
