//! What a page's code samples show: the methods they call and the parameters they send.
//!
//! The samples are the docs' most literal facts: a cURL call names the method in its URL
//! (`.../rest/**put_your_webhook_here**/crm.deal.add`) and sends its parameters as the
//! JSON after `-d`; the JS and PHP samples name it in `method: 'crm.deal.add'`,
//! `callMethod('crm.deal.add'` or `call('crm.deal.add'`. The method name
//! ([`super::names`]) and the parameter check of the import lint read them; the JS
//! sample's TypeScript declaration of the result ([`ts_shape`]) types what the reply
//! example leaves `null`.

use std::collections::BTreeMap;

use super::markdown::Block;
use super::ts_shape::{self, Ts};

/// The methods a page's samples call and the parameters its cURL samples send.
#[derive(Debug, Default, Clone)]
pub(crate) struct Samples {
    /// Method name -> how often the samples call it.
    pub(crate) methods: BTreeMap<String, usize>,
    /// The top-level keys of the cURL samples' JSON bodies, without `auth`.
    pub(crate) params: Vec<String>,
    /// The first cURL sample's JSON body, without `auth`.
    pub(crate) body: Option<serde_json::Map<String, serde_json::Value>>,
    /// The result's shape the JS sample declares in TypeScript ([`ts_shape`]).
    pub(crate) result_shape: Option<Ts>,
}

/// Whether `name` is a REST method name (`crm.deal.add`, `imbot.v2.Bot.list`).
pub(crate) fn is_method_name(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.contains('.')
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Read the samples of a page's code blocks.
pub(crate) fn read(blocks: &[Block]) -> Samples {
    let mut samples = Samples::default();
    for block in blocks {
        let Block::Code { text, .. } = block else {
            continue;
        };
        for name in called(text) {
            *samples.methods.entry(name).or_default() += 1;
        }
        for body in bodies(text) {
            for key in body.keys() {
                if !samples.params.contains(key) {
                    samples.params.push(key.clone());
                }
            }
            samples.body.get_or_insert(body);
        }
    }
    samples.result_shape = ts_shape::result_shape(blocks);
    samples
}

/// The method names a code block calls.
fn called(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    // cURL: the last segment of a `/rest/` URL.
    let mut rest = text;
    while let Some(at) = rest.find("/rest/") {
        let url: String = rest[at..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '\'' | '"' | '`' | '\\' | '?'))
            .collect();
        if let Some(last) = url.rsplit('/').next() {
            // Dotless methods (`methods`, `scope`, `profile`) count in a URL only.
            let dotless = !last.is_empty() && last.chars().all(|c| c.is_ascii_lowercase());
            if is_method_name(last) || dotless {
                out.push(last.to_owned());
            }
        }
        rest = &rest[at + "/rest/".len()..];
    }
    // JS and PHP: `method: 'x'`, `callMethod('x'`, `call('x'`.
    for marker in ["method:", "callMethod(", "call("] {
        let mut rest = text;
        while let Some(at) = rest.find(marker) {
            let after = rest[at + marker.len()..].trim_start();
            if let Some(quote) = after.chars().next().filter(|c| matches!(c, '\'' | '"')) {
                let inner = &after[1..];
                if let Some(end) = inner.find(quote) {
                    if is_method_name(&inner[..end]) {
                        out.push(inner[..end].to_owned());
                    }
                }
            }
            rest = &rest[at + marker.len()..];
        }
    }
    out
}

/// The JSON objects a cURL sample sends with `-d '...'`, without `auth`.
fn bodies(text: &str) -> Vec<serde_json::Map<String, serde_json::Value>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("-d '") {
        let body = &rest[at + 4..];
        let Some(end) = body.find('\'') else {
            break;
        };
        if let Ok(serde_json::Value::Object(mut map)) = serde_json::from_str(&body[..end]) {
            map.remove("auth");
            out.push(map);
        }
        rest = &body[end..];
    }
    out
}

