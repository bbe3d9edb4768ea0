//! Paging detection: each scheme only when both its query parameter and
//! its body field are there, a note per list operation, and statements
//! (settings, `x-pagination`) over detection.

use super::*;
use crate::ir::{NextPage, Paging};
use crate::settings::PagingOverride;

/// A spec with one GET `/things` taking `params` (YAML flow list) and answering `schema` (YAML flow).
fn list_spec(params: &str, schema: &str, extension: &str) -> String {
    format!(
        "openapi: 3.0.3
info: {{title: T, version: '1'}}
paths:
  /things:
    get:
      operationId: listThings
      {extension}
      parameters: {params}
      responses:
        '200': {{description: ok, content: {{application/json: {{schema: {schema}}}}}}}
"
    )
}

fn paging_of(spec: &str, settings: &Settings) -> (Option<Paging>, Vec<String>) {
    let loaded = crate::load::load(spec).unwrap_or_else(|errors| panic!("spec does not load: {errors:?}"));
    let (api, warnings) = lower(&loaded, settings);
    let level = |w: &Diagnostic| if w.is_lossless() { "note" } else { "warning" };
    let notes = warnings.iter().map(|w| format!("{}: {}", level(w), w.message)).collect();
    (operation(&api, "listThings").paging.clone(), notes)
}

fn detect(params: &str, schema: &str) -> (Option<Paging>, Vec<String>) {
    paging_of(&list_spec(params, schema, ""), &Settings::new("t", "t.yaml"))
}

const WRAPPED_CURSOR: &str =
    "{type: object, properties: {data: {type: array, items: {type: string}}, next_cursor: {type: string}}}";

#[test]
fn a_cursor_needs_both_the_body_field_and_the_query_parameter() {
    let (paging, notes) = detect("[{name: cursor, in: query, schema: {type: string}}]", WRAPPED_CURSOR);
    assert_eq!(
        paging,
        Some(Paging::Body {
            items: Some("data".into()),
            next: NextPage::Cursor { field: vec!["next_cursor".into()], param: "cursor".into() },
            has_more: None,
        })
    );
    assert_eq!(notes, ["note: paged by the cursor `next_cursor` sent as `cursor`: the list in `data` of its answer"]);
    // No parameter to send it back in: not paged, and the note says why.
    let (paging, notes) = detect("[{name: limit, in: query, schema: {type: integer}}]", WRAPPED_CURSOR);
    assert_eq!(paging, None);
    assert!(notes[0].starts_with("note: not paged: the list in `data`"), "{notes:?}");
}

#[test]
fn starting_after_pages_only_with_has_more_and_items_with_an_id() {
    let params = "[{name: starting_after, in: query, schema: {type: string}}]";
    let with_id = "{type: object, properties: {data: {type: array, items: {type: object, properties: {id: {type: string}}}}, has_more: {type: boolean}}}";
    let (paging, _) = detect(params, with_id);
    assert!(
        matches!(paging, Some(Paging::Body { next: NextPage::LastItem { .. }, has_more: Some(_), .. })),
        "{paging:?}"
    );
    let no_has_more =
        "{type: object, properties: {data: {type: array, items: {type: object, properties: {id: {type: string}}}}}}";
    assert_eq!(detect(params, no_has_more).0, None);
    let no_id = "{type: object, properties: {data: {type: array, items: {type: string}}, has_more: {type: boolean}}}";
    assert_eq!(detect(params, no_id).0, None);
}

#[test]
fn an_object_answer_without_a_list_field_is_no_list_and_gets_no_note() {
    let (paging, notes) = detect(
        "[{name: page, in: query, schema: {type: integer}}]",
        "{type: object, properties: {total_count: {type: integer}, name: {type: string}}}",
    );
    assert_eq!((paging, notes), (None, Vec::<String>::new()));
}

#[test]
fn a_page_parameter_with_a_total_pages_by_number() {
    let (paging, _) = detect(
        "[{name: page, in: query, schema: {type: integer}}]",
        "{type: object, properties: {total_count: {type: integer}, items: {type: array, items: {type: string}}}}",
    );
    let Some(Paging::Body { next: NextPage::PageNumber { param, first, total }, .. }) = paging else {
        panic!("{paging:?}")
    };
    assert_eq!((param.as_str(), first, total), ("page", 1, Some(vec!["total_count".to_owned()])));
}

#[test]
fn the_settings_and_x_pagination_override_detection_and_misfits_are_warnings() {
    let params = "[{name: cursor, in: query, schema: {type: string}}]";
    let spec = list_spec(params, WRAPPED_CURSOR, "");
    let off = Settings::new("t", "t.yaml").with_paging("listThings", PagingOverride::style("none"));
    assert_eq!(
        paging_of(&spec, &off),
        (None, vec!["note: not paged: as the settings' paging entry states".to_owned()])
    );
    let extension = "x-pagination: {style: cursor, param: after, field: next_cursor, items: data}";
    let (paging, notes) = paging_of(&list_spec(params, WRAPPED_CURSOR, extension), &Settings::new("t", "t.yaml"));
    assert_eq!(paging, None);
    assert_eq!(
        notes,
        ["warning: not paged: its `x-pagination` extension does not fit: `after` is not a query parameter of the operation"]
    );
    let extension = "x-pagination: {style: sideways}";
    let (_, notes) = paging_of(&list_spec(params, WRAPPED_CURSOR, extension), &Settings::new("t", "t.yaml"));
    assert!(notes[0].contains("unknown paging style `sideways`"), "{notes:?}");
}
