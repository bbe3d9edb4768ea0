//! `cargo xtask multi-file-bench [--files N] [--runs R]`: the cost of
//! following references across files. It writes one spec twice under
//! `target/multi-file-bench`: split over N files (default 1,000: half path
//! items, half schemas, each schema referring to the next file's and back
//! to the first, so references cross files and cycle) and as one file with
//! local references, then generates each R times (default 5), taking turns,
//! and prints the median of each, the ratio and the 2x bound (issue 22:
//! the split spec generates within twice the time of the one file). The
//! times include reading the files. It fails when the ratio passes 2x.

use generator::project;
use generator::Settings;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

const FOLDER: &str = "target/multi-file-bench";

pub fn run(args: &[String]) -> Result<(), String> {
    let mut files = 1000;
    let mut runs = 5;
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let value = words.next().and_then(|v| v.parse::<usize>().ok());
        match (word.as_str(), value) {
            ("--files", Some(n)) if n >= 2 => files = n,
            ("--runs", Some(n)) if n >= 1 => runs = n,
            _ => return Err(format!("error: `{word}`: expected --files N (at least 2) or --runs R")),
        }
    }
    let folder = Path::new(FOLDER);
    let _ = std::fs::remove_dir_all(folder);
    let pairs = files / 2;
    let (split_root, single) = write_specs(folder, pairs).map_err(|e| format!("error: cannot write {FOLDER}: {e}"))?;
    let settings = Settings::new("bench-client", "openapi.yaml");
    let time = |spec: &Path| -> Result<Duration, String> {
        let started = Instant::now();
        project::generate_file(spec, &settings).map_err(|e| e.to_string())?;
        Ok(started.elapsed())
    };
    let (mut split, mut one) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        split.push(time(&split_root)?);
        one.push(time(&single)?);
    }
    let (split, one) = (median(split), median(one));
    let ratio = split.as_secs_f64() / one.as_secs_f64();
    let mut report = String::new();
    let _ = writeln!(report, "spec: {pairs} operations and {pairs} schemas, median of {runs} runs each");
    let _ = writeln!(report, "split over {} files: {:>8.1} ms", pairs * 2 + 1, split.as_secs_f64() * 1e3);
    let _ = writeln!(report, "one file:              {:>8.1} ms", one.as_secs_f64() * 1e3);
    let _ = write!(report, "ratio: {ratio:.2} (bound: 2.00)");
    println!("{report}");
    if ratio > 2.0 {
        return Err(format!("error: the split spec took {ratio:.2}x the time of the one file (bound 2x)"));
    }
    Ok(())
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

/// Writes the split spec (root, `paths/pN.yaml`, `schemas/sN.yaml`) and the
/// one-file spec; returns their paths.
fn write_specs(folder: &Path, pairs: usize) -> std::io::Result<(std::path::PathBuf, std::path::PathBuf)> {
    std::fs::create_dir_all(folder.join("split/paths"))?;
    std::fs::create_dir_all(folder.join("split/schemas"))?;
    let head = "openapi: 3.0.3\ninfo: {title: Bench, version: '1'}\npaths:\n";
    let (mut root, mut single) = (head.to_string(), head.to_string());
    let mut single_schemas = String::from("components:\n  schemas:\n");
    for n in 0..pairs {
        let next = (n + 1) % pairs;
        let _ = writeln!(root, "  /items{n}:\n    $ref: paths/p{n}.yaml");
        let operation = |schema: &str| {
            format!(
                "get:\n  operationId: getItem{n}\n  tags: [t{tag}]\n  responses:\n    '200':\n      description: ok\n      \
                 content:\n        application/json:\n          schema:\n            $ref: '{schema}'\n",
                tag = n % 20
            )
        };
        std::fs::write(folder.join(format!("split/paths/p{n}.yaml")), operation(&format!("../schemas/s{n}.yaml")))?;
        let schema = |next_ref: &str, first_ref: &str| {
            format!(
                "type: object\ndescription: Item {n}.\nrequired: [id]\nproperties:\n  id: {{type: integer}}\n  \
                 name: {{type: string}}\n  next: {{$ref: '{next_ref}'}}\n  first: {{$ref: '{first_ref}'}}\n"
            )
        };
        std::fs::write(folder.join(format!("split/schemas/s{n}.yaml")), schema(&format!("s{next}.yaml"), "s0.yaml"))?;
        let inline = operation(&format!("#/components/schemas/s{n}")).replace('\n', "\n      ");
        let _ = writeln!(single, "  /items{n}:\n      {}", inline.trim_end());
        let local =
            schema(&format!("#/components/schemas/s{next}"), "#/components/schemas/s0").replace('\n', "\n      ");
        let _ = writeln!(single_schemas, "    s{n}:\n      {}", local.trim_end());
    }
    single.push_str(&single_schemas);
    let split_root = folder.join("split/openapi.yaml");
    std::fs::write(&split_root, root)?;
    let single_path = folder.join("openapi.yaml");
    std::fs::write(&single_path, single)?;
    Ok((split_root, single_path))
}
