//! `Decimal`: exact decimal text in, exact decimal text out.

use bitrix24_wire::{Decimal, Lenient};

fn lenient(json: &str) -> Result<Option<Decimal>, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    Decimal::deserialize_lenient(&mut de).map_err(|e| e.to_string())
}

fn strict(json: &str) -> Result<Decimal, String> {
    serde_json::from_str(json).map_err(|e| e.to_string())
}

#[test]
fn from_str_normalizes_and_keeps_digits() {
    let cases = [
        ("1000000.00", "1000000.00"),
        ("0.00", "0.00"),
        ("-0.00", "0.00"),
        ("+5", "5"),
        ("007.10", "7.10"),
        (".5", "0.5"),
        ("5.", "5"),
        ("-12.345", "-12.345"),
        (
            "123456789012345678901234567890.123456789",
            "123456789012345678901234567890.123456789",
        ),
    ];
    for (input, want) in cases {
        let d: Decimal = input.parse().unwrap();
        assert_eq!(d.as_str(), want, "{input}");
        assert_eq!(d.to_string(), want, "{input}");
        assert_eq!(format!("{d:?}"), format!("Decimal({want:?})"));
        // The normalized text is a fixed point.
        assert_eq!(want.parse::<Decimal>().unwrap(), d);
    }
}

#[test]
fn from_str_rejects_with_clear_messages() {
    let err = "1e5".parse::<Decimal>().unwrap_err().to_string();
    assert_eq!(
        err,
        r#"invalid decimal "1e5": exponent notation is not accepted, write the digits out"#
    );
    for input in [
        "", "-", ".", "abc", "1,5", "1.2.3", " 1", "0x1F", "NaN", "inf", "١",
    ] {
        let err = input.parse::<Decimal>().unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "invalid decimal {input:?}: expected digits with an optional sign and decimal point"
            )
        );
    }
}

#[test]
fn serializes_as_a_json_string() {
    let d: Decimal = "1000000.00".parse().unwrap();
    assert_eq!(serde_json::to_string(&d).unwrap(), r#""1000000.00""#);
    assert_eq!(
        serde_json::to_string(&Decimal::from(-3_i64)).unwrap(),
        r#""-3""#
    );
    assert_eq!(Decimal::from(u64::MAX).as_str(), "18446744073709551615");
    assert_eq!(Decimal::from(7_i32).as_str(), "7");
    assert_eq!(Decimal::from(7_u32).as_str(), "7");
}

#[test]
fn round_trips_as_text_without_losing_digits() {
    for text in [
        "1000000.00",
        "0.30000000000000000000001",
        "0.1",
        "99999999999999999999.99",
        "-0.01",
        "12345678901234567890",
    ] {
        let json = format!("{text:?}");
        let d = strict(&json).unwrap();
        assert_eq!(d.as_str(), text);
        assert_eq!(serde_json::to_string(&d).unwrap(), json);
        assert_eq!(lenient(&json).unwrap().unwrap().as_str(), text);
    }
    // The classic f64 trap stays exact as text.
    let a: Decimal = "0.1".parse().unwrap();
    let b: Decimal = "0.2".parse().unwrap();
    assert_ne!(a.to_f64() + b.to_f64(), 0.3);
    assert_eq!(strict(r#""0.3""#).unwrap().as_str(), "0.3");
}

#[test]
fn numbers_become_their_shortest_text() {
    let cases = [
        ("19999.99", "19999.99"),
        ("0.1", "0.1"),
        ("100", "100"),
        ("-7", "-7"),
        ("18446744073709551615", "18446744073709551615"),
        ("1e3", "1000"),
        ("1.5e-7", "0.00000015"),
        ("2.50", "2.5"),
    ];
    for (json, want) in cases {
        assert_eq!(strict(json).unwrap().as_str(), want, "{json}");
        assert_eq!(lenient(json).unwrap().unwrap().as_str(), want, "{json}");
    }
}

#[test]
fn lenient_nothing_and_trimming() {
    for json in ["null", r#""""#, r#""  ""#, "false"] {
        assert_eq!(lenient(json), Ok(None), "{json}");
    }
    assert_eq!(lenient(r#"" 12.50 ""#).unwrap().unwrap().as_str(), "12.50");
    let err = lenient(r#""1e5""#).unwrap_err();
    assert!(
        err.starts_with(r#"invalid decimal "1e5": exponent notation"#),
        "{err}"
    );
    assert!(
        err.contains("expected a decimal (number or decimal string)"),
        "{err}"
    );
    let err = lenient("true").unwrap_err();
    assert!(
        err.starts_with(
            "invalid type: boolean `true`, expected a decimal (number or decimal string)"
        ),
        "{err}"
    );
    let err = lenient("[]").unwrap_err();
    assert!(
        err.starts_with("invalid type: sequence, expected a decimal"),
        "{err}"
    );
}

#[test]
fn strict_rejects_nothing() {
    for (json, want) in [
        (
            "null",
            "invalid type: null, expected a decimal (number or decimal string)",
        ),
        (
            "false",
            "invalid type: boolean `false`, expected a decimal (number or decimal string)",
        ),
        (r#""""#, r#"invalid decimal "": expected digits"#),
        (r#"" 1""#, r#"invalid decimal " 1""#),
    ] {
        let err = strict(json).unwrap_err();
        assert!(err.starts_with(want), "{json}: {err}");
    }
}

#[test]
fn to_f64_is_lossy_but_close() {
    let d: Decimal = "1000000.00".parse().unwrap();
    assert_eq!(d.to_f64(), 1_000_000.0);
    let d: Decimal = "-0.5".parse().unwrap();
    assert_eq!(d.to_f64(), -0.5);
}

#[test]
fn many_generated_decimals_round_trip() {
    // Deterministic LCG: no dev-dependency needed.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        state >> 33
    };
    for _ in 0..2000 {
        let int_len = 1 + next() % 25;
        let frac_len = next() % 12;
        let mut text = String::new();
        if next() % 2 == 0 {
            text.push('-');
        }
        // First digit non-zero so the text is already canonical.
        text.push(char::from(b'1' + (next() % 9) as u8));
        for _ in 1..int_len {
            text.push(char::from(b'0' + (next() % 10) as u8));
        }
        if frac_len > 0 {
            text.push('.');
            for _ in 0..frac_len {
                text.push(char::from(b'0' + (next() % 10) as u8));
            }
        }
        let d: Decimal = text.parse().unwrap();
        assert_eq!(d.as_str(), text);
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(strict(&json).unwrap(), d);
        assert_eq!(lenient(&json).unwrap(), Some(d));
    }
}
