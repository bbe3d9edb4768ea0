//! `additionalProperties`: kept, closed, typed.

use super::*;

#[test]
fn additional_properties_absent_or_true_keeps_extras_as_json() {
    let api = lower_schemas(
        "    Absent:
      type: object
      properties:
        a: {type: string}
    True:
      type: object
      additionalProperties: true
      properties:
        a: {type: string}
",
    );
    assert_eq!(extra(&api, "Absent"), ExtraProperties::Keep);
    assert_eq!(extra(&api, "True"), ExtraProperties::Keep);
}

#[test]
fn additional_properties_false_closes_the_struct() {
    let api = lower_schemas(
        "    Closed:
      type: object
      additionalProperties: false
      properties:
        a: {type: string}
    Empty:
      type: object
      additionalProperties: false
",
    );
    assert_eq!(extra(&api, "Closed"), ExtraProperties::Closed);
    assert_eq!(extra(&api, "Empty"), ExtraProperties::Closed, "no properties and none allowed: an empty struct");
    assert!(fields(&api, "Empty").is_empty());
}

#[test]
fn additional_properties_schema_types_the_extras() {
    let api = lower_schemas(
        "    WithExtras:
      type: object
      properties:
        kind: {type: string}
      additionalProperties:
        type: object
        properties:
          n: {type: integer}
",
    );
    assert_eq!(extra(&api, "WithExtras"), ExtraProperties::Typed(named(&api, "WithExtrasValue")));
    assert_eq!(wire_names(&api, "WithExtrasValue"), ["n"]);
}

#[test]
fn object_with_only_typed_additional_properties_is_a_map_and_free_form_is_json() {
    let api = lower_schemas(
        "    Labels:
      type: object
      additionalProperties: {type: string}
    FreeForm:
      type: object
    Anything: {}
",
    );
    assert_eq!(alias(&api, "Labels").0, Ty::Map(Box::new(Ty::String)));
    assert_eq!(alias(&api, "FreeForm").0, Ty::Json);
    assert_eq!(alias(&api, "Anything").0, Ty::Json);
}

#[test]
fn additional_properties_of_an_all_of_come_from_the_member_that_declares_them() {
    let api = lower_schemas(
        "    Base:
      type: object
      additionalProperties: false
      properties:
        a: {type: string}
    Merged:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            b: {type: string}
",
    );
    assert_eq!(extra(&api, "Merged"), ExtraProperties::Closed);
}

#[test]
fn also_wrapped_in_marks_an_object_and_is_ignored_with_a_warning_where_it_cannot_apply() {
    let (api, warnings) = lower_spec(&schemas_spec(
        "    Key:
      type: object
      x-rust-also-wrapped-in: _embedded
      properties:
        kid: {type: string}
    Clash:
      type: object
      x-rust-also-wrapped-in: data
      properties:
        data: {type: string}
    Text:
      type: string
      x-rust-also-wrapped-in: value
    NotAName:
      type: object
      x-rust-also-wrapped-in: 3
      properties:
        a: {type: string}
",
    ));
    let wrapped = |name: &str| match &type_def(&api, name).kind {
        TypeKind::Struct { also_wrapped_in, .. } => also_wrapped_in.clone(),
        other => panic!("{name}: expected a struct, got {other:?}"),
    };
    assert_eq!(wrapped("Key").as_deref(), Some("_embedded"));
    assert!(type_def(&api, "Key").docs.notes.iter().any(|n| n.contains(r#"{"_embedded": {...}}"#)));
    assert_eq!(wrapped("Clash"), None, "the key is one of its own properties");
    assert_eq!(wrapped("NotAName"), None);
    let at: Vec<&str> = warnings.iter().map(|w| w.pointer.as_str()).collect();
    assert_eq!(
        at,
        [
            "/components/schemas/Clash/x-rust-also-wrapped-in",
            "/components/schemas/Text/x-rust-also-wrapped-in",
            "/components/schemas/NotAName/x-rust-also-wrapped-in",
        ]
    );
}
