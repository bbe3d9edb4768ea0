//! The builder methods of a streamed success body: `events()` for
//! server-sent events, `lines()` for JSON Lines. They stand beside `send()`,
//! which still reads the whole body (for an operation that also answers
//! `application/json`, the JSON answer).

use super::api_text::{literal, signature, ty_text, Lines, Tail, MARGIN};
use super::docs::{code, lines_text, lines_to_attrs};
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

/// [`render_streamed`] as formatted text (see `api_text`); `None` where a
/// line would pass the width, or for an operation without a streamed body.
pub(super) fn streamed_text(op: &Operation, error: &str, fallible: bool, api: &Api) -> Option<String> {
    let streamed = op.streamed.as_ref()?;
    let item = ty_text(&streamed.item, api);
    let request = if fallible { "self.request()" } else { "Ok(self.request())" };
    let until = "The stream ends when the server closes it or sends `[DONE]`; see [`crate::runtime::EventStream`] for reconnection and limits.";
    let (docs, name, stream_ty, call) = match (&streamed.framing, &streamed.by_event) {
        (Framing::EventStream, Some(union)) => (
            ["Sends the request asking for `text/event-stream` and streams the server-sent events, each `data` decoded as the type its `event:` name selects.", until],
            "events",
            format!("crate::runtime::EventStream<{}, {error}>", union.name),
            ["crate::runtime::EventStream::by_event(", "self.client", request, &format!("{}::from_event", union.name)].map(String::from).to_vec(),
        ),
        (Framing::EventStream, None) => (
            ["Sends the request asking for `text/event-stream` and streams the server-sent events, each `data` decoded.", until],
            "events",
            format!("crate::runtime::EventStream<{item}, {error}>"),
            ["crate::runtime::EventStream::new(", "self.client", request].map(String::from).to_vec(),
        ),
        (Framing::JsonLines, _) => (
            ["Sends the request and streams the response's JSON items, one per line, each decoded.", "See [`crate::runtime::JsonLines`] for its limits."],
            "lines",
            format!("crate::runtime::JsonLines<{item}, {error}>"),
            ["crate::runtime::JsonLines::new(", "self.client", request].map(String::from).to_vec(),
        ),
    };
    let mut lines = Lines::new(lines_text(&[docs[0].to_string(), String::new(), docs[1].to_string()], "    ")?);
    lines.line(4, "#[inline]");
    signature(&mut lines, &format!("pub fn {name}"), &["self"], &stream_ty);
    let (func, args) = call.split_first().expect("a call has a function");
    let one_line = format!("{func}{})", args.join(", "));
    if 8 + one_line.len() <= MARGIN {
        lines.line(8, &one_line);
    } else {
        lines.line(8, func);
        args.iter().for_each(|arg| lines.line(12, &format!("{arg},")));
        lines.line(8, ")");
    }
    lines.line(4, "}");
    lines.finish()
}

/// [`render_event_enum`] as formatted text; `None` where a line would pass
/// the width or a doc would stay an attribute, or for an operation without
/// an event union.
pub(super) fn event_enum_text(op: &Operation, api: &Api) -> Option<String> {
    let union = op.streamed.as_ref().and_then(|s| s.by_event.as_ref())?;
    let (name, other) = (&union.name, OTHER_EVENT_VARIANT);
    let mut lines = Lines::new(lines_text(
        &[format!(
            "An event of {}'s stream, by its `event:` name; [`{name}::{other}`] for a name the spec does not list.",
            code(&op.id)
        )],
        "",
    )?);
    lines.line(0, "#[derive(Debug, Clone, PartialEq)]");
    lines.line(0, &format!("pub enum {name} {{"));
    for v in &union.variants {
        let mut doc = vec![format!("`{}`", v.event.replace('`', "'"))];
        if let Some(description) = &v.description {
            doc.push(String::new());
            doc.extend(description.lines().map(str::to_owned));
        }
        lines.push_text(&lines_text(&doc, "    ")?);
        lines.line(4, &format!("{}({}),", v.name, ty_text(&v.data, api)));
    }
    lines.line(4, "/// An event the spec does not name (or one without a name), its `data` undecoded.");
    lines.line(4, &format!("{other} {{"));
    lines.line(8, "/// The `event:` name, if there was one.");
    lines.line(8, "event: Option<String>,");
    lines.line(8, "/// The event's `data`.");
    lines.line(8, "data: String,");
    lines.line(4, "},");
    lines.line(0, "}");
    lines.line(0, &format!("impl {name} {{"));
    // A comment: prettyplease never breaks it, however long.
    lines.push_text(
        "    /// Decodes `data` as the type `event` selects; an event the spec does not name is never an error.\n",
    );
    lines.line(4, "#[inline]");
    let ret = "Result<Self, serde_json::Error>";
    signature(&mut lines, "pub fn from_event", &["event: Option<&str>", "data: &str"], ret);
    lines.line(8, "match event {");
    for v in &union.variants {
        let arm = format!("Some({}) => serde_json::from_str(data).map(Self::{})", literal(&v.event), v.name);
        lines.line_then(12, &arm, Tail::UncountedComma);
    }
    lines.line(12, "_ => {");
    lines.line(16, &format!("Ok(Self::{other} {{"));
    lines.line(20, "event: event.map(str::to_owned),");
    lines.line(20, "data: data.to_owned(),");
    lines.line(16, "})");
    lines.line(12, "}");
    lines.line(8, "}");
    lines.line(4, "}");
    lines.line(0, "}");
    lines.finish()
}

