//! Events on the test portal (api-reference/events/): handler bindings, delivery to
//! handler URLs, and the offline event queue.
//!
//! - `event.bind` / `event.unbind` / `event.get` keep bindings per event code. Known
//!   events: `ONCRMDEALADD`, `ONCRMDEALUPDATE`, `ONCRMDEALDELETE`; another code is 400
//!   `ERROR_EVENT_NOT_FOUND`, the same binding twice 400 `ERROR_HANDLER_ALREADY_EXIST`,
//!   an online binding without a `handler` URL 400 `ERROR_ARGUMENT` (undocumented code).
//!   The portal does not insist on application (OAuth) authorization for these methods,
//!   and every caller is an administrator.
//! - **Delivery**: a successful `crm.deal.add` / `update` / `delete` (alone or inside a
//!   `batch`) POSTs the event to every online binding's URL as a real portal does: a
//!   PHP-encoded form (`event=ONCRMDEALADD&event_handler_id=1&data%5BFIELDS%5D%5BID%5D=5
//!   &ts=...&auth%5Bapplication_token%5D=...`) with an `auth` block holding a fresh access
//!   token of the acting user (or of the binding's `auth_type`), the portal's endpoints,
//!   `member_id` and the application token. Deliveries go out in order from one
//!   background task, never delaying the reply; none is retried (as on a real portal).
//!   [`TestPortal::event_deliveries`](crate::TestPortal::event_deliveries) lists the
//!   finished ones.
//! - **Offline queue** (`event_type=offline` bindings): one record per changed object
//!   and event (a newer change of an unreserved record moves its `TIMESTAMP_X`); a write
//!   whose `auth_connector` equals the binding's is not queued for it.
//!   `event.offline.get` selects by `filter`/`order`/`limit`/`auth_connector`/`error`;
//!   with `clear=1` (the default) it deletes what it returns, with `clear=0` it reserves
//!   the batch under a new `process_id` (or re-selects, with `process_id`, the records
//!   still reserved under it and tops the batch up to `limit`). `event.offline.clear`
//!   deletes reserved records (all of the process, or by `id`, else by `message_id`);
//!   `event.offline.error` marks records of the process as failed and releases them:
//!   they come back only with `error=1`. `event.offline.list` pages through everything
//!   with `PROCESS_ID` and `ERROR`.

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::call::{CallError, CallResult, Caller, Outcome};
use crate::clock::{format_datetime, parse_datetime};
use crate::credentials::{AccessToken, Tokens, random_token};
use crate::list_query::start_param;
use crate::params::{ordered_entries, param, parse_id};

/// The events the portal knows and fires.
const KNOWN_EVENTS: [&str; 3] = ["ONCRMDEALADD", "ONCRMDEALUPDATE", "ONCRMDEALDELETE"];

/// Records per `event.offline.get` when no `limit` is given.
const DEFAULT_LIMIT: usize = 50;

/// Records per `event.offline.list` page (fixed, per the docs).
const LIST_PAGE: usize = 50;

/// How long a handler may take to answer a delivery.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// One finished delivery of an event to a handler URL.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct EventDelivery {
    /// The event code (`ONCRMDEALADD`).
    pub event: String,
    /// The binding's ID (`event_handler_id`).
    pub handler_id: u64,
    /// The handler URL.
    pub handler: String,
    /// The handler's HTTP status; `None` when no reply came (see `error`).
    pub status: Option<u16>,
    /// Why no reply came (connection refused, timeout).
    pub error: Option<String>,
}

/// Who the portal is, for the `auth` block of deliveries.
#[derive(Clone)]
pub(crate) struct Identity {
    pub(crate) base_url: String,
    pub(crate) application_token: String,
    pub(crate) member_id: String,
}

/// A registered handler.
#[derive(Debug, Clone)]
struct Binding {
    id: u64,
    event: String,
    handler: String,
    /// The user the handler is authorised as; 0 = the user who acted.
    auth_type: u64,
    offline: bool,
    connector: String,
}

