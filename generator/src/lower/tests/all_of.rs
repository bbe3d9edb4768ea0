//! `allOf`: merged properties and required lists, references, and what cannot merge.

use super::*;

#[test]
fn all_of_merges_the_properties_of_every_member_in_member_order() {
    let api = lower_schemas(
        "    Base:
      type: object
      properties:
        id: {type: string}
        kind: {type: string}
    Merged:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            size: {type: integer}
        - properties:
            color: {type: string}
",
    );
    assert_eq!(wire_names(&api, "Merged"), ["id", "kind", "size", "color"]);
    assert_eq!(field(&api, "Merged", "size").ty, Ty::I64);
}

#[test]
fn all_of_required_is_the_union_of_every_members_required() {
    let api = lower_schemas(
        "    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
        kind: {type: string}
    Merged:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [size]
          properties:
            size: {type: integer}
            note: {type: string}
        - type: object
          required: [kind]
",
    );
    let presence = |wire: &str| field(&api, "Merged", wire).presence;
    assert_eq!(presence("id"), Presence::Required, "required by the referenced member");
    assert_eq!(presence("size"), Presence::Required, "required by the inline member");
    assert_eq!(presence("kind"), Presence::Required, "listed as required by a member that does not define it");
    assert_eq!(presence("note"), Presence::Optional);
}

#[test]
fn all_of_property_redefined_by_a_later_member_takes_the_later_type_in_the_first_place() {
    let api = lower_schemas(
        "    Merged:
      allOf:
        - type: object
          properties:
            value: {type: string}
            other: {type: boolean}
        - type: object
          properties:
            value: {type: integer}
",
    );
    assert_eq!(wire_names(&api, "Merged"), ["value", "other"], "the field keeps its first position");
    assert_eq!(field(&api, "Merged", "value").ty, Ty::I64, "the later, more specific definition wins");
}

#[test]
fn all_of_flattens_nested_all_ofs_reached_through_references() {
    let api = lower_schemas(
        "    Base:
      type: object
      properties:
        id: {type: string}
    Middle:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          properties:
            size: {type: integer}
    Leaf:
      allOf:
        - $ref: '#/components/schemas/Middle'
        - allOf:
            - type: object
              properties:
                color: {type: string}
",
    );
    assert_eq!(wire_names(&api, "Leaf"), ["id", "size", "color"]);
}

#[test]
fn all_of_inline_property_type_is_named_after_the_component_that_defines_it() {
    let api = lower_schemas(
        "    Merged:
      allOf:
        - $ref: '#/components/schemas/Base'
    Base:
      type: object
      properties:
        owner:
          type: object
          properties:
            name: {type: string}
",
    );
    // One type for the inline object, shared by Base and Merged, named after
    // Base even though Merged, first in the document, is lowered first.
    assert_eq!(field(&api, "Merged", "owner").ty, named(&api, "BaseOwner"));
    assert_eq!(field(&api, "Base", "owner").ty, named(&api, "BaseOwner"));
    assert!(find_type(&api, "MergedOwner").is_none());
}

#[test]
fn all_of_of_one_non_object_reference_with_nullable_beside_it_is_that_type_and_nullable() {
    let api = lower_schemas(
        "    Mode:
      type: string
      enum: [fast, slow]
    Holder:
      type: object
      properties:
        mode:
          allOf: [{$ref: '#/components/schemas/Mode'}]
          nullable: true
",
    );
    let mode = field(&api, "Holder", "mode");
    assert_eq!(mode.ty, named(&api, "Mode"), "no new type for a lone reference");
    assert_eq!(mode.presence, Presence::OptionalNullable);
}

#[test]
fn all_of_of_one_object_reference_with_nullable_beside_it_is_a_nullable_copy_named_after_the_field() {
    let api = lower_schemas(
        "    Base:
      type: object
      required: [id]
      properties:
        id: {type: string}
    Holder:
      type: object
      properties:
        base:
          allOf: [{$ref: '#/components/schemas/Base'}]
          nullable: true
",
    );
    // The object's properties are merged like any allOf's: a struct of its own.
    let base = field(&api, "Holder", "base");
    assert_eq!(base.ty, named(&api, "HolderBase"));
    assert_eq!(base.presence, Presence::OptionalNullable);
    assert_eq!(wire_names(&api, "HolderBase"), ["id"]);
    assert_eq!(field(&api, "HolderBase", "id").presence, Presence::Required);
}

#[test]
fn all_of_of_scalars_only_is_any_json_with_a_warning() {
    let (api, warnings) = lower_spec(&schemas_spec(
        "    Weird:
      allOf:
        - type: string
        - type: integer
",
    ));
    assert_eq!(alias(&api, "Weird").0, Ty::Json);
    assert!(
        warnings.iter().any(|w| w.pointer == "/components/schemas/Weird" && w.message.contains("cannot be merged")),
        "{warnings:?}"
    );
}

#[test]
fn all_of_mixing_an_object_with_a_scalar_types_the_object_part_and_says_so() {
    let (api, warnings) = lower_spec(&schemas_spec(
        "    Mixed:
      allOf:
        - type: object
          properties:
            a: {type: string}
        - type: string
",
    ));
    assert_eq!(wire_names(&api, "Mixed"), ["a"]);
    assert!(type_def(&api, "Mixed").docs.notes.iter().any(|n| n.contains("not objects")));
    assert!(warnings.iter().any(|w| w.message.contains("allOf mixes objects")), "{warnings:?}");
}
