//! The HTTP client: calls REST methods over a webhook or OAuth tokens, with the portal's
//! rate limit kept on the client side, token refresh and retries.
//!
//! ```no_run
//! # async fn demo() -> Result<(), bitrix24_transport::error::Error> {
//! use bitrix24_transport::client::Client;
//! use bitrix24_transport::CallKind;
//!
//! let client = Client::webhook("https://example.bitrix24.com/rest/1/abc123/")?;
//! let reply = client
//!     .call_raw("crm.deal.get", serde_json::json!({"id": 1}), CallKind::Read)
//!     .await?;
//! println!("{}", reply.result["TITLE"]);
//! # Ok(()) }
//! ```

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::Url;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::auth::refresh::OAuthState;
use crate::auth::{OAuthApp, TokenStore, Tokens, Webhook};
use crate::envelope::{Response, decode_named};
use crate::error::{ApiErrorCode, Error};
use crate::http::{self, SendError, describe};
use crate::idempotency::{Idempotency, IdempotencyKey};
use crate::method::{ApiVersion, CallKind, Method};
use crate::ratelimit::{BucketConfig, RateLimiter};
use crate::retry::{Decision, Failure, RetryPolicy, decide, retry_kind};

/// The default time a call may take: the cloud's 60-second limit plus slack.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(70);
/// The default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long before its expiry an access token is refreshed (at most a fifth of its life).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

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

/// How the client authorises its calls.
#[derive(Clone)]
pub enum Auth {
    /// An incoming webhook: the secret is in the URL.
    Webhook(Webhook),
    /// OAuth 2.0: an access token in the `auth` parameter, refreshed as needed.
    OAuth {
        /// The application.
        app: OAuthApp,
        /// Where the tokens are kept; the rotated pair is saved here before it is used.
        store: Arc<dyn TokenStore>,
    },
}

impl Auth {
    /// OAuth with a token store.
    pub fn oauth(app: OAuthApp, store: impl TokenStore + 'static) -> Self {
        Self::OAuth {
            app,
            store: Arc::new(store),
        }
    }
}

impl fmt::Debug for Auth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Webhook(webhook) => f.debug_tuple("Webhook").field(webhook).finish(),
            Self::OAuth { app, .. } => f
                .debug_struct("OAuth")
                .field("app", app)
                .finish_non_exhaustive(),
        }
    }
}

/// Builds a [`Client`].
#[derive(Debug)]
pub struct ClientBuilder {
    auth: Auth,
    limiter: Option<RateLimiter>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    connect_timeout: Duration,
    refresh_margin: Duration,
    user_agent: String,
    root_certificates: Vec<reqwest::Certificate>,
}

