//! The HTTP client: calls REST methods over a webhook or OAuth tokens, with the portal's
//! rate limit kept on the client side, token refresh and retries.
//!
//! ```no_run
//! # async fn demo() -> Result<(), bitrix24_transport::error::Error> {
//! use bitrix24_transport::client::Client;
//! use bitrix24_transport::CallKind;
//!
//! let client = Client::webhook("https://example.bitrix24.com/rest/1/abc123/")?;
//! let reply = client
//!     .call_raw("crm.deal.get", serde_json::json!({"id": 1}), CallKind::Read)
//!     .await?;
//! println!("{}", reply.result["TITLE"]);
//! # Ok(()) }
//! ```
//!
//! One concept per module, and this file only declares and re-exports them:
//! - `builder`: [`Auth`], [`ClientBuilder`] and the defaults it starts from;
//! - `call`: the [`Client`] and one call through it, attempt after attempt, as the
//!   [retry rule](crate::retry) decides;
//! - `request`: one attempt's URL and body with the credentials in place;
//! - `deadline`: the instant by which a whole call has ended;
//! - `operating`: the portal's operating-time limit, remembered per method;
//! - `blocking`: `BlockingClient` (feature `blocking`), the client for programs without
//!   an async runtime.
//!
//! The HTTP plumbing under it is the crate's `http` module's; the OAuth token state it shares
//! across clones is `auth`'s.

#[cfg(feature = "blocking")]
mod blocking;
mod builder;
mod call;
mod deadline;
mod operating;
mod request;

#[cfg(feature = "blocking")]
pub use blocking::BlockingClient;
pub use builder::{
    Auth, ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_REPLY_BYTES, DEFAULT_REFRESH_MARGIN,
    DEFAULT_TIMEOUT,
};
pub use call::{CallOptions, Client};
pub use deadline::DEFAULT_DEADLINE;
