//! An operation's request builder written as formatted text: the bytes
//! prettyplease (and `format`'s doc and blank-line passes) would make of
//! `apis::render_builder`'s tokens, without the quote -> syn -> prettyplease
//! round trip that was most of the generator's time.
//!
//! Text is written only for layouts known for certain: every line within
//! prettyplease's width ([`MARGIN`]; it breaks a longer line in ways of its
//! own) and only the statement shapes below (paging and stream members and
//! the success and event enums are written beside their tokens, in
//! `paging.rs`, `streams.rs` and `apis.rs`). Anything else (a long
//! signature, a list parameter, a checked body) is that member's
//! tokens, formatted alone. The test at the bottom holds the two roads to
//! the same bytes on every fixture and the real-world corpus.

use super::apis::{
    argument, builder_doc, builder_shape, builder_struct, decode_fn, idempotency_header, into_future_impl,
    operation_docs, param_shape, read_checked_json, render_builder, render_method, render_request, render_setter,
    send_fn, send_with_headers_fn, setter_docs, success_enum, success_enum_text, with_options_fn, BuilderShape,
    ParamShape,
};
use super::docs::doc_text;
use super::model_serde::tokens_text;
use super::paging::{render_stream, stream_text};
use super::reading::{match_order, reading};
use super::{ty_tokens, Piece, Scope};
use crate::ir::{Api, BodyEncoding, BodyRead, Operation, ParamLocation, StatusMatch, Success};

/// prettyplease's line width: a line of up to this many bytes stays whole.
pub(super) const MARGIN: usize = 89;

/// The width over which prettyplease always breaks a struct literal
/// (`end_with_max_width(34)`); a literal a little over it is left to
/// prettyplease, whose measure of it is not the line's.
const STRUCT_LITERAL_BROKEN: usize = 40;

/// An operation's method on its tag's struct: text when its struct literal
/// is surely broken into lines and its signature is one line or one
/// argument a line.
pub fn method_piece(op: &Operation, api: &Api) -> Piece {
    text_or(method_text(op, api), || Piece::Members(render_method(op, api)))
}

fn method_text(op: &Operation, api: &Api) -> Option<String> {
    let shape = builder_shape(op, api);
    let builder = &shape.builder;
    let mut lines = Lines { text: doc_text(&operation_docs(op), "    ")?, too_long: false };
    lines.line(4, "#[inline]");
    let mut args = vec!["&self".to_string()];
    let mut fields = vec!["client: self.client".to_string()];
    for (name, ty) in &shape.required {
        let (ty, converts) = argument(ty, api);
        args.push(format!("{name}: {}", tokens_text(ty)));
        fields.push(if converts { format!("{name}: {name}.into()") } else { name.to_string() });
    }
    fields.extend(shape.optional.iter().map(|(name, _, _)| format!("{name}: None")));
    fields.push("options: crate::runtime::CallOptions::new()".to_string());
    let one_line = format!("pub fn {}({}) -> {builder}<'a> {{", op.method_name, args.join(", "));
    if 4 + one_line.len() <= MARGIN {
        lines.line(4, &one_line);
    } else {
        lines.line(4, &format!("pub fn {}(", op.method_name));
        args.iter().for_each(|arg| lines.line(8, &format!("{arg},")));
        lines.line(4, &format!(") -> {builder}<'a> {{"));
    }
    if builder.to_string().len() + 4 + fields.join(", ").len() <= STRUCT_LITERAL_BROKEN {
        return None;
    }
    lines.line(8, &format!("{builder} {{"));
    fields.iter().for_each(|field| lines.line(12, &format!("{field},")));
    lines.line(8, "}");
    lines.line(4, "}");
    lines.finish()
}

