//! `cargo xtask fuzz`: feeds mutated and hostile specs to the generator and
//! fails on any panic, stack overflow, input over the time limit or over the
//! memory limit.
//!
//! The parent makes the inputs (a pure function of `--seed` and the input's
//! index) and hands them to worker processes (this binary's hidden
//! `fuzz-worker` command), one per core. A worker that crashes or runs past
//! the time limit is killed and restarted; the input that did it is saved in
//! `target/fuzz-findings/`. Then a sample of the crates that generated is
//! `cargo check`ed, as `cargo xtask corpus` does.

mod mutate;
pub mod worker;

use mutate::Seed;
use std::fs::File;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const USAGE: &str = "usage: cargo xtask fuzz [--inputs N] [--seconds S] [--seed N] [--check-sample K] [--jobs J] \
                     [--corpus DIR] [--hostile-percent P] [--minimise FILE] [--time-limit SECONDS] [--memory-limit MIB]";
const SEED_DIRS: &[&str] = &[
    "tests/fixtures/fuzz-found",
    "tests/fixtures/specs",
    "tests/fixtures/invalid",
    "generator/tests/fixtures/normalize",
    "spec",
];
const FINDINGS: &str = "target/fuzz-findings";
const WORKSPACE: &str = "target/fuzz-check";
/// Specs from `--corpus` above this size are left out: each input would take seconds.
const MAX_CORPUS_SEED_BYTES: u64 = 300_000;

struct Options {
    inputs: usize,
    seconds: u64,
    seed: u64,
    check_sample: usize,
    jobs: usize,
    corpus: Option<PathBuf>,
    time_limit: Duration,
    memory_limit: usize,
    hostile_percent: u8,
    minimise: Option<PathBuf>,
}

/// What became of one input.
struct Outcome {
    kind: String,
    micros: u128,
    peak: usize,
    detail: String,
}

impl Outcome {
    fn is_failure(&self) -> bool {
        !matches!(self.kind.as_str(), "ok" | "rejected")
    }
}

fn parse_options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        inputs: 10_000,
        seconds: 150,
        seed: 1,
        check_sample: 6,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        corpus: None,
        time_limit: Duration::from_secs(10),
        memory_limit: 1 << 30,
        // Hostile shapes are big: a few of them go a long way.
        hostile_percent: 3,
        minimise: None,
    };
    let mut iter = args.iter();
    while let Some(flag) = iter.next() {
        let mut value = || iter.next().ok_or_else(|| format!("error: {flag} wants a value\n{USAGE}"));
        let number = |v: &String| v.parse::<u64>().map_err(|_| format!("error: {flag} wants a number, got `{v}`"));
        match flag.as_str() {
            "--inputs" => options.inputs = number(value()?)? as usize,
            "--seconds" => options.seconds = number(value()?)?,
            "--seed" => options.seed = number(value()?)?,
            "--check-sample" => options.check_sample = number(value()?)? as usize,
            "--jobs" => options.jobs = (number(value()?)? as usize).max(1),
            "--corpus" => options.corpus = Some(PathBuf::from(value()?)),
            "--time-limit" => options.time_limit = Duration::from_secs(number(value()?)?),
            "--minimise" => options.minimise = Some(PathBuf::from(value()?)),
            "--hostile-percent" => options.hostile_percent = number(value()?)?.min(100) as u8,
            "--memory-limit" => options.memory_limit = (number(value()?)? as usize) << 20,
            _ => return Err(format!("error: unknown option `{flag}`\n{USAGE}")),
        }
    }
    Ok(options)
}

fn read_seeds(corpus: Option<&Path>) -> Result<(Vec<Seed>, usize), String> {
    let mut seeds = Vec::new();
    let mut regression = 0;
    let dirs = SEED_DIRS.iter().map(PathBuf::from).chain(corpus.map(Path::to_path_buf));
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        let is_corpus = corpus.is_some_and(|c| c == dir);
        let mut paths: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
            .filter(|p| !is_corpus || p.metadata().is_ok_and(|m| m.len() <= MAX_CORPUS_SEED_BYTES))
            .collect();
        paths.sort();
        for path in paths {
            let text =
                std::fs::read_to_string(&path).map_err(|e| format!("error: cannot read {}: {e}", path.display()))?;
            let tree = serde_yaml::from_str::<serde_json::Value>(&text).ok().filter(|t| t.is_object());
            let known_finding = dir.ends_with("fuzz-found");
            regression += usize::from(known_finding);
            seeds.push(Seed { name: path.display().to_string(), text, tree, known_finding });
        }
    }
    if seeds.len() == regression {
        return Err("error: no seed specs found".into());
    }
    Ok((seeds, regression))
}