/// A record of the offline queue.
#[derive(Debug, Clone)]
struct Record {
    id: u64,
    timestamp: i64,
    event_name: String,
    data: Value,
    additional: Value,
    message_id: String,
    /// `""` when not reserved.
    process_id: String,
    error: bool,
    connector: String,
}

/// A delivery waiting for the background task.
#[derive(Debug)]
struct Outgoing {
    event: String,
    handler_id: u64,
    url: String,
    body: String,
}

/// Events state of the portal. Debug leaves out the identity (it holds the application
/// token).
#[derive(Default)]
pub(crate) struct EventStore {
    bindings: Vec<Binding>,
    next_binding: u64,
    queue: Vec<Record>,
    next_record: u64,
    identity: Option<Identity>,
    outbox: Option<mpsc::UnboundedSender<Outgoing>>,
    dispatcher: Option<tokio::task::JoinHandle<()>>,
    delivered: Arc<Mutex<Vec<EventDelivery>>>,
}

impl fmt::Debug for EventStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStore")
            .field("bindings", &self.bindings)
            .field("queue", &self.queue.len())
            .finish_non_exhaustive()
    }
}

impl Drop for EventStore {
    fn drop(&mut self) {
        if let Some(dispatcher) = self.dispatcher.take() {
            dispatcher.abort();
        }
    }
}

impl EventStore {
    /// Set who the portal is (at start, once its secrets exist).
    pub(crate) fn identify(&mut self, identity: Identity) {
        self.identity = Some(identity);
    }

