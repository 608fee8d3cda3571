//! Authorisation: incoming webhooks and OAuth 2.0 tokens, and where tokens are kept.
//!
//! Every secret (the webhook code, the access and refresh tokens, the client secret)
//! is held in a [`Secret`], whose `Debug` and `Display` print `***`.
//!
//! One concept per module, and this file only declares and re-exports them:
//! - `secret`: [`Secret`];
//! - `webhook`: [`Webhook`], read from the URL an administrator copies;
//! - `oauth`: [`OAuthApp`] and [`authorize_url`];
//! - `tokens`: [`TokenResponse`] and [`Tokens`];
//! - `store`: the [`TokenStore`] trait (with its cross-process [`RefreshLease`]),
//!   [`MemoryTokenStore`] and [`FileTokenStore`];
//! - `token_endpoint`: the requests to the authorisation server;
//! - `refresh`: the token state a client shares across its clones, refreshed one at a
//!   time;
//! - `loopback`: which hosts plain `http://` may go to;
//! - `error`: [`WebhookUrlError`] and [`TokenStoreError`], a leaf that
//!   [`crate::error::Error`] wraps without depending on the rest of `auth`.

mod error;
mod loopback;
mod oauth;
pub(crate) mod refresh;
mod secret;
mod store;
mod token_endpoint;
mod tokens;
mod webhook;

pub use error::{TokenStoreError, WebhookUrlError};
pub use oauth::{DEFAULT_TOKEN_URL, OAuthApp, authorize_url};
pub use secret::Secret;
pub use store::{FileTokenStore, MemoryTokenStore, RefreshLease, StoreFuture, TokenStore};
pub use token_endpoint::MAX_TOKEN_REPLY_BYTES;
pub use tokens::{TokenResponse, Tokens};
pub use webhook::{Webhook, WebhookOptions};
