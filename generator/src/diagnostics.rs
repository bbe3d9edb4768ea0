//! Problems found in a spec, each with the place it stands.
//!
//! Every stage reports into a [`Diagnostics`] list instead of stopping at the
//! first problem, so a user sees everything wrong with a spec in one run.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The spec was approximated (rewritten, clamped, dropped); generation goes on.
    Warning,
    /// Generation cannot go on; nothing is written.
    Error,
}

/// One problem, located by a JSON pointer into the document and, where the
/// parser knows it, a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Warning or error.
    pub severity: Severity,
    /// JSON pointer (RFC 6901) to the offending node, `""` for the whole document.
    pub pointer: String,
    /// 1-based line and column: from the parser for syntax errors, else
    /// where the pointer's node stands, once a command that shows it calls
    /// `project::Error::locate` or `Report::locate_warnings` (they have the text).
    pub line_col: Option<(usize, usize)>,
    /// What is wrong, and what was done about it for warnings.
    pub message: String,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, pointer: pointer.into(), line_col: None, message: message.into() }
    }

    /// A warning at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Warning, pointer: pointer.into(), line_col: None, message: message.into() }
    }

    /// Is this an error (as opposed to a warning)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{level}")?;
        match (self.line_col, self.pointer.as_str()) {
            (Some((line, col)), "") => write!(f, " at line {line}, column {col}")?,
            (Some((line, col)), pointer) => write!(f, " at line {line}, column {col} (#{pointer})")?,
            (None, pointer) => write!(f, " at #{pointer}")?,
        }
        write!(f, ": {}", self.message)
    }
}

/// Escapes one reference token of a JSON pointer (`~` -> `~0`, `/` -> `~1`).
pub fn escape_pointer_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Undoes [`escape_pointer_token`].
pub fn unescape_pointer_token(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Appends a token to a JSON pointer.
pub fn pointer_join(base: &str, token: &str) -> String {
    format!("{base}/{}", escape_pointer_token(token))
}
