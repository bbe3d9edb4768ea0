//! Problems found in a spec, each with the place it stands.
//!
//! Every stage reports into a [`Diagnostics`] list instead of stopping at the
//! first problem, so a user sees everything wrong with a spec in one run.
//!
//! Every approximation says whether it loses anything, by the constructor
//! that makes it: [`Diagnostic::lossy`] (a [`Severity::Warning`]: a
//! constraint dropped, a union typed as any JSON value) or
//! [`Diagnostic::lossless`] (a [`Severity::Note`]: `anyOf: [X, {type:
//! 'null'}]` made a nullable `X`, which means the same). No constructor makes
//! a warning without saying which, so no place that reports can leave the
//! question open.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The spec was rewritten into something that means the same (a 3.1
    /// construct into its 3.0 equivalent): nothing is lost. Counted, and
    /// listed only on request (`--verbose`, `Settings::with_lossless_rewrites`).
    Note,
    /// The spec was approximated and something it says is lost (a
    /// constraint dropped, a value clamped, a type weakened to any JSON
    /// value); generation goes on.
    Warning,
    /// Generation cannot go on; nothing is written.
    Error,
}

/// One problem, located by a JSON pointer into the document and, where the
/// parser knows it, a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Note (lossless), warning (lossy) or error.
    pub severity: Severity,
    /// JSON pointer (RFC 6901) to the offending node, `""` for the whole document.
    pub pointer: String,
    /// 1-based line and column: from the parser for syntax errors, else
    /// where the pointer's node stands, once a command that shows it calls
    /// `project::Error::locate` or `Report::locate_warnings` (they have the text).
    pub line_col: Option<(usize, usize)>,
    /// What is wrong, and what was done about it for warnings.
    pub message: String,
    /// The file the pointer and position are in, for a spec kept as several
    /// files: its path as the root refers to it. `None`: the root file.
    pub file: Option<String>,
}

impl Diagnostic {
    /// An error at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Error, pointer: pointer.into(), line_col: None, message: message.into(), file: None }
    }

    /// A warning at `pointer`: an approximation that loses something the
    /// spec says. `message` says what was done and what is lost.
    pub fn lossy(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            pointer: pointer.into(),
            line_col: None,
            message: message.into(),
            file: None,
        }
    }

    /// A note at `pointer`: a rewrite into something that means the same.
    pub fn lossless(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self { severity: Severity::Note, pointer: pointer.into(), line_col: None, message: message.into(), file: None }
    }

    /// Is this an error (as opposed to a warning or a note)?
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// Is this a warning: an approximation that loses something?
    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// Is this a note: a rewrite that loses nothing?
    pub fn is_lossless(&self) -> bool {
        self.severity == Severity::Note
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.severity {
            Severity::Note => "note",
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

// Pointer spelling lives with the pointer type; diagnostics name places by pointer.
pub use crate::pointer::{escape_pointer_token, pointer_join, unescape_pointer_token};
