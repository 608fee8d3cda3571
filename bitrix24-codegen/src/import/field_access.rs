//! Which of an entity's fields a portal lets a caller write, as its `*.fields` method
//! shows them.
//!
//! A family's write pages do not always list every field a write takes (`crm.activity.add`
//! leaves out `COMPLETED`, which `crm.activity.update` exists to set), so a record field
//! no write page names is not read-only for that alone. The reply example of the
//! family's `*.fields` method settles it: each field's `isReadOnly`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::infer;
use super::page::MethodPage;

/// Family (`crm.activity`) -> the fields its `*.fields` reply example shows with
/// `"isReadOnly": false`.
pub(super) type Writable = BTreeMap<String, BTreeSet<String>>;

/// The writable fields of every family with a `*.fields` page whose reply example
/// describes its fields.
pub(super) fn writable(pages: &[MethodPage]) -> Writable {
    let mut out = Writable::new();
    for page in pages {
        let Some(family) = page.method.strip_suffix(".fields") else {
            continue;
        };
        let fields: BTreeSet<String> = page
            .response_json
            .iter()
            .filter_map(|text| infer::parse_example(text))
            .flat_map(|reply| writable_in(&reply))
            .collect();
        if !fields.is_empty() {
            out.entry(family.to_owned()).or_default().extend(fields);
        }
    }
    out
}

/// The keys of `reply`'s `result` whose descriptions say `"isReadOnly": false`.
fn writable_in(reply: &Value) -> Vec<String> {
    let Some(Value::Object(fields)) = reply.get("result") else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|(_, about)| about.get("isReadOnly") == Some(&Value::Bool(false)))
        .map(|(name, _)| name.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn only_fields_described_as_not_read_only_are_writable() {
        let reply = json!({
            "result": {
                "ID": {"type": "integer", "isReadOnly": true},
                "COMPLETED": {"type": "char", "isReadOnly": false},
                "SUBJECT": {"type": "string"},
            },
            "time": {}
        });
        assert_eq!(writable_in(&reply), ["COMPLETED"]);
        assert!(writable_in(&json!({"result": [1, 2]})).is_empty());
    }
}
