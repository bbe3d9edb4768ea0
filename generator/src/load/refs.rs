//! Following local references: the only way any stage after bundling
//! follows a `$ref` in the document (bundling follows other files' refs on
//! its own, `bundle/walk.rs`). One hop limit, one cycle rule, one error
//! type that names the chain.

use crate::pointer::JsonPointer;
use serde_json::Value;
use std::fmt;

/// The most references one chain may pass through (`A -> B -> ... -> X`)
/// before it reaches something that is not a reference. A real spec's
/// chains are a few hops long; the limit bounds the work a hostile one
/// can ask for, and load refuses longer chains with a located error, so
/// later stages never meet one.
pub const MAX_REFERENCE_HOPS: usize = 32;

/// Why a reference could not be followed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefError {
    /// Not a local reference (`other.yaml#/a`, `https://...`).
    External(String),
    /// A reference in the chain names no node (`chain` ends at it).
    Missing {
        /// The reference, as written.
        reference: String,
        /// The pointers looked up, the missing one last.
        chain: Vec<JsonPointer>,
    },
    /// The chain came back to a pointer it had passed (`chain` ends with it).
    Cycle(Vec<JsonPointer>),
    /// The chain passed [`MAX_REFERENCE_HOPS`] references.
    TooLong(Vec<JsonPointer>),
}

impl fmt::Display for RefError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let chain =
            |chain: &[JsonPointer]| chain.iter().map(JsonPointer::to_reference).collect::<Vec<_>>().join(" -> ");
        match self {
            Self::External(reference) => write!(f, "external reference `{reference}`"),
            Self::Missing { reference, chain: through } if through.len() > 1 => {
                write!(f, "unresolved reference `{reference}` (reached through {})", chain(through))
            }
            Self::Missing { reference, .. } => write!(f, "unresolved reference `{reference}`"),
            Self::Cycle(through) => write!(f, "reference cycle with no structure in it: {}", chain(through)),
            Self::TooLong(through) => write!(
                f,
                "reference chain longer than {MAX_REFERENCE_HOPS} references: {} -> ...",
                chain(&through[..through.len().min(4)])
            ),
        }
    }
}

/// A reference followed to its end.
#[derive(Clone, Debug)]
pub struct Resolved<'v> {
    /// Where the chain ends.
    pub pointer: JsonPointer,
    /// The node there, which is not a reference.
    pub value: &'v Value,
}

/// The node `reference` leads to in `document`, following references that
/// are only references (`{$ref: ...}`, siblings ignored as 3.0 says) to
/// the first node that is not one.
pub fn resolve<'v>(document: &'v Value, reference: &str) -> Result<Resolved<'v>, RefError> {
    let mut chain: Vec<JsonPointer> = Vec::new();
    let mut reference = reference;
    loop {
        let pointer = JsonPointer::from_reference(reference).ok_or_else(|| external_or_missing(reference, &chain))?;
        if chain.contains(&pointer) {
            chain.push(pointer);
            return Err(RefError::Cycle(chain));
        }
        if chain.len() == MAX_REFERENCE_HOPS {
            chain.push(pointer);
            return Err(RefError::TooLong(chain));
        }
        let Some(value) = pointer.lookup(document) else {
            chain.push(pointer);
            return Err(RefError::Missing { reference: reference.to_owned(), chain });
        };
        chain.push(pointer);
        match value.get("$ref").and_then(Value::as_str) {
            Some(next) => reference = next,
            None => {
                let pointer = chain.pop().unwrap_or_default();
                return Ok(Resolved { pointer, value });
            }
        }
    }
}

/// The node one reference names, without following it further.
pub fn target<'v>(document: &'v Value, reference: &str) -> Result<(JsonPointer, &'v Value), RefError> {
    let pointer = JsonPointer::from_reference(reference).ok_or_else(|| external_or_missing(reference, &[]))?;
    match pointer.lookup(document) {
        Some(value) => Ok((pointer, value)),
        None => Err(RefError::Missing { reference: reference.to_owned(), chain: vec![pointer] }),
    }
}

