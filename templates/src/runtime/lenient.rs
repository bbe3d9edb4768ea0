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
///   [`Lenient::Raw`]. A JSON value that is not a string is still an error.
///   When a client response keeps a raw value, the client logs a `tracing`
///   warning with the operation id and the path of the first such field
///   (e.g. `[3].created`). With
///   [`ClientBuilder::strict_formats`](super::ClientBuilder::strict_formats)
///   the response fails instead, with [`Error::Decode`](super::Error::Decode)
///   naming that path.
/// - Serializing writes [`Lenient::Raw`] back exactly as received, and
///   [`Lenient::Parsed`] as `T` serializes (for a date-time, RFC 3339 in UTC:
///   the same instant, possibly not the same text).
///
/// Build one from a value with `.into()`:
/// `created: Some(chrono::Utc::now().into())`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lenient<T> {
    /// The text parsed as the format.
    Parsed(T),
    /// The text as received: it does not parse as the format.
    Raw(String),
}

impl<T> Lenient<T> {
    /// The parsed value, if the text parsed.
    pub fn parsed(&self) -> Option<&T> {
        match self {
            Lenient::Parsed(value) => Some(value),
            Lenient::Raw(_) => None,
        }
    }

    /// The text as received, if it did not parse.
    pub fn raw(&self) -> Option<&str> {
        match self {
            Lenient::Parsed(_) => None,
            Lenient::Raw(text) => Some(text),
        }
    }

    /// Whether the text parsed.
    pub fn is_parsed(&self) -> bool {
        matches!(self, Lenient::Parsed(_))
    }

    /// The parsed value, or the raw text as the error.
    pub fn into_result(self) -> Result<T, String> {
        match self {
            Lenient::Parsed(value) => Ok(value),
            Lenient::Raw(text) => Err(text),
        }
    }
}

impl<T: StringFormat> Lenient<T> {
    /// Parses `text`, keeping it as [`Lenient::Raw`] when it does not parse.
    pub fn parse(text: &str) -> Self {
        text.parse().map_or_else(|_| Lenient::Raw(text.to_owned()), Lenient::Parsed)
    }
}

impl<T: Default> Default for Lenient<T> {
    fn default() -> Self {
        Lenient::Parsed(T::default())
    }
}

impl<T> From<T> for Lenient<T> {
    fn from(value: T) -> Self {
        Lenient::Parsed(value)
    }
}

impl<T: Serialize> Serialize for Lenient<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Lenient::Parsed(value) => value.serialize(serializer),
            Lenient::Raw(text) => serializer.serialize_str(text),
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
                    Ok(value) => Ok(Lenient::Parsed(value)),
                    Err(err) => {
                        if STRICT.get() {
                            // Not the text itself: decode errors never quote the body.
                            return Err(E::custom(format_args!("invalid {}: {err}", T::NAME)));
                        }
                        KEPT.set(KEPT.get().saturating_add(1));
                        Ok(Lenient::Raw(text.to_owned()))
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
