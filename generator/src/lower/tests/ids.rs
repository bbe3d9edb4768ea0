//! Type ids: lowering hands them out as names are claimed (document order)
//! and renumbers them to indices of `Api::types` (name order) at the end.

use super::*;

/// Every id in the IR, with the name of the type it stands for.
fn every_reference(api: &Api) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for def in &api.types {
        for ty in def.kind.tys() {
            out.push((def.name.clone(), self::ty(api, ty)));
        }
    }
    for op in api.modules.iter().flat_map(|m| &m.operations) {
        for ty in op.tys() {
            out.push((op.id.clone(), self::ty(api, ty)));
        }
    }
    out
}

#[test]
fn ids_are_indices_in_name_order_wherever_they_stand() {
    // Names are claimed Zoo, Mid, Apple, ZooKeeper, GetZooResponse, which
    // is not name order: every id must have been renumbered.
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /zoo:
    get:
      operationId: getZoo
      parameters:
        - {name: kind, in: query, schema: {$ref: '#/components/schemas/Apple'}}
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object, properties: {zoo: {$ref: '#/components/schemas/Zoo'}}}}}}
        default: {description: error, content: {application/json: {schema: {$ref: '#/components/schemas/Mid'}}}}
components:
  schemas:
    Zoo: {type: object, properties: {keeper: {type: object, properties: {mid: {$ref: '#/components/schemas/Mid'}}}}}
    Mid: {type: array, items: {$ref: '#/components/schemas/Apple'}}
    Apple: {type: string, enum: [red]}
",
    );
    let names: Vec<&str> = api.types.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["Apple", "GetZooResponse", "Mid", "Zoo", "ZooKeeper"]);
    let expected = [
        ("GetZooResponse", "Zoo"),
        ("Mid", "Vec<Apple>"),
        ("Zoo", "ZooKeeper"),
        ("ZooKeeper", "Mid"),
        ("getZoo", "Apple"),
        ("getZoo", "Mid"),
        ("getZoo", "GetZooResponse"),
    ];
    let expected: Vec<(String, String)> = expected.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
    assert_eq!(every_reference(&api), expected);
}
