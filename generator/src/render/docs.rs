//! Spec prose -> doc attributes that cannot break the generated code, and
//! cannot run as code.
//!
//! Every doc attribute holding spec text is made here, and every line of it
//! comes out of [`sanitize_markdown`]: the only road from spec text to docs.
//! Spec text embedded in a sentence of ours (a tag, a wire name, an enum
//! value) is first put on one line by [`code`]; the sentence is then
//! sanitised like any prose. The one thing that bypasses the sanitiser is a
//! code block the generator writes itself ([`DocBlock::GeneratedCode`]: the
//! README's usage example, security scheme examples and `Cargo.toml`
//! snippet), where spec values appear only as `{:?}`-escaped string
//! literals. The README (also the crate docs) is [`markdown_lines`]' text.
//!
//! What comes out, whatever the spec says:
//! - text sits in string literals, so nothing can end a comment, close the
//!   attribute or add items or attributes (`*/`, `"]`, `#[cfg(...)]`);
//! - rustdoc finds no code block but ours, each a `text` block (never a
//!   doctest): see [`sanitize_markdown`] for how each way of opening one is
//!   closed off.
//!
//! HTML is left to rustdoc as the spec wrote it (specs use `<b>`, `<br>`,
//! `<a>`), except the start of the HTML blocks that run past blank lines
//! (`<pre`, `<script`, `<style`, `<textarea`, `<!--`, `<?`, `<!X`,
//! `<![CDATA[`) at the start of a line: those could hide a line from the
//! Markdown parser, and are written as text (`&lt;`).

use crate::ir::Docs;
use proc_macro2::TokenStream;
use quote::quote;
use std::borrow::Cow;

/// A piece of an item's docs.
pub enum DocBlock {
    /// Markdown holding spec text (or ours with spec text in it): sanitised.
    Markdown(String),
    /// A code block the generator writes itself, from no spec text but
    /// `{:?}`-escaped literals and names from `naming`: kept as it is, in a
    /// fence no line of it can close.
    GeneratedCode {
        /// The fence's info string (`rust,no_run`, `toml`): never spec text.
        info: &'static str,
        /// The code.
        lines: Vec<String>,
    },
}

/// Doc attributes for an item: summary, description, notes, deprecation.
pub fn doc_attrs(docs: &Docs) -> TokenStream {
    outer_attrs(&doc_lines(docs))
}

/// [`doc_attrs`] as formatted text at `indent`: the `///` lines prettyplease
/// and `format` make of those attributes; `None` where prettyplease would
/// keep an attribute (a doc ending in `/`).
pub fn doc_text(docs: &Docs, indent: &str) -> Option<String> {
    outer_text(&doc_lines(docs), indent)
}

/// [`lines_to_attrs`] as formatted text at `indent` (see [`doc_text`]).
pub fn lines_text(lines: &[String], indent: &str) -> Option<String> {
    outer_text(&sanitize_markdown(&lines.join("\n")), indent)
}

/// The lines of an item's docs: summary, description, notes, deprecation.
fn doc_lines(docs: &Docs) -> Vec<String> {
    let mut paragraphs: Vec<&str> = Vec::new();
    if let Some(summary) = &docs.summary {
        paragraphs.push(summary);
    }
    if let Some(description) = &docs.description {
        // Many specs repeat the summary as the description.
        if docs.summary.as_deref().map(str::trim) != Some(description.trim()) {
            paragraphs.push(description);
        }
    }
    paragraphs.extend(docs.notes.iter().map(String::as_str));
    if docs.deprecated {
        paragraphs.push("**Deprecated** by the API.");
    }
    // Each paragraph alone, so a fence one leaves open never swallows the next.
    let mut lines: Vec<String> = Vec::new();
    for paragraph in paragraphs {
        let sanitized = sanitize_markdown(paragraph);
        if sanitized.is_empty() {
            continue;
        }
        if !lines.is_empty() && sanitized.first().is_some_and(|l| !l.is_empty()) {
            lines.push(String::new());
        }
        lines.extend(sanitized);
    }
    lines
}

