//! YAML text -> untyped JSON tree, reading integers beyond 64 bits as the
//! nearest float (as serde_json does for JSON) instead of failing the whole
//! document, so that the normalisation stage can clamp them with a warning.
//!
//! Two guards keep hostile text cheap: flow collections (`[`, `{`) nested
//! deeper than [`MAX_FLOW_DEPTH`] are refused before libyaml sees them (its
//! scanner is quadratic in the flow depth), and alias expansion is bounded
//! by the size of the tree it builds, not only by the number of aliases.

use crate::diagnostics::Diagnostic;
use serde::de::{DeserializeSeed, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::Cell;

/// Flow collections nested deeper than this are refused. The parser stops
/// at 128 levels of any kind anyway; the margin covers a text this quick
/// scan reads less exactly than libyaml does.
pub const MAX_FLOW_DEPTH: usize = 256;

/// The parsed tree may take at most this much memory (as estimated by
/// [`Budget`]), or [`MAX_TREE_PER_TEXT_BYTE`] times the text's length if
/// that is larger: only aliases make a tree much larger than its text.
pub const MAX_TREE_BYTES: usize = 64 << 20;

/// See [`MAX_TREE_BYTES`].
pub const MAX_TREE_PER_TEXT_BYTE: usize = 16;

/// Parses YAML text into a JSON value, with merge keys (`<<`) applied, like
/// `serde_yaml::Value` plus `apply_merge` converted with `serde_json::to_value`,
/// except that integers beyond 64 bits become (rounded) floats instead of
/// failing the whole document.
///
/// `serde_yaml` hands integers such as `99999999999999999999` to the value as
/// 128-bit integers, which both `serde_yaml::Value` and `serde_json::Value`
/// reject ("invalid type: integer ... as u128", "JSON number out of range");
/// `serde_json` reads the same literal in JSON text as a float.
/// Loading YAML through this function makes both formats arrive at
/// the normalisation stage the same way, where such bounds are clamped with a warning.
///
/// Errors carry the line and column where the parser stopped.
pub fn parse_yaml(text: &str) -> Result<Value, Diagnostic> {
    if let Some((line, column)) = too_deep_flow(text, MAX_FLOW_DEPTH) {
        return Err(Diagnostic {
            line_col: Some((line, column)),
            ..Diagnostic::error(
                "",
                format!("invalid YAML: flow collections (`[`, `{{`) nested more than {MAX_FLOW_DEPTH} levels deep"),
            )
        });
    }
    let budget = Budget { remaining: Cell::new(MAX_TREE_BYTES.max(text.len().saturating_mul(MAX_TREE_PER_TEXT_BYTE))) };
    WideIntegerSeed(&budget).deserialize(serde_yaml::Deserializer::from_str(text)).map_err(|err| {
        let line_col = err.location().map(|l| (l.line(), l.column()));
        Diagnostic { line_col, ..Diagnostic::error("", format!("invalid YAML: {err}")) }
    })
}

/// What is left of the tree's memory allowance. Each value is charged its
/// own size and the bytes of its strings (and map keys) when it is built,
/// so a subtree repeated through an alias is charged once per copy.
struct Budget {
    remaining: Cell<usize>,
}

impl Budget {
    fn charge<E: serde::de::Error>(&self, bytes: usize) -> Result<(), E> {
        let cost = bytes + std::mem::size_of::<Value>();
        match self.remaining.get().checked_sub(cost) {
            Some(left) => {
                self.remaining.set(left);
                Ok(())
            }
            None => Err(E::custom(format!(
                "the document expands to more than {} MiB (or {MAX_TREE_PER_TEXT_BYTE} times its own size); YAML aliases (`*name`) repeat their anchor's content in full, so a few of them nested can make a huge tree",
                MAX_TREE_BYTES >> 20
            ))),
        }
    }
}

/// A `serde_json::Value` that also accepts integers beyond 64 bits (as the
/// nearest float), which `serde_yaml` produces for long integer literals,
/// and that charges what it builds to a [`Budget`].
#[derive(Clone, Copy)]
struct WideIntegerSeed<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for WideIntegerSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(WideIntegerVisitor(self.0))
    }
}

struct WideIntegerVisitor<'b>(&'b Budget);

