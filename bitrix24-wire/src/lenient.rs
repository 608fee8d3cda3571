//! Lenient reading: the [`Lenient`] trait, its impls for scalar and container types, and the
//! serde helpers generated code names in `deserialize_with`.
//!
//! Real portals send one documented type in several shapes (see the [module docs](super)).
//! A lenient reader accepts all of them and maps every spelling of "nothing" (`null`, `""`,
//! and, for non-text types, `false`) to `Ok(None)`, so that a generated `Option<T>` field is
//! `None` whether the key was missing, `null`, `""` or `false`.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::MapAccessDeserializer;
use serde::de::{
    self, DeserializeSeed, Deserializer, Error as _, IgnoredAny, IntoDeserializer, MapAccess,
    SeqAccess, Unexpected, Visitor,
};

/// A type that can be read the lenient way real Bitrix24 portals need.
///
/// `Ok(None)` means "nothing": `null`, unit, `""`, and for non-text types also `false`.
/// Zero is *not* nothing: an id of `0` reads as `Some(0)`.
///
/// Implemented for `String`, `i64`, `u64`, `i32`, `u32`, `f64`, `bool`, [`Decimal`],
/// [`chrono::NaiveDate`], [`DateTime`], [`serde_json::Value`], [`Multifield`], [`File`],
/// [`Localized`],
/// `Vec<T: Lenient>` and `BTreeMap<String, T: Lenient>`. Generated structs implement it
/// through [`object_or_nothing`], generated enums through [`enum_or_nothing`].
///
/// | type | accepts | nothing |
/// |---|---|---|
/// | `String` | strings; numbers and booleans become their text | `null`, `""` |
/// | integers | numbers (also `5.0`), numeric strings (whitespace trimmed, also `"5.00"`) | `null`, `""`, `false` |
/// | `f64` | numbers, numeric strings | `null`, `""`, `false` |
/// | `bool` | `true`/`false`, `"Y"`/`"N"`, `"y"`/`"n"`, `1`/`0`, `"1"`/`"0"`, `"true"`/`"false"` | `null`, `""` |
/// | `Vec<T>` | arrays; objects (their values in order: PHP arrays with `"0"`, `"1"`, ... keys); one scalar, as a list of one | `null`, `""`, `false` |
/// | `BTreeMap<String, T>` | objects; `[]` (PHP's empty map); arrays (keys `"0"`, `"1"`, ...) | `null`, `""`, `false` |
/// | `Value` | anything | `null` |
///
/// Elements of lists and maps that are themselves "nothing" are dropped.
///
/// [`Decimal`]: super::Decimal
/// [`DateTime`]: super::DateTime
/// [`Multifield`]: super::Multifield
/// [`File`]: super::File
/// [`Localized`]: super::Localized
/// [`enum_or_nothing`]: super::enum_or_nothing
///
/// # Example
///
/// ```
/// use bitrix24_wire::Lenient;
///
/// let mut de = serde_json::Deserializer::from_str(r#"" 42 ""#);
/// assert_eq!(u32::deserialize_lenient(&mut de)?, Some(42));
///
/// let mut de = serde_json::Deserializer::from_str(r#""N""#);
/// assert_eq!(bool::deserialize_lenient(&mut de)?, Some(false));
///
/// let mut de = serde_json::Deserializer::from_str(r#"{"0": "7", "1": 8, "2": null}"#);
/// assert_eq!(Vec::<i64>::deserialize_lenient(&mut de)?, Some(vec![7, 8]));
/// # Ok::<(), serde_json::Error>(())
/// ```
pub trait Lenient: Sized {
    /// Reads a value the lenient way; `Ok(None)` means the wire held "nothing".
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error>;
}

/// Reads an optional field leniently: for `#[serde(default, deserialize_with = "...")]`.
///
/// ```
/// use serde::Deserialize;
///
/// #[derive(Deserialize)]
/// struct Row {
///     #[serde(rename = "PROBABILITY", default, deserialize_with = "bitrix24_wire::lenient")]
///     probability: Option<u32>,
/// }
/// let row: Row = serde_json::from_str(r#"{"PROBABILITY": "99"}"#)?;
/// assert_eq!(row.probability, Some(99));
/// let row: Row = serde_json::from_str(r#"{"PROBABILITY": ""}"#)?;
/// assert_eq!(row.probability, None);
/// let row: Row = serde_json::from_str(r#"{}"#)?;
/// assert_eq!(row.probability, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn lenient<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Lenient,
{
    T::deserialize_lenient(de)
}

