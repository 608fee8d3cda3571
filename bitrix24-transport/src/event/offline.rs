//! Offline events: draining the portal's queue without losing or repeating an event.
//!
//! With an `event_type=offline` binding the portal does not call a handler; it keeps one
//! record per changed object in a queue (offline-events.md). The safe way to read it is
//! by reservation: `event.offline.get` with `clear=0` marks a batch with a `process_id`
//! and hides it from other readers; `event.offline.clear` with that `process_id` and the
//! records' IDs deletes what was handled; `event.offline.error` with `message_id`s marks
//! what failed (those come back only to `event.offline.get` with `error=1`).
//!
//! [`OfflineDrain`] does exactly that, batch after batch, and settles every batch before
//! it takes the next: handled records are cleared, failed ones marked, so neither is
//! handed to the handler again by a later drain. Clearing is by record `ID`, the one
//! identifier no other record shares.

use std::future::Future;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

use super::error::EventError;
use super::payload::EventPayload;
use super::request::decode_payload;
use crate::client::Client;
use crate::error::{DecodeError, Error};
use crate::method::CallKind;
use bitrix24_wire::{required, scalar};

/// The most records one `event.offline.get` returns when `limit` is not given.
pub const DEFAULT_BATCH: u32 = 50;

/// One record of the offline queue, as `event.offline.get` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct OfflineEvent {
    /// `ID`: the record's identifier (what the drain clears by).
    #[serde(rename = "ID", deserialize_with = "required")]
    pub id: u64,
    /// `TIMESTAMP_X`: when the object last changed, as the portal writes datetimes.
    #[serde(
        rename = "TIMESTAMP_X",
        default,
        deserialize_with = "scalar::text_or_nothing"
    )]
    pub timestamp: Option<String>,
    /// `EVENT_NAME`: the event code (`ONCRMDEALUPDATE`).
    #[serde(rename = "EVENT_NAME", deserialize_with = "required")]
    pub event_name: String,
    /// `EVENT_DATA`: the event's `data` (`null` when the portal sends `false`).
    #[serde(
        rename = "EVENT_DATA",
        default,
        deserialize_with = "scalar::value_or_null"
    )]
    pub event_data: Value,
    /// `EVENT_ADDITIONAL`: extra context, such as the user who made the change.
    #[serde(
        rename = "EVENT_ADDITIONAL",
        default,
        deserialize_with = "scalar::value_or_null"
    )]
    pub event_additional: Value,
    /// `MESSAGE_ID`: identifies the change (what `event.offline.error` marks by).
    #[serde(rename = "MESSAGE_ID", deserialize_with = "required")]
    pub message_id: String,
}

impl OfflineEvent {
    /// Whether this is the event `P` describes.
    pub fn is<P: EventPayload>(&self) -> bool {
        self.event_name.eq_ignore_ascii_case(P::CODE)
    }

    /// Decode `EVENT_DATA` as `P`'s payload (nothing reads as an empty object).
    pub fn decode<P: EventPayload>(&self) -> Result<P, EventError> {
        let data = match &self.event_data {
            Value::Null => Value::Object(serde_json::Map::new()),
            Value::Array(items) if items.is_empty() => Value::Object(serde_json::Map::new()),
            other => other.clone(),
        };
        decode_payload::<P>(&self.event_name, &data)
    }
}

/// The `result` of `event.offline.get`.
#[derive(Debug, Deserialize)]
struct Batch {
    #[serde(default, deserialize_with = "scalar::text_or_nothing")]
    process_id: Option<String>,
    #[serde(default, deserialize_with = "records")]
    events: Vec<OfflineEvent>,
}

/// A list of records; PHP writes an empty one as `[]`, `{}` or `false`, and a keyed one
/// as an object. A visitor rather than an untagged enum, so a bad record's error keeps
/// its path (`events.0.ID`).
fn records<'de, D: Deserializer<'de>>(de: D) -> Result<Vec<OfflineEvent>, D::Error> {
    use serde::de::{MapAccess, SeqAccess, Visitor};
    use std::fmt;

    struct Records;
    impl<'de> Visitor<'de> for Records {
        type Value = Vec<OfflineEvent>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a list of offline event records")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(record) = seq.next_element()? {
                out.push(record);
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some((_, record)) = map.next_entry::<serde::de::IgnoredAny, _>()? {
                out.push(record);
            }
            Ok(out)
        }
        fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    de.deserialize_any(Records)
}

