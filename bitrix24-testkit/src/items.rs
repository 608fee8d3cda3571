//! Smart-process items: storage and the classic `crm.item.add/get/update/delete/list`
//! (api-reference/crm/universal/).
//!
//! Every `entityTypeId` from 128 up is a smart process with its own ID sequence (from 1).
//! Leads, deals, contacts and companies (1 to 4) are served from the stores of their
//! `crm.{lead,deal,contact,company}.*` methods (`crm/item_view.rs`); any other type
//! answers 400 `NOT_FOUND` "Smart process not found" here.
//!
//! Items are kept as the methods show them (crm-item-get.md): camelCase keys, typed JSON
//! values (`"id": 342`, `"opportunity": 999.99`, `"opened": "Y"`, datetimes with the
//! portal's offset, dates as midnight), user fields `ufCrm*` stored as given and known to
//! the smart process from the first item that carries one, `parentId{N}` links as numbers.
//!
//! `crm.item.list` (crm-item-list.md) takes the documented filter prefixes (`>=`, `>`,
//! `<=`, `<`, `@`, `!@`, `%`, `=%`, `%=`, `!%`, `!=%`, `!%=`, `=`, `!=`, `!`) and nested
//! groups with `logic: OR`; a field it does not know is 400 `INVALID_ARG_VALUE`, as are an
//! unknown order field and a direction other than `ASC`/`DESC`. Default order: `id`
//! ascending. `select` takes field names (any case) or `*`; without it every field comes.
//! Pages of 50 with `total` and `next`; `start=-1` returns the page without counting
//! (`total: 0`, no `next`), the documented way to read large lists (huge-data.md).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::call::{CallError, CallResult, Outcome};
use crate::clock::{format_datetime, parse_datetime};
use crate::list_query::{self, Filter, Kind, Query, SortBy};
use crate::params::{ordered_entries, param};

/// The first entity type ID of a smart process (crm/data-types.md#object_type).
pub(crate) const FIRST_SMART_PROCESS: u32 = 128;

/// How a stored field's values are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Type {
    Integer,
    Number,
    Flag,
    DateTime,
    /// A date, stored as midnight in the portal's zone.
    Date,
    Text,
}

impl Type {
    fn kind(self) -> Kind {
        match self {
            Type::Integer => Kind::Integer,
            Type::Number => Kind::Number,
            Type::Flag => Kind::Flag,
            Type::DateTime | Type::Date => Kind::DateTime,
            Type::Text => Kind::Text,
        }
    }
}

/// One field of a smart-process item (object-fields.md: common and SPA fields).
#[derive(Debug)]
struct FieldDef {
    name: &'static str,
    ty: Type,
    multiple: bool,
    /// Set by the portal; ignored when written.
    read_only: bool,
}

const fn field(name: &'static str, ty: Type) -> FieldDef {
    FieldDef {
        name,
        ty,
        multiple: false,
        read_only: false,
    }
}

const fn read_only(name: &'static str, ty: Type) -> FieldDef {
    FieldDef {
        read_only: true,
        ..field(name, ty)
    }
}

const fn multiple(name: &'static str, ty: Type) -> FieldDef {
    FieldDef {
        multiple: true,
        ..field(name, ty)
    }
}

const FIELDS: &[FieldDef] = &[
    read_only("id", Type::Integer),
    field("xmlId", Type::Text),
    field("title", Type::Text),
    read_only("createdBy", Type::Integer),
    read_only("updatedBy", Type::Integer),
    read_only("movedBy", Type::Integer),
    read_only("createdTime", Type::DateTime),
    read_only("updatedTime", Type::DateTime),
    read_only("movedTime", Type::DateTime),
    field("categoryId", Type::Integer),
    field("opened", Type::Flag),
    field("stageId", Type::Text),
    read_only("previousStageId", Type::Text),
    read_only("stageSemanticId", Type::Text),
    field("begindate", Type::Date),
    field("closedate", Type::Date),
    field("companyId", Type::Integer),
    field("contactId", Type::Integer),
    multiple("contactIds", Type::Integer),
    field("opportunity", Type::Number),
    field("isManualOpportunity", Type::Flag),
    field("taxValue", Type::Number),
    field("currencyId", Type::Text),
    field("mycompanyId", Type::Integer),
    field("sourceId", Type::Text),
    field("sourceDescription", Type::Text),
    field("assignedById", Type::Integer),
    multiple("observers", Type::Integer),
    field("webformId", Type::Integer),
    read_only("lastActivityBy", Type::Integer),
    read_only("lastActivityTime", Type::DateTime),
    field("utmSource", Type::Text),
    field("utmMedium", Type::Text),
    field("utmCampaign", Type::Text),
    field("utmContent", Type::Text),
    field("utmTerm", Type::Text),
    read_only("entityTypeId", Type::Integer),
];

