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

use bitrix24_transport::envelope::Time;
use bitrix24_transport::operating_budget::{OperatingBudget, PENDING_TTL, PROBE_WAIT};
use bitrix24_transport::ratelimit::{BucketConfig, DEFAULT_SAFETY, MemoryLimiter};
use bitrix24_transport::{Limiter, LimiterError, LimiterFuture};
use redis::aio::ConnectionManager;

use crate::keys::PortalKeys;

/// Reserve a slot (`ARGV[3] == "reserve"`) or fill the bucket (`"saturate"`).
///
/// KEYS[1]: the bucket hash; ARGV[1]: capacity; ARGV[2]: drain per second. Returns the
/// wait in microseconds. The key expires once the bucket would be empty, so idle portals
/// leave nothing behind.
///
/// With KEYS[2] (the method's operating-time budget, see
/// [`bitrix24_transport::operating_budget`]; ARGV[4]: limit, ARGV[5]: reserve, ARGV[6]:
/// probe wait, ARGV[8]: how long a call counts in flight, all seconds) and KEYS[3] (its
/// calls in flight, a sorted set by the time they were let go; ARGV[7]: this call's
/// unique id), a method within the margin of its limit takes no slot and gets a negative
/// answer: the microseconds to wait before asking again. After the release one call
/// probes while the others wait for its reply.
const BUCKET_SCRIPT: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if ARGV[3] == 'reserve' and KEYS[2] then
  local ttl = tonumber(ARGV[8]) * 1000000
  redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - ttl)
  local b = redis.call('HMGET', KEYS[2], 'operating', 'reset_at', 'step', 'probing_until')
  local operating = tonumber(b[1])
  if operating then
    local reset_at = tonumber(b[2]) * 1000000
    local probing = tonumber(b[4]) or 0
    local step = tonumber(b[3]) or 0
    local margin = math.max(tonumber(ARGV[5]), 2 * step) + step * redis.call('ZCARD', KEYS[3])
    if operating + margin >= tonumber(ARGV[4]) then
      if now < reset_at then
        return -math.ceil(reset_at - now)
      end
      if now < probing then
        return -math.ceil(probing - now)
      end
      redis.call('HSET', KEYS[2], 'probing_until', string.format('%.17g', now + tonumber(ARGV[6]) * 1000000))
    end
  end
  redis.call('ZADD', KEYS[3], now, ARGV[7])
  redis.call('PEXPIRE', KEYS[3], math.ceil(ttl / 1000))
end
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

/// Record a reply's operating time (KEYS[1]: the method's budget, KEYS[2]: its calls in
/// flight, of which one fewer; ARGV[1]: `operating`,
/// ARGV[2]: `operating_reset_at`, ARGV[3]: the call's `processing`, or `-1`), as
/// [`MethodBudget::observe`](bitrix24_transport::operating_budget::MethodBudget::observe)
/// does in memory: a reply older than one seen is ignored (but for its own cost), the
/// largest step is kept, a probe is answered. Forgotten after the portal's 10-minute
/// window.
const OBSERVE_SCRIPT: &str = r"
redis.call('ZPOPMIN', KEYS[2])
local b = redis.call('HMGET', KEYS[1], 'operating', 'reset_at', 'step')
local old = tonumber(b[1])
local old_reset = tonumber(b[2]) or 0
local step = tonumber(b[3]) or 0
local operating = tonumber(ARGV[1])
local reset_at = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
if cost and cost > step then
  step = cost
  redis.call('HSET', KEYS[1], 'step', string.format('%.17g', step))
end
if old and reset_at <= old_reset + 0.000001 and operating <= old then
  return 0
end
if old and operating - old > step then
  step = operating - old
end
redis.call('HSET', KEYS[1], 'operating', string.format('%.17g', operating), 'reset_at', string.format('%.17g', reset_at), 'step', string.format('%.17g', step), 'probing_until', '0')
redis.call('EXPIRE', KEYS[1], 900)
return 1
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
    observe_script: redis::Script,
    unavailable: Unavailable,
    budget: Option<OperatingBudget>,
    credential: String,
}

impl fmt::Debug for RedisLimiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RedisLimiter")
            .field("bucket", &self.keys.bucket())
            .field("config", &self.config)
            .field("safety", &self.safety)
            .field("unavailable", &self.unavailable)
            .field("budget", &self.budget)
            .field("credential", &self.credential)
            .finish_non_exhaustive()
    }
}

