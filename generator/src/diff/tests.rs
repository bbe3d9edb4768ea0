//! Each classification rule on a tiny pair of specs: the base below, and
//! one edit of it.

use super::{diff_specs, ApiDiff, Bump, ChangeKind, Impact};
use crate::settings::Settings;

/// Shared with `generator/tests/non_breaking_compiles.rs`, which builds a
/// user crate against it and against its non-breaking edits.
const BASE: &str = include_str!("../../tests/fixtures/diff/pets-base.yaml");

fn edited(from: &str, to: &str) -> String {
    assert!(BASE.contains(from), "the base spec has no `{from}`");
    BASE.replacen(from, to, 1)
}

fn diff_of(new: &str) -> ApiDiff {
    diff_specs(BASE, new, &Settings::new("pets", "pets.yaml")).unwrap_or_else(|(which, d)| panic!("{which:?}: {d:?}"))
}

/// The one change `new` makes to BASE, as (item, kind, impact).
fn only_change(new: &str) -> (String, ChangeKind, Impact) {
    let diff = diff_of(new);
    assert_eq!(diff.changes.len(), 1, "{diff:#?}");
    let c = &diff.changes[0];
    (c.item.clone(), c.kind, c.impact)
}

fn change(item: &str, kind: ChangeKind, impact: Impact) -> (String, ChangeKind, Impact) {
    (item.to_string(), kind, impact)
}

#[test]
fn the_same_spec_makes_no_change() {
    let diff = diff_of(BASE);
    assert!(diff.is_empty(), "{diff:#?}");
    assert_eq!(diff.bump(&semver::Version::new(0, 3, 1)), Bump::None);
}

#[test]
fn a_new_optional_parameter_is_a_setter_and_breaks_nobody() {
    let new = edited("- {name: limit, in: query, schema: {type: integer}}", "- {name: limit, in: query, schema: {type: integer}}\n        - {name: after, in: query, schema: {type: string}}");
    assert_eq!(only_change(&new), change("setter `ListPets::after`", ChangeKind::Added, Impact::Addition));
}

#[test]
fn a_new_required_parameter_is_a_new_argument() {
    let new = edited("- {name: limit, in: query, schema: {type: integer}}", "- {name: limit, in: query, schema: {type: integer}}\n        - {name: owner, in: query, required: true, schema: {type: string}}");
    assert_eq!(only_change(&new), change("method `PetsApi::list_pets`", ChangeKind::Changed, Impact::Breaking));
}

#[test]
fn an_optional_parameter_made_required_moves_from_setter_to_argument() {
    let new = edited("{name: limit, in: query, schema", "{name: limit, in: query, required: true, schema");
    let diff = diff_of(&new);
    let kinds: Vec<(&str, ChangeKind, Impact)> =
        diff.changes.iter().map(|c| (c.item.as_str(), c.kind, c.impact)).collect();
    assert_eq!(
        kinds,
        [
            ("method `PetsApi::list_pets`", ChangeKind::Changed, Impact::Breaking),
            ("setter `ListPets::limit`", ChangeKind::Removed, Impact::Breaking)
        ]
    );
}

#[test]
fn a_parameter_type_change_breaks_its_setter() {
    let new =
        edited("{name: limit, in: query, schema: {type: integer}}", "{name: limit, in: query, schema: {type: string}}");
    let (item, kind, impact) = only_change(&new);
    assert_eq!((item.as_str(), kind, impact), ("setter `ListPets::limit`", ChangeKind::Changed, Impact::Breaking));
    assert!(diff_of(&new).changes[0].detail.contains("i64 -> String"), "{:?}", diff_of(&new).changes[0]);
}

#[test]
fn a_new_operation_is_an_addition_and_a_removed_one_breaks() {
    let get_pet = "  /pets/{id}:\n    get:\n      operationId: getPet\n      tags: [pets]\n      parameters:\n        - {name: id, in: path, required: true, schema: {type: string}}\n      responses:\n        \"200\":\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: \"#/components/schemas/Pet\"}\n";
    let without = edited(get_pet, "");
    let removed = diff_specs(BASE, &without, &Settings::new("pets", "pets.yaml")).expect("both generate");
    assert_eq!(removed.changes[0].item, "method `PetsApi::get_pet`");
    assert_eq!((removed.changes[0].kind, removed.impact()), (ChangeKind::Removed, Some(Impact::Breaking)));
    let added = diff_specs(&without, BASE, &Settings::new("pets", "pets.yaml")).expect("both generate");
    assert_eq!((added.changes.len(), added.impact()), (1, Some(Impact::Addition)));
}

#[test]
fn a_response_type_change_breaks_the_method() {
    let new = edited("schema: {$ref: \"#/components/schemas/Pet\"}\ncomponents", "schema: {type: string}\ncomponents");
    assert_eq!(only_change(&new), change("method `PetsApi::get_pet`", ChangeKind::Changed, Impact::Breaking));
}

