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

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

use crate::client::{CallOptions, Client};
use crate::decode::decode_at;
use crate::envelope::{Response, Time};
use crate::error::{ApiError, ApiErrorCode, DecodeError, Error};
use crate::method::{ApiVersion, CallKind, Method};
use bitrix24_wire::form::{encode_component, to_php_query};

/// The most commands one `batch` call may hold (batch.md).
pub const MAX_COMMANDS_PER_CALL: usize = 50;

/// The name of the REST method that runs batches.
const BATCH_METHOD: &str = "batch";

static NEXT_BATCH_ID: AtomicU64 = AtomicU64::new(1);

/// Commands to send together; see the [module docs](self).
#[derive(Debug)]
pub struct Batch {
    id: u64,
    halt: bool,
    commands: Vec<Command>,
    /// Union-find over dependency groups: the parent of each command.
    parent: Vec<usize>,
    /// The size of the group each root stands for.
    size: Vec<usize>,
}

#[derive(Debug)]
struct Command {
    method: &'static str,
    kind: CallKind,
    /// `method?query`, as sent.
    text: String,
}

impl Default for Batch {
    fn default() -> Self {
        Self::new()
    }
}

impl Batch {
    /// An empty batch, without halt.
    pub fn new() -> Self {
        Self {
            id: NEXT_BATCH_ID.fetch_add(1, Ordering::Relaxed),
            halt: false,
            commands: Vec::new(),
            parent: Vec::new(),
            size: Vec::new(),
        }
    }

    /// Stop at the first failing command (`halt`); see the [module docs](self) for what
    /// that means for a split batch.
    pub fn halt(&mut self, halt: bool) -> &mut Self {
        self.halt = halt;
        self
    }

    /// Whether the batch halts at the first failing command.
    pub fn halts(&self) -> bool {
        self.halt
    }

    /// How many commands the batch holds.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the batch holds no command.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// How many `batch` calls sending it takes.
    pub fn calls_needed(&self) -> usize {
        self.plan().len()
    }

    /// Add a command without references.
    pub fn push<M: Method>(&mut self, request: &M) -> Result<Cmd<M>, BatchError> {
        self.push_with(request, std::iter::empty::<(&str, ResultRef)>())
    }

    /// Add a command whose parameters take results of earlier commands.
    ///
    /// Each `(path, reference)` puts the reference into the request's serialised
    /// parameters at `path`, overriding what was serialised there. A path is the wire
    /// names of the keys from the top, separated by `.` (`"id"`, `"fields.COMPANY_ID"`);
    /// a segment that meets a list is an index into it (`"fields.PHONE.0.VALUE"`). Keys
    /// missing on the way (or `null`) are created as objects; a path through a string,
    /// number or boolean, or past the end of a list, is an error
    /// ([`BatchError::InvalidPath`]), as are two paths of which one contains the other.
    /// A key with a `.` in it cannot be addressed.
    ///
    /// ```
    /// # use bitrix24_transport::{ApiVersion, CallKind, Method};
    /// # #[derive(serde::Serialize)] struct Add { fields: serde_json::Value }
    /// # impl Method for Add { const NAME: &'static str = "crm.deal.add";
    /// #   const SCOPE: Option<&'static str> = None; const KIND: CallKind = CallKind::Write;
    /// #   const API: ApiVersion = ApiVersion::Classic; type Response = u64; }
    /// use bitrix24_transport::batch::Batch;
    ///
    /// let mut batch = Batch::new();
    /// let company = batch.push(&Add { fields: serde_json::json!({"TITLE": "A"}) })?;
    /// let deal = batch.push_with(
    ///     &Add { fields: serde_json::json!({"TITLE": "B"}) },
    ///     [("fields.COMPANY_ID", company.result())],
    /// )?;
    /// assert_eq!(
    ///     batch.command_text(deal).unwrap(),
    ///     "crm.deal.add?fields[COMPANY_ID]=$result[c0]&fields[TITLE]=B"
    /// );
    /// # Ok::<(), bitrix24_transport::batch::BatchError>(())
    /// ```
    pub fn push_with<M, P>(
        &mut self,
        request: &M,
        references: impl IntoIterator<Item = (P, ResultRef)>,
    ) -> Result<Cmd<M>, BatchError>
    where
        M: Method,
        P: AsRef<str>,
    {
        let method = M::NAME;
        check_method::<M>()?;
        let mut params = serde_json::to_value(request).map_err(|err| BatchError::Encode {
            method: method.to_owned(),
            reason: err.to_string(),
        })?;
        match params {
            Value::Null => params = Value::Object(Map::new()),
            Value::Object(_) | Value::Array(_) => {}
            _ => {
                return Err(BatchError::Encode {
                    method: method.to_owned(),
                    reason: "the parameters must serialise to an object, an array or null".into(),
                });
            }
        }
        let mut placed: Vec<(Vec<String>, String)> = Vec::new();
        let mut deps: Vec<usize> = Vec::new();
        for (path, reference) in references {
            let path = path.as_ref();
            if reference.batch != self.id || reference.command >= self.commands.len() {
                return Err(BatchError::ForeignReference {
                    method: method.to_owned(),
                    path: path.to_owned(),
                });
            }
            let text = reference
                .render()
                .map_err(|reason| BatchError::InvalidReference {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    reason,
                })?;
            let segments: Vec<String> = path.split('.').map(str::to_owned).collect();
            if segments.iter().any(String::is_empty) {
                return Err(BatchError::InvalidPath {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    reason: "a path is keys separated by `.`, none of them empty".into(),
                });
            }
            if let Some((other, _)) = placed.iter().find(|(other, _)| {
                other.len().min(segments.len()) == common_prefix(other, &segments)
            }) {
                return Err(BatchError::InvalidPath {
                    method: method.to_owned(),
                    path: path.to_owned(),
                    reason: format!("it overlaps the path `{}`", other.join(".")),
                });
            }
            placed.push((segments, text));
            if !deps.contains(&reference.command) {
                deps.push(reference.command);
            }
        }
        let command = self.commands.len();
        let query = encode_with_references(&mut params, &placed).map_err(|(path, reason)| {
            BatchError::InvalidPath {
                method: method.to_owned(),
                path,
                reason,
            }
        })?;
        // The dependency group this command joins: its own and those of what it references.
        let mut roots: Vec<usize> = deps.iter().map(|&dep| self.root(dep)).collect();
        roots.sort_unstable();
        roots.dedup();
        let group_size = 1 + roots.iter().map(|&root| self.size[root]).sum::<usize>();
        if group_size > MAX_COMMANDS_PER_CALL {
            return Err(BatchError::GroupTooLarge {
                method: method.to_owned(),
                size: group_size,
                max: MAX_COMMANDS_PER_CALL,
            });
        }
        let text = if query.is_empty() {
            method.to_owned()
        } else {
            format!("{method}?{query}")
        };
        self.commands.push(Command {
            method,
            kind: M::KIND,
            text,
        });
        self.parent.push(command);
        self.size.push(1);
        for root in roots {
            self.parent[root] = command;
        }
        self.size[command] = group_size;
        Ok(Cmd {
            batch: self.id,
            index: command,
            method: PhantomData,
        })
    }

