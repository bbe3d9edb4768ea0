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

use super::types::TypeLowering;
use crate::diagnostics::pointer_join;
use crate::ir::{EventUnion, EventVariant, Ty};
use crate::load::refs;
use crate::naming::{type_name, variant_name, UniqueNames, OTHER_EVENT_VARIANT};
use openapiv3::{ReferenceOr, Schema};
use serde_json::Value;

/// How deep unions may nest (references followed included).
const MAX_DEPTH: usize = 8;

/// One event variant as found, before its `data` is lowered.
struct Found {
    event: String,
    data: Value,
    data_pointer: String,
    description: Option<String>,
}

/// The union of `schema`'s events (at `pointer`), if every variant names
/// its event; its name is claimed from `hint`.
pub(super) fn event_union(
    types: &mut TypeLowering<'_>,
    raw: &Value,
    schema: &Value,
    pointer: &str,
    hint: &str,
) -> Option<EventUnion> {
    let mut found = Vec::new();
    collect(raw, schema, pointer, None, 0, &mut Expanded::new(), &mut found)?;
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
            let data = match serde_json::from_value::<ReferenceOr<Schema>>(f.data) {
                Ok(schema) => types.lower(&schema, &type_name(&format!("{name}{variant}Data")), &f.data_pointer).ty,
                Err(_) => Ty::Json,
            };
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
fn collect(
    raw: &Value,
    schema: &Value,
    pointer: &str,
    named: Option<&str>,
    depth: usize,
    expanded: &mut Expanded,
    out: &mut Vec<Found>,
) -> Option<()> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let (target_pointer, target) = refs::target(raw, reference).ok()?;
        if !expanded.insert((target_pointer.as_str().to_owned(), named.map(str::to_owned))) {
            return Some(());
        }
        return collect(raw, target, target_pointer.as_str(), named, depth.saturating_add(1), expanded, out);
    }
    for key in ["oneOf", "anyOf"] {
        let Some(variants) = schema.get(key).and_then(Value::as_array) else { continue };
        let mapping = event_mapping(schema);
        for (index, variant) in variants.iter().enumerate() {
            let reference = variant.get("$ref").and_then(Value::as_str);
            let name = reference.and_then(|r| mapping.iter().find(|(_, target)| target == r)).map(|(n, _)| n.as_str());
            let variant_pointer = pointer_join(&pointer_join(pointer, key), &index.to_string());
            collect(raw, variant, &variant_pointer, name, depth.saturating_add(1), expanded, out)?;
        }
        return Some(());
    }
    let properties = schema.get("properties")?;
    let event = properties.get("event").and_then(|e| single_value(raw, e)).or_else(|| named.map(str::to_owned))?;
    let data = properties.get("data")?.clone();
    let data_pointer = pointer_join(&pointer_join(pointer, "properties"), "data");
    let description = schema.get("description").and_then(Value::as_str).map(str::to_owned);
    out.push(Found { event, data, data_pointer, description });
    Some(())
}

/// A discriminator on `event`: its mapping, name to reference.
fn event_mapping(schema: &Value) -> Vec<(String, String)> {
    let Some(discriminator) = schema.get("discriminator") else { return Vec::new() };
    if discriminator.get("propertyName").and_then(Value::as_str) != Some("event") {
        return Vec::new();
    }
    let Some(mapping) = discriminator.get("mapping").and_then(Value::as_object) else { return Vec::new() };
    mapping.iter().filter_map(|(name, target)| Some((name.clone(), target.as_str()?.to_owned()))).collect()
}

/// The one string a property schema allows: its `const`, or an `enum` of one.
fn single_value(raw: &Value, schema: &Value) -> Option<String> {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => refs::target(raw, reference).ok()?.1,
        None => schema,
    };
    if let Some(value) = schema.get("const").and_then(Value::as_str) {
        return Some(value.to_owned());
    }
    match schema.get("enum").and_then(Value::as_array).map(Vec::as_slice) {
        Some([only]) => only.as_str().map(str::to_owned),
        _ => None,
    }
}
