//! The multiple contact fields of leads, contacts and companies (`PHONE`, `EMAIL`, `WEB`,
//! `IM`, `LINK`; crm data-types.md `crm_multifield`): how a write changes the stored
//! values (crm-contact-update.md: an `ID` with a new `VALUE` changes that value, an `ID`
//! with `DELETE: Y` or an empty `VALUE` removes it, a value without `ID` is added), and the
//! `HAS_PHONE` / `HAS_EMAIL` / `HAS_IMOL` flags that follow them.
//!
//! Each value is stored as the methods show it: `{"ID": "156", "VALUE_TYPE": "WORK",
//! "VALUE": "+13333333555", "TYPE_ID": "PHONE"}`, all strings.

use serde_json::{Map, Value, json};

use super::fields::Record;

/// The multifields in the order `get` shows them.
pub(crate) const NAMES: [&str; 5] = ["PHONE", "EMAIL", "WEB", "IM", "LINK"];

/// Messenger value types of open lines (`HAS_IMOL`).
const OPEN_LINE_TYPES: [&str; 2] = ["OPENLINE", "IMOL"];

/// The value type a value without one gets.
fn default_value_type(field: &str) -> &'static str {
    match field {
        "IM" | "LINK" => "OTHER",
        _ => "WORK",
    }
}

