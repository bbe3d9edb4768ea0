//! Enums: values, variant names, nullability.

use super::*;

fn enum_variants(api: &Api, name: &str) -> (Vec<(String, EnumValue)>, bool) {
    match &type_def(api, name).kind {
        TypeKind::Enum { variants, integer } => {
            (variants.iter().map(|v| (v.name.clone(), v.value.clone())).collect(), *integer)
        }
        other => panic!("{name} is not an enum: {other:?}"),
    }
}

#[test]
fn string_enum_drops_repeated_values_and_gives_every_odd_value_a_distinct_name() {
    let api = lower_schemas(
        "    Status:
      type: string
      enum: [ACTIVE, INACTIVE, active, ACTIVE, '', 2fa, self]
",
    );
    let (variants, integer) = enum_variants(&api, "Status");
    assert!(!integer);
    let values: Vec<&EnumValue> = variants.iter().map(|(_, v)| v).collect();
    let expected: Vec<EnumValue> =
        ["ACTIVE", "INACTIVE", "active", "", "2fa", "self"].iter().map(|v| EnumValue::String(v.to_string())).collect();
    assert_eq!(values, expected.iter().collect::<Vec<_>>(), "the repeated ACTIVE is dropped");
    let names: Vec<&str> = variants.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, ["Active", "Inactive", "Active2", "Empty", "V2fa", "SelfValue"]);
}

#[test]
fn integer_enum_names_values_and_spells_negative_ones_out() {
    let api = lower_schemas(
        "    Level:
      type: integer
      enum: [1, 2, -1, 2]
",
    );
    let (variants, integer) = enum_variants(&api, "Level");
    assert!(integer);
    assert_eq!(
        variants,
        [
            ("V1".to_string(), EnumValue::Integer(1)),
            ("V2".to_string(), EnumValue::Integer(2)),
            ("Minus1".to_string(), EnumValue::Integer(-1)),
        ]
    );
}

#[test]
fn nullable_enum_leaves_null_out_of_the_values_and_makes_the_field_nullable() {
    let api = lower_schemas(
        "    Color:
      type: string
      nullable: true
      enum: [red, green, null]
    Holder:
      type: object
      properties:
        color: {$ref: '#/components/schemas/Color'}
",
    );
    let (variants, _) = enum_variants(&api, "Color");
    let values: Vec<EnumValue> = variants.into_iter().map(|(_, v)| v).collect();
    assert_eq!(values, [EnumValue::String("red".into()), EnumValue::String("green".into())]);
    assert_eq!(field(&api, "Holder", "color").presence, Presence::OptionalNullable);
}

#[test]
fn inline_enum_property_is_named_after_its_parent_and_field() {
    let api = lower_schemas(
        "    Job:
      type: object
      properties:
        mode: {type: string, enum: [fast, slow]}
",
    );
    assert_eq!(field(&api, "Job", "mode").ty, named(&api, "JobMode"));
    assert_eq!(enum_variants(&api, "JobMode").0.len(), 2);
}
