//! Reading: specs (with every file they refer to), `codegen.toml`, crate
//! folders and example files.

use super::{io_error, Error, CONFIG_FILE};
use crate::output::Existing;
use crate::{Generated, OperationFilter, Settings, SpecFiles};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Reads and generates one spec: the text, the files and the time it took.
pub fn generate_file(spec: &Path, settings: &Settings) -> Result<(String, Generated, Duration), Error> {
    generate_spec_files(spec, settings).map(|(files, generated, time)| {
        let text = files.text(files.root()).unwrap_or_default().to_string();
        (text, generated, time)
    })
}

/// [`generate_file`], with every file read (the spec and those it refers to).
pub fn generate_spec_files(spec: &Path, settings: &Settings) -> Result<(SpecFiles, Generated, Duration), Error> {
    settings.validate().map_err(Error::Settings)?;
    let files = read_spec_files(spec, settings)?;
    let started = Instant::now();
    match crate::generate_files(&files, settings) {
        Ok(generated) => Ok((files, generated, started.elapsed())),
        Err(diagnostics) => {
            let text = files.text(files.root()).unwrap_or_default().to_string();
            Err(Error::Spec { spec: spec.to_path_buf(), text, files: Box::new(files), diagnostics })
        }
    }
}

/// Reads `spec` and, transitively, every file its references name (relative
/// to the file they stand in; URLs only as `settings` maps them). A file
/// that cannot be read is an error where it is referred to.
pub fn read_spec_files(spec: &Path, settings: &Settings) -> Result<SpecFiles, Error> {
    let text = fs::read_to_string(spec).map_err(io_error(spec, "cannot read the spec"))?;
    let mut files = SpecFiles::new(spec.to_string_lossy(), text);
    for (url, path) in settings.mapped_refs() {
        files = files.with_mapped_url(url, path);
    }
    loop {
        let missing = files.missing();
        if missing.is_empty() {
            return Ok(files);
        }
        for key in missing {
            match fs::read_to_string(&key) {
                Ok(text) => files.add(key, text),
                Err(error) => files.add_unreadable(key, error.to_string()),
            }
        }
    }
}

/// Every file under `dir` with its text (`None` if not UTF-8), except
/// under `target/` and `.git/`: build output is not ours to judge.
pub fn read_folder(dir: &Path) -> Result<Existing, Error> {
    let mut existing = Existing::new();
    let mut pending = vec![(dir.to_path_buf(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let entries = match fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => continue,
            Err(err) => return Err(io_error(&dir, "cannot list")(err)),
        };
        for entry in entries {
            let entry = entry.map_err(io_error(&dir, "cannot list"))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let path = entry.path();
            if path.is_dir() {
                if name != "target" && name != ".git" {
                    pending.push((path, format!("{prefix}{name}/")));
                }
            } else {
                existing.insert(format!("{prefix}{name}"), fs::read_to_string(&path).ok());
            }
        }
    }
    Ok(existing)
}

/// `codegen.toml`: the crates a project generates, one `[[crate]]` each.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// The command named in every generated file's first line and in the
    /// drift check's advice. Unset, each tool names itself
    /// (`cargo xtask codegen`, `openapi-rs codegen`).
    pub command: Option<String>,
    /// The crates.
    #[serde(rename = "crate")]
    pub crates: Vec<CrateConfig>,
    /// Not a key of the file: whether each crate's report lists the rewrites
    /// that lose nothing ([`Settings::with_lossless_rewrites`]); the
    /// command's `--verbose` and `--format json` set it.
    #[serde(skip)]
    pub lossless_rewrites: bool,
    /// Not a key of the file: bump every crate's version (`codegen
    /// --bump-version`), as [`CrateConfig::bump_version`] does for one.
    #[serde(skip)]
    pub bump_version: bool,
}

/// One `[[crate]]` of `codegen.toml`; paths are relative to the project root.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrateConfig {
    /// The spec, also named as it is here in the generated files' first line.
    pub spec: PathBuf,
    /// The crate's package name.
    pub name: String,
    /// The crate's folder.
    pub out: PathBuf,
    /// A folder of hand-written examples (`*.rs`) copied into the crate's `examples/`.
    pub examples: Option<PathBuf>,
    /// Value prefix per API key security scheme, e.g. `apiToken = "SSWS"`.
    #[serde(default)]
    pub api_key_prefixes: BTreeMap<String, String>,
    /// Property names whose values are credentials (redacted in `Debug`).
    #[serde(default)]
    pub secret_properties: Vec<String>,
    /// URL references read from local files instead, e.g.
    /// `"https://example.com/common.yaml" = "spec/common.yaml"`.
    #[serde(default)]
    pub ref_map: BTreeMap<String, PathBuf>,
    /// Which operations to generate, e.g. `{ include_tags = ["User"] }` ([`OperationFilter`]).
    #[serde(default)]
    pub operations: OperationFilter,
    /// OpenAPI Overlay 1.0 files applied to the spec in order, e.g.
    /// `["spec/okta.overlay.yaml"]` ([`Settings::with_overlay`]).
    #[serde(default)]
    pub overlays: Vec<PathBuf>,
    /// The crate's version (its `Cargo.toml`'s); unset, `0.1.0`.
    pub crate_version: Option<String>,
    /// Whether `codegen` moves `crate_version` here by the bump the crate's
    /// changes call for (semver, 0.x rules), generating it at that version.
    #[serde(default)]
    pub bump_version: bool,
    /// Paging per operationId, over the spec's and detection's: `listTags = { style = "none" }`.
    #[serde(default)]
    pub paging: BTreeMap<String, crate::PagingOverride>,
    /// Schemas replaced by Rust types, by component name or JSON pointer:
    /// `Money = { type = "rust_decimal::Decimal", dependency = 'rust_decimal = "1"' }`
    /// ([`Settings::with_type_replacement`]).
    #[serde(default)]
    pub replace: BTreeMap<String, crate::TypeReplacement>,
    /// Crates the spec's `x-rust-type` may name, as dependency lines
    /// (`['url = { version = "2", features = ["serde"] }']`, [`Settings::with_rust_type_crate`]).
    #[serde(default)]
    pub rust_type_crates: Vec<String>,
    /// Extra derives and attributes per Rust type name glob:
    /// `"Money*" = { derive = ["Hash"], attributes = ["#[must_use]"] }` ([`crate::TypeExtras`]).
    #[serde(default)]
    pub types: BTreeMap<String, crate::TypeExtras>,
    /// New Rust names by JSON pointer into the spec:
    /// `"#/components/schemas/User" = "OktaUser"` ([`Settings::with_rename`]).
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
}