/// The funnel an item lands in when `categoryId` is not given.
const DEFAULT_CATEGORY: u64 = 1;

fn definition(name: &str) -> Option<&'static FieldDef> {
    FIELDS
        .iter()
        .find(|def| def.name.eq_ignore_ascii_case(name))
}

fn is_user_field(name: &str) -> bool {
    name.starts_with("ufCrm")
}

/// `parentId1220`: a link to an item of entity type 1220.
fn is_parent_link(name: &str) -> bool {
    name.strip_prefix("parentId")
        .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
}

type Item = Map<String, Value>;

/// One smart process: its items by ID and the user fields its items have carried.
#[derive(Debug, Default)]
struct SmartProcess {
    last_id: u64,
    items: BTreeMap<u64, Item>,
    user_fields: BTreeSet<String>,
}

/// Every smart process's items.
#[derive(Debug, Default)]
pub(crate) struct ItemStore {
    processes: BTreeMap<u32, SmartProcess>,
}

impl ItemStore {
    /// How many items of `entity_type_id` exist.
    pub(crate) fn len(&self, entity_type_id: u32) -> usize {
        self.processes
            .get(&entity_type_id)
            .map_or(0, |process| process.items.len())
    }

    /// One item as `crm.item.get` shows it.
    pub(crate) fn render(&self, entity_type_id: u32, id: u64) -> Option<Value> {
        let process = self.processes.get(&entity_type_id)?;
        process.items.get(&id).map(|item| process.render_all(item))
    }

    /// Delete an item; whether it existed.
    pub(crate) fn remove(&mut self, entity_type_id: u32, id: u64) -> bool {
        self.processes
            .get_mut(&entity_type_id)
            .is_some_and(|process| process.items.remove(&id).is_some())
    }

    /// Add `n` varied items to smart process `entity_type_id` (IDs continue its sequence),
    /// created over the past weeks: what `crm.item.add` would store, built directly so
    /// that seeding tens of thousands stays cheap.
    pub(crate) fn seed(&mut self, entity_type_id: u32, n: usize, now: i64) {
        let process = self.processes.entry(entity_type_id).or_default();
        let template = process.blank(entity_type_id, 0, 1, now);
        let total = n as i64;
        for i in 0..n {
            process.last_id += 1;
            let id = process.last_id;
            let k = id as usize;
            let mix = k.wrapping_mul(2_654_435_761) % 1_000_003;
            let created = now + (i as i64 - total) * 3_517 - (mix % 600) as i64;
            let mut item = template.clone();
            let stage = SEED_STAGES[mix % SEED_STAGES.len()];
            let mut set = |name: &str, value: Value| {
                item.insert(name.to_owned(), value);
            };
            set("id", json!(id));
            set(
                "title",
                json!(format!("{} #{id}", SEED_TITLES[k % SEED_TITLES.len()])),
            );
            set(
                "stageId",
                json!(stage_id(entity_type_id, DEFAULT_CATEGORY, stage)),
            );
            set("stageSemanticId", json!(semantic(stage)));
            set("opportunity", number_value((mix % 90_000) as f64 + 0.5));
            set("currencyId", json!(SEED_CURRENCIES[mix % 3]));
            set("assignedById", json!(k % 6 + 1));
            set("companyId", json!(k % 40 + 1));
            set("opened", json!(if k % 5 == 0 { "N" } else { "Y" }));
            let stamp = json!(format_datetime(created));
            let modified = json!(format_datetime(created + 3_600));
            set("createdTime", stamp.clone());
            set("updatedTime", modified.clone());
            set("movedTime", modified);
            set("lastActivityTime", stamp);
            set("begindate", json!(midnight(created)));
            set("closedate", json!(midnight(created + 14 * 86_400)));
            if k % 4 == 0 {
                set("sourceId", json!("WEB"));
                set("utmSource", json!("google"));
            }
            process.items.insert(id, item);
        }
    }
}

