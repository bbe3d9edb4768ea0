//! Project automation: `cargo xtask <command>`.
//!
//! - `codegen [--check]`: regenerate every crate listed in codegen.toml (or check for drift).
//! - `generate <SPEC> --out <DIR> [--name <CRATE>] ...`: generate a crate from any spec.
//! - `corpus [DIR]`: generate and `cargo check` a crate for every spec in DIR.
//!
//! xtask is the only writer of `generated/`. The reading and writing is
//! `generator::project`, shared with the `openapi-rs` command.

mod codegen;
mod corpus;

use std::process::ExitCode;

const USAGE: &str = "usage:
  cargo xtask codegen [--check]
  cargo xtask generate <SPEC> --out <DIR> [--name <CRATE>] [--api-key-prefix SCHEME=PREFIX]... [--secret PROPERTY]... [--workspace-member]
  cargo xtask corpus [DIR]";

fn main() -> ExitCode {
    // Every path in codegen.toml is relative to the project root.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the project root");
    if let Err(err) = std::env::set_current_dir(root) {
        eprintln!("error: cannot enter {}: {err}", root.display());
        return ExitCode::FAILURE;
    }
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("codegen") => codegen::run_codegen(&args[1..]),
        Some("generate") => codegen::run_generate(&args[1..]),
        Some("corpus") => corpus::run(&args[1..]),
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