/// Outer doc attributes from lines of Markdown (sentences of ours, spec
/// text in them), sanitised as one text.
pub fn lines_to_attrs(lines: &[String]) -> TokenStream {
    outer_attrs(&sanitize_markdown(&lines.join("\n")))
}

/// Inner doc attributes (`#![doc]`, a module's docs), the blocks in
/// paragraphs of their own.
pub fn inner_doc_attrs(blocks: &[DocBlock]) -> TokenStream {
    let attrs = markdown_lines(blocks).into_iter().map(|line| {
        let text = with_space(&line);
        quote! { #![doc = #text] }
    });
    quote! { #(#attrs)* }
}

/// The lines of Markdown the blocks make, each block a paragraph of its
/// own: spec text sanitised, the generator's code fenced so no line of it
/// can close the fence. The crate's README (also its crate docs) is made of
/// these.
pub fn markdown_lines(blocks: &[DocBlock]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for block in blocks {
        let block_lines = match block {
            DocBlock::Markdown(text) => sanitize_markdown(text),
            DocBlock::GeneratedCode { info, lines: code } => {
                let fence = fence_for(code.iter().map(String::as_str));
                let mut block_lines = vec![format!("{fence}{info}")];
                block_lines.extend(code.iter().cloned());
                block_lines.push(fence);
                block_lines
            }
        };
        if !lines.is_empty() && block_lines.first().is_some_and(|l| !l.is_empty()) {
            lines.push(String::new());
        }
        lines.extend(block_lines);
    }
    lines
}

/// Outer attributes from sanitised lines: one attribute for the whole text,
/// which costs syn and prettyplease far less than one per line. prettyplease
/// prints it as a `/** */` block, which `format` turns back into `///`
/// lines; text holding `*/` or `/*` cannot sit in a block, so it keeps one
/// attribute per line.
fn outer_attrs(lines: &[String]) -> TokenStream {
    if lines.len() > 1 && !lines.iter().any(|line| line.contains("*/") || line.contains("/*")) {
        let text = lines.iter().map(|line| with_space(line)).collect::<Vec<_>>().join("\n");
        return quote! { #[doc = #text] };
    }
    let attrs = lines.iter().map(|line| {
        let text = with_space(line);
        quote! { #[doc = #text] }
    });
    quote! { #(#attrs)* }
}

/// What [`outer_attrs`] becomes once prettyplease has printed it and
/// `format` has made its `/** */` block into `///` lines: with one doc
/// attribute per line, `///` and the line, trailing spaces trimmed; with a
/// multi-line attribute, each line trimmed of trailing whitespace.
fn outer_text(lines: &[String], indent: &str) -> Option<String> {
    let mut text = String::new();
    if lines.len() > 1 && !lines.iter().any(|line| line.contains("*/") || line.contains("/*")) {
        // prettyplease keeps the attribute as it is when the value ends in `/`.
        if lines.last().is_some_and(|line| line.ends_with('/')) {
            return None;
        }
        for line in lines {
            push_doc_line(&mut text, indent, line.trim_end());
        }
        return Some(text);
    }
    for line in lines {
        push_doc_line(&mut text, indent, line.trim_end_matches(' '));
    }
    Some(text)
}

/// `{indent}///`, then a space and `line` unless it is empty (as
/// [`with_space`] writes it).
fn push_doc_line(text: &mut String, indent: &str, line: &str) {
    text.push_str(indent);
    text.push_str("///");
    if !line.is_empty() {
        text.push(' ');
        text.push_str(line);
    }
    text.push('\n');
}

/// `///` followed by a space, as people write it (and so no line can start
/// with `/`, which would make `////`, a plain comment).
fn with_space(line: &str) -> String {
    if line.is_empty() {
        String::new()
    } else {
        format!(" {line}")
    }
}

/// Prose such as a title on one line: runs of whitespace and control
/// characters become one space.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

// Defined below the stages, so that `lower` can quote spec values in the
// doc notes it writes without depending on `render`.
pub use crate::markdown::code;

/// The sanitiser: Markdown -> lines that rustdoc shows and never compiles.
///
/// The output's code blocks are ours alone, each a `text` block. Rustdoc
/// runs fenced blocks with an empty or Rust info string, and indented
/// blocks; every way spec text could open one is closed off here, line by
/// line, without trusting our reading of the spec's structure:
/// - Lines are split at `\n`, `\r\n` and `\r`, tabs become spaces, other
///   control characters become spaces.
/// - A line that opens a fence (after any indentation and any `>`, list
///   item or footnote markers: a run of 3+ backticks or tildes) opens one
///   of ours instead: after a blank line (which ends any open paragraph,
///   table or HTML block), at the left margin (out of any quote or list),
///   `text`, and longer than any backtick run the block holds, so no line
///   inside can close it. The spec's closing line (the same character, at
///   least as long, nothing after it) closes ours; the end of the text
///   closes one left open.
/// - Every other line keeps at most 3 spaces of indentation and has each
///   run of spaces made one, so no line (after any markers, however a
///   parser reads them) is indented enough for an indented code block.
/// - An HTML block that runs past blank lines (`<pre`, `<!--` ...) could
///   hide our fence from the parser; its `<` at the start of a line becomes
///   `&lt;`.
pub fn sanitize_markdown(text: &str) -> Vec<String> {
    let text = if text.contains('\r') {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        Cow::Borrowed(text)
    };
    let lines: Vec<Cow<'_, str>> = text.split('\n').map(visible_line).collect();
    let mut out: Vec<String> = Vec::new();
    let mut index = 0;
    while let Some(line) = lines.get(index) {
        index += 1;
        let (prefix, rest) = split_markers(line);
        let Some(open) = fence(rest) else {
            out.push(prose_line(line));
            continue;
        };
        // The block's lines, up to the spec's closing line or the end.
        let mut block: Vec<&str> = Vec::new();
        while let Some(line) = lines.get(index) {
            index += 1;
            let content = strip_prefix(line, prefix);
            let closes = fence(split_markers(line).1)
                .is_some_and(|f| f.mark == open.mark && f.len >= open.len && f.info.is_empty());
            if closes {
                break;
            }
            block.push(content.trim_end());
        }
        let ours = fence_for(block.iter().copied());
        if out.last().is_none_or(|l| !l.is_empty()) {
            out.push(String::new());
        }
        out.push(format!("{ours}text"));
        out.extend(block.iter().map(|line| line.to_string()));
        out.push(ours);
    }
    // Blank lines at either end add nothing, except the one before a fence.
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    let leading_blanks = out.iter().take_while(|l| l.is_empty()).count();
    let keep = usize::from(out.get(leading_blanks).is_some_and(|l| l.starts_with("```")));
    out.drain(..leading_blanks.saturating_sub(keep));
    out
}

/// A line that opens or closes a fence: its character, length and info string.
struct Fence<'a> {
    mark: char,
    len: usize,
    info: &'a str,
}

/// The fence `rest` (a line after its markers) starts, if any. A backtick
/// fence's info string has no backtick (else the line is inline code).
fn fence(rest: &str) -> Option<Fence<'_>> {
    let mark = rest.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let len = rest.chars().take_while(|c| *c == mark).count();
    let info = rest[len..].trim();
    (len >= 3 && !(mark == '`' && info.contains('`'))).then_some(Fence { mark, len, info })
}

/// A line with each tab as four spaces and each other control character as
/// a space. Most lines hold none, and are kept as they are.
fn visible_line(line: &str) -> Cow<'_, str> {
    // Control characters are C0, DEL and C1 (U+0080..=U+009F, which UTF-8 starts with C2).
    if !line.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
        return Cow::Borrowed(line);
    }
    Cow::Owned(line.replace('\t', "    ").chars().map(|c| if c.is_control() { ' ' } else { c }).collect())
}

/// Our fence for a block holding `lines`: backticks, more than any line of
/// it starts with (at least 3).
fn fence_for<'a>(lines: impl Iterator<Item = &'a str>) -> String {
    let longest = lines.map(|line| line.trim_start().chars().take_while(|c| *c == '`').count()).max().unwrap_or(0);
    "`".repeat((longest + 1).max(3))
}

