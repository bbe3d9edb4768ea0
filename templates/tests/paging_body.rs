//! Paging told by each page's body, against servers that misbehave: a last
//! page still carrying a cursor, an empty first page, a cursor that
//! repeats, a next URL on another origin or back to a page already fetched,
//! a server that never stops.

mod common;

use std::time::Duration;

use common::Item;
use futures::StreamExt;
use reqwest::Method;
use runtime_template::runtime::{BodyPaging, Error, NextPage, Pages, Paging, RawResponse, Request};
use serde::Deserialize;
use serde_json::{json, Value};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

#[derive(Deserialize)]
struct Wrapped {
    data: Vec<Item>,
}

/// What a generated decoder of a wrapped list does.
fn decode_wrapped(raw: RawResponse) -> Result<Vec<Item>, Error> {
    if !raw.status().is_success() {
        return Err(raw.into_error());
    }
    raw.json::<Wrapped, _>().map(|page| page.data)
}

const CURSOR: Paging = Paging::Body(BodyPaging {
    items: &["data"],
    next: NextPage::Cursor { field: &["meta", "next_cursor"], param: "cursor" },
    has_more: None,
});
const STRIPE: Paging = Paging::Body(BodyPaging {
    items: &["data"],
    next: NextPage::LastItem { field: "id", param: "starting_after" },
    has_more: Some(&["has_more"]),
});
const NEXT_URL: Paging =
    Paging::Body(BodyPaging { items: &["data"], next: NextPage::Url { field: &["links", "next"] }, has_more: None });
const PAGE_NUMBER: Paging = Paging::Body(BodyPaging {
    items: &["data"],
    next: NextPage::PageNumber { param: "page", first: 1, total: Some(&["total_count"]) },
    has_more: None,
});

fn list_items() -> Request {
    Request::new(Method::GET, "/items", "listItems")
}

fn items(ids: impl IntoIterator<Item = u32>) -> Value {
    json!(ids.into_iter().map(|id| json!({ "id": id })).collect::<Vec<_>>())
}

async fn answer(server: &MockServer, key: &str, value: Option<&str>, body: Value, times: u64) {
    let mock = Mock::given(method("GET")).and(path("/items"));
    let mock = match value {
        Some(value) => mock.and(query_param(key, value)),
        None => mock.and(query_param_is_missing(key)),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).expect(times).mount(server).await;
}

/// Drains a stream, at most 1000 items, each within 5 s, into its items and its error.
async fn drain(mut pages: Pages<Item>) -> (Vec<u32>, Option<Error>) {
    let mut ids = Vec::new();
    for _ in 0..1000 {
        let next = tokio::time::timeout(Duration::from_secs(5), pages.next()).await.expect("a page within 5 s");
        match next {
            Some(Ok(item)) => ids.push(item.id),
            Some(Err(e)) => return (ids, Some(e)),
            None => return (ids, None),
        }
    }
    panic!("the stream did not end: {ids:?}");
}

#[tokio::test]
async fn a_last_page_still_carrying_a_cursor_ends_on_has_more_false() {
    let server = MockServer::start().await;
    answer(&server, "starting_after", None, json!({ "data": items([1, 2]), "has_more": true }), 1).await;
    // The last page has items (so a last id to go on from), but says no more.
    answer(&server, "starting_after", Some("2"), json!({ "data": items([3]), "has_more": false }), 1).await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), STRIPE, decode_wrapped)).await;
    assert_eq!((ids, err.map(|e| e.to_string())), (vec![1, 2, 3], None));
}

#[tokio::test]
async fn a_cursor_on_the_last_page_leads_to_an_empty_page_and_ends() {
    let server = MockServer::start().await;
    let meta = |c: &str| json!({ "next_cursor": c });
    answer(&server, "cursor", None, json!({ "data": items([1, 2]), "meta": meta("c2") }), 1).await;
    answer(&server, "cursor", Some("c2"), json!({ "data": items([3]), "meta": meta("c3") }), 1).await;
    answer(&server, "cursor", Some("c3"), json!({ "data": [], "meta": meta("c4") }), 1).await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), CURSOR, decode_wrapped)).await;
    assert_eq!((ids, err.map(|e| e.to_string())), (vec![1, 2, 3], None));
}

