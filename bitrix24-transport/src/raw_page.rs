//! Reading one list page from its raw JSON: the records, typed, and the IDs the export
//! moves its cursor by.
//!
//! The page arrives as a command's result: a list the reply's one pass already split into
//! its records, each a range of the reply's body (see `batch::reply` and `record`), or,
//! for records under a key or sent as a PHP map, as text split here (a validating pass;
//! each record's text is then copied out). Each record is then decoded on its own, so a
//! bad record is reported with its index, and reading an ID costs a look at one record
//! instead of a second decoding of the page.

use std::any::Any;
use std::fmt;

use serde::de::{self, DeserializeOwned, DeserializeSeed, Deserializer, IgnoredAny, Visitor};
use serde_json::value::RawValue;

use crate::batch::reply::ResultText;
use crate::decode::decode_at;
use crate::error::DecodeError;
use crate::method::Records;
use crate::record::RawRecord;

/// The records of one page, still raw.
#[derive(Debug)]
pub(crate) struct RawPage {
    /// Each record's JSON.
    pub(crate) items: Vec<RawRecord>,
    /// The JSON path of the record list (`result.result.c3.items`), for errors.
    path: String,
}

impl RawPage {
    /// Split a result into its records. `path` is where the result sits in the reply.
    ///
    /// Lenient as Bitrix is: an empty list may come as `[]`, `{}` or `null`, and a list
    /// written as a PHP map (`{"0": ..., "1": ...}`) is read in its order.
    pub(crate) fn split(
        method: &str,
        path: &str,
        result: ResultText,
        records: Records,
    ) -> Result<Self, DecodeError> {
        let error = |path: String, reason: String| DecodeError {
            method: method.to_owned(),
            path,
            reason,
        };
        let result = match (result, records) {
            (ResultText::List(items), Records::Result) => {
                return Ok(Self {
                    items,
                    path: path.to_owned(),
                });
            }
            // PHP's empty map: no records under the key.
            (ResultText::List(items), Records::Key(_)) if items.is_empty() => {
                return Ok(Self {
                    items: Vec::new(),
                    path: path.to_owned(),
                });
            }
            (ResultText::List(_), Records::Key(key)) => {
                return Err(error(
                    path.to_owned(),
                    format!("invalid type: sequence, expected an object with `{key}`"),
                ));
            }
            (ResultText::Whole(text), _) => text,
        };
        let result = result.as_str();
        let (list, path) = match records {
            Records::Result => (Some(result), path.to_owned()),
            Records::Key(key) => {
                let mut de = serde_json::Deserializer::from_str(result);
                let list = FieldSeed { field: key }
                    .deserialize(&mut de)
                    .map_err(|err| error(path.to_owned(), err.to_string()))?;
                (list.map(RawValue::get), format!("{path}.{key}"))
            }
        };
        let items = match list {
            None => Vec::new(),
            Some(list) => {
                let mut de = serde_json::Deserializer::from_str(list);
                <LenientList<'_> as de::Deserialize>::deserialize(&mut de)
                    .map_err(|err| error(path.clone(), err.to_string()))?
                    .0
                    .into_iter()
                    .map(|item| RawRecord::within(None, item))
                    .collect()
            }
        };
        Ok(Self { items, path })
    }

    /// How many records the page holds.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Decode every record.
    pub(crate) fn decode<R: DeserializeOwned + 'static>(
        self,
        method: &str,
    ) -> Result<Vec<R>, DecodeError> {
        let mut out = Vec::with_capacity(self.items.len());
        for (index, item) in self.items.into_iter().enumerate() {
            // A record kept as its text (`RawRecord`, the pass-through export) is the text
            // already read and checked: moved, not parsed again. (A `Box<RawValue>` record
            // is its text read again into a box of its own.)
            let mut kept = Some(item);
            if let Some(record) = (&mut kept as &mut dyn Any)
                .downcast_mut::<Option<R>>()
                .and_then(Option::take)
            {
                out.push(record);
                continue;
            }
            // Taken above only when `R` is the record's text, and then not reached.
            let item = kept.expect("a record not moved out is still here");
            out.push(decode_at(method, item.get(), || {
                format!("{}.{index}", self.path)
            })?);
        }
        Ok(out)
    }

    /// The ID of record `index` (a number or a numeric string in `id_field`).
    pub(crate) fn id(
        &self,
        method: &str,
        index: usize,
        id_field: &str,
    ) -> Result<u64, DecodeError> {
        let missing = |reason: String| DecodeError {
            method: method.to_owned(),
            path: format!("{}.{index}.{id_field}", self.path),
            reason,
        };
        let item = self
            .items
            .get(index)
            .ok_or_else(|| missing("the page has no such record".into()))?;
        let mut de = serde_json::Deserializer::from_str(item.get());
        match (IdSeed { field: id_field }).deserialize(&mut de) {
            Ok(Some(id)) => Ok(id),
            Ok(None) => Err(missing(
                "the record has no ID there: the export needs it (select it)".into(),
            )),
            Err(err) => Err(missing(err.to_string())),
        }
    }
}

