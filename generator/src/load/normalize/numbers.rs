//! Numbers: numeric 2020-12 `exclusiveMinimum`/`exclusiveMaximum` become 3.0
//! bounds; bounds, counts and values openapiv3 cannot read (integers beyond
//! 64 bits, float-spelled integers, fractions in integer schemas) are
//! clamped, rewritten or dropped.

use serde_json::{json, Map, Value};

use super::json::{compact, insert_before};
use super::rewrites::SchemaSite;
use super::Normalizer;
use crate::diagnostics::pointer_join;

/// Keywords whose value must be a non-negative integer (`openapiv3` reads them as `usize`).
const COUNT_KEYWORDS: &[&str] = &["minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"];

impl Normalizer {
    /// Numeric `exclusiveMinimum: n` (2020-12) becomes `minimum: n,
    /// exclusiveMinimum: true` (3.0), unless `minimum` is already stricter.
    /// Boolean `exclusiveMinimum` is 3.0 syntax and stays.
    pub(super) fn exclusive_bounds(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
        for (exclusive_keyword, bound_keyword, is_lower) in
            [("exclusiveMinimum", "minimum", true), ("exclusiveMaximum", "maximum", false)]
        {
            let Some(Value::Number(exclusive)) = map.get(exclusive_keyword).cloned() else { continue };
            let keyword_pointer = pointer_join(pointer, exclusive_keyword);
            let bound = map.get(bound_keyword).and_then(Value::as_number).cloned();
            let bound_is_stricter = bound.as_ref().is_some_and(|bound| {
                let (bound, exclusive) = (bound.as_f64().unwrap_or(0.0), exclusive.as_f64().unwrap_or(0.0));
                if is_lower {
                    bound > exclusive
                } else {
                    bound < exclusive
                }
            });
            if bound_is_stricter {
                map.shift_remove(exclusive_keyword);
                let bound = bound.map(|bound| bound.to_string()).unwrap_or_default();
                self.lossless(
                    keyword_pointer,
                    format!("`{exclusive_keyword}: {exclusive}` dropped: `{bound_keyword}: {bound}` is stricter"),
                );
                continue;
            }
            map.insert(exclusive_keyword.into(), Value::Bool(true));
            if map.contains_key(bound_keyword) {
                map.insert(bound_keyword.into(), Value::Number(exclusive.clone()));
            } else {
                insert_before(map, exclusive_keyword, bound_keyword, Value::Number(exclusive.clone()));
            }
            let replaced =
                bound.map(|bound| format!(" (replacing the weaker `{bound_keyword}: {bound}`)")).unwrap_or_default();
            self.lossless(
                keyword_pointer,
                format!(
                    "`{exclusive_keyword}: {exclusive}` rewritten to `{bound_keyword}: {exclusive}, \
                     {exclusive_keyword}: true`{replaced}"
                ),
            );
        }
    }

    /// Integer bounds must be `i64` for openapiv3 (which otherwise reads the
    /// schema as an untyped "any" schema), and counts must be `usize`.
    pub(super) fn numbers(&mut self, map: &mut Map<String, Value>, site: &SchemaSite<'_>) {
        let pointer = site.pointer;
        for keyword in COUNT_KEYWORDS {
            let Some(Value::Number(count)) = map.get(*keyword) else { continue };
            let Some(value) = count.as_f64().filter(|value| count.is_f64() && value.fract() == 0.0 && *value >= 0.0)
            else {
                continue;
            };
            if value > u64::MAX as f64 {
                continue;
            }
            let shown = count.to_string();
            let integer = value as u64;
            map.insert((*keyword).into(), json!(integer));
            self.lossless(
                pointer_join(pointer, keyword),
                format!("`{keyword}: {shown}` rewritten to the integer {integer}"),
            );
        }
        if is_integer_schema(map) {
            self.integer_bounds(map, pointer);
            self.integer_values(map, pointer);
        } else {
            // YAML spells numbers beyond f64 (`1e400`) as strings; the nearest
            // finite bound is the largest f64.
            for keyword in ["minimum", "maximum", "multipleOf"] {
                let Some(Value::String(text)) = map.get(keyword) else { continue };
                let Some(infinite) = text.parse::<f64>().ok().filter(|value| value.is_infinite()) else { continue };
                let shown = text.clone();
                let finite = if infinite > 0.0 { f64::MAX } else { f64::MIN };
                map.insert(keyword.into(), json!(finite));
                self.lossy(
                    pointer_join(pointer, keyword),
                    format!("`{keyword}: {shown}` is beyond the range of a 64-bit float; clamped to {finite:e}"),
                );
            }
        }
    }

