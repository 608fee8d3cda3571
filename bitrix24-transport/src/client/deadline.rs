//! The call's deadline: one instant by which every attempt, every backoff and every wait
//! for the rate limit or an operating-time block of a call has ended.
//!
//! The per-attempt timeout bounds one request; without a deadline a call that stalls on
//! every attempt takes the attempts times the timeout plus the backoff (about 283 s with
//! the defaults). The deadline cuts the last attempt's timeout short, and a wait that
//! would end after it is not started at all: the call returns at once, since nothing
//! could succeed in the time left.

use std::time::{Duration, Instant};

/// The default deadline of a call: two and a half times the default attempt timeout, so
/// that a call stalled once still has a full second attempt, and a burst of refusals
/// from a shared rate-limit bucket has minutes to drain.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(180);

/// When a call must have ended.
#[derive(Debug, Clone, Copy)]
pub(super) struct Deadline {
    /// The deadline as configured (for the error), `None` for none.
    total: Option<Duration>,
    at: Option<Instant>,
}

impl Deadline {
    /// A deadline `total` from now (`None`: the call may take as long as its attempts).
    pub(super) fn starting_now(total: Option<Duration>) -> Self {
        Self {
            total,
            at: total.and_then(|total| Instant::now().checked_add(total)),
        }
    }

    /// The deadline as configured.
    pub(super) fn total(&self) -> Option<Duration> {
        self.total
    }

    /// The time left (`None`: no deadline).
    pub(super) fn remaining(&self) -> Option<Duration> {
        self.at
            .map(|at| at.saturating_duration_since(Instant::now()))
    }

    /// Whether the deadline has passed.
    pub(super) fn passed(&self) -> bool {
        self.remaining().is_some_and(|left| left.is_zero())
    }

    /// The timeout of the next attempt: the attempt timeout, cut to the time left.
    pub(super) fn attempt_timeout(&self, timeout: Option<Duration>) -> Option<Duration> {
        match (timeout, self.remaining()) {
            (Some(timeout), Some(left)) => Some(timeout.min(left)),
            (timeout, left) => timeout.or(left),
        }
    }

    /// Whether a wait of `wait` ends before the deadline (with room for an attempt).
    pub(super) fn allows(&self, wait: Duration) -> bool {
        self.remaining().is_none_or(|left| wait < left)
    }

    /// Sleep `wait` if it ends before the deadline; `false` (at once) if it would not.
    pub(super) async fn sleep(&self, wait: Duration) -> bool {
        if !self.allows(wait) {
            return false;
        }
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_attempt_timeout_is_cut_to_the_time_left() {
        let none = Deadline::starting_now(None);
        assert_eq!(none.attempt_timeout(None), None);
        assert_eq!(
            none.attempt_timeout(Some(Duration::from_secs(5))),
            Some(Duration::from_secs(5))
        );
        assert!(none.allows(Duration::MAX) && !none.passed());

        let short = Deadline::starting_now(Some(Duration::from_secs(2)));
        let cut = short
            .attempt_timeout(Some(Duration::from_secs(70)))
            .unwrap();
        assert!(cut <= Duration::from_secs(2) && cut > Duration::from_secs(1));
        assert!(short.attempt_timeout(None).unwrap() <= Duration::from_secs(2));
        assert!(short.allows(Duration::from_secs(1)));
        assert!(!short.allows(Duration::from_secs(3)));

        let gone = Deadline::starting_now(Some(Duration::ZERO));
        assert!(gone.passed() && !gone.allows(Duration::ZERO));
    }
}