/// Reads a required field leniently: "nothing" is the error `a value is required here`.
///
/// A missing key is reported by serde itself (`missing field ...`) unless the field also has
/// `#[serde(default)]`.
pub fn required<'de, D, T>(de: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Lenient,
{
    T::deserialize_lenient(de)?.ok_or_else(|| D::Error::custom("a value is required here"))
}

/// Reads an object leniently: the building block of generated structs' [`Lenient`] impls.
///
/// A map is deserialized as `T`; `null`, unit, `""`, `false` and an empty array `[]` (PHP's
/// empty map) are nothing; anything else is the error `..., expected an object`.
///
/// ```
/// use bitrix24_wire::{Lenient, object_or_nothing};
/// use serde::{Deserialize, Deserializer};
///
/// #[derive(Debug, PartialEq, Deserialize)]
/// struct Stage {
///     #[serde(rename = "NAME")]
///     name: String,
/// }
/// impl Lenient for Stage {
///     fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
///         object_or_nothing(de)
///     }
/// }
///
/// let mut de = serde_json::Deserializer::from_str(r#"{"NAME": "Won"}"#);
/// assert_eq!(Stage::deserialize_lenient(&mut de)?, Some(Stage { name: "Won".into() }));
/// let mut de = serde_json::Deserializer::from_str("[]");
/// assert_eq!(Stage::deserialize_lenient(&mut de)?, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn object_or_nothing<'de, D, T>(de: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: de::Deserialize<'de>,
{
    de.deserialize_any(ObjectOrNothing(PhantomData))
}

struct ObjectOrNothing<T>(PhantomData<T>);

impl<'de, T: de::Deserialize<'de>> Visitor<'de> for ObjectOrNothing<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        T::deserialize(MapAccessDeserializer::new(map)).map(Some)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if seq.next_element::<IgnoredAny>()?.is_none() {
            Ok(None)
        } else {
            Err(A::Error::invalid_type(Unexpected::Seq, &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() {
            Ok(None)
        } else {
            Err(E::invalid_type(Unexpected::Str(v), &self))
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(Unexpected::Bool(v), &self))
        } else {
            Ok(None)
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D2: Deserializer<'de>>(self, de: D2) -> Result<Self::Value, D2::Error> {
        de.deserialize_any(self)
    }

    fn visit_newtype_struct<D2: Deserializer<'de>>(self, de: D2) -> Result<Self::Value, D2::Error> {
        de.deserialize_any(self)
    }
}

/// A [`DeserializeSeed`] reading a `T` leniently: used for elements of lists and maps so
/// that `serde_path_to_error` tracks the element's path.
pub(crate) struct LenientSeed<T>(PhantomData<T>);

impl<T> LenientSeed<T> {
    pub(crate) fn new() -> Self {
        LenientSeed(PhantomData)
    }
}

impl<'de, T: Lenient> DeserializeSeed<'de> for LenientSeed<T> {
    type Value = Option<T>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        T::deserialize_lenient(de)
    }
}

/// Adds the "nothing" cases every lenient visitor shares: unit/none are nothing, `Some` and
/// newtype wrappers are looked through.
macro_rules! nothing_cases {
    () => {
        fn visit_unit<E: ::serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_none<E: ::serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }

        fn visit_some<D2: ::serde::de::Deserializer<'de>>(
            self,
            de: D2,
        ) -> Result<Self::Value, D2::Error> {
            de.deserialize_any(self)
        }

        fn visit_newtype_struct<D2: ::serde::de::Deserializer<'de>>(
            self,
            de: D2,
        ) -> Result<Self::Value, D2::Error> {
            de.deserialize_any(self)
        }
    };
}
pub(crate) use nothing_cases;

// ---------------------------------------------------------------------------------------
// String

struct StringVisitor;

