//! The line and column of the node a JSON pointer names, so that a
//! diagnostic can show its spec line. serde_yaml keeps no positions, so the
//! text is read once more, as YAML events with their positions.

use crate::diagnostics::Diagnostic;
use crate::pointer::JsonPointer;
use std::collections::{BTreeMap, BTreeSet};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::Marker;

/// Gives every diagnostic that has a pointer but no position the 1-based
/// line and column of that node (of its key, for a mapping's value), or of
/// its deepest ancestor in the text when the node itself is not there (a
/// missing `responses`, say).
pub fn locate_diagnostics(text: &str, diagnostics: &mut [Diagnostic]) {
    let unplaced: Vec<usize> = (0..diagnostics.len())
        .filter(|&i| diagnostics[i].line_col.is_none() && !diagnostics[i].pointer.is_empty())
        .collect();
    if unplaced.is_empty() {
        return;
    }
    let pointers: Vec<&str> = unplaced.iter().map(|&i| diagnostics[i].pointer.as_str()).collect();
    let positions = locate(text, &pointers);
    for (i, position) in unplaced.into_iter().zip(positions) {
        diagnostics[i].line_col = position;
    }
}

/// The position of each pointer's node (or deepest ancestor), in order;
/// `None` where not even its first segment is in the text (the document
/// itself says nothing about where).
pub fn locate(text: &str, pointers: &[&str]) -> Vec<Option<(usize, usize)>> {
    let paths: Vec<Vec<String>> = pointers.iter().map(|p| segments(p)).collect();
    let mut walk = Walk::default();
    for path in &paths {
        for depth in 1..=path.len() {
            walk.wanted.insert(path[..depth].to_vec());
        }
    }
    // A scanner error ends the walk; what was found before it still counts.
    let _ = Parser::new_from_str(text).load(&mut walk, false);
    paths.iter().map(|path| (1..=path.len()).rev().find_map(|depth| walk.found.get(&path[..depth]).copied())).collect()
}

/// `/paths/~1pets/get` -> `["paths", "/pets", "get"]`.
fn segments(pointer: &str) -> Vec<String> {
    JsonPointer::parse(pointer).map_or_else(Vec::new, |pointer| pointer.tokens().collect())
}

/// Follows the path of the current node through the events.
#[derive(Default)]
struct Walk {
    wanted: BTreeSet<Vec<String>>,
    found: BTreeMap<Vec<String>, (usize, usize)>,
    /// The path of the open collection.
    path: Vec<String>,
    /// One per open collection.
    frames: Vec<Frame>,
}

enum Frame {
    /// A mapping: the key of the value to come (with where the key stands), once read.
    Mapping(Option<(String, Marker)>),
    /// A sequence: the index of the next item.
    Sequence(usize),
}

impl Walk {
    /// A node starts at `mark`. A mapping's key is kept for its value; a
    /// value's path is recorded if wanted, at its key for a mapping's value
    /// (the line people look for). Returns the value's last path segment, or
    /// `None` for a key.
    fn node(&mut self, key: Option<&str>, mark: Marker) -> Option<String> {
        let (segment, at) = match self.frames.last_mut() {
            None => (None, mark),
            Some(Frame::Mapping(pending @ None)) => {
                *pending = Some((key.unwrap_or_default().to_owned(), mark));
                return None;
            }
            Some(Frame::Mapping(pending)) => match pending.take() {
                Some((key, at)) => (Some(key), at),
                None => (None, mark),
            },
            Some(Frame::Sequence(index)) => {
                *index += 1;
                (Some((*index - 1).to_string()), mark)
            }
        };
        // The node's path is the open collection's plus `segment`, pushed
        // only for the lookup: cloning a path per node would cost more than
        // the parse.
        let segment = segment.unwrap_or_default();
        let is_root = self.frames.is_empty();
        if !is_root {
            self.path.push(segment);
        }
        if self.wanted.contains(&self.path) && !self.found.contains_key(&self.path) {
            self.found.insert(self.path.clone(), (at.line(), at.col() + 1));
        }
        if is_root {
            Some(String::new())
        } else {
            self.path.pop()
        }
    }

    fn open(&mut self, frame: Frame, mark: Marker) {
        let is_root = self.frames.is_empty();
        // A collection as a mapping key gets an empty segment: no pointer names it.
        let segment = self.node(None, mark).unwrap_or_default();
        if !is_root {
            self.path.push(segment);
        }
        self.frames.push(frame);
    }

    fn close(&mut self) {
        self.frames.pop();
        if !self.frames.is_empty() {
            self.path.pop();
        }
    }
}

impl MarkedEventReceiver for Walk {
    fn on_event(&mut self, event: Event, mark: Marker) {
        match event {
            Event::Scalar(value, ..) => {
                self.node(Some(&value), mark);
            }
            Event::Alias(_) => {
                self.node(None, mark);
            }
            Event::MappingStart(..) => self.open(Frame::Mapping(None), mark),
            Event::SequenceStart(..) => self.open(Frame::Sequence(0), mark),
            Event::MappingEnd | Event::SequenceEnd => self.close(),
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentStart | Event::DocumentEnd => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::locate;

    const SPEC: &str = "openapi: 3.0.3\npaths:\n  /pets/{id}:\n    get:\n      parameters:\n        - name: id\n          in: path\n        - name: q\n          in: query\n      responses: {\"200\": {description: ok}}\n";

    #[test]
    fn finds_the_line_and_column_of_keys_items_and_flow_values() {
        let found = locate(
            SPEC,
            &[
                "/paths/~1pets~1{id}/get",
                "/paths/~1pets~1{id}/get/parameters/1/in",
                "/paths/~1pets~1{id}/get/responses/200",
            ],
        );
        assert_eq!(found, [Some((4, 5)), Some((9, 11)), Some((10, 19))]);
    }

    #[test]
    fn a_missing_node_is_placed_at_its_deepest_ancestor() {
        let found = locate(SPEC, &["/paths/~1pets~1{id}/get/requestBody/content", "/components/schemas/Pet"]);
        assert_eq!(found, [Some((4, 5)), None], "at `get`; nowhere, as no `components` is there");
    }

    #[test]
    fn json_text_and_broken_text_are_handled() {
        let json = "{\n  \"paths\": {\n    \"/a\": {\"get\": {\"operationId\": \"x\"}}\n  }\n}\n";
        assert_eq!(locate(json, &["/paths/~1a/get/operationId"]), [Some((3, 20))]);
        let broken = "paths:\n  /a: [\n";
        assert_eq!(locate(broken, &["/paths/~1a/get"]), [Some((2, 3))]);
    }
}
