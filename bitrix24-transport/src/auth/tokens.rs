//! OAuth tokens: the authorisation server's reply ([`TokenResponse`]) and the tokens a
//! client works with and a store keeps ([`Tokens`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::secret::Secret;
use crate::error::Error;

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

/// The tokens a client works with, as a [`TokenStore`](super::TokenStore) keeps them.
///
/// A store may hold only a refresh token ([`Tokens::from_refresh_token`]; in a stored
/// JSON file, `access_token` and `client_endpoint` may be left out): the client then
/// refreshes once before its first call, and the reply brings the access token and the
/// portal's address. That is how an app starts from the refresh token it saved at
/// installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tokens {
    /// The token for REST calls; empty when only the refresh token is known.
    #[serde(default)]
    pub access_token: Secret,
    /// The token for the next refresh.
    pub refresh_token: Secret,
    /// When the access token expires, Unix time (seconds), when known.
    #[serde(default)]
    pub expires_at: Option<u64>,
    /// The portal's REST address (`https://PORTAL/rest/`); may be empty while there is no
    /// access token (the refresh reply brings it).
    #[serde(default)]
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
    /// Tokens of which only the refresh token is known: the client refreshes before the
    /// first call (exactly once), and the token server's reply fills in the rest.
    pub fn from_refresh_token(refresh_token: impl Into<Secret>) -> Self {
        Self {
            access_token: Secret::default(),
            refresh_token: refresh_token.into(),
            expires_at: None,
            client_endpoint: String::new(),
            member_id: None,
            scope: None,
            user_id: None,
        }
    }

    /// Whether there is an access token to call with (else a refresh comes first).
    pub fn has_access_token(&self) -> bool {
        !self.access_token.is_empty()
    }

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
