//! Paging stated rather than detected: the settings (`codegen.toml`'s
//! `[crate.paging]`), then the operation's `x-pagination`,
//! `x-speakeasy-pagination` or `x-ms-pageable` extension. A statement that
//! does not fit the operation is a located warning, and the operation is
//! not paged.

use serde_json::Value;

use super::document::Document;
use super::paging::{field_at, is_type, success_schema};
use crate::ir::{NextPage, Paging, Param, ParamLocation, Success, Ty};
use crate::settings::{PagingOverride, Settings};

/// The paging stated for the operation, with where it was stated; `Err`
/// says why the statement does not fit.
pub(super) struct Stated {
    pub(super) source: &'static str,
    pub(super) paging: Result<Option<Paging>, String>,
}

/// The first statement of paging for the operation, if any.
pub(super) fn stated_paging(
    document: Document<'_>,
    op: &openapiv3::Operation,
    op_id: &str,
    settings: &Settings,
    params: &[Param],
    success: &Success,
) -> Option<Stated> {
    let check = |o: &PagingOverride| checked(document, op, o, params, success);
    if let Some(o) = settings.paging(op_id) {
        return Some(Stated { source: "the settings' paging entry", paging: check(o) });
    }
    // Extensions' contents are arbitrary JSON in the spec.
    let extension = |name: &str| op.extensions.get(name);
    if let Some(value) = extension("x-pagination") {
        let paging = serde_json::from_value::<PagingOverride>(value.clone())
            .map_err(|e| format!("`x-pagination` could not be read: {e}"))
            .and_then(|o| check(&o));
        return Some(Stated { source: "its `x-pagination` extension", paging });
    }
    if let Some(value) = extension("x-speakeasy-pagination") {
        return Some(Stated {
            source: "its `x-speakeasy-pagination` extension",
            paging: speakeasy(value).and_then(|o| check(&o)),
        });
    }
    let pageable = extension("x-ms-pageable")?;
    Some(Stated { source: "its `x-ms-pageable` extension", paging: ms_pageable(pageable).and_then(|o| check(&o)) })
}

/// Azure's `x-ms-pageable: {nextLinkName, itemName}` (`nextLinkName: null`: not paged).
fn ms_pageable(value: &Value) -> Result<PagingOverride, String> {
    let pageable = value.as_object().ok_or("`x-ms-pageable` is not an object")?;
    let Some(next) = pageable.get("nextLinkName").and_then(Value::as_str) else {
        return Ok(PagingOverride::style("none"));
    };
    let items = pageable.get("itemName").and_then(Value::as_str).unwrap_or("value");
    Ok(PagingOverride {
        field: Some(next.to_owned()),
        items: Some(items.to_owned()),
        ..PagingOverride::style("next-url")
    })
}

/// A JSONPath of Speakeasy's (`$.meta.next_cursor`) as a dotted path; `None` for anything fancier.
fn json_path(path: &str) -> Option<String> {
    let path = path.strip_prefix("$.")?;
    path.split('.')
        .all(|key| !key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '-'))
        .then(|| path.to_owned())
}

