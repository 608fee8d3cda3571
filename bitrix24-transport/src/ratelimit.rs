//! The client-side request-rate limit: a leaky bucket like the portal's.
//!
//! A portal counts each HTTP request; the counter drains by `Y` per second, and a request
//! that finds it above `X` is refused with `QUERY_LIMIT_EXCEEDED` (see the docs'
//! `limits.md`). The client keeps the same bucket: a burst up to the capacity goes out at
//! once, and beyond it each caller waits (asleep, not spinning) until its request fits.
//!
//! [`LeakyBucket`] is the arithmetic over an injected [`Instant`] (deterministic to test);
//! [`MemoryLimiter`] shares one bucket between all clones of a client (and every client
//! given the same limiter) in one process: the default [`Limiter`]. Processes that call
//! the same portal share a bucket through Redis instead (the `bitrix24-redis` crate).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use crate::envelope::Time;
use crate::limiter::{Limiter, LimiterError, LimiterFuture};
use crate::operating_budget::{MethodBudget, OperatingBudget};

/// The size and drain rate of a leaky bucket.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketConfig {
    /// Requests that may go out at once (`X`).
    pub capacity: u32,
    /// Requests the bucket drains per second (`Y`).
    pub drain_per_second: f64,
}

impl BucketConfig {
    /// Every plan but Enterprise: 50 requests, draining 2 per second.
    pub const STANDARD: Self = Self {
        capacity: 50,
        drain_per_second: 2.0,
    };
    /// Enterprise: 250 requests, draining 5 per second.
    pub const ENTERPRISE: Self = Self {
        capacity: 250,
        drain_per_second: 5.0,
    };
}

impl Default for BucketConfig {
    fn default() -> Self {
        Self::STANDARD
    }
}

/// The leaky-bucket arithmetic, over instants the caller supplies.
///
/// `level` is the number of requests in the bucket; it drains continuously. A request
/// that arrives when the bucket has room goes at once; otherwise it takes the next free
/// slot in the future and is told how long to wait for it. Slots are handed out in
/// order, so waiting callers never all wake at once.
#[derive(Debug, Clone)]
pub struct LeakyBucket {
    config: BucketConfig,
    level: f64,
    updated: Instant,
    safety: Duration,
}

/// The default [`LeakyBucket::with_safety`] margin: 200 ms.
///
/// The portal's bucket starts draining when the first request of a burst *arrives*; the
/// paced requests after the burst must be shifted by how much later that is than a paced
/// request's own way to the portal. A burst on a cold connection pool opens a connection
/// per request (TCP and TLS: about two round trips more than a request on an open
/// connection), so 200 ms covers portals up to 100 ms away. The margin costs its length
/// once per stretch of paced requests (every paced request is shifted by the same amount):
/// against the test portal on this machine, exporting 200,000 deals (81 requests, 31 of
/// them paced) took 15.55 s with no margin, 15.65 s with 100 ms, 15.81 s with 250 ms and
/// 16.05 s with 500 ms (the margin before), with no refused request at any of them: the
/// test portal is on the same machine and its bucket exact (`SAFETY_MS=N cargo bench -p
/// bitrix24-types --bench export -- export-200k`). Set a larger margin for a portal
/// farther away ([`MemoryLimiter::with_safety`]).
pub const DEFAULT_SAFETY: Duration = Duration::from_millis(200);

impl LeakyBucket {
    /// An empty bucket at `now`.
    pub fn new(config: BucketConfig, now: Instant) -> Self {
        Self {
            config,
            level: 0.0,
            updated: now,
            safety: Duration::ZERO,
        }
    }

    /// Delay every request that has to wait by `safety` more.
    ///
    /// The portal's bucket starts draining when the requests *arrive*; if the first
    /// requests of a burst arrive late (connections being opened) and a later one early,
    /// the portal has drained less than the client assumed. Shifting the paced requests
    /// by more than that latency spread keeps the portal's level within its capacity; a
    /// burst that fits still goes out at once. [`MemoryLimiter`] uses [`DEFAULT_SAFETY`].
    pub fn with_safety(mut self, safety: Duration) -> Self {
        self.safety = safety;
        self
    }

    /// The bucket's settings.
    pub fn config(&self) -> BucketConfig {
        self.config
    }