impl<'de> Visitor<'de> for StringVisitor {
    type Value = Option<String>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then(|| v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok((!v.is_empty()).then_some(v))
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        // Portals send `false` for an empty text field (user fields especially).
        Ok(v.then(|| "true".to_owned()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }

    nothing_cases!();
}

impl Lenient for String {
    #[inline]
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        de.deserialize_any(StringVisitor)
    }
}

// ---------------------------------------------------------------------------------------
// Integers

const EXPECTED_INTEGER: &str = "an integer (number or numeric string)";

/// The integer types read leniently; all convert from `i128`.
trait IntTarget: TryFrom<i128> {
    const NAME: &'static str;
}

impl IntTarget for i64 {
    const NAME: &'static str = "i64";
}
impl IntTarget for u64 {
    const NAME: &'static str = "u64";
}
impl IntTarget for i32 {
    const NAME: &'static str = "i32";
}
impl IntTarget for u32 {
    const NAME: &'static str = "u32";
}

struct IntVisitor<T>(PhantomData<T>);

impl<T: IntTarget> IntVisitor<T> {
    fn convert<E: de::Error>(v: i128, unexpected: Unexpected<'_>) -> Result<Option<T>, E> {
        T::try_from(v).map(Some).map_err(|_| {
            let expected = format!("an integer in the range of {}", T::NAME);
            E::invalid_value(unexpected, &expected.as_str())
        })
    }
}

/// The value of a text of 1 to 18 ASCII digits and nothing else (how portals write IDs),
/// which cannot overflow a `u64`; `None` for anything else, which [`parse_integer_text`]
/// then reads.
#[inline]
fn plain_digits(t: &str) -> Option<u64> {
    let b = t.as_bytes();
    if b.is_empty() || b.len() > 18 {
        return None;
    }
    b.iter().try_fold(0u64, |n, &digit| {
        digit
            .is_ascii_digit()
            .then(|| n * 10 + u64::from(digit - b'0'))
    })
}

/// Parses integer text: optional sign, digits, and optionally a fraction of zeros only
/// (`"5.00"`), as portals write quantities. `None` when the text is not such a number.
fn parse_integer_text(t: &str) -> Option<i128> {
    let (int_part, frac) = match t.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    if let Some(f) = frac
        && (f.is_empty() || !f.bytes().all(|b| b == b'0'))
    {
        return None;
    }
    let digits = int_part.strip_prefix(['-', '+']).unwrap_or(int_part);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    int_part.parse::<i128>().ok()
}

impl<'de, T: IntTarget> Visitor<'de> for IntVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(EXPECTED_INTEGER)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Self::convert(i128::from(v), Unexpected::Signed(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Self::convert(i128::from(v), Unexpected::Unsigned(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        let shown = v.to_string();
        Self::convert(v, Unexpected::Other(&shown))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        let shown = v.to_string();
        match i128::try_from(v) {
            Ok(v) => Self::convert(v, Unexpected::Other(&shown)),
            Err(_) => Err(E::invalid_value(
                Unexpected::Other(&shown),
                &format!("an integer in the range of {}", T::NAME).as_str(),
            )),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // Only whole numbers well inside i128's range; `as` is exact for them.
        if v.is_finite() && v.fract() == 0.0 && v.abs() < 1e36 {
            Self::convert(v as i128, Unexpected::Float(v))
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if let Some(n) = plain_digits(v) {
            return Self::convert(i128::from(n), Unexpected::Str(v));
        }
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        match parse_integer_text(t) {
            Some(n) => Self::convert(n, Unexpected::Str(v)),
            None => Err(E::invalid_type(Unexpected::Str(v), &self)),
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

macro_rules! lenient_int {
    ($($t:ty),*) => {$(
        impl Lenient for $t {
            #[inline]
            fn deserialize_lenient<'de, D: Deserializer<'de>>(
                de: D,
            ) -> Result<Option<Self>, D::Error> {
                de.deserialize_any(IntVisitor::<$t>(PhantomData))
            }
        }
    )*};
}
lenient_int!(i64, u64, i32, u32);

// ---------------------------------------------------------------------------------------
// f64

struct F64Visitor;

impl<'de> Visitor<'de> for F64Visitor {
    type Value = Option<f64>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a number (number or numeric string)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let t = v.trim();
        if t.is_empty() {
            return Ok(None);
        }
        // Only plain decimal/exponent text: no "inf", "NaN" and the like.
        let plain = t
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.' | b'e' | b'E'));
        match t.parse::<f64>() {
            Ok(n) if plain && n.is_finite() => Ok(Some(n)),
            _ => Err(E::invalid_type(Unexpected::Str(v), &self)),
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

impl Lenient for f64 {
    #[inline]
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        de.deserialize_any(F64Visitor)
    }
}

// ---------------------------------------------------------------------------------------
// bool

struct BoolVisitor;

impl<'de> Visitor<'de> for BoolVisitor {
    type Value = Option<bool>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"a boolean ("Y"/"N", 1/0, "1"/"0" or true/false)"#)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::invalid_value(Unexpected::Signed(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        match v {
            0 => Ok(Some(false)),
            1 => Ok(Some(true)),
            _ => Err(E::invalid_value(Unexpected::Unsigned(v), &self)),
        }
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        if v == 0.0 {
            Ok(Some(false))
        } else if v == 1.0 {
            Ok(Some(true))
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        // The portal's own spelling first.
        match v {
            "Y" => return Ok(Some(true)),
            "N" => return Ok(Some(false)),
            _ => {}
        }
        let t = v.trim();
        if t.is_empty() {
            Ok(None)
        } else if t.eq_ignore_ascii_case("y") || t == "1" || t.eq_ignore_ascii_case("true") {
            Ok(Some(true))
        } else if t.eq_ignore_ascii_case("n") || t == "0" || t.eq_ignore_ascii_case("false") {
            Ok(Some(false))
        } else {
            Err(E::invalid_value(Unexpected::Str(v), &self))
        }
    }

    nothing_cases!();
}

impl Lenient for bool {
    #[inline]
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        de.deserialize_any(BoolVisitor)
    }
}

// ---------------------------------------------------------------------------------------
// serde_json::Value

impl Lenient for serde_json::Value {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        let v = <serde_json::Value as de::Deserialize>::deserialize(de)?;
        Ok((!v.is_null()).then_some(v))
    }
}

// ---------------------------------------------------------------------------------------
// Keys

/// A map key as text: strings as they are, integer keys as their digits.
struct KeySeed;

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = String;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.to_string())
    }
}

// ---------------------------------------------------------------------------------------
// Vec<T>

struct VecVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for VecVisitor<T> {
    type Value = Option<Vec<T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(r#"a list (an array, or an object with "0", "1", ... keys)"#)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(item) = seq.next_element_seed(LenientSeed::<T>::new())? {
            if let Some(item) = item {
                out.push(item);
            }
        }
        Ok(Some(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(1024));
        while map.next_key_seed(KeySeed)?.is_some() {
            if let Some(item) = map.next_value_seed(LenientSeed::<T>::new())? {
                out.push(item);
            }
        }
        Ok(Some(out))
    }

    // One value where a field holds one or many (`"ProductName": "Chair"` here,
    // `["Chair", "Desk"]` there) is a list of one.
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() {
            Ok(None)
        } else {
            one(v.into_deserializer())
        }
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            one(v.into_deserializer())
        } else {
            Ok(None)
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        one(v.into_deserializer())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        one(v.into_deserializer())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        one(v.into_deserializer())
    }

    nothing_cases!();
}

/// The list of the one value `de` holds (empty when it holds nothing).
fn one<'de, T: Lenient, D: Deserializer<'de>>(de: D) -> Result<Option<Vec<T>>, D::Error> {
    Ok(Some(T::deserialize_lenient(de)?.into_iter().collect()))
}

impl<T: Lenient> Lenient for Vec<T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        de.deserialize_any(VecVisitor(PhantomData))
    }
}