    /// The command as it is sent (`method?query`), for a handle of this batch.
    pub fn command_text<M>(&self, cmd: Cmd<M>) -> Option<&str> {
        if cmd.batch != self.id {
            return None;
        }
        self.commands.get(cmd.index).map(|c| c.text.as_str())
    }

    fn root(&self, mut command: usize) -> usize {
        while self.parent[command] != command {
            command = self.parent[command];
        }
        command
    }

    /// The commands of each `batch` call, in push order within a call.
    fn plan(&self) -> Vec<Vec<usize>> {
        let mut group_of_root: HashMap<usize, usize> = HashMap::new();
        let mut groups: Vec<Vec<usize>> = Vec::new();
        for command in 0..self.commands.len() {
            let root = self.root(command);
            let group = *group_of_root.entry(root).or_insert_with(|| {
                groups.push(Vec::new());
                groups.len() - 1
            });
            groups[group].push(command);
        }
        let mut calls: Vec<Vec<usize>> = Vec::new();
        for group in groups {
            match calls.last_mut() {
                Some(call) if call.len() + group.len() <= MAX_COMMANDS_PER_CALL => {
                    call.extend(group);
                }
                _ => calls.push(group),
            }
        }
        for call in &mut calls {
            call.sort_unstable();
        }
        calls
    }
}

fn check_method<M: Method>() -> Result<(), BatchError> {
    let method = M::NAME;
    let refuse = |reason: &str| {
        Err(BatchError::NotBatchable {
            method: method.chars().take(64).collect(),
            reason: reason.to_owned(),
        })
    };
    let valid = !method.is_empty()
        && !method.starts_with('.')
        && method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if !valid {
        return refuse("a method name is letters, digits, `.`, `_` and `-`");
    }
    if method.eq_ignore_ascii_case(BATCH_METHOD) {
        return refuse("a batch cannot hold another batch");
    }
    if M::API != ApiVersion::Classic {
        return refuse("a REST 3.0 method cannot run inside the classic batch");
    }
    Ok(())
}