impl ClientBuilder {
    /// A builder with the defaults: the standard rate-limit bucket, [`RetryPolicy::DEFAULT`],
    /// [`DEFAULT_TIMEOUT`].
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            limiter: Some(RateLimiter::new(BucketConfig::STANDARD)),
            retry: RetryPolicy::DEFAULT,
            timeout: Some(DEFAULT_TIMEOUT),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            refresh_margin: DEFAULT_REFRESH_MARGIN,
            user_agent: concat!("bitrix24-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            root_certificates: Vec::new(),
        }
    }

    /// Also trust the root certificate(s) in `pem` (one or more `BEGIN CERTIFICATE`
    /// blocks), besides the system's roots: for an on-premise portal whose certificate is
    /// issued by the company's own authority or is self-signed.
    ///
    /// The portal's certificate is still fully verified (chain, validity, host name)
    /// against the system's roots plus these; there is no option to accept any
    /// certificate.
    ///
    /// ```no_run
    /// # fn demo() -> Result<(), bitrix24_transport::Error> {
    /// use bitrix24_transport::{auth::Webhook, Auth, Client};
    ///
    /// let pem = std::fs::read("/etc/bitrix24/company-root.pem").expect("the root certificate");
    /// let client = Client::builder(Auth::Webhook(Webhook::parse(
    ///     "https://b24.corp.example/rest/1/abc123/",
    /// )?))
    /// .add_root_certificate_pem(&pem)?
    /// .build()?;
    /// # Ok(()) }
    /// ```
    pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Result<Self, Error> {
        let certificates =
            reqwest::Certificate::from_pem_bundle(pem).map_err(|err| Error::Config {
                reason: format!("the root certificate is not PEM: {}", describe(err)),
            })?;
        if certificates.is_empty() {
            return Err(Error::Config {
                reason: "the root certificate PEM holds no `BEGIN CERTIFICATE` block".into(),
            });
        }
        self.root_certificates.extend(certificates);
        Ok(self)
    }

    /// The client-side leaky bucket (`None` turns the client-side limit off).
    pub fn rate_limit(mut self, bucket: Option<BucketConfig>) -> Self {
        self.limiter = bucket.map(RateLimiter::new);
        self
    }

    /// Share a limiter with other clients of the same portal.
    pub fn rate_limiter(mut self, limiter: RateLimiter) -> Self {
        self.limiter = Some(limiter);
        self
    }

    /// The retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// The time one attempt may take (`None`: no limit).
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time to establish a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long before its expiry an access token is refreshed.
    pub fn refresh_margin(mut self, margin: Duration) -> Self {
        self.refresh_margin = margin;
        self
    }

    /// The `User-Agent` header.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Build the client.
    pub fn build(self) -> Result<Client, Error> {
        // reqwest is built without a default crypto provider (see Cargo.toml); install
        // ring's once per process. An error means one is installed already: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder()
            .user_agent(self.user_agent)
            .connect_timeout(self.connect_timeout)
            .pool_idle_timeout(Duration::from_secs(30))
            .tls_certs_merge(self.root_certificates)
            .build()
            .map_err(|err| Error::Config {
                reason: describe(err),
            })?;
        let auth = match self.auth {
            Auth::Webhook(webhook) => AuthState::Webhook(webhook),
            Auth::OAuth { app, store } => AuthState::OAuth(Box::new(OAuthState::new(
                app,
                store,
                self.refresh_margin,
                http.clone(),
                self.timeout,
                self.retry,
            ))),
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                auth,
                limiter: self.limiter,
                retry: self.retry,
                timeout: self.timeout,
                operating: Mutex::new(HashMap::new()),
                blocked: Mutex::new(HashMap::new()),
            }),
        })
    }
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
    limiter: Option<RateLimiter>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    /// The last `time.operating_reset_at` seen per method.
    operating: Mutex<HashMap<String, f64>>,
    /// Methods blocked by `OPERATION_TIME_LIMIT`, until when (Unix time): other calls of
    /// the method wait too instead of earning the same refusal.
    blocked: Mutex<HashMap<String, f64>>,
}

enum AuthState {
    Webhook(Webhook),
    OAuth(Box<OAuthState>),
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("Client");
        match &self.inner.auth {
            AuthState::Webhook(webhook) => out.field("auth", webhook),
            AuthState::OAuth(oauth) => out.field("auth", oauth.app()),
        };
        out.field(
            "rate_limit",
            &self.inner.limiter.as_ref().map(RateLimiter::config),
        )
        .field("retry", &self.inner.retry)
        .field("timeout", &self.inner.timeout)
        .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder.
    pub fn builder(auth: Auth) -> ClientBuilder {
        ClientBuilder::new(auth)
    }

