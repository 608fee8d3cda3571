//! Authorisation: incoming webhooks and OAuth 2.0 tokens, and where tokens are kept.
//!
//! Every secret (the webhook code, the access and refresh tokens, the client secret)
//! is held in a [`Secret`], whose `Debug` and `Display` print `***`.

use std::fmt;
use std::future::Future;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use reqwest::Url;
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::http::SendError;

/// A secret string: printed as `***` by `Debug` and `Display`.
///
/// [`Secret::expose`] gives the value for the one place that must send it.
/// It serialises as the plain string, so that a [`TokenStore`] can persist it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself. Never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

// ---------------------------------------------------------------------------------------
// Webhooks
// ---------------------------------------------------------------------------------------

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

/// Options for [`Webhook::parse_with`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WebhookOptions {
    /// Accept `http://` to any host (by default only loopback hosts may use it).
    pub allow_insecure_http: bool,
}

/// An incoming webhook: `https://PORTAL/rest/{user_id}/{secret}/`.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    /// Scheme, host, port and any path before `/rest/`, ending in `/`.
    portal: Url,
    user_id: u64,
    secret: Secret,
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("portal", &self.portal.as_str())
            .field("user_id", &self.user_id)
            .field("secret", &self.secret)
            .finish()
    }
}

impl Webhook {
    /// Parse the URL an administrator copies from the portal.
    ///
    /// Accepts `https://PORTAL/rest/1/SECRET/`, without the trailing slash, and with a
    /// method appended (`.../rest/1/SECRET/profile.json`). Plain `http://` is accepted only
    /// for loopback hosts (127.0.0.0/8, ::1, `localhost`); see [`Webhook::parse_with`].
    ///
    /// ```
    /// use bitrix24_transport::auth::Webhook;
    /// let hook = Webhook::parse("https://example.bitrix24.com/rest/1/abc123/profile.json").unwrap();
    /// assert_eq!(hook.user_id(), 1);
    /// assert_eq!(hook.portal().as_str(), "https://example.bitrix24.com/");
    /// assert!(!format!("{hook:?}").contains("abc123"));
    /// ```
    pub fn parse(url: &str) -> Result<Self, WebhookUrlError> {
        Self::parse_with(url, WebhookOptions::default())
    }

    /// [`Webhook::parse`] with options.
    pub fn parse_with(url: &str, options: WebhookOptions) -> Result<Self, WebhookUrlError> {
        let parsed = Url::parse(url.trim()).map_err(|err| WebhookUrlError::NotAUrl {
            reason: err.to_string(),
        })?;
        check_scheme(&parsed, options.allow_insecure_http)?;
        let segments: Vec<&str> = parsed
            .path_segments()
            .map(|segments| segments.collect())
            .unwrap_or_default();
        let rest = segments
            .iter()
            .position(|segment| *segment == "rest")
            .ok_or(WebhookUrlError::MissingRest)?;
        let mut after = segments[rest + 1..]
            .iter()
            .copied()
            .filter(|segment| !segment.is_empty());
        let user_id = after.next().ok_or(WebhookUrlError::MissingUserId)?;
        let user_id: u64 = if !user_id.is_empty() && user_id.bytes().all(|b| b.is_ascii_digit()) {
            user_id
                .parse()
                .map_err(|_| WebhookUrlError::NonNumericUserId)?
        } else {
            return Err(WebhookUrlError::NonNumericUserId);
        };
        let secret = after.next().ok_or(WebhookUrlError::MissingSecret)?;
        // An optional method name (`profile`, `profile.json`) may follow; nothing else.
        let _method = after.next();
        if after.next().is_some() {
            return Err(WebhookUrlError::TrailingPath);
        }
        let mut portal = parsed.clone();
        let prefix: String = segments[..rest]
            .iter()
            .filter(|segment| !segment.is_empty())
            .map(|segment| format!("{segment}/"))
            .collect();
        portal.set_path(&format!("/{prefix}"));
        portal.set_query(None);
        portal.set_fragment(None);
        // Credentials in the authority are never part of a webhook; drop them.
        let _ = portal.set_username("");
        let _ = portal.set_password(None);
        Ok(Self {
            portal,
            user_id,
            secret: Secret::new(secret),
        })
    }

