//! Talking to the authorisation server's token endpoint: a code exchange or a refresh
//! sent, and its reply read.
//!
//! The request goes through the same [`http`](crate::http) plumbing as REST calls, and
//! repeats per the client's [`RetryPolicy`], but only when nothing was sent: a request
//! that reached the server may already have rotated the refresh token, so it is never
//! repeated blindly.

use serde::Deserialize;
use tracing::Instrument;

use super::oauth::OAuthApp;
use super::tokens::TokenResponse;
use crate::error::Error;
use crate::http::SendError;
use crate::retry::RetryPolicy;

/// The largest token reply read: a real one is well under a kilobyte; more is a broken
/// server or proxy, refused before it takes memory.
pub const MAX_TOKEN_REPLY_BYTES: u64 = 1024 * 1024;

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
    policy: RetryPolicy,
) -> Result<TokenResponse, Error> {
    const WHAT: &str = "oauth/token";
    let mut url = app.token_url().clone();
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
    // The grant's name only (`authorization_code`, `refresh_token`), never its value,
    // the URL or the reply: each holds a secret.
    let grant_type = grant.first().map_or("", |(_, value)| *value);
    let span = tracing::info_span!(
        "bitrix24.token",
        grant_type,
        attempts = tracing::field::Empty,
        status = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
        outcome = tracing::field::Empty,
    );
    let start = std::time::Instant::now();
    let result = async {
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            match crate::http::send(http.get(url.clone()), timeout, MAX_TOKEN_REPLY_BYTES, None)
                .await
            {
                Ok((status, body)) => {
                    tracing::Span::current().record("status", status);
                    return parse_token_reply(&body, status);
                }
                Err(SendError::NotSent(_) | SendError::Refused(_))
                    if attempt < policy.max_attempts =>
                {
                    let wait = policy.backoff(attempt);
                    tracing::info!(
                        attempt,
                        wait_ms = u64::try_from(wait.as_millis()).unwrap_or(u64::MAX),
                        "bitrix24 token retry: could not connect"
                    );
                    tokio::time::sleep(wait).await;
                }
                Err(failed) => return Err(failed.into_error(WHAT, |reason| reason)),
            }
        }
    }
    .instrument(span.clone())
    .await;
    span.record(
        "duration_ms",
        u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX),
    );
    match &result {
        Ok(_) => span.record("outcome", "ok"),
        // OAuth and HTTP errors of the token endpoint never echo the reply or the URL.
        Err(err) => span.record("outcome", tracing::field::display(err)),
    };
    result
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::Tokens;

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
}
