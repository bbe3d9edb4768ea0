//! The drift check's summary: the public items of a crate's committed
//! generated files against those of the files generated now.
//!
//! The committed crate's spec is not kept, so its IR cannot be rebuilt;
//! its Rust files are what user code compiles against, so they are
//! compared instead (parsed with syn): types, fields, variants, methods,
//! functions, constants, re-exports and trait impls, each keyed by the path
//! user code names it by and valued by its signature as tokens. This sees
//! what a spec change does and what a generator change does alike;
//! [`compare_files`] tells the two apart only where it can: the runtime
//! (`src/runtime/`) is copied from the generator and never depends on the
//! spec. The rules are those of [`super::types`]: a field or variant added
//! to a struct or enum that is not `#[non_exhaustive]` (and, for a struct,
//! has only public fields) breaks struct literals or exhaustive matches.

use super::{push, ApiDiff, Change, ChangeKind, Impact};
use quote::ToTokens;
use std::collections::BTreeMap;

/// One public item: what it is, where it lives, and its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Item {
    tag: Option<String>,
    /// `field`, `variant`, `method`, `struct`...
    kind: &'static str,
    /// Set for a field or variant of a type user code can build or match
    /// exhaustively: adding one breaks that code.
    closed_member: bool,
    /// The type a member, method or trait impl belongs to (its key): when
    /// the type itself comes or goes, so do they, unreported.
    owner: Option<String>,
    signature: String,
}

/// What [`compare_files`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemsDiff {
    /// The public items added, removed or changed.
    pub diff: ApiDiff,
    /// Whether a runtime file (`src/runtime/`, the generator's own code,
    /// the same whatever the spec) differs: the generator changed.
    pub runtime_changed: bool,
    /// Files that did not parse as Rust (their items are not compared).
    pub unparsed: Vec<String>,
}

/// Compares the public items of two sets of a crate's files (path relative
/// to the crate, text); files other than `src/**.rs` are ignored.
pub fn compare_files<'a>(
    old: impl IntoIterator<Item = (&'a str, &'a str)>,
    new: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> ItemsDiff {
    let mut unparsed = Vec::new();
    let (old_items, old_runtime) = collect(old, &mut unparsed);
    let (new_items, new_runtime) = collect(new, &mut unparsed);
    let mut changes = Vec::new();
    // An item of a type that is itself added or removed (a type of this
    // crate's own, not `Client`, which the runtime defines).
    let comes_or_goes = |item: &Item, own: &BTreeMap<String, Item>, other: &BTreeMap<String, Item>| {
        item.owner.as_ref().is_some_and(|owner| own.contains_key(owner) && !other.contains_key(owner))
    };
    for (key, item) in &new_items {
        match old_items.get(key) {
            None if comes_or_goes(item, &new_items, &old_items) => {}
            None => added(key, item, &old_items, &mut changes),
            Some(old) if old.signature != item.signature => {
                let detail = format!("`{}` -> `{}`", shorten(&old.signature), shorten(&item.signature));
                let reason = "code using it as it was may stop compiling";
                let label = format!("{} `{key}`", item.kind);
                push(&mut changes, item.tag.as_deref(), label, ChangeKind::Changed, detail, Impact::Breaking, reason);
            }
            Some(_) => {}
        }
    }
    for (key, item) in &old_items {
        if !new_items.contains_key(key) && !comes_or_goes(item, &old_items, &new_items) {
            let reason = "code naming it stops compiling";
            let label = format!("{} `{key}`", item.kind);
            push(
                &mut changes,
                item.tag.as_deref(),
                label,
                ChangeKind::Removed,
                String::new(),
                Impact::Breaking,
                reason,
            );
        }
    }
    let diff = super::sorted(changes);
    ItemsDiff { diff, runtime_changed: old_runtime != new_runtime, unparsed }
}

impl ItemsDiff {
    /// The drift check's summary: the report ([`ApiDiff::report`], bump
    /// from `version`), then what can be said of the cause.
    pub fn summary(&self, version: &semver::Version) -> String {
        let mut out = if self.diff.is_empty() {
            "No public item changed: the difference is in docs, bodies or wire code.\n".to_string()
        } else {
            self.diff.report(version)
        };
        if self.runtime_changed {
            out.push_str(
                "The runtime (src/runtime/, the same whatever the spec) differs: the generator changed, \
                 and the other differences may come from it too.\n",
            );
        }
        for path in &self.unparsed {
            out.push_str(&format!("{path}: not valid Rust; its items are not compared.\n"));
        }
        out
    }
}

