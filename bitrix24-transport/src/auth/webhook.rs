//! Incoming webhooks: the URL an administrator copies from the portal, read into its
//! portal, user and secret, and the URL of each method called through it.

use std::fmt;

use reqwest::Url;

use super::error::WebhookUrlError;
use super::loopback::is_loopback;
use super::secret::Secret;
use crate::error::Error;

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
}
