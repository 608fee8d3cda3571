//! Sending a [`Batch`] through the [`Client`]: one `batch` call after another, each
//! retried by the client's rules with the kind of its commands, and each command's
//! outcome recorded.

use serde_json::value::RawValue;

use super::commands::{BATCH_METHOD, Batch, MAX_COMMANDS_PER_CALL};
use super::reference::command_name;
use super::reply::{BatchReply, api_error, count};
use super::results::{BatchResults, Outcome, Slot};
use crate::client::{CallOptions, Client};
use crate::error::{ApiErrorCode, Error};
use crate::method::CallKind;
use tracing::Instrument;

impl Client {
    /// Send a batch; see the [module docs](crate::batch).
    ///
    /// `Err` only when nothing was sent because the batch could not be encoded. Once
    /// sending starts the result is `Ok`, and each command has its own outcome, also when
    /// a `batch` call failed as a whole ([`BatchResults::error`]).
    pub async fn batch(&self, batch: Batch) -> Result<BatchResults, Error> {
        self.batch_with(batch, CallOptions::default()).await
    }

    /// [`Client::batch`] with per-call options (for each `batch` call).
    pub async fn batch_with(
        &self,
        batch: Batch,
        options: CallOptions,
    ) -> Result<BatchResults, Error> {
        // Each `batch` call inside is a `bitrix24.call` span of its own, under this one.
        let span = tracing::info_span!(
            "bitrix24.batch",
            commands = batch.commands.len(),
            calls = tracing::field::Empty,
        );
        self.send_batch(batch, options, &span)
            .instrument(span.clone())
            .await
    }

    async fn send_batch(
        &self,
        batch: Batch,
        options: CallOptions,
        span: &tracing::Span,
    ) -> Result<BatchResults, Error> {
        let plan = batch.plan();
        span.record("calls", plan.len());
        let mut bodies = Vec::with_capacity(plan.len());
        for call in &plan {
            if call.len() > MAX_COMMANDS_PER_CALL {
                return Err(Error::Encode {
                    method: BATCH_METHOD.into(),
                    reason: format!(
                        "{} commands reference each other; one batch call holds at most {MAX_COMMANDS_PER_CALL}",
                        call.len()
                    ),
                });
            }
            bodies.push(call_body(&batch, call)?);
        }
        let mut slots: Vec<Slot> = batch
            .commands
            .iter()
            .enumerate()
            .map(|(index, command)| Slot {
                name: command_name(index),
                method: command.method,
                outcome: Outcome::NotExecuted(
                    "not sent: an earlier batch call stopped the batch".into(),
                ),
            })
            .collect();
        let mut results = BatchResults {
            batch: batch.id,
            slots: Vec::new(),
            calls_planned: plan.len(),
            calls_sent: 0,
            halted: false,
            error: None,
        };
        for (call, body) in plan.iter().zip(bodies) {
            let kind = call_kind(call.iter().map(|&i| batch.commands[i].kind));
            results.calls_sent += 1;
            let reply = self
                .call_ordered::<BatchReply>(BATCH_METHOD, kind, body, options)
                .await;
            match reply {
                Ok(reply) => {
                    let mut reply = reply.result;
                    let mut failed = false;
                    for &index in call {
                        let slot = &mut slots[index];
                        let name = slot.name.clone();
                        slot.outcome = if let Some(error) = reply.errors.remove(&name) {
                            failed = true;
                            Outcome::Failed(api_error(slot.method, &error))
                        } else if let Some(result) = reply.results.remove(&name) {
                            Outcome::Executed {
                                result,
                                total: reply.totals.get(&name).and_then(count),
                                next: reply.nexts.get(&name).and_then(count),
                                time: reply
                                    .times
                                    .get(&name)
                                    .and_then(|v| serde_json::from_str(v.get()).ok()),
                            }
                        } else if batch.halt {
                            Outcome::NotExecuted(
                                "the batch halted at an earlier failing command".into(),
                            )
                        } else {
                            Outcome::NotExecuted(
                                "the portal reported neither a result nor an error for it".into(),
                            )
                        };
                    }
                    if batch.halt && failed {
                        results.halted = true;
                        break;
                    }
                }
                Err(error) => {
                    let unknown = may_have_run(&error);
                    let reason = error.to_string();
                    for &index in call {
                        slots[index].outcome = if unknown {
                            Outcome::Unknown(reason.clone())
                        } else {
                            Outcome::NotExecuted(reason.clone())
                        };
                    }
                    results.error = Some(error);
                    break;
                }
            }
        }
        results.slots = slots;
        Ok(results)
    }
}

#[cfg(feature = "blocking")]
impl crate::client::BlockingClient {
    /// [`Client::batch`], blocking.
    pub fn batch(&self, batch: Batch) -> Result<BatchResults, Error> {
        self.block_on(self.client().batch(batch))
    }
}

