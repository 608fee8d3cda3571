//! One attempt of a call made ready to send: its URL and JSON body with the credentials
//! in place (the webhook's secret in the URL, or the OAuth access token as `auth`), and
//! the idempotency key the call carries.

use reqwest::Url;
use serde_json::Value;
use serde_json::value::RawValue;

use crate::auth::Webhook;
use crate::auth::refresh::OAuthState;
use crate::error::Error;
use crate::idempotency::{Idempotency, IdempotencyKey};
use crate::method::{ApiVersion, CallKind};

/// How a client authorises its calls, once built: a webhook, or the OAuth token state
/// shared by its clones.
pub(super) enum AuthState {
    Webhook(Webhook),
    OAuth(Box<OAuthState>),
}

impl AuthState {
    /// The URL and body of one attempt, with the current credentials.
    pub(super) async fn prepare(
        &self,
        method: &str,
        api: ApiVersion,
        params: &Params,
    ) -> Result<Prepared, Error> {
        match self {
            AuthState::Webhook(webhook) => Ok(Prepared {
                url: webhook.method_url(method, api)?,
                body: match params {
                    Params::Json(params) => encode_body(method, params)?,
                    Params::Ordered(entries) => encode_ordered(method, entries, None)?,
                },
                generation: 0,
                token: Some(webhook.secret().expose().to_owned()),
            }),
            AuthState::OAuth(oauth) => {
                let current = oauth.credentials().await?;
                let path = match api {
                    ApiVersion::Classic => format!("{method}.json"),
                    ApiVersion::V3 => format!("api/{method}"),
                };
                let mut url = current
                    .endpoint
                    .join(&path)
                    .map_err(|_| Error::InvalidUrl {
                        reason: format!(
                            "cannot build the URL of `{method}` from the client endpoint"
                        ),
                    })?;
                let token = current.tokens.access_token.expose();
                let body = match params {
                    Params::Ordered(entries) => encode_ordered(method, entries, Some(token))?,
                    Params::Json(Value::Object(map)) => {
                        let mut map = map.clone();
                        map.insert("auth".into(), Value::String(token.to_owned()));
                        encode_body(method, &Value::Object(map))?
                    }
                    // Positional parameters cannot take a named `auth`: pass it in the query.
                    Params::Json(other) => {
                        url.query_pairs_mut().append_pair("auth", token);
                        encode_body(method, other)?
                    }
                };
                Ok(Prepared {
                    url,
                    body,
                    generation: current.generation,
                    token: Some(token.to_owned()),
                })
            }
        }
    }
}

/// The URL and body of one attempt.
pub(super) struct Prepared {
    pub(super) url: Url,
    pub(super) body: Vec<u8>,
    /// The token generation used (OAuth), to make refreshes single-flight.
    pub(super) generation: u64,
    /// The secret in the URL or body, to scrub from error text.
    pub(super) token: Option<String>,
}

/// `text` with the secret (of [`Prepared::token`]) replaced by `***`.
pub(super) fn redact(text: String, secret: &Option<String>) -> String {
    match secret {
        Some(secret) if !secret.is_empty() && text.contains(secret.as_str()) => {
            text.replace(secret.as_str(), "***")
        }
        _ => text,
    }
}

/// The parameters of one call.
pub(super) enum Params {
    /// As serialised (a JSON object, or an array for positional parameters).
    Json(Value),
    /// An object whose top-level entries are written in this order, each already JSON.
    Ordered(Vec<(String, Box<RawValue>)>),
}

/// An ordered object body, with `auth` first when given.
fn encode_ordered(
    method: &str,
    entries: &[(String, Box<RawValue>)],
    auth: Option<&str>,
) -> Result<Vec<u8>, Error> {
    let encode = |err: serde_json::Error| Error::Encode {
        method: method.to_owned(),
        reason: err.to_string(),
    };
    let mut body =
        Vec::with_capacity(64 + entries.iter().map(|(_, v)| v.get().len()).sum::<usize>());
    body.push(b'{');
    let mut first = true;
    let mut push = |body: &mut Vec<u8>, key: &str, value: &[u8]| -> Result<(), Error> {
        if !first {
            body.push(b',');
        }
        first = false;
        serde_json::to_writer(&mut *body, key).map_err(encode)?;
        body.push(b':');
        body.extend_from_slice(value);
        Ok(())
    };
    if let Some(token) = auth {
        let token = serde_json::to_vec(token).map_err(encode)?;
        push(&mut body, "auth", &token)?;
    }
    for (key, value) in entries {
        if auth.is_some() && key == "auth" {
            continue;
        }
        push(&mut body, key, value.get().as_bytes())?;
    }
    body.push(b'}');
    Ok(body)
}

fn encode_body(method: &str, params: &Value) -> Result<Vec<u8>, Error> {
    serde_json::to_vec(params).map_err(|err| Error::Encode {
        method: method.to_owned(),
        reason: err.to_string(),
    })
}

/// The `Idempotency-Key` a call carries (see [`crate::idempotency`]).
pub(super) fn idempotency_key(
    method: &str,
    kind: CallKind,
    api: ApiVersion,
    idempotency: Idempotency,
) -> Result<Option<IdempotencyKey>, Error> {
    match (api, idempotency) {
        (_, Idempotency::Off) | (ApiVersion::Classic, Idempotency::Auto) => Ok(None),
        (ApiVersion::Classic, Idempotency::Key(_)) => Err(Error::Encode {
            method: method.to_owned(),
            reason: "an idempotency key works only for REST 3.0 methods; the classic API \
                     would ignore it and could run the call twice"
                .into(),
        }),
        (ApiVersion::V3, Idempotency::Key(key)) => Ok(Some(key)),
        (ApiVersion::V3, Idempotency::Auto) => {
            Ok((kind != CallKind::Read).then(IdempotencyKey::generate))
        }
    }
}
