//! Types from the shape of the docs' JSON reply examples, for what no table describes:
//! a `result` documented only by its example, or an `object` row without a sub-table.
//!
//! The examples are what a portal sent, so they show the shape (object, list, map,
//! scalar) but not always the type: Bitrix24 writes numbers, ids and flags as strings.
//! The reading here is therefore cautious: a scalar becomes the spec type its text proves
//! (`"2024-08-15T10:38:21+02:00"` is a `datetime`, `"Y"` a `char`, `12` an `integer`), an
//! id-named numeric text an `integer`, any other text a `string`; `null` says nothing, so
//! such a field gets its type from its name only where the name is unambiguous, and is
//! `raw` otherwise. Every reader of these types is lenient, so a portal that sends `"12"`
//! for an `integer` or `12` for a `string` still decodes.

use serde_json::{Map, Value};

use crate::rules::money::is_money_name;

/// The shape of one example value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// A spec builtin (`integer`, `string`, `datetime`, ...).
    Scalar(&'static str),
    /// An object with fixed, identifier-like keys: a named type.
    Object(Map<String, Value>),
    /// An object keyed by data (ids, codes): `map<T>`, with the merged values.
    Map(Value),
    /// The `{FIELD: {type, isRequired, isReadOnly, ...}}` map of a `*.fields` method.
    FieldDescriptions,
    /// A list, with its elements merged into one.
    List(Value),
    /// Nothing to go by (`null`, an empty list or object).
    Unknown,
    /// The examples disagree on the kind of value (an object in one, `false` in another).
    Mixed,
}

/// What [`merge`] leaves where the examples disagree on a value's kind: no portal sends
/// it, so it cannot be mistaken for a shown value.
const MIXED: &str = "\u{0}mixed";

/// What [`merge`] leaves where text examples disagree on what they prove (`"12"` and
/// `"chat12"` for one id): plain text.
const PLAIN: &str = "\u{0}text";

/// The shape of `value`, found under the key `key` (`""` at the top).
pub(crate) fn shape(key: &str, value: &Value) -> Shape {
    match value {
        Value::Null => name_type(key).map_or(Shape::Unknown, Shape::Scalar),
        Value::Bool(_) => Shape::Scalar("boolean"),
        Value::Number(_) if is_money_name(key) => Shape::Scalar("decimal"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Shape::Scalar("integer"),
        Value::Number(_) => Shape::Scalar("double"),
        Value::String(text) if text == MIXED => Shape::Mixed,
        Value::String(text) if text == PLAIN => Shape::Scalar("string"),
        Value::String(text) => Shape::Scalar(text_type(key, text)),
        Value::Array(items) => match merge_all(items.iter()) {
            Some(element) => Shape::List(element),
            None => Shape::Unknown,
        },
        // PHP writes a date object it cannot serialise as `{}`, which the datetime reader
        // reads as nothing.
        Value::Object(map) if map.is_empty() && is_date_key(key) => Shape::Scalar("datetime"),
        Value::Object(map) if map.is_empty() => Shape::Unknown,
        Value::Object(map) if is_field_descriptions(map) => Shape::FieldDescriptions,
        Value::Object(map) if has_data_keys(map) => match merge_all(map.values()) {
            Some(element) => Shape::Map(element),
            None => Shape::Unknown,
        },
        Value::Object(map) => Shape::Object(map.clone()),
    }
}

/// Whether an example value can be read as the spec type `ty` by the lenient readers;
/// `null`, `""` and empty lists or objects fit anything (they say "nothing").
pub(crate) fn fits(ty: &str, value: &Value) -> bool {
    if matches!(value, Value::String(s) if s == MIXED) {
        // Examples that disagree: only `raw` reads them all.
        return ty == "raw";
    }
    if !informative(value) {
        return true;
    }
    if let Some(element) = ty.strip_suffix("[]") {
        return match value {
            Value::Array(items) => items.iter().all(|item| fits(element, item)),
            // The lenient list reader takes one value as a list of one.
            Value::Object(_) => false,
            one => fits(element, one),
        };
    }
    if let Some(inner) = ty.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
        return match value {
            Value::Object(map) => map.values().all(|item| fits(inner, item)),
            _ => false,
        };
    }
    let text = value.as_str().map(str::trim);
    match ty {
        "raw" | "string" | "text" => !value.is_object() && !value.is_array(),
        // `char` is the `Y`/`N` flag, read as a boolean.
        "boolean" | "char" => match value {
            Value::Bool(_) => true,
            Value::Number(n) => n.as_u64().is_some_and(|n| n <= 1),
            Value::String(s) => matches!(
                s.trim().to_ascii_lowercase().as_str(),
                "y" | "n" | "0" | "1" | "true" | "false"
            ),
            _ => false,
        },
        "integer" | "id" | "user" | "unsigned" => {
            value.is_i64()
                || value.is_u64()
                || text.is_some_and(|t| {
                    let digits = t.strip_prefix('-').unwrap_or(t);
                    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
                })
        }
        "double" | "decimal" => value.is_number() || text.is_some_and(is_number_text),
        "date" | "datetime" => value.is_string() || value.is_number(),
        // A text, or texts by language.
        "localized" => match value {
            Value::Object(map) => map.values().all(|v| !v.is_object() && !v.is_array()),
            _ => !value.is_array(),
        },
        // A named type: a record (its own readers check the fields) or an open enum
        // (which reads any scalar); neither reads a list.
        _ if ty.chars().next().is_some_and(|c| c.is_ascii_uppercase()) => !value.is_array(),
        _ => true,
    }
}

