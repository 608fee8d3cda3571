//! [`RedisLimiter`]: the portal's leaky bucket kept in Redis, so that any number of
//! processes share it.
//!
//! One Lua script does the whole step atomically on the Redis server, with the server's
//! clock (`TIME`), so that the processes' own clocks never matter: drain the level for the
//! time passed, add this request, and answer how long the request must wait for its slot
//! (0 while the burst lasts). Each process then sleeps that long locally; Redis is asked
//! once per request and never polled. This is the same arithmetic as the in-memory
//! [`LeakyBucket`](bitrix24_transport::ratelimit::LeakyBucket), slots handed out in order.

use std::fmt;
use std::time::Duration;

use bitrix24_transport::ratelimit::{BucketConfig, DEFAULT_SAFETY, MemoryLimiter};
use bitrix24_transport::{Limiter, LimiterError, LimiterFuture};
use redis::aio::ConnectionManager;

use crate::keys::PortalKeys;

/// Reserve a slot (`ARGV[3] == "reserve"`) or fill the bucket (`"saturate"`).
///
/// KEYS[1]: the bucket hash; ARGV[1]: capacity; ARGV[2]: drain per second. Returns the
/// wait in microseconds. The key expires once the bucket would be empty, so idle portals
/// leave nothing behind.
const BUCKET_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local capacity = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local state = redis.call('HMGET', KEYS[1], 'level', 'updated')
local level = tonumber(state[1]) or 0
local updated = tonumber(state[2]) or now
if now > updated then
  level = math.max(0, level - (now - updated) / 1000000 * rate)
  updated = now
end
local wait = 0
if ARGV[3] == 'reserve' then
  level = level + 1
  local over = level - capacity
  if over > 0 then
    wait = math.ceil(over / rate * 1000000)
  end
else
  level = math.max(level, capacity)
end
redis.call('HSET', KEYS[1], 'level', string.format('%.17g', level), 'updated', string.format('%.17g', updated))
redis.call('PEXPIRE', KEYS[1], math.ceil(level / rate * 1000) + 1000)
return wait
";

/// What a [`RedisLimiter`] does when Redis cannot be reached.
#[derive(Debug, Clone)]
pub enum Unavailable {
    /// Fail the call with [`Error::Limiter`](bitrix24_transport::Error::Limiter), without
    /// sending it: the portal's limit is never exceeded behind the caller's back. The
    /// default.
    Fail,
    /// Pace this process with its own in-memory bucket until Redis answers again.
    ///
    /// Give it this process's share of the portal's bucket (capacity and drain divided by
    /// the number of processes): the processes do not see each other meanwhile, and
    /// their shares must add up to no more than the portal's bucket.
    Local(MemoryLimiter),
}

/// The portal's leaky bucket in Redis, shared by every process that uses the same key.
#[derive(Clone)]
pub struct RedisLimiter {
    connection: ConnectionManager,
    keys: PortalKeys,
    config: BucketConfig,
    safety: Duration,
    script: redis::Script,
    unavailable: Unavailable,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("bucket", &self.keys.bucket())
            .field("config", &self.config)
            .field("safety", &self.safety)
            .field("unavailable", &self.unavailable)
            .finish_non_exhaustive()
    }
}

impl RedisLimiter {
    /// The bucket of the portal `keys` name, over `connection`, with the
    /// [`DEFAULT_SAFETY`] margin and [`Unavailable::Fail`].
    pub fn new(connection: ConnectionManager, keys: PortalKeys, config: BucketConfig) -> Self {
        Self {
            connection,
            keys,
            config,
            safety: DEFAULT_SAFETY,
            script: redis::Script::new(BUCKET_SCRIPT),
            unavailable: Unavailable::Fail,
        }
    }

    /// Delay every request that has to wait by `safety` more (see
    /// [`LeakyBucket::with_safety`](bitrix24_transport::ratelimit::LeakyBucket::with_safety)):
    /// it absorbs the spread of network latency between the processes and the portal.
    pub fn with_safety(mut self, safety: Duration) -> Self {
        self.safety = safety;
        self
    }

    /// What to do when Redis cannot be reached.
    pub fn on_unavailable(mut self, unavailable: Unavailable) -> Self {
        self.unavailable = unavailable;
        self
    }

    /// The bucket's settings.
    pub fn config(&self) -> BucketConfig {
        self.config
    }

    async fn run(&self, mode: &str) -> Result<Duration, redis::RedisError> {
        let capacity = self.config.capacity.max(1);
        let rate = if self.config.drain_per_second.is_finite() && self.config.drain_per_second > 0.0
        {
            self.config.drain_per_second
        } else {
            // A bucket that never drains would block forever; as in memory, a slow drain.
            1e-6
        };
        let mut connection = self.connection.clone();
        let micros: u64 = self
            .script
            .key(self.keys.bucket())
            .arg(capacity)
            .arg(rate)
            .arg(mode)
            .invoke_async(&mut connection)
            .await?;
        Ok(Duration::from_micros(micros))
    }

    fn unreachable(err: &redis::RedisError) -> LimiterError {
        // The error's text names the failure (refused, timed out), never the URL.
        LimiterError::new(format!(
            "Redis did not answer ({}); the call was not sent",
            describe(err)
        ))
    }
}

/// A Redis error in words, without any part of the connection URL.
fn describe(err: &redis::RedisError) -> String {
    if err.is_timeout() {
        "timed out".into()
    } else if err.is_connection_refusal() {
        "connection refused".into()
    } else if err.is_connection_dropped() || err.is_io_error() {
        "connection lost".into()
    } else {
        format!("{:?}", err.kind())
    }
}

impl Limiter for RedisLimiter {
    fn acquire<'a>(&'a self, method: &'a str) -> LimiterFuture<'a, Result<(), LimiterError>> {
        Box::pin(async move {
            match self.run("reserve").await {
                Ok(wait) => {
                    if !wait.is_zero() {
                        tokio::time::sleep(wait.saturating_add(self.safety)).await;
                    }
                    Ok(())
                }
                Err(err) => match &self.unavailable {
                    Unavailable::Fail => Err(Self::unreachable(&err)),
                    Unavailable::Local(local) => Limiter::acquire(local, method).await,
                },
            }
        })
    }

    fn saturate(&self) -> LimiterFuture<'_, ()> {
        Box::pin(async move {
            if self.run("saturate").await.is_err() {
                if let Unavailable::Local(local) = &self.unavailable {
                    local.saturate();
                }
            }
        })
    }
}
