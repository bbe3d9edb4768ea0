//! A `tracing` subscriber for tests: each span, recorded value and event
//! becomes a line of text (`span NAME field=value...`, `record field=value...`,
//! `WARN field=value...`). Shared by the runtime's tests and, through
//! `#[path]`, by the generated crates' tests.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Records what `tracing` reports, as lines.
#[derive(Clone, Default)]
pub struct Recorder {
    lines: Arc<Mutex<Vec<String>>>,
    spans: Arc<AtomicU64>,
}

impl Recorder {
    /// Every line so far.
    pub fn lines(&self) -> Vec<String> {
        self.lines.lock().unwrap().clone()
    }

    fn push(&self, mut line: String, values: impl FnOnce(&mut dyn tracing::field::Visit)) {
        values(&mut FieldsToString(&mut line));
        self.lines.lock().unwrap().push(line);
    }
}

struct FieldsToString<'a>(&'a mut String);

impl tracing::field::Visit for FieldsToString<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.push_str(&format!(" {}={:?}", field.name(), value));
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        self.push(format!("span {}", span.metadata().name()), |visit| span.record(visit));
        tracing::span::Id::from_u64(self.spans.fetch_add(1, Ordering::Relaxed) + 1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        self.push("record".to_owned(), |visit| values.record(visit));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        self.push(event.metadata().level().to_string(), |visit| event.record(visit));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

/// The warnings logged so far for `operation_id`. The first call installs a
/// process-wide recorder (a thread-local one could miss events from call sites
/// whose interest another test cached), so call it before the request.
pub fn warnings(operation_id: &str) -> Vec<String> {
    static RECORDER: OnceLock<Recorder> = OnceLock::new();
    let recorder = RECORDER.get_or_init(|| {
        let recorder = Recorder::default();
        tracing::subscriber::set_global_default(recorder.clone()).expect("no other global subscriber");
        recorder
    });
    let tag = format!("operation_id=\"{operation_id}\"");
    recorder.lines().into_iter().filter(|line| line.starts_with("WARN") && line.contains(&tag)).collect()
}
