//! Serde for generated structs and string enums, written once.
//!
//! Generated structs implement `Serialize` through [`Entries`] and
//! `Deserialize` through [`MapModel`]: one `from_map` per struct that reads each property into a
//! typed slot. serde's derive would emit about sixty functions for each
//! struct that keeps unknown properties (`#[serde(flatten)]` needs a field
//! visitor for every kind of key), and rustc type-checks, borrow-checks and
//! compiles each of them; on large specs that was most of a crate's compile
//! time. The behaviour is the derive's: listed properties by their wire
//! names, `missing field` and `duplicate field` errors, unknown properties
//! kept (or ignored when the schema is closed).

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// A generated struct, read from a JSON object property by property.
pub trait MapModel: Sized {
    /// The type's name, for errors (`invalid type: ..., expected struct Pet`).
    const NAME: &'static str;

    /// Reads every property of one object.
    fn from_map<'de, A: MapAccess<'de>>(map: Properties<'de, A>) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of a generated struct.
pub fn deserialize_model<'de, T: MapModel, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ModelVisitor(PhantomData))
}

struct ModelVisitor<T>(PhantomData<T>);

impl<'de, T: MapModel> Visitor<'de> for ModelVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::from_map(Properties { map, input: PhantomData })
    }
}

/// A property name (or a string enum's wire value), borrowed from the input
/// when the input allows it, so that matching it allocates nothing.
#[derive(Debug)]
pub struct PropertyName<'de>(Cow<'de, str>);

impl PropertyName<'_> {
    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name, owned: for a property the spec does not list.
    pub fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for PropertyName<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(NameVisitor)
    }
}

struct NameVisitor;

impl<'de> Visitor<'de> for NameVisitor {
    type Value = PropertyName<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E: de::Error>(self, value: &'de str) -> Result<Self::Value, E> {
        Ok(PropertyName(Cow::Borrowed(value)))
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<Self::Value, E> {
        Ok(PropertyName(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: de::Error>(self, value: String) -> Result<Self::Value, E> {
        Ok(PropertyName(Cow::Owned(value)))
    }
}

/// The properties of one JSON object, as a generated struct's reader takes
/// them: a name, then the value read into the slot of a listed property,
/// kept with the unknown ones, or skipped.
pub struct Properties<'de, A> {
    map: A,
    input: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> Properties<'de, A> {
    /// The next property's name, or `None` at the end of the object.
    pub fn next_key(&mut self) -> Result<Option<PropertyName<'de>>, A::Error> {
        self.map.next_key()
    }

    /// Reads the value of listed property `name` into its slot; the same
    /// property twice in one object is an error, as with serde's derive.
    pub fn read<T: Deserialize<'de>>(&mut self, slot: &mut Option<T>, name: &'static str) -> Result<(), A::Error> {
        if slot.is_some() {
            return Err(de::Error::duplicate_field(name));
        }
        *slot = Some(self.map.next_value()?);
        Ok(())
    }

    /// Reads the value of a property the spec does not list into `extra`
    /// (a later value under the same name replaces an earlier one).
    pub fn keep<T: Deserialize<'de>>(
        &mut self,
        name: PropertyName<'de>,
        extra: &mut impl Extend<(String, T)>,
    ) -> Result<(), A::Error> {
        let value = self.map.next_value()?;
        extra.extend(std::iter::once((name.into_string(), value)));
        Ok(())
    }

    /// Skips the value of a property a closed schema does not list.
    pub fn skip(&mut self) -> Result<(), A::Error> {
        self.map.next_value::<de::IgnoredAny>().map(|_| ())
    }
}

/// The `missing field` error for the first of `required` (each `(is_missing,
/// name)`) that is missing: generated readers check every required property
/// in one place, so that they have one early return for all of them.
pub fn missing_property<E: de::Error>(required: &[(bool, &'static str)]) -> E {
    let name = required.iter().find(|(is_missing, _)| *is_missing).map_or("", |(_, name)| name);
    E::missing_field(name)
}

/// The properties of a generated struct as it is written: listed ones in
/// order (an absent optional one left out, `null` kept), then unknown ones.
/// One call per property (statements, so that a struct of any size stays
/// flat); after the first error the rest are skipped and [`end`] returns
/// that error.
///
/// [`end`]: Entries::end
pub struct Entries<M: SerializeMap> {
    map: Result<M, M::Error>,
}

impl<M: SerializeMap> Entries<M> {
    /// Starts an object.
    pub fn new<S: Serializer<SerializeMap = M, Error = M::Error>>(serializer: S) -> Self {
        Entries { map: serializer.serialize_map(None) }
    }

    /// Writes a property that is always there (`null` when a nullable one is `None`).
    pub fn required<T: Serialize + ?Sized>(&mut self, name: &'static str, value: &T) {
        self.write(|map| map.serialize_entry(name, value));
    }

    /// Writes an optional property, unless it is absent (`None`).
    pub fn optional<T: Serialize>(&mut self, name: &'static str, value: &Option<T>) {
        if let Some(value) = value {
            self.required(name, value);
        }
    }

    /// Writes the properties the spec does not list.
    pub fn extra<'a, T: Serialize + 'a>(&mut self, properties: impl IntoIterator<Item = (&'a String, &'a T)>) {
        self.write(|map| properties.into_iter().try_for_each(|(name, value)| map.serialize_entry(name, value)));
    }

    /// Runs `write` unless an earlier write failed; keeps its error.
    fn write(&mut self, write: impl FnOnce(&mut M) -> Result<(), M::Error>) {
        if let Ok(map) = &mut self.map {
            if let Err(error) = write(map) {
                self.map = Err(error);
            }
        }
    }

    /// Ends the object, or returns the first error.
    pub fn end(self) -> Result<M::Ok, M::Error> {
        self.map?.end()
    }
}
