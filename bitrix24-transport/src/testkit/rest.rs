//! REST methods of the portal: dispatch by name, `batch`, and the small system methods.

use serde_json::{Map, Value, json};

use super::clock::{now_unix, time_object};
use super::payload::Payload;
use super::php_form;
use super::state::State;

/// The most commands one `batch` may hold (batch.md).
pub(crate) const BATCH_MAX: usize = 50;

/// A method's successful result.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub(crate) result: Payload,
    pub(crate) total: Option<u64>,
    pub(crate) next: Option<u64>,
    /// The call changed the portal (counted in `Stats::executed_writes`).
    pub(crate) write: bool,
}

impl Outcome {
    pub(crate) fn read(result: impl Into<Payload>) -> Self {
        Self {
            result: result.into(),
            total: None,
            next: None,
            write: false,
        }
    }

    pub(crate) fn write(result: impl Into<Payload>) -> Self {
        Self {
            write: true,
            ..Self::read(result)
        }
    }
}

/// A method's error reply: `{"error": code, "error_description": description}`.
#[derive(Debug, Clone)]
pub(crate) struct CallError {
    pub(crate) status: u16,
    pub(crate) code: String,
    pub(crate) description: String,
}

impl CallError {
    pub(crate) fn new(status: u16, code: &str, description: &str) -> Self {
        Self {
            status,
            code: code.to_owned(),
            description: description.to_owned(),
        }
    }

    pub(crate) fn method_not_found(method: &str) -> Self {
        Self::new(
            404,
            "ERROR_METHOD_NOT_FOUND",
            &format!("Method not found! ({method})"),
        )
    }

    pub(crate) fn body(&self) -> Value {
        json!({"error": self.code, "error_description": self.description})
    }
}

pub(crate) type CallResult = Result<Outcome, CallError>;

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

/// Who is calling: the user of the webhook or of the token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Caller {
    pub(crate) user_id: u64,
}

/// Run one method (not `batch`) and record it in the stats.
pub(crate) fn execute(
    state: &mut State,
    method: &str,
    params: &Value,
    caller: Caller,
) -> CallResult {
    let now = now_unix().floor() as i64;
    let page_size = state.config.page_size;
    let caps = &state.config.capabilities;
    let result = if let Some(refusal) = super::capabilities::refuse(caps, method) {
        Err(refusal)
    } else if let Some(result) = super::capabilities::call(caps, method, params) {
        result
    } else if let Some(result) =
        super::user_fields::call(&state.user_fields, &mut state.deals, method, params)
    {
        result
    } else if let Some(result) = super::deals::call(
        &mut state.deals,
        method,
        params,
        caller.user_id,
        now,
        page_size,
    ) {
        result
    } else if let Some(result) = super::events::call(state, method, params) {
        result
    } else if let Some(result) = super::items::call(
        &mut state.items,
        method,
        params,
        caller.user_id,
        now,
        page_size,
    ) {
        result
    } else if let Some(result) = super::tasks_classic::call(
        &mut state.tasks_v3,
        method,
        params,
        caller.user_id,
        now,
        page_size,
    ) {
        result
    } else {
        match method {
            "app.info" => Ok(Outcome::read(app_info(state))),
            "profile" | "user.current" => Ok(Outcome::read(profile(caller))),
            "server.time" => Ok(Outcome::read(json!(super::clock::format_datetime(now)))),
            _ => Err(CallError::method_not_found(method)),
        }
    };
    if let Ok(outcome) = &result {
        if outcome.write {
            state.stats.executed_writes += 1;
        }
    }
    super::events::after_call(state, method, params, &result, caller, now);
    result
}

fn app_info(state: &State) -> Value {
    json!({
        "ID": "1",
        "CODE": state.client_id,
        "VERSION": 1,
        "STATUS": "L",
        "INSTALLED": true,
        "PAYMENT_EXPIRED": "N",
        "DAYS": null,
        "LICENSE": "en_project",
        "LICENSE_TYPE": "project",
        "LICENSE_FAMILY": "project",
    })
}

fn profile(caller: Caller) -> Value {
    json!({
        "ID": caller.user_id.to_string(),
        "ADMIN": true,
        "NAME": "John",
        "LAST_NAME": "Doe",
        "PERSONAL_GENDER": "",
        "PERSONAL_PHOTO": "",
        "TIME_ZONE": "",
        "TIME_ZONE_OFFSET": 10800,
    })
}

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

/// The reply object of an outcome: `result` and the extra fields (`total`, `next`).
pub(crate) fn success_body(outcome: Outcome) -> Vec<(String, Payload)> {
    let mut body = vec![("result".to_owned(), outcome.result)];
    if let Some(total) = outcome.total {
        body.push(("total".into(), json!(total).into()));
    }
    if let Some(next) = outcome.next {
        body.push(("next".into(), json!(next).into()));
    }
    body
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