    /// The deliveries finished so far, in the order they finished.
    pub(crate) fn deliveries(&self) -> Vec<EventDelivery> {
        self.delivered
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

/// Run an `event.*` method; `None` if `method` is not one.
pub(crate) fn call(store: &mut EventStore, method: &str, params: &Value) -> Option<CallResult> {
    Some(match method {
        "event.bind" => bind(store, params),
        "event.unbind" => Ok(unbind(store, params)),
        "event.get" => Ok(Outcome::read(Value::Array(
            store.bindings.iter().map(render_binding).collect(),
        ))),
        "event.offline.get" => offline_get(store, params),
        "event.offline.clear" => offline_clear(store, params),
        "event.offline.error" => offline_error(store, params),
        "event.offline.list" => offline_list(store, params),
        _ => return None,
    })
}

/// A method call that has run, as events see it.
#[derive(Debug)]
pub(crate) struct Fired<'a> {
    pub(crate) method: &'a str,
    pub(crate) params: &'a Value,
    pub(crate) result: &'a CallResult,
    pub(crate) caller: Caller,
    pub(crate) now: i64,
}

/// Fire the event of a successful deal write: deliver it to online bindings (each with a
/// fresh access token of `ttl` in `tokens`) and queue it for offline ones.
pub(crate) fn after_call(
    store: &mut EventStore,
    tokens: &mut Tokens,
    ttl: Duration,
    call: &Fired<'_>,
) {
    let Ok(outcome) = call.result else {
        return;
    };
    let params = call.params;
    let (code, id) = match call.method {
        "crm.deal.add" => ("ONCRMDEALADD", parse_id(outcome.result.as_value())),
        "crm.deal.update" => ("ONCRMDEALUPDATE", parse_id(param(params, "id"))),
        "crm.deal.delete" => ("ONCRMDEALDELETE", parse_id(param(params, "id"))),
        _ => return,
    };
    let Some(id) = id else {
        return;
    };
    let data = json!({"FIELDS": {"ID": id.to_string()}});
    let connector = text_param(params, "auth_connector");
    let bindings: Vec<Binding> = store
        .bindings
        .iter()
        .filter(|binding| binding.event == code)
        .cloned()
        .collect();
    for binding in bindings {
        if binding.offline {
            if connector.is_empty() || connector != binding.connector {
                enqueue(store, &binding, &data, call.caller, call.now);
            }
        } else {
            let user_id = if binding.auth_type == 0 {
                call.caller.user_id
            } else {
                binding.auth_type
            };
            let access_token = issue_token(tokens, ttl, user_id);
            deliver(
                store,
                &binding,
                &data,
                &access_token,
                ttl.as_secs(),
                call.now,
            );
        }
    }
}

/// A fresh access token for the `auth` block of a delivery.
fn issue_token(tokens: &mut Tokens, ttl: Duration, user_id: u64) -> String {
    let token = random_token(32);
    let now = Instant::now();
    tokens.access.insert(
        token.clone(),
        AccessToken {
            expires_at: now.checked_add(ttl).unwrap_or(now),
            forced_expired: false,
            user_id,
        },
    );
    token
}

fn deliver(
    store: &mut EventStore,
    binding: &Binding,
    data: &Value,
    access_token: &str,
    ttl: u64,
    now: i64,
) {
    let Some(identity) = store.identity.clone() else {
        return;
    };
    let base = &identity.base_url;
    let request = json!({
        "event": binding.event,
        "event_handler_id": binding.id.to_string(),
        "data": data,
        "ts": now.to_string(),
        "auth": {
            "access_token": access_token,
            "expires_in": ttl.to_string(),
            "scope": "crm",
            "domain": base.trim_start_matches("http://"),
            "server_endpoint": format!("{base}/oauth/"),
            "status": "L",
            "client_endpoint": format!("{base}/rest/"),
            "member_id": identity.member_id,
            "application_token": identity.application_token,
        },
    });
    // PHP's http_build_query escapes the brackets too; `to_php_query` leaves the
    // structural ones (all others are escaped already), so escaping them gives PHP's form.
    let body = crate::php_form::to_php_query(&request)
        .replace('[', "%5B")
        .replace(']', "%5D");
    let outgoing = Outgoing {
        event: binding.event.clone(),
        handler_id: binding.id,
        url: binding.handler.clone(),
        body,
    };
    let Some(outbox) = outbox(store) else {
        return;
    };
    let _ = outbox.send(outgoing);
}

/// The sender to the delivery task, starting the task on first use (on the portal's
/// runtime, which runs this code).
fn outbox(store: &mut EventStore) -> Option<&mpsc::UnboundedSender<Outgoing>> {
    if store.outbox.is_none() {
        let runtime = tokio::runtime::Handle::try_current().ok()?;
        let (sender, receiver) = mpsc::unbounded_channel();
        let log = Arc::clone(&store.delivered);
        store.dispatcher = Some(runtime.spawn(dispatch(receiver, log)));
        store.outbox = Some(sender);
    }
    store.outbox.as_ref()
}

/// POST each delivery in turn and log how it went.
async fn dispatch(
    mut receiver: mpsc::UnboundedReceiver<Outgoing>,
    log: Arc<Mutex<Vec<EventDelivery>>>,
) {
    // reqwest is built without a default crypto provider (see Cargo.toml); handler URLs
    // of the tests are plain http, but the builder wants a provider all the same.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let http = reqwest::Client::builder()
        .timeout(DELIVERY_TIMEOUT)
        .user_agent("Bitrix24 Webhook Engine")
        .build();
    while let Some(outgoing) = receiver.recv().await {
        let (status, error) = match &http {
            Err(err) => (None, Some(format!("no HTTP client: {err}"))),
            Ok(http) => match http
                .post(&outgoing.url)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(outgoing.body)
                .send()
                .await
            {
                Ok(response) => (Some(response.status().as_u16()), None),
                Err(err) => (None, Some(describe(&err))),
            },
        };
        log.lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(EventDelivery {
                event: outgoing.event,
                handler_id: outgoing.handler_id,
                handler: outgoing.url,
                status,
                error,
            });
    }
}

fn describe(err: &reqwest::Error) -> String {
    if err.is_timeout() {
        "the handler did not answer in time".into()
    } else if err.is_connect() {
        "could not connect to the handler".into()
    } else {
        "the request to the handler failed".into()
    }
}

/// Queue the event for an offline binding, merging with an unreserved record of the same
/// change.
fn enqueue(store: &mut EventStore, binding: &Binding, data: &Value, caller: Caller, now: i64) {
    let message_id = message_id(&binding.event, data);
    if let Some(record) = store.queue.iter_mut().find(|record| {
        record.message_id == message_id
            && record.connector == binding.connector
            && record.process_id.is_empty()
            && !record.error
    }) {
        record.timestamp = now;
        record.data = data.clone();
        return;
    }
    store.next_record += 1;
    store.queue.push(Record {
        id: store.next_record,
        timestamp: now,
        event_name: binding.event.clone(),
        data: data.clone(),
        additional: json!({"user_id": caller.user_id.to_string()}),
        message_id,
        process_id: String::new(),
        error: false,
        connector: binding.connector.clone(),
    });
}

/// The same change gets the same message ID (FNV-1a of the event and its data).
fn message_id(event: &str, data: &Value) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in event.bytes().chain(data.to_string().bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

fn argument_error(description: &str) -> CallError {
    CallError::new(400, "ERROR_ARGUMENT", description)
}

/// A scalar parameter as text (`""` when absent or not a scalar).
fn text_param(params: &Value, name: &str) -> String {
    match param(params, name) {
        Some(Value::String(text)) => text.trim().to_owned(),
        Some(Value::Number(number)) => number.to_string(),
        _ => String::new(),
    }
}

/// An integer parameter; `None` when absent or empty, `Err` when not an integer.
fn int_param(params: &Value, name: &str) -> Result<Option<i64>, CallError> {
    match param(params, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) if text.trim().is_empty() => Ok(None),
        Some(Value::String(text)) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| argument_error(&format!("Argument '{name}' must be an integer"))),
        Some(Value::Number(number)) => number
            .as_i64()
            .map(Some)
            .ok_or_else(|| argument_error(&format!("Argument '{name}' must be an integer"))),
        Some(Value::Bool(flag)) => Ok(Some(i64::from(*flag))),
        Some(_) => Err(argument_error(&format!(
            "Argument '{name}' must be an integer"
        ))),
    }
}

