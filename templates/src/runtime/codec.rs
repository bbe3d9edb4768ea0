//! Serde helpers used by generated models.

use std::fmt;
use std::ops::Deref;

use base64::Engine as _;
use bytes::Bytes;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::params::ParamValue;

/// Bytes carried as base64 text on the wire (`type: string, format: byte`).
///
/// Serializes with the standard alphabet and padding; deserializes standard
/// or URL-safe alphabets, with or without padding, ignoring ASCII whitespace.
#[derive(Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Base64(pub Bytes);

impl Base64 {
    /// Wraps bytes.
    pub fn new(data: impl Into<Bytes>) -> Self {
        Base64(data.into())
    }

    /// The decoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The decoded bytes, without copying.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// The base64 text (standard alphabet, padded).
    pub fn encode(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }

    /// Decodes base64 text leniently (see the type's documentation).
    pub fn decode(text: &str) -> Result<Self, base64::DecodeError> {
        use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
        let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let url_safe = compact.contains(['-', '_']);
        let padded = compact.ends_with('=');
        let engine = match (url_safe, padded) {
            (false, true) => STANDARD,
            (false, false) => STANDARD_NO_PAD,
            (true, true) => URL_SAFE,
            (true, false) => URL_SAFE_NO_PAD,
        };
        engine.decode(compact.as_bytes()).map(|v| Base64(Bytes::from(v)))
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The content may be key material: show its size only.
        write!(f, "Base64({} bytes)", self.0.len())
    }
}

impl Deref for Base64 {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Base64 {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(v: Vec<u8>) -> Self {
        Base64(Bytes::from(v))
    }
}

impl From<Bytes> for Base64 {
    fn from(b: Bytes) -> Self {
        Base64(b)
    }
}

impl From<&[u8]> for Base64 {
    fn from(b: &[u8]) -> Self {
        Base64(Bytes::copy_from_slice(b))
    }
}

impl From<Base64> for Bytes {
    fn from(b: Base64) -> Self {
        b.0
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.encode())
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Base64;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Base64, E> {
                Base64::decode(v).map_err(|e| E::custom(format!("invalid base64: {e}")))
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

impl ParamValue for Base64 {
    /// The base64 text (standard alphabet, padded).
    fn to_param(&self) -> String {
        self.encode()
    }
}

/// Deserializes an optional, nullable field (`Option<Option<T>>`): an absent
/// field is `None` (with `#[serde(default)]`), `null` is `Some(None)` and a
/// value is `Some(Some(value))`.
pub fn deserialize_nullable<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}
