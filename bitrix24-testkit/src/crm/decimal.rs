//! Exact decimal arithmetic for money and quantities: the CRM keeps amounts as fixed-point
//! decimals (two places for money), so the portal computes and rounds them on digits,
//! never through `f64`, where `0.1 + 0.2` is not `0.3` and long amounts lose digits.

use std::cmp::Ordering;

use serde_json::Value;

/// The most digits a value may have: what `i128` holds with room for one product.
const MAX_DIGITS: usize = 18;

/// A decimal number: `units / 10^scale`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decimal {
    units: i128,
    scale: u32,
}

impl Decimal {
    pub(crate) const ZERO: Decimal = Decimal { units: 0, scale: 0 };

    /// A whole number.
    pub(crate) fn whole(n: i64) -> Decimal {
        Decimal {
            units: i128::from(n),
            scale: 0,
        }
    }

    /// Decimal text as clients write it: an optional sign, digits, and a fraction after
    /// `.` or `,`; surrounding blanks are ignored. `None` for anything else (exponents,
    /// more than 18 significant digits on either side of the point).
    pub(crate) fn parse(text: &str) -> Option<Decimal> {
        let text = text.trim();
        let (negative, body) = match text.as_bytes().first()? {
            b'-' => (true, &text[1..]),
            b'+' => (false, &text[1..]),
            _ => (false, text),
        };
        let (whole, fraction) = match body.split_once(['.', ',']) {
            Some((whole, fraction)) => (whole, fraction),
            None => (body, ""),
        };
        let digits = |part: &str| part.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) || !digits(fraction) || (whole.is_empty() && fraction.is_empty()) {
            return None;
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > MAX_DIGITS || fraction.len() > MAX_DIGITS {
            return None;
        }
        let mut units: i128 = 0;
        for b in whole.bytes().chain(fraction.bytes()) {
            units = units * 10 + i128::from(b - b'0');
        }
        Some(Decimal {
            units: if negative { -units } else { units },
            scale: fraction.len() as u32,
        })
    }

    /// A JSON value as a decimal: decimal text, or a number as serde_json writes it back
    /// (the request's own text where the caller kept it, see `product_rows`).
    pub(crate) fn of_value(value: &Value) -> Option<Decimal> {
        match value {
            Value::String(text) => Decimal::parse(text),
            Value::Number(number) => Decimal::parse(&number.to_string()),
            _ => None,
        }
    }

    fn pow10(exponent: u32) -> Option<i128> {
        10_i128.checked_pow(exponent)
    }

    /// The units at a larger scale.
    fn units_at(self, scale: u32) -> Option<i128> {
        self.units
            .checked_mul(Self::pow10(scale.checked_sub(self.scale)?)?)
    }

    pub(crate) fn add(self, other: Decimal) -> Option<Decimal> {
        let scale = self.scale.max(other.scale);
        Some(Decimal {
            units: self.units_at(scale)?.checked_add(other.units_at(scale)?)?,
            scale,
        })
    }

    pub(crate) fn sub(self, other: Decimal) -> Option<Decimal> {
        self.add(Decimal {
            units: -other.units,
            scale: other.scale,
        })
    }

    pub(crate) fn mul(self, other: Decimal) -> Option<Decimal> {
        Some(Decimal {
            units: self.units.checked_mul(other.units)?,
            scale: self.scale + other.scale,
        })
    }

    /// `self / other` rounded half away from zero to `scale` places; `None` for a zero
    /// divisor or an overflow.
    pub(crate) fn div(self, other: Decimal, scale: u32) -> Option<Decimal> {
        if other.units == 0 {
            return None;
        }
        // self.units / 10^s1 / (other.units / 10^s2) * 10^scale, with one more digit to round.
        let shift = (scale + 1 + other.scale).checked_sub(self.scale);
        let (numerator, denominator) = match shift {
            Some(shift) => (self.units.checked_mul(Self::pow10(shift)?)?, other.units),
            None => (
                self.units,
                other
                    .units
                    .checked_mul(Self::pow10(self.scale - scale - 1 - other.scale)?)?,
            ),
        };
        let tenths = numerator / denominator;
        Some(Decimal {
            units: round_last_digit(tenths),
            scale,
        })
    }

    /// Rounded half away from zero to `scale` places (or as it is, if it has fewer).
    pub(crate) fn round(self, scale: u32) -> Decimal {
        if self.scale <= scale {
            return self;
        }
        let drop = Self::pow10(self.scale - scale - 1).unwrap_or(i128::MAX);
        Decimal {
            units: round_last_digit(self.units / drop),
            scale,
        }
    }

