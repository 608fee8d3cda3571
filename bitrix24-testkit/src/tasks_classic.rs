//! The classic `tasks.task.add/get/update/delete/list` under `/rest/` (api-reference/tasks/).
//!
//! They serve the same tasks as the REST 3.0 methods (`tasks_v3`), as a real portal
//! does: a task added by either API is seen, listed and deleted by the other. The store
//! keeps REST 3.0 values; the classic methods show them in the classic form (fields.md):
//! camelCase keys, every value a string (`"id": "8017"`, `"status": "2"`,
//! `"priority": "1"`, `"allowChangeDeadline": "N"`), user lists as strings, and the
//! `creator` / `responsible` user objects.
//!
//! Writes take the documented UPPER_CASE field names (camelCase is accepted too): `TITLE`
//! and `RESPONSIBLE_ID` are required, users are 1, 2 and 3 (as for REST 3.0).
//!
//! `tasks.task.list` (tasks-task-list.md): `{"tasks": [...]}`; `filter` keys are the
//! documented UPPER_CASE fields with the prefixes `!`, `<`, `<=`, `>`, `>=` (and the other
//! classic ones); a field the portal does not know is left out, as a portal does
//! (`REAL_STATUS` is `status`, `STATUS` is `subStatus`, `ACCOMPLICE` / `AUDITOR` match
//! one member of the lists). `order` takes the documented keys, `asc` / `desc`, default
//! `ID` descending; an unknown key is 400 `0` "Invalid sorting key (internal error)".
//! `select` takes field names (UPPER_CASE or camelCase) or `*`; `id` always comes, and
//! `responsible` / `creator` come with `RESPONSIBLE_ID` / `CREATED_BY`. Pages of 50 with
//! `total` and `next`; `start=-1` answers the page without counting (`total: 0`).

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use crate::call::{CallError, CallResult, Outcome};
use crate::clock::{format_datetime, parse_datetime};
use crate::list_query::{self, Filter, Kind, Query, SortBy};
use crate::params::{ordered_entries, param};
use crate::task_store::{TaskStore, USERS};

type Task = Map<String, Value>;

/// The classic fields of a task (fields.md) and how they compare.
const FIELDS: &[(&str, Kind)] = &[
    ("id", Kind::Integer),
    ("parentId", Kind::Integer),
    ("title", Kind::Text),
    ("description", Kind::Text),
    ("mark", Kind::Text),
    ("priority", Kind::Integer),
    ("multitask", Kind::Flag),
    ("notViewed", Kind::Flag),
    ("replicate", Kind::Flag),
    ("stageId", Kind::Integer),
    ("createdBy", Kind::Integer),
    ("createdDate", Kind::DateTime),
    ("responsibleId", Kind::Integer),
    ("changedBy", Kind::Integer),
    ("changedDate", Kind::DateTime),
    ("statusChangedBy", Kind::Integer),
    ("closedBy", Kind::Integer),
    ("closedDate", Kind::DateTime),
    ("activityDate", Kind::DateTime),
    ("dateStart", Kind::DateTime),
    ("deadline", Kind::DateTime),
    ("startDatePlan", Kind::DateTime),
    ("endDatePlan", Kind::DateTime),
    ("guid", Kind::Text),
    ("xmlId", Kind::Text),
    ("commentsCount", Kind::Integer),
    ("allowChangeDeadline", Kind::Flag),
    ("allowTimeTracking", Kind::Flag),
    ("taskControl", Kind::Flag),
    ("addInReport", Kind::Flag),
    ("timeEstimate", Kind::Integer),
    ("timeSpentInLogs", Kind::Integer),
    ("matchWorkTime", Kind::Flag),
    ("siteId", Kind::Text),
    ("subordinate", Kind::Flag),
    ("favorite", Kind::Flag),
    ("isMuted", Kind::Flag),
    ("isPinned", Kind::Flag),
    ("isPinnedInGroup", Kind::Flag),
    ("descriptionInBbcode", Kind::Flag),
    ("status", Kind::Integer),
    ("statusChangedDate", Kind::DateTime),
    ("subStatus", Kind::Integer),
    ("durationPlan", Kind::Integer),
    ("durationType", Kind::Text),
    ("sorting", Kind::Integer),
    ("groupId", Kind::Integer),
    ("auditors", Kind::Integer),
    ("accomplices", Kind::Integer),
];

