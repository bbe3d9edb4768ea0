//! Parameter values and their serialization.

use std::borrow::Cow;

use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS, NON_ALPHANUMERIC};

/// Everything except the RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
pub(crate) const COMPONENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Characters that cannot appear in a cookie value (RFC 6265 `cookie-octet`), plus `%`.
const COOKIE_VALUE: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b',').add(b';').add(b'\\').add(b'%');

/// Percent-encodes everything that is not an unreserved character (borrowing
/// `s` when it has nothing to encode, as most ids and numbers do).
pub(crate) fn encode_component(s: &str) -> Cow<'_, str> {
    utf8_percent_encode(s, COMPONENT).into()
}

/// Percent-encodes what a cookie value cannot contain.
pub(crate) fn encode_cookie_value(s: &str) -> String {
    utf8_percent_encode(s, COOKIE_VALUE).to_string()
}

/// A value that can be sent as a path, query, header or cookie parameter.
///
/// `to_param` returns the plain (not yet percent-encoded) text of the value;
/// the request encodes it as its location requires.
pub trait ParamValue {
    /// The plain text form of the value.
    fn to_param(&self) -> String;
}

impl ParamValue for str {
    fn to_param(&self) -> String {
        self.to_owned()
    }
}

impl ParamValue for String {
    fn to_param(&self) -> String {
        self.clone()
    }
}

impl ParamValue for bool {
    fn to_param(&self) -> String {
        if *self { "true" } else { "false" }.to_owned()
    }
}

macro_rules! display_param {
    ($($t:ty),* $(,)?) => {
        $(
            impl ParamValue for $t {
                fn to_param(&self) -> String {
                    self.to_string()
                }
            }
        )*
    };
}

display_param!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize, f32, f64);

impl ParamValue for chrono::DateTime<chrono::Utc> {
    /// RFC 3339, e.g. `2024-05-01T12:00:00Z`.
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamValue for chrono::DateTime<chrono::FixedOffset> {
    /// RFC 3339, e.g. `2024-05-01T12:00:00+02:00`.
    fn to_param(&self) -> String {
        self.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)
    }
}

impl ParamValue for chrono::NaiveDate {
    /// RFC 3339 full-date, e.g. `2024-05-01`.
    fn to_param(&self) -> String {
        self.format("%Y-%m-%d").to_string()
    }
}

impl ParamValue for uuid::Uuid {
    /// Hyphenated lower case, e.g. `67e55044-10b1-426f-9247-bb680e5fe0c8`.
    fn to_param(&self) -> String {
        self.hyphenated().to_string()
    }
}

impl ParamValue for serde_json::Value {
    /// Strings unquoted, `null` as the empty string, everything else as JSON text.
    fn to_param(&self) -> String {
        match self {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            other => other.to_string(),
        }
    }
}

impl<T: ParamValue + ?Sized> ParamValue for &T {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

impl<T: ParamValue + ?Sized> ParamValue for Box<T> {
    fn to_param(&self) -> String {
        (**self).to_param()
    }
}

/// How an object-valued query parameter is serialized (OpenAPI `style`/`explode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryObjectStyle {
    /// `style: form`. Exploded: `k1=v1&k2=v2`; not exploded: `name=k1,v1,k2,v2`.
    Form {
        /// The OpenAPI `explode` flag.
        explode: bool,
    },
    /// `style: deepObject`: `name[k1]=v1&name[k2][k3]=v2` (nested objects recurse,
    /// arrays repeat the key).
    DeepObject,
}