impl<'de> Visitor<'de> for WideIntegerVisitor<'_> {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E: serde::de::Error>(self, value: bool) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(Value::Bool(value))
    }

    fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(Value::Number(value.into()))
    }

    fn visit_i128<E: serde::de::Error>(self, value: i128) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(match i64::try_from(value) {
            Ok(value) => Value::Number(value.into()),
            Err(_) => float_value(value as f64),
        })
    }

    fn visit_u128<E: serde::de::Error>(self, value: u128) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(match u64::try_from(value) {
            Ok(value) => Value::Number(value.into()),
            Err(_) => float_value(value as f64),
        })
    }

    fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(float_value(value))
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<Value, E> {
        self.0.charge(value.len())?;
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E: serde::de::Error>(self, value: String) -> Result<Value, E> {
        self.0.charge(value.len())?;
        Ok(Value::String(value))
    }

    fn visit_none<E: serde::de::Error>(self) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(Value::Null)
    }

    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        self.0.charge(0)?;
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        WideIntegerSeed(self.0).deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Value, A::Error> {
        self.0.charge(0)?;
        let mut items = Vec::new();
        while let Some(item) = sequence.next_element_seed(WideIntegerSeed(self.0))? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        self.0.charge(0)?;
        let mut map = Map::new();
        let mut merges = Vec::new();
        while let Some(key) = entries.next_key::<String>()? {
            // A map entry costs about a value more than its value (key and index).
            self.0.charge(key.len())?;
            let value = entries.next_value_seed(WideIntegerSeed(self.0))?;
            if key == "<<" {
                merges.push(value);
            } else {
                map.insert(key, value);
            }
        }
        // YAML merge keys, as `serde_yaml::Value::apply_merge` applies them:
        // the mapping's own keys win, then earlier merged mappings.
        for merge in merges {
            let merged = match merge {
                Value::Array(list) => list,
                single => vec![single],
            };
            for mapping in merged {
                let Value::Object(mapping) = mapping else {
                    return Err(A::Error::custom("a YAML merge key (`<<`) needs a mapping or a list of mappings"));
                };
                for (key, value) in mapping {
                    map.entry(key).or_insert(value);
                }
            }
        }
        Ok(Value::Object(map))
    }
}

/// A float as JSON, with non-finite values as `null` (as `serde_json` does).
fn float_value(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// The line and column (1-based) of the first `[` or `{` that opens a flow
/// collection nested more than `limit` deep, or `None`.
///
/// A linear scan that knows just enough YAML to tell flow indicators from
/// text: comments, quoted scalars, block scalars (`|`, `>`), and plain
/// scalars, which may hold brackets and go on over more indented lines.
/// Inside a flow collection every bracket is an indicator, so the count is
/// exact there.
fn too_deep_flow(text: &str, limit: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut scan = Scan { i: 0, line: 1, depth: 0, continued_beyond: None };
    while scan.i < bytes.len() {
        let line_start = scan.i;
        while scan.i < bytes.len() && bytes[scan.i] == b' ' {
            scan.i += 1;
        }
        let indent = scan.i - line_start;
        let blank = scan.i >= bytes.len() || bytes[scan.i] == b'\n' || bytes[scan.i] == b'\r';
        if scan.depth == 0 {
            if let Some(parent) = scan.continued_beyond {
                if blank || indent > parent {
                    scan.i = next_line(bytes, scan.i);
                    scan.line += 1;
                    continue;
                }
            }
            scan.continued_beyond = None;
        }
        if let Some(found) = scan_line(text, limit, line_start, indent, &mut scan) {
            return Some(found);
        }
        scan.i += 1;
        scan.line += 1;
    }
    None
}

/// What [`too_deep_flow`] carries from one line to the next.
#[derive(Clone, Copy)]
struct Scan {
    /// The byte being read.
    i: usize,
    /// Its line, 1-based.
    line: usize,
    /// How many flow collections are open.
    depth: usize,
    /// Lines more indented than this column go on with a block or plain scalar.
    continued_beyond: Option<usize>,
}

/// Reads the rest of the line that starts at `line_start` (its indentation,
/// `indent` bytes, already read), up to its line feed: the line and column
/// of a bracket past `limit`, or `None` with `scan` at the line feed.
fn scan_line(
    text: &str,
    limit: usize,
    mut line_start: usize,
    indent: usize,
    scan: &mut Scan,
) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let is_space = |b: u8| b == b' ' || b == b'\t' || b == b'\r';
    // An indicator (`-`, `?`, `:`) counts only before a space or a line end.
    let indicator_at = |i: usize| !matches!(bytes.get(i + 1), Some(b) if !is_space(*b) && *b != b'\n');
    let Scan { mut i, mut line, mut depth, mut continued_beyond } = *scan;
    let mut node_start = depth == 0;
    // The column of the node whose value is being read (a key, or a `-`).
    let mut parent = indent;
    let mut scalar_col = indent;
    let mut in_plain = false;
    while i < bytes.len() && bytes[i] != b'\n' {
        let byte = bytes[i];
        let after_space = i == line_start || is_space(bytes[i - 1]);
        if byte == b'#' && after_space {
            i = next_line(bytes, i) - 1;
            break;
        }
        if depth > 0 {
            match byte {
                b'[' | b'{' => {
                    depth += 1;
                    if depth > limit {
                        return Some((line, text[line_start..i].chars().count() + 1));
                    }
                }
                b']' | b'}' => depth -= 1,
                b'"' | b'\'' if after_space || matches!(bytes[i - 1], b'[' | b'{' | b',' | b':') => {
                    (i, line, line_start) = skip_quoted(bytes, i, line, line_start);
                }
                _ => {}
            }
            i += 1;
            continue;
        }
        if node_start {
            match byte {
                b' ' | b'\t' | b'\r' => {}
                b'[' | b'{' => {
                    depth = 1;
                    node_start = false;
                }
                b'"' | b'\'' => {
                    scalar_col = i - line_start;
                    (i, line, line_start) = skip_quoted(bytes, i, line, line_start);
                    node_start = false;
                }
                b'|' | b'>' => {
                    continued_beyond = Some(parent);
                    i = next_line(bytes, i) - 1;
                    break;
                }
                // `- ` and `? `: another node follows, inside this one.
                b'-' | b'?' if indicator_at(i) => parent = i - line_start,
                // `&anchor` and `!tag`: the node itself follows.
                b'&' | b'!' => {
                    while i + 1 < bytes.len() && !is_space(bytes[i + 1]) && bytes[i + 1] != b'\n' {
                        i += 1;
                    }
                }
                _ => {
                    scalar_col = i - line_start;
                    node_start = false;
                    in_plain = true;
                }
            }
        } else if byte == b':' && indicator_at(i) {
            // `key: value`: the value is a node of its own.
            parent = scalar_col;
            node_start = true;
            in_plain = false;
        }
        i += 1;
    }
    if in_plain {
        continued_beyond = Some(parent);
    }
    *scan = Scan { i, line, depth, continued_beyond };
    None
}