const SEED_TITLES: &[&str] = &[
    "Delivery",
    "Contract",
    "Service request",
    "Shipment",
    "Audit",
];
const SEED_STAGES: &[&str] = &["NEW", "PREPARATION", "CLIENT", "SUCCESS", "FAIL"];
const SEED_CURRENCIES: &[&str] = &["USD", "EUR", "RUB"];

/// A smart-process stage ID: `DT{entityTypeId}_{categoryId}:{code}`.
fn stage_id(entity_type_id: u32, category: u64, code: &str) -> String {
    format!("DT{entity_type_id}_{category}:{code}")
}

/// `stageSemanticId` of a stage: `S` success, `F` failure, `P` in progress.
fn semantic(stage: &str) -> &'static str {
    match stage.rsplit(':').next().unwrap_or(stage) {
        "SUCCESS" => "S",
        "FAIL" => "F",
        _ => "P",
    }
}

/// Midnight of a Unix time's day in the portal's zone, formatted.
fn midnight(unix: i64) -> String {
    let text = format_datetime(unix);
    parse_datetime(&text[..10]).map_or(text, format_datetime)
}

/// A number as the docs show it: whole amounts without a fraction (`19000`, `999.99`).
fn number_value(n: f64) -> Value {
    if n.fract() == 0.0 && n.abs() < 9e15 {
        json!(n as i64)
    } else {
        json!(n)
    }
}

/// The PHP type name of a value, for the multiple-field error.
fn php_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "NULL",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_f64() => "double",
        Value::Number(_) => "integer",
        Value::String(_) => "string",
        Value::Array(_) | Value::Object(_) => "array",
    }
}

fn invalid(name: &str) -> CallError {
    CallError::new(
        400,
        "CRM_FIELD_ERROR_VALUE_NOT_VALID",
        &format!("Invalid value for field \"{name}\""),
    )
}

/// One value as the portal stores a field of type `ty`.
fn encode(name: &str, ty: Type, value: &Value) -> Result<Value, CallError> {
    let text = match value {
        Value::Null => return Ok(Value::Null),
        Value::String(text) => text.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        Value::Bool(flag) => {
            return Ok(match ty {
                Type::Flag | Type::Text => json!(if *flag { "Y" } else { "N" }),
                Type::Integer | Type::Number => json!(u8::from(*flag)),
                Type::DateTime | Type::Date => return Err(invalid(name)),
            });
        }
        Value::Array(_) | Value::Object(_) => return Err(invalid(name)),
    };
    if text.is_empty() && ty != Type::Text {
        return Ok(Value::Null);
    }
    let number = || {
        text.replace(',', ".")
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
    };
    Ok(match ty {
        Type::Text => json!(text),
        Type::Integer => match number() {
            Some(n) if n.fract() == 0.0 => json!(n as i64),
            _ => return Err(invalid(name)),
        },
        Type::Number => number().map(number_value).ok_or_else(|| invalid(name))?,
        Type::Flag => {
            let yes = matches!(
                text.to_ascii_uppercase().as_str(),
                "Y" | "1" | "TRUE" | "YES"
            );
            json!(if yes { "Y" } else { "N" })
        }
        Type::DateTime => json!(format_datetime(
            parse_datetime(&text).ok_or_else(|| invalid(name))?
        )),
        Type::Date => json!(midnight(
            parse_datetime(&text).ok_or_else(|| invalid(name))?
        )),
    })
}

