//! The portal's operating-time limit as a client remembers it, per method: the last
//! `time.operating_reset_at` a reply gave, and until when `OPERATION_TIME_LIMIT` blocks
//! the method, so that other calls of it wait instead of earning the same refusal.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use crate::envelope::Time;

/// What a client knows of each method's operating-time budget; shared by its clones.
#[derive(Default)]
pub(super) struct OperatingTime {
    /// The last `time.operating_reset_at` seen per method.
    operating: Mutex<HashMap<String, f64>>,
    /// Methods blocked by `OPERATION_TIME_LIMIT`, until when (Unix time): other calls of
    /// the method wait too instead of earning the same refusal.
    blocked: Mutex<HashMap<String, f64>>,
}

impl OperatingTime {
    /// Remember the reply's `time.operating_reset_at` for `method`.
    pub(super) fn remember(&self, method: &str, time: Option<&Time>) {
        if let Some(reset_at) = time.and_then(|time| time.operating_reset_at) {
            let mut map = self
                .operating
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            if let Some(slot) = map.get_mut(method) {
                *slot = reset_at;
            } else {
                map.insert(method.to_owned(), reset_at);
            }
        }
    }

    /// Record that `method` is blocked until `until` (Unix time).
    pub(super) fn block(&self, method: &str, until: f64) {
        let mut map = self.blocked.lock().unwrap_or_else(PoisonError::into_inner);
        let slot = map.entry(method.to_owned()).or_insert(until);
        *slot = slot.max(until);
    }

    /// How long `method` is still blocked by `OPERATION_TIME_LIMIT`, if it is.
    pub(super) fn blocked_for(&self, method: &str) -> Option<Duration> {
        let mut map = self.blocked.lock().unwrap_or_else(PoisonError::into_inner);
        let until = *map.get(method)?;
        let left = until - unix_now_f64();
        if left > 0.0 {
            Duration::try_from_secs_f64(left).ok()
        } else {
            map.remove(method);
            None
        }
    }

    /// The last `time.operating_reset_at` seen for `method`.
    pub(super) fn last_reset(&self, method: &str) -> Option<f64> {
        self.operating
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(method)
            .copied()
    }
}

/// The current time as Unix seconds, fractional.
pub(super) fn unix_now_f64() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}
