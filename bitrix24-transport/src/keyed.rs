//! Exactly-once adds by an external key: when an add's fate is unknown, look it up
//! instead of guessing.
//!
//! A batch of 50 adds whose one HTTP reply is lost leaves 50 records of unknown fate
//! ([`BatchCommandError::Unknown`]): repeating them may double them, not repeating may
//! lose them. Bitrix24 records carry a field meant for an external system's key
//! (`ORIGIN_ID` on CRM deals, leads, contacts and companies, with `ORIGINATOR_ID` naming
//! the system; `XML_ID` on many others). With the caller's key in that field,
//! [`Client::add_many_keyed`] makes the adds 50 to a `batch` call, looks the keys of the
//! unknown ones up with one list call per 50 keys, reports those found as created (with
//! their ID), repeats only those not found, and goes round again until none is unknown
//! (at most [`MAX_ROUNDS`] rounds).
//!
//! The lookup sees what the portal has committed. A request that timed out may still be
//! running on the portal, so an add whose fate became unknown by a timeout shorter than
//! the portal's execution limit (60 s; the default attempt timeout is 70 s) could be
//! created after the lookup did not find it: keep the default timeout for keyed adds.

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::batch::{BatchCommandError, MAX_COMMANDS_PER_CALL};
use crate::bulk::BulkOptions;
use crate::client::Client;
use crate::error::Error;
use crate::method::{CallKind, Method};

/// The most rounds of add, look up and repeat; after them, what is still unknown is
/// reported so.
pub const MAX_ROUNDS: u32 = 10;

/// Where an add carries the caller's key, and how to find records by it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyField {
    /// The list method that finds records by the key (`crm.deal.list`).
    pub list_method: String,
    /// The field holding the key (`ORIGIN_ID`, `XML_ID`).
    pub field: String,
    /// The records' ID field in the list reply (`ID`; `id` for `crm.item.list`).
    pub id_field: String,
}

impl KeyField {
    /// `ORIGIN_ID` of a CRM entity through `crm.{entity}.list` (`deal`, `lead`,
    /// `contact`, `company`).
    pub fn crm_origin_id(entity: &str) -> Self {
        Self {
            list_method: format!("crm.{entity}.list"),
            field: "ORIGIN_ID".into(),
            id_field: "ID".into(),
        }
    }

    /// Any list method and key field, the records' ID under `ID`.
    pub fn new(list_method: impl Into<String>, field: impl Into<String>) -> Self {
        Self {
            list_method: list_method.into(),
            field: field.into(),
            id_field: "ID".into(),
        }
    }
}

/// A record the keyed adds created.
#[derive(Debug, Clone, PartialEq)]
pub enum Added<T> {
    /// The add's own reply.
    Reply(T),
    /// The add's reply was lost; the lookup found the record by its key.
    Found {
        /// The record's ID.
        id: u64,
    },
}

/// One keyed add's result: created, or the command's error (a portal refusal, or
/// [`BatchCommandError::Unknown`] when even the lookups could not settle it).
pub type KeyedResult<T> = Result<Added<T>, BatchCommandError>;

