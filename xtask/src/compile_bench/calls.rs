//! The downstream crate of `compile-bench`: a user's crate that calls N
//! operations of a client crate. Generated operations are `#[inline]`, so
//! they compile in the caller; timing the client crate alone would leave
//! that cost out, and timing a caller is what compares generators fairly.

use generator::ir::{Api, Operation, Ty};
use generator::Settings;
use std::path::Path;

/// One operation a downstream crate calls.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The operationId, as written in the spec.
    pub operation_id: String,
    /// Our call from `client`: `client.albums().get_an_album("x").send().await`.
    pub ours: String,
}

/// The first `count` operations (tag modules in order, then operations in
/// spec order) whose required arguments can be written as literals (text,
/// numbers, booleans: the path and query parameters most operations have).
pub fn choose(spec_text: &str, settings: &Settings, count: usize) -> Result<Vec<Call>, String> {
    let loaded = generator::load::load(spec_text).map_err(|diagnostics| {
        let first = diagnostics.first().map(|d| d.to_string()).unwrap_or_default();
        format!("error: the spec does not load: {first}")
    })?;
    let (api, _warnings) = generator::lower::lower(&loaded, settings);
    Ok(callable(&api).take(count).collect())
}

fn callable(api: &Api) -> impl Iterator<Item = Call> + '_ {
    api.modules.iter().flat_map(|module| {
        module.operations.iter().filter_map(move |op| {
            let args = literal_arguments(op)?;
            let ours = format!("client.{}().{}({}).send().await", module.accessor, op.method_name, args.join(", "));
            Some(Call { operation_id: op.id.clone(), ours })
        })
    })
}

/// The literals for an operation's required arguments, or `None` when one
/// of them is not a scalar (a body, an array, a model).
fn literal_arguments(op: &Operation) -> Option<Vec<String>> {
    if op.body.as_ref().is_some_and(|b| b.required) {
        return None;
    }
    let literal = |ty: &Ty| match ty {
        Ty::String => Some("\"x\""),
        Ty::Bool => Some("false"),
        Ty::I32 | Ty::I64 => Some("0"),
        Ty::F32 | Ty::F64 => Some("0.0"),
        _ => None,
    };
    op.params.iter().filter(|p| p.required).map(|p| literal(&p.ty).map(String::from)).collect()
}

/// How a peer generator's operations are called, when it is known.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PeerStyle {
    /// progenitor's builders (`--interface builder`):
    /// `client.<operation_id in snake case>().send().await`
    /// (its required arguments are builder setters, checked when sent, so a
    /// call without them compiles).
    Progenitor,
}

impl PeerStyle {
    /// The style of a peer crate, from its manifest's dependencies.
    pub fn detect(manifest: &str) -> Option<PeerStyle> {
        manifest.contains("progenitor-client").then_some(PeerStyle::Progenitor)
    }

    fn call(self, call: &Call) -> String {
        match self {
            PeerStyle::Progenitor => {
                format!("client.{}().send().await", heck::ToSnakeCase::to_snake_case(call.operation_id.as_str()))
            }
        }
    }
}

/// Writes the downstream crate `package` in `dir`, depending on the client
/// crate `client_package` at `client_path` (relative to `dir`; with
/// `features`, if given), and
/// calling `calls` in the client's style (`None`: ours).
pub fn write_crate(
    dir: &Path,
    package: &str,
    (client_package, path): (&str, &str),
    features: Option<&str>,
    calls: &[Call],
    style: Option<PeerStyle>,
) -> Result<(), String> {
    let features = match features {
        Some(list) => {
            let quoted: Vec<String> = list.split(',').map(|f| format!("\"{}\"", f.trim())).collect();
            format!(", default-features = false, features = [{}]", quoted.join(", "))
        }
        None => String::new(),
    };
    let manifest = format!(
        "[package]\nname = \"{package}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n\
         [dependencies]\nclient = {{ package = \"{client_package}\", path = \"{path}\"{features} }}\n"
    );
    let mut lib = format!(
        "//! A user's crate calling {} operations (written by `cargo xtask compile-bench`).\n\n\
         /// Each call once; the results are dropped (this crate is compiled, never run).\n\
         pub async fn calls(client: &client::Client) {{\n",
        calls.len()
    );
    for call in calls {
        let text = match style {
            None => call.ours.clone(),
            Some(style) => style.call(call),
        };
        lib.push_str(&format!("    let _ = {text};\n"));
    }
    lib.push_str("}\n");
    let write = |file: &Path, text: &str| {
        std::fs::create_dir_all(file.parent().unwrap_or(dir))
            .and_then(|()| std::fs::write(file, text))
            .map_err(|e| format!("error: cannot write {}: {e}", file.display()))
    };
    write(&dir.join("Cargo.toml"), &manifest)?;
    write(&dir.join("src/lib.rs"), &lib)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /albums/{id}:
    get:
      operationId: get-an-album
      tags: [Albums]
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: limit, in: query, required: true, schema: {type: integer}}
      responses: {"200": {description: ok}}
  /albums:
    put:
      operationId: save-albums
      tags: [Albums]
      requestBody: {required: true, content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
  /me:
    get:
      operationId: get-current-user
      tags: [Users]
      responses: {"200": {description: ok}}
"#;

    #[test]
    fn chooses_operations_callable_with_literals_in_module_order() {
        let calls = choose(SPEC, &Settings::new("t", "t.yaml"), 5).unwrap();
        let ids: Vec<&str> = calls.iter().map(|c| c.operation_id.as_str()).collect();
        assert_eq!(ids, ["get-an-album", "get-current-user"], "a required body is left out");
        assert_eq!(calls[0].ours, "client.albums().get_an_album(\"x\", 0).send().await");
        assert_eq!(PeerStyle::Progenitor.call(&calls[0]), "client.get_an_album().send().await");
        assert_eq!(choose(SPEC, &Settings::new("t", "t.yaml"), 1).unwrap().len(), 1);
    }

    #[test]
    fn writes_a_crate_depending_on_the_client_with_its_features() {
        let dir = std::env::temp_dir().join(format!("compile-bench-calls-{}", std::process::id()));
        let calls = choose(SPEC, &Settings::new("t", "t.yaml"), 5).unwrap();
        write_crate(&dir, "t-calls", ("t", "../../crates/t"), Some("albums"), &calls, Some(PeerStyle::Progenitor))
            .unwrap();
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
        assert!(
            manifest.contains("path = \"../../crates/t\", default-features = false, features = [\"albums\"]"),
            "{manifest}"
        );
        let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
        assert!(lib.contains("    let _ = client.get_current_user().send().await;\n"), "{lib}");
        assert_eq!(PeerStyle::detect("[dependencies]\nprogenitor-client = \"0.11\"\n"), Some(PeerStyle::Progenitor));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