/// The spec type a text proves.
fn text_type(key: &str, text: &str) -> &'static str {
    let text = text.trim();
    if is_datetime(text) {
        "datetime"
    } else if is_date(text) {
        "date"
    } else if text == "Y" || text == "N" {
        "char"
    } else if is_money_name(key) && is_number_text(text) {
        "decimal"
    } else if is_id_name(key) && !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        "integer"
    } else {
        "string"
    }
}

/// What a text proves, whatever its key: 0 a moment, 1 a date, 2 a flag, 3 a number,
/// 4 plain text.
fn text_class(text: &str) -> u8 {
    let text = text.trim();
    if is_datetime(text) {
        0
    } else if is_date(text) {
        1
    } else if text == "Y" || text == "N" {
        2
    } else if is_number_text(text) {
        3
    } else {
        4
    }
}

/// `12`, `-3.50`: a number written as text.
fn is_number_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && digits.bytes().filter(|b| *b == b'.').count() <= 1
        && digits.bytes().any(|b| b.is_ascii_digit())
}

/// `2024-08-15T10:38:21+02:00`, `2024-08-15 10:38:21`, `15.08.2024 10:38:21`.
fn is_datetime(text: &str) -> bool {
    let bytes = text.as_bytes();
    if bytes.len() < 19 || !text.is_char_boundary(10) {
        return false;
    }
    let (date, rest) = text.split_at(10);
    let time_sep = rest.as_bytes()[0];
    (is_date(date))
        && (time_sep == b'T' || time_sep == b' ')
        && rest[1..].len() >= 8
        && digits_with(&rest.as_bytes()[1..9], b':')
}

/// `2024-08-15` or `15.08.2024`.
fn is_date(text: &str) -> bool {
    let b = text.as_bytes();
    if b.len() != 10 {
        return false;
    }
    let iso = b[4] == b'-' && b[7] == b'-';
    let dotted = b[2] == b'.' && b[5] == b'.';
    (iso || dotted)
        && b.iter().enumerate().all(|(i, c)| {
            c.is_ascii_digit() || (iso && (i == 4 || i == 7)) || (dotted && (i == 2 || i == 5))
        })
}

/// `10:38:21`.
fn digits_with(b: &[u8], sep: u8) -> bool {
    b.len() == 8
        && b.iter().enumerate().all(|(i, c)| {
            if i == 2 || i == 5 {
                *c == sep
            } else {
                c.is_ascii_digit()
            }
        })
}

/// `ID`, `OWNER_ID`, `id`, `ownerId`, `entityTypeId`.
pub(crate) fn is_id_name(key: &str) -> bool {
    key == "ID" || key == "id" || key.ends_with("_ID") || key.ends_with("Id")
}

/// A type the name alone makes clear, for a field whose example is `null`.
fn name_type(key: &str) -> Option<&'static str> {
    if is_id_name(key) {
        Some("integer")
    } else if is_date_key(key) {
        Some("datetime")
    } else if key.ends_with("_URL") || key.ends_with("Url") || key.eq_ignore_ascii_case("url") {
        // An address is text, whatever else the field holds.
        Some("string")
    } else {
        None
    }
}

