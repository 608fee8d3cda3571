//! The `crm.{lead,deal,contact,company}.*` methods by name: `add`, `get`, `update`,
//! `delete`, `fields`, and for deals and leads `productrows.set` / `productrows.get`
//! here, `list` in `list.rs`.

use serde_json::{Map, Value, json};

use super::list::list;
use super::product_rows::written;
use super::store::CrmStore;
use super::stores::CrmStores;
use crate::call::{CallError, CallResult, Caller, Outcome};
use crate::params::{param, parse_id};
use crate::payload::Payload;

/// The `fields` parameter as an object; PHP forms send `[]` for an empty one.
fn fields_param(params: &Value) -> Result<Map<String, Value>, CallError> {
    match param(params, "fields") {
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(Value::Array(items)) if items.is_empty() => Ok(Map::new()),
        _ => Err(CallError::crm("Parameter 'fields' must be array.")),
    }
}

fn id_param(params: &Value) -> Result<u64, CallError> {
    parse_id(param(params, "id")).ok_or_else(|| CallError::crm("ID is not defined or invalid."))
}

fn not_found((code, description): (&str, &str)) -> CallError {
    CallError::new(400, code, description)
}

/// Run a `crm.X.*` method of a lead, deal, contact or company; `None` if `method` is
/// not one.
pub(crate) fn call(
    stores: &mut CrmStores,
    method: &str,
    params: &Value,
    caller: Caller,
    now: i64,
    page_size: usize,
) -> Option<CallResult> {
    let user_id = caller.user_id;
    let (entity, action) = method.strip_prefix("crm.")?.split_once('.')?;
    let store = stores.by_name_mut(entity)?;
    let result = match action {
        "add" => fields_param(params).map(|fields| {
            let id = store.insert(&fields, user_id, now, false);
            Outcome::write(json!(id))
        }),
        "get" => id_param(params).and_then(|id| {
            store
                .render(id)
                .map(Outcome::read)
                .ok_or_else(|| CallError::crm("Not found"))
        }),
        "update" => id_param(params).and_then(|id| {
            let fields = fields_param(params)?;
            if store.update(id, &fields, user_id, now) {
                Ok(Outcome::write(json!(true)))
            } else {
                Err(not_found(store.entity.update_not_found))
            }
        }),
        "delete" => id_param(params).and_then(|id| {
            if store.remove(id) {
                Ok(Outcome::write(json!(true)))
            } else {
                Err(not_found(store.entity.delete_not_found))
            }
        }),
        "fields" => Ok(Outcome::read(store.fields())),
        "list" => list(store, params, page_size),
        "productrows.set" | "productrows.get" => product_rows(store, action, params)?,
        _ => return None,
    };
    Some(result)
}

/// `crm.X.productrows.set` (replaces every row; `true`) and `crm.X.productrows.get`;
/// `None` for an entity without product rows.
fn product_rows(store: &mut CrmStore, action: &str, params: &Value) -> Option<CallResult> {
    let owner_type = store.entity.owner_type?;
    let Some(id) = parse_id(param(params, "id")) else {
        return Some(Err(CallError::crm(
            "The parameter id is invalid or not defined.",
        )));
    };
    let result = if action == "productrows.set" {
        written(params)
            .and_then(|rows| store.set_product_rows(id, &rows))
            .and_then(|found| match found {
                true => Ok(Outcome::write(json!(true))),
                false => Err(CallError::crm("Not found")),
            })
    } else if store.render(id).is_none() {
        Err(CallError::crm("Not found"))
    } else {
        Ok(Outcome::read(Payload::Records(
            store.rows.render(id, owner_type),
        )))
    };
    Some(result)
}
