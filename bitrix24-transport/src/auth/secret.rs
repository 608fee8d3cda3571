//! [`Secret`]: a secret string that never shows in `Debug`, `Display` or an error.
//!
//! Every secret of the authorisation (the webhook code, the access and refresh tokens,
//! the client secret) is held in one, so that logging a client, a webhook or tokens
//! cannot leak it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A secret string: printed as `***` by `Debug` and `Display`.
///
/// [`Secret::expose`] gives the value for the one place that must send it.
/// It serialises as the plain string, so that a [`TokenStore`](super::TokenStore) can persist it.
///
/// The default is the empty secret (a token store's "no access token yet").
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wrap a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::{OAuthApp, TokenResponse, Tokens, Webhook};

    const SECRET: &str = "s3cr3tc0de";

    fn parse(url: &str) -> Result<Webhook, crate::auth::WebhookUrlError> {
        Webhook::parse(url)
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
}
