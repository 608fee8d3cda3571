//! `crm.item.*` of leads, deals, contacts and companies (`entityTypeId` 1 to 4): the
//! records of the `crm.{lead,deal,contact,company}.*` stores as crm.item shows them
//! (crm-item-get.md, crm-item-list.md).
//!
//! - Names are camelCase: `ASSIGNED_BY_ID` -> `assignedById`, user fields
//!   `UF_CRM_COLOUR` -> `ufCrmColour`; the authors and dates take crm.item's own names
//!   (`DATE_CREATE` -> `createdTime`, `MODIFY_BY_ID` -> `updatedBy`, ...).
//! - Values are typed JSON: IDs, references and money as numbers (`"id": 12`,
//!   `"opportunity": 1000.5`), flags `Y`/`N`, dates and datetimes as the store keeps them.
//! - Replies are `{"item": {...}}` (add, get, update) and `{"items": [...]}` with `total`
//!   and `next` (list); filter, order and select take the camelCase names, with the
//!   classic list's operators and paging.
//! - Written fields go to the store under their classic names; a name the entity lacks
//!   is ignored, as `crm.X.add` does; `true`/`false` are written as `Y`/`N`.
//! - The multifields (`PHONE`, `EMAIL`, ...) are not shown: crm.item keeps them under
//!   `fm`, which this portal does not serve.

use std::collections::HashMap;

use serde_json::{Map, Number, Value, json};

use super::fields::Kind;
use super::list::list;
use super::store::CrmStore;
use super::stores::CrmStores;
use crate::call::{CallError, CallResult, Outcome};
use crate::items::id_param;
use crate::params::{param, parse_id};
use crate::payload::Payload;
use crate::user_fields::camel_name;

/// Classic names crm.item renames rather than camel-cases.
const RENAMED: [(&str, &str); 5] = [
    ("DATE_CREATE", "createdTime"),
    ("DATE_MODIFY", "updatedTime"),
    ("CREATED_BY_ID", "createdBy"),
    ("MODIFY_BY_ID", "updatedBy"),
    ("MOVED_BY_ID", "movedBy"),
];

/// A classic field's crm.item name.
fn item_name(classic: &str) -> String {
    RENAMED
        .iter()
        .find(|(from, _)| *from == classic)
        .map_or_else(|| camel_name(classic), |(_, to)| (*to).to_owned())
}

/// crm.item name -> classic name, for every field of the store's entity.
fn classic_names(store: &CrmStore) -> HashMap<String, String> {
    store
        .field_names()
        .map(|classic| (item_name(classic), classic.to_owned()))
        .collect()
}

/// Run a `crm.item.*` method of a lead, deal, contact or company; `None` for another
/// method or entity type (smart processes are `items.rs`').
pub(crate) fn call(
    stores: &mut CrmStores,
    method: &str,
    params: &Value,
    user_id: u64,
    now: i64,
    page_size: usize,
) -> Option<CallResult> {
    let action = method.strip_prefix("crm.item.")?;
    if !matches!(action, "add" | "get" | "update" | "delete" | "list") {
        return None;
    }
    let entity_type_id = parse_id(param(params, "entityTypeId"))?;
    let store = stores.by_type_mut(u32::try_from(entity_type_id).ok()?)?;
    let result = match action {
        "add" => written(store, params).map(|fields| {
            let id = store.insert(&fields, user_id, now, false);
            Outcome::write(json!({ "item": shown(store, id) }))
        }),
        "get" => id_param(params).and_then(|id| {
            store
                .render(id)
                .map(|record| Outcome::read(json!({ "item": as_item(store, record) })))
                .ok_or_else(not_found)
        }),
        "update" => id_param(params).and_then(|id| {
            let fields = written(store, params)?;
            if !store.update(id, &fields, user_id, now) {
                return Err(not_found());
            }
            Ok(Outcome::write(json!({ "item": shown(store, id) })))
        }),
        "delete" => id_param(params).and_then(|id| match store.remove(id) {
            true => Ok(Outcome::write(json!([]))),
            false => Err(not_found()),
        }),
        _ => listed(store, params, page_size),
    };
    Some(result)
}

fn not_found() -> CallError {
    CallError::new(400, "NOT_FOUND", "Element not found")
}

/// The record `id` as crm.item shows it (`Null` when it is gone).
fn shown(store: &CrmStore, id: u64) -> Value {
    store
        .render(id)
        .map_or(Value::Null, |record| as_item(store, record))
}

