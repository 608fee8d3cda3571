//! Lenient reading of scalars, lists and maps, and the serde helpers generated code uses.

use std::collections::BTreeMap;
use std::fmt::Debug;

use bitrix24_wire::{self as wire, Decimal, Lenient, Multifield};
use serde::{Deserialize, Deserializer};
use serde_json::json;

/// Reads `json` with `T::deserialize_lenient` through serde_json's streaming deserializer,
/// and checks the `serde_json::Value` deserializer agrees. Errors without the position.
fn read<T: Lenient + PartialEq + Debug>(json: &str) -> Result<Option<T>, String> {
    let mut de = serde_json::Deserializer::from_str(json);
    let streamed = T::deserialize_lenient(&mut de)
        .and_then(|v| de.end().map(|()| v))
        .map_err(|e| strip_position(&e.to_string()));
    let value: serde_json::Value = serde_json::from_str(json).expect("test input is JSON");
    let from_value = T::deserialize_lenient(value).map_err(|e| e.to_string());
    assert_eq!(streamed, from_value, "stream and Value disagree on {json}");
    streamed
}

fn strip_position(msg: &str) -> String {
    match msg.find(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn check_ok<T: Lenient + PartialEq + Debug>(cases: &[(&str, Option<T>)]) {
    for (json, want) in cases {
        assert_eq!(read::<T>(json).as_ref(), Ok(want), "input {json}");
    }
}

fn check_err<T: Lenient + PartialEq + Debug>(cases: &[(&str, &str)]) {
    for (json, want) in cases {
        match read::<T>(json) {
            Err(msg) => assert_eq!(msg, *want, "input {json}"),
            Ok(v) => panic!("input {json} should fail, read {v:?}"),
        }
    }
}

#[test]
fn string_accepts_text_numbers_and_bools() {
    check_ok::<String>(&[
        (r#""New Deal #1""#, Some("New Deal #1".into())),
        (r#"" padded ""#, Some(" padded ".into())),
        (r#""0""#, Some("0".into())),
        ("99", Some("99".into())),
        ("-5", Some("-5".into())),
        ("19999.99", Some("19999.99".into())),
        ("1.0", Some("1".into())),
        ("true", Some("true".into())),
        ("false", None),
        (r#""""#, None),
        ("null", None),
    ]);
    check_err::<String>(&[
        ("[]", "invalid type: sequence, expected a string"),
        (r#"{"a":1}"#, "invalid type: map, expected a string"),
    ]);
}

#[test]
fn integers_accept_numbers_and_numeric_strings() {
    check_ok::<i64>(&[
        ("99", Some(99)),
        (r#""99""#, Some(99)),
        (r#"" 99 ""#, Some(99)),
        (r#""+7""#, Some(7)),
        (r#""-12""#, Some(-12)),
        ("0", Some(0)),
        (r#""0""#, Some(0)),
        ("5.0", Some(5)),
        (r#""5.00""#, Some(5)),
        ("-9223372036854775808", Some(i64::MIN)),
        (r#""9223372036854775807""#, Some(i64::MAX)),
        (r#""""#, None),
        (r#""   ""#, None),
        ("null", None),
        ("false", None),
    ]);
    check_ok::<u64>(&[
        ("18446744073709551615", Some(u64::MAX)),
        (r#""18446744073709551615""#, Some(u64::MAX)),
        (r#""410""#, Some(410)),
        ("0", Some(0)),
    ]);
    check_ok::<i32>(&[
        (r#""-2147483648""#, Some(i32::MIN)),
        ("2147483647", Some(i32::MAX)),
    ]);
    check_ok::<u32>(&[(r#""4294967295""#, Some(u32::MAX)), ("1e3", Some(1000))]);
}

#[test]
fn integers_reject_with_messages() {
    let expected = "expected an integer (number or numeric string)";
    check_err::<i64>(&[
        (
            r#""abc""#,
            &format!(r#"invalid type: string "abc", {expected}"#),
        ),
        (
            r#""5.5""#,
            &format!(r#"invalid type: string "5.5", {expected}"#),
        ),
        (
            r#""1e3""#,
            &format!(r#"invalid type: string "1e3", {expected}"#),
        ),
        ("true", &format!("invalid type: boolean `true`, {expected}")),
        (
            "5.5",
            &format!("invalid value: floating point `5.5`, {expected}"),
        ),
        ("[]", &format!("invalid type: sequence, {expected}")),
        ("{}", &format!("invalid type: map, {expected}")),
        (
            "18446744073709551615",
            "invalid value: integer `18446744073709551615`, expected an integer in the range of i64",
        ),
    ]);
    check_err::<u32>(&[
        (
            "-1",
            "invalid value: integer `-1`, expected an integer in the range of u32",
        ),
        (
            r#""4294967296""#,
            r#"invalid value: string "4294967296", expected an integer in the range of u32"#,
        ),
    ]);
    check_err::<u64>(&[(
        r#""-1""#,
        r#"invalid value: string "-1", expected an integer in the range of u64"#,
    )]);
    check_err::<i32>(&[(
        "3000000000",
        "invalid value: integer `3000000000`, expected an integer in the range of i32",
    )]);
}

#[test]
fn f64_accepts_numbers_and_numeric_strings() {
    check_ok::<f64>(&[
        ("1.5", Some(1.5)),
        ("2", Some(2.0)),
        ("-3", Some(-3.0)),
        (r#""0.214""#, Some(0.214)),
        (r#"" 1e3 ""#, Some(1000.0)),
        (r#""""#, None),
        ("null", None),
        ("false", None),
    ]);
    let expected = "expected a number (number or numeric string)";
    check_err::<f64>(&[
        (
            r#""abc""#,
            &format!(r#"invalid type: string "abc", {expected}"#),
        ),
        (
            r#""NaN""#,
            &format!(r#"invalid type: string "NaN", {expected}"#),
        ),
        (
            r#""inf""#,
            &format!(r#"invalid type: string "inf", {expected}"#),
        ),
        (
            r#""1e999""#,
            &format!(r#"invalid type: string "1e999", {expected}"#),
        ),
        ("true", &format!("invalid type: boolean `true`, {expected}")),
    ]);
}

#[test]
fn bool_accepts_every_portal_spelling() {
    check_ok::<bool>(&[
        (r#""Y""#, Some(true)),
        (r#""N""#, Some(false)),
        (r#""y""#, Some(true)),
        (r#""n""#, Some(false)),
        ("1", Some(true)),
        ("0", Some(false)),
        (r#""1""#, Some(true)),
        (r#""0""#, Some(false)),
        ("true", Some(true)),
        ("false", Some(false)),
        (r#""true""#, Some(true)),
        (r#""false""#, Some(false)),
        (r#""""#, None),
        ("null", None),
    ]);
    let expected = r#"expected a boolean ("Y"/"N", 1/0, "1"/"0" or true/false)"#;
    check_err::<bool>(&[
        (
            r#""maybe""#,
            &format!(r#"invalid value: string "maybe", {expected}"#),
        ),
        (
            r#""YES""#,
            &format!(r#"invalid value: string "YES", {expected}"#),
        ),
        ("2", &format!("invalid value: integer `2`, {expected}")),
        ("-1", &format!("invalid value: integer `-1`, {expected}")),
        ("[]", &format!("invalid type: sequence, {expected}")),
    ]);
}

#[test]
fn value_keeps_everything_but_null() {
    check_ok::<serde_json::Value>(&[
        ("null", None),
        (r#""""#, Some(json!(""))),
        ("false", Some(json!(false))),
        ("[]", Some(json!([]))),
        (r#"{"a":[1,"2",null]}"#, Some(json!({"a": [1, "2", null]}))),
    ]);
}

#[test]
fn vec_reads_arrays_and_php_objects() {
    check_ok::<Vec<i64>>(&[
        (r#"[1, "2", " 3 "]"#, Some(vec![1, 2, 3])),
        (r#"[1, null, "", false, 2]"#, Some(vec![1, 2])),
        ("[]", Some(vec![])),
        (r#"{"0": "7", "1": 8}"#, Some(vec![7, 8])),
        (r#"{"2": 1, "5": 2, "x": 3}"#, Some(vec![1, 2, 3])),
        ("{}", Some(vec![])),
        ("null", None),
        (r#""""#, None),
        ("false", None),
    ]);
    // Streaming keeps document order (a `serde_json::Value` without `preserve_order` would
    // have sorted the keys first).
    let mut de = serde_json::Deserializer::from_str(r#"{"5": 1, "2": 2, "x": 3}"#);
    assert_eq!(
        Vec::<i64>::deserialize_lenient(&mut de).unwrap(),
        Some(vec![1, 2, 3])
    );
    check_ok::<Vec<String>>(&[(
        r#"["C_123", 456, ""]"#,
        Some(vec!["C_123".into(), "456".into()]),
    )]);
    check_ok::<Vec<Vec<u32>>>(&[(
        r#"[[1], {"0": "2"}, null, []]"#,
        Some(vec![vec![1], vec![2], vec![]]),
    )]);
    // One value where a field holds one or many: a list of one.
    check_ok::<Vec<i64>>(&[("5", Some(vec![5])), (r#""7""#, Some(vec![7]))]);
    check_ok::<Vec<String>>(&[(r#""Chair""#, Some(vec!["Chair".into()]))]);
    let integer = "expected an integer (number or numeric string)";
    check_err::<Vec<i64>>(&[
        (
            r#""1,2""#,
            &format!(r#"invalid type: string "1,2", {integer}"#),
        ),
        ("true", &format!("invalid type: boolean `true`, {integer}")),
        (
            r#"[1, "x"]"#,
            &format!(r#"invalid type: string "x", {integer}"#),
        ),
    ]);
}

#[test]
fn map_reads_objects_php_empty_arrays_and_lists() {
    let map = |pairs: &[(&str, i64)]| -> BTreeMap<String, i64> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect()
    };
    check_ok::<BTreeMap<String, i64>>(&[
        (r#"{"a": "1", "b": 2}"#, Some(map(&[("a", 1), ("b", 2)]))),
        (
            r#"{"a": null, "b": "", "c": false, "d": 0}"#,
            Some(map(&[("d", 0)])),
        ),
        ("[]", Some(map(&[]))),
        ("{}", Some(map(&[]))),
        (r#"["5", null, 7]"#, Some(map(&[("0", 5), ("2", 7)]))),
        ("null", None),
        (r#""""#, None),
        ("false", None),
    ]);
    let expected = r#"expected a map (an object, or an array read as keys "0", "1", ...)"#;
    check_err::<BTreeMap<String, i64>>(&[
        (
            r#""x""#,
            &format!(r#"invalid type: string "x", {expected}"#),
        ),
        ("1", &format!("invalid type: integer `1`, {expected}")),
    ]);
}

#[test]
fn required_and_object_or_nothing() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct Strict {
        #[serde(rename = "ID", deserialize_with = "wire::required")]
        id: u64,
    }
    let ok: Strict = serde_json::from_str(r#"{"ID": "410"}"#).unwrap();
    assert_eq!(ok, Strict { id: 410 });
    for json in [r#"{"ID": ""}"#, r#"{"ID": null}"#, r#"{"ID": false}"#] {
        let err = serde_json::from_str::<Strict>(json)
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("a value is required here"), "{json}: {err}");
    }
    let err = serde_json::from_str::<Strict>("{}")
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("missing field `ID`"), "{err}");

    #[derive(Debug, PartialEq, Deserialize)]
    struct Stage {
        #[serde(rename = "NAME", default, deserialize_with = "wire::lenient")]
        name: Option<String>,
    }
    impl Lenient for Stage {
        fn deserialize_lenient<'de, D: Deserializer<'de>>(de: D) -> Result<Option<Self>, D::Error> {
            wire::object_or_nothing(de)
        }
    }
    check_ok::<Stage>(&[
        (
            r#"{"NAME": "Won"}"#,
            Some(Stage {
                name: Some("Won".into()),
            }),
        ),
        ("{}", Some(Stage { name: None })),
        ("[]", None),
        ("null", None),
        (r#""""#, None),
        ("false", None),
    ]);
    check_err::<Stage>(&[
        ("[1]", "invalid type: sequence, expected an object"),
        (r#""x""#, r#"invalid type: string "x", expected an object"#),
        ("true", "invalid type: boolean `true`, expected an object"),
        ("3", "invalid type: integer `3`, expected an object"),
    ]);
}

/// A response struct the way the generator writes it, fed a realistic portal response.
#[derive(Debug, Deserialize)]
struct Deal {
    #[serde(rename = "ID", default, deserialize_with = "wire::lenient")]
    id: Option<u64>,
    #[serde(rename = "TITLE", default, deserialize_with = "wire::lenient")]
    title: Option<String>,
    #[serde(rename = "PROBABILITY", default, deserialize_with = "wire::lenient")]
    probability: Option<i32>,
    #[serde(rename = "OPPORTUNITY", default, deserialize_with = "wire::lenient")]
    opportunity: Option<Decimal>,
    #[serde(rename = "OPENED", default, deserialize_with = "wire::lenient")]
    opened: Option<bool>,
    #[serde(rename = "CLOSED", default, deserialize_with = "wire::lenient")]
    closed: Option<bool>,
    #[serde(rename = "LEAD_ID", default, deserialize_with = "wire::lenient")]
    lead_id: Option<u64>,
    #[serde(rename = "COMPANY_ID", default, deserialize_with = "wire::lenient")]
    company_id: Option<u64>,
    #[serde(rename = "CATEGORY_ID", default, deserialize_with = "wire::lenient")]
    category_id: Option<u64>,
    #[serde(rename = "COMMENTS", default, deserialize_with = "wire::lenient")]
    comments: Option<String>,
    #[serde(rename = "MISSING", default, deserialize_with = "wire::lenient")]
    missing: Option<u64>,
    #[serde(rename = "BEGINDATE", default, deserialize_with = "wire::lenient")]
    begin_date: Option<chrono::NaiveDate>,
    #[serde(rename = "UF_MAP", default, deserialize_with = "wire::lenient")]
    uf_map: Option<BTreeMap<String, String>>,
    #[serde(rename = "UF_LIST", default, deserialize_with = "wire::lenient")]
    uf_list: Option<Vec<u64>>,
    #[serde(rename = "PHONE", default, deserialize_with = "wire::lenient")]
    phone: Option<Vec<Multifield>>,
}

#[test]
fn generated_style_struct_reads_a_portal_response() {
    let json = r#"{
        "ID": "410",
        "TITLE": "New Deal #1",
        "PROBABILITY": "99",
        "OPPORTUNITY": "1000000.00",
        "OPENED": "Y",
        "CLOSED": "N",
        "LEAD_ID": null,
        "COMPANY_ID": "",
        "CATEGORY_ID": "0",
        "COMMENTS": "[B]Example comment[\/B]",
        "BEGINDATE": "2024-08-30T02:00:00+02:00",
        "UF_MAP": [],
        "UF_LIST": {"0": "3", "1": 4},
        "PHONE": [{"ID": "225", "VALUE_TYPE": "WORK", "VALUE": "555", "TYPE_ID": "PHONE"}],
        "UNKNOWN_FIELD": {"anything": [1, 2]}
    }"#;
    let mut de = serde_json::Deserializer::from_str(json);
    let deal: Deal = serde_path_to_error::deserialize(&mut de).unwrap();
    assert_eq!(deal.id, Some(410));
    assert_eq!(deal.title.as_deref(), Some("New Deal #1"));
    assert_eq!(deal.probability, Some(99));
    assert_eq!(
        deal.opportunity.as_ref().map(Decimal::as_str),
        Some("1000000.00")
    );
    assert_eq!(deal.opened, Some(true));
    assert_eq!(deal.closed, Some(false));
    assert_eq!(deal.lead_id, None);
    assert_eq!(deal.company_id, None);
    assert_eq!(deal.category_id, Some(0));
    assert_eq!(deal.comments.as_deref(), Some("[B]Example comment[/B]"));
    assert_eq!(deal.missing, None);
    assert_eq!(
        deal.begin_date,
        chrono::NaiveDate::from_ymd_opt(2024, 8, 30)
    );
    assert_eq!(deal.uf_map, Some(BTreeMap::new()));
    assert_eq!(deal.uf_list, Some(vec![3, 4]));
    let phone = deal.phone.unwrap();
    assert_eq!(phone.len(), 1);
    assert_eq!(phone[0].id, Some(225));
    assert_eq!(phone[0].value.as_deref(), Some("555"));
}

fn path_error(json: &str) -> (String, String) {
    let mut de = serde_json::Deserializer::from_str(json);
    let err = serde_path_to_error::deserialize::<_, Deal>(&mut de).unwrap_err();
    (
        err.path().to_string(),
        strip_position(&err.inner().to_string()),
    )
}

#[test]
fn error_paths_reach_into_lists_and_maps() {
    let (path, msg) = path_error(r#"{"PHONE": [{"ID": "1"}, {"ID": "2"}, {"ID": "two"}]}"#);
    assert_eq!(path, "PHONE[2].ID");
    assert_eq!(
        msg,
        r#"invalid type: string "two", expected an integer (number or numeric string)"#
    );

    let (path, _) = path_error(r#"{"UF_LIST": {"0": 1, "7": "x"}}"#);
    assert_eq!(path, "UF_LIST.7");

    let (path, _) = path_error(r#"{"UF_LIST": [1, 2, [3]]}"#);
    assert_eq!(path, "UF_LIST[2]");

    let (path, msg) = path_error(r#"{"UF_MAP": {"a": "ok", "b": [1]}}"#);
    assert_eq!(path, "UF_MAP.b");
    assert_eq!(msg, "invalid type: sequence, expected a string");

    let (path, msg) = path_error(r#"{"OPENED": "maybe"}"#);
    assert_eq!(path, "OPENED");
    assert!(msg.contains(r#"string "maybe""#), "{msg}");

    let (path, msg) = path_error(r#"{"PHONE": [{"ID": 1, "VALUE": {"x": 1}}]}"#);
    assert_eq!(path, "PHONE[0].VALUE");
    assert_eq!(msg, "invalid type: map, expected a string");
}
