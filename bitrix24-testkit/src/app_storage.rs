//! An application's data storage: `entity.add`, `entity.item.add` and `entity.item.get`
//! (api-reference/entity/).
//!
//! A storage (`ENTITY`) holds items numbered from 1 across the portal, shown as the
//! classic methods show them (entity-item-get.md): every value text (`"ID": "2331"`,
//! `"SORT": "500"`), datetimes with the portal's offset, `null` for what was never set.
//!
//! `entity.item.get` takes its filter and order by the classic upper-case names `FILTER`
//! and `SORT` (`ID` ascending by default), with the filter prefixes of the other classic
//! lists (`>ID`, `%NAME`, ...; a field it does not know is ignored), and pages by `start`
//! with `total`/`next`; `start=-1` returns the page uncounted (huge-data.md), so a
//! storage reads by the documented fast path.

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use crate::call::{CallError, CallResult, Outcome};
use crate::clock::format_datetime;
use crate::list_query::{self, Filter, Kind, Query, SortBy};
use crate::params::{ordered_entries, param};

/// The fields an item shows, how they compare, and whether `entity.item.add` sets them.
const FIELDS: &[(&str, Kind, bool)] = &[
    ("ID", Kind::Integer, false),
    ("TIMESTAMP_X", Kind::DateTime, false),
    ("MODIFIED_BY", Kind::Integer, false),
    ("DATE_CREATE", Kind::DateTime, false),
    ("CREATED_BY", Kind::Integer, false),
    ("ACTIVE", Kind::Flag, true),
    ("DATE_ACTIVE_FROM", Kind::DateTime, true),
    ("DATE_ACTIVE_TO", Kind::DateTime, true),
    ("SORT", Kind::Integer, true),
    ("NAME", Kind::Text, true),
    ("PREVIEW_TEXT", Kind::Text, true),
    ("DETAIL_TEXT", Kind::Text, true),
    ("CODE", Kind::Text, true),
    ("ENTITY", Kind::Text, false),
    ("SECTION", Kind::Integer, true),
];

/// The storages and their items.
#[derive(Debug, Default)]
pub(crate) struct AppStorage {
    /// Storage code -> its name.
    entities: BTreeMap<String, String>,
    /// Item ID -> the item as shown (every field of [`FIELDS`]).
    items: BTreeMap<u64, Map<String, Value>>,
}

impl AppStorage {
    /// Add `n` items named `Item 1`, ... to storage `entity`, created when missing.
    pub(crate) fn seed(&mut self, entity: &str, n: usize, user_id: u64, now: i64) {
        self.entities.entry(entity.to_owned()).or_default();
        for i in 1..=n {
            let params = json!({"ENTITY": entity, "NAME": format!("Item {i}")});
            let added = add_item(self, &params, user_id, now);
            debug_assert!(added.is_ok());
        }
    }
}

/// Run an `entity.*` method served here; `None` for any other.
pub(crate) fn call(
    store: &mut AppStorage,
    method: &str,
    params: &Value,
    user_id: u64,
    now: i64,
    page_size: usize,
) -> Option<CallResult> {
    let result = match method {
        "entity.add" => add_entity(store, params),
        "entity.item.add" => add_item(store, params, user_id, now),
        "entity.item.get" => list(store, params, page_size),
        _ => return None,
    };
    Some(result)
}

/// The `ENTITY` parameter, which every method requires.
fn entity(params: &Value) -> Result<String, CallError> {
    match param(params, "ENTITY").and_then(list_query::as_text) {
        Some(code) if !code.trim().is_empty() => Ok(code.trim().to_owned()),
        _ => Err(CallError::new(
            400,
            "ERROR_ARGUMENT",
            "Argument 'ENTITY' is null or empty",
        )),
    }
}

fn add_entity(store: &mut AppStorage, params: &Value) -> CallResult {
    let code = entity(params)?;
    if store.entities.contains_key(&code) {
        return Err(CallError::new(
            400,
            "ERROR_ENTITY_ALREADY_EXISTS",
            "Entity already exists",
        ));
    }
    let name = param(params, "NAME").and_then(list_query::as_text);
    store.entities.insert(code, name.unwrap_or_default());
    Ok(Outcome::write(json!(true)))
}

/// The storage `params` names, which must exist.
fn existing(store: &AppStorage, params: &Value) -> Result<String, CallError> {
    let code = entity(params)?;
    if !store.entities.contains_key(&code) {
        return Err(CallError::new(
            400,
            "ERROR_ENTITY_NOT_FOUND",
            "Entity not found",
        ));
    }
    Ok(code)
}