fn external_or_missing(reference: &str, chain: &[JsonPointer]) -> RefError {
    if reference.starts_with('#') {
        // A fragment that is no pointer (`#a`) names nothing.
        RefError::Missing { reference: reference.to_owned(), chain: chain.to_vec() }
    } else {
        RefError::External(reference.to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn chain(pointers: &[&str]) -> Vec<JsonPointer> {
        pointers.iter().map(|p| JsonPointer::parse(p).unwrap()).collect()
    }

    #[test]
    fn a_chain_of_references_ends_at_the_first_node_that_is_not_one() {
        let document = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/c", "description": "ignored"}, "c": {"x": 1}});
        let resolved = resolve(&document, "#/a").unwrap();
        assert_eq!((resolved.pointer.as_str(), resolved.value), ("/c", &json!({"x": 1})));
        assert_eq!(target(&document, "#/a").unwrap().1, &json!({"$ref": "#/b"}), "one hop only");
    }

    #[test]
    fn escaped_and_percent_encoded_tokens_are_followed() {
        let document = json!({"paths": {"/pets/{id}": {"x": 1}}, "a~b": {"$ref": "#/paths/~1pets~1%7Bid%7D/x"}});
        assert_eq!(resolve(&document, "#/a~0b").unwrap().pointer.as_str(), "/paths/~1pets~1{id}/x");
    }

    #[test]
    fn a_cycle_is_an_error_naming_it() {
        let document = json!({"a": {"$ref": "#/b"}, "b": {"$ref": "#/c"}, "c": {"$ref": "#/b"}});
        let error = resolve(&document, "#/a").unwrap_err();
        assert_eq!(error, RefError::Cycle(chain(&["/a", "/b", "/c", "/b"])));
        assert_eq!(error.to_string(), "reference cycle with no structure in it: #/a -> #/b -> #/c -> #/b");
        let itself = json!({"a": {"$ref": "#/a"}});
        assert_eq!(resolve(&itself, "#/a").unwrap_err(), RefError::Cycle(chain(&["/a", "/a"])));
    }

    #[test]
    fn the_hop_limit_is_exact() {
        // `r0 -> r1 -> ... -> rN -> end`: N + 1 references before the end.
        let long = |references: usize| {
            let mut document = serde_json::Map::new();
            for i in 0..references {
                let next = if i + 1 == references { "#/end".to_owned() } else { format!("#/r{}", i + 1) };
                document.insert(format!("r{i}"), json!({ "$ref": next }));
            }
            document.insert("end".into(), json!({"type": "string"}));
            Value::Object(document)
        };
        // The first reference is the caller's, then one per `rN`.
        let at_limit = long(MAX_REFERENCE_HOPS - 1);
        assert_eq!(resolve(&at_limit, "#/r0").unwrap().pointer.as_str(), "/end");
        let past = long(MAX_REFERENCE_HOPS);
        let error = resolve(&past, "#/r0").unwrap_err();
        assert!(matches!(&error, RefError::TooLong(c) if c.len() == MAX_REFERENCE_HOPS + 1), "{error:?}");
        assert!(error.to_string().starts_with("reference chain longer than 32 references: #/r0 -> #/r1"), "{error}");
    }

    #[test]
    fn a_missing_target_names_the_reference_and_how_it_was_reached() {
        let document = json!({"a": {"$ref": "#/b"}});
        let error = resolve(&document, "#/a").unwrap_err();
        assert_eq!(error.to_string(), "unresolved reference `#/b` (reached through #/a -> #/b)");
        assert_eq!(resolve(&document, "#/z").unwrap_err().to_string(), "unresolved reference `#/z`");
        assert_eq!(resolve(&document, "#z").unwrap_err().to_string(), "unresolved reference `#z`");
        assert_eq!(resolve(&document, "x.yaml#/a").unwrap_err(), RefError::External("x.yaml#/a".into()));
    }
}