fn common_prefix(a: &[String], b: &[String]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// Encode `params` with each reference written verbatim at its path.
///
/// Each path first gets a placeholder string, so the reference keeps the position of the
/// value it overrides; after encoding, the percent-encoded placeholder (which occurs
/// exactly where a key or value contains the placeholder text) is replaced by the
/// reference as Bitrix24 reads it, `$result[c0][ID]`, unencoded.
fn encode_with_references(
    params: &mut Value,
    placed: &[(Vec<String>, String)],
) -> Result<String, (String, String)> {
    if placed.is_empty() {
        return Ok(to_php_query(params));
    }
    for _ in 0..8 {
        let nonce = fastrand::u64(..);
        let placeholders: Vec<String> = (0..placed.len())
            .map(|i| format!("\u{0}b24ref{nonce:016x}.{i}\u{0}"))
            .collect();
        for ((segments, _), placeholder) in placed.iter().zip(&placeholders) {
            let slot = slot_at(params, segments).map_err(|reason| (segments.join("."), reason))?;
            *slot = Value::String(placeholder.clone());
        }
        let mut query = to_php_query(params);
        let encoded: Vec<String> = placeholders.iter().map(|p| encode_component(p)).collect();
        if encoded
            .iter()
            .any(|e| query.matches(e.as_str()).count() != 1)
        {
            continue; // The data holds a placeholder's text: draw another.
        }
        for (e, (_, text)) in encoded.iter().zip(placed) {
            query = query.replacen(e.as_str(), text, 1);
        }
        return Ok(query);
    }
    Err((
        String::new(),
        "cannot find a placeholder the parameters do not contain".into(),
    ))
}

/// The value at `segments`, creating objects on the way.
fn slot_at<'a>(mut current: &'a mut Value, segments: &[String]) -> Result<&'a mut Value, String> {
    for (depth, segment) in segments.iter().enumerate() {
        if current.is_null() {
            *current = Value::Object(Map::new());
        }
        let here = || {
            if depth == 0 {
                "the parameters".to_owned()
            } else {
                format!("`{}`", segments[..depth].join("."))
            }
        };
        current = match current {
            Value::Object(map) => map.entry(segment.clone()).or_insert(Value::Null),
            Value::Array(items) => {
                let len = items.len();
                let index = segment
                    .parse::<usize>()
                    .map_err(|_| format!("{} is a list and `{segment}` is not an index", here()))?;
                items
                    .get_mut(index)
                    .ok_or_else(|| format!("{} has {len} items, no index {index}", here()))?
            }
            other => {
                let kind = match other {
                    Value::Bool(_) => "a boolean",
                    Value::Number(_) => "a number",
                    _ => "a string",
                };
                return Err(format!("{} is {kind}, not an object", here()));
            }
        };
    }
    Ok(current)
}

/// A typed handle to one command of a [`Batch`]: read its result with
/// [`BatchResults::get`], reference it with [`Cmd::result`], [`Cmd::field`], [`Cmd::item`].
pub struct Cmd<M> {
    batch: u64,
    index: usize,
    method: PhantomData<fn() -> M>,
}

impl<M> Clone for Cmd<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Cmd<M> {}

impl<M> fmt::Debug for Cmd<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Cmd")
            .field("name", &self.name())
            .field("batch", &self.batch)
            .finish()
    }
}

impl<M> Cmd<M> {
    /// The command's name in the batch (`c0`, `c1`, …).
    pub fn name(&self) -> String {
        command_name(self.index)
    }

    /// The whole result: `$result[c0]` (the ID an `add` returns).
    pub fn result(&self) -> ResultRef {
        ResultRef {
            batch: self.batch,
            command: self.index,
            path: Vec::new(),
        }
    }

    /// A field of the result: `$result[c0][ID]`.
    pub fn field(&self, key: impl Into<String>) -> ResultRef {
        self.result().field(key)
    }

    /// An item of a list result: `$result[c0][49]`; `.field("ID")` on it gives
    /// `$result[c0][49][ID]`.
    pub fn item(&self, index: usize) -> ResultRef {
        self.result().item(index)
    }
}

fn command_name(index: usize) -> String {
    format!("c{index}")
}

/// A reference to (part of) an earlier command's result, resolved by the portal.
///
/// Made by [`Cmd::result`], [`Cmd::field`], [`Cmd::item`]; placed with
/// [`Batch::push_with`]. Its `Display` is the text sent: `$result[c0][49][ID]`. A field
/// name is letters, digits, `_`, `-` and `.` (others are refused when the reference is
/// placed: Bitrix24 would read `]`, `&`, `=`, `#`, `+` or `%` in it as syntax).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResultRef {
    batch: u64,
    command: usize,
    path: Vec<Segment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Segment {
    Key(String),
    Index(usize),
}

impl ResultRef {
    /// A field of this value: `…[KEY]`.
    pub fn field(mut self, key: impl Into<String>) -> Self {
        self.path.push(Segment::Key(key.into()));
        self
    }

    /// An item of this list: `…[INDEX]`.
    pub fn item(mut self, index: usize) -> Self {
        self.path.push(Segment::Index(index));
        self
    }