/// The spec type of a value a cURL sample sends, when it is a scalar or a list of one
/// kind of scalar (`["crm", "CCrmDocumentDeal", "DEAL_1"]` is `string[]`), or an upload
/// (`file`).
pub(super) fn sample_type(value: &serde_json::Value) -> Option<String> {
    use serde_json::Value;
    let scalar = |value: &Value| match value {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
        Value::Number(_) => Some("double"),
        _ => None,
    };
    match value {
        // The upload shape of a `file` (`{"fileData": ["photo.png", "<base64>"]}`).
        Value::Object(map) if map.contains_key("fileData") => Some("file".to_owned()),
        Value::Array(items) => {
            let first = scalar(items.first()?)?;
            items
                .iter()
                .all(|item| scalar(item) == Some(first))
                .then(|| format!("{first}[]"))
        }
        other => scalar(other).map(str::to_owned),
    }
}

/// The JSON value a description's code span shows for the field `name`: the span itself
/// (`["ext-msg-1007"]`), or its value in a `"name": value` span (`"inFavorite": [29]`).
pub(super) fn shown_value(span: &str, name: &str) -> Option<serde_json::Value> {
    if let Ok(value) = serde_json::from_str(span) {
        return Some(value);
    }
    let wrapped: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&format!("{{{span}}}")).ok()?;
    wrapped.get(name).cloned()
}

/// Whether a request sample sends anything under the key `name`, at any depth.
pub(super) fn sends(body: &serde_json::Map<String, serde_json::Value>, name: &str) -> bool {
    let mut found = Vec::new();
    for value in body.values() {
        values_under(value, name, &mut found);
    }
    body.contains_key(name) || !found.is_empty()
}

/// Every value held under the key `name` inside `value`, at any depth.
fn values_under<'v>(
    value: &'v serde_json::Value,
    name: &str,
    out: &mut Vec<&'v serde_json::Value>,
) {
    match value {
        serde_json::Value::Object(map) => {
            for (key, inner) in map {
                if key == name {
                    out.push(inner);
                }
                values_under(inner, name, out);
            }
        }
        serde_json::Value::Array(items) => {
            for item in items {
                values_under(item, name, out);
            }
        }
        _ => {}
    }
}

/// The type of what a request sample sends under the key `name` anywhere in `body`, when
/// it sends something typable and every place agrees.
pub(super) fn sent_under(
    body: &serde_json::Map<String, serde_json::Value>,
    name: &str,
) -> Option<String> {
    let mut found = Vec::new();
    for (key, value) in body {
        // Top-level parameters are typed by their own rule.
        if key != name {
            values_under(value, name, &mut found);
        }
    }
    let mut types = found.into_iter().map(sample_type);
    let first = types.next()??;
    types
        .all(|ty| ty.as_deref() == Some(first.as_str()))
        .then_some(first)
}

