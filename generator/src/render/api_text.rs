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
    argument, builder_doc, builder_shape, builder_struct, checked_struct, decode_fn, idempotency_header,
    into_future_impl, operation_docs, param_shape, render_builder, render_method, render_request, render_setter,
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

pub(super) fn text_or(text: Option<String>, tokens: impl FnOnce() -> Piece) -> Piece {
    text.map_or_else(tokens, Piece::Text)
}

/// Runs of text pieces as one, so the pipeline copies fewer strings.
pub(super) fn join_text(pieces: Vec<Piece>) -> Vec<Piece> {
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

    /// A line prettyplease is known to print whole however long it is
    /// (a string literal or a path alone).
    pub(super) fn line_as_is(&mut self, indent: usize, code: &str) {
        self.text.extend(std::iter::repeat_n(' ', indent));
        self.text.push_str(code);
        self.text.push('\n');
    }

    /// `code` then `tail`, checked against the width as prettyplease
    /// checks it ([`Lines::fits`]).
    pub(super) fn line_then(&mut self, indent: usize, code: &str, tail: Tail<'_>) {
        self.too_long |= !Lines::fits(indent, code, tail);
        self.text.extend(std::iter::repeat_n(' ', indent));
        self.text.push_str(code);
        self.text.push_str(tail.text());
        self.text.push('\n');
    }

    /// Whether `code` then `tail` at `indent` is within prettyplease's
    /// width, which does not count the comma it adds after a broken list's
    /// last element or a match arm: such a line may run one byte past.
    pub(super) fn fits(indent: usize, code: &str, tail: Tail<'_>) -> bool {
        let counted = match tail {
            Tail::Counted(text) => text.len(),
            Tail::UncountedComma => 0,
        };
        indent + code.len() + counted <= MARGIN
    }

    pub(super) fn finish(self) -> Option<String> {
        (!self.too_long).then_some(self.text)
    }
}

/// What ends a line after its code, as [`Lines::fits`] measures it.
#[derive(Clone, Copy)]
pub(super) enum Tail<'a> {
    /// Text the width counts: ` {`, `;`, a comma between a list's elements.
    Counted(&'a str),
    /// The comma prettyplease adds after a broken list's last element, or
    /// after a match arm, which the width does not count.
    UncountedComma,
}

impl<'a> Tail<'a> {
    fn text(self) -> &'a str {
        match self {
            Tail::Counted(text) => text,
            Tail::UncountedComma => ",",
        }
    }
}

/// A type as the APIs' files spell it, as formatted text.
pub(super) fn ty_text(ty: &crate::ir::Ty, api: &Api) -> String {
    tokens_text(ty_tokens(ty, Scope::Apis, api))
}

/// A string literal as quote writes it (and prettyplease copies it). Text of
/// printable ASCII other than a quote or a backslash (most text) needs no
/// escape; the rest goes through proc_macro2, whose escapes these must be.
pub(super) fn literal(text: &str) -> String {
    if text.bytes().all(|b| matches!(b, b' '..=b'~') && b != b'"' && b != b'\\') {
        let mut quoted = String::with_capacity(text.len() + 2);
        quoted.push('"');
        quoted.push_str(text);
        quoted.push('"');
        return quoted;
    }
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
    let arg = tokens_text(arg);
    let one_line = format!("pub fn {name}(mut self, value: {arg}) -> Self {{");
    if 4 + one_line.len() <= MARGIN {
        lines.line(4, &one_line);
    } else {
        lines.line(4, &format!("pub fn {name}("));
        lines.line(8, "mut self,");
        lines.line(8, &format!("value: {arg},"));
        lines.line(4, ") -> Self {");
    }
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
    let new_args = [format!("reqwest::Method::{}", op.http_method.as_upper()), literal(&op.path), literal(&op.id)];
    let new = format!("let mut request = Request::new({});", new_args.join(", "));
    if 8 + new.len() <= MARGIN {
        lines.line(8, &new);
    } else {
        // A call's arguments past the width go one a line (`call_args`).
        lines.line(8, "let mut request = Request::new(");
        // A literal or a path alone never breaks, however long.
        new_args.iter().for_each(|arg| lines.line_as_is(12, &format!("{arg},")));
        lines.line(8, ");");
    }
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
            request_call(&mut lines, 8, &format!("{call}({wire}, &self.{});", param.name));
        } else {
            lines.line(8, &format!("if let Some(value) = &self.{} {{", param.name));
            request_call(&mut lines, 12, &format!("{call}({wire}, value);"));
            lines.line(8, "}");
        }
    }
    if let Some(body) = &op.body {
        let media = literal(&body.media_type);
        let statement = |value: &str| match body.encoding {
            BodyEncoding::Json => format!("json_body({value})?;"),
            BodyEncoding::VendorJson => format!("json_body_as({value}, {media})?;"),
            BodyEncoding::Form => format!("form_body({value})?;"),
            BodyEncoding::Multipart => format!("multipart_body(Clone::clone({value}));"),
            BodyEncoding::Binary => format!("upload_body(Clone::clone({value}), {media});"),
        };
        if body.required {
            request_call(&mut lines, 8, &statement("&self.body"));
        } else {
            lines.line(8, "if let Some(value) = &self.body {");
            request_call(&mut lines, 12, &statement("value"));
            lines.line(8, "}");
        }
    }
    for statement in reading(op).statements() {
        request_call(&mut lines, 8, statement.strip_prefix("request.").unwrap_or(&statement));
    }
    let alternatives: Vec<String> = op
        .security
        .iter()
        .map(|alternative| format!("&[{}]", alternative.iter().map(|s| literal(s)).collect::<Vec<_>>().join(", ")))
        .collect();
    request_call(&mut lines, 8, &format!("security(&[{}]);", alternatives.join(", ")));
    if let Some(wire) = idempotency_header(op) {
        request_call(&mut lines, 8, &format!("idempotency_header({});", literal(wire)));
    }
    lines.line(8, "request.call_options(&self.options);");
    lines.line(8, if shape.fallible { "Ok(request)" } else { "request" });
    lines.line(4, "}");
    lines.finish()
}

