//! `Document`: the typed walk of a reference's pointer, and its bounds on a
//! chain load did not check (built here without load, which refuses cycles).

use crate::load::refs::MAX_REFERENCE_HOPS;
use crate::load::{parse_yaml, Loaded, SideTable};
use crate::lower::document::Document;
use openapiv3::{Parameter, Response, Schema, SchemaKind, Type};

/// A `Loaded` of `spec` as the typed parse reads it, with no checks.
fn loaded(spec: &str) -> Loaded {
    let api = serde_json::from_value(parse_yaml(spec).expect("YAML")).expect("an OpenAPI document");
    Loaded {
        api,
        raw: serde_json::Value::Null,
        side_table: SideTable::default(),
        original_version: "3.0.3".into(),
        warnings: Vec::new(),
        origins: Default::default(),
    }
}

fn document(loaded: &Loaded) -> Document<'_> {
    Document { api: &loaded.api, side: &loaded.side_table, loaded }
}

const SPEC: &str = "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a/{id}:
    parameters: [{$ref: '#/components/parameters/Id'}]
    get:
      parameters: [{in: query, name: q, schema: {type: array, items: {type: boolean}}}]
      responses:
        '2XX': {$ref: '#/components/responses/Ok'}
components:
  parameters:
    Id: {$ref: '#/components/parameters/Id2'}
    Id2: {in: path, name: id, required: true, schema: {type: integer}}
  responses:
    Ok:
      description: ok
      content:
        application/json:
          schema: {allOf: [{type: object, properties: {x: {type: string}}}]}
";

#[test]
fn a_reference_is_followed_through_every_kind_of_place_to_its_typed_node() {
    let loaded = loaded(SPEC);
    let document = document(&loaded);
    let (pointer, parameter) = document.resolve::<Parameter>("#/components/parameters/Id").expect("a parameter");
    assert_eq!((pointer.as_str(), parameter.parameter_data_ref().name.as_str()), ("/components/parameters/Id2", "id"));
    let (_, response) = document.resolve::<Response>("#/paths/~1a~1%7Bid%7D/get/responses/2xx").expect("a response");
    assert_eq!(response.description, "ok");
    let deep = "#/components/responses/Ok/content/application~1json/schema/allOf/0/properties/x";
    let (_, schema) = document.resolve::<Schema>(deep).expect("a schema inside a schema");
    assert!(matches!(schema.schema_kind, SchemaKind::Type(Type::String(_))));
    let items = "#/paths/~1a~1%7Bid%7D/get/parameters/0/schema/items";
    assert!(
        matches!(document.resolve::<Schema>(items), Some((_, s)) if matches!(s.schema_kind, SchemaKind::Type(Type::Boolean(_))))
    );
    let path_level = "#/paths/~1a~1%7Bid%7D/parameters/0";
    assert!(document.resolve::<Parameter>(path_level).is_some(), "a path item's parameter, its reference followed");
    assert!(document.resolve::<Schema>("#/components/parameters/Id2").is_none(), "a parameter is no schema");
    assert!(document.resolve::<Schema>("#/components/schemas/Nothing").is_none());
}

#[test]
fn a_cycle_or_a_chain_past_the_hop_limit_resolves_to_nothing() {
    let cycle = loaded(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    A: {$ref: '#/components/schemas/B'}
    B: {$ref: '#/components/schemas/A'}
",
    );
    assert!(document(&cycle).resolve::<Schema>("#/components/schemas/A").is_none());
    let mut chain =
        String::from("openapi: 3.0.3\ninfo: {title: T, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n");
    // S0 -> S1 -> ... -> S32, a string: from S1, 32 nodes looked up (the limit); from S0, 33.
    for hop in 0..MAX_REFERENCE_HOPS {
        chain.push_str(&format!("    S{hop}: {{$ref: '#/components/schemas/S{}'}}\n", hop + 1));
    }
    chain.push_str(&format!("    S{MAX_REFERENCE_HOPS}: {{type: string}}\n"));
    let long = loaded(&chain);
    assert!(document(&long).resolve::<Schema>("#/components/schemas/S0").is_none(), "past the limit");
    assert!(document(&long).resolve::<Schema>("#/components/schemas/S1").is_some(), "at the limit");
}
