//! OpenAPI Overlay 1.0 documents applied to the untyped tree before it is
//! loaded: each action's `target` (an RFC 9535 JSONPath) selects nodes,
//! `update` deep-merges into them (objects key by key, recursively; other
//! values replace; an array target gets the value appended) and
//! `remove: true` deletes them. Actions run in order, each on the result of
//! the one before.
//!
//! Every problem is an error in the overlay file (`Diagnostic::file`), at
//! the pointer of the action: a target that matches nothing is an error,
//! since the overlay would silently stop doing what it was written for when
//! the spec changes under it.

use crate::diagnostics::Diagnostic;
use crate::pointer::JsonPointer;
use serde_json::Value;
use serde_json_path::JsonPath;

/// Applies the overlay whose text is `text` (YAML or JSON), read from the
/// file `label`, to `document`. `Err` holds every problem found; the
/// document is then left half applied and must not be used.
pub fn apply_overlay(document: &mut Value, label: &str, text: &str) -> Result<(), Vec<Diagnostic>> {
    let located = |diagnostic: Diagnostic| Diagnostic { file: Some(label.to_string()), ..diagnostic };
    let overlay = super::parse_untyped(text).map_err(|d| vec![located(d)])?;
    let actions = read_actions(&overlay).map_err(|d| vec![located(d)])?;
    let mut errors = Vec::new();
    for (index, action) in actions.iter().enumerate() {
        if let Err(diagnostic) = apply_action(document, index, action) {
            errors.push(located(diagnostic));
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

/// The `actions` of an overlay, after checking that it is one.
fn read_actions(overlay: &Value) -> Result<&[Value], Diagnostic> {
    match overlay.get("overlay") {
        Some(Value::String(version)) if version.starts_with("1.") => {}
        Some(other) => {
            return Err(Diagnostic::error("/overlay", format!("unsupported Overlay version {other}; expected 1.x")))
        }
        None => return Err(Diagnostic::error("", "missing `overlay` version field; is this an OpenAPI Overlay?")),
    }
    match overlay.get("actions") {
        Some(Value::Array(actions)) => Ok(actions),
        _ => Err(Diagnostic::error("/actions", "an overlay needs `actions`, a list of actions")),
    }
}

/// Runs action `index` on `document`.
fn apply_action(document: &mut Value, index: usize, action: &Value) -> Result<(), Diagnostic> {
    let here = format!("/actions/{index}");
    let Some(target) = action.get("target").and_then(Value::as_str) else {
        return Err(Diagnostic::error(here, format!("overlay action {index} needs a `target` (a JSONPath)")));
    };
    let at_target = format!("{here}/target");
    let path = JsonPath::parse(target).map_err(|err| {
        Diagnostic::error(&at_target, format!("overlay action {index}: `{target}` is not a JSONPath: {err}"))
    })?;
    let pointers: Vec<String> =
        path.query_located(document).locations().map(|location| location.to_json_pointer()).collect();
    if pointers.is_empty() {
        return Err(Diagnostic::error(
            at_target,
            format!("overlay action {index}: target `{target}` matches no node of the document"),
        ));
    }
    let remove = action.get("remove").and_then(Value::as_bool).unwrap_or(false);
    match (remove, action.get("update")) {
        (true, _) => remove_nodes(document, pointers, index, target).map_err(|m| Diagnostic::error(at_target, m)),
        (false, Some(update)) => {
            for pointer in &pointers {
                if let Some(node) = document.pointer_mut(pointer) {
                    merge_update(node, update)
                        .map_err(|kind| Diagnostic::error(&at_target, format!("overlay action {index}: target `{target}` selects {kind} at #{pointer}; `update` needs a mapping or a list")))?;
                }
            }
            Ok(())
        }
        (false, None) => {
            Err(Diagnostic::error(here, format!("overlay action {index} has neither `update` nor `remove: true`")))
        }
    }
}

/// Deletes the nodes at `pointers`: array items from the last to the
/// first, so that each index still names the item it selected.
fn remove_nodes(document: &mut Value, mut pointers: Vec<String>, index: usize, target: &str) -> Result<(), String> {
    if pointers.iter().any(String::is_empty) {
        return Err(format!(
            "overlay action {index}: target `{target}` selects the whole document, which cannot be removed"
        ));
    }
    // Deepest and last first: removing one node never moves another still to remove.
    pointers.sort_by(|a, b| sort_key(b).cmp(&sort_key(a)));
    for pointer in pointers {
        let Some((parent, token)) = JsonPointer::parse(&pointer).and_then(|pointer| pointer.split_last()) else {
            continue;
        };
        match document.pointer_mut(parent.as_str()) {
            Some(Value::Object(map)) => {
                map.shift_remove(&token);
            }
            Some(Value::Array(items)) => {
                if let Ok(position) = token.parse::<usize>() {
                    if position < items.len() {
                        items.remove(position);
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Orders pointers so that array indices compare as numbers.
fn sort_key(pointer: &str) -> Vec<(u64, &str)> {
    pointer.split('/').map(|token| (token.parse::<u64>().unwrap_or(u64::MAX), token)).collect()
}

/// Deep-merges `update` into `node`; `Err` names what `node` is when it is
/// neither a mapping nor a list.
fn merge_update(node: &mut Value, update: &Value) -> Result<(), &'static str> {
    match node {
        Value::Object(_) => {
            merge(node, update);
            Ok(())
        }
        Value::Array(items) => {
            items.push(update.clone());
            Ok(())
        }
        Value::String(_) => Err("a string"),
        Value::Number(_) => Err("a number"),
        Value::Bool(_) => Err("a boolean"),
        Value::Null => Err("null"),
    }
}

/// Objects merge key by key, recursively; anything else replaces.
fn merge(node: &mut Value, update: &Value) {
    match (node, update) {
        (Value::Object(existing), Value::Object(changes)) => {
            for (key, change) in changes {
                match existing.get_mut(key) {
                    Some(slot) => merge(slot, change),
                    None => {
                        existing.insert(key.clone(), change.clone());
                    }
                }
            }
        }
        (node, update) => *node = update.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::apply_overlay;
    use serde_json::json;

    fn overlay(actions: &str) -> String {
        format!("overlay: 1.0.0\ninfo: {{title: t, version: '1'}}\nactions:\n{actions}")
    }

    #[test]
    fn update_merges_deeply_and_remove_deletes_every_match() {
        let mut document = json!({
            "a": {"keep": 1, "inner": {"x": 1, "y": 2}},
            "list": [{"drop": true}, {"drop": false}, {"drop": true}],
        });
        let text = overlay(
            "  - target: $.a\n    update: {inner: {y: 3, z: 4}, new: n}\n\
             \x20 - target: $.list[?@.drop == true]\n    remove: true\n",
        );
        apply_overlay(&mut document, "o.yaml", &text).expect("applies");
        assert_eq!(
            document,
            json!({"a": {"keep": 1, "inner": {"x": 1, "y": 3, "z": 4}, "new": "n"}, "list": [{"drop": false}]})
        );
    }

    #[test]
    fn a_target_that_matches_nothing_is_an_error_in_the_overlay_file_at_its_action() {
        let mut document = json!({"a": {}});
        let text = overlay("  - target: $.a\n    update: {b: 1}\n  - target: $.missing\n    remove: true\n");
        let errors = apply_overlay(&mut document, "spec/o.yaml", &text).expect_err("fails");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].file.as_deref(), Some("spec/o.yaml"));
        assert_eq!(errors[0].pointer, "/actions/1/target");
        assert!(errors[0].message.contains("target `$.missing` matches no node"), "{}", errors[0].message);
    }

    #[test]
    fn a_bad_jsonpath_or_an_update_of_a_scalar_is_a_located_error_not_a_panic() {
        let mut document = json!({"a": "text"});
        let text = overlay("  - target: $..[\n    remove: true\n  - target: $.a\n    update: {b: 1}\n");
        let errors = apply_overlay(&mut document, "o.yaml", &text).expect_err("fails");
        let pointers: Vec<&str> = errors.iter().map(|e| e.pointer.as_str()).collect();
        assert_eq!(pointers, ["/actions/0/target", "/actions/1/target"], "{errors:?}");
        assert!(errors[0].message.contains("is not a JSONPath"), "{}", errors[0].message);
        assert!(errors[1].message.contains("selects a string"), "{}", errors[1].message);
        let not_overlay = apply_overlay(&mut document, "o.yaml", "openapi: 3.0.3\n").expect_err("not an overlay");
        assert!(not_overlay[0].message.contains("missing `overlay`"), "{not_overlay:?}");
    }
}
