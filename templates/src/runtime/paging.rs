//! Pagination of list operations.

use std::collections::hash_map::DefaultHasher;
use std::collections::HashSet;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::pin::Pin;
use std::task::{Context, Poll};

use futures::stream::{self, BoxStream, Stream, StreamExt, TryStreamExt};
use reqwest::header::LINK;
use reqwest::Url;

use super::client::{same_origin, Client};
use super::error::Error;
pub use super::paging_body::{BodyPaging, NextPage};
use super::request::Request;
use super::response::RawResponse;

/// How a list operation is paged.
///
/// Whatever the server answers, a stream ends: after at most
/// [`ClientBuilder::max_pages`](super::ClientBuilder::max_pages) pages, and
/// with [`Error::InvalidRequest`] as soon as a page has the same body as the
/// page before it (a server ignoring the offset or the cursor; pages without
/// items are not compared).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paging {
    /// Follow `Link: <url>; rel="next"` headers until there is none (Okta).
    /// A next URL on another origin (scheme, host, port) than the base URL is
    /// refused with [`Error::InvalidRequest`], so credentials never go
    /// elsewhere; so is a next URL already fetched by this stream (a cycle,
    /// such as a page linking to itself), after that page's items.
    LinkHeader,
    /// Offset/limit paging (e.g. `skip`/`count`): the next offset is the
    /// current offset plus the number of items received; paging stops on an
    /// empty page. A page shorter than the limit does not end it (servers
    /// cap the page size below what was asked), so the last page is always
    /// followed by one request answered with an empty page.
    Offset {
        /// The query parameter holding the offset (missing on the first request means 0).
        offset_param: &'static str,
        /// The query parameter holding the page size.
        limit_param: &'static str,
        /// The page size sent when the first request does not set one.
        default_limit: u64,
    },
    /// Paging by what each page's JSON body says: a cursor, the last item's
    /// id, a next URL or a page number (see [`BodyPaging`]).
    Body(BodyPaging),
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
pub(super) struct Cursor {
    pub(super) request: Request,
    /// For offset paging: the offset of `request`; for page numbers, its page.
    pub(super) offset: u64,
}

/// What a stream remembers across pages, to end when the server would not.
#[derive(Default)]
pub(super) struct Progress {
    /// Pages fetched so far.
    pub(super) fetched: u64,
    /// The URLs fetched (link paging), at most `max_pages` of them.
    pub(super) visited: HashSet<Url>,
    /// The cursors sent (body paging), at most `max_pages` of them.
    pub(super) cursors: HashSet<String>,
    /// Items received so far (page-number paging, against a total).
    pub(super) items: u64,
    /// A digest of the body of the last page that had items.
    previous_page: Option<u64>,
}

/// A digest of a page body, to notice a page repeating the one before it.
fn digest(body: &[u8]) -> u64 {
    let mut hasher = DefaultHasher::new();
    body.hash(&mut hasher);
    hasher.finish()
}

/// What the stream does next.
pub(super) enum Step<E> {
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

/// The first page's cursor: for offset paging, the default page size set
/// when the request has none, and the offset the request asks for.
fn first_cursor(mut first: Request, paging: Paging) -> Cursor {
    let offset = match paging {
        Paging::LinkHeader => 0,
        Paging::Body(body) => return body.first_cursor(first),
        Paging::Offset { offset_param, limit_param, default_limit } => {
            if first.query_value(limit_param).and_then(|v| v.parse::<u64>().ok()).is_none() {
                first.set_query(limit_param, &default_limit);
            }
            first.query_value(offset_param).and_then(|v| v.parse().ok()).unwrap_or(0)
        }
    };
    Cursor { request: first, offset }
}

/// The error for page number `page`, whose body repeats the page before it.
fn repeated_page<E>(operation: &str, paging: Paging, page: u64) -> Error<E> {
    Error::invalid_request(
        operation,
        format!(
            "page {} has the same content as the page before it: the server seems to \
             ignore the {}; stopping instead of fetching it again",
            page,
            match paging {
                Paging::LinkHeader => "next-page link".to_owned(),
                Paging::Body(body) => body.advanced_by(),
                Paging::Offset { offset_param, .. } => format!("`{offset_param}` parameter"),
            }
        ),
    )
}

/// Link paging, after a page: its `rel="next"` link (`link`) is the next
/// page, unless it leaves the base URL's origin or was fetched already.
pub(super) fn next_by_link<E>(
    link: Result<Option<Url>, Error<E>>,
    request: Request,
    progress: &Progress,
    base: &Url,
) -> Step<E> {
    let operation = request.operation_id;
    match link {
        Err(err) => Step::Fail(err),
        Ok(Some(url)) if !same_origin(&url, base) => Step::Fail(Error::invalid_request(
            operation,
            format!("refusing to follow a next-page link to another origin ({})", url.origin().ascii_serialization()),
        )),
        Ok(Some(url)) if progress.visited.contains(&url) => Step::Fail(Error::invalid_request(
            operation,
            format!(
                "the next-page link of page {} leads back to a page already fetched ({}); \
                 stopping instead of looping",
                progress.fetched,
                url.path()
            ),
        )),
        Ok(Some(url)) => {
            let mut request = request;
            request.absolute_url = Some(url);
            Step::Fetch(Box::new(Cursor { request, offset: 0 }))
        }
        Ok(None) => Step::Done,
    }
}

/// Offset paging, after a page of `received` items: the page at the offset
/// past them, unless the page was empty.
fn next_by_offset<E>(cursor: Cursor, received: u64, offset_param: &'static str) -> Step<E> {
    // A short page may be the server's cap on the page size: only an empty one ends.
    if received == 0 {
        return Step::Done;
    }
    match cursor.offset.checked_add(received) {
        Some(offset) => {
            let mut request = cursor.request;
            request.set_query(offset_param, &offset);
            Step::Fetch(Box::new(Cursor { request, offset }))
        }
        None => Step::Fail(Error::invalid_request(
            cursor.request.operation_id,
            format!("the next `{offset_param}` would overflow a 64-bit integer"),
        )),
    }
}

/// `next`, unless it fetches a page past `max_pages` (`fetched` so far).
fn within_max_pages<E>(next: Step<E>, fetched: u64, max_pages: u64, operation: &str) -> Step<E> {
    match next {
        Step::Fetch(_) if fetched >= max_pages => Step::Fail(Error::invalid_request(
            operation,
            format!("stopped after {fetched} pages, the client's max_pages limit; the server offered more"),
        )),
        next => next,
    }
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
        let pages = self.paginate_pages(first, paging, decode, Vec::len);
        let items = pages.inner.map_ok(|items| stream::iter(items.into_iter().map(Ok))).try_flatten();
        Pages { inner: items.boxed() }
    }

