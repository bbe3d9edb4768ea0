//! Crate names: the default for a spec file, and the rule every name meets.

use crate::naming::{crate_name_suggestion, KEYWORDS};

/// The default crate name for a spec file: `specs/Pet Store.v2.yaml` ->
/// `pet-store-v2-client`, `3d.json` -> `api-3d-client`; always valid by
/// [`check_crate_name`].
pub fn default_crate_name(spec: &std::path::Path) -> String {
    let stem = spec.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let cleaned: String =
        stem.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let cleaned = cleaned.trim_matches('-');
    let cleaned = if cleaned.is_empty() || cleaned.starts_with(|c: char| c.is_ascii_digit()) {
        format!("api-{cleaned}")
    } else {
        cleaned.to_string()
    };
    format!("{}-client", cleaned.trim_end_matches('-'))
}

/// Crates that ship with Rust: a dependency of the same name would shadow them.
const BUILT_IN_CRATES: &[&str] = &["alloc", "core", "proc_macro", "std", "test"];

/// Is `name` a package name that cargo accepts and that code can `use`?
///
/// The rule (stricter than cargo in asking for ASCII, in refusing the weak
/// keyword `union`, and in refusing what rustc warns about in every build
/// of the crate): ASCII letters, digits, `-` and `_`; the first character a
/// letter or `_`; snake case once `-` is read as `_` (no upper-case letter,
/// no `_` or `-` twice in a row inside the name); not a Rust keyword
/// (`naming::KEYWORDS`); not the name of a crate that ships with Rust. The
/// library name is the package name with `-` as `_`, so both are checked.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    let problem = if name.is_empty() {
        "it is empty".to_string()
    } else if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        format!("it contains `{c}`; use only ASCII letters, digits, `-` and `_`")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        "it must start with a letter or `_`".to_string()
    } else if KEYWORDS.contains(&name) {
        "it is a Rust keyword".to_string()
    } else if !is_snake_case(&name.replace('-', "_")) {
        let suggestion = crate_name_suggestion(name);
        let instead =
            if check_crate_name(&suggestion).is_ok() { format!("; use `{suggestion}`") } else { String::new() };
        format!(
            "rustc warns in every build about a crate name that is not snake case (upper-case letters, `_` or `-` \
             twice in a row){instead}"
        )
    } else if BUILT_IN_CRATES.contains(&name.replace('-', "_").as_str()) {
        "it is the name of a crate that ships with Rust".to_string()
    } else {
        return Ok(());
    };
    Err(format!("invalid crate name `{name}`: {problem}"))
}

/// rustc's rule for the `non_snake_case` lint: past leading and trailing
/// `_`, no upper-case letter and no `__`.
fn is_snake_case(name: &str) -> bool {
    let inner = name.trim_matches('_');
    !inner.contains("__") && !inner.chars().any(char::is_uppercase)
}

#[cfg(test)]
mod tests {
    use super::{check_crate_name, default_crate_name};
    use std::path::Path;

    #[test]
    fn crate_names_derive_from_spec_file_names() {
        assert_eq!(default_crate_name(Path::new("specs/Pet Store.v2.yaml")), "pet-store-v2-client");
        assert_eq!(default_crate_name(Path::new("3d.json")), "api-3d-client");
        assert_eq!(default_crate_name(Path::new("std.yaml")), "std-client");
        assert_eq!(check_crate_name(&default_crate_name(Path::new("\u{e9}.yaml"))), Ok(()));
    }

    #[test]
    fn crate_names_cargo_would_refuse_are_rejected_with_the_rule() {
        for (name, rule) in [
            ("my.api", "contains `.`"),
            ("", "empty"),
            ("3d-client", "start with a letter"),
            ("-client", "start with a letter"),
            ("fn", "keyword"),
            ("self", "keyword"),
            ("Self", "keyword"),
            ("union", "keyword"),
            ("std", "ships with Rust"),
            ("proc-macro", "ships with Rust"),
            ("caf\u{e9}", "contains `\u{e9}`"),
            ("MyApi", "not snake case (upper-case letters, `_` or `-` twice in a row); use `my-api`"),
            ("my__api", "not snake case"),
            ("my--api", "not snake case"),
            ("my-_api", "use `my-api`"),
        ] {
            let error = check_crate_name(name).unwrap_err();
            assert!(error.contains(rule) && error.contains(&format!("`{name}`")), "{name}: {error}");
        }
        for name in ["okta-client", "_private", "a", "my_api2", "fn-client", "__api__"] {
            assert_eq!(check_crate_name(name), Ok(()), "{name}");
        }
    }
}
