//! `cargo bench -p openapi-rs-generator --bench hostile`: times the generator
//! on the hostile documents of `tests/common/hostile_cases.rs` at growing
//! sizes, so that super-linear growth shows in the figures. Prints one line
//! per case and size: the median time, and whether the document generated
//! or what the first diagnostic says.
//!
//! `HOSTILE_CASES=name,name` runs only the named cases.
//!
//! It fails (exit 1) when a case grows faster than linearly in its input:
//! from its first size that takes at least [`MEASURABLE`] to its largest,
//! time may grow at most [`SLACK`] times as much as the input's bytes
//! (quadratic growth over those spans is 8 to 40 times as much). A case
//! whose input barely grows (the alias bomb, whose size is a nesting level)
//! is held to a fixed time instead. Cases whose largest size stays under
//! [`SIGNIFICANT`] are too fast for a ratio to mean anything.

// The bench uses the builders, not what the tests expect of them.
#[allow(dead_code)]
#[path = "../tests/common/hostile_cases.rs"]
mod hostile_cases;

use hostile_cases::*;
use std::time::{Duration, Instant};

/// How a case's time may grow with its size.
#[derive(Clone, Copy)]
enum Growth {
    /// At most [`SLACK`] times as fast as the input's bytes.
    Linear,
    /// Under this many milliseconds at every size.
    Capped(u64),
}

type Case = (&'static str, fn(usize) -> String, &'static [usize], Growth);

const CASES: &[Case] = &[
    ("nested_all_of_with_invalid_leaf", nested_all_of_with_invalid_leaf, &[12, 16, 20, 24], Growth::Linear),
    ("two_deep_references_per_level", two_deep_references_per_level, &[8, 12, 16, 24], Growth::Linear),
    ("two_all_of_copies_per_level", two_all_of_copies_per_level, &[8, 12, 16, 24], Growth::Linear),
    ("alias_chain", alias_chain, &[250, 500, 1000, 2000], Growth::Linear),
    ("deep_reference_chain", deep_reference_chain, &[50, 100, 200, 2000], Growth::Linear),
    ("deep_yaml_flow", deep_yaml_flow, &[1000, 10_000, 100_000], Growth::Linear),
    ("deep_yaml_block", deep_yaml_block, &[1000, 10_000, 100_000], Growth::Linear),
    ("deep_json", deep_json, &[1000, 10_000, 100_000], Growth::Linear),
    ("alias_bomb", alias_bomb, &[1, 2, 3, 4], Growth::Capped(2000)),
    ("deep_properties", deep_properties, &[10, 20, 40], Growth::Linear),
];

/// How many times faster than its input's bytes a linear case's time may grow.
const SLACK: f64 = 3.0;
/// The smallest time a growth ratio starts from.
const MEASURABLE: Duration = Duration::from_millis(2);
/// A case whose largest size takes less is not judged.
const SIGNIFICANT: Duration = Duration::from_millis(20);

/// What is wrong with `figures` (bytes, median time per size) under `growth`.
fn growth_problem(growth: Growth, figures: &[(usize, Duration)]) -> Option<String> {
    match growth {
        Growth::Capped(ms) => figures
            .iter()
            .find(|(_, time)| *time > Duration::from_millis(ms))
            .map(|(bytes, time)| format!("{bytes} bytes took {time:?}, over its cap of {ms} ms")),
        Growth::Linear => {
            let (last_bytes, last_time) = *figures.last()?;
            let (first_bytes, first_time) = *figures.iter().find(|(_, time)| *time >= MEASURABLE)?;
            if last_time < SIGNIFICANT || first_bytes == last_bytes {
                return None;
            }
            let time_ratio = last_time.as_secs_f64() / first_time.as_secs_f64();
            let bytes_ratio = last_bytes as f64 / first_bytes as f64;
            (time_ratio > SLACK * bytes_ratio).then(|| {
                format!(
                    "time grew {time_ratio:.1}x from {first_bytes} to {last_bytes} bytes ({bytes_ratio:.1}x): \
                     more than {SLACK}x linear"
                )
            })
        }
    }
}

fn main() {
    let only: Option<Vec<String>> =
        std::env::var("HOSTILE_CASES").ok().map(|list| list.split(',').map(str::to_string).collect());
    let settings = generator::Settings::new("hostile-client", "hostile.yaml");
    let mut problems = Vec::new();
    for (name, build, sizes, growth) in CASES {
        if only.as_ref().is_some_and(|only| !only.iter().any(|o| o == name)) {
            continue;
        }
        let mut figures = Vec::new();
        for &size in *sizes {
            let text = build(size);
            let mut samples = Vec::new();
            let mut outcome = String::new();
            for _ in 0..3 {
                let started = Instant::now();
                let result = generator::generate(&text, &settings);
                samples.push(started.elapsed());
                outcome = match result {
                    Ok(generated) => format!("generated {} files", generated.files.len()),
                    Err(errors) => format!("rejected: {}", errors.first().map(ToString::to_string).unwrap_or_default()),
                };
                // One run is enough to show a slow case.
                if samples[0] > Duration::from_secs(2) {
                    break;
                }
            }
            samples.sort();
            let median = samples[samples.len() / 2];
            figures.push((text.len(), median));
            let outcome: String = outcome.chars().take(110).collect();
            println!(
                "{name:<34} {size:>7} ({:>7} bytes): {:>10.1} ms  {outcome}",
                text.len(),
                median.as_secs_f64() * 1000.0
            );
        }
        if let Some(problem) = growth_problem(*growth, &figures) {
            problems.push(format!("{name}: {problem}"));
        }
    }
    // Timings depend on the machine: say how many cores it had.
    let cores = std::thread::available_parallelism().map_or(0, usize::from);
    println!("machine: {cores} cores");
    if problems.is_empty() {
        println!("growth: every case within {SLACK}x linear (or its cap)");
    } else {
        for problem in &problems {
            eprintln!("growth: {problem}");
        }
        std::process::exit(1);
    }
}