impl RedisLimiter {
    /// The bucket of the portal `keys` name, over `connection`, with the
    /// [`DEFAULT_SAFETY`] margin, [`Unavailable::Fail`], and the operating-time budget
    /// [`OperatingBudget::DOCUMENTED`] of the credential `default`.
    pub fn new(connection: ConnectionManager, keys: PortalKeys, config: BucketConfig) -> Self {
        Self {
            connection,
            keys,
            config,
            safety: DEFAULT_SAFETY,
            script: redis::Script::new(BUCKET_SCRIPT),
            observe_script: redis::Script::new(OBSERVE_SCRIPT),
            unavailable: Unavailable::Fail,
            budget: Some(OperatingBudget::DOCUMENTED),
            credential: "default".into(),
        }
    }

    /// The operating-time budget to keep each method within (`None`: do not track it).
    ///
    /// Calls in flight are counted across processes; replies are recorded a moment after
    /// they arrive (in a task of their own), which only makes the margin wider meanwhile.
    pub fn with_operating_budget(mut self, budget: Option<OperatingBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// Which credential's budget this is: the portal counts operating time per
    /// application or webhook, so clients of two webhooks of one portal name two
    /// credentials (the webhook's user id, the application's client id; never a secret).
    pub fn with_credential(mut self, credential: &str) -> Self {
        self.credential = credential.to_owned();
        self
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

    /// The script's answer: `Ok` the bucket wait, `Err` the budget wait (no slot taken).
    async fn run(
        &self,
        mode: &str,
        method: Option<&str>,
    ) -> Result<Result<Duration, Duration>, redis::RedisError> {
        let capacity = self.config.capacity.max(1);
        let rate = if self.config.drain_per_second.is_finite() && self.config.drain_per_second > 0.0
        {
            self.config.drain_per_second
        } else {
            // A bucket that never drains would block forever; as in memory, a slow drain.
            1e-6
        };
        let mut connection = self.connection.clone();
        let mut invocation = self.script.key(self.keys.bucket());
        invocation.arg(capacity).arg(rate).arg(mode);
        if let (Some(budget), Some(method)) = (&self.budget, method) {
            invocation
                .key(self.keys.operating(&self.credential, method))
                .key(self.keys.in_flight(&self.credential, method))
                .arg(budget.limit.as_secs_f64())
                .arg(budget.reserve.as_secs_f64())
                .arg(PROBE_WAIT.as_secs_f64())
                .arg(fastrand::u64(..))
                .arg(PENDING_TTL.as_secs_f64());
        }
        let micros: i64 = invocation.invoke_async(&mut connection).await?;
        let wait = Duration::from_micros(micros.unsigned_abs());
        Ok(if micros < 0 { Err(wait) } else { Ok(wait) })
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
    fn slot_interval(&self) -> std::time::Duration {
        std::time::Duration::try_from_secs_f64(1.0 / self.config.drain_per_second.max(0.001))
            .unwrap_or(std::time::Duration::from_secs(1))
    }

    fn acquire<'a>(&'a self, method: &'a str) -> LimiterFuture<'a, Result<(), LimiterError>> {
        Box::pin(async move {
            loop {
                match self.run("reserve", Some(method)).await {
                    // The method's budget is near its limit: wait, then ask again.
                    Ok(Err(budget_wait)) => tokio::time::sleep(budget_wait).await,
                    Ok(Ok(wait)) => {
                        if !wait.is_zero() {
                            tokio::time::sleep(wait.saturating_add(self.safety)).await;
                        }
                        return Ok(());
                    }
                    Err(err) => {
                        return match &self.unavailable {
                            Unavailable::Fail => Err(Self::unreachable(&err)),
                            Unavailable::Local(local) => Limiter::acquire(local, method).await,
                        };
                    }
                }
            }
        })
    }

    fn saturate(&self) -> LimiterFuture<'_, ()> {
        Box::pin(async move {
            if self.run("saturate", None).await.is_err() {
                if let Unavailable::Local(local) = &self.unavailable {
                    local.saturate();
                }
            }
        })
    }

    fn observe(&self, method: &str, time: &Time) {
        let (Some(_), Some(operating), Some(reset_at)) =
            (self.budget, time.operating, time.operating_reset_at)
        else {
            return;
        };
        if let Unavailable::Local(local) = &self.unavailable {
            local.observe(method, time);
        }
        // Recorded in a task of its own (the reply is not held across an await); a
        // failure only means the others learn of this reply from the next one.
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let mut connection = self.connection.clone();
        let script = self.observe_script.clone();
        let key = self.keys.operating(&self.credential, method);
        let in_flight = self.keys.in_flight(&self.credential, method);
        let cost = time
            .processing
            .filter(|cost| cost.is_finite())
            .unwrap_or(-1.0);
        runtime.spawn(async move {
            let _: Result<i64, _> = script
                .key(key)
                .key(in_flight)
                .arg(operating)
                .arg(reset_at)
                .arg(cost)
                .invoke_async(&mut connection)
                .await;
        });
    }
}