/// Input `index`: first every seed as it is, then mutants and hostile shapes.
/// Returns the text and where it came from.
fn make_input(seeds: &[Seed], seed: u64, hostile_percent: u8, index: usize) -> (String, String) {
    if index < seeds.len() {
        return (seeds[index].text.clone(), format!("{} as it is", seeds[index].name));
    }
    let mut rng = fastrand::Rng::with_seed(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index as u64);
    if rng.u8(0..100) < hostile_percent {
        return (mutate::hostile(&mut rng), "hostile shape".into());
    }
    // Known findings run as they are; mutants of them would only find them again.
    let origins: Vec<&Seed> = seeds.iter().filter(|s| !s.known_finding).collect();
    let origin = origins[rng.usize(0..origins.len())];
    let mut text = match &origin.tree {
        Some(tree) => {
            let mut tree = tree.clone();
            for _ in 0..rng.usize(1..5) {
                mutate::mutate_tree(&mut tree, &mut rng);
            }
            mutate::serialise(&tree, &mut rng)
        }
        None => origin.text.clone(),
    };
    if origin.tree.is_none() || rng.u8(0..6) == 0 {
        for _ in 0..rng.usize(1..4) {
            mutate::mutate_text(&mut text, &mut rng);
        }
    }
    (text, format!("mutant of {}", origin.name))
}

struct Worker {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    log: PathBuf,
}

impl Worker {
    fn start(log: &Path, memory_limit: usize) -> Result<Worker, String> {
        let exe = std::env::current_exe().map_err(|e| format!("error: cannot find the xtask binary: {e}"))?;
        let stderr = File::create(log).map_err(|e| format!("error: cannot create {}: {e}", log.display()))?;
        let mut child = Command::new(exe)
            .args(["fuzz-worker", &memory_limit.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .map_err(|e| format!("error: cannot start a fuzz worker: {e}"))?;
        let stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (sender, lines) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Worker { child, stdin, lines, log: log.to_path_buf() })
    }

    /// Runs one input; after a crash or a timeout the worker is dead and must be replaced.
    fn run(&mut self, text: &str, time_limit: Duration) -> (Outcome, bool) {
        let started = Instant::now();
        let sent = write!(self.stdin, "{}\n{text}", text.len()).and_then(|()| self.stdin.flush());
        let answer = match sent {
            Ok(()) => self.lines.recv_timeout(time_limit),
            Err(_) => Err(RecvTimeoutError::Disconnected),
        };
        match answer {
            Ok(line) => {
                let mut fields = line.splitn(4, '\t');
                let kind = fields.next().unwrap_or_default().to_string();
                let micros = fields.next().and_then(|f| f.parse().ok()).unwrap_or_default();
                let peak = fields.next().and_then(|f| f.parse().ok()).unwrap_or_default();
                let detail = fields.next().unwrap_or_default().to_string();
                (Outcome { kind, micros, peak, detail }, true)
            }
            Err(RecvTimeoutError::Timeout) => {
                let _ = self.child.kill();
                let _ = self.child.wait();
                let outcome = Outcome {
                    kind: "timeout".into(),
                    micros: started.elapsed().as_micros(),
                    peak: 0,
                    detail: format!("still running after {} s", time_limit.as_secs()),
                };
                (outcome, false)
            }
            Err(RecvTimeoutError::Disconnected) => {
                let status = self.child.wait().map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
                let log = std::fs::read_to_string(&self.log).unwrap_or_default();
                let kind = if log.contains("has overflowed its stack") {
                    "stack-overflow"
                } else if log.contains("memory allocation of") {
                    "memory"
                } else {
                    "crash"
                };
                let last = log.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or_default();
                let outcome = Outcome {
                    kind: kind.into(),
                    micros: started.elapsed().as_micros(),
                    peak: 0,
                    detail: format!("{status}: {last}"),
                };
                (outcome, false)
            }
        }
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `cargo xtask fuzz ...`
pub fn run(args: &[String]) -> Result<(), String> {
    let options = parse_options(args)?;
    if let Some(file) = &options.minimise {
        return minimise(file, &options);
    }
    let (seeds, regression) = read_seeds(options.corpus.as_deref())?;
    let findings = Path::new(FINDINGS);
    std::fs::create_dir_all(findings).map_err(|e| format!("error: cannot create {FINDINGS}: {e}"))?;
    println!(
        "fuzz: seed {}, up to {} inputs or {} s, {} jobs, {} seed specs ({regression} earlier findings), limits {} s and {} MiB per input",
        options.seed,
        options.inputs,
        options.seconds,
        options.jobs,
        seeds.len(),
        options.time_limit.as_secs(),
        options.memory_limit >> 20
    );
    let started = Instant::now();
    let deadline = started + Duration::from_secs(options.seconds);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, String, Outcome)>> = Mutex::new(Vec::new());
    let errors: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for job in 0..options.jobs {
            let (seeds, next, results, errors, options) = (&seeds, &next, &results, &errors, &options);
            scope.spawn(move || {
                let log = findings.join(format!("worker-{job}.log"));
                let mut worker = None;
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    // Every seed runs as it is, whatever the time budget.
                    if index >= options.inputs.max(seeds.len()) || (index >= seeds.len() && Instant::now() > deadline) {
                        break;
                    }
                    let (text, origin) = make_input(seeds, options.seed, options.hostile_percent, index);
                    if worker.is_none() {
                        match Worker::start(&log, options.memory_limit) {
                            Ok(started) => worker = Some(started),
                            Err(e) => {
                                errors.lock().expect("no panics hold it").push(e);
                                break;
                            }
                        }
                    }
                    let (outcome, alive) = worker.as_mut().expect("started above").run(&text, options.time_limit);
                    if !alive {
                        worker = None;
                    }
                    if outcome.is_failure() {
                        let ext = if text.trim_start().starts_with('{') { "json" } else { "yaml" };
                        let path = findings.join(format!("seed{}-{index}-{}.{ext}", options.seed, outcome.kind));
                        if let Err(e) = std::fs::write(&path, &text) {
                            errors.lock().expect("no panics hold it").push(format!("error: {}: {e}", path.display()));
                        }
                        eprintln!(
                            "fuzz: input {index} ({origin}): {}: {} -> {}",
                            outcome.kind,
                            outcome.detail,
                            path.display()
                        );
                    }
                    results.lock().expect("no panics hold it").push((index, origin, outcome));
                }
            });
        }
    });
    let errors = errors.into_inner().expect("no panics hold it");
    if !errors.is_empty() {
        return Err(errors.join("\n"));
    }
    let mut results = results.into_inner().expect("no panics hold it");
    results.sort_by_key(|(index, _, _)| *index);
    let failures = report(&results, started.elapsed());
    let checked = check_sample(&seeds, &results, &options)?;
    if failures > 0 || checked > 0 {
        return Err(format!(
            "error: {failures} inputs failed (saved in {FINDINGS}/), {checked} sampled crates did not check cleanly; \
             rerun one with `cargo xtask generate <FILE> --out target/fuzz-out`"
        ));
    }
    Ok(())
}

