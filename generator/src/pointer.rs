//! JSON pointers (RFC 6901) and the local references (`#/a/b`) that hold
//! them: the one place that knows `~0`/`~1` escaping and the
//! percent-encoding a reference's fragment may carry.

use serde_json::Value;
use std::fmt;

/// A JSON pointer, held as its escaped text (`/paths/~1pets~1{id}`); the
/// empty pointer is the whole document.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct JsonPointer(String);

impl JsonPointer {
    /// The pointer to the whole document.
    pub fn root() -> Self {
        Self(String::new())
    }

    /// A pointer from its escaped text: empty, or starting with `/`.
    pub fn parse(text: &str) -> Option<Self> {
        (text.is_empty() || text.starts_with('/')).then(|| Self(text.to_owned()))
    }

    /// The pointer a local reference (`#/a/b`) stands for; `None` for an
    /// external one. The fragment may percent-encode characters
    /// (`#/paths/~1pets~1%7Bid%7D`); an incomplete escape stays as written.
    pub fn from_reference(reference: &str) -> Option<Self> {
        Self::from_fragment(reference.strip_prefix('#')?)
    }

    /// The pointer a reference's fragment (what follows `#`, in this file or
    /// another) stands for, percent-decoded; `None` when it is no pointer.
    pub fn from_fragment(fragment: &str) -> Option<Self> {
        Self::parse(&percent_encoding::percent_decode_str(fragment).decode_utf8_lossy())
    }

    /// A pointer from unescaped tokens.
    pub fn from_tokens<'t>(tokens: impl IntoIterator<Item = &'t str>) -> Self {
        tokens.into_iter().fold(Self::root(), |pointer, token| pointer.join(token))
    }

    /// The escaped text (`/a~1b/c`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The local reference to this pointer (`#/a~1b/c`).
    pub fn to_reference(&self) -> String {
        format!("#{}", self.0)
    }

    /// This pointer with one more (unescaped) token.
    pub fn join(&self, token: &str) -> Self {
        Self(pointer_join(&self.0, token))
    }

    /// The unescaped tokens, first to last.
    pub fn tokens(&self) -> impl Iterator<Item = String> + '_ {
        self.0.split('/').skip(1).map(unescape_pointer_token)
    }

    /// The unescaped tokens after `prefix` (an escaped pointer, such as
    /// `/components/schemas`), if this pointer lies below it.
    pub fn tokens_after<'p>(&'p self, prefix: &str) -> Option<impl Iterator<Item = String> + 'p> {
        let rest = self.0.strip_prefix(prefix)?.strip_prefix('/')?;
        Some(rest.split('/').map(unescape_pointer_token))
    }

    /// The name of the component this pointer names exactly
    /// (`/components/schemas/<name>`, `section` being `/components/schemas`).
    pub fn component_name(&self, section: &str) -> Option<String> {
        let rest = self.0.strip_prefix(section)?.strip_prefix('/')?;
        (!rest.contains('/')).then(|| unescape_pointer_token(rest))
    }

    /// The parent's pointer and the last (unescaped) token; `None` for the root.
    pub fn split_last(&self) -> Option<(Self, String)> {
        let (parent, last) = self.0.rsplit_once('/')?;
        Some((Self(parent.to_owned()), unescape_pointer_token(last)))
    }

    /// The node this pointer names in `document`.
    pub fn lookup<'v>(&self, document: &'v Value) -> Option<&'v Value> {
        document.pointer(&self.0)
    }
}

impl fmt::Display for JsonPointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<JsonPointer> for String {
    fn from(pointer: JsonPointer) -> Self {
        pointer.0
    }
}

/// Escapes one reference token of a JSON pointer (`~` -> `~0`, `/` -> `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape_pointer_token`] (`~1` first, so `~01` is `~1`).
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends a token to a JSON pointer's escaped text. Every node the
/// stages visit gets a pointer, so this writes straight into one string.
pub fn pointer_join(base: &str, token: &str) -> String {
    let mut pointer = String::with_capacity(base.len() + 1 + token.len());
    pointer.push_str(base);
    push_token(&mut pointer, token);
    pointer
}

/// Appends `/` and `token`, escaped, to a pointer's text; a token with no
/// `~` or `/` (nearly all) is copied as it is.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if token.contains(['~', '/']) {
        pointer.push_str(&escape_pointer_token(token));
    } else {
        pointer.push_str(token);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn tokens_round_trip_through_escaping() {
        let pointer = JsonPointer::from_tokens(["paths", "/pets/{id}", "a~b", "~1"]);
        assert_eq!(pointer.as_str(), "/paths/~1pets~1{id}/a~0b/~01");
        assert_eq!(pointer.tokens().collect::<Vec<_>>(), ["paths", "/pets/{id}", "a~b", "~1"]);
        let (parent, last) = pointer.split_last().unwrap();
        assert_eq!((parent.as_str(), last.as_str()), ("/paths/~1pets~1{id}/a~0b", "~1"));
        assert_eq!(JsonPointer::root().split_last(), None);
        assert_eq!(pointer.to_reference(), "#/paths/~1pets~1{id}/a~0b/~01");
    }

    #[test]
    fn references_are_percent_decoded_once() {
        let pointer = JsonPointer::from_reference("#/paths/~1pets~1%7Bid%7D/x").unwrap();
        assert_eq!(pointer.tokens().collect::<Vec<_>>(), ["paths", "/pets/{id}", "x"]);
        assert_eq!(JsonPointer::from_reference("#/a%2").unwrap().as_str(), "/a%2", "an incomplete escape stays");
        assert_eq!(JsonPointer::from_reference("#/a%257B").unwrap().as_str(), "/a%7B", "decoded once, not twice");
        assert_eq!(JsonPointer::from_reference("#").unwrap(), JsonPointer::root());
        assert_eq!(JsonPointer::from_reference("other.yaml#/a"), None);
        assert_eq!(JsonPointer::from_reference("#a"), None, "a fragment that is no pointer");
    }

    #[test]
    fn lookup_and_component_names() {
        let document = json!({"components": {"schemas": {"a/b": {"x": 1}}}});
        let pointer = JsonPointer::from_reference("#/components/schemas/a~1b").unwrap();
        assert_eq!(pointer.lookup(&document), Some(&json!({"x": 1})));
        assert_eq!(pointer.component_name("/components/schemas").as_deref(), Some("a/b"));
        assert_eq!(pointer.join("x").component_name("/components/schemas"), None);
        let below = pointer.join("x").tokens_after("/components/schemas").unwrap().collect::<Vec<_>>();
        assert_eq!(below, ["a/b", "x"]);
    }
}