/// Splits a line into its container markers (indentation, `>`, list item
/// and footnote markers, as many as there are) and the rest. Whitespace of
/// any kind counts, so this finds at least what a Markdown parser would.
fn split_markers(line: &str) -> (&str, &str) {
    let mut rest = line;
    loop {
        let trimmed = rest.trim_start();
        let after_marker = trimmed
            .strip_prefix('>')
            .or_else(|| list_marker(trimmed))
            .or_else(|| trimmed.strip_prefix("[^").and_then(|r| Some(&r[r.find("]:")? + 2..])));
        match after_marker {
            Some(after) => rest = after,
            None => {
                rest = trimmed;
                break;
            }
        }
    }
    (&line[..line.len() - rest.len()], rest)
}

/// The text after a list item marker (`-`, `+`, `*`, `1.`, `1)`) followed by
/// whitespace or the end of the line.
fn list_marker(text: &str) -> Option<&str> {
    let digits = text.chars().take_while(char::is_ascii_digit).count();
    let after = match digits {
        0 => text.strip_prefix(['-', '+', '*'])?,
        1..=9 => text[digits..].strip_prefix(['.', ')'])?,
        _ => return None,
    };
    (after.is_empty() || after.starts_with(char::is_whitespace)).then_some(after)
}

/// A code line without the container markers of the line that opened its
/// block (`> ` in a quote), or failing that, its indentation up to theirs.
fn strip_prefix<'a>(line: &'a str, prefix: &str) -> &'a str {
    if let Some(rest) = line.strip_prefix(prefix) {
        return rest;
    }
    if let Some(rest) = line.strip_prefix(prefix.trim_end()).filter(|_| !prefix.trim().is_empty()) {
        return rest;
    }
    let spaces = line.len() - line.trim_start_matches(' ').len();
    &line[spaces.min(prefix.len())..]
}

