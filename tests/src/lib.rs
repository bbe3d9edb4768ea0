//! The models generated from tests/fixtures/specs, compiled against the
//! runtime exactly as it stands in templates/, for the round-trip tests.

#[path = "../../templates/src/runtime/mod.rs"]
pub mod runtime;

/// One module per fixture spec.
pub mod fixtures {
    include!(concat!(env!("OUT_DIR"), "/fixtures.rs"));
}