/// The pieces of one operation's builder: its success enum (if any), struct,
/// `impl` block and `IntoFuture` impl; text where the layout is known.
pub fn builder_pieces(op: &Operation, api_struct: &str, api: &Api) -> Vec<Piece> {
    let shape = builder_shape(op, api);
    let name = &shape.builder;
    let open = format!("impl<'a> {name}<'a> {{");
    if open.len() > MARGIN {
        // prettyplease breaks the generics of a name this long.
        return vec![Piece::Items(render_builder(op, api_struct, api))];
    }
    let mut pieces = Vec::new();
    if matches!(op.success, Success::Several { .. }) {
        pieces.push(text_or(success_enum_text(op, api), || Piece::Items(success_enum(op, api))));
    }
    if op.streamed.as_ref().is_some_and(|s| s.by_event.is_some()) {
        let tokens = || Piece::Items(super::streams::render_event_enum(op, api));
        pieces.push(text_or(super::streams::event_enum_text(op, api), tokens));
    }
    let builder_struct = || Piece::Items(builder_struct(op, api_struct, &shape, api));
    pieces.push(text_or(struct_text(op, api_struct, &shape, api), builder_struct));
    pieces.push(Piece::Text(open + "\n"));
    for (name, ty, docs) in &shape.optional {
        let setter = setter_text(&setter_docs(op, name, docs), &name.to_string(), ty, api);
        pieces.push(text_or(setter, || Piece::Members(render_setter(op, name, ty, docs, api))));
    }
    pieces.push(text_or(with_options_text(), || Piece::Members(with_options_fn())));
    let request = request_text(op, api, &shape);
    pieces.push(text_or(request, || Piece::Members(render_request(op, api, &shape.error_ty, shape.fallible))));
    pieces.push(text_or(decode_text(op, api, &shape), || Piece::Members(decode_fn(op, api, &shape))));
    let (success, error) = (tokens_text(shape.success_ty.clone()), tokens_text(shape.error_ty.clone()));
    let request_arg = if shape.fallible { "self.request()" } else { "Ok(self.request())" };
    let send = sender_text(
        "/// Sends the request and decodes the response.",
        "send",
        &format!("Result<{success}, Error<{error}>>"),
        request_arg,
    );
    pieces.push(text_or(send, || Piece::Members(send_fn(&shape))));
    let send_with_headers = sender_text(
        "/// Sends the request; the decoded response comes with its status and headers.",
        "send_with_headers",
        &format!("Result<crate::runtime::Response<{success}>, Error<{error}>>"),
        request_arg,
    );
    pieces.push(text_or(send_with_headers, || Piece::Members(send_with_headers_fn(&shape))));
    let stream = render_stream(op, &shape.error_ty, shape.fallible, api);
    if !stream.is_empty() {
        pieces.push(text_or(stream_text(op, &error, shape.fallible, api), || Piece::Members(stream)));
    }
    if op.streamed.is_some() {
        let tokens = || Piece::Members(super::streams::render_streamed(op, &shape.error_ty, shape.fallible, api));
        pieces.push(text_or(super::streams::streamed_text(op, &error, shape.fallible, api), tokens));
    }
    pieces.push(Piece::Text("}\n".into()));
    pieces.push(text_or(into_future_text(&shape, &success, &error), || Piece::Items(into_future_impl(&shape))));
    join_text(pieces)
}

fn text_or(text: Option<String>, tokens: impl FnOnce() -> Piece) -> Piece {
    text.map_or_else(tokens, Piece::Text)
}

/// Runs of text pieces as one, so the pipeline copies fewer strings.
fn join_text(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut joined: Vec<Piece> = Vec::with_capacity(pieces.len());
    for piece in pieces {
        match (joined.last_mut(), piece) {
            (Some(Piece::Text(text)), Piece::Text(more)) => text.push_str(&more),
            (_, piece) => joined.push(piece),
        }
    }
    joined
}

/// Lines of code, each checked against [`MARGIN`]; a line too long makes
/// the whole text `None`.
#[derive(Default)]
pub(super) struct Lines {
    text: String,
    too_long: bool,
}

impl Lines {
    /// Lines after `text` (docs, which prettyplease never breaks).
    pub(super) fn new(text: String) -> Self {
        Lines { text, too_long: false }
    }

    /// Text already laid out (docs), appended unchecked.
    pub(super) fn push_text(&mut self, text: &str) {
        self.text.push_str(text);
    }