/// A statement calling `request.<call>` (`call` ends in `;`).
fn request_call(lines: &mut Lines, indent: usize, call: &str) {
    method_call(lines, indent, "", "request", call);
}

/// A statement `<prefix><receiver>.<call>` (`call` ends in `;`): on one
/// line when it fits, else, as prettyplease breaks a method call on a
/// receiver longer than its indent, the call on a line of its own under
/// the receiver. A call still too long there (its arguments would break)
/// is left to the formatter.
fn method_call(lines: &mut Lines, indent: usize, prefix: &str, receiver: &str, call: &str) {
    let whole = format!("{prefix}{receiver}.{call}");
    if indent + whole.len() <= MARGIN {
        lines.line(indent, &whole);
    } else {
        lines.line(indent, &format!("{prefix}{receiver}"));
        lines.line(indent + 4, &format!(".{call}"));
    }
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
    signature(&mut lines, "fn decode", &["response: RawResponse"], &format!("Result<{success}, {error}>"));
    lines.line(8, "match response.status().as_u16() {");
    match &op.success {
        Success::Single { read, ty } => {
            let json = matches!(read, BodyRead::Json | BodyRead::Negotiated(_));
            match checked_struct(ty, api).filter(|_| json) {
                Some((name, fields)) => checked_json_arm(&mut lines, &ty_text(ty, api), read, name, fields),
                None => lines.line(12, &format!("200..=299 => {},", read_text(read))),
            }
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

/// `decode`'s arm for a struct of optional fields ([`read_checked_json`]'s
/// block), its `&&` chain filled line by line as prettyplease fills a
/// binary chain: each `&& operand` on the line while it fits, the next
/// lines indented once more, and then `{` on a line of its own.
///
/// [`read_checked_json`]: super::apis::read_checked_json
fn checked_json_arm(lines: &mut Lines, ty: &str, read: &BodyRead, name: &str, fields: &[crate::ir::Field]) {
    lines.line(12, "200..=299 => {");
    let read = read_text(read);
    let call = read.strip_prefix("response.").unwrap_or(&read);
    method_call(lines, 16, &format!("let body: {ty} = "), "response", &format!("{call}?;"));
    let operands: Vec<String> = fields.iter().map(|f| format!("body.{}.is_none()", f.name)).collect();
    let one_line = format!("if {} {{", operands.join(" && "));
    if 16 + one_line.len() <= MARGIN {
        lines.line(16, &one_line);
    } else {
        let (mut indent, mut line) = (16, format!("if {}", operands[0]));
        for operand in &operands[1..] {
            if indent + line.len() + 4 + operand.len() <= MARGIN {
                line.push_str(" && ");
                line.push_str(operand);
            } else {
                lines.line(indent, &line);
                (indent, line) = (20, format!("&& {operand}"));
            }
        }
        lines.line(indent, &line);
        lines.line(16, "{");
    }
    method_call(lines, 20, "", "response", &format!("warn_no_known_fields({});", literal(name)));
    lines.line(16, "}");
    lines.line(16, "Ok(body)");
    lines.line(12, "}");
}

/// A method's signature at an `impl`'s indentation, laid out as
/// prettyplease does: on one line if it fits; else one argument a line,
/// and the return type after `) -> ` as [`type_lines`] lays it out (one
/// generic argument a line where it does not fit).
pub(super) fn signature(lines: &mut Lines, head: &str, args: &[&str], ret: &str) {
    let one_line = format!("{head}({}) -> {ret} {{", args.join(", "));
    if 4 + one_line.len() <= MARGIN {
        return lines.line(4, &one_line);
    }
    lines.line(4, &format!("{head}("));
    args.iter().for_each(|arg| lines.line(8, &format!("{arg},")));
    type_lines(lines, 4, ") -> ", ret, Tail::Counted(" {"));
}

/// A type after `prefix` at `indent`, then `tail`, as prettyplease lays
/// out generic arguments: on one line when it fits ([`Lines::fits`]); else
/// `Head<`, each argument on a line of its own one indent deeper (laid out
/// the same way, followed by a comma, which the width counts for all but
/// the last), and `>` with the tail.
fn type_lines(lines: &mut Lines, indent: usize, prefix: &str, ty: &str, tail: Tail<'_>) {
    let generic = ty.strip_suffix('>').and_then(|open| open.split_once('<'));
    let whole = format!("{prefix}{ty}");
    match generic {
        Some((head, args)) if !Lines::fits(indent, &whole, tail) => {
            lines.line(indent, &format!("{prefix}{head}<"));
            let args = generic_arguments(args);
            for (i, arg) in args.iter().enumerate() {
                let comma = if i + 1 < args.len() { Tail::Counted(",") } else { Tail::UncountedComma };
                type_lines(lines, indent + 4, "", arg, comma);
            }
            lines.line_then(indent, ">", tail);
        }
        // Too long with nothing to break refuses the text.
        _ => lines.line_then(indent, &whole, tail),
    }
}

/// The top-level arguments of a generic argument list, as `tokens_text`
/// writes it (`A, B<C, D>`).
fn generic_arguments(args: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in args.char_indices() {
        match c {
            '<' | '(' | '[' => depth += 1,
            '>' | ')' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                parts.push(args[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(args[start..].trim());
    parts
}

/// `send` or `send_with_headers`, whose future yields `output`.
fn sender_text(doc: &str, name: &str, output: &str, request_arg: &str) -> Option<String> {
    let mut lines = Lines::default();
    lines.line(4, doc);
    lines.line(4, "#[inline]");
    signature(&mut lines, &format!("pub fn {name}"), &["self"], &format!("futures::future::BoxFuture<'a, {output}>"));
    lines.line(8, &format!("crate::runtime::{name}(self.client, {request_arg}, Self::decode)"));
    lines.line(4, "}");
    lines.finish()
}

fn into_future_text(shape: &BuilderShape, success: &str, error: &str) -> Option<String> {
    let mut lines = Lines::default();
    let head = format!("impl<'a> std::future::IntoFuture for {}<'a> {{", shape.builder);
    if head.len() <= MARGIN {
        lines.line(0, &head);
    } else {
        // The break before `for` in prettyplease's impl header.
        lines.line(0, "impl<'a> std::future::IntoFuture");
        lines.line(0, &format!("for {}<'a> {{", shape.builder));
    }
    type_lines(&mut lines, 4, "type Output = ", &format!("Result<{success}, Error<{error}>>"), Tail::Counted(";"));
    lines.line(4, "type IntoFuture = futures::future::BoxFuture<'a, Self::Output>;");
    lines.line(4, "#[inline]");
    lines.line(4, "fn into_future(self) -> Self::IntoFuture {");
    lines.line(8, "self.send()");
    lines.line(4, "}");
    lines.line(0, "}");
    lines.finish()
}

#[cfg(test)]
pub(super) mod tests {
    use std::path::{Path, PathBuf};

    /// How many builder members (of Okta's 732 operations) may be left to
    /// the formatter: today `request()`s with list parameters (a broken
    /// method chain) and six `decode()`s whose lines cannot fit.
    const OKTA_TOKEN_MEMBERS: usize = 25;
    /// The same for all the fixtures together (hostile names, a list header,
    /// a long negotiated read).
    const FIXTURE_TOKEN_MEMBERS: usize = 4;

    /// The specs of a folder (YAML and JSON files, not its subfolders).
    pub(in crate::render) fn specs_in(dir: &Path) -> Vec<PathBuf> {
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
        assert_spec_text_matches_formatter(&text, &spec.display().to_string())
    }

    /// [`assert_text_matches_formatter`] for a spec's text; `label` names it in a failure.
    pub(in crate::render) fn assert_spec_text_matches_formatter(text: &str, label: &str) -> usize {
        let settings = crate::Settings::new("same-bytes", "spec.yaml");
        let mut formatted_settings = settings.clone();
        formatted_settings.format_everything = true;
        let (Ok(written), Ok(formatted)) =
            (crate::generate(text, &settings), crate::generate(text, &formatted_settings))
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
                    label,
                    ours.path,
                    line + 1,
                    ours.contents.lines().nth(line),
                    reference.contents.lines().nth(line)
                );
            }
        }
        written.files.len()
    }

    /// The members and items of `src/apis/` the spec still renders as
    /// tokens (formatted alone) that are a `request`, `decode`, sender or
    /// `IntoFuture`: each one a layout `api_text` does not know.
    fn api_members_left_to_the_formatter(spec: &Path) -> Vec<String> {
        let text = std::fs::read_to_string(spec).expect("the spec reads");
        let settings = crate::Settings::new("text-road", "spec.yaml");
        let Ok(api) = crate::pipeline::analysed_api(&text, &settings) else { return Vec::new() };
        let mut left = Vec::new();
        for (path, file) in crate::render::render_crate(&api, &settings, "header") {
            let crate::render::RenderedFile::Rust(parts) = file else { continue };
            if !path.starts_with("src/apis/") {
                continue;
            }
            for piece in parts.iter().flat_map(|part| part().pieces) {
                let tokens = match piece {
                    crate::render::Piece::Items(tokens) | crate::render::Piece::Members(tokens) => tokens.to_string(),
                    crate::render::Piece::Text(_) => continue,
                };
                let converted =
                    ["fn request (", "fn decode (", "fn send (", "fn send_with_headers (", "IntoFuture for"];
                if converted.iter().any(|member| tokens.contains(member)) {
                    left.push(tokens.chars().take(200).collect());
                }
            }
        }
        left
    }

    /// The two-road tests pass as well on tokens; this holds the builders'
    /// `request`, `decode`, `send`, `send_with_headers` and `IntoFuture` to
    /// the text road on the fixtures and on Okta, so a feature whose
    /// layout text does not know fails here rather than slowing every run.
    #[test]
    fn literals_are_spelled_as_proc_macro2_spells_them() {
        let mut texts: Vec<String> = (0u8..=127).map(|b| format!("a{}b", char::from(b))).collect();
        texts.extend(["", "plain text", "é \u{202e} \u{0} 7", "\u{0}7", "it's \"quoted\" \\"].map(String::from));
        for text in texts {
            assert_eq!(super::literal(&text), proc_macro2::Literal::string(&text).to_string(), "{text:?}");
        }
    }

    #[test]
    fn builder_members_take_the_text_road() {
        let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/specs");
        let left: Vec<String> =
            specs_in(&fixtures).iter().flat_map(|spec| api_members_left_to_the_formatter(spec)).collect();
        assert!(left.len() <= FIXTURE_TOKEN_MEMBERS, "{} left to the formatter: {left:#?}", left.len());
        let okta = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus/okta-management.yaml");
        if !okta.exists() {
            assert!(std::env::var("CI").map_or(true, |ci| ci != "true"), "CI needs {}", okta.display());
            eprintln!("skipping Okta: no real-world corpus at {}", okta.display());
            return;
        }
        let left = api_members_left_to_the_formatter(&okta);
        assert!(left.len() <= OKTA_TOKEN_MEMBERS, "{} left to the formatter on Okta: {left:#?}", left.len());
    }

    /// A line may run one byte past the width for a comma prettyplease adds
    /// (a broken list's last, a match arm's), and no further; a comma
    /// between elements, or any other tail, counts.
    #[test]
    fn an_added_comma_is_not_counted_in_the_width() {
        use super::{Lines, Tail, MARGIN};
        let at_width = "x".repeat(MARGIN - 4);
        assert!(Lines::fits(4, &at_width, Tail::UncountedComma));
        assert!(!Lines::fits(4, &at_width, Tail::Counted(",")));
        assert!(!Lines::fits(4, &format!("{at_width}x"), Tail::UncountedComma));
        assert!(!Lines::fits(4, &at_width, Tail::Counted(" {")));
        assert!(Lines::fits(4, &at_width[1..], Tail::Counted(",")));
        let mut lines = Lines::default();
        lines.line_then(4, &at_width, Tail::UncountedComma);
        assert_eq!(lines.finish(), Some(format!("    {at_width},\n")));
        let mut lines = Lines::default();
        lines.line_then(4, &at_width, Tail::Counted(","));
        assert_eq!(lines.finish(), None);
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
