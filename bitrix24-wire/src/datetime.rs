//! [`DateTime`] and lenient [`chrono::NaiveDate`]: the date forms real portals send.
//!
//! The documented `datetime` form is ISO 8601 with the portal's offset
//! (`2024-08-30T14:29:00+02:00`), but portals and older methods also send `d.m.Y H:i:s`,
//! `d.m.Y`, `Y-m-d H:i:s` and zone-less `Y-m-dTH:i:s`, and `date` fields often arrive as a
//! full datetime (`2024-08-30T02:00:00+02:00` for the date 2024-08-30). A [`DateTime`] keeps
//! the wall-clock time as written and the offset only when one was written, so nothing is
//! invented and everything written back is what was read.

use std::error::Error as StdError;
use std::fmt;
use std::str::FromStr;

use chrono::{FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone as _};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use super::lenient::Lenient;

/// A date and time as Bitrix24 writes it: wall-clock time plus the offset, if one was given.
///
/// Accepted text ([`FromStr`], [`Deserialize`], [`Lenient`]):
///
/// | form | example |
/// |---|---|
/// | ISO 8601 / RFC 3339 with offset | `2024-08-30T14:29:00+02:00`, `...Z`, `...+0200`, fractional seconds |
/// | `Y-m-dTH:i:s`, `Y-m-d H:i:s` (no zone) | `2024-08-30T14:29:00`, `2024-08-30 14:29:00` |
/// | `Y-m-dTH:i`, `Y-m-d H:i` (no zone) | `2024-08-30 14:29` |
/// | `d.m.Y H:i:s`, `d.m.Y H:i` | `30.08.2024 14:29:00` |
/// | `d.m.Y`, `Y-m-d` (midnight) | `30.08.2024`, `2024-08-30` |
///
/// Surrounding whitespace is ignored. [`Deserialize`] and [`Lenient`] also accept an integer
/// (or fractional) Unix timestamp, read with offset `+00:00`; [`Lenient`] maps `""`, `null`,
/// `false` and `{}` to nothing.
///
/// [`Display`](fmt::Display) and [`Serialize`] write ISO 8601: `2024-08-30T14:29:00+02:00`
/// with an offset, `2024-08-30T14:29:00` without, with fractional seconds only when
/// non-zero. Equality compares the wall-clock time *and* the offset, so the same instant
/// written with two offsets is two different values; compare [`DateTime::to_chrono`] for
/// instants.
///
/// ```
/// use bitrix24_wire::DateTime;
///
/// let created: DateTime = "2024-08-30T14:29:00+02:00".parse()?;
/// assert_eq!(created.offset().map(|o| o.local_minus_utc()), Some(7200));
/// assert_eq!(created.to_string(), "2024-08-30T14:29:00+02:00");
///
/// let legacy: DateTime = "30.08.2024 14:29:00".parse()?;
/// assert_eq!(legacy.offset(), None);
/// assert_eq!(legacy.to_string(), "2024-08-30T14:29:00");
/// assert_eq!(legacy.to_chrono(), None);
/// # Ok::<(), bitrix24_wire::ParseDateTimeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DateTime {
    naive: NaiveDateTime,
    offset: Option<FixedOffset>,
}

impl DateTime {
    /// A datetime from wall-clock time and an optional offset.
    pub fn new(naive: NaiveDateTime, offset: Option<FixedOffset>) -> Self {
        DateTime { naive, offset }
    }

    /// A datetime from a chrono value: its local time and its offset.
    pub fn from_chrono(value: chrono::DateTime<FixedOffset>) -> Self {
        DateTime {
            naive: value.naive_local(),
            offset: Some(*value.offset()),
        }
    }

    /// The chrono value, or `None` when no offset was written (the instant is unknown).
    pub fn to_chrono(&self) -> Option<chrono::DateTime<FixedOffset>> {
        let offset = self.offset?;
        offset.from_local_datetime(&self.naive).single()
    }

    /// The wall-clock date and time as written.
    pub fn naive(&self) -> NaiveDateTime {
        self.naive
    }

    /// The offset as written, `None` for zone-less forms.
    pub fn offset(&self) -> Option<FixedOffset> {
        self.offset
    }