    fn drain(&mut self, now: Instant) {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        if elapsed > 0.0 {
            let rate = self.rate();
            self.level = (self.level - elapsed * rate).max(0.0);
            self.updated = now;
        }
    }

    fn rate(&self) -> f64 {
        if self.config.drain_per_second.is_finite() && self.config.drain_per_second > 0.0 {
            self.config.drain_per_second
        } else {
            // A bucket that never drains would block forever; treat it as a slow drain.
            1e-6
        }
    }

    /// The number of requests in the bucket at `now` (may exceed the capacity while
    /// callers wait for reserved slots).
    pub fn level(&mut self, now: Instant) -> f64 {
        self.drain(now);
        self.level
    }

    /// Take a slot for one request at `now`; returns how long to wait before sending it.
    pub fn reserve(&mut self, now: Instant) -> Duration {
        self.drain(now);
        self.level += 1.0;
        let over = self.level - f64::from(self.config.capacity.max(1));
        if over <= 0.0 {
            Duration::ZERO
        } else {
            Duration::try_from_secs_f64(over / self.rate())
                .unwrap_or(Duration::MAX)
                .saturating_add(self.safety)
        }
    }

    /// Give back a slot taken by [`LeakyBucket::reserve`] whose request is not sent (its
    /// wait would have ended after the call's deadline).
    pub fn unreserve(&mut self, now: Instant) {
        self.drain(now);
        self.level = (self.level - 1.0).max(0.0);
    }

    /// The time the bucket takes to drain one request: the pace of a full bucket.
    pub fn slot_interval(&self) -> Duration {
        Duration::try_from_secs_f64(1.0 / self.rate()).unwrap_or(Duration::MAX)
    }

    /// The portal said the bucket is full (`QUERY_LIMIT_EXCEEDED`): fill ours too, so every
    /// caller slows down to the drain rate.
    pub fn saturate(&mut self, now: Instant) {
        self.drain(now);
        self.level = self.level.max(f64::from(self.config.capacity));
    }
}

/// A leaky bucket in this process's memory, shared by every clone (and by every client
/// given the same limiter), with the operating-time budget of each method the replies
/// report (see [`crate::operating_budget`]; on by default with
/// [`OperatingBudget::DOCUMENTED`]).
#[derive(Debug, Clone)]
pub struct MemoryLimiter {
    bucket: Arc<Mutex<LeakyBucket>>,
    budget: Option<OperatingBudget>,
    methods: Arc<Mutex<HashMap<String, MethodBudget>>>,
}

/// The name [`MemoryLimiter`] had before limiters became a trait.
pub type RateLimiter = MemoryLimiter;

impl MemoryLimiter {
    /// A limiter with an empty bucket and the [`DEFAULT_SAFETY`] margin.
    pub fn new(config: BucketConfig) -> Self {
        Self::with_safety(config, DEFAULT_SAFETY)
    }

    /// A limiter with an empty bucket and a safety margin (see [`LeakyBucket::with_safety`]).
    pub fn with_safety(config: BucketConfig, safety: Duration) -> Self {
        Self {
            bucket: Arc::new(Mutex::new(
                LeakyBucket::new(config, Instant::now()).with_safety(safety),
            )),
            budget: Some(OperatingBudget::DOCUMENTED),
            methods: Arc::default(),
        }
    }

    /// The operating-time budget to keep each method within (`None`: do not track it).
    pub fn with_operating_budget(mut self, budget: Option<OperatingBudget>) -> Self {
        self.budget = budget;
        self
    }

    /// How long a call of `method` must wait for its operating-time budget.
    fn operating_wait(&self, method: &str) -> Option<Duration> {
        let budget = self.budget.as_ref()?;
        let mut methods = self.methods.lock().unwrap_or_else(PoisonError::into_inner);
        // Known or not, the call is counted in flight until its reply.
        if let Some(known) = methods.get_mut(method) {
            return known.wait(budget, unix_now());
        }
        let mut fresh = MethodBudget::default();
        let wait = fresh.wait(budget, unix_now());
        methods.insert(method.to_owned(), fresh);
        wait
    }

