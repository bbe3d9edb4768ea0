//! `cargo bench -p openapi-rs-generator`: times the generator on the official
//! Okta management spec (732 operations, 1541 schemas) and prints
//! - parse alone (YAML text -> typed `openapiv3::OpenAPI`),
//! - load (parse + normalisation + reference checks),
//! - the whole run (load + lower + render + format),
//! - the ratio of the whole run to parse alone (target: within 4x),
//! - peak memory (VmHWM) after parsing and after the whole run.
//!
//! Another spec can be given with `OPENAPI_BENCH_SPEC=path`.

use std::time::{Duration, Instant};

const DEFAULT_SPEC: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/corpus/okta-management.yaml");
const RUNS: usize = 5;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn time<T>(mut f: impl FnMut() -> T) -> Duration {
    let mut samples = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        std::hint::black_box(f());
        samples.push(started.elapsed());
    }
    median(samples)
}

/// Peak resident memory of this process so far, in MiB (Linux only).
fn peak_memory_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let path = std::env::var("OPENAPI_BENCH_SPEC").unwrap_or_else(|_| DEFAULT_SPEC.to_string());
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!("skipping the generator benchmark: {path} not found (the shared corpus is not beside the project)");
        return;
    };
    let settings = generator::Settings::new("bench-client", "bench.yaml");
    let parse = time(|| serde_yaml::from_str::<openapiv3::OpenAPI>(&text).expect("the spec parses"));
    let parse_peak = peak_memory_mib();
    let load = time(|| generator::load::load(&text).expect("the spec loads"));
    let whole = time(|| generator::generate(&text, &settings).expect("the spec generates"));
    let whole_peak = peak_memory_mib();
    let generated = generator::generate(&text, &settings).expect("the spec generates");
    let bytes: usize = generated.files.iter().map(|f| f.contents.len()).sum();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("spec: {path} ({} KiB)", text.len() / 1024);
    println!("median of {RUNS} runs each");
    println!("parse alone (serde_yaml -> openapiv3): {:>8.1} ms", ms(parse));
    println!("load (parse + normalise + checks):     {:>8.1} ms", ms(load));
    println!("whole run (load+lower+render+format):  {:>8.1} ms", ms(whole));
    println!(
        "ratio whole / parse alone:             {:>8.2}x (target: <= 4x)",
        whole.as_secs_f64() / parse.as_secs_f64()
    );
    println!("output: {} files, {} KiB, {} warnings", generated.files.len(), bytes / 1024, generated.warnings.len());
    if let (Some(parse_peak), Some(whole_peak)) = (parse_peak, whole_peak) {
        println!("peak memory: {parse_peak:.0} MiB after parsing, {whole_peak:.0} MiB after the whole run");
    }
}
