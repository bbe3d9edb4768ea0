//! Spec prose -> `#[doc]` attributes that cannot break the generated code.
//!
//! Text goes into string literals (so nothing can end the comment or inject
//! items), and Markdown that rustdoc would run as a doctest — fenced blocks
//! and indented blocks — is turned into `text` blocks.

use crate::ir::Docs;
use proc_macro2::TokenStream;
use quote::quote;

/// Doc attributes for an item: summary, description, notes, deprecation.
pub fn doc_attrs(docs: &Docs) -> TokenStream {
    let mut lines: Vec<String> = Vec::new();
    let paragraph = |lines: &mut Vec<String>, text: &str| {
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(sanitize_markdown(text));
    };
    if let Some(summary) = &docs.summary {
        paragraph(&mut lines, summary);
    }
    if let Some(description) = &docs.description {
        // Many specs repeat the summary as the description.
        if docs.summary.as_deref().map(str::trim) != Some(description.trim()) {
            paragraph(&mut lines, description);
        }
    }
    for note in &docs.notes {
        paragraph(&mut lines, note);
    }
    if docs.deprecated {
        paragraph(&mut lines, "**Deprecated** by the API.");
    }
    lines_to_attrs(&lines)
}

/// Doc attributes from plain lines: one attribute for the whole text, which
/// costs syn and prettyplease far less than one per line. prettyplease prints
/// it as a `/** */` block, which `format` turns back into `///` lines; text
/// holding `*/` cannot sit in a block, so it keeps one attribute per line.
pub fn lines_to_attrs(lines: &[String]) -> TokenStream {
    let with_space = |line: &String| if line.is_empty() { String::new() } else { format!(" {line}") };
    if lines.len() > 1 && !lines.iter().any(|line| line.contains("*/")) {
        let text = lines.iter().map(with_space).collect::<Vec<_>>().join("\n");
        return quote! { #[doc = #text] };
    }
    let attrs = lines.iter().map(|line| {
        let text = with_space(line);
        quote! { #[doc = #text] }
    });
    quote! { #(#attrs)* }
}

/// Prose such as a title on one line: runs of whitespace and control
/// characters become one space.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control()).filter(|w| !w.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Rewrites Markdown so that rustdoc shows it and never compiles it.
pub fn sanitize_markdown(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_fence: Option<&str> = None;
    for raw_line in text.replace("\r\n", "\n").replace('\r', "\n").lines() {
        let line = raw_line.replace('\t', "    ");
        let trimmed = line.trim_start();
        let fence = ["```", "~~~"].into_iter().find(|f| trimmed.starts_with(f));
        match (in_fence, fence) {
            (None, Some(f)) => {
                in_fence = Some(f);
                out.push(format!("{f}text"));
            }
            (Some(open), Some(f)) if open == f && trimmed.trim_end() == f => {
                in_fence = None;
                out.push(f.to_string());
            }
            (Some(_), _) => out.push(line.trim_end().to_string()),
            (None, None) => {
                // Four spaces would start an indented (doctest) code block.
                let indent = (line.len() - trimmed.len()).min(3);
                out.push(format!("{}{}", " ".repeat(indent), trimmed.trim_end()));
            }
        }
    }
    if let Some(open) = in_fence {
        out.push(open.to_string());
    }
    // Trailing blank lines add nothing.
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_fences_become_text_and_are_closed() {
        let lines = sanitize_markdown("Example:\n```json\n{\"a\": 1}\n```\nthen\n```\nfn main() {}");
        assert_eq!(lines, ["Example:", "```text", "{\"a\": 1}", "```", "then", "```text", "fn main() {}", "```"]);
    }

    #[test]
    fn indented_code_blocks_are_flattened() {
        assert_eq!(sanitize_markdown("a\n\n        panic!()"), ["a", "", "   panic!()"]);
    }

    #[test]
    fn comment_terminators_and_quotes_stay_inside_the_literal() {
        let tokens = doc_attrs(&Docs { description: Some("*/ \"quoted\" ] } fn evil() {}".into()), ..Docs::default() });
        let file: syn::File = syn::parse2(quote! { #tokens pub struct X; }).expect("parses");
        assert_eq!(file.items.len(), 1, "no item injected");
    }
}