/// `DATE_CREATE`, `CLOSED_DATE`, `START_TIME`, `dateCreate`: a moment; and `TIMESTAMP_X`,
/// Bitrix's time of the last change of a record in every module (a datetime, no Unix
/// timestamp despite its name).
fn is_date_key(key: &str) -> bool {
    key == "TIMESTAMP_X"
        || key.starts_with("DATE_")
        || key.ends_with("_DATE")
        || key.ends_with("_TIME")
        || crate::rules::dates::is_date_name(key)
}

/// Every value an object with a `type` and at least one `is...` flag: a field list.
pub(crate) fn is_field_descriptions(map: &Map<String, Value>) -> bool {
    map.values().all(|v| {
        v.as_object().is_some_and(|d| {
            d.contains_key("type")
                && ["isRequired", "isReadOnly", "isMultiple", "isImmutable"]
                    .iter()
                    .any(|k| d.contains_key(*k))
        })
    })
}

/// Keys that are data rather than field names: numbers, or anything that is not an
/// identifier (`"crm.deal.add"`, `"en"` aside: those stay fields).
fn has_data_keys(map: &Map<String, Value>) -> bool {
    map.keys().all(|k| {
        let k = k.trim();
        !k.is_empty() && k.bytes().all(|b| b.is_ascii_digit())
    }) || map.keys().any(|k| !is_identifier(k))
        || is_by_language(map)
        || is_titled_fields(map)
}

/// Fields described by name (`tasks.task.getFields`: `{"ID": {"title": "ID", "type":
/// "integer"}, "TITLE": {...}, ...}`): every value an object with a `title` (text or
/// `null`) and a `type` text, at least three. The keys are the entity's fields, not the
/// record's.
fn is_titled_fields(map: &Map<String, Value>) -> bool {
    map.len() >= 3
        && map.values().all(|v| {
            v.as_object().is_some_and(|d| {
                d.get("title").is_some_and(|t| t.is_string() || t.is_null())
                    && d.get("type").is_some_and(Value::is_string)
            })
        })
}

/// Language ids of the portals' interfaces. Not `id` (Indonesian), far more often a
/// field.
const LANGUAGES: [&str; 20] = [
    "en", "de", "ru", "ua", "kz", "by", "fr", "es", "it", "pl", "br", "tr", "sc", "tc", "ja", "vn",
    "ms", "th", "ar", "la",
];

/// Texts by language id (`{"en": "...", "de": "...", "ru": ""}`, crm/data-types.md
/// `lang_map`), or one object per language (a currency's `LANG`: `{"de": {"FULL_NAME":
/// ...}, "en": {...}}`): keys are the portal's languages, not fields. Any three two-letter
/// keys with `en` among them; two when both are known languages.
fn is_by_language(map: &Map<String, Value>) -> bool {
    let texts = map.values().all(|v| v.is_string() || v.is_null());
    let two_letters = map
        .keys()
        .all(|k| k.len() == 2 && k.bytes().all(|b| b.is_ascii_lowercase()));
    let known = map.keys().all(|k| LANGUAGES.contains(&k.as_str()));
    map.contains_key("en")
        && ((map.len() >= 3 && two_letters && texts)
            || (map.len() >= 2 && known && (texts || map.values().all(Value::is_object))))
}

/// Keys whose names are the portal's own (user fields, smart-process links): they land in
/// a record's `extra`, never in its fields.
fn is_portal_key(key: &str) -> bool {
    let upper = key.to_ascii_uppercase();
    upper.starts_with("UF_")
        || upper.starts_with("PARENT_ID_")
        || key.starts_with("ufCrm")
        || key.starts_with("parentId")
}

/// Whether an example's key becomes a field: a name, not a portal's own field.
pub(crate) fn is_example_field(key: &str) -> bool {
    !is_portal_key(key) && is_identifier(key)
}

/// A name that can be a field: letters, digits, `_`, not starting with a digit.
pub(crate) fn is_identifier(key: &str) -> bool {
    key.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// The values merged into one: objects key by key (the first informative value of each
/// key wins, nested objects merge), anything else the first informative value.
/// `None` when there is nothing.
pub(crate) fn merge_all<'a>(values: impl Iterator<Item = &'a Value>) -> Option<Value> {
    let mut merged: Option<Value> = None;
    for value in values {
        merged = Some(match merged {
            None => value.clone(),
            Some(current) => merge(current, value),
        });
    }
    merged
}

