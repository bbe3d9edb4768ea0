//! The one place where spec names become Rust identifiers.
//!
//! Every identifier the generator emits comes from here, so the rules (case
//! conversion with heck, keyword escaping, leading digits, non-ASCII text,
//! names that collide after conversion) are applied the same way everywhere.
//!
//! # Scopes
//!
//! Each place where generated names could meet is one [`UniqueNames`] scope,
//! created with the names the runtime or the templates already define there
//! (the lists below), so no two items can take the same name whatever the
//! spec says:
//!
//! | scope | spec names in it | reserved |
//! |---|---|---|
//! | crate root | none (only `apis`, `client`, `models`, `runtime` and fixed re-exports) | |
//! | `apis` modules, `models` files | one module per tag (a models file per tag that has types, named alike) | [`API_MODULE_NAMES`], [`UNUSED_MODELS_FILES`] |
//! | `apis` re-exports | one `<Tag>Api` struct per tag | |
//! | each `apis/<tag>.rs` | its `<Tag>Api`, builders, success enums | [`API_MODULE_TYPES`] |
//! | each builder | parameter fields and setters | [`BUILDER_MEMBERS`] |
//! | `<Tag>Api` methods | one per operation (unique across the API) | |
//! | `Client` methods | one accessor per tag | [`CLIENT_METHODS`] |
//! | `Mock` methods (test double) | one accessor per tag | [`MOCK_METHODS`] |
//! | `ClientBuilder` methods | server variables, credentials | [`CLIENT_BUILDER_METHODS`] |
//! | Cargo features | one per tag ([`feature_name`]) | [`RESERVED_FEATURES`] |
//! | `models` (all its files: each re-exports its types) | schemas, inline types, success enums | [`type_name`]'s std names |
//! | each struct, enum, union | fields, variants | `additional_properties`, the catch-all, `Other` |
//!
//! # The rule
//!
//! A name is converted first (snake or camel case; a keyword gets a trailing
//! `_`: tag `mod` is module `mod_`), then claimed in its scope in document
//! order. A name the runtime, a template or an earlier item took gets the
//! smallest free number from 2: `Name2`, or `name_2` when the name already
//! holds an underscore or ends in a digit (`A2` -> `A2_2`). So operation
//! `client` has the builder `Client2` (the api module imports the runtime's
//! `Client`), and the second of tags `a2` and `a_2` has the struct `A2Api2`.

use heck::{ToKebabCase, ToSnakeCase, ToUpperCamelCase};
use std::collections::{BTreeMap, BTreeSet};

/// Rust keywords: strict, reserved (2018 edition and later) and `union`
/// (weak, but a keyword in item position). The one list: [`snake_name`]
/// escapes them, and `settings::check_crate_name` refuses them as crate names.
pub const KEYWORDS: &[&str] = &[
    "Self", "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate", "do", "dyn",
    "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "macro",
    "match", "mod", "move", "mut", "override", "priv", "pub", "ref", "return", "self", "static", "struct", "super",
    "trait", "true", "try", "type", "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while",
    "yield",
];

/// Type names that generated code uses unqualified (or that every reader takes
/// for the std type); a schema with such a name gets a `Model` suffix.
const RESERVED_TYPE_NAMES: &[&str] =
    &["Self", "Option", "Result", "String", "Vec", "Box", "Some", "None", "Ok", "Err", "From"];

/// Module names under `src/apis/` (and so `src/models/`, whose files take
/// the api modules' names) that tags must not take: `mod` is each folder's
/// own `mod.rs`; the others would read as the crate's modules. Nor may they
/// take [`UNUSED_MODELS_FILES`].
pub const API_MODULE_NAMES: &[&str] = &["mod", "models", "runtime", "apis"];

/// The files of `src/models/` for the types no operation reaches, one per
/// initial of their names (see [`unused_models_file`]).
pub const UNUSED_MODELS_FILES: [&str; 26] = [
    "unused_a", "unused_b", "unused_c", "unused_d", "unused_e", "unused_f", "unused_g", "unused_h", "unused_i",
    "unused_j", "unused_k", "unused_l", "unused_m", "unused_n", "unused_o", "unused_p", "unused_q", "unused_r",
    "unused_s", "unused_t", "unused_u", "unused_v", "unused_w", "unused_x", "unused_y", "unused_z",
];

/// The index in [`UNUSED_MODELS_FILES`] of the file for a type no operation
/// reaches: that of its initial, so its file depends on its name alone.
/// ([`type_name`] always starts with an ASCII capital; anything else goes
/// with `V`, the letter it puts before a leading digit.)
pub fn unused_models_file(type_name: &str) -> usize {
    match type_name.bytes().next() {
        Some(initial) if initial.is_ascii_alphabetic() => usize::from(initial.to_ascii_lowercase() - b'a'),
        _ => usize::from(b'v' - b'a'),
    }
}