#[test]
fn a_new_error_body_changes_the_error_type() {
    let new = edited("\"201\": {description: created}", "\"201\": {description: created}\n        \"400\":\n          description: bad\n          content:\n            application/json:\n              schema: {type: object, properties: {message: {type: string}}}");
    let diff = diff_of(&new);
    assert!(
        diff.changes.iter().any(|c| c.item == "method `PetsApi::create_pet`"
            && c.detail.starts_with("error body")
            && c.impact == Impact::Breaking),
        "{diff:#?}"
    );
}

#[test]
fn a_new_optional_field_breaks_struct_literals() {
    let new = edited("tag: {type: string}", "tag: {type: string}\n        age: {type: integer}");
    assert_eq!(only_change(&new), change("field `Pet::age`", ChangeKind::Added, Impact::Breaking));
}

#[test]
fn a_removed_field_breaks() {
    let new = edited("        tag: {type: string}\n", "");
    assert_eq!(only_change(&new), change("field `Pet::tag`", ChangeKind::Removed, Impact::Breaking));
}

#[test]
fn a_field_made_nullable_changes_its_rust_type() {
    let new = edited("name: {type: string}", "name: {type: string, nullable: true}");
    assert_eq!(only_change(&new), change("field `Pet::name`", ChangeKind::Changed, Impact::Breaking));
    assert_eq!(diff_of(&new).changes[0].detail, "String (required) -> Option<String> (required, nullable)");
}

#[test]
fn a_field_made_optional_changes_its_rust_type() {
    let new = edited("required: [name]", "required: []");
    assert_eq!(only_change(&new), change("field `Pet::name`", ChangeKind::Changed, Impact::Breaking));
}

#[test]
fn a_field_made_read_only_is_no_longer_required() {
    let new = edited("name: {type: string}", "name: {type: string, readOnly: true}");
    assert_eq!(only_change(&new), change("field `Pet::name`", ChangeKind::Changed, Impact::Breaking));
}

#[test]
fn optional_to_required_nullable_keeps_the_rust_type() {
    let new = edited("tag: {type: string}", "tag: {type: string, nullable: true}").replacen(
        "required: [name]",
        "required: [name, tag]",
        1,
    );
    assert_eq!(only_change(&new), change("field `Pet::tag`", ChangeKind::Changed, Impact::Compatible));
}

#[test]
fn a_field_type_change_breaks() {
    let new = edited("tag: {type: string}", "tag: {type: integer, format: int64}");
    assert_eq!(only_change(&new), change("field `Pet::tag`", ChangeKind::Changed, Impact::Breaking));
}

#[test]
fn a_new_enum_value_breaks_exhaustive_matches() {
    let new = edited("enum: [available, sold]", "enum: [available, sold, pending]");
    assert_eq!(only_change(&new), change("variant `Status::Pending`", ChangeKind::Added, Impact::Breaking));
}

#[test]
fn a_removed_enum_value_breaks() {
    let new = edited("enum: [available, sold]", "enum: [available]");
    assert_eq!(only_change(&new), change("variant `Status::Sold`", ChangeKind::Removed, Impact::Breaking));
}

#[test]
fn a_new_union_member_breaks_exhaustive_matches() {
    let new = edited("        - {type: string}\n", "        - {type: string}\n        - {type: integer}\n");
    let diff = diff_of(&new);
    assert!(diff.changes.iter().all(|c| c.item.starts_with("variant `Food::")), "{diff:#?}");
    assert!(diff.changes.iter().any(|c| c.kind == ChangeKind::Added && c.impact == Impact::Breaking), "{diff:#?}");
}

#[test]
fn a_new_type_is_an_addition_and_a_removed_one_breaks() {
    let food = "    Food:\n      oneOf:\n        - {$ref: \"#/components/schemas/Pet\"}\n        - {type: string}\n";
    let without = edited(food, "");
    assert_eq!(only_change(&without), change("type `Food`", ChangeKind::Removed, Impact::Breaking));
    let added = diff_specs(&without, BASE, &Settings::new("pets", "pets.yaml")).expect("both generate");
    assert_eq!(added.impact(), Some(Impact::Addition));
}

#[test]
fn a_type_changing_kind_breaks() {
    let new =
        edited("    Status:\n      type: string\n      enum: [available, sold]", "    Status:\n      type: string");
    assert_eq!(only_change(&new), change("type `Status`", ChangeKind::Changed, Impact::Breaking));
}

#[test]
fn a_closed_struct_loses_its_additional_properties_field() {
    let new = edited("required: [name]", "required: [name]\n      additionalProperties: false");
    let diff = diff_of(&new);
    assert!(diff.changes.iter().any(|c| c.item == "type `Pet`" && c.impact == Impact::Breaking), "{diff:#?}");
}

#[test]
fn a_moved_path_keeps_the_signature() {
    let new = edited("  /pets/{id}:", "  /animals/{id}:");
    assert_eq!(only_change(&new), change("method `PetsApi::get_pet`", ChangeKind::Changed, Impact::Compatible));
}