    pub(super) fn line(&mut self, indent: usize, code: &str) {
        self.too_long |= indent + code.len() > MARGIN;
        self.text.extend(std::iter::repeat_n(' ', indent));
        self.text.push_str(code);
        self.text.push('\n');
    }

    pub(super) fn finish(self) -> Option<String> {
        (!self.too_long).then_some(self.text)
    }
}

fn ty_text(ty: &crate::ir::Ty, api: &Api) -> String {
    tokens_text(ty_tokens(ty, Scope::Apis, api))
}

/// A string literal as quote writes it (and prettyplease copies it).
pub(super) fn literal(text: &str) -> String {
    proc_macro2::Literal::string(text).to_string()
}

fn struct_text(op: &Operation, api_struct: &str, shape: &BuilderShape, api: &Api) -> Option<String> {
    let mut lines = Lines::default();
    let doc = builder_doc(op, api_struct);
    lines.text.push_str("///");
    lines.text.push_str(doc.trim_end_matches(' '));
    lines.text.push('\n');
    lines.line(0, "#[derive(Debug, Clone)]");
    lines.line(0, "#[must_use = \"a request does nothing until it is sent\"]");
    lines.line(0, &format!("pub struct {}<'a> {{", shape.builder));
    lines.line(4, "client: &'a Client,");
    for (name, ty) in &shape.required {
        lines.line(4, &format!("{name}: {},", ty_text(ty, api)));
    }
    for (name, ty, _) in &shape.optional {
        lines.line(4, &format!("{name}: Option<{}>,", ty_text(ty, api)));
    }
    lines.line(4, "options: crate::runtime::CallOptions,");
    lines.line(0, "}");
    lines.finish()
}

fn setter_text(docs: &crate::ir::Docs, name: &str, ty: &crate::ir::Ty, api: &Api) -> Option<String> {
    let mut lines = Lines { text: doc_text(docs, "    ")?, too_long: false };
    let (arg, converts) = argument(ty, api);
    lines.line(4, "#[inline]");
    lines.line(4, &format!("pub fn {name}(mut self, value: {}) -> Self {{", tokens_text(arg)));
    lines.line(8, &format!("self.{name} = Some({});", if converts { "value.into()" } else { "value" }));
    lines.line(8, "self");
    lines.line(4, "}");
    lines.finish()
}

/// `request()`, when its parameters are all single values.
fn request_text(op: &Operation, api: &Api, shape: &BuilderShape) -> Option<String> {
    let mut lines = Lines::default();
    lines.line(4, "#[inline]");
    let request_ty = if shape.fallible {
        format!("Result<Request, Error<{}>>", tokens_text(shape.error_ty.clone()))
    } else {
        "Request".to_string()
    };
    lines.line(4, &format!("fn request(&self) -> {request_ty} {{"));
    let new = format!(
        "let mut request = Request::new(reqwest::Method::{}, {}, {});",
        op.http_method.as_upper(),
        literal(&op.path),
        literal(&op.id)
    );
    lines.line(8, &new);
    for param in &op.params {
        if !matches!(param_shape(&param.ty, api), ParamShape::Scalar) {
            return None;
        }
        let call = match param.location {
            ParamLocation::Query => "query",
            ParamLocation::Path => "path_param",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        };
        let wire = literal(&param.wire_name);
        if param.required {
            lines.line(8, &format!("request.{call}({wire}, &self.{});", param.name));
        } else {
            lines.line(8, &format!("if let Some(value) = &self.{} {{", param.name));
            lines.line(12, &format!("request.{call}({wire}, value);"));
            lines.line(8, "}");
        }
    }
    if let Some(body) = &op.body {
        let media = literal(&body.media_type);
        let statement = |value: &str| match body.encoding {
            BodyEncoding::Json => format!("request.json_body({value})?;"),
            BodyEncoding::VendorJson => format!("request.json_body_as({value}, {media})?;"),
            BodyEncoding::Form => format!("request.form_body({value})?;"),
            BodyEncoding::Multipart => format!("request.multipart_body(Clone::clone({value}));"),
            BodyEncoding::Binary => format!("request.upload_body(Clone::clone({value}), {media});"),
        };
        if body.required {
            lines.line(8, &statement("&self.body"));
        } else {
            lines.line(8, "if let Some(value) = &self.body {");
            lines.line(12, &statement("value"));
            lines.line(8, "}");
        }
    }
    for statement in reading(op).statements() {
        lines.line(8, &statement);
    }
    let alternatives: Vec<String> = op
        .security
        .iter()
        .map(|alternative| format!("&[{}]", alternative.iter().map(|s| literal(s)).collect::<Vec<_>>().join(", ")))
        .collect();
    lines.line(8, &format!("request.security(&[{}]);", alternatives.join(", ")));
    if let Some(wire) = idempotency_header(op) {
        lines.line(8, &format!("request.idempotency_header({});", literal(wire)));
    }
    lines.line(8, "request.call_options(&self.options);");
    lines.line(8, if shape.fallible { "Ok(request)" } else { "request" });
    lines.line(4, "}");
    lines.finish()
}

