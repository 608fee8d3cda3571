//! Typed `batch`: many calls in one HTTP request, a typed result per command.
//!
//! ```no_run
//! # use bitrix24_transport::{ApiVersion, CallKind, Method};
//! # #[derive(serde::Serialize)] struct DealAdd { fields: serde_json::Value }
//! # impl Method for DealAdd { const NAME: &'static str = "crm.deal.add";
//! #   const SCOPE: Option<&'static str> = None; const KIND: CallKind = CallKind::Write;
//! #   const API: ApiVersion = ApiVersion::Classic; type Response = u64; }
//! # #[derive(serde::Serialize)] struct DealGet { id: u64 }
//! # impl Method for DealGet { const NAME: &'static str = "crm.deal.get";
//! #   const SCOPE: Option<&'static str> = None; const KIND: CallKind = CallKind::Read;
//! #   const API: ApiVersion = ApiVersion::Classic; type Response = serde_json::Value; }
//! # async fn demo(client: bitrix24_transport::Client) -> Result<(), Box<dyn std::error::Error>> {
//! use bitrix24_transport::batch::Batch;
//!
//! let mut batch = Batch::new();
//! let add = batch.push(&DealAdd { fields: serde_json::json!({"TITLE": "New deal"}) })?;
//! // `id` is the ID the add returns: `crm.deal.get?id=$result[c0]`, resolved by the portal.
//! let get = batch.push_with(&DealGet { id: 0 }, [("id", add.result())])?;
//! let results = client.batch(batch).await?;
//! let id: u64 = results.get(add)?.result;
//! let deal = results.get(get)?.result;
//! # let _ = (id, deal); Ok(()) }
//! ```
//!
//! # Commands and references
//! [`Batch::push`] adds a command for any [`Method`]: its parameters are the request's
//! JSON encoded with [`to_php_query`] (a unit struct or `null` has none), sent as
//! `name: "method?query"` under a generated name (`c0`, `c1`, … in push order). The
//! returned [`Cmd`] is a typed handle: [`BatchResults::get`] decodes that command's result
//! as the method's `Response`, and [`Cmd::result`], [`Cmd::field`] and [`Cmd::item`] build
//! [`ResultRef`]s (`$result[c0]`, `$result[c0][ID]`, `$result[c0][49][ID]`) that
//! [`Batch::push_with`] places into a later command's parameters. A reference to a
//! command of another `Batch` is rejected with [`BatchError::ForeignReference`].
//!
//! # Splitting
//! One `batch` call holds at most [`MAX_COMMANDS_PER_CALL`] commands. A larger batch is
//! sent as several calls, one after another. A command and every command it references,
//! directly or through others (its *dependency group*), always go in the same call:
//! groups are taken in the order of their first command and packed into calls without
//! being split; within a call, commands run in push order. So a command always runs
//! after the commands it references, but an independent command pushed earlier may land
//! in a later call than one pushed after it. A group of more than
//! [`MAX_COMMANDS_PER_CALL`] commands cannot be sent: [`Batch::push_with`] refuses the
//! command that would make it so ([`BatchError::GroupTooLarge`]), before anything is sent.
//!
//! # Halt and failures
//! With [`Batch::halt`] the portal stops a call at its first failing command; the
//! commands after it report [`CommandStatus::NotExecuted`], and in a split batch the
//! later calls are not sent at all (their commands are `NotExecuted` too).
//!
//! When a `batch` call fails as a whole (after the client's retries), the batch stops
//! there and [`Client::batch`] still returns [`BatchResults`]: the commands of that call
//! are [`CommandStatus::Unknown`] when the call may have run (a lost reply, a timeout, a
//! 5xx, an unreadable 2xx body) or [`CommandStatus::NotExecuted`] when the portal
//! refused it or it was never sent; commands of later calls are `NotExecuted`;
//! [`BatchResults::error`] holds the call's error. Each call is retried by the client's
//! rules with the kind of its commands: [`CallKind::Read`] only if all of them read,
//! [`CallKind::IdempotentWrite`] if all read or write idempotently, else
//! [`CallKind::Write`], so a call with an `add` inside is never repeated after its reply
//! was lost.
//!
//! # Layout
//! One concept per module, and this file only declares and re-exports them:
//! `commands` builds a [`Batch`] (and plans its calls), `reference` holds [`Cmd`] and
//! [`ResultRef`], `query` writes a command's parameters with references in place,
//! `error` is [`BatchError`], `send` sends a batch through the [`Client`], `reply` reads
//! a `batch` reply, and `results` is what became of each command ([`BatchResults`]).
//!
//! [`Method`]: crate::Method
//! [`to_php_query`]: bitrix24_wire::form::to_php_query
//! [`Client`]: crate::Client
//! [`Client::batch`]: crate::Client::batch
//! [`CallKind::Read`]: crate::CallKind::Read
//! [`CallKind::IdempotentWrite`]: crate::CallKind::IdempotentWrite
//! [`CallKind::Write`]: crate::CallKind::Write

mod commands;
mod error;
mod query;
mod reference;
pub(crate) mod reply;
mod results;
mod send;

#[cfg(test)]
mod fixtures;

pub use commands::{Batch, MAX_COMMANDS_PER_CALL};
pub use error::BatchError;
pub use reference::{Cmd, ResultRef};
pub use reply::check_reply;
pub use results::{BatchCommandError, BatchResults, CommandInfo, CommandStatus};
