//! Which list operations page, and how: from the query parameters and the
//! success body's schema (references followed),
//! unless the settings or an extension state it (`paging_override.rs`). Conservative: a scheme is
//! chosen only when both its request parameter and its body field are
//! there, and every operation with a list answer gets a note saying why.

use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Response, Schema, StatusCode};

use super::document::{Document, SchemaParts};
use super::operations::OperationSite;
use crate::diagnostics::Diagnostic;
use crate::http::HttpMethod;
use crate::ir::{NextPage, Paging, Param, ParamLocation, Success, Ty};
use crate::settings::Settings;

/// The wrapper fields that hold a page's items, in order of preference.
const ITEM_FIELDS: &[&str] = &["data", "items", "results", "values", "value", "entries"];
/// Body cursors, each with the query parameters that take it back.
const CURSORS: &[(&[&str], &[&str])] = &[
    (&["next_cursor"], &["cursor", "start_cursor", "next_cursor"]),
    (&["nextCursor"], &["cursor", "nextCursor"]),
    (&["response_metadata", "next_cursor"], &["cursor"]),
    (&["meta", "next_cursor"], &["cursor"]),
    (&["nextPageToken"], &["pageToken"]),
    (&["next_page_token"], &["page_token"]),
    (&["next_marker"], &["marker"]),
];
/// Where a next page's URL stands in a body.
const NEXT_URLS: &[&[&str]] =
    &[&["links", "next"], &["_links", "next", "href"], &["links", "pages", "next"], &["nextLink"], &["next"]];
/// Total item counts beside a page number.
const TOTALS: &[&str] = &["total_count", "totalCount", "total"];

/// How the operation pages, if it does, and a note saying what was decided and why.
pub(super) fn detect_paging(
    document: Document<'_>,
    settings: &Settings,
    site: &OperationSite<'_>,
    op_id: &str,
    params: &[Param],
    success: &Success,
) -> (Option<Paging>, Option<Diagnostic>) {
    let (op, op_pointer, method) = (site.operation, site.pointer.as_str(), site.method);
    if let Some(stated) = super::paging_override::stated_paging(document, op, op_id, settings, params, success) {
        return match stated.paging {
            Ok(paging) => {
                let text = describe(paging.as_ref(), &format!("as {} states", stated.source));
                (paging, Some(Diagnostic::lossless(op_pointer, text)))
            }
            Err(why) => {
                (None, Some(Diagnostic::lossy(op_pointer, format!("not paged: {} does not fit: {why}", stated.source))))
            }
        };
    }
    let schema = success_schema(document, op);
    let is_bare_list = matches!(success, Success::Single { ty: Ty::Vec(_), .. });
    let wrapped = schema.and_then(|s| items_field(document, s));
    if !is_bare_list && wrapped.is_none() {
        return (None, None);
    }
    let note = |text: String| Some(Diagnostic::lossless(op_pointer, text));
    if method != HttpMethod::Get {
        return (None, note(format!("not paged: a list answer to {method} (only GET lists are streamed)")));
    }
    let query = |names: &[&str]| {
        params.iter().find(|p| p.location == ParamLocation::Query && names.contains(&p.wire_name.as_str()))
    };
    if is_bare_list {
        let paging = offset_paging(params).unwrap_or(Paging::LinkHeader);
        return (Some(paging.clone()), note(describe(Some(&paging), "a bare list answer")));
    }
    let (Some(schema), Some(items)) = (schema, wrapped) else { return (None, None) };
    let has_more = ["has_more", "hasMore"]
        .into_iter()
        .find(|name| field_at(document, schema, &[name]).is_some_and(|s| is_type(s, "boolean")))
        .map(str::to_owned);
    let body = |next| Paging::Body { items: Some(items.clone()), next, has_more: has_more.clone() };
    let cursor = CURSORS.iter().find_map(|(field, params)| {
        let param = query(params)?;
        field_at(document, schema, field).filter(|s| is_type(s, "string"))?;
        Some(NextPage::Cursor { field: owned(field), param: param.wire_name.clone() })
    });
    let last_item = (has_more.is_some() && item_has_id(document, schema, &items))
        .then(|| query(&["starting_after", "after"]))
        .flatten()
        .map(|param| NextPage::LastItem { field: "id".into(), param: param.wire_name.clone() });
    let next_url = NEXT_URLS
        .iter()
        .find(|field| field_at(document, schema, field).is_some_and(|s| is_type(s, "string")))
        .map(|field| NextPage::Url { field: owned(field) });
    let page_number = query(&["page"]).filter(|p| matches!(p.ty, Ty::I32 | Ty::I64)).map(|param| {
        let total = TOTALS.iter().find(|t| field_at(document, schema, &[t]).is_some_and(|s| is_type(s, "integer")));
        NextPage::PageNumber { param: param.wire_name.clone(), first: 1, total: total.map(|t| vec![(*t).to_owned()]) }
    });
    let paging = cursor.or(last_item).or(next_url).or(page_number).map(body);
    let why = format!("the list in `{items}` of its answer");
    let text = match &paging {
        Some(_) => describe(paging.as_ref(), &why),
        None => {
            format!("not paged: {why} comes with no cursor, next URL or page number that a query parameter takes back")
        }
    };
    (paging, note(text))
}

