//! The OAuth token state a client keeps: the tokens in use, loaded from the store,
//! exchanged for a code or refreshed, one at a time.
//!
//! Every clone of a [`Client`](crate::client::Client) shares one [`OAuthState`]. Calls
//! read the current tokens without waiting; loading, exchanging and refreshing hold one
//! lock, so that a refresh token is spent once even when many calls find the access
//! token expired together. New tokens are saved to the [`TokenStore`] before they are
//! used: the server rotates the refresh token, and the old one stops working.
//!
//! Across processes that share a store, a refresh runs under the store's lease and
//! starts by reading the store again: a pair another process rotated is used as it is.
//! A refresh the server refuses with `invalid_grant` reads the store once more for the
//! same reason before it fails.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use reqwest::Url;

use super::loopback::is_loopback;
use super::oauth::OAuthApp;
use super::secret::Secret;
use super::store::TokenStore;
use super::token_endpoint::request_tokens;
use super::tokens::{Tokens, unix_now};
use crate::error::Error;
use crate::retry::RetryPolicy;

/// The OAuth side of a client: the application, its token store and the tokens in use.
pub(crate) struct OAuthState {
    app: OAuthApp,
    store: Arc<dyn TokenStore>,
    current: Mutex<Option<Current>>,
    /// Held while loading, exchanging or refreshing tokens: one at a time.
    refresh: tokio::sync::Mutex<()>,
    margin: Duration,
    /// The client's connection pool, attempt timeout and retry policy, for the token
    /// endpoint.
    http: reqwest::Client,
    timeout: Option<Duration>,
    retry: RetryPolicy,
}

/// The tokens in use, with what a call needs of them.
#[derive(Clone)]
pub(crate) struct Current {
    pub(crate) tokens: Arc<Tokens>,
    /// The portal's REST address, from the tokens.
    pub(crate) endpoint: Url,
    /// Bumped each time the tokens change.
    pub(crate) generation: u64,
    /// Unix time from which the token is refreshed before use.
    refresh_at: Option<u64>,
}

impl Current {
    fn is_due(&self, now: u64) -> bool {
        self.refresh_at.is_some_and(|at| now >= at)
    }
}

impl OAuthState {
    /// The state of a client that has no tokens loaded yet. Tokens are refreshed
    /// `margin` before they expire (at most a fifth of their life); the token endpoint is
    /// asked over `http`, each attempt within `timeout`, repeated per `retry`.
    pub(crate) fn new(
        app: OAuthApp,
        store: Arc<dyn TokenStore>,
        margin: Duration,
        http: reqwest::Client,
        timeout: Option<Duration>,
        retry: RetryPolicy,
    ) -> Self {
        Self {
            app,
            store,
            current: Mutex::new(None),
            refresh: tokio::sync::Mutex::new(()),
            margin,
            http,
            timeout,
            retry,
        }
    }

    /// The application.
    pub(crate) fn app(&self) -> &OAuthApp {
        &self.app
    }

    /// The tokens in use now, if any were loaded or received.
    pub(crate) fn tokens(&self) -> Option<Tokens> {
        self.snapshot().map(|current| (*current.tokens).clone())
    }