/// `b` merged into `a` (see [`merge_all`]).
pub(crate) fn merge(a: Value, b: &Value) -> Value {
    match (a, b) {
        (Value::Object(mut a), Value::Object(b)) => {
            for (key, value) in b {
                let merged = match a.remove(key) {
                    Some(old) => merge(old, value),
                    None => value.clone(),
                };
                a.insert(key.clone(), merged);
            }
            Value::Object(a)
        }
        (Value::Array(mut a), Value::Array(b)) => {
            a.extend(b.iter().take(8).cloned());
            Value::Array(a)
        }
        // PHP writes a map with keys 0, 1, ... as a list: a list of scalars and an object
        // of scalars are one map (`values`: `["secs", "mins"]` here, `{"Y": "Yes"}` there),
        // which the lenient map reader reads either way.
        (Value::Object(a), Value::Array(b)) if scalars(a.values()) && scalars(b.iter()) => {
            merge(Value::Object(a), &indexed(b))
        }
        (Value::Array(a), Value::Object(b)) if scalars(a.iter()) && scalars(b.values()) => {
            merge(indexed(&a), &Value::Object(b.clone()))
        }
        (a, b) if !informative(&a) => b.clone(),
        (a, b) if !informative(b) => a,
        (Value::Number(a), Value::Number(b)) => {
            // A fraction anywhere makes the field a `double`.
            if a.is_f64() {
                Value::Number(a)
            } else {
                Value::Number(b.clone())
            }
        }
        (Value::String(a), Value::String(b)) => {
            if a == MIXED || text_class(&a) == text_class(b) {
                Value::String(a)
            } else {
                Value::String(PLAIN.to_owned())
            }
        }
        (Value::String(a), Value::Number(_)) if a != MIXED => Value::String(a),
        (Value::Number(_), Value::String(b)) => Value::String(b.clone()),
        (a, b) if kind(&a) == kind(b) => a,
        _ => Value::String(MIXED.to_owned()),
    }
}

/// Whether every value is a scalar (no list or object), and there is one.
fn scalars<'v>(mut values: impl Iterator<Item = &'v Value>) -> bool {
    let mut any = false;
    let all = values.all(|v| {
        any = true;
        !v.is_array() && !v.is_object()
    });
    any && all
}

/// A list as the object PHP would have sent for it: keys `"0"`, `"1"`, ...
fn indexed(items: &[Value]) -> Value {
    Value::Object(
        items
            .iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v.clone()))
            .collect(),
    )
}

/// The kind of a value, for telling whether examples agree.
fn kind(value: &Value) -> u8 {
    match value {
        Value::Null => 0,
        Value::Bool(_) => 1,
        Value::Number(_) => 2,
        Value::String(_) => 3,
        Value::Array(_) => 4,
        Value::Object(_) => 5,
    }
}

/// Not `null`, `""`, `[]` or `{}`.
pub(crate) fn informative(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(items) => !items.is_empty(),
        Value::Object(map) => !map.is_empty(),
        _ => true,
    }
}

/// A JSON example as the docs write it: comments (`// ...`), elided parts (`...`, `…`)
/// and trailing commas are dropped before parsing. `None` when it still does not parse.
pub(crate) fn parse_example(text: &str) -> Option<Value> {
    if let Ok(value) = serde_json::from_str(text) {
        return Some(value);
    }
    let mut cleaned = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    let mut in_string = false;
    while let Some(c) = chars.next() {
        if in_string {
            cleaned.push(c);
            if c == '\\' {
                if let Some(next) = chars.next() {
                    // A PHP class name's `\` left unescaped (`"Bitrix\Main\..."`).
                    if !matches!(next, '"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' | 'u') {
                        cleaned.push('\\');
                    }
                    cleaned.push(next);
                }
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                cleaned.push(c);
            }
            '/' if chars.peek() == Some(&'/') => {
                for next in chars.by_ref() {
                    if next == '\n' {
                        cleaned.push('\n');
                        break;
                    }
                }
            }
            '.' if chars.peek() == Some(&'.') => {
                while chars.peek() == Some(&'.') {
                    chars.next();
                }
            }
            '…' => {}
            _ => cleaned.push(c),
        }
    }
    serde_json::from_str(&drop_dangling_commas(&cleaned)).ok()
}

