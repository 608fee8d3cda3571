//! Where a portal's shared state lives in Redis: one key per concept under a prefix and
//! the portal's id.

/// The prefix of every key, unless another is given.
pub const DEFAULT_PREFIX: &str = "bitrix24";

/// The keys of one portal: `prefix:{portal}:…`.
///
/// `portal` is what tells portals apart: the member id of an application's installation,
/// or the host of a webhook (`example.bitrix24.com`). It is written in braces, a Redis
/// Cluster hash tag: a script that touches two keys of one portal (the bucket and a
/// method's budget) finds both on the same node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortalKeys {
    base: String,
}

impl PortalKeys {
    /// The keys of `portal` under [`DEFAULT_PREFIX`].
    pub fn new(portal: &str) -> Self {
        Self::with_prefix(DEFAULT_PREFIX, portal)
    }

    /// The keys of `portal` under `prefix` (to keep several applications, or tests, apart
    /// in one Redis).
    pub fn with_prefix(prefix: &str, portal: &str) -> Self {
        Self {
            base: format!("{prefix}:{{{portal}}}"),
        }
    }

    /// The request-rate bucket (a hash: `level`, `updated`).
    pub fn bucket(&self) -> String {
        format!("{}:bucket", self.base)
    }

    /// The operating-time budget of a method for one credential (a hash).
    pub fn operating(&self, credential: &str, method: &str) -> String {
        format!("{}:operating:{credential}:{method}", self.base)
    }

    /// The calls of a method let go and not yet replied to, for one credential (a sorted
    /// set by the time they were let go).
    pub fn in_flight(&self, credential: &str, method: &str) -> String {
        format!("{}:in-flight:{credential}:{method}", self.base)
    }

    /// The OAuth token pair (JSON).
    pub fn tokens(&self) -> String {
        format!("{}:tokens", self.base)
    }

    /// The refresh lease (a random holder id with an expiry).
    pub fn lease(&self) -> String {
        format!("{}:lease", self.base)
    }
}
