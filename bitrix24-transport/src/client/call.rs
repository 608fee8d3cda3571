//! The [`Client`] and one call through it: the rate limit, the credentials, sending,
//! reading the reply, and what the retry rule says about each failed attempt.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;
use tracing::{Instrument, field};

use super::deadline::Deadline;
use super::operating::{OperatingTime, unix_now_f64};
use super::request::{AuthState, Params, idempotency_key, redact};
use crate::auth::Tokens;
use crate::auth::refresh::OAuthState;
use crate::envelope::{Response, decode_named, decode_shared};
use crate::error::{ApiErrorCode, Error};
use crate::http::{self, SendError};
use crate::idempotency::Idempotency;
use crate::limiter::Limiter;
use crate::method::{ApiVersion, CallKind, Method, encode_params};
use crate::record::{Body, Spares};
use crate::retry::{Decision, Failure, RetryPolicy, decide, retry_kind};

/// Per-call settings.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// The time one attempt may take (sending and reading the reply), instead of the
    /// client's. Waiting for the rate limit or a retry is not counted.
    pub timeout: Option<Duration>,
    /// The time the whole call may take, instead of the client's
    /// ([`DEFAULT_DEADLINE`](super::DEFAULT_DEADLINE) unless the builder set another):
    /// every attempt, backoff and wait for the rate limit or an operating-time block
    /// together. The last attempt's timeout is cut to the time left, and a wait that would
    /// end after it returns at once ([`Error::Deadline`], or the failure as it is when the
    /// method may have run). A token refresh under way is not cut short.
    pub deadline: Option<Duration>,
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
    deadline: Option<Duration>,
    /// The largest reply read.
    max_reply_bytes: u64,
    /// The operating-time limit per method.
    operating: OperatingTime,
    /// Buffers of replies no longer used, to read later replies into.
    spares: Arc<Spares>,
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
            .field("deadline", &self.inner.deadline)
            .field("max_reply_bytes", &self.inner.max_reply_bytes)
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
        deadline: Option<Duration>,
        max_reply_bytes: u64,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                http,
                auth,
                limiter,
                retry,
                timeout,
                deadline,
                max_reply_bytes,
                operating: OperatingTime::default(),
                spares: Arc::default(),
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
        let params = encode_params(request).map_err(|reason| Error::Encode {
            method: M::NAME.to_owned(),
            reason,
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

    /// One call, in its `bitrix24.call` span: the method, API generation and kind at the
    /// start; the portal's host, the requests sent, the last HTTP status, the time spent
    /// waiting for the rate limit and the method's `operating` time as they become known;
    /// the duration and the outcome (`ok`, or the error, which holds no secret) at the end.
    async fn execute<T: DeserializeOwned>(
        &self,
        method: &str,
        kind: CallKind,
        api: ApiVersion,
        params: Params,
        options: CallOptions,
    ) -> Result<Response<T>, Error> {
        let span = tracing::info_span!(
            "bitrix24.call",
            method,
            api = ?api,
            kind = ?kind,
            host = field::Empty,
            attempts = field::Empty,
            status = field::Empty,
            rate_limit_wait_ms = field::Empty,
            operating = field::Empty,
            duration_ms = field::Empty,
            outcome = field::Empty,
        );
        let start = Instant::now();
        let result = self
            .attempts(method, kind, api, params, options, &span)
            .instrument(span.clone())
            .await;
        span.record("duration_ms", millis(start.elapsed()));
        match &result {
            Ok(_) => span.record("outcome", "ok"),
            Err(err) => span.record("outcome", field::display(err)),
        };
        result
    }

    /// The attempts of one call, as the retry rule and the deadline allow.
    async fn attempts<T: DeserializeOwned>(
        &self,
        method: &str,
        kind: CallKind,
        api: ApiVersion,
        params: Params,
        options: CallOptions,
        span: &tracing::Span,
    ) -> Result<Response<T>, Error> {
        let inner = &*self.inner;
        let policy = options.retry.unwrap_or(inner.retry);
        let timeout = options.timeout.or(inner.timeout);
        let deadline = Deadline::starting_now(options.deadline.or(inner.deadline));
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
        // Counted attempts (failures whose outcome is open), and requests sent in all.
        let mut attempt: u32 = 0;
        let mut sent: u32 = 0;
        // Not-executed refusals in a row, for the backoff without a client-side bucket.
        let mut refusals: u32 = 0;
        let mut refreshed = false;
        let mut rate_limit_wait = Duration::ZERO;
        let past_deadline = |sent: u32, last: String| Error::Deadline {
            method: method.to_owned(),
            deadline: deadline.total().unwrap_or_default(),
            attempts: sent,
            last,
        };
        loop {
            attempt += 1;
            if let Some(wait) = inner.operating.blocked_for(method) {
                if wait <= policy.max_operation_wait && !deadline.sleep(wait).await {
                    return Err(past_deadline(
                        sent,
                        format!("`{method}` is blocked by the operating-time limit for {wait:?}"),
                    ));
                }
            }
            if let Some(limiter) = &inner.limiter {
                match limiter.acquire_within(method, deadline.remaining()).await? {
                    Ok(waited) => {
                        if waited >= Duration::from_millis(1) {
                            rate_limit_wait += waited;
                            span.record("rate_limit_wait_ms", millis(rate_limit_wait));
                        }
                    }
                    Err(wait) => {
                        return Err(past_deadline(
                            sent,
                            format!("the rate limit's wait of {wait:?} ends after the deadline"),
                        ));
                    }
                }
            }
            if deadline.passed() {
                return Err(past_deadline(sent, "no time left for an attempt".into()));
            }
            // A token refresh is not cut short by the deadline: a refresh token spent on
            // a reply that is then dropped would be lost for good.
            let prepared = inner.auth.prepare(method, api, &params).await?;
            let attempt_timeout = deadline.attempt_timeout(timeout);
            sent += 1;
            if sent == 1 {
                // The host only: the URL's path or query may hold the webhook's secret.
                span.record("host", prepared.url.host_str().unwrap_or_default());
            }
            span.record("attempts", sent);
            let attempt_start = Instant::now();
            let outcome = http::post_json(
                &inner.http,
                prepared.url,
                prepared.body,
                attempt_timeout,
                key.as_ref(),
                inner.max_reply_bytes,
                Some(&inner.spares),
            )
            .await;
            let status = outcome.as_ref().ok().map(|(status, _)| *status);
            if let Some(status) = status {
                span.record("status", status);
            }
            tracing::debug!(
                attempt = sent,
                status,
                duration_ms = millis(attempt_start.elapsed()),
                timeout_ms = attempt_timeout.map(millis),
                "bitrix24 attempt"
            );
            let (failure_kind, error, reset_at) = match outcome {
                Ok((status, body)) => match decode_body::<T>(method, body, status, &inner.spares) {
                    (_, Ok(response)) => {
                        inner.operating.remember(method, response.time.as_ref());
                        if let Some(operating) = response.time.as_ref().and_then(|t| t.operating) {
                            span.record("operating", operating);
                        }
                        if let (Some(limiter), Some(time)) = (&inner.limiter, &response.time) {
                            limiter.observe(method, time);
                        }
                        return Ok(response);
                    }
                    (body, Err(Ok(api_error))) => {
                        let reset_at = (api_error.code == ApiErrorCode::OperationTimeLimit)
                            .then(|| crate::envelope::operating_reset_at(body.as_bytes()))
                            .flatten();
                        (FailureKind::Api(status), Error::Api(api_error), reset_at)
                    }
                    (_, Err(Err(decode))) if status >= 400 => (
                        FailureKind::Http(status),
                        Error::Http {
                            method: method.to_owned(),
                            status,
                            reason: decode.reason,
                        },
                        None,
                    ),
                    (_, Err(Err(decode))) => return Err(Error::Decode(decode)),
                },
                // The method ran and answered; its reply is not read. Nothing to repeat.
                Err(too_large @ SendError::TooLarge { .. }) => {
                    return Err(too_large.into_error(method, |reason| reason));
                }
                Err(failed) => {
                    let failure_kind = match &failed {
                        SendError::Refused(_) => FailureKind::Refused,
                        SendError::NotSent(_) => FailureKind::NotSent,
                        SendError::Timeout => FailureKind::Timeout,
                        SendError::Dropped(_) | SendError::TooLarge { .. } => FailureKind::Dropped,
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
                (FailureKind::Refused, _) => Failure::Refused,
                (FailureKind::NotSent, _) => Failure::NotSent,
                (FailureKind::Timeout, _) => Failure::Timeout,
                _ => Failure::Dropped,
            };
            let exhausted = attempt >= policy.max_attempts.max(1);
            let decision = decide(
                retry_kind(kind, key.is_some(), failure, attempt_timeout),
                failure,
            );
            // Refusals that prove the method did not run are repeated until the deadline.
            let not_executed = matches!(
                decision,
                Decision::NotSent | Decision::QueryLimit | Decision::OperationLimit
            );
            if not_executed {
                // A policy of one attempt is the explicit "never repeat".
                if policy.max_attempts <= 1 {
                    return Err(error);
                }
                attempt -= 1;
                refusals += 1;
            } else {
                refusals = 0;
            }
            let wait = match decision {
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
                    Duration::ZERO
                }
                Decision::QueryLimit => match &inner.limiter {
                    // The limiter paces the repeat (its slot comes at the drain rate after
                    // every request already waiting); the jitter of up to one slot keeps
                    // uncoordinated clients from answering a refusal in lockstep.
                    Some(limiter) => {
                        limiter.saturate().await;
                        limiter.slot_interval().mul_f64(fastrand::f64())
                    }
                    None => refusal_backoff(&policy, refusals),
                },
                Decision::OperationLimit => {
                    let reset_at = reset_at.or_else(|| inner.operating.last_reset(method));
                    match reset_at {
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
                        None => refusal_backoff(&policy, refusals),
                    }
                }
                Decision::NotSent => refusal_backoff(&policy, refusals),
                Decision::Backoff => {
                    if exhausted {
                        return Err(error);
                    }
                    policy.backoff(attempt)
                }
            };
            tracing::info!(
                attempt = sent,
                reason = %error,
                decision = ?decision,
                wait_ms = millis(wait),
                "bitrix24 retry"
            );
            if !deadline.sleep(wait).await {
                // A wait past the deadline cannot end in success: return now. A failure
                // after which a repeat was safe says the deadline ended the call.
                return Err(if not_executed || decision == Decision::Backoff {
                    past_deadline(sent, error.to_string())
                } else {
                    error
                });
            }
        }
    }
}

/// A duration in whole milliseconds, for span fields.
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The shortest wait before repeating a refused call: refusals are repeated until the
/// deadline, and a policy with no delay must not turn that into a busy loop.
const MIN_REFUSAL_WAIT: Duration = Duration::from_millis(100);

/// The wait before repeating after the `refusals`-th refusal in a row (without a
/// client-side bucket to pace it).
fn refusal_backoff(policy: &RetryPolicy, refusals: u32) -> Duration {
    policy.backoff(refusals).max(MIN_REFUSAL_WAIT)
}

enum FailureKind {
    Api(u16),
    Http(u16),
    Refused,
    NotSent,
    Timeout,
    Dropped,
}

/// A reply's body as read: text (nearly always), or bytes that are not UTF-8.
enum ReadBody {
    Text(Arc<Body>),
    Bytes(Vec<u8>),
}

impl ReadBody {
    fn as_bytes(&self) -> &[u8] {
        match self {
            Self::Text(text) => text.as_bytes(),
            Self::Bytes(bytes) => bytes,
        }
    }
}

/// Decode a reply's body, keeping it when it is text: the records a list result keeps as
/// they came are ranges of it ([`RawRecord`](crate::RawRecord)), and its buffer goes back
/// to `spares` when the last of them is dropped. A body that is not UTF-8 is read as
/// bytes, for the decoder to say where.
fn decode_body<T: DeserializeOwned>(
    method: &str,
    body: Vec<u8>,
    status: u16,
    spares: &Arc<Spares>,
) -> (
    ReadBody,
    Result<Response<T>, Result<crate::error::ApiError, crate::error::DecodeError>>,
) {
    match String::from_utf8(body) {
        Ok(text) => {
            let text = Arc::new(Body::returned_to(text, spares));
            let decoded = decode_shared(method, &text, Some(status));
            (ReadBody::Text(text), decoded)
        }
        Err(err) => {
            let bytes = err.into_bytes();
            let decoded = decode_named(method, &bytes, Some(status));
            (ReadBody::Bytes(bytes), decoded)
        }
    }
}
