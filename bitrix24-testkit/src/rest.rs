//! The REST methods of the portal by name: each method family's module runs its own
//! methods; this dispatcher tries them in turn, runs the small system methods itself and
//! records what ran. It is the one module that knows every family.

use serde_json::{Value, json};

use crate::call::{CallError, CallResult, Caller, Outcome};
use crate::clock::now_unix;
use crate::state::State;

/// Run one method (not `batch`) and record it in the stats.
pub(crate) fn execute(
    state: &mut State,
    method: &str,
    params: &Value,
    caller: Caller,
) -> CallResult {
    let now = now_unix().floor() as i64;
    let page_size = state.config.page_size;
    let caps = &state.config.capabilities;
    let result = if let Some(refusal) = crate::capabilities::refuse(caps, method) {
        Err(refusal)
    } else if let Some(result) = crate::capabilities::call(caps, method, params) {
        result
    } else if let Some(result) =
        crate::user_fields::call(&mut state.user_fields, &mut state.crm, method, params)
    {
        result
    } else if let Some(result) =
        crate::crm::call(&mut state.crm, method, params, caller, now, page_size)
    {
        result
    } else if let Some(result) = crate::crm::call_item(
        &mut state.crm,
        method,
        params,
        caller.user_id,
        now,
        page_size,
    ) {
        result
    } else if let Some(result) = crate::events::call(&mut state.events, method, params) {
        result
    } else if let Some(result) = crate::items::call(
        &mut state.items,
        method,
        params,
        caller.user_id,
        now,
        page_size,
    ) {
        result
    } else if let Some(result) = crate::tasks_classic::call(
        &mut state.tasks_v3,
        method,
        params,
        caller.user_id,
        now,
        page_size,
    ) {
        result
    } else if let Some(result) =
        crate::users::call(&state.users, method, params, caller.user_id, page_size)
    {
        result
    } else if let Some(result) = crate::app_storage::call(
        &mut state.app_storage,
        method,
        params,
        caller.user_id,
        now,
        page_size,
    ) {
        result
    } else {
        match method {
            "app.info" => Ok(Outcome::read(app_info(state))),
            "profile" => Ok(Outcome::read(profile(caller))),
            "server.time" => Ok(Outcome::read(json!(crate::clock::format_datetime(now)))),
            _ => Err(CallError::method_not_found(method)),
        }
    };
    if let Ok(outcome) = &result {
        if outcome.write {
            state.stats.executed_writes += 1;
        }
    }
    let fired = crate::events::Fired {
        method,
        params,
        result: &result,
        caller,
        now,
    };
    let ttl = state.config.access_token_ttl;
    crate::events::after_call(&mut state.events, &mut state.tokens, ttl, &fired);
    result
}

fn app_info(state: &State) -> Value {
    json!({
        "ID": "1",
        "CODE": state.client_id,
        "VERSION": 1,
        "STATUS": "L",
        "INSTALLED": true,
        "PAYMENT_EXPIRED": "N",
        "DAYS": null,
        "LICENSE": "en_project",
        "LICENSE_TYPE": "project",
        "LICENSE_FAMILY": "project",
    })
}

fn profile(caller: Caller) -> Value {
    json!({
        "ID": caller.user_id.to_string(),
        "ADMIN": true,
        "NAME": "John",
        "LAST_NAME": "Doe",
        "PERSONAL_GENDER": "",
        "PERSONAL_PHOTO": "",
        "TIME_ZONE": "",
        "TIME_ZONE_OFFSET": 10800,
    })
}
