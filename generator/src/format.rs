//! Stage 4: tokens -> formatted Rust text with the "generated" first line.
//!
//! prettyplease, not rustfmt: it is a library, so the output never depends on
//! the toolchain installed, which a drift check on checked-in code needs.

use crate::diagnostics::Diagnostic;
use proc_macro2::TokenStream;

/// Formats one generated file; `path` only names it in an error.
pub fn format_file(tokens: TokenStream, header: &str, path: &str) -> Result<String, Diagnostic> {
    let file: syn::File = syn::parse2(tokens).map_err(|err| {
        Diagnostic::error(
            "",
            format!("internal error: generated {path} is not valid Rust ({err}); please report this with the spec"),
        )
    })?;
    Ok(format!("// {header}\n{}", prettyplease::unparse(&file)))
}