    /// Streams every page of a list operation, whole: what `decode` makes of
    /// each page's response (any status), such as the body with its headers.
    /// `count` says how many items a decoded page holds (an empty page ends
    /// offset, page-number and body-cursor paging).
    pub fn paginate_pages<P, E>(
        &self,
        first: Request,
        paging: Paging,
        decode: fn(RawResponse) -> Result<P, Error<E>>,
        count: fn(&P) -> usize,
    ) -> Pages<P, E>
    where
        P: Send + 'static,
        E: Send + 'static,
    {
        let client = self.clone();
        let start = Step::Fetch(Box::new(first_cursor(first, paging)));
        let pages = stream::try_unfold((start, Progress::default()), move |(step, progress)| {
            let client = client.clone();
            async move {
                let cursor = match step {
                    Step::Fetch(cursor) => *cursor,
                    // Reported after the items of the page that carried the bad link.
                    Step::Fail(err) => return Err(err),
                    Step::Done => return Ok(None),
                };
                fetch_page(&client, cursor, progress, paging, decode, count).await.map(Some)
            }
        });
        Pages { inner: pages.boxed() }
    }
}

/// Fetches the page `cursor` describes, and decides what comes after it.
async fn fetch_page<P, E>(
    client: &Client,
    cursor: Cursor,
    mut progress: Progress,
    paging: Paging,
    decode: fn(RawResponse) -> Result<P, Error<E>>,
    count: fn(&P) -> usize,
) -> Result<(P, (Step<E>, Progress)), Error<E>> {
    let operation = cursor.request.operation_id;
    let current_url = cursor.request.url(client.base()).map_err(|m| Error::invalid_request(operation, m))?;
    let raw = client.dispatch(cursor.request.clone()).await.map_err(Error::widen)?;
    progress.fetched = progress.fetched.saturating_add(1);
    let link = match paging {
        Paging::LinkHeader => next_link::<E>(&raw, &current_url),
        Paging::Offset { .. } | Paging::Body(_) => Ok(None),
    };
    // Read before `decode` takes the response; a body that is not JSON fails there.
    let body_info = match paging {
        Paging::Body(body) => Some(body.read_page(raw.body())),
        Paging::LinkHeader | Paging::Offset { .. } => None,
    };
    let page_digest = digest(raw.body());
    if !matches!(paging, Paging::Offset { .. }) {
        progress.visited.insert(current_url.clone());
    }
    let page = decode(raw)?;
    let received = count(&page);
    if received > 0 {
        // Its items were all yielded with the page before: not again.
        if progress.previous_page == Some(page_digest) {
            return Err(repeated_page(operation, paging, progress.fetched));
        }
        progress.previous_page = Some(page_digest);
    }
    let received = u64::try_from(received).unwrap_or(u64::MAX);
    progress.items = progress.items.saturating_add(received);
    let next = match (paging, body_info) {
        (Paging::LinkHeader, _) => next_by_link(link, cursor.request, &progress, client.base()),
        (Paging::Offset { offset_param, .. }, _) => next_by_offset(cursor, received, offset_param),
        (Paging::Body(body), Some(info)) => {
            body.next_step(cursor, info, received, &mut progress, &current_url, client.base())
        }
        (Paging::Body(_), None) => Step::Done,
    };
    let next = within_max_pages(next, progress.fetched, client.max_pages(), operation);
    Ok((page, (next, progress)))
}
