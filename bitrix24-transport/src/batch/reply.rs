//! Reading a `batch` reply: its result and error maps (PHP arrays, which arrive as
//! objects, lists or `null`), a command's error entry and its counts.

use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{ApiError, ApiErrorCode, DecodeError};

/// Read `body` as a whole `batch` reply the way [`Client::batch`] does, without commands
/// to match it to: for checking captured replies. Gives the number of command results
/// and of command errors it holds.
///
/// [`Client::batch`]: crate::Client::batch
pub fn check_reply(body: &[u8]) -> Result<(usize, usize), Result<ApiError, DecodeError>> {
    let reply = crate::envelope::decode_named::<BatchReply>("batch", body, None)?;
    Ok((reply.result.results.0.len(), reply.result.errors.0.len()))
}

/// `result` of a `batch` reply; every map may arrive as `{}`, `[]`, a list or `null`.
#[derive(Deserialize)]
pub(super) struct BatchReply {
    #[serde(default, rename = "result")]
    pub(super) results: PhpMap,
    #[serde(default, rename = "result_error")]
    pub(super) errors: PhpMap,
    #[serde(default, rename = "result_total")]
    pub(super) totals: PhpMap,
    #[serde(default, rename = "result_next")]
    pub(super) nexts: PhpMap,
    #[serde(default, rename = "result_time")]
    pub(super) times: PhpMap,
}

/// A PHP array as JSON: an object by name, or a list by index (`[]` when empty).
#[derive(Default)]
pub(super) struct PhpMap(HashMap<String, Box<RawValue>>);

impl PhpMap {
    pub(super) fn remove(&mut self, name: &str) -> Option<Box<RawValue>> {
        self.0.remove(name)
    }

    pub(super) fn get(&self, name: &str) -> Option<&RawValue> {
        self.0.get(name).map(|value| &**value)
    }
}

impl<'de> Deserialize<'de> for PhpMap {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct PhpMapVisitor;
        impl<'de> Visitor<'de> for PhpMapVisitor {
            type Value = PhpMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object, a list or null")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<PhpMap, A::Error> {
                let mut map = HashMap::new();
                while let Some(key) = access.next_key::<String>()? {
                    let value: Box<RawValue> = access.next_value()?;
                    map.entry(key).or_insert(value);
                }
                Ok(PhpMap(map))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<PhpMap, A::Error> {
                let mut map = HashMap::new();
                let mut index = 0usize;
                while let Some(value) = access.next_element::<Box<RawValue>>()? {
                    map.insert(index.to_string(), value);
                    index += 1;
                }
                Ok(PhpMap(map))
            }
            fn visit_unit<E>(self) -> Result<PhpMap, E> {
                Ok(PhpMap::default())
            }
            fn visit_none<E>(self) -> Result<PhpMap, E> {
                Ok(PhpMap::default())
            }
        }
        de.deserialize_any(PhpMapVisitor)
    }
}

/// A command's entry in `result_error`, as an [`ApiError`].
pub(super) fn api_error(method: &str, error: &RawValue) -> ApiError {
    let text = |value: Option<&Value>| match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let value: Value = serde_json::from_str(error.get()).unwrap_or(Value::Null);
    let (code, description) = match &value {
        Value::Object(map) => (text(map.get("error")), text(map.get("error_description"))),
        other => (text(Some(other)), String::new()),
    };
    ApiError {
        method: method.to_owned(),
        code: ApiErrorCode::from_wire(&code),
        description: Some(description).filter(|text| !text.is_empty()),
        status: None,
    }
}

/// `result_total` / `result_next` entries: numbers, or numbers as strings.
pub(super) fn count(value: &RawValue) -> Option<u64> {
    bitrix24_wire::scalar::unsigned(Some(&serde_json::from_str::<Value>(value.get()).ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_read_objects_lists_and_null_alike() {
        let reply: BatchReply = serde_json::from_str(
            r#"{"result": {"c0": 5, "c2": [1]}, "result_error": [], "result_total": {"c2": "70"},
                "result_next": null, "result_time": {"c0": {"duration": 0.5}, "c2": "junk"}}"#,
        )
        .unwrap();
        assert_eq!(reply.results.get("c0").unwrap().get(), "5");
        assert!(reply.errors.0.is_empty() && reply.nexts.0.is_empty());
        assert_eq!(reply.totals.get("c2").and_then(count), Some(70));
        let listed: BatchReply =
            serde_json::from_str(r#"{"result": [7, 8], "result_error": {}}"#).unwrap();
        assert_eq!(listed.results.get("1").unwrap().get(), "8");
        assert!(serde_json::from_str::<BatchReply>(r#"{"result": "x"}"#).is_err());
    }

    #[test]
    fn command_errors_become_api_errors() {
        let raw = |text: &str| RawValue::from_string(text.to_owned()).unwrap();
        let err = api_error(
            "crm.deal.get",
            &raw(r#"{"error": "ACCESS_DENIED", "error_description": "no"}"#),
        );
        assert_eq!(err.code, ApiErrorCode::AccessDenied);
        assert_eq!(err.description.as_deref(), Some("no"));
        let err = api_error("m", &raw(r#"{"error": "", "error_description": ""}"#));
        assert_eq!(err.code, ApiErrorCode::Other(String::new()));
        assert_eq!(err.description, None);
        assert_eq!(
            api_error("m", &raw(r#""CODE""#)).code,
            ApiErrorCode::Other("CODE".into())
        );
        assert_eq!(
            api_error("m", &raw("42")).code,
            ApiErrorCode::Other("42".into())
        );
    }
}