/// `with_options`, the same for every builder. Its docs line is longer than
/// [`MARGIN`], which the formatter leaves whole (it is a comment).
fn with_options_text() -> Option<String> {
    let mut lines = Lines::default();
    lines.text.push_str(
        "    /// Sets options for this call only: extra headers, a timeout, a deadline, a retry policy, an idempotency key.\n",
    );
    lines.line(4, "#[inline]");
    lines.line(4, "pub fn with_options(mut self, options: crate::runtime::CallOptions) -> Self {");
    lines.line(8, "self.options = options;");
    lines.line(8, "self");
    lines.line(4, "}");
    lines.finish()
}

/// How a body is read, as `decode_arms` writes it.
fn read_text(read: &BodyRead) -> String {
    match read {
        BodyRead::Json => "response.json()".into(),
        BodyRead::Negotiated(declared) => format!(
            "response.json_by_content_type(&[{}])",
            declared.iter().map(|d| literal(d)).collect::<Vec<_>>().join(", ")
        ),
        BodyRead::Text => "response.text()".into(),
        BodyRead::Bytes => "Ok(response.bytes())".into(),
        BodyRead::Stream => "response.download()".into(),
        BodyRead::Empty => "Ok(())".into(),
    }
}

fn decode_text(op: &Operation, api: &Api, shape: &BuilderShape) -> Option<String> {
    let mut lines = Lines::default();
    lines.line(4, "#[inline]");
    let (success, error) = (tokens_text(shape.success_ty.clone()), tokens_text(shape.error_ty.clone()));
    let error = format!("Error<{error}>");
    signature(&mut lines, "fn decode", "response: RawResponse", ("Result", [success.as_str(), error.as_str()]));
    lines.line(8, "match response.status().as_u16() {");
    match &op.success {
        Success::Single { read, ty } => {
            let json = matches!(read, BodyRead::Json | BodyRead::Negotiated(_));
            if json && read_checked_json(ty, read, api).is_some() {
                return None;
            }
            lines.line(12, &format!("200..=299 => {},", read_text(read)));
        }
        Success::Several { enum_name, variants } => {
            for v in match_order(variants) {
                let pattern = match v.status {
                    StatusMatch::Code(code) => code.to_string(),
                    StatusMatch::Range(first) => format!("{}..={}", first * 100, first * 100 + 99),
                };
                let arm = match &v.read {
                    BodyRead::Empty => format!("{pattern} => Ok({enum_name}::{}),", v.name),
                    read => format!("{pattern} => {}.map({enum_name}::{}),", read_text(read), v.name),
                };
                lines.line(12, &arm);
            }
        }
    }
    lines.line(12, "_ => Err(response.into_error()),");
    lines.line(8, "}");
    lines.line(4, "}");
    lines.finish()
}