    /// The bucket's settings.
    pub fn config(&self) -> BucketConfig {
        self.lock().config()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LeakyBucket> {
        self.bucket.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Wait until one more request may be sent, and count it.
    pub async fn acquire(&self) {
        let wait = self.lock().reserve(Instant::now());
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// Wait until one more request may be sent and count it, unless the wait is longer
    /// than `limit`: then the slot is given back at once and the wait returned as `Err`.
    /// `Ok` holds the time waited.
    pub async fn acquire_within(&self, limit: Option<Duration>) -> Result<Duration, Duration> {
        let wait = {
            let mut bucket = self.lock();
            let now = Instant::now();
            let wait = bucket.reserve(now);
            if limit.is_some_and(|limit| wait >= limit) {
                bucket.unreserve(now);
                return Err(wait);
            }
            wait
        };
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        Ok(wait)
    }

    /// The time the bucket takes to drain one request.
    pub fn slot_interval(&self) -> Duration {
        self.lock().slot_interval()
    }

    /// Mark the bucket full (the portal answered `QUERY_LIMIT_EXCEEDED`).
    pub fn saturate(&self) {
        self.lock().saturate(Instant::now());
    }
}

impl Limiter for MemoryLimiter {
    fn acquire<'a>(&'a self, method: &'a str) -> LimiterFuture<'a, Result<(), LimiterError>> {
        // Without a limit the wait always ends in `Ok`: the same budget-then-bucket order.
        Box::pin(async move {
            Limiter::acquire_within(self, method, None)
                .await
                .map(|_waited| ())
        })
    }

    fn acquire_within<'a>(
        &'a self,
        method: &'a str,
        limit: Option<Duration>,
    ) -> LimiterFuture<'a, Result<Result<Duration, Duration>, LimiterError>> {
        Box::pin(async move {
            let start = Instant::now();
            // The method's budget first: a call that waits for it takes no bucket slot.
            let late = |wait: Duration| limit.is_some_and(|limit| start.elapsed() + wait >= limit);
            while let Some(wait) = self.operating_wait(method) {
                if late(wait) {
                    return Ok(Err(wait));
                }
                tokio::time::sleep(wait).await;
            }
            let left = limit.map(|limit| limit.saturating_sub(start.elapsed()));
            Ok(MemoryLimiter::acquire_within(self, left)
                .await
                .map(|_| start.elapsed()))
        })
    }

    fn saturate(&self) -> LimiterFuture<'_, ()> {
        MemoryLimiter::saturate(self);
        Box::pin(async {})
    }

    fn slot_interval(&self) -> Duration {
        MemoryLimiter::slot_interval(self)
    }

    fn observe(&self, method: &str, time: &Time) {
        let (Some(_), Some(operating), Some(reset_at)) =
            (self.budget, time.operating, time.operating_reset_at)
        else {
            return;
        };
        let mut methods = self.methods.lock().unwrap_or_else(PoisonError::into_inner);
        match methods.get_mut(method) {
            Some(budget) => budget.observe(operating, reset_at, time.processing),
            None => {
                let mut budget = MethodBudget::default();
                budget.observe(operating, reset_at, time.processing);
                methods.insert(method.to_owned(), budget);
            }
        }
    }
}