    /// The text sent, or why it cannot be.
    fn render(&self) -> Result<String, String> {
        let mut text = format!("$result[{}]", command_name(self.command));
        for segment in &self.path {
            match segment {
                Segment::Key(key) => {
                    let valid = !key.is_empty()
                        && key
                            .bytes()
                            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'));
                    if !valid {
                        return Err(format!(
                            "the field name `{}` is not letters, digits, `_`, `-` and `.`",
                            key.chars().take(64).collect::<String>()
                        ));
                    }
                    text.push('[');
                    text.push_str(key);
                    text.push(']');
                }
                Segment::Index(index) => {
                    text.push('[');
                    text.push_str(&index.to_string());
                    text.push(']');
                }
            }
        }
        Ok(text)
    }
}

impl fmt::Display for ResultRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.render() {
            Ok(text) => f.write_str(&text),
            Err(_) => write!(f, "$result[{}][<invalid>]", command_name(self.command)),
        }
    }
}

/// A command that cannot be added to a [`Batch`]. Nothing has been sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The request could not be serialised into parameters.
    #[error("{method}: cannot encode the batch command: {reason}")]
    Encode {
        /// The REST method.
        method: String,
        /// What failed.
        reason: String,
    },
    /// The method cannot run inside `batch`.
    #[error("{method}: cannot run inside a batch: {reason}")]
    NotBatchable {
        /// The REST method.
        method: String,
        /// Why.
        reason: String,
    },
    /// A reference to a command of another batch.
    #[error("{method}: the reference placed at `{path}` is to a command of another batch")]
    ForeignReference {
        /// The REST method of the command being added.
        method: String,
        /// Where the reference was to go.
        path: String,
    },
    /// A reference that cannot be written (a field name Bitrix24 would misread).
    #[error("{method}: the reference placed at `{path}` cannot be written: {reason}")]
    InvalidReference {
        /// The REST method of the command being added.
        method: String,
        /// Where the reference was to go.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A parameter path that cannot take a reference.
    #[error("{method}: cannot place a reference at `{path}`: {reason}")]
    InvalidPath {
        /// The REST method of the command being added.
        method: String,
        /// The path.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The command and the commands it references, directly or not, would be more than
    /// one `batch` call holds: such a chain cannot be split.
    #[error(
        "{method}: the command would make a chain of {size} commands that reference each other; one batch call holds at most {max}"
    )]
    GroupTooLarge {
        /// The REST method of the command being added.
        method: String,
        /// The size the dependency group would have.
        size: usize,
        /// [`MAX_COMMANDS_PER_CALL`].
        max: usize,
    },
}

