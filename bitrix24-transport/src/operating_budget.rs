//! The operating-time budget of each method, as the portal's replies report it: slow a
//! method down *before* the portal blocks it.
//!
//! limits.md: each method may run 480 s in all per application or webhook within 10
//! minutes; over that the portal answers `OPERATION_TIME_LIMIT` until part of the time is
//! released. Every reply's `time.operating` is the method's sum so far and
//! `time.operating_reset_at` when part of it is released. [`MethodBudget`] remembers the
//! latest of each and the largest step (a call's own `time.processing`, or the growth
//! between two replies); a call whose method is within a margin of the limit waits for the
//! release instead of being sent.
//!
//! The calls let go whose replies have not come yet count too: each adds one step to the
//! margin, so that callers sending at once do not all pass on the same stale figure. A
//! call that never replies (it failed) stops counting after [`PENDING_TTL`].
//!
//! After the release a single call goes first (a probe) while the others wait for its
//! reply or a short while: the release frees only part of the time, and the waiters all
//! sent at once would use more than that.

use std::collections::VecDeque;
use std::time::Duration;

/// How long the other callers wait for a probe's reply before one of them probes again.
pub const PROBE_WAIT: Duration = Duration::from_millis(250);

/// How long a call let go counts as in flight without a reply (longer than the client's
/// default attempt timeout).
pub const PENDING_TTL: Duration = Duration::from_secs(75);

/// The limit to keep below, and the margin a method keeps from it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OperatingBudget {
    /// The execution time a method may use in the portal's window (documented: 480 s).
    pub limit: Duration,
    /// The least margin kept from the limit. The margin is at least twice the largest
    /// step seen, plus a step per call in flight (those [`MethodBudget`] knows of).
    pub reserve: Duration,
}

impl OperatingBudget {
    /// 480 s per method, a margin of at least 10 s.
    pub const DOCUMENTED: Self = Self {
        limit: Duration::from_secs(480),
        reserve: Duration::from_secs(10),
    };
}

impl Default for OperatingBudget {
    fn default() -> Self {
        Self::DOCUMENTED
    }
}

/// What the replies said of one method's operating time (Unix seconds throughout).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MethodBudget {
    operating: f64,
    reset_at: f64,
    largest_step: f64,
    /// Until when a probe sent after the release is awaited.
    probing_until: f64,
    /// When each call let go and not replied to yet was let go, oldest first.
    pending: VecDeque<f64>,
}

impl MethodBudget {
    /// A reply's `time.operating` and `time.operating_reset_at`, and what the call itself
    /// took (`time.processing`), which is what it added. A reply older than one seen
    /// already (same or earlier release, less time) is ignored, but for its own cost:
    /// replies of calls in flight together arrive in any order.
    pub fn observe(&mut self, operating: f64, reset_at: f64, cost: Option<f64>) {
        // Whichever call this replies to, one fewer is in flight.
        self.pending.pop_front();
        if let Some(cost) = cost.filter(|cost| cost.is_finite()) {
            self.largest_step = self.largest_step.max(cost);
        }
        if !(operating.is_finite() && reset_at.is_finite()) {
            return;
        }
        let later_window = reset_at > self.reset_at + 1e-6;
        if !later_window && operating <= self.operating {
            return;
        }
        let step = operating - self.operating;
        if step > self.largest_step && self.reset_at > 0.0 {
            self.largest_step = step;
        }
        self.operating = operating;
        self.reset_at = reset_at;
        self.probing_until = 0.0;
    }

