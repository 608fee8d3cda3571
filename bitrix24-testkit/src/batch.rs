//! `batch` (batch.md): up to 50 commands run in order under one request, with
//! `$result[...]` references to earlier results and `halt`.

use serde_json::{Value, json};

use crate::call::{CallError, CallResult, Caller, Outcome};
use crate::clock::{now_unix, time_object};
use crate::params::{ordered_entries, param, parse_form};
use crate::payload::Payload;
use crate::php_form;
use crate::rest::execute;
use crate::state::State;

/// The most commands one `batch` may hold (batch.md).
pub(crate) const BATCH_MAX: usize = 50;

/// An object of per-command values, written like PHP's `json_encode`: `[]` when empty,
/// a list when the keys are `0..n`, else an object in the commands' order.
fn php_map(entries: Vec<(String, Payload)>) -> Payload {
    let sequential = entries
        .iter()
        .enumerate()
        .all(|(i, (key, _))| key.parse::<usize>().ok() == Some(i));
    if sequential {
        Payload::List(entries.into_iter().map(|(_, value)| value).collect())
    } else {
        Payload::Object(entries)
    }
}

/// `batch` (batch.md): commands in order, `$result[...]` references, `halt`.
///
/// Every command counts as one call of its method in the stats. Runs under the state
/// lock from start to end, so the commands see each other's writes and nothing else's.
pub(crate) fn batch(state: &mut State, params: &Value, caller: Caller) -> CallResult {
    let commands: Vec<(String, String)> = match param(params, "cmd") {
        Some(Value::Object(_)) => ordered_entries(params, "cmd")
            .into_iter()
            .map(|(name, command)| (name.clone(), command_text(command)))
            .collect(),
        Some(Value::Array(items)) => items
            .iter()
            .enumerate()
            .map(|(i, command)| (i.to_string(), command_text(command)))
            .collect(),
        _ => Vec::new(),
    };
    if commands.len() > BATCH_MAX {
        return Err(CallError::new(
            400,
            "ERROR_BATCH_LENGTH_EXCEEDED",
            &format!("Max batch length exceeded ({BATCH_MAX})"),
        ));
    }
    let halt = param(params, "halt").is_some_and(|value| match value {
        Value::Bool(flag) => *flag,
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        Value::String(text) => !matches!(text.trim(), "" | "0" | "false" | "N" | "n"),
        _ => false,
    });
    let mut results: Vec<(String, Payload)> = Vec::new();
    let mut errors: Vec<(String, Payload)> = Vec::new();
    let mut totals: Vec<(String, Payload)> = Vec::new();
    let mut nexts: Vec<(String, Payload)> = Vec::new();
    let mut times: Vec<(String, Payload)> = Vec::new();
    for (name, command) in commands {
        let start = now_unix();
        let command = substitute(&command, &results);
        let (method, query) = command.split_once('?').unwrap_or((command.as_str(), ""));
        let method = method.trim().trim_end_matches(".json").to_ascii_lowercase();
        *state
            .stats
            .calls_by_method
            .entry(method.clone())
            .or_default() += 1;
        let sub_params = parse_form(query);
        let result = if method == "batch" {
            Err(CallError::new(
                405,
                "ERROR_BATCH_METHOD_NOT_ALLOWED",
                "Method is not allowed for batch usage",
            ))
        } else {
            execute(state, &method, &sub_params, caller)
        };
        let finish = now_unix();
        match result {
            Ok(outcome) => {
                results.push((name.clone(), outcome.result));
                if let Some(total) = outcome.total {
                    totals.push((name.clone(), json!(total).into()));
                }
                if let Some(next) = outcome.next {
                    nexts.push((name.clone(), json!(next).into()));
                }
                let time = time_object(start, finish, finish - start, 0.0, None);
                times.push((name, time.into()));
            }
            Err(err) => {
                errors.push((name, err.body().into()));
                if halt {
                    break;
                }
            }
        }
    }
    Ok(Outcome::read(Payload::Object(vec![
        ("result".into(), php_map(results)),
        ("result_error".into(), php_map(errors)),
        ("result_total".into(), php_map(totals)),
        ("result_next".into(), php_map(nexts)),
        ("result_time".into(), php_map(times)),
    ])))
}

