//! The settings' renames (`[crate.rename]`, JSON pointer -> Rust name),
//! applied where each name is claimed, under `naming`'s scopes: a renamed
//! item takes its new name exactly, so a rename that meets another item's
//! name in the same scope is an error naming both, never a silent `2`.
//!
//! What a pointer names goes by its shape: `.../properties/<key>` a field,
//! `.../enum/<index>` an enum variant, `/paths/<path>/<method>` an
//! operation's method, any other pointer the type of the schema there. A
//! rename no lowered item used names nothing, and is an error.

use crate::diagnostics::Diagnostic;
use crate::naming::{snake_name, type_name, variant_name, UniqueNames};
use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// What a renamed pointer names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenameKind {
    /// A named type.
    Type,
    /// A struct field.
    Field,
    /// An enum variant.
    Variant,
    /// An operation's method.
    Operation,
}

impl RenameKind {
    fn of(pointer: &str) -> Self {
        let tokens: Vec<&str> = pointer.split('/').collect();
        let parent = tokens.len().checked_sub(2).map(|i| tokens[i]);
        match parent {
            Some("properties") => RenameKind::Field,
            Some("enum") => RenameKind::Variant,
            _ if tokens.len() == 4
                && tokens[1] == "paths"
                && crate::http::HttpMethod::from_key(tokens[3]).is_some() =>
            {
                RenameKind::Operation
            }
            _ => RenameKind::Type,
        }
    }

    fn label(self) -> &'static str {
        match self {
            RenameKind::Type => "type",
            RenameKind::Field => "field",
            RenameKind::Variant => "variant",
            RenameKind::Operation => "method",
        }
    }

    /// The name as this kind's conversion would write it.
    fn converted(self, name: &str) -> String {
        match self {
            RenameKind::Type => type_name(name),
            RenameKind::Field | RenameKind::Operation => snake_name(name),
            RenameKind::Variant => variant_name(name),
        }
    }
}

/// The settings' renames, and which of them lowering used.
#[derive(Debug, Default)]
pub struct Renames {
    wanted: BTreeMap<String, String>,
    used: RefCell<BTreeSet<String>>,
    errors: RefCell<Vec<Diagnostic>>,
}

impl Renames {
    /// The renames by pointer (without `#`).
    pub fn new(wanted: &BTreeMap<String, String>) -> Self {
        Self { wanted: wanted.clone(), ..Self::default() }
    }

    /// The new name of what `pointer` names, if renamed and of `kind`;
    /// a name that is not an identifier of the kind is an error (and its
    /// conversion is used, so lowering goes on).
    pub fn get(&self, pointer: &str, kind: RenameKind) -> Option<String> {
        let wanted = self.wanted.get(pointer)?;
        if RenameKind::of(pointer) != kind {
            return None;
        }
        self.used.borrow_mut().insert(pointer.to_string());
        let converted = kind.converted(wanted);
        if converted != *wanted {
            self.error(pointer, format!("`{wanted}` is not a Rust {} name here; use `{converted}`", kind.label()));
        }
        Some(converted)
    }

    /// A scope where the renames of `kind` are claimed: of the items at
    /// `members` (a struct's properties), or of every item of the kind.
    pub fn scope(&self, kind: RenameKind, members: Option<&[&str]>) -> RenamedScope {
        let mut renamed = BTreeMap::new();
        for (pointer, name) in &self.wanted {
            let member = members.is_none_or(|members| members.contains(&pointer.as_str()));
            if RenameKind::of(pointer) == kind && member {
                if let Some(other) = renamed.insert(kind.converted(name), pointer.clone()) {
                    self.error(pointer, format!("renamed to `{name}`, as `#{other}` is: choose another name"));
                }
            }
        }
        RenamedScope { kind, renamed, holders: HashMap::new() }
    }

    fn error(&self, pointer: &str, message: String) {
        self.errors.borrow_mut().push(Diagnostic::error(pointer, format!("[crate.rename] \"#{pointer}\": {message}")));
    }

    /// The errors found, and one for each rename no item used.
    pub fn finish(self) -> Vec<Diagnostic> {
        let mut errors = self.errors.into_inner();
        let used = self.used.into_inner();
        for pointer in self.wanted.keys().filter(|p| !used.contains(*p)) {
            errors.push(Diagnostic::error(
                pointer.as_str(),
                format!(
                    "[crate.rename] \"#{pointer}\" names no schema type, property, enum value or operation that \
                     is generated"
                ),
            ));
        }
        errors
    }
}

/// One naming scope with the renames that apply in it.
#[derive(Debug)]
pub struct RenamedScope {
    kind: RenameKind,
    /// New name -> the renamed pointer.
    renamed: BTreeMap<String, String>,
    /// Each name claimed here -> the pointer of its item.
    holders: HashMap<String, String>,
}

impl RenamedScope {
    /// Claims the name of the item at `pointer` in `names`: its rename if it
    /// has one, else `natural`; a collision with a rename is an error
    /// naming both.
    pub fn claim(&mut self, names: &mut UniqueNames, renames: &Renames, natural: String, pointer: &str) -> String {
        let label = self.kind.label();
        if let Some(new) = renames.get(pointer, self.kind) {
            let claimed = names.claim(new.clone());
            // A holder of the name met a rename's name when it claimed it, and said so.
            if claimed != new && !self.holders.contains_key(&new) {
                renames
                    .error(pointer, format!("`{new}` is a name the generated code reserves in this {label}'s scope"));
            }
            self.holders.insert(claimed.clone(), pointer.to_string());
            return claimed;
        }
        let claimed = names.claim(natural.clone());
        for name in [&natural, &claimed] {
            if let Some(owner) = self.renamed.get(name).filter(|owner| *owner != pointer) {
                let message = format!("renamed to `{name}`, the {label} name of `#{pointer}` too: choose another name");
                renames.error(owner, message);
                break;
            }
        }
        self.holders.insert(claimed.clone(), pointer.to_string());
        claimed
    }
}
