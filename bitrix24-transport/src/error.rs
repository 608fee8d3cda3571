//! Errors that come back from a portal or from reading its reply.

use std::fmt;

/// An error code a portal returned in `error`.
///
/// The documented system codes are variants; anything else (method-specific codes,
/// the empty string some CRM methods send) is kept in [`ApiErrorCode::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ApiErrorCode {
    /// `QUERY_LIMIT_EXCEEDED` (HTTP 503): the request-rate bucket is full; not executed.
    QueryLimitExceeded,
    /// `OPERATION_TIME_LIMIT` (HTTP 429): the method's accumulated execution time is over
    /// the limit until `time.operating_reset_at`; not executed.
    OperationTimeLimit,
    /// `OVERLOAD_LIMIT`: the portal is overloaded; the application is blocked.
    OverloadLimit,
    /// `expired_token`: the OAuth access token has expired; refresh and repeat.
    ExpiredToken,
    /// `invalid_token`: the OAuth access token is not valid.
    InvalidToken,
    /// `NO_AUTH_FOUND`: no or bad credentials.
    NoAuthFound,
    /// `INVALID_CREDENTIALS`: the webhook or user is not valid.
    InvalidCredentials,
    /// `insufficient_scope`: the token or webhook lacks the method's scope.
    InsufficientScope,
    /// `ERROR_METHOD_NOT_FOUND`: the portal does not know the method.
    MethodNotFound,
    /// `ACCESS_DENIED`: the REST API is not available to this user or plan.
    AccessDenied,
    /// `PAYMENT_REQUIRED`: the portal's plan does not include the REST API.
    PaymentRequired,
    /// `WRONG_AUTH_TYPE`: the method cannot be called with this kind of authorisation.
    WrongAuthType,
    /// `INVALID_REQUEST`: the request is malformed (for example plain HTTP where HTTPS is required).
    InvalidRequest,
    /// `INTERNAL_SERVER_ERROR`: the portal failed.
    InternalServerError,
    /// `ERROR_BATCH_LENGTH_EXCEEDED`: more than 50 commands in one `batch`.
    BatchLengthExceeded,
    /// `ERROR_BATCH_METHOD_NOT_ALLOWED`: the method cannot run inside `batch`.
    BatchMethodNotAllowed,
    /// Any other code, as sent (may be empty).
    Other(String),
}

impl ApiErrorCode {
    /// Read a code as a portal sends it.
    pub fn from_wire(code: &str) -> Self {
        match code {
            "QUERY_LIMIT_EXCEEDED" => Self::QueryLimitExceeded,
            "OPERATION_TIME_LIMIT" => Self::OperationTimeLimit,
            "OVERLOAD_LIMIT" => Self::OverloadLimit,
            "expired_token" => Self::ExpiredToken,
            "invalid_token" => Self::InvalidToken,
            "NO_AUTH_FOUND" => Self::NoAuthFound,
            "INVALID_CREDENTIALS" => Self::InvalidCredentials,
            "insufficient_scope" => Self::InsufficientScope,
            "ERROR_METHOD_NOT_FOUND" => Self::MethodNotFound,
            "ACCESS_DENIED" => Self::AccessDenied,
            "PAYMENT_REQUIRED" => Self::PaymentRequired,
            "WRONG_AUTH_TYPE" => Self::WrongAuthType,
            "INVALID_REQUEST" => Self::InvalidRequest,
            "INTERNAL_SERVER_ERROR" => Self::InternalServerError,
            "ERROR_BATCH_LENGTH_EXCEEDED" => Self::BatchLengthExceeded,
            "ERROR_BATCH_METHOD_NOT_ALLOWED" => Self::BatchMethodNotAllowed,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The code as it appears on the wire.
    pub fn as_wire(&self) -> &str {
        match self {
            Self::QueryLimitExceeded => "QUERY_LIMIT_EXCEEDED",
            Self::OperationTimeLimit => "OPERATION_TIME_LIMIT",
            Self::OverloadLimit => "OVERLOAD_LIMIT",
            Self::ExpiredToken => "expired_token",
            Self::InvalidToken => "invalid_token",
            Self::NoAuthFound => "NO_AUTH_FOUND",
            Self::InvalidCredentials => "INVALID_CREDENTIALS",
            Self::InsufficientScope => "insufficient_scope",
            Self::MethodNotFound => "ERROR_METHOD_NOT_FOUND",
            Self::AccessDenied => "ACCESS_DENIED",
            Self::PaymentRequired => "PAYMENT_REQUIRED",
            Self::WrongAuthType => "WRONG_AUTH_TYPE",
            Self::InvalidRequest => "INVALID_REQUEST",
            Self::InternalServerError => "INTERNAL_SERVER_ERROR",
            Self::BatchLengthExceeded => "ERROR_BATCH_LENGTH_EXCEEDED",
            Self::BatchMethodNotAllowed => "ERROR_BATCH_METHOD_NOT_ALLOWED",
            Self::Other(code) => code,
        }
    }

    /// Whether the portal guarantees it did not execute the call (so repeating it is safe).
    pub fn was_not_executed(&self) -> bool {
        matches!(
            self,
            Self::QueryLimitExceeded
                | Self::OperationTimeLimit
                | Self::ExpiredToken
                | Self::InvalidToken
                | Self::NoAuthFound
        )
    }
}

impl fmt::Display for ApiErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_wire())
    }
}

