//! Type replacements: a schema becomes a Rust type the user names
//! (`rust_decimal::Decimal`), from the settings or the spec's `x-rust-type`.
//!
//! Settings and spec text become code here, so both are checked before they
//! are used: a type is a plain path with optional generic arguments (syn
//! parses it, nothing else is accepted: no `fn`, macro, `dyn` or `impl`),
//! printed again from what syn parsed; a dependency is one TOML entry,
//! written again from what toml parsed.

use crate::naming::is_runtime_crate;
use crate::pointer::JsonPointer;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};

/// What a schema is replaced with: `codegen.toml`'s
/// `[crate.replace] Money = { type = "rust_decimal::Decimal", dependency = 'rust_decimal = "1"' }`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeReplacement {
    /// The Rust type, a path with optional generic arguments
    /// (`rust_decimal::Decimal`, `crate::Money`, `std::collections::HashSet<String>`).
    #[serde(rename = "type")]
    pub(crate) rust_type: String,
    /// The dependency line the generated Cargo.toml gets for the type's
    /// crate (`rust_decimal = { version = "1", features = ["serde"] }`);
    /// none for `std`, `crate::` or a crate the generated crate already uses.
    #[serde(default)]
    pub(crate) dependency: Option<String>,
}

impl TypeReplacement {
    /// Replaces a schema with `rust_type`, which must implement `Debug`,
    /// `Clone`, `PartialEq`, `Serialize` and `Deserialize`, as generated
    /// models do.
    pub fn new(rust_type: impl Into<String>) -> Self {
        Self { rust_type: rust_type.into(), dependency: None }
    }

    /// The type's crate, as a Cargo.toml dependency line
    /// (`rust_decimal = { version = "1", features = ["serde"] }`).
    pub fn with_dependency(mut self, line: impl Into<String>) -> Self {
        self.dependency = Some(line.into());
        self
    }

    /// The Rust type, as given.
    pub fn rust_type(&self) -> &str {
        &self.rust_type
    }

    /// The dependency line, as given.
    pub fn dependency(&self) -> Option<&str> {
        self.dependency.as_deref()
    }
}

/// Paths that need no dependency: the standard library and the crate itself.
const BUILT_IN_ROOTS: [&str; 4] = ["crate", "std", "core", "alloc"];

/// One-segment type names that resolve in every generated file (the
/// prelude and the primitives).
const PRELUDE_TYPES: [&str; 21] = [
    "bool", "char", "str", "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize",
    "f32", "f64", "String", "Vec", "Option", "Box",
];

/// Longer type text is refused before syn sees it: it bounds syn's
/// recursion on nested generic arguments, and no real path comes near.
const MAX_TYPE_LEN: usize = 200;

/// A Rust type checked to be a plain path: its text as the generated code
/// writes it, and the crates its paths start with (not the built-in ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RustType {
    /// `rust_decimal::Decimal`, `std::collections::HashSet<String>`.
    pub path: String,
    /// The first segment of every path of more than one segment, outside
    /// `crate`, `std`, `core` and `alloc` (`rust_decimal`).
    pub crates: BTreeSet<String>,
}

/// Checks that `text` is a type path with optional generic arguments that
/// are themselves such types, and prints it again.
pub fn parse_rust_type(text: &str) -> Result<RustType, String> {
    let text = text.trim();
    if text.len() > MAX_TYPE_LEN {
        return Err(format!("the Rust type is longer than {MAX_TYPE_LEN} characters"));
    }
    let ty: syn::Type = syn::parse_str(text)
        .map_err(|e| format!("`{text}` is not a Rust type path ({e}): write one like `rust_decimal::Decimal`"))?;
    let mut crates = BTreeSet::new();
    let path = print_type(&ty, &mut crates)
        .map_err(|what| format!("`{text}` is not a plain Rust type path: {what} is not allowed (write a path like `rust_decimal::Decimal`, with optional generic arguments)"))?;
    Ok(RustType { path, crates })
}