/// Prints the counts by outcome, the slowest inputs and the peak memory; returns the number of failures.
fn report(results: &[(usize, String, Outcome)], elapsed: Duration) -> usize {
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for (_, _, outcome) in results {
        *counts.entry(outcome.kind.as_str()).or_default() += 1;
    }
    let summary: Vec<String> = counts.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
    println!("fuzz: {} inputs in {:.1} s: {}", results.len(), elapsed.as_secs_f64(), summary.join(", "));
    let finished: Vec<u128> =
        results.iter().filter(|(_, _, o)| o.kind != "timeout").map(|(_, _, o)| o.micros).collect();
    if !finished.is_empty() {
        let mean = finished.iter().sum::<u128>() as f64 / finished.len() as f64 / 1000.0;
        println!("  mean time of the inputs that finished: {mean:.1} ms");
    }
    let mut by_time: Vec<&(usize, String, Outcome)> = results.iter().collect();
    by_time.sort_by_key(|(_, _, o)| std::cmp::Reverse(o.micros));
    for (index, origin, outcome) in by_time.iter().take(3) {
        println!("  slow: input {index} ({origin}): {} ms, {}", outcome.micros / 1000, outcome.kind);
    }
    if let Some((index, origin, outcome)) = results.iter().max_by_key(|(_, _, o)| o.peak) {
        println!("  peak heap: {:.1} MiB, input {index} ({origin})", outcome.peak as f64 / (1 << 20) as f64);
    }
    results.iter().filter(|(_, _, o)| o.is_failure()).count()
}