fn added(key: &str, item: &Item, old_items: &BTreeMap<String, Item>, changes: &mut Vec<Change>) {
    // A member is breaking only when its type was there before.
    let owner_existed = item.owner.as_ref().is_some_and(|owner| old_items.contains_key(owner));
    let (impact, reason) = if item.closed_member && owner_existed {
        let reason = if item.kind == "field" {
            "struct literals of the type must now set it"
        } else {
            "exhaustive matches on the enum miss it"
        };
        (Impact::Breaking, reason)
    } else {
        (Impact::Addition, "new; existing code does not name it")
    };
    push(
        changes,
        item.tag.as_deref(),
        format!("{} `{key}`", item.kind),
        ChangeKind::Added,
        String::new(),
        impact,
        reason,
    );
}

/// Signatures as people write them (`&self, id: impl Into<String>`, not
/// the token stream's `& self , id : impl Into < String >`), and only their
/// start when long (a builder's `send`).
fn shorten(signature: &str) -> String {
    const MAX: usize = 100;
    let signature = &readable(signature);
    match signature.char_indices().nth(MAX) {
        Some((at, _)) => format!("{}...", &signature[..at]),
        None => signature.to_string(),
    }
}

fn readable(tokens: &str) -> String {
    let mut text = tokens.to_string();
    for (from, to) in [(" :: ", "::"), (" ,", ","), ("< ", "<"), (" >", ">"), (" <", "<"), ("& ", "&"), ("( ", "(")] {
        text = text.replace(from, to);
    }
    for (from, to) in [(" )", ")"), (",)", ")"), (" :", ":"), (" (", "(")] {
        text = text.replace(from, to);
    }
    text
}

/// The public items of the files, and the runtime's files' texts.
fn collect<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    unparsed: &mut Vec<String>,
) -> (BTreeMap<String, Item>, BTreeMap<&'a str, &'a str>) {
    let mut items = BTreeMap::new();
    let mut runtime = BTreeMap::new();
    for (path, text) in files {
        let Some(module) = path.strip_prefix("src/").and_then(|p| p.strip_suffix(".rs")) else { continue };
        if module.starts_with("runtime/") {
            // The first line names the command that generated it, not the generator.
            runtime.insert(path, text.split_once('\n').map_or("", |(_, rest)| rest));
        }
        match syn::parse_file(text) {
            Ok(file) => {
                let place = Place::of(module);
                for item in &file.items {
                    place.item(item, &mut items);
                }
            }
            Err(_) => unparsed.push(path.to_string()),
        }
    }
    (items, runtime)
}

/// Where a file's items are named from, and the tag its file stands for.
struct Place {
    /// `models::`, `apis::pets::`...: models are re-exported by glob, so
    /// their file does not show in their path; the runtime's modules are
    /// private and re-exported.
    prefix: String,
    tag: Option<String>,
}

impl Place {
    fn of(module: &str) -> Place {
        let module = module.strip_suffix("/mod").unwrap_or(module);
        let (prefix, tag) = match module.split_once('/') {
            Some(("models", file)) => ("models::".to_string(), (!file.starts_with("unused_")).then_some(file)),
            Some(("runtime", _)) => ("runtime::".to_string(), None),
            Some((parent, file)) => (format!("{parent}::{file}::"), (parent == "apis").then_some(file)),
            None if module == "lib" => (String::new(), None),
            None => (format!("{module}::"), None),
        };
        Place { prefix, tag: tag.map(str::to_string) }
    }

    fn insert(&self, items: &mut BTreeMap<String, Item>, name: String, kind: &'static str, signature: String) {
        let item = Item { tag: self.tag.clone(), kind, closed_member: false, owner: None, signature };
        items.insert(format!("{}{name}", self.prefix), item);
    }

    /// An item of the type `owner` (a name in this file's module).
    fn insert_member(
        &self,
        items: &mut BTreeMap<String, Item>,
        (owner, name): (&str, String),
        kind: &'static str,
        closed_member: bool,
        signature: String,
    ) {
        let owner = Some(format!("{}{owner}", self.prefix));
        let item = Item { tag: self.tag.clone(), kind, closed_member, owner, signature };
        items.insert(format!("{}{name}", self.prefix), item);
    }