    fn integer_bounds(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        for keyword in ["minimum", "maximum", "multipleOf"] {
            let Some(value) = map.get(keyword) else { continue };
            let shown = compact(value);
            let keyword_pointer = pointer_join(pointer, keyword);
            match fit_integer(value) {
                IntegerFit::Exact | IntegerFit::NotANumber => {}
                fit @ (IntegerFit::IntegralFloat(_) | IntegerFit::OutOfRange(_)) => {
                    self.write_integer(map, keyword, &shown, &keyword_pointer, fit)
                }
                IntegerFit::Fraction(fraction) if keyword == "multipleOf" => {
                    map.shift_remove(keyword);
                    self.lossy(
                        keyword_pointer,
                        format!("`multipleOf: {fraction}` dropped: integer schemas need an integer `multipleOf`"),
                    );
                }
                IntegerFit::Fraction(fraction) => {
                    // The integers >= 2.5 (or > 2.5) are those >= 3.
                    let (rounded, exclusive_keyword) = if keyword == "minimum" {
                        (fraction.ceil(), "exclusiveMinimum")
                    } else {
                        (fraction.floor(), "exclusiveMaximum")
                    };
                    let integer = match fit_float(rounded) {
                        IntegerFit::IntegralFloat(integer) | IntegerFit::OutOfRange(integer) => integer,
                        _ => continue,
                    };
                    map.insert(keyword.into(), json!(integer));
                    let mut message = format!(
                        "`{keyword}: {shown}` is not an integer; rewritten to {integer}, the same bound for integers"
                    );
                    if map.get(exclusive_keyword) == Some(&Value::Bool(true)) {
                        map.shift_remove(exclusive_keyword);
                        message.push_str(&format!(" (`{exclusive_keyword}: true` dropped: it excluded no integer)"));
                    }
                    self.lossless(keyword_pointer, message);
                }
            }
        }
    }

    /// Writes back an integral float as the integer, or an out-of-range
    /// number as the nearest `i64`, with the warning that says which.
    fn write_integer(
        &mut self,
        map: &mut Map<String, Value>,
        keyword: &str,
        shown: &str,
        pointer: &str,
        fit: IntegerFit,
    ) {
        let (integer, message) = match fit {
            IntegerFit::OutOfRange(clamped) => {
                (clamped, format!("`{keyword}: {shown}` is outside the 64-bit integer range; clamped to {clamped}"))
            }
            IntegerFit::IntegralFloat(integer) => {
                (integer, format!("`{keyword}: {shown}` rewritten to the integer {integer}{}", rounding_note(integer)))
            }
            _ => return,
        };
        map.insert(keyword.into(), json!(integer));
        self.report(may_lose(&fit), pointer.to_string(), message);
    }

