//! The portal's mutable state, kept behind one `std::sync::Mutex` that is never held
//! across an `.await`.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::bucket::LeakyBucket;
use super::deals::DealStore;
use super::events::EventStore;
use super::items::ItemStore;
use super::tasks_v3::TaskStore;
use super::user_fields::UserFieldStore;
use super::{Fault, PortalConfig, Stats};

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
}

impl fmt::Debug for Tokens {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("codes", &self.codes.len())
            .field("access", &self.access.len())
            .field("refresh", &self.refresh.len())
            .finish()
    }
}

/// A fault waiting for its request; `method = None` matches any REST request.
#[derive(Debug, Clone)]
pub(crate) struct PendingFault {
    pub(crate) method: Option<String>,
    pub(crate) fault: Fault,
}

/// Everything that changes while the portal runs.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) config: PortalConfig,
    pub(crate) client_id: String,
    pub(crate) deals: DealStore,
    pub(crate) user_fields: UserFieldStore,
    pub(crate) stats: Stats,
    pub(crate) bucket: Option<LeakyBucket>,
    pub(crate) faults: VecDeque<PendingFault>,
    pub(crate) tokens: Tokens,
    pub(crate) events: EventStore,
    /// Tasks (served by REST 3.0 and the classic methods) and stored idempotent replies.
    pub(crate) tasks_v3: TaskStore,
    /// Smart-process items (`crm.item.*`).
    pub(crate) items: ItemStore,
}

impl State {
    pub(crate) fn new(config: PortalConfig) -> Self {
        Self {
            bucket: config.rate_limit.map(LeakyBucket::new),
            config,
            client_id: format!(
                "local.{}.{}",
                random_token(13),
                fastrand::u32(10_000_000..99_999_999)
            ),
            deals: DealStore::default(),
            user_fields: UserFieldStore::default(),
            stats: Stats::default(),
            faults: VecDeque::new(),
            tokens: Tokens::default(),
            events: EventStore::default(),
            tasks_v3: TaskStore::default(),
            items: ItemStore::default(),
        }
    }

    /// Take the first pending fault for a call of `method` (the token endpoint is
    /// `oauth.token` and matches only faults injected for it by name).
    pub(crate) fn take_fault(&mut self, method: &str) -> Option<Fault> {
        let index = self
            .faults
            .iter()
            .position(|pending| match &pending.method {
                Some(name) => name.eq_ignore_ascii_case(method),
                None => method != super::TOKEN_ENDPOINT_METHOD,
            })?;
        self.faults.remove(index).map(|pending| pending.fault)
    }
}

/// Lock the state; a panic elsewhere while holding the lock does not poison the portal.
pub(crate) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
