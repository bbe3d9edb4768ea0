//! External references: a spec kept as many files (`$ref: ./user.yaml`,
//! `$ref: ../common.yaml#/components/schemas/Error`) made one document, the
//! way `redocly bundle` and `swagger-cli bundle` do, before normalisation.
//!
//! No I/O here. [`SpecFiles`] is the set of texts: the caller (the project
//! layer) adds the root, asks [`SpecFiles::missing`] which files the texts
//! so far refer to, reads those, and so on until nothing is missing (a file
//! it cannot read is added with [`SpecFiles::add_unreadable`], and reported
//! where it is referred to). [`bundle`] then makes one document of them:
//! - a reference to a file's component (a schema, parameter, response,
//!   request body, header, example, link, callback or security scheme,
//!   judged by where the reference stands) becomes a component of the root,
//!   named as in its own file: the last token of the fragment
//!   (`#/components/schemas/Error` -> `Error`, `#/app_id` -> `app_id`), or the
//!   file's stem for a whole file (`models/droplet.yml` -> `droplet`); a root
//!   component that is only a reference to a file takes the root's name
//!   instead. A name already taken in that section (by the root or another
//!   file) gets the next free number by the naming rules
//!   ([`crate::naming::UniqueNames`]: `Error2`) and a warning located at the
//!   reference, unless both are the same text of the same file;
//! - anything else (path items, operations, a description) is copied in
//!   place;
//! - references are relative to the folder of the file they stand in, and
//!   cycles across files are followed once (a component refers to itself by
//!   its new name);
//! - a URL (`https://...`) is refused, with no network at generation time,
//!   unless [`SpecFiles::with_mapped_url`] maps it to a local file.
//!
//! Every problem is a diagnostic in the file where it stands
//! ([`Diagnostic::file`]); [`SourceMap::relocate`] moves the later stages'
//! diagnostics from the bundled document back to their own files.

mod walk;

use crate::diagnostics::{unescape_pointer_token, Diagnostic};
use crate::pointer::JsonPointer;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub use walk::bundle;

/// The texts of a spec kept as several files, keyed by their paths as the
/// root names them (`/` separators, `..` kept at the front): the root's own
/// path, then each reference joined to the folder of the file it stands in.
#[derive(Debug, Clone)]
pub struct SpecFiles {
    root: String,
    files: BTreeMap<String, Source>,
    /// Files referred to, not yet added.
    wanted: BTreeSet<String>,
    /// URL (without fragment) -> the key of the local file standing for it.
    mapped_urls: BTreeMap<String, String>,
    /// Whether any text refers outside its own file (a URL included).
    refers_out: bool,
}

#[derive(Debug, Clone)]
enum Source {
    Parsed {
        text: String,
        value: Value,
    },
    /// The text, and why it does not parse.
    Unparsable {
        text: String,
        error: Diagnostic,
    },
    /// Why the caller could not read it.
    Unreadable(String),
}

/// Where a `$ref` leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// A pointer into a file of the set (`""` for the whole file).
    File { key: String, pointer: String },
    /// Cannot be followed: why.
    Refused(String),
}

impl SpecFiles {
    /// A set holding the root document, whose path (as the caller will
    /// read it) is `root`. Map URLs with [`SpecFiles::with_mapped_url`]
    /// before adding other files.
    pub fn new(root: impl Into<String>, text: impl Into<String>) -> Self {
        let root = normalize_path(&root.into().replace('\\', "/"));
        let mut files = SpecFiles {
            root: root.clone(),
            files: BTreeMap::new(),
            wanted: BTreeSet::new(),
            mapped_urls: BTreeMap::new(),
            refers_out: false,
        };
        files.add(root, text);
        files
    }

    /// Reads references to `url` (`https://...`, no fragment) from the
    /// local file `key`; a reference to an unmapped URL is refused.
    pub fn with_mapped_url(mut self, url: impl Into<String>, key: impl Into<String>) -> Self {
        let key = normalize_path(&key.into().replace('\\', "/"));
        self.mapped_urls.insert(url.into(), key);
        let texts: Vec<(String, String)> = self.texts().map(|(k, t)| (k.to_string(), t.to_string())).collect();
        // The files already added may refer to it: look at them again.
        for (key, text) in texts {
            self.add(key, text);
        }
        self
    }

    /// The root's key.
    pub fn root(&self) -> &str {
        &self.root
    }

    /// Adds the text of `key` (YAML or JSON).
    pub fn add(&mut self, key: impl Into<String>, text: impl Into<String>) {
        let (key, text) = (key.into(), text.into());
        self.wanted.remove(&key);
        let source = match super::parse_untyped(&text) {
            Ok(value) => {
                let mut refs = Vec::new();
                walk::collect_ref_strings(&value, &mut refs);
                for reference in refs {
                    match self.target(&key, reference) {
                        Target::File { key: target, .. } if target == key => {}
                        Target::File { key: target, .. } => {
                            self.refers_out = true;
                            if !self.files.contains_key(&target) {
                                self.wanted.insert(target);
                            }
                        }
                        Target::Refused(_) => self.refers_out = true,
                    }
                }
                Source::Parsed { text, value }
            }
            Err(error) => Source::Unparsable { text, error },
        };
        self.files.insert(key, source);
    }