/// What every `apis/<tag>.rs` imports from the runtime (the renderer writes
/// its `use` line from this list).
pub const API_MODULE_IMPORTS: &[&str] = &["Client", "Error", "RawResponse", "Request"];

/// Type names an `apis/<tag>.rs` uses unqualified, so builders and success
/// enums must not take them: the runtime imports, and the prelude names
/// the rendered code writes bare (those [`type_name`] does not already
/// suffix).
pub const API_MODULE_TYPES: &[&str] = &["Client", "Error", "RawResponse", "Request", "Clone", "Into"];

/// Fields and methods every request builder has besides its parameters'.
pub const BUILDER_MEMBERS: &[&str] = &[
    "client",
    "body",
    "request",
    "decode",
    "send",
    "send_with_headers",
    "stream",
    "pages",
    "page_items",
    "collect_all",
    "events",
    "lines",
    "options",
    "with_options",
];

/// Methods of the runtime's `Client` (any visibility: two inherent methods
/// of one name clash even when one is private; and trait methods it
/// implements or derives, which the runtime calls), plus `builder` from the
/// generated `client.rs`. Tag accessors must not take them.
pub const CLIENT_METHODS: &[&str] = &[
    "base",
    "base_url",
    "builder",
    "clone",
    "dispatch",
    "execute",
    "fmt",
    "follow_redirects",
    "from_builder",
    "http_client",
    "max_pages",
    "open_stream",
    "paginate",
    "paginate_pages",
    "prepare",
    "query_key_names",
    "redirect_policy",
    "run",
    "select_alternative",
    "send",
    "send_following_redirects",
    "send_prepared",
    "send_within_limit",
    "transport_error",
];

/// Methods of the generated test double's `Mock` (feature `mock`), which
/// holds one accessor per tag too: tag accessors must not take them either.
/// (`clone` and `fmt` are in [`CLIENT_METHODS`]. `default` is not reserved:
/// untagged operations have the tag `default`, and renaming its accessor
/// would rename `Client::default()` in every such crate; there, a
/// `Mock` is made with `<Mock as Default>::default()`.)
pub const MOCK_METHODS: &[&str] = &["mock_client", "mock_client_builder", "recorded_requests"];

/// Methods of the runtime's `ClientBuilder` (as for [`CLIENT_METHODS`]);
/// server variable and credential setters must not take them.
pub const CLIENT_BUILDER_METHODS: &[&str] = &[
    "allow_insecure_http",
    "base_url",
    "build",
    "connect_timeout",
    "credential_provider",
    "credentials",
    "deadline",
    "default_user_agent",
    "fmt",
    "http_client",
    "max_body_size",
    "max_pages",
    "middleware",
    "mock",
    "new",
    "read_timeout",
    "redirects",
    "retry_policy",
    "server_variable",
    "strict_formats",
    "timeout",
    "token_refresh_margin",
    "token_timeout",
    "user_agent",
];

/// Names a string or integer enum's catch-all variant tries in turn.
const CATCH_ALL_NAMES: &[&str] = &["Unknown", "UnknownValue", "Unlisted", "UnlistedValue"];

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

/// The runtime's dependencies, as TOML lines of the generated Cargo.toml
/// (`render::cargo` writes them); the one list of the crates every
/// generated crate has. It must equal the `[dependencies]` of
/// templates/Cargo.toml, where the runtime compiles as it stands, which
/// `tests/tests/runtime_dependencies.rs` checks.
pub const RUNTIME_DEPENDENCIES: &str = r#"backon = { version = "1", default-features = false, features = ["tokio-sleep"] }
base64 = "0.23"
bytes = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "clock", "std"] }
futures = { version = "0.3", default-features = false, features = ["std"] }
httpdate = "1"
parse_link_header = "0.4"
percent-encoding = "2"
reqwest = { version = "0.13", default-features = false, features = ["json", "form", "rustls", "multipart", "http2", "stream"] }
secrecy = "0.10"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
tokio = { version = "1", features = ["fs", "io-util", "sync", "time"] }
tracing = "0.1"
uuid = { version = "1", features = ["serde"] }
"#;

/// Whether `code_name` (`-` as `_`) is a crate of [`RUNTIME_DEPENDENCIES`]:
/// generated code may name it without a dependency line of its own (a type
/// replacement's path, say).
pub fn is_runtime_crate(code_name: &str) -> bool {
    RUNTIME_DEPENDENCIES
        .lines()
        .filter_map(|line| line.split_once(" = "))
        .any(|(name, _)| name.replace('-', "_") == code_name)
}

/// Cargo features every generated crate defines itself; tags must not take them.
pub const RESERVED_FEATURES: &[&str] = &["default", "full", "mock"];

