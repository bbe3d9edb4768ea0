//! The traits every generated enum implements the same way, written once.
//!
//! Generated models declare each enum and its wire mapping (`as_str` and
//! `from_wire`, or `value` and `From<i64>`), then call one of these macros
//! for the rest, serde included: a derived `Deserialize` with a catch-all
//! variant would buffer every value and try each variant in turn, and it
//! costs far more to compile.
//! The fixture models in tests/ expand both, and tests/tests/roundtrip.rs
//! checks what they implement.

// Used by generated models only: unused here, and in crates without enums.
#![allow(unused_macros)]

/// `Display`, `FromStr`, `Serialize`, `Deserialize` and
/// [`ParamValue`](crate::runtime::ParamValue) for a generated string enum
/// with an `as_str` method (its wire value) and a `from_wire` function (any
/// value the spec does not list maps to the catch-all variant).
macro_rules! string_enum {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = std::convert::Infallible;

            fn from_str(value: &str) -> Result<Self, Self::Err> {
                Ok(Self::from_wire(value))
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = <crate::runtime::PropertyName<'de> as serde::Deserialize>::deserialize(deserializer)?;
                Ok(Self::from_wire(value.as_str()))
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