fn is_offline(params: &Value) -> bool {
    text_param(params, "event_type").eq_ignore_ascii_case("offline")
}

/// `event.bind` (event-bind.md).
fn bind(store: &mut EventStore, params: &Value) -> CallResult {
    let event = text_param(params, "event").to_ascii_uppercase();
    if !KNOWN_EVENTS.contains(&event.as_str()) {
        return Err(CallError::new(
            400,
            "ERROR_EVENT_NOT_FOUND",
            "Event not found",
        ));
    }
    let offline = is_offline(params);
    let handler = text_param(params, "handler");
    if !offline {
        if handler.is_empty() {
            return Err(argument_error("Argument 'handler' is null or empty"));
        }
        if !(handler.starts_with("http://") || handler.starts_with("https://")) {
            return Err(argument_error("Wrong handler URL"));
        }
    }
    let auth_type = int_param(params, "auth_type")?.unwrap_or(0);
    let auth_type = u64::try_from(auth_type).map_err(|_| argument_error("Wrong auth_type"))?;
    let connector = text_param(params, "auth_connector");
    let handler = if offline { String::new() } else { handler };
    if store.bindings.iter().any(|binding| {
        binding.event == event
            && binding.handler == handler
            && binding.auth_type == auth_type
            && binding.offline == offline
            && binding.connector == connector
    }) {
        return Err(CallError::new(
            400,
            "ERROR_HANDLER_ALREADY_EXIST",
            "Handler already binded",
        ));
    }
    store.next_binding += 1;
    store.bindings.push(Binding {
        id: store.next_binding,
        event,
        handler,
        auth_type,
        offline,
        connector,
    });
    Ok(Outcome::write(json!(true)))
}

