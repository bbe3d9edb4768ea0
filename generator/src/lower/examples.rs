//! The spec's example of an operation's success body, for the test double.

use super::document::Document;
use super::operations::{is_json, is_success};
use openapiv3::{Example, Response};

/// The first success response's JSON example (`example`, else the first of
/// `examples`, references followed), as compact JSON text; `None` when it
/// has none or a reference does not resolve (an example is documentation:
/// its absence is no error).
pub fn success_example(document: Document<'_>, op: &openapiv3::Operation) -> Option<String> {
    let (_, response) = op.responses.responses.iter().find(|(code, _)| is_success(code))?;
    let (_, response) = document.follow::<Response>(response, "")?;
    let (_, media) = response.content.iter().find(|(media, _)| is_json(media))?;
    let value = match &media.example {
        Some(value) => value,
        None => document.follow::<Example>(media.examples.values().next()?, "")?.1.value.as_ref()?,
    };
    // A backtick is written `\u0060`, the same JSON, so that no example can
    // close the Markdown code block its docs show it in.
    serde_json::to_string(value).ok().map(|json| json.replace('`', "\\u0060"))
}
