//! The child side of `cargo xtask fuzz`: the hidden `fuzz-worker` command.
//!
//! It reads inputs from stdin (a line with the byte length, then the bytes),
//! runs `generator::generate` on each, and answers one line per input:
//! `<outcome>\t<microseconds>\t<peak heap bytes>\t<detail>`. A stack overflow
//! or an allocation past the memory limit kills the process; the parent sees
//! that and restarts it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{BufRead, Read, Write};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// The stack of the thread that runs `generate`: a main thread's usual 8 MiB,
/// what `cargo xtask generate` gets. Unbounded recursion overflows it soon
/// enough; a smaller one would flag depths a user never hits.
const STACK_BYTES: usize = 8 << 20;

/// Counts live heap bytes, so each input's peak is measured exactly, and
/// refuses allocations past the worker's limit (the default handler then
/// prints "memory allocation of N bytes failed" and aborts). Outside the
/// worker the limit is `usize::MAX` and the count costs two atomic adds.
pub struct CountingAllocator;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static LIMIT: AtomicUsize = AtomicUsize::new(usize::MAX);

impl CountingAllocator {
    fn reserve(size: usize) -> bool {
        let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
        if live > LIMIT.load(Ordering::Relaxed) {
            LIVE.fetch_sub(size, Ordering::Relaxed);
            return false;
        }
        PEAK.fetch_max(live, Ordering::Relaxed);
        true
    }
}

// SAFETY: every call is forwarded to `System` with the same arguments; the
// wrapper only keeps counts, and returns null (a legal answer) past the limit.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !Self::reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        let ptr = System.alloc(layout);
        if ptr.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !Self::reserve(layout.size()) {
            return std::ptr::null_mut();
        }
        let ptr = System.alloc_zeroed(layout);
        if ptr.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let old = layout.size();
        if new_size > old && !Self::reserve(new_size - old) {
            return std::ptr::null_mut();
        }
        let new = System.realloc(ptr, layout, new_size);
        match (new.is_null(), new_size > old) {
            (true, true) => {
                LIVE.fetch_sub(new_size - old, Ordering::Relaxed);
            }
            (false, false) => {
                LIVE.fetch_sub(old - new_size, Ordering::Relaxed);
            }
            _ => {}
        }
        new
    }
}

/// The last panic's message and place, kept by the hook because a payload
/// resumed from another thread has lost its location.
static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// `cargo xtask fuzz-worker <MEMORY-LIMIT-BYTES>`.
pub fn run(args: &[String]) -> Result<(), String> {
    let limit: usize = args
        .first()
        .and_then(|a| a.parse().ok())
        .ok_or("usage: cargo xtask fuzz-worker <MEMORY-LIMIT-BYTES> (started by `cargo xtask fuzz`)")?;
    std::panic::set_hook(Box::new(|info| {
        let place = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "(no message)".into());
        if let Ok(mut last) = LAST_PANIC.lock() {
            last.get_or_insert(format!("{message}{place}"));
        }
    }));
    let settings = generator::Settings::new("fuzz-client", "fuzz.yaml");
    let stdin = std::io::stdin();
    let mut input = stdin.lock();
    let mut stdout = std::io::stdout().lock();
    let mut line = String::new();
    loop {
        line.clear();
        if input.read_line(&mut line).map_err(|e| format!("error: fuzz worker stdin: {e}"))? == 0 {
            return Ok(());
        }
        let len: usize = line.trim().parse().map_err(|_| format!("error: fuzz worker: bad frame `{line}`"))?;
        let mut bytes = vec![0; len];
        input.read_exact(&mut bytes).map_err(|e| format!("error: fuzz worker stdin: {e}"))?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        drop(bytes);
        *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = None;
        // The input's own text counts; what earlier inputs left behind does not.
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        LIMIT.store(base.saturating_add(limit), Ordering::Relaxed);
        let started = Instant::now();
        let settings = settings.clone();
        let outcome = std::thread::Builder::new()
            .stack_size(STACK_BYTES)
            .spawn(move || {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| generator::generate(&text, &settings)))
            })
            .map_err(|e| format!("error: cannot start a thread: {e}"))?
            .join();
        let micros = started.elapsed().as_micros();
        LIMIT.store(usize::MAX, Ordering::Relaxed);
        let peak = PEAK.load(Ordering::Relaxed) - base;
        let (kind, detail) = match outcome {
            Ok(Ok(Ok(generated))) => check_output(&generated),
            Ok(Ok(Err(diagnostics))) => match diagnostics.iter().find(|d| d.is_error()) {
                Some(error) => ("rejected", error.to_string()),
                None => ("rejected-without-error", format!("{} diagnostics, none an error", diagnostics.len())),
            },
            Ok(Err(_)) | Err(_) => {
                ("panic", LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).take().unwrap_or_default())
            }
        };
        let detail: String = detail.chars().map(|c| if c.is_control() { ' ' } else { c }).take(300).collect();
        writeln!(stdout, "{kind}\t{micros}\t{peak}\t{detail}")
            .and_then(|()| stdout.flush())
            .map_err(|e| format!("error: fuzz worker stdout: {e}"))?;
    }
}

/// What a successful run must hold: files, and every Rust file marked as generated.
fn check_output(generated: &generator::Generated) -> (&'static str, String) {
    if generated.files.is_empty() {
        return ("bad-output", "no files".into());
    }
    // A newline from the spec inside the header would break the first line.
    let unmarked = generated.files.iter().find(|f| {
        let first = f.contents.lines().next().unwrap_or_default();
        f.path.ends_with(".rs") && !(first.starts_with("// Generated by") && first.ends_with("and regenerate."))
    });
    match unmarked {
        Some(file) => ("bad-output", format!("{}: the first line is not the whole `Generated by` line", file.path)),
        None => ("ok", format!("{} files, {} warnings", generated.files.len(), generated.warnings.len())),
    }
}
