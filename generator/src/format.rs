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

/// A whole file from its formatted parts, under the "generated" first line.
pub fn assemble(header: &str, parts: &[String]) -> String {
    format!("// {header}\n{}", separate_items(&parts.concat()))
}

/// Runs `work` on every item, spread over the machine's cores; the results
/// come back in item order, so the output does not depend on scheduling.
pub fn parallel_map<T: Sync, R: Send>(items: &[T], work: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(|| {
                    let mut finished = Vec::new();
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(index) else { break };
                        finished.push((index, work(item)));
                    }
                    finished
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    });
    done.sort_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

/// prettyplease puts items flush against each other; a blank line between
/// items (and between the members of an impl) is how people write Rust.
/// Line-based is safe here: generated string literals never span lines.
fn separate_items(code: &str) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 16);
    let mut previous: Option<&str> = None;
    for line in code.lines() {
        if let Some(prev) = previous {
            let indent = |l: &str| l.len() - l.trim_start().len();
            let prev_trimmed = prev.trim();
            let is_use = |l: &str| l.trim_start().starts_with("use ") || l.trim_start().starts_with("pub use ");
            // Comment text (doc comments included) may end in `}` or `;` too.
            let ends_item = !prev_trimmed.starts_with("//")
                && (prev_trimmed == "}" || prev_trimmed.ends_with("{}") || prev_trimmed.ends_with(';'));
            let starts_item =
                ["///", "#[", "pub ", "pub(", "fn ", "impl", "async fn ", "const ", "struct ", "enum ", "type "]
                    .iter()
                    .any(|start| line.trim_start().starts_with(start));
            if ends_item && starts_item && indent(prev) == indent(line) && !(is_use(prev) && is_use(line)) {
                out.push('\n');
            }
        }
        out.push_str(line);
        out.push('\n');
        previous = Some(line);
    }
    out
}

#[cfg(test)]
mod tests {
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
