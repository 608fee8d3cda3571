//! [`RedisTokenStore`]: a portal's OAuth token pair in Redis, shared by every process of
//! an application, with the lease under which one of them refreshes it.
//!
//! Bitrix24's refresh token is single-use: two processes refreshing the same pair at once
//! spend it twice, and the loser is locked out. The client takes this store's lease before
//! a refresh and reads the pair again once it holds it (see
//! [`TokenStore`](bitrix24_transport::auth::TokenStore)): the first process refreshes and
//! saves, the others wait for the lease, then find the new pair and use it.

use std::fmt;
use std::time::{Duration, Instant};

use bitrix24_transport::auth::{RefreshLease, StoreFuture, TokenStore, TokenStoreError, Tokens};
use redis::AsyncCommands;
use redis::aio::ConnectionManager;

use crate::keys::PortalKeys;

/// Delete the lease only if this holder still has it (KEYS[1]: lease, ARGV[1]: holder).
const RELEASE_SCRIPT: &str = r"
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
";

/// How long a lease lasts unless released: longer than a refresh takes (the token
/// endpoint's attempts and the save), short enough that a process that died holding it
/// delays the others only this long.
pub const DEFAULT_LEASE_TTL: Duration = Duration::from_secs(30);

/// How often a process waiting for the lease asks again.
const LEASE_POLL: Duration = Duration::from_millis(25);

/// How many times a save is tried while Redis does not answer: the new pair exists
/// nowhere else (the old refresh token is spent), so it is worth a few seconds.
const SAVE_ATTEMPTS: u32 = 5;

/// One portal's OAuth tokens in Redis, keyed by [`PortalKeys::tokens`].
#[derive(Clone)]
pub struct RedisTokenStore {
    connection: ConnectionManager,
    keys: PortalKeys,
    lease_ttl: Duration,
}

impl fmt::Debug for RedisTokenStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisTokenStore")
            .field("tokens", &self.keys.tokens())
            .field("lease_ttl", &self.lease_ttl)
            .finish_non_exhaustive()
    }
}

impl RedisTokenStore {
    /// The tokens of the portal `keys` name (its member id), over `connection`.
    pub fn new(connection: ConnectionManager, keys: PortalKeys) -> Self {
        Self {
            connection,
            keys,
            lease_ttl: DEFAULT_LEASE_TTL,
        }
    }

    /// How long a lease lasts unless released (default [`DEFAULT_LEASE_TTL`]); a process
    /// waits for a held lease at most this long.
    pub fn with_lease_ttl(mut self, ttl: Duration) -> Self {
        self.lease_ttl = ttl.max(Duration::from_millis(100));
        self
    }

    async fn save_once(&self, json: &str) -> Result<(), redis::RedisError> {
        let mut connection = self.connection.clone();
        connection.set::<_, _, ()>(self.keys.tokens(), json).await
    }
}

fn redis_error(what: &str, err: redis::RedisError) -> TokenStoreError {
    // Redis errors name the failure, not the URL or the value; the cause is kept.
    TokenStoreError::with_source(format!("Redis: {what}"), err)
}

impl TokenStore for RedisTokenStore {
    fn load(&self) -> StoreFuture<'_, Option<Tokens>> {
        Box::pin(async move {
            let mut connection = self.connection.clone();
            let json: Option<String> = connection
                .get(self.keys.tokens())
                .await
                .map_err(|err| redis_error("cannot read the tokens", err))?;
            let Some(json) = json else {
                return Ok(None);
            };
            serde_json::from_str(&json).map(Some).map_err(|err| {
                // serde_json can quote values (tokens): report only where it failed.
                TokenStoreError::new(format!(
                    "Redis: {} does not hold tokens ({:?} error at column {})",
                    self.keys.tokens(),
                    err.classify(),
                    err.column()
                ))
            })
        })
    }

    fn save<'a>(&'a self, tokens: &'a Tokens) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let json = serde_json::to_string(tokens)
                .map_err(|_| TokenStoreError::new("cannot serialise the tokens"))?;
            let mut attempt = 0;
            loop {
                attempt += 1;
                match self.save_once(&json).await {
                    Ok(()) => return Ok(()),
                    Err(err) if attempt >= SAVE_ATTEMPTS => {
                        return Err(redis_error("cannot save the new tokens", err));
                    }
                    Err(_) => {
                        tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt))).await
                    }
                }
            }
        })
    }

    fn lease(&self) -> StoreFuture<'_, Option<Box<dyn RefreshLease>>> {
        Box::pin(async move {
            let holder: String = std::iter::repeat_with(fastrand::alphanumeric)
                .take(24)
                .collect();
            let key = self.keys.lease();
            let ttl = u64::try_from(self.lease_ttl.as_millis()).unwrap_or(u64::MAX);
            let deadline = Instant::now() + self.lease_ttl + LEASE_POLL;
            let mut connection = self.connection.clone();
            loop {
                let taken: Option<String> = match redis::cmd("SET")
                    .arg(&key)
                    .arg(&holder)
                    .arg("NX")
                    .arg("PX")
                    .arg(ttl)
                    .query_async(&mut connection)
                    .await
                {
                    Ok(taken) => taken,
                    Err(err) => {
                        // A SET that timed out may still run once Redis answers again,
                        // leaving the lease taken by nobody for its whole TTL: give it
                        // back as soon as Redis can be reached.
                        release_later(connection, key, holder, self.lease_ttl);
                        return Err(redis_error("cannot take the refresh lease", err));
                    }
                };
                if taken.is_some() {
                    return Ok(Some(Box::new(RedisLease {
                        connection,
                        key,
                        holder,
                        ttl: self.lease_ttl,
                    }) as Box<dyn RefreshLease>));
                }
                if Instant::now() > deadline {
                    // The holder outlived its own expiry: Redis would have freed it. Only
                    // a clock jump or a misconfigured TTL gets here.
                    return Err(TokenStoreError::new(
                        "Redis: the refresh lease stayed taken longer than its TTL",
                    ));
                }
                tokio::time::sleep(LEASE_POLL).await;
            }
        })
    }
}

/// Release `holder`'s lease in the background, trying until `within` has passed.
fn release_later(connection: ConnectionManager, key: String, holder: String, within: Duration) {
    let Ok(runtime) = tokio::runtime::Handle::try_current() else {
        return;
    };
    runtime.spawn(async move {
        let deadline = Instant::now() + within;
        let lease = RedisLease {
            connection,
            key,
            holder,
            ttl: within,
        };
        while Instant::now() < deadline {
            if lease.release_once().await.is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    });
}

/// A held refresh lease: the random holder id stored at the lease key.
struct RedisLease {
    connection: ConnectionManager,
    key: String,
    holder: String,
    /// How long the lease lasts: trying to give it back longer is pointless.
    ttl: Duration,
}

impl RedisLease {
    async fn release_once(&self) -> Result<(), redis::RedisError> {
        let mut connection = self.connection.clone();
        redis::Script::new(RELEASE_SCRIPT)
            .key(&self.key)
            .arg(&self.holder)
            .invoke_async::<i64>(&mut connection)
            .await
            .map(drop)
    }
}

impl RefreshLease for RedisLease {
    fn release(self: Box<Self>) -> StoreFuture<'static, ()> {
        Box::pin(async move {
            match self.release_once().await {
                Ok(()) => Ok(()),
                Err(err) => {
                    // Keep trying in the background: the lease would block the others
                    // for its whole TTL.
                    release_later(self.connection, self.key, self.holder, self.ttl);
                    Err(redis_error("cannot release the refresh lease", err))
                }
            }
        })
    }
}
