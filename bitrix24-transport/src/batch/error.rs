//! [`BatchError`]: why a command cannot be added to a batch (before anything is sent).

use crate::error::Error;

/// A command that cannot be added to a [`Batch`](super::Batch). Nothing has been sent.
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
        /// [`MAX_COMMANDS_PER_CALL`](super::MAX_COMMANDS_PER_CALL).
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
