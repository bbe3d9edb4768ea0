//! `oneOf` and `anyOf`: tags, variant names, null members.

use super::*;

const PETS: &str = "    Cat:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
        meows: {type: boolean}
    Dog:
      type: object
      required: [petType]
      properties:
        petType: {type: string}
        barks: {type: boolean}
";

#[test]
fn one_of_with_discriminator_mapping_is_tagged_with_every_mapped_value() {
    let api = lower_schemas(&format!(
        "{PETS}    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator:
        propertyName: petType
        mapping:
          cat: '#/components/schemas/Cat'
          kitty: '#/components/schemas/Cat'
          dog: Dog
"
    ));
    let (variants, discriminator) = union(&api, "Pet");
    assert_eq!(discriminator, Some("petType"));
    let summary: Vec<(&str, &Ty, &[String])> =
        variants.iter().map(|v| (v.name.as_str(), &v.ty, v.tags.as_slice())).collect();
    assert_eq!(
        summary,
        [
            ("Cat", &named(&api, "Cat"), &["cat".to_string(), "kitty".to_string()][..]),
            ("Dog", &named(&api, "Dog"), &["dog".to_string()][..]),
        ]
    );
}

#[test]
fn one_of_with_discriminator_and_no_mapping_is_tagged_with_schema_names() {
    let api = lower_schemas(&format!(
        "{PETS}    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
      discriminator: {{propertyName: petType}}
"
    ));
    let (variants, discriminator) = union(&api, "Pet");
    assert_eq!(discriminator, Some("petType"));
    let tags: Vec<&[String]> = variants.iter().map(|v| v.tags.as_slice()).collect();
    assert_eq!(tags, [&["Cat".to_string()][..], &["Dog".to_string()][..]]);
}

#[test]
fn discriminator_with_an_inline_member_falls_back_to_an_untagged_union() {
    let api = lower_schemas(&format!(
        "{PETS}    Pet:
      oneOf:
        - $ref: '#/components/schemas/Cat'
        - type: object
          properties:
            petType: {{type: string}}
            hops: {{type: boolean}}
      discriminator: {{propertyName: petType}}
"
    ));
    let (variants, discriminator) = union(&api, "Pet");
    assert_eq!(discriminator, None, "an inline member has no tag to select it");
    assert_eq!(variants.len(), 2);
    assert_eq!(variants[1].ty, named(&api, "PetVariant2"), "the inline member is named after its position");
}

#[test]
fn one_of_without_discriminator_is_untagged_with_variants_named_after_their_types() {
    let api = lower_schemas(
        "    StringOrNumber:
      oneOf:
        - type: string
        - type: number
        - type: array
          items: {type: string}
",
    );
    let (variants, discriminator) = union(&api, "StringOrNumber");
    assert_eq!(discriminator, None);
    let summary: Vec<(&str, &Ty)> = variants.iter().map(|v| (v.name.as_str(), &v.ty)).collect();
    assert_eq!(summary, [("String", &Ty::String), ("Number", &Ty::F64), ("Array", &Ty::Vec(Box::new(Ty::String)))]);
    assert!(variants.iter().all(|v| v.tags.is_empty()));
}

#[test]
fn any_of_is_lowered_as_an_untagged_union() {
    let api = lower_schemas(&format!(
        "{PETS}    CatOrDog:
      anyOf:
        - $ref: '#/components/schemas/Cat'
        - $ref: '#/components/schemas/Dog'
"
    ));
    let (variants, discriminator) = union(&api, "CatOrDog");
    assert_eq!(discriminator, None);
    let names: Vec<&str> = variants.iter().map(|v| v.name.as_str()).collect();
    assert_eq!(names, ["Cat", "Dog"]);
}

#[test]
fn one_of_with_a_null_member_drops_it_and_makes_the_union_nullable() {
    let api = lower_schemas(
        "    Holder:
      type: object
      required: [value]
      properties:
        value:
          oneOf:
            - type: string
            - type: integer
            - nullable: true
",
    );
    let value = field(&api, "Holder", "value");
    assert_eq!(value.presence, Presence::RequiredNullable);
    let (variants, _) = union(&api, "HolderValue");
    let tys: Vec<&Ty> = variants.iter().map(|v| &v.ty).collect();
    assert_eq!(tys, [&Ty::String, &Ty::I64]);
}

#[test]
fn one_of_with_one_non_null_member_is_that_member_not_a_union() {
    let api = lower_schemas(
        "    Holder:
      type: object
      properties:
        value:
          oneOf:
            - type: string
            - nullable: true
",
    );
    let value = field(&api, "Holder", "value");
    assert_eq!(value.ty, Ty::String);
    assert_eq!(value.presence, Presence::OptionalNullable);
    assert!(find_type(&api, "HolderValue").is_none());
}

#[test]
fn one_of_keeps_only_the_first_of_members_with_the_same_type() {
    let api = lower_schemas(
        "    Either:
      oneOf:
        - type: string
        - type: string
          format: password
        - type: boolean
",
    );
    let (variants, _) = union(&api, "Either");
    let tys: Vec<&Ty> = variants.iter().map(|v| &v.ty).collect();
    assert_eq!(tys, [&Ty::String, &Ty::Bool]);
}
