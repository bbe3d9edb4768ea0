//! Server-sent events whose `event:` name selects the type of their `data`.
//!
//! The item schema of a `text/event-stream` response says so when it is a
//! `oneOf`/`anyOf` (nested through references, as OpenAI's
//! `AssistantStreamEvent` nests `RunStreamEvent` and friends) of objects
//! that each fix the `event` property to one name and carry `data`: the
//! name as a `const` (OpenAPI 3.2's `itemSchema` examples), a one-value
//! `enum` (OpenAI's `x-stainless-const` ones; 3.1's `const` after the
//! normalisation), or a `discriminator` on `event` whose mapping names the
//! variant. Any variant not of that shape and the stream stays one type,
//! as before. (A `data` given as a string with a `contentSchema`, 3.2's
//! JSON-in-a-string, is not read: the normalisation drops `contentSchema`,
//! so such data stays a string.)

use std::collections::BTreeSet;

use super::document::{Document, Node, SchemaParts};
use super::types::TypeLowering;
use crate::diagnostics::pointer_join;
use crate::ir::{EventUnion, EventVariant};
use crate::naming::{type_name, variant_name, UniqueNames, OTHER_EVENT_VARIANT};
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

/// How deep unions may nest (references followed included).
const MAX_DEPTH: usize = 8;

/// One event variant as found, before its `data` is lowered.
struct Found<'a> {
    event: String,
    data: &'a ReferenceOr<Box<Schema>>,
    data_pointer: String,
    description: Option<String>,
}

/// The union of `schema`'s events (at `pointer`), if every variant names
/// its event; its name is claimed from `hint`.
pub(super) fn event_union(
    types: &mut TypeLowering<'_>,
    document: Document<'_>,
    schema: Node<'_>,
    pointer: &str,
    hint: &str,
) -> Option<EventUnion> {
    let mut found = Vec::new();
    collect(document, schema, pointer, None, 0, &mut Expanded::new(), &mut found)?;
    if found.is_empty() {
        return None;
    }
    let name = types.claim_name(hint);
    let mut names = UniqueNames::with_reserved([OTHER_EVENT_VARIANT]);
    let mut seen = BTreeSet::new();
    // An event named twice decodes as its first variant.
    found.retain(|f| seen.insert(f.event.clone()));
    let variants = found
        .into_iter()
        .map(|f| {
            let variant = names.claim(variant_name(&f.event));
            let schema = match f.data {
                ReferenceOr::Reference { reference } => ReferenceOr::Reference { reference: reference.clone() },
                ReferenceOr::Item(schema) => ReferenceOr::Item(Schema::clone(schema)),
            };
            let data = types.lower(&schema, &type_name(&format!("{name}{variant}Data")), &f.data_pointer).ty;
            EventVariant { event: f.event, name: variant, data, description: f.description }
        })
        .collect();
    Some(EventUnion { name, variants })
}

/// The references already followed, with the name a mapping gave them:
/// following one again adds only events already found (the first of a name
/// wins), and a spec whose unions repeat references level after level would
/// otherwise be walked a number of times exponential in its depth.
type Expanded = BTreeSet<(String, Option<String>)>;

/// Adds the events of `schema` to `out`; `None` when one is not an event
/// with a fixed name and `data`. `named` is the name a discriminator's
/// mapping gives the schema.
fn collect<'a>(
    document: Document<'a>,
    schema: Node<'a>,
    pointer: &str,
    named: Option<&str>,
    depth: usize,
    expanded: &mut Expanded,
    out: &mut Vec<Found<'a>>,
) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    let schema = match schema {
        Node::Reference(reference) => {
            let (target_pointer, target) = document.target(reference)?;
            if !expanded.insert((target_pointer.as_str().to_owned(), named.map(str::to_owned))) {
                return Some(());
            }
            return collect(document, target, target_pointer.as_str(), named, depth.saturating_add(1), expanded, out);
        }
        Node::Schema(schema) => schema,
        _ => return None,
    };
    let parts = SchemaParts::of(schema);
    for (key, variants) in [("oneOf", parts.one_of), ("anyOf", parts.any_of)] {
        if variants.is_empty() {
            continue;
        }
        let mapping = event_mapping(schema);
        for (index, variant) in variants.iter().enumerate() {
            let reference = match variant {
                ReferenceOr::Reference { reference } => Some(reference.as_str()),
                ReferenceOr::Item(_) => None,
            };
            let name = reference.and_then(|r| mapping.iter().find(|(_, target)| *target == r)).map(|(n, _)| n.as_str());
            let variant_pointer = pointer_join(&pointer_join(pointer, key), &index.to_string());
            let node = super::document::schema_node(variant);
            collect(document, node, &variant_pointer, name, depth.saturating_add(1), expanded, out)?;
        }
        return Some(());
    }
    let properties = parts.properties?;
    let properties_pointer = pointer_join(pointer, "properties");
    let event = properties
        .get("event")
        .and_then(|e| single_value(document, e, &pointer_join(&properties_pointer, "event")))
        .or_else(|| named.map(str::to_owned))?;
    let data = properties.get("data")?;
    let data_pointer = pointer_join(&properties_pointer, "data");
    let description = schema.schema_data.description.clone();
    out.push(Found { event, data, data_pointer, description });
    Some(())
}

/// A discriminator on `event`: its mapping, name to reference.
fn event_mapping(schema: &Schema) -> Vec<(&String, &String)> {
    match &schema.schema_data.discriminator {
        Some(discriminator) if discriminator.property_name == "event" => discriminator.mapping.iter().collect(),
        _ => Vec::new(),
    }
}

/// The one string a property schema (at `pointer`) allows: its `const`
/// (kept by load's side table), or an `enum` of one.
fn single_value(document: Document<'_>, schema: &ReferenceOr<Box<Schema>>, pointer: &str) -> Option<String> {
    let (pointer, schema) = match schema {
        ReferenceOr::Reference { reference } => match document.target(reference)? {
            (target, Node::Schema(schema)) => (target.as_str().to_owned(), schema),
            _ => return None,
        },
        ReferenceOr::Item(schema) => (pointer.to_owned(), &**schema),
    };
    if let Some(value) = document.side.consts.get(&pointer) {
        return Some(value.clone());
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => match string.enumeration.as_slice() {
            [Some(only)] => Some(only.clone()),
            _ => None,
        },
        SchemaKind::Any(any) => match any.enumeration.as_slice() {
            [only] => only.as_str().map(str::to_owned),
            _ => None,
        },
        _ => None,
    }
}
