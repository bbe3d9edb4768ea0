//! Markdown for the sentences of ours that quote spec text.
//!
//! It sits below the stages: `lower` writes doc notes that quote spec
//! values, and `render::docs` (the one road from spec text to doc
//! attributes, which re-exports [`code`]) sanitises every line afterwards.

/// Spec text (a tag, a name, a value) as inline code in a sentence of ours:
/// on one line (line breaks and other controls written as escapes, `\n`),
/// between enough backticks that none inside ends the span.
pub fn code(text: &str) -> String {
    let text = crate::format::single_line(text);
    let longest_run = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let ticks = "`".repeat(longest_run + 1);
    // A span's content loses one space at each end when it has both, and
    // needs one beside a backtick of its own.
    let padded = text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' ') && !text.trim().is_empty());
    if text.is_empty() {
        return "` `".to_string();
    }
    let pad = if padded { " " } else { "" };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn code_spans_hold_any_text_on_one_line() {
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a``"), "``` `a`` ```");
        assert_eq!(code("x\n```rust\ny"), "````x\\n```rust\\ny````");
        assert_eq!(code(" a "), "`  a  `");
        assert_eq!(code(""), "` `");
    }
}