    fn item(&self, item: &syn::Item, items: &mut BTreeMap<String, Item>) {
        match item {
            syn::Item::Struct(s) if is_pub(&s.vis) => self.structure(s, items),
            syn::Item::Enum(e) if is_pub(&e.vis) => self.enumeration(e, items),
            syn::Item::Type(t) if is_pub(&t.vis) => self.insert(items, t.ident.to_string(), "type", tokens(&t.ty)),
            syn::Item::Fn(f) if is_pub(&f.vis) => {
                self.insert(items, f.sig.ident.to_string(), "function", tokens(&f.sig))
            }
            syn::Item::Const(c) if is_pub(&c.vis) => self.insert(items, c.ident.to_string(), "constant", tokens(&c.ty)),
            syn::Item::Static(s) if is_pub(&s.vis) => self.insert(items, s.ident.to_string(), "static", tokens(&s.ty)),
            syn::Item::Trait(t) if is_pub(&t.vis) => {
                self.insert(items, t.ident.to_string(), "trait", trait_signature(t))
            }
            syn::Item::Mod(m) if is_pub(&m.vis) => self.insert(items, m.ident.to_string(), "module", String::new()),
            syn::Item::Use(u) if is_pub(&u.vis) => self.insert(items, tokens(&u.tree), "re-export", String::new()),
            syn::Item::Impl(i) => self.implementation(i, items),
            _ => {}
        }
    }

    fn structure(&self, s: &syn::ItemStruct, items: &mut BTreeMap<String, Item>) {
        let name = s.ident.to_string();
        let closed = !non_exhaustive(&s.attrs) && s.fields.iter().all(|f| is_pub(&f.vis));
        let shape = match &s.fields {
            syn::Fields::Named(_) => "{ .. }",
            syn::Fields::Unnamed(_) => "( .. )",
            syn::Fields::Unit => ";",
        };
        self.insert(items, name.clone(), "struct", format!("{}{shape}{}", tokens(&s.generics), derives(&s.attrs)));
        for (index, field) in s.fields.iter().enumerate().filter(|(_, f)| is_pub(&f.vis)) {
            let member = field.ident.as_ref().map_or_else(|| index.to_string(), ToString::to_string);
            self.insert_member(items, (&name, format!("{name}::{member}")), "field", closed, tokens(&field.ty));
        }
    }

    fn enumeration(&self, e: &syn::ItemEnum, items: &mut BTreeMap<String, Item>) {
        let name = e.ident.to_string();
        let closed = !non_exhaustive(&e.attrs);
        self.insert(items, name.clone(), "enum", format!("{}{}", tokens(&e.generics), derives(&e.attrs)));
        for variant in &e.variants {
            let member = format!("{name}::{}", variant.ident);
            self.insert_member(items, (&name, member), "variant", closed, tokens(&variant.fields));
        }
    }

    fn implementation(&self, i: &syn::ItemImpl, items: &mut BTreeMap<String, Item>) {
        let self_ty = type_name(&i.self_ty);
        if let Some((trait_path, _)) = &i.trait_ {
            let name = format!("impl {} for {self_ty}", readable(&tokens(trait_path)));
            self.insert_member(items, (&self_ty, name), "trait impl", false, tokens(&i.generics));
            return;
        }
        for member in &i.items {
            match member {
                syn::ImplItem::Fn(f) if is_pub(&f.vis) => {
                    let name = format!("{self_ty}::{}", f.sig.ident);
                    self.insert_member(items, (&self_ty, name), "method", false, tokens(&f.sig));
                }
                syn::ImplItem::Const(c) if is_pub(&c.vis) => {
                    let name = format!("{self_ty}::{}", c.ident);
                    self.insert_member(items, (&self_ty, name), "constant", false, tokens(&c.ty));
                }
                _ => {}
            }
        }
    }
}

fn is_pub(vis: &syn::Visibility) -> bool {
    matches!(vis, syn::Visibility::Public(_))
}

fn tokens(node: &impl ToTokens) -> String {
    node.to_token_stream().to_string()
}

/// The type's path without its generic arguments (`ListPets` for
/// `ListPets<'a>`): methods are named by it.
fn type_name(ty: &syn::Type) -> String {
    match ty {
        syn::Type::Path(path) => {
            let names: Vec<String> = path.path.segments.iter().map(|s| s.ident.to_string()).collect();
            names.join("::")
        }
        other => tokens(other),
    }
}

fn non_exhaustive(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("non_exhaustive"))
}

/// ` derive(Clone, Debug)`: taking a derive away breaks code relying on it.
fn derives(attrs: &[syn::Attribute]) -> String {
    let list: Vec<String> = attrs.iter().filter(|a| a.path().is_ident("derive")).map(|a| tokens(&a.meta)).collect();
    if list.is_empty() {
        String::new()
    } else {
        format!(" {}", list.join(" "))
    }
}

/// A trait's signature: its generics, supertraits and its items' signatures.
fn trait_signature(t: &syn::ItemTrait) -> String {
    let members: Vec<String> = t
        .items
        .iter()
        .map(|item| match item {
            syn::TraitItem::Fn(f) => tokens(&f.sig),
            other => tokens(other),
        })
        .collect();
    format!("{} : {} {{ {} }}", tokens(&t.generics), tokens(&t.supertraits), members.join("; "))
}
