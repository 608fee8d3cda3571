//! Reading scalars leniently where the transport itself reads them (envelope counts,
//! batch counts, event requests, offline-queue records): a form sends every value as a
//! string, JSON may send numbers, and PHP writes "nothing" as `""`, `false` or `null`.
//! (Generated types use `bitrix24_types::wire`, which this crate cannot depend on.)

use serde::Deserialize;
use serde::de::{Deserializer, Error as _};
use serde_json::Value;

/// A string or number as text; `None` for anything else (objects, arrays, null, bools).
pub(crate) fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The reading of an optional integer field.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Integer<T> {
    /// Absent or empty (`""`, `null`, `false`).
    Nothing,
    Value(T),
    /// Present but not an integer of this type.
    Invalid,
}

/// An unsigned integer written as a number or a decimal string.
pub(crate) fn integer<T: std::str::FromStr + TryFrom<u64> + TryFrom<i64>>(
    value: Option<&Value>,
) -> Integer<T> {
    match value {
        None | Some(Value::Null) | Some(Value::Bool(false)) => Integer::Nothing,
        Some(Value::String(text)) if text.trim().is_empty() => Integer::Nothing,
        Some(Value::String(text)) => text
            .trim()
            .parse::<T>()
            .map_or(Integer::Invalid, Integer::Value),
        Some(Value::Number(number)) => {
            let converted = match (number.as_u64(), number.as_i64()) {
                (Some(n), _) => T::try_from(n).ok(),
                (None, Some(n)) => T::try_from(n).ok(),
                _ => None,
            };
            converted.map_or(Integer::Invalid, Integer::Value)
        }
        Some(_) => Integer::Invalid,
    }
}

/// [`integer`] with anything invalid read as nothing (for informational fields).
pub(crate) fn unsigned(value: Option<&Value>) -> Option<u64> {
    match integer::<u64>(value) {
        Integer::Value(n) => Some(n),
        Integer::Nothing | Integer::Invalid => None,
    }
}

/// Serde: an unsigned integer from a number or a decimal string.
pub(crate) fn de_u64<'de, D: Deserializer<'de>>(de: D) -> Result<u64, D::Error> {
    let value = Value::deserialize(de)?;
    match integer::<u64>(Some(&value)) {
        Integer::Value(n) => Ok(n),
        Integer::Nothing => Err(D::Error::custom("expected an integer, got nothing")),
        Integer::Invalid => Err(D::Error::custom("expected an integer")),
    }
}

/// Serde: a string, or a number written as text.
pub(crate) fn de_text<'de, D: Deserializer<'de>>(de: D) -> Result<String, D::Error> {
    let value = Value::deserialize(de)?;
    text(Some(&value)).ok_or_else(|| D::Error::custom("expected a string"))
}

/// Serde: optional text; `null`, `false` and `""` are nothing.
pub(crate) fn de_opt_text<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    let value = Value::deserialize(de)?;
    Ok(text(Some(&value)).filter(|text| !text.is_empty()))
}

/// Serde: any value, with PHP's `false` and `""` for "nothing" read as `null`.
pub(crate) fn de_nothing_as_null<'de, D: Deserializer<'de>>(de: D) -> Result<Value, D::Error> {
    let value = Value::deserialize(de)?;
    Ok(match value {
        Value::Bool(false) => Value::Null,
        Value::String(text) if text.is_empty() => Value::Null,
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn integers_from_numbers_and_strings() {
        assert_eq!(integer::<u64>(Some(&json!("185"))), Integer::Value(185));
        assert_eq!(integer::<u64>(Some(&json!(185))), Integer::Value(185));
        assert_eq!(integer::<i64>(Some(&json!(" -5 "))), Integer::Value(-5));
        assert_eq!(integer::<u64>(Some(&json!(-5))), Integer::Invalid);
        assert_eq!(integer::<u64>(Some(&json!("1.5"))), Integer::Invalid);
        assert_eq!(integer::<u64>(Some(&json!(1.5))), Integer::Invalid);
        assert_eq!(integer::<u64>(Some(&json!({"a": 1}))), Integer::Invalid);
        assert_eq!(integer::<u64>(Some(&json!(""))), Integer::Nothing);
        assert_eq!(integer::<u64>(Some(&json!(false))), Integer::Nothing);
        assert_eq!(integer::<u64>(None), Integer::Nothing);
        assert_eq!(unsigned(Some(&json!("x"))), None);
    }
}
