//! `src/mock.rs` written as formatted text: the bytes prettyplease (and
//! `format`'s doc and blank-line passes) would make of `mock`'s tokens,
//! without the quote -> syn -> prettyplease round trip, which for a large
//! spec was one piece of over a megabyte: a quarter of the format time and
//! the generator's memory peak.
//!
//! The file is one part for `Mock` and one per tag, so its parts format in
//! parallel and none holds the whole file. Text is written where the layout
//! is known for certain (every line within prettyplease's width, or a
//! string literal that no layout can break); anything else is that
//! accessor's, method's or tag's tokens, formatted alone. The tests below
//! hold the two roads to the same bytes on every fixture and the
//! real-world corpus, and across the widths where prettyplease's layout
//! changes.

use super::api_text::{join_text, literal, signature, text_or, Lines, MARGIN};
use super::docs::lines_text;
use super::features::Gates;
use super::mock::{
    accessor_docs, accessor_tokens, mock_struct_name, module_docs, operation_tokens, render_module, OperationDouble,
};
use super::model_serde::tokens_text;
use super::{Part, Piece, RenderPart};
use crate::ir::{Api, ApiModule};

/// The file's parts: `Mock`, then each tag's double.
pub fn mock_parts(api: &Api, gates: Gates) -> Vec<RenderPart<'_>> {
    let mut parts: Vec<RenderPart<'_>> = vec![Box::new(move || head_part(api, &gates))];
    parts.extend(api.modules.iter().map(|module| Box::new(move || module_part(module, api, &gates)) as RenderPart<'_>));
    parts
}

/// The file's docs, `Mock` and its own methods, as `render_mock`'s tokens
/// format; the tag accessors and the `impl`'s closing brace follow.
const HEAD: &str = r#"//! A test double of the client (feature `mock`): a [`Client`](crate::Client) that
//! answers from typed responses a test registers per operation, in process (no
//! socket), and records the requests the code under test made.
//!
//! ```ignore
//! let mock = Mock::new();
//! mock.some_tag().some_operation().returns(value);
//! let client = mock.mock_client();
//! // ... the code under test calls `client` ...
//! assert_eq!(mock.some_tag().some_operation().calls().len(), 1);
//! ```
#[allow(unused_imports)]
use crate::models;
/// The registered answers and recorded requests; clones share them.
#[derive(Debug, Clone, Default)]
pub struct Mock {
    server: crate::runtime::MockServer,
}
impl Mock {
    /// An empty double: every call fails until answers are registered.
    /// (`Mock::default()` too, unless a tag named `default` took the name.)
    pub fn new() -> Self {
        Mock {
            server: crate::runtime::MockServer::new(),
        }
    }

    /// A client whose every request is answered by this mock: no socket is
    /// opened. Unmatched calls fail with `Error::Config` naming the operation.
    pub fn mock_client(&self) -> crate::Client {
        self.mock_client_builder()
            .build()
            .expect("a mock client has a valid base URL and no credentials")
    }
    /// A builder for a client answered by this mock, to add credentials,
    /// middleware, a retry policy or a deadline as the code under test does.
    pub fn mock_client_builder(&self) -> crate::ClientBuilder {
        crate::Client::builder().mock(&self.server)
    }
    /// Every request made so far, in order (each attempt of a retried call is one).
    pub fn recorded_requests(&self) -> Vec<crate::runtime::RecordedRequest> {
        self.server.requests()
    }
"#;

fn head_part(api: &Api, gates: &Gates) -> Part {
    let mut pieces = vec![Piece::Text(HEAD.to_owned())];
    for module in &api.modules {
        pieces.push(text_or(accessor_text(module, gates), || Piece::Members(accessor_tokens(module, gates))));
    }
    pieces.push(Piece::Text("}\n".to_owned()));
    Part { pieces: join_text(pieces), after: String::new() }
}

fn module_part(module: &ApiModule, api: &Api, gates: &Gates) -> Part {
    let pieces =
        module_pieces(module, api, gates).unwrap_or_else(|| vec![Piece::Items(render_module(module, api, gates))]);
    Part { pieces: join_text(pieces), after: String::new() }
}

/// The widest struct literal prettyplease keeps on one line: `Name {
/// server: &self.server }` one line while the name has at most this many
/// bytes (its `end_with_max_width(34)`, measured from the name on).
const ONE_LINE_LITERAL_NAME: usize = 10;

/// `Mock`'s accessor of a tag's doubles, as `accessor_tokens` formats.
fn accessor_text(module: &ApiModule, gates: &Gates) -> Option<String> {
    let mock_struct = mock_struct_name(module);
    let mut lines = Lines::new(lines_text(&accessor_docs(module), "    ")?);
    cfg_line(&mut lines, 4, gates, module);
    signature(&mut lines, &format!("pub fn {}", module.accessor), &["&self"], &format!("{mock_struct}<'_>"));
    if mock_struct.len() <= ONE_LINE_LITERAL_NAME {
        lines.line(8, &format!("{mock_struct} {{ server: &self.server }}"));
    } else {
        lines.line(8, &format!("{mock_struct} {{"));
        lines.line(12, "server: &self.server,");
        lines.line(8, "}");
    }
    lines.line(4, "}");
    lines.finish()
}

/// The tag's `#[cfg]` line, if its code is gated.
fn cfg_line(lines: &mut Lines, indent: usize, gates: &Gates, module: &ApiModule) {
    let cfg = gates.module_cfg(&module.feature);
    if !cfg.is_empty() {
        lines.line(indent, &tokens_text(cfg));
    }
}

/// A tag's double: its struct, then its `impl` block, a method per
/// operation; `None` where the struct or the block's first line is not
/// known for certain.
fn module_pieces(module: &ApiModule, api: &Api, gates: &Gates) -> Option<Vec<Piece>> {
    if module.operations.is_empty() {
        // An empty block is printed `impl<'a> Name<'a> {}`.
        return None;
    }
    let mut pieces = vec![Piece::Text(module_head_text(module, gates)?)];
    for op in &module.operations {
        let double = OperationDouble::new(module, op, api);
        pieces.push(text_or(operation_text(&double), || Piece::Members(operation_tokens(&double))));
    }
    pieces.push(Piece::Text("}\n".to_owned()));
    Some(pieces)
}

/// A tag's struct and the first line of its `impl` block.
fn module_head_text(module: &ApiModule, gates: &Gates) -> Option<String> {
    let mock_struct = mock_struct_name(module);
    let mut lines = Lines::new(lines_text(&module_docs(module), "")?);
    cfg_line(&mut lines, 0, gates, module);
    lines.line(0, "#[derive(Debug, Clone, Copy)]");
    lines.line(0, &format!("pub struct {mock_struct}<'a> {{"));
    lines.line(4, "server: &'a crate::runtime::MockServer,");
    lines.line(0, "}");
    cfg_line(&mut lines, 0, gates, module);
    lines.line(0, &format!("impl<'a> {mock_struct}<'a> {{"));
    lines.finish()
}

/// One operation's double, as `operation_tokens` formats.
pub fn operation_text(double: &OperationDouble) -> Option<String> {
    let mut lines = Lines::new(lines_text(&double.docs, "    ")?);
    let (success, error, body) = (
        tokens_text(double.success.clone()),
        tokens_text(double.error.clone()),
        tokens_text(double.request_body.clone()),
    );
    let operation = format!("crate::runtime::MockOperation<'a, {success}, {error}, {body}>");
    signature(&mut lines, &format!("pub fn {}", double.method), &["&self"], &operation);
    lines.line(8, "const SPEC: crate::runtime::MockSpec = crate::runtime::MockSpec {");
    // A field holding a string literal stays on one line however long: nothing in it can break.
    lines.push_text(&format!("            operation_id: {},\n", literal(&double.id)));
    lines.push_text(&format!("            method: {},\n", literal(&double.http_method)));
    lines.push_text(&format!("            path: {},\n", literal(&double.path)));
    lines.line(12, &format!("status: {}u16,", double.status));
    lines.line(12, &format!("body: crate::runtime::MockBody::{},", double.body_kind));
    match &double.example {
        None => lines.line(12, "example: None,"),
        Some(json) => {
            let json = literal(json);
            // The call breaks when it does not fit; the comma after it, written only
            // because the struct is broken, is not measured.
            let call = format!("example: Some({json})");
            if 12 + call.len() <= MARGIN {
                lines.push_text(&format!("            {call},\n"));
            } else {
                lines.line(12, "example: Some(");
                lines.push_text(&format!("                {json},\n"));
                lines.line(12, "),");
            }
        }
    }
    lines.line(8, "};");
    lines.line(8, "crate::runtime::MockOperation::new(self.server, &SPEC)");
    lines.line(4, "}");
    lines.finish()
}

#[cfg(test)]
mod tests {
    use super::super::api_text::tests::specs_in;
    use super::*;
    use proc_macro2::TokenStream;
    use quote::quote;
    use std::path::{Path, PathBuf};

    /// A file made of one piece of code, as `pipeline` assembles it (docs
    /// blocks to lines, blank lines between items).
    fn assembled(code: String) -> String {
        crate::format::assemble("header", &[(code, String::new())], "")
    }

    /// The members' tokens as the formatter lays them out.
    fn formatted_members(tokens: TokenStream) -> String {
        assembled(crate::format::format_members(tokens, "mock.rs").expect("the tokens are Rust"))
    }

    fn module(tag: &str, api_struct: &str, accessor: &str, feature: &str) -> ApiModule {
        ApiModule {
            name: accessor.into(),
            tag: tag.into(),
            api_struct: api_struct.into(),
            accessor: accessor.into(),
            feature: feature.into(),
            description: None,
            operations: Vec::new(),
        }
    }

    fn double(method: &str, success: TokenStream, path: &str, example: Option<String>) -> OperationDouble {
        OperationDouble {
            method: method.into(),
            success,
            error: quote! { models::Error },
            request_body: quote! { () },
            body_kind: "Json",
            status: 200,
            id: "getThing".into(),
            http_method: "GET".into(),
            path: path.into(),
            example,
            docs: vec!["The double of `client.x().y()`.".into(), String::new(), "A summary.".into()],
        }
    }

    /// Every width where prettyplease's layout of a method changes (the
    /// signature on one line, `&self` alone, the generics one a line; the
    /// example's call on one line or broken; a path past the margin), with
    /// multi-byte and escaped text: the text is the formatter's bytes.
    #[test]
    fn operation_text_matches_the_formatter_at_every_width() {
        let mut cases = Vec::new();
        for n in 1..=80 {
            let name = "x".repeat(n);
            cases.push(double(&name, quote! { models::Thing }, "/things", None));
            cases.push(double(&name, quote! { () }, "/things", None));
            let model = proc_macro2::Ident::new(&format!("M{}", "o".repeat(n)), proc_macro2::Span::call_site());
            cases.push(double("get_thing", quote! { models::#model }, "/things", None));
            cases.push(double("list", quote! { std::collections::BTreeMap<String, Vec<models::#model>> }, "/t", None));
            cases.push(double("get", quote! { () }, &format!("/{}", "p".repeat(n + 40)), None));
        }
        for n in 0..=100 {
            for filler in ["a", "é", "\""] {
                let example = format!("{{\"k\":\"{}\"}}", filler.repeat(n));
                cases.push(double("get_thing", quote! { models::Thing }, "/things", Some(example)));
            }
        }
        const LAYOUTS: [&str; 5] = [
            "(&self) -> crate::runtime::MockOperation<'a, ",
            "    &self,\n    ) -> crate::runtime::MockOperation<'a, ",
            "    ) -> crate::runtime::MockOperation<\n        'a,\n",
            "            example: Some(\"",
            "            example: Some(\n                \"",
        ];
        let mut layouts: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
        let mut written = 0;
        for case in &cases {
            // Only a type too wide for a line of its own is left to the formatter.
            let Some(text) = operation_text(case) else { continue };
            assert_eq!(assembled(text.clone()), formatted_members(operation_tokens(case)), "{}", case.method);
            layouts.extend(LAYOUTS.iter().copied().filter(|layout| text.contains(layout)));
            written += 1;
        }
        assert!(written > cases.len() - 70, "only {written} doubles of {} were text", cases.len());
        assert_eq!(layouts.len(), LAYOUTS.len(), "the widths reach every layout");
    }

    /// Every accessor width (the signature, the struct literal on one line
    /// or broken, a long feature name): the text is the formatter's bytes.
    #[test]
    fn accessor_text_matches_the_formatter_at_every_width() {
        let (mut written, mut one_line_literals) = (0, 0);
        for n in 1..=80 {
            for gates in [Gates::new(false), Gates::new(true)] {
                let short = module("Pets", &format!("{}Api", "P".repeat(n)), "pets", &"f".repeat(n));
                let long = module("Pets", "PetsApi", &"p".repeat(n), "pets");
                for module in [short, long] {
                    let Some(text) = accessor_text(&module, &gates) else { continue };
                    written += 1;
                    one_line_literals += usize::from(text.contains("{ server: &self.server }"));
                    assert_eq!(assembled(text), formatted_members(accessor_tokens(&module, &gates)), "{n}");
                }
            }
        }
        assert!(written > 250, "only {written} accessors of 320 were text");
        assert!(one_line_literals > 0 && one_line_literals < written, "both struct literal layouts");
    }

    /// A tag's struct and the start of its `impl` block at every width of
    /// its name and feature.
    #[test]
    fn module_head_matches_the_formatter_at_every_width() {
        let mut written = 0;
        for n in 1..=90 {
            for gates in [Gates::new(false), Gates::new(true)] {
                let mut module = module("Pets", &format!("{}Api", "P".repeat(n)), "pets", &"f".repeat(n));
                module.operations = Vec::new();
                let Some(head) = module_head_text(&module, &gates) else { continue };
                written += 1;
                let declaration = super::super::mock::module_struct_tokens(&module, &gates);
                let (name, cfg) = (super::super::ident(&mock_struct_name(&module)), gates.module_cfg(&module.feature));
                let tokens = quote! { #declaration #cfg impl<'a> #name<'a> { fn member() {} } };
                let formatted = crate::format::format_part(tokens, "mock.rs").expect("the tokens are Rust");
                assert_eq!(assembled(head + "    fn member() {}\n}\n"), assembled(formatted), "{n}");
            }
        }
        assert!(written > 120, "only {written} heads of 180 were text");
    }

    /// The mock module of a fixture takes the text road all the way: no
    /// piece of it is left to the formatter.
    #[test]
    fn mock_rs_is_written_as_text() {
        let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs/operations.yaml");
        let spec = std::fs::read_to_string(&fixture).expect("the fixture reads");
        for tag_features in [false, true] {
            let settings = crate::Settings::new("mock-text", "spec.yaml").with_tag_features(tag_features);
            let api = crate::pipeline::analysed_api(&spec, &settings).expect("the fixture generates");
            let parts = mock_parts(&api, Gates::new(tag_features));
            assert_eq!(parts.len(), 1 + api.modules.len(), "one part for `Mock`, one per tag");
            for part in parts {
                let Part { pieces, .. } = part();
                assert!(matches!(pieces.as_slice(), [Piece::Text(_)]), "a part of mock.rs was left to the formatter");
            }
        }
    }

    /// `src/mock.rs` of the spec's crate, written as text and formatted from
    /// tokens, with and without tag features (`#[cfg]` lines): the same bytes.
    fn assert_two_roads_agree(spec: &Path, tag_features: &[bool]) -> bool {
        let text = std::fs::read_to_string(spec).expect("the spec reads");
        let mut generated = false;
        for &tag_features in tag_features {
            let settings = crate::Settings::new("two-roads", "spec.yaml").with_tag_features(tag_features);
            let mut token_road = settings.clone();
            token_road.format_everything = true;
            let (Ok(written), Ok(formatted)) = (crate::generate(&text, &settings), crate::generate(&text, &token_road))
            else {
                continue;
            };
            let mock_rs = |files: &[crate::GeneratedFile]| {
                files.iter().find(|f| f.path == "src/mock.rs").map(|f| f.contents.clone()).expect("a mock.rs")
            };
            let (ours, reference) = (mock_rs(&written.files), mock_rs(&formatted.files));
            if let Some(line) = ours.lines().zip(reference.lines()).position(|(a, b)| a != b) {
                panic!(
                    "{}: src/mock.rs differs at line {}:\n text:      {:?}\n formatter: {:?}",
                    spec.display(),
                    line + 1,
                    ours.lines().nth(line),
                    reference.lines().nth(line)
                );
            }
            assert_eq!(ours, reference, "{}: src/mock.rs differs in length", spec.display());
            generated = true;
        }
        generated
    }

    #[test]
    fn mock_rs_as_text_matches_the_formatter_on_every_fixture() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs");
        let specs = specs_in(&fixtures);
        assert!(specs.len() > 10, "the fixtures are at {}", fixtures.display());
        let generated = specs.iter().filter(|spec| assert_two_roads_agree(spec, &[false, true])).count();
        assert!(generated > 10, "only {generated} fixtures generate");
    }

    #[test]
    fn mock_rs_as_text_matches_the_formatter_on_the_corpus() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        let specs: Vec<PathBuf> = [specs_in(&corpus), specs_in(&corpus.join("swagger2"))].concat();
        if specs.is_empty() {
            assert!(
                std::env::var("CI").map_or(true, |ci| ci != "true"),
                "CI needs the real-world corpus at {}",
                corpus.display()
            );
            eprintln!("skipping: no real-world corpus at {}", corpus.display());
            return;
        }
        // With tag features, the layout with the most lines; the fixtures try both.
        let generated = specs.iter().filter(|spec| assert_two_roads_agree(spec, &[true])).count();
        assert!(generated * 2 > specs.len(), "only {generated} of {} corpus specs generate", specs.len());
    }
}
