//! [`PortalRegistry`]: one client per portal for an application installed on many, from
//! the token store: the installation event's tokens in, a ready client out.
//!
//! Every client it hands out keeps its portal's tokens in a [`RedisTokenStore`] and its
//! rate limit and operating-time budget in a [`RedisLimiter`], both keyed by the portal's
//! member id, so that every process of the application shares them. Within a process a
//! portal's client is built once and cloned (clones share the connection pool and the
//! token state).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};

use bitrix24_transport::auth::{OAuthApp, TokenStore, Tokens};
use bitrix24_transport::event::EventAuth;
use bitrix24_transport::ratelimit::BucketConfig;
use bitrix24_transport::{Auth, Client, Error, Limiter};
use redis::aio::ConnectionManager;

use crate::keys::{DEFAULT_PREFIX, PortalKeys};
use crate::limiter::RedisLimiter;
use crate::token_store::RedisTokenStore;

/// Clients per portal (member id) of one OAuth application, over one Redis.
pub struct PortalRegistry {
    connection: ConnectionManager,
    app: OAuthApp,
    bucket: BucketConfig,
    prefix: String,
    clients: Mutex<HashMap<String, Client>>,
}

impl fmt::Debug for PortalRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortalRegistry")
            .field("app", &self.app)
            .field("bucket", &self.bucket)
            .field("prefix", &self.prefix)
            .field(
                "portals",
                &self
                    .clients
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .len(),
            )
            .finish_non_exhaustive()
    }
}

impl PortalRegistry {
    /// The portals of `app`, whose clients keep within `bucket` (the portals' plan:
    /// [`BucketConfig::STANDARD`] or [`BucketConfig::ENTERPRISE`]).
    pub fn new(connection: ConnectionManager, app: OAuthApp, bucket: BucketConfig) -> Self {
        Self {
            connection,
            app,
            bucket,
            prefix: DEFAULT_PREFIX.into(),
            clients: Mutex::default(),
        }
    }

    /// Keep the keys under another prefix (see [`PortalKeys::with_prefix`]).
    pub fn with_prefix(mut self, prefix: &str) -> Self {
        self.prefix = prefix.to_owned();
        self
    }

    /// An installation (`ONAPPINSTALL`, or the tokens of the install page): save its
    /// tokens as the portal's pair and return the portal's client.
    pub async fn install(&self, auth: &EventAuth) -> Result<Client, Error> {
        let missing = |what: &str| Error::OAuth {
            code: "invalid_installation".into(),
            description: Some(format!("the installation's auth block has no {what}")),
        };
        let tokens = Tokens {
            access_token: auth
                .access_token
                .clone()
                .ok_or_else(|| missing("access_token"))?,
            refresh_token: auth
                .refresh_token
                .clone()
                .ok_or_else(|| missing("refresh_token"))?,
            expires_at: auth.expires_in.map(|secs| unix_now().saturating_add(secs)),
            client_endpoint: auth
                .client_endpoint
                .clone()
                .ok_or_else(|| missing("client_endpoint"))?,
            member_id: Some(auth.member_id.clone().ok_or_else(|| missing("member_id"))?),
            scope: auth.scope.clone(),
            user_id: None,
        };
        self.install_tokens(tokens).await
    }

    /// Save `tokens` (which must carry the member id) as their portal's pair and return
    /// the portal's client.
    pub async fn install_tokens(&self, tokens: Tokens) -> Result<Client, Error> {
        let member_id = tokens.member_id.clone().ok_or_else(|| Error::OAuth {
            code: "invalid_installation".into(),
            description: Some("the tokens carry no member_id".into()),
        })?;
        self.store(&member_id).save(&tokens).await?;
        // A client built before (a reinstallation) would keep the old pair in memory.
        self.lock().remove(&member_id);
        self.client(&member_id).await
    }

    /// The client of an installed portal, built once per process.
    pub async fn client(&self, member_id: &str) -> Result<Client, Error> {
        if let Some(client) = self.lock().get(member_id) {
            return Ok(client.clone());
        }
        if self.store(member_id).load().await?.is_none() {
            return Err(Error::OAuth {
                code: "not_installed".into(),
                description: Some(format!("no tokens are stored for portal {member_id}")),
            });
        }
        let keys = self.keys(member_id);
        // The operating-time budget is per application: its client id names it.
        let limiter = RedisLimiter::new(self.connection.clone(), keys, self.bucket)
            .with_credential(&self.app.client_id);
        let client = Client::builder(Auth::oauth(self.app.clone(), self.store(member_id)))
            .limiter(Arc::new(limiter) as Arc<dyn Limiter>)
            .build()?;
        Ok(self
            .lock()
            .entry(member_id.to_owned())
            .or_insert(client)
            .clone())
    }

    fn keys(&self, member_id: &str) -> PortalKeys {
        PortalKeys::with_prefix(&self.prefix, member_id)
    }

    fn store(&self, member_id: &str) -> RedisTokenStore {
        RedisTokenStore::new(self.connection.clone(), self.keys(member_id))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Client>> {
        self.clients.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}
