//! Tolerant decoding of formatted strings (`date-time`, `date`, `uuid`).
//!
//! Specs promise formats that servers do not always keep, and timestamps are
//! where real services are least consistent. A model field with such a format
//! is a [`Lenient<T>`]: the parsed value when the text parses, else the text
//! as received, so one odd value no longer loses a whole page of results.

use std::cell::Cell;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string format that a [`Lenient`] field can hold.
pub trait StringFormat: FromStr<Err: fmt::Display> + Serialize {
    /// The OpenAPI format name, for messages (`date-time`).
    const NAME: &'static str;
}

impl StringFormat for chrono::DateTime<chrono::Utc> {
    const NAME: &'static str = "date-time";
}

impl StringFormat for chrono::NaiveDate {
    const NAME: &'static str = "date";
}

impl StringFormat for uuid::Uuid {
    const NAME: &'static str = "uuid";
}

/// A string with a format (`date-time`, `date`, `uuid`): the parsed value, or
/// the text as received when it does not parse.
///
/// - Deserializing never fails on text that does not parse: it is kept as
///   raw text ([`Lenient::raw`]). A JSON value that is not a string is still
///   an error. When a client response keeps a raw value, the client logs a
///   `tracing` warning with the operation id and the path of the first such
///   field (e.g. `[3].created`). With
///   [`ClientBuilder::strict_formats`](super::ClientBuilder::strict_formats)
///   the response fails instead, with [`Error::Decode`](super::Error::Decode)
///   naming that path.
/// - Serializing writes a received value back exactly as received, whether
///   it parsed or not (`2021-11-09T20:38:10.000Z` stays that text, where
///   `T` would write `2021-11-09T20:38:10Z`), and a value built in code as
///   `T` serializes it (for a date-time, RFC 3339 in UTC).
/// - Two values are equal when both parsed to equal values (whatever their
///   text), or when neither parsed and their texts are equal.
///
/// Build one from a value with `.into()`:
/// `created: Some(chrono::Utc::now().into())`, or from text with
/// [`Lenient::parse`]. Read it with [`Lenient::parsed`] and [`Lenient::raw`].
#[derive(Clone)]
pub struct Lenient<T>(Inner<T>);

#[derive(Clone)]
enum Inner<T> {
    /// The text parsed; `text` is the text as received (`None` for a value
    /// built in code), kept so that it serializes back unchanged.
    Parsed { value: T, text: Option<String> },
    /// The text as received: it does not parse as the format.
    Raw(String),
}

/// What equality, ordering and hashing look at: the value, or the raw text.
#[derive(PartialEq, Eq, Hash, PartialOrd, Ord)]
enum Key<'a, T> {
    Parsed(&'a T),
    Raw(&'a str),
}

impl<T> Lenient<T> {
    /// The parsed value, if the text parsed.
    pub fn parsed(&self) -> Option<&T> {
        match &self.0 {
            Inner::Parsed { value, .. } => Some(value),
            Inner::Raw(_) => None,
        }
    }

    /// The text as received, if it did not parse.
    pub fn raw(&self) -> Option<&str> {
        match &self.0 {
            Inner::Parsed { .. } => None,
            Inner::Raw(text) => Some(text),
        }
    }

    /// The text as received, parsed or not (`None` for a value built in code).
    pub fn received(&self) -> Option<&str> {
        match &self.0 {
            Inner::Parsed { text, .. } => text.as_deref(),
            Inner::Raw(text) => Some(text),
        }
    }

    /// Whether the text parsed.
    pub fn is_parsed(&self) -> bool {
        matches!(self.0, Inner::Parsed { .. })
    }

    /// The parsed value, or the raw text as the error.
    pub fn into_result(self) -> Result<T, String> {
        match self.0 {
            Inner::Parsed { value, .. } => Ok(value),
            Inner::Raw(text) => Err(text),
        }
    }

    fn key(&self) -> Key<'_, T> {
        match &self.0 {
            Inner::Parsed { value, .. } => Key::Parsed(value),
            Inner::Raw(text) => Key::Raw(text),
        }
    }
}

impl<T: StringFormat> Lenient<T> {
    /// Parses `text`, keeping it raw when it does not parse. Either way the
    /// value serializes back as `text`.
    pub fn parse(text: &str) -> Self {
        Lenient(match text.parse() {
            Ok(value) => Inner::Parsed { value, text: Some(text.to_owned()) },
            Err(_) => Inner::Raw(text.to_owned()),
        })
    }
}

impl<T: Default> Default for Lenient<T> {
    fn default() -> Self {
        T::default().into()
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(value: T) -> Self {
        Lenient(Inner::Parsed { value, text: None })
    }
}

impl<T: fmt::Debug> fmt::Debug for Lenient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Inner::Parsed { value, .. } => f.debug_tuple("Parsed").field(value).finish(),
            Inner::Raw(text) => f.debug_tuple("Raw").field(text).finish(),
        }
    }
}

impl<T: PartialEq> PartialEq for Lenient<T> {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl<T: Eq> Eq for Lenient<T> {}

impl<T: std::hash::Hash> std::hash::Hash for Lenient<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.key().hash(state)
    }
}

impl<T: PartialOrd> PartialOrd for Lenient<T> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        self.key().partial_cmp(&other.key())
    }
}

impl<T: Ord> Ord for Lenient<T> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.key().cmp(&other.key())
    }
}

impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Inner::Parsed { text: Some(text), .. } | Inner::Raw(text) => serializer.serialize_str(text),
            Inner::Parsed { value, text: None } => value.serialize(serializer),
        }
    }
}

impl<'de, T: StringFormat> Deserialize<'de> for Lenient<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor<T>(std::marker::PhantomData<T>);

        impl<T: StringFormat> serde::de::Visitor<'_> for Visitor<T> {
            type Value = Lenient<T>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a {} string", T::NAME)
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Lenient<T>, E> {
                match text.parse::<T>() {
                    Ok(value) => Ok(Lenient(Inner::Parsed { value, text: Some(text.to_owned()) })),
                    Err(err) => {
                        if STRICT.get() {
                            // Not the text itself: decode errors never quote the body.
                            return Err(E::custom(format_args!("invalid {}: {err}", T::NAME)));
                        }
                        KEPT.set(KEPT.get().saturating_add(1));
                        Ok(Lenient(Inner::Raw(text.to_owned())))
                    }
                }
            }
        }

        deserializer.deserialize_str(Visitor(std::marker::PhantomData))
    }
}

thread_local! {
    /// Set while decoding a response strictly: unparsable text is an error.
    static STRICT: Cell<bool> = const { Cell::new(false) };
    /// How many raw values the current thread has kept (decoding is
    /// synchronous, so a count taken around one decode is that decode's).
    static KEPT: Cell<u32> = const { Cell::new(0) };
}

/// Runs `decode` strictly or leniently; returns its result and how many raw
/// values it kept.
pub(crate) fn decode_counting<R>(strict: bool, decode: impl FnOnce() -> R) -> (R, u32) {
    let outer = (STRICT.replace(strict), KEPT.replace(0));
    let result = decode();
    let kept = KEPT.get();
    STRICT.set(outer.0);
    KEPT.set(outer.1);
    (result, kept)
}
