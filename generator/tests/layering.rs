//! The generator's modules form layers: each may use only the modules its
//! rule below names, and every rule names only modules listed before it, so
//! no stage reaches up into a later one (render never sees the spec's
//! document, load never sees the IR). ARCHITECTURE.md states the same
//! rules.
//!
//! A tidy check in the manner of rust-analyzer's: it reads the source as
//! text. A module is a file of `generator/src` or a folder (everything
//! under `load/` is `load`). A use is any `crate::NAME` outside comments and
//! outside `#[cfg(test)]` modules, inline or in files of their own (unit
//! tests may build whatever input they need); `crate::{a, b::c}` counts each name, and a name `lib.rs`
//! re-exports (`crate::Settings`) counts as the module it comes from. Names
//! that are no module of the generator (`crate::runtime::...` inside
//! `quote!`, the generated crate's paths) are not uses.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

mod common {
    pub mod source_files;
}
use common::source_files::rust_files;

/// Each module, bottom to top, with the modules it may use.
const LAYERS: &[(&str, &[&str])] = &[
    // Vocabulary shared by every stage; none uses another module.
    ("pointer", &[]),
    ("diagnostics", &["pointer"]),
    ("http", &[]),
    ("graph", &[]),
    ("parallel", &[]),
    ("naming", &[]),
    // Text utilities below the stages.
    ("format", &["diagnostics"]),
    ("markdown", &["format"]),
    ("settings", &["pointer", "naming"]),
    // Stage 1: text -> document.
    ("load", &["pointer", "diagnostics", "graph", "http", "naming"]),
    // The IR knows no stage.
    ("ir", &["http"]),
    // Stage 2b: the facts that need the whole IR, written into it.
    ("analyse", &["graph", "naming", "ir"]),
    // Stage 2: document -> IR.
    ("lower", &["pointer", "diagnostics", "graph", "http", "naming", "markdown", "settings", "load", "ir"]),
    // Stage 3: IR -> tokens; it never sees the document.
    ("render", &["diagnostics", "http", "naming", "format", "markdown", "settings", "ir"]),
    // The order of the stages.
    (
        "pipeline",
        &[
            "diagnostics",
            "http",
            "parallel",
            "naming",
            "format",
            "settings",
            "load",
            "ir",
            "lower",
            "analyse",
            "render",
        ],
    ),
    // The crate folder: planning (pure), then the file system, then the command line.
    ("output", &["pipeline"]),
    // What a spec change does to the generated API: two IRs compared.
    ("diff", &["diagnostics", "settings", "ir", "load", "pipeline"]),
    ("project", &["diagnostics", "settings", "load", "pipeline", "output", "diff"]),
    ("cli", &["diagnostics", "settings", "load", "pipeline", "project", "diff"]),
    // The binary: one call of `cli::run`.
    ("main", &["cli"]),
];

fn src_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The module a file belongs to: its folder under `src/`, or its own name.
fn module_of(relative: &Path) -> String {
    let first = relative.components().next().expect("a file under src/").as_os_str().to_string_lossy();
    first.strip_suffix(".rs").unwrap_or(&first).to_string()
}

/// The code of a file that the rules hold to: comment lines blanked (so
/// line numbers stay true), and the `#[cfg(test)]` module (the last item of
/// a file, by this crate's habit) cut off.
fn checked_code(text: &str) -> String {
    let mut code = String::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("#[cfg(test)]") {
            break;
        }
        if !trimmed.starts_with("//") {
            code.push_str(line);
        }
        code.push('\n');
    }
    code
}

/// The modules a file declares under `#[cfg(test)]` in files of their own
/// (`#[cfg(test)]` then `mod NAME;`): their names.
fn test_module_declarations(text: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut lines = text.lines().map(str::trim);
    while let Some(line) = lines.next() {
        if line != "#[cfg(test)]" {
            continue;
        }
        let declared = lines.next().and_then(|l| l.strip_prefix("mod ")).and_then(|l| l.strip_suffix(';'));
        names.extend(declared.map(str::to_string));
    }
    names
}

/// The files compiled only for unit tests: each `#[cfg(test)] mod NAME;`'s
/// `NAME.rs` and everything under `NAME/`, as paths without the `.rs`.
fn test_only_modules(files: &[PathBuf]) -> Vec<PathBuf> {
    let mut found = Vec::new();
    for path in files {
        let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        let stem = path.file_stem().expect("a file name").to_string_lossy();
        let parent = path.parent().expect("a file under src/");
        // `a/mod.rs` and `lib.rs` declare `a/NAME`; `a/b.rs` declares `a/b/NAME`.
        let dir =
            if ["mod", "lib", "main"].contains(&stem.as_ref()) { parent.to_path_buf() } else { parent.join(&*stem) };
        found.extend(test_module_declarations(&text).into_iter().map(|name| dir.join(name)));
    }
    found
}