/// The record a description's code span shows (`{"timestamp": "1723446900", "timezone":
/// "Europe/Berlin"}`): a JSON object of at least two fields, none a placeholder
/// (`{"<folder_page_code>": [...]}`) or a key standing for many (`{"FIELD": "ASC"}` has
/// one).
pub(super) fn shown_record(description: &str) -> Option<serde_json::Value> {
    let by_language = |key: &String| key.len() == 2 && key.bytes().all(|b| b.is_ascii_lowercase());
    let mut record = super::markdown::code_spans(description)
        .into_iter()
        .filter_map(|(span, _)| serde_json::from_str::<serde_json::Value>(&span).ok())
        .find(|value| {
            value.as_object().is_some_and(|fields| {
                fields.len() >= 2
                    && !fields
                        .keys()
                        .any(|key| super::field_names::is_placeholder(key))
                    && !fields.keys().all(by_language)
            }) && matches!(
                super::infer::shape("", value),
                super::infer::Shape::Object(_)
            )
        })?;
    // A number a format shows as text (`"timestamp": "1723446900"`) is a number: PHP reads
    // either, and the reply sends it as one.
    for value in record.as_object_mut()?.values_mut() {
        let number = value
            .as_str()
            .filter(|t| !t.is_empty() && t.len() <= 18 && t.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|t| t.parse::<u64>().ok());
        if let Some(number) = number {
            *value = serde_json::Value::from(number);
        }
    }
    Some(record)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_shown_and_sent() {
        let shown = |span| shown_value(span, "inFavorite").and_then(|v| sample_type(&v));
        assert_eq!(shown(r#""inFavorite": [29]"#).as_deref(), Some("integer[]"));
        assert_eq!(shown(r#"["a", "b"]"#).as_deref(), Some("string[]"));
        assert_eq!(shown(r#""other": [29]"#), None);
        assert_eq!(shown("not json"), None);
        assert_eq!(
            sample_type(&serde_json::json!({"fileData": ["a.png", "iVBOR"]})).as_deref(),
            Some("file")
        );

        let body: serde_json::Map<String, serde_json::Value> = serde_json::from_str(
            r#"{"fields": {"iblockSection": [12, 14], "rows": [{"MEMBERS": ["1"]}]},
                "MEMBERS": 5, "other": {"MEMBERS": ["2", "3"]}, "mixed": {"A": 1, "B": {"A": "x"}}}"#,
        )
        .unwrap();
        assert_eq!(
            sent_under(&body, "iblockSection").as_deref(),
            Some("integer[]")
        );
        // The top-level `MEMBERS` is its own parameter; the nested ones agree.
        assert_eq!(sent_under(&body, "MEMBERS").as_deref(), Some("string[]"));
        // Places that disagree type nothing.
        assert_eq!(sent_under(&body, "A"), None);
        assert_eq!(sent_under(&body, "absent"), None);
        assert!(
            sends(&body, "iblockSection") && sends(&body, "MEMBERS") && !sends(&body, "absent")
        );
    }

    #[test]
    fn samples_name_methods_and_parameters() {
        let blocks = vec![
            Block::Code {
                lang: "bash".into(),
                text: "curl -X POST \\\n -d '{\"id\":1,\"rows\":[],\"auth\":\"x\"}' \\\n https://**put_your_bitrix24_address**/rest/**put_your_webhook_here**/department.delete".into(),
            },
            Block::Code {
                lang: "js".into(),
                text: "$b24.callMethod('department.delete', {id: 1}); make({ method: 'department.delete' })".into(),
            },
        ];
        let samples = read(&blocks);
        assert_eq!(samples.methods.get("department.delete"), Some(&3));
        assert_eq!(samples.params, ["id", "rows"]);
    }

    #[test]
    fn records_a_description_shows() {
        let shown = shown_record(
            "Client type in the format `{\"module\": \"crm\", \"code\": \"CONTACT\"}`.",
        );
        assert_eq!(
            shown,
            Some(serde_json::json!({"module": "crm", "code": "CONTACT"}))
        );
        // One key stands for many; placeholders and data keys are no fields.
        assert_eq!(
            shown_record("Sorting in the format `{\"FIELD\": \"ASC\"}`"),
            None
        );
        assert_eq!(
            shown_record("Pages `{\"<code>\": [1], \"<other>\": [2]}`"),
            None
        );
        assert_eq!(shown_record("By ID `{\"12\": \"a\", \"13\": \"b\"}`"), None);
        assert_eq!(shown_record("Not JSON `{key: value, other: 1}`"), None);
        assert_eq!(
            shown_record("Titles `{\"en\": \"Hi\", \"de\": \"Hallo\"}`"),
            None
        );
        assert_eq!(
            shown_record("From `{\"timestamp\": \"1723446900\", \"timezone\": \"UTC\"}`"),
            Some(serde_json::json!({"timestamp": 1723446900, "timezone": "UTC"}))
        );
    }
}
