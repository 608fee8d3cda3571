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
        }
    }
}
