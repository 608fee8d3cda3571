//! `to_php_query` round-trips through a PHP-style parser (`parse_str` semantics), with
//! awkward keys and values.

use bitrix24_wire::form::to_php_query;
use serde_json::{Map, Value, json};

/// A small `parse_str`: splits pairs on `&` and `=`, reads the bracket structure of the
/// raw key, then percent-decodes each key segment and the value. (PHP decodes before it
/// reads brackets, so it cannot have `[`/`]` inside a key name; this parser can, which
/// lets the test cover such keys too.)
fn parse_php_query(query: &str) -> Value {
    let mut root = Value::Object(Map::new());
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (raw_key, raw_value) = pair.split_once('=').unwrap_or((pair, ""));
        let mut segments = Vec::new();
        let (head, mut rest) = match raw_key.find('[') {
            Some(i) => (&raw_key[..i], &raw_key[i..]),
            None => (raw_key, ""),
        };
        segments.push(decode(head));
        while let Some(stripped) = rest.strip_prefix('[') {
            let end = stripped.find(']').expect("balanced brackets");
            segments.push(decode(&stripped[..end]));
            rest = &stripped[end + 1..];
        }
        assert!(rest.is_empty(), "junk after brackets in {raw_key}");
        insert(&mut root, &segments, Value::String(decode(raw_value)));
    }
    arrays(root)
}

fn insert(node: &mut Value, path: &[String], value: Value) {
    let map = node.as_object_mut().expect("an object node");
    if path.len() == 1 {
        map.insert(path[0].clone(), value);
    } else {
        let child = map
            .entry(path[0].clone())
            .or_insert_with(|| Value::Object(Map::new()));
        insert(child, &path[1..], value);
    }
}

/// Objects whose keys are exactly 0..n become arrays (as PHP's json_encode does).
fn arrays(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let sequential =
                !map.is_empty() && (0..map.len()).all(|i| map.contains_key(&i.to_string()));
            if sequential {
                let mut map = map;
                Value::Array(
                    (0..map.len())
                        .map(|i| arrays(map.remove(&i.to_string()).unwrap()))
                        .collect(),
                )
            } else {
                Value::Object(map.into_iter().map(|(k, v)| (k, arrays(v))).collect())
            }
        }
        other => other,
    }
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 3;
            }
            b'+' => panic!("`+` must be escaped as %2B, and space as %20"),
            b => {
                assert!(
                    b.is_ascii_alphanumeric() || b"-._~".contains(&b),
                    "unescaped {:?} in {text}",
                    char::from(b)
                );
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap()
}

/// What PHP sees after a round trip: every scalar a string (`true` 1, `false` 0,
/// `null` empty), empty arrays and objects gone.
fn as_php_sees_it(value: &Value) -> Option<Value> {
    match value {
        Value::Null => Some(Value::String(String::new())),
        Value::Bool(b) => Some(Value::String(if *b { "1" } else { "0" }.into())),
        Value::Number(n) => Some(Value::String(n.to_string())),
        Value::String(s) => Some(Value::String(s.clone())),
        Value::Array(items) => {
            // An empty inner container vanishes, which would shift the indices; the
            // fixtures avoid that case (PHP has the same hole).
            let items: Vec<Value> = items.iter().filter_map(as_php_sees_it).collect();
            (!items.is_empty()).then_some(Value::Array(items))
        }
        Value::Object(map) => {
            let map: Map<String, Value> = map
                .iter()
                .filter_map(|(k, v)| as_php_sees_it(v).map(|v| (k.clone(), v)))
                .collect();
            (!map.is_empty()).then_some(Value::Object(map))
        }
    }
}

const AWKWARD: &[&str] = &[
    "plain",
    "with space",
    "a&b",
    "a=b",
    "[brackets]",
    "]reversed[",
    "#hash",
    "1+1",
    "100%",
    "%41 not an escape",
    "?query/path",
    "Сделка №1",
    "🚀 emoji",
    "tab\tnew\nline",
    "quote\"'",
    "",
];

#[test]
fn awkward_keys_and_values_round_trip() {
    for (i, text) in AWKWARD.iter().enumerate() {
        let key = if text.is_empty() {
            format!("empty{i}")
        } else {
            (*text).to_owned()
        };
        let params = json!({
            key.clone(): *text,
            "nested": { key.clone(): [*text, {"deep": *text}] },
        });
        let query = to_php_query(&params);
        assert_eq!(
            parse_php_query(&query),
            as_php_sees_it(&params).unwrap(),
            "{text:?} -> {query}"
        );
    }
}

#[test]
fn structures_and_scalars_round_trip() {
    let params = json!({
        "filter": {">ID": 5, "=STAGE_ID": ["NEW", "WON"], "!%TITLE": "x&y", "CLOSED": false},
        "select": ["ID", "TITLE", "UF_*"],
        "order": {"ID": "ASC"},
        "fields": {
            "TITLE": "Deal #1 + 50% off",
            "OPPORTUNITY": 1234.5,
            "PHONE": [{"VALUE": "+7 (900) 000-00-00", "VALUE_TYPE": "WORK"}],
            "OPENED": true,
            "COMMENTS": null,
            "UF_LIST": [[1, 2], [3]],
        },
        "start": -1,
    });
    let query = to_php_query(&params);
    assert_eq!(
        parse_php_query(&query),
        as_php_sees_it(&params).unwrap(),
        "{query}"
    );
}

#[test]
fn random_strings_round_trip() {
    let alphabet: Vec<char> = "aZ09 &=[]#+%?/\\\"'.-_~\t\nЖ€🚀".chars().collect();
    let mut rng = fastrand::Rng::with_seed(7);
    for _ in 0..500 {
        let mut text = |len: usize| -> String {
            (0..len)
                .map(|_| alphabet[rng.usize(..alphabet.len())])
                .collect()
        };
        let key = format!("k{}", text(6));
        let value = text(12);
        let params = json!({ key.clone(): { "inner": [value.clone()] } });
        let query = to_php_query(&params);
        assert_eq!(parse_php_query(&query), params, "{query}");
    }
}

#[test]
fn positional_parameters_round_trip() {
    let params = json!([123, {"POST_MESSAGE": "a&b"}]);
    let query = to_php_query(&params);
    assert_eq!(query, "0=123&1[POST_MESSAGE]=a%26b");
    assert_eq!(
        parse_php_query(&query),
        json!(["123", {"POST_MESSAGE": "a&b"}])
    );
}

/// The test portal reads forms the way PHP does; keys without brackets agree with it.
#[test]
fn the_test_portal_reads_what_we_write() {
    use bitrix24_testkit::php_form;
    for text in AWKWARD
        .iter()
        .filter(|t| !t.contains('[') && !t.contains(']'))
    {
        let key = format!("k{}", text);
        let params =
            json!({ key.clone(): *text, "nested": { key.clone(): [*text, {"deep": *text}] } });
        let query = to_php_query(&params);
        assert_eq!(
            php_form::parse(&query),
            as_php_sees_it(&params).unwrap(),
            "{text:?} -> {query}"
        );
    }
}