/// `event.unbind` (event-unbind.md): every binding matching what is given; `auth_type`,
/// when given (`0` or empty included), must match exactly.
fn unbind(store: &mut EventStore, params: &Value) -> Outcome {
    let event = text_param(params, "event").to_ascii_uppercase();
    let handler = text_param(params, "handler");
    let auth_type = param(params, "auth_type")
        .map(|_| text_param(params, "auth_type").parse::<u64>().unwrap_or(0));
    let offline = is_offline(params);
    let before = store.bindings.len();
    store.bindings.retain(|binding| {
        let matches = (event.is_empty() || binding.event == event)
            && (handler.is_empty() || binding.handler == handler)
            && auth_type.is_none_or(|auth_type| binding.auth_type == auth_type)
            && binding.offline == offline;
        !matches
    });
    Outcome::write(json!({"count": before - store.bindings.len()}))
}

fn render_binding(binding: &Binding) -> Value {
    json!({
        "event": binding.event,
        "handler": binding.handler,
        "auth_type": binding.auth_type.to_string(),
        "offline": u8::from(binding.offline),
    })
}

/// A record as `event.offline.get` shows it; `event.offline.list` adds the state.
fn render_record(record: &Record, with_state: bool) -> Value {
    let mut value = json!({
        "ID": record.id.to_string(),
        "TIMESTAMP_X": format_datetime(record.timestamp),
        "EVENT_NAME": record.event_name,
        "EVENT_DATA": record.data,
        "EVENT_ADDITIONAL": record.additional,
        "MESSAGE_ID": record.message_id,
    });
    if with_state {
        value["PROCESS_ID"] = json!(record.process_id);
        value["ERROR"] = json!(if record.error { "1" } else { "0" });
    }
    value
}

/// A filter condition on a record field.
#[derive(Debug)]
struct Condition {
    field: String,
    op: &'static str,
    value: Value,
}

fn conditions(params: &Value, fields: &[&str]) -> Vec<Condition> {
    let Some(Value::Object(filter)) = param(params, "filter") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, value) in filter {
        let key = key.trim();
        let (op, field) = ["!=", ">=", "<=", "=", "!", ">", "<"]
            .iter()
            .find_map(|op| key.strip_prefix(op).map(|field| (*op, field)))
            .unwrap_or(("=", key));
        let field = field.trim().to_ascii_uppercase();
        if fields.contains(&field.as_str()) {
            out.push(Condition {
                field,
                op: if op == "!=" { "!" } else { op },
                value: value.clone(),
            });
        }
    }
    out
}

/// A record field as a comparable key: numbers and datetimes as numbers, text as text.
#[derive(Debug, PartialEq, PartialOrd)]
enum Key {
    Number(f64),
    Text(String),
}

fn record_key(record: &Record, field: &str) -> Key {
    match field {
        "ID" => Key::Number(record.id as f64),
        "TIMESTAMP_X" => Key::Number(record.timestamp as f64),
        "EVENT_NAME" => Key::Text(record.event_name.clone()),
        "MESSAGE_ID" => Key::Text(record.message_id.clone()),
        "PROCESS_ID" => Key::Text(record.process_id.clone()),
        "ERROR" => Key::Number(if record.error { 1.0 } else { 0.0 }),
        _ => Key::Text(String::new()),
    }
}

fn value_key(field: &str, value: &Value) -> Option<Key> {
    let text = match value {
        Value::String(text) => text.trim().to_owned(),
        Value::Number(number) => number.to_string(),
        Value::Bool(flag) => u8::from(*flag).to_string(),
        _ => return None,
    };
    match field {
        "ID" | "ERROR" => text.parse().ok().map(Key::Number),
        "TIMESTAMP_X" => parse_datetime(&text).map(|t| Key::Number(t as f64)),
        "EVENT_NAME" => Some(Key::Text(text.to_ascii_uppercase())),
        _ => Some(Key::Text(text)),
    }
}