#[test]
fn a_new_tag_adds_an_accessor() {
    let new = edited("operationId: getPet\n      tags: [pets]", "operationId: getPet\n      tags: [pets, store]");
    let new =
        new.replacen("operationId: createPet\n      tags: [pets]", "operationId: createPet\n      tags: [store]", 1);
    let diff = diff_of(&new);
    assert!(
        diff.changes.iter().any(|c| c.item == "method `Client::store`" && c.impact == Impact::Addition),
        "{diff:#?}"
    );
    assert!(
        diff.changes.iter().any(|c| c.item == "method `PetsApi::create_pet`" && c.kind == ChangeKind::Removed),
        "{diff:#?}"
    );
}

#[test]
fn changes_are_grouped_by_tag_with_untagged_last() {
    let new = edited("    Food:\n", "    Spare: {type: object, properties: {a: {type: string}}}\n    Food:\n")
        .replacen("tag: {type: string}", "tag: {type: string}\n        age: {type: integer}", 1);
    let diff = diff_of(&new);
    let mut tags: Vec<Option<&str>> = diff.changes.iter().map(|c| c.tag.as_deref()).collect();
    tags.dedup();
    assert_eq!(tags, [Some("pets"), None], "{diff:#?}");
}

#[test]
fn bumps_follow_cargo_semver_before_and_after_1_0() {
    let breaking = diff_of(&edited("        tag: {type: string}\n", ""));
    let addition = diff_of(&edited(
        "{name: limit, in: query, schema: {type: integer}}",
        "{name: limit, in: query, schema: {type: integer}}\n        - {name: after, in: query, schema: {type: string}}",
    ));
    let compatible = diff_of(&edited("  /pets/{id}:", "  /animals/{id}:"));
    let v = |s: &str| semver::Version::parse(s).expect("a version");
    let bumps = |version: &str| [&breaking, &addition, &compatible].map(|d| d.bump(&v(version)));
    assert_eq!(bumps("0.4.2"), [Bump::Minor, Bump::Patch, Bump::Patch]);
    assert_eq!(bumps("1.4.2"), [Bump::Major, Bump::Minor, Bump::Patch]);
    assert_eq!(super::next_version(&v("0.4.2"), Bump::Minor), v("0.5.0"));
    assert_eq!(super::next_version(&v("1.4.2"), Bump::Major), v("2.0.0"));
    assert_eq!(super::next_version(&v("1.4.2"), Bump::Patch), v("1.4.3"));
}

#[test]
fn a_spec_that_does_not_generate_is_reported_as_old_or_new() {
    let broken = edited("$ref: \"#/components/schemas/Status\"", "$ref: \"#/components/schemas/Nowhere\"");
    let settings = Settings::new("pets", "pets.yaml");
    assert_eq!(diff_specs(BASE, &broken, &settings).map_err(|(which, _)| which), Err(super::Which::New));
    assert_eq!(diff_specs(&broken, BASE, &settings).map_err(|(which, _)| which), Err(super::Which::Old));
}

#[test]
fn a_required_parameter_type_change_changes_the_arguments() {
    let new = edited(
        "{name: id, in: path, required: true, schema: {type: string}}",
        "{name: id, in: path, required: true, schema: {type: integer}}",
    );
    assert_eq!(only_change(&new), change("method `PetsApi::get_pet`", ChangeKind::Changed, Impact::Breaking));
    assert_eq!(diff_of(&new).changes[0].detail, "(id: String) -> (id: i64)");
}

#[test]
fn a_changelog_section_goes_above_the_older_ones_and_keeps_them() {
    let old = "# Changelog\n\nIntro.\n\n## [0.1.0]\n\n### Added\n\n- Everything\n";
    let section = "## [0.2.0]\n\n### Removed\n\n- **Breaking:** field `Pet::tag` removed\n";
    let merged = super::prepend_section(Some(old), section);
    assert_eq!(merged, format!("# Changelog\n\nIntro.\n\n{section}\n## [0.1.0]\n\n### Added\n\n- Everything\n"));
    let fresh = super::prepend_section(None, section);
    assert!(fresh.starts_with("# Changelog\n") && fresh.ends_with(section), "{fresh}");
    let diff = diff_of(&edited("        tag: {type: string}\n", ""));
    let written = diff.changelog_section(&semver::Version::new(0, 2, 0));
    assert_eq!(written, "## [0.2.0]\n\n### Removed\n\n- **Breaking:** field `Pet::tag` removed (tag `pets`)\n");
}

#[test]
fn a_schema_replaced_by_a_type_of_the_users_changes_the_fields_type() {
    let new = edited("tag: {type: string}", "tag: {type: string, x-rust-type: {path: 'uuid::Uuid'}}");
    let diff = diff_of(&new);
    assert_eq!(diff.changes.len(), 1, "{diff:#?}");
    let c = &diff.changes[0];
    assert_eq!((c.item.as_str(), c.kind, c.impact), ("field `Pet::tag`", ChangeKind::Changed, Impact::Breaking));
    assert!(c.detail.contains("uuid::Uuid"), "the report names the new type: {}", c.detail);
}