/// A JSON list of values, or a PHP map of them, or nothing.
struct LenientList<'a>(Vec<&'a RawValue>);

impl<'de> de::Deserialize<'de> for LenientList<'de> {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct ListVisitor;
        impl<'de> Visitor<'de> for ListVisitor {
            type Value = LenientList<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a list of records")
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
                while let Some(item) = seq.next_element::<&'de RawValue>()? {
                    items.push(item);
                }
                Ok(LenientList(items))
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut items = Vec::new();
                while let Some((_, item)) = map.next_entry::<IgnoredAny, &'de RawValue>()? {
                    items.push(item);
                }
                Ok(LenientList(items))
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(LenientList(Vec::new()))
            }
        }
        de.deserialize_any(ListVisitor)
    }
}

/// The value under one key of an object (`None` when absent, or for `[]`/`null`).
struct FieldSeed<'f> {
    field: &'f str,
}

impl<'de> DeserializeSeed<'de> for FieldSeed<'_> {
    type Value = Option<&'de RawValue>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        struct FieldVisitor<'f>(&'f str);
        impl<'de> Visitor<'de> for FieldVisitor<'_> {
            type Value = Option<&'de RawValue>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "an object with `{}`", self.0)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if found.is_none() && key == self.0 {
                        found = Some(map.next_value::<&'de RawValue>()?);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(found)
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                // PHP writes an empty map as `[]`.
                if seq.next_element::<IgnoredAny>()?.is_some() {
                    return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
                }
                Ok(None)
            }
            fn visit_unit<E>(self) -> Result<Self::Value, E> {
                Ok(None)
            }
        }
        de.deserialize_any(FieldVisitor(self.field))
    }
}

/// A record's ID: the value of one key, a number or a numeric string.
struct IdSeed<'f> {
    field: &'f str,
}

impl<'de> DeserializeSeed<'de> for IdSeed<'_> {
    type Value = Option<u64>;

    fn deserialize<D: Deserializer<'de>>(self, de: D) -> Result<Self::Value, D::Error> {
        struct IdVisitor<'f>(&'f str);
        impl<'de> Visitor<'de> for IdVisitor<'_> {
            type Value = Option<u64>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a record with `{}`", self.0)
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut found = None;
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if found.is_none() && key == self.0 {
                        found = Some(map.next_value::<IdValue>()?.0);
                    } else {
                        map.next_value::<IgnoredAny>()?;
                    }
                }
                Ok(found)
            }
        }
        de.deserialize_map(IdVisitor(self.field))
    }
}

/// A positive integer, as a number or a string.
struct IdValue(u64);