/// An error reply from a portal: `{"error": CODE, "error_description": TEXT}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{method}: {code}{}", description_suffix(.description))]
pub struct ApiError {
    /// The REST method that was called.
    pub method: String,
    /// The error code.
    pub code: ApiErrorCode,
    /// `error_description`, when sent.
    pub description: Option<String>,
    /// The HTTP status of the reply, when the reply came over HTTP.
    pub status: Option<u16>,
}

fn size_suffix(size: &Option<u64>) -> String {
    size.map(|size| format!(" (announced: {size} bytes)"))
        .unwrap_or_default()
}

fn description_suffix(description: &Option<String>) -> String {
    match description.as_deref() {
        Some(text) if !text.is_empty() => format!(" ({text})"),
        _ => String::new(),
    }
}

/// A reply that could not be read as the method's documented response.
///
/// Names the method and the JSON path where reading failed (`result.DATE_CREATE`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{method}: cannot read the response at `{path}`: {reason}")]
pub struct DecodeError {
    /// The REST method whose reply this was.
    pub method: String,
    /// The JSON path of the offending value (`.` for the whole body).
    pub path: String,
    /// What was wrong there.
    pub reason: String,
}

/// Everything a call through the [`Client`](crate::client::Client) can fail with.
///
/// No variant's `Debug` or `Display` holds a secret: webhook URLs, tokens and the
/// client secret are never part of an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The portal answered with an error envelope.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The portal answered 2xx, but the body is not the method's documented response.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// No reply within the timeout, for a call that is safe to repeat (a `Read` or an
    /// `IdempotentWrite`), after the retry policy was used up.
    #[error("{method}: no reply within the timeout")]
    Timeout {
        /// The REST method.
        method: String,
    },
    /// The request never reached the portal (connection refused, DNS, TLS handshake).
    #[error("{method}: could not connect to the portal: {reason}")]
    Connect {
        /// The REST method.
        method: String,
        /// What failed, without the URL.
        reason: String,
    },
    /// The connection failed after the request was sent, for a call that is safe to
    /// repeat, after the retry policy was used up.
    #[error("{method}: the connection failed: {reason}")]
    Transport {
        /// The REST method.
        method: String,
        /// What failed, without the URL.
        reason: String,
    },
    /// A [`CallKind::Write`](crate::CallKind::Write) was sent, and whether the portal
    /// executed it is unknown (timeout, dropped connection or a gateway error after
    /// sending). It was not repeated: check the portal's state before trying again.
    #[error(
        "{method}: the call was sent but its outcome is unknown ({reason}); it was not repeated"
    )]
    FateUnknown {
        /// The REST method.
        method: String,
        /// What happened after sending.
        reason: String,
    },
    /// An HTTP error status whose body is not a Bitrix24 error envelope (an HTML page
    /// from a proxy, an empty body).
    #[error("{method}: HTTP {status}: {reason}")]
    Http {
        /// The REST method (or `oauth/token` for the authorisation server).
        method: String,
        /// The HTTP status.
        status: u16,
        /// What the body was, without echoing it.
        reason: String,
    },
    /// The call's deadline passed before it succeeded (see
    /// [`CallOptions::deadline`](crate::client::CallOptions::deadline)). Never for a
    /// [`CallKind::Write`](crate::CallKind::Write) that may have run: that is
    /// [`Error::FateUnknown`].
    #[error(
        "{method}: no success within the call's deadline of {deadline:?} ({attempts} attempts sent; last: {last})"
    )]
    Deadline {
        /// The REST method.
        method: String,
        /// The deadline the call had.
        deadline: std::time::Duration,
        /// Requests sent.
        attempts: u32,
        /// What stopped the last attempt, or the wait that would have passed the deadline.
        last: String,
    },
    /// The reply was larger than the client's limit
    /// ([`ClientBuilder::max_reply_bytes`](crate::client::ClientBuilder::max_reply_bytes)).
    /// The method ran (the portal answered); only its reply was not read.
    #[error("{method}: the reply is larger than the limit of {limit} bytes{}", size_suffix(.size))]
    ReplyTooLarge {
        /// The REST method (or `oauth/token`).
        method: String,
        /// The limit in bytes.
        limit: u64,
        /// The size the server announced (`Content-Length`), when it did.
        size: Option<u64>,
    },
    /// The webhook URL could not be used.
    #[error(transparent)]
    InvalidWebhookUrl(#[from] crate::auth::WebhookUrlError),
    /// A portal, endpoint or authorisation-server URL could not be used.
    #[error("invalid URL: {reason}")]
    InvalidUrl {
        /// What was wrong with it.
        reason: String,
    },
    /// The authorisation server refused to issue tokens, or the client has none.
    #[error("OAuth: {code}{}", description_suffix(.description))]
    OAuth {
        /// The error code (`invalid_grant`, `invalid_client`, ...).
        code: String,
        /// The server's explanation, when sent.
        description: Option<String>,
    },
    /// The token store could not load or save the tokens.
    #[error(transparent)]
    TokenStore(#[from] crate::auth::TokenStoreError),
    /// The request could not be encoded.
    #[error("{method}: cannot encode the request: {reason}")]
    Encode {
        /// The REST method.
        method: String,
        /// What failed.
        reason: String,
    },
    /// The call was not made: a batch it was part of halted or stopped before it (see
    /// [`BatchCommandError::NotExecuted`](crate::batch::BatchCommandError::NotExecuted)).
    /// Nothing happened on the portal, so making it again is safe.
    #[error("{method}: not executed: {reason}")]
    NotExecuted {
        /// The REST method.
        method: String,
        /// Why it did not run.
        reason: String,
    },
    /// The client's [`Limiter`](crate::Limiter) could not tell whether a request may go
    /// (its shared state, such as Redis, is unreachable); the call was not sent.
    #[error(transparent)]
    Limiter(#[from] LimiterError),
    /// The HTTP client could not be built.
    #[error("cannot build the HTTP client: {reason}")]
    Config {
        /// What failed.
        reason: String,
    },
}

impl Error {
    /// Whether trying the same call again later is safe and may succeed.
    ///
    /// True for replies in which the portal says it did not execute the call
    /// (`QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT`, `expired_token`), for connect
    /// errors, and for timeouts, dropped connections and 5xx pages of calls that are safe
    /// to repeat (the client returns [`Error::FateUnknown`] instead for a `Write`).
    /// The client has already retried per its [`RetryPolicy`](crate::retry::RetryPolicy);
    /// this is for a caller that queues the work for later.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Api(api) => matches!(
                api.code,
                ApiErrorCode::QueryLimitExceeded
                    | ApiErrorCode::OperationTimeLimit
                    | ApiErrorCode::ExpiredToken
            ),
            Self::Timeout { .. }
            | Self::Connect { .. }
            | Self::Transport { .. }
            | Self::NotExecuted { .. }
            | Self::Deadline { .. }
            | Self::Limiter(_) => true,
            Self::Http { status, .. } => *status >= 500 || *status == 429,
            _ => false,
        }
    }

    /// The portal's error code, for [`Error::Api`].
    pub fn api_code(&self) -> Option<&ApiErrorCode> {
        match self {
            Self::Api(api) => Some(&api.code),
            _ => None,
        }
    }

    /// Whether this is [`Error::FateUnknown`]: a write that may or may not have happened.
    pub fn is_fate_unknown(&self) -> bool {
        matches!(self, Self::FateUnknown { .. })
    }
}

