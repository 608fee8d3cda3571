//! REST 3.0 (`/rest/api/`): `tasks.task.add/get/update/delete/list` in the unified
//! response format, and `Idempotency-Key` replays (api-reference/rest-v3.md and
//! api-reference/tasks/*-rest-v3.md).
//!
//! Replies: one task as `{"item": {...}}`, a list as `{"items": [...]}`, an update or a
//! delete as `{"result": true}`; errors as `{"error": {"code", "message", "validation"}}`
//! with the documented `BITRIX_REST_V3_EXCEPTION_*` codes and statuses. Values are typed
//! JSON (numbers, booleans, `null`), datetimes ISO-8601 in the portal's zone.
//!
//! Idempotency: a write (`add`, `update`, `delete`) with an `Idempotency-Key` header has
//! its successful reply stored for 24 hours under (caller, user, method, key). A repeat
//! with the same key and the same parameters is answered with the stored reply and
//! `Idempotent-Replayed: true`, without running the method; the same key with other
//! parameters is 422 `..._IDEMPOTENCYKEYREUSEDEXCEPTION`; an error reply is not stored.
//! Parameters are compared without `auth` (a refreshed OAuth token must not turn a
//! repeat into a different call). Every reply to a request with a key echoes it in the
//! `Idempotency-Key` header.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use serde_json::{Map, Value, json};

use super::clock::{format_datetime, now_unix, parse_datetime};
use super::state::State;

/// How long a stored reply is replayed (rest-v3.md: 24 hours).
const REPLAY_LIFETIME: Duration = Duration::from_secs(24 * 3600);

/// The longest `Idempotency-Key` value.
const MAX_KEY_LEN: usize = 255;

/// Records per page by default and at most (tasks-task-list-rest-v3.md).
const DEFAULT_LIMIT: u64 = 50;
const MAX_LIMIT: u64 = 1000;

/// The users a task can name as creator or assignee: `(id, name, last name, email)`.
pub(crate) const USERS: [(u64, &str, &str, &str); 3] = [
    (1, "John", "Doe", "john.doe@example.com"),
    (2, "Anna", "Smith", "anna.smith@example.com"),
    (3, "Oleg", "Ivanov", "oleg.ivanov@example.com"),
];

/// Fields `tasks.task.list` sorts by (tasks-task-list-rest-v3.md).
const SORTABLE: [&str; 19] = [
    "id",
    "title",
    "creatorId",
    "created",
    "responsibleId",
    "deadline",
    "startPlan",
    "endPlan",
    "groupId",
    "priority",
    "status",
    "started",
    "estimatedTime",
    "changed",
    "closed",
    "activity",
    "mark",
    "allowsChangeDeadline",
    "allowsTimeTracking",
];

/// What a field holds, for checking what a client writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FieldType {
    Text,
    Int,
    Bool,
    DateTime,
    IntList,
    TextList,
    /// Set by the portal; a write is refused.
    ReadOnly,
}

/// The task fields the portal knows, with their types (fields-rest-v3.md).
const FIELDS: [(&str, FieldType); 29] = [
    ("id", FieldType::ReadOnly),
    ("title", FieldType::Text),
    ("description", FieldType::Text),
    ("creatorId", FieldType::Int),
    ("responsibleId", FieldType::Int),
    ("created", FieldType::ReadOnly),
    ("deadline", FieldType::DateTime),
    ("needsControl", FieldType::Bool),
    ("startPlan", FieldType::DateTime),
    ("endPlan", FieldType::DateTime),
    ("groupId", FieldType::Int),
    ("priority", FieldType::Text),
    ("status", FieldType::Text),
    ("statusChanged", FieldType::ReadOnly),
    ("parentId", FieldType::Int),
    ("accomplices", FieldType::IntList),
    ("auditors", FieldType::IntList),
    ("crmItemIds", FieldType::TextList),
    ("started", FieldType::ReadOnly),
    ("estimatedTime", FieldType::Int),
    ("changed", FieldType::ReadOnly),
    ("closed", FieldType::ReadOnly),
    ("activity", FieldType::ReadOnly),
    ("mark", FieldType::Text),
    ("allowsChangeDeadline", FieldType::Bool),
    ("allowsTimeTracking", FieldType::Bool),
    ("xmlId", FieldType::Text),
    ("guid", FieldType::ReadOnly),
    ("link", FieldType::ReadOnly),
];

