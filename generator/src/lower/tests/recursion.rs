//! Recursion: boxes and newtypes.

use super::*;

#[test]
fn self_reference_by_value_is_boxed_and_through_a_vec_is_not() {
    let api = lower_schemas(
        "    Node:
      type: object
      properties:
        value: {type: string}
        parent: {$ref: '#/components/schemas/Node'}
        children:
          type: array
          items: {$ref: '#/components/schemas/Node'}
",
    );
    assert!(field(&api, "Node", "parent").boxed, "Node inside Node has infinite size unboxed");
    assert!(!field(&api, "Node", "children").boxed, "a Vec already puts Node behind a pointer");
    assert!(!field(&api, "Node", "value").boxed);
}

#[test]
fn mutual_recursion_boxes_both_edges_of_the_cycle() {
    let api = lower_schemas(
        "    Ping:
      type: object
      properties:
        pong: {$ref: '#/components/schemas/Pong'}
    Pong:
      type: object
      properties:
        ping: {$ref: '#/components/schemas/Ping'}
        label: {$ref: '#/components/schemas/Label'}
    Label:
      type: object
      properties:
        text: {type: string}
",
    );
    assert!(field(&api, "Ping", "pong").boxed);
    assert!(field(&api, "Pong", "ping").boxed);
    assert!(!field(&api, "Pong", "label").boxed, "Label is outside the cycle");
}

#[test]
fn recursion_through_a_union_boxes_the_variant_and_the_fields() {
    let api = lower_schemas(
        "    Expr:
      oneOf:
        - type: string
        - $ref: '#/components/schemas/Sum'
    Sum:
      type: object
      properties:
        left: {$ref: '#/components/schemas/Expr'}
        right: {$ref: '#/components/schemas/Expr'}
",
    );
    let (variants, _) = union(&api, "Expr");
    let boxed: Vec<(&Ty, bool)> = variants.iter().map(|v| (&v.ty, v.boxed)).collect();
    assert_eq!(boxed, [(&Ty::String, false), (&named(&api, "Sum"), true)]);
    assert!(field(&api, "Sum", "left").boxed);
    assert!(field(&api, "Sum", "right").boxed);
}

#[test]
fn an_array_of_itself_is_a_newtype() {
    let api = lower_schemas(
        "    Tree:
      type: array
      items: {$ref: '#/components/schemas/Tree'}
    Names:
      type: array
      items: {type: string}
",
    );
    assert_eq!(alias(&api, "Tree"), (Ty::Vec(Box::new(named(&api, "Tree"))), true), "a type alias cannot name itself");
    assert_eq!(alias(&api, "Names"), (Ty::Vec(Box::new(Ty::String)), false));
}

#[test]
fn aliases_referring_to_each_other_through_arrays_are_newtypes() {
    let api = lower_schemas(
        "    A:
      type: array
      items: {$ref: '#/components/schemas/B'}
    B:
      type: array
      items: {$ref: '#/components/schemas/A'}
",
    );
    assert!(alias(&api, "A").1);
    assert!(alias(&api, "B").1);
}

#[test]
fn an_inline_schema_that_contains_itself_gets_a_named_boxed_type() {
    let api = lower_schemas(
        "    Outer:
      type: object
      properties:
        inner:
          type: object
          properties:
            again: {$ref: '#/components/schemas/Outer/properties/inner'}
",
    );
    assert_eq!(field(&api, "Outer", "inner").ty, named(&api, "OuterInner"));
    let again = field(&api, "OuterInner", "again");
    assert_eq!(again.ty, named(&api, "OuterInner"));
    assert!(again.boxed);
    assert!(!field(&api, "Outer", "inner").boxed, "Outer is not part of the cycle");
}
