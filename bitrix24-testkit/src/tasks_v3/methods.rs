//! The REST 3.0 task methods by name: `tasks.task.add/get/update/delete` here,
//! `tasks.task.list` in `list.rs`.

use serde_json::{Value, json};

use super::list::list;
use super::render::render;
use super::reply::V3Error;
use super::validation::{check_fields, fields_param, id_param, select};
use crate::clock::{format_datetime, now_unix};
use crate::task_store::TaskStore;

pub(super) fn dispatch(
    store: &mut TaskStore,
    method: &str,
    params: &Value,
) -> Result<Value, V3Error> {
    let now = now_unix().floor() as i64;
    match method {
        "tasks.task.add" => add(store, params, now),
        "tasks.task.get" => {
            let id = id_param(params)?;
            let task = store.task(id).ok_or_else(|| {
                V3Error::new(
                    400,
                    "ENTITYNOTFOUNDEXCEPTION",
                    format!("Record with ID = `{id}` not found"),
                )
            })?;
            Ok(json!({ "item": render(task, select(params)?.as_deref())? }))
        }
        "tasks.task.update" => update(store, params, now),
        "tasks.task.delete" => {
            let id = id_param(params)?;
            if !store.remove(id) {
                return Err(V3Error::access_denied());
            }
            Ok(json!({ "result": true }))
        }
        "tasks.task.list" => list(store, params),
        _ => Err(V3Error::method_not_found(method)),
    }
}

fn add(store: &mut TaskStore, params: &Value, now: i64) -> Result<Value, V3Error> {
    let fields = fields_param(params)?;
    let missing: Vec<(String, String)> = ["title", "creatorId", "responsibleId"]
        .into_iter()
        .filter(|field| fields.get(*field).is_none_or(Value::is_null))
        .map(|field| {
            (
                field.to_owned(),
                format!("Required field `{field}` is not specified"),
            )
        })
        .collect();
    if !missing.is_empty() {
        return Err(V3Error::validation(missing));
    }
    let clean = check_fields(store, fields, None)?;
    let id = store.create(clean, now);
    let item = match store.task(id) {
        Some(task) => render(task, None)?,
        None => Value::Null,
    };
    Ok(json!({ "item": item }))
}

fn update(store: &mut TaskStore, params: &Value, now: i64) -> Result<Value, V3Error> {
    let id = id_param(params)?;
    let fields = fields_param(params)?;
    if store.task(id).is_none() {
        return Err(V3Error::access_denied());
    }
    let mut checked = fields.clone();
    // `creatorId` is set at creation only (tasks-task-update-rest-v3.md).
    if checked.contains_key("creatorId") {
        return Err(V3Error::field(
            "creatorId",
            "In DTO `TaskDto`, the field `creatorId` requires the presence of the `Editable` attribute for such a request",
        ));
    }
    checked.remove("id");
    let clean = check_fields(store, &checked, Some(id))?;
    let task = store.task_mut(id).ok_or_else(V3Error::access_denied)?;
    let stamp = json!(format_datetime(now));
    if let Some(status) = clean.get("status") {
        if task.get("status") != Some(status) {
            task.insert("statusChanged".into(), stamp.clone());
            let closed = matches!(status.as_str(), Some("completed"));
            task.insert(
                "closed".into(),
                if closed { stamp.clone() } else { Value::Null },
            );
        }
    }
    task.extend(clean);
    task.insert("changed".into(), stamp.clone());
    task.insert("activity".into(), stamp);
    Ok(json!({ "result": true }))
}