/// The related objects `select` may reach with a dot, and the entity each one is.
const RELATIONS: [(&str, &str); 2] = [("creator", "UserDto"), ("responsible", "UserDto")];

/// The fields of a related user.
const USER_FIELDS: [&str; 4] = ["id", "name", "lastName", "email"];

fn field_type(name: &str) -> Option<FieldType> {
    FIELDS
        .iter()
        .find(|(field, _)| *field == name)
        .map(|(_, kind)| *kind)
}

/// A REST 3.0 error reply.
#[derive(Debug, Clone)]
pub(crate) struct V3Error {
    pub(crate) status: u16,
    code: String,
    message: String,
    validation: Vec<(String, String)>,
}

impl V3Error {
    /// `BITRIX_REST_V3_EXCEPTION_{suffix}`.
    pub(crate) fn new(status: u16, suffix: &str, message: impl Into<String>) -> Self {
        Self {
            status,
            code: format!("BITRIX_REST_V3_EXCEPTION_{suffix}"),
            message: message.into(),
            validation: Vec::new(),
        }
    }

    /// 404 `ERROR_METHOD_NOT_FOUND` for a method this portal does not serve at `/rest/api/`.
    pub(crate) fn method_not_found(method: &str) -> Self {
        Self {
            status: 404,
            code: "ERROR_METHOD_NOT_FOUND".into(),
            message: format!("Method not found! ({method})"),
            validation: Vec::new(),
        }
    }

    /// 400 `..._INVALIDJSONEXCEPTION`: the body is not a JSON object.
    pub(crate) fn invalid_json() -> Self {
        Self::new(
            400,
            "INVALIDJSONEXCEPTION",
            "Invalid JSON in the request body",
        )
    }

    /// 400 request validation with one entry per field.
    fn validation(issues: Vec<(String, String)>) -> Self {
        Self {
            validation: issues,
            ..Self::new(
                400,
                "VALIDATION_REQUESTVALIDATIONEXCEPTION",
                "Error validating request object",
            )
        }
    }

    fn field(field: &str, message: impl Into<String>) -> Self {
        Self::validation(vec![(field.to_owned(), message.into())])
    }

    fn required(field: &str) -> Self {
        Self::field(field, format!("Required field `{field}` is not specified"))
    }

    fn wrong_type(field: &str, expected: &str) -> Self {
        Self::field(
            field,
            format!("Field `{field}` requires data type `{expected}` for this request"),
        )
    }

    fn access_denied() -> Self {
        Self::new(403, "ACCESSDENIEDEXCEPTION", "Access denied")
    }

    fn unknown_property(field: &str, entity: &str) -> Self {
        Self::new(
            400,
            "UNKNOWNDTOPROPERTYEXCEPTION",
            format!("Unknown field `{field}` for entity `{entity}`"),
        )
    }

    /// `{"error": {"code", "message", "validation"?}}`.
    pub(crate) fn body(&self) -> Value {
        let mut error = Map::new();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        if !self.validation.is_empty() {
            let issues: Vec<Value> = self
                .validation
                .iter()
                .map(|(field, message)| json!({"message": message, "field": field}))
                .collect();
            error.insert("validation".into(), Value::Array(issues));
        }
        json!({ "error": error })
    }
}

/// A REST 3.0 reply: status, body (`result` or `error`; the server adds `time`) and
/// extra headers.
#[derive(Debug)]
pub(crate) struct V3Reply {
    pub(crate) status: u16,
    pub(crate) body: Value,
    pub(crate) headers: Vec<(&'static str, String)>,
}

impl V3Reply {
    pub(crate) fn error(err: &V3Error) -> Self {
        Self {
            status: err.status,
            body: err.body(),
            headers: Vec::new(),
        }
    }
}

/// A stored reply of a write sent with an idempotency key.
#[derive(Debug, Clone)]
struct Stored {
    params: Value,
    status: u16,
    body: Value,
    expires: Instant,
}

/// Who a key belongs to: webhook or application, the user, the method, the key.
type ReplayKey = (bool, u64, String, String);

/// The tasks and the stored replies.
#[derive(Debug, Default)]
pub(crate) struct TaskStore {
    tasks: BTreeMap<u64, Map<String, Value>>,
    last_id: u64,
    replays: HashMap<ReplayKey, Stored>,
}

impl TaskStore {
    /// How many tasks exist.
    pub(crate) fn len(&self) -> usize {
        self.tasks.len()
    }

