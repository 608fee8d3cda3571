//! Property-style check: no `Lenient` impl (nor strict `Deserialize`) panics on any JSON,
//! and the streaming and `serde_json::Value` paths agree.
//!
//! Values come from a small deterministic generator biased toward what portals send:
//! numeric strings, "Y"/"N", dates, empty strings and arrays, PHP-style objects.

use std::collections::BTreeMap;
use std::fmt::Debug;

use bitrix24_types::wire::{DateTime, Decimal, File, Lenient, Multifield};
use chrono::NaiveDate;
use serde_json::Value;

mod json_gen;
use json_gen::Gen;

/// Reads `json` both ways; both must return (not panic), and agree.
fn probe<T: Lenient + PartialEq + Debug>(json: &str, value: &Value) {
    let mut de = serde_json::Deserializer::from_str(json);
    let streamed = T::deserialize_lenient(&mut de).map_err(|e| e.to_string());
    let from_value = T::deserialize_lenient(value.clone()).map_err(|e| e.to_string());
    match (&streamed, &from_value) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{json}"),
        (Err(_), Err(_)) => {}
        _ => panic!("stream {streamed:?} vs value {from_value:?} on {json}"),
    }
}

fn probe_strict<T: serde::de::DeserializeOwned + Debug>(json: &str) {
    let _ = serde_json::from_str::<T>(json);
}

#[test]
fn no_lenient_impl_panics_on_arbitrary_json() {
    let mut g = Gen(0x0bad_5eed);
    let mut ok = 0usize;
    for _ in 0..20_000 {
        let value = g.value(0);
        // Objects are sorted in `Value` (no `preserve_order`); serialize from the value so
        // both paths see the same key order.
        let json = serde_json::to_string(&value).unwrap();
        probe::<String>(&json, &value);
        probe::<i64>(&json, &value);
        probe::<u64>(&json, &value);
        probe::<i32>(&json, &value);
        probe::<u32>(&json, &value);
        probe::<f64>(&json, &value);
        probe::<bool>(&json, &value);
        probe::<Decimal>(&json, &value);
        probe::<NaiveDate>(&json, &value);
        probe::<DateTime>(&json, &value);
        probe::<Value>(&json, &value);
        probe::<Multifield>(&json, &value);
        probe::<File>(&json, &value);
        probe::<Vec<i64>>(&json, &value);
        probe::<Vec<Multifield>>(&json, &value);
        probe::<Vec<Vec<String>>>(&json, &value);
        probe::<BTreeMap<String, bool>>(&json, &value);
        probe::<BTreeMap<String, Vec<Decimal>>>(&json, &value);
        probe_strict::<Decimal>(&json);
        probe_strict::<DateTime>(&json);
        probe_strict::<File>(&json);
        probe_strict::<Multifield>(&json);
        if u64::deserialize_lenient(value).is_ok() {
            ok += 1;
        }
    }
    // The generator is not degenerate: a fair share of values read as integers.
    assert!(ok > 2_000, "only {ok} values read as u64");
}

#[test]
fn strings_alone_never_panic() {
    let mut g = Gen(42);
    for _ in 0..50_000 {
        let s = g.string();
        let _ = s.parse::<Decimal>();
        let _ = s.parse::<DateTime>();
        let json = Value::String(s);
        let text = json.to_string();
        probe::<DateTime>(&text, &json);
        probe::<NaiveDate>(&text, &json);
        probe::<i32>(&text, &json);
        probe::<bool>(&text, &json);
        probe::<f64>(&text, &json);
        probe::<File>(&text, &json);
    }
}