/// The current time as Unix seconds, fractional (the portal's `operating_reset_at` is one).
fn unix_now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |since| since.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(start: Instant, millis: u64) -> Instant {
        start + Duration::from_millis(millis)
    }

    #[test]
    fn a_burst_up_to_capacity_goes_at_once() {
        let start = Instant::now();
        let mut bucket = LeakyBucket::new(BucketConfig::STANDARD, start);
        for _ in 0..50 {
            assert_eq!(bucket.reserve(start), Duration::ZERO);
        }
        // The 51st waits for one drain step: 1 / 2 per second.
        assert_eq!(bucket.reserve(start), Duration::from_millis(500));
        // The 52nd waits for the slot after it.
        assert_eq!(bucket.reserve(start), Duration::from_millis(1000));
    }

    #[test]
    fn the_bucket_drains_at_the_configured_rate() {
        let start = Instant::now();
        let mut bucket = LeakyBucket::new(BucketConfig::STANDARD, start);
        for _ in 0..50 {
            bucket.reserve(start);
        }
        assert!((bucket.level(at(start, 1000)) - 48.0).abs() < 1e-9);
        // Two slots came free in that second.
        assert_eq!(bucket.reserve(at(start, 1000)), Duration::ZERO);
        assert_eq!(bucket.reserve(at(start, 1000)), Duration::ZERO);
        assert_eq!(bucket.reserve(at(start, 1000)), Duration::from_millis(500));
        // An idle bucket empties completely and never goes below zero.
        assert_eq!(bucket.level(at(start, 120_000)), 0.0);
    }

    #[test]
    fn sustained_load_never_overflows_a_portal_with_the_same_bucket() {
        // Simulate the portal's bucket: each request arrives at its send time.
        let config = BucketConfig::STANDARD;
        let start = Instant::now();
        let mut client = LeakyBucket::new(config, start);
        let mut portal_level: f64 = 0.0;
        let mut portal_time = 0.0_f64;
        let mut max_level: f64 = 0.0;
        for i in 0..1000u64 {
            // Callers arrive every 100 ms (10/s, five times the drain rate).
            let arrival = i as f64 * 0.1;
            let wait = client.reserve(start + Duration::from_secs_f64(arrival));
            let send = arrival + wait.as_secs_f64();
            assert!(send >= portal_time - 1e-9, "slots are handed out in order");
            portal_level = (portal_level - (send - portal_time) * config.drain_per_second).max(0.0);
            portal_time = send;
            portal_level += 1.0;
            max_level = max_level.max(portal_level);
        }
        assert!(
            max_level <= f64::from(config.capacity) + 1e-6,
            "the portal's bucket reached {max_level}"
        );
    }

    /// The portal's bucket fed with arrival times; returns the highest level reached.
    fn portal_peak(config: BucketConfig, mut arrivals: Vec<f64>) -> f64 {
        arrivals.sort_by(f64::total_cmp);
        let (mut level, mut time, mut peak) = (0.0_f64, 0.0_f64, 0.0_f64);
        for arrival in arrivals {
            level = (level - (arrival - time) * config.drain_per_second).max(0.0);
            time = arrival;
            level += 1.0;
            peak = peak.max(level);
        }
        peak
    }

    #[test]
    fn the_safety_margin_absorbs_a_slow_start_of_the_burst() {
        let config = BucketConfig::STANDARD;
        let start = Instant::now();
        for (safety, fits) in [(Duration::ZERO, false), (DEFAULT_SAFETY, true)] {
            let mut bucket = LeakyBucket::new(config, start).with_safety(safety);
            // 120 callers at once; the burst's requests take 150 ms longer to arrive (new
            // connections: two round trips of 75 ms), the paced ones arrive at once.
            let arrivals = (0..120)
                .map(|i| {
                    let wait = bucket.reserve(start).as_secs_f64();
                    if i < 50 { wait + 0.15 } else { wait }
                })
                .collect();
            let peak = portal_peak(config, arrivals);
            assert_eq!(peak <= 50.0 + 1e-9, fits, "safety {safety:?}: peak {peak}");
        }
    }

    #[test]
    fn the_enterprise_bucket_is_bigger_and_faster() {
        let start = Instant::now();
        let mut bucket = LeakyBucket::new(BucketConfig::ENTERPRISE, start);
        for _ in 0..250 {
            assert_eq!(bucket.reserve(start), Duration::ZERO);
        }
        assert_eq!(bucket.reserve(start), Duration::from_millis(200));
    }

    #[test]
    fn saturate_fills_the_bucket_and_time_going_backwards_is_harmless() {
        let start = Instant::now();
        let mut bucket = LeakyBucket::new(BucketConfig::STANDARD, at(start, 1000));
        bucket.saturate(at(start, 1000));
        assert_eq!(bucket.reserve(at(start, 1000)), Duration::from_millis(500));
        // An instant before the last update drains nothing and does not panic.
        assert_eq!(bucket.reserve(start), Duration::from_millis(1000));
    }

    #[test]
    fn a_slot_given_back_is_free_again() {
        let start = Instant::now();
        let mut bucket = LeakyBucket::new(BucketConfig::STANDARD, start);
        bucket.saturate(start);
        assert_eq!(bucket.reserve(start), Duration::from_millis(500));
        bucket.unreserve(start);
        assert_eq!(bucket.reserve(start), Duration::from_millis(500));
        assert_eq!(bucket.slot_interval(), Duration::from_millis(500));
    }

    #[test]
    fn a_zero_or_broken_config_never_panics() {
        let start = Instant::now();
        let mut bucket = LeakyBucket::new(
            BucketConfig {
                capacity: 0,
                drain_per_second: 0.0,
            },
            start,
        );
        assert_eq!(bucket.reserve(start), Duration::ZERO);
        assert!(bucket.reserve(start) > Duration::from_secs(1000));
    }
}
