//! The models generated from tests/fixtures/specs, compiled against the
//! runtime exactly as it stands in templates/, for the round-trip tests.

#[path = "../../templates/src/runtime/mod.rs"]
pub mod runtime;

/// One module per fixture spec.
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}

/// The README's Rust examples, compiled as doctests so they stay true.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeExamples;
