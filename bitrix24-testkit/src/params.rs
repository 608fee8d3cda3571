//! How the methods read their parameters: names in either case, objects in the order
//! their keys arrived, IDs as clients send them.

use serde_json::{Map, Value};

use crate::php_form;

/// A parameter by name, as the CRM methods read them: `id` or `ID`.
pub(crate) fn param<'a>(params: &'a Value, name: &str) -> Option<&'a Value> {
    let map = params.as_object()?;
    map.get(name)
        .or_else(|| map.get(&name.to_ascii_uppercase()))
        .or_else(|| {
            map.iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
                .map(|(_, value)| value)
        })
}

/// A hidden parameter holding, per object parameter, its keys in the order they arrived
/// (`{"cmd": ["b", "a"]}`): serde_json's `Map` sorts keys, but `batch` must run commands
/// in the given order and `order` sorts by its fields in the given order.
pub(crate) const KEY_ORDER: &str = "\u{0}key_order";

/// A hidden parameter holding a JSON body as it came: serde_json reads numbers into
/// `f64`, so a method that must keep amounts exact (`0.3`, `19999999.99`) reads them from
/// this text instead (`crm.deal.productrows.set`).
pub(crate) const RAW_JSON: &str = "\u{0}raw_json";

/// The entries of object parameter `name` in arrival order (keys the order does not
/// list come after, sorted).
pub(crate) fn ordered_entries<'a>(params: &'a Value, name: &str) -> Vec<(&'a String, &'a Value)> {
    let Some(Value::Object(map)) = param(params, name) else {
        return Vec::new();
    };
    let listed: Vec<&str> = params
        .get(KEY_ORDER)
        .and_then(|orders| param(orders, name))
        .and_then(Value::as_array)
        .map(|keys| keys.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut entries: Vec<(&String, &Value)> = listed
        .iter()
        .filter_map(|key| map.get_key_value(*key))
        .collect();
    for (key, value) in map {
        if !listed.contains(&key.as_str()) {
            entries.push((key, value));
        }
    }
    entries
}

/// The key order of each object at the top level of a JSON body (see [`KEY_ORDER`]).
pub(crate) fn json_key_orders(body: &[u8]) -> Map<String, Value> {
    use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
    use std::fmt;

    /// The keys of an object value, `None` for any other value.
    struct ChildKeys(Option<Vec<String>>);

    impl<'de> serde::Deserialize<'de> for ChildKeys {
        fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
            struct Keys;
            impl<'de> Visitor<'de> for Keys {
                type Value = ChildKeys;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("any JSON value")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ChildKeys, A::Error> {
                    let mut keys = Vec::new();
                    while let Some(key) = map.next_key::<String>()? {
                        map.next_value::<IgnoredAny>()?;
                        keys.push(key);
                    }
                    Ok(ChildKeys(Some(keys)))
                }
                fn visit_seq<A: serde::de::SeqAccess<'de>>(
                    self,
                    mut seq: A,
                ) -> Result<ChildKeys, A::Error> {
                    while seq.next_element::<IgnoredAny>()?.is_some() {}
                    Ok(ChildKeys(None))
                }
                fn visit_bool<E>(self, _: bool) -> Result<ChildKeys, E> {
                    Ok(ChildKeys(None))
                }
                fn visit_i64<E>(self, _: i64) -> Result<ChildKeys, E> {
                    Ok(ChildKeys(None))
                }
                fn visit_u64<E>(self, _: u64) -> Result<ChildKeys, E> {
                    Ok(ChildKeys(None))
                }
                fn visit_f64<E>(self, _: f64) -> Result<ChildKeys, E> {
                    Ok(ChildKeys(None))
                }
                fn visit_str<E>(self, _: &str) -> Result<ChildKeys, E> {
                    Ok(ChildKeys(None))
                }
                fn visit_unit<E>(self) -> Result<ChildKeys, E> {
                    Ok(ChildKeys(None))
                }
            }
            de.deserialize_any(Keys)
        }
    }

    let top: Result<BTreeMapOrders, _> = serde_json::from_slice(body);
    type BTreeMapOrders = std::collections::BTreeMap<String, ChildKeys>;
    let mut out = Map::new();
    if let Ok(top) = top {
        for (name, keys) in top {
            if let ChildKeys(Some(keys)) = keys {
                out.insert(
                    name,
                    Value::Array(keys.into_iter().map(Value::String).collect()),
                );
            }
        }
    }
    out
}

/// Parse a query string with its key orders recorded (see [`KEY_ORDER`]).
pub(crate) fn parse_form(input: &str) -> Value {
    let mut params = php_form::parse(input);
    if let Value::Object(map) = &mut params {
        map.insert(
            KEY_ORDER.to_owned(),
            Value::Object(php_form::key_orders(input)),
        );
    }
    params
}

/// A positive integer ID as clients send it (`5`, `"5"`).
pub(crate) fn parse_id(value: Option<&Value>) -> Option<u64> {
    let id = match value? {
        Value::Number(number) => number.as_u64().or_else(|| {
            number
                .as_f64()
                .filter(|f| f.fract() == 0.0 && *f >= 1.0 && *f < 9e15)
                .map(|f| f as u64)
        }),
        Value::String(text) => text.trim().parse::<u64>().ok(),
        _ => None,
    }?;
    (id > 0).then_some(id)
}