fn add_item(store: &mut AppStorage, params: &Value, user_id: u64, now: i64) -> CallResult {
    let code = existing(store, params)?;
    let id = store.items.last_key_value().map_or(1, |(id, _)| id + 1);
    let stamp = json!(format_datetime(now));
    let mut item: Map<String, Value> = FIELDS
        .iter()
        .map(|(name, _, _)| ((*name).to_owned(), Value::Null))
        .collect();
    for (name, _, settable) in FIELDS {
        let given = param(params, name).filter(|_| *settable);
        if let Some(value) = given.and_then(list_query::as_text) {
            item.insert((*name).to_owned(), json!(value));
        }
    }
    let defaults = [
        ("ID", json!(id.to_string())),
        ("TIMESTAMP_X", stamp.clone()),
        ("DATE_CREATE", stamp),
        ("MODIFIED_BY", json!(user_id.to_string())),
        ("CREATED_BY", json!(user_id.to_string())),
        ("ENTITY", json!(code)),
    ];
    for (name, value) in defaults {
        item.insert(name.to_owned(), value);
    }
    for (name, value) in [("ACTIVE", "Y"), ("SORT", "500")] {
        if item[name].is_null() {
            item.insert(name.to_owned(), json!(value));
        }
    }
    store.items.insert(id, item);
    Ok(Outcome::write(json!(id)))
}

/// A field name as `FILTER` and `SORT` write it (any case), with its kind.
fn resolve(name: &str) -> Option<(String, Kind)> {
    FIELDS
        .iter()
        .find(|(field, _, _)| field.eq_ignore_ascii_case(name))
        .map(|(field, kind, _)| ((*field).to_owned(), *kind))
}

fn list(store: &AppStorage, params: &Value, page_size: usize) -> CallResult {
    let code = existing(store, params)?;
    let filter = match param(params, "FILTER") {
        Some(Value::Object(filter)) => Filter::compile(filter, &resolve, false)
            .map_err(|field| CallError::new(400, "ERROR_ARGUMENT", &field))?,
        _ => Filter::All(Vec::new()),
    };
    let order: Vec<SortBy> = ordered_entries(params, "SORT")
        .into_iter()
        .filter_map(|(name, direction)| {
            let (field, kind) = resolve(name.trim())?;
            Some(SortBy {
                field,
                kind,
                ascending: list_query::ascending(direction),
            })
        })
        .collect();
    let query = Query {
        filter,
        order,
        start: list_query::start_param(params),
    };
    let theirs: BTreeMap<u64, &Map<String, Value>> = store
        .items
        .iter()
        .filter(|(_, item)| item["ENTITY"] == code.as_str())
        .map(|(id, item)| (*id, item))
        .collect();
    let listing = list_query::list(
        &theirs,
        &query,
        "ID",
        &read_field,
        &|_, item: &&Map<String, Value>| Value::Object((*item).clone()),
        page_size,
    );
    Ok(listing.outcome(Value::Array))
}

/// One field of an item as shown (`null` when unset).
fn read_field<'r>(item: &'r &Map<String, Value>, field: &str) -> Cow<'r, Value> {
    item.get(field)
        .map_or(Cow::Owned(Value::Null), Cow::Borrowed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call_ok(store: &mut AppStorage, method: &str, params: Value) -> Outcome {
        call(store, method, &params, 1, 1_700_000_000, 50)
            .expect("served")
            .unwrap_or_else(|err| panic!("{method}: {err:?}"))
    }

    #[test]
    fn items_page_by_id_under_the_upper_case_filter_and_sort() {
        let mut store = AppStorage::default();
        call_ok(
            &mut store,
            "entity.add",
            json!({"ENTITY": "dish", "NAME": "Dishes"}),
        );
        call_ok(
            &mut store,
            "entity.add",
            json!({"ENTITY": "menu", "NAME": "Menus"}),
        );
        for n in 1..=120 {
            let entity = if n % 4 == 0 { "menu" } else { "dish" };
            call_ok(
                &mut store,
                "entity.item.add",
                json!({"ENTITY": entity, "NAME": format!("Item {n}")}),
            );
        }
        let page = call_ok(
            &mut store,
            "entity.item.get",
            json!({"ENTITY": "dish", "FILTER": {">ID": 10}, "SORT": {"ID": "ASC"}, "start": -1}),
        );
        let records = page
            .result
            .as_value()
            .expect("a list")
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(records.len(), 50);
        assert_eq!(records[0]["ID"], "11");
        assert!(records.iter().all(|item| item["ENTITY"] == "dish"));
        assert_eq!((page.total, page.next), (Some(0), None));
        let counted = call_ok(&mut store, "entity.item.get", json!({"ENTITY": "menu"}));
        assert_eq!(counted.total, Some(30));
        let missing = call(
            &mut store,
            "entity.item.get",
            &json!({"ENTITY": "none"}),
            1,
            0,
            50,
        );
        assert!(matches!(missing, Some(Err(err)) if err.code == "ERROR_ENTITY_NOT_FOUND"));
    }
}
