//! HTTP runtime shared by every generated client.
//!
//! This module is copied verbatim into each generated crate as `src/runtime/`.
//! It knows nothing about any particular API: generated operations build a
//! [`Request`] and hand it, with their function that turns the
//! [`RawResponse`] into typed values or a typed [`Error`], to [`send`] or
//! [`send_with_headers`] (or [`Client::paginate`] for list operations). All
//! of them share [`Client::execute`]'s path.
//!
//! What the runtime takes care of:
//!
//! - base URL resolution from the spec's server template ([`ServerTemplate`],
//!   [`ClientBuilder::server_variable`], [`ClientBuilder::base_url`]);
//! - parameter serialization (path, query, header, cookie) and request bodies
//!   (JSON, form, multipart, binary; binary bodies and downloads streamed:
//!   [`UploadBody`], [`Download`]);
//! - authentication ([`Credentials`]): API keys, bearer tokens, HTTP basic and
//!   OAuth 2.0 client credentials with a shared, automatically refreshed token,
//!   or your own [`CredentialProvider`] (refreshed tokens, request signing),
//!   added with [`ClientBuilder::credential_provider`];
//! - retries ([`RetryPolicy`]) on 429/503 (honouring `Retry-After` and
//!   `X-Rate-Limit-Reset`) and on transport errors where that is safe;
//! - a total deadline per call across retries ([`ClientBuilder::deadline`],
//!   5 minutes by default);
//! - bodies read within a size limit ([`ClientBuilder::max_body_size`], 64
//!   MiB by default; error bodies are cut at 64 KiB);
//! - tolerant decoding of formatted strings ([`Lenient`]), strict on request
//!   ([`ClientBuilder::strict_formats`]);
//! - pagination ([`Paging`]) by `Link` header or by offset/limit, ending on
//!   a next link already followed, a repeated page or after
//!   [`ClientBuilder::max_pages`] pages;
//! - credentials that never reach another host: redirects are followed by
//!   the runtime within the API's origin only ([`RedirectPolicy`]), plain
//!   `http` carrying credentials to another machine is refused
//!   ([`ClientBuilder::allow_insecure_http`]), and server variables cannot
//!   change the host ([`ClientBuilder::server_variable`]);
//! - [`Middleware`] around every request sent (after credentials, inside the
//!   retry loop), added with [`ClientBuilder::middleware`];
//! - streamed responses: server-sent events as an [`EventStream`] of typed
//!   [`Event`]s (reconnecting with `Last-Event-ID` for `GET`), JSON Lines as
//!   [`JsonLines`], each within an idle timeout and a size limit per event;
//! - with the crate's `mock` feature, a test double ([`MockServer`], installed
//!   with `ClientBuilder::mock`) that answers in process from registered
//!   responses and records the requests;
//! - one `tracing` span per request (`http.request`) that never records
//!   secrets, query strings or header values.

// Whatever a server sends or a user sets must not panic the process: no
// unwrap, expect, unchecked arithmetic or indexing here. An exception is
// allowed where it stands, with the reason it cannot fail.
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::arithmetic_side_effects)]

mod attempts;
mod auth;
mod body;
mod builder;
mod client;
mod codec;
mod download;
mod enums;
mod error;
mod json_path;
mod json_seq;
mod lenient;
mod middleware;
#[cfg(feature = "mock")]
mod mock;
mod model;
mod options;
mod origin;
mod paging;
mod paging_body;
mod params;
mod prepare;
mod provider;
mod redact;
mod redirect;
mod request;
mod response;
mod retry;
mod sse;
mod streaming;
mod upload;
mod watchdog;

pub use auth::{ApiKeyLocation, Credentials};
pub use builder::{ClientBuilder, ServerTemplate};
pub use client::{send, send_with_headers, Client};
pub use codec::{deserialize_nullable, Base64};
pub use download::{ByteStream, Download};
#[allow(unused_imports)]
pub(crate) use enums::{integer_enum, string_enum};
pub use error::{ApiError, DecodeError, Error, TransportError};
pub use json_seq::JsonLines;
pub use lenient::{Lenient, StringFormat};
pub use middleware::{CallInfo, Middleware, Next, SendError};
#[cfg(feature = "mock")]
pub use mock::{Call, MockBody, MockOperation, MockServer, MockSpec, RecordedRequest, MOCK_BASE_URL};
pub use model::{deserialize_model, missing_property, Entries, MapModel, Properties, PropertyName};
pub use options::{CallOptions, IDEMPOTENCY_KEY_HEADER};
pub use paging::{collect_all, BodyPaging, NextPage, Pages, Paging};
pub use params::{ParamValue, QueryObjectStyle};
pub use provider::{Applied, AuthContext, CredentialProvider};
pub use redact::RedactedValues;
pub use redirect::{RedirectPolicy, DEFAULT_MAX_REDIRECTS};
pub use request::{MultipartPart, Request};
pub use response::{RawResponse, Response};
pub use retry::RetryPolicy;
pub use sse::{Event, EventStream, DEFAULT_DONE_SENTINEL};
pub use upload::UploadBody;

/// Re-export of the `secrecy` string type used for secret values in [`Credentials`].
pub use secrecy::SecretString;
