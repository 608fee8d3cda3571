//! [`Decimal`]: money and other decimal values as exact text.
//!
//! Bitrix24 sends money as decimal text (`"OPPORTUNITY": "1000000.00"`) and parses numeric
//! strings on input. Passing such values through `f64` loses digits (`0.1 + 0.2`), so they
//! are kept as the text the portal wrote, normalized only where the value cannot change.

use std::error::Error as StdError;
use std::fmt;
use std::str::FromStr;

use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::lenient::Lenient;

/// A decimal number kept as exact text, for money and quantities.
///
/// The text is normalized: an optional `-`, digits, and optionally `.` and more digits.
/// A leading `+` and redundant leading zeros are dropped (`"+007.50"` is `"7.50"`), `"-0.00"`
/// is `"0.00"`, `".5"` is `"0.5"` and `"5."` is `"5"`; trailing zeros of the fraction are
/// kept, so `"1000000.00"` reads and writes back as `"1000000.00"`. Equality and hashing
/// compare that text: `"1.0"` and `"1.00"` are different values. Exponents (`"1e5"`) are
/// rejected.
///
/// Serializes as a JSON string (Bitrix24 parses numeric strings, and a string stays exact).
/// Deserializes from a string or a number; [`Lenient`] also maps `""`, `null` and `false`
/// to nothing. A JSON number that is not an integer arrives as `f64`; it is written with
/// Rust's shortest round-trip formatting, so `19999.99` reads as `"19999.99"`.
///
/// ```
/// use bitrix24_wire::Decimal;
///
/// let price: Decimal = "1000000.00".parse()?;
/// assert_eq!(price.as_str(), "1000000.00");
/// assert_eq!(serde_json::to_string(&price).unwrap(), r#""1000000.00""#);
///
/// let read: Decimal = serde_json::from_str("19999.99").unwrap();
/// assert_eq!(read.to_string(), "19999.99");
///
/// assert!("1e5".parse::<Decimal>().is_err());
/// assert_eq!(Decimal::from(-42_i64).as_str(), "-42");
/// # Ok::<(), bitrix24_wire::ParseDecimalError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Decimal {
    text: String,
}

impl Decimal {
    /// The normalized decimal text, e.g. `"1000000.00"` or `"-3.5"`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The value as `f64`. Lossy: use it for display or arithmetic where rounding does not
    /// matter, never for money that is written back.
    pub fn to_f64(&self) -> f64 {
        // The normalized text is always valid `f64` syntax; very long values round.
        self.text.parse().unwrap_or(f64::NAN)
    }

    /// Builds a decimal from an `f64` with Rust's shortest round-trip formatting
    /// (`0.1` is `"0.1"`). `None` for NaN and infinities.
    fn from_f64(v: f64) -> Option<Self> {
        if v.is_finite() {
            normalize(&v.to_string()).ok().map(|text| Decimal { text })
        } else {
            None
        }
    }
}

/// Why a text is not a [`Decimal`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDecimalError {
    text: String,
    exponent: bool,
}

impl fmt::Display for ParseDecimalError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.exponent {
            write!(
                f,
                "invalid decimal {:?}: exponent notation is not accepted, write the digits out",
                self.text
            )
        } else {
            write!(
                f,
                "invalid decimal {:?}: expected digits with an optional sign and decimal point",
                self.text
            )
        }
    }
}

impl StdError for ParseDecimalError {}

/// Whether a text is normalized already (`177799.99`, `0.00`, `42`): digits without a
/// redundant leading zero, and at most one `.` with digits on both sides. Such a text is
/// its own normal form, copied without [`normalize`]'s rebuilding; portals write money so.
#[inline]
fn is_normal(s: &str) -> bool {
    let b = s.as_bytes();
    let int_len = b.iter().position(|&c| c == b'.').unwrap_or(b.len());
    let (int_part, rest) = b.split_at(int_len);
    let int_ok = match int_part {
        [] => false,
        [b'0'] => true,
        [first, ..] => *first != b'0' && int_part.iter().all(u8::is_ascii_digit),
    };
    let frac_ok = match rest {
        [] => true,
        [_dot, frac @ ..] => !frac.is_empty() && frac.iter().all(u8::is_ascii_digit),
    };
    int_ok && frac_ok
}

fn normalize(s: &str) -> Result<String, ParseDecimalError> {
    if is_normal(s) {
        Ok(s.to_owned())
    } else {
        rebuild(s)
    }
}

/// [`normalize`] by taking the text apart and writing its normal form.
fn rebuild(s: &str) -> Result<String, ParseDecimalError> {
    let fail = |exponent| ParseDecimalError {
        text: s.to_owned(),
        exponent,
    };
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, s.get(1..).unwrap_or("")),
        Some(b'+') => (false, s.get(1..).unwrap_or("")),
        _ => (false, s),
    };
    let (int_part, frac_part) = match body.split_once('.') {
        Some((i, f)) => (i, f),
        None => (body, ""),
    };
    let digits_only = |p: &str| p.bytes().all(|b| b.is_ascii_digit());
    if !digits_only(int_part)
        || !digits_only(frac_part)
        || (int_part.is_empty() && frac_part.is_empty())
    {
        let exponent = body.bytes().any(|b| b == b'e' || b == b'E')
            && body.bytes().any(|b| b.is_ascii_digit());
        return Err(fail(exponent));
    }
    let int_part = int_part.trim_start_matches('0');
    let all_zero = int_part.is_empty() && frac_part.bytes().all(|b| b == b'0');
    let mut text = String::with_capacity(s.len() + 1);
    if negative && !all_zero {
        text.push('-');
    }
    text.push_str(if int_part.is_empty() { "0" } else { int_part });
    if !frac_part.is_empty() {
        text.push('.');
        text.push_str(frac_part);
    }
    Ok(text)
}

