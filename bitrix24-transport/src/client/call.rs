//! The [`Client`] and one call through it: the rate limit, the credentials, sending,
//! reading the reply, and what the retry rule says about each failed attempt.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use super::operating::{OperatingTime, unix_now_f64};
use super::request::{AuthState, Params, idempotency_key, redact};
use crate::auth::Tokens;
use crate::auth::refresh::OAuthState;
use crate::envelope::{Response, decode_named};
use crate::error::{ApiErrorCode, Error};
use crate::http::{self, SendError};
use crate::idempotency::Idempotency;
use crate::limiter::Limiter;
use crate::method::{ApiVersion, CallKind, Method};
use crate::retry::{Decision, Failure, RetryPolicy, decide, retry_kind};

/// Per-call settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// The time one attempt may take (sending and reading the reply), instead of the
    /// client's. Waiting for the rate limit or a retry is not counted.
    pub timeout: Option<Duration>,
    /// The retry policy for this call, instead of the client's.
    pub retry: Option<RetryPolicy>,
    /// The `Idempotency-Key` of a REST 3.0 call. By default ([`Idempotency::Auto`]) every
    /// REST 3.0 write gets a fresh key, sent again on each retry of the call, which makes
    /// a lost reply safe to retry instead of [`Error::FateUnknown`]; see
    /// [`crate::idempotency`].
    pub idempotency: Idempotency,
}

