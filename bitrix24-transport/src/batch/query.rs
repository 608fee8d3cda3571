//! A command's parameters as the query text it is sent with: PHP form encoding, with
//! each [`ResultRef`](super::ResultRef) written verbatim at its path.

use serde_json::{Map, Value};

use bitrix24_wire::form::{encode_component, to_php_query};

/// Encode `params` with each reference written verbatim at its path.
///
/// Each path first gets a placeholder string, so the reference keeps the position of the
/// value it overrides; after encoding, the percent-encoded placeholder (which occurs
/// exactly where a key or value contains the placeholder text) is replaced by the
/// reference as Bitrix24 reads it, `$result[c0][ID]`, unencoded.
pub(super) fn encode_with_references(
    params: &mut Value,
    placed: &[(Vec<String>, String)],
) -> Result<String, (String, String)> {
    if placed.is_empty() {
        return Ok(to_php_query(params));
    }
    for _ in 0..8 {
        let nonce = fastrand::u64(..);
        let placeholders: Vec<String> = (0..placed.len())
            .map(|i| format!("\u{0}b24ref{nonce:016x}.{i}\u{0}"))
            .collect();
        for ((segments, _), placeholder) in placed.iter().zip(&placeholders) {
            let slot = slot_at(params, segments).map_err(|reason| (segments.join("."), reason))?;
            *slot = Value::String(placeholder.clone());
        }
        let mut query = to_php_query(params);
        let encoded: Vec<String> = placeholders.iter().map(|p| encode_component(p)).collect();
        if encoded
            .iter()
            .any(|e| query.matches(e.as_str()).count() != 1)
        {
            continue; // The data holds a placeholder's text: draw another.
        }
        for (e, (_, text)) in encoded.iter().zip(placed) {
            query = query.replacen(e.as_str(), text, 1);
        }
        return Ok(query);
    }
    Err((
        String::new(),
        "cannot find a placeholder the parameters do not contain".into(),
    ))
}

/// The value at `segments`, creating objects on the way.
fn slot_at<'a>(mut current: &'a mut Value, segments: &[String]) -> Result<&'a mut Value, String> {
    for (depth, segment) in segments.iter().enumerate() {
        if current.is_null() {
            *current = Value::Object(Map::new());
        }
        let here = || {
            if depth == 0 {
                "the parameters".to_owned()
            } else {
                format!("`{}`", segments[..depth].join("."))
            }
        };
        current = match current {
            Value::Object(map) => map.entry(segment.clone()).or_insert(Value::Null),
            Value::Array(items) => {
                let len = items.len();
                let index = segment
                    .parse::<usize>()
                    .map_err(|_| format!("{} is a list and `{segment}` is not an index", here()))?;
                items
                    .get_mut(index)
                    .ok_or_else(|| format!("{} has {len} items, no index {index}", here()))?
            }
            other => {
                let kind = match other {
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    _ => "a string",
                };
                return Err(format!("{} is {kind}, not an object", here()));
            }
        };
    }
    Ok(current)
}