    /// Records that `key` could not be read, and why; the references to it
    /// are errors saying so.
    pub fn add_unreadable(&mut self, key: impl Into<String>, reason: impl Into<String>) {
        let key = key.into();
        self.wanted.remove(&key);
        self.files.insert(key, Source::Unreadable(reason.into()));
    }

    /// The files referred to that are not in the set yet, in name order.
    pub fn missing(&self) -> Vec<String> {
        self.wanted.iter().cloned().collect()
    }

    /// How many files the set holds (the unreadable ones too).
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether the set holds no file (never: the root is always there).
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Each file's key and text (not the unreadable ones), in key order.
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().filter_map(|(key, source)| match source {
            Source::Parsed { text, .. } | Source::Unparsable { text, .. } => Some((key.as_str(), text.as_str())),
            Source::Unreadable(_) => None,
        })
    }

    /// The text of `key`, if it was read.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.texts().find(|(k, _)| *k == key).map(|(_, text)| text)
    }

    /// Whether the root refers to no other file or URL (it is bundled already).
    pub fn is_single(&self) -> bool {
        self.files.len() == 1 && !self.refers_out
    }

    /// The parsed file `key`, or why there is none.
    fn value(&self, key: &str) -> Result<&Value, Result<&Diagnostic, String>> {
        match self.files.get(key) {
            Some(Source::Parsed { value, .. }) => Ok(value),
            Some(Source::Unparsable { error, .. }) => Err(Ok(error)),
            Some(Source::Unreadable(reason)) => Err(Err(format!("cannot read `{key}`: {reason}"))),
            None => Err(Err(format!("`{key}` was not read (the caller did not follow the references)"))),
        }
    }

    /// Where `reference`, standing in the file `from`, leads.
    pub(crate) fn target(&self, from: &str, reference: &str) -> Target {
        let (location, fragment) = reference.split_once('#').unwrap_or((reference, ""));
        let Some(pointer) = JsonPointer::from_fragment(fragment).map(String::from) else {
            return Target::Refused(format!(
                "reference `{reference}`: only JSON pointer fragments (`#/...`) are supported"
            ));
        };
        if location.is_empty() {
            return Target::File { key: from.to_string(), pointer };
        }
        if let Some(key) = self.mapped_urls.get(location) {
            return Target::File { key: key.clone(), pointer };
        }
        if location.starts_with("http://") || location.starts_with("https://") {
            return Target::Refused(format!(
                "reference `{reference}` is a URL, and nothing is fetched at generation time: save the file and \
                 map the URL to it (`ref_map` in codegen.toml, `--map-ref {location}=PATH`)"
            ));
        }
        if location.contains("://") {
            return Target::Refused(format!("reference `{reference}`: only relative file paths are supported"));
        }
        let path = percent_encoding::percent_decode_str(location).decode_utf8_lossy();
        let key = if path.starts_with('/') {
            normalize_path(&path)
        } else {
            let folder = from.rfind('/').map_or("", |slash| &from[..=slash]);
            normalize_path(&format!("{folder}{path}"))
        };
        Target::File { key, pointer }
    }
}

/// `a/./b/../c` -> `a/c`; a leading `..` stays (it climbs above the root's folder).
fn normalize_path(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            ".." if absolute => {}
            other => parts.push(other),
        }
    }
    let joined = parts.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Where each part of the bundled document came from: bundled pointer ->
/// (file, pointer in that file), for every component hoisted and every
/// part copied in place. A pointer under none of them is the root's own.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    root: String,
    origins: BTreeMap<String, (String, String)>,
}

impl SourceMap {
    /// The file and pointer where the bundled document's `pointer` stands
    /// (`None` for the root file).
    pub fn place(&self, pointer: &str) -> (Option<&str>, String) {
        let mut prefix_end = pointer.len();
        loop {
            let prefix = &pointer[..prefix_end];
            if let Some((file, origin)) = self.origins.get(prefix) {
                let rest = &pointer[prefix_end..];
                return ((*file != self.root).then_some(file.as_str()), format!("{origin}{rest}"));
            }
            match prefix.rfind('/') {
                Some(slash) => prefix_end = slash,
                None => return (None, pointer.to_string()),
            }
        }
    }

    /// Moves diagnostics about the bundled document to the file and pointer
    /// where the problem stands. Those already in a file stay.
    pub fn relocate(&self, diagnostics: &mut [Diagnostic]) {
        for diagnostic in diagnostics.iter_mut().filter(|d| d.file.is_none() && d.line_col.is_none()) {
            let (file, pointer) = self.place(&diagnostic.pointer);
            diagnostic.file = file.map(str::to_string);
            diagnostic.pointer = pointer;
        }
    }
}

/// The name a component gets from where it stands in its file: the last
/// token of the pointer, or the file's stem for the whole file.
fn component_name(key: &str, pointer: &str) -> String {
    match pointer.rsplit_once('/') {
        Some((_, last)) if !last.is_empty() => unescape_pointer_token(last),
        _ => {
            let file = key.rsplit('/').next().unwrap_or(key);
            let stem = file.rsplit_once('.').map_or(file, |(stem, _)| stem);
            if stem.is_empty() {
                "component".to_string()
            } else {
                stem.to_string()
            }
        }
    }
}

#[cfg(test)]
mod tests;
