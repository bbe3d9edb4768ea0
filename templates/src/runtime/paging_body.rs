//! Paging by what each page's JSON body says: a cursor (`next_cursor`,
//! `nextPageToken`), the last item's id (Stripe's `starting_after`), a next
//! URL (`links.next`), or a page number with a total.

use reqwest::Url;
use serde_json::Value;

use super::error::Error;
use super::paging::{next_by_link, Cursor, Progress, Step};
use super::request::Request;

/// How a list operation whose pages say in their body what comes next is
/// paged. Paging ends on an empty page, on `has_more: false`, when the
/// cursor or next URL is absent, `null` or empty, and when the items
/// received reach the total; a cursor sent once already ends it with
/// [`Error::InvalidRequest`] (a server going round).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyPaging {
    /// The path of the items in the body (`["data"]`); empty when the body
    /// is the list itself.
    pub items: &'static [&'static str],
    /// Where the next page's input comes from.
    pub next: NextPage,
    /// The path of a boolean saying whether more pages follow (`has_more`).
    pub has_more: Option<&'static [&'static str]>,
}

/// Where the next page's input comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextPage {
    /// A cursor at `field` in the body, sent back as the query parameter `param`.
    Cursor {
        /// The cursor's path in the body (`["response_metadata", "next_cursor"]`).
        field: &'static [&'static str],
        /// The query parameter taking it (`cursor`, `pageToken`).
        param: &'static str,
    },
    /// The `field` of the page's last item, sent as `param` (Stripe's
    /// `starting_after` = the last item's `id`).
    LastItem {
        /// The item's field (`id`).
        field: &'static str,
        /// The query parameter taking it.
        param: &'static str,
    },
    /// The next page's URL at `field` in the body (`["links", "next"]`),
    /// followed like a `Link` header: on the base URL's origin only, never
    /// twice.
    Url {
        /// The URL's path in the body.
        field: &'static [&'static str],
    },
    /// A page number in the query parameter `param`, counted up from the
    /// first request's (or `first`); ends when the items received reach the
    /// count at `total`, if the body has one.
    PageNumber {
        /// The query parameter (`page`).
        param: &'static str,
        /// The number of the first page when the request sets none.
        first: u64,
        /// The path of the total item count (`["total_count"]`).
        total: Option<&'static [&'static str]>,
    },
}

/// What a page's body says about the next page.
#[derive(Default)]
pub(super) struct PageInfo {
    has_more: Option<bool>,
    /// The cursor, next URL or last item's field, as text (absent when
    /// missing, `null` or empty).
    next: Option<String>,
    total: Option<u64>,
}

/// The value at `path` in `value`.
fn at<'v>(value: &'v Value, path: &[&str]) -> Option<&'v Value> {
    path.iter().try_fold(value, |v, key| v.get(key))
}

/// A cursor's text: a non-empty string, or a number.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

impl BodyPaging {
    /// The first page's cursor: for page numbers, the page the request asks for.
    pub(super) fn first_cursor(self, first: Request) -> Cursor {
        let offset = match self.next {
            NextPage::PageNumber { param, first: first_page, .. } => {
                first.query_value(param).and_then(|v| v.parse().ok()).unwrap_or(first_page)
            }
            NextPage::Cursor { .. } | NextPage::LastItem { .. } | NextPage::Url { .. } => 0,
        };
        Cursor { request: first, offset }
    }

    /// What moves the stream from page to page, for error messages.
    pub(super) fn advanced_by(self) -> String {
        match self.next {
            NextPage::Cursor { param, .. } | NextPage::LastItem { param, .. } | NextPage::PageNumber { param, .. } => {
                format!("`{param}` parameter")
            }
            NextPage::Url { .. } => "next-page URL".to_owned(),
        }
    }

    /// What `body` says about the next page (nothing when it is not JSON:
    /// decoding the page reports that).
    pub(super) fn read_page(self, body: &[u8]) -> PageInfo {
        let Ok(value) = serde_json::from_slice::<Value>(body) else {
            return PageInfo::default();
        };
        let has_more = self.has_more.and_then(|path| at(&value, path)).and_then(Value::as_bool);
        let next = match self.next {
            NextPage::Cursor { field, .. } | NextPage::Url { field } => text(at(&value, field)),
            NextPage::LastItem { field, .. } => {
                let items = at(&value, self.items).and_then(Value::as_array);
                text(items.and_then(|items| items.last()).and_then(|item| item.get(field)))
            }
            NextPage::PageNumber { .. } => None,
        };
        let total = match self.next {
            NextPage::PageNumber { total: Some(path), .. } => at(&value, path).and_then(Value::as_u64),
            _ => None,
        };
        PageInfo { has_more, next, total }
    }

    /// After a page of `received` items whose body said `info`: the next
    /// page's request, or the end.
    pub(super) fn next_step<E>(
        self,
        cursor: Cursor,
        info: PageInfo,
        received: u64,
        progress: &mut Progress,
        current: &Url,
        base: &Url,
    ) -> Step<E> {
        if received == 0 || info.has_more == Some(false) {
            return Step::Done;
        }
        let operation = cursor.request.operation_id;
        match self.next {
            NextPage::Cursor { param, .. } | NextPage::LastItem { param, .. } => {
                let Some(next) = info.next else {
                    return match self.next {
                        NextPage::LastItem { field, .. } if info.has_more == Some(true) => {
                            Step::Fail(Error::invalid_request(
                                operation,
                                format!(
                                    "the last item of page {} has no `{field}` to ask for the page after it",
                                    progress.fetched
                                ),
                            ))
                        }
                        _ => Step::Done,
                    };
                };
                if !progress.cursors.insert(next.clone()) {
                    return Step::Fail(Error::invalid_request(
                        operation,
                        format!(
                            "page {} gives a `{param}` already sent by this stream; stopping instead of looping",
                            progress.fetched
                        ),
                    ));
                }
                let mut request = cursor.request;
                request.set_query(param, &next);
                Step::Fetch(Box::new(Cursor { request, offset: 0 }))
            }
            NextPage::Url { .. } => {
                let link =
                    info.next.map(|next| current.join(&next)).transpose().map_err(|e| {
                        Error::invalid_request(operation, format!("invalid next-page URL in the body: {e}"))
                    });
                next_by_link(link, cursor.request, progress, base)
            }
            NextPage::PageNumber { param, .. } => {
                if info.total.is_some_and(|total| progress.items >= total) {
                    return Step::Done;
                }
                match cursor.offset.checked_add(1) {
                    Some(page) => {
                        let mut request = cursor.request;
                        request.set_query(param, &page);
                        Step::Fetch(Box::new(Cursor { request, offset: page }))
                    }
                    None => Step::Done,
                }
            }
        }
    }
}
