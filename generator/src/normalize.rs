//! Placeholder until the normalisation stage lands (being written in parallel).
use crate::diagnostics::Diagnostic;
/// Result of normalisation.
pub struct Normalized { /** version */ pub original_version: String, /** warnings */ pub warnings: Vec<Diagnostic> }
/// Rewrites `doc` into OpenAPI 3.0.
pub fn normalize(doc: &mut serde_json::Value) -> Normalized {
    let original_version = doc.get("openapi").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    Normalized { original_version, warnings: Vec::new() }
}
