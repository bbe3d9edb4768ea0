//! `openapi-rs`: the generator as a command, for any project. The command
//! line is [`generator::cli`], which this repository's `cargo xtask` runs
//! too: the same options give the same bytes.

fn main() -> std::process::ExitCode {
    generator::cli::run("openapi-rs", std::env::args_os().skip(1))
}
