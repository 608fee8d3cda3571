//! An OAuth 2.0 application: its credentials, its token endpoint, and the URL a user is
//! sent to to authorise it.

use std::fmt;

use reqwest::Url;

use super::loopback::is_loopback;
use super::secret::Secret;
use crate::error::Error;

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
