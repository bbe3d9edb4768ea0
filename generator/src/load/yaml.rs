//! YAML text -> untyped JSON tree, reading integers beyond 64 bits as the
//! nearest float (as serde_json does for JSON) instead of failing the whole
//! document, so that the normalisation stage can clamp them with a warning.

use serde::de::{Deserialize, Deserializer, Error as _, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// Parses YAML text into a JSON value, with merge keys (`<<`) applied, like
/// `serde_yaml::Value` plus `apply_merge` converted with `serde_json::to_value`,
/// except that integers beyond 64 bits become (rounded) floats instead of
/// failing the whole document.
///
/// `serde_yaml` hands integers such as `99999999999999999999` to the value as
/// 128-bit integers, which both `serde_yaml::Value` and `serde_json::Value`
/// reject ("invalid type: integer ... as u128", "JSON number out of range");
/// `serde_json` reads the same literal in JSON text as a float.
/// Loading YAML through this function makes both formats arrive at
/// the normalisation stage the same way, where such bounds are clamped with a warning.
pub fn parse_yaml(text: &str) -> Result<Value, serde_yaml::Error> {
    serde_yaml::from_str::<WideIntegerValue>(text).map(|value| value.0)
}

/// A `serde_json::Value` that also accepts integers beyond 64 bits (as the
/// nearest float), which `serde_yaml` produces for long integer literals.
struct WideIntegerValue(Value);

impl<'de> Deserialize<'de> for WideIntegerValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WideIntegerVisitor).map(WideIntegerValue)
    }
}

struct WideIntegerVisitor;

impl<'de> Visitor<'de> for WideIntegerVisitor {
    type Value = Value;

    fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
        formatter.write_str("any YAML value")
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_i128<E>(self, value: i128) -> Result<Value, E> {
        Ok(match i64::try_from(value) {
            Ok(value) => Value::Number(value.into()),
            Err(_) => float_value(value as f64),
        })
    }

    fn visit_u128<E>(self, value: u128) -> Result<Value, E> {
        Ok(match u64::try_from(value) {
            Ok(value) => Value::Number(value.into()),
            Err(_) => float_value(value as f64),
        })
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(float_value(value))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_string()))
    }

    fn visit_string<E>(self, value: String) -> Result<Value, E> {
        Ok(Value::String(value))
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        WideIntegerValue::deserialize(deserializer).map(|value| value.0)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut sequence: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(WideIntegerValue(item)) = sequence.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut entries: A) -> Result<Value, A::Error> {
        let mut map = Map::new();
        let mut merges = Vec::new();
        while let Some((key, WideIntegerValue(value))) = entries.next_entry::<String, WideIntegerValue>()? {
            if key == "<<" {
                merges.push(value);
            } else {
                map.insert(key, value);
            }
        }
        // YAML merge keys, as `serde_yaml::Value::apply_merge` applies them:
        // the mapping's own keys win, then earlier merged mappings.
        for merge in merges {
            let merged = match merge {
                Value::Array(list) => list,
                single => vec![single],
            };
            for mapping in merged {
                let Value::Object(mapping) = mapping else {
                    return Err(A::Error::custom("a YAML merge key (`<<`) needs a mapping or a list of mappings"));
                };
                for (key, value) in mapping {
                    map.entry(key).or_insert(value);
                }
            }
        }
        Ok(Value::Object(map))
    }
}

/// A float as JSON, with non-finite values as `null` (as `serde_json` does).
fn float_value(value: f64) -> Value {
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}