    fn snapshot(&self) -> Option<Current> {
        self.current
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Make `tokens` current (after they were saved). Returns the new state.
    fn set(&self, tokens: Tokens) -> Result<Current, Error> {
        let endpoint = endpoint_url(&tokens.client_endpoint, self.app.allows_insecure_http())?;
        let now = unix_now();
        let refresh_at = tokens.expires_at.map(|expires_at| {
            let life = expires_at.saturating_sub(now);
            let margin = self.margin.as_secs().min(life / 5);
            expires_at.saturating_sub(margin)
        });
        let mut slot = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        let generation = slot.as_ref().map_or(0, |current| current.generation) + 1;
        let current = Current {
            tokens: Arc::new(tokens),
            endpoint,
            generation,
            refresh_at,
        };
        *slot = Some(current.clone());
        Ok(current)
    }

    /// Save new tokens, then make them current. Saving comes first: a refresh token the
    /// server rotated must never be lost.
    async fn install(&self, tokens: Tokens) -> Result<Current, Error> {
        endpoint_url(&tokens.client_endpoint, self.app.allows_insecure_http())?;
        self.store.save(&tokens).await?;
        self.set(tokens)
    }

    /// Load tokens from the store (with the refresh lock held). A store holding only a
    /// refresh token is refreshed now, once: a call without an access token would only
    /// earn `NO_AUTH_FOUND`.
    async fn load(&self) -> Result<Current, Error> {
        self.load_or_refresh().await.map(|(current, _)| current)
    }

    /// [`OAuthState::load`], saying whether it refreshed.
    async fn load_or_refresh(&self) -> Result<(Current, bool), Error> {
        match self.store.load().await? {
            Some(tokens) if !tokens.has_access_token() => {
                let endpoint = Some(tokens.client_endpoint.as_str()).filter(|e| !e.is_empty());
                let current = self.refresh_with(&tokens.refresh_token, endpoint).await?;
                Ok((current, true))
            }
            Some(tokens) => self.set(tokens).map(|current| (current, false)),
            None => Err(Error::OAuth {
                code: "no_tokens".into(),
                description: Some(
                    "the token store is empty: exchange an authorisation code first".into(),
                ),
            }),
        }
    }

    /// Exchange an authorisation code for tokens, save them and use them.
    pub(crate) async fn exchange_code(&self, code: &str) -> Result<Tokens, Error> {
        let _guard = self.refresh.lock().await;
        let reply = request_tokens(
            &self.http,
            &self.app,
            &[("grant_type", "authorization_code"), ("code", code)],
            self.timeout,
            self.retry,
        )
        .await?;
        let tokens = Tokens::from_response(reply, unix_now(), None)?;
        self.install(tokens.clone()).await?;
        Ok(tokens)
    }

    /// Refresh the tokens now, loading them from the store first if none are in use.
    pub(crate) async fn refresh_now(&self) -> Result<(), Error> {
        let _guard = self.refresh.lock().await;
        let current = match self.snapshot() {
            Some(current) => current,
            None => match self.load_or_refresh().await? {
                // Loading a refresh token alone refreshed it already.
                (_, true) => return Ok(()),
                (current, false) => current,
            },
        };
        self.refresh_locked(&current).await.map(drop)
    }

    /// Credentials for a call: the current tokens, loaded or refreshed if needed.
    pub(crate) async fn credentials(&self) -> Result<Current, Error> {
        let now = unix_now();
        if let Some(current) = self.snapshot() {
            if !current.is_due(now) {
                return Ok(current);
            }
        }
        let _guard = self.refresh.lock().await;
        let current = match self.snapshot() {
            Some(current) => current,
            None => self.load().await?,
        };
        if current.is_due(unix_now()) {
            self.refresh_locked(&current).await
        } else {
            Ok(current)
        }
    }

    /// The portal said `expired_token` to a call made with token `generation`: refresh,
    /// unless another caller already did.
    pub(crate) async fn refresh_after_expiry(&self, generation: u64) -> Result<(), Error> {
        let _guard = self.refresh.lock().await;
        match self.snapshot() {
            Some(current) if current.generation == generation => {
                self.refresh_locked(&current).await.map(drop)
            }
            Some(_) => Ok(()),
            None => self.load().await.map(drop),
        }
    }

    /// Refresh with the refresh lock held: under the store's lease, unless the store
    /// already holds a pair another process rotated.
    async fn refresh_locked(&self, current: &Current) -> Result<Current, Error> {
        let lease = self.store.lease().await?;
        let result = self.refresh_leased(current).await;
        if let Some(lease) = lease {
            // A lease left behind expires by itself; the new pair is saved already.
            let _ = lease.release().await;
        }
        result
    }

    /// Refresh with the lease held (or no lease, for a store of one process).
    async fn refresh_leased(&self, current: &Current) -> Result<Current, Error> {
        // Another process may have rotated the pair while this one waited for the lease.
        if let Some(stored) = self
            .rotated_elsewhere(&current.tokens.refresh_token)
            .await?
        {
            if !stored.is_due(unix_now()) {
                return Ok(stored);
            }
            let endpoint = stored.tokens.client_endpoint.clone();
            return self
                .refresh_with(&stored.tokens.refresh_token, Some(&endpoint))
                .await;
        }
        self.refresh_with(
            &current.tokens.refresh_token,
            Some(&current.tokens.client_endpoint),
        )
        .await
    }

    /// Spend `refresh_token` (with the refresh lock held), save and use the new pair;
    /// `endpoint` is kept when the reply names none.
    async fn refresh_with(
        &self,
        refresh_token: &Secret,
        endpoint: Option<&str>,
    ) -> Result<Current, Error> {
        let reply = request_tokens(
            &self.http,
            &self.app,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token.expose()),
            ],
            self.timeout,
            self.retry,
        )
        .await;
        let reply = match reply {
            Ok(reply) => reply,
            Err(Error::OAuth { code, description }) if code == "invalid_grant" => {
                // Spent elsewhere (a store without a lease, or a lease that expired): if
                // that process saved its new pair, use it instead of failing.
                return match self.rotated_elsewhere(refresh_token).await? {
                    Some(stored) => Ok(stored),
                    None => Err(Error::OAuth { code, description }),
                };
            }
            Err(err) => return Err(err),
        };
        let tokens = Tokens::from_response(reply, unix_now(), endpoint)?;
        self.install(tokens).await
    }

    /// Read the store again; if it holds another refresh token than `used` (and an access
    /// token to go with it), make that pair current and return it.
    async fn rotated_elsewhere(&self, used: &Secret) -> Result<Option<Current>, Error> {
        match self.store.load().await? {
            Some(stored) if stored.refresh_token != *used && stored.has_access_token() => {
                self.set(stored).map(Some)
            }
            _ => Ok(None),
        }
    }
}

/// The REST endpoint from a token reply: https (or http to loopback, or to any host with
/// `allow_insecure_http`), ending in `/`.
fn endpoint_url(endpoint: &str, allow_insecure_http: bool) -> Result<Url, Error> {
    let mut url = Url::parse(endpoint).map_err(|err| Error::InvalidUrl {
        reason: format!("client endpoint: {err}"),
    })?;
    match url.scheme() {
        "https" => {}
        "http" if allow_insecure_http || is_loopback(&url) => {}
        other => {
            return Err(Error::InvalidUrl {
                reason: format!(
                    "client endpoint: the scheme must be https (plain http only to a loopback \
                     host, or with OAuthApp::allow_insecure_http), found `{other}`"
                ),
            });
        }
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    url.set_query(None);
    url.set_fragment(None);
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_http_endpoints_need_the_opt_in_off_loopback() {
        let err = endpoint_url("http://b24.corp.example/rest/", false).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid URL: client endpoint: the scheme must be https (plain http only to a \
             loopback host, or with OAuthApp::allow_insecure_http), found `http`"
        );
        let url = endpoint_url("http://b24.corp.example/rest", true).unwrap();
        assert_eq!(url.as_str(), "http://b24.corp.example/rest/");
        assert!(endpoint_url("http://127.0.0.1:8080/rest/", false).is_ok());
        assert!(endpoint_url("ftp://b24.corp.example/rest/", true).is_err());
    }
}
