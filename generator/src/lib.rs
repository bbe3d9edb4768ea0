//! Turns an OpenAPI document into the files of a Rust client crate.
//!
//! The pipeline is a chain of small stages, one module each:
//! [`load`] (text -> checked `openapiv3` document, via [`load::normalize`]) ->
//! [`lower`] (document -> [`ir`]) -> [`analyse`] (the facts that need the
//! whole IR) -> [`render`] (IR -> tokens) ->
//! [`format`] (tokens -> text). All naming goes through [`naming`].
//!
//! The pipeline does no I/O: [`generate`] takes the spec's text and returns
//! file contents, byte-identical for the same input. [`output`] plans the
//! changes to a crate folder (pure), and [`project`], the one module that
//! touches the file system, reads specs and `codegen.toml` and writes crate
//! folders for the `openapi-rs` command, xtask and users' build scripts.
//! [`cli`] (feature `cli`, on by default) is the command line of
//! `openapi-rs` and `cargo xtask`.
//!
//! This file only declares the modules and re-exports the public surface;
//! the order of the stages is the private `pipeline` module's alone.
#![warn(missing_docs)]

pub mod analyse;
#[cfg(feature = "cli")]
pub mod cli;
pub mod diagnostics;
pub mod diff;
pub mod format;
pub mod graph;
pub mod http;
pub mod ir;
pub mod load;
pub mod lower;
pub mod markdown;
pub mod naming;
pub mod output;
pub mod parallel;
mod pipeline;
pub mod pointer;
pub mod project;
pub mod render;
pub mod settings;

pub use diagnostics::{Diagnostic, Severity};
pub use load::bundle::SpecFiles;
pub use pipeline::{generate, generate_files, Generated, GeneratedFile};
pub use settings::{OperationFilter, PagingOverride, Settings, TypeExtras, TypeReplacement};
