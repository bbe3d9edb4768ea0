//! The traits every generated enum implements the same way, written once.
//!
//! Generated models declare each enum and its wire mapping (`as_str`, or
//! `value` and `From<i64>`), then call one of these macros for the rest.
//! The fixture models in tests/ expand both, and tests/tests/roundtrip.rs
//! checks what they implement.

// Used by generated models only: unused here, and in crates without enums.
#![allow(unused_macros)]

/// `Display`, `FromStr` and [`ParamValue`](crate::runtime::ParamValue) for a
/// generated string enum with an `as_str` method, a derived `Deserialize`,
/// and a catch-all variant (`$unknown`) for values the spec does not list.
macro_rules! string_enum {
    ($name:ident, $unknown:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                // The derived `Deserialize` maps every listed value, and
                // anything else to the catch-all, so it cannot fail.
                let wire = serde::de::value::StrDeserializer::<serde::de::value::Error>::new(value);
                Ok(<Self as serde::Deserialize>::deserialize(wire)
                    .unwrap_or_else(|_| Self::$unknown(value.to_string())))
            }
        }

        impl crate::runtime::ParamValue for $name {
            fn to_param(&self) -> String {
                self.as_str().to_string()
            }
        }
    };
}

/// `Display`, `Serialize`, `Deserialize` and
/// [`ParamValue`](crate::runtime::ParamValue) for a generated integer enum
/// with a `value` method and a `From<i64>` impl.
macro_rules! integer_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.value())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.value())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                <i64 as serde::Deserialize>::deserialize(deserializer).map(Self::from)
            }
        }

        impl crate::runtime::ParamValue for $name {
            fn to_param(&self) -> String {
                self.value().to_string()
            }
        }
    };
}

// Path-addressable (`crate::runtime::string_enum!`) without exporting them
// from the generated crate; a crate whose spec has no enums leaves them unused.
#[allow(unused_imports)]
pub(crate) use {integer_enum, string_enum};