/// The written `fields` under their classic names (see the module docs).
fn written(store: &CrmStore, params: &Value) -> Result<Map<String, Value>, CallError> {
    let fields = match param(params, "fields") {
        Some(Value::Object(map)) => map,
        Some(Value::Array(items)) if items.is_empty() => return Ok(Map::new()),
        _ => {
            return Err(CallError::new(
                400,
                "100",
                "Could not find value for parameter {fields}",
            ));
        }
    };
    let names = classic_names(store);
    Ok(fields
        .iter()
        .filter(|(name, _)| *name != "id")
        .filter_map(|(name, value)| {
            let classic = names.get(name)?;
            let value = match value {
                Value::Bool(flag) => json!(if *flag { "Y" } else { "N" }),
                other => other.clone(),
            };
            Some((classic.clone(), value))
        })
        .collect())
}

/// A record as `crm.X.get` shows it -> as crm.item does.
fn as_item(store: &CrmStore, record: Value) -> Value {
    let Value::Object(record) = record else {
        return record;
    };
    let described = store.entity.described();
    let item = record.into_iter().filter_map(|(classic, value)| {
        let value = match described.kind_of(&classic) {
            Some(Kind::Multifield) => return None,
            Some(Kind::Integer) => integer(value),
            Some(Kind::Money | Kind::Number) => number(value, |text| {
                text.parse::<f64>().ok().and_then(Number::from_f64)
            }),
            Some(Kind::IdList) => match value {
                Value::Array(ids) => Value::Array(ids.into_iter().map(integer).collect()),
                other => other,
            },
            _ => value,
        };
        Some((item_name(&classic), value))
    });
    Value::Object(item.collect())
}

/// A whole-number string (an ID, a reference) as the number; anything else as it is.
fn integer(value: Value) -> Value {
    number(value, |text| text.parse::<i64>().ok().map(Number::from))
}

/// A numeric string as the number `parse` reads from it; anything else as it is.
fn number(value: Value, parse: impl Fn(&str) -> Option<Number>) -> Value {
    match &value {
        Value::String(text) => parse(text.trim()).map_or(value, Value::Number),
        _ => value,
    }
}

/// `crm.item.list`: the classic list with the names translated both ways.
fn listed(store: &CrmStore, params: &Value, page_size: usize) -> CallResult {
    let names = classic_names(store);
    let classic = |name: &str| names.get(name).cloned().unwrap_or_else(|| name.to_owned());
    let mut translated = Map::new();
    if let Some(Value::Object(filter)) = param(params, "filter") {
        let filter: Map<String, Value> = filter
            .iter()
            .map(|(key, value)| {
                // The operator prefix (`>=`, `!@`, `%`, ...) stays; the name is translated.
                let name_at = key
                    .find(|c: char| !matches!(c, '!' | '<' | '>' | '=' | '%' | '@'))
                    .unwrap_or(key.len());
                let (operator, name) = key.split_at(name_at);
                (format!("{operator}{}", classic(name)), value.clone())
            })
            .collect();
        translated.insert("filter".into(), Value::Object(filter));
    }
    if let Some(Value::Object(order)) = param(params, "order") {
        let order = order
            .iter()
            .map(|(name, direction)| (classic(name), direction.clone()))
            .collect();
        translated.insert("order".into(), Value::Object(order));
    }
    if let Some(Value::Array(select)) = param(params, "select") {
        let select = select
            .iter()
            .filter_map(Value::as_str)
            .map(|name| json!(classic(name)))
            .collect();
        translated.insert("select".into(), Value::Array(select));
    }
    if let Some(start) = param(params, "start") {
        translated.insert("start".into(), start.clone());
    }
    let mut outcome = list(store, &Value::Object(translated), page_size)?;
    let records: Vec<Value> =
        match std::mem::replace(&mut outcome.result, Payload::List(Vec::new())) {
            Payload::Records(raws) => raws
                .iter()
                .filter_map(|raw| serde_json::from_str(raw.get()).ok())
                .collect(),
            Payload::Value(Value::Array(records)) => records,
            _ => Vec::new(),
        };
    let items: Vec<Value> = records
        .into_iter()
        .map(|record| as_item(store, record))
        .collect();
    outcome.result = Payload::Value(json!({ "items": items }));
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classic_names_become_crm_item_names() {
        assert_eq!(item_name("ASSIGNED_BY_ID"), "assignedById");
        assert_eq!(item_name("DATE_CREATE"), "createdTime");
        assert_eq!(item_name("MODIFY_BY_ID"), "updatedBy");
        assert_eq!(item_name("UF_CRM_COLOUR"), "ufCrmColour");
        assert_eq!(item_name("BEGINDATE"), "begindate");
        assert_eq!(item_name("ID"), "id");
    }
}
