//! Where in a JSON body a decoding error happened, as a path (`items[2].created`).
//!
//! serde_json reports a line and column; this walks the text up to there and
//! names the value being read. Tracking the path while decoding instead
//! (serde_path_to_error) compiled every model's reader a second time, for
//! the tracking deserializer: a fifth of a generated crate's machine code,
//! to explain the rare body that does not decode.

/// One open container on the way to the position.
enum Open {
    /// An object, with the key whose value is being read.
    Object { key: Option<String>, in_value: bool },
    /// An array, with the index of the element being read (once it has started).
    Array { index: usize, started: bool },
}

/// The path of the value being read where `error` stopped in `text`: keys
/// joined by `.`, array indexes as `[i]`, and `.` for the top level.
pub(crate) fn error_path(text: &[u8], error: &serde_json::Error) -> String {
    // serde_json's line is 1-based, its column the bytes read on that line.
    let line_start = match error.line() {
        0 | 1 => 0,
        line => text
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
            .nth(line.saturating_sub(2))
            .map_or(text.len(), |(i, _)| i.saturating_add(1)),
    };
    path_at(text, line_start.saturating_add(error.column()).min(text.len()))
}

/// The path of the value being read once `end` bytes of `text` are read.
fn path_at(text: &[u8], end: usize) -> String {
    let mut open: Vec<Open> = Vec::new();
    let mut i = 0;
    while let Some(&byte) = text.get(..end).and_then(|read| read.get(i)) {
        match byte {
            b'{' => {
                start_value(&mut open);
                open.push(Open::Object { key: None, in_value: false });
            }
            b'[' => {
                start_value(&mut open);
                open.push(Open::Array { index: 0, started: false });
            }
            b'}' | b']' => {
                open.pop();
            }
            b':' => {
                if let Some(Open::Object { in_value, .. }) = open.last_mut() {
                    *in_value = true;
                }
            }
            b',' => match open.last_mut() {
                Some(Open::Object { key, in_value }) => (*key, *in_value) = (None, false),
                Some(Open::Array { index, started }) => (*index, *started) = (index.saturating_add(1), false),
                None => {}
            },
            b'"' => {
                let close = string_end(text, i);
                match open.last_mut() {
                    Some(Open::Object { key, in_value: false }) => {
                        let quoted = text.get(i..close).unwrap_or_default();
                        *key = Some(
                            serde_json::from_slice::<String>(quoted)
                                .unwrap_or_else(|_| String::from_utf8_lossy(quoted).trim_matches('"').to_owned()),
                        );
                    }
                    _ => start_value(&mut open),
                }
                i = close;
                continue;
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            // Numbers, `true`, `false`, `null`.
            _ => start_value(&mut open),
        }
        i = i.saturating_add(1);
    }
    render(&open)
}

/// A value starts inside the innermost container.
fn start_value(open: &mut [Open]) {
    if let Some(Open::Array { started, .. }) = open.last_mut() {
        *started = true;
    }
}

/// The index just past the string that opens at `start` (or the text's end).
fn string_end(text: &[u8], start: usize) -> usize {
    let mut i = start.saturating_add(1);
    while let Some(&byte) = text.get(i) {
        match byte {
            b'\\' => i = i.saturating_add(2),
            b'"' => return i.saturating_add(1),
            _ => i = i.saturating_add(1),
        }
    }
    text.len()
}

fn render(open: &[Open]) -> String {
    let mut path = String::new();
    for container in open {
        match container {
            Open::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Open::Array { index, started: true } => path.push_str(&format!("[{index}]")),
            _ => break,
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}