    /// One task with every field, as stored.
    pub(crate) fn get(&self, id: u64) -> Option<Value> {
        self.tasks.get(&id).cloned().map(Value::Object)
    }

    /// Every task by ID, in the REST 3.0 form (the classic `tasks.task.*` show the same
    /// tasks in their own form).
    pub(crate) fn tasks(&self) -> &BTreeMap<u64, Map<String, Value>> {
        &self.tasks
    }

    /// Delete a task; whether it existed.
    pub(crate) fn remove(&mut self, id: u64) -> bool {
        self.tasks.remove(&id).is_some()
    }

    /// Store a new task: every field at its default, then `fields` (REST 3.0 names and
    /// values, already checked). Returns its ID.
    pub(crate) fn create(&mut self, fields: Map<String, Value>, now: i64) -> u64 {
        let id = self.last_id + 1;
        let stamp = json!(format_datetime(now));
        let mut task = Map::new();
        for (name, _) in FIELDS {
            task.insert(name.to_owned(), Value::Null);
        }
        task.insert("id".into(), json!(id));
        task.insert("description".into(), json!(""));
        task.insert("needsControl".into(), json!(false));
        task.insert("priority".into(), json!("average"));
        task.insert("status".into(), json!("pending"));
        task.insert("accomplices".into(), json!([]));
        task.insert("auditors".into(), json!([]));
        task.insert("crmItemIds".into(), json!([]));
        task.insert("estimatedTime".into(), json!(0));
        task.insert("mark".into(), json!("none"));
        task.insert("allowsChangeDeadline".into(), json!(false));
        task.insert("allowsTimeTracking".into(), json!(false));
        task.insert("created".into(), stamp.clone());
        task.insert("changed".into(), stamp.clone());
        task.insert("activity".into(), stamp);
        task.insert(
            "guid".into(),
            json!(format!("{{{:08x}-0000-4000-8000-{:012x}}}", id, id)),
        );
        let responsible = fields.get("responsibleId").cloned().unwrap_or(json!(1));
        task.insert(
            "link".into(),
            json!(format!(
                "/company/personal/user/{responsible}/tasks/task/view/{id}/"
            )),
        );
        task.extend(fields);
        self.last_id = id;
        self.tasks.insert(id, task);
        id
    }

    /// Add `n` varied tasks (IDs continue the sequence), created over the past weeks, as
    /// `tasks.task.add` would store them: built from one blank task, so that seeding tens
    /// of thousands stays cheap.
    pub(crate) fn seed(&mut self, n: usize, now: i64) {
        const TITLES: [&str; 5] = [
            "Call the client",
            "Prepare the offer",
            "Review the contract",
            "Update the price list",
            "Plan the release",
        ];
        const PRIORITIES: [&str; 3] = ["low", "average", "high"];
        const STATUSES: [&str; 4] = ["pending", "in_progress", "completed", "deferred"];
        let template = {
            let id = self.create(Map::new(), now);
            self.last_id -= 1;
            self.tasks.remove(&id).unwrap_or_default()
        };
        let total = n as i64;
        for i in 0..n {
            let id = self.last_id + 1;
            let k = id as usize;
            let mix = k.wrapping_mul(2_654_435_761) % 1_000_003;
            let created = now + (i as i64 - total) * 1_759 - (mix % 600) as i64;
            let responsible = USERS[k % USERS.len()].0;
            let creator = USERS[mix % USERS.len()].0;
            let status = STATUSES[mix % STATUSES.len()];
            let mut task = template.clone();
            let mut set = |name: &str, value: Value| {
                task.insert(name.to_owned(), value);
            };
            set("id", json!(id));
            set(
                "title",
                json!(format!("{} #{id}", TITLES[k % TITLES.len()])),
            );
            set("creatorId", json!(creator));
            set("responsibleId", json!(responsible));
            set("priority", json!(PRIORITIES[mix % PRIORITIES.len()]));
            set("status", json!(status));
            set("created", json!(format_datetime(created)));
            set("changed", json!(format_datetime(created + 1_800)));
            set("activity", json!(format_datetime(created + 1_800)));
            set("deadline", json!(format_datetime(created + 5 * 86_400)));
            if status == "completed" {
                set("closed", json!(format_datetime(created + 3 * 86_400)));
                set(
                    "statusChanged",
                    json!(format_datetime(created + 3 * 86_400)),
                );
            }
            set(
                "guid",
                json!(format!("{{{:08x}-0000-4000-8000-{:012x}}}", id, id)),
            );
            set(
                "link",
                json!(format!(
                    "/company/personal/user/{responsible}/tasks/task/view/{id}/"
                )),
            );
            self.last_id = id;
            self.tasks.insert(id, task);
        }
    }
}

/// One REST 3.0 request, authorised.
#[derive(Debug)]
pub(crate) struct V3Request<'a> {
    pub(crate) method: &'a str,
    /// The body's JSON object.
    pub(crate) params: &'a Map<String, Value>,
    pub(crate) user_id: u64,
    /// Whether the call came through a webhook (else an application token).
    pub(crate) webhook: bool,
    /// The `Idempotency-Key` header's raw value, when sent.
    pub(crate) idempotency_key: Option<&'a [u8]>,
}