/// `,` before `}` or `]` (or another `,`), outside strings, removed.
fn drop_dangling_commas(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.get(i + 1) {
                    out.push(*next);
                    i += 1;
                }
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
            out.push(c);
        } else if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if !matches!(next, Some('}' | ']' | ',') | None) {
                out.push(c);
            }
        } else {
            out.push(c);
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scalars_by_what_the_text_proves() {
        assert_eq!(
            shape("DATE_CREATE", &json!("2024-08-15T10:38:21+02:00")),
            Shape::Scalar("datetime")
        );
        assert_eq!(
            shape("x", &json!("15.08.2024 10:38:21")),
            Shape::Scalar("datetime")
        );
        assert_eq!(
            shape("BIRTHDATE", &json!("2001-11-11")),
            Shape::Scalar("date")
        );
        assert_eq!(shape("OPENED", &json!("Y")), Shape::Scalar("char"));
        assert_eq!(shape("ID", &json!("43")), Shape::Scalar("integer"));
        assert_eq!(shape("COMMENTS", &json!("43")), Shape::Scalar("string"));
        assert_eq!(shape("count", &json!(5)), Shape::Scalar("integer"));
        assert_eq!(shape("ratio", &json!(0.5)), Shape::Scalar("double"));
        assert_eq!(shape("flag", &json!(true)), Shape::Scalar("boolean"));
        assert_eq!(shape("LEAD_ID", &Value::Null), Shape::Scalar("integer"));
        assert_eq!(
            shape("LIST_PAGE_URL", &Value::Null),
            Shape::Scalar("string")
        );
        assert_eq!(shape("TIMESTAMP_X", &json!({})), Shape::Scalar("datetime"));
        assert_eq!(shape("SETTINGS", &json!({})), Shape::Unknown);
        assert_eq!(shape("PHOTO", &Value::Null), Shape::Unknown);
        // The date rule's names (`startDatePlan`, `closedDate`): a moment, read leniently.
        assert_eq!(
            shape("startDatePlan", &Value::Null),
            Shape::Scalar("datetime")
        );
        assert_eq!(shape("dateFormat", &Value::Null), Shape::Unknown);
        assert_eq!(shape("x", &json!("2024-13-1")), Shape::Scalar("string"));
    }

    #[test]
    fn objects_maps_lists_and_field_lists() {
        assert!(matches!(
            shape("r", &json!({"ID": "1", "NAME": "a"})),
            Shape::Object(_)
        ));
        assert!(
            matches!(shape("r", &json!({"12": {"a": 1}, "13": {"b": 2}})), Shape::Map(v) if v == json!({"a": 1, "b": 2}))
        );
        assert!(matches!(
            shape("r", &json!({"crm.deal.add": 1})),
            Shape::Map(_)
        ));
        assert!(matches!(
            shape("LABEL", &json!({"de": "", "en": "Budget", "ru": null})),
            Shape::Map(v) if v == json!("Budget")
        ));
        // Two known languages: texts or one object per language.
        assert!(matches!(
            shape("LABEL", &json!({"de": "Etat", "en": "Budget"})),
            Shape::Map(v) if v == json!("Etat")
        ));
        assert!(matches!(
            shape("LANG", &json!({"de": {"FULL_NAME": "Euro"}, "en": {"DECIMALS": 2}})),
            Shape::Map(v) if v == json!({"FULL_NAME": "Euro", "DECIMALS": 2})
        ));
        // Two-letter field names are not languages without `en` among three or more.
        assert!(matches!(
            shape("r", &json!({"id": "1", "to": "x"})),
            Shape::Object(_)
        ));
        assert_eq!(
            shape("r", &json!({"ID": {"type": "integer", "isReadOnly": true}})),
            Shape::FieldDescriptions
        );
        assert_eq!(
            shape("r", &json!([{"ID": "1"}, {"ID": null, "NAME": "x"}])),
            Shape::List(json!({"ID": "1", "NAME": "x"}))
        );
        assert_eq!(shape("r", &json!([])), Shape::Unknown);
        assert_eq!(shape("r", &json!({})), Shape::Unknown);
    }

    #[test]
    fn examples_with_comments_and_elisions_still_parse() {
        let text = "{\n  \"result\": [\n    {\"ID\": \"1\", \"URL\": \"https://a//b\"}, // first\n    ...\n  ],\n  \"total\": 2,\n}";
        assert_eq!(
            parse_example(text),
            Some(json!({"result": [{"ID": "1", "URL": "https://a//b"}], "total": 2}))
        );
        assert_eq!(
            parse_example("{\"a\": \"x...y\"}"),
            Some(json!({"a": "x...y"}))
        );
        assert_eq!(parse_example("not json"), None);
        // PHP class names printed with their `\` unescaped; real escapes kept.
        assert_eq!(
            parse_example(r#"{"CLASS": "Bitrix\Main\Type", "T": "a\tb\"q\""}"#),
            Some(json!({"CLASS": "Bitrix\\Main\\Type", "T": "a\tb\"q\""}))
        );
    }

    #[test]
    fn examples_that_disagree_are_mixed_or_plain() {
        let merged = merge_all([json!({"a": {"x": 1}}), json!({"a": false})].iter()).unwrap();
        assert_eq!(shape("a", &merged["a"]), Shape::Mixed);
        let ids = merge_all([json!("12"), json!("chat12")].iter()).unwrap();
        assert_eq!(shape("id", &ids), Shape::Scalar("string"));
        let prices = merge_all([json!(100), json!(100.5)].iter()).unwrap();
        assert_eq!(shape("count", &prices), Shape::Scalar("double"));
        assert_eq!(shape("PRICE", &json!(100)), Shape::Scalar("decimal"));
        assert_eq!(
            shape("OPPORTUNITY", &json!("10.50")),
            Shape::Scalar("decimal")
        );
        // Nothing shown is no disagreement.
        let nothing = merge_all([json!(null), json!("x")].iter()).unwrap();
        assert_eq!(nothing, json!("x"));
    }

    #[test]
    fn a_list_and_an_object_of_scalars_are_one_map() {
        let values = merge_all([json!({"Y": "Yes", "N": "No"}), json!(["secs", "mins"])].iter());
        let values = values.expect("merged");
        assert!(matches!(shape("values", &values), Shape::Map(v) if v.is_string()));
        // Records in a list are no map.
        let mixed = merge_all([json!({"Y": "Yes"}), json!([{"a": 1}])].iter()).unwrap();
        assert_eq!(shape("values", &mixed), Shape::Mixed);
    }

    #[test]
    fn fields_described_by_title_and_type_are_a_map() {
        let fields = json!({
            "ID": {"title": "ID", "type": "integer", "primary": true},
            "TITLE": {"title": "Title", "type": "string"},
            "AUDITORS": {"title": null, "type": "array"},
        });
        assert!(matches!(shape("fields", &fields), Shape::Map(_)));
        // A record whose parts have a type and a title is still a record: two are few.
        let record = json!({"a": {"title": "A", "type": "x"}, "b": {"title": "B", "type": "y"}});
        assert!(matches!(shape("r", &record), Shape::Object(_)));
    }

    #[test]
    fn what_fits_a_documented_type() {
        assert!(fits("boolean", &json!("Y")));
        assert!(fits("boolean", &json!(1)));
        assert!(fits("char", &json!("N")));
        assert!(fits("localized", &json!({"en": "A", "de": ""})));
        assert!(fits("localized", &json!("A")));
        assert!(!fits("localized", &json!({"en": {"a": 1}})));
        assert!(!fits("char", &json!("L")));
        assert!(!fits("boolean", &json!(13)));
        assert!(!fits("boolean", &json!("2")));
        assert!(fits("integer", &json!("12")));
        assert!(!fits("integer", &json!({"id": 1})));
        assert!(fits("id", &json!(null)));
        assert!(fits("decimal", &json!("100.50")));
        assert!(fits("Deal", &json!({"ID": "1"})));
        assert!(fits("DealStage", &json!("NEW")));
        assert!(!fits("Multifield", &json!([{"VALUE": "x"}])));
        assert!(fits("Multifield[]", &json!([{"VALUE": "x"}])));
        assert!(fits("map<integer>", &json!({"a": 1})));
        assert!(!fits("string[]", &json!({"a": 1})));
        assert!(fits("string", &json!(12)));
        assert!(!fits("string", &json!([1])));
    }
}
