//! Reading PHP-style form data (`filter[>ID]=5&select[]=ID`) into one JSON value, the way
//! PHP's `parse_str` fills `$_GET`/`$_POST` on a real portal; the reverse of
//! [`to_php_query`](super::to_php_query).
//!
//! Bitrix24 sends event requests to handlers in this form
//! (`event=ONCRMDEALADD&data[FIELDS][ID]=5&auth[application_token]=...`), and the test
//! portal reads REST parameters with it.
//!
//! - `a=1` sets a string; a repeated plain key keeps the last value.
//! - `a[x][y]=1` nests objects; `a[]=1&a[]=2` appends (next index = largest integer key + 1).
//! - A node whose keys are exactly `0..n` in order becomes a JSON array, any other node an
//!   object (PHP's `json_encode` rule).
//! - Keys and values are percent-decoded (`+` is a space) before the brackets are read, so
//!   `filter%5B%3EID%5D=5` is `filter[>ID]=5`; a malformed escape is kept literally and
//!   invalid UTF-8 is replaced, never rejected.
//! - A key with an unclosed bracket (`a[b=1`) is taken literally as a plain key.
//!
//! Every value is a string: a form has no other types. Never panics on any input.

use serde_json::{Map, Value};

/// The deepest bracket nesting read (PHP's default `max_input_nesting_level`).
const MAX_NESTING: usize = 64;

/// One node while parsing: a scalar (`leaf`) or a PHP array keeping insertion order.
#[derive(Debug, Default)]
struct Node {
    leaf: Option<String>,
    children: Vec<(String, Node)>,
    /// The index `[]` appends at: the largest integer key so far + 1.
    next_index: u64,
}

impl Node {
    fn into_value(self) -> Value {
        if let Some(text) = self.leaf {
            return Value::String(text);
        }
        let sequential = self
            .children
            .iter()
            .enumerate()
            .all(|(i, (key, _))| key.parse::<usize>().ok() == Some(i));
        if sequential {
            Value::Array(
                self.children
                    .into_iter()
                    .map(|(_, n)| n.into_value())
                    .collect(),
            )
        } else {
            let mut map = Map::new();
            for (key, node) in self.children {
                map.insert(key, node.into_value());
            }
            Value::Object(map)
        }
    }
}

/// Parse a query string or an `application/x-www-form-urlencoded` body.
///
/// ```
/// use bitrix24_wire::form::parse;
/// let value = parse("filter[>ID]=5&select[]=ID&select[]=TITLE&fields[TITLE]=a%26b");
/// assert_eq!(value["filter"][">ID"], "5");
/// assert_eq!(value["select"], serde_json::json!(["ID", "TITLE"]));
/// assert_eq!(value["fields"]["TITLE"], "a&b");
/// ```
pub fn parse(input: &str) -> Value {
    let mut root = Node::default();
    for pair in input.split('&') {
        if pair.is_empty() {
            continue;
        }
        let (raw_key, raw_value) = match pair.split_once('=') {
            Some((key, value)) => (key, value),
            None => (pair, ""),
        };
        let key = decode(raw_key);
        let value = decode(raw_value);
        let Some((name, path)) = split_key(&key) else {
            continue;
        };
        // PHP drops variables nested deeper than `max_input_nesting_level` (64); so do
        // we, which also bounds the recursion when the tree becomes JSON.
        if path.len() > MAX_NESTING {
            continue;
        }
        insert(&mut root, name, &path, value);
    }
    match root.into_value() {
        Value::Array(items) if items.is_empty() => Value::Object(Map::new()),
        other => other,
    }
}

/// Splits a decoded key `a[b][]` into its name `a` and its bracket path
/// `[Some("b"), None]` (`None` appends); a key with an unclosed first bracket is a plain
/// name, and an empty name is `None`. The test portal reads the order of keys with it.
pub fn split_key(key: &str) -> Option<(String, Vec<Option<String>>)> {
    let Some(open) = key.find('[') else {
        return if key.is_empty() {
            None
        } else {
            Some((key.to_owned(), Vec::new()))
        };
    };
    let name = &key[..open];
    if name.is_empty() {
        return None;
    }
    let mut path = Vec::new();
    let mut rest = &key[open..];
    while let Some(stripped) = rest.strip_prefix('[') {
        let Some(close) = stripped.find(']') else {
            if path.is_empty() {
                // PHP keeps a key with an unclosed first bracket as a plain name.
                return Some((key.to_owned(), Vec::new()));
            }
            break;
        };
        let segment = &stripped[..close];
        path.push(if segment.is_empty() {
            None
        } else {
            Some(segment.to_owned())
        });
        rest = &stripped[close + 1..];
    }
    Some((name.to_owned(), path))
}

