//! `DateTime` and lenient `NaiveDate`: every form portals send.

use bitrix24_wire::{DateTime, Lenient};
use chrono::{FixedOffset, NaiveDate, NaiveDateTime};

fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, mo, d)
        .unwrap()
        .and_hms_opt(h, mi, s)
        .unwrap()
}

fn east(secs: i32) -> Option<FixedOffset> {
    FixedOffset::east_opt(secs)
}

fn lenient_dt(json: &str) -> Result<Option<DateTime>, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    DateTime::deserialize_lenient(&mut de).map_err(|e| e.to_string())
}

fn lenient_date(json: &str) -> Result<Option<NaiveDate>, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    NaiveDate::deserialize_lenient(&mut de).map_err(|e| e.to_string())
}

#[test]
fn parses_every_accepted_form() {
    let at = naive(2024, 8, 30, 14, 29, 0);
    let midnight = naive(2024, 8, 30, 0, 0, 0);
    // (input, naive, offset seconds, canonical display)
    let cases: &[(&str, NaiveDateTime, Option<i32>, &str)] = &[
        (
            "2024-08-30T14:29:00+02:00",
            at,
            Some(7200),
            "2024-08-30T14:29:00+02:00",
        ),
        (
            "2024-08-30T14:29:00-05:30",
            at,
            Some(-19800),
            "2024-08-30T14:29:00-05:30",
        ),
        (
            "2024-08-30T14:29:00+0200",
            at,
            Some(7200),
            "2024-08-30T14:29:00+02:00",
        ),
        (
            "2024-08-30T14:29:00Z",
            at,
            Some(0),
            "2024-08-30T14:29:00+00:00",
        ),
        (
            "2024-08-30 14:29:00+03:00",
            at,
            Some(10800),
            "2024-08-30T14:29:00+03:00",
        ),
        ("2024-08-30T14:29:00", at, None, "2024-08-30T14:29:00"),
        ("2024-08-30 14:29:00", at, None, "2024-08-30T14:29:00"),
        ("2024-08-30 14:29", at, None, "2024-08-30T14:29:00"),
        ("2024-08-30T14:29", at, None, "2024-08-30T14:29:00"),
        ("30.08.2024 14:29:00", at, None, "2024-08-30T14:29:00"),
        ("30.08.2024 14:29", at, None, "2024-08-30T14:29:00"),
        ("30.08.2024", midnight, None, "2024-08-30T00:00:00"),
        ("2024-08-30", midnight, None, "2024-08-30T00:00:00"),
        (
            "  2024-08-30T14:29:00+02:00 ",
            at,
            Some(7200),
            "2024-08-30T14:29:00+02:00",
        ),
    ];
    for (input, want_naive, want_offset, display) in cases {
        let d: DateTime = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(d.naive(), *want_naive, "{input}");
        assert_eq!(d.offset(), want_offset.and_then(east), "{input}");
        assert_eq!(d.to_string(), *display, "{input}");
        // Display is itself accepted and round-trips to the same value.
        assert_eq!(display.parse::<DateTime>().unwrap(), d, "{input}");
        // Through serde: strict and lenient agree, and serialize writes the display form.
        let json = format!("{input:?}");
        assert_eq!(serde_json::from_str::<DateTime>(&json).unwrap(), d);
        assert_eq!(lenient_dt(&json).unwrap(), Some(d));
        assert_eq!(serde_json::to_string(&d).unwrap(), format!("{display:?}"));
    }
}

#[test]
fn fractional_seconds_survive() {
    let d: DateTime = "2024-08-30T14:29:00.123+02:00".parse().unwrap();
    assert_eq!(d.to_string(), "2024-08-30T14:29:00.123+02:00");
    let d: DateTime = "2024-08-30T14:29:00.123456789Z".parse().unwrap();
    assert_eq!(d.to_string(), "2024-08-30T14:29:00.123456789+00:00");
    let d: DateTime = "2024-08-30 14:29:00.5".parse().unwrap();
    assert_eq!(d.to_string(), "2024-08-30T14:29:00.500");
}

#[test]
fn rejects_with_a_message_naming_the_forms() {
    for input in [
        "",
        "yesterday",
        "2024-13-01",
        "31.02.2024",
        "2024-08-30T25:00:00",
        "2024-08-30T14:29:00+25:00",
        "2024-08-30T14:29:00 +02:00 extra",
        "1725020945",
    ] {
        let err = input.parse::<DateTime>().unwrap_err().to_string();
        assert_eq!(
            err,
            format!(
                "invalid datetime {input:?}: expected ISO 8601 (2024-08-30T14:29:00+02:00, with \
                 or without offset), Y-m-d H:i:s, d.m.Y H:i:s, d.m.Y or Y-m-d"
            )
        );
    }
}