/// A line outside code blocks: at most 3 spaces of indentation, single
/// spaces inside, and an HTML block start written as text.
fn prose_line(line: &str) -> String {
    let mut text = if line.contains("  ") || line.ends_with(' ') {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let words: Vec<&str> = line.split(' ').filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return String::new();
        }
        format!("{}{}", " ".repeat(indent.min(3)), words.join(" "))
    } else {
        // Single spaces already, and at most one of indentation: most lines.
        line.to_string()
    };
    let content_start = text.len() - split_markers(&text).1.len();
    if starts_html_block(&text[content_start..]) {
        text.replace_range(content_start..content_start + 1, "&lt;");
    }
    text
}

/// Whether `text` starts one of the HTML blocks that end only at a given
/// marker, not at a blank line (CommonMark's kinds 1 to 5).
fn starts_html_block(text: &str) -> bool {
    let Some(after) = text.strip_prefix('<') else { return false };
    let lower = after.to_ascii_lowercase();
    let raw_text_tag = ["script", "pre", "style", "textarea"].iter().any(|tag| {
        lower
            .strip_prefix(tag)
            .is_some_and(|r| r.is_empty() || r.starts_with('>') || r.starts_with(char::is_whitespace))
    });
    raw_text_tag
        || after.starts_with("!--")
        || after.starts_with('?')
        || after.starts_with("![CDATA[")
        || after.strip_prefix('!').is_some_and(|r| r.starts_with(|c: char| c.is_ascii_alphabetic()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each payload gives lines whose only code blocks are `text` blocks.
    const PAYLOAD: &str = "fn main() { panic!(\"SPEC CODE RAN\") }";

    #[test]
    fn code_fences_become_text_and_are_closed() {
        let lines = sanitize_markdown("Example:\n```json\n{\"a\": 1}\n```\nthen\n```\nfn main() {}");
        assert_eq!(
            lines,
            ["Example:", "", "```text", "{\"a\": 1}", "```", "then", "", "```text", "fn main() {}", "```"]
        );
    }

    #[test]
    fn indented_code_blocks_are_flattened() {
        assert_eq!(sanitize_markdown("a\n\n        panic!()"), ["a", "", "   panic!()"]);
        assert_eq!(sanitize_markdown("a\n\n\t\tpanic!()"), ["a", "", "   panic!()"]);
    }

    #[test]
    fn a_longer_closing_fence_cannot_end_our_block_early() {
        let text = format!("```\n````\n```rust\n{PAYLOAD}\n```");
        assert_eq!(sanitize_markdown(&text), ["", "```text", "```", "", "```text", PAYLOAD, "```"]);
        let text = format!("````\n```\n```rust\n{PAYLOAD}\n````");
        assert_eq!(sanitize_markdown(&text), ["", "````text", "```", "```rust", PAYLOAD, "````"]);
    }

    #[test]
    fn tildes_and_backticks_do_not_close_each_other() {
        let text = format!("~~~\n```\n~~~~\n```rust\n{PAYLOAD}\n```");
        assert_eq!(sanitize_markdown(&text), ["", "````text", "```", "````", "", "```text", PAYLOAD, "```"]);
    }

    #[test]
    fn fences_in_quotes_and_list_items_become_ours_at_the_margin() {
        let text = format!("> quoted\n> ```rust\n> {PAYLOAD}\n> ```\n- item\n  ~~~\n  {PAYLOAD}\n  ~~~\n1. ```\n2. x");
        assert_eq!(
            sanitize_markdown(&text),
            [
                "> quoted", "", "```text", PAYLOAD, "```", "- item", "", "```text", PAYLOAD, "```", "", "```text",
                "2. x", "```"
            ]
        );
        let nested = format!(">  > -  1)   ```rust\n{PAYLOAD}");
        assert_eq!(sanitize_markdown(&nested), ["", "```text", PAYLOAD, "```"]);
        assert_eq!(sanitize_markdown(&format!("[^note]: ```\n{PAYLOAD}")), ["", "```text", PAYLOAD, "```"]);
    }

    #[test]
    fn markers_followed_by_many_spaces_cannot_start_indented_code() {
        assert_eq!(
            sanitize_markdown(&format!(">      {PAYLOAD}\n-      {PAYLOAD}\n1.      x\n[^a]:      x")),
            [format!("> {PAYLOAD}"), format!("- {PAYLOAD}"), "1. x".into(), "[^a]: x".into()]
        );
    }

    #[test]
    fn line_breaks_of_every_kind_split_lines_and_controls_become_spaces() {
        let text = format!("a\r```rust\r\n{PAYLOAD}\r\u{b}\u{c}```");
        assert_eq!(sanitize_markdown(&text), ["a", "", "```text", PAYLOAD, "```"]);
    }

    #[test]
    fn controls_of_every_range_become_spaces_and_runs_of_spaces_one() {
        // C0 and DEL, then C1 (U+0080..=U+009F); U+00A0 is not a control.
        let text = "a\u{1}b\u{7f}c\u{80}d\u{85}e\u{9f}f\u{a0}g\th";
        assert_eq!(sanitize_markdown(text), ["a b c d e f\u{a0}g h"]);
        assert_eq!(sanitize_markdown(" a  b \n\u{7f}  x\n\u{85}"), [" a b", "   x"]);
        assert_eq!(sanitize_markdown("c d \ne"), ["c d", "e"]);
    }

    #[test]
    fn unicode_whitespace_before_a_fence_is_still_a_fence() {
        assert_eq!(sanitize_markdown(&format!("\u{a0}\u{3000}```\n{PAYLOAD}")), ["", "```text", PAYLOAD, "```"]);
    }

    #[test]
    fn inline_triple_backticks_stay_prose() {
        assert_eq!(sanitize_markdown("```a``` b"), ["```a``` b"]);
    }

    #[test]
    fn html_blocks_that_span_blank_lines_are_written_as_text() {
        let text = format!("<!--\n```\n-->\n```rust\n{PAYLOAD}\n```");
        assert_eq!(sanitize_markdown(&text), ["&lt;!--", "", "````text", "-->", "```rust", PAYLOAD, "````"]);
        for start in ["<pre>", "<PRE", "<script>", "<style x>", "<textarea", "<?php", "<!DOCTYPE", "<![CDATA["] {
            assert_eq!(sanitize_markdown(&format!("> {start}")), [format!("> &lt;{}", &start[1..])], "{start}");
        }
        for kept in ["<b>bold</b>", "<prefix> x", "a <!-- b -->", "<br>"] {
            assert_eq!(sanitize_markdown(kept), [kept]);
        }
    }

    #[test]
    fn the_sanitiser_is_idempotent() {
        let text = format!("a\n```\n````\n~~~\n{PAYLOAD}\n> ```rust\n- x\n\n        y\n<pre>\n```");
        let once = sanitize_markdown(&text);
        assert_eq!(sanitize_markdown(&once.join("\n")), once);
    }

    #[test]
    fn generated_code_blocks_are_fenced_longer_than_their_lines() {
        let tokens = inner_doc_attrs(&[
            DocBlock::Markdown("Intro".into()),
            DocBlock::GeneratedCode { info: "no_run", lines: vec!["let s = \"```\";".into(), "```x".into()] },
        ]);
        let text = tokens.to_string();
        assert!(text.contains("\" ````no_run\"") && text.contains("\" ````\""), "{text}");
    }

    #[test]
    fn comment_terminators_and_quotes_stay_inside_the_literal() {
        let tokens = doc_attrs(&Docs { description: Some("*/ \"quoted\" ] } fn evil() {}".into()), ..Docs::default() });
        let file: syn::File = syn::parse2(quote! { #tokens pub struct X; }).expect("parses");
        assert_eq!(file.items.len(), 1, "no item injected");
    }

    /// `doc_text` is the text the formatter (prettyplease, then `format`'s
    /// block-to-lines pass) makes of `doc_attrs`, or `None` where it keeps
    /// an attribute.
    #[test]
    fn doc_text_is_what_the_formatter_makes_of_doc_attrs() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("One line with trailing spaces   ", "", &[]),
            ("Summary  ", "First line  \n\nthird line\u{a0}  \n- item  ", &["Note   "]),
            ("Has */ a comment end  ", "and /* an opening  \nsecond  ", &["Note   "]),
            ("Ends in a slash", "path a/\nb/", &[]),
        ];
        for (summary, description, notes) in cases {
            let docs = Docs {
                summary: Some(summary.to_string()),
                description: Some(description.to_string()).filter(|d| !d.is_empty()),
                notes: notes.iter().map(|n| n.to_string()).collect(),
                deprecated: false,
            };
            let tokens = doc_attrs(&docs);
            let formatted = crate::format::format_part(quote! { #tokens pub struct S; }, "docs").expect("formats");
            let file = crate::format::assemble("h", &[(formatted, String::new())], "");
            let formatted_docs = file.strip_prefix("// h\n").and_then(|f| f.strip_suffix("pub struct S;\n"));
            let kept_attribute = formatted_docs.is_none_or(|d| d.contains("#[doc"));
            assert_eq!(kept_attribute, summary.contains("slash"), "{formatted_docs:?}");
            let expected = if kept_attribute { None } else { formatted_docs };
            assert_eq!(doc_text(&docs, "").as_deref(), expected, "{summary:?} {description:?}");
        }
    }
}
