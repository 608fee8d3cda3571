//! How a [`Client`] is made: the authorisation it uses ([`Auth`]), and the
//! [`ClientBuilder`] with its defaults (rate limit, retries, timeouts, TLS roots).

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use super::call::Client;
use super::deadline::DEFAULT_DEADLINE;
use super::request::AuthState;
use crate::auth::refresh::OAuthState;
use crate::auth::{OAuthApp, TokenStore, Webhook};
use crate::error::Error;
use crate::http::describe;
use crate::limiter::Limiter;
use crate::ratelimit::{BucketConfig, MemoryLimiter};
use crate::retry::RetryPolicy;

/// The default time a call may take: the cloud's 60-second limit plus slack.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(70);
/// The default time to establish a connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// The default largest reply read: far above any page, batch or export chunk (a batch of
/// 50 full pages is a few MB), far below what would hurt a process.
pub const DEFAULT_MAX_REPLY_BYTES: u64 = 64 * 1024 * 1024;
/// How long before its expiry an access token is refreshed (at most a fifth of its life).
pub const DEFAULT_REFRESH_MARGIN: Duration = Duration::from_secs(60);

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
    limiter: Option<Arc<dyn Limiter>>,
    retry: RetryPolicy,
    timeout: Option<Duration>,
    deadline: Option<Duration>,
    max_reply_bytes: u64,
    connect_timeout: Duration,
    refresh_margin: Duration,
    user_agent: String,
    root_certificates: Vec<reqwest::Certificate>,
}

impl ClientBuilder {
    /// A builder with the defaults: the standard rate-limit bucket, [`RetryPolicy::DEFAULT`],
    /// [`DEFAULT_TIMEOUT`] per attempt, [`DEFAULT_DEADLINE`] per call.
    pub fn new(auth: Auth) -> Self {
        Self {
            auth,
            limiter: Some(Arc::new(MemoryLimiter::new(BucketConfig::STANDARD))),
            retry: RetryPolicy::DEFAULT,
            timeout: Some(DEFAULT_TIMEOUT),
            deadline: Some(DEFAULT_DEADLINE),
            max_reply_bytes: DEFAULT_MAX_REPLY_BYTES,
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

    /// A client-side leaky bucket of its own, in memory (`None` turns the client-side
    /// limit off).
    pub fn rate_limit(mut self, bucket: Option<BucketConfig>) -> Self {
        self.limiter =
            bucket.map(|bucket| Arc::new(MemoryLimiter::new(bucket)) as Arc<dyn Limiter>);
        self
    }

    /// Share an in-memory limiter with other clients of the same portal in this process.
    pub fn rate_limiter(mut self, limiter: MemoryLimiter) -> Self {
        self.limiter = Some(Arc::new(limiter));
        self
    }

    /// Any [`Limiter`]: shared with other clients of the same portal, in this process or
    /// (a Redis limiter) in others.
    pub fn limiter(mut self, limiter: Arc<dyn Limiter>) -> Self {
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

    /// The time a whole call may take: every attempt, backoff and wait for the rate limit
    /// together (`None`: only the attempts and the retry policy bound it). See
    /// [`CallOptions::deadline`](super::CallOptions::deadline).
    pub fn deadline(mut self, deadline: Option<Duration>) -> Self {
        self.deadline = deadline;
        self
    }

    /// The largest reply the client reads, in bytes ([`DEFAULT_MAX_REPLY_BYTES`] unless
    /// set). A larger one fails with [`Error::ReplyTooLarge`] naming the method and the
    /// limit, without being read to its end. The token endpoint's replies have their own
    /// limit, [`MAX_TOKEN_REPLY_BYTES`](crate::auth::MAX_TOKEN_REPLY_BYTES).
    pub fn max_reply_bytes(mut self, limit: u64) -> Self {
        self.max_reply_bytes = limit;
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
        Ok(Client::new(
            http,
            auth,
            self.limiter,
            self.retry,
            self.timeout,
            self.deadline,
            self.max_reply_bytes,
        ))
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
}