impl<'de> de::Deserialize<'de> for IdValue {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct IdValueVisitor;
        impl Visitor<'_> for IdValueVisitor {
            type Value = IdValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer ID (a number or a string of digits)")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<IdValue, E> {
                Ok(IdValue(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<IdValue, E> {
                u64::try_from(v)
                    .map(IdValue)
                    .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<IdValue, E> {
                v.trim()
                    .parse()
                    .map(IdValue)
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
        }
        de.deserialize_any(IdValueVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A command's result as the reply's pass reads it.
    fn raw(text: &str) -> ResultText {
        serde_json::from_str(text).unwrap()
    }

    #[test]
    fn pages_split_into_records_with_ids() {
        let result = raw(r#"[{"ID": "7", "T": "a"}, {"T": "b", "ID": 9}]"#);
        let page = RawPage::split("m", "result", result, Records::Result).unwrap();
        assert_eq!(page.len(), 2);
        assert_eq!(page.id("m", 0, "ID").unwrap(), 7);
        assert_eq!(page.id("m", 1, "ID").unwrap(), 9);
        let missing = page.id("m", 0, "id").unwrap_err();
        assert_eq!(missing.path, "result.0.id");
        assert!(page.id("m", 5, "ID").is_err());
        let records: Vec<serde_json::Value> = page.decode("m").unwrap();
        assert_eq!(records[1]["T"], "b");

        let keyed = raw(r#"{"items": {"0": {"id": 3}, "1": {"id": "4"}}, "other": 1}"#);
        let page = RawPage::split("m", "r.c0", keyed, Records::Key("items")).unwrap();
        assert_eq!((page.len(), page.id("m", 1, "id").unwrap()), (2, 4));
        for empty in ["[]", "null", "{}", r#"{"items": []}"#, r#"{"items": null}"#] {
            let result = raw(empty);
            let page = RawPage::split("m", "r", result, Records::Key("items")).unwrap();
            assert_eq!(page.len(), 0, "{empty}");
        }
        let result = raw("[]");
        assert_eq!(
            RawPage::split("m", "r", result, Records::Result)
                .unwrap()
                .len(),
            0
        );
    }

    #[test]
    fn bad_pages_and_records_name_their_path() {
        let result = raw(r#""text""#);
        let err = RawPage::split("crm.deal.list", "result.result.c2", result, Records::Result)
            .unwrap_err();
        assert_eq!(
            (err.method.as_str(), err.path.as_str()),
            ("crm.deal.list", "result.result.c2")
        );
        let result = raw(r#"[{"ID": "1", "N": 1}, {"ID": "x", "N": "two"}]"#);
        let page = RawPage::split("m", "result", result, Records::Result).unwrap();
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)] // Reason: read only to fail on the second record.
        struct Rec {
            #[serde(rename = "N")]
            n: u32,
        }
        assert_eq!(page.id("m", 1, "ID").unwrap_err().path, "result.1.ID");
        let err = page.decode::<Rec>("m").unwrap_err();
        assert_eq!(err.path, "result.1.N");
        // A record of a list the reply's pass split, and one of a PHP map read here.
        for page in [
            r#"[{"ID": "1", "N": 1}, {"ID": "2", "N": "two"}]"#,
            r#"{"0": {"ID": "1", "N": 1}, "1": {"ID": "2", "N": "two"}}"#,
        ] {
            let result = raw(page);
            let page = RawPage::split("crm.deal.list", "result.result.c2", result, Records::Result)
                .unwrap();
            let err = page.decode::<Rec>("crm.deal.list").unwrap_err();
            assert_eq!(
                (err.method.as_str(), err.path.as_str()),
                ("crm.deal.list", "result.result.c2.1.N")
            );
            assert!(err.reason.contains("two"), "{}", err.reason);
        }
        // Records under a key are not a list.
        let err = RawPage::split("m", "r.c0", raw("[1]"), Records::Key("items")).unwrap_err();
        assert_eq!(err.path, "r.c0");
        // A record kept as its text is the text it came as.
        let result = raw(r#"[{"ID": "1", "N": [1, 2]}]"#);
        let page = RawPage::split("m", "r", result, Records::Result).unwrap();
        let kept: Vec<RawRecord> = page.decode("m").unwrap();
        assert_eq!(kept[0].get(), r#"{"ID": "1", "N": [1, 2]}"#);
        let result = raw(r#"[{"ID": "1", "N": [1, 2]}]"#);
        let page = RawPage::split("m", "r", result, Records::Result).unwrap();
        let boxed: Vec<Box<RawValue>> = page.decode("m").unwrap();
        assert_eq!(boxed[0].get(), kept[0].get());
        let result = raw(r#"[{"ID": -4}]"#);
        let page = RawPage::split("m", "result", result, Records::Result).unwrap();
        assert!(page.id("m", 0, "ID").is_err());
    }
}