fn insert(root: &mut Node, name: String, path: &[Option<String>], value: String) {
    let mut node = child(root, Some(name));
    for segment in path {
        node = child(node, segment.clone());
    }
    node.children.clear();
    node.next_index = 0;
    node.leaf = Some(value);
}

/// The child of `node` under `key` (creating it); `None` appends a new child.
fn child(node: &mut Node, key: Option<String>) -> &mut Node {
    node.leaf = None;
    let key = match key {
        Some(key) => {
            if let Ok(index) = key.parse::<u64>() {
                node.next_index = node.next_index.max(index.saturating_add(1));
            }
            key
        }
        None => {
            // An append never meets an existing key: no search needed.
            let key = node.next_index.to_string();
            node.next_index = node.next_index.saturating_add(1);
            node.children.push((key, Node::default()));
            let last = node.children.len() - 1;
            return &mut node.children[last].1;
        }
    };
    let children = &mut node.children;
    let index = match children.iter().position(|(k, _)| *k == key) {
        Some(index) => index,
        None => {
            children.push((key, Node::default()));
            children.len() - 1
        }
    };
    &mut children[index].1
}

/// Percent-decode one key or value; `+` is a space.
pub fn decode(input: &str) -> String {
    let bytes = input.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 3;
                }
                _ => {
                    out.push(b'%');
                    i += 1;
                }
            },
            other => {
                out.push(other);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    match byte {
        b'0'..=b'9' => Some(byte - b'0'),
        b'a'..=b'f' => Some(byte - b'a' + 10),
        b'A'..=b'F' => Some(byte - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn plain_keys_and_repeats_keep_the_last() {
        assert_eq!(parse("a=1&b=two&a=3"), json!({"a": "3", "b": "two"}));
    }

    #[test]
    fn nested_brackets_and_appends() {
        let value = parse("filter[>ID]=5&filter[%STAGE_ID]=WON&select[]=ID&select[]=TITLE");
        assert_eq!(
            value,
            json!({"filter": {">ID": "5", "%STAGE_ID": "WON"}, "select": ["ID", "TITLE"]})
        );
        assert_eq!(
            parse("a[b][c][]=1&a[b][c][]=2&a[b][d]=x"),
            json!({"a": {"b": {"c": ["1", "2"], "d": "x"}}})
        );
    }

    #[test]
    fn appends_continue_after_the_largest_integer_key() {
        assert_eq!(parse("a[5]=x&a[]=y"), json!({"a": {"5": "x", "6": "y"}}));
        assert_eq!(parse("a[0]=x&a[]=y"), json!({"a": ["x", "y"]}));
    }

    #[test]
    fn percent_decoding_and_plus() {
        assert_eq!(
            parse("fields[TITLE]=a%26b+c%3D&q=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82"),
            json!({"fields": {"TITLE": "a&b c="}, "q": "Привет"})
        );
        // Encoded brackets in the key are read as brackets.
        assert_eq!(
            parse("filter%5B%3EID%5D=5"),
            json!({"filter": {">ID": "5"}})
        );
    }

    #[test]
    fn malformed_input_never_panics() {
        for input in [
            "",
            "&&&",
            "=",
            "=x",
            "%",
            "%zz=%",
            "a[=1",
            "a]=1",
            "[]=1",
            "a[]]=1",
            "a[b",
            "%FF%FE=%C3",
            "a[][][]=1",
            "a=1&a[b]=2",
            "a[b]=2&a=1",
            "\u{0}=\u{1}",
        ] {
            let _ = parse(input);
        }
        assert_eq!(parse("a[=1"), json!({"a[": "1"}));
        assert_eq!(parse("a=1&a[b]=2"), json!({"a": {"b": "2"}}));
        assert_eq!(parse("a[b]=2&a=1"), json!({"a": "1"}));
        assert_eq!(parse("%zz=%"), json!({"%zz": "%"}));
        assert_eq!(parse("flag"), json!({"flag": ""}));
        // Too deep is dropped, not a stack overflow.
        let deep = format!("a{}=1&b=2", "[x]".repeat(100_000));
        assert_eq!(parse(&deep), json!({"b": "2"}));
        let many = "a[]=1&".repeat(100_000);
        assert_eq!(parse(&many)["a"].as_array().map(Vec::len), Some(100_000));
    }
}