    /// A client with the defaults for a webhook URL as an administrator copies it.
    pub fn webhook(url: &str) -> Result<Self, Error> {
        ClientBuilder::new(Auth::Webhook(Webhook::parse(url)?)).build()
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
            if let Some(wait) = self.blocked_for(method) {
                if wait <= policy.max_operation_wait {
                    tokio::time::sleep(wait).await;
                }
            }
            if let Some(limiter) = &inner.limiter {
                limiter.acquire().await;
            }
            let prepared = self.prepare(method, api, &params).await?;
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
                        self.remember_operating(method, response.time.as_ref());
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
                    let error =
                        failed.into_error(method, |reason| self.redact(reason, &prepared.token));
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
                        limiter.saturate();
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
                    let reset_at = reset_at.or_else(|| self.last_operating_reset(method));
                    let wait = match reset_at {
                        Some(reset_at) => {
                            let wait = reset_at - unix_now_f64();
                            if wait > policy.max_operation_wait.as_secs_f64() {
                                return Err(error);
                            }
                            self.block(method, reset_at);
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

    /// The URL and body of one attempt, with the current credentials.
    async fn prepare(
        &self,
        method: &str,
        api: ApiVersion,
        params: &Params,
    ) -> Result<Prepared, Error> {
        match &self.inner.auth {
            AuthState::Webhook(webhook) => Ok(Prepared {
                url: webhook.method_url(method, api)?,
                body: match params {
                    Params::Json(params) => encode_body(method, params)?,
                    Params::Ordered(entries) => encode_ordered(method, entries, None)?,
                },
                generation: 0,
                token: Some(webhook.secret().expose().to_owned()),
            }),
            AuthState::OAuth(oauth) => {
                let current = oauth.credentials().await?;
                let path = match api {
                    ApiVersion::Classic => format!("{method}.json"),
                    ApiVersion::V3 => format!("api/{method}"),
                };
                let mut url = current
                    .endpoint
                    .join(&path)
                    .map_err(|_| Error::InvalidUrl {
                        reason: format!(
                            "cannot build the URL of `{method}` from the client endpoint"
                        ),
                    })?;
                let token = current.tokens.access_token.expose();
                let body = match params {
                    Params::Ordered(entries) => encode_ordered(method, entries, Some(token))?,
                    Params::Json(Value::Object(map)) => {
                        let mut map = map.clone();
                        map.insert("auth".into(), Value::String(token.to_owned()));
                        encode_body(method, &Value::Object(map))?
                    }
                    // Positional parameters cannot take a named `auth`: pass it in the query.
                    Params::Json(other) => {
                        url.query_pairs_mut().append_pair("auth", token);
                        encode_body(method, other)?
                    }
                };
                Ok(Prepared {
                    url,
                    body,
                    generation: current.generation,
                    token: Some(token.to_owned()),
                })
            }
        }
    }

    fn redact(&self, text: String, secret: &Option<String>) -> String {
        match secret {
            Some(secret) if !secret.is_empty() && text.contains(secret.as_str()) => {
                text.replace(secret.as_str(), "***")
            }
            _ => text,
        }
    }

    fn remember_operating(&self, method: &str, time: Option<&crate::Time>) {
        if let Some(reset_at) = time.and_then(|time| time.operating_reset_at) {
            let mut map = self
                .inner
                .operating
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(slot) = map.get_mut(method) {
                *slot = reset_at;
            } else {
                map.insert(method.to_owned(), reset_at);
            }
        }
    }

    /// Record that `method` is blocked until `until` (Unix time).
    fn block(&self, method: &str, until: f64) {
        let mut map = self
            .inner
            .blocked
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let slot = map.entry(method.to_owned()).or_insert(until);
        *slot = slot.max(until);
    }

    /// How long `method` is still blocked by `OPERATION_TIME_LIMIT`, if it is.
    fn blocked_for(&self, method: &str) -> Option<Duration> {
        let mut map = self
            .inner
            .blocked
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let until = *map.get(method)?;
        let left = until - unix_now_f64();
        if left > 0.0 {
            Duration::try_from_secs_f64(left).ok()
        } else {
            map.remove(method);
            None
        }
    }

    fn last_operating_reset(&self, method: &str) -> Option<f64> {
        self.inner
            .operating
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(method)
            .copied()
    }
}

struct Prepared {
    url: Url,
    body: Vec<u8>,
    /// The token generation used (OAuth), to make refreshes single-flight.
    generation: u64,
    /// The secret in the URL or body, to scrub from error text.
    token: Option<String>,
}

enum FailureKind {
    Api(u16),
    Http(u16),
    NotSent,
    Timeout,
    Dropped,
}

/// The parameters of one call.
pub(crate) enum Params {
    /// As serialised (a JSON object, or an array for positional parameters).
    Json(Value),
    /// An object whose top-level entries are written in this order, each already JSON.
    Ordered(Vec<(String, Box<RawValue>)>),
}

/// An ordered object body, with `auth` first when given.
fn encode_ordered(
    method: &str,
    entries: &[(String, Box<RawValue>)],
    auth: Option<&str>,
) -> Result<Vec<u8>, Error> {
    let encode = |err: serde_json::Error| Error::Encode {
        method: method.to_owned(),
        reason: err.to_string(),
    };
    let mut body =
        Vec::with_capacity(64 + entries.iter().map(|(_, v)| v.get().len()).sum::<usize>());
    body.push(b'{');
    let mut first = true;
    let mut push = |body: &mut Vec<u8>, key: &str, value: &[u8]| -> Result<(), Error> {
        if !first {
            body.push(b',');
        }
        first = false;
        serde_json::to_writer(&mut *body, key).map_err(encode)?;
        body.push(b':');
        body.extend_from_slice(value);
        Ok(())
    };
    if let Some(token) = auth {
        let token = serde_json::to_vec(token).map_err(encode)?;
        push(&mut body, "auth", &token)?;
    }
    for (key, value) in entries {
        if auth.is_some() && key == "auth" {
            continue;
        }
        push(&mut body, key, value.get().as_bytes())?;
    }
    body.push(b'}');
    Ok(body)
}

fn encode_body(method: &str, params: &Value) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(params).map_err(|err| Error::Encode {
        method: method.to_owned(),
        reason: err.to_string(),
    })
}

fn unix_now_f64() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// The `Idempotency-Key` a call carries (see [`crate::idempotency`]).
fn idempotency_key(
    method: &str,
    kind: CallKind,
    api: ApiVersion,
    idempotency: Idempotency,
) -> Result<Option<IdempotencyKey>, Error> {
    match (api, idempotency) {
        (_, Idempotency::Off) | (ApiVersion::Classic, Idempotency::Auto) => Ok(None),
        (ApiVersion::Classic, Idempotency::Key(_)) => Err(Error::Encode {
            method: method.to_owned(),
            reason: "an idempotency key works only for REST 3.0 methods; the classic API \
                     would ignore it and could run the call twice"
                .into(),
        }),
        (ApiVersion::V3, Idempotency::Key(key)) => Ok(Some(key)),
        (ApiVersion::V3, Idempotency::Auto) => {
            Ok((kind != CallKind::Read).then(IdempotencyKey::generate))
        }
    }
}

// ---------------------------------------------------------------------------------------
// Blocking facade
// ---------------------------------------------------------------------------------------

/// A blocking facade over [`Client`]: each call runs on a current-thread Tokio runtime
/// the facade owns. For programs without an async runtime; calling it from inside one
/// returns [`Error::Config`] instead of blocking the runtime.
#[cfg(feature = "blocking")]
#[derive(Debug)]
pub struct BlockingClient {
    client: Client,
    runtime: tokio::runtime::Runtime,
}

#[cfg(feature = "blocking")]
impl BlockingClient {
    /// Build the client and its runtime.
    pub fn new(builder: ClientBuilder) -> Result<Self, Error> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|err| Error::Config {
                reason: format!("cannot start a runtime: {err}"),
            })?;
        let client = {
            let _entered = runtime.enter();
            builder.build()?
        };
        Ok(Self { client, runtime })
    }

