//! `crm.X.list` (crm-deal-list.md, crm-contact-list.md, ...) on the list engine of
//! `list_query.rs`: `filter` with the operator prefixes (unknown fields are ignored; a
//! multifield matches when one of its values does), `order` by any known field (ties by
//! `ID`), `select` with the masks `*` and `UF_*` and the multifields by name, and pages of
//! `page_size` from `start` (`start=-1` returns just the first page without `next` and
//! with `total` 0, as huge-data.md shows).
//!
//! A page with every field (no `select`, or the masks alone) is served from each record's
//! rendering serialised once (see `payload.rs`); a narrower `select` renders per call.

use serde_json::Value;

use super::fields::Record;
use super::store::CrmStore;
use crate::call::{CallError, CallResult};
use crate::list_query::{self, Filter, Query, SortBy, as_text, ascending, start_param};
use crate::params::{ordered_entries, param};
use crate::payload::Payload;

/// `order`, `filter`, `select` must be objects (or lists); PHP sends `[]` when empty.
fn object_param<'a>(params: &'a Value, name: &str) -> Result<Option<&'a Value>, CallError> {
    match param(params, name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(items)) if items.is_empty() => Ok(None),
        Some(value @ Value::Object(_)) => Ok(Some(value)),
        Some(_) => Err(CallError::crm(&format!(
            "Parameter '{name}' must be array."
        ))),
    }
}

/// `crm.X.list`.
pub(super) fn list(store: &CrmStore, params: &Value, page_size: usize) -> CallResult {
    let resolve = |name: &str| store.resolve(name);
    let filter = match object_param(params, "filter")? {
        // Not strict: a condition on a field the entity lacks is left out, never an error.
        Some(Value::Object(filter)) => {
            Filter::compile(filter, &resolve, false).unwrap_or(Filter::All(Vec::new()))
        }
        _ => Filter::All(Vec::new()),
    };
    let mut order = Vec::new();
    if object_param(params, "order")?.is_some() {
        for (field, direction) in ordered_entries(params, "order") {
            if let Some((field, kind)) = resolve(field) {
                order.push(SortBy {
                    field,
                    kind,
                    ascending: ascending(direction),
                });
            }
        }
    }
    let select: Vec<String> = match param(params, "select") {
        Some(value @ (Value::Array(_) | Value::Object(_))) => list_query::values_of(value)
            .iter()
            .filter_map(as_text)
            .map(|name| name.trim().to_ascii_uppercase())
            .collect(),
        Some(Value::String(name)) => vec![name.trim().to_ascii_uppercase()],
        _ => Vec::new(),
    };
    let select = store.resolve_select(&select);
    let query = Query {
        filter,
        order,
        start: start_param(params),
    };
    let read = CrmStore::read;
    let outcome = if select == store.resolve_select(&[]) {
        let render = |id: u64, record: &Record| store.listing(id, record, &select);
        list_query::list(&store.records, &query, "ID", &read, &render, page_size)
            .outcome(Payload::Records)
    } else {
        let render =
            |_: u64, record: &Record| Value::Object(store.render_fields(record, Some(&select)));
        list_query::list(&store.records, &query, "ID", &read, &render, page_size)
            .outcome(Value::Array)
    };
    Ok(outcome)
}