/// A Bitrix24 REST client. Cheap to clone: clones share the HTTP connection pool, the
/// rate limiter and the OAuth token state.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    auth: AuthState,
    limiter: Option<Arc<dyn Limiter>>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    /// The operating-time limit per method.
    operating: OperatingTime,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Client");
        match &self.inner.auth {
            AuthState::Webhook(webhook) => out.field("auth", webhook),
            AuthState::OAuth(oauth) => out.field("auth", oauth.app()),
        };
        out.field("limiter", &self.inner.limiter)
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A client over the parts [`ClientBuilder`](super::ClientBuilder) made.
    pub(super) fn new(
        http: reqwest::Client,
        auth: AuthState,
        limiter: Option<Arc<dyn Limiter>>,
        retry: RetryPolicy,
        timeout: Option<Duration>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                http,
                auth,
                limiter,
                retry,
                timeout,
                operating: OperatingTime::default(),
            }),
        }
    }

    /// Call a method.
    pub async fn call<M: Method>(&self, request: &M) -> Result<Response<M::Response>, Error> {
        self.call_with(request, CallOptions::default()).await
    }

    /// Call a method with per-call options.
    pub async fn call_with<M: Method>(
        &self,
        request: &M,
        options: CallOptions,
    ) -> Result<Response<M::Response>, Error> {
        let params = serde_json::to_value(request).map_err(|err| Error::Encode {
            method: M::NAME.to_owned(),
            reason: err.to_string(),
        })?;
        self.execute(M::NAME, M::KIND, M::API, Params::Json(params), options)
            .await
    }

    /// Call a method by name with JSON parameters (for methods without bindings).
    pub async fn call_raw(
        &self,
        method: &str,
        params: Value,
        kind: CallKind,
    ) -> Result<Response<Value>, Error> {
        self.call_raw_with(
            method,
            params,
            kind,
            ApiVersion::Classic,
            CallOptions::default(),
        )
        .await
    }

    /// [`Client::call_raw`] with the API generation and per-call options.
    pub async fn call_raw_with(
        &self,
        method: &str,
        params: Value,
        kind: CallKind,
        api: ApiVersion,
        options: CallOptions,
    ) -> Result<Response<Value>, Error> {
        let valid = !method.is_empty()
            && method
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
            && !method.starts_with('.');
        if !valid {
            return Err(Error::Encode {
                method: method.chars().take(64).collect(),
                reason: "a method name is letters, digits, `.`, `_` and `-`".into(),
            });
        }
        self.execute(method, kind, api, Params::Json(params), options)
            .await
    }

    /// Send one classic call whose top-level parameters are written in the given order
    /// (a `batch` must keep its commands' order; `Value` sorts keys), with the same rate
    /// limit, retries and auth as every other call.
    pub(crate) async fn call_ordered<T: DeserializeOwned>(
        &self,
        method: &str,
        kind: CallKind,
        params: Vec<(String, Box<RawValue>)>,
        options: CallOptions,
    ) -> Result<Response<T>, Error> {
        self.execute(
            method,
            kind,
            ApiVersion::Classic,
            Params::Ordered(params),
            options,
        )
        .await
    }

    /// Exchange an authorisation code for tokens (OAuth clients only). The tokens are
    /// saved to the store and used by every later call.
    pub async fn exchange_code(&self, code: &str) -> Result<Tokens, Error> {
        self.oauth()?.exchange_code(code).await
    }

    /// Refresh the tokens now (OAuth clients only), saving the new pair before using it.
    pub async fn refresh_tokens(&self) -> Result<(), Error> {
        self.oauth()?.refresh_now().await
    }

    /// The tokens in use now (OAuth clients that have loaded or received tokens).
    pub fn tokens(&self) -> Option<Tokens> {
        match &self.inner.auth {
            AuthState::OAuth(oauth) => oauth.tokens(),
            AuthState::Webhook(_) => None,
        }
    }

    fn oauth(&self) -> Result<&OAuthState, Error> {
        match &self.inner.auth {
            AuthState::OAuth(oauth) => Ok(oauth),
            AuthState::Webhook(_) => Err(Error::OAuth {
                code: "not_oauth".into(),
                description: Some("this client authorises with a webhook".into()),
            }),
        }
    }

    async fn execute<T: DeserializeOwned>(
        &self,
        method: &str,
        kind: CallKind,
        api: ApiVersion,
        params: Params,
        options: CallOptions,
    ) -> Result<Response<T>, Error> {
        let inner = &*self.inner;
        let policy = options.retry.unwrap_or(inner.retry);
        let timeout = options.timeout.or(inner.timeout);
        let params = match params {
            Params::Json(Value::Null) => Params::Json(Value::Object(serde_json::Map::new())),
            params @ (Params::Json(Value::Object(_) | Value::Array(_)) | Params::Ordered(_)) => {
                params
            }
            Params::Json(_) => {
                return Err(Error::Encode {
                    method: method.to_owned(),
                    reason: "the parameters must serialise to an object, an array or null".into(),
                });
            }
        };
        // One key per logical call, sent again on every attempt of it.
        let key = idempotency_key(method, kind, api, options.idempotency)?;
        let mut attempt: u32 = 0;
        let mut refreshed = false;
        loop {
            attempt += 1;
            if let Some(wait) = inner.operating.blocked_for(method) {
                if wait <= policy.max_operation_wait {
                    tokio::time::sleep(wait).await;
                }
            }
            if let Some(limiter) = &inner.limiter {
                limiter.acquire(method).await?;
            }
            let prepared = inner.auth.prepare(method, api, &params).await?;
            let outcome = http::post_json(
                &inner.http,
                prepared.url,
                prepared.body,
                timeout,
                key.as_ref(),
            )
            .await;
            let (failure_kind, error, reset_at) = match outcome {
                Ok((status, body)) => match decode_named::<T>(method, &body, Some(status)) {
                    Ok(response) => {
                        inner.operating.remember(method, response.time.as_ref());
                        if let (Some(limiter), Some(time)) = (&inner.limiter, &response.time) {
                            limiter.observe(method, time);
                        }
                        return Ok(response);
                    }
                    Err(Ok(api_error)) => {
                        let reset_at = (api_error.code == ApiErrorCode::OperationTimeLimit)
                            .then(|| crate::envelope::operating_reset_at(&body))
                            .flatten();
                        (FailureKind::Api(status), Error::Api(api_error), reset_at)
                    }
                    Err(Err(decode)) if status >= 400 => (
                        FailureKind::Http(status),
                        Error::Http {
                            method: method.to_owned(),
                            status,
                            reason: decode.reason,
                        },
                        None,
                    ),
                    Err(Err(decode)) => return Err(Error::Decode(decode)),
                },
                Err(failed) => {
                    let failure_kind = match &failed {
                        SendError::NotSent(_) => FailureKind::NotSent,
                        SendError::Timeout => FailureKind::Timeout,
                        SendError::Dropped(_) => FailureKind::Dropped,
                    };
                    let error = failed.into_error(method, |reason| redact(reason, &prepared.token));
                    (failure_kind, error, None)
                }
            };
            let failure = match (&failure_kind, &error) {
                (FailureKind::Api(status), Error::Api(api_error)) => {
                    Failure::Api(&api_error.code, Some(*status))
                }
                (FailureKind::Http(status), _) => Failure::Http(*status),
                (FailureKind::NotSent, _) => Failure::NotSent,
                (FailureKind::Timeout, _) => Failure::Timeout,
                _ => Failure::Dropped,
            };
            let exhausted = attempt >= policy.max_attempts.max(1);
            match decide(retry_kind(kind, key.is_some(), failure, timeout), failure) {
                Decision::Fail => return Err(error),
                Decision::FateUnknown => {
                    let mut reason = match error {
                        Error::Timeout { .. } => "no reply within the timeout".to_owned(),
                        Error::Http { status, reason, .. } => {
                            format!("HTTP {status}: {reason}")
                        }
                        Error::Transport { reason, .. } => reason,
                        other => other.to_string(),
                    };
                    if let Some(key) = &key {
                        // The caller can still settle it: a repeat with this key returns
                        // the stored reply if the first attempt ran.
                        reason.push_str(&format!(
                            "; repeat it with Idempotency-Key `{key}` to run it at most once"
                        ));
                    }
                    return Err(Error::FateUnknown {
                        method: method.to_owned(),
                        reason,
                    });
                }
                Decision::Refresh => {
                    let AuthState::OAuth(oauth) = &inner.auth else {
                        return Err(error);
                    };
                    if refreshed {
                        return Err(error);
                    }
                    refreshed = true;
                    // The portal did not execute the call: refresh once, repeat it, and
                    // do not count the attempt.
                    oauth.refresh_after_expiry(prepared.generation).await?;
                    attempt -= 1;
                }
                Decision::QueryLimit => {
                    if let Some(limiter) = &inner.limiter {
                        limiter.saturate().await;
                    }
                    if exhausted {
                        return Err(error);
                    }
                    tokio::time::sleep(policy.backoff(attempt)).await;
                }
                Decision::OperationLimit => {
                    if exhausted {
                        return Err(error);
                    }
                    let reset_at = reset_at.or_else(|| inner.operating.last_reset(method));
                    let wait = match reset_at {
                        Some(reset_at) => {
                            let wait = reset_at - unix_now_f64();
                            if wait > policy.max_operation_wait.as_secs_f64() {
                                return Err(error);
                            }
                            inner.operating.block(method, reset_at);
                            // A reset already past: the block should be gone; a short pause.
                            Duration::try_from_secs_f64(wait.max(0.0))
                                .unwrap_or(Duration::ZERO)
                                .max(Duration::from_millis(50))
                        }
                        None => policy.backoff(attempt),
                    };
                    tokio::time::sleep(wait).await;
                }
                Decision::Backoff => {
                    if exhausted {
                        return Err(error);
                    }
                    tokio::time::sleep(policy.backoff(attempt)).await;
                }
            }
        }
    }
}

enum FailureKind {
    Api(u16),
    Http(u16),
    NotSent,
    Timeout,
    Dropped,
}