    /// A blocking client with the defaults for a webhook URL.
    pub fn webhook(url: &str) -> Result<Self, Error> {
        Self::new(ClientBuilder::new(Auth::Webhook(Webhook::parse(url)?)))
    }

    /// The async client inside (clones share its pool, limiter and tokens).
    pub fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn block_on<T>(
        &self,
        future: impl std::future::Future<Output = Result<T, Error>>,
    ) -> Result<T, Error> {
        if tokio::runtime::Handle::try_current().is_ok() {
            return Err(Error::Config {
                reason: "BlockingClient was called inside an async runtime; use Client there"
                    .into(),
            });
        }
        self.runtime.block_on(future)
    }

    /// [`Client::call`], blocking.
    pub fn call<M: Method>(&self, request: &M) -> Result<Response<M::Response>, Error> {
        self.block_on(self.client.call(request))
    }

    /// [`Client::call_with`], blocking.
    pub fn call_with<M: Method>(
        &self,
        request: &M,
        options: CallOptions,
    ) -> Result<Response<M::Response>, Error> {
        self.block_on(self.client.call_with(request, options))
    }

    /// [`Client::call_raw`], blocking.
    pub fn call_raw(
        &self,
        method: &str,
        params: Value,
        kind: CallKind,
    ) -> Result<Response<Value>, Error> {
        self.block_on(self.client.call_raw(method, params, kind))
    }

    /// [`Client::exchange_code`], blocking.
    pub fn exchange_code(&self, code: &str) -> Result<Tokens, Error> {
        self.block_on(self.client.exchange_code(code))
    }
}
