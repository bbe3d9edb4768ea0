//! `cargo bench -p openapi-rs-generator --bench hostile`: times the generator
//! on the hostile documents of `tests/common/hostile_cases.rs` at growing
//! sizes, so that super-linear growth shows in the figures. Prints one line
//! per case and size: the median time, and whether the document generated
//! or what the first diagnostic says.
//!
//! `HOSTILE_CASES=name,name` runs only the named cases.

// The bench uses the builders, not what the tests expect of them.
#[allow(dead_code)]
#[path = "../tests/common/hostile_cases.rs"]
mod hostile_cases;

use hostile_cases::*;
use std::time::{Duration, Instant};

type Case = (&'static str, fn(usize) -> String, &'static [usize]);

const CASES: &[Case] = &[
    ("nested_all_of_with_invalid_leaf", nested_all_of_with_invalid_leaf, &[12, 16, 20, 24]),
    ("two_deep_references_per_level", two_deep_references_per_level, &[8, 12, 16, 24]),
    ("two_all_of_copies_per_level", two_all_of_copies_per_level, &[8, 12, 16, 24]),
    ("alias_chain", alias_chain, &[250, 500, 1000, 2000]),
    ("deep_reference_chain", deep_reference_chain, &[50, 100, 200, 2000]),
    ("deep_yaml_flow", deep_yaml_flow, &[1000, 10_000, 100_000]),
    ("deep_yaml_block", deep_yaml_block, &[1000, 10_000, 100_000]),
    ("deep_json", deep_json, &[1000, 10_000, 100_000]),
    ("alias_bomb", alias_bomb, &[1, 2, 3, 4]),
    ("deep_properties", deep_properties, &[10, 20, 40]),
];

fn main() {
    let only: Option<Vec<String>> =
        std::env::var("HOSTILE_CASES").ok().map(|list| list.split(',').map(str::to_string).collect());
    let settings = generator::Settings::new("hostile-client", "hostile.yaml");
    for (name, build, sizes) in CASES {
        if only.as_ref().is_some_and(|only| !only.iter().any(|o| o == name)) {
            continue;
        }
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
            let outcome: String = outcome.chars().take(110).collect();
            println!(
                "{name:<34} {size:>7} ({:>7} bytes): {:>10.1} ms  {outcome}",
                text.len(),
                median.as_secs_f64() * 1000.0
            );
        }
    }
}