fn matches(record: &Record, conditions: &[Condition]) -> bool {
    conditions.iter().all(|condition| {
        let Some(wanted) = value_key(&condition.field, &condition.value) else {
            return false;
        };
        let have = record_key(record, &condition.field);
        match condition.op {
            "=" => have == wanted,
            "!" => have != wanted,
            ">" => have > wanted,
            ">=" => have >= wanted,
            "<" => have < wanted,
            "<=" => have <= wanted,
            _ => false,
        }
    })
}

/// Sort by `order` (fields in the given order, `ASC`/`DESC`), then by the default.
fn sort(records: &mut [&Record], params: &Value, default: &str, fields: &[&str]) {
    let mut keys: Vec<(String, bool)> = ordered_entries(params, "order")
        .into_iter()
        .filter_map(|(field, direction)| {
            let field = field.trim().to_ascii_uppercase();
            let descending = direction
                .as_str()
                .is_some_and(|d| d.trim().eq_ignore_ascii_case("desc"));
            fields
                .contains(&field.as_str())
                .then_some((field, descending))
        })
        .collect();
    keys.push((default.to_owned(), false));
    keys.push(("ID".to_owned(), false));
    records.sort_by(|a, b| {
        for (field, descending) in &keys {
            let ordering = record_key(a, field)
                .partial_cmp(&record_key(b, field))
                .unwrap_or(std::cmp::Ordering::Equal);
            let ordering = if *descending {
                ordering.reverse()
            } else {
                ordering
            };
            if ordering.is_ne() {
                return ordering;
            }
        }
        std::cmp::Ordering::Equal
    });
}

const GET_FIELDS: [&str; 4] = ["ID", "TIMESTAMP_X", "EVENT_NAME", "MESSAGE_ID"];
const LIST_FIELDS: [&str; 6] = [
    "ID",
    "TIMESTAMP_X",
    "EVENT_NAME",
    "MESSAGE_ID",
    "PROCESS_ID",
    "ERROR",
];

/// `event.offline.get` (event-offline-get.md, offline-events.md).
fn offline_get(store: &mut EventStore, params: &Value) -> CallResult {
    let clear = int_param(params, "clear")?.unwrap_or(1) != 0;
    let errors = int_param(params, "error")?.unwrap_or(0) != 0;
    let limit = match int_param(params, "limit")? {
        Some(limit) if limit > 0 => usize::try_from(limit).unwrap_or(usize::MAX),
        _ => DEFAULT_LIMIT,
    };
    let connector = text_param(params, "auth_connector");
    let given = text_param(params, "process_id");
    let conditions = conditions(params, &GET_FIELDS);
    let selectable = |record: &Record| {
        record.connector == connector && record.error == errors && matches(record, &conditions)
    };
    // Re-selected: what is still reserved under the given process.
    let mut chosen: Vec<u64> = if given.is_empty() {
        Vec::new()
    } else {
        let mut again: Vec<&Record> = store
            .queue
            .iter()
            .filter(|record| record.process_id == given && selectable(record))
            .collect();
        sort(&mut again, params, "TIMESTAMP_X", &GET_FIELDS);
        again.iter().take(limit).map(|record| record.id).collect()
    };
    let mut fresh: Vec<&Record> = store
        .queue
        .iter()
        .filter(|record| record.process_id.is_empty() && selectable(record))
        .collect();
    sort(&mut fresh, params, "TIMESTAMP_X", &GET_FIELDS);
    let room = limit.saturating_sub(chosen.len());
    chosen.extend(fresh.iter().take(room).map(|record| record.id));
    let events: Vec<Value> = chosen
        .iter()
        .filter_map(|id| store.queue.iter().find(|record| record.id == *id))
        .map(|record| render_record(record, false))
        .collect();
    if clear {
        store.queue.retain(|record| !chosen.contains(&record.id));
        return Ok(Outcome::write(
            json!({"process_id": null, "events": events}),
        ));
    }
    let process_id = if given.is_empty() {
        random_token(32)
    } else {
        given
    };
    for record in store
        .queue
        .iter_mut()
        .filter(|record| chosen.contains(&record.id))
    {
        record.process_id = process_id.clone();
    }
    Ok(Outcome::write(
        json!({"process_id": process_id, "events": events}),
    ))
}