/// A command as text; the SDKs' `{method, params}` objects are accepted too.
fn command_text(command: &Value) -> String {
    match command {
        Value::String(text) => text.clone(),
        Value::Object(map) => {
            let method = map.get("method").and_then(Value::as_str).unwrap_or("");
            let mut pairs = Vec::new();
            if let Some(params) = map.get("params") {
                flatten("", params, &mut pairs);
            }
            if pairs.is_empty() {
                method.to_owned()
            } else {
                format!("{method}?{}", pairs.join("&"))
            }
        }
        other => other.to_string(),
    }
}

/// PHP-style encoding of a JSON value (`fields[TITLE]=x`).
fn flatten(prefix: &str, value: &Value, out: &mut Vec<String>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_owned()
        } else {
            format!("{prefix}[{k}]")
        }
    };
    match value {
        Value::Object(map) => map.iter().for_each(|(k, v)| flatten(&key(k), v, out)),
        Value::Array(items) => items
            .iter()
            .enumerate()
            .for_each(|(i, v)| flatten(&key(&i.to_string()), v, out)),
        Value::Null => out.push(format!("{}=", php_form::encode(prefix))),
        Value::String(text) => out.push(format!(
            "{}={}",
            php_form::encode(prefix),
            php_form::encode(text)
        )),
        Value::Bool(flag) => out.push(format!(
            "{}={}",
            php_form::encode(prefix),
            if *flag { "1" } else { "0" }
        )),
        Value::Number(n) => out.push(format!("{}={n}", php_form::encode(prefix))),
    }
}

/// Replace `$result[name][key]...` with the value from an earlier command's result,
/// percent-encoded so it survives the query parsing. Unknown references stay as written.
fn substitute(command: &str, results: &[(String, Payload)]) -> String {
    const MARK: &str = "$result[";
    let mut out = String::with_capacity(command.len());
    let mut rest = command;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let mut path: Vec<&str> = Vec::new();
        let mut cursor = &tail[MARK.len() - 1..];
        while let Some(inner) = cursor.strip_prefix('[') {
            let Some(close) = inner.find(']') else {
                break;
            };
            path.push(&inner[..close]);
            cursor = &inner[close + 1..];
        }
        let consumed = tail.len() - cursor.len();
        let value = path.split_first().and_then(|(name, keys)| {
            let value = results.iter().find(|(n, _)| n == name)?.1.lookup(keys)?;
            match value {
                Value::String(text) => Some(text),
                Value::Number(n) => Some(n.to_string()),
                Value::Bool(flag) => Some(if flag { "1".to_owned() } else { String::new() }),
                _ => None,
            }
        });
        match value {
            Some(text) if consumed > MARK.len() - 1 => {
                out.push_str(&php_form::encode(&text));
                rest = &tail[consumed..];
            }
            _ => {
                out.push('$');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_substituted_and_encoded() {
        let results: Vec<(String, Payload)> = vec![
            ("add".to_owned(), json!(7).into()),
            ("get".to_owned(), json!({"ID": "7", "TITLE": "a&b"}).into()),
            ("list".to_owned(), json!([{"ID": "3"}, {"ID": "4"}]).into()),
        ];
        assert_eq!(
            substitute("crm.deal.get?id=$result[add]", &results),
            "crm.deal.get?id=7"
        );
        assert_eq!(
            substitute(
                "x?a=$result[get][ID]&b=$result[get][TITLE]&c=$result[list][1][ID]",
                &results
            ),
            "x?a=7&b=a%26b&c=4"
        );
        assert_eq!(
            substitute("x?a=$result[nope][ID]", &results),
            "x?a=$result[nope][ID]"
        );
        assert_eq!(substitute("x?a=$result[get]", &results), "x?a=$result[get]");
        for odd in [
            "$result[",
            "$result",
            "$$result[[",
            "x?$result[add",
            "$result[add]]",
        ] {
            let _ = substitute(odd, &results);
        }
    }

    #[test]
    fn php_maps() {
        assert_eq!(php_map(Vec::new()).to_value(), json!([]));
        assert_eq!(
            php_map(vec![("0".into(), json!(1).into())]).to_value(),
            json!([1])
        );
        assert_eq!(
            php_map(vec![("a".into(), json!(1).into())]).to_value(),
            json!({"a": 1})
        );
    }

    #[test]
    fn sdk_style_commands_are_encoded() {
        let text = command_text(
            &json!({"method": "crm.deal.add", "params": {"fields": {"TITLE": "a&b"}}}),
        );
        assert_eq!(text, "crm.deal.add?fields%5BTITLE%5D=a%26b");
        assert_eq!(
            php_form::parse(text.split_once('?').unwrap().1),
            json!({"fields": {"TITLE": "a&b"}})
        );
    }
}