/// The parameters of `event.offline.get` as the drain sends them.
#[derive(Debug, Serialize)]
struct GetParams<'a> {
    clear: u8,
    limit: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    process_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth_connector: Option<&'a str>,
    error: u8,
}

/// What the drain does after the handler fails on an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum OnFailure {
    /// Mark the event with `event.offline.error` and go on with the next one (default).
    /// Every reserved record ends handled-and-cleared or marked: nothing stays reserved.
    #[default]
    MarkAndContinue,
    /// Mark the event, settle the batch (clear what was handled) and stop. The records
    /// after the failed one stay reserved under [`DrainReport::resume`]: pass it to
    /// [`OfflineDrain::resume`] to handle them next time (unclaimed reserved records are
    /// deleted by the portal after 30 days).
    MarkAndStop,
}

/// Drains the offline event queue through a handler; see the [module docs](self).
///
/// ```no_run
/// use bitrix24_transport::Client;
/// use bitrix24_transport::event::offline::OfflineDrain;
///
/// # async fn demo(client: &Client) -> Result<(), Box<dyn std::error::Error>> {
/// let report = OfflineDrain::new()
///     .run(client, |event| async move {
///         println!("{} {}", event.event_name, event.event_data);
///         Ok::<(), std::io::Error>(())
///     })
///     .await?;
/// println!("handled {}, failed {}", report.handled, report.failed.len());
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct OfflineDrain {
    limit: u32,
    auth_connector: Option<String>,
    errors: bool,
    on_failure: OnFailure,
    resume: Option<String>,
    max_batches: Option<usize>,
}

impl Default for OfflineDrain {
    fn default() -> Self {
        Self::new()
    }
}

impl OfflineDrain {
    /// Batches of [`DEFAULT_BATCH`], the queue without a source key, [`OnFailure`]'s
    /// default, until a batch comes back smaller than the limit.
    pub fn new() -> Self {
        Self {
            limit: DEFAULT_BATCH,
            auth_connector: None,
            errors: false,
            on_failure: OnFailure::default(),
            resume: None,
            max_batches: None,
        }
    }

    /// Records per batch (`limit`; at least 1).
    pub fn batch_size(mut self, limit: u32) -> Self {
        self.limit = limit.max(1);
        self
    }

    /// Read the queue of this source key (`auth_connector` of the binding).
    pub fn auth_connector(mut self, connector: impl Into<String>) -> Self {
        self.auth_connector = Some(connector.into());
        self
    }

    /// Read the records marked as failed (`error=1`) instead of the fresh ones: a retry
    /// of earlier failures.
    pub fn failed_records(mut self, errors: bool) -> Self {
        self.errors = errors;
        self
    }

    /// What to do when the handler fails.
    pub fn on_failure(mut self, on_failure: OnFailure) -> Self {
        self.on_failure = on_failure;
        self
    }

    /// Start with the records still reserved under `process_id` (from
    /// [`DrainReport::resume`] of a drain that stopped).
    pub fn resume(mut self, process_id: impl Into<String>) -> Self {
        self.resume = Some(process_id.into());
        self
    }

    /// Stop after this many batches even if the queue is not empty.
    pub fn max_batches(mut self, batches: usize) -> Self {
        self.max_batches = Some(batches);
        self
    }

