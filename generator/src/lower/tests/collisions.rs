//! Naming collisions.

use super::*;

#[test]
fn component_names_equal_after_case_conversion_get_suffixes_in_document_order() {
    let api = lower_schemas(
        "    pet:
      type: object
      properties:
        a: {type: string}
    Pet:
      type: object
      properties:
        b: {type: string}
",
    );
    assert_eq!(wire_names(&api, "Pet"), ["a"], "the first in the document keeps the plain name");
    assert_eq!(wire_names(&api, "Pet2"), ["b"]);
}

#[test]
fn inline_type_named_like_a_component_gets_a_suffix_not_the_components_name() {
    let api = lower_schemas(
        "    Job:
      type: object
      properties:
        mode: {type: string, enum: [fast, slow]}
    JobMode:
      type: object
      properties:
        x: {type: string}
",
    );
    assert_eq!(wire_names(&api, "JobMode"), ["x"], "components are named before any inline type");
    let mode = &field(&api, "Job", "mode").ty;
    assert_eq!(mode, &named(&api, "JobMode2"));
    assert!(matches!(type_def(&api, "JobMode2").kind, TypeKind::Enum { .. }));
}

#[test]
fn field_names_equal_after_snake_case_get_suffixes_and_additional_properties_is_reserved() {
    let api = lower_schemas(
        "    Thing:
      type: object
      properties:
        fooBar: {type: string}
        foo_bar: {type: string}
        additional_properties: {type: string}
",
    );
    let names: Vec<(&str, &str)> =
        fields(&api, "Thing").iter().map(|f| (f.name.as_str(), f.wire_name.as_str())).collect();
    assert_eq!(
        names,
        [("foo_bar", "fooBar"), ("foo_bar_2", "foo_bar"), ("additional_properties_2", "additional_properties")]
    );
}

#[test]
fn operation_method_names_are_unique_across_tags() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: getThing
      tags: [one]
      responses: {'204': {description: ok}}
  /b:
    get:
      operationId: get_thing
      tags: [two]
      responses: {'204': {description: ok}}
",
    );
    assert_eq!(operation(&api, "getThing").method_name, "get_thing");
    assert_eq!(operation(&api, "get_thing").method_name, "get_thing_2");
}

#[test]
fn parameter_named_like_a_builder_member_is_renamed() {
    let (api, _) = lower_spec(
        "openapi: 3.0.3
info: {title: T, version: '1'}
paths:
  /a:
    get:
      operationId: list
      parameters:
        - {name: send, in: query, schema: {type: string}}
      responses: {'204': {description: ok}}
",
    );
    let param = &operation(&api, "list").params[0];
    assert_eq!((param.name.as_str(), param.wire_name.as_str()), ("send2", "send"));
}
