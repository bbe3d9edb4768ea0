//! Per-spec settings: what the spec cannot say about the crate to generate.

use std::collections::BTreeMap;

/// How to generate one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Cargo package name of the generated crate, e.g. `okta-client`.
    pub crate_name: String,
    /// Cargo package version of the generated crate.
    pub crate_version: String,
    /// How the spec is named in the generated files' first line, e.g. `spec/okta.yaml`.
    pub spec_label: String,
    /// The command that regenerates the crate, named in every file's first line.
    pub command: String,
    /// Value prefix per API key security scheme, e.g. `apiToken` -> `SSWS`
    /// (Okta sends `Authorization: SSWS <token>`; the prefix is only in prose).
    pub api_key_prefixes: BTreeMap<String, String>,
    /// Property names (wire names, compared case-insensitively) whose values
    /// are credentials: shown as redacted in `Debug`, like `format: password`.
    pub secret_properties: Vec<String>,
    /// Write `[workspace]` into the generated Cargo.toml, so the crate builds
    /// on its own even when its folder lies inside another workspace.
    pub standalone_workspace: bool,
    /// Files copied into the crate as they are (path in the crate, contents),
    /// such as hand-written examples kept beside the spec.
    pub extra_files: Vec<(String, String)>,
}

impl Settings {
    /// Settings for a crate named `crate_name`, generated from `spec_label`.
    pub fn new(crate_name: impl Into<String>, spec_label: impl Into<String>) -> Self {
        Self {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_string(),
            spec_label: spec_label.into(),
            command: "cargo xtask codegen".to_string(),
            api_key_prefixes: BTreeMap::new(),
            secret_properties: Vec::new(),
            standalone_workspace: false,
            extra_files: Vec::new(),
        }
    }

    /// Checks what cargo and Rust would refuse later, with a message that
    /// names the rule: see [`check_crate_name`].
    pub fn validate(&self) -> Result<(), String> {
        check_crate_name(&self.crate_name)
    }

    /// Is the property called `wire_name` a secret by these settings?
    pub fn is_secret_property(&self, wire_name: &str) -> bool {
        self.secret_properties.iter().any(|s| s.eq_ignore_ascii_case(wire_name))
    }
}

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

/// Rust keywords (strict, reserved and 2018+ edition ones): cargo refuses
/// them as package names, and no code could `use` such a crate.
const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super",
    "trait", "true", "try", "type", "typeof", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Crates that ship with Rust: a dependency of the same name would shadow them.
const BUILT_IN_CRATES: &[&str] = &["alloc", "core", "proc_macro", "std", "test"];

/// Is `name` a package name that cargo accepts and that code can `use`?
///
/// The rule (stricter than cargo only in asking for ASCII): ASCII letters,
/// digits, `-` and `_`; the first character a letter or `_`; not a Rust
/// keyword; not the name of a crate that ships with Rust. The library name
/// is the package name with `-` as `_`, so both are checked.
pub fn check_crate_name(name: &str) -> Result<(), String> {
    let problem = if name.is_empty() {
        "it is empty".to_string()
    } else if let Some(c) = name.chars().find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '_')) {
        format!("it contains `{c}`; use only ASCII letters, digits, `-` and `_`")
    } else if !name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        "it must start with a letter or `_`".to_string()
    } else if KEYWORDS.contains(&name) {
        "it is a Rust keyword".to_string()
    } else if BUILT_IN_CRATES.contains(&name.replace('-', "_").as_str()) {
        "it is the name of a crate that ships with Rust".to_string()
    } else {
        return Ok(());
    };
    Err(format!("invalid crate name `{name}`: {problem}"))
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
            ("std", "ships with Rust"),
            ("proc-macro", "ships with Rust"),
            ("caf\u{e9}", "contains `\u{e9}`"),
        ] {
            let error = check_crate_name(name).unwrap_err();
            assert!(error.contains(rule) && error.contains(&format!("`{name}`")), "{name}: {error}");
        }
        for name in ["okta-client", "_private", "a", "my_api2", "fn-client"] {
            assert_eq!(check_crate_name(name), Ok(()), "{name}");
        }
    }
}
