//! Renames (`[crate.rename]`) and extra derives (`[crate.types."GLOB"]`),
//! through `generate` on the customisation fixture's spec.

use crate::diagnostics::Diagnostic;
use crate::settings::Settings;

const SPEC: &str = include_str!("../../../../tests/fixtures/customise/derive-rename/spec.yaml");

fn settings() -> Settings {
    Settings::new("shop-client", "spec.yaml")
}

/// Every generated file's text, joined.
fn code(settings: &Settings) -> String {
    let generated = crate::generate(SPEC, settings).unwrap_or_else(|e| panic!("{e:?}"));
    generated.files.iter().map(|f| f.contents.as_str()).collect()
}

fn errors_of(settings: &Settings) -> Vec<Diagnostic> {
    crate::generate(SPEC, settings).expect_err("an error").into_iter().filter(Diagnostic::is_error).collect()
}

/// Whether one error stands at `pointer` with every part of `message`.
fn has_error(errors: &[Diagnostic], pointer: &str, message: &[&str]) -> bool {
    errors.iter().any(|d| d.pointer == pointer && message.iter().all(|m| d.message.contains(m)))
}

#[test]
fn renames_apply_to_types_fields_variants_and_operations_and_leave_wire_names() {
    let before = code(&settings());
    let after = code(
        &settings()
            .with_rename("#/components/schemas/User", "Customer")
            .with_rename("#/components/schemas/User/properties/profile", "user_profile")
            .with_rename("#/components/schemas/Status/enum/0", "Live")
            .with_rename("#/paths/~1api~1v1~1orders/get", "fetch_orders"),
    );
    for (old, new) in [
        ("pub struct User {", "pub struct Customer {"),
        ("pub profile: Option<super::UserProfile>,", "pub user_profile: Option<super::CustomerProfile>,"),
        ("Self::On => \"on\"", "Self::Live => \"on\""),
        ("pub fn list_orders(", "pub fn fetch_orders("),
        ("pub struct ListOrders<", "pub struct FetchOrders<"),
    ] {
        assert!(before.contains(old) && !before.contains(new), "{old}");
        assert!(after.contains(new) && !after.contains(old), "{new}");
    }
    assert!(after.contains("map.optional(\"profile\", &self.user_profile);"), "the wire name stays");
    assert!(after.contains("\"on\" => Self::Live,"), "the wire value stays");
}

#[test]
fn a_rename_that_meets_another_name_is_an_error_naming_both() {
    let errors = errors_of(&settings().with_rename("/components/schemas/User", "Order"));
    assert!(has_error(&errors, "/components/schemas/User", &["`Order`", "#/components/schemas/Order"]), "{errors:?}");
    let errors = errors_of(&settings().with_rename("/components/schemas/User/properties/profile", "score"));
    let both = ["`score`", "#/components/schemas/User/properties/score"];
    assert!(has_error(&errors, "/components/schemas/User/properties/profile", &both), "{errors:?}");
    let errors = errors_of(&settings().with_rename("#/paths/~1api~1v1~1users~1{id}/put", "get_user"));
    let both = ["`get_user`", "#/paths/~1api~1v1~1users~1{id}/get"];
    assert!(has_error(&errors, "/paths/~1api~1v1~1users~1{id}/put", &both), "{errors:?}");
    let errors = errors_of(
        &settings()
            .with_rename("/components/schemas/Status/enum/0", "Both")
            .with_rename("/components/schemas/Status/enum/1", "Both"),
    );
    let both = ["`Both`", "#/components/schemas/Status/enum/0"];
    assert!(has_error(&errors, "/components/schemas/Status/enum/1", &both), "{errors:?}");
}

