//! The generated crate's Cargo.toml.
//!
//! `RUNTIME_DEPENDENCIES` must equal the `[dependencies]` of
//! templates/Cargo.toml, where the runtime is compiled as it stands; a test
//! in tests/ checks that they agree.

use crate::settings::Settings;

/// The runtime's dependencies, as TOML lines.
pub const RUNTIME_DEPENDENCIES: &str = r#"backon = { version = "1", default-features = false, features = ["tokio-sleep"] }
base64 = "0.22"
bytes = "1"
chrono = { version = "0.4", default-features = false, features = ["serde", "clock", "std"] }
futures = { version = "0.3", default-features = false, features = ["std"] }
httpdate = "1"
parse_link_header = "0.4"
percent-encoding = "2"
reqwest = { version = "0.12", default-features = false, features = ["json", "rustls-tls", "multipart", "http2"] }
secrecy = "0.10"
serde = { version = "1", features = ["derive"] }
serde_json = "1"
serde_path_to_error = "0.1"
tokio = { version = "1", features = ["sync", "time"] }
tracing = "0.1"
uuid = { version = "1", features = ["serde"] }
"#;

/// Cargo.toml of the generated crate.
pub fn manifest(settings: &Settings, title: &str, header: &str) -> String {
    // One line of TOML basic string, whatever the title holds.
    let description = format!("Rust client for {}, generated from its OpenAPI document.", super::docs::one_line(title))
        .replace('\\', "\\\\")
        .replace('"', "\\\"");
    let workspace = if settings.standalone_workspace { "\n[workspace]\n" } else { "" };
    format!(
        "# {header}\n[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\ndescription = \"{description}\"\n\
         license = \"MIT OR Apache-2.0\"\npublish = false\n{workspace}\n[dependencies]\n{RUNTIME_DEPENDENCIES}\n\
         [dev-dependencies]\ntokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\n",
        name = settings.crate_name,
        version = settings.crate_version,
    )
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_title_with_line_breaks_quotes_and_backslashes_gives_a_valid_manifest() {
        let settings = crate::Settings::new("odd-client", "odd.yaml");
        let title = "Odd \"text\" \\q\n[workspace]\r\u{7}\u{7f}\u{85} end";
        let manifest: toml::Table = super::manifest(&settings, title, "header").parse().expect("valid TOML");
        assert_eq!(
            manifest["package"]["description"].as_str(),
            Some("Rust client for Odd \"text\" \\q [workspace] end, generated from its OpenAPI document.")
        );
        assert!(!manifest.contains_key("workspace"));
    }
}