    pub(crate) fn is_zero(self) -> bool {
        self.units == 0
    }

    /// The text with exactly `scale` places (`899.10`), rounding half away from zero.
    pub(crate) fn fixed(self, scale: u32) -> String {
        let rounded = self.round(scale);
        let units = rounded.units_at(scale).unwrap_or(rounded.units);
        format_units(units, scale)
    }

    /// The shortest text of the value, as PHP writes a float: no trailing zeros in the
    /// fraction and no point for a whole number (`899.1`, `999`, `0.3`).
    pub(crate) fn plain(self) -> String {
        let mut units = self.units;
        let mut scale = self.scale;
        while scale > 0 && units % 10 == 0 {
            units /= 10;
            scale -= 1;
        }
        format_units(units, scale)
    }
}

/// `tenths` has one digit more than wanted: drop it, rounding half away from zero.
fn round_last_digit(tenths: i128) -> i128 {
    let (quotient, remainder) = (tenths / 10, tenths % 10);
    if remainder >= 5 {
        quotient + 1
    } else if remainder <= -5 {
        quotient - 1
    } else {
        quotient
    }
}

fn format_units(units: i128, scale: u32) -> String {
    let digits = units.unsigned_abs().to_string();
    let scale = scale as usize;
    let padded = if digits.len() <= scale {
        format!("{}{digits}", "0".repeat(scale + 1 - digits.len()))
    } else {
        digits
    };
    let (whole, fraction) = padded.split_at(padded.len() - scale);
    let sign = if units < 0 { "-" } else { "" };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Decimal {}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Decimal {
    fn cmp(&self, other: &Self) -> Ordering {
        let scale = self.scale.max(other.scale);
        match (self.units_at(scale), other.units_at(scale)) {
            (Some(a), Some(b)) => a.cmp(&b),
            // Out of range only for values far beyond any amount: compare by sign.
            _ => self.units.signum().cmp(&other.units.signum()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Decimal {
        Decimal::parse(text).unwrap()
    }

    #[test]
    fn parses_and_writes_back_exactly() {
        for (text, plain, fixed) in [
            ("0.3", "0.3", "0.30"),
            ("19999999.99", "19999999.99", "19999999.99"),
            ("1000", "1000", "1000.00"),
            ("-0,5", "-0.5", "-0.50"),
            (" 899.10 ", "899.1", "899.10"),
            ("+007.125", "7.125", "7.13"),
            ("-7.125", "-7.125", "-7.13"),
            (
                "123456789012345678.99",
                "123456789012345678.99",
                "123456789012345678.99",
            ),
            (".5", "0.5", "0.50"),
        ] {
            assert_eq!(d(text).plain(), plain, "{text}");
            assert_eq!(d(text).fixed(2), fixed, "{text}");
        }
        for bad in ["", "-", "1e5", "1.2.3", "abc", "0x1", "1234567890123456789"] {
            assert!(Decimal::parse(bad).is_none(), "{bad}");
        }
        assert_eq!(
            Decimal::of_value(&serde_json::json!(0.3)).unwrap().plain(),
            "0.3"
        );
        assert!(Decimal::of_value(&serde_json::json!(null)).is_none());
    }

    #[test]
    fn arithmetic_is_exact_and_rounds_half_away_from_zero() {
        assert_eq!(d("0.1").add(d("0.2")).unwrap(), d("0.3"));
        assert_eq!(d("899.1").div(d("0.9"), 2).unwrap().fixed(2), "999.00");
        assert_eq!(d("100").div(d("3"), 2).unwrap().fixed(2), "33.33");
        assert_eq!(d("2").div(d("3"), 2).unwrap().fixed(2), "0.67");
        assert_eq!(d("-2").div(d("3"), 2).unwrap().fixed(2), "-0.67");
        assert_eq!(d("1.005").div(d("1"), 2).unwrap().fixed(2), "1.01");
        assert_eq!(d("10000").div(d("0.0001"), 2).unwrap().plain(), "100000000");
        assert!(d("1").div(Decimal::ZERO, 2).is_none());
        assert_eq!(d("19999999.99").mul(d("3")).unwrap().plain(), "59999999.97");
        assert_eq!(d("5").sub(d("7.5")).unwrap().plain(), "-2.5");
        assert!(d("1.10") == d("1.1") && d("2") > d("1.99") && Decimal::whole(0).is_zero());
    }
}
