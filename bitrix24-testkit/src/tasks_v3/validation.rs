//! What REST 3.0 task methods check in a request: the required `id` and `fields`, the
//! type of each written field, the users and the parent task it names, and `select`.

use serde_json::{Map, Value, json};

use super::reply::V3Error;
use crate::clock::{format_datetime, parse_datetime};
use crate::task_store::{FieldType, TaskStore, USERS, field_type};

/// The required integer `id`.
pub(super) fn id_param(params: &Value) -> Result<u64, V3Error> {
    match params.get("id") {
        None | Some(Value::Null) => Err(V3Error::required("id")),
        Some(value) => value
            .as_u64()
            .ok_or_else(|| V3Error::wrong_type("id", "int")),
    }
}

/// The `fields` object, required.
pub(super) fn fields_param(params: &Value) -> Result<&Map<String, Value>, V3Error> {
    match params.get("fields") {
        None | Some(Value::Null) => Err(V3Error::required("fields")),
        Some(Value::Object(fields)) => Ok(fields),
        Some(_) => Err(V3Error::wrong_type("fields", "array")),
    }
}

/// Check written fields against their types; unknown fields are ignored.
pub(super) fn check_fields(
    store: &TaskStore,
    fields: &Map<String, Value>,
    task_id: Option<u64>,
) -> Result<Map<String, Value>, V3Error> {
    let mut issues = Vec::new();
    let mut clean = Map::new();
    for (name, value) in fields {
        let Some(kind) = field_type(name) else {
            continue;
        };
        let ok = match kind {
            FieldType::ReadOnly => {
                issues.push((
                    name.clone(),
                    format!(
                        "In DTO `TaskDto`, the field `{name}` requires the presence of the `Editable` attribute for such a request"
                    ),
                ));
                continue;
            }
            _ if value.is_null() => true,
            FieldType::Text => value.is_string(),
            FieldType::Int => value.is_u64(),
            FieldType::Bool => value.is_boolean(),
            FieldType::DateTime => value.as_str().and_then(parse_datetime).is_some(),
            FieldType::IntList => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_u64)),
            FieldType::TextList => value
                .as_array()
                .is_some_and(|items| items.iter().all(Value::is_string)),
        };
        if !ok {
            let expected = match kind {
                FieldType::Int => "int",
                FieldType::Bool => "bool",
                FieldType::DateTime => "DateTime",
                FieldType::IntList | FieldType::TextList => "array",
                _ => "string",
            };
            issues.push((
                name.clone(),
                format!("Field `{name}` requires data type `{expected}` for this request"),
            ));
            continue;
        }
        let value = match (kind, value.as_str()) {
            // Datetimes are stored in the portal's zone, as it returns them.
            (FieldType::DateTime, Some(text)) => parse_datetime(text)
                .map(|unix| json!(format_datetime(unix)))
                .unwrap_or(Value::Null),
            _ => value.clone(),
        };
        clean.insert(name.clone(), value);
    }
    for field in ["creatorId", "responsibleId"] {
        if let Some(id) = clean.get(field).and_then(Value::as_u64) {
            if !USERS.iter().any(|user| user.0 == id) {
                let role = if field == "creatorId" {
                    "Creator"
                } else {
                    "Executor"
                };
                issues.push((
                    field.to_owned(),
                    format!("User specified in the \"{role}\" field not found"),
                ));
            }
        }
    }
    if let Some(parent) = clean.get("parentId").and_then(Value::as_u64) {
        if Some(parent) == task_id {
            issues.push(("parentId".into(), "Cannot bind a node to itself".into()));
        } else if store.task(parent).is_none() {
            issues.push((
                "parentId".into(),
                "Task specified in the \"Parent Task\" field not found".into(),
            ));
        }
    }
    let one_of = |field: &str, allowed: &[&str]| {
        clean
            .get(field)
            .and_then(Value::as_str)
            .is_some_and(|value| !allowed.contains(&value))
    };
    if one_of("priority", &["high", "average", "low"]) {
        issues.push(("priority".into(), "Unknown priority".into()));
    }
    const STATUSES: [&str; 6] = [
        "pending",
        "in_progress",
        "supposedly_completed",
        "completed",
        "deferred",
        "declined",
    ];
    if one_of("status", &STATUSES) {
        issues.push(("status".into(), "Unknown status".into()));
    }
    if issues.is_empty() {
        Ok(clean)
    } else {
        Err(V3Error::validation(issues))
    }
}

/// `select`: `None` for the basic set, else the requested names.
pub(super) fn select(params: &Value) -> Result<Option<Vec<String>>, V3Error> {
    match params.get("select") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    V3Error::new(
                        400,
                        "INVALIDSELECTEXCEPTION",
                        format!("Unable to recognize the select parameter `{item}`"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(other) => Err(V3Error::new(
            400,
            "INVALIDSELECTEXCEPTION",
            format!("Unable to recognize the select parameter `{other}`"),
        )),
    }
}