impl Config {
    /// Reads `root/codegen.toml`.
    pub fn read(root: &Path) -> Result<Config, Error> {
        let path = root.join(CONFIG_FILE);
        let text = fs::read_to_string(&path).map_err(io_error(&path, "cannot read"))?;
        Config::parse(&text, &path)
    }

    /// Parses the text of a `codegen.toml` read from `path`.
    pub fn parse(text: &str, path: &Path) -> Result<Config, Error> {
        toml::from_str(text).map_err(|e: toml::de::Error| Error::Config {
            path: path.to_path_buf(),
            text: text.to_string(),
            message: e.message().to_string(),
            span: e.span(),
        })
    }
}

impl CrateConfig {
    /// The crate's settings; `command` goes into every file's first line.
    pub fn settings(&self, root: &Path, command: &str) -> Result<Settings, Error> {
        let mut settings =
            Settings::new(&self.name, self.spec.to_string_lossy().replace('\\', "/")).with_command(command);
        settings = settings.with_operation_filter(&self.operations);
        for overlay in &self.overlays {
            settings = with_overlay_file(settings, &root.join(overlay))?;
        }
        for (scheme, prefix) in &self.api_key_prefixes {
            settings = settings.with_api_key_prefix(scheme, prefix);
        }
        for property in &self.secret_properties {
            settings = settings.with_secret_property(property);
        }
        for (url, path) in &self.ref_map {
            settings = settings.with_mapped_ref(url, root.join(path).to_string_lossy());
        }
        for (operation_id, paging) in &self.paging {
            settings = settings.with_paging(operation_id, paging.clone());
        }
        settings = with_replacements(settings, self);
        settings = self.with_derives_and_renames(settings);
        if let Some(version) = &self.crate_version {
            semver::Version::parse(version).map_err(|e| {
                Error::Settings(format!("{CONFIG_FILE}: crate `{}`: crate_version `{version}`: {e}", self.name))
            })?;
            settings = settings.with_crate_version(version);
        }
        if let Some(dir) = &self.examples {
            for (path, contents) in read_examples(&root.join(dir))? {
                settings = settings.with_extra_file(path, contents);
            }
        }
        settings.validate().map_err(|message| Error::Settings(format!("{CONFIG_FILE}: {message}")))?;
        Ok(settings)
    }
}

/// `settings` with the crate's type replacements and `x-rust-type` crates.
fn with_replacements(mut settings: Settings, krate: &CrateConfig) -> Settings {
    for (target, replacement) in &krate.replace {
        settings = settings.with_type_replacement(target, replacement.clone());
    }
    for line in &krate.rust_type_crates {
        settings = settings.with_rust_type_crate(line);
    }
    settings
}

impl CrateConfig {
    /// `settings` with the `types` and `rename` tables.
    fn with_derives_and_renames(&self, mut settings: Settings) -> Settings {
        for (glob, extras) in &self.types {
            settings = settings.with_type_extras(glob, extras);
        }
        for (pointer, name) in &self.rename {
            settings = settings.with_rename(pointer, name);
        }
        settings
    }
}

/// `settings` with the overlay in the file `path` ([`Settings::with_overlay`]),
/// its errors naming `path`. Reading it on every run is what puts overlays
/// under the drift check: an edited overlay changes the generated files.
pub fn with_overlay_file(settings: Settings, path: &Path) -> Result<Settings, Error> {
    let text = fs::read_to_string(path).map_err(io_error(path, "cannot read the overlay"))?;
    Ok(settings.with_overlay(path.to_string_lossy(), text))
}

fn read_examples(dir: &Path) -> Result<Vec<(String, String)>, Error> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_error(dir, "cannot read the examples folder"))? {
        let path = entry.map_err(io_error(dir, "cannot read the examples folder"))?.path();
        if path.extension().is_some_and(|e| e == "rs") {
            let text = fs::read_to_string(&path).map_err(io_error(&path, "cannot read"))?;
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            files.push((format!("examples/{name}"), text));
        }
    }
    files.sort();
    Ok(files)
}
