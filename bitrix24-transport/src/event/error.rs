//! Why an incoming event request was refused.

/// An event request that cannot be accepted.
///
/// No variant holds a token: a forged request's `application_token`, the application's
/// own token and the OAuth tokens of the `auth` block never appear in `Debug` or
/// `Display`. Field values are not echoed either, except the event code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EventError {
    /// The body is not a form or JSON object (bad JSON, an array, an unsupported content
    /// type).
    #[error("malformed event request: {reason}")]
    MalformedBody {
        /// What is wrong, without the body.
        reason: String,
    },
    /// A field every event request carries is absent or empty.
    #[error("malformed event request: `{field}` is missing")]
    MissingField {
        /// The field in the form's notation (`event`, `auth[application_token]`).
        field: &'static str,
    },
    /// A field is present but of the wrong kind (`event_handler_id` not a number).
    #[error("malformed event request: `{field}` {reason}")]
    InvalidField {
        /// The field in the form's notation.
        field: &'static str,
        /// What is wrong with it, without its value.
        reason: &'static str,
    },
    /// `auth[application_token]` is not the application's token: the request did not
    /// come from the portal the application is installed on (or is for another
    /// application).
    #[error("the event's application_token does not match the application's token")]
    TokenMismatch,
    /// The event is not the one the payload type describes.
    #[error("expected event {expected}, got {found}")]
    CodeMismatch {
        /// The payload type's [`EventPayload::CODE`](super::EventPayload::CODE).
        expected: &'static str,
        /// The request's `event` (upper case, at most 64 characters kept).
        found: String,
    },
    /// The event's `data` does not fit the payload type.
    #[error("{code}: cannot read the event at `{path}`: {reason}")]
    Payload {
        /// The event code.
        code: String,
        /// The JSON path of the offending value (`data.FIELDS.ID`).
        path: String,
        /// What was wrong there.
        reason: String,
    },
}