fn is_write(method: &str) -> bool {
    matches!(
        method,
        "tasks.task.add" | "tasks.task.update" | "tasks.task.delete"
    )
}

/// Serve one REST 3.0 call, replaying a stored reply when the key says so.
pub(crate) fn call(state: &mut State, request: &V3Request<'_>) -> V3Reply {
    let key = match request.idempotency_key.map(valid_key) {
        None => None,
        Some(Some(key)) => Some(key),
        Some(None) => {
            return V3Reply::error(&V3Error::new(
                400,
                "INVALIDIDEMPOTENCYKEYEXCEPTION",
                "The Idempotency-Key must be 1 to 255 printable ASCII characters",
            ));
        }
    };
    let echo = |mut reply: V3Reply| {
        if let Some(key) = &key {
            reply.headers.push(("Idempotency-Key", key.clone()));
        }
        reply
    };
    let mut params = request.params.clone();
    params.remove("auth");
    let params = Value::Object(params);
    let slot = key
        .as_ref()
        .filter(|_| is_write(request.method))
        .map(|key| {
            (
                request.webhook,
                request.user_id,
                request.method.to_owned(),
                key.clone(),
            )
        });
    let now = Instant::now();
    let store = &mut state.tasks_v3;
    store.replays.retain(|_, stored| stored.expires > now);
    if let Some(stored) = slot.as_ref().and_then(|slot| store.replays.get(slot)) {
        if stored.params != params {
            return echo(V3Reply::error(&V3Error::new(
                422,
                "IDEMPOTENCYKEYREUSEDEXCEPTION",
                "The Idempotency-Key was already used with a different request body",
            )));
        }
        let mut reply = echo(V3Reply {
            status: stored.status,
            body: stored.body.clone(),
            headers: Vec::new(),
        });
        reply.headers.push(("Idempotent-Replayed", "true".into()));
        state.stats.idempotent_replays += 1;
        return reply;
    }
    let reply = match dispatch(store, request.method, &params) {
        Ok(result) => {
            if is_write(request.method) {
                state.stats.executed_writes += 1;
            }
            V3Reply {
                status: 200,
                body: json!({ "result": result }),
                headers: Vec::new(),
            }
        }
        Err(err) => V3Reply::error(&err),
    };
    if let Some(slot) = slot.filter(|_| reply.status == 200) {
        state.tasks_v3.replays.insert(
            slot,
            Stored {
                params,
                status: reply.status,
                body: reply.body.clone(),
                expires: now + REPLAY_LIFETIME,
            },
        );
    }
    echo(reply)
}

/// The key as text, when it is 1 to 255 printable ASCII characters.
fn valid_key(raw: &[u8]) -> Option<String> {
    let ok = !raw.is_empty()
        && raw.len() <= MAX_KEY_LEN
        && raw.iter().all(|b| (0x20..=0x7e).contains(b));
    ok.then(|| String::from_utf8_lossy(raw).into_owned())
}

