//! Shared state for bitrix24-rs clients that run in many processes (workers, pods) and
//! call the same portals, kept in Redis.
//!
//! - [`RedisLimiter`]: the portal's leaky bucket (limits.md: standard 2/s over 50,
//!   Enterprise 5/s over 250) as one atomic Lua script per portal, so that all processes
//!   together never exceed it and together still use the burst; plug it into
//!   [`ClientBuilder::limiter`](bitrix24_transport::ClientBuilder::limiter).
//! - [`RedisTokenStore`]: an OAuth token pair per portal, refreshed under a lease so that
//!   a single-use refresh token is spent once, whatever the number of processes.
//! - [`PortalRegistry`]: a client per portal for an application installed on many, from
//!   the installation's tokens.
//! - [`RedisServer`]: a throwaway `redis-server` on 127.0.0.1, for tests and examples.
//!
//! Keys live under a prefix (default [`DEFAULT_PREFIX`]) and the portal's id (its member
//! id or host), see [`PortalKeys`].
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use std::sync::Arc;
//! use bitrix24_redis::{PortalKeys, RedisLimiter};
//! use bitrix24_transport::{Auth, Client, auth::Webhook, ratelimit::BucketConfig};
//!
//! let redis = bitrix24_redis::connect("redis://127.0.0.1:6379/").await?;
//! // Every process that calls example.bitrix24.com takes its slots from this one bucket.
//! let limiter = RedisLimiter::new(redis, PortalKeys::new("example.bitrix24.com"), BucketConfig::STANDARD);
//! let client = Client::builder(Auth::Webhook(Webhook::parse("https://example.bitrix24.com/rest/1/CODE/")?))
//!     .limiter(Arc::new(limiter))
//!     .build()?;
//! # let _ = client;
//! # Ok(()) }
//! ```
//!
//! When Redis does not answer (within a second), a call fails with
//! [`Error::Limiter`](bitrix24_transport::Error::Limiter) before it is sent, or, with
//! [`Unavailable::Local`], is paced by a local share of the bucket; a refresh that cannot
//! take the lease fails with a token-store error and spends no refresh token.

mod keys;
mod limiter;
mod registry;
mod server;
mod token_store;

pub use keys::{DEFAULT_PREFIX, PortalKeys};
pub use limiter::{RedisLimiter, Unavailable};
pub use registry::PortalRegistry;
pub use server::RedisServer;
pub use token_store::{DEFAULT_LEASE_TTL, RedisTokenStore};

/// Connect with the timeouts a rate limiter needs: a Redis that does not answer within a
/// second is treated as down (the call fails or falls back, see [`Unavailable`]) instead
/// of holding every call. Reconnects by itself when Redis is back.
pub async fn connect(url: &str) -> redis::RedisResult<redis::aio::ConnectionManager> {
    let client = redis::Client::open(url)?;
    let config = redis::aio::ConnectionManagerConfig::new()
        .set_connection_timeout(Some(std::time::Duration::from_secs(1)))
        .set_response_timeout(Some(std::time::Duration::from_secs(1)))
        .set_number_of_retries(1);
    redis::aio::ConnectionManager::new_with_config(client, config).await
}