    /// `default`, `example` and `enum` of an integer schema: float-spelled
    /// integers become integers, out-of-range ones are clamped, and enum
    /// values with a fraction (which no integer can equal) are dropped.
    fn integer_values(&mut self, map: &mut Map<String, Value>, pointer: &str) {
        // Changed values are lost when clamped or maybe rounded; values no
        // integer equals could never match, and dropping them loses nothing.
        for keyword in ["default", "example"] {
            let Some(value) = map.get(keyword) else { continue };
            let shown = compact(value);
            let keyword_pointer = pointer_join(pointer, keyword);
            if let fit @ (IntegerFit::IntegralFloat(_) | IntegerFit::OutOfRange(_)) = fit_integer(value) {
                self.write_integer(map, keyword, &shown, &keyword_pointer, fit);
            }
        }
        let enum_pointer = pointer_join(pointer, "enum");
        let Some(Value::Array(values)) = map.get_mut("enum") else { return };
        let mut notes = Vec::new();
        let mut loses = false;
        let mut kept = Vec::with_capacity(values.len());
        for value in values.drain(..) {
            let shown = compact(&value);
            let fit = fit_integer(&value);
            loses |= may_lose(&fit);
            match fit {
                IntegerFit::IntegralFloat(integer) => {
                    notes.push(format!("{shown} rewritten to the integer {integer}{}", rounding_note(integer)));
                    kept.push(json!(integer));
                }
                IntegerFit::OutOfRange(clamped) => {
                    notes.push(format!("{shown} is outside the 64-bit integer range, clamped to {clamped}"));
                    kept.push(json!(clamped));
                }
                IntegerFit::Fraction(_) => notes.push(format!("{shown} dropped: no integer equals it")),
                IntegerFit::Exact | IntegerFit::NotANumber => kept.push(value),
            }
        }
        *values = kept;
        if !notes.is_empty() {
            self.report(loses, enum_pointer, format!("`enum` of an integer schema: {}", notes.join("; ")));
        }
    }
}

/// Whether a schema (after the type-array rewrite, or about to undergo it)
/// reads its bounds as integers.
fn is_integer_schema(map: &Map<String, Value>) -> bool {
    match map.get("type") {
        Some(Value::String(name)) => name == "integer",
        Some(Value::Array(names)) => {
            names.iter().any(|name| name == "integer") && !names.iter().any(|name| name == "number")
        }
        _ => false,
    }
}

/// How a JSON value fits an `i64`.
enum IntegerFit {
    /// It is an `i64` already.
    Exact,
    /// A float without fraction (`1e3`, `5.0`) that fits.
    IntegralFloat(i64),
    /// Beyond the `i64` range: the nearest `i64`.
    OutOfRange(i64),
    /// A finite number with a fraction.
    Fraction(f64),
    /// Not a number at all: for someone else to judge.
    NotANumber,
}

fn fit_integer(value: &Value) -> IntegerFit {
    match value {
        Value::Number(number) if number.is_i64() => IntegerFit::Exact,
        // A u64 that is no i64 is above i64::MAX.
        Value::Number(number) if number.is_u64() => IntegerFit::OutOfRange(i64::MAX),
        Value::Number(number) => number.as_f64().map_or(IntegerFit::NotANumber, fit_float),
        // YAML spells numbers beyond f64 (`1e400`) as strings.
        Value::String(text) => match text.parse::<f64>() {
            Ok(number) if number.is_infinite() => fit_float(number),
            _ => IntegerFit::NotANumber,
        },
        _ => IntegerFit::NotANumber,
    }
}

/// Whether writing a value as this fit may lose it: a clamped value, or an
/// integer read from a float beyond 2^53 (see [`rounding_note`]).
fn may_lose(fit: &IntegerFit) -> bool {
    match fit {
        IntegerFit::OutOfRange(_) => true,
        IntegerFit::IntegralFloat(integer) => !rounding_note(*integer).is_empty(),
        IntegerFit::Exact | IntegerFit::Fraction(_) | IntegerFit::NotANumber => false,
    }
}

/// For an integer read from a float literal: a note when the float may have
/// been rounded (beyond 2^53, not every integer is a float).
fn rounding_note(integer: i64) -> &'static str {
    if integer.unsigned_abs() > 1 << 53 {
        " (as read: an integer this large may have been rounded)"
    } else {
        ""
    }
}

fn fit_float(number: f64) -> IntegerFit {
    // -2^63 and 2^63 are exact in f64; i64 holds [-2^63, 2^63).
    const LOWEST: f64 = -9_223_372_036_854_775_808.0;
    const PAST_HIGHEST: f64 = 9_223_372_036_854_775_808.0;
    if number.is_nan() {
        IntegerFit::NotANumber
    } else if number < LOWEST {
        IntegerFit::OutOfRange(i64::MIN)
    } else if number >= PAST_HIGHEST {
        IntegerFit::OutOfRange(i64::MAX)
    } else if number.fract() == 0.0 {
        IntegerFit::IntegralFloat(number as i64)
    } else {
        IntegerFit::Fraction(number)
    }
}
