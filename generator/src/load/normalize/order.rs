//! The order of a document's keys as declared, kept before any rewrite so
//! that warnings come out in document order whatever order the rewrites ran
//! in. It holds no values: a copy of the whole document cost 5% of a run on a
//! large spec, for an answer that needs only the keys.

use serde_json::{Map, Value};

use crate::pointer::JsonPointer;

/// Every object's keys in order and every array's length, the key text back
/// to back in one string.
pub(super) struct DeclaredOrder {
    keys: String,
    root: Shape,
}

enum Shape {
    /// A scalar: nothing below it.
    Leaf,
    /// An object: each key (as a range of [`DeclaredOrder::keys`]) and what it holds.
    Object(Vec<(std::ops::Range<usize>, Shape)>),
    Array(Vec<Shape>),
}

impl DeclaredOrder {
    pub(super) fn of(doc: &Map<String, Value>) -> Self {
        let mut keys = String::new();
        let root = object_shape(doc, &mut keys);
        Self { keys, root }
    }

    /// Where `pointer` lay in the document: the index of each token among
    /// its siblings (`usize::MAX` past where the document held it). Sorting
    /// by it puts pointers in document order, a node before its children.
    pub(super) fn position(&self, pointer: &str) -> Vec<usize> {
        let mut position = Vec::new();
        let mut node = Some(&self.root);
        for token in JsonPointer::parse(pointer).unwrap_or_default().tokens() {
            let (index, next) = match node {
                Some(Shape::Object(entries)) => {
                    let index = entries.iter().position(|(key, _)| self.keys[key.clone()] == token);
                    (index, index.map(|index| &entries[index].1))
                }
                Some(Shape::Array(items)) => {
                    let index = token.parse::<usize>().ok().filter(|index| *index < items.len());
                    (index, index.map(|index| &items[index]))
                }
                _ => (None, None),
            };
            position.push(index.unwrap_or(usize::MAX));
            node = next;
        }
        position
    }
}

fn object_shape(map: &Map<String, Value>, keys: &mut String) -> Shape {
    Shape::Object(
        map.iter()
            .map(|(key, child)| {
                let start = keys.len();
                keys.push_str(key);
                (start..keys.len(), shape(child, keys))
            })
            .collect(),
    )
}

fn shape(value: &Value, keys: &mut String) -> Shape {
    match value {
        Value::Object(map) => object_shape(map, keys),
        Value::Array(items) => Shape::Array(items.iter().map(|item| shape(item, keys)).collect()),
        _ => Shape::Leaf,
    }
}

#[cfg(test)]
mod tests {
    use super::DeclaredOrder;
    use serde_json::json;

    #[test]
    fn positions_follow_the_declared_key_order_and_array_indices() {
        let doc = json!({"b": {"z": 1, "a~/": [0, {"k": 2}]}, "a": true});
        let order = DeclaredOrder::of(doc.as_object().unwrap());
        assert_eq!(order.position(""), Vec::<usize>::new());
        assert_eq!(order.position("/a"), [1]);
        assert_eq!(order.position("/b/a~0~1/1/k"), [0, 1, 1, 0]);
        assert_eq!(order.position("/b/z/deeper"), [0, 0, usize::MAX], "below a scalar");
        assert_eq!(order.position("/b/a~0~1/2"), [0, 1, usize::MAX], "past the array's end");
        assert_eq!(order.position("/missing/x"), [usize::MAX, usize::MAX]);
    }
}
