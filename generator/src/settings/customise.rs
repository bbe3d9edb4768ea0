//! Extra derives and attributes on generated types (`[crate.types."GLOB"]`)
//! and renames by JSON pointer (`[crate.rename]`): what the settings accept,
//! checked here so that no configuration text becomes code beyond what is
//! listed below.
//!
//! - A derive is a plain path (`Hash`, `schemars::JsonSchema`): no generic
//!   arguments, no tokens beside it.
//! - An attribute is exactly one outer attribute (`#[...]`) whose name is on
//!   a short list: the lint levels (`allow`, `expect`, `warn`, `deny`),
//!   `must_use`, `non_exhaustive`, `doc = "..."`, and the helper attribute
//!   of a derive the same entry lists from another crate (`schemars(...)`
//!   beside `schemars::JsonSchema`), which only that derive reads. Anything
//!   else is refused: an attribute macro (`#[some_crate::anything]`)
//!   rewrites the item into whatever it likes, `cfg_attr` can wrap any
//!   attribute, and `no_mangle`, `export_name`, `link_section`, `repr` and
//!   `path` change linking, layout or modules. `serde(...)` is refused too:
//!   the models' serde code is the generator's own, so a serde attribute
//!   would do nothing (rename a field with `[crate.rename]`).
//! - A rename is an identifier of the kind it names (checked when the
//!   pointer is known to name a type, field, variant or operation).

use globset::{Glob, GlobMatcher};
use serde::Deserialize;

/// Extra derives and attributes for the generated types a glob matches
/// (`codegen.toml`: `[crate.types."Money*"] derive = ["Hash"]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TypeExtras {
    /// Paths of derive macros, e.g. `Hash`, `schemars::JsonSchema`.
    #[serde(default)]
    pub derive: Vec<String>,
    /// Outer attributes, e.g. `#[must_use]` (the module docs list those accepted).
    #[serde(default)]
    pub attributes: Vec<String>,
}

/// Derives the generator writes itself, or decides on, for every type that
/// can have them: asking for one is refused, with the reason.
const DECIDED_DERIVES: &[(&str, &str)] = &[
    ("Default", "models derive `Default` where every field has one"),
    ("Copy", "models hold strings and collections; only integer enums are `Copy`"),
    ("Serialize", "the models' serde code is the generator's own"),
    ("Deserialize", "the models' serde code is the generator's own"),
];

/// Attribute names accepted whatever the entry derives.
const PLAIN_ATTRIBUTES: &[&str] = &["allow", "expect", "warn", "deny", "must_use", "non_exhaustive", "doc"];

/// A derive or attribute entry, checked: its text as it will be printed.
fn derive_path(entry: &str) -> Result<syn::Path, String> {
    let path: syn::Path =
        syn::parse_str(entry).map_err(|e| format!("derive `{entry}` is not a path such as `Hash` ({e})"))?;
    if path.segments.iter().any(|s| !s.arguments.is_none()) {
        return Err(format!("derive `{entry}` must be a plain path, without generic arguments"));
    }
    Ok(path)
}

/// The last segment of `path` when it names a trait of the standard library
/// (`Hash`, `std::hash::Hash`, `core::cmp::Ord`), or any path's last
/// segment for the serde traits.
pub(crate) fn std_trait_name(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split("::").map(str::trim).filter(|s| !s.is_empty()).collect();
    let last = (*segments.last()?).to_string();
    (segments.len() == 1 || matches!(segments[0], "std" | "core" | "serde")).then_some(last)
}

/// The derives of the standard library, the only ones named without a path.
const STD_DERIVES: &[&str] = &["Debug", "Clone", "Copy", "PartialEq", "Eq", "PartialOrd", "Ord", "Hash", "Default"];

/// The trait's name when the derive path names one of the standard
/// library's (`Hash`, `std::hash::Hash`, `core::cmp::Ord`); `None` for
/// another crate's.
pub fn std_trait(path: &str) -> Option<String> {
    std_trait_name(path).filter(|_| !path.trim_start().starts_with("serde"))
}

fn token_text(tokens: impl quote::ToTokens) -> String {
    let text = tokens.to_token_stream().to_string();
    text.replace(" :: ", "::")
}

impl TypeExtras {
    /// The entry checked, its derives and attributes as they will be printed
    /// (`Err` names the entry `glob` and what is wrong).
    pub(crate) fn checked(&self, glob: &str) -> Result<TypeExtras, String> {
        let located = |message: String| format!("[crate.types.{glob:?}]: {message}");
        Glob::new(glob).map_err(|e| located(format!("invalid type name glob: {}", e.kind())))?;
        let mut derive = Vec::new();
        let mut helpers = Vec::new();
        for entry in &self.derive {
            let path = derive_path(entry).map_err(located)?;
            let text = token_text(&path);
            if let Some((name, why)) = std_trait_name(&text)
                .and_then(|last| DECIDED_DERIVES.iter().find(|(decided, _)| *decided == last.as_str()))
            {
                return Err(located(format!("derive `{entry}` is refused: {why} ({name})")));
            }
            if path.segments.len() == 1 && !STD_DERIVES.contains(&text.as_str()) {
                return Err(located(format!(
                    "derive `{entry}` is not a derive of the standard library; name another crate's by its path \
                     (`schemars::JsonSchema`)"
                )));
            }
            if path.segments.len() > 1 && std_trait_name(&text).is_none() {
                helpers.push(path.segments[0].ident.to_string());
            }
            derive.push(text);
        }
        let mut attributes = Vec::new();
        for entry in &self.attributes {
            attributes.push(check_attribute(entry, &helpers).map_err(located)?);
        }
        Ok(TypeExtras { derive, attributes })
    }
}