    /// The portal's base URL (scheme, host, port), ending in `/`.
    pub fn portal(&self) -> &Url {
        &self.portal
    }

    /// The id of the user the webhook acts as.
    pub fn user_id(&self) -> u64 {
        self.user_id
    }

    /// The webhook's secret code.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The URL of a method: `{portal}rest/{user}/{secret}/{method}.json` (classic) or
    /// `{portal}rest/api/{user}/{secret}/{method}` (REST 3.0). Holds the secret.
    pub(crate) fn method_url(&self, method: &str, api: crate::ApiVersion) -> Result<Url, Error> {
        let path = match api {
            crate::ApiVersion::Classic => format!(
                "rest/{}/{}/{method}.json",
                self.user_id,
                self.secret.expose()
            ),
            crate::ApiVersion::V3 => format!(
                "rest/api/{}/{}/{method}",
                self.user_id,
                self.secret.expose()
            ),
        };
        self.portal.join(&path).map_err(|_| Error::InvalidUrl {
            reason: format!("cannot build the URL of `{method}` from the webhook"),
        })
    }
}

impl std::str::FromStr for Webhook {
    type Err = WebhookUrlError;
    fn from_str(url: &str) -> Result<Self, Self::Err> {
        Self::parse(url)
    }
}

fn check_scheme(url: &Url, allow_insecure_http: bool) -> Result<(), WebhookUrlError> {
    let host = url.host_str().filter(|host| !host.is_empty());
    match url.scheme() {
        "https" => host.map(|_| ()).ok_or(WebhookUrlError::MissingHost),
        "http" => {
            let host = host.ok_or(WebhookUrlError::MissingHost)?;
            if allow_insecure_http || is_loopback(url) {
                Ok(())
            } else {
                Err(WebhookUrlError::InsecureHttp {
                    host: host.to_owned(),
                })
            }
        }
        other => Err(WebhookUrlError::UnsupportedScheme {
            scheme: other.to_owned(),
        }),
    }
}

/// Whether the URL's host is loopback: 127.0.0.0/8, ::1 or `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if host.eq_ignore_ascii_case("localhost") {
        return true;
    }
    host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

// ---------------------------------------------------------------------------------------
// OAuth 2.0
// ---------------------------------------------------------------------------------------

/// The Bitrix24 authorisation server's token endpoint.
pub const DEFAULT_TOKEN_URL: &str = "https://oauth.bitrix.info/oauth/token/";

/// An OAuth application: its `client_id`, `client_secret` and the token endpoint.
#[derive(Clone)]
pub struct OAuthApp {
    /// The application code (`app.573ad8a0346747.09223434`, `local.…`).
    pub client_id: String,
    /// The application's secret key; sent only to the token endpoint.
    pub client_secret: Secret,
    token_url: Url,
    allow_insecure_http: bool,
}

impl fmt::Debug for OAuthApp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthApp")
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("token_url", &self.token_url.as_str())
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish()
    }
}