impl SmartProcess {
    /// An item with every field at its default, as `crm.item.add` with no fields makes it.
    fn blank(&self, entity_type_id: u32, id: u64, user_id: u64, now: i64) -> Item {
        let mut item: Item = FIELDS
            .iter()
            .map(|def| {
                let empty = if def.multiple { json!([]) } else { Value::Null };
                (def.name.to_owned(), empty)
            })
            .collect();
        let stamp = json!(format_datetime(now));
        let defaults = [
            ("id", json!(id)),
            ("title", json!(format!("Item #{id}"))),
            ("createdBy", json!(user_id)),
            ("updatedBy", json!(user_id)),
            ("movedBy", json!(user_id)),
            ("createdTime", stamp.clone()),
            ("updatedTime", stamp.clone()),
            ("movedTime", stamp.clone()),
            ("categoryId", json!(DEFAULT_CATEGORY)),
            ("opened", json!("Y")),
            (
                "stageId",
                json!(stage_id(entity_type_id, DEFAULT_CATEGORY, "NEW")),
            ),
            ("stageSemanticId", json!("P")),
            ("begindate", json!(midnight(now))),
            ("closedate", json!(midnight(now + 7 * 86_400))),
            ("companyId", json!(0)),
            ("contactId", json!(0)),
            ("opportunity", json!(0)),
            ("isManualOpportunity", json!("N")),
            ("taxValue", json!(0)),
            ("currencyId", json!("USD")),
            ("mycompanyId", json!(0)),
            ("assignedById", json!(user_id)),
            ("webformId", json!(0)),
            ("lastActivityBy", json!(user_id)),
            ("lastActivityTime", stamp),
            ("entityTypeId", json!(entity_type_id)),
        ];
        for (name, value) in defaults {
            item.insert(name.to_owned(), value);
        }
        item
    }

    /// Write `fields` into `item`: read-only and unknown fields are ignored, user fields
    /// and parent links stored.
    fn apply(&mut self, item: &mut Item, fields: &Map<String, Value>) -> Result<(), CallError> {
        for (name, value) in fields {
            if is_user_field(name) {
                self.user_fields.insert(name.clone());
                item.insert(name.clone(), value.clone());
                continue;
            }
            if is_parent_link(name) {
                item.insert(name.clone(), encode(name, Type::Integer, value)?);
                continue;
            }
            let Some(def) = definition(name) else {
                continue;
            };
            if def.read_only {
                continue;
            }
            let stored = if def.multiple {
                let values = match value {
                    Value::Array(items) => items.iter().collect::<Vec<_>>(),
                    // A PHP form sends a list as a map.
                    Value::Object(map) => map.values().collect(),
                    Value::Null => Vec::new(),
                    other => {
                        return Err(CallError::new(
                            400,
                            "100",
                            &format!(
                                "Expected iterable value for multiple field, but got `{}` instead",
                                php_type(other)
                            ),
                        ));
                    }
                };
                Value::Array(
                    values
                        .into_iter()
                        .map(|value| encode(def.name, def.ty, value))
                        .collect::<Result<_, _>>()?,
                )
            } else {
                encode(def.name, def.ty, value)?
            };
            item.insert(def.name.to_owned(), stored);
        }
        Ok(())
    }

    /// Keep `stageId` and `categoryId` consistent and derive the stage's semantics.
    fn settle_stage(item: &mut Item, entity_type_id: u32, category_given: bool, stage_given: bool) {
        let category = item
            .get("categoryId")
            .and_then(Value::as_u64)
            .unwrap_or(DEFAULT_CATEGORY);
        if category_given && !stage_given {
            item.insert(
                "stageId".into(),
                json!(stage_id(entity_type_id, category, "NEW")),
            );
        }
        let stage = item
            .get("stageId")
            .and_then(Value::as_str)
            .unwrap_or("NEW")
            .to_owned();
        item.insert("stageSemanticId".into(), json!(semantic(&stage)));
    }

    /// Every field, the smart process's user fields included (`null` when unset).
    fn render_all(&self, item: &Item) -> Value {
        let mut out = item.clone();
        for name in &self.user_fields {
            out.entry(name.clone()).or_insert(Value::Null);
        }
        Value::Object(out)
    }

    /// The fields a `select` names: known fields in any case, user fields and parent
    /// links of this process; `None` for `*` or an empty select (every field).
    fn resolve_select(&self, select: &[String]) -> Option<Vec<String>> {
        if select.is_empty() || select.iter().any(|name| name.trim() == "*") {
            return None;
        }
        let mut names: Vec<String> = Vec::new();
        for name in select {
            let name = name.trim();
            let resolved = match definition(name) {
                Some(def) => Some(def.name.to_owned()),
                None if self.user_fields.contains(name) || is_parent_link(name) => {
                    Some(name.to_owned())
                }
                None => None,
            };
            if let Some(resolved) = resolved {
                if !names.contains(&resolved) {
                    names.push(resolved);
                }
            }
        }
        Some(names)
    }