    /// The date as written (the local date in the given offset).
    pub fn date(&self) -> NaiveDate {
        self.naive.date()
    }

    /// A Unix timestamp (seconds, with optional nanoseconds) as a datetime at `+00:00`.
    /// `None` when out of chrono's range or `nanos` is not below one second.
    fn from_timestamp(secs: i64, nanos: u32) -> Option<Self> {
        let utc = chrono::DateTime::from_timestamp(secs, nanos)?;
        Some(DateTime {
            naive: utc.naive_utc(),
            offset: FixedOffset::east_opt(0),
        })
    }

    /// A fractional Unix timestamp as a datetime at `+00:00`.
    fn from_timestamp_f64(v: f64) -> Option<Self> {
        // chrono's range is well inside ±1e13 seconds; beyond that, nothing can be valid.
        if !v.is_finite() || v.abs() > 1e13 {
            return None;
        }
        let secs = v.floor();
        let nanos = ((v - secs) * 1e9).round().clamp(0.0, 999_999_999.0) as u32;
        Self::from_timestamp(secs as i64, nanos)
    }
}

impl From<chrono::DateTime<FixedOffset>> for DateTime {
    fn from(value: chrono::DateTime<FixedOffset>) -> Self {
        DateTime::from_chrono(value)
    }
}

/// Why a text is not a [`DateTime`] (or a date).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseDateTimeError {
    text: String,
}

impl fmt::Display for ParseDateTimeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid datetime {:?}: expected ISO 8601 (2024-08-30T14:29:00+02:00, with or \
             without offset), Y-m-d H:i:s, d.m.Y H:i:s, d.m.Y or Y-m-d",
            self.text
        )
    }
}

impl StdError for ParseDateTimeError {}

/// Zone-less date-time forms, tried in order.
const NAIVE_DATETIME_FORMATS: &[&str] = &[
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%d %H:%M",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
];

/// Date-only forms (midnight).
const DATE_FORMATS: &[&str] = &["%Y-%m-%d", "%d.%m.%Y"];

/// Splits a trailing UTC offset (`Z`, `±hh:mm`, `±hhmm`, `±hh`) off a date-time text.
/// Only a text with a time part (a `:`) can carry an offset, so `2024-08-30` keeps its `-30`.
fn split_offset(s: &str) -> Option<(&str, FixedOffset)> {
    if let Some(rest) = s.strip_suffix(['Z', 'z']) {
        return Some((rest, FixedOffset::east_opt(0)?));
    }
    for len in [9, 6, 5, 3] {
        let Some(cut) = s.len().checked_sub(len) else {
            continue;
        };
        let (Some(rest), Some(tail)) = (s.get(..cut), s.get(cut..)) else {
            continue;
        };
        if !rest.contains(':') {
            continue;
        }
        let bytes = tail.as_bytes();
        let (sign, digits): (i32, &[u8]) = match bytes.split_first() {
            Some((b'+', d)) => (1, d),
            Some((b'-', d)) => (-1, d),
            _ => continue,
        };
        let digit = |i: usize| -> Option<i32> {
            digits
                .get(i)
                .filter(|b| b.is_ascii_digit())
                .map(|b| i32::from(b - b'0'))
        };
        let (h1, h2) = (digit(0), digit(1));
        let (Some(h1), Some(h2)) = (h1, h2) else {
            continue;
        };
        let pair = |i: usize| digit(i).zip(digit(i + 1)).map(|(a, b)| a * 10 + b);
        let colon = |i: usize| digits.get(i) == Some(&b':');
        // (minutes, seconds): `±hh`, `±hhmm`, `±hh:mm`, `±hh:mm:ss` (what chrono displays
        // for an offset with seconds).
        let rest_of_offset = match digits.len() {
            2 => Some((0, 0)),
            4 => pair(2).map(|m| (m, 0)),
            5 if colon(2) => pair(3).map(|m| (m, 0)),
            8 if colon(2) && colon(5) => pair(3).zip(pair(6)),
            _ => None,
        };
        let Some((minutes, seconds)) = rest_of_offset else {
            continue;
        };
        let hours = h1 * 10 + h2;
        if hours > 23 || minutes > 59 || seconds > 59 {
            continue;
        }
        let offset = FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60 + seconds))?;
        return Some((rest, offset));
    }
    None
}