/// Order keys that name something other than a field of the same name (tasks-task-list.md).
const ORDER_ONLY: &[(&str, &str, Kind)] = &[
    ("REAL_STATUS", "status", Kind::Integer),
    ("STATUS_COMPLETE", "statusComplete", Kind::Integer),
    ("CREATED_BY_LAST_NAME", "createdByLastName", Kind::Text),
    ("RESPONSIBLE_LAST_NAME", "responsibleLastName", Kind::Text),
];

/// Filter keys that name something other than a field of the same name (tasks-task-list.md).
const FILTER_ONLY: &[(&str, &str)] = &[
    ("REAL_STATUS", "status"),
    ("STATUS", "subStatus"),
    ("ACCOMPLICE", "accomplices"),
    ("AUDITOR", "auditors"),
];

/// `RESPONSIBLE_ID` -> `responsibleId`; camelCase stays as it is.
fn camel(name: &str) -> String {
    if !name.contains('_') && name.bytes().any(|b| b.is_ascii_lowercase()) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len());
    for (i, part) in name.split('_').filter(|p| !p.is_empty()).enumerate() {
        let lower = part.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(first) = chars.next() {
                out.push(first.to_ascii_uppercase());
                out.extend(chars);
            }
        }
    }
    out
}

/// `responsibleId` -> `RESPONSIBLE_ID`; UPPER_CASE stays as it is.
fn upper_snake(name: &str) -> String {
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        return name.to_owned();
    }
    let mut out = String::with_capacity(name.len() + 4);
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// A classic field by any spelling: its camelCase name and kind.
fn field(name: &str) -> Option<(&'static str, Kind)> {
    let camel = camel(name.trim());
    FIELDS
        .iter()
        .find(|(field, _)| field.eq_ignore_ascii_case(&camel))
        .copied()
}

fn resolve_filter(name: &str) -> Option<(String, Kind)> {
    let upper = upper_snake(name.trim());
    if let Some((_, target)) = FILTER_ONLY.iter().find(|(key, _)| *key == upper) {
        return field(target).map(|(name, kind)| (name.to_owned(), kind));
    }
    field(name).map(|(name, kind)| (name.to_owned(), kind))
}

fn resolve_order(name: &str) -> Option<(String, Kind)> {
    let upper = upper_snake(name.trim());
    if let Some((_, target, kind)) = ORDER_ONLY.iter().find(|(key, _, _)| *key == upper) {
        return Some(((*target).to_owned(), *kind));
    }
    field(name).map(|(name, kind)| (name.to_owned(), kind))
}

/// REST 3.0 status -> the classic number (fields.md; 7 is "declined").
const STATUSES: [(&str, &str); 6] = [
    ("pending", "2"),
    ("in_progress", "3"),
    ("supposedly_completed", "4"),
    ("completed", "5"),
    ("deferred", "6"),
    ("declined", "7"),
];

/// REST 3.0 priority -> the classic number.
const PRIORITIES: [(&str, &str); 3] = [("low", "0"), ("average", "1"), ("high", "2")];

fn text_of(value: Option<&Value>) -> Value {
    match value {
        None | Some(Value::Null) => Value::Null,
        Some(Value::String(text)) => json!(text),
        Some(other) => json!(other.to_string()),
    }
}

fn flag_of(value: Option<&Value>) -> Value {
    json!(if value.and_then(Value::as_bool).unwrap_or(false) {
        "Y"
    } else {
        "N"
    })
}

