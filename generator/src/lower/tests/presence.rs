//! Nullable and required: the four presences.

use super::*;

#[test]
fn required_and_nullable_combine_into_the_four_presences() {
    let api = lower_schemas(
        "    Pet:
      type: object
      required: [req, req_null]
      properties:
        req: {type: string}
        req_null: {type: string, nullable: true}
        opt: {type: string}
        opt_null: {type: string, nullable: true}
",
    );
    let presence = |wire: &str| field(&api, "Pet", wire).presence;
    assert_eq!(presence("req"), Presence::Required);
    assert_eq!(presence("req_null"), Presence::RequiredNullable);
    assert_eq!(presence("opt"), Presence::Optional);
    assert_eq!(presence("opt_null"), Presence::OptionalNullable);
}

#[test]
fn a_reference_to_a_nullable_component_is_nullable() {
    let api = lower_schemas(
        "    MaybeName:
      type: string
      nullable: true
    Holder:
      type: object
      required: [name]
      properties:
        name: {$ref: '#/components/schemas/MaybeName'}
",
    );
    let name = field(&api, "Holder", "name");
    assert_eq!(name.ty, named(&api, "MaybeName"));
    assert_eq!(name.presence, Presence::RequiredNullable);
}

#[test]
fn openapi_3_1_null_in_a_type_array_is_nullable() {
    let api = lower_spec(
        "openapi: 3.1.0
info: {title: T, version: '1'}
paths: {}
components:
  schemas:
    Holder:
      type: object
      required: [a]
      properties:
        a: {type: [string, 'null']}
        b: {type: [integer, 'null']}
",
    )
    .0;
    assert_eq!(field(&api, "Holder", "a").presence, Presence::RequiredNullable);
    assert_eq!(field(&api, "Holder", "a").ty, Ty::String);
    assert_eq!(field(&api, "Holder", "b").presence, Presence::OptionalNullable);
    assert_eq!(field(&api, "Holder", "b").ty, Ty::I64);
}

#[test]
fn required_read_only_and_write_only_fields_are_optional() {
    let api = lower_schemas(
        "    Pet:
      type: object
      required: [id, password, name]
      properties:
        id: {type: integer, readOnly: true}
        password: {type: string, format: password, writeOnly: true}
        name: {type: string}
",
    );
    assert_eq!(field(&api, "Pet", "id").presence, Presence::Optional, "a request never carries it");
    assert_eq!(field(&api, "Pet", "password").presence, Presence::Optional, "a response never carries it");
    assert_eq!(field(&api, "Pet", "name").presence, Presence::Required);
    assert!(field(&api, "Pet", "password").secret, "format: password is a secret");
}
