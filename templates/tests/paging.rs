//! Pagination by Link header and by offset/limit.

mod common;

use common::{decode_items, Item};
use futures::StreamExt;
use reqwest::Method;
use runtime_template::runtime::{collect_all, ApiKeyLocation, Credentials, Error, Paging, Request};
use serde_json::json;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn list_users() -> Request {
    let mut req = Request::new(Method::GET, "/api/v1/users", "listUsers");
    req.query("limit", &2u32);
    req.security(&[&["apiToken"]]);
    req
}

fn page(ids: &[u32]) -> serde_json::Value {
    json!(ids.iter().map(|id| json!({ "id": id })).collect::<Vec<_>>())
}

#[tokio::test]
async fn link_header_pages_are_followed_in_order() {
    let server = MockServer::start().await;
    let base = server.uri();
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param_is_missing("after"))
        .and(query_param("limit", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&[1, 2]))
                .append_header("Link", format!("<{base}/api/v1/users?limit=2>; rel=\"self\"").as_str())
                .append_header("Link", format!("<{base}/api/v1/users?after=2&limit=2>; rel=\"next\"").as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("after", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[3, 4])).insert_header(
            "Link",
            format!(
                "<{base}/api/v1/users?after=2&limit=2>; rel=\"self\", <{base}/api/v1/users?after=4&limit=2>; rel=\"next\""
            )
            .as_str(),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v1/users"))
        .and(query_param("after", "4"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&[5]))
                .insert_header("Link", format!("<{base}/api/v1/users?after=4&limit=2>; rel=\"self\"").as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .credentials("apiToken", Credentials::api_key(ApiKeyLocation::Header, "Authorization", Some("SSWS"), "abc"))
        .build()
        .unwrap();
    let items = client.paginate(list_users(), Paging::LinkHeader, decode_items).collect_all().await.unwrap();
    assert_eq!(items.iter().map(|i| i.id).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
    // Every page carried the credentials.
    for r in common::received(&server).await {
        assert_eq!(r.headers.get("authorization").unwrap(), "SSWS abc");
    }
}

#[tokio::test]
async fn foreign_origin_next_link_is_refused() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/users"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&[1, 2]))
                .insert_header("Link", "<https://evil.example.com/api/v1/users?after=2>; rel=\"next\""),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .credentials("apiToken", Credentials::api_key(ApiKeyLocation::Header, "Authorization", Some("SSWS"), "abc"))
        .build()
        .unwrap();
    let mut pages = client.paginate(list_users(), Paging::LinkHeader, decode_items);
    // The items of the first page still arrive, then the refusal, then the end.
    assert_eq!(pages.next().await.unwrap().unwrap(), Item { id: 1 });
    assert_eq!(pages.next().await.unwrap().unwrap(), Item { id: 2 });
    let err = pages.next().await.unwrap().unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(m) if m.contains("evil.example.com")), "{err:?}");
    assert!(pages.next().await.is_none());

    // Same host, other port: another origin too.
    let other_port = MockServer::start().await;
    let server2 = MockServer::start().await;
    Mock::given(path("/api/v1/users"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&[1, 2]))
                .insert_header("Link", format!("<{}/api/v1/users?after=2>; rel=\"next\"", other_port.uri()).as_str()),
        )
        .mount(&server2)
        .await;
    let result = collect_all(common::client(&server2).paginate(list_users(), Paging::LinkHeader, decode_items)).await;
    assert!(matches!(result, Err(Error::InvalidRequest(_))));
    assert!(common::received(&other_port).await.is_empty());
}

#[tokio::test]
async fn relative_next_link_resolves_against_the_current_page() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/users"))
        .and(query_param_is_missing("after"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(&[1, 2]))
                .insert_header("Link", "</api/v1/users?after=2>; rel=\"next\""),
        )
        .mount(&server)
        .await;
    Mock::given(path("/api/v1/users"))
        .and(query_param("after", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[3])))
        .mount(&server)
        .await;
    let items =
        common::client(&server).paginate(list_users(), Paging::LinkHeader, decode_items).collect_all().await.unwrap();
    assert_eq!(items.len(), 3);
}

#[tokio::test]
async fn page_error_ends_the_stream_with_the_typed_error() {
    let server = MockServer::start().await;
    Mock::given(path("/api/v1/users"))
        .respond_with(ResponseTemplate::new(403).set_body_json(json!({"errorCode": "E0000006"})))
        .mount(&server)
        .await;
    let err = common::client(&server)
        .paginate(list_users(), Paging::LinkHeader, decode_items)
        .collect_all()
        .await
        .unwrap_err();
    let Error::Api(api) = err else { panic!("expected Error::Api") };
    assert_eq!(api.status(), 403);
    assert_eq!(api.body().unwrap()["errorCode"], "E0000006");
}

const OFFSET: Paging = Paging::Offset { offset_param: "skip", limit_param: "count", default_limit: 2 };

#[tokio::test]
async fn offset_paging_goes_past_a_short_page_until_an_empty_one() {
    let server = MockServer::start().await;
    Mock::given(path("/ocs/items"))
        .and(query_param("count", "2"))
        .and(query_param_is_missing("skip"))
        .and(query_param("q", "x"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[1, 2])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/ocs/items"))
        .and(query_param("count", "2"))
        .and(query_param("skip", "2"))
        .and(query_param("q", "x"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[3, 4])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/ocs/items"))
        .and(query_param("count", "2"))
        .and(query_param("skip", "4"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[5])))
        .expect(1)
        .mount(&server)
        .await;
    // The short page may be the server's cap on the page size: one more request tells.
    Mock::given(path("/ocs/items"))
        .and(query_param("count", "2"))
        .and(query_param("skip", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[])))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = Request::new(Method::GET, "/ocs/items", "listItems");
    req.query("q", &"x");
    let items = common::client(&server).paginate(req, OFFSET, decode_items).collect_all().await.unwrap();
    assert_eq!(items.iter().map(|i| i.id).collect::<Vec<_>>(), [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn offset_paging_respects_caller_offset_and_limit_and_stops_on_empty_page() {
    let server = MockServer::start().await;
    Mock::given(path("/ocs/items"))
        .and(query_param("count", "3"))
        .and(query_param("skip", "10"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[11, 12, 13])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path("/ocs/items"))
        .and(query_param("count", "3"))
        .and(query_param("skip", "13"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(&[])))
        .expect(1)
        .mount(&server)
        .await;
    let mut req = Request::new(Method::GET, "/ocs/items", "listItems");
    req.query("skip", &10i64);
    req.query("count", &3i32);
    let items = collect_all(common::client(&server).paginate(req, OFFSET, decode_items)).await.unwrap();
    assert_eq!(items.len(), 3);
}