impl Client {
    /// Add every record exactly once, 50 to a `batch` call, settling lost replies by
    /// looking the records up by their key; see the [module docs](crate::keyed).
    ///
    /// `key` gives each request's key as it is in `field.field` of the request (unique,
    /// not empty). `Err` when a key is empty or repeated, or a request cannot be encoded,
    /// before anything is sent. Otherwise one result per request, in the same order.
    pub async fn add_many_keyed<M: Method + Clone>(
        &self,
        requests: &[M],
        key: impl Fn(&M) -> String,
        field: &KeyField,
        options: BulkOptions,
    ) -> Result<Vec<KeyedResult<M::Response>>, Error> {
        let keys: Vec<String> = requests.iter().map(&key).collect();
        let mut seen = HashMap::with_capacity(keys.len());
        for (index, key) in keys.iter().enumerate() {
            if key.is_empty() || seen.insert(key.as_str(), index).is_some() {
                return Err(Error::Encode {
                    method: M::NAME.to_owned(),
                    reason: format!(
                        "keyed adds need a unique, non-empty {} per record (record {index})",
                        field.field
                    ),
                });
            }
        }
        let mut results: Vec<Option<KeyedResult<M::Response>>> =
            (0..requests.len()).map(|_| None).collect();
        // Indexes still to add, and those whose add's fate is unknown until a lookup
        // settles it (a failed lookup is tried again next round; nothing is re-added
        // without one).
        let mut todo: Vec<usize> = (0..requests.len()).collect();
        let mut unresolved: Vec<usize> = Vec::new();
        for round in 1..=MAX_ROUNDS {
            let mut again = Vec::new();
            if !todo.is_empty() {
                let batch: Vec<M> = todo.iter().map(|&i| requests[i].clone()).collect();
                let replies = self.call_many(&batch, options).await?;
                for (&index, reply) in todo.iter().zip(replies) {
                    match reply {
                        Ok(reply) => results[index] = Some(Ok(Added::Reply(reply))),
                        Err(err @ BatchCommandError::NotExecuted { .. }) => {
                            results[index] = Some(Err(err));
                            again.push(index);
                        }
                        Err(err @ BatchCommandError::Unknown { .. }) => {
                            results[index] = Some(Err(err));
                            unresolved.push(index);
                        }
                        Err(err) => results[index] = Some(Err(err)),
                    }
                }
            }
            if !unresolved.is_empty() {
                let wanted: Vec<&str> = unresolved.iter().map(|&i| keys[i].as_str()).collect();
                match self.find_keys(&wanted, field).await {
                    Ok(found) => {
                        let looked_up = unresolved.len();
                        for index in unresolved.drain(..) {
                            match found.get(keys[index].as_str()) {
                                Some(&id) => results[index] = Some(Ok(Added::Found { id })),
                                // Not on the portal: it did not run; add it again.
                                None => again.push(index),
                            }
                        }
                        tracing::info!(
                            round,
                            looked_up,
                            repeated = again.len(),
                            "bitrix24 keyed adds: lost replies looked up"
                        );
                    }
                    Err(err) => {
                        tracing::info!(
                            round,
                            error = %err,
                            "bitrix24 keyed adds: the lookup failed; tried again next round"
                        );
                    }
                }
            }
            if again.is_empty() && unresolved.is_empty() {
                break;
            }
            again.sort_unstable();
            todo = again;
        }
        Ok(finish(results))
    }

    /// Add one record exactly once: `key` is the value of `field.field` in `request`.
    /// When the add's fate is unknown ([`Error::FateUnknown`]), the record is looked up
    /// by its key: found, it is [`Added::Found`]; not found, the add is repeated (at most
    /// [`MAX_ROUNDS`] times in all). Any other error is returned as it is.
    pub async fn add_keyed<M: Method>(
        &self,
        request: &M,
        key: &str,
        field: &KeyField,
    ) -> Result<Added<M::Response>, Error> {
        let mut round = 0;
        loop {
            round += 1;
            match self.call(request).await {
                Ok(reply) => return Ok(Added::Reply(reply.result)),
                Err(err) if err.is_fate_unknown() => {
                    if let Some(&id) = self.find_keys(&[key], field).await?.get(key) {
                        return Ok(Added::Found { id });
                    }
                    tracing::info!(round, "bitrix24 keyed add: not found by its key, repeated");
                    if round >= MAX_ROUNDS {
                        return Err(err);
                    }
                }
                Err(err) => return Err(err),
            }
        }
    }

    /// The IDs of the records whose key field holds one of `keys`, one list call per 50.
    async fn find_keys(
        &self,
        keys: &[&str],
        field: &KeyField,
    ) -> Result<HashMap<String, u64>, Error> {
        let mut found = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(MAX_COMMANDS_PER_CALL) {
            let params = json!({
                "filter": { format!("@{}", field.field): chunk },
                "select": [field.id_field, field.field],
            });
            let reply = self
                .call_raw(&field.list_method, params, CallKind::Read)
                .await?;
            let records = match reply.result {
                Value::Array(records) => records,
                // `crm.item.list` and the like: `{"items": [...]}`.
                Value::Object(mut map) => match map.remove("items") {
                    Some(Value::Array(records)) => records,
                    _ => Vec::new(),
                },
                _ => Vec::new(),
            };
            for record in records {
                let key = match record.get(&field.field) {
                    Some(Value::String(key)) => key.clone(),
                    Some(Value::Number(key)) => key.to_string(),
                    _ => continue,
                };
                let id = match record.get(&field.id_field) {
                    Some(Value::String(id)) => id.parse().ok(),
                    Some(Value::Number(id)) => id.as_u64(),
                    _ => None,
                };
                if let Some(id) = id {
                    // Two records with one key (made before these adds): the oldest.
                    let entry = found.entry(key).or_insert(id);
                    *entry = (*entry).min(id);
                }
            }
        }
        Ok(found)
    }
}

/// Every slot filled: a record added and then lost from the rounds is still unknown.
fn finish<T>(results: Vec<Option<KeyedResult<T>>>) -> Vec<KeyedResult<T>> {
    results
        .into_iter()
        .map(|result| {
            result.unwrap_or_else(|| {
                Err(BatchCommandError::NotExecuted {
                    method: String::new(),
                    name: String::new(),
                    reason: "not sent: the rounds of keyed adds ended".into(),
                })
            })
        })
        .collect()
}