fn parse_naive(s: &str) -> Option<NaiveDateTime> {
    parse_common(s).or_else(|| parse_any(s))
}

/// The form nearly every value has (`2024-08-30T14:29:00` once the offset is split off),
/// read without chrono's format interpreter: a page of 2,500 deals holds 15,000 of them.
/// `None` sends the text down the general path, which reads this form the same way.
#[inline]
fn parse_common(s: &str) -> Option<NaiveDateTime> {
    let b = s.as_bytes();
    if b.len() != 19
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        b[range].iter().try_fold(0u32, |n, digit| {
            digit
                .is_ascii_digit()
                .then(|| n * 10 + u32::from(digit - b'0'))
        })
    };
    let year = i32::try_from(number(0..4)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, number(5..7)?, number(8..10)?)?;
    let time = NaiveTime::from_hms_opt(number(11..13)?, number(14..16)?, number(17..19)?)?;
    Some(date.and_time(time))
}

/// Every accepted form, by chrono's format strings.
fn parse_any(s: &str) -> Option<NaiveDateTime> {
    NAIVE_DATETIME_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
        .or_else(|| {
            DATE_FORMATS
                .iter()
                .find_map(|f| NaiveDate::parse_from_str(s, f).ok())
                .map(|d| d.and_time(NaiveTime::MIN))
        })
}

/// The documented form whole (`2024-08-30T14:29:00+02:00`, 25 bytes), read without
/// trimming or searching for the offset: a deal holds eight of them. `None` sends the text
/// down the general path, which reads this form the same way.
#[inline]
fn parse_with_offset(s: &str) -> Option<DateTime> {
    let b = s.as_bytes();
    if b.len() != 25 || b[22] != b':' {
        return None;
    }
    let sign = match b[19] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let pair = |i: usize| -> Option<i32> {
        let (high, low) = (b[i], b[i + 1]);
        (high.is_ascii_digit() && low.is_ascii_digit())
            .then(|| i32::from(high - b'0') * 10 + i32::from(low - b'0'))
    };
    let (hours, minutes) = (pair(20)?, pair(23)?);
    if hours > 23 || minutes > 59 {
        return None;
    }
    let naive = parse_common(s.get(..19)?)?;
    let offset = FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))?;
    Some(DateTime {
        naive,
        offset: Some(offset),
    })
}

/// Every accepted text form: the offset split off, then the wall-clock time.
fn parse_general(s: &str) -> Option<DateTime> {
    let t = s.trim();
    match split_offset(t) {
        Some((rest, offset)) => parse_naive(rest).map(|naive| DateTime {
            naive,
            offset: Some(offset),
        }),
        None => parse_naive(t).map(|naive| DateTime {
            naive,
            offset: None,
        }),
    }
}

impl FromStr for DateTime {
    type Err = ParseDateTimeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_with_offset(s)
            .or_else(|| parse_general(s))
            .ok_or_else(|| ParseDateTimeError { text: s.to_owned() })
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.naive.format("%Y-%m-%dT%H:%M:%S%.f"))?;
        match self.offset {
            Some(offset) => write!(f, "{offset}"),
            None => Ok(()),
        }
    }
}

impl Serialize for DateTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads a datetime from text or a Unix timestamp; `lenient` adds "nothing".
struct DateTimeVisitor {
    lenient: bool,
    /// Name the error after a date rather than a datetime.
    date: bool,
}

impl DateTimeVisitor {
    fn nothing<E: de::Error>(&self, unexpected: Unexpected<'_>) -> Result<Option<DateTime>, E> {
        if self.lenient {
            Ok(None)
        } else {
            Err(E::invalid_type(unexpected, self))
        }
    }

    fn timestamp<E: de::Error>(
        &self,
        value: Option<DateTime>,
        unexpected: Unexpected<'_>,
    ) -> Result<Option<DateTime>, E> {
        match value {
            Some(v) => Ok(Some(v)),
            None => Err(E::invalid_value(unexpected, &"a Unix timestamp in range")),
        }
    }
}

