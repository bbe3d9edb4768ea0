//! The one place where spec names become Rust identifiers.
//!
//! Every identifier the generator emits comes from here, so the rules (case
//! conversion with heck, keyword escaping, leading digits, non-ASCII text,
//! names that collide after conversion) are applied the same way everywhere.

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::BTreeSet;

/// Rust keywords (strict, reserved and weak ones that matter in item position).
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn", "else",
    "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro", "match", "mod",
    "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true",
    "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Type names that generated code uses unqualified (or that every reader takes
/// for the std type); a schema with such a name gets a `Model` suffix.
const RESERVED_TYPE_NAMES: &[&str] = &["Self", "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err"];

/// Spells characters a Rust identifier cannot hold (non-ASCII, punctuation)
/// as word breaks, and non-ASCII letters as their code point, so that names
/// stay ASCII and distinct.
fn ascii_words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if c.is_alphanumeric() {
            out.push_str(&format!(" U{:04X} ", c as u32));
        } else {
            out.push(' ');
        }
    }
    out
}

/// `UpperCamelCase` type or variant name for `raw`, always a valid identifier.
pub fn type_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_upper_camel_case();
    if name.is_empty() {
        name = "Empty".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    if RESERVED_TYPE_NAMES.contains(&name.as_str()) {
        name.push_str("Model");
    }
    name
}

/// An enum variant name for the wire value `raw`.
pub fn variant_name(raw: &str) -> String {
    let name = type_name(raw);
    // Variants live in their enum's namespace, so only `Self` is a problem.
    match name.as_str() {
        "SelfModel" => "SelfValue".to_string(),
        _ => name.strip_suffix("Model").filter(|base| RESERVED_TYPE_NAMES.contains(base)).unwrap_or(&name).to_string(),
    }
}

/// `snake_case` field, method, parameter or module name for `raw`.
pub fn snake_name(raw: &str) -> String {
    let mut name = ascii_words(raw).to_snake_case();
    if name.is_empty() {
        name = "empty".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if KEYWORDS.contains(&name.as_str()) {
        name.push('_');
    }
    name
}

/// `SCREAMING_SNAKE_CASE` constant name.
pub fn const_name(raw: &str) -> String {
    let snake = snake_name(raw);
    snake.trim_end_matches('_').to_ascii_uppercase()
}

/// Cargo features every generated crate defines itself; tags must not take them.
pub const RESERVED_FEATURES: &[&str] = &["default", "full"];

/// `kebab-case` Cargo feature name for the tag `raw` (ASCII letters, digits and `-`).
pub fn feature_name(raw: &str) -> String {
    let name = ascii_words(raw).to_kebab_case();
    if name.is_empty() {
        "empty".to_string()
    } else {
        name
    }
}

/// Hands out names that are unique within one scope: a name already taken
/// (after case conversion) gets the smallest numeric suffix that is free.
#[derive(Debug, Default, Clone)]
pub struct UniqueNames {
    taken: BTreeSet<String>,
}

impl UniqueNames {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self { taken: reserved.into_iter().map(str::to_string).collect() }
    }

    /// Claims `name`, or `name2`, `name3`... when it is taken.
    pub fn claim(&mut self, name: String) -> String {
        if self.taken.insert(name.clone()) {
            return name;
        }
        let separator = if name.ends_with('_') {
            ""
        } else if name.ends_with(|c: char| c.is_ascii_digit()) || name.contains('_') {
            "_"
        } else {
            ""
        };
        (2..)
            .map(|n| format!("{name}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .expect("an unbounded range always yields a free name")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_are_kebab_case_ascii() {
        assert_eq!(feature_name("ApiToken"), "api-token");
        assert_eq!(feature_name("User Factors"), "user-factors");
        assert_eq!(feature_name("type"), "type");
        assert_eq!(feature_name("Größe"), "gr-u00f6-u00df-e");
        assert_eq!(feature_name("!!"), "empty");
    }

    #[test]
    fn keywords_get_a_trailing_underscore() {
        assert_eq!(snake_name("type"), "type_");
        assert_eq!(snake_name("self"), "self_");
        assert_eq!(snake_name("crate"), "crate_");
        assert_eq!(snake_name("matchType"), "match_type");
    }

    #[test]
    fn leading_digits_punctuation_unicode_and_empty_names_are_valid() {
        assert_eq!(snake_name("2fa"), "_2fa");
        assert_eq!(type_name("2fa"), "V2fa");
        assert_eq!(snake_name("x-rate-limit"), "x_rate_limit");
        assert_eq!(snake_name("café"), "caf_u00e9");
        assert_eq!(snake_name(""), "empty");
        assert_eq!(type_name("$%"), "Empty");
        assert_eq!(snake_name("@odata.type"), "odata_type");
    }

    #[test]
    fn std_type_names_are_suffixed() {
        assert_eq!(type_name("Result"), "ResultModel");
        assert_eq!(type_name("option"), "OptionModel");
        assert_eq!(type_name("Error"), "Error");
        assert_eq!(variant_name("None"), "None");
        assert_eq!(variant_name("self"), "SelfValue");
    }

    #[test]
    fn colliding_names_get_numeric_suffixes() {
        let mut scope = UniqueNames::default();
        assert_eq!(scope.claim(type_name("TempPassword")), "TempPassword");
        assert_eq!(scope.claim(type_name("tempPassword")), "TempPassword2");
        let mut fields = UniqueNames::default();
        assert_eq!(fields.claim(snake_name("fooBar")), "foo_bar");
        assert_eq!(fields.claim(snake_name("foo_bar")), "foo_bar_2");
    }
}