    /// Drain: reserve a batch, hand each record to `handler` in order, clear the handled
    /// ones and mark the failed ones, and repeat until a batch comes back smaller than
    /// the batch size.
    ///
    /// A portal call that fails ends the drain with a [`DrainError`] saying what was
    /// settled and what was not.
    pub async fn run<F, Fut, E>(
        &self,
        client: &Client,
        mut handler: F,
    ) -> Result<DrainReport<E>, DrainError>
    where
        F: FnMut(OfflineEvent) -> Fut,
        Fut: Future<Output = Result<(), E>>,
    {
        let mut report = DrainReport {
            handled: 0,
            failed: Vec::new(),
            batches: 0,
            resume: None,
        };
        let mut resume = self.resume.clone();
        loop {
            if self.max_batches.is_some_and(|max| report.batches >= max) {
                report.resume = resume;
                return Ok(report);
            }
            let batch = self.reserve(client, resume.as_deref()).await?;
            report.batches += 1;
            let count = batch.events.len();
            let Some(process_id) = batch.process_id.or(resume.take()) else {
                if count == 0 {
                    return Ok(report);
                }
                // Records without a reservation cannot be settled afterwards, and the
                // portal may have deleted them already: give them back to the caller
                // rather than risk handling them without a way to mark failures.
                return Err(DrainError::NoProcessId {
                    records: batch.events,
                });
            };
            let mut handled = Vec::new();
            let mut failed = Vec::new();
            let mut stopped = false;
            let mut events = batch.events.into_iter();
            for event in events.by_ref() {
                let (id, message_id, event_name) =
                    (event.id, event.message_id.clone(), event.event_name.clone());
                match handler(event).await {
                    Ok(()) => handled.push(id),
                    Err(error) => {
                        failed.push(FailedEvent {
                            id,
                            message_id,
                            event_name,
                            error,
                        });
                        if self.on_failure == OnFailure::MarkAndStop {
                            stopped = true;
                            break;
                        }
                    }
                }
            }
            let left = events.len();
            settle(client, &process_id, &handled, &failed).await?;
            report.handled += handled.len();
            report.failed.extend(failed);
            if stopped {
                report.resume = (left > 0).then_some(process_id);
                return Ok(report);
            }
            if count < self.limit as usize {
                return Ok(report);
            }
        }
    }

    /// `event.offline.get` with `clear=0`: reserve (or, with `process_id`, re-select) a
    /// batch.
    async fn reserve(
        &self,
        client: &Client,
        process_id: Option<&str>,
    ) -> Result<Batch, DrainError> {
        let params = GetParams {
            clear: 0,
            limit: self.limit,
            process_id,
            auth_connector: self.auth_connector.as_deref(),
            error: u8::from(self.errors),
        };
        // A fresh reservation is not repeated when its fate is unknown: a second one
        // would hide the first batch under a process_id nobody knows. Re-selecting under
        // a known process_id is safe to repeat.
        let kind = if process_id.is_some() {
            CallKind::IdempotentWrite
        } else {
            CallKind::Write
        };
        let method = "event.offline.get";
        let params = serde_json::to_value(params).map_err(|err| DrainError::Reserve {
            source: Error::Encode {
                method: method.into(),
                reason: err.to_string(),
            },
        })?;
        let response = client
            .call_raw(method, params, kind)
            .await
            .map_err(|source| DrainError::Reserve { source })?;
        serde_path_to_error::deserialize::<_, Batch>(&response.result).map_err(|err| {
            DrainError::Reserve {
                source: Error::Decode(DecodeError {
                    method: method.into(),
                    path: result_path(&err.path().to_string()),
                    reason: err.into_inner().to_string(),
                }),
            }
        })
    }
}

/// Clear what was handled, then mark what failed. Clearing goes first: a handled record
/// left in the queue is the one that would be handled twice.
async fn settle<E>(
    client: &Client,
    process_id: &str,
    handled: &[u64],
    failed: &[FailedEvent<E>],
) -> Result<(), DrainError> {
    if !handled.is_empty() {
        let params = serde_json::json!({"process_id": process_id, "id": handled});
        client
            .call_raw("event.offline.clear", params, CallKind::IdempotentWrite)
            .await
            .map_err(|source| DrainError::Clear {
                process_id: process_id.to_owned(),
                ids: handled.to_vec(),
                source,
            })?;
    }
    if !failed.is_empty() {
        let message_ids: Vec<&str> = failed.iter().map(|f| f.message_id.as_str()).collect();
        let params = serde_json::json!({"process_id": process_id, "message_id": message_ids});
        client
            .call_raw("event.offline.error", params, CallKind::IdempotentWrite)
            .await
            .map_err(|source| DrainError::MarkFailed {
                process_id: process_id.to_owned(),
                message_ids: failed.iter().map(|f| f.message_id.clone()).collect(),
                source,
            })?;
    }
    Ok(())
}