fn print_type(ty: &syn::Type, crates: &mut BTreeSet<String>) -> Result<String, String> {
    let syn::Type::Path(syn::TypePath { qself: None, path, attrs }) = ty else {
        return Err("a type other than a path".to_string());
    };
    if !attrs.is_empty() {
        return Err("an attribute".to_string());
    }
    let mut segments = Vec::new();
    for segment in &path.segments {
        let mut text = segment.ident.to_string();
        match &segment.arguments {
            syn::PathArguments::None => {}
            syn::PathArguments::AngleBracketed(arguments) => {
                let mut printed = Vec::new();
                for argument in &arguments.args {
                    let syn::GenericArgument::Type(inner) = argument else {
                        return Err("a generic argument other than a type".to_string());
                    };
                    printed.push(print_type(inner, crates)?);
                }
                text = format!("{text}<{}>", printed.join(", "));
            }
            syn::PathArguments::Parenthesized(_) => return Err("a `Fn(..)` argument list".to_string()),
        }
        segments.push(text);
    }
    let first = path.segments.first().map(|s| s.ident.to_string()).unwrap_or_default();
    if path.segments.len() == 1 && path.leading_colon.is_none() {
        if !PRELUDE_TYPES.contains(&first.as_str()) {
            return Err(format!("the one-word type `{first}` (name it by its path, `my_crate::{first}`)"));
        }
    } else if first == "self" || first == "super" || first == "Self" {
        return Err(format!("a path starting with `{first}`"));
    } else if !BUILT_IN_ROOTS.contains(&first.as_str()) {
        crates.insert(first);
    }
    Ok(segments.join("::"))
}

/// A dependency line checked as TOML: the name code uses for the crate
/// (`-` as `_`) and the line written again (`name = value`).
pub fn parse_dependency(line: &str) -> Result<(String, String), String> {
    let table: toml::Table = line
        .parse()
        .map_err(|e: toml::de::Error| format!("the dependency `{line}` is not a TOML line: {}", e.message()))?;
    let mut entries = table.iter();
    let (Some((name, value)), None) = (entries.next(), entries.next()) else {
        return Err(format!("the dependency `{line}` must be one entry, `name = \"version\"` or `name = {{ .. }}`"));
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(format!("the dependency `{line}` names no crate Cargo accepts"));
    }
    if !matches!(value, toml::Value::String(_) | toml::Value::Table(_)) {
        return Err(format!("the dependency `{line}` must give a version string or an inline table"));
    }
    let code_name = name.replace('-', "_");
    if is_runtime_crate(&code_name) || BUILT_IN_ROOTS.contains(&code_name.as_str()) {
        return Err(format!("`{name}` needs no dependency line: the generated crate already has it"));
    }
    Ok((code_name, format!("{name} = {value}")))
}

/// The replacements and the crates `x-rust-type` may name, checked: what
/// lowering uses.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Replacements {
    /// By target: a component name (`Money`) or a JSON pointer without its
    /// `#` (`/components/schemas/Order/properties/total`), the type, and
    /// the crate whose dependency it needs, if any.
    pub by_target: BTreeMap<String, RustType>,
    /// The dependency line of each crate the settings name, by code name.
    pub dependencies: BTreeMap<String, String>,
}

impl Replacements {
    /// Checks every replacement and allowed crate of the settings.
    pub fn check(
        replacements: &BTreeMap<String, TypeReplacement>,
        rust_type_crates: &[String],
    ) -> Result<Replacements, String> {
        let mut checked = Replacements::default();
        let mut add_dependency = |line: &str, context: &str| -> Result<String, String> {
            let (name, line) = parse_dependency(line).map_err(|e| format!("{context}: {e}"))?;
            match checked.dependencies.get(&name) {
                Some(other) if *other != line => {
                    Err(format!("{context}: crate `{name}` is given twice, as `{other}` and `{line}`"))
                }
                _ => {
                    checked.dependencies.insert(name.clone(), line);
                    Ok(name)
                }
            }
        };
        for line in rust_type_crates {
            add_dependency(line, "rust_type_crates")?;
        }
        let mut types = BTreeMap::new();
        for (target, replacement) in replacements {
            let context = format!("type replacement `{target}`");
            let ty = parse_rust_type(&replacement.rust_type).map_err(|e| format!("{context}: {e}"))?;
            if let Some(line) = &replacement.dependency {
                let name = add_dependency(line, &context)?;
                let first = ty.path.split("::").next().unwrap_or_default();
                if name != first {
                    return Err(format!(
                        "{context}: the dependency names crate `{name}`, but `{}` starts with `{first}`",
                        ty.path
                    ));
                }
            }
            types.insert(target_pointer(target).map_err(|e| format!("{context}: {e}"))?, ty);
        }
        for (target, ty) in &types {
            if let Some(missing) = ty.crates.iter().find(|c| !checked.knows_crate(c)) {
                return Err(format!(
                    "type replacement `{}`: `{}` needs crate `{missing}`: add `dependency = '{missing} = \"<version>\"'`",
                    display_target(target),
                    ty.path
                ));
            }
        }
        checked.by_target = types;
        Ok(checked)
    }