/// A list parameter (`id[]=1&id[]=2`, `[1, 2]`, or a single value) as texts.
fn list_param(params: &Value, name: &str) -> Option<Vec<String>> {
    let texts = |values: Vec<&Value>| {
        values
            .into_iter()
            .filter_map(|value| match value {
                Value::String(text) => Some(text.trim().to_owned()),
                Value::Number(number) => Some(number.to_string()),
                _ => None,
            })
            .collect()
    };
    match param(params, name)? {
        Value::Array(items) => Some(texts(items.iter().collect())),
        Value::Object(map) => Some(texts(map.values().collect())),
        Value::Null => None,
        Value::String(text) if text.trim().is_empty() => None,
        scalar => Some(texts(vec![scalar])),
    }
}

fn required_process(params: &Value) -> Result<String, CallError> {
    let process_id = text_param(params, "process_id");
    if process_id.is_empty() {
        Err(argument_error("Argument 'process_id' is null or empty"))
    } else {
        Ok(process_id)
    }
}

/// `event.offline.clear` (event-offline-clear.md).
fn offline_clear(store: &mut EventStore, params: &Value) -> CallResult {
    let process_id = required_process(params)?;
    let ids = list_param(params, "id");
    let message_ids = list_param(params, "message_id");
    store.queue.retain(|record| {
        let selected = record.process_id == process_id
            && match (&ids, &message_ids) {
                (Some(ids), _) => ids.contains(&record.id.to_string()),
                (None, Some(message_ids)) => message_ids.contains(&record.message_id),
                (None, None) => true,
            };
        !selected
    });
    Ok(Outcome::write(json!(true)))
}

/// `event.offline.error` (event-offline-error.md): mark and release the records.
fn offline_error(store: &mut EventStore, params: &Value) -> CallResult {
    let process_id = required_process(params)?;
    let message_ids = list_param(params, "message_id").unwrap_or_default();
    for record in store.queue.iter_mut().filter(|record| {
        record.process_id == process_id && message_ids.contains(&record.message_id)
    }) {
        record.error = true;
        record.process_id.clear();
    }
    Ok(Outcome::write(json!(true)))
}