impl<'de> Visitor<'de> for DateTimeVisitor {
    type Value = Option<DateTime>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.date {
            f.write_str("a date (Y-m-d, d.m.Y or a datetime)")
        } else {
            f.write_str("a datetime (ISO 8601, Y-m-d H:i:s, d.m.Y H:i:s, or a Unix timestamp)")
        }
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if let Some(parsed) = parse_with_offset(v) {
            return Ok(Some(parsed));
        }
        if self.lenient && v.trim().is_empty() {
            return Ok(None);
        }
        match v.parse::<DateTime>() {
            Ok(d) => Ok(Some(d)),
            Err(e) if self.date => Err(E::custom(format_args!(
                "invalid date {:?}: expected Y-m-d, d.m.Y or a datetime",
                e.text
            ))),
            Err(e) => Err(E::custom(e)),
        }
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.timestamp(DateTime::from_timestamp(v, 0), Unexpected::Signed(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        let value = i64::try_from(v)
            .ok()
            .and_then(|v| DateTime::from_timestamp(v, 0));
        self.timestamp(value, Unexpected::Unsigned(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.timestamp(DateTime::from_timestamp_f64(v), Unexpected::Float(v))
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

    /// `{}`: PHP writes a date object it cannot serialise as an empty object
    /// (`sale.cashbox.list`'s `DATE_CREATE`, `user.get`'s `TIMESTAMP_X`); nothing when
    /// lenient. An object with keys is no datetime.
    fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if map.next_key::<de::IgnoredAny>()?.is_some() {
            return Err(de::Error::invalid_type(Unexpected::Map, &self));
        }
        self.nothing(Unexpected::Map)
    }
}

impl<'de> Deserialize<'de> for DateTime {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        de.deserialize_any(DateTimeVisitor {
            lenient: false,
            date: false,
        })?
        .ok_or_else(|| de::Error::custom("expected a datetime"))
    }
}

impl Lenient for DateTime {
    #[inline]
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        de.deserialize_any(DateTimeVisitor {
            lenient: true,
            date: false,
        })
    }
}

/// A date: `Y-m-d`, `d.m.Y`, or any [`DateTime`] form, of which the date *as written* is
/// taken (`2024-08-30T02:00:00+02:00` is 2024-08-30, not the UTC date). A Unix timestamp
/// gives its UTC date. chrono's own `Serialize` for `NaiveDate` writes `Y-m-d`, the
/// documented request form.
impl Lenient for NaiveDate {
    #[inline]
    fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
        let dt = de.deserialize_any(DateTimeVisitor {
            lenient: true,
            date: true,
        })?;
        Ok(dt.map(|d| d.date()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_common_form_reads_as_chrono_reads_it() {
        // Valid, invalid and near-miss texts of the 19-byte form: the fast path gives what
        // the format strings give, or steps aside.
        let mut texts = vec![
            "2024-08-30T14:29:00".to_owned(),
            "2024-08-30 14:29:00".to_owned(),
            "2024-02-29T23:59:59".to_owned(),
            "2023-02-29T10:00:00".to_owned(),
            "2024-13-01T10:00:00".to_owned(),
            "2024-08-30T24:00:00".to_owned(),
            "2024-08-30T23:59:60".to_owned(),
            "2024-08-30T1a:29:00".to_owned(),
            "2024-08-30X14:29:00".to_owned(),
            "+024-08-30T14:29:00".to_owned(),
            "0000-01-01T00:00:00".to_owned(),
            "2024-8-30T14:29:000".to_owned(),
        ];
        let mut seed = 0x2545_f491_4f6c_dd1d_u64;
        for _ in 0..5_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = |modulus: u64, shift: u32| (seed >> shift) % modulus;
            texts.push(format!(
                "{:04}-{:02}-{:02}{}{:02}:{:02}:{:02}",
                n(10_000, 0),
                n(14, 8),
                n(33, 16),
                if seed & 1 == 0 { 'T' } else { ' ' },
                n(26, 24),
                n(62, 32),
                n(62, 40),
            ));
        }
        let mut read = 0;
        for text in &texts {
            let fast = parse_common(text);
            if fast.is_some() {
                read += 1;
                assert_eq!(fast, parse_any(text), "{text}");
            }
            assert_eq!(parse_naive(text), parse_any(text), "{text}");
        }
        assert!(read > 1_000, "the fast path read only {read} texts");
    }

    #[test]
    fn the_form_with_offset_reads_as_the_general_path_reads_it() {
        let mut texts = vec![
            "2024-08-30T14:29:00+02:00".to_owned(),
            "2024-08-30 14:29:00-03:30".to_owned(),
            "2024-08-30T14:29:00+00:00".to_owned(),
            "2024-08-30T14:29:00-00:00".to_owned(),
            "2024-02-29T23:59:59+23:59".to_owned(),
            "2023-02-29T10:00:00+03:00".to_owned(),
            "2024-08-30T14:29:00+24:00".to_owned(),
            "2024-08-30T14:29:00+02:60".to_owned(),
            "2024-08-30T14:29:00+0a:00".to_owned(),
            "2024-08-30T14:29:00*02:00".to_owned(),
            "2024-08-30T14:29:00+02-00".to_owned(),
            "2024-08-30T14:29:00+0200 ".to_owned(),
            " 2024-08-30T14:29:00+0200".to_owned(),
            "2024-08-30T14:29+02:00:00".to_owned(),
            "30.08.2024 14:29:00+02:00".to_owned(),
            "2024-08-30T14:29:00.5+02:".to_owned(),
            "2024-08-30T14:29:00+\u{e9}:0".to_owned(),
            "\u{e9}024-08-30T14:29:00+02:00".to_owned(),
            "2024-08-30T14:29:0\u{e9}02:00".to_owned(),
        ];
        let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
        for _ in 0..5_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let n = |modulus: u64, shift: u32| (seed >> shift) % modulus;
            texts.push(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}{:02}:{:02}",
                n(10_000, 0),
                n(14, 8),
                n(33, 16),
                n(26, 24),
                n(62, 32),
                n(62, 40),
                if seed & 1 == 0 { '+' } else { '-' },
                n(26, 48),
                n(62, 56),
            ));
        }
        let mut read = 0;
        for text in &texts {
            let fast = parse_with_offset(text);
            if fast.is_some() {
                read += 1;
                assert_eq!(fast, parse_general(text), "{text}");
            }
            assert_eq!(text.parse::<DateTime>().ok(), parse_general(text), "{text}");
        }
        assert!(read > 500, "the fast path read only {read} texts");
        // Odd forms step aside from the fast path and still read through the general one.
        assert!(parse_with_offset(" 2024-08-30T14:29:00+02:00").is_none());
        assert!(" 2024-08-30T14:29:00+02:00 ".parse::<DateTime>().is_ok());
        assert!("2024-08-30T14:29:00Z".parse::<DateTime>().is_ok());
    }

    #[test]
    fn offsets() {
        let cases: &[(&str, Option<(&str, i32)>)] = &[
            ("2024-08-30T14:29:00Z", Some(("2024-08-30T14:29:00", 0))),
            (
                "2024-08-30T14:29:00+02:00",
                Some(("2024-08-30T14:29:00", 7200)),
            ),
            (
                "2024-08-30T14:29:00-0330",
                Some(("2024-08-30T14:29:00", -12600)),
            ),
            (
                "2024-08-30T14:29:00+05",
                Some(("2024-08-30T14:29:00", 18000)),
            ),
            (
                "2024-08-30T14:29:00+02:00:30",
                Some(("2024-08-30T14:29:00", 7230)),
            ),
            ("2024-08-30T14:29:00+02:00:60", None),
            ("2024-08-30", None),
            ("30.08.2024", None),
            ("2024-08-30T14:29:00", None),
            ("2024-08-30T14:29:00+24:00", None),
            ("2024-08-30T14:29:00+02:60", None),
            ("+02:00", None),
            ("", None),
            ("é+02:00", None),
        ];
        for (input, want) in cases {
            let got = split_offset(input).map(|(rest, o)| (rest, o.local_minus_utc()));
            assert_eq!(got, *want, "{input:?}");
        }
    }
}