/// `kebab-case` Cargo feature name for the tag `raw` (ASCII letters, digits and `-`).
pub fn feature_name(raw: &str) -> String {
    let name = ascii_words(raw).to_kebab_case();
    if name.is_empty() {
        "empty".to_string()
    } else {
        name
    }
}

/// The `kebab-case` crate name to suggest for a `name` rustc would warn about
/// (`MyApi` -> `my-api`, `my__api` -> `my-api`).
pub fn crate_name_suggestion(name: &str) -> String {
    name.to_kebab_case()
}

/// The catch-all variant of an enum whose listed variants are `listed`:
/// the first of `Unknown`, `UnknownValue`, `Unlisted`, `UnlistedValue` that
/// no listed value took, else `Unknown` with a suffix.
pub fn catch_all_variant<'a>(listed: impl IntoIterator<Item = &'a str>) -> String {
    let mut scope = UniqueNames::with_reserved(listed);
    match CATCH_ALL_NAMES.iter().find(|name| !scope.taken.contains(**name)) {
        Some(name) => (*name).to_string(),
        None => scope.claim(CATCH_ALL_NAMES[0].to_string()),
    }
}

/// The variant of a stream's event enum for an event the spec does not name.
pub const OTHER_EVENT_VARIANT: &str = "Other";

/// Hands out names that are unique within one scope: a name already taken
/// (after case conversion) gets the smallest numeric suffix that is free.
#[derive(Debug, Default, Clone)]
pub struct UniqueNames {
    taken: BTreeSet<String>,
    /// Per base name, where the search for a free suffix resumes: every
    /// suffix below it is taken, and names are never given back, so claiming
    /// one name n times costs n steps, not n squared.
    next_suffix: BTreeMap<String, u64>,
}

impl UniqueNames {
    /// A scope where `reserved` names are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self { taken: reserved.into_iter().map(str::to_string).collect(), next_suffix: BTreeMap::new() }
    }

    /// Claims `name`, or `name2`, `name3`... (`name_2` when `name` holds an
    /// underscore or ends in a digit) when it is taken.
    pub fn claim(&mut self, name: String) -> String {
        if !self.taken.contains(&name) {
            self.taken.insert(name.clone());
            return name;
        }
        let separator = if name.ends_with('_') {
            ""
        } else if name.ends_with(|c: char| c.is_ascii_digit()) || name.contains('_') {
            "_"
        } else {
            ""
        };
        let next = self.next_suffix.entry(name.clone()).or_insert(2);
        loop {
            let candidate = format!("{name}{separator}{next}");
            *next += 1;
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runtime_crates_are_read_from_the_dependency_lines_by_code_name() {
        for name in ["backon", "percent_encoding", "serde", "serde_json", "uuid"] {
            assert!(is_runtime_crate(name), "{name}");
        }
        for name in ["percent-encoding", "serde_j", "rust_decimal", "features", ""] {
            assert!(!is_runtime_crate(name), "{name}");
        }
    }

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
        let mut builders = UniqueNames::default();
        assert_eq!(builders.claim(type_name("a2")), "A2");
        assert_eq!(builders.claim(type_name("a_2")), "A2_2");
    }

    #[test]
    fn a_suffix_skips_names_taken_by_reservation_or_by_an_earlier_item() {
        let mut scope = UniqueNames::with_reserved(["Client", "Client2"]);
        assert_eq!(scope.claim("Client".into()), "Client3");
        assert_eq!(scope.claim("Client4".into()), "Client4");
        assert_eq!(scope.claim("Client".into()), "Client5");
        let names: Vec<String> = (0..16_000).map(|_| scope.claim("a".into())).collect();
        assert_eq!((names[0].as_str(), names[1].as_str()), ("a", "a2"));
        assert_eq!(names[15_999], "a16000");
    }

    #[test]
    fn the_catch_all_takes_the_first_name_no_listed_value_took() {
        assert_eq!(catch_all_variant(["Active"]), "Unknown");
        assert_eq!(catch_all_variant(["Unknown", "Unlisted"]), "UnknownValue");
        assert_eq!(catch_all_variant(["Unknown", "UnknownValue", "Unlisted", "UnlistedValue"]), "Unknown2");
    }

    #[test]
    fn a_type_no_operation_reaches_goes_to_the_file_of_its_initial() {
        assert_eq!(UNUSED_MODELS_FILES[unused_models_file("AccessPolicy")], "unused_a");
        assert_eq!(UNUSED_MODELS_FILES[unused_models_file("Zone2")], "unused_z");
        assert_eq!(UNUSED_MODELS_FILES[unused_models_file(&type_name("2fa"))], "unused_v");
        assert_eq!(UNUSED_MODELS_FILES[unused_models_file("")], "unused_v");
    }

    #[test]
    fn keyword_tags_keep_their_underscore() {
        assert_eq!(snake_name("mod"), "mod_");
        assert_eq!(snake_name("fn"), "fn_");
    }
}