#[tokio::test]
async fn an_empty_first_page_ends_every_body_scheme_after_one_request() {
    for paging in [CURSOR, STRIPE, NEXT_URL, PAGE_NUMBER] {
        let server = MockServer::start().await;
        let body = json!({
            "data": [], "has_more": true, "meta": { "next_cursor": "again" },
            "links": { "next": format!("{}/items?p=2", server.uri()) }, "total_count": 10
        });
        Mock::given(path("/items"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
        let (ids, err) = drain(common::client(&server).paginate(list_items(), paging, decode_wrapped)).await;
        assert_eq!((ids, err.map(|e| e.to_string())), (vec![], None), "{paging:?}");
    }
}

#[tokio::test]
async fn a_repeating_cursor_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    let meta = |c: &str| json!({ "next_cursor": c });
    answer(&server, "cursor", None, json!({ "data": items([1]), "meta": meta("a") }), 1).await;
    answer(&server, "cursor", Some("a"), json!({ "data": items([2]), "meta": meta("b") }), 1).await;
    // Back to a cursor already sent: a loop of two distinct pages.
    answer(&server, "cursor", Some("b"), json!({ "data": items([3]), "meta": meta("a") }), 1).await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), CURSOR, decode_wrapped)).await;
    assert_eq!(ids, [1, 2, 3]);
    assert_eq!(
        err.expect("an error").to_string(),
        "listItems: invalid request: page 3 gives a `cursor` already sent by this stream; stopping instead of looping"
    );
}

#[tokio::test]
async fn a_server_ignoring_starting_after_is_stopped() {
    let server = MockServer::start().await;
    // The same page whatever is asked: its last id never moves on.
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "data": items([1, 2]), "has_more": true })))
        .expect(2)
        .mount(&server)
        .await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), STRIPE, decode_wrapped)).await;
    assert_eq!(ids, [1, 2]);
    assert!(err.expect("an error").to_string().contains("same content as the page before it"));
}

#[tokio::test]
async fn a_next_url_on_another_origin_is_not_followed() {
    let server = MockServer::start().await;
    let elsewhere = MockServer::builder().listener(std::net::TcpListener::bind("127.0.0.2:0").unwrap()).start().await;
    let body = json!({ "data": items([1]), "links": { "next": format!("{}/items?p=2", elsewhere.uri()) } });
    answer(&server, "p", None, body, 1).await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), NEXT_URL, decode_wrapped)).await;
    assert_eq!(ids, [1]);
    assert!(err.expect("an error").to_string().contains("refusing to follow a next-page link to another origin"));
    assert!(elsewhere.received_requests().await.unwrap().is_empty(), "nothing reached the other host");
}

#[tokio::test]
async fn a_next_url_back_to_a_page_already_fetched_is_an_error() {
    let server = MockServer::start().await;
    let uri = server.uri();
    answer(&server, "p", None, json!({ "data": items([1]), "links": { "next": format!("{uri}/items?p=2") } }), 1).await;
    answer(&server, "p", Some("2"), json!({ "data": items([2]), "links": { "next": format!("{uri}/items") } }), 1)
        .await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), NEXT_URL, decode_wrapped)).await;
    assert_eq!(ids, [1, 2]);
    assert!(err.expect("an error").to_string().contains("leads back to a page already fetched"));
}

/// A fresh page number, cursor and item every time: a server that never ends.
struct Endless;

impl Respond for Endless {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let n: u32 =
            request.url.query_pairs().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok()).unwrap_or(1);
        ResponseTemplate::new(200).set_body_json(json!({ "data": items([n]), "total_count": 1_000_000 }))
    }
}

#[tokio::test]
async fn endless_page_numbers_stop_at_max_pages() {
    let server = MockServer::start().await;
    Mock::given(path("/items")).respond_with(Endless).expect(4).mount(&server).await;
    let client = common::builder(&server).max_pages(4).build().unwrap();
    let (ids, err) = drain(client.paginate(list_items(), PAGE_NUMBER, decode_wrapped)).await;
    assert_eq!(ids, [1, 2, 3, 4]);
    assert_eq!(
        err.expect("an error").to_string(),
        "listItems: invalid request: stopped after 4 pages, the client's max_pages limit; the server offered more"
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_fails_the_page_and_ends() {
    let server = MockServer::start().await;
    Mock::given(path("/items"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>", "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    let (ids, err) = drain(common::client(&server).paginate(list_items(), CURSOR, decode_wrapped)).await;
    assert!(ids.is_empty());
    assert!(matches!(err, Some(Error::Decode { .. })), "{err:?}");
}
