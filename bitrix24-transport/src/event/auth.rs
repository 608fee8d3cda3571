//! The `auth` block of an event request, and checking its `application_token`.

use serde_json::{Map, Value};
use subtle::ConstantTimeEq;

use super::error::EventError;
use crate::auth::Secret;
use bitrix24_wire::scalar as lenient;

/// The `auth` block of an event: who the event is for and, for applications, tokens to
/// call the portal back.
///
/// An outgoing webhook receives only `domain`, `client_endpoint`, `server_endpoint`,
/// `member_id` and `application_token`; an application also gets an access token of the
/// user whose action triggered the event (none when an automation rule or agent did it),
/// and a refresh token only with some events (`ONAPPINSTALL`, `ONOFFLINEEVENT`). Tokens
/// are [`Secret`]s: `Debug` shows none of them.
#[derive(Debug, Clone)]
pub struct EventAuth {
    /// Proves the request came from the portal; already checked when this is read from a
    /// [`RawEvent`](super::RawEvent).
    pub application_token: Secret,
    /// An access token of the user the handler is authorised as.
    pub access_token: Option<Secret>,
    /// A refresh token, sent with the events that need long-term access.
    pub refresh_token: Option<Secret>,
    /// Seconds until `access_token` expires.
    pub expires_in: Option<u64>,
    /// The scopes granted to the application (`crm`, `crm,user`).
    pub scope: Option<String>,
    /// The portal's domain (`example.bitrix24.com`).
    pub domain: Option<String>,
    /// The portal's REST address, where calls with `access_token` go.
    pub client_endpoint: Option<String>,
    /// The authorisation server's REST address (for refreshing tokens).
    pub server_endpoint: Option<String>,
    /// The portal's identifier: the key to a multi-portal application's tokens.
    pub member_id: Option<String>,
    /// The application's status (`L` local, `F` free, `D` demo, `T` trial, `P` paid).
    pub status: Option<String>,
}

impl EventAuth {
    /// Read the block; only `application_token` is required.
    pub(super) fn read(auth: &Map<String, Value>) -> Result<Self, EventError> {
        let application_token = lenient::text(auth.get("application_token"))
            .filter(|token| !token.is_empty())
            .ok_or(EventError::MissingField {
                field: "auth[application_token]",
            })?;
        let secret = |key: &str| {
            lenient::text(auth.get(key))
                .filter(|token| !token.is_empty())
                .map(Secret::new)
        };
        let text = |key: &str| lenient::text(auth.get(key)).filter(|text| !text.is_empty());
        Ok(Self {
            application_token: Secret::new(application_token),
            access_token: secret("access_token"),
            refresh_token: secret("refresh_token"),
            expires_in: lenient::unsigned(auth.get("expires_in")),
            scope: text("scope"),
            domain: text("domain"),
            client_endpoint: text("client_endpoint"),
            server_endpoint: text("server_endpoint"),
            member_id: text("member_id"),
            status: text("status"),
        })
    }
}

/// Whether `received` is the application's token, compared in constant time so the
/// comparison's duration tells nothing about how much of a guess was right.
///
/// An empty expected token matches nothing: an application that has not stored its
/// token yet must not accept every request.
pub(super) fn token_matches(received: &Secret, expected: &Secret) -> bool {
    let expected = expected.expose().as_bytes();
    // `ct_eq` on slices of different lengths returns false at once: the length of the
    // token is not a secret (every application token has the same length).
    !expected.is_empty() && bool::from(received.expose().as_bytes().ct_eq(expected))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        let token = Secret::new("51856fefc120afa4b628cc82d3935cce");
        assert!(token_matches(&token.clone(), &token));
        for other in [
            "51856fefc120afa4b628cc82d3935ccf",
            "51856fefc120afa4b628cc82d3935cc",
            "51856fefc120afa4b628cc82d3935ccee",
            "",
            "51856FEFC120AFA4B628CC82D3935CCE",
        ] {
            assert!(!token_matches(&Secret::new(other), &token), "{other}");
        }
        assert!(!token_matches(&Secret::new(""), &Secret::new("")));
    }
}