/// The retry kind of a call: the least forgiving of its commands'.
fn call_kind(kinds: impl IntoIterator<Item = CallKind>) -> CallKind {
    kinds
        .into_iter()
        .fold(CallKind::Read, |call, command| match (call, command) {
            (CallKind::Write, _) | (_, CallKind::Write) => CallKind::Write,
            (CallKind::IdempotentWrite, _) | (_, CallKind::IdempotentWrite) => {
                CallKind::IdempotentWrite
            }
            _ => CallKind::Read,
        })
}

/// The parameters of one `batch` call, commands in order.
fn call_body(batch: &Batch, call: &[usize]) -> Result<Vec<(String, Box<RawValue>)>, Error> {
    let encode = |err: serde_json::Error| Error::Encode {
        method: BATCH_METHOD.into(),
        reason: err.to_string(),
    };
    let mut cmd = String::from("{");
    for (position, &index) in call.iter().enumerate() {
        if position > 0 {
            cmd.push(',');
        }
        cmd.push_str(&serde_json::to_string(&command_name(index)).map_err(encode)?);
        cmd.push(':');
        cmd.push_str(&serde_json::to_string(&batch.commands[index].text).map_err(encode)?);
    }
    cmd.push('}');
    let halt = if batch.halt { "1" } else { "0" };
    Ok(vec![
        (
            "halt".to_owned(),
            RawValue::from_string(halt.to_owned()).map_err(encode)?,
        ),
        (
            "cmd".to_owned(),
            RawValue::from_string(cmd).map_err(encode)?,
        ),
    ])
}

/// Whether a `batch` call that failed as a whole may have run some of its commands.
fn may_have_run(error: &Error) -> bool {
    match error {
        Error::FateUnknown { .. }
        | Error::Timeout { .. }
        | Error::Transport { .. }
        | Error::Decode(_) => true,
        Error::Http { status, .. } => *status >= 500,
        Error::Api(api) => {
            !api.code.was_not_executed()
                && !matches!(
                    api.code,
                    ApiErrorCode::OverloadLimit
                        | ApiErrorCode::BatchLengthExceeded
                        | ApiErrorCode::BatchMethodNotAllowed
                )
                && (api.code == ApiErrorCode::InternalServerError
                    || api.status.is_some_and(|status| status >= 500))
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batch::fixtures::Raw;
    use crate::error::ApiError;
    use serde_json::Value;

    #[test]
    fn the_call_kind_is_the_least_forgiving() {
        use CallKind::*;
        assert_eq!(call_kind([Read, Read]), Read);
        assert_eq!(call_kind([Read, IdempotentWrite]), IdempotentWrite);
        assert_eq!(call_kind([IdempotentWrite, Write, Read]), Write);
        assert_eq!(call_kind([Write, IdempotentWrite]), Write);
    }

    #[test]
    fn the_body_keeps_the_command_order() {
        let mut batch = Batch::new();
        batch.halt(true);
        for _ in 0..12 {
            batch.push(&Raw(Value::Null)).unwrap();
        }
        let body = call_body(&batch, &(0..12).collect::<Vec<_>>()).unwrap();
        assert_eq!(body[0].0, "halt");
        assert_eq!(body[0].1.get(), "1");
        let cmd = body[1].1.get();
        assert!(cmd.starts_with(r#"{"c0":"x.y","c1":"x.y","c2":"#), "{cmd}");
        assert!(cmd.find("\"c9\"") < cmd.find("\"c10\""));
    }

    #[test]
    fn which_failed_calls_may_have_run() {
        let api = |code: ApiErrorCode, status| {
            Error::Api(ApiError {
                method: "batch".into(),
                code,
                description: None,
                status: Some(status),
            })
        };
        assert!(may_have_run(&Error::FateUnknown {
            method: "batch".into(),
            reason: "dropped".into()
        }));
        assert!(may_have_run(&Error::Timeout {
            method: "batch".into()
        }));
        assert!(may_have_run(&api(ApiErrorCode::InternalServerError, 500)));
        assert!(!may_have_run(&api(ApiErrorCode::QueryLimitExceeded, 503)));
        assert!(!may_have_run(&api(ApiErrorCode::OverloadLimit, 503)));
        assert!(!may_have_run(&api(ApiErrorCode::BatchLengthExceeded, 400)));
        assert!(!may_have_run(&api(ApiErrorCode::AccessDenied, 403)));
        assert!(!may_have_run(&Error::Connect {
            method: "batch".into(),
            reason: "refused".into()
        }));
        assert!(may_have_run(&Error::Http {
            method: "batch".into(),
            status: 502,
            reason: "html".into()
        }));
    }
}
