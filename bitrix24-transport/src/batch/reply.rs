//! Reading a `batch` reply: its result and error maps (PHP arrays, which arrive as
//! objects, lists or `null`), a command's error entry and its counts.
//!
//! The reply is read in one pass: a command whose result is a list (a list page) keeps it
//! split into its elements ([`ResultText::List`]), so the export reads each record's text
//! as it is instead of scanning the page again to find where each record starts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use serde_json::value::RawValue;

use crate::error::{ApiError, ApiErrorCode, DecodeError};
use crate::record::{RawRecord, shared_body};

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
    pub(super) results: PhpMap<ResultText>,
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
pub(super) struct PhpMap<V = Box<RawValue>>(HashMap<String, V>);

impl<V> Default for PhpMap<V> {
    fn default() -> Self {
        Self(HashMap::new())
    }
}

impl<V> PhpMap<V> {
    pub(super) fn remove(&mut self, name: &str) -> Option<V> {
        self.0.remove(name)
    }
}

impl PhpMap {
    pub(super) fn get(&self, name: &str) -> Option<&RawValue> {
        self.0.get(name).map(|value| &**value)
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for PhpMap<V> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct PhpMapVisitor<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for PhpMapVisitor<V> {
            type Value = PhpMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object, a list or null")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<PhpMap<V>, A::Error> {
                let mut map = HashMap::new();
                while let Some(key) = access.next_key::<String>()? {
                    let value: V = access.next_value()?;
                    map.entry(key).or_insert(value);
                }
                Ok(PhpMap(map))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<PhpMap<V>, A::Error> {
                let mut map = HashMap::new();
                let mut index = 0usize;
                while let Some(value) = access.next_element::<V>()? {
                    map.insert(index.to_string(), value);
                    index += 1;
                }
                Ok(PhpMap(map))
            }
            fn visit_unit<E>(self) -> Result<PhpMap<V>, E> {
                Ok(PhpMap::default())
            }
            fn visit_none<E>(self) -> Result<PhpMap<V>, E> {
                Ok(PhpMap::default())
            }
        }
        de.deserialize_any(PhpMapVisitor(std::marker::PhantomData))
    }
}

/// One command's result as the reply's single pass left it.
#[derive(Debug, Clone)]
pub(crate) enum ResultText {
    /// A list, split into its elements' text: ranges of the reply's body, neither copied
    /// nor parsed again (see [`RawRecord`]).
    List(Vec<RawRecord>),
    /// Anything else, as its JSON text.
    Whole(String),
}

impl ResultText {
    /// The result's JSON text; a list's elements are joined again (a copy, not a parse),
    /// for readers that decode the result as a whole.
    pub(crate) fn text(&self) -> Cow<'_, str> {
        match self {
            Self::Whole(text) => Cow::Borrowed(text),
            Self::List(items) => {
                let len = items.iter().map(|item| item.get().len() + 1).sum::<usize>();
                let mut text = String::with_capacity(len + 2);
                text.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        text.push(',');
                    }
                    text.push_str(item.get());
                }
                text.push(']');
                Cow::Owned(text)
            }
        }
    }
}

