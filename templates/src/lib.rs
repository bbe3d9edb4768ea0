//! The runtime of every generated client crate, compiled here as it is.
//!
//! The generator copies `src/runtime/*.rs` verbatim into each generated crate
//! as `src/runtime/`; nothing in it may refer to generated code.
pub mod runtime;
