//! The portal's request-rate limit: a leaky bucket (limits.md).
//!
//! Precisely: the bucket holds a level, starting at 0. The level drains continuously at
//! `drain_per_second` and never goes below 0. Each HTTP request that reaches the portal
//! would add 1; if the level after adding would exceed `capacity`, the request is rejected
//! (`QUERY_LIMIT_EXCEEDED`) and the level is left as it was, else the level rises by 1.
//! So from an empty bucket a burst of exactly `capacity` requests passes and the next one
//! is rejected, unless at least 1 unit has drained meanwhile (0.5 s at 2/s).

use std::time::Instant;

use crate::config::BucketConfig;

/// Slack for the floating-point level, so a burst of exactly `capacity` always passes.
const EPSILON: f64 = 1e-9;

#[derive(Debug)]
pub(crate) struct LeakyBucket {
    config: BucketConfig,
    level: f64,
    updated: Instant,
}

impl LeakyBucket {
    pub(crate) fn new(config: BucketConfig) -> Self {
        Self {
            config,
            level: 0.0,
            updated: Instant::now(),
        }
    }

    /// Admit one request at `now`; `false` means it is rejected.
    pub(crate) fn admit(&mut self, now: Instant) -> bool {
        let elapsed = now.saturating_duration_since(self.updated).as_secs_f64();
        let drain = if self.config.drain_per_second.is_finite() {
            self.config.drain_per_second.max(0.0)
        } else {
            0.0
        };
        self.level = (self.level - elapsed * drain).max(0.0);
        if now > self.updated {
            self.updated = now;
        }
        if self.level + 1.0 > f64::from(self.config.capacity) + EPSILON {
            false
        } else {
            self.level += 1.0;
            true
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_of_capacity_passes_and_the_next_is_rejected() {
        let mut bucket = LeakyBucket::new(BucketConfig::STANDARD);
        let t0 = Instant::now();
        for i in 0..50 {
            assert!(bucket.admit(t0), "request {i}");
        }
        assert!(!bucket.admit(t0));
        assert!(!bucket.admit(t0 + Duration::from_millis(400)));
        // 0.5 s at 2/s drains exactly 1.
        assert!(bucket.admit(t0 + Duration::from_millis(500)));
        assert!(!bucket.admit(t0 + Duration::from_millis(500)));
        // Fully drained after 25 s: another full burst.
        let later = t0 + Duration::from_secs(60);
        for _ in 0..50 {
            assert!(bucket.admit(later));
        }
        assert!(!bucket.admit(later));
    }

    #[test]
    fn enterprise_and_degenerate_configs() {
        let mut bucket = LeakyBucket::new(BucketConfig::ENTERPRISE);
        let t0 = Instant::now();
        assert_eq!((0..300).filter(|_| bucket.admit(t0)).count(), 250);
        let mut zero = LeakyBucket::new(BucketConfig {
            capacity: 0,
            drain_per_second: f64::NAN,
        });
        assert!(!zero.admit(t0));
        // Time going backwards does not panic or refill.
        let mut one = LeakyBucket::new(BucketConfig {
            capacity: 1,
            drain_per_second: -3.0,
        });
        assert!(one.admit(t0 + Duration::from_secs(1)));
        assert!(!one.admit(t0));
    }
}