#[test]
fn a_rename_naming_nothing_or_no_identifier_of_its_kind_is_an_error() {
    let errors = errors_of(&settings().with_rename("#/components/schemas/Nope", "Gone"));
    assert!(has_error(&errors, "/components/schemas/Nope", &["names no schema type"]), "{errors:?}");
    let errors = errors_of(&settings().with_rename("#/info", "Info"));
    assert!(has_error(&errors, "/info", &["names no schema type"]), "{errors:?}");
    let errors = errors_of(&settings().with_rename("#/components/schemas/User", "customer"));
    assert!(has_error(&errors, "/components/schemas/User", &["not a Rust type name", "`Customer`"]), "{errors:?}");
    let errors = errors_of(&settings().with_rename("#/paths/~1api~1v1~1orders/get", "fn() {} fn evil"));
    assert!(has_error(&errors, "/paths/~1api~1v1~1orders/get", &["not a Rust method name"]), "{errors:?}");
}

#[test]
fn a_derive_goes_to_the_types_held_and_is_an_error_where_they_cannot_have_it() {
    let code = code(&settings().with_type_derive("Ord*", "Hash").with_type_attribute("Order", "#[must_use]"));
    assert!(code.contains("#[derive(Hash)]\n#[must_use]\n#[derive(Debug, Clone, PartialEq)]\npub struct Order {"));
    assert!(code.contains("#[derive(Hash)]\n#[derive(Debug, Clone, PartialEq)]\npub struct Money {"), "held");
    assert!(!code.contains("#[derive(Hash)]\n#[derive(Debug, Clone, PartialEq)]\npub struct User {"), "not held");

    let errors = errors_of(&settings().with_type_derive("User", "Eq"));
    let message = ["[crate.types.\"User\"] derive `Eq`: `User.score` is a floating-point number, which is not `Eq`"];
    assert!(has_error(&errors, "/components/schemas/User", &message), "{errors:?}");
    let errors = errors_of(&settings().with_type_derive("Receipt", "Hash"));
    let message = ["`Receipt.tax.rate` is a floating-point number, which is not `Hash`"];
    assert!(has_error(&errors, "/components/schemas/Tax", &message), "through the field: {errors:?}");
    let errors = errors_of(&settings().with_type_derive("Order", "Ord"));
    let message = ["`Order.additional_properties` is `serde_json::Value`, which is not `PartialOrd`"];
    assert!(has_error(&errors, "/components/schemas/Order", &message), "Ord brings PartialOrd: {errors:?}");
    let errors = errors_of(&settings().with_type_derive("Order", "schemars::JsonSchema"));
    let message = ["`Order.placed_at` is `crate::runtime::Lenient`, a runtime type"];
    assert!(has_error(&errors, "/components/schemas/Order", &message), "{errors:?}");

    // `Tax` is matched by the glob and held by `Receipt`: one error for it, not one per holder.
    let errors = errors_of(&settings().with_type_derive("*", "Hash"));
    let at_tax: Vec<_> = errors.iter().filter(|d| d.pointer == "/components/schemas/Tax").collect();
    assert_eq!(at_tax.len(), 1, "{errors:?}");

    let generated = crate::generate(SPEC, &settings().with_type_derive("Invoice*", "Hash")).expect("a warning only");
    let warning = "[crate.types.\"Invoice*\"] matches no generated type";
    assert!(generated.warnings.iter().any(|d| d.is_warning() && d.message == warning), "{:?}", generated.warnings);
}

#[test]
fn a_refused_derive_or_attribute_stops_generation_naming_the_entry() {
    for settings in [
        settings().with_type_derive("Order", "Hash)] struct Evil; #[derive(Eq"),
        settings().with_type_attribute("Order", "#[cfg_attr(all(), derive(Eq))]"),
        settings().with_type_derive("Order", "Serialize"),
        settings().with_type_derive("Order", "JsonSchema"),
    ] {
        let errors = crate::generate(SPEC, &settings).expect_err("refused");
        assert!(errors[0].message.starts_with("[crate.types.\"Order\"]: "), "{errors:?}");
    }
}
