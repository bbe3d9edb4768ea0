//! Running the `openapi-rs` command this workspace builds, in a fresh
//! temporary folder, as the command-line tests do.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// An empty folder for one test: `openapi-rs-{test file}-{name}-{pid}` under
/// the system's temporary folder, emptied first so a rerun starts clean.
pub fn temp_dir(name: &str) -> PathBuf {
    let file = env!("CARGO_CRATE_NAME");
    let dir = std::env::temp_dir().join(format!("openapi-rs-{file}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `openapi-rs` in `dir`: its exit code, stdout and stderr.
pub fn openapi_rs(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let Output { status, stdout, stderr } =
        Command::new(env!("CARGO_BIN_EXE_openapi-rs")).current_dir(dir).args(args).output().unwrap();
    (status.code(), String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
}

/// The two versions of a small store spec (`store-v1.yaml`, `store-v2.yaml`)
/// that the diff and drift tests compare.
pub fn diff_fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/diff")
}
