//! Writing PHP-style form data: parameters, as Bitrix24 reads a query string or a
//! `application/x-www-form-urlencoded` body.
//!
//! `{"filter": {">ID": 5}, "select": ["ID", "TITLE"]}` becomes
//! `filter[%3EID]=5&select[0]=ID&select[1]=TITLE`: nested objects and arrays become
//! bracketed keys, arrays with their indices (the form the docs show for nested lists,
//! `fields[PHONE][0][VALUE]=…`; PHP reads `select[0]=` and `select[]=` alike, and only
//! indices keep a list of objects together). This is what `batch` command strings and
//! GET-style calls need.

use std::fmt::Write as _;

use serde_json::Value;

/// Encode parameters the way PHP's `http_build_query` does, with RFC 3986 escaping.
///
/// - Object keys and array indices become `name[key][0]…`; the brackets that give the
///   structure are left as they are, everything else in a key or value that is not
///   `A–Z a–z 0–9 - . _ ~` is percent-encoded as UTF-8 (a space is `%20`; `&`, `=`, `[`,
///   `]`, `#`, `+`, `%` are escaped).
/// - `true` is `1` and `false` is `0` (as PHP sends them); numbers are written as JSON
///   writes them; `null` is an empty value (`name=`), which Bitrix24 reads as "empty".
/// - Empty arrays and objects produce nothing (as in PHP).
/// - A top-level array gives the positional form `0=…&1[…]=…` that methods with ordered
///   parameters need; a top-level scalar has no name and gives an empty string.
///
/// ```
/// use bitrix24_wire::form::to_php_query;
/// let params = serde_json::json!({"filter": {">ID": 5}, "select": ["ID", "TITLE"], "title": "a&b c"});
/// assert_eq!(
///     to_php_query(&params),
///     "filter[%3EID]=5&select[0]=ID&select[1]=TITLE&title=a%26b%20c"
/// );
/// ```
pub fn to_php_query(params: &Value) -> String {
    let mut out = String::new();
    match params {
        Value::Object(map) => {
            for (key, value) in map {
                let mut name = String::new();
                push_encoded(&mut name, key);
                push_pairs(&mut out, &name, value);
            }
        }
        Value::Array(items) => {
            for (index, value) in items.iter().enumerate() {
                push_pairs(&mut out, &index.to_string(), value);
            }
        }
        _ => {}
    }
    out
}

/// Percent-encode one key or value component (RFC 3986 unreserved characters kept).
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_encoded(&mut out, text);
    out
}

fn push_pairs(out: &mut String, name: &str, value: &Value) {
    match value {
        Value::Object(map) => {
            for (key, inner) in map {
                let mut nested = String::with_capacity(name.len() + key.len() + 2);
                nested.push_str(name);
                nested.push('[');
                push_encoded(&mut nested, key);
                nested.push(']');
                push_pairs(out, &nested, inner);
            }
        }
        Value::Array(items) => {
            for (index, inner) in items.iter().enumerate() {
                push_pairs(out, &format!("{name}[{index}]"), inner);
            }
        }
        scalar => {
            if !out.is_empty() {
                out.push('&');
            }
            out.push_str(name);
            out.push('=');
            match scalar {
                Value::Null => {}
                Value::Bool(true) => out.push('1'),
                Value::Bool(false) => out.push('0'),
                Value::Number(number) => push_encoded(out, &number.to_string()),
                Value::String(text) => push_encoded(out, text),
                Value::Array(_) | Value::Object(_) => {}
            }
        }
    }
}

fn push_encoded(out: &mut String, text: &str) {
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeSet;

    /// The pairs of a query, ignoring order (object key order depends on whether
    /// serde_json's `preserve_order` is on in the build).
    fn pairs(query: &str) -> BTreeSet<&str> {
        query.split('&').collect()
    }

    #[test]
    fn nested_objects_and_arrays_get_bracketed_keys() {
        let params = json!({
            "fields": {
                "TITLE": "My company",
                "PHONE": [
                    {"VALUE": "112233", "VALUE_TYPE": "WORK"},
                    {"VALUE": "555888112", "VALUE_TYPE": "OTHER"}
                ]
            }
        });
        // The docs' own example (data-encoding.md), byte for byte.
        assert_eq!(
            pairs(&to_php_query(&params)),
            pairs(
                "fields[TITLE]=My%20company&fields[PHONE][0][VALUE]=112233\
                 &fields[PHONE][0][VALUE_TYPE]=WORK&fields[PHONE][1][VALUE]=555888112\
                 &fields[PHONE][1][VALUE_TYPE]=OTHER"
            )
        );
    }

    #[test]
    fn special_characters_are_escaped_in_keys_and_values() {
        let params = json!({"fields": {"TITLE": "John&Martin"}});
        assert_eq!(to_php_query(&params), "fields[TITLE]=John%26Martin");
        let awkward = json!({"k &=[]#+%": "v &=[]#+%?/"});
        assert_eq!(
            to_php_query(&awkward),
            "k%20%26%3D%5B%5D%23%2B%25=v%20%26%3D%5B%5D%23%2B%25%3F%2F"
        );
    }

    #[test]
    fn scalars_unicode_and_empties() {
        let params = json!({
            "yes": true, "no": false, "none": null, "n": -1.5, "big": 12345678901234_u64,
            "ru": "Сделка №1", "emoji": "🚀", "empty": "", "list": [], "map": {}
        });
        assert_eq!(
            pairs(&to_php_query(&params)),
            pairs(
                "yes=1&no=0&none=&n=-1.5&big=12345678901234\
                 &ru=%D0%A1%D0%B4%D0%B5%D0%BB%D0%BA%D0%B0%20%E2%84%961&emoji=%F0%9F%9A%80&empty="
            )
        );
    }

    #[test]
    fn top_level_arrays_are_positional_and_scalars_are_empty() {
        let params = json!([123, {"POST_MESSAGE": "text"}]);
        assert_eq!(to_php_query(&params), "0=123&1[POST_MESSAGE]=text");
        assert_eq!(to_php_query(&json!("lonely")), "");
        assert_eq!(to_php_query(&Value::Null), "");
    }

    #[test]
    fn nested_arrays_of_arrays() {
        let params = json!({"a": [[1, 2], [3]]});
        assert_eq!(to_php_query(&params), "a[0][0]=1&a[0][1]=2&a[1][0]=3");
    }
}