#[cfg(test)]
mod tests {
    use super::super::apis::success_enum_text;
    use super::super::model_serde::tokens_text;
    use super::super::paging::stream_text;
    use super::*;
    use crate::ir::Success;

    /// The operations of a fixture, lowered as `generate` lowers them.
    fn api(fixture: &str) -> Api {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs").join(fixture);
        let text = std::fs::read_to_string(&path).expect("the fixture reads");
        crate::pipeline::analysed_api(&text, &crate::Settings::new("pin", "spec.yaml")).expect("the fixture lowers")
    }

    /// A decoding arm of an event enum may run one byte past the width for
    /// its comma, as prettyplease prints it, and no further: event names of
    /// every length give the same bytes on both roads, on each side of the edge.
    #[test]
    fn event_arms_at_the_width_match_the_formatter() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs/streams.yaml");
        let fixture = std::fs::read_to_string(path).expect("the fixture reads");
        let (mut as_text, mut as_tokens) = (0, 0);
        for length in 1..=24 {
            // `x.` adds a byte to the literal and none to the variant's name, so every arm length occurs.
            for name in ["x".repeat(length), format!("x.{}", "y".repeat(length))] {
                let spec = fixture.replace("record.removed", &name);
                super::super::api_text::tests::assert_spec_text_matches_formatter(&spec, &name);
                let api = crate::pipeline::analysed_api(&spec, &crate::Settings::new("pin", "spec.yaml")).unwrap();
                let op = api.modules.iter().flat_map(|m| &m.operations).find(|op| op.id == "followRecordChanges");
                match event_enum_text(op.expect("the operation"), &api) {
                    Some(_) => as_text += 1,
                    None => as_tokens += 1,
                }
            }
        }
        assert!(as_text > 0 && as_tokens > 0, "both sides of the width: {as_text} as text, {as_tokens} as tokens");
    }

    /// `api_text`'s two-road tests prove the bytes; this proves the paging
    /// and stream members, event unions and success enums of the fixtures
    /// take the text road at all (else those tests pass on tokens).
    #[test]
    fn stream_members_and_enums_of_the_fixtures_are_written_as_text() {
        let (mut paged, mut streamed, mut unions, mut several) = (0, 0, 0, 0);
        for fixture in ["paging.yaml", "streams.yaml", "binary-streams.yaml", "wildcard-responses.yaml"] {
            let api = api(fixture);
            for op in api.modules.iter().flat_map(|m| &m.operations) {
                let error = tokens_text(ty_tokens(&op.error_ty, Scope::Apis, &api));
                let fallible = op.body.is_some();
                if op.paging.is_some() && !fallible {
                    stream_text(op, &error, false, &api).unwrap_or_else(|| panic!("{}: paging as text", op.id));
                    paged += 1;
                }
                if op.streamed.is_some() {
                    // `streamed_text` takes the builder's own fallibility; either is text.
                    streamed_text(op, &error, fallible, &api).unwrap_or_else(|| panic!("{}: stream as text", op.id));
                    streamed += 1;
                }
                if op.streamed.as_ref().is_some_and(|s| s.by_event.is_some()) {
                    event_enum_text(op, &api).unwrap_or_else(|| panic!("{}: event enum as text", op.id));
                    unions += 1;
                }
                if matches!(op.success, Success::Several { .. }) {
                    success_enum_text(op, &api).unwrap_or_else(|| panic!("{}: success enum as text", op.id));
                    several += 1;
                }
            }
        }
        assert!(paged >= 8 && streamed >= 3 && unions >= 1 && several >= 2, "{paged} {streamed} {unions} {several}");
    }
}