    /// Whether code may name `krate` (code name): a runtime dependency or one the settings add.
    pub fn knows_crate(&self, krate: &str) -> bool {
        is_runtime_crate(krate) || self.dependencies.contains_key(krate)
    }
}

/// The JSON pointer (without `#`) a replacement's target names: `Money` is
/// `/components/schemas/Money`, `#/a/b` is `/a/b` (percent-decoded, as a
/// `$ref` would be: `#/a/b%20c` is `/a/b c`).
fn target_pointer(target: &str) -> Result<String, String> {
    if target.starts_with('#') {
        return fragment_pointer(target)
            .map(String::from)
            .ok_or_else(|| "a JSON pointer target starts with `#/`".to_string());
    }
    if target.is_empty() {
        return Err("the target is empty".to_string());
    }
    Ok(JsonPointer::from_tokens(["components", "schemas", target]).as_str().to_string())
}

/// The JSON pointer (without `#`) a rename names: a reference's fragment
/// (`#/components/schemas/User`, percent-decoded) or a bare pointer
/// (`/components/schemas/User`).
pub(super) fn rename_pointer(text: &str) -> Result<String, String> {
    let parsed = if text.starts_with('#') { fragment_pointer(text) } else { JsonPointer::parse(text) };
    match parsed {
        Some(pointer) if !pointer.as_str().is_empty() => Ok(pointer.into()),
        _ => Err("not a JSON pointer into the spec: write one like `#/components/schemas/User`".to_string()),
    }
}

/// The pointer of a local reference (`#/a/b`), percent-decoded; `None`
/// for anything else (`#a`, the whole document `#`).
fn fragment_pointer(reference: &str) -> Option<JsonPointer> {
    JsonPointer::from_reference(reference).filter(|pointer| !pointer.as_str().is_empty())
}

/// A target as the user would write it: `#/components/schemas/Money`.
pub fn display_target(pointer: &str) -> String {
    format!("#{pointer}")
}

#[cfg(test)]
mod tests {
    use super::{parse_dependency, parse_rust_type, rename_pointer, Replacements, TypeReplacement};
    use std::collections::BTreeMap;

    #[test]
    fn plain_paths_with_generic_arguments_are_types() {
        let ty = parse_rust_type(" ::rust_decimal :: Decimal ").unwrap();
        assert_eq!(ty.path, "rust_decimal::Decimal");
        assert_eq!(ty.crates.into_iter().collect::<Vec<_>>(), ["rust_decimal"]);
        let ty = parse_rust_type("std::collections::HashMap<String, Vec<semver::Version>>").unwrap();
        assert_eq!(ty.path, "std::collections::HashMap<String, Vec<semver::Version>>");
        assert_eq!(ty.crates.into_iter().collect::<Vec<_>>(), ["semver"]);
        assert!(parse_rust_type("crate::Money").unwrap().crates.is_empty());
    }

    #[test]
    fn anything_but_a_plain_path_is_refused_with_the_reason() {
        for (text, reason) in [
            ("fn()", "a type other than a path"),
            ("Box<dyn Fn()>", "a type other than a path"),
            ("std::boxed::Box<dyn std::any::Any>", "a type other than a path"),
            ("&'static str", "a type other than a path"),
            ("<T as Trait>::Out", "a type other than a path"),
            ("Foo<'a>", "a generic argument other than a type"),
            ("Foo<{ 1 + 1 }>", "a generic argument other than a type"),
            ("Decimal", "the one-word type `Decimal`"),
            ("super::Money", "starting with `super`"),
            ("std::ops::Fn(u8)", "is not a Rust type path"),
            ("a::B; fn main() {}", "is not a Rust type path"),
            ("x::Y>", "is not a Rust type path"),
            ("String /* */ ", ""),
        ] {
            match parse_rust_type(text) {
                Err(error) => assert!(error.contains(reason), "{text}: {error}"),
                Ok(ty) => assert_eq!((text, ty.path.as_str()), ("String /* */ ", "String"), "comments are dropped"),
            }
        }
        assert!(parse_rust_type(&format!("a::B{}", "<a::B".repeat(60))).unwrap_err().contains("longer than"));
    }