/// Read in the reply's one pass, so the text of a command's result cannot be taken whole
/// (serde hands a visitor a list or a map, not its text): a list keeps its elements; any
/// other value is written back as JSON text. An object is rebuilt from its keys and its
/// values' text as they came (borrowed from the reply, so the reply must be read from
/// memory, as every reply is); a scalar is written again from its value.
impl<'de> Deserialize<'de> for ResultText {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl TextVisitor {
            fn scalar<T: serde::Serialize + ?Sized, E: serde::de::Error>(
                value: &T,
            ) -> Result<ResultText, E> {
                serde_json::to_string(value)
                    .map(ResultText::Whole)
                    .map_err(E::custom)
            }
        }
        impl<'de> Visitor<'de> for TextVisitor {
            type Value = ResultText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ResultText, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                // Looked up once for the list, not once a record.
                let body = shared_body();
                while let Some(item) = seq.next_element::<&'de RawValue>()? {
                    items.push(RawRecord::within(body.as_ref(), item));
                }
                Ok(ResultText::List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ResultText, A::Error> {
                let mut text = String::from("{");
                while let Some(key) = map.next_key::<KeyText<'de>>()? {
                    let value = map.next_value::<&'de RawValue>()?;
                    if text.len() > 1 {
                        text.push(',');
                    }
                    match key.0 {
                        // Borrowed only when it has no escapes: its text is the key's.
                        Cow::Borrowed(key) => {
                            text.push('"');
                            text.push_str(key);
                            text.push('"');
                        }
                        Cow::Owned(key) => {
                            let key =
                                serde_json::to_string(&key).map_err(serde::de::Error::custom)?;
                            text.push_str(&key);
                        }
                    }
                    text.push(':');
                    text.push_str(value.get());
                }
                text.push('}');
                Ok(ResultText::Whole(text))
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<ResultText, E> {
                Self::scalar(&v)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<ResultText, E> {
                Self::scalar(&v)
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<ResultText, E> {
                Self::scalar(&v)
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<ResultText, E> {
                Self::scalar(&v)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ResultText, E> {
                Self::scalar(v)
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<ResultText, E> {
                Self::scalar(&())
            }
            fn visit_none<E: serde::de::Error>(self) -> Result<ResultText, E> {
                Self::scalar(&())
            }
        }
        de.deserialize_any(TextVisitor)
    }
}

/// An object's key as the reader gives it: borrowed from the reply where it has no escapes.
struct KeyText<'de>(Cow<'de, str>);

impl<'de> Deserialize<'de> for KeyText<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = KeyText<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<KeyText<'de>, E> {
                Ok(KeyText(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<KeyText<'de>, E> {
                Ok(KeyText(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<KeyText<'de>, E> {
                Ok(KeyText(Cow::Owned(v)))
            }
        }
        de.deserialize_str(KeyVisitor)
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
        assert_eq!(reply.results.0["c0"].text(), "5");
        assert!(reply.errors.0.is_empty() && reply.nexts.0.is_empty());
        assert_eq!(reply.totals.get("c2").and_then(count), Some(70));
        let listed: BatchReply =
            serde_json::from_str(r#"{"result": [7, 8], "result_error": {}}"#).unwrap();
        assert_eq!(listed.results.0["1"].text(), "8");
        assert!(serde_json::from_str::<BatchReply>(r#"{"result": "x"}"#).is_err());
    }

    #[test]
    fn results_keep_lists_split_and_the_rest_as_json() {
        let reply: BatchReply = serde_json::from_str(
            r#"{"result": {"c0": [{"ID": "1"}, [2, {"a": "]"}], "x,y"],
                "c1": {"ID": "5", "T\u0041G": {"k": [1]}, "q\"": null},
                "c2": "t\"ext", "c3": -7, "c4": 2.5, "c5": true, "c6": null, "c7": [], "c8": {}}}"#,
        )
        .unwrap();
        let result = |name: &str| &reply.results.0[name];
        match result("c0") {
            ResultText::List(items) => {
                let items: Vec<&str> = items.iter().map(|item| item.get()).collect();
                assert_eq!(items, [r#"{"ID": "1"}"#, r#"[2, {"a": "]"}]"#, r#""x,y""#]);
            }
            other => panic!("a list stays split: {other:?}"),
        }
        let text = |name: &str| -> Value { serde_json::from_str(&result(name).text()).unwrap() };
        assert_eq!(
            text("c0"),
            serde_json::json!([{"ID": "1"}, [2, {"a": "]"}], "x,y"])
        );
        assert_eq!(
            text("c1"),
            serde_json::json!({"ID": "5", "TAG": {"k": [1]}, "q\"": null})
        );
        assert_eq!(text("c2"), serde_json::json!("t\"ext"));
        assert_eq!(text("c3"), serde_json::json!(-7));
        assert_eq!(text("c4"), serde_json::json!(2.5));
        assert_eq!(text("c5"), serde_json::json!(true));
        assert_eq!(text("c6"), Value::Null);
        assert_eq!(text("c7"), serde_json::json!([]));
        assert_eq!(text("c8"), serde_json::json!({}));
        // The path-tracking reader of a failed reply reads it alike.
        let mut de = serde_json::Deserializer::from_str(r#"{"result": {"c1": {"ID": "5"}}}"#);
        let reply: BatchReply = serde_path_to_error::deserialize(&mut de).unwrap();
        assert_eq!(reply.results.0["c1"].text(), r#"{"ID":"5"}"#);
    }

    #[test]
    fn a_reply_read_as_the_client_reads_it_keeps_records_in_its_body() {
        let body = std::sync::Arc::new(crate::record::Body::from(
            r#"{"result": {"result": {"c0": [{"ID": "1"}, {"ID": "2"}]}}, "time": {}}"#.to_owned(),
        ));
        let mut reply = crate::envelope::decode_shared::<BatchReply>("batch", &body, None)
            .unwrap()
            .result;
        let Some(ResultText::List(items)) = reply.results.remove("c0") else {
            panic!("a list stays split");
        };
        assert_eq!(items[1].get(), r#"{"ID": "2"}"#);
        assert!(items.iter().all(|item| item.lies_in(&body)));
        // A bad reply is read as any other: the same error, at the same path.
        for bad in [
            r#"{"result": {"result": {"c0": [{"ID": 1}, }}}"#,
            r#"{"result": {"result": "x"}}"#,
            r#"{"error": "QUERY_LIMIT_EXCEEDED"}"#,
            " ",
            "<html>",
        ] {
            let shared = std::sync::Arc::new(crate::record::Body::from(bad.to_owned()));
            let shared = crate::envelope::decode_shared::<BatchReply>("batch", &shared, None);
            let named = crate::envelope::decode_named::<BatchReply>("batch", bad.as_bytes(), None);
            assert_eq!(shared.err(), named.err(), "{bad}");
        }
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
