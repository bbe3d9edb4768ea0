//! Size rules, a tidy check in the manner of rust-analyzer's: no file of
//! `generator/src` (nor of `xtask/src` or `templates/src`, the runtime
//! every generated crate carries, which the same rules fit) over 800
//! lines, and no function over 100.
//!
//! Functions are found by a small lexer rather than by syn: syn gives line
//! numbers only with proc-macro2's `span-locations`, which a dev-dependency
//! would turn on for the benchmarks too, where it keeps every parsed text in
//! memory. The lexer skips comments (nested), strings (raw, byte), and char
//! literals (told apart from lifetimes), so a brace in any of them counts
//! for nothing. A function is `fn NAME`, from its `fn` line to the line of
//! its body's closing brace; closures are not functions here.

use std::path::{Path, PathBuf};

mod common {
    pub mod source_files;
}
use common::source_files::rust_files;

const MAX_FILE_LINES: usize = 800;
const MAX_FUNCTION_LINES: usize = 100;

/// The folders held to the rules, relative to the workspace root.
const CHECKED_DIRS: &[&str] = &["generator/src", "xtask/src", "templates/src"];

#[derive(Debug, PartialEq)]
enum Token {
    Ident(String),
    Punct(char),
}

/// The tokens of `text` that matter for finding functions, each with its
/// 1-based line: identifiers (and numbers) and punctuation, nothing from
/// comments or literals.
fn tokens(text: &str) -> Vec<(Token, usize)> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut line = 1;
    let mut i = 0;
    // Moves past `chars[from..to]`, counting the newlines it holds.
    let advance = |line: &mut usize, from: usize, to: usize| {
        *line += chars[from..to.min(chars.len())].iter().filter(|c| **c == '\n').count();
        to
    };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            let end = (i..chars.len()).find(|&j| chars[j] == '\n').unwrap_or(chars.len());
            i = advance(&mut line, i, end);
        } else if c == '/' && next == Some('*') {
            i = advance(&mut line, i, block_comment_end(&chars, i));
        } else if c == '"' {
            i = advance(&mut line, i, string_end(&chars, i + 1));
        } else if c == '\'' {
            i = advance(&mut line, i, quote_end(&chars, i));
        } else if c == '_' || c.is_alphanumeric() {
            let end =
                (i..chars.len()).find(|&j| !(chars[j] == '_' || chars[j].is_alphanumeric())).unwrap_or(chars.len());
            let word: String = chars[i..end].iter().collect();
            if let Some(literal_end) = prefixed_literal_end(&chars, &word, end) {
                i = advance(&mut line, i, literal_end);
                continue;
            }
            out.push((Token::Ident(word), line));
            i = end;
        } else {
            if c == '\n' {
                line += 1;
            } else if !c.is_whitespace() {
                out.push((Token::Punct(c), line));
            }
            i += 1;
        }
    }
    out
}

