//! The errors of the authorisation's own parts: a webhook URL that cannot be used, a
//! token store that failed.
//!
//! A leaf: it names nothing else of the crate, so that [`crate::error::Error`] can wrap
//! these errors while the rest of `auth` returns that `Error`.

/// Why a webhook URL cannot be used. Never includes the URL's path (it holds the secret).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookUrlError {
    /// The text is not a URL.
    #[error("the webhook URL is not a URL: {reason}")]
    NotAUrl {
        /// What the URL parser said (it does not echo the input).
        reason: String,
    },
    /// The scheme is neither `https` nor `http`.
    #[error("the webhook URL must start with https:// (found `{scheme}:`)")]
    UnsupportedScheme {
        /// The scheme found.
        scheme: String,
    },
    /// `http://` to a host that is not loopback, without `allow_insecure_http`.
    #[error(
        "the webhook URL uses plain http:// to `{host}`; the secret would travel unencrypted \
         (use https://, or allow insecure http explicitly)"
    )]
    InsecureHttp {
        /// The host.
        host: String,
    },
    /// The URL has no host.
    #[error("the webhook URL has no host")]
    MissingHost,
    /// The path has no `/rest/` segment.
    #[error(
        "the webhook URL has no `/rest/` segment (expected https://PORTAL/rest/USER_ID/SECRET/)"
    )]
    MissingRest,
    /// The path ends before the user id.
    #[error("the webhook URL has no user id (expected https://PORTAL/rest/USER_ID/SECRET/)")]
    MissingUserId,
    /// The user id is not a number.
    #[error(
        "the webhook URL's user id is not a number (expected https://PORTAL/rest/USER_ID/SECRET/)"
    )]
    NonNumericUserId,
    /// The path ends before the secret.
    #[error("the webhook URL has no secret code (expected https://PORTAL/rest/USER_ID/SECRET/)")]
    MissingSecret,
    /// More path follows the method name.
    #[error("the webhook URL has unexpected path segments after the secret code")]
    TrailingPath,
}

/// A token store failed. The message never holds a token.
#[derive(Debug, thiserror::Error)]
#[error("token store: {message}")]
pub struct TokenStoreError {
    message: String,
    #[source]
    source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
}

impl TokenStoreError {
    /// An error with a message (which must not contain a token).
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
