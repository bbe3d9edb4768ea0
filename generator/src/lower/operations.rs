//! Paths -> operations grouped by tag.

use super::document::{schema_node, Document, Referable};
use super::renames::RenamedScope;
use super::types::TypeLowering;
use crate::diagnostics::{pointer_join, Diagnostic};
use crate::http::HttpMethod;
use crate::ir::{
    BodyEncoding, BodyRead, Docs, Framing, Operation, Param, ParamLocation, QueryStyle, RequestBody, StatusMatch,
    Streamed, Success, SuccessVariant, Ty, TypeKind,
};
use crate::naming::{snake_name, type_name, UniqueNames, BUILDER_MEMBERS};
use indexmap::IndexMap;
use openapiv3::{MediaType, Parameter, ParameterSchemaOrContent, ReferenceOr, Response, StatusCode};

/// Resolves a parameter, request body or response that may be a reference
/// ([`Document::follow`]). A broken chain stopped load; a reference that
/// ends at another kind of object, or in a place the typed document does
/// not hold (outside `components` and `paths`, such as `#/x-common/..`),
/// is skipped here with a warning, never silently.
fn resolve<'a, T: Referable>(
    document: Document<'a>,
    item: &'a ReferenceOr<T>,
    pointer: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Option<(String, &'a T)> {
    let found = document.follow(item, pointer);
    if let (None, ReferenceOr::Reference { reference }) = (&found, item) {
        let message = if document.target(reference).is_some() {
            format!("`{reference}` is not a {}; skipped", T::KIND)
        } else {
            format!("`{reference}` stands outside `components` and `paths`, where a {} is not read; skipped", T::KIND)
        };
        warnings.push(Diagnostic::lossy(pointer, message));
    }
    found
}

/// Everything lowering one operation needs to know about where it stands.
pub struct OperationSite<'o> {
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template.
    pub path: &'o str,
    /// The operation.
    pub operation: &'o openapiv3::Operation,
    /// Parameters declared on the path item.
    pub path_params: &'o [ReferenceOr<Parameter>],
    /// JSON pointer of the operation.
    pub pointer: String,
}