    #[test]
    fn a_dependency_is_one_toml_entry_written_again() {
        assert_eq!(
            parse_dependency(r#"rust_decimal = { version = "1", features = ["serde"] }"#).unwrap(),
            ("rust_decimal".to_string(), r#"rust_decimal = { features = ["serde"], version = "1" }"#.to_string()),
            "written again by toml (keys in order)"
        );
        assert_eq!(parse_dependency("my-types = '0.3'").unwrap(), ("my_types".into(), "my-types = \"0.3\"".into()));
        for (line, reason) in [
            ("rust_decimal = 1", "version string or an inline table"),
            ("a = \"1\"\nb = \"2\"", "one entry"),
            ("rust_decimal = \"1\"\n[workspace]", "one entry"),
            ("rust_decimal", "not a TOML line"),
            ("uuid = \"1\"", "already has it"),
        ] {
            let error = parse_dependency(line).unwrap_err();
            assert!(error.contains(reason), "{line}: {error}");
        }
    }

    #[test]
    fn replacements_need_the_crates_they_name() {
        let one = |ty: TypeReplacement| Replacements::check(&BTreeMap::from([("Money".to_string(), ty)]), &[]);
        let checked =
            one(TypeReplacement::new("rust_decimal::Decimal").with_dependency("rust_decimal = \"1\"")).unwrap();
        assert_eq!(checked.by_target["/components/schemas/Money"].path, "rust_decimal::Decimal");
        assert!(one(TypeReplacement::new("uuid::Uuid")).is_ok(), "a crate the generated crate has");
        assert!(one(TypeReplacement::new("std::net::IpAddr")).is_ok());
        let error = one(TypeReplacement::new("rust_decimal::Decimal")).unwrap_err();
        assert!(error.contains("needs crate `rust_decimal`: add `dependency"), "{error}");
        let error =
            one(TypeReplacement::new("rust_decimal::Decimal").with_dependency("bigdecimal = \"1\"")).unwrap_err();
        assert!(
            error.contains("names crate `bigdecimal`, but `rust_decimal::Decimal` starts with `rust_decimal`"),
            "{error}"
        );
        let error =
            Replacements::check(&BTreeMap::from([("#components".to_string(), TypeReplacement::new("String"))]), &[])
                .unwrap_err();
        assert!(error.contains("starts with `#/`"), "{error}");
    }

    #[test]
    fn targets_are_pointers_as_references_write_them() {
        let targets = [
            ("#/components/schemas/Order/properties/total%20due", "/components/schemas/Order/properties/total due"),
            ("#/paths/~1orders~1%7Bid%7D/get", "/paths/~1orders~1{id}/get"),
            ("a/b~c", "/components/schemas/a~1b~0c"),
        ];
        for (target, pointer) in targets {
            let replacements = BTreeMap::from([(target.to_string(), TypeReplacement::new("String"))]);
            let checked = Replacements::check(&replacements, &[]).unwrap();
            assert_eq!(checked.by_target.keys().collect::<Vec<_>>(), [pointer], "{target}");
        }
        assert_eq!(rename_pointer("#/components/schemas/A%20B").unwrap(), "/components/schemas/A B");
        assert_eq!(
            rename_pointer("/components/schemas/A%20B").unwrap(),
            "/components/schemas/A%20B",
            "bare: as written"
        );
        for malformed in ["#components/schemas/User", "components/schemas/User", "#", "", "User"] {
            let error = rename_pointer(malformed).unwrap_err();
            assert!(error.contains("not a JSON pointer into the spec"), "{malformed}: {error}");
        }
    }
}