// ---------------------------------------------------------------------------------------
// BTreeMap<String, T>

struct MapVisitor<T>(PhantomData<T>);

impl<'de, T: Lenient> Visitor<'de> for MapVisitor<T> {
    type Value = Option<BTreeMap<String, T>>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map (an object, or an array read as keys \"0\", \"1\", ...)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        while let Some(key) = map.next_key_seed(KeySeed)? {
            if let Some(value) = map.next_value_seed(LenientSeed::<T>::new())? {
                out.insert(key, value);
            }
        }
        Ok(Some(out))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = BTreeMap::new();
        let mut index: u64 = 0;
        while let Some(item) = seq.next_element_seed(LenientSeed::<T>::new())? {
            if let Some(item) = item {
                out.insert(index.to_string(), item);
            }
            index = index.saturating_add(1);
        }
        Ok(Some(out))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if v.is_empty() {
            Ok(None)
        } else {
            Err(E::invalid_type(Unexpected::Str(v), &self))
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

impl<T: Lenient> Lenient for BTreeMap<String, T> {
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        de.deserialize_any(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::{Lenient, parse_integer_text, plain_digits};

    #[test]
    fn plain_digits_read_as_integer_text_reads_them() {
        let cases = [
            "0",
            "7",
            "007",
            "123456789012345678",
            "1234567890123456789",
            "-5",
            "+5",
            " 5",
            "5 ",
            "5.00",
            "1e3",
            "",
            "\u{661}",
        ];
        for text in cases {
            match plain_digits(text) {
                Some(n) => assert_eq!(Some(i128::from(n)), parse_integer_text(text), "{text:?}"),
                None => assert!(
                    text.len() > 18 || !text.bytes().all(|b| b.is_ascii_digit()) || text.is_empty(),
                    "{text:?}"
                ),
            }
        }
    }

    #[test]
    fn integers_from_strings_keep_every_reading() {
        let read = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            u32::deserialize_lenient(&mut de).map_err(|err| err.to_string())
        };
        assert_eq!(read(r#""42""#), Ok(Some(42)));
        assert_eq!(read(r#""4\u0032""#), Ok(Some(42)));
        assert_eq!(read(r#"" 42 ""#), Ok(Some(42)));
        assert_eq!(read(r#""42.00""#), Ok(Some(42)));
        assert_eq!(read(r#""""#), Ok(None));
        assert!(read(r#""-1""#).unwrap_err().contains("range of u32"));
        assert!(
            read(r#""4294967296""#)
                .unwrap_err()
                .contains("range of u32")
        );
        assert!(
            read(r#""99999999999999999999999999""#)
                .unwrap_err()
                .contains("range of u32")
        );
        let wide = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            i64::deserialize_lenient(&mut de).map_err(|err| err.to_string())
        };
        assert_eq!(wide(r#""-7""#), Ok(Some(-7)));
        assert_eq!(
            wide(r#""999999999999999999""#),
            Ok(Some(999_999_999_999_999_999))
        );
        assert_eq!(wide(r#""9223372036854775807""#), Ok(Some(i64::MAX)));
        assert!(
            wide(r#""9223372036854775808""#)
                .unwrap_err()
                .contains("range of i64")
        );
    }

    #[test]
    fn yes_no_keeps_every_reading() {
        let read = |json: &str| {
            let mut de = serde_json::Deserializer::from_str(json);
            bool::deserialize_lenient(&mut de).map_err(|err| err.to_string())
        };
        assert_eq!(read(r#""Y""#), Ok(Some(true)));
        assert_eq!(read(r#""N""#), Ok(Some(false)));
        assert_eq!(read(r#""\u0059""#), Ok(Some(true)));
        assert_eq!(read(r#"" y ""#), Ok(Some(true)));
        assert_eq!(read(r#""n""#), Ok(Some(false)));
        assert_eq!(read(r#""""#), Ok(None));
        assert!(read(r#""YY""#).is_err());
    }

    #[test]
    fn integer_text() {
        let cases: &[(&str, Option<i128>)] = &[
            ("0", Some(0)),
            ("-0", Some(0)),
            ("+7", Some(7)),
            ("5.00", Some(5)),
            ("-5.0", Some(-5)),
            ("5.", None),
            ("5.5", None),
            (".0", None),
            ("-", None),
            ("+-1", None),
            ("1e3", None),
            ("١٢", None),
            ("", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_integer_text(text), *want, "{text:?}");
        }
    }
}