/// The first segment of every path after `crate::` (each member of a
/// `crate::{...}` group), with the line it stands on.
fn crate_references(code: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    let mut rest = code;
    let mut offset = 0;
    while let Some(at) = rest.find("crate::") {
        let start = offset + at;
        let preceded_by_path =
            code[..start].chars().next_back().is_some_and(|c| c == '$' || c == '_' || c.is_alphanumeric());
        let after = &code[start + "crate::".len()..];
        let line = code[..start].matches('\n').count() + 1;
        if !preceded_by_path {
            if let Some(group) = after.strip_prefix('{') {
                let mut depth = 1;
                let end = group
                    .char_indices()
                    .find(|&(_, c)| {
                        match c {
                            '{' => depth += 1,
                            '}' => depth -= 1,
                            _ => {}
                        }
                        depth == 0
                    })
                    .map_or(group.len(), |(i, _)| i);
                let mut depth = 0;
                let mut member_start = 0;
                let members = &group[..end];
                let mut push_member = |member: &str| {
                    let name: String = member.trim().chars().take_while(|c| *c == '_' || c.is_alphanumeric()).collect();
                    if !name.is_empty() {
                        found.push((name, line));
                    }
                };
                for (i, c) in members.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            push_member(&members[member_start..i]);
                            member_start = i + 1;
                        }
                        _ => {}
                    }
                }
                push_member(&members[member_start..]);
            } else {
                let name: String = after.chars().take_while(|c| *c == '_' || c.is_alphanumeric()).collect();
                if !name.is_empty() {
                    found.push((name, line));
                }
            }
        }
        offset = start + "crate::".len();
        rest = &code[offset..];
    }
    found
}

/// The names `lib.rs` re-exports, with the module each comes from
/// (`pub use settings::Settings;` and `pub use pipeline::{generate, ...};`).
fn root_reexports(lib: &str) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for line in lib.lines() {
        let Some(path) = line.trim().strip_prefix("pub use ").and_then(|p| p.strip_suffix(';')) else { continue };
        let Some((module, items)) = path.split_once("::") else { continue };
        let items = items.trim_start_matches('{').trim_end_matches('}');
        for item in items.split(',') {
            let item = item.trim();
            let exported = item.rsplit(" as ").next().unwrap_or(item).trim();
            names.insert(exported.to_string(), module.to_string());
        }
    }
    names
}

/// Every use of one module by another that the rules forbid, as messages.
fn violations(src: &Path) -> Vec<String> {
    let rules: BTreeMap<&str, &[&str]> = LAYERS.iter().copied().collect();
    let lib = std::fs::read_to_string(src.join("lib.rs")).expect("src/lib.rs");
    let reexports = root_reexports(&lib);
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let modules: BTreeSet<String> =
        files.iter().map(|path| module_of(path.strip_prefix(src).expect("under src/"))).collect();
    let test_only = test_only_modules(&files);
    let mut problems = Vec::new();
    for path in &files {
        if test_only.iter().any(|module| path.with_extension("") == *module || path.starts_with(module)) {
            continue;
        }
        let relative = path.strip_prefix(src).expect("under src/");
        let module = module_of(relative);
        if module == "lib" {
            continue;
        }
        let Some(allowed) = rules.get(module.as_str()) else {
            problems.push(format!(
                "src/{}: module `{module}` has no rule in LAYERS (generator/tests/layering.rs); \
                 give it one, and a line in ARCHITECTURE.md",
                relative.display()
            ));
            continue;
        };
        let text = std::fs::read_to_string(path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
        for (name, line) in crate_references(&checked_code(&text)) {
            let used = match reexports.get(&name) {
                Some(from) => from.clone(),
                None if modules.contains(&name) => name.clone(),
                None => continue,
            };
            if used != module && !allowed.contains(&used.as_str()) {
                problems.push(format!(
                    "src/{}:{line}: `{module}` uses `crate::{name}` (module `{used}`), but the rule for `{module}` \
                     allows only {allowed:?}",
                    relative.display()
                ));
            }
        }
    }
    problems
}

#[test]
fn each_module_uses_only_the_layers_its_rule_names() {
    let problems = violations(&src_dir());
    assert!(
        problems.is_empty(),
        "layering broken (rules: generator/tests/layering.rs, ARCHITECTURE.md):\n{}",
        problems.join("\n")
    );
}

#[test]
fn rules_point_only_down() {
    let mut below = BTreeSet::new();
    for (module, allowed) in LAYERS {
        for used in *allowed {
            assert!(below.contains(used), "`{module}` may use `{used}`, which is not listed before it in LAYERS");
        }
        assert!(below.insert(*module), "`{module}` is listed twice in LAYERS");
    }
}

#[test]
fn references_are_read_from_paths_groups_and_reexports() {
    let code = checked_code(
        "use crate::ir::{Api, Ty};\nuse crate::{diagnostics::Diagnostic, lower::{a, b}, Settings};\n\
         // use crate::render;\nlet m = $crate::x; quote! { crate::runtime::Client }\n\
         let n = crate::markdown::code(x);\n#[cfg(test)]\nmod tests { use crate::lower; }\n",
    );
    let names: Vec<(String, usize)> = crate_references(&code);
    let expected = [("ir", 1), ("diagnostics", 2), ("lower", 2), ("Settings", 2), ("runtime", 4), ("markdown", 5)];
    assert_eq!(names, expected.map(|(name, line)| (name.to_string(), line)));
    let declared = test_module_declarations("mod a;\n#[cfg(test)]\nmod tests;\n#[cfg(test)]\nmod inline {\n}\n");
    assert_eq!(declared, ["tests"]);
    let reexports = root_reexports("pub use settings::Settings;\npub use pipeline::{generate, Generated};\n");
    assert_eq!(reexports.get("Settings").map(String::as_str), Some("settings"));
    assert_eq!(reexports.get("Generated").map(String::as_str), Some("pipeline"));
}
