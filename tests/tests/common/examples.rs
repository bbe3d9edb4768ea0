//! The examples of a spec in `spec/`, read from the spec itself: the bodies
//! the end-to-end tests serve and expect are the documented ones, never hand
//! copies that drift from the spec.

use serde_json::Value;

/// A spec's `components.examples`, and the examples its responses show.
pub struct SpecExamples {
    file: String,
    document: Value,
}

/// One example of a response body: where it is shown and what it is.
#[derive(Debug)]
pub struct ResponseExample {
    /// The operation's `operationId`.
    pub operation: String,
    /// The response's status (`404`, `default`).
    pub status: String,
    /// The example's name (`example` for a media type's single `example`).
    pub name: String,
    /// The `$ref` of the response body's schema, if it names one.
    pub schema: Option<String>,
    /// The example's value.
    pub value: Value,
}

impl SpecExamples {
    /// Reads `spec/<file>`.
    pub fn load(file: &str) -> SpecExamples {
        let path = format!("{}/../spec/{file}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"));
        let document = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path} is not YAML: {e}"));
        SpecExamples { file: file.to_owned(), document }
    }

    /// The value of `components.examples.<name>`.
    pub fn example(&self, name: &str) -> Value {
        self.document
            .pointer(&format!("/components/examples/{name}/value"))
            .unwrap_or_else(|| panic!("{}: no components.examples.{name}.value", self.file))
            .clone()
    }

    /// Every example of every response body of every operation, in document
    /// order: a media type's `example` and each of its `examples`, following
    /// `$ref`s to `components.responses` and `components.examples`.
    pub fn response_examples(&self) -> Vec<ResponseExample> {
        let mut found = Vec::new();
        let paths = self.document["paths"].as_object().expect("paths");
        for item in paths.values() {
            for operation in item.as_object().expect("a path item").values() {
                let Some(responses) = operation.get("responses").and_then(Value::as_object) else { continue };
                let id = operation["operationId"].as_str().expect("an operationId");
                for (status, response) in responses {
                    self.examples_of(self.resolve(response), id, status, &mut found);
                }
            }
        }
        found
    }

    fn examples_of(&self, response: &Value, operation: &str, status: &str, found: &mut Vec<ResponseExample>) {
        let Some(content) = response.get("content").and_then(Value::as_object) else { return };
        for media in content.values() {
            let schema = media.pointer("/schema/$ref").and_then(Value::as_str).map(str::to_owned);
            let example = |name: &str, value: &Value| ResponseExample {
                operation: operation.to_owned(),
                status: status.to_owned(),
                name: name.to_owned(),
                schema: schema.clone(),
                value: value.clone(),
            };
            if let Some(value) = media.get("example") {
                found.push(example("example", value));
            }
            for (name, named) in media.get("examples").and_then(Value::as_object).into_iter().flatten() {
                let value = self
                    .resolve(named)
                    .get("value")
                    .unwrap_or_else(|| panic!("{operation} {status}: {name} has no value"));
                found.push(example(name, value));
            }
        }
    }

    /// The object a `$ref` names within the document, or the object itself.
    fn resolve<'a>(&'a self, object: &'a Value) -> &'a Value {
        match object.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer =
                    reference.strip_prefix('#').unwrap_or_else(|| panic!("{}: external {reference}", self.file));
                self.resolve(self.document.pointer(pointer).unwrap_or_else(|| panic!("{}: no {reference}", self.file)))
            }
            None => object,
        }
    }
}