/// `event.offline.list` (event-offline-list.md): pages of 50, newest state included.
fn offline_list(store: &EventStore, params: &Value) -> CallResult {
    let connector = text_param(params, "auth_connector");
    let conditions = conditions(params, &LIST_FIELDS);
    let mut records: Vec<&Record> = store
        .queue
        .iter()
        .filter(|record| record.connector == connector && matches(record, &conditions))
        .collect();
    sort(&mut records, params, "ID", &LIST_FIELDS);
    let start = usize::try_from(start_param(params)).unwrap_or(0);
    let total = records.len();
    let page: Vec<Value> = records
        .iter()
        .skip(start)
        .take(LIST_PAGE)
        .map(|record| render_record(record, true))
        .collect();
    let next = start + LIST_PAGE;
    Ok(Outcome {
        result: Value::Array(page).into(),
        total: Some(total as u64),
        next: (next < total).then_some(next as u64),
        write: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_records(n: u64) -> EventStore {
        let mut store = EventStore::default();
        let binding = store_binding();
        for id in 1..=n {
            let data = json!({"FIELDS": {"ID": id.to_string()}});
            enqueue(
                &mut store,
                &binding,
                &data,
                Caller { user_id: 1 },
                1_700_000_000,
            );
        }
        store
    }

    #[test]
    fn the_same_change_is_one_record() {
        let mut store = store_with_records(3);
        let binding = store_binding();
        let data = json!({"FIELDS": {"ID": "2"}});
        enqueue(
            &mut store,
            &binding,
            &data,
            Caller { user_id: 1 },
            1_700_000_100,
        );
        assert_eq!(store.queue.len(), 3);
        assert_eq!(store.queue[1].timestamp, 1_700_000_100);
    }

    fn store_binding() -> Binding {
        Binding {
            id: 1,
            event: "ONCRMDEALUPDATE".into(),
            handler: String::new(),
            auth_type: 0,
            offline: true,
            connector: String::new(),
        }
    }

    #[test]
    fn reserve_resume_clear_and_error() {
        let mut store = store_with_records(5);
        let got = offline_get(&mut store, &json!({"clear": 0, "limit": 3}))
            .unwrap()
            .result
            .to_value();
        let process_id = got["process_id"].as_str().unwrap().to_owned();
        let ids: Vec<&str> = got["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["ID"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["1", "2", "3"]);
        // Another reader does not see the reserved records.
        let other = offline_get(&mut store, &json!({"clear": 0}))
            .unwrap()
            .result
            .to_value();
        let other_ids: Vec<&str> = other["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["ID"].as_str().unwrap())
            .collect();
        assert_eq!(other_ids, ["4", "5"]);
        // Clear 1 by ID, mark 2 failed; 3 stays reserved and is re-selected.
        offline_clear(&mut store, &json!({"process_id": process_id, "id": ["1"]})).unwrap();
        let message_2 = store
            .queue
            .iter()
            .find(|r| r.id == 2)
            .unwrap()
            .message_id
            .clone();
        offline_error(
            &mut store,
            &json!({"process_id": process_id, "message_id": [message_2]}),
        )
        .unwrap();
        let again = offline_get(
            &mut store,
            &json!({"clear": 0, "process_id": process_id, "limit": 1}),
        )
        .unwrap()
        .result
        .to_value();
        assert_eq!(again["events"][0]["ID"], "3");
        assert_eq!(again["events"].as_array().unwrap().len(), 1);
        // The failed record comes back only with error=1.
        let failed = offline_get(&mut store, &json!({"error": 1}))
            .unwrap()
            .result
            .to_value();
        assert_eq!(failed["events"][0]["ID"], "2");
        assert!(failed["process_id"].is_null());
        let list = offline_list(&store, &json!({})).unwrap().result.to_value();
        let listed: Vec<(&str, &str)> = list
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["ID"].as_str().unwrap(), r["ERROR"].as_str().unwrap()))
            .collect();
        assert_eq!(listed, [("3", "0"), ("4", "0"), ("5", "0")]);
        assert!(matches!(
            offline_clear(&mut store, &json!({})),
            Err(err) if err.code == "ERROR_ARGUMENT"
        ));
    }

    #[test]
    fn filters_and_orders() {
        let mut store = store_with_records(5);
        let list = offline_list(
            &store,
            &json!({"filter": {">=ID": "2", "!ID": 4}, "order": {"ID": "DESC"}}),
        )
        .unwrap();
        let records = list.result.to_value();
        let ids: Vec<&str> = records
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["ID"].as_str().unwrap())
            .collect();
        assert_eq!(ids, ["5", "3", "2"]);
        assert_eq!(list.total, Some(3));
        let got = offline_get(&mut store, &json!({"filter": {"<ID": 3}})).unwrap();
        assert_eq!(got.result.to_value()["events"].as_array().unwrap().len(), 2);
        assert_eq!(store.queue.len(), 3, "clear=1 deletes what it returns");
    }
}