/// Speakeasy's `{type, inputs: [{name, in, type}], outputs: {nextCursor, nextUrl, results}}`.
fn speakeasy(value: &Value) -> Result<PagingOverride, String> {
    let ty = value.get("type").and_then(Value::as_str).ok_or("`x-speakeasy-pagination` has no `type`")?;
    let input = |kind: &str| {
        value.get("inputs").and_then(Value::as_array).into_iter().flatten().find_map(|i| {
            (i.get("type").and_then(Value::as_str) == Some(kind))
                .then(|| i.get("name").and_then(Value::as_str))
                .flatten()
        })
    };
    let output = |key: &str| value.get("outputs").and_then(|o| o.get(key)).and_then(Value::as_str);
    let path = |key: &str| match output(key) {
        None => Ok(None),
        Some(p) => json_path(p).map(Some).ok_or_else(|| format!("`outputs.{key}`: `{p}` is not a `$.a.b` path")),
    };
    let items = path("results")?;
    let owned = |s: Option<&str>| s.map(str::to_owned);
    Ok(match (ty, input("page"), input("offset")) {
        ("cursor", ..) => PagingOverride {
            param: owned(input("cursor")),
            field: path("nextCursor")?,
            items,
            ..PagingOverride::style("cursor")
        },
        ("url", ..) => PagingOverride { field: path("nextUrl")?, items, ..PagingOverride::style("next-url") },
        ("offsetLimit", Some(page), _) => {
            PagingOverride { param: Some(page.to_owned()), items, ..PagingOverride::style("page") }
        }
        ("offsetLimit", None, offset) => PagingOverride {
            param: owned(offset),
            limit: owned(input("limit")),
            items,
            ..PagingOverride::style("offset")
        },
        (other, ..) => return Err(format!("`x-speakeasy-pagination` type `{other}` is not one this generator pages")),
    })
}

fn split(path: &str) -> Vec<String> {
    path.split('.').map(str::to_owned).collect()
}

/// The statement as the IR's paging, checked against the operation: its
/// parameters are query parameters of the operation, its items a list.
fn checked(
    document: Document<'_>,
    op: &openapiv3::Operation,
    o: &PagingOverride,
    params: &[Param],
    success: &Success,
) -> Result<Option<Paging>, String> {
    const STYLES: &[&str] = &["cursor", "last-item", "next-url", "page", "offset", "link-header", "none"];
    if !STYLES.contains(&o.style.as_str()) {
        return Err(format!("unknown paging style `{}` ({})", o.style, STYLES.join(", ")));
    }
    let query = |name: &Option<String>, what: &str| -> Result<String, String> {
        let name = name.as_deref().ok_or_else(|| format!("style `{}` needs `{what}`", o.style))?;
        params
            .iter()
            .find(|p| p.location == ParamLocation::Query && p.wire_name == name)
            .map(|p| p.wire_name.clone())
            .ok_or_else(|| format!("`{name}` is not a query parameter of the operation"))
    };
    let field = || o.field.as_deref().map(split).ok_or_else(|| format!("style `{}` needs `field`", o.style));
    let bare = matches!(success, Success::Single { ty: Ty::Vec(_), .. });
    let items = match &o.items {
        None if bare || o.style == "none" => None,
        None => return Err("the answer is not a list: say which field holds the items (`items`)".into()),
        Some(items) => {
            let schema = success_schema(document, op).ok_or("the operation has no JSON success body")?;
            field_at(document, schema, &[items.as_str()])
                .filter(|s| is_type(s, "array"))
                .ok_or_else(|| format!("the answer has no list `{items}`"))?;
            Some(items.clone())
        }
    };
    let has_more = o.has_more.clone();
    let body = |next| Ok(Some(Paging::Body { items: items.clone(), next, has_more: has_more.clone() }));
    match o.style.as_str() {
        "none" => Ok(None),
        "link-header" if bare => Ok(Some(Paging::LinkHeader)),
        "offset" if bare => Ok(Some(Paging::Offset {
            offset_param: query(&o.param, "param")?,
            limit_param: query(&o.limit, "limit")?,
            default_limit: 100,
        })),
        "link-header" | "offset" => Err(format!("style `{}` needs an answer that is a list", o.style)),
        "cursor" => body(NextPage::Cursor { field: field()?, param: query(&o.param, "param")? }),
        "last-item" => body(NextPage::LastItem {
            field: o.field.clone().unwrap_or_else(|| "id".into()),
            param: query(&o.param, "param")?,
        }),
        "next-url" => body(NextPage::Url { field: field()? }),
        "page" => body(NextPage::PageNumber {
            param: query(&o.param, "param")?,
            first: 1,
            total: o.total.as_deref().map(split),
        }),
        other => Err(format!("unknown paging style `{other}`")),
    }
}
