//! The portal's mutable state: the stores of each method family, the counters, the
//! issued tokens and the pending faults, kept behind one `std::sync::Mutex` that is never
//! held across an `.await`.

use std::sync::{Mutex, MutexGuard};

use crate::bucket::LeakyBucket;
use crate::clock::now_unix;
use crate::config::PortalConfig;
use crate::credentials::{Tokens, random_token};
use crate::crm::CrmStores;
use crate::events::EventStore;
use crate::fault::Faults;
use crate::items::ItemStore;
use crate::operating::OperatingClock;
use crate::stats::Stats;
use crate::task_store::TaskStore;
use crate::tasks_v3::Replays;
use crate::user_fields::UserFieldStore;
use crate::users::UserStore;

/// Everything that changes while the portal runs.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) config: PortalConfig,
    pub(crate) client_id: String,
    /// Leads, deals, contacts and companies (`crm.{lead,deal,contact,company}.*`).
    pub(crate) crm: CrmStores,
    pub(crate) user_fields: UserFieldStore,
    pub(crate) stats: Stats,
    pub(crate) bucket: Option<LeakyBucket>,
    /// Operating time per (credential, method), when the config sets a limit.
    pub(crate) operating: Option<OperatingClock>,
    pub(crate) faults: Faults,
    pub(crate) tokens: Tokens,
    pub(crate) events: EventStore,
    /// Tasks (served by REST 3.0 and the classic methods).
    pub(crate) tasks_v3: TaskStore,
    /// Stored replies of REST 3.0 writes sent with an `Idempotency-Key`.
    pub(crate) replays: Replays,
    /// Smart-process items (`crm.item.*`).
    pub(crate) items: ItemStore,
    /// The portal's users (`user.get`, `user.current`).
    pub(crate) users: UserStore,
    /// Applications' data storages (`entity.*`).
    pub(crate) app_storage: crate::app_storage::AppStorage,
}

impl State {
    pub(crate) fn new(config: PortalConfig) -> Self {
        Self {
            bucket: config.rate_limit.map(LeakyBucket::new),
            operating: config.operating.clone().map(OperatingClock::new),
            config,
            client_id: format!(
                "local.{}.{}",
                random_token(13),
                fastrand::u32(10_000_000..99_999_999)
            ),
            crm: CrmStores::default(),
            user_fields: UserFieldStore::default(),
            stats: Stats::default(),
            faults: Faults::default(),
            tokens: Tokens::default(),
            events: EventStore::default(),
            tasks_v3: TaskStore::default(),
            replays: Replays::default(),
            items: ItemStore::default(),
            users: UserStore::new(now_unix().floor() as i64),
            app_storage: Default::default(),
        }
    }
}

/// Lock the state; a panic elsewhere while holding the lock does not poison the portal.
pub(crate) fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}
