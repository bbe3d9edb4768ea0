//! Project automation: `cargo xtask <command>`.
//!
//! - `codegen [--check]`: regenerate every crate listed in codegen.toml (or check for drift).
//! - `generate <SPEC> --out <DIR> [--name <CRATE>] ...`: generate a crate from any spec;
//!   `check` with the same options is its drift check.
//! - `diff <OLD_SPEC> <NEW_SPEC> [--crate-version V] [--changelog FILE]`: what the spec change
//!   does to the generated Rust API, and the semver bump it calls for.
//!
//!   These three are the `openapi-rs` command line, `generator::cli`, under
//!   the name `cargo xtask`: the same options (`--help` lists them), output
//!   and exit statuses (1 drift, 2 error).
//! - `corpus [DIR] [--allow-refused]`: generate and `cargo check` a crate for every spec in DIR.
//! - `compile-bench <SPEC> ... [--calls N] [--peer DIR]`: time the crate-only build and
//!   check of a generated crate, and of a user's crate calling N of its operations, alone
//!   or against a peer generator's crate (exit 1 when a ratio misses its target).
//! - `fuzz [--inputs N] [--seconds S] [--seed N] ...`: mutated and hostile specs
//!   against the generator, in worker processes (`fuzz-worker`, hidden).
//!
//! xtask is the only writer of `generated/`. The reading and writing is
//! `generator::project`, shared with the `openapi-rs` command.

mod codegen;
mod compile_bench;
mod corpus;
mod fuzz;
mod multi_file_bench;

/// Measures each fuzz input's peak heap and enforces the fuzz worker's limit.
#[global_allocator]
static ALLOCATOR: fuzz::worker::CountingAllocator = fuzz::worker::CountingAllocator;

use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask codegen [--check] [--command TEXT] [--quiet] [--format human|json]
  cargo xtask generate <SPEC> --out <DIR> [--name <CRATE>] [--api-key-prefix SCHEME=PREFIX]... [--secret PROPERTY]... [--workspace-member] [--command TEXT]
  cargo xtask check <SPEC> --out <DIR> [the options of generate]
  cargo xtask diff <OLD_SPEC> <NEW_SPEC> [--crate-version VERSION] [--changelog FILE]
  cargo xtask corpus [DIR] [--allow-refused]
  cargo xtask compile-bench <SPEC> [--name <CRATE>] [--features <F,...>] [--runs <N>] [--calls <N>] [--peer <CRATE_DIR>]
  cargo xtask multi-file-bench [--files N] [--runs R]
  cargo xtask fuzz [--inputs N] [--seconds S] [--seed N] [--check-sample K] [--jobs J] [--corpus DIR]";

fn main() -> ExitCode {
    // Every path in codegen.toml is relative to the project root.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the project root");
    if let Err(err) = std::env::set_current_dir(root) {
        eprintln!("error: cannot enter {}: {err}", root.display());
        return ExitCode::FAILURE;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen" | "generate" | "check" | "diff") => return codegen::run(&args),
        Some("corpus") => corpus::run(&args[1..]),
        Some("compile-bench") => compile_bench::run(&args[1..]),
        Some("fuzz") => fuzz::run(&args[1..]),
        Some("multi-file-bench") => multi_file_bench::run(&args[1..]),
        Some("fuzz-worker") => fuzz::worker::run(&args[1..]),
        _ => Err(USAGE.to_string()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("{message}");
            ExitCode::FAILURE
        }
    }
}
