//! What became of each command of a sent batch: [`BatchResults`], a command's
//! [`CommandStatus`], and [`BatchCommandError`] when it has no result.

use super::reference::Cmd;
use super::reply::ResultText;
use crate::decode::decode_at;
use crate::envelope::{Response, Time};
use crate::error::{ApiError, DecodeError, Error};
use crate::method::Method;

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

/// One executed command's result as sent (see `BatchResults::take_raw`).
#[derive(Debug)]
pub(crate) struct RawResult {
    pub(crate) result: ResultText,
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

/// The outcome of every command of a sent [`Batch`](super::Batch).
#[derive(Debug)]
pub struct BatchResults {
    pub(super) batch: u64,
    pub(super) slots: Vec<Slot>,
    pub(super) calls_planned: usize,
    pub(super) calls_sent: usize,
    pub(super) halted: bool,
    pub(super) error: Option<Error>,
}

#[derive(Debug)]
pub(super) struct Slot {
    pub(super) name: String,
    pub(super) method: &'static str,
    pub(super) outcome: Outcome,
}

#[derive(Debug)]
pub(super) enum Outcome {
    Executed {
        result: ResultText,
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
                let result = decode_at(M::NAME, &result.text(), || format!("result.result.{name}"))
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

    /// The command's result as sent, with its `total`, for readers that decode it
    /// themselves (the export reads list pages record by record). Taken out, so that the
    /// records' text is moved, not copied: the command's result is empty afterwards.
    pub(crate) fn take_raw<M: Method>(
        &mut self,
        cmd: Cmd<M>,
    ) -> Result<RawResult, BatchCommandError> {
        let method = M::NAME.to_owned();
        if cmd.batch != self.batch {
            return Err(BatchCommandError::ForeignCommand { method });
        }
        let Some(slot) = self.slots.get_mut(cmd.index) else {
            return Err(BatchCommandError::ForeignCommand { method });
        };
        match &mut slot.outcome {
            Outcome::Executed { result, total, .. } => Ok(RawResult {
                result: std::mem::replace(result, ResultText::List(Vec::new())),
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

    /// Whether a call stopped at a failing command under
    /// [`Batch::halt`](super::Batch::halt) (later calls were not sent).
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