fn user(id: u64) -> Option<(u64, &'static str, &'static str, &'static str)> {
    USERS.iter().find(|user| user.0 == id).copied()
}

/// A user as the classic task replies describe one (fields.md#user).
fn user_object(id: Option<u64>) -> Value {
    match id.and_then(user) {
        None => json!([]),
        Some((id, name, last_name, _)) => json!({
            "id": id.to_string(),
            "name": format!("{name} {last_name}"),
            "link": format!("/company/personal/user/{id}/"),
            "icon": "/bitrix/images/tasks/default_avatar.png",
            "workPosition": "",
        }),
    }
}

/// One classic field of a task kept in the REST 3.0 form.
fn classic(task: &Task, field: &str) -> Value {
    let get = |name: &str| task.get(name);
    let id_text = |name: &str| match get(name) {
        Some(Value::Number(n)) if n.as_u64() != Some(0) => json!(n.to_string()),
        _ => Value::Null,
    };
    let user_of = |name: &str| get(name).and_then(Value::as_u64);
    match field {
        "id" => text_of(get("id")),
        "parentId" => id_text("parentId"),
        "title" => text_of(get("title")),
        "description" => text_of(get("description"))
            .as_str()
            .map_or(json!(""), |t| json!(t)),
        "mark" => match get("mark").and_then(Value::as_str) {
            Some("P" | "positive") => json!("P"),
            Some("N" | "negative") => json!("N"),
            _ => Value::Null,
        },
        "priority" => {
            let priority = get("priority").and_then(Value::as_str).unwrap_or("average");
            let number = PRIORITIES.iter().find(|(name, _)| *name == priority);
            json!(number.map_or("1", |(_, number)| *number))
        }
        "status" | "subStatus" => {
            let status = get("status").and_then(Value::as_str).unwrap_or("pending");
            let number = STATUSES.iter().find(|(name, _)| *name == status);
            json!(number.map_or("2", |(_, number)| *number))
        }
        "statusComplete" => {
            let done = get("status").and_then(Value::as_str) == Some("completed");
            json!(if done { "2" } else { "1" })
        }
        "createdBy" | "changedBy" => text_of(get("creatorId")),
        "responsibleId" => text_of(get("responsibleId")),
        "createdByLastName" => json!(user_of("creatorId").and_then(user).map_or("", |u| u.2)),
        "responsibleLastName" => {
            json!(user_of("responsibleId").and_then(user).map_or("", |u| u.2))
        }
        "createdDate" => text_of(get("created")),
        "changedDate" => text_of(get("changed")),
        "activityDate" => text_of(get("activity")),
        "statusChangedDate" => match get("statusChanged") {
            Some(Value::Null) | None => text_of(get("created")),
            value => text_of(value),
        },
        "statusChangedBy" => match get("statusChanged") {
            Some(Value::Null) | None => Value::Null,
            _ => text_of(get("creatorId")),
        },
        "closedBy" => match get("closed") {
            Some(Value::Null) | None => Value::Null,
            _ => text_of(get("responsibleId")),
        },
        "closedDate" => text_of(get("closed")),
        "dateStart" => text_of(get("started")),
        "deadline" => text_of(get("deadline")),
        "startDatePlan" => text_of(get("startPlan")),
        "endDatePlan" => text_of(get("endPlan")),
        "guid" => text_of(get("guid")),
        "xmlId" => text_of(get("xmlId")),
        "allowChangeDeadline" => flag_of(get("allowsChangeDeadline")),
        "allowTimeTracking" => flag_of(get("allowsTimeTracking")),
        "taskControl" => flag_of(get("needsControl")),
        "timeEstimate" => json!(
            get("estimatedTime")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .to_string()
        ),
        "groupId" => json!(
            get("groupId")
                .and_then(Value::as_u64)
                .unwrap_or(0)
                .to_string()
        ),
        "stageId" => json!("0"),
        "siteId" => json!("s1"),
        "durationType" => json!("days"),
        "descriptionInBbcode" => json!("Y"),
        "multitask" | "notViewed" | "replicate" | "addInReport" | "matchWorkTime"
        | "subordinate" | "favorite" | "isMuted" | "isPinned" | "isPinnedInGroup" => json!("N"),
        "auditors" | "accomplices" => Value::Array(
            get(field)
                .and_then(Value::as_array)
                .map(|ids| ids.iter().map(|id| json!(id.to_string())).collect())
                .unwrap_or_default(),
        ),
        // commentsCount, timeSpentInLogs, durationPlan, sorting: nothing recorded.
        _ => Value::Null,
    }
}