/// One outer attribute from the accepted ones, as it will be printed.
fn check_attribute(entry: &str, helpers: &[String]) -> Result<String, String> {
    let parsed = syn::parse::Parser::parse_str(syn::Attribute::parse_outer, entry)
        .map_err(|e| format!("attribute `{entry}` is not an outer attribute such as `#[must_use]` ({e})"))?;
    let [attribute] = parsed.as_slice() else {
        return Err(format!("attribute `{entry}` must be exactly one `#[...]`"));
    };
    let name = attribute.path().segments.iter().map(|s| s.ident.to_string()).collect::<Vec<_>>().join("::");
    if name == "serde" {
        return Err(format!(
            "attribute `{entry}` is refused: the models' serde code is the generator's own, so a serde attribute \
             would do nothing (rename fields with [crate.rename])"
        ));
    }
    if name == "doc" && !matches!(&attribute.meta, syn::Meta::NameValue(nv) if matches!(nv.value, syn::Expr::Lit(_))) {
        return Err(format!("attribute `{entry}` is refused: `doc` takes a string (`#[doc = \"...\"]`)"));
    }
    if PLAIN_ATTRIBUTES.contains(&name.as_str()) || helpers.contains(&name) {
        return Ok(token_text(attribute));
    }
    Err(format!(
        "attribute `{entry}` is refused: accepted are {}, and the helper attribute of a derive this entry lists \
         from another crate (an attribute macro could turn the type into any code)",
        PLAIN_ATTRIBUTES.iter().map(|a| format!("`{a}`")).collect::<Vec<_>>().join(", ")
    ))
}

/// The settings' type extras, ready to match type names, remembering which
/// globs matched some type.
#[derive(Debug)]
pub struct TypeExtrasMatcher {
    entries: Vec<(String, GlobMatcher, TypeExtras)>,
    used: Vec<bool>,
}

impl TypeExtrasMatcher {
    /// Matchers for checked entries (see [`TypeExtras::checked`]).
    pub fn new(entries: &[(String, TypeExtras)]) -> Result<Self, String> {
        let mut compiled = Vec::new();
        for (glob, extras) in entries {
            let checked = extras.checked(glob)?;
            let matcher = Glob::new(glob)
                .map_err(|e| format!("[crate.types.{glob:?}]: invalid type name glob: {}", e.kind()))?
                .compile_matcher();
            compiled.push((glob.clone(), matcher, checked));
        }
        let used = vec![false; compiled.len()];
        Ok(Self { entries: compiled, used })
    }

    /// The entries (glob, extras) matching the Rust type name `name`, in settings order.
    pub fn matching(&mut self, name: &str) -> Vec<(String, TypeExtras)> {
        let mut found = Vec::new();
        for (index, (glob, matcher, extras)) in self.entries.iter().enumerate() {
            if matcher.is_match(name) {
                self.used[index] = true;
                found.push((glob.clone(), extras.clone()));
            }
        }
        found
    }

    /// The globs that matched no type.
    pub fn unused(&self) -> Vec<&str> {
        self.entries.iter().zip(&self.used).filter(|(_, used)| !**used).map(|((glob, _, _), _)| glob.as_str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::TypeExtras;

    fn check(derive: &[&str], attributes: &[&str]) -> Result<TypeExtras, String> {
        let extras = TypeExtras {
            derive: derive.iter().map(|s| s.to_string()).collect(),
            attributes: attributes.iter().map(|s| s.to_string()).collect(),
        };
        extras.checked("Money*")
    }

    #[test]
    fn derives_are_plain_paths_and_attributes_come_from_a_short_list() {
        let ok =
            check(&["Hash", "std::cmp::Eq", "schemars::JsonSchema"], &["#[must_use]", "#[schemars(rename = \"M\")]"])
                .unwrap();
        assert_eq!(ok.derive, ["Hash", "std::cmp::Eq", "schemars::JsonSchema"]);
        assert_eq!(ok.attributes, ["# [must_use]", "# [schemars (rename = \"M\")]"]);
        for (derive, attributes, message) in [
            (&["Vec<u8>"][..], &[][..], "plain path"),
            (&["Hash)] fn evil() {} #[derive(Eq"], &[], "not a path"),
            (&["serde::Serialize"], &[], "generator's own"),
            (&["Default"], &[], "where every field has one"),
            (&[], &["#[cfg_attr(all(), path = \"x\")]"], "is refused"),
            (&[], &["#[tokio::main]"], "attribute macro"),
            (&[], &["#[serde(deny_unknown_fields)]"], "serde code is the generator's own"),
            (&[], &["#[must_use] #[non_exhaustive]"], "exactly one"),
            (&[], &["#[must_use] fn evil() {}"], "not an outer attribute"),
            (&[], &["#[schemars(rename = \"M\")]"], "helper attribute"),
            (&[], &["#[doc = include_str!(\"/etc/passwd\")]"], "takes a string"),
        ] {
            let error = check(derive, attributes).unwrap_err();
            assert!(error.starts_with("[crate.types.\"Money*\"]: ") && error.contains(message), "{error}");
        }
    }
}