impl OAuthApp {
    /// An application that gets its tokens from [`DEFAULT_TOKEN_URL`].
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<Secret>) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            // The constant is a valid URL; the fallback only keeps this path panic-free.
            token_url: Url::parse(DEFAULT_TOKEN_URL).expect("DEFAULT_TOKEN_URL is a valid URL"),
            allow_insecure_http: false,
        }
    }

    /// Accept plain `http://` to hosts that are not loopback, for the token URL and for the
    /// portal's REST address (`client_endpoint`): an on-premise portal without TLS on a
    /// closed network. Tokens and the client secret then travel unencrypted. Call it
    /// before [`OAuthApp::with_token_url`].
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// Whether plain `http://` is accepted off loopback ([`OAuthApp::allow_insecure_http`]).
    pub fn allows_insecure_http(&self) -> bool {
        self.allow_insecure_http
    }

    /// Use another token endpoint (an on-premise server, a test portal).
    ///
    /// `http://` is accepted only for loopback hosts, unless
    /// [`OAuthApp::allow_insecure_http`] was called.
    pub fn with_token_url(mut self, url: &str) -> Result<Self, Error> {
        let parsed = Url::parse(url).map_err(|err| Error::InvalidUrl {
            reason: format!("token URL: {err}"),
        })?;
        match parsed.scheme() {
            "https" => {}
            "http" if self.allow_insecure_http || is_loopback(&parsed) => {}
            other => {
                return Err(Error::InvalidUrl {
                    reason: format!(
                        "token URL: the scheme must be https (or http to a loopback host), found `{other}`"
                    ),
                });
            }
        }
        self.token_url = parsed;
        Ok(self)
    }

    /// The token endpoint.
    pub fn token_url(&self) -> &Url {
        &self.token_url
    }

    /// Where to send the user to authorise: `https://PORTAL/oauth/authorize/?client_id=..&state=..`.
    pub fn authorize_url(&self, portal: &str, state: &str) -> Result<Url, Error> {
        authorize_url(portal, &self.client_id, state)
    }
}

/// The authorisation URL: `https://PORTAL/oauth/authorize/?client_id=..&state=..`.
///
/// `portal` is the portal's address, with or without `https://`
/// (`example.bitrix24.com`, `https://example.bitrix24.com/`).
///
/// ```
/// let url = bitrix24_transport::auth::authorize_url("example.bitrix24.com", "app.1", "s t").unwrap();
/// assert_eq!(url.as_str(), "https://example.bitrix24.com/oauth/authorize/?client_id=app.1&state=s+t");
/// ```
pub fn authorize_url(portal: &str, client_id: &str, state: &str) -> Result<Url, Error> {
    let portal = portal.trim();
    let with_scheme = if portal.contains("://") {
        portal.to_owned()
    } else {
        format!("https://{portal}")
    };
    let mut url = Url::parse(&with_scheme).map_err(|err| Error::InvalidUrl {
        reason: format!("portal address: {err}"),
    })?;
    match url.scheme() {
        "https" => {}
        "http" if is_loopback(&url) => {}
        other => {
            return Err(Error::InvalidUrl {
                reason: format!("portal address: the scheme must be https, found `{other}`"),
            });
        }
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::InvalidUrl {
            reason: "portal address: no host".into(),
        });
    }
    url.set_path("/oauth/authorize/");
    url.set_fragment(None);
    url.query_pairs_mut()
        .clear()
        .append_pair("client_id", client_id)
        .append_pair("state", state);
    Ok(url)
}

/// The authorisation server's reply to a code exchange or a refresh.
#[derive(Clone, PartialEq, Deserialize)]
pub struct TokenResponse {
    /// The token for REST calls (one hour).
    pub access_token: Secret,
    /// The token for the next refresh (180 days); rotated on every refresh.
    pub refresh_token: Secret,
    /// The access token's lifetime in seconds.
    #[serde(default, deserialize_with = "bitrix24_wire::scalar::informational")]
    pub expires_in: Option<u64>,
    /// The access token's expiry, Unix time.
    #[serde(default, deserialize_with = "bitrix24_wire::scalar::informational")]
    pub expires: Option<u64>,
    /// The authorisation server's domain.
    #[serde(default)]
    pub domain: Option<String>,
    /// The authorisation server's REST address.
    #[serde(default)]
    pub server_endpoint: Option<String>,
    /// The portal's REST address; every call starts with it.
    #[serde(default)]
    pub client_endpoint: Option<String>,
    /// The portal's unique id.
    #[serde(default)]
    pub member_id: Option<String>,
    /// Comma-separated scopes granted.
    #[serde(default)]
    pub scope: Option<String>,
    /// The application's status in the portal.
    #[serde(default)]
    pub status: Option<String>,
    /// The user the token acts as.
    #[serde(default, deserialize_with = "bitrix24_wire::scalar::informational")]
    pub user_id: Option<u64>,
}