fn read<'r>(task: &'r Task, field: &str) -> Cow<'r, Value> {
    Cow::Owned(classic(task, field))
}

/// A task with every classic field, and the `group`, `creator` and `responsible` objects.
fn render_all(task: &Task) -> Value {
    let mut out: Map<String, Value> = FIELDS
        .iter()
        .map(|(name, _)| ((*name).to_owned(), classic(task, name)))
        .collect();
    out.insert("group".into(), json!([]));
    out.insert(
        "creator".into(),
        user_object(task.get("creatorId").and_then(Value::as_u64)),
    );
    out.insert(
        "responsible".into(),
        user_object(task.get("responsibleId").and_then(Value::as_u64)),
    );
    Value::Object(out)
}

/// A task with the selected fields (`None`: every field), `id` always.
fn render(task: &Task, select: Option<&[&'static str]>) -> Value {
    let Some(names) = select else {
        return render_all(task);
    };
    let mut out = Map::new();
    out.insert("id".into(), classic(task, "id"));
    for name in names {
        out.insert((*name).to_owned(), classic(task, name));
        let object = match *name {
            "responsibleId" => Some(("responsible", "responsibleId")),
            "createdBy" => Some(("creator", "creatorId")),
            _ => None,
        };
        if let Some((key, source)) = object {
            out.insert(
                key.into(),
                user_object(task.get(source).and_then(Value::as_u64)),
            );
        }
    }
    Value::Object(out)
}

/// `select`: a list (a PHP form sends a map); `Err` for anything else. `Ok(None)`: every
/// field.
fn select_param(params: &Value) -> Result<Option<Vec<&'static str>>, CallError> {
    let names: Vec<&str> = match param(params, "select") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Array(names)) => names.iter().filter_map(Value::as_str).collect(),
        Some(Value::Object(names)) => names.values().filter_map(Value::as_str).collect(),
        Some(_) => {
            return Err(CallError::new(
                400,
                "100",
                "Invalid value {} to match with parameter {select}. Should be value of type array. (internal error)",
            ));
        }
    };
    if names.is_empty() || names.iter().any(|name| name.trim() == "*") {
        return Ok(None);
    }
    let mut fields: Vec<&'static str> = Vec::new();
    for name in names {
        if let Some((field, _)) = field(name) {
            if !fields.contains(&field) {
                fields.push(field);
            }
        }
    }
    Ok(Some(fields))
}

/// The task ID of `get` / `delete`.
fn task_id(params: &Value) -> Result<u64, CallError> {
    let value = match param(params, "taskId") {
        None | Some(Value::Null) => {
            return Err(CallError::new(
                400,
                "100",
                "CTaskItem All parameters in the constructor must have real class type (internal error)",
            ));
        }
        Some(value) => value,
    };
    let id = match value {
        Value::Number(n) => n.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    };
    id.filter(|id| *id > 0)
        .ok_or_else(|| CallError::new(400, "0", "wrong task id"))
}

fn core_error(text: &str) -> CallError {
    CallError::new(400, "ERROR_CORE", &format!("{text}<br>"))
}