fn result_path(path: &str) -> String {
    if path == "." {
        "result".to_owned()
    } else {
        format!("result.{path}")
    }
}

/// A record the handler failed on; it was marked with `event.offline.error`.
#[derive(Debug)]
#[non_exhaustive]
pub struct FailedEvent<E> {
    /// The record's `ID`.
    pub id: u64,
    /// The record's `MESSAGE_ID`.
    pub message_id: String,
    /// The event code.
    pub event_name: String,
    /// What the handler returned.
    pub error: E,
}

/// What a drain did.
#[derive(Debug)]
#[non_exhaustive]
pub struct DrainReport<E> {
    /// Records handled and cleared.
    pub handled: usize,
    /// Records the handler failed on, marked as errors, in the order met.
    pub failed: Vec<FailedEvent<E>>,
    /// `event.offline.get` calls made.
    pub batches: usize,
    /// When the drain stopped with records still reserved ([`OnFailure::MarkAndStop`],
    /// [`OfflineDrain::max_batches`]): the `process_id` to [`OfflineDrain::resume`] with.
    pub resume: Option<String>,
}

/// A portal call of the drain failed. Each variant says what is left unsettled.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DrainError {
    /// `event.offline.get` failed; records of earlier batches were settled.
    #[error("could not reserve offline events: {source}")]
    Reserve {
        /// The call's error.
        source: Error,
    },
    /// `event.offline.get` returned records without a `process_id` (a portal without
    /// reservations, which may have deleted them on reading): none was handed to the
    /// handler, and here they are.
    #[error(
        "event.offline.get returned {} records without a process_id",
        records.len()
    )]
    NoProcessId {
        /// The records, unhandled.
        records: Vec<OfflineEvent>,
    },
    /// The records were handled but `event.offline.clear` failed: clear `ids` under
    /// `process_id` before resuming with that `process_id`, or they are handled again.
    #[error(
        "{} handled offline events could not be cleared (process {process_id}): {source}",
        ids.len()
    )]
    Clear {
        /// The reservation.
        process_id: String,
        /// The handled records' `ID`s.
        ids: Vec<u64>,
        /// The call's error.
        source: Error,
    },
    /// The handled records were cleared but marking the failed ones failed; they stay
    /// reserved under `process_id`.
    #[error(
        "{} failed offline events could not be marked (process {process_id}): {source}",
        message_ids.len()
    )]
    MarkFailed {
        /// The reservation.
        process_id: String,
        /// The failed records' `MESSAGE_ID`s.
        message_ids: Vec<String>,
        /// The call's error.
        source: Error,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn batches_read_leniently() {
        let batch: Batch = serde_json::from_value(json!({
            "process_id": null,
            "events": [{
                "ID": "1", "TIMESTAMP_X": "2024-07-18T12:32:31+02:00",
                "EVENT_NAME": "ONCRMLEADADD", "EVENT_DATA": false,
                "EVENT_ADDITIONAL": false, "MESSAGE_ID": "1"
            }]
        }))
        .unwrap();
        assert_eq!(batch.process_id, None);
        assert_eq!(batch.events[0].id, 1);
        assert_eq!(batch.events[0].event_data, Value::Null);
        let empty: Batch =
            serde_json::from_value(json!({"process_id": "abc", "events": []})).unwrap();
        assert!(empty.events.is_empty());
        assert_eq!(empty.process_id.as_deref(), Some("abc"));
        let keyed: Batch = serde_json::from_value(json!({"events": {
            "0": {"ID": 5, "EVENT_NAME": "X", "MESSAGE_ID": 9}
        }}))
        .unwrap();
        assert_eq!(keyed.events[0].id, 5);
        assert_eq!(keyed.events[0].message_id, "9");
        let nothing: Batch = serde_json::from_value(json!({"events": false})).unwrap();
        assert!(nothing.events.is_empty());
        let bad = serde_path_to_error::deserialize::<_, Batch>(
            &json!({"events": [{"ID": "x", "EVENT_NAME": "X", "MESSAGE_ID": "1"}]}),
        );
        assert_eq!(bad.unwrap_err().path().to_string(), "events[0].ID");
    }
}