/// A field of a written value as text (`"ID": 223` and `"ID": "223"` alike).
fn text(item: &Map<String, Value>, key: &str) -> Option<String> {
    let value = item
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map(|(_, value)| value)?;
    match value {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The written values of a multifield: a list, or a PHP form's map of them.
fn items(given: &Value) -> Vec<&Map<String, Value>> {
    let values: Vec<&Value> = match given {
        Value::Array(items) => items.iter().collect(),
        Value::Object(map) => map.values().collect(),
        _ => Vec::new(),
    };
    values.into_iter().filter_map(Value::as_object).collect()
}

/// Apply a write of multifield `field` to `record`; new values take IDs from `next_id`.
pub(crate) fn write(record: &mut Record, field: &str, given: &Value, next_id: &mut u64) {
    let mut stored: Vec<Value> = match record.remove(field) {
        Some(Value::Array(values)) => values,
        _ => Vec::new(),
    };
    for item in items(given) {
        let value = text(item, "VALUE").unwrap_or_default();
        let delete = text(item, "DELETE").is_some_and(|flag| flag.eq_ignore_ascii_case("Y"));
        let existing = text(item, "ID").and_then(|id| {
            stored
                .iter()
                .position(|stored| stored["ID"].as_str() == Some(id.as_str()))
        });
        match existing {
            Some(index) if delete || value.is_empty() => {
                stored.remove(index);
            }
            Some(index) => {
                let slot = &mut stored[index];
                slot["VALUE"] = json!(value);
                if let Some(value_type) = text(item, "VALUE_TYPE").filter(|t| !t.is_empty()) {
                    slot["VALUE_TYPE"] = json!(value_type);
                }
            }
            None if delete || value.is_empty() => {}
            None => {
                let value_type = text(item, "VALUE_TYPE")
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| default_value_type(field).to_owned());
                push(&mut stored, field, &value, &value_type, next_id);
            }
        }
    }
    if !stored.is_empty() {
        record.insert(field.to_owned(), Value::Array(stored));
    }
}

/// Add one value to a list of stored values.
pub(crate) fn push(
    stored: &mut Vec<Value>,
    field: &str,
    value: &str,
    value_type: &str,
    next_id: &mut u64,
) {
    *next_id += 1;
    stored.push(json!({
        "ID": next_id.to_string(),
        "VALUE_TYPE": value_type,
        "VALUE": value,
        "TYPE_ID": field,
    }));
}

/// `HAS_PHONE`, `HAS_EMAIL` and `HAS_IMOL` as the stored values say.
pub(crate) fn settle_flags(record: &mut Record) {
    let has = |record: &Record, field: &str, test: &dyn Fn(&Value) -> bool| {
        record
            .get(field)
            .and_then(Value::as_array)
            .is_some_and(|values| values.iter().any(test))
    };
    let yes_no = |flag: bool| json!(if flag { "Y" } else { "N" });
    let phone = has(record, "PHONE", &|_| true);
    let email = has(record, "EMAIL", &|_| true);
    let open_line = has(record, "IM", &|value| {
        value["VALUE_TYPE"]
            .as_str()
            .is_some_and(|t| OPEN_LINE_TYPES.contains(&t))
    });
    record.insert("HAS_PHONE".into(), yes_no(phone));
    record.insert("HAS_EMAIL".into(), yes_no(email));
    record.insert("HAS_IMOL".into(), yes_no(open_line));
}

/// The values of a multifield as a filter compares them (`EMAIL: "a@b.c"` matches a
/// record with that address among its e-mails).
pub(crate) fn values(record: &Record, field: &str) -> Value {
    let values = record
        .get(field)
        .and_then(Value::as_array)
        .map(|stored| stored.iter().map(|value| value["VALUE"].clone()).collect())
        .unwrap_or_default();
    Value::Array(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones(record: &Record) -> Vec<(String, String, String)> {
        record
            .get("PHONE")
            .and_then(Value::as_array)
            .map(|values| {
                values
                    .iter()
                    .map(|v| {
                        let s = |k: &str| v[k].as_str().unwrap_or("?").to_owned();
                        (s("ID"), s("VALUE_TYPE"), s("VALUE"))
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    #[test]
    fn writes_add_change_and_delete_values_as_documented() {
        let mut record = Record::new();
        let mut next = 221;
        let add = json!([{"VALUE": "111111"}, {"VALUE": "222222", "VALUE_TYPE": "MOBILE"},
            {"VALUE": "333333"}, {"VALUE": "44444"}, {"VALUE": ""}]);
        write(&mut record, "PHONE", &add, &mut next);
        assert_eq!(phones(&record).len(), 4);
        assert_eq!(
            phones(&record)[0],
            ("222".into(), "WORK".into(), "111111".into())
        );
        assert_eq!(record["PHONE"][0]["TYPE_ID"], "PHONE");
        let change = json!({"0": {"ID": 223, "VALUE": "444444", "VALUE_TYPE": "HOME"}});
        write(&mut record, "PHONE", &change, &mut next);
        assert_eq!(
            phones(&record)[1],
            ("223".into(), "HOME".into(), "444444".into())
        );
        let delete = json!([{"ID": 222, "DELETE": "Y"}, {"ID": "223", "VALUE": ""}, {"ID": 224},
            {"VALUE": "55555"}]);
        write(&mut record, "PHONE", &delete, &mut next);
        assert_eq!(
            phones(&record),
            [
                ("225".into(), "WORK".into(), "44444".into()),
                ("226".into(), "WORK".into(), "55555".into())
            ]
        );
        assert_eq!(values(&record, "PHONE"), json!(["44444", "55555"]));
        write(
            &mut record,
            "PHONE",
            &json!([{"ID": 225}, {"ID": 226}]),
            &mut next,
        );
        assert!(!record.contains_key("PHONE"));
        assert_eq!(values(&record, "PHONE"), json!([]));
    }

    #[test]
    fn flags_follow_the_values() {
        let mut record = Record::new();
        let mut next = 0;
        write(
            &mut record,
            "IM",
            &json!([{"VALUE": "imol|1", "VALUE_TYPE": "OPENLINE"}]),
            &mut next,
        );
        write(
            &mut record,
            "EMAIL",
            &json!([{"VALUE": "a@example.com"}]),
            &mut next,
        );
        settle_flags(&mut record);
        assert_eq!(
            (
                &record["HAS_PHONE"],
                &record["HAS_EMAIL"],
                &record["HAS_IMOL"]
            ),
            (&json!("N"), &json!("Y"), &json!("Y"))
        );
        assert_eq!(record["IM"][0]["ID"], "1");
    }
}