/// The index after a `/* ... */` starting at `start`, nested ones included.
fn block_comment_end(chars: &[char], start: usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i + 1 < chars.len() {
        match (chars[i], chars[i + 1]) {
            ('/', '*') => {
                depth += 1;
                i += 2;
            }
            ('*', '/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    chars.len()
}

/// The index after the `"` closing a string whose text starts at `from`.
fn string_end(chars: &[char], from: usize) -> usize {
    let mut i = from;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 2,
            '"' => return i + 1,
            _ => i += 1,
        }
    }
    chars.len()
}

/// The index after a char literal (`'{'`, `'\''`, `'\u{7b}'`) or a
/// lifetime's quote (`'a`, whose name the caller then reads) at `start`.
fn quote_end(chars: &[char], start: usize) -> usize {
    match (chars.get(start + 1), chars.get(start + 2)) {
        (Some('\\'), _) => {
            let close = (start + 3..chars.len()).find(|&j| chars[j] == '\'').unwrap_or(chars.len());
            close + 1
        }
        (Some(_), Some('\'')) => start + 3,
        _ => start + 1,
    }
}

/// For a word that prefixes a literal (`r"..."`, `r#"..."#`, `b"..."`,
/// `br#"..."#`, `b'x'`), the index after the literal; `None` for a plain
/// word or a raw identifier (`r#type`).
fn prefixed_literal_end(chars: &[char], word: &str, end: usize) -> Option<usize> {
    let next = chars.get(end).copied();
    match word {
        "b" | "c" if next == Some('"') => Some(string_end(chars, end + 1)),
        "b" if next == Some('\'') => Some(quote_end(chars, end)),
        "r" | "br" | "cr" => {
            let hashes = chars[end..].iter().take_while(|c| **c == '#').count();
            if chars.get(end + hashes) != Some(&'"') {
                return None;
            }
            let closing: Vec<char> = std::iter::once('"').chain(std::iter::repeat_n('#', hashes)).collect();
            let body = end + hashes + 1;
            let close = (body..chars.len()).find(|&j| chars[j..].starts_with(&closing)).unwrap_or(chars.len());
            Some(close + closing.len())
        }
        _ => None,
    }
}

/// Every function with a body in `text`: its name, the line of its `fn`,
/// and its length in lines (from `fn` to the closing brace).
fn functions(text: &str) -> Vec<(String, usize, usize)> {
    let tokens = tokens(text);
    let mut found = Vec::new();
    for (at, (token, line)) in tokens.iter().enumerate() {
        if *token != Token::Ident("fn".to_string()) {
            continue;
        }
        // `fn(u8) -> u8` is a type, not a function.
        let Some((Token::Ident(name), _)) = tokens.get(at + 1) else { continue };
        let mut nesting = 0i32;
        let mut body = None;
        for (offset, (token, _)) in tokens[at + 2..].iter().enumerate() {
            match token {
                Token::Punct('(' | '[') => nesting += 1,
                Token::Punct(')' | ']') => nesting -= 1,
                Token::Punct(';') if nesting == 0 => break,
                Token::Punct('{') if nesting == 0 => {
                    body = Some(at + 2 + offset);
                    break;
                }
                _ => {}
            }
        }
        let Some(open) = body else { continue };
        let mut depth = 0;
        for (token, end_line) in &tokens[open..] {
            match token {
                Token::Punct('{') => depth += 1,
                Token::Punct('}') => depth -= 1,
                _ => {}
            }
            if depth == 0 {
                found.push((name.clone(), *line, end_line - line + 1));
                break;
            }
        }
    }
    found
}

/// Every breach of the size rules in the files under `dirs` (relative to
/// `root`), as `path:line: what` messages.
fn size_problems(root: &Path, dirs: &[&str]) -> Vec<String> {
    let mut problems = Vec::new();
    for dir in dirs {
        let mut files = Vec::new();
        rust_files(&root.join(dir), &mut files);
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display()));
            let shown = path.strip_prefix(root).unwrap_or(&path).display().to_string();
            let lines = text.lines().count();
            if lines > MAX_FILE_LINES {
                problems.push(format!("{shown}:1: the file has {lines} lines (at most {MAX_FILE_LINES})"));
            }
            for (name, line, length) in functions(&text) {
                if length > MAX_FUNCTION_LINES {
                    problems
                        .push(format!("{shown}:{line}: fn `{name}` has {length} lines (at most {MAX_FUNCTION_LINES})"));
                }
            }
        }
    }
    problems
}

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("generator/ sits in the workspace").to_path_buf()
}

#[test]
fn no_file_over_800_lines_and_no_function_over_100() {
    let problems = size_problems(&workspace_root(), CHECKED_DIRS);
    assert!(
        problems.is_empty(),
        "size rules broken (generator/tests/tidy.rs; split by concern):\n{}",
        problems.join("\n")
    );
}

#[test]
fn functions_are_measured_past_braces_in_literals_and_comments() {
    let text = r####"
fn one() {
    let s = "}}} {";
    let c = '}';
    let e = '\'';
    let u = '\u{7d}';
    let r = r#"}" }"#;
    let b = br##"{"##;
    let x = b'}';
    // }
    /* } /* nested } */ } */
}
fn two<'a>(s: &'a str) -> impl Fn(u8) -> u8 + 'a where Self: Sized {
    let r#type = 1;
    let f: fn(u8) -> u8 = |x| x;
    inner();
    fn inner() {}
}
trait T { fn declared(&self); fn defaulted(&self) { } }
"####;
    let found = functions(text);
    let expected = [("one", 2, 11), ("two", 13, 6), ("inner", 17, 1), ("defaulted", 19, 1)];
    assert_eq!(found, expected.map(|(name, line, length)| (name.to_string(), line, length)));
}

#[test]
fn an_offender_is_named_with_its_place_and_length() {
    let dir = std::env::temp_dir().join(format!("tidy-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("src")).expect("a temporary folder");
    let long_body = "    step();\n".repeat(MAX_FUNCTION_LINES);
    let text = format!("// header\nfn long() {{\n{long_body}}}\n{}", "\n".repeat(MAX_FILE_LINES));
    std::fs::write(dir.join("src/big.rs"), text).expect("a temporary file");
    // At the limits exactly: 100 lines of function, 800 of file.
    let fitting_body = "    step();\n".repeat(MAX_FUNCTION_LINES - 2);
    let fitting = format!("fn fits() {{\n{fitting_body}}}\n{}", "\n".repeat(MAX_FILE_LINES - MAX_FUNCTION_LINES));
    std::fs::write(dir.join("src/fits.rs"), fitting).expect("a temporary file");
    let problems = size_problems(&dir, &["src"]);
    std::fs::remove_dir_all(&dir).expect("the temporary folder removed");
    assert_eq!(
        problems,
        [
            "src/big.rs:1: the file has 903 lines (at most 800)".to_string(),
            "src/big.rs:2: fn `long` has 102 lines (at most 100)".to_string(),
        ]
    );
}
