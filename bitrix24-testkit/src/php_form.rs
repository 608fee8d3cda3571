//! PHP-style form data as the portal reads and writes it.
//!
//! The parser and the encoder are the wire crate's ([`bitrix24_wire::form`]: the client
//! writes forms and event handlers read them with it), so the portal reads a form exactly
//! as the client writes it. This is the one module of the crate that names them. It adds
//! what only the portal needs: the order keys arrived in, and the percent-encoding of
//! values it puts into `batch` command strings.

use serde_json::{Map, Value};

pub use bitrix24_wire::form::encode_component as encode;
use bitrix24_wire::form::split_key;
pub(crate) use bitrix24_wire::form::to_php_query;
pub use bitrix24_wire::form::{decode, parse};

/// For each top-level name, the keys of its first bracket level in the order they first
/// appear (`cmd[b]=..&cmd[a]=..` gives `cmd: [b, a]`): a JSON object forgets that order,
/// but `batch` runs its commands and `order` sorts by its fields in it.
pub(crate) fn key_orders(input: &str) -> Map<String, Value> {
    let mut orders: Map<String, Value> = Map::new();
    for pair in input.split('&') {
        let raw_key = pair.split_once('=').map_or(pair, |(key, _)| key);
        let Some((name, path)) = split_key(&decode(raw_key)) else {
            continue;
        };
        let Some(Some(first)) = path.first() else {
            continue;
        };
        let entry = orders
            .entry(name)
            .or_insert_with(|| Value::Array(Vec::new()));
        if let Value::Array(keys) = entry {
            if !keys.iter().any(|key| key.as_str() == Some(first.as_str())) {
                keys.push(Value::String(first.clone()));
            }
        }
    }
    orders
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn key_orders_follow_the_input() {
        assert_eq!(
            key_orders("cmd[b]=1&cmd[a]=2&cmd[b]=3&order[STAGE_ID]=ASC&order[ID]=DESC&x=1&s[]=1"),
            json!({"cmd": ["b", "a"], "order": ["STAGE_ID", "ID"]})
                .as_object()
                .unwrap()
                .clone()
        );
    }

    #[test]
    fn encode_round_trips() {
        let text = "a&b=c d/é[]%+";
        assert_eq!(decode(&encode(text)), text);
        assert_eq!(parse(&format!("x={}", encode(text))), json!({"x": text}));
    }
}