/// The note's text for a decision.
fn describe(paging: Option<&Paging>, why: &str) -> String {
    let how = match paging {
        None => return format!("not paged: {why}"),
        Some(Paging::LinkHeader) => "by `Link` headers".to_owned(),
        Some(Paging::Offset { offset_param, limit_param, .. }) => format!("by `{offset_param}`/`{limit_param}`"),
        Some(Paging::Body { next, has_more, .. }) => {
            let until = has_more.as_ref().map(|h| format!(" until `{h}` is false")).unwrap_or_default();
            match next {
                NextPage::Cursor { field, param } => {
                    format!("by the cursor `{}` sent as `{param}`{until}", field.join("."))
                }
                NextPage::LastItem { field, param } => format!("by the last item's `{field}` sent as `{param}`{until}"),
                NextPage::Url { field } => format!("by the next URL in `{}`{until}", field.join(".")),
                NextPage::PageNumber { param, total, .. } => format!(
                    "by the page number `{param}`{}",
                    total.as_ref().map(|t| format!(" up to the total in `{}`", t.join("."))).unwrap_or_default()
                ),
            }
        }
    };
    format!("paged {how}: {why}")
}

fn owned(path: &[&str]) -> Vec<String> {
    path.iter().map(|s| (*s).to_owned()).collect()
}

/// `skip`/`offset` with `count`/`limit`/`top` integer query parameters.
fn offset_paging(params: &[Param]) -> Option<Paging> {
    let query_int = |names: &[&str]| {
        params.iter().find(|p| {
            p.location == ParamLocation::Query
                && matches!(p.ty, Ty::I32 | Ty::I64)
                && names.contains(&p.wire_name.to_ascii_lowercase().as_str())
        })
    };
    let (offset, limit) = (query_int(&["skip", "offset"])?, query_int(&["count", "limit", "top"])?);
    let default_limit = limit.default.as_deref().and_then(|d| d.parse().ok()).unwrap_or(100);
    Some(Paging::Offset { offset_param: offset.wire_name.clone(), limit_param: limit.wire_name.clone(), default_limit })
}

/// The JSON schema of the first 2xx response (`200` before `2XX`), references followed.
pub(super) fn success_schema<'a>(document: Document<'a>, op: &'a openapiv3::Operation) -> Option<&'a Schema> {
    let responses = &op.responses.responses;
    let response = [StatusCode::Code(200), StatusCode::Range(2)].iter().find_map(|code| responses.get(code))?;
    let (_, response) = document.follow::<Response>(response, "")?;
    let media = response.content.iter().find(|(media, _)| media.contains("json")).map(|(_, m)| m)?;
    document.follow::<Schema>(media.schema.as_ref()?, "").map(|(_, schema)| schema)
}

/// A property's schema, or what its `$ref` chain leads to.
fn follow_property<'a>(document: Document<'a>, property: &'a ReferenceOr<Box<Schema>>) -> Option<&'a Schema> {
    match property {
        ReferenceOr::Reference { reference } => document.resolve::<Schema>(reference).map(|(_, schema)| schema),
        ReferenceOr::Item(schema) => Some(schema),
    }
}

/// The properties of an object schema, with those of its `allOf` members.
fn properties<'a>(
    document: Document<'a>,
    schema: &'a Schema,
    depth: usize,
) -> IndexMap<&'a str, &'a ReferenceOr<Box<Schema>>> {
    let parts = SchemaParts::of(schema);
    let mut merged: IndexMap<&str, _> =
        parts.properties.into_iter().flatten().map(|(name, property)| (name.as_str(), property)).collect();
    if depth < 8 {
        for member in parts.all_of {
            if let Some((_, member)) = document.follow::<Schema>(member, "") {
                merged.extend(properties(document, member, depth + 1));
            }
        }
    }
    merged
}

/// The schema at `path` of properties below `schema`.
pub(super) fn field_at<'a>(document: Document<'a>, schema: &'a Schema, path: &[&str]) -> Option<&'a Schema> {
    let mut current = schema;
    for name in path {
        let next = *properties(document, current, 0).get(name)?;
        current = follow_property(document, next)?;
    }
    Some(current)
}

/// Whether a schema has the type (`type: X`; the normalisation has made 3.1's `[X, "null"]` that).
pub(super) fn is_type(schema: &Schema, ty: &str) -> bool {
    SchemaParts::of(schema).type_name == Some(ty)
}

/// The first wrapper field holding a list.
fn items_field<'a>(document: Document<'a>, schema: &'a Schema) -> Option<String> {
    ITEM_FIELDS
        .iter()
        .find(|f| field_at(document, schema, &[f]).is_some_and(|s| is_type(s, "array")))
        .map(|f| (*f).to_owned())
}

/// Whether the items of the list in `items` have an `id`.
fn item_has_id<'a>(document: Document<'a>, schema: &'a Schema, items: &str) -> bool {
    let Some(list) = field_at(document, schema, &[items]) else { return false };
    let Some(item) = SchemaParts::of(list).items.and_then(|i| follow_property(document, i)) else { return false };
    properties(document, item, 0).contains_key("id")
}
