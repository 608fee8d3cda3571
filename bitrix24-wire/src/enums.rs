//! Open enums: [`WireEnum`] and the serde helpers generated enums call.
//!
//! Bitrix24 enumerations grow: portals add stages, types and sources the spec does not
//! list. A generated enum therefore has a catch-all `Unknown(String)` variant, and reading
//! never fails on an unlisted value; writing sends the value back as it was read.

use std::fmt;
use std::marker::PhantomData;

use serde::Serializer;
use serde::de::{self, Deserializer, Error as _, Unexpected, Visitor};

use super::lenient::nothing_cases;

/// An enumeration with a text form on the wire and a catch-all for values it does not list.
///
/// The generator emits, for each enum, `impl WireEnum` plus `Serialize`/`Deserialize`/
/// [`Lenient`](super::Lenient) impls that call [`serialize_enum`], [`deserialize_enum`] and
/// [`enum_or_nothing`]:
///
/// ```
/// use bitrix24_wire::{self as wire, Lenient, WireEnum};
/// use serde::{Deserialize, Deserializer, Serialize, Serializer};
///
/// #[derive(Debug, Clone, PartialEq, Eq)]
/// pub enum StageSemantic { InProgress, Success, Failure, Unknown(String) }
///
/// impl WireEnum for StageSemantic {
///     fn from_wire(value: &str) -> Self {
///         match value {
///             "P" => Self::InProgress,
///             "S" => Self::Success,
///             "F" => Self::Failure,
///             other => Self::Unknown(other.to_owned()),
///         }
///     }
///     fn as_wire(&self) -> &str {
///         match self {
///             Self::InProgress => "P",
///             Self::Success => "S",
///             Self::Failure => "F",
///             Self::Unknown(other) => other,
///         }
///     }
/// }
/// impl Serialize for StageSemantic {
///     fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
///         wire::serialize_enum(self, s)
///     }
/// }
/// impl<'de> Deserialize<'de> for StageSemantic {
///     fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
///         wire::deserialize_enum(de)
///     }
/// }
/// impl Lenient for StageSemantic {
///     fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
///         wire::enum_or_nothing(de)
///     }
/// }
///
/// let s: StageSemantic = serde_json::from_str(r#""S""#).unwrap();
/// assert_eq!(s, StageSemantic::Success);
/// let x: StageSemantic = serde_json::from_str(r#""X""#).unwrap();
/// assert_eq!(x, StageSemantic::Unknown("X".into()));
/// assert_eq!(serde_json::to_string(&x).unwrap(), r#""X""#);
/// ```
pub trait WireEnum: Sized {
    /// The variant for a wire value; unlisted values become the catch-all variant.
    fn from_wire(value: &str) -> Self;
    /// The wire value of this variant (for the catch-all, the text it was read from).
    fn as_wire(&self) -> &str;
}

/// Reads an enum leniently: a string or a number is [`WireEnum::from_wire`] of its text
/// (`2` reads as `"2"`); `""`, `null` and `false` are nothing.
pub fn enum_or_nothing<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: WireEnum,
{
    de.deserialize_any(EnumVisitor(PhantomData))
}

/// Reads an enum strictly: like [`enum_or_nothing`], but nothing is the error
/// `a value is required here`.
pub fn deserialize_enum<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: WireEnum,
{
    enum_or_nothing(de)?.ok_or_else(|| D::Error::custom("a value is required here"))
}

/// Writes an enum as the string [`WireEnum::as_wire`].
pub fn serialize_enum<S, T>(value: &T, s: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: WireEnum,
{
    s.serialize_str(value.as_wire())
}

/// Writes an enum whose values are integers (`crm_enum_activitytype`: `1` meeting, `2`
/// call) as the JSON number [`WireEnum::as_wire`] spells, as the portal documents such a
/// field; a value that is not an integer (an unlisted one kept as read) as its string.
///
/// ```
/// use bitrix24_wire::{self as wire, WireEnum};
///
/// struct Priority(String);
/// impl WireEnum for Priority {
///     fn from_wire(value: &str) -> Self { Priority(value.to_owned()) }
///     fn as_wire(&self) -> &str { &self.0 }
/// }
/// let mut out = Vec::new();
/// wire::serialize_numeric_enum(&Priority("2".into()), &mut serde_json::Serializer::new(&mut out)).unwrap();
/// assert_eq!(out, b"2");
/// ```
pub fn serialize_numeric_enum<S, T>(value: &T, s: S) -> Result<S::Ok, S::Error>
where
    S: Serializer,
    T: WireEnum,
{
    let text = value.as_wire();
    match text.parse::<i64>() {
        Ok(number) if number.to_string() == text => s.serialize_i64(number),
        _ => s.serialize_str(text),
    }
}

struct EnumVisitor<T>(PhantomData<T>);

impl<'de, T: WireEnum> Visitor<'de> for EnumVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an enumeration value (string or number)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then(|| T::from_wire(v)))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(T::from_wire(&v.to_string())))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(T::from_wire(&v.to_string())))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v.is_finite() {
            Ok(Some(T::from_wire(&v.to_string())))
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(Unexpected::Bool(v), &self))
        } else {
            Ok(None)
        }
    }

    nothing_cases!();
}
