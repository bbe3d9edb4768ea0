//! Stage 2b: facts about the whole IR, which need every type at once,
//! each computed once, here, and written into the IR, so that `render`
//! only prints what the IR says:
//! - `recursion.rs`: boxes that break recursive containment, newtypes for
//!   aliases that mention themselves;
//! - `defaults.rs`: which structs derive `Default`;
//! - `reach.rs`: which tags' operations reach each type (its features);
//! - `placement.rs`: which file of `src/models/` holds each type.

mod defaults;
mod placement;
mod reach;
mod recursion;

use crate::ir::Api;

/// Fills in what lowering leaves unset: `boxed`, `newtype`,
/// `derive_default`, each type's `reached_by`, and `Api::model_files`.
pub fn analyse(api: &mut Api) {
    recursion::break_cycles(&mut api.types);
    defaults::mark_default_derivable(&mut api.types);
    reach::mark_reach(api);
    api.model_files = placement::model_files(api);
}