    /// A filter or order field: its stored name and kind.
    fn resolve(name: &str) -> Option<(String, Kind)> {
        if let Some(def) = definition(name) {
            return Some((def.name.to_owned(), def.ty.kind()));
        }
        if is_user_field(name) {
            return Some((name.to_owned(), Kind::Any));
        }
        is_parent_link(name).then(|| (name.to_owned(), Kind::Integer))
    }
}

fn not_found_process() -> CallError {
    CallError::new(400, "NOT_FOUND", "Smart process not found")
}

/// A positive integer as clients send it (`5`, `"5"`).
fn whole(value: Option<&Value>) -> Option<u64> {
    match value? {
        Value::Number(n) => n.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
    .filter(|id| *id > 0)
}

/// The smart process `entityTypeId` names.
fn entity_type(params: &Value) -> Result<u32, CallError> {
    whole(param(params, "entityTypeId"))
        .and_then(|id| u32::try_from(id).ok())
        .filter(|id| *id >= FIRST_SMART_PROCESS)
        .ok_or_else(not_found_process)
}

/// The required `id`: missing is the engine's error for a missing parameter.
pub(crate) fn id_param(params: &Value) -> Result<u64, CallError> {
    match param(params, "id") {
        None | Some(Value::Null) => Err(CallError::new(
            400,
            "100",
            "Could not find value for parameter {id}",
        )),
        value => whole(value).ok_or_else(|| CallError::new(400, "NOT_FOUND", "Item not found")),
    }
}

/// The `fields` object; PHP forms send `[]` for an empty one.
fn fields_param(params: &Value) -> Result<Map<String, Value>, CallError> {
    match param(params, "fields") {
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(Value::Array(items)) if items.is_empty() => Ok(Map::new()),
        _ => Err(CallError::new(
            400,
            "100",
            "Could not find value for parameter {fields}",
        )),
    }
}

/// Run a `crm.item.*` method of a smart process; `None` if `method` is not one served here.
pub(crate) fn call(
    store: &mut ItemStore,
    method: &str,
    params: &Value,
    user_id: u64,
    now: i64,
    page_size: usize,
) -> Option<CallResult> {
    let served = matches!(
        method,
        "crm.item.add" | "crm.item.get" | "crm.item.update" | "crm.item.delete" | "crm.item.list"
    );
    if !served {
        return None;
    }
    Some(entity_type(params).and_then(|entity_type_id| {
        let process = store.processes.entry(entity_type_id).or_default();
        match method {
            "crm.item.add" => add(process, entity_type_id, params, user_id, now),
            "crm.item.get" => {
                let id = id_param(params)?;
                let item = process
                    .items
                    .get(&id)
                    .ok_or_else(|| CallError::new(400, "NOT_FOUND", "Element not found"))?;
                Ok(Outcome::read(json!({ "item": process.render_all(item) })))
            }
            "crm.item.update" => update(process, entity_type_id, params, user_id, now),
            "crm.item.delete" => {
                let id = id_param(params)?;
                match process.items.remove(&id) {
                    Some(_) => Ok(Outcome::write(json!([]))),
                    None => Err(CallError::new(400, "NOT_FOUND", "Item not found")),
                }
            }
            _ => list(process, params, page_size),
        }
    }))
}

fn add(
    process: &mut SmartProcess,
    entity_type_id: u32,
    params: &Value,
    user_id: u64,
    now: i64,
) -> CallResult {
    let fields = fields_param(params)?;
    let id = process.last_id + 1;
    let mut item = process.blank(entity_type_id, id, user_id, now);
    process.apply(&mut item, &fields)?;
    let given = |name: &str| fields.keys().any(|key| key.eq_ignore_ascii_case(name));
    SmartProcess::settle_stage(
        &mut item,
        entity_type_id,
        given("categoryId"),
        given("stageId"),
    );
    process.last_id = id;
    let shown = process.render_all(&item);
    process.items.insert(id, item);
    Ok(Outcome::write(json!({ "item": shown })))
}

fn update(
    process: &mut SmartProcess,
    entity_type_id: u32,
    params: &Value,
    user_id: u64,
    now: i64,
) -> CallResult {
    let id = id_param(params)?;
    let fields = fields_param(params)?;
    let Some(mut item) = process.items.remove(&id) else {
        return Err(CallError::new(400, "NOT_FOUND", "Item not found"));
    };
    let before = item.clone();
    if let Err(err) = process.apply(&mut item, &fields) {
        process.items.insert(id, before);
        return Err(err);
    }
    let given = |name: &str| fields.keys().any(|key| key.eq_ignore_ascii_case(name));
    SmartProcess::settle_stage(
        &mut item,
        entity_type_id,
        given("categoryId"),
        given("stageId"),
    );
    let stamp = json!(format_datetime(now));
    item.insert("updatedTime".into(), stamp.clone());
    item.insert("updatedBy".into(), json!(user_id));
    if item.get("stageId") != before.get("stageId") {
        let previous = before.get("stageId").cloned().unwrap_or(Value::Null);
        item.insert("previousStageId".into(), previous);
        item.insert("movedTime".into(), stamp);
        item.insert("movedBy".into(), json!(user_id));
    }
    let shown = process.render_all(&item);
    process.items.insert(id, item);
    Ok(Outcome::write(json!({ "item": shown })))
}

/// `order`, `filter` must be objects; PHP sends `[]` when empty.
fn object_param<'a>(
    params: &'a Value,
    name: &str,
) -> Result<Option<&'a Map<String, Value>>, CallError> {
    match param(params, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) if items.is_empty() => Ok(None),
        Some(Value::Object(map)) => Ok(Some(map)),
        Some(_) => Err(CallError::new(
            400,
            "INVALID_ARG_VALUE",
            &format!("Invalid {name}: an object is expected"),
        )),
    }
}

