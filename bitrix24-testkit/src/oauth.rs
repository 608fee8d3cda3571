//! The portal playing the OAuth server: `/oauth/token/` (settings/oauth/).
//!
//! - `grant_type=authorization_code` exchanges a one-time code from
//!   [`TestPortal::issue_authorization_code`](crate::TestPortal::issue_authorization_code)
//!   (valid 30 s) for a token pair.
//! - `grant_type=refresh_token` rotates both tokens: the used refresh token stops working
//!   (`invalid_grant`, counted in `Stats::refresh_token_reuses`); access tokens already
//!   issued stay valid until they expire.
//! - A wrong `client_id` or `client_secret` is `invalid_client`; a missing parameter or an
//!   unknown grant type is `invalid_request` / `unsupported_grant_type`.

use std::time::Instant;

use serde_json::{Value, json};

use crate::clock::now_unix;
use crate::credentials::{AccessToken, CODE_LIFETIME, Secrets, random_token};
use crate::params::param;
use crate::state::State;

/// The reply of the token endpoint: status and JSON body.
pub(crate) fn token_endpoint(
    state: &mut State,
    secrets: &Secrets,
    base_url: &str,
    params: &Value,
) -> (u16, Value) {
    let text = |name: &str| {
        param(params, name)
            .and_then(Value::as_str)
            .map(str::trim)
            .unwrap_or("")
    };
    let error = |status: u16, code: &str, description: &str| {
        (
            status,
            json!({"error": code, "error_description": description}),
        )
    };
    let grant_type = text("grant_type");
    if grant_type.is_empty() {
        return error(400, "invalid_request", "grant_type is missing");
    }
    if text("client_id").is_empty() || text("client_secret").is_empty() {
        return error(
            400,
            "invalid_request",
            "client_id and client_secret are required",
        );
    }
    if text("client_id") != state.client_id || text("client_secret") != secrets.client_secret {
        return error(401, "invalid_client", "Invalid client credentials");
    }
    let now = Instant::now();
    let user_id = match grant_type {
        "authorization_code" => {
            let code = text("code");
            if code.is_empty() {
                return error(400, "invalid_request", "code is missing");
            }
            match state.tokens.codes.remove(code) {
                Some(valid_until) if now < valid_until => 1,
                _ => return error(400, "invalid_grant", "Invalid authorization code"),
            }
        }
        "refresh_token" => {
            let refresh = text("refresh_token");
            if refresh.is_empty() {
                return error(400, "invalid_request", "refresh_token is missing");
            }
            match state.tokens.refresh.remove(refresh) {
                Some(user_id) => {
                    state.stats.token_refreshes += 1;
                    state.tokens.spent.insert(refresh.to_owned());
                    user_id
                }
                None => {
                    if state.tokens.spent.contains(refresh) {
                        state.stats.refresh_token_reuses += 1;
                    }
                    return error(400, "invalid_grant", "Invalid refresh token");
                }
            }
        }
        _ => return error(400, "unsupported_grant_type", "Unsupported grant type"),
    };
    let ttl = state.config.access_token_ttl;
    let access_token = random_token(32);
    let refresh_token = random_token(32);
    state.tokens.access.insert(
        access_token.clone(),
        AccessToken {
            // A TTL too large for the clock means "never" (a century).
            expires_at: now
                .checked_add(ttl)
                .or_else(|| now.checked_add(std::time::Duration::from_secs(3_155_760_000)))
                .unwrap_or(now),
            forced_expired: false,
            user_id,
        },
    );
    state.tokens.refresh.insert(refresh_token.clone(), user_id);
    let domain = base_url.trim_start_matches("http://");
    (
        200,
        json!({
            "access_token": access_token,
            "expires": (now_unix() + ttl.as_secs_f64()).floor() as u64,
            "expires_in": ttl.as_secs(),
            "scope": "crm,user",
            "domain": domain,
            "server_endpoint": format!("{base_url}/oauth/"),
            "status": "L",
            "client_endpoint": format!("{base_url}/rest/"),
            "member_id": secrets.member_id,
            "user_id": user_id,
            "refresh_token": refresh_token,
        }),
    )
}

/// Issue a one-time authorization code, as if a user approved the app.
pub(crate) fn issue_code(state: &mut State) -> String {
    let code = random_token(32);
    state
        .tokens
        .codes
        .insert(code.clone(), Instant::now() + CODE_LIFETIME);
    code
}