/// A method's signature with one argument and a return type of two generic
/// arguments, laid out as prettyplease does: on one line if it fits; else
/// the argument on a line of its own; then, if the return type still does
/// not fit, each of its generic arguments too.
fn signature(lines: &mut Lines, head: &str, arg: &str, (generic, args): (&str, [&str; 2])) {
    let ret = format!("{generic}<{}>", args.join(", "));
    let one_line = format!("{head}({arg}) -> {ret} {{");
    if 4 + one_line.len() <= MARGIN {
        return lines.line(4, &one_line);
    }
    lines.line(4, &format!("{head}("));
    lines.line(8, &format!("{arg},"));
    let close = format!(") -> {ret} {{");
    if 4 + close.len() <= MARGIN {
        return lines.line(4, &close);
    }
    lines.line(4, &format!(") -> {generic}<"));
    args.iter().for_each(|arg| lines.line(8, &format!("{arg},")));
    lines.line(4, "> {");
}

/// `send` or `send_with_headers`, whose future yields `output`.
fn sender_text(doc: &str, name: &str, output: &str, request_arg: &str) -> Option<String> {
    let mut lines = Lines::default();
    lines.line(4, doc);
    lines.line(4, "#[inline]");
    let generic = ("futures::future::BoxFuture", ["'a", output]);
    signature(&mut lines, &format!("pub fn {name}"), "self", generic);
    lines.line(8, &format!("crate::runtime::{name}(self.client, {request_arg}, Self::decode)"));
    lines.line(4, "}");
    lines.finish()
}

fn into_future_text(shape: &BuilderShape, success: &str, error: &str) -> Option<String> {
    let mut lines = Lines::default();
    lines.line(0, &format!("impl<'a> std::future::IntoFuture for {}<'a> {{", shape.builder));
    lines.line(4, &format!("type Output = Result<{success}, Error<{error}>>;"));
    lines.line(4, "type IntoFuture = futures::future::BoxFuture<'a, Self::Output>;");
    lines.line(4, "#[inline]");
    lines.line(4, "fn into_future(self) -> Self::IntoFuture {");
    lines.line(8, "self.send()");
    lines.line(4, "}");
    lines.line(0, "}");
    lines.finish()
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    /// The specs of a folder (YAML and JSON files, not its subfolders).
    fn specs_in(dir: &Path) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        let mut specs: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml" || e == "json"))
            .collect();
        specs.sort();
        specs
    }

    /// Every file of the crate the spec generates is the same byte for byte
    /// whether the builders are written as text or all formatted.
    fn assert_text_matches_formatter(spec: &Path) -> usize {
        let text = std::fs::read_to_string(spec).expect("the spec reads");
        let settings = crate::Settings::new("same-bytes", "spec.yaml");
        let mut formatted_settings = settings.clone();
        formatted_settings.format_everything = true;
        let (Ok(written), Ok(formatted)) =
            (crate::generate(&text, &settings), crate::generate(&text, &formatted_settings))
        else {
            return 0;
        };
        assert_eq!(written.files.len(), formatted.files.len());
        for (ours, reference) in written.files.iter().zip(&formatted.files) {
            assert_eq!(ours.path, reference.path);
            if ours.contents != reference.contents {
                let first = ours.contents.lines().zip(reference.contents.lines()).position(|(a, b)| a != b);
                let line = first.unwrap_or(0);
                panic!(
                    "{}: {} differs at line {}:\n text:      {:?}\n formatter: {:?}",
                    spec.display(),
                    ours.path,
                    line + 1,
                    ours.contents.lines().nth(line),
                    reference.contents.lines().nth(line)
                );
            }
        }
        written.files.len()
    }

    #[test]
    fn builders_written_as_text_match_the_formatter_on_every_fixture() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs");
        let specs = specs_in(&fixtures);
        assert!(specs.len() > 10, "the fixtures are at {}", fixtures.display());
        let files: usize = specs.iter().map(|spec| assert_text_matches_formatter(spec)).sum();
        assert!(files > 100, "the fixtures generate");
    }

    #[test]
    fn builders_written_as_text_match_the_formatter_on_the_corpus() {
        let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
        let specs = specs_in(&corpus);
        if specs.is_empty() {
            assert!(
                std::env::var("CI").map_or(true, |ci| ci != "true"),
                "CI needs the real-world corpus at {}",
                corpus.display()
            );
            eprintln!("skipping: no real-world corpus at {}", corpus.display());
            return;
        }
        for spec in specs {
            assert_text_matches_formatter(&spec);
        }
    }
}