impl fmt::Debug for TokenResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenResponse")
            .field("access_token", &self.access_token)
            .field("refresh_token", &self.refresh_token)
            .field("expires_in", &self.expires_in)
            .field("expires", &self.expires)
            .field("domain", &self.domain)
            .field("server_endpoint", &self.server_endpoint)
            .field("client_endpoint", &self.client_endpoint)
            .field("member_id", &self.member_id)
            .field("scope", &self.scope)
            .field("status", &self.status)
            .field("user_id", &self.user_id)
            .finish()
    }
}

/// The tokens a client works with, as a [`TokenStore`] keeps them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// The token for REST calls.
    pub access_token: Secret,
    /// The token for the next refresh.
    pub refresh_token: Secret,
    /// When the access token expires, Unix time (seconds), when known.
    #[serde(default)]
    pub expires_at: Option<u64>,
    /// The portal's REST address (`https://PORTAL/rest/`).
    pub client_endpoint: String,
    /// The portal's unique id.
    #[serde(default)]
    pub member_id: Option<String>,
    /// Comma-separated scopes granted.
    #[serde(default)]
    pub scope: Option<String>,
    /// The user the token acts as.
    #[serde(default)]
    pub user_id: Option<u64>,
}

impl Tokens {
    /// Tokens from a token reply received at `now` (Unix seconds).
    ///
    /// `previous_endpoint` is used when the reply has no `client_endpoint`.
    pub fn from_response(
        response: TokenResponse,
        now: u64,
        previous_endpoint: Option<&str>,
    ) -> Result<Self, Error> {
        let client_endpoint = response
            .client_endpoint
            .filter(|endpoint| !endpoint.is_empty())
            .or_else(|| previous_endpoint.map(str::to_owned))
            .ok_or_else(|| Error::OAuth {
                code: "invalid_response".into(),
                description: Some("the token reply has no client_endpoint".into()),
            })?;
        let expires_at = response
            .expires
            .or_else(|| response.expires_in.map(|secs| now.saturating_add(secs)));
        Ok(Self {
            access_token: response.access_token,
            refresh_token: response.refresh_token,
            expires_at,
            client_endpoint,
            member_id: response.member_id,
            scope: response.scope,
            user_id: response.user_id,
        })
    }
}

/// The current time as Unix seconds.
pub(crate) fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// Ask the token endpoint for tokens (GET with the query, as documented).
///
/// Only a connect error (nothing was sent) is repeated, per `policy`: a request that
/// reached the server may have rotated the refresh token already.
/// Errors never contain the URL (it holds the client secret and the refresh token).
pub(crate) async fn request_tokens(
    http: &reqwest::Client,
    app: &OAuthApp,
    grant: &[(&str, &str)],
    timeout: Option<std::time::Duration>,
    policy: crate::retry::RetryPolicy,
) -> Result<TokenResponse, Error> {
    const WHAT: &str = "oauth/token";
    let mut url = app.token_url.clone();
    {
        let mut pairs = url.query_pairs_mut();
        for (key, value) in grant.iter().take(1) {
            pairs.append_pair(key, value);
        }
        pairs.append_pair("client_id", &app.client_id);
        pairs.append_pair("client_secret", app.client_secret.expose());
        for (key, value) in grant.iter().skip(1) {
            pairs.append_pair(key, value);
        }
    }
    let mut attempt: u32 = 0;
    loop {
        attempt += 1;
        match crate::http::send(http.get(url.clone()), timeout).await {
            Ok((status, body)) => return parse_token_reply(&body, status),
            Err(SendError::NotSent(_)) if attempt < policy.max_attempts => {
                tokio::time::sleep(policy.backoff(attempt)).await;
            }
            Err(failed) => return Err(failed.into_error(WHAT, |reason| reason)),
        }
    }
}

