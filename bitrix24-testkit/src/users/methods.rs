//! `user.get` and `user.current` (user-get.md, user-current.md).
//!
//! `user.get` filters by `FILTER` (and, as older clients send it, by user fields given at
//! the top level: `{"ID": 1}`, `{"UF_DEPARTMENT": 1}`) with the documented prefixes;
//! `NAME_SEARCH` looks for each of its words in the names, e-mail and position; an unknown
//! field is left out. `sort` names the field to sort by (default `ID`) and `order` its
//! direction. `select` takes field names and the masks `*` and `UF_*`. Pages of 50 from
//! `start`, `start=-1` without counting (huge-data.md). `ADMIN_MODE` is accepted: every
//! caller of the test portal is an administrator who sees every user anyway.

use std::borrow::Cow;

use serde_json::{Map, Value, json};

use super::store::{DATE_FIELDS, FIELDS, Shown, User, UserStore};
use crate::call::{CallError, CallResult, Outcome};
use crate::list_query::{self, Filter, Kind, Query, SortBy, as_text, start_param};
use crate::params::param;

/// Top-level parameters of `user.get` that are not filter conditions.
const NOT_FILTERS: &[&str] = &[
    "sort",
    "order",
    "start",
    "select",
    "filter",
    "admin_mode",
    "image_resize",
    "auth",
];

/// The fields `NAME_SEARCH` looks in.
const SEARCHED: &[&str] = &["NAME", "LAST_NAME", "SECOND_NAME", "EMAIL", "WORK_POSITION"];

/// A field name as `FILTER` and `sort` write it: its stored name and how it compares.
fn resolve(name: &str) -> Option<(String, Kind)> {
    let field = name.trim().to_ascii_uppercase();
    let stored = FIELDS.iter().find(|known| **known == field)?;
    let kind = match *stored {
        "ID" | "UF_DEPARTMENT" => Kind::Integer,
        "ACTIVE" | "IS_ONLINE" => Kind::Flag,
        name if DATE_FIELDS.contains(&name) => Kind::DateTime,
        _ => Kind::Text,
    };
    Some((field, kind))
}

/// One stored field of a user (`Null` when unset).
fn read<'r>(user: &'r User, field: &str) -> Cow<'r, Value> {
    user.get(field)
        .map_or(Cow::Owned(Value::Null), Cow::Borrowed)
}

/// The filter conditions: `FILTER`, then user fields at the top level; `NAME_SEARCH`
/// becomes a group per word.
fn conditions(params: &Value) -> Map<String, Value> {
    let mut filter = match param(params, "filter") {
        Some(Value::Object(filter)) => filter.clone(),
        _ => Map::new(),
    };
    if let Some(top) = params.as_object() {
        for (key, value) in top {
            let reserved = key.starts_with('\u{0}')
                || NOT_FILTERS
                    .iter()
                    .any(|name| key.eq_ignore_ascii_case(name));
            if !reserved {
                filter.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
    }
    let search = filter
        .keys()
        .find(|key| key.eq_ignore_ascii_case("NAME_SEARCH"))
        .cloned();
    if let Some(key) = search {
        let words = filter
            .remove(&key)
            .as_ref()
            .and_then(as_text)
            .unwrap_or_default();
        for (index, word) in words.split_whitespace().enumerate() {
            let mut group = Map::new();
            group.insert("logic".into(), json!("OR"));
            for field in SEARCHED {
                group.insert(format!("%{field}"), json!(word));
            }
            filter.insert(format!("{}", 1_000 + index), Value::Object(group));
        }
    }
    filter
}

/// `select`: field names in reply order; `None` for every field.
fn selected(params: &Value) -> Option<Vec<&'static str>> {
    let names: Vec<String> = param(params, "select")
        .map(list_query::values_of)?
        .iter()
        .filter_map(as_text)
        .map(|name| name.trim().to_ascii_uppercase())
        .collect();
    if names.is_empty() {
        return None;
    }
    let wanted = |field: &str| {
        names.iter().any(|name| {
            name == field
                || (name == "*" && !field.starts_with("UF_"))
                || (name == "UF_*" && field.starts_with("UF_"))
        })
    };
    Some(
        FIELDS
            .iter()
            .copied()
            .filter(|field| wanted(field))
            .collect(),
    )
}

/// `user.get`.
fn get(store: &UserStore, params: &Value, page_size: usize) -> CallResult {
    let filter =
        Filter::compile(&conditions(params), &resolve, false).unwrap_or(Filter::All(Vec::new()));
    let (field, kind) = param(params, "sort")
        .and_then(as_text)
        .and_then(|name| resolve(&name))
        .unwrap_or_else(|| ("ID".to_owned(), Kind::Integer));
    let ascending = param(params, "order").is_none_or(list_query::ascending);
    let query = Query {
        filter,
        order: vec![SortBy {
            field,
            kind,
            ascending,
        }],
        start: start_param(params),
    };
    let select = selected(params);
    let render = |_: u64, user: &User| UserStore::render(user, Shown::Listed, select.as_deref());
    let listing = list_query::list(&store.users, &query, "ID", &read, &render, page_size);
    Ok(listing.outcome(Value::Array))
}

/// Run `user.get` or `user.current` (for `caller`); `None` for any other method.
pub(crate) fn call(
    store: &UserStore,
    method: &str,
    params: &Value,
    caller: u64,
    page_size: usize,
) -> Option<CallResult> {
    let result = match method {
        "user.get" => get(store, params, page_size),
        "user.current" => store
            .users
            .get(&caller)
            .map(|user| Outcome::read(UserStore::render(user, Shown::Current, None)))
            .ok_or_else(|| CallError::new(401, "NO_AUTH_FOUND", "Wrong authorization data")),
        _ => return None,
    };
    Some(result)
}