    /// How long a call of the method must wait at `now` before it is sent (`None`: go).
    /// Letting a call go as the probe after the release is recorded.
    /// A call let go is recorded as in flight.
    pub fn wait(&mut self, budget: &OperatingBudget, now: f64) -> Option<Duration> {
        let expired = now - PENDING_TTL.as_secs_f64();
        while self.pending.front().is_some_and(|&sent| sent < expired) {
            self.pending.pop_front();
        }
        let in_flight = self.pending.len() as f64 * self.largest_step;
        let margin = budget.reserve.as_secs_f64().max(2.0 * self.largest_step) + in_flight;
        if self.operating + margin < budget.limit.as_secs_f64() {
            self.pending.push_back(now);
            return None;
        }
        let until = if now < self.reset_at {
            self.reset_at
        } else if now < self.probing_until {
            self.probing_until
        } else {
            self.probing_until = now + PROBE_WAIT.as_secs_f64();
            self.pending.push_back(now);
            return None;
        };
        Duration::try_from_secs_f64(until - now).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BUDGET: OperatingBudget = OperatingBudget {
        limit: Duration::from_secs(10),
        reserve: Duration::from_secs(1),
    };

    #[test]
    fn a_method_near_the_limit_waits_for_the_release_then_probes_once() {
        let mut method = MethodBudget::default();
        method.observe(2.0, 100.0, None);
        method.observe(4.0, 100.0, None);
        // A late reply of an earlier call changes nothing.
        method.observe(3.0, 100.0, None);
        assert_eq!(method.wait(&BUDGET, 1.0), None);
        method.observe(5.0, 100.0, None);
        // The largest step is 2 s: the margin is 4 s, so at 6 s the method waits for the
        // release.
        method.observe(6.0, 100.0, None);
        assert_eq!(method.wait(&BUDGET, 40.0), Some(Duration::from_secs(60)));
        // After it, one call probes; the others wait for its reply.
        assert_eq!(method.wait(&BUDGET, 100.0), None);
        assert_eq!(method.wait(&BUDGET, 100.0), Some(PROBE_WAIT));
        // The probe's reply: the window moved and 4 s were released.
        method.observe(2.0, 130.0, None);
        assert_eq!(method.wait(&BUDGET, 100.1), None);
    }

    #[test]
    fn calls_in_flight_widen_the_margin_until_they_reply_or_expire() {
        let mut method = MethodBudget::default();
        method.observe(1.0, 100.0, None);
        method.observe(2.0, 100.0, None);
        // Step 1 s, margin 2 s: at 2 s of 10, six calls may go before a reply (2 + 2 + 6).
        let let_go = (0..10)
            .take_while(|_| method.wait(&BUDGET, 1.0).is_none())
            .count();
        assert_eq!(let_go, 6);
        // Two of them reply (no more time than known, say): two more may go.
        method.observe(2.0, 100.0, None);
        method.observe(2.0, 100.0, None);
        assert!(method.wait(&BUDGET, 1.0).is_none());
        assert!(method.wait(&BUDGET, 1.0).is_none());
        assert!(method.wait(&BUDGET, 1.0).is_some());
        // Calls that never replied stop counting after PENDING_TTL (the release at 100 s
        // has passed by then, so the one after is a probe).
        let later = 1.0 + PENDING_TTL.as_secs_f64() + 1.0;
        method.observe(2.0, later + 100.0, None);
        assert!(method.wait(&BUDGET, later).is_none());
    }

    #[test]
    fn a_replys_own_cost_is_a_step_even_when_the_reply_is_late() {
        let mut method = MethodBudget::default();
        // The latest reply came first; the earlier one is stale but says a call costs 2 s.
        method.observe(6.0, 100.0, None);
        method.observe(4.0, 100.0, Some(2.0));
        assert_eq!(method.largest_step, 2.0);
        // 6 + 2 x 2 reaches the limit of 10.
        assert!(method.wait(&BUDGET, 1.0).is_some());
    }

    #[test]
    fn the_reserve_is_the_least_margin_and_nonsense_is_ignored() {
        let mut method = MethodBudget::default();
        method.observe(8.5, 50.0, None);
        assert!(method.wait(&BUDGET, 10.0).is_none());
        method.observe(9.0, 50.0, None);
        assert!(method.wait(&BUDGET, 10.0).is_some());
        let before = method.clone();
        method.observe(f64::NAN, 60.0, None);
        method.observe(8.0, 50.0, Some(f64::INFINITY));
        method.pending = before.pending.clone();
        assert_eq!(method, before);
    }
}
