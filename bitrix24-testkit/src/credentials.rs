//! The portal's credentials: its fixed secrets, and the OAuth codes and tokens it has
//! issued.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

/// How long an authorization code may be exchanged (settings/oauth/index.md: 30 seconds).
pub(crate) const CODE_LIFETIME: Duration = Duration::from_secs(30);

/// A random lowercase alphanumeric string (tokens, secrets).
pub(crate) fn random_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    (0..len)
        .map(|_| char::from(ALPHABET[fastrand::usize(..ALPHABET.len())]))
        .collect()
}

/// The portal's fixed credentials. Debug never shows them.
pub(crate) struct Secrets {
    pub(crate) webhook_secret: String,
    pub(crate) client_secret: String,
    pub(crate) application_token: String,
    pub(crate) member_id: String,
}

impl fmt::Debug for Secrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secrets(<redacted>)")
    }
}

impl Secrets {
    pub(crate) fn generate() -> Self {
        Self {
            webhook_secret: random_token(16),
            client_secret: random_token(50),
            application_token: random_token(32),
            member_id: random_token(32),
        }
    }
}

/// An issued access token.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AccessToken {
    pub(crate) expires_at: Instant,
    pub(crate) forced_expired: bool,
    pub(crate) user_id: u64,
}

impl AccessToken {
    pub(crate) fn is_expired(&self, now: Instant) -> bool {
        self.forced_expired || now >= self.expires_at
    }
}

/// Issued OAuth codes and tokens. Debug shows only how many there are.
#[derive(Default)]
pub(crate) struct Tokens {
    /// Authorization code -> when it stops being valid.
    pub(crate) codes: HashMap<String, Instant>,
    pub(crate) access: HashMap<String, AccessToken>,
    /// Valid refresh tokens -> the user they belong to.
    pub(crate) refresh: HashMap<String, u64>,
    /// Refresh tokens already exchanged, to tell a reuse from an unknown token.
    pub(crate) spent: HashSet<String>,
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("codes", &self.codes.len())
            .field("access", &self.access.len())
            .field("refresh", &self.refresh.len())
            .field("spent", &self.spent.len())
            .finish()
    }
}
