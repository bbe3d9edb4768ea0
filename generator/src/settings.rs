//! Per-spec settings: what the spec cannot say about the crate to generate.

use std::collections::BTreeMap;

/// How to generate one crate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// Cargo package name of the generated crate, e.g. `okta-client`.
    pub crate_name: String,
    /// Cargo package version of the generated crate.
    pub crate_version: String,
    /// How the spec is named in the generated files' first line, e.g. `spec/okta.yaml`.
    pub spec_label: String,
    /// The command that regenerates the crate, named in every file's first line.
    pub command: String,
    /// Value prefix per API key security scheme, e.g. `apiToken` -> `SSWS`
    /// (Okta sends `Authorization: SSWS <token>`; the prefix is only in prose).
    pub api_key_prefixes: BTreeMap<String, String>,
    /// Property names (wire names, compared case-insensitively) whose values
    /// are credentials: shown as redacted in `Debug`, like `format: password`.
    pub secret_properties: Vec<String>,
    /// Write `[workspace]` into the generated Cargo.toml, so the crate builds
    /// on its own even when its folder lies inside another workspace.
    pub standalone_workspace: bool,
    /// One Cargo feature per tag (and `full`, on by default, for all of
    /// them), so that a user can compile only the tags they call. Off, every
    /// operation and model is compiled unconditionally.
    pub tag_features: bool,
    /// Files copied into the crate as they are (path in the crate, contents),
    /// such as hand-written examples kept beside the spec.
    pub extra_files: Vec<(String, String)>,
}

impl Settings {
    /// Settings for a crate named `crate_name`, generated from `spec_label`.
    pub fn new(crate_name: impl Into<String>, spec_label: impl Into<String>) -> Self {
        Self {
            crate_name: crate_name.into(),
            crate_version: "0.1.0".to_string(),
            spec_label: spec_label.into(),
            command: "cargo xtask codegen".to_string(),
            api_key_prefixes: BTreeMap::new(),
            secret_properties: Vec::new(),
            standalone_workspace: false,
            tag_features: true,
            extra_files: Vec::new(),
        }
    }

    /// Is the property called `wire_name` a secret by these settings?
    pub fn is_secret_property(&self, wire_name: &str) -> bool {
        self.secret_properties.iter().any(|s| s.eq_ignore_ascii_case(wire_name))
    }
}
