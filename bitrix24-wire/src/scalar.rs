//! Scalars read out of JSON that is already a [`Value`] (a form parsed by
//! [`form::parse`](crate::form::parse), an event request, an envelope's counts), and the
//! serde adapters for fields whose reading must never fail a reply: every value of a form
//! is a string, JSON may send numbers, and PHP writes "nothing" as `""`, `false` or
//! `null`.
//!
//! The rules are those of [`Lenient`]: [`integer`] is `T::deserialize_lenient` over a
//! `Value`, with "cannot read" kept apart from "nothing".
//!
//! ```
//! use bitrix24_wire::scalar::{Integer, integer, text};
//! use serde_json::json;
//!
//! assert_eq!(integer::<u64>(Some(&json!("185"))), Integer::Value(185));
//! assert_eq!(integer::<u64>(Some(&json!(false))), Integer::Nothing);
//! assert_eq!(integer::<u64>(Some(&json!("x"))), Integer::Invalid);
//! assert_eq!(text(Some(&json!(5))).as_deref(), Some("5"));
//! ```

use serde::Deserialize;
use serde::de::Deserializer;
use serde_json::Value;

use crate::lenient::Lenient;

/// A string or number as text; `None` for anything else (objects, arrays, null, bools).
pub fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The reading of an optional integer field.
#[derive(Debug, PartialEq, Eq)]
pub enum Integer<T> {
    /// Absent or empty (`""`, `null`, `false`).
    Nothing,
    /// An integer of this type, from a number or numeric text.
    Value(T),
    /// Present but not an integer of this type.
    Invalid,
}

/// An integer written as a number or as numeric text, read as [`Lenient`] reads it.
pub fn integer<T: Lenient>(value: Option<&Value>) -> Integer<T> {
    let Some(value) = value else {
        return Integer::Nothing;
    };
    match T::deserialize_lenient(value) {
        Ok(Some(n)) => Integer::Value(n),
        Ok(None) => Integer::Nothing,
        Err(_) => Integer::Invalid,
    }
}

/// [`integer`] with anything invalid read as nothing (for informational fields).
pub fn unsigned(value: Option<&Value>) -> Option<u64> {
    match integer::<u64>(value) {
        Integer::Value(n) => Some(n),
        Integer::Nothing | Integer::Invalid => None,
    }
}

/// Serde: a field that only informs (a count, an expiry, a timing): read leniently, and a
/// value of any other shape is nothing rather than a failed reply.
///
/// ```
/// #[derive(serde::Deserialize)]
/// struct Envelope {
///     #[serde(default, deserialize_with = "bitrix24_wire::scalar::informational")]
///     total: Option<u64>,
/// }
/// let read = |json| serde_json::from_str::<Envelope>(json).map(|e| e.total);
/// assert_eq!(read(r#"{"total": "50"}"#)?, Some(50));
/// assert_eq!(read(r#"{"total": {"x": 1}}"#)?, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn informational<'de, D: Deserializer<'de>, T: Lenient>(de: D) -> Result<Option<T>, D::Error> {
    let value = Value::deserialize(de)?;
    Ok(T::deserialize_lenient(&value).ok().flatten())
}

/// Serde: optional text where PHP's `false` is nothing too (`null`, `false` and `""`);
/// numbers become their text.
pub fn text_or_nothing<'de, D: Deserializer<'de>>(de: D) -> Result<Option<String>, D::Error> {
    let value = Value::deserialize(de)?;
    Ok(text(Some(&value)).filter(|text| !text.is_empty()))
}

/// Serde: any value, with PHP's `false` and `""` for "nothing" read as `null`.
pub fn value_or_null<'de, D: Deserializer<'de>>(de: D) -> Result<Value, D::Error> {
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

    #[test]
    fn nothing_in_php_spellings() {
        let opt_text = |v: Value| text_or_nothing(v).unwrap();
        assert_eq!(opt_text(json!(false)), None);
        assert_eq!(opt_text(json!("")), None);
        assert_eq!(opt_text(json!(7)).as_deref(), Some("7"));
        let as_null = |v: Value| value_or_null(v).unwrap();
        assert_eq!(as_null(json!(false)), Value::Null);
        assert_eq!(as_null(json!("")), Value::Null);
        assert_eq!(as_null(json!({"a": 1})), json!({"a": 1}));
    }
}
