//! The `crm.deal.*` methods by name: `add`, `get`, `update`, `delete`, `fields` here,
//! `list` in `list.rs`.

use serde_json::{Map, Value, json};

use super::list::list;
use super::store::DealStore;
use crate::call::{CallError, CallResult, Outcome};
use crate::params::{param, parse_id};

/// The `fields` parameter as an object; PHP forms send `[]` for an empty one.
fn fields_param(params: &Value) -> Result<Map<String, Value>, CallError> {
    match param(params, "fields") {
        Some(Value::Object(map)) => Ok(map.clone()),
        Some(Value::Array(items)) if items.is_empty() => Ok(Map::new()),
        _ => Err(CallError::crm("Parameter 'fields' must be array.")),
    }
}

/// Run a `crm.deal.*` method; `None` if `method` is not one.
pub(crate) fn call(
    store: &mut DealStore,
    method: &str,
    params: &Value,
    user_id: u64,
    now: i64,
    page_size: usize,
) -> Option<CallResult> {
    let result = match method {
        "crm.deal.add" => fields_param(params).map(|fields| {
            let id = store.insert(&fields, user_id, now, false);
            Outcome::write(json!(id))
        }),
        "crm.deal.get" => match parse_id(param(params, "id")) {
            None => Err(CallError::crm("ID is not defined or invalid.")),
            Some(id) => store
                .render(id)
                .map(Outcome::read)
                .ok_or_else(|| CallError::crm("Not found")),
        },
        "crm.deal.update" => match parse_id(param(params, "id")) {
            None => Err(CallError::crm("ID is not defined or invalid.")),
            Some(id) => fields_param(params).and_then(|fields| {
                if store.update(id, &fields, user_id, now) {
                    Ok(Outcome::write(json!(true)))
                } else {
                    Err(CallError::crm("Not found"))
                }
            }),
        },
        "crm.deal.delete" => match parse_id(param(params, "id")) {
            None => Err(CallError::crm("ID is not defined or invalid.")),
            Some(id) if store.remove(id) => Ok(Outcome::write(json!(true))),
            Some(_) => Err(CallError::crm("Not found")),
        },
        "crm.deal.fields" => Ok(Outcome::read(store.fields())),
        "crm.deal.list" => list(store, params, page_size),
        _ => return None,
    };
    Some(result)
}
