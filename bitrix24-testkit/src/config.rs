//! How a portal is set up: its rate limit, latency, token lifetime, page size and
//! capabilities.

use std::time::Duration;

use crate::capabilities::PortalCapabilities;

/// A rate-limit bucket: `capacity` requests at once, draining `drain_per_second`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BucketConfig {
    /// The level above which requests are rejected (limits.md `X`).
    pub capacity: u32,
    /// How fast the level drains, per second (limits.md `Y`).
    pub drain_per_second: f64,
}

impl BucketConfig {
    /// Every plan but Enterprise: 50, draining 2 per second.
    pub const STANDARD: BucketConfig = BucketConfig {
        capacity: 50,
        drain_per_second: 2.0,
    };
    /// Enterprise: 250, draining 5 per second.
    pub const ENTERPRISE: BucketConfig = BucketConfig {
        capacity: 250,
        drain_per_second: 5.0,
    };
}

/// The operating-time limit (limits.md): each method may run `limit` seconds in all per
/// credential (application or webhook) within any `window`; a call of a method over it is
/// refused with 429 `OPERATION_TIME_LIMIT` until enough of the window has passed.
///
/// The test portal's methods run in microseconds, so each method is charged the execution
/// time given in [`OperatingLimit::cost`] per call (as if it ran that long, without
/// sleeping); methods without a cost are not charged.
#[derive(Debug, Clone, PartialEq)]
pub struct OperatingLimit {
    /// Execution time a method may use within the window (documented: 480 s).
    pub limit: std::time::Duration,
    /// The window (documented: 10 minutes).
    pub window: std::time::Duration,
    /// Per method (lowercase name), the execution time one call is charged.
    pub costs: Vec<(String, std::time::Duration)>,
}

impl OperatingLimit {
    /// The documented limit: 480 s per 10 minutes; no method charged yet.
    pub fn documented() -> Self {
        Self::new(Duration::from_secs(480), Duration::from_secs(600))
    }

    /// `limit` of execution per `window`; no method charged yet.
    pub fn new(limit: Duration, window: Duration) -> Self {
        Self {
            limit,
            window,
            costs: Vec::new(),
        }
    }

    /// Charge each call of `method` this much execution time.
    pub fn cost(mut self, method: &str, per_call: Duration) -> Self {
        self.costs.push((method.to_ascii_lowercase(), per_call));
        self
    }
}

/// How a [`TestPortal`](crate::TestPortal) behaves.
#[derive(Debug, Clone)]
pub struct PortalConfig {
    /// The request-rate limit; `None` = unlimited. Default: [`BucketConfig::STANDARD`].
    pub rate_limit: Option<BucketConfig>,
    /// Added to every reply. Default: none.
    pub latency: Duration,
    /// The lifetime of issued access tokens. Default: 3600 s.
    pub access_token_ttl: Duration,
    /// Records per list page. Default: 50 (0 is read as 1).
    pub page_size: usize,
    /// Absent modules and methods, granted scopes. Default: everything present and granted.
    pub capabilities: PortalCapabilities,
    /// The operating-time limit; `None` (the default) charges nothing and reports an
    /// `operating` of 0.
    pub operating: Option<OperatingLimit>,
}

impl PortalConfig {
    /// The defaults without a rate limit: for tests that are not about the limit.
    pub fn unlimited() -> Self {
        Self {
            rate_limit: None,
            ..Self::default()
        }
    }
}

impl Default for PortalConfig {
    fn default() -> Self {
        Self {
            rate_limit: Some(BucketConfig::STANDARD),
            latency: Duration::ZERO,
            access_token_ttl: Duration::from_secs(3600),
            page_size: 50,
            capabilities: PortalCapabilities::default(),
            operating: None,
        }
    }
}