fn dispatch(store: &mut TaskStore, method: &str, params: &Value) -> Result<Value, V3Error> {
    let now = now_unix().floor() as i64;
    match method {
        "tasks.task.add" => add(store, params, now),
        "tasks.task.get" => {
            let id = id_param(params)?;
            let task = store.tasks.get(&id).ok_or_else(|| {
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
            store.tasks.remove(&id).ok_or_else(V3Error::access_denied)?;
            Ok(json!({ "result": true }))
        }
        "tasks.task.list" => list(store, params),
        _ => Err(V3Error::method_not_found(method)),
    }
}

/// The required integer `id`.
fn id_param(params: &Value) -> Result<u64, V3Error> {
    match params.get("id") {
        None | Some(Value::Null) => Err(V3Error::required("id")),
        Some(value) => value
            .as_u64()
            .ok_or_else(|| V3Error::wrong_type("id", "int")),
    }
}

/// The `fields` object, required.
fn fields_param(params: &Value) -> Result<&Map<String, Value>, V3Error> {
    match params.get("fields") {
        None | Some(Value::Null) => Err(V3Error::required("fields")),
        Some(Value::Object(fields)) => Ok(fields),
        Some(_) => Err(V3Error::wrong_type("fields", "array")),
    }
}

/// Check written fields against their types; unknown fields are ignored.
fn check_fields(
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
        } else if !store.tasks.contains_key(&parent) {
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
    let item = match store.tasks.get(&id) {
        Some(task) => render(task, None)?,
        None => Value::Null,
    };
    Ok(json!({ "item": item }))
}

fn update(store: &mut TaskStore, params: &Value, now: i64) -> Result<Value, V3Error> {
    let id = id_param(params)?;
    let fields = fields_param(params)?;
    if !store.tasks.contains_key(&id) {
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
    let task = store
        .tasks
        .get_mut(&id)
        .ok_or_else(V3Error::access_denied)?;
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

/// `select`: `None` for the basic set, else the requested names.
fn select(params: &Value) -> Result<Option<Vec<String>>, V3Error> {
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

/// A task as a reply holds it: every field (the basic set) or the selected ones. An
/// unknown own field is left out; an unknown related field is an error (rest-v3.md).
fn render(task: &Map<String, Value>, select: Option<&[String]>) -> Result<Value, V3Error> {
    let Some(select) = select else {
        return Ok(Value::Object(task.clone()));
    };
    let mut out = Map::new();
    for name in select {
        match name.split_once('.') {
            None => {
                if let Some(value) = task.get(name.as_str()) {
                    out.insert(name.clone(), value.clone());
                }
            }
            Some((relation, field)) => {
                let Some((_, entity)) = RELATIONS.iter().find(|(r, _)| *r == relation) else {
                    return Err(V3Error::unknown_property(relation, "TaskDto"));
                };
                if !USER_FIELDS.contains(&field) {
                    return Err(V3Error::unknown_property(field, entity));
                }
                let user_id = task
                    .get(&format!("{relation}Id"))
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                let value =
                    USERS
                        .iter()
                        .find(|user| user.0 == user_id)
                        .map_or(Value::Null, |user| match field {
                            "id" => json!(user.0),
                            "name" => json!(user.1),
                            "lastName" => json!(user.2),
                            _ => json!(user.3),
                        });
                let related = out
                    .entry(relation.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(related) = related {
                    related.insert(field.to_owned(), value);
                }
            }
        }
    }
    Ok(Value::Object(out))
}

/// A compiled `filter` (rest-v3.md "Filtering"); tasks filter by `id` only.
#[derive(Debug)]
enum Filter {
    Id(&'static str, Vec<u64>),
    All(Vec<Filter>),
    Any(Vec<Filter>),
}

impl Filter {
    fn matches(&self, id: u64) -> bool {
        match self {
            Self::Id(op, values) => match *op {
                "=" => values.first() == Some(&id),
                "!=" => values.first() != Some(&id),
                ">" => values.first().is_some_and(|v| id > *v),
                ">=" => values.first().is_some_and(|v| id >= *v),
                "<" => values.first().is_some_and(|v| id < *v),
                "<=" => values.first().is_some_and(|v| id <= *v),
                "in" => values.contains(&id),
                _ => values.len() == 2 && values[0] <= id && id <= values[1],
            },
            Self::All(parts) => parts.iter().all(|part| part.matches(id)),
            Self::Any(parts) => parts.iter().any(|part| part.matches(id)),
        }
    }
}

fn invalid_filter(what: &Value) -> V3Error {
    V3Error::new(
        400,
        "INVALIDFILTEREXCEPTION",
        format!("Unable to recognize the filter condition `{what}`"),
    )
}

fn compile_filter(conditions: &Value) -> Result<Filter, V3Error> {
    match conditions {
        Value::Null => Ok(Filter::All(Vec::new())),
        Value::Array(items) => items
            .iter()
            .map(compile_condition)
            .collect::<Result<_, _>>()
            .map(Filter::All),
        other => Err(invalid_filter(other)),
    }
}

fn compile_condition(condition: &Value) -> Result<Filter, V3Error> {
    if let Value::Object(group) = condition {
        let parts = group
            .get("conditions")
            .and_then(Value::as_array)
            .ok_or_else(|| invalid_filter(condition))?
            .iter()
            .map(compile_condition)
            .collect::<Result<Vec<_>, _>>()?;
        return match group.get("logic").and_then(Value::as_str) {
            Some(logic) if logic.eq_ignore_ascii_case("or") => Ok(Filter::Any(parts)),
            None => Ok(Filter::All(parts)),
            Some(logic) if logic.eq_ignore_ascii_case("and") => Ok(Filter::All(parts)),
            Some(_) => Err(invalid_filter(condition)),
        };
    }
    let Some(items) = condition.as_array() else {
        return Err(invalid_filter(condition));
    };
    let (field, op, value) = match items.as_slice() {
        [field, value] => {
            let op = if value.is_array() { "in" } else { "=" };
            (field, json!(op), value)
        }
        [field, op, value] => (field, op.clone(), value),
        _ => return Err(invalid_filter(condition)),
    };
    let field = field.as_str().ok_or_else(|| invalid_filter(condition))?;
    if field != "id" {
        return Err(if field_type(field).is_some() {
            V3Error::field(
                field,
                format!(
                    "In DTO `TaskDto`, the `{field}` field requires the `Filterable` attribute for such a request"
                ),
            )
        } else {
            V3Error::unknown_property(field, "TaskDto")
        });
    }
    const OPERATORS: [&str; 8] = ["=", "!=", ">", ">=", "<", "<=", "in", "between"];
    let op = op
        .as_str()
        .and_then(|op| {
            OPERATORS
                .iter()
                .find(|known| **known == op.to_ascii_lowercase())
        })
        .copied()
        .ok_or_else(|| {
            V3Error::new(
                400,
                "UNKNOWNFILTEROPERATOREXCEPTION",
                format!("Unknown filter operator `{}`", json_text(&op)),
            )
        })?;
    let values: Option<Vec<u64>> = match (op, value) {
        ("in" | "between", Value::Array(items)) => items.iter().map(Value::as_u64).collect(),
        ("in" | "between", _) => None,
        (_, value) => value.as_u64().map(|id| vec![id]),
    };
    let values = values
        .filter(|values| op != "between" || values.len() == 2)
        .ok_or_else(|| V3Error::wrong_type("id", "int"))?;
    Ok(Filter::Id(op, values))
}

fn json_text(value: &Value) -> String {
    value
        .as_str()
        .map_or_else(|| value.to_string(), str::to_owned)
}

/// Compare two field values: `null` first, numbers as numbers, the rest as text.
fn compare(a: Option<&Value>, b: Option<&Value>) -> Ordering {
    let a = a.filter(|v| !v.is_null());
    let b = b.filter(|v| !v.is_null());
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(a), Some(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
            _ => json_text(a).cmp(&json_text(b)),
        },
    }
}

/// A pagination number: a JSON number or a numeric string.
fn page_number(value: Option<&Value>) -> Result<Option<u64>, ()> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or(()),
        Some(Value::String(text)) => text.trim().parse().map(Some).map_err(drop),
        Some(_) => Err(()),
    }
}

fn list(store: &TaskStore, params: &Value) -> Result<Value, V3Error> {
    let select = select(params)?.unwrap_or_else(|| vec!["id".to_owned()]);
    let filter = compile_filter(params.get("filter").unwrap_or(&Value::Null))?;
    let mut order: Vec<(String, bool)> = Vec::new();
    match params.get("order") {
        None | Some(Value::Null) => {}
        Some(Value::Object(fields)) => {
            for (field, direction) in fields {
                let descending = match direction.as_str().map(str::to_ascii_uppercase) {
                    Some(d) if d == "ASC" => false,
                    Some(d) if d == "DESC" => true,
                    _ => return Err(invalid_order(&json!({ field: direction }))),
                };
                if !SORTABLE.contains(&field.as_str()) {
                    return Err(invalid_order(&json!({ field: direction })));
                }
                order.push((field.clone(), descending));
            }
        }
        Some(other) => return Err(invalid_order(other)),
    }
    let pagination = params.get("pagination").cloned().unwrap_or(Value::Null);
    let invalid_page = || {
        V3Error::new(
            400,
            "INVALIDPAGINATIONEXCEPTION",
            format!("Unable to recognize the pagination parameter `{pagination}`"),
        )
    };
    if !(pagination.is_object() || pagination.is_null()) {
        return Err(invalid_page());
    }
    let number = |name: &str| page_number(pagination.get(name)).map_err(|()| invalid_page());
    let limit = number("limit")?.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 {
        return Err(invalid_page());
    }
    let limit = limit.min(MAX_LIMIT);
    let offset = match (number("page")?, number("offset")?) {
        (Some(page), _) => page.saturating_sub(1).saturating_mul(limit),
        (None, Some(offset)) => offset,
        (None, None) => 0,
    };
    let mut tasks: Vec<&Map<String, Value>> = store
        .tasks
        .iter()
        .filter(|(id, _)| filter.matches(**id))
        .map(|(_, task)| task)
        .collect();
    tasks.sort_by(|a, b| {
        for (field, descending) in &order {
            let ordering = compare(a.get(field), b.get(field));
            let ordering = if *descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering != Ordering::Equal {
                return ordering;
            }
        }
        compare(a.get("id"), b.get("id"))
    });
    let items = tasks
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(usize::try_from(limit).unwrap_or(usize::MAX))
        .map(|task| render(task, Some(&select)))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(json!({ "items": items }))
}

fn invalid_order(what: &Value) -> V3Error {
    V3Error::new(
        400,
        "INVALIDORDEREXCEPTION",
        format!("Unable to recognize the sorting parameter `{what}`"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(value: Value) -> Result<Filter, V3Error> {
        compile_filter(&value)
    }

    #[test]
    fn filters_follow_the_documented_scheme() {
        let f = filter(json!([["id", ">", 2], {"logic": "or", "conditions": [["id", [3, 4]], ["id", "between", [8, 9]]]}])).unwrap();
        let hits: Vec<u64> = (1..=10).filter(|id| f.matches(*id)).collect();
        assert_eq!(hits, [3, 4, 8, 9]);
        let f = filter(json!([["id", 5]])).unwrap();
        assert!(f.matches(5) && !f.matches(6));
        assert!(filter(json!(null)).unwrap().matches(1));

        let err = filter(json!([["title", "=", "x"]])).unwrap_err();
        assert!(
            err.body()["error"]["validation"][0]["message"]
                .as_str()
                .unwrap()
                .contains("Filterable")
        );
        let err = filter(json!([["nope", "=", 1]])).unwrap_err();
        assert!(err.code.ends_with("UNKNOWNDTOPROPERTYEXCEPTION"));
        let err = filter(json!([["id", "like", 1]])).unwrap_err();
        assert!(err.code.ends_with("UNKNOWNFILTEROPERATOREXCEPTION"));
        let err = filter(json!([["id", "=", "x"]])).unwrap_err();
        assert!(err.code.ends_with("REQUESTVALIDATIONEXCEPTION"));
        for odd in [
            json!({}),
            json!([1]),
            json!([["id"]]),
            json!([{"logic": "xor", "conditions": []}]),
        ] {
            assert!(filter(odd).is_err());
        }
    }

    #[test]
    fn keys_are_printable_ascii() {
        assert_eq!(valid_key(b"abc 1").as_deref(), Some("abc 1"));
        assert!(valid_key(b"").is_none());
        assert!(valid_key(&[b'k'; 256]).is_none());
        assert!(valid_key(b"tab\t").is_none());
        assert!(valid_key("ключ".as_bytes()).is_none());
    }
}
