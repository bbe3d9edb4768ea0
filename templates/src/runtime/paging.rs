//! Pagination of list operations.

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use reqwest::header::LINK;
use reqwest::Url;

use super::client::{same_origin, Client};
use super::error::Error;
use super::request::Request;
use super::response::RawResponse;

/// How a list operation is paged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// Follow `Link: <url>; rel="next"` headers until there is none (Okta).
    /// A next URL on another origin (scheme, host, port) than the base URL is
    /// refused with [`Error::InvalidRequest`], so credentials never go elsewhere.
    LinkHeader,
    /// Offset/limit paging (e.g. `skip`/`count`): the next offset is the
    /// current offset plus the number of items received; paging stops on a
    /// page shorter than the limit (or empty).
    Offset {
        /// The query parameter holding the offset (missing on the first request means 0).
        offset_param: &'static str,
        /// The query parameter holding the page size.
        limit_param: &'static str,
        /// The page size sent when the first request does not set one.
        default_limit: u64,
    },
}

/// A stream of every item of a list operation, fetching pages as it goes.
///
/// Yields `Err` at most once, after which it ends.
pub struct Pages<T, E = serde_json::Value> {
    inner: BoxStream<'static, Result<T, Error<E>>>,
}

impl<T, E> fmt::Debug for Pages<T, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages").finish_non_exhaustive()
    }
}

impl<T, E> Stream for Pages<T, E> {
    type Item = Result<T, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.poll_next_unpin(cx)
    }
}

impl<T, E> Pages<T, E> {
    /// Fetches every page and returns all items in order (stops at the first error).
    pub async fn collect_all(self) -> Result<Vec<T>, Error<E>> {
        self.inner.try_collect().await
    }
}

/// Fetches every page and returns all items in order (stops at the first error).
pub async fn collect_all<T, E>(pages: Pages<T, E>) -> Result<Vec<T>, Error<E>> {
    pages.collect_all().await
}

/// Where paging stands between two pages.
struct Cursor {
    request: Request,
    /// For offset paging: the offset and limit of `request`.
    offset: u64,
    limit: u64,
}

/// What the stream does next.
enum Step<E> {
    /// Fetch the page described by the cursor.
    Fetch(Box<Cursor>),
    /// Report this error (the previous page's items have been yielded).
    Fail(Error<E>),
    /// No more pages.
    Done,
}

/// The URL of the `rel="next"` link, if any, resolved against `current`.
fn next_link<E>(raw: &RawResponse, current: &Url) -> Result<Option<Url>, Error<E>> {
    let operation = raw.operation();
    let values: Vec<&str> = raw.headers().get_all(LINK).iter().filter_map(|v| v.to_str().ok()).collect();
    if values.is_empty() {
        return Ok(None);
    }
    let links = parse_link_header::parse_with_rel(&values.join(", "))
        .map_err(|e| Error::invalid_request(operation, format!("invalid Link header in a page response: {e}")))?;
    let Some(next) = links.get("next") else {
        return Ok(None);
    };
    current
        .join(&next.raw_uri)
        .map(Some)
        .map_err(|e| Error::invalid_request(operation, format!("invalid next-page URL in Link header: {e}")))
}

impl Client {
    /// Streams every item of a list operation. `first` is the request for the
    /// first page; `decode` turns one page's response (any status) into its
    /// items or an error.
    pub fn paginate<T, E>(
        &self,
        first: Request,
        paging: Paging,
        decode: fn(RawResponse) -> Result<Vec<T>, Error<E>>,
    ) -> Pages<T, E>
    where
        T: Send + 'static,
        E: Send + 'static,
    {
        let client = self.clone();
        let mut first = first;
        let (offset, limit) = match paging {
            Paging::LinkHeader => (0, 0),
            Paging::Offset { offset_param, limit_param, default_limit } => {
                let limit = match first.query_value(limit_param).and_then(|v| v.parse().ok()) {
                    Some(limit) => limit,
                    None => {
                        first.set_query(limit_param, &default_limit);
                        default_limit
                    }
                };
                let offset = first.query_value(offset_param).and_then(|v| v.parse().ok()).unwrap_or(0);
                (offset, limit)
            }
        };
        let start = Step::Fetch(Box::new(Cursor { request: first, offset, limit }));

        let pages = stream::try_unfold(start, move |step| {
            let client = client.clone();
            async move {
                let cursor = match step {
                    Step::Fetch(cursor) => *cursor,
                    // Reported after the items of the page that carried the bad link.
                    Step::Fail(err) => return Err(err),
                    Step::Done => return Ok(None),
                };
                let operation = cursor.request.operation_id;
                let current_url =
                    cursor.request.url(client.base_url()).map_err(|m| Error::invalid_request(operation, m))?;
                let raw = client.dispatch(cursor.request.clone()).await.map_err(Error::widen)?;
                let link = match paging {
                    Paging::LinkHeader => next_link::<E>(&raw, &current_url),
                    Paging::Offset { .. } => Ok(None),
                };
                let items = decode(raw)?;
                let next = match paging {
                    Paging::LinkHeader => match link {
                        Err(err) => Step::Fail(err),
                        Ok(Some(url)) if !same_origin(&url, client.base()) => Step::Fail(Error::invalid_request(
                            operation,
                            format!(
                                "refusing to follow a next-page link to another origin ({})",
                                url.origin().ascii_serialization()
                            ),
                        )),
                        Ok(Some(url)) => {
                            let mut request = cursor.request;
                            request.absolute_url = Some(url);
                            Step::Fetch(Box::new(Cursor { request, offset: 0, limit: 0 }))
                        }
                        Ok(None) => Step::Done,
                    },
                    Paging::Offset { offset_param, .. } => {
                        let received = items.len() as u64;
                        if received == 0 || received < cursor.limit {
                            Step::Done
                        } else {
                            let mut request = cursor.request;
                            let offset = cursor.offset + received;
                            request.set_query(offset_param, &offset);
                            Step::Fetch(Box::new(Cursor { request, offset, limit: cursor.limit }))
                        }
                    }
                };
                Ok(Some((items, next)))
            }
        });
        let items = pages.map_ok(|items| stream::iter(items.into_iter().map(Ok))).try_flatten();
        Pages { inner: items.boxed() }
    }
}