impl FromStr for Decimal {
    type Err = ParseDecimalError;

    /// Parses decimal text: optional sign, digits, optional fraction. No whitespace, no
    /// exponent.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        normalize(s).map(|text| Decimal { text })
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl fmt::Debug for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Decimal").field(&self.text).finish()
    }
}

macro_rules! decimal_from_int {
    ($($t:ty),*) => {$(
        impl From<$t> for Decimal {
            fn from(v: $t) -> Self {
                Decimal { text: v.to_string() }
            }
        }
    )*};
}
decimal_from_int!(i64, u64, i32, u32);

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

/// Reads a decimal from a string or a number; `lenient` adds trimming and "nothing".
struct DecimalVisitor {
    lenient: bool,
}

impl DecimalVisitor {
    fn text<E: de::Error>(&self, v: &str) -> Result<Option<Decimal>, E> {
        let t = if self.lenient { v.trim() } else { v };
        if self.lenient && t.is_empty() {
            return Ok(None);
        }
        match t.parse::<Decimal>() {
            Ok(d) => Ok(Some(d)),
            Err(e) => Err(E::custom(format_args!(
                "{e}; expected a decimal (number or decimal string)"
            ))),
        }
    }

    fn nothing<E: de::Error>(&self, unexpected: Unexpected<'_>) -> Result<Option<Decimal>, E> {
        if self.lenient {
            Ok(None)
        } else {
            Err(E::invalid_type(unexpected, self))
        }
    }
}

impl<'de> Visitor<'de> for DecimalVisitor {
    type Value = Option<Decimal>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal (number or decimal string)")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Decimal::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        Ok(Some(Decimal {
            text: v.to_string(),
        }))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        Ok(Some(Decimal {
            text: v.to_string(),
        }))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        match Decimal::from_f64(v) {
            Some(d) => Ok(Some(d)),
            None => Err(E::invalid_value(Unexpected::Float(v), &self)),
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.text(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        if v {
            Err(E::invalid_type(Unexpected::Bool(v), &self))
        } else {
            self.nothing(Unexpected::Bool(v))
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.nothing(Unexpected::Unit)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.nothing(Unexpected::Option)
    }

    fn visit_some<D2: Deserializer<'de>>(self, de: D2) -> Result<Self::Value, D2::Error> {
        de.deserialize_any(self)
    }

    fn visit_newtype_struct<D2: Deserializer<'de>>(self, de: D2) -> Result<Self::Value, D2::Error> {
        de.deserialize_any(self)
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(DecimalVisitor { lenient: false })?
            .ok_or_else(|| de::Error::custom("expected a decimal (number or decimal string)"))
    }
}

impl Lenient for Decimal {
    #[inline]
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        de.deserialize_any(DecimalVisitor { lenient: true })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes() {
        let cases = [
            ("0", "0"),
            ("-0", "0"),
            ("-0.00", "0.00"),
            ("+007.50", "7.50"),
            (".5", "0.5"),
            ("5.", "5"),
            ("-.5", "-0.5"),
            ("1000000.00", "1000000.00"),
            ("00", "0"),
        ];
        for (input, want) in cases {
            assert_eq!(normalize(input).as_deref(), Ok(want), "{input:?}");
        }
    }

    #[test]
    fn normal_texts_are_their_own_normal_form() {
        let cases = [
            "0",
            "7",
            "42",
            "177799.99",
            "0.00",
            "0.5",
            "10.0",
            "00",
            "007",
            "0.",
            "5.",
            ".5",
            "-1",
            "+1",
            "-0.00",
            "1.2.3",
            "1e5",
            " 1",
            "",
            ".",
            "1,5",
        ];
        for text in cases {
            if is_normal(text) {
                assert_eq!(rebuild(text).as_deref(), Ok(text), "{text:?}");
            }
        }
        assert!(is_normal("177799.99") && is_normal("0.00") && is_normal("0"));
        assert!(!is_normal("00") && !is_normal("5.") && !is_normal("-0.00"));
    }

    #[test]
    fn rejects() {
        for input in [
            "", "-", "+", ".", "-.", "1.2.3", "1,5", " 1", "1 ", "abc", "--1", "0x10",
        ] {
            let err = normalize(input).unwrap_err();
            assert!(!err.exponent, "{input:?}");
        }
        for input in ["1e5", "1E-3", "-2.5e+10"] {
            assert!(normalize(input).unwrap_err().exponent, "{input:?}");
        }
    }
}