impl From<BatchError> for Error {
    fn from(err: BatchError) -> Self {
        let method = match &err {
            BatchError::Encode { method, .. }
            | BatchError::NotBatchable { method, .. }
            | BatchError::ForeignReference { method, .. }
            | BatchError::InvalidReference { method, .. }
            | BatchError::InvalidPath { method, .. }
            | BatchError::GroupTooLarge { method, .. } => method.clone(),
        };
        Error::Encode {
            method,
            reason: err.to_string(),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Sending
// ---------------------------------------------------------------------------------------

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
        let plan = batch.plan();
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

/// A command's entry in `result_error`, as an [`ApiError`].
fn api_error(method: &str, error: &RawValue) -> ApiError {
    let text = |value: Option<&Value>| match value {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let value: Value = serde_json::from_str(error.get()).unwrap_or(Value::Null);
    let (code, description) = match &value {
        Value::Object(map) => (text(map.get("error")), text(map.get("error_description"))),
        other => (text(Some(other)), String::new()),
    };
    ApiError {
        method: method.to_owned(),
        code: ApiErrorCode::from_wire(&code),
        description: Some(description).filter(|text| !text.is_empty()),
        status: None,
    }
}

/// `result_total` / `result_next` entries: numbers, or numbers as strings.
fn count(value: &RawValue) -> Option<u64> {
    bitrix24_wire::scalar::unsigned(Some(&serde_json::from_str::<Value>(value.get()).ok()?))
}

// ---------------------------------------------------------------------------------------
// The reply
// ---------------------------------------------------------------------------------------

/// Read `body` as a whole `batch` reply the way [`Client::batch`] does, without commands
/// to match it to: for checking captured replies. Gives the number of command results
/// and of command errors it holds.
pub fn check_reply(body: &[u8]) -> Result<(usize, usize), Result<ApiError, DecodeError>> {
    let reply = crate::envelope::decode_named::<BatchReply>("batch", body, None)?;
    Ok((reply.result.results.0.len(), reply.result.errors.0.len()))
}

/// `result` of a `batch` reply; every map may arrive as `{}`, `[]`, a list or `null`.
#[derive(Deserialize)]
struct BatchReply {
    #[serde(default, rename = "result")]
    results: PhpMap,
    #[serde(default, rename = "result_error")]
    errors: PhpMap,
    #[serde(default, rename = "result_total")]
    totals: PhpMap,
    #[serde(default, rename = "result_next")]
    nexts: PhpMap,
    #[serde(default, rename = "result_time")]
    times: PhpMap,
}

/// A PHP array as JSON: an object by name, or a list by index (`[]` when empty).
#[derive(Default)]
struct PhpMap(HashMap<String, Box<RawValue>>);

impl PhpMap {
    fn remove(&mut self, name: &str) -> Option<Box<RawValue>> {
        self.0.remove(name)
    }

    fn get(&self, name: &str) -> Option<&RawValue> {
        self.0.get(name).map(|value| &**value)
    }
}

impl<'de> Deserialize<'de> for PhpMap {
    fn deserialize<D: Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        struct PhpMapVisitor;
        impl<'de> Visitor<'de> for PhpMapVisitor {
            type Value = PhpMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object, a list or null")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<PhpMap, A::Error> {
                let mut map = HashMap::new();
                while let Some(key) = access.next_key::<String>()? {
                    let value: Box<RawValue> = access.next_value()?;
                    map.entry(key).or_insert(value);
                }
                Ok(PhpMap(map))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut access: A) -> Result<PhpMap, A::Error> {
                let mut map = HashMap::new();
                let mut index = 0usize;
                while let Some(value) = access.next_element::<Box<RawValue>>()? {
                    map.insert(index.to_string(), value);
                    index += 1;
                }
                Ok(PhpMap(map))
            }
            fn visit_unit<E>(self) -> Result<PhpMap, E> {
                Ok(PhpMap::default())
            }
            fn visit_none<E>(self) -> Result<PhpMap, E> {
                Ok(PhpMap::default())
            }
        }
        de.deserialize_any(PhpMapVisitor)
    }
}

// ---------------------------------------------------------------------------------------
// Results
// ---------------------------------------------------------------------------------------

/// What became of one command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommandStatus {
    /// It ran and has a result.
    Executed,
    /// It ran and failed with its own error (`result_error`).
    Failed,
    /// It did not run: the batch halted before it, its call was refused or never sent.
    NotExecuted,
    /// Its call was sent but the reply was lost: it may or may not have run.
    Unknown,
}

/// Why [`BatchResults::get`] has no result for a command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchCommandError {
    /// The command ran and failed: its entry in `result_error`.
    #[error(transparent)]
    Api(ApiError),
    /// The command ran, but its result is not the method's documented response. The path
    /// is in the `batch` reply (`result.result.c1.DATE_CREATE`).
    #[error(transparent)]
    Decode(DecodeError),
    /// The command did not run.
    #[error("{method} (batch command {name}): not executed: {reason}")]
    NotExecuted {
        /// The REST method.
        method: String,
        /// The command's name in the batch.
        name: String,
        /// Why.
        reason: String,
    },
    /// The command's `batch` call was sent and its reply lost: it may have run. It was
    /// not repeated if it writes.
    #[error("{method} (batch command {name}): the outcome is unknown: {reason}")]
    Unknown {
        /// The REST method.
        method: String,
        /// The command's name in the batch.
        name: String,
        /// What happened to the call.
        reason: String,
    },
    /// The handle is of a command of another batch.
    #[error("{method}: the command handle belongs to another batch")]
    ForeignCommand {
        /// The REST method.
        method: String,
    },
}

impl BatchCommandError {
    /// The command's status, or `None` for [`BatchCommandError::ForeignCommand`].
    pub fn status(&self) -> Option<CommandStatus> {
        match self {
            Self::Api(_) => Some(CommandStatus::Failed),
            Self::Decode(_) => Some(CommandStatus::Executed),
            Self::NotExecuted { .. } => Some(CommandStatus::NotExecuted),
            Self::Unknown { .. } => Some(CommandStatus::Unknown),
            Self::ForeignCommand { .. } => None,
        }
    }
}

/// One executed command's result as sent (see `BatchResults::raw`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct RawResult<'a> {
    pub(crate) result: &'a RawValue,
    pub(crate) total: Option<u64>,
}

impl From<BatchCommandError> for Error {
    /// One command's failure as the error its own call would have given: the portal's
    /// error or a decode error as they are; a command whose outcome is unknown as
    /// [`Error::FateUnknown`]; one that did not run as [`Error::NotExecuted`].
    fn from(err: BatchCommandError) -> Self {
        match err {
            BatchCommandError::Api(api) => Error::Api(api),
            BatchCommandError::Decode(decode) => Error::Decode(decode),
            BatchCommandError::NotExecuted { method, reason, .. } => {
                Error::NotExecuted { method, reason }
            }
            BatchCommandError::Unknown { method, reason, .. } => {
                Error::FateUnknown { method, reason }
            }
            BatchCommandError::ForeignCommand { method } => Error::Encode {
                method,
                reason: "the command handle belongs to another batch".into(),
            },
        }
    }
}