/// Parameters declared at `at` (a path item or an operation), each with its pointer.
fn with_pointers<'p>(
    at: &str,
    params: &'p [ReferenceOr<Parameter>],
) -> impl Iterator<Item = (&'p ReferenceOr<Parameter>, String)> + 'p {
    let parameters = pointer_join(at, "parameters");
    params.iter().enumerate().map(move |(index, param)| (param, format!("{parameters}/{index}")))
}

/// Lowers one operation; `method_names` keeps method names unique across the API.
pub fn lower_operation(
    types: &mut TypeLowering<'_>,
    document: Document<'_>,
    site: &OperationSite<'_>,
    method_names: &mut (UniqueNames, RenamedScope),
    warnings: &mut Vec<Diagnostic>,
) -> Operation {
    let op = site.operation;
    let id = op.operation_id.clone().unwrap_or_else(|| format!("{} {}", site.method.as_str(), site.path));
    let (names, renamed) = method_names;
    let method_name = renamed.claim(names, types.renames(), snake_name(&id), &site.pointer);
    // Final once its module's names are claimed (`name_module_items`); inline types are named after this.
    let builder_name = type_name(&method_name);

    // Operation parameters override path-item ones with the same name and location.
    let mut by_key: IndexMap<(String, &'static str), Parameter> = IndexMap::new();
    // The path item's pointer is the operation's without its last token (the method, never escaped).
    let path_item = site.pointer.rsplit_once('/').map_or("", |(path_item, _)| path_item);
    let all = with_pointers(path_item, site.path_params).chain(with_pointers(&site.pointer, &op.parameters));
    for (param, pointer) in all {
        if let Some((_, param)) = resolve(document, param, &pointer, warnings) {
            let param = param.clone();
            let key = (param.parameter_data_ref().name.clone(), location_key(&param));
            by_key.insert(key, param);
        }
    }
    let mut param_names = UniqueNames::with_reserved(BUILDER_MEMBERS.iter().copied());
    let mut params = Vec::new();
    for (index, param) in by_key.values().enumerate() {
        let pointer = pointer_join(&pointer_join(&site.pointer, "parameters"), &index.to_string());
        params.push(lower_param(types, param, &builder_name, &pointer, &mut param_names));
    }
    // Required parameters become arguments in spec order; optional ones builder setters.
    params.sort_by_key(|p| !p.required);

    let body = op.request_body.as_ref().and_then(|body| {
        let pointer = pointer_join(&site.pointer, "requestBody");
        let (_, body) = resolve(document, body, &pointer, warnings)?;
        lower_body(types, body, &builder_name, &pointer, warnings)
    });

    let (success, error_ty) = lower_responses(types, document, op, &builder_name, &site.pointer, warnings);
    let (paging, paging_note) = super::paging::detect_paging(document, types.settings(), site, &id, &params, &success);
    warnings.extend(paging_note);
    let streamed = streamed_body(types, document, op, &builder_name, &site.pointer, warnings);
    let success_example = super::examples::success_example(document, op);

    let security = op.security.as_ref().or(document.api.security.as_ref()).map(|reqs| {
        let alternatives: Vec<Vec<String>> = reqs.iter().map(|req| req.keys().cloned().collect()).collect();
        // An anonymous alternative (`{}`) beside real ones must not win over them.
        if alternatives.iter().any(|a| !a.is_empty()) {
            alternatives.into_iter().filter(|a| !a.is_empty()).collect()
        } else {
            Vec::new()
        }
    });

    Operation {
        id,
        method_name,
        builder_name,
        http_method: site.method,
        path: site.path.to_string(),
        docs: Docs {
            summary: op.summary.clone(),
            description: op.description.clone(),
            notes: Vec::new(),
            deprecated: op.deprecated,
        },
        params,
        body,
        success,
        error_ty,
        security: security.unwrap_or_default(),
        paging,
        streamed,
        success_example,
    }
}

fn location_key(param: &Parameter) -> &'static str {
    match param {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn lower_param(
    types: &mut TypeLowering<'_>,
    param: &Parameter,
    builder: &str,
    pointer: &str,
    names: &mut UniqueNames,
) -> Param {
    let data = param.parameter_data_ref();
    let (location, style) = match param {
        Parameter::Query { style, .. } => (
            ParamLocation::Query,
            match style {
                openapiv3::QueryStyle::DeepObject => QueryStyle::DeepObject,
                _ => QueryStyle::Form { explode: data.explode.unwrap_or(true) },
            },
        ),
        Parameter::Header { .. } => (ParamLocation::Header, QueryStyle::Form { explode: false }),
        Parameter::Path { .. } => (ParamLocation::Path, QueryStyle::Form { explode: false }),
        Parameter::Cookie { .. } => (ParamLocation::Cookie, QueryStyle::Form { explode: data.explode.unwrap_or(true) }),
    };
    let hint = format!("{builder}{}", type_name(&data.name));
    let (ty, default) = match &data.format {
        ParameterSchemaOrContent::Schema(schema) => {
            let default = match schema {
                ReferenceOr::Item(s) => s.schema_data.default.clone(),
                ReferenceOr::Reference { .. } => None,
            };
            (types.lower(schema, &hint, &pointer_join(pointer, "schema")).ty, default)
        }
        ParameterSchemaOrContent::Content(content) => {
            let schema = content.values().next().and_then(|m| m.schema.as_ref());
            (schema.map(|s| types.lower(s, &hint, &pointer_join(pointer, "content")).ty).unwrap_or(Ty::Json), None)
        }
    };
    let docs =
        Docs { description: data.description.clone(), deprecated: data.deprecated.unwrap_or(false), ..Docs::default() };
    Param {
        default: default.map(|d| d.to_string()),
        wire_name: data.name.clone(),
        name: names.claim(snake_name(&data.name)),
        location,
        // A path parameter is always required, whatever the spec says.
        required: data.required || location == ParamLocation::Path,
        ty,
        style,
        docs,
    }
}

pub(super) fn is_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    essence == "application/json" || essence.ends_with("+json") || essence.ends_with("/json")
}

/// A media type that may carry JSON without saying so: a wildcard that
/// covers JSON (`*/*`, `application/*`), or a vendor or personal type of
/// `application/` with no structured-syntax suffix (`application/vnd.example`;
/// `application/vnd.example+xml` says what it is). A structured schema under
/// one is read and sent as JSON ([`structured_schema`]).
fn may_be_json(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.split_once('/') {
        Some(("*", "*") | ("application", "*")) => true,
        Some(("application", subtype)) => {
            (subtype.starts_with("vnd.") || subtype.starts_with("prs.")) && !subtype.contains('+')
        }
        _ => false,
    }
}

/// Whether a media type is a wildcard (`*/*`, `application/*`).
fn is_wildcard(media_type: &str) -> bool {
    media_type.contains('*')
}

/// The type of a schema under a media type that [`may_be_json`], when it is
/// structured: an object, a list, a map or a union (through aliases). A
/// string (binary or not), a number, an enum or an untyped schema there is
/// more likely text or bytes, and stays bytes. Inline scalar schemas are not
/// lowered at all, so that no type is defined for nothing.
fn structured_schema(types: &mut TypeLowering<'_>, media: &MediaType, hint: &str, pointer: &str) -> Option<Ty> {
    let schema = media.schema.as_ref()?;
    if let ReferenceOr::Item(item) = schema {
        if matches!(&item.schema_kind, openapiv3::SchemaKind::Type(t) if !matches!(t, openapiv3::Type::Object(_) | openapiv3::Type::Array(_)))
        {
            return None;
        }
    }
    let ty = types.lower(schema, hint, &pointer_join(pointer, "schema")).ty;
    let mut target = &ty;
    // Alias chains are short; the bound only guards against a cycle of aliases.
    for _ in 0..16 {
        match target {
            Ty::Vec(_) | Ty::Map(_) => return Some(ty),
            Ty::Named(id) => match types.type_kind(*id) {
                Some(TypeKind::Alias { target: next, .. }) => target = next,
                Some(TypeKind::Enum { .. }) => return None,
                // A struct, a union, or a type still being lowered (which only a structure can contain).
                _ => return Some(ty),
            },
            _ => return None,
        }
    }
    None
}

fn lower_body(
    types: &mut TypeLowering<'_>,
    body: &openapiv3::RequestBody,
    builder: &str,
    pointer: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Option<RequestBody> {
    let pick = |pred: &dyn Fn(&str) -> bool| body.content.iter().find(|(media, _)| pred(&media.to_ascii_lowercase()));
    let (media_type, media, encoding) = if let Some((m, v)) = pick(&|m| is_json(m)) {
        (m, v, BodyEncoding::Json)
    } else if let Some((m, v)) = pick(&|m| m.starts_with("application/x-www-form-urlencoded")) {
        (m, v, BodyEncoding::Form)
    } else if let Some((m, v)) = pick(&|m| m.starts_with("multipart/")) {
        (m, v, BodyEncoding::Multipart)
    } else if let Some((m, ty)) = body.content.iter().filter(|(m, _)| may_be_json(m)).find_map(|(m, v)| {
        let pointer = pointer_join(&pointer_join(pointer, "content"), m);
        structured_schema(types, v, &format!("{builder}Body"), &pointer).map(|ty| (m, ty))
    }) {
        // A structured schema under `*/*` or a vendor type: sent as JSON, as
        // `application/json` for a wildcard, else as the vendor type.
        let encoding = if is_wildcard(m) { BodyEncoding::Json } else { BodyEncoding::VendorJson };
        let docs = Docs { description: body.description.clone(), ..Docs::default() };
        return Some(RequestBody { encoding, media_type: m.clone(), ty, required: body.required, docs });
    } else if let Some((m, v)) = body.content.first() {
        (m, v, BodyEncoding::Binary)
    } else {
        warnings.push(Diagnostic::lossy(pointer, "request body without content; ignored"));
        return None;
    };
    let content_pointer = pointer_join(&pointer_join(pointer, "content"), media_type);
    let ty = match encoding {
        BodyEncoding::Json | BodyEncoding::Form => media
            .schema
            .as_ref()
            .map(|s| types.lower(s, &format!("{builder}Body"), &pointer_join(&content_pointer, "schema")).ty)
            .unwrap_or(Ty::Json),
        BodyEncoding::Multipart => Ty::Multipart,
        BodyEncoding::Binary => Ty::Upload,
        BodyEncoding::VendorJson => Ty::Binary,
    };
    let mut docs = Docs { description: body.description.clone(), ..Docs::default() };
    if encoding == BodyEncoding::Multipart {
        if let Some(ReferenceOr::Item(schema)) = &media.schema {
            if let openapiv3::SchemaKind::Type(openapiv3::Type::Object(o)) = &schema.schema_kind {
                let fields: Vec<String> = o.properties.keys().map(|k| crate::markdown::code(k)).collect();
                docs.notes.push(format!("Parts the spec describes: {}.", fields.join(", ")));
            }
        }
    }
    Some(RequestBody { encoding, media_type: media_type.clone(), ty, required: body.required, docs })
}

/// One documented response, lowered.
struct Outcome {
    status: StatusMatch,
    ty: Ty,
    read: BodyRead,
    description: String,
}

fn lower_responses<'a>(
    types: &mut TypeLowering<'_>,
    document: Document<'a>,
    op: &'a openapiv3::Operation,
    builder: &str,
    op_pointer: &str,
    warnings: &mut Vec<Diagnostic>,
) -> (Success, Ty) {
    let responses_pointer = pointer_join(op_pointer, "responses");
    let mut successes = Vec::new();
    let mut errors = Vec::new();
    let several_success = op.responses.responses.keys().filter(|code| is_success(code)).count() > 1;
    for (code, response) in &op.responses.responses {
        let pointer = pointer_join(&responses_pointer, &code.to_string());
        let Some((_, response)) = resolve(document, response, &pointer, warnings) else { continue };
        let status = match code {
            StatusCode::Code(n) => StatusMatch::Code(*n),
            StatusCode::Range(n) => StatusMatch::Range(*n),
        };
        if is_success(code) {
            let hint = if several_success {
                format!("{builder}{}", success_variant_name(status))
            } else {
                format!("{builder}Response")
            };
            let (ty, read) = response_body(types, response, &hint, &pointer);
            successes.push(Outcome { status, ty, read, description: response.description.clone() });
        } else {
            let (ty, read) = response_body(types, response, &format!("{builder}Error"), &pointer);
            errors.push((ty, read));
        }
    }
    let default = op.responses.default.as_ref().and_then(|d| {
        let pointer = pointer_join(&responses_pointer, "default");
        let (_, response) = resolve(document, d, &pointer, warnings)?;
        Some(response_body(types, response, &format!("{builder}Default"), &pointer))
    });
    if let Some(default) = &default {
        errors.push(default.clone());
        if successes.is_empty() {
            // Only a `default` response: it describes success as well as failure.
            successes.push(Outcome {
                status: StatusMatch::Range(2),
                ty: default.0.clone(),
                read: default.1.clone(),
                description: String::new(),
            });
        }
    }
    let mut error_types: Vec<Ty> = errors
        .into_iter()
        .filter(|(_, read)| matches!(read, BodyRead::Json | BodyRead::Negotiated(_)))
        .map(|(ty, _)| ty)
        .collect();
    error_types.dedup();
    let error_ty = match error_types.as_slice() {
        [only] => only.clone(),
        _ => Ty::Json,
    };
    // A binary success body is read as it arrives (a download), alone or beside others.
    let streamed = |read: BodyRead| match read {
        BodyRead::Bytes => BodyRead::Stream,
        read => read,
    };
    let success = if successes.is_empty() {
        Success::Single { ty: Ty::Unit, read: BodyRead::Empty }
    } else if successes.iter().all(|s| s.ty == successes[0].ty && s.read == successes[0].read) {
        Success::Single { ty: successes[0].ty.clone(), read: streamed(successes[0].read.clone()) }
    } else {
        let mut names = UniqueNames::default();
        let variants = successes
            .into_iter()
            .map(|s| SuccessVariant {
                name: names.claim(success_variant_name(s.status)),
                status: s.status,
                ty: s.ty,
                read: streamed(s.read),
                description: Some(s.description).filter(|d| !d.is_empty()),
            })
            .collect();
        Success::Several { enum_name: types.claim_name(&format!("{builder}Response")), variants }
    };
    (success, error_ty)
}

pub(super) fn is_success(code: &StatusCode) -> bool {
    match code {
        StatusCode::Code(n) => (200..300).contains(n),
        StatusCode::Range(n) => *n == 2,
    }
}

fn success_variant_name(status: StatusMatch) -> String {
    match status {
        StatusMatch::Code(200) => "Ok".into(),
        StatusMatch::Code(201) => "Created".into(),
        StatusMatch::Code(202) => "Accepted".into(),
        StatusMatch::Code(203) => "NonAuthoritative".into(),
        StatusMatch::Code(204) => "NoContent".into(),
        StatusMatch::Code(205) => "ResetContent".into(),
        StatusMatch::Code(206) => "PartialContent".into(),
        StatusMatch::Code(n) => format!("Status{n}"),
        StatusMatch::Range(n) => format!("Status{n}xx"),
    }
}

fn response_body(types: &mut TypeLowering<'_>, response: &Response, hint: &str, pointer: &str) -> (Ty, BodyRead) {
    let content_pointer = pointer_join(pointer, "content");
    let pick =
        |pred: &dyn Fn(&str) -> bool| response.content.iter().find(|(media, _)| pred(&media.to_ascii_lowercase()));
    let lower_schema = |types: &mut TypeLowering<'_>, media_type: &str, media: &MediaType| {
        media
            .schema
            .as_ref()
            .map(|s| types.lower(s, hint, &pointer_join(&pointer_join(&content_pointer, media_type), "schema")).ty)
    };
    if let Some((media_type, media)) = pick(&|m| is_json(m)) {
        return (lower_schema(types, media_type, media).unwrap_or(Ty::Json), BodyRead::Json);
    }
    let maybe_json = || response.content.iter().filter(|(media, _)| may_be_json(media));
    let negotiated = maybe_json().find_map(|(media_type, media)| {
        structured_schema(types, media, hint, &pointer_join(&content_pointer, media_type))
    });
    if let Some(ty) = negotiated {
        // Decoded when the response says JSON, or says one of the concrete types the spec gives.
        let declared = maybe_json().map(|(media, _)| media).filter(|media| !is_wildcard(media)).cloned().collect();
        return (ty, BodyRead::Negotiated(declared));
    }
    if let Some(_text) = pick(&|m| m.starts_with("text/")) {
        return (Ty::String, BodyRead::Text);
    }
    if !response.content.is_empty() {
        return (Ty::Binary, BodyRead::Bytes);
    }
    (Ty::Unit, BodyRead::Empty)
}

/// How a media type streams its items, if it does.
fn framing(media_type: &str) -> Option<Framing> {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        "text/event-stream" => Some(Framing::EventStream),
        "application/jsonl" | "application/x-ndjson" | "application/json-seq" | "application/x-jsonlines" => {
            Some(Framing::JsonLines)
        }
        _ => None,
    }
}

