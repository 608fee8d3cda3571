//! A method's result on its way to the wire.
//!
//! Most results are built per call as JSON values. Pages of the CRM lists (deals,
//! contacts, ...) are different: each record's full rendering is serialised once, when it
//! changes, and shared by every page that carries it, so serving 2,500 deals costs
//! copying their text instead of rebuilding and re-serialising 2,500 objects under the
//! state lock. A real portal pays for its database in the simulated latency; the export
//! benchmark then measures the client, not this portal. Product rows are written as text
//! too, so that their amounts keep their digits.

use std::sync::Arc;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::Value;
use serde_json::value::RawValue;

/// A result, or a whole reply body, as it will be serialised.
#[derive(Debug, Clone)]
pub(crate) enum Payload {
    /// Built for this call.
    Value(Value),
    /// A list of records already serialised.
    Records(Vec<Arc<RawValue>>),
    /// An object of payloads, written in the given key order (PHP keeps insertion order).
    Object(Vec<(String, Payload)>),
    /// A list of payloads.
    List(Vec<Payload>),
}

impl From<Value> for Payload {
    fn from(value: Value) -> Self {
        Self::Value(value)
    }
}

impl Payload {
    /// The payload as a JSON value (records parsed back): for lookups and tests.
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Self::Value(value) => value.clone(),
            Self::Records(items) => Value::Array(items.iter().map(|item| parse(item)).collect()),
            Self::Object(entries) => Value::Object(
                entries
                    .iter()
                    .map(|(key, payload)| (key.clone(), payload.to_value()))
                    .collect(),
            ),
            Self::List(items) => Value::Array(items.iter().map(Self::to_value).collect()),
        }
    }

    /// The value built for this call, `None` for records and composed payloads.
    pub(crate) fn as_value(&self) -> Option<&Value> {
        match self {
            Self::Value(value) => Some(value),
            _ => None,
        }
    }

    /// The value at a path of object keys and list indexes (what `$result[c0][49][ID]`
    /// names), parsing at most the one record the path enters.
    pub(crate) fn lookup(&self, keys: &[&str]) -> Option<Value> {
        let Some((first, rest)) = keys.split_first() else {
            return Some(self.to_value());
        };
        match self {
            Self::Value(value) => walk(value, keys).cloned(),
            Self::Records(items) => {
                let record = parse(items.get(first.parse::<usize>().ok()?)?);
                walk(&record, rest).cloned()
            }
            Self::Object(entries) => entries
                .iter()
                .find(|(key, _)| key == first)
                .and_then(|(_, payload)| payload.lookup(rest)),
            Self::List(items) => items.get(first.parse::<usize>().ok()?)?.lookup(rest),
        }
    }
}

/// A record serialised by this portal; it parses back (it was written by serde_json).
fn parse(item: &RawValue) -> Value {
    serde_json::from_str(item.get()).unwrap_or(Value::Null)
}

fn walk<'a>(mut value: &'a Value, keys: &[&str]) -> Option<&'a Value> {
    for key in keys {
        value = match value {
            Value::Object(map) => map.get(*key)?,
            Value::Array(items) => items.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(value)
}

impl Serialize for Payload {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Value(value) => value.serialize(serializer),
            Self::Records(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(&**item)?;
                }
                seq.end()
            }
            Self::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, payload) in entries {
                    map.serialize_entry(key, payload)?;
                }
                map.end()
            }
            Self::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn raw(value: Value) -> Arc<RawValue> {
        Arc::from(RawValue::from_string(value.to_string()).unwrap())
    }

    #[test]
    fn records_serialise_as_written_and_read_back() {
        let payload = Payload::Object(vec![
            (
                "c1".into(),
                Payload::Records(vec![raw(json!({"ID": "3"})), raw(json!({"ID": "4"}))]),
            ),
            ("c0".into(), Payload::Value(json!(7))),
            ("l".into(), Payload::List(vec![json!([]).into()])),
        ]);
        let text = serde_json::to_string(&payload).unwrap();
        assert_eq!(text, r#"{"c1":[{"ID":"3"},{"ID":"4"}],"c0":7,"l":[[]]}"#);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(payload.to_value(), value);
        assert_eq!(payload.lookup(&["c1", "1", "ID"]), Some(json!("4")));
        assert_eq!(payload.lookup(&["c0"]), Some(json!(7)));
        assert_eq!(payload.lookup(&["c1", "2", "ID"]), None);
        assert_eq!(payload.lookup(&["c1", "x"]), None);
        assert_eq!(payload.lookup(&["c9"]), None);
        assert_eq!(payload.lookup(&["c0", "ID"]), None);
        assert!(payload.as_value().is_none());
    }
}