/// One command's outcome, as listed by [`BatchResults::commands`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandInfo<'a> {
    /// The command's name (`c0`, …).
    pub name: &'a str,
    /// The REST method.
    pub method: &'a str,
    /// What became of it.
    pub status: CommandStatus,
}

/// The outcome of every command of a sent [`Batch`].
#[derive(Debug)]
pub struct BatchResults {
    batch: u64,
    slots: Vec<Slot>,
    calls_planned: usize,
    calls_sent: usize,
    halted: bool,
    error: Option<Error>,
}

#[derive(Debug)]
struct Slot {
    name: String,
    method: &'static str,
    outcome: Outcome,
}

#[derive(Debug)]
enum Outcome {
    Executed {
        result: Box<RawValue>,
        total: Option<u64>,
        next: Option<u64>,
        time: Option<Time>,
    },
    Failed(ApiError),
    NotExecuted(String),
    Unknown(String),
}

impl Outcome {
    fn status(&self) -> CommandStatus {
        match self {
            Self::Executed { .. } => CommandStatus::Executed,
            Self::Failed(_) => CommandStatus::Failed,
            Self::NotExecuted(_) => CommandStatus::NotExecuted,
            Self::Unknown(_) => CommandStatus::Unknown,
        }
    }
}

impl BatchResults {
    /// The command's result, decoded as its method's response, with its own `total`,
    /// `next` and `time` (`result_total`, `result_next`, `result_time`).
    pub fn get<M: Method>(&self, cmd: Cmd<M>) -> Result<Response<M::Response>, BatchCommandError> {
        let Some(slot) = self.slot(cmd) else {
            return Err(BatchCommandError::ForeignCommand {
                method: M::NAME.to_owned(),
            });
        };
        let name = cmd.name();
        match &slot.outcome {
            Outcome::Executed {
                result,
                total,
                next,
                time,
            } => {
                let result = decode_at(M::NAME, result.get(), || format!("result.result.{name}"))
                    .map_err(BatchCommandError::Decode)?;
                Ok(Response {
                    result,
                    total: *total,
                    next: *next,
                    time: time.clone(),
                })
            }
            Outcome::Failed(error) => Err(BatchCommandError::Api(error.clone())),
            Outcome::NotExecuted(reason) => Err(BatchCommandError::NotExecuted {
                method: M::NAME.to_owned(),
                name,
                reason: reason.clone(),
            }),
            Outcome::Unknown(reason) => Err(BatchCommandError::Unknown {
                method: M::NAME.to_owned(),
                name,
                reason: reason.clone(),
            }),
        }
    }