/// Read a token endpoint reply. Never echoes the body (it holds tokens).
pub(crate) fn parse_token_reply(body: &[u8], status: u16) -> Result<TokenResponse, Error> {
    #[derive(Deserialize)]
    struct ErrorReply {
        error: serde_json::Value,
        #[serde(default)]
        error_description: Option<serde_json::Value>,
    }
    let text = |value: serde_json::Value| match value {
        serde_json::Value::String(text) => text,
        other => other.to_string(),
    };
    if let Ok(reply) = serde_json::from_slice::<ErrorReply>(body) {
        return Err(Error::OAuth {
            code: text(reply.error),
            description: reply
                .error_description
                .map(text)
                .filter(|text| !text.is_empty()),
        });
    }
    match serde_json::from_slice::<TokenResponse>(body) {
        Ok(reply) if (200..300).contains(&status) => Ok(reply),
        Ok(_) => Err(Error::Http {
            method: "oauth/token".into(),
            status,
            reason: "the token endpoint answered with an error status".into(),
        }),
        Err(err) => {
            // serde_json messages can quote values (tokens): report only where it failed.
            let reason = format!(
                "the token reply is not the documented JSON ({:?} error at line {} column {})",
                err.classify(),
                err.line(),
                err.column()
            );
            if (200..300).contains(&status) {
                Err(Error::OAuth {
                    code: "invalid_response".into(),
                    description: Some(reason),
                })
            } else {
                Err(Error::Http {
                    method: "oauth/token".into(),
                    status,
                    reason,
                })
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// Token stores
// ---------------------------------------------------------------------------------------

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

/// The future a [`TokenStore`] method returns.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, TokenStoreError>> + Send + 'a>>;

/// Where a client keeps its OAuth tokens between runs.
///
/// Bitrix24 rotates the refresh token on every refresh, and the old one stops working:
/// the client saves the new pair with [`TokenStore::save`] *before* it uses it, and a
/// call fails if saving fails.
pub trait TokenStore: Send + Sync {
    /// The stored tokens, or `None` when there are none yet.
    fn load(&self) -> StoreFuture<'_, Option<Tokens>>;
    /// Replace the stored tokens.
    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()>;
}

/// Tokens in memory: lost when the process ends.
#[derive(Debug, Default)]
pub struct MemoryTokenStore {
    tokens: Mutex<Option<Tokens>>,
}

impl MemoryTokenStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// A store that starts with `tokens`.
    pub fn with_tokens(tokens: Tokens) -> Self {
        Self {
            tokens: Mutex::new(Some(tokens)),
        }
    }

    /// The tokens held now.
    pub fn get(&self) -> Option<Tokens> {
        self.tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl TokenStore for MemoryTokenStore {
    fn load(&self) -> StoreFuture<'_, Option<Tokens>> {
        let tokens = self.get();
        Box::pin(async move { Ok(tokens) })
    }

    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()> {
        *self
            .tokens
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tokens.clone());
        Box::pin(async { Ok(()) })
    }
}

/// Tokens in a JSON file, replaced atomically: the new content is written to a temporary
/// file in the same directory, flushed to disk, then renamed over the old file.
///
/// On Unix the file is created readable by its owner only (mode 0600).
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    /// A store at `path` (the file need not exist yet; its directory must).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        Self { path: path.into() }
    }

    /// The file's path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn load_blocking(path: &Path) -> Result<Option<Tokens>, TokenStoreError> {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(err) => {
                return Err(TokenStoreError::with_source(
                    format!("cannot read {}", path.display()),
                    err,
                ));
            }
        };
        serde_json::from_slice(&bytes).map(Some).map_err(|err| {
            // serde_json can quote values (tokens): report only where it failed.
            TokenStoreError::new(format!(
                "{} is not a token file ({:?} error at line {} column {})",
                path.display(),
                err.classify(),
                err.line(),
                err.column()
            ))
        })
    }

    fn save_blocking(path: &Path, json: &[u8]) -> Result<(), TokenStoreError> {
        use std::io::Write;
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let io = |what: &str, err: std::io::Error| {
            TokenStoreError::with_source(format!("{what} ({})", path.display()), err)
        };
        let dir = match path.parent() {
            Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let name = path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| "tokens".into());
        let temp = dir.join(format!(
            ".{name}.{}.{}.tmp",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let result = (|| {
            let mut file = options
                .open(&temp)
                .map_err(|err| io("cannot create a temporary file", err))?;
            file.write_all(json)
                .map_err(|err| io("cannot write the temporary file", err))?;
            file.sync_all()
                .map_err(|err| io("cannot flush the temporary file", err))?;
            drop(file);
            std::fs::rename(&temp, path).map_err(|err| io("cannot replace the token file", err))?;
            // Make the rename itself durable; not every platform can open a directory.
            if let Ok(dir) = std::fs::File::open(&dir) {
                let _ = dir.sync_all();
            }
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        result
    }
}

impl TokenStore for FileTokenStore {
    fn load(&self) -> StoreFuture<'_, Option<Tokens>> {
        let path = self.path.clone();
        Box::pin(async move {
            tokio::task::spawn_blocking(move || Self::load_blocking(&path))
                .await
                .map_err(|err| TokenStoreError::with_source("the load task failed", err))?
        })
    }

    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()> {
        let path = self.path.clone();
        let json = serde_json::to_vec_pretty(tokens);
        Box::pin(async move {
            let json = json.map_err(|_| TokenStoreError::new("cannot serialise the tokens"))?;
            tokio::task::spawn_blocking(move || Self::save_blocking(&path, &json))
                .await
                .map_err(|err| TokenStoreError::with_source("the save task failed", err))?
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "s3cr3tc0de";

    fn parse(url: &str) -> Result<Webhook, WebhookUrlError> {
        Webhook::parse(url)
    }

    #[test]
    fn accepts_the_forms_an_admin_copies() {
        for url in [
            "https://example.bitrix24.com/rest/1/s3cr3tc0de/",
            "https://example.bitrix24.com/rest/1/s3cr3tc0de",
            "https://example.bitrix24.com/rest/1/s3cr3tc0de/profile.json",
            "https://example.bitrix24.com/rest/1/s3cr3tc0de/profile",
            "https://example.bitrix24.com/rest/1/s3cr3tc0de/department.get.json?ID=1",
            "  https://example.bitrix24.com/rest/1/s3cr3tc0de/  ",
            "https://example.bitrix24.com//rest//1//s3cr3tc0de//",
        ] {
            let hook = parse(url).unwrap_or_else(|err| panic!("{url}: {err}"));
            assert_eq!(hook.user_id(), 1, "{url}");
            assert_eq!(hook.secret().expose(), SECRET, "{url}");
            assert_eq!(
                hook.portal().as_str(),
                "https://example.bitrix24.com/",
                "{url}"
            );
            let method = hook
                .method_url("crm.deal.add", crate::ApiVersion::Classic)
                .unwrap();
            assert_eq!(
                method.as_str(),
                "https://example.bitrix24.com/rest/1/s3cr3tc0de/crm.deal.add.json"
            );
        }
    }

    #[test]
    fn keeps_ports_and_path_prefixes_and_builds_v3_urls() {
        let hook = parse("https://b24.example.com:8443/portal/rest/12/abc/").unwrap();
        assert_eq!(hook.user_id(), 12);
        assert_eq!(
            hook.portal().as_str(),
            "https://b24.example.com:8443/portal/"
        );
        let v3 = hook
            .method_url("tasks.task.get", crate::ApiVersion::V3)
            .unwrap();
        assert_eq!(
            v3.as_str(),
            "https://b24.example.com:8443/portal/rest/api/12/abc/tasks.task.get"
        );
    }

    #[test]
    fn plain_http_only_for_loopback_or_when_allowed() {
        for url in [
            "http://127.0.0.1:8080/rest/1/abc/",
            "http://127.1.2.3/rest/1/abc/",
            "http://localhost/rest/1/abc/",
            "http://[::1]:9000/rest/1/abc/",
        ] {
            assert!(parse(url).is_ok(), "{url}");
        }
        let err = parse("http://example.bitrix24.com/rest/1/abc/").unwrap_err();
        assert_eq!(
            err,
            WebhookUrlError::InsecureHttp {
                host: "example.bitrix24.com".into()
            }
        );
        let allowed = Webhook::parse_with(
            "http://10.0.0.5/rest/1/abc/",
            WebhookOptions {
                allow_insecure_http: true,
            },
        );
        assert!(allowed.is_ok());
        assert!(parse("http://localhost.evil.com/rest/1/abc/").is_err());
    }

    #[test]
    fn clear_errors_that_never_echo_the_secret() {
        let cases = [
            ("not a url s3cr3tc0de", "not a URL"),
            ("ftp://example.com/rest/1/s3cr3tc0de/", "https://"),
            ("https://example.com/api/1/s3cr3tc0de/", "/rest/"),
            ("https://example.com/rest/", "no user id"),
            ("https://example.com/rest/1/", "no secret"),
            ("https://example.com/rest/s3cr3tc0de/1/", "not a number"),
            ("https://example.com/rest/-1/s3cr3tc0de/", "not a number"),
            (
                "https://example.com/rest/99999999999999999999999/s3cr3tc0de/",
                "not a number",
            ),
            (
                "https://example.com/rest/1/s3cr3tc0de/a/b",
                "unexpected path",
            ),
            ("http://example.com/rest/1/s3cr3tc0de/", "plain http"),
        ];
        for (url, expected) in cases {
            let err = parse(url).unwrap_err();
            let text = err.to_string();
            assert!(text.contains(expected), "{url}: {text}");
            let as_error = Error::from(err.clone());
            for shown in [
                text,
                format!("{err:?}"),
                as_error.to_string(),
                format!("{as_error:?}"),
            ] {
                assert!(!shown.contains(SECRET), "{url}: {shown}");
            }
        }
    }

    #[test]
    fn secrets_are_redacted_in_debug_and_display() {
        let hook = parse("https://example.bitrix24.com/rest/1/s3cr3tc0de/").unwrap();
        let app = OAuthApp::new("app.1", "cl1ents3cret");
        let tokens = Tokens {
            access_token: Secret::new("acc3sst0ken"),
            refresh_token: Secret::new("r3freshtoken"),
            expires_at: Some(1),
            client_endpoint: "https://example.bitrix24.com/rest/".into(),
            member_id: None,
            scope: None,
            user_id: Some(1),
        };
        let reply: TokenResponse = serde_json::from_value(serde_json::json!({
            "access_token": "acc3sst0ken", "refresh_token": "r3freshtoken",
            "expires_in": "3600", "user_id": 67
        }))
        .unwrap();
        assert_eq!(reply.expires_in, Some(3600));
        assert_eq!(reply.user_id, Some(67));
        let texts = [
            format!("{hook:?}"),
            format!("{app:?}"),
            format!("{tokens:?}"),
            format!("{reply:?}"),
            format!("{}", tokens.access_token),
            format!("{:?}", tokens.refresh_token),
        ];
        for text in texts {
            for secret in [SECRET, "cl1ents3cret", "acc3sst0ken", "r3freshtoken"] {
                assert!(!text.contains(secret), "{text}");
            }
        }
        // Persisting does write the values (that is what a store is for).
        let json = serde_json::to_string(&tokens).unwrap();
        assert!(json.contains("r3freshtoken"));
        assert_eq!(serde_json::from_str::<Tokens>(&json).unwrap(), tokens);
    }

    #[test]
    fn token_replies_and_their_errors() {
        let ok = br#"{"access_token":"a","refresh_token":"r","expires_in":3600,
            "client_endpoint":"https://p.bitrix24.com/rest/","member_id":"m","scope":"crm"}"#;
        let reply = parse_token_reply(ok, 200).unwrap();
        let tokens = Tokens::from_response(reply, 1000, None).unwrap();
        assert_eq!(tokens.expires_at, Some(4600));
        assert_eq!(tokens.client_endpoint, "https://p.bitrix24.com/rest/");

        let err = parse_token_reply(
            br#"{"error":"invalid_grant","error_description":"Invalid grant"}"#,
            400,
        )
        .unwrap_err();
        assert!(matches!(&err, Error::OAuth { code, .. } if code == "invalid_grant"));
        assert_eq!(err.to_string(), "OAuth: invalid_grant (Invalid grant)");

        // A malformed reply never echoes its content (it may hold tokens).
        let err =
            parse_token_reply(br#"{"access_token":"l3akme","refresh_token":5}"#, 200).unwrap_err();
        assert!(!format!("{err} {err:?}").contains("l3akme"), "{err:?}");
        let err = parse_token_reply(b"<html>l3akme</html>", 502).unwrap_err();
        assert!(matches!(err, Error::Http { status: 502, .. }), "{err:?}");
        assert!(!format!("{err} {err:?}").contains("l3akme"));

        // No client endpoint and nothing to fall back on.
        let reply = parse_token_reply(br#"{"access_token":"a","refresh_token":"r"}"#, 200).unwrap();
        assert!(Tokens::from_response(reply.clone(), 0, None).is_err());
        let kept = Tokens::from_response(reply, 0, Some("https://p/rest/")).unwrap();
        assert_eq!(kept.client_endpoint, "https://p/rest/");
        assert_eq!(kept.expires_at, None);
    }

    #[test]
    fn authorize_urls() {
        let url =
            authorize_url("https://example.bitrix24.com/some/path?x=1", "app.1", "a&b").unwrap();
        assert_eq!(
            url.as_str(),
            "https://example.bitrix24.com/oauth/authorize/?client_id=app.1&state=a%26b"
        );
        assert!(authorize_url("http://example.bitrix24.com", "app.1", "s").is_err());
        assert!(authorize_url("http://127.0.0.1:8080", "app.1", "s").is_ok());
        assert!(authorize_url("", "app.1", "s").is_err());
        assert!(
            OAuthApp::new("a", "b")
                .with_token_url("http://oauth.example.com/")
                .is_err()
        );
        assert!(
            OAuthApp::new("a", "b")
                .with_token_url("http://127.0.0.1:1/oauth/token/")
                .is_ok()
        );
        assert_eq!(
            OAuthApp::new("a", "b").token_url().as_str(),
            DEFAULT_TOKEN_URL
        );
    }

    #[tokio::test]
    async fn the_file_store_round_trips_and_reports_bad_files_without_content() {
        let dir = std::env::temp_dir().join(format!("b24-auth-unit-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("tokens.json");
        let store = FileTokenStore::new(&path);
        assert_eq!(store.load().await.unwrap(), None);
        let tokens = Tokens {
            access_token: Secret::new("acc3ss"),
            refresh_token: Secret::new("r3fresh"),
            expires_at: None,
            client_endpoint: "https://p/rest/".into(),
            member_id: None,
            scope: None,
            user_id: None,
        };
        store.save(&tokens).await.unwrap();
        assert_eq!(store.load().await.unwrap(), Some(tokens.clone()));
        std::fs::write(&path, r#"{"access_token": 5, "refresh_token": "r3fresh"}"#).unwrap();
        let err = store.load().await.unwrap_err();
        let text = format!("{err} {err:?}");
        assert!(
            text.contains("not a token file") && !text.contains("r3fresh"),
            "{text}"
        );
        // Saving into a missing directory fails with the path, not the tokens.
        let missing = FileTokenStore::new(dir.join("no/such/dir/tokens.json"));
        let err = missing.save(&tokens).await.unwrap_err();
        assert!(!format!("{err} {err:?}").contains("r3fresh"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
