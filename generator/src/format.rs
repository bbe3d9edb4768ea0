//! Stage 4: tokens -> formatted Rust text with the "generated" first line.
//!
//! prettyplease, not rustfmt: it is a library, so the output never depends on
//! the toolchain installed, which a drift check on checked-in code needs.

use crate::diagnostics::Diagnostic;
use proc_macro2::TokenStream;

/// Formats one part of a generated file; `path` only names it in an error.
pub fn format_part(tokens: TokenStream, path: &str) -> Result<String, Diagnostic> {
    let file: syn::File = syn::parse2(tokens).map_err(|err| {
        Diagnostic::error(
            "",
            format!("internal error: generated {path} is not valid Rust ({err}); please report this with the spec"),
        )
    })?;
    Ok(prettyplease::unparse(&file))
}

/// Formats members of an `impl` block (methods, associated types), at the
/// indentation they have inside it.
pub fn format_members(tokens: TokenStream, path: &str) -> Result<String, Diagnostic> {
    let block = format_part(quote::quote! { impl Members { #tokens } }, path)?;
    // prettyplease writes `impl Members {`, the members, then `}`, each on lines of their own.
    let members = block.strip_prefix("impl Members {\n").and_then(|rest| rest.strip_suffix("}\n"));
    Ok(members.unwrap_or_default().to_string())
}

/// A whole file from its formatted parts (each: its formatted tokens, and
/// the text that goes after all of them), under the "generated" first line:
/// every part's tokens in order, then, under `after_heading` (render's
/// wire-format heading), every part's text in order.
pub fn assemble(header: &str, parts: &[(String, String)], after_heading: &str) -> String {
    let mut code = String::with_capacity(parts.iter().map(|(tokens, after)| tokens.len() + after.len()).sum());
    parts.iter().for_each(|(tokens, _)| code.push_str(tokens));
    let mut code = separate_items(&block_docs_to_lines(&escape_for_comments(code)));
    if parts.iter().any(|(_, after)| !after.is_empty()) {
        code.push('\n');
        code.push_str(after_heading);
        // The text starts each item after a blank line and has no docs: only escapes apply.
        code.push_str(&escape_for_comments(parts.iter().map(|(_, after)| after.as_str()).collect()));
    }
    format!("// {header}\n{code}")
}

/// Spec text reaches comments (docs) and string literals. rustc rejects a
/// bare carriage return or a bidirectional control in a doc comment, so each
/// becomes its escape: shown as text in a comment, and in a string literal
/// the same character as before.
pub fn escape_for_comments(code: String) -> String {
    if !holds_rejected(&code) {
        return code;
    }
    code.chars().fold(String::with_capacity(code.len() + 16), |mut out, c| {
        if is_rejected_in_comments(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
        out
    })
}

fn is_rejected_in_comments(c: char) -> bool {
    c == '\r' || is_bidi_control(c)
}

/// The bidirectional embedding, override and isolate controls, which rustc
/// rejects in comments (and [`holds_rejected`] finds by their UTF-8 bytes).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Whether `code` holds a character [`is_rejected_in_comments`], found
/// byte-wise: every file passes here, and decoding each character of
/// megabytes of code cost more than the rest of assembling them. UTF-8
/// writes the bidirectional controls as `E2 80 AA..=AE` and `E2 81 A6..=A9`.
fn holds_rejected(code: &str) -> bool {
    let bytes = code.as_bytes();
    memchr::memchr2_iter(b'\r', 0xE2, bytes).any(|at| {
        bytes[at] == b'\r' || matches!(bytes.get(at + 1..at + 3), Some([0x80, 0xAA..=0xAE] | [0x81, 0xA6..=0xA9]))
    })
}

/// `text` fit for one line of a comment in Rust or TOML: control characters
/// (newlines among them) and the bidirectional controls rustc rejects in
/// comments are written as escapes (`\n`, `\u{202e}`).
pub fn single_line(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            let escape = c.is_control() || is_bidi_control(c);
            let (escaped, plain) = if escape { (Some(c.escape_default()), None) } else { (None, Some(c)) };
            escaped.into_iter().flatten().chain(plain)
        })
        .collect()
}

/// prettyplease prints a multi-line doc attribute as a `/** */` block with
/// its continuation lines unindented; people write `///` lines. Generated
/// code never has a line starting with `/**` other than such a block.
fn block_docs_to_lines(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut block_indent: Option<&str> = None;
    for line in code.lines() {
        let (indent, content) = match block_indent {
            Some(indent) => (indent, line),
            None => match trim_indent(line).strip_prefix("/**") {
                Some(rest) => (&line[..line.len() - rest.len() - 3], rest),
                None => {
                    out.push_str(line);
                    out.push('\n');
                    continue;
                }
            },
        };
        let (content, closed) = match content.strip_suffix("*/") {
            Some(last) => (last, true),
            None => (content, false),
        };
        out.push_str(indent);
        out.push_str("///");
        out.push_str(content.trim_end());
        out.push('\n');
        block_indent = if closed { None } else { Some(indent) };
    }
    out
}

/// prettyplease puts items flush against each other; a blank line between
/// items (and between the members of an impl) is how people write Rust.
/// Line-based is safe here: generated string literals never span lines.
fn separate_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous: Option<CodeLine<'_>> = None;
    for line in code.lines() {
        let current = CodeLine::new(line);
        if let Some(prev) = &previous {
            if prev.ends_item()
                && current.starts_item()
                && prev.indent == current.indent
                && !(prev.is_use() && current.is_use())
            {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(current);
    }
    out
}

/// A line of formatted code: its indentation's width and what follows it.
struct CodeLine<'a> {
    indent: usize,
    content: &'a str,
}

impl<'a> CodeLine<'a> {
    fn new(line: &'a str) -> Self {
        let content = trim_indent(line);
        CodeLine { indent: line.len() - content.len(), content }
    }

    /// Comment text (doc comments included) may end in `}` or `;` too.
    fn ends_item(&self) -> bool {
        let content = self.content.trim_end();
        !content.starts_with("//") && (content == "}" || content.ends_with("{}") || content.ends_with(';'))
    }

    fn starts_item(&self) -> bool {
        ["///", "#[", "pub ", "pub(", "fn ", "impl", "async fn ", "const ", "struct ", "enum ", "type "]
            .iter()
            .any(|start| self.content.starts_with(start))
    }

    fn is_use(&self) -> bool {
        self.content.starts_with("use ") || self.content.starts_with("pub use ")
    }
}

/// `line.trim_start()`, with the common case (ASCII spaces, then a visible
/// ASCII character) found byte-wise: this runs on every generated line.
fn trim_indent(line: &str) -> &str {
    let spaces = line.bytes().take_while(|&b| b == b' ').count();
    let rest = &line[spaces..];
    match rest.as_bytes().first() {
        Some(b) if b.is_ascii_whitespace() || !b.is_ascii() => rest.trim_start(),
        _ => rest,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn single_line_escapes_line_breaks_controls_and_bidi_overrides() {
        assert_eq!(super::single_line("3.1.0"), "3.1.0");
        assert_eq!(super::single_line("3.1.0\n# x\r\t\u{7f}"), "3.1.0\\n# x\\r\\t\\u{7f}");
        assert_eq!(super::single_line("a\u{202e}b\u{2066}c é"), "a\\u{202e}b\\u{2066}c é");
    }

    #[test]
    fn carriage_returns_and_bidi_controls_are_escaped_in_comments_and_literals() {
        let code = "/// a\rb \u{202e}c\nconst S: &str = \"\u{2066}\";\n".to_string();
        assert_eq!(super::escape_for_comments(code), "/// a\\rb \\u{202e}c\nconst S: &str = \"\\u{2066}\";\n");
        // The ends of both ranges are escaped; their neighbours (and other
        // characters UTF-8 starts with the same byte, such as `’`) are not.
        for rejected in ['\u{202a}', '\u{202e}', '\u{2066}', '\u{2069}'] {
            let escaped = rejected.escape_default().to_string();
            assert_eq!(super::escape_for_comments(format!("a{rejected}")), format!("a{escaped}"));
        }
        for kept in ['\u{2029}', '\u{202f}', '\u{2019}', '\u{2065}', '\u{206a}'] {
            assert_eq!(super::escape_for_comments(format!("a{kept}")), format!("a{kept}"));
        }
    }

    #[test]
    fn indentation_is_trimmed_as_trim_start_does_for_any_whitespace() {
        for line in ["    fn f() {}", "", "   ", "x ", "  \u{3000}\tx", " \u{a0}y", "\u{e9}"] {
            assert_eq!(super::trim_indent(line), line.trim_start(), "{line:?}");
        }
    }

    #[test]
    fn block_doc_comments_become_line_comments_at_their_indentation() {
        let code = "impl A {\n    /** First\n\n Second*/\n    fn f() {}\n}\n/** Top\n - item*/\npub struct B;\n";
        assert_eq!(
            super::block_docs_to_lines(code),
            "impl A {\n    /// First\n    ///\n    /// Second\n    fn f() {}\n}\n/// Top\n/// - item\npub struct B;\n"
        );
    }

    #[test]
    fn items_and_impl_members_are_separated_by_a_blank_line() {
        let doc = "/// ```text\n/// fn evil() {}\n/// ```\npub struct B;\n";
        assert_eq!(super::separate_items(doc), doc, "no blank line inside a doc comment");
        let code = "use a;\npub use b;\npub struct A;\nimpl A {\n    fn f() {}\n    fn g() {\n        x();\n    }\n    /// Doc\n    fn h() {}\n}\n";
        assert_eq!(
            super::separate_items(code),
            "use a;\npub use b;\n\npub struct A;\n\nimpl A {\n    fn f() {}\n\n    fn g() {\n        x();\n    }\n\n    /// Doc\n    fn h() {}\n}\n"
        );
    }
}