    /// The command's result as sent, with its `total` and `next`, for readers that decode
    /// it themselves (the export reads list pages record by record).
    pub(crate) fn raw<M: Method>(&self, cmd: Cmd<M>) -> Result<RawResult<'_>, BatchCommandError> {
        let method = M::NAME.to_owned();
        let Some(slot) = self.slot(cmd) else {
            return Err(BatchCommandError::ForeignCommand { method });
        };
        match &slot.outcome {
            Outcome::Executed { result, total, .. } => Ok(RawResult {
                result,
                total: *total,
            }),
            Outcome::Failed(error) => Err(BatchCommandError::Api(error.clone())),
            Outcome::NotExecuted(reason) => Err(BatchCommandError::NotExecuted {
                method,
                name: cmd.name(),
                reason: reason.clone(),
            }),
            Outcome::Unknown(reason) => Err(BatchCommandError::Unknown {
                method,
                name: cmd.name(),
                reason: reason.clone(),
            }),
        }
    }

    /// Take the error of the `batch` call that failed as a whole (see [`BatchResults::error`]).
    pub(crate) fn take_error(&mut self) -> Option<Error> {
        self.error.take()
    }

    /// What became of the command (`None` for a handle of another batch).
    pub fn status<M>(&self, cmd: Cmd<M>) -> Option<CommandStatus> {
        self.slot(cmd).map(|slot| slot.outcome.status())
    }

    /// Every command in push order, with what became of it.
    pub fn commands(&self) -> Vec<CommandInfo<'_>> {
        self.slots
            .iter()
            .map(|slot| CommandInfo {
                name: &slot.name,
                method: slot.method,
                status: slot.outcome.status(),
            })
            .collect()
    }

    /// How many commands have each status.
    pub fn count(&self, status: CommandStatus) -> usize {
        self.slots
            .iter()
            .filter(|slot| slot.outcome.status() == status)
            .count()
    }

    /// Whether every command ran and succeeded.
    pub fn all_executed(&self) -> bool {
        self.count(CommandStatus::Executed) == self.slots.len()
    }

    /// The error of the `batch` call that failed as a whole, after which nothing more
    /// was sent.
    pub fn error(&self) -> Option<&Error> {
        self.error.as_ref()
    }

    /// Whether a call stopped at a failing command under [`Batch::halt`] (later calls
    /// were not sent).
    pub fn halted(&self) -> bool {
        self.halted
    }

    /// How many `batch` calls the batch was split into.
    pub fn calls_planned(&self) -> usize {
        self.calls_planned
    }

    /// How many `batch` calls were attempted (each with the client's retries); the
    /// rest were not sent after a halt or a failed call.
    pub fn calls_sent(&self) -> usize {
        self.calls_sent
    }

    fn slot<M>(&self, cmd: Cmd<M>) -> Option<&Slot> {
        if cmd.batch != self.batch {
            return None;
        }
        self.slots.get(cmd.index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use serde_json::json;

    #[derive(Serialize)]
    struct Raw(Value);

    impl Method for Raw {
        const NAME: &'static str = "x.y";
        const SCOPE: Option<&'static str> = None;
        const KIND: CallKind = CallKind::Read;
        const API: ApiVersion = ApiVersion::Classic;
        type Response = Value;
    }

    #[derive(Serialize)]
    struct Nested;

    impl Method for Nested {
        const NAME: &'static str = "batch";
        const SCOPE: Option<&'static str> = None;
        const KIND: CallKind = CallKind::Read;
        const API: ApiVersion = ApiVersion::Classic;
        type Response = Value;
    }

    #[derive(Serialize)]
    struct V3;

    impl Method for V3 {
        const NAME: &'static str = "tasks.task.get";
        const SCOPE: Option<&'static str> = None;
        const KIND: CallKind = CallKind::Read;
        const API: ApiVersion = ApiVersion::V3;
        type Response = Value;
    }

    fn text(batch: &Batch, cmd: Cmd<Raw>) -> &str {
        batch.command_text(cmd).unwrap()
    }

    #[test]
    fn references_render_and_keep_their_place() {
        let mut batch = Batch::new();
        let a = batch.push(&Raw(Value::Null)).unwrap();
        assert_eq!(text(&batch, a), "x.y");
        assert_eq!(a.result().to_string(), "$result[c0]");
        assert_eq!(a.field("ID").to_string(), "$result[c0][ID]");
        assert_eq!(a.item(49).field("ID").to_string(), "$result[c0][49][ID]");
        let params = json!({"a": 1, "fields": {"B": "x", "C": "y", "D": "z"}, "list": [1, 2, 3]});
        let b = batch
            .push_with(
                &Raw(params),
                [
                    ("fields.C", a.field("ID")),
                    ("list.1", a.item(0)),
                    ("new.deep.KEY", a.result()),
                ],
            )
            .unwrap();
        assert_eq!(
            text(&batch, b),
            "x.y?a=1&fields[B]=x&fields[C]=$result[c0][ID]&fields[D]=z\
             &list[0]=1&list[1]=$result[c0][0]&list[2]=3&new[deep][KEY]=$result[c0]"
        );
        // Positional parameters and a unit request.
        let c = batch
            .push_with(&Raw(json!([5, {"K": "v"}])), [("1.REF", b.result())])
            .unwrap();
        assert_eq!(text(&batch, c), "x.y?0=5&1[K]=v&1[REF]=$result[c1]");
        let d = batch
            .push_with(&Raw(Value::Null), [("id", c.result())])
            .unwrap();
        assert_eq!(text(&batch, d), "x.y?id=$result[c2]");
    }

    #[test]
    fn awkward_values_are_encoded_and_not_taken_for_references() {
        let mut batch = Batch::new();
        let a = batch.push(&Raw(Value::Null)).unwrap();
        let b = batch
            .push_with(
                &Raw(json!({"t": "a&b=c[d]#e+f%g h\n$result[c0]", "k e[y]": true})),
                [("id", a.result())],
            )
            .unwrap();
        assert_eq!(
            text(&batch, b),
            "x.y?id=$result[c0]&k%20e%5By%5D=1&t=a%26b%3Dc%5Bd%5D%23e%2Bf%25g%20h%0A%24result%5Bc0%5D"
        );
    }

    #[test]
    fn bad_paths_references_and_methods_are_refused() {
        let mut batch = Batch::new();
        let a = batch.push(&Raw(Value::Null)).unwrap();
        let params = || Raw(json!({"s": "text", "list": [1], "n": null}));
        let refuse = |batch: &mut Batch, path: &str, reference: ResultRef| {
            batch.push_with(&params(), [(path, reference)]).unwrap_err()
        };
        for path in ["s.x", "list.x", "list.5", "", "a..b"] {
            assert!(
                matches!(
                    refuse(&mut batch, path, a.result()),
                    BatchError::InvalidPath { .. }
                ),
                "{path}"
            );
        }
        assert!(matches!(
            refuse(&mut batch, "id", a.field("A]B")),
            BatchError::InvalidReference { .. }
        ));
        assert!(matches!(
            refuse(&mut batch, "id", a.field("")),
            BatchError::InvalidReference { .. }
        ));
        let overlap = batch
            .push_with(&params(), [("n", a.result()), ("n.x", a.result())])
            .unwrap_err();
        assert!(
            matches!(overlap, BatchError::InvalidPath { .. }),
            "{overlap}"
        );
        // `null` on the way is replaced by an object.
        let ok = batch.push_with(&params(), [("n.x", a.result())]).unwrap();
        assert!(text(&batch, ok).contains("n[x]=$result[c0]"));
        assert!(matches!(
            batch.push(&Raw(json!("scalar"))),
            Err(BatchError::Encode { .. })
        ));
        assert!(matches!(
            batch.push(&Nested),
            Err(BatchError::NotBatchable { .. })
        ));
        assert!(matches!(
            batch.push(&V3),
            Err(BatchError::NotBatchable { .. })
        ));
        assert_eq!(batch.len(), 2, "refused commands are not added");
    }

    #[test]
    fn groups_are_packed_whole_and_in_order() {
        let mut batch = Batch::new();
        let first = batch.push(&Raw(Value::Null)).unwrap();
        for _ in 0..59 {
            batch.push(&Raw(Value::Null)).unwrap();
        }
        batch
            .push_with(&Raw(Value::Null), [("id", first.result())])
            .unwrap();
        let plan = batch.plan();
        assert_eq!(plan.len(), 2);
        assert_eq!(plan[0].len(), 50);
        assert_eq!(&plan[0][..3], &[0, 1, 2]);
        assert_eq!(
            plan[0].last(),
            Some(&60),
            "the late command joins its reference"
        );
        assert_eq!(plan[1], (49..60).collect::<Vec<_>>());

        // Two groups joined by one command count as one.
        let mut batch = Batch::new();
        let mut left = batch.push(&Raw(Value::Null)).unwrap();
        let mut right = batch.push(&Raw(Value::Null)).unwrap();
        for _ in 0..23 {
            left = batch
                .push_with(&Raw(Value::Null), [("a", left.result())])
                .unwrap();
            right = batch
                .push_with(&Raw(Value::Null), [("a", right.result())])
                .unwrap();
        }
        assert_eq!(batch.len(), 48);
        let both = batch
            .push_with(
                &Raw(Value::Null),
                [("a", left.result()), ("b", right.result())],
            )
            .unwrap();
        batch
            .push_with(&Raw(Value::Null), [("a", both.result())])
            .unwrap();
        let err = batch
            .push_with(&Raw(Value::Null), [("a", both.result())])
            .unwrap_err();
        assert!(
            matches!(err, BatchError::GroupTooLarge { size: 51, .. }),
            "{err}"
        );
        assert_eq!(batch.plan(), vec![(0..50).collect::<Vec<_>>()]);
    }

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
    fn replies_read_objects_lists_and_null_alike() {
        let reply: BatchReply = serde_json::from_str(
            r#"{"result": {"c0": 5, "c2": [1]}, "result_error": [], "result_total": {"c2": "70"},
                "result_next": null, "result_time": {"c0": {"duration": 0.5}, "c2": "junk"}}"#,
        )
        .unwrap();
        assert_eq!(reply.results.get("c0").unwrap().get(), "5");
        assert!(reply.errors.0.is_empty() && reply.nexts.0.is_empty());
        assert_eq!(reply.totals.get("c2").and_then(count), Some(70));
        let listed: BatchReply =
            serde_json::from_str(r#"{"result": [7, 8], "result_error": {}}"#).unwrap();
        assert_eq!(listed.results.get("1").unwrap().get(), "8");
        assert!(serde_json::from_str::<BatchReply>(r#"{"result": "x"}"#).is_err());
    }

    #[test]
    fn command_errors_become_api_errors() {
        let raw = |text: &str| RawValue::from_string(text.to_owned()).unwrap();
        let err = api_error(
            "crm.deal.get",
            &raw(r#"{"error": "ACCESS_DENIED", "error_description": "no"}"#),
        );
        assert_eq!(err.code, ApiErrorCode::AccessDenied);
        assert_eq!(err.description.as_deref(), Some("no"));
        let err = api_error("m", &raw(r#"{"error": "", "error_description": ""}"#));
        assert_eq!(err.code, ApiErrorCode::Other(String::new()));
        assert_eq!(err.description, None);
        assert_eq!(
            api_error("m", &raw(r#""CODE""#)).code,
            ApiErrorCode::Other("CODE".into())
        );
        assert_eq!(
            api_error("m", &raw("42")).code,
            ApiErrorCode::Other("42".into())
        );
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
