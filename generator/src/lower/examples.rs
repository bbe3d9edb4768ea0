//! The spec's example of an operation's success body, for the test double.

use super::operations::{is_json, is_success};
use crate::load::refs;
use openapiv3::{Example, ReferenceOr};
use serde_json::Value;

/// The first success response's JSON example (`example`, else the first of
/// `examples`, references followed), as compact JSON text; `None` when it
/// has none or a reference does not resolve (an example is documentation:
/// its absence is no error).
pub fn success_example(raw: &Value, op: &openapiv3::Operation) -> Option<String> {
    let (_, response) = op.responses.responses.iter().find(|(code, _)| is_success(code))?;
    let response = match response {
        ReferenceOr::Item(response) => std::borrow::Cow::Borrowed(response),
        ReferenceOr::Reference { reference } => {
            std::borrow::Cow::Owned(serde_json::from_value(follow(raw, reference)?.clone()).ok()?)
        }
    };
    let (_, media) = response.content.iter().find(|(media, _)| is_json(media))?;
    let value = match &media.example {
        Some(value) => value.clone(),
        None => match media.examples.values().next()? {
            ReferenceOr::Item(Example { value, .. }) => value.clone()?,
            ReferenceOr::Reference { reference } => follow(raw, reference)?.get("value")?.clone(),
        },
    };
    // A backtick is written `\u0060`, the same JSON, so that no example can
    // close the Markdown code block its docs show it in.
    serde_json::to_string(&value).ok().map(|json| json.replace('`', "\\u0060"))
}

/// The target of a local reference, following a chain of them ([`refs::resolve`]).
fn follow<'a>(raw: &'a Value, reference: &str) -> Option<&'a Value> {
    refs::resolve(raw, reference).ok().map(|resolved| resolved.value)
}