/// Generates a sample of the inputs that succeeded (the biggest output of
/// each of a few seeds), and `cargo check`s them in one throwaway workspace.
/// Returns how many did not check cleanly.
fn check_sample(seeds: &[Seed], results: &[(usize, String, Outcome)], options: &Options) -> Result<usize, String> {
    if options.check_sample == 0 {
        return Ok(0);
    }
    // One per origin, the mutants first (the seeds as they are have their own checks).
    let mut chosen: Vec<(usize, &str)> = Vec::new();
    let mut ok: Vec<&(usize, String, Outcome)> =
        results.iter().filter(|(i, _, o)| o.kind == "ok" && *i >= seeds.len()).collect();
    let mut rng = fastrand::Rng::with_seed(options.seed);
    rng.shuffle(&mut ok);
    for (index, origin, _) in ok {
        if chosen.len() < options.check_sample && !chosen.iter().any(|(_, o)| *o == origin.as_str()) {
            chosen.push((*index, origin));
        }
    }
    chosen.sort();
    let workspace = Path::new(WORKSPACE);
    let _ = std::fs::remove_dir_all(workspace.join("crates"));
    let mut members = Vec::new();
    for (index, _) in &chosen {
        let (text, _) = make_input(seeds, options.seed, options.hostile_percent, *index);
        let name = format!("fuzz-{index}");
        let settings = generator::Settings::new(&name, "fuzz.yaml");
        let generated = generator::generate(&text, &settings)
            .map_err(|_| format!("error: input {index} generated in the worker but not in the parent"))?;
        generator::project::write_files(&workspace.join("crates").join(&name), &generated.files)
            .map_err(|e| e.to_string())?;
        members.push(name);
    }
    let started = Instant::now();
    let results = crate::corpus::check_crates(workspace, &members)?;
    let mut failed = 0;
    for (name, (result, detail)) in members.iter().zip(&results) {
        println!("  cargo check {name}: {result} {detail}");
        failed += usize::from(result != "ok");
    }
    println!("fuzz: {} sampled crates checked in {} s, {failed} not clean", members.len(), started.elapsed().as_secs());
    Ok(failed)
}

/// `--minimise FILE`: deletes parts of the document (object members, array
/// items), one at a time, keeping each deletion after which the input still
/// fails the same way, until none can go. Writes `<FILE>.min.yaml`.
fn minimise(file: &Path, options: &Options) -> Result<(), String> {
    let text = std::fs::read_to_string(file).map_err(|e| format!("error: cannot read {}: {e}", file.display()))?;
    let mut tree: serde_json::Value =
        serde_yaml::from_str(&text).map_err(|e| format!("error: {} does not parse: {e}", file.display()))?;
    let log = Path::new(FINDINGS).join("minimise.log");
    std::fs::create_dir_all(FINDINGS).map_err(|e| format!("error: cannot create {FINDINGS}: {e}"))?;
    let mut worker = None;
    let mut attempt = |candidate: &str| -> Result<Outcome, String> {
        let running = match worker.take() {
            Some(running) => running,
            None => Worker::start(&log, options.memory_limit)?,
        };
        let mut running = running;
        let (outcome, alive) = running.run(candidate, options.time_limit);
        if alive {
            worker = Some(running);
        }
        Ok(outcome)
    };
    let first = attempt(&serde_yaml::to_string(&tree).unwrap_or_default())?;
    if !first.is_failure() {
        return Err(format!("error: {} does not fail once re-serialised: {}", file.display(), first.kind));
    }
    println!("minimising a {} ({})", first.kind, first.detail);
    let mut tries = 0;
    loop {
        let mut shrunk = false;
        // Pre-order, so whole subtrees go before their parts.
        for pointer in mutate::pointers(&tree, usize::MAX).into_iter().skip(1) {
            let mut candidate = tree.clone();
            if !mutate::remove(&mut candidate, &pointer) {
                continue;
            }
            tries += 1;
            if attempt(&serde_yaml::to_string(&candidate).unwrap_or_default())?.kind == first.kind {
                tree = candidate;
                shrunk = true;
                break;
            }
        }
        if !shrunk {
            break;
        }
    }
    let out = file.with_extension("min.yaml");
    let text = serde_yaml::to_string(&tree).unwrap_or_default();
    std::fs::write(&out, &text).map_err(|e| format!("error: {}: {e}", out.display()))?;
    println!("{tries} tries; {} bytes -> {}:\n{text}", text.len(), out.display());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seeds() -> Vec<Seed> {
        let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {type: object, properties: {b: {type: string}}}\n";
        vec![Seed {
            name: "a.yaml".into(),
            text: text.into(),
            tree: serde_yaml::from_str(text).ok(),
            known_finding: false,
        }]
    }

    #[test]
    fn an_input_depends_only_on_the_seed_and_its_index() {
        let seeds = seeds();
        for index in 1..100 {
            assert_eq!(make_input(&seeds, 7, 3, index), make_input(&seeds, 7, 3, index), "input {index}");
        }
        let distinct: std::collections::BTreeSet<String> = (1..100).map(|i| make_input(&seeds, 7, 3, i).0).collect();
        assert!(distinct.len() > 75, "only {} distinct inputs of 99", distinct.len());
        assert_ne!(make_input(&seeds, 7, 3, 5).0, make_input(&seeds, 8, 10, 5).0);
    }

    #[test]
    fn every_seed_runs_unchanged_before_the_mutants() {
        let seeds = seeds();
        assert_eq!(make_input(&seeds, 7, 3, 0).0, seeds[0].text);
    }
}