/// The index of the byte after the end of the line `i` stands on.
fn next_line(bytes: &[u8], i: usize) -> usize {
    bytes[i..].iter().position(|b| *b == b'\n').map_or(bytes.len(), |offset| i + offset + 1)
}

/// Skips the quoted scalar opening at `start`: the index of its closing
/// quote (or the end of the text), and the line number and line start
/// there, as a quoted scalar may span lines.
fn skip_quoted(bytes: &[u8], start: usize, mut line: usize, mut line_start: usize) -> (usize, usize, usize) {
    let quote = bytes[start];
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            // An escape (or a doubled single quote) is not the end.
            b'\\' if quote == b'"' && bytes.get(i + 1).is_some_and(|b| *b != b'\n') => i += 1,
            b'\'' if quote == b'\'' && bytes.get(i + 1) == Some(&b'\'') => i += 1,
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            byte if byte == quote => return (i, line, line_start),
            _ => {}
        }
        i += 1;
    }
    (bytes.len(), line, line_start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_nesting_beyond_the_limit_is_found_where_it_goes_too_deep() {
        let text = format!("a: 1\nb: {}", "[".repeat(300));
        assert_eq!(too_deep_flow(&text, 256), Some((2, 4 + 256)));
        let text = format!("- !tag {}", "[".repeat(300));
        assert_eq!(too_deep_flow(&text, 256), Some((1, 8 + 256)));
        let text = format!("a:\n  - {{x: {}1{}}}\n", "[".repeat(200), "]".repeat(200));
        assert_eq!(too_deep_flow(&text, 256), None);
        let text = format!("a: [\n  [\n{}", "[\n".repeat(300));
        assert_eq!(too_deep_flow(&text, 256).map(|(line, _)| line), Some(257));
    }

    #[test]
    fn brackets_in_text_are_not_flow_collections() {
        let deep = "[".repeat(1000);
        for text in [
            format!("a: |\n  {deep}\n  {deep}\nb: 1\n"),
            format!("- key: >-\n    {deep}\n  other: 2\n"),
            format!("a: \"{deep}\"\nb: '{deep}'\n"),
            format!("a: \"multi\n  line {deep}\"\n"),
            format!("a: 1 # {deep}\n# {deep}\n"),
            format!("a: see {deep}\n  and {deep}\nb: x{deep}\n"),
            format!("a: [\"{deep}\", '{deep}', it's {{b: c}}]\n"),
            format!("- &anchor see {deep}\n- !tag see {deep}\n"),
        ] {
            assert_eq!(too_deep_flow(&text, 256), None, "{text}");
        }
    }

    #[test]
    fn parse_yaml_reports_deep_flow_with_its_place() {
        let error = parse_yaml(&format!("a: 1\nb: {}", "[".repeat(100_000))).unwrap_err();
        assert!(error.is_error());
        assert_eq!(error.line_col, Some((2, 260)));
        assert!(error.message.contains("nested more than 256 levels"), "{error}");
    }

    #[test]
    fn alias_expansion_is_bounded_by_the_size_of_the_tree() {
        let mut text = format!("l0: &l0 [{}]\n", vec!["abcdefghijklmnopqrstuvwxyz012345"; 1000].join(", "));
        for level in 1..=4 {
            text.push_str(&format!("l{level}: &l{level} [{}]\n", vec![format!("*l{}", level - 1); 10].join(", ")));
        }
        let error = parse_yaml(&text).unwrap_err();
        assert!(error.message.contains("expands to more than 64 MiB"), "{error}");
        assert!(error.line_col.is_some(), "{error:?}");
        // Up to the bound, aliases work as always.
        text.truncate(text.find("l3:").unwrap());
        let tree = parse_yaml(&text).unwrap();
        assert_eq!(tree["l2"][9][9][999], "abcdefghijklmnopqrstuvwxyz012345");
    }
}
