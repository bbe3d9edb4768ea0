//! Throwaway Cargo workspaces for the slow tests that build generated crates
//! as a user would (`mock_user.rs`, `e2e_fixture_crates.rs`,
//! `customise.rs`): the folder under the system's temporary folder, the
//! files written into it, this repository's `Cargo.lock`, the kept build
//! folder, and `cargo` run there.
#![allow(dead_code)] // Each test file uses its own subset.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ is in the repository").to_path_buf()
}

/// A workspace folder of its own, `openapi-rs-<name>-<pid>` in the system's
/// temporary folder, emptied when made.
pub struct Scratch {
    pub path: PathBuf,
}

impl Scratch {
    pub fn new(name: &str) -> Self {
        let path = std::env::temp_dir().join(format!("openapi-rs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        Scratch { path }
    }

    /// Writes `text` to `relative`, making its folders.
    pub fn write(&self, relative: &str, text: &str) {
        let path = self.path.join(relative);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("create the folder");
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    }

    /// Copies this repository's `Cargo.lock` in: the same dependency
    /// versions as this repository's crates.
    pub fn copy_lock(&self) {
        std::fs::copy(repo().join("Cargo.lock"), self.path.join("Cargo.lock")).expect("copy Cargo.lock");
    }

    /// Runs `cargo <args>` in the workspace, building into `target`; its
    /// success and its stdout and stderr, as one report.
    pub fn cargo(&self, target: &Path, envs: &[(&str, &str)], args: &[&str]) -> (bool, String) {
        let output = Command::new(env!("CARGO"))
            .current_dir(&self.path)
            .env("CARGO_TARGET_DIR", target)
            .envs(envs.iter().copied())
            .args(args)
            .output()
            .expect("run cargo");
        let report = format!(
            "--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        (output.status.success(), report)
    }

    /// Removes the workspace (a test that passed leaves nothing behind).
    pub fn remove(self) {
        std::fs::remove_dir_all(&self.path).expect("remove the workspace");
    }
}

/// The build folder `name` under `CARGO_TARGET_DIR` (else `target/`), kept
/// between runs so only the first one builds the dependencies.
pub fn kept_target(name: &str) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| repo().join("target"), PathBuf::from).join(name)
}