fn list(process: &SmartProcess, params: &Value, page_size: usize) -> CallResult {
    let filter = match object_param(params, "filter")? {
        None => Filter::All(Vec::new()),
        Some(filter) => Filter::compile(filter, &SmartProcess::resolve, true).map_err(|field| {
            CallError::new(
                400,
                "INVALID_ARG_VALUE",
                &format!("Invalid filter: field '{field}' is not allowed in filter"),
            )
        })?,
    };
    let mut order = Vec::new();
    if object_param(params, "order")?.is_some() {
        for (name, direction) in ordered_entries(params, "order") {
            let Some((field, kind)) = SmartProcess::resolve(name.trim()) else {
                return Err(CallError::new(
                    400,
                    "INVALID_ARG_VALUE",
                    &format!("Invalid order: field '{name}' is not allowed in order"),
                ));
            };
            let text = direction.as_str().unwrap_or_default().trim();
            if !text.eq_ignore_ascii_case("ASC") && !text.eq_ignore_ascii_case("DESC") {
                return Err(CallError::new(
                    400,
                    "INVALID_ARG_VALUE",
                    &format!(
                        "Invalid order: allowed sort directions are ASC, DESC. But got '{text}' for field '{name}'"
                    ),
                ));
            }
            order.push(SortBy {
                field,
                kind,
                ascending: list_query::ascending(direction),
            });
        }
    }
    let select: Vec<String> = match param(params, "select") {
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::Object(names)) => names
            .values()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        Some(Value::String(name)) => vec![name.clone()],
        _ => Vec::new(),
    };
    let select = process.resolve_select(&select);
    let query = Query {
        filter,
        order,
        start: list_query::start_param(params),
    };
    let render = |_: u64, item: &Item| match &select {
        None => process.render_all(item),
        Some(names) => Value::Object(
            names
                .iter()
                .map(|name| (name.clone(), item.get(name).cloned().unwrap_or(Value::Null)))
                .collect(),
        ),
    };
    let listing = list_query::list(
        &process.items,
        &query,
        "id",
        &read_field,
        &render,
        page_size,
    );
    Ok(listing.outcome(|items| json!({ "items": items })))
}

/// One stored field of an item.
fn read_field<'r>(item: &'r Item, field: &str) -> Cow<'r, Value> {
    item.get(field)
        .map_or(Cow::Owned(Value::Null), Cow::Borrowed)
}