/// A whole number as a form or JSON sends it.
fn whole(value: &Value) -> Option<u64> {
    match value {
        Value::Number(n) => n.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

/// The classic `fields` of `tasks.task.add` as REST 3.0 values, checked as documented
/// (tasks-task-add.md "Possible error codes").
fn add_fields(
    store: &TaskStore,
    fields: &Map<String, Value>,
    caller: u64,
) -> Result<Map<String, Value>, CallError> {
    let mut out = Map::new();
    out.insert("creatorId".into(), json!(caller));
    out.extend(stored_fields(fields, caller)?);
    check_task(store, &out)?;
    Ok(out)
}

/// `tasks.task.update` (tasks-task-update.md): the given fields over the stored task,
/// checked as a whole as `add` checks a new one; the task as `get` shows it.
fn update(
    store: &mut TaskStore,
    params: &Value,
    caller: u64,
    now: i64,
) -> Result<Outcome, CallError> {
    let id = task_id(params)?;
    let fields = match param(params, "fields") {
        Some(Value::Object(fields)) if !fields.is_empty() => fields,
        _ => {
            return Err(CallError::new(
                400,
                "100",
                "Could not find value for parameter {fields} (internal error)",
            ));
        }
    };
    let Some(task) = store.task(id) else {
        return Err(CallError::new(
            400,
            "0",
            "Action on the task is not allowed (internal error)",
        ));
    };
    let mut task = task.clone();
    let changes = stored_fields(fields, caller)?;
    if changes.get("parentId").and_then(Value::as_u64) == Some(id) {
        return Err(core_error("Cannot bind the node to itself"));
    }
    task.extend(changes);
    task.insert("changed".into(), json!(format_datetime(now)));
    check_task(store, &task)?;
    let rendered = render_all(&task);
    if let Some(stored) = store.task_mut(id) {
        *stored = task;
    }
    Ok(Outcome::write(json!({ "task": rendered })))
}

/// The classic fields a write sends (UPPER_CASE or camelCase names), as the REST 3.0
/// values the store keeps; fields the portal sets itself are left out.
fn stored_fields(
    fields: &Map<String, Value>,
    caller: u64,
) -> Result<Map<String, Value>, CallError> {
    let mut out = Map::new();
    for (key, value) in fields {
        let key = upper_snake(key.trim());
        let text = || match value {
            Value::String(text) => Some(text.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        };
        let datetime = || {
            text()
                .and_then(|t| parse_datetime(&t))
                .map(|unix| json!(format_datetime(unix)))
        };
        let yes = || {
            text().is_some_and(|t| {
                matches!(t.trim().to_ascii_uppercase().as_str(), "Y" | "1" | "TRUE")
            }) || value.as_bool() == Some(true)
        };
        let users = || -> Value {
            let ids: Vec<u64> = match value {
                Value::Array(items) => items.iter().filter_map(whole).collect(),
                Value::Object(map) => map.values().filter_map(whole).collect(),
                other => whole(other).into_iter().collect(),
            };
            json!(ids)
        };
        let (name, stored) = match key.as_str() {
            "TITLE" => ("title", text().map_or(Value::Null, |t| json!(t.trim()))),
            "DESCRIPTION" => ("description", text().map_or(json!(""), |t| json!(t))),
            "RESPONSIBLE_ID" => (
                "responsibleId",
                whole(value).map_or(Value::Null, |id| json!(id)),
            ),
            "CREATED_BY" => (
                "creatorId",
                whole(value).map_or(json!(caller), |id| json!(id)),
            ),
            "DEADLINE" => ("deadline", datetime().unwrap_or(Value::Null)),
            "START_DATE_PLAN" => ("startPlan", datetime().unwrap_or(Value::Null)),
            "END_DATE_PLAN" => ("endPlan", datetime().unwrap_or(Value::Null)),
            "PRIORITY" => {
                let number = text().unwrap_or_default();
                let name = PRIORITIES.iter().find(|(_, n)| *n == number.trim());
                ("priority", json!(name.map_or("average", |(name, _)| *name)))
            }
            "STATUS" => {
                let number = text().unwrap_or_default();
                let number = if number.trim() == "1" {
                    "2"
                } else {
                    number.trim()
                };
                let Some((name, _)) = STATUSES.iter().find(|(_, n)| *n == number) else {
                    return Err(core_error("Incorrect status"));
                };
                ("status", json!(name))
            }
            "GROUP_ID" => (
                "groupId",
                whole(value)
                    .filter(|id| *id > 0)
                    .map_or(Value::Null, |id| json!(id)),
            ),
            "PARENT_ID" => (
                "parentId",
                whole(value)
                    .filter(|id| *id > 0)
                    .map_or(Value::Null, |id| json!(id)),
            ),
            "ACCOMPLICES" => ("accomplices", users()),
            "AUDITORS" => ("auditors", users()),
            "ALLOW_CHANGE_DEADLINE" => ("allowsChangeDeadline", json!(yes())),
            "ALLOW_TIME_TRACKING" => ("allowsTimeTracking", json!(yes())),
            "TASK_CONTROL" => ("needsControl", json!(yes())),
            "TIME_ESTIMATE" => ("estimatedTime", json!(whole(value).unwrap_or(0))),
            "XML_ID" => ("xmlId", text().map_or(Value::Null, |t| json!(t))),
            _ => continue,
        };
        out.insert(name.to_owned(), stored);
    }
    Ok(out)
}

/// What every stored task must hold: a title, a responsible person and a creator who
/// exist, a parent task that exists, a plan that ends after it starts.
fn check_task(store: &TaskStore, out: &Map<String, Value>) -> Result<(), CallError> {
    if out
        .get("title")
        .and_then(Value::as_str)
        .is_none_or(str::is_empty)
    {
        return Err(core_error("Task title is not specified"));
    }
    match out.get("responsibleId").and_then(Value::as_u64) {
        None => return Err(core_error("Responsible person not specified")),
        Some(id) if user(id).is_none() => {
            return Err(core_error(
                "User specified in the \"Responsible\" field not found",
            ));
        }
        Some(_) => {}
    }
    if out
        .get("creatorId")
        .and_then(Value::as_u64)
        .and_then(user)
        .is_none()
    {
        return Err(core_error(
            "User specified in the \"Creator\" field not found",
        ));
    }
    if let Some(parent) = out.get("parentId").and_then(Value::as_u64) {
        if !store.tasks().contains_key(&parent) {
            return Err(core_error(
                "Task specified in the \"Parent Task\" field not found",
            ));
        }
    }
    let plan = |name: &str| {
        out.get(name)
            .and_then(Value::as_str)
            .and_then(parse_datetime)
    };
    if let (Some(start), Some(end)) = (plan("startPlan"), plan("endPlan")) {
        if end < start {
            return Err(core_error(
                "The end date in scheduling is earlier than the start date",
            ));
        }
    }
    Ok(())
}

/// Run a classic `tasks.task.*` method; `None` if `method` is not one served here.
pub(crate) fn call(
    store: &mut TaskStore,
    method: &str,
    params: &Value,
    user_id: u64,
    now: i64,
    page_size: usize,
) -> Option<CallResult> {
    let result = match method {
        "tasks.task.add" => match param(params, "fields") {
            Some(Value::Object(fields)) if !fields.is_empty() => add_fields(store, fields, user_id)
                .map(|fields| {
                    let id = store.create(fields, now);
                    let task = store.tasks().get(&id).map_or(Value::Null, render_all);
                    Outcome::write(json!({ "task": task }))
                }),
            _ => Err(CallError::new(
                400,
                "100",
                "Could not find value for parameter {fields} (internal error)",
            )),
        },
        "tasks.task.get" => task_id(params).and_then(|id| {
            let select = select_param(params)?;
            // A task that does not exist (or is not visible) is an empty result.
            Ok(Outcome::read(match store.tasks().get(&id) {
                Some(task) => json!({ "task": render(task, select.as_deref()) }),
                None => json!([]),
            }))
        }),
        "tasks.task.delete" => task_id(params).and_then(|id| {
            if store.remove(id) {
                Ok(Outcome::write(json!({ "task": true })))
            } else {
                Err(CallError::new(
                    400,
                    "1048582",
                    "No access to delete the task",
                ))
            }
        }),
        "tasks.task.update" => update(store, params, user_id, now),
        "tasks.task.list" => list(store, params, page_size),
        _ => return None,
    };
    Some(result)
}

fn list(store: &TaskStore, params: &Value, page_size: usize) -> CallResult {
    let filter = match param(params, "filter") {
        Some(Value::Object(filter)) => Filter::compile(filter, &resolve_filter, false)
            .unwrap_or_else(|_| Filter::All(Vec::new())),
        _ => Filter::All(Vec::new()),
    };
    let mut order = Vec::new();
    if let Some(Value::Object(_)) = param(params, "order") {
        for (name, direction) in ordered_entries(params, "order") {
            let Some((field, kind)) = resolve_order(name) else {
                return Err(CallError::new(
                    400,
                    "0",
                    "Invalid sorting key (internal error)",
                ));
            };
            order.push(SortBy {
                field,
                kind,
                ascending: list_query::ascending(direction),
            });
        }
    }
    if order.is_empty() {
        // By default, newest first (tasks-task-list.md).
        order.push(SortBy {
            field: "id".into(),
            kind: Kind::Integer,
            ascending: false,
        });
    }
    let select = select_param(params)?;
    let query = Query {
        filter,
        order,
        start: list_query::start_param(params),
    };
    let render = |_: u64, task: &Task| render(task, select.as_deref());
    let listing = list_query::list(store.tasks(), &query, "id", &read, &render, page_size);
    Ok(listing.outcome(|tasks| json!({ "tasks": tasks })))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn update_changes_the_given_fields_and_checks_the_task_as_add_does() {
        let mut store = TaskStore::default();
        let fields = add_fields(
            &store,
            json!({"TITLE": "Call", "RESPONSIBLE_ID": 2})
                .as_object()
                .unwrap(),
            1,
        )
        .unwrap();
        let id = store.create(fields, 1_700_000_000);
        let mut update = |params: Value| update(&mut store, &params, 1, 1_700_000_100);
        let error = |outcome: Result<Outcome, CallError>| {
            let error = outcome.unwrap_err();
            (error.code, error.description)
        };
        assert_eq!(error(update(json!({"taskId": id}))).0, "100");
        assert_eq!(error(update(json!({"taskId": id, "fields": {}}))).0, "100");
        assert_eq!(
            error(update(json!({"taskId": 99, "fields": {"TITLE": "x"}}))).0,
            "0"
        );
        assert_eq!(
            error(update(json!({"taskId": id, "fields": {"PARENT_ID": id}}))).1,
            "Cannot bind the node to itself<br>"
        );
        assert!(
            error(update(
                json!({"taskId": id, "fields": {"RESPONSIBLE_ID": 9}})
            ))
            .1
            .contains("\"Responsible\"")
        );
        // A refused update changes nothing; a valid one only what it names.
        update(json!({"taskId": id, "fields": {"title": "Call back", "PRIORITY": 2}})).unwrap();
        let task = store.task(id).unwrap();
        assert_eq!(task["title"], "Call back");
        assert_eq!(task["priority"], "high");
        assert_eq!(task["responsibleId"], 2);
        assert_eq!(task["changed"], json!(format_datetime(1_700_000_100)));
    }

    #[test]
    fn names_convert_both_ways() {
        assert_eq!(camel("RESPONSIBLE_ID"), "responsibleId");
        assert_eq!(camel("ID"), "id");
        assert_eq!(camel("subStatus"), "subStatus");
        assert_eq!(upper_snake("responsibleId"), "RESPONSIBLE_ID");
        assert_eq!(upper_snake("TITLE"), "TITLE");
        assert_eq!(field("CREATED_DATE"), Some(("createdDate", Kind::DateTime)));
        assert_eq!(field("nope"), None);
        assert_eq!(resolve_filter("REAL_STATUS").unwrap().0, "status");
        assert_eq!(resolve_filter("STATUS").unwrap().0, "subStatus");
        assert_eq!(resolve_filter("ACCOMPLICE").unwrap().0, "accomplices");
        assert_eq!(
            resolve_order("RESPONSIBLE_LAST_NAME").unwrap().0,
            "responsibleLastName"
        );
        assert!(resolve_order("NOPE").is_none());
    }

    #[test]
    fn rest_v3_values_show_in_the_classic_form() {
        let mut store = TaskStore::default();
        let fields = add_fields(
            &store,
            json!({"TITLE": " Call ", "RESPONSIBLE_ID": "2", "PRIORITY": "2", "STATUS": "3",
                   "AUDITORS": {"0": "1", "1": 3}, "DEADLINE": "2025-10-24 19:00:00",
                   "ALLOW_TIME_TRACKING": "Y", "NOT_A_FIELD": 1})
            .as_object()
            .unwrap(),
            1,
        )
        .unwrap();
        let id = store.create(fields, 1_725_017_340);
        let task = &store.tasks()[&id];
        assert_eq!(classic(task, "id"), json!("1"));
        assert_eq!(classic(task, "title"), json!("Call"));
        assert_eq!(classic(task, "responsibleId"), json!("2"));
        assert_eq!(classic(task, "createdBy"), json!("1"));
        assert_eq!(classic(task, "priority"), json!("2"));
        assert_eq!(classic(task, "status"), json!("3"));
        assert_eq!(classic(task, "auditors"), json!(["1", "3"]));
        assert_eq!(
            classic(task, "deadline"),
            json!("2025-10-24T19:00:00+03:00")
        );
        assert_eq!(classic(task, "allowTimeTracking"), json!("Y"));
        assert_eq!(classic(task, "allowChangeDeadline"), json!("N"));
        assert_eq!(classic(task, "parentId"), Value::Null);
        assert_eq!(
            classic(task, "createdDate"),
            json!("2024-08-30T14:29:00+03:00")
        );
        let shown = render(task, Some(&["title", "responsibleId"]));
        assert_eq!(shown["id"], "1");
        assert_eq!(shown["responsible"]["name"], "Anna Smith");
        assert!(shown.get("creator").is_none() && shown.get("status").is_none());
        assert_eq!(render_all(task)["creator"]["id"], "1");
    }

    #[test]
    fn add_checks_what_the_docs_list() {
        let store = TaskStore::default();
        let check = |fields: Value| {
            add_fields(&store, fields.as_object().unwrap(), 1)
                .unwrap_err()
                .description
        };
        assert_eq!(
            check(json!({"RESPONSIBLE_ID": 1})),
            "Task title is not specified<br>"
        );
        assert_eq!(
            check(json!({"TITLE": "x"})),
            "Responsible person not specified<br>"
        );
        assert!(check(json!({"TITLE": "x", "RESPONSIBLE_ID": 9})).contains("\"Responsible\""));
        assert!(
            check(json!({"TITLE": "x", "RESPONSIBLE_ID": 1, "PARENT_ID": 5}))
                .contains("Parent Task")
        );
        assert_eq!(
            check(json!({"TITLE": "x", "RESPONSIBLE_ID": 1, "STATUS": 9})),
            "Incorrect status<br>"
        );
        assert!(
            check(
                json!({"TITLE": "x", "RESPONSIBLE_ID": 1, "START_DATE_PLAN": "2025-01-02",
                         "END_DATE_PLAN": "2025-01-01"})
            )
            .contains("earlier")
        );
        // camelCase names are read too.
        assert!(
            add_fields(
                &store,
                json!({"title": "x", "responsibleId": 3})
                    .as_object()
                    .unwrap(),
                1
            )
            .is_ok()
        );
    }
}