#[test]
fn chrono_conversions() {
    let d: DateTime = "2024-08-30T14:29:00+02:00".parse().unwrap();
    let c = d.to_chrono().unwrap();
    assert_eq!(c.to_rfc3339(), "2024-08-30T14:29:00+02:00");
    assert_eq!(DateTime::from_chrono(c), d);
    assert_eq!(DateTime::from(c), d);
    assert_eq!(d.date(), NaiveDate::from_ymd_opt(2024, 8, 30).unwrap());
    let zoneless = DateTime::new(naive(2024, 8, 30, 14, 29, 0), None);
    assert_eq!(zoneless.to_chrono(), None);
    assert_eq!(zoneless, "30.08.2024 14:29:00".parse().unwrap());
    // An offset with seconds (only constructible, never sent) still round-trips.
    let odd = DateTime::new(naive(2024, 8, 30, 14, 29, 0), east(-(2 * 3600 + 30)));
    assert_eq!(odd.to_string(), "2024-08-30T14:29:00-02:00:30");
    assert_eq!(odd.to_string().parse::<DateTime>().unwrap(), odd);
    // Same instant, different offsets: different values, same chrono instant.
    let utc: DateTime = "2024-08-30T12:29:00Z".parse().unwrap();
    assert_ne!(utc, d);
    assert_eq!(utc.to_chrono(), d.to_chrono());
}

#[test]
fn timestamps_read_as_utc() {
    let d = lenient_dt("1725020945").unwrap().unwrap();
    assert_eq!(d.to_string(), "2024-08-30T12:29:05+00:00");
    let d: DateTime = serde_json::from_str("1725020945").unwrap();
    assert_eq!(d.to_string(), "2024-08-30T12:29:05+00:00");
    let d = lenient_dt("1725020945.5").unwrap().unwrap();
    assert_eq!(d.to_string(), "2024-08-30T12:29:05.500+00:00");
    let d = lenient_dt("-1").unwrap().unwrap();
    assert_eq!(d.to_string(), "1969-12-31T23:59:59+00:00");
    for json in ["18446744073709551615", "1e300", "-9223372036854775808"] {
        let err = lenient_dt(json).unwrap_err();
        assert!(
            err.contains("expected a Unix timestamp in range"),
            "{json}: {err}"
        );
    }
}

#[test]
fn lenient_nothing_and_strict_errors() {
    // `{}`: a date object PHP could not serialise.
    for json in ["null", r#""""#, r#"" ""#, "false", "{}", "{ }"] {
        assert_eq!(lenient_dt(json), Ok(None), "{json}");
        assert_eq!(lenient_date(json), Ok(None), "{json}");
    }
    for json in ["true", "[]", r#"{"date": "2024-08-30"}"#] {
        let err = lenient_dt(json).unwrap_err();
        assert!(err.contains("expected a datetime"), "{json}: {err}");
    }
    for (json, want) in [
        ("null", "invalid type: null, expected a datetime"),
        (
            "false",
            "invalid type: boolean `false`, expected a datetime",
        ),
        (r#""""#, r#"invalid datetime """#),
        ("{}", "invalid type: map, expected a datetime"),
    ] {
        let err = serde_json::from_str::<DateTime>(json)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with(want), "{json}: {err}");
    }
}

#[test]
fn dates_take_the_date_as_written() {
    let aug30 = NaiveDate::from_ymd_opt(2024, 8, 30);
    for json in [
        r#""2024-08-30""#,
        r#""30.08.2024""#,
        r#""2024-08-30T02:00:00+02:00""#,
        r#""2024-08-30T23:30:00-05:00""#,
        r#""30.08.2024 14:29:00""#,
        r#""2024-08-30 00:00:00""#,
    ] {
        assert_eq!(lenient_date(json), Ok(aug30), "{json}");
    }
    let err = lenient_date(r#""30/08/2024""#).unwrap_err();
    assert!(
        err.starts_with(r#"invalid date "30/08/2024": expected Y-m-d, d.m.Y or a datetime"#),
        "{err}"
    );
    let err = lenient_date("true").unwrap_err();
    assert!(
        err.contains("expected a date (Y-m-d, d.m.Y or a datetime)"),
        "{err}"
    );
    // chrono writes NaiveDate as Y-m-d, the documented request form.
    let d = NaiveDate::from_ymd_opt(2025, 12, 28).unwrap();
    assert_eq!(serde_json::to_string(&d).unwrap(), r#""2025-12-28""#);
}

#[test]
fn many_generated_datetimes_round_trip_in_every_form() {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: u64| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    for _ in 0..1000 {
        let (y, mo, d) = (
            1970 + next(130) as i32,
            1 + next(12) as u32,
            1 + next(28) as u32,
        );
        let (h, mi, s) = (next(24) as u32, next(60) as u32, next(60) as u32);
        let n = naive(y, mo, d, h, mi, s);
        let off_minutes = next(24 * 60 * 2 - 1) as i32 - (24 * 60 - 1);
        let off = east(off_minutes * 60).unwrap();
        let forms = [
            (
                n.format("%Y-%m-%dT%H:%M:%S").to_string() + &off.to_string(),
                Some(off),
            ),
            (n.format("%Y-%m-%dT%H:%M:%S").to_string(), None),
            (n.format("%Y-%m-%d %H:%M:%S").to_string(), None),
            (n.format("%d.%m.%Y %H:%M:%S").to_string(), None),
        ];
        for (text, offset) in forms {
            let parsed: DateTime = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(parsed, DateTime::new(n, offset), "{text}");
            let again: DateTime = parsed.to_string().parse().unwrap();
            assert_eq!(again, parsed, "{text}");
        }
        let date_only: DateTime = n.format("%d.%m.%Y").to_string().parse().unwrap();
        assert_eq!(date_only.naive(), n.date().and_hms_opt(0, 0, 0).unwrap());
    }
}