/// The first success response content that streams: its framing and item
/// type (OpenAPI 3.2's `itemSchema` where given, else the `schema`; an
/// item with neither is any JSON).
fn streamed_body<'a>(
    types: &mut TypeLowering<'_>,
    document: Document<'a>,
    op: &'a openapiv3::Operation,
    builder: &str,
    op_pointer: &str,
    warnings: &mut Vec<Diagnostic>,
) -> Option<Streamed> {
    let responses_pointer = pointer_join(op_pointer, "responses");
    for (code, response) in op.responses.responses.iter().filter(|(code, _)| is_success(code)) {
        let pointer = pointer_join(&responses_pointer, &code.to_string());
        // A response by reference has its content (and `itemSchema`) where it stands.
        let Some((resolved, response)) = resolve(document, response, &pointer, warnings) else { continue };
        for (media_type, media) in &response.content {
            let Some(framing) = framing(media_type) else { continue };
            let media_pointer = pointer_join(&pointer_join(&resolved, "content"), media_type);
            let hint = match framing {
                Framing::EventStream => format!("{builder}Event"),
                Framing::JsonLines => format!("{builder}Item"),
            };
            let item_schema = document.side.item_schemas.get(&media_pointer);
            let item_pointer =
                pointer_join(&media_pointer, if item_schema.is_some() { "itemSchema" } else { "schema" });
            let item_node = match item_schema {
                Some(schema) => schema.as_ref().map(schema_node),
                None => media.schema.as_ref().map(schema_node),
            };
            let by_event = match (framing, item_node) {
                (Framing::EventStream, Some(schema)) => {
                    super::event_union::event_union(types, document, schema, &item_pointer, &hint)
                }
                _ => None,
            };
            let item = match (&by_event, item_schema, &media.schema) {
                // The union stands in for the item: each event's `data` is a variant's.
                (Some(_), _, _) => Ty::Json,
                (None, Some(Some(schema)), _) => types.lower(schema, &hint, &item_pointer).ty,
                (None, Some(None), _) => Ty::Json,
                (None, None, Some(schema)) => {
                    // At the operation's pointer, as `send()`'s body is: one inline type for both.
                    let schema_pointer =
                        pointer_join(&pointer_join(&pointer_join(&pointer, "content"), media_type), "schema");
                    types.lower(schema, &hint, &schema_pointer).ty
                }
                (None, None, None) => Ty::Json,
            };
            return Some(Streamed { framing, item, by_event });
        }
    }
    None
}