/// A limiter could not decide (its shared state is unreachable). Never holds a secret.
#[derive(Debug, thiserror::Error)]
#[error("rate limiter: {message}")]
pub struct LimiterError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl LimiterError {
    /// An error with a message (which must not contain a secret).
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            source: None,
        }
    }

    /// An error with a message and its cause.
    pub fn with_source(
        message: impl Into<String>,
        source: impl std::error::Error + Send + Sync + 'static,
    ) -> Self {
        Self {
            message: message.into(),
            source: Some(Box::new(source)),
        }
    }
}

#[cfg(test)]
mod client_error_tests {
    use super::*;

    fn assert_send_sync_static<T: Send + Sync + 'static + std::error::Error>() {}

    #[test]
    fn the_error_is_send_sync_and_static() {
        assert_send_sync_static::<Error>();
    }

    #[test]
    fn retryable_and_codes() {
        let api = |code: ApiErrorCode| {
            Error::Api(ApiError {
                method: "crm.deal.add".into(),
                code,
                description: None,
                status: Some(503),
            })
        };
        assert!(api(ApiErrorCode::QueryLimitExceeded).is_retryable());
        assert!(api(ApiErrorCode::OperationTimeLimit).is_retryable());
        assert!(api(ApiErrorCode::ExpiredToken).is_retryable());
        assert!(!api(ApiErrorCode::OverloadLimit).is_retryable());
        assert!(!api(ApiErrorCode::InternalServerError).is_retryable());
        assert_eq!(
            api(ApiErrorCode::AccessDenied).api_code(),
            Some(&ApiErrorCode::AccessDenied)
        );
        let fate = Error::FateUnknown {
            method: "crm.deal.add".into(),
            reason: "no reply within the timeout".into(),
        };
        assert!(fate.is_fate_unknown() && !fate.is_retryable() && fate.api_code().is_none());
        assert!(fate.to_string().contains("not repeated"));
        let http = |status| Error::Http {
            method: "m".into(),
            status,
            reason: "r".into(),
        };
        assert!(http(502).is_retryable() && http(429).is_retryable() && !http(404).is_retryable());
        assert!(
            Error::Timeout { method: "m".into() }.is_retryable()
                && Error::Connect {
                    method: "m".into(),
                    reason: "refused".into()
                }
                .is_retryable()
        );
    }
}
